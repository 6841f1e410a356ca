//! SageMaker domains where the emulator cannot go: moto has no UpdateDomain,
//! ListApps, ListSpaces or ListUserProfiles, and never fails a domain. These
//! tests record the update request, and read apps and teardown lists from
//! mocked responses.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_sagemaker::operation::create_domain::CreateDomainOutput;
use aws_sdk_sagemaker::operation::create_user_profile::{CreateUserProfileInput, CreateUserProfileOutput};
use aws_sdk_sagemaker::operation::describe_domain::DescribeDomainOutput;
use aws_sdk_sagemaker::operation::describe_user_profile::DescribeUserProfileOutput;
use aws_sdk_sagemaker::operation::list_apps::ListAppsOutput;
use aws_sdk_sagemaker::operation::list_spaces::ListSpacesOutput;
use aws_sdk_sagemaker::operation::list_user_profiles::ListUserProfilesOutput;
use aws_sdk_sagemaker::operation::update_domain::{UpdateDomainInput, UpdateDomainOutput};
use aws_sdk_sagemaker::operation::update_user_profile::{UpdateUserProfileInput, UpdateUserProfileOutput};
use aws_sdk_sagemaker::types::UserSettings;
use aws_sdk_sagemaker::types::{AppDetails, AppStatus, AppType, DomainStatus, SpaceDetails, UserProfileDetails};
use aws_smithy_mocks::{mock, Rule};
use hipcloud::address::Address;
use hipcloud::blueprint::{self, Source};
use hipcloud::plan::diff;
use hipcloud::plan::{Action, Guard};
use hipcloud::provider::aws::profile;
use hipcloud::provider::aws::sagemaker::{self, Waiting};
use hipcloud::provider::aws::Context;
use hipcloud::state::Desired;

use crate::support;

const BLUEPRINT: &str = r#"
[blueprint]
name = "lab"
account = "123456789012"
region = "us-east-1"

[network]
vpc_id = "vpc-0a1b2c3d4e5f67890"
private_subnet_ids = ["subnet-0a1b2c3d4e5f67890"]
security_group_ids = ["sg-0a1b2c3d4e5f67890"]

[key.phi]

[role.data_scientist]
assumed_by = { services = ["sagemaker"] }

[sagemaker_domain.studio]
name = "lab-studio"
key = "key.phi"
execution_role = "role.data_scientist"

[role.genomics]
assumed_by = { services = ["sagemaker"] }

[sagemaker_user_profile.alice]
domain = "sagemaker_domain.studio"
execution_role = "role.genomics"
"#;

const KEY_ARN: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn desired() -> Desired {
    let (blueprint, ctx) = blueprint_and_context();
    let domain = &blueprint.sagemaker_domains[0];
    sagemaker::desired(&blueprint, domain, &ctx, BTreeMap::new())
}

fn blueprint_and_context() -> (blueprint::Blueprint, Context) {
    let source = Source {
        path: "lab.toml".into(),
        text: BLUEPRINT.into(),
    };
    let blueprint = blueprint::load(source, None)
        .map_err(|(_, d)| format!("{d:?}"))
        .unwrap();
    let ctx = Context {
        account: "123456789012".into(),
        region: "us-east-1".into(),
        partition: "aws".into(),
        blueprint: "lab".into(),
        admin_principal: "arn:aws:iam::123456789012:user/admin".into(),
        key_arns: BTreeMap::from([(Address::parse("key.phi").unwrap(), KEY_ARN.to_string())]),
        domain_ids: BTreeMap::from([(
            Address::parse("sagemaker_domain.studio").unwrap(),
            "d-studio".to_string(),
        )]),
        created_roles: Default::default(),
        propagation: Default::default(),
        secrets: BTreeMap::new(),
    };
    (blueprint, ctx)
}

fn app(name: &str, status: AppStatus) -> AppDetails {
    AppDetails::builder()
        .app_name(name)
        .app_type(AppType::JupyterLab)
        .space_name("alice-space")
        .status(status)
        .build()
}

