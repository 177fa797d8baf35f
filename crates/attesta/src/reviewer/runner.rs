//! Runs any challenge (multi-party included) over a [`Prompter`], so channels only present and
//! collect. The runner owns the rules that need time: it enforces the minimum review time with
//! the [`MonotonicClock`] it is given and re-asks after an early answer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use attesta_core::challenge::{
    AnswerKey, ChallengeBody, ChallengeOptions, Expected, MultiPartySession, MultiPartyStep,
    PublicChallenge, Response, SessionError, TeachBackValidator, check, generate, lockout,
};
use attesta_core::{ChallengeResult, ChallengeType, Verdict};
use futures::future::BoxFuture;
use serde_json::Value;

use super::allow::{AllowAnswer, allow_answer};
use super::render::{ApproverSlot, render_details, render_question};
use super::{AllowOffer, ReviewOutcome, ReviewRequest, ReviewerError, SESSION_ALLOW_GRANTED};

/// A monotonic clock: time since an arbitrary fixed origin. Injectable so tests need no sleeping.
pub trait MonotonicClock: Send + Sync {
    fn now(&self) -> Duration;
}

/// The process's monotonic clock.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    origin: Instant,
}

impl SystemClock {
    pub fn new() -> Self {
        SystemClock {
            origin: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl MonotonicClock for SystemClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
}

/// How a notice should be presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    /// An answer or identity was not accepted; the human is asked again.
    Rejected,
    /// The final verdict.
    Outcome,
}

/// One request for a line of input.
#[derive(Debug, Clone, Copy)]
pub struct LineAsk<'a> {
    /// Text shown once above the prompt (a quiz question with its options), if any.
    pub question: Option<&'a str>,
    /// The short prompt on the input line.
    pub prompt: &'a str,
    /// Seconds until an answer will be accepted (0 when already allowed); for a countdown.
    pub unlocks_in: f64,
    /// Seconds until the review times out, if known.
    pub deadline: Option<f64>,
}

/// What a channel must do: show things and collect lines. Nothing else.
pub trait Prompter: Send {
    /// Shows a challenge (a multi-party overview when `slot` is `None`, or one approver's step).
    fn present<'a>(
        &'a mut self,
        challenge: &'a PublicChallenge,
        slot: Option<ApproverSlot>,
    ) -> BoxFuture<'a, Result<(), ReviewerError>>;

    fn notice<'a>(
        &'a mut self,
        kind: NoticeKind,
        text: &'a str,
    ) -> BoxFuture<'a, Result<(), ReviewerError>>;

    /// Reads one line. `Ok(None)` when the input closed (the review is then denied); an error
    /// when the deadline passed or the channel failed.
    fn ask_line<'a>(
        &'a mut self,
        ask: LineAsk<'a>,
    ) -> BoxFuture<'a, Result<Option<String>, ReviewerError>>;

    /// Asks who is approving. `Ok(None)` when the input closed.
    fn ask_identity<'a>(
        &'a mut self,
        slot: ApproverSlot,
    ) -> BoxFuture<'a, Result<Option<String>, ReviewerError>>;

    /// True when the channel authenticated the identities it returns.
    fn authenticated(&self) -> bool {
        false
    }

    /// Who is answering a single (not multi-party) challenge, when the channel knows.
    fn operator(&self) -> Option<String> {
        None
    }
}

/// Attempts a multi-party slot gets to offer a new, distinct identity before the review is denied.
const IDENTITY_ATTEMPTS: u32 = 3;

/// Executes challenges over prompters.
#[derive(Clone, Default)]
pub struct ChallengeRunner {
    validators: Vec<Arc<dyn TeachBackValidator>>,
}

impl std::fmt::Debug for ChallengeRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.validators.iter().map(|v| v.name()).collect();
        f.debug_struct("ChallengeRunner")
            .field("validators", &names)
            .finish()
    }
}

struct Collected {
    response: Option<Response>,
    /// The prefix the human allowed for the session with their approval (`a`), if any.
    granted: Option<String>,
    early_answers: u32,
    /// The reviewer said no (with an optional reason): never delayed by the minimum review time.
    denied: Option<Option<String>>,
}

/// Whether a line asks for the action's details (`?`, `details`).
pub fn is_details_request(line: &str) -> bool {
    matches!(line.trim().to_lowercase().as_str(), "?" | "d?" | "details")
}

