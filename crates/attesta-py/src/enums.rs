//! The Python enums (`RiskLevel`, `Verdict`, `ChallengeType`) are plain `str`-valued `Enum`s
//! defined in `attesta._types`; these helpers convert at the boundary, caching the members.

use attesta_core::{ChallengeType, RiskLevel, Verdict};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

fn members(
    py: Python<'_>,
    cell: &'static PyOnceLock<Vec<Py<PyAny>>>,
    class: &str,
    values: &[&str],
) -> PyResult<&'static [Py<PyAny>]> {
    let members = cell.get_or_try_init(py, || -> PyResult<Vec<Py<PyAny>>> {
        let class = py.import("attesta._types")?.getattr(class)?;
        values
            .iter()
            .map(|v| class.call1((*v,)).map(Bound::unbind))
            .collect()
    })?;
    Ok(members.as_slice())
}

pub fn risk_level(py: Python<'_>, level: RiskLevel) -> PyResult<Py<PyAny>> {
    static CELL: PyOnceLock<Vec<Py<PyAny>>> = PyOnceLock::new();
    let values: Vec<&str> = RiskLevel::ALL.iter().map(|l| l.as_str()).collect();
    let all = members(py, &CELL, "RiskLevel", &values)?;
    let index = RiskLevel::ALL.iter().position(|l| *l == level).unwrap_or(0);
    Ok(all[index].clone_ref(py))
}

pub fn verdict(py: Python<'_>, verdict: Verdict) -> PyResult<Py<PyAny>> {
    static CELL: PyOnceLock<Vec<Py<PyAny>>> = PyOnceLock::new();
    let values: Vec<&str> = Verdict::ALL.iter().map(|l| l.as_str()).collect();
    let all = members(py, &CELL, "Verdict", &values)?;
    let index = Verdict::ALL.iter().position(|l| *l == verdict).unwrap_or(0);
    Ok(all[index].clone_ref(py))
}

pub fn challenge_type(py: Python<'_>, challenge: ChallengeType) -> PyResult<Py<PyAny>> {
    static CELL: PyOnceLock<Vec<Py<PyAny>>> = PyOnceLock::new();
    let values: Vec<&str> = ChallengeType::ALL.iter().map(|l| l.as_str()).collect();
    let all = members(py, &CELL, "ChallengeType", &values)?;
    let index = ChallengeType::ALL
        .iter()
        .position(|l| *l == challenge)
        .unwrap_or(0);
    Ok(all[index].clone_ref(py))
}

/// A string, or any enum member whose `.value` is a string.
pub fn enum_text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = obj.extract::<String>() {
        return Ok(s);
    }
    obj.getattr("value")?.extract::<String>()
}
