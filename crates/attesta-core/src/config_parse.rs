//! Parsing and validating configuration text (SPEC §10).
//!
//! Every format is first read into a tree that remembers positions, `${ENV}` references in
//! string values are expanded on that tree, the tree is deserialised into [`Config`] (unknown
//! keys, wrong types and bad enum values become errors with line, column and key path), and the
//! result is range-checked by [`Config::validate`]. Nothing here touches the file system or the
//! process environment: the caller passes the text and an environment lookup.

mod de;
mod interpolate;
mod node;
mod suggest;
mod validate;

use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::config::Config;
use de::{DeErrorKind, NodeDeserializer};
use interpolate::InterpolationError;
use node::{Node, Pos, Seg, Tree, Value};

/// A commented `attesta.yaml` with every section and its defaults (written by `attesta init`).
/// It parses to exactly [`Config::default()`].
pub const DEFAULT_CONFIG_YAML: &str = include_str!("config_template.yaml");

/// Configuration text larger than this is refused before parsing: real configs are a few KiB,
/// and the limit keeps a hostile file from costing much memory or time.
pub const MAX_CONFIG_BYTES: usize = 1 << 20;

/// The three accepted configuration formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigFormat {
    Yaml,
    Json,
    Toml,
}

impl ConfigFormat {
    /// The format a file name's extension names (`.yaml`, `.yml`, `.json`, `.toml`; any case).
    pub fn from_path(path: &Path) -> Option<ConfigFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "yaml" | "yml" => Some(ConfigFormat::Yaml),
            "json" => Some(ConfigFormat::Json),
            "toml" => Some(ConfigFormat::Toml),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            ConfigFormat::Yaml => "YAML",
            ConfigFormat::Json => "JSON",
            ConfigFormat::Toml => "TOML",
        }
    }
}

impl fmt::Display for ConfigFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of mistake a [`ConfigError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigErrorKind {
    /// The text is not valid YAML/JSON/TOML.
    Syntax,
    /// The text is larger than [`MAX_CONFIG_BYTES`].
    TooLarge,
    /// A key the model does not have.
    UnknownKey,
    /// A key the model needs is missing.
    MissingKey,
    /// A value of the wrong type or not one of the allowed words.
    InvalidType,
    /// A value of the right type that is not allowed (empty name, bad env var name …).
    InvalidValue,
    /// A number outside its range.
    OutOfRange,
    /// A pattern that does not compile.
    InvalidRegex,
    /// `${VAR}` names a variable that is not set and has no default.
    MissingEnvVar,
    /// A malformed `${…}` reference.
    Interpolation,
    /// A secret written into the file instead of coming from the environment.
    SecretInFile,
}

/// A configuration mistake, with where it is and what to do about it.
///
/// Displays as `attesta.yaml:12:3: unknown key `polcy` — did you mean `policy`? (valid keys:
/// policy, risk, trust, audit, reviewer, server)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub kind: ConfigErrorKind,
    /// The file name (or other label) the text came from.
    pub source_name: String,
    /// 1-based; `None` when the position is unknown (e.g. [`Config::validate`] on a built value).
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// Dotted path of the key concerned (`policy.fail_mode`, `risk.amplifiers[0].boost`).
    pub key_path: Option<String>,
    pub message: String,
    /// What to do: a suggestion, the allowed values, an example.
    pub hint: Option<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source_name)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " — {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    fn new(kind: ConfigErrorKind, source_name: &str, message: String) -> Self {
        ConfigError {
            kind,
            source_name: source_name.to_owned(),
            line: None,
            column: None,
            key_path: None,
            message,
            hint: None,
        }
    }

    fn at(mut self, pos: Pos) -> Self {
        if pos.is_known() {
            self.line = Some(pos.line);
            self.column = (pos.column > 0).then_some(pos.column);
        }
        self
    }

    fn with_path(mut self, path: &[Seg]) -> Self {
        if !path.is_empty() {
            self.key_path = Some(node::render_path(path));
        }
        self
    }

    fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl Config {
    /// Range and consistency checks (review times ≥ 0, approvers ≥ 1, trust values in [0, 1],
    /// environment multipliers ≥ 1, regexes compile …). [`parse_config`] runs this too and adds
    /// the line of the offending value.
    pub fn validate(&self) -> Result<(), ConfigError> {
        validate::check(self).map_err(|problem| problem_to_error(problem, "configuration", None))
    }
}

fn problem_to_error(
    problem: validate::Problem,
    source_name: &str,
    root: Option<&Node>,
) -> ConfigError {
    let mut error =
        ConfigError::new(problem.kind, source_name, problem.message).with_path(&problem.path);
    if let Some(hint) = problem.hint {
        error = error.with_hint(hint);
    }
    if let Some(root) = root {
        let (pos, _) = root.locate(&problem.path);
        error = error.at(pos);
    }
    error
}

