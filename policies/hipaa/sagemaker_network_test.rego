package hipcloud.tests.sagemaker_network

import data.hipcloud.rules.sagemaker_network
import data.hipcloud.tests.fixtures
import data.hipcloud.tests.sagemaker_fixtures

address := "sagemaker_domain.studio"

findings_of(resources) := findings if {
	findings := sagemaker_network.deny with input as fixtures.input_of(resources)
}

entries(findings) := {[entry.address, entry.state, entry.field] | some entry in findings}

test_declared_network_passes if {
	domain := sagemaker_fixtures.domain
	count(findings_of([fixtures.resource(address, domain, domain)])) == 0
}

test_no_subnets_fails if {
	fields := fixtures.with_field(sagemaker_fixtures.domain, "subnet_ids", [])
	entries(findings_of([fixtures.desired(address, fields)])) == {[address, "desired", "subnet_ids"]}
}

test_no_security_groups_fails if {
	fields := fixtures.with_field(sagemaker_fixtures.domain, "default_security_groups", [])
	entries(findings_of([fixtures.live(address, fields)])) == {[address, "live", "default_security_groups"]}
}

test_no_vpc_fails if {
	fields := fixtures.with_field(sagemaker_fixtures.domain, "vpc_id", null)
	entries(findings_of([fixtures.desired(address, fields)])) == {[address, "desired", "vpc_id"]}
}

test_undeclared_live_subnet_fails if {
	subnets := array.concat(sagemaker_fixtures.domain.subnet_ids, ["subnet-0fffffffffffffff0"])
	live := fixtures.with_field(sagemaker_fixtures.domain, "subnet_ids", subnets)
	resources := [fixtures.resource(address, sagemaker_fixtures.domain, live)]
	entries(findings_of(resources)) == {[address, "live", "subnet_ids"]}
}

test_undeclared_live_security_group_fails if {
	live := fixtures.with_field(sagemaker_fixtures.domain, "default_security_groups", ["sg-0fffffffffffffff0"])
	resources := [fixtures.resource(address, sagemaker_fixtures.domain, live)]
	entries(findings_of(resources)) == {[address, "live", "default_security_groups"]}
}

test_other_live_vpc_fails if {
	live := fixtures.with_field(sagemaker_fixtures.domain, "vpc_id", "vpc-0fffffffffffffff0")
	resources := [fixtures.resource(address, sagemaker_fixtures.domain, live)]
	entries(findings_of(resources)) == {[address, "live", "vpc_id"]}
}
