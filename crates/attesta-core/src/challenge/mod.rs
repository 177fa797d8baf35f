//! Challenge generation and answer checking (SPEC §4). Pure and seeded.
//!
//! [`generate`] turns an action, its assessment, a challenge type and a seed into two halves:
//! a [`PublicChallenge`] (what the human is shown; it never contains correct answers) and an
//! [`AnswerKey`] (kept on the trusted side: the reviewer runner or the approval server). [`check`]
//! grades a [`Response`] against the key. Multi-party reviews are driven by
//! [`MultiPartySession`]. Nothing here reads a clock: callers pass elapsed seconds, measured on
//! a monotonic clock of their own.
//!
//! Rules every challenge shares:
//! - The minimum review time applies to every challenge type: an answer that arrives earlier is
//!   rejected with [`AnswerTooEarly`] (how long to wait), never queued.
//! - A quiz needs content to ask about (paths, files, tables, recipients, hosts, amounts,
//!   branches, environments, programs, record ids). When the action has none, or fewer
//!   answerable questions than `min_correct`, the quiz becomes a **teach-back** (the public part
//!   says so in `notes`); it never falls back to a weaker challenge.
//! - A wrong quiz answer is reported only as "incorrect"; results never carry the right answer.
//! - Multi-party: approver 1 gets a teach-back, approver 2 a quiz, approvers 3+ a confirm, each
//!   generated with its own seed derived from the review's seed.

mod arguments;
mod claims;
mod consequence;
mod dates;
mod denials;
mod explain;
mod facts;
mod grades;
mod key_targets;
mod keyed_counts;
mod lexicon;
mod lookalike;
mod misreadings;
mod multi_party;
mod nested_flags;
mod number_claims;
mod number_context;
mod numbers;
mod own_words;
mod peers;
mod quiz;
mod regions;
mod rng;
mod roles;
mod routes;
mod schedules;
mod scope_words;
mod second_reading;
mod spoken_amounts;
mod spoken_counts;
mod statements;
mod targets_named;
mod teach_back;
mod teach_back_key;
mod text;
mod understanding;
mod verb_table;
mod verbs;
mod vocab;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::assessment::{RiskAssessment, RiskFactor};
use crate::audit::Redactor;
use crate::config::{QuizPolicy, TeachBackPolicy};
use crate::context::ActionContext;
use crate::result::ChallengeResult;
use crate::types::{ChallengeType, RiskLevel};

pub use facts::FactKind;
pub use multi_party::{
    IdentityRefused, MultiPartySession, MultiPartyStep, SessionError, normalize_identity,
};
pub use quiz::{AcceptedAnswer, AnswerFormat, ExpectedAnswer, QuizKey, QuizQuestion};
/// The features the teach-back second reading weighs, and the rules' verdict it reads (for its
/// training program).
#[doc(hidden)]
pub use second_reading::teach_back_features;
pub use second_reading::{FAKE_THRESHOLD, OVERRULE_THRESHOLD, overrulable, reason_class};
#[doc(hidden)]
pub use teach_back::rules_verdict;
pub use teach_back::{KeyTermCategory, KeyTermGroup, TeachBackKey, TeachBackValidator};
/// Words every rejection by the teach-back second reading carries.
pub const SECOND_READING: &str = "reads like a misdescription";

/// Most approvers a multi-party review may ask for; more is a configuration mistake.
pub const MAX_APPROVERS: u32 = 16;

/// Everything that shapes a challenge besides the action itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChallengeOptions {
    pub challenge: ChallengeType,
    pub seed: u64,
    /// Seconds the human must spend before an answer is accepted (each approver, for multi-party).
    pub min_review_seconds: f64,
    /// Distinct approvers for multi-party (values below 2 are raised to 2).
    pub approvers_required: u32,
    pub quiz: QuizPolicy,
    pub teach_back: TeachBackPolicy,
}

impl ChallengeOptions {
    pub fn new(challenge: ChallengeType, seed: u64) -> Self {
        ChallengeOptions {
            challenge,
            seed,
            min_review_seconds: 0.0,
            approvers_required: 2,
            quiz: QuizPolicy::default(),
            teach_back: TeachBackPolicy::default(),
        }
    }
}

