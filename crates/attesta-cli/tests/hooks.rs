//! `attesta hook claude-code|codex|gemini` and `attesta hook install|uninstall`, run as the real
//! binary. Hook payloads are the agents' documented PreToolUse/BeforeTool shapes (files under
//! `tests/fixtures/hooks/<agent>/`, with `__PROJECT__`/`__HOME__` filled in per run).
#![cfg(unix)]
#![allow(unsafe_code)] // pre_exec: setsid (and TIOCSCTTY for the terminal test).

mod util;

use std::fs;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use insta::assert_snapshot;
use serde_json::{Value, json};
use util::{Project, Run, settings};

const CASES: [&str; 7] =
    ["01-read", "02-rm-rf", "03-force-push", "04-edit-project", "05-edit-ssh-config", "06-mcp", "07-malformed"];

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("attesta")
}

/// A project with a source file and a README, and (outside it) a fake home with an SSH config.
struct Proj {
    project: Project,
    home: tempfile::TempDir,
}

impl std::ops::Deref for Proj {
    type Target = Project;
    fn deref(&self) -> &Project {
        &self.project
    }
}

fn project() -> Proj {
    let p = Project::new();
    p.write("src/main.rs", "fn main() {\n    println!(\"hello\");\n}\n");
    p.write("README.md", "# shop\n");
    let home = tempfile::tempdir().expect("home dir");
    fs::create_dir_all(home.path().join(".ssh")).expect("mkdir .ssh");
    fs::write(home.path().join(".ssh/config"), "Host github.com\n  User git\n").expect("ssh config");
    Proj { project: p, home }
}

fn home(p: &Proj) -> PathBuf {
    p.home.path().to_path_buf()
}

fn payload(p: &Proj, agent: &str, case: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hooks").join(agent).join(format!("{case}.json"));
    fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .replace("__PROJECT__", &p.path().display().to_string())
        .replace("__HOME__", &home(p).display().to_string())
}

/// `attesta ARGS` in the project, with a clean environment and the project's fake home.
fn command(p: &Proj, args: &[&str]) -> Command {
    let mut cmd = Command::new(binary());
    cmd.current_dir(p.path())
        .args(args)
        .env("NO_COLOR", "1")
        .env("ATTESTA_ENV", "development")
        .env("HOME", home(p))
        .env("USER", "tester");
    for var in ["ATTESTA_CONFIG", "ATTESTA_LOG", "CI", "GITHUB_ACTIONS", "NODE_ENV", "RAILS_ENV", "CODEX_HOME"] {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs with no controlling terminal (a new session), the way an agent that is not attached to
/// a terminal runs its hooks: nobody can be asked, whatever terminal runs the tests.
fn run_detached(mut cmd: Command, stdin: &str) -> Run {
    // SAFETY: setsid is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| nix::unistd::setsid().map(|_| ()).map_err(std::io::Error::from));
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn attesta");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    Run::from(child.wait_with_output().expect("wait for attesta"))
}

fn hook(p: &Proj, agent: &str, case: &str) -> Run {
    run_detached(command(p, &["hook", agent]), &payload(p, agent, case))
}

fn decision(run: &Run) -> Value {
    serde_json::from_str(run.stdout.trim()).unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}): {run:?}"))
}

/// Runs every case for one agent, checks the contract, and returns one transcript for a snapshot.
fn matrix(agent: &str, check: impl Fn(&str, &Run)) -> String {
    let mut all = String::new();
    for case in CASES {
        let p = project();
        let run = hook(&p, agent, case);
        check(case, &run);
        // Stdout is either empty or exactly one JSON object and a newline.
        if !run.stdout.is_empty() {
            assert!(run.stdout.ends_with('\n') && run.stdout.trim().lines().count() == 1, "{run:?}");
            assert!(decision(&run).is_object());
        }
        let text = run
            .transcript()
            .replace(&home(&p).display().to_string(), "[HOME]")
            .replace(&p.path().display().to_string(), "[DIR]");
        all.push_str(&format!("### {case}\n{text}\n"));
    }
    all
}

fn claude_decision(run: &Run) -> (String, String) {
    let d = decision(run);
    assert_eq!(d["hookSpecificOutput"]["hookEventName"], "PreToolUse", "{d}");
    (
        d["hookSpecificOutput"]["permissionDecision"].as_str().unwrap_or_default().to_owned(),
        d["hookSpecificOutput"]["permissionDecisionReason"].as_str().unwrap_or_default().to_owned(),
    )
}

