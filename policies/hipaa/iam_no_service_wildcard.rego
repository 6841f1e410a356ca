package hipcloud.rules.iam_no_service_wildcard

import data.hipcloud.lib

metadata := {
	"id": "HC-IAM-02",
	"title": "Roles allow no service-wide action wildcard",
	"severity": "high",
	"citations": ["45 CFR 164.308(a)(4)(i)"],
	"remediation": "Replace service-wide wildcards such as s3:* with the actions the role needs, and detach AWS managed full-access policies.",
	"waivable": true,
}

deny contains finding if {
	some state in lib.roles
	some field, document in lib.inline_policies(state)
	some index, statement in lib.statements(document)
	lib.is_allow(statement)
	some pattern in lib.as_list(object.get(statement, "Action", null))
	service_wildcard(pattern)
	message := sprintf("%s allows %s, every action of the service", [lib.statement_label(statement, index), pattern])
	finding := lib.finding(state, field, message)
}

deny contains finding if {
	some state in lib.roles
	some policy in lib.broad_attached_policies(state)
	service_wildcard(policy.pattern)
	message := sprintf("the attached AWS managed policy %s allows %s", [policy.name, policy.pattern])
	finding := lib.finding(state, "attached_policies", message)
}

# "s3:*" is service-wide. "*" alone is HC-IAM-01's concern.
service_wildcard(pattern) if {
	parts := split(pattern, ":")
	count(parts) == 2
	parts[0] != "*"
	parts[1] == "*"
}
