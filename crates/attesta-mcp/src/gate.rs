//! The decision point the relay consults for every `tools/call`.
//!
//! The relay knows nothing about scoring, reviewers or audit: it hands a [`ToolCall`] to a
//! [`ToolCallGate`] and acts on the [`GateDecision`]. The Attesta pipeline is one gate
//! ([`crate::AttestaGate`]); tests and benchmarks use small ones of their own.

use std::sync::{Arc, OnceLock};

use attesta_core::{RiskLevel, Verdict};
use futures::future::BoxFuture;
use serde_json::{Map, Value, json};
use tokio_util::sync::CancellationToken;

use crate::message::{IdKey, tool_error_result};

/// One intercepted `tools/call`.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    /// The JSON-RPC id (`None` for a call sent as a notification).
    pub request_id: Option<IdKey>,
    /// `params.name`.
    pub tool: String,
    /// `params.arguments` as sent (an object by the MCP schema).
    pub arguments: Option<Value>,
    /// The tool's description from `tools/list`, if the server listed it (the scorer's docstring).
    pub description: Option<String>,
    /// The tool's `annotations` from `tools/list` (`destructiveHint` …), if any.
    pub annotations: Option<Value>,
    /// True when the call arrived inside a JSON-RPC batch.
    pub in_batch: bool,
}

/// Why a pending review was abandoned. Shared between the relay (which sets it) and the gate
/// (which records it before its future is dropped).
#[derive(Debug, Clone, Default)]
pub struct ReviewCancellation {
    token: CancellationToken,
    reason: Arc<OnceLock<String>>,
}

impl ReviewCancellation {
    pub fn new() -> Self {
        ReviewCancellation::default()
    }

    /// Cancels with a reason; the first reason wins.
    pub fn cancel(&self, reason: impl Into<String>) {
        let _ = self.reason.set(reason.into());
        self.token.cancel();
    }

    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Resolves once the review is cancelled.
    pub async fn cancelled(&self) {
        self.token.cancelled().await;
    }

    pub fn reason(&self) -> Option<&str> {
        self.reason.get().map(String::as_str)
    }

    pub(crate) fn token(&self) -> &CancellationToken {
        &self.token
    }
}

/// What the gate decided.
#[derive(Debug, Clone, PartialEq)]
pub struct GateDecision {
    pub verdict: Verdict,
    pub risk_level: Option<RiskLevel>,
    pub risk_score: Option<f64>,
    pub reason: String,
    /// The audit entry recording this decision (empty when auditing is off).
    pub audit_entry_id: String,
    /// For [`Verdict::Modified`]: the arguments to forward instead of the originals.
    pub modified_arguments: Option<Value>,
}

impl GateDecision {
    /// A decision the gate made without a risk assessment (e.g. it failed before scoring).
    pub fn deny(reason: impl Into<String>) -> Self {
        GateDecision {
            verdict: Verdict::Denied,
            risk_level: None,
            risk_score: None,
            reason: reason.into(),
            audit_entry_id: String::new(),
            modified_arguments: None,
        }
    }

    pub fn approve(reason: impl Into<String>) -> Self {
        GateDecision { verdict: Verdict::Approved, ..GateDecision::deny(reason) }
    }

    /// Whether the call may reach the server.
    pub fn allows(&self) -> bool {
        self.verdict.runs()
    }

    /// The human-readable text of a denial.
    pub fn denial_text(&self, tool: &str) -> String {
        let headline = match self.verdict {
            Verdict::TimedOut => "timed out waiting for approval",
            Verdict::Escalated => "escalated (not resolved yet)",
            _ => "denied",
        };
        let risk = match (self.risk_level, self.risk_score) {
            (Some(level), Some(score)) => format!("{level} (score {score:.2})"),
            (Some(level), None) => level.to_string(),
            _ => "not assessed".to_owned(),
        };
        let audit = if self.audit_entry_id.is_empty() { "none (auditing is off)" } else { &self.audit_entry_id };
        format!(
            "Attesta blocked the call to tool `{tool}`: {headline}.\nVerdict: {verdict}\nRisk: {risk}\nReason: {reason}\nAudit entry: {audit}",
            verdict = self.verdict,
            reason = self.reason,
        )
    }

    /// The `tools/call` result sent to the client in place of the server's.
    pub fn denial_result(&self, tool: &str) -> Value {
        let mut meta = Map::new();
        meta.insert("verdict".into(), json!(self.verdict));
        meta.insert("risk_level".into(), json!(self.risk_level));
        meta.insert("risk_score".into(), json!(self.risk_score));
        meta.insert("reason".into(), json!(self.reason));
        meta.insert("audit_entry_id".into(), json!(self.audit_entry_id));
        tool_error_result(self.denial_text(tool), meta)
    }
}

/// Decides `tools/call`s. Each decision runs in its own task, so a slow one (a human reading)
/// never holds up other traffic.
pub trait ToolCallGate: Send + Sync {
    /// Decides one call. When `cancellation` fires (the client sent `notifications/cancelled`,
    /// or disconnected), the gate should stop asking, record the cancellation, and return
    /// promptly; the relay discards whatever it returns then, and drops the future after a grace
    /// period if it does not.
    fn decide(&self, call: ToolCall, cancellation: ReviewCancellation) -> BoxFuture<'static, GateDecision>;
}

impl<G: ToolCallGate + ?Sized> ToolCallGate for Arc<G> {
    fn decide(&self, call: ToolCall, cancellation: ReviewCancellation) -> BoxFuture<'static, GateDecision> {
        (**self).decide(call, cancellation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denial_text_names_verdict_risk_reason_and_audit_id() {
        let d = GateDecision {
            verdict: Verdict::TimedOut,
            risk_level: Some(RiskLevel::High),
            risk_score: Some(0.734),
            reason: "nobody answered within 300s".into(),
            audit_entry_id: "0191-abc".into(),
            modified_arguments: None,
        };
        let text = d.denial_text("write_file");
        for needle in ["`write_file`", "timed out", "Verdict: timed_out", "high (score 0.73)", "nobody answered", "0191-abc"] {
            assert!(text.contains(needle), "{needle} missing from {text}");
        }
        let result = d.denial_result("write_file");
        assert_eq!(result["isError"], true);
        assert_eq!(result["content"][0]["type"], "text");
        assert_eq!(result["_meta"]["attesta"]["audit_entry_id"], "0191-abc");
        assert!(!GateDecision::deny("x").allows());
        assert!(GateDecision::approve("x").allows());
    }
}
