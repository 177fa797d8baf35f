//! Amounts said in words in the ways [`spelled_numbers`] alone does not read: "a hundred
//! fifty-nine", "two point seventy-five", "point eight five bitcoin", "one point two million",
//! "one hundred eighty-nine dollars and fifty cents", "… dollars and 55 cents", "three hundred
//! eighty-nine euros fifty", "forty-nine ninety-nine dollars", "three quarters of a bitcoin",
//! and the common misspellings "fourty" and "ninty".

use super::numbers::{ONES_WORDS, TENS_WORDS, spelled_numbers};

/// Names of a currency's hundredth.
const MINOR_UNITS: &[&str] = &[
    "cent", "cents", "pence", "öre", "centimes", "paise", "paisa",
];

/// Names of a currency said after its amount ("forty dollars fifty").
const CURRENCIES: &[&str] = &[
    "dollar", "dollars", "bucks", "euro", "euros", "pound", "pounds", "quid", "franc", "francs",
    "rupee", "rupees", "kronor", "krona", "kroner", "krone", "usd", "eur", "gbp", "chf", "aud",
    "cad", "sek", "nok", "dkk", "inr",
];

/// Whether `w` is a word of a number written out ("seventy", "hundred", "and").
fn number_word(w: &str) -> bool {
    ONES_WORDS.contains(&w)
        || TENS_WORDS.contains(&w)
        || matches!(w, "hundred" | "thousand" | "million" | "billion" | "and")
}

fn digits(w: &str) -> Option<f64> {
    (!w.is_empty() && w.chars().all(|c| c.is_ascii_digit()))
        .then(|| w.parse().ok())
        .flatten()
}

/// The number that ends `words`, written out ("one hundred and five") or in digits ("55"):
/// where it starts and its value.
fn number_ending(words: &[&str]) -> Option<(usize, f64)> {
    if let Some(last) = words.last()
        && let Some(v) = digits(last)
    {
        return Some((words.len() - 1, v));
    }
    let start = words
        .iter()
        .rposition(|w| !number_word(w))
        .map_or(0, |i| i + 1);
    let value = spelled_numbers(&words[start..].join(" ")).last().copied()?;
    Some((start, value))
}

/// The value of `words` when they are one number below a hundred written out.
fn below_hundred(words: &[&str]) -> Option<f64> {
    if words.is_empty() || words.iter().any(|w| !number_word(w) || *w == "and") {
        return None;
    }
    match spelled_numbers(&words.join(" "))[..] {
        [v] if v < 100.0 => Some(v),
        _ => None,
    }
}

/// "two point seventy-five", "point eight five", "one point two million": the whole before the
/// point (none is zero), the digits after it said one by one or in pairs, then a scale.
fn point_amount(words: &[&str], i: usize) -> Option<f64> {
    let ones = |w: &str| ONES_WORDS.iter().position(|o| *o == w);
    let tens = |w: &str| TENS_WORDS.iter().position(|t| *t == w).map(|t| t + 2);
    let whole = number_ending(&words[..i]).map_or(0.0, |(_, v)| v);
    let mut decimals = String::new();
    let mut j = i + 1;
    while let Some(next) = words.get(j) {
        if let Some(n) = ones(next) {
            decimals.push_str(&n.to_string());
        } else if let Some(t) = tens(next) {
            decimals.push_str(&t.to_string());
            match words.get(j + 1).and_then(|n| ones(n)) {
                Some(n) if (1..10).contains(&n) => {
                    decimals.push_str(&n.to_string());
                    j += 1;
                }
                _ => decimals.push('0'),
            }
        } else {
            break;
        }
        j += 1;
    }
    if decimals.is_empty() {
        return None;
    }
    let value: f64 = format!("{whole}.{decimals}").parse().ok()?;
    let scale = match words.get(j) {
        Some(&"thousand") => 1e3,
        Some(&"million") => 1e6,
        Some(&"billion") => 1e9,
        _ => 1.0,
    };
    Some(value * scale)
}

/// "… dollars and fifty cents", "… euros and 55 cents": the major amount a few words before
/// the minor one.
fn with_minor_unit(words: &[&str], i: usize) -> Option<f64> {
    let (start, minor) = number_ending(&words[..i])?;
    // The "and" the minor run began with, then at most three words of a currency.
    let major_end = (start.saturating_sub(4)..start)
        .rev()
        .find(|k| (number_word(words[*k]) && words[*k] != "and") || digits(words[*k]).is_some())?;
    let (_, major) = number_ending(&words[..=major_end])?;
    (minor < 100.0).then_some(major + minor / 100.0)
}

