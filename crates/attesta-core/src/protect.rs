//! Self-protection: the files that define or record the gate are CRITICAL to change.
//!
//! An agent that can rewrite Attesta's configuration, audit log, trust store or lock files, or
//! the agent's own hook and MCP settings that route its calls through Attesta, can switch the
//! gate off with a single call that looks like ordinary editing. [`Protection::check`] finds
//! such calls — by any tool (file tools, patches, MCP servers) or shell command (redirections,
//! `rm`, `mv`, `ln`, `chmod`/`chattr`, `truncate`, `curl -o`, `wget -O`, `git checkout … --`,
//! `sed -i`, `vim -c`, `ed`, `mkfifo`, `flock` on a lock file, `attesta hook uninstall` …) —
//! and the [`RiskEngine`](crate::scoring::RiskEngine) floors them at CRITICAL, after profiles,
//! safe actions, overrides and trust could have lowered them.
//!
//! Recognition is by name, not by asking the file system: a path is protected when its
//! components look like one of the gate's files wherever it lives (`.attesta/…`,
//! `attesta.yaml`, `.claude/settings.json`, `~/.claude.json`, `.mcp.json`, `.codex/hooks.json`,
//! `/etc/attesta/…`, `~/.config/attesta/…` …), plus the exact paths the entry point adds (a
//! configured audit log or trust store elsewhere). Shell commands are split into words with
//! quotes and escapes removed, so `"att"esta.yaml` and `atte\sta.yaml` are seen for what they
//! are; glob words are matched against the protected names. A command made only of read-only
//! programs without output redirection (`cat attesta.yaml`, `git diff .claude/`) is not raised.
//!
//! Only an exception naming the file at the managed or user level ([`Protection::allow`]) lifts
//! the floor; the entry point that builds the protection decides which levels may do that.

use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::assessment::{RiskAssessment, RiskFactor};
use crate::context::ActionContext;
use crate::types::RiskLevel;

/// Attesta's own configuration file names.
const CONFIG_NAMES: [&str; 4] = [
    "attesta.yaml",
    "attesta.yml",
    "attesta.json",
    "attesta.toml",
];

/// Agent directories whose named files hold hooks, permissions or MCP servers.
const AGENT_FILES: &[(&str, &[&str])] = &[
    (
        ".claude",
        &[
            "settings.json",
            "settings.local.json",
            "managed-settings.json",
            ".mcp.json",
        ],
    ),
    (
        ".codex",
        &[
            "config.toml",
            "hooks.json",
            "requirements.toml",
            "managed_config.toml",
        ],
    ),
    (".gemini", &["settings.json", "system-settings.json"]),
    (".cursor", &["mcp.json", "hooks.json", "settings.json"]),
    (".vscode", &["mcp.json", "settings.json"]),
    (".windsurf", &["mcp.json", "hooks.json"]),
];

/// File names protected wherever they are.
const ANYWHERE_NAMES: &[&str] = &[
    ".claude.json",
    ".mcp.json",
    "claude_desktop_config.json",
    "managed-settings.json",
    "managed-mcp.json",
];

/// Directories that as a whole belong to the gate or to an agent's configuration: creating,
/// replacing, moving or deleting the directory itself is protected.
const PROTECTED_DIRS: &[&str] = &[
    ".attesta", ".claude", ".codex", ".gemini", ".cursor", ".vscode",
];

/// System-wide directories of the managed level and of the agents' managed settings.
const SYSTEM_DIRS: &[&str] = &[
    "/etc/attesta",
    "/etc/claude-code",
    "/etc/codex",
    "/etc/gemini-cli",
];

/// Names a glob in the current directory is tested against (`rm attesta.y*ml`, `rm .atte?ta/*`).
const GLOB_TARGETS: &[&str] = &[
    "attesta.yaml",
    "attesta.yml",
    "attesta.json",
    "attesta.toml",
    ".attesta",
    ".claude",
    ".codex",
    ".gemini",
    ".cursor",
    ".vscode",
    ".mcp.json",
    ".claude.json",
];

/// Names `find -name PATTERN` is tested against: find matches at any depth, dotfiles included.
const FIND_TARGETS: &[&str] = &[
    "attesta.yaml",
    "attesta.yml",
    "attesta.json",
    "attesta.toml",
    ".attesta",
    "audit.jsonl",
    "trust.json",
    "settings.json",
    "settings.local.json",
    "hooks.json",
    "config.toml",
    "mcp.json",
    ".mcp.json",
    ".claude.json",
];

