package hipcloud.rules.iam_network_conditions

import data.hipcloud.lib

metadata := {
	"id": "HC-IAM-04",
	"title": "Roles people assume reach S3 data only from the organisation's networks",
	"severity": "high",
	"citations": ["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
	"remediation": "Limit S3 access of roles people assume with aws:SourceIp or aws:SourceVpce, one statement per alternative, and keep network keys off roles that services assume.",
	"waivable": true,
}

# NOTE: the blueprint's CIDRs and VPC endpoints are not in the input. The
# desired state is built from them, so the live conditions are compared with
# the desired ones instead.

network_keys := {"aws:sourceip", "aws:sourcevpce", "aws:vpcsourceip"}

# A statement that covers any of these actions gives access to data. Key use
# is left out: people use the blueprint key only through S3, whose statements
# carry the network conditions.
data_actions := ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"]

deny contains finding if {
	some state in lib.roles
	lib.is_for_people(state)
	some field, document in lib.inline_policies(state)
	some index, statement in lib.statements(document)
	lib.is_allow(statement)
	some action in data_actions
	lib.covers_action(statement, action)
	count(statement_network_keys(statement)) == 0
	message := sprintf("%s allows S3 access without aws:SourceIp, aws:SourceVpce or aws:VpcSourceIp", [lib.statement_label(statement, index)])
	finding := lib.finding(state, field, message)
}

deny contains finding if {
	some state in lib.roles
	some field, document in lib.inline_policies(state)
	some index, statement in lib.statements(document)
	keys := statement_network_keys(statement)
	count(keys) > 1
	message := sprintf("%s requires %s in one statement, so a request must match all of them. Give each network alternative its own statement", [lib.statement_label(statement, index), concat(" and ", sort(keys))])
	finding := lib.finding(state, field, message)
}

deny contains finding if {
	some state in lib.roles
	not lib.is_for_people(state)
	some field, document in lib.inline_policies(state)
	some index, statement in lib.statements(document)
	keys := statement_network_keys(statement)
	count(keys) > 0
	message := sprintf("%s of a role that services assume uses %s, which service requests never match", [lib.statement_label(statement, index), concat(", ", sort(keys))])
	finding := lib.finding(state, field, message)
}

deny contains finding if {
	some state in lib.roles
	state.state == "live"
	desired := lib.resource_at(state.address).desired
	is_object(desired)
	live_conditions := network_conditions(state.fields)
	declared := network_conditions(desired)
	live_conditions != declared
	message := sprintf("the live network conditions %v differ from the blueprint's %v", [sort(live_conditions), sort(declared)])
	finding := lib.finding(state, "inline_policy.hipcloud-grants", message)
}

# The network condition keys of a statement, in lower case.
statement_network_keys(statement) := {key |
	some key in lib.condition_keys(statement)
	key in network_keys
}

# The [key, value] pairs of network conditions across a role's inline
# policies, keys in lower case.
network_conditions(fields) := {[key, value] |
	some name, document in fields
	startswith(name, "inline_policy.")
	some statement in lib.statements(document)
	some _, block in object.get(statement, "Condition", {})
	some original, values in block
	key := lower(original)
	key in network_keys
	some value in lib.as_list(values)
}
