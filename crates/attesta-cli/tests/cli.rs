//! The real `attesta` binary in temp directories: every command, each exit code, bad input.

mod util;

use std::process::{Command, Stdio};

use insta::assert_snapshot;
use serde_json::Value;
use util::{Project, settings};

const READ: &str = r#"{"function_name":"read_file","kwargs":{"path":"src/main.rs"}}"#;
const RM_RF: &str = r#"{"function_name":"run_command","kwargs":{"cmd":"rm -rf /"}}"#;
const DROP: &str = r#"{"function_name":"execute_sql","kwargs":{"query":"DROP TABLE users"}}"#;

fn json_lines(text: &str) -> Vec<Value> {
    text.lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect()
}

#[test]
fn version_human_and_json() {
    let p = Project::new();
    let run = p.run(&["version"], "");
    assert_eq!(run.code, 0);
    settings(&p).bind(|| assert_snapshot!("version", run.transcript()));
    let run = p.run(&["version", "--json"], "");
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["name"], "attesta");
}

#[test]
fn help_lists_every_command() {
    let p = Project::new();
    let run = p.run(&["--help"], "");
    assert_eq!(run.code, 0);
    for command in ["init", "score", "evaluate", "audit", "trust", "version", "completions"] {
        assert!(run.stdout.contains(command), "{command} missing from help:\n{}", run.stdout);
    }
    assert!(run.stdout.contains("Exit codes"), "help documents exit codes");
}

#[test]
fn unknown_flags_and_commands_are_usage_errors() {
    let p = Project::new();
    let run = p.run(&["score", "--frobnicate"], "");
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("--frobnicate"));
    assert_eq!(p.run(&["launch"], "").code, 2);
    assert_eq!(p.run(&["audit", "verify", "--log"], "").code, 2);
}

#[test]
fn init_writes_a_config_that_loads_and_refuses_to_overwrite() {
    let p = Project::new();
    let run = p.run(&["init"], "");
    assert_eq!(run.code, 0, "{}", run.transcript());
    let text = p.read("attesta.yaml");
    for section in ["policy:", "risk:", "trust:", "audit:", "server:"] {
        assert!(text.contains(section), "{section} missing");
    }
    assert!(text.lines().filter(|l| l.trim_start().starts_with('#')).count() > 10, "commented");
    let again = p.run(&["init"], "");
    assert_eq!(again.code, 2);
    settings(&p).bind(|| assert_snapshot!("init_refuses", again.transcript()));
    assert_eq!(p.run(&["init", "--force"], "").code, 0);
    // The written file is picked up from the current directory and is valid.
    assert_eq!(p.run(&["score"], READ).code, 0);
}

#[test]
fn score_human_output() {
    let p = Project::new();
    let input = format!("{READ}\n{RM_RF}\n{DROP}\n");
    let run = p.run(&["score"], &input);
    assert_eq!(run.code, 0, "{}", run.transcript());
    settings(&p).bind(|| assert_snapshot!("score_human", run.transcript()));
}

#[test]
fn score_json_has_the_promised_fields_and_orders_risk() {
    let p = Project::new();
    let input = format!("{READ}\n{RM_RF}\n{DROP}\n");
    let run = p.run(&["score", "--json"], &input);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let lines = json_lines(&run.stdout);
    assert_eq!(lines.len(), 3);
    for line in &lines {
        for key in ["function_name", "risk_score", "risk_level", "factors"] {
            assert!(line.get(key).is_some(), "{key} missing in {line}");
        }
    }
    assert_eq!(lines[0]["risk_level"], "low");
    assert_eq!(lines[1]["risk_level"], "critical");
    assert_eq!(lines[2]["risk_level"], "critical");
    assert!(lines[1]["factors"].as_array().unwrap().iter().any(|f| f["evidence"].as_str().unwrap().contains("rm -rf")));
}

