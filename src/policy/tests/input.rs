//! The input document: order, lines, states, canonical values and tags.

use std::collections::BTreeMap;

use serde_json::json;

use crate::address::{Address, Kind};
use crate::blueprint::load_file;
use crate::policy::{build_input, BlueprintFacts};
use crate::state::{Desired, FieldValue, Observed};

fn facts() -> BlueprintFacts {
    BlueprintFacts {
        name: "lab".into(),
        account: "123456789012".into(),
        region: "us-east-1".into(),
        file: "lab.toml".into(),
        lines: BTreeMap::from([(Address::new(Kind::Role, "etl"), 12)]),
    }
}

fn desired(address: &Address, fields: Vec<(String, FieldValue)>) -> Desired {
    Desired {
        address: address.clone(),
        cloud_name: address.name.clone(),
        fields,
        tags: BTreeMap::from([("team".to_string(), "lab".to_string())]),
        immutable: &[],
    }
}

#[test]
fn input_lists_resources_by_address_text() {
    let role = Address::new(Kind::Role, "etl");
    let key = Address::new(Kind::Key, "phi");
    let bucket = Address::new(Kind::Bucket, "raw");
    let desired = BTreeMap::from([
        (role.clone(), desired(&role, vec![])),
        (key.clone(), desired(&key, vec![])),
    ]);
    let observed = BTreeMap::from([(
        bucket.clone(),
        Observed::new(bucket.clone(), "lab-raw", vec![], BTreeMap::new()),
    )]);

    let input = build_input(&facts(), Some(&desired), Some(&observed));

    let addresses: Vec<&str> = input["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["address"].as_str().unwrap())
        .collect();
    assert_eq!(addresses, ["bucket.raw", "key.phi", "role.etl"]);
    assert_eq!(
        input["blueprint"],
        json!({"name": "lab", "account": "123456789012", "region": "us-east-1", "file": "lab.toml"})
    );
}

#[test]
fn input_marks_missing_states_null() {
    let bucket = Address::new(Kind::Bucket, "raw");
    let observed = BTreeMap::from([(
        bucket.clone(),
        Observed::new(bucket.clone(), "lab-raw", vec![], BTreeMap::new()),
    )]);

    let input = build_input(&facts(), None, Some(&observed));

    let entry = &input["resources"][0];
    assert_eq!(entry["kind"], "bucket");
    assert_eq!(entry["name"], "raw");
    assert_eq!(entry["desired"], json!(null));
    assert_eq!(entry["live"], json!({"tags": {}}));
    assert_eq!(entry["cloud_id"], "lab-raw");
    assert_eq!(entry["line"], json!(null));
}

#[test]
fn input_uses_display_form_and_tags() {
    let role = Address::new(Kind::Role, "etl");
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::lab-raw/*"}
    });
    let fields = vec![
        ("name".to_string(), FieldValue::Json(json!("lab-etl"))),
        ("inline_policy.hipcloud-grants".to_string(), FieldValue::Policy(policy)),
    ];
    let desired = BTreeMap::from([(role.clone(), desired(&role, fields))]);

    let input = build_input(&facts(), Some(&desired), None);

    let entry = &input["resources"][0];
    assert_eq!(entry["line"], 12);
    assert_eq!(entry["live"], json!(null));
    assert_eq!(entry["cloud_id"], json!(null));
    assert_eq!(entry["desired"]["name"], "lab-etl");
    assert_eq!(entry["desired"]["tags"], json!({"team": "lab"}));
    let statement = &entry["desired"]["inline_policy.hipcloud-grants"]["Statement"][0];
    assert_eq!(statement["Action"], json!(["s3:GetObject"]));
    assert_eq!(statement["Resource"], json!(["arn:aws:s3:::lab-raw/*"]));
}

#[test]
fn facts_give_table_header_lines() {
    let blueprint = load_file("blueprints/research-lab.toml", None).unwrap();
    let text = &blueprint.source.text;
    let line_of = |header: &str| text.lines().position(|l| l.trim() == header).unwrap() + 1;

    let facts = BlueprintFacts::from_blueprint(&blueprint);

    assert_eq!(facts.name, "research-lab");
    assert_eq!(facts.file, "blueprints/research-lab.toml");
    assert_eq!(facts.lines[&Address::new(Kind::Key, "phi")], line_of("[key.phi]"));
    assert_eq!(facts.lines[&Address::new(Kind::Bucket, "raw")], line_of("[bucket.raw]"));
    assert_eq!(
        facts.lines[&Address::new(Kind::Role, "analyst")],
        line_of("[role.analyst]")
    );
}
