//! Adversary suite for quizzes: blind guessers and a reader bot against a corpus of realistic
//! HIGH/CRITICAL actions (`corpus/challenge_actions.jsonl`, made by `gen_challenge_corpus.py`).
//!
//! Run with `cargo test -p attesta-core --test challenge_adversary -- --nocapture` to see the
//! figures published in docs/challenges.md.
//!
//! - Blind guessers see only the questions and their options, never the action: random, the
//!   odd-one-out pair (the option most like the others, and the least like them), length and
//!   shape guessers, a rarity guesser (picks the option whose words are rarest across all
//!   quizzes) and a prior guesser trained on the corpus's own right answers (for free-text
//!   questions it types the most frequent right answer of that kind).
//! - The reader bot sees only what the approver sees (the action as displayed: name,
//!   description, redacted arguments, risk evidence) and answers by looking things up there.
//!
//! Targets (issue: challenges that prove understanding): the best blind guesser passes at most
//! 5 % of HIGH quizzes and 0.5 % of CRITICAL multi-party quiz steps; the reader bot passes at
//! least 98 %.

#![allow(clippy::print_stdout)]

use std::collections::HashMap;

use attesta_core::challenge::{
    AnswerFormat, AnswerKey, ChallengeBody, ChallengeOptions, Expected, PublicChallenge,
    QuizQuestion, Response, check, generate,
};
use attesta_core::scoring::{DefaultRiskScorer, RiskScorer};
use attesta_core::{ActionContext, ChallengeType, RiskLevel};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
struct Case {
    id: String,
    #[allow(dead_code)]
    domain: String,
    level: RiskLevel,
    ctx: ActionContext,
}

fn load() -> Vec<Case> {
    include_str!("corpus/challenge_actions.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("line {}: {e}", i + 1)))
        .collect()
}

/// A quiz as posed: its public questions and the key that grades them.
struct Posed {
    questions: Vec<QuizQuestion>,
    public: PublicChallenge,
    key: AnswerKey,
}

fn seed_for(id: &str, n: u64) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    }) ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// HIGH: the quiz itself. CRITICAL: the quiz step (approver 2) of a three-person review.
fn pose(case: &Case, seed: u64) -> Option<Posed> {
    let mut assessment = DefaultRiskScorer::new().score(&case.ctx);
    assessment.level = case.level;
    let (challenge, approvers) = match case.level {
        RiskLevel::Critical => (ChallengeType::MultiParty, 3),
        _ => (ChallengeType::Quiz, 1),
    };
    let mut options = ChallengeOptions::new(challenge, seed);
    options.approvers_required = approvers;
    let (public, key) = generate(&case.ctx, &assessment, &options);
    let (public, key) = match (&public.body, &key.expected) {
        (ChallengeBody::MultiParty { steps, .. }, Expected::MultiParty { steps: keys, .. }) => {
            (steps[1].clone(), keys[1].clone())
        }
        _ => (public, key),
    };
    match &public.body {
        ChallengeBody::Quiz { questions, .. } => Some(Posed {
            questions: questions.clone(),
            public: public.clone(),
            key,
        }),
        _ => None,
    }
}

fn passes(posed: &Posed, answers: Vec<String>) -> bool {
    check(&posed.key, &Response::Quiz(answers), 1e9, &[])
        .map(|r| r.passed)
        .unwrap_or(false)
}

fn topic(q: &QuizQuestion) -> String {
    serde_json::to_value(q.topic)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn options(q: &QuizQuestion) -> Option<&[String]> {
    match &q.format {
        AnswerFormat::MultipleChoice { options } => Some(options),
        AnswerFormat::FreeText { .. } => None,
    }
}

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n.max(1) as u64) as usize
    }
}

fn bigrams(s: &str) -> Vec<(char, char)> {
    let c: Vec<char> = s.to_lowercase().chars().collect();
    c.windows(2).map(|w| (w[0], w[1])).collect()
}

fn similarity(a: &str, b: &str) -> f64 {
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let common = x.iter().filter(|g| y.contains(g)).count();
    2.0 * common as f64 / (x.len() + y.len()) as f64
}

fn shape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let k = if c.is_ascii_digit() {
            '9'
        } else if c.is_alphabetic() {
            'a'
        } else {
            c
        };
        if !out.ends_with(k) {
            out.push(k);
        }
    }
    out
}

