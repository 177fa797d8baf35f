//! From a hook payload to the [`ActionContext`] the pipeline scores.
//!
//! The tool name becomes the function name as the agent spells it (`Bash`, `Edit`,
//! `run_shell_command`, `mcp__github__delete_repository`), so the audit log shows what the agent
//! called and the scorer's name lexicon applies. The tool input becomes the keyword arguments,
//! with two changes that let the scorer judge paths: file paths are made absolute against the
//! project directory with `~` expanded (`~/.ssh/config` and `../../etc/passwd` must look like
//! what they are), and a Codex `apply_patch` envelope is split into the files it adds, updates,
//! moves and deletes. Session, working directory and the agent's own ids go into `metadata`.

use std::path::{Component, Path, PathBuf};

use attesta_core::ActionContext;
use serde_json::{Map, Value};

use crate::payload::HookPayload;

/// Top-level tool-input keys that hold one file or directory path, across the three agents
/// (Claude Code `file_path`/`notebook_path`/`path`, Gemini `file_path`/`dir_path`/`absolute_path`).
const PATH_KEYS: &[&str] = &["file_path", "notebook_path", "absolute_path", "path", "dir_path", "directory"];
/// Keys that hold a list of paths (Gemini `read_many_files`).
const PATH_LIST_KEYS: &[&str] = &["paths", "file_paths"];

/// Where paths resolve: the project directory and the user's home.
#[derive(Debug, Clone)]
pub struct PathBase {
    pub cwd: PathBuf,
    pub home: Option<PathBuf>,
}

impl PathBase {
    /// The payload's `cwd` (else `fallback_cwd`), and `$HOME`.
    pub fn new(payload_cwd: Option<&Path>, fallback_cwd: &Path) -> Self {
        PathBase {
            cwd: payload_cwd.unwrap_or(fallback_cwd).to_path_buf(),
            home: std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from),
        }
    }

    /// Absolute, `~` expanded, `.`/`..` folded (lexically: the file may not exist yet).
    pub fn absolute(&self, raw: &str) -> PathBuf {
        let expanded = if raw == "~" {
            self.home.clone()
        } else if let Some(rest) = raw.strip_prefix("~/") {
            self.home.as_ref().map(|h| h.join(rest))
        } else {
            None
        };
        let path = expanded.unwrap_or_else(|| {
            let p = Path::new(raw);
            if p.is_absolute() { p.to_path_buf() } else { self.cwd.join(p) }
        });
        normalize(&path)
    }

    pub fn inside_project(&self, path: &Path) -> bool {
        path.starts_with(normalize(&self.cwd))
    }
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Builds the context the pipeline evaluates.
pub fn action_context(payload: &HookPayload, base: &PathBase) -> ActionContext {
    let agent = payload.agent;
    let mut outside = Vec::new();
    let kwargs = if payload.tool_name == "apply_patch" {
        apply_patch_kwargs(&payload.tool_input, base, &mut outside)
    } else {
        match &payload.tool_input {
            Value::Object(input) => absolutize_paths(input, base, &mut outside),
            other => {
                let mut map = Map::new();
                map.insert("input".into(), other.clone());
                map
            }
        }
    };

    let mut ctx = ActionContext::new(payload.tool_name.clone());
    ctx.kwargs = kwargs;
    ctx.agent_id = Some(agent.source().to_owned());
    ctx.session_id = payload.session_id.clone();

    let meta = &mut ctx.metadata;
    meta.insert("source".into(), agent.source().into());
    meta.insert("cwd".into(), base.cwd.display().to_string().into());
    meta.insert("hook_event".into(), agent.event().into());
    let mut put = |key: &str, value: &Option<String>| {
        if let Some(v) = value {
            meta.insert(key.into(), v.clone().into());
        }
    };
    put("tool_use_id", &payload.tool_use_id);
    put("transcript_path", &payload.transcript_path);
    put("permission_mode", &payload.permission_mode);
    put("turn_id", &payload.turn_id);
    put("model", &payload.model);
    put("subagent_id", &payload.subagent_id);
    if let Some((server, tool)) = mcp_parts(&payload.tool_name) {
        meta.insert("mcp_server".into(), server.into());
        meta.insert("mcp_tool".into(), tool.into());
    }
    if let Some(context) = &payload.mcp_context {
        meta.insert("mcp_context".into(), context.clone());
    }
    if !outside.is_empty() {
        meta.insert("paths_outside_project".into(), outside.into_iter().map(Value::from).collect());
    }
    ctx
}

