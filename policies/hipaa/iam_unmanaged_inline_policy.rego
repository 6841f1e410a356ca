package hipcloud.rules.iam_unmanaged_inline_policy

import data.hipcloud.lib

metadata := {
	"id": "HC-IAM-06",
	"title": "Roles carry no inline policy that hipcloud does not manage",
	"severity": "medium",
	"citations": ["45 CFR 164.308(a)(4)(ii)(C)"],
	"remediation": "Delete the inline policy, or move the access it grants into the blueprint's grants.",
	"waivable": true,
}

# The one inline policy hipcloud writes on each role.
managed_policy := "inline_policy.hipcloud-grants"

deny contains finding if {
	some state in lib.roles
	some field, _ in lib.inline_policies(state)
	field != managed_policy
	message := sprintf("the inline policy %s is not managed by hipcloud", [trim_prefix(field, "inline_policy.")])
	finding := lib.finding(state, field, message)
}
