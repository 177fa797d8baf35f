//! Any line in an audit log: parsing and hashing return an entry or a typed error, never panic.
#![no_main]

use attesta_core::audit::{AuditEntry, digest_line};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = AuditEntry::parse_line(data, 1);
    let _ = digest_line(data, 1);
});
