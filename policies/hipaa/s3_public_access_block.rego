package hipcloud.rules.s3_public_access_block

import data.hipcloud.lib

metadata := {
	"id": "HC-S3-03",
	"title": "S3 buckets block all public access",
	"severity": "high",
	"citations": ["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(3)(i)", "45 CFR 164.308(a)(4)(i)"],
	"remediation": "Turn on all four settings of the bucket's public access block: BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets.",
	"waivable": false,
}

flags := ["block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"]

deny contains finding if {
	some state in lib.buckets
	block := lib.field(state, "public_access_block")
	off := [flag | some flag in flags; not block[flag] == true]
	count(off) > 0
	message := sprintf("the public access block does not turn on %s", [concat(", ", off)])
	finding := lib.finding(state, "public_access_block", message)
}
