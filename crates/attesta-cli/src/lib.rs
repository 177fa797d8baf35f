//! The `attesta` command-line tool: clap types in [`cli`], one module per command in
//! [`commands`], errors mapped to exit codes in one place ([`error`]).

pub mod cli;
pub mod commands;
pub mod error;
pub mod input;
pub mod output;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::error::{CliError, Exit};

/// Parses the command line, runs the command and renders any error once.
pub fn main_entry() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { Exit::Usage } else { Exit::Ok };
            let _ = e.print();
            return code.into();
        }
    };
    init_logging(commands::mcp::log_level(&cli.command));
    match run(cli) {
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

/// Logs go to stderr only (stdout may be a protocol pipe); `ATTESTA_LOG=debug` for more, or a
/// command's own `--log-level`.
fn init_logging(level: Option<&str>) {
    let filter = level
        .map(tracing_subscriber::EnvFilter::new)
        .or_else(|| tracing_subscriber::EnvFilter::try_from_env("ATTESTA_LOG").ok())
        .unwrap_or_else(|| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).without_time().try_init();
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
