package hipcloud.rules.sagemaker_execution_role

import data.hipcloud.lib

metadata := {
	"id": "HC-SM-04",
	"title": "SageMaker execution roles are blueprint roles that pass the IAM rules",
	"severity": "high",
	"citations": ["45 CFR 164.308(a)(4)(i)"],
	"remediation": "Set the execution role to a blueprint role that passes HC-IAM-01 to HC-IAM-05, with no broad AWS managed policy such as AmazonSageMakerFullAccess attached.",
	"waivable": true,
}

# The violations of HC-IAM-01 to HC-IAM-05, as [address, state, rule id].
# Those rules report them on the role too. This rule ties them to the domains
# and user profiles that run as the role. A broad AWS managed policy fails
# HC-IAM-01 or HC-IAM-02.
iam_violations contains [entry.address, entry.state, id] if {
	some id, violations in {
		"HC-IAM-01": data.hipcloud.rules.iam_no_admin.deny,
		"HC-IAM-02": data.hipcloud.rules.iam_no_service_wildcard.deny,
		"HC-IAM-03": data.hipcloud.rules.iam_exact_resources.deny,
		"HC-IAM-04": data.hipcloud.rules.iam_network_conditions.deny,
		"HC-IAM-05": data.hipcloud.rules.iam_trust_policy.deny,
	}
	some entry in violations
}

# A user profile without a role of its own runs as its domain's default
# execution role, so only domains must name one.
deny contains finding if {
	some state in lib.sagemaker_domains
	not is_string(lib.field(state, "execution_role"))
	finding := lib.finding(state, "execution_role", "the domain has no default execution role")
}

deny contains finding if {
	some state in users
	arn := lib.field(state, "execution_role")
	is_string(arn)
	count(blueprint_roles(arn)) == 0
	message := sprintf("the execution role %s is not a role this blueprint declares", [arn])
	finding := lib.finding(state, "execution_role", message)
}

deny contains finding if {
	some state in users
	arn := lib.field(state, "execution_role")
	is_string(arn)
	some address in blueprint_roles(arn)
	failed := {violation[2] |
		some violation in iam_violations
		violation[0] == address
		violation[1] == state.state
	}
	count(failed) > 0
	message := sprintf("the execution role %s fails %s", [address, concat(", ", sort(failed))])
	finding := lib.finding(state, "execution_role", message)
}

users := lib.sagemaker_domains | lib.sagemaker_user_profiles

# The addresses of declared roles whose ARN, in either state, is `arn`.
blueprint_roles(arn) := {entry.address |
	some entry in input.resources
	entry.kind == "role"
	lib.is_declared(entry)
	some name in ["desired", "live"]
	fields := object.get(entry, name, null)
	is_object(fields)
	lib.role_arn({"fields": fields}) == arn
}
