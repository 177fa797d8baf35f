//! The pipeline's promises (SPEC §1) and its handling of reviewers, modes, timeouts and gates.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use attesta::config_file::LoadedConfig;
use attesta::reviewer::{NonInteractiveReviewer, ReviewOutcome, ReviewRequest, Reviewer, ReviewerError};
use attesta::{ActionContext, AttestaBuilder, EvaluateOptions, Event, Mode, RiskLevel, Verdict};
use attesta_core::config::{FailMode, Unattended};
use attesta_core::scoring::{FixedRiskScorer, RiskScorer};
use attesta_core::{ChallengeResult, ChallengeType, RiskAssessment};
use futures::future::BoxFuture;
use serde_json::json;

/// A reviewer scripted by the test: returns whatever the closure says, counting calls.
type Respond = Box<dyn Fn(&ReviewRequest) -> Result<ReviewOutcome, ReviewerError> + Send + Sync>;

struct Scripted {
    calls: AtomicUsize,
    respond: Respond,
}

impl Scripted {
    fn new(respond: impl Fn(&ReviewRequest) -> Result<ReviewOutcome, ReviewerError> + Send + Sync + 'static) -> Arc<Self> {
        Arc::new(Scripted { calls: AtomicUsize::new(0), respond: Box::new(respond) })
    }

    fn approving() -> Arc<Self> {
        Self::new(|req| Ok(outcome(Verdict::Approved, req.challenge, true, vec!["alice".into()])))
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl Reviewer for Scripted {
    fn name(&self) -> &str {
        "scripted"
    }

    fn review<'a>(&'a self, request: &'a ReviewRequest) -> BoxFuture<'a, Result<ReviewOutcome, ReviewerError>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let result = (self.respond)(request);
        Box::pin(async move { result })
    }
}

/// A reviewer that never answers (a human who walked away).
struct Silent;

impl Reviewer for Silent {
    fn name(&self) -> &str {
        "silent"
    }

    fn review<'a>(&'a self, _request: &'a ReviewRequest) -> BoxFuture<'a, Result<ReviewOutcome, ReviewerError>> {
        Box::pin(futures::future::pending())
    }
}

struct Panicking;

impl Reviewer for Panicking {
    fn name(&self) -> &str {
        "panicking"
    }

    fn review<'a>(&'a self, _request: &'a ReviewRequest) -> BoxFuture<'a, Result<ReviewOutcome, ReviewerError>> {
        Box::pin(async { panic!("reviewer bug") })
    }
}

struct PanickingScorer;

impl RiskScorer for PanickingScorer {
    fn name(&self) -> &str {
        "panicking"
    }

    fn score(&self, _ctx: &ActionContext) -> RiskAssessment {
        panic!("scorer bug")
    }
}

fn outcome(verdict: Verdict, challenge: ChallengeType, passed: bool, approvers: Vec<String>) -> ReviewOutcome {
    let mut result = ChallengeResult::new(challenge, passed);
    result.responder_ids = approvers.clone();
    ReviewOutcome { verdict, challenge: result, approvers, authenticated: false, modification: None, reason: String::new() }
}

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Self {
        Setup { dir: tempfile::tempdir().unwrap() }
    }

    fn builder(&self) -> AttestaBuilder {
        AttestaBuilder::from_loaded(LoadedConfig::defaults(self.dir.path().to_path_buf()))
            .environment("development")
            .env_lookup(|_| None)
    }

    fn fixed(&self, score: f64) -> AttestaBuilder {
        self.builder().scorer(Arc::new(FixedRiskScorer::new(score).unwrap()))
    }

    fn audit_path(&self) -> std::path::PathBuf {
        self.dir.path().join(".attesta/audit.jsonl")
    }

