//! End to end with the real binary: `attesta serve`, `attesta evaluate` with the `server`
//! reviewer, and `attesta approve`/`deny` as the approver's client.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("attesta")
}

const CONFIG: &str = "policy:\n  minimum_review_seconds: {medium: 1, high: 1, critical: 1}\n  timeout_seconds: 60\n";

struct Serve {
    child: Child,
    url: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn attesta(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(bin());
    cmd.current_dir(dir).args(args).env_remove("ATTESTA_CONFIG").env("NO_COLOR", "1");
    cmd
}

fn serve(dir: &Path, db: &str) -> Serve {
    let mut child = attesta(dir, &["serve", "--listen", "127.0.0.1:0", "--db", db]).stderr(Stdio::piped()).spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut line = String::new();
    BufReader::new(stderr).read_line(&mut line).unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in: {line}"))
        .to_owned();
    Serve { child, url }
}

fn output(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> (i32, String, String) {
    let mut cmd = attesta(dir, args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn identity(dir: &Path, db: &str, args: &[&str]) -> String {
    let mut full = vec!["serve", "--db", db];
    full.extend_from_slice(args);
    let (code, out, err) = output(dir, &full, &[], "");
    assert_eq!(code, 0, "{err}");
    out.trim().to_owned()
}

fn pending_id(dir: &Path, url: &str, token: &str, action: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (code, out, err) = output(dir, &["--json", "pending", "--server", url], &[("ATTESTA_APPROVER_TOKEN", token)], "");
        assert_eq!(code, 0, "{err}");
        let list: Value = serde_json::from_str(&out).unwrap();
        if let Some(r) = list.as_array().unwrap().iter().find(|r| r["action"] == action) {
            return r["request_id"].as_str().unwrap().to_owned();
        }
        assert!(Instant::now() < deadline, "the request never showed up as pending");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The agent evaluates against `agent_url`; the approver answers through `approver_url`.
fn approve_round_trip(dir: &Path, db: &str, agent_url: &str, approver_url: &str, suffix: &str) {
    let agent = identity(dir, db, &["add-agent", &format!("bot{suffix}")]);
    let alice = identity(dir, db, &["add-approver", &format!("alice{suffix}")]);
    std::fs::write(dir.join("attesta.yaml"), format!("{CONFIG}reviewer: server\nserver:\n  url: {agent_url}\n")).unwrap();
    let action = format!("update_record{}", suffix.replace('-', "_"));
    std::fs::write(dir.join("action.json"), format!(r#"{{"function_name": "{action}", "kwargs": {{"table": "invoices", "id": 42}}}}"#)).unwrap();

    let evaluate = attesta(dir, &["--json", "evaluate", "action.json"])
        .env("ATTESTA_AGENT_TOKEN", &agent)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let id = pending_id(dir, approver_url, &alice, &action);
    // An approval with the wrong answer from the terminal would deny; "y" after the review time approves.
    let (code, out, err) = output(dir, &["approve", &id, "--server", approver_url], &[("ATTESTA_APPROVER_TOKEN", &alice)], "y\n");
    assert_eq!(code, 0, "approve: {out}\n{err}");
    assert!(err.contains("update_record"), "the challenge was not shown: {err}");
    let out = evaluate.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "evaluate: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let result: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(result["verdict"], "approved");
    assert_eq!(result["approvers"], serde_json::json!([format!("alice{suffix}")]));
    assert_eq!(result["approver_authenticated"], true);

    // A denial with a reason reaches the agent as exit 3.
    let evaluate = attesta(dir, &["--json", "evaluate", "action.json"])
        .env("ATTESTA_AGENT_TOKEN", &agent)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let id = pending_id(dir, approver_url, &alice, &action);
    let (code, _, err) = output(dir, &["deny", &id, "--reason", "wrong invoice", "--server", approver_url], &[("ATTESTA_APPROVER_TOKEN", &alice)], "");
    assert_eq!(code, 3, "{err}");
    let out = evaluate.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let result: Value = serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    assert_eq!(result["verdict"], "denied");
    assert!(result["reason"].as_str().unwrap().contains("wrong invoice"), "{result}");
}

#[test]
fn evaluate_is_released_by_an_approval_on_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db").display().to_string();
    let server = serve(dir.path(), &db);
    approve_round_trip(dir.path(), &db, &server.url, &server.url, "");
}

#[test]
fn agent_token_cannot_approve_and_unreachable_server_denies() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db").display().to_string();
    let server = serve(dir.path(), &db);
    let agent = identity(dir.path(), &db, &["add-agent", "bot"]);
    let (code, _, err) = output(dir.path(), &["pending", "--server", &server.url], &[("ATTESTA_APPROVER_TOKEN", &agent)], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("approver"), "{err}");

    // Nothing listens on port 9 locally: the server reviewer denies with the reason.
    std::fs::write(dir.path().join("attesta.yaml"), format!("{CONFIG}reviewer: server\nserver:\n  url: http://127.0.0.1:9\n")).unwrap();
    std::fs::write(dir.path().join("action.json"), r#"{"function_name": "update_record", "kwargs": {"table": "invoices", "id": 1}}"#).unwrap();
    let (code, out, _) = output(dir.path(), &["--json", "evaluate", "action.json"], &[("ATTESTA_AGENT_TOKEN", &agent)], "");
    assert_eq!(code, 3);
    let result: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(result["verdict"], "denied");
    assert!(result["reason"].as_str().unwrap().contains("unreachable"), "{result}");
}

#[test]
fn non_loopback_without_tls_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = output(dir.path(), &["serve", "--listen", "0.0.0.0:0", "--db", "x.db"], &[], "");
    assert_eq!(code, 2);
    assert!(err.contains("--insecure-http"), "{err}");
}

#[test]
#[ignore = "needs PostgreSQL: scripts/test-server.sh runs it with ATTESTA_TEST_POSTGRES_URL"]
fn two_servers_share_one_postgres() {
    let db = std::env::var("ATTESTA_TEST_POSTGRES_URL").expect("ATTESTA_TEST_POSTGRES_URL (scripts/test-server.sh sets it)");
    let dir = tempfile::tempdir().unwrap();
    let a = serve(dir.path(), &db);
    let b = serve(dir.path(), &db);
    let suffix = format!("-{}", std::process::id());
    // Agent waits on server A; the approver answers on server B.
    approve_round_trip(dir.path(), &db, &a.url, &b.url, &suffix);
}
