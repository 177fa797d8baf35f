//! How much an action touches, as an explanation says it: one item for a counted or
//! everything-scope action ("for one user", "only the next appointment"), every item for an
//! action on one ("every email in the inbox" for one email), once for a repeating one.

use serde_json::Value;

use super::arguments::{denied, denied_before};
use super::teach_back::TeachBackKey;

/// Nouns after "one" that are not an item the action touches ("in one go", "one command").
const NOT_ITEMS: &[&str] = &[
    "go",
    "by",
    "command",
    "step",
    "call",
    "request",
    "shot",
    "batch",
    "statement",
    "query",
    "transaction",
    "operation",
    "pass",
    "click",
    "line",
    "of",
    "more",
    "another",
    "way",
    "place",
    "week",
    "day",
    "month",
    "year",
    "hour",
    "minute",
    "second",
    "time",
    "moment",
    "sweep",
    "action",
    "run",
    "api",
    "and",
    "or",
    // Containers: "one folder and everything in it" is the whole of it.
    "directory",
    "folder",
    "dir",
    "table",
    "database",
    "collection",
    "bucket",
    "repo",
    "repository",
    "namespace",
    "cluster",
    "group",
    "project",
    "list",
    "zone",
    "store",
    "volume",
    "drive",
    "disk",
    "server",
    "machine",
    "host",
    "tree",
    "mailbox",
    "inbox",
    "org",
    "organization",
    "workspace",
    "tenant",
    "domain",
    "channel",
    "account",
];

/// "for one user", "a single row", "only the next appointment": the action told as touching
/// one item.
pub(super) fn narrows_to_one(words: &[String]) -> bool {
    words.iter().enumerate().any(|(i, w)| {
        let prev = i.checked_sub(1).map(|p| words[p].as_str()).unwrap_or("");
        let next = words.get(i + 1).map(String::as_str).unwrap_or("");
        let one = (w == "one"
            && ![
                "every", "no", "any", "than", "at", "in", "each", "which", "this", "that", "the",
            ]
            .contains(&prev))
            || (w == "single" && prev != "every");
        (one && next.len() >= 3 && !NOT_ITEMS.contains(&next) && !denied(words, i))
            || ((w == "only" || w == "just")
                && [next, words.get(i + 2).map(String::as_str).unwrap_or("")]
                    .iter()
                    .take(if next == "the" { 2 } else { 1 })
                    .any(|n| ["next", "first", "last", "oldest", "newest", "latest"].contains(n)))
            || (["nobody", "everyone", "everybody"].contains(&w.as_str()) && next == "else")
            || (w == "no" && next == "one" && words.get(i + 2).is_some_and(|n| n == "else"))
    })
}

/// Whether the action repeats (`recurring: true`, `frequency: monthly`).
pub(super) fn recurring(key: &TeachBackKey) -> bool {
    key.kwargs().is_some_and(|m| {
        m.iter().any(|(k, v)| {
            let k = k.to_lowercase();
            ((k.contains("recurring") || k.contains("repeat")) && v == &Value::Bool(true))
                // `access_type: recurring`, `days: ["Mon", "Wed"]`.
                || v.as_str().is_some_and(|s| {
                    ["recurring", "repeating", "recurrent"].contains(&s.to_lowercase().as_str())
                })
                || (["days", "weekdays", "days_of_week", "by_day", "byday"].contains(&k.as_str())
                    && v.as_array().is_some_and(|a| !a.is_empty()))
                || (["frequency", "interval", "schedule", "recurrence", "cadence"]
                    .contains(&k.as_str())
                    && v.as_str().is_some_and(|s| {
                        let s = s.to_lowercase();
                        [
                            "daily",
                            "weekly",
                            "monthly",
                            "yearly",
                            "annual",
                            "quarterly",
                            "every",
                        ]
                        .iter()
                        .any(|f| s.contains(f))
                    }))
        })
    })
}

/// Whether the action handles several items (a count of at least two).
pub(super) fn several(key: &TeachBackKey) -> bool {
    key.kwargs().is_some_and(|m| {
        m.iter().any(|(k, v)| {
            let k = k.to_lowercase();
            (k.ends_with("count") || k.ends_with("occurrences") || k == "recipients")
                && v.as_f64().is_some_and(|n| n >= 2.0)
        })
    })
}

/// Whether the action is about one item: no everything scope, no list, no count above one,
/// no filter.
fn single_item(key: &TeachBackKey) -> bool {
    key.key_terms.iter().all(|g| g.label != "scope: everything")
        && !several(key)
        && key.kwargs().is_some_and(|m| {
            m.iter().all(|(k, v)| {
                let k = k.to_lowercase();
                !v.is_array()
                    && !v.is_object()
                    && !["filter", "where", "query", "selector", "all", "scope"]
                        .iter()
                        .any(|f| k.contains(f))
            })
        })
}