#[test]
fn claude_code_payloads() {
    let p = project();
    let transcript = matrix("claude-code", |case, run| {
        if case == "07-malformed" {
            assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{run:?}");
            assert!(run.stderr.contains("not valid JSON"), "{run:?}");
            return;
        }
        assert_eq!(run.code, 0, "{case}: {run:?}");
        let (verdict, reason) = claude_decision(run);
        let expected = if case == "01-read" { "allow" } else { "deny" };
        assert_eq!(verdict, expected, "{case}: {reason}");
        assert!(reason.contains("audit entry"), "{reason}");
        match case {
            "01-read" => assert!(reason.contains("auto-approved: low risk"), "{reason}"),
            "02-rm-rf" | "03-force-push" | "05-edit-ssh-config" | "06-mcp" => {
                assert!(reason.contains("risk: critical"), "{case}: {reason}")
            }
            "04-edit-project" => assert!(reason.contains("risk: medium"), "{reason}"),
            _ => {}
        }
        if case != "01-read" {
            assert!(reason.contains("reviewer: server"), "the denial says how to configure a reviewer: {reason}");
        }
    });
    settings(&p).bind(|| assert_snapshot!("hook_claude_code", transcript));
}

#[test]
fn codex_payloads() {
    let p = project();
    let transcript = matrix("codex", |case, run| match case {
        "07-malformed" => {
            assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{run:?}");
            assert!(run.stderr.contains("not valid JSON"), "{run:?}");
        }
        // Codex has no "allow" decision: no objection is an empty stdout and exit 0.
        "01-read" | "06-mcp" => assert_eq!((run.code, run.stdout.as_str(), run.stderr.as_str()), (0, "", ""), "{case}: {run:?}"),
        _ => {
            assert_eq!(run.code, 0, "{case}: {run:?}");
            let d = decision(run);
            assert_eq!(d["hookSpecificOutput"]["permissionDecision"], "deny", "{case}: {d}");
            assert!(!d["hookSpecificOutput"]["permissionDecisionReason"].as_str().unwrap_or_default().trim().is_empty());
        }
    });
    settings(&p).bind(|| assert_snapshot!("hook_codex", transcript));
}

#[test]
fn gemini_payloads() {
    let p = project();
    let transcript = matrix("gemini", |case, run| {
        if case == "07-malformed" {
            assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{run:?}");
            assert!(run.stderr.contains("no input on stdin"), "{run:?}");
            return;
        }
        assert_eq!(run.code, 0, "{case}: {run:?}");
        let d = decision(run);
        let expected = if case == "01-read" { "allow" } else { "deny" };
        assert_eq!(d["decision"], expected, "{case}: {d}");
        assert!(d["reason"].as_str().is_some_and(|r| r.contains("audit entry")), "{d}");
    });
    settings(&p).bind(|| assert_snapshot!("hook_gemini", transcript));
}

#[test]
fn paths_are_scored_where_they_really_point() {
    // The same edit, in the project and in ~/.ssh/config: the audit log shows the absolute
    // path the scorer saw and which paths left the project.
    for agent in ["claude-code", "codex", "gemini"] {
        let levels: Vec<(String, Value)> = ["04-edit-project", "05-edit-ssh-config"]
            .iter()
            .map(|case| {
                let p = project();
                let run = hook(&p, agent, case);
                assert_eq!(run.code, 0, "{run:?}");
                let entry = last_audit_entry(&p);
                let outside = entry["metadata"].get("paths_outside_project").cloned().unwrap_or(Value::Null);
                if *case == "05-edit-ssh-config" {
                    assert_eq!(outside, json!([home(&p).join(".ssh/config").display().to_string()]), "{agent}");
                } else {
                    assert_eq!(outside, Value::Null, "{agent}");
                }
                (entry["risk_level"].as_str().unwrap_or_default().to_owned(), entry["risk_score"].clone())
            })
            .collect();
        assert_eq!(levels[0].0, "medium", "{agent}: {levels:?}");
        assert_eq!(levels[1].0, "critical", "{agent}: {levels:?}");
    }
}

fn audit_entries(p: &Project) -> Vec<Value> {
    p.read(".attesta/audit.jsonl").lines().map(|l| serde_json::from_str(l).expect("audit line")).collect()
}

