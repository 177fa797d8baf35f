//! Deciding: expiry, the sweeper and crash recovery, and the one path every decision takes
//! (claim, audit, commit).

use super::*;

impl Service {
    /// Applies `policy.fail_mode` to an expired pending request.
    pub(super) async fn expire(&self, row: &Loaded) -> Result<(), ServiceError> {
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
    pub(super) async fn audit_entries_present(
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

    pub(super) fn denied_view(&self, row: &Loaded, reason: &str) -> DecisionView {
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
    pub(super) async fn finalize(
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
    pub(super) async fn decide(
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
}
