//! Targets of a call (recipients, accounts, hosts, paths, amounts) and whether a text names them.

use serde_json::{Map, Value};

/// At most this many targets are taken from one call.
const MAX_TARGETS: usize = 16;
/// Strings visited per call.
const MAX_STRINGS: usize = 256;

/// One target a call acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An email address (lowercase).
    Email(String),
    /// A host from a URL or a host-like value (lowercase).
    Host(String),
    /// A digit string: account, card, phone or IBAN digits, or an amount.
    Number(String),
    /// An absolute or home-relative path.
    Path(String),
    /// Any other short identifying value (a channel, a room, an issue number, a device id),
    /// lowercase. Only used to confirm that the user named what the call acts on.
    Value(String),
}

impl Target {
    pub fn describe(&self) -> String {
        match self {
            Target::Email(e) => format!("recipient {e}"),
            Target::Host(h) => format!("host {h}"),
            Target::Number(n) => format!("number {n}"),
            Target::Path(p) => format!("path {p}"),
            Target::Value(v) => format!("value {v}"),
        }
    }

    /// Recipients, hosts, accounts, amounts and paths: what an unrequested call could redirect.
    pub fn is_strong(&self) -> bool {
        !matches!(self, Target::Value(_))
    }

    /// Whether `lower` (lowercased text) and `digits` (its digits, separators removed) name it.
    pub fn named_in(&self, lower: &str, digits: &str) -> bool {
        match self {
            Target::Email(e) => lower.contains(e.as_str()),
            Target::Host(h) => {
                lower.contains(h.as_str())
                    || h.strip_prefix("www.")
                        .is_some_and(|bare| lower.contains(bare))
            }
            Target::Number(n) => digits.contains(n.as_str()),
            Target::Path(p) => {
                lower.contains(p.as_str())
                    || p.rsplit('/')
                        .next()
                        .is_some_and(|base| base.len() >= 3 && lower.contains(base))
            }
            Target::Value(v) => {
                let bare = v.trim_start_matches(['#', '@']);
                if bare.bytes().all(|b| b.is_ascii_digit()) {
                    digits.split_whitespace().any(|d| d == bare)
                } else {
                    bare.len() >= 2 && lower.contains(bare)
                }
            }
        }
    }
}

fn key_is(key: &str, words: &[&str]) -> bool {
    // Lowercased on the stack for ordinary keys (ASCII lowercasing keeps UTF-8 valid).
    let mut buf = [0u8; 64];
    if let Some(dst) = buf.get_mut(..key.len()) {
        dst.copy_from_slice(key.as_bytes());
        dst.make_ascii_lowercase();
        if let Ok(k) = std::str::from_utf8(dst) {
            return words.iter().any(|w| k.contains(w));
        }
    }
    let k = key.to_ascii_lowercase();
    words.iter().any(|w| k.contains(w))
}

/// Digits of a text with thousands separators and punctuation removed (`$1,250.00` → `125000`
/// is avoided: cents after a point are dropped).
///
/// Works on bytes: every byte it looks at (digits, `,`, `-`, space, `.`) is ASCII, and a
/// multi-byte character is only ever "something else", as it would be char by char. Runs
/// without digits are skipped eight bytes at a time.
pub fn digits_of(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() / 4);
    let mut prev_digit = false;
    let mut i = 0;
    while i < bytes.len() {
        if !prev_digit {
            // Nothing pending: jump to the next digit (only a digit changes the state here).
            match next_digit(bytes, i) {
                Some(at) => i = at,
                None => break,
            }
        }
        let c = bytes[i];
        i += 1;
        if c.is_ascii_digit() {
            out.push(char::from(c));
            prev_digit = true;
        } else if matches!(c, b',' | b'-' | b' ') && bytes.get(i).is_some_and(u8::is_ascii_digit) {
            // `1,250` and `123-4567-8901` are one number
        } else if c == b'.' {
            // drop the fraction: amounts compare by their integer part
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            out.push(' ');
            prev_digit = false;
        } else {
            out.push(' ');
            prev_digit = false;
        }
    }
    out
}

/// Index of the first ASCII digit at or after `from`.
fn next_digit(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while i + 8 <= bytes.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[i..i + 8]);
        // A digit is a byte whose XOR with `0` is below 10 (exact for bytes below 0x80, and a
        // byte at or above 0x80 stays at or above 0x80 after the XOR).
        let x = u64::from_le_bytes(word) ^ (ONES * u64::from(b'0'));
        if x.wrapping_sub(ONES * 10) & !x & HIGHS != 0 {
            break;
        }
        i += 8;
    }
    bytes[i..]
        .iter()
        .position(u8::is_ascii_digit)
        .map(|p| i + p)
}

fn push(out: &mut Vec<Target>, t: Target) {
    if out.len() < MAX_TARGETS && !out.contains(&t) {
        out.push(t);
    }
}

