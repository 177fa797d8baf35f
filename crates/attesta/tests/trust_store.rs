//! The trust store on disk: survives restarts, never loses updates between processes, refuses
//! a corrupt file without touching it.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use attesta::trust_store::{TrustStore, TrustStoreError};
use attesta_core::RiskLevel;
use attesta_core::trust::{TrustEvent, TrustParams};
use jiff::Timestamp;

const CHILD_ENV: &str = "ATTESTA_TRUST_STORE_CHILD";
const CHILDREN: usize = 6;
const PER_CHILD: u64 = 40;

fn approved() -> TrustEvent {
    TrustEvent::Approved {
        level: RiskLevel::High,
        human_reviewed: true,
    }
}

fn now() -> Timestamp {
    Timestamp::now()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn unknown_agents_start_at_the_initial_score_without_creating_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".attesta/trust.json");
    let store = TrustStore::open(&path, TrustParams::default()).unwrap();
    assert!((store.score("agent", "default", now()).unwrap() - 0.0).abs() < 1e-12);
    assert!(store.list().unwrap().is_empty());
    assert!(
        !path.exists() && !dir.path().join(".attesta").exists(),
        "reads create nothing"
    );
}

#[test]
fn records_persist_with_private_permissions_and_a_versioned_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".attesta/trust.json");
    let store = TrustStore::open(&path, TrustParams::default()).unwrap();
    let score = store
        .record("agent-1", "database", approved(), now())
        .unwrap();
    assert!(score > 0.0 && score < 0.5);
    assert_eq!(mode(&path), 0o600);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(
        json["agents"]["agent-1"]["domains"]["database"]["approvals"],
        1
    );

    let reopened = TrustStore::open(&path, TrustParams::default()).unwrap();
    assert!((reopened.score("agent-1", "database", now()).unwrap() - score).abs() < 1e-6);
    assert_eq!(reopened.get("agent-1").unwrap()[0].0, "database");
    // Nothing left behind by the atomic writes.
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn revoke_survives_a_restart_until_reset() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trust.json");
    {
        let store = TrustStore::open(&path, TrustParams::default()).unwrap();
        for _ in 0..20 {
            store
                .record("agent-1", "default", approved(), now())
                .unwrap();
        }
        assert!(store.score("agent-1", "default", now()).unwrap() > 0.6);
        store
            .revoke("agent-1", None, "exfiltrated data", now())
            .unwrap();
    }
    let store = TrustStore::open(&path, TrustParams::default()).unwrap();
    assert_eq!(store.score("agent-1", "default", now()).unwrap(), 0.0);
    assert_eq!(
        store.score("agent-1", "never-used-domain", now()).unwrap(),
        0.0,
        "whole-agent revoke covers new domains"
    );
    assert_eq!(
        store
            .record("agent-1", "default", approved(), now())
            .unwrap(),
        0.0
    );
    assert_eq!(
        store.record("agent-1", "files", approved(), now()).unwrap(),
        0.0
    );
    assert_eq!(
        store.agent_revocation("agent-1").unwrap().unwrap().reason,
        "exfiltrated data"
    );
    let (_, record) = &store.get("agent-1").unwrap()[0];
    assert!(record.revoked);
    assert_eq!(record.revoke_reason.as_deref(), Some("exfiltrated data"));

    store.reset("agent-1", Some("default")).unwrap();
    assert_eq!(
        store.score("agent-1", "default", now()).unwrap(),
        0.0,
        "a domain reset keeps the agent revocation"
    );
    store.reset("agent-1", None).unwrap();
    assert!((store.score("agent-1", "default", now()).unwrap() - 0.0).abs() < 1e-12);
    assert!(store.get("agent-1").unwrap().is_empty());
}

#[test]
fn revoking_an_agent_never_seen_still_takes_effect() {
    let dir = tempfile::tempdir().unwrap();
    let store = TrustStore::open(dir.path().join("trust.json"), TrustParams::default()).unwrap();
    store.revoke("newcomer", None, "suspicious", now()).unwrap();
    assert_eq!(
        store
            .record("newcomer", "default", approved(), now())
            .unwrap(),
        0.0
    );
    assert_eq!(
        store.list().unwrap().len(),
        1,
        "the revocation is visible in listings"
    );
}

#[test]
fn revoking_one_domain_leaves_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let store = TrustStore::open(dir.path().join("trust.json"), TrustParams::default()).unwrap();
    store.record("a", "files", approved(), now()).unwrap();
    store.record("a", "database", approved(), now()).unwrap();
    store
        .revoke("a", Some("database"), "dropped a table", now())
        .unwrap();
    assert_eq!(store.score("a", "database", now()).unwrap(), 0.0);
    assert!(store.score("a", "files", now()).unwrap() > 0.0);
    store.reset("a", Some("database")).unwrap();
    assert!((store.score("a", "database", now()).unwrap() - 0.0).abs() < 1e-12);
    let listed: Vec<_> = store
        .list()
        .unwrap()
        .into_iter()
        .map(|(a, d, _)| (a, d))
        .collect();
    assert_eq!(listed, [("a".to_owned(), "files".to_owned())]);
}

