//! Teach-back: the operator explains in their own words what will happen, naming key terms of
//! the action (its target, its effect, its scope).

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub(crate) use super::teach_back_key::generate;
use super::teach_back_key::stem_matches;
use super::text::{contains_phrase, words};
use crate::result::ChallengeResult;
use crate::types::ChallengeType;

/// An extra check on a teach-back explanation (for example an LLM judging whether the text
/// describes the action). Returning `Err(reason)` fails the challenge.
pub trait TeachBackValidator: Send + Sync {
    fn name(&self) -> &str;
    fn validate(&self, key: &TeachBackKey, text: &str) -> Result<(), String>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyTermCategory {
    Target,
    Effect,
    Scope,
}

/// One key term of the action; any of its phrases (or word stems) names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyTermGroup {
    pub category: KeyTermCategory,
    pub label: String,
    /// Lowercase phrases matched on word boundaries.
    pub phrases: Vec<String>,
    /// Lowercase word prefixes (`delet` matches delete, deletes, deleting, deletion).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stems: Vec<String>,
    /// A target of the action's main kind (the file deleted, the table dropped, the person
    /// paid): an explanation must name one of these, not just a side detail.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub primary: bool,
}

/// What a teach-back is checked against; stays on the trusted side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeachBackKey {
    pub action: String,
    /// `{"args": [...], "kwargs": {...}}`, for validators.
    pub arguments: Value,
    pub min_words: u32,
    pub min_key_terms: u32,
    pub key_terms: Vec<KeyTermGroup>,
    /// Tokens of the action name and of the raw arguments: repeating them is not explaining.
    pub echo_tokens: Vec<String>,
    /// The arguments as compact lowercase JSON, to spot a pasted dump.
    pub argument_dump: String,
    /// What the action does (consequence names); the explanation must state one of them
    /// without negating or reversing it.
    #[serde(default)]
    pub consequences: Vec<String>,
    /// Tokens of the action name (for direction: grant vs revoke, deploy vs rollback).
    #[serde(default)]
    pub action_tokens: Vec<String>,
    /// The first words of command-like arguments (`systemctl stop x`, `helm uninstall y`): the
    /// verb of a shell action when its name (`run_shell`) has none.
    #[serde(default)]
    pub command_tokens: Vec<String>,
    /// Amounts the explanation must state exactly (any common format).
    #[serde(default)]
    pub amounts: Vec<f64>,
    /// Amounts counted in a minor unit (Stripe's `amount: 4999`), as given: said with a
    /// currency they must be said in the major unit ($49.99), not as 4,999 dollars.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub minor_unit_amounts: Vec<f64>,
    /// Lowercase words of the action, its arguments, docstring and risk evidence (bounded).
    #[serde(default)]
    pub vocabulary: Vec<String>,
}

impl TeachBackKey {
    /// The action's keyword arguments.
    pub(crate) fn kwargs(&self) -> Option<&serde_json::Map<String, Value>> {
        self.arguments.get("kwargs").and_then(Value::as_object)
    }

