//! Risk scoring (SPEC §3).
//!
//! A [`RiskScorer`] turns an [`ActionContext`] into a [`RiskAssessment`]: a score in `[0, 1]`,
//! its level, and factors carrying evidence. [`DefaultRiskScorer`] is the built-in heuristic;
//! [`CompositeRiskScorer`], [`MaxRiskScorer`] and [`FixedRiskScorer`] combine or replace it.
//! [`RiskEngine`] wraps any scorer with what the configuration adds: overrides, domain profiles,
//! amplifiers, environment multipliers and escalation rules.

mod args;
mod call;
mod combine;
mod default;
mod engine;
mod environment;
mod lexicon;
pub(crate) mod names;
mod profile;
mod scripts;
mod shell;
mod sql;
mod text;

use std::sync::Arc;

use crate::assessment::RiskAssessment;
use crate::context::ActionContext;

pub use call::{CallProfile, profile as profile_call};
pub use combine::{CompositeRiskScorer, FixedRiskScorer, MaxRiskScorer};
pub use default::DefaultRiskScorer;
pub use engine::RiskEngine;
pub use environment::{detect_environment, normalize_environment};
pub use profile::{BUILTIN_PROFILE_NAMES, builtin_profile};
pub use scripts::{EXECUTED_SCRIPTS, UNREAD_SCRIPT};

/// Anything that can score an action. Implementations must not panic on any input and must
/// return a score in `[0, 1]` (the engine clamps and treats NaN as maximal risk regardless).
pub trait RiskScorer: Send + Sync {
    /// A short stable name recorded in the assessment and the audit log.
    fn name(&self) -> &str;
    /// Scores one action: score, level, and factors with evidence.
    fn score(&self, ctx: &ActionContext) -> RiskAssessment;
}

impl<T: RiskScorer + ?Sized> RiskScorer for Arc<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn score(&self, ctx: &ActionContext) -> RiskAssessment {
        (**self).score(ctx)
    }
}

impl<T: RiskScorer + ?Sized> RiskScorer for Box<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn score(&self, ctx: &ActionContext) -> RiskAssessment {
        (**self).score(ctx)
    }
}

/// Why a scorer or the risk engine could not be built. Every message names the offending item
/// and says how to fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoringError {
    #[error(
        "bad regex in profile `{profile}` ({field}), pattern `{pattern}`: {reason}; fix the pattern (Rust regex syntax) or remove it"
    )]
    InvalidProfileRegex {
        profile: String,
        field: String,
        pattern: String,
        reason: String,
    },

    #[error(
        "bad regex in risk.amplifiers[{index}], pattern `{pattern}`: {reason}; fix the pattern (Rust regex syntax) or remove it"
    )]
    InvalidAmplifierRegex {
        index: usize,
        pattern: String,
        reason: String,
    },

    #[error(
        "risk.amplifiers[{index}] (pattern `{pattern}`) has boost {boost}; amplifiers only raise risk, use a finite value between 0 and 1"
    )]
    InvalidAmplifierBoost {
        index: usize,
        pattern: String,
        boost: f64,
    },

    #[error(
        "risk.environment_multipliers.{environment} is {value}; use a finite number (values below 1 are ignored because nothing lowers risk)"
    )]
    InvalidEnvironmentMultiplier { environment: String, value: f64 },

    #[error(
        "profile `{profile}` risk_patterns pattern `{pattern}` has risk {value}; use a finite value between 0 and 1"
    )]
    InvalidPatternRisk {
        profile: String,
        pattern: String,
        value: f64,
    },

    #[error("profile `{profile}` escalation rule `{rule}`: {reason}")]
    InvalidEscalationRule {
        profile: String,
        rule: String,
        reason: String,
    },

    #[error("risk.profiles[{index}] has no name; give every domain profile a `name`")]
    UnnamedProfile { index: usize },

    #[error(
        "scorer #{index} (`{scorer}`) has weight {weight}; composite weights must be finite and greater than 0"
    )]
    InvalidWeight {
        index: usize,
        scorer: String,
        weight: f64,
    },

    #[error("{kind} needs at least one scorer; pass one or more scorers to combine")]
    NoScorers { kind: &'static str },

    #[error("fixed risk score must be a finite number in [0, 1], got {0}")]
    InvalidFixedScore(f64),
}

#[cfg(test)]
mod tests;
