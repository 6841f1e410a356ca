package hipcloud.tests.iam_exact_resources

import data.hipcloud.rules.iam_exact_resources
import data.hipcloud.tests.fixtures

with_grants(statements) := fixtures.with_field(fixtures.service_role, "inline_policy.hipcloud-grants", {"Statement": statements})

test_blueprint_buckets_pass if {
	count(iam_exact_resources.deny) == 0 with input as fixtures.compliant
}

test_every_resource_fails if {
	statement := {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"]}
	resources := [fixtures.desired("bucket.raw", fixtures.data_bucket), fixtures.live("role.etl", with_grants([statement]))]
	fixtures.hits(iam_exact_resources.deny) == {["role.etl", "live"]} with input as fixtures.input_of(resources)
}

test_unrestrictable_action_passes if {
	statement := {"Effect": "Allow", "Action": ["sts:GetCallerIdentity"], "Resource": ["*"]}
	resources := [fixtures.desired("role.etl", with_grants([statement]))]
	count(iam_exact_resources.deny) == 0 with input as fixtures.input_of(resources)
}

test_foreign_bucket_fails if {
	statement := {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::someone-elses-bucket/*"]}
	resources := [fixtures.desired("bucket.raw", fixtures.data_bucket), fixtures.desired("role.etl", with_grants([statement]))]
	fixtures.hits(iam_exact_resources.deny) == {["role.etl", "desired"]} with input as fixtures.input_of(resources)
}

test_undeclared_live_prefix_fails if {
	statement := {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::lab-raw/private/*"]}
	role := fixtures.resource("role.etl", fixtures.service_role, with_grants([statement]))
	resources := [fixtures.desired("bucket.raw", fixtures.data_bucket), role]
	fixtures.hits(iam_exact_resources.deny) == {["role.etl", "live"]} with input as fixtures.input_of(resources)
}
