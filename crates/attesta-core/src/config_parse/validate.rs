//! Range and consistency checks on a deserialised [`Config`]: only values that are impossible or
//! would silently weaken a check are rejected.

use regex::RegexBuilder;

use super::ConfigErrorKind;
use super::interpolate::is_env_name;
use super::node::Seg;
use crate::config::{Config, DomainProfile, Durability, ReviewerKind, Unattended};
use crate::types::RiskLevel;

/// Longest a human may take before `fail_mode` applies.
pub const MAX_TIMEOUT_SECONDS: f64 = 604_800.0;

/// One failed check, before it is given a file position.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Problem {
    pub path: Vec<Seg>,
    pub kind: ConfigErrorKind,
    pub message: String,
    pub hint: Option<String>,
}

/// Regexes in the config are compiled with a bounded size so a pathological pattern is an error
/// here rather than a slow start later.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

struct Checker {
    path: Vec<Seg>,
}

type Check = Result<(), Problem>;

impl Checker {
    fn at<T>(
        &mut self,
        keys: &[&str],
        f: impl FnOnce(&mut Self) -> Result<T, Problem>,
    ) -> Result<T, Problem> {
        let depth = self.path.len();
        self.path
            .extend(keys.iter().map(|k| Seg::Key((*k).to_owned())));
        let result = f(self);
        self.path.truncate(depth);
        result
    }

    fn at_index<T>(
        &mut self,
        index: usize,
        f: impl FnOnce(&mut Self) -> Result<T, Problem>,
    ) -> Result<T, Problem> {
        self.path.push(Seg::Index(index));
        let result = f(self);
        self.path.pop();
        result
    }

    fn fail(&self, kind: ConfigErrorKind, message: String, hint: Option<&str>) -> Check {
        Err(Problem {
            path: self.path.clone(),
            kind,
            message,
            hint: hint.map(str::to_owned),
        })
    }

    fn name(&self) -> String {
        format!("`{}`", super::node::render_path(&self.path))
    }

    fn finite(&self, value: f64) -> Check {
        if value.is_finite() {
            Ok(())
        } else {
            self.fail(
                ConfigErrorKind::OutOfRange,
                format!("{} must be a finite number, got {value}", self.name()),
                None,
            )
        }
    }

    fn unit_interval(&self, value: f64) -> Check {
        self.finite(value)?;
        if (0.0..=1.0).contains(&value) {
            Ok(())
        } else {
            self.fail(
                ConfigErrorKind::OutOfRange,
                format!("{} must be between 0 and 1, got {value}", self.name()),
                None,
            )
        }
    }

    fn regex(&self, pattern: &str) -> Check {
        match RegexBuilder::new(pattern)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
        {
            Ok(_) => Ok(()),
            Err(err) => {
                let detail = err
                    .to_string()
                    .lines()
                    .last()
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
                self.fail(
                    ConfigErrorKind::InvalidRegex,
                    format!(
                        "{} is not a valid regular expression `{pattern}`: {detail}",
                        self.name()
                    ),
                    Some("escape special characters such as `.`, `(` or `*` with `\\`"),
                )
            }
        }
    }

    fn env_name(&self, name: &str) -> Check {
        if is_env_name(name) {
            Ok(())
        } else {
            self.fail(
                ConfigErrorKind::InvalidValue,
                format!("{} must name an environment variable, got `{name}`", self.name()),
                Some("use letters, digits and `_`, e.g. `ATTESTA_AGENT_TOKEN`; the secret itself stays in the environment"),
            )
        }
    }

    fn non_empty(&self, value: &str) -> Check {
        if value.trim().is_empty() {
            self.fail(
                ConfigErrorKind::InvalidValue,
                format!("{} must not be empty", self.name()),
                None,
            )
        } else {
            Ok(())
        }
    }
}

const LEVELS: [(&str, RiskLevel); 4] = [
    ("low", RiskLevel::Low),
    ("medium", RiskLevel::Medium),
    ("high", RiskLevel::High),
    ("critical", RiskLevel::Critical),
];

pub(crate) fn check(config: &Config) -> Check {
    let mut c = Checker { path: Vec::new() };
    c.at(&["policy"], |c| check_policy(c, config))?;
    c.at(&["risk"], |c| check_risk(c, config))?;
    c.at(&["trust"], |c| check_trust(c, config))?;
    c.at(&["audit"], |c| check_audit(c, config))?;
    c.at(&["server", "agent_token_env"], |c| {
        match &config.server.agent_token_env {
            Some(name) => c.env_name(name),
            None => Ok(()),
        }
    })?;
    for (i, hook) in config.server.webhooks.iter().enumerate() {
        c.at(&["server", "webhooks"], |c| {
            c.at_index(i, |c| check_webhook(c, hook))
        })?;
    }
    if config.reviewer == Some(ReviewerKind::Allow) && config.policy.unattended != Unattended::Allow
    {
        return c.at(&["reviewer"], |c| {
            c.fail(
                ConfigErrorKind::InvalidValue,
                "`reviewer: allow` approves without asking anyone, which needs `policy.unattended: allow`".into(),
                Some("set `policy.unattended: allow` as well if unattended approval is really wanted, or pick another reviewer"),
            )
        });
    }
    Ok(())
}

