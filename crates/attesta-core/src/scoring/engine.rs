//! [`RiskEngine`]: a scorer plus what `risk:` in the configuration adds.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use regex::{Regex, RegexBuilder};

use crate::assessment::{Directives, RiskAssessment, RiskFactor};
use crate::config::{PatternTarget, RiskConfig};
use crate::context::ActionContext;
use crate::types::RiskLevel;

use super::args::{self, ArgHints, Findings};
use super::default::{combine, doc_factor, hints_factor};
use super::environment::{detect_environment, normalize_environment};
use super::profile::{CRITICAL_FLOOR, CompiledProfile};
use super::text::identifier_tokens;
use super::{RiskScorer, ScoringError};

/// A safe action with no risky evidence of its own is capped here (inside LOW).
const SAFE_ACTION_CAP: f64 = 0.2;

struct CompiledAmplifier {
    regex: Regex,
    source: String,
    boost: f64,
}

/// Scores actions with a scorer, then applies overrides, domain profiles, amplifiers, the
/// environment multiplier and escalation rules from the configuration.
pub struct RiskEngine {
    scorer: Arc<dyn RiskScorer>,
    overrides: BTreeMap<String, RiskLevel>,
    amplifiers: Vec<CompiledAmplifier>,
    multipliers: BTreeMap<String, f64>,
    environment: Option<String>,
    profiles: Vec<CompiledProfile>,
    /// Self-protection floor, applied after everything that could lower a score.
    protection: crate::protect::Protection,
}

