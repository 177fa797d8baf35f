//! The native addon behind the `@kyberon/attesta` npm package.
//!
//! The JavaScript layer (`crates/attesta-node/lib/`) owns the public API (enums, camelCase
//! `ActionContext`, `gate`, integrations); this addon owns the pipeline: the same Rust `attesta`
//! crate the CLI and the Python package run, so configuration, scoring, challenges, trust and the
//! audit log are one implementation.
//!
//! An evaluation is polled once on the JavaScript thread: scoring and auto-approval finish there
//! without a thread hop. When a human (or a JavaScript reviewer) must answer, the rest runs on
//! the runtime and the caller gets a Promise. Evaluations with JavaScript scorers run on the
//! blocking pool from the start, so the scorer's Promise can be awaited from Rust.

mod bridge;
mod result;
mod reviewer;
mod scorer;
mod session;

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use attesta::config_file::LoadedConfig;
use attesta::{ApprovalResult, Attesta, AttestaBuilder, EvaluateOptions};
use attesta_core::{ActionContext, ChallengeType, RiskLevel};
use napi::bindgen_prelude::{Either, PromiseRaw, within_runtime_if_available};
use napi::{Env, Error, Result, Status};
use napi_derive::napi;
use serde_json::Value;

use crate::bridge::JsCall;

fn invalid(message: impl Into<String>) -> Error {
    Error::new(Status::InvalidArg, message.into())
}

/// How the JavaScript layer configures a pipeline.
#[napi(object)]
pub struct PipelineOptions {
    /// `attesta.yaml` / `.yml` / `.json` / `.toml`, parsed and validated as the CLI does.
    pub config_path: Option<String>,
    /// A configuration given inline, in the file format's JSON form.
    pub config_json: Option<String>,
    pub audit_path: Option<String>,
    pub audit: Option<bool>,
    pub trust_store_path: Option<String>,
    pub trust: Option<bool>,
    pub environment: Option<String>,
    /// `{ low: "auto_approve", … }` overriding the configured challenge map.
    pub challenge_map: Option<HashMap<String, String>>,
    /// The scorer tree (JSON) built by the JavaScript layer; the default scorer when absent.
    pub scorer: Option<String>,
    /// Deadline for one JavaScript scorer call, in milliseconds (default 30 000).
    pub scorer_timeout_ms: Option<f64>,
    /// `answer` (a function given the public challenge) or `decide` (returns a verdict).
    pub reviewer_shape: Option<String>,
    pub reviewer_name: Option<String>,
}

type EvalFuture = Pin<Box<dyn Future<Output = ApprovalResult> + Send>>;

/// The native pipeline. Built by the JavaScript `Attesta` class; not meant to be used directly.
#[napi]
pub struct Pipeline {
    attesta: Attesta,
    config_path: Option<String>,
    /// Scoring calls JavaScript: the evaluation must leave the JavaScript thread.
    scores_in_js: bool,
}

fn load(options: &PipelineOptions) -> Result<LoadedConfig> {
    let mut loaded = match &options.config_path {
        Some(path) => LoadedConfig::load(Path::new(path)).map_err(|e| invalid(e.to_string()))?,
        None => {
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            LoadedConfig::defaults(cwd)
        }
    };
    if let Some(text) = &options.config_json {
        loaded.config = attesta_core::config_parse::parse_config(
            text,
            attesta_core::config_parse::ConfigFormat::Json,
            "<inline config>",
            &|name| std::env::var(name).ok(),
        )
        .map_err(|e| invalid(e.to_string()))?;
    }
    if let Some(map) = &options.challenge_map {
        for (level, challenge) in map {
            let level: RiskLevel = level
                .parse()
                .map_err(|e: attesta_core::types::ParseEnumError| invalid(e.to_string()))?;
            let challenge: ChallengeType = challenge
                .parse()
                .map_err(|e: attesta_core::types::ParseEnumError| invalid(e.to_string()))?;
            loaded.config.policy.challenge_map.set(level, challenge);
        }
    }
    Ok(loaded)
}

fn context(ctx_json: &str) -> Result<ActionContext> {
    serde_json::from_str(ctx_json).map_err(|e| invalid(format!("invalid ActionContext: {e}")))
}

