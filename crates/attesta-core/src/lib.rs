//! The sans-IO heart of Attesta.
//!
//! Everything here is pure: no files, no network, no clocks read behind the caller's back, no
//! printing. Entry points (the `attesta` library, the CLI, the MCP proxy, the approval server and
//! the Python binding) feed an [`ActionContext`] in and get plain data out.

pub mod types;
pub mod context;
pub mod assessment;
pub mod result;
pub mod config;
pub mod config_parse;
pub mod protect;
pub mod scoring;
pub mod session;
pub mod challenge;
pub mod trust;
pub mod audit;

pub use assessment::{Directives, RiskAssessment, RiskFactor};
pub use context::ActionContext;
pub use session::Session;
pub use result::{ApprovalResult, ChallengeResult, Mode};
pub use types::{ChallengeMap, ChallengeType, ParseEnumError, RiskLevel, ScoreOutOfRange, Verdict};
