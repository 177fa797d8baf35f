//! `attesta audit stats|export|verify` on damaged and checkpointed logs, through the binary.

mod util;

use serde_json::Value;
use util::Project;

const READ: &str = r#"{"function_name": "read_file", "kwargs": {"path": "a.txt"}}"#;
const KEY: &str = "0123456789abcdef0123456789abcdef";

fn project_with_entries(n: usize) -> Project {
    let p = Project::new();
    for _ in 0..n {
        assert_eq!(p.run(&["evaluate"], READ).code, 0);
    }
    p
}

#[test]
fn stats_and_export_skip_and_report_a_damaged_line() {
    let p = project_with_entries(3);
    let log = p.file(".attesta/audit.jsonl");
    let text = std::fs::read_to_string(&log).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1] = "this line was damaged";
    std::fs::write(&log, lines.join("\n") + "\n").unwrap();

    let run = p.run(&["audit", "stats", "--json"], "");
    assert_eq!(run.code, 0, "{}", run.transcript());
    let stats: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(stats["total"], 2);
    assert!(run.stderr.contains("skipped 1 damaged line") && run.stderr.contains(":2:"), "{}", run.stderr);

    // `--json` alone exports one JSON array.
    let run = p.run(&["audit", "export", "--json"], "");
    assert_eq!(run.code, 0, "{}", run.transcript());
    let rows: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(rows.as_array().map(Vec::len), Some(2));
    assert!(run.stderr.contains("skipped 1 damaged line"), "{}", run.stderr);

    // verify still reports the break.
    assert_eq!(p.run(&["audit", "verify"], "").code, 1);
}

#[test]
fn plain_verify_uses_the_checkpoint_file_beside_the_log_and_says_so() {
    let p = project_with_entries(2);
    let out = p.cmd(&["audit", "checkpoint", "--append"]).env("ATTESTA_CHECKPOINT_KEY", KEY).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = p.cmd(&["audit", "verify"]).env("ATTESTA_CHECKPOINT_KEY", KEY).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("checkpoint(s) verified from") && stdout.contains("audit.jsonl.checkpoints"), "{stdout}");

    // Truncating the log behind the checkpoint is caught by plain verify.
    let log = p.file(".attesta/audit.jsonl");
    let text = std::fs::read_to_string(&log).unwrap();
    let first = text.lines().next().unwrap().to_owned() + "\n";
    std::fs::write(&log, first).unwrap();
    let out = p.cmd(&["audit", "verify"]).env("ATTESTA_CHECKPOINT_KEY", KEY).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));

    // Without the key it says the checkpoints were not verified.
    let run = p.run(&["audit", "verify"], "");
    assert!(run.stdout.contains("NOT verified"), "{}", run.transcript());
}
