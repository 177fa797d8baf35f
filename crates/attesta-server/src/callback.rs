//! Per-request callbacks: an agent may name a `callback_url` when it creates a request, and the
//! server POSTs one signed `request.decided` notification there once the request is decided.
//! Workflow engines that park an execution until a URL is called (n8n's send-and-wait resume
//! URLs, for instance) use it instead of holding a long-poll open for hours.
//!
//! Delivery follows the webhook outbox: the notification is written to the `callbacks` table in
//! the same database as the decision, and a background worker sends it with the webhook headers
//! (`X-Attesta-Event-Id`, `X-Attesta-Timestamp`, and `X-Attesta-Signature` when the agent gave a
//! `callback_secret`), retrying with the same back-off until a 2xx or [`MAX_ATTEMPTS`]. Redirects
//! are not followed. The callback only says "decided": a receiver still consumes the decision with
//! its agent token and the action digest, so a forged or replayed callback cannot approve anything.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use crate::db::{DbError, SqlBackend, Stmt, Val};
use crate::webhook::{MAX_ATTEMPTS, backoff_ms};

/// Longest accepted `callback_url`.
pub const MAX_URL_LEN: usize = 2048;
/// Bounds of an accepted `callback_secret`, in bytes.
pub const SECRET_LEN: std::ops::RangeInclusive<usize> = 16..=512;

/// The version this table takes in `schema_migrations` (kept apart from the core migrations).
const MIGRATION_VERSION: i64 = 101;
const SCHEMA: &str = "CREATE TABLE callbacks (
    request_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    secret TEXT,
    created_at BIGINT NOT NULL,
    event_id TEXT,
    body TEXT,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    locked_until BIGINT NOT NULL,
    delivered_at BIGINT,
    last_error TEXT
);
CREATE INDEX callbacks_due ON callbacks(delivered_at, next_attempt_at);";

/// A callback the agent asked for, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Callback {
    pub url: String,
    pub secret: Option<String>,
}

/// Why a `callback_url` or `callback_secret` was refused (rendered as a 400 `invalid`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallbackError {
    #[error("callback_url must be a string")]
    NotString,
    #[error("callback_url is longer than {MAX_URL_LEN} characters")]
    TooLong,
    #[error("callback_url is not a URL: {0}")]
    Parse(String),
    #[error("callback_url must use http or https, not `{0}`")]
    Scheme(String),
    #[error("callback_url needs a host")]
    NoHost,
    #[error("callback_url must not carry a user name or password")]
    Credentials,
    #[error("callback_secret must be a string of 16 to 512 bytes")]
    Secret,
    #[error("callback_secret needs a callback_url")]
    SecretWithoutUrl,
}

/// Checks a URL the server will POST to: http or https, a host, no credentials.
pub fn validate_url(raw: &str) -> Result<String, CallbackError> {
    if raw.len() > MAX_URL_LEN {
        return Err(CallbackError::TooLong);
    }
    let url = reqwest::Url::parse(raw.trim()).map_err(|e| CallbackError::Parse(e.to_string()))?;
    match url.scheme() {
        "http" | "https" => {}
        other => return Err(CallbackError::Scheme(other.to_owned())),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(CallbackError::NoHost);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(CallbackError::Credentials);
    }
    Ok(url.to_string())
}

/// Takes `callback_url` and `callback_secret` out of a request body (the rest is the
/// ActionContext) and validates them.
pub fn take_from_body(
    body: &mut serde_json::Map<String, Value>,
) -> Result<Option<Callback>, CallbackError> {
    let url = body.remove("callback_url");
    let secret = body.remove("callback_secret");
    let secret = match secret {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if SECRET_LEN.contains(&s.len()) => Some(s),
        Some(_) => return Err(CallbackError::Secret),
    };
    match url {
        None | Some(Value::Null) => match secret {
            Some(_) => Err(CallbackError::SecretWithoutUrl),
            None => Ok(None),
        },
        Some(Value::String(s)) => Ok(Some(Callback {
            url: validate_url(&s)?,
            secret,
        })),
        Some(_) => Err(CallbackError::NotString),
    }
}