fn words_of(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Knowledge a blind guesser may have: statistics over every quiz of the corpus (never the
/// action behind a given quiz).
#[derive(Default)]
struct Priors {
    /// topic → right-answer value → count.
    answers: HashMap<String, HashMap<String, usize>>,
    /// word → how many options across all quizzes contain it.
    option_words: HashMap<String, usize>,
}

fn right_values(key: &AnswerKey) -> Vec<String> {
    let v = serde_json::to_value(&key.expected).unwrap_or(Value::Null);
    v["answers"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| x["accepted"]["value"].as_str().unwrap_or("").to_lowercase())
                .collect()
        })
        .unwrap_or_default()
}

type Guesser = fn(&QuizQuestion, &Priors, &mut Rng) -> String;

fn pick(opts: &[String], index: usize) -> String {
    ((b'a' + index as u8) as char)
        .to_string()
        .chars()
        .next()
        .map_or_else(String::new, |_| opts[index].clone())
}

fn g_random(q: &QuizQuestion, _: &Priors, r: &mut Rng) -> String {
    options(q).map_or_else(String::new, |o| pick(o, r.below(o.len())))
}

fn by_score(q: &QuizQuestion, r: &mut Rng, score: impl Fn(&[String], usize) -> f64) -> String {
    let Some(o) = options(q) else {
        return String::new();
    };
    let scores: Vec<f64> = (0..o.len()).map(|i| score(o, i)).collect();
    let best = scores.iter().copied().fold(f64::MIN, f64::max);
    let top: Vec<usize> = (0..o.len())
        .filter(|i| (scores[*i] - best).abs() < 1e-9)
        .collect();
    pick(o, top[r.below(top.len())])
}

fn g_centre(q: &QuizQuestion, _: &Priors, r: &mut Rng) -> String {
    by_score(q, r, |o, i| {
        (0..o.len())
            .filter(|j| *j != i)
            .map(|j| similarity(&o[i], &o[j]))
            .sum()
    })
}

fn g_outlier(q: &QuizQuestion, _: &Priors, r: &mut Rng) -> String {
    by_score(q, r, |o, i| {
        -(0..o.len())
            .filter(|j| *j != i)
            .map(|j| similarity(&o[i], &o[j]))
            .sum::<f64>()
    })
}

fn g_longest(q: &QuizQuestion, _: &Priors, r: &mut Rng) -> String {
    by_score(q, r, |o, i| o[i].len() as f64)
}

fn g_shortest(q: &QuizQuestion, _: &Priors, r: &mut Rng) -> String {
    by_score(q, r, |o, i| -(o[i].len() as f64))
}

fn g_shape(q: &QuizQuestion, _: &Priors, r: &mut Rng) -> String {
    // The option whose shape (letters/digits/punctuation pattern) is shared by fewest others.
    by_score(q, r, |o, i| {
        -(o.iter().filter(|x| shape(x) == shape(&o[i])).count() as f64)
    })
}

fn g_rarity(q: &QuizQuestion, p: &Priors, r: &mut Rng) -> String {
    by_score(q, r, |o, i| {
        let w = words_of(&o[i]);
        if w.is_empty() {
            return 0.0;
        }
        -(w.iter()
            .map(|x| *p.option_words.get(x).unwrap_or(&0) as f64)
            .sum::<f64>()
            / w.len() as f64)
    })
}

fn g_prior(q: &QuizQuestion, p: &Priors, r: &mut Rng) -> String {
    let table = p.answers.get(&topic(q));
    match options(q) {
        Some(_) => by_score(q, r, |o, i| {
            table
                .and_then(|t| t.get(&o[i].to_lowercase()))
                .copied()
                .unwrap_or(0) as f64
        }),
        None => table
            .and_then(|t| {
                t.iter()
                    .max_by_key(|(v, n)| (**n, std::cmp::Reverse((*v).clone())))
            })
            .map(|(v, _)| v.clone())
            .unwrap_or_default(),
    }
}

const GUESSERS: &[(&str, Guesser)] = &[
    ("random", g_random),
    ("odd-one-out: centre", g_centre),
    ("odd-one-out: outlier", g_outlier),
    ("longest", g_longest),
    ("shortest", g_shortest),
    ("shape", g_shape),
    ("rarity", g_rarity),
    ("prior (trained on answers)", g_prior),
];

// ---- the reader bot ---------------------------------------------------------------------------

/// What the approver sees: the action as every channel displays it.
fn display_text(public: &PublicChallenge) -> String {
    let a = &public.action;
    let mut text = format!("{}\n", a.action);
    if let Some(d) = &a.description {
        text.push_str(d);
        text.push('\n');
    }
    if let Some(e) = &a.environment {
        text.push_str(&format!("environment: {e}\n"));
    }
    text.push_str(&attesta_core::display::show_json(&a.arguments, 1 << 20));
    text.push('\n');
    for f in &a.factors {
        text.push_str(&f.evidence);
        text.push('\n');
    }
    text
}

