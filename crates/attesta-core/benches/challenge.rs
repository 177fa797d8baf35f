//! Challenge generation and checking cost (they run on every gated call that needs a human).

use std::hint::black_box;

use attesta_core::challenge::{ChallengeOptions, Response, check, generate};
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

criterion_group!(benches, bench);
criterion_main!(benches);
