package hipcloud.rules.iam_exact_resources

import data.hipcloud.lib

metadata := {
	"id": "HC-IAM-03",
	"title": "Role policies name exact resources, and S3 resources are blueprint buckets",
	"severity": "high",
	"citations": ["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(4)(ii)(B)"],
	"remediation": "Name the exact resources in each statement, limit S3 resources to the blueprint's buckets and declared prefixes, and keep Resource * for actions that support nothing else.",
	"waivable": true,
}

# Actions that AWS authorizes only on Resource "*". This list is not
# complete: it holds the read-only actions that data-science roles commonly
# need, and an organisation may add its own rule for others.
unrestrictable_actions := {
	"s3:listallmybuckets",
	"sts:getcalleridentity",
	"kms:listkeys",
	"kms:listaliases",
	"glue:getdatabases",
	"sagemaker:listdomains",
	"ec2:describesubnets",
	"ec2:describevpcs",
	"ec2:describesecuritygroups",
	"ec2:describenetworkinterfaces",
	"logs:describeloggroups",
	"cloudwatch:putmetricdata",
	"ecr:getauthorizationtoken",
}

deny contains finding if {
	some state in lib.roles
	some field, document in lib.inline_policies(state)
	some index, statement in lib.statements(document)
	lib.is_allow(statement)
	lib.covers_all_resources(statement)
	restrictable := [pattern |
		some pattern in lib.as_list(object.get(statement, "Action", null))
		not lower(pattern) in unrestrictable_actions
	]
	count(restrictable) > 0
	message := sprintf("%s allows %s on every resource", [lib.statement_label(statement, index), concat(", ", restrictable)])
	finding := lib.finding(state, field, message)
}

deny contains finding if {
	some state in lib.roles
	some field, document in lib.inline_policies(state)
	some index, statement in lib.statements(document)
	lib.is_allow(statement)
	some resource in lib.resources(statement)
	bucket := s3_bucket(resource)
	not bucket in blueprint_buckets
	message := sprintf("%s names %s, which is not a bucket of this blueprint", [lib.statement_label(statement, index), resource])
	finding := lib.finding(state, field, message)
}

# Live S3 resources must be ones the desired policy names: the blueprint's
# buckets with their declared prefixes.
deny contains finding if {
	some state in lib.roles
	state.state == "live"
	desired := lib.resource_at(state.address).desired
	is_object(desired)
	declared := s3_resources({"fields": desired})
	some field, document in lib.inline_policies(state)
	some statement in lib.statements(document)
	lib.is_allow(statement)
	some resource in lib.resources(statement)
	s3_bucket(resource)
	not resource in declared
	message := sprintf("the live policy names %s, which the blueprint does not declare", [resource])
	finding := lib.finding(state, field, message)
}

# Returns the bucket name of an S3 ARN: the text between ":::" and the first "/".
s3_bucket(resource) := bucket if {
	startswith(resource, "arn:")
	parts := split(resource, ":")
	count(parts) >= 6
	parts[2] == "s3"
	bucket := split(parts[5], "/")[0]
}

blueprint_buckets contains name if {
	some state in lib.buckets
	name := lib.field(state, "name")
}

s3_resources(state) := {resource |
	some _, document in lib.inline_policies(state)
	some statement in lib.statements(document)
	some resource in lib.resources(statement)
	s3_bucket(resource)
}
