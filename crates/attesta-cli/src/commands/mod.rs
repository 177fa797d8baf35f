//! One module per command.

pub mod audit;
pub mod evaluate;
pub mod hook;
pub mod init;
pub mod mcp;
pub mod score;
pub mod trust;
pub mod version;
