//! A second reading of a teach-back explanation: a linear model over the
//! explanation's own words and word sequences, with the action's words and numbers masked, that
//! estimates how likely the text is a fake. Fakes written with the real names and numbers carry
//! their one wrong claim in the words around them ("… but the volumes are kept", "only the
//! first one", "no email goes out"); the rules know some of those claims by name, the model
//! weighs all of them together.
//!
//! It also reads what some rules reject. Rules that compare a number or a name of a known
//! kind with the action's (a number, amount, count, date, currency, period, schedule, address,
//! file or folder, environment, role) and the structural checks (length, pasted arguments,
//! reasons to approve, another action) always reject. The rules that judge the wording of the
//! effect, the target, the direction and the scope, the ones that take a word for a name the
//! action lacks (by where it stands: "the NatWest account"; by its shape: a host, an id, a
//! snake_case name, a value) and the one that finds the text mostly the action's own names (an
//! honest "Withdraws 0.8 BTC from the Coinbase BTC account to bc1q…" is) fail honest
//! explanations whose words they do not know ("the Ajax hub", "gets pulled", a terraform
//! `module.x`); when one of them is the only doubt and the model, told which rule doubted, is
//! confident the text is honest (at most [`OVERRULE_THRESHOLD`]), the doubt is overruled.
//!
//! The weights (`teach_back_model.tsv`) are learned from the teach-back corpora by
//! `cargo run --release -p attesta-core --example train_teach_back_model`; the same program
//! measures the model on each blind set with that set left out of training
//! (docs/challenges.md).

use std::collections::HashMap;
use std::sync::OnceLock;

use super::teach_back::TeachBackKey;

/// Explanations the rules accepted are rejected above this estimated chance of being a fake.
pub const FAKE_THRESHOLD: f64 = 0.7;

/// A doubt of a wording rule ([`overrulable`]) is overruled at or below this estimated chance of
/// being a fake.
pub const OVERRULE_THRESHOLD: f64 = 0.2;

/// The rules whose doubt the second reading may overrule: they judge the words for the effect,
/// the target, the direction and the scope, or guess that a word is a name, and compare no
/// value (by their reason's [`reason_class`]).
const OVERRULABLE: &[&str] = &[
    "the explanation describes the opposite of what the action does",
    "the explanation does not name what the action affects",
    "the explanation does not say what the action will do",
    "the explanation is mostly not about this action",
    "the explanation overstates or misstates how much the action affects",
    "the explanation understates how much the action affects",
    "the explanation says something the action does will not happen",
    "the explanation says the action's effect will not happen",
    "the explanation understates what the action does: it cannot be taken back",
    "the explanation understates what the action does: it stops the service",
    "the explanation names something the action does not mention",
    "the explanation mostly repeats the action name and arguments",
    "the explanation names a file or host that is not part of this action",
    "the explanation names something that is not part of this action",
    "the explanation states a value that is not part of this action",
];

/// A rule's reason without what names a case: its words up to the first bracket, quote or
/// semicolon (`the explanation does not name what the action affects`).
pub fn reason_class(reason: &str) -> &str {
    reason
        .split(['(', '"', ';'])
        .next()
        .unwrap_or_default()
        .trim()
}

/// Whether the second reading may overrule a rule that rejected with `reason`.
pub fn overrulable(reason: &str) -> bool {
    OVERRULABLE.contains(&reason_class(reason))
}

/// The mask for a word of the action, and for numbers the action has or has not.
const ACTION_WORD: &str = "<a>";
const ACTION_NUMBER: &str = "<an>";
const OTHER_NUMBER: &str = "<xn>";

/// Explanations longer than this are read only this far (bytes).
const TEXT_BUDGET: usize = 8 * 1024;
/// At most this much of the arguments is read for the action's words (bytes).
const ACTION_BUDGET: usize = 64 * 1024;

