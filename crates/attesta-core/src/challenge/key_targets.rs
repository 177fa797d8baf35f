//! The phrases that name each of an action's targets (a file by its name, a host by its own
//! name, a refspec by both branches, a person by the parts of their address), and which
//! argument strings are what a message says rather than what the action acts on.

use serde_json::Value;

use super::facts::FactKind;
use super::text::identifier_tokens;

/// Legal forms of company names, which name no company on their own.
pub(super) const COMPANY_FORMS: &[&str] = &[
    "ltd", "ltd.", "pvt", "pvt.", "inc", "inc.", "llc", "gmbh", "corp", "corp.", "limited", "plc",
    "bv", "ag", "sa", "srl", "co", "co.", "as", "ab", "oy", "nv", "pty",
];

/// Keys whose value is what a message says (`text`, `body`, `public_comment`, `subject`).
pub(super) const MESSAGE_KEYS: &[&str] = &[
    "text", "body", "message", "content", "comment", "subject", "caption", "note", "html",
    "markdown", "status", "reply", "tweet",
];

/// The strings that are what a message says: their words belong to the message, and their
/// first words are no command of the action (`"Reminder: all-hands moved"`).
pub(super) fn message_bodies(value: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 24 {
        return;
    }
    match value {
        Value::Array(items) => items.iter().for_each(|v| message_bodies(v, out, depth + 1)),
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            let tokens = identifier_tokens(k);
            match v {
                Value::String(s)
                    if s.contains(' ')
                        && tokens.iter().any(|t| MESSAGE_KEYS.contains(&t.as_str())) =>
                {
                    out.push(s.clone());
                }
                _ => message_bodies(v, out, depth + 1),
            }
        }),
        _ => {}
    }
}

/// Principal values that stand for everybody.
const EVERYONE_VALUES: &[&str] = &[
    "*",
    "allusers",
    "allauthenticatedusers",
    "anyone",
    "anyonewithlink",
    "everyone",
    "public",
    "0.0.0.0/0",
    "::/0",
];

/// Words that name everybody.
const EVERYONE_WORDS: &[&str] = &[
    "anyone",
    "anybody",
    "everyone",
    "everybody",
    "public",
    "publicly",
    "internet",
    "whole world",
    "entire world",
    "all users",
    "any ip",
    "every ip",
];

