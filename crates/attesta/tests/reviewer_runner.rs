//! The challenge runner, the non-interactive and the callback reviewers, driven by a scripted
//! prompter and a manual clock (no sleeping, no terminal).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use attesta::reviewer::{
    ApproverSlot, CallbackReviewer, ChallengeRunner, LineAsk, MonotonicClock, NO_REVIEWER_REASON,
    NonInteractiveReviewer, NoticeKind, Prompter, ReviewOutcome, ReviewRequest, Reviewer,
    ReviewerError,
};
use attesta_core::challenge::{
    AcceptedAnswer, ChallengeOptions, Expected, PublicChallenge, generate,
};
use attesta_core::config::{QuizPolicy, TeachBackPolicy};
use attesta_core::{ActionContext, ChallengeResult, ChallengeType, RiskAssessment, Verdict};
use futures::future::BoxFuture;
use serde_json::json;

#[derive(Clone, Default)]
struct ManualClock(Arc<AtomicU64>);

impl ManualClock {
    fn advance(&self, seconds: f64) {
        self.0
            .fetch_add((seconds * 1000.0) as u64, Ordering::SeqCst);
    }
}

impl MonotonicClock for ManualClock {
    fn now(&self) -> Duration {
        Duration::from_millis(self.0.load(Ordering::SeqCst))
    }
}

/// One scripted input: advance the clock by `wait` seconds, then answer `line` (None = EOF).
struct Step {
    wait: f64,
    line: Option<String>,
}

fn say(wait: f64, line: &str) -> Step {
    Step {
        wait,
        line: Some(line.to_owned()),
    }
}

#[derive(Default)]
struct Log {
    presented: Vec<(ChallengeType, Option<ApproverSlot>)>,
    notices: Vec<(NoticeKind, String)>,
    asks: Vec<(String, f64)>,
}

struct ScriptedPrompter {
    clock: ManualClock,
    lines: VecDeque<Step>,
    identities: VecDeque<String>,
    log: Arc<Mutex<Log>>,
}

impl ScriptedPrompter {
    fn new(clock: &ManualClock, lines: Vec<Step>, identities: &[&str]) -> Self {
        ScriptedPrompter {
            clock: clock.clone(),
            lines: lines.into(),
            identities: identities.iter().map(|s| (*s).to_owned()).collect(),
            log: Arc::default(),
        }
    }
}

impl Prompter for ScriptedPrompter {
    fn present<'a>(
        &'a mut self,
        c: &'a PublicChallenge,
        slot: Option<ApproverSlot>,
    ) -> BoxFuture<'a, Result<(), ReviewerError>> {
        self.log
            .lock()
            .unwrap()
            .presented
            .push((c.challenge_type, slot));
        Box::pin(async { Ok(()) })
    }

    fn notice<'a>(
        &'a mut self,
        kind: NoticeKind,
        text: &'a str,
    ) -> BoxFuture<'a, Result<(), ReviewerError>> {
        self.log
            .lock()
            .unwrap()
            .notices
            .push((kind, text.to_owned()));
        Box::pin(async { Ok(()) })
    }

    fn ask_line<'a>(
        &'a mut self,
        ask: LineAsk<'a>,
    ) -> BoxFuture<'a, Result<Option<String>, ReviewerError>> {
        self.log
            .lock()
            .unwrap()
            .asks
            .push((ask.prompt.to_owned(), ask.unlocks_in));
        let step = self.lines.pop_front();
        let clock = self.clock.clone();
        Box::pin(async move {
            let step =
                step.ok_or_else(|| ReviewerError::Failed("script ran out of lines".into()))?;
            clock.advance(step.wait);
            Ok(step.line)
        })
    }

    fn ask_identity<'a>(
        &'a mut self,
        _slot: ApproverSlot,
    ) -> BoxFuture<'a, Result<Option<String>, ReviewerError>> {
        let id = self.identities.pop_front();
        Box::pin(async move { Ok(id) })
    }
}

