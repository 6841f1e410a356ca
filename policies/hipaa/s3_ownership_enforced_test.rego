package hipcloud.tests.s3_ownership_enforced

import data.hipcloud.rules.s3_ownership_enforced
import data.hipcloud.tests.fixtures

test_owner_enforced_passes if {
	count(s3_ownership_enforced.deny) == 0 with input as fixtures.compliant
}

test_object_writer_fails if {
	fields := fixtures.with_field(fixtures.data_bucket, "ownership", "ObjectWriter")
	resources := [fixtures.live("bucket.raw", fields)]
	fixtures.hits(s3_ownership_enforced.deny) == {["bucket.raw", "live"]} with input as fixtures.input_of(resources)
}
