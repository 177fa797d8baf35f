//! The session allow-list in the pipeline: a human who approved a MEDIUM command may allow it
//! (or a whole-word prefix) for the rest of the agent session; a later call it covers is
//! auto-approved, audited with the rule and who granted it.
//!
//! The rules of what may be allowed and matched live in [`attesta_core::session::AllowList`]
//! (single simple commands only, whole words, no bare shells or wrappers). On top of them the
//! pipeline only honours an entry when nothing else asked for more than a one-key confirmation:
//! the call scored at most MEDIUM before and after trust, the policy chose a confirmation, and
//! no escalation rule or self-protection acted on it. Entry points own the list and its
//! persistence (one list per agent session, never shared between sessions).

use attesta_core::session::{AllowEntry, AllowList, simple_command_words};
use attesta_core::{ChallengeResult, ChallengeType, RiskAssessment, RiskLevel};
use serde_json::json;

use crate::reviewer::{AllowOffer, SESSION_ALLOW_MATCHED};

/// The session allow-list in play for one call, given by an entry point that keeps
/// per-session state (`EvaluateOptions::session_allow`).
#[derive(Debug, Clone, Default)]
pub struct SessionAllow {
    /// The tool the command goes to (`Bash`, `shell`, `run_shell_command`).
    pub tool: String,
    /// The command this call runs.
    pub command: String,
    /// What the session already allows.
    pub list: AllowList,
}

/// Whether this call's review is a plain MEDIUM-or-lower confirmation nothing else touched.
fn eligible(scored: RiskLevel, assessment: &RiskAssessment, challenge: ChallengeType, approvers_required: u32) -> bool {
    let d = &assessment.directives;
    scored <= RiskLevel::Medium
        && assessment.level <= RiskLevel::Medium
        && challenge == ChallengeType::Confirm
        && approvers_required <= 1
        && d.block.is_none()
        && d.require_approvers.is_none()
        && d.challenge.is_none()
        && d.notify.is_empty()
        && !assessment
            .factors
            .iter()
            .any(|f| f.name.starts_with("rule:") || f.name == "self_protection")
}

impl SessionAllow {
    /// The entry that approves this call, if one covers it and the call is eligible.
    /// `scored` is the level before trust adjusted it.
    pub(crate) fn matching(
        &self,
        scored: RiskLevel,
        assessment: &RiskAssessment,
        challenge: ChallengeType,
        approvers_required: u32,
    ) -> Option<&AllowEntry> {
        if !eligible(scored, assessment, challenge, approvers_required) {
            return None;
        }
        self.list.matching(&self.tool, &self.command, assessment.level.max(scored))
    }

    /// What the reviewer may offer to allow, if this call is eligible and a single simple
    /// command.
    pub(crate) fn offer(
        &self,
        scored: RiskLevel,
        assessment: &RiskAssessment,
        challenge: ChallengeType,
        approvers_required: u32,
    ) -> Option<AllowOffer> {
        (eligible(scored, assessment, challenge, approvers_required) && simple_command_words(&self.command).is_some())
            .then(|| AllowOffer { tool: self.tool.clone(), command: self.command.clone() })
    }
}

/// The challenge record of a call approved by `entry`.
pub(crate) fn matched_challenge(entry: &AllowEntry) -> ChallengeResult {
    ChallengeResult::new(ChallengeType::AutoApprove, true).with_detail(
        SESSION_ALLOW_MATCHED,
        json!({"tool": entry.tool, "rule": entry.prefix(), "granted_by": entry.approved_by}),
    )
}

/// The reason recorded for a call approved by `entry`.
pub(crate) fn matched_reason(entry: &AllowEntry) -> String {
    format!(
        "approved by the session allow-list: `{}` was allowed for this session by {}",
        entry.prefix(),
        entry.approved_by
    )
}