/// `mcp__server__tool` → (`server`, `tool`). Server names may themselves hold `_`.
pub fn mcp_parts(tool_name: &str) -> Option<(&str, &str)> {
    let rest = tool_name.strip_prefix("mcp__")?;
    let (server, tool) = rest.split_once("__")?;
    (!server.is_empty() && !tool.is_empty()).then_some((server, tool))
}

fn absolutize_paths(input: &Map<String, Value>, base: &PathBase, outside: &mut Vec<String>) -> Map<String, Value> {
    let mut fix = |raw: &str| -> Value {
        if raw.trim().is_empty() {
            return Value::from(raw);
        }
        let path = base.absolute(raw);
        let shown = path.display().to_string();
        if !base.inside_project(&path) && !outside.contains(&shown) {
            outside.push(shown.clone());
        }
        Value::from(shown)
    };
    input
        .iter()
        .map(|(key, value)| {
            let value = match value {
                Value::String(raw) if PATH_KEYS.contains(&key.as_str()) => fix(raw),
                Value::Array(items) if PATH_LIST_KEYS.contains(&key.as_str()) => Value::Array(
                    items.iter().map(|item| item.as_str().map_or_else(|| item.clone(), &mut fix)).collect(),
                ),
                other => other.clone(),
            };
            (key.clone(), value)
        })
        .collect()
}

