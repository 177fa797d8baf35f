//! Optional session context on `POST /v1/requests`: what the agent's session has seen (the
//! user's request, earlier calls, tool results), so the call is judged in context server-side.
//!
//! The context comes from the agent, which the server does not trust to lower its own risk: a
//! session can only **raise** the server's assessment (an injected instruction in a result, a
//! target nobody asked for, secrets read then sent out), never lower it. Sizes are bounded and
//! anything malformed is refused with a 400 rather than ignored.
//!
//! ```json
//! "session": {
//!   "user_request": "find me a lasagne recipe",
//!   "events": [
//!     {"type": "call", "function_name": "web_fetch", "kwargs": {"url": "https://…"}},
//!     {"type": "result", "text": "…", "tool": "web_fetch"}
//!   ]
//! }
//! ```
//!
//! `results` is a shorthand for result events: `["text", {"json": {…}, "tool": "search"}]`.

use attesta_core::{ActionContext, RiskAssessment, Session};
use serde_json::{Map, Value};

/// Largest accepted `session` object, serialised.
pub const MAX_SESSION_BYTES: usize = 256 * 1024;
/// Most events (`events` and `results` together).
pub const MAX_EVENTS: usize = 64;

/// Why a `session` object was refused (rendered as a 400 `invalid`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SessionContextError {
    #[error("session must be an object like {{\"user_request\": \"…\", \"events\": […]}}")]
    NotObject,
    #[error("session is larger than {MAX_SESSION_BYTES} bytes; send the most recent events")]
    TooLarge,
    #[error("session holds more than {MAX_EVENTS} events; send the most recent ones")]
    TooManyEvents,
    #[error("session has an unknown field `{0}` (user_request, events, results)")]
    UnknownField(String),
    #[error("session.{0} must be {1}")]
    WrongType(&'static str, &'static str),
    #[error("session event {0}: {1}")]
    Event(usize, String),
}

/// A validated session context, ready to judge calls in.
#[derive(Debug, Clone, Default)]
pub struct SessionContext {
    user_request: Option<String>,
    events: Vec<Event>,
}

#[derive(Debug, Clone)]
enum Event {
    User(String),
    Call(Box<ActionContext>),
    Result { tool: Option<String>, value: Value },
}

/// Takes `session` out of a request body, validated. `Ok(None)` when there is none.
pub fn take_from_body(
    fields: &mut Map<String, Value>,
) -> Result<Option<SessionContext>, SessionContextError> {
    match fields.remove("session") {
        None | Some(Value::Null) => Ok(None),
        Some(value) => parse(&value).map(Some),
    }
}

fn text_field(obj: &Map<String, Value>) -> Option<String> {
    ["text", "content"]
        .iter()
        .find_map(|k| obj.get(*k))
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
}

fn tool_field(obj: &Map<String, Value>) -> Result<Option<String>, String> {
    match obj.get("tool") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.len() <= 256 => Ok(Some(s.clone())),
        Some(_) => Err("\"tool\" must be a string of at most 256 bytes".into()),
    }
}

fn result_event(value: &Value) -> Result<Event, String> {
    match value {
        Value::String(s) => Ok(Event::Result { tool: None, value: Value::String(s.clone()) }),
        Value::Object(obj) => {
            let tool = tool_field(obj)?;
            let value = match (obj.get("json"), text_field(obj)) {
                (Some(json), _) => json.clone(),
                (None, Some(text)) => Value::String(text),
                (None, None) => return Err("a result needs \"text\" or \"json\"".into()),
            };
            Ok(Event::Result { tool, value })
        }
        _ => Err("a result is a string or {\"text\"|\"json\": …, \"tool\": …}".into()),
    }
}

fn event(value: &Value) -> Result<Event, String> {
    let Value::Object(obj) = value else {
        return Err("an event is an object with \"type\" (user, call or result)".into());
    };
    match obj.get("type").and_then(Value::as_str).unwrap_or("") {
        "user" => text_field(obj).map(Event::User).ok_or_else(|| "a user event needs \"text\"".into()),
        "call" => {
            let name = obj
                .get("function_name")
                .and_then(Value::as_str)
                .filter(|n| !n.trim().is_empty())
                .ok_or("a call event needs \"function_name\"")?;
            let mut ctx = ActionContext::new(name);
            match obj.get("kwargs") {
                Some(Value::Object(m)) => ctx.kwargs.extend(m.clone()),
                None | Some(Value::Null) => {}
                Some(_) => return Err("\"kwargs\" must be an object".into()),
            }
            match obj.get("args") {
                Some(Value::Array(a)) => ctx.args.extend(a.iter().cloned()),
                None | Some(Value::Null) => {}
                Some(_) => return Err("\"args\" must be an array".into()),
            }
            Ok(Event::Call(Box::new(ctx)))
        }
        "result" | "tool_result" => result_event(value),
        "" => Err("missing \"type\" (user, call or result)".into()),
        other => Err(format!("unknown event type `{other}`; use user, call or result")),
    }
}

