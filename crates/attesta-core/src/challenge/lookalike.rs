//! Targets shaped like the action's but not the action's: another handle (`@tyler-b-88` for
//! `@tyler-r-88`), channel (`#data-team`), prefixed code (`WH-Bristol` for `WH-Leeds`) or
//! owner and group (`root:root` for `www-data:www-data`).

use std::sync::OnceLock;

use regex::Regex;

use super::teach_back::TeachBackKey;

/// Drive letters a text names: "drive D", `D:\`, "the D: drive", `-DriveLetter E`.
fn drive_letters(text: &str) -> Vec<char> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(?:\bdrive(?:_?letter)?\W{1,3}([a-z])\b)|(?:\b([a-z]):\\)|(?:\b([a-z]):\s+drive\b)",
        )
        .expect("valid regex")
    });
    re.captures_iter(text)
        .filter_map(|c| (1..=3).find_map(|i| c.get(i)))
        .filter_map(|m| m.as_str().chars().next())
        // "a drive", "drive I …": the article and the pronoun are no letters.
        .filter(|c| *c != 'a' && *c != 'i')
        .collect()
}

/// Another drive than the action's ("drive D:" for `-DriveLetter E`).
pub(super) fn other_drive(key: &TeachBackKey, lower: &str) -> bool {
    let own = drive_letters(&key.argument_dump.replace("\\\\", "\\"));
    !own.is_empty() && drive_letters(lower).iter().any(|d| !own.contains(d))
}

