//! Claims an explanation makes that contradict the action: a name of another database or
//! drug, the opposite value (private for public), a move described backwards, another
//! currency or time unit, an everything-action described as touching only some of it.

use super::explain;
use super::teach_back::TeachBackKey;

/// Nouns that say what kind of thing a name before them names ("the payroll database", "the
/// jackets category", "the metformin prescription").
#[rustfmt::skip]
pub(super) const KIND_NOUNS: &[&str] = &[
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
    "hotel", "restaurant", "airline", "venue", "clinic", "hospital", "pharmacy", "warehouse",
    "office", "building",
];

/// Descriptive words an honest explanation puts before a kind noun without the action naming
/// them ("the config file", "the live database").
#[rustfmt::skip]
pub(super) const GENERIC_MODIFIERS: &[&str] = &[
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
    "banking", "merchant", "checking", "savings", "business", "online", "guest", "mailing",
    "contact", "distribution", "waiting",
];

/// A name-like word right before a kind noun that the action does not contain: the explanation
/// speaks of a different database, category, drug or namespace than the action's.
pub(super) fn foreign_name<'a>(
    key: &TeachBackKey,
    plain: &'a [String],
    text: &str,
) -> Option<&'a str> {
    let action_lower = key.action.to_lowercase();
    let in_action = |w: &str| {
        let stem = w.strip_suffix('s').filter(|s| s.len() >= 4).unwrap_or(w);
        // One typo forgiven ("the garge door" for `garage_door`).
        let typo = w.len() >= 5
            && key
                .argument_dump
                .split(|c: char| !c.is_alphanumeric())
                .any(|t| t.len() >= 5 && explain::edit_distance_le1(t, w));
        typo || key.argument_dump.contains(stem)
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
            || explain::negated(plain, i)
            || modifier.len() < 3
            || !modifier.chars().all(|c| c.is_alphabetic())
            || super::vocab::STOPWORDS.contains(&modifier)
            // "evry table", "othr db numbers": a small word mistyped.
            || (modifier.len() >= 4
                && super::vocab::STOPWORDS
                    .iter()
                    .any(|s| s.len() >= 4 && explain::edit_distance_le1(s, modifier)))
            // "may cause downtime": a verb after a modal.
            || (i > 0
                && ["may", "might", "can", "could", "will", "would"]
                    .contains(&plain[i - 1].as_str()))
            || (GENERIC_MODIFIERS.contains(&modifier)
                && !(noun == "branch" && BRANCH_NAMES.contains(&modifier)))
            || KIND_NOUNS.contains(&modifier)
            // "adds user x", "tightens policy": a verb, not a name.
            || ((modifier.ends_with('s') && !modifier.ends_with("ss"))
                || modifier.ends_with("ed"))
                && super::lexicon::effect_verb(modifier)
            || in_action(modifier)
        {
            return None;
        }
        // "the General channel": a capitalised word inside a sentence is a name.
        let nationality = ["an", "ian", "ese", "ish", "ch", "ss", "ek", "ai"]
            .iter()
            .any(|e| modifier.ends_with(e));
        if capitalised_inside(text, modifier) && !nationality && !super::lexicon::on_topic(modifier)
        {
            return Some(modifier);
        }
        if noun == "branch" && BRANCH_NAMES.contains(&modifier) {
            return Some(modifier);
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

/// Common branch names, which are also ordinary words.
const BRANCH_NAMES: &[&str] = &[
    "main",
    "master",
    "develop",
    "release",
    "staging",
    "production",
];

/// Whether `word` is written with a capital inside a sentence (not after `.`, `!`, `?`, `:` or
/// at the start).
fn capitalised_inside(text: &str, word: &str) -> bool {
    let mut cap = String::new();
    let mut chars = word.chars();
    if let Some(first) = chars.next() {
        cap.extend(first.to_uppercase());
        cap.push_str(chars.as_str());
    }
    text.match_indices(&cap).any(|(i, _)| {
        let before = text[..i].trim_end();
        let whole = !text[i + cap.len()..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
            && !text[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
        whole && !before.is_empty() && !before.ends_with(['.', '!', '?', ':', '-', '*', '•', '\n'])
    })
}

pub(super) const ADJECTIVE_ENDINGS: &[&str] = &[
    "ed", "ent", "ant", "ive", "al", "ic", "ous", "able", "ible", "ful", "less", "ian", "an",
    "ish", "ese", "ary", "ory", "ing", "ly", "ern",
];

/// Words that name departments and systems but are also ordinary vocabulary.
#[rustfmt::skip]
pub(super) const NAME_WORDS: &[&str] = &[
    "payroll", "hr", "marketing", "sales", "legal", "engineering", "operations", "support",
    "billing", "analytics", "reporting", "inventory", "orders", "crm", "erp", "warehouse",
    "finance", "accounting", "procurement", "treasury", "research", "clinical", "login", "auth",
    "checkout", "search", "staging", "production", "development", "sandbox", "test",
];

/// Values (in their common forms) whose opposite stated in an explanation describes a
/// different action.
pub(super) const VALUE_OPPOSITES: &[(&[&str], &[&str])] = &[
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
    (
        &["void", "voids", "voided", "voiding"],
        &["paid", "settled"],
    ),
    (&["heat", "heats", "heating"], &["cool", "cools", "cooling"]),
    // A thermostat or device mode set to off told as heating or cooling.
    (
        &["heat", "heats", "heating", "cool", "cools", "cooling"],
        &["off"],
    ),
    (&["business"], &["economy"]),
    // Outcomes and states of records: a deal, a ticket, a delivery, an order's side.
    (&["won"], &["lost"]),
    (&["limit"], &["market"]),
    (
        &["close", "closes", "closed", "closing", "shut", "shuts"],
        &["open", "opens", "opened", "opening"],
    ),
    (
        &["reopen", "reopens", "reopened", "reopening", "unresolved"],
        &["closed", "solved", "resolved", "done"],
    ),
    (
        &["delivered", "succeeded", "successful", "successfully"],
        &["failed", "failure"],
    ),
    (
        &["buy", "buys", "bought", "buying"],
        &["sell", "sells", "sold", "selling"],
    ),
    (&["voluntary", "voluntarily"], &["involuntary"]),
    (&["soft"], &["hard"]),
    (&["unpaid"], &["paid"]),
    (
        &["block", "blocks", "blocked"],
        &["allow", "allows", "allowed"],
    ),
    (
        &["suspend", "suspends", "suspended"],
        &[
            "unsuspend",
            "unsuspends",
            "reactivate",
            "reactivates",
            "reactivated",
        ],
    ),
    (
        &["accept", "accepts", "accepted", "accepting"],
        &[
            "drop", "drops", "dropped", "reject", "rejects", "rejected", "block", "blocks",
            "blocking",
        ],
    ),
];

pub(super) fn whole_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .any(|t| t == word)
}

/// The explanation's words for judging the effect, with names masked: a word that is part of
/// a dotted, slashed or underscored name (`install` of `install.sh`) or that quotes the
/// action's command after its program (`prune` of "docker system prune") names something, it
/// does not say what happens.
pub(super) fn effect_words(key: &TeachBackKey, plain: &[String], lower: &str) -> Vec<String> {
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
pub(super) fn flag_verb(key: &TeachBackKey) -> Option<&'static str> {
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
    // Terraform's single-dash `-destroy` (`terraform apply -destroy`).
    if dump.contains("\"-destroy") || dump.contains(" -destroy") {
        return Some("destroy");
    }
    LONG.iter()
        .find(|f| dump.contains(&format!("--{f}")))
        .copied()
}

/// Whether the action's arguments say one of `forms` (a value `public`, or a flag
/// `"enabled":true`, or an opposite flag `"private":false`).
pub(super) fn asserts(key: &TeachBackKey, forms: &[&str], opposites: &[&str]) -> bool {
    let dump = key.argument_dump.as_str();
    // A key ending in the word counts too (`"sso_enabled":false`).
    let flag = |w: &str, v: &str| {
        dump.contains(&format!("{w}\":{v}")) || dump.contains(&format!("{w}\": {v}"))
    };
    // What the call does is said by its operation or state arguments (`service: unlock`),
    // not by a domain or entity that shares the word (`domain: lock`).
    let operation: String = key
        .kwargs()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| OPERATION_KEYS.contains(&k.to_lowercase().as_str()))
                .filter_map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        })
        .unwrap_or_default();
    let said = if operation.is_empty() {
        dump
    } else {
        operation.as_str()
    };
    forms
        .iter()
        .any(|w| (whole_word(said, w) && !flag(w, "false")) || flag(w, "true"))
        || opposites.iter().any(|w| flag(w, "false"))
}

