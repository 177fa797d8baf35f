//! JavaScript reviewers.
//!
//! Two shapes are accepted (the JavaScript layer tells which):
//! - *answer* (a function): Attesta's own challenge runs in Rust and the function is given the
//!   public challenge (never the answer key) and returns the human's answers, which Rust checks
//!   exactly as on the terminal — minimum review time included. An optional `identify(slot)`
//!   names each approver of a multi-party review;
//! - *decide* (an object with `decide(request)`): the team's own channel decides and returns a
//!   verdict (optionally a modification and approver ids). An approval that comes back sooner
//!   than the minimum review time is denied.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use attesta::reviewer::{
    ApproverSlot, ChallengeRunner, LineAsk, NoticeKind, Prompter, ReviewOutcome, ReviewRequest,
    Reviewer, ReviewerError, Style, SystemClock, render_challenge,
};
use attesta_core::challenge::{ChallengeBody, PublicChallenge};
use attesta_core::{ChallengeResult, ChallengeType, Verdict};
use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::bridge::{JsCall, call};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Answer,
    Decide,
}

pub struct JsReviewer {
    callback: Arc<JsCall>,
    shape: Shape,
    name: String,
}

impl JsReviewer {
    pub fn new(callback: Arc<JsCall>, shape: Shape, name: Option<String>) -> Self {
        let name = name
            .filter(|n| !n.trim().is_empty())
            .map(|n| format!("javascript:{n}"))
            .unwrap_or_else(|| "javascript".to_owned());
        JsReviewer {
            callback,
            shape,
            name,
        }
    }
}

/// How long one callback may take: the pipeline's own timeout cancels the review first; this is
/// only the backstop when the policy has no timeout.
fn backstop(request: &ReviewRequest) -> Duration {
    let t = request.timeout_seconds;
    if t.is_finite() && t > 0.0 {
        Duration::from_secs_f64((t + 1.0).min(1e9))
    } else {
        Duration::from_secs(24 * 3600)
    }
}

fn failed(why: String) -> ReviewerError {
    ReviewerError::Failed(format!("the JavaScript reviewer {why}"))
}

fn summary(request: &ReviewRequest) -> Value {
    json!({
        "ctx": &*request.ctx,
        "risk": &*request.assessment,
        "challengeType": request.challenge.as_str(),
        "minReviewSeconds": request.min_review_seconds,
        "approversRequired": request.approvers_required,
        "timeoutSeconds": request.timeout_seconds,
    })
}

impl Reviewer for JsReviewer {
    fn name(&self) -> &str {
        &self.name
    }

    fn review<'a>(
        &'a self,
        request: &'a ReviewRequest,
    ) -> BoxFuture<'a, Result<ReviewOutcome, ReviewerError>> {
        Box::pin(async move {
            match self.shape {
                Shape::Decide => self.decide(request).await,
                Shape::Answer => {
                    let mut prompter = JsPrompter {
                        callback: Arc::clone(&self.callback),
                        request: summary(request),
                        deadline: backstop(request),
                        current: None,
                        overview: None,
                        queue: VecDeque::new(),
                        asked: false,
                        operator: None,
                    };
                    let mut outcome = ChallengeRunner::new()
                        .run(request, &mut prompter, &SystemClock::new())
                        .await?;
                    outcome
                        .challenge
                        .details
                        .insert("channel".into(), Value::from(self.name.clone()));
                    Ok(outcome)
                }
            }
        })
    }
}

/// What a `decide` reviewer returned.
struct Answer {
    verdict: Verdict,
    modification: Option<Value>,
    approvers: Vec<String>,
    reason: String,
}

fn parse_decision(out: &Value) -> Result<Answer, ReviewerError> {
    let bad = || {
        failed(format!(
            "returned {out}; return a Verdict, or {{ verdict, modification?, approvers?, reason? }}"
        ))
    };
    let verdict_of = |v: &Value| -> Result<Verdict, ReviewerError> {
        match v {
            Value::Bool(true) => Ok(Verdict::Approved),
            Value::Bool(false) => Ok(Verdict::Denied),
            Value::String(s) => s
                .parse::<Verdict>()
                .map_err(|e| failed(format!("returned an unknown verdict: {e}"))),
            _ => Err(bad()),
        }
    };
    let mut answer = Answer {
        verdict: Verdict::Denied,
        modification: None,
        approvers: Vec::new(),
        reason: String::new(),
    };
    match out {
        Value::Bool(_) | Value::String(_) => answer.verdict = verdict_of(out)?,
        Value::Object(map) => {
            answer.verdict = verdict_of(map.get("verdict").ok_or_else(bad)?)?;
            answer.modification = map.get("modification").filter(|m| !m.is_null()).cloned();
            match map.get("approvers") {
                Some(Value::Array(items)) => {
                    for item in items {
                        match item {
                            Value::String(s) => answer.approvers.push(s.clone()),
                            _ => return Err(bad()),
                        }
                    }
                }
                None | Some(Value::Null) => {}
                Some(_) => return Err(bad()),
            }
            if let Some(Value::String(a)) = map.get("approver") {
                answer.approvers.push(a.clone());
            }
            if let Some(Value::String(r)) = map.get("reason") {
                answer.reason = r.clone();
            }
        }
        _ => return Err(bad()),
    }
    Ok(answer)
}

