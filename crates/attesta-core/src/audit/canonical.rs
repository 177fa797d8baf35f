//! Chain-hash checking of one raw log line, fast when the line is already canonical.
//!
//! The writer stores each entry as its RFC 8785 form, so for a well-formed line
//! `canonical(entry without chain_hash)` is exactly the line with the `"chain_hash":"…"` member
//! (and one comma) cut out. [`digest_line`] validates in one pass that the line really is
//! canonical — no whitespace, keys strictly sorted by UTF-16 code units, minimal string escapes,
//! ECMAScript number forms — and then hashes the two byte ranges around that member directly.
//! Anything else (hand-edited lines, other writers) takes the slow path: parse, drop
//! `chain_hash`, canonicalise, hash. Both paths give the same answer; a property test checks it.

use std::cmp::Ordering;
use std::fmt;
use std::io::Write as _;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::error::AuditError;

/// What one line claims and what its bytes hash to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineDigest {
    pub seq: u64,
    pub previous_hash: String,
    pub chain_hash: String,
    /// `SHA-256(canonical(line without chain_hash) ‖ previous_hash)`, lowercase hex.
    pub computed_hash: String,
    /// Whether the line was already canonical (the fast path was taken).
    pub canonical: bool,
}

impl LineDigest {
    /// The line's stored hash matches its content and its declared predecessor.
    pub fn self_consistent(&self) -> bool {
        self.computed_hash == self.chain_hash
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex of any byte string.
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 0xf) as usize] as char);
    }
    out
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex_lower(&Sha256::digest(bytes))
}

/// Appends the RFC 8785 form of `value` to `out`. Equivalent to `serde_json_canonicalizer` (a
/// property test checks it) but without re-parsing every key, which makes appends several times
/// cheaper.
pub fn write_canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => write_canonical_map(map, out),
    }
}

/// The RFC 8785 form of a JSON object: members sorted by the UTF-16 code units of their names.
pub(crate) fn write_canonical_map(map: &Map<String, Value>, out: &mut Vec<u8>) {
    let mut members: Vec<(&String, &Value)> = map.iter().collect();
    if members.iter().all(|(k, _)| k.is_ascii()) {
        members.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    } else {
        members.sort_unstable_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    }
    out.push(b'{');
    for (i, (key, item)) in members.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_string(key, out);
        out.push(b':');
        write_canonical(item, out);
    }
    out.push(b'}');
}

/// Integers below 2^53 print as themselves; everything else as the ECMAScript form of its double.
pub(crate) fn write_number(n: &serde_json::Number, out: &mut Vec<u8>) {
    const EXACT: u64 = 1 << 53;
    if let Some(u) = n.as_u64().filter(|u| *u < EXACT) {
        // io::Write on a Vec cannot fail; writing in place avoids a String per number.
        let _ = write!(out, "{u}");
    } else if let Some(i) = n.as_i64().filter(|i| i.unsigned_abs() < EXACT) {
        let _ = write!(out, "{i}");
    } else {
        // serde_json numbers are always finite.
        let f = n.as_f64().unwrap_or(0.0);
        out.extend_from_slice(ryu_js::Buffer::new().format_finite(f).as_bytes());
    }
}

pub(crate) fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 0xf) as usize],
            ]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Checks one line (with or without its trailing newline). `line_no` is only used in errors.
pub fn digest_line(line: &[u8], line_no: u64) -> Result<LineDigest, AuditError> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    if let Some(fast) = fast_digest(line) {
        return Ok(fast);
    }
    slow_digest(line).map_err(|reason| AuditError::MalformedLine {
        line: line_no,
        reason,
    })
}

