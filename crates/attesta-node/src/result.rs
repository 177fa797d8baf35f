//! `ApprovalResult` as a plain JavaScript object (camelCase), built once per evaluation.

use attesta::AttestaDenied;
use attesta_core::ApprovalResult;
use napi_derive::napi;
use serde_json::Value;

/// The fields the JavaScript `ApprovalResult` carries. `challengeType`, `modification`,
/// `challenge` and `trustBefore` are `null` when absent (normalised by the JavaScript layer).
#[napi(object)]
pub struct NativeResult {
    pub verdict: String,
    pub risk_score: f64,
    pub risk_level: String,
    pub risk_factors: Value,
    pub scorer: String,
    pub challenge_type: Option<String>,
    pub challenge_passed: bool,
    pub challenge: Value,
    pub reason: String,
    pub approvers: Vec<String>,
    pub approver_authenticated: bool,
    pub audit_entry_id: String,
    pub modification: Value,
    pub review_seconds: f64,
    pub mode: String,
    pub enforced_verdict: String,
    pub trust_before: Option<f64>,
    pub intercepted_at: String,
    pub decided_at: String,
    /// The message `AttestaDenied` carries (empty when the action may run).
    pub denial_message: String,
}

impl From<ApprovalResult> for NativeResult {
    fn from(r: ApprovalResult) -> Self {
        let denial_message = if r.allows() {
            String::new()
        } else {
            AttestaDenied::from_result(r.clone()).message
        };
        let factors = serde_json::to_value(&r.risk.factors).unwrap_or(Value::Null);
        let challenge = match &r.challenge {
            Some(c) => serde_json::to_value(c).unwrap_or(Value::Null),
            None => Value::Null,
        };
        NativeResult {
            verdict: r.verdict.as_str().to_owned(),
            risk_score: r.risk.score,
            risk_level: r.risk.level.as_str().to_owned(),
            risk_factors: factors,
            scorer: r.risk.scorer,
            challenge_type: r
                .challenge
                .as_ref()
                .map(|c| c.challenge_type.as_str().to_owned()),
            challenge_passed: r.challenge.as_ref().is_some_and(|c| c.passed),
            challenge,
            reason: r.reason,
            approvers: r.approvers,
            approver_authenticated: r.approver_authenticated,
            audit_entry_id: r.audit_entry_id,
            modification: r.modification.unwrap_or(Value::Null),
            review_seconds: r.review_seconds,
            mode: r.mode.as_str().to_owned(),
            enforced_verdict: r.enforced_verdict.as_str().to_owned(),
            trust_before: r.trust_before,
            intercepted_at: r.intercepted_at.to_string(),
            decided_at: r.decided_at.to_string(),
            denial_message,
        }
    }
}
