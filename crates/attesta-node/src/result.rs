//! `ApprovalResult` handed to JavaScript as text: building a JavaScript object property by
//! property through N-API costs several times more than V8's `JSON.parse`, and an auto-approved
//! call should cost little more than the pipeline itself.
//!
//! Format: three compact JSON texts joined by `\n` (compact JSON never contains a raw newline),
//! written into one buffer sized once:
//! 1. the head, a JSON *array* of every scalar field, the approvers, the modification and the
//!    `AttestaDenied` message, in the order of [`Head`] (V8 parses an array about twice as fast
//!    as the same values under keys; `lib/attesta.cjs` `finish` reads it by position);
//! 2. the risk factors, in the shape serde gives them;
//! 3. the challenge result (or `null`), in the shape serde gives it.
//!
//! The JavaScript layer parses the head at once and the other two only when they are read. The
//! last two are written here field by field (constant keys, strings copied whole when nothing in
//! them needs escaping), about twice as fast as serde's generic path; each writer destructures
//! its struct exhaustively, so a field added to `RiskFactor` or `ChallengeResult` stops the build
//! until it is written too, and the tests compare the text with serde's.

use attesta::AttestaDenied;
use attesta_core::{ApprovalResult, ChallengeResult, RiskFactor};
use serde::Serialize;
use serde_json::Value;

/// The head's fields, by position. Keep in step with `finish` in `lib/attesta.cjs`.
#[derive(Serialize)]
struct Head<'a>(
    /* 0 verdict */ &'static str,
    /* 1 risk_score */ f64,
    /* 2 risk_level */ &'static str,
    /* 3 scorer */ &'a str,
    /* 4 challenge_type */ Option<&'static str>,
    /* 5 challenge_passed */ bool,
    /* 6 reason */ &'a str,
    /* 7 approvers */ &'a [String],
    /* 8 approver_authenticated */ bool,
    /* 9 audit_entry_id */ &'a str,
    /* 10 modification */ Option<&'a Value>,
    /* 11 review_seconds */ f64,
    /* 12 mode */ &'static str,
    /* 13 enforced_verdict */ &'static str,
    /* 14 trust_before */ Option<f64>,
    /* 15 intercepted_at */ &'a jiff::Timestamp,
    /* 16 decided_at */ &'a jiff::Timestamp,
    /* 17 denial_message */ &'a str,
);

fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    let start = out.len();
    if serde_json::to_writer(&mut *out, value).is_err() {
        // Nothing here fails to serialise (no maps with non-string keys); if it ever did, the
        // part reads as null rather than as broken text.
        out.truncate(start);
        out.extend_from_slice(b"null");
    }
}

/// A JSON string; copied whole when no character needs escaping (the usual case).
fn write_str(out: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        write(out, s);
    }
}

fn write_key(out: &mut Vec<u8>, first: bool, key: &str) {
    if !first {
        out.push(b',');
    }
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
}

fn write_factors(out: &mut Vec<u8>, factors: &[RiskFactor]) {
    out.push(b'[');
    for (i, factor) in factors.iter().enumerate() {
        let RiskFactor { name, score, weight, contribution, evidence } = factor;
        if i > 0 {
            out.push(b',');
        }
        out.push(b'{');
        write_key(out, true, "name");
        write_str(out, name);
        write_key(out, false, "score");
        write(out, score);
        write_key(out, false, "weight");
        write(out, weight);
        write_key(out, false, "contribution");
        write(out, contribution);
        write_key(out, false, "evidence");
        write_str(out, evidence);
        out.push(b'}');
    }
    out.push(b']');
}

fn write_challenge(out: &mut Vec<u8>, challenge: &ChallengeResult) {
    let ChallengeResult {
        challenge_type,
        passed,
        responder_ids,
        questions_asked,
        questions_correct,
        review_seconds,
        min_review_seconds,
        min_review_met,
        teach_back_text,
        sub_results,
        details,
    } = challenge;
    out.push(b'{');
    write_key(out, true, "challenge_type");
    write_str(out, challenge_type.as_str());
    write_key(out, false, "passed");
    write(out, passed);
    write_key(out, false, "responder_ids");
    out.push(b'[');
    for (i, id) in responder_ids.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, id);
    }
    out.push(b']');
    write_key(out, false, "questions_asked");
    write(out, questions_asked);
    write_key(out, false, "questions_correct");
    write(out, questions_correct);
    write_key(out, false, "review_seconds");
    write(out, review_seconds);
    write_key(out, false, "min_review_seconds");
    write(out, min_review_seconds);
    write_key(out, false, "min_review_met");
    write(out, min_review_met);
    if let Some(text) = teach_back_text {
        write_key(out, false, "teach_back_text");
        write_str(out, text);
    }
    if !sub_results.is_empty() {
        write_key(out, false, "sub_results");
        out.push(b'[');
        for (i, sub) in sub_results.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_challenge(out, sub);
        }
        out.push(b']');
    }
    if !details.is_empty() {
        write_key(out, false, "details");
        write(out, details);
    }
    out.push(b'}');
}

