//! Verdicts in each agent's decision format, with the exit code its hook contract expects.
//!
//! | agent | allow | deny | no decision | input/internal failure |
//! |---|---|---|---|---|
//! | Claude Code | exit 0, `hookSpecificOutput.permissionDecision: "allow"` + reason | exit 0, `permissionDecision: "deny"` + reason (shown to Claude) | exit 0, empty stdout | exit 2, reason on stderr |
//! | Codex CLI | exit 0, empty stdout (Codex rejects a bare `allow` as unsupported) | exit 0, `permissionDecision: "deny"` + non-empty reason | exit 0, empty stdout | exit 2, reason on stderr |
//! | Gemini CLI | exit 0, `{"decision": "allow", "reason"}` | exit 0, `{"decision": "deny", "reason"}` (sent to the model) | exit 0, empty stdout | exit 2, reason on stderr |
//!
//! An explicit `allow` makes Claude Code and Gemini CLI skip their own permission checks, so it
//! is only sent for a binding approval; "no decision" leaves the agent's normal flow in charge.
//!
//! Exit code 2 is the one blocking signal all three agents honour without parsing anything, so
//! it is used whenever Attesta could not reach a verdict: the structured channel may be what is
//! broken.

use serde_json::{Value, json};

use crate::Agent;

/// The exit code that blocks the tool call in all three agents, with stderr as the reason.
pub const BLOCKING_EXIT: u8 = 2;

/// What Attesta decided about one tool call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A binding approval: the agent may skip its own permission prompt.
    Allow { reason: String },
    Deny { reason: String },
    /// Attesta neither allows nor blocks (shadow and audit-only modes): the agent's own
    /// permission rules and prompts apply as if no hook had run.
    Abstain,
}

/// Everything the hook process emits: the exact stdout bytes, a stderr message, the exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookResponse {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: u8,
}

impl HookResponse {
    /// The agent-format answer for a verdict.
    pub fn decision(agent: Agent, decision: &Decision) -> HookResponse {
        let (allow, reason) = match decision {
            Decision::Allow { reason } => (true, reason.as_str()),
            Decision::Deny { reason } => (false, reason.as_str()),
            // All three agents read exit 0 with an empty stdout as "no objection, carry on
            // normally"; nothing on stderr either, since some agents surface it.
            Decision::Abstain => return HookResponse { stdout: String::new(), stderr: String::new(), exit_code: 0 },
        };
        // Agents reject or ignore an empty reason on a denial; never send one.
        let reason = if reason.trim().is_empty() {
            if allow { "approved by Attesta" } else { "denied by Attesta" }
        } else {
            reason
        };
        let body: Option<Value> = match agent {
            Agent::ClaudeCode => Some(json!({
                "hookSpecificOutput": {
                    "hookEventName": "PreToolUse",
                    "permissionDecision": if allow { "allow" } else { "deny" },
                    "permissionDecisionReason": reason,
                }
            })),
            Agent::Codex if allow => None,
            Agent::Codex => Some(json!({
                "hookSpecificOutput": {
                    "hookEventName": "PreToolUse",
                    "permissionDecision": "deny",
                    "permissionDecisionReason": reason,
                }
            })),
            Agent::Gemini => Some(json!({
                "decision": if allow { "allow" } else { "deny" },
                "reason": reason,
            })),
        };
        HookResponse {
            stdout: body.map(|b| format!("{b}\n")).unwrap_or_default(),
            stderr: String::new(),
            exit_code: 0,
        }
    }

    /// No verdict could be reached (bad input, broken config, crash): block through the exit
    /// code, with the reason on stderr and nothing on stdout.
    pub fn failure(agent: Agent, message: &str) -> HookResponse {
        let message = message.trim();
        let message = if message.is_empty() { "internal error" } else { message };
        HookResponse {
            stdout: String::new(),
            stderr: format!("attesta hook {agent}: denied: {message}\n"),
            exit_code: BLOCKING_EXIT,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow() -> Decision {
        Decision::Allow { reason: "ok".into() }
    }
    fn deny() -> Decision {
        Decision::Deny { reason: "no".into() }
    }

    #[test]
    fn claude_code_shapes() {
        let r = HookResponse::decision(Agent::ClaudeCode, &deny());
        assert_eq!(r.exit_code, 0);
        assert_eq!(
            r.stdout,
            "{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"deny\",\"permissionDecisionReason\":\"no\"}}\n"
        );
        let r = HookResponse::decision(Agent::ClaudeCode, &allow());
        assert!(r.stdout.contains("\"permissionDecision\":\"allow\""));
    }

    #[test]
    fn codex_allow_is_silent_and_deny_has_reason() {
        let r = HookResponse::decision(Agent::Codex, &allow());
        assert_eq!((r.stdout.as_str(), r.exit_code), ("", 0));
        let r = HookResponse::decision(Agent::Codex, &Decision::Deny { reason: "  ".into() });
        assert!(r.stdout.contains("\"permissionDecisionReason\":\"denied by Attesta\""), "{}", r.stdout);
    }

    #[test]
    fn gemini_shapes() {
        assert_eq!(HookResponse::decision(Agent::Gemini, &deny()).stdout, "{\"decision\":\"deny\",\"reason\":\"no\"}\n");
        assert_eq!(HookResponse::decision(Agent::Gemini, &allow()).stdout, "{\"decision\":\"allow\",\"reason\":\"ok\"}\n");
    }

    #[test]
    fn abstaining_is_silent_for_every_agent() {
        for agent in Agent::ALL {
            let r = HookResponse::decision(agent, &Decision::Abstain);
            assert_eq!((r.stdout.as_str(), r.stderr.as_str(), r.exit_code), ("", "", 0), "{agent}");
        }
    }

    #[test]
    fn failures_block_with_exit_two_and_stderr_only() {
        for agent in Agent::ALL {
            let r = HookResponse::failure(agent, "");
            assert_eq!((r.exit_code, r.stdout.as_str()), (2, ""));
            assert!(r.stderr.contains("denied: internal error"));
        }
    }
}
