//! Judging a teach-back explanation: is the effect stated (not negated, not reversed), is the
//! target named (and no other one), is the amount exact in any common format, and is the text
//! mostly about the action? Failure messages say what is missing, never the right answer.

use super::consequence::Consequence;
pub(crate) use super::verbs::verb_spec;
use super::vocab::{EXPLAIN_WORDS, NEGATIONS, STOPWORDS};

/// Effect words (prefixes; `$` = whole word) and opposite cues for one consequence.
pub(crate) struct EffectSpec {
    pub stems: Vec<&'static str>,
    pub opposites: Vec<&'static str>,
}

/// Making a backup: the opposite of destroying data.
const BACKUP_MADE: [&str; 7] = [
    "backs up",
    "makes a backup",
    "creates a backup",
    "takes a backup",
    "mak*backup",
    "tak*backup",
    "creat*backup",
];

pub(crate) fn effect_spec(c: Consequence, action_tokens: &[String]) -> EffectSpec {
    let has = |w: &str| action_tokens.iter().any(|t| t.starts_with(w));
    match c {
        Consequence::MoneyOut if has("refund") => EffectSpec {
            stems: [
                "refund", "pay", "paid", "money", "fund", "return", "back$", "goes$", "out$",
            ]
            .to_vec(),
            opposites: [
                "charged",
                "^charg",
                "^bill",
                "^collect",
                "pays us",
                "comes in",
                "money comes",
                "we receive",
                "we get",
            ]
            .to_vec(),
        },
        Consequence::MoneyOut => EffectSpec {
            stems: [
                "pay", "paid", "transfer", "wire", "send", "sent", "money", "fund", "payout",
                "withdr", "purchas", "spend", "leav", "out$", "goes$", "charg", "debit", "buys",
                "buy$",
            ]
            .to_vec(),
            opposites: [
                "refund",
                "we receive",
                "we get",
                "receive a",
                "^receiv",
                "incoming",
                "deposit",
                "credited",
                "comes in",
                "only checks",
                "checks the balance",
                "into our",
                "draft",
            ]
            .to_vec(),
        },
        Consequence::SecretKey => EffectSpec {
            stems: [
                "rotat", "delet", "destroy", "export", "revok", "replac", "expos", "schedul",
            ]
            .to_vec(),
            opposites: [].to_vec(),
        },
        Consequence::DataDestroyed => EffectSpec {
            stems: [
                "drop",
                "delet",
                "remov",
                "eras",
                "wipe",
                "truncat",
                "empt",
                "destroy",
                "purg",
                "gone",
                "updat",
                "chang",
                "overwrit",
                "set$",
                "sets$",
                "disappear",
                "lost",
            ]
            .to_vec(),
            opposites: [
                "creates",
                "create$",
                "creating",
                "reads",
                "read only",
                "only reads",
                "select only",
                "preview",
                "brand new",
                "adds a new",
                "add a new",
            ]
            .into_iter()
            .chain(BACKUP_MADE)
            .collect(),
        },
        Consequence::Deleted => EffectSpec {
            stems: [
                "delet",
                "remov",
                "eras",
                "wipe",
                "destroy",
                "purg",
                "unlink",
                "rm$",
                "gone",
                "disappear",
                "lost",
                "drop",
                "loses$",
                "lose$",
                "no longer",
                "nuk",
                "kill",
                "kick",
                "get rid",
                "gets rid",
            ]
            .to_vec(),
            opposites: [
                "creates",
                "create$",
                "creating",
                "restores",
                "back up",
                "makes a copy",
                "copies it",
                "copies the",
                "only lists",
                "lists",
                "read only",
                "preview",
                "brand new",
                "adds a new",
                "add a new",
            ]
            .into_iter()
            .chain(BACKUP_MADE)
            .collect(),
        },
        Consequence::SentOut => EffectSpec {
            stems: [
                "send",
                "sent",
                "mailed",
                "mails$",
                "mailing",
                "emailed",
                "emails$",
                "emailing",
                "shar",
                "forward",
                "upload",
                "transmit",
                "stream",
                "leav",
                "out$",
                "goes$",
                "gets$",
                "text$",
                "texts$",
                "texted",
                "texting",
                "blast",
                "broadcast",
                "invit",
                // Where it ends up: "the records go to an outside address".
                "go to",
                "goes to",
                // Saying something to someone: tells, replies, DMs, informs, announces, posts.
                "tell",
                "told",
                "reply$",
                "replies$",
                "replied$",
                "dm$",
                "dms$",
                "inform",
                "announc",
                "post$",
                "posts$",
                "posted$",
                "tweet",
            ]
            .to_vec(),
            opposites: [
                "draft",
                "stops sharing",
                "stop sharing",
                "unshar",
                "revok",
                "no longer",
            ]
            .to_vec(),
        },
        Consequence::Access if has("revok") || has("remov") || has("delet") => EffectSpec {
            stems: [
                "revok",
                "remov",
                "take",
                "takes",
                "lose",
                "loses",
                "access",
                "permission",
                "role",
            ]
            .to_vec(),
            opposites: ["grant", "gives", "give", "new access", "more permissions"].to_vec(),
        },
        Consequence::Access => EffectSpec {
            stems: [
                "grant",
                "give",
                "gives",
                "role",
                "permission",
                "access",
                "invit",
                "privileg",
                "rights",
                "token",
                "admin",
                "public",
                "expos",
                "open",
                "readable",
                "writable",
                "creat",
                // What the grantee can do from now on: "lets them read and post", "whole
                // company can now edit", "becomes owner".
                "lets$",
                "let$",
                "allow",
                "becom",
                "can now",
                "able to",
                "can read",
                "can edit",
                "can write",
                "can view",
                "can see",
                "can post",
                "can access",
                "can take",
                "can spend",
                "can use",
                "can do",
            ]
            .to_vec(),
            opposites: [
                "revok",
                "takes away",
                "lose access",
                "loses access",
                "lose their",
                "locks down",
                "lock down",
                "restrict",
            ]
            .to_vec(),
        },
        Consequence::Execute => EffectSpec {
            stems: ["run", "execut", "install", "appl", "migrat"].to_vec(),
            opposites: [].to_vec(),
        },
        Consequence::Stopped => EffectSpec {
            stems: [
                "stop", "kill", "shut", "halt", "down$", "offline", "zero", "terminat", "scal",
                "delet", "taking", "let go", "lets go", "fired$", "dismiss",
            ]
            .to_vec(),
            opposites: [
                "more replicas",
                "scale up",
                "scales up",
                "adds more",
                "nothing is stopped",
            ]
            .to_vec(),
        },
        Consequence::Deployed if has("rollback") || has("revert") => EffectSpec {
            stems: [
                "roll", "revert", "replac", "version", "older", "previous", "releas",
            ]
            .to_vec(),
            opposites: [
                "upgrad",
                "deploys the new",
                "rolls out",
                "roll out",
                "newer version",
            ]
            .to_vec(),
        },
        Consequence::Deployed => EffectSpec {
            stems: [
                "deploy",
                "releas",
                "ship",
                "rollout",
                "merg",
                "promot",
                "version",
                "updat",
                "upgrad",
                "replac",
                "live$",
                "scal",
                "rolls out",
                "roll out",
                "rolling out",
                "push",
            ]
            .to_vec(),
            opposites: [
                "rolls back",
                "roll back",
                "roll*back",
                "rollback",
                "revert",
                "downgrad",
                "nothing new",
                "back from",
                "back to the previous",
            ]
            .to_vec(),
        },
        Consequence::Overwritten => EffectSpec {
            stems: [
                "overwrit",
                "writ",
                "wrote",
                "replac",
                "move",
                "moving",
                "renam",
                "push",
                "chang",
                "updat",
                "modif",
                "regenerat",
                // The new state said outright: "the default card becomes pm_1", "will have a
                // daily limit of 25000".
                "becom",
                "will have",
                "now has",
                // A new value said against the old: "goes up from 5 mg to 10 mg", "will go to
                // the new account instead of the old one", "redirects the order".
                "goes up",
                "goes down",
                "instead of",
                "redirect",
            ]
            .to_vec(),
            opposites: ["pulls", "pull the", "read only", "only reads"].to_vec(),
        },
    }
}

