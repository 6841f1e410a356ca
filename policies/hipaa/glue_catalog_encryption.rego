package hipcloud.rules.glue_catalog_encryption

import data.hipcloud.lib

metadata := {
	"id": "HC-GLUE-04",
	"title": "The Glue Data Catalog is encrypted with a customer managed key that its readers may use",
	"severity": "high",
	"citations": ["45 CFR 164.312(a)(2)(iv)"],
	"remediation": "Encrypt the Data Catalog metadata and connection passwords with a customer managed key, and let every role that reads the catalog decrypt with that key through Glue, in its own policy and in the key policy.",
	"waivable": true,
}

# NOTE: encryption applies to catalog objects written after it is turned on.
# Objects written before stay as they were, and the input cannot show them.

# SSE-KMS-WITH-SERVICE-ROLE also encrypts with the given key, but through a
# service role that hipcloud does not read, so readers need no key access.
encrypting_modes := {"SSE-KMS", "SSE-KMS-WITH-SERVICE-ROLE"}

deny contains finding if {
	some state in lib.glue_catalogs
	mode := lib.field(state, "encryption_mode")
	not mode in encrypting_modes
	message := sprintf("catalog metadata encryption is %v, not SSE-KMS", [mode])
	finding := lib.finding(state, "encryption_mode", message)
}

deny contains finding if {
	some state in lib.glue_catalogs
	lib.field(state, "encryption_mode") in encrypting_modes
	key := lib.field(state, "encryption_key")
	not lib.is_customer_managed_key(key)
	message := sprintf("catalog metadata is encrypted with %s, not a customer managed key", [key_label(key, "the AWS managed key aws/glue")])
	finding := lib.finding(state, "encryption_key", message)
}

deny contains finding if {
	some state in lib.glue_catalogs
	lib.field(state, "password_encryption") != true
	message := "connection password encryption is off"
	finding := lib.finding(state, "password_encryption", message)
}

deny contains finding if {
	some state in lib.glue_catalogs
	lib.field(state, "password_encryption") == true
	key := lib.field(state, "password_key")
	not lib.is_customer_managed_key(key)
	message := sprintf("connection password encryption uses %s, not a customer managed key", [key_label(key, "no KMS key")])
	finding := lib.finding(state, "password_key", message)
}

# A role that reads the catalog but may not decrypt with its key in its own
# policies. The role's state is compared with the catalog's state.
deny contains finding if {
	some catalog in lib.glue_catalogs
	arns := reader_key_arns(catalog)
	some role in lib.roles
	role.state == catalog.state
	some field in catalog_grant_fields(role)
	not role_may_decrypt(role, arns)
	message := sprintf("the role may read the Glue Data Catalog, but its policies allow no kms:Decrypt through Glue with the catalog key %s", [lib.field(catalog, "encryption_key")])
	finding := lib.finding(role, field, message)
}

# A role that reads the catalog but that the key policy does not let decrypt.
# Only a key in the input, identified by its ARN or by hipcloud's placeholder,
# can be checked. A key outside the blueprint is not.
deny contains finding if {
	some catalog in lib.glue_catalogs
	arns := reader_key_arns(catalog)
	some key in lib.keys
	key.state == catalog.state
	some id in key_identifiers(key.address)
	id in arns
	some role in lib.roles
	role.state == catalog.state
	count(catalog_grant_fields(role)) > 0
	not key_policy_admits(key, lib.role_arn(role))
	message := sprintf("%s may read the Glue Data Catalog, which this key encrypts, but the key policy does not let it decrypt through Glue", [role.address])
	finding := lib.finding(key, "policy", message)
}

# Names a key in messages, or returns `unset` when there is none.
key_label(key, unset) := unset if key == null

key_label(key, _) := sprintf("%v", [key]) if key != null

# Data Catalog read actions. A role allowed any of them on the catalog reads
# catalog objects, which fails without the key.
catalog_actions := [
	"glue:GetConnection",
	"glue:GetConnections",
	"glue:GetDatabase",
	"glue:GetDatabases",
	"glue:GetTable",
	"glue:GetTables",
	"glue:GetPartition",
	"glue:GetPartitions",
	"glue:BatchGetPartition",
	"glue:SearchTables",
	"glue:GetUserDefinedFunction",
	"glue:GetUserDefinedFunctions",
]

