//! Risk scoring (SPEC §3).
