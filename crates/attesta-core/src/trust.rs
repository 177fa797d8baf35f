//! Trust model maths (SPEC §6): a per-agent, per-domain Beta–Bernoulli estimate of how often an
//! agent's actions are approved, used to lower (never raise) the risk of its future actions.
//!
//! The model, with the defaults (`initial_score` 0, prior weight 2, `ceiling` 0.9):
//! * Prior: α₀ = initial × w = 0, β₀ = (1 − initial) × w = 2, so a new agent scores 0: trust
//!   gives no discount until there is evidence, and an agent that changes its id starts from
//!   nothing again (it can never get back more than it had).
//! * Evidence: an approval adds to α, a denial adds to β, weighted by risk level and by whether
//!   a human reviewed it ([`evidence_weight`]; the pipeline records only human approvals and
//!   human denials). One human-approved HIGH action adds 0.5, giving 0.5 / 2.5 = 0.2. Ten human
//!   HIGH approvals reach 0.71, twenty 0.83; the score is then capped at the ceiling.
//! * Time: accumulated evidence keeps a fraction (1 − `decay_rate`) per day, continuously, so old
//!   evidence counts less and an idle agent drifts back to `initial_score` (with 0.05 per day
//!   evidence halves every ln 0.5 / ln 0.95 ≈ 13.5 days).
//! * Incidents and revocation set the score to 0 until the record is reset.
//!
//! Everything is pure: the current time is always passed in.

use std::collections::BTreeMap;

use jiff::Timestamp;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::assessment::{RiskAssessment, RiskFactor};
use crate::config::TrustConfig;
use crate::types::RiskLevel;

/// Prior weight used when the configuration does not say otherwise: small, so evidence soon
/// dominates, but not so small that one approval makes an agent trusted.
pub const DEFAULT_PRIOR_WEIGHT: f64 = 2.0;

/// The trust domain of actions no configured domain matches.
pub const DEFAULT_DOMAIN: &str = "default";

const SECONDS_PER_DAY: f64 = 86_400.0;

/// Parameters of the trust model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrustParams {
    /// How much trust can lower risk: effective = raw × (1 − influence × trust).
    pub influence: f64,
    /// Trust never exceeds this.
    pub ceiling: f64,
    /// Score of an agent with no (remaining) evidence.
    pub initial_score: f64,
    /// Fraction of accumulated evidence lost per day.
    pub decay_rate: f64,
    /// Pseudo-observations behind `initial_score`.
    pub prior_weight: f64,
}

impl Default for TrustParams {
    fn default() -> Self {
        TrustParams::from(&TrustConfig::default())
    }
}

impl From<&TrustConfig> for TrustParams {
    fn from(config: &TrustConfig) -> Self {
        TrustParams {
            influence: config.influence,
            ceiling: config.ceiling,
            initial_score: config.initial_score,
            decay_rate: config.decay_rate,
            prior_weight: DEFAULT_PRIOR_WEIGHT,
        }
    }
}

impl TrustParams {
    /// Values forced into their valid ranges; NaN becomes the most conservative choice (no
    /// influence, no trust), so a bad parameter can only make trust count for less.
    fn sane(&self) -> TrustParams {
        let unit = |v: f64, fallback: f64| {
            if v.is_nan() {
                fallback
            } else {
                v.clamp(0.0, 1.0)
            }
        };
        let ceiling = unit(self.ceiling, 0.0);
        TrustParams {
            influence: unit(self.influence, 0.0),
            ceiling,
            initial_score: unit(self.initial_score, 0.0).min(ceiling),
            decay_rate: if self.decay_rate.is_nan() {
                1.0
            } else {
                self.decay_rate.max(0.0)
            },
            prior_weight: if self.prior_weight.is_finite() && self.prior_weight > 0.0 {
                self.prior_weight
            } else {
                DEFAULT_PRIOR_WEIGHT
            },
        }
    }

    /// Fraction of evidence still counted after `seconds`.
    fn retention(&self, seconds: f64) -> f64 {
        let seconds = if seconds.is_finite() {
            seconds.max(0.0)
        } else {
            0.0
        };
        if seconds == 0.0 {
            return 1.0;
        }
        let keep_per_day = (1.0 - self.decay_rate).clamp(0.0, 1.0);
        keep_per_day.powf(seconds / SECONDS_PER_DAY)
    }
}