/// The action as the human sees it (arguments are already redacted upstream).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionSummary {
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `{"args": [...], "kwargs": {...}}`.
    pub arguments: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    pub risk_level: RiskLevel,
    pub risk_score: f64,
    pub factors: Vec<RiskFactor>,
    /// Who asks: the agent, its session and the folder it works in, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
}

impl ActionSummary {
    pub fn new(ctx: &ActionContext, assessment: &RiskAssessment) -> Self {
        ActionSummary {
            action: ctx.function_name.clone(),
            description: ctx.function_doc.clone(),
            arguments: ctx.arguments_value(),
            environment: ctx.environment.clone(),
            risk_level: assessment.level,
            risk_score: assessment.score,
            factors: assessment.factors.clone(),
            agent_id: ctx.agent_id.clone(),
            session_id: ctx.session_id.clone(),
            folder: ctx
                .metadata
                .get("cwd")
                .and_then(Value::as_str)
                .map(str::to_owned),
        }
    }
}

/// What a human is shown. Contains no correct answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicChallenge {
    /// The challenge actually posed (a quiz without enough content becomes a teach-back).
    pub challenge_type: ChallengeType,
    /// The challenge that was asked for.
    pub requested_type: ChallengeType,
    pub action: ActionSummary,
    pub min_review_seconds: f64,
    pub body: ChallengeBody,
    /// Remarks for the human, e.g. why a quiz became a teach-back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The challenge-specific part of a [`PublicChallenge`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChallengeBody {
    AutoApprove,
    Confirm {
        instruction: String,
    },
    Quiz {
        questions: Vec<QuizQuestion>,
        /// Correct answers needed to pass.
        required_correct: u32,
    },
    TeachBack {
        instruction: String,
        min_words: u32,
        min_key_terms: u32,
    },
    MultiParty {
        approvers_required: u32,
        /// One sub-challenge per approver, in order.
        steps: Vec<PublicChallenge>,
    },
}

/// The trusted half of a challenge: what counts as a correct answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerKey {
    pub challenge_type: ChallengeType,
    pub min_review_seconds: f64,
    pub expected: Expected,
}

// Keys live one per pending request; boxing the teach-back key would change the public API
// for no measurable gain.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Expected {
    AutoApprove,
    /// `y`/`yes` approves; anything else denies.
    Confirm,
    Quiz(QuizKey),
    TeachBack(TeachBackKey),
    MultiParty {
        approvers_required: u32,
        steps: Vec<AnswerKey>,
    },
}

/// A human's answer to a single (non-multi-party) challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "answer", rename_all = "snake_case")]
pub enum Response {
    AutoApprove,
    Confirm(String),
    /// One answer per question, in question order.
    Quiz(Vec<String>),
    TeachBack(String),
}

/// An answer that arrived before the minimum review time: rejected, not queued.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error(
    "answer rejected: it came {elapsed_seconds:.1}s into a {min_review_seconds:.0}s minimum review; \
     read the action and answer again in {remaining_seconds:.0}s"
)]
pub struct AnswerTooEarly {
    pub elapsed_seconds: f64,
    pub min_review_seconds: f64,
    /// Whole seconds still to wait (at least 1).
    pub remaining_seconds: f64,
}

/// The minimum-review lockout: `Ok` once `elapsed_seconds` reaches `min_review_seconds`.
/// A non-finite or negative elapsed time is treated as "just started" (fail closed).
pub fn lockout(min_review_seconds: f64, elapsed_seconds: f64) -> Result<(), AnswerTooEarly> {
    let min = if min_review_seconds.is_finite() {
        min_review_seconds.max(0.0)
    } else {
        0.0
    };
    let elapsed = if elapsed_seconds.is_finite() {
        elapsed_seconds.max(0.0)
    } else {
        0.0
    };
    if elapsed >= min {
        Ok(())
    } else {
        Err(AnswerTooEarly {
            elapsed_seconds: elapsed,
            min_review_seconds: min,
            remaining_seconds: (min - elapsed).ceil().max(1.0),
        })
    }
}

