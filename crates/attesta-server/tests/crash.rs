//! Exactly-once under crashes: a real server process is stopped with SIGKILL at each step of a
//! decision (claimed, audited, committed), restarted on the same database and audit log, and the
//! request must end either undecided (and then decidable) or fully decided, with exactly one
//! audit entry, one `request.decided` outbox row, one delivered webhook event and an intact chain.
//!
//! The server process is this test binary re-run as `child_server` (see below), so the test needs
//! nothing but itself; the pause points are `attesta_server::faults`.

#[macro_use]
mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use attesta::config_file::LoadedConfig;
use attesta_server::ServeOptions;
use common::{Received, receiver};
use serde_json::{Value, json};

const CHILD_DIR: &str = "ATTESTA_CRASH_CHILD_DIR";

fn options(dir: &Path) -> ServeOptions {
    ServeOptions {
        config: LoadedConfig::load(&dir.join("attesta.yaml")).unwrap(),
        listen: Some("127.0.0.1:0".into()),
        db: Some(dir.join("server.db").display().to_string()),
        insecure_http: false,
    }
}

/// The server process of the crash test (does nothing unless the parent test started it).
#[test]
#[ignore = "the server process of `a_killed_decision_ends_undecided_or_fully_decided`"]
fn child_server() {
    let Ok(dir) = std::env::var(CHILD_DIR) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let running = attesta_server::start(options(&dir), std::future::pending()).await.unwrap();
        let tmp = dir.join("addr.tmp");
        std::fs::write(&tmp, running.addr.to_string()).unwrap();
        std::fs::rename(tmp, dir.join("addr")).unwrap();
        running.wait().await.unwrap();
    });
}

/// Kills the server process however the test ends (a failed assertion must not leave it running).
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_server(dir: &Path, pause_at: Option<&str>) -> (Killed, String) {
    let _ = std::fs::remove_file(dir.join("addr"));
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["child_server", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_DIR, dir)
        .env_remove("ATTESTA_TEST_PAUSE_AT")
        .stdout(std::process::Stdio::null());
    if let Some(point) = pause_at {
        cmd.env("ATTESTA_TEST_PAUSE_AT", point)
            .env("ATTESTA_TEST_PAUSE_FILE", dir.join("paused"));
    }
    let child = Killed(cmd.spawn().unwrap());
    let addr = wait_for(Duration::from_secs(120), "the server to start", || {
        std::fs::read_to_string(dir.join("addr")).ok()
    });
    (child, format!("http://{addr}"))
}

