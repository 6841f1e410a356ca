package hipcloud.tests.sagemaker_notebook_sharing

import data.hipcloud.rules.sagemaker_notebook_sharing
import data.hipcloud.tests.fixtures
import data.hipcloud.tests.sagemaker_fixtures

test_disabled_sharing_passes if {
	count(sagemaker_notebook_sharing.deny) == 0 with input as sagemaker_fixtures.compliant
}

test_allowed_domain_sharing_fails if {
	fields := fixtures.with_field(sagemaker_fixtures.domain, "notebook_sharing", "Allowed")
	resources := [fixtures.live("sagemaker_domain.studio", fields)]
	fixtures.hits(sagemaker_notebook_sharing.deny) == {["sagemaker_domain.studio", "live"]} with input as fixtures.input_of(resources)
}

test_allowed_profile_sharing_fails if {
	fields := fixtures.with_field(sagemaker_fixtures.profile, "notebook_sharing", "Allowed")
	resources := [
		fixtures.live("sagemaker_domain.studio", sagemaker_fixtures.domain),
		fixtures.live("sagemaker_user_profile.alice", fields),
	]
	fixtures.hits(sagemaker_notebook_sharing.deny) == {["sagemaker_user_profile.alice", "live"]} with input as fixtures.input_of(resources)
}
