package hipcloud.rules.sagemaker_auth_mode

import data.hipcloud.lib

metadata := {
	"id": "HC-SM-06",
	"title": "SageMaker domains sign people in through IAM Identity Center",
	"severity": "medium",
	"citations": ["45 CFR 164.312(a)(2)(i)", "45 CFR 164.312(d)"],
	"remediation": "Create the domain with AuthMode SSO, or in IAM mode give each person a user profile of their own and record that in a waiver.",
	"waivable": true,
}

# NOTE: IAM mode is acceptable when each person has a user profile of their
# own, but which person uses a profile is not in the input, so IAM mode is
# always flagged.

deny contains finding if {
	some state in lib.sagemaker_domains
	mode := lib.field(state, "auth_mode")
	mode != "SSO"
	message := sprintf("AuthMode is %v, not SSO, so hipcloud cannot tell whether each person signs in to a user profile of their own", [mode])
	finding := lib.finding(state, "auth_mode", message)
}
