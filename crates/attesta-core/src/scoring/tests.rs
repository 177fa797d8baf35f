//! Tests of the public scoring API: combinators, the engine, and properties of the default scorer.

use std::sync::Arc;

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::config::{Amplifier, DomainProfile, EscalationRule, RiskConfig, RuleCondition};
use crate::types::{ChallengeType, RiskLevel};

fn fixed(score: f64) -> Arc<dyn RiskScorer> {
    Arc::new(FixedRiskScorer::new(score).unwrap())
}

fn engine(risk: RiskConfig) -> RiskEngine {
    RiskEngine::new(Arc::new(DefaultRiskScorer::new()), &risk).unwrap()
}

#[test]
fn fixed_scorer_validates_its_score() {
    assert!(FixedRiskScorer::new(1.5).is_err());
    assert!(FixedRiskScorer::new(f64::NAN).is_err());
    let a = FixedRiskScorer::new(0.45)
        .unwrap()
        .score(&ActionContext::new("x"));
    assert_eq!(
        (a.score, a.level, a.scorer.as_str()),
        (0.45, RiskLevel::Medium, "fixed")
    );
}

#[test]
fn composite_is_a_weighted_average_and_validates_weights() {
    let c = CompositeRiskScorer::new(vec![(fixed(0.2), 3.0), (fixed(1.0), 1.0)]).unwrap();
    let a = c.score(&ActionContext::new("x"));
    assert!((a.score - 0.4).abs() < 1e-9);
    assert_eq!(a.scorer, "composite(fixed,fixed)");
    assert_eq!(a.factors.len(), 2);
    for w in [0.0, -1.0, f64::INFINITY, f64::NAN] {
        let err = CompositeRiskScorer::new(vec![(fixed(0.2), w)])
            .err()
            .unwrap();
        assert!(err.to_string().contains("weight"), "{err}");
    }
    assert!(matches!(
        CompositeRiskScorer::new(vec![]),
        Err(ScoringError::NoScorers { .. })
    ));
}

#[test]
fn max_takes_the_most_conservative() {
    let m = MaxRiskScorer::new(vec![
        fixed(0.1),
        fixed(0.85),
        Arc::new(DefaultRiskScorer::new()),
    ])
    .unwrap();
    let a = m.score(&ActionContext::new("read_file").with_kwarg("path", "a.txt"));
    assert_eq!(a.level, RiskLevel::Critical);
    assert!(m.name().starts_with("max("));
    assert!(MaxRiskScorer::new(vec![]).is_err());
    // Boxed and Arc'd scorers are scorers too.
    let boxed: Box<dyn RiskScorer> = Box::new(FixedRiskScorer::new(0.3).unwrap());
    assert_eq!(boxed.score(&ActionContext::new("x")).score, 0.3);
}

#[test]
fn overrides_bypass_everything_and_code_beats_config() {
    let mut risk = RiskConfig::default();
    risk.overrides
        .insert("drop_database".into(), RiskLevel::Low);
    risk.environment_multipliers
        .insert("production".into(), 2.0);
    let e = engine(risk);
    let ctx = ActionContext::new("drop_database").with_kwarg("name", "main");
    let a = e.assess(&ctx, None, "production");
    assert!(a.overridden);
    assert_eq!(
        (a.level, a.score),
        (RiskLevel::Low, RiskLevel::Low.representative_score()),
        "not scaled by environment"
    );
    assert!(
        a.factors
            .iter()
            .any(|f| f.name == "override" && f.evidence.contains("risk.overrides.drop_database"))
    );
    let a = e.assess(&ctx, Some(RiskLevel::Critical), "production");
    assert_eq!(a.level, RiskLevel::Critical);
    assert!(a.factors[0].evidence.contains("code-level"));
}

