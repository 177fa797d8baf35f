//! What the action's arguments say about who and what plays which part: a refspec pushes its
//! source onto its destination, and a rule switched off (`enforce_admins: false`,
//! `required_approving_review_count: 0`) is not in force.

use super::arguments::denied_before;
use super::explain;
use super::teach_back::TeachBackKey;
use serde_json::Value;

const OPPOSITE: &str = "the explanation describes the opposite of what the action does";

/// Verbs that open a switch's name (`enforce_admins`, `require_signed_commits`,
/// `send_notification`), as word prefixes.
const SWITCH_VERBS: &[&str] = &[
    "enforc", "requir", "dismiss", "allow", "enabl", "forc", "send", "notif", "includ", "lock",
    "protect", "restrict", "block", "verif", "retain", "keep",
];

/// A refspec `src:dst` told the other way round: the source named as where the push goes
/// ("pushes main onto feature/x" for `feature/x:main`).
pub(super) fn refspec_reversed(key: &TeachBackKey, lower: &str) -> Option<String> {
    for g in &key.key_terms {
        let Some(spec) = g.label.strip_prefix("branch: ") else {
            continue;
        };
        let Some((src, dst)) = spec.split_once(':') else {
            continue;
        };
        let (src, dst) = (
            src.trim_start_matches('+').to_lowercase(),
            dst.to_lowercase(),
        );
        if src.is_empty() || dst.is_empty() || src == dst {
            continue;
        }
        let goes_to = |name: &str| {
            ["onto", "over", "into", "to"].iter().any(|p| {
                [format!(" {p} {name}"), format!(" {p} the {name}")]
                    .iter()
                    .any(|s| {
                        lower.match_indices(s.as_str()).any(|(i, _)| {
                            !lower[i + s.len()..].starts_with(|c: char| c.is_alphanumeric())
                        })
                    })
            })
        };
        if goes_to(&src) && !goes_to(&dst) {
            return Some(OPPOSITE.to_owned());
        }
    }
    None
}

/// A switch the action turns off (`false`, or a required count of 0) told as on: its verb and
/// its object stated together, not denied ("enforces the rules on admins" for
/// `enforce_admins: false`).
pub(super) fn switch_off_told_on(key: &TeachBackKey, sentences: &[Vec<String>]) -> Option<String> {
    let kwargs = key.kwargs()?;
    for (name, value) in kwargs {
        let off = value == &Value::Bool(false) || value.as_f64() == Some(0.0);
        if !off {
            continue;
        }
        let tokens = super::text::identifier_tokens(name);
        let Some((verb, rest)) = tokens.split_first() else {
            continue;
        };
        let Some(stem) = SWITCH_VERBS.iter().find(|s| verb.starts_with(*s)) else {
            continue;
        };
        // A number is off only when it counts what is required (`required_…_count: 0`).
        if value.is_number() && !tokens.iter().any(|t| t == "count" || t == "number") {
            continue;
        }
        let objects: Vec<String> = rest
            .iter()
            .filter(|t| t.len() >= 4 && !["count", "number"].contains(&t.as_str()))
            .map(|t| t.trim_end_matches('s').to_owned())
            .collect();
        if objects.is_empty() {
            continue;
        }
        let told_on = sentences.iter().any(|words| {
            words
                .iter()
                .enumerate()
                .any(|(i, w)| w.starts_with(stem) && !denied_before(words, i))
                && words
                    .iter()
                    .any(|w| objects.iter().any(|o| w.starts_with(o.as_str())))
                && !words
                    .iter()
                    .any(|w| ["no", "without", "zero", "none", "nobody"].contains(&w.as_str()))
        });
        if told_on {
            return Some(OPPOSITE.to_owned());
        }
    }
    None
}

