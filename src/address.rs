//! Resource addresses such as `bucket.raw`: the stable name of a resource in a
//! blueprint, in plans and in the `hipcloud:address` ownership tag.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The resource kinds a blueprint can declare, in the order plans list them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Key,
    Bucket,
    Role,
    GlueConnection,
    /// The account's Glue Data Catalog settings: one per blueprint, at
    /// `glue_catalog.settings`.
    GlueCatalog,
    SageMakerDomain,
    SageMakerUserProfile,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Key,
        Kind::Bucket,
        Kind::Role,
        Kind::GlueConnection,
        Kind::GlueCatalog,
        Kind::SageMakerDomain,
        Kind::SageMakerUserProfile,
    ];

    /// The table name of the kind in a blueprint and the first part of an address.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Key => "key",
            Kind::Bucket => "bucket",
            Kind::Role => "role",
            Kind::GlueConnection => "glue_connection",
            Kind::GlueCatalog => "glue_catalog",
            Kind::SageMakerDomain => "sagemaker_domain",
            Kind::SageMakerUserProfile => "sagemaker_user_profile",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A resource address, `kind.name`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address {
    pub kind: Kind,
    pub name: String,
}

impl Address {
    pub fn new(kind: Kind, name: impl Into<String>) -> Self {
        Address {
            kind,
            name: name.into(),
        }
    }

    /// Parses `kind.name`. Returns `None` when the kind is unknown or the name is
    /// not a valid resource name.
    pub fn parse(text: &str) -> Option<Address> {
        let (kind, name) = text.split_once('.')?;
        let kind = Kind::parse(kind)?;
        is_valid_name(name).then(|| Address::new(kind, name))
    }
}

/// Resource names are lower-case letters, digits and underscores, starting with a
/// letter, so that they fit in every cloud name hipcloud derives from them.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.len() <= 40
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.kind, self.name)
    }
}

impl Serialize for Address {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Address::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not an address")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_round_trips() {
        let address = Address::parse("bucket.phi_raw").unwrap();
        assert_eq!(address.kind, Kind::Bucket);
        assert_eq!(address.to_string(), "bucket.phi_raw");
    }

    #[test]
    fn parse_rejects_bad_addresses() {
        for text in ["bucket", "vault.x", "bucket.Raw", "bucket.1x", "bucket.a-b", ".x"] {
            assert!(Address::parse(text).is_none(), "{text} should be rejected");
        }
    }
}