fn last_audit_entry(p: &Project) -> Value {
    audit_entries(p).pop().expect("an audit entry")
}

#[test]
fn audit_entries_record_source_session_and_directory() {
    let p = project();
    for (agent, session) in [
        ("claude-code", "3f1c2a9e-5b7d-4e1f-9a40-2d8b6c0e7a15"),
        ("codex", "019fecd6-44bf-7482-9eaa-ab1f81fff651"),
        ("gemini", "a8d5e2c1-7f3b-4d9a-b6e0-1c2d3e4f5a6b"),
    ] {
        for case in ["01-read", "02-rm-rf"] {
            let run = hook(&p, agent, case);
            assert_eq!(run.code, 0, "{run:?}");
            let entry = last_audit_entry(&p);
            assert_eq!(entry["metadata"]["source"], agent);
            assert_eq!(entry["session_id"], session);
            assert_eq!(entry["agent_id"], agent);
            assert_eq!(entry["metadata"]["cwd"], p.path().display().to_string());
            let expected = if case == "01-read" { "approved" } else { "denied" };
            assert_eq!(entry["verdict"], expected, "{agent} {case}");
        }
    }
    let first = &audit_entries(&p)[0];
    assert_eq!(first["metadata"]["tool_use_id"], "toolu_01Read7Hc2pXyQz");
    assert!(first["metadata"]["transcript_path"].as_str().is_some_and(|t| t.ends_with(".jsonl")));
    // Malformed input has no verdict to record; the chain stays intact.
    assert_eq!(hook(&p, "claude-code", "07-malformed").code, 2);
    assert_eq!(audit_entries(&p).len(), 6);
    let verify = run_detached(command(&p, &["audit", "verify"]), "");
    assert_eq!(verify.code, 0, "{verify:?}");
}

#[test]
fn configured_reviewer_and_config_errors() {
    // `reviewer: deny` from the project's attesta.yaml is used; an invalid config blocks with
    // exit 2 and a message naming the problem; `reviewer: server` without a URL too.
    let p = project();
    p.write("attesta.yaml", "reviewer: deny\n");
    let run = hook(&p, "claude-code", "04-edit-project");
    assert_eq!(claude_decision(&run).0, "deny");

    p.write("attesta.yaml", "polcy: {}\n");
    let run = hook(&p, "gemini", "01-read");
    assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{run:?}");
    assert!(run.stderr.contains("configuration error") && run.stderr.contains("polcy"), "{run:?}");

    p.write("attesta.yaml", "reviewer: server\n");
    let run = hook(&p, "codex", "02-rm-rf");
    assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{run:?}");
    assert!(run.stderr.contains("server.url"), "{run:?}");

    // The config is found from the agent's cwd even when the hook starts elsewhere, and
    // `policy.unattended: allow` + `reviewer: allow` approves (audited as unattended).
    p.write("attesta.yaml", "reviewer: allow\npolicy:\n  unattended: allow\n");
    let elsewhere = tempfile::tempdir().expect("tmp");
    let mut cmd = command(&p, &["hook", "claude-code"]);
    cmd.current_dir(elsewhere.path());
    let run = run_detached(cmd, &payload(&p, "claude-code", "04-edit-project"));
    let (verdict, reason) = claude_decision(&run);
    assert_eq!(verdict, "allow", "{reason}");
    assert!(reason.contains("risk: medium"), "{reason}");
}