fn scan_string(s: &str, key: &str, out: &mut Vec<Target>) {
    for token in s.split(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>' | '"' | '\'' | '(' | ')')
    }) {
        let token = token.trim_matches(|c: char| matches!(c, '.' | ':' | '[' | ']'));
        if token.is_empty() || token.len() > 256 {
            continue;
        }
        if let Some(rest) = token.split_once("://").map(|(_, r)| r) {
            let host = rest.split(['/', '?', '#', ':']).next().unwrap_or("");
            if !host.is_empty() {
                push(out, Target::Host(host.to_ascii_lowercase()));
            }
        } else if let Some(at) = token.find('@')
            && at > 0
            && token[at + 1..].contains('.')
        {
            push(out, Target::Email(token.to_ascii_lowercase()));
        } else if (token.starts_with('/') || token.starts_with("~/")) && token.len() > 1 {
            push(out, Target::Path(token.to_ascii_lowercase()));
        }
    }
    if key_is(
        key,
        &[
            "account",
            "acct",
            "iban",
            "routing",
            "wallet",
            "card",
            "phone",
            "to_number",
            "recipient",
            "payee",
            "beneficiary",
        ],
    ) {
        for n in digits_of(s).split_whitespace() {
            if n.len() >= 4 {
                push(out, Target::Number(n.to_owned()));
            }
        }
    }
    let trimmed = s.trim();
    if !trimmed.is_empty()
        && trimmed.len() <= 64
        && trimmed.split_whitespace().count() <= 4
        && !trimmed.contains("://")
        && !trimmed.contains('@')
        && !matches!(trimmed, "true" | "false" | "null" | "." | "./" | "*")
        && !out.iter().any(|t| t.is_strong())
    {
        push(out, Target::Value(trimmed.to_lowercase()));
    }
    if key_is(key, &["host", "domain", "server", "endpoint"])
        && !s.contains(' ')
        && s.contains('.')
        && !s.contains("://")
    {
        push(out, Target::Host(s.to_ascii_lowercase()));
    }
}

fn walk(value: &Value, key: &str, out: &mut Vec<Target>, budget: &mut usize, depth: usize) {
    if *budget == 0 || depth > 8 {
        return;
    }
    match value {
        Value::String(s) => {
            *budget -= 1;
            scan_string(s, key, out);
        }
        Value::Number(n) => {
            if key_is(
                key,
                &[
                    "amount", "price", "total", "value", "sum", "payment", "quantity",
                ],
            ) {
                if let Some(v) = n.as_f64().filter(|v| v.abs() >= 1.0) {
                    push(out, Target::Number(format!("{}", v.abs().trunc() as u64)));
                }
            } else if key_is(
                key,
                &["account", "acct", "iban", "routing", "card", "phone"],
            ) {
                push(out, Target::Number(n.to_string()));
            } else if let Some(v) = n.as_u64() {
                push(out, Target::Value(v.to_string()));
            } else if let Some(v) = n.as_f64() {
                push(out, Target::Value(format!("{}", v.trunc() as i64)));
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(item, key, out, budget, depth + 1);
            }
        }
        Value::Object(map) => walk_map(map, out, budget, depth + 1),
        _ => {}
    }
}

fn walk_map(map: &Map<String, Value>, out: &mut Vec<Target>, budget: &mut usize, depth: usize) {
    for (k, v) in map {
        // Message bodies and file contents are content, not targets.
        if key_is(
            k,
            &[
                "body",
                "content",
                "text",
                "message",
                "description",
                "html",
                "markdown",
                "old_string",
                "new_string",
                "subject",
                "title",
                "comment",
                "note",
                "summary",
                "query",
            ],
        ) {
            continue;
        }
        walk(v, k, out, budget, depth);
    }
}

/// Targets of a call's arguments.
pub fn targets_of(args: &[Value], kwargs: &Map<String, Value>) -> Vec<Target> {
    let mut out = Vec::new();
    let mut budget = MAX_STRINGS;
    for a in args {
        walk(a, "", &mut out, &mut budget, 0);
    }
    walk_map(kwargs, &mut out, &mut budget, 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_recipients_hosts_amounts() {
        let v = json!({"to": "Amy <amy@evil.example>", "url": "https://webhook.site/x", "amount": 1250.5, "account_number": "123-4567-8901", "body": "hi bob@acme.io"});
        let t = targets_of(&[], v.as_object().unwrap());
        assert!(t.contains(&Target::Email("amy@evil.example".into())));
        assert!(t.contains(&Target::Host("webhook.site".into())));
        assert!(t.contains(&Target::Number("1250".into())));
        assert!(t.contains(&Target::Number("12345678901".into())));
        assert!(
            !t.iter()
                .any(|x| matches!(x, Target::Email(e) if e.contains("bob")))
        );
    }

    /// The char-by-char definition `digits_of` must keep.
    fn digits_reference(text: &str) -> String {
        let mut out = String::new();
        let mut prev_digit = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_ascii_digit() {
                out.push(c);
                prev_digit = true;
            } else if prev_digit
                && matches!(c, ',' | '-' | ' ')
                && chars.peek().is_some_and(char::is_ascii_digit)
            {
            } else if prev_digit && c == '.' {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                out.push(' ');
                prev_digit = false;
            } else {
                if prev_digit {
                    out.push(' ');
                }
                prev_digit = false;
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn digits_of_matches_the_char_definition(text in "[0-9 ,.\\-a€é/:]{0,80}") {
            proptest::prop_assert_eq!(digits_of(&text), digits_reference(&text));
        }

        #[test]
        fn digits_of_matches_on_any_text(text in proptest::string::string_regex(".{0,64}").unwrap()) {
            proptest::prop_assert_eq!(digits_of(&text), digits_reference(&text));
        }
    }

    #[test]
    fn digits_join_separators() {
        assert_eq!(
            digits_of("pay $1,250.00 to 123-4567")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["1250", "1234567"]
        );
    }
}
