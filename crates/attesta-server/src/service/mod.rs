//! Requests: created by agents, answered by approvers, decided once, audited once.
//!
//! Every state change is an optimistic update of one row (`WHERE version = $n`), so two server
//! processes sharing a PostgreSQL database never both decide the same request. A decision is
//! first *claimed* (`deciding`), then written to the audit log, then published; a failed audit
//! write turns it into a denial, so nothing is approved without its record.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use attesta::Attesta;
use attesta::audit::AuditLog;
use attesta::reviewer::action_digest;
use attesta_core::audit::{AuditEntry, Redactor};
use attesta_core::challenge::{
    AnswerKey, ChallengeOptions, IdentityRefused, MultiPartySession, MultiPartyStep,
    PublicChallenge, Response, SessionError, check, generate,
};
use attesta_core::config::{Config, FailMode};
use attesta_core::{
    ActionContext, ApprovalResult, ChallengeResult, ChallengeType, Mode, RiskAssessment, Verdict,
};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::broadcast;

use crate::db::{DbError, SqlBackend, Stmt, Val};
use crate::identity::{Identities, Identity};
use crate::listing::ListQuery;
use crate::webhook::Outbox;

/// Request statuses. `deciding` is internal (a decision being recorded).
mod agent;
mod answer;
mod create;
mod decide;
mod inbox;


pub const PENDING: &str = "pending";
/// A claim older than this whose server never committed it is settled by the sweeper.
pub const STALE_CLAIM_MS: i64 = 30_000;
/// Default of `server.max_pending_per_agent`.
pub const DEFAULT_MAX_PENDING: u32 = 50;
const DECIDING: &str = "deciding";

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("request {0} not found")]
    NotFound(String),
    #[error("request {id} is already {status}; approvals are single-use")]
    AlreadyDecided { id: String, status: String },
    #[error("{0}")]
    TooEarly(String, f64),
    #[error("{0}")]
    AlreadyAnswered(String),
    #[error("the action changed: the digest you answered for does not match request {0}")]
    DigestMismatch(String),
    #[error("request {0} was already consumed; an approval is used once")]
    Consumed(String),
    #[error("request {0} is still pending")]
    NotDecided(String),
    #[error("invalid request: {0}")]
    Invalid(String),
    #[error("the request is being updated by another server; try again")]
    Contended,
    #[error(
        "this agent already has {limit} requests waiting for a decision (server.max_pending_per_agent); \
         wait for some to be decided"
    )]
    Quota { limit: u32, retry_after: f64 },
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

/// A JSONL copy of the audit chain (see [`Service::audit_file`]).
pub struct AuditFile {
    pub path: std::path::PathBuf,
    temporary: bool,
}

impl Drop for AuditFile {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A change other tasks may care about (waiters, SSE streams).
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub request_id: String,
    pub status: String,
}

/// One answer on record (replayed to rebuild a multi-party session).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredAnswer {
    identity_id: String,
    name: String,
    response: Response,
    elapsed: f64,
    at: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct ReqState {
    /// Identity id → first time (ms) that approver opened the request.
    #[serde(default)]
    opened: BTreeMap<String, i64>,
    #[serde(default)]
    answers: Vec<StoredAnswer>,
    #[serde(default)]
    approvers_required: u32,
    #[serde(default)]
    min_review_seconds: f64,
}

/// What the agent (and approvers, once decided) see as the outcome.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DecisionView {
    pub request_id: String,
    pub status: String,
    pub verdict: Verdict,
    pub reason: String,
    pub action_digest: String,
    pub approvers: Vec<String>,
    pub approver_authenticated: bool,
    pub challenge: Option<ChallengeResult>,
    pub risk: RiskAssessment,
    pub audit_entry_id: String,
    pub decided_at: Timestamp,
}

struct Loaded {
    id: String,
    agent_identity: String,
    created_at: i64,
    expires_at: i64,
    status: String,
    action_digest: String,
    ctx: ActionContext,
    assessment: RiskAssessment,
    public: PublicChallenge,
    key: AnswerKey,
    state: ReqState,
    /// The final decision (never set while `deciding`).
    decision: Option<DecisionView>,
    /// While `deciding`: the decision being recorded (what recovery commits if it was audited).
    prepared: Option<DecisionView>,
    consumed_at: Option<i64>,
    version: i64,
}

