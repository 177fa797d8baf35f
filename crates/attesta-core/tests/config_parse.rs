//! Configuration parsing: every error class with its position, suggestions, interpolation, the
//! three formats agreeing, and the `attesta init` template.

use std::collections::BTreeMap;

use attesta_core::config::{
    Amplifier, Config, DomainProfile, FailMode, ReviewerKind, RiskPattern, Unattended,
};
use attesta_core::config_parse::{
    ConfigError, ConfigErrorKind, ConfigFormat, DEFAULT_CONFIG_YAML, MAX_CONFIG_BYTES, parse_config,
};
use attesta_core::{ChallengeType, Mode, RiskLevel};
use proptest::prelude::*;

fn env(name: &str) -> Option<String> {
    match name {
        "ATTESTA_TIMEOUT" => Some("600".into()),
        "AUDIT_DIR" => Some("/var/log/attesta".into()),
        "TRICKY" => Some("x: 1\npolicy: {fail_mode: allow}".into()),
        "EMPTY" => Some(String::new()),
        _ => None,
    }
}

fn yaml(text: &str) -> Result<Config, ConfigError> {
    parse_config(text, ConfigFormat::Yaml, "attesta.yaml", &env)
}

fn yaml_err(text: &str) -> ConfigError {
    yaml(text).expect_err("the config should be rejected")
}

fn at(err: &ConfigError) -> (Option<u32>, Option<u32>) {
    (err.line, err.column)
}

#[test]
fn template_parses_to_exactly_the_defaults() {
    assert_eq!(yaml(DEFAULT_CONFIG_YAML).unwrap(), Config::default());
}

#[test]
fn template_mentions_every_section_and_key() {
    let json = serde_json::to_value(Config::default()).unwrap();
    fn keys(value: &serde_json::Value, out: &mut Vec<String>) {
        if let serde_json::Value::Object(map) = value {
            for (k, v) in map {
                out.push(k.clone());
                keys(v, out);
            }
        }
    }
    let mut all = Vec::new();
    keys(&json, &mut all);
    // Options that are unset by default appear as comments.
    all.extend(
        [
            "reviewer",
            "environment",
            "min_correct",
            "checkpoint_key_env",
            "url",
            "agent_token_env",
        ]
        .map(String::from),
    );
    for key in all {
        assert!(
            DEFAULT_CONFIG_YAML.contains(&format!("{key}:")),
            "template lacks `{key}`"
        );
    }
}

#[test]
fn unknown_top_level_key_has_line_suggestion_and_valid_keys() {
    let err = yaml_err("policy:\n  fail_mode: deny\n\npolcy:\n  mode: shadow\n");
    assert_eq!(err.kind, ConfigErrorKind::UnknownKey);
    assert_eq!(at(&err), (Some(4), Some(1)));
    assert_eq!(err.key_path.as_deref(), Some("polcy"));
    assert_eq!(
        err.to_string(),
        "attesta.yaml:4:1: unknown key `polcy` — did you mean `policy`? \
         (valid keys: policy, risk, trust, audit, reviewer, server, protection)"
    );
}

#[test]
fn unknown_nested_key_names_its_section() {
    let err = yaml_err("trust:\n  influence: 0.2\n  decay-rate: 0.1\n");
    assert_eq!(at(&err), (Some(3), Some(3)));
    assert_eq!(err.key_path.as_deref(), Some("trust.decay-rate"));
    assert!(
        err.message.contains("unknown key `decay-rate` in `trust`"),
        "{err}"
    );
    assert!(
        err.hint
            .as_deref()
            .unwrap()
            .starts_with("did you mean `decay_rate`?"),
        "{err}"
    );

    let err = yaml_err("risk:\n  profiles:\n    - name: db\n      critcal_actions: [\"^drop\"]\n");
    assert_eq!(at(&err), (Some(4), Some(7)));
    assert_eq!(
        err.key_path.as_deref(),
        Some("risk.profiles[0].critcal_actions")
    );
    assert!(
        err.hint
            .as_deref()
            .unwrap()
            .contains("did you mean `critical_actions`?"),
        "{err}"
    );
}

