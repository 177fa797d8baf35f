//! Counts and durations as an explanation says them: "thirteen nights" states 13 as surely as
//! "13 nights" does, "30 hours" is not the action's "30 days", and a stay from 12 to 15 July
//! is "3 nights".

use std::sync::OnceLock;

use regex::Regex;

use super::teach_back::TeachBackKey;

/// Words that count something: a number written out in words before one of them is a claim
/// about how many.
const COUNT_NOUNS: &[&str] = &[
    "second",
    "seconds",
    "minute",
    "minutes",
    "hour",
    "hours",
    "day",
    "days",
    "night",
    "nights",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "people",
    "persons",
    "guests",
    "rooms",
    "replicas",
    "instances",
    "tickets",
    "seats",
    "items",
    "products",
    "users",
    "members",
    "files",
    "commits",
    "records",
    "rows",
    "nodes",
    "pods",
    "servers",
    "machines",
    "copies",
    "units",
    "tablets",
    "doses",
    "shares",
    "attendees",
    "recipients",
    "devices",
    "accounts",
    "boxes",
    "adults",
    "children",
    "passengers",
];

/// Counting nouns that measure time.
const TIME_NOUNS: &[&str] = &[
    "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "night", "nights",
    "week", "weeks", "month", "months", "year", "years",
];

/// Numbers written out in words directly before a counting noun ("thirteen nights", "two
/// people"), above one ("one file" and "a file" say the same), and whether the noun measures
/// time.
pub(super) fn spelled_counts(text: &str) -> Vec<(f64, bool)> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if !super::numbers::is_number_word(words[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < words.len()
            && (super::numbers::is_number_word(words[i])
                || (words[i] == "and"
                    && words
                        .get(i + 1)
                        .is_some_and(|w| super::numbers::is_number_word(w))))
        {
            i += 1;
        }
        if let Some(noun) = words.get(i).filter(|w| COUNT_NOUNS.contains(w)) {
            let run = words[start..i].join(" ");
            if let Some(v) = super::numbers::spelled_numbers(&run).first()
                && *v > 1.0
            {
                out.push((*v, TIME_NOUNS.contains(noun)));
            }
        }
    }
    out
}

fn duration_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let names: Vec<&str> = super::numbers::ONES_WORDS
            .iter()
            .chain(super::numbers::TENS_WORDS.iter())
            .chain(["hundred", "thousand"].iter())
            .copied()
            .collect();
        let word = format!("(?:{})", names.join("|"));
        Regex::new(&format!(
            r"(?i)\b(\d+(?:\.\d+)?|{word}(?:[ -]{word})*)[ -]?(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|nights?|weeks?|months?|years?)\b"
        ))
        .expect("valid pattern")
    })
}

fn compact_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\b[qQ]?(\d{1,4})(h|H|d|D|w|W|min)\b").expect("valid pattern"))
}

fn unit_seconds(unit: &str) -> f64 {
    let u = unit.to_lowercase();
    match u.trim_end_matches('s') {
        "second" | "sec" => 1.0,
        "minute" | "min" => 60.0,
        "hour" | "hr" => 3600.0,
        "day" | "night" => 86_400.0,
        "week" => 604_800.0,
        "month" => 2_592_000.0,
        _ => 31_536_000.0,
    }
}

/// Durations written in `text` as (number, seconds per unit).
pub(super) fn durations_in(text: &str) -> Vec<(f64, f64)> {
    duration_pattern()
        .captures_iter(text)
        .filter_map(|c| {
            let n = &c[1];
            let value = n
                .parse::<f64>()
                .ok()
                .or_else(|| super::numbers::spelled_numbers(n).first().copied())?;
            Some((value, unit_seconds(&c[2])))
        })
        .collect()
}

