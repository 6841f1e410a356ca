package hipcloud.tests.pack

import data.hipcloud.tests.fixtures

violations contains [name, entry] if {
	some name, rule in data.hipcloud.rules
	some entry in rule.deny
}

test_compliant_resources_pass_every_rule if {
	count(violations) == 0 with input as fixtures.compliant
}

test_every_rule_has_metadata if {
	every name, rule in data.hipcloud.rules {
		startswith(rule.metadata.id, "HC-")
		rule.metadata.severity in {"high", "medium"}
		count(rule.metadata.citations) > 0
	}
}
