//! The file-backed trust store (SPEC §6).
