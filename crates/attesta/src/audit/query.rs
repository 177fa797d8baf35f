//! Reading the log back: filters, statistics and rubber-stamp detection.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use attesta_core::audit::{AuditEntry, EntryKind};
use attesta_core::{ChallengeType, Mode, RiskLevel, Verdict};
use jiff::Timestamp;
use serde::Serialize;

use super::error::AuditError;
use super::export::{ExportFormat, export_entries};
use super::files::all_files;

/// Which entries a query keeps. Every set field must match; `decided_at` is the entry's time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    /// Inclusive lower bound on `decided_at`.
    pub since: Option<Timestamp>,
    /// Exclusive upper bound on `decided_at`.
    pub until: Option<Timestamp>,
    pub agent_id: Option<String>,
    pub session_id: Option<String>,
    pub action: Option<String>,
    pub verdict: Option<Verdict>,
    /// Exactly this level.
    pub risk_level: Option<RiskLevel>,
    /// This level or higher.
    pub min_risk: Option<RiskLevel>,
    pub challenge: Option<ChallengeType>,
    /// Keep system records (torn-tail repairs). Off by default: they are not decisions.
    pub include_system: bool,
}

impl AuditFilter {
    pub fn matches(&self, e: &AuditEntry) -> bool {
        (self.include_system || e.kind() == EntryKind::Decision)
            && self.since.is_none_or(|t| e.decided_at >= t)
            && self.until.is_none_or(|t| e.decided_at < t)
            && self
                .agent_id
                .as_ref()
                .is_none_or(|a| e.agent_id.as_ref() == Some(a))
            && self
                .session_id
                .as_ref()
                .is_none_or(|s| e.session_id.as_ref() == Some(s))
            && self.action.as_ref().is_none_or(|a| e.action_name == *a)
            && self.verdict.is_none_or(|v| e.verdict == v)
            && self.risk_level.is_none_or(|l| e.risk_level == l)
            && self.min_risk.is_none_or(|l| e.risk_level >= l)
            && self.challenge.is_none_or(|c| e.challenge_type == Some(c))
    }
}

/// What counts as a rubber stamp: an approval at or above `min_risk` reviewed in under
/// `max_seconds`, or with `min_review_met == false`. Auto-approved LOW entries and entries that
/// were never put to a human (audit-only mode) are not reviews, so never rubber stamps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RubberStampRule {
    pub max_seconds: f64,
    pub min_risk: RiskLevel,
}

impl Default for RubberStampRule {
    fn default() -> Self {
        RubberStampRule {
            max_seconds: 3.0,
            min_risk: RiskLevel::Medium,
        }
    }
}

impl RubberStampRule {
    /// Whether the entry is a human review this rule applies to.
    pub fn applies(&self, e: &AuditEntry) -> bool {
        e.kind() == EntryKind::Decision
            && e.verdict.runs()
            && e.risk_level >= self.min_risk
            && e.mode != Mode::AuditOnly
            && !(e.risk_level == RiskLevel::Low
                && e.challenge_type == Some(ChallengeType::AutoApprove))
    }

