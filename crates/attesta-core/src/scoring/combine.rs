//! Scorers that combine or replace other scorers.

use std::sync::Arc;

use crate::assessment::{RiskAssessment, RiskFactor, clamp_score};
use crate::context::ActionContext;

use super::{RiskScorer, ScoringError};

/// The most telling evidence of a sub-assessment, for the combined factor's evidence text.
fn summarize(assessment: &RiskAssessment) -> String {
    let mut best: Option<&RiskFactor> = None;
    for factor in &assessment.factors {
        if best.is_none_or(|b| factor.score > b.score) {
            best = Some(factor);
        }
    }
    match best {
        Some(f) if !f.evidence.is_empty() => {
            format!(
                "{:.2} ({}); top factor {}: {}",
                assessment.score, assessment.level, f.name, f.evidence
            )
        }
        _ => format!("{:.2} ({})", assessment.score, assessment.level),
    }
}

/// Weighted average of several scorers. Weights are normalised; directives are merged (the
/// stricter of each wins).
pub struct CompositeRiskScorer {
    scorers: Vec<(Arc<dyn RiskScorer>, f64)>,
    total_weight: f64,
    name: String,
}

impl CompositeRiskScorer {
    pub fn new(scorers: Vec<(Arc<dyn RiskScorer>, f64)>) -> Result<Self, ScoringError> {
        if scorers.is_empty() {
            return Err(ScoringError::NoScorers {
                kind: "CompositeRiskScorer",
            });
        }
        for (index, (scorer, weight)) in scorers.iter().enumerate() {
            if !weight.is_finite() || *weight <= 0.0 {
                return Err(ScoringError::InvalidWeight {
                    index,
                    scorer: scorer.name().to_owned(),
                    weight: *weight,
                });
            }
        }
        let total_weight = scorers.iter().map(|(_, w)| w).sum();
        let names: Vec<&str> = scorers.iter().map(|(s, _)| s.name()).collect();
        let name = format!("composite({})", names.join(","));
        Ok(CompositeRiskScorer {
            scorers,
            total_weight,
            name,
        })
    }
}

impl RiskScorer for CompositeRiskScorer {
    fn name(&self) -> &str {
        &self.name
    }

    fn score(&self, ctx: &ActionContext) -> RiskAssessment {
        let mut total = 0.0;
        let mut factors = Vec::with_capacity(self.scorers.len());
        let mut directives = crate::assessment::Directives::default();
        for (scorer, weight) in &self.scorers {
            let sub = scorer.score(ctx);
            let sub_score = clamp_score(sub.score);
            let share = weight / self.total_weight;
            total += sub_score * share;
            factors.push(RiskFactor::new(
                format!("scorer:{}", scorer.name()),
                sub_score,
                share,
                summarize(&sub),
            ));
            directives.merge(sub.directives);
        }
        let mut assessment = RiskAssessment::from_score(total, self.name.clone(), factors);
        assessment.directives = directives;
        assessment
    }
}

/// The most conservative of several scorers: the highest score wins, and its factors are kept
/// alongside one summary factor per scorer.
pub struct MaxRiskScorer {
    scorers: Vec<Arc<dyn RiskScorer>>,
    name: String,
}

impl MaxRiskScorer {
    pub fn new(scorers: Vec<Arc<dyn RiskScorer>>) -> Result<Self, ScoringError> {
        if scorers.is_empty() {
            return Err(ScoringError::NoScorers {
                kind: "MaxRiskScorer",
            });
        }
        let names: Vec<&str> = scorers.iter().map(|s| s.name()).collect();
        let name = format!("max({})", names.join(","));
        Ok(MaxRiskScorer { scorers, name })
    }
}

impl RiskScorer for MaxRiskScorer {
    fn name(&self) -> &str {
        &self.name
    }

    fn score(&self, ctx: &ActionContext) -> RiskAssessment {
        let mut best: Option<RiskAssessment> = None;
        let mut summaries = Vec::with_capacity(self.scorers.len());
        let mut directives = crate::assessment::Directives::default();
        for scorer in &self.scorers {
            let mut sub = scorer.score(ctx);
            sub.score = clamp_score(sub.score);
            summaries.push(RiskFactor::new(
                format!("scorer:{}", scorer.name()),
                sub.score,
                1.0,
                summarize(&sub),
            ));
            directives.merge(std::mem::take(&mut sub.directives));
            if best.as_ref().is_none_or(|b| sub.score > b.score) {
                best = Some(sub);
            }
        }
        let (score, mut factors) = match best {
            Some(b) => (b.score, b.factors),
            None => (1.0, Vec::new()),
        };
        factors.extend(summaries);
        let mut assessment = RiskAssessment::from_score(score, self.name.clone(), factors);
        assessment.directives = directives;
        assessment
    }
}

/// Always the same score; useful for tests and for tools whose risk is known up front.
pub struct FixedRiskScorer {
    score: f64,
}

impl FixedRiskScorer {
    pub fn new(score: f64) -> Result<Self, ScoringError> {
        if !score.is_finite() || !(0.0..=1.0).contains(&score) {
            return Err(ScoringError::InvalidFixedScore(score));
        }
        Ok(FixedRiskScorer { score })
    }
}

impl RiskScorer for FixedRiskScorer {
    fn name(&self) -> &str {
        "fixed"
    }

    fn score(&self, _ctx: &ActionContext) -> RiskAssessment {
        let factor = RiskFactor::new(
            "fixed",
            self.score,
            1.0,
            format!("fixed score {}", self.score),
        );
        RiskAssessment::from_score(self.score, "fixed", vec![factor])
    }
}
