package hipcloud.rules.kms_key_type

import data.hipcloud.lib

metadata := {
	"id": "HC-KMS-01",
	"title": "KMS keys are symmetric keys with key material from KMS",
	"severity": "high",
	"citations": ["45 CFR 164.312(a)(2)(iv)"],
	"remediation": "Use a customer managed key with key spec SYMMETRIC_DEFAULT and origin AWS_KMS, or waive the rule for a key with imported material or in a custom key store.",
	"waivable": true,
}

# NOTE: the catalogue also requires KeyManager CUSTOMER, which hipcloud does
# not read. Every key hipcloud manages was created by hipcloud's own
# CreateKey call, and AWS managed keys cannot carry hipcloud's ownership tags.

deny contains finding if {
	some state in lib.keys
	key_spec := lib.field(state, "key_spec")
	key_spec != "SYMMETRIC_DEFAULT"
	message := sprintf("key spec is %v, not SYMMETRIC_DEFAULT", [key_spec])
	finding := lib.finding(state, "key_spec", message)
}

deny contains finding if {
	some state in lib.keys
	origin := lib.field(state, "origin")
	origin != "AWS_KMS"
	message := sprintf("key material origin is %v, not AWS_KMS", [origin])
	finding := lib.finding(state, "origin", message)
}
