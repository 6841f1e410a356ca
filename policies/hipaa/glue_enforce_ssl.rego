package hipcloud.rules.glue_enforce_ssl

import data.hipcloud.lib

metadata := {
	"id": "HC-GLUE-01",
	"title": "Glue connections enforce SSL to the database",
	"severity": "high",
	"citations": ["45 CFR 164.312(e)(1)", "45 CFR 164.312(e)(2)(ii)"],
	"remediation": "Set the connection property JDBC_ENFORCE_SSL to \"true\", as hipcloud's apply does, so Glue never connects to the database without SSL.",
	"waivable": false,
}

deny contains finding if {
	some state in lib.glue_connections
	value := lib.field(state, "enforce_ssl")
	value == null
	message := "JDBC_ENFORCE_SSL is not set, so Glue does not require SSL (the AWS default is false)"
	finding := lib.finding(state, "enforce_ssl", message)
}

deny contains finding if {
	some state in lib.glue_connections
	value := lib.field(state, "enforce_ssl")
	value != null
	not enforced(value)
	message := sprintf("JDBC_ENFORCE_SSL is %v, not \"true\", so Glue does not require SSL", [value])
	finding := lib.finding(state, "enforce_ssl", message)
}

# Glue reads the flag as a boolean string in any case. hipcloud's read
# already lowers it.
enforced(value) if {
	is_string(value)
	lower(trim_space(value)) == "true"
}