fn leaves(v: &Value, key: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, v)| leaves(v, k, out)),
        Value::Array(a) => a.iter().for_each(|v| leaves(v, key, out)),
        Value::String(s) => out.push((key.to_lowercase(), s.clone())),
        Value::Number(n) => out.push((key.to_lowercase(), n.to_string())),
        _ => {}
    }
}

fn word_in(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.to_lowercase(), needle.to_lowercase());
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    h.match_indices(&n).any(|(i, _)| {
        h[..i].chars().next_back().is_none_or(|c| !is_word(c))
            && h[i + n.len()..].chars().next().is_none_or(|c| !is_word(c))
    })
}

/// Consequences a reader infers from the displayed action's words (the bot's own lexicon).
fn reader_consequence(public: &PublicChallenge, opts: &[String]) -> Option<usize> {
    // A reader looks at what is done: the action's name and the command or query it runs.
    let mut l = Vec::new();
    leaves(&public.action.arguments, "", &mut l);
    let mut d = public.action.action.to_lowercase();
    for (k, v) in &l {
        if ["command", "query", "cmd", "sql"].contains(&k.as_str()) {
            d.push(' ');
            d.push_str(&v.to_lowercase());
        }
    }
    for (k, _) in &l {
        d.push(' ');
        d.push_str(k);
    }
    let tokens: Vec<&str> = d
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|t| !t.is_empty())
        .collect();
    let has = |t: &str| {
        if t.contains(' ') {
            d.contains(t)
        } else {
            tokens
                .iter()
                .any(|x| x.starts_with(t) && x.len() <= t.len() + 3)
        }
    };
    let cues: &[(&[&str], &[&str])] = &[
        (
            &["drop table", "truncate", "delete from", "update "],
            &["database"],
        ),
        (
            &[
                "refund",
                "pay",
                "transfer",
                "wire",
                "payout",
                "amount",
                "send_crypto",
                "crypto",
            ],
            &["money"],
        ),
        (
            &["rm", "delete", "rmtree", "purge", "remove", "deletion"],
            &["deleted"],
        ),
        (&["kubectl delete"], &["deleted", "stopped"]),
        (&["replicas"], &["stopped"]),
        (&["overwrite", "move", "push"], &["overwritten", "moved"]),
        (
            &[
                "grant", "role", "invite", "token", "revoke", "chmod", "access",
            ],
            &["access"],
        ),
        (&["email", "share", "forward", "ssh"], &["sent", "shared"]),
        (
            &["deploy", "merge", "rollback", "scale", "replicas"],
            &["software"],
        ),
        (&["| bash", "| sudo bash", "| sh"], &["code from elsewhere"]),
        (&["key", "kms", "signing", "private"], &["key"]),
        (
            &["write", "overwrite", "move", "push"],
            &["overwritten", "moved"],
        ),
    ];
    // The first option any cue in view points at.
    for (triggers, words) in cues {
        if triggers.iter().any(|t| has(t))
            && let Some(i) =
                (0..opts.len()).find(|i| words.iter().any(|w| opts[*i].to_lowercase().contains(w)))
        {
            return Some(i);
        }
    }
    None
}

