//! Numbers an explanation states that the action does not have: a port, a count, a dose, a
//! version or a date's digits describe another action. The action's numbers count in any unit
//! (240 min = 4 h, °F for °C, cents), as parts of its long codes (an IBAN's end, a phone number
//! in groups), as a percentage's complement or factor, as a total worked out from two of them,
//! and rounded when said to be approximate.

use super::numbers;
use super::teach_back::TeachBackKey;
use super::text::amounts_equal;

/// The first number of `text` (with the action's own dates blanked out in `undated`) that is
/// not one of the action's, as a failure message.
pub(super) fn foreign_number(key: &TeachBackKey, text: &str, undated: &str) -> Option<String> {
    // A number the action does not have (a port, a count, a dose, days, an IP address, a
    // version) means the explanation describes a different action.
    if let Some((mut numbers, codes)) = action_numbers(key) {
        // A percentage change is also stated by what remains or its factor: -35 % is "65 % of
        // the price" or "x 0.65".
        if let Some(m) = key.kwargs() {
            for (k, v) in m {
                let k = k.to_lowercase();
                if let Some(p) = v.as_f64()
                    && (k.contains("percent") || k.contains("pct"))
                    && p.abs() < 100.0
                {
                    numbers.extend(super::number_context::left_by_percent(p));
                }
                // So is one given as `{"type": "percentage", "value": -70}`.
                if let Some(inner) = v.as_object()
                    && inner.values().any(|x| {
                        x.as_str()
                            .is_some_and(|t| t.to_lowercase().starts_with("percent"))
                    })
                {
                    for p in inner.values().filter_map(serde_json::Value::as_f64) {
                        if p.abs() < 100.0 {
                            numbers.extend(super::number_context::left_by_percent(p));
                        }
                    }
                }
            }
        }
        // An amount of money is also stated in its minor unit (49.99 as "4999 cents"); other
        // numbers are not (a hundredfold count or size is another action).
        // An explanation that says the action counts in cents may give its major-unit value
        // ("500000, in cents, so $5,000").
        numbers.extend(super::number_context::implied_numbers(key));
        let mut units = Units::default();
        base_units(&key.arguments, "", &mut units, 0);
        numbers.extend(units.raw.iter().copied());
        let undated_words = super::explain::plain_words(undated);
        let says_cents = undated_words.iter().any(|w| {
            matches!(
                w.as_str(),
                "cent" | "cents" | "pence" | "centimes" | "paise" | "paisa" | "kobo" | "minor"
            )
        });
        // An action that counts in minor units (`amount_cents < 5000`, `minorUnits`) may be
        // told in the main unit ("under 50.00").
        let in_cents = says_cents || key.dump_has_any(&["cent", "minor"]);
        let known = |v: f64| {
            numbers.iter().any(|a| amounts_equal(*a, v))
                || (in_cents && numbers.iter().any(|a| amounts_equal(*a, v * 100.0)))
                || key.amounts.iter().any(|a| {
                    amounts_equal(*a * 100.0, v) || (says_cents && amounts_equal(*a / 100.0, v))
                })
        };
        // A total worked out from the action's numbers ("3 at 348.00 each, 1,044 in total";
        // "two 5 mg tablets, i.e. 10 mg").
        let small = standalone_numbers(key);
        // A sum too: "562.40 in all (350 fee + 212.40 difference)", the batch's total.
        let total: f64 = key.amounts.iter().sum();
        // A base-unit amount in its main unit only in its first reading ("2.5 SOL"; "2,500" is
        // 2500, its decimal-comma reading 2.5 does not count) or below one ("0.015 BTC").
        let in_main_unit = |g: &numbers::NumberGroup| {
            let matches = |v: &f64| units.scaled.iter().any(|a| amounts_equal(*a, *v));
            if g.digits.starts_with('0') {
                g.values.iter().any(matches)
            } else {
                g.values.first().is_some_and(matches)
            }
        };
        let amounts = &key.amounts;
        let per_year = undated_words.iter().any(|w| {
            matches!(
                w.as_str(),
                "year" | "years" | "yearly" | "annual" | "annually" | "annualized" | "annualised"
            )
        });
        let derived = |v: f64| {
            small.iter().enumerate().any(|(i, a)| {
                small[i + 1..]
                    .iter()
                    .any(|b| amounts_equal((a * b * 100.0).round() / 100.0, v))
            }) || amounts.iter().enumerate().any(|(i, a)| {
                amounts[i + 1..]
                    .iter()
                    .any(|b| amounts_equal(((a + b) * 100.0).round() / 100.0, v))
            }) || small.iter().chain(amounts).enumerate().any(|(i, a)| {
                // "an 8,500 increase" from 88,000 to 96,500.
                small
                    .iter()
                    .chain(amounts)
                    .skip(i + 1)
                    .any(|b| amounts_equal((((a - b).abs()) * 100.0).round() / 100.0, v))
            }) || (per_year
                && amounts.iter().any(|a| {
                    // "£240 a year" for £20 a month, "£2,600 a year" for £50 a week.
                    amounts_equal(((a * 12.0) * 100.0).round() / 100.0, v)
                        || amounts_equal(((a * 52.0) * 100.0).round() / 100.0, v)
                }))
                || (amounts.len() >= 2 && amounts_equal((total * 100.0).round() / 100.0, v))
                // "down to 0".
                || v == 0.0
        };
        // "~58.2k" for 58,214: a rounded number said to be one, also of a product ("roughly
        // 62k" for 340 at 182.55).
        let mut rounded_of = super::number_context::products(
            &small.iter().chain(amounts).copied().collect::<Vec<f64>>(),
        );
        rounded_of.extend(numbers.iter().copied());
        let near = |v: f64| super::number_context::rounded_from(v, &rounded_of);
        // "the IBAN ending 4931" (the end or start of a long code); "DE89 3704 0044 …" (an
        // IBAN or card number written in groups).
        let compact: String = text
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        // "ids ending 610, 611": the end of a long integer id (`8012938475610`) — only its
        // end: its start or middle may be an amount in a base unit (`2500000000` lamports).
        let long_ids = long_integer_ids(&key.arguments);
        let part_of_code = |digits: &str| {
            (digits.len() >= 3 && long_ids.iter().any(|c| c.ends_with(digits)))
                || codes.iter().any(|c| {
                    (c.len() >= 12 && compact.contains(c.as_str()) && c.contains(digits))
                        || (digits.len() >= 3 && (c.starts_with(digits) || c.ends_with(digits)))
                        || (digits.len() >= 2 && c.len() >= 12 && c.contains(digits))
                })
        };
        // How long a stay, a leave or a meeting lasts is worked out from its start and end.
        let spans = super::dates::action_spans(key);
        let span = |v: f64| spans.iter().any(|a| amounts_equal(*a, v));
        // "the 2 instances": how many items a list of the action has.
        let lengths = list_lengths(&key.arguments);
        let counted = |v: f64| lengths.iter().any(|a| amounts_equal(*a, v));
        // "every 8 hours" for `q8h`, "24h" for `24 hours`.
        let own_durations = super::spoken_counts::action_durations(key);
        let lasts = |v: f64| own_durations.iter().any(|(a, _)| amounts_equal(*a, v));
        // "240 min (4 h)": the same duration in another unit.
        let converted = |v: f64| {
            numbers.iter().any(|a| {
                amounts_equal((*a * 9.0 / 5.0 + 32.0).round(), v.round())
                    || amounts_equal(((*a - 32.0) * 5.0 / 9.0).round(), v.round())
            }) || numbers.iter().any(|a| {
                // Minutes, hours, days, weeks, months and years of one another ("3650 days",
                // "about ten years").
                // Milliseconds ("2,592,000,000 ms = 30 days").
                [
                    60.0,
                    24.0,
                    7.0,
                    12.0,
                    365.0,
                    1000.0,
                    1440.0,
                    3600.0,
                    60_000.0,
                    86400.0,
                    604_800.0,
                    3_600_000.0,
                    86_400_000.0,
                ]
                .iter()
                .any(|f| amounts_equal(*a, v * f) || amounts_equal(*a * f, v))
                // "3 months" for 90 days; not the other way round: "30 days" is no month of
                // any 1 the action has.
                || amounts_equal(*a, v * 30.0)
            })
        };
        // "7.5 GB" for 7680 (MB): a size in another unit of data, binary or decimal; "1.25 g"
        // for 1250 mg.
        let resized = |v: f64| {
            numbers.iter().any(|a| {
                [1024.0, 1000.0, 1_048_576.0, 1e6, 1_073_741_824.0, 1e9]
                    .iter()
                    .any(|f| amounts_equal(*a, v * f) || amounts_equal(*a * f, v))
            })
        };
        // A percentage of an action that sets one (`percent_off`, `rollout_percentage`) is
        // that value, not a comparison.
        let percent_key = key.kwargs().is_some_and(|m| {
            m.keys().any(|k| {
                let k = k.to_lowercase();
                k.contains("percent") || k.contains("pct")
            })
        });
        // So is one the action's own text states ("40% off" in the message it sends): a
        // percentage beside it is a claim about that value.
        // An action whose arguments name a percentage anywhere (`"type": "percent", "value":
        // -30`) sets one too.
        let percent_key = percent_key
            || key.argument_dump.contains("percent")
            || key
                .argument_dump
                .as_bytes()
                .windows(2)
                .any(|w| w[0].is_ascii_digit() && w[1] == b'%');
        let written = numbers::mask_codes(
            &mask_list_markers(&super::number_context::mask_context(key, undated)),
            &codes,
        );
        let foreign = numbers::number_groups(&written).iter().any(|g| {
            let percent_value = percent_key && g.relative && !g.temperature;
            let explained = (g.relative && !percent_value)
                || g.values.iter().any(|v| {
                    known(*v)
                        || known(*v * g.scale)
                        || (percent_value && known(-*v))
                        || derived(*v)
                        || (g.approximate && near(*v))
                })
                || in_main_unit(g)
                || part_of_code(&g.digits)
                || ((g.unit_of_time || g.temperature) && g.values.iter().any(|v| converted(*v)))
                || (g.unit_of_size && g.values.iter().any(|v| resized(*v)))
                || (g.unit_of_time && g.values.iter().any(|v| span(*v) || lasts(*v)))
                || g.values.iter().any(|v| counted(*v));
            g.standalone && !explained
        });
        // A count or duration written out in words ("thirteen nights") is judged like digits.
        let foreign = foreign
            || super::spoken_counts::spelled_counts(undated)
                .iter()
                .any(|(v, time)| {
                    !(known(*v)
                        || derived(*v)
                        || counted(*v)
                        || (*time && (converted(*v) || span(*v) || lasts(*v))))
                });
        if foreign
            || super::spoken_counts::misstated_duration(&own_durations, undated)
            || super::spoken_counts::misstated_span(key, &own_durations, undated)
        {
            return Some(
                "the explanation states a number that is not part of this action".to_owned(),
            );
        }
    }
    if super::dates::foreign_weekday(key, undated) {
        return Some("the explanation states a date that is not part of this action".to_owned());
    }
    if super::spoken_counts::age_misstated(key, undated, &text.to_lowercase()) {
        return Some(
            "the explanation overstates or misstates how much the action affects (its scope)"
                .to_owned(),
        );
    }
    if super::spoken_counts::endless_claimed(key, undated) {
        return Some("the explanation misstates how long the action lasts".to_owned());
    }
    // "every day" for a cron line that runs every five minutes.
    if super::schedules::misstated_schedule(key, undated) {
        return Some(
            "the explanation states a schedule that is not part of this action".to_owned(),
        );
    }
    None
}

