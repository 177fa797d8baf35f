//! Teach-back: the operator explains in their own words what will happen, naming key terms of
//! the action (its target, its effect, its scope).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ChallengeBody;
use super::consequence;
use super::explain;
use super::facts::{FactKind, extract};
use super::text::{contains_phrase, identifier_tokens, parse_amount, words};
use crate::assessment::RiskFactor;
use crate::config::TeachBackPolicy;
use crate::context::ActionContext;
use crate::result::ChallengeResult;
use crate::types::ChallengeType;

/// An extra check on a teach-back explanation (for example an LLM judging whether the text
/// describes the action). Returning `Err(reason)` fails the challenge.
pub trait TeachBackValidator: Send + Sync {
    fn name(&self) -> &str;
    fn validate(&self, key: &TeachBackKey, text: &str) -> Result<(), String>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyTermCategory {
    Target,
    Effect,
    Scope,
}

/// One key term of the action; any of its phrases (or word stems) names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyTermGroup {
    pub category: KeyTermCategory,
    pub label: String,
    /// Lowercase phrases matched on word boundaries.
    pub phrases: Vec<String>,
    /// Lowercase word prefixes (`delet` matches delete, deletes, deleting, deletion).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stems: Vec<String>,
    /// A target of the action's main kind (the file deleted, the table dropped, the person
    /// paid): an explanation must name one of these, not just a side detail.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub primary: bool,
}

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

/// What a teach-back is checked against; stays on the trusted side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeachBackKey {
    pub action: String,
    /// `{"args": [...], "kwargs": {...}}`, for validators.
    pub arguments: Value,
    pub min_words: u32,
    pub min_key_terms: u32,
    pub key_terms: Vec<KeyTermGroup>,
    /// Tokens of the action name and of the raw arguments: repeating them is not explaining.
    pub echo_tokens: Vec<String>,
    /// The arguments as compact lowercase JSON, to spot a pasted dump.
    pub argument_dump: String,
    /// What the action does (consequence names); the explanation must state one of them
    /// without negating or reversing it.
    #[serde(default)]
    pub consequences: Vec<String>,
    /// Tokens of the action name (for direction: grant vs revoke, deploy vs rollback).
    #[serde(default)]
    pub action_tokens: Vec<String>,
    /// The first words of command-like arguments (`systemctl stop x`, `helm uninstall y`): the
    /// verb of a shell action when its name (`run_shell`) has none.
    #[serde(default)]
    pub command_tokens: Vec<String>,
    /// Amounts the explanation must state exactly (any common format).
    #[serde(default)]
    pub amounts: Vec<f64>,
    /// Lowercase words of the action, its arguments, docstring and risk evidence (bounded).
    #[serde(default)]
    pub vocabulary: Vec<String>,
}

impl TeachBackKey {
    /// The action's keyword arguments.
    pub(crate) fn kwargs(&self) -> Option<&serde_json::Map<String, Value>> {
        self.arguments.get("kwargs").and_then(Value::as_object)
    }
}

/// Bytes of the arguments' JSON kept to recognise a pasted dump.
/// Currencies without a minor unit.
const ZERO_DECIMAL: &[&str] = &[
    "jpy", "krw", "vnd", "clp", "isk", "ugx", "xaf", "xof", "pyg",
];

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

fn stem_matches(word: &str, stem: &str) -> bool {
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
        })
}

