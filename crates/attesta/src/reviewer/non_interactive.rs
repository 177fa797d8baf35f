//! The reviewer used when no human can be reached: denies by default, approves only when the
//! configuration explicitly allows unattended calls (and says so in the record).

use attesta_core::{ChallengeResult, ChallengeType, Verdict};
use futures::future::BoxFuture;
use serde_json::Value;

use super::{ReviewOutcome, ReviewRequest, Reviewer, ReviewerError};

/// Why a call that needed a human was denied, and how to fix it.
pub const NO_REVIEWER_REASON: &str = "no human reviewer is reachable (no terminal, no approval server configured); \
     set `reviewer: server` with `server.url`, run in a terminal, or set `policy.unattended: allow` \
     to approve unattended calls (audited)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    Deny,
    Allow,
}

/// Answers without a human.
#[derive(Debug, Clone, Copy)]
pub struct NonInteractiveReviewer {
    policy: Policy,
}

impl NonInteractiveReviewer {
    /// Denies everything that needs a human (the default when nobody is reachable).
    pub fn deny() -> Self {
        NonInteractiveReviewer {
            policy: Policy::Deny,
        }
    }

    /// Approves unattended; only for `policy.unattended: allow`. Every outcome is marked
    /// `details.unattended = true`.
    pub fn allow() -> Self {
        NonInteractiveReviewer {
            policy: Policy::Allow,
        }
    }

    fn decide(&self, request: &ReviewRequest) -> ReviewOutcome {
        if request.challenge == ChallengeType::AutoApprove {
            return ReviewOutcome {
                verdict: Verdict::Approved,
                challenge: ChallengeResult::new(ChallengeType::AutoApprove, true),
                approvers: Vec::new(),
                authenticated: false,
                modification: None,
                reason: "auto-approved: no challenge for this risk level".to_owned(),
            };
        }
        let mut challenge = ChallengeResult::new(request.challenge, false);
        challenge.min_review_seconds = request.min_review_seconds;
        challenge.min_review_met = request.min_review_seconds <= 0.0;
        match self.policy {
            Policy::Deny => {
                challenge
                    .details
                    .insert("reason".into(), Value::from(NO_REVIEWER_REASON));
                ReviewOutcome {
                    verdict: Verdict::Denied,
                    challenge,
                    approvers: Vec::new(),
                    authenticated: false,
                    modification: None,
                    reason: NO_REVIEWER_REASON.to_owned(),
                }
            }
            Policy::Allow => {
                let reason = format!(
                    "approved unattended: no human reviewed this {} challenge (policy.unattended: allow)",
                    request.challenge
                );
                challenge
                    .details
                    .insert("unattended".into(), Value::Bool(true));
                challenge
                    .details
                    .insert("reason".into(), Value::from(reason.clone()));
                ReviewOutcome {
                    verdict: Verdict::Approved,
                    challenge,
                    approvers: Vec::new(),
                    authenticated: false,
                    modification: None,
                    reason,
                }
            }
        }
    }
}

impl Reviewer for NonInteractiveReviewer {
    fn name(&self) -> &str {
        match self.policy {
            Policy::Deny => "non_interactive_deny",
            Policy::Allow => "non_interactive_allow",
        }
    }

    fn review<'a>(
        &'a self,
        request: &'a ReviewRequest,
    ) -> BoxFuture<'a, Result<ReviewOutcome, ReviewerError>> {
        let outcome = self.decide(request);
        Box::pin(async move { Ok(outcome) })
    }
}
