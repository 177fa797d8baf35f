//! The teach-back second reading's weights (`src/challenge/teach_back_model.tsv`) are what the
//! training program learns from the corpora in `tests/corpus` and the rules' verdicts on them
//! (a rule's reason is one of the features): a corpus or a rule changed without retraining, or a
//! weight edited by hand, fails here. Retrain with
//! `cargo run --release -p attesta-core --example train_teach_back_model -- --write`.

use std::collections::BTreeMap;
use std::path::Path;

#[allow(dead_code)]
#[path = "../examples/train_teach_back_model/trainer.rs"]
mod trainer;

fn weights(file: &str) -> BTreeMap<String, f64> {
    file.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.rsplit_once('\t'))
        .map(|(n, w)| (n.to_owned(), w.parse().expect("a number")))
        .collect()
}

#[test]
fn the_shipped_weights_are_learned_from_the_corpora() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = trainer::load(root);
    let all: Vec<&trainer::Example> = corpus.examples.iter().collect();
    let learned = weights(&trainer::weights_file(
        &corpus,
        &trainer::train(&all, corpus.names.len()),
    ));
    let shipped = weights(include_str!("../src/challenge/teach_back_model.tsv"));
    assert!(learned.len() > 1000, "{} weights", learned.len());
    // Weights under 0.005 are left out of the file; rounding to four places differs by 1e-4.
    let mut off = Vec::new();
    for name in learned.keys().chain(shipped.keys()) {
        let (a, b) = (
            learned.get(name).copied().unwrap_or(0.0),
            shipped.get(name).copied().unwrap_or(0.0),
        );
        if (a - b).abs() > 0.006 {
            off.push(format!("{name}: learned {a}, shipped {b}"));
        }
    }
    assert!(
        off.is_empty(),
        "the weights are not those learned from the corpora; retrain (see the top of this file): {} differ, e.g. {:?}",
        off.len(),
        &off[..off.len().min(5)]
    );
}
