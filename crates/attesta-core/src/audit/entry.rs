//! [`AuditEntry`]: one decision as it is stored, hashed and chained.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::canonical::hex_lower;
use super::error::AuditError;
use super::redact::Redactor;
use crate::assessment::{RiskFactor, clamp_score};
use crate::context::ActionContext;
use crate::result::{ApprovalResult, ChallengeResult, Mode};
use crate::types::{ChallengeType, RiskLevel, Verdict};

/// The `prev` value chained into the first entry of a log.
pub const GENESIS: &str = "genesis";

/// What an entry records, from `metadata.kind`. Entries without a kind are decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A gated call's verdict (the normal case).
    Decision,
    /// A torn tail left by a crash was moved aside; `metadata.repair` says where and what.
    Repair,
    /// Any other kind written by a newer version; readers keep it but treat it as non-decision.
    Other,
}

impl EntryKind {
    pub const REPAIR: &'static str = "repair";
    pub const DECISION: &'static str = "decision";
}

/// One sub-challenge of a multi-party review, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubChallengeRecord {
    pub challenge_type: ChallengeType,
    pub passed: bool,
    pub responder_ids: Vec<String>,
    pub questions_asked: u32,
    pub questions_correct: u32,
    pub review_seconds: f64,
    pub min_review_met: bool,
    pub teach_back_text: Option<String>,
}

/// What the challenge asked and got back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChallengeRecord {
    pub questions_asked: u32,
    pub questions_correct: u32,
    /// The operator's explanation (teach-back), redacted like free text.
    pub teach_back_text: Option<String>,
    /// Per-approver results of a multi-party review, in order.
    pub sub_challenges: Vec<SubChallengeRecord>,
    /// Anything else the challenge reported (`reason`, `early_answers` …), redacted.
    pub details: Map<String, Value>,
}

/// One line of the audit log.
///
/// Field names and meanings follow SPEC §7. Besides the spec's fields it carries `reason` (why the
/// verdict), and `metadata` may hold:
/// - `source`: where the call came from (`mcp`, `dify`, `python`, `cli` …);
/// - `kind`: absent or `"decision"` for decisions, `"repair"` for a torn-tail repair record;
/// - `repair`: `{torn_bytes, torn_sha256, moved_to, truncated_at}` on repair entries;
/// - `segment`: `{previous_file, previous_chain_hash, previous_seq}` on the first entry of a
///   rotated segment;
/// - `enforced_verdict`: what enforce mode would have decided (shadow / audit-only);
/// - `modification`: the replacement arguments of a `modified` verdict (redacted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: u64,
    pub entry_id: String,
    pub previous_hash: String,
    pub chain_hash: String,
    pub action_name: String,
    pub action_description: Option<String>,
    /// `{"args": [...], "kwargs": {...}}` with secrets replaced by `[REDACTED:kind]`.
    pub arguments: Value,
    pub agent_id: Option<String>,
    pub session_id: Option<String>,
    pub environment: Option<String>,
    pub risk_score: f64,
    pub risk_level: RiskLevel,
    pub risk_factors: Vec<RiskFactor>,
    pub scorer: String,
    /// `None` when no challenge ran (blocked by a rule, audit-only mode, an internal error).
    pub challenge_type: Option<ChallengeType>,
    pub challenge_passed: bool,
    pub challenge: Option<ChallengeRecord>,
    pub approver_ids: Vec<String>,
    pub approver_authenticated: bool,
    pub verdict: Verdict,
    pub reason: String,
    pub review_duration_seconds: f64,
    pub min_review_seconds: f64,
    pub min_review_met: bool,
    pub intercepted_at: Timestamp,
    pub decided_at: Timestamp,
    pub mode: Mode,
    pub trust_before: Option<f64>,
    pub metadata: Map<String, Value>,
}

/// Non-finite numbers cannot be written canonically; a duration that is not a number is recorded
/// as zero and a score that is not a number as maximal risk (fail closed).
fn finite_or(value: f64, fallback: f64) -> f64 {
    if value.is_finite() { value } else { fallback }
}

fn sanitize_factor(factor: &RiskFactor, redactor: &Redactor) -> RiskFactor {
    RiskFactor {
        name: factor.name.clone(),
        score: clamp_score(factor.score),
        weight: finite_or(factor.weight, 1.0),
        contribution: finite_or(factor.contribution, 1.0),
        // Evidence quotes arguments ("shell: curl -H 'Authorization: …'"), so it is redacted too.
        evidence: redactor.redact_text(&factor.evidence),
    }
}

