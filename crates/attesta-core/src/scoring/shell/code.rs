//! Inline code of interpreter one-liners (`python -c`, `perl -e`, `node -e`…).

use super::*;

/// String literals of inline code, each with the number of the run of literals it belongs to:
/// literals separated only by commas and spaces (`["rm", "-rf", "/"]`) share a run.
pub(super) fn string_literals(code: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut run = 0usize;
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' | '`' => {
                let mut lit = String::new();
                while let Some(q) = chars.next() {
                    if q == '\\' {
                        if let Some(n) = chars.next() {
                            lit.push(n);
                        }
                        continue;
                    }
                    if q == c {
                        break;
                    }
                    lit.push(q);
                }
                out.push((lit, run));
            }
            ',' | ' ' | '\t' | '\n' | '\r' => {}
            _ => run += 1,
        }
    }
    out
}

/// Inline code (`python -c`, `perl -e`, `node -e`, `ruby -e`, `php -r`). The language is not
/// parsed, its string literals are: a literal that reads as a command line (what `os.system`,
/// `subprocess`, `system`, `execSync` or backticks would run) is analysed as one, an argv-style
/// run of literals (`["rm", "-rf", "/"]`) as the joined command line, and path literals handed
/// to file-deleting or file-writing APIs as the targets of `rm` or of a write.
pub(super) fn analyze_code(full_code: &str, findings: &mut Findings, depth: usize) -> CommandClass {
    let complete = full_code.len() <= MAX_COMMAND_BYTES;
    let code = if complete {
        full_code
    } else {
        let mut end = MAX_COMMAND_BYTES;
        while !full_code.is_char_boundary(end) {
            end -= 1;
        }
        &full_code[..end]
    };
    let lits = string_literals(code);
    let mut worst = CommandClass::Workspace;
    let nested = |text: &str, findings: &mut Findings| {
        if depth < MAX_NESTING {
            analyze_nested(text, findings, depth + 1)
        } else {
            too_deep(text, findings)
        }
    };
    let runs_command = |first: &str| is_known_command(first) || first == "echo";
    let mut i = 0;
    while i < lits.len() {
        let run = lits[i].1;
        let len = lits[i..].iter().take_while(|(_, r)| *r == run).count();
        let group = &lits[i..i + len];
        for (lit, _) in group {
            if lit.split_whitespace().next().is_some_and(runs_command) {
                worst = worst.max(nested(lit, findings));
            }
        }
        if len >= 2 && runs_command(group[0].0.as_str()) {
            let line = group
                .iter()
                .map(|(l, _)| args::shell_quote(l))
                .collect::<Vec<_>>()
                .join(" ");
            worst = worst.max(nested(&line, findings));
        }
        i += len;
    }
    let has = |markers: &[&str]| markers.iter().any(|m| code.contains(m));
    let deletes_tree = has(&[
        "rmtree",
        "rm_rf",
        "rm_r",
        "remove_tree",
        "rmSync",
        "rmdir",
        "removedirs",
    ]);
    let deletes = deletes_tree || has(&["remove(", "unlink", "File.delete", "delete_file"]);
    let open_for_write = lits.iter().any(|(l, _)| {
        matches!(
            l.as_str(),
            "w" | "a" | "w+" | "a+" | "r+" | "wb" | "ab" | "x"
        )
    });
    let writes = open_for_write
        || has(&[
            "write", "truncate", "rename", "replace(", "copy", "move", "symlink", "append",
        ]);
    if deletes {
        findings.push(Signal::new(
            0.6,
            "shell",
            format!("inline code deletes files: {}", snippet(code, 60)),
        ));
    }
    for (lit, _) in &lits {
        if lit.is_empty() || lit.contains(char::is_whitespace) {
            continue;
        }
        if deletes && lit.contains(['/', '\\', '~', '.', '*']) {
            let flags = if deletes_tree { "-rf" } else { "-f" };
            worst = worst.max(nested(
                &format!("rm {flags} {}", args::shell_quote(lit)),
                findings,
            ));
        }
        if (deletes || writes)
            && let Some((sev, what)) = write_target_risk(lit)
        {
            findings.push(Signal::new(
                sev,
                "shell",
                format!("inline code writes {what}"),
            ));
            worst = CommandClass::Other;
        }
    }
    if !complete {
        findings.incomplete = true;
        findings.push(Signal::new(
            TOO_LONG_TO_ANALYSE,
            "shell",
            format!(
                "command too long to analyse completely ({} bytes of inline code); the unanalysed rest is treated as dangerous",
                full_code.len()
            ),
        ));
        worst = CommandClass::Other;
    }
    worst
}
