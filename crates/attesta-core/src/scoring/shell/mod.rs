//! Shell command analysis: a small POSIX-ish tokeniser (quotes, escapes, operators, redirections)
//! followed by per-command rules. It never executes or expands anything; it only recognises what
//! a command would do.

use super::args::{
    self, Findings, GATE_FILE_WRITE, Signal, UNSEEN_ARGUMENTS, gate_path, history_or_log_path,
};
use super::sql;
use super::text::snippet;

mod code;
mod commands;
mod decode;
mod targets;
#[cfg(test)]
mod tests;
mod tokenize;
mod tools;

use code::analyze_code;
use commands::analyze_segment;
use decode::decoded_pipelines;
pub use targets::system_write_target;
use targets::{is_catastrophic_target, write_target_risk, written_paths};
use tokenize::{Segment, Tok, segments, tokenize};
use tools::{analyze_cloud, analyze_git, analyze_kubectl};

/// Analysis bounds per command string. Tokenising and the per-command rules are linear, so these
/// are generous (a long heredoc or a chain of `&&` is analysed whole); they exist so a hostile
/// string cannot make scoring slow. A command that exceeds one is not cut silently: the part
/// beyond the limit was never read, so it gets [`TOO_LONG_TO_ANALYSE`] and can never make the
/// command count as read-only (an agent could otherwise hide `rm -rf /` after 16 KiB of `echo`).
const MAX_COMMAND_BYTES: usize = 64 * 1024;

const MAX_TOKENS: usize = 8192;

/// Severity of a command only partly analysed: critical, because the unread rest is arbitrary.
pub const TOO_LONG_TO_ANALYSE: f64 = 0.85;

/// Severity of erasing or redirecting shell history or logs: hiding what was done is itself a
/// high-risk act, whatever else the command does.
const HISTORY_TAMPERING: f64 = 0.75;

/// Severity of running a command whose name comes from a variable (`x=rm; $x -rf ~`): the name
/// decides what runs, and a name chosen at run time is the usual way to dodge a static check.
const VARIABLE_COMMAND: f64 = 0.75;

/// Variables remembered from assignments earlier on the same line, to resolve `$x` commands.
const MAX_VARS: usize = 32;

/// What the riskiest command in a string does, used to let an exec wrapper (`Bash`,
/// `run_command`) take the class of the command it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CommandClass {
    /// Only reads (`ls`, `cat`, `git status`, `kubectl get`).
    ReadOnly,
    /// Builds, tests or changes files inside the workspace (`cargo test`, `mkdir`, `git commit`).
    Workspace,
    /// Anything else, including commands we do not know.
    Other,
}

pub(crate) fn basename(word: &str) -> &str {
    // After the last separator (bytes: `/` and `\` never occur inside a multi-byte character).
    match word.bytes().rposition(|b| b == b'/' || b == b'\\') {
        Some(at) => &word[at + 1..],
        None => word,
    }
}

fn is_assignment(word: &str) -> bool {
    match word.find('=') {
        Some(eq) if eq > 0 => {
            let name = &word[..eq];
            name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !name.as_bytes()[0].is_ascii_digit()
        }
        _ => false,
    }
}

/// Whether a word is a flag containing the short option `letter` (`-rf` has `r` and `f`).
fn short_flag(word: &str, letter: char) -> bool {
    word.len() > 1 && word.starts_with('-') && !word.starts_with("--") && word[1..].contains(letter)
}

fn has_flag(args: &[&str], short: Option<char>, long: &[&str]) -> bool {
    args.iter()
        .any(|a| short.is_some_and(|s| short_flag(a, s)) || long.contains(a))
}

fn positional<'a>(args: &[&'a str]) -> impl Iterator<Item = &'a str> {
    args.iter().copied().filter(|a| !a.starts_with('-'))
}

/// `HISTFILE=/dev/null`, `HISTSIZE=0`, `HISTIGNORE='*'`: stops the shell recording commands.
fn disables_history(assignment: &str) -> bool {
    let Some((name, value)) = assignment.split_once('=') else {
        return false;
    };
    match name {
        "HISTFILE" => true,
        "HISTSIZE" | "HISTFILESIZE" | "SAVEHIST" => value.is_empty() || value == "0",
        "HISTIGNORE" => value.contains('*'),
        _ => false,
    }
}

/// The variable a command word expands (`$x`, `${x}`), or `Some("")` for other expansions used as
/// a command name (`$1`, `${x:-rm}`), which cannot be resolved.
fn variable_command(word: &str) -> Option<&str> {
    let rest = word.strip_prefix('$')?;
    let inner = rest
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(rest);
    let ident = !inner.is_empty()
        && inner
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !inner.as_bytes()[0].is_ascii_digit();
    Some(if ident { inner } else { "" })
}

