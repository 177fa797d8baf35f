//! Scripts the agent's command runs (`bash x.sh`, `sh x.sh`, `./x.sh`, `python3 x.py`,
//! `node x.js`, `source x.sh`): read from the call's working directory and handed to the scorer
//! (`metadata.executed_scripts`), so a script the agent wrote a moment earlier is judged by what
//! it does, not by the harmless-looking command that starts it.
//!
//! Bounded: at most [`MAX_SCRIPT_BYTES`] per script and [`MAX_SCRIPTS`] scripts per call. A
//! script that is missing, too big or not UTF-8 is recorded as unreadable, which the scorer
//! treats as at least MEDIUM (fail closed).

use std::io::Read;
use std::path::Path;

use attesta::ActionContext;
use serde_json::{Value, json};

/// Bytes read per script.
pub const MAX_SCRIPT_BYTES: u64 = 256 * 1024;
/// Scripts looked for per call.
const MAX_SCRIPTS: usize = 8;

/// Interpreters that run a script file named as their first operand, and whether the script is
/// shell.
fn interpreter(word: &str) -> Option<bool> {
    let base = word.rsplit('/').next().unwrap_or(word);
    match base {
        "sh" | "bash" | "dash" | "zsh" | "ksh" | "ash" | "mksh" | "fish" | "source" | "." => Some(true),
        _ if base.starts_with("python") || base.starts_with("pypy") => Some(false),
        "node" | "nodejs" | "deno" | "bun" | "ts-node" | "tsx" | "ruby" | "perl" | "php" | "Rscript" | "lua" | "osascript"
        | "pwsh" | "powershell" => Some(false),
        _ => None,
    }
}

/// Prefixes that run the rest of the line as a command.
fn is_prefix_wrapper(word: &str) -> bool {
    matches!(word, "sudo" | "doas" | "env" | "nohup" | "time" | "exec" | "command" | "builtin" | "nice" | "timeout" | "stdbuf" | "ionice" | "xargs")
}

/// Splits a command line into simple commands on shell operators (quotes respected roughly:
/// an operator inside quotes does not split).
fn simple_commands(line: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let flush_word = |word: &mut String, words: &mut Vec<String>| {
        if !word.is_empty() {
            words.push(std::mem::take(word));
        }
    };
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => word.push(c),
            None => match c {
                '\'' | '"' => quote = Some(c),
                ';' | '&' | '|' | '\n' | '(' | ')' | '{' | '}' | '`' => {
                    flush_word(&mut word, &mut words);
                    if !words.is_empty() {
                        out.push(std::mem::take(&mut words));
                    }
                }
                c if c.is_whitespace() => flush_word(&mut word, &mut words),
                c => word.push(c),
            },
        }
    }
    flush_word(&mut word, &mut words);
    if !words.is_empty() {
        out.push(words);
    }
    out
}

/// The script a simple command runs, with whether it is shell (`None` for the language: decide
/// from the file).
fn script_of(words: &[String]) -> Option<(String, Option<bool>)> {
    let mut i = 0;
    // Variable assignments and transparent prefixes (with their option arguments).
    while i < words.len() {
        let w = words[i].as_str();
        if w.contains('=') && !w.starts_with('-') && !w.starts_with('=') && !w.contains('/') {
            i += 1;
        } else if is_prefix_wrapper(w) {
            i += 1;
            while i < words.len() && (words[i].starts_with('-') || words[i].parse::<f64>().is_ok() || words[i].contains('=')) {
                i += 1;
            }
        } else {
            break;
        }
    }
    let first = words.get(i)?;
    if let Some(is_shell) = interpreter(first) {
        let mut j = i + 1;
        while j < words.len() && words[j].starts_with('-') {
            // Inline code or a module is not a file (`-c`, `-e`, `-m`): the scorer reads those.
            let inline = if is_shell {
                matches!(words[j].as_str(), "-c" | "-s")
            } else {
                matches!(words[j].as_str(), "-c" | "-e" | "-m" | "-p" | "--eval" | "--print" | "-r" | "--command" | "-Command")
            };
            if inline {
                return None;
            }
            j += 1;
        }
        // Node/deno subcommands (`deno run x.ts`, `bun run x.ts`).
        if matches!(words.get(j).map(String::as_str), Some("run")) && matches!(first.as_str(), "deno" | "bun") {
            j += 1;
            while j < words.len() && words[j].starts_with('-') {
                j += 1;
            }
        }
        let script = words.get(j)?;
        return Some((script.clone(), Some(is_shell)));
    }
    // A path run directly: `./x.sh`, `scripts/deploy.sh`, `/tmp/x.sh`.
    if first.contains('/') {
        return Some((first.clone(), None));
    }
    None
}