#[test]
fn unknown_key_far_from_any_valid_one_lists_the_valid_keys() {
    let err = yaml_err("policy:\n  zzzzzz: 1\n");
    assert_eq!(
        err.hint.as_deref().unwrap().split(':').next(),
        Some("valid keys")
    );
}

#[test]
fn enum_values_say_what_is_allowed() {
    let err = yaml_err("policy:\n  timeout_seconds: 60\n  fail_mode: dney\n");
    assert_eq!(err.kind, ConfigErrorKind::InvalidType);
    assert_eq!(at(&err), (Some(3), Some(14)));
    assert_eq!(
        err.to_string(),
        "attesta.yaml:3:14: `policy.fail_mode` must be one of deny, escalate, allow, got `dney` — did you mean `deny`?"
    );
    let err = yaml_err("policy:\n  challenge_map:\n    high: essay\n");
    assert!(
        err.message
            .contains("auto_approve, confirm, quiz, teach_back, multi_party"),
        "{err}"
    );
    assert_eq!(err.key_path.as_deref(), Some("policy.challenge_map.high"));
    let err = yaml_err("reviewer: slack\n");
    assert!(
        err.message
            .contains("must be one of terminal, server, deny, allow"),
        "{err}"
    );
}

#[test]
fn wrong_types_name_the_expected_type() {
    let err = yaml_err("policy:\n  timeout_seconds: soon\n");
    assert_eq!(
        err.to_string(),
        "attesta.yaml:2:20: `policy.timeout_seconds` must be a number, got the text `soon`"
    );
    let err = yaml_err("trust:\n  enabled: yes\n");
    assert!(err.message.contains("must be true or false"), "{err}");
    let err = yaml_err("policy:\n  quiz:\n    questions: 2.5\n");
    assert!(err.message.contains("must be a whole number"), "{err}");
    assert_eq!(at(&err), (Some(3), Some(16)));
    let err = yaml_err("risk:\n  amplifiers: {pattern: x}\n");
    assert!(err.message.contains("must be a list"), "{err}");
    let err = yaml_err("audit:\n  path: 42\n");
    assert!(err.message.contains("must be text"), "{err}");
    let err = yaml_err("policy: strict\n");
    assert!(err.message.contains("must be a mapping"), "{err}");
}

#[test]
fn missing_required_keys_are_reported_on_their_item() {
    let err = yaml_err(
        "risk:\n  amplifiers:\n    - pattern: \"^prod_\"\n      boost: 0.2\n    - boost: 0.1\n",
    );
    assert_eq!(err.kind, ConfigErrorKind::MissingKey);
    assert_eq!(err.key_path.as_deref(), Some("risk.amplifiers[1]"));
    assert_eq!(err.line, Some(5));
}

#[test]
fn non_finite_numbers_are_refused() {
    for text in [
        "policy:\n  minimum_review_seconds:\n    low: .inf\n",
        "policy:\n  minimum_review_seconds:\n    low: .nan\n",
    ] {
        let err = yaml_err(text);
        assert_eq!(err.line, Some(3), "{err}");
    }
    let nan = |_: &str| Some("NaN".to_owned());
    let err = parse_config(
        "trust:\n  influence: ${X}\n",
        ConfigFormat::Yaml,
        "a.yaml",
        &nan,
    )
    .unwrap_err();
    assert_eq!(err.kind, ConfigErrorKind::OutOfRange);
    assert_eq!(err.key_path.as_deref(), Some("trust.influence"));
}

