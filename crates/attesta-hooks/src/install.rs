//! `attesta hook install|uninstall`: adding the hook to an agent's settings file, and taking it
//! out again.
//!
//! All three agents read the same shape, `{"hooks": {"<Event>": [{"matcher"?, "hooks": [handler]}]}}`:
//! Claude Code in `.claude/settings.json`, Codex in `.codex/hooks.json`, Gemini CLI in
//! `.gemini/settings.json` (project), or the same files under the home directory (user).
//!
//! Safety rules: the file is parsed before anything is written (a file Attesta cannot parse
//! exactly — Gemini's settings may hold comments — is refused, never rewritten); unrelated keys
//! and their order are kept; the indentation and final newline are kept; a timestamped backup
//! is written before every change; the new file replaces the old one atomically; installing
//! twice changes nothing; uninstall removes only handlers that run `attesta hook <agent>` and
//! the containers that became empty because of it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::Agent;

/// Seconds an agent waits for the hook. Longer than the default `policy.timeout_seconds` (300)
/// so that the pipeline's own timeout (which records the decision) fires first.
pub const HOOK_TIMEOUT_SECONDS: u64 = 600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The project's settings (`<project>/.claude/settings.json` …), shared with the team.
    Project,
    /// The user's settings (`~/.claude/settings.json` …), every project on this machine.
    User,
    /// Claude Code's personal project settings (`.claude/settings.local.json`, not committed).
    Local,
}

#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error(
        "{path} is not plain JSON ({reason}); Attesta will not rewrite a file it cannot parse exactly \
         (comments would be lost). Add this handler by hand under \"hooks\" → \"{event}\":\n{snippet}"
    )]
    Unparsable { path: PathBuf, reason: String, event: &'static str, snippet: String },
    #[error("{path}: `{key}` is {found}, expected {expected}; fix it by hand, then run this again")]
    Shape { path: PathBuf, key: String, found: &'static str, expected: &'static str },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot find the home directory (HOME is not set); use --project")]
    NoHome,
    #[error("{agent} has no personal project settings file; --local is for Claude Code (.claude/settings.local.json)")]
    LocalUnsupported { agent: &'static str },
}

/// What an install or uninstall did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// The handler was added.
    Installed,
    /// An Attesta handler was there with different settings (another binary path …) and was
    /// replaced.
    Updated,
    /// Already exactly as wanted; the file was not touched.
    Unchanged,
    /// The handler was removed.
    Removed,
    /// There was no Attesta handler to remove; the file was not touched.
    NotInstalled,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub agent: &'static str,
    pub path: PathBuf,
    pub change: Change,
    /// The copy of the previous file, when one was written.
    pub backup: Option<PathBuf>,
    /// The file was removed because only Attesta's entry was in it.
    pub removed_file: bool,
}

/// The settings file for an agent and scope.
pub fn settings_path(agent: Agent, scope: Scope, project: &Path) -> Result<PathBuf, InstallError> {
    let home = || std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from).ok_or(InstallError::NoHome);
    Ok(match (agent, scope) {
        (Agent::ClaudeCode, Scope::Project) => project.join(".claude").join("settings.json"),
        (Agent::ClaudeCode, Scope::Local) => project.join(".claude").join("settings.local.json"),
        (_, Scope::Local) => return Err(InstallError::LocalUnsupported { agent: agent.display_name() }),
        (Agent::ClaudeCode, Scope::User) => home()?.join(".claude").join("settings.json"),
        (Agent::Codex, Scope::Project) => project.join(".codex").join("hooks.json"),
        (Agent::Codex, Scope::User) => match std::env::var_os("CODEX_HOME").filter(|h| !h.is_empty()) {
            Some(codex_home) => PathBuf::from(codex_home).join("hooks.json"),
            None => home()?.join(".codex").join("hooks.json"),
        },
        (Agent::Gemini, Scope::Project) => project.join(".gemini").join("settings.json"),
        (Agent::Gemini, Scope::User) => home()?.join(".gemini").join("settings.json"),
    })
}

/// The command line the agent runs:
/// `<program> hook <agent> [--config FILE] [--project DIR] --deadline SECS`, shell-quoted.
/// `--project` anchors the project level so a `cd` by the agent cannot change which policy
/// applies; `--deadline` keeps Attesta's answer inside the agent's hook timeout.
pub fn hook_command(agent: Agent, program: &str, config: Option<&Path>, project: Option<&Path>) -> String {
    let mut command = format!("{} hook {}", shell_quote(program), agent.source());
    if let Some(config) = config {
        command.push_str(" --config ");
        command.push_str(&shell_quote(&config.display().to_string()));
    }
    if let Some(project) = project {
        command.push_str(" --project ");
        command.push_str(&shell_quote(&project.display().to_string()));
    }
    command.push_str(&format!(" --deadline {}", crate::deadline::DEFAULT_DEADLINE_SECONDS));
    command
}

