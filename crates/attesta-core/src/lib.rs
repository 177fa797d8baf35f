//! The sans-IO heart of Attesta.
//!
//! Everything here is pure: no files, no network, no clocks read behind the caller's back, no
//! printing. Entry points (the `attesta` library, the CLI, the MCP proxy, the approval server and
//! the Python binding) feed an [`ActionContext`] in and get plain data out.

pub mod assessment;
pub mod audit;
pub mod challenge;
pub mod config;
pub mod config_parse;
pub mod context;
pub mod display;
pub mod protect;
pub mod result;
pub mod scoring;
pub mod session;
pub mod trust;
pub mod types;

pub use assessment::{Directives, RiskAssessment, RiskFactor};
pub use context::ActionContext;
pub use result::{ApprovalResult, ChallengeResult, Mode};
pub use session::Session;
pub use types::{ChallengeMap, ChallengeType, ParseEnumError, RiskLevel, ScoreOutOfRange, Verdict};