/// How many items each list of the arguments has (at most 32 lists, two levels deep).
fn list_lengths(v: &serde_json::Value) -> Vec<f64> {
    let mut out = Vec::new();
    let mut lists: Vec<&serde_json::Value> = vec![v];
    for _ in 0..3 {
        let mut next = Vec::new();
        for item in lists {
            match item {
                serde_json::Value::Array(items) => {
                    out.push(items.len() as f64);
                    next.extend(items.iter().take(32));
                }
                serde_json::Value::Object(map) => next.extend(map.values().take(64)),
                _ => {}
            }
        }
        lists = next;
    }
    out.retain(|n| *n > 1.0);
    out.truncate(32);
    out
}

/// The JSON integers of ten digits or more among the arguments (ids), at most 64.
fn long_integer_ids(v: &serde_json::Value) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>, depth: usize) {
        if depth > 8 || out.len() >= 64 {
            return;
        }
        match v {
            serde_json::Value::Number(n) => {
                out.extend(
                    n.as_u64()
                        .filter(|n| *n >= 1_000_000_000)
                        .map(|n| n.to_string()),
                );
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
    let mut out = Vec::new();
    walk(v, &mut out, 0);
    out
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
                out.extend(numbers::numbers_in(s));
                // "1182,1183,1190": a list written with commas, not one number in thousands.
                if s.split(',').skip(1).any(|p| p.trim().len() != 3) {
                    out.extend(s.split(',').flat_map(numbers::numbers_in));
                }
                true
            }
            serde_json::Value::Number(n) => {
                out.extend(n.as_f64());
                out.extend(numbers::numbers_in(&n.to_string()));
                true
            }
            serde_json::Value::Array(items) => items.iter().all(|x| walk(x, out, budget)),
            serde_json::Value::Object(map) => map.iter().all(|(k, x)| {
                out.extend(numbers::numbers_in(k));
                walk(x, out, budget)
            }),
            _ => true,
        }
    }
    let mut out = numbers::numbers_in(&key.action);
    // The amounts as the key reads them (Stripe's minor units converted).
    out.extend(key.amounts.iter().copied());
    let mut budget = NUMBER_TEXT_BYTES;
    if !walk(&key.arguments, &mut out, &mut budget) {
        return None;
    }
    // Long digit runs of the action's texts (IBANs, card and phone numbers, ids): codes whose
    // start or end an explanation may quote. A JSON number is a quantity, not a code: "24,183
    // rows" does not name 2,418,337 rows by its first digits.
    fn codes_of(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => {
                out.extend(
                    s.split(|c: char| !c.is_ascii_digit())
                        .filter(|run| run.len() >= 6)
                        .map(str::to_owned),
                );
                // An IBAN or card number written in groups ("DE44 5001 0517 …") is one code.
                let grouped: String = s.chars().filter(|c| *c != ' ').collect();
                if s.contains(' ')
                    && grouped.len() >= 12
                    && grouped.chars().all(|c| c.is_ascii_alphanumeric())
                    && grouped.chars().filter(char::is_ascii_digit).count() >= 10
                {
                    out.extend(
                        grouped
                            .split(|c: char| !c.is_ascii_digit())
                            .filter(|run| run.len() >= 6)
                            .map(str::to_owned),
                    );
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|x| codes_of(x, out)),
            serde_json::Value::Object(map) => map.iter().for_each(|(k, x)| {
                out.extend(
                    k.split(|c: char| !c.is_ascii_digit())
                        .filter(|run| run.len() >= 6)
                        .map(str::to_owned),
                );
                codes_of(x, out);
            }),
            _ => {}
        }
    }
    let mut codes = Vec::new();
    codes_of(&key.arguments, &mut codes);
    codes.extend(
        key.action
            .split(|c: char| !c.is_ascii_digit())
            .filter(|run| run.len() >= 6)
            .map(str::to_owned),
    );
    Some((out, codes))
}

