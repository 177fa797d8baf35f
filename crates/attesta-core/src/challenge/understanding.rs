//! The teach-back v2 judgement: is the effect stated (not negated, not reversed), is the main
//! target named and no other, is the amount exact, is the scope not understated, and are the
//! explanation's own words about the action? Failure messages say what is missing, never the
//! right answer.

use super::consequence::{self, Consequence};
use super::explain::{self, EffectVerdict};
use super::teach_back::{KeyTermCategory, KeyTermGroup, TeachBackKey};
use super::text::{amounts_equal, words};

/// Share of content words that must relate to the action.
const RELEVANT_SHARE: f64 = 0.5;
/// Share of the explanation's own (not copied) content words that must be explanation words.
const OWN_SHARE: f64 = 0.4;

/// Phrases that shrink an everything-scope action to one item.
const NARROWING: &[&str] = &[
    "one single",
    "only one",
    "a single",
    "just one",
    "single row",
    "one row",
    "one record",
    "one file",
    "one account",
    "single account",
    "single record",
    "single file",
];

/// Environment names: one named in an explanation that the action does not use is a
/// different target.
const ENVIRONMENT_WORDS: &[&str] = &[
    "production",
    "prod",
    "staging",
    "stage",
    "sandbox",
    "development",
    "dev",
    "test",
    "qa",
    "preview",
    "canary",
    "demo",
    "uat",
];

/// Role names, same rule.
const ROLE_WORDS: &[&str] = &[
    "admin",
    "owner",
    "editor",
    "viewer",
    "reader",
    "writer",
    "member",
    "maintainer",
    "guest",
    "auditor",
    "operator",
    "developer",
    "superuser",
    "read-only",
];

