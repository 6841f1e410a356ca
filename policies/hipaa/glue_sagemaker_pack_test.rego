package hipcloud.tests.glue_sagemaker_pack

import data.hipcloud.tests.fixtures
import data.hipcloud.tests.glue_fixtures
import data.hipcloud.tests.sagemaker_fixtures

violations contains [name, entry] if {
	some name, rule in data.hipcloud.rules
	some entry in rule.deny
}

# The compliant buckets and analyst role, with the Glue and SageMaker
# fixtures, whose key and Glue role replace the plain ones. The input is built
# in the test body: regorus 0.14.1 can leave `with input as` undefined when
# its value comes from a rule that reads other packages through imports.
test_compliant_glue_and_sagemaker_pass_every_rule if {
	plain := [entry | some entry in fixtures.compliant.resources; not entry.address in {"key.phi", "role.etl"}]
	resources := array.concat(plain, array.concat(glue_fixtures.resources, sagemaker_fixtures.resources))
	count(resources) == 10
	count(violations) == 0 with input as fixtures.input_of(resources)
}
