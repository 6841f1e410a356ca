package hipcloud.tests.kms_key_type

import data.hipcloud.rules.kms_key_type
import data.hipcloud.tests.fixtures

test_symmetric_kms_key_passes if {
	count(kms_key_type.deny) == 0 with input as fixtures.compliant
}

test_imported_material_fails if {
	fields := fixtures.with_field(fixtures.key, "origin", "EXTERNAL")
	resources := [fixtures.live("key.phi", fields)]
	fixtures.hits(kms_key_type.deny) == {["key.phi", "live"]} with input as fixtures.input_of(resources)
}

test_asymmetric_key_fails if {
	fields := fixtures.with_field(fixtures.key, "key_spec", "RSA_2048")
	resources := [fixtures.desired("key.phi", fields)]
	fixtures.hits(kms_key_type.deny) == {["key.phi", "desired"]} with input as fixtures.input_of(resources)
}
