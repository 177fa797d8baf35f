//! Peer distractors: wrong options that are other realistic values of the same kind and shape,
//! never edits of the right answer.
//!
//! A value is cut into runs (letters, digits, everything else). The parts that make the kind
//! recognisable are kept for every option alike (a file's folder and extension, a table's
//! schema, a host's top-level domain, a branch's `release/` prefix, an id's `inv_` prefix);
//! every other letter run is replaced by a vocabulary word of the same length and case, every
//! digit run by fresh digits of the same width (a year stays a year). So all options share the
//! same skeleton and none of them is the centre the others were derived from: the right answer is
//! one draw among peers. IBANs get valid check digits like the real one.

use super::facts::FactKind;
use super::rng::SplitMix64;
use super::vocab::{ENVIRONMENTS, NAMES, PROGRAMS, ROLES, VERBS, WORDS};

/// Kind-specific vocabulary for letter runs.
fn vocabulary(kind: FactKind) -> &'static [&'static str] {
    match kind {
        FactKind::Recipient | FactKind::Person => NAMES,
        FactKind::Role => ROLES,
        _ => WORDS,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    Letters,
    Digits,
    Other,
}

fn runs(s: &str) -> Vec<(Run, &str)> {
    let mut out: Vec<(Run, &str)> = Vec::new();
    let mut start = 0;
    let mut current: Option<Run> = None;
    for (i, c) in s.char_indices() {
        let kind = if c.is_ascii_digit() {
            Run::Digits
        } else if c.is_alphabetic() {
            Run::Letters
        } else {
            Run::Other
        };
        match current {
            Some(k) if k == kind && kind != Run::Other => {}
            Some(k) => {
                out.push((k, &s[start..i]));
                start = i;
                current = Some(kind);
            }
            None => current = Some(kind),
        }
    }
    if let Some(k) = current {
        out.push((k, &s[start..]));
    }
    out
}

fn match_case(word: &str, model: &str) -> String {
    if model.chars().all(|c| !c.is_lowercase()) && model.chars().any(char::is_uppercase) {
        word.to_uppercase()
    } else if model.chars().next().is_some_and(char::is_uppercase) {
        let mut c = word.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    } else {
        word.to_owned()
    }
}

fn replace_letters(run: &str, vocab: &[&str], rng: &mut SplitMix64) -> String {
    let len = run.chars().count();
    let lower = run.to_lowercase();
    // Same length where the vocabulary has it, else the nearest length (ties both ways).
    for slack in 0..=3usize {
        let fits: Vec<&&str> = vocab
            .iter()
            .filter(|w| w.len().abs_diff(len) == slack && **w != lower)
            .collect();
        if fits.len() >= 3 || (slack == 3 && !fits.is_empty()) {
            return match_case(fits[rng.below(fits.len())], run);
        }
    }
    // Long or unusual runs (hashes, codes): random letters of the same length and case.
    let letters: String = (0..len)
        .map(|_| (b'a' + rng.below(26) as u8) as char)
        .collect();
    match_case(&letters, run)
}

fn replace_digits(run: &str, rng: &mut SplitMix64) -> String {
    let n = run.len();
    if n == 4
        && let Ok(year) = run.parse::<u32>()
        && (1990..=2039).contains(&year)
    {
        return (2012 + rng.below(18) as u32).to_string();
    }
    let mut out = String::with_capacity(n);
    for i in 0..n {
        let d = if i == 0 && n > 1 && !run.starts_with('0') {
            1 + rng.below(9)
        } else {
            rng.below(10)
        };
        out.push((b'0' + d as u8) as char);
    }
    out
}

/// Replaces letter and digit runs of `part` (kept runs: those in `keep`).
fn reshape(part: &str, vocab: &[&str], keep_letters: &[&str], rng: &mut SplitMix64) -> String {
    let mut out = String::with_capacity(part.len() + 4);
    for (kind, text) in runs(part) {
        match kind {
            Run::Letters if keep_letters.contains(&text.to_lowercase().as_str()) => {
                out.push_str(text)
            }
            Run::Letters => out.push_str(&replace_letters(text, vocab, rng)),
            Run::Digits => out.push_str(&replace_digits(text, rng)),
            Run::Other => out.push_str(text),
        }
    }
    out
}

/// Structural words kept in every option (they say what kind of thing it is, not which one).
const KEEP: &[&str] = &[
    "release", "hotfix", "feature", "bugfix", "fix", "main", "master", "develop", "v", "inv", "ch",
    "msg", "acct", "cus", "usr", "sub", "pi", "po", "tx", "txn", "kms", "sig", "w", "id", "www",
    "api", "internal", "prod", "com", "org", "net", "io", "de", "uk", "co", "eu", "fr", "nl", "es",
    "it", "ch",
];

fn peer_path_tail(value: &str, vocab: &[&str], rng: &mut SplitMix64) -> String {
    // Keep the folder, vary the last segment (siblings); keep a file's extension(s).
    let (dir, last) = match value.trim_end_matches('/').rfind('/') {
        Some(i) => value.split_at(i + 1),
        None => ("", value),
    };
    let (stem, ext) = match last.find('.') {
        Some(i) if i > 0 => last.split_at(i),
        _ => (last, ""),
    };
    format!("{dir}{}{ext}", reshape(stem, vocab, &[], rng))
}

fn peer_amount(value: &str, rng: &mut SplitMix64) -> Option<String> {
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let zeros = int.len() - int.trim_end_matches('0').len();
    let significant = int.len() - zeros.min(int.len().saturating_sub(1));
    let mut digits = String::new();
    for i in 0..significant {
        let nonzero =
            (i == 0 && int.len() > 1) || (i + 1 == significant && significant > 1 && zeros > 0);
        let d = if nonzero {
            1 + rng.below(9)
        } else {
            rng.below(10)
        };
        digits.push((b'0' + d as u8) as char);
    }
    digits.push_str(&"0".repeat(int.len() - significant));
    if frac.is_empty() {
        Some(digits)
    } else {
        Some(format!("{digits}.{}", replace_digits(frac, rng)))
    }
}

fn peer_iban(value: &str, rng: &mut SplitMix64) -> String {
    let compact: String = value.chars().filter(|c| *c != ' ').collect();
    let country = &compact[..2];
    let body: String = reshape(&compact[4..], WORDS, &[], rng).to_uppercase();
    // Letters in a bank code stay letters; recompute real check digits.
    let mut remainder: u32 = 0;
    for c in body.bytes().chain(country.bytes()).chain(*b"00") {
        let v = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c.to_ascii_uppercase() - b'A') + 10
        };
        remainder = if v >= 10 {
            (remainder * 100 + v) % 97
        } else {
            (remainder * 10 + v) % 97
        };
    }
    format!("{country}{:02}{body}", 98 - remainder)
}

