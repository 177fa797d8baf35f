//! Challenge generation and answer checking (SPEC §4). Pure and seeded.
