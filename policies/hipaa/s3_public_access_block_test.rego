package hipcloud.tests.s3_public_access_block

import data.hipcloud.rules.s3_public_access_block
import data.hipcloud.tests.fixtures

test_all_flags_pass if {
	count(s3_public_access_block.deny) == 0 with input as fixtures.compliant
}

test_one_flag_off_fails if {
	block := object.union(fixtures.data_bucket.public_access_block, {"restrict_public_buckets": false})
	fields := fixtures.with_field(fixtures.data_bucket, "public_access_block", block)
	resources := [fixtures.live("bucket.raw", fields)]
	fixtures.hits(s3_public_access_block.deny) == {["bucket.raw", "live"]} with input as fixtures.input_of(resources)
}

test_missing_block_fails if {
	fields := fixtures.with_field(fixtures.data_bucket, "public_access_block", null)
	resources := [fixtures.desired("bucket.raw", fields)]
	fixtures.hits(s3_public_access_block.deny) == {["bucket.raw", "desired"]} with input as fixtures.input_of(resources)
}
