//! Whether an explanation names the action's target the way people name one (its primary
//! target, an opaque id by its label or count, a machine id by anything else of the action),
//! and whether it names an environment or role the action does not use.

use super::claims::ROLE_SYNONYMS;
use super::explain;
use super::numbers;
use super::teach_back::{KeyTermCategory, KeyTermGroup, TeachBackKey};

/// Environment names: one named in an explanation that the action does not use is a
/// different target.
const ENVIRONMENT_WORDS: &[&str] = &[
    "production",
    "prod",
    "staging",
    "stage",
    "sandbox",
    "development",
    "dev",
    "test",
    "qa",
    "preview",
    "canary",
    "demo",
    "uat",
    // A blockchain's main network is its production; its test networks are tests.
    "mainnet",
    "testnet",
    "sepolia",
    "goerli",
    "holesky",
    "devnet",
];

/// Role names, same rule.
const ROLE_WORDS: &[&str] = &[
    "admin",
    "owner",
    "editor",
    "viewer",
    "reader",
    "writer",
    "member",
    "maintainer",
    "guest",
    "auditor",
    "operator",
    "developer",
    "superuser",
    "read-only",
];

/// Whether the explanation names what the action affects: its primary target, or one of the
/// ways an opaque, short or machine-made main target is named (see the comments inside).
pub(super) fn target_named(
    primary: &[&&KeyTermGroup],
    targets: &[&KeyTermGroup],
    matched: &[&KeyTermGroup],
    lower: &str,
) -> bool {
    if primary.is_empty() {
        matched
            .iter()
            .any(|g| g.category == KeyTermCategory::Target)
    } else {
        // An opaque id or an address is also named by the name the action gives it.
        // An id of digits (`employee_id: 4412`) is as opaque as a record id.
        // So is a code of a few letters and digits (`E-1044`, `MRN-00482913`).
        let opaque = primary.iter().all(|g| {
            g.label.starts_with("record: ")
                || g.label.starts_with("host: ")
                || g.label.starts_with("account: ")
                || g.label.split_once(": ").is_some_and(|(_, v)| {
                    !v.contains(char::is_whitespace)
                        && (v.chars().filter(char::is_ascii_alphabetic).count() <= 4
                            || (v.chars().filter(char::is_ascii_alphabetic).count() <= 6
                                && v.chars().filter(char::is_ascii_digit).count() >= 4))
                        && (v.chars().filter(char::is_ascii_digit).count() >= 3
                            || !v.contains(char::is_alphabetic))
                })
        });
        // Several opaque ids are named by how many they are ("3 ec2 machines").
        let counted = opaque && primary.len() >= 2 && {
            let n = primary.len() as f64;
            numbers::numbers_in(lower)
                .into_iter()
                .chain(numbers::spelled_numbers(lower))
                .any(|v| v == n)
        };
        // A main target that is only a short word or code (a zone `trust`, an airport `NRT`):
        // two other things the action names, named right, say the explanation read it.
        let weak = primary.iter().all(|g| {
            g.label
                .split_once(": ")
                .is_some_and(|(_, v)| v.len() <= 5 && v.chars().all(|c| c.is_ascii_alphabetic()))
        });
        let others = matched
            .iter()
            .filter(|g| g.category == KeyTermCategory::Target && !g.primary)
            .count();
        // Ids made for machines (`2bbf394c-193b-…`, `card_1OyL6nLk…`) are never typed: any
        // other thing of the action named right will do, and with nothing else to name, the
        // effect and the rest of the judgement carry the explanation.
        let is_machine =
            |g: &KeyTermGroup| g.label.split_once(": ").is_some_and(|(_, v)| machine_id(v));
        let machine = primary.iter().any(|g| is_machine(g));
        let other_targets = targets
            .iter()
            .filter(|g| !g.primary && !is_machine(g))
            .count();
        matched.iter().any(|g| g.primary)
            || (opaque && matched.iter().any(|g| g.label.starts_with("name: ")))
            || counted
            || (weak && others >= 2)
            || (machine && (others >= 1 || other_targets == 0))
    }
}

