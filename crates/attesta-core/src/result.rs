//! [`ChallengeResult`] and [`ApprovalResult`]: what a review produced.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::assessment::RiskAssessment;
use crate::types::{ChallengeType, Verdict};

/// How the pipeline treats a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Verdicts are binding.
    #[default]
    Enforce,
    /// Challenges run, the call always proceeds, and the audit records what enforce would have done.
    Shadow,
    /// Nothing is asked; every call is recorded and proceeds.
    AuditOnly,
}

impl Mode {
    pub const fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Shadow => "shadow",
            Mode::AuditOnly => "audit_only",
        }
    }
}

/// The outcome of one challenge (or of one sub-challenge of a multi-party review).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChallengeResult {
    pub challenge_type: ChallengeType,
    pub passed: bool,
    /// Who answered (one for single challenges, one per sub-challenge for multi-party).
    #[serde(default)]
    pub responder_ids: Vec<String>,
    #[serde(default)]
    pub questions_asked: u32,
    #[serde(default)]
    pub questions_correct: u32,
    /// Seconds between presentation and the accepted answer.
    #[serde(default)]
    pub review_seconds: f64,
    #[serde(default)]
    pub min_review_seconds: f64,
    #[serde(default = "yes")]
    pub min_review_met: bool,
    /// The operator's explanation, for teach-back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teach_back_text: Option<String>,
    /// Per-approver results of a multi-party review, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_results: Vec<ChallengeResult>,
    /// Anything else worth recording (`{"reason": …}`, `{"early_answers": 2}` …).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub details: Map<String, Value>,
}

fn yes() -> bool {
    true
}

impl ChallengeResult {
    pub fn new(challenge_type: ChallengeType, passed: bool) -> Self {
        ChallengeResult {
            challenge_type,
            passed,
            responder_ids: Vec::new(),
            questions_asked: 0,
            questions_correct: 0,
            review_seconds: 0.0,
            min_review_seconds: 0.0,
            min_review_met: true,
            teach_back_text: None,
            sub_results: Vec::new(),
            details: Map::new(),
        }
    }

    pub fn with_detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }
}

/// The full outcome of [`evaluate`](../../attesta/struct.Attesta.html): verdict, why, and the
/// record it left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalResult {
    pub verdict: Verdict,
    pub risk: RiskAssessment,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<ChallengeResult>,
    /// Approver identities, in the order they answered.
    #[serde(default)]
    pub approvers: Vec<String>,
    /// True only when the channel authenticated the approvers (the approval server).
    #[serde(default)]
    pub approver_authenticated: bool,
    pub review_seconds: f64,
    /// The audit entry's id (empty when auditing is disabled).
    #[serde(default)]
    pub audit_entry_id: String,
    /// For [`Verdict::Modified`]: the replacement arguments `{"args": [...], "kwargs": {...}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modification: Option<Value>,
    /// Human-readable reason for the verdict.
    pub reason: String,
    pub mode: Mode,
    /// What enforce mode would have decided (differs from `verdict` only in shadow/audit-only).
    pub enforced_verdict: Verdict,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_before: Option<f64>,
    pub intercepted_at: Timestamp,
    pub decided_at: Timestamp,
}

impl ApprovalResult {
    /// Whether the gated call may run.
    pub fn allows(&self) -> bool {
        self.verdict.runs()
    }
}
