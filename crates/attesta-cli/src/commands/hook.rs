//! `attesta hook …`: the coding-agent hooks and their installation. The logic lives in
//! `attesta-hooks`; this file reads stdin, writes stdout and maps exit codes.
//!
//! In hook mode stdout carries only the agent's decision JSON, and every failure — including
//! failing to write that JSON — exits 2, which all three agents treat as "block this call".

use std::io::{Read, Write};

use attesta_hooks::install::{self, Change, Scope};
use attesta_hooks::{Agent, HookOptions, HookResponse};

use crate::cli::{GlobalArgs, HookAgent, HookCommand, HookInstallArgs, HookRunArgs};
use crate::error::{CliError, CliResult, Exit};
use crate::output::Style;

pub fn run(global: &GlobalArgs, command: HookCommand) -> CliResult {
    match command {
        HookCommand::ClaudeCode(args) => run_hook(global, Agent::ClaudeCode, &args),
        HookCommand::Codex(args) => run_hook(global, Agent::Codex, &args),
        HookCommand::Gemini(args) => run_hook(global, Agent::Gemini, &args),
        HookCommand::Install(args) => run_install(global, &args, true),
        HookCommand::Uninstall(args) => run_install(global, &args, false),
    }
}

fn agent_of(agent: HookAgent) -> Agent {
    match agent {
        HookAgent::ClaudeCode => Agent::ClaudeCode,
        HookAgent::Codex => Agent::Codex,
        HookAgent::Gemini => Agent::Gemini,
    }
}

fn run_hook(global: &GlobalArgs, agent: Agent, args: &HookRunArgs) -> CliResult {
    let fallback_cwd = std::env::current_dir().unwrap_or_else(|_| std::path::PathBuf::from("/"));
    let response = match read_stdin() {
        Ok(input) => {
            let project = args.project.as_ref().map(|p| if p.is_absolute() { p.clone() } else { fallback_cwd.join(p) });
            let options = HookOptions { config: global.config.clone(), agent_id: args.agent_id.clone(), fallback_cwd, project };
            let deadline = if args.deadline.is_finite() && args.deadline > 0.0 {
                std::time::Duration::from_secs_f64(args.deadline.min(86_400.0))
            } else {
                std::time::Duration::from_secs(attesta_hooks::deadline::DEFAULT_DEADLINE_SECONDS)
            };
            attesta_hooks::deadline::handle_within(agent, input, options, deadline)
        }
        Err(why) => HookResponse::failure(agent, &why),
    };
    emit(&response)
}

/// Reads stdin with a size cap (one byte over the cap is enough to know it is too large).
fn read_stdin() -> Result<Vec<u8>, String> {
    let mut input = Vec::new();
    let cap = attesta_hooks::payload::MAX_PAYLOAD_BYTES as u64 + 1;
    std::io::stdin()
        .lock()
        .take(cap)
        .read_to_end(&mut input)
        .map_err(|e| format!("cannot read the hook input on stdin: {e}"))?;
    Ok(input)
}

fn emit(response: &HookResponse) -> CliResult {
    let mut stderr = std::io::stderr().lock();
    if !response.stderr.is_empty() {
        let _ = stderr.write_all(response.stderr.as_bytes());
    }
    let written = {
        let mut out = std::io::stdout().lock();
        out.write_all(response.stdout.as_bytes()).and_then(|()| out.flush())
    };
    if let Err(e) = written {
        // The decision did not reach the agent; exit 2 so it blocks rather than guesses.
        let _ = writeln!(stderr, "attesta hook: denied: cannot write the decision to stdout: {e}");
        return Err(CliError::silent(Exit::Usage));
    }
    match response.exit_code {
        0 => Ok(Exit::Ok),
        // 2 is the agents' blocking exit code (numerically the same as Exit::Usage).
        _ => Err(CliError::silent(Exit::Usage)),
    }
}

/// The program as the user invoked it: a path (made absolute, symlinks kept, so an upgrade
/// that moves the target keeps working) or a bare name found on PATH.
fn invoked_program(cwd: &std::path::Path) -> Result<String, CliError> {
    let arg0 = std::env::args_os().next().map(std::path::PathBuf::from);
    match arg0 {
        Some(path) if path.components().count() > 1 => {
            let absolute = if path.is_absolute() { path } else { cwd.join(path) };
            Ok(std::path::absolute(&absolute).unwrap_or(absolute).display().to_string())
        }
        Some(name) if !name.as_os_str().is_empty() => Ok(name.display().to_string()),
        _ => std::env::current_exe()
            .map(|p| p.display().to_string())
            .map_err(|e| CliError::failure(format!("cannot find the attesta binary's path ({e}); pass --program"))),
    }
}

