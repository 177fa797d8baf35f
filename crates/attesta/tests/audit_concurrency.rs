//! Many threads, many handles, many processes, and crashes (SIGKILL mid-write, torn tails).
//!
//! Child processes are this test binary re-executed with `AUDIT_CHILD_ROLE` set; the `child`
//! test below does the child's work and is a no-op in a normal run.

mod audit_common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use attesta::audit::{
    AuditEntry, AuditLog, EntryKind, VerifyOptions, repair, torn_path_prefix, verify,
};
use attesta_core::config::Durability;
use audit_common::*;

const ROLE: &str = "AUDIT_CHILD_ROLE";
const LOG: &str = "AUDIT_CHILD_LOG";
const COUNT: &str = "AUDIT_CHILD_COUNT";

#[test]
fn child() {
    let Ok(role) = std::env::var(ROLE) else {
        return;
    };
    let path = PathBuf::from(std::env::var(LOG).unwrap());
    let count: usize = std::env::var(COUNT)
        .map(|c| c.parse().unwrap())
        .unwrap_or(usize::MAX);
    let durability = if role == "crash" {
        Durability::None
    } else {
        Durability::Always
    };
    let log = AuditLog::open(&path, &config(durability)).unwrap();
    let pid = std::process::id();
    for i in 0..count {
        // Large arguments make a kill land inside a write more often.
        let mut e = entry(&format!("{role}_{pid}_{i}"));
        if role == "crash" {
            e.arguments = serde_json::json!({"blob": "x".repeat(4 << 20)});
        }
        log.append(e).unwrap();
    }
}

fn spawn_child(role: &str, path: &Path, count: Option<usize>) -> std::process::Child {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env(ROLE, role)
        .env(LOG, path)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if let Some(c) = count {
        cmd.env(COUNT, c.to_string());
    }
    cmd.spawn().unwrap()
}

fn assert_intact(path: &Path, expected_entries: u64) {
    let report = verify(path, &mut VerifyOptions::default()).unwrap();
    assert!(
        report.intact,
        "{:?}",
        &report.breaks[..report.breaks.len().min(5)]
    );
    assert_eq!(report.entries, expected_entries);
    assert_eq!(
        report.last_seq,
        Some(expected_entries),
        "seq is contiguous from 1"
    );
}

#[test]
fn eight_processes_append_to_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let children: Vec<_> = (0..8)
        .map(|_| spawn_child("append", &path, Some(40)))
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    assert_intact(&path, 8 * 40);
}

#[test]
fn many_threads_share_one_handle() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let log = Arc::new(AuditLog::open(&path, &config(Durability::Batch)).unwrap());
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for i in 0..50 {
                    log.append(entry(&format!("t{t}_{i}"))).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    drop(log);
    assert_intact(&path, 400);
}

#[test]
fn many_handles_to_the_same_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let handles: Vec<_> = (0..6)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                let log = AuditLog::open(&path, &config(Durability::None)).unwrap();
                for i in 0..40 {
                    log.append(entry(&format!("h{t}_{i}"))).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_intact(&path, 240);
}

#[test]
fn kill_9_mid_write_then_append_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    for round in 0..3 {
        let mut child = spawn_child("crash", &path, None);
        let deadline = Instant::now() + Duration::from_secs(30);
        let start_len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        while std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) < start_len + 2_000_000 {
            assert!(
                Instant::now() < deadline,
                "child wrote too little in round {round}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let log = AuditLog::open(&path, &config(Durability::Always)).unwrap();
        let appended = log.append(entry("after_crash")).unwrap();
        if let Some(repair) = log.last_repair() {
            assert!(repair.moved_to.exists());
            assert_eq!(
                std::fs::metadata(&repair.moved_to).unwrap().len(),
                repair.torn_bytes
            );
        }
        drop(log);
        let report = verify(&path, &mut VerifyOptions::default()).unwrap();
        assert!(report.intact, "round {round}: {:?}", report.breaks);
        assert_eq!(report.last_seq, Some(appended.seq));
    }
}

#[test]
fn synthetic_torn_tail_is_moved_aside_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    {
        let log = AuditLog::open(&path, &config(Durability::Always)).unwrap();
        for i in 0..3 {
            log.append(entry(&format!("ok_{i}"))).unwrap();
        }
    }
    let torn = br#"{"action_description":null,"action_name":"half_writ"#;
    let mut bytes = std::fs::read(&path).unwrap();
    let good_len = bytes.len() as u64;
    bytes.extend_from_slice(torn);
    std::fs::write(&path, &bytes).unwrap();

    let before = verify(&path, &mut VerifyOptions::default()).unwrap();
    assert!(!before.intact, "an unterminated tail is reported");
    assert_eq!(before.first_break(), Some(4));

    let report = repair(&path).unwrap().expect("a repair happened");
    assert_eq!(report.torn_bytes, torn.len() as u64);
    assert_eq!(report.truncated_at, good_len);
    assert_eq!(report.torn_sha256, attesta_core::audit::sha256_hex(torn));
    assert_eq!(std::fs::read(&report.moved_to).unwrap(), torn);
    assert!(
        report
            .moved_to
            .to_string_lossy()
            .starts_with(&*torn_path_prefix(&path).to_string_lossy())
    );
    assert_eq!(report.entry.kind(), EntryKind::Repair);
    assert_eq!(report.entry.seq, 4);
    assert_eq!(report.entry.metadata["repair"]["torn_bytes"], torn.len());

    assert!(repair(&path).unwrap().is_none(), "nothing left to repair");
    let log = AuditLog::open(&path, &config(Durability::Always)).unwrap();
    log.append(entry("next")).unwrap();
    assert_intact(&path, 5);

    // Only the torn start of an entry is repaired. A complete line that is not an entry, or an
    // unterminated one that is not the start of an entry, is reported and left in place: a
    // "repair" would let anyone replace the last entry and have the log call itself intact.
    let intact = std::fs::read(&path).unwrap();
    for garbage in [&b"\0\0\0\0\0\n"[..], b"{\"verdict\":\"approved\"}\n", b"not an entry", b"{\"zzz\": 1"] {
        let mut bytes = intact.clone();
        bytes.extend_from_slice(garbage);
        std::fs::write(&path, &bytes).unwrap();
        let err = log.append(entry("after_garbage")).unwrap_err();
        assert!(matches!(err, attesta::audit::AuditError::DamagedTail { .. }), "{garbage:?}: {err}");
        assert!(err.to_string().contains("tampering"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "nothing moved or truncated");
    }
    std::fs::write(&path, &intact).unwrap();
    let _ = (AuditEntry::parse_line, EntryKind::Repair);
}

#[test]
fn damaged_history_is_not_silently_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    {
        let log = AuditLog::open(&path, &config(Durability::None)).unwrap();
        log.append(entry("a")).unwrap();
    }
    std::fs::write(&path, b"garbage one\ngarbage two\n").unwrap();
    let err = AuditLog::open(&path, &config(Durability::None)).unwrap_err();
    assert!(
        matches!(err, attesta::audit::AuditError::DamagedTail { .. }),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"garbage one\ngarbage two\n");
}

#[test]
fn append_fails_loudly_when_the_file_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::open(&path, &config(Durability::Always)).unwrap();
    log.append(entry("ok")).unwrap();
    // Replace the log with a directory: the writer reopens the path and must fail, not succeed.
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    assert!(log.append(entry("lost")).is_err());
}
