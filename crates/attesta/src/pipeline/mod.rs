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

mod builder;
mod decision;

pub use builder::AttestaBuilder;
use decision::*;

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
                    FailMode::Escalate => self.escalate(
                        request,
                        format!("no answer within {seconds} s; escalated (policy.fail_mode: escalate)"),
                        notify,
                        entry_id,
                        challenge,
                    ),
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

    /// `policy.fail_mode: escalate`: the escalation is announced to the subscribers and the call
    /// is denied with `reason`.
    fn escalate(
        &self,
        request: &ReviewRequest,
        reason: String,
        notify: &[String],
        entry_id: &EntryId,
        challenge: ChallengeResult,
    ) -> Decision {
        self.inner.events.emit(|| Event::Escalated {
            entry_id: entry_id.get().to_owned(),
            action: request.ctx.function_name.clone(),
            reason: reason.clone(),
            notify: notify.to_vec(),
        });
        Decision::deny(Verdict::Escalated, reason, Some(challenge))
    }

    /// The approval server could not be reached: `policy.fail_mode` decides, as for a timeout,
    /// except that `allow` also needs `policy.unattended: allow` (nobody saw the action).
    fn server_unreachable(&self, request: &ReviewRequest, why: &str, notify: &[String], entry_id: &EntryId) -> Decision {
        let policy = &self.inner.config.policy;
        let challenge = ChallengeResult::new(request.challenge, false).with_detail("server_unreachable", why);
        match policy.fail_mode {
            FailMode::Escalate => self.escalate(
                request,
                format!("{why}; escalated (policy.fail_mode: escalate)"),
                notify,
                entry_id,
                challenge,
            ),
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
