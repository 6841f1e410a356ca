package hipcloud.rules.sagemaker_network

import data.hipcloud.lib

metadata := {
	"id": "HC-SM-03",
	"title": "SageMaker domains run in the blueprint's VPC, subnets and security groups",
	"severity": "high",
	"citations": ["45 CFR 164.312(e)(1)"],
	"remediation": "Place the domain in private subnets of its VPC and set default security groups for its apps, as the blueprint declares them.",
	"waivable": true,
}

# NOTE: whether a subnet is private and belongs to the domain's VPC is not in
# the input, because hipcloud reads no subnets or route tables. The blueprint
# declares the domain's subnets private, so live subnets and security groups
# other than the declared ones are flagged instead.

deny contains finding if {
	some state in lib.sagemaker_domains
	not is_id(lib.field(state, "vpc_id"))
	finding := lib.finding(state, "vpc_id", "the domain names no VPC")
}

deny contains finding if {
	some state in lib.sagemaker_domains
	count(ids(lib.field(state, "subnet_ids"))) == 0
	finding := lib.finding(state, "subnet_ids", "the domain names no subnets")
}

deny contains finding if {
	some state in lib.sagemaker_domains
	count(ids(lib.field(state, "default_security_groups"))) == 0
	message := "the domain sets no default security groups for its apps"
	finding := lib.finding(state, "default_security_groups", message)
}

deny contains finding if {
	some state in lib.sagemaker_domains
	desired := declared(state)
	actual := lib.field(state, "vpc_id")
	is_id(actual)
	is_id(desired.vpc_id)
	actual != desired.vpc_id
	message := sprintf("the live domain is in VPC %s, not the blueprint's VPC %s", [actual, desired.vpc_id])
	finding := lib.finding(state, "vpc_id", message)
}

deny contains finding if {
	some state in lib.sagemaker_domains
	desired := declared(state)
	some name, label in {"subnet_ids": "subnet", "default_security_groups": "security group"}
	some id in ids(lib.field(state, name))
	not id in ids(object.get(desired, name, []))
	message := sprintf("the live domain uses %s %s, which the blueprint does not declare", [label, id])
	finding := lib.finding(state, name, message)
}

# The desired fields of a live state, when the input has them.
declared(state) := desired if {
	state.state == "live"
	desired := lib.resource_at(state.address).desired
	is_object(desired)
}

ids(value) := {id | some id in lib.as_list(value); is_id(id)}

is_id(value) if {
	is_string(value)
	trim_space(value) != ""
}