/// Whom the action sends to told as where things come from ("forwards emails from
/// mailbox-sync@…" for `forward_to: mailbox-sync@…`): the direction reversed.
pub(super) fn recipient_as_source(key: &TeachBackKey, lower: &str) -> Option<String> {
    // The values of keys that say where things go (`to`, `forward_to`, `recipients`).
    fn destinations(v: &Value, out: &mut Vec<String>, depth: usize) {
        let Some(map) = v.as_object().filter(|_| depth < 8) else {
            return;
        };
        for (k, v) in map {
            let tokens = super::text::identifier_tokens(k);
            let goes = tokens.iter().any(|t| {
                ["to", "recipient", "recipients", "destination", "forward"].contains(&t.as_str())
            });
            match v {
                Value::String(s) if goes => out.push(s.to_lowercase()),
                Value::Array(items) if goes => {
                    out.extend(
                        items
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_lowercase),
                    );
                }
                _ => destinations(v, out, depth + 1),
            }
        }
    }
    let mut targets = Vec::new();
    if let Some(kwargs) = key.arguments.get("kwargs") {
        destinations(kwargs, &mut targets, 0);
    }
    let reversed = targets
        .iter()
        .filter(|p| p.len() >= 5 && p.contains('@'))
        .any(|p| {
            lower.contains(&format!("from {p}"))
                && !lower.contains(&format!("to {p}"))
                && !lower.contains(&format!("with {p}"))
        });
    reversed.then(|| OPPOSITE.to_owned())
}

