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

    /// Creates a request (or decides it at once: low risk auto-approves, a block rule denies).
    pub async fn create(&self, agent: &Identity, ctx: ActionContext) -> Result<Value, ServiceError> {
        self.create_in_session(agent, ctx, None).await
    }

    /// [`create`](Self::create) judged in the agent's session context (which can only raise the
    /// server's assessment; see [`crate::session_context`]).
    pub async fn create_in_session(
        &self,
        agent: &Identity,
        mut ctx: ActionContext,
        session: Option<&crate::session_context::SessionContext>,
    ) -> Result<Value, ServiceError> {
        if ctx.function_name.trim().is_empty() {
            return Err(ServiceError::Invalid(
                "function_name must not be empty".into(),
            ));
        }
        // The agent id recorded is the authenticated one, not what the caller claims.
        if let Some(claimed) = ctx
            .agent_id
            .replace(agent.name.clone())
            .filter(|c| c != &agent.name)
        {
            ctx.metadata
                .insert("claimed_agent_id".into(), Value::from(claimed));
        }
        ctx.metadata
            .entry("source")
            .or_insert_with(|| Value::from("server"));
        let digest = action_digest(&ctx);
        let assessment = match self.assess(&ctx) {
            Ok(a) => a,
            Err(why) => return Err(ServiceError::Invalid(format!("risk scoring failed: {why}"))),
        };
        let assessment = match session.filter(|s| !s.is_empty()) {
            Some(session) => session.raise(&ctx, assessment, &|call| self.assess(call)),
            None => assessment,
        };
        let policy = &self.config.policy;
        let level = assessment.level;
        let mut challenge = policy.challenge_map.get(level);
        let directives = assessment.directives.clone();
        if let Some(forced) = directives.challenge
            && forced.rigour() > challenge.rigour()
        {
            challenge = forced;
        }
        let mut approvers_required = 1;
        if challenge == ChallengeType::MultiParty {
            approvers_required = policy.require_multi_party.get(level).max(2);
        }
        if let Some(n) = directives.require_approvers
            && n >= 2
        {
            challenge = ChallengeType::MultiParty;
            approvers_required = approvers_required.max(n);
        }
        let mut min_review_seconds = policy.minimum_review_seconds.get(level);
        // The agent's own policy may demand more than ours: honour it, but only upwards.
        if let Some(asked) = ctx.metadata.get(attesta::reviewer::REQUIRES_KEY) {
            if let Some(wanted) = asked["challenge"].as_str().and_then(|c| c.parse::<ChallengeType>().ok())
                && wanted.rigour() > challenge.rigour()
            {
                challenge = wanted;
                if challenge == ChallengeType::MultiParty {
                    approvers_required = approvers_required.max(policy.require_multi_party.get(level)).max(2);
                }
            }
            if let Some(n) = asked["approvers"].as_u64()
                && challenge == ChallengeType::MultiParty
            {
                approvers_required = approvers_required.max(u32::try_from(n).unwrap_or(u32::MAX).min(16));
            }
            if let Some(seconds) = asked["min_review_seconds"].as_f64()
                && seconds.is_finite()
            {
                min_review_seconds = min_review_seconds.max(seconds.min(3600.0));
            }
        }
        let mut options = ChallengeOptions::new(challenge, random_seed());
        options.min_review_seconds = min_review_seconds;
        options.approvers_required = approvers_required;
        options.quiz = policy.quiz;
        options.teach_back = policy.teach_back;
        let (mut public, key) = generate(&ctx, &assessment, &options);
        redact_public(&mut public, &self.redactor);
        if let attesta_core::challenge::ChallengeBody::MultiParty {
            approvers_required: n,
            ..
        } = &public.body
        {
            approvers_required = *n;
        }

        let id = uuid::Uuid::now_v7().to_string();
        let now = now_ms();
        let expires = now + (policy.timeout_seconds.max(0.0) * 1000.0) as i64;
        let state = ReqState {
            approvers_required,
            min_review_seconds,
            ..ReqState::default()
        };
        let to_json = |v: &dyn erased::Json| v.json();
        let quota = self.config.server.max_pending_per_agent.unwrap_or(DEFAULT_MAX_PENDING);
        // One statement: the count and the insert cannot be split by a concurrent request.
        let insert = Stmt::new(
            format!("INSERT INTO requests ({COLUMNS}, function_name, risk_level, risk_score, challenge_type) \
                 SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, NULL, 1, $12, $13, $14, $15 \
                 WHERE (SELECT COUNT(*) FROM requests WHERE agent_identity = $2 AND status IN ($5, $17) AND expires_at > $3) < $16"),
                vec![
                    id.clone().into(),
                    agent.id.clone().into(),
                    Val::Int(now),
                    Val::Int(expires),
                    PENDING.into(),
                    digest.clone().into(),
                    to_json(&ctx).into(),
                    to_json(&assessment).into(),
                    to_json(&public).into(),
                    to_json(&key).into(),
                    to_json(&state).into(),
                    ctx.function_name.clone().into(),
                    level.as_str().into(),
                    Val::Real(assessment.score),
                    public.challenge_type.as_str().into(),
                    Val::Int(i64::from(quota)),
                    DECIDING.into(),
                ],
        )
        .expect(1);
        let decided_at_once = directives.block.is_some() || challenge == ChallengeType::AutoApprove;
        let mut stmts = vec![insert];
        if !decided_at_once {
            // The `request.created` notification is queued in the same transaction.
            stmts.extend(self.outbox.statements(
                "request.created",
                json!({
                    "request_id": id,
                    "action": ctx.function_name,
                    "risk_level": level,
                    "risk_score": assessment.score,
                    "challenge": public.challenge_type,
                    "agent": agent.name,
                    "expires_at": ts(expires),
                }),
                &id,
            ));
        }
        let inserted = self.db.transaction(stmts).await?;
        if !inserted {
            return Err(self.quota_refusal(agent, quota).await?);
        }
        self.publish(&id, PENDING);

        // Decided without a human: a block rule, or an auto-approve level.
        if let Some(rule) = &directives.block {
            let mut result = ChallengeResult::new(challenge, false);
            result.details.insert(
                "reason".into(),
                Value::from(format!("blocked by escalation rule: {rule}")),
            );
            self.decide(
                &id,
                Verdict::Denied,
                format!("blocked by escalation rule: {rule}"),
                Some(result),
                vec![],
            )
            .await?;
        } else if challenge == ChallengeType::AutoApprove {
            let result = ChallengeResult::new(ChallengeType::AutoApprove, true);
            self.decide(
                &id,
                Verdict::Approved,
                format!("auto-approved: {level} risk"),
                Some(result),
                vec![],
            )
            .await?;
        }
        let row = self.load(&id).await?;
        Ok(json!({
            "request_id": id,
            "status": public_status(&row.status),
            "action_digest": digest,
            "risk_level": level,
            "risk_score": assessment.score,
            "challenge": public.challenge_type,
            "approvers_required": approvers_required,
            "expires_at": ts(expires),
            "decision": row.decision,
        }))
    }

    /// The refusal for an agent at its quota: retry when its oldest pending request expires
    /// (at the latest; a decision frees a slot sooner), between 1 s and 1 min.
    async fn quota_refusal(&self, agent: &Identity, limit: u32) -> Result<ServiceError, ServiceError> {
        let rows = self
            .db
            .query(
                "SELECT MIN(expires_at) FROM requests WHERE agent_identity = $1 AND status = $2 AND expires_at > $3",
                vec![agent.id.clone().into(), PENDING.into(), Val::Int(now_ms())],
            )
            .await?;
        let first = rows.first().and_then(|r| r[0].int()).unwrap_or(0);
        let retry_after = ((first - now_ms()) as f64 / 1000.0).clamp(1.0, 60.0).ceil();
        Ok(ServiceError::Quota { limit, retry_after })
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

    /// Applies `policy.fail_mode` to an expired pending request.
    async fn expire(&self, row: &Loaded) -> Result<(), ServiceError> {
        let seconds = self.config.policy.timeout_seconds;
        let mut result = ChallengeResult::new(row.public.challenge_type, false);
        result
            .details
            .insert("timed_out_after_seconds".into(), Value::from(seconds));
        let (verdict, reason) = match self.config.policy.fail_mode {
            FailMode::Deny => (
                Verdict::TimedOut,
                format!("no answer within {seconds} s (policy.fail_mode: deny)"),
            ),
            FailMode::Escalate => (
                Verdict::Escalated,
                format!("no answer within {seconds} s; escalated (policy.fail_mode: escalate)"),
            ),
            FailMode::Allow => {
                result
                    .details
                    .insert("approved_on_timeout".into(), Value::from(true));
                (
                    Verdict::Approved,
                    format!(
                        "no answer within {seconds} s; approved because policy.fail_mode is allow"
                    ),
                )
            }
        };
        let approvers = row.state.answers.iter().map(|a| a.name.clone()).collect();
        // The escalation event is queued with the decision, in its transaction: only the server
        // whose claim won records it, so a request escalates once.
        match self
            .decide(&row.id, verdict, reason, Some(result), approvers)
            .await
        {
            Ok(_) | Err(ServiceError::AlreadyDecided { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Expires every overdue request and settles decisions left half-made (run periodically).
    pub async fn sweep(&self) -> Result<usize, ServiceError> {
        let rows = self
            .db
            .query(
                &format!("SELECT {COLUMNS} FROM requests WHERE status = $1 AND expires_at <= $2"),
                vec![PENDING.into(), Val::Int(now_ms())],
            )
            .await?;
        let mut n = 0;
        for r in rows {
            let row = loaded_from(&r)?;
            self.expire(&row).await?;
            n += 1;
        }
        self.recover(STALE_CLAIM_MS).await?;
        Ok(n)
    }

    /// Settles decisions claimed at least `min_age_ms` ago but never committed (a server stopped
    /// between its claim and its commit). The claim holds the prepared decision: if its audit
    /// entry was written the decision is committed as prepared (with its outbox rows), otherwise
    /// the request goes back to pending, as if nobody had answered. Either way one decision, one
    /// audit entry, one notification.
    pub async fn recover(&self, min_age_ms: i64) -> Result<usize, ServiceError> {
        let rows = self
            .db
            .query(
                &format!("SELECT {COLUMNS} FROM requests WHERE status = $1 AND decided_at <= $2"),
                vec![DECIDING.into(), Val::Int(now_ms() - min_age_ms)],
            )
            .await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let claims: Vec<Loaded> = rows.iter().map(|r| loaded_from(r)).collect::<Result<_, _>>()?;
        let wanted: std::collections::HashSet<String> = claims
            .iter()
            .filter_map(|c| c.prepared.as_ref().map(|p| p.audit_entry_id.clone()))
            .filter(|id| !id.is_empty())
            .collect();
        let written = self.audit_entries_present(wanted).await?;
        let mut settled = 0;
        for claim in claims {
            let Some(prepared) = claim.prepared.clone() else {
                // A claim from an older server version: nothing prepared, deny (fail closed).
                let mut view = self.denied_view(&claim, "the server stopped while recording this decision");
                view.audit_entry_id.clear();
                if self.finalize(&claim, claim.version, &view, None).await? {
                    settled += 1;
                }
                continue;
            };
            // A database chain is appended in the commit's own transaction: a claim left behind
            // was never audited. A file chain may hold the entry of a claim that never committed.
            let audited = !self.audit_in_db
                && (self.audit.is_none()
                    || prepared.audit_entry_id.is_empty()
                    || written.contains(&prepared.audit_entry_id));
            let done = if audited {
                tracing::warn!(request = claim.id, "committing a decision whose server stopped after auditing it");
                self.finalize(&claim, claim.version, &prepared, None).await?
            } else {
                tracing::warn!(request = claim.id, "a server stopped before auditing this decision; the request is pending again");
                self.cas(
                    &claim.id,
                    claim.version,
                    "status = $1, decision_json = NULL, decided_at = NULL",
                    vec![PENDING.into()],
                )
                .await?
            };
            if done {
                settled += 1;
                self.publish(&claim.id, if audited { &prepared.status } else { PENDING });
            }
        }
        Ok(settled)
    }

    /// Which of these audit entry ids are in the log.
    async fn audit_entries_present(
        &self,
        wanted: std::collections::HashSet<String>,
    ) -> Result<std::collections::HashSet<String>, ServiceError> {
        let Some(path) = self.audit_path() else {
            return Ok(Default::default());
        };
        if wanted.is_empty() || !path.exists() {
            return Ok(Default::default());
        }
        tokio::task::spawn_blocking(move || {
            let reader = attesta::audit::AuditReader::new(path);
            let mut found = std::collections::HashSet::new();
            for entry in reader.entries().map_err(|e| e.to_string())? {
                let entry = entry.map_err(|e| e.to_string())?;
                if wanted.contains(&entry.entry_id) {
                    found.insert(entry.entry_id);
                }
            }
            Ok::<_, String>(found)
        })
        .await
        .map_err(|e| ServiceError::Corrupt(e.to_string()))?
        .map_err(|e| ServiceError::Corrupt(format!("reading the audit log: {e}")))
    }

    fn denied_view(&self, row: &Loaded, reason: &str) -> DecisionView {
        DecisionView {
            request_id: row.id.clone(),
            status: Verdict::Denied.as_str().to_owned(),
            verdict: Verdict::Denied,
            reason: reason.to_owned(),
            action_digest: row.action_digest.clone(),
            approvers: Vec::new(),
            approver_authenticated: true,
            challenge: None,
            risk: row.assessment.clone(),
            audit_entry_id: String::new(),
            decided_at: Timestamp::now(),
        }
    }

    /// Commits a claimed decision: the request's final state and its outbox rows in one
    /// transaction, guarded by the claim's version. `false`: someone else settled it first.
    async fn finalize(
        &self,
        row: &Loaded,
        claimed_version: i64,
        view: &DecisionView,
        audit_entry: Option<AuditEntry>,
    ) -> Result<bool, ServiceError> {
        let json = serde_json::to_string(view).map_err(|e| ServiceError::Corrupt(e.to_string()))?;
        let mut stmts = vec![Stmt::new(
            "UPDATE requests SET status = $1, decision_json = $2, version = version + 1 WHERE id = $3 AND version = $4 AND status = $5",
            vec![view.status.clone().into(), json.into(), row.id.clone().into(), Val::Int(claimed_version), DECIDING.into()],
        )
        .expect(1)];
        stmts.extend(self.outbox.statements(
            "request.decided",
            json!({
                "request_id": row.id,
                "action": row.ctx.function_name,
                "verdict": view.verdict,
                "reason": view.reason,
                "approvers": view.approvers,
                "risk_level": view.risk.level,
                "audit_entry_id": view.audit_entry_id,
            }),
            &row.id,
        ));
        // The request's own callback, if it has one, is filled in the same transaction.
        stmts.extend(crate::callback::decided_statement(&json!(view), &row.ctx.function_name));
        if view.verdict == Verdict::Escalated {
            stmts.extend(self.outbox.statements(
                "request.escalated",
                json!({"request_id": row.id, "action": row.ctx.function_name, "reason": view.reason}),
                &row.id,
            ));
        }
        Ok(match audit_entry {
            Some(entry) => self.db.transaction_audited(stmts, entry).await?,
            None => self.db.transaction(stmts).await?,
        })
    }

    /// Decides a request exactly once: claim it (`deciding`, holding the prepared decision),
    /// write the audit entry, then commit the final state with its outbox rows in one
    /// transaction. A crash between the steps is settled by [`Service::recover`].
    async fn decide(
        &self,
        id: &str,
        verdict: Verdict,
        reason: String,
        challenge: Option<ChallengeResult>,
        approvers: Vec<String>,
    ) -> Result<DecisionView, ServiceError> {
        let row = self.load(id).await?;
        if row.status != PENDING {
            return Err(ServiceError::AlreadyDecided {
                id: id.to_owned(),
                status: public_status(&row.status).to_owned(),
            });
        }
        let decided = now_ms();
        let entry_id = uuid::Uuid::now_v7().to_string();
        let total = (decided - row.created_at).max(0) as f64 / 1000.0;
        // Review time runs from when the deciding approver first opened the request; the time
        // before that is queue time, recorded separately.
        let review = challenge
            .as_ref()
            .filter(|_| !approvers.is_empty())
            .map_or(0.0, |c| c.review_seconds.clamp(0.0, total));
        let mut result = ApprovalResult {
            verdict,
            risk: row.assessment.clone(),
            challenge,
            approvers,
            approver_authenticated: true,
            review_seconds: review,
            audit_entry_id: if self.audit.is_some() || self.audit_in_db { entry_id } else { String::new() },
            modification: None,
            reason,
            mode: Mode::Enforce,
            enforced_verdict: verdict,
            trust_before: None,
            intercepted_at: ts(row.created_at),
            decided_at: ts(decided),
        };
        let prepared = self.view_of(&row, &result);
        let prepared_json =
            serde_json::to_string(&prepared).map_err(|e| ServiceError::Corrupt(e.to_string()))?;
        if !self
            .cas(
                id,
                row.version,
                "status = $1, decided_at = $2, decision_json = $3",
                vec![DECIDING.into(), Val::Int(decided), prepared_json.into()],
            )
            .await?
        {
            let now = self.load(id).await?;
            return Err(ServiceError::AlreadyDecided {
                id: id.to_owned(),
                status: public_status(&now.status).to_owned(),
            });
        }
        crate::faults::point(crate::faults::CLAIMED).await;
        let entry_for = |result: &ApprovalResult| {
            let mut entry = AuditEntry::from_decision(&row.ctx, result, &self.redactor);
            // The server's own fields go in after redaction: a request id is no secret, and a
            // UUID whose digits happen to pass a card-number check must stay findable.
            entry.metadata.insert("request_id".into(), Value::from(id));
            entry
                .metadata
                .insert("reviewer".into(), Value::from("server"));
            entry
                .metadata
                .insert("queue_seconds".into(), json!(((total - review) * 1000.0).round() / 1000.0));
            entry
        };
        if let Some(log) = &self.audit {
            let entry = entry_for(&result);
            let log = log.clone();
            let written = tokio::task::spawn_blocking(move || log.append(entry)).await;
            let failure = match written {
                Ok(Ok(_)) => None,
                Ok(Err(e)) => Some(e.to_string()),
                Err(e) => Some(e.to_string()),
            };
            if let Some(error) = failure {
                tracing::error!(%error, request = id, "audit write failed; the request is denied");
                result.verdict = Verdict::Denied;
                result.enforced_verdict = Verdict::Denied;
                result.reason = format!("audit write failed, so the action is denied: {error}");
                result.audit_entry_id.clear();
            }
        }
        crate::faults::point(crate::faults::AUDITED).await;
        let view = self.view_of(&row, &result);
        // With the chain in the database the entry is appended in the commit's transaction.
        let db_entry = self.audit_in_db.then(|| entry_for(&result));
        // We hold the claim (version + 1), so this cannot race.
        if !self.finalize(&row, row.version + 1, &view, db_entry).await? {
            return Err(ServiceError::Contended);
        }
        crate::faults::point(crate::faults::COMMITTED).await;
        self.publish(id, &view.status);
        Ok(view)
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

    /// The agent's view of its own request.
    pub async fn agent_view(&self, agent: &Identity, id: &str) -> Result<Value, ServiceError> {
        let row = self.load_current(id).await?;
        if row.agent_identity != agent.id {
            return Err(ServiceError::NotFound(id.to_owned()));
        }
        Ok(json!({
            "request_id": row.id,
            "status": public_status(&row.status),
            "action_digest": row.action_digest,
            "expires_at": ts(row.expires_at),
            "approvals": row.state.answers.len(),
            "approvers_required": row.state.approvers_required,
            "decision": row.decision,
        }))
    }

    /// Waits until the request is decided or `timeout` passes. `Ok(None)` means still pending.
    pub async fn wait(
        &self,
        agent: &Identity,
        id: &str,
        timeout: Duration,
    ) -> Result<Option<DecisionView>, ServiceError> {
        let mut rx = self.changes.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let row = self.load_current(id).await?;
            if row.agent_identity != agent.id {
                return Err(ServiceError::NotFound(id.to_owned()));
            }
            if let Some(decision) = row.decision {
                return Ok(Some(decision));
            }
            let wake_at = (tokio::time::Instant::now() + self.poll_interval)
                .min(deadline)
                .min(
                    tokio::time::Instant::now()
                        + Duration::from_millis((row.expires_at - now_ms()).max(0) as u64 + 5),
                );
            if tokio::time::Instant::now() >= deadline {
                return Ok(None);
            }
            // Wake on a local change to this request, or poll (another server may decide it).
            loop {
                tokio::select! {
                    msg = rx.recv() => match msg {
                        Ok(change) if change.request_id == id => break,
                        Ok(_) => continue,
                        Err(broadcast::error::RecvError::Lagged(_)) => break,
                        Err(broadcast::error::RecvError::Closed) => break,
                    },
                    _ = tokio::time::sleep_until(wake_at) => break,
                }
            }
        }
    }

    /// Hands the decision to the agent once, checking it is for the same action.
    pub async fn consume(
        &self,
        agent: &Identity,
        id: &str,
        digest: &str,
    ) -> Result<DecisionView, ServiceError> {
        for _ in 0..5 {
            let row = self.load_current(id).await?;
            if row.agent_identity != agent.id {
                return Err(ServiceError::NotFound(id.to_owned()));
            }
            if !crate::identity::constant_time_eq(row.action_digest.as_bytes(), digest.as_bytes()) {
                return Err(ServiceError::DigestMismatch(id.to_owned()));
            }
            let Some(decision) = row.decision else {
                return Err(ServiceError::NotDecided(id.to_owned()));
            };
            if row.consumed_at.is_some() {
                return Err(ServiceError::Consumed(id.to_owned()));
            }
            if self
                .cas(
                    id,
                    row.version,
                    "consumed_at = $1",
                    vec![Val::Int(now_ms())],
                )
                .await?
            {
                return Ok(decision);
            }
        }
        Err(ServiceError::Contended)
    }

    /// The one database watcher of this server: re-reads the pending set (ids and row versions)
    /// every `poll_interval` and notifies subscribers when it changed, which catches requests
    /// created, answered or decided through other servers sharing the database.
    pub async fn watch_pending(&self) {
        loop {
            match self
                .db
                .query(
                    "SELECT id, version FROM requests WHERE status = $1 AND expires_at > $2 ORDER BY created_at, id",
                    vec![PENDING.into(), Val::Int(now_ms())],
                )
                .await
            {
                Ok(rows) => {
                    let snapshot: Vec<(String, i64)> = rows
                        .iter()
                        .filter_map(|r| Some((r[0].text()?.to_owned(), r[1].int()?)))
                        .collect();
                    self.pending_watch.send_if_modified(|current| {
                        if **current == snapshot {
                            false
                        } else {
                            *current = Arc::new(snapshot);
                            true
                        }
                    });
                }
                Err(error) => tracing::warn!(%error, "watching pending requests"),
            }
            tokio::time::sleep(self.poll_interval).await;
        }
    }

    /// A page of requests for the inbox: `{"requests", "total", "next_cursor"}`.
    pub async fn list(&self, query: &ListQuery) -> Result<Value, ServiceError> {
        let names = self.agent_names().await?;
        let plan = crate::listing::plan(query, now_ms(), |name| {
            names
                .iter()
                .find(|(_, n)| n.eq_ignore_ascii_case(name))
                .map(|(id, _)| id.clone())
        })
        .map_err(|e| ServiceError::Invalid(e.0))?;
        let total = self
            .db
            .query(
                &format!("SELECT COUNT(*) FROM requests WHERE {}", plan.filter),
                plan.params.clone(),
            )
            .await?
            .first()
            .and_then(|r| r[0].int())
            .unwrap_or(0);
        let mut filter = plan.filter.clone();
        let mut params = plan.params.clone();
        if let Some((page, extra)) = &plan.page_filter {
            filter = format!("{filter} AND {page}");
            params.extend(extra.iter().cloned());
        }
        params.push(Val::Int(plan.limit + 1));
        let rows = self
            .db
            .query(
                &format!(
                    "SELECT id, function_name, risk_level, risk_score, challenge_type, status, created_at, expires_at, decided_at, \
                     state_json, agent_identity, public_json, context_json, decision_json \
                     FROM requests WHERE {filter} ORDER BY {} LIMIT ${}",
                    plan.order,
                    params.len()
                ),
                params,
            )
            .await?;
        let more = rows.len() as i64 > plan.limit;
        let rows = &rows[..rows.len().min(plan.limit as usize)];
        let next_cursor = if more {
            rows.last().map(|r| {
                crate::listing::cursor(
                    plan.by_risk,
                    real(&r[3]),
                    r[6].int().unwrap_or(0),
                    r[0].text().unwrap_or_default(),
                )
            })
        } else {
            None
        };
        let items: Vec<Value> = rows.iter().map(|r| self.list_item(r, &names)).collect();
        Ok(json!({ "requests": items, "total": total, "next_cursor": next_cursor }))
    }

    /// One row of the list: what an approver needs to triage without opening it.
    fn list_item(&self, r: &[Val], names: &BTreeMap<String, String>) -> Value {
        let state: ReqState = serde_json::from_str(r[9].text().unwrap_or("{}")).unwrap_or_default();
        let public: Option<PublicChallenge> = r[11].text().and_then(|t| serde_json::from_str(t).ok());
        let ctx: Option<ActionContext> = r[12].text().and_then(|t| serde_json::from_str(t).ok());
        let decision: Option<DecisionView> = r[13].text().and_then(|t| serde_json::from_str(t).ok());
        let status = r[5].text().unwrap_or_default();
        json!({
            "request_id": r[0].text(),
            "action": r[1].text(),
            "risk_level": r[2].text(),
            "risk_score": real(&r[3]),
            "challenge": r[4].text(),
            "status": public_status(status),
            "created_at": ts(r[6].int().unwrap_or(0)),
            "expires_at": ts(r[7].int().unwrap_or(0)),
            "decided_at": r[8].int().filter(|_| status != DECIDING).map(ts),
            "approvals": state.answers.len(),
            "approvers_required": state.approvers_required,
            "agent": r[10].text().and_then(|a| names.get(a).cloned()),
            "arguments": public.as_ref().map(|p| p.action.arguments.clone()),
            "environment": public.as_ref().and_then(|p| p.action.environment.clone()),
            "factors": public.as_ref().map(|p| p.action.factors.iter().map(|f| json!({"name": f.name, "evidence": f.evidence})).collect::<Vec<_>>()),
            "agent_reason": ctx.as_ref().and_then(|c| self.agent_reason(c)),
            "verdict": decision.as_ref().filter(|_| status != DECIDING).map(|d| d.verdict),
            "fail_mode": self.config.policy.fail_mode,
        })
    }

    /// What the agent says it is doing this for (`metadata.reason`, else `hints.reason`),
    /// redacted. It is the agent's claim, and shown as such.
    fn agent_reason(&self, ctx: &ActionContext) -> Option<String> {
        let raw = ctx
            .metadata
            .get("reason")
            .or_else(|| ctx.hints.get("reason"))
            .and_then(Value::as_str)?;
        let redacted = self.redactor.redact_value(&Value::from(raw));
        redacted.as_str().map(|s| s.chars().take(2000).collect())
    }

    async fn agent_names(&self) -> Result<BTreeMap<String, String>, ServiceError> {
        let rows = self
            .db
            .query("SELECT id, name FROM identities", vec![])
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| Some((r[0].text()?.to_owned(), r[1].text()?.to_owned())))
            .collect())
    }

    /// An approver opens a request: records when (the minimum review time counts from here) and
    /// returns what they may see: the public challenge, never the answers.
    pub async fn open(&self, approver: &Identity, id: &str) -> Result<Value, ServiceError> {
        let mut row = self.load_current(id).await?;
        let mut opened_at = row.state.opened.get(&approver.id).copied();
        if row.status == PENDING && opened_at.is_none() {
            let now = now_ms();
            let mut state = row.state.clone();
            state.opened.insert(approver.id.clone(), now);
            let json =
                serde_json::to_string(&state).map_err(|e| ServiceError::Corrupt(e.to_string()))?;
            if self
                .cas(id, row.version, "state_json = $1", vec![json.into()])
                .await?
            {
                opened_at = Some(now);
                self.publish(id, PENDING);
            } else {
                row = self.load(id).await?;
                opened_at = row.state.opened.get(&approver.id).copied();
            }
        }
        let already = row
            .state
            .answers
            .iter()
            .any(|a| a.identity_id == approver.id);
        let step_index = row.state.answers.len();
        let your_challenge = match &row.public.body {
            attesta_core::challenge::ChallengeBody::MultiParty { steps, .. } => {
                steps.get(step_index).cloned()
            }
            _ => Some(row.public.clone()),
        };
        let min_review = your_challenge
            .as_ref()
            .map_or(0.0, |c| c.min_review_seconds);
        let elapsed = opened_at.map_or(0.0, |o| (now_ms() - o) as f64 / 1000.0);
        let names = self.agent_names().await?;
        Ok(json!({
            "request_id": row.id,
            "status": public_status(&row.status),
            "action_digest": row.action_digest,
            "agent": names.get(&row.agent_identity),
            "created_at": ts(row.created_at),
            "expires_at": ts(row.expires_at),
            "challenge": row.public,
            "your_step": if row.status == PENDING && !already { your_challenge } else { None },
            "step_index": step_index,
            "approvers_required": row.state.approvers_required,
            // Earlier approvers' own explanations (teach-back text, redacted) are shown to later
            // ones; quiz answers are not (they would hand the next approver the answers).
            "approvals": row.state.answers.iter().map(|a| json!({
                "approver": a.name,
                "at": ts(a.at),
                "explanation": match &a.response {
                    Response::TeachBack(text) => self.redactor.redact_value(&Value::from(text.as_str())).as_str().map(str::to_owned),
                    _ => None,
                },
            })).collect::<Vec<_>>(),
            "agent_reason": self.agent_reason(&row.ctx),
            "fail_mode": self.config.policy.fail_mode,
            "already_answered": already,
            "opened_at": opened_at.map(ts),
            "min_review_seconds": min_review,
            "review_remaining_seconds": (min_review - elapsed).max(0.0),
            "decision": row.decision,
        }))
    }

    /// An approver answers (or denies).
    pub async fn answer(
        &self,
        approver: &Identity,
        id: &str,
        body: AnswerBody,
    ) -> Result<AnswerOutcome, ServiceError> {
        for _ in 0..5 {
            let row = self.load_current(id).await?;
            if row.status != PENDING {
                return Err(ServiceError::AlreadyDecided {
                    id: id.to_owned(),
                    status: public_status(&row.status).to_owned(),
                });
            }
            if let Some(d) = &body.action_digest
                && !crate::identity::constant_time_eq(d.as_bytes(), row.action_digest.as_bytes())
            {
                return Err(ServiceError::DigestMismatch(id.to_owned()));
            }
            if row
                .state
                .answers
                .iter()
                .any(|a| a.identity_id == approver.id)
            {
                return Err(ServiceError::AlreadyAnswered(format!(
                    "'{}' has already approved this action; a different person must approve",
                    approver.name
                )));
            }
            if body.decision.as_deref() == Some("deny") {
                // Denying needs no minimum review time: stopping an action is always allowed.
                let elapsed = row
                    .state
                    .opened
                    .get(&approver.id)
                    .map_or(0.0, |o| (now_ms() - o) as f64 / 1000.0);
                let reason = body
                    .reason
                    .as_deref()
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .unwrap_or("no reason given");
                let mut result = ChallengeResult::new(row.key.challenge_type, false);
                result.responder_ids = vec![approver.name.clone()];
                result.review_seconds = elapsed;
                result.min_review_seconds = row.key.min_review_seconds;
                result.min_review_met = elapsed >= row.key.min_review_seconds;
                result
                    .details
                    .insert("denied_by".into(), Value::from(approver.name.clone()));
                result.details.insert("reason".into(), Value::from(reason));
                let mut approvers: Vec<String> =
                    row.state.answers.iter().map(|a| a.name.clone()).collect();
                approvers.push(approver.name.clone());
                let view = self
                    .decide(
                        id,
                        Verdict::Denied,
                        format!("denied by {}: {reason}", approver.name),
                        Some(result),
                        approvers,
                    )
                    .await?;
                return Ok(outcome(&row, "decided", false, Some(view)));
            }
            let now = now_ms();
            let Some(opened) = row.state.opened.get(&approver.id).copied() else {
                // Reading the request starts the review clock; answering blind is refused.
                let min = row.key.min_review_seconds;
                let mut state = row.state.clone();
                state.opened.insert(approver.id.clone(), now);
                let json = serde_json::to_string(&state)
                    .map_err(|e| ServiceError::Corrupt(e.to_string()))?;
                if !self
                    .cas(id, row.version, "state_json = $1", vec![json.into()])
                    .await?
                {
                    continue;
                }
                if min > 0.0 {
                    return Err(ServiceError::TooEarly(
                        format!(
                            "answer rejected: read the request first; answer again in {min:.0}s"
                        ),
                        min.ceil().max(1.0),
                    ));
                }
                continue;
            };
            let elapsed = (now - opened) as f64 / 1000.0;
            let multi = row.key.challenge_type == ChallengeType::MultiParty;

            if body.decision.as_deref().is_some_and(|d| d != "answer") {
                return Err(ServiceError::Invalid(
                    "`decision` is `answer` (default) or `deny`".into(),
                ));
            }
            let Some(response) = body.response.clone() else {
                return Err(ServiceError::Invalid(
                    "`response` is required unless `decision` is `deny`".into(),
                ));
            };

            if !multi {
                let mut result = match check(&row.key, &response, elapsed, &[]) {
                    Ok(r) => r,
                    Err(early) => {
                        return Err(ServiceError::TooEarly(
                            early.to_string(),
                            early.remaining_seconds,
                        ));
                    }
                };
                result.responder_ids = vec![approver.name.clone()];
                let passed = result.passed;
                let reason = if passed {
                    format!(
                        "{} challenge passed by {}",
                        row.key.challenge_type, approver.name
                    )
                } else {
                    format!(
                        "{} challenge not passed by {}",
                        row.key.challenge_type, approver.name
                    )
                };
                let verdict = if passed {
                    Verdict::Approved
                } else {
                    Verdict::Denied
                };
                let view = self
                    .decide(
                        id,
                        verdict,
                        reason,
                        Some(result),
                        vec![approver.name.clone()],
                    )
                    .await?;
                return Ok(outcome(&row, "decided", passed, Some(view)));
            }

            // Multi-party: rebuild the session from the answers on record, then add this one.
            let mut session = MultiPartySession::new(&row.key)
                .ok_or_else(|| ServiceError::Corrupt("multi-party key".into()))?;
            for prior in &row.state.answers {
                session
                    .admit(&prior.name)
                    .map_err(|e| ServiceError::Corrupt(e.to_string()))?;
                session
                    .submit(&prior.response, prior.elapsed, &[])
                    .map_err(|e| ServiceError::Corrupt(e.to_string()))?;
            }
            match session.admit(&approver.name) {
                Ok(_) => {}
                Err(IdentityRefused::AlreadyApproved(_)) => {
                    return Err(ServiceError::AlreadyAnswered(format!(
                        "'{}' has already approved this action; a different person must approve",
                        approver.name
                    )));
                }
                Err(e) => return Err(ServiceError::Invalid(e.to_string())),
            }
            // A page opened before another approver answered still shows the earlier step;
            // its answer is refused (nothing stored) rather than failing the whole review.
            if let Some(step_key) = session.current_key()
                && response_type(&response) != Some(step_key.challenge_type)
            {
                return Err(ServiceError::Invalid(format!(
                    "another approver answered first: your step is now a {}; reload the request and answer that",
                    step_key.challenge_type
                )));
            }
            let step = match session.submit(&response, elapsed, &[]) {
                Ok(step) => step,
                Err(SessionError::TooEarly(early)) => {
                    return Err(ServiceError::TooEarly(
                        early.to_string(),
                        early.remaining_seconds,
                    ));
                }
                Err(e) => return Err(ServiceError::Invalid(e.to_string())),
            };
            let mut state = row.state.clone();
            state.answers.push(StoredAnswer {
                identity_id: approver.id.clone(),
                name: approver.name.clone(),
                response: response.clone(),
                elapsed,
                at: now,
            });
            match step {
                MultiPartyStep::Next(_) => {
                    let json = serde_json::to_string(&state)
                        .map_err(|e| ServiceError::Corrupt(e.to_string()))?;
                    if !self
                        .cas(id, row.version, "state_json = $1", vec![json.into()])
                        .await?
                    {
                        continue;
                    }
                    self.publish(id, PENDING);
                    let mut out = outcome(&row, "recorded", true, None);
                    out.approvals = state.answers.len();
                    return Ok(out);
                }
                MultiPartyStep::Finished(result) => {
                    let json = serde_json::to_string(&state)
                        .map_err(|e| ServiceError::Corrupt(e.to_string()))?;
                    if !self
                        .cas(id, row.version, "state_json = $1", vec![json.into()])
                        .await?
                    {
                        continue;
                    }
                    let passed = result.passed;
                    let approvers = result.responder_ids.clone();
                    let reason = if passed {
                        format!("multi-party approval by {}", approvers.join(", "))
                    } else {
                        format!(
                            "multi-party review failed: {} did not pass their challenge",
                            approver.name
                        )
                    };
                    let verdict = if passed {
                        Verdict::Approved
                    } else {
                        Verdict::Denied
                    };
                    let view = self
                        .decide(id, verdict, reason, Some(result), approvers)
                        .await?;
                    let mut out = outcome(&row, "decided", passed, Some(view));
                    out.approvals = state.answers.len() - usize::from(!passed);
                    return Ok(out);
                }
            }
        }
        Err(ServiceError::Contended)
    }
}

fn outcome(
    row: &Loaded,
    result: &'static str,
    passed: bool,
    decision: Option<DecisionView>,
) -> AnswerOutcome {
    AnswerOutcome {
        request_id: row.id.clone(),
        status: decision
            .as_ref()
            .map_or_else(|| PENDING.to_owned(), |d| d.status.clone()),
        result,
        passed,
        // An approval counts only if it passed: a deny or a failed answer is not "approvals: 1".
        approvals: row.state.answers.len() + usize::from(result == "decided" && passed),
        approvers_required: row.state.approvers_required,
        decision,
    }
}

/// The challenge a response answers (`None` for an auto-approve, which no human sends).
fn response_type(response: &Response) -> Option<ChallengeType> {
    match response {
        Response::Confirm(_) => Some(ChallengeType::Confirm),
        Response::Quiz(_) => Some(ChallengeType::Quiz),
        Response::TeachBack(_) => Some(ChallengeType::TeachBack),
        Response::AutoApprove => None,
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
