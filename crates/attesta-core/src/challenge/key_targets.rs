//! The phrases that name each of an action's targets (a file by its name, a host by its own
//! name, a refspec by both branches, a person by the parts of their address), and which
//! argument strings are what a message says rather than what the action acts on.

use serde_json::Value;

use super::facts::FactKind;
use super::teach_back::{KeyTermCategory, KeyTermGroup};
use super::text::identifier_tokens;
use crate::context::ActionContext;

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

/// A URL's or bucket's resource and host named the way people name them: by its last path
/// segment and the names along its path, and its host by the site's name.
pub(super) fn url_phrases(groups: &mut [KeyTermGroup], strings: &[String]) {
    // A URL names its resource by its last path segment too ("list a1b2c3d4e5" for
    // `…/3.0/lists/a1b2c3d4e5`), and its host by the site's name ("the Mailchimp API").
    // (Also a URL inside a command line, and a bucket's `s3://`/`gs://` address.)
    let urls: Vec<&str> = strings
        .iter()
        .filter(|s| s.len() <= 4096)
        .flat_map(|s| s.split_whitespace().take(64))
        .map(|t| t.trim_matches(|c: char| "'\"`()<>,;".contains(c)))
        .filter(|t| t.contains("://"))
        .take(16)
        .collect();
    for s in urls {
        let rest = s.split_once("://").map_or("", |(_, r)| r);
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host = host.split(':').next().unwrap_or(host).to_lowercase();
        let Some(group) = groups
            .iter_mut()
            .find(|g| g.category == KeyTermCategory::Target && g.phrases.first() == Some(&host))
        else {
            continue;
        };
        let segment = path
            .split(['?', '#'])
            .next()
            .unwrap_or("")
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_lowercase();
        if segment.len() >= 3 && segment.chars().any(char::is_alphabetic) {
            group.phrases.push(segment);
        }
        // And by the names along its path (`/repos/acme-corp/billing-service/…`,
        // `gs://bucket/training/v3/`): the words that are not the API's own (`repos`, `v1`).
        for part in path.split(['?', '#']).next().unwrap_or("").split('/') {
            let part = part.to_lowercase();
            let named = part.contains(['-', '_'])
                || part.chars().any(|c| c.is_ascii_digit())
                || !s.starts_with("http");
            if part.len() >= 4
                && part.chars().any(char::is_alphabetic)
                && named
                && !group.phrases.contains(&part)
            {
                group.phrases.push(part);
            }
        }
        let labels: Vec<&str> = host.split('.').collect();
        if labels.len() >= 3
            && let Some(site) = labels.get(labels.len() - 2)
            && site.len() >= 4
        {
            group.phrases.push((*site).to_owned());
        }
    }
}

/// Targets named by a label the action gives them (`item_name`, `title`, a short label of a
/// few words), for an action that already has a target.
pub(super) fn label_groups(ctx: &ActionContext, groups: &[KeyTermGroup]) -> Vec<KeyTermGroup> {
    // What an opaque id stands for, by its name (`item_name`, `Name`, `title`) or by a short
    // label of a few words (`document: "Commercial Lease - 88 Pine St"`, `product: "Merino
    // Wool Sweater"`): naming that names the target as well as the id does. What a message
    // says and why the action is taken (`reason`) name nothing acted on.
    // Labels only help name a target the action already has: a figure (`EUR 1,184,350.00`)
    // or a filter (`last_login < 2023-01-01`) is no label.
    let has_target = groups.iter().any(|g| g.category == KeyTermCategory::Target);
    let mut out = Vec::new();
    let mut labelled: Vec<(String, &str)> = Vec::new();
    for (k, v) in &ctx.kwargs {
        match v {
            Value::String(s) => labelled.push((k.clone(), s)),
            Value::Array(items) => {
                for item in items.iter().take(8).filter_map(Value::as_object) {
                    labelled.extend(
                        item.iter()
                            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s))),
                    );
                }
            }
            _ => {}
        }
    }
    for (k, v) in labelled {
        let tokens = identifier_tokens(&k);
        let named = tokens
            .last()
            .is_some_and(|t| t == "name" || t == "title" || t == "label");
        let label = has_target
            && v.contains(' ')
            && !v.contains(['<', '>', '='])
            && v.split_whitespace()
                .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 3)
                .count()
                >= 2
            && (2..=8).contains(&v.split_whitespace().count())
            && !v.contains(['@', '\n'])
            && !v.contains("://")
            && !tokens.iter().any(|t| {
                MESSAGE_KEYS.contains(&t.as_str())
                    || [
                        "reason",
                        "description",
                        "summary",
                        "memo",
                        "command",
                        "cmd",
                        "sql",
                        "query",
                        "script",
                    ]
                    .contains(&t.as_str())
            });
        if !(named || label)
            || v.len() > 80
            || v.contains("[REDACTED")
            || !v.chars().any(char::is_alphabetic)
        {
            continue;
        }
        let lower = v.to_lowercase();
        let mut phrases = vec![lower.clone()];
        phrases.extend(
            lower
                .split_whitespace()
                .map(|p| p.trim_matches(|c: char| !c.is_alphanumeric()))
                .filter(|p| p.len() >= 4 && !COMPANY_FORMS.contains(p))
                .filter(|p| !super::vocab::STOPWORDS.contains(p))
                .map(str::to_owned),
        );
        out.push(KeyTermGroup {
            category: KeyTermCategory::Target,
            label: format!("name: {v}"),
            phrases,
            stems: Vec::new(),
            primary: false,
        });
    }
    out
}