    /// The argument strings in document order, each taken whole while the total stays within
    /// `budget` bytes (a longer one is skipped, later shorter ones are still read).
    pub(crate) fn argument_texts(&self, budget: usize) -> Vec<&str> {
        fn walk<'a>(v: &'a Value, out: &mut Vec<&'a str>, budget: &mut usize) {
            match v {
                Value::String(s) if s.len() <= *budget => {
                    *budget -= s.len();
                    out.push(s);
                }
                Value::Array(items) => items.iter().for_each(|x| walk(x, out, budget)),
                Value::Object(map) => map.values().for_each(|x| walk(x, out, budget)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        let mut budget = budget;
        walk(&self.arguments, &mut out, &mut budget);
        out
    }

    /// Whether the arguments' JSON, spaces removed, holds any of `patterns` (`"replicas":0`,
    /// `--replicas=0`, `"$lt"`).
    pub(crate) fn dump_has_any(&self, patterns: &[&str]) -> bool {
        let compact = self.argument_dump.replace(' ', "");
        patterns.iter().any(|p| compact.contains(p))
    }
}

fn group_matches(group: &KeyTermGroup, text: &str, text_words: &[String]) -> bool {
    // A compound name (`2023_return.pdf`, `marketing_optins`) is also named by all of its parts
    // in any order ("the 2023 tax return pdf").
    let by_parts = |p: &String| {
        if p.contains(char::is_whitespace) {
            return false;
        }
        // A short counter at the end (`front-door-lock-01`) may go unsaid.
        let mut parts: Vec<&str> = p
            .split(['_', '-', '.', '/'])
            .filter(|x| x.chars().count() >= 2)
            .collect();
        if parts.len() >= 3
            && parts
                .last()
                .is_some_and(|x| x.len() <= 2 && x.chars().all(|c| c.is_ascii_digit()))
        {
            parts.pop();
        }
        parts.len() >= 2
            && parts.iter().all(|x| {
                text_words
                    .iter()
                    .any(|w| w == x || w.trim_end_matches('s') == *x)
            })
    };
    // `lock.front_door` is named by its own last part ("the front door").
    let last_part = |p: &String| {
        let Some((_, last)) = p.rsplit_once(['.', '/']) else {
            return false;
        };
        let parts: Vec<&str> = last.split(['_', '-']).filter(|x| x.len() >= 2).collect();
        // `climate.nursery`, `alarm_control_panel.house`: an entity is named by its own name.
        let entity = !p.contains('/')
            && p.matches('.').count() == 1
            && p.rsplit_once('.').is_some_and(|(domain, name)| {
                name == last
                    && domain.len() >= 4
                    && domain.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    && name.len() >= 4
                    && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    && !["com", "net", "org", "io", "local", "internal"].contains(&name)
            })
            && contains_phrase(text, last);
        if entity {
            return true;
        }
        // `feature/billing-v2` is named by "the billing-v2 branch" (a distinctive last part of
        // a name that is not a file path).
        (!p.starts_with('/')
            && p.rsplit_once('/').is_some_and(|(_, l)| l == last)
            && last.len() >= 5
            && last.chars().any(char::is_alphabetic)
            && last.contains(|c: char| c == '-' || c == '_' || c.is_ascii_digit())
            && contains_phrase(text, last))
            || (parts.len() >= 2
                && parts.iter().all(|x| {
                    text_words
                        .iter()
                        .any(|w| w == x || w.trim_end_matches('s') == *x)
                }))
    };
    // A long id quoted by its start or its end around an ellipsis ("ba_1PzQ9k…",
    // "post ...55501").
    let elided = |p: &String| {
        p.len() >= 10
            && !p.contains(char::is_whitespace)
            && ellipsis_ends(text).iter().any(|(start, end)| {
                (start.len() >= 6 && p.starts_with(start.as_str()))
                    || (end.len() >= 4 && p.ends_with(end.as_str()))
            })
    };
    // A count or id written with separators ("2,318 records" for `2318`).
    let as_number = |p: &String| {
        p.len() >= 4
            && p.chars().all(|c| c.is_ascii_digit())
            && p.parse::<f64>().is_ok_and(|n| {
                super::numbers::numbers_in(text)
                    .iter()
                    .any(|v| super::text::amounts_equal(*v, n))
            })
    };
    // `/opt/ml/checkpoints/*` is named by its folder.
    let glob = |p: &String| {
        let t = p.trim_end_matches('*').trim_end_matches('/');
        t.len() >= 3 && t.len() < p.len() && contains_phrase(text, t)
    };
    // An IBAN or card number written in groups ("CH93 0076 2011 …").
    let grouped = |p: &String| {
        p.len() >= 12
            && p.chars().all(|c| c.is_ascii_alphanumeric())
            && p.chars().any(|c| c.is_ascii_digit())
            && text
                .to_lowercase()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .contains(p.as_str())
    };
    // `HEAD~5` is named by "HEAD", or by the commits it counts back ("the last 5 commits",
    // "back three commits").
    let head = |p: &String| {
        let l = p.to_lowercase();
        let Some(back) = l.strip_prefix("head~").or_else(|| l.strip_prefix("head^")) else {
            return false;
        };
        let counted = back.parse::<f64>().is_ok_and(|n| {
            text_words.iter().any(|w| w.starts_with("commit"))
                && super::numbers::numbers_in(text)
                    .into_iter()
                    .chain(super::numbers::spelled_numbers(text))
                    .any(|v| super::text::amounts_equal(v, n))
        });
        text_words.iter().any(|w| w == "head") || counted
    };
    // A name of three words or more is named without its last, generic word ("the front door"
    // for `front door lock`).
    let shortened = |p: &String| {
        let parts: Vec<&str> = p.split_whitespace().collect();
        parts.len() >= 3 && parts.iter().all(|w| w.chars().all(char::is_alphabetic)) && {
            let head = parts[..parts.len() - 1].join(" ");
            head.len() >= 8 && contains_phrase(text, &head)
        }
    };
    // A phone number written with spaces, brackets or dashes ("+1 (415) 555-0123").
    let phone = |p: &String| {
        let digits: String = p.chars().filter(char::is_ascii_digit).collect();
        digits.len() >= 7
            && p.chars()
                .all(|c| c.is_ascii_digit() || " +()-.".contains(c))
            && text
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '\n')
                .collect::<String>()
                .contains(digits.as_str())
    };
    // One word said in the singular or the plural ("session rows" for `sessions`).
    let number = |p: &String| {
        p.len() >= 5
            && p.chars().all(char::is_alphabetic)
            && text_words.iter().any(|w| {
                w.strip_suffix('s') == Some(p.as_str()) || p.strip_suffix('s') == Some(w.as_str())
            })
    };
    group.phrases.iter().any(|p| {
        contains_phrase(text, p)
            || number(p)
            || by_parts(p)
            || as_number(p)
            || head(p)
            || glob(p)
            || grouped(p)
            || phone(p)
            || last_part(p)
            || elided(p)
            || shortened(p)
    }) || group
        .stems
        .iter()
        .any(|s| text_words.iter().any(|w| stem_matches(w, s)))
}

/// The characters of an id just before and just after each ellipsis (`...`, `…`), lower case.
fn ellipsis_ends(text: &str) -> Vec<(String, String)> {
    let lower = text.to_lowercase();
    let id_char = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let mut out = Vec::new();
    for mark in ["...", "…"] {
        for (at, _) in lower.match_indices(mark) {
            let before: String = lower[..at]
                .chars()
                .rev()
                .take_while(|c| id_char(*c))
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let after: String = lower[at + mark.len()..]
                .chars()
                .take_while(|c| id_char(*c))
                .collect();
            out.push((before, after));
        }
    }
    out
}

/// Why a text is not an explanation, or `None` when it passes the structural checks.
/// Words inside quotation marks ('…', "…", ‘…’, “…”).
fn quoted_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (open, close) in [('\'', '\''), ('"', '"'), ('‘', '’'), ('“', '”')] {
        let mut rest = text;
        while let Some(start) = rest.find(open) {
            let after = &rest[start + open.len_utf8()..];
            // An apostrophe inside a word ("it's") opens nothing.
            if open == '\''
                && rest[..start]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
            {
                rest = after;
                continue;
            }
            let Some(end) = after.find(close) else { break };
            out.extend(words(&after[..end].to_lowercase()));
            rest = &after[end + close.len_utf8()..];
        }
    }
    out
}

