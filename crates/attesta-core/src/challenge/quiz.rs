//! Quiz: questions about what the action really touches and what it will do.
//!
//! Every question is about a different fact. Short values (amounts, ids, tables, file names,
//! branches …) are typed exactly; others are multiple choice among peers of the same kind and
//! shape ([`super::peers`]); one question asks for the consequence. Questions are added until a
//! blind guesser's chance of passing is under 4 % (HIGH) or 0.4 % (CRITICAL); at least 2
//! questions for HIGH and 3 for CRITICAL. Nothing redacted is ever asked about.

use serde::{Deserialize, Serialize};

use super::consequence::{self, consequences};
use super::facts::{FactKind, extract};
use super::peers::peers;
use super::rng::SplitMix64;
use super::text::{
    amounts_equal, format_amount, normalize_host, normalize_identifier, normalize_path,
    parse_amount, unquote,
};
use crate::assessment::RiskFactor;
use crate::config::QuizPolicy;
use crate::context::ActionContext;
use crate::result::ChallengeResult;
use crate::types::ChallengeType;
use crate::types::RiskLevel;

/// One question as the human sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizQuestion {
    pub id: u32,
    pub topic: FactKind,
    pub prompt: String,
    pub format: AnswerFormat,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnswerFormat {
    /// Answer with the letter (`a`, `b` …), the number, or the option's text.
    MultipleChoice { options: Vec<String> },
    /// Type the exact value.
    FreeText { hint: String },
}

/// The quiz's answers; never shown to the human.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizKey {
    pub required_correct: u32,
    pub answers: Vec<ExpectedAnswer>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpectedAnswer {
    pub question_id: u32,
    pub topic: FactKind,
    pub accepted: AcceptedAnswer,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AcceptedAnswer {
    Choice { index: usize, value: String },
    Exact { value: String },
}

/// Most questions a quiz asks (it adds questions until blind guessing is unlikely enough).
const MAX_QUESTIONS: usize = 5;
/// Wrong options per multiple-choice question (so five options in all).
const DISTRACTORS: usize = 4;
/// Values longer than this are asked as multiple choice, never typed.
const MAX_TYPED_CHARS: usize = 40;
/// Only this much of the displayed action is searched when checking that a distractor is not
/// visible (keeps generation linear with a fixed budget).
const DISPLAY_BUDGET: usize = 256 * 1024;

/// Chance that a blind guesser passes, per quiz, that generation must get under.
fn guess_budget(level: RiskLevel) -> f64 {
    match level {
        RiskLevel::Critical => 0.004,
        _ => 0.04,
    }
}

/// Questions a quiz asks at least, by risk level.
fn min_questions(level: RiskLevel, policy: &QuizPolicy) -> usize {
    let floor = match level {
        RiskLevel::Critical => 3,
        RiskLevel::High => 2,
        _ => 1,
    };
    (policy.questions as usize)
        .clamp(1, MAX_QUESTIONS)
        .max(floor)
}

/// Kinds whose right answer is often guessable from priors alone (most risky actions run in
/// production, most dangerous programs are `rm`): asked only when nothing better is left, and
/// counted as a coin flip.
fn prior_guessable(kind: FactKind) -> bool {
    matches!(
        kind,
        FactKind::Environment
            | FactKind::Command
            | FactKind::Role
            | FactKind::Consequence
            | FactKind::Operation
    )
}

fn prompt_for(kind: FactKind, multiple_choice: bool) -> &'static str {
    match (kind, multiple_choice) {
        (FactKind::Directory, true) => "Which folder does this action operate on?",
        (FactKind::File, true) => "Which file does this action operate on?",
        (FactKind::File, false) => {
            "Type the name of the file this action operates on (without its folder)."
        }
        (FactKind::Table, true) => "Which database table does this action touch?",
        (FactKind::Table, false) => "Type the name of the database table this action touches.",
        (FactKind::Recipient, true) => "Who receives what this action sends?",
        (FactKind::Recipient, false) => "Type the address this action sends to.",
        (FactKind::Person, true) => "Which user or person does this action concern?",
        (FactKind::Person, false) => "Type the user or person this action concerns.",
        (FactKind::Host, true) => "Which host does this action contact?",
        (FactKind::Host, false) => "Type the host name this action contacts.",
        (FactKind::Amount, true) => "What amount does this action involve?",
        (FactKind::Amount, false) => "Type the amount this action involves.",
        (FactKind::Branch, true) => "Which branch does this action target?",
        (FactKind::Branch, false) => "Type the name of the branch this action targets.",
        (FactKind::Environment, _) => "Which environment does this action run against?",
        (FactKind::Command, _) => "Which program does the command run?",
        (FactKind::RecordId, true) => "Which record id does this action affect?",
        (FactKind::RecordId, false) => "Type the record id this action affects.",
        (FactKind::Account, true) => "Which account or address does this action send to?",
        (FactKind::Account, false) => {
            "Type the last 4 characters of the account or address this action sends to."
        }
        (FactKind::Role, _) => "Which role or permission does this action involve?",
        (FactKind::Service, true) => "Which service or deployment does this action change?",
        (FactKind::Service, false) => {
            "Type the name of the service or deployment this action changes."
        }
        (FactKind::Version, true) => "Which version does this action use?",
        (FactKind::Version, false) => "Type the version this action uses.",
        (FactKind::Repository, true) => "Which repository does this action change?",
        (FactKind::Repository, false) => "Type the repository this action changes.",
        (FactKind::Resource, true) => {
            "Which database, organisation, project or other resource does this action apply to?"
        }
        (FactKind::Resource, false) => {
            "Type the database, organisation, project or other resource this action applies to."
        }
        (FactKind::Consequence, _) => "What happens if you approve this action?",
        (FactKind::Operation, _) => "Which operation does the agent ask to run?",
        (FactKind::Directory, false) => "Type the folder this action operates on (the full path).",
    }
}

