package hipcloud.tests.glue_enforce_ssl

import data.hipcloud.rules.glue_enforce_ssl
import data.hipcloud.tests.fixtures
import data.hipcloud.tests.glue_fixtures

test_enforced_ssl_passes if {
	count(glue_enforce_ssl.deny) == 0 with input as glue_fixtures.compliant
}

test_upper_case_true_passes if {
	fields := fixtures.with_field(glue_fixtures.connection, "enforce_ssl", "TRUE")
	resources := [fixtures.live("glue_connection.clinical", fields)]
	count(glue_enforce_ssl.deny) == 0 with input as fixtures.input_of(resources)
}

test_ssl_false_fails if {
	fields := fixtures.with_field(glue_fixtures.connection, "enforce_ssl", "false")
	resources := [fixtures.live("glue_connection.clinical", fields)]
	fixtures.hits(glue_enforce_ssl.deny) == {["glue_connection.clinical", "live"]} with input as fixtures.input_of(resources)
}

test_missing_property_fails if {
	fields := fixtures.with_field(glue_fixtures.connection, "enforce_ssl", null)
	resources := [fixtures.desired("glue_connection.clinical", fields)]
	fixtures.hits(glue_enforce_ssl.deny) == {["glue_connection.clinical", "desired"]} with input as fixtures.input_of(resources)
}