/// A handle (`@tyler-b-88`) or a prefixed code (`WH-Bristol`) shaped like one of the action's
/// but not one of them names another target.
pub(super) fn lookalike_failure(key: &TeachBackKey, lower: &str) -> Option<String> {
    let dump = &key.argument_dump;
    let tokens = |text: &str| -> Vec<String> {
        text.split(|c: char| c.is_whitespace() || ",;()[]{}\"'".contains(c))
            .map(|t| {
                t.trim_end_matches(|c: char| !c.is_alphanumeric())
                    .trim_start_matches(|c: char| !c.is_alphanumeric() && c != '@' && c != '#')
                    .to_owned()
            })
            .filter(|t| t.len() >= 3)
            .collect()
    };
    let action_tokens = tokens(dump);
    let handles = action_tokens.iter().any(|t| t.starts_with('@'));
    let channels = action_tokens.iter().any(|t| t.starts_with('#'));
    // `wh-` of `wh-leeds`, `mrn-` of `mrn-00482913`: a short letter prefix and a separator.
    let prefix = |t: &str| -> Option<String> {
        let (head, rest) = t.split_once(['-', '_'])?;
        (head.len() <= 4
            && (head.len() >= 2 || rest.chars().any(|c| c.is_ascii_digit()))
            && head.chars().all(|c| c.is_ascii_alphabetic())
            && rest.len() >= 3
            && rest
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_'))
        .then(|| format!("{head}{}", &t[head.len()..=head.len()]))
    };
    let prefixes: Vec<String> = action_tokens.iter().filter_map(|t| prefix(t)).collect();
    // The parts of the action's names, split once and only when the text has a name of parts.
    let action_parts: std::cell::OnceCell<Vec<Parts>> = std::cell::OnceCell::new();
    for t in tokens(lower) {
        if dump.contains(t.as_str()) {
            continue;
        }
        let other_handle = ((handles && t.starts_with('@')) || (channels && t.starts_with('#')))
            && t.len() >= 4
            && t[1..]
                .chars()
                .all(|c| c.is_alphanumeric() || "-_.".contains(c));
        let other_code = prefix(&t).is_some_and(|p| prefixes.contains(&p));
        // `root:root` for `www-data:www-data`: another owner and group.
        let other_owner = t.matches(':').count() == 1
            && !t.contains(['@', '/'])
            && t.split(':').all(|p| {
                p.len() >= 2
                    && p.chars().any(|c| c.is_ascii_alphabetic())
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            })
            && dump.contains(':')
            && action_tokens.iter().any(|a| {
                a.matches(':').count() == 1 && !a.contains(['@', '/', '.']) && a.len() >= 5
            });
        // `payments-prod` for `payments-staging`, `build-agent-08` for `build-agent-07`: a
        // sibling name, the same but for its last part.
        let sibling = |a: &String| {
            let (Some((head, last)), Some((own_head, own_last))) =
                (t.rsplit_once('-'), a.rsplit_once('-'))
            else {
                return false;
            };
            head == own_head
                && head.len() >= 4
                && last != own_last
                && !last.is_empty()
                && !own_last.starts_with(last)
                && last.chars().all(|c| c.is_ascii_alphanumeric())
                && own_last.chars().all(|c| c.is_ascii_alphanumeric())
        };
        let other_sibling = action_tokens.iter().any(sibling)
            || (t.contains(|c: char| !c.is_alphanumeric() && c != '@' && c != '#') && {
                let mine = parts(&t);
                action_parts
                    .get_or_init(|| action_tokens.iter().map(|a| parts(a)).collect())
                    .iter()
                    .any(|a| part_swapped(&mine, a, dump))
            });
        if other_handle || other_code || other_owner || other_sibling {
            return Some(
                "the explanation names something that is not part of this action".to_owned(),
            );
        }
    }
    None
}

/// A name's alphanumeric parts and the separators between them (`payments`, `events`, `v2`
/// and `.`, `.` of `payments.events.v2`).
struct Parts {
    words: Vec<String>,
    separators: Vec<String>,
}

fn parts(name: &str) -> Parts {
    let mut words: Vec<String> = Vec::new();
    let mut separators = Vec::new();
    let mut between = String::new();
    for piece in name.split_inclusive(|c: char| !c.is_alphanumeric()) {
        let word: String = piece.chars().filter(|c| c.is_alphanumeric()).collect();
        if !word.is_empty() {
            if !words.is_empty() {
                separators.push(std::mem::take(&mut between));
            }
            words.push(word);
            between.clear();
        }
        between.extend(piece.chars().filter(|c| !c.is_alphanumeric()));
    }
    Parts { words, separators }
}

/// `payments.events.v1` for `payments.events.v2`, `gold/orders` for `…/silver/orders`,
/// `2022-2024` for `legal/contracts/2019-2021`: a name of the text made of the parts of one of
/// the action's (`own`), aligned at its end, with one or two neighbouring parts replaced by
/// words the action does not have — not a typo of them, not a shortening (`t` and `a`: the
/// parts of each).
fn part_swapped(mine: &Parts, own: &Parts, dump: &str) -> bool {
    let (t, a) = (&mine.words, &own.words);
    if t.len() < 2 || t.len() > a.len() || t.len() > 8 {
        return false;
    }
    let tail = &a[a.len() - t.len()..];
    // Written alike (`silver/orders`, not the prose `first-level` for `appeal_level`), and a
    // name rather than a hyphenated word: a digit or another separator than `-`.
    let own_separators = &own.separators[own.separators.len() - mine.separators.len()..];
    if mine.separators != own_separators
        || !(t.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()))
            || mine.separators.iter().any(|s| s != "-"))
    {
        return false;
    }
    let differing: Vec<usize> = (0..t.len()).filter(|i| t[*i] != tail[*i]).collect();
    let shared: usize = (0..t.len())
        .filter(|i| !differing.contains(i))
        .map(|i| t[i].len())
        .sum();
    let (Some(first), Some(last)) = (differing.first(), differing.last()) else {
        return false;
    };
    differing.len() <= 2
        && last - first < differing.len()
        && shared >= 4
        && differing.iter().all(|i| {
            let (mine, theirs) = (&t[*i], &tail[*i]);
            !dump.contains(mine.as_str())
                && !theirs.starts_with(mine.as_str())
                && !mine.starts_with(theirs.as_str())
                && (mine.chars().any(|c| c.is_ascii_digit()) || !typo_of(mine, theirs))
        })
}

