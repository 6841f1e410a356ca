package hipcloud.tests.s3_tls_only

import data.hipcloud.rules.s3_tls_only
import data.hipcloud.tests.fixtures

test_tls_deny_passes if {
	count(s3_tls_only.deny) == 0 with input as fixtures.compliant
}

test_missing_policy_fails if {
	fields := fixtures.with_field(fixtures.data_bucket, "policy", null)
	resources := [fixtures.live("bucket.raw", fields)]
	fixtures.hits(s3_tls_only.deny) == {["bucket.raw", "live"]} with input as fixtures.input_of(resources)
}

# A NotPrincipal exempts the listed principals from the Deny.
test_not_principal_deny_fails if {
	statement := object.union(object.remove(fixtures.tls_statement("lab-raw"), ["Principal"]), {"NotPrincipal": {"AWS": ["arn:aws:iam::123456789012:root"]}})
	fields := fixtures.with_field(fixtures.data_bucket, "policy", {"Statement": [statement]})
	resources := [fixtures.live("bucket.raw", fields)]
	fixtures.hits(s3_tls_only.deny) == {["bucket.raw", "live"]} with input as fixtures.input_of(resources)
}

test_objects_only_deny_fails if {
	statement := object.union(fixtures.tls_statement("lab-raw"), {"Resource": ["arn:aws:s3:::lab-raw/*"]})
	fields := fixtures.with_field(fixtures.data_bucket, "policy", {"Statement": [statement]})
	resources := [fixtures.desired("bucket.raw", fields)]
	fixtures.hits(s3_tls_only.deny) == {["bucket.raw", "desired"]} with input as fixtures.input_of(resources)
}
