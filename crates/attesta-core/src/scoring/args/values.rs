//! Value helpers: amounts, placeholders, card numbers, e-mail addresses, hosts, quoting.

use super::*;

/// Quotes one argv element so re-tokenising the joined line gives the same words back.
pub(crate) fn shell_quote(word: &str) -> String {
    if !word.is_empty()
        && !word.contains(|c: char| c.is_whitespace() || "'\"\\|&;<>()$`".contains(c))
    {
        return word.to_owned();
    }
    format!("'{}'", word.replace('\'', "'\\''"))
}

pub(super) fn words_first(s: &str) -> &str {
    s.split_whitespace().next().unwrap_or("")
}

pub(super) fn number_of(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            let cleaned: String = s
                .trim()
                .trim_start_matches(['$', '€', '£', '¥'])
                .chars()
                .filter(|c| *c != ',' && *c != '_')
                .collect();
            let numeric = cleaned.split_whitespace().next().unwrap_or("");
            numeric.parse::<f64>().ok().filter(|v| v.is_finite())
        }
        _ => None,
    }
}

/// Risk of moving this much money (any currency, read as units).
pub fn money_severity(amount: f64) -> f64 {
    if amount < 50.0 {
        0.45
    } else if amount < 500.0 {
        0.55
    } else if amount < 5_000.0 {
        0.65
    } else if amount < 50_000.0 {
        0.82
    } else {
        0.92
    }
}

pub(super) fn fmt_amount(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.2}")
    }
}

pub(super) fn is_placeholder(s: &str) -> bool {
    let t = s.trim();
    t.len() < 4
        || t.starts_with("${")
        || t.starts_with("[REDACTED")
        || t.chars().all(|c| c == '*' || c == 'x' || c == 'X')
}

pub(super) fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(*d);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

pub(super) fn is_email(token: &str) -> bool {
    let b = token.as_bytes();
    let Some(at) = b.iter().position(|&c| c == b'@') else {
        return false;
    };
    let (local, domain) = (&b[..at], &b[at + 1..]);
    if local.is_empty()
        || local.len() > 64
        || domain.len() < 4
        || domain.first() == Some(&b'.')
        || domain.last() == Some(&b'.')
    {
        return false;
    }
    // The domain's alphabet has no second `@`.
    if !local
        .iter()
        .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'-' | b'_' | b'%'))
        || !domain
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'.' || c == b'-')
    {
        return false;
    }
    let Some(dot) = domain.iter().rposition(|&c| c == b'.') else {
        return false;
    };
    let tld = &domain[dot + 1..];
    tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic)
}

/// Paste sites, request catchers and tunnels: where exfiltrated data is usually sent. Matched by
/// domain suffix or by a label prefix (`requestbin.*`, `*.oast.fun`), never by substring scans.
pub(super) fn is_data_drop_host(h: &str) -> bool {
    const DOMAINS: &[&str] = &[
        "pastebin.com",
        "webhook.site",
        "ngrok.io",
        "ngrok-free.app",
        "ngrok.app",
        "transfer.sh",
        "pipedream.net",
        "interact.sh",
        "file.io",
        "0x0.st",
        "termbin.com",
        "paste.ee",
        "temp.sh",
    ];
    const LABEL_PREFIXES: &[&str] = &[
        "requestbin",
        "hastebin",
        "ghostbin",
        "burpcollaborator",
        "requestcatcher",
        "beeceptor",
        "anonfiles",
        "oast",
    ];
    DOMAINS.iter().any(|d| {
        h.ends_with(d) && (h.len() == d.len() || h.as_bytes()[h.len() - d.len() - 1] == b'.')
    }) || h
        .split('.')
        .any(|label| LABEL_PREFIXES.iter().any(|p| label.starts_with(p)))
}

pub(super) fn is_internal_host(h: &str) -> bool {
    if matches!(
        h,
        "localhost" | "127.0.0.1" | "::1" | "0.0.0.0" | "host.docker.internal"
    ) {
        return true;
    }
    if h.ends_with(".local")
        || h.ends_with(".internal")
        || h.ends_with(".localhost")
        || h.ends_with(".corp")
        || h.ends_with(".lan")
        || h.ends_with(".svc")
        || h.ends_with(".cluster.local")
    {
        return true;
    }
    if let Ok(std::net::IpAddr::V4(ip)) = h.parse::<std::net::IpAddr>() {
        return ip.is_private() || ip.is_loopback() || ip.is_link_local();
    }
    // Single-label names (`db`, `redis`) resolve inside the network.
    !h.contains('.') && !h.contains(':')
}