/// One item told as all of its kind: "every email in the inbox" for `delete_email(26)`,
/// "every Slack channel" for one channel.
pub(super) fn widens_to_all(key: &TeachBackKey, sentences: &[Vec<String>]) -> Option<String> {
    if !single_item(key) {
        return None;
    }
    // The object the action's name ends with (`email` of `delete_email`, `channel` of
    // `remove_user_from_channel`).
    let mut kinds: Vec<String> = key
        .action_tokens
        .iter()
        .take_while(|t| !["action", "operation", "op", "service"].contains(&t.as_str()))
        .skip(1)
        .last()
        // A plural object (`reset_factors`, `delete_contacts`) is many already.
        .filter(|t| t.len() >= 3 && !t.ends_with('s'))
        .cloned()
        .into_iter()
        .collect();
    // The kind its one id names (`post` of `post_id`, `variant` of `variant_id`) and the
    // words of a one-record name (`smoke` and `detector` of `switch.smoke_detector_hallway`).
    for (k, _) in key.kwargs().into_iter().flatten() {
        let tokens = super::text::identifier_tokens(k);
        if let [noun, id] = tokens.as_slice()
            && id == "id"
            && noun.len() >= 4
            && !["entity", "resource", "object", "item", "record"].contains(&noun.as_str())
        {
            kinds.push(noun.clone());
        }
    }
    for g in key
        .key_terms
        .iter()
        .filter(|g| g.primary && g.label.starts_with("record: "))
    {
        if let Some((_, last)) = g.label.rsplit_once(['.', '/']) {
            kinds.extend(
                last.to_lowercase()
                    .split(['_', '-'])
                    .filter(|p| p.len() >= 4)
                    .map(str::to_owned),
            );
        }
    }
    // What holds the object (`page` of `delete_page_post`): "the whole page" is more than
    // one post.
    let tokens = &key.action_tokens;
    let containers: Vec<&String> = tokens
        .iter()
        .position(|t| super::explain::verb_spec(std::slice::from_ref(t), &[]).is_some())
        .and_then(|v| tokens.get(v + 1..tokens.len().saturating_sub(1)))
        .unwrap_or_default()
        .iter()
        .filter(|t| t.len() >= 4)
        .collect();
    let whole_container = sentences.iter().any(|words| {
        words.iter().enumerate().any(|(i, w)| {
            ["whole", "entire"].contains(&w.as_str())
                && words[i + 1..words.len().min(i + 5)]
                    .iter()
                    .any(|n| containers.contains(&n))
                && !denied_before(words, i)
        })
    });
    if whole_container {
        return Some(
            "the explanation overstates or misstates how much the action affects (its scope)"
                .to_owned(),
        );
    }
    let kind = |w: &str| {
        kinds.iter().any(|k| k == w)
            || w.strip_suffix('s')
                .is_some_and(|n| kinds.iter().any(|k| k == n))
    };
    // "every email", "all channels", "every Slack channel", "every merino sweater variant".
    sentences
        .iter()
        .any(|words| {
            words.iter().enumerate().any(|(i, w)| {
                ["every", "all"].contains(&w.as_str())
                    && words[i + 1..words.len().min(i + 4)].iter().any(|n| kind(n))
                    && !denied_before(words, i)
            })
        })
        .then(|| {
            "the explanation overstates or misstates how much the action affects (its scope)"
                .to_owned()
        })
}

/// The names a filtered action filters on: the columns of a SQL `WHERE` (`tenant_id` →
/// `tenant`) and the keys of a filter object (`status`, `updated_at` → `updated`).
fn filter_names(key: &TeachBackKey) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let dump = &key.argument_dump;
    for marker in [" where ", " and ", " or "] {
        for (at, _) in dump.match_indices(marker) {
            let column: String = dump[at + marker.len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            let column = column.rsplit('.').next().unwrap_or("").to_owned();
            names.extend(super::text::identifier_tokens(&column));
        }
    }
    if let Some(m) = key.kwargs() {
        for (k, v) in m {
            if ["filter", "where", "query", "selector"].contains(&k.to_lowercase().as_str())
                && let Some(filter) = v.as_object()
            {
                names.extend(
                    filter
                        .keys()
                        .flat_map(|f| super::text::identifier_tokens(f)),
                );
            }
        }
    }
    names.retain(|n| {
        n.len() >= 4 && !["null", "true", "false", "like", "from"].contains(&n.as_str())
    });
    names.sort_unstable();
    names.dedup();
    names
}

/// A filtered action told as reaching every value of what it filters on: "for every tenant"
/// for `WHERE tenant_id = 'acme-eu'`.
pub(super) fn every_filtered_value(key: &TeachBackKey, lower: &str) -> Option<String> {
    let sentences: Vec<Vec<String>> = lower
        .split(['.', ';', '!', '?', '\n'])
        .map(super::explain::plain_words)
        .collect();
    let names = filter_names(key);
    if names.is_empty() {
        return None;
    }
    let named = |w: &str| {
        names.iter().any(|n| {
            w == n
                || w.strip_suffix('s').is_some_and(|s| s == n)
                || w.strip_suffix("ies")
                    .is_some_and(|s| n.strip_suffix('y') == Some(s))
        })
    };
    // "every status", "all countries", "whatever its status is", "of all stages".
    sentences
        .iter()
        .any(|words| {
            words.iter().enumerate().any(|(i, w)| {
                let next = &words[i + 1..words.len().min(i + 3)];
                ["every", "all", "each", "any", "whatever"].contains(&w.as_str())
                    && next.iter().any(|n| named(n))
                    // "all EU-region rows" says the filter's own value.
                    && !next.iter().any(|n| {
                        !named(n)
                            && !super::vocab::STOPWORDS.contains(&n.as_str())
                            && super::claims::whole_word(&key.argument_dump, n)
                    })
                    && !denied_before(words, i)
            })
        })
        .then(|| {
            "the explanation overstates or misstates how much the action affects (its scope)"
                .to_owned()
        })
}

