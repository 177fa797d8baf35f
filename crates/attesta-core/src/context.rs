//! [`ActionContext`]: what an agent is about to do. Its JSON form is the wire format everywhere.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One intercepted tool call.
///
/// JSON form: `{"function_name", "args": [], "kwargs": {}, "function_doc", "hints": {},
/// "agent_id", "session_id", "environment", "metadata": {}}`. Only `function_name` is required;
/// unknown fields are rejected so a typo (`"kwarg"`) never silently drops the arguments.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionContext {
    pub function_name: String,
    #[serde(default)]
    pub args: Vec<Value>,
    #[serde(default)]
    pub kwargs: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_doc: Option<String>,
    #[serde(default)]
    pub hints: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

impl ActionContext {
    pub fn new(function_name: impl Into<String>) -> Self {
        ActionContext {
            function_name: function_name.into(),
            ..Default::default()
        }
    }

    pub fn with_arg(mut self, value: impl Into<Value>) -> Self {
        self.args.push(value.into());
        self
    }

    pub fn with_kwarg(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.kwargs.insert(key.into(), value.into());
        self
    }

    pub fn with_doc(mut self, doc: impl Into<String>) -> Self {
        self.function_doc = Some(doc.into());
        self
    }

    pub fn with_hint(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.hints.insert(key.into(), value.into());
        self
    }

    pub fn with_agent(mut self, agent_id: impl Into<String>) -> Self {
        self.agent_id = Some(agent_id.into());
        self
    }

    pub fn with_session(mut self, session_id: impl Into<String>) -> Self {
        self.session_id = Some(session_id.into());
        self
    }

    pub fn with_environment(mut self, environment: impl Into<String>) -> Self {
        self.environment = Some(environment.into());
        self
    }

    pub fn with_metadata(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// The positional and keyword arguments as one JSON value `{"args": [...], "kwargs": {...}}`,
    /// the form stored in the audit log and hashed into approval digests.
    pub fn arguments_value(&self) -> Value {
        let mut map = Map::new();
        map.insert("args".into(), Value::Array(self.args.clone()));
        map.insert("kwargs".into(), Value::Object(self.kwargs.clone()));
        Value::Object(map)
    }

    /// `metadata.source` when it is a string (`mcp`, `dify`, `python`, `cli` …).
    pub fn source(&self) -> Option<&str> {
        self.metadata.get("source").and_then(Value::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_function_name_is_required() {
        let ctx: ActionContext = serde_json::from_str(r#"{"function_name":"deploy"}"#).unwrap();
        assert_eq!(ctx, ActionContext::new("deploy"));
    }

    #[test]
    fn full_wire_form_round_trips() {
        let wire = json!({
            "function_name": "send_email",
            "args": ["a@example.com"],
            "kwargs": {"subject": "hi"},
            "function_doc": "Send an email",
            "hints": {"pii": true},
            "agent_id": "agent-1",
            "session_id": "s-1",
            "environment": "production",
            "metadata": {"source": "cli"}
        });
        let ctx: ActionContext = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(ctx.source(), Some("cli"));
        assert_eq!(serde_json::to_value(&ctx).unwrap(), wire);
    }

    #[test]
    fn unknown_fields_and_missing_name_are_errors() {
        let err = serde_json::from_str::<ActionContext>(r#"{"function_name":"x","kwarg":{}}"#)
            .unwrap_err();
        assert!(err.to_string().contains("unknown field `kwarg`"), "{err}");
        assert!(serde_json::from_str::<ActionContext>(r#"{"args":[]}"#).is_err());
    }
}