/// Tools that only read (Claude Code, Gemini CLI, Codex read tools).
const READ_TOOLS: &[&str] = &[
    "read",
    "glob",
    "grep",
    "ls",
    "notebookread",
    "webfetch",
    "websearch",
    "read_file",
    "read_many_files",
    "list_directory",
    "search_file_content",
    "google_web_search",
    "web_fetch",
    "view_image",
];

/// MCP tool name prefixes that only read.
const READ_PREFIXES: &[&str] = &[
    "read_",
    "get_",
    "list_",
    "search_",
    "find_",
    "view_",
    "stat_",
    "show_",
    "describe_",
];

/// Programs that only read when run without output redirection.
const READ_PROGRAMS: &[&str] = &[
    "cat",
    "less",
    "more",
    "head",
    "tail",
    "grep",
    "egrep",
    "fgrep",
    "rg",
    "ls",
    "stat",
    "wc",
    "file",
    "diff",
    "cmp",
    "md5sum",
    "sha1sum",
    "sha256sum",
    "sha512sum",
    "b2sum",
    "jq",
    "yq",
    "echo",
    "printf",
    "test",
    "[",
    "true",
    "false",
    "cd",
    "pwd",
    "which",
    "type",
    "realpath",
    "readlink",
    "basename",
    "dirname",
    "tree",
    "du",
    "bat",
    "nl",
    "od",
    "xxd",
    "hexdump",
    "strings",
    "column",
    "lsattr",
    "getfacl",
    "namei",
];

/// Git subcommands that only read.
const GIT_READ: &[&str] = &[
    "status",
    "diff",
    "log",
    "show",
    "blame",
    "ls-files",
    "ls-tree",
    "rev-parse",
    "cat-file",
    "grep",
    "check-ignore",
];

/// Attesta subcommands an agent may run on its own: they read, or they go through the gate.
const ATTESTA_READ: &[&str] = &[
    "audit",
    "policy",
    "score",
    "evaluate",
    "version",
    "help",
    "--help",
    "-h",
    "--version",
    "-V",
];

/// Audit subcommands that change the log's files.
const AUDIT_WRITES: &[&str] = &["repair", "checkpoint"];

/// Commands that run the rest of their words as another command.
const WRAPPERS: &[&str] = &[
    "sudo", "doas", "env", "nohup", "nice", "ionice", "command", "exec", "time", "stdbuf", "setsid",
];

/// Shell tools of the three agents and common MCP shells.
fn is_shell_tool(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let last = lower.rsplit("__").next().unwrap_or(&lower);
    matches!(
        last,
        "bash"
            | "run_shell_command"
            | "shell"
            | "exec_command"
            | "local_shell"
            | "execute_command"
            | "run_command"
            | "terminal"
            | "run_terminal_cmd"
            | "exec"
            | "sh"
            | "powershell"
            | "container.exec"
    )
}

fn is_read_tool(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if READ_TOOLS.contains(&lower.as_str()) {
        return true;
    }
    match lower
        .strip_prefix("mcp__")
        .and_then(|rest| rest.split_once("__"))
    {
        Some((_, tool)) => {
            READ_PREFIXES.iter().any(|p| tool.starts_with(p)) || READ_TOOLS.contains(&tool)
        }
        None => false,
    }
}

/// What a call does to a protected file, for the audit log and the human.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedHit {
    /// The protected file or directory, as the call named it (resolved when possible).
    pub target: String,
    /// How the call reaches it (`Write tool`, `shell command`, `attesta hook uninstall` …).
    pub how: String,
}

impl std::fmt::Display for ProtectedHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} changes {}, which defines or records the approval gate (self-protection: always critical)",
            self.how, self.target
        )
    }
}

/// The protected set and its exceptions. [`Protection::default`] protects by name only.
#[derive(Debug, Clone, Default)]
pub struct Protection {
    /// Exact absolute paths protected besides the named ones (configured audit log, trust
    /// store, configuration files); files beside them sharing the name as prefix are included
    /// (`audit.jsonl.lock`, `audit.jsonl.1`, `trust.json.lock`).
    extra: Vec<PathBuf>,
    /// Absolute paths (file or directory) the managed or user level explicitly releases.
    allowed: Vec<PathBuf>,
}

impl Protection {
    pub fn new() -> Self {
        Protection::default()
    }

    /// Also protects `path` and its siblings that extend its name.
    pub fn protect(mut self, path: impl Into<PathBuf>) -> Self {
        let path = normalize(&path.into());
        if !path.as_os_str().is_empty() && !self.extra.contains(&path) {
            self.extra.push(path);
        }
        self
    }

