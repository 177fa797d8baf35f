//! The `server` reviewer: sends the action to an approval server (`attesta serve`) and waits for
//! an authenticated human there. The agent side never sees the correct answers: the server
//! scores the action with its own policy, keeps the answer key and reports only the outcome.
//!
//! An approval counts only when the server hands it over through `consume`, which is single-use
//! and checks the digest of *this* action, so a decision can be neither reused nor moved onto a
//! different call.

use std::time::Duration;

use attesta_core::config::ServerConfig;
use attesta_core::{ActionContext, ChallengeResult, Verdict};
use futures::future::BoxFuture;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{ReviewOutcome, ReviewRequest, Reviewer, ReviewerError};

/// Default environment variable holding the agent token.
pub const DEFAULT_AGENT_TOKEN_ENV: &str = "ATTESTA_AGENT_TOKEN";

/// SHA-256 (lowercase hex) of the RFC 8785 canonical form of
/// `{"function_name", "args", "kwargs"}`: what an approval is bound to.
/// Metadata key under which an agent states the minimum review its own policy requires
/// (`{"challenge", "approvers", "min_review_seconds"}`); the server may only raise its own.
pub const REQUIRES_KEY: &str = "attesta_requires";

pub fn action_digest(ctx: &ActionContext) -> String {
    let value = json!({ "function_name": ctx.function_name, "args": ctx.args, "kwargs": ctx.kwargs });
    let canonical = serde_json_canonicalizer::to_string(&value).unwrap_or_else(|_| value.to_string());
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

#[derive(Debug, Deserialize)]
struct Created {
    request_id: String,
}

#[derive(Debug, Deserialize)]
struct DecisionView {
    verdict: Verdict,
    reason: String,
    action_digest: String,
    #[serde(default)]
    approvers: Vec<String>,
    #[serde(default)]
    challenge: Option<ChallengeResult>,
    #[serde(default)]
    audit_entry_id: String,
}

/// Client of the approval server.
#[derive(Debug, Clone)]
pub struct ServerReviewer {
    base: String,
    token: Option<String>,
    token_env: String,
    client: reqwest::Client,
    /// Seconds per long-poll (the server answers earlier when decided).
    poll_seconds: u64,
}

impl ServerReviewer {
    /// `token` is the agent token; `None` makes every review fail with a hint to set it.
    pub fn new(url: impl Into<String>, token: Option<String>) -> ServerReviewer {
        ServerReviewer {
            base: url.into().trim_end_matches('/').to_owned(),
            token: token.filter(|t| !t.trim().is_empty()),
            token_env: DEFAULT_AGENT_TOKEN_ENV.to_owned(),
            client: reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(5))
                .build()
                .unwrap_or_else(|_| reqwest::Client::new()),
            poll_seconds: 25,
        }
    }

    /// From `server.url` and the token in the variable named by `server.agent_token_env`.
    pub fn from_config(server: &ServerConfig) -> Option<ServerReviewer> {
        let url = server.url.clone()?;
        let env = server.agent_token_env.clone().unwrap_or_else(|| DEFAULT_AGENT_TOKEN_ENV.to_owned());
        let mut reviewer = ServerReviewer::new(url, std::env::var(&env).ok());
        reviewer.token_env = env;
        Some(reviewer)
    }

    pub fn url(&self) -> &str {
        &self.base
    }

    fn token(&self) -> Result<&str, ReviewerError> {
        self.token.as_deref().ok_or_else(|| {
            ReviewerError::Unavailable(format!(
                "the approval server needs an agent token: create one with `attesta serve add-agent NAME` and put it in {}",
                self.token_env
            ))
        })
    }

    fn unreachable(&self, error: reqwest::Error) -> ReviewerError {
        ReviewerError::Unreachable(format!("the approval server at {} is unreachable: {error}", self.base))
    }

    async fn error_text(response: reqwest::Response) -> String {
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let message = body["error"]["message"].as_str().unwrap_or("no details");
        format!("HTTP {status}: {message}")
    }

    async fn run(&self, request: &ReviewRequest) -> Result<ReviewOutcome, ReviewerError> {
        let token = self.token()?;
        let digest = action_digest(&request.ctx);
        // The server scores with its own policy; tell it what this side's policy demands so it
        // can only make the review stricter, never weaker (the agent cannot lower the risk).
        let mut ctx = (*request.ctx).clone();
        ctx.metadata.insert(
            REQUIRES_KEY.into(),
            json!({
                "challenge": request.challenge,
                "approvers": request.approvers_required,
                "min_review_seconds": request.min_review_seconds,
            }),
        );
        let response = self
            .client
            .post(format!("{}/v1/requests", self.base))
            .bearer_auth(token)
            .json(&ctx)
            .send()
            .await
            .map_err(|e| self.unreachable(e))?;
        if response.status() == reqwest::StatusCode::UNAUTHORIZED || response.status() == reqwest::StatusCode::FORBIDDEN {
            return Err(ReviewerError::Failed(format!(
                "the approval server refused the agent token in {} ({})",
                self.token_env,
                Self::error_text(response).await
            )));
        }
        if !response.status().is_success() {
            return Err(ReviewerError::Failed(format!("the approval server refused the request ({})", Self::error_text(response).await)));
        }
        let created: Created = response.json().await.map_err(|e| ReviewerError::Failed(format!("unreadable answer from the approval server: {e}")))?;
        tracing::info!(request = %created.request_id, server = %self.base, "waiting for an approver on the approval server");

        // Long-poll until decided. Dropping this future (pipeline timeout) abandons the wait; the
        // server then expires the request by its own policy.
        let mut failures = 0;
        loop {
            let polled = self
                .client
                .get(format!("{}/v1/requests/{}/wait?timeout={}", self.base, created.request_id, self.poll_seconds))
                .bearer_auth(token)
                .timeout(Duration::from_secs(self.poll_seconds + 10))
                .send()
                .await;
            match polled {
                Ok(r) if r.status() == reqwest::StatusCode::OK => break,
                Ok(r) if r.status() == reqwest::StatusCode::ACCEPTED => failures = 0,
                Ok(r) => return Err(ReviewerError::Failed(format!("waiting failed ({})", Self::error_text(r).await))),
                Err(e) => {
                    failures += 1;
                    if failures >= 3 {
                        return Err(self.unreachable(e));
                    }
                    tokio::time::sleep(Duration::from_millis(500 * failures)).await;
                }
            }
        }

        let response = self
            .client
            .post(format!("{}/v1/requests/{}/consume", self.base, created.request_id))
            .bearer_auth(token)
            .json(&json!({ "action_digest": digest }))
            .send()
            .await
            .map_err(|e| self.unreachable(e))?;
        if !response.status().is_success() {
            return Err(ReviewerError::Failed(format!(
                "the approval server did not release the decision ({})",
                Self::error_text(response).await
            )));
        }
        let decision: DecisionView =
            response.json().await.map_err(|e| ReviewerError::Failed(format!("unreadable decision from the approval server: {e}")))?;
        if decision.action_digest != digest {
            return Err(ReviewerError::Failed("the approval server's decision is for a different action; denied".into()));
        }
        let mut challenge = decision.challenge.unwrap_or_else(|| ChallengeResult::new(request.challenge, false));
        challenge.details.insert("server_request_id".into(), Value::from(created.request_id.clone()));
        if !decision.audit_entry_id.is_empty() {
            challenge.details.insert("server_audit_entry_id".into(), Value::from(decision.audit_entry_id));
        }
        let verdict = if decision.verdict == Verdict::Approved { Verdict::Approved } else { Verdict::Denied };
        let reason = if decision.verdict == Verdict::Approved || decision.verdict == Verdict::Denied {
            format!("{} (approval server)", decision.reason)
        } else {
            format!("approval server: {} — {}", decision.verdict, decision.reason)
        };
        Ok(ReviewOutcome {
            verdict,
            challenge,
            approvers: decision.approvers,
            authenticated: true,
            modification: None,
            reason,
        })
    }
}

impl Reviewer for ServerReviewer {
    fn name(&self) -> &str {
        "server"
    }

    /// The server binds approvals to a digest of the exact action and redacts before display.
    fn needs_exact_arguments(&self) -> bool {
        true
    }

    fn review<'a>(&'a self, request: &'a ReviewRequest) -> BoxFuture<'a, Result<ReviewOutcome, ReviewerError>> {
        Box::pin(self.run(request))
    }
}
