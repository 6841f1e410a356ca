package hipcloud.tests.iam_unmanaged_inline_policy

import data.hipcloud.rules.iam_unmanaged_inline_policy
import data.hipcloud.tests.fixtures

test_managed_policy_passes if {
	count(iam_unmanaged_inline_policy.deny) == 0 with input as fixtures.compliant
}

test_hand_added_policy_fails if {
	fields := object.union(fixtures.service_role, {"inline_policy.debug": {"Statement": []}})
	resources := [fixtures.live("role.etl", fields)]
	fixtures.hits(iam_unmanaged_inline_policy.deny) == {["role.etl", "live"]} with input as fixtures.input_of(resources)
}
