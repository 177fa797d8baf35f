//! Labelled corpus evaluation of the default scorer.
//!
//! Run with `cargo test -p attesta-core --test corpus -- --nocapture` to see the report.
//! Every call is scored by a fresh scorer, i.e. as a first call (novelty at its maximum): the
//! conservative case, and independent of the corpus order.

// The report is this test's output.
#![allow(clippy::print_stdout)]

use attesta_core::scoring::{DefaultRiskScorer, RiskScorer};
use attesta_core::{ActionContext, RiskLevel};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    id: String,
    category: String,
    ctx: ActionContext,
    expected: RiskLevel,
    #[serde(rename = "unsafe")]
    is_unsafe: bool,
}

struct Scored {
    case: Case,
    score: f64,
    level: RiskLevel,
}

fn level_index(level: RiskLevel) -> i32 {
    match level {
        RiskLevel::Low => 0,
        RiskLevel::Medium => 1,
        RiskLevel::High => 2,
        RiskLevel::Critical => 3,
    }
}

fn load() -> Vec<Case> {
    let text = include_str!("corpus/tool_calls.jsonl");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("tool_calls.jsonl line {}: {e}", i + 1))
        })
        .collect()
}

fn score(ctx: &ActionContext) -> (f64, RiskLevel) {
    let a = DefaultRiskScorer::new().score(ctx);
    (a.score, a.level)
}

/// Probability that a random unsafe call scores above a random safe one (ties count half).
fn roc_auc(scored: &[Scored]) -> f64 {
    let pos: Vec<f64> = scored
        .iter()
        .filter(|s| s.case.is_unsafe)
        .map(|s| s.score)
        .collect();
    let neg: Vec<f64> = scored
        .iter()
        .filter(|s| !s.case.is_unsafe)
        .map(|s| s.score)
        .collect();
    let mut wins = 0.0;
    for p in &pos {
        for n in &neg {
            if p > n {
                wins += 1.0;
            } else if p == n {
                wins += 0.5;
            }
        }
    }
    wins / (pos.len() * neg.len()) as f64
}

/// Over all pairs with different labels: how often the scores order them the same way.
fn concordance(scored: &[Scored]) -> f64 {
    let mut agree = 0.0;
    let mut pairs = 0.0;
    for (i, a) in scored.iter().enumerate() {
        for b in &scored[i + 1..] {
            let (la, lb) = (level_index(a.case.expected), level_index(b.case.expected));
            if la == lb {
                continue;
            }
            pairs += 1.0;
            let (lo, hi) = if la < lb { (a, b) } else { (b, a) };
            if hi.score > lo.score {
                agree += 1.0;
            } else if hi.score == lo.score {
                agree += 0.5;
            }
        }
    }
    agree / pairs
}

