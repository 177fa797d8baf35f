//! Dates and times as people write them (`2024-06-14`, `14.06.2024`, `June 14, 2024`,
//! `14 June`, `May 2024`, `3:30 pm`): an explanation may state the action's date in any of these
//! forms, and a date the action does not have describes another action.

use std::sync::OnceLock;

use regex::Regex;

use super::teach_back::TeachBackKey;

/// A date as (year, month, day); a part not written is `None` ("June 14", "May 2024").
pub(super) type Reading = (Option<i32>, u32, Option<u32>);

/// One date written in a text, with every reading of it (`03/04/2024` is 3 April or 4 March).
#[derive(Debug, Clone)]
pub(super) struct DateMention {
    pub readings: Vec<Reading>,
    pub start: usize,
    pub end: usize,
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month a word names (`jun`, `june`, `sept.`), if any.
pub(super) fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.');
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| *m == w || (w.len() <= 4 && m.starts_with(w)))
        .map(|i| i as u32 + 1)
}

struct Patterns {
    iso: Regex,
    year_month: Regex,
    numeric: Regex,
    month_first: Regex,
    day_first: Regex,
    month_year: Regex,
    time: Regex,
    day_month: Regex,
    stamp_time: Regex,
    compact_date: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let month = r"([a-z]{3,9}\.?)";
        Patterns {
            iso: Regex::new(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(\d?)").expect("valid regex"),
            year_month: Regex::new(r"\b(\d{4})[-.](\d{2})\b").expect("valid regex"),
            numeric: Regex::new(r"\b(\d{1,2})([./-])(\d{1,2})[./-](\d{4}|\d{2})\b")
                .expect("valid regex"),
            month_first: Regex::new(&format!(
                r"\b{month}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?"
            ))
            .expect("valid regex"),
            day_first: Regex::new(&format!(
                r"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+{month}(?:,?\s+(\d{{4}})\b)?"
            ))
            .expect("valid regex"),
            month_year: Regex::new(&format!(r"\b{month}\s+(\d{{4}})\b")).expect("valid regex"),
            time: Regex::new(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?")
                .expect("valid regex"),
            day_month: Regex::new(r"\b(\d{1,2})([./])(\d{1,2})\b(?:[./](\d{2})\b)?")
                .expect("valid regex"),
            stamp_time: Regex::new(r"\b\d{4}-?\d{2}-?\d{2}[t_](\d{2})(\d{2})(?:\d{2})?(?:z|\b)")
                .expect("valid regex"),
            compact_date: Regex::new(r"(?:^|[^0-9])(\d{4})(\d{2})(\d{2})?(?:$|[^0-9])")
                .expect("valid regex"),
        }
    })
}

fn valid(m: u32, d: Option<u32>) -> bool {
    (1..=12).contains(&m) && d.is_none_or(|d| (1..=31).contains(&d))
}

/// Every date written in `text` (lowercase).
pub(super) fn dates_in(text: &str) -> Vec<DateMention> {
    let p = patterns();
    let mut out: Vec<DateMention> = Vec::new();
    let overlaps =
        |out: &[DateMention], s: usize, e: usize| out.iter().any(|m| s < m.end && m.start < e);
    let num = |s: &str| s.parse::<u32>().ok();
    for c in p.iso.captures_iter(text) {
        // `FV/2024/06/113` is an invoice number, not 11 June and a 3.
        let (Some(y), Some(m), Some(d), "") = (num(&c[1]), num(&c[2]), num(&c[3]), &c[4]) else {
            continue;
        };
        if valid(m, Some(d)) {
            let whole = c.get(0).expect("match");
            out.push(DateMention {
                readings: vec![(Some(y as i32), m, Some(d))],
                start: whole.start(),
                end: whole.end(),
            });
        }
    }
    for c in p.numeric.captures_iter(text) {
        let whole = c.get(0).expect("match");
        // Two-digit years only with slashes (`4.12.10` is a version).
        if overlaps(&out, whole.start(), whole.end()) || (c[4].len() == 2 && &c[2] != "/") {
            continue;
        }
        let (Some(a), Some(b), Some(y)) = (num(&c[1]), num(&c[3]), num(&c[4])) else {
            continue;
        };
        let y = if y < 100 { 2000 + y as i32 } else { y as i32 };
        let readings: Vec<Reading> = [(b, a), (a, b)]
            .into_iter()
            .filter(|(m, d)| valid(*m, Some(*d)))
            .map(|(m, d)| (Some(y), m, Some(d)))
            .collect();
        if !readings.is_empty() {
            out.push(DateMention {
                readings,
                start: whole.start(),
                end: whole.end(),
            });
        }
    }
    for (re, month_at, day_at) in [(&p.month_first, 1, 2), (&p.day_first, 2, 1)] {
        for c in re.captures_iter(text) {
            let whole = c.get(0).expect("match");
            // "8 December 16:00": the number after the month is an hour.
            if overlaps(&out, whole.start(), whole.end())
                || (c.get(3).is_none() && text[whole.end()..].starts_with([':', 'h']))
            {
                continue;
            }
            let Some(m) = month(&c[month_at]) else {
                continue;
            };
            let d = num(&c[day_at]);
            let y = c.get(3).and_then(|y| num(y.as_str())).map(|y| y as i32);
            // "may 5" is a month only when a year follows or the word is not the verb.
            if &c[month_at] == "may" && y.is_none() {
                continue;
            }
            if valid(m, d) {
                out.push(DateMention {
                    readings: vec![(y, m, d)],
                    start: whole.start(),
                    end: whole.end(),
                });
            }
        }
    }
    for (re, month_at) in [(&p.month_year, 1), (&p.year_month, 0)] {
        for c in re.captures_iter(text) {
            let whole = c.get(0).expect("match");
            if overlaps(&out, whole.start(), whole.end()) {
                continue;
            }
            let (m, y) = if month_at == 1 {
                (month(&c[1]), num(&c[2]))
            } else {
                (num(&c[2]), num(&c[1]))
            };
            let (Some(m), Some(y)) = (m, y) else { continue };
            if valid(m, None) && (1900..=2100).contains(&y) {
                out.push(DateMention {
                    readings: vec![(Some(y as i32), m, None)],
                    start: whole.start(),
                    end: whole.end(),
                });
            }
        }
    }
    out
}