/// The action with every secret the redactor recognises replaced by `[REDACTED:kind]`: the
/// only form a challenge is ever built from, so no question, option, key term or prompt can
/// carry a secret.
pub fn redact_action(
    ctx: &ActionContext,
    assessment: &RiskAssessment,
    redactor: &Redactor,
) -> (ActionContext, RiskAssessment) {
    let arguments = ctx.arguments_value();
    // Secret-named values and secrets recognised inside text (a DSN password, a bearer token)
    // are removed wherever else they appear too: the docstring, the risk evidence.
    let known = redactor.all_secret_values(&arguments);
    let redacted = redactor.redact_value_with(&arguments, &known);
    let mut out = ActionContext {
        function_name: redactor.redact_text_with(&ctx.function_name, &known),
        function_doc: ctx
            .function_doc
            .as_deref()
            .map(|d| redactor.redact_text_with(d, &known)),
        environment: ctx
            .environment
            .as_deref()
            .map(|e| redactor.redact_text_with(e, &known)),
        agent_id: ctx.agent_id.clone(),
        session_id: ctx.session_id.clone(),
        ..ActionContext::default()
    };
    if let Some(Value::String(cwd)) = ctx.metadata.get("cwd") {
        out.metadata.insert(
            "cwd".into(),
            Value::String(redactor.redact_text_with(cwd, &known)),
        );
    }
    if let Value::Object(mut map) = redacted {
        if let Some(Value::Array(args)) = map.remove("args") {
            out.args = args;
        }
        if let Some(Value::Object(kwargs)) = map.remove("kwargs") {
            out.kwargs = kwargs;
        }
    }
    let mut assessment = assessment.clone();
    for factor in &mut assessment.factors {
        factor.evidence = redactor.redact_text_with(&factor.evidence, &known);
    }
    (out, assessment)
}

/// Builds the public challenge and its answer key from the action with the built-in redaction
/// applied ([`redact_action`]). Same inputs and seed, same challenge.
pub fn generate(
    ctx: &ActionContext,
    assessment: &RiskAssessment,
    options: &ChallengeOptions,
) -> (PublicChallenge, AnswerKey) {
    generate_with(ctx, assessment, options, &Redactor::builtin())
}

/// [`generate`] with a configured redactor (extra secret keys and patterns).
pub fn generate_with(
    ctx: &ActionContext,
    assessment: &RiskAssessment,
    options: &ChallengeOptions,
    redactor: &Redactor,
) -> (PublicChallenge, AnswerKey) {
    let (ctx, assessment) = redact_action(ctx, assessment, redactor);
    generate_redacted(&ctx, &assessment, options)
}

fn generate_redacted(
    ctx: &ActionContext,
    assessment: &RiskAssessment,
    options: &ChallengeOptions,
) -> (PublicChallenge, AnswerKey) {
    let min_review = if options.min_review_seconds.is_finite() {
        options.min_review_seconds.max(0.0)
    } else {
        0.0
    };
    let summary = ActionSummary::new(ctx, assessment);
    let public = |challenge_type, body, notes| PublicChallenge {
        challenge_type,
        requested_type: options.challenge,
        action: summary.clone(),
        min_review_seconds: min_review,
        body,
        notes,
    };
    let key = |challenge_type, expected| AnswerKey {
        challenge_type,
        min_review_seconds: min_review,
        expected,
    };
    match options.challenge {
        ChallengeType::AutoApprove => (
            public(
                ChallengeType::AutoApprove,
                ChallengeBody::AutoApprove,
                Vec::new(),
            ),
            key(ChallengeType::AutoApprove, Expected::AutoApprove),
        ),
        ChallengeType::Confirm => (
            public(
                ChallengeType::Confirm,
                ChallengeBody::Confirm {
                    instruction:
                        "Review the action above. Type y to approve; anything else denies."
                            .to_owned(),
                },
                Vec::new(),
            ),
            key(ChallengeType::Confirm, Expected::Confirm),
        ),
        ChallengeType::Quiz => match quiz::generate(
            ctx,
            &assessment.factors,
            assessment.level,
            options.seed,
            &options.quiz,
        ) {
            Some((questions, quiz_key)) => (
                public(
                    ChallengeType::Quiz,
                    ChallengeBody::Quiz {
                        required_correct: quiz_key.required_correct,
                        questions,
                    },
                    Vec::new(),
                ),
                key(ChallengeType::Quiz, Expected::Quiz(quiz_key)),
            ),
            None => {
                // Too little content to ask about: a teach-back is at least as demanding.
                let (body, tb_key) =
                    teach_back::generate(ctx, &assessment.factors, &options.teach_back);
                (
                    public(
                        ChallengeType::TeachBack,
                        body,
                        vec!["This action has too little content for a quiz that cannot be guessed; explain it in your own words instead."
                            .to_owned()],
                    ),
                    key(ChallengeType::TeachBack, Expected::TeachBack(tb_key)),
                )
            }
        },
        ChallengeType::TeachBack => {
            let (body, tb_key) =
                teach_back::generate(ctx, &assessment.factors, &options.teach_back);
            (
                public(ChallengeType::TeachBack, body, Vec::new()),
                key(ChallengeType::TeachBack, Expected::TeachBack(tb_key)),
            )
        }
        ChallengeType::MultiParty => {
            let required = options.approvers_required.clamp(2, MAX_APPROVERS);
            let mut steps = Vec::with_capacity(required as usize);
            let mut keys = Vec::with_capacity(required as usize);
            for index in 0..required {
                let sub_type = multi_party::sub_challenge_for(index as usize);
                let sub_options = ChallengeOptions {
                    challenge: sub_type,
                    seed: rng::derive_seed(options.seed, u64::from(index)),
                    ..*options
                };
                let (p, k) = generate_redacted(ctx, assessment, &sub_options);
                steps.push(p);
                keys.push(k);
            }
            (
                public(
                    ChallengeType::MultiParty,
                    ChallengeBody::MultiParty {
                        approvers_required: required,
                        steps,
                    },
                    Vec::new(),
                ),
                key(
                    ChallengeType::MultiParty,
                    Expected::MultiParty {
                        approvers_required: required,
                        steps: keys,
                    },
                ),
            )
        }
    }
}