/// A target of the action said not to be it ("…, not root's" for `/root/.ssh/…`,
/// "instead of main" for a push to main).
pub(super) fn target_denied(key: &TeachBackKey, lower: &str) -> Option<String> {
    let mut parts: Vec<String> = key
        .key_terms
        .iter()
        .filter(|g| g.category == super::teach_back::KeyTermCategory::Target)
        .filter_map(|g| g.phrases.first())
        .flat_map(|p| {
            p.split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() >= 4)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    parts.sort_unstable();
    parts.dedup();
    let denied = parts.iter().any(|w| {
        ["not ", "not the ", "instead of ", "rather than "]
            .iter()
            .any(|d| {
                let s = format!("{d}{w}");
                lower.match_indices(s.as_str()).any(|(i, _)| {
                    let rest = &lower[i + s.len()..];
                    !rest.starts_with(|c: char| c.is_alphanumeric())
                        && !lower[..i].ends_with(|c: char| c.is_alphanumeric())
                })
            })
    });
    denied.then(|| "the explanation names something that is not part of this action".to_owned())
}

/// "read-only" or "SELECT" for an action that gives write, owner or full rights.
pub(super) fn read_only_for_write(key: &TeachBackKey, lower: &str) -> Option<String> {
    // "read-only" for an action that gives write or owner rights.
    let grants_write = [
        "\"writer\"",
        "\"editor\"",
        "\"owner\"",
        "roles/owner",
        "roles/editor",
        "\"admin\"",
        "write",
        // `permission=admin` in a command, `"rw"` for read-write.
        "=admin",
        "=maintain",
        "=owner",
        "\"rw\"",
        "read-write",
        // `GRANT ALL PRIVILEGES`, `AdministratorAccess`, a Vault `root` policy.
        "all privileges",
        "administratoraccess",
        "fullaccess",
        "\"root\"",
    ]
    .iter()
    .any(|r| key.argument_dump.contains(r));
    if grants_write
        && [
            "read-only",
            "read only",
            "readonly",
            "view-only",
            "view only",
            "read permission",
            "read access",
            "view access",
            "read rights",
            "can only read",
            "can only view",
            "select on",
            "select access",
            "select rights",
        ]
        .iter()
        .any(|p| {
            lower.match_indices(p).any(|(i, _)| {
                let before = explain::plain_words(&lower[..i]);
                // "the supposedly read-only role", "the 'read only' role": the grantee's name.
                let names_role = lower[i + p.len()..]
                    .trim_start_matches(['\'', '"', ' ', '’'])
                    .starts_with("role")
                    || lower[..i].ends_with(['\'', '"', '‘']);
                !explain::negated(&before, before.len()) && !names_role
            })
        })
    {
        return Some("the explanation names a different role than the action's".to_owned());
    }
    None
}

/// Name parts that mark a value as what was there before, and as what comes after.
const BEFORE: &[&str] = &["previous", "old", "from", "current", "prior", "original"];
const AFTER: &[&str] = &["new", "to", "target", "updated"];

/// A change from one value to another (`previous_dose: 500 mg`, `dose: 1000 mg`;
/// `old_value`, `new_value`) told the other way round: "from 1000 mg to 500 mg".
pub(super) fn change_reversed(key: &TeachBackKey, lower: &str) -> Option<String> {
    let kwargs = key.kwargs()?;
    let first_word = |v: &Value| -> Option<String> {
        let s = v
            .as_str()
            .map(str::to_owned)
            .or_else(|| v.as_f64().map(|n| n.to_string()))?;
        let w = s.split_whitespace().next()?.to_lowercase();
        // A one-digit dose (`5 mg`) is a value too.
        (w.len() >= 2 || w.chars().all(|c| c.is_ascii_digit())).then_some(w)
    };
    // Thousands separators stay inside their number ("$489,000").
    let bytes = lower.as_bytes();
    let joined: String = lower
        .char_indices()
        .filter(|(i, c)| {
            !(*c == ','
                && *i > 0
                && bytes[i - 1].is_ascii_digit()
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        })
        .map(|(_, c)| c)
        .collect();
    let text_words: Vec<&str> = joined
        .split(|c: char| c.is_whitespace() || [',', ';', '(', ')'].contains(&c))
        .filter(|w| !w.is_empty())
        .chain(["", ""])
        .collect();
    // A word that is the value: it starts with it, or, for a number, states it in any common
    // format ("$489,000", "489k" for 489000).
    let is_value = |word: &str, value: &str| {
        let word = word.trim_end_matches('.');
        word.starts_with(value)
            || value.parse::<f64>().is_ok_and(|v| {
                super::numbers::numbers_in(word)
                    .iter()
                    .any(|n| super::text::amounts_equal(*n, v))
            })
    };
    // The value right after "from" and right after "to" (skipping "the").
    let after = |marker: &str, value: &str| {
        text_words.windows(3).any(|w| {
            w[0] == marker && (is_value(w[1], value) || (w[1] == "the" && is_value(w[2], value)))
        })
    };
    for (name, old) in kwargs {
        let tokens = super::text::identifier_tokens(name);
        // A shop's `compare_at_price` is the price before the markdown.
        let Some(rest) = tokens
            .strip_prefix(&["compare".to_owned(), "at".to_owned()])
            .or_else(|| {
                tokens
                    .split_first()
                    .filter(|(t, _)| BEFORE.contains(&t.as_str()))
                    .map(|(_, r)| r)
            })
        else {
            continue;
        };
        // The new value: the same name without the marker, or with an after-marker.
        let new = kwargs.iter().find(|(n, _)| {
            let t = super::text::identifier_tokens(n);
            t.as_slice() == rest
                || t.split_first()
                    .is_some_and(|(m, r)| AFTER.contains(&m.as_str()) && r == rest)
        });
        let (Some(old), Some((_, new))) = (first_word(old), new) else {
            continue;
        };
        let Some(new) = first_word(new) else { continue };
        if old != new && after("from", &new) && after("to", &old) {
            return Some(OPPOSITE.to_owned());
        }
    }
    None
}

/// The words of a text as values: letters, digits, dots and dashes (`debug=true` is `debug`,
/// `true`).
fn value_tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-'))
        .map(|t| t.trim_matches(['.', '-']).to_lowercase())
        .filter(|t| !t.is_empty())
        .collect()
}

/// What an edit replaces and with what: the first words that differ between an edit's old and
/// new text (`max_connections: 100` → `10`), and a `sed` substitution's (`s/DEBUG=false/DEBUG=true/`).
fn replacements(key: &TeachBackKey) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut first_difference = |old: &str, new: &str| {
        let (a, b) = (value_tokens(old), value_tokens(new));
        if let Some((x, y)) = a.iter().zip(&b).find(|(x, y)| x != y)
            && x.len() <= 24
            && y.len() <= 24
        {
            out.push((x.clone(), y.clone()));
        }
    };
    if let Some(kwargs) = key.kwargs() {
        let text = |k: &str| kwargs.get(k).and_then(Value::as_str);
        if let (Some(old), Some(new)) = (text("old_string"), text("new_string"))
            && old.len() <= 2048
            && new.len() <= 2048
        {
            first_difference(old, new);
        }
        for v in kwargs
            .values()
            .filter_map(Value::as_str)
            .filter(|v| v.len() <= 4096)
        {
            // `sed -i 's/old/new/' file`: any delimiter right after the `s`.
            for (at, _) in v
                .match_indices("s/")
                .chain(v.match_indices("s|"))
                .chain(v.match_indices("s#"))
            {
                if at > 0
                    && v[..at]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphanumeric)
                {
                    continue;
                }
                let delimiter = v[at + 1..].chars().next().unwrap_or('/');
                let parts: Vec<&str> = v[at + 2..].splitn(3, delimiter).collect();
                if parts.len() == 3 {
                    first_difference(parts[0].trim_start_matches('^'), parts[1]);
                }
            }
        }
        // `UPDATE … SET plan = 'free' WHERE plan = 'pro'`: from pro to free.
        for v in kwargs
            .values()
            .filter_map(Value::as_str)
            .filter(|v| v.len() <= 4096)
        {
            out.extend(set_over_filter(v));
        }
    }
    out
}