fn fast_digest(line: &[u8]) -> Option<LineDigest> {
    std::str::from_utf8(line).ok()?;
    let mut scanner = Scanner {
        bytes: line,
        pos: 0,
        top: TopLevel::default(),
    };
    if !scanner.object(0) || scanner.pos != line.len() {
        return None;
    }
    let top = scanner.top;
    let (ch_key, ch_val_end) = top.chain_hash?;
    let chain_hash = plain_string(line, ch_key, ch_val_end)?;
    let (ph_key, ph_val_end) = top.previous_hash?;
    let previous_hash = plain_string(line, ph_key, ph_val_end)?;
    let (seq_key, seq_val_end) = top.seq?;
    let seq_text = std::str::from_utf8(&line[seq_key + "\"seq\":".len()..seq_val_end]).ok()?;
    if !seq_text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seq: u64 = seq_text.parse().ok()?;

    // Cut `"chain_hash":"…"` plus one adjacent comma so the rest stays canonical.
    let (cut_start, cut_end) = if line.get(ch_val_end) == Some(&b',') {
        (ch_key, ch_val_end + 1)
    } else if line.get(ch_key.wrapping_sub(1)) == Some(&b',') {
        (ch_key - 1, ch_val_end)
    } else {
        (ch_key, ch_val_end)
    };
    let mut hasher = Sha256::new();
    hasher.update(&line[..cut_start]);
    hasher.update(&line[cut_end..]);
    hasher.update(previous_hash.as_bytes());
    Some(LineDigest {
        seq,
        previous_hash: previous_hash.to_owned(),
        chain_hash: chain_hash.to_owned(),
        computed_hash: hex_lower(&hasher.finalize()),
        canonical: true,
    })
}

/// The content of a member's string value when it has no escapes.
fn plain_string(line: &[u8], key_start: usize, value_end: usize) -> Option<&str> {
    // key_start points at the key's opening quote; find the ':' then the value's quotes.
    let colon = key_start + line[key_start + 1..].iter().position(|&b| b == b'"')? + 2;
    let value = &line[colon + 1..value_end];
    let inner = value.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    if inner.contains(&b'\\') {
        return None;
    }
    std::str::from_utf8(inner).ok()
}

#[derive(Default)]
struct TopLevel {
    /// (key start, value end) of the members the verifier needs.
    chain_hash: Option<(usize, usize)>,
    previous_hash: Option<(usize, usize)>,
    seq: Option<(usize, usize)>,
}

/// A validator for RFC 8785 canonical JSON text. Every method returns `false` as soon as the
/// input is not canonical (which includes not being JSON at all).
struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    top: TopLevel,
}

const MAX_DEPTH: usize = 128;

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> bool {
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string(),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => false,
        }
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        if self.bytes[self.pos..].starts_with(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn array(&mut self, depth: usize) -> bool {
        if depth > MAX_DEPTH || !self.eat(b'[') {
            return false;
        }
        if self.eat(b']') {
            return true;
        }
        loop {
            if !self.value(depth) {
                return false;
            }
            if self.eat(b']') {
                return true;
            }
            if !self.eat(b',') {
                return false;
            }
        }
    }

    fn object(&mut self, depth: usize) -> bool {
        if depth > MAX_DEPTH || !self.eat(b'{') {
            return false;
        }
        if self.eat(b'}') {
            return true;
        }
        let mut previous_key: Option<(usize, usize)> = None;
        loop {
            let key_start = self.pos;
            if !self.string() {
                return false;
            }
            let key = (key_start + 1, self.pos - 1);
            if let Some(prev) = previous_key
                && key_order(self.bytes, prev, key) != Some(Ordering::Less)
            {
                return false;
            }
            previous_key = Some(key);
            if !self.eat(b':') || !self.value(depth) {
                return false;
            }
            if depth == 0 {
                let member = (key_start, self.pos);
                match &self.bytes[key.0..key.1] {
                    b"chain_hash" => self.top.chain_hash = Some(member),
                    b"previous_hash" => self.top.previous_hash = Some(member),
                    b"seq" => self.top.seq = Some(member),
                    _ => {}
                }
            }
            if self.eat(b'}') {
                return true;
            }
            if !self.eat(b',') {
                return false;
            }
        }
    }

    fn string(&mut self) -> bool {
        if !self.eat(b'"') {
            return false;
        }
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'"' => return true,
                b'\\' => {
                    let Some(esc) = self.peek() else { return false };
                    self.pos += 1;
                    match esc {
                        b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => {
                            // Only control characters without a short form are escaped as \u00xx.
                            let Some(hex) = self.bytes.get(self.pos..self.pos + 4) else {
                                return false;
                            };
                            let lower_hex =
                                |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
                            if hex[0] != b'0'
                                || hex[1] != b'0'
                                || !hex[2..].iter().all(|&c| lower_hex(c))
                            {
                                return false;
                            }
                            let code = u8::from_str_radix(
                                std::str::from_utf8(&hex[2..]).unwrap_or("ff"),
                                16,
                            )
                            .unwrap_or(0xff);
                            if code >= 0x20 || matches!(code, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d) {
                                return false;
                            }
                            self.pos += 4;
                        }
                        _ => return false,
                    }
                }
                0x00..=0x1f => return false,
                _ => {}
            }
        }
        false
    }

    fn number(&mut self) -> bool {
        let start = self.pos;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        let token = &self.bytes[start..self.pos];
        if is_small_canonical_integer(token) {
            return true;
        }
        let Ok(text) = std::str::from_utf8(token) else {
            return false;
        };
        let Ok(value) = text.parse::<f64>() else {
            return false;
        };
        if !value.is_finite() {
            return false;
        }
        // Canonical iff re-formatting the double gives the same text (this also rejects any
        // token that is not valid JSON, since the canonical form always is).
        ryu_js::Buffer::new().format_finite(value).as_bytes() == token
    }
}

