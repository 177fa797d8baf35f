//! Any answer to a teach-back of a real action: the check never panics and always gives a
//! verdict (a rejection carries its reason). The first byte picks one of the blind set's
//! actions, the rest is the answer.
#![no_main]

use attesta_core::challenge::{ChallengeOptions, Response, check, generate};
use attesta_core::{ActionContext, ChallengeType, RiskAssessment};
use libfuzzer_sys::fuzz_target;

const ACTIONS: &str = include_str!("../../crates/attesta-core/tests/corpus/teach_back_heldout49.jsonl");

fuzz_target!(|data: &[u8]| {
    let Some((&pick, answer)) = data.split_first() else { return };
    let lines: Vec<&str> = ACTIONS.lines().filter(|l| !l.trim().is_empty()).collect();
    let line = lines[pick as usize % lines.len()];
    let Ok(case) = serde_json::from_str::<serde_json::Value>(line) else { return };
    let Ok(ctx) = serde_json::from_value::<ActionContext>(case["ctx"].clone()) else { return };
    let assessment = RiskAssessment::from_score(0.8, "fuzz", Vec::new());
    let (_, key) = generate(&ctx, &assessment, &ChallengeOptions::new(ChallengeType::TeachBack, 1));
    let answer = String::from_utf8_lossy(answer).into_owned();
    let result = check(&key, &Response::TeachBack(answer), 1e9, &[]).expect("no lockout");
    assert!(result.passed || result.details.get("reason").is_some());
});
