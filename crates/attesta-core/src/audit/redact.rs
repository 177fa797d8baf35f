//! Secret redaction: secrets in arguments become `[REDACTED:kind]` before anything is stored.
//!
//! Two mechanisms:
//! - whole-field: the value of a field whose *name* says it is secret (`password`, `api_key`,
//!   `access_token`, `authorization` …, plus `audit.redaction.keys`) is replaced entirely;
//! - in-text: secrets recognised by shape inside any string (private keys, cloud keys, tokens,
//!   JWTs, bearer credentials, `NAME_SECRET=value` assignments, URL passwords, card numbers that
//!   pass Luhn, plus `audit.redaction.patterns`) are cut out of the surrounding text.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex, RegexSet};
use serde_json::{Map, Value};

use super::error::AuditError;
use crate::config::RedactionConfig;

/// One built-in in-text rule. `keep` names the capture group kept in front of the marker
/// (e.g. `Authorization: Bearer `), so the text stays readable.
struct Rule {
    kind: &'static str,
    regex: Regex,
    keep_prefix: bool,
    luhn: bool,
}

const NAME_WORDS: &str = r"(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|auth[_-]?token|credentials?)";

fn builtin_patterns() -> Vec<(&'static str, String, bool, bool)> {
    vec![
        (
            "private_key",
            r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----(?s:.*?)(?:-----END[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|\z)".into(),
            false,
            false,
        ),
        ("aws_key", r"\b(?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}\b".into(), false, false),
        ("github_token", r"\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})\b".into(), false, false),
        ("slack_token", r"\bxox[abposr]-[A-Za-z0-9-]{8,}|https://hooks\.slack\.com/services/[A-Za-z0-9/_-]+".into(), false, false),
        ("jwt", r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}".into(), false, false),
        ("api_key", r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}|\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}|\bAIza[0-9A-Za-z_-]{35}\b".into(), false, false),
        ("bearer", r"(?i)(\bbearer\s+)[A-Za-z0-9\-._~+/]{8,}=*".into(), true, false),
        ("password", r"(?i)(\bauthorization\s*[:=]\s*(?:basic\s+|token\s+)?)[A-Za-z0-9\-._~+/]{6,}=*".into(), true, false),
        // scheme://user:password@host
        ("password", r"([A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]+:)[^\s@/]+(@)".into(), true, false),
        // --password=value, --api-key value
        (
            "password",
            format!(r#"(?i)((?:^|\s)--?(?:[A-Za-z0-9]+-)*{NAME_WORDS}(?:\s+|=))("[^"]*"|'[^']*'|\S+)"#),
            true,
            false,
        ),
        // NAME_WITH_SECRET=value, "password": "value", ?access_token=value
        (
            "password",
            format!(
                r#"(?i)(\b(?:[A-Za-z0-9]+[_.-])*{NAME_WORDS}["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s"'&;,]+)"#
            ),
            true,
            false,
        ),
        // Credentials given as command-line options, where the option name is not a secret word:
        // mysql -pSECRET, curl -u user:pass, sshpass -p pass, docker login -p pass,
        // redis-cli -a pass, htpasswd -b file user pass.
        (
            "password",
            r#"(\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\b[^|;&\n]*?\s-p)([^\s-][^\s]*)"#.into(),
            true,
            false,
        ),
        ("password", r#"((?:^|\s)(?:-u|--user)\s+[^\s:]+:)("[^"]*"|'[^']*'|\S+)"#.into(), true, false),
        ("password", r#"(\bsshpass\s+-p\s*)("[^"]*"|'[^']*'|\S+)"#.into(), true, false),
        ("password", r#"(\blogin\b[^|;&\n]*?\s-p\s+)("[^"]*"|'[^']*'|\S+)"#.into(), true, false),
        ("password", r#"(\bredis-cli\b[^|;&\n]*?\s-a\s+)("[^"]*"|'[^']*'|\S+)"#.into(), true, false),
        ("password", r#"(\bhtpasswd\s+(?:-[A-Za-z]+\s+)*?-[A-Za-z]*b[A-Za-z]*\s+\S+\s+\S+\s+)("[^"]*"|'[^']*'|\S+)"#.into(), true, false),
        // Environment assignments like PGPASSWORD=…, MYSQL_PWD=…, VAULT_TOKEN=… (no separator
        // before the secret word, so the general NAME_SECRET rule above does not see them).
        (
            "password",
            r#"(\b[A-Z][A-Z0-9]*(?:PASSWORD|PASSWD|PWD|SECRET|TOKEN|APIKEY)\s*=\s*)("[^"]*"|'[^']*'|[^\s"'&;,]+)"#.into(),
            true,
            false,
        ),
        ("card_number", r"\b(?:\d[ -]?){12,18}\d\b".into(), false, true),
    ]
}

/// The match-anything test over all built-in patterns, compiled on first use. The per-rule
/// regexes ([`BUILTIN_RULES`]) are compiled only when a text actually holds a secret, so a hook
/// process that redacts a few harmless strings pays for one compilation, not two.
static BUILTIN_SET: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(builtin_patterns().iter().map(|p| p.1.as_str()))
        .unwrap_or_else(|_| RegexSet::empty())
});

/// Substrings (ASCII case-insensitive) of which every built-in pattern needs at least one, or
/// 13 digits (a card number). A text with none of them cannot match, so the set above is not
/// even compiled for it: most hook processes redact only harmless strings, and compiling the
/// set is the costliest thing such a process would do. A needle that shows up in harmless text
/// only costs that compilation; a missing needle would leak a secret, so each pattern's
/// required literal is listed (the test `prefilter_admits_every_builtin_example` checks them).
const PREFILTER_NEEDLES: &[&str] = &[
    "-----begin", // private_key
    "akia",
    "asia",
    "aida",
    "aroa",
    "agpa",
    "anpa",
    "anva",
    "aipa",
    "abia",
    "acca", // aws_key
    "gh",
    "github_pat_", // github_token
    "xox",
    "hooks.slack.com", // slack_token
    "eyj",             // jwt
    "sk_",
    "rk_",
    "pk_",
    "sk-",
    "aiza", // api_key
    "bearer",
    "authorization",
    "://", // bearer, authorization header, URL password
    // NAME_WORDS and the environment-assignment rule
    "pass",
    "pwd",
    "secret",
    "token",
    "api_key",
    "api-key",
    "apikey",
    "access_key",
    "access-key",
    "accesskey",
    "private_key",
    "private-key",
    "privatekey",
    "credential",
    // command-line credentials
    "mysql",
    "mariadb",
    "-u",
    "login",
    "redis-cli",
];

static PREFILTER: LazyLock<Option<aho_corasick::AhoCorasick>> = LazyLock::new(|| {
    // A contiguous NFA, not the DFA the builder would pick for so few needles: building the DFA
    // cost a one-shot hook process more than all the searches it then makes over short texts.
    aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .ascii_case_insensitive(true)
        .build(PREFILTER_NEEDLES)
        .ok()
});

/// Whether `text` could hold a built-in secret at all (see [`PREFILTER_NEEDLES`]). `true` when
/// in doubt (the automaton failed to build).
fn may_hold_secret(text: &str) -> bool {
    // Unicode case folding (`ſ` matches `s` under `(?i)`) is beyond an ASCII prefilter.
    if !text.is_ascii() {
        return true;
    }
    if text.bytes().filter(u8::is_ascii_digit).count() >= 13 {
        return true;
    }
    match &*PREFILTER {
        Some(ac) => ac.is_match(text),
        None => true,
    }
}

static BUILTIN_RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    builtin_patterns()
        .into_iter()
        .filter_map(|(kind, re, keep_prefix, luhn)| {
            Regex::new(&re).ok().map(|regex| Rule {
                kind,
                regex,
                keep_prefix,
                luhn,
            })
        })
        .collect()
});

/// Field names (normalised: lowercase, separators removed) whose values are always secret.
const SECRET_FIELDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "authtoken",
    "authorization",
    "auth",
    "privatekey",
    "secretkey",
    "clientsecret",
    "secretaccesskey",
    "sessiontoken",
    "cookie",
    "setcookie",
    "credentials",
    "credential",
    "xapikey",
    "bearertoken",
    "webhooksecret",
    "signingkey",
    "encryptionkey",
    "accesskeysecret",
    "apisecret",
    "apitoken",
    "masterkey",
    "connectionstring",
    "cvv",
    "cvc",
    "cvv2",
    "ssn",
    "socialsecuritynumber",
    "pincode",
];

/// Last words that make a compound field name secret (`db_password`, `githubToken`, `slack.secret`).
const SECRET_LAST_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "credentials",
];

