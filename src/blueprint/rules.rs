//! Checks of single blueprint values against the cloud's naming and format rules.
//! Each returns the problem and its fix, or `Ok` when the value is valid.

use std::net::IpAddr;

use ipnet::IpNet;

/// A problem with one value: what is wrong, then how to fix it.
pub type Invalid = (String, String);

fn invalid(problem: impl Into<String>, hint: impl Into<String>) -> Result<(), Invalid> {
    Err((problem.into(), hint.into()))
}

/// S3's general purpose bucket naming rules, plus one of hipcloud's: no dots,
/// because a dotted name breaks TLS certificate checks for virtual-hosted requests.
pub fn bucket_name(name: &str) -> Result<(), Invalid> {
    let hint = "use 3 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit";
    if !(3..=63).contains(&name.len()) {
        return invalid(
            format!("invalid S3 bucket name {name:?}: it has {} characters", name.len()),
            hint,
        );
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '.'))
    {
        return invalid(
            format!("invalid S3 bucket name {name:?}: character {c:?} is not allowed"),
            hint,
        );
    }
    if name.contains('.') {
        return invalid(
            format!(
                "invalid S3 bucket name {name:?}: dots break TLS certificate validation for virtual-hosted requests"
            ),
            "replace the dots with hyphens",
        );
    }
    let first = name.chars().next().unwrap_or('-');
    let last = name.chars().last().unwrap_or('-');
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return invalid(
            format!("invalid S3 bucket name {name:?}: it must start and end with a letter or digit"),
            hint,
        );
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(prefix) {
            return invalid(
                format!("invalid S3 bucket name {name:?}: the prefix `{prefix}` is reserved by S3"),
                hint,
            );
        }
    }
    for suffix in ["-s3alias", "--ol-s3", "--x-s3", "--table-s3"] {
        if name.ends_with(suffix) {
            return invalid(
                format!("invalid S3 bucket name {name:?}: the suffix `{suffix}` is reserved by S3"),
                hint,
            );
        }
    }
    Ok(())
}

/// IAM role names: 1 to 64 characters of letters, digits and `+=,.@_-`.
pub fn role_name(name: &str) -> Result<(), Invalid> {
    let valid =
        (1..=64).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if valid {
        Ok(())
    } else {
        invalid(
            format!("invalid IAM role name {name:?}"),
            "use 1 to 64 letters, digits and the characters + = , . @ _ -",
        )
    }
}

/// Glue connection names: 1 to 255 characters without control characters; hipcloud
/// also keeps them to letters, digits, hyphens and underscores, so they read the
/// same in ARNs and logs.
pub fn glue_connection_name(name: &str) -> Result<(), Invalid> {
    let valid =
        (1..=255).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        invalid(
            format!("invalid Glue connection name {name:?}"),
            "use letters, digits, hyphens and underscores",
        )
    }
}

/// A blueprint name goes into role paths, key aliases, tags and bucket names.
pub fn blueprint_name(name: &str) -> Result<(), Invalid> {
    let hint = "use 3 to 32 lower-case letters, digits and hyphens, starting with a letter";
    let problem = if !(3..=32).contains(&name.len()) {
        Some(format!("it has {} characters", name.len()))
    } else if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        Some("it must start with a lower-case letter".to_string())
    } else if name.ends_with('-') {
        Some("it must not end with a hyphen".to_string())
    } else {
        name.chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
            .map(|c| format!("character {c:?} is not allowed"))
    };
    match problem {
        Some(problem) => invalid(format!("invalid blueprint name {name:?}: {problem}"), hint),
        None => Ok(()),
    }
}

pub fn account_id(account: &str) -> Result<(), Invalid> {
    if account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        invalid(
            format!("invalid AWS account id {account:?}"),
            "write the 12-digit account id as a string, such as \"123456789012\"",
        )
    }
}

pub fn region(region: &str) -> Result<(), Invalid> {
    let parts: Vec<&str> = region.split('-').collect();
    let valid = parts.len() >= 3
        && parts[0].len() == 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
        && parts.last().is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()));
    if valid {
        Ok(())
    } else {
        invalid(
            format!("invalid AWS region {region:?}"),
            "write a region code such as \"us-east-1\"",
        )
    }
}

