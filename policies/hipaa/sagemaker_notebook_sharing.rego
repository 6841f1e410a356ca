package hipcloud.rules.sagemaker_notebook_sharing

import data.hipcloud.lib

metadata := {
	"id": "HC-SM-05",
	"title": "SageMaker notebook output sharing is disabled",
	"severity": "medium",
	"citations": ["45 CFR 164.312(a)(1)"],
	"remediation": "Set the notebook output option of the domain and its user profiles to Disabled.",
	"waivable": true,
}

# NOTE: sharing whose output is encrypted with a customer managed key would be
# acceptable, but hipcloud does not read the sharing settings' S3KmsKeyId. So
# Allowed sharing is always flagged, and a waiver can record the key in use.

deny contains finding if {
	some state in lib.sagemaker_domains | lib.sagemaker_user_profiles
	sharing := lib.field(state, "notebook_sharing")
	sharing != "Disabled"
	message := sprintf("notebook output sharing is %v, not Disabled, so shared notebooks copy their cell output, which may hold PHI, to S3", [sharing])
	finding := lib.finding(state, "notebook_sharing", message)
}