    /// Releases `path` (and what is under it) from the floor. Only for exceptions written at the
    /// managed or user level.
    pub fn allow(mut self, path: impl Into<PathBuf>) -> Self {
        self.allowed.push(normalize(&path.into()));
        self
    }

    /// The first protected file `ctx` would change, if any.
    pub fn check(&self, ctx: &ActionContext) -> Option<ProtectedHit> {
        let cwd = ctx
            .metadata
            .get("cwd")
            .and_then(Value::as_str)
            .map(PathBuf::from);
        let name = ctx.function_name.as_str();
        if is_shell_tool(name) {
            let texts = command_texts(ctx);
            for text in &texts {
                if let Some(hit) = self.check_shell(text, cwd.as_deref()) {
                    return Some(hit);
                }
            }
            let read_only = texts
                .iter()
                .all(|t| !has_dynamic_code(t) && split_commands(t).iter().all(Simple::read_only));
            return if read_only {
                None
            } else {
                self.check_links(ctx)
            };
        }
        if is_read_tool(name) {
            return None;
        }
        if let Some(hit) = self.check_links(ctx) {
            return Some(hit);
        }
        let mut found = None;
        let mut visit = |key: &str, text: &str| {
            if found.is_some() || !path_like(key, text) {
                return;
            }
            if let Some(target) = self.protected(text, cwd.as_deref()) {
                found = Some(ProtectedHit {
                    target,
                    how: format!("the {name} tool"),
                });
            }
        };
        for (key, value) in &ctx.kwargs {
            walk(key, value, &mut visit);
        }
        for value in &ctx.args {
            walk("", value, &mut visit);
        }
        found
    }

    /// Link targets the entry point resolved (`metadata.resolved_paths`): a symbolic link to a
    /// protected file is that file. The entry may only add protection, never remove it.
    fn check_links(&self, ctx: &ActionContext) -> Option<ProtectedHit> {
        let targets = ctx.metadata.get("resolved_paths")?.as_array()?;
        targets.iter().filter_map(Value::as_str).find_map(|t| {
            self.protected(t, None).map(|target| ProtectedHit {
                target,
                how: "a symbolic link to it".into(),
            })
        })
    }

    /// Whether the path `raw` (relative to `cwd`) is protected and not released; the resolved
    /// path when it is.
    fn protected(&self, raw: &str, cwd: Option<&Path>) -> Option<String> {
        let raw = raw.trim();
        if raw.is_empty() || raw.len() > 4096 {
            return None;
        }
        let path = resolve(raw, cwd);
        let hit = is_named_protected(&path) || self.extra.iter().any(|p| extends(&path, p));
        if !hit {
            return None;
        }
        if self.allowed.iter().any(|a| path.starts_with(a)) {
            return None;
        }
        Some(path.display().to_string())
    }

    fn check_shell(&self, text: &str, cwd: Option<&Path>) -> Option<ProtectedHit> {
        let commands = split_commands(text);
        let read_only = !has_dynamic_code(text) && commands.iter().all(|c| c.read_only());
        let mut cwd = cwd.map(Path::to_path_buf);
        for command in &commands {
            let words = command.program_words();
            // Attesta's own commands that change the gate name no file.
            if let Some(hit) = attesta_command(words) {
                return Some(hit);
            }
            if let Some(hit) = git_special(words) {
                return Some(hit);
            }
            if !read_only {
                if let Some(hit) = self.find_special(words, cwd.as_deref()) {
                    return Some(hit);
                }
                for word in command.all_words() {
                    for piece in pieces(word) {
                        if let Some(target) = self.protected(piece, cwd.as_deref()) {
                            return Some(ProtectedHit {
                                target,
                                how: "a shell command".into(),
                            });
                        }
                        if let Some(target) = glob_hit(piece) {
                            return Some(ProtectedHit {
                                target,
                                how: "a shell glob".into(),
                            });
                        }
                    }
                }
            }
            // Follow `cd` so `cd .config && rm -rf attesta` is seen.
            if words.first().map(String::as_str) == Some("cd")
                && let Some(dir) = words.get(1)
            {
                cwd = Some(resolve(dir, cwd.as_deref()));
            }
        }
        None
    }

