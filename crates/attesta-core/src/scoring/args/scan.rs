//! Free text inside values: secrets, personal data, URLs and hosts, paths, production words.

use super::*;

/// Byte classes of the token loop in [`Walker::scan_text`]: a separator, or the features a
/// token's bytes give it. One table lookup per byte instead of a chain of comparisons.
const SEP: u8 = 1;
const ASSIGN: u8 = 2;
const DOLLAR: u8 = 4;
const AT: u8 = 8;
const PATH: u8 = 16;
const DOT: u8 = 32;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b.is_ascii_whitespace()
            || matches!(
                b,
                b'"' | b'\''
                    | b','
                    | b';'
                    | b'<'
                    | b'>'
                    | b'('
                    | b')'
                    | b'['
                    | b']'
                    | b'{'
                    | b'}'
                    | b'`'
                    | b'|'
            ) {
            SEP
        } else {
            match b {
                b':' | b'=' => ASSIGN,
                b'$' => DOLLAR,
                b'@' => AT,
                b'/' | b'\\' | b'~' => PATH,
                b'.' => DOT,
                _ => 0,
            }
        };
        i += 1;
    }
    t
};

/// Whether `needle` occurs in `s`: a vectorised search, for texts of any size (a megabyte of file
/// content is searched for each of a dozen markers).
fn has(s: &str, needle: &str) -> bool {
    memchr::memmem::find(s.as_bytes(), needle.as_bytes()).is_some()
}

