//! Parsing and validating configuration text (SPEC §10).