fn recording_update() -> (Rule, Arc<Mutex<Option<UpdateDomainInput>>>) {
    let recorded: Arc<Mutex<Option<UpdateDomainInput>>> = Arc::default();
    let sink = recorded.clone();
    let rule = mock!(aws_sdk_sagemaker::Client::update_domain)
        .match_requests(move |req| {
            *sink.lock().unwrap() = Some(req.clone());
            true
        })
        .then_output(|| UpdateDomainOutput::builder().build());
    (rule, recorded)
}

#[tokio::test]
async fn role_change_sends_only_that_field() {
    let (update, recorded) = recording_update();
    let clients = support::clients(&[], &[], &[], &[&update]);
    sagemaker::configure(&clients, &desired(), "d-studio", &["execution_role".to_string()])
        .await
        .expect("update");

    let request = recorded.lock().unwrap().clone().expect("UpdateDomain was sent");
    assert_eq!(request.domain_id(), Some("d-studio"));
    let settings = request.default_user_settings().expect("user settings");
    assert_eq!(
        settings.execution_role(),
        Some("arn:aws:iam::123456789012:role/hipcloud/lab/lab-data-scientist")
    );
    assert!(
        settings.security_groups().is_empty(),
        "unchanged security groups are not sent"
    );
    assert!(
        settings.sharing_settings().is_none(),
        "unchanged sharing settings are not sent"
    );
    assert!(request.subnet_ids().is_empty(), "unchanged subnets are not sent");
    assert!(
        request.app_network_access_type().is_none(),
        "unchanged network access is not sent"
    );
}

#[tokio::test]
async fn network_change_carries_its_companions() {
    let (update, recorded) = recording_update();
    let apps = mock!(aws_sdk_sagemaker::Client::list_apps)
        .then_output(|| ListAppsOutput::builder().apps(app("old", AppStatus::Deleted)).build());
    let clients = support::clients(&[], &[], &[], &[&update, &apps]);
    sagemaker::configure(
        &clients,
        &desired(),
        "d-studio",
        &["app_network_access_type".to_string()],
    )
    .await
    .expect("update");

    let request = recorded.lock().unwrap().clone().expect("UpdateDomain was sent");
    assert_eq!(request.app_network_access_type().map(|t| t.as_str()), Some("VpcOnly"));
    assert_eq!(
        request.subnet_ids(),
        ["subnet-0a1b2c3d4e5f67890"],
        "VpcOnly needs the subnets"
    );
    let settings = request.default_user_settings().expect("user settings");
    assert_eq!(
        settings.security_groups(),
        ["sg-0a1b2c3d4e5f67890"],
        "and the security groups"
    );
    assert!(settings.execution_role().is_none(), "the unchanged role is not sent");
    assert_eq!(apps.num_calls(), 1, "apply checks for running apps first");
}

#[tokio::test]
async fn network_change_waits_for_running_apps() {
    let (update, _) = recording_update();
    let apps = mock!(aws_sdk_sagemaker::Client::list_apps).then_output(|| {
        ListAppsOutput::builder()
            .apps(app("alice-lab", AppStatus::InService))
            .build()
    });
    let clients = support::clients(&[], &[], &[], &[&update, &apps]);
    let error = sagemaker::configure(&clients, &desired(), "d-studio", &["subnet_ids".to_string()])
        .await
        .unwrap_err();
    assert_eq!(error.code, "AppsRunning");
    assert!(error.message.contains("alice-lab"), "{error}");
    assert_eq!(update.num_calls(), 0, "nothing is changed while apps run");
}

#[tokio::test]
async fn failed_domain_reports_reason() {
    let create = mock!(aws_sdk_sagemaker::Client::create_domain).then_output(|| {
        CreateDomainOutput::builder()
            .domain_arn("arn:aws:sagemaker:us-east-1:123456789012:domain/d-studio")
            .build()
    });
    let describe = mock!(aws_sdk_sagemaker::Client::describe_domain)
        .sequence()
        .output(|| DescribeDomainOutput::builder().status(DomainStatus::Pending).build())
        .output(|| {
            DescribeDomainOutput::builder()
                .status(DomainStatus::Failed)
                .failure_reason("subnet-0a1b2c3d4e5f67890 has no free addresses")
                .build()
        })
        .build();
    let clients = support::clients(&[], &[], &[], &[&create, &describe]);
    let waiting = Waiting {
        timeout: Duration::from_secs(5),
        interval: Duration::from_millis(1),
    };
    let error = sagemaker::create(&clients, &desired(), waiting).await.unwrap_err();
    assert_eq!(error.code, "DomainFailed");
    assert!(error.message.contains("has no free addresses"), "{error}");
    assert_eq!(describe.num_calls(), 2, "apply polls until the domain leaves Pending");
}