impl Walker<'_> {
    /// Secrets, personal data, URLs, paths and production words anywhere in a text.
    pub(super) fn scan_text(&mut self, s: &str, role: KeyRole, key: &str) {
        // Which substring searches can possibly match: a vectorised search per byte, which stops
        // at the first occurrence (most texts that hold one hold it early).
        let b = s.as_bytes();
        let colon = memchr::memchr(b':', b).is_some();
        let dash = memchr::memchr(b'-', b).is_some();
        let slash = memchr::memchr(b'/', b).is_some();
        // `"Principal"`, `allUsers`, `allAuthenticatedUsers` all contain a capital P or U.
        let principal = memchr::memchr2(b'P', b'U', b).is_some();
        if dash && has(s, "-----BEGIN") && has(s, "PRIVATE KEY") {
            self.findings.push(Signal::new(
                0.9,
                "secret",
                format!("private key block in `{}`", snippet(key, 30)),
            ));
        }
        if colon && slash && has(s, "://") {
            self.urls(s, key);
        }
        if principal && public_principal(s) {
            self.findings.push(Signal::new(
                0.75,
                "exposure",
                format!("policy grants access to everyone in `{}`", snippet(key, 30)),
            ));
        }
        // A Kubernetes manifest binding `cluster-admin` hands out the whole cluster.
        if dash && has(s, "cluster-admin") && has(s, "RoleBinding") {
            self.findings.push(Signal::new(
                0.8,
                "privilege",
                format!(
                    "manifest in `{}` binds the cluster-admin role",
                    snippet(key, 30)
                ),
            ));
        }
        if slash && (has(s, "0.0.0.0/0") || has(s, "::/0")) {
            self.findings.push(Signal::new(
                0.7,
                "exposure",
                format!("open to the whole internet in `{}`", snippet(key, 30)),
            ));
        }
        let mut secret_label_pending = false;
        // Signals whose evidence names only the key are the same for every token of the text:
        // each is pushed once (a megabyte of mail addresses makes one "email address" signal).
        let (mut credential_pushed, mut env_pushed, mut email_pushed) = (false, false, false);
        // Tokens are split on ASCII whitespace and punctuation only, so every slice boundary is
        // a char boundary; per-token features are gathered in the same byte pass.
        let bytes = s.as_bytes();
        let mut next = 0;
        // Every token, the empty ones between adjacent separators and the one after a final
        // separator included, as before; `next` past the end stops the walk.
        while next <= bytes.len() {
            let (i, bits) = token_end(bytes, next);
            let start = next;
            next = i + 1;
            let f = TokenFeatures {
                assign: bits & ASSIGN != 0,
                dollar: bits & DOLLAR != 0,
                at: bits & AT != 0,
                path_char: bits & PATH != 0,
                dot: bits & DOT != 0,
            };
            let token = &s[start..i];
            if secret_label_pending
                && !credential_pushed
                && token.len() >= 4
                && !is_placeholder(token)
            {
                credential_pushed = true;
                self.findings.push(Signal::new(
                    0.7,
                    "secret",
                    format!("credential written out in text of `{}`", snippet(key, 30)),
                ));
            }
            secret_label_pending = false;
            if token.is_empty() {
                continue;
            }
            if f.assign {
                match secret_label(token) {
                    SecretLabel::Label => secret_label_pending = true,
                    SecretLabel::Inline if !credential_pushed => {
                        credential_pushed = true;
                        self.findings.push(Signal::new(
                            0.7,
                            "secret",
                            format!("credential written out in text of `{}`", snippet(key, 30)),
                        ));
                    }
                    SecretLabel::Inline | SecretLabel::None => {}
                }
            }
            if f.dollar && !env_pushed && secret_env_reference(token) {
                env_pushed = true;
                self.findings.push(Signal::new(
                    0.6,
                    "secret",
                    format!(
                        "reads a secret environment variable in `{}`",
                        snippet(key, 30)
                    ),
                ));
            }
            if token.len() < 3 {
                continue;
            }
            if token.len() >= 20
                && let Some((sev, what)) = secret_token(token.trim_start_matches(['=', ':']))
                    .or_else(|| secret_inside_url(token))
            {
                self.findings.push(Signal::new(
                    sev,
                    "secret",
                    format!("{what} in `{}`", snippet(key, 30)),
                ));
            }
            if f.at && is_email(token.trim_matches(|c: char| matches!(c, '.' | ':' | '='))) {
                self.emails += 1;
                if !email_pushed {
                    email_pushed = true;
                    let sev = if role.recipients { 0.4 } else { 0.35 };
                    self.findings.push(Signal::new(
                        sev,
                        "pii",
                        format!("email address in `{}`", snippet(key, 30)),
                    ));
                }
            }
            if (f.path_char || f.dot || token.starts_with("id_"))
                && looks_pathlike(token)
                && let Some((sev, what)) = sensitive_path(token.trim_start_matches(['=', ':', '@']))
            {
                self.findings.push(Signal::new(
                    sev,
                    "path",
                    format!("{what}: {}", snippet(token, 60)),
                ));
            }
        }
        self.digits(s, role, key);
        if mentions_production(s) {
            self.findings.push(Signal::new(
                PRODUCTION_CONTEXT,
                "production",
                format!("mentions production in `{}`", snippet(key, 30)),
            ));
        }
    }

    pub(super) fn urls(&mut self, s: &str, key: &str) {
        let mut rest = s;
        let mut seen = 0;
        while let Some(at) = rest.find("://") {
            seen += 1;
            if seen > 32 {
                break;
            }
            let after = &rest[at + 3..];
            let end = after
                .find(|c: char| {
                    matches!(
                        c,
                        '/' | '?' | '#' | '"' | '\'' | ' ' | '\n' | '\t' | '>' | ')' | ']' | '\\'
                    )
                })
                .unwrap_or(after.len());
            let authority = &after[..end];
            let scheme: String = rest[..at]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if matches!(scheme.as_str(), "s3" | "gs" | "az" | "abfs" | "wasbs")
                && !authority.is_empty()
            {
                self.findings.push(Signal::new(
                    0.35,
                    "url",
                    format!("cloud storage bucket {}", snippet(authority, 60)),
                ));
                rest = &after[end..];
                continue;
            }
            let host = authority.rsplit('@').next().unwrap_or(authority);
            let host = if host.starts_with('[') {
                host.split(']')
                    .next()
                    .unwrap_or(host)
                    .trim_start_matches('[')
            } else {
                host.split(':').next().unwrap_or(host)
            };
            if !host.is_empty() {
                self.host(host, key);
            }
            rest = &after[end..];
        }
    }

    pub(super) fn host(&mut self, host: &str, key: &str) {
        let host_lower = host.to_ascii_lowercase();
        let h = host_lower.trim_end_matches('.');
        if is_internal_host(h) {
            return;
        }
        if is_data_drop_host(h) {
            self.findings.push(Signal::new(
                0.8,
                "url",
                format!("known data-drop host {}", snippet(h, 60)),
            ));
        } else if h.parse::<std::net::IpAddr>().is_ok() {
            self.findings.push(Signal::new(
                0.5,
                "url",
                format!("raw IP address {}", snippet(h, 60)),
            ));
        } else if h.contains('.') {
            self.findings.push(Signal::new(
                0.3,
                "url",
                format!("external host {} in `{}`", snippet(h, 60), snippet(key, 30)),
            ));
        }
    }

    /// Card numbers (Luhn), SSN-like and phone-like digit groups.
    pub(super) fn digits(&mut self, s: &str, role: KeyRole, key: &str) {
        let bytes = s.as_bytes();
        let mut i = 0;
        let mut found = 0;
        while i < bytes.len() && found < 16 {
            let b = bytes[i];
            if !(b.is_ascii_digit() || b == b'+' || b == b'(') {
                // Only these bytes can start a number: skip to the next one.
                i = next_number_start(bytes, i);
                continue;
            }
            let starts = b.is_ascii_digit()
                || ((b == b'+' || b == b'(') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
            if !starts
                || (i > 0
                    && (bytes[i - 1].is_ascii_alphanumeric()
                        || bytes[i - 1] == b'.'
                        || bytes[i - 1] == b'_'))
            {
                i += 1;
                continue;
            }
            // Collect groups of digits separated by single ' ', '-', '(' or ')'.
            let plus = b == b'+';
            let mut groups: [u8; 8] = [0; 8];
            let mut ngroups = 0usize;
            let mut digits: [u8; 20] = [0; 20];
            let mut ndigits = 0usize;
            let mut j = i;
            let mut sep_kind: Option<u8> = None;
            let mut mixed = false;
            let mut current = 0u8;
            while j < bytes.len() {
                let c = bytes[j];
                if c.is_ascii_digit() {
                    if ndigits < digits.len() {
                        digits[ndigits] = c - b'0';
                    }
                    ndigits += 1;
                    current = current.saturating_add(1);
                } else if matches!(c, b' ' | b'-' | b'(' | b')' | b'+')
                    && j + 1 < bytes.len()
                    && (bytes[j + 1].is_ascii_digit() || matches!(bytes[j + 1], b'(' | b' '))
                {
                    if current > 0 {
                        if ngroups < groups.len() {
                            groups[ngroups] = current;
                        }
                        ngroups += 1;
                        current = 0;
                    }
                    if c == b' ' || c == b'-' {
                        if sep_kind.is_some_and(|k| k != c) {
                            mixed = true;
                        }
                        sep_kind = Some(c);
                    }
                } else {
                    break;
                }
                j += 1;
            }
            if current > 0 {
                if ngroups < groups.len() {
                    groups[ngroups] = current;
                }
                ngroups += 1;
            }
            let followed_by_word = bytes
                .get(j)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'.' || *c == b'_');
            let g = &groups[..ngroups.min(groups.len())];
            if !followed_by_word {
                if g == [3, 2, 4] && sep_kind == Some(b'-') {
                    found += 1;
                    self.findings.push(Signal::new(
                        0.7,
                        "pii",
                        format!("SSN-like number in `{}`", snippet(key, 30)),
                    ));
                } else if (13..=19).contains(&ndigits)
                    && !mixed
                    && luhn(&digits[..ndigits.min(digits.len())])
                    && (role.card || g.len() > 1 || matches!(digits[0], 3..=6))
                {
                    found += 1;
                    self.findings.push(Signal::new(
                        0.75,
                        "pii",
                        format!(
                            "payment card number (passes Luhn) in `{}`",
                            snippet(key, 30)
                        ),
                    ));
                } else if role.account && !role.phone && ndigits >= 6 {
                    // `account_number: 123-4567-8901` is a bank account, not a phone.
                    found += 1;
                    self.findings.push(Signal::new(
                        0.45,
                        "pii",
                        format!("bank account number in `{}`", snippet(key, 30)),
                    ));
                } else if (plus && (8..=15).contains(&ndigits))
                    || matches!(g, [3, 3, 4] | [1, 3, 3, 4] | [2, 4, 4] | [2, 2, 2, 2, 2])
                    || (matches!(g, [3, 4, 4]) && role.phone)
                {
                    found += 1;
                    self.findings.push(Signal::new(
                        0.35,
                        "pii",
                        format!("phone number in `{}`", snippet(key, 30)),
                    ));
                }
            }
            i = j.max(i + 1);
        }
    }
}