#[test]
fn incidents_drop_trust_to_zero() {
    let dir = tempfile::tempdir().unwrap();
    let store = TrustStore::open(dir.path().join("trust.json"), TrustParams::default()).unwrap();
    store.record("a", "default", approved(), now()).unwrap();
    let incident = TrustEvent::Incident {
        reason: "approval revoked".into(),
    };
    assert_eq!(store.record("a", "default", incident, now()).unwrap(), 0.0);
    assert_eq!(store.get("a").unwrap()[0].1.incidents, 1);
}

#[test]
fn a_corrupt_store_is_an_error_naming_the_file_and_is_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trust.json");
    let cases: [&[u8]; 4] = [
        b"{\"version\": 1, \"agents\": {",
        b"not json",
        b"{\"agents\": {}}",
        b"{\"version\":1,\"agents\":{\"a\":{\"domains\":{\"d\":{\"alpha\":-1}}}}}",
    ];
    for garbage in cases {
        std::fs::write(&path, garbage).unwrap();
        let err = TrustStore::open(&path, TrustParams::default()).unwrap_err();
        assert!(matches!(err, TrustStoreError::Corrupt { .. }), "{err}");
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
        assert!(err.to_string().contains("left untouched"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), garbage);
    }
    // A store that went corrupt after opening is refused on write, also untouched.
    std::fs::write(&path, b"{\"version\":1,\"agents\":{}}").unwrap();
    let store = TrustStore::open(&path, TrustParams::default()).unwrap();
    std::fs::write(&path, b"{oops").unwrap();
    assert!(matches!(
        store.record("a", "default", approved(), now()),
        Err(TrustStoreError::Corrupt { .. })
    ));
    assert!(matches!(
        store.revoke("a", None, "x", now()),
        Err(TrustStoreError::Corrupt { .. })
    ));
    assert!(matches!(
        store.score("a", "default", now()),
        Err(TrustStoreError::Corrupt { .. })
    ));
    assert_eq!(std::fs::read(&path).unwrap(), b"{oops");
}

#[test]
fn a_newer_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trust.json");
    std::fs::write(&path, b"{\"version\": 2, \"agents\": {}}").unwrap();
    let err = TrustStore::open(&path, TrustParams::default()).unwrap_err();
    assert!(
        matches!(err, TrustStoreError::UnsupportedVersion { found: 2, .. }),
        "{err}"
    );
}

#[test]
fn empty_agent_ids_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = TrustStore::open(dir.path().join("trust.json"), TrustParams::default()).unwrap();
    assert!(matches!(
        store.record(" ", "default", approved(), now()),
        Err(TrustStoreError::EmptyAgentId)
    ));
}

#[test]
fn threads_sharing_a_store_lose_no_updates() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(
        TrustStore::open(dir.path().join("trust.json"), TrustParams::default()).unwrap(),
    );
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            std::thread::spawn(move || {
                for _ in 0..25 {
                    store
                        .record("shared", "default", approved(), now())
                        .unwrap();
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    assert_eq!(store.get("shared").unwrap()[0].1.approvals, 100);
}

#[test]
fn concurrent_processes_lose_no_updates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".attesta/trust.json");
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..CHILDREN)
        .map(|i| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "child_process_records_approvals",
                    "--ignored",
                    "--test-threads=1",
                ])
                .env(CHILD_ENV, &path)
                .env("ATTESTA_TRUST_STORE_CHILD_ID", i.to_string())
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success(), "a child process failed");
    }
    let store = TrustStore::open(&path, TrustParams::default()).unwrap();
    let shared = store.get("shared").unwrap();
    assert_eq!(shared.len(), 1);
    assert_eq!(
        shared[0].1.approvals,
        CHILDREN as u64 * PER_CHILD,
        "lost updates"
    );
    assert_eq!(shared[0].1.denials, CHILDREN as u64);
    for i in 0..CHILDREN {
        assert_eq!(
            store.get(&format!("child-{i}")).unwrap()[0].1.approvals,
            PER_CHILD
        );
    }
    assert_eq!(mode(&path), 0o600);
}

/// Run by `concurrent_processes_lose_no_updates` in child processes; not a test on its own.
#[test]
#[ignore = "child process of concurrent_processes_lose_no_updates"]
fn child_process_records_approvals() {
    let path = std::env::var_os(CHILD_ENV)
        .expect("only run as a child of concurrent_processes_lose_no_updates");
    let id = std::env::var("ATTESTA_TRUST_STORE_CHILD_ID").unwrap();
    let store = TrustStore::open(path, TrustParams::default()).unwrap();
    for _ in 0..PER_CHILD {
        store
            .record("shared", "default", approved(), now())
            .unwrap();
        store
            .record(&format!("child-{id}"), "default", approved(), now())
            .unwrap();
    }
    store
        .record(
            "shared",
            "default",
            TrustEvent::Denied {
                level: RiskLevel::Medium,
            },
            now(),
        )
        .unwrap();
}

