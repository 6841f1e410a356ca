package hipcloud.rules.s3_access_logging

import data.hipcloud.lib

metadata := {
	"id": "HC-S3-07",
	"title": "S3 buckets write server access logs to another bucket",
	"severity": "medium",
	"citations": ["45 CFR 164.312(b)", "45 CFR 164.308(a)(1)(ii)(D)"],
	"remediation": "Turn on server access logging with the blueprint's access-log bucket as the target.",
	"waivable": true,
}

# The access-log bucket itself is exempt, because logging to itself would log
# each of its own log deliveries in turn.
deny contains finding if {
	some state in lib.buckets
	not lib.is_access_log_bucket(state)
	not has_target(state)
	finding := lib.finding(state, "logging", "server access logging is off")
}

deny contains finding if {
	some state in lib.buckets
	not lib.is_access_log_bucket(state)
	lib.field(state, "logging").target_bucket == lib.field(state, "name")
	finding := lib.finding(state, "logging", "the bucket writes its server access logs to itself")
}

has_target(state) if {
	target := lib.field(state, "logging").target_bucket
	is_string(target)
	target != ""
}