/// Arguments that say what a call does or sets.
const OPERATION_KEYS: &[&str] = &[
    "service",
    "action",
    "state",
    "status",
    "operation",
    "op",
    "mode",
    "visibility",
    "acl",
    "access",
    "privacy",
    "command",
    "method",
    "setting",
];

pub(super) const SOURCE_KEYS: &[&str] = &[
    "source",
    "src",
    "from",
    "source_path",
    "source_mrn",
    "origin",
];
pub(super) const DESTINATION_KEYS: &[&str] = &[
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
pub(super) const CURRENCIES: &[(&str, &[&str])] = &[
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
    ("cad", &["cad", "c$", "ca$", "canadian"]),
    ("aud", &["aud", "a$", "au$", "australian"]),
    ("nzd", &["nzd", "nz$"]),
    ("sgd", &["sgd", "s$"]),
    ("hkd", &["hkd", "hk$"]),
    ("nok", &["nok", "kroner"]),
    ("dkk", &["dkk"]),
    ("pln", &["pln", "zloty", "złoty"]),
    ("cny", &["cny", "rmb", "yuan"]),
];

/// Whether the explanation names any currency (a code, symbol or name).
pub(super) fn names_currency(plain: &[String], lower: &str) -> bool {
    CURRENCIES.iter().any(|(_, forms)| {
        forms.iter().any(|f| {
            if f.chars().all(char::is_alphabetic) {
                plain.iter().any(|w| w == f)
            } else {
                lower.contains(f)
            }
        })
    })
}

/// Currencies also written with a bare `$` or "dollars": only "USD" or "US$" names the US
/// dollar against them.
const DOLLAR_FAMILY: &[&str] = &["cad", "aud", "nzd", "sgd", "hkd", "usdt", "usdc"];

/// A move, copy or merge described the wrong way round ("from" the destination, "into" the
/// source), or an amount in another currency than the action's.
pub(super) fn direction_or_currency_failure(key: &TeachBackKey, lower: &str) -> Option<String> {
    if amount_in_other_currency(key, lower) {
        return Some(
            "the explanation states the amount in another currency than the action's".to_owned(),
        );
    }
    let value_of = |keys: &[&str]| -> Option<String> {
        let map = key.kwargs()?;
        keys.iter()
            .find_map(|k| map.get(*k).and_then(|v| v.as_str()))
            .map(|v| v.to_lowercase())
            .filter(|v| v.len() >= 3)
    };
    // `from_account` / `to_account`, `source_bucket` / `destination_bucket`.
    let value_with = |prefixes: &[&str]| -> Option<String> {
        let map = key.kwargs()?;
        map.iter()
            .filter(|(k, _)| {
                let k = k.to_lowercase();
                prefixes.iter().any(|p| k.starts_with(p))
            })
            .find_map(|(_, v)| v.as_str())
            .map(str::to_lowercase)
            .filter(|v| v.len() >= 3)
    };
    let source = value_of(SOURCE_KEYS).or_else(|| value_with(&["from_", "source_", "src_"]));
    let destination = value_of(DESTINATION_KEYS)
        .or_else(|| value_with(&["to_", "destination_", "dest_", "target_"]));
    if let (Some(source), Some(destination)) = (source, destination)
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
    // `sourceAmount` is in `sourceCurrency`.
    let currency = value_of(&["currency", "asset", "token", "coin"]).or_else(|| {
        let map = key.kwargs()?;
        let amount_prefix = map.keys().find_map(|k| {
            let k = k.to_lowercase();
            k.strip_suffix("amount").map(str::to_owned)
        })?;
        map.iter()
            .find(|(k, _)| k.to_lowercase() == format!("{amount_prefix}currency"))
            .and_then(|(_, v)| v.as_str())
            .map(str::to_lowercase)
    })?;
    let own = CURRENCIES.iter().find(|(code, _)| *code == currency)?;
    // The action's identifiers are not currency names: "from ops-eur-01" names an account,
    // not euros. Mask every argument value with a digit, `-` or `_` in it before looking.
    let mut masked = lower.to_owned();
    if let Some(map) = key.kwargs() {
        for v in map.values().filter_map(|v| v.as_str()) {
            let v = v.to_lowercase();
            if v.len() >= 4
                && !v.contains(char::is_whitespace)
                && v.contains(|c: char| c.is_ascii_digit() || c == '-' || c == '_')
            {
                masked = masked.replace(&v, " ");
            }
        }
    }
    let masked_plain = explain::plain_words(&masked);
    let names = |forms: &[&str]| {
        forms.iter().any(|f| {
            if f.chars().all(|c| c.is_alphabetic()) {
                masked_plain.iter().any(|w| w == f)
            } else {
                masked.contains(f)
            }
        })
    };
    let other = CURRENCIES
        .iter()
        .filter(|(code, _)| *code != own.0)
        .any(|(code, forms)| {
            if *code == "usd" && DOLLAR_FAMILY.contains(&own.0) {
                // `us$` contains `$`: a dollar sign is a dollar for any dollar currency.
                own.0 != "usdt" && (names(&["usd", "us$", "us dollar"]))
            } else {
                names(forms)
            }
        });
    (other && !names(own.1)).then(|| {
        "the explanation states the amount in another currency than the action's".to_owned()
    })
}

/// An amount of a conversion said in the other side's currency: `source_amount: 850.75` in
/// `source_currency: USD` told as "850.75 yen" when `target_currency` is JPY.
fn amount_in_other_currency(key: &TeachBackKey, lower: &str) -> bool {
    let Some(map) = key.kwargs() else {
        return false;
    };
    let code = |v: &serde_json::Value| -> Option<&'static (&'static str, &'static [&'static str])> {
        let v = v.as_str()?.to_lowercase();
        CURRENCIES.iter().find(|(c, _)| *c == v)
    };
    let currencies: Vec<_> = map
        .iter()
        .filter(|(k, _)| k.to_lowercase().contains("currency"))
        .filter_map(|(_, v)| code(v))
        .collect();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || "(),;:".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    let names = |w: &str, forms: &[&str]| {
        let bare = w.trim_matches(|c: char| !c.is_alphabetic());
        forms.iter().any(|f| {
            if f.chars().all(char::is_alphabetic) {
                bare == *f
            } else {
                w.contains(f)
            }
        })
    };
    map.iter().any(|(k, v)| {
        let k = k.to_lowercase();
        let (Some(prefix), Some(amount)) = (k.strip_suffix("amount"), v.as_f64()) else {
            return false;
        };
        let Some(own) = map
            .iter()
            .find(|(c, _)| c.to_lowercase() == format!("{prefix}currency"))
            .and_then(|(_, c)| code(c))
        else {
            return false;
        };
        let others: Vec<_> = currencies.iter().filter(|c| c.0 != own.0).collect();
        words.iter().enumerate().any(|(i, w)| {
            let said = super::numbers::numbers_in(w)
                .iter()
                .any(|n| super::text::amounts_equal(*n, amount));
            let near = &words[i.saturating_sub(1)..words.len().min(i + 3)];
            said && !near.iter().any(|x| names(x, own.1))
                && others
                    .iter()
                    .any(|(_, forms)| near.iter().any(|x| names(x, forms)))
        })
    })
}

