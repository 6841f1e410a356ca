package hipcloud.tests.iam_trust_policy

import data.hipcloud.rules.iam_trust_policy
import data.hipcloud.tests.fixtures

with_trust(role, statement) := fixtures.with_field(role, "trust_policy", {"Statement": [statement]})

federated := {
	"Effect": "Allow",
	"Principal": {"Federated": ["arn:aws:iam::123456789012:saml-provider/hospital"]},
	"Action": ["sts:AssumeRoleWithSAML"],
	"Condition": {"StringEquals": {"SAML:aud": ["https://signin.aws.amazon.com/saml"]}},
}

test_guarded_trust_passes if {
	count(iam_trust_policy.deny) == 0 with input as fixtures.compliant
}

test_service_without_source_account_fails if {
	statement := object.remove(fixtures.service_trust.Statement[0], ["Condition"])
	resources := [fixtures.live("role.etl", with_trust(fixtures.service_role, statement))]
	fixtures.hits(iam_trust_policy.deny) == {["role.etl", "live"]} with input as fixtures.input_of(resources)
}

test_principal_without_mfa_fails if {
	statement := object.remove(fixtures.people_trust.Statement[0], ["Condition"])
	resources := [fixtures.desired("role.analyst", with_trust(fixtures.people_role, statement))]
	fixtures.hits(iam_trust_policy.deny) == {["role.analyst", "desired"]} with input as fixtures.input_of(resources)
}

test_everyone_fails if {
	statement := object.union(fixtures.people_trust.Statement[0], {"Principal": {"AWS": ["*"]}})
	resources := [fixtures.desired("role.analyst", with_trust(fixtures.people_role, statement))]
	fixtures.hits(iam_trust_policy.deny) == {["role.analyst", "desired"]} with input as fixtures.input_of(resources)
}

test_federated_trust_is_an_exception if {
	resources := [fixtures.desired("role.analyst", with_trust(fixtures.people_role, federated))]
	count(iam_trust_policy.deny) == 0 with input as fixtures.input_of(resources)
	fixtures.hits(iam_trust_policy.exceptions) == {["role.analyst", "desired"]} with input as fixtures.input_of(resources)
}

test_federated_mfa_key_fails if {
	statement := object.union(federated, {"Condition": {"Bool": {"aws:MultiFactorAuthPresent": ["true"]}}})
	resources := [fixtures.desired("role.analyst", with_trust(fixtures.people_role, statement))]
	fixtures.hits(iam_trust_policy.deny) == {["role.analyst", "desired"]} with input as fixtures.input_of(resources)
}