/// End of the token starting at `start` (the next separator or the text's end) and the
/// feature bits of its bytes. A loop of its own, so the bits stay in a register.
#[inline]
fn token_end(bytes: &[u8], start: usize) -> (usize, u8) {
    let mut bits = 0u8;
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        let class = CLASS[b as usize];
        if class & SEP != 0 {
            break;
        }
        bits |= class;
        i += 1;
    }
    (i, bits)
}

/// Whether an alphanumeric word of `s` (as [`words`] splits them) is `production`, `prod` or
/// `prd`, in any case. Every such word starts with `p`, so only those positions are looked at.
fn mentions_production(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(at) = memchr::memchr2(b'p', b'P', &bytes[from..]).map(|p| from + p) {
        // All three words go on with an `r`: most other `p`s are passed over at once.
        if !matches!(bytes.get(at + 1), Some(b'r' | b'R')) {
            from = at + 1;
            continue;
        }
        let end = bytes[at..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .map_or(bytes.len(), |p| at + p);
        let word_start = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        if word_start
            && ["production", "prod", "prd"]
                .iter()
                .any(|w| bytes[at..end].eq_ignore_ascii_case(w.as_bytes()))
        {
            return true;
        }
        from = end.max(at + 1);
    }
    false
}

/// Index of the first byte at or after `from` that can start a number in
/// [`Walker::digits`] (a digit, `+` or `(`), or the length. Eight bytes at a time.
fn next_number_start(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Whether a byte of `x` is below `n` (n ≤ 128; exact as an "any" test).
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGHS != 0;
    let mut i = from;
    while i + 8 <= bytes.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[i..i + 8]);
        let x = u64::from_le_bytes(word);
        if below(x ^ (ONES * u64::from(b'0')), 10)
            || below(x ^ (ONES * u64::from(b'+')), 1)
            || below(x ^ (ONES * u64::from(b'(')), 1)
        {
            break;
        }
        i += 8;
    }
    bytes[i..]
        .iter()
        .position(|&b| b.is_ascii_digit() || b == b'+' || b == b'(')
        .map_or(bytes.len(), |p| i + p)
}