pub(crate) fn edit_distance_le1(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        if i + 1 < a.len() && j + 1 < b.len() && a[i] == b[j + 1] && a[i + 1] == b[j] {
            i += 2;
            j += 2;
        } else if a.len() > b.len() {
            i += 1;
        } else if b.len() > a.len() {
            j += 1;
        } else {
            i += 1;
            j += 1;
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

/// Whether `word` is a form of `stem` (prefix, or `$`-exact), forgiving one typo in stems of at
/// least five letters.
pub(crate) fn stem_matches(word: &str, stem: &str) -> bool {
    if let Some(exact) = stem.strip_suffix('$') {
        return word == exact;
    }
    if word.starts_with(stem) {
        return true;
    }
    let n = stem.chars().count();
    if n >= 5 {
        let prefix: String = word.chars().take(n).collect();
        let longer: String = word.chars().take(n + 1).collect();
        return edit_distance_le1(&prefix, stem) || edit_distance_le1(&longer, stem);
    }
    false
}

/// Plain lowercase words (letters, digits, apostrophes) for effect and negation analysis.
pub(crate) fn plain_words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .map(|w| w.replace('’', "'"))
        .collect()
}

/// "could delete anything" describes a possibility, not what the action does; "until someone
/// starts it again" describes what undoes it.
pub(crate) fn hypothetical(words: &[String], at: usize) -> bool {
    words[at.saturating_sub(6)..at].iter().any(|w| {
        [
            "could", "can", "might", "may", "able", "until", "till", "untill", "unless", "if",
            "must", "need", "needs",
        ]
        .contains(&w.as_str())
    })
    // "has to be recreated", "have to restore it".
    || (at >= 2
        && words[at.saturating_sub(4)..at]
            .windows(2)
            .any(|p| ["has", "have", "had"].contains(&p[0].as_str()) && p[1] == "to"))
    // "everyone who pulls": someone else's doing.
    || (at >= 1
        && ["who", "whoever", "anyone", "everyone", "someone"]
            .contains(&words[at - 1].as_str()))
}

/// Whether the word at `at` is negated ("does not delete", "nothing … or removed").
pub(crate) fn negated(words: &[String], at: usize) -> bool {
    let is_negation = |w: &String| NEGATIONS.contains(&w.as_str()) || w.ends_with("n't");
    if words[at.saturating_sub(3)..at].iter().any(is_negation) {
        return true;
    }
    // "nothing gets deleted or removed": the negation reaches across `or` / `nor` / `and`.
    at >= 2 && ["or", "nor", "and"].contains(&words[at - 1].as_str()) && negated(words, at - 2)
}

/// "no containers, images or volumes are deleted": a negated subject reaches a passive verb of
/// its clause, unless a new subject or clause starts in between ("no undo, it is deleted").
fn passive_negated(lower: &str, at: usize) -> bool {
    const AUX: &[&str] = &[
        "are", "is", "was", "were", "be", "been", "get", "gets", "got", "getting",
    ];
    const STOP: &[&str] = &[
        "but",
        "and",
        "so",
        "then",
        "because",
        "which",
        "while",
        "until",
        "when",
        "where",
        "it",
        "they",
        "this",
        "that",
        "he",
        "she",
        "we",
        "you",
        "i",
        "everything",
        "all",
    ];
    let mut offset = 0;
    for clause in lower.split(['.', ';', ':', '!', '?', '\n']) {
        let words = plain_words(clause);
        if at >= offset + words.len() {
            offset += words.len();
            continue;
        }
        let local = at - offset;
        let passive = words[local.saturating_sub(2)..local]
            .iter()
            .any(|w| AUX.contains(&w.as_str()));
        if !passive {
            return false;
        }
        let start = local.saturating_sub(10);
        for (j, w) in words[start..local].iter().enumerate().rev() {
            if STOP.contains(&w.as_str()) {
                return false;
            }
            // "anything not seen in 90 days is deleted": a `not` away from the verb picks
            // the items, it does not deny the verb.
            if w == "not" && start + j + 3 < local {
                continue;
            }
            if ["no", "none", "nothing", "neither", "nobody", "never", "not"].contains(&w.as_str())
            {
                return true;
            }
        }
        return false;
    }
    false
}

/// What the explanation does with the action's effect.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum EffectVerdict {
    Stated,
    Missing,
    Negated,
    Reversed,
}