fn free_text_hint(kind: FactKind) -> &'static str {
    match kind {
        FactKind::Amount => {
            "Type the exact amount shown in the arguments (any format: 27300, 27,300, 27.300,00; currency symbols are ignored)."
        }
        FactKind::Account => "Type the last 4 characters exactly as shown (spaces are ignored).",
        _ => "Type the exact value shown in the arguments (letter case is ignored).",
    }
}

/// Normal form used to compare answers of a kind.
fn normalize(kind: FactKind, value: &str) -> String {
    match kind {
        FactKind::Directory | FactKind::File => normalize_path(value),
        FactKind::Host => normalize_host(value),
        FactKind::Amount => {
            parse_amount(value).map_or_else(|| normalize_identifier(value), format_amount)
        }
        FactKind::Account => unquote(value)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase(),
        _ => normalize_identifier(value),
    }
}

/// An option that could be read as an option label (`b`, `2`) makes "answer with the letter or
/// the value" ambiguous.
fn looks_like_label(option: &str) -> bool {
    choice_index(option).is_some()
}

/// A question ready to be asked, with the chance a blind guesser gets it right.
struct Candidate {
    kind: FactKind,
    fact: Option<usize>,
    format: AnswerFormat,
    accepted: AcceptedAnswer,
    blind_chance: f64,
}

