//! `ApprovalResult` as seen from Python: a frozen object whose fields are converted on access,
//! so a gate that only asks "may it run?" pays for nothing else.

use attesta::AttestaDenied;
use attesta_core::ApprovalResult;
use pyo3::prelude::*;
use pyo3::types::PyList;
use serde_json::Value;

use crate::convert::to_py;
use crate::enums;

#[pyclass(name = "ApprovalResult", module = "attesta", frozen)]
pub struct PyApprovalResult {
    pub inner: ApprovalResult,
}

#[pymethods]
impl PyApprovalResult {
    /// The verdict (`Verdict`). Only APPROVED and MODIFIED let the action run.
    #[getter]
    fn verdict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        enums::verdict(py, self.inner.verdict)
    }

    /// True when the action may run (APPROVED or MODIFIED).
    #[getter]
    fn allowed(&self) -> bool {
        self.inner.allows()
    }

    #[getter]
    fn denied(&self) -> bool {
        !self.inner.allows()
    }

    #[getter]
    fn risk_score(&self) -> f64 {
        self.inner.risk.score
    }

    /// The risk level (`RiskLevel`).
    #[getter]
    fn risk_level(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        enums::risk_level(py, self.inner.risk.level)
    }

    /// The full assessment: score, level, factors with evidence, scorer.
    #[getter]
    fn risk_assessment<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = serde_json::to_value(&self.inner.risk).unwrap_or(Value::Null);
        py.import("attesta._types")?
            .getattr("RiskAssessment")?
            .call_method1("_from_dict", (to_py(py, &value)?,))
    }

    /// The factors that explain the score, as dicts (`name`, `score`, `weight`, `contribution`,
    /// `evidence`).
    #[getter]
    fn risk_factors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = serde_json::to_value(&self.inner.risk.factors).unwrap_or(Value::Null);
        to_py(py, &value)
    }

    #[getter]
    fn scorer(&self) -> &str {
        &self.inner.risk.scorer
    }

    /// The challenge posed (`ChallengeType`), or None when none was (audit-only mode, blocked).
    #[getter]
    fn challenge_type(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        self.inner
            .challenge
            .as_ref()
            .map(|c| enums::challenge_type(py, c.challenge_type))
            .transpose()
    }

    #[getter]
    fn challenge_passed(&self) -> bool {
        self.inner.challenge.as_ref().is_some_and(|c| c.passed)
    }

    /// The challenge result as a dict (questions asked/correct, responders, details …).
    #[getter]
    fn challenge_result<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = serde_json::to_value(&self.inner.challenge).unwrap_or(Value::Null);
        to_py(py, &value)
    }

    /// Approver identities in the order they answered.
    #[getter]
    fn approvers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, &self.inner.approvers)
    }

    #[getter]
    fn approver_authenticated(&self) -> bool {
        self.inner.approver_authenticated
    }

    #[getter]
    fn review_time_seconds(&self) -> f64 {
        self.inner.review_seconds
    }

    /// The audit entry's id (empty when auditing is disabled).
    #[getter]
    fn audit_entry_id(&self) -> &str {
        &self.inner.audit_entry_id
    }

    /// For MODIFIED: the replacement `{"args": [...], "kwargs": {...}}`; None otherwise.
    #[getter]
    fn modification<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match &self.inner.modification {
            Some(m) => to_py(py, m),
            None => Ok(py.None().into_bound(py)),
        }
    }

    /// Why the pipeline decided as it did.
    #[getter]
    fn reason(&self) -> &str {
        &self.inner.reason
    }

    /// `enforce`, `shadow` or `audit_only`.
    #[getter]
    fn mode(&self) -> &'static str {
        self.inner.mode.as_str()
    }

    /// What enforce mode would have decided (differs from `verdict` in shadow/audit-only mode).
    #[getter]
    fn enforced_verdict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        enums::verdict(py, self.inner.enforced_verdict)
    }

    #[getter]
    fn trust_before(&self) -> Option<f64> {
        self.inner.trust_before
    }

    /// RFC 3339 UTC timestamp of interception.
    #[getter]
    fn intercepted_at(&self) -> String {
        self.inner.intercepted_at.to_string()
    }

    #[getter]
    fn decided_at(&self) -> String {
        self.inner.decided_at.to_string()
    }

    /// The message `AttestaDenied` carries for this result ("Action timed out: …" and so on).
    #[getter]
    fn denial_message(&self) -> String {
        AttestaDenied::from_result(self.inner.clone()).message
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = serde_json::to_value(&self.inner).unwrap_or(Value::Null);
        to_py(py, &value)
    }

    fn to_json(&self) -> String {
        serde_json::to_string(&self.inner).unwrap_or_default()
    }

    fn __repr__(&self) -> String {
        format!(
            "ApprovalResult(verdict={}, risk_score={:.2}, risk_level={}, audit_entry_id={:?}, reason={:?})",
            self.inner.verdict,
            self.inner.risk.score,
            self.inner.risk.level,
            self.inner.audit_entry_id,
            self.inner.reason
        )
    }
}