#[test]
fn range_checks_point_at_the_value() {
    let cases = [
        (
            "policy:\n  minimum_review_seconds:\n    high: -2\n",
            "policy.minimum_review_seconds.high",
            3,
        ),
        (
            "policy:\n  require_multi_party:\n    critical: 0\n",
            "policy.require_multi_party.critical",
            3,
        ),
        (
            "policy:\n  timeout_seconds: 0\n",
            "policy.timeout_seconds",
            2,
        ),
        (
            "policy:\n  quiz:\n    questions: 4\n",
            "policy.quiz.questions",
            3,
        ),
        (
            "policy:\n  quiz:\n    questions: 2\n    min_correct: 3\n",
            "policy.quiz.min_correct",
            4,
        ),
        (
            "policy:\n  quiz:\n    min_correct: 0\n",
            "policy.quiz.min_correct",
            3,
        ),
        (
            "policy:\n  teach_back:\n    min_words: 0\n",
            "policy.teach_back.min_words",
            3,
        ),
        ("trust:\n  influence: 1.2\n", "trust.influence", 2),
        ("trust:\n  ceiling: -0.1\n", "trust.ceiling", 2),
        ("trust:\n  initial_score: 0.95\n", "trust.initial_score", 2),
        ("trust:\n  decay_rate: -1\n", "trust.decay_rate", 2),
        (
            "risk:\n  environment_multipliers:\n    development: 0.5\n",
            "risk.environment_multipliers.development",
            3,
        ),
        (
            "risk:\n  amplifiers:\n    - pattern: x\n      boost: 2\n",
            "risk.amplifiers[0].boost",
            4,
        ),
        (
            "risk:\n  profiles:\n    - name: p\n      risk_patterns:\n        - pattern: x\n          risk: 1.5\n",
            "risk.profiles[0].risk_patterns[0].risk",
            6,
        ),
        (
            "risk:\n  profiles:\n    - name: p\n      escalation_rules:\n        - name: r\n          when: {}\n          require_approvers: 0\n",
            "risk.profiles[0].escalation_rules[0].require_approvers",
            7,
        ),
        (
            "audit:\n  durability: batch\n  batch_interval_ms: 0\n",
            "audit.batch_interval_ms",
            3,
        ),
    ];
    for (text, path, line) in cases {
        let err = yaml_err(text);
        assert_eq!(err.kind, ConfigErrorKind::OutOfRange, "{text}: {err}");
        assert_eq!(err.key_path.as_deref(), Some(path), "{text}: {err}");
        assert_eq!(err.line, Some(line), "{text}: {err}");
    }
}

#[test]
fn multiplier_below_one_explains_why() {
    let err = yaml_err("risk:\n  environment_multipliers:\n    development: 0.5\n");
    assert!(err.message.contains("would lower risk"), "{err}");
}

#[test]
fn cross_field_check_points_at_the_key_even_when_the_other_is_default() {
    // ceiling stays at its default 0.9; the error is about the key that was written.
    let err = yaml_err("trust:\n  enabled: true\n  initial_score: 0.95\n");
    assert_eq!(err.line, Some(3));
    assert!(
        err.message
            .contains("must not be above `trust.ceiling` (0.9)"),
        "{err}"
    );
}

#[test]
fn bad_regexes_say_which() {
    let err = yaml_err("trust:\n  domains:\n    database: \"^(sql|db_\"\n");
    assert_eq!(err.kind, ConfigErrorKind::InvalidRegex);
    assert_eq!(err.key_path.as_deref(), Some("trust.domains.database"));
    assert_eq!(err.line, Some(3));
    assert!(err.message.contains("`^(sql|db_`"), "{err}");
    let err =
        yaml_err("risk:\n  profiles:\n    - name: ops\n      safe_actions: [\"^ok$\", \"[\"]\n");
    assert_eq!(
        err.key_path.as_deref(),
        Some("risk.profiles[0].safe_actions[1]")
    );
    let err = yaml_err("audit:\n  redaction:\n    patterns: [\"a{2,1}\"]\n");
    assert_eq!(err.key_path.as_deref(), Some("audit.redaction.patterns[0]"));
}

#[test]
fn reviewer_allow_needs_unattended_allow() {
    let err = yaml_err("reviewer: allow\n");
    assert_eq!(err.kind, ConfigErrorKind::InvalidValue);
    assert_eq!(err.line, Some(1));
    let ok = yaml("reviewer: allow\npolicy:\n  unattended: allow\n").unwrap();
    assert_eq!(ok.reviewer, Some(ReviewerKind::Allow));
    assert_eq!(ok.policy.unattended, Unattended::Allow);
}