fn typed(kind: FactKind, fact: usize, value: &str) -> Option<Candidate> {
    if kind == FactKind::Account {
        let compact: String = value.chars().filter(|c| c.is_alphanumeric()).collect();
        if compact.len() < 8 {
            return None;
        }
        let tail: String = compact[compact.len() - 4..].to_owned();
        return Some(Candidate {
            kind,
            fact: Some(fact),
            format: AnswerFormat::FreeText {
                hint: free_text_hint(kind).to_owned(),
            },
            accepted: AcceptedAnswer::Exact { value: tail },
            blind_chance: 0.001,
        });
    }
    let typable = matches!(
        kind,
        FactKind::Amount
            | FactKind::Directory
            | FactKind::RecordId
            | FactKind::Table
            | FactKind::File
            | FactKind::Branch
            | FactKind::Recipient
            | FactKind::Person
            | FactKind::Host
            | FactKind::Service
            | FactKind::Version
            | FactKind::Repository
    );
    if !typable
        || value.chars().count() > MAX_TYPED_CHARS
        || value.contains(char::is_whitespace)
        || looks_like_label(value)
    {
        return None;
    }
    Some(Candidate {
        kind,
        fact: Some(fact),
        format: AnswerFormat::FreeText {
            hint: free_text_hint(kind).to_owned(),
        },
        accepted: AcceptedAnswer::Exact {
            value: value.to_owned(),
        },
        // Round amounts are the most guessable typed values; names and ids much less so.
        blind_chance: if kind == FactKind::Amount {
            0.01
        } else {
            0.003
        },
    })
}

fn choice(
    kind: FactKind,
    fact: Option<usize>,
    answer: &str,
    mut options: Vec<String>,
    rng: &mut SplitMix64,
) -> Option<Candidate> {
    options.retain(|o| !looks_like_label(o));
    if options.len() < 2 || looks_like_label(answer) {
        return None;
    }
    options.push(answer.to_owned());
    rng.shuffle(&mut options);
    let index = options.iter().position(|o| o == answer)?;
    let blind_chance = if prior_guessable(kind) {
        0.5
    } else {
        1.0 / options.len() as f64
    };
    Some(Candidate {
        kind,
        fact,
        format: AnswerFormat::MultipleChoice { options },
        accepted: AcceptedAnswer::Choice {
            index,
            value: answer.to_owned(),
        },
        blind_chance,
    })
}

/// Lowercase text of what the approver is shown, bounded to [`DISPLAY_BUDGET`] bytes.
fn display_text(ctx: &ActionContext) -> String {
    let mut text = ctx.function_name.to_lowercase();
    if let Some(doc) = &ctx.function_doc {
        text.push('\n');
        text.push_str(&doc.to_lowercase());
    }
    if let Some(env) = &ctx.environment {
        text.push('\n');
        text.push_str(&env.to_lowercase());
    }
    text.push('\n');
    let args = serde_json::to_string(&ctx.arguments_value()).unwrap_or_default();
    let mut end = args.len().min(DISPLAY_BUDGET);
    while !args.is_char_boundary(end) {
        end -= 1;
    }
    text.push_str(&args[..end].to_lowercase());
    text
}