/// An environment or role the action does not use, named in the explanation: `Some` with the
/// failure.
pub(super) fn different_kind(
    key: &TeachBackKey,
    plain: &[String],
    targets: &[&KeyTermGroup],
) -> Option<String> {
    // An environment or role the action does not use is a different target.
    for (closed, kind) in [(ENVIRONMENT_WORDS, "environment"), (ROLE_WORDS, "role")] {
        let own: Vec<&KeyTermGroup> = targets
            .iter()
            .copied()
            .filter(|g| g.label.starts_with(&format!("{kind}: ")))
            .collect();
        // Words of this kind inside the action's values (`finance-prod`, `AdministratorAccess`).
        // Chain id 1 is Ethereum's main network.
        let chain_one = key.dump_has_any(&[
            "\"chain_id\":1,",
            "\"chainid\":1,",
            "\"chain_id\":1}",
            "\"chainid\":1}",
        ]);
        let in_action: Vec<&str> = closed
            .iter()
            .copied()
            .filter(|w| {
                key.argument_dump
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|t| t == *w || (kind == "role" && t.starts_with(w)))
                    || (*w == "mainnet" && chain_one)
            })
            .collect();
        if own.is_empty() && (kind == "role" || in_action.is_empty()) {
            continue;
        }
        // Role names that say the same thing.
        let same_role = |w: &str| {
            ROLE_SYNONYMS.iter().any(|group| {
                group.contains(&w)
                    && group.iter().any(|g| {
                        in_action.contains(g)
                            || own.iter().any(|o| o.phrases.iter().any(|p| p.contains(g)))
                    })
            })
        };
        let ok = |w: &str| {
            same_role(w)
                || in_action.contains(&w)
                || (w == "prod" && in_action.contains(&"production"))
                || (w == "production" && in_action.contains(&"prod"))
                || (["prod", "production"].contains(&w) && in_action.contains(&"mainnet"))
                || own.iter().any(|g| {
                    g.phrases
                        .iter()
                        .any(|p| p.contains(w) || (w == "prod" && p.starts_with("prod")))
                })
        };
        // "owner-level control", "admin-like rights": a comparison, not a role given.
        let compared = |i: usize| {
            plain
                .get(i + 1)
                .is_some_and(|n| ["level", "like", "equivalent"].contains(&n.as_str()))
        };
        // "the test step", "dev tools": the word describes something else than a stage.
        let skipped = plain
            .iter()
            .any(|w| w.starts_with("skip") || w == "without");
        let not_a_stage = |i: usize| {
            (plain[i] != "test" || skipped)
                && plain.get(i + 1).is_some_and(|n| {
                    [
                        "step",
                        "steps",
                        "suite",
                        "suites",
                        "run",
                        "runs",
                        "file",
                        "files",
                        "case",
                        "cases",
                        "data",
                        "script",
                        "scripts",
                        "job",
                        "jobs",
                        "phase",
                        "coverage",
                        "results",
                        "tools",
                        "dependencies",
                        "mode",
                        "transfer",
                        "payment",
                        "charge",
                    ]
                    .contains(&n.as_str())
                })
        };
        // "no canary", "not as an admin": a role or stage the action does not use.
        let excused = |i: usize, w: &str| {
            (kind == "environment" && not_a_stage(i))
                || ok(w)
                || compared(i)
                || explain::negated(plain, i)
        };
        if plain
            .iter()
            .enumerate()
            .any(|(i, w)| closed.contains(&w.as_str()) && !excused(i, w))
        {
            return Some(format!(
                "the explanation names a different {kind} than the action's"
            ));
        }
    }
    None
}

/// A value made by and for machines: long, without spaces, letters and digits mixed at random.
fn machine_id(v: &str) -> bool {
    let chars: Vec<char> = v.chars().collect();
    let digits = chars.iter().filter(|c| c.is_ascii_digit()).count();
    let switches = chars
        .windows(2)
        .filter(|w| {
            w[0].is_ascii_digit() != w[1].is_ascii_digit()
                && w[0].is_alphanumeric()
                && w[1].is_alphanumeric()
        })
        .count();
    // A chat workspace's channel or user id (`C01GENERAL`, `U04ABCD1234`).
    let chat = (9..=12).contains(&chars.len())
        && "CGDUW".contains(chars[0])
        && chars[1..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && digits >= 1;
    // A long number (`company_id: 7756616605`).
    let number = chars.len() >= 6 && chars.iter().all(char::is_ascii_digit);
    chat || number
        || (chars.len() >= 10 && !v.contains(char::is_whitespace) && digits >= 3 && switches >= 4)
}
