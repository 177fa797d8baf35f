//! Python renderers as reviewers.
//!
//! Two protocols are accepted:
//! - a *prompter* (`present`, `ask_line`, optionally `notice`, `ask_identity`): the real
//!   challenge runs in Rust and the Python object only shows text and returns the human's lines,
//!   so answers are checked exactly as on the terminal (a Slack bot that posts the quiz);
//! - an *approval renderer* (`render_approval(ctx, risk)`): the team's own channel decides and
//!   returns a verdict (optionally a modification and approver ids). The minimum review time is
//!   still enforced: an approval that comes back sooner is denied.
//!
//! Python code runs on Tokio's blocking pool, holding the GIL only while Python executes, so a
//! human taking minutes never blocks other Python threads. A coroutine returned by the renderer is
//! run to completion with `asyncio.run` on that blocking thread.

use std::sync::Arc;
use std::time::Instant;

use attesta::reviewer::{
    ApproverSlot, ChallengeRunner, LineAsk, NoticeKind, Prompter, ReviewOutcome, ReviewRequest,
    Reviewer, ReviewerError, Style, SystemClock, render_challenge,
};
use attesta_core::challenge::PublicChallenge;
use attesta_core::{ChallengeResult, ChallengeType, Verdict};
use futures::future::BoxFuture;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde_json::Value;

use crate::convert::{context_to_py, to_json, to_py};
use crate::enums::enum_text;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Protocol {
    Prompter,
    Approval,
}

pub struct PyRendererReviewer {
    obj: Arc<Py<PyAny>>,
    protocol: Protocol,
    name: String,
    authenticated: bool,
    operator: Option<String>,
}

impl PyRendererReviewer {
    pub fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let protocol = if obj.hasattr("ask_line")? && obj.hasattr("present")? {
            Protocol::Prompter
        } else if obj.hasattr("render_approval")? {
            Protocol::Approval
        } else {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "a renderer needs `render_approval(ctx, risk)` (returns a Verdict), or `present(...)` and \
                 `ask_line(...)` to run Attesta's own challenges through your channel",
            ));
        };
        let class = obj.get_type().name()?.to_string();
        let authenticated = obj
            .getattr("authenticated")
            .ok()
            .and_then(|a| a.extract::<bool>().ok())
            .unwrap_or(false);
        let operator = obj
            .getattr("operator")
            .ok()
            .filter(|o| !o.is_none() && !o.is_callable())
            .and_then(|o| o.extract::<String>().ok());
        Ok(PyRendererReviewer {
            obj: Arc::new(obj.clone().unbind()),
            protocol,
            name: format!("python:{class}"),
            authenticated,
            operator,
        })
    }
}

/// Runs `f` with the GIL on the blocking pool; a coroutine result is driven by `asyncio.run`.
async fn call_python<T, F>(f: F) -> Result<T, ReviewerError>
where
    T: Send + 'static,
    F: for<'py> FnOnce(Python<'py>) -> PyResult<T> + Send + 'static,
{
    tokio::task::spawn_blocking(move || {
        Python::attach(|py| {
            f(py).map_err(|e| {
                ReviewerError::Failed(format!("the Python renderer raised {}", describe(py, &e)))
            })
        })
    })
    .await
    .map_err(|e| ReviewerError::Failed(format!("the Python renderer's thread failed: {e}")))?
}

fn describe(py: Python<'_>, error: &PyErr) -> String {
    let kind = error
        .get_type(py)
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "Exception".into());
    format!("{kind}: {}", error.value(py))
}

fn resolve<'py>(py: Python<'py>, value: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if value.hasattr("__await__")? {
        return py.import("asyncio")?.call_method1("run", (value,));
    }
    Ok(value)
}

fn assessment_to_py<'py>(py: Python<'py>, request: &ReviewRequest) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(&*request.assessment).unwrap_or(Value::Null);
    let dict = to_py(py, &value)?;
    py.import("attesta._types")?
        .getattr("RiskAssessment")?
        .call_method1("_from_dict", (dict,))
}

/// What an approval renderer returned, read without trusting its shape.
struct Answer {
    verdict: Verdict,
    modification: Option<Value>,
    approvers: Vec<String>,
    reason: String,
}

