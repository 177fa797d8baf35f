//! Proxy-originated `elicitation/create` requests: how the proxy itself asks the human at the
//! client for an answer.
//!
//! The proxy injects its own requests into the stream towards the client, with string ids that
//! carry a prefix no MCP client or server uses (`attesta-elicit-N`), and the relay routes the
//! client's responses with those ids back here instead of to the server. Only ids that are
//! actually outstanding are intercepted, so a server that happened to use the same prefix would
//! still get its own responses.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::{Map, Value, json};
use tokio::sync::oneshot;

use crate::message::{IdKey, to_line};
use crate::relay::Shared;

/// Prefix of every request id the proxy originates.
pub const PROXY_ID_PREFIX: &str = "attesta-elicit-";

/// What the client sent back for an elicitation.
#[derive(Debug, Clone, PartialEq)]
pub enum ElicitationAnswer {
    /// The user submitted the form; `content` holds the field values.
    Accept(Map<String, Value>),
    /// The user explicitly declined.
    Decline,
    /// The user dismissed the form without choosing.
    Cancel,
}

/// Why an elicitation produced no answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ElicitationError {
    #[error("the MCP client did not declare the elicitation capability")]
    Unsupported,
    #[error("the MCP client did not answer the elicitation within {0:?}")]
    TimedOut(Duration),
    #[error("the MCP client rejected the elicitation: {message} (code {code})")]
    Rejected { code: i64, message: String },
    #[error("the MCP client sent an elicitation result this proxy cannot read: {0}")]
    BadResult(String),
    #[error("the MCP client disconnected")]
    Disconnected,
}

/// A reply to a proxy-originated request: the `result` or the `error` object.
pub(crate) type ClientReply = Result<Value, Value>;

/// Sends elicitation requests to the client through the relay. Cheap to clone.
#[derive(Clone)]
pub struct Elicitor {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for Elicitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Elicitor").field("supported", &self.is_supported()).finish()
    }
}

impl Elicitor {
    /// Whether the client declared form elicitation in `initialize`.
    pub fn is_supported(&self) -> bool {
        self.shared.elicitation.load(Ordering::Acquire)
    }

    /// Asks the client to show a form. `requested_schema` is a flat object schema of string,
    /// number, boolean and enum fields, as MCP requires. Dropping the returned future withdraws
    /// the request (the client is sent `notifications/cancelled`).
    pub async fn elicit(
        &self,
        message: &str,
        requested_schema: Value,
        timeout: Duration,
    ) -> Result<ElicitationAnswer, ElicitationError> {
        if !self.is_supported() {
            return Err(ElicitationError::Unsupported);
        }
        let n = self.shared.next_request_id.fetch_add(1, Ordering::Relaxed);
        let raw_id = format!("{PROXY_ID_PREFIX}{n}");
        let id = IdKey::from_value(&Value::String(raw_id.clone())).ok_or(ElicitationError::Disconnected)?;
        let (tx, rx) = oneshot::channel();
        self.shared.lock().proxy_requests.insert(id.clone(), tx);
        let guard = Withdraw { shared: self.shared.clone(), id: id.clone(), raw_id: raw_id.clone(), armed: true };

        let request = json!({
            "jsonrpc": "2.0",
            "id": raw_id,
            "method": "elicitation/create",
            "params": {"message": message, "requestedSchema": requested_schema},
        });
        if self.shared.to_client.send(to_line(&request)).await.is_err() {
            return Err(ElicitationError::Disconnected);
        }
        let reply = tokio::time::timeout(timeout, rx).await;
        let mut guard = guard;
        let reply = match reply {
            Err(_) => return Err(ElicitationError::TimedOut(timeout)),
            Ok(Err(_)) => {
                guard.armed = false;
                return Err(ElicitationError::Disconnected);
            }
            Ok(Ok(reply)) => {
                guard.armed = false;
                reply
            }
        };
        parse_reply(reply)
    }
}

fn parse_reply(reply: ClientReply) -> Result<ElicitationAnswer, ElicitationError> {
    let result = match reply {
        Ok(result) => result,
        Err(error) => {
            return Err(ElicitationError::Rejected {
                code: error.get("code").and_then(Value::as_i64).unwrap_or(0),
                message: error.get("message").and_then(Value::as_str).unwrap_or("no message").to_owned(),
            });
        }
    };
    match result.get("action").and_then(Value::as_str) {
        Some("accept") => match result.get("content") {
            Some(Value::Object(content)) => Ok(ElicitationAnswer::Accept(content.clone())),
            None => Ok(ElicitationAnswer::Accept(Map::new())),
            Some(_) => Err(ElicitationError::BadResult("`content` is not an object".into())),
        },
        Some("decline") => Ok(ElicitationAnswer::Decline),
        Some("cancel") => Ok(ElicitationAnswer::Cancel),
        _ => Err(ElicitationError::BadResult("`action` must be accept, decline or cancel".into())),
    }
}

/// Withdraws an unanswered request when the waiting future goes away (timeout, cancelled
/// review), so the client can take the form down and a late answer is not mistaken for a new one.
struct Withdraw {
    shared: Arc<Shared>,
    id: IdKey,
    raw_id: String,
    armed: bool,
}

impl Drop for Withdraw {
    fn drop(&mut self) {
        if self.shared.lock().proxy_requests.remove(&self.id).is_none() || !self.armed {
            return;
        }
        let note = json!({
            "jsonrpc": "2.0",
            "method": "notifications/cancelled",
            "params": {"requestId": self.raw_id, "reason": "the approval request was withdrawn"},
        });
        // Drop cannot wait; if the queue to the client is full the client simply gets no notice.
        let _ = self.shared.to_client.try_send(to_line(&note));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_read_strictly() {
        assert_eq!(
            parse_reply(Ok(json!({"action": "accept", "content": {"confirm": true}}))).unwrap(),
            ElicitationAnswer::Accept(json!({"confirm": true}).as_object().unwrap().clone())
        );
        assert_eq!(parse_reply(Ok(json!({"action": "decline"}))).unwrap(), ElicitationAnswer::Decline);
        assert_eq!(parse_reply(Ok(json!({"action": "cancel"}))).unwrap(), ElicitationAnswer::Cancel);
        assert!(matches!(parse_reply(Ok(json!({"action": "yes"}))), Err(ElicitationError::BadResult(_))));
        assert!(matches!(
            parse_reply(Err(json!({"code": -32601, "message": "nope"}))),
            Err(ElicitationError::Rejected { code: -32601, .. })
        ));
    }
}
