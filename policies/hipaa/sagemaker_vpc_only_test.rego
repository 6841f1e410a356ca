package hipcloud.tests.sagemaker_vpc_only

import data.hipcloud.rules.sagemaker_vpc_only
import data.hipcloud.tests.fixtures
import data.hipcloud.tests.sagemaker_fixtures

address := "sagemaker_domain.studio"

test_vpc_only_passes if {
	count(sagemaker_vpc_only.deny) == 0 with input as sagemaker_fixtures.compliant
}

test_public_internet_fails if {
	fields := fixtures.with_field(sagemaker_fixtures.domain, "app_network_access_type", "PublicInternetOnly")
	resources := [fixtures.live(address, fields)]
	fixtures.hits(sagemaker_vpc_only.deny) == {[address, "live"]} with input as fixtures.input_of(resources)
}

test_unset_access_type_fails if {
	fields := fixtures.with_field(sagemaker_fixtures.domain, "app_network_access_type", null)
	resources := [fixtures.desired(address, fields)]
	fixtures.hits(sagemaker_vpc_only.deny) == {[address, "desired"]} with input as fixtures.input_of(resources)
}
