package hipcloud.tests.s3_encryption

import data.hipcloud.rules.s3_encryption
import data.hipcloud.tests.fixtures

test_customer_key_passes if {
	count(s3_encryption.deny) == 0 with input as fixtures.compliant
}

test_sse_s3_data_bucket_fails if {
	fields := fixtures.with_field(fixtures.data_bucket, "encryption", {"sse_algorithm": "AES256"})
	resources := [fixtures.live("bucket.raw", fields)]
	fixtures.hits(s3_encryption.deny) == {["bucket.raw", "live"]} with input as fixtures.input_of(resources)
}

test_aws_managed_key_fails if {
	fields := fixtures.with_field(fixtures.data_bucket, "encryption", {"sse_algorithm": "aws:kms", "kms_key": null, "bucket_key": true})
	resources := [fixtures.desired("bucket.raw", fields)]
	fixtures.hits(s3_encryption.deny) == {["bucket.raw", "desired"]} with input as fixtures.input_of(resources)
}

test_access_log_bucket_is_an_exception if {
	fixtures.hits(s3_encryption.exceptions) == {["bucket.logs", "desired"]} with input as fixtures.compliant
}
