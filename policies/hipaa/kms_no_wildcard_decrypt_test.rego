package hipcloud.tests.kms_no_wildcard_decrypt

import data.hipcloud.rules.kms_no_wildcard_decrypt
import data.hipcloud.tests.fixtures

with_grants(statements) := fixtures.with_field(fixtures.service_role, "inline_policy.hipcloud-grants", {"Statement": statements})

test_named_key_passes if {
	count(kms_no_wildcard_decrypt.deny) == 0 with input as fixtures.compliant
}

test_decrypt_on_every_resource_fails if {
	statement := object.union(fixtures.decrypt_statement, {"Resource": ["*"]})
	resources := [fixtures.live("role.etl", with_grants([statement]))]
	fixtures.hits(kms_no_wildcard_decrypt.deny) == {["role.etl", "live"]} with input as fixtures.input_of(resources)
}

test_reencrypt_on_every_key_of_account_fails if {
	statement := {"Effect": "Allow", "Action": ["kms:ReEncrypt*"], "Resource": ["arn:aws:kms:*:123456789012:key/*"]}
	resources := [fixtures.desired("role.etl", with_grants([statement]))]
	fixtures.hits(kms_no_wildcard_decrypt.deny) == {["role.etl", "desired"]} with input as fixtures.input_of(resources)
}

test_attached_administrator_access_fails if {
	fields := fixtures.with_field(fixtures.service_role, "attached_policies", ["arn:aws:iam::aws:policy/AdministratorAccess"])
	resources := [fixtures.live("role.etl", fields)]
	fixtures.hits(kms_no_wildcard_decrypt.deny) == {["role.etl", "live"]} with input as fixtures.input_of(resources)
}