/// The numbers of an action's hex strings (`raw`) and its base-unit amounts in the main unit
/// (`scaled`: 2.5 SOL for 2,500,000,000 lamports).
#[derive(Default)]
struct Units {
    raw: Vec<f64>,
    scaled: Vec<f64>,
}

/// Numbers the way people say them when the arguments count in a base unit or in hex: 2.5 SOL
/// for `lamports: 2500000000`, 0.01 BTC for `amount_sats`, 2 ETH for `value: "0x1BC16D674EC80000"`
/// (wei), 21,000 for `gas: "0x5208"`.
fn base_units(v: &serde_json::Value, key: &str, out: &mut Units, depth: usize) {
    if depth > 8 || out.raw.len() + out.scaled.len() > 4096 {
        return;
    }
    let k = key.to_lowercase();
    let scale = if k.contains("lamport") || k.contains("gwei") {
        Some(1e9)
    } else if k.contains("sat") && !k.contains("status") && !k.contains("sati") {
        Some(1e8)
    } else if k.contains("wei") {
        Some(1e18)
    } else {
        None
    };
    match v {
        serde_json::Value::Number(n) => {
            if let (Some(x), Some(scale)) = (n.as_f64(), scale) {
                out.scaled.push(x / scale);
            }
        }
        serde_json::Value::String(s) => {
            if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))
                && (1..=16).contains(&hex.len())
                && let Ok(x) = u64::from_str_radix(hex, 16)
            {
                let x = x as f64;
                out.raw.push(x);
                out.scaled.extend([x / 1e18, x / 1e9]);
            } else if let (Ok(x), Some(scale)) = (s.trim().parse::<f64>(), scale) {
                out.scaled.push(x / scale);
            }
        }
        serde_json::Value::Array(items) => items
            .iter()
            .take(64)
            .for_each(|x| base_units(x, key, out, depth + 1)),
        serde_json::Value::Object(map) => map
            .iter()
            .take(128)
            .for_each(|(k, x)| base_units(x, k, out, depth + 1)),
        _ => {}
    }
}