/// The v2 judgement: effect, target, amount and relevance. `None` when the explanation passes.
pub(super) fn understanding_failure(
    key: &TeachBackKey,
    text: &str,
    lower: &str,
    matched: &[&KeyTermGroup],
) -> Option<String> {
    let plain = explain::plain_words(lower);
    let mut attitude: Vec<&str> = plain
        .iter()
        .map(String::as_str)
        .filter(|w| {
            super::lexicon::attitude(w)
                && key
                    .vocabulary
                    .binary_search_by(|v| v.as_str().cmp(w))
                    .is_err()
        })
        .collect();
    attitude.sort_unstable();
    attitude.dedup();
    if attitude.len() >= 3 {
        return Some(
            "the explanation says why to approve, not what the action does; describe what will happen"
                .to_owned(),
        );
    }
    let distinct = {
        let mut d: Vec<&String> = plain.iter().collect();
        d.sort_unstable();
        d.dedup();
        d.len()
    };
    if plain.len() >= 8 && distinct * 100 / plain.len() < 45 {
        return Some(
            "the explanation repeats itself; say once, in full sentences, what will happen"
                .to_owned(),
        );
    }
    let mut specs: Vec<explain::EffectSpec> = key
        .consequences
        .iter()
        .filter_map(|c| Consequence::from_name(c))
        .map(|c| explain::effect_spec(c, &key.action_tokens))
        .collect();
    let from_consequences = !specs.is_empty();
    // The action's own verb (also of a shell command) always sets the direction.
    let verb = explain::verb_spec(&key.action_tokens, &key.command_tokens)
        .or_else(|| flag_verb(key).and_then(|v| explain::verb_spec(&[v.to_owned()], &[])));
    let own_verb = verb.as_ref().and_then(|v| v.stems.first().copied());
    specs.extend(verb);
    let effect_terms = key
        .key_terms
        .iter()
        .any(|g| g.category == KeyTermCategory::Effect);
    let effect_named = matched
        .iter()
        .any(|g| g.category == KeyTermCategory::Effect);
    let verdict = if specs.is_empty() {
        EffectVerdict::Missing
    } else {
        // Words naming the action's targets (`backup` of `backup.gpg`) are not opposite cues.
        let mut target_words: Vec<String> = key
            .key_terms
            .iter()
            .filter(|g| g.category == KeyTermCategory::Target)
            .flat_map(|g| g.phrases.iter())
            .flat_map(|p| explain::plain_words(p))
            .collect();
        target_words.sort_unstable();
        target_words.dedup();
        explain::judge_effect(
            &effect_words(key, &plain, lower),
            lower,
            &specs,
            &target_words,
            own_verb,
        )
    };
    match verdict {
        EffectVerdict::Stated => {}
        // Without a known consequence, the effect words of the action's name also count.
        EffectVerdict::Missing if !from_consequences && (effect_named || !effect_terms) => {}
        // An action whose own verb is unknown (`chown`, `iptables -F`) or says only that
        // something changes (`update_…`, `set_…`, `run_…`): its effect is said in the
        // explanation's own verbs ("turns off", "raises", "changes ownership"), which cannot
        // be checked word for word; opposites and negations still are.
        EffectVerdict::Missing
            if own_verb.is_none_or(|v| GENERIC_VERBS.contains(&v))
                && plain.iter().any(|w| super::lexicon::effect_verb(w)) => {}
        EffectVerdict::Missing => {
            return Some(
                "the explanation does not say what the action will do (its effect)".to_owned(),
            );
        }
        EffectVerdict::Negated => {
            return Some("the explanation says the action's effect will not happen; describe what it really does".to_owned());
        }
        EffectVerdict::Reversed => {
            return Some(
                "the explanation describes the opposite of what the action does".to_owned(),
            );
        }
    }
    let targets: Vec<&KeyTermGroup> = key
        .key_terms
        .iter()
        .filter(|g| g.category == KeyTermCategory::Target)
        .collect();
    let primary: Vec<&&KeyTermGroup> = targets.iter().filter(|g| g.primary).collect();
    let named = if primary.is_empty() {
        matched
            .iter()
            .any(|g| g.category == KeyTermCategory::Target)
    } else {
        matched.iter().any(|g| g.primary)
    };
    if !targets.is_empty() && !named {
        return Some(
            "the explanation does not name what the action affects (its target)".to_owned(),
        );
    }
    // An environment or role the action does not use is a different target.
    for (closed, kind) in [(ENVIRONMENT_WORDS, "environment"), (ROLE_WORDS, "role")] {
        let own: Vec<&KeyTermGroup> = targets
            .iter()
            .copied()
            .filter(|g| g.label.starts_with(&format!("{kind}: ")))
            .collect();
        // Words of this kind inside the action's values (`finance-prod`, `AdministratorAccess`).
        let in_action: Vec<&str> = closed
            .iter()
            .copied()
            .filter(|w| {
                key.argument_dump
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|t| t == *w || (kind == "role" && t.starts_with(w)))
            })
            .collect();
        if own.is_empty() && (kind == "role" || in_action.is_empty()) {
            continue;
        }
        // Role names that say the same thing.
        let same_role = |w: &str| {
            ROLE_SYNONYMS.iter().any(|group| {
                group.contains(&w)
                    && group.iter().any(|g| {
                        in_action.contains(g)
                            || own.iter().any(|o| o.phrases.iter().any(|p| p.contains(g)))
                    })
            })
        };
        let ok = |w: &str| {
            same_role(w)
                || in_action.contains(&w)
                || (w == "prod" && in_action.contains(&"production"))
                || (w == "production" && in_action.contains(&"prod"))
                || own.iter().any(|g| {
                    g.phrases
                        .iter()
                        .any(|p| p.contains(w) || (w == "prod" && p.starts_with("prod")))
                })
        };
        // "owner-level control", "admin-like rights": a comparison, not a role given.
        let compared = |i: usize| {
            plain
                .get(i + 1)
                .is_some_and(|n| ["level", "like", "equivalent"].contains(&n.as_str()))
        };
        if plain.iter().enumerate().any(|(i, w)| {
            closed.contains(&w.as_str())
                    && !ok(w)
                    && !compared(i)
                    // "no canary", "not as an admin": a role or stage the action does not use.
                    && !explain::negated_at(&plain, i)
        }) {
            return Some(format!(
                "the explanation names a different {kind} than the action's"
            ));
        }
    }
    // A filtered statement described as touching everything without a filter.
    let sql = key.argument_dump.contains("delete from") || key.argument_dump.contains("update ");
    // A statement with WHERE, or a bulk call with a filter argument (`created_before`,
    // `filter`, `older_than_days`).
    let filter_key = ["filter", "where", "before", "older", "after", "criteria", "condition", "status"]
        .iter()
        .any(|f| {
            key.arguments
                .get("kwargs")
                .and_then(|k| k.as_object())
                .is_some_and(|m| m.keys().any(|k| k.to_lowercase().contains(f)))
        });
    if ((sql && key.argument_dump.contains(" where ")) || filter_key)
        && [
            "no filter",
            "no where",
            "without a where",
            "without any where",
            "without any filter",
            "without a filter",
            "unfiltered",
            "every single row",
            "the entire table",
            "the whole table",
            "not just",
            "not only",
            "or not",
            "regardless",
            "no matter",
        ]
        .iter()
        .any(|p| lower.contains(p))
    {
        return Some(
            "the explanation overstates or misstates how much the action affects (its scope)"
                .to_owned(),
        );
    }
    // "read-only" for an action that gives write or owner rights.
    let grants_write = [
        "\"writer\"",
        "\"editor\"",
        "\"owner\"",
        "roles/owner",
        "roles/editor",
        "\"admin\"",
        "write",
    ]
    .iter()
    .any(|r| key.argument_dump.contains(r));
    if grants_write
        && [
            "read-only",
            "read only",
            "readonly",
            "view-only",
            "view only",
        ]
        .iter()
        .any(|p| {
            lower.match_indices(p).any(|(i, _)| {
                let before = explain::plain_words(&lower[..i]);
                !explain::negated_at(&before, before.len())
            })
        })
    {
        return Some("the explanation names a different role than the action's".to_owned());
    }
    let everything = key.key_terms.iter().any(|g| g.label == "scope: everything");
    if everything && understates(&plain) {
        return Some(
            "the explanation understates how much the action affects (its scope)".to_owned(),
        );
    }
    // Everything-scope actions (recursive, no WHERE, truncate) described as touching one thing.
    if key.key_terms.iter().any(|g| g.label == "scope: everything")
        && NARROWING.iter().any(|n| {
            lower.match_indices(n).any(|(i, _)| {
                let before = lower[..i].trim_end();
                !before.ends_with("every") && !before.ends_with("not")
            })
        })
    {
        return Some(
            "the explanation understates how much the action affects (its scope)".to_owned(),
        );
    }
    // A file name or address that is not part of the action means a different target.
    for token in words(lower) {
        let token = token
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '~')
            .to_owned();
        let looks_file = token.rsplit_once('.').is_some_and(|(stem, ext)| {
            stem.chars().filter(|c| c.is_alphanumeric()).count() >= 2
                && (2..=7).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphabetic())
        }) && !token.contains('/');
        let looks_address = token.contains('@') && token.contains('.');
        // An address is exact: another mailbox at the action's domain is another recipient.
        if looks_address {
            let address = token.trim_matches(|c: char| !c.is_alphanumeric());
            if !key.argument_dump.contains(address) {
                return Some(
                    "the explanation names an address that is not part of this action".to_owned(),
                );
            }
            continue;
        }
        // A path is exact too (a path below one of the action's folders is part of it).
        let path = token.trim_end_matches(|c: char| !c.is_alphanumeric());
        if (path.starts_with('/') || path.starts_with("~/"))
            && path.matches('/').count() >= 2
            && !key.argument_dump.contains(path)
            && !targets.iter().any(|g| {
                g.phrases
                    .iter()
                    .any(|p| p.contains('/') && p.len() >= 2 && path.starts_with(p.as_str()))
            })
        {
            return Some(
                "the explanation names a file or folder that is not part of this action".to_owned(),
            );
        }
        if (looks_file || looks_address)
            && !targets.iter().any(|g| {
                g.phrases.iter().any(|p| {
                    p == &token
                        || p.contains(token.as_str())
                        || (p.contains('.') && p.len() >= 4 && contains_whole_name(&token, p))
                })
            })
            && !key.vocabulary.iter().any(|v| v == &token)
            && !key.argument_dump.contains(token.as_str())
            // `www.shop.example.com` for a zone `shop.example.com`: a name inside the action's.
            && !token
                .match_indices('.')
                .map(|(i, _)| &token[i + 1..])
                .any(|suffix| suffix.contains('.') && contains_whole_name(&key.argument_dump, suffix))
        {
            return Some(format!(
                "the explanation names {} that is not part of this action",
                if looks_address {
                    "an address"
                } else {
                    "a file or host"
                }
            ));
        }
    }
    if let Some(word) = foreign_name(key, &plain) {
        let _ = word;
        return Some("the explanation names something that is not part of this action".to_owned());
    }
    // "made private" for an action that makes something public (and other value pairs).
    for (said, other) in VALUE_OPPOSITES
        .iter()
        .flat_map(|(a, b)| [(*a, *b), (*b, *a)])
    {
        let said_at = plain.iter().position(|w| said.contains(&w.as_str()));
        if let Some(i) = said_at
            && !plain.iter().any(|w| other.contains(&w.as_str()))
            && !explain::negated_at(&plain, i)
            && asserts(&key.argument_dump, other, said)
            && !asserts(&key.argument_dump, said, other)
        {
            return Some(
                "the explanation states a value that is not part of this action".to_owned(),
            );
        }
    }
    if let Some(reason) = direction_or_currency_failure(key, &plain, lower) {
        return Some(reason);
    }
    // "to board@… only" for a message to several recipients, "only cam-3" of three cameras.
    let mut addresses: Vec<String> = key
        .argument_dump
        .split(['"', ',', ' ', ';'])
        .filter(|t| t.contains('@') && t.contains('.'))
        .map(str::to_owned)
        .collect();
    if addresses.len() < 2 {
        addresses = listed_values(&key.arguments);
    }
    if addresses.len() >= 2 {
        let named = addresses
            .iter()
            .filter(|a| lower.contains(a.as_str()))
            .count();
        let narrowing = plain.windows(2).any(|w| {
            (w[0] == "only" || w[0] == "just") && !["one", "a", "the"].contains(&w[1].as_str())
        }) || lower.contains(" only");
        if named >= 1 && named < addresses.len() && narrowing {
            return Some(
                "the explanation understates how much the action affects (its scope)".to_owned(),
            );
        }
    }
    // An IBAN, account or object id the action does not contain is another target.
    let compact_dump: String = key
        .argument_dump
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for token in lower.split(|c: char| c.is_whitespace() || ",;()[]{}\"'".contains(c)) {
        let t = token.trim_matches(|c: char| !c.is_alphanumeric());
        let letters = t.chars().filter(char::is_ascii_alphabetic).count();
        let digits = t.chars().filter(char::is_ascii_digit).count();
        if t.len() >= 10
            && letters >= 2
            && digits >= 4
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && !compact_dump.contains(t)
            && !key.action.to_lowercase().contains(t)
        {
            return Some(
                "the explanation names something that is not part of this action".to_owned(),
            );
        }
    }
    // `acme/billing-docs` for an action on `acme/billing-engine`: another repository or branch.
    for token in lower.split_whitespace() {
        let t = token.trim_matches(|c: char| !c.is_alphanumeric());
        if let Some((a, b)) = t.split_once('/')
            && !t.starts_with('/')
            && !b.contains('/')
            && !t.contains("://")
            && a.len() >= 2
            && b.len() >= 2
            && t.chars().all(|c| c.is_alphanumeric() || "-_./".contains(c))
            && t.chars()
                .any(|c| c.is_ascii_digit() || c == '-' || c == '_')
            && !key.argument_dump.contains(t)
        {
            return Some(
                "the explanation names something that is not part of this action".to_owned(),
            );
        }
    }
    // "8 minutes" for an action that lasts `duration_hours: 8`.
    if let Some(reason) = unit_mismatch(key, text) {
        return Some(reason);
    }
    // "set to true" for an action that sets `false` (and the other way round).
    for (said, other) in [("true", "false"), ("false", "true")] {
        if plain.iter().any(|w| w == said)
            && !key.argument_dump.contains(said)
            && key.argument_dump.contains(other)
        {
            return Some(
                "the explanation states a value that is not part of this action".to_owned(),
            );
        }
    }
    // A snake_case identifier (`postgres_main`, `invoices_dlq`) that the action does not
    // contain names something else.
    if words(lower).iter().any(|token| {
        let t = token.trim_matches(|c: char| !c.is_alphanumeric());
        t.contains('_')
            && t.split('_').filter(|p| !p.is_empty()).count() >= 2
            && !key.argument_dump.contains(t)
            && !key.action.to_lowercase().contains(t)
    }) {
        return Some("the explanation names something that is not part of this action".to_owned());
    }
    if !key.amounts.is_empty() && !explain::states_amount(text, &key.amounts) {
        return Some("the explanation does not state the amount exactly".to_owned());
    }
    // A number the action does not have (a port, a count, a dose, days, an IP address, a
    // version) means the explanation describes a different action.
    if let Some((numbers, codes)) = action_numbers(key) {
        let known = |v: f64| {
            numbers
                .iter()
                .any(|a| amounts_equal(*a, v) || amounts_equal(*a * 100.0, v))
        };
        // "the IBAN ending 4931" (the end or start of a long code); "DE89 3704 0044 …" (an
        // IBAN or card number written in groups).
        let compact: String = text
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let part_of_code = |digits: &str| {
            codes.iter().any(|c| {
                (c.len() >= 12 && compact.contains(c.as_str()) && c.contains(digits))
                    || (digits.len() >= 3 && (c.starts_with(digits) || c.ends_with(digits)))
                    || (digits.len() >= 2 && c.len() >= 12 && c.contains(digits))
            })
        };
        // "240 min (4 h)": the same duration in another unit.
        let converted = |v: f64| {
            numbers.iter().any(|a| {
                amounts_equal((*a * 9.0 / 5.0 + 32.0).round(), v.round())
                    || amounts_equal(((*a - 32.0) * 5.0 / 9.0).round(), v.round())
            }) || numbers.iter().any(|a| {
                [60.0, 24.0, 7.0, 1440.0]
                    .iter()
                    .any(|f| amounts_equal(*a, v * f) || amounts_equal(*a * f, v))
            })
        };
        let foreign = explain::number_groups(text).iter().any(|g| {
            let explained = g.relative
                || g.values.iter().any(|v| known(*v) || known(*v * g.scale))
                || part_of_code(&g.digits)
                || ((g.unit_of_time || g.temperature) && g.values.iter().any(|v| converted(*v)));
            g.standalone && !explained
        });
        if foreign {
            return Some(
                "the explanation states a number that is not part of this action".to_owned(),
            );
        }
    }
    let related = |w: &str| {
        key.vocabulary
            .binary_search_by(|v| v.as_str().cmp(w))
            .is_ok()
            || targets.iter().any(|g| {
                g.phrases
                    .iter()
                    .any(|p| p.split_whitespace().any(|x| x == w))
            })
            || consequence::ALL.iter().any(|c| {
                explain::effect_spec(*c, &key.action_tokens)
                    .stems
                    .iter()
                    .any(|s| explain::stem_matches(w, s))
            })
    };
    // The explanation's own words (those not copied from the action) must be about it too:
    // filler around pasted key terms fails.
    let own: Vec<String> = plain
        .iter()
        .filter(|w| !key.echo_tokens.contains(w) && !key.vocabulary.iter().any(|v| v == *w))
        .cloned()
        .collect();
    let own_share = explain::relevant_share(&own, &related);
    let own_content = explain::content_count(&own);
    if explain::relevant_share(&plain, &related) < RELEVANT_SHARE
        || (own_content >= 3 && own_share < OWN_SHARE)
    {
        return Some(
            "the explanation is mostly not about this action; describe what it does and to what"
                .to_owned(),
        );
    }
    None
}

