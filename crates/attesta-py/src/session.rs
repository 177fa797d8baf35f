//! `attesta._native.NativeSession`: the session context behind `attesta.Session` (what one agent
//! session has seen: the user's request, earlier calls, tool results). A pipeline derived with
//! it judges every call in that context and records the call there.

use std::sync::{Arc, Mutex, MutexGuard};

use attesta_core::Session;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};

use crate::convert::to_json;

#[pyclass(name = "NativeSession", module = "attesta._native", frozen)]
pub struct NativeSession {
    inner: Arc<Mutex<Session>>,
}

impl NativeSession {
    pub fn shared(&self) -> Arc<Mutex<Session>> {
        Arc::clone(&self.inner)
    }

    fn lock(&self) -> MutexGuard<'_, Session> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[pymethods]
impl NativeSession {
    #[new]
    fn new() -> Self {
        NativeSession {
            inner: Arc::new(Mutex::new(Session::new())),
        }
    }

    /// The user's request (a prompt); several accumulate.
    fn user_request(&self, py: Python<'_>, text: &str) {
        py.detach(|| self.lock().user_request(text));
    }

    /// A tool result: text is read as it is, anything else as JSON (bytes as UTF-8 text).
    #[pyo3(signature = (result, tool=None))]
    fn observe_result(
        &self,
        py: Python<'_>,
        result: &Bound<'_, PyAny>,
        tool: Option<&str>,
    ) -> PyResult<()> {
        let text = if let Ok(s) = result.cast::<PyString>() {
            Some(s.to_string_lossy().into_owned())
        } else if let Ok(b) = result.cast::<PyBytes>() {
            Some(String::from_utf8_lossy(b.as_bytes()).into_owned())
        } else if let Ok(b) = result.cast::<PyByteArray>() {
            Some(String::from_utf8_lossy(&b.to_vec()).into_owned())
        } else {
            None
        };
        match text {
            Some(text) => py.detach(|| self.lock().observe_result_of(tool, &text)),
            None => {
                let value = to_json(result);
                py.detach(|| self.lock().observe_result_json_of(tool, &value));
            }
        }
        Ok(())
    }

    /// Whether the user's request is known.
    #[getter]
    fn has_request(&self) -> bool {
        self.lock().has_request()
    }

    /// `(source, evidence)` when a tool result carried instructions aimed at the agent.
    #[getter]
    fn taint(&self) -> Option<(String, String)> {
        self.lock()
            .taint()
            .map(|t| (t.source.clone(), t.evidence.clone()))
    }

    /// The calls seen so far (the most recent ones): `(number, function_name, level)`.
    #[getter]
    fn calls(&self) -> Vec<(u64, String, &'static str)> {
        self.lock()
            .calls()
            .map(|c| (c.number, c.function_name.clone(), c.level.as_str()))
            .collect()
    }
}
