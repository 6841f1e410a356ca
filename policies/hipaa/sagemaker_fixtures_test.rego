# SageMaker resources for the rule tests, in the shape the input document
# gives them: a compliant domain, a user profile in it, and the execution role
# both use.
package hipcloud.tests.sagemaker_fixtures

import data.hipcloud.tests.fixtures

scientist_arn := "arn:aws:iam::123456789012:role/hipcloud/lab/lab-scientist"

sagemaker_trust := {"Version": "2012-10-17", "Statement": [{
	"Sid": "TrustServicesOfThisAccount",
	"Effect": "Allow",
	"Principal": {"Service": ["sagemaker.amazonaws.com"]},
	"Action": ["sts:AssumeRole"],
	"Condition": {
		"StringEquals": {"aws:SourceAccount": ["123456789012"]},
		"ArnLike": {"aws:SourceArn": ["arn:aws:sagemaker:us-east-1:123456789012:*"]},
	},
}]}

# The role names no bucket, so it passes HC-IAM-03 without buckets in the input.
scientist_role := object.union(fixtures.service_role, {
	"name": "lab-scientist",
	"description": "SageMaker notebooks",
	"trust_policy": sagemaker_trust,
	"inline_policy.hipcloud-grants": {"Version": "2012-10-17", "Statement": [fixtures.decrypt_statement]},
	"tags": {"hipcloud:address": "role.scientist"},
})

domain := {
	"name": "lab-studio",
	"vpc_id": "vpc-0a1b2c3d4e5f67890",
	"auth_mode": "SSO",
	"kms_key": fixtures.key_arn,
	"app_network_access_type": "VpcOnly",
	"subnet_ids": ["subnet-0a1b2c3d4e5f67890", "subnet-0f1e2d3c4b5a69788"],
	"default_security_groups": ["sg-0a1b2c3d4e5f67890"],
	"execution_role": scientist_arn,
	"notebook_sharing": "Disabled",
	"tags": {"hipcloud:address": "sagemaker_domain.studio"},
}

profile := {
	"name": "alice",
	"domain_id": "d-0a1b2c3d4e5f",
	"execution_role": scientist_arn,
	"notebook_sharing": "Disabled",
	"tags": {"hipcloud:address": "sagemaker_user_profile.alice"},
}

# The compliant SageMaker resources in desired state: the baseline that no
# rule flags.
resources := [
	fixtures.desired("role.scientist", scientist_role),
	fixtures.desired("sagemaker_domain.studio", domain),
	fixtures.desired("sagemaker_user_profile.alice", profile),
]

compliant := fixtures.input_of(resources)