#[test]
fn shadow_and_audit_only_leave_the_agents_own_permission_checks_in_place() {
    // An explicit "allow" makes Claude Code and Gemini CLI skip their own permission prompts.
    // In shadow and audit-only modes Attesta only observes, so it must answer nothing at all —
    // not "allow" — for a dangerous command as for a harmless one, while still auditing.
    for (mode, expected_enforced) in [("audit_only", None), ("shadow", Some("denied"))] {
        for agent in ["claude-code", "codex", "gemini"] {
            for case in ["01-read", "02-rm-rf"] {
                let p = project();
                p.write("attesta.yaml", &format!("policy:\n  mode: {mode}\n"));
                let run = hook(&p, agent, case);
                assert_eq!(
                    (run.code, run.stdout.as_str(), run.stderr.as_str()),
                    (0, "", ""),
                    "{mode} {agent} {case}: {run:?}"
                );
                let entry = last_audit_entry(&p);
                assert_eq!(entry["verdict"], "approved", "{mode} {agent} {case}");
                if case == "02-rm-rf" {
                    assert_eq!(entry["risk_level"], "critical", "{mode} {agent}");
                    assert_eq!(
                        entry["metadata"].get("enforced_verdict").and_then(Value::as_str),
                        expected_enforced,
                        "{mode} {agent}: {entry}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_coding_agent_profile_stops_prompts_for_project_edits_only() {
    // The profile from docs/hooks.md: edit tools are safe actions, so an edit inside the project
    // is LOW and allowed without a prompt, while the same tool on ~/.ssh/config stays CRITICAL
    // because a safe name never hides a dangerous argument.
    for agent in ["claude-code", "codex", "gemini"] {
        let p = project();
        p.write(
            "attesta.yaml",
            "risk:\n  profiles:\n    - name: coding-agent\n      safe_actions: [\"^(Edit|MultiEdit|Write|NotebookEdit|apply_patch|replace|write_file)$\"]\n",
        );
        let run = hook(&p, agent, "04-edit-project");
        assert_eq!(run.code, 0, "{run:?}");
        assert_eq!(last_audit_entry(&p)["verdict"], "approved", "{agent}: {run:?}");
        assert_eq!(last_audit_entry(&p)["risk_level"], "low", "{agent}");
        let run = hook(&p, agent, "05-edit-ssh-config");
        assert_eq!(run.code, 0, "{run:?}");
        let entry = last_audit_entry(&p);
        assert_eq!((entry["verdict"].as_str(), entry["risk_level"].as_str()), (Some("denied"), Some("critical")), "{agent}");
    }
}

#[test]
fn wrong_event_and_unusable_input_block() {
    let p = project();
    // PostToolUse only feeds the session context: it never blocks and prints nothing.
    let post = payload(&p, "claude-code", "01-read").replace("\"PreToolUse\"", "\"PostToolUse\"");
    let run = run_detached(command(&p, &["hook", "claude-code"]), &post);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{run:?}");
    // An event Attesta does not handle blocks, and says how to register the hook.
    let other = payload(&p, "claude-code", "01-read").replace("\"PreToolUse\"", "\"SessionStart\"");
    let run = run_detached(command(&p, &["hook", "claude-code"]), &other);
    assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{run:?}");
    assert!(run.stderr.contains("SessionStart") && run.stderr.contains("attesta hook install claude-code"), "{run:?}");

    for input in ["[]", "{\"tool_input\": {}}", "{\"tool_name\": \"Bash\", \"cwd\": \"relative/dir\"}"] {
        let run = run_detached(command(&p, &["hook", "codex"]), input);
        assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{input}: {run:?}");
        assert!(run.stderr.starts_with("attesta hook codex: denied: "), "{run:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// A human answering on the terminal.

/// Runs the hook with a pseudo-terminal as its controlling terminal and pipes for
/// stdin/stdout/stderr, like an agent that runs its hooks from a terminal session.
fn hook_with_terminal(p: &Proj, agent: &str, case: &str, answer: &str) -> (Run, String) {
    let mut tty = util::Terminal::spawn(command(p, &["hook", agent]), &payload(p, agent, case));
    tty.wait_for_count("Approve? [y/N]", 1);
    tty.type_line(answer);
    let (output, screen) = tty.finish();
    (Run::from(output), screen)
}

#[test]
fn a_human_decides_on_the_terminal() {
    let p = project();
    p.write("attesta.yaml", "policy:\n  minimum_review_seconds:\n    medium: 0\n");
    let (run, screen) = hook_with_terminal(&p, "claude-code", "04-edit-project", "y");
    // The challenge went to the terminal; stdout holds only the decision.
    assert!(screen.contains("Edit") && screen.contains("src/main.rs"), "{screen}");
    assert!(!run.stdout.contains("Approve?"), "{run:?}");
    assert_eq!(run.code, 0, "{run:?}");
    let (verdict, reason) = claude_decision(&run);
    assert_eq!(verdict, "allow", "{reason}");
    assert!(reason.contains("approved after confirmation"), "{reason}");
    let entry = last_audit_entry(&p);
    assert_eq!(entry["challenge_type"], "confirm");
    assert_eq!(entry["approver_ids"], json!(["tester"]));

    let (run, _) = hook_with_terminal(&p, "gemini", "04-edit-project", "n");
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(decision(&run)["decision"], "deny", "{run:?}");
    assert_eq!(last_audit_entry(&p)["verdict"], "denied");
}

// ---------------------------------------------------------------------------------------------
// install / uninstall

fn install(p: &Proj, args: &[&str]) -> Run {
    let mut full = vec!["hook"];
    full.extend_from_slice(args);
    run_detached(command(p, &full), "")
}

fn backups(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.to_string_lossy().ends_with(".attesta-backup")).collect())
        .unwrap_or_default();
    found.sort();
    found
}

const CLAUDE_SETTINGS: &str = r#"{
  "permissions": {
    "allow": [
      "Bash(npm run test:*)"
    ],
    "deny": [
      "Read(./.env)"
    ]
  },
  "hooks": {
    "PreToolUse": [
      {
        "matcher": "Bash",
        "hooks": [
          {
            "type": "command",
            "command": "\"$CLAUDE_PROJECT_DIR\"/.claude/hooks/block-secrets.sh"
          }
        ]
      }
    ],
    "PostToolUse": [
      {
        "matcher": "Edit|Write",
        "hooks": [
          {
            "type": "command",
            "command": "npx prettier --write"
          }
        ]
      }
    ]
  },
  "model": "opus"
}
"#;

#[test]
fn claude_code_install_merges_is_idempotent_and_uninstall_restores() {
    let p = project();
    let settings_file = p.write(".claude/settings.json", CLAUDE_SETTINGS);
    let run = install(&p, &["install", "claude-code", "--program", "/usr/local/bin/attesta"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("Installed the Attesta hook for Claude Code in "), "{run:?}");
    let installed = fs::read_to_string(&settings_file).unwrap();
    settings(&p).bind(|| assert_snapshot!("hook_install_claude_settings", installed));

    let value: Value = serde_json::from_str(&installed).unwrap();
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["permissions", "hooks", "model"], "key order is kept");
    let groups = value["hooks"]["PreToolUse"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0]["matcher"], "Bash", "the existing hook is untouched");
    // The project is anchored and the deadline stays below the agent's timeout.
    assert_eq!(
        groups[1]["hooks"][0]["command"],
        format!("/usr/local/bin/attesta hook claude-code --project {} --deadline 590", p.path().display())
    );
    assert_eq!(groups[1]["hooks"][0]["onFailure"], "block");
    let saved = backups(&p.file(".claude"));
    assert_eq!(saved.len(), 1);
    assert_eq!(fs::read_to_string(&saved[0]).unwrap(), CLAUDE_SETTINGS);

    // Twice: nothing changes, no new backup.
    let again = install(&p, &["install", "claude-code", "--project", "--program", "/usr/local/bin/attesta"]);
    assert!(again.stdout.contains("already installed"), "{again:?}");
    assert_eq!(fs::read_to_string(&settings_file).unwrap(), installed);
    assert_eq!(backups(&p.file(".claude")).len(), 1);

    let removed = install(&p, &["uninstall", "claude-code"]);
    assert_eq!(removed.code, 0, "{removed:?}");
    assert!(removed.stdout.starts_with("Removed the Attesta hook for Claude Code from "), "{removed:?}");
    assert_eq!(fs::read_to_string(&settings_file).unwrap(), CLAUDE_SETTINGS, "uninstall restores the file byte for byte");
    let nothing = install(&p, &["uninstall", "claude-code"]);
    assert!(nothing.stdout.starts_with("No Attesta hook for Claude Code"), "{nothing:?}");
    assert_eq!(fs::read_to_string(&settings_file).unwrap(), CLAUDE_SETTINGS);
}

#[test]
fn codex_install_creates_hooks_json_the_installed_command_works_and_uninstall_removes_it() {
    let p = project();
    let run = install(&p, &["--json", "install", "codex"]);
    assert_eq!(run.code, 0, "{run:?}");
    let report: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!((report["change"].as_str(), report["backup"].is_null()), (Some("installed"), true), "{report}");
    let file = p.file(".codex/hooks.json");
    let value: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(value.as_object().unwrap().keys().collect::<Vec<_>>(), ["hooks"], "Codex refuses unknown root keys");
    let handler = &value["hooks"]["PreToolUse"][0]["hooks"][0];
    assert_eq!(handler["type"], "command");
    assert_eq!(handler["timeout"], 600);

    // Run the installed command line through a shell, as Codex does.
    let command_line = handler["command"].as_str().unwrap().to_owned();
    assert!(command_line.starts_with(&binary().display().to_string()), "{command_line}");
    let env = command(&p, &[]);
    let mut sh = Command::new("sh");
    sh.current_dir(p.path()).arg("-c").arg(&command_line);
    for (key, value) in env.get_envs() {
        match value {
            Some(value) => sh.env(key, value),
            None => sh.env_remove(key),
        };
    }
    let run = run_detached(sh, &payload(&p, "codex", "03-force-push"));
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(decision(&run)["hookSpecificOutput"]["permissionDecision"], "deny");

    let removed = install(&p, &["uninstall", "codex", "--project"]);
    assert!(removed.stdout.contains("held nothing else and was removed"), "{removed:?}");
    assert!(!file.exists());
}

#[test]
fn gemini_user_install_keeps_indentation_other_hooks_and_unrelated_keys() {
    let p = project();
    let original = "{\n    \"theme\": \"GitHub\",\n    \"hooksConfig\": {\n        \"enabled\": true\n    },\n    \"hooks\": {\n        \"BeforeTool\": [\n            {\n                \"matcher\": \"write_file|replace\",\n                \"hooks\": [\n                    {\n                        \"name\": \"secret-scanner\",\n                        \"type\": \"command\",\n                        \"command\": \"$GEMINI_PROJECT_DIR/.gemini/hooks/block-secrets.sh\",\n                        \"timeout\": 5000\n                    }\n                ]\n            }\n        ]\n    }\n}\n";
    let file = { fs::create_dir_all(home(&p).join(".gemini")).unwrap(); let f = home(&p).join(".gemini/settings.json"); fs::write(&f, original).unwrap(); f };
    let run = install(&p, &["install", "gemini", "--user", "--program", "attesta"]);
    assert_eq!(run.code, 0, "{run:?}");
    let text = fs::read_to_string(&file).unwrap();
    assert!(text.contains("\n    \"theme\": \"GitHub\",\n"), "4-space indentation kept:\n{text}");
    let value: Value = serde_json::from_str(&text).unwrap();
    let groups = value["hooks"]["BeforeTool"].as_array().unwrap();
    assert_eq!(groups[0]["hooks"][0]["name"], "secret-scanner");
    assert_eq!(groups[1]["hooks"][0], json!({
        "name": "attesta",
        "type": "command",
        "command": "attesta hook gemini --deadline 590",
        "timeout": 600000,
        "description": "Attesta: risk-scored human approval before each tool call"
    }));
    assert!(!p.file(".gemini").exists(), "--user leaves the project alone");

    let removed = install(&p, &["uninstall", "gemini", "--user"]);
    assert_eq!(removed.code, 0, "{removed:?}");
    assert_eq!(fs::read_to_string(&file).unwrap(), original);
}

#[test]
fn install_refreshes_a_stale_entry_and_uninstall_spares_foreign_handlers() {
    let p = project();
    let file = p.file(".claude/settings.json");
    assert_eq!(install(&p, &["install", "claude-code", "--program", "/old/bin/attesta"]).code, 0);
    let run = install(&p, &["install", "claude-code", "--program", "/new/bin/attesta"]);
    assert!(run.stdout.starts_with("Updated the Attesta hook"), "{run:?}");
    let mut value: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    let groups = value["hooks"]["PreToolUse"].as_array_mut().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["hooks"].as_array().unwrap().len(), 1);
    assert_eq!(groups[0]["hooks"][0]["command"], format!("/new/bin/attesta hook claude-code --project {} --deadline 590", p.path().display()));

    // Someone adds their own handler to the same group; uninstall removes only Attesta's.
    groups[0]["hooks"].as_array_mut().unwrap().push(json!({"type": "command", "command": "./audit.sh"}));
    fs::write(&file, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    assert_eq!(install(&p, &["uninstall", "claude-code"]).code, 0);
    let value: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(value, json!({"hooks": {"PreToolUse": [{"hooks": [{"type": "command", "command": "./audit.sh"}]}]}}));
}

#[test]
fn install_refuses_files_it_cannot_rewrite_exactly() {
    let p = project();
    let commented = "{\n  // my theme\n  \"theme\": \"GitHub\"\n}\n";
    let file = p.write(".gemini/settings.json", commented);
    let run = install(&p, &["install", "gemini"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("not plain JSON") && run.stderr.contains("\"BeforeTool\""), "{run:?}");
    assert_eq!(fs::read_to_string(&file).unwrap(), commented);
    assert!(backups(&p.file(".gemini")).is_empty());

    let file = p.write(".claude/settings.json", "{\"hooks\": {\"PreToolUse\": {}}}\n");
    let run = install(&p, &["install", "claude-code"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("hooks.PreToolUse") && run.stderr.contains("expected an array"), "{run:?}");
    assert_eq!(fs::read_to_string(&file).unwrap(), "{\"hooks\": {\"PreToolUse\": {}}}\n");
}

#[test]
fn local_install_writes_settings_local_json_and_keeps_state_out_of_git() {
    let p = project();
    fs::create_dir_all(p.file(".git")).unwrap();
    let run = install(&p, &["install", "claude-code", "--local", "--program", "attesta"]);
    assert_eq!(run.code, 0, "{run:?}");
    let value: Value = serde_json::from_str(&fs::read_to_string(p.file(".claude/settings.local.json")).unwrap()).unwrap();
    assert_eq!(
        value["hooks"]["PreToolUse"][0]["hooks"][0]["command"],
        format!("attesta hook claude-code --project {} --deadline 590", p.path().display())
    );
    assert!(!p.file(".claude/settings.json").exists());
    assert!(fs::read_to_string(p.file(".gitignore")).unwrap().lines().any(|l| l == ".attesta/"));
    assert!(run.stdout.contains(".gitignore"), "{run:?}");
    // Once is enough.
    install(&p, &["install", "claude-code", "--local", "--program", "/other/attesta"]);
    assert_eq!(fs::read_to_string(p.file(".gitignore")).unwrap().matches(".attesta/").count(), 1);
    // Other agents have no personal project file.
    let run = install(&p, &["install", "codex", "--local"]);
    assert_eq!(run.code, 2, "{run:?}");
}

#[test]
fn install_records_the_path_it_was_invoked_by_not_the_symlink_target() {
    let p = project();
    let bin = tempfile::tempdir().unwrap();
    let link = bin.path().join("attesta");
    std::os::unix::fs::symlink(binary(), &link).unwrap();
    let mut cmd = Command::new(&link);
    cmd.current_dir(p.path()).args(["hook", "install", "claude-code"]).env("HOME", home(&p)).env("NO_COLOR", "1");
    let run = run_detached(cmd, "");
    assert_eq!(run.code, 0, "{run:?}");
    let value: Value = serde_json::from_str(&fs::read_to_string(p.file(".claude/settings.json")).unwrap()).unwrap();
    let command = value["hooks"]["PreToolUse"][0]["hooks"][0]["command"].as_str().unwrap().to_owned();
    assert!(command.starts_with(&format!("{} hook claude-code", link.display())), "{command}");
}

/// `attesta hook <agent>` is parsed by a parser of the hook's own flags; every spelling the full
/// command line accepts still works, and what it rejects is still rejected (exit 2, which the
/// agents treat as "block"), with the full parser's message.
#[test]
fn the_hooks_own_parser_accepts_and_rejects_what_the_full_one_does() {
    let p = project();
    let allowed = |args: &[&str]| {
        let run = run_detached(command(&p, args), &payload(&p, "claude-code", "01-read"));
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        assert_eq!(claude_decision(&run).0, "allow", "{args:?}: {run:?}");
    };
    allowed(&["hook", "claude-code"]);
    allowed(&["hook", "claude-code", "--deadline", "30", "--agent-id", "ci-bot"]);
    allowed(&["hook", "claude-code", "--deadline=30", "--json"]);
    // Global flags before the subcommand go through the full parser.
    allowed(&["--json", "hook", "claude-code"]);
    for bad in [
        vec!["hook", "claude-code", "--bogus"],
        vec!["hook", "claude-code", "--deadline", "soon"],
        vec!["hook", "claude-code", "extra"],
    ] {
        // Rejected before stdin is read: no payload, so no write can race the exit.
        let run = run_detached(command(&p, &bad), "");
        assert_eq!(run.code, 2, "{bad:?}: {run:?}");
        assert!(run.stdout.is_empty(), "{bad:?}: {run:?}");
        assert!(run.stderr.starts_with("error:"), "{bad:?}: {run:?}");
    }
    let help = run_detached(command(&p, &["hook", "claude-code", "--help"]), "");
    assert_eq!(help.code, 0, "{help:?}");
    assert!(help.stdout.contains("--deadline"), "{help:?}");
}
