//! Display integrity: what the approver reads is what runs.
//!
//! Every channel that shows an action to a human (terminal, inbox, MCP elicitation text, chat
//! messages) renders values through this module so that:
//! - invisible, bidirectional-override and control characters become visible escapes such as
//!   `⟨U+202E⟩` (an attacker cannot reorder or hide text on screen);
//! - words that mix look-alike scripts (Latin with Cyrillic or Greek, e.g. `pаypal.com` with a
//!   Cyrillic `а`) are marked with the foreign code points;
//! - long values are shown whole or cut with an explicit `…N more bytes`;
//! - amounts get thousands separators and IBANs their four-character groups *beside* the raw
//!   value (the raw value is never replaced, only annotated).
//!
//! Pure functions, no I/O. The escapes only ever add visible text: a value whose every character
//! is ordinary printable text is returned unchanged.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::Value;

/// Default byte budget for one value on a one-screen channel.
pub const DEFAULT_VALUE_BYTES: usize = 400;

/// Whether `c` is invisible, zero-width, a bidi control, a control character or an unusual space
/// that could be mistaken for an ordinary one. Such characters are always shown escaped.
pub fn is_hidden_char(c: char) -> bool {
    let u = c as u32;
    matches!(u,
        0x00..=0x1F | 0x7F..=0x9F          // C0, DEL, C1 controls
        | 0xA0 | 0xAD                        // no-break space, soft hyphen
        | 0x034F                             // combining grapheme joiner
        | 0x061C                             // Arabic letter mark
        | 0x115F | 0x1160 | 0x3164 | 0xFFA0  // Hangul fillers
        | 0x1680                             // Ogham space
        | 0x17B4 | 0x17B5                    // Khmer invisible vowels
        | 0x180B..=0x180F                    // Mongolian selectors / vowel separator
        | 0x2000..=0x200F                    // odd spaces, ZWSP, ZWNJ, ZWJ, LRM, RLM
        | 0x2028..=0x202F                    // line/para separators, LRE..RLO, narrow nbsp
        | 0x205F..=0x206F                    // math space, word joiner, invisible ops, isolates
        | 0x3000                             // ideographic space
        | 0xFE00..=0xFE0F                    // variation selectors
        | 0xFEFF                             // BOM / zero-width no-break space
        | 0xFFF9..=0xFFFB                    // interlinear annotation
        | 0x1D173..=0x1D17A                  // musical invisible formatting
        | 0xE0000..=0xE007F                  // tag characters
        | 0xE0100..=0xE01EF                  // variation selectors supplement
    )
}

/// Escapes every hidden character (see [`is_hidden_char`]), including newlines and tabs, as
/// `⟨U+XXXX⟩`. Use for one-line values (paths, IBANs, hosts, identifiers).
pub fn escape_hidden(s: &str) -> Cow<'_, str> {
    escape_with(s, false)
}

/// Like [`escape_hidden`] but keeps `\n` and `\t` as layout (for multi-line text such as a
/// docstring or a message body). `\r` and everything else hidden is still escaped.
pub fn escape_hidden_multiline(s: &str) -> Cow<'_, str> {
    escape_with(s, true)
}

fn escape_with(s: &str, keep_layout: bool) -> Cow<'_, str> {
    let hidden = |c: char| is_hidden_char(c) && !(keep_layout && (c == '\n' || c == '\t'));
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if hidden(c) {
            let _ = write!(out, "⟨U+{:04X}⟩", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The writing system a letter belongs to, for look-alike detection. Only scripts whose letters
/// are commonly confused with Latin are distinguished; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Script {
    Latin,
    Greek,
    Cyrillic,
    Armenian,
    Cherokee,
    /// Fullwidth Latin forms (`ａ`), look like Latin but are different code points.
    Fullwidth,
    Other,
}

impl Script {
    pub fn name(self) -> &'static str {
        match self {
            Script::Latin => "Latin",
            Script::Greek => "Greek",
            Script::Cyrillic => "Cyrillic",
            Script::Armenian => "Armenian",
            Script::Cherokee => "Cherokee",
            Script::Fullwidth => "Fullwidth",
            Script::Other => "other",
        }
    }
}