fn parse_answer(out: &Bound<'_, PyAny>) -> PyResult<Answer> {
    let bad = || {
        pyo3::exceptions::PyTypeError::new_err(format!(
            "render_approval returned {}; return a Verdict, (Verdict, modification), or a dict with `verdict`",
            out.repr().map(|r| r.to_string()).unwrap_or_default()
        ))
    };
    let parse_verdict = |v: &Bound<'_, PyAny>| -> PyResult<Verdict> {
        if let Ok(b) = v.extract::<bool>()
            && v.is_instance_of::<pyo3::types::PyBool>()
        {
            return Ok(if b {
                Verdict::Approved
            } else {
                Verdict::Denied
            });
        }
        let text = enum_text(v).map_err(|_| bad())?;
        text.parse::<Verdict>()
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
    };
    let mut answer = Answer {
        verdict: Verdict::Denied,
        modification: None,
        approvers: Vec::new(),
        reason: String::new(),
    };
    let field = |name: &str| -> Option<Bound<'_, PyAny>> {
        if let Ok(d) = out.cast::<PyDict>() {
            d.get_item(name).ok().flatten()
        } else {
            out.getattr(name).ok()
        }
    };
    if let Ok(t) = out.cast::<pyo3::types::PyTuple>() {
        if t.len() != 2 {
            return Err(bad());
        }
        answer.verdict = parse_verdict(&t.get_item(0)?)?;
        let m = t.get_item(1)?;
        answer.modification = (!m.is_none()).then(|| to_json(&m));
        return Ok(answer);
    }
    if out.is_instance_of::<PyString>() || out.is_instance_of::<pyo3::types::PyBool>() {
        answer.verdict = parse_verdict(out)?;
        return Ok(answer);
    }
    let Some(v) = field("verdict") else {
        return Err(bad());
    };
    answer.verdict = parse_verdict(&v)?;
    if let Some(m) = field("modification").filter(|m| !m.is_none()) {
        answer.modification = Some(to_json(&m));
    }
    if let Some(a) = field("approvers").filter(|a| !a.is_none()) {
        answer.approvers = a.extract::<Vec<String>>()?;
    } else if let Some(a) = field("approver").filter(|a| !a.is_none()) {
        answer.approvers = vec![a.str()?.to_string()];
    }
    if let Some(r) = field("reason").filter(|r| !r.is_none()) {
        answer.reason = r.str()?.to_string();
    }
    Ok(answer)
}

impl PyRendererReviewer {
    async fn review_approval(
        &self,
        request: &ReviewRequest,
    ) -> Result<ReviewOutcome, ReviewerError> {
        let started = Instant::now();
        let obj = Arc::clone(&self.obj);
        let req = request.clone();
        let answer = call_python(move |py| {
            let ctx = context_to_py(py, &req.ctx)?;
            let risk = assessment_to_py(py, &req)?;
            let out = obj.bind(py).call_method1("render_approval", (ctx, risk))?;
            parse_answer(&resolve(py, out)?)
        })
        .await?;
        let elapsed = started.elapsed().as_secs_f64();
        let mut challenge = ChallengeResult::new(request.challenge, false);
        challenge.review_seconds = elapsed;
        challenge.min_review_seconds = request.min_review_seconds;
        challenge.min_review_met = elapsed >= request.min_review_seconds;
        challenge
            .details
            .insert("channel".into(), Value::from(self.name.clone()));
        challenge
            .details
            .insert("verified_by".into(), Value::from("render_approval"));
        let mut approvers = answer.approvers;
        if approvers.is_empty()
            && let Some(op) = &self.operator
        {
            approvers.push(op.clone());
        }
        challenge.responder_ids = approvers.clone();
        let runs = matches!(answer.verdict, Verdict::Approved | Verdict::Modified);
        if runs && !challenge.min_review_met {
            let reason = format!(
                "the renderer approved after {elapsed:.2} s, before the minimum review time of {} s; denied",
                request.min_review_seconds
            );
            challenge
                .details
                .insert("early_answer".into(), Value::from(true));
            return Ok(ReviewOutcome {
                verdict: Verdict::Denied,
                challenge,
                approvers,
                authenticated: self.authenticated,
                modification: None,
                reason,
            });
        }
        challenge.passed = runs;
        if request.challenge == ChallengeType::MultiParty {
            challenge.details.insert(
                "approvers_required".into(),
                Value::from(request.approvers_required),
            );
        }
        let reason = if answer.reason.is_empty() {
            format!("{} by the Python renderer", answer.verdict)
        } else {
            answer.reason
        };
        Ok(ReviewOutcome {
            verdict: answer.verdict,
            challenge,
            approvers,
            authenticated: self.authenticated,
            modification: if answer.verdict == Verdict::Modified {
                answer.modification
            } else {
                None
            },
            reason,
        })
    }
}

impl Reviewer for PyRendererReviewer {
    fn name(&self) -> &str {
        &self.name
    }

