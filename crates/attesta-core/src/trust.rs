//! Trust model maths (SPEC §6).
