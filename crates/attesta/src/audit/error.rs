//! Errors of the file-backed audit log.

use std::io;
use std::path::PathBuf;

/// Why an audit operation failed. An append that returns any of these did not record the
/// decision, so the pipeline must deny the call.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// A filesystem operation failed.
    #[error(
        "cannot {op} {path}: {source} (check the path exists, is writable by this user and the disk is not full)"
    )]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    /// Building, serialising or parsing an entry failed.
    #[error(transparent)]
    Entry(#[from] attesta_core::audit::AuditError),

    /// A complete line in the log is not an audit entry.
    #[error("{path} line {line}: {reason} (run `attesta audit verify` to see every damaged entry)")]
    Malformed {
        path: PathBuf,
        line: u64,
        reason: String,
    },

    /// The log's last good line cannot be found, so the chain cannot be continued safely.
    #[error(
        "{path}: line {line} at the end of the log is not an audit entry nor the torn start of one — \
         possible tampering; refusing to append or repair (run `attesta audit verify` and restore the \
         log from a backup)"
    )]
    DamagedTail { path: PathBuf, line: u64 },

    /// A checkpoint was asked for over a log whose chain does not verify.
    #[error(
        "cannot sign a checkpoint over {path}: the chain is broken at entry {entry} \
         (run `attesta audit verify` and investigate before signing)"
    )]
    BrokenChain { path: PathBuf, entry: u64 },

    /// A checkpoint was asked for over an empty log.
    #[error("{path} has no entries; nothing to checkpoint")]
    EmptyLog { path: PathBuf },

    /// A checkpoint signing or verifying key is unusable.
    #[error("invalid checkpoint key: {reason}")]
    Key { reason: String },

    /// The checkpoint sidecar has a line that is not a checkpoint.
    #[error("{path} line {line}: not a checkpoint: {reason}")]
    CheckpointFile {
        path: PathBuf,
        line: u64,
        reason: String,
    },
}

impl AuditError {
    pub(crate) fn io(
        op: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(io::Error) -> AuditError {
        let path = path.into();
        move |source| AuditError::Io { op, path, source }
    }
}
