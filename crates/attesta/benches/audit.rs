//! Audit log benchmarks: append at each durability, verify throughput, raw SHA-256 for comparison.
//!
//! `cargo bench -p attesta --bench audit`

use std::hint::black_box;
use std::time::Duration;

use attesta::audit::{AuditEntry, AuditLog, Redactor, VerifyOptions, verify};
use attesta_core::config::{AuditConfig, Durability};
use attesta_core::{
    ActionContext, ApprovalResult, ChallengeResult, ChallengeType, Mode, RiskAssessment,
    RiskFactor, Verdict,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sha2::{Digest, Sha256};

fn sample_entry(i: usize) -> AuditEntry {
    let ctx = ActionContext::new("run_shell_command")
        .with_kwarg(
            "command",
            format!("git push --force origin feature/{i} && kubectl rollout restart deploy/api"),
        )
        .with_kwarg("cwd", "/srv/app")
        .with_doc("Runs a shell command in the project workspace")
        .with_agent("agent-1")
        .with_session("session-1")
        .with_environment("production")
        .with_metadata("source", "mcp");
    let factors = vec![
        RiskFactor::new("function_name", 0.7, 0.3, "verb 'run' (execute)"),
        RiskFactor::new("arguments", 0.85, 0.25, "shell: git push --force"),
        RiskFactor::new("docstring", 0.2, 0.2, "no risk terms"),
        RiskFactor::new("hints", 0.0, 0.15, "none"),
        RiskFactor::new("novelty", 0.4, 0.1, "seen 12 times"),
    ];
    let mut challenge = ChallengeResult::new(ChallengeType::Quiz, true);
    challenge.questions_asked = 2;
    challenge.questions_correct = 2;
    challenge.review_seconds = 14.2;
    challenge.min_review_seconds = 10.0;
    challenge.responder_ids = vec!["alice".into()];
    let now = jiff::Timestamp::now();
    let result = ApprovalResult {
        verdict: Verdict::Approved,
        risk: RiskAssessment::from_score(0.6325, "default", factors),
        challenge: Some(challenge),
        approvers: vec!["alice".into()],
        approver_authenticated: false,
        review_seconds: 14.2,
        audit_entry_id: uuid::Uuid::now_v7().to_string(),
        modification: None,
        reason: "quiz passed (2/2)".into(),
        mode: Mode::Enforce,
        enforced_verdict: Verdict::Approved,
        trust_before: Some(0.42),
        intercepted_at: now,
        decided_at: now,
    };
    AuditEntry::from_decision(&ctx, &result, &Redactor::builtin())
}

fn append(c: &mut Criterion) {
    let mut group = c.benchmark_group("audit_append");
    group.measurement_time(Duration::from_secs(5));
    let entry = sample_entry(0);
    for durability in [Durability::None, Durability::Batch, Durability::Always] {
        let dir = tempfile::tempdir().unwrap();
        let config = AuditConfig {
            durability,
            ..AuditConfig::default()
        };
        let log = AuditLog::open(dir.path().join("audit.jsonl"), &config).unwrap();
        group.throughput(Throughput::Elements(1));
        group.bench_function(format!("{durability:?}").to_lowercase(), |b| {
            b.iter(|| black_box(log.append(entry.clone()).unwrap()))
        });
    }
    group.finish();

    // Building the entry (redaction included) is part of every decision's cost.
    c.bench_function("audit_from_decision", |b| {
        b.iter(|| black_box(sample_entry(1)))
    });
}

fn verify_throughput(c: &mut Criterion) {
    const ENTRIES: usize = 50_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    {
        let log = AuditLog::open(
            &path,
            &AuditConfig {
                durability: Durability::None,
                ..AuditConfig::default()
            },
        )
        .unwrap();
        let template = sample_entry(0);
        for i in 0..ENTRIES {
            let mut e = template.clone();
            e.entry_id = format!("entry-{i}");
            log.append(e).unwrap();
        }
    }
    let bytes = std::fs::metadata(&path).unwrap().len();
    let mut group = c.benchmark_group("audit_verify_50k");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("bytes", |b| {
        b.iter(|| {
            let report = verify(&path, &mut VerifyOptions::default()).unwrap();
            assert!(report.intact);
            black_box(report)
        })
    });
    group.throughput(Throughput::Elements(ENTRIES as u64));
    group.bench_function("entries", |b| {
        b.iter(|| black_box(verify(&path, &mut VerifyOptions::default()).unwrap()))
    });
    group.finish();
}

fn sha256_raw(c: &mut Criterion) {
    let data = vec![0x5au8; 1024 * 1024];
    let mut group = c.benchmark_group("sha256_raw");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("1MiB", |b| {
        b.iter(|| black_box(Sha256::digest(black_box(&data))))
    });
    group.finish();
}

criterion_group!(benches, append, verify_throughput, sha256_raw);
criterion_main!(benches);