/// Creates the `callbacks` table once (recorded in `schema_migrations`).
pub async fn migrate(db: &dyn SqlBackend) -> Result<(), DbError> {
    if db.kind() == "postgres" {
        db.batch("SELECT pg_advisory_lock(7373)").await?;
    }
    let result = async {
        let applied = db
            .query(
                "SELECT version FROM schema_migrations WHERE version = $1",
                vec![Val::Int(MIGRATION_VERSION)],
            )
            .await?;
        if applied.is_empty() {
            db.batch(SCHEMA).await?;
            db.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                vec![
                    Val::Int(MIGRATION_VERSION),
                    Val::Int(jiff::Timestamp::now().as_millisecond()),
                ],
            )
            .await?;
        }
        Ok(())
    }
    .await;
    if db.kind() == "postgres" {
        db.batch("SELECT pg_advisory_unlock(7373)").await?;
    }
    result
}

/// Records the callback of a new request. If the request was decided already (auto-approval,
/// block rule, or a human faster than this call), the notification is queued at once.
pub async fn register(
    db: &dyn SqlBackend,
    request_id: &str,
    callback: &Callback,
) -> Result<(), DbError> {
    let now = jiff::Timestamp::now().as_millisecond();
    db.execute(
        "INSERT INTO callbacks (request_id, url, secret, created_at, event_id, body, attempts, next_attempt_at, locked_until, delivered_at, last_error)
         VALUES ($1, $2, $3, $4, NULL, NULL, 0, $4, 0, NULL, NULL)",
        vec![
            request_id.into(),
            callback.url.clone().into(),
            callback.secret.clone().into(),
            Val::Int(now),
        ],
    )
    .await?;
    let rows = db
        .query(
            "SELECT decision_json, function_name FROM requests WHERE id = $1 AND status NOT IN ('pending', 'deciding')",
            vec![request_id.into()],
        )
        .await?;
    if let Some(row) = rows.first()
        && let (Some(decision), Some(function_name)) = (row[0].text(), row[1].text())
        && let Ok(decision) = serde_json::from_str::<Value>(decision)
    {
        decided(db, &decision, function_name).await?;
    }
    Ok(())
}

/// Queues the notification for a request decided before its callback was registered.
async fn decided(db: &dyn SqlBackend, decision: &Value, function_name: &str) -> Result<(), DbError> {
    if let Some(stmt) = decided_statement(decision, function_name) {
        db.execute(&stmt.sql, stmt.params).await?;
    }
    Ok(())
}

/// The statement that queues the notification for a decided request, if it has a callback;
/// run inside the decision's own transaction. Idempotent: only the
/// first call for a request fills the body, so one decision gives one notification.
pub fn decided_statement(decision: &Value, function_name: &str) -> Option<Stmt> {
    let request_id = decision["request_id"].as_str()?;
    let now = jiff::Timestamp::now();
    let event_id = uuid::Uuid::now_v7().to_string();
    let body = json!({
        "id": event_id,
        "event": "request.decided",
        "created_at": now,
        "data": {
            "request_id": request_id,
            "action": function_name,
            "status": decision["status"],
            "verdict": decision["verdict"],
            "reason": decision["reason"],
            "approvers": decision["approvers"],
            "risk_level": decision["risk"]["level"],
            "risk_score": decision["risk"]["score"],
            "action_digest": decision["action_digest"],
            "audit_entry_id": decision["audit_entry_id"],
        },
    });
    // Zero rows when the request has no callback (or it was already filled): any count is fine.
    Some(Stmt::new(
        "UPDATE callbacks SET event_id = $1, body = $2, next_attempt_at = $3 WHERE request_id = $4 AND body IS NULL",
        vec![
            event_id.into(),
            body.to_string().into(),
            Val::Int(now.as_millisecond()),
            request_id.into(),
        ],
    ))
}

/// The delivery worker's HTTP client: bounded, never follows redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

