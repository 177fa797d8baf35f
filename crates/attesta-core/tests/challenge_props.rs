//! Property tests for challenge generation and checking: arbitrary actions never panic, the
//! public part never carries the answer key, and the key accepts exactly what it should.

use attesta_core::challenge::{
    AcceptedAnswer, AnswerFormat, ChallengeBody, ChallengeOptions, Expected, PublicChallenge,
    Response, check, generate,
};
use attesta_core::config::{QuizPolicy, TeachBackPolicy};
use attesta_core::{ActionContext, ChallengeType, RiskAssessment, RiskFactor};
use proptest::prelude::*;
use serde_json::{Map, Value};

const KEYS: &[&str] = &[
    "path",
    "file",
    "directory",
    "table",
    "query",
    "sql",
    "to",
    "recipients",
    "url",
    "host",
    "amount",
    "price",
    "branch",
    "environment",
    "command",
    "cmd",
    "id",
    "user_id",
    "record_id",
    "message",
    "recursive",
    "force",
    "data",
];

const VALUES: &[&str] = &[
    "/var/data/prod",
    "/etc/passwd",
    "~/.ssh/id_rsa",
    "./build/",
    "report.csv",
    "DELETE FROM users",
    "DROP TABLE orders",
    "SELECT * FROM a JOIN b ON a.id = b.id",
    "alice@example.com",
    "https://api.example.com/v1/pay",
    "10.0.0.7",
    "$1,250.00",
    "main",
    "production",
    "sudo rm -rf /",
    "git push --force origin main",
    "usr_12345",
    "42",
    "",
    " ",
    "*",
    "all",
    "ünïcödé/пути/文件.txt",
    "a\nb",
    "'quoted'",
    "x@y",
    "http://",
    "DROP TABLE",
    "rm",
    "-rf",
];

/// Real actions of a blind teach-back set (their explanations are not used).
const REAL_ACTIONS: &str = include_str!("corpus/teach_back_heldout49.jsonl");

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(VALUES).prop_map(str::to_owned),
        ".{0,40}",
        "[a-z_/.@:-]{0,30}",
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        arb_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        prop::sample::select(KEYS).prop_map(str::to_owned),
                        ".{0,12}"
                    ],
                    inner
                ),
                0..5
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn arb_ctx() -> impl Strategy<Value = ActionContext> {
    (
        prop_oneof![
            prop::sample::select(
                &[
                    "delete_file",
                    "drop_table",
                    "send_email",
                    "transfer_funds",
                    "run_shell",
                    "deploy",
                    "x",
                    ""
                ][..]
            )
            .prop_map(str::to_owned),
            ".{0,30}",
        ],
        prop::collection::vec(arb_json(), 0..3),
        prop::collection::vec(
            (
                prop::sample::select(KEYS).prop_map(str::to_owned),
                arb_json(),
            ),
            0..5,
        ),
        proptest::option::of(arb_string()),
    )
        .prop_map(|(name, args, kwargs, env)| {
            let mut ctx = ActionContext::new(name);
            ctx.args = args;
            ctx.kwargs = kwargs.into_iter().collect();
            ctx.environment = env;
            ctx
        })
}

fn arb_type() -> impl Strategy<Value = ChallengeType> {
    prop::sample::select(ChallengeType::ALL)
}

fn assessment() -> RiskAssessment {
    RiskAssessment::from_score(
        0.7,
        "test",
        vec![RiskFactor::new("function_name", 0.8, 0.3, "evidence")],
    )
}

fn options(
    challenge: ChallengeType,
    seed: u64,
    questions: u32,
    min_correct: Option<u32>,
) -> ChallengeOptions {
    ChallengeOptions {
        challenge,
        seed,
        min_review_seconds: 2.0,
        approvers_required: 3,
        quiz: QuizPolicy {
            questions,
            min_correct,
        },
        teach_back: TeachBackPolicy::default(),
    }
}