    fn audit_lines(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.audit_path())
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

fn ctx(name: &str) -> ActionContext {
    ActionContext::new(name).with_kwarg("path", "/srv/data/report.csv")
}

#[tokio::test]
async fn low_risk_is_auto_approved_and_audited() {
    let s = Setup::new();
    let reviewer = Scripted::approving();
    let attesta = s.fixed(0.1).reviewer(reviewer.clone()).build().unwrap();
    let result = attesta.evaluate(ctx("read_report")).await;
    assert_eq!(result.verdict, Verdict::Approved);
    assert_eq!(result.risk.level, RiskLevel::Low);
    assert_eq!(result.challenge.as_ref().unwrap().challenge_type, ChallengeType::AutoApprove);
    assert_eq!(reviewer.calls(), 0, "LOW never asks a human");
    let lines = s.audit_lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["entry_id"], json!(result.audit_entry_id));
    assert_eq!(lines[0]["verdict"], "approved");
    assert_eq!(lines[0]["environment"], "development", "the resolved environment is on record");
}

// --- Invariant: fail closed -------------------------------------------------------------------

#[tokio::test]
async fn a_panicking_scorer_denies() {
    let s = Setup::new();
    let reviewer = Scripted::approving();
    let attesta = s.builder().scorer(Arc::new(PanickingScorer)).reviewer(reviewer.clone()).build().unwrap();
    let result = attesta.evaluate(ctx("anything")).await;
    assert_eq!(result.verdict, Verdict::Denied);
    assert!(result.reason.contains("risk scoring failed"), "{}", result.reason);
    assert!(result.reason.contains("panicked"), "{}", result.reason);
    assert_eq!(reviewer.calls(), 0);
    assert_eq!(s.audit_lines()[0]["verdict"], "denied", "the failure is on record");
}

#[tokio::test]
async fn a_failing_reviewer_denies() {
    let s = Setup::new();
    let reviewer = Scripted::new(|_| Err(ReviewerError::Failed("socket closed".into())));
    let attesta = s.fixed(0.5).reviewer(reviewer).build().unwrap();
    let result = attesta.evaluate(ctx("update_record")).await;
    assert_eq!(result.verdict, Verdict::Denied);
    assert!(result.reason.contains("socket closed"), "{}", result.reason);
}

#[tokio::test]
async fn a_panicking_reviewer_denies() {
    let s = Setup::new();
    let attesta = s.fixed(0.5).reviewer(Arc::new(Panicking)).build().unwrap();
    let result = attesta.evaluate(ctx("update_record")).await;
    assert_eq!(result.verdict, Verdict::Denied);
    assert!(result.reason.contains("crashed"), "{}", result.reason);
}

#[tokio::test]
async fn an_approval_of_a_failed_challenge_is_not_trusted() {
    let s = Setup::new();
    let reviewer = Scripted::new(|req| Ok(outcome(Verdict::Approved, req.challenge, false, vec!["bob".into()])));
    let attesta = s.fixed(0.7).reviewer(reviewer).build().unwrap();
    let result = attesta.evaluate(ctx("update_record")).await;
    assert_eq!(result.verdict, Verdict::Denied);
}

#[tokio::test]
async fn multi_party_with_one_person_twice_is_denied() {
    let s = Setup::new();
    let reviewer = Scripted::new(|req| {
        assert_eq!(req.challenge, ChallengeType::MultiParty);
        assert_eq!(req.approvers_required, 2);
        Ok(outcome(Verdict::Approved, req.challenge, true, vec!["alice".into(), " Alice ".into()]))
    });
    let attesta = s.fixed(0.95).reviewer(reviewer).build().unwrap();
    let result = attesta.evaluate(ctx("drop_database")).await;
    assert_eq!(result.verdict, Verdict::Denied);
    assert!(result.reason.contains("distinct approvers"), "{}", result.reason);

    let honest = Scripted::new(|req| Ok(outcome(Verdict::Approved, req.challenge, true, vec!["alice".into(), "bob".into()])));
    let attesta = s.fixed(0.95).reviewer(honest).build().unwrap();
    let result = attesta.evaluate(ctx("drop_database")).await;
    assert_eq!(result.verdict, Verdict::Approved);
    assert_eq!(result.approvers, ["alice", "bob"]);
    let lines = s.audit_lines();
    assert_eq!(lines.last().unwrap()["approver_ids"], json!(["alice", "bob"]), "approver ids reach the log");
}