#[test]
fn score_accepts_a_json_array_and_a_file_with_flags_after_it() {
    let p = Project::new();
    p.write("calls.json", &format!("[{READ}, {DROP}]"));
    let run = p.run(&["score", "calls.json", "--json"], "");
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(json_lines(&run.stdout).len(), 2);
}

#[test]
fn score_reports_malformed_lines_with_numbers_and_scores_the_rest() {
    let p = Project::new();
    let input = format!("{READ}\nnot json\n{{\"args\": []}}\n\n{DROP}\n");
    let run = p.run(&["score", "--json"], &input);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert_eq!(json_lines(&run.stdout).len(), 2, "good lines are still scored");
    assert!(run.stderr.contains("<stdin>:2:"), "{}", run.stderr);
    assert!(run.stderr.contains("<stdin>:3:") && run.stderr.contains("function_name"), "{}", run.stderr);
    settings(&p).bind(|| assert_snapshot!("score_malformed_stderr", run.stderr));
}

#[test]
fn score_with_empty_input_or_missing_file_says_what_to_do() {
    let p = Project::new();
    let run = p.run(&["score"], "\n\n");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("function_name"), "{}", run.stderr);
    let run = p.run(&["score", "nope.jsonl"], "");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nope.jsonl"), "{}", run.stderr);
}

#[test]
fn malformed_config_names_file_line_and_suggestion() {
    let p = Project::new();
    p.write("attesta.yaml", "policy:\n  fail_mode: deny\n  timeout_secnds: 30\n");
    let run = p.run(&["score"], READ);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("attesta.yaml"), "{}", run.stderr);
    assert!(run.stderr.contains(":3"), "line number: {}", run.stderr);
    assert!(run.stderr.contains("timeout_seconds"), "suggestion: {}", run.stderr);
    settings(&p).bind(|| assert_snapshot!("config_unknown_key", run.transcript()));

    p.write("bad.yaml", "policy:\n  fail_mode: sometimes\n");
    let run = p.run(&["-c", "bad.yaml", "score"], READ);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("deny") && run.stderr.contains("escalate"), "{}", run.stderr);

    let run = p.run(&["score", "-c", "missing.yaml"], READ);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing.yaml"), "{}", run.stderr);
}

#[test]
fn evaluate_low_is_approved_and_audited() {
    let p = Project::new();
    let run = p.run(&["evaluate", "--json", "--agent-id", "agent-1"], READ);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let result: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(result["verdict"], "approved");
    // One shape for risk across commands: the flat fields of `score --json` and audit entries.
    assert_eq!(result["risk_level"], result["risk"]["level"], "{result}");
    assert_eq!(result["risk_score"], result["risk"]["score"], "{result}");
    let scored: Value = serde_json::from_str(&p.run(&["score", "--json"], READ).stdout).unwrap();
    assert_eq!(scored["risk_level"], result["risk_level"], "{scored}");
    assert!(scored["risk_score"].is_f64(), "{scored}");
    let log = p.read(".attesta/audit.jsonl");
    let entry: Value = serde_json::from_str(log.lines().next().unwrap()).unwrap();
    assert_eq!(entry["entry_id"], result["audit_entry_id"]);
    assert_eq!(entry["agent_id"], "agent-1");
    assert_eq!(entry["metadata"]["source"], "cli");
}

#[test]
fn evaluate_without_a_human_denies_above_low_with_instructions() {
    let p = Project::new();
    let run = p.run(&["evaluate"], RM_RF);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(run.stdout.contains("DENIED"), "{}", run.stdout);
    assert!(run.stdout.contains("policy.unattended"), "says how to configure a reviewer: {}", run.stdout);
    settings(&p).bind(|| assert_snapshot!("evaluate_denied", run.transcript()));
}