/// Something that happened to an agent's action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TrustEvent {
    /// The action ran. `human_reviewed` is false for auto-approvals.
    Approved {
        level: RiskLevel,
        human_reviewed: bool,
    },
    /// A human or the policy refused it (includes timeouts and escalations).
    Denied { level: RiskLevel },
    /// Something went wrong after approval (e.g. an approval revoked); trust drops to 0.
    Incident { reason: String },
}

/// How much one event counts as evidence. Riskier actions that a human looked at say more
/// about an agent than an auto-approved read; denials count twice as much as approvals.
pub fn evidence_weight(event: &TrustEvent) -> f64 {
    let level_weight = |level: RiskLevel| match level {
        RiskLevel::Low => 0.1,
        RiskLevel::Medium => 0.25,
        RiskLevel::High | RiskLevel::Critical => 0.5,
    };
    match event {
        TrustEvent::Approved {
            level,
            human_reviewed,
        } => level_weight(*level) * if *human_reviewed { 1.0 } else { 0.5 },
        TrustEvent::Denied { level } => 2.0 * level_weight(*level),
        TrustEvent::Incident { .. } => 0.0,
    }
}

/// The trust state of one agent in one domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrustRecord {
    /// Time-weighted approval evidence as of `last_updated` (the prior is not included).
    pub alpha: f64,
    /// Time-weighted denial evidence as of `last_updated`.
    pub beta: f64,
    pub created_at: Timestamp,
    pub last_updated: Timestamp,
    pub revoked: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoke_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<Timestamp>,
    pub approvals: u64,
    pub denials: u64,
    pub incidents: u64,
}

impl TrustRecord {
    /// A record with no evidence; it scores `initial_score`.
    pub fn new(_params: &TrustParams, now: Timestamp) -> Self {
        TrustRecord {
            alpha: 0.0,
            beta: 0.0,
            created_at: now,
            last_updated: now,
            revoked: false,
            revoke_reason: None,
            revoked_at: None,
            approvals: 0,
            denials: 0,
            incidents: 0,
        }
    }

    /// Seconds since the last update; a clock that went backwards counts as no time at all, so
    /// it can never inflate evidence.
    fn elapsed(&self, now: Timestamp) -> f64 {
        let seconds = now.as_second() - self.last_updated.as_second();
        let nanos = now.subsec_nanosecond() - self.last_updated.subsec_nanosecond();
        let total = seconds as f64 + f64::from(nanos) / 1e9;
        total.max(0.0)
    }

    /// Evidence as it stands at `now`.
    fn decayed(&self, params: &TrustParams, now: Timestamp) -> (f64, f64) {
        let keep = params.retention(self.elapsed(now));
        (
            finite_non_negative(self.alpha) * keep,
            finite_non_negative(self.beta) * keep,
        )
    }

    /// Trust in `[0, ceiling]`: 0 when revoked, `initial_score` with no evidence.
    pub fn score(&self, params: &TrustParams, now: Timestamp) -> f64 {
        if self.revoked {
            return 0.0;
        }
        let params = params.sane();
        let (alpha, beta) = self.decayed(&params, now);
        let prior_alpha = params.initial_score * params.prior_weight;
        let prior_beta = (1.0 - params.initial_score) * params.prior_weight;
        let mean = (prior_alpha + alpha) / (prior_alpha + prior_beta + alpha + beta);
        if mean.is_nan() {
            0.0
        } else {
            mean.clamp(0.0, params.ceiling)
        }
    }

    /// Adds one event's evidence (after decaying what was there to `now`).
    pub fn record(&mut self, params: &TrustParams, event: TrustEvent, now: Timestamp) {
        let params = params.sane();
        let (alpha, beta) = self.decayed(&params, now);
        self.alpha = alpha;
        self.beta = beta;
        if now > self.last_updated {
            self.last_updated = now;
        }
        let weight = evidence_weight(&event);
        match event {
            TrustEvent::Approved { .. } => {
                self.alpha += weight;
                self.approvals = self.approvals.saturating_add(1);
            }
            TrustEvent::Denied { .. } => {
                self.beta += weight;
                self.denials = self.denials.saturating_add(1);
            }
            TrustEvent::Incident { reason } => {
                self.incidents = self.incidents.saturating_add(1);
                self.revoke(&format!("incident: {reason}"), now);
            }
        }
    }

