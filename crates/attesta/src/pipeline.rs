//! The four-stage pipeline: score → select challenge → verify with a human → audit.
//!
//! [`Attesta::evaluate`] never returns an error: anything that breaks on the way (a scorer that
//! panics, a reviewer that fails, a trust store that cannot be read, an audit write that fails)
//! turns into a denial with a reason. Nothing is approved because something broke.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use attesta_core::audit::{AuditEntry, Redactor};
use attesta_core::config::{Config, FailMode, ReviewerKind, Unattended};
use attesta_core::scoring::{DefaultRiskScorer, RiskEngine, RiskScorer, detect_environment, normalize_environment};
use attesta_core::trust::{TrustEvent, TrustParams, apply_trust, trust_domain};
use attesta_core::{
    ActionContext, ApprovalResult, ChallengeResult, ChallengeType, Mode, RiskAssessment, RiskFactor, RiskLevel,
    Verdict,
};
use futures::FutureExt;
use jiff::Timestamp;
use serde_json::Value;

use crate::audit::AuditLog;
use crate::config_file::{ConfigFileError, LoadedConfig};
use crate::entry_id::EntryId;
use crate::events::{Event, EventBus};
use crate::reviewer::{
    NonInteractiveReviewer, ReviewOutcome, ReviewRequest, Reviewer, ReviewerError, ServerReviewer, TerminalReviewer,
};
use crate::trust_store::TrustStore;

/// What can go wrong while *building* an [`Attesta`] (evaluation itself never errors).
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Config(#[from] ConfigFileError),
    #[error("invalid risk configuration: {0}")]
    Scoring(#[from] attesta_core::scoring::ScoringError),
    #[error("cannot open the audit log {path}: {source}")]
    Audit { path: PathBuf, source: crate::audit::AuditError },
    #[error("cannot open the trust store {path}: {source}")]
    Trust { path: PathBuf, source: crate::trust_store::TrustStoreError },
    #[error("invalid redaction settings (audit.redaction): {0}")]
    Redaction(attesta_core::audit::AuditError),
    #[error(
        "`reviewer: allow` approves without a human; it also needs `policy.unattended: allow` in the same file"
    )]
    AllowWithoutUnattended,
    #[error("`reviewer: server` needs `server.url` (the approval server's address)")]
    ServerWithoutUrl,
    #[error("the `server` reviewer is not available in this build; use `terminal`, `deny` or `allow`")]
    ServerReviewerUnavailable,
}

/// The gate refused to run a function; carries the full result for inspection.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct AttestaDenied {
    pub message: String,
    pub result: Box<ApprovalResult>,
}

impl AttestaDenied {
    pub fn from_result(result: ApprovalResult) -> Self {
        let detail = format!("{} (risk: {}, score: {:.2})", result.reason, result.risk.level, result.risk.score);
        let message = match result.verdict {
            Verdict::TimedOut => format!("Action timed out: {detail}"),
            Verdict::Escalated => format!("Action escalated (not yet resolved): {detail}"),
            _ => format!("Action denied: {detail}"),
        };
        AttestaDenied { message, result: Box::new(result) }
    }

    pub fn verdict(&self) -> Verdict {
        self.result.verdict
    }
}

/// The arguments a gated function receives: the originals, or a reviewer's modification.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Arguments {
    pub args: Vec<Value>,
    pub kwargs: serde_json::Map<String, Value>,
}

impl Arguments {
    fn from_context(ctx: &ActionContext) -> Self {
        Arguments { args: ctx.args.clone(), kwargs: ctx.kwargs.clone() }
    }

    /// Reads `{"args": [...], "kwargs": {...}}`; either part may be missing (kept from the original).
    fn from_modification(original: &ActionContext, modification: &Value) -> Option<Self> {
        let object = modification.as_object()?;
        let args = match object.get("args") {
            Some(Value::Array(a)) => a.clone(),
            Some(_) => return None,
            None => original.args.clone(),
        };
        let kwargs = match object.get("kwargs") {
            Some(Value::Object(k)) => k.clone(),
            Some(_) => return None,
            None => original.kwargs.clone(),
        };
        Some(Arguments { args, kwargs })
    }
}

/// Per-call options.
#[derive(Debug, Clone, Default)]
pub struct EvaluateOptions {
    /// A code-level override (`gate(risk = "critical")`): beats config overrides, bypasses scoring.
    pub risk_override: Option<RiskLevel>,
    /// Fixed challenge seed (tests); random otherwise.
    pub seed: Option<u64>,
    /// Minimum review seconds for this call, overriding the config's per-level value (never lower
    /// than the config's for the level).
    pub min_review_seconds: Option<f64>,
    /// The agent session's allow-list, from entry points that keep per-session state (the
    /// coding-agent hooks). A MEDIUM confirmation it covers is auto-approved and audited with
    /// the rule; otherwise the reviewer may offer to extend it (see [`crate::session_allow`]).
    pub session_allow: Option<crate::session_allow::SessionAllow>,
}

