//! Numbers as people write them: every value a number in a text may stand for (`27,300`,
//! `27.300,00`, `27.3k`, `€27,300.00`), whether it stands alone or is part of a code, and its
//! unit.

use super::text::amounts_equal;

/// Every value a number written in `text` may stand for: `27,300`, `27300`, `27.300,00`,
/// `27 300`, `27.3k`, `€27,300.00`, `1.2m`.
pub(crate) fn numbers_in(text: &str) -> Vec<f64> {
    number_groups(text)
        .into_iter()
        .flat_map(|g| g.values)
        .collect()
}

/// One number written in a text: every value it may stand for, and whether it stands alone
/// (not part of a word such as `ec2`, `2fa` or `orders_2022`).
pub(crate) struct NumberGroup {
    pub values: Vec<f64>,
    pub standalone: bool,
    /// The digits as written, without separators (`4931` of "ending 4931").
    pub digits: String,
    /// Followed by a unit of time (`4 h`, `240 min`, `14 days`).
    pub unit_of_time: bool,
    /// Followed by a temperature unit (`86 °F`).
    pub temperature: bool,
    /// Followed by a unit of data, mass or volume (`7.5 GB`, `512 MiB`, `1.25 g`).
    pub unit_of_size: bool,
    /// The factor to the main unit when a minor unit follows (`sats` 1e-8, `cents` 0.01).
    pub scale: f64,
    /// A percentage or a temperature (`50%`, `2–8 °C`): a comparison, not a value of the action.
    pub relative: bool,
    /// Said to be approximate ("~58.2k", "about 1,000", "roughly 40").
    pub approximate: bool,
}

/// Letters that may follow a standalone number: units and multipliers.
const UNITS: &[&str] = &[
    "k", "m", "mg", "ms", "s", "h", "d", "gb", "mb", "tb", "kb", "gib", "mib", "tib", "kib", "x",
    "th", "st", "nd", "rd", "min", "am", "pm", "g", "kg", "ml", "l",
];

