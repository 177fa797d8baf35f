//! Allocation-light text helpers: identifier tokenisation, word iteration, lowercase lookups.

/// Longest word the lexicons care about; longer words are never looked up.
pub const MAX_WORD: usize = 48;

/// Runs `f` on the ASCII-lowercased form of `word` without allocating. Returns `None` for words
/// longer than [`MAX_WORD`] or containing non-ASCII bytes (no lexicon entry can match them).
pub fn with_lower<R>(word: &str, f: impl FnOnce(&str) -> R) -> Option<R> {
    let bytes = word.as_bytes();
    if bytes.len() > MAX_WORD || !word.is_ascii() {
        return None;
    }
    let mut buf = [0u8; MAX_WORD];
    for (dst, src) in buf.iter_mut().zip(bytes) {
        *dst = src.to_ascii_lowercase();
    }
    // ASCII in, ASCII out: always valid UTF-8.
    std::str::from_utf8(&buf[..bytes.len()]).ok().map(f)
}

/// Alphanumeric words of `text` (ASCII letters and digits; everything else separates).
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Splits an identifier into lowercase-able pieces: separators (`_ - . / : space` and any other
/// non-alphanumeric), camelCase and PascalCase boundaries, and acronyms (`HTTPDelete` → `HTTP`,
/// `Delete`). Digits stay attached to the preceding letters. Pieces are slices of `name`.
pub fn identifier_tokens(name: &str, out: &mut Vec<(usize, usize)>) {
    for_each_identifier_token(name, |s, e| out.push((s, e)));
}

/// Like [`identifier_tokens`], without collecting: calls `f(start, end)` for each piece.
pub fn for_each_identifier_token(name: &str, mut f: impl FnMut(usize, usize)) {
    let bytes = name.as_bytes();
    let mut chunk_start: Option<usize> = None;
    for i in 0..=bytes.len() {
        let is_word = i < bytes.len() && bytes[i].is_ascii_alphanumeric();
        match (is_word, chunk_start) {
            (true, None) => chunk_start = Some(i),
            (false, Some(start)) => {
                split_camel(bytes, start, i, &mut f);
                chunk_start = None;
            }
            _ => {}
        }
    }
}

fn split_camel(bytes: &[u8], start: usize, end: usize, f: &mut impl FnMut(usize, usize)) {
    let mut piece = start;
    for i in start + 1..end {
        let prev = bytes[i - 1];
        let cur = bytes[i];
        let next_lower = i + 1 < end && bytes[i + 1].is_ascii_lowercase();
        let boundary = cur.is_ascii_uppercase()
            && (prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower));
        if boundary {
            f(piece, i);
            piece = i;
        }
    }
    f(piece, end);
}

/// Whether `needle` (lowercase ASCII) occurs in `haystack` as a whole word, ignoring case.
pub fn contains_word(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let hay = haystack.as_bytes();
    let pat = needle.as_bytes();
    if pat.len() > hay.len() {
        return false;
    }
    let mut i = 0;
    while i + pat.len() <= hay.len() {
        if hay[i..i + pat.len()].eq_ignore_ascii_case(pat) {
            let before_ok = i == 0 || !is_word_byte(hay[i - 1]);
            let after = i + pat.len();
            let after_ok = after == hay.len() || !is_word_byte(hay[after]);
            if before_ok && after_ok {
                return true;
            }
        }
        i += 1;
    }
    false
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Cuts `text` to at most `max` characters for evidence, marking the cut.
pub fn snippet(text: &str, max: usize) -> String {
    let trimmed = text.trim();
    let head = &trimmed.as_bytes()[..trimmed.len().min(max)];
    if head.iter().all(|&b| b.is_ascii() && !b.is_ascii_control()) {
        // Printable ASCII: its first `max` bytes are its first `max` characters.
        let mut out = String::with_capacity(head.len() + 3);
        out.push_str(&trimmed[..head.len()]);
        if trimmed.len() > max {
            out.push('…');
        }
        return out;
    }
    let mut out = String::with_capacity(trimmed.len().min(max + 3));
    for (count, c) in trimmed.chars().enumerate() {
        if count == max {
            out.push('…');
            return out;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`snippet`] character by character, as it is defined.
    fn snippet_reference(text: &str, max: usize) -> String {
        let mut out = String::new();
        for (count, c) in text.trim().chars().enumerate() {
            if count == max {
                out.push('…');
                return out;
            }
            out.push(if c.is_control() { ' ' } else { c });
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn snippet_is_its_definition(text in "[ a-z\\t\\n\u{7f}é…]{0,40}", max in 0usize..30) {
            proptest::prop_assert_eq!(snippet(&text, max), snippet_reference(&text, max));
        }
    }

    fn tokens(name: &str) -> Vec<String> {
        let mut out = Vec::new();
        identifier_tokens(name, &mut out);
        out.iter()
            .map(|&(s, e)| name[s..e].to_ascii_lowercase())
            .collect()
    }

    #[test]
    fn splits_every_naming_style() {
        assert_eq!(tokens("delete_file"), ["delete", "file"]);
        assert_eq!(tokens("deleteFile"), ["delete", "file"]);
        assert_eq!(tokens("HTTPDelete"), ["http", "delete"]);
        assert_eq!(
            tokens("BankManagerPayBill"),
            ["bank", "manager", "pay", "bill"]
        );
        assert_eq!(tokens("drop-table"), ["drop", "table"]);
        assert_eq!(tokens("db.users.drop"), ["db", "users", "drop"]);
        assert_eq!(tokens("fs/write_file"), ["fs", "write", "file"]);
        assert_eq!(
            tokens("mcp__fs__write_file"),
            ["mcp", "fs", "write", "file"]
        );
        assert_eq!(tokens("getS3Object"), ["get", "s3", "object"]);
        assert_eq!(tokens("Bash"), ["bash"]);
        assert!(tokens("").is_empty());
        assert!(tokens("__--..").is_empty());
    }

    #[test]
    fn whole_words_only() {
        assert!(contains_word("deploy to prod now", "prod"));
        assert!(!contains_word("the product page", "prod"));
        assert!(!contains_word("tokenizer", "token"));
        assert!(contains_word("Token", "token"));
        assert!(
            !contains_word("my_token", "token"),
            "underscore joins words"
        );
        assert!(!contains_word("", "x"));
    }

    #[test]
    fn lowercase_lookup_refuses_long_or_non_ascii() {
        assert_eq!(
            with_lower("DeLeTe", |w| w.to_owned()),
            Some("delete".to_owned())
        );
        assert_eq!(with_lower(&"a".repeat(MAX_WORD + 1), |_| ()), None);
        assert_eq!(with_lower("délete", |_| ()), None);
    }

    #[test]
    fn snippet_cuts_on_char_boundaries() {
        assert_eq!(snippet("héllo wörld", 5), "héllo…");
        assert_eq!(snippet("a\nb", 10), "a b");
    }
}
