package hipcloud.tests.kms_key_enabled

import data.hipcloud.rules.kms_key_enabled
import data.hipcloud.tests.fixtures

live_key(state) := object.union(
	fixtures.live("key.phi", fixtures.with_field(fixtures.key, "key_state", state)),
	{"cloud_id": fixtures.key_arn},
)

test_enabled_key_passes if {
	count(kms_key_enabled.deny) == 0 with input as fixtures.compliant
}

test_disabled_key_in_use_fails if {
	resources := [live_key("Disabled"), fixtures.live("bucket.raw", fixtures.data_bucket)]
	fixtures.hits(kms_key_enabled.deny) == {["key.phi", "live"]} with input as fixtures.input_of(resources)
}

test_unused_key_pending_deletion_passes if {
	resources := [live_key("PendingDeletion")]
	count(kms_key_enabled.deny) == 0 with input as fixtures.input_of(resources)
}

test_placeholder_reference_counts_as_use if {
	encryption := {"sse_algorithm": "aws:kms", "kms_key": "(known after apply: key.phi)", "bucket_key": true}
	bucket := fixtures.with_field(fixtures.data_bucket, "encryption", encryption)
	key := fixtures.with_field(fixtures.key, "key_state", "Disabled")
	resources := [fixtures.desired("key.phi", key), fixtures.desired("bucket.raw", bucket)]
	fixtures.hits(kms_key_enabled.deny) == {["key.phi", "desired"]} with input as fixtures.input_of(resources)
}