#[test]
fn environment_multiplier_only_raises() {
    let mut risk = RiskConfig::default();
    risk.environment_multipliers.insert("prod".into(), 1.5);
    risk.environment_multipliers
        .insert("development".into(), 0.5);
    let e = engine(risk);
    let ctx = ActionContext::new("update_ticket").with_kwarg("id", 4);
    let dev = e.assess(&ctx, None, "dev").score;
    let base = engine(RiskConfig::default())
        .assess(&ctx, None, "staging")
        .score;
    let prod = e.assess(&ctx, None, "production").score;
    assert!(
        (dev - base).abs() < 0.05,
        "a multiplier below 1 is ignored: {dev} vs {base}"
    );
    assert!(prod > base);
    let mut bad = RiskConfig::default();
    bad.environment_multipliers
        .insert("production".into(), f64::NAN);
    assert!(RiskEngine::new(Arc::new(DefaultRiskScorer::new()), &bad).is_err());
}

#[test]
fn amplifiers_add_and_are_validated() {
    let risk = RiskConfig {
        amplifiers: vec![Amplifier {
            pattern: "^deploy".into(),
            boost: 0.3,
        }],
        ..Default::default()
    };
    let e = engine(risk);
    let a = e.assess(&ActionContext::new("deploy_service"), None, "development");
    assert!(a.factors.iter().any(|f| f.name == "amplifier"));
    let bad = RiskConfig {
        amplifiers: vec![Amplifier {
            pattern: "x".into(),
            boost: -0.2,
        }],
        ..Default::default()
    };
    assert!(matches!(
        RiskEngine::new(Arc::new(DefaultRiskScorer::new()), &bad),
        Err(ScoringError::InvalidAmplifierBoost { .. })
    ));
    let bad = RiskConfig {
        amplifiers: vec![Amplifier {
            pattern: "(".into(),
            boost: 0.2,
        }],
        ..Default::default()
    };
    let err = RiskEngine::new(Arc::new(DefaultRiskScorer::new()), &bad)
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("risk.amplifiers[0]") && err.contains("`(`"),
        "{err}"
    );
}

fn profile_with(f: impl FnOnce(&mut DomainProfile)) -> RiskConfig {
    let mut p = DomainProfile {
        name: "ops".into(),
        ..Default::default()
    };
    f(&mut p);
    RiskConfig {
        profiles: vec![p],
        ..Default::default()
    }
}

#[test]
fn safe_action_never_hides_a_dangerous_argument() {
    let e = engine(profile_with(|p| p.safe_actions.push("list_files".into())));
    let benign = e.assess(
        &ActionContext::new("list_files").with_kwarg("path", "src"),
        None,
        "development",
    );
    assert_eq!(benign.level, RiskLevel::Low);
    let hostile = e.assess(
        &ActionContext::new("list_files").with_kwarg("path", "rm -rf /"),
        None,
        "development",
    );
    assert_eq!(hostile.level, RiskLevel::Critical);
    // Anchored: `list_files_and_delete` is not the safe action.
    let e = engine(profile_with(|p| p.safe_actions.push("delete_tmp".into())));
    let a = e.assess(
        &ActionContext::new("delete_tmp_and_more"),
        None,
        "development",
    );
    assert!(a.level >= RiskLevel::High);
    let a = e.assess(&ActionContext::new("delete_tmp"), None, "development");
    assert_eq!(
        a.level,
        RiskLevel::Low,
        "a configured safe name lowers the name factor"
    );
}

#[test]
fn critical_actions_floor_and_patterns_add() {
    let e = engine(profile_with(|p| {
        p.critical_actions.push("rotate_.*".into());
        p.risk_patterns.push(crate::config::RiskPattern {
            pattern: "customer".into(),
            target: crate::config::PatternTarget::Args,
            risk: 0.25,
            reason: "customer data".into(),
        });
        p.sensitive_terms.push("ledger".into());
    }));
    let a = e.assess(&ActionContext::new("rotate_keys"), None, "development");
    assert!(a.score >= 0.8);
    let plain = engine(RiskConfig::default()).assess(
        &ActionContext::new("get_report").with_kwarg("scope", "customer ledger"),
        None,
        "dev",
    );
    let a = e.assess(
        &ActionContext::new("get_report").with_kwarg("scope", "customer ledger"),
        None,
        "dev",
    );
    assert!(
        a.score >= plain.score + 0.3,
        "{} vs {}",
        a.score,
        plain.score
    );
    assert!(
        a.factors
            .iter()
            .any(|f| f.name == "profile:ops" && f.evidence.contains("customer data"))
    );
    // Whole words only.
    let a = e.assess(
        &ActionContext::new("get_report").with_kwarg("scope", "ledgers"),
        None,
        "dev",
    );
    assert!(
        !a.factors
            .iter()
            .any(|f| f.evidence.contains("sensitive terms"))
    );
}

