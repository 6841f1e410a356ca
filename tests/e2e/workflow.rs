//! The daily workflows through the binary: a saved plan applied as reviewed or
//! refused as stale, and scheduled drift detection.

use serde_json::Value;

use crate::harness::{disable_rotation, hipcloud, stderr, stdout, write_blueprint, Account};

const ANALYST_HOURS: &str = "max_session_hours = 4";
const ANALYST_HOURS_CHANGED: &str = "max_session_hours = 2";

async fn add_inline_policy(account: &Account, role: &str) {
    let document =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    account
        .iam()
        .put_role_policy()
        .role_name(role)
        .policy_name("quick-fix")
        .policy_document(document)
        .send()
        .await
        .unwrap();
}

async fn analyst_session_seconds(account: &Account) -> i32 {
    let role = account
        .iam()
        .get_role()
        .role_name("research-lab-analyst")
        .send()
        .await
        .unwrap();
    role.role.unwrap().max_session_duration.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn saved_plan_applies_as_reviewed() {
    let account = Account::fresh().await;
    let (dir, path) = write_blueprint(&account.example());
    let env = account.env();
    let plan_file = dir.path().join("first.json").to_string_lossy().into_owned();

    let plan = hipcloud(&["plan", &path, "--out", &plan_file], &env);
    assert_eq!(plan.status.code(), Some(0), "{}", stderr(&plan));
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&plan_file).unwrap()).unwrap();
    assert_eq!(saved["kind"], "hipcloud-plan");
    assert_eq!(saved["account"], account.id.as_str());
    assert!(saved["live_state"]["key.phi"].is_null(), "key.phi does not exist yet");

    let show = hipcloud(&["show", &plan_file, "--format", "markdown"], &[]);
    assert_eq!(show.status.code(), Some(0), "{}", stderr(&show));
    assert!(stdout(&show).contains("Plan: 10 to create, 1 to update"));

    // No question: the saved plan is what was reviewed.
    let apply = hipcloud(&["apply", &plan_file], &env);
    assert_eq!(apply.status.code(), Some(0), "{}", stderr(&apply));
    assert!(stdout(&apply).contains("Apply complete: 10 created, 1 updated"));

    let replan = hipcloud(&["plan", &path, "--detailed-exitcode"], &env);
    assert_eq!(replan.status.code(), Some(0), "{}", stdout(&replan));
}

#[tokio::test(flavor = "multi_thread")]
async fn stale_saved_plan_is_refused() {
    let account = Account::fresh().await;
    let text = account.example();
    let (dir, path) = write_blueprint(&text);
    let env = account.env();
    let apply = hipcloud(&["apply", &path, "--auto-approve"], &env);
    assert_eq!(apply.status.code(), Some(0), "{}", stderr(&apply));

    // A reviewed blueprint change: the analyst's sessions get shorter.
    std::fs::write(&path, text.replace(ANALYST_HOURS, ANALYST_HOURS_CHANGED)).unwrap();
    let plan_file = dir.path().join("shorter.json").to_string_lossy().into_owned();
    let plan = hipcloud(&["plan", &path, "--out", &plan_file], &env);
    assert_eq!(plan.status.code(), Some(0), "{}", stderr(&plan));

    // A plan file must be .json and never the blueprint itself.
    for out in [path.as_str(), &dir.path().join("plan.txt").to_string_lossy()] {
        let refused = hipcloud(&["plan", &path, "--out", out], &env);
        assert_eq!(refused.status.code(), Some(1), "--out {out}");
    }
    assert!(std::fs::read_to_string(&path).unwrap().contains(ANALYST_HOURS_CHANGED));

    // Then someone changes the account by hand before the plan is applied.
    add_inline_policy(&account, "research-lab-analyst").await;
    disable_rotation(&account).await;

    let apply = hipcloud(&["apply", &plan_file], &env);
    assert_eq!(apply.status.code(), Some(1), "{}", stdout(&apply));
    let error = stderr(&apply);
    assert!(error.contains("plan is stale"), "{error}");
    assert!(
        error.contains("role.analyst changed in the account since the plan was made"),
        "{error}"
    );
    assert!(
        error.contains("key.phi now needs a change the plan does not have"),
        "{error}"
    );
    assert_eq!(analyst_session_seconds(&account).await, 4 * 3600, "nothing was changed");

    // An edit to the blueprint after the plan was made makes it stale too.
    let fresh_plan = dir.path().join("fresh.json").to_string_lossy().into_owned();
    let plan = hipcloud(&["plan", &path, "--out", &fresh_plan], &env);
    assert_eq!(plan.status.code(), Some(0), "{}", stderr(&plan));
    std::fs::write(&path, text.replace(ANALYST_HOURS, "max_session_hours = 3")).unwrap();
    let apply = hipcloud(&["apply", &fresh_plan], &env);
    assert_eq!(apply.status.code(), Some(1));
    assert!(
        stderr(&apply).contains("changed since the plan was made"),
        "{}",
        stderr(&apply)
    );
    assert_eq!(analyst_session_seconds(&account).await, 4 * 3600, "nothing was changed");
}

