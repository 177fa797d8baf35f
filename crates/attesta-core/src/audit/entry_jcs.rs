//! The RFC 8785 bytes of an [`AuditEntry`], written straight from the struct.
//!
//! Sealing used to serialise the entry into a `serde_json::Value` tree (cloning every string into
//! an ordered map) and canonicalise that tree twice, once without and once with `chain_hash`.
//! The entry's members are fixed, so their canonical order is known in advance: the writer below
//! emits them in that order, once, and remembers where `chain_hash` belongs, so the sealed line is
//! the hashed bytes with one member spliced in. Free-form parts (`arguments`, `metadata`,
//! `challenge.details`) still go through [`write_canonical`].
//!
//! The bytes must equal `serde_json_canonicalizer` applied to the entry's serde form; a property
//! test over arbitrary entries checks exactly that. Every struct is destructured without `..`, so
//! a new field fails to compile here until it is written.

use std::fmt::Write as _;

use jiff::Timestamp;
use serde_json::{Map, Number, Value};

use super::canonical::{write_canonical, write_canonical_map, write_number, write_string};
use super::entry::{AuditEntry, ChallengeRecord, SubChallengeRecord};
use crate::assessment::RiskFactor;

/// Writes `"name":` (member names here are plain ASCII identifiers: no escapes needed).
fn key(name: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\":");
}

/// serde_json turns a non-finite float into `null`; everything else is an ECMAScript number.
fn float(value: f64, out: &mut Vec<u8>) {
    match Number::from_f64(value) {
        Some(n) => write_number(&n, out),
        None => out.extend_from_slice(b"null"),
    }
}

fn unsigned(value: u64, out: &mut Vec<u8>) {
    write_number(&Number::from(value), out);
}

fn boolean(value: bool, out: &mut Vec<u8>) {
    out.extend_from_slice(if value { b"true" } else { b"false" });
}

fn opt_str(value: Option<&str>, out: &mut Vec<u8>) {
    match value {
        Some(s) => write_string(s, out),
        None => out.extend_from_slice(b"null"),
    }
}

fn strings(values: &[String], out: &mut Vec<u8>) {
    out.push(b'[');
    for (i, s) in values.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_string(s, out);
    }
    out.push(b']');
}

/// A timestamp is serialised through its `Display` form (RFC 3339), as jiff's serde impl does.
fn timestamp(value: &Timestamp, scratch: &mut String, out: &mut Vec<u8>) {
    scratch.clear();
    // Writing into a String cannot fail.
    let _ = write!(scratch, "{value}");
    write_string(scratch, out);
}

fn map(value: &Map<String, Value>, out: &mut Vec<u8>) {
    write_canonical_map(value, out);
}

fn factor(value: &RiskFactor, out: &mut Vec<u8>) {
    let RiskFactor {
        name,
        score,
        weight,
        contribution,
        evidence,
    } = value;
    key("contribution", out);
    float(*contribution, out);
    out.push(b',');
    key("evidence", out);
    write_string(evidence, out);
    out.push(b',');
    key("name", out);
    write_string(name, out);
    out.push(b',');
    key("score", out);
    float(*score, out);
    out.push(b',');
    key("weight", out);
    float(*weight, out);
}

fn sub_challenge(value: &SubChallengeRecord, out: &mut Vec<u8>) {
    let SubChallengeRecord {
        challenge_type,
        passed,
        responder_ids,
        questions_asked,
        questions_correct,
        review_seconds,
        min_review_met,
        teach_back_text,
    } = value;
    key("challenge_type", out);
    write_string(challenge_type.as_str(), out);
    out.push(b',');
    key("min_review_met", out);
    boolean(*min_review_met, out);
    out.push(b',');
    key("passed", out);
    boolean(*passed, out);
    out.push(b',');
    key("questions_asked", out);
    unsigned(u64::from(*questions_asked), out);
    out.push(b',');
    key("questions_correct", out);
    unsigned(u64::from(*questions_correct), out);
    out.push(b',');
    key("responder_ids", out);
    strings(responder_ids, out);
    out.push(b',');
    key("review_seconds", out);
    float(*review_seconds, out);
    out.push(b',');
    key("teach_back_text", out);
    opt_str(teach_back_text.as_deref(), out);
}

