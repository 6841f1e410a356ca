package hipcloud.tests.glue_certificate_validation

import data.hipcloud.rules.glue_certificate_validation
import data.hipcloud.tests.fixtures
import data.hipcloud.tests.glue_fixtures

address := "glue_connection.clinical"

test_validating_connection_passes if {
	count(glue_certificate_validation.deny) == 0 with input as glue_fixtures.compliant
}

test_declared_live_certificate_passes if {
	resources := [fixtures.resource(address, glue_fixtures.connection, glue_fixtures.connection)]
	count(glue_certificate_validation.deny) == 0 with input as fixtures.input_of(resources)
}

test_skipped_validation_fails if {
	fields := fixtures.with_field(glue_fixtures.connection, "skip_certificate_validation", true)
	resources := [fixtures.live(address, fields)]
	fixtures.hits(glue_certificate_validation.deny) == {[address, "live"]} with input as fixtures.input_of(resources)
}

test_undeclared_live_ca_fails if {
	live := fixtures.with_field(glue_fixtures.connection, "custom_jdbc_cert", "s3://elsewhere/ca.pem")
	resources := [fixtures.resource(address, glue_fixtures.connection, live)]
	findings := glue_certificate_validation.deny with input as fixtures.input_of(resources)
	fixtures.hits(findings) == {[address, "live"]}
	{entry.field | some entry in findings} == {"custom_jdbc_cert"}
}

test_removed_name_match_fails if {
	live := fixtures.with_field(glue_fixtures.connection, "custom_jdbc_cert_string", null)
	resources := [fixtures.resource(address, glue_fixtures.connection, live)]
	findings := glue_certificate_validation.deny with input as fixtures.input_of(resources)
	{entry.field | some entry in findings} == {"custom_jdbc_cert_string"}
}