#[tokio::test]
async fn removed_domain_lists_teardown_in_order() {
    let without = &BLUEPRINT[..BLUEPRINT.find("[key.phi]").unwrap()];
    let describe = mock!(aws_sdk_sagemaker::Client::describe_domain).then_output(|| {
        DescribeDomainOutput::builder()
            .domain_name("lab-studio")
            .status(DomainStatus::InService)
            .home_efs_file_system_id("fs-0123456789abcdef0")
            .build()
    });
    let apps = mock!(aws_sdk_sagemaker::Client::list_apps).then_output(|| {
        ListAppsOutput::builder()
            .apps(app("alice-lab", AppStatus::InService))
            .build()
    });
    let spaces = mock!(aws_sdk_sagemaker::Client::list_spaces).then_output(|| {
        ListSpacesOutput::builder()
            .spaces(SpaceDetails::builder().space_name("alice-space").build())
            .build()
    });
    let profiles = mock!(aws_sdk_sagemaker::Client::list_user_profiles).then_output(|| {
        ListUserProfilesOutput::builder()
            .user_profiles(UserProfileDetails::builder().user_profile_name("alice").build())
            .build()
    });
    let arn = "arn:aws:sagemaker:us-east-1:123456789012:domain/d-studio";
    let provider = support::provider_with(
        without,
        &[(arn, "sagemaker_domain.studio")],
        &[],
        &[],
        &[&describe, &apps, &spaces, &profiles],
    );

    let snapshot = provider.plan().await.expect("plan");
    let change = snapshot
        .plan
        .change(&Address::parse("sagemaker_domain.studio").unwrap())
        .expect("domain planned");
    assert_eq!(change.action, Action::Delete);
    let expected = Guard::DomainDeletion {
        dependents: vec![
            "app alice-lab (JupyterLab) of space alice-space".into(),
            "space alice-space".into(),
            "user profile alice".into(),
        ],
        home_efs: Some("fs-0123456789abcdef0".into()),
    };
    assert_eq!(change.guards, vec![expected]);
    let blocked = snapshot.plan.blocking_guards(&[]);
    assert_eq!(blocked.len(), 1);
    assert!(blocked[0].contains("fs-0123456789abcdef0 is kept"), "{}", blocked[0]);
    assert!(
        blocked[0].contains("First delete, in this order: app alice-lab"),
        "{}",
        blocked[0]
    );
}

#[tokio::test]
async fn profile_is_created_in_its_domain() {
    let (blueprint, ctx) = blueprint_and_context();
    let desired = profile::desired(&blueprint, &blueprint.sagemaker_user_profiles[0], &ctx, BTreeMap::new());
    let recorded: Arc<Mutex<Option<CreateUserProfileInput>>> = Arc::default();
    let sink = recorded.clone();
    let create = mock!(aws_sdk_sagemaker::Client::create_user_profile)
        .match_requests(move |req| {
            *sink.lock().unwrap() = Some(req.clone());
            true
        })
        .then_output(|| CreateUserProfileOutput::builder().build());
    let clients = support::clients(&[], &[], &[], &[&create]);
    profile::create(&clients, &desired).await.expect("create");

    let request = recorded.lock().unwrap().clone().expect("CreateUserProfile was sent");
    assert_eq!(request.domain_id(), Some("d-studio"));
    assert_eq!(request.user_profile_name(), Some("alice"));
    let settings = request.user_settings().expect("user settings");
    assert_eq!(
        settings.execution_role(),
        Some("arn:aws:iam::123456789012:role/hipcloud/lab/lab-genomics")
    );
    assert_eq!(
        settings
            .sharing_settings()
            .and_then(|s| s.notebook_output_option())
            .map(|o| o.as_str()),
        Some("Disabled")
    );
}