#[test]
fn secrets_in_the_file_are_refused() {
    let err = yaml_err("server:\n  url: https://approvals.example.com\n  agent_token: s3cr3t\n");
    assert_eq!(err.kind, ConfigErrorKind::SecretInFile);
    assert_eq!(err.line, Some(3));
    assert!(
        err.hint.as_deref().unwrap().contains("agent_token_env"),
        "{err}"
    );

    let err = yaml_err("server:\n  database_url: postgres://attesta:hunter2@db/attesta\n");
    assert_eq!(err.kind, ConfigErrorKind::SecretInFile);
    assert!(!err.to_string().contains("hunter2") || err.message.contains("contains a password"));

    // The same URL from the environment is fine: that is where secrets belong.
    let from_env =
        |name: &str| (name == "DB").then(|| "postgres://attesta:hunter2@db/attesta".to_owned());
    let config = parse_config(
        "server:\n  database_url: ${DB}\n",
        ConfigFormat::Yaml,
        "a.yaml",
        &from_env,
    )
    .unwrap();
    assert_eq!(
        config.server.database_url.as_deref(),
        Some("postgres://attesta:hunter2@db/attesta")
    );

    let err = yaml_err("server:\n  agent_token_env: \"my token\"\n");
    assert_eq!(err.kind, ConfigErrorKind::InvalidValue);
}

#[test]
fn env_interpolation_in_strings_numbers_and_defaults() {
    let text = "policy:\n  timeout_seconds: ${ATTESTA_TIMEOUT}\naudit:\n  path: ${AUDIT_DIR}/audit.jsonl\n  \
                durability: ${DURABILITY:-batch}\ntrust:\n  store: \"$${literal}/${EMPTY:-t}.json\"\n";
    let config = yaml(text).unwrap();
    assert_eq!(config.policy.timeout_seconds, 600.0);
    assert_eq!(config.audit.path, "/var/log/attesta/audit.jsonl");
    assert_eq!(
        config.audit.durability,
        attesta_core::config::Durability::Batch
    );
    assert_eq!(config.trust.store, "${literal}/t.json");
}

#[test]
fn env_values_cannot_inject_structure() {
    let config = yaml("audit:\n  path: ${TRICKY}\n").unwrap();
    assert_eq!(config.audit.path, "x: 1\npolicy: {fail_mode: allow}");
    assert_eq!(config.policy.fail_mode, FailMode::Deny);
}

#[test]
fn missing_env_var_names_the_key_and_the_variable() {
    let err = yaml_err("policy:\n  mode: enforce\naudit:\n  path: ${AUDIT_ROOT}/a.jsonl\n");
    assert_eq!(err.kind, ConfigErrorKind::MissingEnvVar);
    assert_eq!(at(&err), (Some(4), Some(9)));
    assert_eq!(err.key_path.as_deref(), Some("audit.path"));
    assert!(
        err.message.contains("`audit.path`") && err.message.contains("`AUDIT_ROOT`"),
        "{err}"
    );
    assert!(
        err.hint
            .as_deref()
            .unwrap()
            .contains("${AUDIT_ROOT:-value}"),
        "{err}"
    );

    let err = yaml_err("audit:\n  path: ${AUDIT_ROOT\n");
    assert_eq!(err.kind, ConfigErrorKind::Interpolation);
    assert_eq!(err.line, Some(2));
}

#[test]
fn interpolated_text_that_is_not_a_number_is_a_type_error() {
    let env = |_: &str| Some("soon".to_owned());
    let err = parse_config(
        "policy:\n  timeout_seconds: ${T}\n",
        ConfigFormat::Yaml,
        "a.yaml",
        &env,
    )
    .unwrap_err();
    assert_eq!(err.kind, ConfigErrorKind::InvalidType);
    assert_eq!(err.line, Some(2));
}

#[test]
fn line_numbers_survive_multi_line_strings_and_expansions() {
    let text = "risk:\n  profiles:\n    - name: p\n      description: |\n        line one\n        line two\n        \
                ${AUDIT_DIR}\n      sensitive_terms: [a]\n      bogus: 1\n";
    let err = yaml_err(text);
    assert_eq!(err.line, Some(9), "{err}");
}