/// Whether `a` is `b` misspelt: one letter off, or two in a word of six letters or more
/// (`andriod` for `android`).
fn typo_of(a: &str, b: &str) -> bool {
    if super::explain::edit_distance_le1(a, b) {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().min(b.len()) < 6 || a.len().abs_diff(b.len()) > 2 || a.len().max(b.len()) > 64 {
        return false;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(x != y));
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()] <= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenge::teach_back::generate;
    use crate::config::TeachBackPolicy;
    use crate::context::ActionContext;

    fn failure(ctx: &ActionContext, text: &str) -> Option<String> {
        let key = crate::challenge::teach_back_key::key_for(ctx);
        lookalike_failure(&key, &text.to_lowercase())
    }

    #[test]
    fn a_target_shaped_like_the_actions_is_another_target() {
        let venmo = ActionContext::new("venmo_payment").with_kwarg("to", "@tyler-r-88");
        assert!(failure(&venmo, "pays @tyler-b-88 for the tickets").is_some());
        assert!(failure(&venmo, "pays @tyler-r-88 for the tickets").is_none());
        let stock = ActionContext::new("set_inventory").with_kwarg("warehouse", "WH-Leeds");
        assert!(failure(&stock, "zeroes the stock in WH-Bristol").is_some());
        assert!(failure(&stock, "zeroes the stock in WH-Leeds via e-mail").is_none());
        let ns = ActionContext::new("run_shell")
            .with_kwarg("command", "kubectl delete namespace payments-staging");
        assert!(failure(&ns, "deletes the payments-prod namespace").is_some());
        assert!(failure(&ns, "deletes the payments-staging namespace").is_none());
        let topic = ActionContext::new("run_shell").with_kwarg(
            "command",
            "kafka-topics.sh --delete --topic payments.events.v2",
        );
        assert!(failure(&topic, "deletes the payments.events.v1 topic").is_some());
        assert!(failure(&topic, "deletes the payments.events.v2 topic").is_none());
        let vacuum = ActionContext::new("databricks_execute_sql").with_kwarg(
            "statement",
            "VACUUM delta.`s3://acme-lake/silver/orders` RETAIN 0 HOURS",
        );
        assert!(failure(&vacuum, "vacuums the gold/orders table").is_some());
        assert!(failure(&vacuum, "vacuums the silver/orders table").is_none());
        assert!(failure(&vacuum, "vacuums the silver/ordres table").is_none());
        // A hyphenated word is no name of parts.
        let appeal = ActionContext::new("claims_appeal").with_kwarg("appeal_level", 1);
        assert!(failure(&appeal, "files a first-level appeal").is_none());
        assert!(typo_of("andriod", "android") && !typo_of("gold", "silver"));
        let folder =
            ActionContext::new("dropbox_delete").with_kwarg("path", "/Clients/Halvorsen/2019-2021");
        assert!(failure(&folder, "deletes /clients/halvorsen/2022-2024").is_some());
        assert!(failure(&folder, "deletes /clients/halvorsen/2019-2021").is_none());
        let chown = ActionContext::new("run_shell")
            .with_kwarg("command", "chown -R www-data:www-data /etc/ssl/private");
        assert!(failure(&chown, "gives the folder to root:root").is_some());
        assert!(failure(&chown, "gives the folder to www-data:www-data").is_none());
    }

    #[test]
    fn another_drive_letter_is_another_drive() {
        let key = generate(
            &ActionContext::new("run_powershell")
                .with_kwarg("command", "Format-Volume -DriveLetter E -FileSystem NTFS"),
            &[],
            &TeachBackPolicy::default(),
        )
        .1;
        assert!(other_drive(&key, "formats drive d: to ntfs"));
        assert!(other_drive(&key, "erases the d: drive"));
        assert!(!other_drive(&key, "formats drive e: to ntfs, a drive wipe"));
    }
}