/// Bytes of argument text searched for the action's numbers.
const NUMBER_TEXT_BYTES: usize = 64 * 1024;

/// Every number the action's name and arguments contain, and their long digit runs (codes such
/// as IBANs), or `None` when they are too large to read whole (then no number is judged foreign).
fn action_numbers(key: &TeachBackKey) -> Option<(Vec<f64>, Vec<String>)> {
    fn walk(v: &serde_json::Value, out: &mut Vec<f64>, budget: &mut usize) -> bool {
        match v {
            serde_json::Value::String(s) => {
                if s.len() > *budget {
                    return false;
                }
                *budget -= s.len();
                out.extend(explain::numbers_in(s));
                true
            }
            serde_json::Value::Number(n) => {
                out.extend(n.as_f64());
                out.extend(explain::numbers_in(&n.to_string()));
                true
            }
            serde_json::Value::Array(items) => items.iter().all(|x| walk(x, out, budget)),
            serde_json::Value::Object(map) => map.iter().all(|(k, x)| {
                out.extend(explain::numbers_in(k));
                walk(x, out, budget)
            }),
            _ => true,
        }
    }
    let mut out = explain::numbers_in(&key.action);
    // The amounts as the key reads them (Stripe's minor units converted).
    out.extend(key.amounts.iter().copied());
    let mut budget = NUMBER_TEXT_BYTES;
    if !walk(&key.arguments, &mut out, &mut budget) {
        return None;
    }
    let codes = key
        .argument_dump
        .split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() >= 6)
        .map(str::to_owned)
        .collect();
    Some((out, codes))
}