fn structural_failure(key: &TeachBackKey, text: &str, text_words: &[String]) -> Option<String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Some("no explanation was given".to_owned());
    }
    let min_words = key.min_words as usize;
    if text_words.len() < min_words {
        return Some(format!(
            "the explanation has {} words; at least {} are needed",
            text_words.len(),
            min_words
        ));
    }
    let non_space = trimmed
        .chars()
        .filter(|c| !c.is_whitespace())
        .count()
        .max(1);
    let json_chars = trimmed.chars().filter(|c| "{}[]\":".contains(*c)).count();
    let lower = trimmed.to_lowercase();
    // The call's own wrapping words ("kwargs", "function_name") come only from a pasted call.
    let pasted_dump = (key.argument_dump.len() > 12 && lower.contains(&key.argument_dump))
        || super::text::words(&lower)
            .iter()
            .any(|w| ["kwargs", "function_name", "tool_input", "tool_call"].contains(&w.as_str()));
    if pasted_dump || json_chars * 100 / non_space > 8 {
        return Some(
            "the explanation pastes the arguments; describe what will happen in your own words"
                .to_owned(),
        );
    }
    let mut own: Vec<&String> = text_words
        .iter()
        .filter(|w| !key.echo_tokens.contains(w))
        .collect();
    own.sort_unstable();
    own.dedup();
    // Numbers are judged elsewhere (a version `4.2.0` is not three pasted words), and a quoted
    // subject or title is quoted, not pasted.
    let quoted = quoted_words(text);
    let wordy: Vec<&String> = text_words
        .iter()
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()) && !quoted.contains(*w))
        .collect();
    let echoed = wordy.iter().filter(|w| key.echo_tokens.contains(w)).count();
    // Eight words or more without one word that joins them (the, to, in, it, will …) and with
    // words said twice: a heap of key terms ("flush all keys redis flush"), not a sentence.
    let mut distinct: Vec<&String> = text_words.iter().collect();
    distinct.sort_unstable();
    distinct.dedup();
    let joined = text_words.iter().any(|w| {
        super::vocab::STOPWORDS.contains(&w.as_str())
            && ![
                "all", "any", "some", "each", "both", "only", "just", "very", "too", "no", "not",
                "yes", "ok", "s", "t",
            ]
            .contains(&w.as_str())
    });
    if own.len() < min_words.div_ceil(2)
        || echoed * 100 / wordy.len().max(1) > 65
        || (text_words.len() >= 8 && !joined && distinct.len() * 100 / text_words.len() < 85)
    {
        return Some(
            "the explanation mostly repeats the action name and arguments; say in your own words what will happen"
                .to_owned(),
        );
    }
    None
}