/// The inline program of an interpreter one-liner (`bash -c S`, `python -c S`, `perl -e S`,
/// `node -e S`, `ruby -e S`, `php -r S`), and whether it is shell (`true`) or another language.
fn inline_script<'a>(cmd: &str, args: &[&'a str]) -> Option<(&'a str, bool)> {
    let (letters, longs, shell): (&[char], &[&str], bool) = match cmd {
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "fish" => (&['c'], &[], true),
        "pwsh" | "powershell" => (&['c'], &["-command", "-Command"], true),
        "python" | "python2" | "python3" => (&['c'], &[], false),
        "perl" => (&['e', 'E'], &[], false),
        "ruby" => (&['e'], &[], false),
        "node" | "nodejs" => (&['e', 'p'], &["--eval", "--print"], false),
        "php" => (&['r'], &[], false),
        _ => return None,
    };
    let at = args.iter().position(|a| {
        longs.contains(a)
            || (a.len() > 1
                && a.starts_with('-')
                && !a.starts_with("--")
                && a[1..].chars().all(|c| c.is_ascii_alphabetic())
                && a[1..].chars().any(|c| letters.contains(&c)))
    })?;
    args.get(at + 1).map(|script| (*script, shell))
}

/// Records that something could not be analysed because it is nested too deeply.
fn too_deep(text: &str, findings: &mut Findings) -> CommandClass {
    findings.incomplete = true;
    findings.push(Signal::new(
        UNSEEN_ARGUMENTS,
        "shell",
        format!(
            "commands nested too deeply to analyse (more than {MAX_NESTING} levels); treated as high risk: {}",
            snippet(text, 60)
        ),
    ));
    CommandClass::Other
}

/// Whether a command line downloads or decodes data (what `eval "$(…)"` would then run).
fn fetches_or_decodes(text: &str) -> bool {
    let (toks, _) = tokenize(text);
    segments(&toks).iter().any(|seg| {
        seg.argv.first().is_some_and(|c| {
            let c = basename(c).to_ascii_lowercase();
            FETCHERS.contains(&c.as_str())
                || (matches!(c.as_str(), "base64" | "openssl" | "xxd" | "gunzip" | "zcat")
                    && seg
                        .argv
                        .iter()
                        .any(|a| matches!(*a, "-d" | "--decode" | "-r" | "-D")))
        })
    })
}

/// Commands whose string arguments are command lines run elsewhere.
const RUNS_ARGUMENTS: &[&str] = &[
    "ssh", "eval", "su", "watch", "docker", "podman", "kubectl", "nohup", "xargs", "parallel",
    "runuser", "flock", "tmux", "screen", "sudo", "doas", "env", "timeout", "time", "nice",
];

const INTERPRETERS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "dash",
    "ksh",
    "fish",
    "python",
    "python2",
    "python3",
    "perl",
    "ruby",
    "node",
    "nodejs",
    "php",
    "pwsh",
    "powershell",
    "iex",
];

const FETCHERS: &[&str] = &[
    "curl",
    "wget",
    "fetch",
    "iwr",
    "invoke-webrequest",
    "irm",
    "invoke-restmethod",
];

const DB_CLIS: &[&str] = &[
    "psql",
    "mysql",
    "mariadb",
    "sqlite3",
    "sqlcmd",
    "clickhouse-client",
    "cqlsh",
    "mongosh",
    "mongo",
    "duckdb",
];

/// Commands the shell analyser knows; a string starting with one of these is treated as a
/// command even when its key or action does not say so.
pub fn is_known_command(word: &str) -> bool {
    const KNOWN: &[&str] = &[
        "rm",
        "sudo",
        "chmod",
        "chown",
        "dd",
        "mkfs",
        "curl",
        "wget",
        "git",
        "kubectl",
        "terraform",
        "aws",
        "gcloud",
        "az",
        "docker",
        "helm",
        "shred",
        "shutdown",
        "reboot",
        "kill",
        "pkill",
        "killall",
        "iptables",
        "systemctl",
        "crontab",
        "psql",
        "mysql",
        "sqlite3",
        "find",
        "mv",
        "cp",
        "ssh",
        "scp",
        "rsync",
        "nc",
        "ncat",
        "bash",
        "sh",
        "zsh",
        "python",
        "python3",
        "npm",
        "pip",
        "cargo",
        "make",
        "eval",
        "fdisk",
        "wipefs",
        "truncate",
        "history",
        "unset",
        "halt",
        "poweroff",
        "su",
        "doas",
        "base64",
        "xargs",
        "tee",
    ];
    static KNOWN_SET: std::sync::LazyLock<
        std::collections::HashSet<&'static str, std::hash::BuildHasherDefault<super::lexicon::Fnv>>,
    > = std::sync::LazyLock::new(|| KNOWN.iter().copied().collect());
    let base = basename(word);
    (2..=12).contains(&base.len()) && (KNOWN_SET.contains(base) || base.starts_with("mkfs"))
}

