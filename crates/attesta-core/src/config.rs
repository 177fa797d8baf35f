//! The policy/config model (`attesta.yaml`; JSON and TOML accepted).
//!
//! Every struct rejects unknown keys; defaults live here so the library, the CLI's `init`
//! template and the docs agree. Parsing with line numbers, `${ENV}` interpolation, suggestions
//! for misspelt keys and range checks live in [`crate::config_parse`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::result::Mode;
use crate::types::{ChallengeMap, ChallengeType, RiskLevel};

/// The whole configuration file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub policy: PolicyConfig,
    pub risk: RiskConfig,
    pub trust: TrustConfig,
    pub audit: AuditConfig,
    /// Which reviewer asks the human: `terminal`, `server`, `deny`, `allow` (needs
    /// `policy.unattended: allow`) or unset for automatic selection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<ReviewerKind>,
    pub server: ServerConfig,
    /// Self-protection exceptions (honoured at the managed and user levels only).
    #[serde(skip_serializing_if = "ProtectionConfig::is_empty")]
    pub protection: ProtectionConfig,
}

/// `protection:` — files released from the self-protection floor.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProtectionConfig {
    /// Paths (files or directories) an agent may change at their scored risk instead of at
    /// CRITICAL. Relative paths resolve against the file that names them.
    pub allow: Vec<String>,
}

impl ProtectionConfig {
    pub fn is_empty(&self) -> bool {
        self.allow.is_empty()
    }
}

/// A value per risk level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerLevel<T> {
    pub low: T,
    pub medium: T,
    pub high: T,
    pub critical: T,
}

impl<T: Copy> PerLevel<T> {
    pub const fn get(&self, level: RiskLevel) -> T {
        match level {
            RiskLevel::Low => self.low,
            RiskLevel::Medium => self.medium,
            RiskLevel::High => self.high,
            RiskLevel::Critical => self.critical,
        }
    }
}

/// Minimum review seconds per level; a partial map keeps the defaults for missing levels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReviewSeconds {
    pub low: f64,
    pub medium: f64,
    pub high: f64,
    pub critical: f64,
}

impl Default for ReviewSeconds {
    fn default() -> Self {
        ReviewSeconds {
            low: 0.0,
            medium: 3.0,
            high: 10.0,
            critical: 30.0,
        }
    }
}

impl ReviewSeconds {
    pub const fn get(&self, level: RiskLevel) -> f64 {
        match level {
            RiskLevel::Low => self.low,
            RiskLevel::Medium => self.medium,
            RiskLevel::High => self.high,
            RiskLevel::Critical => self.critical,
        }
    }
}

/// Distinct approvers a multi-party review needs, per level (only levels whose challenge is
/// multi-party use it).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MultiPartyApprovers {
    pub low: u32,
    pub medium: u32,
    pub high: u32,
    pub critical: u32,
}

impl Default for MultiPartyApprovers {
    fn default() -> Self {
        MultiPartyApprovers {
            low: 2,
            medium: 2,
            high: 2,
            critical: 2,
        }
    }
}