/// Grades one answer to a single challenge. `elapsed_seconds` is the time since the challenge
/// was shown; an answer before `key.min_review_seconds` is rejected with [`AnswerTooEarly`].
/// A response of the wrong kind fails (it never approves). Multi-party keys must go through
/// [`MultiPartySession`]; checking one here fails.
pub fn check(
    key: &AnswerKey,
    response: &Response,
    elapsed_seconds: f64,
    validators: &[&dyn TeachBackValidator],
) -> Result<ChallengeResult, AnswerTooEarly> {
    lockout(key.min_review_seconds, elapsed_seconds)?;
    let mut result = match (&key.expected, response) {
        (Expected::AutoApprove, _) => ChallengeResult::new(ChallengeType::AutoApprove, true),
        (Expected::Confirm, Response::Confirm(answer)) => check_confirm(answer),
        (Expected::Quiz(quiz_key), Response::Quiz(answers)) => quiz::check(quiz_key, answers),
        (Expected::TeachBack(tb_key), Response::TeachBack(text)) => {
            teach_back::check(tb_key, text, validators)
        }
        (Expected::MultiParty { .. }, _) => ChallengeResult::new(ChallengeType::MultiParty, false)
            .with_detail(
                "reason",
                "a multi-party review needs one answer per approver",
            ),
        (_, _) => ChallengeResult::new(key.challenge_type, false).with_detail(
            "reason",
            "the answer does not match the challenge that was asked",
        ),
    };
    result.review_seconds = if elapsed_seconds.is_finite() {
        elapsed_seconds.max(0.0)
    } else {
        0.0
    };
    result.min_review_seconds = key.min_review_seconds;
    result.min_review_met = true;
    Ok(result)
}