fn sub_record(result: &ChallengeResult, redactor: &Redactor) -> SubChallengeRecord {
    SubChallengeRecord {
        challenge_type: result.challenge_type,
        passed: result.passed,
        responder_ids: result.responder_ids.clone(),
        questions_asked: result.questions_asked,
        questions_correct: result.questions_correct,
        review_seconds: finite_or(result.review_seconds, 0.0),
        min_review_met: result.min_review_met,
        teach_back_text: result
            .teach_back_text
            .as_deref()
            .map(|t| redactor.redact_text(t)),
    }
}

fn redact_map(map: &Map<String, Value>, redactor: &Redactor) -> Map<String, Value> {
    match redactor.redact_value(&Value::Object(map.clone())) {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

impl AuditEntry {
    /// Builds the entry for one decision. `entry_id` comes from `result.audit_entry_id`;
    /// arguments, description, evidence, teach-back text and metadata are redacted. `seq`,
    /// `previous_hash` and `chain_hash` are left empty for the writer to fill.
    pub fn from_decision(
        ctx: &ActionContext,
        result: &ApprovalResult,
        redactor: &Redactor,
    ) -> AuditEntry {
        let challenge = result.challenge.as_ref();
        let (min_review_seconds, min_review_met) = challenge
            .map(|c| (finite_or(c.min_review_seconds, 0.0), c.min_review_met))
            .unwrap_or((0.0, true));
        let mut metadata = redact_map(&ctx.metadata, redactor);
        if result.enforced_verdict != result.verdict {
            metadata.insert(
                "enforced_verdict".into(),
                Value::from(result.enforced_verdict.as_str()),
            );
        }
        if let Some(modification) = &result.modification {
            metadata.insert("modification".into(), redactor.redact_value(modification));
        }
        // A caller-supplied "kind" must not make a decision look like a system record.
        if metadata
            .get("kind")
            .is_some_and(|k| k != EntryKind::DECISION)
        {
            let spoofed = metadata.remove("kind").unwrap_or(Value::Null);
            metadata.insert("caller_kind".into(), spoofed);
        }
        AuditEntry {
            seq: 0,
            entry_id: result.audit_entry_id.clone(),
            previous_hash: String::new(),
            chain_hash: String::new(),
            action_name: ctx.function_name.clone(),
            action_description: ctx.function_doc.as_deref().map(|d| redactor.redact_text(d)),
            arguments: redactor.redact_value(&ctx.arguments_value()),
            agent_id: ctx.agent_id.clone(),
            session_id: ctx.session_id.clone(),
            environment: ctx.environment.clone(),
            risk_score: clamp_score(result.risk.score),
            risk_level: result.risk.level,
            risk_factors: result
                .risk
                .factors
                .iter()
                .map(|f| sanitize_factor(f, redactor))
                .collect(),
            scorer: result.risk.scorer.clone(),
            challenge_type: challenge.map(|c| c.challenge_type),
            challenge_passed: challenge.is_some_and(|c| c.passed),
            challenge: challenge.map(|c| ChallengeRecord {
                questions_asked: c.questions_asked,
                questions_correct: c.questions_correct,
                teach_back_text: c
                    .teach_back_text
                    .as_deref()
                    .map(|t| redactor.redact_text(t)),
                sub_challenges: c
                    .sub_results
                    .iter()
                    .map(|s| sub_record(s, redactor))
                    .collect(),
                details: redact_map(&c.details, redactor),
            }),
            approver_ids: result.approvers.clone(),
            approver_authenticated: result.approver_authenticated,
            verdict: result.verdict,
            reason: redactor.redact_text(&result.reason),
            review_duration_seconds: finite_or(result.review_seconds, 0.0),
            min_review_seconds,
            min_review_met,
            intercepted_at: result.intercepted_at,
            decided_at: result.decided_at,
            mode: result.mode,
            trust_before: result.trust_before.map(|t| finite_or(t, 0.0)),
            metadata,
        }
    }

    /// A system record that says a torn tail was moved aside. The writer fills seq and hashes.
    pub fn repair_record(
        entry_id: String,
        at: Timestamp,
        repair: Value,
        reason: String,
    ) -> AuditEntry {
        let mut metadata = Map::new();
        metadata.insert("source".into(), Value::from("attesta"));
        metadata.insert("kind".into(), Value::from(EntryKind::REPAIR));
        metadata.insert("repair".into(), repair);
        AuditEntry {
            seq: 0,
            entry_id,
            previous_hash: String::new(),
            chain_hash: String::new(),
            action_name: "attesta.audit.repair".into(),
            action_description: Some(
                "A torn last line left by an interrupted write was moved aside".into(),
            ),
            arguments: Value::Object(Map::new()),
            agent_id: None,
            session_id: None,
            environment: None,
            risk_score: 0.0,
            risk_level: RiskLevel::Low,
            risk_factors: Vec::new(),
            scorer: "none".into(),
            challenge_type: None,
            challenge_passed: false,
            challenge: None,
            approver_ids: Vec::new(),
            approver_authenticated: false,
            // Nothing ran under this record; a system entry never counts as an approval.
            verdict: Verdict::Denied,
            reason,
            review_duration_seconds: 0.0,
            min_review_seconds: 0.0,
            min_review_met: true,
            intercepted_at: at,
            decided_at: at,
            mode: Mode::Enforce,
            trust_before: None,
            metadata,
        }
    }

    /// From `metadata.kind`.
    pub fn kind(&self) -> EntryKind {
        match self.metadata.get("kind").and_then(Value::as_str) {
            None | Some(EntryKind::DECISION) => EntryKind::Decision,
            Some(EntryKind::REPAIR) => EntryKind::Repair,
            Some(_) => EntryKind::Other,
        }
    }

    /// `metadata.source` when it is a string.
    pub fn source(&self) -> Option<&str> {
        self.metadata.get("source").and_then(Value::as_str)
    }

    fn to_value(&self) -> Result<Value, AuditError> {
        serde_json::to_value(self).map_err(|e| self.canonical_error(e.to_string()))
    }

    fn canonical_error(&self, reason: String) -> AuditError {
        AuditError::Canonical {
            entry_id: self.entry_id.clone(),
            reason,
        }
    }

    /// RFC 8785 bytes of the entry without `chain_hash`: the bytes that get hashed.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, AuditError> {
        let mut value = self.to_value()?;
        if let Value::Object(map) = &mut value {
            map.remove("chain_hash");
        }
        serde_json_canonicalizer::to_vec(&value).map_err(|e| self.canonical_error(e.to_string()))
    }

    /// `SHA-256(canonical_bytes ‖ previous_hash)`, lowercase hex.
    pub fn compute_chain_hash(&self) -> Result<String, AuditError> {
        Ok(chain_hash_of(&self.canonical_bytes()?, &self.previous_hash))
    }

    /// Sets `seq`, `previous_hash` and `chain_hash` and returns the log line (the JCS form of the
    /// whole entry, without the trailing newline).
    pub fn seal(&mut self, seq: u64, previous_hash: &str) -> Result<Vec<u8>, AuditError> {
        self.seq = seq;
        self.previous_hash = previous_hash.to_owned();
        self.chain_hash = String::new();
        self.chain_hash = self.compute_chain_hash()?;
        self.to_line()
    }

    /// The JCS serialisation of the whole entry, as written to the log (no newline).
    pub fn to_line(&self) -> Result<Vec<u8>, AuditError> {
        serde_json_canonicalizer::to_vec(&self.to_value()?)
            .map_err(|e| self.canonical_error(e.to_string()))
    }

    /// Parses one log line. Never panics; a bad line is a [`AuditError::MalformedLine`] naming
    /// `line_no` (1-based).
    pub fn parse_line(line: &[u8], line_no: u64) -> Result<AuditEntry, AuditError> {
        let trimmed = line.strip_suffix(b"\n").unwrap_or(line);
        let trimmed = trimmed.strip_suffix(b"\r").unwrap_or(trimmed);
        serde_json::from_slice(trimmed).map_err(|e| AuditError::MalformedLine {
            line: line_no,
            reason: e.to_string(),
        })
    }
}

/// `lowercase_hex(SHA-256(canonical ‖ prev))`.
pub fn chain_hash_of(canonical: &[u8], prev: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(canonical);
    hasher.update(prev.as_bytes());
    hex_lower(&hasher.finalize())
}