pub(crate) fn number_groups(text: &str) -> Vec<NumberGroup> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || ((chars[i] == ',' || chars[i] == '.' || chars[i] == '\'' || chars[i] == ' ')
                    && i + 1 < chars.len()
                    && chars[i + 1].is_ascii_digit()
                    && (chars[i] != ' '
                        || (i + 3 < chars.len() + 1 && group_of_three(&chars, i + 1)))))
        {
            i += 1;
        }
        let raw: String = chars[start..i].iter().collect();
        // "4411,4412,4419": ids listed with commas, not one number in thousands: each stands
        // alone.
        if !raw.contains(['.', ' ', '\''])
            && raw.matches(',').count() >= 1
            && raw.split(',').all(|p| p.len() >= 4)
        {
            for piece in raw.split(',') {
                out.extend(number_groups(piece));
            }
            continue;
        }
        let mut j = i;
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        let spelled: String = chars[j..]
            .iter()
            .take_while(|c| c.is_alphabetic())
            .collect::<String>()
            .to_lowercase();
        let factor = match chars.get(j).map(|c| c.to_ascii_lowercase()) {
            Some('k') if !chars.get(j + 1).is_some_and(|c| c.is_alphabetic()) => 1e3,
            Some('m') if !chars.get(j + 1).is_some_and(|c| c.is_alphabetic()) => 1e6,
            _ => match spelled.as_str() {
                "thousand" => 1e3,
                // South Asian scales: "7.5 lakh" (750,000), "2 crore" (20,000,000).
                "lakh" | "lakhs" | "lac" | "lacs" => 1e5,
                "million" | "mio" | "mn" => 1e6,
                "crore" | "crores" => 1e7,
                "billion" | "bn" => 1e9,
                _ => 1.0,
            },
        };
        let glued_before = start > 0 && {
            let p = chars[start - 1];
            (p.is_alphanumeric() || p == '_')
                // `v4.12.0` is a version number on its own.
                && !(p.eq_ignore_ascii_case(&'v')
                    && (start < 2 || !chars[start - 2].is_alphanumeric()))
        };
        let suffix: String = chars[i..]
            .iter()
            .take_while(|c| c.is_alphabetic())
            .collect::<String>()
            .to_lowercase();
        // `8d21`, `2fa`: letters that are no unit, or a unit followed by more of a code.
        let glued_after = !suffix.is_empty()
            && (!UNITS.contains(&suffix.as_str())
                || chars
                    .get(i + suffix.chars().count())
                    .is_some_and(|c| c.is_alphanumeric() || *c == '_'));
        // "a 5-minute TTL", "the 21-day unbonding": the unit after a hyphen.
        let word_at = if j == i && chars.get(i) == Some(&'-') {
            i + 1
        } else {
            j
        };
        let next_word: String = chars[word_at..]
            .iter()
            .take_while(|c| c.is_alphabetic())
            .collect::<String>()
            .to_lowercase();
        let unit_of_time = [
            "h",
            "hr",
            "hrs",
            "hour",
            "hours",
            "min",
            "mins",
            "minute",
            "minutes",
            "s",
            "sec",
            "secs",
            "second",
            "seconds",
            "d",
            "day",
            "days",
            "week",
            "weeks",
            "w",
            "night",
            "nights",
            "month",
            "months",
            "year",
            "years",
            "ms",
            "millisecond",
            "milliseconds",
        ]
        .contains(&next_word.as_str());
        let unit_of_size = [
            "b",
            "byte",
            "bytes",
            "kb",
            "mb",
            "gb",
            "tb",
            "kib",
            "mib",
            "gib",
            "tib",
            "kilobytes",
            "megabytes",
            "gigabytes",
            "terabytes",
            "mcg",
            "mg",
            "g",
            "gram",
            "grams",
            "kg",
            "ml",
            "l",
            "litre",
            "litres",
            "liter",
            "liters",
        ]
        .contains(&next_word.as_str());
        let temperature = matches!(chars.get(j), Some('°'))
            || ["f", "c", "fahrenheit", "celsius", "degrees"].contains(&next_word.as_str());
        // "2–8 °C": the second end of a range is a comparison too.
        let after_dash = start >= 2
            && matches!(chars[start - 1], '–' | '-')
            && chars[start - 2].is_ascii_digit();
        let relative = after_dash
            || matches!(chars.get(j), Some('%'))
            || next_word == "percent"
            || (matches!(chars.get(i), Some('–' | '-'))
                && chars.get(i + 1).is_some_and(char::is_ascii_digit));
        let scale = match next_word.as_str() {
            "sat" | "sats" | "satoshi" | "satoshis" => 1e-8,
            "cent" | "cents" | "pence" | "penny" | "pennies" | "rappen" | "kobo" => 0.01,
            "gwei" => 1e-9,
            _ => 1.0,
        };
        // "roughly R$18.371", "about USD 12,450": the word before the currency.
        let mut lead = start;
        while lead > 0
            && (chars[lead - 1].is_whitespace() || "$€£¥₹₦₱₩₺₽".contains(chars[lead - 1]))
        {
            lead -= 1;
        }
        let code = chars[..lead]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_uppercase())
            .count();
        if (1..=3).contains(&code)
            && lead > code
            && chars[lead - code - 1].is_whitespace()
            && lead < start
        {
            lead -= code;
        }
        let before: String = chars[..lead]
            .iter()
            .rev()
            .skip_while(|c| c.is_whitespace())
            .take_while(|c| c.is_alphabetic() || **c == '~')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<String>()
            .to_lowercase();
        let approximate = [
            "~",
            "about",
            "roughly",
            "approximately",
            "approx",
            "around",
            "nearly",
            "almost",
            "circa",
            "ca",
        ]
        .contains(&before.as_str())
            // "8.6k", "48k": a number written in thousands is rounded.
            || factor == 1000.0;
        out.push(NumberGroup {
            approximate,
            temperature,
            scale,
            unit_of_time,
            unit_of_size,
            relative,
            values: {
                let read = interpretations(&raw);
                let mut values: Vec<f64> = read.iter().map(|v| v * factor).collect();
                // `10m`, `15m` glued: megabytes, minutes or metres as often as millions.
                if factor == 1e6 && j == i {
                    values.extend(read);
                }
                values
            },
            standalone: !glued_before && !glued_after,
            digits: raw.chars().filter(char::is_ascii_digit).collect(),
        });
    }
    out
}

fn group_of_three(chars: &[char], at: usize) -> bool {
    chars.len() >= at + 3
        && chars[at..at + 3].iter().all(char::is_ascii_digit)
        && !chars.get(at + 3).is_some_and(char::is_ascii_digit)
}