fn request(ctx: ActionContext, challenge: ChallengeType, min_review: f64) -> ReviewRequest {
    ReviewRequest {
        ctx: Arc::new(ctx),
        assessment: Arc::new(RiskAssessment::from_score(0.7, "test", vec![])),
        challenge,
        min_review_seconds: min_review,
        approvers_required: 2,
        quiz: QuizPolicy {
            questions: 2,
            min_correct: None,
        },
        teach_back: TeachBackPolicy::default(),
        seed: 99,
        timeout_seconds: 300.0,
        session_allow: None,
    }
}

fn options_for(req: &ReviewRequest) -> ChallengeOptions {
    ChallengeOptions {
        challenge: req.challenge,
        seed: req.seed,
        min_review_seconds: req.min_review_seconds,
        approvers_required: req.approvers_required,
        quiz: req.quiz,
        teach_back: req.teach_back,
    }
}

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    futures::executor::block_on(f)
}

#[test]
fn confirm_rejects_early_answers_and_reasks_until_the_lockout_ends() {
    let clock = ManualClock::default();
    let req = request(
        ActionContext::new("deploy").with_arg("api"),
        ChallengeType::Confirm,
        3.0,
    );
    let mut p = ScriptedPrompter::new(
        &clock,
        vec![say(1.0, "y"), say(1.0, "y"), say(1.5, "y")],
        &[],
    );
    let log = Arc::clone(&p.log);
    let outcome = block(ChallengeRunner::new().run(&req, &mut p, &clock)).unwrap();
    assert_eq!(outcome.verdict, Verdict::Approved);
    assert_eq!(outcome.challenge.details["early_answers"], 2);
    assert_eq!(outcome.challenge.review_seconds, 3.5);
    assert!(outcome.challenge.min_review_met);
    let log = log.lock().unwrap();
    let unlocks: Vec<f64> = log.asks.iter().map(|a| a.1).collect();
    assert_eq!(
        unlocks,
        [3.0, 2.0, 1.0],
        "each re-ask carries the remaining lockout"
    );
    let rejected: Vec<&String> = log
        .notices
        .iter()
        .filter(|n| n.0 == NoticeKind::Rejected)
        .map(|n| &n.1)
        .collect();
    assert_eq!(rejected.len(), 2);
    assert!(rejected[0].contains("again in 2s"), "{rejected:?}");
}

#[test]
fn confirm_denies_anything_but_yes_and_eof_denies() {
    let clock = ManualClock::default();
    let req = request(ActionContext::new("deploy"), ChallengeType::Confirm, 0.0);
    let mut p = ScriptedPrompter::new(&clock, vec![say(0.0, "n")], &[]);
    let outcome = block(ChallengeRunner::new().run(&req, &mut p, &clock)).unwrap();
    assert_eq!(outcome.verdict, Verdict::Denied);
    let mut p = ScriptedPrompter::new(
        &clock,
        vec![Step {
            wait: 0.0,
            line: None,
        }],
        &[],
    );
    let outcome = block(ChallengeRunner::new().run(&req, &mut p, &clock)).unwrap();
    assert_eq!(outcome.verdict, Verdict::Denied);
    assert!(
        outcome.reason.contains("input closed"),
        "{}",
        outcome.reason
    );
}

#[test]
fn quiz_passes_with_the_right_answers_and_fails_quietly_with_wrong_ones() {
    let clock = ManualClock::default();
    let ctx = ActionContext::new("send_email")
        .with_kwarg("to", "cfo@example.com")
        .with_kwarg("attachment", "/srv/exports/payroll.xlsx");
    let req = request(ctx.clone(), ChallengeType::Quiz, 0.0);
    let (_, key) = generate(&ctx, &req.assessment, &options_for(&req));
    let Expected::Quiz(quiz) = &key.expected else {
        panic!("quiz expected")
    };
    let right: Vec<String> = quiz
        .answers
        .iter()
        .map(|a| match &a.accepted {
            AcceptedAnswer::Choice { value, .. } | AcceptedAnswer::Exact { value } => value.clone(),
        })
        .collect();
    let lines = right.iter().map(|a| say(2.0, a)).collect();
    let mut p = ScriptedPrompter::new(&clock, lines, &[]);
    let outcome = block(ChallengeRunner::new().run(&req, &mut p, &clock)).unwrap();
    assert_eq!(outcome.verdict, Verdict::Approved, "{outcome:?}");
    assert_eq!(outcome.challenge.questions_asked, 2);

    let mut p = ScriptedPrompter::new(&clock, vec![say(1.0, "zz"), say(1.0, "zz")], &[]);
    let log = Arc::clone(&p.log);
    let outcome = block(ChallengeRunner::new().run(&req, &mut p, &clock)).unwrap();
    assert_eq!(outcome.verdict, Verdict::Denied);
    let everything = format!("{outcome:?} {:?}", log.lock().unwrap().notices);
    for answer in &right {
        assert!(
            !everything.contains(answer.as_str()),
            "{answer} leaked: {everything}"
        );
    }
}