/// `own` holds the words naming the action's targets (sorted): an opposite cue that is one of
/// them names the target ("the backup" of `backup.gpg`), it does not reverse the effect.
pub(crate) fn judge_effect(
    words: &[String],
    lower: &str,
    specs: &[EffectSpec],
    own: &[String],
    own_verb: Option<&str>,
) -> EffectVerdict {
    // `backup` names the target `/srv/backups` too.
    let own_word = |w: &str| {
        own.binary_search_by(|v| v.as_str().cmp(w)).is_ok()
            || (w.len() >= 4
                && own
                    .iter()
                    .any(|t| t.len() >= 4 && (t.starts_with(w) || w.starts_with(t.as_str()))))
    };
    // An opposite stated plainly (not negated) reverses the meaning whatever else is said.
    for spec in specs {
        for opposite in spec
            .opposites
            .iter()
            .filter(|o| o.contains(' ') || !own_word(o.trim_end_matches('$')))
        {
            if let Some((first, second)) = opposite.split_once('*') {
                // "rolls the fleet back": a verb and its particle apart.
                let hit = words.iter().enumerate().any(|(i, w)| {
                    w.starts_with(first)
                        && words[i + 1..words.len().min(i + 7)]
                            .iter()
                            .any(|x| x == second)
                        && !negated(words, i)
                        && !hypothetical(words, i)
                        // "if it breaks … the --atomic flag rolls it back": a safeguard.
                        && !words[i.saturating_sub(12)..i]
                            .iter()
                            .any(|p| ["if", "fails", "failure", "breaks", "error"].contains(&p.as_str()))
                });
                if hit {
                    return EffectVerdict::Reversed;
                }
            } else if opposite.contains(' ') {
                if let Some(pos) = lower.find(opposite) {
                    let before = plain_words(&lower[..pos]);
                    if !negated(&before, before.len()) && !hypothetical(&before, before.len()) {
                        return EffectVerdict::Reversed;
                    }
                }
            } else if let Some(i) = words.iter().enumerate().position(|(i, w)| {
                if let Some(verb) = opposite.strip_prefix('^') {
                    // Only where a verb stands ("Charges the guest", not "the two charges").
                    let inflected = w.ends_with('s') || w.ends_with("ed") || w.ends_with("ing");
                    let after_subject = i > 0
                        && ["will", "to", "we", "it", "they"].contains(&words[i - 1].as_str());
                    return w.starts_with(verb)
                        && verb_position(words, i)
                        && (inflected || after_subject);
                }
                match opposite.strip_suffix('$') {
                    Some(exact) => w == exact,
                    None => w.starts_with(opposite) && (!own_word(w) || verb_position(words, i)),
                }
            }) && !negated(words, i)
                // "every application starts failing" says what follows, not the opposite.
                && !words.get(i + 1).is_some_and(|n| n.len() > 5 && n.ends_with("ing"))
                && !hypothetical(words, i)
                // "full admin, incl. deleting it": what the action makes possible.
                && !words[i.saturating_sub(5)..i].iter().any(|p| {
                    (w_is_gerund(&words[i])
                        && ["incl", "including", "like", "even", "also", "such"].contains(&p.as_str()))
                        || ["include", "includes", "incl", "including"].contains(&p.as_str())
                })
            {
                return EffectVerdict::Reversed;
            }
        }
    }
    // Occurrences of the effect: stated outright, only as what "would" happen, or negated.
    let (mut stated, mut conditional, mut denied) = (false, false, false);
    // The action's own verb (from its name or command) denied
    // outright ("but does not send it") is not made good by a looser effect word elsewhere.
    let (mut own_stated, mut own_denied) = (false, false);
    for spec in specs {
        for phrase in spec.stems.iter().filter(|s| s.contains(' ')) {
            if let Some(pos) = lower.find(phrase) {
                let before = plain_words(&lower[..pos]);
                if negated(&before, before.len()) {
                    denied = true;
                } else {
                    stated = true;
                }
            }
        }
        for (i, w) in words.iter().enumerate() {
            if !spec.stems.iter().any(|s| stem_matches(w, s)) {
                continue;
            }
            let own = own_verb.is_some_and(|v| !v.contains(' ') && stem_matches(w, v));
            // "schedules nothing", "notifies nobody": the verb with no object.
            let no_object = words
                .get(i + 1)
                .is_some_and(|n| ["nothing", "nobody", "none"].contains(&n.as_str()));
            if negated(words, i) || passive_negated(lower, i) || no_object {
                denied = true;
                if own && !about_something_else(words, i) {
                    own_denied = true;
                }
            } else if would(words, i) {
                conditional = true;
            } else {
                stated = true;
                own_stated |= own;
            }
        }
    }
    if own_denied && !own_stated {
        return EffectVerdict::Negated;
    }
    match (stated, conditional, denied) {
        (true, _, _) | (false, true, false) => EffectVerdict::Stated,
        (false, _, true) => EffectVerdict::Negated,
        (false, false, false) => EffectVerdict::Missing,
    }
}

