//! Notifications through a durable outbox: an event is written to the database with the request
//! change, and a background worker delivers it with retries and exponential back-off, so a
//! receiver that is down (or a server restart) does not lose it.
//!
//! Each delivery carries `X-Attesta-Event-Id` (stable across retries, for de-duplication),
//! `X-Attesta-Timestamp` (Unix seconds at sending) and, when the hook has a secret,
//! `X-Attesta-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. Receivers reject
//! old timestamps and seen event ids, which makes a captured delivery useless to replay.

use std::sync::Arc;
use std::time::Duration;

use attesta_core::config::{WebhookConfig, WebhookFormat};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::db::{DbError, SqlBackend, Stmt, Val};

pub const MAX_ATTEMPTS: i64 = 10;

#[derive(Clone)]
pub struct Outbox {
    hooks: Arc<Vec<WebhookConfig>>,
    public_url: Option<String>,
}

/// `v1=` + hex HMAC-SHA256 over `timestamp.body`.
pub fn sign(secret: &[u8], timestamp: i64, body: &str) -> String {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Seconds before attempt `n + 1` (1, 2, 4 … capped at 5 minutes).
pub fn backoff_ms(attempts: i64) -> i64 {
    1000i64
        .saturating_mul(1i64 << attempts.clamp(0, 20))
        .min(300_000)
}

impl Outbox {
    pub fn new(hooks: Vec<WebhookConfig>, public_url: Option<String>) -> Outbox {
        Outbox {
            hooks: Arc::new(hooks),
            public_url: public_url.map(|u| u.trim_end_matches('/').to_owned()),
        }
    }

    pub fn link(&self, request_id: &str) -> Option<String> {
        self.public_url
            .as_ref()
            .map(|u| format!("{u}/requests/{request_id}"))
    }

    /// Records one delivery per matching hook.
    pub async fn enqueue(
        &self,
        db: &dyn SqlBackend,
        event: &str,
        data: Value,
        request_id: &str,
    ) -> Result<(), DbError> {
        for stmt in self.statements(event, data, request_id) {
            db.execute(&stmt.sql, stmt.params).await?;
        }
        Ok(())
    }

    /// The outbox rows for one event, to run inside the transaction that records the change.
    /// Each row's `dedup_key` (request, event, endpoint) is unique: the same event for the same
    /// request is never queued twice, whichever server records it.
    pub fn statements(&self, event: &str, data: Value, request_id: &str) -> Vec<Stmt> {
        let now = jiff::Timestamp::now();
        let link = self.link(request_id);
        let mut out = Vec::new();
        for (n, hook) in self.hooks.iter().enumerate() {
            if !hook.events.is_empty() && !hook.events.iter().any(|e| e == event) {
                continue;
            }
            let id = uuid::Uuid::now_v7().to_string();
            let body = match hook.format {
                WebhookFormat::Json => json!({
                    "id": id,
                    "event": event,
                    "created_at": now,
                    "link": link,
                    "data": data,
                }),
                WebhookFormat::Slack => slack_message(event, &data, link.as_deref()),
            };
            out.push(Stmt::new(
                "INSERT INTO outbox (id, event, url, format, secret_env, body, created_at, attempts, next_attempt_at, locked_until, delivered_at, last_error, dedup_key)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $7, 0, NULL, NULL, $8) ON CONFLICT (dedup_key) DO NOTHING",
                vec![
                    id.into(),
                    event.into(),
                    hook.url.clone().into(),
                    match hook.format {
                        WebhookFormat::Json => "json",
                        WebhookFormat::Slack => "slack",
                    }
                    .into(),
                    hook.secret_env.clone().into(),
                    body.to_string().into(),
                    Val::Int(now.as_millisecond()),
                    format!("{request_id}/{event}/{n}/{}", hook.url).into(),
                ],
            ));
        }
        out
    }

    /// Delivers due events until the process stops.
    pub async fn run(db: Arc<dyn SqlBackend>, client: reqwest::Client) {
        loop {
            match deliver_due(&*db, &client).await {
                Ok(0) => tokio::time::sleep(Duration::from_millis(250)).await,
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(%error, "webhook outbox");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }
}

/// Characters a reader cannot see or that reorder what they see: controls, zero-width
/// characters, bidi embeddings/overrides/isolates, the BOM, tag characters.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c as u32,
            0xAD | 0x61C | 0x115F | 0x1160 | 0x180E | 0x200B..=0x200F | 0x2028..=0x202E
            | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0 | 0xFFF9..=0xFFFB
            | 0xE0000..=0xE007F)
}

fn script(c: char) -> Option<&'static str> {
    match c as u32 {
        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F => Some("Latin"),
        0x370..=0x3FF => Some("Greek"),
        0x400..=0x52F => Some("Cyrillic"),
        _ => None,
    }
}

/// Agent-supplied text for a Slack message: mrkdwn control characters escaped (so an action
/// name cannot forge a link or a mention), hidden characters shown as `⟨U+202E⟩`, backticks
/// neutralised, and words mixing scripts (a Cyrillic `а` in `pаypal`) flagged.
pub fn slack_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '`' => out.push('\''),
            c if hidden(c) => out.push_str(&format!("⟨U+{:04X}⟩", c as u32)),
            c => out.push(c),
        }
    }
    let mixed = raw.split(|c: char| !c.is_alphabetic()).any(|word| {
        let mut seen = None;
        word.chars().filter_map(script).any(|s| seen.replace(s).is_some_and(|prev| prev != s))
    });
    if mixed {
        out.push_str(" (look-alike letters: mixes scripts)");
    }
    out
}

