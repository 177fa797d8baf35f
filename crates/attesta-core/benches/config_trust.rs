//! Costs of loading the configuration and of the trust maths on the decision path.

use std::hint::black_box;

use attesta_core::config_parse::{ConfigFormat, DEFAULT_CONFIG_YAML, parse_config};
use attesta_core::trust::{TrustEvent, TrustParams, TrustRecord, apply_trust};
use attesta_core::{RiskAssessment, RiskLevel};
use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;

fn config(c: &mut Criterion) {
    let no_env = |_: &str| None;
    c.bench_function("parse_config/default_template_yaml", |b| {
        b.iter(|| {
            parse_config(
                black_box(DEFAULT_CONFIG_YAML),
                ConfigFormat::Yaml,
                "attesta.yaml",
                &no_env,
            )
            .unwrap()
        })
    });
    let json = serde_json::to_string(&attesta_core::config::Config::default()).unwrap();
    c.bench_function("parse_config/defaults_json", |b| {
        b.iter(|| {
            parse_config(
                black_box(&json),
                ConfigFormat::Json,
                "attesta.json",
                &no_env,
            )
            .unwrap()
        })
    });
}

fn trust(c: &mut Criterion) {
    let params = TrustParams::default();
    let t0 = Timestamp::from_second(1_750_000_000).unwrap();
    let mut record = TrustRecord::new(&params, t0);
    for _ in 0..20 {
        record.record(
            &params,
            TrustEvent::Approved {
                level: RiskLevel::High,
                human_reviewed: true,
            },
            t0,
        );
    }
    let later = Timestamp::from_second(1_750_100_000).unwrap();
    c.bench_function("trust/score", |b| {
        b.iter(|| black_box(&record).score(&params, later))
    });
    c.bench_function("trust/record", |b| {
        b.iter(|| {
            let mut r = record.clone();
            r.record(
                &params,
                TrustEvent::Denied {
                    level: RiskLevel::Medium,
                },
                later,
            );
            r
        })
    });
    let assessment = RiskAssessment::from_score(0.7, "default", Vec::new());
    c.bench_function("trust/apply_trust", |b| {
        b.iter(|| {
            let mut a = assessment.clone();
            apply_trust(&mut a, black_box(0.8), 0.3);
            a
        })
    });
}

criterion_group!(benches, config, trust);
criterion_main!(benches);