/// The durations an action states: in its texts ("expires in 10 minutes", `interval '30
/// days'`) and in `find`'s age tests (`-mtime +30` is days, `-mmin +90` minutes).
pub(super) fn action_durations(key: &TeachBackKey) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for s in key.argument_texts(64 * 1024) {
        out.extend(durations_in(s));
        // `q8h` (every 8 hours), `24h`, `7d`, `90min`.
        for c in compact_pattern().captures_iter(s) {
            if let Ok(n) = c[1].parse::<f64>() {
                let unit = match &c[2] {
                    "h" | "H" => 3600.0,
                    "d" | "D" => 86_400.0,
                    "w" | "W" => 604_800.0,
                    _ => 60.0,
                };
                out.push((n, unit));
            }
        }
        let tokens: Vec<&str> = s.split_whitespace().collect();
        for pair in tokens.windows(2) {
            let unit = match pair[0] {
                "-mtime" | "-atime" | "-ctime" => 86_400.0,
                "-mmin" | "-amin" | "-cmin" => 60.0,
                _ => continue,
            };
            if let Ok(n) = pair[1].trim_start_matches(['+', '-']).parse::<f64>() {
                out.push((n, unit));
            }
        }
    }
    keyed_durations(&key.arguments, &mut out, 0);
    out.truncate(64);
    out
}

/// Durations whose unit is the last word of their key (`duration_minutes: 15`,
/// `PendingWindowInDays: 7`, `retention.ms`, a DNS `ttl` in seconds), at most four levels deep.
fn keyed_durations(v: &serde_json::Value, out: &mut Vec<(f64, f64)>, depth: usize) {
    let serde_json::Value::Object(map) = v else {
        if let serde_json::Value::Array(items) = v
            && depth < 4
        {
            items
                .iter()
                .take(32)
                .for_each(|x| keyed_durations(x, out, depth + 1));
        }
        return;
    };
    for (k, x) in map.iter().take(64) {
        if depth < 4 && (x.is_object() || x.is_array()) {
            keyed_durations(x, out, depth + 1);
            continue;
        }
        let Some(n) = x
            .as_f64()
            .or_else(|| x.as_str().and_then(|s| s.trim().parse::<f64>().ok()))
        else {
            continue;
        };
        let tokens = super::text::identifier_tokens(k);
        let unit = match tokens.last().map(String::as_str) {
            Some("ms" | "millis" | "milliseconds") => 0.001,
            Some("s" | "sec" | "secs" | "second" | "seconds" | "ttl") => 1.0,
            Some("min" | "mins" | "minute" | "minutes") => 60.0,
            Some("h" | "hr" | "hrs" | "hour" | "hours") => 3600.0,
            Some("day" | "days") => 86_400.0,
            Some("week" | "weeks") => 604_800.0,
            _ => continue,
        };
        if out.len() < 64 {
            out.push((n, unit));
        }
    }
}

/// A duration of the explanation that gives one of the action's numbers in another unit
/// ("30 hours" for the action's "30 days", "ten hours" for "10 minutes"), when no duration of
/// the action is that long (`own`: the action's durations, [`action_durations`]).
pub(super) fn misstated_duration(own: &[(f64, f64)], text: &str) -> bool {
    if own.is_empty() {
        return false;
    }
    let same = |a: f64, b: f64| (a - b).abs() <= 1e-6 * a.abs().max(1.0);
    durations_in(text).iter().any(|(n, unit)| {
        own.iter().any(|(m, u)| same(*n, *m) && !same(*unit, *u))
            && !own.iter().any(|(m, u)| same(n * unit, m * u))
    })
}

/// A length in minutes or hours ("a two hour call", "for 45 minutes") for an action that sets
/// its start and end times of day, when neither the time between them nor any duration of the
/// action (`own`) is that long.
pub(super) fn misstated_span(key: &TeachBackKey, own: &[(f64, f64)], text: &str) -> bool {
    let spans = super::dates::action_time_spans(key);
    if spans.is_empty() {
        return false;
    }
    let same = |a: f64, b: f64| (a - b).abs() <= 1e-6 * a.abs().max(1.0);
    durations_in(text).iter().any(|(n, unit)| {
        let seconds = n * unit;
        (60.0..=3600.0).contains(unit)
            && !spans.iter().any(|m| same(m * 60.0, seconds))
            && !own.iter().any(|(m, u)| same(m * u, seconds))
    })
}

