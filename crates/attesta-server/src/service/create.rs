//! Creating requests: scoring (with an optional session context), the agent's quota and the
//! challenge with its stored answer key.

use super::*;

impl Service {
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
        let directives = assessment.directives.clone();
        let (mut challenge, mut approvers_required) = policy.review_for(level, &directives);
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
    pub(super) async fn quota_refusal(&self, agent: &Identity, limit: u32) -> Result<ServiceError, ServiceError> {
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
}
