//! `hipcloud show`: render a saved plan. Reads no account.

use crate::cli::{GlobalArgs, ShowArgs};
use crate::plan::markdown::Markdown;
use crate::plan::saved::SavedPlan;

use super::{plan::render, print_error, EXIT_ERROR, EXIT_OK};

pub fn run(global: &GlobalArgs, args: &ShowArgs) -> u8 {
    let saved = match SavedPlan::read(&args.plan) {
        Ok(saved) => saved,
        Err(error) => {
            print_error(
                global,
                &error.to_string(),
                Some("pass a plan file written by `hipcloud plan --out`, or make the plan again with this hipcloud"),
            );
            return EXIT_ERROR;
        }
    };
    let markdown = Markdown {
        full_plan_hint: SavedPlan::full_plan_hint(&args.plan),
        ..Markdown::default()
    };
    print!("{}", render(global, args.format, &markdown, &saved.plan));
    EXIT_OK
}