// --- Invariant: an audit write that fails denies ----------------------------------------------

#[tokio::test]
async fn an_audit_write_failure_denies() {
    let s = Setup::new();
    // Writes to /dev/full fail with ENOSPC: the record cannot be written, so the call is denied.
    let attesta = s.fixed(0.1).reviewer(Scripted::approving()).audit_path("/dev/full").build().unwrap();
    let result = attesta.evaluate(ctx("read_report")).await;
    assert_eq!(result.verdict, Verdict::Denied);
    assert!(result.reason.contains("audit write failed"), "{}", result.reason);
    assert!(result.audit_entry_id.is_empty());
    let ran = attesta
        .gate(ctx("read_report"), EvaluateOptions::default(), |_| async { true })
        .await;
    assert!(ran.is_err(), "the gated function must not run without its record");
}

// --- Invariant: no silent auto-approval -------------------------------------------------------

#[tokio::test]
async fn unattended_calls_above_low_are_denied_with_instructions() {
    let s = Setup::new();
    let attesta = s.fixed(0.45).reviewer(Arc::new(NonInteractiveReviewer::deny())).build().unwrap();
    let result = attesta.evaluate(ctx("send_email")).await;
    assert_eq!(result.verdict, Verdict::Denied);
    assert!(result.reason.contains("policy.unattended"), "says how to configure a reviewer: {}", result.reason);

    let low = attesta.evaluate(ctx("read_report")).await;
    assert_eq!(low.verdict, Verdict::Denied, "the fixed scorer says medium for everything");
    let attesta = s.fixed(0.1).reviewer(Arc::new(NonInteractiveReviewer::deny())).build().unwrap();
    assert_eq!(attesta.evaluate(ctx("read_report")).await.verdict, Verdict::Approved, "LOW still runs");
}

#[tokio::test]
async fn unattended_allow_must_be_explicit_and_is_audited() {
    let s = Setup::new();
    let mut builder = s.fixed(0.45);
    builder.config_mut().policy.unattended = Unattended::Allow;
    builder.config_mut().reviewer = Some(attesta_core::config::ReviewerKind::Allow);
    let attesta = builder.build().unwrap();
    let result = attesta.evaluate(ctx("send_email")).await;
    assert_eq!(result.verdict, Verdict::Approved);
    let entry = s.audit_lines().pop().unwrap();
    assert_eq!(entry["challenge"]["details"]["unattended"], json!(true), "{entry}");

    let mut builder = s.fixed(0.45);
    builder.config_mut().reviewer = Some(attesta_core::config::ReviewerKind::Allow);
    assert!(builder.build().is_err(), "reviewer: allow without policy.unattended: allow is a config error");
}

// --- Invariant: CRITICAL is never downgraded --------------------------------------------------

#[tokio::test]
async fn critical_is_not_downgraded_by_trust_while_high_is() {
    let s = Setup::new();
    let reviewer = Scripted::new(|req| {
        let approvers = if req.challenge == ChallengeType::MultiParty { vec!["a".into(), "b".into()] } else { vec!["a".into()] };
        Ok(outcome(Verdict::Approved, req.challenge, true, approvers))
    });
    let attesta = s.fixed(0.65).reviewer(reviewer.clone()).build().unwrap();
    for _ in 0..60 {
        attesta.evaluate(ctx("update_record").with_agent("agent-7")).await;
    }
    let trusted = attesta.evaluate(ctx("update_record").with_agent("agent-7")).await;
    assert!(trusted.trust_before.unwrap() > 0.5, "trust grew: {:?}", trusted.trust_before);
    assert!(trusted.risk.score < 0.65, "HIGH is lowered for a trusted agent: {}", trusted.risk.score);

    let attesta = s.fixed(0.85).reviewer(reviewer).build().unwrap();
    let critical = attesta.evaluate(ctx("drop_database").with_agent("agent-7")).await;
    assert!(critical.trust_before.unwrap() > 0.5);
    assert_eq!(critical.risk.level, RiskLevel::Critical);
    assert_eq!(critical.risk.score, 0.85);
}