/// Every object key anywhere in a JSON value.
fn object_keys(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                object_keys(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| object_keys(v, out)),
        _ => {}
    }
}

fn public_without_arguments(public: &PublicChallenge) -> Value {
    // The action's own arguments are shown on purpose; everything else is challenge material.
    let mut value = serde_json::to_value(public).unwrap();
    strip_arguments(&mut value);
    value
}

fn strip_arguments(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(action)) = map.get_mut("action") {
                action.remove("arguments");
                action.remove("environment");
            }
            map.values_mut().for_each(strip_arguments);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_arguments),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_actions_never_panic(ctx in arb_ctx(), challenge in arb_type(), seed in any::<u64>(),
                                     questions in 0u32..6, answer in ".{0,80}", elapsed in any::<f64>()) {
        let (public, key) = generate(&ctx, &assessment(), &options(challenge, seed, questions, None));
        prop_assert!(public.challenge_type.rigour() >= challenge.rigour(), "never a weaker challenge");
        let responses = [
            Response::Confirm(answer.clone()),
            Response::Quiz(vec![answer.clone(); 3]),
            Response::TeachBack(answer.clone()),
            Response::AutoApprove,
        ];
        for response in &responses {
            let _ = check(&key, response, elapsed, &[]);
        }
        let _ = serde_json::to_string(&public).unwrap();
        let _ = serde_json::to_string(&key).unwrap();
    }

    /// Answers made of a real action's own words mixed with text of any script: the checks
    /// that only look closer once a word of the action is found are reached too.
    #[test]
    fn answers_mixing_action_words_and_any_script_get_a_verdict(
        pick in any::<prop::sample::Index>(),
        parts in prop::collection::vec((any::<prop::sample::Index>(), "\\PC{0,12}", any::<bool>()), 5..40),
    ) {
        let actions: Vec<&str> = REAL_ACTIONS.lines().filter(|l| !l.trim().is_empty()).collect();
        let case: Value = serde_json::from_str(actions[pick.index(actions.len())]).unwrap();
        let ctx: ActionContext = serde_json::from_value(case["ctx"].clone()).unwrap();
        let own: Vec<String> = serde_json::to_string(&case["ctx"])
            .unwrap()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        let answer = parts
            .iter()
            .map(|(i, other, glue)| {
                let word = &own[i.index(own.len())];
                if *glue { format!("{word}{other}") } else { format!("{word} {other}") }
            })
            .collect::<Vec<_>>()
            .join(" ");
        let (_, key) = generate(&ctx, &assessment(), &options(ChallengeType::TeachBack, 1, 0, None));
        let result = check(&key, &Response::TeachBack(answer), 1e9, &[]).unwrap();
        prop_assert!(result.passed || result.details.get("reason").is_some());
    }

    #[test]
    fn generation_is_reproducible(ctx in arb_ctx(), challenge in arb_type(), seed in any::<u64>()) {
        let a = generate(&ctx, &assessment(), &options(challenge, seed, 3, None));
        let b = generate(&ctx, &assessment(), &options(challenge, seed, 3, None));
        prop_assert_eq!(a, b);
    }

    #[test]
    fn the_public_part_never_carries_the_answer_key(ctx in arb_ctx(), challenge in arb_type(), seed in any::<u64>()) {
        let (public, key) = generate(&ctx, &assessment(), &options(challenge, seed, 3, None));
        let public_json = serde_json::to_value(&public).unwrap();
        let mut keys = Vec::new();
        object_keys(&public_json, &mut keys);
        for forbidden in ["accepted", "expected", "answers", "index", "key_terms", "echo_tokens", "argument_dump", "phrases", "stems"] {
            prop_assert!(!keys.iter().any(|k| k == forbidden), "public part has key-only field {forbidden}");
        }
        let public_text = serde_json::to_string(&public_without_arguments(&public)).unwrap();
        if matches!(key.expected, Expected::Quiz(_) | Expected::TeachBack(_) | Expected::MultiParty { .. }) {
            let key_json = serde_json::to_string(&key.expected).unwrap();
            prop_assert!(!public_text.contains(&key_json));
        }
        // Free-text answers (exact values) must not be printed anywhere in the challenge text.
        let mut quizzes = vec![&key];
        if let Expected::MultiParty { steps, .. } = &key.expected {
            quizzes.extend(steps.iter());
        }
        for k in quizzes {
            if let Expected::Quiz(quiz) = &k.expected {
                for a in &quiz.answers {
                    if let AcceptedAnswer::Exact { value } = &a.accepted {
                        prop_assert!(value.len() < 3 || !public_text.contains(&format!("\"{value}\"")), "{value} printed");
                    }
                }
            }
        }
    }

    #[test]
    fn quiz_keys_accept_the_right_answers_and_reject_distractors(ctx in arb_ctx(), seed in any::<u64>()) {
        let (public, key) = generate(&ctx, &assessment(), &options(ChallengeType::Quiz, seed, 3, None));
        if let (ChallengeBody::Quiz { questions, .. }, Expected::Quiz(quiz)) = (&public.body, &key.expected) {
            prop_assert!(!questions.is_empty() && questions.len() <= 5, "{questions:?}");
            let right: Vec<String> = quiz.answers.iter().map(|a| match &a.accepted {
                AcceptedAnswer::Choice { index, .. } => ((b'a' + *index as u8) as char).to_string(),
                AcceptedAnswer::Exact { value } => value.clone(),
            }).collect();
            prop_assert!(check(&key, &Response::Quiz(right.clone()), 2.0, &[]).unwrap().passed);
            for (i, q) in questions.iter().enumerate() {
                if let AnswerFormat::MultipleChoice { options } = &q.format {
                    let AcceptedAnswer::Choice { index, value } = &quiz.answers[i].accepted else {
                        return Err(TestCaseError::fail("choice question with exact key"));
                    };
                    prop_assert_eq!(&options[*index], value);
                    prop_assert!(options.len() >= 3);
                    for (j, option) in options.iter().enumerate().filter(|(j, _)| j != index) {
                        let mut answers = right.clone();
                        answers[i] = option.clone();
                        let r = check(&key, &Response::Quiz(answers), 2.0, &[]).unwrap();
                        prop_assert!(!r.passed, "distractor {} ({}) accepted for {}", j, option, value);
                        prop_assert_eq!(&r.details["reason"], "incorrect");
                    }
                }
            }
        } else {
            prop_assert_eq!(public.challenge_type, ChallengeType::TeachBack, "only a teach-back may replace a quiz");
        }
    }

    #[test]
    fn echoing_the_action_never_passes_a_teach_back(ctx in arb_ctx(), repeats in 1usize..6) {
        let (_, key) = generate(&ctx, &assessment(), &options(ChallengeType::TeachBack, 0, 1, None));
        let mut echo = String::new();
        for _ in 0..repeats * 4 {
            echo.push_str(&ctx.function_name.replace(['_', '-', '.'], " "));
            echo.push(' ');
            echo.push_str(&ctx.arguments_value().to_string());
            echo.push(' ');
        }
        let r = check(&key, &Response::TeachBack(echo), 5.0, &[]).unwrap();
        prop_assert!(!r.passed, "{:?}", r.details);
    }
}

#[test]
fn early_answers_are_rejected_for_every_challenge_type() {
    let ctx = ActionContext::new("delete_file").with_kwarg("path", "/srv/app/config.yaml");
    for challenge in ChallengeType::ALL
        .iter()
        .copied()
        .filter(|c| *c != ChallengeType::MultiParty)
    {
        let (_, key) = generate(&ctx, &assessment(), &options(challenge, 1, 1, None));
        let err = check(&key, &Response::Confirm("y".into()), 0.5, &[]).unwrap_err();
        assert_eq!(err.remaining_seconds, 2.0, "{challenge}");
    }
}
