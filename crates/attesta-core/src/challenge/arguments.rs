//! What an explanation says about the action's arguments beyond its target and amount: a
//! side effect the action switches on said not to happen ("does not refund anyone" for
//! `refund: true`) or one it switches off said to happen; a write mode told the other way
//! (`mode: append` as "overwrites"); the sign of a change ("raises" for `adjust_percent: -35`,
//! "subtracts" for `balance + 50000`); an `un…` value without its prefix ("Restricted" for
//! `Unrestricted`); another handle or code of the same shape as the action's (`@tyler-b-88`
//! for `@tyler-r-88`, `WH-Bristol` for `WH-Leeds`); and scope told as one item.

use serde_json::Value;

use super::denials;
use super::explain;
use super::scope_words;
use super::teach_back::TeachBackKey;

/// Words that deny what follows in their clause ("without informing", "non-force").
const DENIALS: &[&str] = &[
    "not", "no", "never", "nothing", "none", "without", "cannot", "cant", "can't", "won't", "wont",
    "doesn't", "doesnt", "isn't", "isnt", "don't", "dont", "didn't", "neither", "nor", "nobody",
    "non", "skip", "skips", "skipping", "instead", "anymore", "stop", "stops", "stopped",
    "stopping", "ceases",
];

/// Words that start a condition or a consequence: a denial before them is about something else.
const CLAUSE_BREAKS: &[&str] = &[
    "until", "unless", "if", "so", "because", "once", "after", "before", "when", "and", "but",
    "then", "which", "while",
];

/// Flag names that switch something off or stand for the approver's own step: saying that
/// thing does not happen agrees with them ("without a prompt" for `yes: true`).
const SUPPRESSING: &[&str] = &[
    "auto",
    "skip",
    "no",
    "ignore",
    "disable",
    "bypass",
    "quiet",
    "silent",
    "dry",
    "yes",
    "confirm",
    "confirmation",
    "prompt",
    "approve",
    "approval",
    "wait",
    "interactive",
    "keep",
    "preserve",
];

/// Parts of flag names that say nothing about what happens.
const FILLER: &[&str] = &[
    "send",
    "set",
    "as",
    "is",
    "has",
    "should",
    "do",
    "the",
    "to",
    "on",
    "of",
    "all",
    "after",
    "customer",
    "customers",
    "user",
    "users",
    "patient",
    "client",
    "owner",
    "members",
    "member",
    "email",
    "emails",
    "final",
    "enabled",
    "allow",
    "allowed",
];

/// Side effects a switched-off flag makes sure do not happen: an explanation saying they do
/// describes another action.
const SIDE_EFFECTS: &[&str] = &[
    "notify",
    "notification",
    "notifications",
    "refund",
    "backup",
    "force",
    "cascade",
    "default",
    "permanent",
    "purge",
    "recurring",
];

/// Other words for a flag's concept.
fn forms(concept: &str) -> Vec<&str> {
    match concept {
        "notify" | "notification" | "notifications" | "notif" => {
            vec!["notif", "inform", "tell", "tells", "alert"]
        }
        "recurring" | "recurrence" | "repeat" => vec!["recur", "repeat"],
        "hard" => vec!["hard$", "permanent"],
        "sessions" => vec!["session"],
        _ => vec![concept],
    }
}

/// What the opposite of a flag's concept is called ("soft-deletes" for `hard_delete: true`).
fn opposite_forms(concept: &str) -> &'static [&'static str] {
    match concept {
        "hard" | "permanent" | "permanently" => &["soft$"],
        _ => &[],
    }
}

fn matches(word: &str, form: &str) -> bool {
    match form.strip_suffix('$') {
        Some(exact) => word == exact,
        None => word.len() >= 4 && explain::stem_matches(word, form),
    }
}

/// Whether the word at `at` is denied within its clause ("does not make it the default",
/// "without informing the patient", "no customer gets notified").
pub(super) fn denied(words: &[String], at: usize) -> bool {
    // "notifications off", "refund disabled".
    denied_before(words, at)
        || words
            .get(at + 1)
            .is_some_and(|n| ["off", "disabled", "false", "skipped"].contains(&n.as_str()))
}

