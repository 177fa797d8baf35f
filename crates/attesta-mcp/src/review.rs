//! Reviewers for the proxy: challenges as MCP elicitation forms, with a fallback channel.
//!
//! [`ElicitationPrompter`] is a [`Prompter`] for the challenge runner of the `attesta` crate, so
//! question generation, answer checking and the minimum-review lockout are exactly those of
//! every other channel (`attesta_core::challenge`); this module only turns each question into a
//! form and each form into an answer line. Only the public half of a challenge is ever rendered:
//! answer keys stay in the runner, inside the proxy.
//!
//! Forms: confirm is a required boolean, a multiple-choice quiz question an enum of its options,
//! free-text questions and teach-back a string, and a multi-party approver's identity a string.
//! Every form repeats the action, its risk and the instructions, because a client shows one form
//! at a time and earlier ones are gone.

use std::sync::Arc;
use std::time::Duration;

use attesta::reviewer::{
    ApproverSlot, ChallengeRunner, LineAsk, NoticeKind, Prompter, ReviewOutcome, ReviewRequest, Reviewer,
    ReviewerError, Style, SystemClock, render_challenge, render_question,
};
use attesta_core::challenge::{AnswerFormat, ChallengeBody, PublicChallenge};
use futures::future::BoxFuture;
use serde_json::{Map, Value, json};

use crate::elicitation::{ElicitationAnswer, ElicitationError, Elicitor};
use crate::gate::ReviewCancellation;

/// The answer line a declined or cancelled form stands for.
const DECLINED: &str = "deny: declined by the user";

/// How long one form may stay unanswered when the pipeline gave no deadline.
const DEFAULT_FORM_TIMEOUT: Duration = Duration::from_secs(300);

tokio::task_local! {
    /// The cancellation of the tools/call whose review is running in this task, so the reviewer
    /// (called by the pipeline, which knows nothing of MCP) can end it when the client cancels.
    pub(crate) static CURRENT_REVIEW: ReviewCancellation;
}

/// The proxy's reviewer: elicitation forms when the client can show them, else `fallback`
/// (the terminal when there is one, else a non-interactive reviewer).
pub struct McpReviewer {
    elicitor: Elicitor,
    fallback: Arc<dyn Reviewer>,
    runner: ChallengeRunner,
}

impl McpReviewer {
    pub fn new(elicitor: Elicitor, fallback: Arc<dyn Reviewer>) -> Self {
        McpReviewer { elicitor, fallback, runner: ChallengeRunner::new() }
    }
}

impl Reviewer for McpReviewer {
    fn name(&self) -> &str {
        if self.elicitor.is_supported() { "mcp-elicitation" } else { self.fallback.name() }
    }

    fn review<'a>(&'a self, request: &'a ReviewRequest) -> BoxFuture<'a, Result<ReviewOutcome, ReviewerError>> {
        Box::pin(async move {
            let review = async {
                if self.elicitor.is_supported() {
                    let mut prompter = ElicitationPrompter::new(self.elicitor.clone());
                    self.runner.run(request, &mut prompter, &SystemClock::new()).await
                } else {
                    self.fallback.review(request).await
                }
            };
            let Ok(cancellation) = CURRENT_REVIEW.try_with(Clone::clone) else {
                return review.await;
            };
            tokio::select! {
                outcome = review => outcome,
                () = cancellation.cancelled() => Err(ReviewerError::Cancelled(
                    cancellation.reason().unwrap_or("cancelled by the MCP client").to_owned(),
                )),
            }
        })
    }
}

/// Presents a challenge as a sequence of elicitation forms.
pub struct ElicitationPrompter {
    elicitor: Elicitor,
    /// The rendered challenge currently being answered.
    context: String,
    challenge: Option<PublicChallenge>,
    /// Notices (e.g. "too early") to show on the next form.
    notes: Vec<String>,
}

impl ElicitationPrompter {
    pub fn new(elicitor: Elicitor) -> Self {
        ElicitationPrompter { elicitor, context: String::new(), challenge: None, notes: Vec::new() }
    }

    fn message(&mut self, question: Option<&str>) -> String {
        let mut message = self.context.trim().to_owned();
        for note in self.notes.drain(..) {
            message.push_str("\n\n");
            message.push_str(&note);
        }
        if let Some(question) = question {
            message.push_str("\n\n");
            message.push_str(question.trim());
        }
        message
    }

