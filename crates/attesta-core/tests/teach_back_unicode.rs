//! Every action of the teach-back corpora judged against explanations in other scripts and
//! with accents, pictographs, invisible and right-to-left characters: no check may panic
//! (a word once split inside a multi-byte character did), and each answer gets a verdict.
//! One case in six is taken, so the suite stays quick.

use attesta_core::ActionContext;
use attesta_core::challenge::{Response, check};
use serde::Deserialize;

#[allow(dead_code)]
#[path = "../examples/train_teach_back_model/trainer.rs"]
mod trainer;

#[derive(Deserialize)]
struct Case {
    ctx: ActionContext,
    explanation: String,
}

/// The explanation with its vowels accented, a word of Japanese and Arabic script, a
/// pictograph, a zero-width joiner and a right-to-left override mixed in.
fn foreign(text: &str) -> Vec<String> {
    let accented: String = text
        .chars()
        .map(|c| match c {
            'a' => 'á',
            'e' => 'é',
            'o' => 'ö',
            'u' => 'ü',
            'i' => 'í',
            'n' => 'ñ',
            'c' => 'ç',
            other => other,
        })
        .collect();
    let words: Vec<&str> = text.split(' ').collect();
    let mixed = words
        .iter()
        .enumerate()
        .map(|(i, w)| match i % 4 {
            1 => format!("{w} 録画は続きます"),
            2 => format!("{w}\u{200d}🍕"),
            3 => format!("\u{202e}{w} تحويل"),
            _ => (*w).to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    vec![accented, mixed, text.to_uppercase()]
}

#[test]
fn explanations_in_any_script_get_a_verdict() {
    let files = trainer::corpus_files(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    let mut judged = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable corpus");
        for line in text.lines().filter(|l| !l.trim().is_empty()).step_by(6) {
            let case: Case = serde_json::from_str(line).expect("valid case");
            let key = trainer::answer_key(&case.ctx);
            for answer in foreign(&case.explanation) {
                let result =
                    check(&key, &Response::TeachBack(answer), 1e9, &[]).expect("no lockout");
                assert!(
                    result.passed || result.details.get("reason").is_some(),
                    "{}: a rejection without a reason",
                    file.display()
                );
                judged += 1;
            }
        }
    }
    assert!(judged > 1500, "{judged} answers judged");
}