#[test]
fn multi_party_runs_each_approver_through_their_own_challenge() {
    let clock = ManualClock::default();
    let ctx = ActionContext::new("drop_table").with_arg("accounts");
    let req = request(ctx.clone(), ChallengeType::MultiParty, 1.0);
    let (_, key) = generate(&ctx, &req.assessment, &options_for(&req));
    let Expected::MultiParty { steps, .. } = &key.expected else {
        panic!("multi-party expected")
    };
    let Expected::Quiz(quiz) = &steps[1].expected else {
        panic!("second approver gets a quiz")
    };
    let mut lines = vec![say(
        5.0,
        "This drops the accounts table for good which removes every customer login and balance stored there today",
    )];
    for a in &quiz.answers {
        let (AcceptedAnswer::Choice { value, .. } | AcceptedAnswer::Exact { value }) = &a.accepted;
        lines.push(say(2.0, value));
    }
    let mut p = ScriptedPrompter::new(&clock, lines, &["Alice", "Bob"]);
    let log = Arc::clone(&p.log);
    let outcome = block(ChallengeRunner::new().run(&req, &mut p, &clock)).unwrap();
    assert_eq!(outcome.verdict, Verdict::Approved, "{outcome:?}");
    assert_eq!(outcome.approvers, ["Alice", "Bob"]);
    assert!(!outcome.authenticated);
    assert_eq!(outcome.challenge.details["identity"], "self-declared");
    assert_eq!(outcome.challenge.sub_results.len(), 2);
    let presented: Vec<_> = log.lock().unwrap().presented.iter().map(|p| p.0).collect();
    assert_eq!(
        presented,
        [
            ChallengeType::MultiParty,
            ChallengeType::TeachBack,
            ChallengeType::Quiz
        ]
    );
}

#[test]
fn multi_party_with_one_person_is_denied() {
    let clock = ManualClock::default();
    let req = request(
        ActionContext::new("drop_table").with_arg("accounts"),
        ChallengeType::MultiParty,
        0.0,
    );
    let lines = vec![say(
        1.0,
        "This drops the accounts table for good which removes every customer login and balance stored there today",
    )];
    let mut p = ScriptedPrompter::new(&clock, lines, &["alice", "Alice", "ALICE ", " alice"]);
    let outcome = block(ChallengeRunner::new().run(&req, &mut p, &clock)).unwrap();
    assert_eq!(outcome.verdict, Verdict::Denied);
    assert_eq!(outcome.approvers, ["alice"]);
    assert_eq!(outcome.challenge.details["identities_refused"], 3);
}

#[test]
fn non_interactive_deny_explains_how_to_configure_a_reviewer() {
    let req = request(ActionContext::new("deploy"), ChallengeType::Confirm, 3.0);
    let outcome = block(NonInteractiveReviewer::deny().review(&req)).unwrap();
    assert_eq!(outcome.verdict, Verdict::Denied);
    assert!(outcome.reason.contains(NO_REVIEWER_REASON));
    assert!(outcome.reason.contains("policy.unattended: allow"));
    assert!(!outcome.challenge.passed);
    let auto = request(
        ActionContext::new("read_file"),
        ChallengeType::AutoApprove,
        0.0,
    );
    assert_eq!(
        block(NonInteractiveReviewer::deny().review(&auto))
            .unwrap()
            .verdict,
        Verdict::Approved
    );
}

