//! The teach-back v2 judgement: is the effect stated (not negated, not reversed), is the main
//! target named and no other, is the amount exact, is the scope not understated, and are the
//! explanation's own words about the action? Failure messages say what is missing, never the
//! right answer.

use super::claims::{
    VALUE_OPPOSITES, asserts, direction_or_currency_failure, effect_words, flag_verb, foreign_name,
    listed_values, understates, unit_mismatch,
};
use super::consequence::{self, Consequence};
use super::explain::{self, EffectVerdict};
use super::numbers;
use super::teach_back::{KeyTermCategory, KeyTermGroup, TeachBackKey};
use super::text::words;

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
    // One whimsical word the action does not mention: filler around key terms. An action
    // with pictographs (a "🍕 + drinks" note) may be retold in words.
    let pictographs = key.argument_dump.chars().any(|c| {
        ('\u{1F300}'..='\u{1FAFF}').contains(&c) || ('\u{2600}'..='\u{27BF}').contains(&c)
    });
    if let Some(w) = plain.iter().filter(|_| !pictographs).find(|w| {
        super::lexicon::absurd(w)
            && key
                .vocabulary
                .binary_search_by(|v| v.as_str().cmp(w))
                .is_err()
            && !key.argument_dump.contains(w.as_str())
            && !key.action.to_lowercase().contains(w.as_str())
    }) {
        return Some(format!(
            "the explanation is not about this action (\"{w}\"); describe what it does and to what"
        ));
    }
    // Three everyday things the action does not mention: filler around key terms.
    let mut everyday: Vec<&str> = plain
        .iter()
        .map(String::as_str)
        .filter(|w| {
            super::lexicon::everyday(w)
                && key
                    .vocabulary
                    .binary_search_by(|v| v.as_str().cmp(w))
                    .is_err()
        })
        .collect();
    everyday.sort_unstable();
    everyday.dedup();
    if everyday.len() >= 3 {
        return Some(
            "the explanation is mostly not about this action; describe what it does and to what"
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
    // A destructive flag (`git push --delete x`) says what the command does over its verb.
    let destructive_flag = flag_verb(key).filter(|v| {
        [
            "delete", "remove", "purge", "prune", "drop", "destroy", "wipe", "revoke", "flush",
        ]
        .contains(v)
    });
    let verb = destructive_flag
        .and_then(|v| explain::verb_spec(&[v.to_owned()], &[]))
        .or_else(|| explain::verb_spec(&key.action_tokens, &key.command_tokens))
        .or_else(|| flag_verb(key).and_then(|v| explain::verb_spec(&[v.to_owned()], &[])));
    let own_verb = verb.as_ref().and_then(|v| v.stems.first().copied());
    specs.extend(verb);
    // What the action's own switches also ask for (`deleteAfterForward: true`, `then:
    // delete`) is no reversal.
    let asked: String = key
        .kwargs()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| match v {
                    serde_json::Value::Bool(true) => Some(k.to_lowercase()),
                    // A setting cleared (`required_status_checks: null`) is removed; an
                    // expiry or limit left empty (`expires: null`) only means "never".
                    serde_json::Value::Null
                        if ![
                            "expir", "until", "end", "ttl", "deadline", "limit", "max", "valid",
                        ]
                        .iter()
                        .any(|x| k.to_lowercase().contains(x)) =>
                    {
                        Some("remove delete drop disable clear".to_owned())
                    }
                    // A cancellation with a fee still charges ("costs a €890 fee").
                    _ if ["fee", "penalty"]
                        .iter()
                        .any(|f| k.to_lowercase().contains(f)) =>
                    {
                        Some("charge charged pay paid cost".to_owned())
                    }
                    serde_json::Value::String(s)
                        if ["then", "action", "operation", "op", "mode"]
                            .contains(&k.to_lowercase().as_str()) =>
                    {
                        Some(s.to_lowercase())
                    }
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    for spec in &mut specs {
        spec.opposites.retain(|o| {
            let stem = o.trim_end_matches('$');
            let stem = stem
                .strip_suffix("es")
                .or_else(|| stem.strip_suffix('s'))
                .unwrap_or(stem);
            // Nor is the action's own light verb (`creates` for `dropbox_create_shared_link`).
            let own_light = key.action_tokens.iter().any(|t| {
                ["create", "add", "set", "update", "make"].contains(&t.as_str())
                    && (t.starts_with(stem) || stem.starts_with(t.as_str()))
            });
            stem.contains(' ') || stem.len() < 3 || !(asked.contains(stem) || own_light)
        });
    }
    let effect_terms = key
        .key_terms
        .iter()
        .any(|g| g.category == KeyTermCategory::Effect);
    let effect_named = matched
        .iter()
        .any(|g| g.category == KeyTermCategory::Effect);
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
    let verdict = if specs.is_empty() {
        EffectVerdict::Missing
    } else {
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
        // An action whose own verb is unknown or only says that something changes: its
        // effect is said in the explanation's own verbs (see `own_words`).
        EffectVerdict::Missing
            if super::own_words::effect_in_own_words(key, &plain, own_verb, &target_words)
                || super::own_words::field_verb(key, &plain) => {}
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
    let named = super::targets_named::target_named(&primary, &targets, matched, lower);
    if !targets.is_empty() && !named {
        return Some(
            "the explanation does not name what the action affects (its target)".to_owned(),
        );
    }
    if let Some(reason) = super::targets_named::different_kind(key, &plain, &targets) {
        return Some(reason);
    }
    // A filtered statement described as touching everything without a filter.
    let sql = key.argument_dump.contains("delete from") || key.argument_dump.contains("update ");
    // A statement with WHERE, or a bulk call with a filter argument (`created_before`,
    // `filter`, `older_than_days`).
    let key_names: Vec<String> = key
        .kwargs()
        .map(|m| m.keys().map(|k| k.to_lowercase()).collect())
        .unwrap_or_default();
    let filter_key = [
        "filter",
        "where",
        "before",
        "older",
        "after",
        "criteria",
        "condition",
        "status",
    ]
    .iter()
    .any(|f| key_names.iter().any(|k| k.contains(f)))
        // `-target=module.x`, `--filter`, `-l app=web`: a command limited to some resources.
        || [
            " -target", " --target", " -filter", " --filter", " --selector", " -l ", " -name ",
            " -iname ", " -mtime ", " --include", " --exclude", " --pattern",
        ]
        .iter()
        .any(|f| key.argument_dump.contains(f))
        // A search query (`jql`, `soql`) selects some items.
        || key_names
            .iter()
            .any(|k| ["jql", "soql", "segment", "pattern"].contains(&k.as_str()));
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
            "whatever its",
            "whatever their",
            "whatever the",
            "irrespective",
            "of any type",
            "all types",
            "every type",
            "any status",
            "whole database",
            "entire database",
            "whole configuration",
            "entire configuration",
            "worldwide",
            "all regions",
            "every region",
            // A targeted command (`-target=…`) told as reaching everything it manages.
            "whole environment",
            "entire environment",
        ]
        .iter()
        .any(|p| lower.contains(p))
    {
        return Some(
            "the explanation overstates or misstates how much the action affects (its scope)"
                .to_owned(),
        );
    }
    // A filtered bulk statement or command told as touching one item ("a single user in
    // Sales"), unless it filters by an id.
    let by_id = ["_id =", "_id=", " id =", " id=", "\"id\":"]
        .iter()
        .any(|p| key.argument_dump.contains(p));
    if let Some(reason) = super::scope_words::only_other_columns(key, &plain)
        .or_else(|| super::scope_words::local_only(key, lower))
    {
        return Some(reason);
    }
    let filtered = (sql && key.argument_dump.contains(" where ")) || filter_key;
    if let Some(reason) = super::scope_words::every_filtered_value(key, lower).filter(|_| filtered)
    {
        return Some(reason);
    }
    if ((sql && key.argument_dump.contains(" where ")) || filter_key)
        && !by_id
        && super::scope_words::narrows_to_one(&plain)
    {
        return Some(
            "the explanation understates how much the action affects (its scope)".to_owned(),
        );
    }
    if let Some(reason) = super::roles::read_only_for_write(key, lower) {
        return Some(reason);
    }
    let everything = key.key_terms.iter().any(|g| g.label == "scope: everything");
    // "today only" quoted from the message the action sends is no claim about its scope.
    let scope_words: Vec<String> = plain
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let quoted = (w == "only" || w == "just")
                && i > 0
                && key.argument_dump.contains(&format!("{} {w}", plain[i - 1]));
            if quoted { String::new() } else { w.clone() }
        })
        .collect();
    if everything
        && (understates(&scope_words)
            || super::scope_words::narrows_to_one(&plain)
            || super::scope_words::selects_part(&plain))
    {
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
    let tokens = words(lower);
    // The action names a DNS record or host of its own (`name: login`).
    let names_record = key.kwargs().is_some_and(|m| {
        m.iter().any(|(k, v)| {
            [
                "name",
                "record",
                "record_name",
                "subdomain",
                "hostname",
                "host",
            ]
            .contains(&k.to_lowercase().as_str())
                && v.is_string()
        })
    });
    for token in &tokens {
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
        // `/admin/*` is a path too, with its glob.
        if (path.starts_with('/') || path.starts_with("~/"))
            && (path.matches('/').count() >= 2 || lower.contains(&format!("{path}/*")))
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
        // `lock.front_door`, `lock.unlock`: an entity or service named by parts the action has.
        let parts_known = token
            .split('.')
            .all(|p| p.len() >= 2 && key.argument_dump.contains(p));
        if (looks_file || looks_address)
            && !parts_known
            && !targets.iter().any(|g| {
                g.phrases.iter().any(|p| {
                    p == &token
                        || p.contains(token.as_str())
                        || (p.contains('.') && p.len() >= 4 && contains_whole_name(&token, p))
                })
            })
            && !key.vocabulary.iter().any(|v| v == &token)
            && !key.argument_dump.contains(token.as_str())
            // `www.shop.example.com` for a zone `shop.example.com`: a name inside the action's,
            // unless the action names its record and this is another one (`api.` for `login`).
            && !token.match_indices('.').any(|(i, _)| {
                let (prefix, suffix) = (&token[..i], &token[i + 1..]);
                suffix.contains('.')
                    && contains_whole_name(&key.argument_dump, suffix)
                    && (!names_record
                        || prefix
                            .split('.')
                            .all(|l| super::claims::whole_word(&key.argument_dump, l)))
            })
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
    if super::regions::foreign_region(&key.argument_dump, lower) {
        return Some("the explanation names something that is not part of this action".to_owned());
    }
    // A word taken for a name only by where it stands ("the NatWest account", "the Vienna
    // hotel"): honest explanations add such names, so the second reading may overrule it.
    if foreign_name(key, &plain, text).is_some() {
        return Some("the explanation names something the action does not mention".to_owned());
    }
    // "made private" for an action that makes something public (and other value pairs).
    for (said, other) in VALUE_OPPOSITES
        .iter()
        .flat_map(|(a, b)| [(*a, *b), (*b, *a)])
    {
        let said_at = plain.iter().position(|w| said.contains(&w.as_str()));
        // "from private to publc": the other value, typo and all.
        let says_other = plain.iter().any(|w| {
            other
                .iter()
                .any(|o| *o == w.as_str() || (o.len() >= 5 && explain::edit_distance_le1(o, w)))
        });
        if let Some(i) = said_at
            && !says_other
            && !explain::negated(&plain, i)
            // "until it is armed again": what undoes it.
            && !explain::hypothetical(&plain, i)
            && asserts(key, other, said)
            && !asserts(key, said, other)
        {
            return Some(
                "the explanation states a value that is not part of this action".to_owned(),
            );
        }
    }
    if let Some(reason) = direction_or_currency_failure(key, lower)
        .or_else(|| super::routes::route_reversed(key, lower))
        .or_else(|| super::arguments::argument_failure(key, &plain, lower))
    {
        return Some(reason);
    }
    // A link for anyone, or a public share, described as for one person.
    let anyone = [
        "\"anyone\"",
        "anyone_with_link",
        "anyonewithlink",
        "\"public\"",
        "\"domain\"",
    ]
    .iter()
    .any(|a| key.argument_dump.contains(a));
    if anyone
        && [
            "nobody else",
            "no one else",
            "one specific",
            "only one person",
            "a single person",
            "just one person",
        ]
        .iter()
        .any(|p| lower.contains(p))
    {
        return Some(
            "the explanation understates how much the action affects (its scope)".to_owned(),
        );
    }
    // Open to the whole internet (`0.0.0.0/0`, a `*` principal, a public link) told as
    // limited to the office, the team or our own account.
    let compact_dump = key.argument_dump.replace(['\\', ' '], "");
    let world = [
        "0.0.0.0/0",
        "::/0",
        "\"principal\":\"*\"",
        "\"principal\":{\"aws\":\"*\"}",
        "allusers",
        "allauthenticatedusers",
        "\"public\"",
        "public-read",
        "\"anyone\"",
        "anyone_with_link",
        "anyonewithlink",
    ]
    .iter()
    .any(|a| compact_dump.contains(a));
    if world
        && [
            "office ip",
            "office network",
            "office range",
            "our office",
            "only our",
            "our own",
            "team-only",
            "team only",
            "not the public",
            "nobody outside",
            "no one outside",
            "internal only",
            "only internal",
            "company only",
            "only people in",
            "only members",
            "only org members",
            "the vpn",
            "our vpn",
            "only from",
            "only to the",
        ]
        .iter()
        .any(|p| lower.contains(p))
    {
        return Some(
            "the explanation understates how much the action affects (its scope)".to_owned(),
        );
    }
    // Something the action includes (`include_comments: true`) said to be left out.
    if let Some(kwargs) = key.kwargs() {
        for (k, v) in kwargs {
            let k = k.to_lowercase();
            let Some(what) = k
                .strip_prefix("include_")
                .or_else(|| k.strip_prefix("with_"))
            else {
                continue;
            };
            let stem = what.trim_end_matches('s');
            if v == &serde_json::Value::Bool(true)
                && stem.len() >= 3
                && ["without", "excluding", "except", "no"].iter().any(|neg| {
                    plain
                        .windows(4)
                        .any(|w| w[0] == *neg && w[1..].iter().any(|x| x.starts_with(stem)))
                })
            {
                return Some("the explanation leaves out something the action includes".to_owned());
            }
        }
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
    // A value the display hid ("[REDACTED]") may be quoted by the one who set it: an access
    // key id, a password with a symbol in it ("Welcome2025!").
    let hidden = key.argument_dump.contains("[redacted");
    for token in lower.split(|c: char| c.is_whitespace() || ",;()[]{}\"'".contains(c)) {
        let t = token.trim_matches(|c: char| !c.is_alphanumeric());
        if hidden
            && (t.starts_with("akia")
                || t.starts_with("asia")
                || token.chars().any(|c| "#!&%^*~?".contains(c)))
        {
            continue;
        }
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
            // `owner` and `repo` given apart.
            && !(key.argument_dump.contains(a) && key.argument_dump.contains(b))
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
    if tokens.iter().any(|token| {
        let t = token.trim_matches(|c: char| !c.is_alphanumeric());
        t.contains('_')
            && t.split('_').filter(|p| !p.is_empty()).count() >= 2
            && !key.argument_dump.contains(t)
            && !key.action.to_lowercase().contains(t)
            // `analytics.events_2022`: a name qualified by the action's own schema or folder.
            && !t
                .split(['.', '/'])
                .all(|p| p.len() >= 2 && key.argument_dump.contains(p))
    }) {
        return Some("the explanation names something that is not part of this action".to_owned());
    }
    // Dates in any common form; the action's own dates are not judged again as numbers.
    let undated = match super::dates::judge_dates(key, text) {
        Ok(t) => t,
        Err(reason) => return Some(reason),
    };
    // An unlimited allowance (`2^256 - 1`, a token approval's `max uint256`) is stated as
    // one: "unlimited", "infinite", "any amount", "all our USDC".
    let unlimited = !key.amounts.is_empty()
        && key.amounts.iter().all(|a| *a >= 1e30)
        && [
            "unlimited",
            "infinite",
            "max uint",
            "maximum",
            "any amount",
            "no limit",
            "uint256",
            "all of",
            "all the",
            "all our",
            "all its",
            "all their",
        ]
        .iter()
        .any(|w| lower.contains(w));
    if !key.amounts.is_empty() && !unlimited && !numbers::states_amount(text, &key.amounts) {
        return Some("the explanation does not state the amount exactly".to_owned());
    }
    // `amount: 4999` in cents said as "4,999.00" or "€4,999": money said in the wrong unit.
    let majors: Vec<f64> = key
        .amounts
        .iter()
        .copied()
        .filter(|a| !key.minor_unit_amounts.contains(a))
        .collect();
    if !key.minor_unit_amounts.is_empty()
        && !numbers::states_amount(text, &majors)
        && (super::claims::names_currency(&plain, lower)
            || lower.contains(".00")
            || lower.contains(",00"))
    {
        return Some("the explanation does not state the amount exactly".to_owned());
    }
    if let Some(reason) = super::number_claims::foreign_number(key, text, &undated) {
        return Some(reason);
    }
    if super::keyed_counts::miscounted(key, &undated) {
        return Some("the explanation states a count that is not part of this action".to_owned());
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
