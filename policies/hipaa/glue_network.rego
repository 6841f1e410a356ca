package hipcloud.rules.glue_network

import data.hipcloud.lib

metadata := {
	"id": "HC-GLUE-05",
	"title": "Glue connections run in the blueprint's subnet with security groups",
	"severity": "medium",
	"citations": ["45 CFR 164.312(e)(1)"],
	"remediation": "Set the connection's subnet to a private subnet that routes to the database, as the blueprint declares, and name at least one security group.",
	"waivable": true,
}

# NOTE: whether the subnet is private is not in the input, because hipcloud
# reads no route tables. The blueprint author declares the subnet private, so
# a live subnet other than the declared one is flagged instead.

deny contains finding if {
	some state in lib.glue_connections
	not is_id(lib.field(state, "subnet_id"))
	message := "the connection names no subnet, so Glue does not reach the database from inside the VPC"
	finding := lib.finding(state, "subnet_id", message)
}

deny contains finding if {
	some state in lib.glue_connections
	count([group | some group in lib.as_list(lib.field(state, "security_group_ids")); is_id(group)]) == 0
	message := "the connection names no security group"
	finding := lib.finding(state, "security_group_ids", message)
}

deny contains finding if {
	some state in lib.glue_connections
	state.state == "live"
	desired := lib.resource_at(state.address).desired
	is_object(desired)
	declared := object.get(desired, "subnet_id", null)
	is_id(declared)
	actual := lib.field(state, "subnet_id")
	is_id(actual)
	actual != declared
	message := sprintf("the live connection uses subnet %s, not the blueprint's private subnet %s", [actual, declared])
	finding := lib.finding(state, "subnet_id", message)
}

is_id(value) if {
	is_string(value)
	trim_space(value) != ""
}
