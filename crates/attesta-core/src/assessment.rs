//! [`RiskAssessment`]: a score, its level, and the factors that explain it.

use serde::{Deserialize, Serialize};

use crate::types::{ChallengeType, RiskLevel};

/// One contribution to a risk score, with the evidence a human can check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskFactor {
    /// Stable identifier: `function_name`, `arguments`, `docstring`, `hints`, `novelty`,
    /// `override`, `environment`, `trust`, `profile:<name>` …
    pub name: String,
    /// The factor's own score in `[0, 1]`.
    pub score: f64,
    /// Its weight in the combination (1.0 for factors that are not weighted).
    pub weight: f64,
    /// `score × weight`: what it added to the total.
    pub contribution: f64,
    /// Why, in words: `"verb 'delete' (destructive)"`, `"shell: rm -rf /"` …
    pub evidence: String,
}

impl RiskFactor {
    pub fn new(
        name: impl Into<String>,
        score: f64,
        weight: f64,
        evidence: impl Into<String>,
    ) -> Self {
        RiskFactor {
            name: name.into(),
            score,
            weight,
            contribution: score * weight,
            evidence: evidence.into(),
        }
    }
}

/// What domain-profile escalation rules ask the pipeline to do, beyond the score.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Directives {
    /// Deny without asking anyone; the reason names the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<String>,
    /// At least this many distinct approvers (forces multi-party).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_approvers: Option<u32>,
    /// Use at least this challenge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<ChallengeType>,
    /// Roles to notify (emitted as events).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notify: Vec<String>,
}

impl Directives {
    pub fn is_empty(&self) -> bool {
        self.block.is_none()
            && self.require_approvers.is_none()
            && self.challenge.is_none()
            && self.notify.is_empty()
    }

    /// Combines two sets of directives, keeping the stricter of each.
    pub fn merge(&mut self, other: Directives) {
        if self.block.is_none() {
            self.block = other.block;
        }
        self.require_approvers = match (self.require_approvers, other.require_approvers) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.challenge = match (self.challenge, other.challenge) {
            (Some(a), Some(b)) => Some(if b.rigour() > a.rigour() { b } else { a }),
            (a, b) => a.or(b),
        };
        for role in other.notify {
            if !self.notify.contains(&role) {
                self.notify.push(role);
            }
        }
    }
}

/// The result of scoring one action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskAssessment {
    /// In `[0, 1]`.
    pub score: f64,
    pub level: RiskLevel,
    pub factors: Vec<RiskFactor>,
    /// The scorer that produced it (`default`, `composite(...)`, `override` …).
    pub scorer: String,
    /// True when an override named this action and the scorer was bypassed.
    #[serde(default)]
    pub overridden: bool,
    #[serde(default, skip_serializing_if = "Directives::is_empty")]
    pub directives: Directives,
}

impl RiskAssessment {
    /// Builds an assessment from a score, clamping into `[0, 1]` (NaN becomes 1.0: fail closed).
    pub fn from_score(score: f64, scorer: impl Into<String>, factors: Vec<RiskFactor>) -> Self {
        let score = clamp_score(score);
        RiskAssessment {
            score,
            level: RiskLevel::from_score(score).unwrap_or(RiskLevel::Critical),
            factors,
            scorer: scorer.into(),
            overridden: false,
            directives: Directives::default(),
        }
    }

    /// Re-derives `level` after `score` changed.
    pub fn set_score(&mut self, score: f64) {
        self.score = clamp_score(score);
        self.level = RiskLevel::from_score(self.score).unwrap_or(RiskLevel::Critical);
    }
}

/// Clamps into `[0, 1]`; NaN is treated as maximal risk.
pub fn clamp_score(score: f64) -> f64 {
    if score.is_nan() {
        1.0
    } else {
        score.clamp(0.0, 1.0)
    }
}