/// Parses a CIDR that `aws:SourceIp` may use: canonical (no host bits), and a
/// public range, because `aws:SourceIp` never sees private addresses.
pub fn public_cidr(text: &str) -> Result<IpNet, Invalid> {
    let net: IpNet = text.parse().map_err(|_| {
        (
            format!("invalid CIDR {text:?}"),
            "write an address range such as \"203.0.113.0/24\"".to_string(),
        )
    })?;
    if net.trunc() != net {
        return Err((
            format!("invalid CIDR {text:?}: host bits are set"),
            format!("did you mean \"{}\"?", net.trunc()),
        ));
    }
    if net.prefix_len() == 0 {
        return Err((
            format!("CIDR {text:?} allows every address"),
            "list the organisation's public egress ranges instead".to_string(),
        ));
    }
    if let Some(kind) = non_public_kind(net.network()) {
        return Err((
            format!("CIDR {text:?} is a {kind} range, which `aws:SourceIp` never sees"),
            "use the organisation's public egress ranges here, and `vpc_endpoints` for traffic from inside a VPC"
                .to_string(),
        ));
    }
    Ok(net)
}

fn non_public_kind(address: IpAddr) -> Option<&'static str> {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            if v4.is_private() {
                Some("private (RFC 1918)")
            } else if v4.is_loopback() {
                Some("loopback")
            } else if v4.is_link_local() {
                Some("link-local")
            } else if a == 100 && (64..128).contains(&b) {
                Some("carrier-grade NAT (RFC 6598)")
            } else if v4.is_unspecified() || v4.is_broadcast() || a == 0 || a >= 224 {
                Some("reserved")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            if let Some(v4) = v6.to_ipv4_mapped() {
                non_public_kind(IpAddr::V4(v4))
            } else if v6.is_loopback() {
                Some("loopback")
            } else if v6.is_unspecified() {
                Some("reserved")
            } else if first & 0xfe00 == 0xfc00 {
                Some("unique local (RFC 4193)")
            } else if first & 0xffc0 == 0xfe80 {
                Some("link-local")
            } else {
                None
            }
        }
    }
}

pub fn vpc_endpoint_id(id: &str) -> Result<(), Invalid> {
    let hex = id.strip_prefix("vpce-").unwrap_or("");
    if (8..=17).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()) {
        Ok(())
    } else {
        invalid(
            format!("invalid VPC endpoint id {id:?}"),
            "write the endpoint id, such as \"vpce-0a1b2c3d4e5f67890\"",
        )
    }
}

/// An IAM role or user ARN (`arn:PARTITION:iam::ACCOUNT:role/NAME`).
pub fn iam_principal_arn(arn: &str) -> Result<(), Invalid> {
    let hint = "write an IAM role or user ARN, such as \"arn:aws:iam::123456789012:role/platform-admin\"";
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let valid = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "iam"
        && parts[3].is_empty()
        && account_id(parts[4]).is_ok()
        && (parts[5].starts_with("role/") || parts[5].starts_with("user/"))
        && !parts[5].contains('*');
    if valid {
        Ok(())
    } else {
        invalid(format!("invalid IAM principal ARN {arn:?}"), hint)
    }
}

/// An IAM ARN of the given resource type, such as `saml-provider` or `policy`.
pub fn iam_arn(arn: &str, resource_type: &str) -> Result<(), Invalid> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let valid = parts.len() == 6
        && parts[0] == "arn"
        && parts[2] == "iam"
        && (account_id(parts[4]).is_ok() || (resource_type == "policy" && parts[4] == "aws"))
        && parts[5]
            .strip_prefix(resource_type)
            .is_some_and(|rest| rest.len() > 1 && rest.starts_with('/'))
        && !arn.contains('*');
    if valid {
        Ok(())
    } else {
        invalid(
            format!("invalid {resource_type} ARN {arn:?}"),
            format!("write the full ARN, such as \"arn:aws:iam::123456789012:{resource_type}/NAME\""),
        )
    }
}