struct Inner {
    config: Config,
    engine: RiskEngine,
    reviewer: Arc<dyn Reviewer>,
    audit: Option<AuditLog>,
    redactor: Redactor,
    trust: Option<TrustStore>,
    trust_params: TrustParams,
    environment: String,
    events: EventBus,
}

/// The Attesta pipeline. Cheap to clone; share one across threads and frameworks.
#[derive(Clone)]
pub struct Attesta {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Attesta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attesta")
            .field("reviewer", &self.inner.reviewer.name())
            .field("environment", &self.inner.environment)
            .field("audit", &self.inner.audit.is_some())
            .field("trust", &self.inner.trust.is_some())
            .finish()
    }
}

type EnvLookup = Box<dyn Fn(&str) -> Option<String>>;
type Subscriber = Arc<dyn Fn(&Event) + Send + Sync>;

/// Builds an [`Attesta`]. Start from [`Attesta::builder`] or [`AttestaBuilder::from_loaded`].
pub struct AttestaBuilder {
    loaded: LoadedConfig,
    scorer: Option<Arc<dyn RiskScorer>>,
    reviewer: Option<Arc<dyn Reviewer>>,
    audit_path: Option<PathBuf>,
    audit_enabled: Option<bool>,
    trust_path: Option<PathBuf>,
    trust_enabled: Option<bool>,
    environment: Option<String>,
    env_lookup: Option<EnvLookup>,
    subscribers: Vec<Subscriber>,
    protection: Option<attesta_core::protect::Protection>,
}

impl AttestaBuilder {
    /// Starts from a loaded configuration (paths in it resolve against its directory).
    pub fn from_loaded(loaded: LoadedConfig) -> Self {
        AttestaBuilder {
            loaded,
            scorer: None,
            reviewer: None,
            audit_path: None,
            audit_enabled: None,
            trust_path: None,
            trust_enabled: None,
            environment: None,
            env_lookup: None,
            subscribers: Vec::new(),
            protection: None,
        }
    }

    /// The self-protection set (default: the name-based set plus this configuration's audit log,
    /// trust store and file). See [`attesta_core::protect`].
    pub fn protection(mut self, protection: attesta_core::protect::Protection) -> Self {
        self.protection = Some(protection);
        self
    }

    /// Replaces the whole configuration model (paths still resolve against the base directory).
    pub fn config(mut self, config: Config) -> Self {
        self.loaded.config = config;
        self
    }

    pub fn config_mut(&mut self) -> &mut Config {
        &mut self.loaded.config
    }

    /// Uses this scorer instead of the default one (overrides and profiles still apply).
    pub fn scorer(mut self, scorer: Arc<dyn RiskScorer>) -> Self {
        self.scorer = Some(scorer);
        self
    }

    /// Uses this reviewer instead of the configured/automatic choice.
    pub fn reviewer(mut self, reviewer: Arc<dyn Reviewer>) -> Self {
        self.reviewer = Some(reviewer);
        self
    }

