//! Drives the terminal reviewer through a real pseudo-terminal: the example binary
//! `terminal_review` runs with stdin/stdout as pipes and the pty as its controlling terminal.
#![cfg(unix)]
#![allow(unsafe_code)] // pre_exec: setsid + TIOCSCTTY to give the child a controlling terminal.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use attesta_core::challenge::{AcceptedAnswer, ChallengeOptions, Expected, generate};
use attesta_core::config::QuizPolicy;
use attesta_core::{ActionContext, ChallengeType, RiskAssessment, RiskFactor};
use nix::pty::openpty;
use serde_json::{Value, json};

/// Generous: the harness waits for output, it does not measure time.
const WAIT: Duration = Duration::from_secs(60);

fn example_path() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target profile directory");
    let path = profile_dir.join("examples").join("terminal_review");
    assert!(
        path.exists(),
        "{} is missing: run `cargo test -p attesta` (which builds examples) or `cargo build -p attesta --example terminal_review`",
        path.display()
    );
    path
}

struct PtySession {
    master: File,
    output: Arc<Mutex<Vec<u8>>>,
    child: Option<Child>,
}

impl PtySession {
    fn spawn(request: &Value, controlling_terminal: bool) -> PtySession {
        let pty = openpty(None, None).expect("openpty");
        let slave: OwnedFd = pty.slave;
        let slave_fd = slave.as_raw_fd();
        let mut cmd = Command::new(example_path());
        cmd.arg(request.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("NO_COLOR", "1")
            .env("USER", "tester");
        // SAFETY: only async-signal-safe calls (setsid, ioctl) between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                nix::unistd::setsid().map_err(std::io::Error::from)?;
                if controlling_terminal
                    && nix::libc::ioctl(slave_fd, nix::libc::TIOCSCTTY as _, 0) != 0
                {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn terminal_review");
        drop(slave);
        let master = File::from(pty.master);
        let output = Arc::new(Mutex::new(Vec::new()));
        let mut reader = master.try_clone().expect("clone master");
        let sink = Arc::clone(&output);
        thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Ends with EIO once the child has closed the terminal.
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        PtySession {
            master,
            output,
            child: Some(child),
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// Waits until `needle` has appeared at least `count` times in the terminal output.
    fn wait_for(&self, needle: &str, count: usize) -> String {
        let start = Instant::now();
        loop {
            let text = self.text();
            if text.matches(needle).count() >= count {
                return text;
            }
            assert!(
                start.elapsed() < WAIT,
                "timed out waiting for {needle:?} (x{count}); terminal so far:\n{text}"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn type_line(&mut self, line: &str) {
        self.master
            .write_all(format!("{line}\n").as_bytes())
            .expect("write to pty");
        self.master.flush().expect("flush pty");
    }

    fn finish(&mut self) -> (Value, i32) {
        let child = self.child.take().expect("child");
        let out = child.wait_with_output().expect("wait for terminal_review");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let value: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {stdout}\nstderr: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (value, out.status.code().unwrap_or(-1))
    }
}

impl Drop for PtySession {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[test]
fn an_early_answer_is_rejected_and_a_later_yes_approves() {
    let request = json!({
        "ctx": {"function_name": "restart_service", "kwargs": {"service": "billing-api"}},
        "challenge": "confirm",
        "min_review_seconds": 2
    });
    let mut s = PtySession::spawn(&request, true);
    let shown = s.wait_for("Approve? [y/N]", 1);
    assert!(
        shown.contains("restart_service") && shown.contains("billing-api"),
        "{shown}"
    );
    assert!(shown.contains("MEDIUM (0.50)"), "{shown}");
    s.type_line("y");
    s.wait_for("Too early", 1);
    s.wait_for("you may answer now", 1);
    s.type_line("y");
    let (outcome, code) = s.finish();
    assert_eq!(outcome["verdict"], "approved", "{outcome}");
    assert_eq!(code, 0);
    let challenge = &outcome["challenge"];
    assert_eq!(challenge["challenge_type"], "confirm");
    assert!(
        challenge["details"]["early_answers"].as_u64().unwrap() >= 1,
        "{outcome}"
    );
    assert_eq!(challenge["min_review_met"], true);
    assert!(
        challenge["review_seconds"].as_f64().unwrap() >= 2.0,
        "accepted only after the lockout: {outcome}"
    );
    assert_eq!(outcome["approvers"], json!(["tester"]));
    assert_eq!(outcome["authenticated"], false);
    assert_eq!(challenge["details"]["identity"], "self-declared");
}

#[test]
fn a_wrong_quiz_answer_denies_without_revealing_the_right_one() {
    let ctx = ActionContext::new("drop_table").with_kwarg("table", "invoices_2023");
    let request = json!({
        "ctx": ctx,
        "challenge": "quiz",
        "risk_score": 0.7,
        "min_review_seconds": 0,
        "seed": 4242,
        "quiz": {"questions": 1}
    });
    // The same seed yields the same quiz here, so the test knows what would be right.
    let mut options = ChallengeOptions::new(ChallengeType::Quiz, 4242);
    options.quiz = QuizPolicy {
        questions: 1,
        min_correct: None,
    };
    let assessment = RiskAssessment::from_score(
        0.7,
        "example",
        vec![RiskFactor::new("example", 0.7, 1.0, "x")],
    );
    let (_, key) = generate(&ctx, &assessment, &options);
    let Expected::Quiz(quiz) = &key.expected else {
        panic!("expected a quiz")
    };
    // A HIGH quiz asks at least two questions; every one is answered wrongly.
    let wrong: Vec<(String, String)> = quiz
        .answers
        .iter()
        .map(|a| match &a.accepted {
            AcceptedAnswer::Choice { index, value } => (
                (if *index == 0 { "b" } else { "a" }).to_owned(),
                value.clone(),
            ),
            AcceptedAnswer::Exact { value } => ("zz-not-it-zz".to_owned(), value.clone()),
        })
        .collect();
    assert!(wrong.len() >= 2, "HIGH quizzes ask at least two questions");
    let value = &wrong
        .iter()
        .find(|(_, v)| v.contains("invoices"))
        .or(wrong.first())
        .unwrap()
        .1;

    let mut s = PtySession::spawn(&request, true);
    let before = s.wait_for("Answer: ", 1);
    assert!(before.contains("Question 1 of"), "{before}");
    let answered_at = before.len();
    for (i, (line, _)) in wrong.iter().enumerate() {
        s.wait_for("Answer: ", i + 1);
        s.type_line(line);
    }
    let after_all = s.wait_for("DENIED", 1);
    let (outcome, code) = s.finish();
    assert_eq!(outcome["verdict"], "denied", "{outcome}");
    assert_eq!(code, 3);
    let after = &after_all[answered_at..];
    assert!(after.contains("incorrect"), "{after}");
    assert!(
        !after.contains(value.as_str()),
        "the right answer leaked after the answer: {after}"
    );
    let lower = s.text().to_lowercase();
    assert!(
        !lower.contains("correct answer") && !lower.contains("right answer"),
        "{lower}"
    );
    assert!(
        !outcome.to_string().contains(value.as_str()),
        "outcome leaks the answer: {outcome}"
    );
    assert_eq!(outcome["challenge"]["details"]["reason"], "incorrect");
    assert_eq!(outcome["challenge"]["questions_correct"], 0);
}

#[test]
fn a_teach_back_that_repeats_the_function_name_fails() {
    let request = json!({
        "ctx": {"function_name": "delete_user_files", "kwargs": {"user": "u-1001", "path": "/home/u-1001"}},
        "challenge": "teach_back",
        "risk_score": 0.7
    });
    let mut s = PtySession::spawn(&request, true);
    s.wait_for("Your explanation: ", 1);
    s.type_line(&"delete_user_files delete user files ".repeat(4));
    s.wait_for("DENIED", 1);
    let (outcome, code) = s.finish();
    assert_eq!(outcome["verdict"], "denied", "{outcome}");
    assert_eq!(code, 3);
    let reason = outcome["challenge"]["details"]["reason"].as_str().unwrap();
    assert!(reason.contains("repeats the action name"), "{reason}");
    assert!(
        outcome["challenge"]["teach_back_text"]
            .as_str()
            .unwrap()
            .contains("delete_user_files")
    );
}

#[test]
fn multi_party_refuses_the_same_identity_twice() {
    let request = json!({
        "ctx": {"function_name": "drop_database", "args": ["customers"], "environment": "production"},
        "challenge": "multi_party",
        "risk_score": 0.95,
        "approvers_required": 2
    });
    let mut s = PtySession::spawn(&request, true);
    s.wait_for("Your name: ", 1);
    s.type_line("Alice");
    s.wait_for("Your explanation: ", 1);
    s.type_line(
        "This permanently drops the customers database in production so every customer record is destroyed \
         and cannot be restored afterwards",
    );
    s.wait_for("Approver 1 of 2 passed", 1);
    for (attempt, same) in [" alice ", "ALICE", "Alice"].iter().enumerate() {
        s.wait_for("Your name: ", attempt + 2);
        s.type_line(same);
        s.wait_for("already approved", attempt + 1);
    }
    s.wait_for("DENIED", 1);
    let (outcome, code) = s.finish();
    assert_eq!(outcome["verdict"], "denied", "{outcome}");
    assert_eq!(code, 3);
    assert_eq!(outcome["approvers"], json!(["Alice"]));
    assert_eq!(outcome["authenticated"], false);
    let challenge = &outcome["challenge"];
    assert_eq!(challenge["challenge_type"], "multi_party");
    assert_eq!(challenge["details"]["identity"], "self-declared");
    assert_eq!(challenge["details"]["identities_refused"], 3);
    assert_eq!(challenge["sub_results"].as_array().unwrap().len(), 1);
}

#[test]
fn without_a_controlling_terminal_the_reviewer_is_unavailable() {
    let request = json!({"ctx": {"function_name": "deploy"}, "challenge": "confirm"});
    let mut s = PtySession::spawn(&request, false);
    let (outcome, code) = s.finish();
    assert_eq!(code, 2, "{outcome}");
    let error = outcome["error"].as_str().unwrap();
    assert!(
        error.contains("no reviewer is reachable") && error.contains("/dev/tty"),
        "{error}"
    );
}

#[test]
fn later_approvers_read_earlier_explanations_see_details_on_a_key_and_may_withdraw() {
    let request = json!({
        "ctx": {"function_name": "drop_database", "args": ["customers"], "environment": "production"},
        "challenge": "multi_party",
        "risk_score": 0.95,
        "approvers_required": 3
    });
    let mut s = PtySession::spawn(&request, true);
    s.wait_for("? shows all details", 1);
    s.wait_for("Your name: ", 1);
    s.type_line("Alice");
    s.wait_for("Your explanation: ", 1);
    let alice = "This permanently drops the customers database in production so every customer record \
                 is destroyed and cannot be restored afterwards";
    s.type_line(alice);
    s.wait_for("Approver 1 of 3 passed", 1);
    s.wait_for("Your name: ", 2);
    s.type_line("Bob");
    // `?` shows every argument and factor, then asks again.
    s.wait_for("Your explanation: ", 2);
    s.type_line("?");
    s.wait_for("Risk factors (all):", 1);
    s.wait_for("Arguments (in full):", 1);
    s.wait_for("Your explanation: ", 3);
    // Bob explains the action himself (too little content for a quiz) and reads Alice's only
    // afterwards, so he cannot copy it.
    let before = s.text();
    assert!(!before.contains("Approver 1 explained"), "{before}");
    s.type_line(
        "Drops the whole customers database in production, so all customer records are gone for good \
         and nothing can be recovered later",
    );
    s.wait_for(
        "Approver 1 had explained: This permanently drops the customers database",
        1,
    );
    s.wait_for("Approver 2 of 3 passed", 1);
    s.wait_for("Your name: ", 3);
    s.type_line("Carol");
    // The confirming approver reads both explanations before answering.
    s.wait_for("Approver 1 explained: This permanently drops", 1);
    s.wait_for(
        "Approver 2 explained: Drops the whole customers database",
        1,
    );
    s.wait_for("Approve? [y/N] ", 1);
    // A no (here: an approval taken back) ends the review at once, with its reason.
    s.type_line("withdraw: the backup has not been verified");
    s.wait_for("DENIED", 1);
    let (outcome, code) = s.finish();
    assert_eq!(outcome["verdict"], "denied", "{outcome}");
    assert_eq!(code, 3);
    let reason = outcome["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("the backup has not been verified"),
        "{outcome}"
    );
}