fn target_phrases(kind: FactKind, value: &str) -> Vec<String> {
    let v = value.to_lowercase();
    let mut phrases = vec![v.trim_end_matches('/').to_owned()];
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
            let last = v
                .trim_end_matches('/')
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
                for part in local.split(['.', '_', '-']) {
                    push(part);
                }
            } else if !v.contains(char::is_whitespace)
                && v.chars().filter(char::is_ascii_alphanumeric).count() >= 12
            {
                // A wallet or account code is read and quoted by its ends: "bc1qxy…0wlh".
                let compact: Vec<char> = v.chars().filter(char::is_ascii_alphanumeric).collect();
                push(&compact[compact.len() - 4..].iter().collect::<String>());
                push(&compact[..6].iter().collect::<String>());
            } else {
                for part in v.split_whitespace() {
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

pub(crate) fn generate(
    ctx: &ActionContext,
    factors: &[RiskFactor],
    policy: &TeachBackPolicy,
) -> (ChallengeBody, TeachBackKey) {
    let name_tokens = identifier_tokens(&ctx.function_name);
    let name_tokens_for_key = name_tokens.clone();
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
    if let Some(main) = TARGET_PRIORITY.iter().find(|k| target_kinds.contains(k)) {
        let label = format!("{}: ", kind_label(*main));
        for g in groups.iter_mut().filter(|g| g.label.starts_with(&label)) {
            g.primary = true;
        }
    }
    let mut effect_tokens: Vec<String> = name_tokens.clone();
    for fact in facts.iter().filter(|f| f.kind == FactKind::Command) {
        effect_tokens.push(fact.value.to_lowercase());
    }
    for s in &strings {
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
    for s in strings.iter().chain(&keys) {
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
    let minor_units = ((["stripe", "adyen", "mollie", "square", "checkout_com"]
        .iter()
        .any(|p| name.contains(p))
        && (integer("/kwargs/amount") || integer("/kwargs/amount/value")))
        || ctx.kwargs.keys().any(|k| {
            let k = k.to_lowercase();
            (k.ends_with("_cents") || k.ends_with("_minor")) && integer(&format!("/kwargs/{k}"))
        }))
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
            explain::number_groups(&f.value)
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
    vocabulary.sort_unstable();
    vocabulary.dedup();
    let command_tokens: Vec<String> = strings
        .iter()
        .filter(|s| s.contains(' ') && s.len() <= 4096)
        .flat_map(|s| {
            s.split_whitespace()
                .filter(|w| !w.starts_with('-'))
                .take(3)
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .take(24)
        .collect();
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

fn group_matches(group: &KeyTermGroup, text: &str, text_words: &[String]) -> bool {
    // A compound name (`2023_return.pdf`, `marketing_optins`) is also named by all of its parts
    // in any order ("the 2023 tax return pdf").
    let by_parts = |p: &String| {
        if p.contains(char::is_whitespace) {
            return false;
        }
        let parts: Vec<&str> = p
            .split(['_', '-', '.', '/'])
            .filter(|x| x.chars().count() >= 2)
            .collect();
        parts.len() >= 2
            && parts.iter().all(|x| {
                text_words
                    .iter()
                    .any(|w| w == x || w.trim_end_matches('s') == *x)
            })
    };
    // A count or id written with separators ("2,318 records" for `2318`).
    let as_number = |p: &String| {
        p.len() >= 4
            && p.chars().all(|c| c.is_ascii_digit())
            && p.parse::<f64>().is_ok_and(|n| {
                super::explain::numbers_in(text)
                    .iter()
                    .any(|v| super::text::amounts_equal(*v, n))
            })
    };
    // `/opt/ml/checkpoints/*` is named by its folder.
    let glob = |p: &String| {
        let t = p.trim_end_matches('*').trim_end_matches('/');
        t.len() >= 3 && t.len() < p.len() && contains_phrase(text, t)
    };
    // An IBAN or card number written in groups ("CH93 0076 2011 …").
    let grouped = |p: &String| {
        p.len() >= 12
            && p.chars().all(|c| c.is_ascii_alphanumeric())
            && p.chars().any(|c| c.is_ascii_digit())
            && text
                .to_lowercase()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .contains(p.as_str())
    };
    // `HEAD~5` is named by "HEAD".
    let head = |p: &String| {
        let l = p.to_lowercase();
        (l.starts_with("head~") || l.starts_with("head^")) && text_words.iter().any(|w| w == "head")
    };
    group.phrases.iter().any(|p| {
        contains_phrase(text, p) || by_parts(p) || as_number(p) || head(p) || glob(p) || grouped(p)
    }) || group
        .stems
        .iter()
        .any(|s| text_words.iter().any(|w| stem_matches(w, s)))
}

/// Why a text is not an explanation, or `None` when it passes the structural checks.
/// Words inside quotation marks ('…', "…", ‘…’, “…”).
fn quoted_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (open, close) in [('\'', '\''), ('"', '"'), ('‘', '’'), ('“', '”')] {
        let mut rest = text;
        while let Some(start) = rest.find(open) {
            let after = &rest[start + open.len_utf8()..];
            // An apostrophe inside a word ("it's") opens nothing.
            if open == '\''
                && rest[..start]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
            {
                rest = after;
                continue;
            }
            let Some(end) = after.find(close) else { break };
            out.extend(words(&after[..end].to_lowercase()));
            rest = &after[end + close.len_utf8()..];
        }
    }
    out
}

fn structural_failure(key: &TeachBackKey, text: &str, text_words: &[String]) -> Option<String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Some("no explanation was given".to_owned());
    }
    let min_words = key.min_words as usize;
    if text_words.len() < min_words {
        return Some(format!(
            "the explanation has {} words; at least {} are needed",
            text_words.len(),
            min_words
        ));
    }
    let non_space = trimmed
        .chars()
        .filter(|c| !c.is_whitespace())
        .count()
        .max(1);
    let json_chars = trimmed.chars().filter(|c| "{}[]\":".contains(*c)).count();
    let lower = trimmed.to_lowercase();
    let pasted_dump = key.argument_dump.len() > 12 && lower.contains(&key.argument_dump);
    if pasted_dump || json_chars * 100 / non_space > 8 {
        return Some(
            "the explanation pastes the arguments; describe what will happen in your own words"
                .to_owned(),
        );
    }
    let mut own: Vec<&String> = text_words
        .iter()
        .filter(|w| !key.echo_tokens.contains(w))
        .collect();
    own.sort_unstable();
    own.dedup();
    // Numbers are judged elsewhere (a version `4.2.0` is not three pasted words), and a quoted
    // subject or title is quoted, not pasted.
    let quoted = quoted_words(text);
    let wordy: Vec<&String> = text_words
        .iter()
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()) && !quoted.contains(*w))
        .collect();
    let echoed = wordy.iter().filter(|w| key.echo_tokens.contains(w)).count();
    if own.len() < min_words.div_ceil(2) || echoed * 100 / wordy.len().max(1) > 65 {
        return Some(
            "the explanation mostly repeats the action name and arguments; say in your own words what will happen"
                .to_owned(),
        );
    }
    None
}

pub(crate) fn check(
    key: &TeachBackKey,
    text: &str,
    validators: &[&dyn TeachBackValidator],
) -> ChallengeResult {
    let lower = text.to_lowercase();
    let text_words = words(&lower);
    let matched: Vec<&KeyTermGroup> = key
        .key_terms
        .iter()
        .filter(|g| group_matches(g, &lower, &text_words))
        .collect();
    let required = (key.min_key_terms as usize).min(key.key_terms.len());
    let mut failure = structural_failure(key, text, &text_words);
    if failure.is_none() {
        failure = super::understanding::understanding_failure(key, text, &lower, &matched);
    }
    if failure.is_none() {
        for validator in validators {
            if let Err(reason) = validator.validate(key, text) {
                failure = Some(format!("{}: {reason}", validator.name()));
                break;
            }
        }
    }
    let mut result = ChallengeResult::new(ChallengeType::TeachBack, failure.is_none())
        .with_detail("words", text_words.len())
        .with_detail("key_terms_matched", matched.len())
        .with_detail("key_terms_required", required);
    result.teach_back_text = Some(text.to_owned());
    if let Some(reason) = failure {
        result = result.with_detail("reason", reason);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_for(ctx: &ActionContext) -> TeachBackKey {
        generate(ctx, &[], &TeachBackPolicy::default()).1
    }

    fn rm_ctx() -> ActionContext {
        ActionContext::new("delete_directory")
            .with_kwarg("path", "/var/data/prod")
            .with_kwarg("recursive", true)
    }

    #[test]
    fn a_real_explanation_passes() {
        let key = key_for(&rm_ctx());
        let text = "This will permanently erase the prod folder under var data, including every file and \
                    subfolder inside it, and nothing can be recovered afterwards.";
        let r = check(&key, text, &[]);
        assert!(r.passed, "{:?}", r.details);
        assert_eq!(r.teach_back_text.as_deref(), Some(text));
    }

    #[test]
    fn synonyms_count_as_the_effect() {
        let key = key_for(&rm_ctx());
        for verb in ["wipe", "remove", "erase", "deleting"] {
            let text = format!(
                "The agent wants to {verb} the prod directory and the things stored below it which we would \
                 lose for good afterwards"
            );
            assert!(check(&key, &text, &[]).passed, "{verb}");
        }
    }

    #[test]
    fn repeating_the_name_or_pasting_arguments_fails() {
        let key = key_for(&rm_ctx());
        let echo = "delete directory ".repeat(10);
        let r = check(&key, &echo, &[]);
        assert!(!r.passed);
        assert!(
            r.details["reason"].as_str().unwrap().contains("repeats"),
            "{:?}",
            r.details
        );
        let dump = format!(
            "it runs {} which is what it does and that is all",
            rm_ctx().arguments_value()
        );
        let r = check(&key, &dump, &[]);
        assert!(!r.passed);
        assert!(
            r.details["reason"].as_str().unwrap().contains("pastes"),
            "{:?}",
            r.details
        );
    }

    #[test]
    fn too_short_or_missing_key_terms_fails() {
        let key = key_for(&rm_ctx());
        let r = check(&key, "delete the prod folder", &[]);
        assert!(!r.passed);
        assert!(
            r.details["reason"]
                .as_str()
                .unwrap()
                .contains("at least 15")
        );
        let vague = "I think this is fine and the agent knows what it is doing so we can go ahead with it today";
        let r = check(&key, vague, &[]);
        assert!(!r.passed);
        let reason = r.details["reason"].as_str().unwrap();
        assert!(
            reason.contains("effect") || reason.contains("why to approve"),
            "{:?}",
            r.details
        );
    }

    #[test]
    fn v2_catches_the_reported_fakes_and_accepts_separators() {
        let del =
            key_for(&ActionContext::new("delete_file").with_kwarg("path", "/srv/reports/q3.csv"));
        let nonsense = "purple elephants delete q3.csv while singing opera about turnips and dancing under the moon tonight";
        let r = check(&del, nonsense, &[]);
        assert!(!r.passed);
        assert!(
            r.details["reason"]
                .as_str()
                .unwrap()
                .contains("not about this action"),
            "{:?}",
            r.details
        );
        let pay = key_for(
            &ActionContext::new("transfer_funds")
                .with_kwarg("amount", 48500)
                .with_kwarg("beneficiary", "Acme Supplies GmbH"),
        );
        let reversed = "We receive a refund of 48500 from Acme into our account, no transfer goes out and nothing is paid by us";
        let r = check(&pay, reversed, &[]);
        assert!(!r.passed);
        assert!(
            r.details["reason"].as_str().unwrap().contains("opposite"),
            "{:?}",
            r.details
        );
        for amount in ["48,500", "48500", "48.500,00", "48.5k", "48 500"] {
            let honest = format!(
                "This sends {amount} euros to Acme Supplies; the money leaves our account and cannot simply be pulled back."
            );
            let r = check(&pay, &honest, &[]);
            assert!(r.passed, "{amount}: {:?}", r.details);
        }
        let wrong = "This sends 4,850 euros to Acme Supplies; the money leaves our account and cannot simply be pulled back.";
        let r = check(&pay, wrong, &[]);
        assert!(!r.passed);
        let reason = r.details["reason"].as_str().unwrap();
        assert!(
            reason.contains("amount") && !reason.contains("48"),
            "{reason}"
        );
        let drop =
            key_for(&ActionContext::new("execute_sql").with_kwarg("query", "DROP TABLE customers"));
        let r = check(
            &drop,
            "This creates a brand new customers table in the database, nothing is dropped and no rows are lost",
            &[],
        );
        assert!(!r.passed);
    }

    #[test]
    fn the_python_binding_examples_still_judge_the_same() {
        let key =
            key_for(&ActionContext::new("delete_file").with_kwarg("path", "/var/data/report.csv"));
        let careful = "This permanently deletes the file report.csv in the /var/data directory on this server; \
                       the monthly report data will be gone and cannot be recovered afterwards.";
        assert!(check(&key, careful, &[]).passed);
        assert!(!check(&key, "ok delete it", &[]).passed);
    }

    #[test]
    fn redacted_targets_are_not_required() {
        let ctx = ActionContext::new("rotate_secret").with_kwarg("password", "[REDACTED:password]");
        let key = key_for(&ctx);
        let text = "This rotates the database password, so the old password stops working and every client must use the new secret value from now on.";
        let r = check(&key, text, &[]);
        assert!(r.passed, "{:?} {:?}", r.details, key.key_terms);
    }

    #[test]
    fn amounts_and_recipients_are_key_terms() {
        let ctx = ActionContext::new("send_payment")
            .with_kwarg("to", "bob@acme.io")
            .with_kwarg("amount", 2500);
        let key = key_for(&ctx);
        let text = "We are paying Bob at acme two thousand five hundred dollars, precisely 2500, from the company account today";
        assert!(check(&key, text, &[]).passed);
    }

    #[test]
    fn validators_can_veto() {
        struct Never;
        impl TeachBackValidator for Never {
            fn name(&self) -> &str {
                "never"
            }
            fn validate(&self, _: &TeachBackKey, _: &str) -> Result<(), String> {
                Err("does not describe the action".into())
            }
        }
        let key = key_for(&rm_ctx());
        let text = "This will permanently erase the prod folder under var data, including every file and \
                    subfolder inside it, and nothing can be recovered afterwards.";
        let r = check(&key, text, &[&Never]);
        assert!(!r.passed);
        assert_eq!(r.details["reason"], "never: does not describe the action");
    }
}
