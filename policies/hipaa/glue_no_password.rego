package hipcloud.rules.glue_no_password

import data.hipcloud.lib

metadata := {
	"id": "HC-GLUE-03",
	"title": "Glue connections take credentials only from Secrets Manager",
	"severity": "high",
	"citations": ["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(5)(ii)(D)"],
	"remediation": "Remove the USERNAME, PASSWORD and ENCRYPTED_PASSWORD properties and any password in the JDBC URL, and set SECRET_ID to the secret that holds the credentials.",
	"waivable": false,
}

# hipcloud reads connections with HidePassword, so no password reaches a plan
# or a log. That is a property of the read, not of a state, and no rule checks
# it. With HidePassword, GetConnection may leave a PASSWORD property out of
# its result (moto 5.2.5 does), so in live state a password set by hand may
# show only through the USERNAME property that comes with it.
credential_properties := {"USERNAME", "PASSWORD", "ENCRYPTED_PASSWORD"}

deny contains finding if {
	some state in lib.glue_connections
	not has_secret(state)
	message := "SECRET_ID is not set, so the connection's credentials do not come from Secrets Manager"
	finding := lib.finding(state, "secret_id", message)
}

deny contains finding if {
	some state in lib.glue_connections
	some property in lib.as_list(lib.field(state, "unmanaged_properties"))
	upper(property) in credential_properties
	message := sprintf("the connection has a %s property, but credentials belong only in the secret that SECRET_ID names", [property])
	finding := lib.finding(state, "unmanaged_properties", message)
}

# hipcloud's read masks the value of such a parameter, but keeps its name.
# The pattern avoids `(?i)` and `\s`, because regorus 0.14 builds its regex
# crate without the Unicode support that both need.
deny contains finding if {
	some state in lib.glue_connections
	url := lib.field(state, "jdbc_url")
	is_string(url)
	regex.match(`[;?&](password|pwd|passwd) *=`, lower(url))
	message := "the JDBC URL carries a password parameter, but credentials belong only in the secret that SECRET_ID names"
	finding := lib.finding(state, "jdbc_url", message)
}

has_secret(state) if {
	secret := lib.field(state, "secret_id")
	is_string(secret)
	trim_space(secret) != ""
}