/// Whether a denial comes before the word at `at` in its clause.
pub(super) fn denied_before(words: &[String], at: usize) -> bool {
    for w in words[at.saturating_sub(6)..at].iter().rev() {
        if CLAUSE_BREAKS.contains(&w.as_str()) {
            return false;
        }
        if DENIALS.contains(&w.as_str()) || w.ends_with("n't") {
            return true;
        }
    }
    false
}

/// Boolean flags said the other way: the flag's concept denied for `true`, stated for `false`.
fn flag_failure(key: &TeachBackKey, plain: &[String], sentences: &[Vec<String>]) -> Option<String> {
    let kwargs = key.kwargs()?;
    for (name, value) in kwargs {
        let name = name.to_lowercase();
        // A switch given as a value (`transfer_drive_to: "it-archive@…"`, `revoke_access:
        // "immediate"`) is on.
        let valued = value.as_str().is_some_and(|s| {
            let s = s.trim().to_lowercase();
            !s.is_empty()
                && !["false", "no", "none", "never", "off", "null", "0"].contains(&s.as_str())
                && !s.starts_with("non")
                && !s.starts_with("no ")
                && !s.starts_with("not")
                && VALUED_SWITCHES.iter().any(|v| name.starts_with(v))
                // `refund_policy` describes, it does not switch.
                && !["policy", "type", "status", "reason", "mode", "rule"]
                    .iter()
                    .any(|t| name.ends_with(t))
        });
        let Some(on) = value.as_bool().or(valued.then_some(true)) else {
            continue;
        };
        let parts: Vec<&str> = name
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| !p.is_empty())
            .collect();
        if parts.iter().any(|p| SUPPRESSING.contains(p)) {
            continue;
        }
        for concept in parts
            .iter()
            .copied()
            // The action's own verb (`delete` of `hard_delete`) is judged as its effect.
            .filter(|p| {
                p.len() >= 4 && !FILLER.contains(p) && !key.action_tokens.iter().any(|t| t == p)
            })
        {
            let said = |w: &String| forms(concept).iter().any(|f| matches(w, f));
            // `invalidate_previous`, `alarm_suppressed`: the other part said to stay valid or
            // active ("keeps the previous version valid", "the alarm stays fully active").
            let others: Vec<&str> = parts
                .iter()
                .copied()
                .filter(|p| *p != concept && p.len() >= 4 && !FILLER.contains(p))
                .collect();
            if on
                && STATE_ENDERS.iter().any(|s| concept.starts_with(s))
                && sentences.iter().any(|words| {
                    words.iter().any(|w| others.iter().any(|o| matches(w, o)))
                        && words.iter().enumerate().any(|(i, w)| {
                            STILL_ON.contains(&w.as_str()) && !denied_before(words, i)
                        })
                        && !words.iter().any(said)
                })
            {
                return Some(DENIED.to_owned());
            }
            for words in sentences {
                for (i, w) in words.iter().enumerate() {
                    if on
                        && opposite_forms(concept).iter().any(|f| matches(w, f))
                        && !denied(words, i)
                    {
                        return Some(OPPOSITE.to_owned());
                    }
                    if !said(w) {
                        continue;
                    }
                    if on && denied(words, i) {
                        return Some(DENIED.to_owned());
                    }
                    if !on
                        && SIDE_EFFECTS.contains(&concept)
                        && !denied(words, i)
                        && !plain.iter().any(|x| x == "false")
                    {
                        return Some(OPPOSITE.to_owned());
                    }
                }
            }
        }
    }
    None
}

/// Argument names that switch something on by naming where or how (`transfer_to`,
/// `notify_email`, `revoke_access: "immediate"`).
const VALUED_SWITCHES: &[&str] = &[
    "transfer", "notify", "forward", "revoke", "refund", "release", "archive", "invite", "copy",
];

/// Flag words that end a state (`invalidate_previous`, `alarm_suppressed`, `revoke_sessions`).
const STATE_ENDERS: &[&str] = &[
    "invalidat",
    "revok",
    "suppress",
    "disabl",
    "deactivat",
    "mute",
    "silenc",
    "expir",
    "kill",
];

/// Words saying a state goes on.
const STILL_ON: &[&str] = &[
    "valid", "active", "enabled", "armed", "working", "live", "audible", "alive", "usable",
];

pub(super) const DENIED: &str =
    "the explanation says something the action does will not happen; describe what it really does";
const OPPOSITE: &str = "the explanation describes the opposite of what the action does";

