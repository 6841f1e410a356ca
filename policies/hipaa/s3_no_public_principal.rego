package hipcloud.rules.s3_no_public_principal

import data.hipcloud.lib

metadata := {
	"id": "HC-S3-05",
	"title": "S3 bucket policies allow no one outside the organisation",
	"severity": "high",
	"citations": ["45 CFR 164.312(a)(1)", "45 CFR 164.312(d)"],
	"remediation": "Name specific principals in every Allow statement, or limit a Principal * statement with aws:PrincipalOrgID or aws:PrincipalAccount.",
	"waivable": false,
}

# Keys that limit a statement to authenticated principals of an organisation
# or account. aws:SourceIp and aws:SourceVpce are not among them: S3 does not
# treat an IP-limited policy as public, so anonymous requests from those
# addresses would get in.
narrowing_keys := {"aws:principalorgid", "aws:principalaccount"}

deny contains finding if {
	some state in lib.buckets
	document := lib.field(state, "policy")
	some index, statement in lib.statements(document)
	lib.is_allow(statement)
	lib.is_public_principal(statement)
	not lib.has_narrowing_condition(statement, narrowing_keys)
	message := sprintf("%s allows Principal * without limiting it with aws:PrincipalOrgID or aws:PrincipalAccount%s", [lib.statement_label(statement, index), network_note(statement)])
	finding := lib.finding(state, "policy", message)
}

network_note(statement) := "; aws:SourceIp and aws:SourceVpce alone still admit anonymous requests" if {
	has_network_key(statement)
}

network_note(statement) := "" if not has_network_key(statement)

has_network_key(statement) if {
	some key in lib.condition_keys(statement)
	key in {"aws:sourceip", "aws:sourcevpce"}
}
