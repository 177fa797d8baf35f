//! The teach-back key: what an explanation is judged against, built from the (redacted) action —
//! its targets with the phrases that name them, its effect, amounts and scope, the tokens an
//! echo would repeat and the vocabulary an on-topic explanation draws from.

use serde_json::Value;

use super::ChallengeBody;
use super::consequence;
use super::explain;
use super::facts::{FactKind, extract};
use super::key_targets::{label_groups, message_bodies, target_phrases, url_phrases};
use super::numbers;
use super::teach_back::{KeyTermCategory, KeyTermGroup, TeachBackKey};
use super::text::{identifier_tokens, parse_amount, words};
use crate::assessment::RiskFactor;
use crate::config::TeachBackPolicy;
use crate::context::ActionContext;

/// Which kind of target is the main one when several are present, most important first.
const TARGET_PRIORITY: &[FactKind] = &[
    FactKind::Recipient,
    FactKind::Person,
    FactKind::Account,
    FactKind::Table,
    FactKind::File,
    FactKind::RecordId,
    FactKind::Host,
    FactKind::Service,
    FactKind::Resource,
    FactKind::Branch,
    FactKind::Directory,
    FactKind::Repository,
    FactKind::Role,
    FactKind::Version,
    FactKind::Environment,
];

/// Currencies without a minor unit.
const ZERO_DECIMAL: &[&str] = &[
    "jpy", "krw", "vnd", "clp", "isk", "ugx", "xaf", "xof", "pyg",
];

/// Bytes of the arguments' JSON kept to recognise a pasted dump.
const DUMP_PREFIX_BYTES: usize = 512;

/// Bytes of action text turned into the explanation's related vocabulary (a fixed budget keeps
/// generation linear and bounded for huge arguments).
const VOCABULARY_BYTES: usize = 64 * 1024;

/// Effect classes and their synonyms, as word prefixes; a trailing `$` means "whole word only".
const EFFECTS: &[(&str, &[&str])] = &[
    (
        "delete",
        &[
            "delet",
            "remov",
            "eras",
            "wipe",
            "wiping",
            "destroy",
            "drop",
            "purg",
            "unlink",
            "rm$",
            "truncat",
            "obliterat",
        ],
    ),
    (
        "send",
        &[
            "send", "sent", "email", "mail", "messag", "notif", "publish", "shar", "forward",
            "transmit", "post$",
        ],
    ),
    (
        "pay",
        &[
            "pay", "paid", "transfer", "wire", "withdr", "purchas", "buy", "bought", "charg",
            "refund", "money", "fund",
        ],
    ),
    (
        "execute",
        &[
            "run", "ran$", "execut", "exec", "launch", "invok", "command", "script", "appl",
        ],
    ),
    (
        "deploy",
        &["deploy", "releas", "ship", "rollout", "push", "promot"],
    ),
    (
        "write",
        &[
            "writ", "wrote", "overwrit", "save", "updat", "modif", "chang", "edit", "creat",
            "insert", "replac", "alter",
        ],
    ),
    ("move", &["move", "moving", "renam", "mv$", "relocat"]),
    ("copy", &["copy", "copie", "cp$", "duplicat", "clon"]),
    (
        "permissions",
        &[
            "grant",
            "revok",
            "permission",
            "access",
            "chmod",
            "chown",
            "privileg",
            "role",
        ],
    ),
    (
        "stop",
        &[
            "stop", "kill", "terminat", "shut", "halt", "disabl", "restart", "reboot",
        ],
    ),
    (
        "read",
        &[
            "read", "view", "list", "fetch", "get$", "gets$", "query", "select", "show",
            "download", "inspect",
        ],
    ),
];

const SCOPE_WORDS: &[&str] = &[
    "all$", "every", "entire", "whole", "recursiv", "complete", "bulk", "wildcard", "contents",
    "each$",
];

pub(crate) fn stem_matches(word: &str, stem: &str) -> bool {
    match stem.strip_suffix('$') {
        Some(exact) => word == exact,
        None => word.starts_with(stem),
    }
}

