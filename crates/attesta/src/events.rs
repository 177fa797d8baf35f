//! Pipeline events callers can subscribe to (metrics, notifications, escalation hooks).

use std::sync::{Arc, RwLock};

use attesta_core::{ChallengeType, RiskAssessment, Verdict};
use serde::Serialize;

/// Something that happened while evaluating one action. `action` is the function name and
/// `entry_id` the audit entry the evaluation will write (or wrote).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    RiskScored { entry_id: String, action: String, assessment: RiskAssessment },
    ChallengeIssued { entry_id: String, action: String, challenge: ChallengeType },
    ChallengeCompleted { entry_id: String, action: String, challenge: ChallengeType, passed: bool },
    Approved { entry_id: String, action: String, verdict: Verdict },
    Denied { entry_id: String, action: String, verdict: Verdict, reason: String },
    Escalated { entry_id: String, action: String, reason: String, notify: Vec<String> },
    /// An escalation rule asked for these roles to be told about the action.
    Notify { entry_id: String, action: String, roles: Vec<String>, assessment: RiskAssessment },
    AuditLogged { entry_id: String, action: String, seq: u64, chain_hash: String },
}

impl Event {
    /// The event's name (`risk_scored`, `approved` …), as used in webhooks and docs.
    pub fn name(&self) -> &'static str {
        match self {
            Event::RiskScored { .. } => "risk_scored",
            Event::ChallengeIssued { .. } => "challenge_issued",
            Event::ChallengeCompleted { .. } => "challenge_completed",
            Event::Approved { .. } => "approved",
            Event::Denied { .. } => "denied",
            Event::Escalated { .. } => "escalated",
            Event::Notify { .. } => "notify",
            Event::AuditLogged { .. } => "audit_logged",
        }
    }
}

type Subscriber = Arc<dyn Fn(&Event) + Send + Sync>;

/// Synchronous fan-out to subscribers. Subscribers must be quick; a panicking subscriber is
/// contained so it can never change a verdict.
#[derive(Default, Clone)]
pub(crate) struct EventBus {
    subscribers: Arc<RwLock<Vec<Subscriber>>>,
}

impl EventBus {
    pub(crate) fn subscribe(&self, subscriber: Subscriber) {
        self.subscribers.write().unwrap_or_else(|e| e.into_inner()).push(subscriber);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.subscribers.read().map(|s| s.is_empty()).unwrap_or(true)
    }

    pub(crate) fn emit(&self, event: impl FnOnce() -> Event) {
        if self.is_empty() {
            return;
        }
        let event = event();
        let subscribers = self.subscribers.read().unwrap_or_else(|e| e.into_inner()).clone();
        for subscriber in subscribers {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| subscriber(&event)));
            if outcome.is_err() {
                tracing::warn!(event = event.name(), "an event subscriber panicked; ignored");
            }
        }
    }
}
