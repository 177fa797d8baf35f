//! Answering: checking an approver's response against the stored key, multi-party steps and
//! the decision it leads to.

use super::*;

impl Service {
    /// An approver answers (or denies).
    pub async fn answer(
        &self,
        approver: &Identity,
        id: &str,
        body: AnswerBody,
    ) -> Result<AnswerOutcome, ServiceError> {
        for _ in 0..5 {
            let row = self.load_current(id).await?;
            if row.status != PENDING {
                return Err(ServiceError::AlreadyDecided {
                    id: id.to_owned(),
                    status: public_status(&row.status).to_owned(),
                });
            }
            if let Some(d) = &body.action_digest
                && !crate::identity::constant_time_eq(d.as_bytes(), row.action_digest.as_bytes())
            {
                return Err(ServiceError::DigestMismatch(id.to_owned()));
            }
            if body.decision.as_deref() == Some("deny") {
                // Denying needs no minimum review time: stopping an action is always allowed.
                let elapsed = row
                    .state
                    .opened
                    .get(&approver.id)
                    .map_or(0.0, |o| (now_ms() - o) as f64 / 1000.0);
                let reason = body
                    .reason
                    .as_deref()
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .unwrap_or("no reason given");
                let mut result = ChallengeResult::new(row.key.challenge_type, false);
                result.responder_ids = vec![approver.name.clone()];
                result.review_seconds = elapsed;
                result.min_review_seconds = row.key.min_review_seconds;
                result.min_review_met = elapsed >= row.key.min_review_seconds;
                result
                    .details
                    .insert("denied_by".into(), Value::from(approver.name.clone()));
                result.details.insert("reason".into(), Value::from(reason));
                // An approver who approved an earlier step may still withdraw until the
                // request is decided.
                let withdrawn = row
                    .state
                    .answers
                    .iter()
                    .any(|a| a.identity_id == approver.id);
                if withdrawn {
                    result.details.insert("withdrawn".into(), Value::from(true));
                }
                let mut approvers: Vec<String> =
                    row.state.answers.iter().map(|a| a.name.clone()).collect();
                if !withdrawn {
                    approvers.push(approver.name.clone());
                }
                let view = self
                    .decide(
                        id,
                        Verdict::Denied,
                        format!(
                            "{} by {}: {reason}",
                            if withdrawn { "approval withdrawn" } else { "denied" },
                            approver.name
                        ),
                        Some(result),
                        approvers,
                    )
                    .await?;
                return Ok(outcome(&row, "decided", false, Some(view)));
            }
            if row
                .state
                .answers
                .iter()
                .any(|a| a.identity_id == approver.id)
            {
                return Err(ServiceError::AlreadyAnswered(format!(
                    "'{}' has already approved this action; a different person must approve",
                    approver.name
                )));
            }
            let now = now_ms();
            let Some(opened) = row.state.opened.get(&approver.id).copied() else {
                // Reading the request starts the review clock; answering blind is refused.
                let min = row.key.min_review_seconds;
                let mut state = row.state.clone();
                state.opened.insert(approver.id.clone(), now);
                let json = serde_json::to_string(&state)
                    .map_err(|e| ServiceError::Corrupt(e.to_string()))?;
                if !self
                    .cas(id, row.version, "state_json = $1", vec![json.into()])
                    .await?
                {
                    continue;
                }
                if min > 0.0 {
                    return Err(ServiceError::TooEarly(
                        format!(
                            "answer rejected: read the request first; answer again in {min:.0}s"
                        ),
                        min.ceil().max(1.0),
                    ));
                }
                continue;
            };
            let elapsed = (now - opened) as f64 / 1000.0;
            let multi = row.key.challenge_type == ChallengeType::MultiParty;

            if body.decision.as_deref().is_some_and(|d| d != "answer") {
                return Err(ServiceError::Invalid(
                    "`decision` is `answer` (default) or `deny`".into(),
                ));
            }
            let Some(response) = body.response.clone() else {
                return Err(ServiceError::Invalid(
                    "`response` is required unless `decision` is `deny`".into(),
                ));
            };

            if !multi {
                let mut result = match check(&row.key, &response, elapsed, &[]) {
                    Ok(r) => r,
                    Err(early) => {
                        return Err(ServiceError::TooEarly(
                            early.to_string(),
                            early.remaining_seconds,
                        ));
                    }
                };
                result.responder_ids = vec![approver.name.clone()];
                let passed = result.passed;
                let reason = if passed {
                    format!(
                        "{} challenge passed by {}",
                        row.key.challenge_type, approver.name
                    )
                } else {
                    format!(
                        "{} challenge not passed by {}",
                        row.key.challenge_type, approver.name
                    )
                };
                let verdict = if passed {
                    Verdict::Approved
                } else {
                    Verdict::Denied
                };
                let view = self
                    .decide(
                        id,
                        verdict,
                        reason,
                        Some(result),
                        vec![approver.name.clone()],
                    )
                    .await?;
                return Ok(outcome(&row, "decided", passed, Some(view)));
            }

            // Multi-party: rebuild the session from the answers on record, then add this one.
            let mut session = MultiPartySession::new(&row.key)
                .ok_or_else(|| ServiceError::Corrupt("multi-party key".into()))?;
            for prior in &row.state.answers {
                session
                    .admit(&prior.name)
                    .map_err(|e| ServiceError::Corrupt(e.to_string()))?;
                session
                    .submit(&prior.response, prior.elapsed, &[])
                    .map_err(|e| ServiceError::Corrupt(e.to_string()))?;
            }
            match session.admit(&approver.name) {
                Ok(_) => {}
                Err(IdentityRefused::AlreadyApproved(_)) => {
                    return Err(ServiceError::AlreadyAnswered(format!(
                        "'{}' has already approved this action; a different person must approve",
                        approver.name
                    )));
                }
                Err(e) => return Err(ServiceError::Invalid(e.to_string())),
            }
            // A page opened before another approver answered still shows the earlier step;
            // its answer is refused (nothing stored) rather than failing the whole review.
            if let Some(step_key) = session.current_key()
                && response_type(&response) != Some(step_key.challenge_type)
            {
                return Err(ServiceError::Invalid(format!(
                    "another approver answered first: your step is now a {}; reload the request and answer that",
                    step_key.challenge_type
                )));
            }
            let step = match session.submit(&response, elapsed, &[]) {
                Ok(step) => step,
                Err(SessionError::TooEarly(early)) => {
                    return Err(ServiceError::TooEarly(
                        early.to_string(),
                        early.remaining_seconds,
                    ));
                }
                Err(e) => return Err(ServiceError::Invalid(e.to_string())),
            };
            let mut state = row.state.clone();
            state.answers.push(StoredAnswer {
                identity_id: approver.id.clone(),
                name: approver.name.clone(),
                response: response.clone(),
                elapsed,
                at: now,
            });
            // Both outcomes first record this approver's step (a lost race retries).
            let json = serde_json::to_string(&state)
                .map_err(|e| ServiceError::Corrupt(e.to_string()))?;
            if !self
                .cas(id, row.version, "state_json = $1", vec![json.into()])
                .await?
            {
                continue;
            }
            match step {
                MultiPartyStep::Next(_) => {
                    self.publish(id, PENDING);
                    let mut out = outcome(&row, "recorded", true, None);
                    out.approvals = state.answers.len();
                    return Ok(out);
                }
                MultiPartyStep::Finished(result) => {
                    let passed = result.passed;
                    let approvers = result.responder_ids.clone();
                    let reason = if passed {
                        format!("multi-party approval by {}", approvers.join(", "))
                    } else {
                        format!(
                            "multi-party review failed: {} did not pass their challenge",
                            approver.name
                        )
                    };
                    let verdict = if passed {
                        Verdict::Approved
                    } else {
                        Verdict::Denied
                    };
                    let view = self
                        .decide(id, verdict, reason, Some(result), approvers)
                        .await?;
                    let mut out = outcome(&row, "decided", passed, Some(view));
                    out.approvals = state.answers.len() - usize::from(!passed);
                    return Ok(out);
                }
            }
        }
        Err(ServiceError::Contended)
    }
}

pub(super) fn outcome(
    row: &Loaded,
    result: &'static str,
    passed: bool,
    decision: Option<DecisionView>,
) -> AnswerOutcome {
    AnswerOutcome {
        request_id: row.id.clone(),
        status: decision
            .as_ref()
            .map_or_else(|| PENDING.to_owned(), |d| d.status.clone()),
        result,
        passed,
        // An approval counts only if it passed: a deny or a failed answer is not "approvals: 1".
        approvals: row.state.answers.len() + usize::from(result == "decided" && passed),
        approvers_required: row.state.approvers_required,
        decision,
    }
}

/// The challenge a response answers (`None` for an auto-approve, which no human sends).
pub(super) fn response_type(response: &Response) -> Option<ChallengeType> {
    match response {
        Response::Confirm(_) => Some(ChallengeType::Confirm),
        Response::Quiz(_) => Some(ChallengeType::Quiz),
        Response::TeachBack(_) => Some(ChallengeType::TeachBack),
        Response::AutoApprove => None,
    }
}
