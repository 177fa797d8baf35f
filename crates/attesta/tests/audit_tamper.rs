//! Tamper cases with their expected verdicts, checkpoints, redaction, rotation and queries.

mod audit_common;

use attesta::audit::{
    AuditEntry, AuditFilter, AuditLog, AuditReader, BreakKind, CheckpointKey, CheckpointVerifier,
    ExportFormat, Redactor, RubberStampRule, VerifyOptions, checkpoint_path, segment_files, verify,
    write_checkpoint,
};
use attesta_core::config::{Durability, RedactionConfig};
use attesta_core::{ActionContext, RiskLevel, Verdict};
use audit_common::*;
use ed25519_dalek::SigningKey;
use std::path::{Path, PathBuf};

fn log_with(n: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".attesta/audit.jsonl");
    let log = AuditLog::open(&path, &config(Durability::None)).unwrap();
    for i in 0..n {
        log.append(entry(&format!("action_{i}"))).unwrap();
    }
    (dir, path)
}

fn check(path: &Path) -> attesta::audit::VerifyReport {
    verify(path, &mut VerifyOptions::default()).unwrap()
}

fn check_with(path: &Path, key: &CheckpointVerifier) -> attesta::audit::VerifyReport {
    let mut options = VerifyOptions {
        checkpoint_key: Some(key.clone()),
        ..VerifyOptions::default()
    };
    verify(path, &mut options).unwrap()
}

fn hmac_key() -> CheckpointKey {
    CheckpointKey::hmac(b"test-key-0123456789abcdef".to_vec(), None).unwrap()
}

#[test]
fn untouched_log_is_intact_with_contiguous_seq() {
    let (_d, path) = log_with(10);
    let report = check(&path);
    assert!(report.intact, "{:?}", report.breaks);
    assert_eq!(report.entries, 10);
    assert_eq!(report.last_seq, Some(10));
    assert_eq!(report.canonical_lines, 10);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let first = AuditEntry::parse_line(lines(&path)[0].as_bytes(), 1).unwrap();
    assert_eq!(first.previous_hash, "genesis");
    assert_eq!(first.compute_chain_hash().unwrap(), first.chain_hash);
}

#[test]
fn edited_field_breaks_at_that_entry() {
    let (_d, path) = log_with(6);
    let mut l = lines(&path);
    l[3] = l[3].replace("\"verdict\":\"approved\"", "\"verdict\":\"denied\"");
    write_lines(&path, &l);
    let report = check(&path);
    assert!(!report.intact);
    assert_eq!(report.first_break(), Some(4));
    assert_eq!(report.broken_at(), vec![4]);
    assert_eq!(report.breaks[0].kind, BreakKind::HashMismatch);
}

#[test]
fn inserted_line_is_detected() {
    let (_d, path) = log_with(5);
    let mut l = lines(&path);
    let forged = l[1].clone();
    l.insert(2, forged);
    write_lines(&path, &l);
    let report = check(&path);
    assert!(!report.intact);
    assert_eq!(report.first_break(), Some(3));
}

#[test]
fn deleted_line_is_detected() {
    let (_d, path) = log_with(5);
    let mut l = lines(&path);
    l.remove(2);
    write_lines(&path, &l);
    let report = check(&path);
    assert!(!report.intact);
    assert_eq!(report.first_break(), Some(3));
    assert!(
        report
            .breaks
            .iter()
            .any(|b| b.kind == BreakKind::LinkMismatch)
    );
    assert!(
        report
            .breaks
            .iter()
            .any(|b| b.kind == BreakKind::SeqMismatch)
    );
}

#[test]
fn reordered_lines_are_detected() {
    let (_d, path) = log_with(5);
    let mut l = lines(&path);
    l.swap(1, 2);
    write_lines(&path, &l);
    let report = check(&path);
    assert!(!report.intact);
    assert_eq!(report.first_break(), Some(2));
    assert_eq!(report.broken_at(), vec![2, 3, 4]);
}

