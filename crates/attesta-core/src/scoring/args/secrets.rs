//! Secrets by shape (key prefixes, JWTs, private keys) and by label (`password=…`).

use super::*;

/// What one pass over a token's bytes found.
#[derive(Default)]
pub(super) struct TokenFeatures {
    pub(super) assign: bool,
    pub(super) dollar: bool,
    pub(super) at: bool,
    pub(super) path_char: bool,
    pub(super) dot: bool,
}

pub(super) enum SecretLabel {
    None,
    /// `password:` — the next word is the secret.
    Label,
    /// `password=hunter2`.
    Inline,
}

pub(super) fn secret_label(token: &str) -> SecretLabel {
    const LABELS: &[&str] = &[
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "token",
        "api_key",
        "apikey",
        "access_token",
        "client_secret",
        "secret_key",
    ];
    let (stem, rest) = match token.find([':', '=']) {
        Some(at) => (&token[..at], &token[at + 1..]),
        None => return SecretLabel::None,
    };
    if !LABELS.iter().any(|l| stem.eq_ignore_ascii_case(l)) {
        return SecretLabel::None;
    }
    let rest = rest.trim_start_matches([':', '=']);
    if rest.is_empty() {
        SecretLabel::Label
    } else if rest.len() >= 4 && !is_placeholder(rest) && !rest.starts_with('$') {
        SecretLabel::Inline
    } else {
        SecretLabel::None
    }
}

/// `$AWS_SECRET_ACCESS_KEY`, `${GITHUB_TOKEN}`: a command that reads a secret from the environment.
pub(super) fn secret_env_reference(token: &str) -> bool {
    token.split('$').skip(1).any(|part| {
        let name: String = part
            .trim_start_matches('{')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let upper = name.to_ascii_uppercase();
        name.len() >= 5
            && [
                "SECRET",
                "TOKEN",
                "PASSWORD",
                "PASSWD",
                "API_KEY",
                "APIKEY",
                "PRIVATE_KEY",
                "ACCESS_KEY",
                "CREDENTIAL",
            ]
            .iter()
            .any(|w| upper.contains(w))
    })
}

/// Recognises credentials by their well-known shapes. Returns severity and a label; never the value.
pub(super) fn secret_token(t: &str) -> Option<(f64, &'static str)> {
    // Every shape below is at least 20 characters long.
    if t.len() < 20 {
        return None;
    }
    let alnum_len = |s: &str| s.bytes().take_while(|b| b.is_ascii_alphanumeric()).count();
    let b = t.as_bytes();
    if b.len() >= 20
        && (t.starts_with("AKIA") || t.starts_with("ASIA"))
        && b[4..20]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Some((0.85, "AWS access key id"));
    }
    for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] {
        if let Some(rest) = t.strip_prefix(prefix)
            && alnum_len(rest) >= 30
        {
            return Some((0.85, "GitHub token"));
        }
    }
    if t.starts_with("github_pat_") && t.len() >= 40 {
        return Some((0.85, "GitHub token"));
    }
    if t.starts_with("glpat-") && t.len() >= 24 {
        return Some((0.85, "GitLab token"));
    }
    if (t.starts_with("xoxb-")
        || t.starts_with("xoxp-")
        || t.starts_with("xoxa-")
        || t.starts_with("xoxr-")
        || t.starts_with("xoxs-"))
        && t.len() >= 20
    {
        return Some((0.85, "Slack token"));
    }
    if (t.starts_with("sk_live_") || t.starts_with("rk_live_")) && t.len() >= 20 {
        return Some((0.85, "Stripe live key"));
    }
    if let Some(rest) = t.strip_prefix("sk-")
        && rest.len() >= 30
        && rest
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
    {
        return Some((0.8, "API secret key"));
    }
    if t.starts_with("AIza")
        && alnum_len(&t[4..]) + t[4..].bytes().filter(|c| *c == b'-' || *c == b'_').count() >= 30
    {
        return Some((0.8, "Google API key"));
    }
    if t.starts_with("npm_") && alnum_len(&t[4..]) >= 30 {
        return Some((0.8, "npm token"));
    }
    if t.starts_with("eyJ") && t.len() >= 30 {
        let parts: Vec<&str> = t.split('.').collect();
        if parts.len() == 3
            && parts[1].starts_with("eyJ")
            && parts.iter().all(|p| {
                p.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'=')
            })
        {
            return Some((0.7, "JWT"));
        }
    }
    None
}