/// Whether `value` is an opaque code (a hash, a hex or base-32 address, a key id body): long
/// and mixing letters and digits with no word structure.
fn opaque(value: &str) -> bool {
    let alnum = value.chars().filter(char::is_ascii_alphanumeric).count();
    alnum >= 16
        && value.chars().any(|c| c.is_ascii_digit())
        && value.chars().any(|c| c.is_ascii_alphabetic())
        && runs(value).iter().filter(|(k, _)| *k != Run::Other).count() * 3 > alnum / 2
}

/// A random code with the same length, the same characters kept in place for a prefix such as
/// `0x` or `bc1q`, and letters drawn from the value's own alphabet (hex stays hex).
fn opaque_peer(value: &str, rng: &mut SplitMix64) -> String {
    let keep = if value.starts_with("0x") {
        2
    } else if value.starts_with("bc1") || value.starts_with("tb1") {
        4
    } else {
        0
    };
    let mut letters: Vec<char> = value
        .chars()
        .skip(keep)
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    letters.sort_unstable();
    letters.dedup();
    let alphabet: Vec<char> = if letters.iter().all(|c| *c <= 'f') {
        ('a'..='f').collect()
    } else {
        letters
    };
    value
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i < keep || !c.is_ascii_alphanumeric() {
                c
            } else if c.is_ascii_digit() {
                (b'0' + rng.below(10) as u8) as char
            } else {
                let l = alphabet[rng.below(alphabet.len())];
                if c.is_ascii_uppercase() {
                    l.to_ascii_uppercase()
                } else {
                    l
                }
            }
        })
        .collect()
}

