package hipcloud.tests.s3_no_public_principal

import data.hipcloud.rules.s3_no_public_principal
import data.hipcloud.tests.fixtures

public_read(condition) := {
	"Sid": "PublicRead",
	"Effect": "Allow",
	"Principal": {"AWS": ["*"]},
	"Action": ["s3:GetObject"],
	"Resource": ["arn:aws:s3:::lab-raw/*"],
	"Condition": condition,
}

with_statement(statement) := fixtures.with_field(fixtures.data_bucket, "policy", {"Statement": [statement]})

test_named_principals_pass if {
	count(s3_no_public_principal.deny) == 0 with input as fixtures.compliant
}

test_org_limited_public_principal_passes if {
	fields := with_statement(public_read({"StringEquals": {"aws:PrincipalOrgID": ["o-abc123"]}}))
	resources := [fixtures.desired("bucket.raw", fields)]
	count(s3_no_public_principal.deny) == 0 with input as fixtures.input_of(resources)
}

test_ip_limited_public_principal_fails if {
	fields := with_statement(public_read({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}))
	resources := [fixtures.live("bucket.raw", fields)]
	fixtures.hits(s3_no_public_principal.deny) == {["bucket.raw", "live"]} with input as fixtures.input_of(resources)
}

test_if_exists_operator_fails if {
	fields := with_statement(public_read({"StringEqualsIfExists": {"aws:PrincipalAccount": ["123456789012"]}}))
	resources := [fixtures.desired("bucket.raw", fields)]
	fixtures.hits(s3_no_public_principal.deny) == {["bucket.raw", "desired"]} with input as fixtures.input_of(resources)
}