fn run_install(global: &GlobalArgs, args: &HookInstallArgs, installing: bool) -> CliResult {
    let agent = agent_of(args.agent);
    let scope = if args.user {
        Scope::User
    } else if args.local {
        Scope::Local
    } else {
        Scope::Project
    };
    let cwd = std::env::current_dir().map_err(|e| CliError::failure(format!("cannot read the current directory: {e}")))?;
    let project = match &args.dir {
        Some(dir) if dir.is_absolute() => dir.clone(),
        Some(dir) => cwd.join(dir),
        None => cwd.clone(),
    };
    let path = install::settings_path(agent, scope, &project).map_err(|e| CliError::usage(e.to_string()))?;

    let mut ignored = false;
    let report = if installing {
        let program = match &args.program {
            Some(program) => program.clone(),
            None => invoked_program(&cwd)?,
        };
        let config = global.config.as_ref().map(|c| if c.is_absolute() { c.clone() } else { cwd.join(c) });
        if let Some(config) = &config
            && !config.is_file()
        {
            return Err(CliError::usage(format!("{}: no such configuration file", config.display())));
        }
        // The project level is anchored to the directory installed into; a user-level hook
        // finds each project by its git root.
        let anchored = (scope != Scope::User).then_some(project.as_path());
        let command = install::hook_command(agent, &program, config.as_deref(), anchored);
        let report = install::install(agent, &path, &command);
        if report.is_ok() && scope != Scope::User {
            ignored = install::ignore_state_dir(&project).unwrap_or(false);
        }
        report
    } else {
        install::uninstall(agent, &path)
    }
    .map_err(|e| match e {
        install::InstallError::Write { .. } | install::InstallError::Read { .. } => CliError::failure(e.to_string()),
        other => CliError::usage(other.to_string()),
    })?;

    let mut out = std::io::stdout().lock();
    if global.json {
        let text = serde_json::to_string(&report).map_err(|e| CliError::failure(e.to_string()))?;
        writeln!(out, "{text}")?;
        return Ok(Exit::Ok);
    }
    let style = Style::for_stdout();
    let name = agent.display_name();
    let file = report.path.display();
    let line = match report.change {
        Change::Installed => format!("{} the Attesta hook for {name} in {file}", style.good("Installed")),
        Change::Updated => format!("{} the Attesta hook for {name} in {file}", style.good("Updated")),
        Change::Unchanged => format!("The Attesta hook for {name} is already installed in {file}; nothing changed"),
        Change::Removed if report.removed_file => {
            format!("{} the Attesta hook for {name}; {file} held nothing else and was removed", style.good("Removed"))
        }
        Change::Removed => format!("{} the Attesta hook for {name} from {file}", style.good("Removed")),
        Change::NotInstalled => format!("No Attesta hook for {name} in {file}; nothing changed"),
    };
    writeln!(out, "{line}")?;
    if let Some(backup) = &report.backup {
        writeln!(out, "  backup of the previous file: {}", backup.display())?;
    }
    if ignored {
        writeln!(out, "  added .attesta/ (audit log, trust store) to .gitignore")?;
    }
    if installing && matches!(report.change, Change::Installed | Change::Updated) {
        let note = match agent {
            Agent::ClaudeCode => "Claude Code reads hooks at start-up: restart it, then check with /hooks.",
            Agent::Codex => "Codex runs a new command hook only after you review and trust it (Codex asks at start-up; see /hooks).",
            Agent::Gemini => "Restart Gemini CLI; on releases where hooks are still experimental also set \"hooksConfig\": {\"enabled\": true}.",
        };
        writeln!(out, "  {}", style.dim(note))?;
        writeln!(
            out,
            "  {}",
            style.dim("Approvals need a human: run the agent in a terminal, or set `reviewer: server` in attesta.yaml to use the web inbox.")
        )?;
    }
    Ok(Exit::Ok)
}
