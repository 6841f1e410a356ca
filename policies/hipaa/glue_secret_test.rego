package hipcloud.tests.glue_secret

import data.hipcloud.rules.glue_secret
import data.hipcloud.tests.fixtures
import data.hipcloud.tests.glue_fixtures

address := "glue_connection.clinical"

test_declared_secret_arn_passes if {
	resources := [fixtures.resource(address, glue_fixtures.connection, glue_fixtures.connection)]
	count(glue_secret.deny) == 0 with input as fixtures.input_of(resources)
}

test_secret_name_fails if {
	fields := fixtures.with_field(glue_fixtures.connection, "secret_id", "lab/clinical-db")
	resources := [fixtures.live(address, fields)]
	fixtures.hits(glue_secret.deny) == {[address, "live"]} with input as fixtures.input_of(resources)
}

test_partial_arn_fails if {
	arn := "arn:aws:secretsmanager:us-east-1:123456789012:secret:lab/clinical-db"
	fields := fixtures.with_field(glue_fixtures.connection, "secret_id", arn)
	resources := [fixtures.desired(address, fields)]
	fixtures.hits(glue_secret.deny) == {[address, "desired"]} with input as fixtures.input_of(resources)
}

test_other_live_secret_fails if {
	arn := "arn:aws:secretsmanager:us-east-1:123456789012:secret:lab/other-db-XyZaBc"
	live := fixtures.with_field(glue_fixtures.connection, "secret_id", arn)
	resources := [fixtures.resource(address, glue_fixtures.connection, live)]
	fixtures.hits(glue_secret.deny) == {[address, "live"]} with input as fixtures.input_of(resources)
}
