//! Tests of the public scoring API: combinators, the engine, and properties.