/// The rules' reason to reject `text` as an explanation of the action, without the second
/// reading (which may still overrule or add a doubt, see [`check`]).
pub fn rules_verdict(key: &TeachBackKey, text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let text_words = words(&lower);
    let matched = matched_groups(key, &lower, &text_words);
    rules_failure(key, text, &lower, &text_words, &matched)
}

/// The key-term groups the explanation names.
fn matched_groups<'k>(
    key: &'k TeachBackKey,
    lower: &str,
    text_words: &[String],
) -> Vec<&'k KeyTermGroup> {
    key.key_terms
        .iter()
        .filter(|g| group_matches(g, lower, text_words))
        .collect()
}

fn rules_failure(
    key: &TeachBackKey,
    text: &str,
    lower: &str,
    text_words: &[String],
    matched: &[&KeyTermGroup],
) -> Option<String> {
    structural_failure(key, text, text_words)
        .or_else(|| super::understanding::understanding_failure(key, text, lower, matched))
}

pub(crate) fn check(
    key: &TeachBackKey,
    text: &str,
    validators: &[&dyn TeachBackValidator],
) -> ChallengeResult {
    let lower = text.to_lowercase();
    let text_words = words(&lower);
    let matched = matched_groups(key, &lower, &text_words);
    let required = (key.min_key_terms as usize).min(key.key_terms.len());
    let mut failure = rules_failure(key, text, &lower, &text_words, &matched);
    // A doubt about the wording of the effect, target, direction or scope is overruled when the
    // second reading, told which rule doubted, is confident the explanation is honest.
    if let Some(reason) = &failure
        && super::second_reading::overrulable(reason)
        && super::second_reading::fake_chance(key, text, Some(reason)).0
            <= super::second_reading::OVERRULE_THRESHOLD
    {
        failure = None;
    } else if failure.is_none() {
        // The rules found nothing wrong: the learned second reading may still reject. Its
        // score is not reported: a number to push below the line would guide a faker's
        // rewording.
        let (chance, phrase) = super::second_reading::fake_chance(key, text, None);
        if chance > super::second_reading::FAKE_THRESHOLD {
            // The phrase is the explanation's own words; it is named only when no value of
            // the action hides inside it, nor a code or ticker the explanation writes in
            // capitals (a value the redaction hid: `token: "USDC"`).
            let capitals: Vec<String> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 2 && w.chars().all(|c| !c.is_lowercase()))
                .map(str::to_lowercase)
                .collect();
            let phrase = phrase.filter(|p| {
                !super::text::words(&key.argument_dump)
                    .iter()
                    .any(|v| v.len() >= 4 && p.contains(v.as_str()))
                    && !p.split(' ').any(|w| capitals.iter().any(|c| c == w))
            });
            failure = Some(format!(
                "the explanation {} of this action{}; say plainly what it does, to what and how much",
                super::SECOND_READING,
                phrase
                    .map(|p| format!(" (doubtful: \"{p}\")"))
                    .unwrap_or_default()
            ));
        }
    }
    if failure.is_none() {
        for validator in validators {
            if let Err(reason) = validator.validate(key, text) {
                failure = Some(format!("{}: {reason}", validator.name()));
                break;
            }
        }
    }
    let mut result = ChallengeResult::new(ChallengeType::TeachBack, failure.is_none())
        .with_detail("words", text_words.len())
        .with_detail("key_terms_matched", matched.len())
        .with_detail("key_terms_required", required);
    result.teach_back_text = Some(text.to_owned());
    if let Some(reason) = failure {
        result = result.with_detail("reason", reason);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ActionContext;

    use crate::challenge::teach_back_key::key_for;

    fn rm_ctx() -> ActionContext {
        ActionContext::new("delete_directory")
            .with_kwarg("path", "/var/data/prod")
            .with_kwarg("recursive", true)
    }

    #[test]
    fn a_real_explanation_passes() {
        let key = key_for(&rm_ctx());
        let text = "This will permanently erase the prod folder under var data, including every file and \
                    subfolder inside it, and nothing can be recovered afterwards.";
        let r = check(&key, text, &[]);
        assert!(r.passed, "{:?}", r.details);
        assert_eq!(r.teach_back_text.as_deref(), Some(text));
    }

    #[test]
    fn synonyms_count_as_the_effect() {
        let key = key_for(&rm_ctx());
        for verb in ["wipe", "remove", "erase", "deleting"] {
            let text = format!(
                "The agent wants to {verb} the prod directory and the things stored below it which we would \
                 lose for good afterwards"
            );
            assert!(check(&key, &text, &[]).passed, "{verb}");
        }
    }

    #[test]
    fn repeating_the_name_or_pasting_arguments_fails() {
        let key = key_for(&rm_ctx());
        let echo = "delete directory ".repeat(10);
        let r = check(&key, &echo, &[]);
        assert!(!r.passed);
        assert!(
            r.details["reason"].as_str().unwrap().contains("repeats"),
            "{:?}",
            r.details
        );
        let dump = format!(
            "it runs {} which is what it does and that is all",
            rm_ctx().arguments_value()
        );
        let r = check(&key, &dump, &[]);
        assert!(!r.passed);
        assert!(
            r.details["reason"].as_str().unwrap().contains("pastes"),
            "{:?}",
            r.details
        );
    }

    #[test]
    fn too_short_or_missing_key_terms_fails() {
        let key = key_for(&rm_ctx());
        let r = check(&key, "delete the prod folder", &[]);
        assert!(!r.passed);
        assert!(
            r.details["reason"]
                .as_str()
                .unwrap()
                .contains("at least 15")
        );
        let vague = "I think this is fine and the agent knows what it is doing so we can go ahead with it today";
        let r = check(&key, vague, &[]);
        assert!(!r.passed);
        let reason = r.details["reason"].as_str().unwrap();
        assert!(
            reason.contains("effect") || reason.contains("why to approve"),
            "{:?}",
            r.details
        );
    }

    #[test]
    fn v2_catches_the_reported_fakes_and_accepts_separators() {
        let del =
            key_for(&ActionContext::new("delete_file").with_kwarg("path", "/srv/reports/q3.csv"));
        let nonsense = "purple elephants delete q3.csv while singing opera about turnips and dancing under the moon tonight";
        let r = check(&del, nonsense, &[]);
        assert!(!r.passed);
        assert!(
            r.details["reason"]
                .as_str()
                .unwrap()
                .contains("not about this action"),
            "{:?}",
            r.details
        );
        let pay = key_for(
            &ActionContext::new("transfer_funds")
                .with_kwarg("amount", 48500)
                .with_kwarg("beneficiary", "Acme Supplies GmbH"),
        );
        let reversed = "We receive a refund of 48500 from Acme into our account, no transfer goes out and nothing is paid by us";
        let r = check(&pay, reversed, &[]);
        assert!(!r.passed);
        assert!(
            r.details["reason"].as_str().unwrap().contains("opposite"),
            "{:?}",
            r.details
        );
        for amount in ["48,500", "48500", "48.500,00", "48.5k", "48 500"] {
            let honest = format!(
                "This sends {amount} euros to Acme Supplies; the money leaves our account and cannot simply be pulled back."
            );
            let r = check(&pay, &honest, &[]);
            assert!(r.passed, "{amount}: {:?}", r.details);
        }
        let wrong = "This sends 4,850 euros to Acme Supplies; the money leaves our account and cannot simply be pulled back.";
        let r = check(&pay, wrong, &[]);
        assert!(!r.passed);
        let reason = r.details["reason"].as_str().unwrap();
        assert!(
            reason.contains("amount") && !reason.contains("48"),
            "{reason}"
        );
        let drop =
            key_for(&ActionContext::new("execute_sql").with_kwarg("query", "DROP TABLE customers"));
        let r = check(
            &drop,
            "This creates a brand new customers table in the database, nothing is dropped and no rows are lost",
            &[],
        );
        assert!(!r.passed);
    }

    #[test]
    fn the_python_binding_examples_still_judge_the_same() {
        let key =
            key_for(&ActionContext::new("delete_file").with_kwarg("path", "/var/data/report.csv"));
        let careful = "This permanently deletes the file report.csv in the /var/data directory on this server; \
                       the monthly report data will be gone and cannot be recovered afterwards.";
        assert!(check(&key, careful, &[]).passed);
        assert!(!check(&key, "ok delete it", &[]).passed);
    }

    #[test]
    fn redacted_targets_are_not_required() {
        let ctx = ActionContext::new("rotate_secret").with_kwarg("password", "[REDACTED:password]");
        let key = key_for(&ctx);
        let text = "This rotates the database password, so the old password stops working and every client must use the new secret value from now on.";
        let r = check(&key, text, &[]);
        assert!(r.passed, "{:?} {:?}", r.details, key.key_terms);
    }

    #[test]
    fn amounts_and_recipients_are_key_terms() {
        let ctx = ActionContext::new("send_payment")
            .with_kwarg("to", "bob@acme.io")
            .with_kwarg("amount", 2500);
        let key = key_for(&ctx);
        let text = "We are paying Bob at acme two thousand five hundred dollars, precisely 2500, from the company account today";
        assert!(check(&key, text, &[]).passed);
    }

    #[test]
    fn validators_can_veto() {
        struct Never;
        impl TeachBackValidator for Never {
            fn name(&self) -> &str {
                "never"
            }
            fn validate(&self, _: &TeachBackKey, _: &str) -> Result<(), String> {
                Err("does not describe the action".into())
            }
        }
        let key = key_for(&rm_ctx());
        let text = "This will permanently erase the prod folder under var data, including every file and \
                    subfolder inside it, and nothing can be recovered afterwards.";
        let r = check(&key, text, &[&Never]);
        assert!(!r.passed);
        assert_eq!(r.details["reason"], "never: does not describe the action");
    }
}