#[test]
fn non_interactive_allow_marks_the_outcome_unattended() {
    let req = request(
        ActionContext::new("deploy"),
        ChallengeType::MultiParty,
        30.0,
    );
    let outcome = block(NonInteractiveReviewer::allow().review(&req)).unwrap();
    assert_eq!(outcome.verdict, Verdict::Approved);
    assert_eq!(outcome.challenge.details["unattended"], true);
    assert!(outcome.reason.contains("unattended"));
    assert!(outcome.approvers.is_empty());
}

fn outcome(verdict: Verdict, modification: Option<serde_json::Value>) -> ReviewOutcome {
    ReviewOutcome {
        verdict,
        challenge: ChallengeResult::new(ChallengeType::Confirm, verdict.runs()),
        approvers: vec!["bot".into()],
        authenticated: false,
        modification,
        reason: "by callback".into(),
    }
}

#[test]
fn callback_reviewers_sync_and_async_and_modified() {
    let req = request(
        ActionContext::new("send_email").with_kwarg("to", "all@example.com"),
        ChallengeType::Confirm,
        0.0,
    );
    let sync = CallbackReviewer::from_fn(|r: &ReviewRequest| {
        let narrowed = json!({"args": [], "kwargs": {"to": "team@example.com"}});
        if r.ctx.kwargs["to"] == "all@example.com" {
            outcome(Verdict::Modified, Some(narrowed))
        } else {
            outcome(Verdict::Approved, None)
        }
    })
    .named("slack");
    assert_eq!(sync.name(), "slack");
    let got = block(sync.review(&req)).unwrap();
    assert_eq!(got.verdict, Verdict::Modified);
    assert_eq!(
        got.modification.unwrap()["kwargs"]["to"],
        "team@example.com"
    );

    let asynchronous = CallbackReviewer::from_async(|r: ReviewRequest| async move {
        outcome(
            if r.ctx.function_name == "send_email" {
                Verdict::Denied
            } else {
                Verdict::Approved
            },
            None,
        )
    });
    assert_eq!(
        block(asynchronous.review(&req)).unwrap().verdict,
        Verdict::Denied
    );
}

#[test]
fn callback_mistakes_and_panics_fail_closed() {
    let req = request(ActionContext::new("deploy"), ChallengeType::Confirm, 0.0);
    let missing = CallbackReviewer::from_fn(|_: &ReviewRequest| outcome(Verdict::Modified, None));
    assert!(
        matches!(block(missing.review(&req)), Err(ReviewerError::Failed(m)) if m.contains("modification"))
    );
    let panicking = CallbackReviewer::from_fn(|_: &ReviewRequest| panic!("boom"));
    assert!(
        matches!(block(panicking.review(&req)), Err(ReviewerError::Failed(m)) if m.contains("panicked"))
    );
    let panicking_async = CallbackReviewer::from_async(|_: ReviewRequest| async { panic!("boom") });
    assert!(matches!(
        block(panicking_async.review(&req)),
        Err(ReviewerError::Failed(_))
    ));
}

