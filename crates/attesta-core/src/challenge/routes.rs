//! Journeys and moves told the wrong way round: a ride from the drop-off to the pick-up, a
//! train from the destination, files moved from where they are going — also when the
//! explanation names the places in its own words ("the Four Seasons" for "Four Seasons, 57 E
//! 57th St, New York").

use super::explain;
use super::teach_back::TeachBackKey;

/// Keys that name where something starts and where it ends, in pairs.
const ENDS: &[(&str, &str)] = &[
    ("pickup", "dropoff"),
    ("pickup_address", "dropoff_address"),
    ("pickup_location", "dropoff_location"),
    ("start_address", "end_address"),
    ("start_location", "end_location"),
    ("origin", "destination"),
    ("departure_airport", "arrival_airport"),
    ("departure_station", "arrival_station"),
    ("from_station", "to_station"),
    ("source", "destination"),
    ("source_path", "destination_path"),
    ("src", "dst"),
    ("from_user", "to_user"),
    ("from_account", "to_account"),
];

/// Keys whose value is a whole journey (`"route": "MUC-SFO"`, `"journey": "London St Pancras
/// -> Paris Gare du Nord"`).
const JOURNEYS: &[&str] = &["route", "journey", "leg", "segment"];

/// The (start, end) pairs the action names, lowercase.
fn pairs(key: &TeachBackKey) -> Vec<(String, String)> {
    let Some(map) = key.kwargs() else {
        return Vec::new();
    };
    let text = |k: &str| {
        map.iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(k))
            .and_then(|(_, v)| v.as_str())
            .map(str::to_lowercase)
    };
    let mut out: Vec<(String, String)> = ENDS
        .iter()
        .filter_map(|(a, b)| Some((text(a)?, text(b)?)))
        .collect();
    for k in JOURNEYS {
        let Some(journey) = text(k) else { continue };
        let split = ["->", "→", " - ", " to "]
            .iter()
            .find_map(|sep| journey.split_once(sep))
            .or_else(|| {
                // `MUC-SFO`: two codes.
                journey.split_once('-').filter(|(a, b)| {
                    [a, b]
                        .iter()
                        .all(|c| (3..=4).contains(&c.len()) && c.chars().all(char::is_alphabetic))
                })
            });
        if let Some((a, b)) = split {
            out.push((a.trim().to_owned(), b.trim().to_owned()));
        }
    }
    out
}

/// Words of `value` an explanation may name it by: at least three letters or digits, not
/// a small word, and not words of `other` (the other end).
fn own_words(value: &str, other: &str) -> Vec<String> {
    let theirs = explain::plain_words(other);
    explain::plain_words(value)
        .into_iter()
        .filter(|w| {
            w.chars().count() >= 3
                && !super::vocab::STOPWORDS.contains(&w.as_str())
                && !w.chars().all(|c| c.is_ascii_digit())
                && !theirs.contains(w)
        })
        .collect()
}

/// A journey or move told backwards: the end after "from", or the start after "to", "into" or
/// "onto" (the nearest of those within four words before), or the end right before "into".
pub(super) fn route_reversed(key: &TeachBackKey, lower: &str) -> Option<String> {
    let words = explain::plain_words(lower);
    for (start, end) in pairs(key) {
        if start == end {
            continue;
        }
        let (starts, ends) = (own_words(&start, &end), own_words(&end, &start));
        if starts.is_empty() || ends.is_empty() {
            continue;
        }
        let role = |i: usize| role(&words, i);
        let reversed = words.iter().enumerate().any(|(i, w)| {
            if explain::negated(&words, i) {
                return false;
            }
            (ends.contains(w) && role(i) == Some("from"))
                || (starts.contains(w) && matches!(role(i), Some("into" | "onto")))
                || (ends.contains(w)
                    && words[i + 1..(i + 3).min(words.len())]
                        .iter()
                        .any(|n| n == "into" || n == "onto"))
        });
        // The start after a plain "to" is reversed only when the end also comes after "from".
        let start_to = words
            .iter()
            .enumerate()
            .any(|(i, w)| starts.contains(w) && role(i) == Some("to"));
        if reversed || (start_to && ends_after_from(&words, &ends)) {
            return Some(
                "the explanation describes the opposite of what the action does".to_owned(),
            );
        }
    }
    None
}

/// The nearest of "from", "to", "into" and "onto" within the four words before word `i`.
fn role(words: &[String], i: usize) -> Option<&str> {
    words[i.saturating_sub(4)..i]
        .iter()
        .rev()
        .find(|w| ["from", "to", "into", "onto"].contains(&w.as_str()))
        .map(String::as_str)
}

/// Whether a word of the end follows "from" (within four words).
fn ends_after_from(words: &[String], ends: &[String]) -> bool {
    words
        .iter()
        .enumerate()
        .any(|(i, w)| ends.contains(w) && role(words, i) == Some("from"))
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ActionContext;

    fn reversed(ctx: &ActionContext, text: &str) -> bool {
        let key = crate::challenge::teach_back_key::key_for(ctx);
        route_reversed(&key, &text.to_lowercase()).is_some()
    }

    #[test]
    fn a_journey_or_move_told_backwards() {
        let ride = ActionContext::new("rideshare_schedule")
            .with_kwarg("pickup", "Four Seasons, 57 E 57th St, New York")
            .with_kwarg("dropoff", "JFK Terminal 4");
        assert!(reversed(
            &ride,
            "a ride from JFK Terminal 4 to the Four Seasons hotel"
        ));
        assert!(!reversed(
            &ride,
            "a ride from the Four Seasons hotel to JFK Terminal 4"
        ));
        assert!(!reversed(
            &ride,
            "a car to JFK, picking Dana up at the Four Seasons"
        ));
        let train = ActionContext::new("trainline_book_journey")
            .with_kwarg("journey", "London St Pancras -> Paris Gare du Nord");
        assert!(reversed(
            &train,
            "six tickets from Paris Gare du Nord to London St Pancras"
        ));
        assert!(!reversed(
            &train,
            "six tickets from London St Pancras to Paris"
        ));
        let flight = ActionContext::new("book").with_kwarg("route", "MUC-SFO");
        assert!(reversed(&flight, "books the flight from SFO to MUC"));
        assert!(!reversed(&flight, "books the MUC to SFO flight"));
        let files = ActionContext::new("move_file")
            .with_kwarg("source", "/mnt/shared/hr/payroll/2025/")
            .with_kwarg("destination", "/mnt/shared/public/transfer/");
        assert!(reversed(
            &files,
            "moves the contents of /mnt/shared/public/transfer into the payroll 2025 folder"
        ));
        assert!(!reversed(
            &files,
            "moves the payroll 2025 folder into /mnt/shared/public/transfer"
        ));
    }
}