/// One peer of `value`, or `None` when this kind has no sensible peer for it.
fn one_peer(kind: FactKind, value: &str, rng: &mut SplitMix64) -> Option<String> {
    let vocab = vocabulary(kind);
    if kind != FactKind::Account && kind != FactKind::Amount && opaque(value)
        || kind == FactKind::Account && crate::display::parse_iban(value).is_none()
    {
        return Some(opaque_peer(value, rng));
    }
    Some(match kind {
        FactKind::File | FactKind::Directory => peer_path_tail(value, vocab, rng),
        FactKind::Amount => peer_amount(value, rng)?,
        FactKind::Environment => ENVIRONMENTS[rng.below(ENVIRONMENTS.len())].to_owned(),
        FactKind::Operation => {
            // The first word is a verb, the rest are nouns, in the same case and separators.
            let mut first = true;
            let mut out = String::with_capacity(value.len() + 8);
            for (kind, text) in runs(value) {
                match kind {
                    Run::Letters if first => {
                        first = false;
                        out.push_str(&replace_letters(text, VERBS, rng));
                    }
                    Run::Letters => out.push_str(&replace_letters(text, WORDS, rng)),
                    Run::Digits => out.push_str(&replace_digits(text, rng)),
                    Run::Other => out.push_str(text),
                }
            }
            out
        }
        FactKind::Command => PROGRAMS[rng.below(PROGRAMS.len())].to_owned(),
        FactKind::Account if crate::display::parse_iban(value).is_some() => peer_iban(value, rng),
        FactKind::Table => match value.rsplit_once('.') {
            Some((schema, name)) => format!("{schema}.{}", reshape(name, vocab, &[], rng)),
            None => reshape(value, vocab, &[], rng),
        },
        FactKind::Recipient | FactKind::Person => match value.split_once('@') {
            Some((local, domain)) => {
                let (label, tld) = domain.split_once('.').unwrap_or((domain, ""));
                let domain = if tld.is_empty() {
                    reshape(label, WORDS, KEEP, rng)
                } else {
                    format!("{}.{tld}", reshape(label, WORDS, KEEP, rng))
                };
                format!("{}@{domain}", reshape(local, NAMES, &[], rng))
            }
            None => reshape(value, vocab, &[], rng),
        },
        FactKind::Host => {
            // Keep the top-level domain; an IP address keeps its first two octets.
            let octets: Vec<&str> = value.split('.').collect();
            if octets.len() == 4 && octets.iter().all(|o| o.parse::<u8>().is_ok()) {
                format!(
                    "{}.{}.{}.{}",
                    octets[0],
                    octets[1],
                    rng.below(255),
                    1 + rng.below(253)
                )
            } else {
                match value.rsplit_once('.') {
                    Some((rest, tld)) => format!("{}.{tld}", reshape(rest, vocab, KEEP, rng)),
                    None => reshape(value, vocab, KEEP, rng),
                }
            }
        }
        _ => reshape(value, vocab, KEEP, rng),
    })
}

/// Up to `count` peers of `value`, all different from it and from each other (after
/// `normalize`), from every value in `exclude`, and not found anywhere in `display` (lowercase
/// text the approver sees), so a reader can always tell the right option.
pub(crate) fn peers(
    kind: FactKind,
    value: &str,
    count: usize,
    exclude: &[String],
    display: &str,
    normalize: impl Fn(&str) -> String,
    rng: &mut SplitMix64,
) -> Vec<String> {
    let mut seen: Vec<String> = exclude.iter().map(|e| normalize(e)).collect();
    seen.push(normalize(value));
    let mut out = Vec::with_capacity(count);
    for _ in 0..count * 8 {
        if out.len() == count {
            break;
        }
        let Some(candidate) = one_peer(kind, value, rng) else {
            break;
        };
        let n = normalize(&candidate);
        if candidate.trim().is_empty()
            || seen.contains(&n)
            || display.contains(&candidate.to_lowercase())
        {
            continue;
        }
        seen.push(n);
        out.push(candidate);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ident(s: &str) -> String {
        s.to_lowercase()
    }

    #[test]
    fn peers_keep_the_skeleton_and_change_the_identity() {
        let mut rng = SplitMix64::new(3);
        let p = peers(
            FactKind::File,
            "q3_report_2024.csv",
            4,
            &[],
            "",
            ident,
            &mut rng,
        );
        assert_eq!(p.len(), 4);
        for x in &p {
            assert!(x.ends_with(".csv"), "{x}");
            assert_ne!(x, "q3_report_2024.csv");
            assert_eq!(x.matches('_').count(), 2, "{x}");
            assert!(!x.contains("report"), "{x}: no edit of the answer");
        }
        let p = peers(
            FactKind::Directory,
            "/srv/billing/exports",
            4,
            &[],
            "",
            ident,
            &mut rng,
        );
        assert!(p.iter().all(|x| x.starts_with("/srv/billing/")), "{p:?}");
        let p = peers(FactKind::Amount, "48500", 4, &[], "", ident, &mut rng);
        assert!(p.iter().all(|x| x.len() == 5 && x.ends_with("00")), "{p:?}");
        let p = peers(
            FactKind::Recipient,
            "maria.keller@northwind.com",
            4,
            &[],
            "",
            ident,
            &mut rng,
        );
        assert!(
            p.iter().all(|x| x.contains('.') && x.ends_with(".com")),
            "{p:?}"
        );
        let p = peers(
            FactKind::Table,
            "billing.invoice_lines",
            4,
            &[],
            "",
            ident,
            &mut rng,
        );
        assert!(p.iter().all(|x| x.starts_with("billing.")), "{p:?}");
    }

    #[test]
    fn iban_peers_have_valid_check_digits() {
        let mut rng = SplitMix64::new(9);
        for p in peers(
            FactKind::Account,
            "DE89370400440532013000",
            4,
            &[],
            "",
            ident,
            &mut rng,
        ) {
            let iban = crate::display::parse_iban(&p).expect("an IBAN");
            assert!(iban.checksum_ok, "{p}");
        }
    }

    #[test]
    fn peers_never_appear_in_the_display() {
        let mut rng = SplitMix64::new(1);
        let display = "drop table users; users_old stays";
        for p in peers(
            FactKind::Table,
            "users",
            4,
            &["users_old".into()],
            display,
            ident,
            &mut rng,
        ) {
            assert!(!display.contains(&p), "{p}");
        }
    }
}