/// An S3 key prefix for a grant: no wildcards, because hipcloud appends `*` itself.
pub fn key_prefix(prefix: &str) -> Result<(), Invalid> {
    if prefix.is_empty() {
        return invalid(
            "empty prefix",
            "remove it to grant the whole bucket, or write a prefix such as \"deidentified/\"",
        );
    }
    if prefix.contains(['*', '?']) {
        return invalid(
            format!("prefix {prefix:?} contains a wildcard"),
            "write the literal prefix; hipcloud adds the trailing `*`",
        );
    }
    if prefix.starts_with('/') {
        return invalid(
            format!("prefix {prefix:?} starts with `/`"),
            "S3 keys have no leading slash; drop it",
        );
    }
    Ok(())
}

/// An EC2 resource id such as `subnet-0a1b2c3d` or `sg-0a1b2c3d4e5f67890`: the
/// prefix, then 8 or 17 lower-case hexadecimal digits.
fn ec2_id(id: &str, prefix: &str, what: &str) -> Result<(), Invalid> {
    let hex = id
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
        .unwrap_or("");
    if (hex.len() == 8 || hex.len() == 17) && hex.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)) {
        return Ok(());
    }
    invalid(
        format!("{id:?} is not a {what} id"),
        format!("write the id, such as \"{prefix}-0a1b2c3d4e5f67890\", not a name; the console and `aws ec2 describe-{what}s` show it", what = what.replace(' ', "-")),
    )
}

pub fn vpc_id(id: &str) -> Result<(), Invalid> {
    ec2_id(id, "vpc", "vpc")
}

/// SageMaker domain names: up to 63 letters, digits and hyphens, starting and
/// ending with a letter or digit.
pub fn sagemaker_domain_name(name: &str) -> Result<(), Invalid> {
    let valid = (1..=63).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if valid {
        Ok(())
    } else {
        invalid(
            format!("invalid SageMaker domain name {name:?}"),
            "use up to 63 letters, digits and hyphens, starting and ending with a letter or digit",
        )
    }
}

pub fn subnet_id(id: &str) -> Result<(), Invalid> {
    ec2_id(id, "subnet", "subnet")
}

pub fn security_group_id(id: &str) -> Result<(), Invalid> {
    ec2_id(id, "sg", "security group")
}

/// An availability zone name such as `us-east-1a`, in the blueprint's region.
pub fn availability_zone(zone: &str, region: &str) -> Result<(), Invalid> {
    let letter = zone.strip_prefix(region).unwrap_or("");
    if letter.len() == 1 && letter.chars().all(|c| c.is_ascii_lowercase()) {
        Ok(())
    } else {
        invalid(
            format!("invalid availability zone {zone:?} for region {region}"),
            format!("write a zone of the blueprint's region, such as \"{region}a\""),
        )
    }
}

/// A complete Secrets Manager secret ARN
/// (`arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX`). The six
/// characters Secrets Manager appends are required, because IAM matches a
/// policy resource against the complete ARN only. The value is never quoted
/// in the problem, since a mistyped secret field may hold the secret itself.
pub fn secret_arn(arn: &str) -> Result<(), Invalid> {
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    let well_formed = parts.len() == 7
        && parts[0] == "arn"
        && parts[2] == "secretsmanager"
        && region(parts[3]).is_ok()
        && account_id(parts[4]).is_ok()
        && parts[5] == "secret"
        && !arn.contains('*');
    let hint = "write the secret's complete ARN as the Secrets Manager console shows it, such as \"arn:aws:secretsmanager:us-east-1:123456789012:secret:clinical-db-AbCdEf\"";
    if !well_formed {
        return invalid(
            "invalid Secrets Manager secret ARN (the value is not shown, in case it is a secret)",
            hint,
        );
    }
    let name = parts[6];
    let suffix = name.rsplit_once('-').map(|(_, s)| s).unwrap_or("");
    if suffix.len() != 6 || !suffix.chars().all(|c| c.is_ascii_alphanumeric()) || name.len() < 8 {
        return invalid(
            "incomplete Secrets Manager secret ARN: the six characters after the last hyphen are missing, so IAM would never match it",
            hint,
        );
    }
    Ok(())
}

