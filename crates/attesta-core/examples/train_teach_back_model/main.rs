//! Learns the weights of the teach-back second reading (`src/challenge/teach_back_model.tsv`)
//! from the teach-back corpora, and measures it honestly: each blind set in turn is left out of
//! training and judged by the rules plus a model that never saw it.
//!
//! ```text
//! cargo run --release -p attesta-core --example train_teach_back_model            # measure
//! cargo run --release -p attesta-core --example train_teach_back_model -- --write # and write
//! cargo run --release -p attesta-core --example train_teach_back_model -- --show  # honest ones it rejects
//! ```

#![allow(clippy::print_stdout)]

mod trainer;

use std::collections::BTreeMap;
use std::path::Path;

use attesta_core::challenge::FAKE_THRESHOLD;

fn main() {
    let write = std::env::args().any(|a| a == "--write");
    let show = std::env::args().any(|a| a == "--show");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = trainer::load(root, true);
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

    // Each blind set judged by a model trained without it: [honest ok, honest, fakes ok, fakes].
    let thresholds = [0.5, 0.7, 0.8, 0.85, 0.9, 0.95];
    let mut per_set: BTreeMap<String, [usize; 6]> = BTreeMap::new();
    let mut per_threshold = vec![[0usize; 4]; thresholds.len()];
    let mut sets: Vec<&str> = corpus.examples.iter().map(|e| e.set.as_str()).collect();
    sets.dedup();
    for set in sets.iter().filter(|s| s.contains("heldout")) {
        let rest: Vec<&trainer::Example> =
            corpus.examples.iter().filter(|e| e.set != *set).collect();
        let w = trainer::train(&rest, dims);
        let counts = per_set.entry((*set).to_owned()).or_default();
        for e in corpus.examples.iter().filter(|e| e.set == *set) {
            let p = trainer::chance(&w, e);
            let slot = if e.fake { 2 } else { 0 };
            for (t, threshold) in thresholds.iter().enumerate() {
                let accept = e.rules_accept && p <= *threshold;
                per_threshold[t][slot + 1] += 1;
                per_threshold[t][slot] += usize::from(accept != e.fake);
            }
            let accept = e.rules_accept && p <= FAKE_THRESHOLD;
            counts[slot + 1] += 1;
            counts[slot] += usize::from(accept != e.fake);
            counts[4 + usize::from(e.fake)] += usize::from(e.rules_accept != e.fake);
            if show && e.rules_accept && !accept && !e.fake {
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
    let pct = |ok: usize, all: usize| 100.0 * ok as f64 / all.max(1) as f64;
    println!(
        "each blind set left out of training, honest accepted / fakes rejected \
         (rules alone → rules and second reading above {FAKE_THRESHOLD}):"
    );
    for (set, c) in &per_set {
        println!(
            "  {set:<22} {:5.1} / {:5.1}  →  {:5.1} / {:5.1}  ({} cases)",
            pct(c[4], c[1]),
            pct(c[5], c[3]),
            pct(c[0], c[1]),
            pct(c[2], c[3]),
            c[1] + c[3]
        );
    }
    let rules: [usize; 4] = per_set.values().fold([0; 4], |mut a, c| {
        a[0] += c[4];
        a[1] += c[1];
        a[2] += c[5];
        a[3] += c[3];
        a
    });
    println!(
        "all blind sets, rules alone: {:.1} % / {:.1} %",
        pct(rules[0], rules[1]),
        pct(rules[2], rules[3])
    );
    for (t, threshold) in thresholds.iter().enumerate() {
        let c = per_threshold[t];
        println!(
            "all blind sets, rules and second reading above {threshold}: {:.1} % / {:.1} %",
            pct(c[0], c[1]),
            pct(c[2], c[3])
        );
    }

    if write {
        let all: Vec<&trainer::Example> = corpus.examples.iter().collect();
        let w = trainer::train(&all, dims);
        let path = root.join("src/challenge/teach_back_model.tsv");
        std::fs::write(&path, trainer::weights_file(&corpus, &w)).expect("weights written");
        println!("wrote {}", path.display());
    }
}
