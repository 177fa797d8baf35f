//! `attesta._native`: the Rust pipeline behind the Python package.
//!
//! The Python layer (`python/attesta/`) owns the public API (enums, `ActionContext`, `gate`,
//! integrations); this module owns the pipeline. Evaluation runs without the GIL: Python is only
//! re-entered to call Python scorers and renderers.

mod convert;
mod enums;
mod result;
mod reviewer;
mod scorer;
mod session;

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use attesta::config_file::LoadedConfig;
use attesta::{ApprovalResult, Attesta, AttestaBuilder, EvaluateOptions};
use attesta_core::{ChallengeType, RiskLevel};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{context_from_py, to_py};
use crate::enums::enum_text;
use crate::result::PyApprovalResult;

/// One runtime per process: reviewers' waits and timeouts run on it. A child created by `fork`
/// inherits the parent's runtime without its threads, so it gets a fresh one (the parent's is
/// leaked in the child, which cannot shut it down anyway).
fn runtime() -> PyResult<&'static tokio::runtime::Runtime> {
    static RUNTIME: Mutex<Option<(u32, &'static tokio::runtime::Runtime)>> = Mutex::new(None);
    let pid = std::process::id();
    let mut slot = RUNTIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((owner, rt)) = *slot
        && owner == pid
    {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("attesta-worker")
        .enable_all()
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start Attesta's runtime: {e}")))?;
    let rt: &'static tokio::runtime::Runtime = Box::leak(Box::new(rt));
    *slot = Some((pid, rt));
    Ok(rt)
}

type EvalFuture = Pin<Box<dyn Future<Output = ApprovalResult> + Send>>;

/// Polls a fresh evaluation once inside the runtime's context (timers and blocking tasks need
/// it). Whatever is registered with the no-op waker is re-registered by the next poll, wherever
/// that happens.
fn poll_once(
    rt: &'static tokio::runtime::Runtime,
    mut future: EvalFuture,
) -> (EvalFuture, Poll<ApprovalResult>) {
    let _guard = rt.enter();
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    let poll = future.as_mut().poll(&mut cx);
    (future, poll)
}

/// How a pipeline is (re)built, so `Attesta.gate(risk_scorer=…)` can derive a sibling that
/// shares the same configuration, audit log and trust store.
#[derive(Clone)]
struct Recipe {
    loaded: LoadedConfig,
    scorer: Option<Arc<dyn attesta_core::scoring::RiskScorer>>,
    reviewer: Option<Arc<dyn attesta::reviewer::Reviewer>>,
    audit_path: Option<PathBuf>,
    audit: Option<bool>,
    trust_path: Option<PathBuf>,
    trust: Option<bool>,
    environment: Option<String>,
    /// Session context: every call is judged in it and recorded there.
    session: Option<Arc<Mutex<attesta_core::Session>>>,
}

impl Recipe {
    fn build(&self) -> PyResult<Attesta> {
        let mut builder = AttestaBuilder::from_loaded(self.loaded.clone());
        match (&self.scorer, &self.session) {
            (inner, Some(session)) => {
                let inner: Box<dyn attesta_core::scoring::RiskScorer> = match inner {
                    Some(s) => Box::new(Arc::clone(s)),
                    None => Box::new(attesta_core::scoring::DefaultRiskScorer::new()),
                };
                builder = builder.scorer(Arc::new(attesta_core::session::SessionScorer::new(
                    inner,
                    Arc::clone(session),
                )));
            }
            (Some(s), None) => builder = builder.scorer(Arc::clone(s)),
            (None, None) => {}
        }
        if let Some(r) = &self.reviewer {
            builder = builder.reviewer(Arc::clone(r));
        }
        match (self.audit, &self.audit_path) {
            (Some(false), _) => builder = builder.without_audit(),
            (_, Some(p)) => builder = builder.audit_path(p.clone()),
            _ => {}
        }
        match (self.trust, &self.trust_path) {
            (Some(false), _) => builder = builder.without_trust(),
            (_, Some(p)) => builder = builder.trust_store_path(p.clone()),
            _ => {}
        }
        if let Some(env) = &self.environment {
            builder = builder.environment(env.clone());
        }
        builder
            .build()
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }
}

fn parse_challenge_map(
    config: &mut attesta_core::config::Config,
    map: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let dict = map.cast::<PyDict>().map_err(|_| {
        PyValueError::new_err("challenge_map must be a dict {RiskLevel: ChallengeType}")
    })?;
    for (k, v) in dict.iter() {
        let level: RiskLevel =
            enum_text(&k)?
                .parse()
                .map_err(|e: attesta_core::types::ParseEnumError| {
                    PyValueError::new_err(e.to_string())
                })?;
        let challenge: ChallengeType =
            enum_text(&v)?
                .parse()
                .map_err(|e: attesta_core::types::ParseEnumError| {
                    PyValueError::new_err(e.to_string())
                })?;
        config.policy.challenge_map.set(level, challenge);
    }
    Ok(())
}

/// The native pipeline. Built by `attesta.Attesta`; not meant to be used directly.
#[pyclass(name = "Pipeline", module = "attesta._native", frozen)]
struct Pipeline {
    /// The pipeline and the process that built it. After `fork` the child rebuilds it, so its
    /// audit log and trust store get file descriptions (and locks) of their own; sharing the
    /// parent's would let parent and child append under "one" lock and fork the hash chain.
    state: Mutex<(u32, Attesta)>,
    recipe: Recipe,
}

impl Pipeline {
    fn from_recipe(recipe: Recipe) -> PyResult<Self> {
        let attesta = recipe.build()?;
        Ok(Pipeline {
            state: Mutex::new((std::process::id(), attesta)),
            recipe,
        })
    }

    fn attesta(&self) -> PyResult<Attesta> {
        let pid = std::process::id();
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if state.0 != pid {
            *state = (pid, self.recipe.build()?);
        }
        Ok(state.1.clone())
    }
}

/// Reads the context; evaluations from Python are tagged `metadata.source: python` unless the
/// caller (an integration, the Dify plugin …) named its own source.
fn python_context(ctx: &Bound<'_, PyAny>) -> PyResult<attesta_core::ActionContext> {
    let mut ctx = context_from_py(ctx)?;
    ctx.metadata
        .entry("source")
        .or_insert_with(|| serde_json::Value::from("python"));
    Ok(ctx)
}

fn options(
    risk: Option<&Bound<'_, PyAny>>,
    min_review_seconds: Option<f64>,
    seed: Option<u64>,
) -> PyResult<EvaluateOptions> {
    let risk_override = match risk {
        Some(r) if !r.is_none() => Some(
            enum_text(r)?
                .parse::<RiskLevel>()
                .map_err(|e| PyValueError::new_err(e.to_string()))?,
        ),
        _ => None,
    };
    if let Some(m) = min_review_seconds
        && (!m.is_finite() || m < 0.0)
    {
        return Err(PyValueError::new_err(format!(
            "min_review_seconds must be a finite number >= 0, got {m}"
        )));
    }
    Ok(EvaluateOptions {
        risk_override,
        seed,
        min_review_seconds,
        ..EvaluateOptions::default()
    })
}

#[pymethods]
impl Pipeline {
    #[new]
    #[pyo3(signature = (config_path=None, *, scorer=None, renderer=None, audit_path=None, audit=None, trust_store_path=None, trust=None, environment=None, challenge_map=None, config_json=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        config_path: Option<PathBuf>,
        scorer: Option<&Bound<'_, PyAny>>,
        renderer: Option<&Bound<'_, PyAny>>,
        audit_path: Option<PathBuf>,
        audit: Option<bool>,
        trust_store_path: Option<PathBuf>,
        trust: Option<bool>,
        environment: Option<String>,
        challenge_map: Option<&Bound<'_, PyAny>>,
        config_json: Option<&str>,
    ) -> PyResult<Self> {
        let mut loaded = match &config_path {
            Some(path) => {
                LoadedConfig::load(path).map_err(|e| PyValueError::new_err(e.to_string()))?
            }
            None => {
                let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
                LoadedConfig::defaults(cwd)
            }
        };
        if let Some(text) = config_json {
            // A config given inline (tests, notebooks) in the file format's JSON form.
            let parsed = attesta_core::config_parse::parse_config(
                text,
                attesta_core::config_parse::ConfigFormat::Json,
                "<inline config>",
                &|name| std::env::var(name).ok(),
            )
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
            loaded.config = parsed;
        }
        if let Some(map) = challenge_map.filter(|m| !m.is_none()) {
            parse_challenge_map(&mut loaded.config, map)?;
        }
        let recipe = Recipe {
            loaded,
            scorer: scorer
                .filter(|s| !s.is_none())
                .map(|s| scorer::scorer_from_py(s, false))
                .transpose()?,
            reviewer: renderer
                .filter(|r| !r.is_none())
                .map(|r| {
                    reviewer::PyRendererReviewer::from_py(r)
                        .map(|r| Arc::new(r) as Arc<dyn attesta::reviewer::Reviewer>)
                })
                .transpose()?,
            audit_path,
            audit,
            trust_path: trust_store_path,
            trust,
            environment,
            session: None,
        };
        Pipeline::from_recipe(recipe)
    }

    /// A sibling pipeline with the same configuration and files but another scorer, renderer or
    /// challenge map.
    #[pyo3(signature = (*, scorer=None, renderer=None, challenge_map=None, session=None))]
    fn derive(
        &self,
        scorer: Option<&Bound<'_, PyAny>>,
        renderer: Option<&Bound<'_, PyAny>>,
        challenge_map: Option<&Bound<'_, PyAny>>,
        session: Option<PyRef<'_, session::NativeSession>>,
    ) -> PyResult<Self> {
        let mut recipe = self.recipe.clone();
        if let Some(session) = session {
            recipe.session = Some(session.shared());
        }
        if let Some(s) = scorer.filter(|s| !s.is_none()) {
            recipe.scorer = Some(scorer::scorer_from_py(s, false)?);
        }
        if let Some(r) = renderer.filter(|r| !r.is_none()) {
            recipe.reviewer = Some(Arc::new(reviewer::PyRendererReviewer::from_py(r)?));
        }
        if let Some(map) = challenge_map.filter(|m| !m.is_none()) {
            parse_challenge_map(&mut recipe.loaded.config, map)?;
        }
        Pipeline::from_recipe(recipe)
    }

    /// Runs the pipeline to a decision, blocking this thread without holding the GIL.
    #[pyo3(signature = (ctx, risk=None, min_review_seconds=None, seed=None))]
    fn evaluate_blocking(
        &self,
        py: Python<'_>,
        ctx: &Bound<'_, PyAny>,
        risk: Option<&Bound<'_, PyAny>>,
        min_review_seconds: Option<f64>,
        seed: Option<u64>,
    ) -> PyResult<PyApprovalResult> {
        let ctx = python_context(ctx)?;
        let options = options(risk, min_review_seconds, seed)?;
        let rt = runtime()?;
        let attesta = self.attesta()?;
        let future: EvalFuture = Box::pin(async move { attesta.evaluate_with(ctx, options).await });
        // The common case (scoring, auto-approval) finishes on the first poll, without a timer.
        let (mut future, first) = py.detach(move || poll_once(rt, future));
        if let Poll::Ready(inner) = first {
            return Ok(PyApprovalResult { inner });
        }
        // A human is deciding: wait in slices so Ctrl-C (KeyboardInterrupt) still works. An
        // interrupt drops the future, which cancels the review.
        loop {
            let slice = py.detach(|| {
                rt.block_on(async {
                    tokio::time::timeout(Duration::from_millis(100), &mut future).await
                })
            });
            match slice {
                Ok(inner) => return Ok(PyApprovalResult { inner }),
                Err(_elapsed) => py.check_signals()?,
            }
        }
    }

    /// Starts an evaluation for `await`. Returns the result when it completed without waiting
    /// (scoring and auto-approval are synchronous); otherwise `(handle, future)` where `future`
    /// is an asyncio future on `event_loop` resolved when the human has decided.
    #[pyo3(signature = (ctx, event_loop, resolve, risk=None, min_review_seconds=None, seed=None))]
    #[allow(clippy::too_many_arguments)]
    fn evaluate_nowait<'py>(
        &self,
        py: Python<'py>,
        ctx: &Bound<'py, PyAny>,
        event_loop: &Bound<'py, PyAny>,
        resolve: &Bound<'py, PyAny>,
        risk: Option<&Bound<'py, PyAny>>,
        min_review_seconds: Option<f64>,
        seed: Option<u64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ctx = python_context(ctx)?;
        let options = options(risk, min_review_seconds, seed)?;
        let rt = runtime()?;
        let attesta = self.attesta()?;
        let future: EvalFuture = Box::pin(async move { attesta.evaluate_with(ctx, options).await });
        // Poll once in place: everything up to the first wait for a human is synchronous.
        let (future, first) = py.detach(move || poll_once(rt, future));
        if let Poll::Ready(inner) = first {
            return Ok(Bound::new(py, PyApprovalResult { inner })?.into_any());
        }
        let py_future = event_loop.call_method0("create_future")?;
        let loop_ref = event_loop.clone().unbind();
        let fut_ref = py_future.clone().unbind();
        let resolve_ref = resolve.clone().unbind();
        let handle = rt.spawn(async move {
            let inner = future.await;
            Python::attach(|py| {
                let result = match Bound::new(py, PyApprovalResult { inner }) {
                    Ok(r) => r.into_any(),
                    Err(e) => e.into_value(py).into_bound(py).into_any(),
                };
                // A closed loop means nobody awaits any more; nothing else to do.
                let _ = loop_ref.bind(py).call_method1(
                    "call_soon_threadsafe",
                    (resolve_ref.bind(py), fut_ref.bind(py), result),
                );
            });
        });
        let pending = Bound::new(py, Pending { handle })?;
        Ok((pending, py_future).into_pyobject(py)?.into_any())
    }

    /// Scores an action without asking anyone or writing anything.
    #[pyo3(signature = (ctx, risk=None))]
    fn assess<'py>(
        &self,
        py: Python<'py>,
        ctx: &Bound<'py, PyAny>,
        risk: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ctx = context_from_py(ctx)?;
        let options = options(risk, None, None)?;
        let attesta = self.attesta()?;
        let assessment = py
            .detach(move || attesta.assess(&ctx, options.risk_override))
            .map_err(|why| PyRuntimeError::new_err(format!("risk scoring failed: {why}")))?;
        let value = serde_json::to_value(&assessment).unwrap_or(serde_json::Value::Null);
        to_py(py, &value)
    }

    #[getter]
    fn environment(&self) -> PyResult<String> {
        self.attesta().map(|a| a.environment().to_owned())
    }

    #[getter]
    fn reviewer_name(&self) -> PyResult<String> {
        self.attesta().map(|a| a.reviewer_name().to_owned())
    }

    #[getter]
    fn audit_path(&self) -> PyResult<Option<PathBuf>> {
        Ok(self.attesta()?.audit_log().map(|l| l.path().to_path_buf()))
    }

    #[getter]
    fn config_path(&self) -> Option<PathBuf> {
        self.recipe.loaded.path.clone()
    }

    fn __repr__(&self) -> String {
        self.attesta()
            .map(|a| format!("{a:?}"))
            .unwrap_or_else(|e| e.to_string())
    }
}