/// The action's numbers that stand alone (JSON numbers, "2 tablets", not the digits of a
/// code or UUID), at most 48: the factors of a total an explanation may work out.
fn standalone_numbers(key: &TeachBackKey) -> Vec<f64> {
    fn walk(v: &serde_json::Value, out: &mut Vec<f64>) {
        if out.len() >= 48 {
            return;
        }
        match v {
            serde_json::Value::Number(n) => out.extend(n.as_f64()),
            serde_json::Value::String(s) if s.len() <= 512 => out.extend(
                numbers::number_groups(s)
                    .into_iter()
                    .filter(|g| g.standalone)
                    .flat_map(|g| g.values.into_iter().take(1)),
            ),
            serde_json::Value::Array(items) => items.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(map) => map.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&key.arguments, &mut out);
    out.retain(|a| *a != 0.0);
    out.truncate(48);
    out
}

/// The numbers of a list's own markers blanked out: "Step 2:", "1)", "3." at a line's start.
fn mask_list_markers(text: &str) -> String {
    // Markers inside a line first: the line-start rule below would blank its "1." and leave
    // "2." and "3." without the run they belong to.
    let text = mask_inline_markers(text);
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let body = line.trim_start_matches([' ', '-', '*', '\t']);
        let lead = &line[..line.len() - body.len()];
        out.push_str(lead);
        let digits = body.chars().take_while(char::is_ascii_digit).count();
        let rest = if digits > 0
            && digits <= 2
            && body[digits..].starts_with([')', '.', ':'])
            && body[digits + 1..].starts_with(' ')
        {
            out.push_str(&" ".repeat(digits));
            &body[digits..]
        } else {
            body
        };
        // "step 2", "Step 3:".
        let lower = rest.to_lowercase();
        let mut last = 0;
        for (at, _) in lower.match_indices("step ") {
            let start = at + 5;
            let digits = lower[start..]
                .chars()
                .take_while(char::is_ascii_digit)
                .count();
            if digits > 0 && digits <= 2 {
                out.push_str(&rest[last..start]);
                out.push_str(&" ".repeat(digits));
                last = start + digits;
            }
        }
        out.push_str(&rest[last..]);
    }
    out
}

