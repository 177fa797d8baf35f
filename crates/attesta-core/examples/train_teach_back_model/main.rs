//! Learns the weights of the teach-back second reading (`src/challenge/teach_back_model.tsv`)
//! from the teach-back corpora, and measures it honestly: each blind set in turn is left out of
//! training and judged by the rules plus a model that never saw it.
//!
//! ```text
//! cargo run --release -p attesta-core --example train_teach_back_model              # measure
//! cargo run --release -p attesta-core --example train_teach_back_model -- --write   # and write
//! cargo run --release -p attesta-core --example train_teach_back_model -- --show    # honest ones it rejects
//! cargo run --release -p attesta-core --example train_teach_back_model -- --reasons # per rule
//! cargo run --release -p attesta-core --example train_teach_back_model -- --hard    # honest ones value rules reject
//! cargo run --release -p attesta-core --example train_teach_back_model -- --styles  # per style of explanation
//! cargo run --release -p attesta-core --example train_teach_back_model -- --fakes   # fakes it accepts
//! ```

#![allow(clippy::print_stdout)]

mod trainer;

use std::collections::BTreeMap;
use std::path::Path;

use attesta_core::challenge::{FAKE_THRESHOLD, OVERRULE_THRESHOLD, overrulable, reason_class};

/// Counts of a verdict: [honest accepted, honest, fakes rejected, fakes].
type Counts = [usize; 4];

fn add(counts: &mut Counts, fake: bool, accept: bool) {
    let slot = if fake { 2 } else { 0 };
    counts[slot + 1] += 1;
    counts[slot] += usize::from(accept != fake);
}

fn pct(ok: usize, all: usize) -> f64 {
    100.0 * ok as f64 / all.max(1) as f64
}

fn rates(c: &Counts) -> String {
    format!("{:5.1} / {:5.1}", pct(c[0], c[1]), pct(c[2], c[3]))
}

/// The built-in verdict: the rules, a rejection above `reject` for what they accept, and an
/// overruled doubt at or below `overrule`.
fn accept(e: &trainer::Example, p: f64, reject: f64, overrule: f64) -> bool {
    if e.rules_accept {
        p <= reject
    } else {
        overrulable(&e.reason) && p <= overrule
    }
}

