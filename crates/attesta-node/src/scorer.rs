//! JavaScript scorers inside the Rust pipeline.
//!
//! The JavaScript layer describes the scorer as a tree (`default`, `fixed`, `composite`, `max`,
//! `js`); built-in nodes become the native scorers, so a composite of native scorers never calls
//! into JavaScript. A `js` node calls the user's `score(ctx)` (sync or async) and waits for it
//! on the evaluating thread, under a deadline.

use std::sync::Arc;
use std::time::Duration;

use attesta_core::scoring::{
    CompositeRiskScorer, DefaultRiskScorer, FixedRiskScorer, MaxRiskScorer, RiskScorer,
};
use attesta_core::{ActionContext, RiskAssessment, RiskFactor};
use serde_json::Value;

use crate::bridge::{JsCall, call};

pub struct JsScorer {
    id: u64,
    name: String,
    callback: Arc<JsCall>,
    deadline: Duration,
    /// Inside a composite a failure aborts the whole scoring (fail closed), not just one part.
    nested: bool,
}

impl JsScorer {
    fn call(&self, ctx: &ActionContext) -> Result<RiskAssessment, String> {
        let request = serde_json::json!({ "id": self.id, "ctx": ctx }).to_string();
        // The pipeline scores synchronously. Evaluations with JavaScript scorers never run on
        // the JavaScript thread (they run on the blocking pool, inside the runtime's context),
        // so waiting here cannot dead-lock the callback it waits for.
        let reply = futures::executor::block_on(call(&self.callback, request, self.deadline))
            .map_err(|why| format!("JavaScript scorer '{}' failed: {why}", self.name))?;
        interpret(&self.name, &reply)
    }
}

/// A number, or an object with `score` and optionally `factors`.
fn interpret(name: &str, out: &Value) -> Result<RiskAssessment, String> {
    let bad = |what: String| {
        format!("JavaScript scorer '{name}' returned {what}; return a number in [0, 1]")
    };
    let (score, factors) = match out {
        Value::Number(n) => (n.as_f64(), None),
        Value::Object(map) => match map.get("score") {
            Some(Value::Number(n)) => (n.as_f64(), map.get("factors")),
            Some(other) => return Err(bad(other.to_string())),
            None => return Err(bad(out.to_string())),
        },
        Value::Null => return Err(bad("null (or a value that is not a finite number)".into())),
        other => return Err(bad(other.to_string())),
    };
    let Some(score) = score.filter(|s| s.is_finite() && (0.0..=1.0).contains(s)) else {
        return Err(bad(out.to_string()));
    };
    let mut list = Vec::new();
    if let Some(Value::Array(items)) = factors {
        for item in items {
            let get = |k: &str| item.get(k);
            let fname = get("name")
                .and_then(Value::as_str)
                .unwrap_or(name)
                .to_owned();
            let fscore = get("score")
                .and_then(Value::as_f64)
                .unwrap_or(score)
                .clamp(0.0, 1.0);
            let weight = get("weight").and_then(Value::as_f64).unwrap_or(1.0);
            let evidence = get("evidence").and_then(Value::as_str).unwrap_or_default();
            list.push(RiskFactor::new(fname, fscore, weight, evidence));
        }
    }
    if list.is_empty() {
        list.push(RiskFactor::new(
            name,
            score,
            1.0,
            format!("JavaScript scorer '{name}' returned {score}"),
        ));
    }
    Ok(RiskAssessment::from_score(score, name, list))
}