#[test]
fn malformed_line_is_reported_with_its_number() {
    let (_d, path) = log_with(4);
    let mut l = lines(&path);
    l[1] = "{not json".into();
    write_lines(&path, &l);
    let report = check(&path);
    assert_eq!(report.breaks[0].kind, BreakKind::Malformed);
    assert_eq!(report.breaks[0].entry, 2);
    assert_eq!(report.breaks[0].line, 2);
}

#[test]
fn truncated_tail_is_invisible_without_a_checkpoint_and_caught_with_one() {
    for key in [
        hmac_key(),
        CheckpointKey::ed25519(SigningKey::from_bytes(&[9; 32]), None),
    ] {
        let (_d, path) = log_with(8);
        let cp = write_checkpoint(&path, &key).unwrap();
        assert_eq!((cp.seq, cp.entries), (8, 8));
        assert!(check_with(&path, &key.verifier()).intact);

        let l = lines(&path);
        write_lines(&path, &l[..5]);
        assert!(check(&path).intact, "a clean cut is a valid shorter chain");
        let report = check_with(&path, &key.verifier());
        assert!(!report.intact);
        assert_eq!(report.breaks[0].kind, BreakKind::CheckpointTruncated);
        assert_eq!(report.first_break(), Some(6));
    }
}

#[test]
fn full_recomputation_is_invisible_without_a_checkpoint_and_caught_with_one() {
    let (_d, path) = log_with(8);
    let key = hmac_key();
    write_checkpoint(&path, &key).unwrap();
    let mut l = lines(&path);
    l[2] = l[2].replace("\"verdict\":\"approved\"", "\"verdict\":\"denied\"");
    write_lines(&path, &recompute_chain(&l));
    assert!(check(&path).intact, "recomputed chain verifies on its own");
    let report = check_with(&path, &key.verifier());
    assert!(!report.intact);
    assert_eq!(report.breaks[0].kind, BreakKind::CheckpointMismatch);
    assert_eq!(report.first_break(), Some(8));
}

#[test]
fn forged_checkpoint_is_detected() {
    let (_d, path) = log_with(4);
    let key = hmac_key();
    write_checkpoint(&path, &key).unwrap();
    // An attacker truncates, then writes a checkpoint for the shorter log with a guessed key.
    let l = lines(&path);
    write_lines(&path, &l[..2]);
    let attacker = CheckpointKey::hmac(
        b"attacker-guess-000000".to_vec(),
        Some(key.key_id().to_owned()),
    )
    .unwrap();
    let forged = attacker.sign(
        2,
        serde_json::from_str::<serde_json::Value>(&l[1]).unwrap()["chain_hash"]
            .as_str()
            .unwrap(),
        2,
        jiff::Timestamp::now(),
    );
    std::fs::write(
        checkpoint_path(&path),
        format!("{}\n", serde_json::to_string(&forged).unwrap()),
    )
    .unwrap();
    let report = check_with(&path, &key.verifier());
    assert!(!report.intact);
    assert!(
        report
            .breaks
            .iter()
            .any(|b| b.kind == BreakKind::CheckpointForged),
        "{:?}",
        report.breaks
    );
}

#[test]
fn missing_checkpoint_file_fails_closed() {
    let (_d, path) = log_with(2);
    let report = check_with(&path, &hmac_key().verifier());
    assert!(!report.intact);
    assert_eq!(report.breaks[0].kind, BreakKind::CheckpointMissing);
}

#[test]
fn checkpoint_refuses_a_broken_log() {
    let (_d, path) = log_with(3);
    let mut l = lines(&path);
    l.swap(0, 1);
    write_lines(&path, &l);
    assert!(matches!(
        write_checkpoint(&path, &hmac_key()),
        Err(attesta::audit::AuditError::BrokenChain { entry: 1, .. })
    ));
}