    /// Drops trust to 0 until the record is replaced by a fresh one (reset).
    pub fn revoke(&mut self, reason: &str, now: Timestamp) {
        self.revoked = true;
        self.revoke_reason = Some(reason.to_owned());
        self.revoked_at = Some(now);
        if now > self.last_updated {
            self.last_updated = now;
        }
    }
}

fn finite_non_negative(v: f64) -> f64 {
    if v.is_finite() { v.max(0.0) } else { 0.0 }
}

/// The trust domain of an action: the first configured domain (in name order) whose regex
/// matches the action name, else [`DEFAULT_DOMAIN`]. Caller hints never decide it.
pub fn trust_domain(action_name: &str, domains: &BTreeMap<String, String>) -> String {
    domains
        .iter()
        .find(|(_, pattern)| Regex::new(pattern).is_ok_and(|re| re.is_match(action_name)))
        .map_or_else(|| DEFAULT_DOMAIN.to_owned(), |(name, _)| name.clone())
}

/// Compiled trust domains, for callers that classify many actions.
#[derive(Debug, Clone)]
pub struct TrustDomains {
    domains: Vec<(String, Regex)>,
}

impl TrustDomains {
    /// Compiles every pattern; the error names the domain whose pattern is invalid.
    pub fn new(domains: &BTreeMap<String, String>) -> Result<Self, (String, regex::Error)> {
        let domains = domains
            .iter()
            .map(|(name, pattern)| {
                Regex::new(pattern)
                    .map(|re| (name.clone(), re))
                    .map_err(|e| (name.clone(), e))
            })
            .collect::<Result<_, _>>()?;
        Ok(TrustDomains { domains })
    }

    pub fn domain_for(&self, action_name: &str) -> &str {
        self.domains
            .iter()
            .find(|(_, re)| re.is_match(action_name))
            .map_or(DEFAULT_DOMAIN, |(name, _)| name.as_str())
    }
}

