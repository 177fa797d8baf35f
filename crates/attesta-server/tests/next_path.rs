//! `safe_next` against a real WHATWG URL parser: whatever string an attacker puts in `next`,
//! the path the server keeps resolves to this site when a browser follows it.

use attesta_server::abuse::safe_next;
use proptest::prelude::*;

fn resolves_here(path: &str) -> bool {
    let base = url::Url::parse("https://approvals.example.com/login").unwrap();
    base.join(path).is_ok_and(|u| u.origin() == base.origin())
}

/// Characters that matter to URL parsing, mixed with ordinary ones.
fn tricky() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("/".to_owned()), Just("\\".to_owned()), Just("\t".to_owned()), Just("\n".to_owned()),
        Just("\r".to_owned()), Just(" ".to_owned()), Just("\u{0}".to_owned()), Just(":".to_owned()),
        Just("@".to_owned()), Just(".".to_owned()), Just("%2F".to_owned()), Just("%5C".to_owned()),
        Just("?".to_owned()), Just("#".to_owned()), Just("evil.example".to_owned()),
        Just("https:".to_owned()), Just("javascript:".to_owned()), Just("\u{3000}".to_owned()),
        Just("\u{ff0f}".to_owned()), "[a-z0-9]{1,4}",
    ];
    prop::collection::vec(piece, 0..10).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn kept_paths_never_leave_the_site(raw in tricky()) {
        let kept = safe_next(&raw);
        prop_assert!(resolves_here(&kept), "{raw:?} -> {kept:?}");
        prop_assert!(kept.starts_with('/'));
        prop_assert!(kept.bytes().all(|b| b.is_ascii_graphic()));
    }

    #[test]
    fn any_string_is_handled(raw in any::<String>()) {
        let kept = safe_next(&raw);
        prop_assert!(resolves_here(&kept), "{raw:?} -> {kept:?}");
    }
}

#[test]
fn local_paths_are_kept_exactly() {
    for p in ["/", "/history", "/requests/0193a?x=1#top", "/audit?from=2026-01-01"] {
        assert_eq!(safe_next(p), p);
        assert!(resolves_here(p));
    }
}