pub(super) fn is_admin_word(w: &str) -> bool {
    with_lower(w, |l| {
        matches!(
            l,
            "admin"
                | "admins"
                | "administrator"
                | "administrators"
                | "administratoraccess"
                | "superadmin"
                | "superusers"
                | "owner"
                | "owners"
                | "superuser"
                | "root"
                | "fullaccess"
                | "poweruser"
                | "poweruseraccess"
                | "sudo"
                | "sudoers"
                | "wheel"
        )
    })
    .unwrap_or(false)
}

/// An access policy whose principal is everyone (`"Principal": "*"`, `allUsers`).
pub(super) fn public_principal(s: &str) -> bool {
    if has(s, "allUsers") || has(s, "allAuthenticatedUsers") {
        return true;
    }
    let Some(at) = memchr::memmem::find(s.as_bytes(), b"\"Principal\"") else {
        return false;
    };
    let rest = s[at + 11..].trim_start_matches([' ', ':', '{']);
    let rest = rest
        .trim_start_matches("\"AWS\"")
        .trim_start_matches([' ', ':']);
    rest.starts_with("\"*\"")
}

/// A known secret shape inside a URL or `key=value` text (`https://x.example/c?k=ghp_…`): how a
/// fetch or a browser visit carries a token out. A presigned URL's access key id is not a secret
/// (its signature authorises exactly one request), so `X-Amz-Credential` does not count.
fn secret_inside_url(token: &str) -> Option<(f64, &'static str)> {
    if token.len() < 24
        || !token
            .bytes()
            .any(|b| matches!(b, b'?' | b'&' | b'=' | b'/' | b'#'))
    {
        return None;
    }
    // Only asked when an access key id is found (most URLs hold no secret shape at all).
    let presigned = || {
        token
            .as_bytes()
            .windows(16)
            .any(|w| w.eq_ignore_ascii_case(b"x-amz-credential"))
    };
    // Split on bytes (all separators are ASCII, so every part is whole UTF-8).
    token
        .as_bytes()
        .split(|b| matches!(b, b'?' | b'&' | b'=' | b'/' | b'#' | b':' | b';' | b','))
        .filter(|part| part.len() >= 20)
        .filter_map(|part| std::str::from_utf8(part).ok())
        .filter_map(secret_token)
        .find(|(_, what)| !(*what == "AWS access key id" && presigned()))
}

#[cfg(test)]
mod speed_equivalence {
    use super::*;

    fn production_reference(s: &str) -> bool {
        words(s).any(|w| {
            (3..=10).contains(&w.len())
                && with_lower(w, |l| matches!(l, "production" | "prod" | "prd")).unwrap_or(false)
        })
    }

    proptest::proptest! {
        #[test]
        fn production_words_as_words_splits_them(s in "[pPrRoOdDuUcCtTiInN_ .é1/-]{0,40}") {
            proptest::prop_assert_eq!(mentions_production(&s), production_reference(&s));
        }

        #[test]
        fn number_starts_are_never_skipped(s in "[a-z0-9+( é€]{0,40}", from in 0usize..40) {
            let bytes = s.as_bytes();
            let from = from.min(bytes.len());
            let expected = bytes[from..]
                .iter()
                .position(|&b| b.is_ascii_digit() || b == b'+' || b == b'(')
                .map_or(bytes.len(), |p| from + p);
            proptest::prop_assert_eq!(next_number_start(bytes, from), expected);
        }
    }
}
