//! `attesta mcp wrap`: run an MCP server behind Attesta.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use attesta_mcp::{CallerIdentity, McpError, WrapOptions, parse_risk_override};
use clap::{Args, Subcommand};

use crate::cli::GlobalArgs;
use crate::error::{CliError, CliResult};

#[derive(Debug, Subcommand)]
pub enum McpCommand {
    /// Run an MCP server over stdio with every tools/call gated by Attesta.
    ///
    /// Put this in front of the server's command in your editor's MCP config:
    /// `attesta mcp wrap -- npx -y @modelcontextprotocol/server-filesystem ~/notes`.
    /// Everything else passes through unchanged. stdout carries only protocol; logs go to
    /// stderr. The exit code is the server's.
    Wrap(WrapArgs),
}

#[derive(Debug, Args)]
pub struct WrapArgs {
    /// Fix a tool's risk level, bypassing the scorer (repeatable), e.g. `write_file=high`.
    #[arg(long = "risk-override", value_name = "TOOL=LEVEL")]
    pub risk_overrides: Vec<String>,
    /// Agent id recorded with every call (trust is tracked per agent).
    #[arg(long, value_name = "ID", env = "ATTESTA_AGENT_ID")]
    pub agent_id: Option<String>,
    /// Session id recorded with every call.
    #[arg(long, value_name = "ID")]
    pub session_id: Option<String>,
    /// Environment (production, staging, ci, development); detected when not given.
    #[arg(long, value_name = "NAME")]
    pub environment: Option<String>,
    /// Audit log path (instead of `audit.path`).
    #[arg(long, value_name = "PATH")]
    pub audit_log: Option<PathBuf>,
    /// Log level on stderr: error, warn, info, debug, trace (default warn, or ATTESTA_LOG).
    #[arg(long, value_name = "LEVEL")]
    pub log_level: Option<String>,
    /// Longest accepted JSON-RPC message line, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = attesta_mcp::DEFAULT_MAX_LINE_BYTES)]
    pub max_line_bytes: usize,
    /// Seconds the server may take to exit after the client closed its input, before it is killed.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    pub shutdown_grace: f64,
    /// The MCP server command and its arguments, after `--`.
    #[arg(required = true, last = true, value_name = "COMMAND")]
    pub command: Vec<OsString>,
}

/// Runs the proxy. On success the process exits here with the server's exit code (a read of
/// stdin may still be blocked on a thread, and a runtime shutdown would wait for it).
pub fn run(global: &GlobalArgs, command: McpCommand) -> CliResult {
    let McpCommand::Wrap(args) = command;
    let risk_overrides = args
        .risk_overrides
        .iter()
        .map(|value| parse_risk_override(value))
        .collect::<Result<Vec<_>, _>>()
        .map_err(to_cli_error)?;
    if !(args.shutdown_grace.is_finite() && args.shutdown_grace >= 0.0) {
        return Err(CliError::usage("--shutdown-grace must be a number of seconds, 0 or more"));
    }
    let mut options = WrapOptions::new(args.command);
    options.config = global.config.clone();
    options.risk_overrides = risk_overrides;
    options.caller = CallerIdentity { agent_id: args.agent_id, session_id: args.session_id, environment: args.environment };
    options.audit_log = args.audit_log;
    options.max_line_bytes = args.max_line_bytes.max(1);
    options.child.shutdown_grace = Duration::from_secs_f64(args.shutdown_grace.min(86_400.0));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failure(format!("cannot start the async runtime: {e}")))?;
    let code = runtime.block_on(attesta_mcp::wrap(options)).map_err(to_cli_error)?;
    std::process::exit(code);
}

fn to_cli_error(e: McpError) -> CliError {
    match e {
        McpError::EmptyCommand | McpError::RiskOverride { .. } | McpError::Pipeline { .. } => CliError::usage(e.to_string()),
        other => CliError::failure(other.to_string()),
    }
}

/// The `--log-level` of `mcp wrap`, if that is the command being run.
pub fn log_level(command: &crate::cli::Command) -> Option<&str> {
    match command {
        crate::cli::Command::Mcp(McpCommand::Wrap(args)) => args.log_level.as_deref(),
        _ => None,
    }
}
