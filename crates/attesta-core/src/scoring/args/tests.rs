use super::*;
use serde_json::json;

fn sev(kwargs: Value) -> (f64, Vec<&'static str>) {
    let mut f = Findings::default();
    let map = kwargs.as_object().cloned().unwrap_or_default();
    analyze(&[], &map, ArgHints::default(), &mut f);
    (f.max_severity(), f.signals.iter().map(|s| s.kind).collect())
}

#[test]
fn secrets_by_shape_and_by_field_name() {
    assert!(sev(json!({"x": "AKIAIOSFODNN7EXAMPLE"})).0 >= 0.8);
    assert!(sev(json!({"x": "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"})).0 >= 0.8);
    assert!(sev(json!({"x": "xoxb-1234-5678-abcdefghij"})).0 >= 0.8);
    assert!(sev(json!({"x": "-----BEGIN RSA PRIVATE KEY-----\nMIIE"})).0 >= 0.85);
    assert!(sev(json!({"x": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"})).0 >= 0.7);
    assert!(sev(json!({"password": "hunter22"})).0 >= 0.7);
    assert!(sev(json!({"api_key": "abcd1234"})).0 >= 0.7);
    assert!(sev(json!({"apiKey": "abcd1234"})).0 >= 0.7);
    // Whole words: a tokenizer name or a token budget is not a secret.
    assert_eq!(
        sev(json!({"tokenizer": "cl100k_base", "max_tokens": 4000})).0,
        0.0
    );
    assert_eq!(sev(json!({"password": ""})).0, 0.0);
}

#[test]
fn personal_data() {
    assert!(sev(json!({"to": "alice@example.com"})).1.contains(&"pii"));
    assert!(sev(json!({"card": "4111 1111 1111 1111"})).0 >= 0.75);
    assert!(sev(json!({"n": "4111111111111112"})).0 < 0.7, "fails Luhn");
    assert!(sev(json!({"ssn": "123-45-6789"})).0 >= 0.7);
    assert!(sev(json!({"phone": "+1 415 555 0100"})).1.contains(&"pii"));
    assert!(
        sev(json!({"when": "2024-01-15 10:30:00", "ip": "10.0.0.1", "v": "1.2.3"}))
            .1
            .is_empty()
    );
}

#[test]
fn paths_urls_money_bulk_production() {
    assert!(sev(json!({"path": "/home/u/.ssh/id_rsa"})).0 >= 0.8);
    assert!(sev(json!({"path": ".env"})).0 >= 0.6);
    assert!(sev(json!({"path": "certs/server.pem"})).0 >= 0.7);
    assert_eq!(sev(json!({"path": "src/main.rs"})).0, 0.0);
    assert!(sev(json!({"url": "https://webhook.site/abc"})).0 >= 0.8);
    assert_eq!(sev(json!({"url": "http://localhost:8080/x"})).0, 0.0);
    assert!((sev(json!({"url": "https://api.github.com/repos"})).0 - 0.3).abs() < 1e-9);
    assert!(sev(json!({"amount": 25000, "currency": "usd"})).0 >= 0.8);
    assert!(sev(json!({"amount": 20, "currency": "usd"})).0 < 0.5);
    assert!(sev(json!({"limit": 100000})).0 >= 0.6);
    assert_eq!(sev(json!({"limit": 50})).0, 0.0);
    assert!(sev(json!({"pattern": "*"})).0 >= 0.5);
    assert!(sev(json!({"env": "prod"})).1.contains(&"production"));
    assert_eq!(
        sev(json!({"name": "product catalog"})).0,
        0.0,
        "product is not prod"
    );
    assert!(sev(json!({"recursive": true})).0 >= 0.45);
    assert_eq!(sev(json!({"recursive": false})).0, 0.0);
}

#[test]
fn dangerous_strings_are_found_under_any_key() {
    assert!(sev(json!({"path": "rm -rf /"})).0 >= 0.9);
    assert!(sev(json!({"notes": "DROP TABLE users;"})).0 >= 0.9);
    assert!(sev(json!({"cmd": ["bash", "-lc", "rm -rf /"]})).0 >= 0.9);
    assert!(sev(json!({"code": "import os; os.system('rm -rf /')"})).0 >= 0.9);
    assert!(sev(json!({"command": "ssh web1 'sudo rm -rf /var/www'"})).0 >= 0.75);
    assert!(sev(json!({"command": "echo $AWS_SECRET_ACCESS_KEY"})).0 >= 0.6);
    assert!(sev(json!({"text": "the prod password: hunter22"})).0 >= 0.7);
    assert!(sev(json!({"filter": {}})).0 >= 0.6);
    assert!(sev(json!({"private": false})).0 >= 0.6);
    assert!(sev(json!({"cidr": "0.0.0.0/0"})).0 >= 0.7);
}

#[test]
fn hostile_shapes_are_bounded() {
    let mut deep = json!("rm -rf /");
    for _ in 0..200 {
        deep = json!([deep]);
    }
    let (s, kinds) = sev(json!({ "x": deep }));
    assert!(s >= UNSEEN_ARGUMENTS && kinds.contains(&"size"));
    let wide: Vec<Value> = (0..30_000).map(|i| json!(i)).collect();
    assert!(sev(json!({ "x": wide })).1.contains(&"size"));
}

#[test]
fn account_numbers_are_not_phone_numbers() {
    let mut f = Findings::default();
    let kwargs = json!({"account_number": "123-4567-8901", "amount": 20});
    analyze(
        &[],
        kwargs.as_object().unwrap(),
        ArgHints::default(),
        &mut f,
    );
    assert!(
        f.signals
            .iter()
            .any(|s| s.detail.contains("bank account number"))
    );
    assert!(!f.signals.iter().any(|s| s.detail.contains("phone")));
    let mut g = Findings::default();
    let kwargs = json!({"phone": "138-1234-5678"});
    analyze(
        &[],
        kwargs.as_object().unwrap(),
        ArgHints::default(),
        &mut g,
    );
    assert!(g.signals.iter().any(|s| s.detail.contains("phone")));
}

/// The definitions the byte-level `is_email` and `looks_pathlike` implement, written plainly.
fn is_email_reference(token: &str) -> bool {
    let Some((local, domain)) = token.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && domain.len() >= 4
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".+-_%".contains(&b))
        && domain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && domain
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
}

fn looks_pathlike_reference(token: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        "pem", "key", "p12", "pfx", "jks", "keystore", "ppk", "sql", "dump", "bak", "sqlite", "db",
        "env", "netrc", "pgpass", "npmrc", "pypirc", "json", "yaml", "yml", "tfstate", "htpasswd",
    ];
    token.starts_with('.')
        || token.contains(['/', '\\', '~'])
        || token.starts_with("id_")
        || token.rfind('.').is_some_and(|dot| {
            let ext = &token[dot + 1..];
            ext.bytes().all(|c| c.is_ascii_alphanumeric())
                && EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
        })
}

proptest::proptest! {
    #[test]
    fn is_email_is_its_definition(token in "[a-zA-Z0-9@.+%_\\-é]{0,24}") {
        proptest::prop_assert_eq!(values::is_email(&token), is_email_reference(&token));
    }

    #[test]
    fn looks_pathlike_is_its_definition(
        token in "(id_|\\.)?[a-zA-Z0-9_é]{0,6}[./~\\\\]?(pem|KEY|Db|json|yml|htpasswd|x|tfstatex|[a-z]{0,9})"
    ) {
        proptest::prop_assert_eq!(paths::looks_pathlike(&token), looks_pathlike_reference(&token));
    }
}

#[test]
fn emails_and_paths_by_example() {
    assert!(values::is_email("ana.lima+ops@example.co.uk"));
    assert!(!values::is_email("ana@localhost"));
    assert!(!values::is_email("ana@@example.com"));
    assert!(!values::is_email("ana@example.c0m"));
    assert!(paths::looks_pathlike("backup.SQL"));
    assert!(paths::looks_pathlike("~"));
    assert!(!paths::looks_pathlike("details."));
    assert!(!paths::looks_pathlike("4.2%"));
}
