//! Reading one hook payload from stdin.
//!
//! The three agents send the same core fields for their pre-tool event: `session_id`, `cwd`,
//! `hook_event_name`, `tool_name`, `tool_input`, plus agent-specific extras (`transcript_path`,
//! `tool_use_id`, `permission_mode`, Codex's `turn_id`/`model`, Gemini's `timestamp` and
//! `mcp_context`). Unknown fields are ignored so a newer agent release does not break the hook;
//! a missing or mistyped core field is an error, which the caller turns into a denial.

use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::Agent;

/// Hook input larger than this is refused (a tool call is kilobytes; a runaway payload must not
/// exhaust memory before it is denied).
pub const MAX_PAYLOAD_BYTES: usize = 16 * 1024 * 1024;

/// One pre-tool-use call as the agent described it.
#[derive(Debug, Clone, PartialEq)]
pub struct HookPayload {
    pub agent: Agent,
    pub hook_event_name: Option<String>,
    pub session_id: Option<String>,
    /// The agent's working directory (the project), when it sent one.
    pub cwd: Option<PathBuf>,
    pub tool_name: String,
    pub tool_input: Value,
    pub tool_use_id: Option<String>,
    pub transcript_path: Option<String>,
    pub permission_mode: Option<String>,
    /// Codex: the turn the call belongs to.
    pub turn_id: Option<String>,
    /// Codex: the model that asked for the call.
    pub model: Option<String>,
    /// Codex subagents carry their own id.
    pub subagent_id: Option<String>,
    /// Gemini: metadata about the MCP server behind an MCP tool.
    pub mcp_context: Option<Value>,
}

/// Why a payload cannot be used. Each message says what was expected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PayloadError {
    #[error("the hook received no input on stdin; {agent} sends the tool call as JSON")]
    Empty { agent: &'static str },
    #[error("the hook input is larger than {max} bytes")]
    TooLarge { max: usize },
    #[error("the hook input is not valid JSON: {0}")]
    Json(String),
    #[error("the hook input is not a JSON object")]
    NotAnObject,
    #[error("the hook input has no `{field}` string")]
    Missing { field: &'static str },
    #[error("`{field}` must be {expected}")]
    WrongType { field: &'static str, expected: &'static str },
    #[error(
        "this is a `{got}` event; `attesta hook {agent}` answers `{expected}` only (register it under \
         `{expected}` in the agent's settings, or run `attesta hook install {agent}`)"
    )]
    WrongEvent { agent: &'static str, expected: &'static str, got: String },
}

impl HookPayload {
    /// Parses raw stdin bytes.
    pub fn parse(agent: Agent, input: &[u8]) -> Result<HookPayload, PayloadError> {
        if input.len() > MAX_PAYLOAD_BYTES {
            return Err(PayloadError::TooLarge { max: MAX_PAYLOAD_BYTES });
        }
        if input.iter().all(u8::is_ascii_whitespace) {
            return Err(PayloadError::Empty { agent: agent.display_name() });
        }
        let value: Value = serde_json::from_slice(input).map_err(|e| PayloadError::Json(e.to_string()))?;
        HookPayload::from_value(agent, value)
    }

    pub fn from_value(agent: Agent, value: Value) -> Result<HookPayload, PayloadError> {
        let Value::Object(mut object) = value else {
            return Err(PayloadError::NotAnObject);
        };
        let hook_event_name = optional_string(&object, "hook_event_name")?;
        if let Some(event) = &hook_event_name
            && event != agent.event()
        {
            return Err(PayloadError::WrongEvent {
                agent: agent.source(),
                expected: agent.event(),
                got: event.clone(),
            });
        }
        let tool_name = optional_string(&object, "tool_name")?
            .filter(|name| !name.trim().is_empty())
            .ok_or(PayloadError::Missing { field: "tool_name" })?;
        if tool_name.chars().any(invisible) {
            return Err(PayloadError::WrongType {
                field: "tool_name",
                expected: "a name without control, format or zero-width characters",
            });
        }
        let tool_input = match object.remove("tool_input") {
            None | Some(Value::Null) => Value::Object(Map::new()),
            Some(value) => value,
        };
        let cwd = optional_string(&object, "cwd")?.filter(|c| !c.trim().is_empty()).map(PathBuf::from);
        if let Some(dir) = &cwd
            && !dir.is_absolute()
        {
            return Err(PayloadError::WrongType { field: "cwd", expected: "an absolute directory path" });
        }
        Ok(HookPayload {
            agent,
            hook_event_name,
            session_id: optional_string(&object, "session_id")?,
            cwd,
            tool_name: tool_name.trim().to_owned(),
            tool_input,
            tool_use_id: optional_string(&object, "tool_use_id")?,
            transcript_path: optional_string(&object, "transcript_path")?,
            permission_mode: optional_string(&object, "permission_mode")?,
            turn_id: optional_string(&object, "turn_id")?,
            model: optional_string(&object, "model")?,
            subagent_id: optional_string(&object, "agent_id")?,
            mcp_context: object.remove("mcp_context").filter(|v| !v.is_null()),
        })
    }
}

/// Control characters and the invisible formatting characters that make two names look alike.
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{00ad}' | '\u{034f}' | '\u{061c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
            | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
            | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{ffa0}' | '\u{fff0}'..='\u{fffb}')
}

fn optional_string(object: &Map<String, Value>, field: &'static str) -> Result<Option<String>, PayloadError> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(PayloadError::WrongType { field, expected: "a string" }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn claude_code_payload() {
        let input = json!({
            "session_id": "abc123",
            "transcript_path": "/home/u/.claude/projects/x/abc123.jsonl",
            "cwd": "/home/u/project",
            "permission_mode": "default",
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": "ls", "description": "List files"},
            "tool_use_id": "toolu_01",
            "some_future_field": 1
        });
        let p = HookPayload::parse(Agent::ClaudeCode, input.to_string().as_bytes()).unwrap();
        assert_eq!(p.tool_name, "Bash");
        assert_eq!(p.cwd.as_deref(), Some(std::path::Path::new("/home/u/project")));
        assert_eq!(p.session_id.as_deref(), Some("abc123"));
        assert_eq!(p.tool_input["command"], "ls");
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let parse = |s: &str| HookPayload::parse(Agent::ClaudeCode, s.as_bytes()).unwrap_err();
        assert_eq!(parse("  \n"), PayloadError::Empty { agent: "Claude Code" });
        assert!(matches!(parse("{\"tool_name\": "), PayloadError::Json(_)));
        assert_eq!(parse("[1]"), PayloadError::NotAnObject);
        assert_eq!(parse("{\"tool_input\": {}}"), PayloadError::Missing { field: "tool_name" });
        assert_eq!(parse("{\"tool_name\": 3}"), PayloadError::WrongType { field: "tool_name", expected: "a string" });
        assert!(matches!(
            parse("{\"tool_name\": \"Bash\", \"hook_event_name\": \"PostToolUse\"}"),
            PayloadError::WrongEvent { .. }
        ));
        assert!(matches!(parse("{\"tool_name\": \"Bash\", \"cwd\": \"relative\"}"), PayloadError::WrongType { field: "cwd", .. }));
    }

    #[test]
    fn gemini_uses_before_tool() {
        let input = json!({"hook_event_name": "BeforeTool", "tool_name": "run_shell_command", "tool_input": {"command": "ls"}});
        assert!(HookPayload::from_value(Agent::Gemini, input.clone()).is_ok());
        assert!(HookPayload::from_value(Agent::ClaudeCode, input).is_err());
    }
}
