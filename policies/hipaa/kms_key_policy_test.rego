package hipcloud.tests.kms_key_policy

import data.hipcloud.rules.kms_key_policy
import data.hipcloud.tests.fixtures

with_statements(statements) := fixtures.with_field(fixtures.key, "policy", {"Statement": statements})

test_separated_policy_passes if {
	count(kms_key_policy.deny) == 0 with input as fixtures.compliant
}

test_public_use_fails if {
	unlimited := object.remove(fixtures.key.policy.Statement[1], ["Condition"])
	public := object.union(unlimited, {"Principal": {"AWS": ["*"]}})
	fields := with_statements([fixtures.key.policy.Statement[0], public])
	resources := [fixtures.live("key.phi", fields)]
	fixtures.hits(kms_key_policy.deny) == {["key.phi", "live"]} with input as fixtures.input_of(resources)
}

test_root_with_every_action_fails if {
	statement := {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:root"]}, "Action": ["kms:*"], "Resource": ["*"]}
	resources := [fixtures.desired("key.phi", with_statements([statement]))]
	fixtures.hits(kms_key_policy.deny) == {["key.phi", "desired"]} with input as fixtures.input_of(resources)
}

test_no_administrator_fails if {
	fields := with_statements([fixtures.key.policy.Statement[1]])
	resources := [fixtures.desired("key.phi", fields)]
	fixtures.hits(kms_key_policy.deny) == {["key.phi", "desired"]} with input as fixtures.input_of(resources)
}

test_admin_direct_use_fails if {
	admin := fixtures.key.policy.Statement[0]
	use := object.union(object.remove(fixtures.key.policy.Statement[1], ["Condition"]), {"Principal": admin.Principal})
	resources := [fixtures.desired("key.phi", with_statements([admin, use]))]
	fixtures.hits(kms_key_policy.deny) == {["key.phi", "desired"]} with input as fixtures.input_of(resources)
}

test_admin_service_use_is_exception if {
	admin := fixtures.key.policy.Statement[0]
	use := object.union(fixtures.key.policy.Statement[1], {"Principal": admin.Principal})
	resources := [fixtures.desired("key.phi", with_statements([admin, use]))]
	count(kms_key_policy.deny) == 0 with input as fixtures.input_of(resources)
	fixtures.hits(kms_key_policy.exceptions) == {["key.phi", "desired"]} with input as fixtures.input_of(resources)
}