/// Where a command begins inside free text: after a shell operator (`&&`, `;`, `|`, `$(`,
/// a backtick) or a colon (`run: curl … | sh`), the first word being a command the analyser
/// knows. Returns the text from that command to the end of the line.
pub fn embedded_command(line: &str) -> Option<&str> {
    // Bytes after which a command may start (`$` only when `(` follows), as a table.
    static SEPARATOR: [bool; 256] = {
        let mut t = [false; 256];
        let mut k = 0;
        let bytes = b";|&`:({\n$";
        while k < bytes.len() {
            t[bytes[k] as usize] = true;
            k += 1;
        }
        t
    };
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let sep = SEPARATOR[b[i] as usize] && (b[i] != b'$' || b.get(i + 1) == Some(&b'('));
        i += 1;
        if !sep {
            continue;
        }
        let mut j = i;
        while j < b.len() && matches!(b[j], b' ' | b'\t' | b'(' | b'&' | b'|' | b'"' | b'\'') {
            j += 1;
        }
        let end = b[j..]
            .iter()
            .position(|c| {
                c.is_ascii_whitespace()
                    || matches!(c, b';' | b'|' | b'&' | b'`' | b')' | b'"' | b'\'')
            })
            .map_or(b.len(), |p| j + p);
        if end > j && is_known_command(&line[j..end]) {
            return Some(&line[j..]);
        }
    }
    None
}

/// Analyses `text` as a shell command line, adding findings. Returns the class of its riskiest
/// command (for exec-wrapper delegation).
pub fn analyze(text: &str, findings: &mut Findings) -> CommandClass {
    analyze_nested(text, findings, 0)
}

/// Quoted strings that are themselves commands (`ssh host "rm -rf /srv"`,
/// `os.system('rm -rf /')`, `bash -c "…"`, `python -c "…"`) are analysed too, up to this depth;
/// deeper nesting is not read and counts as high risk. Each level only re-reads substrings of the
/// level above, so the work stays linear in the command length times this depth.
const MAX_NESTING: usize = 4;

/// A command substitution used as a command name that only locates a program
/// (`$(which python) x.py`, `$(npm bin)/eslint`): no more dangerous than naming it.
fn is_benign_lookup(inner: &str) -> bool {
    let first = inner.split_whitespace().next().unwrap_or("");
    matches!(
        first,
        "which"
            | "command"
            | "npm"
            | "yarn"
            | "pnpm"
            | "go"
            | "brew"
            | "rustup"
            | "pyenv"
            | "dirname"
            | "pwd"
            | "realpath"
            | "readlink"
            | "git"
    ) && !inner.contains(['|', ';', '&', '`', '$'])
}

/// Shells and interpreters that run what they read on standard input.
fn is_stdin_runner(cmd: &str) -> bool {
    matches!(
        cmd,
        "sh" | "bash"
            | "zsh"
            | "dash"
            | "ksh"
            | "fish"
            | "busybox"
            | "python"
            | "python3"
            | "perl"
            | "ruby"
            | "node"
            | "php"
            | "pwsh"
            | "powershell"
            | "source"
            | "."
    )
}