    pub fn is_rubber_stamp(&self, e: &AuditEntry) -> bool {
        self.applies(e) && (e.review_duration_seconds < self.max_seconds || !e.min_review_met)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ApproverStats {
    pub decisions: u64,
    pub approved: u64,
    pub denied: u64,
    pub mean_review_seconds: f64,
    pub rubber_stamps: u64,
    #[serde(skip)]
    review_total: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AgentStats {
    pub total: u64,
    /// Verdicts that let the call run (approved, modified).
    pub allowed: u64,
    /// Everything else (denied, timed out, escalated).
    pub blocked: u64,
    pub risk_levels: BTreeMap<String, u64>,
}

/// Summary of the matching entries.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AuditStats {
    pub total: u64,
    pub verdicts: BTreeMap<String, u64>,
    pub risk_levels: BTreeMap<String, u64>,
    pub challenges: BTreeMap<String, u64>,
    /// Over entries a human reviewed (a challenge other than auto-approve ran).
    pub reviewed: u64,
    pub mean_review_seconds: Option<f64>,
    pub median_review_seconds: Option<f64>,
    pub min_review_unmet: u64,
    pub rubber_stamps: u64,
    /// Rubber stamps over approvals the rule applies to (0 when there are none).
    pub rubber_stamp_rate: f64,
    pub approvers: BTreeMap<String, ApproverStats>,
    pub agents: BTreeMap<String, AgentStats>,
    pub first_decided_at: Option<Timestamp>,
    pub last_decided_at: Option<Timestamp>,
}

impl AuditStats {
    /// Folds entries into statistics.
    pub fn from_entries<'a>(
        entries: impl IntoIterator<Item = &'a AuditEntry>,
        rule: &RubberStampRule,
    ) -> AuditStats {
        let mut stats = AuditStats::default();
        let mut review_times = Vec::new();
        let mut stamp_candidates = 0u64;
        for e in entries {
            stats.add(e, rule, &mut review_times, &mut stamp_candidates);
        }
        stats.finish(review_times, stamp_candidates);
        stats
    }

    fn add(
        &mut self,
        e: &AuditEntry,
        rule: &RubberStampRule,
        review_times: &mut Vec<f64>,
        candidates: &mut u64,
    ) {
        self.total += 1;
        *self.verdicts.entry(e.verdict.as_str().into()).or_default() += 1;
        *self
            .risk_levels
            .entry(e.risk_level.as_str().into())
            .or_default() += 1;
        let challenge = e.challenge_type.map_or("none", ChallengeType::as_str);
        *self.challenges.entry(challenge.into()).or_default() += 1;
        // A challenge nobody answered (no reviewer reachable, unattended approval, a failure,
        // a timeout) is not a human review.
        let unreviewed = ["no human reviewer is reachable", "approved unattended", "no answer within"]
            .iter()
            .any(|p| e.reason.starts_with(p))
            || e.reason.contains("(fail closed)");
        let human = !unreviewed
            && e.challenge_type
                .is_some_and(|c| c != ChallengeType::AutoApprove);
        if human {
            self.reviewed += 1;
            review_times.push(e.review_duration_seconds);
        }
        if !e.min_review_met {
            self.min_review_unmet += 1;
        }
        let stamp = rule.is_rubber_stamp(e);
        if rule.applies(e) {
            *candidates += 1;
        }
        if stamp {
            self.rubber_stamps += 1;
        }
        for approver in &e.approver_ids {
            let a = self.approvers.entry(approver.clone()).or_default();
            a.decisions += 1;
            if e.verdict.runs() {
                a.approved += 1;
            } else {
                a.denied += 1;
            }
            a.review_total += e.review_duration_seconds;
            if stamp {
                a.rubber_stamps += 1;
            }
        }
        let agent = self
            .agents
            .entry(e.agent_id.clone().unwrap_or_else(|| "(none)".into()))
            .or_default();
        agent.total += 1;
        if e.verdict.runs() {
            agent.allowed += 1;
        } else {
            agent.blocked += 1;
        }
        *agent
            .risk_levels
            .entry(e.risk_level.as_str().into())
            .or_default() += 1;
        self.first_decided_at = Some(
            self.first_decided_at
                .map_or(e.decided_at, |t| t.min(e.decided_at)),
        );
        self.last_decided_at = Some(
            self.last_decided_at
                .map_or(e.decided_at, |t| t.max(e.decided_at)),
        );
    }

    fn finish(&mut self, mut review_times: Vec<f64>, candidates: u64) {
        if !review_times.is_empty() {
            self.mean_review_seconds =
                Some(review_times.iter().sum::<f64>() / review_times.len() as f64);
            review_times.sort_by(f64::total_cmp);
            let mid = review_times.len() / 2;
            self.median_review_seconds = Some(if review_times.len().is_multiple_of(2) {
                (review_times[mid - 1] + review_times[mid]) / 2.0
            } else {
                review_times[mid]
            });
        }
        self.rubber_stamp_rate = if candidates == 0 {
            0.0
        } else {
            self.rubber_stamps as f64 / candidates as f64
        };
        for a in self.approvers.values_mut() {
            if a.decisions > 0 {
                a.mean_review_seconds = a.review_total / a.decisions as f64;
            }
        }
    }
}

/// Reads a log (all segments, oldest first) without locking it.
#[derive(Debug, Clone)]
pub struct AuditReader {
    path: PathBuf,
}

/// Streaming iterator over the entries of every segment.
pub struct EntryIter {
    files: std::vec::IntoIter<PathBuf>,
    current: Option<(PathBuf, BufReader<File>, u64)>,
    buf: Vec<u8>,
}

impl Iterator for EntryIter {
    type Item = Result<AuditEntry, AuditError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.current.is_none() {
                let path = self.files.next()?;
                match File::open(&path) {
                    Ok(f) => {
                        self.current = Some((path, BufReader::with_capacity(256 * 1024, f), 0))
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Some(Err(AuditError::io("open", path)(e))),
                }
            }
            let (path, reader, line_no) = self.current.as_mut()?;
            self.buf.clear();
            match reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => {
                    self.current = None;
                    continue;
                }
                Ok(_) => {
                    *line_no += 1;
                    // A line still being written (or torn) is not an entry yet.
                    if self.buf.last() != Some(&b'\n') {
                        self.current = None;
                        continue;
                    }
                    return Some(AuditEntry::parse_line(&self.buf, *line_no).map_err(
                        |e| match e {
                            attesta_core::audit::AuditError::MalformedLine { line, reason } => {
                                AuditError::Malformed {
                                    path: path.clone(),
                                    line,
                                    reason,
                                }
                            }
                            other => other.into(),
                        },
                    ));
                }
                Err(e) => return Some(Err(AuditError::io("read", path.clone())(e))),
            }
        }
    }
}