fn check_policy(c: &mut Checker, config: &Config) -> Check {
    let policy = &config.policy;
    for (key, level) in LEVELS {
        c.at(&["minimum_review_seconds", key], |c| {
            let seconds = policy.minimum_review_seconds.get(level);
            c.finite(seconds)?;
            if seconds < 0.0 {
                return c.fail(
                    ConfigErrorKind::OutOfRange,
                    format!("{} must be 0 or more seconds, got {seconds}", c.name()),
                    None,
                );
            }
            Ok(())
        })?;
        c.at(&["require_multi_party", key], |c| {
            let approvers = policy.require_multi_party.get(level);
            if approvers < 1 {
                return c.fail(
                    ConfigErrorKind::OutOfRange,
                    format!("{} must be at least 1 approver, got {approvers}", c.name()),
                    Some("2 or more is recommended for critical actions"),
                );
            }
            Ok(())
        })?;
    }
    c.at(&["timeout_seconds"], |c| {
        c.finite(policy.timeout_seconds)?;
        if policy.timeout_seconds <= 0.0 {
            return c.fail(
                ConfigErrorKind::OutOfRange,
                format!(
                    "{} must be greater than 0, got {}",
                    c.name(),
                    policy.timeout_seconds
                ),
                Some("the default is 300 (five minutes)"),
            );
        }
        if policy.timeout_seconds > MAX_TIMEOUT_SECONDS {
            return c.fail(
                ConfigErrorKind::OutOfRange,
                format!(
                    "{} must be at most {MAX_TIMEOUT_SECONDS} (one week), got {}",
                    c.name(),
                    policy.timeout_seconds
                ),
                Some(
                    "a request nobody answers for a week should follow fail_mode, not wait forever",
                ),
            );
        }
        Ok(())
    })?;
    c.at(&["quiz", "questions"], |c| {
        let questions = policy.quiz.questions;
        if !(1..=3).contains(&questions) {
            return c.fail(
                ConfigErrorKind::OutOfRange,
                format!("{} must be 1, 2 or 3, got {questions}", c.name()),
                None,
            );
        }
        Ok(())
    })?;
    if let Some(min_correct) = policy.quiz.min_correct {
        c.at(&["quiz", "min_correct"], |c| {
            let questions = policy.quiz.questions;
            if min_correct < 1 || min_correct > questions {
                return c.fail(
                    ConfigErrorKind::OutOfRange,
                    format!("{} must be between 1 and `policy.quiz.questions` ({questions}), got {min_correct}", c.name()),
                    Some("leave it out to require every answer to be correct"),
                );
            }
            Ok(())
        })?;
    }
    c.at(&["teach_back", "min_words"], |c| {
        if policy.teach_back.min_words < 1 {
            return c.fail(
                ConfigErrorKind::OutOfRange,
                format!("{} must be at least 1, got 0", c.name()),
                Some("the default is 15 words"),
            );
        }
        Ok(())
    })
}

fn check_risk(c: &mut Checker, config: &Config) -> Check {
    let risk = &config.risk;
    for action in risk.overrides.keys() {
        c.at(&["overrides", action], |c| c.non_empty(action))?;
    }
    for (i, amplifier) in risk.amplifiers.iter().enumerate() {
        c.at(&["amplifiers"], |c| {
            c.at_index(i, |c| {
                c.at(&["pattern"], |c| c.regex(&amplifier.pattern))?;
                c.at(&["boost"], |c| c.unit_interval(amplifier.boost))
            })
        })?;
    }
    for (env, multiplier) in &risk.environment_multipliers {
        c.at(&["environment_multipliers", env], |c| {
            c.finite(*multiplier)?;
            if *multiplier < 1.0 {
                return c.fail(
                    ConfigErrorKind::OutOfRange,
                    format!("{} must be 1 or more, got {multiplier}: a multiplier below 1 would lower risk", c.name()),
                    Some("use 1.0 for no change; trust and overrides are the ways to lower risk"),
                );
            }
            Ok(())
        })?;
    }
    for (i, profile) in risk.profiles.iter().enumerate() {
        c.at(&["profiles"], |c| {
            c.at_index(i, |c| check_profile(c, profile))
        })?;
    }
    Ok(())
}