/// "1. goes into packages/auth-sdk 2. bumps the version 3. publishes it": markers counting
/// 1, 2, 3 … inside a line, blanked out when at least "1." and "2." are there.
fn mask_inline_markers(text: &str) -> String {
    let bytes = text.as_bytes();
    // Marker starts: 1–2 digits at the start or after whitespace, then `.` or `)`, then a space.
    let mut markers: Vec<(usize, usize, u32)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let at_start = i == 0 || bytes[i - 1].is_ascii_whitespace();
        if at_start && bytes[i].is_ascii_digit() {
            let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
            let end = i + digits;
            if digits <= 2
                && matches!(bytes.get(end), Some(b'.') | Some(b')'))
                && bytes.get(end + 1) == Some(&b' ')
                && let Ok(n) = text[i..end].parse::<u32>()
            {
                markers.push((i, digits, n));
            }
            i = end;
        } else {
            i += 1;
        }
    }
    // The run 1, 2, 3 … in order.
    let mut next = 1;
    let mut run: Vec<(usize, usize)> = Vec::new();
    for (at, digits, n) in markers {
        if n == next {
            run.push((at, digits));
            next += 1;
        }
    }
    if run.len() < 2 {
        return text.to_owned();
    }
    let mut out = text.to_owned();
    for (at, digits) in run {
        out.replace_range(at..at + digits, &" ".repeat(digits));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ActionContext;

    fn foreign(ctx: &ActionContext, text: &str) -> bool {
        let key = crate::challenge::teach_back_key::key_for(ctx);
        foreign_number(&key, text, &text.to_lowercase()).is_some()
    }

    #[test]
    fn numbers_worked_out_from_the_action_are_its_own() {
        let buy = ActionContext::new("purchase_item")
            .with_kwarg("quantity", 3)
            .with_kwarg("unit_price", 348.0);
        assert!(!foreign(&buy, "buys 3 at 348.00 each, 1,044 in total"));
        assert!(foreign(&buy, "buys 3 at 348.00 each, 1,244 in total"));
        let sale = ActionContext::new("bulk_price_change").with_kwarg("adjust_percent", -35);
        assert!(!foreign(
            &sale,
            "marks prices down 35%, so they cost 65% (x 0.65)"
        ));
        assert!(foreign(&sale, "marks prices down 3.5%"));
        let blast = ActionContext::new("whatsapp_broadcast").with_kwarg("recipients", 58214);
        assert!(!foreign(&blast, "sends it to ~58.2k people"));
        assert!(foreign(&blast, "sends it to 58.2k people and 12 more"));
    }

    #[test]
    fn base_units_hex_differences_and_yearly_sums_are_the_actions() {
        let sol = ActionContext::new("solana_transfer").with_kwarg("lamports", 2_500_000_000u64);
        assert!(!foreign(&sol, "sends 2.5 SOL from the treasury"));
        assert!(foreign(&sol, "sends 2,500 SOL from the treasury"));
        let eth = ActionContext::new("eth_send_transaction")
            .with_kwarg("value", "0x1BC16D674EC80000")
            .with_kwarg("gas", "0x5208");
        assert!(!foreign(&eth, "sends 2 ETH with a 21,000 gas limit"));
        assert!(foreign(&eth, "sends 20 ETH with a 21,000 gas limit"));
        let raise = ActionContext::new("update_compensation")
            .with_kwarg("previous_base_pay", 88000)
            .with_kwarg("base_pay", 96500);
        assert!(!foreign(&raise, "from 88,000 to 96,500, an 8,500 increase"));
        assert!(foreign(&raise, "from 88,000 to 96,500, a 9,500 increase"));
        let pledge = ActionContext::new("patreon_change_tier").with_kwarg("amount", 20.0);
        assert!(!foreign(&pledge, "£20 a month, that is £240 a year"));
        assert!(foreign(&pledge, "£20 a month, that is £240 in total"));
        // Paise, like cents, when the explanation says so.
        let payout = ActionContext::new("razorpayx_create_payout")
            .with_kwarg("amount", 7_500_000)
            .with_kwarg("currency", "INR");
        assert!(!foreign(&payout, "pays ₹75,000 (7500000 paise) by IMPS"));
        assert!(foreign(&payout, "pays ₹7,500 (7500000 paise) by IMPS"));
        assert!(!foreign(
            &payout,
            "pays 0.75 lakh rupees (7500000 paise) by IMPS"
        ));
        // A percentage change given as a typed value: what remains, not another percentage.
        let sale = ActionContext::new("shopify_bulk_update_variant_prices")
            .with_kwarg("collection", "summer-sale")
            .with_kwarg(
                "price_adjustment",
                serde_json::json!({"type": "percentage", "value": -70}),
            );
        assert!(!foreign(
            &sale,
            "marks summer-sale down to 30% of the current price"
        ));
        assert!(!foreign(&sale, "marks summer-sale down by 70%"));
        assert!(foreign(&sale, "marks summer-sale down by 7%"));
        // Days told in years.
        let prune = ActionContext::new("Bash").with_kwarg(
            "command",
            "find /srv/archive -name '*.pdf' -mtime +3650 -delete",
        );
        assert!(!foreign(
            &prune,
            "deletes PDFs untouched for more than ten years"
        ));
        assert!(!foreign(
            &prune,
            "deletes PDFs untouched for more than 10 years"
        ));
        assert!(foreign(
            &prune,
            "deletes PDFs untouched for more than 12 years"
        ));
    }

    #[test]
    fn sizes_milliseconds_months_and_worked_examples_are_the_actions() {
        // A size in another unit of data.
        let tier = ActionContext::new("gcloud_sql_patch").with_kwarg("tier", "db-custom-2-7680");
        assert!(!foreign(&tier, "moves it to 2 vCPU and 7.5 GB of memory"));
        assert!(!foreign(&tier, "moves it to 2 vCPU and 7680 MB of memory"));
        assert!(foreign(&tier, "moves it to 2 vCPU and 8.5 GB of memory"));
        let dose = ActionContext::new("ehr_order_medication")
            .with_kwarg("medication", "vancomycin")
            .with_kwarg("dose_mg", 1250);
        assert!(!foreign(&dose, "vancomycin 1.25 g IV"));
        assert!(foreign(&dose, "vancomycin 12.5 g IV"));
        // Milliseconds told in days, days in months.
        let topic = ActionContext::new("kafka_alter_topic")
            .with_kwarg("topic", "orders.dlq")
            .with_kwarg("retention.ms", 2_592_000_000u64);
        assert!(!foreign(&topic, "keeps dead letters for 30 days"));
        assert!(!foreign(
            &topic,
            "keeps dead letters for about one month (30 days)"
        ));
        let kms = ActionContext::new("kms_schedule_key_deletion")
            .with_kwarg("key_id", "1f3c9b2e")
            .with_kwarg("pending_window_in_days", 7);
        assert!(foreign(&kms, "deletes key 1f3c9b2e after a 30-day window"));
        assert!(foreign(&topic, "keeps dead letters for 40 days"));
        let purge = ActionContext::new("sql_execute").with_kwarg(
            "query",
            "DELETE FROM audit_log WHERE created_at < now() - interval '90 days'",
        );
        assert!(!foreign(&purge, "purges audit rows older than 3 months"));
        assert!(foreign(&purge, "purges audit rows older than 4 months"));
        // A worked example of the percentage the action applies.
        let raise = ActionContext::new("shop_bulk_price")
            .with_kwarg("category", "outdoor")
            .with_kwarg("percent", 15);
        assert!(!foreign(
            &raise,
            "raises prices by 15%, e.g. a 100.00 tent becomes 115.00"
        ));
        assert!(!foreign(
            &raise,
            "raises prices by 15%: 2.500 cents -> 2.875 cents"
        ));
        assert!(foreign(
            &raise,
            "raises prices by 15%, e.g. a 100.00 tent becomes 150.00"
        ));
        assert!(foreign(&raise, "raises prices by 15% on 300 products"));
    }

    #[test]
    fn inline_list_markers_are_no_numbers() {
        assert_eq!(
            mask_inline_markers("1. goes into web 2. bumps it 3. publishes 2 builds"),
            " . goes into web  . bumps it  . publishes 2 builds"
        );
        // A lone "2." is no list.
        assert_eq!(mask_inline_markers("pays 2. then"), "pays 2. then");
        // A list that starts the explanation, with "1)" or "1." as its first marker.
        for text in [
            "1) go to infra/prod 2) destroy the module 3) skip the prompt",
            "1. drops every table 2. runs all migrations 3. runs the seeders",
            "Step 1: finds it\n2. deletes it",
        ] {
            let masked = mask_list_markers(text);
            assert!(!masked.contains(char::is_numeric), "{masked}");
        }
    }
}