/// Whether `name` occurs in `text` as a whole host or file name, not as the tail of a longer
/// one (`acme-infra.net` inside `lb-eu-west.acme-infra.net` does not count).
fn contains_whole_name(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        !text[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '.')
    })
}

/// Nouns that say what kind of thing a name before them names ("the payroll database", "the
/// jackets category", "the metformin prescription").
#[rustfmt::skip]
const KIND_NOUNS: &[&str] = &[
    "database", "databases", "db", "table", "tables", "schema", "category", "categories",
    "namespace", "cluster", "bucket", "repo", "repository", "branch", "channel", "folder",
    "directory", "prescription", "drug", "medication", "service", "queue", "topic", "project",
    "workspace", "team", "org", "organization", "organisation", "account", "group", "role",
    "policy", "zone", "host", "server", "region", "environment", "env", "pool", "fleet",
    "site", "device", "devices", "camera", "cameras", "door", "index", "collection", "app",
    "deployment", "pod", "volume", "disk", "vault", "wallet", "list", "page", "document",
    "sheet", "board", "calendar", "stack", "instance", "instances", "node", "product",
    "products", "customer", "patient", "user", "mailbox", "domain", "subdomain", "certificate",
    "key", "bucket", "share", "drive", "job", "pipeline", "plan", "tier", "store", "shop",
];

