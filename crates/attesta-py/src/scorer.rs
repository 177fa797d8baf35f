//! Python scorers inside the Rust pipeline.
//!
//! A Python object with a `name` and a `score(ctx)` method becomes a [`RiskScorer`]. The built-in
//! Python classes (`DefaultRiskScorer`, `CompositeRiskScorer`, `MaxRiskScorer`,
//! `FixedRiskScorer`) carry an `_attesta_kind` marker and are rebuilt as the native scorers, so a
//! composite of native scorers never calls back into Python.

use std::sync::Arc;

use attesta_core::scoring::{
    CompositeRiskScorer, DefaultRiskScorer, FixedRiskScorer, MaxRiskScorer, RiskScorer,
};
use attesta_core::{ActionContext, RiskAssessment, RiskFactor};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::convert::{context_to_py, to_json};

/// A scorer implemented in Python.
pub struct PyScorer {
    obj: Py<PyAny>,
    name: String,
    /// Inside a composite a failure must abort the whole scoring (fail closed), not just score 1.0
    /// for one weighted part.
    nested: bool,
}

impl PyScorer {
    fn call(&self, ctx: &ActionContext) -> Result<RiskAssessment, String> {
        Python::attach(|py| {
            let py_ctx = context_to_py(py, ctx)
                .map_err(|e| format!("cannot build the ActionContext: {e}"))?;
            let out = self
                .obj
                .bind(py)
                .call_method1("score", (py_ctx,))
                .map_err(|e| {
                    format!("Python scorer '{}' raised {}", self.name, describe(py, &e))
                })?;
            interpret(&self.name, &out)
        })
    }
}

fn describe(py: Python<'_>, error: &PyErr) -> String {
    let kind = error
        .get_type(py)
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "Exception".into());
    format!("{kind}: {}", error.value(py))
}

/// A float, or an object/dict with `score` and optionally `factors`.
fn interpret(name: &str, out: &Bound<'_, PyAny>) -> Result<RiskAssessment, String> {
    let bad =
        |what: String| format!("Python scorer '{name}' returned {what}; return a float in [0, 1]");
    let (score_obj, factors_obj) = if let Ok(d) = out.cast::<pyo3::types::PyDict>() {
        (
            d.get_item("score").ok().flatten(),
            d.get_item("factors").ok().flatten(),
        )
    } else if out.is_instance_of::<pyo3::types::PyFloat>()
        || out.is_instance_of::<pyo3::types::PyInt>()
    {
        (Some(out.clone()), None)
    } else {
        (out.getattr("score").ok(), out.getattr("factors").ok())
    };
    let Some(score_obj) = score_obj else {
        return Err(bad(out.repr().map(|r| r.to_string()).unwrap_or_default()));
    };
    if score_obj.is_instance_of::<pyo3::types::PyBool>() {
        return Err(bad("a bool".into()));
    }
    let score: f64 = score_obj
        .extract()
        .map_err(|_| bad(score_obj.to_string()))?;
    if !score.is_finite() || !(0.0..=1.0).contains(&score) {
        return Err(bad(score.to_string()));
    }
    let mut factors = Vec::new();
    if let Some(list) = factors_obj.filter(|f| !f.is_none())
        && let Ok(iter) = list.try_iter()
    {
        for item in iter.flatten() {
            let json = to_json(&item);
            let get = |k: &str| {
                json.get(k)
                    .cloned()
                    .or_else(|| item.getattr(k).ok().map(|v| to_json(&v)))
            };
            let fname = get("name")
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| name.to_owned());
            let fscore = get("score")
                .and_then(|v| v.as_f64())
                .unwrap_or(score)
                .clamp(0.0, 1.0);
            let weight = get("weight").and_then(|v| v.as_f64()).unwrap_or(1.0);
            let evidence = get("evidence")
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            factors.push(RiskFactor::new(fname, fscore, weight, evidence));
        }
    }
    if factors.is_empty() {
        factors.push(RiskFactor::new(
            name,
            score,
            1.0,
            format!("Python scorer '{name}' returned {score}"),
        ));
    }
    Ok(RiskAssessment::from_score(score, name, factors))
}

impl RiskScorer for PyScorer {
    fn name(&self) -> &str {
        &self.name
    }

    fn score(&self, ctx: &ActionContext) -> RiskAssessment {
        match self.call(ctx) {
            Ok(assessment) => assessment,
            // The engine turns an unwinding scorer into a denial; resume_unwind skips the panic
            // hook, so nothing is printed.
            Err(why) if self.nested => std::panic::resume_unwind(Box::new(why)),
            Err(why) => RiskAssessment::from_score(
                1.0,
                self.name.clone(),
                vec![RiskFactor::new("scorer_error", 1.0, 1.0, why)],
            ),
        }
    }
}

fn kind_of(obj: &Bound<'_, PyAny>) -> Option<String> {
    obj.getattr("_attesta_kind")
        .ok()
        .and_then(|k| k.extract::<String>().ok())
}

/// Builds the native scorer tree for a Python scorer object.
pub fn scorer_from_py(obj: &Bound<'_, PyAny>, nested: bool) -> PyResult<Arc<dyn RiskScorer>> {
    let scoring_err = |e: attesta_core::scoring::ScoringError| PyValueError::new_err(e.to_string());
    match kind_of(obj).as_deref() {
        Some("default") => Ok(Arc::new(DefaultRiskScorer::new())),
        Some("fixed") => {
            let score: f64 = obj.getattr("fixed_score")?.extract()?;
            Ok(Arc::new(FixedRiskScorer::new(score).map_err(scoring_err)?))
        }
        Some("composite") => {
            let mut parts: Vec<(Arc<dyn RiskScorer>, f64)> = Vec::new();
            for item in obj.getattr("scorers")?.try_iter()? {
                let (scorer, weight): (Bound<'_, PyAny>, f64) = item?.extract()?;
                parts.push((scorer_from_py(&scorer, true)?, weight));
            }
            Ok(Arc::new(
                CompositeRiskScorer::new(parts).map_err(scoring_err)?,
            ))
        }
        Some("max") => {
            let mut parts: Vec<Arc<dyn RiskScorer>> = Vec::new();
            for item in obj.getattr("scorers")?.try_iter()? {
                parts.push(scorer_from_py(&item?, true)?);
            }
            Ok(Arc::new(MaxRiskScorer::new(parts).map_err(scoring_err)?))
        }
        _ => {
            if !obj.hasattr("score")? {
                return Err(PyTypeError::new_err(
                    "a risk scorer needs a `score(ctx) -> float` method and a `name` property",
                ));
            }
            let name = match obj.getattr("name") {
                Ok(n) if !n.is_none() => n.str()?.to_string(),
                _ => obj.get_type().name()?.to_string(),
            };
            Ok(Arc::new(PyScorer {
                obj: obj.clone().unbind(),
                name,
                nested,
            }))
        }
    }
}
