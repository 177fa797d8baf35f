//! Learning the teach-back second reading: logistic regression with L2 regularisation, trained
//! by AdaGrad over the corpora in a fixed order (the same corpora give the same weights), both
//! classes weighted equally; features seen in only one explanation are dropped.
//! Shared by the training program and the test that the shipped weights are up to date.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use attesta_core::challenge::{
    AnswerKey, ChallengeOptions, Expected, generate, rules_verdict, teach_back_features,
};
use attesta_core::scoring::{DefaultRiskScorer, RiskScorer};
use attesta_core::{ActionContext, ChallengeType};
use serde::Deserialize;

const EPOCHS: usize = 12;
const RATE: f64 = 0.2;
const L2: f64 = 1e-4;
pub const MIN_DOCS: usize = 2;

#[derive(Deserialize)]
struct Case {
    ctx: ActionContext,
    explanation: String,
    expected: bool,
    #[serde(default)]
    style: String,
}

pub struct Example {
    /// The corpus file it comes from (`teach_back_heldout12`).
    pub set: String,
    pub features: Vec<(usize, f64)>,
    pub fake: bool,
    /// Whether the rules alone accept it.
    pub rules_accept: bool,
    /// The rules' reason for rejecting it (empty when they accept).
    pub reason: String,
    pub text: String,
    /// How the corpus writer labelled it (`wrong-amount`, `casual`, …).
    pub style: String,
}

pub struct Corpus {
    pub examples: Vec<Example>,
    pub names: Vec<String>,
    /// In how many explanations each feature occurs.
    pub docs: Vec<usize>,
    pub files: usize,
}

/// The teach-back answer key of an action, scored by the default scorer.
pub fn answer_key(ctx: &ActionContext) -> AnswerKey {
    let assessment = DefaultRiskScorer::new().score(ctx);
    generate(
        ctx,
        &assessment,
        &ChallengeOptions::new(ChallengeType::TeachBack, 1),
    )
    .1
}

/// The teach-back corpora of the crate, in name order.
pub fn corpus_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("tests/corpus"))
        .expect("corpus folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("teach_back") && n.ends_with(".jsonl"))
        })
        .collect();
    files.sort();
    files
}

/// Every explanation of the corpora with its features (numbered in order of first sight) and the
/// rules' verdict.
pub fn load(root: &Path) -> Corpus {
    let files = corpus_files(root);
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut docs: Vec<usize> = Vec::new();
    let mut examples = Vec::new();
    for file in &files {
        let set = file
            .file_stem()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let text = std::fs::read_to_string(file).expect("readable corpus");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let case: Case = serde_json::from_str(line).expect("valid case");
            let key = answer_key(&case.ctx);
            let Expected::TeachBack(k) = &key.expected else {
                continue;
            };
            // The rules' verdict (without the second reading); their reason is a feature.
            let reason = rules_verdict(k, &case.explanation).unwrap_or_default();
            let rules_accept = reason.is_empty();
            let named = teach_back_features(
                k,
                &case.explanation,
                (!reason.is_empty()).then_some(reason.as_str()),
            );
            let features = named
                .into_iter()
                .map(|(name, x)| {
                    let j = *index.entry(name.clone()).or_insert_with(|| {
                        names.push(name);
                        docs.push(0);
                        names.len() - 1
                    });
                    docs[j] += 1;
                    (j, x)
                })
                .collect();
            examples.push(Example {
                set: set.clone(),
                features,
                fake: !case.expected,
                rules_accept,
                reason,
                text: case.explanation,
                style: case.style,
            });
        }
    }
    for e in &mut examples {
        e.features
            .retain(|(j, _)| docs[*j] >= MIN_DOCS || names[*j].starts_with("n:"));
    }
    Corpus {
        examples,
        names,
        docs,
        files: files.len(),
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Weights (index 0 is the bias) learned from `train`.
pub fn train(examples: &[&Example], dims: usize) -> Vec<f64> {
    let mut w = vec![0.0; dims + 1];
    let mut g2 = vec![1e-8; dims + 1];
    let fakes = examples.iter().filter(|e| e.fake).count().max(1) as f64;
    let honest = (examples.len() as f64 - fakes).max(1.0);
    let total = examples.len() as f64;
    // A fixed shuffle (a linear congruential walk) so runs are reproducible.
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut state: u64 = 0x5eed;
    for i in (1..order.len()).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        order.swap(i, (state >> 33) as usize % (i + 1));
    }
    for _ in 0..EPOCHS {
        for &i in &order {
            let e = examples[i];
            let weight = if e.fake {
                total / (2.0 * fakes)
            } else {
                total / (2.0 * honest)
            };
            let err = (chance(&w, e) - if e.fake { 1.0 } else { 0.0 }) * weight;
            g2[0] += err * err;
            w[0] -= RATE * err / g2[0].sqrt();
            for &(j, x) in &e.features {
                let g = err * x + L2 * w[j + 1];
                g2[j + 1] += g * g;
                w[j + 1] -= RATE * g / g2[j + 1].sqrt();
            }
        }
    }
    w
}

/// The model's estimated chance that `e` is a fake.
pub fn chance(w: &[f64], e: &Example) -> f64 {
    let mut z = w[0];
    for &(j, x) in &e.features {
        z += w[j + 1] * x;
    }
    sigmoid(z)
}

/// The weights file (`src/challenge/teach_back_model.tsv`) for weights `w`.
pub fn weights_file(corpus: &Corpus, w: &[f64]) -> String {
    let mut out = String::from(
        "# Weights of the teach-back second reading (src/challenge/second_reading.rs).\n\
         # Made by `cargo run --release -p attesta-core --example train_teach_back_model -- --write`\n\
         # from tests/corpus/teach_back*.jsonl; do not edit by hand.\n",
    );
    out.push_str(&format!("bias\t{:.4}\n", w[0]));
    let mut rows: Vec<(&String, f64)> = corpus
        .names
        .iter()
        .enumerate()
        .filter(|(j, n)| corpus.docs[*j] >= MIN_DOCS || n.starts_with("n:"))
        .map(|(j, n)| (n, w[j + 1]))
        .filter(|(_, x)| x.abs() >= 0.005)
        .collect();
    rows.sort_by(|a, b| a.0.cmp(b.0));
    for (n, x) in rows {
        out.push_str(&format!("{n}\t{x:.4}\n"));
    }
    out
}
