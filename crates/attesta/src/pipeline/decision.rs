//! What one evaluation carries between stages: when the call was intercepted, what stage 3
//! decided, and the helpers that turn failures into denials.

use super::*;

/// When and where a call was intercepted: what the record needs besides the decision.
pub(super) struct Intercept {
    pub(super) entry_id: EntryId,
    pub(super) intercepted_at: Timestamp,
    pub(super) started: Instant,
    pub(super) mode: Mode,
    pub(super) environment: String,
}

/// What stage 3 decided, before mode and audit are applied.
pub(super) struct Decision {
    pub(super) verdict: Verdict,
    pub(super) reason: String,
    pub(super) challenge: Option<ChallengeResult>,
    pub(super) approvers: Vec<String>,
    pub(super) authenticated: bool,
    pub(super) modification: Option<Value>,
}

impl Decision {
    pub(super) fn deny(verdict: Verdict, reason: String, challenge: Option<ChallengeResult>) -> Self {
        Decision { verdict, reason, challenge, approvers: Vec::new(), authenticated: false, modification: None }
    }

    pub(super) fn from_reviewer_error(error: &ReviewerError, challenge: ChallengeType) -> Self {
        let reason = match error {
            ReviewerError::Unavailable(why) => format!(
                "no human reviewer is reachable ({why}); denied. Run in a terminal, set `reviewer: server` with \
                 `server.url`, or set `policy.unattended: allow` to approve unattended calls (audited)"
            ),
            other => format!("{other}; denied (fail closed)"),
        };
        let result = ChallengeResult::new(challenge, false).with_detail("error", error.to_string());
        Decision::deny(Verdict::Denied, reason, Some(result))
    }

    /// Checks a reviewer's claim before trusting it: an approval needs a passed challenge, enough
    /// distinct approvers for multi-party, and (for MODIFIED) a modification.
    pub(super) fn from_outcome(outcome: ReviewOutcome, request: &ReviewRequest, policy_unattended: Unattended) -> Self {
        let ReviewOutcome { verdict, mut challenge, approvers, authenticated, modification, reason } = outcome;
        // A session allow-list grant counts only where it was offered, and only with an approval.
        if request.session_allow.is_none() || verdict != Verdict::Approved {
            challenge.details.remove(crate::reviewer::SESSION_ALLOW_GRANTED);
        }
        let denied = |why: String, challenge: ChallengeResult, approvers: Vec<String>| Decision {
            verdict: Verdict::Denied,
            reason: why,
            challenge: Some(challenge),
            approvers,
            authenticated,
            modification: None,
        };
        match verdict {
            Verdict::Approved | Verdict::Modified => {
                let unattended = challenge.details.get("unattended").and_then(Value::as_bool) == Some(true);
                if unattended && policy_unattended != Unattended::Allow {
                    return denied("an unattended approval needs `policy.unattended: allow`; denied".into(), challenge, approvers);
                }
                if !challenge.passed && !unattended {
                    return denied(format!("the reviewer approved but the {} challenge was not passed; denied", request.challenge), challenge, approvers);
                }
                // A channel may run a stricter challenge (a quiz that became a teach-back), never a
                // weaker one: an approval server with a laxer policy must not wave through what this
                // policy sends to a human.
                if challenge.challenge_type.rigour() < request.challenge.rigour() {
                    return denied(
                        format!(
                            "the reviewer ran a {} challenge but this call needs {}; denied (make the approval server's policy at least as strict as the agent's)",
                            challenge.challenge_type, request.challenge
                        ),
                        challenge,
                        approvers,
                    );
                }
                if request.challenge == ChallengeType::MultiParty {
                    let mut distinct: Vec<String> = approvers.iter().map(|a| a.trim().to_lowercase()).collect();
                    distinct.sort();
                    distinct.dedup();
                    if (distinct.len() as u32) < request.approvers_required {
                        return denied(
                            format!(
                                "multi-party approval needs {} distinct approvers, got {}; denied",
                                request.approvers_required,
                                distinct.len()
                            ),
                            challenge,
                            approvers,
                        );
                    }
                }
                if verdict == Verdict::Modified && modification.is_none() {
                    return denied("the reviewer returned MODIFIED without a modification; denied".into(), challenge, approvers);
                }
                let reason = if reason.is_empty() { format!("{} challenge passed", request.challenge) } else { reason };
                Decision { verdict, reason, challenge: Some(challenge), approvers, authenticated, modification }
            }
            Verdict::Denied | Verdict::TimedOut | Verdict::Escalated => {
                let reason = if reason.is_empty() { format!("{} challenge not passed", request.challenge) } else { reason };
                Decision { verdict, reason, challenge: Some(challenge), approvers, authenticated, modification: None }
            }
        }
    }
}

