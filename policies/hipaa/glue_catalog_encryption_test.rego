package hipcloud.tests.glue_catalog_encryption

import data.hipcloud.rules.glue_catalog_encryption
import data.hipcloud.tests.fixtures
import data.hipcloud.tests.glue_fixtures

catalog_address := "glue_catalog.settings"

placeholder := "(known after apply: key.phi)"

# The etl role without its statement that decrypts through Glue.
role_without_glue_decrypt := glue_fixtures.with_grants(fixtures.service_role, [
	fixtures.decrypt_statement,
	glue_fixtures.use_connection_statement,
])

findings_of(resources) := findings if {
	findings := glue_catalog_encryption.deny with input as fixtures.input_of(resources)
}

entries(findings) := {[entry.address, entry.state, entry.field] | some entry in findings}

test_customer_key_with_readers_passes if {
	count(glue_catalog_encryption.deny) == 0 with input as glue_fixtures.compliant
}

test_disabled_encryption_fails if {
	catalog := fixtures.with_field(glue_fixtures.catalog, "encryption_mode", "DISABLED")
	findings := findings_of([fixtures.live(catalog_address, catalog)])
	entries(findings) == {[catalog_address, "live", "encryption_mode"]}
}

test_aws_managed_catalog_key_fails if {
	catalog := fixtures.with_field(glue_fixtures.catalog, "encryption_key", null)
	findings := findings_of([fixtures.live(catalog_address, catalog)])
	entries(findings) == {[catalog_address, "live", "encryption_key"]}
}

test_password_encryption_off_fails if {
	catalog := fixtures.with_field(glue_fixtures.catalog, "password_encryption", false)
	findings := findings_of([fixtures.desired(catalog_address, catalog)])
	entries(findings) == {[catalog_address, "desired", "password_encryption"]}
}

test_aws_managed_password_key_fails if {
	catalog := fixtures.with_field(glue_fixtures.catalog, "password_key", "alias/aws/glue")
	findings := findings_of([fixtures.live(catalog_address, catalog)])
	entries(findings) == {[catalog_address, "live", "password_key"]}
}

test_reader_without_glue_decrypt_fails if {
	resources := [
		fixtures.desired(catalog_address, glue_fixtures.catalog),
		fixtures.desired("role.etl", role_without_glue_decrypt),
	]
	entries(findings_of(resources)) == {["role.etl", "desired", "inline_policy.hipcloud-grants"]}
}

test_role_without_catalog_grant_passes if {
	resources := [
		fixtures.desired(catalog_address, glue_fixtures.catalog),
		fixtures.desired("role.etl", fixtures.service_role),
	]
	count(findings_of(resources)) == 0
}

test_key_policy_without_reader_fails if {
	resources := [
		fixtures.live(catalog_address, glue_fixtures.catalog),
		glue_fixtures.key_resource(null, fixtures.key),
		fixtures.live("role.etl", glue_fixtures.etl_role),
	]
	entries(findings_of(resources)) == {["key.phi", "live", "policy"]}
}

test_account_root_in_key_policy_passes if {
	statement := object.union(glue_fixtures.key_glue_statement, {"Principal": {"AWS": ["arn:aws:iam::123456789012:root"]}})
	resources := [
		fixtures.live(catalog_address, glue_fixtures.catalog),
		glue_fixtures.key_resource(null, glue_fixtures.key_with([statement])),
		fixtures.live("role.etl", glue_fixtures.etl_role),
	]
	count(findings_of(resources)) == 0
}

test_alias_resolves_to_key_arn if {
	catalog := fixtures.with_field(glue_fixtures.catalog, "encryption_key", "alias/hipcloud/lab/phi")
	resources := [
		fixtures.live(catalog_address, catalog),
		glue_fixtures.key_resource(null, fixtures.key),
		fixtures.live("role.etl", role_without_glue_decrypt),
	]
	entries(findings_of(resources)) == {
		["role.etl", "live", "inline_policy.hipcloud-grants"],
		["key.phi", "live", "policy"],
	}
}

test_placeholder_key_matches_readers if {
	catalog := object.union(glue_fixtures.catalog, {"encryption_key": placeholder, "password_key": placeholder})
	decrypt := object.union(glue_fixtures.decrypt_via_glue_statement, {"Resource": [placeholder]})
	role := glue_fixtures.with_grants(fixtures.service_role, [glue_fixtures.use_connection_statement, decrypt])
	resources := [
		fixtures.desired(catalog_address, catalog),
		fixtures.desired("key.phi", glue_fixtures.key_with([glue_fixtures.key_glue_statement])),
		fixtures.desired("role.etl", role),
	]
	count(findings_of(resources)) == 0
}

test_placeholder_key_policy_without_reader_fails if {
	catalog := fixtures.with_field(glue_fixtures.catalog, "encryption_key", placeholder)
	decrypt := object.union(glue_fixtures.decrypt_via_glue_statement, {"Resource": [placeholder]})
	role := glue_fixtures.with_grants(fixtures.service_role, [glue_fixtures.use_connection_statement, decrypt])
	resources := [
		fixtures.desired(catalog_address, catalog),
		fixtures.desired("key.phi", fixtures.key),
		fixtures.desired("role.etl", role),
	]
	entries(findings_of(resources)) == {["key.phi", "desired", "policy"]}
}

test_service_role_mode_needs_no_reader_access if {
	catalog := fixtures.with_field(glue_fixtures.catalog, "encryption_mode", "SSE-KMS-WITH-SERVICE-ROLE")
	resources := [
		fixtures.live(catalog_address, catalog),
		fixtures.live("role.etl", role_without_glue_decrypt),
	]
	count(findings_of(resources)) == 0
}
