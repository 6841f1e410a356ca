package hipcloud.rules.glue_secret

import data.hipcloud.lib

metadata := {
	"id": "HC-GLUE-06",
	"title": "Glue connections name the blueprint's secret by its complete ARN",
	"severity": "medium",
	"citations": ["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.308(a)(5)(ii)(D)"],
	"remediation": "Set SECRET_ID to the complete ARN of the blueprint's secret, and encrypt that secret with a customer managed key with rotation turned on.",
	"waivable": true,
}

# NOTE: the secret's KMS key and rotation are not in the input. `plan` reads
# them with DescribeSecret for the secrets the blueprint names and reports a
# secret under the AWS managed key or without rotation as a plan note, which
# neither blocks apply nor appears in SARIF. This rule checks only that the
# connection reads the secret hipcloud describes.

deny contains finding if {
	some state in lib.glue_connections
	secret := lib.field(state, "secret_id")
	is_string(secret)
	trim_space(secret) != ""
	not complete_secret_arn(secret)
	message := "SECRET_ID is not a complete Secrets Manager secret ARN, so hipcloud cannot check the secret's key and rotation"
	finding := lib.finding(state, "secret_id", message)
}

# A live secret other than the declared one was never described by hipcloud.
deny contains finding if {
	some state in lib.glue_connections
	state.state == "live"
	desired := lib.resource_at(state.address).desired
	is_object(desired)
	declared := object.get(desired, "secret_id", null)
	is_string(declared)
	actual := lib.field(state, "secret_id")
	is_string(actual)
	actual != declared
	message := "the live connection reads a secret other than the blueprint's, so its key and rotation were not checked"
	finding := lib.finding(state, "secret_id", message)
}

# The ARN form the blueprint requires: partition, region, account, and a
# secret name that ends with the six characters Secrets Manager appends. A
# secret name or partial ARN names no exact resource that IAM can match.
complete_secret_arn(secret) if {
	regex.match(`^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[^*]+-[A-Za-z0-9]{6}$`, secret)
}
