//! Errors of the proxy's setup and lifecycle. Traffic problems (malformed lines, failed
//! reviews) never surface here: they are answered on the protocol and logged.

use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum McpError {
    #[error("no MCP server command given: use `attesta mcp wrap [OPTIONS] -- <COMMAND> [ARGS...]`")]
    EmptyCommand,
    #[error("cannot start the MCP server `{}`: {source}", program.to_string_lossy())]
    Spawn { program: OsString, source: std::io::Error },
    #[error("cannot wait for the MCP server process: {0}")]
    Wait(std::io::Error),
    #[error("cannot install the {signal} handler: {source}")]
    Signal { signal: &'static str, source: std::io::Error },
    #[error("invalid --risk-override `{value}`: {reason} (expected TOOL=LEVEL, LEVEL one of low, medium, high, critical)")]
    RiskOverride { value: String, reason: String },
    #[error("cannot set up the approval pipeline{}: {message}", config.as_ref().map(|p| format!(" from {}", p.display())).unwrap_or_default())]
    Pipeline { config: Option<PathBuf>, message: String },
}