/// The handler object in the agent's own field names.
pub fn handler(agent: Agent, command: &str) -> Value {
    match agent {
        // `onFailure: block` (Claude Code 2.1.295+) makes a hook that crashes or times out block
        // the call instead of letting it through.
        Agent::ClaudeCode => json!({
            "type": "command",
            "command": command,
            "timeout": HOOK_TIMEOUT_SECONDS,
            "onFailure": "block",
        }),
        Agent::Codex => json!({
            "type": "command",
            "command": command,
            "timeout": HOOK_TIMEOUT_SECONDS,
            "statusMessage": "Attesta: checking the tool call",
        }),
        // Gemini counts its timeout in milliseconds.
        Agent::Gemini => json!({
            "name": "attesta",
            "type": "command",
            "command": command,
            "timeout": HOOK_TIMEOUT_SECONDS * 1000,
            "description": "Attesta: risk-scored human approval before each tool call",
        }),
    }
}

/// Whether a handler runs `attesta … hook <agent>` (the ones install adds and uninstall removes).
pub fn is_attesta_handler(agent: Agent, handler: &Value) -> bool {
    let Some(command) = handler.get("command").and_then(Value::as_str) else {
        return false;
    };
    let words = shell_words(command);
    let Some(program) = words.first() else {
        return false;
    };
    let name = Path::new(program).file_name().and_then(|n| n.to_str()).unwrap_or(program);
    let name = name.strip_suffix(".exe").unwrap_or(name);
    name == "attesta" && words.windows(2).any(|w| w[0] == "hook" && w[1] == agent.source())
}

<<<<<<< HEAD
/// The events Attesta registers for: the gate's pre-tool event first, then the context events
/// that feed the session (the user's prompt, the tool results).
pub fn events(agent: Agent) -> [&'static str; 3] {
    match agent {
        Agent::ClaudeCode | Agent::Codex => ["PreToolUse", "UserPromptSubmit", "PostToolUse"],
        Agent::Gemini => ["BeforeTool", "BeforeAgent", "AfterTool"],
    }
}
=======
/// Adds `.attesta/` to `<project>/.gitignore` when the project is a git repository and the
/// line is not there yet (the audit log and trust store are local state). Returns whether it
/// changed the file.
pub fn ignore_state_dir(project: &Path) -> Result<bool, InstallError> {
    if !project.join(".git").exists() {
        return Ok(false);
    }
    let path = project.join(".gitignore");
    let existing = read_existing(&path)?.unwrap_or_default();
    if existing.lines().any(|l| matches!(l.trim(), ".attesta" | ".attesta/" | "/.attesta" | "/.attesta/")) {
        return Ok(false);
    }
    let mut text = existing;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("# Attesta's local state: audit log, trust store, locks\n.attesta/\n");
    write_atomic(&path, &text, &path)?;
    Ok(true)
}

