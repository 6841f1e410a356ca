package hipcloud.rules.glue_certificate_validation

import data.hipcloud.lib

metadata := {
	"id": "HC-GLUE-02",
	"title": "Glue connections validate the database's certificate against the declared CA",
	"severity": "high",
	"citations": ["45 CFR 164.312(e)(2)(i)", "45 CFR 164.312(d)"],
	"remediation": "Remove SKIP_CUSTOM_JDBC_CERT_VALIDATION from the connection, and for a database certificate signed by a private CA set CUSTOM_JDBC_CERT to the S3 URL of the blueprint's CA certificate.",
	"waivable": false,
}

# NOTE: whether the database's certificate comes from a private CA is not in
# the input, so a connection to such a database without CUSTOM_JDBC_CERT is
# not flagged. With JDBC_ENFORCE_SSL, Glue requires a trusted certificate, so
# such a connection fails instead of going unverified.

deny contains finding if {
	some state in lib.glue_connections
	lib.field(state, "skip_certificate_validation") == true
	message := "SKIP_CUSTOM_JDBC_CERT_VALIDATION is true, so Glue accepts any certificate the database presents"
	finding := lib.finding(state, "skip_certificate_validation", message)
}

# A live CA certificate or certificate name other than the blueprint's makes
# Glue trust a server the blueprint never declared.
deny contains finding if {
	some state in lib.glue_connections
	state.state == "live"
	desired := lib.resource_at(state.address).desired
	is_object(desired)
	some name, property in trust_properties
	declared := object.get(desired, name, null)
	actual := lib.field(state, name)
	actual != declared
	message := sprintf("the live %s is %v, but the blueprint declares %v", [property, describe(actual), describe(declared)])
	finding := lib.finding(state, name, message)
}

trust_properties := {
	"custom_jdbc_cert": "CUSTOM_JDBC_CERT",
	"custom_jdbc_cert_string": "CUSTOM_JDBC_CERT_STRING",
}

describe(value) := "not set" if value == null

describe(value) := sprintf("%v", [value]) if value != null
