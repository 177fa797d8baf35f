//! The one place where failures become messages and exit codes.

use std::fmt;
use std::process::ExitCode;

/// Documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    /// Broken audit chain, runtime error.
    Failure = 1,
    /// Bad flags, bad config, bad input.
    Usage = 2,
    /// The action was not approved.
    Denied = 3,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// A failure with the exit code it maps to. The message says what went wrong, where, and what
/// to do; it is printed once, to stderr, by `main_entry`.
#[derive(Debug)]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> Self {
        CliError { exit: Exit::Usage, message: message.into() }
    }

    pub fn failure(message: impl Into<String>) -> Self {
        CliError { exit: Exit::Failure, message: message.into() }
    }

    /// An exit code with nothing more to say (the command already printed its report).
    pub fn silent(exit: Exit) -> Self {
        CliError { exit, message: String::new() }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<attesta::config_file::ConfigFileError> for CliError {
    fn from(e: attesta::config_file::ConfigFileError) -> Self {
        CliError::usage(e.to_string())
    }
}

impl From<attesta::BuildError> for CliError {
    fn from(e: attesta::BuildError) -> Self {
        use attesta::BuildError;
        match e {
            BuildError::Audit { .. } | BuildError::Trust { .. } => CliError::failure(e.to_string()),
            other => CliError::usage(other.to_string()),
        }
    }
}

/// Writing to stdout failed: a closed pipe (`attesta … | head`) is not an error worth a message.
impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::silent(Exit::Ok)
        } else {
            CliError::failure(format!("I/O error: {e}"))
        }
    }
}

pub type CliResult<T = Exit> = Result<T, CliError>;