fn reader_free_text(q: &QuizQuestion, public: &PublicChallenge) -> String {
    let mut l = Vec::new();
    leaves(&public.action.arguments, "", &mut l);
    let t = topic(q);
    let by_key = |keys: &[&str]| {
        l.iter()
            .find(|(k, _)| keys.iter().any(|x| k.contains(x)))
            .map(|(_, v)| v.clone())
    };
    let sql_table = || {
        l.iter().find_map(|(_, v)| {
            let w: Vec<&str> = v.split_whitespace().collect();
            w.windows(2).find_map(|p| {
                let kw = p[0].to_lowercase();
                (["table", "from", "into", "update"].contains(&kw.as_str())
                    && !["table", "from"].contains(&p[1].to_lowercase().as_str()))
                .then(|| p[1].to_owned())
            })
        })
    };
    let guess = match t.as_str() {
        "amount" => by_key(&["amount", "total", "price", "sum"]),
        "table" => by_key(&["table"]).or_else(sql_table),
        "branch" => by_key(&["branch", "base", "ref"]).or_else(|| {
            l.iter().find_map(|(_, v)| {
                v.contains("git push")
                    .then(|| v.split_whitespace().last().unwrap_or("").to_owned())
            })
        }),
        "record_id" => by_key(&["_id", "id"]),
        "account" => by_key(&["iban", "address", "account"]).map(|v| {
            let c: Vec<char> = v.chars().filter(|c| c.is_alphanumeric()).collect();
            c[c.len().saturating_sub(4)..].iter().collect()
        }),
        "person" => by_key(&["user", "beneficiary", "email", "payee", "member"]),
        "service" => by_key(&["service", "deployment", "app", "job"]),
        "version" => by_key(&["version", "tag"]),
        "repository" => by_key(&["repo"]),
        "resource" => by_key(&["resource", "project", "org", "database", "db"]).or_else(|| {
            by_key(&["command"]).and_then(|c| c.split_whitespace().last().map(str::to_owned))
        }),
        "environment" => public
            .action
            .environment
            .clone()
            .or_else(|| by_key(&["env", "namespace", "stage"])),
        "file" => l.iter().find_map(|(_, v)| {
            v.split_whitespace()
                .find(|w| w.contains('/') && w.rsplit('/').next().is_some_and(|f| f.contains('.')))
                .map(|w| w.rsplit('/').next().unwrap_or("").to_owned())
        }),
        "recipient" => by_key(&["to", "recipient", "email", "share_with", "user"]).or_else(|| {
            l.iter().find_map(|(_, v)| {
                v.split(|c: char| c.is_whitespace() || c == '\'')
                    .find(|w| w.contains('@') && w.contains('.'))
                    .map(str::to_owned)
            })
        }),
        "host" => l.iter().find_map(|(_, v)| {
            v.split("://")
                .nth(1)
                .map(|r| r.split(['/', ':']).next().unwrap_or("").to_owned())
        }),
        "command" => by_key(&["command", "cmd"])
            .map(|c| c.split_whitespace().next().unwrap_or("").to_owned()),
        "directory" => l.iter().find_map(|(_, v)| {
            v.split_whitespace().find(|w| w.starts_with('/')).map(|p| {
                let last = p.rsplit('/').next().unwrap_or("");
                if last.contains('.') {
                    p[..p.len() - last.len() - 1].to_owned()
                } else {
                    p.to_owned()
                }
            })
        }),
        _ => None,
    };
    guess.unwrap_or_default()
}

fn reader(posed: &Posed) -> Vec<String> {
    let display = display_text(&posed.public);
    posed
        .questions
        .iter()
        .map(|q| match options(q) {
            Some(opts) => {
                if topic(q) == "operation" {
                    return posed.public.action.action.clone();
                }
                if topic(q) == "consequence" {
                    return reader_consequence(&posed.public, opts)
                        .map_or_else(String::new, |i| opts[i].clone());
                }
                // Several options in view (a folder and its parent): the most specific one.
                (0..opts.len())
                    .filter(|i| word_in(&display, &opts[*i]))
                    .max_by_key(|i| opts[*i].len())
                    .map_or_else(String::new, |i| opts[i].clone())
            }
            None => reader_free_text(q, &posed.public),
        })
        .collect()
}

// ---- the run ----------------------------------------------------------------------------------

struct Tally {
    fallback_ids: Vec<String>,
    quizzes: usize,
    fallbacks: usize,
    passed: Vec<usize>,
    reader: usize,
    questions: usize,
    free_text: usize,
    reader_failures: Vec<String>,
}

impl Tally {
    fn add(&mut self, o: Tally) {
        self.quizzes += o.quizzes;
        self.fallbacks += o.fallbacks;
        self.reader += o.reader;
        self.questions += o.questions;
        self.free_text += o.free_text;
        for (a, b) in self.passed.iter_mut().zip(o.passed) {
            *a += b;
        }
        self.reader_failures.extend(o.reader_failures);
        self.fallback_ids.extend(o.fallback_ids);
    }
}

fn level<'a>(cs: &[&'a Case], l: RiskLevel) -> Vec<&'a Case> {
    cs.iter().copied().filter(|c| c.level == l).collect()
}