fn effect_classes(tokens: &[String]) -> Vec<&'static (&'static str, &'static [&'static str])> {
    EFFECTS
        .iter()
        .filter(|(_, stems)| {
            tokens
                .iter()
                .any(|t| stems.iter().any(|s| stem_matches(t, s)))
        })
        .collect()
}

/// Every string in the arguments: values into `values`, object keys into `keys`.
fn collect_strings(value: &Value, values: &mut Vec<String>, keys: &mut Vec<String>, depth: usize) {
    if depth > 24 {
        return;
    }
    match value {
        Value::String(s) => values.push(s.clone()),
        Value::Number(n) => values.push(n.to_string()),
        Value::Bool(b) => values.push(b.to_string()),
        Value::Array(items) => items
            .iter()
            .for_each(|v| collect_strings(v, values, keys, depth + 1)),
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            keys.push(k.clone());
            collect_strings(v, values, keys, depth + 1);
        }),
        Value::Null => {}
    }
}

/// Whether the action's arguments say it applies broadly (recursive, everything, no WHERE …).
fn has_scope_marker(ctx: &ActionContext, strings: &[String]) -> bool {
    let flags_broad = ctx.kwargs.iter().any(|(k, v)| {
        let k = k.to_lowercase();
        ((k.contains("recursive") || k == "all" || k.contains("force") || k.contains("cascade"))
            && v == &Value::Bool(true))
            // `deleteMany({})`: an empty filter matches everything.
            || (["filter", "query", "where", "selector"].contains(&k.as_str())
                && (v.as_object().is_some_and(serde_json::Map::is_empty)
                    || v.as_str().is_some_and(|s| s.trim().is_empty() || s.trim() == "{}")))
    });
    flags_broad
        || strings.iter().any(|s| {
            let lower = s.to_lowercase();
            let tokens: Vec<&str> = lower.split_whitespace().collect();
            tokens.iter().any(|t| {
                [
                    "*",
                    "all",
                    "everything",
                    "-r",
                    "-rf",
                    "-fr",
                    "--recursive",
                    "--all",
                    "-a",
                    "flushall",
                    "--volumes",
                ]
                .contains(t)
                    || t.ends_with("/*")
                    || t.starts_with("all_")
                    || t.starts_with("all-")
                    || (t.starts_with('-')
                        && !t.starts_with("--")
                        && t.contains('r')
                        && t.len() <= 4)
            }) || ((lower.trim_start().starts_with("delete")
                || lower.trim_start().starts_with("update"))
                && !lower.contains(" where "))
                || lower.trim_start().starts_with("truncate")
                // `updateMany({}, …)`: an empty filter matches everything.
                || lower.replace(' ', "").contains("({}")
        })
}

/// The teach-back key of `ctx` under the default policy, for unit tests.
/// Whether the arguments hold an integer amount of money beside its currency (`{"amount":
/// 4825000, "currency": "USD"}`, `cancellation_fee: {"amount": 500, "currency": "USD"}`): the
/// shape of the many payment APIs that count in the currency's minor unit, so the amount may
/// be said either way. Not for zero-decimal currencies (`JPY`), at most three levels deep.
fn money_in_minor_units(v: &Value) -> bool {
    fn walk(v: &Value, depth: usize) -> bool {
        match v {
            Value::Object(map) if depth <= 3 => {
                let currency = map
                    .iter()
                    .find(|(k, _)| {
                        let k = k.to_lowercase();
                        k == "currency" || k == "currency_code" || k == "currencycode"
                    })
                    .and_then(|(_, c)| c.as_str());
                // Currencies whose amounts are big numbers in the main unit (1,200,000 HUF)
                // are not read in a minor unit here: "12,000 HUF" would pass for 1.2 million.
                let here = currency.is_some_and(|c| {
                    let c = c.to_lowercase();
                    c.len() == 3
                        && !ZERO_DECIMAL.contains(&c.as_str())
                        && ![
                            "huf", "idr", "cop", "isk", "twd", "vnd", "krw", "clp", "irr",
                        ]
                        .contains(&c.as_str())
                }) && map.iter().any(|(k, a)| {
                    let k = k.to_lowercase();
                    ["amount", "value", "total", "fee", "price"]
                        .iter()
                        .any(|w| k.contains(w))
                        && a.as_u64().is_some_and(|a| a >= 100)
                });
                here || map.values().take(64).any(|x| walk(x, depth + 1))
            }
            _ => false,
        }
    }
    walk(v, 0)
}

