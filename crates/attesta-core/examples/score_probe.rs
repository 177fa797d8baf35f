//! CPU-time probe for the scorer's hot paths, for machines too busy for criterion's wall clock:
//! `cargo run --release -p attesta-core --example score_probe [ITERATIONS]`.
//! Prints microseconds of process CPU time (user + system, from `/proc/self/stat`) per call.
//! `PROBE_ONLY=one_mb` runs only the cases whose name contains `one_mb`; `PROBE_PARTS=1` adds
//! the parts of a session's result bookkeeping.
#![allow(clippy::print_stdout)]

use std::hint::black_box;

use attesta_core::scoring::{DefaultRiskScorer, RiskScorer};
use attesta_core::{ActionContext, Session};

fn cpu_micros() -> f64 {
    // utime and stime are fields 14 and 15 of /proc/self/stat, in clock ticks (100 Hz).
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks * 10_000.0
}

fn measure(name: &str, n: usize, mut f: impl FnMut()) {
    // PROBE_ONLY=text runs only the cases whose name contains it (for a profiler).
    if std::env::var("PROBE_ONLY").is_ok_and(|only| !name.contains(only.as_str())) {
        return;
    }
    f();
    let start = cpu_micros();
    let wall = std::time::Instant::now();
    for _ in 0..n {
        f();
    }
    let cpu = (cpu_micros() - start) / n as f64;
    let wall = wall.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!("{name:<40} cpu {cpu:>10.2} µs/op   wall {wall:>10.2} µs/op   ({n} ops)");
}

/// A megabyte of report text whose lines differ (numbers, ids, hosts, paths, names), so no
/// line or token repeats the way a repeated line does.
fn varied_megabyte() -> String {
    const TEMPLATES: &[&str] = &[
        "Line {n}: revenue in region {r} grew {p}.{q}% to {a},{b}00 EUR; see https://intranet{r}.example/reports/{n} for details.",
        "- Ticket #{n} closed by dev{r}@example.com after {p} days; logs in /var/log/app/{n}.log",
        "| {n} | order-{a}{b} | {p} items | {a}.{q} USD | shipped to warehouse {r} |",
        "Meeting notes {n}: the team agreed to move the release of build {a}.{b}.{q} to week {p}.",
        "Customer {a}{n} asked about invoice INV-{b}{q}; reply sent from support{r}@example.org.",
        "See docs/section-{n}/index.md and the diagram at https://cdn{r}.example.net/img/{a}{b}.png",
        "Sensor {r}-{n} reported {p}.{q} C at 10:{b} and {a} kPa; no action needed.",
        "Q{r} forecast: {a},{b}00 units across {p} markets (plan v{q}), owner team-{n}.",
    ];
    let mut out = String::with_capacity(1_100_000);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut n = 0u64;
    while out.len() < 1_048_576 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let t = TEMPLATES[(x % TEMPLATES.len() as u64) as usize];
        n += 1;
        let line = t
            .replace("{n}", &n.to_string())
            .replace("{r}", &((x >> 8) % 40).to_string())
            .replace("{p}", &((x >> 16) % 90 + 1).to_string())
            .replace("{q}", &((x >> 24) % 10).to_string())
            .replace("{a}", &((x >> 32) % 900 + 100).to_string())
            .replace("{b}", &((x >> 40) % 90 + 10).to_string());
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    let scorer = DefaultRiskScorer::new();
    let typical = ActionContext::new("mcp__github__create_issue")
        .with_kwarg("owner", "acme")
        .with_kwarg("repo", "payments-service")
        .with_kwarg("title", "Retry webhook deliveries on 502")
        .with_kwarg(
            "body",
            "Deliveries to https://hooks.example.com fail intermittently; add back-off.",
        );
    let shell = ActionContext::new("Bash")
        .with_kwarg(
            "command",
            "cd /srv/app && git pull --rebase && cargo build --release 2>&1 | tail -20",
        )
        .with_kwarg("description", "Update and build the service");
    let line = "Quarterly report line 0042: revenue grew 4.2% to 1,250,000 EUR; see https://intranet.example/reports/q3 for details.\n";
    let big = ActionContext::new("write_file")
        .with_kwarg("path", "reports/q3.md")
        .with_kwarg("content", line.repeat(1_048_576 / line.len()));
    let varied = ActionContext::new("write_file")
        .with_kwarg("path", "reports/q3.md")
        .with_kwarg("content", varied_megabyte());
    let send = ActionContext::new("send_email")
        .with_kwarg("to", "bob@acme.io")
        .with_kwarg("subject", "Notes")
        .with_kwarg("body", "The notes from today's meeting.");
    let base = scorer.score(&send);
    let result =
        "Search results: 1. Lasagne with ricotta and spinach, 45 minutes, serves 6. ".repeat(28);
    // Everyday words ("you", "your", "email", "any") that some injection phrases are made of.
    let everyday = "Thank you for your order #4471. Your parcel ships on Monday; you can track it \
                    any time and we will email you when it is delivered. "
        .repeat(14);
    let mut session = Session::new();
    session.user_request("Email bob@acme.io the notes from today's meeting");

    measure("default/typical_4_args", n, || {
        black_box(scorer.score(black_box(&typical)));
    });
    measure("default/shell_command", n, || {
        black_box(scorer.score(black_box(&shell)));
    });
    measure("default/one_mb_argument", (n / 2_000).max(20), || {
        black_box(scorer.score(black_box(&big)));
    });
    measure(
        "default/one_mb_argument_varied",
        (n / 2_000).max(20),
        || {
            black_box(scorer.score(black_box(&varied)));
        },
    );
    measure("session/user_request_event", n, || {
        let mut s = Session::new();
        s.user_request(black_box(
            "Email bob@acme.io the notes from today's meeting",
        ));
        black_box(s);
    });
    measure("session/observe_result_2kb", n / 10, || {
        let mut s = Session::new();
        s.observe_result(black_box(&result));
        black_box(s);
    });
    measure("session/observe_result_2kb_everyday_words", n / 10, || {
        let mut s = Session::new();
        s.observe_result(black_box(&everyday));
        black_box(s);
    });
    // A long session: its buffers of trusted results are full, so each result evicts old text.
    let mut long = Session::new();
    for _ in 0..64 {
        long.observe_result(&everyday);
    }
    measure("session/observe_result_2kb_full_session", n / 10, || {
        long.observe_result(black_box(&everyday));
    });
    if std::env::var_os("PROBE_PARTS").is_some() {
        for (label, text) in [("search", &result), ("everyday", &everyday)] {
            measure(&format!("parts/{label}/injection_evidence"), n / 10, || {
                black_box(attesta_core::session::injection_evidence(black_box(text)));
            });
            measure(&format!("parts/{label}/carries_secrets"), n / 10, || {
                black_box(attesta_core::session::carries_secrets(black_box(text)));
            });
            measure(&format!("parts/{label}/digits_of"), n / 10, || {
                black_box(attesta_core::session::digits_of(black_box(text)));
            });
            measure(&format!("parts/{label}/to_lowercase"), n / 10, || {
                black_box(black_box(text).to_lowercase());
            });
        }
    }
    measure("session/adjust_call", n, || {
        black_box(session.adjust(black_box(&send), base.clone()));
    });
}