const COLUMNS: &str = "id, agent_identity, created_at, expires_at, status, action_digest, context_json, assessment_json, \
                       public_json, key_json, state_json, decision_json, consumed_at, version";

fn parse_json<T: for<'de> Deserialize<'de>>(v: &Val, what: &str) -> Result<T, ServiceError> {
    serde_json::from_str(v.text().unwrap_or("null"))
        .map_err(|e| ServiceError::Corrupt(format!("{what}: {e}")))
}

fn loaded_from(r: &[Val]) -> Result<Loaded, ServiceError> {
    let text = |i: usize| r[i].text().unwrap_or_default().to_owned();
    let stored: Option<DecisionView> = if r[11] == Val::Null {
        None
    } else {
        Some(parse_json(&r[11], "decision")?)
    };
    let deciding = r[4].text() == Some(DECIDING);
    let (decision, prepared) = if deciding { (None, stored) } else { (stored, None) };
    Ok(Loaded {
        id: text(0),
        agent_identity: text(1),
        created_at: r[2].int().unwrap_or(0),
        expires_at: r[3].int().unwrap_or(0),
        status: text(4),
        action_digest: text(5),
        ctx: parse_json(&r[6], "context")?,
        assessment: parse_json(&r[7], "assessment")?,
        public: parse_json(&r[8], "challenge")?,
        key: parse_json(&r[9], "answer key")?,
        state: parse_json(&r[10], "state")?,
        decision,
        prepared,
        consumed_at: r[12].int(),
        version: r[13].int().unwrap_or(0),
    })
}

fn real(v: &Val) -> f64 {
    match v {
        Val::Real(x) => *x,
        Val::Int(i) => *i as f64,
        _ => 0.0,
    }
}

fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// How an approver answers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// Optional: the digest the approver was shown; a mismatch refuses the answer.
    #[serde(default)]
    pub action_digest: Option<String>,
    /// `answer` (default) or `deny`.
    #[serde(default)]
    pub decision: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub response: Option<Response>,
}

/// The result of one answer.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerOutcome {
    pub request_id: String,
    pub status: String,
    /// `decided`, `recorded` (multi-party, more approvers needed).
    pub result: &'static str,
    pub passed: bool,
    pub approvals: usize,
    pub approvers_required: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionView>,
}

pub struct Service {
    pub db: Arc<dyn SqlBackend>,
    pub identities: Identities,
    attesta: Attesta,
    config: Config,
    audit: Option<Arc<AuditLog>>,
    /// The audit chain lives in the database (PostgreSQL fleets) instead of a file.
    audit_in_db: bool,
    redactor: Redactor,
    pub changes: broadcast::Sender<Change>,
    /// The pending requests (id, row version), kept by [`Service::watch_pending`]; inbox
    /// streams subscribe to it instead of each querying the database.
    pub pending_watch: tokio::sync::watch::Sender<Arc<Vec<(String, i64)>>>,
    outbox: Outbox,
    /// How often waiters re-read the database (catches decisions made by another server).
    pub poll_interval: Duration,
}