/// Whether a line is an explicit "no": `n`, `no`, `deny`, `deny: reason`, `n - reason`,
/// `withdraw: reason` (an earlier multi-party approver taking their approval back). For a
/// confirmation anything but `y`/`yes` is a no, and any text after the no is its reason.
/// Returns the reason (if any) when it is a no.
pub fn deny_request(line: &str, confirm: bool) -> Option<Option<String>> {
    let trimmed = line.trim();
    let lower = trimmed.to_lowercase();
    if confirm && (lower == "y" || lower == "yes") {
        return None;
    }
    let reason_after = |prefix_len: usize| {
        let rest = trimmed[prefix_len..]
            .trim_start_matches(|c: char| c.is_whitespace() || ":-,;".contains(c))
            .trim();
        (!rest.is_empty()).then(|| rest.chars().take(500).collect::<String>())
    };
    for prefix in ["/deny", "!deny", "deny", "withdraw", "no", "n"] {
        if let Some(rest) = lower.strip_prefix(prefix)
            && (rest.is_empty()
                || rest.starts_with(|c: char| c.is_whitespace() || ":-,;".contains(c)))
        {
            // A quiz or teach-back answer that merely starts with "no " is an answer, not a no,
            // unless it is the explicit `deny` command.
            if !confirm && prefix.len() <= 2 && !rest.trim().is_empty() {
                return None;
            }
            return Some(reason_after(prefix.len()));
        }
    }
    confirm.then(|| (!trimmed.is_empty()).then(|| trimmed.chars().take(500).collect()))
}

impl ChallengeRunner {
    pub fn new() -> Self {
        ChallengeRunner::default()
    }

    /// Adds an extra teach-back check (e.g. an LLM judge).
    pub fn with_validator(mut self, validator: Arc<dyn TeachBackValidator>) -> Self {
        self.validators.push(validator);
        self
    }

    fn validator_refs(&self) -> Vec<&dyn TeachBackValidator> {
        self.validators.iter().map(|v| v.as_ref()).collect()
    }

    /// Runs the request's challenge to a verdict.
    pub async fn run(
        &self,
        request: &ReviewRequest,
        prompter: &mut dyn Prompter,
        clock: &dyn MonotonicClock,
    ) -> Result<ReviewOutcome, ReviewerError> {
        let options = ChallengeOptions {
            challenge: request.challenge,
            seed: request.seed,
            min_review_seconds: request.min_review_seconds,
            approvers_required: request.approvers_required,
            quiz: request.quiz,
            teach_back: request.teach_back,
        };
        let (public, key) = generate(&request.ctx, &request.assessment, &options);
        let started = clock.now();
        let deadline_at = (request.timeout_seconds.is_finite() && request.timeout_seconds > 0.0)
            .then(|| started + Duration::from_secs_f64(request.timeout_seconds.min(1e9)));
        let mut outcome = match &key.expected {
            Expected::AutoApprove => ReviewOutcome {
                verdict: Verdict::Approved,
                challenge: ChallengeResult::new(ChallengeType::AutoApprove, true),
                approvers: Vec::new(),
                authenticated: false,
                modification: None,
                reason: "auto-approved: no challenge for this risk level".to_owned(),
            },
            Expected::MultiParty { .. } => {
                self.run_multi_party(&public, &key, prompter, clock, deadline_at)
                    .await?
            }
            _ => {
                let offer = request
                    .session_allow
                    .as_ref()
                    .filter(|_| matches!(public.body, ChallengeBody::Confirm { .. }));
                self.run_single(&public, &key, prompter, clock, deadline_at, offer)
                    .await?
            }
        };
        if public.requested_type != public.challenge_type {
            // e.g. a quiz on an action with nothing to ask about became a teach-back.
            let requested = Value::from(public.requested_type.as_str());
            outcome
                .challenge
                .details
                .insert("requested_challenge".into(), requested);
        }
        if !outcome.authenticated && !outcome.approvers.is_empty() {
            outcome
                .challenge
                .details
                .insert("identity".into(), Value::from("self-declared"));
        }
        let kind = NoticeKind::Outcome;
        let why = outcome
            .reason
            .strip_prefix("denied: ")
            .unwrap_or(&outcome.reason);
        let summary = format!("{}: {why}", outcome.verdict.as_str().to_uppercase());
        prompter.notice(kind, &summary).await?;
        Ok(outcome)
    }