catalog_arn := sprintf("arn:%s:glue:%s:%s:catalog", [lib.partition, input.blueprint.region, lib.account])

# The fields of a role state that allow Data Catalog reads: inline policies,
# and `attached_policies` for a broad AWS managed policy.
catalog_grant_fields(role) := {field |
	some field, document in lib.inline_policies(role)
	some statement in lib.statements(document)
	grants_catalog(statement)
} | {"attached_policies" |
	some policy in lib.broad_attached_policies(role)
	some action in catalog_actions
	lib.action_matches(policy.pattern, action)
}

grants_catalog(statement) if {
	lib.is_allow(statement)
	some action in catalog_actions
	lib.covers_action(statement, action)
	covers_catalog(statement)
}

covers_catalog(statement) if lib.covers_all_resources(statement)

covers_catalog(statement) if {
	some pattern in lib.resources(statement)
	glob.match(pattern, [], catalog_arn)
}

# The ARNs that the catalog key may have, when readers need it: only in
# SSE-KMS mode with a key set. An alias resolves through the keys in the
# input. An alias no key in the input carries gives no ARN, so its readers are
# not checked.
reader_key_arns(catalog) := arns if {
	lib.field(catalog, "encryption_mode") == "SSE-KMS"
	key := lib.field(catalog, "encryption_key")
	is_string(key)
	arns := key_arns(key)
	count(arns) > 0
}

# A key ARN, or hipcloud's placeholder for a key that does not exist yet.
key_arns(key) := {key} if {
	not is_alias(key)
	contains(key, ":")
}

key_arns(key) := {entry.cloud_id |
	some entry in input.resources
	entry.kind == "key"
	is_string(entry.cloud_id)
	some state in ["desired", "live"]
	alias := object.get(object.get(entry, state, {}), "alias", null)
	is_string(alias)
	alias_matches(key, alias)
} if is_alias(key)

# A bare key id becomes the key ARN in the blueprint's account and region.
key_arns(key) := {sprintf("arn:%s:kms:%s:%s:key/%s", [lib.partition, input.blueprint.region, lib.account, key])} if {
	not is_alias(key)
	not contains(key, ":")
}

is_alias(key) if startswith(key, "alias/")

is_alias(key) if contains(key, ":alias/")

alias_matches(key, alias) if key == alias

alias_matches(key, alias) if endswith(key, concat("", [":", alias]))

# The values that identify a key in other resources' fields: hipcloud's
# placeholder before the key exists, and its ARN once it does.
key_identifiers(address) := {sprintf("(known after apply: %s)", [address])} | {arn |
	arn := lib.resource_at(address).cloud_id
	is_string(arn)
}

role_may_decrypt(role, arns) if {
	some _, document in lib.inline_policies(role)
	some statement in lib.statements(document)
	lib.is_allow(statement)
	lib.covers_action(statement, "kms:Decrypt")
	covers_key(statement, arns)
	lib.allows_via_service(statement, "glue")
}

role_may_decrypt(role, _) if {
	some policy in lib.broad_attached_policies(role)
	lib.action_matches(policy.pattern, "kms:Decrypt")
}

covers_key(statement, _) if lib.covers_all_resources(statement)

covers_key(statement, arns) if {
	some pattern in lib.resources(statement)
	some arn in arns
	glob.match(pattern, [], arn)
}

# A key policy admits a role that it names, or the whole account, whose root
# principal hands the decision to the role's own policies.
key_policy_admits(key, role_arn) if {
	some statement in lib.statements(lib.field(key, "policy"))
	lib.is_allow(statement)
	lib.covers_action(statement, "kms:Decrypt")
	names_principal(statement, role_arn)
	lib.allows_via_service(statement, "glue")
}

names_principal(statement, _) if lib.names_everyone(statement)

names_principal(statement, role_arn) if role_arn in lib.aws_principals(statement)

names_principal(statement, _) if {
	some principal in lib.aws_principals(statement)
	principal in {lib.account, sprintf("arn:%s:iam::%s:root", [lib.partition, lib.account])}
}
