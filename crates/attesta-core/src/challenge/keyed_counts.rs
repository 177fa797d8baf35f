//! A count the explanation gives for what the action counts under a key of that name: `rooms: 12`
//! told as "one room", `seats: 500` as "50 seats", `replicaCount: 3` as "5 replicas". Only a
//! number written right before the thing it counts is read, and only against a plain number
//! the arguments hold under that thing's name (never inside a list, never an id, code or port).

use serde_json::Value;

use super::teach_back::TeachBackKey;

/// How deep into the arguments keys are read, and how many numbers at most.
const DEPTH: usize = 4;
const BUDGET: usize = 256;

/// Key words that name no count: the number under them is an identifier or a setting.
const NOT_COUNTS: &[&str] = &[
    "id", "ids", "code", "number", "tag", "port", "version", "no", "index", "priority", "ttl",
    "zone", "year", "day", "month", "hour", "minute", "second", "percent", "rate", "level",
];

/// Key words that say "how many of the word before": `replicaCount`, `seat_quantity`.
const COUNT_WORDS: &[&str] = &["count", "quantity", "qty", "num", "total"];

/// A word without its plural ending (`rooms` → `room`, `replicas` → `replica`, `policies` →
/// `policy`).
fn singular(word: &str) -> String {
    if let Some(base) = word.strip_suffix("ies")
        && base.len() >= 2
    {
        return format!("{base}y");
    }
    for suffix in ["sses", "xes", "ches", "shes"] {
        if word.ends_with(suffix) {
            return word[..word.len() - 2].to_owned();
        }
    }
    if let Some(base) = word.strip_suffix('s')
        && base.len() >= 3
        && !base.ends_with('s')
    {
        return base.to_owned();
    }
    word.to_owned()
}

/// The words of a key (`replicaCount` → replica, count; `max_rooms` → max, room), its digits
/// left out.
fn key_words(key: &str) -> Vec<String> {
    super::text::identifier_tokens(key)
        .iter()
        .flat_map(|t| t.split(|c: char| !c.is_alphabetic()))
        .filter(|w| !w.is_empty())
        .map(singular)
        .collect()
}

/// The thing a key counts (`rooms` → room, `replicaCount` → replica), if it counts one.
fn counted_thing(key: &str) -> Option<String> {
    let words = key_words(key);
    let last = words.last()?;
    if words.iter().any(|w| NOT_COUNTS.contains(&w.as_str())) {
        return None;
    }
    let thing = if COUNT_WORDS.contains(&last.as_str()) {
        words.iter().rev().nth(1)?
    } else {
        last
    };
    (thing.len() >= 3).then(|| thing.clone())
}

/// The counts of the arguments: (thing, number), from plain numbers under a key that counts a
/// thing, outside lists.
fn action_counts(arguments: &Value) -> Vec<(String, f64)> {
    fn walk(v: &Value, depth: usize, out: &mut Vec<(String, f64)>) {
        let Value::Object(map) = v else { return };
        if depth > DEPTH {
            return;
        }
        for (k, v) in map {
            if out.len() >= BUDGET {
                return;
            }
            let number = match v {
                Value::Number(n) => n.as_f64(),
                Value::String(s) if s.len() <= 12 => s.trim().parse::<f64>().ok(),
                _ => None,
            };
            match (number, counted_thing(k)) {
                (Some(n), Some(thing)) if n.is_finite() && n >= 0.0 => out.push((thing, n)),
                _ => walk(v, depth + 1, out),
            }
        }
    }
    let mut out = Vec::new();
    if let Some(kwargs) = arguments.get("kwargs") {
        walk(kwargs, 0, &mut out);
    }
    out
}

/// A count written out as a word (`one` … `twenty`, `single`).
fn spelled(word: &str) -> Option<f64> {
    match word {
        "single" => Some(1.0),
        "twenty" => Some(20.0),
        "zero" => None,
        w => super::numbers::ONES_WORDS
            .iter()
            .position(|o| *o == w)
            .map(|n| n as f64),
    }
}

/// A count written in digits (`12`, `1,000`, `2.500` as thousands when grouped by three).
fn digits(word: &str) -> Option<f64> {
    if !word.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let groups: Vec<&str> = word.split([',', '.']).collect();
    let grouped = groups.len() > 1 && groups[1..].iter().all(|g| g.len() == 3);
    if grouped {
        return groups.concat().parse().ok();
    }
    word.replace(',', "").parse().ok()
}