impl AuditReader {
    pub fn new(path: impl Into<PathBuf>) -> AuditReader {
        AuditReader { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every entry, oldest first. Malformed lines are errors (verify says more about them).
    pub fn entries(&self) -> Result<EntryIter, AuditError> {
        let files =
            all_files(&self.path).map_err(AuditError::io("list segments of", &self.path))?;
        Ok(EntryIter {
            files: files.into_iter(),
            current: None,
            buf: Vec::new(),
        })
    }

    /// Entries matching `filter`, oldest first.
    pub fn query<'a>(
        &self,
        filter: &'a AuditFilter,
    ) -> Result<impl Iterator<Item = Result<AuditEntry, AuditError>> + 'a, AuditError> {
        Ok(self
            .entries()?
            .filter(move |r| r.as_ref().map_or(true, |e| filter.matches(e))))
    }

    /// Statistics over entries matching `filter`.
    pub fn stats(
        &self,
        filter: &AuditFilter,
        rule: &RubberStampRule,
    ) -> Result<AuditStats, AuditError> {
        let mut stats = AuditStats::default();
        let mut review_times = Vec::new();
        let mut candidates = 0;
        for entry in self.query(filter)? {
            stats.add(&entry?, rule, &mut review_times, &mut candidates);
        }
        stats.finish(review_times, candidates);
        Ok(stats)
    }

    /// Approvals at or above `min_risk` reviewed faster than `max_seconds` or with
    /// `min_review_met == false`.
    pub fn rubber_stamps(
        &self,
        max_seconds: f64,
        min_risk: RiskLevel,
    ) -> Result<Vec<AuditEntry>, AuditError> {
        let rule = RubberStampRule {
            max_seconds,
            min_risk,
        };
        let mut out = Vec::new();
        for entry in self.entries()? {
            let entry = entry?;
            if rule.is_rubber_stamp(&entry) {
                out.push(entry);
            }
        }
        Ok(out)
    }

    /// Writes matching entries to `out` in `format`; returns how many.
    pub fn export(
        &self,
        filter: &AuditFilter,
        format: ExportFormat,
        out: &mut dyn std::io::Write,
    ) -> Result<u64, AuditError> {
        export_entries(self.query(filter)?, format, out)
    }
}