/// Parses configuration text into a validated [`Config`].
///
/// `source_name` labels errors (usually the file name); `env` looks up environment variables for
/// `${VAR}` / `${VAR:-default}` (pass `&|name| std::env::var(name).ok()` for the real one).
/// Missing sections and keys keep their defaults; an empty document is the default config.
pub fn parse_config(
    text: &str,
    format: ConfigFormat,
    source_name: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Config, ConfigError> {
    if text.len() > MAX_CONFIG_BYTES {
        return Err(ConfigError::new(
            ConfigErrorKind::TooLarge,
            source_name,
            format!(
                "the configuration is {} bytes; the limit is {MAX_CONFIG_BYTES}",
                text.len()
            ),
        )
        .with_hint(
            "a configuration file should be a few kilobytes; check that the right file was named",
        ));
    }
    let mut root = match format {
        ConfigFormat::Yaml => read_yaml(text, source_name)?,
        ConfigFormat::Json => read_json(text, source_name)?,
        ConfigFormat::Toml => read_toml(text, source_name)?,
    };
    if !matches!(root.value, Value::Map(_) | Value::Null) {
        return Err(ConfigError::new(
            ConfigErrorKind::InvalidType,
            source_name,
            format!(
                "the configuration must be a mapping of sections, got {}",
                root.describe()
            ),
        )
        .at(root.pos)
        .with_hint(
            "start with a section such as `policy:`; `attesta init` writes a commented example",
        ));
    }
    interpolate::expand_tree(&mut root, &mut Vec::new(), env)
        .map_err(|(path, pos, err)| interpolation_error(err, &path, pos, source_name))?;
    reject_inline_secrets(&root, source_name)?;
    let config = Config::deserialize(NodeDeserializer::new(&root, Vec::new()))
        .map_err(|err| de_error(err, source_name))?;
    validate::check(&config)
        .map_err(|problem| problem_to_error(problem, source_name, Some(&root)))?;
    Ok(config)
}

fn only_comments(text: &str) -> bool {
    text.lines().all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#') || line == "---" || line == "..."
    })
}

fn yaml_options() -> serde_saphyr::Options {
    // Tight budgets: a config never needs deep nesting or many aliases, and an alias bomb must
    // fail fast instead of expanding.
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 32,
            max_aliases: 256,
            max_anchors: 256,
            max_events: 200_000,
            max_nodes: 100_000,
            max_documents: 1,
            max_total_scalar_bytes: MAX_CONFIG_BYTES,
            max_recorded_anchor_events: 20_000,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 20_000,
            max_replay_stack_depth: 16,
        },
        strict_booleans: true,
    }
}

fn read_yaml(text: &str, source_name: &str) -> Result<Node, ConfigError> {
    if only_comments(text) {
        return Ok(Node {
            value: Value::Null,
            pos: Pos { line: 1, column: 1 },
        });
    }
    let spanned: serde_saphyr::Spanned<Tree<node::YamlFlavor>> =
        serde_saphyr::from_str_with_options(text, yaml_options())
            .map_err(|err| yaml_syntax_error(&err, source_name, ConfigFormat::Yaml))?;
    let (tree, mut pos) = <node::YamlFlavor as node::Flavor>::split(spanned);
    if !pos.is_known() {
        pos = Pos { line: 1, column: 1 };
    }
    Ok(Node {
        value: tree.value,
        pos,
    })
}

fn yaml_syntax_error(
    err: &serde_saphyr::Error,
    source_name: &str,
    format: ConfigFormat,
) -> ConfigError {
    let inner = err.without_snippet();
    let mut message = inner.to_string();
    // The library appends its own " at line X, column Y"; the prefix already says where.
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    // Drop advice aimed at programmers using the library rather than at the file's author.
    if let Some(i) = message.find(", set DuplicateKeyPolicy") {
        message.truncate(i);
        message.push_str(" (each key may appear only once)");
    }
    let budget = message.contains("budget breached");
    if budget {
        message = format!("the document nests too deeply or expands too many aliases ({message})");
    }
    let mut error = ConfigError::new(
        ConfigErrorKind::Syntax,
        source_name,
        format!("invalid {format}: {message}"),
    );
    if let Some(loc) = inner.location() {
        let pos = Pos {
            line: u32::try_from(loc.line()).unwrap_or(u32::MAX),
            column: u32::try_from(loc.column()).unwrap_or(u32::MAX),
        };
        error = error.at(pos);
    }
    if budget {
        return error.with_hint("a configuration needs neither deep nesting nor heavy use of `&anchors` and `*aliases`; write the values out");
    }
    error.with_hint("fix the syntax at that position; `attesta init` writes a valid example")
}