/// Whether the action keeps only old things (`find -mtime +30`, `last_seen < now() - interval
/// '30 days'`: `Some(true)`) or only recent ones (`-mtime -7`, `> now() - interval …`:
/// `Some(false)`).
fn age_filter(key: &TeachBackKey) -> Option<bool> {
    let dump = &key.argument_dump;
    let tokens: Vec<&str> = dump.split_whitespace().collect();
    for pair in tokens.windows(2) {
        if ["-mtime", "-atime", "-ctime", "-mmin", "-amin", "-cmin"].contains(&pair[0]) {
            let n = pair[1].trim_matches(|c| c == '"' || c == '\\');
            if n.starts_with('+') {
                return Some(true);
            }
            if n.starts_with('-') {
                return Some(false);
            }
        }
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"([<>])=?\s*(?:now\(\)|current_timestamp|current_date)\s*-\s*interval")
            .expect("valid pattern")
    });
    if let Some(c) = re.captures(dump) {
        return Some(&c[1] == "<");
    }
    // Gmail's `older_than:1y` / `newer_than:7d`; a range relative to now (`"lt": "now-14d"`)
    // or a date object in a shell's query (`$lt: ISODate("2022-01-01")`).
    static SEARCH: OnceLock<Regex> = OnceLock::new();
    let search = SEARCH.get_or_init(|| {
        Regex::new(
            r#"\b(older|newer)_than:|"(lt|gt)e?":\s*"now-|\$(lt|gt)e?:\s*(?:isodate|new date)\("#,
        )
        .expect("valid pattern")
    });
    if let Some(c) = search.captures(dump) {
        let side = c
            .get(1)
            .or_else(|| c.get(2))
            .or_else(|| c.get(3))
            .map(|m| m.as_str());
        return Some(matches!(side, Some("older" | "lt")));
    }
    // Jira's relative dates (`updated < -365d`: not touched for a year) and comparisons with
    // a calendar date (`created_at < '2023-01-01'`, `"$lt": {"$date": "2023-01-01…"}`).
    static DATED: OnceLock<Regex> = OnceLock::new();
    let dated = DATED.get_or_init(|| {
        Regex::new(
            r#"(?:([<>])=?\s*['"]?-\d+[dwmy]\b|([<>])=?\s*'\d{4}-\d{2}-\d{2}|"\$(lt|gt)e?":\s*(?:\{\s*"\$date":\s*)?"\d{4}-\d{2}-\d{2})"#,
        )
        .expect("valid pattern")
    });
    let mut found = dated.captures_iter(dump).map(|c| {
        c.get(1)
            .or_else(|| c.get(2))
            .map(|m| m.as_str() == "<")
            .unwrap_or_else(|| &c[3] == "lt")
    });
    let first = found.next()?;
    // Both ends of a range say no side.
    found.all(|o| o == first).then_some(first)
}

/// An age-filtered action told as acting on everything ("every file, including the current
/// ones", "regardless of how old") or on the other end of the age range ("newer than 30 days"
/// for `-mtime +30`).
/// `dated` is the explanation with its dates still in (lowercase).
pub(super) fn age_misstated(key: &TeachBackKey, text: &str, dated: &str) -> bool {
    let Some(older) = age_filter(key) else {
        return false;
    };
    let words = super::explain::plain_words(text);
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    let cue = has(&[
        "old", "older", "oldest", "stale", "aged", "age", "ago", "than", "newer", "recent",
        "since", "inactive", "within", "last", "past", "younger", "expired", "before", "after",
        "prior", "until", "earlier", "later",
    ]) || !durations_in(text).is_empty();
    let everything = has(&["every", "all", "whole", "entire", "everything"]);
    let regardless = text.contains("regardless of");
    // "keeps anything newer than 30 days" says what stays: no claim about what goes.
    let said_of_removed = |p: &str| {
        text.match_indices(p).any(|(i, _)| {
            let before = super::explain::plain_words(&text[..i]);
            // "not updated in the last 180 days": the old ones after all.
            if before[before.len().saturating_sub(4)..].iter().any(|w| {
                [
                    "not", "never", "no", "hasn't", "haven't", "wasn't", "weren't", "nothing",
                    "nobody", "none",
                ]
                .contains(&w.as_str())
            }) {
                return false;
            }
            !before[before.len().saturating_sub(6)..].iter().any(|w| {
                [
                    "keep", "keeps", "kept", "keeping", "leave", "leaves", "stay", "stays",
                    "spared",
                ]
                .contains(&w.as_str())
            })
        })
    };
    // "after 1 January 2023", "before 2026-11-01": the side of a calendar date.
    let of_date = |p: &str| {
        dated.match_indices(p).any(|(i, _)| {
            let next = super::explain::plain_words(&dated[i + p.len()..]);
            let before = super::explain::plain_words(&dated[..i]);
            next.first().is_some_and(|n| {
                n.starts_with(|c: char| c.is_ascii_digit()) || super::dates::month(n).is_some()
            }) && !before[before.len().saturating_sub(6)..].iter().any(|w| {
                [
                    "keep", "keeps", "kept", "keeping", "leave", "leaves", "stay", "stays",
                    "spared", "not", "never", "nobody",
                ]
                .contains(&w.as_str())
            })
        })
    };
    let reversed = if older {
        [
            "newer than",
            "younger than",
            "within the last",
            "less than",
            "in the last",
            "from the last",
            "in the past",
            "within the past",
            "onward",
            "or later",
            "and later",
        ]
        .iter()
        .any(|p| said_of_removed(p))
            || of_date("after ")
            || of_date("since ")
    } else {
        ["older than", "more than", "or earlier", "and earlier"]
            .iter()
            .any(|p| said_of_removed(p))
            || of_date("before ")
            || of_date("prior to ")
    };
    regardless || (everything && !cue) || reversed
}

