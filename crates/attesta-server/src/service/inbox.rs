//! What approvers see: the live pending list, paging and filters, and opening a request.

use super::*;

impl Service {
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
    pub(super) fn list_item(&self, r: &[Val], names: &BTreeMap<String, String>) -> Value {
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
    pub(super) fn agent_reason(&self, ctx: &ActionContext) -> Option<String> {
        let raw = ctx
            .metadata
            .get("reason")
            .or_else(|| ctx.hints.get("reason"))
            .and_then(Value::as_str)?;
        let redacted = self.redactor.redact_value(&Value::from(raw));
        redacted.as_str().map(|s| s.chars().take(2000).collect())
    }

    pub(super) async fn agent_names(&self) -> Result<BTreeMap<String, String>, ServiceError> {
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
}
