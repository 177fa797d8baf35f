//! Common misreadings of what an action does, each checked against the arguments that decide
//! it: a push onto another branch told as a new branch, a voided invoice told as paid, a
//! password set by the agent told as a reset link, a yearly pay rate told per month.

use super::explain;
use super::teach_back::TeachBackKey;
use serde_json::Value;

const DIFFERENT: &str = "the explanation describes a different action than this one";

/// `git push --force origin feature:main` told as "pushes feature as a new branch", "a normal
/// push that does not touch main" or "pulls main down into the local branch".
pub(super) fn refspec_push_misread(key: &TeachBackKey, lower: &str) -> Option<String> {
    let dump = &key.argument_dump;
    let onto_main = dump.contains("push")
        && dump
            .split(|c: char| c.is_whitespace() || c == '"')
            .any(|t| {
                t.split_once(':').is_some_and(|(src, dst)| {
                    !src.is_empty()
                        && !src.contains("//")
                        && ["main", "master", "production", "prod"].contains(&dst)
                })
            });
    if !onto_main {
        return None;
    }
    [
        "new branch",
        "as a branch",
        "normal push",
        "not touch main",
        "doesn't touch main",
        "does not touch main",
        "won't touch main",
        "main is not touched",
        "main stays",
        "down into",
        "into the local",
        "into my local",
        "pulls main",
        "pulls the",
    ]
    .iter()
    .any(|p| lower.contains(p))
    .then(|| DIFFERENT.to_owned())
}

/// A voided invoice told as paid or as reminded: "marks invoice 1047 as paid in full".
pub(super) fn void_misread(key: &TeachBackKey, lower: &str) -> Option<String> {
    if !key.action_tokens.iter().any(|t| t == "void") {
        return None;
    }
    let words = explain::plain_words(lower);
    let says_void = words.iter().any(|w| w.starts_with("void"));
    let other = [
        "as paid",
        "paid in full",
        "payment received",
        "records a payment",
        "recording a",
        "reminder",
    ]
    .iter()
    .any(|p| lower.contains(p));
    (other && !says_void).then(|| DIFFERENT.to_owned())
}

/// A password the action sets told as a reset link the user follows ("sends a reset link so
/// she can choose her own").
pub(super) fn set_password_misread(key: &TeachBackKey, lower: &str) -> Option<String> {
    let sets = key.kwargs().is_some_and(|m| {
        m.iter().any(|(k, v)| {
            let k = k.to_lowercase();
            (k.contains("new_password") || k == "password" || k == "newpassword")
                && v.as_str().is_some_and(|s| !s.is_empty())
        })
    });
    (sets
        && [
            "reset link",
            "link to reset",
            "choose her own",
            "choose his own",
            "choose their own",
            "set her own",
            "set his own",
            "set their own",
            "pick her own",
            "pick his own",
        ]
        .iter()
        .any(|p| lower.contains(p)))
    .then(|| DIFFERENT.to_owned())
}

