package hipcloud.tests.s3_noncurrent_retention

import data.hipcloud.rules.s3_noncurrent_retention
import data.hipcloud.tests.fixtures

test_declared_retention_passes if {
	resource := fixtures.resource("bucket.raw", fixtures.data_bucket, fixtures.data_bucket)
	count(s3_noncurrent_retention.deny) == 0 with input as fixtures.input_of([resource])
}

test_shorter_live_retention_fails if {
	rule := object.union(fixtures.data_bucket.lifecycle[0], {"noncurrent_version_expiration_days": 30})
	live := fixtures.with_field(fixtures.data_bucket, "lifecycle", [rule])
	resource := fixtures.resource("bucket.raw", fixtures.data_bucket, live)
	fixtures.hits(s3_noncurrent_retention.deny) == {["bucket.raw", "live"]} with input as fixtures.input_of([resource])
}

test_undeclared_retention_fails if {
	fields := fixtures.with_field(fixtures.data_bucket, "lifecycle", [])
	resources := [fixtures.desired("bucket.raw", fields)]
	fixtures.hits(s3_noncurrent_retention.deny) == {["bucket.raw", "desired"]} with input as fixtures.input_of(resources)
}