/// The lowercase phrases that name a target of `kind` with value `value`.
pub(super) fn target_phrases(kind: FactKind, value: &str) -> Vec<String> {
    let v = value.to_lowercase();
    let mut phrases = vec![v.trim_end_matches('/').to_owned()];
    // A wildcard principal (`*`, `allUsers`, `0.0.0.0/0`) is everybody: "anyone on the
    // internet", "the public".
    if matches!(kind, FactKind::Recipient | FactKind::Person)
        && EVERYONE_VALUES.contains(&v.as_str())
    {
        phrases.extend(EVERYONE_WORDS.iter().map(|w| (*w).to_owned()));
    }
    // Names are short ("Li"): a person's name parts count from two letters.
    let min_chars = if kind == FactKind::Person { 2 } else { 3 };
    let mut push = |p: &str| {
        let p = p.trim_matches(|c: char| !c.is_alphanumeric());
        if p.chars().count() >= min_chars && !phrases.iter().any(|x| x == p) {
            phrases.push(p.to_owned());
        }
    };
    match kind {
        FactKind::Directory | FactKind::File => {
            // `/var/lib/pg_wal/*` is named by its folder (`pg_wal`).
            let last = v
                .trim_end_matches(['*', '/'])
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_owned();
            push(&last);
            if kind == FactKind::File
                && let Some((stem, _)) = last.rsplit_once('.')
            {
                push(stem);
            }
        }
        FactKind::Recipient | FactKind::Person => {
            if let Some((local, domain)) = v.split_once('@') {
                push(local);
                push(domain);
                // `admin@db-prod-1.internal` is on "db-prod-1".
                if let Some((first, _)) = domain.split_once('.')
                    && first.len() >= 4
                    && first.contains(|c: char| c.is_ascii_digit())
                {
                    push(first);
                }
                for part in local.split(['.', '_', '-']) {
                    push(part);
                }
                // `finance@tallgrass-foods.com` is "Tallgrass Foods".
                if let Some((site, _)) = domain.rsplit_once('.')
                    && site.contains('-')
                    && !site.contains('.')
                {
                    push(&site.replace('-', " "));
                }
                // A list of everybody (`all-staff@`, `everyone@`) is "the whole company".
                if [
                    "all",
                    "all-staff",
                    "allstaff",
                    "everyone",
                    "all-hands",
                    "staff",
                    "all-employees",
                    "company",
                ]
                .contains(&local)
                {
                    for w in [
                        "whole company",
                        "entire company",
                        "everyone",
                        "all staff",
                        "all employees",
                        "everybody",
                        "whole staff",
                        "all-staff",
                    ] {
                        push(w);
                    }
                }
            } else if !v.contains(char::is_whitespace)
                && v.chars().filter(char::is_ascii_alphanumeric).count() >= 12
            {
                // A wallet or account code is read and quoted by its ends: "bc1qxy…0wlh".
                let compact: Vec<char> = v.chars().filter(char::is_ascii_alphanumeric).collect();
                push(&compact[compact.len() - 4..].iter().collect::<String>());
                push(&compact[..6].iter().collect::<String>());
            } else {
                // "Kavya Softworks Pvt Ltd" is named by "Kavya", not by "Ltd".
                for part in v.split_whitespace().filter(|p| !COMPANY_FORMS.contains(p)) {
                    push(part);
                }
            }
        }
        FactKind::Account => {
            // Long codes are read and quoted by their ends: "0x9f2c…8d21", "ending 3000".
            let compact: String = v.chars().filter(|c| c.is_alphanumeric()).collect();
            push(&compact);
            let chars: Vec<char> = compact.chars().collect();
            if chars.len() >= 12 {
                push(&chars[chars.len() - 4..].iter().collect::<String>());
                push(&chars[..6].iter().collect::<String>());
            }
        }
        // `production` is also "prod", `staging` "stage", `development` "dev".
        FactKind::Environment => {
            for (long, short) in [
                ("production", "prod"),
                ("staging", "stage"),
                ("development", "dev"),
            ] {
                if v.contains(long) {
                    push(&v.replace(long, short));
                }
                if v.split(|c: char| !c.is_alphanumeric()).any(|t| t == short) {
                    push(&v.replace(short, long));
                }
            }
        }
        FactKind::Role | FactKind::Service | FactKind::Resource | FactKind::Repository => {
            for part in v.split(['/', ':', '-', '_', '.']) {
                push(part);
            }
        }
        FactKind::Host => {
            let labels: Vec<&str> = v.split('.').collect();
            if labels.len() >= 2 {
                push(&labels[labels.len() - 2..].join("."));
                // `es-logs-03.internal` is "es-logs-03": a machine's own name (with a digit or
                // a dash, so no plain word like `mail` or `api`).
                if labels[0].len() >= 4
                    && labels[0].contains(|c: char| c.is_ascii_digit() || c == '-')
                {
                    push(labels[0]);
                }
                // `api.internal.acme.io` is "the Acme API": the site's own name.
                let site = labels[labels.len() - 2];
                if labels.len() >= 3
                    && site.len() >= 4
                    && ![
                        "internal",
                        "local",
                        "localhost",
                        "corp",
                        "example",
                        "amazonaws",
                    ]
                    .contains(&site)
                {
                    push(site);
                }
            }
        }
        // A refspec `feature/x:main` pushes one branch onto another: it names both.
        FactKind::Branch if v.contains(':') => {
            for part in v.split(':') {
                push(part.trim_start_matches('+'));
            }
        }
        FactKind::Table => {
            let name = v.rsplit('.').next().unwrap_or(&v).to_owned();
            push(&name);
            if let Some(singular) = name.strip_suffix('s') {
                push(singular);
            }
        }
        _ => {}
    }
    phrases
}