#[test]
fn syntax_errors_carry_positions() {
    let err = yaml_err("policy:\n  fail_mode: [deny\n");
    assert_eq!(err.kind, ConfigErrorKind::Syntax);
    assert!(err.line.is_some(), "{err}");
    assert!(err.to_string().starts_with("attesta.yaml:"), "{err}");

    let err = yaml_err("policy:\n  fail_mode: deny\n  fail_mode: allow\n");
    assert_eq!(err.kind, ConfigErrorKind::Syntax);
    assert_eq!(err.line, Some(3));
    assert!(!err.message.contains("DuplicateKeyPolicy"), "{err}");

    let err = parse_config(
        "{\n  \"policy\": {\"fail_mode\": \"deny\",}\n}",
        ConfigFormat::Json,
        "attesta.json",
        &env,
    )
    .unwrap_err();
    assert_eq!(err.kind, ConfigErrorKind::Syntax);
    assert_eq!(err.line, Some(2));
    assert!(err.to_string().starts_with("attesta.json:2:"), "{err}");

    let err = parse_config(
        "[policy]\nfail_mode = \n",
        ConfigFormat::Toml,
        "attesta.toml",
        &env,
    )
    .unwrap_err();
    assert_eq!(err.kind, ConfigErrorKind::Syntax);
    assert_eq!(err.line, Some(2));
}

#[test]
fn json_and_toml_errors_have_positions_too() {
    let err = parse_config(
        "{\n  \"policy\": {\n    \"fail_mode\": \"deny\",\n    \"timout_seconds\": 5\n  }\n}",
        ConfigFormat::Json,
        "attesta.json",
        &env,
    )
    .unwrap_err();
    assert_eq!(err.kind, ConfigErrorKind::UnknownKey);
    assert_eq!(at(&err), (Some(4), Some(5)));
    assert!(
        err.hint
            .as_deref()
            .unwrap()
            .starts_with("did you mean `timeout_seconds`?")
    );

    let err = parse_config(
        "[policy]\nfail_mode = \"deny\"\n\n[trust]\nceiling = 1.5\n",
        ConfigFormat::Toml,
        "attesta.toml",
        &env,
    )
    .unwrap_err();
    assert_eq!(err.kind, ConfigErrorKind::OutOfRange);
    assert_eq!(at(&err), (Some(5), Some(11)));
    assert_eq!(
        err.to_string(),
        "attesta.toml:5:11: `trust.ceiling` must be between 0 and 1, got 1.5"
    );

    let err = parse_config(
        "[trust]\nceilng = 0.5\n",
        ConfigFormat::Toml,
        "attesta.toml",
        &env,
    )
    .unwrap_err();
    assert_eq!(at(&err), (Some(2), Some(1)));
}

fn sample_config() -> Config {
    let mut config = Config::default();
    config.policy.fail_mode = FailMode::Escalate;
    config.policy.timeout_seconds = 120.5;
    config.policy.mode = Mode::Shadow;
    config.policy.challenge_map.high = ChallengeType::TeachBack;
    config.policy.require_multi_party.critical = 3;
    config.policy.quiz.min_correct = Some(1);
    config.risk.overrides = BTreeMap::from([
        ("drop_database".into(), RiskLevel::Critical),
        ("read_config".into(), RiskLevel::Low),
    ]);
    config.risk.amplifiers = vec![Amplifier {
        pattern: "^prod_".into(),
        boost: 0.2,
    }];
    config.risk.environment_multipliers = BTreeMap::from([("production".into(), 1.5)]);
    config.risk.profiles = vec![DomainProfile {
        name: "payments".into(),
        risk_patterns: vec![RiskPattern {
            pattern: "refund".into(),
            target: attesta_core::config::PatternTarget::Name,
            risk: 0.4,
            reason: "moves money".into(),
        }],
        sensitive_terms: vec!["iban".into()],
        ..DomainProfile::default()
    }];
    config.trust.domains = BTreeMap::from([("database".into(), "^(sql|db)_".into())]);
    config.reviewer = Some(ReviewerKind::Terminal);
    config.server.url = Some("https://approvals.example.com".into());
    config
}