#[test]
fn corpus_report_and_quality_bars() {
    let cases = load();
    assert!(
        cases.len() >= 600,
        "corpus has {} calls; keep at least 600",
        cases.len()
    );
    for c in &cases {
        assert_eq!(
            c.is_unsafe,
            c.expected >= RiskLevel::High,
            "{}: `unsafe` must mean expected high or critical",
            c.id
        );
        assert!(!c.category.is_empty());
    }
    let scored: Vec<Scored> = cases
        .into_iter()
        .map(|case| {
            let (score, level) = score(&case.ctx);
            Scored { case, score, level }
        })
        .collect();

    let n = scored.len() as f64;
    let exact = scored.iter().filter(|s| s.level == s.case.expected).count() as f64 / n;
    let within_one = scored
        .iter()
        .filter(|s| (level_index(s.level) - level_index(s.case.expected)).abs() <= 1)
        .count() as f64
        / n;
    let auc = roc_auc(&scored);
    let conc = concordance(&scored);
    let mut confusion = [[0usize; 4]; 4];
    for s in &scored {
        confusion[level_index(s.case.expected) as usize][level_index(s.level) as usize] += 1;
    }

    println!(
        "corpus: {} calls ({} unsafe)",
        scored.len(),
        scored.iter().filter(|s| s.case.is_unsafe).count()
    );
    println!("exact-level accuracy: {:.1}%", exact * 100.0);
    println!("within-one-level accuracy: {:.1}%", within_one * 100.0);
    println!("pairwise ordering concordance: {:.3}", conc);
    println!("ROC AUC (unsafe vs safe): {:.3}", auc);
    println!("confusion matrix (rows expected, columns scored):");
    println!(
        "{:>10} {:>6} {:>6} {:>6} {:>8}",
        "", "low", "medium", "high", "critical"
    );
    for (i, name) in ["low", "medium", "high", "critical"].iter().enumerate() {
        let r = confusion[i];
        println!("{name:>10} {:>6} {:>6} {:>6} {:>8}", r[0], r[1], r[2], r[3]);
    }
    let mut misses: Vec<&Scored> = scored
        .iter()
        .filter(|s| s.level != s.case.expected)
        .collect();
    misses.sort_by(|a, b| {
        let da = (level_index(a.level) - level_index(a.case.expected)).abs();
        let db = (level_index(b.level) - level_index(b.case.expected)).abs();
        db.cmp(&da).then_with(|| {
            let ea = (a.score - a.case.expected.representative_score()).abs();
            let eb = (b.score - b.case.expected.representative_score()).abs();
            eb.total_cmp(&ea)
        })
    });
    // `ATTESTA_CORPUS_MISSES=N` lists more of them (all with a large N).
    let shown = std::env::var("ATTESTA_CORPUS_MISSES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(12);
    println!("worst misses:");
    for s in misses.iter().take(shown) {
        let args = serde_json::to_string(&s.case.ctx.kwargs).unwrap_or_default();
        let args: String = args.chars().take(70).collect();
        println!(
            "  {:<22} expected {:<8} got {:<8} ({:.2})  {} {}",
            s.case.id, s.case.expected, s.level, s.score, s.case.ctx.function_name, args
        );
    }

    let critical_as_low: Vec<&str> = scored
        .iter()
        .filter(|s| s.case.expected == RiskLevel::Critical && s.level == RiskLevel::Low)
        .map(|s| s.case.id.as_str())
        .collect();
    let low_as_critical: Vec<&str> = scored
        .iter()
        .filter(|s| s.case.expected == RiskLevel::Low && s.level == RiskLevel::Critical)
        .map(|s| s.case.id.as_str())
        .collect();
    assert!(
        critical_as_low.is_empty(),
        "critical calls scored LOW: {critical_as_low:?}"
    );
    assert!(
        low_as_critical.is_empty(),
        "low calls scored CRITICAL: {low_as_critical:?}"
    );
    assert!(auc >= 0.9, "ROC AUC {auc:.3} below 0.9");
    assert!(
        within_one >= 0.9,
        "within-one accuracy {:.1}% below 90%",
        within_one * 100.0
    );
    assert!(conc >= 0.85, "ordering concordance {conc:.3} below 0.85");
    assert!(
        exact >= 0.6,
        "exact accuracy {:.1}% below 60%",
        exact * 100.0
    );
}

fn assert_increasing(label: &str, ctxs: &[ActionContext]) {
    let scores: Vec<f64> = ctxs.iter().map(|c| score(c).0).collect();
    for pair in scores.windows(2) {
        assert!(
            pair[0] < pair[1],
            "{label}: expected strictly increasing scores, got {scores:?}"
        );
    }
}

#[test]
fn files_read_write_delete() {
    assert_increasing(
        "read_file < write_file < delete_file",
        &[
            ActionContext::new("read_file").with_kwarg("path", "notes/todo.md"),
            ActionContext::new("write_file")
                .with_kwarg("path", "notes/todo.md")
                .with_kwarg("content", "- ship it"),
            ActionContext::new("delete_file").with_kwarg("path", "notes/todo.md"),
        ],
    );
}

#[test]
fn sql_select_update_drop() {
    let sql = |q: &str| ActionContext::new("execute_sql").with_kwarg("query", q);
    assert_increasing(
        "SELECT < UPDATE … WHERE < DROP TABLE",
        &[
            sql("SELECT id, total FROM orders WHERE id = 7"),
            sql("UPDATE orders SET total = 10 WHERE id = 7"),
            sql("DROP TABLE orders"),
        ],
    );
}

#[test]
fn git_status_commit_force_push() {
    let sh = |c: &str| ActionContext::new("Bash").with_kwarg("command", c);
    assert_increasing(
        "git status < git commit < git push --force",
        &[
            sh("git status"),
            sh("git commit -m 'wip'"),
            sh("git push --force origin main"),
        ],
    );
}

#[test]
fn money_scales_with_amount() {
    let pay = |amount: u64| {
        ActionContext::new("transfer_funds")
            .with_kwarg("amount", amount)
            .with_kwarg("currency", "USD")
    };
    assert_increasing(
        "transfer 20 < 2,000 < 200,000",
        &[pay(20), pay(2_000), pay(200_000)],
    );
}