/// A running evaluation; `cancel()` drops it, releasing what the reviewer held.
#[pyclass(module = "attesta._native", frozen)]
struct Pending {
    handle: tokio::task::JoinHandle<()>,
}

#[pymethods]
impl Pending {
    fn cancel(&self) {
        self.handle.abort();
    }
}

/// Maps a score to a level, with the seed's error for scores outside [0, 1].
#[pyfunction]
fn level_from_score(score: f64) -> PyResult<&'static str> {
    RiskLevel::from_score(score)
        .map(RiskLevel::as_str)
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// Scores with the built-in default scorer (what `DefaultRiskScorer().score(ctx)` returns).
#[pyfunction]
fn default_score(py: Python<'_>, ctx: &Bound<'_, PyAny>) -> PyResult<f64> {
    use attesta_core::scoring::RiskScorer;
    let ctx = context_from_py(ctx)?;
    static SCORER: OnceLock<attesta_core::scoring::DefaultRiskScorer> = OnceLock::new();
    let scorer = SCORER.get_or_init(attesta_core::scoring::DefaultRiskScorer::new);
    Ok(py.detach(|| scorer.score(&ctx).score))
}

/// Scores with a scorer tree built from Python objects (Composite/Max of native or Python parts).
#[pyfunction]
fn tree_score(ctx: &Bound<'_, PyAny>, scorer: &Bound<'_, PyAny>) -> PyResult<f64> {
    let tree = scorer::scorer_from_py(scorer, false)?;
    let ctx = context_from_py(ctx)?;
    let assessment = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| tree.score(&ctx)))
        .map_err(|p| {
            let why = p
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "a scorer failed".into());
            PyRuntimeError::new_err(why)
        })?;
    if let Some(f) = assessment.factors.iter().find(|f| f.name == "scorer_error") {
        return Err(PyRuntimeError::new_err(f.evidence.clone()));
    }
    Ok(assessment.score)
}

/// The configuration file the CLI would use in `dir` (`attesta.yaml`, `.yml`, `.json`, `.toml`),
/// or None; two of them at once is an error, as for the CLI.
#[pyfunction]
fn discover_config(dir: PathBuf) -> PyResult<Option<PathBuf>> {
    LoadedConfig::discover(&dir)
        .map(|found| found.and_then(|loaded| loaded.path))
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Pipeline>()?;
    m.add_class::<Pending>()?;
    m.add_class::<session::NativeSession>()?;
    m.add_class::<PyApprovalResult>()?;
    m.add_function(wrap_pyfunction!(level_from_score, m)?)?;
    m.add_function(wrap_pyfunction!(default_score, m)?)?;
    m.add_function(wrap_pyfunction!(tree_score, m)?)?;
    m.add_function(wrap_pyfunction!(discover_config, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
