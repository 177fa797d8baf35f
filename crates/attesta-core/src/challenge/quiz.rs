//! Quiz: 1–3 questions about what the action really touches, with distractors of the same kind.

use serde::{Deserialize, Serialize};

use super::facts::{Fact, FactKind, extract};
use super::rng::SplitMix64;
use super::text::{
    amounts_equal, format_amount, normalize_host, normalize_identifier, normalize_path,
    parse_amount, unquote, words,
};
use crate::config::QuizPolicy;
use crate::context::ActionContext;
use crate::result::ChallengeResult;
use crate::types::ChallengeType;

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

const MAX_QUESTIONS: u32 = 3;
const DISTRACTORS: usize = 3;

fn prompt_for(kind: FactKind, multiple_choice: bool) -> &'static str {
    match (kind, multiple_choice) {
        (FactKind::Directory, _) => "Which directory does this action operate on?",
        (FactKind::File, _) => "Which file does this action operate on?",
        (FactKind::Table, _) => "Which database table does this action touch?",
        (FactKind::Recipient, _) => "Who is the recipient of this action?",
        (FactKind::Host, _) => "Which host does this action contact?",
        (FactKind::Amount, _) => "What amount does this action involve?",
        (FactKind::Branch, _) => "Which branch does this action target?",
        (FactKind::Environment, _) => "Which environment does this action run against?",
        (FactKind::Command, _) => "Which program does the command run?",
        (FactKind::RecordId, true) => "Which record id does this action affect?",
        (FactKind::RecordId, false) => "Type the record id this action affects.",
    }
}

fn free_text_hint(kind: FactKind) -> &'static str {
    match kind {
        FactKind::Amount => {
            "Type the exact amount shown in the arguments (digits; currency symbols and separators are ignored)."
        }
        _ => "Type the exact value shown in the arguments.",
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
        _ => normalize_identifier(value),
    }
}

fn join(parent: &str, child: &str) -> String {
    if parent.ends_with('/') {
        format!("{parent}{child}")
    } else {
        format!("{parent}/{child}")
    }
}

fn directory_candidates(value: &str) -> Vec<String> {
    let v = value.trim_end_matches('/');
    if v.is_empty() {
        return ["/tmp", "/var", "/home", "/srv", "/etc", "/opt"]
            .map(String::from)
            .to_vec();
    }
    let (parent, last) = match v.rfind('/') {
        Some(0) => ("/", &v[1..]),
        Some(i) => (&v[..i], &v[i + 1..]),
        None => (".", v),
    };
    let mut out = vec![
        parent.to_owned(),
        join(v, "tmp"),
        join(v, "backup"),
        format!("{v}_old"),
        format!("{v}-backup"),
    ];
    for sibling in [
        "backup", "archive", "tmp", "data", "logs", "cache", "shared", "old", "staging", "prod",
        "build",
    ] {
        if sibling != last {
            out.push(join(parent, sibling));
        }
    }
    out
}

fn file_candidates(value: &str) -> Vec<String> {
    let (stem, ext) = match value.rfind('.') {
        Some(i) if i > 0 => (&value[..i], Some(&value[i + 1..])),
        _ => (value, None),
    };
    let mut out = Vec::new();
    for other in ["json", "csv", "txt", "yaml", "bak", "log", "sql", "xml"] {
        if Some(other) != ext {
            out.push(format!("{stem}.{other}"));
        }
    }
    let dot_ext = ext.map(|e| format!(".{e}")).unwrap_or_default();
    for variant in [
        format!("{stem}_old"),
        format!("{stem}-backup"),
        format!("{stem}s"),
        format!("{stem}_2"),
    ] {
        out.push(format!("{variant}{dot_ext}"));
    }
    out
}

fn table_candidates(value: &str) -> Vec<String> {
    let (schema, name) = value
        .rsplit_once('.')
        .map_or((None, value), |(s, n)| (Some(s), n));
    let qualify = |n: String| schema.map_or(n.clone(), |s| format!("{s}.{n}"));
    let toggled = name
        .strip_suffix('s')
        .map_or_else(|| format!("{name}s"), str::to_owned);
    let mut out = vec![
        qualify(format!("{name}_archive")),
        qualify(format!("{name}_backup")),
        qualify(format!("{name}_old")),
        qualify(format!("tmp_{name}")),
        qualify(toggled),
    ];
    for pool in [
        "accounts",
        "orders",
        "customers",
        "sessions",
        "events",
        "payments",
        "invoices",
        "audit_log",
    ] {
        out.push(qualify(pool.to_owned()));
    }
    out
}

