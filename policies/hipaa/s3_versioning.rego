package hipcloud.rules.s3_versioning

import data.hipcloud.lib

metadata := {
	"id": "HC-S3-06",
	"title": "S3 buckets keep object versions",
	"severity": "high",
	"citations": ["45 CFR 164.308(a)(7)(ii)(A)", "45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.312(c)(1)"],
	"remediation": "Enable versioning on the bucket, so overwritten and deleted objects can be restored.",
	"waivable": true,
}

deny contains finding if {
	some state in lib.buckets
	versioning := lib.field(state, "versioning")
	versioning != "Enabled"
	message := sprintf("versioning is %v, not Enabled", [versioning])
	finding := lib.finding(state, "versioning", message)
}