/// `0` or `-?[1-9][0-9]{0,14}`: exact in a double and printed as plain digits by ECMAScript.
fn is_small_canonical_integer(token: &[u8]) -> bool {
    let digits = token.strip_prefix(b"-").unwrap_or(token);
    if digits == b"0" {
        return token.len() == 1;
    }
    !digits.is_empty()
        && digits.len() <= 15
        && digits[0] != b'0'
        && digits.iter().all(u8::is_ascii_digit)
}

/// Orders two raw (still escaped) keys by their UTF-16 code units, as RFC 8785 requires.
fn key_order(bytes: &[u8], a: (usize, usize), b: (usize, usize)) -> Option<Ordering> {
    let (ka, kb) = (&bytes[a.0..a.1], &bytes[b.0..b.1]);
    let simple = |k: &[u8]| k.iter().all(|&c| c.is_ascii() && c != b'\\');
    if simple(ka) && simple(kb) {
        return Some(ka.cmp(kb));
    }
    let decode = |range: (usize, usize)| -> Option<Vec<u16>> {
        let quoted = &bytes[range.0 - 1..range.1 + 1];
        let s: String = serde_json::from_slice(quoted).ok()?;
        Some(s.encode_utf16().collect())
    };
    Some(decode(a)?.cmp(&decode(b)?))
}

fn slow_digest(line: &[u8]) -> Result<LineDigest, String> {
    let value = StrictValue::parse(line)?;
    let Value::Object(mut map) = value else {
        return Err("not a JSON object".into());
    };
    let text_field = |map: &Map<String, Value>, name: &str| -> Result<String, String> {
        match map.get(name) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(format!("`{name}` is not a string")),
            None => Err(format!("missing `{name}`")),
        }
    };
    let chain_hash = text_field(&map, "chain_hash")?;
    let previous_hash = text_field(&map, "previous_hash")?;
    let seq = match map.get("seq") {
        Some(v) => v.as_u64().ok_or("`seq` is not a non-negative integer")?,
        None => return Err("missing `seq`".into()),
    };
    map.remove("chain_hash");
    let canonical =
        serde_json_canonicalizer::to_vec(&Value::Object(map)).map_err(|e| e.to_string())?;
    let mut hasher = Sha256::new();
    hasher.update(&canonical);
    hasher.update(previous_hash.as_bytes());
    Ok(LineDigest {
        seq,
        previous_hash,
        chain_hash,
        computed_hash: hex_lower(&hasher.finalize()),
        canonical: false,
    })
}

/// A JSON value parsed with duplicate object keys rejected: with duplicates, different readers
/// see different entries, so such a line is malformed rather than silently "last one wins".
struct StrictValue(Value);

impl StrictValue {
    fn parse(line: &[u8]) -> Result<Value, String> {
        let mut de = serde_json::Deserializer::from_slice(line);
        let value = StrictValue::deserialize(&mut de).map_err(|e| e.to_string())?;
        de.end().map_err(|e| e.to_string())?;
        Ok(value.0)
    }
}

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("non-finite number"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let StrictValue(value) = access.next_value_seed(StrictSeed)?;
            if map.insert(key.clone(), value).is_some() {
                return Err(de::Error::custom(format!("duplicate key `{key}`")));
            }
        }
        Ok(Value::Object(map))
    }
}

struct StrictSeed;

