//! End-to-end cost of `evaluate` for an auto-approved LOW action, without and with the audit log.

use std::sync::Arc;

use attesta::config_file::LoadedConfig;
use attesta::reviewer::NonInteractiveReviewer;
use attesta::{ActionContext, AttestaBuilder, EvaluateOptions};
use attesta_core::config::Durability;
use criterion::{Criterion, criterion_group, criterion_main};

fn typical_read() -> ActionContext {
    ActionContext::new("read_file")
        .with_kwarg("path", "src/main.rs")
        .with_kwarg("encoding", "utf-8")
        .with_kwarg("max_bytes", 65536)
        .with_kwarg("follow_symlinks", false)
        .with_agent("bench-agent")
}

fn bench_evaluate(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = || {
        AttestaBuilder::from_loaded(LoadedConfig::defaults(dir.path().to_path_buf()))
            .environment("development")
            .env_lookup(|_| None)
            .reviewer(Arc::new(NonInteractiveReviewer::deny()))
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");

    let no_audit = base().without_audit().without_trust().build().expect("pipeline");
    c.bench_function("evaluate/auto_approve/no_audit", |b| {
        b.iter(|| runtime.block_on(no_audit.evaluate_with(typical_read(), EvaluateOptions::default())))
    });

    let mut builder = base().without_trust().audit_path(dir.path().join("none.jsonl"));
    builder.config_mut().audit.durability = Durability::None;
    let audited = builder.build().expect("pipeline");
    c.bench_function("evaluate/auto_approve/audit_durability_none", |b| {
        b.iter(|| runtime.block_on(audited.evaluate_with(typical_read(), EvaluateOptions::default())))
    });

    let mut builder = base().audit_path(dir.path().join("trust.jsonl")).trust_store_path(dir.path().join("trust.json"));
    builder.config_mut().audit.durability = Durability::None;
    let with_trust = builder.build().expect("pipeline");
    c.bench_function("evaluate/auto_approve/audit_none_with_trust_store", |b| {
        b.iter(|| runtime.block_on(with_trust.evaluate_with(typical_read(), EvaluateOptions::default())))
    });
}

criterion_group!(benches, bench_evaluate);
criterion_main!(benches);
