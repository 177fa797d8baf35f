//! Scoring cost: the default scorer on typical calls and the engine with a domain profile.
//!
//! `cargo bench -p attesta-core --bench scoring -- --warm-up-time 1 --measurement-time 3`
//!
//! Each case runs twice: `wall/…` with criterion's wall clock, and `cpu/…` with the time the
//! benchmark thread actually spent on a CPU (from `/proc/thread-self/schedstat`), which stays
//! meaningful on a machine shared with other work. Off Linux the `cpu/` group is skipped.

use std::hint::black_box;
use std::sync::Arc;

use attesta_core::config::{DomainProfile, RiskConfig};
use attesta_core::scoring::{DefaultRiskScorer, RiskEngine, RiskScorer};
use attesta_core::{ActionContext, Session};
use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

mod fixtures;
use fixtures::*;

fn session_cases<M: Measurement + 'static>(c: &mut Criterion<M>, prefix: &str) {
    let scorer = DefaultRiskScorer::new();
    let send = ActionContext::new("send_email")
        .with_kwarg("to", "bob@acme.io")
        .with_kwarg("subject", "Notes")
        .with_kwarg("body", "The notes from today's meeting.");
    let base = scorer.score(&send);
    let result = tool_result_2kb();
    let mut session = Session::new();
    session.user_request("Email bob@acme.io the notes from today's meeting");
    session.observe_result(&result);
    c.bench_function(&format!("{prefix}/session/user_request_event"), |b| {
        b.iter(|| {
            let mut s = Session::new();
            s.user_request(black_box(
                "Email bob@acme.io the notes from today's meeting",
            ));
            s
        })
    });
    c.bench_function(&format!("{prefix}/session/observe_result_2kb"), |b| {
        b.iter(|| {
            let mut s = Session::new();
            s.observe_result(black_box(&result));
            s
        })
    });
    let everyday = everyday_result_2kb();
    c.bench_function(
        &format!("{prefix}/session/observe_result_2kb_everyday_words"),
        |b| {
            b.iter(|| {
                let mut s = Session::new();
                s.observe_result(black_box(&everyday));
                s
            })
        },
    );
    c.bench_function(&format!("{prefix}/session/assess_call_in_context"), |b| {
        b.iter(|| session.clone().assess(black_box(&send), base.clone()))
    });
    let big = one_mb_payload();
    c.bench_function(&format!("{prefix}/default/one_mb_argument"), |b| {
        b.iter(|| scorer.score(black_box(&big)))
    });
    let varied = one_mb_varied_payload();
    c.bench_function(&format!("{prefix}/default/one_mb_argument_varied"), |b| {
        b.iter(|| scorer.score(black_box(&varied)))
    });
}

fn cases<M: Measurement + 'static>(c: &mut Criterion<M>, prefix: &str) {
    session_cases(c, prefix);
    let scorer = DefaultRiskScorer::new();
    let typical = typical_call();
    let shell = shell_call();
    let big = big_payload();
    c.bench_function(&format!("{prefix}/default/typical_4_args"), |b| {
        b.iter(|| scorer.score(black_box(&typical)))
    });
    c.bench_function(&format!("{prefix}/default/shell_command"), |b| {
        b.iter(|| scorer.score(black_box(&shell)))
    });
    c.bench_function(
        &format!("{prefix}/default/big_nested_payload_200_records"),
        |b| b.iter(|| scorer.score(black_box(&big))),
    );

    let risk = RiskConfig {
        profiles: vec![DomainProfile {
            name: "devops".into(),
            ..Default::default()
        }],
        environment_multipliers: [("production".to_owned(), 1.2)].into_iter().collect(),
        ..Default::default()
    };
    let engine = RiskEngine::new(Arc::new(DefaultRiskScorer::new()), &risk).expect("valid config");
    c.bench_function(
        &format!("{prefix}/engine/typical_4_args_with_devops_profile"),
        |b| b.iter(|| engine.assess(black_box(&typical), None, "production")),
    );
}

fn wall(c: &mut Criterion) {
    cases(c, "wall");
}

/// The CPU-time clock only advances at scheduler ticks, so each iteration runs a batch of calls
/// long enough to span many ticks; divide the reported time by the batch size.
fn cpu(c: &mut Criterion<OnCpuTime>) {
    if OnCpuTime::read().is_none() {
        return;
    }
    const BATCH: usize = 2_000;
    let scorer = DefaultRiskScorer::new();
    let typical = typical_call();
    let shell = shell_call();
    let big = big_payload();
    let risk = RiskConfig {
        profiles: vec![DomainProfile {
            name: "devops".into(),
            ..Default::default()
        }],
        environment_multipliers: [("production".to_owned(), 1.2)].into_iter().collect(),
        ..Default::default()
    };
    let engine = RiskEngine::new(Arc::new(DefaultRiskScorer::new()), &risk).expect("valid config");
    let mut group = c.benchmark_group("cpu");
    group.sampling_mode(SamplingMode::Flat).sample_size(20);
    group.bench_function("default/typical_4_args_x2000", |b| {
        b.iter(|| (0..BATCH).for_each(|_| drop(black_box(scorer.score(black_box(&typical))))))
    });
    group.bench_function("default/shell_command_x2000", |b| {
        b.iter(|| (0..BATCH).for_each(|_| drop(black_box(scorer.score(black_box(&shell))))))
    });
    group.bench_function("default/big_nested_payload_200_records_x20", |b| {
        b.iter(|| (0..20).for_each(|_| drop(black_box(scorer.score(black_box(&big))))))
    });
    group.bench_function("engine/typical_4_args_with_devops_profile_x2000", |b| {
        b.iter(|| {
            (0..BATCH).for_each(|_| {
                drop(black_box(engine.assess(
                    black_box(&typical),
                    None,
                    "production",
                )))
            })
        })
    });
    group.finish();
}

/// Nanoseconds this thread has run on a CPU, excluding time spent waiting for one.
struct OnCpuTime;

impl OnCpuTime {
    fn read() -> Option<u64> {
        let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        text.split_whitespace().next()?.parse().ok()
    }
}

impl Measurement for OnCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        Self::read().unwrap_or(0)
    }
    fn end(&self, start: u64) -> u64 {
        Self::read().unwrap_or(0).saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &NanosFormatter
    }
}

struct NanosFormatter;

impl ValueFormatter for NanosFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (divisor, unit) = if typical < 1e3 {
            (1.0, "ns")
        } else if typical < 1e6 {
            (1e3, "µs")
        } else if typical < 1e9 {
            (1e6, "ms")
        } else {
            (1e9, "s")
        };
        for v in values {
            *v /= divisor;
        }
        unit
    }

    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let per_iter = match throughput {
            Throughput::Bytes(n)
            | Throughput::BytesDecimal(n)
            | Throughput::Elements(n)
            | Throughput::Bits(n) => *n as f64,
            _ => 1.0,
        };
        for v in values {
            *v = per_iter * 1e9 / v.max(1.0);
        }
        "per cpu-second"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

criterion_group!(wall_clock, wall);
criterion_group! {
    name = cpu_time;
    config = Criterion::default().with_measurement(OnCpuTime);
    targets = cpu
}
criterion_main!(wall_clock, cpu_time);