/// Codex sends the raw patch envelope in `tool_input.command`. Scoring it as a shell command
/// would be wrong, so the files it touches are listed by operation, as absolute paths.
fn apply_patch_kwargs(input: &Value, base: &PathBase, outside: &mut Vec<String>) -> Map<String, Value> {
    let patch = input
        .get("command")
        .or_else(|| input.get("patch"))
        .or_else(|| input.get("input"))
        .and_then(Value::as_str);
    let Some(patch) = patch else {
        return match input {
            Value::Object(map) => absolutize_paths(map, base, outside),
            other => Map::from_iter([("input".to_owned(), other.clone())]),
        };
    };
    let mut lists: [(&str, Vec<Value>); 4] =
        [("adds", Vec::new()), ("updates", Vec::new()), ("deletes", Vec::new()), ("moves_to", Vec::new())];
    for line in patch.lines() {
        let line = line.trim_end();
        let found = [
            ("*** Add File: ", 0),
            ("*** Update File: ", 1),
            ("*** Delete File: ", 2),
            ("*** Move to: ", 3),
        ]
        .into_iter()
        .find_map(|(prefix, slot)| line.strip_prefix(prefix).map(|p| (p.trim(), slot)));
        if let Some((raw, slot)) = found
            && !raw.is_empty()
        {
            let path = base.absolute(raw);
            let shown = path.display().to_string();
            if !base.inside_project(&path) && !outside.contains(&shown) {
                outside.push(shown.clone());
            }
            lists[slot].1.push(Value::from(shown));
        }
    }
    let mut kwargs = Map::new();
    for (key, paths) in lists {
        if !paths.is_empty() {
            kwargs.insert(key.into(), Value::Array(paths));
        }
    }
    kwargs.insert("patch".into(), Value::from(patch));
    kwargs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Agent;
    use serde_json::json;

    fn base() -> PathBase {
        PathBase { cwd: PathBuf::from("/home/u/project"), home: Some(PathBuf::from("/home/u")) }
    }

    fn payload(agent: Agent, tool: &str, input: Value) -> HookPayload {
        HookPayload::from_value(
            agent,
            json!({"session_id": "s1", "cwd": "/home/u/project", "tool_name": tool, "tool_input": input}),
        )
        .unwrap()
    }

    #[test]
    fn paths_become_absolute_and_home_is_expanded() {
        let b = base();
        assert_eq!(b.absolute("src/main.rs"), PathBuf::from("/home/u/project/src/main.rs"));
        assert_eq!(b.absolute("~/.ssh/config"), PathBuf::from("/home/u/.ssh/config"));
        assert_eq!(b.absolute("../../../etc/passwd"), PathBuf::from("/etc/passwd"));
        assert_eq!(b.absolute("/tmp/./x/../y"), PathBuf::from("/tmp/y"));
        assert!(b.inside_project(&b.absolute("src/lib.rs")));
        assert!(!b.inside_project(&b.absolute("../project-other/x")));
    }

    #[test]
    fn edit_records_path_and_project_membership() {
        let ctx = action_context(
            &payload(Agent::Gemini, "replace", json!({"file_path": "~/.ssh/config", "old_string": "a", "new_string": "b"})),
            &base(),
        );
        assert_eq!(ctx.function_name, "replace");
        assert_eq!(ctx.kwargs["file_path"], "/home/u/.ssh/config");
        assert_eq!(ctx.metadata["paths_outside_project"], json!(["/home/u/.ssh/config"]));
        assert_eq!(ctx.metadata["source"], "gemini");
        assert_eq!(ctx.session_id.as_deref(), Some("s1"));

        let inside = action_context(&payload(Agent::ClaudeCode, "Write", json!({"file_path": "/home/u/project/a.rs", "content": "x"})), &base());
        assert!(!inside.metadata.contains_key("paths_outside_project"));
        assert_eq!(inside.metadata["cwd"], "/home/u/project");
    }

    #[test]
    fn bash_command_is_kept_verbatim() {
        let ctx = action_context(&payload(Agent::ClaudeCode, "Bash", json!({"command": "rm -rf ~/x", "description": "d"})), &base());
        assert_eq!(ctx.kwargs["command"], "rm -rf ~/x");
        assert_eq!(ctx.agent_id.as_deref(), Some("claude-code"));
    }

    #[test]
    fn mcp_tools_name_their_server() {
        assert_eq!(mcp_parts("mcp__github__delete_repository"), Some(("github", "delete_repository")));
        assert_eq!(mcp_parts("mcp__my_server__do__it"), Some(("my_server", "do__it")));
        assert_eq!(mcp_parts("Bash"), None);
        let ctx = action_context(&payload(Agent::Codex, "mcp__fs__write", json!({"path": "/etc/hosts"})), &base());
        assert_eq!(ctx.metadata["mcp_server"], "fs");
        assert_eq!(ctx.kwargs["path"], "/etc/hosts");
    }

    #[test]
    fn codex_apply_patch_lists_files_by_operation() {
        let patch = "*** Begin Patch\n*** Update File: src/lib.rs\n@@\n-a\n+b\n*** Delete File: ~/.bashrc\n*** Add File: notes.md\n+hi\n*** End Patch\n";
        let ctx = action_context(&payload(Agent::Codex, "apply_patch", json!({"command": patch})), &base());
        assert_eq!(ctx.kwargs["updates"], json!(["/home/u/project/src/lib.rs"]));
        assert_eq!(ctx.kwargs["deletes"], json!(["/home/u/.bashrc"]));
        assert_eq!(ctx.kwargs["adds"], json!(["/home/u/project/notes.md"]));
        assert_eq!(ctx.kwargs["patch"], patch);
        assert_eq!(ctx.metadata["paths_outside_project"], json!(["/home/u/.bashrc"]));
    }

    #[test]
    fn non_object_input_is_kept() {
        let ctx = action_context(&payload(Agent::Codex, "custom", json!("raw text")), &base());
        assert_eq!(ctx.kwargs["input"], "raw text");
    }
}