impl Service {
    pub fn new(
        db: Arc<dyn SqlBackend>,
        attesta: Attesta,
        audit: Option<Arc<AuditLog>>,
        outbox: Outbox,
        poll_interval: Duration,
    ) -> Result<Service, String> {
        let config = attesta.config().clone();
        let redactor =
            Redactor::new(&config.audit.redaction).map_err(|e| format!("audit.redaction: {e}"))?;
        let (changes, _) = broadcast::channel(1024);
        let (pending_watch, _) = tokio::sync::watch::channel(Arc::new(Vec::new()));
        Ok(Service {
            identities: Identities::new(db.clone()),
            db,
            attesta,
            config,
            audit,
            audit_in_db: false,
            redactor,
            changes,
            pending_watch,
            outbox,
            poll_interval,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Keeps the audit chain in the database (PostgreSQL), appended with each decision.
    pub fn with_database_audit(mut self) -> Self {
        self.audit = None;
        self.audit_in_db = true;
        self
    }

    pub fn audit_path(&self) -> Option<std::path::PathBuf> {
        self.audit.as_ref().map(|a| a.path().to_owned())
    }

    /// The audit chain as a JSONL file for the readers (`stats`, `verify`, charts): the log file
    /// itself, or the database chain exported to a temporary file removed when dropped.
    pub async fn audit_file(&self) -> Result<Option<AuditFile>, ServiceError> {
        if let Some(path) = self.audit_path() {
            return Ok(Some(AuditFile { path, temporary: false }));
        }
        if !self.audit_in_db {
            return Ok(None);
        }
        let path = std::env::temp_dir().join(format!("attesta-audit-{}.jsonl", uuid::Uuid::new_v4().simple()));
        let file = AuditFile { path, temporary: true };
        crate::db::export_audit_chain(&*self.db, &file.path).await?;
        Ok(Some(file))
    }

    fn publish(&self, id: &str, status: &str) {
        let _ = self.changes.send(Change {
            request_id: id.to_owned(),
            status: status.to_owned(),
        });
    }

    /// Scores with the server's own policy. The agent's claimed environment can only raise the
    /// risk: the higher of the two assessments wins.
    /// `server.declared_environment: false` ignores the claim altogether.
    fn assess(&self, ctx: &ActionContext) -> Result<RiskAssessment, String> {
        if ctx.environment.is_none() {
            return self.attesta.assess(ctx, None);
        }
        let mut own = ctx.clone();
        own.environment = None;
        let server = self.attesta.assess(&own, None)?;
        if !self.config.server.declared_environment.unwrap_or(true) {
            return Ok(server);
        }
        let claimed = self.attesta.assess(ctx, None)?;
        Ok(
            if server.score > claimed.score || server.level > claimed.level {
                server
            } else {
                claimed
            },
        )
    }

    async fn load(&self, id: &str) -> Result<Loaded, ServiceError> {
        let rows = self
            .db
            .query(
                &format!("SELECT {COLUMNS} FROM requests WHERE id = $1"),
                vec![id.into()],
            )
            .await?;
        let row = rows
            .first()
            .ok_or_else(|| ServiceError::NotFound(id.to_owned()))?;
        loaded_from(row)
    }

    /// Loads a request, applying `fail_mode` first if it has expired.
    async fn load_current(&self, id: &str) -> Result<Loaded, ServiceError> {
        let row = self.load(id).await?;
        if row.status == PENDING && now_ms() >= row.expires_at {
            self.expire(&row).await?;
            return self.load(id).await;
        }
        Ok(row)
    }

    async fn cas(
        &self,
        id: &str,
        version: i64,
        sets: &str,
        mut params: Vec<Val>,
    ) -> Result<bool, ServiceError> {
        let n = params.len();
        params.push(id.into());
        params.push(Val::Int(version));
        let sql = format!(
            "UPDATE requests SET {sets}, version = version + 1 WHERE id = ${} AND version = ${}",
            n + 1,
            n + 2
        );
        Ok(self.db.execute(&sql, params).await? == 1)
    }

    fn view_of(&self, row: &Loaded, result: &ApprovalResult) -> DecisionView {
        DecisionView {
            request_id: row.id.clone(),
            status: result.verdict.as_str().to_owned(),
            verdict: result.verdict,
            reason: result.reason.clone(),
            action_digest: row.action_digest.clone(),
            approvers: result.approvers.clone(),
            approver_authenticated: true,
            challenge: result.challenge.clone(),
            risk: result.risk.clone(),
            audit_entry_id: result.audit_entry_id.clone(),
            decided_at: result.decided_at,
        }
    }

}

/// `deciding` is shown as `pending` (the decision is not final yet).
fn public_status(status: &str) -> &str {
    if status == DECIDING { PENDING } else { status }
}

fn redact_public(public: &mut PublicChallenge, redactor: &Redactor) {
    public.action.arguments = redactor.redact_value(&public.action.arguments);
    if let attesta_core::challenge::ChallengeBody::MultiParty { steps, .. } = &mut public.body {
        for step in steps {
            redact_public(step, redactor);
        }
    }
}

fn random_seed() -> u64 {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        return now_ms() as u64;
    }
    u64::from_le_bytes(b)
}

mod erased {
    /// Serialises any value for a TEXT column.
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_else(|_| "null".into())
        }
    }
}
