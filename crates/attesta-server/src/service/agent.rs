//! What the agent sees: its request's state, the long poll, and consuming an approval.

use super::*;

impl Service {
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
}