    /// `find … -name PAT -delete|-exec …`: the pattern matches at any depth.
    fn find_special(&self, words: &[String], cwd: Option<&Path>) -> Option<ProtectedHit> {
        if words.first().map(|w| program_name(w)) != Some("find") {
            return None;
        }
        let acts = words.iter().any(|w| {
            matches!(
                w.as_str(),
                "-delete"
                    | "-exec"
                    | "-execdir"
                    | "-ok"
                    | "-okdir"
                    | "-fprint"
                    | "-fprintf"
                    | "-fls"
            )
        });
        if !acts {
            return None;
        }
        let _ = cwd;
        for pair in words.windows(2) {
            if matches!(
                pair[0].as_str(),
                "-name" | "-iname" | "-path" | "-ipath" | "-wholename" | "-regex" | "-iregex"
            ) {
                let pattern = pair[1].rsplit('/').next().unwrap_or(&pair[1]);
                if let Some(name) = FIND_TARGETS
                    .iter()
                    .find(|t| glob_match(&pattern.to_ascii_lowercase(), t))
                {
                    return Some(ProtectedHit {
                        target: (*name).to_owned(),
                        how: "find with -delete/-exec".into(),
                    });
                }
            }
        }
        None
    }
}

/// Floors `assessment` at CRITICAL when `ctx` changes a protected file, and records why.
pub fn apply_floor(protection: &Protection, ctx: &ActionContext, assessment: &mut RiskAssessment) {
    let Some(hit) = protection.check(ctx) else {
        return;
    };
    let floor = RiskLevel::Critical.representative_score();
    let before = assessment.score;
    if before < floor {
        assessment.set_score(floor);
    }
    let mut factor = RiskFactor::new("self_protection", floor, 1.0, hit.to_string());
    factor.contribution = (assessment.score - before).max(0.0);
    assessment.factors.push(factor);
}

/// `path` is `base` or a file beside it whose name extends `base`'s (`audit.jsonl.lock`).
fn extends(path: &Path, base: &Path) -> bool {
    if path.starts_with(base) {
        return true;
    }
    match (
        path.parent(),
        base.parent(),
        path.file_name(),
        base.file_name(),
    ) {
        (Some(pp), Some(bp), Some(pn), Some(bn)) => {
            pp == bp && pn.to_string_lossy().starts_with(&*bn.to_string_lossy())
        }
        _ => false,
    }
}

/// Whether a path names one of the gate's files by its components (case-insensitively, since
/// some file systems are).
pub fn is_named_protected(path: &Path) -> bool {
    let parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().to_lowercase()),
            Component::RootDir => Some("/".to_owned()),
            _ => None,
        })
        .collect();
    let Some(last) = parts.last() else {
        return false;
    };
    let text = path.to_string_lossy().to_lowercase();
    if SYSTEM_DIRS
        .iter()
        .any(|d| text == *d || text.starts_with(&format!("{d}/")))
    {
        return true;
    }
    // Attesta's data directory at any level, and its configuration files anywhere.
    if parts.iter().any(|p| p == ".attesta") || CONFIG_NAMES.contains(&last.as_str()) {
        return true;
    }
    if ANYWHERE_NAMES.contains(&last.as_str()) {
        return true;
    }
    // The user level: ~/.config/attesta (or $XDG_CONFIG_HOME/attesta).
    if parts
        .windows(2)
        .any(|w| w[0] == ".config" && w[1] == "attesta")
    {
        return true;
    }
    // An agent's own directory as a whole, or its hook/settings/MCP files.
    if PROTECTED_DIRS.contains(&last.as_str()) {
        return true;
    }
    for (dir, files) in AGENT_FILES {
        if parts.len() >= 2 && parts[parts.len() - 2] == *dir && files.contains(&last.as_str()) {
            return true;
        }
    }
    // Claude Desktop's directory (Linux ~/.config/Claude, macOS ~/Library/Application Support/Claude).
    if parts
        .windows(2)
        .any(|w| (w[0] == ".config" || w[0] == "application support") && w[1] == "claude")
    {
        return true;
    }
    // VS Code and Cursor user settings (…/Code/User/settings.json, …/Cursor/User/mcp.json).
    if parts.len() >= 3
        && parts[parts.len() - 2] == "user"
        && (parts[parts.len() - 3].starts_with("code")
            || parts[parts.len() - 3] == "cursor"
            || parts[parts.len() - 3] == "vscodium")
        && matches!(last.as_str(), "settings.json" | "mcp.json")
    {
        return true;
    }
    // The attesta binary the hooks run.
    if parts.len() >= 2 && parts[parts.len() - 2] == "bin" && last == "attesta" {
        return true;
    }
    false
}

/// A tool argument that names a path: a path-ish key, or a single token with a slash.
fn path_like(key: &str, text: &str) -> bool {
    let key = key.to_ascii_lowercase();
    let keyed = [
        "path", "file", "dir", "dest", "target", "source", "src", "to", "from", "location", "uri",
        "output", "adds", "updates", "deletes", "moves",
    ]
    .iter()
    .any(|k| key.contains(k));
    if text.contains('\n') {
        return false;
    }
    keyed
        || (!text.contains(char::is_whitespace)
            && (text.contains('/') || CONFIG_NAMES.contains(&text)))
}