#[test]
fn evaluate_reviewer_flags() {
    let p = Project::new();
    let run = p.run(&["evaluate", "--reviewer", "allow"], DROP);
    assert_eq!(run.code, 2, "allow needs policy.unattended: allow: {}", run.transcript());
    p.write("attesta.yaml", "policy:\n  unattended: allow\n");
    let run = p.run(&["evaluate", "--reviewer", "allow", "--json"], r#"{"function_name":"send_email","kwargs":{"to":"a@example.com"}}"#);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let run = p.run(&["evaluate", "--reviewer", "deny"], r#"{"function_name":"send_email","kwargs":{"to":"a@example.com"}}"#);
    assert_eq!(run.code, 3, "{}", run.transcript());
}

#[test]
fn evaluate_rejects_bad_input() {
    let p = Project::new();
    let run = p.run(&["evaluate"], "{\"function_name\": ");
    assert_eq!(run.code, 2, "{}", run.transcript());
    let run = p.run(&["evaluate"], &format!("{READ}\n{READ}\n"));
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("exactly one"), "{}", run.stderr);
}

fn evaluate_many(p: &Project, n: usize) {
    for i in 0..n {
        let ctx = format!(r#"{{"function_name":"read_file","kwargs":{{"path":"src/{i}.rs"}}}}"#);
        assert_eq!(p.run(&["evaluate"], &ctx).code, 0);
    }
}

#[test]
fn audit_verify_intact_then_broken_with_the_entry_number() {
    let p = Project::new();
    evaluate_many(&p, 5);
    let run = p.run(&["audit", "verify"], "");
    assert_eq!(run.code, 0, "{}", run.transcript());
    settings(&p).bind(|| assert_snapshot!("verify_intact", run.transcript()));

    let log = p.read(".attesta/audit.jsonl");
    let mut lines: Vec<String> = log.lines().map(str::to_owned).collect();
    lines[2] = lines[2].replace("src/2.rs", "src/evil.rs");
    p.write(".attesta/audit.jsonl", &(lines.join("\n") + "\n"));
    let run = p.run(&["audit", "verify"], "");
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(run.stdout.contains("BROKEN"));
    assert!(run.stdout.contains("Broken at: 3"), "{}", run.stdout);
    settings(&p).bind(|| assert_snapshot!("verify_broken", run.transcript()));
    let run = p.run(&["audit", "verify", "--json"], "");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["intact"], false);
}

#[test]
fn audit_verify_missing_log_fails() {
    let p = Project::new();
    let run = p.run(&["audit", "verify", "--log", "nowhere.jsonl"], "");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("nowhere.jsonl"), "{}", run.stderr);
}

#[test]
fn four_concurrent_evaluate_processes_keep_the_chain_intact() {
    let p = Project::new();
    let binary = assert_cmd::cargo::cargo_bin("attesta");
    let mut children = Vec::new();
    for worker in 0..4 {
        let dir = p.path().to_path_buf();
        let binary = binary.clone();
        children.push(std::thread::spawn(move || {
            for i in 0..10 {
                let mut child = Command::new(&binary)
                    .current_dir(&dir)
                    .args(["evaluate", "--agent-id", &format!("w{worker}")])
                    .env("ATTESTA_ENV", "development")
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap();
                use std::io::Write;
                let ctx = format!(r#"{{"function_name":"read_file","kwargs":{{"path":"w{worker}/{i}.rs"}}}}"#);
                child.stdin.take().unwrap().write_all(ctx.as_bytes()).unwrap();
                assert!(child.wait().unwrap().success());
            }
        }));
    }
    for c in children {
        c.join().unwrap();
    }
    let run = p.run(&["audit", "verify", "--json"], "");
    assert_eq!(run.code, 0, "{}", run.transcript());
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["entries"], 40);
    assert_eq!(report["intact"], true);
}