#[test]
fn escalation_rules_produce_directives() {
    let e = engine(profile_with(|p| {
        p.escalation_rules.push(EscalationRule {
            name: "no-prod-drops".into(),
            when: RuleCondition {
                args: Some("DROP".into()),
                environment: Some("prod".into()),
                ..Default::default()
            },
            block: true,
            require_approvers: None,
            challenge: None,
            notify: vec!["dba".into()],
        });
        p.escalation_rules.push(EscalationRule {
            name: "deploys".into(),
            when: RuleCondition {
                action: Some("deploy".into()),
                min_level: Some(RiskLevel::Medium),
                ..Default::default()
            },
            block: false,
            require_approvers: Some(3),
            challenge: Some(ChallengeType::TeachBack),
            notify: vec![],
        });
    }));
    let drop = ActionContext::new("execute_sql").with_kwarg("query", "DROP TABLE users");
    let a = e.assess(&drop, None, "production");
    assert!(
        a.directives
            .block
            .as_deref()
            .is_some_and(|r| r.contains("no-prod-drops"))
    );
    assert_eq!(a.directives.notify, ["dba"]);
    assert!(e.assess(&drop, None, "staging").directives.block.is_none());
    let a = e.assess(&ActionContext::new("deploy_api"), None, "development");
    assert_eq!(a.directives.require_approvers, Some(3));
    assert_eq!(a.directives.challenge, Some(ChallengeType::TeachBack));
    // Rules also apply under an override: they only add friction.
    let a = e.assess(&drop, Some(RiskLevel::Low), "production");
    assert!(a.overridden && a.directives.block.is_some());
}

#[test]
fn builtin_profiles_can_be_referenced_and_extended() {
    let risk = RiskConfig {
        profiles: vec![DomainProfile {
            name: "finance".into(),
            sensitive_terms: vec!["escrow".into()],
            ..Default::default()
        }],
        ..Default::default()
    };
    let e = engine(risk);
    let a = e.assess(
        &ActionContext::new("close_account").with_kwarg("id", "acc_1"),
        None,
        "dev",
    );
    assert_eq!(a.level, RiskLevel::Critical);
    let a = e.assess(
        &ActionContext::new("get_balance").with_kwarg("account", "acc_1"),
        None,
        "dev",
    );
    assert_eq!(a.level, RiskLevel::Low);
    let a = e.assess(
        &ActionContext::new("note").with_kwarg("text", "escrow"),
        None,
        "dev",
    );
    assert!(a.factors.iter().any(|f| f.evidence.contains("escrow")));
    let health = engine(RiskConfig {
        profiles: vec![DomainProfile {
            name: "healthcare".into(),
            ..Default::default()
        }],
        ..Default::default()
    });
    let a = health.assess(
        &ActionContext::new("send_email").with_kwarg("body", "patient MRN 12345 diagnosis"),
        None,
        "dev",
    );
    assert_eq!(a.directives.require_approvers, Some(2));
}

struct Panicky;
impl RiskScorer for Panicky {
    fn name(&self) -> &str {
        "panicky"
    }
    fn score(&self, _: &ActionContext) -> crate::RiskAssessment {
        panic!("boom")
    }
}