/// Verbs that say only that something changes, runs or comes to be: what it does is said in
/// other verbs ("invites", "buys", "doubles", "makes … an admin"). `add`, `create`, `update`,
/// `issue`, `place`, `attach` name no effect of their own.
pub(super) const GENERIC_VERBS: &[&str] = &[
    "chang", "modif", "set", "appl", "run", "add", "creat", "updat", "issu", "plac", "attach",
    "writ", "put", "mak",
];

/// Role names that grant the same rights.
pub(super) const ROLE_SYNONYMS: &[&[&str]] = &[
    &["writer", "editor", "write", "edit"],
    &["reader", "viewer", "read", "view"],
    // Full control either way: an owner is an administrator.
    &["admin", "administrator", "superuser", "owner", "owners"],
];

/// Strings of the action's lists with at least two items (`["cam-1", "cam-2"]`), lower case.
pub(super) fn listed_values(arguments: &serde_json::Value) -> Vec<String> {
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
pub(super) fn understates(words: &[String]) -> bool {
    const AFTER_ONLY_OK: &[&str] = &[
        // "they're just gone": emphasis on the effect, not a smaller scope.
        "gone",
        "deleted",
        "removed",
        "erased",
        "wiped",
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
            && !explain::negated(words, i)
            // "only a backup could bring it back", "just like": not about the scope.
            && !words.get(i + 1).is_some_and(|n| ["like", "as", "in", "once", "now"].contains(&n.as_str()))
    });
    let retained = words.iter().enumerate().any(|(i, w)| {
        RETAINED.contains(&w.as_str())
            && !explain::negated(words, i)
            && words[i.saturating_sub(6)..words.len().min(i + 4)]
                .iter()
                .any(|o| OTHERS.contains(&o.as_str()))
    });
    only || retained
}

