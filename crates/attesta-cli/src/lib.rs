//! The `attesta` command-line tool: clap types in [`cli`], one module per command in
//! [`commands`], errors mapped to exit codes in one place ([`error`]).

pub mod cli;
pub mod commands;
pub mod error;
pub mod input;
pub mod output;
mod warnings;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::error::{CliError, Exit};

/// Parses the command line, runs the command and renders any error once.
pub fn main_entry() -> ExitCode {
    if let Some(exit) = hook_fast_path() {
        return exit;
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { Exit::Usage } else { Exit::Ok };
            let _ = e.print();
            if e.use_stderr()
                && let Some(hint) = wrap_hint(&std::env::args().collect::<Vec<_>>())
            {
                let _ = writeln!(std::io::stderr(), "{hint}");
            }
            return code.into();
        }
    };
    init_logging(commands::mcp::log_level(&cli.command));
    finish(run(cli))
}

/// `attesta hook claude-code|codex|gemini [FLAGS]`, parsed by [`cli::HookOnly`] alone; `None`
/// for any other command line, or when the flags do not parse (the full parser then runs and
/// reports the error, or prints the help, exactly as for every other command).
fn hook_fast_path() -> Option<ExitCode> {
    let mut args = std::env::args_os().skip(1);
    if args.next()? != "hook" {
        return None;
    }
    let agent = match args.next()?.to_str()? {
        "claude-code" => cli::HookCommand::ClaudeCode,
        "codex" => cli::HookCommand::Codex,
        "gemini" => cli::HookCommand::Gemini,
        _ => return None,
    };
    let parsed = <cli::HookOnly as Parser>::try_parse_from(args).ok()?;
    if std::env::var_os("ATTESTA_LOG").is_some() {
        init_logging(None);
    } else {
        warnings::install();
    }
    Some(finish(commands::hook::run(&parsed.global, agent(parsed.run))))
}

/// The exit code of a command's result, with its error (if any) rendered once on stderr.
fn finish(result: Result<Exit, CliError>) -> ExitCode {
    match result {
        Ok(exit) => exit.into(),
        Err(error) => {
            if !error.message.is_empty() {
                let style = output::Style::for_stderr();
                let _ = writeln!(std::io::stderr(), "{} {}", style.bad("error:"), error.message);
            }
            error.exit.into()
        }
    }
}

/// `attesta mcp wrap npx …` without `--`: some MCP clients (the MCP Inspector among them) drop
/// the `--` from the arguments they were given.
pub fn wrap_hint(args: &[String]) -> Option<String> {
    let wrap = args.windows(2).position(|w| w[0] == "mcp" && w[1] == "wrap")?;
    if args[wrap..].iter().any(|a| a == "--") {
        return None;
    }
    Some(
        "hint: the MCP server's command goes after `--`: `attesta mcp wrap -- npx -y @modelcontextprotocol/server-filesystem ~/notes`. \
         Some MCP clients (the MCP Inspector) drop `--` from the arguments: give the client `mcp wrap -- …` as one argument list \
         with the `--` in it, or put the whole line in a shell script and wrap that."
            .to_owned(),
    )
}

/// Logs go to stderr only (stdout may be a protocol pipe); `ATTESTA_LOG=debug` for more, or a
/// command's own `--log-level`.
fn init_logging(level: Option<&str>) {
    let filter = level
        .map(tracing_subscriber::EnvFilter::new)
        .or_else(|| tracing_subscriber::EnvFilter::try_from_env("ATTESTA_LOG").ok())
        .unwrap_or_else(|| tracing_subscriber::EnvFilter::new("warn"));
    // Colour only on a terminal: the MCP proxy's stderr is usually a client's log file.
    use std::io::IsTerminal;
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .without_time()
        .try_init();
}

pub fn run(cli: Cli) -> Result<Exit, CliError> {
    let global = cli.global;
    match cli.command {
        Command::Init(args) => commands::init::run(&args),
        Command::Score(args) => commands::score::run(&global, &args),
        Command::Evaluate(args) => commands::evaluate::run(&global, &args),
        Command::Audit(cmd) => commands::audit::run(&global, cmd),
        Command::Trust(cmd) => commands::trust::run(&global, cmd),
        Command::Mcp(cmd) => commands::mcp::run(&global, cmd),
        Command::Hook(cmd) => commands::hook::run(&global, cmd),
        Command::Serve(args) => commands::serve::run(&global, args),
        Command::Pending(args) => commands::approver::pending(&global, &args),
        Command::Approve(args) => commands::approver::approve(&global, &args),
        Command::Deny(args) => commands::approver::deny(&global, &args),
        Command::Policy(cmd) => commands::policy::run(&global, cmd),
        Command::Version => commands::version::run(&global),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "attesta", &mut std::io::stdout());
            Ok(Exit::Ok)
        }
    }
}
