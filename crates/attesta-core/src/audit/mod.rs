//! Audit entries, redaction, canonical bytes and chain hashing (SPEC §7).
//!
//! Everything here is pure: the file-backed log (locking, durability, verify, checkpoints, queries)
//! lives in `attesta::audit` and builds on these pieces.
//!
//! The byte rule, so anyone can re-verify a log independently:
//!
//! ```text
//! canonical  = RFC 8785 (JCS) serialisation of the entry object without its "chain_hash" member
//! prev       = previous entry's chain_hash, or the ASCII string "genesis" for the first entry
//! chain_hash = lowercase_hex(SHA-256(canonical ‖ prev))      // ‖ = byte concatenation
//! ```
//!
//! Each line of the log is itself the JCS serialisation of the whole entry (including
//! `chain_hash`), which lets the verifier hash the line's own bytes minus the `chain_hash` member
//! instead of re-serialising; lines that are not canonical are still verified, through a slower
//! parse-and-canonicalise path.

mod canonical;
mod entry;
mod entry_jcs;
mod error;
mod redact;

pub use canonical::{LineDigest, digest_line, sha256_hex, write_canonical};
pub use entry::{
    AuditEntry, ChallengeRecord, EntryKind, GENESIS, SubChallengeRecord, chain_hash_of,
};
pub use error::AuditError;
pub use redact::{Redactor, luhn_valid};
