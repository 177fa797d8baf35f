//! Calling JavaScript from Rust threads.
//!
//! Every callback into JavaScript goes through one shape: a thread-safe function taking a JSON
//! request and returning a Promise of a JSON reply `{"ok": value}` or `{"error": "…"}`. The
//! JavaScript layer builds that function around the user's scorer or reviewer, so whatever the
//! user's code does (throw, return a non-number, never settle) reaches Rust as data, and Rust
//! decides — always failing closed.

use std::time::Duration;

use napi::Status;
use napi::bindgen_prelude::Promise;
use napi::threadsafe_function::ThreadsafeFunction;
use serde_json::Value;

/// A JavaScript function `(request: string) => Promise<string>`. Weak: it never keeps the
/// process alive on its own (a pending evaluation does).
pub type JsCall = ThreadsafeFunction<String, Promise<String>, String, Status, false, true>;

/// Calls `f` with `request` and waits for its reply, at most `deadline`.
pub async fn call(f: &JsCall, request: String, deadline: Duration) -> Result<Value, String> {
    let reply = async {
        let promise = f
            .call_async_catch(request)
            .await
            .map_err(|e| format!("the JavaScript callback failed: {}", e.reason))?;
        promise
            .await
            .map_err(|e| format!("the JavaScript callback rejected: {}", e.reason))
    };
    let text = match tokio::time::timeout(deadline, reply).await {
        Ok(result) => result?,
        Err(_) => {
            return Err(format!(
                "the JavaScript callback did not answer within {:.3} s",
                deadline.as_secs_f64()
            ));
        }
    };
    let parsed: Value = serde_json::from_str(&text)
        .map_err(|e| format!("the JavaScript callback's reply is not JSON: {e}"))?;
    match parsed {
        Value::Object(mut map) => {
            if let Some(error) = map.remove("error") {
                let text = match error {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                return Err(text);
            }
            Ok(map.remove("ok").unwrap_or(Value::Null))
        }
        other => Err(format!(
            "the JavaScript callback's reply is malformed: {other}"
        )),
    }
}
