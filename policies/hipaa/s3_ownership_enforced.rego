package hipcloud.rules.s3_ownership_enforced

import data.hipcloud.lib

metadata := {
	"id": "HC-S3-04",
	"title": "S3 buckets disable ACLs with BucketOwnerEnforced",
	"severity": "high",
	"citations": ["45 CFR 164.312(a)(1)"],
	"remediation": "Set the bucket's object ownership to BucketOwnerEnforced, which disables ACLs so that only policies grant access.",
	"waivable": true,
}

deny contains finding if {
	some state in lib.buckets
	ownership := lib.field(state, "ownership")
	ownership != "BucketOwnerEnforced"
	message := sprintf("object ownership is %v, so ACLs still grant access", [ownership])
	finding := lib.finding(state, "ownership", message)
}
