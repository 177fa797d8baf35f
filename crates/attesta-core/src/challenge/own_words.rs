//! An action whose own verb is unknown (`chown`, `iptables -F`) or says only that something
//! changes, runs or comes to be (`update_…`, `set_…`, `add_…`, `run_…`): its effect is said in
//! the explanation's own verbs ("turns off", "invites", "buys", "makes … an admin"), which
//! cannot be checked word for word; opposites and negations still are.

use super::claims::GENERIC_VERBS;
use super::explain;
use super::teach_back::TeachBackKey;

/// Light verbs of actions that add or make something.
const MAKING_VERBS: &[&str] = &[
    "add", "creat", "issu", "plac", "attach", "put", "mak", "writ", "updat",
];

/// Verbs that say only that something happens.
const NOTHING_SAID: &[&str] = &[
    "run",
    "runs",
    "running",
    "ran",
    "execute",
    "executes",
    "executed",
    "executing",
    "apply",
    "applies",
    "applied",
    "applying",
];

/// Verbs that take something away.
const REMOVAL_STEMS: &[&str] = &[
    "delet",
    "remov",
    "cancel",
    "revok",
    "drop",
    "destroy",
    "eras",
    "wipe",
    "purg",
    "disabl",
    "terminat",
    "kill",
    "uninstall",
    "unlink",
    "detach",
    "deactivat",
    "unpublish",
    "unshar",
    "unsubscrib",
    "void",
    "stop",
    "halt",
];

/// Whether the explanation states an effect in its own verbs that may stand for the action's:
/// an effect verb, not denied, that is no word of the action's name or targets
/// (`update_scheduled_transaction`, `ci-deploy-bot` name what is acted on), no verb that only
/// says something happens ("run it"), no noun of an act ("the rotation"), and, for an action
/// that adds or makes something, no verb that takes away ("cancels", "revokes").
pub(super) fn effect_in_own_words(
    key: &TeachBackKey,
    plain: &[String],
    own_verb: Option<&str>,
    target_words: &[String],
) -> bool {
    own_verb.is_none_or(|v| GENERIC_VERBS.contains(&v))
        && plain.iter().enumerate().any(|(i, w)| {
            super::lexicon::effect_verb(w)
                && !explain::negated(plain, i)
                && !key.action_tokens.iter().any(|t| t == w)
                && target_words.binary_search(w).is_err()
                && !NOTHING_SAID.contains(&w.as_str())
                && !["tion", "sion", "ment", "ments", "tions"]
                    .iter()
                    .any(|e| w.ends_with(e))
                && !(own_verb.is_some_and(|v| MAKING_VERBS.contains(&v))
                    && (REMOVAL_STEMS.iter().any(|r| w.starts_with(r))
                        // "takes the admin role away".
                        || (w.starts_with("tak")
                            && plain[i + 1..plain.len().min(i + 6)]
                                .iter()
                                .any(|n| n == "away"))))
        })
}

/// Everyday words a field uses for the action's own verb: a calendar event or a booking is
/// "cancelled" when deleted, a DNS record "resolves" or "points" somewhere once written, a
/// worker "let go" or "fired" when terminated.
pub(super) fn field_verb(key: &TeachBackKey, plain: &[String]) -> bool {
    let names: Vec<String> = key
        .action_tokens
        .iter()
        .cloned()
        .chain(key.kwargs().into_iter().flat_map(|m| {
            m.keys()
                .flat_map(|k| super::text::identifier_tokens(k))
                .collect::<Vec<_>>()
        }))
        .collect();
    let has = |ws: &[&str]| names.iter().any(|n| ws.contains(&n.as_str()));
    let said = |stems: &[&str]| {
        plain
            .iter()
            .enumerate()
            .any(|(i, w)| stems.iter().any(|s| w.starts_with(s)) && !explain::negated(plain, i))
    };
    let phrase = |p: &[&str]| {
        plain
            .windows(p.len())
            .any(|w| w.iter().zip(p).all(|(a, b)| a.starts_with(b)))
    };
    (has(&["delete", "remove"])
        && has(&[
            "event",
            "events",
            "meeting",
            "meetings",
            "appointment",
            "booking",
            "reservation",
            "calendar",
        ])
        && (said(&["cancel"]) || phrase(&["call", "off"]) || phrase(&["calls", "off"])))
        || (has(&["dns", "record", "records"])
            && has(&["update", "create", "change", "upsert", "set"])
            && said(&["resolv", "point"])
            && !said(&["delet", "remov", "drop", "stop"]))
        || (has(&["terminate", "termination"])
            && has(&["employee", "worker", "staff"])
            && (said(&["fire", "fired", "dismiss", "sack"])
                || phrase(&["let", "go"])
                || phrase(&["lays", "off"])
                || phrase(&["laid", "off"])))
}