fn walk(key: &str, value: &Value, visit: &mut dyn FnMut(&str, &str)) {
    match value {
        Value::String(s) => visit(key, s),
        Value::Array(items) => items.iter().for_each(|v| walk(key, v, visit)),
        Value::Object(map) => map.iter().for_each(|(k, v)| walk(k, v, visit)),
        _ => {}
    }
}

/// The command text(s) of a shell tool call: `command` as a string or an argv array.
fn command_texts(ctx: &ActionContext) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["command", "cmd", "script", "input", "commands"] {
        match ctx.kwargs.get(key) {
            Some(Value::String(s)) => out.push(s.clone()),
            Some(Value::Array(items)) => {
                let words: Vec<String> = items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(shell_quote)
                    .collect();
                if !words.is_empty() {
                    out.push(words.join(" "));
                }
            }
            _ => {}
        }
    }
    for value in &ctx.args {
        if let Value::String(s) = value {
            out.push(s.clone());
        }
    }
    out
}

fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

/// Lexical resolution: `~` kept as a component, relative paths joined to `cwd`, `.`/`..` folded.
fn resolve(raw: &str, cwd: Option<&Path>) -> PathBuf {
    let p = Path::new(raw);
    let joined = match cwd {
        Some(cwd) if p.is_relative() && !raw.starts_with('~') && !raw.starts_with('$') => {
            cwd.join(p)
        }
        _ => p.to_path_buf(),
    };
    normalize(&joined)
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// One simple command: its words in order, with redirection targets kept apart.
#[derive(Debug, Default)]
struct Simple {
    words: Vec<String>,
    redirects: Vec<String>,
    writes_redirect: bool,
}

impl Simple {
    fn all_words(&self) -> impl Iterator<Item = &String> {
        self.words.iter().chain(self.redirects.iter())
    }

    /// The words after leading assignments and wrapper programs.
    fn program_words(&self) -> &[String] {
        let mut i = 0;
        while i < self.words.len() {
            let w = &self.words[i];
            if w.contains('=') && !w.starts_with('-') && !w.starts_with('=') && i == 0 {
                i += 1;
                continue;
            }
            if WRAPPERS.contains(&program_name(w)) {
                i += 1;
                while i < self.words.len()
                    && (self.words[i].starts_with('-') || self.words[i].contains('='))
                {
                    i += 1;
                }
                continue;
            }
            if program_name(w) == "timeout" {
                i += 1;
                while i < self.words.len() && (self.words[i].starts_with('-')) {
                    i += 1;
                }
                i += 1; // the duration
                continue;
            }
            break;
        }
        &self.words[i.min(self.words.len())..]
    }

    fn read_only(&self) -> bool {
        if self.writes_redirect {
            return false;
        }
        let words = self.program_words();
        let Some(first) = words.first() else {
            return true;
        };
        let program = program_name(first);
        if program == "git" {
            let sub = words.iter().skip(1).find(|w| !w.starts_with('-'));
            return sub.is_some_and(|s| GIT_READ.contains(&s.as_str()))
                && !words.iter().any(|w| w.starts_with("--output") || w == "-o");
        }
        if program == "attesta" {
            return attesta_command(words).is_none();
        }
        // Only the very first word is the program; `self.words[0]` may be a wrapper (`sudo`).
        self.words
            .first()
            .is_some_and(|w| !WRAPPERS.contains(&program_name(w)))
            && READ_PROGRAMS.contains(&program)
            && !words.iter().any(|w| {
                w == "-i"
                    || w.starts_with("--in-place")
                    || w.starts_with("-o")
                    || w.starts_with("--output")
            })
    }
}

fn program_name(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// `$(…)`, backticks, `eval`, `source` and process substitution run code this module does not
/// follow; a command that contains them is never treated as read-only.
fn has_dynamic_code(text: &str) -> bool {
    text.contains("$(")
        || text.contains('`')
        || text.contains("<(")
        || text.contains(">(")
        || text
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .any(|w| matches!(w, "eval" | "source" | "xargs"))
}

/// Splits on `;`, `&`, `|`, newlines and parentheses into simple commands; removes quotes and
/// escapes; collects redirection targets.
fn split_commands(text: &str) -> Vec<Simple> {
    let mut commands = Vec::new();
    let mut current = Simple::default();
    let mut word = String::new();
    let mut in_word = false;
    let mut pending_redirect: Option<bool> = None; // Some(writes)
    let mut chars = text.chars().peekable();

    fn finish_word(
        word: &mut String,
        in_word: &mut bool,
        current: &mut Simple,
        pending: &mut Option<bool>,
    ) {
        if *in_word {
            let w = std::mem::take(word);
            match pending.take() {
                Some(writes) => {
                    if writes && w != "/dev/null" && !w.starts_with('&') {
                        current.writes_redirect = true;
                    }
                    current.redirects.push(w);
                }
                None => current.words.push(w),
            }
            *in_word = false;
        }
    }

    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => {
                            if let Some(&n) = chars.peek() {
                                if matches!(n, '"' | '\\' | '$' | '`') {
                                    word.push(n);
                                    chars.next();
                                } else if n == '\n' {
                                    chars.next();
                                } else {
                                    word.push('\\');
                                }
                            }
                        }
                        other => word.push(other),
                    }
                }
            }
            '$' if chars.peek() == Some(&'\'') => {
                chars.next();
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '\'' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                word.push(match n {
                                    'n' => '\n',
                                    't' => '\t',
                                    other => other,
                                });
                            }
                        }
                        other => word.push(other),
                    }
                }
            }
            '\\' => {
                if let Some(n) = chars.next()
                    && n != '\n'
                {
                    word.push(n);
                    in_word = true;
                }
            }
            '>' | '<' => {
                // A file-descriptor number just before belongs to the operator (`2>`).
                if in_word && word.chars().all(|d| d.is_ascii_digit()) {
                    word.clear();
                    in_word = false;
                }
                finish_word(&mut word, &mut in_word, &mut current, &mut pending_redirect);
                let writes = c == '>';
                let mut here_string = false;
                while let Some(&n) = chars.peek() {
                    if n == '>' || n == '|' || (n == '<' && c == '<') {
                        if n == '<' {
                            here_string = true;
                        }
                        chars.next();
                    } else if n == '&' {
                        chars.next();
                        // `>&2`, `&>file`
                        word.push('&');
                        in_word = true;
                        break;
                    } else {
                        break;
                    }
                }
                if in_word {
                    // `>&N`: a descriptor, not a file.
                    while let Some(&d) = chars.peek() {
                        if d.is_ascii_digit() || d == '-' {
                            word.push(d);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    if word.len() > 1 {
                        current.redirects.push(std::mem::take(&mut word));
                        in_word = false;
                        continue;
                    }
                    word.clear();
                    in_word = false;
                }
                pending_redirect = if here_string { None } else { Some(writes) };
            }
            ';' | '&' | '|' | '\n' | '(' | ')' | '{' | '}' => {
                if (c == '{' || c == '}') && in_word {
                    word.push(c);
                    continue;
                }
                finish_word(&mut word, &mut in_word, &mut current, &mut pending_redirect);
                if !current.words.is_empty() || !current.redirects.is_empty() {
                    commands.push(std::mem::take(&mut current));
                }
            }
            c if c.is_whitespace() => {
                finish_word(&mut word, &mut in_word, &mut current, &mut pending_redirect)
            }
            other => {
                word.push(other);
                in_word = true;
            }
        }
    }
    finish_word(&mut word, &mut in_word, &mut current, &mut pending_redirect);
    if !current.words.is_empty() || !current.redirects.is_empty() {
        commands.push(current);
    }
    commands
}

