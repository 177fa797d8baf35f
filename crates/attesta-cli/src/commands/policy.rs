//! `attesta policy show`: the effective policy, merged from the managed, user and project
//! levels, with the source of every value and what a lower level was refused.

use std::io::Write;

use attesta::config_levels::{EffectivePolicy, LevelDirs, LevelKind, project_root_of};
use serde_json::{Value, json};

use crate::cli::{GlobalArgs, PolicyCommand};
use crate::error::{CliError, CliResult, Exit};

pub fn run(global: &GlobalArgs, command: PolicyCommand) -> CliResult {
    match command {
        PolicyCommand::Show { project } => show(global, project),
    }
}

fn show(global: &GlobalArgs, project: Option<std::path::PathBuf>) -> CliResult {
    let cwd = std::env::current_dir().map_err(|e| CliError::failure(format!("cannot read the current directory: {e}")))?;
    let root = match project {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => cwd.join(dir),
        None => project_root_of(&cwd),
    };
    let dirs = LevelDirs::from_env();
    let policy = EffectivePolicy::load(&dirs, &root, global.config.as_deref())?;
    let values = policy.sources();
    let mut out = std::io::stdout().lock();
    if global.json {
        let levels: Vec<Value> = level_rows(&policy, &dirs)
            .into_iter()
            .map(|(kind, file)| json!({"level": kind, "file": file}))
            .collect();
        let values: Vec<Value> = values.iter().map(|(k, v, s)| json!({"key": k, "value": v, "source": s})).collect();
        let refused: Vec<Value> = policy
            .rejected
            .iter()
            .map(|r| json!({"level": r.level.as_str(), "file": r.file.display().to_string(), "key": r.key, "reason": r.why}))
            .collect();
        let doc = json!({"project_root": root.display().to_string(), "levels": levels, "values": values, "refused": refused});
        writeln!(out, "{}", serde_json::to_string_pretty(&doc).map_err(|e| CliError::failure(e.to_string()))?)?;
        return Ok(Exit::Ok);
    }
    writeln!(out, "Effective policy for project root {}", root.display())?;
    writeln!(out, "\nLevels (a lower level may only tighten):")?;
    for (kind, file) in level_rows(&policy, &dirs) {
        writeln!(out, "  {kind:<8} {file}")?;
    }
    writeln!(out, "\nValues:")?;
    let width = values.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
    for (key, value, source) in &values {
        let shown = serde_json::to_string(value).unwrap_or_default();
        writeln!(out, "  {key:<width$} = {shown}  [{source}]")?;
    }
    if !policy.rejected.is_empty() {
        writeln!(out, "\nRefused (would loosen a higher level):")?;
        for r in &policy.rejected {
            writeln!(out, "  {} {}: {} — {}", r.level.as_str(), r.file.display(), r.key, r.why)?;
        }
    }
    writeln!(
        out,
        "\nSelf-protection: Attesta's configuration, audit, trust, checkpoint and lock files and the agents' hook, \
         settings and MCP files are always CRITICAL to change (see docs/configuration.md)."
    )?;
    Ok(Exit::Ok)
}

/// Each level with its file, or where it was looked for.
fn level_rows(policy: &EffectivePolicy, dirs: &LevelDirs) -> Vec<(&'static str, String)> {
    let file_of = |kind: LevelKind| {
        policy.levels.iter().find(|l| l.kind == kind).and_then(|l| l.loaded.path.as_ref()).map(|p| p.display().to_string())
    };
    let none = |dir: Option<&std::path::Path>| match dir {
        Some(d) => format!("(none in {})", d.display()),
        None => "(none: no home directory)".to_owned(),
    };
    vec![
        ("managed", file_of(LevelKind::Managed).unwrap_or_else(|| none(Some(&dirs.managed)))),
        ("user", file_of(LevelKind::User).unwrap_or_else(|| none(dirs.user.as_deref()))),
        ("project", file_of(LevelKind::Project).unwrap_or_else(|| none(Some(&policy.project_root)))),
    ]
}
