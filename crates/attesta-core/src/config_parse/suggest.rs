//! "Did you mean …?" for misspelt keys and values.

/// Edit distance in characters where swapping two neighbours counts as one edit (`dney` is one
/// typo away from `deny`).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
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
    let limit = (given.chars().count() / 3).clamp(1, 3);
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
        assert_eq!(distance("dney", "deny"), 1);
    }

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(closest("polcy", TOP), Some("policy"));
        assert_eq!(closest("Trust", TOP), Some("trust"));
        assert_eq!(closest("reveiwer", TOP), Some("reviewer"));
        assert_eq!(
            closest("fail-mode", &["fail_mode", "mode"]),
            Some("fail_mode")
        );
        assert_eq!(closest("xyzzy", TOP), None);
        assert_eq!(closest("r", TOP), None);
    }
}