/// Lowercase words (letters, inner apostrophes) and numbers (digits with inner `.` or `,`).
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphabetic() {
            let mut word = String::new();
            while i < chars.len()
                && (chars[i].is_alphabetic()
                    || (matches!(chars[i], '\'' | '’')
                        && i + 1 < chars.len()
                        && chars[i + 1].is_alphabetic()
                        && !word.is_empty()))
            {
                word.extend(
                    chars[i]
                        .to_lowercase()
                        .map(|c| if c == '’' { '\'' } else { c }),
                );
                i += 1;
            }
            out.push(word);
        } else if c.is_ascii_digit() {
            let mut number = String::new();
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || (matches!(chars[i], '.' | ',')
                        && i + 1 < chars.len()
                        && chars[i + 1].is_ascii_digit()))
            {
                number.push(chars[i]);
                i += 1;
            }
            out.push(number);
        } else {
            i += 1;
        }
    }
    out
}

/// A word without a plural, past or gerund ending (`updates` → `updat`, `update` → `updat`).
fn stem(word: &str) -> &str {
    for suffix in ["ing", "ed", "es", "e", "s"] {
        if let Some(base) = word.strip_suffix(suffix)
            && base.chars().count() >= 3
        {
            return base;
        }
    }
    word
}

fn clip(text: &str, budget: usize) -> &str {
    let mut end = text.len().min(budget);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The features of an explanation for `key`: `u:` words, `b:` pairs and `t:` triples of
/// the masked text, the action's verb with the explanation's own words (`v:`, `x:`), the
/// text's shape (`d:`), `n:xn` (how many numbers the action does not have) and, when a rule
/// rejected it with `doubt`, `r:` and that reason's class.
pub fn teach_back_features(
    key: &TeachBackKey,
    text: &str,
    doubt: Option<&str>,
) -> Vec<(String, f64)> {
    let dump = clip(&key.argument_dump, ACTION_BUDGET);
    let mut action_words: Vec<String> = tokens(dump);
    action_words.extend(tokens(&key.action));
    action_words.extend(super::text::identifier_tokens(&key.action));
    // A word of the action in another form ("updates" for `update_deal`) is the action's too.
    let stems: Vec<String> = action_words.iter().map(|w| stem(w).to_owned()).collect();
    action_words.extend(stems);
    action_words.sort_unstable();
    action_words.dedup();
    let action_numbers = super::numbers::numbers_in(dump);
    let masked: Vec<String> = tokens(clip(text, TEXT_BUDGET))
        .into_iter()
        .map(|t| {
            if t.starts_with(|c: char| c.is_ascii_digit()) {
                let bare = t.replace(',', "");
                // Any common format of a number the action has (`27.300,00` for 27300).
                let same_value = super::numbers::numbers_in(&t).iter().any(|v| {
                    action_numbers
                        .iter()
                        .any(|a| super::text::amounts_equal(*a, *v))
                });
                if same_value || dump.contains(&t) || dump.contains(&bare) {
                    ACTION_NUMBER.to_owned()
                } else {
                    OTHER_NUMBER.to_owned()
                }
            } else if action_words.binary_search(&t).is_ok()
                || action_words
                    .binary_search_by(|w| w.as_str().cmp(stem(&t)))
                    .is_ok()
            {
                ACTION_WORD.to_owned()
            } else {
                t
            }
        })
        .collect();
    let mut names: Vec<String> = Vec::with_capacity(masked.len() * 3);
    // The mask alone says only how much of the action is repeated, which is no sign either way.
    names.extend(
        masked
            .iter()
            .filter(|t| !t.starts_with("<a"))
            .map(|t| format!("u:{t}")),
    );
    // Pairs and triples of masks alone say how densely the action is repeated, not how
    // truly: at least one word of the explanation's own is in each.
    let own = |w: &[String]| w.iter().any(|t| !t.starts_with("<a"));
    names.extend(
        masked
            .windows(2)
            .filter(|w| own(w))
            .map(|w| format!("b:{} {}", w[0], w[1])),
    );
    names.extend(
        masked
            .windows(3)
            .filter(|w| own(w))
            .map(|w| format!("t:{} {} {}", w[0], w[1], w[2])),
    );
    names.extend(verb_features(key, &masked));
    names.extend(shape_features(&masked, clip(text, TEXT_BUDGET)));
    names.sort_unstable();
    names.dedup();
    let mut out: Vec<(String, f64)> = names.into_iter().map(|n| (n, 1.0)).collect();
    let other_numbers = masked.iter().filter(|t| *t == OTHER_NUMBER).count();
    out.push(("n:xn".to_owned(), (other_numbers.min(3) as f64) / 3.0));
    if let Some(reason) = doubt {
        out.push((format!("r:{}", reason_class(reason)), 1.0));
    }
    out
}

/// What the action does (its verb in the verb table) beside the explanation's own words:
/// `v:` the verb alone, `x:` the verb and each own word ("revokes" for a `create_…` action,
/// "disarms" for `arm_…`).
fn verb_features(key: &TeachBackKey, masked: &[String]) -> Vec<String> {
    let Some(spec) = super::explain::verb_spec(&key.action_tokens, &key.command_tokens) else {
        return Vec::new();
    };
    let Some(verb) = spec.stems.first() else {
        return Vec::new();
    };
    let mut out = vec![format!("v:{verb}")];
    out.extend(
        masked
            .iter()
            .filter(|t| {
                !t.starts_with('<')
                    && t.chars().count() >= 3
                    && !super::vocab::STOPWORDS.contains(&t.as_str())
            })
            .map(|t| format!("x:{verb} {}", stem(t))),
    );
    out
}

/// How the text is made (`d:`): the share of the action's words, of small words and of repeats,
/// each in fifths (a salad of the action's terms has many, few and many), its length in tens
/// of words, how many of the action's numbers, negations and sentences it has.
fn shape_features(masked: &[String], text: &str) -> Vec<String> {
    let words = masked.len().max(1) as f64;
    let fifth = |share: f64| ((share * 5.0).floor() as usize).min(4);
    let count = |keep: &dyn Fn(&str) -> bool| masked.iter().filter(|t| keep(t)).count();
    let of_action = count(&|t| t.starts_with("<a"));
    let small = count(&|t| super::vocab::STOPWORDS.contains(&t));
    let mut distinct: Vec<&String> = masked.iter().collect();
    distinct.sort_unstable();
    distinct.dedup();
    let repeats = masked.len() - distinct.len();
    let numbers = count(&|t| t == ACTION_NUMBER);
    let negations = count(&|t| {
        matches!(t, "not" | "no" | "never" | "nothing" | "without" | "none") || t.ends_with("n't")
    });
    let sentences = text.matches(['.', ';', '!', '?', '\n']).count();
    vec![
        format!("d:action {}", fifth(of_action as f64 / words)),
        format!("d:small {}", fifth(small as f64 / words)),
        format!("d:repeat {}", fifth(repeats as f64 / words)),
        format!("d:length {}", (masked.len() / 10).min(6)),
        format!("d:numbers {}", numbers.min(3)),
        format!("d:negations {}", negations.min(2)),
        format!("d:sentences {}", sentences.min(3)),
    ]
}

struct Model {
    bias: f64,
    weights: HashMap<String, f64>,
}

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let mut bias = 0.0;
        let mut weights = HashMap::new();
        for line in include_str!("teach_back_model.tsv").lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let Some((name, w)) = line.rsplit_once('\t') else {
                continue;
            };
            let Ok(w) = w.parse::<f64>() else { continue };
            if name == "bias" {
                bias = w;
            } else {
                weights.insert(name.to_owned(), w);
            }
        }
        Model { bias, weights }
    })
}

