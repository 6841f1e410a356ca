//! Builds every AWS SDK client once, from one shared configuration, with an
//! interceptor that counts the API calls a run makes.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Attempts per API call, including the first. The SDK's standard retry mode
/// retries throttling errors (`Throttling`, `ThrottlingException`,
/// `TooManyRequestsException`, `SlowDown`, ...) and 5xx responses with
/// exponential backoff and full jitter.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// The most attempts `HIPCLOUD_MAX_ATTEMPTS` may ask for, so that an
/// unreachable endpoint fails a plan within a few minutes rather than hours.
pub const MAX_ATTEMPTS_LIMIT: u32 = 10;

/// Counts HTTP requests by `Service.Operation`, retries included.
#[derive(Clone, Debug, Default)]
pub struct CallCounter {
    counts: Arc<Mutex<BTreeMap<String, u64>>>,
}

impl CallCounter {
    pub fn total(&self) -> u64 {
        self.counts.lock().map(|c| c.values().sum()).unwrap_or(0)
    }

    pub fn by_operation(&self) -> BTreeMap<String, u64> {
        self.counts.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// Calls whose operation name does not start with `Get`, `List`, `Describe`
    /// or `Head`: the writes a run made.
    pub fn writes(&self) -> u64 {
        self.by_operation()
            .iter()
            .filter(|(name, _)| {
                let operation = name.split('.').nth(1).unwrap_or(name);
                !["Get", "List", "Describe", "Head"]
                    .iter()
                    .any(|p| operation.starts_with(p))
            })
            .map(|(_, count)| count)
            .sum()
    }
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "hipcloud-call-counter"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let name = match cfg.load::<Metadata>() {
            Some(metadata) => format!("{}.{}", metadata.service(), metadata.name()),
            None => "unknown".to_string(),
        };
        if let Ok(mut counts) = self.counts.lock() {
            *counts.entry(name).or_default() += 1;
        }
        Ok(())
    }
}

/// The SDK clients hipcloud uses, all built from one configuration.
#[derive(Clone, Debug)]
pub struct Clients {
    pub s3: aws_sdk_s3::Client,
    pub glue: aws_sdk_glue::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
    pub sagemaker: aws_sdk_sagemaker::Client,
    pub iam: aws_sdk_iam::Client,
    pub kms: aws_sdk_kms::Client,
    pub sts: aws_sdk_sts::Client,
    pub tagging: aws_sdk_resourcegroupstagging::Client,
    pub calls: CallCounter,
}

impl Clients {
    /// Loads the standard AWS configuration chain (environment, profiles, SSO,
    /// instance roles) for `region`. `AWS_ENDPOINT_URL` points every client at an
    /// emulator.
    pub async fn from_environment(region: &str) -> Clients {
        let max_attempts = match crate::cli::non_empty_env("HIPCLOUD_MAX_ATTEMPTS") {
            None => DEFAULT_MAX_ATTEMPTS,
            Some(text) => match text.parse::<u32>() {
                Ok(n) if (1..=MAX_ATTEMPTS_LIMIT).contains(&n) => n,
                _ => {
                    tracing::warn!(value = %text, "HIPCLOUD_MAX_ATTEMPTS must be a whole number from 1 to {MAX_ATTEMPTS_LIMIT}; using {DEFAULT_MAX_ATTEMPTS}");
                    DEFAULT_MAX_ATTEMPTS
                }
            },
        };
        let config = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            .retry_config(RetryConfig::standard().with_max_attempts(max_attempts))
            .load()
            .await;
        Clients::from_config(&config)
    }

    pub fn from_config(config: &SdkConfig) -> Clients {
        let calls = CallCounter::default();
        // Emulators serve S3 only with path-style addressing.
        let path_style = config.endpoint_url().is_some();
        let s3 = aws_sdk_s3::config::Builder::from(config)
            .force_path_style(path_style)
            .interceptor(calls.clone())
            .build();
        let iam = aws_sdk_iam::config::Builder::from(config)
            .interceptor(calls.clone())
            .build();
        let glue = aws_sdk_glue::config::Builder::from(config)
            .interceptor(calls.clone())
            .build();
        let secrets = aws_sdk_secretsmanager::config::Builder::from(config)
            .interceptor(calls.clone())
            .build();
        let sagemaker = aws_sdk_sagemaker::config::Builder::from(config)
            .interceptor(calls.clone())
            .build();
        let kms = aws_sdk_kms::config::Builder::from(config)
            .interceptor(calls.clone())
            .build();
        let sts = aws_sdk_sts::config::Builder::from(config)
            .interceptor(calls.clone())
            .build();
        let tagging = aws_sdk_resourcegroupstagging::config::Builder::from(config)
            .interceptor(calls.clone())
            .build();
        Clients {
            s3: aws_sdk_s3::Client::from_conf(s3),
            glue: aws_sdk_glue::Client::from_conf(glue),
            secrets: aws_sdk_secretsmanager::Client::from_conf(secrets),
            sagemaker: aws_sdk_sagemaker::Client::from_conf(sagemaker),
            iam: aws_sdk_iam::Client::from_conf(iam),
            kms: aws_sdk_kms::Client::from_conf(kms),
            sts: aws_sdk_sts::Client::from_conf(sts),
            tagging: aws_sdk_resourcegroupstagging::Client::from_conf(tagging),
            calls,
        }
    }
}
