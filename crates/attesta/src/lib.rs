//! Attesta: human-in-the-loop approval for AI agent tool calls.
//!
//! Build an [`Attesta`] (from code or `attesta.yaml`), then either `evaluate` an
//! [`ActionContext`] or wrap a function with `gate` so it only runs once a human approved it.

pub mod reviewer;
pub mod audit;
pub mod trust_store;
pub mod config_file;
pub mod config_levels;
mod entry_id;

pub use attesta_core::{
    ActionContext, ApprovalResult, ChallengeMap, ChallengeResult, ChallengeType, Mode, RiskAssessment,
    RiskFactor, RiskLevel, Verdict,
};
pub mod events;
pub mod pipeline;
pub mod session_allow;

pub use events::Event;
pub use pipeline::{Arguments, Attesta, AttestaBuilder, AttestaDenied, BuildError, EvaluateOptions};