fn run(cases: &[&Case], seeds: u64, priors: &Priors) -> Tally {
    let mut t = Tally {
        fallback_ids: Vec::new(),
        quizzes: 0,
        fallbacks: 0,
        passed: vec![0; GUESSERS.len()],
        reader: 0,
        questions: 0,
        free_text: 0,
        reader_failures: Vec::new(),
    };
    for case in cases {
        for n in 0..seeds {
            let seed = seed_for(&case.id, n);
            let Some(posed) = pose(case, seed) else {
                t.fallbacks += 1;
                if n == 0 {
                    t.fallback_ids.push(format!(
                        "{} {}",
                        case.id,
                        serde_json::to_string(&case.ctx.kwargs).unwrap_or_default()
                    ));
                }
                continue;
            };
            t.quizzes += 1;
            t.questions += posed.questions.len();
            t.free_text += posed
                .questions
                .iter()
                .filter(|q| options(q).is_none())
                .count();
            for (g, (_, guesser)) in GUESSERS.iter().enumerate() {
                let mut rng = Rng(seed ^ ((g as u64 + 1) * 7919));
                let answers = posed
                    .questions
                    .iter()
                    .map(|q| guesser(q, priors, &mut rng))
                    .collect();
                if passes(&posed, answers) {
                    t.passed[g] += 1;
                }
            }
            let answers = reader(&posed);
            if passes(&posed, answers.clone()) {
                t.reader += 1;
            } else if t.reader_failures.len() < 8 {
                t.reader_failures.push(format!(
                    "{}: {:?} answered {answers:?}",
                    case.id,
                    posed
                        .questions
                        .iter()
                        .map(|q| (&q.prompt, options(q)))
                        .collect::<Vec<_>>()
                ));
            }
        }
    }
    t
}

fn priors(cases: &[&Case]) -> Priors {
    let mut p = Priors::default();
    for case in cases {
        for n in 0..2 {
            let Some(posed) = pose(case, seed_for(&case.id, 1000 + n)) else {
                continue;
            };
            for (q, v) in posed.questions.iter().zip(right_values(&posed.key)) {
                *p.answers.entry(topic(q)).or_default().entry(v).or_default() += 1;
                for o in options(q).unwrap_or(&[]) {
                    for w in words_of(o) {
                        *p.option_words.entry(w).or_default() += 1;
                    }
                }
            }
        }
    }
    p
}

fn report(label: &str, t: &Tally) -> f64 {
    let pct = |n: usize| 100.0 * n as f64 / t.quizzes.max(1) as f64;
    println!(
        "\n{label}: {} quizzes ({} fell back to a teach-back), {:.2} questions each, {:.0} % free-text",
        t.quizzes,
        t.fallbacks,
        t.questions as f64 / t.quizzes.max(1) as f64,
        100.0 * t.free_text as f64 / t.questions.max(1) as f64
    );
    let mut best = 0.0_f64;
    for (g, (name, _)) in GUESSERS.iter().enumerate() {
        println!("  {name:<28} passes {:>6.2} %", pct(t.passed[g]));
        best = best.max(pct(t.passed[g]));
    }
    println!(
        "  {:<28} passes {:>6.2} %",
        "reader bot (sees display)",
        pct(t.reader)
    );
    if std::env::var_os("ATTESTA_SHOW_FALLBACKS").is_some() {
        for f in &t.fallback_ids {
            println!("    fell back: {f}");
        }
    }
    for f in &t.reader_failures {
        println!("    reader failed {f}");
    }
    best
}

#[test]
fn blind_guessers_fail_and_the_reader_passes() {
    let cases = load();
    assert!(cases.len() >= 300, "corpus has {} actions", cases.len());
    // Two folds: the guessers' statistics come from the half of the corpus they are not tested on.
    let fold = |k: usize| -> Vec<&Case> {
        cases
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == k)
            .map(|(_, c)| c)
            .collect()
    };
    let (a, b) = (fold(0), fold(1));
    let (pa, pb) = (priors(&a), priors(&b));
    let mut h = run(&level(&a, RiskLevel::High), 4, &pb);
    h.add(run(&level(&b, RiskLevel::High), 4, &pa));
    let mut c = run(&level(&a, RiskLevel::Critical), 8, &pb);
    c.add(run(&level(&b, RiskLevel::Critical), 8, &pa));
    let best_high = report("HIGH quizzes", &h);
    let best_critical = report("CRITICAL multi-party quiz steps", &c);
    let reader = 100.0 * (h.reader + c.reader) as f64 / (h.quizzes + c.quizzes).max(1) as f64;
    println!(
        "\nbest blind guesser: HIGH {best_high:.2} %, CRITICAL {best_critical:.2} %; reader bot {reader:.2} %"
    );
    assert!(
        h.quizzes >= 300 && c.quizzes >= 600,
        "too few quizzes posed"
    );
    assert!(
        best_high <= 5.0,
        "a blind guesser passes {best_high:.2} % of HIGH quizzes"
    );
    assert!(
        best_critical <= 0.5,
        "a blind guesser passes {best_critical:.2} % of CRITICAL quiz steps"
    );
    assert!(reader >= 98.0, "the reader bot passes only {reader:.2} %");
}
