//! Where the hook's policy comes from: the anchored levels (managed, user, project), with the
//! project root taken from the hook command (`--project`, recorded by `hook install`) or the
//! git root of the agent's working directory — never a directory the agent reached with `cd`.

use std::path::{Path, PathBuf};

use attesta::config_levels::{EffectivePolicy, LevelDirs, project_root_of};

/// The project root: the recorded one, else the git root of `cwd`, else `cwd`.
pub fn project_root(recorded: Option<&Path>, cwd: &Path) -> PathBuf {
    match recorded {
        Some(dir) => dir.to_path_buf(),
        None => project_root_of(cwd),
    }
}

/// Loads the effective policy for a hook call. Errors are messages for a denial.
pub fn load(explicit: Option<&Path>, recorded: Option<&Path>, cwd: &Path) -> Result<EffectivePolicy, String> {
    let root = project_root(recorded, cwd);
    EffectivePolicy::load(&LevelDirs::from_env(), &root, explicit).map_err(|e| format!("configuration error: {e}"))
}

/// Records where symbolic links among the call's paths really point (`metadata.resolved_paths`),
/// so a link planted earlier (`notes.json -> .claude/settings.json`) cannot hide a protected
/// file from the self-protection check. Only existing paths are resolved; nothing is written.
pub fn record_link_targets(ctx: &mut attesta::ActionContext, cwd: &Path) {
    let mut candidates: Vec<String> = Vec::new();
    let mut collect = |value: &serde_json::Value| {
        let mut stack = vec![value];
        while let Some(v) = stack.pop() {
            match v {
                serde_json::Value::String(s) if s.len() < 4096 && !s.contains('\n') => candidates.push(s.clone()),
                serde_json::Value::String(s) if s.len() < 65536 => {
                    // A command: its whitespace-separated words.
                    candidates.extend(s.split_whitespace().map(|w| w.trim_matches(['\'', '"', ';', '&', '|', '>', '<']).to_owned()));
                }
                serde_json::Value::Array(items) => stack.extend(items.iter()),
                serde_json::Value::Object(map) => stack.extend(map.values()),
                _ => {}
            }
        }
    };
    for value in ctx.kwargs.values() {
        collect(value);
    }
    let mut resolved = Vec::new();
    for raw in candidates.iter().flat_map(|c| std::iter::once(c.as_str()).chain(c.split_whitespace())).take(512) {
        let raw = raw.trim_matches(['\'', '"', ';', '&', '|', '>', '<']);
        if raw.is_empty() {
            continue;
        }
        let path = if Path::new(raw).is_absolute() { PathBuf::from(raw) } else { cwd.join(raw) };
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        let through_link = meta.file_type().is_symlink() || path.ancestors().skip(1).any(|a| a.is_symlink());
        if !through_link {
            continue;
        }
        if let Ok(target) = std::fs::canonicalize(&path) {
            let shown = serde_json::Value::from(target.display().to_string());
            if !resolved.contains(&shown) {
                resolved.push(shown);
            }
        }
    }
    if !resolved.is_empty() {
        ctx.metadata.insert("resolved_paths".into(), serde_json::Value::Array(resolved));
    }
}