/// A write mode told the other way: appending described as overwriting, or the reverse.
fn mode_failure(key: &TeachBackKey, sentences: &[Vec<String>]) -> Option<String> {
    let kwargs = key.kwargs()?;
    let mode = |m: &str| {
        kwargs.iter().any(|(k, v)| {
            let k = k.to_lowercase();
            (k == m && v == &Value::Bool(true))
                || (["mode", "write_mode", "operation"].contains(&k.as_str())
                    && v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(m)))
        })
    };
    let wrong: &[&str] = if mode("append") {
        &["overwrit", "replac", "clobber", "truncat"]
    } else if mode("overwrite") || mode("replace") {
        &["append"]
    } else {
        return None;
    };
    sentences
        .iter()
        .any(|words| {
            words
                .iter()
                .enumerate()
                .any(|(i, w)| wrong.iter().any(|f| matches(w, f)) && !denied(words, i))
        })
        .then(|| OPPOSITE.to_owned())
}

const RAISE: &[&str] = &[
    "rais", "increas", "hike", "markup", "boost", "bump", "grow", "plus$", "doubl", "tripl",
    "twice",
];
const LOWER: &[&str] = &[
    "lower", "decreas", "reduc", "cut", "cuts", "discount", "subtract", "deduct", "minus$", "drop",
    "drops", "markdown",
];