/// Descriptive words an honest explanation puts before a kind noun without the action naming
/// them ("the config file", "the live database").
#[rustfmt::skip]
const GENERIC_MODIFIERS: &[&str] = &[
    "data", "file", "files", "backup", "backups", "log", "logs", "config", "configuration",
    "user", "users", "customer", "customers", "client", "clients", "cache", "temp", "tmp",
    "main", "primary", "default", "shared", "public", "private", "internal", "external",
    "remote", "local", "live", "old", "new", "whole", "entire", "same", "target", "source",
    "destination", "current", "existing", "original", "sensitive", "personal", "important",
    "company", "team", "org", "database", "db", "sql", "web", "api", "app", "application",
    "service", "system", "root", "home", "project", "code", "git", "cloud", "storage",
    "archive", "report", "reports", "audit", "security", "network", "access", "account",
    "accounts", "email", "mail", "message", "payment", "payments", "money", "bank",
    "financial", "finance", "medical", "health", "patient", "patients", "device", "devices",
    "entire", "real", "running", "active", "empty", "full", "only", "single", "other",
    "every", "each", "their", "his", "her", "our", "your", "its", "my", "whose", "that",
    "this", "these", "those", "which", "what", "one", "two", "both", "all", "any", "some",
    "given", "specified", "named", "listed", "above", "below", "mentioned", "affected",
    "underlying", "corresponding", "relevant", "related", "whole", "big", "small", "large",
];

