//! [`AuditEntry`]: one decision as it is stored, hashed and chained.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::canonical::{hex_lower, write_canonical, write_string};
use super::entry_jcs::write_without_chain_hash;
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
/// - `modification`: the replacement arguments of a `modified` verdict (redacted);
/// - `queue_seconds`: for a challenged decision, the time before the approver first saw it
///   (`review_duration_seconds` is from first sight to the answer).
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

fn sanitize_factor(factor: &RiskFactor, redactor: &Redactor, known: &[String]) -> RiskFactor {
    RiskFactor {
        name: factor.name.clone(),
        score: clamp_score(factor.score),
        weight: finite_or(factor.weight, 1.0),
        contribution: finite_or(factor.contribution, 1.0),
        // Evidence quotes arguments ("shell: curl -H 'Authorization: …'"), so it is redacted too.
        evidence: redactor.redact_text_with(&factor.evidence, known),
    }
}

fn sub_record(
    result: &ChallengeResult,
    redactor: &Redactor,
    known: &[String],
) -> SubChallengeRecord {
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
            .map(|t| redactor.redact_text_with(t, known)),
    }
}

fn redact_map(
    map: &Map<String, Value>,
    redactor: &Redactor,
    known: &[String],
) -> Map<String, Value> {
    match redactor.redact_value_with(&Value::Object(map.clone()), known) {
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
        // Values of secret-named fields are also cut from every other text of the entry.
        let arguments = ctx.arguments_value();
        let mut known = redactor.all_secret_values(&arguments);
        known.extend(redactor.secret_values(&Value::Object(ctx.metadata.clone())));
        if let Some(modification) = &result.modification {
            known.extend(redactor.secret_values(modification));
        }
        let known = &known[..];
        let mut metadata = redact_map(&ctx.metadata, redactor, known);
        // Review time runs from when the approver first saw the challenge (prompt drawn, form
        // sent, page opened) to the answer; the wait before that is queue time, recorded apart
        // so statistics and rubber-stamp detection never count waiting as reading.
        let total = finite_or(result.review_seconds, 0.0).max(0.0);
        // A channel that did not measure first sight (a custom callback) reports 0: the whole
        // decision time stands in for it.
        let measured = challenge.filter(|c| {
            c.challenge_type != ChallengeType::AutoApprove
                && c.review_seconds.is_finite()
                && c.review_seconds > 0.0
        });
        let review_seconds =
            measured.map_or(total, |c| c.review_seconds.min(total.max(c.review_seconds)));
        if measured.is_some() {
            let queue = ((total - review_seconds).max(0.0) * 1000.0).round() / 1000.0;
            metadata.insert("queue_seconds".into(), Value::from(queue));
        }
        if result.enforced_verdict != result.verdict {
            metadata.insert(
                "enforced_verdict".into(),
                Value::from(result.enforced_verdict.as_str()),
            );
        }
        if let Some(modification) = &result.modification {
            metadata.insert(
                "modification".into(),
                redactor.redact_value_with(modification, known),
            );
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
            action_description: ctx
                .function_doc
                .as_deref()
                .map(|d| redactor.redact_text_with(d, known)),
            arguments: redactor.redact_value_with(&arguments, known),
            agent_id: ctx.agent_id.clone(),
            session_id: ctx.session_id.clone(),
            environment: ctx.environment.clone(),
            risk_score: clamp_score(result.risk.score),
            risk_level: result.risk.level,
            risk_factors: result
                .risk
                .factors
                .iter()
                .map(|f| sanitize_factor(f, redactor, known))
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
                    .map(|t| redactor.redact_text_with(t, known)),
                sub_challenges: c
                    .sub_results
                    .iter()
                    .map(|s| sub_record(s, redactor, known))
                    .collect(),
                details: redact_map(&c.details, redactor, known),
            }),
            approver_ids: result.approvers.clone(),
            approver_authenticated: result.approver_authenticated,
            verdict: result.verdict,
            reason: redactor.redact_text_with(&result.reason, known),
            review_duration_seconds: review_seconds,
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
        let mut out = Vec::with_capacity(2048);
        write_canonical(&value, &mut out);
        Ok(out)
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
        // The members are canonicalised once; the line is the hashed bytes with the
        // `"chain_hash":"…",` member spliced in at its sorted position.
        let mut out = Vec::with_capacity(2048);
        let at = write_without_chain_hash(self, &mut out);
        self.chain_hash = chain_hash_of(&out, previous_hash);
        let mut member = Vec::with_capacity(96);
        member.extend_from_slice(b"\"chain_hash\":");
        write_string(&self.chain_hash, &mut member);
        member.push(b',');
        out.splice(at..at, member);
        Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::RiskAssessment;
    use proptest::prelude::*;
    use serde_json::json;

    fn decision() -> (ActionContext, ApprovalResult) {
        let ctx = ActionContext::new("deploy_service")
            .with_kwarg("service", "api")
            .with_kwarg("api_key", "sk_live_abcdefghijklmnop")
            .with_agent("agent-7")
            .with_session("sess-1")
            .with_environment("production")
            .with_metadata("source", "mcp")
            .with_metadata("kind", "repair");
        let mut challenge = ChallengeResult::new(ChallengeType::MultiParty, true);
        challenge.questions_asked = 2;
        challenge.questions_correct = 2;
        challenge.min_review_seconds = 30.0;
        challenge.sub_results = vec![ChallengeResult::new(ChallengeType::TeachBack, true)];
        let at = Timestamp::from_second(1_700_000_000).unwrap();
        let result = ApprovalResult {
            verdict: Verdict::Approved,
            risk: RiskAssessment::from_score(
                0.1 + 0.2,
                "default",
                vec![RiskFactor::new("arguments", f64::NAN, 0.25, "x")],
            ),
            challenge: Some(challenge),
            approvers: vec!["alice".into(), "bob".into()],
            approver_authenticated: true,
            review_seconds: 41.25,
            audit_entry_id: "0190a1b2-0000-7000-8000-000000000001".into(),
            modification: None,
            reason: "approved by 2 approvers".into(),
            mode: Mode::Shadow,
            enforced_verdict: Verdict::Denied,
            trust_before: Some(0.3),
            intercepted_at: at,
            decided_at: at,
        };
        (ctx, result)
    }

    #[test]
    fn review_time_is_from_first_sight_and_queue_time_is_apart() {
        let (ctx, mut result) = decision();
        // 60 s waiting in the inbox, then 4.5 s reading and answering.
        result.review_seconds = 64.5;
        if let Some(c) = result.challenge.as_mut() {
            c.review_seconds = 4.5;
        }
        let e = AuditEntry::from_decision(&ctx, &result, &Redactor::builtin());
        assert_eq!(e.review_duration_seconds, 4.5);
        assert_eq!(e.metadata["queue_seconds"], 60.0);
        // No human challenge: the whole time is the decision time, no queue recorded.
        result.challenge = None;
        let e = AuditEntry::from_decision(&ctx, &result, &Redactor::builtin());
        assert_eq!(e.review_duration_seconds, 64.5);
        assert!(e.metadata.get("queue_seconds").is_none());
    }

    #[test]
    fn from_decision_copies_redacts_and_guards_kind() {
        let (ctx, result) = decision();
        let e = AuditEntry::from_decision(&ctx, &result, &Redactor::builtin());
        assert_eq!(e.entry_id, result.audit_entry_id);
        assert_eq!(
            e.arguments,
            json!({"args": [], "kwargs": {"service": "api", "api_key": "[REDACTED:password]"}})
        );
        assert_eq!(e.approver_ids, ["alice", "bob"]);
        assert!(e.approver_authenticated);
        assert_eq!(e.challenge_type, Some(ChallengeType::MultiParty));
        assert_eq!(e.challenge.as_ref().unwrap().sub_challenges.len(), 1);
        assert_eq!(e.min_review_seconds, 30.0);
        assert_eq!(e.metadata["enforced_verdict"], "denied");
        assert_eq!(
            e.kind(),
            EntryKind::Decision,
            "a caller cannot label a decision as a repair"
        );
        assert_eq!(e.metadata["caller_kind"], "repair");
        assert_eq!(
            e.risk_factors[0].score, 1.0,
            "NaN factor score is recorded as maximal"
        );
        assert_eq!(e.source(), Some("mcp"));
    }

    #[test]
    fn seal_parse_round_trip_keeps_floats_and_hash() {
        let (ctx, result) = decision();
        let mut e = AuditEntry::from_decision(&ctx, &result, &Redactor::builtin());
        let line = e.seal(7, GENESIS).unwrap();
        let back = AuditEntry::parse_line(&line, 1).unwrap();
        assert_eq!(back, e);
        assert_eq!(
            back.risk_score,
            0.1 + 0.2,
            "0.30000000000000004 survives JCS"
        );
        assert_eq!(back.compute_chain_hash().unwrap(), e.chain_hash);
        assert_eq!(back.decided_at.to_string(), "2023-11-14T22:13:20Z");
        let digest = super::super::digest_line(&line, 1).unwrap();
        assert!(digest.canonical && digest.self_consistent());
        assert_eq!(digest.computed_hash, e.chain_hash);
        // The documented rule, spelled out.
        let mut value: Value = serde_json::from_slice(&line).unwrap();
        value.as_object_mut().unwrap().remove("chain_hash");
        let mut bytes = serde_json_canonicalizer::to_vec(&value).unwrap();
        bytes.extend_from_slice(b"genesis");
        assert_eq!(super::super::sha256_hex(&bytes), e.chain_hash);
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            "\\PC{0,12}".prop_map(Value::String),
            "[\\x00-\\x1f\"\\\\/a-z\u{e000}\u{1F600}]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-zA-Z\u{e000}\u{1F600}_\"]{0,6}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn arb_map() -> impl Strategy<Value = Map<String, Value>> {
        prop::collection::btree_map("[a-z\u{e000}\u{1F600}_\\\n]{0,8}", arb_json(), 0..4)
            .prop_map(|m| m.into_iter().collect())
    }

    /// Any f64, including NaN, infinities and -0 (the serde form writes non-finite as null).
    fn arb_f64() -> impl Strategy<Value = f64> {
        prop_oneof![
            any::<f64>(),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(-0.0),
            Just(3.0),
            Just(1e21),
            Just(0.1 + 0.2),
        ]
    }

    fn arb_text() -> impl Strategy<Value = String> {
        "(\\PC|[\\x00-\\x1f\"\\\\\u{7f}\u{2028}]){0,16}"
    }

    fn arb_ts() -> impl Strategy<Value = Timestamp> {
        (-377_705_116_800i64..253_402_207_200, 0i32..1_000_000_000).prop_map(|(s, n)| {
            Timestamp::new(s, if s < 0 { 0 } else { n }).unwrap_or(Timestamp::UNIX_EPOCH)
        })
    }

    fn arb_factor() -> impl Strategy<Value = RiskFactor> {
        (arb_text(), arb_f64(), arb_f64(), arb_f64(), arb_text()).prop_map(
            |(name, score, weight, contribution, evidence)| RiskFactor {
                name,
                score,
                weight,
                contribution,
                evidence,
            },
        )
    }

    fn arb_sub() -> impl Strategy<Value = SubChallengeRecord> {
        (
            prop::sample::select(ChallengeType::ALL),
            any::<bool>(),
            prop::collection::vec(arb_text(), 0..3),
            any::<u32>(),
            any::<u32>(),
            arb_f64(),
            any::<bool>(),
            prop::option::of(arb_text()),
        )
            .prop_map(
                |(challenge_type, passed, responder_ids, asked, correct, secs, met, text)| {
                    SubChallengeRecord {
                        challenge_type,
                        passed,
                        responder_ids,
                        questions_asked: asked,
                        questions_correct: correct,
                        review_seconds: secs,
                        min_review_met: met,
                        teach_back_text: text,
                    }
                },
            )
    }

    fn arb_challenge() -> impl Strategy<Value = ChallengeRecord> {
        (
            any::<u32>(),
            any::<u32>(),
            prop::option::of(arb_text()),
            prop::collection::vec(arb_sub(), 0..3),
            arb_map(),
        )
            .prop_map(|(asked, correct, text, subs, details)| ChallengeRecord {
                questions_asked: asked,
                questions_correct: correct,
                teach_back_text: text,
                sub_challenges: subs,
                details,
            })
    }

    fn arb_entry() -> impl Strategy<Value = AuditEntry> {
        let ids = (
            any::<u64>(),
            arb_text(),
            arb_text(),
            arb_text(),
            prop::option::of(arb_text()),
            arb_json(),
            prop::option::of(arb_text()),
            prop::option::of(arb_text()),
            prop::option::of(arb_text()),
        );
        let risk = (
            arb_f64(),
            prop::sample::select(RiskLevel::ALL),
            prop::collection::vec(arb_factor(), 0..4),
            arb_text(),
            prop::option::of(prop::sample::select(ChallengeType::ALL)),
            any::<bool>(),
            prop::option::of(arb_challenge()),
        );
        let decision = (
            prop::collection::vec(arb_text(), 0..3),
            any::<bool>(),
            prop::sample::select(Verdict::ALL),
            arb_text(),
            arb_f64(),
            arb_f64(),
            any::<bool>(),
            arb_ts(),
            arb_ts(),
            prop::sample::select(&[Mode::Enforce, Mode::Shadow, Mode::AuditOnly][..]),
            prop::option::of(arb_f64()),
            arb_map(),
        );
        (ids, risk, decision).prop_map(|(ids, risk, decision)| {
            let (
                seq,
                entry_id,
                previous_hash,
                action_name,
                action_description,
                arguments,
                agent_id,
                session_id,
                environment,
            ) = ids;
            let (
                risk_score,
                risk_level,
                risk_factors,
                scorer,
                challenge_type,
                challenge_passed,
                challenge,
            ) = risk;
            let (
                approver_ids,
                approver_authenticated,
                verdict,
                reason,
                review_duration_seconds,
                min_review_seconds,
                min_review_met,
                intercepted_at,
                decided_at,
                mode,
                trust_before,
                metadata,
            ) = decision;
            AuditEntry {
                seq,
                entry_id,
                previous_hash,
                chain_hash: String::new(),
                action_name,
                action_description,
                arguments,
                agent_id,
                session_id,
                environment,
                risk_score,
                risk_level,
                risk_factors,
                scorer,
                challenge_type,
                challenge_passed,
                challenge,
                approver_ids,
                approver_authenticated,
                verdict,
                reason,
                review_duration_seconds,
                min_review_seconds,
                min_review_met,
                intercepted_at,
                decided_at,
                mode,
                trust_before,
                metadata,
            }
        })
    }

    proptest! {
        /// The directly written bytes equal the reference canonicaliser applied to the entry's
        /// serde form, both for the hashed bytes (without `chain_hash`) and the sealed line.
        #[test]
        fn sealed_line_matches_the_reference_canonicalizer(mut entry in arb_entry(), seq in any::<u64>(), prev in arb_text()) {
            let line = entry.seal(seq, &prev).unwrap();
            let mut value = serde_json::to_value(&entry).unwrap();
            prop_assert_eq!(
                String::from_utf8(line).unwrap(),
                serde_json_canonicalizer::to_string(&value).unwrap()
            );
            value.as_object_mut().unwrap().remove("chain_hash");
            let mut hashed = serde_json_canonicalizer::to_vec(&value).unwrap();
            hashed.extend_from_slice(prev.as_bytes());
            prop_assert_eq!(&super::super::sha256_hex(&hashed), &entry.chain_hash);
            prop_assert_eq!(entry.compute_chain_hash().unwrap(), entry.chain_hash.clone());
        }
    }

    #[test]
    fn parse_line_errors_carry_the_line_number() {
        let err = AuditEntry::parse_line(b"{\"seq\":", 12).unwrap_err();
        assert!(
            matches!(err, AuditError::MalformedLine { line: 12, .. }),
            "{err}"
        );
    }
}
