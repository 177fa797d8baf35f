//! Dropping a terminal review (what the pipeline does on timeout) releases the blocking read.
#![cfg(target_os = "linux")]

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use attesta::reviewer::{ColorChoice, ReviewRequest, Reviewer, ReviewerError, TerminalReviewer};
use attesta_core::config::{QuizPolicy, TeachBackPolicy};
use attesta_core::{ActionContext, ChallengeType, RiskAssessment, Verdict};
use nix::pty::openpty;

fn reader_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|tasks| {
            tasks
                .filter_map(Result::ok)
                .filter(|t| {
                    std::fs::read_to_string(t.path().join("comm"))
                        .is_ok_and(|c| c.trim() == "attesta-tty")
                })
                .count()
        })
        .unwrap_or(0)
}

fn request() -> ReviewRequest {
    ReviewRequest {
        ctx: Arc::new(ActionContext::new("deploy").with_arg("api")),
        assessment: Arc::new(RiskAssessment::from_score(0.5, "test", vec![])),
        challenge: ChallengeType::Confirm,
        min_review_seconds: 0.0,
        approvers_required: 1,
        quiz: QuizPolicy::default(),
        teach_back: TeachBackPolicy::default(),
        seed: 1,
        timeout_seconds: 300.0,
        session_allow: None,
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_dropped_review_releases_the_terminal_and_the_next_one_works() {
    let pty = openpty(None, None).expect("openpty");
    let slave_path =
        std::fs::read_link(format!("/proc/self/fd/{}", pty.slave.as_raw_fd())).expect("pty path");
    let mut master = std::fs::File::from(pty.master);
    let mut drain = master.try_clone().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while matches!(drain.read(&mut buf), Ok(n) if n > 0) {}
    });
    let reviewer = TerminalReviewer::new()
        .with_tty_path(&slave_path)
        .with_color(ColorChoice::Never)
        .with_operator("op");
    let req = request();

    // Nobody answers: the pipeline's timeout drops the review future.
    let timed_out = tokio::time::timeout(Duration::from_millis(300), reviewer.review(&req)).await;
    assert!(timed_out.is_err());
    let start = Instant::now();
    while reader_threads() > 0 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the terminal reader was not released"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // The next review gets the next line: nothing left over is still reading the terminal.
    let review = reviewer.review(&req);
    let typist = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        master.write_all(b"y\n").unwrap();
    };
    let (outcome, ()) = tokio::join!(review, typist);
    let outcome = outcome.expect("second review");
    assert_eq!(outcome.verdict, Verdict::Approved);
    assert_eq!(outcome.approvers, ["op"]);
}

#[tokio::test(flavor = "current_thread")]
async fn a_missing_terminal_is_unavailable() {
    let reviewer = TerminalReviewer::new().with_tty_path("/nonexistent/tty");
    assert!(!reviewer.is_available());
    let err = reviewer.review(&request()).await.unwrap_err();
    assert!(
        matches!(err, ReviewerError::Unavailable(ref m) if m.contains("reviewer: server")),
        "{err}"
    );
}