/// Builds the quiz: at least one question per required fact, more until a blind guesser's
/// chance of passing is under the level's budget. `None` when the action has too little content
/// (the caller falls back to a teach-back).
pub(crate) fn generate(
    ctx: &ActionContext,
    factors: &[RiskFactor],
    level: RiskLevel,
    seed: u64,
    policy: &QuizPolicy,
) -> Option<(Vec<QuizQuestion>, QuizKey)> {
    let facts = extract(ctx);
    let mut rng = SplitMix64::new(seed);
    let display = display_text(ctx);
    let same_kind = |kind: FactKind| -> Vec<String> {
        facts
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.value.clone())
            .collect()
    };

    // Tier 1: typed exact values (unique of their kind). Tier 2: multiple choice over peers.
    let mut typed_pool = Vec::new();
    let mut choice_pool = Vec::new();
    let mut weak_pool = Vec::new();
    for (i, fact) in facts.iter().enumerate() {
        let siblings = same_kind(fact.kind);
        if siblings.len() == 1
            && let Some(c) = typed(fact.kind, i, &fact.value)
        {
            typed_pool.push(c);
        }
        let others: Vec<String> = siblings.into_iter().filter(|v| *v != fact.value).collect();
        let options = peers(
            fact.kind,
            &fact.value,
            DISTRACTORS,
            &others,
            &display,
            |v| normalize(fact.kind, v),
            &mut rng,
        );
        if let Some(c) = choice(fact.kind, Some(i), &fact.value, options, &mut rng) {
            if prior_guessable(fact.kind) {
                weak_pool.push(c);
            } else {
                choice_pool.push(c);
            }
        }
    }
    // The operation itself, among peers of risky-sounding operations.
    let operation = {
        let name = ctx.function_name.trim();
        let options = peers(
            FactKind::Operation,
            name,
            DISTRACTORS,
            &[],
            &display,
            normalize_identifier,
            &mut rng,
        );
        if name.is_empty() || name.contains("[REDACTED") {
            None
        } else {
            choice(FactKind::Operation, None, name, options, &mut rng)
        }
    };
    // The consequence question, grounded in what the action does and its risk evidence.
    let applicable = consequences(ctx, factors);
    let consequence = applicable.first().and_then(|primary| {
        let mut wrong: Vec<String> = consequence::ALL
            .iter()
            .filter(|c| !applicable.iter().any(|a| a.confusable(**c)))
            .map(|c| c.label().to_owned())
            .collect();
        rng.shuffle(&mut wrong);
        wrong.truncate(DISTRACTORS);
        choice(
            FactKind::Consequence,
            None,
            primary.label(),
            wrong,
            &mut rng,
        )
    });
    rng.shuffle(&mut typed_pool);
    rng.shuffle(&mut choice_pool);
    rng.shuffle(&mut weak_pool);
    // Prefer kinds not yet asked within each tier.
    let spread = |pool: &mut Vec<Candidate>| {
        let mut seen: Vec<FactKind> = Vec::new();
        pool.sort_by_key(|c| {
            let repeat = seen.contains(&c.kind);
            seen.push(c.kind);
            repeat
        });
    };
    spread(&mut typed_pool);
    spread(&mut choice_pool);

    let wanted = min_questions(level, policy);
    let budget = guess_budget(level);
    let mut order: Vec<Candidate> = Vec::new();
    let mut typed_iter = typed_pool.into_iter();
    if let Some(first) = typed_iter.next() {
        order.push(first);
    }
    if let Some(c) = consequence {
        order.push(c);
    }
    order.extend(choice_pool);
    order.extend(typed_iter);
    order.extend(operation);
    order.extend(weak_pool);

    let mut chosen: Vec<Candidate> = Vec::new();
    let mut chance = 1.0;
    for candidate in order {
        if chosen.len() >= wanted && chance <= budget {
            break;
        }
        if chosen.len() == MAX_QUESTIONS {
            break;
        }
        // Different facts: never two questions about the same value.
        // (the same value seen as two kinds, a file `a@b.com` and an address, is one fact).
        let value_of = |c: &Candidate| c.fact.map(|i| facts[i].value.to_lowercase());
        if candidate.fact.is_some()
            && chosen
                .iter()
                .any(|c| c.fact == candidate.fact || value_of(c) == value_of(&candidate))
        {
            continue;
        }
        chance *= candidate.blind_chance;
        chosen.push(candidate);
    }
    if chosen.len() < wanted || chance > budget {
        return None;
    }
    rng.shuffle(&mut chosen);
    let mut questions = Vec::with_capacity(chosen.len());
    let mut answers = Vec::with_capacity(chosen.len());
    for (n, c) in chosen.into_iter().enumerate() {
        let id = n as u32 + 1;
        let multiple = matches!(c.format, AnswerFormat::MultipleChoice { .. });
        questions.push(QuizQuestion {
            id,
            topic: c.kind,
            prompt: prompt_for(c.kind, multiple).to_owned(),
            format: c.format,
        });
        answers.push(ExpectedAnswer {
            question_id: id,
            topic: c.kind,
            accepted: c.accepted,
        });
    }
    let asked = questions.len() as u32;
    let required = policy.min_correct.map_or(asked, |m| m.max(1));
    if required > asked {
        return None;
    }
    Some((
        questions,
        QuizKey {
            required_correct: required,
            answers,
        },
    ))
}

