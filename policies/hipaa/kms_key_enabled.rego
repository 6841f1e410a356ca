package hipcloud.rules.kms_key_enabled

import data.hipcloud.lib

metadata := {
	"id": "HC-KMS-03",
	"title": "KMS keys stay enabled while resources use them",
	"severity": "high",
	"citations": ["45 CFR 164.308(a)(1)(ii)(B)", "45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.312(c)(1)"],
	"remediation": "Enable the key, or cancel its scheduled deletion, until no bucket, SageMaker domain or Glue Data Catalog uses it.",
	"waivable": true,
}

# NOTE: the users visible in the input are buckets, SageMaker domains and the
# Glue Data Catalog settings. Secrets encrypted under the key and the home EFS
# volume a deleted domain leaves behind are not in the input, so they do not
# count as users here.

deny contains finding if {
	some state in lib.keys
	key_state := lib.field(state, "key_state")
	key_state != "Enabled"
	users := users_of(state.address)
	count(users) > 0
	message := sprintf("key state is %v, but %s use the key", [key_state, concat(", ", sort(users))])
	finding := lib.finding(state, "key_state", message)
}

# The addresses of resources whose desired or live state names the key.
users_of(address) := {user.address |
	ids := identifiers(address)
	some user in lib.states
	some reference in references(user)
	names_key(reference, ids)
}

# The values that identify a key: its placeholder before it exists, its ARN,
# its key id and its aliases.
identifiers(address) := ids if {
	entry := lib.resource_at(address)
	arn := object.get(entry, "cloud_id", null)
	arns := {value | some value in [arn]; is_string(value)}
	key_ids := {parts[1] | some value in arns; parts := split(value, ":key/"); count(parts) == 2}
	aliases := {alias |
		some state in ["desired", "live"]
		alias := object.get(object.get(entry, state, {}), "alias", null)
		is_string(alias)
	}
	placeholder := sprintf("(known after apply: %s)", [address])
	ids := ((arns | key_ids) | aliases) | {placeholder}
}

# The key references of a resource state, by kind.
references(state) := {state.fields.encryption.kms_key} if state.kind == "bucket"

references(state) := {state.fields.kms_key} if state.kind == "sagemaker_domain"

references(state) := {object.get(state.fields, name, null) | some name in ["encryption_key", "password_key"]} if {
	state.kind == "glue_catalog"
}

names_key(reference, ids) if reference in ids

# An alias ARN ends with ":alias/NAME".
names_key(reference, ids) if {
	is_string(reference)
	some id in ids
	startswith(id, "alias/")
	endswith(reference, concat("", [":", id]))
}