// --- Invariant: overrides bypass the scorer, code beats config, never scaled ------------------

#[tokio::test]
async fn overrides_bypass_scoring_and_code_beats_config() {
    let s = Setup::new();
    let reviewer = Scripted::approving();
    let mut builder = s.builder().scorer(Arc::new(PanickingScorer)).reviewer(reviewer);
    builder.config_mut().risk.overrides.insert("read_config".into(), RiskLevel::Low);
    builder.config_mut().risk.environment_multipliers.insert("production".into(), 1.5);
    let attesta = builder.environment("production").build().unwrap();

    let by_config = attesta.evaluate(ctx("read_config")).await;
    assert_eq!(by_config.verdict, Verdict::Approved, "the panicking scorer was never called");
    assert_eq!(by_config.risk.level, RiskLevel::Low, "not scaled by the production multiplier");
    assert!(by_config.risk.overridden);

    let options = EvaluateOptions { risk_override: Some(RiskLevel::Critical), ..Default::default() };
    let by_code = attesta.evaluate_with(ctx("read_config"), options).await;
    assert_eq!(by_code.risk.level, RiskLevel::Critical, "code-level override beats config");
}

// --- Timeouts and fail_mode -------------------------------------------------------------------

async fn with_fail_mode(mode: FailMode) -> (attesta::ApprovalResult, Vec<String>) {
    let s = Setup::new();
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    let mut builder = s.fixed(0.45).reviewer(Arc::new(Silent)).subscribe(move |e| seen.lock().unwrap().push(e.name().to_owned()));
    builder.config_mut().policy.timeout_seconds = 0.2;
    builder.config_mut().policy.fail_mode = mode;
    let result = builder.build().unwrap().evaluate(ctx("send_email")).await;
    let events = events.lock().unwrap().clone();
    (result, events)
}

#[tokio::test]
async fn timeouts_follow_fail_mode() {
    let (deny, _) = with_fail_mode(FailMode::Deny).await;
    assert_eq!(deny.verdict, Verdict::TimedOut);
    let (escalate, events) = with_fail_mode(FailMode::Escalate).await;
    assert_eq!(escalate.verdict, Verdict::Escalated);
    assert!(events.contains(&"escalated".to_owned()), "{events:?}");
    let (allow, _) = with_fail_mode(FailMode::Allow).await;
    assert_eq!(allow.verdict, Verdict::Approved);
    assert_eq!(allow.challenge.unwrap().details["approved_on_timeout"], json!(true));
}

// --- Modes ------------------------------------------------------------------------------------

#[tokio::test]
async fn shadow_mode_runs_the_challenge_but_approves_and_records_the_real_verdict() {
    let s = Setup::new();
    let reviewer = Scripted::new(|req| Ok(outcome(Verdict::Denied, req.challenge, false, vec!["eve".into()])));
    let mut builder = s.fixed(0.45).reviewer(reviewer.clone());
    builder.config_mut().policy.mode = Mode::Shadow;
    let result = builder.build().unwrap().evaluate(ctx("send_email")).await;
    assert_eq!(reviewer.calls(), 1);
    assert_eq!(result.verdict, Verdict::Approved);
    assert_eq!(result.enforced_verdict, Verdict::Denied);
    let entry = s.audit_lines().pop().unwrap();
    assert_eq!(entry["mode"], "shadow");
    assert!(entry["reason"].as_str().unwrap().contains("would have been denied"), "{entry}");
}

#[tokio::test]
async fn audit_only_mode_records_without_asking() {
    let s = Setup::new();
    let reviewer = Scripted::approving();
    let mut builder = s.fixed(0.95).reviewer(reviewer.clone());
    builder.config_mut().policy.mode = Mode::AuditOnly;
    let result = builder.build().unwrap().evaluate(ctx("drop_database")).await;
    assert_eq!(reviewer.calls(), 0);
    assert_eq!(result.verdict, Verdict::Approved);
    assert_eq!(s.audit_lines().len(), 1);
}

