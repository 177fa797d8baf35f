//! Domain profiles: compiled once from [`DomainProfile`] config, plus built-in profiles users can
//! reference by name (`finance`, `devops`, `healthcare`).

use regex::{Regex, RegexBuilder};

use crate::assessment::Directives;
use crate::config::{DomainProfile, EscalationRule, PatternTarget, RiskPattern, RuleCondition};
use crate::types::{ChallengeType, RiskLevel};

use super::ScoringError;
use super::environment::normalize_environment;
use super::text::contains_word;

/// Compiled regexes are capped so a pathological pattern cannot eat memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Score floor for an action matching `critical_actions`.
pub const CRITICAL_FLOOR: f64 = 0.8;
/// Each sensitive term found adds this much, up to [`SENSITIVE_TERMS_CAP`] per profile.
const SENSITIVE_TERM_STEP: f64 = 0.1;
const SENSITIVE_TERMS_CAP: f64 = 0.3;

/// Names of the profiles shipped in code.
pub const BUILTIN_PROFILE_NAMES: &[&str] = &["finance", "devops", "healthcare"];

fn compile(
    profile: &str,
    field: &str,
    pattern: &str,
    anchored: bool,
) -> Result<Regex, ScoringError> {
    let source = if anchored {
        format!("^(?:{pattern})$")
    } else {
        pattern.to_owned()
    };
    RegexBuilder::new(&source)
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| ScoringError::InvalidProfileRegex {
            profile: profile.to_owned(),
            field: field.to_owned(),
            pattern: pattern.to_owned(),
            reason: e
                .to_string()
                .lines()
                .last()
                .unwrap_or("invalid")
                .trim()
                .to_owned(),
        })
}

pub(crate) struct CompiledPattern {
    pub regex: Regex,
    pub source: String,
    pub target: PatternTarget,
    pub risk: f64,
    pub reason: String,
}

pub(crate) struct CompiledRule {
    pub name: String,
    pub action: Option<Regex>,
    pub args: Option<Regex>,
    pub min_level: Option<RiskLevel>,
    pub environment: Option<String>,
    pub directives: Directives,
}

impl CompiledRule {
    pub fn matches(
        &self,
        action: &str,
        args_text: &dyn Fn() -> String,
        level: RiskLevel,
        environment: &str,
    ) -> bool {
        self.action.as_ref().is_none_or(|r| r.is_match(action))
            && self.min_level.is_none_or(|min| level >= min)
            && self
                .environment
                .as_ref()
                .is_none_or(|e| *e == normalize_environment(environment))
            && self.args.as_ref().is_none_or(|r| r.is_match(&args_text()))
    }
}

pub(crate) struct CompiledProfile {
    pub name: String,
    pub patterns: Vec<CompiledPattern>,
    pub sensitive_terms: Vec<String>,
    pub critical: Vec<Regex>,
    pub safe: Vec<Regex>,
    pub rules: Vec<CompiledRule>,
}

