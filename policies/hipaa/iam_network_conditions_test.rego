package hipcloud.tests.iam_network_conditions

import data.hipcloud.rules.iam_network_conditions
import data.hipcloud.tests.fixtures

grants(role, statements) := fixtures.with_field(role, "inline_policy.hipcloud-grants", {"Statement": statements})

read_raw := {"Sid": "ReadRaw", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::lab-raw/*"]}

test_network_limited_people_role_passes if {
	count(iam_network_conditions.deny) == 0 with input as fixtures.compliant
}

test_people_role_without_network_fails if {
	resources := [fixtures.desired("role.analyst", grants(fixtures.people_role, [read_raw]))]
	fixtures.hits(iam_network_conditions.deny) == {["role.analyst", "desired"]} with input as fixtures.input_of(resources)
}

test_combined_alternatives_fail if {
	statement := object.union(read_raw, {"Condition": {
		"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]},
		"StringEquals": {"aws:SourceVpce": ["vpce-0a1b2c3d4e5f67890"]},
	}})
	resources := [fixtures.live("role.analyst", grants(fixtures.people_role, [statement]))]
	fixtures.hits(iam_network_conditions.deny) == {["role.analyst", "live"]} with input as fixtures.input_of(resources)
}

test_service_role_with_ip_key_fails if {
	statement := object.union(read_raw, {"Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}})
	resources := [fixtures.desired("role.etl", grants(fixtures.service_role, [statement]))]
	fixtures.hits(iam_network_conditions.deny) == {["role.etl", "desired"]} with input as fixtures.input_of(resources)
}

test_changed_live_cidr_fails if {
	live := json_replace_cidr(fixtures.people_role)
	resources := [fixtures.resource("role.analyst", fixtures.people_role, live)]
	fixtures.hits(iam_network_conditions.deny) == {["role.analyst", "live"]} with input as fixtures.input_of(resources)
}

json_replace_cidr(role) := grants(role, [
	object.union(statement, {"Condition": {"IpAddress": {"aws:SourceIp": ["0.0.0.0/0"]}}}) |
	some statement in role["inline_policy.hipcloud-grants"].Statement
	statement.Sid == "ReadRawFromCidrs"
])
