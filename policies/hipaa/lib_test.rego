package hipcloud.tests.lib

import data.hipcloud.lib
import data.hipcloud.tests.fixtures

test_as_list_wraps_single_values if {
	lib.as_list("s3:GetObject") == ["s3:GetObject"]
	lib.as_list(["a", "b"]) == ["a", "b"]
	lib.as_list(null) == []
}

test_action_patterns_match_without_case if {
	lib.action_matches("S3:Get*", "s3:GetObject")
	not lib.action_matches("s3:Put*", "s3:GetObject")
}

test_not_action_covers_the_rest if {
	lib.covers_action({"NotAction": ["iam:*"]}, "kms:Decrypt")
	not lib.covers_action({"NotAction": ["iam:*"]}, "iam:CreateRole")
}

state_names contains state.state if some state in lib.states

test_states_include_both_sides if {
	resource := fixtures.resource("bucket.raw", fixtures.data_bucket, fixtures.data_bucket)
	state_names == {"desired", "live"} with input as fixtures.input_of([resource])
}

access_log_addresses contains state.address if {
	some state in lib.buckets
	lib.is_access_log_bucket(state)
}

test_log_delivery_policy_marks_access_log_bucket if {
	access_log_addresses == {"bucket.logs"} with input as fixtures.compliant
}

test_log_target_marks_access_log_bucket if {
	plain := object.remove(fixtures.log_bucket, ["policy"])
	resources := [fixtures.desired("bucket.logs", plain), fixtures.desired("bucket.raw", fixtures.data_bucket)]
	access_log_addresses == {"bucket.logs"} with input as fixtures.input_of(resources)
}

test_partition_follows_region if {
	lib.partition == "aws-us-gov" with input as {"blueprint": {"region": "us-gov-west-1"}, "resources": []}
	lib.partition == "aws" with input as {"resources": []}
}
