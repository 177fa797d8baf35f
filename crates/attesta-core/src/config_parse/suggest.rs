//! "Did you mean …?" for misspelt keys and values.

/// Levenshtein distance in characters, with a cap so long garbage costs little.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The closest candidate, if it is close enough to be a plausible typo.
pub(crate) fn closest<'a>(given: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if given.chars().count() > 64 {
        return None;
    }
    let wanted = normalise(given);
    // Same word written with other case or separators (`failMode`, `fail-mode`).
    if let Some(hit) = candidates.iter().find(|c| normalise(c) == wanted) {
        return Some(hit);
    }
    let limit = (given.chars().count() / 3).max(1).min(3);
    candidates
        .iter()
        .map(|c| (distance(&wanted, &normalise(c)), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOP: &[&str] = &["policy", "risk", "trust", "audit", "reviewer", "server"];

    #[test]
    fn distances() {
        assert_eq!(distance("polcy", "policy"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(closest("polcy", TOP), Some("policy"));
        assert_eq!(closest("Trust", TOP), Some("trust"));
        assert_eq!(closest("reveiwer", TOP), Some("reviewer"));
        assert_eq!(closest("fail-mode", &["fail_mode", "mode"]), Some("fail_mode"));
        assert_eq!(closest("xyzzy", TOP), None);
        assert_eq!(closest("r", TOP), None);
    }
}
