package hipcloud.rules.sagemaker_vpc_only

import data.hipcloud.lib

metadata := {
	"id": "HC-SM-01",
	"title": "SageMaker domains send all app traffic through their VPC",
	"severity": "high",
	"citations": ["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
	"remediation": "Set the domain's AppNetworkAccessType to VpcOnly, so Studio apps reach other networks only through the VPC's routes and endpoints.",
	"waivable": false,
}

# NOTE: a NAT gateway route in the domain's subnets still gives apps internet
# egress, and apps need VPC endpoints to reach AWS services. hipcloud reads
# neither route tables nor VPC endpoints, so this rule reports neither.

deny contains finding if {
	some state in lib.sagemaker_domains
	lib.field(state, "app_network_access_type") == null
	message := "AppNetworkAccessType is not set, and SageMaker's default PublicInternetOnly gives Studio apps direct internet access"
	finding := lib.finding(state, "app_network_access_type", message)
}

deny contains finding if {
	some state in lib.sagemaker_domains
	access := lib.field(state, "app_network_access_type")
	access != null
	access != "VpcOnly"
	message := sprintf("AppNetworkAccessType is %v, not VpcOnly, so Studio apps have direct internet access", [access])
	finding := lib.finding(state, "app_network_access_type", message)
}
