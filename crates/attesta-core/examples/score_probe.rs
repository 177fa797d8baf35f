//! CPU-time probe for the scorer's hot paths, for machines too busy for criterion's wall clock:
//! `cargo run --release -p attesta-core --example score_probe [ITERATIONS]`.
//! Prints microseconds of process CPU time (user + system, from `/proc/self/stat`) per call.
//! `PROBE_ONLY=one_mb` runs only the cases whose name contains `one_mb`; `PROBE_PARTS=1` adds
//! the parts of a session's result bookkeeping.
#![allow(clippy::print_stdout)]

use std::hint::black_box;

use attesta_core::scoring::{DefaultRiskScorer, RiskScorer};
use attesta_core::{ActionContext, Session};

#[path = "../benches/fixtures/mod.rs"]
mod fixtures;

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

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    let scorer = DefaultRiskScorer::new();
    let typical = fixtures::typical_call();
    let shell = fixtures::shell_call();
    let big = fixtures::one_mb_payload();
    let varied = fixtures::one_mb_varied_payload();
    let send = ActionContext::new("send_email")
        .with_kwarg("to", "bob@acme.io")
        .with_kwarg("subject", "Notes")
        .with_kwarg("body", "The notes from today's meeting.");
    let base = scorer.score(&send);
    let result = fixtures::tool_result_2kb();
    let everyday = fixtures::everyday_result_2kb();
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