fn challenge(value: &ChallengeRecord, out: &mut Vec<u8>) {
    let ChallengeRecord {
        questions_asked,
        questions_correct,
        teach_back_text,
        sub_challenges,
        details,
    } = value;
    key("details", out);
    map(details, out);
    out.push(b',');
    key("questions_asked", out);
    unsigned(u64::from(*questions_asked), out);
    out.push(b',');
    key("questions_correct", out);
    unsigned(u64::from(*questions_correct), out);
    out.push(b',');
    key("sub_challenges", out);
    out.push(b'[');
    for (i, sub) in sub_challenges.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'{');
        sub_challenge(sub, out);
        out.push(b'}');
    }
    out.push(b']');
    out.push(b',');
    key("teach_back_text", out);
    opt_str(teach_back_text.as_deref(), out);
}

/// Appends the canonical form of `entry` *without* `chain_hash` to `out` and returns the offset
/// at which the `"chain_hash":"…",` member belongs (it sorts between `arguments` and
/// `challenge`, so it is never the last member and always takes a trailing comma).
pub(crate) fn write_without_chain_hash(entry: &AuditEntry, out: &mut Vec<u8>) -> usize {
    let AuditEntry {
        seq,
        entry_id,
        previous_hash,
        chain_hash: _,
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
        challenge: challenge_record,
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
    } = entry;
    let mut scratch = String::with_capacity(40);
    // Members in RFC 8785 order (byte order of the ASCII names).
    out.push(b'{');
    key("action_description", out);
    opt_str(action_description.as_deref(), out);
    out.push(b',');
    key("action_name", out);
    write_string(action_name, out);
    out.push(b',');
    key("agent_id", out);
    opt_str(agent_id.as_deref(), out);
    out.push(b',');
    key("approver_authenticated", out);
    boolean(*approver_authenticated, out);
    out.push(b',');
    key("approver_ids", out);
    strings(approver_ids, out);
    out.push(b',');
    key("arguments", out);
    write_canonical(arguments, out);
    out.push(b',');
    let chain_hash_at = out.len();
    key("challenge", out);
    match challenge_record {
        Some(record) => {
            out.push(b'{');
            challenge(record, out);
            out.push(b'}');
        }
        None => out.extend_from_slice(b"null"),
    }
    out.push(b',');
    key("challenge_passed", out);
    boolean(*challenge_passed, out);
    out.push(b',');
    key("challenge_type", out);
    opt_str(challenge_type.map(|c| c.as_str()), out);
    out.push(b',');
    key("decided_at", out);
    timestamp(decided_at, &mut scratch, out);
    out.push(b',');
    key("entry_id", out);
    write_string(entry_id, out);
    out.push(b',');
    key("environment", out);
    opt_str(environment.as_deref(), out);
    out.push(b',');
    key("intercepted_at", out);
    timestamp(intercepted_at, &mut scratch, out);
    out.push(b',');
    key("metadata", out);
    map(metadata, out);
    out.push(b',');
    key("min_review_met", out);
    boolean(*min_review_met, out);
    out.push(b',');
    key("min_review_seconds", out);
    float(*min_review_seconds, out);
    out.push(b',');
    key("mode", out);
    write_string(mode.as_str(), out);
    out.push(b',');
    key("previous_hash", out);
    write_string(previous_hash, out);
    out.push(b',');
    key("reason", out);
    write_string(reason, out);
    out.push(b',');
    key("review_duration_seconds", out);
    float(*review_duration_seconds, out);
    out.push(b',');
    key("risk_factors", out);
    out.push(b'[');
    for (i, f) in risk_factors.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'{');
        factor(f, out);
        out.push(b'}');
    }
    out.push(b']');
    out.push(b',');
    key("risk_level", out);
    write_string(risk_level.as_str(), out);
    out.push(b',');
    key("risk_score", out);
    float(*risk_score, out);
    out.push(b',');
    key("scorer", out);
    write_string(scorer, out);
    out.push(b',');
    key("seq", out);
    unsigned(*seq, out);
    out.push(b',');
    key("session_id", out);
    opt_str(session_id.as_deref(), out);
    out.push(b',');
    key("trust_before", out);
    match trust_before {
        Some(t) => float(*t, out),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b',');
    key("verdict", out);
    write_string(verdict.as_str(), out);
    out.push(b'}');
    chain_hash_at
}
