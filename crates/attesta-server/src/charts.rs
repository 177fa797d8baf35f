//! Series for the audit page's charts, folded from the server's audit log in one pass:
//! verdicts over time, risk distribution, review times, rubber-stamp rate per approver.
//!
//! The page draws these itself (SVG, no chart library), so the shapes here are plain numbers.

use std::collections::BTreeMap;

use attesta::audit::{AuditEntry, EntryKind, RubberStampRule};
use jiff::Timestamp;
use serde::Serialize;

/// Verdict names in the order the page stacks them.
pub const VERDICTS: [&str; 5] = ["approved", "modified", "denied", "timed_out", "escalated"];

/// Bucket widths the time axis may use (seconds): the smallest giving at most
/// [`MAX_BUCKETS`] buckets is chosen, so the axis reads in round units.
const BUCKET_SIZES: [i64; 10] = [
    10,
    60,
    300,
    900,
    3_600,
    6 * 3_600,
    86_400,
    7 * 86_400,
    30 * 86_400,
    365 * 86_400,
];
pub const MAX_BUCKETS: i64 = 48;

/// Upper edges of the review-time histogram (seconds); the last bin is open-ended.
const REVIEW_EDGES: [f64; 8] = [1.0, 3.0, 5.0, 10.0, 30.0, 60.0, 300.0, 1_800.0];

