//! Scoring cost: the default scorer on typical calls and the engine with a domain profile.
//!
//! `cargo bench -p attesta-core --bench scoring -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::sync::Arc;

use attesta_core::ActionContext;
use attesta_core::config::{DomainProfile, RiskConfig};
use attesta_core::scoring::{DefaultRiskScorer, RiskEngine, RiskScorer};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};

fn typical_call() -> ActionContext {
    ActionContext::new("mcp__github__create_issue")
        .with_kwarg("owner", "acme")
        .with_kwarg("repo", "payments-service")
        .with_kwarg("title", "Retry webhook deliveries on 502")
        .with_kwarg(
            "body",
            "Deliveries to https://hooks.example.com fail intermittently; add back-off.",
        )
}

fn shell_call() -> ActionContext {
    ActionContext::new("Bash")
        .with_kwarg(
            "command",
            "cd /srv/app && git pull --rebase && cargo build --release 2>&1 | tail -20",
        )
        .with_kwarg("description", "Update and build the service")
}

fn big_payload() -> ActionContext {
    let records: Vec<Value> = (0..200)
        .map(|i| {
            json!({
                "id": i,
                "customer": {"name": format!("Customer {i}"), "email": format!("user{i}@example.com"), "tier": "gold"},
                "items": [{"sku": format!("SKU-{i}"), "qty": 2, "price": 19.5}],
                "notes": "deliver to the back door, call first",
            })
        })
        .collect();
    ActionContext::new("import_orders")
        .with_kwarg("source", "shopify")
        .with_kwarg("records", Value::Array(records))
}

fn bench(c: &mut Criterion) {
    let scorer = DefaultRiskScorer::new();
    let typical = typical_call();
    let shell = shell_call();
    let big = big_payload();
    c.bench_function("default/typical_4_args", |b| {
        b.iter(|| scorer.score(black_box(&typical)))
    });
    c.bench_function("default/shell_command", |b| {
        b.iter(|| scorer.score(black_box(&shell)))
    });
    c.bench_function("default/big_nested_payload_200_records", |b| {
        b.iter(|| scorer.score(black_box(&big)))
    });

    let risk = RiskConfig {
        profiles: vec![DomainProfile {
            name: "devops".into(),
            ..Default::default()
        }],
        environment_multipliers: [("production".to_owned(), 1.2)].into_iter().collect(),
        ..Default::default()
    };
    let engine = RiskEngine::new(Arc::new(DefaultRiskScorer::new()), &risk).expect("valid config");
    c.bench_function("engine/typical_4_args_with_devops_profile", |b| {
        b.iter(|| engine.assess(black_box(&typical), None, "production"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
