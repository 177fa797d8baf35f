//! MCP stdio proxy: put Attesta in front of any MCP server without changing it.
//!
//! `attesta mcp wrap -- <server command>` starts the server as a child process and relays
//! newline-delimited JSON-RPC between the client (the editor, on our stdin/stdout) and the
//! server (on its stdin/stdout). Everything is forwarded byte-for-byte except `tools/call`,
//! which must pass a [`ToolCallGate`] first; see [`relay`] for the exact rules.
//!
//! The relay core depends only on `attesta-core`, so it can be driven by any gate (tests use
//! small fakes); the Attesta pipeline is plugged in by [`adapter`] (feature `pipeline`, on by
//! default), whose reviewer presents challenges as MCP elicitation forms ([`review`]).

#[cfg(feature = "pipeline")]
pub mod adapter;
pub mod child;
pub mod elicitation;
pub mod error;
pub mod framing;
pub mod gate;
pub mod message;
pub mod relay;
#[cfg(feature = "pipeline")]
pub mod review;

#[cfg(feature = "pipeline")]
pub use adapter::{AttestaGate, CallerIdentity, WrapOptions, build_pipeline, parse_risk_override, wrap};
pub use child::{ChildOptions, exit_code, serve_child};
pub use elicitation::{ElicitationAnswer, ElicitationError, Elicitor};
pub use error::McpError;
pub use framing::{DEFAULT_MAX_LINE_BYTES, Frame, LineFramer};
pub use gate::{GateDecision, ReviewCancellation, ToolCall, ToolCallGate};
pub use relay::{Relay, RelayOptions, RelayStats};