/// Whether the explanation gives a count ("one room", "50 seats") for a thing the action counts
/// under that name with another number.
pub(super) fn miscounted(key: &TeachBackKey, lower: &str) -> bool {
    let counts = action_counts(&key.arguments);
    if counts.is_empty() {
        return false;
    }
    let mut words: Vec<&str> = vec![""];
    words.extend(
        lower
            .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ':' | ';' | '"'))
            .filter(|w| !w.is_empty()),
    );
    words.windows(3).any(|w| {
        // A count is a whole number on its own, not the last group of a longer one ("2 418
        // 337 rows", "0800 915 2200 number") nor followed by a comma.
        if w[0].ends_with(|c: char| c.is_ascii_digit()) {
            return false;
        }
        let said = w[1].trim_start_matches(|c: char| !c.is_alphanumeric());
        let Some(n) = digits(said).or_else(|| spelled(said)) else {
            return false;
        };
        if n.fract() != 0.0 {
            return false;
        }
        // The thing right after it, as written ("rooms," counts; "rooms-based" not), in the
        // plural unless there is one: "2200 number" counts nothing.
        let written = w[2].trim_end_matches([',', '.', '!', '?']);
        if !written.chars().all(char::is_alphabetic) {
            return false;
        }
        let thing = singular(written);
        if (n == 1.0) != (thing == written) {
            return false;
        }
        let mut same = counts.iter().filter(|(t, _)| *t == thing).peekable();
        same.peek().is_some() && !same.any(|(_, m)| (m - n).abs() < 1e-9)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenge::teach_back_key::key_for as key;
    use crate::context::ActionContext;

    fn miscounts(ctx: &ActionContext, text: &str) -> bool {
        miscounted(&key(ctx), &text.to_lowercase())
    }

    #[test]
    fn a_count_of_a_thing_the_action_counts_is_its_number() {
        let booking = ActionContext::new("booking_create_reservation")
            .with_kwarg("hotel_id", "HLT-LIS-0042")
            .with_kwarg("rooms", 12)
            .with_kwarg("check_in", "2025-03-10");
        assert!(miscounts(
            &booking,
            "Books one room at HLT-LIS-0042 from 10 March"
        ));
        assert!(miscounts(
            &booking,
            "Books 3 rooms at HLT-LIS-0042 from 10 March"
        ));
        assert!(!miscounts(
            &booking,
            "Books 12 rooms at HLT-LIS-0042 from 10 March"
        ));
        assert!(!miscounts(
            &booking,
            "Books twelve rooms, check-in 10 March"
        ));
        let scale = ActionContext::new("helm_upgrade")
            .with_kwarg("values", serde_json::json!({"controller.replicaCount": 3}));
        assert!(miscounts(&scale, "Upgrades the chart and runs 5 replicas"));
        assert!(!miscounts(&scale, "Upgrades the chart and runs 3 replicas"));
        let seats = ActionContext::new("firestore_update_document").with_kwarg(
            "data",
            serde_json::json!({"seats": 500, "plan": "enterprise"}),
        );
        assert!(miscounts(
            &seats,
            "Gives the user the enterprise plan with 50 seats"
        ));
        assert!(!miscounts(
            &seats,
            "Gives the user the enterprise plan with 500 seats"
        ));
        assert!(miscounts(
            &seats,
            "Gives the user the enterprise plan with 1,000 seats?"
        ));
    }

    #[test]
    fn ids_lists_and_other_words_are_no_counts() {
        let tickets = ActionContext::new("zendesk_update_tickets_many")
            .with_kwarg("ids", serde_json::json!([48211, 48212, 48219]))
            .with_kwarg("priority", 2);
        assert!(!miscounts(&tickets, "Closes 3 tickets, priority 2"));
        let dns = ActionContext::new("cloudflare_update_record")
            .with_kwarg("ttl", 300)
            .with_kwarg("port", 443);
        assert!(!miscounts(&dns, "Sets a 5 minute ttl on port 443"));
        let user = ActionContext::new("okta_reset")
            .with_kwarg("user_id", 4187)
            .with_kwarg("employee_number", 77);
        assert!(!miscounts(
            &user,
            "Resets employee 4187's MFA, 2 employee factors gone"
        ));
    }

    #[test]
    fn key_words_split_camel_and_snake_case_and_drop_plurals() {
        assert_eq!(key_words("replicaCount"), vec!["replica", "count"]);
        assert_eq!(key_words("max_rooms"), vec!["max", "room"]);
        assert_eq!(
            counted_thing("controller.replicaCount").as_deref(),
            Some("replica")
        );
        assert_eq!(counted_thing("policies").as_deref(), Some("policy"));
        assert_eq!(counted_thing("user_id"), None);
        assert_eq!(singular("addresses"), "address");
    }
}
