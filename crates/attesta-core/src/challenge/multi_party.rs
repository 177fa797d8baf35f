//! Multi-party: N distinct approvers, each with their own sub-challenge (1st teach-back, 2nd quiz,
//! 3rd and later confirm). One denial or failure stops the review.

use serde_json::Value;

use super::{AnswerKey, AnswerTooEarly, Expected, Response, TeachBackValidator, check};
use crate::result::ChallengeResult;
use crate::types::ChallengeType;

/// The sub-challenge the approver at `index` (0-based) gets.
pub(crate) fn sub_challenge_for(index: usize) -> ChallengeType {
    match index {
        0 => ChallengeType::TeachBack,
        1 => ChallengeType::Quiz,
        _ => ChallengeType::Confirm,
    }
}

/// Identities compare without regard to case or surrounding/internal whitespace runs.
pub fn normalize_identity(identity: &str) -> String {
    identity
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Why an identity cannot approve now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityRefused {
    #[error("an approver identity is required")]
    Empty,
    #[error("'{0}' has already approved this action; a different person must approve")]
    AlreadyApproved(String),
    #[error("the multi-party review is already finished")]
    Finished,
}

/// Misuse of a [`MultiPartySession`] or an early answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    TooEarly(#[from] AnswerTooEarly),
    #[error("no approver has been admitted for the next step; call admit first")]
    NoApprover,
    #[error("the multi-party review is already finished")]
    Finished,
}

/// What happened after an approver answered.
#[derive(Debug, Clone, PartialEq)]
pub enum MultiPartyStep {
    /// Approver `index` (0-based) is next.
    Next(usize),
    /// The review is over; `passed` tells how.
    Finished(ChallengeResult),
}

/// Drives one multi-party review over any channel. Pure: no I/O, no clock.
#[derive(Debug, Clone)]
pub struct MultiPartySession {
    steps: Vec<AnswerKey>,
    normalized: Vec<String>,
    identities: Vec<String>,
    results: Vec<ChallengeResult>,
    pending: Option<(String, String)>,
    refused: u32,
    outcome: Option<ChallengeResult>,
}

impl MultiPartySession {
    /// `None` when the key is not a multi-party key.
    pub fn new(key: &AnswerKey) -> Option<Self> {
        let Expected::MultiParty { steps, .. } = &key.expected else {
            return None;
        };
        Some(MultiPartySession {
            steps: steps.clone(),
            normalized: Vec::new(),
            identities: Vec::new(),
            results: Vec::new(),
            pending: None,
            refused: 0,
            outcome: None,
        })
    }

    pub fn approvers_required(&self) -> usize {
        self.steps.len()
    }

    /// Index of the approver whose turn it is, or `None` once finished.
    pub fn current_index(&self) -> Option<usize> {
        if self.outcome.is_some() {
            None
        } else {
            Some(self.results.len())
        }
    }

    /// The answer key of the current approver's sub-challenge.
    pub fn current_key(&self) -> Option<&AnswerKey> {
        self.current_index().and_then(|i| self.steps.get(i))
    }

    /// Admits the next approver. A repeated identity (ignoring case and whitespace) is refused.
    pub fn admit(&mut self, identity: &str) -> Result<usize, IdentityRefused> {
        let index = self.current_index().ok_or(IdentityRefused::Finished)?;
        let normalized = normalize_identity(identity);
        if normalized.is_empty() {
            self.refused += 1;
            return Err(IdentityRefused::Empty);
        }
        if self.normalized.contains(&normalized) {
            self.refused += 1;
            return Err(IdentityRefused::AlreadyApproved(
                identity.split_whitespace().collect::<Vec<_>>().join(" "),
            ));
        }
        let display = identity.split_whitespace().collect::<Vec<_>>().join(" ");
        self.pending = Some((normalized, display));
        Ok(index)
    }

    /// Grades the admitted approver's answer. An early answer is rejected and the approver
    /// stays admitted; a failed or declined sub-challenge ends the review.
    pub fn submit(
        &mut self,
        response: &Response,
        elapsed_seconds: f64,
        validators: &[&dyn TeachBackValidator],
    ) -> Result<MultiPartyStep, SessionError> {
        let index = self.current_index().ok_or(SessionError::Finished)?;
        let key = self.steps.get(index).ok_or(SessionError::Finished)?;
        if self.pending.is_none() {
            return Err(SessionError::NoApprover);
        }
        let mut result = check(key, response, elapsed_seconds, validators)?;
        let (normalized, display) = self.pending.take().ok_or(SessionError::NoApprover)?;
        result.responder_ids = vec![display.clone()];
        let passed = result.passed;
        self.normalized.push(normalized);
        self.identities.push(display);
        self.results.push(result);
        if !passed {
            return Ok(MultiPartyStep::Finished(
                self.finish(Some("an approver did not pass their challenge")),
            ));
        }
        if self.results.len() == self.steps.len() {
            return Ok(MultiPartyStep::Finished(self.finish(None)));
        }
        Ok(MultiPartyStep::Next(self.results.len()))
    }

    /// Ends the review as failed (an approver gave up, no further identity was offered …).
    pub fn abandon(&mut self, reason: &str) -> ChallengeResult {
        if let Some(done) = &self.outcome {
            return done.clone();
        }
        self.pending = None;
        self.finish(Some(reason))
    }

    /// The final result, once finished.
    pub fn outcome(&self) -> Option<&ChallengeResult> {
        self.outcome.as_ref()
    }

