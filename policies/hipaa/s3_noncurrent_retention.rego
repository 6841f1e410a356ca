package hipcloud.rules.s3_noncurrent_retention

import data.hipcloud.lib

metadata := {
	"id": "HC-S3-08",
	"title": "S3 lifecycle rules keep noncurrent versions for the declared retention",
	"severity": "medium",
	"citations": ["45 CFR 164.308(a)(7)(ii)(A)", "45 CFR 164.310(d)(2)(iv)", "45 CFR 164.312(c)(2)"],
	"remediation": "Keep one enabled lifecycle rule that expires noncurrent versions after the declared retention, and no rule that expires them sooner.",
	"waivable": true,
}

# NOTE: object lock is part of this check in the catalogue, but hipcloud does
# not read a bucket's object lock configuration, so it is not checked here.

# The declared retention is the longest noncurrent version expiration among
# the enabled lifecycle rules of the desired state.
declared_days(address) := max(days) if {
	desired := lib.resource_at(address).desired
	days := [rule.noncurrent_version_expiration_days |
		some rule in lib.as_list(object.get(desired, "lifecycle", null))
		rule.status == "Enabled"
		is_number(rule.noncurrent_version_expiration_days)
	]
	count(days) > 0
}

deny contains finding if {
	some state in lib.buckets
	state.state == "desired"
	not declared_days(state.address)
	message := "no enabled lifecycle rule declares how long noncurrent versions are kept"
	finding := lib.finding(state, "lifecycle", message)
}

deny contains finding if {
	some state in lib.buckets
	declared := declared_days(state.address)
	some rule in lib.as_list(lib.field(state, "lifecycle"))
	rule.status == "Enabled"
	days := rule.noncurrent_version_expiration_days
	days < declared
	message := sprintf("lifecycle rule %v expires noncurrent versions after %v days, before the declared retention of %v days", [object.get(rule, "id", "(no id)"), days, declared])
	finding := lib.finding(state, "lifecycle", message)
}
