package hipcloud.tests.sagemaker_kms_key

import data.hipcloud.rules.sagemaker_kms_key
import data.hipcloud.tests.fixtures
import data.hipcloud.tests.sagemaker_fixtures

address := "sagemaker_domain.studio"

test_customer_key_passes if {
	count(sagemaker_kms_key.deny) == 0 with input as sagemaker_fixtures.compliant
}

test_placeholder_key_passes if {
	fields := fixtures.with_field(sagemaker_fixtures.domain, "kms_key", "(known after apply: key.phi)")
	resources := [fixtures.desired(address, fields)]
	count(sagemaker_kms_key.deny) == 0 with input as fixtures.input_of(resources)
}

test_missing_key_fails if {
	fields := fixtures.with_field(sagemaker_fixtures.domain, "kms_key", null)
	resources := [fixtures.live(address, fields)]
	fixtures.hits(sagemaker_kms_key.deny) == {[address, "live"]} with input as fixtures.input_of(resources)
}

test_aws_managed_alias_fails if {
	fields := fixtures.with_field(sagemaker_fixtures.domain, "kms_key", "alias/aws/elasticfilesystem")
	resources := [fixtures.desired(address, fields)]
	fixtures.hits(sagemaker_kms_key.deny) == {[address, "desired"]} with input as fixtures.input_of(resources)
}