    fn review<'a>(
        &'a self,
        request: &'a ReviewRequest,
    ) -> BoxFuture<'a, Result<ReviewOutcome, ReviewerError>> {
        Box::pin(async move {
            match self.protocol {
                Protocol::Approval => self.review_approval(request).await,
                Protocol::Prompter => {
                    let mut prompter = PyPrompter {
                        obj: Arc::clone(&self.obj),
                        authenticated: self.authenticated,
                        operator: self.operator.clone(),
                    };
                    let mut outcome = ChallengeRunner::new()
                        .run(request, &mut prompter, &SystemClock::new())
                        .await?;
                    outcome
                        .challenge
                        .details
                        .insert("channel".into(), Value::from(self.name.clone()));
                    Ok(outcome)
                }
            }
        })
    }
}

/// A Python object that shows challenge text and returns what the human typed.
struct PyPrompter {
    obj: Arc<Py<PyAny>>,
    authenticated: bool,
    operator: Option<String>,
}

fn slot_to_py<'py>(py: Python<'py>, slot: Option<ApproverSlot>) -> PyResult<Bound<'py, PyAny>> {
    Ok(match slot {
        None => py.None().into_bound(py),
        Some(s) => {
            let d = PyDict::new(py);
            d.set_item("index", s.index)?;
            d.set_item("required", s.required)?;
            d.into_any()
        }
    })
}

fn optional_line(value: Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if value.is_none() {
        Ok(None)
    } else {
        Ok(Some(value.str()?.to_string()))
    }
}

impl Prompter for PyPrompter {
    fn present<'a>(
        &'a mut self,
        challenge: &'a PublicChallenge,
        slot: Option<ApproverSlot>,
    ) -> BoxFuture<'a, Result<(), ReviewerError>> {
        let text = render_challenge(challenge, slot, Style { color: false });
        let value = serde_json::to_value(challenge).unwrap_or(Value::Null);
        let obj = Arc::clone(&self.obj);
        Box::pin(call_python(move |py| {
            let kwargs = PyDict::new(py);
            kwargs.set_item("text", text)?;
            kwargs.set_item("challenge", to_py(py, &value)?)?;
            kwargs.set_item("slot", slot_to_py(py, slot)?)?;
            let out = obj.bind(py).call_method("present", (), Some(&kwargs))?;
            resolve(py, out).map(|_| ())
        }))
    }

    fn notice<'a>(
        &'a mut self,
        kind: NoticeKind,
        text: &'a str,
    ) -> BoxFuture<'a, Result<(), ReviewerError>> {
        let kind = match kind {
            NoticeKind::Info => "info",
            NoticeKind::Rejected => "rejected",
            NoticeKind::Outcome => "outcome",
        };
        let text = text.to_owned();
        let obj = Arc::clone(&self.obj);
        Box::pin(call_python(move |py| {
            let o = obj.bind(py);
            if o.hasattr("notice")? {
                let out = o.call_method1("notice", (kind, text))?;
                resolve(py, out)?;
            }
            Ok(())
        }))
    }

    fn ask_line<'a>(
        &'a mut self,
        ask: LineAsk<'a>,
    ) -> BoxFuture<'a, Result<Option<String>, ReviewerError>> {
        let question = ask.question.map(str::to_owned);
        let prompt = ask.prompt.to_owned();
        let (unlocks_in, deadline) = (ask.unlocks_in, ask.deadline);
        let obj = Arc::clone(&self.obj);
        Box::pin(call_python(move |py| {
            let kwargs = PyDict::new(py);
            kwargs.set_item("question", question)?;
            kwargs.set_item("unlocks_in", unlocks_in)?;
            kwargs.set_item("deadline", deadline)?;
            let out = obj
                .bind(py)
                .call_method("ask_line", (prompt,), Some(&kwargs))?;
            optional_line(resolve(py, out)?)
        }))
    }

    fn ask_identity<'a>(
        &'a mut self,
        slot: ApproverSlot,
    ) -> BoxFuture<'a, Result<Option<String>, ReviewerError>> {
        let obj = Arc::clone(&self.obj);
        Box::pin(call_python(move |py| {
            let o = obj.bind(py);
            if o.hasattr("ask_identity")? {
                let out = o.call_method1("ask_identity", (slot_to_py(py, Some(slot))?,))?;
                return optional_line(resolve(py, out)?);
            }
            let prompt = format!(
                "approver {} of {} — your name",
                slot.index + 1,
                slot.required
            );
            let out = o.call_method("ask_line", (prompt,), None)?;
            optional_line(resolve(py, out)?)
        }))
    }

    fn authenticated(&self) -> bool {
        self.authenticated
    }

    fn operator(&self) -> Option<String> {
        self.operator.clone()
    }
}