fn main() {
    let write = std::env::args().any(|a| a == "--write");
    let show = std::env::args().any(|a| a == "--show");
    let reasons = std::env::args().any(|a| a == "--reasons");
    let hard = std::env::args().any(|a| a == "--hard");
    let styles = std::env::args().any(|a| a == "--styles");
    let fakes = std::env::args().any(|a| a == "--fakes");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = trainer::load(root);
    let dims = corpus.names.len();
    println!(
        "{} explanations in {} corpora, {} features kept of {dims}",
        corpus.examples.len(),
        corpus.files,
        corpus
            .docs
            .iter()
            .filter(|d| **d >= trainer::MIN_DOCS)
            .count()
    );

    // Each blind set judged by a model trained without it.
    let rejects = [0.5, 0.6, 0.7, 0.8, 0.9];
    let overrules = [0.0, 0.1, 0.2, 0.3];
    let mut grid = vec![[0usize; 4]; rejects.len() * overrules.len()];
    let mut per_set: BTreeMap<String, (Counts, Counts)> = BTreeMap::new();
    // Per rule reason: [honest, fakes, honest overruled, fakes overruled].
    let mut by_reason: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    // Per style of explanation: (fake, style) → [judged right by the rules, by the built-in, all].
    let mut by_style: BTreeMap<(bool, String), [usize; 3]> = BTreeMap::new();
    let mut sets: Vec<&str> = corpus.examples.iter().map(|e| e.set.as_str()).collect();
    sets.dedup();
    for set in sets.iter().filter(|s| s.contains("heldout")) {
        let rest: Vec<&trainer::Example> =
            corpus.examples.iter().filter(|e| e.set != *set).collect();
        let w = trainer::train(&rest, dims);
        let (rules, built_in) = per_set.entry((*set).to_owned()).or_default();
        for e in corpus.examples.iter().filter(|e| e.set == *set) {
            let p = trainer::chance(&w, e);
            for (a, reject) in rejects.iter().enumerate() {
                for (b, overrule) in overrules.iter().enumerate() {
                    add(
                        &mut grid[a * overrules.len() + b],
                        e.fake,
                        accept(e, p, *reject, *overrule),
                    );
                }
            }
            let verdict = accept(e, p, FAKE_THRESHOLD, OVERRULE_THRESHOLD);
            add(rules, e.fake, e.rules_accept);
            let s = by_style.entry((e.fake, e.style.clone())).or_default();
            s[0] += usize::from(e.rules_accept != e.fake);
            s[1] += usize::from(verdict != e.fake);
            s[2] += 1;
            add(built_in, e.fake, verdict);
            if !e.rules_accept {
                let r = by_reason
                    .entry(reason_class(&e.reason).to_owned())
                    .or_default();
                r[usize::from(e.fake)] += 1;
                r[2 + usize::from(e.fake)] += usize::from(verdict);
            }
            if hard && !e.fake && !e.rules_accept && !overrulable(&e.reason) {
                println!(
                    "  honest rejected by a rule that is never overruled [{}] {}",
                    reason_class(&e.reason),
                    e.text
                );
            }
            if fakes && verdict && e.fake {
                println!("  fake accepted {p:.2} [{}] {}", e.style, e.text);
            }
            if show && !verdict && !e.fake && (e.rules_accept || overrulable(&e.reason)) {
                let mut top: Vec<(f64, &str)> = e
                    .features
                    .iter()
                    .map(|(j, x)| (w[j + 1] * x, corpus.names[*j].as_str()))
                    .collect();
                top.sort_by(|a, b| b.0.total_cmp(&a.0));
                let top: Vec<String> = top
                    .iter()
                    .take(4)
                    .map(|(v, n)| format!("{n}={v:.2}"))
                    .collect();
                println!("  honest rejected {p:.2} {} | {}", top.join(" "), e.text);
            }
        }
    }
    println!(
        "each blind set left out of training, honest accepted / fakes rejected \
         (rules alone → built-in: rejected above {FAKE_THRESHOLD}, doubts overruled at or \
         below {OVERRULE_THRESHOLD}):"
    );
    for (set, (rules, built_in)) in &per_set {
        println!(
            "  {set:<22} {}  →  {}  ({} cases)",
            rates(rules),
            rates(built_in),
            built_in[1] + built_in[3]
        );
    }
    let total = |pick: fn(&(Counts, Counts)) -> &Counts| {
        per_set.values().fold([0; 4], |mut a, c| {
            for (x, y) in a.iter_mut().zip(pick(c)) {
                *x += y;
            }
            a
        })
    };
    println!("all blind sets, rules alone: {}", rates(&total(|c| &c.0)));
    println!("all blind sets, built-in:    {}", rates(&total(|c| &c.1)));
    println!("rejected above / doubts overruled at or below:");
    for (a, reject) in rejects.iter().enumerate() {
        let row: Vec<String> = overrules
            .iter()
            .enumerate()
            .map(|(b, o)| format!("{o}: {}", rates(&grid[a * overrules.len() + b])))
            .collect();
        println!("  {reject}  {}", row.join("  "));
    }
    if reasons {
        println!(
            "rules' reasons: honest / fakes rejected by the rules, of them accepted in the end"
        );
        for (class, r) in &by_reason {
            println!("  {:5} {:5}  {:5} {:5}  {class}", r[0], r[1], r[2], r[3]);
        }
    }
    if styles {
        println!("per style (honest, then fakes): judged right by the rules → built-in, of all");
        for ((fake, style), s) in by_style.iter().filter(|(_, s)| s[2] >= 20) {
            let kind = if *fake { "fake" } else { "honest" };
            println!(
                "  {kind:<6} {style:<20} {:5.1} → {:5.1} %  of {}",
                pct(s[0], s[2]),
                pct(s[1], s[2]),
                s[2]
            );
        }
    }

    if write {
        let all: Vec<&trainer::Example> = corpus.examples.iter().collect();
        let w = trainer::train(&all, dims);
        let path = root.join("src/challenge/teach_back_model.tsv");
        std::fs::write(&path, trainer::weights_file(&corpus, &w)).expect("weights written");
        println!("wrote {}", path.display());
    }
}
