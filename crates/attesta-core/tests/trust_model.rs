//! The trust model's promises (SPEC §6): slow to trust, capped, decays, revocable, and never
//! able to raise a risk score or touch CRITICAL and overridden assessments.

use attesta_core::trust::{TrustEvent, TrustParams, TrustRecord, apply_trust};
use attesta_core::{RiskAssessment, RiskLevel};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

fn t0() -> Timestamp {
    Timestamp::from_second(1_750_000_000).unwrap()
}

fn after_days(days: f64) -> Timestamp {
    t0().checked_add(SignedDuration::from_secs_f64(days * 86_400.0))
        .unwrap()
}

fn approved(level: RiskLevel) -> TrustEvent {
    TrustEvent::Approved {
        level,
        human_reviewed: true,
    }
}

#[test]
fn one_approval_stays_far_below_the_ceiling() {
    let params = TrustParams::default();
    for level in RiskLevel::ALL {
        let mut record = TrustRecord::new(&params, t0());
        record.record(&params, approved(*level), t0());
        let score = record.score(&params, t0());
        assert!(
            score > params.initial_score,
            "{level}: an approval raises trust"
        );
        assert!(
            score < 0.5,
            "{level}: one approval must not make an agent trusted, got {score}"
        );
        assert!(params.ceiling - score > 0.4);
    }
}

#[test]
fn many_approvals_approach_but_never_exceed_the_ceiling() {
    let params = TrustParams::default();
    let mut record = TrustRecord::new(&params, t0());
    let mut previous = record.score(&params, t0());
    for i in 0..500 {
        let now = t0().checked_add(SignedDuration::from_secs(i * 60)).unwrap();
        record.record(&params, approved(RiskLevel::High), now);
        let score = record.score(&params, now);
        assert!(
            score <= params.ceiling,
            "approval {i}: {score} above the ceiling"
        );
        assert!(score >= previous - 1e-12, "approvals never lower trust");
        previous = score;
    }
    assert!(
        params.ceiling - previous < 1e-9,
        "500 approvals reach the ceiling, got {previous}"
    );
    assert_eq!(record.approvals, 500);
}

#[test]
fn a_denial_lowers_trust() {
    let params = TrustParams::default();
    let mut record = TrustRecord::new(&params, t0());
    for _ in 0..5 {
        record.record(&params, approved(RiskLevel::Medium), t0());
    }
    let before = record.score(&params, t0());
    record.record(
        &params,
        TrustEvent::Denied {
            level: RiskLevel::Medium,
        },
        t0(),
    );
    let after = record.score(&params, t0());
    assert!(after < before, "{after} should be below {before}");
    assert_eq!(record.denials, 1);

    // With a prior above zero a first denial goes below it; with the default (0) it stays at 0.
    let primed = TrustParams {
        initial_score: 0.3,
        ..params
    };
    let mut fresh = TrustRecord::new(&primed, t0());
    fresh.record(
        &primed,
        TrustEvent::Denied {
            level: RiskLevel::Low,
        },
        t0(),
    );
    assert!(fresh.score(&primed, t0()) < primed.initial_score);
    let mut fresh = TrustRecord::new(&params, t0());
    fresh.record(
        &params,
        TrustEvent::Denied {
            level: RiskLevel::Low,
        },
        t0(),
    );
    assert_eq!(fresh.score(&params, t0()), 0.0);
}

#[test]
fn inactivity_decays_towards_the_initial_score() {
    let params = TrustParams::default();
    let mut record = TrustRecord::new(&params, t0());
    for _ in 0..20 {
        record.record(&params, approved(RiskLevel::High), t0());
    }
    let fresh = record.score(&params, t0());
    let week = record.score(&params, after_days(7.0));
    let month = record.score(&params, after_days(30.0));
    let year = record.score(&params, after_days(365.0));
    assert!(
        fresh > week && week > month && month > year,
        "{fresh} {week} {month} {year}"
    );
    assert!(
        (year - params.initial_score).abs() < 0.01,
        "a year idle is back near the prior: {year}"
    );
    assert!(year >= params.initial_score);

    // The decay is real state once the next event arrives.
    record.record(&params, approved(RiskLevel::Low), after_days(30.0));
    assert!(record.score(&params, after_days(30.0)) < fresh);
}

#[test]
fn zero_decay_keeps_evidence() {
    let params = TrustParams {
        decay_rate: 0.0,
        ..TrustParams::default()
    };
    let mut record = TrustRecord::new(&params, t0());
    record.record(&params, approved(RiskLevel::High), t0());
    assert_eq!(
        record.score(&params, t0()),
        record.score(&params, after_days(1000.0))
    );
}

#[test]
fn older_evidence_counts_less() {
    let params = TrustParams::default();
    // Same events, one history had its denial long ago, the other just now.
    let mut old_denial = TrustRecord::new(&params, t0());
    old_denial.record(
        &params,
        TrustEvent::Denied {
            level: RiskLevel::High,
        },
        t0(),
    );
    old_denial.record(&params, approved(RiskLevel::High), after_days(30.0));
    let mut new_denial = TrustRecord::new(&params, t0());
    new_denial.record(&params, approved(RiskLevel::High), t0());
    new_denial.record(
        &params,
        TrustEvent::Denied {
            level: RiskLevel::High,
        },
        after_days(30.0),
    );
    assert!(
        old_denial.score(&params, after_days(30.0)) > new_denial.score(&params, after_days(30.0))
    );
}

