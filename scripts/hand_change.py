"""Change the demo account by hand, as a person with console access might.

Run by scripts/demo against the local emulator only: it reads AWS_ENDPOINT_URL
and refuses any endpoint that is not on 127.0.0.1.
"""

import json
import os
import sys
from urllib.parse import unquote, urlparse

import boto3

endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
if urlparse(endpoint).hostname not in ("127.0.0.1", "localhost"):
    sys.exit(f"hand_change: refusing endpoint {endpoint!r}; it must be the local emulator")

kms = boto3.client("kms", endpoint_url=endpoint)
iam = boto3.client("iam", endpoint_url=endpoint)

key_id = kms.describe_key(KeyId="alias/hipcloud/research-lab/phi")["KeyMetadata"]["KeyId"]
kms.disable_key_rotation(KeyId=key_id)
print("key.phi: rotation turned off")

role = "research-lab-analyst"
policy = iam.get_role_policy(RoleName=role, PolicyName="hipcloud-grants")["PolicyDocument"]
if isinstance(policy, str):
    policy = json.loads(unquote(policy))
for statement in policy["Statement"]:
    ip = statement.get("Condition", {}).get("IpAddress", {})
    if "aws:SourceIp" in ip:
        ip["aws:SourceIp"] = ["203.0.0.0/16", "198.51.100.0/26"]
iam.put_role_policy(RoleName=role, PolicyName="hipcloud-grants", PolicyDocument=json.dumps(policy))
print("role.analyst: 203.0.113.0/24 widened to 203.0.0.0/16")

iam.put_role_policy(
    RoleName=role,
    PolicyName="quick-fix",
    PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    ),
)
print("role.analyst: inline policy quick-fix added")