/// The sign of a change told the other way: "raises" for a negative adjustment, "subtracts"
/// for `SET balance = balance + 50000`.
fn sign_failure(key: &TeachBackKey, sentences: &[Vec<String>]) -> Option<String> {
    let mut signs: Vec<bool> = Vec::new();
    if let Some(kwargs) = key.kwargs() {
        for (k, v) in kwargs {
            let k = k.to_lowercase();
            if ["adjust", "change", "delta", "increment"]
                .iter()
                .any(|p| k.contains(p))
                && let Some(n) = v.as_f64()
                && n != 0.0
            {
                signs.push(n > 0.0);
            }
        }
    }
    // `current_dose_mg: 5, new_dose_mg: 7.5`: the change goes from the old value to the new.
    if let Some(kwargs) = key.kwargs() {
        let value = |prefixes: &[&str], rest: &str| {
            kwargs.iter().find_map(|(k, v)| {
                let k = k.to_lowercase();
                prefixes
                    .iter()
                    .any(|p| k.strip_prefix(p) == Some(rest))
                    .then(|| v.as_f64())
                    .flatten()
            })
        };
        for (k, v) in kwargs {
            let k = k.to_lowercase();
            if let Some(rest) = k.strip_prefix("new_")
                && let Some(new) = v.as_f64()
                && let Some(old) = value(&["current_", "old_", "previous_"], rest)
                && new != old
            {
                signs.push(new > old);
            }
        }
    }
    // `SET x = x + 5`, `x = x - 5`.
    let mut dump = key.argument_dump.clone();
    for op in ["=", "+", "-", "*", "/"] {
        dump = dump
            .replace(&format!(" {op}"), op)
            .replace(&format!("{op} "), op);
    }
    for (i, _) in dump.match_indices('=') {
        let after = &dump[i + 1..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.len() < 2 || name.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let before: String = dump[..i]
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if before != name {
            continue;
        }
        let rest = &after[name.len()..];
        let factor = || {
            rest[1..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect::<String>()
                .parse::<f64>()
                .ok()
        };
        match rest.chars().next() {
            Some('+') => signs.push(true),
            Some('-') => signs.push(false),
            // `price = price * 0.5`, `x = x / 2`.
            Some('*') => signs.extend(factor().filter(|f| *f != 1.0).map(|f| f > 1.0)),
            Some('/') => signs.extend(factor().filter(|f| *f > 1.0).map(|_| false)),
            _ => {}
        }
    }
    if signs.is_empty() || signs.iter().any(|s| *s != signs[0]) {
        return None;
    }
    let wrong = if signs[0] { LOWER } else { RAISE };
    let right = if signs[0] { RAISE } else { LOWER };
    let says = |forms: &[&str]| {
        sentences.iter().any(|words| {
            words
                .iter()
                .enumerate()
                .any(|(i, w)| forms.iter().any(|f| matches(w, f)) && !denied(words, i))
        })
    };
    (says(wrong) && !says(right)).then(|| OPPOSITE.to_owned())
}

/// `Unrestricted` told as "restricted", `unlimited` as "limited".
fn un_prefix_failure(key: &TeachBackKey, sentences: &[Vec<String>]) -> Option<String> {
    // The action's name counts too (`aws_elbv2_deregister_targets`).
    let dump_words: Vec<&str> = key
        .argument_dump
        .split(|c: char| !c.is_alphanumeric())
        .chain(key.action_tokens.iter().map(String::as_str))
        .filter(|w| !w.is_empty())
        .collect();
    for w in &dump_words {
        // `un…` for any longer word; `de…`/`dis…` only for the verbs they undo.
        let (base, known) = match w.strip_prefix("un") {
            Some(b) => (b, UNDONE.contains(&b)),
            None => match w.strip_prefix("de").or_else(|| w.strip_prefix("dis")) {
                Some(b) if UNDONE.contains(&b) => (b, true),
                _ => continue,
            },
        };
        if (base.len() < 5 && !known) || dump_words.contains(&base) {
            continue;
        }
        // "registers", "registered" for `register`.
        let inflected = |x: &str| {
            x == base
                || (x.starts_with(base)
                    && ["s", "es", "ed", "d", "ing", "ion", "ions"].contains(&&x[base.len()..]))
        };
        let mut said_base = false;
        let mut said_un = false;
        for words in sentences {
            for (i, x) in words.iter().enumerate() {
                if x.starts_with(w) {
                    said_un = true;
                } else if inflected(x) && !denied(words, i) {
                    said_base = true;
                }
            }
        }
        if said_base && !said_un {
            return Some(
                "the explanation states a value that is not part of this action".to_owned(),
            );
        }
    }
    None
}

/// Verbs whose `un`, `de` or `dis` form undoes them (`deregister`, `disarm`, `unmute`).
const UNDONE: &[&str] = &[
    "register",
    "activate",
    "authorize",
    "authorise",
    "connect",
    "enroll",
    "enrol",
    "provision",
    "assign",
    "install",
    "mount",
    "subscribe",
    "publish",
    "approve",
    "arm",
    "mute",
    "follow",
    "suspend",
];

/// Whether the action switches something on (`Some(true)`) or off: `state off`, `"on": true`,
/// `"enabled": false`.
fn switched(key: &TeachBackKey) -> Option<bool> {
    let mut on = None;
    if let Some(m) = key.kwargs() {
        for (k, v) in m {
            let k = k.to_lowercase();
            if ![
                "on", "enabled", "enable", "active", "state", "status", "power", "command",
            ]
            .contains(&k.as_str())
            {
                continue;
            }
            match v {
                Value::Bool(b) => on = Some(*b),
                Value::String(s) => match s.to_lowercase().as_str() {
                    "on" | "enabled" | "active" => on = Some(true),
                    "off" | "disabled" | "inactive" => on = Some(false),
                    _ => {}
                },
                _ => {}
            }
        }
    }
    let dump = &key.argument_dump;
    if dump.contains("state off") {
        on = Some(false);
    } else if dump.contains("state on") {
        on = Some(true);
    }
    on
}

/// Verbs whose particle `on` or `off` says the direction ("turns the firewall on").
const SWITCH_VERBS: &[&str] = &[
    "turn",
    "turns",
    "turned",
    "turning",
    "switch",
    "switches",
    "switched",
    "switching",
    "flip",
    "flips",
    "flipped",
    "toggle",
    "toggles",
    "toggled",
    "back",
];

/// "turns the firewall on", "switched off": a verb with its particle `on` or `off`.
fn says_switched(words: &[String], to: &str) -> bool {
    words.iter().enumerate().any(|(i, w)| {
        SWITCH_VERBS.contains(&w.as_str())
            && words[i + 1..words.len().min(i + 6)].iter().any(|x| x == to)
            && !denied_before(words, i)
    })
}

/// Switching on told as switching off, or the reverse.
fn switch_failure(key: &TeachBackKey, sentences: &[Vec<String>]) -> Option<String> {
    let on = switched(key)?;
    let (right, wrong) = if on { ("on", "off") } else { ("off", "on") };
    let says = |to: &str| sentences.iter().any(|s| says_switched(s, to));
    (says(wrong) && !says(right)).then(|| OPPOSITE.to_owned())
}

/// A list the action includes (`include: ["comments"]`, `attachments: [...]`) said to be
/// left out ("without any comments", "nothing is attached").
fn list_failure(key: &TeachBackKey, sentences: &[Vec<String>]) -> Option<String> {
    let kwargs = key.kwargs()?;
    for (k, v) in kwargs {
        let Some(items) = v.as_array().filter(|a| !a.is_empty()) else {
            continue;
        };
        let k = k.to_lowercase();
        let concepts: Vec<String> = if [
            "include", "includes", "fields", "sections", "expand", "with",
        ]
        .contains(&k.as_str())
        {
            items
                .iter()
                .filter_map(Value::as_str)
                .flat_map(|s| {
                    s.to_lowercase()
                        .split(|c: char| !c.is_alphanumeric())
                        .filter(|p| p.len() >= 5)
                        .map(|p| p.trim_end_matches('s').to_owned())
                        .collect::<Vec<_>>()
                })
                .collect()
        } else if k.starts_with("attachment") {
            vec!["attach".to_owned()]
        } else {
            continue;
        };
        for words in sentences {
            for (i, w) in words.iter().enumerate() {
                if concepts.iter().any(|c| matches(w, c)) && denied(words, i) {
                    return Some(DENIED.to_owned());
                }
            }
        }
        // `sections: [...]` told as "every section": the list is a part, not the whole.
        let noun = k.trim_end_matches('s');
        if noun.len() >= 4
            && sentences.iter().any(|words| {
                words.windows(2).any(|p| {
                    ["every", "all", "each"].contains(&p[0].as_str()) && p[1].starts_with(noun)
                })
            })
        {
            return Some(
                "the explanation overstates or misstates how much the action affects (its scope)"
                    .to_owned(),
            );
        }
    }
    None
}

/// Every check of this module, in order; `None` when the explanation passes them.
pub(super) fn argument_failure(
    key: &TeachBackKey,
    plain: &[String],
    lower: &str,
) -> Option<String> {
    let sentences: Vec<Vec<String>> = lower
        .split(['.', ';', ':', '!', '?', '\n', ',', '(', ')'])
        .map(explain::plain_words)
        .collect();
    // "one time per day" is a frequency, not a single occurrence.
    let once = |p: &str| {
        lower.match_indices(p).any(|(i, _)| {
            let next = explain::plain_words(&lower[i + p.len()..]);
            !next.first().is_some_and(|n| {
                ["per", "a", "each", "every", "daily", "weekly", "monthly"].contains(&n.as_str())
            })
        })
    };
    if (scope_words::recurring(key)
        && [
            "one-off",
            "one-time",
            "one time",
            "one off",
            "only once",
            "just once",
            "non-recurring",
            "single payment",
            "single transfer",
        ]
        .iter()
        .any(|p| once(p)))
        || (scope_words::several(key) && scope_words::narrows_to_one(plain))
        || (super::dates::spans_days(key)
            && [
                "one day",
                "a single day",
                "same day",
                "for a day",
                "one night",
                "a single night",
            ]
            .iter()
            .any(|p| lower.contains(p)))
    {
        return Some(
            "the explanation understates how much the action affects (its scope)".to_owned(),
        );
    }
    flag_failure(key, plain, &sentences)
        .or_else(|| mode_failure(key, &sentences))
        .or_else(|| sign_failure(key, &sentences))
        .or_else(|| un_prefix_failure(key, &sentences))
        .or_else(|| super::lookalike::lookalike_failure(key, lower))
        .or_else(|| {
            super::lookalike::other_drive(key, lower).then(|| {
                "the explanation names something that is not part of this action".to_owned()
            })
        })
        .or_else(|| switch_failure(key, &sentences))
        .or_else(|| super::roles::refspec_reversed(key, lower))
        .or_else(|| super::roles::switch_off_told_on(key, &sentences))
        .or_else(|| super::roles::change_reversed(key, lower))
        .or_else(|| super::roles::replacement_reversed(key, lower))
        .or_else(|| super::grades::graded_failure(key, lower))
        .or_else(|| super::statements::statement_reversed(key, lower))
        .or_else(|| super::statements::age_reversed(key, lower))
        .or_else(|| super::statements::limited_told_whole(key, lower))
        .or_else(|| super::statements::scaled_to_zero_told_running(key, lower))
        .or_else(|| super::nested_flags::switched_off_told_on(key, lower))
        .or_else(|| super::nested_flags::switched_on_told_off(key, lower))
        .or_else(|| super::misreadings::refspec_push_misread(key, lower))
        .or_else(|| super::misreadings::void_misread(key, lower))
        .or_else(|| super::misreadings::set_password_misread(key, lower))
        .or_else(|| super::misreadings::period_misread(key, lower))
        .or_else(|| super::misreadings::overwrite_told_as_append(key, lower))
        .or_else(|| super::roles::target_denied(key, lower))
        .or_else(|| super::roles::recipient_as_source(key, lower))
        .or_else(|| list_failure(key, &sentences))
        .or_else(|| denials::untouched_failure(key, &sentences))
        .or_else(|| denials::included_kept(key, lower))
        .or_else(|| denials::unchanged_failure(key, &sentences))
        .or_else(|| denials::no_real_effect(key, lower))
        .or_else(|| denials::nothing_happens(key, lower))
        .or_else(|| denials::undo_claimed(key, lower))
        .or_else(|| scope_words::widens_to_all(key, &sentences))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ActionContext;

    use crate::challenge::teach_back_key::key_for as key;

    #[test]
    fn the_sign_of_a_change() {
        let k = key(&ActionContext::new("execute_sql").with_kwarg(
            "query",
            "UPDATE accounts SET balance = balance + 50000 WHERE account_id = 3319",
        ));
        let judge = |t: &str| {
            let lower = t.to_lowercase();
            argument_failure(&k, &explain::plain_words(&lower), &lower)
        };
        assert!(judge("Subtracts 50,000 from the balance of account 3319, lowering it.").is_some());
        assert!(judge("Adds 50,000 to the balance of account 3319, raising it.").is_none());
    }

    #[test]
    fn switched_on_side_effects_said_not_to_happen() {
        let k = key(&ActionContext::new("shopify_cancel_orders")
            .with_kwarg("status", "unfulfilled")
            .with_kwarg("refund", true)
            .with_kwarg("notify_customer", true));
        let judge = |t: &str| {
            let lower = t.to_lowercase();
            argument_failure(&k, &explain::plain_words(&lower), &lower)
        };
        assert!(judge("Cancels the orders but does not refund anyone.").is_some());
        assert!(judge("Cancels the orders without informing the customers.").is_some());
        assert!(judge("Cancels the orders, refunds them and notifies each customer.").is_none());
        let quiet = key(&ActionContext::new("reset_user_password")
            .with_kwarg("user", "cfo@acme.com")
            .with_kwarg("notify_user", false));
        let lower = "resets the password and sends the cfo a notification.";
        assert!(argument_failure(&quiet, &explain::plain_words(lower), lower).is_some());
        let lower = "resets the password; the cfo is not notified.";
        assert!(argument_failure(&quiet, &explain::plain_words(lower), lower).is_none());
    }

    #[test]
    fn appending_is_not_overwriting_and_untouched_is_not_deleted() {
        let k = key(&ActionContext::new("write_file")
            .with_kwarg("path", "/home/dev/.ssh/authorized_keys")
            .with_kwarg("mode", "append"));
        let lower = "overwrites authorized_keys with one key.";
        assert!(argument_failure(&k, &explain::plain_words(lower), lower).is_some());
        let lower = "appends a key to authorized_keys.";
        assert!(argument_failure(&k, &explain::plain_words(lower), lower).is_none());
        let k = key(&ActionContext::new("hubspot_delete_contacts").with_kwarg("list_id", "7781"));
        let lower = "removes them from list 7781 but keeps the contacts untouched.";
        assert!(argument_failure(&k, &explain::plain_words(lower), lower).is_some());
    }

    #[test]
    fn switched_on_told_as_off() {
        let k = key(&ActionContext::new("launchdarkly_update_flag")
            .with_kwarg("flagKey", "disable-fraud-checks")
            .with_kwarg("on", true));
        let judge = |t: &str| {
            let lower = t.to_lowercase();
            argument_failure(&k, &explain::plain_words(&lower), &lower)
        };
        assert!(judge("Turns off the disable-fraud-checks flag in production.").is_some());
        assert!(judge("Turns on the disable-fraud-checks flag in production.").is_none());
    }
}