fn read_json(text: &str, source_name: &str) -> Result<Node, ConfigError> {
    // serde_json is the authority on what is valid JSON and where it breaks.
    if let Err(err) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let message = err.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_owned();
        let pos = Pos {
            line: u32::try_from(err.line()).unwrap_or(u32::MAX),
            column: u32::try_from(err.column()).unwrap_or(u32::MAX),
        };
        return Err(ConfigError::new(
            ConfigErrorKind::Syntax,
            source_name,
            format!("invalid JSON: {message}"),
        )
        .at(pos)
        .with_hint(
            "fix the syntax at that position (JSON allows no comments or trailing commas)",
        ));
    }
    // Valid JSON is valid YAML 1.2, and the YAML reader knows where every value is.
    let spanned: serde_saphyr::Spanned<Tree<node::YamlFlavor>> =
        serde_saphyr::from_str_with_options(text, yaml_options())
            .map_err(|err| yaml_syntax_error(&err, source_name, ConfigFormat::Json))?;
    let (tree, mut pos) = <node::YamlFlavor as node::Flavor>::split(spanned);
    if !pos.is_known() {
        pos = Pos { line: 1, column: 1 };
    }
    Ok(Node {
        value: tree.value,
        pos,
    })
}

fn read_toml(text: &str, source_name: &str) -> Result<Node, ConfigError> {
    let tree: Tree<node::TomlFlavor> = toml::from_str(text).map_err(|err| {
        let index = node::LineIndex::new(text);
        let pos = err
            .span()
            .map_or(Pos::UNKNOWN, |span| index.pos(span.start));
        let message = err.message().trim().to_owned();
        ConfigError::new(
            ConfigErrorKind::Syntax,
            source_name,
            format!("invalid TOML: {message}"),
        )
        .at(pos)
        .with_hint(
            "fix the syntax at that position; dates and times are not used in the configuration",
        )
    })?;
    let mut root = Node {
        value: tree.value,
        pos: Pos { line: 1, column: 1 },
    };
    node::resolve_toml_offsets(&mut root, text);
    Ok(root)
}

fn interpolation_error(
    err: InterpolationError,
    path: &[Seg],
    pos: Pos,
    source_name: &str,
) -> ConfigError {
    let key = node::render_path(path);
    match err {
        InterpolationError::Missing { variable } => ConfigError::new(
            ConfigErrorKind::MissingEnvVar,
            source_name,
            format!("`{key}` uses the environment variable `{variable}`, which is not set"),
        )
        .with_hint(format!(
            "set {variable}, or give a default: `${{{variable}:-value}}`"
        )),
        InterpolationError::Malformed { reason } => ConfigError::new(
            ConfigErrorKind::Interpolation,
            source_name,
            format!("`{key}`: {reason}"),
        )
        .with_hint("write `${NAME}` or `${NAME:-default}`; `$$` is a literal `$`"),
    }
    .with_path(path)
    .at(pos)
}

/// URLs that carry a password must come from the environment (`${DATABASE_URL}`), never from
/// the file, which is often committed or readable by the agent.
fn reject_inline_secrets(root: &Node, source_name: &str) -> Result<(), ConfigError> {
    let Value::Map(sections) = &root.value else {
        return Ok(());
    };
    let Some(server) = sections.iter().find(|e| e.key == "server") else {
        return Ok(());
    };
    let Value::Map(keys) = &server.value.value else {
        return Ok(());
    };
    for entry in keys {
        if let Value::Str {
            text,
            from_env: false,
        } = &entry.value.value
            && url_has_password(text)
        {
            let path = [Seg::Key("server".into()), Seg::Key(entry.key.clone())];
            return Err(ConfigError::new(
                ConfigErrorKind::SecretInFile,
                source_name,
                format!(
                    "`server.{}` contains a password; secrets never go in the configuration file",
                    entry.key
                ),
            )
            .with_path(&path)
            .at(entry.value.pos)
            .with_hint(format!(
                "put the URL in an environment variable and write `{}: ${{ATTESTA_{}}}`",
                entry.key,
                entry.key.to_ascii_uppercase()
            )));
        }
    }
    Ok(())
}

fn url_has_password(text: &str) -> bool {
    let Some((_, rest)) = text.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    match authority.rsplit_once('@') {
        Some((userinfo, _)) => userinfo
            .split_once(':')
            .is_some_and(|(_, password)| !password.is_empty()),
        None => false,
    }
}

/// Keys that are secrets when written literally; the model has none, so any of them is a user
/// trying to put a credential in the file.
fn looks_like_secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    [
        "token",
        "password",
        "passwd",
        "secret",
        "api_key",
        "apikey",
        "private_key",
        "credential",
    ]
    .iter()
    .any(|word| key.contains(word))
        && !key.ends_with("_env")
}

