//! Helpers shared by the audit integration tests.
#![allow(dead_code)]

use std::path::Path;

use attesta::audit::{AuditEntry, Redactor};
use attesta_core::config::{AuditConfig, Durability};
use attesta_core::{
    ActionContext, ApprovalResult, ChallengeResult, ChallengeType, Mode, RiskAssessment,
    RiskFactor, Verdict,
};
use jiff::Timestamp;

pub fn config(durability: Durability) -> AuditConfig {
    AuditConfig {
        durability,
        ..AuditConfig::default()
    }
}

pub fn decision(
    action: &str,
    agent: &str,
    score: f64,
    verdict: Verdict,
    review: f64,
) -> (ActionContext, ApprovalResult) {
    let ctx = ActionContext::new(action)
        .with_kwarg("path", "/srv/data/report.csv")
        .with_agent(agent)
        .with_session("s-1")
        .with_environment("production")
        .with_metadata("source", "cli");
    let risk = RiskAssessment::from_score(
        score,
        "default",
        vec![RiskFactor::new("function_name", score, 0.3, "verb")],
    );
    let challenge_type = risk.level.default_challenge();
    let mut challenge = ChallengeResult::new(challenge_type, verdict.runs());
    challenge.review_seconds = review;
    challenge.min_review_seconds = 3.0;
    challenge.min_review_met = review >= 3.0 || challenge_type == ChallengeType::AutoApprove;
    challenge.responder_ids = vec!["alice".into()];
    let now = Timestamp::now();
    let result = ApprovalResult {
        verdict,
        risk,
        challenge: Some(challenge),
        approvers: vec!["alice".into()],
        approver_authenticated: false,
        review_seconds: review,
        audit_entry_id: uuid::Uuid::now_v7().to_string(),
        modification: None,
        reason: format!("{verdict} by alice"),
        mode: Mode::Enforce,
        enforced_verdict: verdict,
        trust_before: Some(0.3),
        intercepted_at: now,
        decided_at: now,
    };
    (ctx, result)
}

pub fn entry(action: &str) -> AuditEntry {
    let (ctx, result) = decision(action, "agent-1", 0.45, Verdict::Approved, 4.0);
    AuditEntry::from_decision(&ctx, &result, &Redactor::builtin())
}

pub fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

pub fn write_lines(path: &Path, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(path, text).unwrap();
}

/// Re-seals every line in order, as an attacker who can write the file but holds no key would.
pub fn recompute_chain(lines: &[String]) -> Vec<String> {
    let mut prev = attesta::audit::GENESIS.to_owned();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let mut e = AuditEntry::parse_line(line.as_bytes(), i as u64 + 1).unwrap();
        let bytes = e.seal(i as u64 + 1, &prev).unwrap();
        prev = e.chain_hash.clone();
        out.push(String::from_utf8(bytes).unwrap());
    }
    out
}