/// Adds (or refreshes) the Attesta handler in `path`.
pub fn install(agent: Agent, path: &Path, command: &str) -> Result<Report, InstallError> {
    let existing = read_existing(path)?;
    let wanted = handler(agent, command);
    let (mut root, format) = match &existing {
        Some(text) => parse(agent, path, text, &wanted)?,
        None => (Map::new(), Format::default()),
    };
>>>>>>> i12

/// Adds (or refreshes) the Attesta handler for `event` in `root`.
fn install_event(agent: Agent, root: &mut Map<String, Value>, event: &str, wanted: &Value, path: &Path) -> Result<Change, InstallError> {
    let hooks = object_entry(root, "hooks", path, "hooks")?;
    let groups = array_entry(hooks, event, path, &format!("hooks.{event}"))?;
    let mut change = Change::Installed;
    let mut found = false;
    for group in groups.iter_mut() {
        let Some(handlers) = group.get_mut("hooks").and_then(Value::as_array_mut) else {
            continue;
        };
        let mut i = 0;
        while i < handlers.len() {
            if is_attesta_handler(agent, &handlers[i]) {
                if found {
                    // A second copy (hand-edited file): keep exactly one.
                    handlers.remove(i);
                    change = Change::Updated;
                    continue;
                }
                found = true;
                if handlers[i] == *wanted {
                    change = Change::Unchanged;
                } else {
                    handlers[i] = wanted.clone();
                    change = Change::Updated;
                }
            }
            i += 1;
        }
    }
    if !found {
        groups.push(json!({ "hooks": [wanted] }));
        change = Change::Installed;
    }
    Ok(change)
}

/// Adds (or refreshes) the Attesta handler in `path`, for the gate's event and the session
/// context events ([`events`]).
pub fn install(agent: Agent, path: &Path, command: &str) -> Result<Report, InstallError> {
    let existing = read_existing(path)?;
    let wanted = handler(agent, command);
    let (mut root, format) = match &existing {
        Some(text) => parse(agent, path, text, &wanted)?,
        None => (Map::new(), Format::default()),
    };
    let mut changes = Vec::new();
    for event in events(agent) {
        changes.push(install_event(agent, &mut root, event, &wanted, path)?);
    }
    // Installed when the gate itself was missing; unchanged only when nothing changed.
    let change = if changes[0] == Change::Installed {
        Change::Installed
    } else if changes.iter().all(|c| *c == Change::Unchanged) {
        Change::Unchanged
    } else {
        Change::Updated
    };
    if change == Change::Unchanged {
        return Ok(Report { agent: agent.source(), path: path.to_path_buf(), change, backup: None, removed_file: false });
    }
    let backup = write_with_backup(path, existing.as_deref(), &render(&root, &format))?;
    Ok(Report { agent: agent.source(), path: path.to_path_buf(), change, backup, removed_file: false })
}

/// Removes Attesta's handlers (only those) from `path`.
pub fn uninstall(agent: Agent, path: &Path) -> Result<Report, InstallError> {
    let not_installed =
        || Report { agent: agent.source(), path: path.to_path_buf(), change: Change::NotInstalled, backup: None, removed_file: false };
    let Some(text) = read_existing(path)? else {
        return Ok(not_installed());
    };
    let (mut root, format) = parse(agent, path, &text, &handler(agent, "attesta"))?;
    let mut removed = false;
    let mut hooks_now_empty = false;
    for event in events(agent) {
        let Some(Value::Object(hooks)) = root.get_mut("hooks") else {
            break;
        };
        let mut event_now_empty = false;
        if let Some(Value::Array(groups)) = hooks.get_mut(event) {
            groups.retain_mut(|group| {
                let Some(handlers) = group.get_mut("hooks").and_then(Value::as_array_mut) else {
                    return true;
                };
                let before = handlers.len();
                handlers.retain(|h| !is_attesta_handler(agent, h));
                if handlers.len() == before {
                    return true;
                }
                removed = true;
                // Drop a group only when Attesta's handlers were all it held.
                !handlers.is_empty()
            });
            event_now_empty = groups.is_empty();
        }
        if removed && event_now_empty {
            hooks.remove(event);
        }
        hooks_now_empty = hooks.is_empty();
    }
    if !removed {
        return Ok(not_installed());
    }
    if hooks_now_empty {
        root.remove("hooks");
    }
    if root.is_empty() {
        // The file held nothing but Attesta's hook: put things back as they were, no file.
        let backup = backup_copy(path, &text)?;
        fs::remove_file(path).map_err(|source| InstallError::Write { path: path.to_path_buf(), source })?;
        return Ok(Report { agent: agent.source(), path: path.to_path_buf(), change: Change::Removed, backup: Some(backup), removed_file: true });
    }
    let backup = write_with_backup(path, Some(&text), &render(&root, &format))?;
    Ok(Report { agent: agent.source(), path: path.to_path_buf(), change: Change::Removed, backup, removed_file: false })
}

/// How the existing file was laid out, so a rewrite looks like the original.
#[derive(Debug, Clone)]
struct Format {
    indent: String,
    trailing_newline: bool,
}

impl Default for Format {
    fn default() -> Self {
        Format { indent: "  ".into(), trailing_newline: true }
    }
}

fn read_existing(path: &Path) -> Result<Option<String>, InstallError> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(InstallError::Read { path: path.to_path_buf(), source }),
    }
}

fn parse(agent: Agent, path: &Path, text: &str, wanted: &Value) -> Result<(Map<String, Value>, Format), InstallError> {
    let format = Format {
        indent: detect_indent(text),
        trailing_newline: text.ends_with('\n') || text.trim().is_empty(),
    };
    if text.trim().is_empty() {
        return Ok((Map::new(), format));
    }
    let unparsable = |reason: String| InstallError::Unparsable {
        path: path.to_path_buf(),
        reason,
        event: agent.event(),
        snippet: serde_json::to_string_pretty(&json!({ "hooks": [wanted] })).unwrap_or_default(),
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(root)) => Ok((root, format)),
        Ok(_) => Err(InstallError::Shape { path: path.to_path_buf(), key: "(top level)".into(), found: "not an object", expected: "a JSON object" }),
        Err(e) => Err(unparsable(e.to_string())),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn object_entry<'a>(map: &'a mut Map<String, Value>, key: &str, path: &Path, shown: &str) -> Result<&'a mut Map<String, Value>, InstallError> {
    let value = map.entry(key.to_owned()).or_insert_with(|| Value::Object(Map::new()));
    let found = kind(value);
    value.as_object_mut().ok_or_else(|| InstallError::Shape { path: path.to_path_buf(), key: shown.into(), found, expected: "an object" })
}