impl CompiledProfile {
    /// Compiles a profile; a config profile named like a built-in extends the built-in.
    pub fn compile(profile: &DomainProfile, index: usize) -> Result<Self, ScoringError> {
        if profile.name.trim().is_empty() {
            return Err(ScoringError::UnnamedProfile { index });
        }
        let merged;
        let profile = match builtin_profile(&profile.name) {
            Some(mut base) => {
                base.risk_patterns
                    .extend(profile.risk_patterns.iter().cloned());
                base.sensitive_terms
                    .extend(profile.sensitive_terms.iter().cloned());
                base.critical_actions
                    .extend(profile.critical_actions.iter().cloned());
                base.safe_actions
                    .extend(profile.safe_actions.iter().cloned());
                base.escalation_rules
                    .extend(profile.escalation_rules.iter().cloned());
                merged = base;
                &merged
            }
            None => profile,
        };
        let name = profile.name.clone();
        let mut patterns = Vec::with_capacity(profile.risk_patterns.len());
        for (i, p) in profile.risk_patterns.iter().enumerate() {
            if !p.risk.is_finite() || !(0.0..=1.0).contains(&p.risk) {
                return Err(ScoringError::InvalidPatternRisk {
                    profile: name.clone(),
                    pattern: p.pattern.clone(),
                    value: p.risk,
                });
            }
            patterns.push(CompiledPattern {
                regex: compile(&name, &format!("risk_patterns[{i}]"), &p.pattern, false)?,
                source: p.pattern.clone(),
                target: p.target,
                risk: p.risk,
                reason: p.reason.clone(),
            });
        }
        let critical = profile
            .critical_actions
            .iter()
            .enumerate()
            .map(|(i, p)| compile(&name, &format!("critical_actions[{i}]"), p, true))
            .collect::<Result<_, _>>()?;
        let safe = profile
            .safe_actions
            .iter()
            .enumerate()
            .map(|(i, p)| compile(&name, &format!("safe_actions[{i}]"), p, true))
            .collect::<Result<_, _>>()?;
        let mut rules = Vec::with_capacity(profile.escalation_rules.len());
        for (i, rule) in profile.escalation_rules.iter().enumerate() {
            rules.push(compile_rule(&name, i, rule)?);
        }
        let sensitive_terms = profile
            .sensitive_terms
            .iter()
            .map(|t| t.trim().to_ascii_lowercase())
            .filter(|t| !t.is_empty())
            .collect();
        Ok(CompiledProfile {
            name,
            patterns,
            sensitive_terms,
            critical,
            safe,
            rules,
        })
    }

    pub fn sensitive_hits(&self, haystacks: &[&str]) -> Vec<&str> {
        self.sensitive_terms
            .iter()
            .filter(|t| haystacks.iter().any(|h| contains_word(h, t)))
            .map(String::as_str)
            .collect()
    }

    pub fn sensitive_contribution(hits: usize) -> f64 {
        (hits as f64 * SENSITIVE_TERM_STEP).min(SENSITIVE_TERMS_CAP)
    }
}

fn compile_rule(
    profile: &str,
    index: usize,
    rule: &EscalationRule,
) -> Result<CompiledRule, ScoringError> {
    let invalid = |reason: &str| ScoringError::InvalidEscalationRule {
        profile: profile.to_owned(),
        rule: if rule.name.is_empty() {
            format!("#{index}")
        } else {
            rule.name.clone()
        },
        reason: reason.to_owned(),
    };
    if rule.name.trim().is_empty() {
        return Err(invalid(
            "has no name; name every rule so denials can say which rule fired",
        ));
    }
    if rule.require_approvers == Some(0) {
        return Err(invalid(
            "require_approvers is 0; use 1 or more, or remove the key",
        ));
    }
    if !rule.block
        && rule.require_approvers.is_none()
        && rule.challenge.is_none()
        && rule.notify.is_empty()
    {
        return Err(invalid(
            "does nothing; set block, require_approvers, challenge or notify",
        ));
    }
    let when = &rule.when;
    if when.action.is_none()
        && when.args.is_none()
        && when.min_level.is_none()
        && when.environment.is_none()
    {
        return Err(invalid(
            "has an empty `when`; give at least one of action, args, min_level, environment",
        ));
    }
    let field = |part: &str| format!("escalation_rules[{index}].when.{part}");
    let action = when
        .action
        .as_deref()
        .map(|p| compile(profile, &field("action"), p, false))
        .transpose()?;
    let args = when
        .args
        .as_deref()
        .map(|p| compile(profile, &field("args"), p, false))
        .transpose()?;
    let directives = Directives {
        block: rule.block.then(|| {
            format!(
                "blocked by escalation rule `{}` of profile `{profile}`",
                rule.name
            )
        }),
        require_approvers: rule.require_approvers,
        challenge: rule.challenge,
        notify: rule.notify.clone(),
    };
    Ok(CompiledRule {
        name: rule.name.clone(),
        action,
        args,
        min_level: when.min_level,
        environment: when.environment.as_deref().map(normalize_environment),
        directives,
    })
}

