//! What a database statement or a filter does by its own words: `GRANT` is not revoking, `DROP
//! COLUMN` is not adding one, and `last_seen < now() - 90 days` picks the old rows, not the
//! recent ones.

use super::explain;
use super::teach_back::TeachBackKey;

/// A statement's leading keyword, and the verbs that say the opposite.
const STATEMENT_OPPOSITES: &[(&str, &[&str])] = &[
    (
        "grant",
        &[
            "revoke",
            "revokes",
            "revoking",
            "removes",
            "remove",
            "withdraws",
        ],
    ),
    ("revoke", &["grant", "grants", "granting", "gives", "give"]),
    (
        "drop",
        &[
            "create",
            "creates",
            "add",
            "adds",
            "restore",
            "restores",
            "truncates",
            "truncate",
        ],
    ),
    (
        "create",
        &["drop", "drops", "delete", "deletes", "remove", "removes"],
    ),
    (
        "truncate",
        &[
            "insert", "inserts", "add", "adds", "backs", "copies", "restore", "restores", "drops",
        ],
    ),
    (
        "delete",
        &["insert", "inserts", "add", "adds", "restore", "restores"],
    ),
    (
        "insert",
        &["delete", "deletes", "remove", "removes", "drop", "drops"],
    ),
];

/// The statements among the action's arguments: texts that start like SQL.
fn statements(key: &TeachBackKey) -> Vec<String> {
    let Some(kwargs) = key.kwargs() else {
        return Vec::new();
    };
    kwargs
        .values()
        .filter_map(|v| v.as_str())
        .filter(|s| s.len() <= 8192)
        .flat_map(|s| s.split([';', '"', '\'']))
        .map(|s| s.trim().to_lowercase())
        .filter(|s| {
            let first = s.split_whitespace().next().unwrap_or("");
            (first == "alter" || STATEMENT_OPPOSITES.iter().any(|(k, _)| *k == first))
                && s.split_whitespace().count() >= 3
        })
        .collect()
}

/// "Revokes SELECT on HR.PAYROLL" for `GRANT SELECT ON …`, "adds a column" for `ALTER TABLE …
/// DROP COLUMN`: the explanation's leading verb is the statement's opposite.
pub(super) fn statement_reversed(key: &TeachBackKey, lower: &str) -> Option<String> {
    let found = statements(key);
    let mut verbs: Vec<&str> = Vec::new();
    for statement in &found {
        let words: Vec<&str> = statement.split_whitespace().collect();
        verbs.push(words[0]);
        // `ALTER TABLE t DROP COLUMN c`, `ALTER TABLE t ADD COLUMN c`.
        if words[0] == "alter" {
            if words.contains(&"drop") {
                verbs.push("drop");
            }
            if words.contains(&"add") {
                verbs.push("create");
            }
        }
    }
    verbs.retain(|v| *v != "alter");
    if verbs.is_empty() {
        return None;
    }
    let plain = explain::plain_words(lower);
    let lead: Vec<&String> = plain.iter().take(3).collect();
    for (keyword, opposites) in STATEMENT_OPPOSITES {
        if !verbs.contains(keyword)
            || verbs
                .iter()
                .any(|v| opposites.iter().any(|o| o.starts_with(v)))
        {
            continue;
        }
        let own_said = plain.iter().any(|w| w.starts_with(keyword));
        if !own_said && lead.iter().any(|w| opposites.contains(&w.as_str())) {
            return Some(
                "the explanation describes the opposite of what the action does".to_owned(),
            );
        }
    }
    None
}

/// Words saying the rows picked are the recent ones, and the old ones.
const NEWER: &[&str] = &[
    "newer than",
    "within the past",
    "within the last",
    "more recent",
    "younger than",
    "created after",
    "updated after",
    "modified after",
];
const OLDER: &[&str] = &[
    "older than",
    "before",
    "prior to",
    "earlier than",
    "not seen",
    "not used",
    "inactive",
    "stale",
    "ago",
    "old ",
];

/// A filter that picks old rows (`< now() - interval '90 days'`, `"lt": "now-14d"`, `$lt`)
/// told as picking the recent ones ("sessions seen within the past 90 days"), or the other way.
pub(super) fn age_reversed(key: &TeachBackKey, lower: &str) -> Option<String> {
    let older = key.dump_has_any(&[
        "<now()",
        "\"lt\":\"now",
        "\"$lt\"",
        "\"lte\":\"now",
        "\"$lte\"",
    ]);
    let newer = key.dump_has_any(&[
        ">now()",
        "\"gt\":\"now",
        "\"$gt\"",
        "\"gte\":\"now",
        "\"$gte\"",
    ]);
    if older == newer {
        return None;
    }
    // Clauses about what is kept say nothing about what the filter picks.
    let clauses: Vec<&str> = lower
        .split(['.', ';', ',', '\n'])
        .flat_map(|c| c.split(" and "))
        .flat_map(|c| c.split(" but "))
        .filter(|c| {
            ![
                "keep",
                "keeping",
                "keeps",
                "kept",
                "stay",
                "stays",
                "remain",
                "remains",
                "untouched",
            ]
            .iter()
            .any(|k| explain::plain_words(c).iter().any(|w| w == k))
        })
        .collect();
    let says = |cues: &[&str]| clauses.iter().any(|c| cues.iter().any(|q| c.contains(q)));
    let (wrong, right) = if older {
        (NEWER, OLDER)
    } else {
        (OLDER, NEWER)
    };
    (says(wrong) && !says(right))
        .then(|| "the explanation describes the opposite of what the action does".to_owned())
}

