//! Text helpers shared by the quiz and teach-back: word splitting and answer normalisation.

/// Lowercase words: runs of alphanumerics, keeping `_`, `.`, `-`, `/` and `@` inside a word so
/// paths, hosts and e-mail addresses stay whole. Leading/trailing punctuation is trimmed.
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.split(|c: char| !(c.is_alphanumeric() || "_.-/@~".contains(c))) {
        let trimmed = raw
            .trim_end_matches(|c: char| ".-/@~_".contains(c))
            .trim_start_matches(|c: char| "-@_".contains(c));
        if trimmed.chars().any(char::is_alphanumeric) {
            out.push(trimmed.to_lowercase());
        }
    }
    out
}

/// Splits an identifier (`deleteUserFiles`, `HTTPDelete`, `mcp__fs__write_file`, `drop-table`)
/// into lowercase tokens.
pub(crate) fn identifier_tokens(name: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = name.chars().collect();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && !current.is_empty() {
            let prev = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            // Boundary at "aB" and at the last capital of an acronym followed by lowercase ("HTTPDelete").
            if prev.is_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_uppercase() && next_is_lower)
            {
                tokens.push(std::mem::take(&mut current));
            }
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

/// Whether `phrase` occurs in `haystack` (both already lowercase) on word boundaries.
pub(crate) fn contains_phrase(haystack: &str, phrase: &str) -> bool {
    if phrase.is_empty() {
        return false;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut start = 0;
    while let Some(pos) = haystack[start..].find(phrase) {
        let at = start + pos;
        let end = at + phrase.len();
        let before_ok = haystack[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word(c));
        let after_ok = haystack[end..].chars().next().is_none_or(|c| !is_word(c));
        if before_ok && after_ok {
            return true;
        }
        start = at + haystack[at..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Strips matching surrounding quotes/backticks and whitespace.
pub(crate) fn unquote(answer: &str) -> &str {
    let mut s = answer.trim();
    loop {
        let stripped = ['"', '\'', '`']
            .iter()
            .find_map(|q| s.strip_prefix(*q).and_then(|r| r.strip_suffix(*q)));
        match stripped {
            Some(inner) if !inner.is_empty() => s = inner.trim(),
            _ => return s,
        }
    }
}

/// Paths compare case-sensitively (they are on most systems) but ignore a trailing slash.
pub(crate) fn normalize_path(answer: &str) -> String {
    let s = unquote(answer);
    let trimmed = s.trim_end_matches('/');
    if trimmed.is_empty() && s.starts_with('/') {
        "/".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Identifiers (tables, branches, programs, ids) compare case-insensitively.
pub(crate) fn normalize_identifier(answer: &str) -> String {
    unquote(answer).to_lowercase()
}

/// Hosts: case-insensitive, without scheme, path, port-less trailing dot or slash.
pub(crate) fn normalize_host(answer: &str) -> String {
    let s = unquote(answer).to_lowercase();
    let s = s.split_once("://").map_or(s.as_str(), |(_, rest)| rest);
    let s = s.split(['/', '?', '#']).next().unwrap_or("");
    s.trim_end_matches('.').to_owned()
}

/// Parses an amount as a human would type it: `$1,200.50`, `1200.5 USD`, `€ 30`.
pub(crate) fn parse_amount(answer: &str) -> Option<f64> {
    let kept: String = unquote(answer)
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == ',' || *c == '-')
        .collect();
    // A decimal comma (`284 500,00`, `27.300,5`) or thousands commas (`1,249.50`).
    let decimal_comma = kept
        .rsplit_once(',')
        .is_some_and(|(_, after)| (1..=2).contains(&after.len()) && !after.contains('.'));
    let cleaned: String = if decimal_comma {
        kept.replace('.', "").replace(',', ".")
    } else {
        kept.replace(',', "")
    };
    let has_letters_inside = unquote(answer)
        .trim_matches(|c: char| c.is_alphabetic() || c.is_whitespace() || "$€£¥".contains(c))
        .chars()
        .any(char::is_alphabetic);
    if cleaned.is_empty() || has_letters_inside {
        return None;
    }
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

pub(crate) fn amounts_equal(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Formats an amount the way it is most likely shown: integers without decimals, else every
/// decimal it has (at least two: `12.50`, `0.0425`), never rounded.
pub(crate) fn format_amount(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{}", value as i64);
    }
    let shortest = value.to_string();
    match shortest.split_once('.') {
        Some((_, frac)) if frac.len() >= 2 => shortest,
        Some((_, frac)) => format!("{shortest}{}", "0".repeat(2 - frac.len())),
        None => format!("{value:.2}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_paths_hosts_and_emails_whole() {
        assert_eq!(
            words("Delete /var/data/ and mail bob@example.com, now!"),
            [
                "delete",
                "/var/data",
                "and",
                "mail",
                "bob@example.com",
                "now"
            ]
        );
    }

    #[test]
    fn identifier_tokens_split_common_styles() {
        assert_eq!(identifier_tokens("HTTPDelete"), ["http", "delete"]);
        assert_eq!(
            identifier_tokens("BankManagerPayBill"),
            ["bank", "manager", "pay", "bill"]
        );
        assert_eq!(
            identifier_tokens("mcp__fs__write_file"),
            ["mcp", "fs", "write", "file"]
        );
        assert_eq!(identifier_tokens("drop-table.v2"), ["drop", "table", "v2"]);
    }

    #[test]
    fn phrases_match_on_word_boundaries_only() {
        assert!(contains_phrase("drop the users table", "users"));
        assert!(!contains_phrase("drop the superusers table", "users"));
        assert!(contains_phrase("files in /var/data.", "/var/data"));
        assert!(!contains_phrase("anything", ""));
    }

    #[test]
    fn normalisers_are_forgiving_where_it_is_safe() {
        assert_eq!(normalize_path(" '/var/data/' "), "/var/data");
        assert_eq!(normalize_path("/"), "/");
        assert_eq!(normalize_identifier(" Users "), "users");
        assert_eq!(
            normalize_host("HTTPS://API.Example.com/v1"),
            "api.example.com"
        );
        assert_eq!(parse_amount("$1,200.50"), Some(1200.5));
        assert_eq!(parse_amount("1200.5 USD"), Some(1200.5));
        assert_eq!(parse_amount("twelve"), None);
        assert_eq!(parse_amount("12abc34"), None);
        assert!(amounts_equal(1200.5, 1200.50));
        assert_eq!(format_amount(1500.0), "1500");
        assert_eq!(format_amount(12.5), "12.50");
    }
}
