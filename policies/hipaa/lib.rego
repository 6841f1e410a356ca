# Helpers shared by the built-in HIPAA rules. Organisation rules may use them
# too, with `import data.hipcloud.lib`. This package is not a rule: only
# packages under `hipcloud.rules` are evaluated as rules.
package hipcloud.lib

# Every state in the input: one object per resource and per state ("desired"
# or "live") that the resource has, with that state's fields under "fields".
states contains state if {
	some resource in input.resources
	some name in ["desired", "live"]
	fields := object.get(resource, name, null)
	is_object(fields)
	state := {
		"address": resource.address,
		"kind": resource.kind,
		"name": resource.name,
		"state": name,
		"fields": fields,
	}
}

buckets contains state if {
	some state in states
	state.kind == "bucket"
}

keys contains state if {
	some state in states
	state.kind == "key"
}

roles contains state if {
	some state in states
	state.kind == "role"
}

# Builds one entry of a rule's `deny` or `exceptions` set.
finding(state, field_name, message) := {
	"address": state.address,
	"field": field_name,
	"state": state.state,
	"message": message,
}

# Returns a field of a state, or null when the state lacks it.
field(state, name) := object.get(state.fields, name, null)

# Returns the resource entry of the input at an address.
resource_at(address) := entry if {
	some entry in input.resources
	entry.address == address
}

# The blueprint's account id, or "" when the input names none.
default account := ""

account := input.blueprint.account

# The AWS partition of the blueprint's region, as hipcloud derives it for ARNs.
default partition := "aws"

partition := "aws-cn" if startswith(input.blueprint.region, "cn-")

partition := "aws-us-gov" if startswith(input.blueprint.region, "us-gov-")

# Returns a list for a value that IAM accepts as a single item or a list.
as_list(value) := value if is_array(value)

as_list(value) := [value] if {
	not is_array(value)
	value != null
}

as_list(value) := [] if value == null

# Returns the statements of a policy document, or [] when there is no document.
statements(document) := as_list(object.get(document, "Statement", [])) if is_object(document)

statements(document) := [] if not is_object(document)

# Names a statement in messages by its Sid, or by its 1-based position in the
# document when it has none.
statement_label(statement, index) := sprintf("statement %s", [statement.Sid]) if has_sid(statement)

statement_label(statement, index) := sprintf("statement %d", [index + 1]) if not has_sid(statement)

has_sid(statement) if {
	is_string(statement.Sid)
	statement.Sid != ""
}

is_allow(statement) if statement.Effect == "Allow"

# True when a statement's Principal is everyone: "*" or an AWS principal "*".
names_everyone(statement) if statement.Principal == "*"

names_everyone(statement) if "*" in as_list(statement.Principal.AWS)

# True when an Allow statement admits anyone: it names everyone, or it has a
# NotPrincipal, which admits everyone not listed.
is_public_principal(statement) if names_everyone(statement)

is_public_principal(statement) if object.get(statement, "NotPrincipal", null) != null

# The AWS principals a statement names, "*" excluded.
aws_principals(statement) := {principal |
	some principal in as_list(statement.Principal.AWS)
	principal != "*"
}

# True when an IAM action pattern such as "s3:Get*" covers the action `name`.
# IAM compares actions without case, and `*` and `?` are its only wildcards.
action_matches(pattern, name) if glob.match(lower(pattern), [], lower(name))

# True when a statement covers the action `name`, through Action or NotAction.
covers_action(statement, name) if {
	some pattern in as_list(object.get(statement, "Action", null))
	action_matches(pattern, name)
}

covers_action(statement, name) if {
	not_actions := object.get(statement, "NotAction", null)
	not_actions != null
	not matches_any(not_actions, name)
}

matches_any(patterns, name) if {
	some pattern in as_list(patterns)
	action_matches(pattern, name)
}

resources(statement) := as_list(object.get(statement, "Resource", null))

# True when a statement applies to every resource: Resource "*" or a
# NotResource, which covers everything not listed.
covers_all_resources(statement) if "*" in resources(statement)

covers_all_resources(statement) if object.get(statement, "NotResource", null) != null

# The values a statement's condition gives the key `key` under the operator
# `operator`. IAM compares condition keys without case, and operators are
# compared without case here too.
condition_values(statement, operator, key) := [value |
	some op, block in object.get(statement, "Condition", {})
	lower(op) == lower(operator)
	some name, values in block
	lower(name) == lower(key)
	some value in as_list(values)
]

# The condition keys of a statement, in lower case.
condition_keys(statement) := {lower(name) |
	some _, block in object.get(statement, "Condition", {})
	some name, _ in block
}