/// The columns a statement sets to another quoted value than the one it selects them by:
/// `UPDATE s SET plan = 'free' WHERE plan = 'pro'` changes `pro` to `free`.
fn set_over_filter(sql: &str) -> Vec<(String, String)> {
    let lower = sql.to_lowercase();
    let (Some(set_at), Some(where_at)) = (lower.find(" set "), lower.find(" where ")) else {
        return Vec::new();
    };
    if set_at > where_at {
        return Vec::new();
    }
    let assignments = |part: &str| -> Vec<(String, String)> {
        part.split(',')
            .flat_map(|p| p.split(" and "))
            .filter_map(|p| {
                let (col, val) = p.split_once('=')?;
                let value = val.trim().strip_prefix('\'')?.split('\'').next()?;
                Some((col.trim().to_owned(), value.to_owned()))
            })
            .collect()
    };
    let set = assignments(&lower[set_at + 5..where_at]);
    let filter = assignments(&lower[where_at + 7..]);
    set.into_iter()
        .filter_map(|(col, new)| {
            let (_, old) = filter.iter().find(|(c, _)| *c == col)?;
            (old != &new && !old.is_empty() && !new.is_empty()).then(|| (old.clone(), new))
        })
        .collect()
}

/// An edit or substitution told the other way round: "switches DEBUG=true to DEBUG=false" for
/// `s/DEBUG=false/DEBUG=true/`, or "sets it to no" when it sets `no` to `yes`.
pub(super) fn replacement_reversed(key: &TeachBackKey, lower: &str) -> Option<String> {
    let pairs = replacements(key);
    if pairs.is_empty() {
        return None;
    }
    let lower = lower.replace("->", " to ").replace('→', " to ");
    for sentence in lower.split(['.', ';', '!', '?', '\n']) {
        let words = value_tokens(sentence);
        for (old, new) in &pairs {
            let says_new = words.iter().any(|w| w == new);
            let reversed = words.iter().enumerate().any(|(i, w)| {
                if w != "to" {
                    return false;
                }
                let next = &words[i + 1..words.len().min(i + 3)];
                // The new value said before "to … old" in the sentence, and not after.
                next.iter().any(|n| n == old)
                    && !words[i..].iter().any(|n| n == new)
                    && (words[..i].iter().any(|b| b == new)
                        || (!says_new && words.get(i + 1) == Some(old)))
            });
            if reversed {
                return Some(OPPOSITE.to_owned());
            }
        }
    }
    switch_told_backwards(&pairs, &lower)
}

/// Values that switch a setting on, and off.
const SWITCH_ON: &[&str] = &["yes", "true", "on", "enabled", "enable", "allow"];
const SWITCH_OFF: &[&str] = &["no", "false", "off", "disabled", "disable", "deny"];