/// A name-like word right before a kind noun that the action does not contain: the explanation
/// speaks of a different database, category, drug or namespace than the action's.
fn foreign_name<'a>(key: &TeachBackKey, plain: &'a [String]) -> Option<&'a str> {
    let action_lower = key.action.to_lowercase();
    let in_action = |w: &str| {
        let stem = w.strip_suffix('s').filter(|s| s.len() >= 4).unwrap_or(w);
        key.argument_dump.contains(stem)
            || action_lower.contains(stem)
            || key
                .vocabulary
                .binary_search_by(|v| v.as_str().cmp(w))
                .is_ok()
            || (w == "prod" && key.argument_dump.contains("production"))
            || (w == "production" && key.argument_dump.contains("prod"))
    };
    plain.windows(2).enumerate().find_map(|(i, pair)| {
        let (modifier, noun) = (pair[0].as_str(), pair[1].as_str());
        if !KIND_NOUNS.contains(&noun)
            || explain::negated_at(plain, i)
            || modifier.len() < 3
            || !modifier.chars().all(|c| c.is_alphabetic())
            || super::vocab::STOPWORDS.contains(&modifier)
            || GENERIC_MODIFIERS.contains(&modifier)
            || KIND_NOUNS.contains(&modifier)
            || in_action(modifier)
        {
            return None;
        }
        // A name: a word that names things (`payroll`, `analytics`, `production`), or one that
        // is no word of the working vocabulary at all (`jackets`, `metformin`).
        let names_things = (modifier.len() >= 5 && super::vocab::WORDS.contains(&modifier))
            || super::vocab::ENVIRONMENTS.contains(&modifier)
            || NAME_WORDS.contains(&modifier);
        let known = super::lexicon::on_topic(modifier)
            || super::vocab::EXPLAIN_WORDS.contains(&modifier)
            || super::lexicon::attitude(modifier);
        // An unknown word is a name only where the action has a thing of that kind (a
        // `category` column, a `prescription`), and not an adjective (`German`, `persistent`).
        let adjective = ADJECTIVE_ENDINGS.iter().any(|e| modifier.ends_with(e));
        let slot = {
            let stem = noun
                .strip_suffix('s')
                .filter(|s| s.len() >= 3)
                .unwrap_or(noun);
            key.argument_dump.contains(stem) || action_lower.contains(stem)
        };
        (names_things || (!known && !adjective && slot)).then_some(modifier)
    })
}

const ADJECTIVE_ENDINGS: &[&str] = &[
    "ed", "ent", "ant", "ive", "al", "ic", "ous", "able", "ible", "ful", "less", "ian", "an",
    "ish", "ese", "ary", "ory", "ing", "ly", "ern",
];

/// Words that name departments and systems but are also ordinary vocabulary.
#[rustfmt::skip]
const NAME_WORDS: &[&str] = &[
    "payroll", "hr", "marketing", "sales", "legal", "engineering", "operations", "support",
    "billing", "analytics", "reporting", "inventory", "orders", "crm", "erp", "warehouse",
    "finance", "accounting", "procurement", "treasury", "research", "clinical", "login", "auth",
    "checkout", "search", "staging", "production", "development", "sandbox", "test",
];

/// Values (in their common forms) whose opposite stated in an explanation describes a
/// different action.
const VALUE_OPPOSITES: &[(&[&str], &[&str])] = &[
    (&["public", "publicly"], &["private", "privately"]),
    (
        &["enable", "enables", "enabled", "enabling"],
        &["disable", "disables", "disabled", "disabling"],
    ),
    (
        &["allow", "allows", "allowed"],
        &["deny", "denies", "denied"],
    ),
    (&["visible"], &["hidden"]),
    (
        &["unlock", "unlocks", "unlocked"],
        &["lock", "locks", "locked"],
    ),
    (
        &["arm", "arms", "armed"],
        &["disarm", "disarms", "disarmed"],
    ),
    (&["online"], &["offline"]),
];

fn whole_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .any(|t| t == word)
}

/// The explanation's words for judging the effect, with names masked: a word that is part of
/// a dotted, slashed or underscored name (`install` of `install.sh`) or that quotes the
/// action's command after its program (`prune` of "docker system prune") names something, it
/// does not say what happens.
fn effect_words(key: &TeachBackKey, plain: &[String], lower: &str) -> Vec<String> {
    let mut out = plain.to_vec();
    let mut compound: Vec<bool> = Vec::with_capacity(plain.len());
    for token in lower.split_whitespace() {
        let token = token.trim_matches(|c: char| !c.is_alphanumeric());
        let joined = token.contains(['.', '/', '_', '@', ':']);
        for w in explain::plain_words(token) {
            let _ = w;
            compound.push(joined);
        }
    }
    if compound.len() != out.len() {
        return out;
    }
    for i in 0..out.len() {
        let quoted = i > 0
            && key.command_tokens.contains(&plain[i])
            && key.command_tokens.contains(&plain[i - 1]);
        if compound[i] || quoted {
            out[i] = "_name".to_owned();
        }
    }
    out
}

