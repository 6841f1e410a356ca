package hipcloud.tests.glue_no_password

import data.hipcloud.rules.glue_no_password
import data.hipcloud.tests.fixtures
import data.hipcloud.tests.glue_fixtures

address := "glue_connection.clinical"

fields_of(findings) := {entry.field | some entry in findings}

test_secret_only_passes if {
	count(glue_no_password.deny) == 0 with input as glue_fixtures.compliant
}

test_unrelated_property_passes if {
	fields := fixtures.with_field(glue_fixtures.connection, "unmanaged_properties", ["KAFKA_SSL_ENABLED"])
	resources := [fixtures.live(address, fields)]
	count(glue_no_password.deny) == 0 with input as fixtures.input_of(resources)
}

test_password_property_fails if {
	fields := fixtures.with_field(glue_fixtures.connection, "unmanaged_properties", ["PASSWORD"])
	resources := [fixtures.live(address, fields)]
	findings := glue_no_password.deny with input as fixtures.input_of(resources)
	fixtures.hits(findings) == {[address, "live"]}
	fields_of(findings) == {"unmanaged_properties"}
}

test_username_property_fails if {
	fields := fixtures.with_field(glue_fixtures.connection, "unmanaged_properties", ["USERNAME"])
	resources := [fixtures.live(address, fields)]
	fixtures.hits(glue_no_password.deny) == {[address, "live"]} with input as fixtures.input_of(resources)
}

test_missing_secret_fails if {
	fields := fixtures.with_field(glue_fixtures.connection, "secret_id", null)
	resources := [fixtures.desired(address, fields)]
	findings := glue_no_password.deny with input as fixtures.input_of(resources)
	fixtures.hits(findings) == {[address, "desired"]}
	fields_of(findings) == {"secret_id"}
}

test_masked_url_password_fails if {
	url := "jdbc:sqlserver://db:1433;databaseName=cdw;user=svc;password=****"
	fields := fixtures.with_field(glue_fixtures.connection, "jdbc_url", url)
	resources := [fixtures.live(address, fields)]
	findings := glue_no_password.deny with input as fixtures.input_of(resources)
	fields_of(findings) == {"jdbc_url"}
}
