# Resources for the rule tests: one compliant resource of each kind, in the
# shape the input document gives them, and helpers to build inputs.
package hipcloud.tests.fixtures

blueprint := {"name": "lab", "account": "123456789012", "region": "us-east-1", "file": "lab.toml"}

key_arn := "arn:aws:kms:us-east-1:123456789012:key/0b3f7c1e-2d4a-4b5c-9e8f-1a2b3c4d5e6f"

admin_arn := "arn:aws:iam::123456789012:role/hipcloud/lab/lab-admin"

analyst_arn := "arn:aws:iam::123456789012:role/hipcloud/lab/lab-analyst"

etl_arn := "arn:aws:iam::123456789012:role/hipcloud/lab/lab-etl"

# Builds a resource with the given desired and live fields, either of which
# may be null.
resource(address, desired, live) := {
	"address": address,
	"kind": split(address, ".")[0],
	"name": split(address, ".")[1],
	"line": 1,
	"cloud_id": null,
	"desired": desired,
	"live": live,
}

desired(address, fields) := resource(address, fields, null)

live(address, fields) := resource(address, null, fields)

input_of(resources) := {"blueprint": blueprint, "resources": resources}

# Returns `fields` with one field replaced.
with_field(fields, name, value) := object.union(object.remove(fields, [name]), {name: value})

# The [address, state] pairs of a rule's deny or exceptions set.
hits(set) := {[entry.address, entry.state] | some entry in set}

tls_statement(bucket) := {
	"Sid": "DenyInsecureTransport",
	"Effect": "Deny",
	"Principal": {"AWS": ["*"]},
	"Action": ["s3:*"],
	"Resource": [sprintf("arn:aws:s3:::%s", [bucket]), sprintf("arn:aws:s3:::%s/*", [bucket])],
	"Condition": {"Bool": {"aws:SecureTransport": ["false"]}},
}

data_bucket := {
	"name": "lab-raw",
	"ownership": "BucketOwnerEnforced",
	"public_access_block": {
		"block_public_acls": true,
		"ignore_public_acls": true,
		"block_public_policy": true,
		"restrict_public_buckets": true,
	},
	"encryption": {"sse_algorithm": "aws:kms", "kms_key": key_arn, "bucket_key": true},
	"versioning": "Enabled",
	"policy": {"Version": "2012-10-17", "Statement": [tls_statement("lab-raw")]},
	"lifecycle": [{
		"id": "hipcloud-retention",
		"status": "Enabled",
		"noncurrent_version_expiration_days": 2190,
		"abort_incomplete_multipart_upload_days": 7,
	}],
	"logging": {"target_bucket": "lab-logs", "target_prefix": "lab-raw/"},
	"tags": {"hipcloud:address": "bucket.raw"},
}

log_bucket := {
	"name": "lab-logs",
	"ownership": "BucketOwnerEnforced",
	"public_access_block": data_bucket.public_access_block,
	"encryption": {"sse_algorithm": "AES256"},
	"versioning": "Enabled",
	"policy": {"Version": "2012-10-17", "Statement": [
		{
			"Sid": "AllowServerAccessLogDelivery",
			"Effect": "Allow",
			"Principal": {"Service": ["logging.s3.amazonaws.com"]},
			"Action": ["s3:PutObject"],
			"Resource": ["arn:aws:s3:::lab-logs/*"],
			"Condition": {
				"StringEquals": {"aws:SourceAccount": ["123456789012"]},
				"ArnLike": {"aws:SourceArn": ["arn:aws:s3:::lab-raw"]},
			},
		},
		tls_statement("lab-logs"),
	]},
	"lifecycle": data_bucket.lifecycle,
	"logging": null,
	"tags": {"hipcloud:address": "bucket.logs"},
}