/// Times of day written in `text` as (hour 0–23, minute), with their spans: `15:30`, `3:30 pm`,
/// `9 am`.
fn times_in(text: &str) -> Vec<((u32, u32), usize, usize)> {
    patterns()
        .time
        .captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0).expect("match");
            let h: u32 = c[1].parse().ok()?;
            let minute = c.get(2).and_then(|m| m.as_str().parse().ok());
            let half = c.get(3).map(|m| m.as_str().starts_with('p'));
            if minute.is_none() && half.is_none() {
                return None;
            }
            let h = match half {
                Some(true) if h < 12 => h + 12,
                Some(false) if h == 12 => 0,
                _ => h,
            };
            (h < 24 && minute.is_none_or(|m| m < 60)).then_some((
                (h, minute.unwrap_or(0)),
                whole.start(),
                whole.end(),
            ))
        })
        .collect()
}

/// Bytes of argument text searched for the action's dates.
const DATE_TEXT_BYTES: usize = 64 * 1024;

/// The dates and times of the action's arguments.
fn action_dates(key: &TeachBackKey) -> (Vec<DateMention>, Vec<(u32, u32)>) {
    fn walk(v: &serde_json::Value, out: &mut String) {
        match v {
            serde_json::Value::String(s) if out.len() + s.len() <= DATE_TEXT_BYTES => {
                out.push_str(&s.to_lowercase());
                out.push('\n');
            }
            serde_json::Value::Array(items) => items.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(map) => map.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut text = String::new();
    walk(&key.arguments, &mut text);
    // `2024-06-12T15:30`: the time after the date's `t`.
    let spaced = text.replace('t', " ");
    let mut times: Vec<(u32, u32)> = times_in(&spaced).into_iter().map(|(t, _, _)| t).collect();
    let mut dates = dates_in(&text);
    // `2024-11-18T0300Z`, `2026-12-03_1412`: a time written without its colon after a date.
    for c in patterns().stamp_time.captures_iter(&text) {
        if let (Ok(h), Ok(m)) = (c[1].parse::<u32>(), c[2].parse::<u32>())
            && h < 24
            && m < 60
        {
            times.push((h, m));
        }
    }
    // `20240403`, `202409`: a date written without separators, as a whole value or after a
    // key's own words (`snap-20241202.db`).
    for c in patterns().compact_date.captures_iter(&text) {
        let (Ok(y), Ok(m)) = (c[1].parse::<i32>(), c[2].parse::<u32>()) else {
            continue;
        };
        let d = c.get(3).and_then(|d| d.as_str().parse::<u32>().ok());
        if (1990..=2100).contains(&y) && valid(m, d) {
            dates.push(DateMention {
                readings: vec![(Some(y), m, d)],
                start: 0,
                end: 0,
            });
        }
    }
    // A Unix time (`"end": 1735689600`, seconds or milliseconds) is the date and time it names
    // in UTC: "until 1 January 2025 00:00 UTC".
    for (y, m, d, h, min) in unix_times(&key.arguments) {
        dates.push(DateMention {
            readings: vec![(Some(y), m, Some(d))],
            start: 0,
            end: 0,
        });
        times.push((h, min));
    }
    (dates, times)
}

/// The civil date of a day number (days since 1970-01-01).
fn civil_date(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m, d)
}

/// The UTC dates and times (year, month, day, hour, minute) of the Unix times among the
/// arguments: whole numbers (or digit strings) of seconds between 2001 and 2100, or of
/// milliseconds in that span, at most 16.
fn unix_times(v: &serde_json::Value) -> Vec<(i32, u32, u32, u32, u32)> {
    const FROM: i64 = 978_307_200; // 2001-01-01
    const TO: i64 = 4_102_444_800; // 2100-01-01
    fn walk(v: &serde_json::Value, out: &mut Vec<i64>, depth: usize) {
        if depth > 8 || out.len() >= 16 {
            return;
        }
        match v {
            serde_json::Value::Number(n) => out.extend(n.as_i64()),
            serde_json::Value::String(s) if (10..=13).contains(&s.len()) => {
                out.extend(s.parse::<i64>().ok());
            }
            serde_json::Value::Array(items) => {
                items.iter().take(64).for_each(|x| walk(x, out, depth + 1));
            }
            serde_json::Value::Object(map) => {
                map.values().take(128).for_each(|x| walk(x, out, depth + 1));
            }
            _ => {}
        }
    }
    let mut raw = Vec::new();
    walk(v, &mut raw, 0);
    raw.into_iter()
        .filter_map(|n| {
            let secs = if (FROM..TO).contains(&n) {
                n
            } else if (FROM * 1000..TO * 1000).contains(&n) {
                n / 1000
            } else {
                return None;
            };
            let (y, m, d) = civil_date(secs.div_euclid(86_400));
            let in_day = secs.rem_euclid(86_400);
            Some((y, m, d, (in_day / 3600) as u32, (in_day % 3600 / 60) as u32))
        })
        .take(16)
        .collect()
}

/// Whether the action spans several days (a start and an end date that differ: a stay, a
/// rental, a leave).
pub(super) fn spans_days(key: &TeachBackKey) -> bool {
    let (own, _) = action_dates(key);
    let mut days: Vec<Reading> = own
        .iter()
        .flat_map(|m| m.readings.iter().copied())
        .filter(|r| r.0.is_some() && r.2.is_some())
        .collect();
    days.sort_unstable();
    days.dedup();
    days.len() >= 2
}

/// Days since 1970-01-01 of a civil date.
fn day_number(y: i32, m: u32, d: u32) -> i64 {
    let (y, m) = if m <= 2 {
        (i64::from(y) - 1, m + 9)
    } else {
        (i64::from(y), m - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * i64::from(m) + 2) / 5 + i64::from(d) - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// How long the action's spans last: the days between two of its dates (a stay from 12 to 15
/// July is 3 nights) and the minutes and hours between two of its times of day.
pub(super) fn action_spans(key: &TeachBackKey) -> Vec<f64> {
    let (own, times) = action_dates(key);
    let mut days: Vec<i64> = own
        .iter()
        .take(8)
        .flat_map(|m| m.readings.iter().take(2))
        .filter_map(|r| Some(day_number(r.0?, r.1, r.2?)))
        .collect();
    days.sort_unstable();
    days.dedup();
    let mut out = Vec::new();
    // In days (nights, or days counting both ends), whole weeks, months and years.
    for (i, a) in days.iter().enumerate() {
        for b in &days[i + 1..] {
            let n = (b - a) as f64;
            out.extend([n, n + 1.0]);
            for per in [7.0, 30.44, 365.25] {
                out.extend([(n / per).floor(), ((n + 1.0) / per).round()]);
            }
        }
    }
    for n in time_spans(&times) {
        out.extend([n, n / 60.0]);
    }
    out
}

/// The minutes between two of the times of day in `times` (at most eight), either way round
/// the clock: 22:00 to 06:00 is 8 hours (or 16).
fn time_spans(times: &[(u32, u32)]) -> Vec<f64> {
    let minutes: Vec<i64> = times
        .iter()
        .take(8)
        .map(|(h, m)| i64::from(*h) * 60 + i64::from(*m))
        .collect();
    let mut out = Vec::new();
    for (i, a) in minutes.iter().enumerate() {
        for b in &minutes[i + 1..] {
            let n = (b - a).abs();
            if n > 0 {
                out.extend([n as f64, (1440 - n) as f64]);
            }
        }
    }
    out
}

/// How many minutes the action's times of day lie apart (a meeting from 09:00 to 09:30: 30),
/// empty when it has fewer than two.
pub(super) fn action_time_spans(key: &TeachBackKey) -> Vec<f64> {
    time_spans(&action_dates(key).1)
}

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The weekday (0 = Monday) a word names: `sat`, `saturday`, `saturdays`.
fn weekday(word: &str) -> Option<usize> {
    let w = word.trim_end_matches('s');
    (w.len() >= 3)
        .then(|| {
            WEEKDAYS
                .iter()
                .position(|d| d.starts_with(w) && (w.len() >= 6 || w.len() == 3))
        })
        .flatten()
}

/// A weekday the explanation names that is none of the action's (the weekdays its texts name
/// and those of its full dates): "down on Sunday" for a message that says Saturday.
pub(super) fn foreign_weekday(key: &TeachBackKey, text: &str) -> bool {
    let (own, _) = action_dates(key);
    let mut days: Vec<usize> = own
        .iter()
        .take(16)
        .flat_map(|m| m.readings.iter())
        .filter_map(|r| Some((day_number(r.0?, r.1, r.2?) + 3).rem_euclid(7) as usize))
        .collect();
    for t in key.argument_texts(64 * 1024) {
        // A value that is a list of days (`["Mon", "Wed"]`) names them short.
        let short = t.len() <= 12;
        days.extend(
            t.to_lowercase()
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| w.len() >= 6 || (short && w.len() >= 3))
                .filter_map(weekday),
        );
    }
    if days.is_empty() {
        return false;
    }
    let words = super::explain::plain_words(text);
    words.iter().enumerate().any(|(i, w)| {
        w.len() >= 6
            && weekday(w).is_some_and(|d| !days.contains(&d))
            && !super::explain::negated(&words, i)
    })
}

fn same(a: &Reading, b: &Reading) -> bool {
    a.1 == b.1
        && (a.0.is_none() || b.0.is_none() || a.0 == b.0)
        && (a.2.is_none() || b.2.is_none() || a.2 == b.2)
}

/// Dates and times in an explanation checked against the action's: `Err` when a full date
/// (day and month) is not one of the action's while the action has dates; otherwise the text
/// with the action's own dates and times blanked out, so their numbers are not judged again.
pub(super) fn judge_dates(key: &TeachBackKey, text: &str) -> Result<String, String> {
    let lower = text.to_lowercase();
    let mentions = dates_in(&lower);
    let (own, own_times) = action_dates(key);
    let mut masked: Vec<u8> = lower.clone().into_bytes();
    let mut blank = |s: usize, e: usize| {
        for b in &mut masked[s..e] {
            *b = b' ';
        }
    };
    let with_day = own.iter().any(|o| o.readings.iter().any(|r| r.2.is_some()));
    // A month of a year ("until the end of June 2024") outside the months the action's dates
    // span, when it has dates with years.
    let months: Vec<i32> = own
        .iter()
        .flat_map(|o| o.readings.iter())
        .filter_map(|r| r.0.map(|y| y * 12 + r.1 as i32))
        .collect();
    let span = months.iter().min().zip(months.iter().max());
    let outside = |r: &Reading| {
        let (Some((first, last)), Some(y)) = (span, r.0) else {
            return false;
        };
        let at = y * 12 + r.1 as i32;
        at < *first || at > *last
    };
    for m in &mentions {
        let known = m
            .readings
            .iter()
            .any(|r| own.iter().any(|o| o.readings.iter().any(|x| same(r, x))));
        if known {
            blank(m.start, m.end);
        } else if (with_day && m.readings.iter().all(|r| r.2.is_some()))
            || m.readings.iter().all(|r| r.2.is_none() && outside(r))
        {
            return Err("the explanation states a date that is not part of this action".to_owned());
        }
    }
    for (t, s, e) in times_in(&lower) {
        if own_times.contains(&t) {
            blank(s, e);
        }
    }
    // A date of the action without its year or with two of its digits ("27.09", "from
    // 03.10. to 07.10.2024", "14.01.25", "12/14"): only ever blanked, never judged, since
    // "7.5" may as well be a dose.
    let short = |y: Option<&str>, x: &Reading| {
        y.is_none_or(|y| {
            x.0.is_some_and(|full| y.parse::<i32>().is_ok_and(|y| full % 100 == y))
        })
    };
    for c in patterns().day_month.captures_iter(&lower) {
        let (Ok(a), Ok(b)) = (c[1].parse::<u32>(), c[3].parse::<u32>()) else {
            continue;
        };
        let year = c.get(4).map(|y| y.as_str());
        let own_date = [(b, a), (a, b)].iter().any(|(m, d)| {
            own.iter().any(|o| {
                o.readings
                    .iter()
                    .any(|x| x.1 == *m && x.2 == Some(*d) && short(year, x))
            })
        });
        if own_date {
            let whole = c.get(0).expect("match");
            blank(whole.start(), whole.end());
        }
    }
    // Only ASCII bytes were replaced, inside matches of ASCII patterns.
    Ok(String::from_utf8(masked).unwrap_or(lower))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_common_formats() {
        let readings = |t: &str| -> Vec<Vec<Reading>> {
            dates_in(t).into_iter().map(|m| m.readings).collect()
        };
        let june = (Some(2024), 6, Some(14));
        assert_eq!(readings("on 2024-06-14"), [vec![june]]);
        assert_eq!(readings("on 14.06.2024"), [vec![june]]);
        assert_eq!(readings("on june 14, 2024"), [vec![june]]);
        assert_eq!(readings("on 14th of june 2024"), [vec![june]]);
        assert_eq!(readings("in may 2024"), [vec![(Some(2024), 5, None)]]);
        assert_eq!(
            readings("on 03/04/2024"),
            [vec![(Some(2024), 4, Some(3)), (Some(2024), 3, Some(4))]]
        );
        assert!(readings("version 4.12.10 on 10.0.0.1, you may 3 times").is_empty());
        assert!(readings("the mark 5 release").is_empty());
    }

    #[test]
    fn the_actions_dates_without_their_year_are_blanked() {
        use crate::context::ActionContext;
        let key = crate::challenge::teach_back_key::key_for(
            &ActionContext::new("cancel_booking")
                .with_kwarg("check_in", "2024-10-03")
                .with_kwarg("check_out", "2024-10-07"),
        );
        let undated = judge_dates(&key, "stay 03.10.–07.10.2024, from 03.10.24, 7.5 mg").unwrap();
        assert!(
            !undated.contains("03.10") && !undated.contains("07.10"),
            "{undated}"
        );
        // Another day, and a decimal, stay to be judged as numbers.
        assert!(
            judge_dates(&key, "from 04.10 on")
                .unwrap()
                .contains("04.10")
        );
        assert!(judge_dates(&key, "7.5 mg").unwrap().contains("7.5"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// Any text is read without panicking, and every span is a char boundary of it.
        #[test]
        fn any_text_is_read(text in "\\PC{0,80}") {
            let lower = text.to_lowercase();
            for m in dates_in(&lower) {
                proptest::prop_assert!(lower.is_char_boundary(m.start) && lower.is_char_boundary(m.end));
            }
            let _ = times_in(&lower);
        }

        /// A date written in each common form reads back as that date.
        #[test]
        fn every_form_reads_back(y in 1990i32..2040, m in 1u32..=12, d in 1u32..=28) {
            let name = MONTHS[(m - 1) as usize];
            for text in [
                format!("on {y}-{m:02}-{d:02}"),
                format!("on {d:02}.{m:02}.{y}"),
                format!("on {name} {d}, {y}"),
                format!("on {d} {name} {y}"),
            ] {
                let read = dates_in(&text);
                proptest::prop_assert!(
                    read.iter().any(|r| r.readings.contains(&(Some(y), m, Some(d)))),
                    "{text}: {read:?}"
                );
            }
        }
    }

    #[test]
    fn times_in_twelve_and_twenty_four_hours() {
        let t: Vec<(u32, u32)> = times_in("at 3:30 pm, 15:30 or 9 am")
            .into_iter()
            .map(|(t, _, _)| t)
            .collect();
        assert_eq!(t, [(15, 30), (15, 30), (9, 0)]);
    }

    #[test]
    fn a_weekday_the_action_does_not_have_is_foreign() {
        use crate::context::ActionContext;
        let key = |ctx: ActionContext| crate::challenge::teach_back_key::key_for(&ctx);
        let post = key(ActionContext::new("send_slack_message").with_kwarg(
            "text",
            "The office network will be down Saturday 06:00-10:00 UTC.",
        ));
        assert!(foreign_weekday(&post, "says the network is down on sunday"));
        assert!(!foreign_weekday(
            &post,
            "says the network is down on saturday"
        ));
        // 2026-12-05 is a Saturday.
        let meet = key(ActionContext::new("create_event").with_kwarg("start", "2026-12-05 10:00"));
        assert!(!foreign_weekday(&meet, "books it for saturday morning"));
        assert!(foreign_weekday(&meet, "books it for friday morning"));
    }
}