# Operators that limit a key to the listed values. Negated operators and the
# `IfExists` forms are left out: they match requests that lack the key, such
# as anonymous ones.
narrowing_operators := {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"}

# True when a statement limits one of `names` (lower-case condition keys) with
# a narrowing operator.
has_narrowing_condition(statement, names) if {
	some op, block in object.get(statement, "Condition", {})
	lower(op) in narrowing_operators
	some name, _ in block
	lower(name) in names
}

# True when the bucket receives S3 server access logs. Two signals count: its
# policy lets the S3 logging service put objects, which S3 requires for log
# delivery to a bucket with ACLs disabled, or another bucket in the same state
# logs to it.
is_access_log_bucket(state) if {
	some statement in statements(field(state, "policy"))
	is_allow(statement)
	"logging.s3.amazonaws.com" in as_list(statement.Principal.Service)
	covers_action(statement, "s3:PutObject")
}

is_access_log_bucket(state) if {
	some other in buckets
	other.state == state.state
	other.address != state.address
	field(other, "logging").target_bucket == field(state, "name")
}

# The policy documents of a role state: its inline policies, keyed by field name.
inline_policies(state) := {name: document |
	some name, document in state.fields
	startswith(name, "inline_policy.")
}

# True when people assume the role directly: its trust policy admits IAM
# principals or federated users, not only services.
is_for_people(state) if {
	some statement in statements(field(state, "trust_policy"))
	is_allow(statement)
	some kind in ["AWS", "Federated"]
	object.get(object.get(statement, "Principal", {}), kind, null) != null
}

is_for_people(state) if {
	some statement in statements(field(state, "trust_policy"))
	is_allow(statement)
	is_public_principal(statement)
}

# AWS managed policies whose documents hipcloud does not read, by name, with
# the broadest action pattern each allows on every resource. PowerUserAccess
# allows every action except those of IAM, Organizations and account
# management, through NotAction, and counts as "*" here.
broad_managed_policies := {
	"AdministratorAccess": "*",
	"PowerUserAccess": "*",
	"AmazonS3FullAccess": "s3:*",
	"AmazonSageMakerFullAccess": "sagemaker:*",
	"AWSGlueConsoleFullAccess": "glue:*",
}

# The attached AWS managed policies of a role state that appear in
# `broad_managed_policies`, as objects with the policy's ARN, name and action
# pattern.
broad_attached_policies(state) := {{"arn": arn, "name": name, "pattern": pattern} |
	some arn in as_list(field(state, "attached_policies"))
	parts := split(arn, ":policy/")
	count(parts) == 2
	endswith(parts[0], ":iam::aws")
	name := parts[1]
	pattern := broad_managed_policies[name]
}

glue_connections contains state if {
	some state in states
	state.kind == "glue_connection"
}

glue_catalogs contains state if {
	some state in states
	state.kind == "glue_catalog"
}

sagemaker_domains contains state if {
	some state in states
	state.kind == "sagemaker_domain"
}

sagemaker_user_profiles contains state if {
	some state in states
	state.kind == "sagemaker_user_profile"
}

# True when a KMS key reference names a customer managed key: a key ARN, key
# id, alias or hipcloud's placeholder for a blueprint key that does not exist
# yet. AWS managed keys are named by `alias/aws/` aliases. Whether a bare key
# id or key ARN is customer managed is not visible in the input, so it passes.
is_customer_managed_key(key) if {
	is_string(key)
	key != ""
	not contains(key, "alias/aws/")
}

# The ARN of a role state, from its name and path as IAM builds it.
role_arn(state) := sprintf("arn:%s:iam::%s:role%s%s", [partition, account, field(state, "path"), field(state, "name")])

# True when the blueprint declares the resource entry: it has a desired state,
# or a line in the blueprint file. Drift evaluates live state only, so there the
# line is the sign of a declared resource.
is_declared(entry) if is_object(object.get(entry, "desired", null))

is_declared(entry) if object.get(entry, "line", null) != null

# The endpoint name that `kms:ViaService` gives a service in the blueprint's
# region. China regions use the `amazonaws.com.cn` domain.
via_service(service) := sprintf("%s.%s.amazonaws.com.cn", [service, input.blueprint.region]) if partition == "aws-cn"

via_service(service) := sprintf("%s.%s.amazonaws.com", [service, input.blueprint.region]) if partition != "aws-cn"

# True when a statement's `kms:ViaService` condition, if it has one, admits
# calls through `service`, such as "glue". Only the narrowing operators are
# read: a statement limited by any other operator does not count.
allows_via_service(statement, service) if not "kms:viaservice" in condition_keys(statement)

allows_via_service(statement, service) if {
	some op in narrowing_operators
	some value in condition_values(statement, op, "kms:ViaService")
	glob.match(lower(value), [], via_service(service))
}