/// The path-like pieces of one word: the word itself and its parts around `=`, `:`, `,`, quotes,
/// parentheses and spaces (`of=FILE`, `--output=FILE`, `other:attesta.yaml`, `open('f','w')`,
/// the text of `bash -c '…'`).
fn pieces(word: &str) -> impl Iterator<Item = &str> {
    std::iter::once(word).chain(
        word.split(|c: char| {
            matches!(
                c,
                '=' | ':' | ',' | '\'' | '"' | '(' | ')' | ';' | '>' | '<' | '|' | '&'
            ) || c.is_whitespace()
        })
        .filter(|p| !p.is_empty()),
    )
}

/// A glob word that can expand to a protected name in the directory it is run in.
fn glob_hit(piece: &str) -> Option<String> {
    if !piece.contains(['*', '?', '[']) {
        return None;
    }
    let lower = piece.to_ascii_lowercase();
    let components: Vec<&str> = lower
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    let first = *components.first()?;
    // The first component names something in the current directory.
    if first.contains(['*', '?', '[']) || components.len() == 1 {
        return GLOB_TARGETS
            .iter()
            .find(|t| glob_match(first, t) && !(first.starts_with('*') && t.starts_with('.')))
            .map(|t| (*t).to_owned());
    }
    None
}

/// Shell-style glob on one name: `*`, `?`, `[…]` (ranges and `!`/`^` negation).
fn glob_match(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => (0..=n.len()).any(|i| go(&p[1..], &n[i..])),
            Some('?') => !n.is_empty() && go(&p[1..], &n[1..]),
            Some('[') => {
                let Some(end) = p.iter().skip(1).position(|&c| c == ']').map(|e| e + 1) else {
                    return n.first() == Some(&'[') && go(&p[1..], &n[1..]);
                };
                let Some(&c) = n.first() else { return false };
                let set = &p[1..end];
                let (negate, set) = match set.first() {
                    Some('!' | '^') => (true, &set[1..]),
                    _ => (false, set),
                };
                let mut hit = false;
                let mut i = 0;
                while i < set.len() {
                    if i + 2 < set.len() && set[i + 1] == '-' {
                        hit |= set[i] <= c && c <= set[i + 2];
                        i += 3;
                    } else {
                        hit |= set[i] == c;
                        i += 1;
                    }
                }
                hit != negate && go(&p[end + 1..], &n[1..])
            }
            Some(&c) => n.first() == Some(&c) && go(&p[1..], &n[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    if p.len() > 256 {
        return false;
    }
    go(&p, &n)
}

/// `attesta hook install|uninstall`, `attesta trust revoke|reset`, `attesta init`,
/// `attesta audit repair|checkpoint`: the gate's own commands that change it.
fn attesta_command(words: &[String]) -> Option<ProtectedHit> {
    let first = words.first()?;
    if program_name(first) != "attesta" {
        return None;
    }
    let rest: Vec<&str> = words[1..]
        .iter()
        .map(String::as_str)
        .filter(|w| !w.starts_with('-'))
        .collect();
    let sub = rest.first().copied().unwrap_or("");
    let changes = match sub {
        "" => false,
        "audit" => rest.get(1).is_some_and(|s| AUDIT_WRITES.contains(s)),
        "trust" => !matches!(rest.get(1).copied(), Some("show" | "list") | None),
        "mcp" | "serve" | "approver" => false,
        s => !ATTESTA_READ.contains(&s),
    };
    changes.then(|| ProtectedHit {
        target: format!("Attesta's state (`attesta {}`)", rest.join(" ")),
        how: "an attesta command".into(),
    })
}

/// `git clean -x/-X` deletes ignored files, `.attesta/` included; `git stash --all` moves them.
fn git_special(words: &[String]) -> Option<ProtectedHit> {
    let first = words.first()?;
    if program_name(first) != "git" {
        return None;
    }
    let sub = words.iter().skip(1).find(|w| !w.starts_with('-'))?;
    let flags = || {
        words
            .iter()
            .filter(|w| w.starts_with('-') && !w.starts_with("--"))
    };
    let hit = match sub.as_str() {
        "clean" => flags().any(|f| f.contains('x') || f.contains('X')),
        "stash" => words.iter().any(|w| w == "--all") || flags().any(|f| f.contains('a')),
        _ => false,
    };
    hit.then(|| ProtectedHit {
        target: ".attesta/ (ignored by git)".into(),
        how: format!("git {sub}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx(name: &str, kwargs: Value) -> ActionContext {
        let mut c = ActionContext::new(name);
        c.kwargs = kwargs.as_object().cloned().unwrap_or_default();
        c.metadata.insert("cwd".into(), "/home/u/project".into());
        c
    }

    fn shell(cmd: &str) -> Option<ProtectedHit> {
        Protection::default().check(&ctx("Bash", json!({ "command": cmd })))
    }

    #[test]
    fn named_paths() {
        for p in [
            "/home/u/project/attesta.yaml",
            "/home/u/project/.attesta/audit.jsonl",
            "/home/u/.claude.json",
            "/home/u/project/.claude/settings.local.json",
            "/home/u/.codex/hooks.json",
            "/home/u/.config/attesta/attesta.yaml",
            "/etc/attesta/attesta.yaml",
            "/home/u/.config/Claude/claude_desktop_config.json",
            "/home/u/.config/Code/User/settings.json",
            "/home/u/project/.vscode/mcp.json",
            "/home/u/.cargo/bin/attesta",
            "/home/u/project/.claude",
        ] {
            assert!(is_named_protected(Path::new(p)), "{p}");
        }
        for p in [
            "/home/u/project/src/main.rs",
            "/home/u/project/.claude/agents/x.md",
            "/home/u/project/docs/settings.json",
            "/home/u/.config/git/config",
        ] {
            assert!(!is_named_protected(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn shell_routes_are_found() {
        for cmd in [
            "echo x > attesta.yaml",
            "rm \"att\"esta.yaml",
            "rm atte\\sta.yaml",
            "rm attesta.y*ml",
            "rm .atte?ta/*",
            "cd .attesta && rm audit.jsonl",
            "cd ~/.config && rm -rf attesta",
            "find . -name 'audit.jsonl' -delete",
            "dd if=/dev/zero of=.attesta/audit.jsonl",
            "git show other:attesta.yaml > attesta.yaml",
            "git clean -fdx",
            "attesta hook uninstall claude-code",
            "sudo attesta trust reset a",
            "bash -c 'rm attesta.yaml'",
            "python3 -c \"open('.mcp.json','w')\"",
            "curl -sSL x -o .claude/settings.json",
            "ed -s attesta.yaml <<< $',s/a/b/\\nw'",
            "cat /dev/null > ~/.gemini/settings.json",
            "sed -n 'w attesta.yaml' README.md",
        ] {
            assert!(shell(cmd).is_some(), "{cmd}");
        }
    }

    #[test]
    fn reads_and_unrelated_commands_are_not_raised() {
        for cmd in [
            "cat attesta.yaml",
            "ls -la .attesta 2>/dev/null",
            "git diff .claude/settings.json",
            "attesta audit verify",
            "attesta policy show",
            "cargo test",
            "rm -rf build/*",
            "echo hello > notes.txt",
            "grep -r attesta docs/ | head",
        ] {
            assert_eq!(shell(cmd), None, "{cmd}");
        }
    }

    #[test]
    fn file_tools_and_exceptions() {
        let write = ctx(
            "Write",
            json!({"file_path": "/home/u/project/.mcp.json", "content": "{}"}),
        );
        assert!(Protection::default().check(&write).is_some());
        assert!(
            Protection::default()
                .allow("/home/u/project/.mcp.json")
                .check(&write)
                .is_none()
        );
        let read = ctx("Read", json!({"file_path": "/home/u/project/.mcp.json"}));
        assert!(Protection::default().check(&read).is_none());
        let content = ctx(
            "Write",
            json!({"file_path": "/home/u/project/README.md", "content": "see attesta.yaml and .claude/settings.json"}),
        );
        assert!(Protection::default().check(&content).is_none());
        let custom = ctx("Write", json!({"file_path": "/var/log/gate.jsonl.lock"}));
        assert!(
            Protection::default()
                .protect("/var/log/gate.jsonl")
                .check(&custom)
                .is_some()
        );
        let patch = ctx(
            "apply_patch",
            json!({"updates": ["/home/u/project/src/lib.rs"], "moves_to": ["/home/u/project/old/attesta.yaml"]}),
        );
        assert!(Protection::default().check(&patch).is_some());
    }

    proptest::proptest! {
        /// The lexer never panics, whatever the command text.
        #[test]
        fn any_command_text_is_handled(text in "\\PC{0,200}") {
            let _ = shell(&text);
        }

        /// However a protected name is cut into quoted, escaped or plain pieces, it is found.
        #[test]
        fn quoting_never_hides_a_protected_name(
            name in proptest::sample::select(vec!["attesta.yaml", ".attesta/audit.jsonl", ".claude/settings.json", ".mcp.json", ".codex/hooks.json"]),
            cuts in proptest::collection::vec((1usize..6, 0u8..4), 1..6),
            program in proptest::sample::select(vec!["rm", "mv", "cp /tmp/x", "truncate -s0", "chmod 000", "sudo rm -f", "echo x >"]),
        ) {
            let mut word = String::new();
            let mut rest = name;
            for (len, style) in cuts {
                if rest.is_empty() { break; }
                let at = rest.char_indices().nth(len).map_or(rest.len(), |(i, _)| i);
                let (piece, tail) = rest.split_at(at);
                rest = tail;
                match style {
                    0 => word.push_str(piece),
                    1 => { word.push('\''); word.push_str(piece); word.push('\''); }
                    2 => { word.push('"'); word.push_str(piece); word.push('"'); }
                    _ => { for c in piece.chars() { word.push('\\'); word.push(c); } }
                }
            }
            word.push_str(rest);
            let cmd = format!("{program} {word}");
            proptest::prop_assert!(shell(&cmd).is_some(), "{}", cmd);
        }
    }

    #[test]
    fn globs() {
        assert!(glob_match("attesta.y*ml", "attesta.yaml"));
        assert!(glob_match(".atte?ta", ".attesta"));
        assert!(glob_match("[a]ttesta.yaml", "attesta.yaml"));
        assert!(!glob_match("*.rs", "attesta.yaml"));
    }
}
