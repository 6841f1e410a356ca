package hipcloud.rules.kms_rotation

import data.hipcloud.lib

metadata := {
	"id": "HC-KMS-02",
	"title": "KMS keys rotate their key material automatically",
	"severity": "high",
	"citations": ["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(e)(2)(ii)"],
	"remediation": "Enable automatic key rotation on the key, with a rotation period of at most 365 days.",
	"waivable": true,
}

# NOTE: hipcloud reads whether rotation is on, not the rotation period, so a
# period over 365 days is not detected. KMS's default period is 365 days.

# KMS does not report rotation for a key pending deletion: HC-KMS-03 covers
# such keys while anything uses them.
deny contains finding if {
	some state in lib.keys
	not lib.field(state, "key_state") in {"PendingDeletion", "PendingReplicaDeletion"}
	lib.field(state, "rotation") != true
	finding := lib.finding(state, "rotation", "automatic key rotation is off")
}