/// Lowers an assessment's score by the agent's trust: effective = raw × (1 − influence × trust).
///
/// Never touches CRITICAL assessments or overridden ones, never raises a score, and records a
/// `trust` factor (whose contribution is the negative change) when it changes anything.
pub fn apply_trust(assessment: &mut RiskAssessment, trust: f64, influence: f64) {
    if assessment.overridden
        || assessment.level == RiskLevel::Critical
        || assessment.score >= RiskLevel::Critical.floor_score()
    {
        return;
    }
    let unit = |v: f64| if v.is_nan() { 0.0 } else { v.clamp(0.0, 1.0) };
    let (trust, influence) = (unit(trust), unit(influence));
    let raw = assessment.score;
    let mut effective = (raw * (1.0 - influence * trust)).min(raw);
    // Trust may soften a challenge but never remove it: anything that needed a human still does.
    let medium = RiskLevel::Medium.floor_score();
    if raw >= medium {
        effective = effective.max(medium);
    }
    if effective >= raw {
        return;
    }
    let before = assessment.level;
    assessment.set_score(effective);
    let mut evidence = format!(
        "agent trust {trust:.2} × influence {influence:.2} lowered risk {raw:.2} → {:.2}",
        assessment.score
    );
    if assessment.level != before {
        evidence.push_str(&format!(" ({before} → {})", assessment.level));
    }
    let mut factor = RiskFactor::new("trust", trust, influence, evidence);
    factor.contribution = assessment.score - raw;
    assessment.factors.push(factor);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_never_turns_a_reviewed_action_into_an_auto_approved_one() {
        for raw in [0.3, 0.31, 0.45, 0.59, 0.6, 0.79] {
            let mut a = RiskAssessment::from_score(raw, "test", Vec::new());
            apply_trust(&mut a, 1.0, 1.0);
            assert!(
                a.level >= RiskLevel::Medium,
                "{raw} became {} ({})",
                a.level,
                a.score
            );
        }
        let mut low = RiskAssessment::from_score(0.25, "test", Vec::new());
        apply_trust(&mut low, 1.0, 0.3);
        assert!(low.score < 0.25, "LOW may still be lowered");
    }

    fn t0() -> Timestamp {
        Timestamp::from_second(1_700_000_000).unwrap()
    }

    fn days(n: f64) -> Timestamp {
        t0().checked_add(jiff::SignedDuration::from_secs_f64(n * SECONDS_PER_DAY))
            .unwrap()
    }

    fn human_high() -> TrustEvent {
        TrustEvent::Approved {
            level: RiskLevel::High,
            human_reviewed: true,
        }
    }

    #[test]
    fn new_agent_starts_at_initial_score() {
        // The default gives a new agent no discount at all.
        let params = TrustParams::default();
        let record = TrustRecord::new(&params, t0());
        assert_eq!(record.score(&params, t0()), 0.0);
    }

    #[test]
    fn documented_numbers_hold() {
        let params = TrustParams::default();
        let mut record = TrustRecord::new(&params, t0());
        record.record(&params, human_high(), t0());
        assert!((record.score(&params, t0()) - 0.5 / 2.5).abs() < 1e-12);
        for _ in 1..10 {
            record.record(&params, human_high(), t0());
        }
        assert!((record.score(&params, t0()) - 5.0 / 7.0).abs() < 1e-12);
    }

    #[test]
    fn weights_order_human_high_above_auto_low() {
        let auto_low = TrustEvent::Approved {
            level: RiskLevel::Low,
            human_reviewed: false,
        };
        assert!(evidence_weight(&human_high()) > evidence_weight(&auto_low));
        assert!(
            evidence_weight(&TrustEvent::Denied {
                level: RiskLevel::High
            }) > evidence_weight(&human_high())
        );
    }

    #[test]
    fn clock_going_backwards_changes_nothing() {
        let params = TrustParams::default();
        let mut record = TrustRecord::new(&params, days(1.0));
        record.record(&params, human_high(), days(1.0));
        let score = record.score(&params, days(1.0));
        assert_eq!(record.score(&params, t0()), score);
        record.record(&params, human_high(), t0());
        assert_eq!(record.last_updated, days(1.0));
    }

    #[test]
    fn nonsense_parameters_fail_towards_less_trust() {
        let params = TrustParams {
            influence: f64::NAN,
            ceiling: f64::NAN,
            initial_score: 2.0,
            decay_rate: f64::NAN,
            prior_weight: 0.0,
        };
        let mut record = TrustRecord::new(&params, t0());
        record.record(&params, human_high(), t0());
        assert_eq!(record.score(&params, t0()), 0.0);
    }

    #[test]
    fn domains_match_in_name_order_and_default_otherwise() {
        let domains = BTreeMap::from([
            ("database".to_owned(), "^(sql|db)_".to_owned()),
            ("files".to_owned(), "file".to_owned()),
            ("broken".to_owned(), "(".to_owned()),
        ]);
        assert_eq!(trust_domain("db_query", &domains), "database");
        assert_eq!(trust_domain("read_file", &domains), "files");
        assert_eq!(trust_domain("send_email", &domains), DEFAULT_DOMAIN);
        assert!(TrustDomains::new(&domains).is_err_and(|(name, _)| name == "broken"));
        let compiled =
            TrustDomains::new(&BTreeMap::from([("files".to_owned(), "file".to_owned())])).unwrap();
        assert_eq!(compiled.domain_for("write_file"), "files");
        assert_eq!(compiled.domain_for("deploy"), DEFAULT_DOMAIN);
    }

    #[test]
    fn apply_trust_lowers_and_explains() {
        let mut assessment = RiskAssessment::from_score(0.7, "default", Vec::new());
        apply_trust(&mut assessment, 0.9, 0.3);
        assert!((assessment.score - 0.7 * (1.0 - 0.27)).abs() < 1e-12);
        assert_eq!(assessment.level, RiskLevel::Medium);
        let factor = assessment.factors.last().unwrap();
        assert_eq!(factor.name, "trust");
        assert!(factor.contribution < 0.0);
        assert!(
            factor.evidence.contains("high → medium"),
            "{}",
            factor.evidence
        );
    }

    #[test]
    fn apply_trust_with_no_trust_adds_nothing() {
        let mut assessment = RiskAssessment::from_score(0.5, "default", Vec::new());
        apply_trust(&mut assessment, 0.0, 0.3);
        assert_eq!(assessment.score, 0.5);
        assert!(assessment.factors.is_empty());
    }
}
