package hipcloud.rules.s3_tls_only

import data.hipcloud.lib

metadata := {
	"id": "HC-S3-02",
	"title": "S3 bucket policies deny requests without TLS",
	"severity": "high",
	"citations": ["45 CFR 164.312(e)(1)", "45 CFR 164.312(e)(2)(i)", "45 CFR 164.312(c)(1)"],
	"remediation": "Add a bucket policy statement that denies s3:* to Principal * on the bucket and bucket/* when aws:SecureTransport is false.",
	"waivable": true,
}

deny contains finding if {
	some state in lib.buckets
	not denies_insecure_transport(state)
	message := "the bucket policy has no Deny for Principal * on s3:* for the bucket and its objects when aws:SecureTransport is false"
	finding := lib.finding(state, "policy", message)
}

denies_insecure_transport(state) if {
	name := lib.field(state, "name")
	some statement in lib.statements(lib.field(state, "policy"))
	statement.Effect == "Deny"
	lib.names_everyone(statement)
	covers_every_s3_action(statement)
	covers_resource(statement, sprintf("arn:%s:s3:::%s", [lib.partition, name]))
	covers_resource(statement, sprintf("arn:%s:s3:::%s/*", [lib.partition, name]))
	insecure_transport(statement)
}

covers_every_s3_action(statement) if {
	some pattern in lib.as_list(object.get(statement, "Action", null))
	lower(pattern) in {"*", "s3:*"}
}

# True when a resource pattern of the statement matches `arn` itself. Matching
# the literal "bucket/*" requires a pattern that covers every object.
covers_resource(statement, arn) if {
	some pattern in lib.resources(statement)
	glob.match(pattern, [], arn)
}

# `BoolIfExists` also denies requests that lack the key, so it counts too.
insecure_transport(statement) if {
	some operator in ["Bool", "BoolIfExists"]
	some value in lib.condition_values(statement, operator, "aws:SecureTransport")
	lower(sprintf("%v", [value])) == "false"
}
