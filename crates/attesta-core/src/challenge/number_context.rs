//! Numbers in an explanation that are not claims about the action's quantities: the digits of
//! a name ("Microsoft 365", "Route 53", "a 404"), the visible end of a shortened code
//! ("i-0a1b…0718", "DE89…3000"), a secret the approver read before it was redacted
//! ("Temp#2026-Dec!"), an address range the action opens ("10.20.x.x"); and numbers the action
//! implies without writing them (an identity restarted at 1, what a signed percentage leaves).

use std::sync::OnceLock;

use regex::Regex;

use super::teach_back::TeachBackKey;

struct Patterns {
    named: Regex,
    token_standard: Regex,
    worked_example: Regex,
    ellipsis: Regex,
    range: Regex,
    signed_percent: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        // Names with digits in them, and the status code people quote for what is gone (not
        // a token standard: "ERC-20" for a Tron transfer names the wrong network).
        named: Regex::new(
            r"\b(?:(?:microsoft|office|m)\s?365|route\s?53|s&p\s?500|http\s?404|404)\b",
        )
        .expect("valid regex"),
        // "USDC (ERC-20)", "the TRC-20 network": a token standard, a name when it is the
        // action's chain's.
        token_standard: Regex::new(r"\b(erc|trc|bep)[- ]?(?:20|721|1155)\b").expect("valid regex"),
        // "a 100.00 item becomes 70.00", "2.500 cents -> 2.700": a number and what the action
        // makes of it.
        worked_example: Regex::new(
            r"(\d[\d,.]*)(?:\s+[a-z$€£¥]+){0,3}\s+(?:becomes|->|→|turns into|goes to|would be|is now)\s+[^\d\s]{0,4}\s?(\d[\d,.]*)",
        )
        .expect("valid regex"),
        // An ellipsis with the code's visible start before it and its end after it.
        ellipsis: Regex::new(r"([0-9a-z]*)\s?(?:\.{2,}|…)\s?([0-9a-z]*)").expect("valid regex"),
        // "10.20.x.x", "10.40.*", "the 185.220 range", "10.0.0.0/8".
        range: Regex::new(r"\b(\d{1,3}(?:\.\d{1,3}){1,3})(?:(?:\.(?:x|\*))+|\s+range|/\d{1,2})")
            .expect("valid regex"),
        signed_percent: Regex::new(r"(?:^|[^0-9a-z.])([+-]\d{1,2}(?:\.\d+)?)\s?%")
            .expect("valid regex"),
    })
}

