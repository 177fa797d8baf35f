//! Challenge generation and checking cost (they run on every gated call that needs a human).

use std::hint::black_box;

use attesta_core::challenge::{ChallengeOptions, Response, check, generate};
use attesta_core::scoring::{DefaultRiskScorer, RiskScorer};
use attesta_core::{ActionContext, ChallengeType, RiskAssessment, RiskFactor};
use criterion::{Criterion, criterion_group, criterion_main};

fn action() -> ActionContext {
    ActionContext::new("transfer_funds")
        .with_kwarg("amount", 12_500.75)
        .with_kwarg("to", "treasury@example.com")
        .with_kwarg("account_id", "acct_88421")
        .with_kwarg("callback_url", "https://hooks.example.net/payments")
        .with_kwarg("memo", "Q3 settlement for invoice inv_2024_0071")
        .with_environment("production")
}

fn bench(c: &mut Criterion) {
    let ctx = action();
    let assessment = RiskAssessment::from_score(
        0.85,
        "bench",
        vec![RiskFactor::new("function_name", 0.9, 0.3, "pay")],
    );
    let mut quiz = ChallengeOptions::new(ChallengeType::Quiz, 7);
    quiz.quiz.questions = 3;
    c.bench_function("generate quiz (3 questions)", |b| {
        b.iter(|| generate(black_box(&ctx), &assessment, &quiz))
    });
    let multi = ChallengeOptions::new(ChallengeType::MultiParty, 7);
    c.bench_function("generate multi-party (2 approvers)", |b| {
        b.iter(|| generate(black_box(&ctx), &assessment, &multi))
    });
    let (_, key) = generate(
        &ctx,
        &assessment,
        &ChallengeOptions::new(ChallengeType::TeachBack, 7),
    );
    let text = Response::TeachBack(
        "This pays twelve thousand five hundred dollars to the treasury mailbox at example.com from the \
         settlement account, in production, and the money cannot be pulled back"
            .to_owned(),
    );
    c.bench_function("check teach-back", |b| {
        b.iter(|| check(&key, black_box(&text), 30.0, &[]))
    });
}

/// A 2 MB request with 100,000 small keys: scoring plus every challenge must stay linear.
fn huge(c: &mut Criterion) {
    let kwargs: serde_json::Map<String, serde_json::Value> = (0..100_000)
        .map(|i| {
            (
                format!("field_{i:06}"),
                serde_json::Value::from(format!("value-{i:08}")),
            )
        })
        .collect();
    let mut ctx = ActionContext::new("bulk_update_records").with_kwarg("table", "customers");
    ctx.kwargs.extend(kwargs);
    let bytes = serde_json::to_string(&ctx).map(|s| s.len()).unwrap_or(0);
    assert!(bytes >= 2_000_000, "{bytes} bytes");
    let mut group = c.benchmark_group("2 MB / 100k-key request");
    group.sample_size(10);
    group.bench_function("score + multi-party (teach-back, quiz, confirm)", |b| {
        b.iter(|| {
            let mut assessment = DefaultRiskScorer::new().score(black_box(&ctx));
            assessment.level = attesta_core::RiskLevel::Critical;
            let mut options = ChallengeOptions::new(ChallengeType::MultiParty, 7);
            options.approvers_required = 3;
            generate(&ctx, &assessment, &options)
        })
    });
    group.bench_function("score + HIGH quiz", |b| {
        b.iter(|| {
            let assessment = DefaultRiskScorer::new().score(black_box(&ctx));
            generate(
                &ctx,
                &assessment,
                &ChallengeOptions::new(ChallengeType::Quiz, 7),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench, huge);
criterion_main!(benches);