    /// Writes the audit log here (instead of `audit.path`).
    pub fn audit_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.audit_path = Some(path.into());
        self.audit_enabled = Some(true);
        self
    }

    /// Turns auditing off (benchmarks, tests). Production configurations keep it on.
    pub fn without_audit(mut self) -> Self {
        self.audit_enabled = Some(false);
        self
    }

    pub fn trust_store_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.trust_path = Some(path.into());
        self.trust_enabled = Some(true);
        self
    }

    pub fn without_trust(mut self) -> Self {
        self.trust_enabled = Some(false);
        self
    }

    /// Forces the environment (`production`, `staging`, `ci`, `development`).
    pub fn environment(mut self, environment: impl Into<String>) -> Self {
        self.environment = Some(environment.into());
        self
    }

    /// Where environment variables are read from for environment detection (tests).
    pub fn env_lookup(mut self, lookup: impl Fn(&str) -> Option<String> + 'static) -> Self {
        self.env_lookup = Some(Box::new(lookup));
        self
    }

    pub fn subscribe(mut self, subscriber: impl Fn(&Event) + Send + Sync + 'static) -> Self {
        self.subscribers.push(Arc::new(subscriber));
        self
    }

    pub fn build(self) -> Result<Attesta, BuildError> {
        let AttestaBuilder { loaded, scorer, reviewer, audit_path, audit_enabled, trust_path, trust_enabled, environment, env_lookup, subscribers, protection } = self;
        let config = loaded.config.clone();

        let scorer: Arc<dyn RiskScorer> = scorer.unwrap_or_else(|| Arc::new(DefaultRiskScorer::new()));
        let protection = protection.unwrap_or_else(|| {
            let mut p = attesta_core::protect::Protection::new()
                .protect(audit_path.clone().unwrap_or_else(|| loaded.audit_path()))
                .protect(trust_path.clone().unwrap_or_else(|| loaded.trust_store_path()));
            if let Some(file) = &loaded.path {
                p = p.protect(std::path::absolute(file).unwrap_or_else(|_| file.clone()));
            }
            p
        });
        let engine = RiskEngine::new(scorer, &config.risk)?.with_protection(protection);

        let environment = match environment.or_else(|| config.risk.environment.clone()) {
            Some(name) => normalize_environment(&name),
            None => match &env_lookup {
                Some(lookup) => detect_environment(lookup.as_ref()),
                None => detect_environment(&|name| std::env::var(name).ok()),
            },
        };

        let reviewer = match reviewer {
            Some(reviewer) => reviewer,
            None => select_reviewer(&config)?,
        };

        let audit = if audit_enabled.unwrap_or(config.audit.enabled) {
            let path = audit_path.unwrap_or_else(|| loaded.audit_path());
            Some(AuditLog::open(path.clone(), &config.audit).map_err(|source| BuildError::Audit { path, source })?)
        } else {
            None
        };
        let redactor = Redactor::new(&config.audit.redaction).map_err(BuildError::Redaction)?;

        let trust_params = TrustParams::from(&config.trust);
        let trust = if trust_enabled.unwrap_or(config.trust.enabled) {
            let path = trust_path.unwrap_or_else(|| loaded.trust_store_path());
            Some(TrustStore::open(path.clone(), trust_params).map_err(|source| BuildError::Trust { path, source })?)
        } else {
            None
        };

        let events = EventBus::default();
        for subscriber in subscribers {
            events.subscribe(subscriber);
        }

        Ok(Attesta {
            inner: Arc::new(Inner { config, engine, reviewer, audit, redactor, trust, trust_params, environment, events }),
        })
    }
}

/// Config `reviewer:` first, then a configured approval server, then a terminal, else a non-interactive reviewer that denies (or
/// approves, audited as unattended, only with `policy.unattended: allow`).
fn select_reviewer(config: &Config) -> Result<Arc<dyn Reviewer>, BuildError> {
    let unattended = config.policy.unattended;
    Ok(match config.reviewer {
        Some(ReviewerKind::Terminal) => Arc::new(TerminalReviewer::new()),
        Some(ReviewerKind::Deny) => Arc::new(NonInteractiveReviewer::deny()),
        Some(ReviewerKind::Allow) => {
            if unattended != Unattended::Allow {
                return Err(BuildError::AllowWithoutUnattended);
            }
            Arc::new(NonInteractiveReviewer::allow())
        }
        Some(ReviewerKind::Server) => {
            match ServerReviewer::from_config(&config.server) {
                Some(server) => Arc::new(server),
                None => return Err(BuildError::ServerWithoutUrl),
            }
        }
        // SPEC §5: a configured approval server comes before the terminal.
        None if config.server.url.is_some() => match ServerReviewer::from_config(&config.server) {
            Some(server) => Arc::new(server),
            None => return Err(BuildError::ServerWithoutUrl),
        },
        None if TerminalReviewer::new().is_available() => Arc::new(TerminalReviewer::new()),
        None if unattended == Unattended::Allow => Arc::new(NonInteractiveReviewer::allow()),
        None => Arc::new(NonInteractiveReviewer::deny()),
    })
}

impl Attesta {
    /// A builder with the default configuration, relative paths resolved against the current
    /// directory.
    pub fn builder() -> AttestaBuilder {
        let base = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        AttestaBuilder::from_loaded(LoadedConfig::defaults(base))
    }

