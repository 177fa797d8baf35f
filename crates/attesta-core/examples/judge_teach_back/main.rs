//! Judges teach-back sets with the shipped rules and weights, as a new blind set is measured on
//! arrival (before anything is learned from it):
//!
//! ```text
//! cargo run --release -p attesta-core --example judge_teach_back -- sets/*.jsonl   # per set
//! cargo run --release -p attesta-core --example judge_teach_back < cases.jsonl     # per case
//! ```
//!
//! Each line is `{"ctx": …, "explanation": "…", "expected": true|false}`; per set it prints
//! honest accepted / fakes rejected (%) by the rules alone and by the built-in validator, per
//! case the built-in verdict and the rules' reason.

#![allow(clippy::print_stdout)]

#[path = "../train_teach_back_model/trainer.rs"]
#[allow(dead_code)]
mod trainer;

use std::io::BufRead;

use attesta_core::ActionContext;
use attesta_core::challenge::{Expected, Response, check, rules_verdict};

/// The rules' reason (none: they accept) and the built-in verdict for one case.
fn judge(line: &str) -> Result<Option<(bool, Option<String>, bool)>, String> {
    let case: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let ctx: ActionContext =
        serde_json::from_value(case["ctx"].clone()).map_err(|e| e.to_string())?;
    let text = case["explanation"]
        .as_str()
        .ok_or("the case has no explanation")?;
    let fake = case["expected"].as_bool() == Some(false);
    let key = trainer::answer_key(&ctx);
    let Expected::TeachBack(k) = &key.expected else {
        return Ok(None);
    };
    let passed = check(&key, &Response::TeachBack(text.to_owned()), f64::MAX, &[])
        .map_err(|e| e.to_string())?
        .passed;
    Ok(Some((fake, rules_verdict(k, text), passed)))
}

fn pct(ok: usize, all: usize) -> f64 {
    100.0 * ok as f64 / all.max(1) as f64
}

/// [honest, honest accepted by the rules, by the built-in, fakes, rejected by the rules, by
/// the built-in].
fn line(name: &str, c: &[usize; 6]) {
    println!(
        "{name}: rules {:.1} / {:.1} → built-in {:.1} / {:.1}  ({} cases)",
        pct(c[1], c[0]),
        pct(c[4], c[3]),
        pct(c[2], c[0]),
        pct(c[5], c[3]),
        c[0] + c[3]
    );
}

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        for (n, l) in std::io::stdin().lock().lines().enumerate() {
            let Ok(l) = l else { break };
            match judge(&l) {
                Ok(Some((_, reason, passed))) => {
                    let verdict = if passed { "accepted" } else { "rejected" };
                    println!("{verdict} (rules: {})", reason.as_deref().unwrap_or("accept"));
                }
                Ok(None) => println!("no teach-back for this action"),
                Err(e) if l.trim().is_empty() => drop(e),
                Err(e) => println!("line {}: {e}", n + 1),
            }
        }
        return;
    }
    let mut all = [0usize; 6];
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                println!("{file}: {e}");
                continue;
            }
        };
        let mut c = [0usize; 6];
        for (n, l) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            match judge(l) {
                Ok(Some((fake, reason, passed))) => {
                    let o = if fake { 3 } else { 0 };
                    c[o] += 1;
                    c[o + 1] += usize::from(reason.is_none() != fake);
                    c[o + 2] += usize::from(passed != fake);
                }
                Ok(None) => {}
                Err(e) => println!("{file}:{}: {e}", n + 1),
            }
        }
        line(file, &c);
        for (a, b) in all.iter_mut().zip(c) {
            *a += b;
        }
    }
    if files.len() > 1 {
        line("all", &all);
    }
}