    async fn run_single(
        &self,
        public: &PublicChallenge,
        key: &AnswerKey,
        prompter: &mut dyn Prompter,
        clock: &dyn MonotonicClock,
        deadline_at: Option<Duration>,
        offer: Option<&AllowOffer>,
    ) -> Result<ReviewOutcome, ReviewerError> {
        prompter.present(public, None).await?;
        let shown_at = clock.now();
        let collected = collect(
            public,
            key.min_review_seconds,
            prompter,
            clock,
            shown_at,
            deadline_at,
            offer,
        )
        .await?;
        let operator = prompter.operator();
        let authenticated = prompter.authenticated();
        if let Some(reason) = collected.denied {
            let elapsed = secs(clock.now().saturating_sub(shown_at));
            let mut outcome = reviewer_denied(
                public.challenge_type,
                key.min_review_seconds,
                elapsed,
                reason,
                operator.into_iter().collect(),
                authenticated,
            );
            outcome
                .challenge
                .details
                .insert("early_answers".into(), Value::from(collected.early_answers));
            return Ok(outcome);
        }
        let Some(response) = collected.response else {
            let mut result = ChallengeResult::new(public.challenge_type, false)
                .with_detail("reason", "the input closed before an answer was given");
            result.min_review_seconds = key.min_review_seconds;
            result.min_review_met = false;
            return Ok(denied(
                result,
                operator.into_iter().collect(),
                authenticated,
                "no answer: the input closed",
            ));
        };
        let elapsed = secs(clock.now().saturating_sub(shown_at));
        let validators = self.validator_refs();
        let mut result = match check(key, &response, elapsed, &validators) {
            Ok(result) => result,
            // The prompts already waited out the lockout; a clock going backwards fails closed.
            Err(early) => ChallengeResult::new(public.challenge_type, false)
                .with_detail("reason", early.to_string()),
        };
        result
            .details
            .insert("early_answers".into(), Value::from(collected.early_answers));
        if let Some(op) = &operator {
            result.responder_ids = vec![op.clone()];
        }
        let approvers: Vec<String> = operator.into_iter().collect();
        let granted = match (collected.granted, offer) {
            (Some(prefix), Some(offer)) if result.passed => {
                result.details.insert(
                    SESSION_ALLOW_GRANTED.into(),
                    serde_json::json!({"tool": offer.tool, "prefix": prefix}),
                );
                format!("; `{prefix}` allowed for the rest of the session")
            }
            _ => String::new(),
        };
        Ok(if result.passed {
            let reason = format!("approved after {}{granted}", label(public.challenge_type));
            ReviewOutcome {
                verdict: Verdict::Approved,
                challenge: result,
                approvers,
                authenticated,
                modification: None,
                reason,
            }
        } else {
            let reason = failure_reason(&result);
            denied(result, approvers, authenticated, &reason)
        })
    }

