//! Errors of the pure audit layer.

/// What went wrong building, serialising or reading an audit entry.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AuditError {
    /// A regex in `audit.redaction.patterns` does not compile.
    #[error(
        "audit.redaction.patterns[{index}] `{pattern}` is not a valid regular expression: {message}; \
         fix or remove it in the config file"
    )]
    InvalidRedactionPattern {
        index: usize,
        pattern: String,
        message: String,
    },

    /// A key in `audit.redaction.keys` is empty.
    #[error("audit.redaction.keys[{index}] is empty; remove it or name a field")]
    EmptyRedactionKey { index: usize },

    /// One line of a log could not be read as an audit entry.
    #[error("audit log line {line}: {reason}")]
    MalformedLine { line: u64, reason: String },

    /// The entry holds something JSON cannot carry canonically (a non-finite number …).
    #[error("audit entry {entry_id:?} cannot be serialised canonically: {reason}")]
    Canonical { entry_id: String, reason: String },
}