#[test]
fn no_is_instant_and_carries_its_reason() {
    let clock = ManualClock::default();
    // A 30 s minimum review: "n" at once is taken at once, never "too early", never re-asked.
    let req = request(
        ActionContext::new("deploy").with_arg("api"),
        ChallengeType::Confirm,
        30.0,
    );
    let mut p = ScriptedPrompter::new(&clock, vec![say(0.2, "n - wrong cluster")], &[]);
    let log = Arc::clone(&p.log);
    let outcome = block(ChallengeRunner::new().run(&req, &mut p, &clock)).unwrap();
    assert_eq!(outcome.verdict, Verdict::Denied);
    assert_eq!(
        outcome.reason,
        "denied: denied by the reviewer: wrong cluster"
    );
    assert_eq!(outcome.challenge.details["deny_reason"], "wrong cluster");
    assert_eq!(outcome.challenge.details["early_answers"], 0);
    assert!(
        !log.lock()
            .unwrap()
            .notices
            .iter()
            .any(|n| n.0 == NoticeKind::Rejected)
    );

    // A quiz or teach-back: `deny` (with or without a reason) ends it at once too.
    for (challenge, line, reason) in [
        (
            ChallengeType::TeachBack,
            "deny: not during the freeze",
            Some("not during the freeze"),
        ),
        (ChallengeType::Quiz, "deny", None),
        (
            ChallengeType::TeachBack,
            "deny: declined by the user",
            Some("declined by the user"),
        ),
    ] {
        let req = request(
            ActionContext::new("drop_table")
                .with_kwarg("table", "customers")
                .with_kwarg("database", "crm"),
            challenge,
            30.0,
        );
        let mut p = ScriptedPrompter::new(&clock, vec![say(0.1, line)], &[]);
        let outcome = block(ChallengeRunner::new().run(&req, &mut p, &clock)).unwrap();
        assert_eq!(outcome.verdict, Verdict::Denied, "{line}");
        match reason {
            Some(r) => assert_eq!(outcome.challenge.details["deny_reason"], r),
            None => assert!(outcome.challenge.details.get("deny_reason").is_none()),
        }
        assert!(
            outcome.reason.starts_with("denied: denied by the reviewer"),
            "{}",
            outcome.reason
        );
    }

    // Multi-party: an approver's no ends the whole review.
    let req = request(
        ActionContext::new("drop_table").with_kwarg("table", "customers"),
        ChallengeType::MultiParty,
        30.0,
    );
    let mut p = ScriptedPrompter::new(&clock, vec![say(0.1, "deny: not today")], &["alice"]);
    let outcome = block(ChallengeRunner::new().run(&req, &mut p, &clock)).unwrap();
    assert_eq!(outcome.verdict, Verdict::Denied);
    assert!(
        outcome.reason.contains("approver 1 of 2 denied: not today"),
        "{}",
        outcome.reason
    );
}

#[test]
fn deny_lines_are_read_strictly() {
    use attesta::reviewer::deny_request;
    assert_eq!(deny_request("n", true), Some(None));
    assert_eq!(deny_request("", true), Some(None));
    assert_eq!(deny_request("y", true), None);
    assert_eq!(deny_request(" YES ", true), None);
    assert_eq!(
        deny_request("no: wrong host", true),
        Some(Some("wrong host".into()))
    );
    assert_eq!(deny_request("deny", false), Some(None));
    // An earlier multi-party approver takes their approval back.
    assert_eq!(
        deny_request("withdraw: backup not verified", false),
        Some(Some("backup not verified".into()))
    );
    assert_eq!(deny_request("withdraws the key", false), None);
    assert!(attesta::reviewer::is_details_request(" ? "));
    assert!(!attesta::reviewer::is_details_request("? a"));
    assert_eq!(
        deny_request("/deny too risky", false),
        Some(Some("too risky".into()))
    );
    // A teach-back that begins with "no" is an answer, not a deny.
    assert_eq!(
        deny_request("no rows are kept: this drops the table", false),
        None
    );
    assert_eq!(deny_request("b", false), None);
    assert_eq!(deny_request("n", false), Some(None));
}

// ---------------------------------------------------------------------------------------------
// The session allow-list answer at a MEDIUM confirmation.

fn offered(command: &str, min_review: f64) -> ReviewRequest {
    let mut req = request(
        ActionContext::new("Bash").with_kwarg("command", command),
        ChallengeType::Confirm,
        min_review,
    );
    req.approvers_required = 1;
    req.session_allow = Some(attesta::reviewer::AllowOffer {
        tool: "Bash".into(),
        command: command.into(),
    });
    req
}