/// The estimated chance that `text` is a fake explanation of the action (which a rule doubted
/// with `doubt`, if any), and the phrase of the explanation's own words that weighs most towards
/// it (words and pairs only, never the action's masked words).
pub(crate) fn fake_chance(
    key: &TeachBackKey,
    text: &str,
    doubt: Option<&str>,
) -> (f64, Option<String>) {
    let model = model();
    let mut score = model.bias;
    let mut strongest: Option<(f64, String)> = None;
    for (name, x) in teach_back_features(key, text, doubt) {
        let Some(w) = model.weights.get(&name) else {
            continue;
        };
        score += w * x;
        let phrase = name
            .strip_prefix("u:")
            .or_else(|| name.strip_prefix("b:"))
            .filter(|p| {
                !p.contains('<')
                    && p.split(' ')
                        .any(|w| w.len() >= 4 && !super::vocab::STOPWORDS.contains(&w))
            });
        if let Some(p) = phrase
            && *w > 0.0
            && strongest.as_ref().is_none_or(|(best, _)| w > best)
        {
            strongest = Some((*w, p.to_owned()));
        }
    }
    let chance = 1.0 / (1.0 + (-score).exp());
    (chance, strongest.map(|(_, p)| p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ActionContext;

    use crate::challenge::teach_back_key::key_for as key;

    #[test]
    fn words_and_numbers_of_the_action_are_masked() {
        let k = key(&ActionContext::new("transfer_funds")
            .with_kwarg("iban", "DE89370400440532013000")
            .with_kwarg("amount", 27300));
        let f = teach_back_features(
            &k,
            "Transfers 27.300,00 to DE89370400440532013000, not 4,100",
            None,
        );
        let names: Vec<&str> = f.iter().map(|(n, _)| n.as_str()).collect();
        // "Transfers" is the action's own verb; 27,300 its amount; 2,730 another number.
        for expected in ["u:<xn>", "u:to", "b:<an> to", "b:not <xn>", "t:<a> <an> to"] {
            assert!(names.contains(&expected), "{expected}: {names:?}");
        }
        // Masks alone weigh nothing, and no value of the action is a feature.
        assert!(
            !names.contains(&"u:<a>") && !names.contains(&"b:<a> <an>"),
            "{names:?}"
        );
        assert!(
            !names.iter().any(|n| n.contains("de89")
                || (n.contains("transfer") && !n.starts_with("v:") && !n.starts_with("x:"))),
            "{names:?}"
        );
    }

    #[test]
    fn the_actions_verb_meets_the_explanations_own_words() {
        let k = key(&ActionContext::new("create_api_key").with_kwarg("name", "ci-deploy-bot"));
        let f = teach_back_features(
            &k,
            "Revokes the key ci-deploy-bot, so the bot loses access. Not undone.",
            None,
        );
        let names: Vec<&str> = f.iter().map(|(n, _)| n.as_str()).collect();
        for expected in [
            "v:creat",
            "x:creat revok",
            "x:creat los",
            "d:negations 1",
            "d:sentences 2",
            "d:length 1",
        ] {
            assert!(names.contains(&expected), "{expected}: {names:?}");
        }
    }

    #[test]
    fn only_doubts_about_wording_and_names_can_be_overruled() {
        for reason in [
            "the explanation names something that is not part of this action",
            "the explanation names a file or host that is not part of this action",
            "the explanation does not name what the action affects (its target)",
            "the explanation describes the opposite of what the action does",
            "the explanation says the action's effect will not happen; describe what it really does",
            "the explanation mostly repeats the action name and arguments; say in your own words what will happen",
        ] {
            assert!(overrulable(reason), "{reason}");
        }
        for reason in [
            "the explanation states a number that is not part of this action",
            "the explanation states a count that is not part of this action",
            "the explanation does not state the amount exactly",
            "the explanation has 9 words; at least 15 are needed",
            "the explanation pastes the arguments; describe what will happen in your own words",
            "the explanation names an address that is not part of this action",
            "the explanation states a date that is not part of this action",
            "the explanation names a different environment than the action's",
            "the explanation is not about this action (\"purple\"); describe what it does and to what",
        ] {
            assert!(!overrulable(reason), "{reason}");
        }
    }

    #[test]
    fn a_doubt_is_a_feature_of_its_class() {
        let k = key(&ActionContext::new("delete_file").with_kwarg("path", "/srv/q3.csv"));
        let f = teach_back_features(
            &k,
            "Removes the quarterly report",
            Some("the explanation does not name what the action affects (its target)"),
        );
        assert!(
            f.iter()
                .any(|(n, _)| n == "r:the explanation does not name what the action affects"),
            "{f:?}"
        );
    }

    #[test]
    fn tokens_keep_inner_apostrophes_and_number_separators() {
        assert_eq!(
            tokens("Doesn’t wire 1.234,50 €, it's 12 — OK?"),
            vec!["doesn't", "wire", "1.234,50", "it's", "12", "ok"]
        );
    }

    #[test]
    fn the_chance_is_a_probability_for_any_text() {
        let k = key(&ActionContext::new("delete_file").with_kwarg("path", "/srv/q3.csv"));
        for text in [
            "",
            "delete",
            &"word ".repeat(50_000),
            "ümlaut ñ 漢字 \u{202e}",
        ] {
            let (p, _) = fake_chance(&k, text, None);
            assert!((0.0..=1.0).contains(&p), "{p}");
        }
    }
}
