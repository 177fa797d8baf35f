//! Reviewers: the channels that put a challenge in front of a human and bring back the answer.
//!
//! The pipeline hands a reviewer a [`ReviewRequest`] and waits (under `policy.timeout_seconds`)
//! for a [`ReviewOutcome`]. Challenge *logic* (questions, answer checking, lockouts) lives in
//! `attesta_core::challenge`; a reviewer only presents and collects.

use std::sync::Arc;

use attesta_core::config::{QuizPolicy, TeachBackPolicy};
use attesta_core::{ActionContext, ChallengeResult, ChallengeType, RiskAssessment, Verdict};
use futures::future::BoxFuture;
use serde_json::Value;

/// Everything a reviewer needs to run one challenge.
#[derive(Debug, Clone)]
pub struct ReviewRequest {
    pub ctx: Arc<ActionContext>,
    pub assessment: Arc<RiskAssessment>,
    pub challenge: ChallengeType,
    /// Minimum seconds the human must spend before an answer is accepted.
    pub min_review_seconds: f64,
    /// Distinct approvers needed (multi-party only; 1 otherwise).
    pub approvers_required: u32,
    pub quiz: QuizPolicy,
    pub teach_back: TeachBackPolicy,
    /// Seed for challenge generation, so a review is reproducible in tests.
    pub seed: u64,
    /// Seconds the pipeline will wait before applying `fail_mode` (for countdowns).
    pub timeout_seconds: f64,
    /// Set on a MEDIUM confirmation of a single simple command when the entry point keeps a
    /// session allow-list: the human may also allow the command (or a prefix) for the rest of
    /// the agent session. The grant comes back in the outcome's challenge details under
    /// [`SESSION_ALLOW_GRANTED`].
    pub session_allow: Option<AllowOffer>,
}

/// A command the reviewer may allow for the rest of the agent session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowOffer {
    /// The tool the command goes to (`Bash`, `shell`, `run_shell_command`).
    pub tool: String,
    /// The command as the agent sent it.
    pub command: String,
}

/// Challenge detail carrying a session allow-list grant: `{"tool": …, "prefix": …}`.
pub const SESSION_ALLOW_GRANTED: &str = "session_allow_granted";
/// Challenge detail of a call approved by a session allow-list entry:
/// `{"tool": …, "rule": …, "granted_by": …}`.
pub const SESSION_ALLOW_MATCHED: &str = "session_allow";

/// What a reviewer brings back.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewOutcome {
    /// `Approved`, `Denied` or (custom reviewers only) `Modified`.
    pub verdict: Verdict,
    pub challenge: ChallengeResult,
    /// Approver identities in the order they answered.
    pub approvers: Vec<String>,
    /// True only when the channel authenticated the approvers.
    pub authenticated: bool,
    /// For `Modified`: replacement `{"args": [...], "kwargs": {...}}`.
    pub modification: Option<Value>,
    pub reason: String,
}

/// Why a reviewer could not produce an outcome. Every variant denies the call (fail closed).
#[derive(Debug, thiserror::Error)]
pub enum ReviewerError {
    /// No human can be reached through this channel (no TTY, server down …).
    #[error("no reviewer is reachable: {0}")]
    Unavailable(String),
    /// A remote channel (the approval server) could not be reached. Unlike `Unavailable`,
    /// `policy.fail_mode` decides, as for a timeout: the human may be there, the wire is not.
    #[error("the review channel is unreachable: {0}")]
    Unreachable(String),
    #[error("reviewer I/O failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("reviewer failed: {0}")]
    Failed(String),
    /// The human (or the agent's client) cancelled the review.
    #[error("review cancelled: {0}")]
    Cancelled(String),
}

/// A channel to a human. Implementations must release what they hold when the returned future
/// is dropped (the pipeline drops it on timeout or cancellation).
pub trait Reviewer: Send + Sync {
    /// Short name recorded in the audit metadata (`terminal`, `server`, `callback` …).
    fn name(&self) -> &str;

    fn review<'a>(
        &'a self,
        request: &'a ReviewRequest,
    ) -> BoxFuture<'a, Result<ReviewOutcome, ReviewerError>>;

    /// Whether this reviewer must see the arguments exactly as the agent sent them. Only a
    /// channel that binds the decision to a digest of the exact action and redacts on its own
    /// side (the approval server) needs that; every other reviewer is shown arguments with
    /// secrets replaced by `[REDACTED:kind]`, so nothing secret reaches a screen or a chat.
    fn needs_exact_arguments(&self) -> bool {
        false
    }
}

mod allow;
mod callback;
mod non_interactive;
pub mod render;
mod runner;
mod server;
#[cfg(unix)]
mod terminal;

pub use allow::{allow_answer, AllowAnswer};
pub use callback::CallbackReviewer;
pub use non_interactive::{NO_REVIEWER_REASON, NonInteractiveReviewer};
pub use render::{ApproverSlot, Style, render_challenge, render_details, render_question};
pub use runner::{
    ChallengeRunner, LineAsk, MonotonicClock, NoticeKind, Prompter, SystemClock, deny_request,
    is_details_request,
};
pub use server::{DEFAULT_AGENT_TOKEN_ENV, REQUIRES_KEY, ServerReviewer, action_digest};
#[cfg(unix)]
pub use terminal::{ColorChoice, TerminalReviewer};