/// Validates a `session` value.
pub fn parse(value: &Value) -> Result<SessionContext, SessionContextError> {
    let Value::Object(obj) = value else {
        return Err(SessionContextError::NotObject);
    };
    if serde_json::to_vec(value).map_or(true, |b| b.len() > MAX_SESSION_BYTES) {
        return Err(SessionContextError::TooLarge);
    }
    let mut out = SessionContext::default();
    let mut count = 0usize;
    for (key, v) in obj {
        match key.as_str() {
            "user_request" => match v {
                Value::String(s) => out.user_request = Some(s.clone()),
                Value::Null => {}
                _ => return Err(SessionContextError::WrongType("user_request", "a string")),
            },
            "events" | "results" => {
                let items = match v {
                    Value::Array(items) => items,
                    Value::Null => continue,
                    _ if key == "events" => {
                        return Err(SessionContextError::WrongType("events", "an array"));
                    }
                    _ => return Err(SessionContextError::WrongType("results", "an array")),
                };
                count += items.len();
                if count > MAX_EVENTS {
                    return Err(SessionContextError::TooManyEvents);
                }
                for (i, item) in items.iter().enumerate() {
                    let parsed = if key == "events" { event(item) } else { result_event(item) };
                    out.events.push(parsed.map_err(|why| SessionContextError::Event(i, why))?);
                }
            }
            other => return Err(SessionContextError::UnknownField(other.to_owned())),
        }
    }
    Ok(out)
}

impl SessionContext {
    /// Whether the context carries anything at all.
    pub fn is_empty(&self) -> bool {
        self.user_request.is_none() && self.events.is_empty()
    }

    /// `base` (the server's own assessment of `ctx`) raised by what the session saw, or `base`
    /// unchanged: never lower. `score` assesses earlier calls the way the server does.
    pub fn raise(
        &self,
        ctx: &ActionContext,
        base: RiskAssessment,
        score: &dyn Fn(&ActionContext) -> Result<RiskAssessment, String>,
    ) -> RiskAssessment {
        let mut session = Session::new();
        if let Some(request) = &self.user_request {
            session.user_request(request);
        }
        for event in &self.events {
            match event {
                Event::User(text) => session.user_request(text),
                Event::Call(call) => match score(call) {
                    Ok(a) => {
                        session.assess(call, a);
                    }
                    // An earlier call that cannot be scored still counts as seen.
                    Err(_) => session.record_call(call, attesta_core::RiskLevel::Critical),
                },
                Event::Result { tool, value: Value::String(text) } => {
                    session.observe_result_of(tool.as_deref(), text);
                }
                Event::Result { tool, value } => session.observe_result_json_of(tool.as_deref(), value),
            }
        }
        let adjusted = session.adjust(ctx, base.clone());
        if adjusted.level > base.level || adjusted.score > base.score {
            adjusted
        } else {
            base
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refuses_what_it_cannot_bound_or_read() {
        assert_eq!(parse(&json!("x")).unwrap_err(), SessionContextError::NotObject);
        assert_eq!(
            parse(&json!({"user_request": "a".repeat(MAX_SESSION_BYTES)})).unwrap_err(),
            SessionContextError::TooLarge
        );
        let many: Vec<Value> = (0..=MAX_EVENTS).map(|_| json!("r")).collect();
        assert_eq!(parse(&json!({"results": many})).unwrap_err(), SessionContextError::TooManyEvents);
        assert!(matches!(parse(&json!({"trust_me": true})), Err(SessionContextError::UnknownField(_))));
        assert!(matches!(parse(&json!({"events": [{"type": "call"}]})), Err(SessionContextError::Event(0, _))));
        assert!(matches!(parse(&json!({"user_request": 3})), Err(SessionContextError::WrongType(..))));
    }
}