impl MultiPartyApprovers {
    pub const fn get(&self, level: RiskLevel) -> u32 {
        match level {
            RiskLevel::Low => self.low,
            RiskLevel::Medium => self.medium,
            RiskLevel::High => self.high,
            RiskLevel::Critical => self.critical,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailMode {
    /// Timeout → `timed_out`, the call does not run.
    #[default]
    Deny,
    /// Timeout → `escalated` plus an escalation event; the call does not run.
    Escalate,
    /// Timeout → `approved`, with the timeout recorded. Never use in production.
    Allow,
}

/// What happens when no human can be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unattended {
    #[default]
    Deny,
    Allow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewerKind {
    Terminal,
    Server,
    Deny,
    Allow,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PolicyConfig {
    pub minimum_review_seconds: ReviewSeconds,
    pub require_multi_party: MultiPartyApprovers,
    pub challenge_map: ChallengeMap,
    pub fail_mode: FailMode,
    /// Seconds a human has to answer (default 300).
    pub timeout_seconds: f64,
    pub mode: Mode,
    pub unattended: Unattended,
    pub quiz: QuizPolicy,
    pub teach_back: TeachBackPolicy,
}

impl PolicyConfig {
    /// The challenge and number of approvers this policy asks for at `level`, raised (never
    /// lowered) by an escalation rule's directives: a stronger challenge replaces the mapped one,
    /// and `require_approvers` of 2 or more makes it a multi-party review of at least that many.
    pub fn review_for(
        &self,
        level: RiskLevel,
        directives: &crate::assessment::Directives,
    ) -> (ChallengeType, u32) {
        let mut challenge = self.challenge_map.get(level);
        if let Some(forced) = directives.challenge
            && forced.rigour() > challenge.rigour()
        {
            challenge = forced;
        }
        let mut approvers_required = 1;
        if challenge == ChallengeType::MultiParty {
            approvers_required = self.require_multi_party.get(level).max(2);
        }
        if let Some(n) = directives.require_approvers
            && n >= 2
        {
            challenge = ChallengeType::MultiParty;
            approvers_required = approvers_required.max(n);
        }
        (challenge, approvers_required)
    }
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            minimum_review_seconds: ReviewSeconds::default(),
            require_multi_party: MultiPartyApprovers::default(),
            challenge_map: ChallengeMap::default(),
            fail_mode: FailMode::Deny,
            timeout_seconds: 300.0,
            mode: Mode::Enforce,
            unattended: Unattended::Deny,
            quiz: QuizPolicy::default(),
            teach_back: TeachBackPolicy::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QuizPolicy {
    /// Questions asked (1–3).
    pub questions: u32,
    /// Correct answers needed; `None` means all of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_correct: Option<u32>,
}

impl Default for QuizPolicy {
    fn default() -> Self {
        QuizPolicy {
            questions: 2,
            min_correct: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TeachBackPolicy {
    pub min_words: u32,
    pub min_key_terms: u32,
}

impl Default for TeachBackPolicy {
    fn default() -> Self {
        TeachBackPolicy {
            min_words: 15,
            min_key_terms: 2,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RiskConfig {
    /// Action name → level. Bypasses the scorer; never scaled by environment or trust.
    pub overrides: BTreeMap<String, RiskLevel>,
    /// Regex on the action name → amount added to the score (positive only).
    pub amplifiers: Vec<Amplifier>,
    /// Environment name → multiplier (≥ 1; nothing lowers risk by default).
    pub environment_multipliers: BTreeMap<String, f64>,
    /// Force the environment instead of detecting it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    pub profiles: Vec<DomainProfile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amplifier {
    pub pattern: String,
    pub boost: f64,
}

/// A domain risk profile: patterns, sensitive terms, critical and safe actions, escalation rules.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DomainProfile {
    pub name: String,
    pub description: String,
    pub risk_patterns: Vec<RiskPattern>,
    /// Words that raise risk when they appear (whole words) in names, arguments or docs.
    pub sensitive_terms: Vec<String>,
    /// Anchored regexes on the action name; a match floors the score at 0.8.
    pub critical_actions: Vec<String>,
    /// Anchored regexes on the action name that lower the name factor; never hides a dangerous
    /// argument.
    pub safe_actions: Vec<String>,
    pub escalation_rules: Vec<EscalationRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatternTarget {
    Name,
    Args,
    Docs,
    #[default]
    Any,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskPattern {
    pub pattern: String,
    #[serde(default)]
    pub target: PatternTarget,
    /// Added to the score when it matches (0–1).
    pub risk: f64,
    #[serde(default)]
    pub reason: String,
}

/// When `when` holds, do what the rule says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationRule {
    pub name: String,
    pub when: RuleCondition,
    #[serde(default)]
    pub block: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_approvers: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<ChallengeType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notify: Vec<String>,
}

/// All given parts must hold.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RuleCondition {
    /// Regex on the action name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Regex on the arguments' JSON text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub args: Option<String>,
    /// Minimum level (after scoring).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_level: Option<RiskLevel>,
    /// Environment name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrustConfig {
    pub enabled: bool,
    /// How much trust can lower risk: effective = raw × (1 − influence × trust).
    pub influence: f64,
    pub ceiling: f64,
    pub initial_score: f64,
    /// Fraction of accumulated evidence lost per day of inactivity.
    pub decay_rate: f64,
    /// Path of the trust store, relative to the config file.
    pub store: String,
    /// Trust domains: name → regex on action names. Never taken from caller hints.
    pub domains: BTreeMap<String, String>,
}

impl Default for TrustConfig {
    fn default() -> Self {
        TrustConfig {
            enabled: true,
            influence: 0.3,
            ceiling: 0.9,
            initial_score: 0.0,
            decay_rate: 0.05,
            store: ".attesta/trust.json".into(),
            domains: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Durability {
    /// fsync after every entry.
    #[default]
    Always,
    /// fsync at most every `batch_interval_ms`.
    Batch,
    /// Leave flushing to the OS.
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    pub enabled: bool,
    /// Path of the JSONL log, relative to the config file.
    pub path: String,
    pub durability: Durability,
    pub batch_interval_ms: u64,
    pub redaction: RedactionConfig,
    /// Environment variable holding the HMAC key for checkpoints.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint_key_env: Option<String>,
    /// Start a new segment when the log grows past this many bytes (0: never).
    pub rotate_bytes: u64,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            enabled: true,
            path: ".attesta/audit.jsonl".into(),
            durability: Durability::Always,
            batch_interval_ms: 100,
            redaction: RedactionConfig::default(),
            checkpoint_key_env: None,
            rotate_bytes: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedactionConfig {
    pub enabled: bool,
    /// Extra field names whose values are always redacted.
    pub keys: Vec<String>,
    /// Extra regexes whose matches are redacted.
    pub patterns: Vec<String>,
}

impl Default for RedactionConfig {
    fn default() -> Self {
        RedactionConfig {
            enabled: true,
            keys: Vec::new(),
            patterns: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Base URL of the approval server, for the `server` reviewer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Environment variable holding this agent's token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_token_env: Option<String>,
    /// Address `attesta serve` listens on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    /// `sqlite:PATH` or `postgres://…`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// Public base URL used in notification links.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// Extra `Host` header values `attesta serve` accepts (besides the listen address, localhost
    /// and the host of `public_url`), e.g. a reverse proxy's name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_hosts: Vec<String>,
    /// Notifications sent by `attesta serve`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub webhooks: Vec<WebhookConfig>,
    /// Most requests one agent may have pending on `attesta serve` (default 50); more get 429.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pending_per_agent: Option<u32>,
    /// Whether `attesta serve` lets an agent's declared `environment` count in scoring (default
    /// true). It can only raise the risk (a declared production); `false` ignores it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_environment: Option<bool>,
}

/// One notification endpoint of the approval server.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhookConfig {
    pub url: String,
    /// Environment variable holding the HMAC signing secret (none: deliveries are unsigned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_env: Option<String>,
    /// `json` (signed event envelope) or `slack` (incoming-webhook message with a link).
    pub format: WebhookFormat,
    /// Events to send (`request.created`, `request.decided`, `request.escalated`); empty = all.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookFormat {
    #[default]
    Json,
    Slack,
}

/// Events the approval server emits.
pub const WEBHOOK_EVENTS: [&str; 3] = ["request.created", "request.decided", "request.escalated"];
