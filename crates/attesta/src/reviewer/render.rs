//! Plain-text rendering of a challenge, shared by every text channel (terminal, chat, logs).
//! Colour is optional: with `color: false` the output is pure text.

use std::fmt::Write as _;

use attesta_core::challenge::{AnswerFormat, ChallengeBody, PublicChallenge, QuizQuestion};
use attesta_core::{ChallengeType, RiskLevel};

/// Which approver of a multi-party review is being addressed (0-based index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApproverSlot {
    pub index: usize,
    pub required: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    pub color: bool,
}

impl Style {
    pub(crate) fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    pub(crate) fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    pub(crate) fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    fn level(self, level: RiskLevel) -> String {
        let code = match level {
            RiskLevel::Low => "32",
            RiskLevel::Medium => "33",
            RiskLevel::High => "31",
            RiskLevel::Critical => "1;91",
        };
        self.paint(code, &level.as_str().to_uppercase())
    }
}

fn challenge_label(challenge: ChallengeType) -> &'static str {
    match challenge {
        ChallengeType::AutoApprove => "none (auto-approve)",
        ChallengeType::Confirm => "confirm",
        ChallengeType::Quiz => "quiz",
        ChallengeType::TeachBack => "teach-back",
        ChallengeType::MultiParty => "multi-party",
    }
}

/// The action, its risk and the challenge's instructions.
pub fn render_challenge(
    public: &PublicChallenge,
    slot: Option<ApproverSlot>,
    style: Style,
) -> String {
    let mut out = String::new();
    let a = &public.action;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}",
        style.bold("── Attesta: approval required ──────────────────────────────")
    );
    let _ = writeln!(out, "Action:      {}", style.bold(&a.action));
    if let Some(doc) = a.description.as_deref().filter(|d| !d.trim().is_empty()) {
        let _ = writeln!(out, "About:       {}", doc.trim());
    }
    let _ = writeln!(
        out,
        "Risk:        {} ({:.2})",
        style.level(a.risk_level),
        a.risk_score
    );
    if let Some(env) = &a.environment {
        let _ = writeln!(out, "Environment: {env}");
    }
    let _ = writeln!(out, "Arguments:");
    let pretty =
        serde_json::to_string_pretty(&a.arguments).unwrap_or_else(|_| a.arguments.to_string());
    for line in pretty.lines() {
        let _ = writeln!(out, "    {line}");
    }
    if !a.factors.is_empty() {
        let _ = writeln!(out, "Risk factors:");
        for f in &a.factors {
            let _ = writeln!(
                out,
                "  • {} {}: {}",
                f.name,
                style.dim(&format!("({:.2})", f.score)),
                f.evidence
            );
        }
    }
    for note in &public.notes {
        let _ = writeln!(out, "{}", style.paint("33", &format!("Note: {note}")));
    }
    let _ = writeln!(out);
    if let Some(slot) = slot {
        let _ = writeln!(
            out,
            "{}",
            style.bold(&format!(
                "Approver {} of {}: {}",
                slot.index + 1,
                slot.required,
                challenge_label(public.challenge_type)
            ))
        );
    } else {
        let _ = writeln!(
            out,
            "Challenge:   {}",
            style.bold(challenge_label(public.challenge_type))
        );
    }
    match &public.body {
        ChallengeBody::AutoApprove => {}
        ChallengeBody::Confirm { instruction } => {
            let _ = writeln!(out, "{instruction}");
        }
        ChallengeBody::Quiz {
            questions,
            required_correct,
        } => {
            let _ = writeln!(
                out,
                "Answer {} question{} about this action ({} must be correct).",
                questions.len(),
                if questions.len() == 1 { "" } else { "s" },
                if *required_correct as usize >= questions.len() {
                    "all".to_owned()
                } else {
                    required_correct.to_string()
                }
            );
        }
        ChallengeBody::TeachBack { instruction, .. } => {
            let _ = writeln!(out, "{instruction}");
        }
        ChallengeBody::MultiParty {
            approvers_required, ..
        } => {
            let _ = writeln!(
                out,
                "{approvers_required} different people must approve, one after another, each with their own check \
                 (teach-back, then quiz, then confirm)."
            );
        }
    }
    if public.min_review_seconds > 0.0 {
        let _ = writeln!(
            out,
            "{}",
            style.dim(&format!(
                "Take at least {:.0}s to review; earlier answers are rejected.",
                public.min_review_seconds
            ))
        );
    }
    out
}

/// One quiz question with its options labelled a), b), …
pub fn render_question(question: &QuizQuestion, number: usize, total: usize) -> String {
    let mut out = format!("Question {number} of {total}: {}\n", question.prompt);
    match &question.format {
        AnswerFormat::MultipleChoice { options } => {
            for (i, option) in options.iter().enumerate() {
                let letter = (b'a' + (i as u8 % 26)) as char;
                let _ = writeln!(out, "  {letter}) {option}");
            }
            out.push_str("Answer with the letter or the value.\n");
        }
        AnswerFormat::FreeText { hint } => {
            let _ = writeln!(out, "{hint}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use attesta_core::challenge::{ChallengeOptions, generate};
    use attesta_core::{ActionContext, RiskAssessment, RiskFactor};

    #[test]
    fn renders_action_risk_arguments_and_factors_plain() {
        let ctx = ActionContext::new("delete_file")
            .with_kwarg("path", "/srv/x.txt")
            .with_doc("Deletes a file");
        let assessment = RiskAssessment::from_score(
            0.72,
            "default",
            vec![RiskFactor::new("function_name", 0.9, 0.3, "verb 'delete'")],
        );
        let (public, _) = generate(
            &ctx,
            &assessment,
            &ChallengeOptions::new(ChallengeType::Confirm, 1),
        );
        let text = render_challenge(&public, None, Style { color: false });
        for expected in [
            "delete_file",
            "HIGH (0.72)",
            "\"path\": \"/srv/x.txt\"",
            "verb 'delete'",
            "Deletes a file",
            "confirm",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
        assert!(!text.contains('\x1b'));
        assert!(render_challenge(&public, None, Style { color: true }).contains("\x1b[31mHIGH"));
    }
}