fn interpretations(raw: &str) -> Vec<f64> {
    let s: String = raw.chars().filter(|c| *c != ' ' && *c != '\'').collect();
    let last_dot = s.rfind('.');
    let last_comma = s.rfind(',');
    let parse = |t: String| t.parse::<f64>().ok().filter(|v| v.is_finite());
    let mut out = Vec::new();
    match (last_dot, last_comma) {
        (Some(d), Some(c)) => {
            let (thousands, decimal) = if d > c { (',', '.') } else { ('.', ',') };
            let t: String = s.chars().filter(|ch| *ch != thousands).collect();
            out.extend(parse(t.replace(decimal, ".")));
        }
        (Some(_), None) | (None, Some(_)) => {
            let sep = if last_dot.is_some() { '.' } else { ',' };
            // Either thousands groups (of three digits each: `27.300`, not `7.5`) or a decimal
            // point: keep both readings.
            // (Versions and addresses, `4.12.0`, `203.0.113.7`, keep their digits as one code.)
            if s.matches(sep).count() > 1 || s.split(sep).skip(1).all(|g| g.len() == 3) {
                out.extend(parse(s.chars().filter(|c| *c != sep).collect()));
            }
            if s.matches(sep).count() == 1 {
                out.extend(parse(s.replace(sep, ".")));
            }
        }
        (None, None) => out.extend(parse(s)),
    }
    out
}

pub(crate) fn states_amount(text: &str, amounts: &[f64]) -> bool {
    // "1 cent", "250 sats": the number in the main unit too; "two and a half", "six hundred
    // forty": numbers written out.
    let found: Vec<f64> = number_groups(text)
        .into_iter()
        .flat_map(|g| {
            let scaled: Vec<f64> = g.values.iter().map(|v| v * g.scale).collect();
            g.values.into_iter().chain(scaled)
        })
        .chain(spelled_numbers(text))
        .chain(super::spoken_amounts::spoken_amounts(text))
        .collect();
    amounts
        .iter()
        .any(|a| found.iter().any(|f| amounts_equal(*a, *f)))
}

/// `text` with every phone-style number ("+1 (415) 555-0123", "+44 20 7946 0011") whose
/// digits are one of `codes` blanked out: it names the action's number in groups.
pub(crate) fn mask_codes(text: &str, codes: &[String]) -> String {
    static PHONE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let phone = PHONE
        .get_or_init(|| regex::Regex::new(r"(?:\+|\()\d[\d ()\-.]{5,}\d").expect("valid regex"));
    let mut out = text.to_owned();
    for m in phone.find_iter(text) {
        let digits: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 7 && codes.iter().any(|c| c.contains(digits.as_str())) {
            out.replace_range(m.range(), &" ".repeat(m.len()));
        }
    }
    out
}

/// Numbers below twenty written out, in order.
pub(crate) const ONES_WORDS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

/// Tens from twenty written out, in order.
pub(crate) const TENS_WORDS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// Whether `word` is part of a number written out in words.
pub(crate) fn is_number_word(word: &str) -> bool {
    ONES_WORDS.contains(&word)
        || TENS_WORDS.contains(&word)
        || matches!(word, "hundred" | "thousand")
}

