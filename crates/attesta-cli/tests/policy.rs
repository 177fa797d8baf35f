//! `attesta policy show` and the entry-point hygiene of `attesta evaluate`, through the binary.
#![cfg(unix)]

mod util;

use std::fs;

use insta::assert_snapshot;
use serde_json::Value;
use util::{Project, Run, settings};

/// A project with a managed level, a user level and a project file that tries to loosen both.
fn levels() -> (Project, tempfile::TempDir) {
    let p = Project::new();
    let outside = tempfile::tempdir().expect("levels dir");
    let managed = outside.path().join("managed");
    let user = outside.path().join("config/attesta");
    fs::create_dir_all(&managed).unwrap();
    fs::create_dir_all(&user).unwrap();
    fs::write(managed.join("attesta.yaml"), "policy:\n  challenge_map: {high: teach_back}\nprotection:\n  allow: [/srv/scratch/attesta.yaml]\n").unwrap();
    fs::write(user.join("attesta.yaml"), "policy:\n  minimum_review_seconds: {critical: 45}\nrisk:\n  overrides: {deploy_release: critical}\n").unwrap();
    p.write(
        "attesta.yaml",
        "policy:\n  mode: audit_only\n  unattended: allow\n  minimum_review_seconds: {high: 20}\nreviewer: allow\nrisk:\n  overrides: {Bash: low, drop_table: critical}\n  profiles:\n    - name: loose\n      safe_actions: [\".*\"]\n      critical_actions: [\"^purge_\"]\n",
    );
    (p, outside)
}

fn run_in(p: &Project, outside: &tempfile::TempDir, args: &[&str], stdin: &str) -> Run {
    let output = p
        .cmd(args)
        .env("ATTESTA_MANAGED_DIR", outside.path().join("managed"))
        .env("XDG_CONFIG_HOME", outside.path().join("config"))
        .write_stdin(stdin.to_owned())
        .output()
        .expect("run attesta");
    Run::from(output)
}

#[test]
fn policy_show_names_the_source_of_every_value_and_what_was_refused() {
    let (p, outside) = levels();
    let run = run_in(&p, &outside, &["policy", "show"], "");
    assert_eq!(run.code, 0, "{}", run.transcript());
    let text = run.stdout.replace(&outside.path().display().to_string(), "[LEVELS]");
    settings(&p).bind(|| assert_snapshot!("policy_show", text));

    let run = run_in(&p, &outside, &["policy", "show", "--json"], "");
    let doc: Value = serde_json::from_str(&run.stdout).expect("json");
    let value = |key: &str| doc["values"].as_array().unwrap().iter().find(|v| v["key"] == key).cloned().unwrap_or(Value::Null);
    assert_eq!(value("policy.mode")["value"], "enforce");
    assert_eq!(value("policy.challenge_map.high")["value"], "teach_back");
    assert!(value("policy.challenge_map.high")["source"].as_str().unwrap().starts_with("managed"));
    assert!(value("policy.minimum_review_seconds.high")["source"].as_str().unwrap().starts_with("project"));
    assert_eq!(value("risk.overrides.Bash"), Value::Null, "a lowering override is refused");
    let refused: Vec<&str> = doc["refused"].as_array().unwrap().iter().map(|r| r["key"].as_str().unwrap()).collect();
    for key in ["policy.mode", "policy.unattended", "reviewer", "risk.overrides.Bash", "risk.profiles.loose.safe_actions"] {
        assert!(refused.contains(&key), "{key}: {refused:?}");
    }
}

#[test]
fn evaluate_uses_the_levels_too() {
    // The project file says audit_only, the levels above do not allow it: a critical call is
    // still stopped.
    let (p, outside) = levels();
    let run = run_in(&p, &outside, &["evaluate"], r#"{"function_name": "drop_table", "kwargs": {"table": "users"}}"#);
    assert_eq!(run.code, 3, "{}", run.transcript());
}

#[test]
fn blank_and_invisible_function_names_are_usage_errors() {
    let p = Project::new();
    for name in ["", "   ", "\\t", "read\\u0000file", "\\u200bdelete_file", "rm\\u001b[2K"] {
        let run = p.run(&["evaluate"], &format!("{{\"function_name\": \"{name}\"}}"));
        assert_eq!(run.code, 2, "{name:?}: {}", run.transcript());
        assert!(run.stderr.contains("function_name"), "{}", run.stderr);
    }
}

#[test]
fn the_cli_names_the_source_and_keeps_the_claim_apart() {
    let p = Project::new();
    let run = p.run(&["evaluate", "--json"], r#"{"function_name": "read_file", "kwargs": {"path": "a.txt"}, "metadata": {"source": "attesta-server"}}"#);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let text = fs::read_to_string(p.file(".attesta/audit.jsonl")).unwrap();
    let entry: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(entry["metadata"]["source"], "cli", "{entry}");
    assert_eq!(entry["metadata"]["claimed_source"], "attesta-server", "{entry}");
}

#[test]
fn evaluate_gives_a_verdict_and_exit_3_when_a_store_cannot_be_opened() {
    let p = Project::new();
    // The audit log's directory is a file: the log cannot be opened.
    p.write(".attesta", "not a directory");
    let run = p.run(&["evaluate"], r#"{"function_name": "read_file", "kwargs": {"path": "a.txt"}}"#);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(run.stdout.contains("denied") && run.stdout.contains("audit"), "{}", run.stdout);
}

#[test]
fn a_fifo_config_is_refused_not_waited_on() {
    let p = Project::new();
    let fifo = p.file("fifo.yaml");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let run = p.run(&["-c", fifo.to_str().unwrap(), "evaluate"], r#"{"function_name": "read_file"}"#);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
}

#[test]
fn newcomer_help_and_hints() {
    let p = Project::new();
    let run = p.run(&["evaluate", "--help"], "");
    assert!(run.stdout.contains("function_name") && run.stdout.contains("Examples:"), "{}", run.stdout);
    let run = p.run(&["score", "--help"], "");
    assert!(run.stdout.contains("one JSON array") && run.stdout.contains("Examples:"), "{}", run.stdout);
    // A client that drops `--` gets a hint, not only clap's error.
    let run = p.run(&["mcp", "wrap", "npx", "-y", "server"], "");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("hint:") && run.stderr.contains("MCP Inspector"), "{}", run.stderr);
    assert!(!run.stderr.contains('\u{1b}'), "no colour on a non-terminal stderr: {:?}", run.stderr);
}