fn array_entry<'a>(map: &'a mut Map<String, Value>, key: &str, path: &Path, shown: &str) -> Result<&'a mut Vec<Value>, InstallError> {
    let value = map.entry(key.to_owned()).or_insert_with(|| Value::Array(Vec::new()));
    let found = kind(value);
    value.as_array_mut().ok_or_else(|| InstallError::Shape { path: path.to_path_buf(), key: shown.into(), found, expected: "an array" })
}

fn detect_indent(text: &str) -> String {
    for line in text.lines().skip(1) {
        let ws: String = line.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
        if !ws.is_empty() && !line.trim().is_empty() {
            return if ws.starts_with('\t') { "\t".into() } else { ws };
        }
    }
    "  ".into()
}

fn render(root: &Map<String, Value>, format: &Format) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(format.indent.as_bytes());
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    // Serialising a map of JSON values cannot fail.
    let _ = root.serialize(&mut serializer);
    let mut text = String::from_utf8(out).unwrap_or_default();
    if format.trailing_newline {
        text.push('\n');
    }
    text
}

fn backup_copy(path: &Path, old: &str) -> Result<PathBuf, InstallError> {
    // One backup per file, replaced by the next change: backups do not pile up.
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("settings.json");
    let backup = path.with_file_name(format!("{name}.attesta-backup"));
    write_atomic(&backup, old, path)?;
    Ok(backup)
}

fn write_with_backup(path: &Path, old: Option<&str>, new: &str) -> Result<Option<PathBuf>, InstallError> {
    let backup = match old {
        Some(old) => Some(backup_copy(path, old)?),
        None => None,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|source| InstallError::Write { path: parent.to_path_buf(), source })?;
    }
    write_atomic(path, new, path)?;
    Ok(backup)
}

/// Write to a temporary file beside `path`, flush it to disk, then rename over `path`, keeping
/// the permissions of `like` when it exists (settings may be private).
fn write_atomic(path: &Path, text: &str, like: &Path) -> Result<(), InstallError> {
    let err = |source| InstallError::Write { path: path.to_path_buf(), source };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("settings");
    let tmp = path.with_file_name(format!(".{name}.attesta-tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        if let Ok(meta) = fs::metadata(like) {
            fs::set_permissions(&tmp, meta.permissions())?;
        }
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(err)
}

fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-+:=@,%".contains(&b));
    if plain { word.to_owned() } else { format!("'{}'", word.replace('\'', "'\\''")) }
}

/// Splits a command line into words (POSIX quoting, enough to recognise our own command).
fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    current.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                current.push(n);
                            }
                        }
                        _ => current.push(q),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    current.push(n);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                current.push(c);
            }
        }
    }
    if in_word {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_its_own_command_only() {
        let cmd = hook_command(Agent::ClaudeCode, "/opt/my tools/attesta", Some(Path::new("/p/attesta.yaml")), Some(Path::new("/p")));
        assert_eq!(cmd, "'/opt/my tools/attesta' hook claude-code --config /p/attesta.yaml");
        assert!(is_attesta_handler(Agent::ClaudeCode, &json!({"command": cmd})));
        assert!(!is_attesta_handler(Agent::Codex, &json!({"command": cmd})));
        assert!(is_attesta_handler(Agent::Gemini, &json!({"command": "attesta hook gemini"})));
        assert!(!is_attesta_handler(Agent::Gemini, &json!({"command": "my-attesta-wrapper hook gemini"})));
        assert!(!is_attesta_handler(Agent::ClaudeCode, &json!({"command": "echo attesta hook claude-code"})));
        assert!(!is_attesta_handler(Agent::ClaudeCode, &json!({"type": "prompt"})));
    }

    #[test]
    fn shell_words_handle_quotes() {
        assert_eq!(shell_words(r#"a 'b c' "d \"e\"" f\ g"#), vec!["a", "b c", "d \"e\"", "f g"]);
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }

    #[test]
    fn indentation_is_detected() {
        assert_eq!(detect_indent("{\n    \"a\": 1\n}"), "    ");
        assert_eq!(detect_indent("{\n\t\"a\": 1\n}"), "\t");
        assert_eq!(detect_indent("{}"), "  ");
    }
}