/// Numbers written out in words: "six hundred forty", "two and a half", "forty-two thousand".
pub(crate) fn spelled_numbers(text: &str) -> Vec<f64> {
    let words: Vec<String> = text
        .to_lowercase()
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let mut out = Vec::new();
    let (mut total, mut current, mut seen) = (0.0_f64, 0.0_f64, false);
    let mut i = 0;
    while i <= words.len() {
        let w = words.get(i).map(String::as_str).unwrap_or("");
        let next = words.get(i + 1).map(String::as_str).unwrap_or("");
        if let Some(n) = ONES_WORDS.iter().position(|u| *u == w) {
            current += n as f64;
            seen = true;
        } else if let Some(n) = TENS_WORDS.iter().position(|t| *t == w) {
            current += 20.0 + 10.0 * n as f64;
            seen = true;
        } else if w == "hundred" && seen {
            current = current.max(1.0) * 100.0;
        } else if let Some(m) = match w {
            "thousand" => Some(1e3),
            "lakh" | "lakhs" => Some(1e5),
            "million" => Some(1e6),
            "crore" | "crores" => Some(1e7),
            "billion" => Some(1e9),
            _ => None,
        } && seen
        {
            total += current.max(1.0) * m;
            current = 0.0;
        } else if seen && w == "and" && next == "a" && words.get(i + 2).is_some_and(|h| h == "half")
        {
            current += 0.5;
            i += 3;
            continue;
        } else if !(seen
            && w == "and"
            && (ONES_WORDS.contains(&next) || TENS_WORDS.contains(&next)))
        {
            if seen {
                out.push(total + current);
            }
            (total, current, seen) = (0.0, 0.0, false);
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_common_formats() {
        for (text, value) in [
            ("sends 27,300 euros", 27300.0),
            ("sends 27300 EUR", 27300.0),
            ("sends 27.300,00 EUR", 27300.0),
            ("sends 27 300 EUR", 27300.0),
            ("sends 27.3k", 27300.0),
            ("sends €27,300.00 now", 27300.0),
            ("pays 1,250.50", 1250.5),
            ("pays 1.250,50", 1250.5),
        ] {
            assert!(
                states_amount(text, &[value]),
                "{text} -> {:?}",
                numbers_in(text)
            );
        }
        assert!(!states_amount("sends 2,730 euros", &[27300.0]));
        // Indian grouping and scales.
        assert!(states_amount("pays ₹7,50,000 by NEFT", &[750_000.0]));
        assert!(states_amount("pays 7.5 lakh rupees", &[750_000.0]));
        assert!(states_amount("a 2 crore transfer", &[20_000_000.0]));
        assert!(states_amount("seventy-five thousand rupees", &[75_000.0]));
        assert!(states_amount("three lakh rupees", &[300_000.0]));
        assert!(!states_amount("pays 7.5 lakh rupees", &[75_000.0]));
        assert!(states_amount("pays six hundred forty dollars", &[640.0]));
        assert!(states_amount("moves two and a half ether", &[2.5]));
        assert!(states_amount("a 1 cent transfer", &[0.01]));
        assert!(states_amount("forty-two thousand and five", &[42005.0]));
        assert!(!states_amount("sends six hundred dollars", &[640.0]));
        assert!(!states_amount("sends money", &[27300.0]));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// Any text is read without panicking; masking keeps its length.
        #[test]
        fn any_text_is_read(text in "\\PC{0,80}") {
            let _ = number_groups(&text);
            let _ = spelled_numbers(&text);
            proptest::prop_assert_eq!(mask_codes(&text, &["4155550123".to_owned()]).len(), text.len());
        }

        /// A number written out in words reads back as that number.
        #[test]
        fn spelled_numbers_read_back(n in 0u32..1_000_000) {
            const UNITS: [&str; 20] = [
                "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                "seventeen", "eighteen", "nineteen",
            ];
            const TENS: [&str; 8] =
                ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
            fn below_thousand(n: u32) -> String {
                let mut parts = Vec::new();
                if n >= 100 {
                    parts.push(format!("{} hundred", UNITS[(n / 100) as usize]));
                }
                let r = n % 100;
                if r >= 20 {
                    let t = TENS[(r / 10 - 2) as usize];
                    parts.push(if r.is_multiple_of(10) { t.to_owned() } else { format!("{t}-{}", UNITS[(r % 10) as usize]) });
                } else if r > 0 || n == 0 {
                    parts.push(UNITS[r as usize].to_owned());
                }
                parts.join(" ")
            }
            let text = if n >= 1000 {
                let rest = n % 1000;
                let head = format!("{} thousand", below_thousand(n / 1000));
                if rest == 0 { head } else { format!("{head} {}", below_thousand(rest)) }
            } else {
                below_thousand(n)
            };
            proptest::prop_assert!(
                spelled_numbers(&format!("pays {text} dollars")).contains(&f64::from(n)),
                "{text}"
            );
        }
    }

    #[test]
    fn standalone_numbers_are_told_from_codes() {
        let standalone = |t: &str| -> Vec<String> {
            number_groups(t)
                .into_iter()
                .filter(|g| g.standalone)
                .map(|g| g.digits)
                .collect()
        };
        assert_eq!(standalone("opens port 22 on ec2"), ["22"]);
        assert_eq!(
            standalone("disables 2fa for orders_2022"),
            Vec::<String>::new()
        );
        assert_eq!(standalone("a 10mg dose, 12.84k devices"), ["10", "1284"]);
        assert_eq!(standalone("deploys v4.12.0"), ["4120"]);
        assert_eq!(standalone("wallet 0x9f2c…8d21"), Vec::<String>::new());
    }
}
