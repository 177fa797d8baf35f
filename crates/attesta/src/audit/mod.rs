//! The JSONL audit log: writer, verifier, queries, export, checkpoints (SPEC §7).