/// A database host name or IP address, without a scheme, port or path.
pub fn host(host: &str) -> Result<(), Invalid> {
    let valid = !host.is_empty()
        && host.len() <= 253
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && !host.starts_with(['.', '-'])
        && !host.ends_with(['.', '-']);
    if valid {
        Ok(())
    } else {
        invalid(format!("invalid host {host:?}"), "write the database's host name or IP address only, such as \"ehr-db.hospital.internal\"; hipcloud builds the JDBC URL")
    }
}

/// A database or Oracle service name for a JDBC URL.
pub fn database_name(name: &str) -> Result<(), Invalid> {
    let valid =
        !name.is_empty() && name.len() <= 128 && name.chars().all(|c| c.is_ascii_alphanumeric() || "_-.$".contains(c));
    if valid {
        Ok(())
    } else {
        invalid(
            format!("invalid database name {name:?}"),
            "use letters, digits and _ - . $ only",
        )
    }
}

/// An S3 object URL such as `s3://bucket/path/ca.pem`.
pub fn s3_object_url(url: &str) -> Result<(), Invalid> {
    let rest = url.strip_prefix("s3://").unwrap_or("");
    match rest.split_once('/') {
        Some((bucket, key)) if bucket_name(bucket).is_ok() && !key.is_empty() => Ok(()),
        _ => invalid(
            format!("invalid S3 object URL {url:?}"),
            "write the certificate's location, such as \"s3://pki-bucket/hospital-root-ca.pem\"",
        ),
    }
}

/// Characters AWS accepts in tag keys and values across S3, KMS, IAM and Glue:
/// letters, digits, white space and `_ . : / = + - @`.
fn tag_character(c: char) -> bool {
    c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c)
}

/// A tag value: at most 256 characters that every tagged service accepts.
pub fn tag_value(value: &str) -> Result<(), Invalid> {
    if value.chars().count() > 256 {
        return invalid(
            format!("tag value has {} characters, more than 256", value.chars().count()),
            "shorten the value to 256 characters",
        );
    }
    if let Some(c) = value.chars().find(|c| !tag_character(*c)) {
        return invalid(
            format!("tag value contains {c:?}, which AWS does not accept in tags"),
            "use letters, digits, spaces and _ . : / = + - @",
        );
    }
    Ok(())
}

/// A description within the cloud's length limit, without control or
/// bidirectional formatting characters, which can hide text in a plan.
pub fn description(text: &str, max: usize, latin1_only: bool) -> Result<(), Invalid> {
    let count = text.chars().count();
    if count > max {
        return invalid(
            format!("description has {count} characters, more than {max}"),
            format!("shorten it to {max} characters"),
        );
    }
    let bidi = |c: char| matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if let Some(c) = text
        .chars()
        .find(|c| (c.is_control() && *c != '\n' && *c != '\t') || bidi(*c))
    {
        return invalid(
            format!("description contains the control character {c:?}"),
            "remove control and text-direction characters",
        );
    }
    if latin1_only {
        if let Some(c) = text.chars().find(|c| *c as u32 > 0xFF) {
            return invalid(
                format!("description contains {c:?}, which IAM does not accept"),
                "IAM role descriptions take Latin-1 characters only",
            );
        }
    }
    Ok(())
}