/// A Slack incoming-webhook message (`text` with mrkdwn and a link).
fn slack_message(event: &str, data: &Value, link: Option<&str>) -> Value {
    let action = slack_text(data["action"].as_str().unwrap_or("an action"));
    let level = data["risk_level"].as_str().unwrap_or("unknown");
    let what = match event {
        "request.created" => format!(":warning: Approval needed: `{action}` ({level} risk)"),
        "request.decided" => format!(
            "Decision for `{action}`: *{}* — {}",
            data["verdict"].as_str().unwrap_or("?"),
            slack_text(data["reason"].as_str().unwrap_or(""))
        ),
        "request.escalated" => format!(
            ":rotating_light: Escalated: `{action}` — {}",
            slack_text(data["reason"].as_str().unwrap_or(""))
        ),
        other => format!("{other}: `{action}`"),
    };
    let text = match link {
        Some(l) => format!("{what}\n<{l}|Open the request>"),
        None => what,
    };
    json!({ "text": text })
}

/// Claims and sends due deliveries; returns how many were attempted.
pub async fn deliver_due(db: &dyn SqlBackend, client: &reqwest::Client) -> Result<usize, DbError> {
    let now = jiff::Timestamp::now().as_millisecond();
    let rows = db
        .query(
            "SELECT id, url, secret_env, body, attempts, locked_until FROM outbox
             WHERE delivered_at IS NULL AND next_attempt_at <= $1 AND locked_until <= $1 AND attempts < $2
             ORDER BY created_at LIMIT 20",
            vec![Val::Int(now), Val::Int(MAX_ATTEMPTS)],
        )
        .await?;
    let mut n = 0;
    for r in rows {
        let (Some(id), Some(url), Some(body)) = (r[0].text(), r[1].text(), r[3].text()) else {
            continue;
        };
        let attempts = r[4].int().unwrap_or(0);
        let locked = r[5].int().unwrap_or(0);
        // Claim it so another server does not send the same attempt.
        let claimed = db
            .execute(
                "UPDATE outbox SET locked_until = $1 WHERE id = $2 AND locked_until = $3 AND delivered_at IS NULL",
                vec![Val::Int(now + 30_000), id.into(), Val::Int(locked)],
            )
            .await?;
        if claimed != 1 {
            continue;
        }
        n += 1;
        let result = send(client, id, url, r[2].text(), body).await;
        match result {
            Ok(()) => {
                db.execute(
                    "UPDATE outbox SET delivered_at = $1, attempts = $2, last_error = NULL WHERE id = $3",
                    vec![Val::Int(jiff::Timestamp::now().as_millisecond()), Val::Int(attempts + 1), id.into()],
                )
                .await?;
            }
            Err(error) => {
                tracing::warn!(event = id, url, attempt = attempts + 1, %error, "webhook delivery failed");
                db.execute(
                    "UPDATE outbox SET attempts = $1, next_attempt_at = $2, locked_until = 0, last_error = $3 WHERE id = $4",
                    vec![Val::Int(attempts + 1), Val::Int(now + backoff_ms(attempts)), error.into(), id.into()],
                )
                .await?;
            }
        }
    }
    Ok(n)
}

async fn send(
    client: &reqwest::Client,
    id: &str,
    url: &str,
    secret_env: Option<&str>,
    body: &str,
) -> Result<(), String> {
    let secret = match secret_env {
        Some(var) => Some(
            std::env::var(var)
                .map_err(|_| format!("environment variable {var} (the webhook secret) is not set"))?,
        ),
        None => None,
    };
    post_signed(client, None, id, url, secret.as_deref(), body).await
}

/// POSTs one JSON delivery with its event id and timestamp headers, signed when there is a secret
/// (`x-attesta-signature`, see [`sign`]). A failure's text never carries the URL: webhook and
/// callback URLs can hold secrets (a Slack hook's token, a resume token).
pub(crate) async fn post_signed(
    client: &reqwest::Client,
    event: Option<&str>,
    event_id: &str,
    url: &str,
    secret: Option<&str>,
    body: &str,
) -> Result<(), String> {
    let timestamp = jiff::Timestamp::now().as_second();
    let mut request = client
        .post(url)
        .header("content-type", "application/json")
        .header("x-attesta-event-id", event_id)
        .header("x-attesta-timestamp", timestamp.to_string())
        .body(body.to_owned());
    if let Some(event) = event {
        request = request.header("x-attesta-event", event);
    }
    if let Some(secret) = secret {
        request = request.header("x-attesta-signature", sign(secret.as_bytes(), timestamp, body));
    }
    let response = request.send().await.map_err(|e| e.without_url().to_string())?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("HTTP {}", response.status()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_text_cannot_forge_links_or_hide_characters_in_slack() {
        let forged = slack_text("drop_table <https://evil.example|Open the request> <!channel>");
        assert!(!forged.contains('<') && !forged.contains('>'), "{forged}");
        assert_eq!(slack_text("pay\u{202E}exe.pdf"), "pay⟨U+202E⟩exe.pdf");
        assert_eq!(slack_text("a\u{200B}b`c"), "a⟨U+200B⟩b'c");
        assert!(slack_text("p\u{0430}ypal").ends_with("(look-alike letters: mixes scripts)"));
        assert_eq!(slack_text("transfer_funds"), "transfer_funds");
        assert_eq!(slack_text("Überweisung"), "Überweisung");
        let message = slack_message("request.created", &json!({"action": "x<y>", "risk_level": "high"}), Some("https://a.example/requests/1"));
        let text = message["text"].as_str().unwrap();
        assert!(text.contains("x&lt;y&gt;") && text.ends_with("<https://a.example/requests/1|Open the request>"), "{text}");
    }
}
