//! How often a scheduled action runs: a cron line (`*/5 * * * *` is every five minutes, `0 3 * *
//! 1` every Monday at 3) against the frequency an explanation states ("every day", "hourly",
//! "once a week").

use std::sync::OnceLock;

use regex::Regex;

use super::teach_back::TeachBackKey;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    Minutes,
    Hours,
    Days,
    Weeks,
    Months,
    Years,
}

fn cron_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let field = r"[0-9*/,\-]+";
        let named = r"[0-9A-Za-z*/,\-]+";
        Regex::new(&format!(
            r"(?:^|[\s'\x22(])({field})\s+({field})\s+({field})\s+({named})\s+({named})(?:[\s'\x22)]|$)"
        ))
        .expect("valid pattern")
    })
}

/// The periods a cron line may be said to run at (a weekday range `1-5` is daily or weekly).
fn cron_periods(fields: [&str; 5]) -> Vec<Period> {
    let [minute, hour, dom, month, dow] = fields;
    let any = |f: &str| f == "*" || f.starts_with("*/");
    if minute.starts_with('*') {
        return vec![Period::Minutes];
    }
    if any(hour) || hour.contains('/') {
        return vec![Period::Hours];
    }
    if dom != "*" && month != "*" {
        return vec![Period::Years];
    }
    if dom != "*" {
        return vec![Period::Months];
    }
    if dow != "*" {
        if dow.contains([',', '-']) {
            return vec![Period::Days, Period::Weeks];
        }
        return vec![Period::Weeks];
    }
    vec![Period::Days]
}

/// The periods of the action's schedules: its cron lines (with at least one `*`) and cron
/// macros (`@daily`, `@hourly`).
fn action_periods(key: &TeachBackKey) -> Vec<Vec<Period>> {
    let mut out = Vec::new();
    for s in key.argument_texts(64 * 1024) {
        for c in cron_pattern().captures_iter(s) {
            let fields = [&c[1], &c[2], &c[3], &c[4], &c[5]];
            if fields.iter().any(|f| f.contains('*')) {
                out.push(cron_periods(fields));
            }
        }
        for (mark, period) in [
            ("@hourly", Period::Hours),
            ("@daily", Period::Days),
            ("@midnight", Period::Days),
            ("@weekly", Period::Weeks),
            ("@monthly", Period::Months),
            ("@yearly", Period::Years),
            ("@annually", Period::Years),
        ] {
            if s.contains(mark) {
                out.push(vec![period]);
            }
        }
    }
    out
}

/// The frequencies an explanation states ("every day", "hourly", "every 5 minutes").
fn stated_periods(text: &str) -> Vec<Period> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"\b(?:(minutely|hourly|daily|nightly|weekly|monthly|yearly|annually)|(?:every|each|once an?|once per|per)\s+(?:\d+\s+|[a-z]+\s+)?(minutes?|hours?|days?|nights?|mornings?|evenings?|weeks?|months?|years?|monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
        )
        .expect("valid pattern")
    });
    re.captures_iter(text)
        .filter_map(|c| {
            let word = c.get(1).or_else(|| c.get(2))?.as_str();
            Some(match word.trim_end_matches('s') {
                "minutely" | "minute" => Period::Minutes,
                "hourly" | "hour" => Period::Hours,
                "daily" | "nightly" | "day" | "night" | "morning" | "evening" => Period::Days,
                "weekly" | "week" | "monday" | "tuesday" | "wednesday" | "thursday" | "friday"
                | "saturday" | "sunday" => Period::Weeks,
                "monthly" | "month" => Period::Months,
                _ => Period::Years,
            })
        })
        .collect()
}

/// Whether the explanation says the action runs at another frequency than its schedule (every
/// day for a cron line that runs every five minutes or every Monday).
pub(super) fn misstated_schedule(key: &TeachBackKey, text: &str) -> bool {
    let own = action_periods(key);
    if own.is_empty() {
        return false;
    }
    stated_periods(text)
        .iter()
        .any(|p| !own.iter().any(|periods| periods.contains(p)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenge::teach_back::generate;
    use crate::config::TeachBackPolicy;
    use crate::context::ActionContext;

    fn key(schedule: &str) -> TeachBackKey {
        let ctx = ActionContext::new("add_cron_job")
            .with_kwarg("schedule", schedule)
            .with_kwarg("command", "/opt/backup/run.sh");
        crate::challenge::teach_back_key::key_for(&ctx)
    }

    #[test]
    fn a_schedule_said_at_another_frequency_is_misstated() {
        let weekly = key("0 3 * * 1");
        assert!(misstated_schedule(
            &weekly,
            "runs the backup every day at 3"
        ));
        assert!(!misstated_schedule(
            &weekly,
            "runs the backup every monday at 3"
        ));
        assert!(!misstated_schedule(
            &weekly,
            "runs the backup once a week at 3 am"
        ));
        let often = key("*/5 * * * *");
        assert!(misstated_schedule(&often, "runs it once a day at five"));
        assert!(!misstated_schedule(&often, "runs it every 5 minutes"));
        let nightly = key("30 2 * * *");
        assert!(!misstated_schedule(&nightly, "runs it every night at 2:30"));
        assert!(misstated_schedule(&nightly, "runs it hourly"));
        let plain = ActionContext::new("run_shell").with_kwarg("command", "ls -la 1 2 3 4 5");
        let plain = generate(&plain, &[], &TeachBackPolicy::default()).1;
        assert!(!misstated_schedule(&plain, "lists it every day"));
    }
}
