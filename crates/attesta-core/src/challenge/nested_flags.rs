//! Switches turned off, wherever they sit in the arguments (`options.mfa.active: false`,
//! `recording: false`, `password_required: false`), told as on: "enables MFA", "it keeps
//! recording", "a password is still required".

use super::explain;
use super::teach_back::TeachBackKey;
use serde_json::Value;

/// Key words that only say "on": the switch's subject is its parent key (`mfa.active`).
const STATE_KEYS: &[&str] = &["active", "enabled", "enable", "on", "status"];

/// Key words that say nothing about what is switched.
const FILLER: &[&str] = &[
    "is", "the", "use", "allow", "enable", "enabled", "disable", "flag", "mode", "setting",
];

/// The subjects of the switches the action turns off (`state` false: `mfa`, `recording`,
/// `motion detection`, `password required`) or on (`state` true: `privacy`, `blocked`).
fn switched(key: &TeachBackKey, state: bool) -> Vec<Vec<String>> {
    fn walk(v: &Value, parent: &str, depth: usize, state: bool, out: &mut Vec<Vec<String>>) {
        if depth > 4 || out.len() >= 32 {
            return;
        }
        if let Value::Object(map) = v {
            for (k, item) in map.iter().take(64) {
                let tokens = super::text::identifier_tokens(k);
                if item == &Value::Bool(state) {
                    let subject: Vec<String> =
                        if tokens.len() == 1 && STATE_KEYS.contains(&tokens[0].as_str()) {
                            super::text::identifier_tokens(parent)
                        } else {
                            tokens
                                .into_iter()
                                .filter(|t| t.len() >= 3 && !FILLER.contains(&t.as_str()))
                                .collect()
                        };
                    if !subject.is_empty() {
                        out.push(subject);
                    }
                } else {
                    walk(item, k, depth + 1, state, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    if let Some(kwargs) = key.arguments.get("kwargs") {
        walk(kwargs, "", 0, state, &mut out);
    }
    out
}

/// A word naming the subject ("recording" for `recording`, "mfa", "passwords" for `password`).
fn names(word: &str, subject: &str) -> bool {
    word == subject
        || word.strip_suffix('s') == Some(subject)
        || (subject.chars().count() >= 5
            && word.chars().count() >= 5
            && word.chars().take(5).eq(subject.chars().take(5)))
}

/// Whether `told` holds for a mention of a switch's subject: each clause's words, where its
/// first word names a subject (`brute_force_protection` is "brute force …";
/// `dismiss_stale_reviews` is about dismissing, not reviews) not denied, and the subject.
fn mentioned(
    lower: &str,
    subjects: &[Vec<String>],
    mut told: impl FnMut(&[String], usize, &[String]) -> bool,
) -> bool {
    lower.split(['.', ';', '\n']).any(|sentence| {
        sentence
            .split(',')
            .flat_map(|c| c.split(" but "))
            .any(|clause| {
                let words = explain::plain_words(clause);
                subjects.iter().any(|subject| {
                    words
                        .iter()
                        .position(|w| names(w, &subject[0]))
                        .is_some_and(|at| {
                            !explain::negated(&words, at) && told(&words, at, subject)
                        })
                })
            })
    })
}

/// "Enables MFA", "keeps recording", "brute force protection stays on", "a password is still
/// required" for a switch the action turns off.
pub(super) fn switched_off_told_on(key: &TeachBackKey, lower: &str) -> Option<String> {
    let subjects = switched(key, false);
    if subjects.is_empty() {
        return None;
    }
    let told_on = mentioned(lower, &subjects, |words, at, subject| {
        let before = &words[at.saturating_sub(2)..at];
        let after = &words[at + 1..words.len().min(at + subject.len() + 4)];
        let turned_on = before.iter().any(|w| {
            [
                "enables",
                "enable",
                "enabling",
                "activates",
                "activate",
                "keeps",
                "keep",
                "keeping",
                "continues",
                "still",
            ]
            .contains(&w.as_str())
        }) || (before
            .last()
            .is_some_and(|w| ["turns", "switches"].contains(&w.as_str()))
            && after.first().is_some_and(|w| w == "on"))
            || after.windows(2).any(|p| {
                (["stays", "stay", "remains", "remain", "is", "are"].contains(&p[0].as_str())
                    && ["on", "active", "enabled", "required", "still"].contains(&p[1].as_str()))
                    || (p[0] == "still" && !["off", "disabled"].contains(&p[1].as_str()))
            })
            || after
                .first()
                .is_some_and(|w| ["continues", "keeps"].contains(&w.as_str()));
        // "disables MFA and keeps nothing": the clause also turns it off.
        let turned_off = words.iter().any(|w| {
            [
                "disables", "disable", "disabled", "off", "stops", "removes", "without", "no",
            ]
            .contains(&w.as_str())
        });
        turned_on && !turned_off
    });
    told_on.then(|| OPPOSITE.to_owned())
}

/// "Turns privacy mode off", "unblocks the user", "disables the hold" for a switch the action
/// turns on.
pub(super) fn switched_on_told_off(key: &TeachBackKey, lower: &str) -> Option<String> {
    let subjects = switched(key, true);
    if subjects.is_empty() {
        return None;
    }
    // "unblocks" for `blocked`: the subject undone.
    let words = explain::plain_words(lower);
    let undone = words.iter().enumerate().any(|(i, w)| {
        !explain::negated(&words, i)
            && w.strip_prefix("un").is_some_and(|rest| {
                rest.chars().count() >= 5 && subjects.iter().any(|s| names(rest, &s[0]))
            })
    });
    let told_off = undone
        || mentioned(lower, &subjects, |words, at, subject| {
            let before = &words[at.saturating_sub(3)..at];
            let after = &words[at + 1..words.len().min(at + subject.len() + 2)];
            let off_verb = before.iter().any(|w| {
                [
                    "disables",
                    "disable",
                    "disabling",
                    "deactivates",
                    "deactivate",
                    "deactivating",
                ]
                .contains(&w.as_str())
            }) || (before.iter().any(|w| {
                [
                    "turns",
                    "turning",
                    "switches",
                    "switching",
                    "turn",
                    "switch",
                ]
                .contains(&w.as_str())
            }) && after.iter().any(|w| w == "off"))
                || after.windows(2).any(|p| {
                    [
                        "stays", "stay", "remains", "is", "are", "turned", "switched", "goes",
                    ]
                    .contains(&p[0].as_str())
                        && ["off", "disabled", "inactive"].contains(&p[1].as_str())
                });
            // "turns privacy mode on", "enables privacy mode": said on after all.
            let on = before
                .iter()
                .any(|w| ["enables", "enable", "activates", "activate"].contains(&w.as_str()))
                || words.get(at + subject.len()).is_some_and(|w| w == "on")
                || words.get(at + 1).is_some_and(|w| w == "on");
            off_verb && !on
        });
    told_off.then(|| OPPOSITE.to_owned())
}

const OPPOSITE: &str = "the explanation describes the opposite of what the action does";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ActionContext;
    use serde_json::json;

    use crate::challenge::teach_back_key::key_for as key;

    #[test]
    fn words_of_any_script_are_compared_by_characters() {
        // A five-letter prefix inside a multi-byte character once split it (and panicked).
        let cam = key(&ActionContext::new("ring_update_settings").with_kwarg("recording", false));
        for text in [
            "a gravação continua, récordingé ativa, 録画は続きます",
            "grabación désactivée, nagrywanie wyłączone",
        ] {
            let _ = switched_off_told_on(&cam, text);
        }
        assert!(names("recordings", "recording") && names("récor", "récor"));
        assert!(!names("récord", "recording"));
    }

    #[test]
    fn switches_turned_off_told_as_on() {
        let auth = key(&ActionContext::new("auth0_update_connection").with_kwarg(
            "options",
            json!({"mfa": {"active": false}, "brute_force_protection": false}),
        ));
        assert!(
            switched_off_told_on(
                &auth,
                "enables mfa and brute force protection on the connection"
            )
            .is_some()
        );
        assert!(
            switched_off_told_on(&auth, "turns mfa off and disables brute force protection")
                .is_none()
        );
        let cam = key(&ActionContext::new("ring_update_settings")
            .with_kwarg("motion_detection", false)
            .with_kwarg("recording", false));
        assert!(
            switched_off_told_on(
                &cam,
                "turns off motion alerts, it keeps recording all the time"
            )
            .is_some()
        );
        assert!(
            switched_off_told_on(
                &cam,
                "motion detection and recording are both switched off for 48 hours"
            )
            .is_none()
        );
    }

    #[test]
    fn switches_turned_on_told_as_off() {
        let ring = key(&ActionContext::new("ring_set_privacy_mode")
            .with_kwarg("privacy_mode", true)
            .with_kwarg("motion_detection", false));
        let said = "re-enables recording on the cams, turning privacy mode off on all three";
        assert!(switched_on_told_off(&ring, said).is_some());
        let said = "turns privacy mode on for all three cams, so nothing is recorded";
        assert!(switched_on_told_off(&ring, said).is_none());
        let user = key(&ActionContext::new("auth0_update_user").with_kwarg("blocked", true));
        assert!(switched_on_told_off(&user, "unblocks the customer so they can log in").is_some());
        assert!(switched_on_told_off(&user, "blocks the customer so they cannot log in").is_none());
    }
}
