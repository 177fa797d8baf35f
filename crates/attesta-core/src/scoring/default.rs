//! [`DefaultRiskScorer`]: five weighted factors plus a severity floor.
//!
//! Combination rule (documented in `docs/scoring.md`):
//!
//! * `weighted = 0.30·name + 0.25·arguments + 0.20·docstring + 0.15·hints + 0.10·novelty`
//! * Each factor except novelty also reports its strongest single finding as a *severity* (the
//!   least risk that finding implies on its own: `rm -rf /` is 0.97, a `delete` verb 0.6).
//! * `floor = max severity + 0.1 × (number of other factors whose severity ≥ 0.5)` — independent
//!   corroboration (a destructive verb *and* an "irreversible" docstring *and* a production hint)
//!   escalates.
//! * `score = max(weighted, floor + (1 − floor) × 0.25 × weighted)`.
//!
//! So one severe signal cannot be averaged away by empty factors, and the weighted sum still
//! orders actions inside a level. Both terms only grow when evidence is added, so adding an
//! argument or a hint never lowers the score.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::Value;

use crate::assessment::{RiskAssessment, RiskFactor};
use crate::context::ActionContext;

use super::RiskScorer;
use super::args::{self, ArgHints, Findings, PRODUCTION_CONTEXT};
use super::lexicon::{DOC_PHRASES, DOC_WORDS, VerbClass};
use super::names::{analyze_name, name_factor, normalize};
use super::text::{identifier_tokens, snippet, with_lower, words};

pub const WEIGHT_NAME: f64 = 0.30;
pub const WEIGHT_ARGS: f64 = 0.25;
pub const WEIGHT_DOC: f64 = 0.20;
pub const WEIGHT_HINTS: f64 = 0.15;
pub const WEIGHT_NOVELTY: f64 = 0.10;

/// Corroboration: each additional factor with a severity at least this high adds
/// [`CORROBORATION_STEP`] to the floor.
const CORROBORATION_THRESHOLD: f64 = 0.5;
const CORROBORATION_STEP: f64 = 0.1;
/// Share of the weighted score added on top of the floor, so ordering survives inside a band.
const FLOOR_BLEND: f64 = 0.25;
/// Added to the floor of a state-changing action when production is named anywhere.
const PRODUCTION_STEP: f64 = 0.15;
/// Distinct action names remembered for novelty; beyond this, unseen names count as new.
const NOVELTY_CAPACITY: usize = 10_000;

/// The built-in heuristic scorer. Deterministic for a given history; cheap (no regex on the hot
/// path, word lookups in precompiled maps); explains every factor.
pub struct DefaultRiskScorer {
    seen: Mutex<HashMap<String, u64>>,
}

impl std::fmt::Debug for DefaultRiskScorer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DefaultRiskScorer").finish_non_exhaustive()
    }
}

impl Default for DefaultRiskScorer {
    fn default() -> Self {
        Self::new()
    }
}

