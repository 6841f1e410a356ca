package hipcloud.tests.iam_no_admin

import data.hipcloud.rules.iam_no_admin
import data.hipcloud.tests.fixtures

with_grants(statements) := fixtures.with_field(fixtures.service_role, "inline_policy.hipcloud-grants", {"Statement": statements})

test_least_privilege_passes if {
	count(iam_no_admin.deny) == 0 with input as fixtures.compliant
}

test_star_on_star_fails if {
	statement := {"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}
	resources := [fixtures.live("role.etl", with_grants([statement]))]
	fixtures.hits(iam_no_admin.deny) == {["role.etl", "live"]} with input as fixtures.input_of(resources)
}

test_not_action_on_star_fails if {
	statement := {"Effect": "Allow", "NotAction": ["iam:*"], "Resource": ["*"]}
	resources := [fixtures.desired("role.etl", with_grants([statement]))]
	fixtures.hits(iam_no_admin.deny) == {["role.etl", "desired"]} with input as fixtures.input_of(resources)
}

test_attached_power_user_fails if {
	fields := fixtures.with_field(fixtures.service_role, "attached_policies", ["arn:aws:iam::aws:policy/PowerUserAccess"])
	resources := [fixtures.live("role.etl", fields)]
	fixtures.hits(iam_no_admin.deny) == {["role.etl", "live"]} with input as fixtures.input_of(resources)
}