/// Blanks (with spaces, so every other byte keeps its place) the digits of `text` (lowercase)
/// that name something rather than state a quantity of the action.
pub(super) fn mask_context(key: &TeachBackKey, text: &str) -> String {
    let p = patterns();
    let mut spans: Vec<(usize, usize)> = p
        .named
        .find_iter(text)
        .map(|m| (m.start(), m.end()))
        .collect();
    let dump = &key.argument_dump;
    for c in p.token_standard.captures_iter(text) {
        let chain: &[&str] = match &c[1] {
            "erc" => &[
                "erc", "ethereum", "\"eth\"", "0x", "arbitrum", "polygon", "optimism",
            ],
            "trc" => &["trc", "tron", "trx"],
            _ => &["bep", "bsc", "bnb", "binance smart chain"],
        };
        if chain.iter().any(|w| dump.contains(w)) {
            let m = c.get(0).expect("match");
            spans.push((m.start(), m.end()));
        }
    }
    // A worked example of a factor or percentage the action applies: the example's numbers
    // are no claim about the action when the second is the first times that factor.
    let factors = applied_factors(dump);
    for c in p.worked_example.captures_iter(text) {
        let (a, b) = (c.get(1).expect("group"), c.get(2).expect("group"));
        let results = super::numbers::numbers_in(b.as_str());
        let fits = super::numbers::numbers_in(a.as_str()).iter().any(|x| {
            results.iter().any(|y| {
                *x != 0.0
                    && factors
                        .iter()
                        .any(|f| ((y / x) - f).abs() <= 0.015 * f.abs())
            })
        });
        if fits {
            spans.extend([(a.start(), a.end()), (b.start(), b.end())]);
        }
    }
    // The action's strings with their inner spaces removed, so an IBAN written in groups ends
    // the way its compact form does.
    let compact: String = dump.chars().filter(|c| !c.is_whitespace()).collect();
    let part_of = |run: &str, at_start: bool| {
        run.len() >= 3
            && [dump.as_str(), compact.as_str()]
                .iter()
                .any(|hay| in_word_at(hay, run, at_start))
    };
    fn in_word_at(hay: &str, run: &str, at_start: bool) -> bool {
        hay.match_indices(run).any(|(at, _)| {
            let bytes = hay.as_bytes();
            if at_start {
                at == 0 || !bytes[at - 1].is_ascii_alphanumeric()
            } else {
                bytes
                    .get(at + run.len())
                    .is_none_or(|b| !b.is_ascii_alphanumeric())
            }
        })
    }
    for c in p.ellipsis.captures_iter(text) {
        for (i, at_start) in [(1, true), (2, false)] {
            if let Some(m) = c.get(i)
                && part_of(m.as_str(), at_start)
            {
                spans.push((m.start(), m.end()));
            }
        }
    }
    for c in p.range.captures_iter(text) {
        let prefix = c.get(1).expect("group");
        if dump.contains(&format!("{}.", prefix.as_str()))
            || dump.contains(&format!("{}/", prefix.as_str()))
        {
            spans.push((prefix.start(), prefix.end()));
        }
    }
    // A value the action's display hides ("[REDACTED]") may still be quoted by the one who
    // set it: a word of letters, digits and a symbol inside ("Tmp!8842-Kiwi").
    if dump.contains("[redacted") {
        let mut at = 0;
        for word in text.split(char::is_whitespace) {
            let core = word.trim_end_matches(['.', ',', ';', ':', ')', '\'', '"']);
            let letters = core.chars().filter(|c| c.is_alphabetic()).count();
            let symbol_inside = core
                .char_indices()
                .skip(1)
                .any(|(_, c)| "#!&%^*~?".contains(c));
            if letters >= 2 && symbol_inside && core.chars().any(|c| c.is_ascii_digit()) {
                spans.push((at, at + core.len()));
            }
            at += word.len() + 1;
        }
    }
    let mut bytes = text.as_bytes().to_vec();
    for (s, e) in spans {
        for b in &mut bytes[s..e.min(text.len())] {
            if b.is_ascii_digit() {
                *b = b' ';
            }
        }
    }
    // Only ASCII digits were replaced.
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_owned())
}

/// Numbers the action implies without writing them: 1 for an identity it restarts
/// (`RESTART IDENTITY`: "ids start again from 1"), what a signed percentage leaves and its
/// factor (`"-60%"`: "40 % of the price", "× 0.4").
pub(super) fn implied_numbers(key: &TeachBackKey) -> Vec<f64> {
    let dump = &key.argument_dump;
    let mut out = Vec::new();
    if dump.contains("restart identity") {
        out.push(1.0);
    }
    for c in patterns().signed_percent.captures_iter(dump).take(16) {
        if let Ok(p) = c[1].parse::<f64>() {
            out.extend(left_by_percent(p));
        }
    }
    out
}

/// What a percentage change `p` leaves, states or multiplies by: -35 is "65 %", "135 %" for
/// +35 and "x 0.65".
pub(super) fn left_by_percent(p: f64) -> [f64; 3] {
    [100.0 - p.abs(), 100.0 + p, (100.0 + p) / 100.0]
}

/// The factors an action may apply to a price or a limit: its numbers as multipliers (`x 1.15`,
/// `10x`) and as percentages (`-30`: 0.7; `15`: 1.15, 0.85 and 0.15), at most 64 numbers.
fn applied_factors(dump: &str) -> Vec<f64> {
    let mut out = Vec::new();
    for n in super::numbers::numbers_in(dump).into_iter().take(64) {
        if n != 0.0 && n.abs() <= 1000.0 {
            out.push(n.abs());
        }
        if n.abs() < 100.0 {
            out.extend([
                1.0 + n / 100.0,
                1.0 - n.abs() / 100.0,
                1.0 + n.abs() / 100.0,
                n.abs() / 100.0,
            ]);
        }
    }
    out.retain(|f| *f > 0.0 && *f != 1.0);
    out
}