/// The command strings among the call's arguments.
fn commands(ctx: &ActionContext) -> Vec<String> {
    let mut out = Vec::new();
    for (key, value) in &ctx.kwargs {
        if !matches!(key.as_str(), "command" | "cmd" | "script" | "commands") {
            continue;
        }
        match value {
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => {
                let words: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                out.push(words.join(" "));
            }
            _ => {}
        }
    }
    out
}

/// Reads the scripts the call's command runs and records them in `metadata.executed_scripts`.
pub fn record_executed_scripts(ctx: &mut ActionContext, cwd: &Path) {
    let mut scripts: Vec<Value> = Vec::new();
    for line in commands(ctx) {
        // `cd sub && bash x.sh` runs `sub/x.sh`.
        let mut dir = cwd.to_path_buf();
        for words in simple_commands(&line) {
            if words[0] == "cd" && words.len() == 2 && !words[1].contains('$') && !words[1].starts_with('~') {
                dir = dir.join(&words[1]);
                continue;
            }
            let Some((raw, shell)) = script_of(&words) else { continue };
            if scripts.len() >= MAX_SCRIPTS {
                break;
            }
            if raw.contains('$') || raw.starts_with('<') || raw == "-" {
                // `bash <(curl …)`, `sh $X`, `bash -` (stdin): the scorer reads those forms.
                continue;
            }
            let expanded = match raw.strip_prefix("~/") {
                Some(rest) => std::env::var_os("HOME").map(|h| Path::new(&h).join(rest)),
                None => Some(dir.join(&raw)),
            };
            let Some(path) = expanded else { continue };
            if shell.is_none() && !path.is_file() {
                // `bin/foo` run directly that is not a file here: a program on the PATH, left to
                // the command analysis.
                continue;
            }
            scripts.push(read_script(&raw, &path, shell));
        }
    }
    if !scripts.is_empty() {
        ctx.metadata.insert(attesta_core::scoring::EXECUTED_SCRIPTS.into(), Value::Array(scripts));
    }
}

fn read_script(shown: &str, path: &Path, shell: Option<bool>) -> Value {
    let unreadable = |why: String| json!({"path": shown, "language": if shell == Some(true) { "shell" } else { "code" }, "unreadable": why});
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) => return unreadable(format!("cannot open: {}", error.kind())),
    };
    let mut bytes = Vec::new();
    if let Err(error) = file.take(MAX_SCRIPT_BYTES + 1).read_to_end(&mut bytes) {
        return unreadable(format!("cannot read: {}", error.kind()));
    }
    if bytes.len() as u64 > MAX_SCRIPT_BYTES {
        return unreadable(format!("larger than {} KiB", MAX_SCRIPT_BYTES / 1024));
    }
    let Ok(content) = String::from_utf8(bytes) else {
        return unreadable("not UTF-8 text".into());
    };
    let is_shell = shell.unwrap_or_else(|| {
        let first = content.lines().next().unwrap_or("");
        if let Some(shebang) = first.strip_prefix("#!") {
            let words: Vec<&str> = shebang.split_whitespace().collect();
            let prog = match words.as_slice() {
                [env, prog, ..] if env.ends_with("/env") => prog,
                [prog, ..] => prog,
                [] => "sh",
            };
            interpreter(prog).unwrap_or(false)
        } else {
            // No shebang: the shell runs it.
            true
        }
    });
    json!({"path": shown, "language": if is_shell { "shell" } else { "code" }, "content": content})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(cmd: &str) -> Vec<(String, Option<bool>)> {
        simple_commands(cmd).iter().filter_map(|w| script_of(w)).collect()
    }

    #[test]
    fn finds_scripts_behind_interpreters_wrappers_and_chains() {
        assert_eq!(found("bash x.sh"), vec![("x.sh".into(), Some(true))]);
        assert_eq!(found("sh -e x.sh"), vec![("x.sh".into(), Some(true))]);
        assert_eq!(found("./x.sh --flag"), vec![("./x.sh".into(), None)]);
        assert_eq!(found("python3 -u x.py"), vec![("x.py".into(), Some(false))]);
        assert_eq!(found("cd src && sudo -E env A=1 node x.js"), vec![("x.js".into(), Some(false))]);
        assert_eq!(found("timeout 5 nice -n 5 bash x.sh; . ./y.sh"), vec![("x.sh".into(), Some(true)), ("./y.sh".into(), Some(true))]);
        assert_eq!(found("deno run -A x.ts"), vec![("x.ts".into(), Some(false))]);
        assert!(found("python3 -m pytest").is_empty());
        assert!(found("bash -c 'rm -rf ~'").is_empty());
        assert!(found("cargo test").is_empty());
    }
}