impl JsReviewer {
    async fn decide(&self, request: &ReviewRequest) -> Result<ReviewOutcome, ReviewerError> {
        let started = Instant::now();
        let mut body = summary(request);
        body["op"] = Value::from("decide");
        let out = call(&self.callback, body.to_string(), backstop(request))
            .await
            .map_err(failed)?;
        let answer = parse_decision(&out)?;
        let elapsed = started.elapsed().as_secs_f64();
        let mut challenge = ChallengeResult::new(request.challenge, false);
        challenge.review_seconds = elapsed;
        challenge.min_review_seconds = request.min_review_seconds;
        challenge.min_review_met = elapsed >= request.min_review_seconds;
        challenge
            .details
            .insert("channel".into(), Value::from(self.name.clone()));
        challenge
            .details
            .insert("verified_by".into(), Value::from("decide"));
        challenge.responder_ids = answer.approvers.clone();
        let approvers = answer.approvers;
        let runs = matches!(answer.verdict, Verdict::Approved | Verdict::Modified);
        if runs && !challenge.min_review_met {
            let reason = format!(
                "the reviewer approved after {elapsed:.2} s, before the minimum review time of {} s; denied",
                request.min_review_seconds
            );
            challenge
                .details
                .insert("early_answer".into(), Value::from(true));
            return Ok(ReviewOutcome {
                verdict: Verdict::Denied,
                challenge,
                approvers,
                authenticated: false,
                modification: None,
                reason,
            });
        }
        challenge.passed = runs;
        if request.challenge == ChallengeType::MultiParty {
            challenge.details.insert(
                "approvers_required".into(),
                Value::from(request.approvers_required),
            );
        }
        let reason = if answer.reason.is_empty() {
            format!("{} by the JavaScript reviewer", answer.verdict)
        } else {
            answer.reason
        };
        Ok(ReviewOutcome {
            verdict: answer.verdict,
            challenge,
            approvers,
            authenticated: false,
            modification: if answer.verdict == Verdict::Modified {
                answer.modification
            } else {
                None
            },
            reason,
        })
    }
}

/// Feeds the challenge runner from one JavaScript call per challenge (or per approver).
struct JsPrompter {
    callback: Arc<JsCall>,
    request: Value,
    deadline: Duration,
    /// The challenge being answered and its approver slot.
    current: Option<(PublicChallenge, Option<ApproverSlot>)>,
    /// A multi-party overview (its steps are what approvers answer).
    overview: Option<PublicChallenge>,
    queue: VecDeque<String>,
    /// True once the current challenge was sent to JavaScript.
    asked: bool,
    operator: Option<String>,
}

fn slot_json(slot: Option<ApproverSlot>) -> Value {
    match slot {
        Some(s) => json!({ "index": s.index, "required": s.required }),
        None => Value::Null,
    }
}

/// `string`, `string[]`, `{ answers, approver? }`, or null (no answer: denied).
fn parse_answers(out: &Value) -> Result<(Vec<String>, Option<String>), ReviewerError> {
    let bad = || {
        failed(format!(
            "returned {out}; return the answer (a string), the answers (string[]), or {{ answers, approver? }}"
        ))
    };
    let list = |v: &Value| -> Result<Vec<String>, ReviewerError> {
        match v {
            Value::Null => Ok(Vec::new()),
            Value::String(s) => Ok(vec![s.clone()]),
            Value::Array(items) => items
                .iter()
                .map(|i| match i {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    _ => Err(bad()),
                })
                .collect(),
            _ => Err(bad()),
        }
    };
    match out {
        Value::Object(map) => {
            let answers = list(map.get("answers").unwrap_or(&Value::Null))?;
            let approver = match map.get("approver") {
                Some(Value::String(s)) => Some(s.clone()),
                None | Some(Value::Null) => None,
                Some(_) => return Err(bad()),
            };
            Ok((answers, approver))
        }
        other => Ok((list(other)?, None)),
    }
}

