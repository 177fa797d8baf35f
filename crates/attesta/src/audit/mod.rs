//! The JSONL audit log: writer, verifier, queries, export, checkpoints (SPEC §7).
//!
//! - [`AuditLog`] appends entries safely from many threads and processes (exclusive file lock,
//!   tail re-read under the lock, fsync per `audit.durability`), repairs a torn tail left by a
//!   crash and rotates segments.
//! - [`verify`] walks the chain (all segments, streaming) and reports every broken link.
//! - [`Checkpoint`]s signed with an HMAC key or Ed25519 make truncation and wholesale rewrites
//!   detectable.
//! - [`AuditReader`] filters, summarises ([`AuditStats`]), finds rubber stamps and exports CSV,
//!   JSON or JSONL.
//!
//! The pure pieces (entry model, redaction, canonical bytes, chain hashing) are in
//! [`attesta_core::audit`].

mod checkpoint;
mod error;
mod export;
pub mod files;
mod query;
mod verify;
mod writer;

pub use attesta_core::audit::{
    AuditEntry, ChallengeRecord, EntryKind, GENESIS, Redactor, SubChallengeRecord,
};
pub use checkpoint::{
    Checkpoint, CheckpointAlgorithm, CheckpointKey, CheckpointVerifier, checkpoint_path,
    read_checkpoints, write_checkpoint,
};
pub use error::AuditError;
pub use export::{CSV_COLUMNS, ExportFormat, export_entries};

pub use files::{lock_path, segment_files, torn_path_prefix};
pub use query::{
    AgentStats, ApproverStats, AuditFilter, AuditReader, AuditStats, EntryIter, RubberStampRule,
};

pub use verify::{BreakKind, ChainBreak, VerifyOptions, VerifyProgress, VerifyReport, verify};
pub use writer::{AuditLog, RepairReport, repair};
