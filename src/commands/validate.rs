//! `hipcloud validate`: every check that needs no cloud call.

use crate::blueprint;
use crate::cli::{BlueprintArg, GlobalArgs};

use super::{load, EXIT_ERROR, EXIT_OK};

pub fn run(global: &GlobalArgs, args: &BlueprintArg) -> u8 {
    let Some(base) = load(global, &args.blueprint) else { return EXIT_ERROR };

    // Without --env, every environment's overrides are checked too.
    let mut checked = vec![match &base.env {
        Some(env) => format!("environment {env}"),
        None => "base".to_string(),
    }];
    if global.env.is_none() {
        for env in blueprint::environments(&base.source) {
            let with_env = GlobalArgs { env: Some(env.clone()), color: global.color, verbose: global.verbose };
            if load(&with_env, &args.blueprint).is_none() {
                return EXIT_ERROR;
            }
            checked.push(format!("environment {env}"));
        }
    }
    println!(
        "{} is valid ({}): {} key(s), {} bucket(s), {} role(s), {} Glue connection(s).",
        args.blueprint.display(),
        checked.join(", "),
        base.keys.len(),
        base.buckets.len(),
        base.roles.len(),
        base.glue_connections.len()
    );
    EXIT_OK
}