#[derive(Debug, Clone, Serialize)]
pub struct TimeBucket {
    pub start: Timestamp,
    pub counts: BTreeMap<&'static str, u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bin {
    pub from: f64,
    /// `None` for the open-ended last bin.
    pub to: Option<f64>,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApproverSeries {
    pub approver: String,
    pub decisions: u64,
    pub approved: u64,
    pub denied: u64,
    /// Approvals the rubber-stamp rule applies to (human-reviewed, at or above its risk level).
    pub reviewed_approvals: u64,
    pub rubber_stamps: u64,
    /// `rubber_stamps / reviewed_approvals`, 0 when there were none.
    pub rubber_stamp_rate: f64,
    pub mean_review_seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Charts {
    /// Decision entries counted (repair and other system entries are left out).
    pub decisions: u64,
    pub first_decided_at: Option<Timestamp>,
    pub last_decided_at: Option<Timestamp>,
    pub bucket_seconds: i64,
    pub verdicts: BTreeMap<&'static str, u64>,
    pub verdicts_over_time: Vec<TimeBucket>,
    /// Ten bins of width 0.1 over the risk score.
    pub risk_histogram: Vec<Bin>,
    pub risk_levels: BTreeMap<String, u64>,
    /// Review times of decisions a human reviewed (not auto-approvals, not timeouts).
    pub review_times: Vec<Bin>,
    pub median_review_seconds: Option<f64>,
    pub rubber_stamp_rule: RuleView,
    pub approvers: Vec<ApproverSeries>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleView {
    pub max_seconds: f64,
    pub min_risk: String,
}

#[derive(Default)]
struct ApproverAcc {
    decisions: u64,
    approved: u64,
    denied: u64,
    applicable: u64,
    stamps: u64,
    review_total: f64,
}

/// Folds decision entries (any order) into chart series.
pub fn fold(entries: impl IntoIterator<Item = AuditEntry>, rule: &RubberStampRule) -> Charts {
    // (decided_at seconds, verdict index) per decision; small enough to keep for bucketing.
    let mut times: Vec<(i64, usize)> = Vec::new();
    let mut verdicts: BTreeMap<&'static str, u64> = VERDICTS.iter().map(|v| (*v, 0)).collect();
    let mut risk = [0u64; 10];
    let mut risk_levels: BTreeMap<String, u64> = ["low", "medium", "high", "critical"]
        .iter()
        .map(|l| ((*l).to_owned(), 0))
        .collect();
    let mut review = vec![0u64; REVIEW_EDGES.len() + 1];
    let mut review_values: Vec<f64> = Vec::new();
    let mut approvers: BTreeMap<String, ApproverAcc> = BTreeMap::new();

    for e in entries {
        if e.kind() != EntryKind::Decision {
            continue;
        }
        let verdict = e.verdict.as_str();
        let index = VERDICTS.iter().position(|v| *v == verdict).unwrap_or(2);
        *verdicts.entry(VERDICTS[index]).or_default() += 1;
        times.push((e.decided_at.as_second(), index));

        let score = if e.risk_score.is_finite() {
            e.risk_score.clamp(0.0, 1.0)
        } else {
            1.0
        };
        risk[((score * 10.0) as usize).min(9)] += 1;
        *risk_levels
            .entry(e.risk_level.as_str().to_owned())
            .or_default() += 1;

        let human = !e.approver_ids.is_empty();
        let seconds = if e.review_duration_seconds.is_finite() {
            e.review_duration_seconds.max(0.0)
        } else {
            0.0
        };
        if human {
            let bin = REVIEW_EDGES
                .iter()
                .position(|edge| seconds < *edge)
                .unwrap_or(REVIEW_EDGES.len());
            review[bin] += 1;
            review_values.push(seconds);
        }
        let applies = rule.applies(&e);
        let stamp = rule.is_rubber_stamp(&e);
        for name in &e.approver_ids {
            let a = approvers.entry(name.clone()).or_default();
            a.decisions += 1;
            if e.verdict.runs() {
                a.approved += 1;
            } else {
                a.denied += 1;
            }
            a.review_total += seconds;
            if applies {
                a.applicable += 1;
            }
            if stamp {
                a.stamps += 1;
            }
        }
    }

    let first = times.iter().map(|t| t.0).min();
    let last = times.iter().map(|t| t.0).max();
    let (bucket_seconds, verdicts_over_time) = match (first, last) {
        (Some(first), Some(last)) => {
            let span = last - first + 1;
            let size = BUCKET_SIZES
                .iter()
                .copied()
                .find(|s| span.div_euclid(*s) < MAX_BUCKETS)
                .unwrap_or(BUCKET_SIZES[BUCKET_SIZES.len() - 1]);
            let start = first.div_euclid(size) * size;
            let count = ((last - start).div_euclid(size) + 1) as usize;
            let mut buckets: Vec<TimeBucket> = (0..count)
                .map(|i| TimeBucket {
                    start: Timestamp::from_second(start + i as i64 * size)
                        .unwrap_or(Timestamp::UNIX_EPOCH),
                    counts: VERDICTS.iter().map(|v| (*v, 0)).collect(),
                })
                .collect();
            for (t, v) in &times {
                let i = ((t - start).div_euclid(size) as usize).min(count - 1);
                *buckets[i].counts.entry(VERDICTS[*v]).or_default() += 1;
            }
            (size, buckets)
        }
        _ => (BUCKET_SIZES[0], Vec::new()),
    };

    review_values.sort_by(f64::total_cmp);
    let median = match review_values.len() {
        0 => None,
        n if n % 2 == 0 => Some((review_values[n / 2 - 1] + review_values[n / 2]) / 2.0),
        n => Some(review_values[n / 2]),
    };
    let mut from = 0.0;
    let review_times = review
        .iter()
        .enumerate()
        .map(|(i, count)| {
            let to = REVIEW_EDGES.get(i).copied();
            let bin = Bin {
                from,
                to,
                count: *count,
            };
            from = to.unwrap_or(from);
            bin
        })
        .collect();

    Charts {
        decisions: times.len() as u64,
        first_decided_at: first.and_then(|s| Timestamp::from_second(s).ok()),
        last_decided_at: last.and_then(|s| Timestamp::from_second(s).ok()),
        bucket_seconds,
        verdicts,
        verdicts_over_time,
        risk_histogram: risk
            .iter()
            .enumerate()
            .map(|(i, count)| Bin {
                from: i as f64 / 10.0,
                to: Some((i + 1) as f64 / 10.0),
                count: *count,
            })
            .collect(),
        risk_levels,
        review_times,
        median_review_seconds: median,
        rubber_stamp_rule: RuleView {
            max_seconds: rule.max_seconds,
            min_risk: rule.min_risk.as_str().to_owned(),
        },
        approvers: approvers
            .into_iter()
            .map(|(approver, a)| ApproverSeries {
                approver,
                decisions: a.decisions,
                approved: a.approved,
                denied: a.denied,
                reviewed_approvals: a.applicable,
                rubber_stamps: a.stamps,
                rubber_stamp_rate: if a.applicable == 0 {
                    0.0
                } else {
                    a.stamps as f64 / a.applicable as f64
                },
                mean_review_seconds: if a.decisions == 0 {
                    0.0
                } else {
                    a.review_total / a.decisions as f64
                },
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use attesta::audit::Redactor;
    use attesta_core::config::RedactionConfig;
    use attesta_core::{
        ActionContext, ApprovalResult, ChallengeResult, ChallengeType, Mode, RiskAssessment,
        Verdict,
    };

    fn entry(at: i64, verdict: Verdict, score: f64, approvers: &[&str], review: f64) -> AuditEntry {
        let risk = RiskAssessment::from_score(score, "test", vec![]);
        let challenge = if approvers.is_empty() {
            ChallengeResult::new(ChallengeType::AutoApprove, true)
        } else {
            let mut c = ChallengeResult::new(ChallengeType::Confirm, verdict == Verdict::Approved);
            c.min_review_seconds = 3.0;
            c.min_review_met = true;
            c.review_seconds = review;
            c
        };
        let result = ApprovalResult {
            verdict,
            risk,
            challenge: Some(challenge),
            approvers: approvers.iter().map(|a| (*a).to_owned()).collect(),
            approver_authenticated: true,
            review_seconds: review,
            audit_entry_id: format!("e{at}"),
            modification: None,
            reason: "test".into(),
            mode: Mode::Enforce,
            enforced_verdict: verdict,
            trust_before: None,
            intercepted_at: Timestamp::from_second(at).unwrap(),
            decided_at: Timestamp::from_second(at).unwrap(),
        };
        let redactor = Redactor::new(&RedactionConfig::default()).unwrap();
        AuditEntry::from_decision(&ActionContext::new("act"), &result, &redactor)
    }

    #[test]
    fn folds_verdicts_risk_review_times_and_rubber_stamps() {
        let base = 1_800_000_000;
        let entries = vec![
            entry(base, Verdict::Approved, 0.1, &[], 0.0),
            entry(base + 5, Verdict::Approved, 0.45, &["alice"], 1.0), // stamp: < 3 s
            entry(base + 30, Verdict::Approved, 0.5, &["alice"], 12.0),
            entry(base + 65, Verdict::Denied, 0.7, &["bob"], 4.0),
            entry(base + 200, Verdict::TimedOut, 0.95, &[], 300.0),
        ];
        let charts = fold(entries, &RubberStampRule::default());
        assert_eq!(charts.decisions, 5);
        assert_eq!(charts.verdicts["approved"], 3);
        assert_eq!(charts.verdicts["denied"], 1);
        assert_eq!(charts.verdicts["timed_out"], 1);
        // 200 s span: 10 s buckets would be 21 buckets (< 48), so 10 s is chosen.
        assert_eq!(charts.bucket_seconds, 10);
        let total: u64 = charts
            .verdicts_over_time
            .iter()
            .flat_map(|b| b.counts.values())
            .sum();
        assert_eq!(total, 5);
        assert_eq!(charts.verdicts_over_time[0].counts["approved"], 2);
        assert_eq!(charts.risk_histogram[1].count, 1);
        assert_eq!(charts.risk_histogram[4].count, 1);
        assert_eq!(charts.risk_histogram[5].count, 1);
        assert_eq!(charts.risk_histogram[7].count, 1);
        assert_eq!(charts.risk_histogram[9].count, 1);
        assert_eq!(charts.risk_levels["critical"], 1);
        // Review times only for human decisions: 1 s, 12 s, 4 s.
        assert_eq!(charts.review_times.iter().map(|b| b.count).sum::<u64>(), 3);
        assert_eq!(charts.review_times[1].count, 1); // [1, 3): 1 s
        assert_eq!(charts.review_times[2].count, 1); // [3, 5): 4 s
        assert_eq!(charts.review_times[4].count, 1); // [10, 30): 12 s
        assert_eq!(charts.review_times[8].to, None);
        assert_eq!(charts.median_review_seconds, Some(4.0));
        let alice = &charts.approvers[0];
        assert_eq!(alice.approver, "alice");
        assert_eq!(
            (
                alice.approved,
                alice.reviewed_approvals,
                alice.rubber_stamps
            ),
            (2, 2, 1)
        );
        assert!((alice.rubber_stamp_rate - 0.5).abs() < 1e-9);
        let bob = &charts.approvers[1];
        assert_eq!(
            (bob.denied, bob.rubber_stamps, bob.rubber_stamp_rate),
            (1, 0, 0.0)
        );
    }

    #[test]
    fn wide_spans_pick_coarser_buckets_and_empty_logs_fold_to_nothing() {
        let base = 1_800_000_000;
        let charts = fold(
            vec![
                entry(base, Verdict::Approved, 0.5, &["a"], 5.0),
                entry(base + 3 * 86_400, Verdict::Denied, 0.5, &["a"], 5.0),
            ],
            &RubberStampRule::default(),
        );
        assert_eq!(charts.bucket_seconds, 6 * 3_600);
        assert!(charts.verdicts_over_time.len() as i64 <= MAX_BUCKETS);
        let empty = fold(Vec::new(), &RubberStampRule::default());
        assert_eq!(empty.decisions, 0);
        assert!(empty.verdicts_over_time.is_empty());
        assert_eq!(empty.median_review_seconds, None);
    }
}