/// The script of a letter, or `None` for digits, punctuation and other non-letters.
pub fn script_of(c: char) -> Option<Script> {
    let u = c as u32;
    let script = match u {
        0x41..=0x5A | 0x61..=0x7A => Script::Latin,
        0xC0..=0x24F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF => Script::Latin,
        0x250..=0x2AF => Script::Latin, // IPA extensions (ɑ, ɡ …)
        0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
        0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
        0x531..=0x58F => Script::Armenian,
        0x13A0..=0x13FF | 0xAB70..=0xABBF => Script::Cherokee,
        0xFF21..=0xFF3A | 0xFF41..=0xFF5A => Script::Fullwidth,
        _ if c.is_alphabetic() => Script::Other,
        _ => return None,
    };
    Some(script)
}

/// A word mixing look-alike scripts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MixedScript {
    pub word: String,
    pub scripts: Vec<Script>,
    /// Code points of the letters outside the word's main script (at most 4).
    pub foreign: Vec<char>,
}

/// Words (split on whitespace) whose letters mix Latin with a look-alike script, or that use
/// fullwidth Latin. Words entirely in one non-Latin script (a Russian sentence) are fine.
pub fn mixed_script_words(s: &str) -> Vec<MixedScript> {
    let mut found = Vec::new();
    for word in s.split(|c: char| c.is_whitespace() || is_hidden_char(c)) {
        if word.is_empty() || word.is_ascii() {
            continue;
        }
        let mut counts: Vec<(Script, usize)> = Vec::new();
        for c in word.chars() {
            if let Some(script) = script_of(c) {
                match counts.iter_mut().find(|(s, _)| *s == script) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((script, 1)),
                }
            }
        }
        let confusable = |s: Script| {
            matches!(
                s,
                Script::Latin
                    | Script::Greek
                    | Script::Cyrillic
                    | Script::Armenian
                    | Script::Cherokee
                    | Script::Fullwidth
            )
        };
        let relevant: Vec<(Script, usize)> = counts
            .iter()
            .copied()
            .filter(|(s, _)| confusable(*s))
            .collect();
        let fullwidth = relevant.iter().any(|(s, _)| *s == Script::Fullwidth);
        if relevant.len() < 2 && !fullwidth {
            continue;
        }
        let main = relevant
            .iter()
            .max_by_key(|(s, n)| (*n, *s == Script::Latin))
            .map(|(s, _)| *s)
            .unwrap_or(Script::Latin);
        let mut foreign = Vec::new();
        for c in word.chars() {
            if let Some(s) = script_of(c)
                && confusable(s)
                && (s != main || s == Script::Fullwidth)
                && !foreign.contains(&c)
                && foreign.len() < 4
            {
                foreign.push(c);
            }
        }
        let mut scripts: Vec<Script> = relevant.iter().map(|(s, _)| *s).collect();
        scripts.sort();
        found.push(MixedScript {
            word: word.to_owned(),
            scripts,
            foreign,
        });
    }
    found
}

/// Cuts `s` to at most `max_bytes` bytes on a character boundary. Returns the kept prefix and
/// how many bytes were cut.
pub fn truncate_bytes(s: &str, max_bytes: usize) -> (&str, usize) {
    if s.len() <= max_bytes {
        return (s, 0);
    }
    let mut end = max_bytes;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    (&s[..end], s.len() - end)
}

/// The explicit marker appended to a cut value.
pub fn more_bytes_marker(cut: usize) -> String {
    format!("…{cut} more bytes")
}

/// Adds thousands separators (`,`) to a plain decimal number: `27300` → `27,300`,
/// `-1234567.5` → `-1,234,567.5`. `None` when `s` is not a plain decimal number or has fewer
/// than five integer digits (nothing to gain).
pub fn group_thousands(s: &str) -> Option<String> {
    let t = s.trim();
    let (sign, rest) = match t.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", t.strip_prefix('+').unwrap_or(t)),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || frac.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
        || int.len() < 5
        || int.len() > 30
    {
        return None;
    }
    let mut grouped = String::with_capacity(int.len() + int.len() / 3 + 4);
    grouped.push_str(sign);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if let Some(f) = frac {
        grouped.push('.');
        grouped.push_str(f);
    }
    Some(grouped)
}

/// An IBAN written compactly or with spaces, grouped in fours, with its checksum verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iban {
    pub grouped: String,
    pub checksum_ok: bool,
}