    /// Loads `attesta.yaml` (or JSON/TOML) and builds the pipeline it describes.
    pub fn from_config(path: impl AsRef<Path>) -> Result<Attesta, BuildError> {
        AttestaBuilder::from_loaded(LoadedConfig::load(path.as_ref())?).build()
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn environment(&self) -> &str {
        &self.inner.environment
    }

    pub fn reviewer_name(&self) -> &str {
        self.inner.reviewer.name()
    }

    pub fn audit_log(&self) -> Option<&AuditLog> {
        self.inner.audit.as_ref()
    }

    pub fn trust_store(&self) -> Option<&TrustStore> {
        self.inner.trust.as_ref()
    }

    /// Adds an event subscriber after construction.
    pub fn subscribe(&self, subscriber: impl Fn(&Event) + Send + Sync + 'static) {
        self.inner.events.subscribe(Arc::new(subscriber));
    }

    /// Scores an action without asking anyone or writing anything (what `attesta score` shows).
    pub fn assess(&self, ctx: &ActionContext, risk_override: Option<RiskLevel>) -> Result<RiskAssessment, String> {
        let environment = self.environment_for(ctx);
        score_guarded(&self.inner.engine, ctx, risk_override, &environment)
    }

    /// Runs one action through the whole pipeline. Never fails: errors become denials.
    pub async fn evaluate(&self, ctx: ActionContext) -> ApprovalResult {
        self.evaluate_with(ctx, EvaluateOptions::default()).await
    }

    /// [`evaluate`](Self::evaluate) from synchronous code. Inside a Tokio runtime it must be
    /// called from a multi-threaded runtime's worker (it blocks in place); elsewhere it runs a
    /// small runtime of its own.
    pub fn evaluate_blocking(&self, ctx: ActionContext, options: EvaluateOptions) -> ApprovalResult {
        block_on(self.evaluate_with(ctx, options))
    }

    pub async fn evaluate_with(&self, ctx: ActionContext, options: EvaluateOptions) -> ApprovalResult {
        let inner = &*self.inner;
        let intercepted_at = Timestamp::now();
        let started = Instant::now();
        let policy = &inner.config.policy;
        let mode = policy.mode;
        let intercept = Intercept {
            entry_id: EntryId::new(inner.audit.is_some()),
            intercepted_at,
            started,
            mode,
            environment: self.environment_for(&ctx),
        };
        let entry_id = &intercept.entry_id;
        let environment = intercept.environment.as_str();

        // Stage 1: risk scoring (a panicking scorer denies).
        let mut assessment = match score_guarded(&inner.engine, &ctx, options.risk_override, environment) {
            Ok(a) => a,
            Err(why) => {
                let assessment = failure_assessment(&why);
                let decision = Decision::deny(Verdict::Denied, format!("risk scoring failed: {why}"), None);
                return self.finish(&ctx, intercept, assessment, decision, None);
            }
        };

        // Trust lowers non-critical, non-overridden risk for agents with a good record.
        let scored_level = assessment.level;
        let mut trust_before = None;
        if let (Some(store), Some(agent)) = (&inner.trust, ctx.agent_id.as_deref()) {
            let domain = trust_domain(&ctx.function_name, &inner.config.trust.domains);
            match store.score(agent, &domain, intercepted_at) {
                Ok(trust) => {
                    trust_before = Some(trust);
                    apply_trust(&mut assessment, trust, inner.trust_params.influence);
                }
                Err(e) => {
                    let decision = Decision::deny(Verdict::Denied, format!("trust store unreadable: {e}"), None);
                    return self.finish(&ctx, intercept, assessment, decision, None);
                }
            }
        }
        inner.events.emit(|| Event::RiskScored {
            entry_id: entry_id.get().to_owned(),
            action: ctx.function_name.clone(),
            assessment: assessment.clone(),
        });

        // Stage 2: challenge selection, made stricter (never weaker) by escalation rules.
        let directives = assessment.directives.clone();
        if !directives.notify.is_empty() {
            inner.events.emit(|| Event::Notify {
                entry_id: entry_id.get().to_owned(),
                action: ctx.function_name.clone(),
                roles: directives.notify.clone(),
                assessment: assessment.clone(),
            });
        }
        if let Some(rule) = &directives.block {
            let decision = Decision::deny(Verdict::Denied, format!("blocked by escalation rule: {rule}"), None);
            return self.finish(&ctx, intercept, assessment, decision, trust_before);
        }
        let level = assessment.level;
        let (challenge, approvers_required) = policy.review_for(level, &directives);
        let config_min = policy.minimum_review_seconds.get(level);
        let min_review_seconds = options.min_review_seconds.map_or(config_min, |m| m.max(config_min));

        // Stage 3: verification.
        let decision = if mode == Mode::AuditOnly {
            Decision {
                verdict: Verdict::Approved,
                reason: format!("audit_only mode: recorded without review (would require {challenge})"),
                challenge: None,
                approvers: Vec::new(),
                authenticated: false,
                modification: None,
            }
        } else if challenge == ChallengeType::AutoApprove {
            Decision {
                verdict: Verdict::Approved,
                reason: format!("auto-approved: {level} risk"),
                challenge: Some(ChallengeResult::new(ChallengeType::AutoApprove, true)),
                approvers: Vec::new(),
                authenticated: false,
                modification: None,
            }
        } else if let Some(entry) = options
            .session_allow
            .as_ref()
            .and_then(|allow| allow.matching(scored_level, &assessment, challenge, approvers_required))
        {
            Decision {
                verdict: Verdict::Approved,
                reason: crate::session_allow::matched_reason(entry),
                challenge: Some(crate::session_allow::matched_challenge(entry)),
                approvers: Vec::new(),
                authenticated: false,
                modification: None,
            }
        } else {
            inner.events.emit(|| Event::ChallengeIssued {
                entry_id: entry_id.get().to_owned(),
                action: ctx.function_name.clone(),
                challenge,
            });
            let shown = if inner.reviewer.needs_exact_arguments() { ctx.clone() } else { redacted(&ctx, &inner.redactor) };
            let request = ReviewRequest {
                ctx: Arc::new(shown),
                assessment: Arc::new(assessment.clone()),
                challenge,
                min_review_seconds,
                approvers_required,
                quiz: policy.quiz,
                teach_back: policy.teach_back,
                seed: options.seed.unwrap_or_else(random_seed),
                timeout_seconds: policy.timeout_seconds,
                session_allow: options
                    .session_allow
                    .as_ref()
                    .and_then(|allow| allow.offer(scored_level, &assessment, challenge, approvers_required)),
            };
            let decision = self.verify(&request, &directives.notify, entry_id).await;
            if let Some(result) = &decision.challenge {
                inner.events.emit(|| Event::ChallengeCompleted {
                    entry_id: entry_id.get().to_owned(),
                    action: ctx.function_name.clone(),
                    challenge,
                    passed: result.passed,
                });
            }
            decision
        };

        self.finish(&ctx, intercept, assessment, decision, trust_before)
    }

    /// Runs the reviewer under the timeout and turns every failure into a denial.
    async fn verify(&self, request: &ReviewRequest, notify: &[String], entry_id: &EntryId) -> Decision {
        let policy = &self.inner.config.policy;
        // Configs built in code skip validation: never let an absurd value panic here.
        let timeout = Duration::try_from_secs_f64(policy.timeout_seconds.max(0.0)).unwrap_or(Duration::from_secs(604_800));
        let review = AssertUnwindSafe(self.inner.reviewer.review(request)).catch_unwind();
        let outcome = match tokio::time::timeout(timeout, review).await {
            Ok(Ok(Ok(outcome))) => outcome,
            Ok(Ok(Err(ReviewerError::Unreachable(why)))) => {
                return self.server_unreachable(request, &why, notify, entry_id);
            }
            Ok(Ok(Err(error))) => return Decision::from_reviewer_error(&error, request.challenge),
            Ok(Err(_panic)) => {
                return Decision::deny(Verdict::Denied, "the reviewer crashed; denied (fail closed)".into(), None);
            }
            Err(_elapsed) => {
                let seconds = policy.timeout_seconds;
                let challenge = ChallengeResult::new(request.challenge, false).with_detail("timed_out_after_seconds", seconds);
                return match policy.fail_mode {
                    FailMode::Deny => Decision::deny(
                        Verdict::TimedOut,
                        format!("no answer within {seconds} s (policy.fail_mode: deny)"),
                        Some(challenge),
                    ),
                    FailMode::Escalate => {
                        let reason = format!("no answer within {seconds} s; escalated (policy.fail_mode: escalate)");
                        self.inner.events.emit(|| Event::Escalated {
                            entry_id: entry_id.get().to_owned(),
                            action: request.ctx.function_name.clone(),
                            reason: reason.clone(),
                            notify: notify.to_vec(),
                        });
                        Decision::deny(Verdict::Escalated, reason, Some(challenge))
                    }
                    FailMode::Allow => Decision {
                        verdict: Verdict::Approved,
                        reason: format!("no answer within {seconds} s; approved because policy.fail_mode is allow"),
                        challenge: Some(challenge.with_detail("approved_on_timeout", true)),
                        approvers: Vec::new(),
                        authenticated: false,
                        modification: None,
                    },
                };
            }
        };
        Decision::from_outcome(outcome, request, policy.unattended)
    }

    /// The approval server could not be reached: `policy.fail_mode` decides, as for a timeout,
    /// except that `allow` also needs `policy.unattended: allow` (nobody saw the action).
    fn server_unreachable(&self, request: &ReviewRequest, why: &str, notify: &[String], entry_id: &EntryId) -> Decision {
        let policy = &self.inner.config.policy;
        let challenge = ChallengeResult::new(request.challenge, false).with_detail("server_unreachable", why);
        match policy.fail_mode {
            FailMode::Escalate => {
                let reason = format!("{why}; escalated (policy.fail_mode: escalate)");
                self.inner.events.emit(|| Event::Escalated {
                    entry_id: entry_id.get().to_owned(),
                    action: request.ctx.function_name.clone(),
                    reason: reason.clone(),
                    notify: notify.to_vec(),
                });
                Decision::deny(Verdict::Escalated, reason, Some(challenge))
            }
            FailMode::Allow if policy.unattended == Unattended::Allow => Decision {
                verdict: Verdict::Approved,
                reason: format!("{why}; approved unattended (policy.fail_mode: allow, policy.unattended: allow)"),
                challenge: Some(challenge.with_detail("unattended", true)),
                approvers: Vec::new(),
                authenticated: false,
                modification: None,
            },
            FailMode::Allow => Decision::deny(
                Verdict::Denied,
                format!("{why}; denied: fail_mode allow approves without a human only with policy.unattended: allow"),
                Some(challenge),
            ),
            FailMode::Deny => Decision::deny(Verdict::Denied, format!("{why}; denied (policy.fail_mode: deny)"), Some(challenge)),
        }
    }

    /// Stage 4: shadow-mode rewrite, audit (a failed write denies), trust update, events.
    fn finish(
        &self,
        ctx: &ActionContext,
        intercept: Intercept,
        assessment: RiskAssessment,
        decision: Decision,
        trust_before: Option<f64>,
    ) -> ApprovalResult {
        let inner = &*self.inner;
        let Intercept { entry_id, intercepted_at, started, mode, environment } = intercept;
        let enforced_verdict = decision.verdict;
        let (verdict, reason) = match mode {
            Mode::Shadow if !enforced_verdict.runs() => {
                (Verdict::Approved, format!("shadow mode: would have been {enforced_verdict}: {}", decision.reason))
            }
            _ => (enforced_verdict, decision.reason),
        };
        let mut result = ApprovalResult {
            verdict,
            risk: assessment,
            challenge: decision.challenge,
            approvers: decision.approvers,
            approver_authenticated: decision.authenticated,
            review_seconds: started.elapsed().as_secs_f64(),
            audit_entry_id: String::new(),
            modification: decision.modification,
            reason,
            mode,
            enforced_verdict,
            trust_before,
            intercepted_at,
            decided_at: Timestamp::now(),
        };

        if let Some(log) = &inner.audit {
            result.audit_entry_id = entry_id.into_string();
            let mut entry = AuditEntry::from_decision(ctx, &result, &inner.redactor);
            // Record the environment the decision was made for, detected or given.
            entry.environment = Some(environment);
            match log.append(entry) {
                Ok(written) => {
                    inner.events.emit(|| Event::AuditLogged {
                        entry_id: written.entry_id.clone(),
                        action: ctx.function_name.clone(),
                        seq: written.seq,
                        chain_hash: written.chain_hash.clone(),
                    });
                }
                Err(error) => {
                    // The action must not run without its record.
                    result.verdict = Verdict::Denied;
                    result.enforced_verdict = Verdict::Denied;
                    result.reason = format!("audit write failed, so the action is denied: {error}");
                    result.audit_entry_id.clear();
                    result.modification = None;
                }
            }
        }

        if let (Some(store), Some(agent), Some(event)) = (&inner.trust, ctx.agent_id.as_deref(), trust_event(&result)) {
            let domain = trust_domain(&ctx.function_name, &inner.config.trust.domains);
            if let Err(error) = store.record(agent, &domain, event, result.decided_at) {
                // The decision is already on record; a trust update failing must not change it.
                tracing::warn!(%error, agent, "could not update the trust store");
            }
        }

        let entry_id = || result.audit_entry_id.clone();
        if result.verdict.runs() {
            inner.events.emit(|| Event::Approved { entry_id: entry_id(), action: ctx.function_name.clone(), verdict: result.verdict });
        } else {
            inner.events.emit(|| Event::Denied {
                entry_id: entry_id(),
                action: ctx.function_name.clone(),
                verdict: result.verdict,
                reason: result.reason.clone(),
            });
        }
        result
    }

    /// Runs `f` with the (possibly modified) arguments only when the action is approved.
    pub async fn gate<F, Fut, T>(&self, ctx: ActionContext, options: EvaluateOptions, f: F) -> Result<T, AttestaDenied>
    where
        F: FnOnce(Arguments) -> Fut,
        Fut: Future<Output = T>,
    {
        let arguments = self.gate_decision(&ctx, options).await?;
        Ok(f(arguments).await)
    }

    /// [`gate`](Self::gate) for a synchronous function.
    pub fn gate_blocking<F, T>(&self, ctx: ActionContext, options: EvaluateOptions, f: F) -> Result<T, AttestaDenied>
    where
        F: FnOnce(Arguments) -> T,
    {
        let arguments = block_on(self.gate_decision(&ctx, options))?;
        Ok(f(arguments))
    }

    async fn gate_decision(&self, ctx: &ActionContext, options: EvaluateOptions) -> Result<Arguments, AttestaDenied> {
        let result = self.evaluate_with(ctx.clone(), options).await;
        match result.verdict {
            Verdict::Approved => Ok(Arguments::from_context(ctx)),
            Verdict::Modified => match result.modification.as_ref().and_then(|m| Arguments::from_modification(ctx, m)) {
                Some(arguments) => Ok(arguments),
                // Never fall back to the original arguments when the modification is unusable.
                None => Err(AttestaDenied::from_result(ApprovalResult {
                    verdict: Verdict::Denied,
                    reason: "the reviewer's modification is not {\"args\": [...], \"kwargs\": {...}}".into(),
                    ..result
                })),
            },
            _ => Err(AttestaDenied::from_result(result)),
        }
    }

    /// The environment an action is assessed and recorded in: the configured (or detected) one,
    /// unless the caller declares a stricter one. A declaration never loosens it: an agent saying
    /// `dev` in production is still in production.
    fn environment_for(&self, ctx: &ActionContext) -> String {
        let base = &self.inner.environment;
        match ctx.environment.as_deref() {
            Some(env) if !env.trim().is_empty() => {
                let declared = normalize_environment(env);
                if self.inner.engine.is_stricter_environment(&declared, base) {
                    declared
                } else {
                    base.clone()
                }
            }
            _ => base.clone(),
        }
    }
}

/// When and where a call was intercepted: what the record needs besides the decision.
struct Intercept {
    entry_id: EntryId,
    intercepted_at: Timestamp,
    started: Instant,
    mode: Mode,
    environment: String,
}

/// What stage 3 decided, before mode and audit are applied.
struct Decision {
    verdict: Verdict,
    reason: String,
    challenge: Option<ChallengeResult>,
    approvers: Vec<String>,
    authenticated: bool,
    modification: Option<Value>,
}

impl Decision {
    fn deny(verdict: Verdict, reason: String, challenge: Option<ChallengeResult>) -> Self {
        Decision { verdict, reason, challenge, approvers: Vec::new(), authenticated: false, modification: None }
    }