/// A verb from a shell command's options when its program is no verb (`iptables -F`,
/// `--delete`, `--purge`).
fn flag_verb(key: &TeachBackKey) -> Option<&'static str> {
    const LONG: &[&str] = &[
        "flush", "delete", "remove", "purge", "prune", "drop", "destroy", "wipe", "revoke",
        "disable", "enable", "stop", "reset", "force",
    ];
    let dump = &key.argument_dump;
    if dump.contains("iptables -f")
        || dump.contains("iptables --flush")
        || dump.contains("nft flush")
    {
        return Some("flush");
    }
    if dump.contains("iptables -d") || dump.contains("iptables -x") {
        return Some("delet");
    }
    LONG.iter()
        .find(|f| dump.contains(&format!("--{f}")))
        .copied()
}

/// Whether the action's arguments say one of `forms` (a value `public`, or a flag
/// `"enabled":true`, or an opposite flag `"private":false`).
fn asserts(dump: &str, forms: &[&str], opposites: &[&str]) -> bool {
    // A key ending in the word counts too (`"sso_enabled":false`).
    let flag = |w: &str, v: &str| {
        dump.contains(&format!("{w}\":{v}")) || dump.contains(&format!("{w}\": {v}"))
    };
    forms
        .iter()
        .any(|w| (whole_word(dump, w) && !flag(w, "false")) || flag(w, "true"))
        || opposites.iter().any(|w| flag(w, "false"))
}

const SOURCE_KEYS: &[&str] = &[
    "source",
    "src",
    "from",
    "source_path",
    "source_mrn",
    "origin",
];
const DESTINATION_KEYS: &[&str] = &[
    "destination",
    "dest",
    "dst",
    "to",
    "target",
    "target_path",
    "target_mrn",
    "destination_path",
];

/// Currencies by code, symbol and name.
const CURRENCIES: &[(&str, &[&str])] = &[
    ("usd", &["usd", "$", "dollar", "dollars", "us$"]),
    ("eur", &["eur", "€", "euro", "euros"]),
    ("gbp", &["gbp", "£", "pound", "pounds", "sterling"]),
    ("chf", &["chf", "franc", "francs"]),
    ("jpy", &["jpy", "¥", "yen"]),
    ("btc", &["btc", "bitcoin", "bitcoins"]),
    ("eth", &["eth", "ether", "ethereum"]),
    ("usdt", &["usdt", "tether"]),
    ("usdc", &["usdc"]),
    ("sek", &["sek", "kronor"]),
    ("inr", &["inr", "rupee", "rupees", "₹"]),
];

/// A move, copy or merge described the wrong way round ("from" the destination, "into" the
/// source), or an amount in another currency than the action's.
fn direction_or_currency_failure(
    key: &TeachBackKey,
    plain: &[String],
    lower: &str,
) -> Option<String> {
    let kwargs = key.arguments.get("kwargs").unwrap_or(&key.arguments);
    let value_of = |keys: &[&str]| -> Option<String> {
        let map = kwargs.as_object()?;
        keys.iter()
            .find_map(|k| map.get(*k).and_then(|v| v.as_str()))
            .map(|v| v.to_lowercase())
            .filter(|v| v.len() >= 3)
    };
    if let (Some(source), Some(destination)) = (value_of(SOURCE_KEYS), value_of(DESTINATION_KEYS))
        && source != destination
        && !destination.starts_with(&source)
        && !source.starts_with(&destination)
    {
        // A path is also named by its folder ("from /mnt/public_share").
        let forms = |v: &str| -> Vec<String> {
            let mut out = vec![v.to_owned()];
            if let Some((parent, _)) = v.rsplit_once('/')
                && parent.len() >= 3
            {
                out.push(parent.to_owned());
            }
            out
        };
        let preceded = |value: &str, words: &[&str]| {
            forms(value).iter().any(|form| {
                lower.match_indices(form.as_str()).any(|(i, _)| {
                    let before = explain::plain_words(&lower[..i]);
                    let n = before.len();
                    // The nearest preposition before the value says its role.
                    before[n.saturating_sub(4)..]
                        .iter()
                        .rev()
                        .find(|w| ["from", "to", "into", "onto"].contains(&w.as_str()))
                        .is_some_and(|w| words.contains(&w.as_str()))
                })
            })
        };
        let into = ["into", "to", "onto"];
        if preceded(&destination, &["from"]) || preceded(&source, &into) {
            return Some(
                "the explanation describes the opposite of what the action does".to_owned(),
            );
        }
    }
    // The action's currency, from a `currency`/`asset` argument or its amounts' text.
    let currency = value_of(&["currency", "asset", "token", "coin"])?;
    let own = CURRENCIES.iter().find(|(code, _)| *code == currency)?;
    let names = |forms: &[&str]| {
        forms.iter().any(|f| {
            if f.chars().all(|c| c.is_alphabetic()) {
                plain.iter().any(|w| w == f)
            } else {
                lower.contains(f)
            }
        })
    };
    let other = CURRENCIES
        .iter()
        .filter(|(code, _)| *code != own.0)
        // `us$` contains `$`: a dollar sign is a dollar for any dollar currency.
        .any(|(code, forms)| names(forms) && !(*code == "usd" && own.0 == "usdt"));
    (other && !names(own.1)).then(|| {
        "the explanation states the amount in another currency than the action's".to_owned()
    })
}