// --- Gates ------------------------------------------------------------------------------------

#[tokio::test]
async fn gate_runs_only_on_approval_and_uses_modified_arguments() {
    let s = Setup::new();
    let modifying = Scripted::new(|req| {
        let mut o = outcome(Verdict::Modified, req.challenge, true, vec!["carol".into()]);
        o.modification = Some(json!({"kwargs": {"path": "/srv/data/one.csv"}}));
        Ok(o)
    });
    let attesta = s.fixed(0.45).reviewer(modifying).build().unwrap();
    let seen = attesta
        .gate(ctx("delete_file"), EvaluateOptions::default(), |args| async move { args.kwargs["path"].clone() })
        .await
        .unwrap();
    assert_eq!(seen, json!("/srv/data/one.csv"), "the modified arguments ran, never the originals");

    let denying = Scripted::new(|req| Ok(outcome(Verdict::Denied, req.challenge, false, vec![])));
    let attesta = s.fixed(0.45).reviewer(denying).build().unwrap();
    let ran = Arc::new(AtomicUsize::new(0));
    let counter = ran.clone();
    let err = attesta
        .gate_blocking(ctx("delete_file"), EvaluateOptions::default(), move |_| counter.fetch_add(1, Ordering::SeqCst))
        .unwrap_err();
    assert_eq!(ran.load(Ordering::SeqCst), 0);
    assert!(err.to_string().starts_with("Action denied:"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_evaluate_works_inside_a_runtime() {
    let s = Setup::new();
    let attesta = s.fixed(0.1).reviewer(Scripted::approving()).build().unwrap();
    let result = attesta.evaluate_blocking(ctx("read_report"), EvaluateOptions::default());
    assert_eq!(result.verdict, Verdict::Approved);
}

#[test]
fn blocking_evaluate_works_outside_and_inside_a_current_thread_runtime() {
    let s = Setup::new();
    let attesta = s.fixed(0.1).reviewer(Scripted::approving()).build().unwrap();
    assert_eq!(attesta.evaluate_blocking(ctx("read_report"), EvaluateOptions::default()).verdict, Verdict::Approved);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let inner = attesta.clone();
    let verdict = rt.block_on(async move { inner.evaluate_blocking(ctx("read_report"), EvaluateOptions::default()).verdict });
    assert_eq!(verdict, Verdict::Approved);
}

// --- Events and escalation rules --------------------------------------------------------------

#[tokio::test]
async fn events_arrive_in_pipeline_order() {
    let s = Setup::new();
    let events = Arc::new(Mutex::new(Vec::<Event>::new()));
    let seen = events.clone();
    let attesta = s
        .fixed(0.45)
        .reviewer(Scripted::approving())
        .subscribe(move |e| seen.lock().unwrap().push(e.clone()))
        .build()
        .unwrap();
    let result = attesta.evaluate(ctx("send_email")).await;
    let names: Vec<_> = events.lock().unwrap().iter().map(|e| e.name()).collect();
    assert_eq!(names, ["risk_scored", "challenge_issued", "challenge_completed", "audit_logged", "approved"]);
    assert!(matches!(&events.lock().unwrap()[3], Event::AuditLogged { entry_id, .. } if *entry_id == result.audit_entry_id));
}

#[tokio::test]
async fn a_block_rule_denies_without_asking() {
    let s = Setup::new();
    let reviewer = Scripted::approving();
    let mut builder = s.builder().reviewer(reviewer.clone());
    let profile: attesta_core::config::DomainProfile = serde_json::from_value(json!({
        "name": "payments",
        "escalation_rules": [{"name": "no-wire-transfers", "when": {"action": "^wire_transfer$"}, "block": true}]
    }))
    .unwrap();
    builder.config_mut().risk.profiles.push(profile);
    let result = builder.build().unwrap().evaluate(ActionContext::new("wire_transfer").with_kwarg("amount", 10)).await;
    assert_eq!(result.verdict, Verdict::Denied);
    assert!(result.reason.contains("no-wire-transfers"), "{}", result.reason);
    assert_eq!(reviewer.calls(), 0);
}

#[tokio::test]
async fn concurrent_evaluations_keep_the_chain_intact() {
    let s = Setup::new();
    let attesta = s.fixed(0.1).reviewer(Scripted::approving()).build().unwrap();
    let mut tasks = Vec::new();
    for i in 0..64 {
        let a = attesta.clone();
        tasks.push(tokio::spawn(async move { a.evaluate(ctx(&format!("read_{i}"))).await }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().verdict, Verdict::Approved);
    }
    drop(attesta);
    let report = attesta::audit::verify(&s.audit_path(), &mut Default::default()).unwrap();
    assert!(report.intact, "{report:?}");
    assert_eq!(report.entries, 64);
}

#[tokio::test]
async fn escalation_rules_force_a_stronger_challenge_more_approvers_and_notify() {
    let s = Setup::new();
    let seen = Arc::new(Mutex::new(Vec::<(ChallengeType, u32)>::new()));
    let record = seen.clone();
    let reviewer = Scripted::new(move |req| {
        record.lock().unwrap().push((req.challenge, req.approvers_required));
        let approvers = (0..req.approvers_required).map(|i| format!("approver-{i}")).collect();
        Ok(outcome(Verdict::Approved, req.challenge, true, approvers))
    });
    let events = Arc::new(Mutex::new(Vec::<Event>::new()));
    let sink = events.clone();
    let mut builder = s.fixed(0.45).reviewer(reviewer).subscribe(move |e| sink.lock().unwrap().push(e.clone()));
    let profile: attesta_core::config::DomainProfile = serde_json::from_value(json!({
        "name": "payments",
        "escalation_rules": [
            {"name": "explain-refunds", "when": {"action": "^refund$"}, "challenge": "teach_back", "notify": ["finance-oncall"]},
            {"name": "four-eyes-payouts", "when": {"action": "^payout$"}, "require_approvers": 3}
        ]
    }))
    .unwrap();
    builder.config_mut().risk.profiles.push(profile);
    let attesta = builder.build().unwrap();

    let refund = attesta.evaluate(ActionContext::new("refund").with_kwarg("amount", 40)).await;
    assert_eq!(refund.verdict, Verdict::Approved);
    let payout = attesta.evaluate(ActionContext::new("payout").with_kwarg("amount", 40)).await;
    assert_eq!(payout.verdict, Verdict::Approved);
    assert_eq!(payout.approvers.len(), 3);
    let asked = seen.lock().unwrap().clone();
    assert_eq!(asked, [(ChallengeType::TeachBack, 1), (ChallengeType::MultiParty, 3)], "a medium action was escalated");
    let notified: Vec<_> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            Event::Notify { roles, action, .. } => Some((action.clone(), roles.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(notified, [("refund".to_owned(), vec!["finance-oncall".to_owned()])]);
}

/// A `server` reviewer whose server cannot be reached.
struct Unreachable;

impl Reviewer for Unreachable {
    fn name(&self) -> &str {
        "server"
    }

    fn review<'a>(&'a self, _request: &'a ReviewRequest) -> BoxFuture<'a, Result<ReviewOutcome, ReviewerError>> {
        Box::pin(async { Err(ReviewerError::Unreachable("the approval server at http://127.0.0.1:9 is unreachable".into())) })
    }
}

#[tokio::test]
async fn an_unreachable_server_follows_fail_mode_but_never_approves_silently() {
    let cases = [
        (FailMode::Deny, Unattended::Deny, Verdict::Denied),
        (FailMode::Escalate, Unattended::Deny, Verdict::Escalated),
        (FailMode::Allow, Unattended::Deny, Verdict::Denied),
        (FailMode::Allow, Unattended::Allow, Verdict::Approved),
    ];
    for (fail_mode, unattended, expected) in cases {
        let s = Setup::new();
        let mut builder = s.fixed(0.45).reviewer(Arc::new(Unreachable));
        builder.config_mut().policy.fail_mode = fail_mode;
        builder.config_mut().policy.unattended = unattended;
        let result = builder.build().unwrap().evaluate(ctx("send_email")).await;
        assert_eq!(result.verdict, expected, "{fail_mode:?}/{unattended:?}: {}", result.reason);
        assert!(result.reason.contains("unreachable"), "{}", result.reason);
    }
}

#[tokio::test]
async fn a_reviewer_that_ran_a_weaker_challenge_is_not_trusted() {
    let s = Setup::new();
    // An approval server with a laxer policy answers "auto-approved" for a call that needs a quiz.
    let lax = Scripted::new(|_| Ok(outcome(Verdict::Approved, ChallengeType::AutoApprove, true, vec![])));
    let attesta = s.fixed(0.7).reviewer(lax).build().unwrap();
    let result = attesta.evaluate(ctx("update_record")).await;
    assert_eq!(result.verdict, Verdict::Denied);
    assert!(result.reason.contains("needs quiz"), "{}", result.reason);

    // A stricter one (teach-back for a quiz) is fine.
    let strict = Scripted::new(|_| Ok(outcome(Verdict::Approved, ChallengeType::TeachBack, true, vec!["ann".into()])));
    let attesta = s.fixed(0.7).reviewer(strict).build().unwrap();
    assert_eq!(attesta.evaluate(ctx("update_record")).await.verdict, Verdict::Approved);
}

#[tokio::test]
async fn auto_approved_calls_earn_no_trust_and_trust_never_removes_a_review() {
    let s = Setup::new();
    let attesta = s.fixed(0.1).reviewer(Scripted::approving()).build().unwrap();
    for _ in 0..40 {
        attesta.evaluate(ctx("read_report").with_agent("farmer")).await;
    }
    drop(attesta);
    let reviewer = Scripted::approving();
    let attesta = s.fixed(0.32).reviewer(reviewer.clone()).build().unwrap();
    let result = attesta.evaluate(ctx("update_record").with_agent("farmer")).await;
    assert_eq!(result.trust_before, Some(0.0), "reads earned nothing: a new agent's trust stays 0");
    assert_eq!(result.risk.level, RiskLevel::Medium, "still needs a human: {}", result.risk.score);
    assert_eq!(reviewer.calls(), 1);
}

#[tokio::test]
async fn reviewers_never_see_secrets() {
    let s = Setup::new();
    let seen = Arc::new(Mutex::new(String::new()));
    let sink = seen.clone();
    let reviewer = Scripted::new(move |req| {
        *sink.lock().unwrap() = serde_json::to_string(&*req.ctx).unwrap();
        Ok(outcome(Verdict::Denied, req.challenge, false, vec![]))
    });
    let attesta = s.fixed(0.45).reviewer(reviewer).build().unwrap();
    let secret = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB";
    let call = ActionContext::new("push_config")
        .with_kwarg("password", "hunter2hunter2")
        .with_kwarg("token", secret)
        .with_kwarg("path", "/srv/app/config.yaml");
    attesta.evaluate(call).await;
    let shown = seen.lock().unwrap().clone();
    assert!(!shown.contains("hunter2hunter2") && !shown.contains(secret), "{shown}");
    assert!(shown.contains("[REDACTED:") && shown.contains("/srv/app/config.yaml"), "{shown}");
}

#[tokio::test]
async fn a_misconfigured_channel_is_denied_even_when_fail_mode_allows() {
    let s = Setup::new();
    // No agent token: a configuration error, not an outage, so fail_mode does not apply.
    let reviewer = Scripted::new(|_| Err(ReviewerError::Unavailable("the approval server needs an agent token".into())));
    let mut builder = s.fixed(0.45).reviewer(reviewer);
    builder.config_mut().policy.fail_mode = FailMode::Allow;
    builder.config_mut().policy.unattended = Unattended::Allow;
    let result = builder.build().unwrap().evaluate(ctx("send_email")).await;
    assert_eq!(result.verdict, Verdict::Denied, "{}", result.reason);
}