/// Tag keys under `hipcloud:` and `aws:` are reserved.
pub fn tag_key(key: &str) -> Result<(), Invalid> {
    let lower = key.to_ascii_lowercase();
    if lower.starts_with("hipcloud:") || lower.starts_with("aws:") {
        return invalid(
            format!("tag key {key:?} uses a reserved prefix"),
            "choose a key that does not start with `hipcloud:` or `aws:`",
        );
    }
    if key.is_empty() || key.chars().count() > 128 {
        return invalid(format!("invalid tag key {key:?}"), "use 1 to 128 characters");
    }
    if let Some(c) = key.chars().find(|c| !tag_character(*c)) {
        return invalid(
            format!("tag key contains {c:?}, which AWS does not accept in tags"),
            "use letters, digits, spaces and _ . : / = + - @",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names_follow_s3_rules() {
        for name in ["phi-raw", "abc", "a1-b2-c3"] {
            assert!(bucket_name(name).is_ok(), "{name}");
        }
        for name in [
            "ab",
            "Raw",
            "phi_raw",
            "-raw",
            "raw-",
            "phi.raw",
            "xn--raw",
            "raw-s3alias",
            &"a".repeat(64),
        ] {
            assert!(bucket_name(name).is_err(), "{name}");
        }
    }

    #[test]
    fn public_cidrs_reject_private_ranges() {
        assert!(public_cidr("203.0.113.0/24").is_ok());
        assert!(public_cidr("2001:db8::/32").is_ok());
        for text in [
            "10.0.0.0/8",
            "192.168.1.0/24",
            "172.16.0.0/12",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "0.0.0.0/0",
            "fd00::/8",
            "::ffff:10.0.0.1/128",
            "::1/128",
        ] {
            assert!(public_cidr(text).is_err(), "{text}");
        }
    }

    #[test]
    fn cidr_with_host_bits_suggests_network() {
        let (_, hint) = public_cidr("203.0.113.7/24").unwrap_err();
        assert!(hint.contains("203.0.113.0/24"), "{hint}");
        assert!(public_cidr("not-a-cidr").is_err());
    }

    #[test]
    fn principal_arns_are_checked() {
        assert!(iam_principal_arn("arn:aws:iam::123456789012:role/admin").is_ok());
        assert!(iam_principal_arn("arn:aws:iam::123456789012:role/*").is_err());
        assert!(iam_principal_arn("arn:aws:s3:::bucket").is_err());
        assert!(iam_arn("arn:aws:iam::aws:policy/ReadOnlyAccess", "policy").is_ok());
        assert!(iam_arn("arn:aws:iam::123456789012:saml-provider/okta", "saml-provider").is_ok());
    }

    #[test]
    fn tags_and_descriptions_follow_aws_limits() {
        assert!(tag_value("clinical-research").is_ok());
        assert!(tag_value(&"x".repeat(257)).is_err());
        assert!(tag_value("a\u{0}b").is_err());
        assert!(tag_key("cost_center").is_ok());
        assert!(tag_key("cost\ncenter").is_err());
        assert!(description("Encrypts PHI", 1000, true).is_ok());
        assert!(description("臨床データ", 1000, true).is_err());
        assert!(description("臨床データ", 2048, false).is_ok());
        assert!(description("safe\u{202E}txt.exe", 2048, false).is_err());
        assert!(description(&"d".repeat(1001), 1000, true).is_err());
    }

    #[test]
    fn ec2_ids_reject_names() {
        assert!(subnet_id("subnet-0a1b2c3d").is_ok());
        assert!(subnet_id("subnet-0a1b2c3d4e5f67890").is_ok());
        assert!(security_group_id("sg-0a1b2c3d4e5f67890").is_ok());
        for bad in ["private-subnet-a", "subnet-XYZ", "subnet-0a1b2c3", "sg-0a1b2c3d"] {
            assert!(subnet_id(bad).is_err(), "{bad}");
        }
        assert!(security_group_id("glue-jobs").is_err());
    }

    #[test]
    fn glue_values_are_checked() {
        assert!(secret_arn("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf").is_ok());
        assert!(secret_arn("db-credentials").is_err());
        assert!(secret_arn("arn:aws:secretsmanager:us-east-1:123456789012:secret:lab/db").is_err());
        let (problem, _) = secret_arn("hunter2-is-my-password").unwrap_err();
        assert!(!problem.contains("hunter2"), "{problem}");
        assert!(availability_zone("us-east-1a", "us-east-1").is_ok());
        assert!(availability_zone("eu-west-1a", "us-east-1").is_err());
        assert!(host("ehr-db.hospital.internal").is_ok());
        assert!(host("jdbc:postgresql://db:5432").is_err());
        assert!(s3_object_url("s3://pki-bucket/root.pem").is_ok());
        assert!(s3_object_url("https://example.org/root.pem").is_err());
    }

    #[test]
    fn regions_and_accounts() {
        assert!(region("us-east-1").is_ok());
        assert!(region("us-gov-west-1").is_ok());
        assert!(region("useast1").is_err());
        assert!(account_id("123456789012").is_ok());
        assert!(account_id("12345").is_err());
    }
}