/// Recognises an IBAN (`DE89370400440532013000`, optionally with spaces) and groups it.
pub fn parse_iban(s: &str) -> Option<Iban> {
    let compact: String = s.chars().filter(|c| *c != ' ').collect();
    let b = compact.as_bytes();
    if !(15..=34).contains(&b.len())
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[2..4].iter().all(u8::is_ascii_digit)
        || !b[4..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        || !b[4..].iter().any(u8::is_ascii_digit)
    {
        return None;
    }
    let mut remainder: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        let v = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        remainder = if v >= 10 {
            (remainder * 100 + v) % 97
        } else {
            (remainder * 10 + v) % 97
        };
    }
    let grouped = compact
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ");
    Some(Iban {
        grouped,
        checksum_ok: remainder == 1,
    })
}

/// One value made safe to show: escapes, look-alike marks, an explicit cut, and reading aids
/// (grouped amount, grouped IBAN) beside the raw value.
pub fn show_value(s: &str, max_bytes: usize) -> String {
    let (kept, cut) = truncate_bytes(s, max_bytes);
    let mut out = escape_hidden(kept).into_owned();
    for mixed in mixed_script_words(kept) {
        let names: Vec<&str> = mixed.scripts.iter().map(|s| s.name()).collect();
        let points: Vec<String> = mixed
            .foreign
            .iter()
            .map(|c| format!("U+{:04X}", *c as u32))
            .collect();
        let _ = write!(
            out,
            " ⟨look-alike letters in \"{}\": {} mixed, {}⟩",
            escape_hidden(&mixed.word),
            names.join("+"),
            points.join(" ")
        );
    }
    if cut > 0 {
        out.push_str(&more_bytes_marker(cut));
    } else if let Some(grouped) = group_thousands(s) {
        let _ = write!(out, " ({grouped})");
    } else if let Some(iban) = parse_iban(s)
        && iban.grouped != s
    {
        let _ = write!(out, " (IBAN {}", iban.grouped);
        if !iban.checksum_ok {
            out.push_str(", checksum INVALID");
        }
        out.push(')');
    } else if let Some(iban) = parse_iban(s)
        && !iban.checksum_ok
    {
        out.push_str(" (IBAN checksum INVALID)");
    }
    out
}

/// A JSON number made readable: `27300` → `27300 (27,300)`.
pub fn show_number(n: &serde_json::Number) -> String {
    let raw = n.to_string();
    match group_thousands(&raw) {
        Some(g) => format!("{raw} ({g})"),
        None => raw,
    }
}

/// Renders a JSON value on one line for display: strings through [`show_value`] (quoted),
/// numbers with grouping, containers recursively, keys escaped too. Output stops once about
/// `max_bytes` have been produced and says how many bytes of the compact JSON were left out.
/// Linear in the size of the value.
pub fn show_json(value: &Value, max_bytes: usize) -> String {
    let mut out = String::new();
    let mut budget = Budget {
        end: max_bytes,
        skipped: 0,
    };
    write_json(&mut out, value, &mut budget, max_bytes);
    if budget.skipped > 0 {
        let _ = write!(out, " {}", more_bytes_marker(budget.skipped));
    }
    out
}

struct Budget {
    /// Output length at which rendering stops.
    end: usize,
    skipped: usize,
}

impl Budget {
    fn left(&self, out: &str) -> usize {
        self.end.saturating_sub(out.len())
    }
}

fn compact_len(value: &Value) -> usize {
    // serde_json's compact writer is linear; a counting writer avoids the allocation.
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = Count(0);
    let _ = serde_json::to_writer(&mut c, value);
    c.0
}

