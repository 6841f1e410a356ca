package hipcloud.rules.sagemaker_kms_key

import data.hipcloud.lib

metadata := {
	"id": "HC-SM-02",
	"title": "SageMaker domains encrypt their home EFS volume with a customer managed key",
	"severity": "high",
	"citations": ["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(e)(2)(ii)"],
	"remediation": "Create the domain with KmsKeyId set to a customer managed key, such as the blueprint's key, which replaces an existing domain because AWS cannot change the key in place.",
	"waivable": true,
}

deny contains finding if {
	some state in lib.sagemaker_domains
	lib.field(state, "kms_key") == null
	message := "the domain names no KMS key, so its home EFS volume is encrypted with an AWS managed key"
	finding := lib.finding(state, "kms_key", message)
}

deny contains finding if {
	some state in lib.sagemaker_domains
	key := lib.field(state, "kms_key")
	key != null
	not lib.is_customer_managed_key(key)
	message := sprintf("the domain's KMS key %v is not a customer managed key", [key])
	finding := lib.finding(state, "kms_key", message)
}