key := {
	"description": "Encrypts PHI",
	"key_spec": "SYMMETRIC_DEFAULT",
	"key_usage": "ENCRYPT_DECRYPT",
	"origin": "AWS_KMS",
	"key_state": "Enabled",
	"rotation": true,
	"alias": "alias/hipcloud/lab/phi",
	"policy": {"Version": "2012-10-17", "Statement": [
		{
			"Sid": "KeyAdministration",
			"Effect": "Allow",
			"Principal": {"AWS": [admin_arn]},
			"Action": ["kms:DescribeKey", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"],
			"Resource": ["*"],
		},
		{
			"Sid": "DecryptViaS3",
			"Effect": "Allow",
			"Principal": {"AWS": [analyst_arn]},
			"Action": ["kms:Decrypt"],
			"Resource": ["*"],
			"Condition": {"StringEquals": {
				"kms:CallerAccount": ["123456789012"],
				"kms:ViaService": ["s3.us-east-1.amazonaws.com"],
			}},
		},
	]},
	"tags": {"hipcloud:address": "key.phi"},
}

service_trust := {"Version": "2012-10-17", "Statement": [{
	"Sid": "TrustServicesOfThisAccount",
	"Effect": "Allow",
	"Principal": {"Service": ["glue.amazonaws.com"]},
	"Action": ["sts:AssumeRole"],
	"Condition": {
		"StringEquals": {"aws:SourceAccount": ["123456789012"]},
		"ArnLike": {"aws:SourceArn": ["arn:aws:glue:us-east-1:123456789012:*"]},
	},
}]}

people_trust := {"Version": "2012-10-17", "Statement": [{
	"Sid": "TrustPrincipalsWithMfa",
	"Effect": "Allow",
	"Principal": {"AWS": ["arn:aws:iam::123456789012:root"]},
	"Action": ["sts:AssumeRole"],
	"Condition": {"Bool": {"aws:MultiFactorAuthPresent": ["true"]}},
}]}

decrypt_statement := {
	"Sid": "DecryptWithPhi",
	"Effect": "Allow",
	"Action": ["kms:Decrypt"],
	"Resource": [key_arn],
	"Condition": {"StringEquals": {"kms:ViaService": ["s3.us-east-1.amazonaws.com"]}},
}

service_role := {
	"name": "lab-etl",
	"path": "/hipcloud/lab/",
	"description": "Glue jobs",
	"trust_policy": service_trust,
	"max_session_duration": 3600,
	"permissions_boundary": null,
	"attached_policies": [],
	"inline_policy.hipcloud-grants": {"Version": "2012-10-17", "Statement": [
		{
			"Sid": "ReadRaw",
			"Effect": "Allow",
			"Action": ["s3:GetObject", "s3:GetObjectVersion"],
			"Resource": ["arn:aws:s3:::lab-raw/*"],
		},
		decrypt_statement,
	]},
	"tags": {"hipcloud:address": "role.etl"},
}

people_role := {
	"name": "lab-analyst",
	"path": "/hipcloud/lab/",
	"description": "Analysts",
	"trust_policy": people_trust,
	"max_session_duration": 14400,
	"permissions_boundary": null,
	"attached_policies": [],
	"inline_policy.hipcloud-grants": {"Version": "2012-10-17", "Statement": [
		{
			"Sid": "ReadRawFromCidrs",
			"Effect": "Allow",
			"Action": ["s3:GetObject", "s3:GetObjectVersion"],
			"Resource": ["arn:aws:s3:::lab-raw/reports/*"],
			"Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}},
		},
		{
			"Sid": "ReadRawFromVpcEndpoints",
			"Effect": "Allow",
			"Action": ["s3:GetObject", "s3:GetObjectVersion"],
			"Resource": ["arn:aws:s3:::lab-raw/reports/*"],
			"Condition": {"StringEquals": {"aws:SourceVpce": ["vpce-0a1b2c3d4e5f67890"]}},
		},
		decrypt_statement,
	]},
	"tags": {"hipcloud:address": "role.analyst"},
}

# Every compliant resource, in desired state: the baseline that no rule flags.
compliant := input_of([
	desired("bucket.logs", log_bucket),
	desired("bucket.raw", data_bucket),
	desired("key.phi", key),
	desired("role.analyst", people_role),
	desired("role.etl", service_role),
])
