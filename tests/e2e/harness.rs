//! Test accounts in the local emulator. Each test gets a fresh account: moto
//! keeps resources per account, and assuming a role in a new account id gives
//! an empty one, so tests run in parallel without resets.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, OnceLock};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::Credentials;
use hipcloud::blueprint::{self, Blueprint, Source};
use hipcloud::provider::aws::{AwsProvider, Clients};

pub const EXAMPLE: &str = include_str!("../../blueprints/research-lab.toml");
/// The account id the example blueprint names; tests swap in their own.
pub const EXAMPLE_ACCOUNT: &str = "123456789012";

/// The emulator's endpoint: `HIPCLOUD_TEST_ENDPOINT` when scripts/test started
/// one, otherwise an emulator this test process starts, which exits with it.
pub fn endpoint() -> String {
    static ENDPOINT: OnceLock<String> = OnceLock::new();
    ENDPOINT
        .get_or_init(|| {
            if let Ok(endpoint) = std::env::var("HIPCLOUD_TEST_ENDPOINT") {
                return endpoint;
            }
            let root = env!("CARGO_MANIFEST_DIR");
            let status = Command::new(format!("{root}/scripts/emulator"))
                .arg("install")
                .status()
                .expect("run scripts/emulator install");
            assert!(status.success(), "scripts/emulator install failed");
            let mut child = Command::new(format!("{root}/.cache/moto-venv/bin/python"))
                .args([
                    &format!("{root}/scripts/emulator.py"),
                    "--port",
                    "0",
                    "--exit-with-parent",
                    "--no-request-log",
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("start the emulator");
            let stdout = child.stdout.take().expect("emulator stdout");
            let mut line = String::new();
            BufReader::new(stdout)
                .read_line(&mut line)
                .expect("read the emulator's ready line");
            let endpoint = line
                .trim()
                .strip_prefix("ready ")
                .expect("emulator ready line")
                .to_string();
            assert!(
                endpoint.starts_with("http://127.0.0.1:"),
                "emulator must listen on 127.0.0.1, got {endpoint}"
            );
            // The emulator exits when this process does (--exit-with-parent).
            std::mem::forget(child);
            endpoint
        })
        .clone()
}

/// An empty emulator account with credentials for it.
pub struct Account {
    pub id: String,
    pub config: SdkConfig,
    pub credentials: Credentials,
}

impl Account {
    pub async fn fresh() -> Account {
        let id = format!("{:012}", fastrand::u64(100_000_000_000..999_999_999_999));
        let base = config(Credentials::new("testing", "testing", None, None, "hipcloud-tests"));
        let sts = aws_sdk_sts::Client::new(&base);
        let assumed = sts
            .assume_role()
            .role_arn(format!("arn:aws:iam::{id}:role/hipcloud-test"))
            .role_session_name("hipcloud-test")
            .send()
            .await
            .expect("assume a role in a fresh emulator account");
        let c = assumed.credentials.expect("credentials");
        let credentials = Credentials::new(
            c.access_key_id,
            c.secret_access_key,
            Some(c.session_token),
            None,
            "hipcloud-tests",
        );
        let account = Account {
            id,
            config: config(credentials.clone()),
            credentials,
        };
        // The role the session assumed must exist, as on AWS: key policies name
        // it as the applying administrator.
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#;
        account
            .iam()
            .create_role()
            .role_name("hipcloud-test")
            .assume_role_policy_document(trust)
            .send()
            .await
            .expect("create the test role");
        account
    }

    /// The example blueprint moved into this account.
    pub fn example(&self) -> String {
        EXAMPLE.replace(EXAMPLE_ACCOUNT, &self.id)
    }

    pub fn provider(&self, text: &str) -> AwsProvider {
        let blueprint = load(text);
        let mut provider = AwsProvider::new(Clients::from_config(&self.config), Arc::new(blueprint));
        provider.propagation.first_delay = std::time::Duration::from_millis(10);
        provider
    }

    pub fn s3(&self) -> aws_sdk_s3::Client {
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&self.config)
                .force_path_style(true)
                .build(),
        )
    }

    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.config)
    }

    pub fn kms(&self) -> aws_sdk_kms::Client {
        aws_sdk_kms::Client::new(&self.config)
    }

    /// Environment variables that point the hipcloud binary at this account.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", endpoint()),
            ("AWS_ACCESS_KEY_ID", self.credentials.access_key_id().to_string()),
            (
                "AWS_SECRET_ACCESS_KEY",
                self.credentials.secret_access_key().to_string(),
            ),
            (
                "AWS_SESSION_TOKEN",
                self.credentials.session_token().unwrap_or_default().to_string(),
            ),
            ("AWS_REGION", "us-east-1".to_string()),
        ]
    }
}

fn config(credentials: Credentials) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint())
        .credentials_provider(aws_sdk_sts::config::SharedCredentialsProvider::new(credentials))
        .build()
}

pub fn load(text: &str) -> Blueprint {
    let source = Source {
        path: "research-lab.toml".into(),
        text: text.to_string(),
    };
    match blueprint::load(source, None) {
        Ok(blueprint) => blueprint,
        Err((source, diagnostics)) => panic!("invalid test blueprint:\n{}", diagnostics.render(&source, false)),
    }
}

/// Runs the hipcloud binary with `env`, colour off and no CI progress lines.
pub fn hipcloud(args: &[&str], env: &[(&'static str, String)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hipcloud"));
    command
        .args(args)
        .env_remove("AWS_PROFILE")
        .env("NO_COLOR", "1")
        .env_remove("CI");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run hipcloud")
}

/// Writes a blueprint into a new temporary directory.
pub fn write_blueprint(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("research-lab.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path.to_string_lossy().into_owned())
}

/// Returns a process's stdout as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Returns a process's stderr as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Turns off rotation of the example's PHI key, as a person might by hand.
pub async fn disable_rotation(account: &Account) {
    let kms = account.kms();
    let key = kms
        .describe_key()
        .key_id("alias/hipcloud/research-lab/phi")
        .send()
        .await
        .unwrap();
    let key_id = key.key_metadata.unwrap().key_id;
    kms.disable_key_rotation().key_id(&key_id).send().await.unwrap();
}
