//! Secrets never reach a challenge: actions with planted secrets (DSN passwords, tokens, cloud
//! keys, card numbers, secret-named fields, private keys) produce no question, option, answer
//! key, key term, prompt, display text or audit entry that contains them.

use attesta_core::audit::{AuditEntry, Redactor};
use attesta_core::challenge::{ChallengeOptions, Response, check, generate};
use attesta_core::config::RedactionConfig;
use attesta_core::{ActionContext, ApprovalResult, ChallengeType, RiskAssessment, RiskFactor};
use proptest::prelude::*;
use serde_json::json;

fn luhn_complete(prefix: &str) -> String {
    // Appends the check digit that makes `prefix` pass Luhn.
    let digits: Vec<u32> = prefix.chars().filter_map(|c| c.to_digit(10)).collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    format!("{prefix}{}", (10 - sum % 10) % 10)
}

/// (secret, how it is planted) pairs.
fn planted() -> impl Strategy<Value = (String, ActionContext)> {
    let word = "[a-z]{4,8}";
    let secret = "[A-Za-z0-9]{12,20}";
    (0usize..8, word, secret, "[0-9]{15}").prop_map(|(kind, w, s, card)| {
        let base = ActionContext::new(format!("{w}_deploy"));
        match kind {
            0 => (
                s.clone(),
                base.with_kwarg(
                    "database_url",
                    format!("postgres://svc_{w}:{s}@db.{w}.internal:5432/{w}"),
                )
                .with_kwarg("query", format!("DROP TABLE {w}_events")),
            ),
            1 => {
                let t = format!("ghp_{s}{s}{s}");
                let t = t[..40].to_owned();
                (
                    t.clone(),
                    base.with_kwarg(
                        "command",
                        format!("git push https://{t}@github.com/acme/{w}.git main"),
                    ),
                )
            }
            2 => {
                let k = format!(
                    "AKIA{}",
                    s.to_uppercase()
                        .chars()
                        .filter(|c| c.is_ascii_alphanumeric())
                        .chain("ABCDEFGHIJKLMNOP".chars())
                        .take(16)
                        .collect::<String>()
                );
                (
                    k.clone(),
                    base.with_kwarg("aws_access_key_id", k.clone())
                        .with_kwarg("bucket", format!("{w}-backups")),
                )
            }
            3 => {
                let c = luhn_complete(&format!("4{card}"));
                (
                    c.clone(),
                    ActionContext::new("charge_card")
                        .with_kwarg("card_number", c.clone())
                        .with_kwarg("amount", 1250),
                )
            }
            4 => (
                s.clone(),
                base.with_kwarg("password", s.clone())
                    .with_kwarg("user", format!("{w}@example.com")),
            ),
            5 => {
                let t = format!("sk_live_{s}");
                (
                    t.clone(),
                    ActionContext::new("send_payment")
                        .with_kwarg("api_key", t.clone())
                        .with_kwarg("amount", 4200)
                        .with_kwarg("recipient", format!("{w}@example.org")),
                )
            }
            6 => (
                s.clone(),
                base.with_kwarg(
                    "command",
                    format!("curl -H 'Authorization: Bearer {s}' https://api.{w}.io/v1/delete"),
                ),
            ),
            _ => {
                let c = luhn_complete(&format!("5{card}"));
                (
                    c.clone(),
                    ActionContext::new("send_email")
                        .with_kwarg("to", format!("{w}@example.net"))
                        .with_kwarg("body", format!("card {c} exp 12/29")),
                )
            }
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
    #[test]
    fn planted_secrets_never_reach_a_challenge((secret, ctx) in planted(), seed in any::<u64>(), kind in 0usize..3) {
        let challenge = [ChallengeType::Quiz, ChallengeType::TeachBack, ChallengeType::MultiParty][kind];
        let assessment = RiskAssessment::from_score(0.9, "test", vec![RiskFactor::new("arguments", 0.9, 0.4, format!("argument mentions {secret}"))]);
        let mut options = ChallengeOptions::new(challenge, seed);
        options.approvers_required = 3;
        let (public, key) = generate(&ctx, &assessment, &options);
        let shown = serde_json::to_string(&public).unwrap();
        prop_assert!(!shown.contains(&secret), "public challenge leaks {secret}: {shown}");
        let kept = serde_json::to_string(&key).unwrap();
        prop_assert!(!kept.contains(&secret), "answer key leaks {secret}: {kept}");
        let display = attesta_core::display::show_json(&public.action.arguments, 4096);
        prop_assert!(!display.contains(&secret));
        // An answer that quotes the secret is not stored with it either.
        let text = format!("this uses {secret} to do the job and we all agree that it is fine to run now");
        let response = Response::TeachBack(text);
        if let Ok(result) = check(&key, &response, 1e9, &[]) {
            let redactor = Redactor::new(&RedactionConfig::default()).unwrap();
            let approval: ApprovalResult = serde_json::from_value(json!({
                "verdict": "denied", "risk": assessment, "challenge": result, "review_seconds": 3.0,
                "reason": "test", "mode": "enforce", "enforced_verdict": "denied",
                "intercepted_at": "2026-12-04T07:00:00Z", "decided_at": "2026-12-04T07:00:03Z"
            })).unwrap();
            let entry = AuditEntry::from_decision(&ctx, &approval, &redactor);
            let line = serde_json::to_string(&entry).unwrap();
            prop_assert!(!line.contains(&secret), "audit entry leaks {secret}");
        }
    }
}

#[test]
fn the_reported_leaks_are_closed() {
    let ctx = ActionContext::new("migrate_database")
        .with_kwarg("dsn", "postgres://admin:Sup3rS3cret!@db.prod.internal/app")
        .with_kwarg("github_token", "ghp_abcdefghijklmnopqrstuvwxyz0123456789")
        .with_kwarg("table", "customers");
    let assessment = RiskAssessment::from_score(0.8, "test", vec![]);
    for seed in 0..50 {
        let (public, key) = generate(
            &ctx,
            &assessment,
            &ChallengeOptions::new(ChallengeType::Quiz, seed),
        );
        let all = format!(
            "{}{}",
            serde_json::to_string(&public).unwrap(),
            serde_json::to_string(&key).unwrap()
        );
        assert!(!all.contains("Sup3rS3cret"), "{all}");
        assert!(!all.contains("ghp_abcdefghij"), "{all}");
    }
}