fn pattern(pattern: &str, target: PatternTarget, risk: f64, reason: &str) -> RiskPattern {
    RiskPattern {
        pattern: pattern.to_owned(),
        target,
        risk,
        reason: reason.to_owned(),
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn rule(name: &str, when: RuleCondition) -> EscalationRule {
    EscalationRule {
        name: name.to_owned(),
        when,
        block: false,
        require_approvers: None,
        challenge: None,
        notify: Vec::new(),
    }
}

/// A built-in profile by name (`finance`, `devops`, `healthcare`).
pub fn builtin_profile(name: &str) -> Option<DomainProfile> {
    let profile = match name {
        "finance" => DomainProfile {
            name: "finance".into(),
            description: "Payments, transfers, ledgers and bank details".into(),
            risk_patterns: vec![
                pattern(
                    r"wire|swift|sepa|ach|payout|withdraw",
                    PatternTarget::Name,
                    0.15,
                    "moves money out",
                ),
                pattern(
                    r#"\b(iban|swift_?code|bic|routing_?number|account_?number|sort_?code)\b"#,
                    PatternTarget::Args,
                    0.15,
                    "bank details",
                ),
                pattern(
                    r#"\b(crypto|btc|eth|usdt|wallet_?address)\b"#,
                    PatternTarget::Args,
                    0.2,
                    "crypto transfer",
                ),
            ],
            sensitive_terms: strings(&[
                "iban",
                "beneficiary",
                "payroll",
                "ledger",
                "treasury",
                "chargeback",
                "kyc",
            ]),
            critical_actions: strings(&[
                r".*(wire|transfer|payout|withdraw).*(international|external|crypto|all).*",
                r"(close|delete|freeze)_?(bank_?)?(account|ledger)s?",
                r"(approve|run|execute)_?(payroll|payment_?run)",
            ]),
            safe_actions: strings(&[
                r"(get|list|fetch|show)_?(account_?)?(balance|balances|statement|statements|exchange_?rates?|transactions)",
            ]),
            escalation_rules: vec![
                EscalationRule {
                    require_approvers: Some(2),
                    notify: strings(&["finance-oncall"]),
                    ..rule(
                        "critical-money-movement",
                        RuleCondition {
                            action: Some(r"pay|transfer|wire|payout|withdraw|refund|charge".into()),
                            min_level: Some(RiskLevel::Critical),
                            ..Default::default()
                        },
                    )
                },
                EscalationRule {
                    block: true,
                    ..rule(
                        "no-crypto-withdrawals-from-ci",
                        RuleCondition {
                            action: Some(r"withdraw|transfer".into()),
                            args: Some(r"(?i)\b(btc|eth|crypto|usdt)\b".into()),
                            environment: Some("ci".into()),
                            ..Default::default()
                        },
                    )
                },
            ],
        },
        "devops" => DomainProfile {
            name: "devops".into(),
            description: "Infrastructure, deployments, clusters and CI".into(),
            risk_patterns: vec![
                pattern(
                    r"(--force|--no-verify|-auto-approve|--yes\b|--skip-checks)",
                    PatternTarget::Args,
                    0.15,
                    "skips safety checks",
                ),
                pattern(
                    r"(^|[_.\-/])(prod|production)([_.\-/]|$)",
                    PatternTarget::Name,
                    0.15,
                    "production action",
                ),
                pattern(
                    r"\b(kube-system|terraform\.tfstate|0\.0\.0\.0/0)\b",
                    PatternTarget::Args,
                    0.2,
                    "cluster-wide or world-open",
                ),
            ],
            sensitive_terms: strings(&[
                "production",
                "kube-system",
                "iam",
                "root",
                "tfstate",
                "firewall",
            ]),
            critical_actions: strings(&[
                r"(delete|destroy|terminate|drop)_?.*(cluster|database|instances?|bucket|namespace|stack|vpc)s?.*",
                r"terraform_?destroy",
            ]),
            safe_actions: strings(&[
                r"(get|list|describe|show)_.*(logs?|status|metrics|pods|instances|resources)",
            ]),
            escalation_rules: vec![
                EscalationRule {
                    challenge: Some(ChallengeType::TeachBack),
                    notify: strings(&["sre"]),
                    ..rule(
                        "production-deploys-need-teach-back",
                        RuleCondition {
                            action: Some(r"deploy|rollout|release|migrate".into()),
                            environment: Some("production".into()),
                            ..Default::default()
                        },
                    )
                },
                EscalationRule {
                    block: true,
                    ..rule(
                        "never-touch-kube-system",
                        RuleCondition {
                            args: Some(r"\bkube-system\b".into()),
                            min_level: Some(RiskLevel::Critical),
                            ..Default::default()
                        },
                    )
                },
            ],
        },
        "healthcare" => DomainProfile {
            name: "healthcare".into(),
            description: "Patient data (PHI) under HIPAA-style rules".into(),
            risk_patterns: vec![
                pattern(
                    r#"\b(mrn|patient_?id|diagnosis|icd-?10|date_?of_?birth|dob|insurance_?id)\b"#,
                    PatternTarget::Args,
                    0.2,
                    "patient identifiers (PHI)",
                ),
                pattern(
                    r"patient|ehr|emr|prescription|phi|medical",
                    PatternTarget::Name,
                    0.15,
                    "clinical system",
                ),
            ],
            sensitive_terms: strings(&[
                "patient",
                "diagnosis",
                "prescription",
                "phi",
                "hipaa",
                "mrn",
                "medical",
            ]),
            critical_actions: strings(&[
                r"(delete|export|share|send|email|upload|purge)_?.*(patient|medical|ehr|emr|phi|health).*",
            ]),
            safe_actions: strings(&[r"(get|list|show)_?(appointment|schedule|provider|clinic)s?"]),
            escalation_rules: vec![EscalationRule {
                require_approvers: Some(2),
                notify: strings(&["privacy-officer"]),
                ..rule(
                    "phi-leaving-the-system",
                    RuleCondition {
                        action: Some(r"send|share|export|email|upload|post|forward".into()),
                        args: Some(r"\b(patient|mrn|diagnosis|dob|date_of_birth)\b".into()),
                        ..Default::default()
                    },
                )
            }],
        },
        _ => return None,
    };
    Some(profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_compile() {
        for name in BUILTIN_PROFILE_NAMES {
            let p = builtin_profile(name).unwrap();
            CompiledProfile::compile(&p, 0).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert!(builtin_profile("nope").is_none());
    }

    #[test]
    fn bad_regex_names_profile_field_and_pattern() {
        let p = DomainProfile {
            name: "ops".into(),
            critical_actions: vec!["drop_(".into()],
            ..Default::default()
        };
        let err = CompiledProfile::compile(&p, 0).err().unwrap().to_string();
        assert!(
            err.contains("profile `ops`")
                && err.contains("critical_actions[0]")
                && err.contains("`drop_(`"),
            "{err}"
        );
    }

    #[test]
    fn rules_are_validated() {
        let mut p = DomainProfile {
            name: "x".into(),
            ..Default::default()
        };
        p.escalation_rules.push(rule(
            "noop",
            RuleCondition {
                action: Some("a".into()),
                ..Default::default()
            },
        ));
        assert!(CompiledProfile::compile(&p, 0).is_err());
        p.escalation_rules[0].block = true;
        assert!(CompiledProfile::compile(&p, 0).is_ok());
        p.escalation_rules[0].when = RuleCondition::default();
        assert!(CompiledProfile::compile(&p, 0).is_err());
        let unnamed = DomainProfile::default();
        assert_eq!(
            CompiledProfile::compile(&unnamed, 3).err(),
            Some(ScoringError::UnnamedProfile { index: 3 })
        );
    }
}