#[cfg(test)]
pub(crate) fn key_for(ctx: &crate::context::ActionContext) -> TeachBackKey {
    generate(ctx, &[], &crate::config::TeachBackPolicy::default()).1
}

pub(crate) fn generate(
    ctx: &ActionContext,
    factors: &[RiskFactor],
    policy: &TeachBackPolicy,
) -> (ChallengeBody, TeachBackKey) {
    let name_tokens = identifier_tokens(&ctx.function_name);
    // What a generic call does is said by its operation argument (`service: open_cover`,
    // `action: remove`): its words follow the name's verb, before the name's nouns.
    let mut operation_tokens: Vec<String> = Vec::new();
    for (k, v) in &ctx.kwargs {
        if ["action", "operation", "op", "service", "verb"].contains(&k.to_lowercase().as_str())
            && let Some(v) = v.as_str()
            && v.len() <= 40
            && !v.contains(char::is_whitespace)
        {
            operation_tokens.extend(identifier_tokens(v));
        }
    }
    let name_tokens_for_key: Vec<String> = name_tokens
        .iter()
        .take(1)
        .chain(&operation_tokens)
        .chain(name_tokens.iter().skip(1))
        .cloned()
        .collect();
    let arguments = ctx.arguments_value();
    let mut strings = Vec::new();
    let mut keys = Vec::new();
    collect_strings(&arguments, &mut strings, &mut keys, 0);

    let mut groups: Vec<KeyTermGroup> = Vec::new();
    let mut target_kinds: Vec<FactKind> = Vec::new();
    let facts = extract(ctx);
    for fact in facts.iter().filter(|f| f.kind != FactKind::Amount) {
        let label = format!("{}: {}", kind_label(fact.kind), fact.value);
        let phrases = target_phrases(fact.kind, &fact.value);
        if fact.kind == FactKind::Command {
            // A program like `rm` says what happens: it is an effect, handled below.
            continue;
        }
        groups.push(KeyTermGroup {
            category: KeyTermCategory::Target,
            label,
            phrases,
            stems: Vec::new(),
            primary: false,
        });
        target_kinds.push(fact.kind);
    }
    // A chat channel or direct-message handle (`#general`, `@alex.m`) is where a message
    // goes: its recipient.
    for (k, v) in &ctx.kwargs {
        let tokens = identifier_tokens(k);
        if !tokens.iter().any(|t| t == "channel" || t == "channels") {
            continue;
        }
        let values: Vec<&str> = match v {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for value in values {
            let name = value.trim().trim_start_matches(['#', '@']).to_lowercase();
            if name.len() < 2
                || name.len() > 80
                || name.contains(char::is_whitespace)
                || value.contains("[REDACTED")
                || groups.iter().any(|g| g.phrases.first() == Some(&name))
            {
                continue;
            }
            let mut phrases = vec![value.trim().to_lowercase(), name.clone()];
            phrases.extend(
                name.split(['-', '_', '.'])
                    .filter(|p| p.len() >= 3 && !super::vocab::STOPWORDS.contains(p))
                    .map(str::to_owned),
            );
            phrases.dedup();
            groups.push(KeyTermGroup {
                category: KeyTermCategory::Target,
                label: format!("recipient: {value}"),
                phrases,
                stems: Vec::new(),
                primary: false,
            });
            target_kinds.push(FactKind::Recipient);
        }
    }
    // The owner of a repository (`owner: northwind-labs` beside `repo: billing-api`) is part
    // of the repository's name, not what the action acts on.
    if target_kinds.contains(&FactKind::Repository) {
        for (k, v) in &ctx.kwargs {
            if ["owner", "org", "organization", "organisation"].contains(&k.to_lowercase().as_str())
                && let Some(v) = v.as_str()
                && let Some(at) = groups
                    .iter()
                    .position(|g| g.label == format!("person: {v}"))
            {
                groups[at].label = format!("owner: {v}");
                if let Some(i) = target_kinds.iter().position(|k| *k == FactKind::Person) {
                    target_kinds.remove(i);
                }
            }
        }
    }
    // A person's address is also named by the name given beside it (`{"name": "Tomás
    // Rivera", "email": "t.rivera@…"}`).
    let objects = ctx.kwargs.values().flat_map(|v| match v {
        Value::Object(_) => vec![v],
        Value::Array(items) => items.iter().take(16).collect(),
        _ => Vec::new(),
    });
    for object in objects.filter_map(Value::as_object) {
        let (Some(name), Some(email)) = (
            object.get("name").and_then(Value::as_str),
            object.get("email").and_then(Value::as_str),
        ) else {
            continue;
        };
        if let Some(g) = groups.iter_mut().find(|g| {
            g.category == KeyTermCategory::Target
                && g.phrases.first().map(String::as_str) == Some(&email.to_lowercase())
        }) {
            g.phrases.extend(
                name.to_lowercase()
                    .split_whitespace()
                    .filter(|p| p.chars().count() >= 3)
                    .map(str::to_owned),
            );
        }
    }
    // A copy (`cc`, `bcc`) is not whom a message is for.
    for (k, v) in &ctx.kwargs {
        if !["cc", "bcc"].contains(&k.to_lowercase().as_str()) {
            continue;
        }
        let copies: Vec<&str> = match v {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for copy in copies {
            if let Some(at) = groups
                .iter()
                .position(|g| g.label == format!("recipient: {copy}"))
            {
                groups[at].label = format!("copy: {copy}");
                if let Some(i) = target_kinds.iter().position(|k| *k == FactKind::Recipient) {
                    target_kinds.remove(i);
                }
            }
        }
    }
    if let Some(main) = TARGET_PRIORITY.iter().find(|k| target_kinds.contains(k)) {
        let label = format!("{}: ", kind_label(*main));
        for g in groups.iter_mut().filter(|g| g.label.starts_with(&label)) {
            g.primary = true;
        }
    }
    url_phrases(&mut groups, &strings);
    let labels = label_groups(ctx, &groups);
    groups.extend(labels);
    let mut effect_tokens: Vec<String> = name_tokens.clone();
    for fact in facts.iter().filter(|f| f.kind == FactKind::Command) {
        effect_tokens.push(fact.value.to_lowercase());
    }
    let mut bodies = Vec::new();
    message_bodies(&arguments, &mut bodies, 0);
    let bodies: std::collections::HashSet<String> = bodies.into_iter().collect();
    for s in strings.iter().filter(|s| !bodies.contains(s.as_str())) {
        if let Some(first) = s.split_whitespace().next() {
            effect_tokens.push(first.to_lowercase());
        }
    }
    for (class, stems) in effect_classes(&effect_tokens) {
        groups.push(KeyTermGroup {
            category: KeyTermCategory::Effect,
            label: format!("effect: {class}"),
            phrases: Vec::new(),
            stems: stems.iter().map(|s| (*s).to_owned()).collect(),
            primary: false,
        });
    }
    for fact in facts.iter().filter(|f| f.kind == FactKind::Amount) {
        let mut phrases = vec![fact.value.clone()];
        if let Some(int) = fact.value.strip_suffix(".00") {
            phrases.push(int.to_owned());
        }
        groups.push(KeyTermGroup {
            category: KeyTermCategory::Scope,
            label: format!("amount: {}", fact.value),
            phrases,
            stems: Vec::new(),
            primary: false,
        });
    }
    if has_scope_marker(ctx, &strings) {
        groups.push(KeyTermGroup {
            category: KeyTermCategory::Scope,
            label: "scope: everything".to_owned(),
            phrases: Vec::new(),
            stems: SCOPE_WORDS.iter().map(|s| (*s).to_owned()).collect(),
            primary: false,
        });
    }
    if groups.is_empty() {
        // Nothing else to anchor on: the explanation must at least name what is being done,
        // or one of the short values it is done to (`server-room-3`).
        let mut phrases: Vec<String> = name_tokens.clone();
        phrases.extend(
            strings
                .iter()
                .filter(|s| (3..=40).contains(&s.len()) && s.chars().any(char::is_alphabetic))
                .take(16)
                .map(|s| s.to_lowercase()),
        );
        // A longer command line is named by its program and the words it acts on
        // (`terraform destroy -target=module.vpc_eu_central` by "terraform", "vpc_eu_central").
        for s in strings
            .iter()
            .filter(|s| s.len() <= 400 && s.contains(' '))
            .take(4)
        {
            for word in s.split_whitespace().take(24) {
                let word = word
                    .rsplit_once('=')
                    .map_or(word, |(_, v)| v)
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase();
                let last = word.rsplit_once('.').map_or(word.as_str(), |(_, l)| l);
                // `redis-cli` is "redis", `cache-prod.k8s.local` "cache".
                let first = word.split(['-', '.']).next().unwrap_or("");
                for word in [last, first] {
                    if word.len() >= 3
                        && word.chars().any(char::is_alphabetic)
                        && !super::vocab::STOPWORDS.contains(&word)
                        && !phrases.iter().any(|p| p == word)
                    {
                        phrases.push(word.to_owned());
                    }
                }
            }
        }
        if !phrases.is_empty() {
            groups.push(KeyTermGroup {
                category: KeyTermCategory::Target,
                label: format!("action: {}", ctx.function_name),
                phrases,
                stems: Vec::new(),
                primary: false,
            });
        }
    }

    // Linear with a budget: a 2 MB action with 100k keys must not make this quadratic.
    let mut seen: std::collections::HashSet<String> = name_tokens.iter().cloned().collect();
    let mut echo_tokens: Vec<String> = name_tokens;
    let mut budget = VOCABULARY_BYTES;
    // What a message says is retold, not echoed: its words are the approver's to use.
    for s in strings
        .iter()
        .filter(|s| !bodies.contains(s.as_str()))
        .chain(&keys)
    {
        if budget == 0 {
            break;
        }
        let mut end = s.len().min(budget);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        budget -= end;
        for w in words(&s[..end]) {
            if seen.insert(w.clone()) {
                echo_tokens.push(w);
            }
        }
    }
    // A pasted dump starts like the arguments do: their first bytes are enough to spot one.
    let mut argument_dump = serde_json::to_string(&arguments)
        .unwrap_or_default()
        .to_lowercase();
    if argument_dump.len() > DUMP_PREFIX_BYTES {
        let mut end = DUMP_PREFIX_BYTES;
        while !argument_dump.is_char_boundary(end) {
            end -= 1;
        }
        argument_dump.truncate(end);
    }

    // A redacted argument is named by what it is ("the password"): when it is all the action
    // has, the explanation must say that much.
    if !groups.iter().any(|g| g.category == KeyTermCategory::Target) {
        for (k, v) in &ctx.kwargs {
            // A value that is all redacted, not a text with a secret inside.
            if v.as_str().is_some_and(|s| {
                let s = s.trim();
                s.starts_with("[REDACTED") && s.ends_with(']') && !s.contains(' ')
            }) {
                let phrases: Vec<String> = identifier_tokens(k)
                    .into_iter()
                    .filter(|t| {
                        t.len() >= 3 && !["new", "old", "the", "value"].contains(&t.as_str())
                    })
                    .flat_map(|t| [format!("{t}s"), t])
                    .collect();
                if !phrases.is_empty() {
                    groups.push(KeyTermGroup {
                        category: KeyTermCategory::Target,
                        label: format!("redacted: {k}"),
                        phrases,
                        stems: Vec::new(),
                        primary: false,
                    });
                }
            }
        }
    }
    let min_key_terms = policy.min_key_terms;
    let body = ChallengeBody::TeachBack {
        instruction: format!(
            "Explain in your own words what this action will do: what it affects, what happens to it, and how much. \
             Use at least {} words and name at least {} key terms of the action.",
            policy.min_words, min_key_terms
        ),
        min_words: policy.min_words,
        min_key_terms,
    };
    let consequences: Vec<String> = consequence::consequences(ctx, factors)
        .iter()
        .map(|c| c.name().to_owned())
        .collect();
    // Stripe counts in the currency's minor unit (`amount: 4999` is $49.99), except for
    // zero-decimal currencies; wrappers differ, so an integer amount may be read either way.
    let name = ctx.function_name.to_lowercase();
    let integer = |p: &str| {
        arguments
            .pointer(p)
            .is_some_and(|a| a.is_u64() || a.is_i64())
    };
    let minor_units = (([
        "stripe",
        "adyen",
        "mollie",
        "square",
        "checkout_com",
        "brex",
    ]
    .iter()
    .any(|p| name.contains(p))
        && (integer("/kwargs/amount")
            || integer("/kwargs/amount/value")
            || integer("/kwargs/amount_money/amount")
            || integer("/kwargs/spend_limit/amount")))
        || ctx.kwargs.keys().any(|k| {
            let k = k.to_lowercase();
            (k.ends_with("_cents") || k.ends_with("_minor")) && integer(&format!("/kwargs/{k}"))
        })
        || money_in_minor_units(&arguments))
        && !arguments
            .pointer("/kwargs/currency")
            .or_else(|| arguments.pointer("/kwargs/amount/currency"))
            .and_then(Value::as_str)
            .is_some_and(|c| ZERO_DECIMAL.contains(&c.to_lowercase().as_str()));
    let amounts: Vec<f64> = facts
        .iter()
        .filter(|f| f.kind == FactKind::Amount)
        // Every reading of the amount as written (`NOK 284 500,00`, `27.300`).
        .flat_map(|f| {
            numbers::number_groups(&f.value)
                .into_iter()
                .next()
                .map(|g| g.values)
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| parse_amount(&f.value).into_iter().collect())
        })
        .flat_map(|a| {
            let minor = (minor_units && a.fract() == 0.0).then_some(a / 100.0);
            std::iter::once(a).chain(minor)
        })
        .collect();
    // Only where the minor unit is certain: an `{"value", "currency"}` amount object (the
    // shape of APIs that always count in minor units), a `_cents` / `_minor` key, or a tool
    // of a Stripe server (`mcp__stripe__create_refund`, `stripe__create_payout`), which hands
    // the amount to Stripe's API as it is: that API counts in the currency's smallest unit.
    let certainly_minor = minor_units
        && (integer("/kwargs/amount/value")
            || integer("/kwargs/amount_money/amount")
            || (name.contains("stripe") && integer("/kwargs/amount"))
            || ctx.kwargs.keys().any(|k| {
                let k = k.to_lowercase();
                k.ends_with("_cents") || k.ends_with("_minor")
            }));
    let minor_unit_amounts: Vec<f64> = if certainly_minor {
        amounts
            .iter()
            .copied()
            .filter(|a| a.fract() == 0.0 && amounts.iter().any(|b| *b * 100.0 == *a))
            .collect()
    } else {
        Vec::new()
    };
    let mut vocabulary: Vec<String> = Vec::new();
    let mut budget = VOCABULARY_BYTES;
    let sources = std::iter::once(ctx.function_name.as_str())
        .chain(ctx.function_doc.as_deref())
        .chain(ctx.environment.as_deref())
        .chain(strings.iter().map(String::as_str))
        .chain(keys.iter().map(String::as_str))
        .chain(factors.iter().map(|f| f.evidence.as_str()));
    for source in sources {
        if budget == 0 {
            break;
        }
        let mut end = source.len().min(budget);
        while !source.is_char_boundary(end) {
            end -= 1;
        }
        budget -= end;
        for w in explain::plain_words(&source[..end]) {
            vocabulary.push(w);
        }
        vocabulary.extend(identifier_tokens(&source[..end]));
    }
    // "Ireland" for `eu-west-1`: the places of the action's cloud regions.
    for s in strings.iter().filter(|s| s.len() <= 4096).take(64) {
        vocabulary.extend(super::regions::region_words(s));
    }
    vocabulary.sort_unstable();
    vocabulary.dedup();
    let command_tokens: Vec<String> = strings
        .iter()
        .filter(|s| s.contains(' ') && s.len() <= 4096 && !bodies.contains(s.as_str()))
        // A name in title case (`Back Door Lock`, `Closed Lost`) is no command line.
        .filter(|s| {
            !s.split_whitespace()
                .filter(|w| w.chars().any(char::is_alphabetic))
                .all(|w| w.chars().next().is_some_and(char::is_uppercase))
        })
        .flat_map(|s| {
            s.split_whitespace()
                .filter(|w| !w.starts_with('-'))
                .take(3)
                .flat_map(|w| {
                    let w = w.to_lowercase();
                    // `Stop-Service`, `terminate-instances`: a verb-noun command starts with
                    // its verb.
                    let verb = w
                        .split_once('-')
                        .map(|(v, _)| v.to_owned())
                        .filter(|v| v.len() >= 3 && v.chars().all(|c| c.is_ascii_alphabetic()));
                    verb.into_iter().chain(std::iter::once(w))
                })
                .collect::<Vec<_>>()
        })
        .take(24)
        .collect();
    // A command given as a word list (`helm` with `args: ["rollback", "checkout", "41"]`,
    // `terraform` with `command: "apply"`) starts with its verb too.
    let mut command_tokens = command_tokens;
    let listed: Vec<String> = ["command", "subcommand", "cmd"]
        .iter()
        .filter_map(|k| ctx.kwargs.get(*k).and_then(serde_json::Value::as_str))
        .filter(|c| !c.contains(' ') && c.len() <= 64)
        .map(str::to_lowercase)
        .chain(
            ctx.kwargs
                .get("args")
                .and_then(serde_json::Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(serde_json::Value::as_str)
                .filter(|a| !a.starts_with('-') && a.len() <= 64)
                .map(str::to_lowercase),
        )
        .take(3)
        .collect();
    if command_tokens.is_empty() {
        command_tokens = listed;
    }
    // `echo … >> file`: a shell redirection that appends says what the command does.
    if strings
        .iter()
        .any(|s| s.len() <= 4096 && !bodies.contains(s.as_str()) && s.contains(" >> "))
    {
        command_tokens.insert(0, "append".to_owned());
    }
    let key = TeachBackKey {
        action: ctx.function_name.clone(),
        arguments,
        min_words: policy.min_words,
        min_key_terms,
        key_terms: groups,
        echo_tokens,
        argument_dump,
        consequences,
        action_tokens: name_tokens_for_key,
        command_tokens,
        amounts,
        minor_unit_amounts,
        vocabulary,
    };
    (body, key)
}

fn kind_label(kind: FactKind) -> &'static str {
    match kind {
        FactKind::Directory => "directory",
        FactKind::File => "file",
        FactKind::Table => "table",
        FactKind::Recipient => "recipient",
        FactKind::Host => "host",
        FactKind::Amount => "amount",
        FactKind::Branch => "branch",
        FactKind::Environment => "environment",
        FactKind::Command => "program",
        FactKind::RecordId => "record",
        FactKind::Person => "person",
        FactKind::Account => "account",
        FactKind::Role => "role",
        FactKind::Service => "service",
        FactKind::Version => "version",
        FactKind::Repository => "repository",
        FactKind::Resource => "resource",
        FactKind::Consequence => "consequence",
        FactKind::Operation => "operation",
    }
}
