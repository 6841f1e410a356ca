//! `hipcloud show`: render a saved plan. Reads no account.

use crate::cli::{GlobalArgs, ShowArgs};
use crate::plan::markdown::Markdown;
use crate::plan::saved::SavedPlan;

use super::apply::read_saved;
use super::{plan::render, EXIT_ERROR, EXIT_OK};

pub fn run(global: &GlobalArgs, args: &ShowArgs) -> u8 {
    let Some(saved) = read_saved(global, &args.plan) else {
        return EXIT_ERROR;
    };
    let markdown = Markdown {
        full_plan_hint: SavedPlan::full_plan_hint(&args.plan),
        ..Markdown::default()
    };
    print!("{}", render(global, args.format, &markdown, &saved.plan));
    EXIT_OK
}