fn options(
    risk: Option<String>,
    min_review_seconds: Option<f64>,
    seed: Option<i64>,
) -> Result<EvaluateOptions> {
    let risk_override = risk
        .map(|r| {
            r.parse::<RiskLevel>()
                .map_err(|e: attesta_core::types::ParseEnumError| invalid(e.to_string()))
        })
        .transpose()?;
    if let Some(m) = min_review_seconds
        && (!m.is_finite() || m < 0.0)
    {
        return Err(invalid(format!(
            "minReviewSeconds must be a finite number >= 0, got {m}"
        )));
    }
    let seed = seed
        .map(|s| u64::try_from(s).map_err(|_| invalid(format!("seed must be >= 0, got {s}"))))
        .transpose()?;
    Ok(EvaluateOptions {
        risk_override,
        seed,
        min_review_seconds,
        ..EvaluateOptions::default()
    })
}

/// Polls a fresh evaluation once inside the runtime's context (timers and blocking tasks need
/// it). Whatever is registered with the no-op waker is re-registered by the next poll.
fn poll_once(mut future: EvalFuture) -> (EvalFuture, Poll<ApprovalResult>) {
    within_runtime_if_available(move || {
        let waker = futures::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        let poll = future.as_mut().poll(&mut cx);
        (future, poll)
    })
}

#[napi]
impl Pipeline {
    #[napi(constructor)]
    pub fn new(
        options: PipelineOptions,
        score_callback: Option<JsCall>,
        review_callback: Option<JsCall>,
        session: Option<&session::NativeSession>,
    ) -> Result<Self> {
        let loaded = load(&options)?;
        let config_path = loaded
            .path
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned());
        let mut builder = AttestaBuilder::from_loaded(loaded);
        let mut scores_in_js = false;
        if let Some(spec) = &options.scorer {
            let spec: Value = serde_json::from_str(spec)
                .map_err(|e| invalid(format!("invalid scorer description: {e}")))?;
            let timeout = options.scorer_timeout_ms.unwrap_or(30_000.0);
            if !timeout.is_finite() || timeout <= 0.0 {
                return Err(invalid(format!(
                    "scorerTimeoutMs must be a number > 0, got {timeout}"
                )));
            }
            let callback = score_callback.map(Arc::new);
            let tree = scorer::build(
                &spec,
                callback.as_ref(),
                Duration::from_secs_f64(timeout / 1000.0),
            )
            .map_err(invalid)?;
            scores_in_js = tree.calls_js;
            builder = builder.scorer(match session {
                Some(session) => Arc::new(attesta_core::session::SessionScorer::new(
                    Box::new(tree.scorer),
                    session.shared(),
                )),
                None => tree.scorer,
            });
        } else if let Some(session) = session {
            builder = builder.scorer(Arc::new(attesta_core::session::SessionScorer::new(
                Box::new(attesta_core::scoring::DefaultRiskScorer::new()),
                session.shared(),
            )));
        }
        if let Some(callback) = review_callback {
            let shape = match options.reviewer_shape.as_deref() {
                Some("decide") => reviewer::Shape::Decide,
                Some("answer") | None => reviewer::Shape::Answer,
                Some(other) => return Err(invalid(format!("unknown reviewer shape {other:?}"))),
            };
            builder = builder.reviewer(Arc::new(reviewer::JsReviewer::new(
                Arc::new(callback),
                shape,
                options.reviewer_name.clone(),
            )));
        }
        match (options.audit, &options.audit_path) {
            (Some(false), _) => builder = builder.without_audit(),
            (_, Some(p)) => builder = builder.audit_path(PathBuf::from(p)),
            _ => {}
        }
        match (options.trust, &options.trust_store_path) {
            (Some(false), _) => builder = builder.without_trust(),
            (_, Some(p)) => builder = builder.trust_store_path(PathBuf::from(p)),
            _ => {}
        }
        if let Some(env) = &options.environment {
            builder = builder.environment(env.clone());
        }
        let attesta = builder.build().map_err(|e| invalid(e.to_string()))?;
        Ok(Pipeline {
            attesta,
            config_path,
            scores_in_js,
        })
    }

    /// Runs one action to a decision: the result itself when no one had to be asked, else a
    /// Promise of it. Never rejects for a denial.
    #[napi(ts_return_type = "string | Promise<string>")]
    pub fn evaluate<'env>(
        &self,
        env: &'env Env,
        ctx_json: String,
        risk: Option<String>,
        min_review_seconds: Option<f64>,
        seed: Option<i64>,
    ) -> Result<Either<String, PromiseRaw<'env, String>>> {
        let ctx = context(&ctx_json)?;
        let options = options(risk, min_review_seconds, seed)?;
        let attesta = self.attesta.clone();
        if self.scores_in_js {
            let promise = env.spawn_future(async move {
                let task = napi::bindgen_prelude::spawn_blocking(move || {
                    let handle = tokio::runtime::Handle::current();
                    handle.block_on(attesta.evaluate_with(ctx, options))
                });
                task.await
                    .map(result::to_json)
                    .map_err(|e| Error::from_reason(format!("the evaluation failed: {e}")))
            })?;
            return Ok(Either::B(promise));
        }
        let future: EvalFuture = Box::pin(async move { attesta.evaluate_with(ctx, options).await });
        let (future, first) = poll_once(future);
        if let Poll::Ready(result) = first {
            return Ok(Either::A(result::to_json(result)));
        }
        let promise = env.spawn_future(async move { Ok(result::to_json(future.await)) })?;
        Ok(Either::B(promise))
    }

    /// Scores an action without asking anyone or writing anything (the assessment as JSON).
    #[napi]
    pub fn assess(&self, ctx_json: String, risk: Option<String>) -> Result<String> {
        if self.scores_in_js {
            return Err(Error::from_reason(
                "assess() cannot run a JavaScript scorer synchronously; use evaluate() with audit off",
            ));
        }
        let ctx = context(&ctx_json)?;
        let options = options(risk, None, None)?;
        let assessment = self
            .attesta
            .assess(&ctx, options.risk_override)
            .map_err(|why| Error::from_reason(format!("risk scoring failed: {why}")))?;
        serde_json::to_string(&assessment).map_err(|e| Error::from_reason(e.to_string()))
    }

    #[napi(getter)]
    pub fn environment(&self) -> String {
        self.attesta.environment().to_owned()
    }

    #[napi(getter)]
    pub fn reviewer_name(&self) -> String {
        self.attesta.reviewer_name().to_owned()
    }

    #[napi(getter)]
    pub fn audit_path(&self) -> Option<String> {
        self.attesta
            .audit_log()
            .map(|l| l.path().to_string_lossy().into_owned())
    }

    #[napi(getter)]
    pub fn config_path(&self) -> Option<String> {
        self.config_path.clone()
    }
}