/// Time units by dimension rank.
pub(super) const TIME_UNITS: &[(&str, &[&str])] = &[
    ("second", &["s", "sec", "secs", "second", "seconds"]),
    ("minute", &["min", "mins", "minute", "minutes"]),
    ("hour", &["h", "hr", "hrs", "hour", "hours"]),
    ("day", &["d", "day", "days"]),
    ("week", &["w", "week", "weeks"]),
];

/// Durations an argument states: `duration_hours: 8` by its key, `"duration": "7 days"` or
/// `"retention": "30 min"` by its text (a number, then a unit of time).
fn durations(key: &TeachBackKey) -> Vec<(f64, &'static str)> {
    let Some(kwargs) = key.kwargs() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in kwargs {
        let k = k.to_lowercase();
        if let Some(n) = v.as_f64() {
            if let Some((unit, _)) = TIME_UNITS.iter().find(|(u, _)| k.contains(u)) {
                out.push((n, *unit));
            }
        } else if let Some(text) = v.as_str().filter(|t| t.len() <= 64) {
            let words = explain::plain_words(&text.to_lowercase());
            for pair in words.windows(2) {
                if let (Ok(n), Some((unit, _))) = (
                    pair[0].parse::<f64>(),
                    TIME_UNITS
                        .iter()
                        .find(|(_, forms)| forms.iter().any(|f| f.len() > 1 && *f == pair[1])),
                ) {
                    out.push((n, *unit));
                }
            }
        }
    }
    out
}

/// A duration of the action stated with its number but another unit ("7 hours" for 7 days).
pub(super) fn unit_mismatch(key: &TeachBackKey, text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    for (n, unit) in durations(key) {
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
                .any(|(u, forms)| *u != unit && forms.contains(&word.as_str()));
            if other {
                return Some(
                    "the explanation states a number that is not part of this action".to_owned(),
                );
            }
        }
    }
    None
}