/// The periods a value is given per (`payPer: "Year"`, `interval: "monthly"`), canonical.
fn periods(key: &TeachBackKey) -> Vec<&'static str> {
    fn canonical(s: &str) -> Option<&'static str> {
        match s.to_lowercase().trim() {
            "year" | "yearly" | "annual" | "annually" | "per year" | "y" => Some("year"),
            "month" | "monthly" | "per month" | "m" => Some("month"),
            "week" | "weekly" | "per week" => Some("week"),
            "day" | "daily" | "per day" => Some("day"),
            "hour" | "hourly" | "per hour" => Some("hour"),
            "transaction" | "per_transaction" | "per transaction" => Some("transaction"),
            _ => None,
        }
    }
    fn walk(v: &Value, depth: usize, out: &mut Vec<&'static str>) {
        if depth > 4 {
            return;
        }
        if let Value::Object(map) = v {
            for (k, item) in map.iter().take(64) {
                let k = k.to_lowercase();
                let periodic = [
                    "per",
                    "interval",
                    "period",
                    "frequency",
                    "limit_type",
                    "cadence",
                ]
                .iter()
                .any(|p| k.ends_with(p) || k.contains(&format!("{p}_")) || k == *p);
                if periodic && let Some(p) = item.as_str().and_then(canonical) {
                    out.push(p);
                }
                walk(item, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    if let Some(kwargs) = key.arguments.get("kwargs") {
        walk(kwargs, 0, &mut out);
    }
    out
}

/// A rate or limit given per year told per month (or any other period): "$118,000 per month"
/// for `payPer: "Year"`, "a $25,000 yearly limit" for `interval: "monthly"`.
pub(super) fn period_misread(key: &TeachBackKey, lower: &str) -> Option<String> {
    let own = periods(key);
    if own.is_empty() {
        return None;
    }
    let said: &[(&str, &[&str])] = &[
        (
            "year",
            &[
                "per year",
                "a year",
                "yearly",
                "annual",
                "annually",
                "/yr",
                "per annum",
            ],
        ),
        (
            "month",
            &[
                "per month",
                "a month",
                "monthly",
                "/mo",
                "each month",
                "every month",
            ],
        ),
        (
            "week",
            &["per week", "a week", "weekly", "each week", "every week"],
        ),
        (
            "day",
            &["per day", "a day", "daily", "each day", "every day"],
        ),
        ("hour", &["per hour", "an hour", "hourly", "/hr"]),
        (
            "transaction",
            &[
                "per transaction",
                "each transaction",
                "single transaction",
                "per purchase",
            ],
        ),
    ];
    // "not per month": a period denied is not one stated.
    let stated = |f: &str| {
        lower.match_indices(f).any(|(at, _)| {
            let before = lower[..at].trim_end();
            !(before.ends_with("not") || before.ends_with("no") || before.ends_with("instead of"))
        })
    };
    let mentioned: Vec<&str> = said
        .iter()
        .filter(|(_, forms)| forms.iter().any(|f| stated(f)))
        .map(|(p, _)| *p)
        .collect();
    (!mentioned.is_empty() && !mentioned.iter().any(|p| own.contains(p)))
        .then(|| "the explanation states an amount for another period than the action's".to_owned())
}

/// A write that replaces a whole file, table or document told as adding to it: "appends a
/// location block, the existing config stays", "inserts the November rows, keeping the rest".
pub(super) fn overwrite_told_as_append(key: &TeachBackKey, lower: &str) -> Option<String> {
    let dump = &key.argument_dump;
    let name = key.action.to_lowercase();
    let replaces = (["write", "write_file", "create_file"].contains(&name.as_str())
        || name.ends_with("__write_file")
        || dump.contains("\"command\":\"create\"")
        || dump.contains("create or replace")
        || key.dump_has_any(&["\"merge\":false"]))
        && !dump.contains(">>")
        // `mode: append`, `append: true`, `"a"`: the write adds.
        && !dump.contains("append")
        && !key
            .action_tokens
            .iter()
            .any(|t| ["append", "insert", "merge", "add"].contains(&t.as_str()));
    if !replaces {
        return None;
    }
    let words = explain::plain_words(lower);
    let adds = words.iter().enumerate().any(|(i, w)| {
        [
            "append",
            "appends",
            "appending",
            "appended",
            "merges",
            "merge",
            "inserts",
            "insert",
        ]
        .contains(&w.as_str())
            && !explain::negated(&words, i)
    });
    let replaced = words.iter().any(|w| {
        ["overwrit", "replac", "recreat", "rewrit", "wipe", "clobber"]
            .iter()
            .any(|s| w.starts_with(s))
    });
    (adds && !replaced).then(|| DIFFERENT.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ActionContext;
    use serde_json::json;

    use crate::challenge::teach_back_key::key_for as key;

    #[test]
    fn misreadings_fail_and_right_readings_pass() {
        let push = key(&ActionContext::new("Bash").with_kwarg(
            "command",
            "git push --force origin hotfix/checkout-tax:main",
        ));
        assert!(
            refspec_push_misread(
                &push,
                "pushes hotfix/checkout-tax to origin as a new branch for a pull request"
            )
            .is_some()
        );
        assert!(
            refspec_push_misread(
                &push,
                "force-pushes hotfix/checkout-tax onto main on origin, overwriting main"
            )
            .is_none()
        );
        let void =
            key(&ActionContext::new("quickbooks_void_invoice").with_kwarg("invoice_id", "1047"));
        assert!(void_misread(&void, "marks invoice 1047 as paid in full in quickbooks").is_some());
        assert!(void_misread(&void, "voids invoice 1047 so it is no longer owed").is_none());
        let pw = key(&ActionContext::new("azure_ad_reset_password")
            .with_kwarg("user_principal_name", "m.l@example.com")
            .with_kwarg("new_password", "Temp#2026"));
        assert!(
            set_password_misread(
                &pw,
                "sends her a reset link so she can choose her own password"
            )
            .is_some()
        );
        assert!(
            set_password_misread(&pw, "sets her password to a temporary one the agent chose")
                .is_none()
        );
        let pay = key(&ActionContext::new("bamboohr_update_employee").with_kwarg(
            "fields",
            json!({"payRate": "118000.00 USD", "payPer": "Year"}),
        ));
        assert!(period_misread(&pay, "sets the pay to $118,000 per month from january").is_some());
        assert!(period_misread(&pay, "sets the annual salary to $118,000 from january").is_none());
        let write = key(&ActionContext::new("Write")
            .with_kwarg("file_path", "/etc/nginx/sites-enabled/default")
            .with_kwarg("content", "server { listen 80; }"));
        assert!(
            overwrite_told_as_append(
                &write,
                "appends a redirect block, the existing config stays"
            )
            .is_some()
        );
        assert!(
            overwrite_told_as_append(&write, "overwrites the default site with one server block")
                .is_none()
        );
    }
}