#[test]
fn allow_answer_approves_and_grants_what_the_human_chose() {
    let clock = ManualClock::default();
    // `a` alone: the exact command.
    let req = offered("cargo build --release", 0.0);
    let mut p = ScriptedPrompter::new(&clock, vec![say(0.0, "a")], &[]);
    let log = Arc::clone(&p.log);
    let outcome = block(ChallengeRunner::new().run(&req, &mut p, &clock)).unwrap();
    assert_eq!(outcome.verdict, Verdict::Approved);
    assert_eq!(
        outcome.challenge.details[attesta::reviewer::SESSION_ALLOW_GRANTED],
        json!({"tool": "Bash", "prefix": "cargo build --release"})
    );
    assert!(outcome.reason.contains("allowed for the rest of the session"), "{}", outcome.reason);
    let log = log.lock().unwrap();
    assert!(log.asks[0].0.contains("a = also allow"), "{:?}", log.asks);
    assert!(
        log.notices.iter().any(|n| n.0 == NoticeKind::Info && n.1.contains("exactly `cargo build --release`")),
        "the human is shown what the grant covers: {:?}",
        log.notices
    );

    // `a <prefix>`: a whole-word prefix they typed.
    let mut p = ScriptedPrompter::new(&clock, vec![say(0.0, "a cargo build")], &[]);
    let outcome = block(ChallengeRunner::new().run(&req, &mut p, &clock)).unwrap();
    assert_eq!(
        outcome.challenge.details[attesta::reviewer::SESSION_ALLOW_GRANTED]["prefix"],
        "cargo build"
    );
}

#[test]
fn allow_answers_that_cannot_be_honoured_are_refused_and_asked_again() {
    let clock = ManualClock::default();
    let req = offered("cargo build --release", 0.0);
    // Not a prefix, smuggled operators, a bare interpreter: each refused; then a plain yes
    // approves without any grant.
    let mut p = ScriptedPrompter::new(
        &clock,
        vec![say(0.0, "a cargo test"), say(0.0, "a cargo build; rm -rf ~"), say(0.0, "a car"), say(0.0, "y")],
        &[],
    );
    let log = Arc::clone(&p.log);
    let outcome = block(ChallengeRunner::new().run(&req, &mut p, &clock)).unwrap();
    assert_eq!(outcome.verdict, Verdict::Approved);
    assert!(!outcome.challenge.details.contains_key(attesta::reviewer::SESSION_ALLOW_GRANTED));
    let refused = log.lock().unwrap().notices.iter().filter(|n| n.0 == NoticeKind::Rejected).count();
    assert_eq!(refused, 3);

    // A command that is not a single simple command is never offered as a whole.
    let req = offered("make && rm -rf ~", 0.0);
    let mut p = ScriptedPrompter::new(&clock, vec![say(0.0, "a"), say(0.0, "n")], &[]);
    let outcome = block(ChallengeRunner::new().run(&req, &mut p, &clock)).unwrap();
    assert_eq!(outcome.verdict, Verdict::Denied);
    assert!(!outcome.challenge.details.contains_key(attesta::reviewer::SESSION_ALLOW_GRANTED));
}

#[test]
fn allow_answer_waits_out_the_minimum_review_time_like_yes() {
    let clock = ManualClock::default();
    let req = offered("npm run build", 3.0);
    // An early `a` is rejected like an early `y`; the later plain `y` carries no grant.
    let mut p = ScriptedPrompter::new(&clock, vec![say(1.0, "a"), say(3.0, "y")], &[]);
    let outcome = block(ChallengeRunner::new().run(&req, &mut p, &clock)).unwrap();
    assert_eq!(outcome.verdict, Verdict::Approved);
    assert_eq!(outcome.challenge.details["early_answers"], 1);
    assert!(!outcome.challenge.details.contains_key(attesta::reviewer::SESSION_ALLOW_GRANTED));
}

#[test]
fn without_an_offer_a_is_a_no() {
    let clock = ManualClock::default();
    let mut req = offered("cargo build", 0.0);
    req.session_allow = None;
    let mut p = ScriptedPrompter::new(&clock, vec![say(0.0, "a")], &[]);
    let log = Arc::clone(&p.log);
    let outcome = block(ChallengeRunner::new().run(&req, &mut p, &clock)).unwrap();
    assert_eq!(outcome.verdict, Verdict::Denied);
    assert!(!log.lock().unwrap().asks[0].0.contains("allow"));
}