impl RiskScorer for JsScorer {
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

/// What building a scorer tree found.
pub struct Tree {
    pub scorer: Arc<dyn RiskScorer>,
    /// True when any node calls JavaScript (the evaluation must then leave the JS thread).
    pub calls_js: bool,
}

/// Builds the native scorer tree from the JavaScript layer's description.
pub fn build(
    spec: &Value,
    callback: Option<&Arc<JsCall>>,
    deadline: Duration,
) -> Result<Tree, String> {
    let mut calls_js = false;
    let scorer = node(spec, callback, deadline, false, &mut calls_js)?;
    Ok(Tree { scorer, calls_js })
}

fn node(
    spec: &Value,
    callback: Option<&Arc<JsCall>>,
    deadline: Duration,
    nested: bool,
    calls_js: &mut bool,
) -> Result<Arc<dyn RiskScorer>, String> {
    let err = |e: attesta_core::scoring::ScoringError| e.to_string();
    let kind = spec.get("kind").and_then(Value::as_str).unwrap_or("");
    match kind {
        "default" => Ok(Arc::new(DefaultRiskScorer::new())),
        "fixed" => {
            let score = spec
                .get("score")
                .and_then(Value::as_f64)
                .unwrap_or(f64::NAN);
            Ok(Arc::new(FixedRiskScorer::new(score).map_err(err)?))
        }
        "composite" => {
            let mut parts: Vec<(Arc<dyn RiskScorer>, f64)> = Vec::new();
            for part in spec
                .get("parts")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let weight = part
                    .get("weight")
                    .and_then(Value::as_f64)
                    .unwrap_or(f64::NAN);
                let child = part.get("scorer").unwrap_or(&Value::Null);
                parts.push((node(child, callback, deadline, true, calls_js)?, weight));
            }
            Ok(Arc::new(CompositeRiskScorer::new(parts).map_err(err)?))
        }
        "max" => {
            let mut parts: Vec<Arc<dyn RiskScorer>> = Vec::new();
            for child in spec
                .get("parts")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                parts.push(node(child, callback, deadline, true, calls_js)?);
            }
            Ok(Arc::new(MaxRiskScorer::new(parts).map_err(err)?))
        }
        "js" => {
            let callback = callback.ok_or("a JavaScript scorer needs its callback")?;
            let id = spec
                .get("id")
                .and_then(Value::as_u64)
                .ok_or("scorer id missing")?;
            let name = spec
                .get("name")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
                .unwrap_or("javascript")
                .to_owned();
            *calls_js = true;
            Ok(Arc::new(JsScorer {
                id,
                name,
                callback: Arc::clone(callback),
                deadline,
                nested,
            }))
        }
        other => Err(format!("unknown scorer kind {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::interpret;
    use proptest::prelude::*;
    use serde_json::{Value, json};

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            any::<i64>().prop_map(Value::from),
            ".{0,12}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Whatever a JavaScript scorer returns, the result is an error or a score in [0, 1].
        #[test]
        fn any_reply_is_an_error_or_a_valid_score(reply in any_json()) {
            if let Ok(a) = interpret("js", &reply) {
                prop_assert!(a.score.is_finite() && (0.0..=1.0).contains(&a.score));
                let direct = reply.as_f64().or_else(|| reply.get("score").and_then(Value::as_f64));
                prop_assert_eq!(Some(a.score), direct);
            }
        }

        #[test]
        fn numbers_outside_the_unit_interval_are_refused(x in prop_oneof![-1e300..-1e-12f64, (1.0 + 1e-12)..1e300f64]) {
            prop_assert!(interpret("js", &json!(x)).is_err(), "{} accepted", x);
            let wrapped = json!({ "score": x });
            prop_assert!(interpret("js", &wrapped).is_err(), "{} accepted", wrapped);
        }
    }

    #[test]
    fn non_numbers_are_refused_with_the_scorer_named() {
        for reply in [
            json!("0.1"),
            json!(true),
            json!(null),
            json!([0.1]),
            json!({ "level": "low" }),
            json!("NaN"),
        ] {
            let why = interpret("owner", &reply).unwrap_err();
            assert!(why.contains("'owner'"), "{why}");
        }
        assert_eq!(interpret("s", &json!(0.25)).unwrap().score, 0.25);
    }
}