#[test]
fn audit_checkpoint_exposes_truncation() {
    let p = Project::new();
    evaluate_many(&p, 4);
    let key = ("ATTESTA_CHECKPOINT_KEY", "a-test-key-of-enough-bytes-0123456789");
    let run = p.cmd(&["audit", "checkpoint", "--append"]).env(key.0, key.1).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let cp = p.file(".attesta/audit.jsonl.checkpoints");
    assert!(cp.exists());
    // Drop the last entry: the chain of what is left is intact, the checkpoint says otherwise.
    let log = p.read(".attesta/audit.jsonl");
    let kept: Vec<&str> = log.lines().take(3).collect();
    p.write(".attesta/audit.jsonl", &(kept.join("\n") + "\n"));
    assert_eq!(p.run(&["audit", "verify"], "").code, 0, "truncation is invisible without a checkpoint");
    let cp_arg = cp.display().to_string();
    let out = p.cmd(&["audit", "verify", "--checkpoint", &cp_arg]).env(key.0, key.1).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    // Without the key the command says how to provide it.
    let out = p.cmd(&["audit", "verify", "--checkpoint", &cp_arg]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ATTESTA_CHECKPOINT_KEY"));
}

#[test]
fn audit_stats_rubber_stamps_and_export() {
    let p = Project::new();
    evaluate_many(&p, 3);
    assert_eq!(p.run(&["evaluate"], RM_RF).code, 3);
    let run = p.run(&["audit", "stats", "--json"], "");
    assert_eq!(run.code, 0, "{}", run.transcript());
    let stats: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(stats["total"], 4);
    assert_eq!(stats["verdicts"]["denied"], 1);
    let human = p.run(&["audit", "stats"], "");
    assert!(human.stdout.contains("Verdicts") && human.stdout.contains("Risk levels"), "{}", human.stdout);

    let run = p.run(&["audit", "rubber-stamps"], "");
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("No rubber stamps"), "{}", run.stdout);

    let run = p.run(&["audit", "export", "--format", "csv", "--verdict", "denied"], "");
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stdout.lines().count(), 2, "header + one denied entry:\n{}", run.stdout);
    let run = p.run(&["audit", "export", "--format", "json", "-o", "out.json", "--from", "2000-01-01"], "");
    assert_eq!(run.code, 0, "{}", run.transcript());
    let exported: Value = serde_json::from_str(&p.read("out.json")).unwrap();
    assert_eq!(exported.as_array().unwrap().len(), 4);
    let run = p.run(&["audit", "export", "--from", "yesterday-ish"], "");
    assert_eq!(run.code, 2);
}

#[test]
fn audit_repair_moves_a_torn_tail_aside() {
    let p = Project::new();
    evaluate_many(&p, 2);
    let path = p.file(".attesta/audit.jsonl");
    let mut log = std::fs::read_to_string(&path).unwrap();
    // A crash mid-write leaves the start of an entry: here, the first half of one.
    let last = log.lines().last().unwrap().to_owned();
    log.push_str(&last[..last.len() / 2]);
    std::fs::write(&path, log).unwrap();
    let run = p.run(&["audit", "repair"], "");
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("torn tail"), "{}", run.stdout);
    assert_eq!(p.run(&["audit", "verify"], "").code, 0);
    let run = p.run(&["audit", "repair"], "");
    assert!(run.stdout.contains("nothing to repair"), "{}", run.stdout);

    // Anything else in the last line's place is not "repaired" away.
    let mut log = std::fs::read_to_string(&path).unwrap();
    log.push_str("{\"verdict\":\"approved\"");
    std::fs::write(&path, &log).unwrap();
    let run = p.run(&["audit", "repair"], "");
    assert_ne!(run.code, 0, "{}", run.transcript());
    assert!(run.stderr.contains("tampering"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), log);
}

