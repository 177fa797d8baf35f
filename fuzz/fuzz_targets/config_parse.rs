//! Any bytes, in any of the three formats: parsing returns a config or an error, never panics.
#![no_main]

use attesta_core::config_parse::{ConfigFormat, parse_config};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let env = |name: &str| (name == "SET").then(|| "value".to_owned());
    for format in [ConfigFormat::Yaml, ConfigFormat::Json, ConfigFormat::Toml] {
        let _ = parse_config(text, format, "fuzz.yaml", &env);
    }
});