#[test]
fn revoke_and_incidents_drop_trust_to_zero_and_keep_it_there() {
    let params = TrustParams::default();
    let mut record = TrustRecord::new(&params, t0());
    for _ in 0..30 {
        record.record(&params, approved(RiskLevel::High), t0());
    }
    record.revoke("leaked a key", t0());
    assert_eq!(record.score(&params, t0()), 0.0);
    record.record(&params, approved(RiskLevel::High), after_days(1.0));
    assert_eq!(
        record.score(&params, after_days(400.0)),
        0.0,
        "decay never lifts a revocation"
    );
    assert_eq!(record.revoke_reason.as_deref(), Some("leaked a key"));

    let mut other = TrustRecord::new(&params, t0());
    other.record(
        &params,
        TrustEvent::Incident {
            reason: "approval revoked".into(),
        },
        t0(),
    );
    assert_eq!(other.score(&params, t0()), 0.0);
    assert_eq!(other.incidents, 1);
    assert!(other.revoked);
}

#[test]
fn records_round_trip_through_json() {
    let params = TrustParams::default();
    let mut record = TrustRecord::new(&params, t0());
    record.record(&params, approved(RiskLevel::Medium), after_days(0.5));
    let json = serde_json::to_string(&record).unwrap();
    let back: TrustRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(back, record);
}

#[test]
fn critical_is_never_adjusted() {
    for score in [0.8, 0.85, 0.95, 1.0] {
        let mut assessment = RiskAssessment::from_score(score, "default", Vec::new());
        let original = assessment.clone();
        apply_trust(&mut assessment, 1.0, 1.0);
        assert_eq!(assessment, original);
    }
}

#[test]
fn overridden_assessments_are_never_adjusted() {
    let mut assessment = RiskAssessment::from_score(
        RiskLevel::High.representative_score(),
        "override",
        Vec::new(),
    );
    assessment.overridden = true;
    let original = assessment.clone();
    apply_trust(&mut assessment, 0.9, 0.3);
    assert_eq!(assessment, original);
}

#[test]
fn trust_can_move_high_to_medium_as_the_faq_says() {
    let mut assessment = RiskAssessment::from_score(0.65, "default", Vec::new());
    apply_trust(&mut assessment, 0.9, 0.3);
    assert_eq!(assessment.level, RiskLevel::Medium);
    assert!(
        assessment
            .factors
            .iter()
            .any(|f| f.name == "trust" && f.evidence.contains("0.90"))
    );
}

proptest! {
    #[test]
    fn trust_never_raises_a_score(raw in 0.0f64..=1.0, trust in -1.0f64..2.0, influence in -1.0f64..2.0) {
        let mut assessment = RiskAssessment::from_score(raw, "default", Vec::new());
        let level = assessment.level;
        apply_trust(&mut assessment, trust, influence);
        prop_assert!(assessment.score <= raw);
        prop_assert!(assessment.level <= level);
        prop_assert!((0.0..=1.0).contains(&assessment.score));
        if level == RiskLevel::Critical {
            prop_assert_eq!(assessment.score, raw);
        }
        // At most influence × trust of the score can go.
        let floor = raw * (1.0 - influence.clamp(0.0, 1.0) * trust.clamp(0.0, 1.0));
        prop_assert!(assessment.score >= floor - 1e-12);
    }

    #[test]
    fn more_trust_never_means_more_risk(raw in 0.0f64..0.8, a in 0.0f64..=1.0, b in 0.0f64..=1.0) {
        let (low, high) = if a <= b { (a, b) } else { (b, a) };
        let mut with_low = RiskAssessment::from_score(raw, "default", Vec::new());
        let mut with_high = with_low.clone();
        apply_trust(&mut with_low, low, 0.3);
        apply_trust(&mut with_high, high, 0.3);
        prop_assert!(with_high.score <= with_low.score);
    }

    #[test]
    fn scores_stay_in_range_and_respond_monotonically(
        events in prop::collection::vec((0u8..3, 0usize..4, any::<bool>(), 0u32..200_000), 0..60),
        influence in 0.0f64..=1.0,
        ceiling in 0.0f64..=1.0,
        initial in 0.0f64..=1.0,
        decay in 0.0f64..2.0,
    ) {
        let params = TrustParams { influence, ceiling, initial_score: initial.min(ceiling), decay_rate: decay, prior_weight: 2.0 };
        let mut record = TrustRecord::new(&params, t0());
        let mut now = t0();
        for (kind, level, human, gap) in events {
            now = now.checked_add(SignedDuration::from_secs(i64::from(gap))).unwrap();
            let level = RiskLevel::ALL[level];
            let before = record.score(&params, now);
            let event = match kind {
                0 => TrustEvent::Approved { level, human_reviewed: human },
                1 => TrustEvent::Denied { level },
                _ => TrustEvent::Incident { reason: "x".into() },
            };
            let is_approval = matches!(event, TrustEvent::Approved { .. });
            record.record(&params, event, now);
            let after = record.score(&params, now);
            prop_assert!((0.0..=params.ceiling).contains(&after), "{} outside [0, {}]", after, params.ceiling);
            if is_approval {
                prop_assert!(after >= before - 1e-12, "approval lowered trust {} -> {}", before, after);
            } else {
                prop_assert!(after <= before + 1e-12, "denial/incident raised trust {} -> {}", before, after);
            }
        }
    }
}