impl std::fmt::Debug for RiskEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RiskEngine")
            .field("scorer", &self.scorer.name())
            .field("overrides", &self.overrides)
            .field("amplifiers", &self.amplifiers.len())
            .field("multipliers", &self.multipliers)
            .field(
                "profiles",
                &self
                    .profiles
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl RiskEngine {
    /// Compiles everything in `risk` once. Errors name the offending key and pattern.
    pub fn new(scorer: Arc<dyn RiskScorer>, risk: &RiskConfig) -> Result<Self, ScoringError> {
        let mut amplifiers = Vec::with_capacity(risk.amplifiers.len());
        for (index, amp) in risk.amplifiers.iter().enumerate() {
            if !amp.boost.is_finite() || !(0.0..=1.0).contains(&amp.boost) {
                return Err(ScoringError::InvalidAmplifierBoost {
                    index,
                    pattern: amp.pattern.clone(),
                    boost: amp.boost,
                });
            }
            let regex = RegexBuilder::new(&amp.pattern)
                .case_insensitive(true)
                .size_limit(1 << 20)
                .build()
                .map_err(|e| ScoringError::InvalidAmplifierRegex {
                    index,
                    pattern: amp.pattern.clone(),
                    reason: e
                        .to_string()
                        .lines()
                        .last()
                        .unwrap_or("invalid")
                        .trim()
                        .to_owned(),
                })?;
            amplifiers.push(CompiledAmplifier {
                regex,
                source: amp.pattern.clone(),
                boost: amp.boost,
            });
        }
        let mut multipliers = BTreeMap::new();
        for (env, value) in &risk.environment_multipliers {
            if !value.is_finite() || *value < 0.0 {
                return Err(ScoringError::InvalidEnvironmentMultiplier {
                    environment: env.clone(),
                    value: *value,
                });
            }
            // Below 1 would lower risk; such entries are accepted but have no effect.
            if *value > 1.0 {
                multipliers.insert(normalize_environment(env), *value);
            }
        }
        let profiles = risk
            .profiles
            .iter()
            .enumerate()
            .map(|(i, p)| CompiledProfile::compile(p, i))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RiskEngine {
            scorer,
            overrides: risk.overrides.clone(),
            amplifiers,
            multipliers,
            environment: risk.environment.as_deref().map(normalize_environment),
            profiles,
            protection: crate::protect::Protection::default(),
        })
    }

    /// Replaces the self-protection set (extra protected paths, managed/user exceptions).
    pub fn with_protection(mut self, protection: crate::protect::Protection) -> Self {
        self.protection = protection;
        self
    }

    pub fn scorer(&self) -> &Arc<dyn RiskScorer> {
        &self.scorer
    }

    /// `risk.environment` from the configuration, normalised, when set.
    pub fn configured_environment(&self) -> Option<&str> {
        self.environment.as_deref()
    }

    /// The environment to assess `ctx` in: `risk.environment` if configured, else detected from
    /// variables via `lookup`. A caller-declared `ctx.environment` may only make it stricter
    /// (it is honoured when it says production), never looser.
    pub fn resolve_environment(
        &self,
        ctx: &ActionContext,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> String {
        let base = match &self.environment {
            Some(env) => env.clone(),
            None => detect_environment(lookup),
        };
        match ctx.environment.as_deref().map(normalize_environment) {
            Some(declared) if declared == "production" => declared,
            _ => base,
        }
    }

    /// Whether assessing in `declared` is stricter than in `base` (both normalised): production
    /// beats everything, otherwise the higher configured multiplier wins; a tie keeps `base`.
    pub fn is_stricter_environment(&self, declared: &str, base: &str) -> bool {
        if declared == base || base == "production" {
            return false;
        }
        if declared == "production" {
            return true;
        }
        let m = |e: &str| self.multipliers.get(e).copied().unwrap_or(1.0);
        m(declared) > m(base)
    }

    /// Assesses one action. `code_override` beats `risk.overrides` (exact action name); either
    /// bypasses the scorer, profiles, amplifiers and environment entirely. Otherwise: scorer →
    /// domain profiles → amplifiers → environment multiplier (only raises). Escalation rules run
    /// last in both cases (they only add friction) and land in `assessment.directives`.
    pub fn assess(
        &self,
        ctx: &ActionContext,
        code_override: Option<RiskLevel>,
        environment: &str,
    ) -> RiskAssessment {
        // Scorers see the environment the action is assessed in, so a production deployment
        // counts as production context even when the caller declared nothing.
        let in_production;
        let ctx = if environment == "production"
            && ctx
                .environment
                .as_deref()
                .map(normalize_environment)
                .as_deref()
                != Some("production")
        {
            in_production = ctx.clone().with_environment("production");
            &in_production
        } else {
            ctx
        };
        let args_text: OnceCell<String> = OnceCell::new();
        let args_text_fn = || {
            args_text
                .get_or_init(|| serde_json::to_string(&ctx.arguments_value()).unwrap_or_default())
                .clone()
        };

        let override_source = match code_override {
            Some(level) => Some((level, format!("code-level override: {level}"))),
            None => self.overrides.get(&ctx.function_name).map(|level| {
                (
                    *level,
                    format!(
                        "config override risk.overrides.{} = {level}",
                        ctx.function_name
                    ),
                )
            }),
        };
        let mut assessment = if let Some((level, evidence)) = override_source {
            let score = level.representative_score();
            let mut a = RiskAssessment::from_score(
                score,
                "override",
                vec![RiskFactor::new("override", score, 1.0, evidence)],
            );
            a.overridden = true;
            a
        } else {
            let mut a = self.run_scorer(ctx);
            self.apply_profiles(ctx, &mut a, &args_text);
            self.apply_amplifiers(ctx, &mut a);
            self.apply_environment(&mut a, environment);
            a
        };

        crate::protect::apply_floor(&self.protection, ctx, &mut assessment);

        let mut directives = std::mem::take(&mut assessment.directives);
        for profile in &self.profiles {
            for rule in &profile.rules {
                if rule.matches(
                    &ctx.function_name,
                    &args_text_fn,
                    assessment.level,
                    environment,
                ) {
                    // Recorded as a zero-weight factor so the audit shows which rule acted.
                    assessment.factors.push(RiskFactor::new(
                        format!("rule:{}", rule.name),
                        0.0,
                        0.0,
                        format!(
                            "escalation rule `{}` of profile `{}` matched: {}",
                            rule.name,
                            profile.name,
                            describe(&rule.directives)
                        ),
                    ));
                    directives.merge(rule.directives.clone());
                }
            }
        }
        assessment.directives = directives;
        assessment
    }

    fn run_scorer(&self, ctx: &ActionContext) -> RiskAssessment {
        match catch_unwind(AssertUnwindSafe(|| self.scorer.score(ctx))) {
            Ok(mut a) => {
                // Re-derive the level from a clamped score: a scorer cannot hand back NaN or 7.
                let score = a.score;
                a.set_score(score);
                a
            }
            Err(_) => RiskAssessment::from_score(
                1.0,
                self.scorer.name().to_owned(),
                vec![RiskFactor::new(
                    "scorer_error",
                    1.0,
                    1.0,
                    format!(
                        "scorer `{}` panicked; failing closed at maximum risk",
                        self.scorer.name()
                    ),
                )],
            ),
        }
    }

    fn apply_profiles(
        &self,
        ctx: &ActionContext,
        a: &mut RiskAssessment,
        args_text: &OnceCell<String>,
    ) {
        if self.profiles.is_empty() {
            return;
        }
        let name = ctx.function_name.as_str();
        let args_text = args_text
            .get_or_init(|| serde_json::to_string(&ctx.arguments_value()).unwrap_or_default());
        let doc = ctx.function_doc.as_deref().unwrap_or("");
        let mut spans = Vec::with_capacity(8);
        identifier_tokens(name, &mut spans);
        let name_words = spans
            .iter()
            .map(|&(s, e)| &name[s..e])
            .collect::<Vec<_>>()
            .join(" ");

        let critical_hit = self.profiles.iter().find_map(|p| {
            p.critical
                .iter()
                .find(|r| r.is_match(name))
                .map(|r| (p.name.as_str(), r.as_str().to_owned()))
        });
        let safe_hit = self.profiles.iter().find_map(|p| {
            p.safe
                .iter()
                .find(|r| r.is_match(name))
                .map(|r| (p.name.as_str(), r.as_str().to_owned()))
        });

        // Safe actions lower the score to LOW — but never below what the arguments, docstring
        // and hints say on their own, and never when a critical pattern also matches.
        if let (Some((profile, pattern)), None) = (&safe_hit, &critical_hit) {
            let evidence_floor = independent_floor(ctx);
            let capped = a.score.min(SAFE_ACTION_CAP.max(evidence_floor));
            if capped < a.score {
                a.factors.push(RiskFactor::new(
                    format!("profile:{profile}"),
                    capped,
                    1.0,
                    format!("safe action {pattern}; capped at {capped:.2} (arguments/docstring/hints floor {evidence_floor:.2})"),
                ));
                a.set_score(capped);
            }
        }

        for profile in &self.profiles {
            let mut added = 0.0;
            let mut reasons: Vec<String> = Vec::new();
            for p in &profile.patterns {
                let hit = match p.target {
                    PatternTarget::Name => p.regex.is_match(name),
                    PatternTarget::Args => p.regex.is_match(args_text),
                    PatternTarget::Docs => p.regex.is_match(doc),
                    PatternTarget::Any => {
                        p.regex.is_match(name)
                            || p.regex.is_match(args_text)
                            || p.regex.is_match(doc)
                    }
                };
                if hit {
                    added += p.risk;
                    let why = if p.reason.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", p.reason)
                    };
                    reasons.push(format!("pattern `{}`{why} +{:.2}", p.source, p.risk));
                }
            }
            let hits = profile.sensitive_hits(&[&name_words, args_text, doc]);
            if !hits.is_empty() {
                let c = CompiledProfile::sensitive_contribution(hits.len());
                added += c;
                reasons.push(format!("sensitive terms {} +{c:.2}", hits.join(", ")));
            }
            if added > 0.0 {
                let before = a.score;
                a.set_score(before + added);
                let mut f = RiskFactor::new(
                    format!("profile:{}", profile.name),
                    added.min(1.0),
                    1.0,
                    reasons.join("; "),
                );
                f.contribution = a.score - before;
                a.factors.push(f);
            }
        }

        if let Some((profile, pattern)) = critical_hit
            && a.score < CRITICAL_FLOOR
        {
            let before = a.score;
            a.set_score(CRITICAL_FLOOR);
            let mut f = RiskFactor::new(
                format!("profile:{profile}"),
                CRITICAL_FLOOR,
                1.0,
                format!("critical action {pattern}; floor {CRITICAL_FLOOR}"),
            );
            f.contribution = CRITICAL_FLOOR - before;
            a.factors.push(f);
        }
    }

    fn apply_amplifiers(&self, ctx: &ActionContext, a: &mut RiskAssessment) {
        for amp in &self.amplifiers {
            if amp.boost > 0.0 && amp.regex.is_match(&ctx.function_name) {
                let before = a.score;
                a.set_score(before + amp.boost);
                let mut f = RiskFactor::new(
                    "amplifier",
                    amp.boost,
                    1.0,
                    format!("risk.amplifiers `{}` +{}", amp.source, amp.boost),
                );
                f.contribution = a.score - before;
                a.factors.push(f);
            }
        }
    }

    fn apply_environment(&self, a: &mut RiskAssessment, environment: &str) {
        let env = normalize_environment(environment);
        if let Some(&m) = self.multipliers.get(&env) {
            let before = a.score;
            a.set_score(before * m);
            let mut f = RiskFactor::new(
                "environment",
                m,
                1.0,
                format!("environment {env} multiplies risk by {m}"),
            );
            f.contribution = a.score - before;
            a.factors.push(f);
        }
    }
}

fn describe(d: &Directives) -> String {
    let mut parts = Vec::new();
    if d.block.is_some() {
        parts.push("block".to_owned());
    }
    if let Some(n) = d.require_approvers {
        parts.push(format!("require {n} approvers"));
    }
    if let Some(c) = d.challenge {
        parts.push(format!("challenge {c}"));
    }
    if !d.notify.is_empty() {
        parts.push(format!("notify {}", d.notify.join(", ")));
    }
    parts.join(", ")
}

/// What the arguments, docstring and hints imply without the action's name — the part a
/// "safe" name can never hide.
fn independent_floor(ctx: &ActionContext) -> f64 {
    let mut findings = Findings::default();
    args::analyze(&ctx.args, &ctx.kwargs, ArgHints::default(), &mut findings);
    let doc = doc_factor(ctx.function_doc.as_deref());
    let hints = hints_factor(&ctx.hints);
    let (_, floor, _) = combine(
        0.0,
        &[
            ("arguments", findings.max_severity()),
            ("docstring", doc.severity),
            ("hints", hints.severity),
        ],
        false,
    );
    floor
}