/// A command limited to part of what it could reach told as reaching all of it: `terraform
/// destroy -target=module.x` as "the whole prod environment, every module", Redis `FLUSHDB` (one
/// database) as "FLUSHALL" or "every database on the server".
pub(super) fn limited_told_whole(key: &TeachBackKey, lower: &str) -> Option<String> {
    let dump = &key.argument_dump;
    let plain = explain::plain_words(lower);
    let whole_of = |containers: &[&str]| {
        plain.iter().enumerate().any(|(i, w)| {
            ["whole", "entire", "every", "all"].contains(&w.as_str())
                && !explain::negated(&plain, i)
                && plain[i + 1..plain.len().min(i + 4)]
                    .iter()
                    .any(|n| containers.contains(&n.as_str()))
        })
    };
    let overstated =
        "the explanation overstates or misstates how much the action affects (its scope)";
    if dump.contains("terraform")
        && (dump.contains("-target=") || dump.contains("-target "))
        && whole_of(&[
            "environment",
            "env",
            "state",
            "stack",
            "modules",
            "infrastructure",
        ])
    {
        return Some(overstated.to_owned());
    }
    let flushdb = dump.contains("flushdb") && !dump.contains("flushall");
    let every_database = plain.iter().enumerate().any(|(i, w)| {
        let next: Vec<&str> = plain[i + 1..plain.len().min(i + 5)]
            .iter()
            .map(String::as_str)
            .filter(|n| !["the", "of", "single", "logical", "redis"].contains(n))
            .collect();
        ((w == "all"
            && next
                .first()
                .is_some_and(|n| ["databases", "dbs"].contains(n)))
            || (w == "every" && next.first().is_some_and(|n| ["database", "db"].contains(n))))
            && !explain::negated(&plain, i)
    });
    if flushdb && (plain.iter().any(|w| w == "flushall") || every_database) {
        return Some(overstated.to_owned());
    }
    None
}

/// A service scaled to zero told as still serving: "a rolling restart, no downtime" for
/// `--replicas=0`.
pub(super) fn scaled_to_zero_told_running(key: &TeachBackKey, lower: &str) -> Option<String> {
    if !key.dump_has_any(&["--replicas=0", "\"replicas\":0"]) {
        return None;
    }
    [
        "rolling restart",
        "one by one",
        "one at a time",
        "no downtime",
        "keeps serving",
        "keeps running",
        "keep serving",
        "keep running",
        "still serving",
        "still running",
        "by one replica",
        "down by one",
    ]
    .iter()
    .any(|p| lower.contains(p))
    .then(|| "the explanation understates what the action does: it stops the service".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ActionContext;

    use crate::challenge::teach_back_key::key_for as key;

    #[test]
    fn statements_told_the_other_way() {
        let grant = key(&ActionContext::new("snowflake_execute").with_kwarg(
            "statement",
            "GRANT SELECT ON ALL TABLES IN SCHEMA HR.PAYROLL TO ROLE ANALYST_RO;",
        ));
        assert!(
            statement_reversed(&grant, "revokes select on hr.payroll from analyst_ro").is_some()
        );
        assert!(
            statement_reversed(&grant, "grants analyst_ro read access to hr.payroll").is_none()
        );
        let drop = key(&ActionContext::new("execute_sql")
            .with_kwarg("sql", "ALTER TABLE orders DROP COLUMN legacy_coupon_code;"));
        assert!(
            statement_reversed(&drop, "adds a new legacy_coupon_code column to orders").is_some()
        );
        assert!(
            statement_reversed(&drop, "drops the legacy_coupon_code column from orders").is_none()
        );
    }

    #[test]
    fn limited_commands_told_as_whole() {
        let tf = key(&ActionContext::new("Bash").with_kwarg(
            "command",
            "terraform destroy -target=module.redis_cache -auto-approve",
        ));
        assert!(
            limited_told_whole(
                &tf,
                "destroys the entire prod environment, every module and resource"
            )
            .is_some()
        );
        assert!(
            limited_told_whole(
                &tf,
                "destroys only module.redis_cache without asking for approval"
            )
            .is_none()
        );
        let redis = key(&ActionContext::new("redis_command")
            .with_kwarg("command", "FLUSHDB")
            .with_kwarg("db", 3));
        assert!(
            limited_told_whole(
                &redis,
                "runs a flush of all databases so every key in every redis db is removed"
            )
            .is_some()
        );
        assert!(
            limited_told_whole(
                &redis,
                "deletes every key in database 3 on the server, the other dbs stay"
            )
            .is_none()
        );
    }

    #[test]
    fn old_rows_told_as_recent() {
        let k = key(&ActionContext::new("execute_sql").with_kwarg(
            "query",
            "DELETE FROM sessions WHERE last_seen_at < NOW() - INTERVAL '90 days';",
        ));
        assert!(age_reversed(&k, "deletes sessions seen within the past 90 days").is_some());
        assert!(age_reversed(&k, "deletes sessions not seen in the last 90 days").is_none());
        assert!(
            age_reversed(
                &k,
                "deletes sessions older than 90 days, newer ones are kept"
            )
            .is_none()
        );
    }
}