fn swap_tld(domain: &str) -> Vec<String> {
    let Some((rest, tld)) = domain.rsplit_once('.') else {
        return Vec::new();
    };
    ["com", "org", "net", "io", "co"]
        .iter()
        .filter(|t| **t != tld)
        .map(|t| format!("{rest}.{t}"))
        .collect()
}

fn recipient_candidates(value: &str) -> Vec<String> {
    match value.split_once('@') {
        Some((local, domain)) => {
            let mut out: Vec<String> = swap_tld(domain)
                .into_iter()
                .map(|d| format!("{local}@{d}"))
                .collect();
            for other in ["admin", "billing", "support", "finance", "team"] {
                if other != local {
                    out.push(format!("{other}@{domain}"));
                }
            }
            out.push(format!("{local}s@{domain}"));
            out
        }
        None => vec![
            format!("{value}2"),
            format!("{value}_team"),
            "admin".into(),
            "support".into(),
            "finance".into(),
        ],
    }
}

fn host_candidates(value: &str) -> Vec<String> {
    let octets: Vec<&str> = value.split('.').collect();
    if octets.len() == 4 && octets.iter().all(|o| o.parse::<u8>().is_ok()) {
        let last: u8 = octets[3].parse().unwrap_or(0);
        let base = octets[..3].join(".");
        return vec![
            format!("{base}.{}", last.wrapping_add(1)),
            format!("{base}.{}", last.wrapping_sub(1)),
            format!("{base}.{}", last.wrapping_add(10)),
            format!(
                "{}.{}.{}.{}",
                octets[0],
                octets[1],
                octets[2].parse::<u8>().unwrap_or(0).wrapping_add(1),
                last
            ),
        ];
    }
    let mut out = swap_tld(value);
    let labels: Vec<&str> = value.split('.').collect();
    if labels.len() >= 3 {
        let rest = labels[1..].join(".");
        for first in ["staging", "api", "internal", "www", "backup"] {
            if first != labels[0] {
                out.push(format!("{first}.{rest}"));
            }
        }
    } else {
        out.push(format!("api.{value}"));
        out.push(format!("staging.{value}"));
    }
    out.push(value.replacen('.', "-", 1));
    out
}

fn amount_candidates(value: &str) -> Vec<String> {
    let Some(v) = parse_amount(value) else {
        return Vec::new();
    };
    let mut out = vec![
        v * 10.0,
        v / 10.0,
        v * 2.0,
        v / 2.0,
        v + 1.0,
        v - 1.0,
        v + 100.0,
    ];
    // A digit transposition is the classic misreading of an amount.
    let digits = format!("{}", v.trunc() as i64);
    if digits.len() >= 2 {
        let mut swapped: Vec<char> = digits.chars().collect();
        swapped.swap(0, 1);
        let s: String = swapped.into_iter().collect();
        if let Ok(t) = s.parse::<f64>() {
            out.push(t + v.fract());
        }
    }
    out.into_iter()
        .filter(|c| *c > 0.0 && c.is_finite())
        .map(format_amount)
        .collect()
}

fn record_id_candidates(value: &str) -> Vec<String> {
    let chars: Vec<char> = value.chars().collect();
    let mut out = Vec::new();
    // Swap adjacent distinct digits.
    for i in 0..chars.len().saturating_sub(1) {
        if chars[i].is_ascii_digit() && chars[i + 1].is_ascii_digit() && chars[i] != chars[i + 1] {
            let mut c = chars.clone();
            c.swap(i, i + 1);
            out.push(c.into_iter().collect());
        }
    }
    // Bump the trailing number.
    let prefix_len = value.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (prefix, number) = value.split_at(prefix_len);
    if let Ok(n) = number.parse::<u64>() {
        let width = number.len();
        out.push(format!("{prefix}{:0width$}", n.saturating_add(1)));
        if n > 0 {
            out.push(format!("{prefix}{:0width$}", n - 1));
        }
        out.push(format!("{prefix}{:0width$}", n.saturating_add(10)));
    } else {
        out.push(format!("{value}2"));
        out.push(format!("{value}_1"));
        out.push(format!("{value}0"));
    }
    out
}