impl Prompter for JsPrompter {
    fn present<'a>(
        &'a mut self,
        challenge: &'a PublicChallenge,
        slot: Option<ApproverSlot>,
    ) -> BoxFuture<'a, Result<(), ReviewerError>> {
        Box::pin(async move {
            if matches!(challenge.body, ChallengeBody::MultiParty { .. }) {
                self.overview = Some(challenge.clone());
            } else {
                self.current = Some((challenge.clone(), slot));
                self.queue.clear();
                self.asked = false;
            }
            Ok(())
        })
    }

    fn notice<'a>(
        &'a mut self,
        _kind: NoticeKind,
        _text: &'a str,
    ) -> BoxFuture<'a, Result<(), ReviewerError>> {
        Box::pin(async { Ok(()) })
    }

    fn ask_line<'a>(
        &'a mut self,
        _ask: LineAsk<'a>,
    ) -> BoxFuture<'a, Result<Option<String>, ReviewerError>> {
        Box::pin(async move {
            if !self.asked {
                // Asked once per challenge, after it was shown: the time JavaScript takes counts
                // towards the minimum review time. A re-ask after an early answer finds the
                // queue empty, which closes the input (denied).
                self.asked = true;
                let Some((challenge, slot)) = self.current.clone() else {
                    return Ok(None);
                };
                let mut body = self.request.clone();
                body["op"] = Value::from("answer");
                body["challenge"] = serde_json::to_value(&challenge).unwrap_or(Value::Null);
                body["text"] =
                    Value::from(render_challenge(&challenge, slot, Style { color: false }));
                body["approver"] = slot_json(slot);
                let out = call(&self.callback, body.to_string(), self.deadline)
                    .await
                    .map_err(failed)?;
                let (answers, approver) = parse_answers(&out)?;
                if slot.is_none() {
                    self.operator = approver;
                }
                self.queue = answers.into();
            }
            Ok(self.queue.pop_front())
        })
    }

    fn ask_identity<'a>(
        &'a mut self,
        slot: ApproverSlot,
    ) -> BoxFuture<'a, Result<Option<String>, ReviewerError>> {
        Box::pin(async move {
            let step = match &self.overview {
                Some(PublicChallenge {
                    body: ChallengeBody::MultiParty { steps, .. },
                    ..
                }) => steps.get(slot.index).cloned(),
                _ => None,
            };
            let mut body = self.request.clone();
            body["op"] = Value::from("identify");
            body["approver"] = slot_json(Some(slot));
            body["challenge"] = step
                .map(|s| serde_json::to_value(s).unwrap_or(Value::Null))
                .unwrap_or(Value::Null);
            let out = call(&self.callback, body.to_string(), self.deadline)
                .await
                .map_err(failed)?;
            match out {
                Value::String(s) if !s.trim().is_empty() => Ok(Some(s)),
                Value::Null => Ok(None),
                Value::String(_) => Ok(None),
                other => Err(failed(format!(
                    "identify() returned {other}; return the approver's name"
                ))),
            }
        })
    }

    fn operator(&self) -> Option<String> {
        self.operator.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_answers, parse_decision};
    use attesta_core::Verdict;
    use proptest::prelude::*;
    use serde_json::{Value, json};

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            prop_oneof![
                Just("approved".to_owned()),
                Just("modified".to_owned()),
                ".{0,10}".prop_map(|s| s)
            ]
            .prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("verdict".to_owned()),
                        Just("answers".to_owned()),
                        Just("approver".to_owned()),
                        "[a-z]{1,6}"
                    ],
                    inner,
                    0..4
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Only an explicit approval (true, "approved", or { verdict: "approved" | "modified" })
        /// lets a call run; anything else is a denial or an error.
        #[test]
        fn only_explicit_approvals_run(reply in any_json()) {
            if let Ok(answer) = parse_decision(&reply)
                && matches!(answer.verdict, Verdict::Approved | Verdict::Modified)
            {
                let explicit = reply == json!(true)
                    || reply.as_str().is_some_and(|s| s.parse::<Verdict>().is_ok_and(|v| v == answer.verdict))
                    || reply.get("verdict").is_some_and(|v| *v == json!(true) || v.as_str().is_some_and(|s| s.parse::<Verdict>().is_ok_and(|p| p == answer.verdict)));
                prop_assert!(explicit, "{reply} read as {:?}", answer.verdict);
            }
        }

        #[test]
        fn an_approver_comes_only_from_the_approver_field(reply in any_json()) {
            if let Ok((_, Some(approver))) = parse_answers(&reply) {
                let named = reply.get("approver") == Some(&Value::from(approver.clone()));
                prop_assert!(named, "approver {} from {}", approver, reply);
            }
        }
    }

    #[test]
    fn decision_shapes() {
        assert_eq!(
            parse_decision(&json!("approved")).unwrap().verdict,
            Verdict::Approved
        );
        assert_eq!(
            parse_decision(&json!(false)).unwrap().verdict,
            Verdict::Denied
        );
        assert!(parse_decision(&json!("sure")).is_err());
        assert!(parse_decision(&json!({ "approvers": ["a"] })).is_err());
        assert!(parse_decision(&json!({ "verdict": "approved", "approvers": "a" })).is_err());
        let m = parse_decision(
            &json!({ "verdict": "modified", "modification": { "args": [1] }, "approver": "ops" }),
        )
        .unwrap();
        assert_eq!(m.modification, Some(json!({ "args": [1] })));
        assert_eq!(m.approvers, vec!["ops".to_owned()]);
    }
}