fn check_confirm(answer: &str) -> ChallengeResult {
    let normalized = answer.trim().to_lowercase();
    if normalized == "y" || normalized == "yes" {
        ChallengeResult::new(ChallengeType::Confirm, true).with_detail("answer", "approved")
    } else {
        ChallengeResult::new(ChallengeType::Confirm, false)
            .with_detail("answer", "declined")
            .with_detail("reason", "the operator did not confirm")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assessment() -> RiskAssessment {
        RiskAssessment::from_score(
            0.5,
            "test",
            vec![RiskFactor::new("function_name", 0.6, 0.3, "verb 'delete'")],
        )
    }

    #[test]
    fn lockout_rejects_early_answers_with_remaining_seconds() {
        let err = lockout(3.0, 1.2).unwrap_err();
        assert_eq!(err.remaining_seconds, 2.0);
        assert!(err.to_string().contains("answer again in 2s"), "{err}");
        assert!(lockout(3.0, 3.0).is_ok());
        assert_eq!(lockout(3.0, f64::NAN).unwrap_err().remaining_seconds, 3.0);
        assert!(lockout(0.0, 0.0).is_ok());
        assert_eq!(lockout(0.5, 0.49).unwrap_err().remaining_seconds, 1.0);
    }

    #[test]
    fn confirm_approves_only_yes_after_the_lockout() {
        let ctx = ActionContext::new("deploy").with_arg("api");
        let mut options = ChallengeOptions::new(ChallengeType::Confirm, 1);
        options.min_review_seconds = 3.0;
        let (public, key) = generate(&ctx, &assessment(), &options);
        assert_eq!(public.challenge_type, ChallengeType::Confirm);
        assert_eq!(public.action.arguments["args"][0], "api");
        assert_eq!(public.action.factors.len(), 1);
        let early = check(&key, &Response::Confirm("y".into()), 1.0, &[]).unwrap_err();
        assert_eq!(early.remaining_seconds, 2.0);
        for yes in ["y", "Y", " yes ", "YES"] {
            let r = check(&key, &Response::Confirm(yes.into()), 3.5, &[]).unwrap();
            assert!(r.passed, "{yes}");
            assert_eq!(r.review_seconds, 3.5);
            assert_eq!(r.min_review_seconds, 3.0);
            assert!(r.min_review_met);
        }
        for no in ["n", "", "yess", "ok", "approve"] {
            assert!(
                !check(&key, &Response::Confirm(no.into()), 5.0, &[])
                    .unwrap()
                    .passed,
                "{no}"
            );
        }
    }

    #[test]
    fn mismatched_responses_fail_closed() {
        let ctx = ActionContext::new("deploy");
        let (_, key) = generate(
            &ctx,
            &assessment(),
            &ChallengeOptions::new(ChallengeType::Confirm, 1),
        );
        assert!(
            !check(&key, &Response::TeachBack("y".into()), 1.0, &[])
                .unwrap()
                .passed
        );
        let (_, mp) = generate(
            &ctx,
            &assessment(),
            &ChallengeOptions::new(ChallengeType::MultiParty, 1),
        );
        assert!(
            !check(&mp, &Response::Confirm("y".into()), 1.0, &[])
                .unwrap()
                .passed
        );
    }

    #[test]
    fn quiz_without_content_falls_back_to_teach_back_never_weaker() {
        let ctx = ActionContext::new("reboot");
        let (public, key) = generate(
            &ctx,
            &assessment(),
            &ChallengeOptions::new(ChallengeType::Quiz, 9),
        );
        assert_eq!(public.requested_type, ChallengeType::Quiz);
        assert_eq!(public.challenge_type, ChallengeType::TeachBack);
        assert_eq!(key.challenge_type, ChallengeType::TeachBack);
        assert!(!public.notes.is_empty());
    }

    #[test]
    fn multi_party_rotates_sub_challenges_and_clamps_approvers() {
        let ctx = ActionContext::new("drop_table").with_arg("users");
        let mut options = ChallengeOptions::new(ChallengeType::MultiParty, 5);
        options.approvers_required = 3;
        let (public, key) = generate(&ctx, &assessment(), &options);
        let ChallengeBody::MultiParty {
            steps,
            approvers_required,
        } = &public.body
        else {
            panic!("not multi-party")
        };
        assert_eq!(*approvers_required, 3);
        let types: Vec<_> = steps.iter().map(|s| s.challenge_type).collect();
        assert_eq!(
            types,
            [
                ChallengeType::TeachBack,
                ChallengeType::Quiz,
                ChallengeType::Confirm
            ]
        );
        assert!(matches!(
            key.expected,
            Expected::MultiParty {
                approvers_required: 3,
                ..
            }
        ));
        options.approvers_required = 1;
        let (public, _) = generate(&ctx, &assessment(), &options);
        assert!(matches!(
            public.body,
            ChallengeBody::MultiParty {
                approvers_required: 2,
                ..
            }
        ));
    }

    #[test]
    fn generation_is_deterministic_per_seed() {
        let ctx = ActionContext::new("delete_file").with_kwarg("path", "/var/app/data/report.csv");
        let a = generate(
            &ctx,
            &assessment(),
            &ChallengeOptions::new(ChallengeType::Quiz, 77),
        );
        let b = generate(
            &ctx,
            &assessment(),
            &ChallengeOptions::new(ChallengeType::Quiz, 77),
        );
        assert_eq!(a, b);
    }
}