#[test]
fn json_and_toml_forms_of_a_config_parse_to_the_same_value() {
    let config = sample_config();
    let json = serde_json::to_string_pretty(&config).unwrap();
    assert_eq!(
        parse_config(&json, ConfigFormat::Json, "a.json", &env).unwrap(),
        config
    );
    let toml = toml::to_string(&config).unwrap();
    assert_eq!(
        parse_config(&toml, ConfigFormat::Toml, "a.toml", &env).unwrap(),
        config
    );
    let yaml_text = "policy:\n  fail_mode: escalate\n  timeout_seconds: 120.5\n  mode: shadow\n  challenge_map: {high: teach_back}\n  \
                     require_multi_party: {critical: 3}\n  quiz: {min_correct: 1}\nrisk:\n  overrides:\n    drop_database: critical\n    \
                     read_config: low\n  amplifiers:\n    - {pattern: \"^prod_\", boost: 0.2}\n  environment_multipliers: {production: 1.5}\n  \
                     profiles:\n    - name: payments\n      risk_patterns:\n        - {pattern: refund, target: name, risk: 0.4, reason: moves money}\n      \
                     sensitive_terms: [iban]\ntrust:\n  domains:\n    database: \"^(sql|db)_\"\nreviewer: terminal\nserver:\n  url: https://approvals.example.com\n";
    assert_eq!(yaml(yaml_text).unwrap(), config);
}

#[test]
fn empty_sections_keep_their_defaults() {
    assert_eq!(
        yaml("policy:\ntrust:\nrisk:\n  amplifiers:\n").unwrap(),
        Config::default()
    );
}

#[test]
fn alias_bombs_are_refused() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
    }
    // Anchors first, so the only way to fail is the expansion budget (10^10 nodes if expanded).
    let text = format!("{bomb}risk:\n  profiles:\n    - name: bomb\n      sensitive_terms: *a9\n");
    let err = yaml_err(&text);
    assert_eq!(err.kind, ConfigErrorKind::Syntax, "{err}");
    assert!(err.line.is_some(), "{err}");
    assert!(err.message.contains("too many aliases"), "{err}");
    let nested = format!(
        "risk:\n  amplifiers: {}{}\n",
        "[".repeat(500),
        "]".repeat(500)
    );
    assert!(yaml(&nested).is_err());
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let text = format!("# {}\n", "x".repeat(MAX_CONFIG_BYTES));
    assert_eq!(yaml_err(&text).kind, ConfigErrorKind::TooLarge);
}

#[test]
fn validate_accepts_the_defaults_and_the_sample() {
    Config::default().validate().unwrap();
    sample_config().validate().unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        for format in [ConfigFormat::Yaml, ConfigFormat::Json, ConfigFormat::Toml] {
            let _ = parse_config(&text, format, "fuzz", &env);
        }
    }

    #[test]
    fn config_shaped_text_never_panics(
        section in prop::sample::select(vec!["policy", "risk", "trust", "audit", "server", "reviewer", "polcy"]),
        key in "[a-z_]{1,16}",
        value in prop::sample::select(vec!["1", "-1", "0.5", "true", "~", "[]", "{}", "\"${X}\"", "${NOPE:-3}", "deny", "[a, {b: c}]", "&a 1", "*a", "1e400"]),
    ) {
        let text = format!("{section}:\n  {key}: {value}\n");
        if let Err(err) = parse_config(&text, ConfigFormat::Yaml, "fuzz.yaml", &env) {
            // Every error that is not about the document as a whole has a line.
            prop_assert!(err.line.is_some() || err.kind == ConfigErrorKind::TooLarge, "{}", err);
        }
    }

    #[test]
    fn in_range_trust_values_are_accepted_and_out_of_range_rejected(v in -2.0f64..3.0) {
        let text = format!("trust:\n  influence: {v}\n");
        let result = yaml(&text);
        prop_assert_eq!(result.is_ok(), (0.0..=1.0).contains(&v));
    }
}

#[test]
fn absurd_timeouts_are_refused_with_the_line() {
    let err = yaml_err("policy:\n  timeout_seconds: 1e300\n");
    assert_eq!(at(&err).0, Some(2), "{err}");
    assert!(err.to_string().contains("at most 604800"), "{err}");
    assert!(yaml("policy:\n  timeout_seconds: 86400\n").is_ok());
}