    async fn run_multi_party(
        &self,
        public: &PublicChallenge,
        key: &AnswerKey,
        prompter: &mut dyn Prompter,
        clock: &dyn MonotonicClock,
        deadline_at: Option<Duration>,
    ) -> Result<ReviewOutcome, ReviewerError> {
        let ChallengeBody::MultiParty { steps, .. } = &public.body else {
            return Err(ReviewerError::Failed(
                "multi-party challenge without steps".into(),
            ));
        };
        let mut session = MultiPartySession::new(key).ok_or_else(|| {
            ReviewerError::Failed("multi-party challenge without an answer key".into())
        })?;
        let required = session.approvers_required();
        let authenticated = prompter.authenticated();
        let validators = self.validator_refs();
        let mut early_total = 0;
        let mut explanations: Vec<(usize, String)> = Vec::new();
        prompter.present(public, None).await?;
        let result = loop {
            let Some(index) = session.current_index() else {
                break session.abandon("the review ended unexpectedly");
            };
            let slot = ApproverSlot { index, required };
            let mut attempts = 0;
            let admitted = loop {
                let Some(identity) = prompter.ask_identity(slot).await? else {
                    break false;
                };
                match session.admit(&identity) {
                    Ok(_) => break true,
                    Err(refused) => {
                        attempts += 1;
                        prompter
                            .notice(NoticeKind::Rejected, &refused.to_string())
                            .await?;
                        if attempts >= IDENTITY_ATTEMPTS {
                            break false;
                        }
                    }
                }
            };
            if !admitted {
                break session.abandon(&format!(
                    "approver {} of {required} was not provided by a distinct person",
                    index + 1
                ));
            }
            let (Some(step), Some(step_key)) = (steps.get(index), session.current_key().cloned())
            else {
                break session.abandon("the review has fewer steps than approvers");
            };
            prompter.present(step, Some(slot)).await?;
            // Later approvers read what the earlier ones understood; one who explains the action
            // too reads them only after answering, so an explanation cannot be copied.
            let own_teach_back = matches!(step.body, ChallengeBody::TeachBack { .. });
            for (who, text) in explanations.iter().filter(|_| !own_teach_back) {
                prompter
                    .notice(
                        NoticeKind::Info,
                        &format!(
                            "Approver {who} explained: {}",
                            attesta_core::display::show_value(text, 2000)
                        ),
                    )
                    .await?;
            }
            let shown_at = clock.now();
            let collected = collect(
                step,
                step_key.min_review_seconds,
                prompter,
                clock,
                shown_at,
                deadline_at,
                None,
            )
            .await?;
            early_total += collected.early_answers;
            if let Some(reason) = collected.denied {
                let said = reason.map_or_else(String::new, |r| format!(": {r}"));
                break session.abandon(&format!(
                    "approver {} of {required} denied{said}",
                    index + 1
                ));
            }
            let Some(response) = collected.response else {
                break session.abandon("the input closed before an approver answered");
            };
            let elapsed = secs(clock.now().saturating_sub(shown_at));
            let explanation = match &response {
                Response::TeachBack(text) => Some(text.clone()),
                _ => None,
            };
            if own_teach_back {
                for (who, text) in &explanations {
                    prompter
                        .notice(
                            NoticeKind::Info,
                            &format!(
                                "Approver {who} had explained: {}",
                                attesta_core::display::show_value(text, 2000)
                            ),
                        )
                        .await?;
                }
            }
            match session.submit(&response, elapsed, &validators) {
                Ok(MultiPartyStep::Next(_)) => {
                    if let Some(text) = explanation {
                        explanations.push((index + 1, text));
                    }
                    prompter
                        .notice(
                            NoticeKind::Info,
                            &format!("Approver {} of {required} passed.", index + 1),
                        )
                        .await?;
                }
                Ok(MultiPartyStep::Finished(result)) => break result,
                Err(SessionError::TooEarly(early)) => break session.abandon(&early.to_string()),
                Err(other) => break session.abandon(&other.to_string()),
            }
        };
        let mut result = result;
        result
            .details
            .insert("early_answers".into(), Value::from(early_total));
        let approvers = result.responder_ids.clone();
        Ok(if result.passed {
            let reason = format!(
                "approved by {} distinct approvers ({})",
                approvers.len(),
                approvers.join(", ")
            );
            ReviewOutcome {
                verdict: Verdict::Approved,
                challenge: result,
                approvers,
                authenticated,
                modification: None,
                reason,
            }
        } else {
            let reason = failure_reason(&result);
            denied(result, approvers, authenticated, &reason)
        })
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn label(challenge: ChallengeType) -> &'static str {
    match challenge {
        ChallengeType::AutoApprove => "auto-approval",
        ChallengeType::Confirm => "confirmation",
        ChallengeType::Quiz => "a correct quiz",
        ChallengeType::TeachBack => "an accepted teach-back",
        ChallengeType::MultiParty => "multi-party approval",
    }
}

fn failure_reason(result: &ChallengeResult) -> String {
    let detail = result
        .details
        .get("reason")
        .and_then(Value::as_str)
        .unwrap_or("challenge failed");
    match result.challenge_type {
        // Never say which answer would have been right.
        ChallengeType::Quiz => "quiz answered incorrectly".to_owned(),
        ChallengeType::Confirm => "the operator did not confirm".to_owned(),
        ChallengeType::TeachBack => format!("teach-back not accepted: {detail}"),
        ChallengeType::MultiParty => format!("multi-party approval failed: {detail}"),
        ChallengeType::AutoApprove => detail.to_owned(),
    }
}

/// The reviewer said no: denied at once, with their reason (audited and returned to the agent).
fn reviewer_denied(
    challenge_type: ChallengeType,
    min_review_seconds: f64,
    elapsed: f64,
    reason: Option<String>,
    approvers: Vec<String>,
    authenticated: bool,
) -> ReviewOutcome {
    let mut result = ChallengeResult::new(challenge_type, false)
        .with_detail("answer", "declined")
        .with_detail("reason", "denied by the reviewer");
    if let Some(r) = &reason {
        result = result.with_detail("deny_reason", r.as_str());
    }
    result.review_seconds = elapsed;
    result.min_review_seconds = min_review_seconds;
    result.min_review_met = elapsed >= min_review_seconds;
    result.responder_ids = approvers.clone();
    let why = match &reason {
        Some(r) => format!("denied by the reviewer: {r}"),
        None => "denied by the reviewer".to_owned(),
    };
    denied(result, approvers, authenticated, &why)
}

fn denied(
    challenge: ChallengeResult,
    approvers: Vec<String>,
    authenticated: bool,
    reason: &str,
) -> ReviewOutcome {
    ReviewOutcome {
        verdict: Verdict::Denied,
        challenge,
        approvers,
        authenticated,
        modification: None,
        reason: format!("denied: {reason}"),
    }
}

/// Collects the response to one (non-multi-party) challenge, re-asking after early answers.
async fn collect(
    public: &PublicChallenge,
    min_review_seconds: f64,
    prompter: &mut dyn Prompter,
    clock: &dyn MonotonicClock,
    shown_at: Duration,
    deadline_at: Option<Duration>,
    offer: Option<&AllowOffer>,
) -> Result<Collected, ReviewerError> {
    let mut early_answers = 0;
    let mut denied: Option<Option<String>> = None;
    let mut granted: Option<String> = None;
    let confirm = matches!(public.body, ChallengeBody::Confirm { .. });
    let offer = offer.filter(|_| confirm);
    let mut ask = async |prompter: &mut dyn Prompter,
                         question: Option<&str>,
                         prompt: &str|
           -> Result<Option<String>, ReviewerError> {
        loop {
            let now = clock.now();
            let elapsed = secs(now.saturating_sub(shown_at));
            let ask = LineAsk {
                question,
                prompt,
                unlocks_in: (min_review_seconds - elapsed).max(0.0),
                deadline: deadline_at.map(|d| secs(d.saturating_sub(now))),
            };
            let Some(mut line) = prompter.ask_line(ask).await? else {
                return Ok(None);
            };
            // Only the answer that finally approves can carry a grant.
            granted = None;
            // `?` shows every argument and risk factor in full, then asks again.
            if is_details_request(&line) {
                prompter
                    .notice(NoticeKind::Info, &render_details(public))
                    .await?;
                continue;
            }
            // `a [prefix]`: approve and allow the command for the rest of the session.
            if let Some(offer) = offer {
                match allow_answer(&line, offer) {
                    AllowAnswer::NotAllow => {}
                    AllowAnswer::Refused(why) => {
                        prompter.notice(NoticeKind::Rejected, &why).await?;
                        continue;
                    }
                    AllowAnswer::Granted { prefix, covers } => {
                        prompter.notice(NoticeKind::Info, &covers).await?;
                        granted = Some(prefix);
                        line = "y".to_owned();
                    }
                }
            }
            // "No" is never too early.
            if let Some(reason) = deny_request(&line, confirm) {
                denied = Some(reason);
                return Ok(None);
            }
            let answered = secs(clock.now().saturating_sub(shown_at));
            match lockout(min_review_seconds, answered) {
                Ok(()) => return Ok(Some(line)),
                Err(early) => {
                    early_answers += 1;
                    prompter
                        .notice(NoticeKind::Rejected, &format!("Too early: {early}"))
                        .await?;
                }
            }
        }
    };
    let response = match &public.body {
        ChallengeBody::AutoApprove => Some(Response::AutoApprove),
        ChallengeBody::Confirm { .. } => {
            let prompt = if offer.is_some() {
                "Approve? [y/N] (a = also allow this command for the rest of the session, a <prefix> = allow commands starting with <prefix>) "
            } else {
                "Approve? [y/N] "
            };
            ask(prompter, None, prompt).await?.map(Response::Confirm)
        }
        ChallengeBody::TeachBack { .. } => ask(prompter, None, "Your explanation: ")
            .await?
            .map(Response::TeachBack),
        ChallengeBody::Quiz { questions, .. } => {
            let mut answers = Vec::with_capacity(questions.len());
            let mut closed = false;
            for (i, q) in questions.iter().enumerate() {
                let text = render_question(q, i + 1, questions.len());
                match ask(prompter, Some(&text), "Answer: ").await? {
                    Some(a) => answers.push(a),
                    None => {
                        closed = true;
                        break;
                    }
                }
            }
            (!closed).then_some(Response::Quiz(answers))
        }
        ChallengeBody::MultiParty { .. } => None,
    };
    Ok(Collected {
        granted: if denied.is_some() || response.is_none() {
            None
        } else {
            granted
        },
        response: if denied.is_some() { None } else { response },
        early_answers,
        denied,
    })
}