#[tokio::test]
async fn profile_role_drift_is_planned_back() {
    let (blueprint, ctx) = blueprint_and_context();
    let desired = profile::desired(&blueprint, &blueprint.sagemaker_user_profiles[0], &ctx, BTreeMap::new());
    let describe = mock!(aws_sdk_sagemaker::Client::describe_user_profile).then_output(|| {
        let settings = UserSettings::builder()
            .execution_role("arn:aws:iam::123456789012:role/SageMakerFullAccessForAlice")
            .build();
        DescribeUserProfileOutput::builder()
            .domain_id("d-studio")
            .user_profile_name("alice")
            .user_settings(settings)
            .build()
    });
    let recorded: Arc<Mutex<Option<UpdateUserProfileInput>>> = Arc::default();
    let sink = recorded.clone();
    let update = mock!(aws_sdk_sagemaker::Client::update_user_profile)
        .match_requests(move |req| {
            *sink.lock().unwrap() = Some(req.clone());
            true
        })
        .then_output(|| UpdateUserProfileOutput::builder().build());
    let clients = support::clients(&[], &[], &[], &[&describe, &update]);

    let address = Address::parse("sagemaker_user_profile.alice").unwrap();
    let observed = profile::read(&clients, &address, "d-studio/alice", BTreeMap::new())
        .await
        .unwrap()
        .expect("profile read");
    let change = diff::diff(Some(&desired), Some(&observed)).expect("a change");
    let names: Vec<&str> = change.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["execution_role"]);

    profile::configure(&clients, &desired, &["execution_role".to_string()])
        .await
        .expect("update");
    let request = recorded.lock().unwrap().clone().expect("UpdateUserProfile was sent");
    let settings = request.user_settings().expect("user settings");
    assert_eq!(
        settings.execution_role(),
        Some("arn:aws:iam::123456789012:role/hipcloud/lab/lab-genomics")
    );
    assert!(settings.sharing_settings().is_none(), "unchanged sharing is not sent");
}

fn live_domain(access: &str, kms_key: &str) -> DescribeDomainOutput {
    let settings = UserSettings::builder()
        .execution_role("arn:aws:iam::123456789012:role/hipcloud/lab/lab-data-scientist")
        .security_groups("sg-0a1b2c3d4e5f67890")
        .build();
    DescribeDomainOutput::builder()
        .domain_name("lab-studio")
        .status(DomainStatus::InService)
        .vpc_id("vpc-0a1b2c3d4e5f67890")
        .auth_mode(aws_sdk_sagemaker::types::AuthMode::Iam)
        .kms_key_id(kms_key)
        .app_network_access_type(aws_sdk_sagemaker::types::AppNetworkAccessType::from(access))
        .subnet_ids("subnet-0a1b2c3d4e5f67890")
        .default_user_settings(settings)
        .build()
}

#[tokio::test]
async fn network_access_change_is_drift_in_place() {
    let describe =
        mock!(aws_sdk_sagemaker::Client::describe_domain).then_output(|| live_domain("PublicInternetOnly", KEY_ARN));
    let clients = support::clients(&[], &[], &[], &[&describe]);
    let address = Address::parse("sagemaker_domain.studio").unwrap();
    let observed = sagemaker::read(&clients, &address, "d-studio", BTreeMap::new(), false)
        .await
        .unwrap()
        .expect("domain read");
    let change = diff::diff(Some(&desired()), Some(&observed)).expect("a change");
    assert_eq!(change.action, Action::Update, "{change:#?}");
    let names: Vec<&str> = change.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["app_network_access_type"]);
}

#[tokio::test]
async fn key_change_forces_replacement() {
    let other_key = "arn:aws:kms:us-east-1:123456789012:key/99999999-12ab-34cd-56ef-1234567890ab";
    let describe =
        mock!(aws_sdk_sagemaker::Client::describe_domain).then_output(move || live_domain("VpcOnly", other_key));
    let clients = support::clients(&[], &[], &[], &[&describe]);
    let address = Address::parse("sagemaker_domain.studio").unwrap();
    let observed = sagemaker::read(&clients, &address, "d-studio", BTreeMap::new(), false)
        .await
        .unwrap()
        .expect("domain read");
    let change = diff::diff(Some(&desired()), Some(&observed)).expect("a change");
    assert_eq!(change.action, Action::Replace);
    assert_eq!(
        change.reason,
        hipcloud::plan::Reason::ReplacementForced {
            field: "kms_key".into()
        }
    );
}
