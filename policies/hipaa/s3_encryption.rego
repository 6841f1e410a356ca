package hipcloud.rules.s3_encryption

import data.hipcloud.lib

metadata := {
	"id": "HC-S3-01",
	"title": "S3 buckets encrypt by default with a customer managed KMS key",
	"severity": "high",
	"citations": ["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(e)(2)(ii)", "45 CFR 164.312(c)(1)"],
	"remediation": "Set the bucket's default encryption to SSE-KMS (aws:kms or aws:kms:dsse) with a customer managed key, such as the blueprint's key.",
	"waivable": true,
}

kms_algorithms := {"aws:kms", "aws:kms:dsse"}

deny contains finding if {
	some state in lib.buckets
	not is_object(lib.field(state, "encryption"))
	finding := lib.finding(state, "encryption", "the bucket has no default encryption")
}

deny contains finding if {
	some state in lib.buckets
	algorithm := lib.field(state, "encryption").sse_algorithm
	not algorithm in kms_algorithms
	not log_bucket_exception(state)
	message := sprintf("default encryption is %v, not SSE-KMS with a customer managed key", [algorithm])
	finding := lib.finding(state, "encryption", message)
}

deny contains finding if {
	some state in lib.buckets
	encryption := lib.field(state, "encryption")
	encryption.sse_algorithm in kms_algorithms
	not customer_managed(object.get(encryption, "kms_key", null))
	message := "default encryption uses the AWS managed key aws/s3, not a customer managed key"
	finding := lib.finding(state, "encryption", message)
}

# The access-log bucket uses SSE-S3 because that is the only default
# encryption S3 supports for server access log delivery. The exception is
# always reported, never silently passed.
exceptions contains finding if {
	some state in lib.buckets
	log_bucket_exception(state)
	message := "the access-log bucket uses SSE-S3 (AES256), the only default encryption S3 supports for server access log delivery"
	finding := lib.finding(state, "encryption", message)
}

log_bucket_exception(state) if {
	lib.field(state, "encryption").sse_algorithm == "AES256"
	lib.is_access_log_bucket(state)
}

# Without a key id S3 uses the AWS managed key. A key id, key ARN or alias
# other than an `alias/aws/` one names a customer managed key. Whether a bare
# key id is customer managed is not visible in the input, so it passes.
customer_managed(key) if {
	is_string(key)
	key != ""
	not contains(key, "alias/aws/")
}
