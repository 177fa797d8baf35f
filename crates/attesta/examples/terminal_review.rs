//! Runs one review on the controlling terminal and writes the outcome as JSON to stdout.
//!
//! ```text
//! cargo run -p attesta --example terminal_review -- '{"ctx": {"function_name": "drop_table", "args": ["users"]},
//!     "challenge": "quiz", "min_review_seconds": 3}'
//! cargo run -p attesta --example terminal_review -- drop_table users     # confirm, from arguments
//! ```
//! Fields of the JSON form (all but `ctx` optional): `ctx` (an ActionContext), `challenge`,
//! `risk_score`, `min_review_seconds`, `approvers_required`, `seed`, `timeout_seconds`, `quiz`,
//! `teach_back`. Exit code 0 approved, 3 denied, 2 when no review could be run.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use attesta::reviewer::{ReviewRequest, Reviewer, TerminalReviewer};
use attesta_core::config::{QuizPolicy, TeachBackPolicy};
use attesta_core::{ActionContext, ChallengeType, RiskAssessment, RiskFactor};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    ctx: ActionContext,
    #[serde(default = "default_challenge")]
    challenge: ChallengeType,
    #[serde(default = "default_score")]
    risk_score: f64,
    #[serde(default)]
    min_review_seconds: f64,
    #[serde(default = "default_approvers")]
    approvers_required: u32,
    #[serde(default)]
    seed: u64,
    #[serde(default = "default_timeout")]
    timeout_seconds: f64,
    #[serde(default)]
    quiz: QuizPolicy,
    #[serde(default)]
    teach_back: TeachBackPolicy,
}

fn default_challenge() -> ChallengeType {
    ChallengeType::Confirm
}
fn default_score() -> f64 {
    0.5
}
fn default_approvers() -> u32 {
    2
}
fn default_timeout() -> f64 {
    300.0
}

fn parse_args() -> Result<Input, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first() {
        None => Err("usage: terminal_review '<json>' | terminal_review FUNCTION [ARG...]".into()),
        Some(first) if first.trim_start().starts_with('{') => {
            serde_json::from_str(first).map_err(|e| format!("invalid request JSON: {e}"))
        }
        Some(name) => {
            let mut ctx = ActionContext::new(name.clone());
            for a in &args[1..] {
                ctx = ctx.with_arg(a.clone());
            }
            Ok(Input {
                ctx,
                challenge: default_challenge(),
                risk_score: default_score(),
                min_review_seconds: 3.0,
                approvers_required: default_approvers(),
                seed: 0,
                timeout_seconds: default_timeout(),
                quiz: QuizPolicy::default(),
                teach_back: TeachBackPolicy::default(),
            })
        }
    }
}

fn emit(value: &Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{value}");
    let _ = out.flush();
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let input = match parse_args() {
        Ok(input) => input,
        Err(e) => {
            emit(&json!({ "error": e }));
            return ExitCode::from(2);
        }
    };
    let assessment = RiskAssessment::from_score(
        input.risk_score,
        "example",
        vec![RiskFactor::new(
            "example",
            input.risk_score,
            1.0,
            "risk given on the command line",
        )],
    );
    let request = ReviewRequest {
        ctx: Arc::new(input.ctx),
        assessment: Arc::new(assessment),
        challenge: input.challenge,
        min_review_seconds: input.min_review_seconds,
        approvers_required: input.approvers_required,
        quiz: input.quiz,
        teach_back: input.teach_back,
        seed: input.seed,
        timeout_seconds: input.timeout_seconds,
        session_allow: None,
    };
    match TerminalReviewer::new().review(&request).await {
        Ok(outcome) => {
            emit(&json!({
                "verdict": outcome.verdict,
                "reason": outcome.reason,
                "approvers": outcome.approvers,
                "authenticated": outcome.authenticated,
                "challenge": outcome.challenge,
            }));
            if outcome.verdict.runs() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(3)
            }
        }
        Err(e) => {
            emit(&json!({ "error": e.to_string() }));
            ExitCode::from(2)
        }
    }
}
