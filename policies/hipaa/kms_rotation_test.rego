package hipcloud.tests.kms_rotation

import data.hipcloud.rules.kms_rotation
import data.hipcloud.tests.fixtures

test_rotation_on_passes if {
	count(kms_rotation.deny) == 0 with input as fixtures.compliant
}

test_rotation_off_fails if {
	fields := fixtures.with_field(fixtures.key, "rotation", false)
	resources := [fixtures.live("key.phi", fields)]
	fixtures.hits(kms_rotation.deny) == {["key.phi", "live"]} with input as fixtures.input_of(resources)
}

test_pending_deletion_is_skipped if {
	fields := {"key_spec": "SYMMETRIC_DEFAULT", "origin": "AWS_KMS", "key_state": "PendingDeletion"}
	resources := [fixtures.live("key.phi", fields)]
	count(kms_rotation.deny) == 0 with input as fixtures.input_of(resources)
}
