package hipcloud.tests.iam_no_service_wildcard

import data.hipcloud.rules.iam_no_service_wildcard
import data.hipcloud.tests.fixtures

with_grants(statements) := fixtures.with_field(fixtures.service_role, "inline_policy.hipcloud-grants", {"Statement": statements})

test_named_actions_pass if {
	count(iam_no_service_wildcard.deny) == 0 with input as fixtures.compliant
}

test_s3_wildcard_fails if {
	statement := {"Effect": "Allow", "Action": ["s3:*"], "Resource": ["arn:aws:s3:::lab-raw/*"]}
	resources := [fixtures.live("role.etl", with_grants([statement]))]
	fixtures.hits(iam_no_service_wildcard.deny) == {["role.etl", "live"]} with input as fixtures.input_of(resources)
}

test_prefix_wildcard_passes if {
	statement := {"Effect": "Allow", "Action": ["s3:Get*"], "Resource": ["arn:aws:s3:::lab-raw/*"]}
	resources := [fixtures.desired("role.etl", with_grants([statement]))]
	count(iam_no_service_wildcard.deny) == 0 with input as fixtures.input_of(resources)
}