#[test]
fn a_panicking_scorer_fails_closed() {
    let e = RiskEngine::new(Arc::new(Panicky), &RiskConfig::default()).unwrap();
    let a = e.assess(&ActionContext::new("read_file"), None, "development");
    assert_eq!(a.level, RiskLevel::Critical);
    assert_eq!(a.factors[0].name, "scorer_error");
}

#[test]
fn resolve_environment_lets_callers_only_tighten() {
    let e = engine(RiskConfig::default());
    let none = |_: &str| None;
    assert_eq!(
        e.resolve_environment(&ActionContext::new("x"), &none),
        "development"
    );
    assert_eq!(
        e.resolve_environment(&ActionContext::new("x").with_environment("prod"), &none),
        "production"
    );
    let prod = |k: &str| (k == "ATTESTA_ENV").then(|| "production".to_owned());
    assert_eq!(
        e.resolve_environment(
            &ActionContext::new("x").with_environment("development"),
            &prod
        ),
        "production"
    );
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::String),
        prop_oneof![
            Just("rm -rf /"),
            Just("DROP TABLE x"),
            Just("sudo"),
            Just("curl x | sh"),
            Just("4111 1111 1111 1111"),
            Just("a@b.co"),
            Just("https://webhook.site/x"),
            Just("*"),
            Just("prod"),
            Just("'\"\\$(`")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-zA-Z_]{0,12}", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn arb_ctx() -> impl Strategy<Value = ActionContext> {
    (
        prop_oneof![".{0,30}".boxed(), "[a-zA-Z_.:/-]{0,30}".boxed()],
        prop::collection::vec(arb_json(), 0..3),
        prop::collection::vec(("[a-zA-Z_]{0,12}", arb_json()), 0..4),
        proptest::option::of(".{0,80}"),
        prop::collection::vec(("[a-z_]{0,12}", arb_json()), 0..3),
    )
        .prop_map(|(name, args, kwargs, doc, hints)| ActionContext {
            function_name: name,
            args,
            kwargs: kwargs.into_iter().collect(),
            function_doc: doc,
            hints: hints.into_iter().collect(),
            ..Default::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_and_stays_in_range(ctx in arb_ctx()) {
        let a = DefaultRiskScorer::new().score(&ctx);
        prop_assert!((0.0..=1.0).contains(&a.score));
        prop_assert_eq!(RiskLevel::from_score(a.score).ok(), Some(a.level));
        prop_assert!(a.factors.iter().all(|f| !f.evidence.is_empty() && f.score.is_finite()));
        let e = engine(RiskConfig { profiles: BUILTIN_PROFILE_NAMES.iter().map(|n| DomainProfile { name: (*n).into(), ..Default::default() }).collect(), ..Default::default() });
        let a = e.assess(&ctx, None, "production");
        prop_assert!((0.0..=1.0).contains(&a.score));
    }

    #[test]
    fn adding_a_hint_never_lowers(ctx in arb_ctx(), key in "[a-z_]{1,16}", value in arb_json()) {
        // Adding, not replacing: replacing `production: true` with `false` is a different claim.
        prop_assume!(!ctx.hints.contains_key(&key));
        let before = DefaultRiskScorer::new().score(&ctx).score;
        let with = ctx.clone().with_hint(key, value);
        let after = DefaultRiskScorer::new().score(&with).score;
        prop_assert!(after + 1e-12 >= before, "{} -> {}", before, after);
    }

    #[test]
    fn arbitrary_strings_as_commands_never_panic(cmd in ".{0,200}") {
        let ctx = ActionContext::new("Bash").with_kwarg("command", cmd.clone()).with_kwarg("query", cmd);
        let a = DefaultRiskScorer::new().score(&ctx);
        prop_assert!((0.0..=1.0).contains(&a.score));
    }
}

// Regressions from the fail-open security review: each of these scored low or medium before.

fn scored(ctx: &ActionContext) -> crate::RiskAssessment {
    DefaultRiskScorer::new().score(ctx)
}

fn bash(cmd: &str) -> crate::RiskAssessment {
    scored(&ActionContext::new("Bash").with_kwarg("command", cmd))
}

fn evidence(a: &crate::RiskAssessment) -> String {
    a.factors
        .iter()
        .map(|f| f.evidence.as_str())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[test]
fn a_long_command_never_hides_its_tail() {
    // More tokens than the tokeniser takes: the `rm` at the end must not be dropped.
    let tokens = format!("true {}&& rm -rf ~ /", "&& true ".repeat(1100));
    let a = bash(&tokens);
    assert!(a.level >= RiskLevel::High, "{} {}", a.score, evidence(&a));
    // More bytes than the analyser takes.
    let bytes = format!("echo {}; rm -rf /", "a".repeat(300 * 1024));
    let a = bash(&bytes);
    assert!(a.score >= 0.8, "{} {}", a.score, evidence(&a));
    // Even a harmless tail beyond the limit is not "read-only": it was not read.
    let harmless = format!("echo {}", "a ".repeat(40_000));
    let a = bash(&harmless);
    assert!(a.score >= 0.8, "{} {}", a.score, evidence(&a));
    assert!(
        evidence(&a).contains("command too long to analyse completely"),
        "{}",
        evidence(&a)
    );
    // A long command that is fully analysed keeps its real class.
    let long_ok = format!("true {}", "&& true ".repeat(1100));
    assert_eq!(bash(&long_ok).level, RiskLevel::Low);
}

#[test]
fn unseen_arguments_are_at_least_high() {
    let mut deep = json!("rm -rf /");
    for _ in 0..40 {
        deep = json!([deep]);
    }
    let a = scored(&ActionContext::new("process_items").with_kwarg("items", deep));
    assert!(a.level >= RiskLevel::High, "{} {}", a.score, evidence(&a));
    assert!(evidence(&a).contains("not analysed"), "{}", evidence(&a));
}

#[test]
fn writing_attestas_own_files_is_critical() {
    let notes = scored(&ActionContext::new("Write").with_kwarg("file_path", "notes.md")).score;
    for path in [
        "attesta.yaml",
        "./attesta.yml",
        "/repo/attesta.toml",
        "attesta.json",
        ".attesta/audit.jsonl",
        "/home/u/proj/.attesta/trust.json",
        ".claude/settings.json",
        "/home/u/.claude/settings.local.json",
        ".codex/hooks.json",
        "~/.codex/config.toml",
        ".gemini/settings.json",
        "C:\\proj\\.claude\\settings.json",
    ] {
        for tool in ["Write", "Edit", "delete_file"] {
            let a = scored(&ActionContext::new(tool).with_kwarg("file_path", path));
            assert!(
                a.score >= 0.8,
                "{tool} {path}: {} {}",
                a.score,
                evidence(&a)
            );
        }
        // Reading them stays low.
        let a = scored(&ActionContext::new("Read").with_kwarg("file_path", path));
        assert_eq!(a.level, RiskLevel::Low, "Read {path}: {}", evidence(&a));
    }
    assert!(notes < 0.6);
    // Whole path components only: these are not Attesta's files.
    for path in [
        "my-attesta.yaml.bak",
        "attesta.yaml.bak",
        "docs/attesta.yaml.md",
        "x.attesta/notes.md",
        ".claude/commands/review.md",
        "src/settings.json",
    ] {
        let a = scored(&ActionContext::new("Write").with_kwarg("file_path", path));
        assert!(a.score < 0.6, "{path}: {} {}", a.score, evidence(&a));
    }
    // Content that merely mentions a gate file is not a write to it.
    let a = scored(
        &ActionContext::new("Write")
            .with_kwarg("file_path", "README.md")
            .with_kwarg("content", "Configure hooks in .claude/settings.json"),
    );
    assert!(a.score < 0.6, "{} {}", a.score, evidence(&a));
}

#[test]
fn shell_writes_to_attestas_own_files_are_critical() {
    for cmd in [
        "rm attesta.yaml",
        "rm -rf .attesta",
        "truncate -s 0 .attesta/audit.jsonl",
        "echo 'reviewer: auto' > attesta.yaml",
        "cat /tmp/x >> .claude/settings.json",
        "sed -i 's/deny/allow/' attesta.yml",
        "mv attesta.yaml /tmp/",
        "cp /tmp/evil.json .claude/settings.local.json",
        "printf '{}' | tee .codex/hooks.json",
        "ln -sf /dev/null .attesta/audit.jsonl",
        "cd /repo && rm -f ~/.gemini/settings.json",
        "python3 -c 'open(\".claude/settings.json\", \"w\").write(\"{}\")'",
    ] {
        let a = bash(cmd);
        assert!(a.score >= 0.8, "{cmd}: {} {}", a.score, evidence(&a));
    }
    for cmd in [
        "cat attesta.yaml",
        "grep reviewer attesta.yaml",
        "cp attesta.yaml /tmp/backup.yaml",
        "ls .attesta",
        "tail -n 20 .attesta/audit.jsonl",
    ] {
        let a = bash(cmd);
        assert!(
            a.level <= RiskLevel::Medium,
            "{cmd}: {} {}",
            a.score,
            evidence(&a)
        );
    }
}

#[test]
fn interpreter_one_liners_and_indirection_are_analysed() {
    for cmd in [
        "python3 -c 'import os; os.system(\"rm -rf ~\")'",
        "python -c 'import subprocess; subprocess.run([\"rm\", \"-rf\", \"/\"])'",
        "python3 -c 'import shutil; shutil.rmtree(\"/\")'",
        "perl -e 'system(\"rm -rf ~\")'",
        "node -e 'require(\"child_process\").execSync(\"rm -rf ~\")'",
        "ruby -e '`rm -rf ~`'",
        "sh -c 'rm -rf ~'",
        "bash -c \"rm -rf ~\"",
        "bash -lc 'cd /tmp && rm -rf ~'",
        "eval 'rm -rf ~'",
        "eval \"$(echo cm0gLXJmIH4= | base64 -d)\"",
        "x=rm; $x -rf ~",
        "bash -c \"python3 -c 'import os; os.system(\\\"rm -rf ~\\\")'\"",
    ] {
        let a = bash(cmd);
        assert!(a.score >= 0.8, "{cmd}: {} {}", a.score, evidence(&a));
    }
    for cmd in [
        "$CMD --force",
        "${TOOL} build",
        "ln -sf /dev/null ~/.bash_history",
        "export HISTFILE=/dev/null",
        "HISTSIZE=0 bash",
        "set +o history",
        "rm ~/.zsh_history",
        "truncate -s 0 /var/log/auth.log",
        "echo > /var/log/syslog",
    ] {
        let a = bash(cmd);
        assert!(
            a.level >= RiskLevel::High,
            "{cmd}: {} {}",
            a.score,
            evidence(&a)
        );
    }
    // Harmless one-liners stay harmless-ish.
    for cmd in [
        "python3 -c 'print(1 + 1)'",
        "node -e 'console.log(process.version)'",
        "bash -c 'ls -la'",
    ] {
        let a = bash(cmd);
        assert!(
            a.level <= RiskLevel::Medium,
            "{cmd}: {} {}",
            a.score,
            evidence(&a)
        );
    }
}

#[test]
fn nested_interpreters_are_bounded_and_fast() {
    // Quoting grows fourfold per level, so eight levels (past the nesting limit) is plenty.
    let mut cmd = "rm -rf ~".to_owned();
    for _ in 0..8 {
        cmd = format!("bash -c '{}'", cmd.replace('\'', "'\\''"));
    }
    let started = std::time::Instant::now();
    let a = bash(&cmd);
    assert!(a.score >= 0.6, "{} {}", a.score, evidence(&a));
    let big = format!("python3 -c '{}'", "os.system(\"rm -rf x\"); ".repeat(2_000));
    let _ = bash(&big);
    let quotes = "bash -c '".repeat(5_000);
    let _ = bash(&quotes);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}
