# Glue resources for the rule tests, in the shape the input document gives
# them: a compliant connection, the catalog settings under the fixture key, and
# a Glue role that reads the catalog and may decrypt it through Glue.
package hipcloud.tests.glue_fixtures

import data.hipcloud.tests.fixtures

# NOTE: the functions below name other packages by their full `data.` path.
# regorus 0.14.1 can leave a function undefined when another package calls it
# after evaluating a rule of this package, if the function reaches a rule of a
# third package through an import.

secret_arn := "arn:aws:secretsmanager:us-east-1:123456789012:secret:lab/clinical-db-AbCdEf"

catalog_arn := "arn:aws:glue:us-east-1:123456789012:catalog"

connection_arn := "arn:aws:glue:us-east-1:123456789012:connection/lab-clinical"

connection := {
	"name": "lab-clinical",
	"description": "Clinical data warehouse",
	"connection_type": "JDBC",
	"jdbc_url": "jdbc:postgresql://cdw.hospital.internal:5432/clinical",
	"enforce_ssl": "true",
	"secret_id": secret_arn,
	"custom_jdbc_cert": "s3://lab-pki/hospital-root-ca.pem",
	"custom_jdbc_cert_string": "cdw.hospital.internal",
	"skip_certificate_validation": false,
	"unmanaged_properties": [],
	"subnet_id": "subnet-0a1b2c3d4e5f67890",
	"security_group_ids": ["sg-0a1b2c3d4e5f67890"],
	"availability_zone": "us-east-1a",
	"tags": {"hipcloud:address": "glue_connection.clinical"},
}

catalog := {
	"encryption_mode": "SSE-KMS",
	"encryption_key": fixtures.key_arn,
	"password_encryption": true,
	"password_key": fixtures.key_arn,
	"tags": {},
}

use_connection_statement := {
	"Sid": "UseGlueConnectionClinical",
	"Effect": "Allow",
	"Action": ["glue:GetConnection"],
	"Resource": [catalog_arn, connection_arn],
}

decrypt_via_glue_statement := {
	"Sid": "DecryptWithPhiViaGlue",
	"Effect": "Allow",
	"Action": ["kms:Decrypt"],
	"Resource": [fixtures.key_arn],
	"Condition": {"StringEquals": {"kms:ViaService": ["glue.us-east-1.amazonaws.com"]}},
}

# Returns a role's fields with its managed inline policy replaced by `statements`.
with_grants(role, statements) := data.hipcloud.tests.fixtures.with_field(
	role,
	"inline_policy.hipcloud-grants",
	{"Version": "2012-10-17", "Statement": statements},
)

etl_role := with_grants(fixtures.service_role, [
	fixtures.service_role["inline_policy.hipcloud-grants"].Statement[0],
	fixtures.decrypt_statement,
	use_connection_statement,
	decrypt_via_glue_statement,
])

key_glue_statement := {
	"Sid": "DecryptViaGlue",
	"Effect": "Allow",
	"Principal": {"AWS": [fixtures.etl_arn]},
	"Action": ["kms:Decrypt"],
	"Resource": ["*"],
	"Condition": {"StringEquals": {
		"kms:CallerAccount": ["123456789012"],
		"kms:ViaService": ["glue.us-east-1.amazonaws.com"],
	}},
}

# Returns the fixture key with the given statements after its own.
key_with(statements) := data.hipcloud.tests.fixtures.with_field(data.hipcloud.tests.fixtures.key, "policy", {
	"Version": "2012-10-17",
	"Statement": array.concat(data.hipcloud.tests.fixtures.key.policy.Statement, statements),
})

# Returns a key resource whose cloud id is the fixture key ARN, as live keys
# have, so rules can match it to the catalog key.
key_resource(desired_fields, live_fields) := object.union(
	data.hipcloud.tests.fixtures.resource("key.phi", desired_fields, live_fields),
	{"cloud_id": data.hipcloud.tests.fixtures.key_arn},
)

# The compliant Glue resources in desired state: the baseline that no rule flags.
resources := [
	fixtures.desired("glue_catalog.settings", catalog),
	fixtures.desired("glue_connection.clinical", connection),
	key_resource(key_with([key_glue_statement]), null),
	fixtures.desired("role.etl", etl_role),
]

compliant := fixtures.input_of(resources)