/// After a currency said in words: "three hundred eighty-nine euros fifty" (the hundredths
/// follow), and "forty-nine ninety-nine dollars" (a price said in two halves).
fn around_currency(words: &[&str], i: usize, out: &mut Vec<f64>) {
    let Some((start, major)) = number_ending(&words[..i]) else {
        return;
    };
    let after = match words.get(i + 1) {
        Some(&"and") => &words[(i + 2).min(words.len())..],
        _ => &words[i + 1..],
    };
    // Not "… dollars fifty cents" (read with the minor unit) nor "… dollars fifty thousand".
    let run = after
        .iter()
        .position(|w| !number_word(w) || *w == "and")
        .unwrap_or(after.len());
    let unit_follows = after
        .get(run)
        .is_some_and(|w| MINOR_UNITS.contains(w) || CURRENCIES.contains(w));
    if !unit_follows && let Some(minor) = below_hundred(&after[..run]) {
        out.push(major + minor / 100.0);
    }
    let run = &words[start..i];
    for k in 1..run.len() {
        if let (Some(a), Some(b)) = (below_hundred(&run[..k]), below_hundred(&run[k..]))
            && b >= 10.0
        {
            out.push(a + b / 100.0);
        }
    }
}

/// Amounts said in words (see the module's text).
pub(crate) fn spoken_amounts(text: &str) -> Vec<f64> {
    let lower = text.to_lowercase();
    let raw: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let words: Vec<&str> = raw
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let scale = raw
                .get(i + 1)
                .is_some_and(|n| matches!(*n, "hundred" | "thousand" | "million"));
            match *w {
                // "a hundred" is one hundred.
                "a" if scale => "one",
                "fourty" => "forty",
                "ninty" => "ninety",
                w => w,
            }
        })
        .collect();
    let mut out = spelled_numbers(&words.join(" "));
    for (i, w) in words.iter().enumerate() {
        match *w {
            "point" => out.extend(point_amount(&words, i)),
            w if MINOR_UNITS.contains(&w) => out.extend(with_minor_unit(&words, i)),
            w if CURRENCIES.contains(&w) => around_currency(&words, i, &mut out),
            "quarter" | "quarters" => {
                let count = match i.checked_sub(1).map(|k| words[k]) {
                    Some("a" | "one") => Some(1.0),
                    Some(w) => ONES_WORDS.iter().position(|o| *o == w).map(|n| n as f64),
                    None => None,
                };
                out.extend(count.map(|n| n * 0.25));
            }
            "half" if matches!(words.get(i + 1), Some(&"a" | &"an")) => out.push(0.5),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenge::text::amounts_equal;

    fn reads(text: &str, value: f64) -> bool {
        spoken_amounts(text)
            .iter()
            .any(|v| amounts_equal(*v, value))
    }

    #[test]
    fn amounts_said_in_words() {
        for (text, value) in [
            ("gets a hundred fifty-nine kronor back", 159.0),
            ("two point seventy-five ether goes out", 2.75),
            ("zero point fifteen bitcoin leaves", 0.15),
            ("zero point one five bitcoin leaves", 0.15),
            ("zero point eight bitcoin", 0.8),
            ("point eight five bitcoin leaves the wallet", 0.85),
            (
                "take one point two million USDC from the vault",
                1_200_000.0,
            ),
            ("one hundred eighty-nine dollars and fifty cents", 189.5),
            ("a hundred fifty-nine kronor and fifty öre", 159.5),
            (
                "gross of three hundred twelve thousand four hundred eighty dollars and 55 cents",
                312_480.55,
            ),
            (
                "pays seven thousand three hundred twenty five pounds forty",
                7325.4,
            ),
            ("gives back three hundred eighty-nine euros fifty", 389.5),
            ("refund fourty nine ninety nine usd to the customer", 49.99),
            ("paying six hundred fourty dollars thru cashapp", 640.0),
            ("twelve and a half thousand dollars gets debited", 12_500.0),
            ("three quarters of a bitcoin", 0.75),
            ("half a bitcoin", 0.5),
        ] {
            assert!(reads(text, value), "{text} -> {:?}", spoken_amounts(text));
        }
    }

    #[test]
    fn amounts_said_in_words_are_not_misread() {
        for (text, value) in [
            ("two point seven five ether", 2.57),
            ("one hundred eighty-nine dollars and fifty cents", 189.05),
            ("forty nine ninety nine dollars", 4999.0),
            ("five hundred dollars fifty thousand times", 500.5),
        ] {
            assert!(!reads(text, value), "{text} -> {:?}", spoken_amounts(text));
        }
        assert!(reads("twenty dollars fifty cents", 20.5));
        assert!(spoken_amounts("the point is moot").is_empty());
    }
}
