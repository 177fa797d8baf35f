//! One module per command.

pub mod approver;
pub mod audit;
pub mod evaluate;
pub mod hook;
pub mod init;
pub mod mcp;
pub mod policy;
pub mod score;
pub mod score_session;
pub mod serve;
pub mod trust;
pub mod version;