fn check_profile(c: &mut Checker, profile: &DomainProfile) -> Check {
    c.at(&["name"], |c| c.non_empty(&profile.name))?;
    for (i, pattern) in profile.risk_patterns.iter().enumerate() {
        c.at(&["risk_patterns"], |c| {
            c.at_index(i, |c| {
                c.at(&["pattern"], |c| c.regex(&pattern.pattern))?;
                c.at(&["risk"], |c| c.unit_interval(pattern.risk))
            })
        })?;
    }
    for (key, list) in [
        ("critical_actions", &profile.critical_actions),
        ("safe_actions", &profile.safe_actions),
    ] {
        for (i, pattern) in list.iter().enumerate() {
            c.at(&[key], |c| c.at_index(i, |c| c.regex(pattern)))?;
        }
    }
    for (i, term) in profile.sensitive_terms.iter().enumerate() {
        c.at(&["sensitive_terms"], |c| {
            c.at_index(i, |c| c.non_empty(term))
        })?;
    }
    for (i, rule) in profile.escalation_rules.iter().enumerate() {
        c.at(&["escalation_rules"], |c| {
            c.at_index(i, |c| {
                c.at(&["name"], |c| c.non_empty(&rule.name))?;
                if let Some(action) = &rule.when.action {
                    c.at(&["when", "action"], |c| c.regex(action))?;
                }
                if let Some(args) = &rule.when.args {
                    c.at(&["when", "args"], |c| c.regex(args))?;
                }
                if let Some(approvers) = rule.require_approvers {
                    c.at(&["require_approvers"], |c| {
                        if approvers < 1 {
                            return c.fail(
                                ConfigErrorKind::OutOfRange,
                                format!("{} must be at least 1, got 0", c.name()),
                                None,
                            );
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })
        })?;
    }
    Ok(())
}

fn check_trust(c: &mut Checker, config: &Config) -> Check {
    let trust = &config.trust;
    c.at(&["influence"], |c| c.unit_interval(trust.influence))?;
    c.at(&["ceiling"], |c| c.unit_interval(trust.ceiling))?;
    c.at(&["initial_score"], |c| {
        c.unit_interval(trust.initial_score)?;
        if trust.initial_score > trust.ceiling {
            return c.fail(
                ConfigErrorKind::OutOfRange,
                format!(
                    "{} ({}) must not be above `trust.ceiling` ({})",
                    c.name(),
                    trust.initial_score,
                    trust.ceiling
                ),
                None,
            );
        }
        Ok(())
    })?;
    c.at(&["decay_rate"], |c| {
        c.finite(trust.decay_rate)?;
        if trust.decay_rate < 0.0 {
            return c.fail(
                ConfigErrorKind::OutOfRange,
                format!("{} must be 0 or more, got {}", c.name(), trust.decay_rate),
                Some("0 keeps trust evidence forever; the default 0.05 loses 5% per day of inactivity"),
            );
        }
        Ok(())
    })?;
    c.at(&["store"], |c| c.non_empty(&trust.store))?;
    for (name, pattern) in &trust.domains {
        c.at(&["domains", name], |c| {
            c.non_empty(name)?;
            c.regex(pattern)
        })?;
    }
    Ok(())
}

fn check_audit(c: &mut Checker, config: &Config) -> Check {
    let audit = &config.audit;
    c.at(&["path"], |c| c.non_empty(&audit.path))?;
    if audit.durability == Durability::Batch {
        c.at(&["batch_interval_ms"], |c| {
            if audit.batch_interval_ms == 0 {
                return c.fail(
                    ConfigErrorKind::OutOfRange,
                    format!(
                        "{} must be at least 1 when `audit.durability` is batch",
                        c.name()
                    ),
                    Some("use `durability: always` to fsync after every entry"),
                );
            }
            Ok(())
        })?;
    }
    for (i, pattern) in audit.redaction.patterns.iter().enumerate() {
        c.at(&["redaction", "patterns"], |c| {
            c.at_index(i, |c| c.regex(pattern))
        })?;
    }
    if let Some(name) = &audit.checkpoint_key_env {
        c.at(&["checkpoint_key_env"], |c| c.env_name(name))?;
    }
    Ok(())
}

fn check_webhook(c: &mut Checker, hook: &crate::config::WebhookConfig) -> Check {
    c.at(&["url"], |c| {
        if hook.url.starts_with("https://") || hook.url.starts_with("http://") {
            Ok(())
        } else {
            c.fail(
                ConfigErrorKind::InvalidValue,
                format!("webhook url `{}` is not an http(s) URL", hook.url),
                Some("write the full address, e.g. `https://hooks.slack.com/services/…`"),
            )
        }
    })?;
    if let Some(name) = &hook.secret_env {
        c.at(&["secret_env"], |c| c.env_name(name))?;
    }
    for event in &hook.events {
        if !crate::config::WEBHOOK_EVENTS.contains(&event.as_str()) {
            return c.at(&["events"], |c| {
                c.fail(
                    ConfigErrorKind::InvalidValue,
                    format!("unknown webhook event `{event}`"),
                    Some("use request.created, request.decided or request.escalated (or leave `events` out for all)"),
                )
            });
        }
    }
    Ok(())
}