fn wait_for<T>(limit: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn audit_entries(dir: &Path, id: &str) -> Vec<Value> {
    std::fs::read_to_string(dir.join(".attesta/audit.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|e| e["metadata"]["request_id"] == id)
        .collect()
}

async fn decided_events(got: &Received, id: &str) -> HashSet<String> {
    got.lock()
        .unwrap()
        .iter()
        .filter_map(|(headers, body)| {
            let event: Value = serde_json::from_str(body).ok()?;
            (event["event"] == "request.decided" && event["data"]["request_id"] == id)
                .then(|| headers["x-attesta-event-id"].clone())
        })
        .collect()
}

async fn one_crash(point: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (hook, got) = receiver(0).await;
    let yaml = format!(
        "policy:\n  minimum_review_seconds: {{low: 0, medium: 0, high: 0, critical: 0}}\n  timeout_seconds: 600\n\
         server:\n  webhooks:\n    - url: {hook}\n      events: [request.decided]\n"
    );
    std::fs::write(dir.path().join("attesta.yaml"), yaml).unwrap();
    let ids = attesta_server::open_identities(&options(dir.path())).await.unwrap();
    let agent = ids.add_agent("bot").await.unwrap();
    let alice = ids.add_approver("alice", None).await.unwrap();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();

    let (mut child, base) = spawn_server(dir.path(), Some(point));
    let created: Value = http.post(format!("{base}/v1/requests")).bearer_auth(&agent)
        .json(&json!({"function_name": "update_record", "kwargs": {"table": "invoices", "id": 42}}))
        .send().await.unwrap().json().await.unwrap();
    let id = created["request_id"].as_str().unwrap().to_owned();
    let digest = created["action_digest"].as_str().unwrap().to_owned();
    http.get(format!("{base}/v1/requests/{id}")).bearer_auth(&alice).send().await.unwrap();
    // The answer never returns: the server pauses at `point` and is killed there.
    let answering = {
        let (http, url, alice) = (http.clone(), format!("{base}/v1/requests/{id}/answer"), alice.clone());
        tokio::spawn(async move {
            http.post(url).bearer_auth(alice).json(&json!({"response": {"kind": "confirm", "answer": "y"}})).send().await
        })
    };
    let paused = dir.path().join("paused");
    tokio::task::spawn_blocking(move || wait_for(Duration::from_secs(60), "the pause point", || std::fs::read_to_string(&paused).ok()))
        .await
        .unwrap();
    child.0.kill().unwrap(); // SIGKILL
    child.0.wait().unwrap();
    assert!(answering.await.unwrap().is_err(), "{point}: the answer cannot have completed");

    let dir_path = dir.path().to_owned();
    let (_child, base) = tokio::task::spawn_blocking(move || spawn_server(&dir_path, None)).await.unwrap();
    let view: Value = http.get(format!("{base}/v1/requests/{id}")).bearer_auth(&agent).send().await.unwrap().json().await.unwrap();
    let expected = if point == attesta_server::faults::CLAIMED { "pending" } else { "approved" };
    assert_eq!(view["status"], expected, "{point}: {view}");
    if view["status"] == "pending" {
        // Undecided: nothing was recorded, and it can be decided normally.
        assert!(audit_entries(dir.path(), &id).is_empty(), "{point}: an audit entry without a decision");
        let res = http.post(format!("{base}/v1/requests/{id}/answer")).bearer_auth(&alice)
            .json(&json!({"response": {"kind": "confirm", "answer": "y"}})).send().await.unwrap();
        assert_eq!(res.status(), 200, "{point}");
    }
    // Fully decided: one audit entry, one outbox row, one delivered event.
    let db = attesta_server::db::open(&dir.path().join("server.db").display().to_string()).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let rows = db.query("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL", vec![]).await.unwrap();
        if rows[0][0].int() == Some(0) && !decided_events(&got, &id).await.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "{point}: the webhook was not delivered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let rows = db.query("SELECT COUNT(*) FROM outbox WHERE event = 'request.decided'", vec![]).await.unwrap();
    assert_eq!(rows[0][0].int(), Some(1), "{point}: outbox rows");
    assert_eq!(decided_events(&got, &id).await.len(), 1, "{point}: distinct webhook events");
    let entries = audit_entries(dir.path(), &id);
    assert_eq!(entries.len(), 1, "{point}: audit entries {entries:?}");
    assert_eq!(entries[0]["verdict"], "approved");
    let decision: Value = http.post(format!("{base}/v1/requests/{id}/consume")).bearer_auth(&agent)
        .json(&json!({"action_digest": digest})).send().await.unwrap().json().await.unwrap();
    assert_eq!(decision["verdict"], "approved", "{point}: {decision}");
    assert_eq!(decision["audit_entry_id"], entries[0]["entry_id"], "{point}");
    let mut verify = attesta::audit::VerifyOptions {
        checkpoint_key: None,
        checkpoint_file: None,
        active_segment_only: false,
        ignore_unterminated_tail: false,
        progress: None,
    };
    let report = attesta::audit::verify(&dir.path().join(".attesta/audit.jsonl"), &mut verify).unwrap();
    assert!(report.intact, "{point}: {report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_decision_ends_undecided_or_fully_decided() {
    for point in attesta_server::faults::DECISION_POINTS {
        one_crash(point).await;
    }
}
