package hipcloud.tests.glue_network

import data.hipcloud.rules.glue_network
import data.hipcloud.tests.fixtures
import data.hipcloud.tests.glue_fixtures

address := "glue_connection.clinical"

fields_of(findings) := {entry.field | some entry in findings}

test_declared_subnet_passes if {
	resources := [fixtures.resource(address, glue_fixtures.connection, glue_fixtures.connection)]
	count(glue_network.deny) == 0 with input as fixtures.input_of(resources)
}

test_missing_subnet_fails if {
	fields := fixtures.with_field(glue_fixtures.connection, "subnet_id", null)
	resources := [fixtures.live(address, fields)]
	findings := glue_network.deny with input as fixtures.input_of(resources)
	fixtures.hits(findings) == {[address, "live"]}
	fields_of(findings) == {"subnet_id"}
}

test_no_security_group_fails if {
	fields := fixtures.with_field(glue_fixtures.connection, "security_group_ids", [])
	resources := [fixtures.desired(address, fields)]
	findings := glue_network.deny with input as fixtures.input_of(resources)
	fixtures.hits(findings) == {[address, "desired"]}
	fields_of(findings) == {"security_group_ids"}
}

test_undeclared_live_subnet_fails if {
	live := fixtures.with_field(glue_fixtures.connection, "subnet_id", "subnet-0fffffffffffffff0")
	resources := [fixtures.resource(address, glue_fixtures.connection, live)]
	findings := glue_network.deny with input as fixtures.input_of(resources)
	fixtures.hits(findings) == {[address, "live"]}
	fields_of(findings) == {"subnet_id"}
}