#[test]
fn no_secret_reaches_the_file() {
    let secrets = [
        "hunter2-password",
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
        "xoxb-123456789012-abcdefghijkl",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.dGhpcyBpcyBhIHNpZ25hdHVyZQ",
        "4111 1111 1111 1111",
        "MIIEowIBAAKCAQEAsecretkeymaterial",
        "Sup3rS3cretDbPass",
        "bearer-token-value-xyz123",
        "custom-internal-777",
    ];
    let ctx = ActionContext::new("run_shell")
        .with_arg(format!("AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={} aws s3 ls", secrets[1], secrets[2]))
        .with_arg(format!("curl -H 'Authorization: Bearer {}' https://api.example.com", secrets[9]))
        .with_kwarg("password", secrets[0])
        .with_kwarg("config", serde_json::json!({"github": {"token": secrets[3]}, "notes": format!("slack {} jwt {}", secrets[4], secrets[5])}))
        .with_kwarg("card", secrets[6])
        .with_kwarg("key_file", format!("-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----", secrets[7]))
        .with_kwarg("dsn", format!("postgres://app:{}@db:5432/main", secrets[8]))
        .with_kwarg("ticket", secrets[10])
        .with_doc(format!("Runs a command; never log {}", secrets[0]));
    let (_, mut result) = decision("run_shell", "a", 0.9, Verdict::Denied, 1.0);
    result.reason = format!("denied: saw {}", secrets[1]);
    let redactor = Redactor::new(&RedactionConfig {
        enabled: true,
        keys: vec![],
        patterns: vec![r"custom-internal-\d+".into()],
    })
    .unwrap();
    let (_d, path) = log_with(0);
    let log = AuditLog::open(&path, &config(Durability::Always)).unwrap();
    let written = log
        .append(AuditEntry::from_decision(&ctx, &result, &redactor))
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    for secret in secrets {
        assert!(!text.contains(secret), "{secret} leaked into {text}");
    }
    assert!(text.contains("[REDACTED:aws_key]") && text.contains("[REDACTED:password]"));
    assert!(text.contains("[REDACTED:card_number]") && text.contains("[REDACTED:private_key]"));
    assert!(
        written.arguments.to_string().contains("aws s3 ls"),
        "non-secret text stays"
    );
    assert!(check(&path).intact);
}

#[test]
fn rotation_chains_segments_and_verify_walks_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let mut cfg = config(Durability::None);
    cfg.rotate_bytes = 4_000;
    let log = AuditLog::open(&path, &cfg).unwrap();
    for i in 0..40 {
        log.append(entry(&format!("a{i}"))).unwrap();
    }
    drop(log);
    let segments = segment_files(&path).unwrap();
    assert!(segments.len() >= 3, "{segments:?}");
    let report = check(&path);
    assert!(report.intact, "{:?}", report.breaks);
    assert_eq!(report.entries, 40);
    assert_eq!(report.files.len(), segments.len() + 1);
    let first_of_active = AuditEntry::parse_line(lines(&path)[0].as_bytes(), 1).unwrap();
    let link = &first_of_active.metadata["segment"];
    let last_of_prev = lines(&segments.last().unwrap().1).pop().unwrap();
    let last_of_prev = AuditEntry::parse_line(last_of_prev.as_bytes(), 1).unwrap();
    assert_eq!(
        link["previous_chain_hash"],
        last_of_prev.chain_hash.as_str()
    );
    assert_eq!(first_of_active.previous_hash, last_of_prev.chain_hash);

    // Deleting an old segment breaks the walk.
    std::fs::remove_file(&segments[1].1).unwrap();
    assert!(!check(&path).intact);
}