/// Delivers due callbacks until the process stops.
pub async fn run(db: Arc<dyn SqlBackend>, client: reqwest::Client) {
    loop {
        match deliver_due(&*db, &client).await {
            Ok(0) => tokio::time::sleep(Duration::from_millis(250)).await,
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "callback outbox");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Claims and sends due callbacks; returns how many were attempted.
pub async fn deliver_due(db: &dyn SqlBackend, client: &reqwest::Client) -> Result<usize, DbError> {
    let now = jiff::Timestamp::now().as_millisecond();
    let rows = db
        .query(
            "SELECT request_id, url, secret, event_id, body, attempts, locked_until FROM callbacks
             WHERE body IS NOT NULL AND delivered_at IS NULL AND next_attempt_at <= $1 AND locked_until <= $1 AND attempts < $2
             ORDER BY next_attempt_at LIMIT 20",
            vec![Val::Int(now), Val::Int(MAX_ATTEMPTS)],
        )
        .await?;
    let mut n = 0;
    for r in rows {
        let (Some(id), Some(url), Some(event_id), Some(body)) =
            (r[0].text(), r[1].text(), r[3].text(), r[4].text())
        else {
            continue;
        };
        let attempts = r[5].int().unwrap_or(0);
        let locked = r[6].int().unwrap_or(0);
        // Claim the attempt so another server sharing the database does not send it too.
        let claimed = db
            .execute(
                "UPDATE callbacks SET locked_until = $1 WHERE request_id = $2 AND locked_until = $3 AND delivered_at IS NULL",
                vec![Val::Int(now + 30_000), id.into(), Val::Int(locked)],
            )
            .await?;
        if claimed != 1 {
            continue;
        }
        n += 1;
        match send(client, event_id, url, r[2].text(), body).await {
            Ok(()) => {
                // The secret is not needed any more.
                db.execute(
                    "UPDATE callbacks SET delivered_at = $1, attempts = $2, last_error = NULL, secret = NULL WHERE request_id = $3",
                    vec![
                        Val::Int(jiff::Timestamp::now().as_millisecond()),
                        Val::Int(attempts + 1),
                        id.into(),
                    ],
                )
                .await?;
            }
            Err(error) => {
                tracing::warn!(request = id, attempt = attempts + 1, %error, "callback delivery failed");
                db.execute(
                    "UPDATE callbacks SET attempts = $1, next_attempt_at = $2, locked_until = 0, last_error = $3 WHERE request_id = $4",
                    vec![
                        Val::Int(attempts + 1),
                        Val::Int(now + backoff_ms(attempts)),
                        error.into(),
                        id.into(),
                    ],
                )
                .await?;
            }
        }
    }
    Ok(n)
}

async fn send(
    client: &reqwest::Client,
    event_id: &str,
    url: &str,
    secret: Option<&str>,
    body: &str,
) -> Result<(), String> {
    crate::webhook::post_signed(client, Some("request.decided"), event_id, url, secret, body).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_with_a_host_and_no_credentials() {
        assert!(validate_url("http://127.0.0.1:5678/webhook-waiting/12?signature=abc").is_ok());
        assert!(validate_url("https://n8n.example.com/webhook-waiting/1").is_ok());
        for bad in [
            "file:///etc/passwd",
            "ftp://example.com/x",
            "gopher://example.com",
            "javascript:alert(1)",
            "http://user:pw@example.com/",
            "http://user@example.com/",
            "not a url",
            "",
            "http://",
        ] {
            assert!(validate_url(bad).is_err(), "{bad} accepted");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
        assert_eq!(validate_url(&long), Err(CallbackError::TooLong));
    }

    #[test]
    fn body_fields_are_taken_out_and_checked() {
        let mut body = json!({"function_name": "f", "callback_url": "http://h/x", "callback_secret": "0123456789abcdef"});
        let cb = take_from_body(body.as_object_mut().unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(cb.url, "http://h/x");
        assert_eq!(cb.secret.as_deref(), Some("0123456789abcdef"));
        assert_eq!(body, json!({"function_name": "f"}));

        let mut short = json!({"callback_url": "http://h/x", "callback_secret": "short"});
        assert_eq!(
            take_from_body(short.as_object_mut().unwrap()),
            Err(CallbackError::Secret)
        );
        let mut lone = json!({"callback_secret": "0123456789abcdef"});
        assert_eq!(
            take_from_body(lone.as_object_mut().unwrap()),
            Err(CallbackError::SecretWithoutUrl)
        );
        let mut number = json!({"callback_url": 5});
        assert_eq!(
            take_from_body(number.as_object_mut().unwrap()),
            Err(CallbackError::NotString)
        );
        let mut none = json!({"function_name": "f"});
        assert_eq!(take_from_body(none.as_object_mut().unwrap()), Ok(None));
    }
}