/// The action as a human may see it: secrets in arguments, docstring and metadata replaced.
pub(super) fn redacted(ctx: &ActionContext, redactor: &Redactor) -> ActionContext {
    let args = match redactor.redact_value(&Value::Array(ctx.args.clone())) {
        Value::Array(args) => args,
        other => vec![other],
    };
    let kwargs = match redactor.redact_value(&Value::Object(ctx.kwargs.clone())) {
        Value::Object(kwargs) => kwargs,
        other => serde_json::Map::from_iter([("value".to_owned(), other)]),
    };
    let metadata = match redactor.redact_value(&Value::Object(ctx.metadata.clone())) {
        Value::Object(metadata) => metadata,
        _ => serde_json::Map::new(),
    };
    ActionContext {
        args,
        kwargs,
        metadata,
        function_doc: ctx.function_doc.as_deref().map(|d| redactor.redact_text(d)),
        ..ctx.clone()
    }
}

pub(super) fn score_guarded(
    engine: &RiskEngine,
    ctx: &ActionContext,
    risk_override: Option<RiskLevel>,
    environment: &str,
) -> Result<RiskAssessment, String> {
    std::panic::catch_unwind(AssertUnwindSafe(|| engine.assess(ctx, risk_override, environment)))
        .map_err(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            format!("the risk scorer panicked: {what}")
        })
        .and_then(|assessment| {
            // The engine contains a panicking scorer as maximum risk; here a broken scorer denies.
            if let Some(failure) = assessment.factors.iter().find(|f| f.name == "scorer_error") {
                return Err(failure.evidence.clone());
            }
            if assessment.score.is_finite() && (0.0..=1.0).contains(&assessment.score) {
                Ok(assessment)
            } else {
                Err(format!("the risk scorer returned an invalid score {}", assessment.score))
            }
        })
}

/// When scoring itself failed, the record shows maximal risk (fail closed).
pub(super) fn failure_assessment(why: &str) -> RiskAssessment {
    RiskAssessment::from_score(1.0, "failed", vec![RiskFactor::new("scoring_failure", 1.0, 1.0, why)])
}

pub(super) fn trust_event(result: &ApprovalResult) -> Option<TrustEvent> {
    let level = result.risk.level;
    match (result.mode, result.enforced_verdict) {
        (Mode::AuditOnly, _) => None,
        (_, Verdict::Approved | Verdict::Modified) => {
            let human_reviewed = result
                .challenge
                .as_ref()
                .is_some_and(|c| c.challenge_type != ChallengeType::AutoApprove && !c.details.contains_key("unattended"));
            // Only a human's approval is evidence of good judgement. Counting auto-approved reads
            // would let an agent farm trust with harmless calls and spend it on risky ones.
            human_reviewed.then_some(TrustEvent::Approved { level, human_reviewed })
        }
        // Only a human's denial says something about the agent. A denial because no reviewer was
        // reachable, a store failed or the reviewer broke is the deployment's doing, not the
        // agent's, and must not lower its trust.
        (_, Verdict::Denied) => result
            .challenge
            .as_ref()
            .is_some_and(|c| {
                c.challenge_type != ChallengeType::AutoApprove
                    && !["error", "server_unreachable", "unattended"].iter().any(|k| c.details.contains_key(*k))
                    && c.details.get("reason").and_then(|r| r.as_str()) != Some(crate::reviewer::NO_REVIEWER_REASON)
            })
            .then_some(TrustEvent::Denied { level }),
        // Timeouts and escalations say nothing about the agent's judgement.
        (_, Verdict::TimedOut | Verdict::Escalated) => None,
    }
}

pub(super) fn random_seed() -> u64 {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    u64::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]])
}

/// Drives a future to completion from synchronous code: in place on a multi-threaded runtime's
/// worker, on a helper thread when called from a current-thread runtime (where blocking in
/// place is impossible), or on a small runtime of its own outside any runtime.
pub(super) fn block_on<F>(future: F) -> F::Output
where
    F: Future + Send,
    F::Output: Send,
{
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(|| handle.block_on(future))
        }
        Ok(_) => std::thread::scope(|scope| {
            scope.spawn(|| own_runtime().block_on(future)).join().unwrap_or_else(|p| std::panic::resume_unwind(p))
        }),
        Err(_) => own_runtime().block_on(future),
    }
}

pub(super) fn own_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread Tokio runtime can always be built")
}
