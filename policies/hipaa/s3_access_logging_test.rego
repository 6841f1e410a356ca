package hipcloud.tests.s3_access_logging

import data.hipcloud.rules.s3_access_logging
import data.hipcloud.tests.fixtures

test_logging_to_log_bucket_passes if {
	count(s3_access_logging.deny) == 0 with input as fixtures.compliant
}

test_logging_off_fails if {
	fields := fixtures.with_field(fixtures.data_bucket, "logging", null)
	resources := [fixtures.live("bucket.raw", fields)]
	fixtures.hits(s3_access_logging.deny) == {["bucket.raw", "live"]} with input as fixtures.input_of(resources)
}

test_logging_to_itself_fails if {
	fields := fixtures.with_field(fixtures.data_bucket, "logging", {"target_bucket": "lab-raw", "target_prefix": ""})
	resources := [fixtures.desired("bucket.raw", fields)]
	fixtures.hits(s3_access_logging.deny) == {["bucket.raw", "desired"]} with input as fixtures.input_of(resources)
}
