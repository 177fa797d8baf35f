//! Plain-text rendering of a challenge, shared by every text channel (terminal, chat, logs).
//! Colour is optional: with `color: false` the output is pure text.

use std::fmt::Write as _;

use attesta_core::challenge::{AnswerFormat, ChallengeBody, PublicChallenge, QuizQuestion};
use attesta_core::display::{escape_hidden, more_bytes_marker, show_json, show_value};
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

/// Bytes of arguments shown before the rest is summarised as "…N more bytes".
const ARGUMENT_BYTES: usize = 1200;
/// Risk factors shown (the highest contributions first; zero-score factors never).
const FACTORS_SHOWN: usize = 4;

/// "agent claude-code, session s-1, in /srv/app": who asks, as far as it is known.
fn who_asks(a: &attesta_core::challenge::ActionSummary) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(agent) = a.agent_id.as_deref().filter(|s| !s.trim().is_empty()) {
        parts.push(format!("agent {}", show_value(agent, 80)));
    }
    if let Some(session) = a.session_id.as_deref().filter(|s| !s.trim().is_empty()) {
        parts.push(format!("session {}", show_value(session, 40)));
    }
    if let Some(folder) = a.folder.as_deref().filter(|s| !s.trim().is_empty()) {
        parts.push(format!("in {}", show_value(folder, 120)));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The arguments, one top-level value per line, every value through the display-integrity
/// rules (visible escapes, look-alike marks, grouped amounts and IBANs, explicit cuts).
fn write_arguments(out: &mut String, arguments: &serde_json::Value) {
    let mut lines: Vec<(String, &serde_json::Value)> = Vec::new();
    if let Some(args) = arguments.get("args").and_then(serde_json::Value::as_array) {
        lines.extend(args.iter().enumerate().map(|(i, v)| (format!("[{i}]"), v)));
    }
    if let Some(kwargs) = arguments
        .get("kwargs")
        .and_then(serde_json::Value::as_object)
    {
        lines.extend(
            kwargs
                .iter()
                .map(|(k, v)| (escape_hidden(k).into_owned(), v)),
        );
    }
    let mut used = 0;
    for (i, (name, value)) in lines.iter().enumerate() {
        if used >= ARGUMENT_BYTES {
            let rest: usize = lines[i..]
                .iter()
                .map(|(k, v)| k.len() + v.to_string().len() + 2)
                .sum();
            let _ = writeln!(
                out,
                "  … {} more argument{} ({})",
                lines.len() - i,
                if lines.len() - i == 1 { "" } else { "s" },
                more_bytes_marker(rest).trim_start_matches('…')
            );
            break;
        }
        let shown = match value {
            serde_json::Value::String(s) => show_value(s, ARGUMENT_BYTES - used),
            other => show_json(other, ARGUMENT_BYTES - used),
        };
        used += shown.len() + name.len();
        let _ = writeln!(out, "  {name}: {shown}");
    }
}

/// The action, its risk and the challenge's instructions: one lead line (what, how risky, who
/// asks), the arguments as they will run, and only the risk factors that counted.
pub fn render_challenge(
    public: &PublicChallenge,
    slot: Option<ApproverSlot>,
    style: Style,
) -> String {
    let mut out = String::new();
    let a = &public.action;
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", style.bold("── Attesta: approval required ──"));
    let mut lead = format!(
        "{}  ·  {} ({:.2}) risk",
        style.bold(&show_value(&a.action, 120)),
        style.level(a.risk_level),
        a.risk_score
    );
    if let Some(who) = who_asks(a) {
        lead.push_str(&format!("  ·  {who}"));
    }
    let _ = writeln!(out, "{lead}");
    if let Some(doc) = a.description.as_deref().filter(|d| !d.trim().is_empty()) {
        let first = doc.trim().lines().next().unwrap_or("");
        let _ = writeln!(out, "About: {}", show_value(first, 200));
    }
    if let Some(env) = &a.environment {
        let _ = writeln!(out, "Environment: {}", show_value(env, 80));
    }
    let _ = writeln!(out, "Arguments:");
    write_arguments(&mut out, &a.arguments);
    let mut factors: Vec<_> = a.factors.iter().filter(|f| f.score > 0.0).collect();
    factors.sort_by(|x, y| {
        (y.score * y.weight)
            .partial_cmp(&(x.score * x.weight))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    if !factors.is_empty() {
        let _ = writeln!(out, "Why it is risky:");
        for f in factors.iter().take(FACTORS_SHOWN) {
            let _ = writeln!(
                out,
                "  • {} {}: {}",
                f.name,
                style.dim(&format!("({:.2})", f.score)),
                show_value(&f.evidence, 200)
            );
        }
    }
    if matches!(public.body, ChallengeBody::MultiParty { .. }) || slot.is_some() {
        let _ = writeln!(
            out,
            "{}",
            style.dim(
                "At one terminal approvers' names are self-declared; use the approval server for authenticated approvers."
            )
        );
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
    if !matches!(public.body, ChallengeBody::AutoApprove) {
        let _ = writeln!(
            out,
            "{}",
            style.dim(
                "To deny at once, answer n or deny: <reason> (never held for the review time); ? shows all details."
            )
        );
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

/// Everything the compact prompt leaves out, shown on `?`: every argument in full and every
/// risk factor with its evidence (zero-score ones included, marked as such).
pub fn render_details(public: &PublicChallenge) -> String {
    let a = &public.action;
    let mut out = String::new();
    let _ = writeln!(out, "Details of {}:", show_value(&a.action, 200));
    let _ = writeln!(out, "Arguments (in full):");
    let pretty = serde_json::to_string_pretty(&a.arguments).unwrap_or_default();
    for line in pretty.lines() {
        let _ = writeln!(out, "  {}", show_value(line, 64 * 1024));
    }
    let mut factors: Vec<_> = a.factors.iter().collect();
    factors.sort_by(|x, y| {
        (y.score * y.weight)
            .partial_cmp(&(x.score * x.weight))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let _ = writeln!(out, "Risk factors (all):");
    for f in factors {
        let _ = writeln!(
            out,
            "  • {} (score {:.2}, weight {:.2}){}: {}",
            f.name,
            f.score,
            f.weight,
            if f.score > 0.0 { "" } else { ", did not count" },
            show_value(&f.evidence, 2000)
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
                let _ = writeln!(out, "  {letter}) {}", show_value(option, 300));
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
            "path: /srv/x.txt",
            "verb 'delete'",
            "Deletes a file",
            "confirm",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
        assert!(!text.contains('\x1b'));
        assert!(text.lines().count() <= 14, "compact: {text}");
        assert!(render_challenge(&public, None, Style { color: true }).contains("\x1b[31mHIGH"));
    }

    #[test]
    fn what_runs_is_what_is_shown() {
        let ctx = ActionContext::new("wire_transfer")
            .with_kwarg("iban", "DE89370400440532013000")
            .with_kwarg("amount", 27300)
            .with_kwarg("memo", "invoice\u{202E}fdp.exe")
            .with_kwarg("host", "p\u{0430}ypal.com")
            .with_kwarg("blob", "x".repeat(5000))
            .with_agent("claude-code")
            .with_session("s-42")
            .with_metadata("cwd", "/srv/app");
        let assessment = RiskAssessment::from_score(
            0.8,
            "default",
            vec![
                RiskFactor::new("arguments", 0.9, 0.4, "money leaves"),
                RiskFactor::new("hints", 0.0, 0.1, "nothing"),
            ],
        );
        let (public, _) = generate(
            &ctx,
            &assessment,
            &ChallengeOptions::new(ChallengeType::Confirm, 1),
        );
        let text = render_challenge(&public, None, Style { color: false });
        for expected in [
            "agent claude-code, session s-42, in /srv/app",
            "DE89 3704 0044 0532 0130 00",
            "27300 (27,300)",
            "invoice⟨U+202E⟩fdp.exe",
            "U+0430",
            "more bytes",
            "deny",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
        assert!(!text.contains('\u{202E}'));
        assert!(
            !text.contains("hints"),
            "zero-score factors are not shown: {text}"
        );
    }
}
