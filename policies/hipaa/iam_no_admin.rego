package hipcloud.rules.iam_no_admin

import data.hipcloud.lib

metadata := {
	"id": "HC-IAM-01",
	"title": "Roles have no administrator access",
	"severity": "high",
	"citations": ["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(3)(ii)(B)", "45 CFR 164.308(a)(4)(ii)(B)"],
	"remediation": "Replace Action * on Resource * with the actions and resources the role needs, and detach AWS managed administrator policies.",
	"waivable": false,
}

deny contains finding if {
	some state in lib.roles
	some field, document in lib.inline_policies(state)
	some index, statement in lib.statements(document)
	lib.is_allow(statement)
	lib.covers_all_resources(statement)
	every_action(statement)
	message := sprintf("%s allows every action on every resource", [lib.statement_label(statement, index)])
	finding := lib.finding(state, field, message)
}

deny contains finding if {
	some state in lib.roles
	some policy in lib.broad_attached_policies(state)
	policy.pattern == "*"
	message := sprintf("the attached AWS managed policy %s allows nearly every action on every resource", [policy.name])
	finding := lib.finding(state, "attached_policies", message)
}

every_action(statement) if {
	some pattern in lib.as_list(object.get(statement, "Action", null))
	lower(pattern) in {"*", "*:*"}
}

# An Allow with NotAction allows every action except the listed ones.
every_action(statement) if object.get(statement, "NotAction", null) != null