/// Maps a score to a level, with the seed's error for scores outside [0, 1].
#[napi]
pub fn level_from_score(score: f64) -> Result<&'static str> {
    RiskLevel::from_score(score)
        .map(RiskLevel::as_str)
        .map_err(|e| Error::new(Status::InvalidArg, e.to_string()))
}

/// Scores with the built-in default scorer.
#[napi]
pub fn default_score(ctx_json: String) -> Result<f64> {
    use attesta_core::scoring::RiskScorer;
    static SCORER: std::sync::OnceLock<attesta_core::scoring::DefaultRiskScorer> =
        std::sync::OnceLock::new();
    let ctx = context(&ctx_json)?;
    let scorer = SCORER.get_or_init(attesta_core::scoring::DefaultRiskScorer::new);
    Ok(scorer.score(&ctx).score)
}

/// Verifies an audit log's hash chain (all rotated segments), as `attesta audit verify` does;
/// the report as JSON.
#[napi]
pub fn verify_audit(path: String) -> Result<String> {
    let report = attesta::audit::verify(Path::new(&path), &mut Default::default())
        .map_err(|e| Error::from_reason(e.to_string()))?;
    let mut value = serde_json::to_value(&report).map_err(|e| Error::from_reason(e.to_string()))?;
    value["broken_at"] = serde_json::to_value(report.broken_at()).unwrap_or(Value::Null);
    Ok(value.to_string())
}

/// The configuration file the CLI would use in `dir`, or null; two of them is an error.
#[napi]
pub fn discover_config(dir: String) -> Result<Option<String>> {
    LoadedConfig::discover(Path::new(&dir))
        .map(|found| {
            found
                .and_then(|loaded| loaded.path)
                .map(|p| p.to_string_lossy().into_owned())
        })
        .map_err(|e| invalid(e.to_string()))
}

/// The version of the native addon (and of the Rust crates it carries).
#[napi]
pub fn native_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
