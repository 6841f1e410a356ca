package hipcloud.tests.s3_versioning

import data.hipcloud.rules.s3_versioning
import data.hipcloud.tests.fixtures

test_enabled_passes if {
	count(s3_versioning.deny) == 0 with input as fixtures.compliant
}

test_suspended_fails if {
	fields := fixtures.with_field(fixtures.data_bucket, "versioning", "Suspended")
	resources := [fixtures.live("bucket.raw", fields)]
	fixtures.hits(s3_versioning.deny) == {["bucket.raw", "live"]} with input as fixtures.input_of(resources)
}
