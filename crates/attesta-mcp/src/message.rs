//! Just enough JSON-RPC 2.0 to route MCP messages without re-encoding them.
//!
//! Messages are *peeked*: the fields that decide routing (`method`, `id`, `params`, `result`,
//! `error`) are borrowed from the line, everything else is skipped, and the original bytes are
//! what gets forwarded. A line with duplicate routing keys is rejected rather than guessed at,
//! so the proxy and the server can never disagree on which method a message calls.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

/// Standard JSON-RPC error codes the proxy emits.
pub mod codes {
    pub const PARSE_ERROR: i64 = -32700;
    pub const INVALID_REQUEST: i64 = -32600;
    pub const INVALID_PARAMS: i64 = -32602;
}

/// The routing view of one JSON-RPC message (not a batch).
#[derive(Debug, Deserialize)]
pub struct Peek<'a> {
    #[serde(default, borrow)]
    pub method: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub id: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub params: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub result: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub error: Option<&'a RawValue>,
}

/// What kind of message a line carries.
#[derive(Debug)]
pub enum Kind<'a> {
    Request { id: IdKey, method: String, peek: Peek<'a> },
    Notification { method: String, peek: Peek<'a> },
    Response { id: IdKey, peek: Peek<'a> },
    /// Valid JSON that is not a JSON-RPC message (a number, an object without method or id …).
    Invalid(&'static str),
}

/// A JSON-RPC id in canonical text form (`"abc"` keeps its quotes, so string `"1"` and number
/// `1` stay distinct, as JSON-RPC requires).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdKey(String);

impl IdKey {
    pub fn from_raw(raw: &RawValue) -> Option<IdKey> {
        let text = raw.get().trim();
        if text == "null" {
            return None;
        }
        // Re-encode so `"a\u0062"` and `"ab"` (the same id) get the same key.
        match serde_json::from_str::<Value>(text) {
            Ok(v @ (Value::String(_) | Value::Number(_))) => Some(IdKey(v.to_string())),
            _ => None,
        }
    }

    pub fn from_value(value: &Value) -> Option<IdKey> {
        match value {
            Value::String(_) | Value::Number(_) => Some(IdKey(value.to_string())),
            _ => None,
        }
    }

    /// The id as JSON, for building responses.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for IdKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether the payload is a batch (a JSON array), judged by its first non-blank byte.
pub fn is_batch(payload: &[u8]) -> bool {
    payload.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
}

/// Classifies one (non-batch) message.
pub fn classify(peek: Peek<'_>) -> Kind<'_> {
    let method = match peek.method.map(|m| serde_json::from_str::<String>(m.get())) {
        None => None,
        Some(Ok(m)) => Some(m),
        Some(Err(_)) => return Kind::Invalid("`method` must be a string"),
    };
    let id = peek.id.and_then(IdKey::from_raw);
    match (method, id) {
        (Some(method), Some(id)) => Kind::Request { id, method, peek },
        (Some(method), None) => Kind::Notification { method, peek },
        (None, Some(id)) if peek.result.is_some() || peek.error.is_some() => Kind::Response { id, peek },
        (None, _) if peek.error.is_some() => {
            // An error response with a null id (e.g. the peer could not parse our message).
            Kind::Response { id: IdKey("null".into()), peek }
        }
        _ => Kind::Invalid("not a JSON-RPC request, notification or response"),
    }
}

/// The parts of a `tools/call` the gate needs, read from its `params`.
#[derive(Debug, Clone, PartialEq)]
pub struct CallParams {
    pub name: String,
    /// `params.arguments` (an object by the MCP schema; kept as given).
    pub arguments: Option<Value>,
}

/// Reads `params.name` / `params.arguments`; `Err` names what is wrong.
pub fn call_params(params: Option<&RawValue>) -> Result<CallParams, &'static str> {
    #[derive(Deserialize)]
    struct P {
        name: Option<Value>,
        #[serde(default)]
        arguments: Option<Value>,
    }
    let params = params.ok_or("tools/call without params")?;
    let p: P = serde_json::from_str(params.get()).map_err(|_| "tools/call params must be an object")?;
    match p.name {
        Some(Value::String(name)) => Ok(CallParams { name, arguments: p.arguments }),
        _ => Err("tools/call params need a string `name`"),
    }
}

/// `params.requestId` of `notifications/cancelled`, and its reason.
pub fn cancelled_params(params: Option<&RawValue>) -> Option<(IdKey, Option<String>)> {
    let params: Value = serde_json::from_str(params?.get()).ok()?;
    let id = IdKey::from_value(params.get("requestId")?)?;
    let reason = params.get("reason").and_then(Value::as_str).map(str::to_owned);
    Some((id, reason))
}

/// Whether `initialize` params declare the client's form elicitation support.
///
/// `capabilities.elicitation: {}` means forms (the original capability); newer clients may list
/// modes (`{"form": {}, "url": {}}`), and one that lists only `url` cannot show a form.
pub fn declares_form_elicitation(params: Option<&RawValue>) -> bool {
    let Some(params) = params else { return false };
    let Ok(params) = serde_json::from_str::<Value>(params.get()) else { return false };
    match params.pointer("/capabilities/elicitation") {
        Some(Value::Object(modes)) => modes.is_empty() || modes.contains_key("form"),
        _ => false,
    }
}

/// A tool as announced by `tools/list`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ToolInfo {
    pub description: Option<String>,
    /// `annotations` (`destructiveHint`, `readOnlyHint` …) as the server sent them.
    pub annotations: Option<Value>,
}

/// Tools named in a `tools/list` result.
pub fn listed_tools(result: Option<&RawValue>) -> Vec<(String, ToolInfo)> {
    let Some(result) = result else { return Vec::new() };
    let Ok(result) = serde_json::from_str::<Value>(result.get()) else { return Vec::new() };
    let Some(tools) = result.get("tools").and_then(Value::as_array) else { return Vec::new() };
    tools
        .iter()
        .filter_map(|tool| {
            let name = tool.get("name")?.as_str()?.to_owned();
            let description = tool.get("description").and_then(Value::as_str).map(str::to_owned);
            let annotations = tool.get("annotations").filter(|a| a.is_object()).cloned();
            Some((name, ToolInfo { description, annotations }))
        })
        .collect()
}

/// Serialises a message followed by the line terminator.
pub fn to_line(value: &Value) -> bytes::Bytes {
    let mut out = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    out.push(b'\n');
    out.into()
}

/// A JSON-RPC error response.
pub fn error_response(id: Option<&IdKey>, code: i64, message: &str) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id.map_or(Value::Null, IdKey::to_value),
        "error": {"code": code, "message": message},
    })
}

