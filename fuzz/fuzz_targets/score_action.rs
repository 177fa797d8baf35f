//! Any JSON an agent could send: the wire parser and the default scorer never panic, and the
//! score is always a valid probability.
#![no_main]

use attesta_core::ActionContext;
use attesta_core::scoring::{DefaultRiskScorer, RiskScorer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(ctx) = serde_json::from_slice::<ActionContext>(data) else { return };
    let assessment = DefaultRiskScorer::new().score(&ctx);
    assert!((0.0..=1.0).contains(&assessment.score));
});