/// Splits `dbPassword`, `DB_PASSWORD`, `x-api-key` into lowercase words.
fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn normalise_key(name: &str) -> String {
    words(name).concat()
}

/// The Luhn checksum used by payment cards.
pub fn luhn_valid(digits: &str) -> bool {
    let digits: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Replaces secrets with `[REDACTED:kind]`. Cheap to clone; build once per configuration.
#[derive(Debug, Clone)]
pub struct Redactor {
    enabled: bool,
    extra_keys: Vec<String>,
    extra_patterns: Vec<Regex>,
}

impl Redactor {
    /// Compiles `audit.redaction`. An invalid pattern is an error naming its index.
    pub fn new(config: &RedactionConfig) -> Result<Redactor, AuditError> {
        let mut extra_keys = Vec::new();
        for (index, key) in config.keys.iter().enumerate() {
            let normalised = normalise_key(key);
            if normalised.is_empty() {
                return Err(AuditError::EmptyRedactionKey { index });
            }
            extra_keys.push(normalised);
        }
        let mut extra_patterns = Vec::new();
        for (index, pattern) in config.patterns.iter().enumerate() {
            let regex = Regex::new(pattern).map_err(|e| AuditError::InvalidRedactionPattern {
                index,
                pattern: pattern.clone(),
                message: e.to_string(),
            })?;
            extra_patterns.push(regex);
        }
        Ok(Redactor {
            enabled: config.enabled,
            extra_keys,
            extra_patterns,
        })
    }

    /// The built-in rules only.
    pub fn builtin() -> Redactor {
        Redactor {
            enabled: true,
            extra_keys: Vec::new(),
            extra_patterns: Vec::new(),
        }
    }

    /// Whether a field with this name holds a secret (whole words: `tokenizer` is not `token`).
    pub fn is_secret_field(&self, name: &str) -> bool {
        // Called for every key of every redacted object, so the usual short ASCII name is split
        // into words on the stack; the rules are the same as `words` (a property test checks it).
        const MAX: usize = 64;
        if name.len() <= MAX && name.is_ascii() {
            let mut joined = [0u8; MAX];
            let mut starts = [0usize; MAX];
            let (mut len, mut count) = (0, 0);
            let mut in_word = false;
            let mut prev_lower = false;
            for &b in name.as_bytes() {
                if !b.is_ascii_alphanumeric() {
                    in_word = false;
                    prev_lower = false;
                    continue;
                }
                if !in_word || (b.is_ascii_uppercase() && prev_lower) {
                    starts[count] = len;
                    count += 1;
                    in_word = true;
                }
                prev_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
                joined[len] = b.to_ascii_lowercase();
                len += 1;
            }
            // Only ASCII letters and digits were copied.
            let joined = std::str::from_utf8(&joined[..len]).unwrap_or_default();
            return self.is_secret_words(joined, &starts[..count]);
        }
        let words = words(name);
        let mut starts = Vec::with_capacity(words.len());
        let mut joined = String::new();
        for word in &words {
            starts.push(joined.len());
            joined.push_str(word);
        }
        self.is_secret_words(&joined, &starts)
    }

    /// The field-name rules on a name split into words: `joined` is the words concatenated and
    /// `starts` the byte offset of each word in it.
    fn is_secret_words(&self, joined: &str, starts: &[usize]) -> bool {
        let Some(&last) = starts.last() else {
            return false;
        };
        if SECRET_FIELDS.contains(&joined) || self.extra_keys.iter().any(|k| k == joined) {
            return true;
        }
        if SECRET_LAST_WORDS.contains(&&joined[last..]) {
            return true;
        }
        // Any multi-word suffix: `aws_secret_access_key` ends with `secret_access_key`.
        starts[..starts.len() - 1]
            .iter()
            .any(|&start| SECRET_FIELDS.contains(&&joined[start..]))
    }

    /// Redacts a JSON value: secret-named fields wholesale, secrets inside strings in place, and
    /// the values of secret-named fields wherever else they appear in the value (a password passed
    /// as a field and also spelled out in a command).
    pub fn redact_value(&self, value: &Value) -> Value {
        let known = self.secret_values(value);
        self.redact_value_with(value, &known)
    }

    /// String values (at least 4 characters) of secret-named fields anywhere in `value`.
    pub fn secret_values(&self, value: &Value) -> Vec<String> {
        let mut out = Vec::new();
        if self.enabled {
            self.collect_secrets(value, &mut out);
        }
        out.sort_by_key(|s| std::cmp::Reverse(s.len()));
        out.dedup();
        out
    }

    fn collect_secrets(&self, value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Array(items) => items.iter().for_each(|v| self.collect_secrets(v, out)),
            Value::Object(map) => {
                for (key, v) in map {
                    match v {
                        Value::String(s) if self.is_secret_field(key) && s.chars().count() >= 4 => {
                            out.push(s.clone())
                        }
                        Value::Number(n)
                            if self.is_secret_field(key) && n.to_string().len() >= 4 =>
                        {
                            out.push(n.to_string())
                        }
                        _ => self.collect_secrets(v, out),
                    }
                }
            }
            _ => {}
        }
    }

    /// [`Redactor::secret_values`] plus the secrets the in-text rules find inside strings (a DSN
    /// password, a token in a command): pieces of at least 6 characters that redaction removes.
    /// Lets callers cut those secrets from other texts (evidence, explanations) as well.
    pub fn all_secret_values(&self, value: &Value) -> Vec<String> {
        let mut out = self.secret_values(value);
        if self.enabled {
            self.collect_in_text(value, &mut out, 0);
        }
        out.sort_by_key(|s| std::cmp::Reverse(s.len()));
        out.dedup();
        out
    }

    fn collect_in_text(&self, value: &Value, out: &mut Vec<String>, depth: usize) {
        if depth > 24 || out.len() > 256 {
            return;
        }
        match value {
            Value::String(s) => {
                let redacted = self.redact_text(s);
                if redacted != *s {
                    for token in s.split(|c: char| c.is_whitespace() || "\"'@/:=,;&?".contains(c)) {
                        if token.len() >= 6 && !redacted.contains(token) {
                            out.push(token.to_owned());
                        }
                    }
                }
            }
            Value::Array(items) => items
                .iter()
                .for_each(|v| self.collect_in_text(v, out, depth + 1)),
            Value::Object(map) => map
                .values()
                .for_each(|v| self.collect_in_text(v, out, depth + 1)),
            _ => {}
        }
    }

    /// [`Redactor::redact_value`] that also removes the `known` secret strings from all text.
    pub fn redact_value_with(&self, value: &Value, known: &[String]) -> Value {
        if !self.enabled {
            return value.clone();
        }
        match value {
            Value::String(s) => Value::String(self.redact_text_with(s, known)),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.redact_value_with(v, known))
                    .collect(),
            ),
            Value::Object(map) => {
                let mut out = Map::with_capacity(map.len());
                for (key, v) in map {
                    let redacted = if self.is_secret_field(key) && !v.is_null() {
                        Value::String("[REDACTED:password]".into())
                    } else {
                        self.redact_value_with(v, known)
                    };
                    out.insert(self.redact_text_with(key, known), redacted);
                }
                Value::Object(out)
            }
            other => other.clone(),
        }
    }

    /// [`Redactor::redact_text`] that also removes the `known` secret strings.
    pub fn redact_text_with(&self, text: &str, known: &[String]) -> String {
        let mut out = self.redact_text(text);
        if self.enabled {
            for secret in known {
                if out.contains(secret.as_str()) {
                    out = out.replace(secret.as_str(), "[REDACTED:password]");
                }
            }
        }
        out
    }

    /// Redacts secrets inside free text (a shell command, a header dump, a description).
    pub fn redact_text(&self, text: &str) -> String {
        if !self.enabled {
            return text.to_owned();
        }
        let mut out: Cow<'_, str> = Cow::Borrowed(text);
        // Most texts hold no secret: the literal prefilter and then a plain match test stop
        // early and skip the costlier search for which patterns matched (and the compilation of
        // the regexes).
        if may_hold_secret(text) && BUILTIN_SET.is_match(text) {
            let set = &*BUILTIN_SET;
            let rules = &*BUILTIN_RULES;
            let hits = set.matches(text);
            for (index, rule) in rules.iter().enumerate() {
                // Earlier rules may have rewritten the text, so later ones are re-checked on it.
                if !hits.matched(index) && !rule.regex.is_match(&out) {
                    continue;
                }
                let replaced = rule.regex.replace_all(&out, |caps: &Captures<'_>| {
                    let whole = caps.get(0).map_or("", |m| m.as_str());
                    if rule.luhn && !luhn_valid(whole) {
                        return whole.to_owned();
                    }
                    if rule.keep_prefix {
                        let prefix = caps.get(1).map_or("", |m| m.as_str());
                        // Keep an already-redacted value as it is.
                        let value = &whole[prefix.len()..];
                        if value.starts_with("[REDACTED:") || value.eq_ignore_ascii_case("bearer") {
                            return whole.to_owned();
                        }
                        let suffix = caps
                            .get(2)
                            .filter(|m| m.as_str() == "@")
                            .map_or("", |m| m.as_str());
                        return format!("{prefix}[REDACTED:{}]{suffix}", rule.kind);
                    }
                    format!("[REDACTED:{}]", rule.kind)
                });
                if let Cow::Owned(s) = replaced {
                    out = Cow::Owned(s);
                }
            }
        }
        for regex in &self.extra_patterns {
            if let Cow::Owned(s) = regex.replace_all(&out, "[REDACTED:custom]") {
                out = Cow::Owned(s);
            }
        }
        out.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn redactor() -> Redactor {
        Redactor::new(&RedactionConfig::default()).unwrap()
    }

    #[test]
    fn credentials_in_command_line_options_are_redacted() {
        let r = redactor();
        let cases = [
            ("mysql -u root -pS3cr3tPass db", "S3cr3tPass"),
            ("PGPASSWORD=pgsecret99 psql -h db", "pgsecret99"),
            ("MYSQL_PWD=mysqlsecret1 mysql", "mysqlsecret1"),
            ("curl -u admin:curlpass77 https://x.example", "curlpass77"),
            ("sshpass -p sshsecret42 ssh host", "sshsecret42"),
            (
                "docker login -u bob -p dockersecret8 registry",
                "dockersecret8",
            ),
            ("redis-cli -h cache -a redissecret5 ping", "redissecret5"),
            ("htpasswd -b .htpasswd alice htsecret31", "htsecret31"),
        ];
        for (text, secret) in cases {
            let out = r.redact_text(text);
            assert!(!out.contains(secret), "{text} -> {out}");
            assert!(out.contains("[REDACTED:password]"), "{text} -> {out}");
        }
        // Ordinary options that look alike are left alone.
        assert_eq!(r.redact_text("mkdir -p /srv/app"), "mkdir -p /srv/app");
        assert_eq!(r.redact_text("ssh -p 2222 host"), "ssh -p 2222 host");
        let card = json!({"cvv": "123", "ssn": "078-05-1120", "pin_code": "4321", "pin": 17});
        let out = r.redact_value(&card).to_string();
        for secret in ["\"123\"", "078-05-1120", "4321"] {
            assert!(!out.contains(secret), "{out}");
        }
        assert!(
            out.contains("\"pin\":17"),
            "a GPIO pin number is not a secret: {out}"
        );
    }

    #[test]
    fn secret_field_names_are_whole_words() {
        let r = redactor();
        for name in [
            "password",
            "db_password",
            "userPassword",
            "API_KEY",
            "apiKey",
            "x-api-key",
            "access_token",
            "Authorization",
            "client_secret",
            "github.token",
            "AWS_SECRET_ACCESS_KEY",
            "private_key",
        ] {
            assert!(r.is_secret_field(name), "{name}");
        }
        for name in [
            "tokenizer",
            "max_tokens",
            "token_count",
            "path",
            "author",
            "keyword",
            "secretary",
            "passenger",
        ] {
            assert!(!r.is_secret_field(name), "{name}");
        }
    }

    #[test]
    fn whole_field_redaction() {
        let r = redactor();
        let v = r.redact_value(&json!({"user": "bob", "password": "hunter2", "nested": [{"apiKey": 1234}], "token": null}));
        assert_eq!(
            v,
            json!({"user": "bob", "password": "[REDACTED:password]",
                             "nested": [{"apiKey": "[REDACTED:password]"}], "token": null})
        );
    }

    #[test]
    fn in_text_secrets_are_cut_out() {
        let r = redactor();
        let cases = [
            (
                "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY && aws s3 ls",
                "wJalrXUtnFEMI",
            ),
            (
                "curl -H 'Authorization: Bearer abcdef0123456789xyz' https://api.example.com",
                "abcdef0123456789xyz",
            ),
            ("key AKIAIOSFODNN7EXAMPLE in text", "AKIAIOSFODNN7EXAMPLE"),
            (
                "ghp_0123456789abcdefghijABCDEFGHIJ012345 pushed",
                "ghp_0123456789abcdefghij",
            ),
            ("xoxb-1234567890-abcdefghij", "xoxb-1234567890"),
            (
                "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXZhbHVl end",
                "eyJzdWIiOiIxIn0",
            ),
            ("postgres://admin:s3cr3tP4ss@db.internal/prod", "s3cr3tP4ss"),
            ("pay with 4111 1111 1111 1111 today", "4111 1111 1111 1111"),
            ("mysql -u root --password=Tr0ub4dor&3", "Tr0ub4dor"),
            (
                "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
                "MIIEpAIBAAKCAQEA",
            ),
            ("{\"password\": \"p@ss w0rd\"}", "p@ss w0rd"),
        ];
        for (text, secret) in cases {
            let out = r.redact_text(text);
            assert!(!out.contains(secret), "{text:?} -> {out:?}");
            assert!(out.contains("[REDACTED:"), "{out}");
        }
        // Shapes that are not secrets stay.
        assert_eq!(
            r.redact_text("order 1234 5678 9012 3456 shipped"),
            "order 1234 5678 9012 3456 shipped"
        );
        assert_eq!(r.redact_text("ls -la /tmp"), "ls -la /tmp");
        assert_eq!(
            r.redact_text("tokenizer=bert max_tokens=5"),
            "tokenizer=bert max_tokens=5"
        );
        assert!(
            r.redact_text("Authorization: Bearer abcdefghijkl")
                .starts_with("Authorization: Bearer [REDACTED:")
        );
    }

    #[test]
    fn config_keys_and_patterns_apply_and_bad_patterns_are_errors() {
        let config = RedactionConfig {
            enabled: true,
            keys: vec!["ssn".into()],
            patterns: vec![r"INTERNAL-\d+".into()],
        };
        let r = Redactor::new(&config).unwrap();
        assert_eq!(
            r.redact_value(&json!({"SSN": "123"})),
            json!({"SSN": "[REDACTED:password]"})
        );
        assert_eq!(
            r.redact_text("ticket INTERNAL-42"),
            "ticket [REDACTED:custom]"
        );
        let bad = RedactionConfig {
            enabled: true,
            keys: vec![],
            patterns: vec!["(".into()],
        };
        assert!(matches!(
            Redactor::new(&bad),
            Err(AuditError::InvalidRedactionPattern { index: 0, .. })
        ));
    }

    #[test]
    fn known_secret_values_are_removed_everywhere() {
        let r = redactor();
        let v = r.redact_value(
            &json!({"password": "plainword99", "cmd": "login --user bob plainword99"}),
        );
        assert_eq!(v["cmd"], "login --user bob [REDACTED:password]");
    }

    #[test]
    fn luhn() {
        assert!(luhn_valid("4111111111111111"));
        assert!(luhn_valid("5500 0000 0000 0004"));
        assert!(!luhn_valid("4111111111111112"));
        assert!(!luhn_valid("1234"));
    }

    /// The field-name rules spelled out on `words`, as they were before the stack fast path.
    fn reference_is_secret_field(r: &Redactor, name: &str) -> bool {
        let words = words(name);
        if words.is_empty() {
            return false;
        }
        let joined = words.concat();
        if SECRET_FIELDS.contains(&joined.as_str()) || r.extra_keys.contains(&joined) {
            return true;
        }
        if SECRET_LAST_WORDS.contains(&words[words.len() - 1].as_str()) {
            return true;
        }
        (2..=words.len())
            .any(|k| SECRET_FIELDS.contains(&words[words.len() - k..].concat().as_str()))
    }

    #[test]
    fn prefilter_admits_every_builtin_example() {
        for text in [
            "-----BEGIN RSA PRIVATE KEY-----\nabc",
            "AKIAIOSFODNN7EXAMPLE",
            "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "github_pat_aaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "xoxb-1234567890",
            "https://hooks.slack.com/services/T0/B0/x",
            "eyJhbGci.eyJzdWIi.sflKxwRJ",
            "sk_live_abcdefghijkl",
            "sk-proj-abcdefghijklmnopqrstuvwxyz",
            "AIzaSyA-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "Authorization: Bearer abcdefghij",
            "authorization=basic dXNlcjpwYXNz",
            "postgres://app:hunter2@db/x",
            "--api-key abcdef",
            "DB_PASSWORD=hunter2",
            "mysql -u root -phunter2",
            "curl -u user:hunter2 https://x",
            "sshpass -p hunter2 ssh host",
            "docker login -p hunter2 reg",
            "redis-cli -a hunter2",
            "htpasswd -b file user hunter2",
            "PGPWD=hunter2",
            "card 4111 1111 1111 1111",
            "paſſword=hunter2",
        ] {
            assert!(may_hold_secret(text), "{text}");
            assert!(
                BUILTIN_SET.is_match(text),
                "example no longer matches: {text}"
            );
        }
        assert!(!may_hold_secret("cargo test --workspace"));
    }

    proptest! {
        #[test]
        fn prefilter_never_hides_a_match(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "pass", "word", "=", " ", "-", "--", "u", "x", "AKIA", "IOSFODNN7EXAMPLE", "ey", "J",
                "gh", "p_", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "://", "@", ":", "1234", "5678", "9",
                "bear", "er ", "sk", "_live_", "login", "-p ", "secret", "tok", "en", "API", "KEY", "_",
                "mysql", "redis-cli", "-a ", "xox", "b-", "BEGIN", "PRIVATE KEY", "-----",
            ]), 0..24)
        ) {
            let text: String = parts.concat();
            prop_assert!(!BUILTIN_SET.is_match(&text) || may_hold_secret(&text), "{text}");
        }
    }

    fn arb_field_name() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(
            &[
                "secret", "Secret", "SECRET", "access", "Access", "key", "Key", "token", "Token",
                "api", "API", "pass", "word", "Word", "ssn", "x", "9", "_", "-", ".", " ", "é",
                "İ", "ß",
            ][..],
        );
        prop_oneof![
            prop::collection::vec(piece, 0..8).prop_map(|p| p.concat()),
            "\\PC{0,70}",
            "[a-zA-Z0-9_]{60,70}",
        ]
    }

    proptest! {
        #[test]
        fn secret_field_check_matches_the_word_rules(name in arb_field_name()) {
            let r = Redactor::new(&RedactionConfig {
                enabled: true,
                keys: vec!["ssn".into(), "accessWord".into()],
                patterns: vec![],
            })
            .unwrap();
            prop_assert_eq!(r.is_secret_field(&name), reference_is_secret_field(&r, &name), "{:?}", name);
        }

        #[test]
        fn redaction_never_panics_and_is_idempotent(text in "\\PC{0,80}") {
            let r = redactor();
            let once = r.redact_text(&text);
            prop_assert_eq!(r.redact_text(&once), once.clone());
        }
    }
}