    fn from_reviewer_error(error: &ReviewerError, challenge: ChallengeType) -> Self {
        let reason = match error {
            ReviewerError::Unavailable(why) => format!(
                "no human reviewer is reachable ({why}); denied. Run in a terminal, set `reviewer: server` with \
                 `server.url`, or set `policy.unattended: allow` to approve unattended calls (audited)"
            ),
            other => format!("{other}; denied (fail closed)"),
        };
        let result = ChallengeResult::new(challenge, false).with_detail("error", error.to_string());
        Decision::deny(Verdict::Denied, reason, Some(result))
    }

    /// Checks a reviewer's claim before trusting it: an approval needs a passed challenge, enough
    /// distinct approvers for multi-party, and (for MODIFIED) a modification.
    fn from_outcome(outcome: ReviewOutcome, request: &ReviewRequest, policy_unattended: Unattended) -> Self {
        let ReviewOutcome { verdict, mut challenge, approvers, authenticated, modification, reason } = outcome;
        // A session allow-list grant counts only where it was offered, and only with an approval.
        if request.session_allow.is_none() || verdict != Verdict::Approved {
            challenge.details.remove(crate::reviewer::SESSION_ALLOW_GRANTED);
        }
        let denied = |why: String, challenge: ChallengeResult, approvers: Vec<String>| Decision {
            verdict: Verdict::Denied,
            reason: why,
            challenge: Some(challenge),
            approvers,
            authenticated,
            modification: None,
        };
        match verdict {
            Verdict::Approved | Verdict::Modified => {
                let unattended = challenge.details.get("unattended").and_then(Value::as_bool) == Some(true);
                if unattended && policy_unattended != Unattended::Allow {
                    return denied("an unattended approval needs `policy.unattended: allow`; denied".into(), challenge, approvers);
                }
                if !challenge.passed && !unattended {
                    return denied(format!("the reviewer approved but the {} challenge was not passed; denied", request.challenge), challenge, approvers);
                }
                // A channel may run a stricter challenge (a quiz that became a teach-back), never a
                // weaker one: an approval server with a laxer policy must not wave through what this
                // policy sends to a human.
                if challenge.challenge_type.rigour() < request.challenge.rigour() {
                    return denied(
                        format!(
                            "the reviewer ran a {} challenge but this call needs {}; denied (make the approval server's policy at least as strict as the agent's)",
                            challenge.challenge_type, request.challenge
                        ),
                        challenge,
                        approvers,
                    );
                }
                if request.challenge == ChallengeType::MultiParty {
                    let mut distinct: Vec<String> = approvers.iter().map(|a| a.trim().to_lowercase()).collect();
                    distinct.sort();
                    distinct.dedup();
                    if (distinct.len() as u32) < request.approvers_required {
                        return denied(
                            format!(
                                "multi-party approval needs {} distinct approvers, got {}; denied",
                                request.approvers_required,
                                distinct.len()
                            ),
                            challenge,
                            approvers,
                        );
                    }
                }
                if verdict == Verdict::Modified && modification.is_none() {
                    return denied("the reviewer returned MODIFIED without a modification; denied".into(), challenge, approvers);
                }
                let reason = if reason.is_empty() { format!("{} challenge passed", request.challenge) } else { reason };
                Decision { verdict, reason, challenge: Some(challenge), approvers, authenticated, modification }
            }
            Verdict::Denied | Verdict::TimedOut | Verdict::Escalated => {
                let reason = if reason.is_empty() { format!("{} challenge not passed", request.challenge) } else { reason };
                Decision { verdict, reason, challenge: Some(challenge), approvers, authenticated, modification: None }
            }
        }
    }
}

/// The action as a human may see it: secrets in arguments, docstring and metadata replaced.
fn redacted(ctx: &ActionContext, redactor: &Redactor) -> ActionContext {
    let args = match redactor.redact_value(&Value::Array(ctx.args.clone())) {
        Value::Array(args) => args,
        other => vec![other],
    };
    let kwargs = match redactor.redact_value(&Value::Object(ctx.kwargs.clone())) {
        Value::Object(kwargs) => kwargs,
        other => serde_json::Map::from_iter([("value".to_owned(), other)]),
    };
    let metadata = match redactor.redact_value(&Value::Object(ctx.metadata.clone())) {
        Value::Object(metadata) => metadata,
        _ => serde_json::Map::new(),
    };
    ActionContext {
        args,
        kwargs,
        metadata,
        function_doc: ctx.function_doc.as_deref().map(|d| redactor.redact_text(d)),
        ..ctx.clone()
    }
}

fn score_guarded(
    engine: &RiskEngine,
    ctx: &ActionContext,
    risk_override: Option<RiskLevel>,
    environment: &str,
) -> Result<RiskAssessment, String> {
    std::panic::catch_unwind(AssertUnwindSafe(|| engine.assess(ctx, risk_override, environment)))
        .map_err(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            format!("the risk scorer panicked: {what}")
        })
        .and_then(|assessment| {
            // The engine contains a panicking scorer as maximum risk; here a broken scorer denies.
            if let Some(failure) = assessment.factors.iter().find(|f| f.name == "scorer_error") {
                return Err(failure.evidence.clone());
            }
            if assessment.score.is_finite() && (0.0..=1.0).contains(&assessment.score) {
                Ok(assessment)
            } else {
                Err(format!("the risk scorer returned an invalid score {}", assessment.score))
            }
        })
}

