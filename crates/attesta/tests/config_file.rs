//! Loading configuration files: discovery, formats, relative paths, and errors that say what to do.

use std::path::{Path, PathBuf};

use attesta::config_file::{ConfigFileError, LoadedConfig};
use attesta_core::config::{Config, FailMode};
use attesta_core::config_parse::{ConfigErrorKind, DEFAULT_CONFIG_YAML};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn loads_each_format_and_resolves_paths_next_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("project/conf");
    std::fs::create_dir_all(&nested).unwrap();
    let cases = [
        (
            "attesta.yaml",
            "policy:\n  fail_mode: escalate\ntrust:\n  store: state/trust.json\n",
        ),
        (
            "attesta.json",
            r#"{"policy": {"fail_mode": "escalate"}, "trust": {"store": "state/trust.json"}}"#,
        ),
        (
            "attesta.toml",
            "[policy]\nfail_mode = \"escalate\"\n[trust]\nstore = \"state/trust.json\"\n",
        ),
    ];
    for (name, text) in cases {
        let path = write(&nested, name, text);
        let loaded = LoadedConfig::load(&path).unwrap();
        assert_eq!(loaded.config.policy.fail_mode, FailMode::Escalate, "{name}");
        assert_eq!(loaded.path.as_deref(), Some(path.as_path()));
        assert_eq!(loaded.trust_store_path(), nested.join("state/trust.json"));
        assert_eq!(loaded.audit_path(), nested.join(".attesta/audit.jsonl"));
        std::fs::remove_file(path).unwrap();
    }
}

#[test]
fn base_dir_is_absolute_even_for_a_relative_path() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "attesta.yaml", "");
    let loaded = LoadedConfig::discover(dir.path()).unwrap().unwrap();
    assert!(loaded.base_dir.is_absolute());
    assert!(loaded.audit_path().is_absolute());
}

#[test]
fn absolute_paths_stay_absolute() {
    let loaded = LoadedConfig::defaults(PathBuf::from("/srv/app"));
    assert_eq!(
        loaded.resolve("/var/log/attesta.jsonl"),
        PathBuf::from("/var/log/attesta.jsonl")
    );
    assert_eq!(
        loaded.resolve("logs/a.jsonl"),
        PathBuf::from("/srv/app/logs/a.jsonl")
    );
    assert_eq!(
        loaded.trust_store_path(),
        PathBuf::from("/srv/app/.attesta/trust.json")
    );
    assert_eq!(loaded.config, Config::default());
    assert_eq!(loaded.path, None);
}

#[test]
fn discover_finds_the_file_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    assert!(LoadedConfig::discover(dir.path()).unwrap().is_none());
    write(dir.path(), "attesta.yml", DEFAULT_CONFIG_YAML);
    let loaded = LoadedConfig::discover(dir.path()).unwrap().unwrap();
    assert_eq!(loaded.config, Config::default());
    assert!(loaded.path.unwrap().ends_with("attesta.yml"));
}

#[test]
fn two_config_files_are_ambiguous() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "attesta.yaml", "");
    write(dir.path(), "attesta.toml", "");
    let err = LoadedConfig::discover(dir.path()).unwrap_err();
    assert!(matches!(err, ConfigFileError::Ambiguous { .. }), "{err}");
    assert!(err.to_string().contains("keep one"), "{err}");
}

#[test]
fn a_missing_file_says_to_run_init() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("attesta.yaml");
    let err = LoadedConfig::load(&path).unwrap_err();
    assert!(matches!(err, ConfigFileError::NotFound { .. }));
    let text = err.to_string();
    assert!(
        text.contains(&path.display().to_string()) && text.contains("attesta init"),
        "{text}"
    );
}

#[test]
fn an_unknown_extension_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "attesta.conf", "policy: {}\n");
    let err = LoadedConfig::load(&path).unwrap_err();
    assert!(matches!(err, ConfigFileError::UnknownFormat { .. }));
    assert!(err.to_string().contains(".yaml, .yml, .json or .toml"));
}

#[test]
fn parse_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "attesta.yaml",
        "policy:\n  fail_mode: deny\npolcy: {}\n",
    );
    let err = LoadedConfig::load(&path).unwrap_err();
    let ConfigFileError::Invalid(inner) = &err else {
        panic!("{err}")
    };
    assert_eq!(inner.kind, ConfigErrorKind::UnknownKey);
    assert!(
        err.to_string()
            .starts_with(&format!("{}:3:1: unknown key `polcy`", path.display())),
        "{err}"
    );
}

#[test]
fn non_utf8_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("attesta.yaml");
    std::fs::write(&path, [0xff, 0xfe, b'a']).unwrap();
    assert!(matches!(
        LoadedConfig::load(&path),
        Err(ConfigFileError::NotUtf8 { .. })
    ));
}

#[test]
fn the_real_environment_is_interpolated() {
    let dir = tempfile::tempdir().unwrap();
    // PATH is set in any test environment; a variable that is surely unset has a default.
    let path = write(
        dir.path(),
        "attesta.yaml",
        "audit:\n  path: \"${ATTESTA_TEST_SURELY_UNSET_VARIABLE:-logs}/a.jsonl\"\nserver:\n  listen: \"${PATH}\"\n",
    );
    let loaded = LoadedConfig::load(&path).unwrap();
    assert_eq!(loaded.config.audit.path, "logs/a.jsonl");
    assert_eq!(loaded.config.server.listen, std::env::var("PATH").ok());
}
