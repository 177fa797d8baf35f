//! Reading ActionContext JSON from a file or stdin, and finding the configuration.

use std::io::Read;
use std::path::{Path, PathBuf};

use attesta::config_file::LoadedConfig;
use attesta::config_levels::{EffectivePolicy, LevelDirs, project_root_of};

use crate::cli::GlobalArgs;
use crate::error::CliError;

/// The effective configuration: the managed and user levels, then the project level — `-c FILE`
/// when given, else `attesta.yaml` (or .yml/.json/.toml) at the project root (the git root of
/// the current directory, else the directory itself) — merged so a lower level only tightens.
pub fn load_config(global: &GlobalArgs) -> Result<LoadedConfig, CliError> {
    Ok(load_policy(global)?.loaded)
}

/// [`load_config`] with the levels, refusals and self-protection set.
pub fn load_policy(global: &GlobalArgs) -> Result<EffectivePolicy, CliError> {
    let cwd = std::env::current_dir().map_err(|e| CliError::failure(format!("cannot read the current directory: {e}")))?;
    let root = project_root_of(&cwd);
    Ok(EffectivePolicy::load(&LevelDirs::from_env(), &root, global.config.as_deref())?)
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
            use std::io::{IsTerminal, Write};
            if std::io::stdin().is_terminal() {
                // Someone typed the command without input: say what it is waiting for.
                let _ = writeln!(
                    std::io::stderr(),
                    "waiting for ActionContext JSON on stdin (end with Ctrl-D), e.g.\n  \
                     {{\"function_name\": \"delete_file\", \"kwargs\": {{\"path\": \"/tmp/x\"}}, \"agent_id\": \"bot\"}}\n\
                     or pass a file: attesta evaluate call.json"
                );
            }
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
    let ctx: attesta::ActionContext = serde_json::from_value(value).map_err(|e| format!("not an ActionContext: {e}"))?;
    check_name(&ctx.function_name)?;
    Ok(ctx)
}

/// A function name must be visible text: empty, whitespace-only names and names with control or
/// invisible formatting characters are refused (they could pose as another action in the audit
/// log, or match no rule at all).
pub fn check_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("`function_name` is empty; name the action, e.g. \"delete_file\"".into());
    }
    if let Some(c) = name.chars().find(|c| c.is_control() || is_invisible(*c)) {
        return Err(format!("`function_name` contains the invisible character U+{:04X}; use plain text", c as u32));
    }
    Ok(())
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00ad}' | '\u{034f}' | '\u{061c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
        | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
        | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{ffa0}' | '\u{fff0}'..='\u{fffb}')
        || (c.is_whitespace() && c != ' ')
}

pub fn resolve_or(given: Option<&PathBuf>, default: PathBuf) -> PathBuf {
    given.cloned().unwrap_or(default)
}