impl<'de> DeserializeSeed<'de> for StrictSeed {
    type Value = StrictValue;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<StrictValue, D::Error> {
        StrictValue::deserialize(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn line_of(value: &Value) -> Vec<u8> {
        serde_json_canonicalizer::to_vec(value).unwrap()
    }

    fn sample(prev: &str) -> Value {
        json!({"seq": 3, "previous_hash": prev, "chain_hash": "00", "action_name": "rm",
               "arguments": {"args": ["a\"b\\c\n\u{1}é\u{1F600}"], "kwargs": {"x": 0.1, "y": -2.5e-7, "z": 1e21}},
               "risk_score": 0.7, "metadata": {"\u{e000}": 1, "\u{1F600}": 2}})
    }

    #[test]
    fn canonical_lines_take_the_fast_path_and_agree_with_the_slow_one() {
        let line = line_of(&sample("genesis"));
        let fast = digest_line(&line, 1).unwrap();
        assert!(fast.canonical, "{}", String::from_utf8_lossy(&line));
        let slow = slow_digest(&line).unwrap();
        assert_eq!(fast.computed_hash, slow.computed_hash);
        assert_eq!(fast.seq, 3);
        assert_eq!(fast.previous_hash, "genesis");
    }

    #[test]
    fn non_canonical_lines_fall_back_and_hash_the_same_content() {
        let canonical = line_of(&sample("abc"));
        let pretty = serde_json::to_vec_pretty(&sample("abc")).unwrap();
        let a = digest_line(&canonical, 1).unwrap();
        let b = digest_line(&pretty, 1).unwrap();
        assert!(!b.canonical);
        assert_eq!(a.computed_hash, b.computed_hash);
    }

    #[test]
    fn non_canonical_forms_are_detected() {
        for text in [
            r#"{"b":1,"a":2}"#,
            r#"{"a":1,"a":2}"#,
            r#"{"a": 1}"#,
            r#"{"a":1.0}"#,
            r#"{"a":"\u0041"}"#,
            r#"{"a":"\/"}"#,
            r#"{"a":"\u000A"}"#,
            r#"{"a":1E3}"#,
            r#"{"a":-0}"#,
            r#"{"a":01}"#,
            r#"{"a":[1,]}"#,
            r#"{"a":tru}"#,
        ] {
            let mut s = Scanner {
                bytes: text.as_bytes(),
                pos: 0,
                top: TopLevel::default(),
            };
            let ok = s.object(0) && s.pos == text.len();
            assert!(!ok, "{text} accepted as canonical");
        }
        for text in [
            r#"{"a":1,"b":[true,null,"x\n\u001f"],"c":1e+21,"d":0.000001,"e":1e-7}"#,
            r#"{"":{},"\u0000":[],"é":"\\\"","😀":0}"#,
        ] {
            let mut s = Scanner {
                bytes: text.as_bytes(),
                pos: 0,
                top: TopLevel::default(),
            };
            assert!(s.object(0) && s.pos == text.len(), "{text} rejected");
        }
    }

    #[test]
    fn malformed_lines_are_typed_errors_with_line_numbers() {
        for bad in [
            &b"{\"seq\":1"[..],
            b"[]",
            b"\xff\xfe",
            b"",
            b"{\"seq\":-1,\"previous_hash\":\"g\",\"chain_hash\":\"x\"}",
            b"{\"seq\":1,\"seq\":2,\"previous_hash\":\"g\",\"chain_hash\":\"x\"}",
        ] {
            match digest_line(bad, 42) {
                Err(AuditError::MalformedLine { line: 42, .. }) => {}
                other => panic!("{:?} -> {other:?}", String::from_utf8_lossy(bad)),
            }
        }
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            "\\PC{0,12}".prop_map(Value::String),
            "[\\x00-\\x1f\"\\\\/a-z\u{e000}\u{1F600}]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map("[a-z\u{e000}\u{1F600}_]{0,6}", inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn writer_matches_the_reference_canonicalizer(payload in arb_json()) {
            let mut ours = Vec::new();
            write_canonical(&payload, &mut ours);
            prop_assert_eq!(String::from_utf8(ours).unwrap(), serde_json_canonicalizer::to_string(&payload).unwrap());
        }

        #[test]
        fn fast_and_slow_paths_always_agree(payload in arb_json(), seq in 0u64..1_000_000) {
            let entry = json!({"seq": seq, "previous_hash": "p", "chain_hash": "h", "payload": payload});
            let line = line_of(&entry);
            let fast = digest_line(&line, 1).unwrap();
            prop_assert!(fast.canonical, "{}", String::from_utf8_lossy(&line));
            let slow = slow_digest(&line).unwrap();
            prop_assert_eq!(fast.computed_hash, slow.computed_hash);
            let pretty = serde_json::to_vec_pretty(&entry).unwrap();
            prop_assert_eq!(digest_line(&pretty, 1).unwrap().computed_hash, slow_digest(&line).unwrap().computed_hash);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let _ = digest_line(&bytes, 1);
        }
    }
}
