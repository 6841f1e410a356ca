//! One error type for every AWS call: the API, the address it was for, the
//! service's error code and message, and the request id for support cases.

use std::fmt;

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::operation::RequestId;

/// How the caller should treat a failed call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The resource does not exist: the only error a read may take as "absent".
    NotFound,
    AccessDenied,
    /// A policy names a principal AWS does not know (yet): a role created moments
    /// ago may not have propagated.
    InvalidPrincipal,
    /// Anything else, retries already spent where the SDK retries.
    Other,
}

#[derive(Debug)]
pub struct AwsError {
    pub api: &'static str,
    pub address: String,
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    pub kind: ErrorKind,
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed for {}: {}", self.api, self.address, self.code)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for AwsError {}

impl AwsError {
    /// A failure hipcloud itself detects, with a code of its own (such as
    /// `AppsRunning`) rather than one from an AWS response.
    pub fn new(api: &'static str, address: impl fmt::Display, code: &str, message: impl Into<String>) -> AwsError {
        AwsError {
            api,
            address: address.to_string(),
            code: code.to_string(),
            message: message.into(),
            request_id: None,
            kind: ErrorKind::Other,
        }
    }

    /// A call that succeeded but returned something hipcloud cannot use, such as
    /// a policy document that is not JSON or a response without a required field.
    pub fn invalid_response(api: &'static str, address: impl fmt::Display, problem: impl fmt::Display) -> AwsError {
        AwsError::new(api, address, "InvalidResponse", problem.to_string())
    }

    /// A request hipcloud could not build from the desired state.
    pub fn invalid_request(api: &'static str, address: impl fmt::Display, problem: impl fmt::Display) -> AwsError {
        AwsError::new(api, address, "InvalidRequest", problem.to_string())
    }
}

/// Error codes that mean the thing read does not exist.
const NOT_FOUND_CODES: &[&str] = &[
    "NotFoundException",
    "NoSuchEntity",
    "EntityNotFoundException",
    "ResourceNotFoundException",
    "NoSuchBucket",
    "NotFound",
    "NoSuchBucketPolicy",
    "NoSuchPublicAccessBlockConfiguration",
    "OwnershipControlsNotFoundError",
    "ServerSideEncryptionConfigurationNotFoundError",
    "NoSuchLifecycleConfiguration",
    "NoSuchTagSet",
    "NoSuchTagSetError",
];

const ACCESS_DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "Forbidden",
    "UnauthorizedOperation",
    "AuthorizationError",
];

/// Converts an SDK error into an `AwsError` for `api` on `address`.
pub fn classify<E, R>(api: &'static str, address: impl fmt::Display, error: SdkError<E, R>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: fmt::Debug + Send + Sync + 'static,
    SdkError<E, R>: RequestId,
{
    let request_id = error.request_id().map(str::to_string);
    let (code, message) = match error.code() {
        Some(code) => (code.to_string(), error.message().unwrap_or_default().to_string()),
        None => ("Error".to_string(), describe_chain(&error)),
    };
    let kind = kind_of(&code, &message);
    AwsError {
        api,
        address: address.to_string(),
        code,
        message,
        request_id,
        kind,
    }
}

/// The error and its causes, by their Display text only: the Debug form of an
/// SDK error includes the raw response, whose body must never reach output.
fn describe_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    let text = parts.join(": ");
    match text.char_indices().nth(1000) {
        // Cut at a word boundary so no word is left half.
        Some((cut, _)) => {
            let cut = text[..cut].rfind(' ').unwrap_or(cut);
            format!("{} ...", &text[..cut])
        }
        None => text,
    }
}

fn kind_of(code: &str, message: &str) -> ErrorKind {
    if NOT_FOUND_CODES.contains(&code) {
        return ErrorKind::NotFound;
    }
    if ACCESS_DENIED_CODES.contains(&code) {
        return ErrorKind::AccessDenied;
    }
    let invalid_policy = matches!(
        code,
        "MalformedPolicyDocumentException" | "MalformedPolicy" | "MalformedPolicyDocument"
    );
    if invalid_policy && message.to_ascii_lowercase().contains("principal") {
        return ErrorKind::InvalidPrincipal;
    }
    ErrorKind::Other
}

/// Extension for reads: `Ok(None)` when the error means "absent".
pub trait OrAbsent<T> {
    fn or_absent(self) -> Result<Option<T>, AwsError>;
}

impl<T> OrAbsent<T> for Result<T, AwsError> {
    fn or_absent(self) -> Result<Option<T>, AwsError> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(error) if error.kind == ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_principal_needs_a_principal_message() {
        assert_eq!(
            kind_of(
                "MalformedPolicyDocumentException",
                "Policy contains a statement with one or more invalid principals."
            ),
            ErrorKind::InvalidPrincipal
        );
        assert_eq!(
            kind_of("MalformedPolicy", "Invalid principal in policy"),
            ErrorKind::InvalidPrincipal
        );
        assert_eq!(
            kind_of("MalformedPolicyDocument", "Syntax errors in policy."),
            ErrorKind::Other
        );
        assert_eq!(kind_of("NoSuchBucketPolicy", ""), ErrorKind::NotFound);
        assert_eq!(kind_of("ThrottlingException", "Rate exceeded"), ErrorKind::Other);
    }
}