/// Verbs that say only that something changes or runs.
const GENERIC_VERBS: &[&str] = &["chang", "modif", "set", "appl", "run"];

/// Role names that grant the same rights.
const ROLE_SYNONYMS: &[&[&str]] = &[
    &["writer", "editor", "write", "edit"],
    &["reader", "viewer", "read", "view"],
    &["admin", "administrator", "superuser"],
    &["owner", "owners"],
];

/// Strings of the action's lists with at least two items (`["cam-1", "cam-2"]`), lower case.
fn listed_values(arguments: &serde_json::Value) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>, depth: usize) {
        if depth > 4 || out.len() > 64 {
            return;
        }
        match v {
            serde_json::Value::Array(items) => {
                let strings: Vec<String> = items
                    .iter()
                    .filter_map(|x| x.as_str())
                    .filter(|x| x.len() >= 3)
                    .map(str::to_lowercase)
                    .collect();
                if strings.len() >= 2 && strings.len() == items.len() {
                    out.extend(strings);
                } else {
                    items.iter().for_each(|x| walk(x, out, depth + 1));
                }
            }
            serde_json::Value::Object(map) => map.values().for_each(|x| walk(x, out, depth + 1)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(arguments, &mut out, 0);
    out
}

/// For an action on everything (recursive, all, no filter): "removes only …", "just the
/// oldest", "the other databases are left alone", "both lobby cameras keep recording".
fn understates(words: &[String]) -> bool {
    const AFTER_ONLY_OK: &[&str] = &[
        "remain",
        "remains",
        "left",
        "kept",
        "stays",
        "way",
        "undo",
        "restore",
        "backup",
        "thing",
        "copy",
        "option",
        "hope",
        "password",
        "passwords",
        "pin",
        "protected",
        "protect",
    ];
    const RETAINED: &[&str] = &[
        "keep",
        "keeps",
        "kept",
        "keeping",
        "leave",
        "leaves",
        "leaving",
        "stay",
        "stays",
        "remain",
        "remains",
        "untouched",
        "intact",
        "alone",
        "preserved",
        "unaffected",
        "spared",
    ];
    const OTHERS: &[&str] = &[
        "other", "others", "both", "rest", "recent", "existing", "newer",
    ];
    let only = words.iter().enumerate().any(|(i, w)| {
        let excused = i > 0
            && ["not", "if", "the", "read", "view", "write", "protected", "protect"]
                .contains(&words[i - 1].as_str());
        (w == "only" || w == "just")
            && !excused
            && !words[i + 1..words.len().min(i + 5)]
                .iter()
                .any(|n| AFTER_ONLY_OK.contains(&n.as_str()))
            && !explain::negated_at(words, i)
            // "only a backup could bring it back", "just like": not about the scope.
            && !words.get(i + 1).is_some_and(|n| ["like", "as", "in", "once", "now"].contains(&n.as_str()))
    });
    let retained = words.iter().enumerate().any(|(i, w)| {
        RETAINED.contains(&w.as_str())
            && !explain::negated_at(words, i)
            && words[i.saturating_sub(6)..words.len().min(i + 4)]
                .iter()
                .any(|o| OTHERS.contains(&o.as_str()))
    });
    only || retained
}

/// Time units by dimension rank.
const TIME_UNITS: &[(&str, &[&str])] = &[
    ("second", &["s", "sec", "secs", "second", "seconds"]),
    ("minute", &["min", "mins", "minute", "minutes"]),
    ("hour", &["h", "hr", "hrs", "hour", "hours"]),
    ("day", &["d", "day", "days"]),
    ("week", &["w", "week", "weeks"]),
];

/// A duration argument (`duration_hours: 8`) stated with its number but another unit.
fn unit_mismatch(key: &TeachBackKey, text: &str) -> Option<String> {
    let kwargs = key
        .arguments
        .get("kwargs")
        .unwrap_or(&key.arguments)
        .as_object()?;
    let lower = text.to_lowercase();
    for (k, v) in kwargs {
        let Some(n) = v.as_f64() else { continue };
        let k = k.to_lowercase();
        let Some((unit, _)) = TIME_UNITS.iter().find(|(u, _)| k.contains(u)) else {
            continue;
        };
        let number = super::text::format_amount(n);
        for (i, _) in lower.match_indices(&number) {
            let before_ok = lower[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '.' && c != ',');
            let rest = lower[i + number.len()..].trim_start();
            let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
            if !before_ok || word.is_empty() {
                continue;
            }
            let other = TIME_UNITS
                .iter()
                .any(|(u, forms)| u != unit && forms.contains(&word.as_str()));
            if other {
                return Some(
                    "the explanation states a number that is not part of this action".to_owned(),
                );
            }
        }
    }
    None
}