#[tokio::test(flavor = "multi_thread")]
async fn drift_reports_hand_changes_only() {
    let account = Account::fresh().await;
    let text = account.example();
    let (dir, path) = write_blueprint(&text);
    let env = account.env();
    let apply = hipcloud(&["apply", &path, "--auto-approve"], &env);
    assert_eq!(apply.status.code(), Some(0), "{}", stderr(&apply));

    let clean = hipcloud(&["drift", &path], &env);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert!(stdout(&clean).contains("no drift."));

    // A pending blueprint change is not drift, unless the schedule watches an
    // always-applied branch and passes --include-pending.
    std::fs::write(&path, text.replace(ANALYST_HOURS, ANALYST_HOURS_CHANGED)).unwrap();
    let pending = hipcloud(&["drift", &path], &env);
    assert_eq!(pending.status.code(), Some(0), "{}", stdout(&pending));
    let strict = hipcloud(&["drift", &path, "--include-pending"], &env);
    assert_eq!(strict.status.code(), Some(2), "{}", stdout(&strict));

    // Two hand changes.
    disable_rotation(&account).await;
    add_inline_policy(&account, "research-lab-etl").await;

    let drift = hipcloud(&["drift", &path, "--format", "json"], &env);
    assert_eq!(drift.status.code(), Some(2), "{}", stderr(&drift));
    let report: Value = serde_json::from_str(&stdout(&drift)).unwrap();
    let report = &report["reports"][0];
    assert_eq!(report["status"], "drift");
    let findings = report["findings"].as_array().unwrap();
    let finding = |address: &str, field: &str| {
        findings
            .iter()
            .find(|f| f["address"] == address && f["field"] == field)
            .unwrap_or_else(|| panic!("no finding for {address} {field} in {findings:#?}"))
    };
    let rotation = finding("key.phi", "rotation");
    assert_eq!(rotation["kind"], "changed");
    assert_eq!(rotation["expected"], true);
    assert_eq!(rotation["live"], false);
    assert!(rotation["last_applied"].as_str().is_some_and(|t| t.ends_with('Z')));
    let addition = finding("role.etl", "inline_policy.quick-fix");
    assert_eq!(addition["kind"], "unmanaged_addition");
    assert!(addition["expected"].is_null());
    assert!(
        findings.iter().all(|f| f["address"] != "role.analyst"),
        "a blueprint change is not drift"
    );
    assert_eq!(report["pending"][0]["address"], "role.analyst");

    // Several blueprints in one run, each with its own result; one that
    // cannot be read fails the run with exit 1.
    let missing = dir.path().join("missing.toml").to_string_lossy().into_owned();
    let both = hipcloud(&["drift", &path, &missing], &env);
    assert_eq!(both.status.code(), Some(1));
    let text = stdout(&both);
    assert!(text.contains("2 drifted field(s)"), "{text}");
    assert!(text.contains("missing.toml: drift check failed"), "{text}");
}