/// An edit that switches a setting on (`PermitRootLogin no` → `yes`) told as turning it off
/// ("disables root login", "hardening"), or the other way round.
fn switch_told_backwards(pairs: &[(String, String)], lower: &str) -> Option<String> {
    let turns_on = pairs
        .iter()
        .any(|(o, n)| SWITCH_OFF.contains(&o.as_str()) && SWITCH_ON.contains(&n.as_str()));
    let turns_off = pairs
        .iter()
        .any(|(o, n)| SWITCH_ON.contains(&o.as_str()) && SWITCH_OFF.contains(&n.as_str()));
    if turns_on == turns_off {
        return None;
    }
    let plain = super::explain::plain_words(lower);
    // Word starts, or whole phrases.
    let says = |cues: &[&str]| {
        cues.iter().any(|c| {
            if c.contains(' ') {
                lower.contains(c)
            } else {
                plain.iter().enumerate().any(|(i, w)| {
                    w.starts_with(c) && !w.contains("root") && !super::explain::negated(&plain, i)
                })
            }
        })
    };
    const ON: &[&str] = &[
        "enabl",
        "allow",
        "turns on",
        "turn on",
        "switches on",
        "re-enabl",
        "reenabl",
        "opens up",
        "permits ",
    ];
    const OFF: &[&str] = &[
        "disabl",
        "forbid",
        "turns off",
        "turn off",
        "switches off",
        "harden",
        "prevent",
        "block",
    ];
    let (wrong, right) = if turns_on { (OFF, ON) } else { (ON, OFF) };
    (says(wrong) && !says(right)).then(|| OPPOSITE.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenge::explain::plain_words;
    use crate::challenge::teach_back::{KeyTermCategory, KeyTermGroup};
    use serde_json::json;

    fn key(kwargs: Value, terms: Vec<KeyTermGroup>) -> TeachBackKey {
        TeachBackKey {
            action: "x".into(),
            arguments: json!({ "args": [], "kwargs": kwargs }),
            min_words: 1,
            min_key_terms: 1,
            key_terms: terms,
            echo_tokens: vec![],
            argument_dump: String::new(),
            consequences: vec![],
            action_tokens: vec![],
            command_tokens: vec![],
            amounts: vec![],
            minor_unit_amounts: vec![],
            vocabulary: vec![],
        }
    }

    #[test]
    fn a_refspec_told_backwards_is_the_opposite() {
        let k = key(
            json!({}),
            vec![KeyTermGroup {
                category: KeyTermCategory::Target,
                label: "branch: feature/x:main".into(),
                phrases: vec![],
                stems: vec![],
                primary: true,
            }],
        );
        assert!(refspec_reversed(&k, "force-pushes main onto the feature/x branch").is_some());
        assert!(refspec_reversed(&k, "force-pushes feature/x onto main").is_none());
    }

    #[test]
    fn a_change_told_backwards_is_the_opposite() {
        let k = key(
            json!({"previous_dose": "500 mg", "dose": "1000 mg"}),
            vec![],
        );
        assert!(change_reversed(&k, "lowers the dose from 1000 mg to 500 mg.").is_some());
        assert!(change_reversed(&k, "raises the dose from 500 mg to 1000 mg.").is_none());
        let k = key(json!({"old_value": "GB29", "new_value": "LT60"}), vec![]);
        assert!(change_reversed(&k, "changes the account from gb29 to the lt60 iban").is_none());
        assert!(change_reversed(&k, "changes the account from lt60 to gb29").is_some());
        // Numbers in any common format.
        let k = key(
            json!({"previous_list_price": 515000, "new_list_price": 489000}),
            vec![],
        );
        for honest in [
            "cuts the price from $515,000 down to $489,000.",
            "lowers the price to $489k from $515k.",
        ] {
            assert!(change_reversed(&k, honest).is_none(), "{honest}");
        }
        for fake in [
            "raises the price from $489,000 up to $515,000.",
            "moves the price to $515k from $489k.",
        ] {
            assert!(change_reversed(&k, fake).is_some(), "{fake}");
        }
    }

    #[test]
    fn a_switch_turned_off_told_as_on_is_the_opposite() {
        let k = key(
            json!({"enforce_admins": false, "required_approving_review_count": 0}),
            vec![],
        );
        let says = |t: &str| switch_off_told_on(&k, &[plain_words(t)]).is_some();
        assert!(says("it enforces the rules on admins too"));
        assert!(says("requires approving reviews"));
        assert!(!says(
            "admins are no longer held to the rules, no review is required"
        ));
        assert!(!says("it does not enforce the rules on admins"));
    }
}