/// A successful JSON-RPC response carrying `result`.
pub fn result_response(id: &IdKey, result: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id.to_value(), "result": result})
}

/// A `tools/call` result with `isError: true` and one text block (plus machine-readable
/// details under `_meta`, which MCP reserves for such annotations).
pub fn tool_error_result(text: String, meta: Map<String, Value>) -> Value {
    let mut result = json!({
        "content": [{"type": "text", "text": text}],
        "isError": true,
    });
    if !meta.is_empty() {
        result["_meta"] = json!({ "attesta": meta });
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(line: &str) -> String {
        match serde_json::from_str::<Peek<'_>>(line) {
            Err(_) => "malformed".into(),
            Ok(peek) => match classify(peek) {
                Kind::Request { id, method, .. } => format!("request {id} {method}"),
                Kind::Notification { method, .. } => format!("notification {method}"),
                Kind::Response { id, .. } => format!("response {id}"),
                Kind::Invalid(why) => format!("invalid: {why}"),
            },
        }
    }

    #[test]
    fn classification() {
        assert_eq!(kind_of(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#), "request 1 ping");
        assert_eq!(kind_of(r#"{"jsonrpc":"2.0","id":"a\u0062","method":"x"}"#), "request \"ab\" x");
        assert_eq!(kind_of(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#), "notification notifications/initialized");
        assert_eq!(kind_of(r#"{"jsonrpc":"2.0","id":null,"method":"tools/call"}"#), "notification tools/call");
        assert_eq!(kind_of(r#"{"jsonrpc":"2.0","id":7,"result":{}}"#), "response 7");
        assert_eq!(kind_of(r#"{"jsonrpc":"2.0","id":null,"error":{"code":1}}"#), "response null");
        assert_eq!(kind_of(r#"{"jsonrpc":"2.0","id":7}"#), "invalid: not a JSON-RPC request, notification or response");
        assert_eq!(kind_of(r#"{"method":5,"id":1}"#), "invalid: `method` must be a string");
        // Duplicate routing keys could be read differently by the server: refuse them.
        assert_eq!(kind_of(r#"{"method":"ping","method":"tools/call","id":1}"#), "malformed");
        assert_eq!(kind_of("42"), "malformed");
        assert!(is_batch(b"  [1]"));
        assert!(!is_batch(b"{}"));
    }

    #[test]
    fn call_and_cancel_params() {
        let raw = RawValue::from_string(r#"{"name":"write_file","arguments":{"path":"/tmp/x"}}"#.into()).unwrap();
        let p = call_params(Some(&raw)).unwrap();
        assert_eq!(p.name, "write_file");
        assert_eq!(p.arguments.unwrap()["path"], "/tmp/x");
        let bad = RawValue::from_string(r#"{"arguments":{}}"#.into()).unwrap();
        assert!(call_params(Some(&bad)).is_err());
        assert!(call_params(None).is_err());
        let cancel = RawValue::from_string(r#"{"requestId":"r1","reason":"user"}"#.into()).unwrap();
        assert_eq!(cancelled_params(Some(&cancel)), Some((IdKey("\"r1\"".into()), Some("user".into()))));
    }

    #[test]
    fn elicitation_capability_forms() {
        let check = |s: &str| declares_form_elicitation(Some(&RawValue::from_string(s.into()).unwrap()));
        assert!(check(r#"{"capabilities":{"elicitation":{}}}"#));
        assert!(check(r#"{"capabilities":{"elicitation":{"form":{},"url":{}}}}"#));
        assert!(!check(r#"{"capabilities":{"elicitation":{"url":{}}}}"#));
        assert!(!check(r#"{"capabilities":{"roots":{}}}"#));
    }

    #[test]
    fn tools_list_results() {
        let raw = RawValue::from_string(
            r#"{"tools":[{"name":"rm","description":"Deletes files permanently","annotations":{"destructiveHint":true}},{"name":"ls"},{"nope":1}]}"#.into(),
        )
        .unwrap();
        let tools = listed_tools(Some(&raw));
        assert_eq!(tools.len(), 2);
        assert_eq!(tools[0].1.description.as_deref(), Some("Deletes files permanently"));
        assert_eq!(tools[0].1.annotations.as_ref().unwrap()["destructiveHint"], true);
        assert_eq!(tools[1].1, ToolInfo::default());
    }
}