/// `a` rounded to `digits` significant digits.
fn significant(a: f64, digits: i32) -> f64 {
    if a == 0.0 || !a.is_finite() {
        return a;
    }
    let scale = 10f64.powi(digits - 1 - a.abs().log10().floor() as i32);
    (a * scale).round() / scale
}

/// Whether `v`, said to be approximate, is one of `candidates` rounded: within 1 %, or to two
/// or three significant digits ("about 1.3k" for 1,327; "roughly 62k" for 340 × 182.55).
pub(super) fn rounded_from(v: f64, candidates: &[f64]) -> bool {
    candidates.iter().any(|a| {
        *a != 0.0
            && (((a - v) / a).abs() <= 0.01 || significant(*a, 2) == v || significant(*a, 3) == v)
    })
}

/// The products of two of `factors` (a quantity at a price: 340 SOL at 182.55), at most 64
/// factors.
pub(super) fn products(factors: &[f64]) -> Vec<f64> {
    let f = &factors[..factors.len().min(64)];
    let mut out = Vec::new();
    for (i, a) in f.iter().enumerate() {
        for b in &f[i + 1..] {
            out.push(a * b);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenge::rules_verdict;
    use crate::challenge::teach_back_key::key_for;
    use crate::context::ActionContext;

    /// The rules' reason for `text` about `ctx` (`None`: they accept).
    fn verdict(ctx: &ActionContext, text: &str) -> Option<String> {
        rules_verdict(&key_for(ctx), text)
    }

    #[test]
    fn numbers_the_action_implies_or_names_pass_and_others_do_not() {
        let mute = ActionContext::new("datadog_mute_monitor")
            .with_kwarg("monitor_id", 88_120_447)
            .with_kwarg("scope", "env:prod")
            .with_kwarg("end", 1_735_689_600);
        let honest = "Mutes Datadog monitor 88120447 for env:prod until 1 January 2025 00:00 UTC, so prod alerts from it notify nobody until then.";
        assert_eq!(verdict(&mute, honest), None);
        let wrong = "Mutes Datadog monitor 88120447 for env:prod until 3 January 2025 00:00 UTC, so prod alerts from it notify nobody until then.";
        assert!(verdict(&mute, wrong).is_some());

        let truncate = ActionContext::new("Bash").with_kwarg(
            "command",
            "psql \"$DATABASE_URL\" -c \"TRUNCATE audit_log RESTART IDENTITY;\"",
        );
        let honest = "This empties the entire audit_log table: all audit history is erased and the ids start again from 1, so the records are lost.";
        assert_eq!(verdict(&truncate, honest), None);
        let wrong = "This empties the entire audit_log table: all audit history is erased and the ids start again from 5, so the records are lost.";
        assert!(verdict(&truncate, wrong).is_some());

        let terminate = ActionContext::new("Bash").with_kwarg(
            "command",
            "aws ec2 terminate-instances --instance-ids i-0a1b2c3d4e5f60718 i-0f9e8d7c6b5a40312 --region eu-west-1",
        );
        let honest = "Terminates the 2 EC2 instances i-0a1b...0718 and i-0f9e...0312 in eu-west-1; their local disks are deleted too.";
        assert_eq!(verdict(&terminate, honest), None);
        let wrong = "Terminates the 2 EC2 instances i-0a1b...0719 and i-0f9e...0312 in eu-west-1; their local disks are deleted too.";
        assert!(verdict(&terminate, wrong).is_some());

        let order = ActionContext::new("binance_new_order")
            .with_kwarg("symbol", "SOLUSDT")
            .with_kwarg("side", "SELL")
            .with_kwarg("quantity", "340")
            .with_kwarg("price", "182.55");
        let honest = "Limit sell of 340 SOL at 182.55 USDT each on Binance, roughly 62k USDT if it fills completely.";
        assert_eq!(verdict(&order, honest), None);
        let wrong = "Limit sell of 340 SOL at 182.55 USDT each on Binance, roughly 95k USDT if it fills completely.";
        assert!(verdict(&order, wrong).is_some());
    }

    #[test]
    fn a_token_standard_of_the_actions_chain_is_a_name() {
        let withdraw = ActionContext::new("binance_withdraw")
            .with_kwarg("coin", "USDT")
            .with_kwarg("network", "TRX")
            .with_kwarg("address", "TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9")
            .with_kwarg("amount", 25000);
        let honest = "Withdraws 25,000 USDT from our Binance account over the Tron (TRC-20) network to the external address TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9.";
        assert_eq!(verdict(&withdraw, honest), None);
        let wrong = "Withdraws 25,000 USDT from our Binance account as an ERC-20 transfer to the external address TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9.";
        assert!(verdict(&withdraw, wrong).is_some_and(|r| r.contains("number")));
    }

    #[test]
    fn lengths_and_months_are_checked_against_the_actions_times_and_dates() {
        let call = ActionContext::new("create_calendar_event")
            .with_kwarg("title", "Intro call")
            .with_kwarg("start_time", "2024-06-03 09:00")
            .with_kwarg("end_time", "2024-06-03 09:30")
            .with_kwarg("participants", serde_json::json!(["alex.chen@gmail.com"]));
        let honest = "Schedules a 30 minute intro call on 3 June starting at 9:00 and sends the invite to alex.chen@gmail.com right away.";
        assert_eq!(verdict(&call, honest), None);
        let wrong = "Schedules a two hour intro call on 3 June starting at 9:00 and sends the invite to alex.chen@gmail.com right away.";
        assert!(verdict(&call, wrong).is_some_and(|r| r.contains("number")));
        // Round the clock: 22:00 to 06:00 is eight hours.
        let window = ActionContext::new("pagerduty_create_maintenance_window")
            .with_kwarg("service_ids", serde_json::json!(["PX7K2LQ"]))
            .with_kwarg("start_time", "2026-12-05T22:00:00Z")
            .with_kwarg("end_time", "2026-12-06T06:00:00Z")
            .with_kwarg("description", "DB failover drill");
        let honest = "Silences alerting on PX7K2LQ for eight hours from 22:00 on December 5 during the DB failover drill, then paging resumes.";
        assert_eq!(verdict(&window, honest), None);
        // A minute count told in hours.
        let unlock = ActionContext::new("unlock_door")
            .with_kwarg("lock", "front-door")
            .with_kwarg("duration_minutes", 15);
        let wrong = "Unlocks the front-door lock for the cleaner and leaves it unlocked for 15 hours until the evening, then it locks again.";
        assert!(verdict(&unlock, wrong).is_some());
        // A month of a year outside the action's dates.
        let access = ActionContext::new("smart_lock_grant_access")
            .with_kwarg("lock_id", "frontdoor-elm-st")
            .with_kwarg("guest_name", "Tomasz Nowak")
            .with_kwarg("valid_until", "2024-12-31");
        let honest = "Gives Tomasz Nowak recurring access to the frontdoor-elm-st lock, valid until the end of December 2024, then it expires.";
        assert_eq!(verdict(&access, honest), None);
        let wrong = "Gives Tomasz Nowak recurring access to the frontdoor-elm-st lock, valid until the end of June 2024, then it expires.";
        assert!(verdict(&access, wrong).is_some_and(|r| r.contains("date")));
    }

    #[test]
    fn a_quoted_hidden_value_is_not_a_foreign_number() {
        let reset = ActionContext::new("azure_ad_reset_password")
            .with_kwarg("user_principal_name", "m.lindqvist@fjordline-group.com")
            .with_kwarg("new_password", "[REDACTED:password]");
        let honest = "Resets the Azure AD password of m.lindqvist@fjordline-group.com to Temp#2026-Dec! so the old password stops working.";
        assert_eq!(verdict(&reset, honest), None);
    }

    #[test]
    fn rounding_is_to_two_or_three_digits_or_one_percent() {
        assert!(rounded_from(1300.0, &[1327.0]));
        assert!(rounded_from(62_000.0, &[340.0 * 182.55]));
        assert!(rounded_from(18_371.0, &[3000.0 * 6.1237]));
        assert!(!rounded_from(1000.0, &[1327.0]));
        assert!(!rounded_from(50_000.0, &[48_500.0]));
        assert_eq!(products(&[2.0, 3.0, 4.0]), vec![6.0, 8.0, 12.0]);
    }
}