/// When scoring itself failed, the record shows maximal risk (fail closed).
fn failure_assessment(why: &str) -> RiskAssessment {
    RiskAssessment::from_score(1.0, "failed", vec![RiskFactor::new("scoring_failure", 1.0, 1.0, why)])
}

fn trust_event(result: &ApprovalResult) -> Option<TrustEvent> {
    let level = result.risk.level;
    match (result.mode, result.enforced_verdict) {
        (Mode::AuditOnly, _) => None,
        (_, Verdict::Approved | Verdict::Modified) => {
            let human_reviewed = result
                .challenge
                .as_ref()
                .is_some_and(|c| c.challenge_type != ChallengeType::AutoApprove && !c.details.contains_key("unattended"));
            // Only a human's approval is evidence of good judgement. Counting auto-approved reads
            // would let an agent farm trust with harmless calls and spend it on risky ones.
            human_reviewed.then_some(TrustEvent::Approved { level, human_reviewed })
        }
        // Only a human's denial says something about the agent. A denial because no reviewer was
        // reachable, a store failed or the reviewer broke is the deployment's doing, not the
        // agent's, and must not lower its trust.
        (_, Verdict::Denied) => result
            .challenge
            .as_ref()
            .is_some_and(|c| {
                c.challenge_type != ChallengeType::AutoApprove
                    && !["error", "server_unreachable", "unattended"].iter().any(|k| c.details.contains_key(*k))
                    && c.details.get("reason").and_then(|r| r.as_str()) != Some(crate::reviewer::NO_REVIEWER_REASON)
            })
            .then_some(TrustEvent::Denied { level }),
        // Timeouts and escalations say nothing about the agent's judgement.
        (_, Verdict::TimedOut | Verdict::Escalated) => None,
    }
}

fn random_seed() -> u64 {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    u64::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]])
}

/// Drives a future to completion from synchronous code: in place on a multi-threaded runtime's
/// worker, on a helper thread when called from a current-thread runtime (where blocking in
/// place is impossible), or on a small runtime of its own outside any runtime.
fn block_on<F>(future: F) -> F::Output
where
    F: Future + Send,
    F::Output: Send,
{
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(|| handle.block_on(future))
        }
        Ok(_) => std::thread::scope(|scope| {
            scope.spawn(|| own_runtime().block_on(future)).join().unwrap_or_else(|p| std::panic::resume_unwind(p))
        }),
        Err(_) => own_runtime().block_on(future),
    }
}

fn own_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread Tokio runtime can always be built")
}
