//! Reading ActionContext JSON from a file or stdin, and finding the configuration.

use std::io::Read;
use std::path::{Path, PathBuf};

use attesta::config_file::LoadedConfig;

use crate::cli::GlobalArgs;
use crate::error::CliError;

/// `-c FILE` when given, else `./attesta.yaml` (or .yml/.json/.toml) when present, else defaults
/// with paths relative to the current directory.
pub fn load_config(global: &GlobalArgs) -> Result<LoadedConfig, CliError> {
    let cwd = std::env::current_dir().map_err(|e| CliError::failure(format!("cannot read the current directory: {e}")))?;
    match &global.config {
        Some(path) => Ok(LoadedConfig::load(path)?),
        None => Ok(LoadedConfig::discover(&cwd)?.unwrap_or_else(|| LoadedConfig::defaults(cwd))),
    }
}

/// Reads the whole input: a file path, or stdin for `-`/none.
pub fn read_input(input: Option<&Path>) -> Result<(String, String), CliError> {
    match input {
        Some(path) if path != Path::new("-") => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                CliError::usage(format!("cannot read {}: {e}", path.display()))
            })?;
            Ok((text, path.display().to_string()))
        }
        _ => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| CliError::usage(format!("cannot read standard input: {e}")))?;
            Ok((text, "<stdin>".into()))
        }
    }
}

/// One JSON value of the input with the line it started on.
pub struct Record {
    pub line: usize,
    pub value: Result<serde_json::Value, String>,
}

/// Splits input into records: a JSON array (each element a record) or JSON Lines (blank lines
/// skipped). A malformed line is one failed record; the others still count.
pub fn records(text: &str) -> Vec<Record> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        let offset_lines = text[..text.len() - trimmed.len()].matches('\n').count();
        return match serde_json::from_str::<Vec<serde_json::Value>>(text) {
            Ok(items) => items.into_iter().enumerate().map(|(i, v)| Record { line: i + 1, value: Ok(v) }).collect(),
            Err(e) => vec![Record { line: offset_lines + e.line(), value: Err(format!("invalid JSON array: {e}")) }],
        };
    }
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| Record { line: i + 1, value: serde_json::from_str(l).map_err(|e| format!("invalid JSON: {e}")) })
        .collect()
}

/// Turns a JSON value into an ActionContext, with a message that says what is expected.
pub fn action_context(value: serde_json::Value) -> Result<attesta::ActionContext, String> {
    if !value.is_object() {
        return Err("expected an ActionContext object like {\"function_name\": \"delete_file\", \"kwargs\": {…}}".into());
    }
    serde_json::from_value(value).map_err(|e| format!("not an ActionContext: {e}"))
}

pub fn resolve_or(given: Option<&PathBuf>, default: PathBuf) -> PathBuf {
    given.cloned().unwrap_or(default)
}