impl DefaultRiskScorer {
    pub fn new() -> Self {
        DefaultRiskScorer {
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// A scorer that starts from persisted novelty counts (an entry point that runs once per
    /// call, like a hook, keeps them between processes). At most the capacity is taken.
    pub fn with_history(counts: impl IntoIterator<Item = (String, u64)>) -> Self {
        let seen: HashMap<String, u64> = counts.into_iter().take(NOVELTY_CAPACITY).collect();
        DefaultRiskScorer {
            seen: Mutex::new(seen),
        }
    }

    /// The novelty counts, most frequent first, at most `limit` of them (for persisting).
    pub fn history(&self, limit: usize) -> Vec<(String, u64)> {
        let seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut all: Vec<(String, u64)> = seen.iter().map(|(k, v)| (k.clone(), *v)).collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all.truncate(limit);
        all
    }

    /// How many times this scorer has scored `function_name` before.
    pub fn times_seen(&self, function_name: &str) -> u64 {
        let seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        seen.get(function_name).copied().unwrap_or(0)
    }

    /// Records one call and returns the count before it.
    fn observe(&self, function_name: &str) -> u64 {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = seen.get_mut(function_name) {
            let before = *count;
            *count = count.saturating_add(1);
            return before;
        }
        if seen.len() < NOVELTY_CAPACITY {
            seen.insert(function_name.to_owned(), 1);
        }
        0
    }
}

pub(crate) struct FactorOut {
    pub score: f64,
    pub severity: f64,
    pub evidence: String,
    /// The factor says the action targets production.
    pub production: bool,
}

fn args_factor(findings: &Findings) -> FactorOut {
    let max = findings.max_severity();
    if findings.signals.is_empty() {
        return FactorOut {
            score: 0.0,
            severity: 0.0,
            evidence: "nothing notable".into(),
            production: false,
        };
    }
    let extra = findings.distinct_kinds().saturating_sub(1) as f64;
    let score = (max + 0.05 * extra).min(1.0);
    FactorOut {
        score,
        severity: max,
        evidence: findings.evidence(3),
        production: false,
    }
}

pub(crate) fn doc_factor(doc: Option<&str>) -> FactorOut {
    let Some(doc) = doc.filter(|d| !d.trim().is_empty()) else {
        return FactorOut {
            score: 0.0,
            severity: 0.0,
            evidence: "no docstring".into(),
            production: false,
        };
    };
    let doc = if doc.len() > 8192 {
        let mut end = 8192;
        while !doc.is_char_boundary(end) {
            end -= 1;
        }
        &doc[..end]
    } else {
        doc
    };
    let mut found: Vec<(&'static str, f64, &'static str)> = Vec::new();
    for w in words(doc) {
        with_lower(w, |l| {
            if let Some((&key, &(sev, why))) = DOC_WORDS.get_key_value(l)
                && !found.iter().any(|(_, _, y)| *y == why)
            {
                found.push((key, sev, why));
            }
        });
    }
    if found.len() < 12 {
        let lower = doc.to_ascii_lowercase();
        for (phrase, sev, why) in DOC_PHRASES {
            if lower.contains(phrase) && !found.iter().any(|(_, _, y)| y == why) {
                found.push((phrase, *sev, why));
            }
        }
    }
    if found.is_empty() {
        return FactorOut {
            score: 0.0,
            severity: 0.0,
            evidence: "no risk words".into(),
            production: false,
        };
    }
    found.sort_by(|a, b| b.1.total_cmp(&a.1));
    let max = found[0].1;
    let score = (max + 0.07 * (found.len() - 1) as f64).min(1.0);
    let evidence = found
        .iter()
        .take(4)
        .map(|(w, _, why)| format!("'{w}' ({why})"))
        .collect::<Vec<_>>()
        .join(", ");
    FactorOut {
        score,
        severity: max,
        evidence,
        production: false,
    }
}

/// Reads caller hints. Only ever raises: `false`, zero, unknown keys and calming words add nothing.
pub(crate) fn hints_factor(hints: &serde_json::Map<String, Value>) -> FactorOut {
    let mut found: Vec<(f64, String)> = Vec::new();
    let mut production = false;
    for (key, value) in hints.iter().take(64) {
        let mut spans = Vec::with_capacity(4);
        identifier_tokens(key, &mut spans);
        let key_words: Vec<String> = spans
            .iter()
            .take(6)
            .map(|&(s, e)| key[s..e].to_ascii_lowercase())
            .collect();
        let has = |names: &[&str]| key_words.iter().any(|w| names.contains(&w.as_str()));
        match value {
            Value::Bool(true) => {
                let sev = if has(&["critical"]) {
                    0.8
                } else if has(&[
                    "destructive",
                    "irreversible",
                    "dangerous",
                    "deletes",
                    "delete",
                ]) {
                    0.6
                } else if has(&[
                    "financial",
                    "money",
                    "payment",
                    "payments",
                    "funds",
                    "privileged",
                    "admin",
                    "root",
                    "sudo",
                    "security",
                ]) {
                    0.55
                } else if has(&["production", "prod", "live"]) {
                    production = true;
                    PRODUCTION_CONTEXT
                } else if has(&[
                    "pii",
                    "personal",
                    "phi",
                    "sensitive",
                    "confidential",
                    "secret",
                    "secrets",
                    "credentials",
                    "bulk",
                    "mass",
                    "all",
                ]) {
                    0.5
                } else if has(&[
                    "external",
                    "public",
                    "internet",
                    "outbound",
                    "customer",
                    "customers",
                ]) {
                    0.4
                } else if has(&["physical", "safety"]) {
                    0.6
                } else {
                    continue;
                };
                found.push((sev, format!("{key}=true")));
            }
            Value::Number(n) => {
                let Some(v) = n.as_f64().filter(|v| v.is_finite() && *v > 0.0) else {
                    continue;
                };
                let sev = if has(&["risk", "severity"]) && v <= 1.0 {
                    v
                } else if has(&[
                    "damage", "cost", "amount", "usd", "impact", "value", "exposure", "loss",
                ]) {
                    args::money_severity(v)
                } else if has(&[
                    "records",
                    "rows",
                    "count",
                    "affected",
                    "users",
                    "items",
                    "recipients",
                    "customers",
                    "objects",
                    "files",
                ]) {
                    if v >= 100_000.0 {
                        0.85
                    } else if v >= 10_000.0 {
                        0.7
                    } else if v >= 1_000.0 {
                        0.55
                    } else if v >= 100.0 {
                        0.4
                    } else {
                        continue;
                    }
                } else {
                    continue;
                };
                found.push((sev, format!("{key}={}", snippet(&n.to_string(), 20))));
            }
            Value::String(s) => {
                let level = s.trim().to_ascii_lowercase();
                let sev = if has(&["risk", "severity", "level", "impact"]) {
                    match level.as_str() {
                        "critical" => 0.8,
                        "high" => 0.6,
                        "medium" => 0.3,
                        _ => continue,
                    }
                } else if has(&["environment", "env"])
                    && matches!(super::normalize_environment(&level).as_str(), "production")
                {
                    production = true;
                    PRODUCTION_CONTEXT
                } else if has(&["data", "classification", "sensitivity"])
                    && matches!(
                        level.as_str(),
                        "pii" | "phi" | "confidential" | "restricted" | "secret"
                    )
                {
                    0.5
                } else {
                    continue;
                };
                found.push((sev, format!("{key}={}", snippet(s, 20))));
            }
            _ => {}
        }
    }
    if found.is_empty() {
        return FactorOut {
            score: 0.0,
            severity: 0.0,
            evidence: "no risk hints".into(),
            production: false,
        };
    }
    found.sort_by(|a, b| b.0.total_cmp(&a.0));
    let max = found[0].0.clamp(0.0, 1.0);
    let score = (max + 0.05 * (found.len() - 1) as f64).min(1.0);
    let evidence = found
        .iter()
        .take(4)
        .map(|(_, e)| e.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    FactorOut {
        score,
        severity: max,
        evidence,
        production,
    }
}

/// 1.0 on the first call, falling with familiarity to a floor of 0.05.
fn novelty_score(times_seen: u64) -> f64 {
    (1.0 / (1.0 + times_seen as f64).sqrt()).max(0.05)
}

/// Combines factor scores and severities (see the module docs for the rule).
pub(crate) fn combine(
    weighted: f64,
    severities: &[(&str, f64)],
    production: bool,
) -> (f64, f64, String) {
    let mut top = ("", 0.0f64);
    for &(name, sev) in severities {
        if sev > top.1 {
            top = (name, sev);
        }
    }
    let corroborating: Vec<&str> = severities
        .iter()
        .filter(|(name, sev)| *name != top.0 && *sev >= CORROBORATION_THRESHOLD)
        .map(|(name, _)| *name)
        .collect();
    let floor = if top.1 > 0.0 {
        (top.1 + CORROBORATION_STEP * corroborating.len() as f64).min(1.0)
    } else {
        0.0
    };
    // A state change (floor ≥ 0.3) in production is one level more serious.
    let production_bump = production && floor >= 0.3;
    let floor = if production_bump {
        (floor + PRODUCTION_STEP).min(1.0)
    } else {
        floor
    };
    let blended = floor + (1.0 - floor) * FLOOR_BLEND * weighted;
    let score = weighted
        .max(if floor > 0.0 { blended } else { 0.0 })
        .clamp(0.0, 1.0);
    let mut evidence = if floor > 0.0 {
        format!("strongest signal ({}) sets a floor of {:.2}", top.0, top.1)
    } else {
        "no severe signal".to_owned()
    };
    if !corroborating.is_empty() {
        evidence.push_str(&format!("; corroborated by {}", corroborating.join(", ")));
    }
    if production_bump {
        evidence.push_str(&format!("; production context +{PRODUCTION_STEP}"));
    }
    (score, floor, evidence)
}

impl RiskScorer for DefaultRiskScorer {
    fn name(&self) -> &str {
        "default"
    }

    fn score(&self, ctx: &ActionContext) -> RiskAssessment {
        let normalized = normalize(&ctx.function_name);
        let mut name = analyze_name(&normalized.text);
        // A generic dispatcher is as risky as the action its arguments name, never less.
        let mut dispatched_note = None;
        if let Some((key, text)) = super::names::dispatched_action(&name, &ctx.kwargs) {
            let mut inner = analyze_name(&text);
            let stronger_intent =
                inner.intent.map(|(i, _)| i.severity) > name.intent.map(|(i, _)| i.severity);
            // Only ever raises: a dispatched "get" does not make an unknown tool a read.
            let stronger_class =
                inner.class > name.class && inner.class.is_some_and(|c| c > VerbClass::Read);
            if stronger_class || stronger_intent {
                inner.sensitive = inner.sensitive.or(name.sensitive);
                inner.high_value |= name.high_value;
                inner.traffic |= name.traffic;
                inner.payee |= name.payee;
                if name.intent.map(|(i, _)| i.severity) > inner.intent.map(|(i, _)| i.severity) {
                    inner.intent = name.intent;
                }
                if inner.class < name.class {
                    inner.class = name.class;
                    inner.verb = name.verb;
                }
                for noun in &name.nouns {
                    if !inner.nouns.contains(noun) {
                        inner.nouns.push(noun);
                    }
                }
                dispatched_note = Some(format!(
                    "argument `{key}` names the action ({})",
                    crate::display::show_value(&text, 60)
                ));
                name = inner;
            }
        }
        let mut sensitivity_from_resource = false;
        if name.sensitive.is_none() {
            name.sensitive = super::names::resource_sensitivity(&ctx.kwargs);
            sensitivity_from_resource = name.sensitive.is_some();
        }
        let mut findings = Findings::default();
        let hints = ArgHints {
            push_action: name.verb == "push",
            exec_wrapper: name.exec_wrapper,
            sql_action: name.sql_action,
            money_action: name.class == Some(VerbClass::Money),
        };
        args::analyze(&ctx.args, &ctx.kwargs, hints, &mut findings);
        // What a session needs to know about this call, left for it (see `call::remember`);
        // only when the name was read as `call::profile` reads it (no dispatch, no resource
        // sensitivity), so the session sees the same profile either way.
        if dispatched_note.is_none() && !sensitivity_from_resource {
            super::call::remember(ctx, &super::call::from_analysis(&name, &findings));
        }
        super::scripts::analyze(&ctx.metadata, &mut findings);
        if name.class == Some(VerbClass::Read) && !name.exec_wrapper {
            // Reading from an ordinary outside host (fetching a page, searching the web) is a
            // read: the host is context, not a reason to ask. Raw IPs and data-drop hosts stay.
            for s in &mut findings.signals {
                if s.kind == "url" && s.severity <= 0.3 {
                    s.severity = 0.2;
                }
            }
        }
        if name.class == Some(VerbClass::Send) && findings.signals.iter().any(|s| s.kind == "url") {
            // Data leaving for an external destination; bulk objects (tables, contacts) make it
            // an exfiltration.
            let sev = if name.high_value { 0.8 } else { 0.5 };
            findings.push(args::Signal::new(
                sev,
                "exfiltration",
                format!("'{}' sends data to an external destination", name.verb),
            ));
        }

        if !findings.gate_targets.is_empty() && !name.exec_wrapper {
            // Attesta's own files and the agents' hook settings: changing them switches the gate
            // off, reading them does not. A known state-changing verb is critical; a verb we do
            // not recognise is not assumed to be a read, but is not called critical either.
            let sev = match name.class {
                Some(VerbClass::Read | VerbClass::Send | VerbClass::Money) => None,
                Some(_) => Some(args::GATE_FILE_WRITE),
                None => Some(0.6),
            };
            if let Some(sev) = sev {
                findings.push(args::Signal::new(
                    sev,
                    "gate",
                    format!(
                        "'{}' may change Attesta's own files or hook settings: {}",
                        if name.verb.is_empty() {
                            ctx.function_name.as_str()
                        } else {
                            name.verb
                        },
                        findings.gate_targets.join(", ")
                    ),
                ));
            }
        }

        // Never let an exec wrapper take a calmer class from a partly analysed command.
        let delegated = if findings.incomplete {
            None
        } else {
            findings.command_class
        };
        let mut name_f = name_factor(&name, delegated);
        if let Some(note) = dispatched_note {
            name_f.evidence = format!("{note}: {}", name_f.evidence);
        }
        let args_f = args_factor(&findings);
        let doc_f = doc_factor(ctx.function_doc.as_deref());
        let hint_f = hints_factor(&ctx.hints);
        let seen = self.observe(&ctx.function_name);
        let novelty = novelty_score(seen);

        let weighted = WEIGHT_NAME * name_f.score
            + WEIGHT_ARGS * args_f.score
            + WEIGHT_DOC * doc_f.score
            + WEIGHT_HINTS * hint_f.score
            + WEIGHT_NOVELTY * novelty;
        let production = findings.signals.iter().any(|s| s.kind == "production")
            || name
                .nouns
                .iter()
                .any(|n| matches!(*n, "production" | "prod" | "prd" | "live"))
            || hint_f.production
            // A declared production environment can only make the action more serious.
            || ctx
                .environment
                .as_deref()
                .is_some_and(|e| super::normalize_environment(e) == "production");
        let normalisation_sev = normalized.finding.as_ref().map_or(0.0, |(s, _)| *s);
        let (score, floor, floor_evidence) = combine(
            weighted,
            &[
                ("function_name", name_f.severity),
                ("name_normalisation", normalisation_sev),
                ("arguments", args_f.severity),
                ("docstring", doc_f.severity),
                ("hints", hint_f.severity),
            ],
            production,
        );

        let novelty_evidence = match seen {
            0 => "first call of this action".to_owned(),
            n => format!("seen {n} time{} before", if n == 1 { "" } else { "s" }),
        };
        let mut factors = vec![
            RiskFactor::new("function_name", name_f.score, WEIGHT_NAME, name_f.evidence),
            RiskFactor::new("arguments", args_f.score, WEIGHT_ARGS, args_f.evidence),
            RiskFactor::new("docstring", doc_f.score, WEIGHT_DOC, doc_f.evidence),
            RiskFactor::new("hints", hint_f.score, WEIGHT_HINTS, hint_f.evidence),
            RiskFactor::new("novelty", novelty, WEIGHT_NOVELTY, novelty_evidence),
        ];
        if let Some((sev, why)) = normalized.finding {
            factors.push(RiskFactor::new("name_normalisation", sev, 0.0, why));
        }
        if score > weighted + 1e-12 {
            let mut lift = RiskFactor::new("severity_floor", floor, 1.0, floor_evidence);
            // What the floor added beyond the weighted sum.
            lift.contribution = score - weighted;
            factors.push(lift);
        }
        RiskAssessment::from_score(score, "default", factors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::RiskLevel;
    use serde_json::json;

    fn level_of(ctx: ActionContext) -> (RiskLevel, f64) {
        let a = DefaultRiskScorer::new().score(&ctx);
        (a.level, a.score)
    }

    #[test]
    fn name_analysis_understands_styles() {
        assert_eq!(analyze_name("HTTPDelete").class, Some(VerbClass::Destroy));
        assert_eq!(
            analyze_name("BankManagerPayBill").class,
            Some(VerbClass::Money)
        );
        assert_eq!(
            analyze_name("mcp__fs__write_file").class,
            Some(VerbClass::Write)
        );
        assert_eq!(
            analyze_name("get_transfer_status").class,
            Some(VerbClass::Read)
        );
        assert_eq!(
            analyze_name("create_and_delete").class,
            Some(VerbClass::Destroy)
        );
        assert_eq!(
            analyze_name("unlock_front_door").class,
            Some(VerbClass::Privilege)
        );
        assert_eq!(
            analyze_name("open_garage_door").class,
            Some(VerbClass::Privilege)
        );
        assert_eq!(analyze_name("format_disk").class, Some(VerbClass::Destroy));
        assert_eq!(analyze_name("format_date").class, Some(VerbClass::Write));
        assert!(analyze_name("Bash").exec_wrapper);
        assert!(analyze_name("run_shell_command").exec_wrapper);
        assert!(
            !analyze_name("run_payroll").exec_wrapper
                || analyze_name("run_payroll").class == Some(VerbClass::Exec)
        );
        assert_eq!(
            analyze_name("undelete_file").class,
            Some(VerbClass::Write),
            "undelete is its own word"
        );
        assert!(analyze_name("drop_database").high_value);
        assert!(
            !analyze_name("mcp__filesystem__delete_file").high_value,
            "server names are namespaces"
        );
        assert_eq!(
            analyze_name("factory_reset_device").class,
            Some(VerbClass::Destroy)
        );
        assert_eq!(
            analyze_name("aws_kms_schedule_key_deletion").class,
            Some(VerbClass::Destroy)
        );
        assert_eq!(analyze_name("export_table").class, Some(VerbClass::Send));
    }

    #[test]
    fn severe_single_signals_are_not_diluted() {
        assert_eq!(
            level_of(ActionContext::new("run_command").with_kwarg("cmd", "rm -rf /")).0,
            RiskLevel::Critical
        );
        assert_eq!(
            level_of(ActionContext::new("execute_sql").with_kwarg("query", "DROP TABLE users")).0,
            RiskLevel::Critical
        );
        assert_eq!(
            level_of(ActionContext::new("list_files").with_arg("rm -rf /")).0,
            RiskLevel::Critical
        );
    }

    #[test]
    fn safe_reads_are_low_on_first_call() {
        assert_eq!(
            level_of(ActionContext::new("read_file").with_kwarg("path", "src/main.rs")).0,
            RiskLevel::Low
        );
        assert_eq!(
            level_of(ActionContext::new("list_issues")).0,
            RiskLevel::Low
        );
        assert_eq!(
            level_of(ActionContext::new("Bash").with_kwarg("command", "git status")).0,
            RiskLevel::Low
        );
    }

    #[test]
    fn calming_docstrings_do_not_lower() {
        let plain = level_of(ActionContext::new("delete_file").with_kwarg("path", "a.txt")).1;
        let calm = level_of(
            ActionContext::new("delete_file")
                .with_kwarg("path", "a.txt")
                .with_doc("Completely safe, harmless, read-only helper."),
        )
        .1;
        assert!(calm >= plain);
    }

    #[test]
    fn hints_only_raise() {
        let base = ActionContext::new("update_record").with_kwarg("id", 3);
        let s0 = level_of(base.clone()).1;
        for (k, v) in [
            ("production", json!(true)),
            ("safe", json!(true)),
            ("production", json!(false)),
            ("risk", json!(0.0)),
            ("records_affected", json!(50_000)),
        ] {
            let s1 = level_of(base.clone().with_hint(k, v.clone())).1;
            assert!(s1 >= s0, "hint {k}={v} lowered {s0} to {s1}");
        }
        assert!(level_of(base.with_hint("records_affected", 500_000)).1 > s0);
    }

    #[test]
    fn novelty_falls_with_familiarity() {
        let scorer = DefaultRiskScorer::new();
        let ctx = ActionContext::new("create_issue").with_kwarg("title", "bug");
        let first = scorer.score(&ctx).score;
        for _ in 0..20 {
            scorer.score(&ctx);
        }
        let later = scorer.score(&ctx).score;
        assert!(later < first);
        assert_eq!(scorer.times_seen("create_issue"), 22);
        let nov = scorer
            .score(&ctx)
            .factors
            .iter()
            .find(|f| f.name == "novelty")
            .map(|f| f.score);
        assert!(nov.is_some_and(|n| n < 0.3));
    }

    #[test]
    fn every_factor_has_evidence() {
        let a = DefaultRiskScorer::new().score(
            &ActionContext::new("transfer_funds")
                .with_kwarg("amount", 50_000)
                .with_kwarg("currency", "USD"),
        );
        assert_eq!(a.scorer, "default");
        assert!(a.factors.iter().all(|f| !f.evidence.is_empty()));
        assert_eq!(a.level, RiskLevel::Critical);
    }
}
