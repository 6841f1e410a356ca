package hipcloud.tests.sagemaker_auth_mode

import data.hipcloud.rules.sagemaker_auth_mode
import data.hipcloud.tests.fixtures
import data.hipcloud.tests.sagemaker_fixtures

address := "sagemaker_domain.studio"

test_sso_passes if {
	count(sagemaker_auth_mode.deny) == 0 with input as sagemaker_fixtures.compliant
}

test_iam_mode_fails if {
	fields := fixtures.with_field(sagemaker_fixtures.domain, "auth_mode", "IAM")
	resources := [fixtures.desired(address, fields)]
	fixtures.hits(sagemaker_auth_mode.deny) == {[address, "desired"]} with input as fixtures.input_of(resources)
}