/// Arguments that end what an action starts: a number of runs, an end date, an expiry.
const END_KEYS: &[&str] = &[
    "occurrences",
    "installments",
    "count",
    "end_date",
    "end",
    "ends",
    "ends_on",
    "until",
    "expires",
    "expires_at",
    "expiry",
    "expiration",
    "expires_in_days",
    "expires_in_hours",
    "duration",
    "duration_days",
    "duration_hours",
    "term_months",
];

/// Values of an end argument that end nothing.
const NO_END: &[&str] = &[
    "never",
    "forever",
    "none",
    "null",
    "indefinite",
    "unlimited",
    "permanent",
    "0",
    "no",
    "false",
    "off",
];

/// Phrases saying something never ends.
const ENDLESS: &[&str] = &[
    "no end date",
    "until cancelled",
    "until canceled",
    "until someone cancels",
    "indefinitely",
    "forever",
    "never ends",
    "never expires",
    "never expire",
    "no expiry",
    "no expiration",
    "open-ended",
    "open ended",
    "without end",
];

/// An action that ends (after 12 payments, on a date, when a key expires) told as endless.
pub(super) fn endless_claimed(key: &TeachBackKey, text: &str) -> bool {
    let ends = key.kwargs().is_some_and(|m| {
        m.iter().any(|(k, v)| {
            END_KEYS.contains(&k.to_lowercase().as_str())
                && (v.as_f64().is_some_and(|n| n > 0.0)
                    || v.as_str().is_some_and(|s| {
                        // `duration: "forever"`, `expires: "never"` end nothing.
                        let s = s.trim().to_lowercase();
                        !s.is_empty() && !NO_END.contains(&s.as_str())
                    }))
        })
    });
    ends && ENDLESS.iter().any(|p| {
        text.match_indices(p).any(|(i, _)| {
            let before = super::explain::plain_words(&text[..i]);
            !super::arguments::denied_before(&before, before.len())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ActionContext;

    #[test]
    fn counts_in_words_before_a_counting_noun() {
        assert_eq!(
            spelled_counts("books thirteen nights for two people"),
            [(13.0, true), (2.0, false)]
        );
        assert!(spelled_counts("deletes one file and two of the rest").is_empty());
        assert_eq!(spelled_counts("for twenty-one days"), [(21.0, true)]);
    }

    #[test]
    fn a_duration_in_another_unit_is_misstated() {
        let key =
            |ctx: ActionContext| action_durations(&crate::challenge::teach_back_key::key_for(&ctx));
        let sql = key(ActionContext::new("sql_execute").with_kwarg(
            "query",
            "DELETE FROM sessions WHERE last_seen < now() - interval '30 days'",
        ));
        assert!(misstated_duration(
            &sql,
            "deletes sessions older than 30 hours"
        ));
        assert!(!misstated_duration(
            &sql,
            "deletes sessions older than 30 days"
        ));
        assert!(!misstated_duration(
            &sql,
            "deletes sessions idle for 720 hours"
        ));
        let find = key(ActionContext::new("run_shell")
            .with_kwarg("command", "find /var/log -name '*.gz' -mtime +30 -delete"));
        assert!(misstated_duration(
            &find,
            "removes logs older than 30 minutes"
        ));
        assert!(!misstated_duration(
            &find,
            "removes logs older than thirty days"
        ));
        let sms =
            key(ActionContext::new("send_sms")
                .with_kwarg("text", "The code expires in 10 minutes."));
        assert!(misstated_duration(&sms, "a code valid for ten hours"));
        assert!(!misstated_duration(&sms, "a code valid for ten minutes"));
    }

    #[test]
    fn an_action_that_ends_told_as_endless() {
        let key = |ctx: ActionContext| crate::challenge::teach_back_key::key_for(&ctx);
        let plan = key(ActionContext::new("schedule_recurring_payment")
            .with_kwarg("amount", 250)
            .with_kwarg("occurrences", 12));
        assert!(endless_claimed(
            &plan,
            "pays 250 every month until cancelled"
        ));
        assert!(!endless_claimed(
            &plan,
            "pays 250 every month, 12 times, not indefinitely"
        ));
        let open = key(ActionContext::new("schedule_recurring_payment").with_kwarg("amount", 250));
        assert!(!endless_claimed(
            &open,
            "pays 250 every month until cancelled"
        ));
    }

    #[test]
    fn an_age_filter_told_as_everything_or_the_other_end() {
        let key = |ctx: ActionContext| crate::challenge::teach_back_key::key_for(&ctx);
        let find = key(ActionContext::new("run_shell").with_kwarg(
            "command",
            "find /var/log/nginx -name '*.gz' -mtime +30 -delete",
        ));
        assert!(age_misstated(
            &find,
            "deletes every file in /var/log/nginx, including the current ones",
            "deletes every file in /var/log/nginx, including the current ones"
        ));
        assert!(age_misstated(
            &find,
            "deletes the logs newer than 30 days",
            "deletes the logs newer than 30 days"
        ));
        assert!(!age_misstated(
            &find,
            "deletes all gz logs older than 30 days",
            "deletes all gz logs older than 30 days"
        ));
        assert!(!age_misstated(
            &find,
            "deletes old logs and keeps anything newer than 30 days",
            "deletes old logs and keeps anything newer than 30 days"
        ));
        // Gmail's search, a range relative to now, a date object in a shell query.
        let gmail = key(ActionContext::new("gmail_batch_delete")
            .with_kwarg("query", "from:notifications@github.com older_than:1y"));
        let said = "deletes the github mails received within the last year, the older ones stay";
        assert!(age_misstated(&gmail, said, said));
        let said = "deletes the github mails older than a year";
        assert!(!age_misstated(&gmail, said, said));
        let logs = key(
            ActionContext::new("elasticsearch_delete_by_query").with_kwarg(
                "body",
                serde_json::json!({"query": {"range": {"@timestamp": {"lt": "now-14d"}}}}),
            ),
        );
        let said = "deletes app log documents from the last 14 days in logs-app-*";
        assert!(age_misstated(&logs, said, said));
        let users = key(ActionContext::new("Bash").with_kwarg(
            "command",
            "mongosh --eval 'db.users.deleteMany({lastLoginAt: {$lt: ISODate(\"2022-01-01\")}})'",
        ));
        let said = "deletes every user who logged in after january 1 2022";
        assert!(age_misstated(&users, said, said));
        let said = "deletes every user who last logged in before january 1 2022";
        assert!(!age_misstated(&users, said, said));
        let events = key(ActionContext::new("bigquery_run_query").with_kwarg(
            "query",
            "DELETE FROM events WHERE event_date < '2023-01-01'",
        ));
        let said = "deletes the events from 1 january 2023 onward";
        assert!(age_misstated(&events, said, said));
    }
}
