package hipcloud.rules.kms_key_policy

import data.hipcloud.lib

metadata := {
	"id": "HC-KMS-04",
	"title": "KMS key policies admit no one outside the account, separate administrators from users and keep an administrator",
	"severity": "high",
	"citations": ["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(4)(ii)(B)"],
	"remediation": "Limit any Principal * statement with kms:CallerAccount or kms:ViaService, give key administration and key use to different principals, and keep a principal that may call kms:PutKeyPolicy.",
	"waivable": true,
}

# Actions that manage the key's access or lifetime.
admin_actions := ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey"]

# Actions that use the key material on data.
use_actions := [
	"kms:Decrypt",
	"kms:Encrypt",
	"kms:ReEncryptFrom",
	"kms:ReEncryptTo",
	"kms:GenerateDataKey",
	"kms:GenerateDataKeyWithoutPlaintext",
	"kms:GenerateDataKeyPair",
	"kms:GenerateDataKeyPairWithoutPlaintext",
]

pending_deletion := {"PendingDeletion", "PendingReplicaDeletion"}

deny contains finding if {
	some state in lib.keys
	document := lib.field(state, "policy")
	some index, statement in lib.statements(document)
	lib.is_allow(statement)
	lib.is_public_principal(statement)
	not lib.has_narrowing_condition(statement, {"kms:calleraccount", "kms:viaservice"})
	message := sprintf("%s allows Principal * without limiting it with kms:CallerAccount or kms:ViaService", [lib.statement_label(statement, index)])
	finding := lib.finding(state, "policy", message)
}

deny contains finding if {
	some state in lib.keys
	document := lib.field(state, "policy")
	some principal in principals_with(document, admin_actions) & direct_users(document)
	message := sprintf("%s both administers and uses the key", [principal])
	finding := lib.finding(state, "policy", message)
}

# The principal that applies the blueprint must use the key through Glue to
# write connections into an encrypted Data Catalog, and through SageMaker and
# EFS to create a domain's encrypted home volume. That use is limited to those
# services by kms:ViaService, so it is reported rather than rejected.
exceptions contains finding if {
	some state in lib.keys
	document := lib.field(state, "policy")
	administrators := principals_with(document, admin_actions)
	some principal in (administrators & principals_with(document, use_actions)) - direct_users(document)
	message := sprintf(
		"%s administers the key and uses it only through AWS services (kms:ViaService), to create the encrypted resources the blueprint declares",
		[principal],
	)
	finding := lib.finding(state, "policy", message)
}

# KMS does not return the policy of a key pending deletion.
deny contains finding if {
	some state in lib.keys
	not lib.field(state, "key_state") in pending_deletion
	not has_administrator(lib.field(state, "policy"))
	message := "no principal may call kms:PutKeyPolicy, so no one can manage the key"
	finding := lib.finding(state, "policy", message)
}

# The AWS principals that may use the key directly: an Allow of a use action
# without a kms:ViaService condition.
direct_users(document) := {principal |
	some statement in lib.statements(document)
	lib.is_allow(statement)
	some action in use_actions
	lib.covers_action(statement, action)
	not lib.has_narrowing_condition(statement, {"kms:viaservice"})
	some principal in lib.aws_principals(statement)
}

# The AWS principals that Allow statements give any of `actions`.
principals_with(document, actions) := {principal |
	some statement in lib.statements(document)
	lib.is_allow(statement)
	some action in actions
	lib.covers_action(statement, action)
	some principal in lib.aws_principals(statement)
}

has_administrator(document) if {
	some statement in lib.statements(document)
	lib.is_allow(statement)
	lib.covers_action(statement, "kms:PutKeyPolicy")
	count(lib.aws_principals(statement)) > 0
}