#[test]
fn trust_list_show_revoke_reset() {
    let p = Project::new();
    // Auto-approved reads earn no trust, and a denial only because nobody could be asked says
    // nothing about the agent: neither is on record.
    assert_eq!(p.run(&["evaluate", "--agent-id", "bot"], READ).code, 0);
    assert_eq!(p.run(&["trust", "list", "--json"], "").stdout.trim(), "[]");
    assert_eq!(p.run(&["evaluate", "--agent-id", "bot"], RM_RF).code, 3);
    assert_eq!(p.run(&["trust", "list", "--json"], "").stdout.trim(), "[]", "an unattended denial is not the agent's record");
    assert_eq!(p.run(&["trust", "revoke", "bot", "--yes"], "").code, 0);
    let run = p.run(&["trust", "list", "--json"], "");
    assert_eq!(run.code, 0, "{}", run.transcript());
    let rows: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(rows[0]["agent_id"], "bot");
    assert_eq!(rows[0]["trust"].as_f64().unwrap(), 0.0);

    let human = p.run(&["trust", "list"], "");
    assert!(human.stdout.contains("AGENT") && human.stdout.contains("bot"), "{}", human.stdout);

    let run = p.run(&["trust", "revoke", "bot"], "");
    assert_eq!(run.code, 2, "no terminal to confirm on: {}", run.transcript());
    assert!(run.stderr.contains("--yes"));
    assert_eq!(p.run(&["trust", "revoke", "bot", "--yes"], "").code, 0);
    let run = p.run(&["trust", "show", "bot", "--json"], "");
    let rows: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(rows[0]["trust"].as_f64().unwrap(), 0.0, "revoked trust is 0");

    assert_eq!(p.run(&["trust", "reset", "bot"], "").code, 0);
    assert_eq!(p.run(&["trust", "show", "nobody"], "").code, 1);
    let human = p.run(&["trust", "list"], "");
    assert!(human.stdout.contains("No agents on record"), "reset forgets the agent: {}", human.stdout);
}

#[test]
fn completions_for_bash() {
    let p = Project::new();
    let run = p.run(&["completions", "bash"], "");
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("attesta"));
}

#[test]
fn json_outputs_snapshot() {
    let p = Project::new();
    let run = p.run(&["score", "--json"], &format!("{READ}\n{DROP}\n"));
    assert_eq!(run.code, 0, "{}", run.transcript());
    settings(&p).bind(|| assert_snapshot!("score_json", run.stdout));
    let run = p.run(&["evaluate", "--json", "--agent-id", "snap"], DROP);
    assert_eq!(run.code, 3, "{}", run.transcript());
    let result: Value = serde_json::from_str(&run.stdout).unwrap();
    let pretty = serde_json::to_string_pretty(&result).unwrap();
    let mut s = settings(&p);
    s.add_filter(r#""review_seconds": [0-9.e-]+"#, r#""review_seconds": [SECS]"#);
    s.bind(|| assert_snapshot!("evaluate_json_denied", pretty));
}

#[test]
fn checkpoint_prints_a_signed_statement_and_rubber_stamps_json() {
    let p = Project::new();
    evaluate_many(&p, 2);
    let out = p.cmd(&["audit", "checkpoint"]).env("ATTESTA_CHECKPOINT_KEY", "0123456789abcdef0123").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cp: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cp["entries"], 2);
    assert_eq!(cp["algorithm"], "hmac-sha256");
    assert!(!p.file(".attesta/audit.jsonl.checkpoints").exists(), "printing does not store");
    let out = p.cmd(&["audit", "checkpoint"]).env("ATTESTA_CHECKPOINT_KEY", "short").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a weak key is refused");
    let seed = "ed25519:".to_owned() + &"11".repeat(32);
    let out = p.cmd(&["audit", "checkpoint", "--append"]).env("ATTESTA_CHECKPOINT_KEY", &seed).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cp_file = p.file(".attesta/audit.jsonl.checkpoints").display().to_string();
    let out = p.cmd(&["audit", "verify", "--checkpoint", &cp_file]).env("ATTESTA_CHECKPOINT_KEY", &seed).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let run = p.run(&["audit", "rubber-stamps", "--json", "--min-risk", "low"], "");
    assert_eq!(run.code, 0);
    assert!(run.stdout.is_empty(), "auto-approved LOW calls are not rubber stamps: {}", run.stdout);
}
