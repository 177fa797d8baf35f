//! `ApprovalResult` handed to JavaScript as text: building a JavaScript object property by
//! property through N-API costs several times more than V8's `JSON.parse`, and an auto-approved
//! call should cost little more than the pipeline itself.
//!
//! Format: three compact JSON texts joined by `\n` (compact JSON never contains a raw newline):
//! the head (every scalar field, the approvers, the modification and the `AttestaDenied`
//! message), the risk factors, and the challenge result (or `null`). The JavaScript layer parses
//! the head at once and the other two only when they are read.

use attesta::AttestaDenied;
use attesta_core::{ApprovalResult, ChallengeResult, RiskFactor};
use serde::Serialize;
use serde_json::Value;

#[derive(Serialize)]
struct Head<'a> {
    verdict: &'static str,
    risk_score: f64,
    risk_level: &'static str,
    scorer: &'a str,
    challenge_type: Option<&'static str>,
    challenge_passed: bool,
    reason: &'a str,
    approvers: &'a [String],
    approver_authenticated: bool,
    audit_entry_id: &'a str,
    modification: Option<&'a Value>,
    review_seconds: f64,
    mode: &'static str,
    enforced_verdict: &'static str,
    trust_before: Option<f64>,
    intercepted_at: String,
    decided_at: String,
    denial_message: String,
}

fn text<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

pub fn to_json(r: ApprovalResult) -> String {
    let denial_message = if r.allows() {
        String::new()
    } else {
        AttestaDenied::from_result(r.clone()).message
    };
    let head = Head {
        verdict: r.verdict.as_str(),
        risk_score: r.risk.score,
        risk_level: r.risk.level.as_str(),
        scorer: &r.risk.scorer,
        challenge_type: r.challenge.as_ref().map(|c| c.challenge_type.as_str()),
        challenge_passed: r.challenge.as_ref().is_some_and(|c| c.passed),
        reason: &r.reason,
        approvers: &r.approvers,
        approver_authenticated: r.approver_authenticated,
        audit_entry_id: &r.audit_entry_id,
        modification: r.modification.as_ref(),
        review_seconds: r.review_seconds,
        mode: r.mode.as_str(),
        enforced_verdict: r.enforced_verdict.as_str(),
        trust_before: r.trust_before,
        intercepted_at: r.intercepted_at.to_string(),
        decided_at: r.decided_at.to_string(),
        denial_message,
    };
    let factors: &[RiskFactor] = &r.risk.factors;
    let challenge: Option<&ChallengeResult> = r.challenge.as_ref();
    format!("{}\n{}\n{}", text(&head), text(&factors), text(&challenge))
}
