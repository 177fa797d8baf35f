//! What a call does to files: the tools and programs that only read, the texts of a call that
//! are shell commands, and those commands split into simple commands with quotes and escapes
//! removed.

use super::*;

/// Tools that only read (Claude Code, Gemini CLI, Codex read tools).
pub(super) const READ_TOOLS: &[&str] = &[
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
pub(super) const READ_PREFIXES: &[&str] = &[
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
pub(super) const READ_PROGRAMS: &[&str] = &[
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
pub(super) const GIT_READ: &[&str] = &[
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
pub(super) const ATTESTA_READ: &[&str] = &[
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
pub(super) const AUDIT_WRITES: &[&str] = &["repair", "checkpoint"];

/// Commands that run the rest of their words as another command.
pub(super) const WRAPPERS: &[&str] = &[
    "sudo", "doas", "env", "nohup", "nice", "ionice", "command", "exec", "time", "stdbuf", "setsid",
];

/// Shell tools of the three agents and common MCP shells.
pub(super) fn is_shell_tool(name: &str) -> bool {
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

pub(super) fn is_read_tool(name: &str) -> bool {
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

pub(super) fn walk(key: &str, value: &Value, visit: &mut dyn FnMut(&str, &str)) {
    match value {
        Value::String(s) => visit(key, s),
        Value::Array(items) => items.iter().for_each(|v| walk(key, v, visit)),
        Value::Object(map) => map.iter().for_each(|(k, v)| walk(k, v, visit)),
        _ => {}
    }
}

/// The command text(s) of a shell tool call: `command` as a string or an argv array.
pub(super) fn command_texts(ctx: &ActionContext) -> Vec<String> {
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

pub(super) fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

/// One simple command: its words in order, with redirection targets kept apart.
#[derive(Debug, Default)]
pub(super) struct Simple {
    pub(super) words: Vec<String>,
    pub(super) redirects: Vec<String>,
    pub(super) writes_redirect: bool,
}

impl Simple {
    pub(super) fn all_words(&self) -> impl Iterator<Item = &String> {
        self.words.iter().chain(self.redirects.iter())
    }

    /// The words after leading assignments and wrapper programs.
    pub(super) fn program_words(&self) -> &[String] {
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

    pub(super) fn read_only(&self) -> bool {
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

pub(super) fn program_name(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// `$(…)`, backticks, `eval`, `source` and process substitution run code this module does not
/// follow; a command that contains them is never treated as read-only.
pub(super) fn has_dynamic_code(text: &str) -> bool {
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
pub(super) fn split_commands(text: &str) -> Vec<Simple> {
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

/// `attesta hook install|uninstall`, `attesta trust revoke|reset`, `attesta init`,
/// `attesta audit repair|checkpoint`: the gate's own commands that change it.
pub(super) fn attesta_command(words: &[String]) -> Option<ProtectedHit> {
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
pub(super) fn git_special(words: &[String]) -> Option<ProtectedHit> {
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
