//! One hook invocation: payload in, decision out. Never panics, never allows on failure.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;

use attesta::{ApprovalResult, AttestaBuilder, AttestaDenied, EvaluateOptions, Mode, Verdict};

use crate::Agent;
use crate::map::{PathBase, action_context};
use crate::payload::HookPayload;
use crate::respond::{Decision, HookResponse};

/// How the hook was started.
#[derive(Debug, Clone)]
pub struct HookOptions {
    /// `-c FILE` / `ATTESTA_CONFIG`. Without it the configuration is looked for in the agent's
    /// working directory and its parents.
    pub config: Option<PathBuf>,
    /// Agent identity for trust and the audit log (default: the agent's name, `claude-code` …).
    pub agent_id: Option<String>,
    /// The hook process's own directory, used when the payload carries no `cwd`.
    pub fallback_cwd: PathBuf,
    /// The project root recorded at install (`--project`); else the git root of the `cwd`.
    pub project: Option<PathBuf>,
}

/// Runs the whole hook. Any panic on the way is caught and denies (exit 2).
pub fn handle(agent: Agent, input: &[u8], options: &HookOptions) -> HookResponse {
    match std::panic::catch_unwind(AssertUnwindSafe(|| handle_inner(agent, input, options))) {
        Ok(response) => response,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            HookResponse::failure(agent, &format!("internal error ({what}); the call is blocked (fail closed)"))
        }
    }
}

fn handle_inner(agent: Agent, input: &[u8], options: &HookOptions) -> HookResponse {
    // Prompt and post-tool events only feed the session context; they never block.
    if let Some(response) = crate::session::handle_context_event(agent, input, &options.fallback_cwd, options.project.as_deref()) {
        return response;
    }
    let payload = match HookPayload::parse(agent, input) {
        Ok(payload) => payload,
        Err(error) => return HookResponse::failure(agent, &error.to_string()),
    };
    let base = PathBase::new(payload.cwd.as_deref(), &options.fallback_cwd);
    let mut ctx = action_context(&payload, &base);
    crate::anchor::record_link_targets(&mut ctx, &base.cwd);
    crate::scripts::record_executed_scripts(&mut ctx, &base.cwd);
    if let Some(id) = options.agent_id.as_ref().filter(|id| !id.trim().is_empty()) {
        ctx.agent_id = Some(id.clone());
    }

    let policy = match crate::anchor::load(options.config.as_deref(), options.project.as_deref(), &base.cwd) {
        Ok(policy) => policy,
        Err(message) => return HookResponse::failure(agent, &message),
    };
    let protection = policy.protection();
    let project = crate::anchor::project_root(options.project.as_deref(), &base.cwd);
    let (scorer, store) = crate::session::scorer_for(agent, payload.session_id.as_deref(), &project);
    let attesta = match AttestaBuilder::from_loaded(policy.loaded)
        .protection(protection)
        .scorer(scorer.clone())
        .build()
    {
        Ok(attesta) => attesta,
        Err(error) => {
            return HookResponse::failure(agent, &format!("cannot start Attesta: {error}"));
        }
    };
    let session_allow = crate::allow::for_call(&ctx, store.as_ref(), scorer.allowed());
    let options = EvaluateOptions { session_allow: session_allow.clone(), ..EvaluateOptions::default() };
    let result = attesta.evaluate_blocking(ctx.clone(), options);
    crate::allow::remember_grant(store.as_ref(), session_allow.as_ref(), &result);
    crate::session::record(store.as_ref(), &scorer, &ctx);
    HookResponse::decision(agent, &decision_for(&result))
}

/// Maps the pipeline's verdict to allow/deny with a reason the agent shows to the model/user.
///
/// Outside enforce mode Attesta only observes, so it abstains: answering `allow` there would
/// make Claude Code and Gemini CLI skip their own permission prompts for every call, switching
/// off the agent's protection precisely while Attesta is not protecting anything either.
pub fn decision_for(result: &ApprovalResult) -> Decision {
    if result.mode != Mode::Enforce || result.verdict != result.enforced_verdict {
        return Decision::Abstain;
    }
    let audit = if result.audit_entry_id.is_empty() {
        String::new()
    } else {
        format!("; audit entry {}", result.audit_entry_id)
    };
    match result.verdict {
        Verdict::Approved => Decision::Allow {
            reason: format!(
                "Approved by Attesta: {} (risk: {}, score: {:.2}){audit}",
                result.reason, result.risk.level, result.risk.score
            ),
        },
        // A hook cannot hand modified arguments back in a way all agents honour; running the
        // original call instead would ignore the reviewer, so the call is refused.
        Verdict::Modified => Decision::Deny {
            reason: format!(
                "Action denied: the reviewer modified the call, which a hook cannot apply; run the \
                 modified call yourself (risk: {}, score: {:.2}){audit}",
                result.risk.level, result.risk.score
            ),
        },
        Verdict::Denied | Verdict::TimedOut | Verdict::Escalated => {
            Decision::Deny { reason: format!("{}{audit}", AttestaDenied::from_result(result.clone()).message) }
        }
    }
}

#[cfg(test)]
mod tests {
    use attesta::{ChallengeResult, ChallengeType, RiskAssessment};
    use jiff::Timestamp;

    use super::*;

    fn result(mode: Mode, verdict: Verdict, enforced: Verdict, challenge: ChallengeType) -> ApprovalResult {
        ApprovalResult {
            verdict,
            risk: RiskAssessment::from_score(0.95, "test", Vec::new()),
            challenge: Some(ChallengeResult::new(challenge, verdict == Verdict::Approved)),
            approvers: Vec::new(),
            approver_authenticated: false,
            review_seconds: 0.0,
            audit_entry_id: "e1".into(),
            modification: None,
            reason: "r".into(),
            mode,
            enforced_verdict: enforced,
            trust_before: None,
            intercepted_at: Timestamp::UNIX_EPOCH,
            decided_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn enforce_mode_allows_approvals_and_denies_the_rest() {
        let auto = result(Mode::Enforce, Verdict::Approved, Verdict::Approved, ChallengeType::AutoApprove);
        assert!(matches!(decision_for(&auto), Decision::Allow { .. }));
        let human = result(Mode::Enforce, Verdict::Approved, Verdict::Approved, ChallengeType::Confirm);
        assert!(matches!(decision_for(&human), Decision::Allow { .. }));
        for verdict in [Verdict::Denied, Verdict::TimedOut, Verdict::Escalated, Verdict::Modified] {
            let r = result(Mode::Enforce, verdict, verdict, ChallengeType::Confirm);
            assert!(matches!(decision_for(&r), Decision::Deny { .. }), "{verdict}");
        }
    }

    #[test]
    fn shadow_and_audit_only_never_answer_allow_or_deny() {
        for mode in [Mode::Shadow, Mode::AuditOnly] {
            for enforced in [Verdict::Approved, Verdict::Denied, Verdict::TimedOut, Verdict::Escalated, Verdict::Modified] {
                let verdict = if enforced.runs() { enforced } else { Verdict::Approved };
                let r = result(mode, verdict, enforced, ChallengeType::Confirm);
                assert_eq!(decision_for(&r), Decision::Abstain, "{mode:?} {enforced}");
            }
        }
        // A verdict that only runs because something rewrote it is no approval to pass on.
        let rewritten = result(Mode::Enforce, Verdict::Approved, Verdict::Denied, ChallengeType::Confirm);
        assert_eq!(decision_for(&rewritten), Decision::Abstain);
    }
}
