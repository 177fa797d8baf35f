//! `attesta version`.

use std::io::Write;

use crate::cli::GlobalArgs;
use crate::error::{CliResult, Exit};

pub fn run(global: &GlobalArgs) -> CliResult {
    let version = env!("CARGO_PKG_VERSION");
    let mut out = std::io::stdout().lock();
    if global.json {
        writeln!(out, "{}", serde_json::json!({"name": "attesta", "version": version}))?;
    } else {
        writeln!(out, "attesta {version}")?;
    }
    Ok(Exit::Ok)
}