fn candidates(kind: FactKind, value: &str) -> Vec<String> {
    match kind {
        FactKind::Directory => directory_candidates(value),
        FactKind::File => file_candidates(value),
        FactKind::Table => table_candidates(value),
        FactKind::Recipient => recipient_candidates(value),
        FactKind::Host => host_candidates(value),
        FactKind::Amount => amount_candidates(value),
        FactKind::RecordId => record_id_candidates(value),
        FactKind::Branch => [
            "main",
            "master",
            "develop",
            "staging",
            "production",
            "release",
            "dev",
            "hotfix",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .chain([format!("{value}-old"), format!("backup/{value}")])
        .collect(),
        FactKind::Environment => [
            "production",
            "staging",
            "development",
            "test",
            "qa",
            "sandbox",
            "preview",
        ]
        .map(String::from)
        .to_vec(),
        FactKind::Command => [
            "rm",
            "mv",
            "cp",
            "rmdir",
            "chmod",
            "chown",
            "curl",
            "wget",
            "git",
            "kubectl",
            "terraform",
            "docker",
            "dd",
            "psql",
            "mysql",
            "ssh",
            "rsync",
            "find",
            "tar",
            "python",
            "bash",
            "npm",
            "make",
            "systemctl",
            "kill",
        ]
        .map(String::from)
        .to_vec(),
    }
}

/// Up to [`DISTRACTORS`] wrong options of the same kind, none equal (after normalisation) to the
/// answer or to any other value of that kind in the action.
fn distractors(
    kind: FactKind,
    value: &str,
    exclude: &[String],
    rng: &mut SplitMix64,
) -> Vec<String> {
    let mut pool = candidates(kind, value);
    rng.shuffle(&mut pool);
    let mut taken: Vec<String> = Vec::new();
    let mut seen: Vec<String> = exclude.iter().map(|e| normalize(kind, e)).collect();
    seen.push(normalize(kind, value));
    for candidate in pool {
        let n = normalize(kind, &candidate);
        if candidate.trim().is_empty() || seen.contains(&n) {
            continue;
        }
        seen.push(n);
        taken.push(candidate);
        if taken.len() == DISTRACTORS {
            break;
        }
    }
    taken
}

/// Whether the answer is printed in the question itself (such a question proves nothing).
fn answer_in_prompt(kind: FactKind, prompt: &str, value: &str) -> bool {
    let prompt_words = words(prompt);
    let answer_words = words(&normalize(kind, value));
    if answer_words.is_empty() {
        return true;
    }
    prompt_words
        .windows(answer_words.len())
        .any(|w| w == answer_words.as_slice())
}

/// An option that could be read as an option label (`b`, `2`) makes "answer with the letter or
/// the value" ambiguous.
fn looks_like_label(option: &str) -> bool {
    choice_index(option).is_some()
}

fn build_question(
    id: u32,
    fact: &Fact,
    same_kind: &[String],
    rng: &mut SplitMix64,
) -> Option<(QuizQuestion, ExpectedAnswer)> {
    let exact_kind = matches!(fact.kind, FactKind::Amount | FactKind::RecordId);
    let mut free_text = (exact_kind && rng.chance(1, 2)) || looks_like_label(&fact.value);
    let mut options = Vec::new();
    if !free_text {
        let others: Vec<String> = same_kind
            .iter()
            .filter(|v| **v != fact.value)
            .cloned()
            .collect();
        options = distractors(fact.kind, &fact.value, &others, rng);
        options.retain(|o| !looks_like_label(o));
        if options.len() < 2 {
            free_text = true;
        }
    }
    let prompt = prompt_for(fact.kind, !free_text).to_owned();
    if answer_in_prompt(fact.kind, &prompt, &fact.value) {
        return None;
    }
    let (format, accepted) = if free_text {
        (
            AnswerFormat::FreeText {
                hint: free_text_hint(fact.kind).to_owned(),
            },
            AcceptedAnswer::Exact {
                value: fact.value.clone(),
            },
        )
    } else {
        options.push(fact.value.clone());
        rng.shuffle(&mut options);
        let index = options.iter().position(|o| *o == fact.value)?;
        (
            AnswerFormat::MultipleChoice { options },
            AcceptedAnswer::Choice {
                index,
                value: fact.value.clone(),
            },
        )
    };
    Some((
        QuizQuestion {
            id,
            topic: fact.kind,
            prompt,
            format,
        },
        ExpectedAnswer {
            question_id: id,
            topic: fact.kind,
            accepted,
        },
    ))
}

/// Questions about distinct kinds of content first; `None` when the action has too little
/// content to meet the policy (the caller falls back to a teach-back).
pub(crate) fn generate(
    ctx: &ActionContext,
    seed: u64,
    policy: &QuizPolicy,
) -> Option<(Vec<QuizQuestion>, QuizKey)> {
    let facts = extract(ctx);
    if facts.is_empty() {
        return None;
    }
    let wanted = policy.questions.clamp(1, MAX_QUESTIONS) as usize;
    let mut rng = SplitMix64::new(seed);
    let mut kinds: Vec<FactKind> = Vec::new();
    for f in &facts {
        if !kinds.contains(&f.kind) {
            kinds.push(f.kind);
        }
    }
    rng.shuffle(&mut kinds);
    let mut questions = Vec::new();
    let mut answers = Vec::new();
    let mut used: Vec<usize> = Vec::new();
    // First pass: one question per kind; second pass: further facts of kinds already asked.
    for pass in 0..2 {
        for kind in &kinds {
            if questions.len() == wanted {
                break;
            }
            let same_kind: Vec<String> = facts
                .iter()
                .filter(|f| f.kind == *kind)
                .map(|f| f.value.clone())
                .collect();
            let mut candidates: Vec<usize> = (0..facts.len())
                .filter(|i| facts[*i].kind == *kind && !used.contains(i))
                .collect();
            if pass == 1 && candidates.is_empty() {
                continue;
            }
            rng.shuffle(&mut candidates);
            for i in candidates {
                let id = questions.len() as u32 + 1;
                if let Some((q, a)) = build_question(id, &facts[i], &same_kind, &mut rng) {
                    used.push(i);
                    questions.push(q);
                    answers.push(a);
                    break;
                }
                used.push(i);
            }
        }
    }
    let asked = questions.len() as u32;
    let required = policy.min_correct.map_or(asked, |m| m.max(1));
    if asked == 0 || required > asked {
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
    use serde_json::json;

    fn answers_for(questions: &[QuizQuestion], key: &QuizKey) -> Vec<String> {
        key.answers
            .iter()
            .zip(questions)
            .map(|(a, _)| match &a.accepted {
                AcceptedAnswer::Choice { index, .. } => ((b'a' + *index as u8) as char).to_string(),
                AcceptedAnswer::Exact { value } => value.clone(),
            })
            .collect()
    }

    fn wrong_for(key: &QuizKey) -> Vec<String> {
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

    fn policy(questions: u32) -> QuizPolicy {
        QuizPolicy {
            questions,
            min_correct: None,
        }
    }

    #[test]
    fn questions_come_from_the_real_content_with_same_kind_distractors() {
        let ctx = ActionContext::new("execute_sql").with_kwarg("query", "DROP TABLE customers");
        let (questions, key) = generate(&ctx, 3, &policy(1)).unwrap();
        assert_eq!(questions.len(), 1);
        assert_eq!(questions[0].topic, FactKind::Table);
        let AnswerFormat::MultipleChoice { options } = &questions[0].format else {
            panic!("expected choices")
        };
        assert_eq!(options.len(), 4);
        assert_eq!(options.iter().filter(|o| *o == "customers").count(), 1);
        assert!(
            options.iter().all(|o| !o.contains('/') && !o.contains('@')),
            "{options:?}"
        );
        assert!(check(&key, &answers_for(&questions, &key)).passed);
        let wrong = check(&key, &wrong_for(&key));
        assert!(!wrong.passed);
        assert_eq!(wrong.details["reason"], "incorrect");
        assert!(!serde_json::to_string(&wrong).unwrap().contains("customers"));
    }

    #[test]
    fn answers_are_normalised_sensibly() {
        let ctx = ActionContext::new("delete_dir").with_kwarg("directory", "/var/data/prod");
        let (questions, key) = generate(&ctx, 11, &policy(1)).unwrap();
        assert_eq!(questions[0].topic, FactKind::Directory);
        assert!(check(&key, &["/var/data/prod/".to_owned()]).passed);
        assert!(check(&key, &[" '/var/data/prod' ".to_owned()]).passed);
        assert!(
            !check(&key, &["/VAR/data/prod".to_owned()]).passed,
            "paths are case-sensitive"
        );
        let index = match &key.answers[0].accepted {
            AcceptedAnswer::Choice { index, .. } => *index,
            AcceptedAnswer::Exact { .. } => panic!("directories are multiple choice"),
        };
        assert!(check(&key, &[format!("{}", index + 1)]).passed);
        assert!(check(&key, &[format!("({})", (b'A' + index as u8) as char)]).passed);
    }

    #[test]
    fn amounts_compare_numerically() {
        let key = QuizKey {
            required_correct: 1,
            answers: vec![ExpectedAnswer {
                question_id: 1,
                topic: FactKind::Amount,
                accepted: AcceptedAnswer::Exact {
                    value: "1250.50".into(),
                },
            }],
        };
        for ok in ["1250.5", "$1,250.50", "1250.50 USD"] {
            assert!(check(&key, &[ok.to_owned()]).passed, "{ok}");
        }
        for bad in ["1205.50", "125.05", "", "twelve"] {
            assert!(!check(&key, &[bad.to_owned()]).passed, "{bad}");
        }
    }

    #[test]
    fn several_kinds_are_asked_and_min_correct_is_honoured() {
        let ctx = ActionContext::new("transfer_funds")
            .with_kwarg("amount", 5000)
            .with_kwarg("to", "treasury@example.com")
            .with_kwarg("account_id", "acct_8842");
        let (questions, key) = generate(&ctx, 5, &policy(3)).unwrap();
        assert_eq!(questions.len(), 3);
        let mut kinds: Vec<_> = questions.iter().map(|q| q.topic).collect();
        kinds.dedup();
        assert_eq!(kinds.len(), 3, "distinct kinds first");
        let mut answers = answers_for(&questions, &key);
        assert!(check(&key, &answers).passed);
        answers[1] = wrong_for(&key)[1].clone();
        let r = check(&key, &answers);
        assert!(!r.passed, "all must be correct by default");
        assert_eq!((r.questions_asked, r.questions_correct), (3, 2));

        let lenient = QuizPolicy {
            questions: 3,
            min_correct: Some(2),
        };
        let (questions, key) = generate(&ctx, 5, &lenient).unwrap();
        let mut answers = answers_for(&questions, &key);
        answers[0] = wrong_for(&key)[0].clone();
        assert!(check(&key, &answers).passed);
    }

    #[test]
    fn too_little_content_or_unreachable_min_correct_gives_none() {
        assert!(generate(&ActionContext::new("ping"), 1, &policy(2)).is_none());
        let ctx = ActionContext::new("drop_table").with_arg("users");
        assert!(
            generate(
                &ctx,
                1,
                &QuizPolicy {
                    questions: 3,
                    min_correct: Some(2)
                }
            )
            .is_none()
        );
        assert!(generate(&ctx, 1, &policy(3)).is_some());
    }

    #[test]
    fn a_question_whose_answer_is_in_its_text_is_dropped() {
        // A table literally named like words of the prompt cannot be asked about.
        let ctx = ActionContext::new("drop_table").with_arg("action");
        assert!(generate(&ctx, 1, &policy(1)).is_none());
    }

    #[test]
    fn missing_or_extra_answers_fail() {
        let ctx = ActionContext::new("drop_table")
            .with_arg("users")
            .with_kwarg("host", "db.example.com");
        let (questions, key) = generate(&ctx, 2, &policy(2)).unwrap();
        let mut answers = answers_for(&questions, &key);
        assert!(!check(&key, &answers[..1]).passed);
        answers.push("a".into());
        assert!(!check(&key, &answers).passed);
        assert!(!check(&key, &[]).passed);
        let _ = json!(null);
    }
}