fn de_error(err: de::DeError, source_name: &str) -> ConfigError {
    let path = err.path.clone().unwrap_or_default();
    let key = node::render_path(&path);
    let error = match &err.kind {
        DeErrorKind::UnknownField { field, expected } => {
            let parent = node::render_path(&path[..path.len().saturating_sub(1)]);
            let message = if parent.is_empty() {
                format!("unknown key `{field}`")
            } else {
                format!("unknown key `{field}` in `{parent}`")
            };
            let list = if expected.is_empty() {
                "none".to_owned()
            } else {
                expected.join(", ")
            };
            let hint = if looks_like_secret(field) {
                let env_keys: Vec<&str> = expected
                    .iter()
                    .copied()
                    .filter(|k| k.ends_with("_env"))
                    .collect();
                let target = if env_keys.is_empty() {
                    String::new()
                } else {
                    format!(" and name that variable in `{}`", env_keys.join("` or `"))
                };
                format!(
                    "secrets never go in the configuration file: put it in an environment variable{target} (valid keys: {list})"
                )
            } else {
                match suggest::closest(field, expected) {
                    Some(best) => format!("did you mean `{best}`? (valid keys: {list})"),
                    None => format!("valid keys: {list}"),
                }
            };
            let kind = if looks_like_secret(field) {
                ConfigErrorKind::SecretInFile
            } else {
                ConfigErrorKind::UnknownKey
            };
            ConfigError::new(kind, source_name, message).with_hint(hint)
        }
        DeErrorKind::UnknownVariant { variant, expected } => {
            let allowed = expected.join(", ");
            let mut error = ConfigError::new(
                ConfigErrorKind::InvalidType,
                source_name,
                format!("`{key}` must be one of {allowed}, got `{variant}`"),
            );
            if let Some(best) = suggest::closest(variant, expected) {
                error = error.with_hint(format!("did you mean `{best}`?"));
            }
            error
        }
        DeErrorKind::InvalidType { message } => {
            let subject = if key.is_empty() {
                "the configuration".to_owned()
            } else {
                format!("`{key}`")
            };
            ConfigError::new(
                ConfigErrorKind::InvalidType,
                source_name,
                format!("{subject} {message}"),
            )
        }
        DeErrorKind::MissingField { field } => {
            let subject = if key.is_empty() {
                "the configuration".to_owned()
            } else {
                format!("`{key}`")
            };
            ConfigError::new(
                ConfigErrorKind::MissingKey,
                source_name,
                format!("{subject} is missing the required key `{field}`"),
            )
            .with_hint(format!("add `{field}:` to it"))
        }
        DeErrorKind::Custom(message) => {
            let subject = if key.is_empty() {
                String::new()
            } else {
                format!("`{key}`: ")
            };
            ConfigError::new(
                ConfigErrorKind::InvalidValue,
                source_name,
                format!("{subject}{message}"),
            )
        }
    };
    error.with_path(&path).at(err.pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn formats_from_extensions() {
        assert_eq!(
            ConfigFormat::from_path(Path::new("a/attesta.yaml")),
            Some(ConfigFormat::Yaml)
        );
        assert_eq!(
            ConfigFormat::from_path(Path::new("attesta.YML")),
            Some(ConfigFormat::Yaml)
        );
        assert_eq!(
            ConfigFormat::from_path(Path::new("attesta.json")),
            Some(ConfigFormat::Json)
        );
        assert_eq!(
            ConfigFormat::from_path(Path::new("attesta.toml")),
            Some(ConfigFormat::Toml)
        );
        assert_eq!(ConfigFormat::from_path(Path::new("attesta.ini")), None);
        assert_eq!(ConfigFormat::from_path(Path::new("attesta")), None);
    }

    #[test]
    fn empty_documents_are_the_default_config() {
        for (text, format) in [
            ("", ConfigFormat::Yaml),
            ("# nothing yet\n\n", ConfigFormat::Yaml),
            ("{}", ConfigFormat::Json),
            ("", ConfigFormat::Toml),
        ] {
            assert_eq!(
                parse_config(text, format, "x", &no_env).unwrap(),
                Config::default(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn passwords_in_urls_are_detected() {
        assert!(url_has_password("postgres://app:hunter2@db/attesta"));
        assert!(!url_has_password("postgres://app@db/attesta"));
        assert!(!url_has_password("https://approvals.example.com/x@y"));
        assert!(!url_has_password("sqlite:.attesta/server.db"));
    }

    #[test]
    fn validate_reports_the_key_without_a_position() {
        let mut config = Config::default();
        config.trust.ceiling = 1.5;
        let err = config.validate().unwrap_err();
        assert_eq!(err.key_path.as_deref(), Some("trust.ceiling"));
        assert_eq!(err.line, None);
        assert_eq!(err.kind, ConfigErrorKind::OutOfRange);
        assert_eq!(
            err.to_string(),
            "configuration: `trust.ceiling` must be between 0 and 1, got 1.5"
        );
    }
}