pub fn to_json(r: ApprovalResult) -> String {
    let denial_message = if r.allows() {
        String::new()
    } else {
        AttestaDenied::from_result(r.clone()).message
    };
    let head = Head(
        r.verdict.as_str(),
        r.risk.score,
        r.risk.level.as_str(),
        &r.risk.scorer,
        r.challenge.as_ref().map(|c| c.challenge_type.as_str()),
        r.challenge.as_ref().is_some_and(|c| c.passed),
        &r.reason,
        &r.approvers,
        r.approver_authenticated,
        &r.audit_entry_id,
        r.modification.as_ref(),
        r.review_seconds,
        r.mode.as_str(),
        r.enforced_verdict.as_str(),
        r.trust_before,
        &r.intercepted_at,
        &r.decided_at,
        &denial_message,
    );
    let mut out = Vec::with_capacity(1024);
    write(&mut out, &head);
    out.push(b'\n');
    write_factors(&mut out, &r.risk.factors);
    out.push(b'\n');
    match &r.challenge {
        Some(challenge) => write_challenge(&mut out, challenge),
        None => out.extend_from_slice(b"null"),
    }
    // serde_json writes UTF-8 only.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use attesta_core::{ChallengeType, Mode, RiskAssessment, RiskLevel, Verdict};

    fn result(verdict: Verdict) -> ApprovalResult {
        let factor = RiskFactor::new("function_name", 0.05, 0.3, "verb \"read\"\n(read-only)");
        let risk = RiskAssessment::from_score(0.115, "default", vec![factor]);
        ApprovalResult {
            verdict,
            risk,
            challenge: Some(ChallengeResult::new(ChallengeType::AutoApprove, true)),
            approvers: vec!["alice".into()],
            approver_authenticated: false,
            review_seconds: 0.25,
            audit_entry_id: "0190-id".into(),
            modification: None,
            reason: "auto-approved: low risk".into(),
            mode: Mode::Enforce,
            enforced_verdict: verdict,
            trust_before: Some(0.5),
            intercepted_at: "2026-12-04T15:02:50.26252Z".parse().expect("a timestamp"),
            decided_at: "2026-12-04T15:02:51Z".parse().expect("a timestamp"),
        }
    }

    fn parts(text: &str) -> Vec<Value> {
        let parts: Vec<&str> = text.split('\n').collect();
        assert_eq!(parts.len(), 3, "three lines: {text}");
        parts.iter().map(|p| serde_json::from_str(p).expect("each line is JSON")).collect()
    }

    #[test]
    fn the_head_carries_every_field_by_position_and_the_rest_as_serde_writes_it() {
        let r = result(Verdict::Approved);
        let p = parts(&to_json(r.clone()));
        let head = p[0].as_array().expect("the head is an array");
        assert_eq!(head.len(), 18);
        assert_eq!(head[0], "approved");
        assert_eq!(head[1], 0.115);
        assert_eq!(head[2], RiskLevel::Low.as_str());
        assert_eq!(head[3], "default");
        assert_eq!(head[4], "auto_approve");
        assert_eq!(head[5], true);
        assert_eq!(head[6], "auto-approved: low risk");
        assert_eq!(head[7], serde_json::json!(["alice"]));
        assert_eq!(head[8], false);
        assert_eq!(head[9], "0190-id");
        assert_eq!(head[10], Value::Null);
        assert_eq!(head[11], 0.25);
        assert_eq!(head[12], "enforce");
        assert_eq!(head[13], "approved");
        assert_eq!(head[14], 0.5);
        assert_eq!(head[15], r.intercepted_at.to_string());
        assert_eq!(head[16], r.decided_at.to_string());
        assert_eq!(head[17], "");
        let lines: Vec<String> = to_json(r.clone()).split('\n').map(str::to_owned).collect();
        assert_eq!(lines[1], serde_json::to_string(&r.risk.factors).unwrap());
        assert_eq!(lines[2], serde_json::to_string(&r.challenge).unwrap());
    }

    #[test]
    fn a_full_challenge_result_is_written_exactly_as_serde_writes_it() {
        let mut sub = ChallengeResult::new(ChallengeType::TeachBack, false);
        sub.teach_back_text = Some("it deletes \"prod\"\tlogs \u{1} \u{e9}\u{1f600}".into());
        sub.responder_ids = vec!["bob\\".into()];
        sub.details.insert("reason".into(), serde_json::json!({"nested": [1, 2.5, null, "x\ny"]}));
        let mut top = ChallengeResult::new(ChallengeType::MultiParty, true);
        top.responder_ids = vec!["alice".into(), "bob\\".into()];
        top.questions_asked = 3;
        top.questions_correct = 2;
        top.review_seconds = 12.75;
        top.min_review_seconds = 1e-7;
        top.min_review_met = false;
        top.sub_results = vec![sub.clone(), ChallengeResult::new(ChallengeType::Quiz, true)];
        top.details.insert("early_answers".into(), 2.into());
        for challenge in [top, sub, ChallengeResult::new(ChallengeType::Confirm, false)] {
            let mut out = Vec::new();
            write_challenge(&mut out, &challenge);
            assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&challenge).unwrap());
        }
    }

    proptest::proptest! {
        #[test]
        fn factors_are_written_exactly_as_serde_writes_them(
            factors in proptest::collection::vec(
                (".*", proptest::num::f64::ANY, proptest::num::f64::ANY, proptest::num::f64::ANY, ".*"),
                0..4,
            )
        ) {
            let factors: Vec<RiskFactor> = factors
                .into_iter()
                .map(|(name, score, weight, contribution, evidence)| RiskFactor { name, score, weight, contribution, evidence })
                .collect();
            let mut out = Vec::new();
            write_factors(&mut out, &factors);
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&factors).unwrap());
        }
    }

    #[test]
    fn a_denial_carries_the_gate_message_and_no_challenge_reads_null() {
        let mut r = result(Verdict::Denied);
        r.challenge = None;
        let p = parts(&to_json(r.clone()));
        assert_eq!(p[0][4], Value::Null);
        assert_eq!(p[0][5], false);
        assert_eq!(p[0][17], AttestaDenied::from_result(r).message.as_str());
        assert_eq!(p[2], Value::Null);
    }
}
