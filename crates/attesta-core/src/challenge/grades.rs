//! Actions of one family at different strengths: archiving, suspending, voiding or pausing is
//! not deleting, stopping is not terminating. An explanation that tells the milder action as
//! the stronger one (or the other way round) describes another action, even though both verbs
//! "remove" something in the broad sense the effect check accepts.

use super::explain;
use super::teach_back::TeachBackKey;

/// One family: the milder actions' word stems, and the stronger action's.
struct Family {
    milder: &'static [&'static str],
    stronger: &'static [&'static str],
}

const FAMILIES: &[Family] = &[
    // Removal: archived, suspended, deactivated, disabled, voided or hidden things still exist.
    Family {
        milder: &[
            "archiv",
            "suspend",
            "deactivat",
            "disabl",
            "void",
            "hide",
            "hidden",
            "unpublish",
            "mute",
            "muting",
            "snooz",
            "silenc",
            "closes",
            "closing",
        ],
        stronger: &[
            "delet",
            "eras",
            "destroy",
            "purg",
            "wipe",
            "wiping",
            "permanently",
        ],
    },
    // Machines: a stopped instance can start again, a terminated one is gone.
    Family {
        milder: &[
            "stop", "shut", "halt", "pause", "hibernat", "restart", "reboot",
        ],
        stronger: &["terminat", "destroy"],
    },
    // Copying keeps the original; removing does not.
    Family {
        milder: &["copi", "copy", "download", "backs", "backup", "export"],
        stronger: &["delet", "remov", "rm", "eras", "wipe", "purg"],
    },
    // Subscriptions and bookings: a paused one resumes, a cancelled one ends.
    Family {
        milder: &["pause", "resched", "postpon", "moves", "move"],
        stronger: &["cancel", "delet"],
    },
];

fn stem_in(word: &str, stems: &[&str]) -> bool {
    stems.iter().any(|s| word.starts_with(s))
}

/// The action's own verbs: its name's, its operation's and its command's words.
fn action_verbs(key: &TeachBackKey) -> Vec<String> {
    key.action_tokens
        .iter()
        .chain(key.command_tokens.iter().take(4))
        .map(|t| t.to_lowercase())
        .collect()
}

/// "Permanently deletes the channel" for `slack_conversations_archive`, "stops the instances
/// so they can be started again" for `terminate-instances`: `Some` with the failure.
pub(super) fn graded_failure(key: &TeachBackKey, lower: &str) -> Option<String> {
    let verbs = action_verbs(key);
    let words = explain::plain_words(lower);
    let said = |stems: &[&str]| {
        words
            .iter()
            .enumerate()
            .any(|(i, w)| stem_in(w, stems) && !explain::negated(&words, i))
    };
    for family in FAMILIES {
        let action_milder = verbs.iter().any(|v| stem_in(v, family.milder));
        let action_stronger = verbs.iter().any(|v| stem_in(v, family.stronger));
        if action_milder == action_stronger {
            continue;
        }
        let (own, other) = if action_milder {
            (family.milder, family.stronger)
        } else {
            (family.stronger, family.milder)
        };
        // The explanation's leading verb is the other strength, and the action's own is
        // never said.
        let lead = words
            .iter()
            .take(4)
            .position(|w| stem_in(w, other) && !stem_in(w, own));
        if lead.is_some() && !said(own) {
            return Some("the explanation describes a different action than this one".to_owned());
        }
    }
    None
}
