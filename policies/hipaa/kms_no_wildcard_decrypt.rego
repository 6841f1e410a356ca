package hipcloud.rules.kms_no_wildcard_decrypt

import data.hipcloud.lib

metadata := {
	"id": "HC-KMS-05",
	"title": "Role policies allow no decryption with every KMS key",
	"severity": "high",
	"citations": ["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(4)(ii)(B)"],
	"remediation": "Name the key ARNs in every statement that allows kms:Decrypt or kms:ReEncrypt*, and detach broad AWS managed policies.",
	"waivable": true,
}

decrypt_actions := ["kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo"]

deny contains finding if {
	some state in lib.roles
	some field, document in lib.inline_policies(state)
	some index, statement in lib.statements(document)
	lib.is_allow(statement)
	covers_every_key(statement)
	allowed := [action | some action in decrypt_actions; lib.covers_action(statement, action)]
	count(allowed) > 0
	message := sprintf("%s allows %s on every KMS key", [lib.statement_label(statement, index), concat(", ", allowed)])
	finding := lib.finding(state, field, message)
}

deny contains finding if {
	some state in lib.roles
	some policy in lib.broad_attached_policies(state)
	lib.action_matches(policy.pattern, "kms:Decrypt")
	message := sprintf("the attached AWS managed policy %s allows kms:Decrypt on every KMS key", [policy.name])
	finding := lib.finding(state, "attached_policies", message)
}

# True when a resource pattern covers every key of the blueprint's account,
# such as "*" or "arn:aws:kms:*:*:key/*".
covers_every_key(statement) if lib.covers_all_resources(statement)

covers_every_key(statement) if {
	some pattern in lib.resources(statement)
	glob.match(pattern, [], sprintf("arn:%s:kms:%s:%s:key/*", [lib.partition, input.blueprint.region, lib.account]))
}
