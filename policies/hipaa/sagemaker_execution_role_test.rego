package hipcloud.tests.sagemaker_execution_role

import data.hipcloud.rules.sagemaker_execution_role
import data.hipcloud.tests.fixtures
import data.hipcloud.tests.sagemaker_fixtures

domain_address := "sagemaker_domain.studio"

profile_address := "sagemaker_user_profile.alice"

findings_of(resources) := findings if {
	findings := sagemaker_execution_role.deny with input as fixtures.input_of(resources)
}

test_blueprint_role_passes if {
	count(sagemaker_execution_role.deny) == 0 with input as sagemaker_fixtures.compliant
}

test_missing_domain_role_fails if {
	domain := fixtures.with_field(sagemaker_fixtures.domain, "execution_role", null)
	resources := [fixtures.desired("role.scientist", sagemaker_fixtures.scientist_role), fixtures.desired(domain_address, domain)]
	fixtures.hits(findings_of(resources)) == {[domain_address, "desired"]}
}

test_profile_without_role_passes if {
	profile := fixtures.with_field(sagemaker_fixtures.profile, "execution_role", null)
	resources := [fixtures.live(profile_address, profile)]
	count(findings_of(resources)) == 0
}

test_foreign_role_fails if {
	domain := fixtures.with_field(sagemaker_fixtures.domain, "execution_role", "arn:aws:iam::123456789012:role/service-role/AmazonSageMaker-ExecutionRole")
	resources := [fixtures.desired("role.scientist", sagemaker_fixtures.scientist_role), fixtures.live(domain_address, domain)]
	fixtures.hits(findings_of(resources)) == {[domain_address, "live"]}
}

test_undeclared_role_fails if {
	role := object.union(fixtures.live("role.scientist", sagemaker_fixtures.scientist_role), {"line": null})
	resources := [role, fixtures.live(domain_address, sagemaker_fixtures.domain)]
	fixtures.hits(findings_of(resources)) == {[domain_address, "live"]}
}

test_role_failing_iam_rule_fails if {
	role := fixtures.with_field(sagemaker_fixtures.scientist_role, "attached_policies", ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"])
	resources := [
		fixtures.live("role.scientist", role),
		fixtures.live(domain_address, sagemaker_fixtures.domain),
		fixtures.live(profile_address, sagemaker_fixtures.profile),
	]
	findings := findings_of(resources)
	fixtures.hits(findings) == {[domain_address, "live"], [profile_address, "live"]}
	{entry.message | some entry in findings} == {"the execution role role.scientist fails HC-IAM-02"}
}

test_other_state_violation_is_ignored if {
	role := fixtures.with_field(sagemaker_fixtures.scientist_role, "attached_policies", ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"])
	resources := [
		fixtures.resource("role.scientist", sagemaker_fixtures.scientist_role, role),
		fixtures.desired(domain_address, sagemaker_fixtures.domain),
	]
	count(findings_of(resources)) == 0
}
