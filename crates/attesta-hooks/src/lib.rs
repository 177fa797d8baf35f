//! Coding-agent hooks: Attesta as the pre-tool-use hook of Claude Code, Codex CLI and Gemini CLI.
//!
//! An agent runs `attesta hook <agent>` before each tool call, with the call as JSON on stdin.
//! This crate turns that payload into an [`attesta::ActionContext`] ([`payload`], [`map`]), runs
//! the pipeline ([`run`]) and renders the verdict in the agent's own decision format with the
//! exit code its hook contract expects ([`respond`]). [`install`] edits the agent's settings file
//! so it calls the hook.
//!
//! Every failure — unreadable input, a broken configuration, a panic — becomes a denial in the
//! agent's format: nothing is allowed because something broke.

pub mod allow;
pub mod anchor;
pub mod deadline;
pub mod install;
pub mod map;
pub mod payload;
pub mod respond;
pub mod scripts;
pub mod run;
pub mod session;

pub use payload::{HookPayload, PayloadError};
pub use respond::{Decision, HookResponse};
pub use run::{HookOptions, handle};

/// The coding agents Attesta can be a hook for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Agent {
    ClaudeCode,
    Codex,
    Gemini,
}

impl Agent {
    pub const ALL: [Agent; 3] = [Agent::ClaudeCode, Agent::Codex, Agent::Gemini];

    /// The name used on the command line and in `metadata.source` of audit entries.
    pub fn source(self) -> &'static str {
        match self {
            Agent::ClaudeCode => "claude-code",
            Agent::Codex => "codex",
            Agent::Gemini => "gemini",
        }
    }

    /// Human name, for messages.
    pub fn display_name(self) -> &'static str {
        match self {
            Agent::ClaudeCode => "Claude Code",
            Agent::Codex => "Codex CLI",
            Agent::Gemini => "Gemini CLI",
        }
    }

    /// The hook event Attesta answers: the one that fires before a tool runs and may block it.
    pub fn event(self) -> &'static str {
        match self {
            Agent::ClaudeCode | Agent::Codex => "PreToolUse",
            Agent::Gemini => "BeforeTool",
        }
    }

    pub fn from_source(name: &str) -> Option<Agent> {
        Agent::ALL.into_iter().find(|a| a.source() == name)
    }
}

impl std::fmt::Display for Agent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.source())
    }
}