fn choice_index(answer: &str) -> Option<usize> {
    let a = unquote(answer)
        .trim_matches(|c| c == '(' || c == ')' || c == '.')
        .trim()
        .to_lowercase();
    let mut chars = a.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_lowercase() => Some(c as usize - 'a' as usize),
        _ => a.parse::<usize>().ok().filter(|n| *n >= 1).map(|n| n - 1),
    }
}

fn is_correct(expected: &ExpectedAnswer, answer: &str) -> bool {
    if answer.trim().is_empty() {
        return false;
    }
    match &expected.accepted {
        AcceptedAnswer::Choice { index, value } => match choice_index(answer) {
            Some(i) => i == *index,
            None => normalize(expected.topic, answer) == normalize(expected.topic, value),
        },
        AcceptedAnswer::Exact { value } => match expected.topic {
            FactKind::Amount => match (parse_amount(answer), parse_amount(value)) {
                (Some(a), Some(b)) => amounts_equal(a, b),
                _ => false,
            },
            FactKind::Account => {
                let typed = normalize(FactKind::Account, answer);
                typed.len() >= 4 && typed.ends_with(&normalize(FactKind::Account, value))
            }
            kind => normalize(kind, answer) == normalize(kind, value),
        },
    }
}

/// Grades the answers. The result says which questions were "correct" or "incorrect", never what
/// the right answer was.
pub(crate) fn check(key: &QuizKey, answers: &[String]) -> ChallengeResult {
    let verdicts: Vec<bool> = key
        .answers
        .iter()
        .enumerate()
        .map(|(i, e)| answers.get(i).is_some_and(|a| is_correct(e, a)))
        .collect();
    let correct = verdicts.iter().filter(|v| **v).count() as u32;
    let asked = key.answers.len() as u32;
    let passed =
        asked > 0 && correct >= key.required_correct.max(1) && answers.len() <= key.answers.len();
    let mut result = ChallengeResult::new(ChallengeType::Quiz, passed)
        .with_detail(
            "answers",
            verdicts
                .iter()
                .map(|v| if *v { "correct" } else { "incorrect" })
                .collect::<Vec<_>>(),
        )
        .with_detail("required_correct", key.required_correct);
    result.questions_asked = asked;
    result.questions_correct = correct;
    if !passed {
        result = result.with_detail("reason", "incorrect");
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiz_for(
        ctx: &ActionContext,
        level: RiskLevel,
        seed: u64,
    ) -> Option<(Vec<QuizQuestion>, QuizKey)> {
        generate(ctx, &[], level, seed, &QuizPolicy::default())
    }

    fn right(key: &QuizKey) -> Vec<String> {
        key.answers
            .iter()
            .map(|a| match &a.accepted {
                AcceptedAnswer::Choice { index, .. } => ((b'a' + *index as u8) as char).to_string(),
                AcceptedAnswer::Exact { value } => value.clone(),
            })
            .collect()
    }

    fn wrong(key: &QuizKey) -> Vec<String> {
        key.answers
            .iter()
            .map(|a| match &a.accepted {
                AcceptedAnswer::Choice { index, .. } => {
                    if *index == 0 { "b" } else { "a" }.to_owned()
                }
                AcceptedAnswer::Exact { .. } => "999999999".to_owned(),
            })
            .collect()
    }

    #[test]
    fn high_asks_two_different_facts_and_critical_three() {
        let ctx = ActionContext::new("execute_sql").with_kwarg("query", "DROP TABLE customers");
        for seed in 0..20 {
            let (questions, key) = quiz_for(&ctx, RiskLevel::High, seed).unwrap();
            assert!(questions.len() >= 2, "{questions:?}");
            let mut topics: Vec<_> = questions.iter().map(|q| q.topic).collect();
            topics.sort();
            topics.dedup();
            assert_eq!(
                topics.len(),
                questions.len(),
                "different facts: {questions:?}"
            );
            assert!(check(&key, &right(&key)).passed);
            let r = check(&key, &wrong(&key));
            assert!(!r.passed);
            assert_eq!(r.details["reason"], "incorrect");
            assert!(!serde_json::to_string(&r).unwrap().contains("customers"));
            let (questions, _) = quiz_for(&ctx, RiskLevel::Critical, seed).unwrap();
            assert!(questions.len() >= 3, "{questions:?}");
        }
    }

    #[test]
    fn options_are_peers_of_the_same_kind_never_visible_in_the_action() {
        let ctx =
            ActionContext::new("delete_file").with_kwarg("path", "/srv/reports/q3_sales_2024.csv");
        for seed in 0..30 {
            let (questions, _) = quiz_for(&ctx, RiskLevel::High, seed).unwrap();
            for q in &questions {
                let AnswerFormat::MultipleChoice { options } = &q.format else {
                    continue;
                };
                assert_eq!(options.len(), 5, "{options:?}");
                if q.topic == FactKind::File {
                    assert!(options.iter().all(|o| o.ends_with(".csv")), "{options:?}");
                }
                if q.topic == FactKind::Directory {
                    assert!(
                        options.iter().all(|o| o.starts_with("/srv/")),
                        "{options:?}"
                    );
                }
                let visible = options
                    .iter()
                    .filter(|o| "/srv/reports/q3_sales_2024.csv delete_file".contains(o.as_str()))
                    .count();
                assert!(visible <= 1, "{options:?}");
            }
        }
    }

    #[test]
    fn typed_values_compare_sensibly() {
        let key = QuizKey {
            required_correct: 1,
            answers: vec![ExpectedAnswer {
                question_id: 1,
                topic: FactKind::Amount,
                accepted: AcceptedAnswer::Exact {
                    value: "27300".into(),
                },
            }],
        };
        for ok in ["27300", "27,300", "$27,300.00", "27300 EUR"] {
            assert!(check(&key, &[ok.to_owned()]).passed, "{ok}");
        }
        for bad in ["2730", "273000", "", "twelve"] {
            assert!(!check(&key, &[bad.to_owned()]).passed, "{bad}");
        }
        let iban = QuizKey {
            required_correct: 1,
            answers: vec![ExpectedAnswer {
                question_id: 1,
                topic: FactKind::Account,
                accepted: AcceptedAnswer::Exact {
                    value: "3000".into(),
                },
            }],
        };
        assert!(check(&iban, &["3000".to_owned()]).passed);
        assert!(check(&iban, &["DE89 3704 0044 0532 0130 00".to_owned()]).passed);
        assert!(!check(&iban, &["3001".to_owned()]).passed);
    }

    #[test]
    fn redacted_values_and_empty_actions_are_never_asked() {
        assert!(quiz_for(&ActionContext::new("ping"), RiskLevel::High, 1).is_none());
        let ctx = ActionContext::new("connect").with_kwarg("host", "[REDACTED:password]");
        if let Some((questions, key)) = quiz_for(&ctx, RiskLevel::High, 1) {
            assert!(
                !serde_json::to_string(&(questions, key))
                    .unwrap()
                    .contains("REDACTED")
            );
        }
    }

    #[test]
    fn missing_or_extra_answers_fail() {
        let ctx = ActionContext::new("drop_table")
            .with_arg("users")
            .with_kwarg("host", "db.example.com");
        let (_, key) = quiz_for(&ctx, RiskLevel::High, 2).unwrap();
        let mut answers = right(&key);
        assert!(!check(&key, &answers[..1]).passed);
        answers.push("a".into());
        assert!(!check(&key, &answers).passed);
        assert!(!check(&key, &[]).passed);
    }
}
