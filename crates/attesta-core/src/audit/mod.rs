//! Audit entries, redaction, canonical bytes and chain hashing (SPEC §7).