/// "Charges the customer", "it charges": a word where a verb stands, not the target's name
/// (`charge` of a Stripe charge id).
fn verb_position(words: &[String], at: usize) -> bool {
    at == 0
        || [
            "it", "this", "which", "that", "will", "then", "and", "agent", "action", "call",
        ]
        .contains(&words[at - 1].as_str())
}

fn w_is_gerund(w: &str) -> bool {
    w.len() > 5 && w.ends_with("ing")
}

/// "what `prune` would remove": a possibility, which only counts when nothing denies it.
fn would(words: &[String], at: usize) -> bool {
    words[at.saturating_sub(3)..at]
        .iter()
        .any(|w| ["would", "wouldn't", "could", "might"].contains(&w.as_str()))
}

/// "does not delete anything else", "won't touch the other files": a denial about something
/// besides the target, which leaves the effect stated.
fn about_something_else(words: &[String], at: usize) -> bool {
    words[at + 1..words.len().min(at + 5)].iter().any(|w| {
        [
            "else",
            "other",
            "others",
            "rest",
            "remaining",
            "parent",
            "beyond",
            "outside",
            "except",
            "besides",
            "further",
            "more",
            "anything",
            "else's",
        ]
        .contains(&w.as_str())
    })
}

/// Number of content words (not stop words).
pub(crate) fn content_count(words: &[String]) -> usize {
    words
        .iter()
        .filter(|w| !STOPWORDS.contains(&w.as_str()) && w.chars().count() >= 2)
        .count()
}