    /// The form for one answer line, and how to read the answer back.
    fn form(&self, ask: &LineAsk<'_>) -> (Value, AnswerField) {
        match self.challenge.as_ref().map(|c| &c.body) {
            Some(ChallengeBody::Confirm { .. }) => (
                {
                    let mut form = schema("approve", json!({
                        "type": "boolean",
                        "title": "Approve this action",
                        "description": "Tick to let the tool call run; leave unticked to deny it.",
                    }));
                    form["properties"]["reason"] = json!({
                        "type": "string",
                        "title": "Reason (optional)",
                        "description": "Why you deny it; the agent is told.",
                    });
                    form
                },
                AnswerField::Confirm,
            ),
            Some(ChallengeBody::Quiz { questions, .. }) => {
                let total = questions.len();
                let asked = questions
                    .iter()
                    .enumerate()
                    .find(|(i, q)| ask.question.is_some_and(|text| text == render_question(q, i + 1, total)));
                match asked.map(|(_, q)| &q.format) {
                    Some(AnswerFormat::MultipleChoice { options }) => (
                        schema("answer", json!({
                            "type": "string",
                            "title": "Answer",
                            "enum": options,
                        })),
                        AnswerField::Text("answer"),
                    ),
                    Some(AnswerFormat::FreeText { hint }) => (
                        schema("answer", json!({"type": "string", "title": "Answer", "description": hint})),
                        AnswerField::Text("answer"),
                    ),
                    None => (schema("answer", json!({"type": "string", "title": "Answer"})), AnswerField::Text("answer")),
                }
            }
            Some(ChallengeBody::TeachBack { min_words, .. }) => (
                schema("explanation", json!({
                    "type": "string",
                    "title": "In your own words",
                    "description": format!("What will this call do, to what, and how far does it reach? At least {min_words} words."),
                })),
                AnswerField::Text("explanation"),
            ),
            _ => (schema("answer", json!({"type": "string", "title": ask.prompt.trim()})), AnswerField::Text("answer")),
        }
    }

    async fn ask(&mut self, message: String, schema: Value, deadline: Option<f64>) -> Result<ElicitationAnswer, ReviewerError> {
        let timeout = deadline
            .filter(|d| d.is_finite() && *d > 0.0)
            .map_or(DEFAULT_FORM_TIMEOUT, |d| Duration::from_secs_f64(d.min(86_400.0)));
        self.elicitor.elicit(&message, schema, timeout).await.map_err(|e| match e {
            ElicitationError::Unsupported | ElicitationError::Disconnected => ReviewerError::Unavailable(e.to_string()),
            ElicitationError::TimedOut(_) => ReviewerError::Failed(e.to_string()),
            ElicitationError::Rejected { .. } | ElicitationError::BadResult(_) => ReviewerError::Failed(e.to_string()),
        })
    }
}

/// Where the answer sits in the submitted form.
#[derive(Debug, Clone, Copy)]
enum AnswerField {
    /// A boolean `approve`: true reads as "y", anything else as "n".
    Confirm,
    Text(&'static str),
}

fn schema(field: &str, property: Value) -> Value {
    let mut properties = Map::new();
    properties.insert(field.to_owned(), property);
    json!({"type": "object", "properties": properties, "required": [field]})
}

impl Prompter for ElicitationPrompter {
    fn present<'a>(&'a mut self, challenge: &'a PublicChallenge, slot: Option<ApproverSlot>) -> BoxFuture<'a, Result<(), ReviewerError>> {
        self.context = render_challenge(challenge, slot, Style { color: false });
        self.challenge = Some(challenge.clone());
        Box::pin(async { Ok(()) })
    }

    fn notice<'a>(&'a mut self, kind: NoticeKind, text: &'a str) -> BoxFuture<'a, Result<(), ReviewerError>> {
        // The verdict reaches the agent in the tool result; a form just to say it would need a click.
        if kind != NoticeKind::Outcome {
            self.notes.push(text.to_owned());
        }
        Box::pin(async { Ok(()) })
    }

    fn ask_line<'a>(&'a mut self, ask: LineAsk<'a>) -> BoxFuture<'a, Result<Option<String>, ReviewerError>> {
        Box::pin(async move {
            let (schema, field) = self.form(&ask);
            let message = self.message(ask.question);
            match self.ask(message, schema, ask.deadline).await? {
                ElicitationAnswer::Accept(content) => Ok(Some(match field {
                    AnswerField::Confirm => {
                        if content.get("approve") == Some(&Value::Bool(true)) {
                            "y".into()
                        } else {
                            let reason = content.get("reason").map(answer_text).unwrap_or_default();
                            let reason = reason.trim();
                            if reason.is_empty() { "deny".into() } else { format!("deny: {reason}") }
                        }
                    }
                    AnswerField::Text(name) => content.get(name).map(answer_text).unwrap_or_default(),
                })),
                // Decline or Cancel is the user's "no": the call is denied once, never re-asked
                // (the runner never delays a deny for the minimum review time).
                ElicitationAnswer::Decline | ElicitationAnswer::Cancel => Ok(Some(DECLINED.into())),
            }
        })
    }

    fn ask_identity<'a>(&'a mut self, slot: ApproverSlot) -> BoxFuture<'a, Result<Option<String>, ReviewerError>> {
        Box::pin(async move {
            let question = format!(
                "Approver {} of {}: who is approving? Each approver must be a different person.",
                slot.index + 1,
                slot.required
            );
            let message = self.message(Some(&question));
            let schema = schema("approver", json!({"type": "string", "title": "Your name or id"}));
            match self.ask(message, schema, None).await? {
                ElicitationAnswer::Accept(content) => Ok(content.get("approver").map(answer_text)),
                ElicitationAnswer::Decline | ElicitationAnswer::Cancel => Ok(None),
            }
        })
    }
}

fn answer_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
