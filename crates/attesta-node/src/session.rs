//! `Session`: the session context behind the JavaScript `Session` (what one agent session has
//! seen: the user's request, earlier calls, tool results). A pipeline built with it judges every
//! call in that context and records the call there.

use std::sync::{Arc, Mutex, MutexGuard};

use napi::{Error, Result, Status};
use napi_derive::napi;

#[napi(js_name = "NativeSession")]
pub struct NativeSession {
    inner: Arc<Mutex<attesta_core::Session>>,
}

impl NativeSession {
    pub fn shared(&self) -> Arc<Mutex<attesta_core::Session>> {
        Arc::clone(&self.inner)
    }

    fn lock(&self) -> MutexGuard<'_, attesta_core::Session> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[napi]
impl NativeSession {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        NativeSession {
            inner: Arc::new(Mutex::new(attesta_core::Session::new())),
        }
    }

    /// The user's request (a prompt); several accumulate.
    #[napi]
    pub fn user_request(&self, text: String) {
        self.lock().user_request(&text);
    }

    /// A tool result as text.
    #[napi]
    pub fn observe_text(&self, text: String, tool: Option<String>) {
        self.lock().observe_result_of(tool.as_deref(), &text);
    }

    /// A tool result as JSON text (objects, arrays …).
    #[napi]
    pub fn observe_json(&self, json: String, tool: Option<String>) -> Result<()> {
        let value: serde_json::Value = serde_json::from_str(&json)
            .map_err(|e| Error::new(Status::InvalidArg, format!("invalid JSON result: {e}")))?;
        self.lock().observe_result_json_of(tool.as_deref(), &value);
        Ok(())
    }

    #[napi(getter)]
    pub fn has_request(&self) -> bool {
        self.lock().has_request()
    }

    /// `[source, evidence]` when a tool result carried instructions aimed at the agent.
    #[napi(getter)]
    pub fn taint(&self) -> Option<Vec<String>> {
        self.lock()
            .taint()
            .map(|t| vec![t.source.clone(), t.evidence.clone()])
    }

    /// The calls seen so far as JSON: `[[number, functionName, level], …]`.
    #[napi(getter)]
    pub fn calls_json(&self) -> String {
        let calls: Vec<(u64, String, &str)> = self
            .lock()
            .calls()
            .map(|c| (c.number, c.function_name.clone(), c.level.as_str()))
            .collect();
        serde_json::to_string(&calls).unwrap_or_else(|_| "[]".into())
    }
}