/// Share of the explanation's content words that relate to the action (its words, the
/// explanation vocabulary, effect words, numbers).
pub(crate) fn relevant_share(words: &[String], related: &dyn Fn(&str) -> bool) -> f64 {
    let content: Vec<&String> = words
        .iter()
        .filter(|w| !STOPWORDS.contains(&w.as_str()) && w.chars().count() >= 2)
        .collect();
    if content.is_empty() {
        return 0.0;
    }
    let hits = content
        .iter()
        .filter(|w| {
            w.chars().any(|c| c.is_ascii_digit())
                || related(w)
                || (!super::lexicon::attitude(w)
                    && (EXPLAIN_WORDS.contains(&w.as_str())
                        || super::lexicon::on_topic(w)
                        || super::lexicon::on_topic_typo(w)))
        })
        .count();
    hits as f64 / content.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verb_of_a_shell_command_sets_the_direction() {
        let spec = verb_spec(
            &["run".into(), "shell".into()],
            &["sudo".into(), "systemctl".into(), "stop".into()],
        )
        .expect("stop is a known verb");
        let judge = |t: &str| {
            judge_effect(
                &plain_words(t),
                &t.to_lowercase(),
                &[spec_clone(&spec)],
                &[],
                Some("stop"),
            )
        };
        assert_eq!(
            judge("this starts the database again"),
            EffectVerdict::Reversed
        );
        assert_eq!(
            judge("this stops the database until someone starts it again"),
            EffectVerdict::Stated
        );
    }

    fn spec_clone(s: &EffectSpec) -> EffectSpec {
        EffectSpec {
            stems: s.stems.clone(),
            opposites: s.opposites.clone(),
        }
    }

    #[test]
    fn negation_and_reversal_are_caught() {
        let spec = [effect_spec(Consequence::Deleted, &["delete".into()])];
        let judge = |t: &str| judge_effect(&plain_words(t), &t.to_lowercase(), &spec, &[], None);
        assert_eq!(judge("this deletes the report"), EffectVerdict::Stated);
        assert_eq!(
            judge("this does not delete the report"),
            EffectVerdict::Negated
        );
        assert_eq!(
            judge("this creates a new report, nothing deleted"),
            EffectVerdict::Reversed
        );
        assert_eq!(
            judge("it wipes it and it cannot be restored"),
            EffectVerdict::Stated
        );
        assert_eq!(
            judge("thsi wil permanantly delet it"),
            EffectVerdict::Stated
        );
        assert_eq!(judge("it is fine"), EffectVerdict::Missing);
        assert_eq!(
            judge("this checks them; no files, folders or links are deleted"),
            EffectVerdict::Negated
        );
        assert_eq!(
            judge("there is no undo, it is deleted for good"),
            EffectVerdict::Stated
        );
        assert_eq!(
            judge("nothing can be recovered. the files are deleted"),
            EffectVerdict::Stated
        );
    }
}
