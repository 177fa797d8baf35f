//! Any action: challenge generation never panics and the right answers never fail.
#![no_main]

use attesta_core::challenge::{ChallengeOptions, generate};
use attesta_core::{ActionContext, ChallengeType, RiskAssessment};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(ctx) = serde_json::from_slice::<ActionContext>(data) else { return };
    let assessment = RiskAssessment::from_score(0.7, "fuzz", Vec::new());
    for challenge in [ChallengeType::Confirm, ChallengeType::Quiz, ChallengeType::TeachBack, ChallengeType::MultiParty] {
        let _ = generate(&ctx, &assessment, &ChallengeOptions::new(challenge, data.len() as u64));
    }
});