    fn finish(&mut self, failure: Option<&str>) -> ChallengeResult {
        let passed = failure.is_none()
            && self.results.len() == self.steps.len()
            && self.results.iter().all(|r| r.passed);
        let mut result = ChallengeResult::new(ChallengeType::MultiParty, passed);
        result.responder_ids = self.identities.clone();
        result.questions_asked = self.results.iter().map(|r| r.questions_asked).sum();
        result.questions_correct = self.results.iter().map(|r| r.questions_correct).sum();
        result.review_seconds = self.results.iter().map(|r| r.review_seconds).sum();
        result.min_review_seconds = self.steps.first().map_or(0.0, |k| k.min_review_seconds);
        result.min_review_met = self.results.iter().all(|r| r.min_review_met);
        result.sub_results = self.results.clone();
        result
            .details
            .insert("approvers_required".into(), Value::from(self.steps.len()));
        result.details.insert(
            "approvers_passed".into(),
            Value::from(self.results.iter().filter(|r| r.passed).count()),
        );
        if self.refused > 0 {
            result
                .details
                .insert("identities_refused".into(), Value::from(self.refused));
        }
        if let Some(reason) = failure {
            result.details.insert("reason".into(), Value::from(reason));
        }
        self.outcome = Some(result.clone());
        result
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ChallengeOptions, generate};
    use super::*;
    use crate::assessment::RiskAssessment;
    use crate::context::ActionContext;

    fn session(approvers: u32, min_review: f64) -> MultiPartySession {
        let ctx = ActionContext::new("drop_table")
            .with_arg("users")
            .with_environment("production");
        let mut options = ChallengeOptions::new(ChallengeType::MultiParty, 21);
        options.approvers_required = approvers;
        options.min_review_seconds = min_review;
        let (_, key) = generate(
            &ctx,
            &RiskAssessment::from_score(0.9, "t", vec![]),
            &options,
        );
        MultiPartySession::new(&key).unwrap()
    }

    const EXPLANATION: &str = "This drops the users table in production, so every customer account row is gone \
                               for good and logins will stop working";

    fn correct_quiz(session: &MultiPartySession) -> Vec<String> {
        let Expected::Quiz(key) = &session.current_key().unwrap().expected else {
            panic!("quiz expected")
        };
        key.answers
            .iter()
            .map(|a| match &a.accepted {
                super::super::AcceptedAnswer::Choice { value, .. }
                | super::super::AcceptedAnswer::Exact { value } => value.clone(),
            })
            .collect()
    }

    #[test]
    fn distinct_approvers_pass_in_rotation() {
        let mut s = session(3, 2.0);
        assert_eq!(s.admit("Alice").unwrap(), 0);
        let step = s
            .submit(&Response::TeachBack(EXPLANATION.into()), 5.0, &[])
            .unwrap();
        assert_eq!(step, MultiPartyStep::Next(1));
        assert_eq!(s.admit("  BOB ").unwrap(), 1);
        let answers = correct_quiz(&s);
        assert_eq!(
            s.submit(&Response::Quiz(answers), 3.0, &[]).unwrap(),
            MultiPartyStep::Next(2)
        );
        s.admit("carol").unwrap();
        let MultiPartyStep::Finished(result) =
            s.submit(&Response::Confirm("y".into()), 2.5, &[]).unwrap()
        else {
            panic!("should finish")
        };
        assert!(result.passed);
        assert_eq!(result.responder_ids, ["Alice", "BOB", "carol"]);
        assert_eq!(result.sub_results.len(), 3);
        let types: Vec<_> = result
            .sub_results
            .iter()
            .map(|r| r.challenge_type)
            .collect();
        assert_eq!(
            types,
            [
                ChallengeType::TeachBack,
                ChallengeType::Quiz,
                ChallengeType::Confirm
            ]
        );
        assert_eq!(result.review_seconds, 10.5);
    }

    #[test]
    fn repeated_identity_is_refused_whatever_its_case_or_spacing() {
        let mut s = session(2, 0.0);
        s.admit("Alice Smith").unwrap();
        s.submit(&Response::TeachBack(EXPLANATION.into()), 1.0, &[])
            .unwrap();
        assert!(matches!(
            s.admit(" alice   SMITH "),
            Err(IdentityRefused::AlreadyApproved(_))
        ));
        assert_eq!(s.admit("   "), Err(IdentityRefused::Empty));
        assert!(matches!(
            s.submit(&Response::Quiz(vec![]), 1.0, &[]),
            Err(SessionError::NoApprover)
        ));
        let result = s.abandon("no second approver");
        assert!(!result.passed);
        assert_eq!(result.details["identities_refused"], 2);
        assert_eq!(result.responder_ids, ["Alice Smith"]);
    }

    #[test]
    fn one_failure_stops_it_and_early_answers_are_rejected() {
        let mut s = session(3, 4.0);
        s.admit("alice").unwrap();
        let early = s
            .submit(&Response::TeachBack(EXPLANATION.into()), 1.0, &[])
            .unwrap_err();
        assert!(
            matches!(early, SessionError::TooEarly(AnswerTooEarly { remaining_seconds, .. }) if remaining_seconds == 3.0)
        );
        s.submit(&Response::TeachBack(EXPLANATION.into()), 4.0, &[])
            .unwrap();
        s.admit("bob").unwrap();
        let MultiPartyStep::Finished(result) = s
            .submit(&Response::Quiz(vec!["zzz".into()]), 9.0, &[])
            .unwrap()
        else {
            panic!("a failed quiz ends the review")
        };
        assert!(!result.passed);
        assert_eq!(result.sub_results.len(), 2);
        assert_eq!(s.admit("carol"), Err(IdentityRefused::Finished));
        assert!(
            !serde_json::to_string(&result)
                .unwrap()
                .contains("\"users\"")
        );
    }
}