fn write_json(out: &mut String, value: &Value, budget: &mut Budget, per_value: usize) {
    if budget.left(out) == 0 {
        budget.skipped += compact_len(value);
        return;
    }
    match value {
        Value::Null | Value::Bool(_) => out.push_str(&value.to_string()),
        Value::Number(n) => out.push_str(&show_number(n)),
        Value::String(s) => {
            let _ = write!(
                out,
                "\"{}\"",
                show_value(s, per_value.min(budget.left(out)))
            );
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if budget.left(out) == 0 {
                    budget.skipped += items[i..].iter().map(|v| compact_len(v) + 1).sum::<usize>();
                    out.push('…');
                    break;
                }
                write_json(out, item, budget, per_value);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if budget.left(out) == 0 {
                    budget.skipped += map
                        .iter()
                        .skip(i)
                        .map(|(k, v)| k.len() + 4 + compact_len(v))
                        .sum::<usize>();
                    out.push('…');
                    break;
                }
                let _ = write!(out, "{}: ", escape_hidden(k));
                write_json(out, v, budget, per_value);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hidden_characters_become_visible_escapes() {
        assert_eq!(escape_hidden("plain /srv/a.txt"), "plain /srv/a.txt");
        assert!(matches!(escape_hidden("plain"), Cow::Borrowed(_)));
        assert_eq!(
            escape_hidden("invoice\u{202E}fdp.exe"),
            "invoice⟨U+202E⟩fdp.exe"
        );
        assert_eq!(escape_hidden("DE89\u{200B}3704"), "DE89⟨U+200B⟩3704");
        assert_eq!(
            escape_hidden("a\nb\tc\x1b[2J"),
            "a⟨U+000A⟩b⟨U+0009⟩c⟨U+001B⟩[2J"
        );
        assert_eq!(escape_hidden_multiline("a\nb\r"), "a\nb⟨U+000D⟩");
        assert_eq!(escape_hidden("tag\u{E0041}"), "tag⟨U+E0041⟩");
        assert_eq!(escape_hidden("nbsp\u{A0}x"), "nbsp⟨U+00A0⟩x");
    }

    #[test]
    fn mixed_scripts_are_marked_single_scripts_are_not() {
        let marks = mixed_script_words("pay p\u{0430}ypal.com now");
        assert_eq!(marks.len(), 1);
        assert_eq!(marks[0].scripts, [Script::Latin, Script::Cyrillic]);
        assert_eq!(marks[0].foreign, ['\u{0430}']);
        assert!(mixed_script_words("Привет мир, hello naïve café").is_empty());
        assert_eq!(mixed_script_words("ｐaypal").len(), 1);
        let shown = show_value("p\u{0430}ypal.com", 100);
        assert!(
            shown.contains("U+0430") && shown.contains("Cyrillic"),
            "{shown}"
        );
    }

    #[test]
    fn truncation_is_explicit_and_on_char_boundaries() {
        let (kept, cut) = truncate_bytes("héllo", 2);
        assert_eq!((kept, cut), ("h", 5));
        let shown = show_value(&"x".repeat(1000), 100);
        assert!(shown.ends_with("…900 more bytes"), "{shown}");
        assert_eq!(show_value("short", 100), "short");
    }

    #[test]
    fn amounts_and_ibans_get_reading_aids_beside_the_raw_value() {
        assert_eq!(group_thousands("27300").as_deref(), Some("27,300"));
        assert_eq!(
            group_thousands("-1234567.50").as_deref(),
            Some("-1,234,567.50")
        );
        assert_eq!(group_thousands("999"), None);
        assert_eq!(group_thousands("12a45"), None);
        assert_eq!(show_value("48500", 100), "48500 (48,500)");
        let iban = parse_iban("DE89370400440532013000").unwrap();
        assert_eq!(iban.grouped, "DE89 3704 0044 0532 0130 00");
        assert!(iban.checksum_ok);
        assert!(!parse_iban("DE88370400440532013000").unwrap().checksum_ok);
        assert_eq!(
            show_value("DE89370400440532013000", 100),
            "DE89370400440532013000 (IBAN DE89 3704 0044 0532 0130 00)"
        );
        assert!(show_value("DE88370400440532013000", 100).contains("checksum INVALID"));
        assert_eq!(parse_iban("hello"), None);
        assert_eq!(
            show_number(&serde_json::Number::from(27300)),
            "27300 (27,300)"
        );
    }

    #[test]
    fn json_is_escaped_grouped_and_cut_with_a_count() {
        let v = json!({"to": "GB33BUKB20201555555555", "amount": 48500, "note": "a\u{202E}b"});
        let shown = show_json(&v, 400);
        assert!(shown.contains("48500 (48,500)"), "{shown}");
        assert!(shown.contains("a⟨U+202E⟩b"), "{shown}");
        assert!(
            shown.contains("IBAN GB33 BUKB 2020 1555 5555 55"),
            "{shown}"
        );
        let big: serde_json::Map<String, Value> =
            (0..10_000).map(|i| (format!("k{i}"), json!(i))).collect();
        let shown = show_json(&Value::Object(big), 200);
        assert!(shown.len() < 400, "{}", shown.len());
        assert!(shown.contains("more bytes"), "{shown}");
    }
}