fn analyze_nested(full_text: &str, findings: &mut Findings, depth: usize) -> CommandClass {
    // `rm${IFS}-rf${IFS}/`: the field separator is a space to the shell.
    let ifs_free;
    let full_text = if full_text.contains("IFS") {
        ifs_free = full_text.replace("${IFS}", " ").replace("$IFS", " ");
        ifs_free.as_str()
    } else {
        full_text
    };
    let mut complete = full_text.len() <= MAX_COMMAND_BYTES;
    let text = if complete {
        full_text
    } else {
        let mut end = MAX_COMMAND_BYTES;
        while !full_text.is_char_boundary(end) {
            end -= 1;
        }
        &full_text[..end]
    };
    // These two are plain substring searches, cheap on any length, so they read everything.
    if full_text.contains("/dev/tcp/") || full_text.contains("/dev/udp/") {
        findings.push(Signal::new(
            0.95,
            "shell",
            format!("reverse shell via /dev/tcp: {}", snippet(text, 60)),
        ));
    }
    if (full_text.contains("(){") || full_text.contains("|:") || full_text.contains("() {"))
        && is_fork_bomb(full_text)
    {
        findings.push(Signal::new(0.95, "shell", "fork bomb"));
    }

    let (toks, all_tokens) = tokenize(text);
    complete &= all_tokens;
    let segs = segments(&toks);
    let mut worst = CommandClass::ReadOnly;
    for tok in &toks {
        if let Tok::DynCmd(inner) = tok {
            worst = CommandClass::Other;
            if !is_benign_lookup(inner) {
                findings.push(Signal::new(
                    VARIABLE_COMMAND,
                    "shell",
                    format!(
                        "runs a command whose name is computed at run time: $({})",
                        snippet(inner, 60)
                    ),
                ));
            }
        }
    }
    worst = worst.max(decoded_pipelines(&segs, findings, depth));
    let mut saw_fetch = false;
    let mut saw_interpreter_stdin = false;
    let mut vars: Vec<(String, String)> = Vec::new();
    for seg in &segs {
        for target in &seg.writes_to {
            if let Some(sev) = system_write_target(target) {
                findings.push(Signal::new(
                    sev,
                    "shell",
                    format!("redirects output into system path {}", snippet(target, 60)),
                ));
            }
            if let Some((sev, what)) = write_target_risk(target) {
                findings.push(Signal::new(
                    sev,
                    "shell",
                    format!("redirects output into {what}"),
                ));
            }
            worst = worst.max(CommandClass::Workspace);
        }
        let class = analyze_segment(
            seg,
            findings,
            &mut saw_fetch,
            &mut saw_interpreter_stdin,
            depth,
            &vars,
        );
        worst = worst.max(class);
        remember_assignments(seg, &mut vars);
    }
    for seg in &segs {
        // A quoted string standing alone (`os.system('…')`, `$("…")`) or handed to a command
        // that runs its arguments (`ssh host "…"`, `watch "…"`) is itself a command line.
        let runs_args = seg.argv.len() == 1
            || seg
                .argv
                .first()
                .is_some_and(|c| RUNS_ARGUMENTS.contains(&basename(c)));
        if !runs_args {
            continue;
        }
        for w in &seg.argv {
            if w.contains(' ')
                && w.split_whitespace()
                    .next()
                    .is_some_and(|f| is_known_command(f) || f == "echo" || f == "cat")
            {
                worst = worst.max(if depth < MAX_NESTING {
                    analyze_nested(w, findings, depth + 1)
                } else {
                    too_deep(w, findings)
                });
            }
        }
    }
    if saw_fetch && saw_interpreter_stdin {
        findings.push(Signal::new(
            0.95,
            "shell",
            format!(
                "downloads code and pipes it into an interpreter: {}",
                snippet(text, 60)
            ),
        ));
    }
    if !complete {
        // Fail closed: the unread rest could be anything, so it is never "read-only".
        findings.incomplete = true;
        findings.push(Signal::new(
            TOO_LONG_TO_ANALYSE,
            "shell",
            format!(
                "command too long to analyse completely ({} bytes; limits {} KiB, {MAX_TOKENS} tokens); the unanalysed rest is treated as dangerous",
                full_text.len(),
                MAX_COMMAND_BYTES / 1024
            ),
        ));
        worst = CommandClass::Other;
    }
    worst
}

/// Remembers `name=value` assignments (bare, or after `export`/`declare`/`local`/`readonly`) so a
/// later `$name` command can be resolved.
fn remember_assignments(seg: &Segment<'_>, vars: &mut Vec<(String, String)>) {
    let words = match seg.argv.first() {
        Some(&("export" | "declare" | "typeset" | "local" | "readonly")) => &seg.argv[1..],
        _ => &seg.argv[..],
    };
    for w in words.iter().take_while(|w| is_assignment(w)) {
        if vars.len() >= MAX_VARS {
            return;
        }
        if let Some((name, value)) = w.split_once('=') {
            vars.push((name.to_owned(), value.to_owned()));
        }
    }
}

fn push_signal(findings: &mut Findings, severity: f64, why: String) {
    findings.push(Signal::new(severity, "shell", why));
}

/// Skips a wrapper's options; those in `with_value` take the next word as their value.
fn skip_options<'a, 'b>(mut argv: &'b [&'a str], with_value: &[&str]) -> &'b [&'a str] {
    while let Some(first) = argv.first() {
        if is_assignment(first) || (first.starts_with('-') && *first != "-" && *first != "--") {
            argv = &argv[1..];
            if with_value.contains(first) {
                argv = argv.get(1..).unwrap_or(&[]);
            }
        } else if *first == "--" {
            return &argv[1..];
        } else {
            break;
        }
    }
    argv
}

fn is_fork_bomb(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    compact.contains(":(){:|:&};:")
        || compact.contains("(){:|:&}")
        || (compact.contains("(){") && compact.contains("|$0&"))
}

/// The content of a script file a command runs (`bash x.sh`, `./x.sh`, `python3 x.py`), read
/// from disk by the entry point that knows the working directory. Shell scripts are analysed as
/// command lines; other languages like interpreter one-liners (their string literals).
pub fn analyze_script(content: &str, is_shell: bool, findings: &mut Findings) -> CommandClass {
    if is_shell {
        analyze_nested(content, findings, 1)
    } else {
        analyze_code(content, findings, 1)
    }
}
