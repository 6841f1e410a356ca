package hipcloud.rules.iam_trust_policy

import data.hipcloud.lib

metadata := {
	"id": "HC-IAM-05",
	"title": "Trust policies name specific principals, guard against confused deputies and require MFA",
	"severity": "high",
	"citations": ["45 CFR 164.312(d)", "45 CFR 164.312(a)(1)"],
	"remediation": "Trust named principals only, limit service principals with aws:SourceAccount, and require aws:MultiFactorAuthPresent for IAM principals.",
	"waivable": false,
}

# NOTE: aws:SourceArn, which the catalogue asks for where a service documents
# it, is not required here: which services document it is not in the input.

deny contains finding if {
	some state in lib.roles
	some index, statement in trust_statements(state)
	lib.is_public_principal(statement)
	message := sprintf("%s trusts everyone", [lib.statement_label(statement, index)])
	finding := lib.finding(state, "trust_policy", message)
}

deny contains finding if {
	some state in lib.roles
	some index, statement in trust_statements(state)
	principal_of(statement, "Service")
	not lib.has_narrowing_condition(statement, {"aws:sourceaccount"})
	message := sprintf("%s trusts a service without aws:SourceAccount, which leaves the role open to confused deputies", [lib.statement_label(statement, index)])
	finding := lib.finding(state, "trust_policy", message)
}

deny contains finding if {
	some state in lib.roles
	some index, statement in trust_statements(state)
	count(lib.aws_principals(statement)) > 0
	not requires_mfa(statement)
	message := sprintf("%s trusts IAM principals without requiring aws:MultiFactorAuthPresent", [lib.statement_label(statement, index)])
	finding := lib.finding(state, "trust_policy", message)
}

deny contains finding if {
	some state in lib.roles
	some index, statement in trust_statements(state)
	principal_of(statement, "Federated")
	"aws:multifactorauthpresent" in lib.condition_keys(statement)
	message := sprintf("%s requires aws:MultiFactorAuthPresent for federated users, which their sessions never carry, so it locks them out", [lib.statement_label(statement, index)])
	finding := lib.finding(state, "trust_policy", message)
}

# Federated trust is reported every time, because its MFA is enforced outside
# AWS, where hipcloud cannot check it.
exceptions contains finding if {
	some state in lib.roles
	some index, statement in trust_statements(state)
	principal_of(statement, "Federated")
	not "aws:multifactorauthpresent" in lib.condition_keys(statement)
	message := sprintf("%s trusts federated users: MFA is the identity provider's to enforce, not this trust policy's", [lib.statement_label(statement, index)])
	finding := lib.finding(state, "trust_policy", message)
}

trust_statements(state) := [statement |
	some statement in lib.statements(lib.field(state, "trust_policy"))
	lib.is_allow(statement)
]

principal_of(statement, kind) if object.get(object.get(statement, "Principal", {}), kind, null) != null

# `BoolIfExists` is not enough: it also matches long-term credentials, which
# carry no MFA key at all.
requires_mfa(statement) if {
	some value in lib.condition_values(statement, "Bool", "aws:MultiFactorAuthPresent")
	lower(sprintf("%v", [value])) == "true"
}