#[test]
fn queries_stats_rubber_stamps_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::open(&path, &config(Durability::None)).unwrap();
    let redactor = Redactor::builtin();
    let cases = [
        ("read_file", "a1", 0.1, Verdict::Approved, 0.0), // auto-approved low: not a stamp
        ("write_file", "a1", 0.45, Verdict::Approved, 0.5), // fast medium approval: stamp
        ("delete_file", "a2", 0.7, Verdict::Approved, 12.0), // careful: not a stamp
        ("drop_table", "a2", 0.9, Verdict::Denied, 1.0),  // denied: not a stamp
        ("=cmd|' /C calc'!A0", "a2", 0.7, Verdict::Approved, 2.0), // stamp, and a formula name
    ];
    for (action, agent, score, verdict, review) in cases {
        let (ctx, result) = decision(action, agent, score, verdict, review);
        log.append(AuditEntry::from_decision(&ctx, &result, &redactor))
            .unwrap();
    }
    let reader = AuditReader::new(&path);
    let stamps = reader.rubber_stamps(3.0, RiskLevel::Medium).unwrap();
    let names: Vec<_> = stamps.iter().map(|e| e.action_name.as_str()).collect();
    assert_eq!(names, ["write_file", "=cmd|' /C calc'!A0"]);
    assert_eq!(reader.rubber_stamps(3.0, RiskLevel::High).unwrap().len(), 1);

    let stats = reader
        .stats(&AuditFilter::default(), &RubberStampRule::default())
        .unwrap();
    assert_eq!(stats.total, 5);
    assert_eq!(stats.verdicts["approved"], 4);
    assert_eq!(stats.verdicts["denied"], 1);
    assert_eq!(stats.rubber_stamps, 2);
    assert!((stats.rubber_stamp_rate - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(stats.agents["a2"].total, 3);
    assert_eq!(stats.approvers["alice"].decisions, 5);
    // Human-reviewed: 0.5, 12, 1, 2 (the auto-approved read is not a review).
    assert_eq!(stats.median_review_seconds, Some(1.5));
    assert_eq!(stats.reviewed, 4);

    let filter = AuditFilter {
        agent_id: Some("a2".into()),
        min_risk: Some(RiskLevel::High),
        ..AuditFilter::default()
    };
    assert_eq!(reader.query(&filter).unwrap().count(), 3);
    let filter = AuditFilter {
        verdict: Some(Verdict::Denied),
        ..AuditFilter::default()
    };
    assert_eq!(
        reader
            .query(&filter)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .action_name,
        "drop_table"
    );

    let mut csv = Vec::new();
    assert_eq!(
        reader
            .export(&AuditFilter::default(), ExportFormat::Csv, &mut csv)
            .unwrap(),
        5
    );
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("\"'=cmd|' /C calc'!A0\""), "{csv}");
    assert!(!csv.contains(",=cmd"));
    let mut json = Vec::new();
    reader
        .export(&AuditFilter::default(), ExportFormat::Json, &mut json)
        .unwrap();
    let parsed: Vec<AuditEntry> = serde_json::from_slice(&json).unwrap();
    assert_eq!(parsed.len(), 5);
    let mut jsonl = Vec::new();
    reader
        .export(&AuditFilter::default(), ExportFormat::Jsonl, &mut jsonl)
        .unwrap();
    assert_eq!(
        String::from_utf8(jsonl).unwrap(),
        std::fs::read_to_string(&path).unwrap()
    );
}

#[test]
fn progress_is_reported_and_reaches_the_total() {
    let (_d, path) = log_with(20);
    let mut calls = Vec::new();
    let mut record = |p: attesta::audit::VerifyProgress| calls.push(p);
    let mut options = VerifyOptions {
        progress: Some(&mut record),
        ..VerifyOptions::default()
    };
    let report = verify(&path, &mut options).unwrap();
    let last = *calls.last().expect("called at least once");
    assert_eq!(last.bytes_done, last.bytes_total);
    assert_eq!(last.bytes_done, report.bytes);
    assert_eq!(last.entries, 20);
}

#[test]
fn non_canonical_but_correct_lines_still_verify() {
    let (_d, path) = log_with(3);
    // Reformat one entry (key order and spacing) without changing its content.
    let mut l = lines(&path);
    let value: serde_json::Value = serde_json::from_str(&l[1]).unwrap();
    let mut pretty = serde_json::to_string_pretty(&value)
        .unwrap()
        .replace('\n', " ");
    pretty.insert(1, ' ');
    l[1] = pretty;
    write_lines(&path, &l);
    let report = check(&path);
    assert!(report.intact, "{:?}", report.breaks);
    assert_eq!(report.canonical_lines, 2);
}