/// Words that pick some items out of many ("the duplicate rows", "logs older than a year").
const SELECTING: &[&str] = &[
    "duplicate",
    "duplicates",
    "duplicated",
    "old",
    "older",
    "oldest",
    "stale",
    "unused",
    "inactive",
    "expired",
    "outdated",
    "obsolete",
    "orphaned",
    "temporary",
    "last",
    "latest",
    "newest",
    "first",
    "some",
    "certain",
    "specific",
    "selected",
    "matching",
    "few",
];

/// Words that say all of something.
const UNIVERSAL: &[&str] = &[
    "all",
    "every",
    "everything",
    "entire",
    "whole",
    "complete",
    "completely",
    "each",
    "any",
    "anything",
    "empties",
    "empty",
    "emptied",
    "wipes",
    "wiped",
];

/// Only a selected part told of an action on everything: the explanation picks some items
/// ("the duplicate rows", "logs older than a year") and never says all of them go.
pub(super) fn selects_part(words: &[String]) -> bool {
    let selects = words.iter().enumerate().any(|(i, w)| {
        SELECTING.contains(&w.as_str())
            && !denied_before(words, i)
            // "last night", "first thing": when, not which.
            && !words
                .get(i + 1)
                .is_some_and(|n| ["night", "week", "time", "thing", "step", "of"].contains(&n.as_str()))
    });
    selects && !words.iter().any(|w| UNIVERSAL.contains(&w.as_str()))
}

/// The columns a SQL statement selects (`email`, `phone`, `date`, `birth` of `SELECT email,
/// phone, date_of_birth FROM …`), or none for `SELECT *`.
fn selected_columns(dump: &str) -> Vec<String> {
    let Some(start) = dump.find("select ") else {
        return Vec::new();
    };
    let rest = &dump[start + 7..];
    let Some(end) = rest.find(" from ") else {
        return Vec::new();
    };
    let list = &rest[..end];
    if list.contains('*') || list.len() > 400 {
        return Vec::new();
    }
    list.split(',')
        .flat_map(|c| super::text::identifier_tokens(c.trim()))
        .filter(|t| t.len() >= 3)
        .collect()
}

/// "Exports only the patient ids" for a statement that selects other columns: the explanation
/// narrows the data to columns the action does not take.
pub(super) fn only_other_columns(key: &TeachBackKey, words: &[String]) -> Option<String> {
    let columns = selected_columns(&key.argument_dump);
    if columns.is_empty() {
        return None;
    }
    let column = |w: &str| {
        columns
            .iter()
            .any(|c| w == c || w.trim_end_matches('s') == c || c.starts_with(w))
    };
    words
        .iter()
        .enumerate()
        .any(|(i, w)| {
            (w == "only" || w == "just")
                && !denied_before(words, i)
                && !words[i + 1..words.len().min(i + 4)]
                    .iter()
                    .any(|n| column(n))
                && words[i + 1..words.len().min(i + 4)]
                    .iter()
                    .any(|n| n.len() >= 3 && n != "the")
        })
        .then(|| "the explanation understates how much the action affects (its scope)".to_owned())
}

/// A command that also changes the remote (`git push`, `--delete` on origin) told as local
/// only ("deletes the tag locally only; origin keeps it").
pub(super) fn local_only(key: &TeachBackKey, lower: &str) -> Option<String> {
    if !key.argument_dump.contains("git push") {
        return None;
    }
    let local = [
        "locally only",
        "only locally",
        "local only",
        "only the local",
    ]
    .iter()
    .any(|p| lower.contains(p));
    let remote_kept = ["origin", "remote"].iter().any(|r| {
        lower.split(['.', ';', ',']).any(|clause| {
            clause.contains(r)
                && [
                    "keeps",
                    "stays",
                    "remains",
                    "untouched",
                    "unchanged",
                    "still has",
                ]
                .iter()
                .any(|k| clause.contains(k))
        })
    });
    (local || remote_kept)
        .then(|| "the explanation understates how much the action affects (its scope)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenge::explain::plain_words;

    #[test]
    fn one_item_is_told_from_one_go() {
        for t in [
            "resets the password for one user",
            "deletes a single row",
            "cancels only the next appointment",
            "nobody else is affected",
        ] {
            assert!(narrows_to_one(&plain_words(t)), "{t}");
        }
        for t in [
            "deletes every row in one go",
            "removes the folder in one command",
            "deletes one folder and everything in it",
            "not a single row survives",
        ] {
            assert!(!narrows_to_one(&plain_words(t)), "{t}");
        }
    }
}
