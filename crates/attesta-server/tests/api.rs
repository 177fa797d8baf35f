//! Security rules of the approval server, over real HTTP against a real database.
//!
//! Every scenario runs against SQLite (plain `cargo test`) and against PostgreSQL (the
//! `postgres_*` tests, ignored unless `ATTESTA_TEST_POSTGRES_URL` points at a server;
//! `scripts/test-server.sh` starts a throwaway cluster and runs them with `--ignored`).

#[macro_use]
mod common;

use std::time::Duration;

use common::*;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------

async fn unauthenticated_is_401(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    for (m, path) in [("POST", "/v1/requests"), ("GET", "/v1/requests"), ("GET", "/v1/requests/x"), ("GET", "/v1/events"), ("GET", "/v1/me")] {
        let method = reqwest::Method::from_bytes(m.as_bytes()).unwrap();
        let (status, body) = s.call(method.clone(), path, None, Some(medium())).await;
        assert_eq!(status, 401, "{m} {path}: {body}");
        let (status, _) = s.call(method, path, Some("att_agent_0123456789abcdef_wrong"), Some(medium())).await;
        assert_eq!(status, 401, "{m} {path} with a forged token");
    }
}

async fn roles_are_enforced(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    let created = s.create(medium()).await;
    let id = created["request_id"].as_str().unwrap();
    // The agent token cannot approve, list or open as an approver.
    let (status, _) = s.post(&format!("/v1/requests/{id}/answer"), Some(&s.agent), json!({"response": {"kind": "confirm", "answer": "y"}})).await;
    assert_eq!(status, 403);
    assert_eq!(s.get("/v1/requests", Some(&s.agent)).await.0, 403);
    // An approver cannot create requests or consume decisions.
    assert_eq!(s.post("/v1/requests", Some(&s.alice), medium()).await.0, 403);
    assert_eq!(s.post(&format!("/v1/requests/{id}/consume"), Some(&s.alice), json!({"action_digest": "x"})).await.0, 403);
    // Still pending: nothing was stored by the refused calls.
    let (_, view) = s.get(&format!("/v1/requests/{id}"), Some(&s.agent)).await;
    assert_eq!(view["status"], "pending");
    assert_eq!(view["approvals"], 0);
    // A revoked approver is locked out at once.
    attesta_server::Identities::new(s.db.clone()).revoke("alice").await.unwrap();
    assert_eq!(s.get("/v1/requests", Some(&s.alice)).await.0, 401);
}

async fn confirm_early_is_refused_then_approved_once(kind: &str) {
    let s = start(kind, "policy:\n  minimum_review_seconds: {medium: 1}\n  timeout_seconds: 60\n").await;
    let created = s.create(medium()).await;
    assert_eq!(created["challenge"], "confirm", "{created}");
    let id = created["request_id"].as_str().unwrap();
    let answer = json!({"response": {"kind": "confirm", "answer": "y"}});
    // Answering without reading: refused, and it starts the clock.
    let (status, body) = s.post(&format!("/v1/requests/{id}/answer"), Some(&s.alice), answer.clone()).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("too_early")), "{body}");
    let (status, body) = s.post(&format!("/v1/requests/{id}/answer"), Some(&s.alice), answer.clone()).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("too_early")), "{body}");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, body) = s.post(&format!("/v1/requests/{id}/answer"), Some(&s.alice), answer.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["decision"]["verdict"], "approved");
    // Single use: nobody can answer again, not even someone else.
    let (status, body) = s.post(&format!("/v1/requests/{id}/answer"), Some(&s.bob), answer.clone()).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("already_decided")));
    let audit = s.audit().await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["approver_ids"], json!(["alice"]));
    assert_eq!(audit[0]["approver_authenticated"], true);
    assert_eq!(audit[0]["challenge_type"], "confirm");
    assert_eq!(audit[0]["min_review_met"], true);
}

async fn decision_cannot_be_replayed_onto_another_action(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    let a = s.create(medium()).await;
    let id = a["request_id"].as_str().unwrap();
    s.get(&format!("/v1/requests/{id}"), Some(&s.alice)).await;
    // An approver answering for a different action than the one stored is refused.
    let (status, body) = s
        .post(&format!("/v1/requests/{id}/answer"), Some(&s.alice), json!({"action_digest": "00", "response": {"kind": "confirm", "answer": "y"}}))
        .await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("digest_mismatch")));
    let (status, _) = s
        .post(&format!("/v1/requests/{id}/answer"), Some(&s.alice), json!({"action_digest": a["action_digest"], "response": {"kind": "confirm", "answer": "y"}}))
        .await;
    assert_eq!(status, 200);
    // The agent cannot take approval A for action B …
    let mut other = medium();
    other["kwargs"]["id"] = json!(43);
    let other_digest = attesta::reviewer::action_digest(&serde_json::from_value(other).unwrap());
    assert_ne!(other_digest, a["action_digest"].as_str().unwrap());
    let (status, body) = s.post(&format!("/v1/requests/{id}/consume"), Some(&s.agent), json!({"action_digest": other_digest})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("digest_mismatch")));
    // … gets it once for A …
    let (status, body) = s.post(&format!("/v1/requests/{id}/consume"), Some(&s.agent), json!({"action_digest": a["action_digest"]})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["verdict"], "approved");
    // … and never twice.
    let (status, body) = s.post(&format!("/v1/requests/{id}/consume"), Some(&s.agent), json!({"action_digest": a["action_digest"]})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("already_consumed")));
}

async fn quiz_wrong_denies_without_revealing(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    let created = s.create(high()).await;
    assert_eq!(created["challenge"], "quiz", "{created}");
    let id = created["request_id"].as_str().unwrap();
    let (_, view) = s.get(&format!("/v1/requests/{id}"), Some(&s.alice)).await;
    let shown = view.to_string();
    assert!(!shown.contains("accepted"), "the answer key leaked: {shown}");
    let right = quiz_answers(&s.key(id).await);
    let wrong: Vec<String> = right.iter().map(|_| "nowhere-at-all".to_owned()).collect();
    let (status, body) = s.post(&format!("/v1/requests/{id}/answer"), Some(&s.alice), json!({"response": {"kind": "quiz", "answer": wrong}})).await;
    assert_eq!(status, 200);
    assert_eq!(body["decision"]["verdict"], "denied");
    let text = body.to_string();
    for r in &right {
        assert!(!text.contains(r.as_str()), "the correct answer {r} was revealed: {text}");
    }
}

async fn multi_party_needs_distinct_approvers(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    let created = s.create(critical()).await;
    assert_eq!(created["challenge"], "multi_party", "{created}");
    assert_eq!(created["approvers_required"], 2);
    let id = created["request_id"].as_str().unwrap();
    let key = s.key(id).await;
    let steps = key["expected"]["steps"].as_array().unwrap();
    let (_, view) = s.get(&format!("/v1/requests/{id}"), Some(&s.alice)).await;
    assert_eq!(view["your_step"]["challenge_type"], "teach_back");
    let (status, body) = s
        .post(&format!("/v1/requests/{id}/answer"), Some(&s.alice), json!({"response": {"kind": "teach_back", "answer": teach_back_text(&steps[0])}}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["result"], "recorded", "{body}");
    // The same person cannot supply the second approval.
    let (status, body) = s.post(&format!("/v1/requests/{id}/answer"), Some(&s.alice), json!({"response": {"kind": "quiz", "answer": quiz_answers(&steps[1])}})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("already_answered")), "{body}");
    s.get(&format!("/v1/requests/{id}"), Some(&s.bob)).await;
    let (status, body) = s.post(&format!("/v1/requests/{id}/answer"), Some(&s.bob), json!({"response": {"kind": "quiz", "answer": quiz_answers(&steps[1])}})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["decision"]["verdict"], "approved", "{body}");
    let audit = s.audit().await;
    assert_eq!(audit.last().unwrap()["approver_ids"], json!(["alice", "bob"]));
    assert_eq!(audit.last().unwrap()["approver_authenticated"], true);
    assert_eq!(audit.last().unwrap()["challenge_type"], "multi_party");
}

async fn multi_party_approver_may_withdraw(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    let created = s.create(critical()).await;
    let id = created["request_id"].as_str().unwrap();
    let key = s.key(id).await;
    let steps = key["expected"]["steps"].as_array().unwrap();
    s.get(&format!("/v1/requests/{id}"), Some(&s.alice)).await;
    let (status, body) = s
        .post(&format!("/v1/requests/{id}/answer"), Some(&s.alice), json!({"response": {"kind": "teach_back", "answer": teach_back_text(&steps[0])}}))
        .await;
    assert_eq!((status, body["result"].as_str()), (200, Some("recorded")), "{body}");
    // Having approved step 1, alice may still stop the action before anyone else answers.
    let (status, body) = s
        .post(&format!("/v1/requests/{id}/answer"), Some(&s.alice), json!({"decision": "deny", "reason": "I misread the table name"}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["decision"]["verdict"], "denied", "{body}");
    let (_, waited) = s.get(&format!("/v1/requests/{id}/wait?timeout=1"), Some(&s.agent)).await;
    assert!(waited.to_string().contains("approval withdrawn by alice: I misread the table name"), "{waited}");
    let audit = s.audit().await;
    let last = audit.last().unwrap();
    assert_eq!(last["verdict"], "denied");
    assert_eq!(last["approver_ids"], json!(["alice"]), "{last}");
    assert_eq!(last["challenge"]["details"]["withdrawn"], true, "{last}");
    // Bob can no longer approve it.
    s.get(&format!("/v1/requests/{id}"), Some(&s.bob)).await;
    let (status, body) = s.post(&format!("/v1/requests/{id}/answer"), Some(&s.bob), json!({"response": {"kind": "quiz", "answer": quiz_answers(&steps[1])}})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("already_decided")), "{body}");
}

async fn expiry_follows_fail_mode(kind: &str) {
    for (mode, verdict) in [("deny", "timed_out"), ("escalate", "escalated"), ("allow", "approved")] {
        let yaml = format!("policy:\n  timeout_seconds: 1\n  fail_mode: {mode}\n");
        let s = start(kind, &yaml).await;
        let created = s.create(medium()).await;
        let id = created["request_id"].as_str().unwrap();
        let started = std::time::Instant::now();
        let (status, body) = s.get(&format!("/v1/requests/{id}/wait?timeout=10"), Some(&s.agent)).await;
        assert_eq!(status, 200, "{mode}: {body}");
        assert_eq!(body["verdict"], verdict, "{mode}: {body}");
        assert!(started.elapsed() < Duration::from_secs(5), "{mode}: released late");
        let (status, body) = s.post(&format!("/v1/requests/{id}/answer"), Some(&s.alice), json!({"response": {"kind": "confirm", "answer": "y"}})).await;
        assert_eq!((status, body["error"]["code"].as_str()), (409, Some("already_decided")), "{mode}");
        assert_eq!(s.audit().await.last().unwrap()["verdict"], verdict);
    }
}

async fn forged_csrf_never_changes_state(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    let created = s.create(medium()).await;
    let id = created["request_id"].as_str().unwrap();
    let res = s.http.post(format!("{}/v1/session", s.base)).json(&json!({"name": "bob", "password": "bob-password"})).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let set_cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let csrf = res.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_owned();
    let bad_login = s.http.post(format!("{}/v1/session", s.base)).json(&json!({"name": "bob", "password": "nope-nope"})).send().await.unwrap();
    assert_eq!(bad_login.status(), 401);

    let answer = json!({"response": {"kind": "confirm", "answer": "y"}});
    let url = format!("{}/v1/requests/{id}/answer", s.base);
    for forged in [None, Some("0".repeat(64)), Some(String::new())] {
        let mut req = s.http.post(&url).header("cookie", &cookie).json(&answer);
        if let Some(f) = forged {
            req = req.header("x-csrf-token", f);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 403);
        assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "csrf");
    }
    // A cross-site origin is refused even with the right token.
    let res = s.http.post(&url).header("cookie", &cookie).header("x-csrf-token", &csrf).header("origin", "https://evil.example").json(&answer).send().await.unwrap();
    assert_eq!(res.status(), 403);
    // Nothing was stored: not even the review clock started.
    let rows = s.db.query("SELECT state_json, status FROM requests WHERE id = $1", vec![id.into()]).await.unwrap();
    let state: Value = serde_json::from_str(rows[0][0].text().unwrap()).unwrap();
    assert_eq!(rows[0][1].text(), Some("pending"));
    assert_eq!(state["opened"], json!({}), "{state}");
    assert_eq!(state["answers"], json!([]));
    // The real token works.
    s.http.get(format!("{}/v1/requests/{id}", s.base)).header("cookie", &cookie).send().await.unwrap();
    let res = s.http.post(&url).header("cookie", &cookie).header("x-csrf-token", &csrf).json(&answer).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

async fn wrong_host_and_headers(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    let raw = |host: &'static str| {
        let addr = s.addr;
        async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
            sock.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes()).await.unwrap();
            let mut buf = String::new();
            sock.read_to_string(&mut buf).await.unwrap();
            buf
        }
    };
    assert!(raw("evil.example").await.starts_with("HTTP/1.1 421"));
    assert!(raw("attacker.test:7373").await.starts_with("HTTP/1.1 421"));
    let ok = s.http.get(format!("{}/", s.base)).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    let csp = ok.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    let page = ok.text().await.unwrap();
    assert!(!page.contains("http://") && !page.contains("https://"), "external assets in the inbox page");
}

async fn webhooks_are_signed_retried_and_slack_compatible(kind: &str) {
    let secret = "whsec-test-secret-0123456789";
    unsafe_env_set("ATTESTA_TEST_WEBHOOK_SECRET", secret);
    let (json_url, json_got) = receiver(1).await;
    let (slack_url, slack_got) = receiver(0).await;
    let yaml = format!(
        "{BASE_YAML}server:\n  public_url: https://approvals.example.com\n  webhooks:\n    - url: {json_url}\n      secret_env: ATTESTA_TEST_WEBHOOK_SECRET\n      events: [request.created]\n    - url: {slack_url}\n      format: slack\n      events: [request.created]\n"
    );
    let s = start(kind, &yaml).await;
    let created = s.create(medium()).await;
    let id = created["request_id"].as_str().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while json_got.lock().unwrap().len() < 2 || slack_got.lock().unwrap().is_empty() {
        assert!(std::time::Instant::now() < deadline, "webhooks not delivered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let got = json_got.lock().unwrap().clone();
    // The first attempt failed (500) and was retried with the same event id.
    assert_eq!(got[0].0["x-attesta-event-id"], got[1].0["x-attesta-event-id"]);
    for (headers, body) in &got {
        let ts = &headers["x-attesta-timestamp"];
        let expected = format!("v1={}", hmac_sha256(secret.as_bytes(), format!("{ts}.{body}").as_bytes()));
        assert_eq!(headers["x-attesta-signature"], expected);
        let tampered = format!("v1={}", hmac_sha256(secret.as_bytes(), format!("{ts}.{body} ").as_bytes()));
        assert_ne!(headers["x-attesta-signature"], tampered);
        let event: Value = serde_json::from_str(body).unwrap();
        assert_eq!(event["event"], "request.created");
        assert_eq!(event["id"].as_str(), Some(headers["x-attesta-event-id"].as_str()));
        assert_eq!(event["data"]["request_id"], id);
    }
    let (_, slack_body) = &slack_got.lock().unwrap()[0];
    let slack: Value = serde_json::from_str(slack_body).unwrap();
    let text = slack["text"].as_str().unwrap();
    assert!(text.contains(&format!("<https://approvals.example.com/requests/{id}|")), "{text}");
    assert!(text.contains("update_record"), "{text}");
}

async fn long_poll_released_by_decision(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    let created = s.create(medium()).await;
    let id = created["request_id"].as_str().unwrap().to_owned();
    let http = s.http.clone();
    let url = format!("{}/v1/requests/{id}/wait?timeout=30", s.base);
    let agent = s.agent.clone();
    let waiter = tokio::spawn(async move {
        let res = http.get(url).bearer_auth(agent).send().await.unwrap();
        (res.status().as_u16(), res.json::<Value>().await.unwrap(), std::time::Instant::now())
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    s.get(&format!("/v1/requests/{id}"), Some(&s.alice)).await;
    let (status, _) = s.post(&format!("/v1/requests/{id}/answer"), Some(&s.alice), json!({"decision": "deny", "reason": "wrong invoice"})).await;
    assert_eq!(status, 200);
    let decided = std::time::Instant::now();
    let (status, body, released) = waiter.await.unwrap();
    assert_eq!(status, 200);
    assert_eq!(body["verdict"], "denied");
    assert!(body["reason"].as_str().unwrap().contains("wrong invoice"));
    assert!(released.duration_since(decided) < Duration::from_secs(2));
    // A short wait on a pending request answers 202.
    let other = s.create(medium()).await;
    let (status, _) = s.get(&format!("/v1/requests/{}/wait?timeout=0.2", other["request_id"].as_str().unwrap()), Some(&s.agent)).await;
    assert_eq!(status, 202);
    // Another agent cannot see it.
}

/// The agent's own policy can make the server's review stricter, never weaker.
async fn agent_requirements_only_raise_the_review(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    let mut asked = medium();
    asked["metadata"] = json!({"attesta_requires": {"challenge": "quiz", "approvers": 1, "min_review_seconds": 12}});
    let created = s.create(asked).await;
    assert_eq!(created["challenge"], "quiz", "raised from confirm: {created}");
    let mut lower = high();
    lower["metadata"] = json!({"attesta_requires": {"challenge": "auto_approve", "min_review_seconds": 0}});
    let created = s.create(lower).await;
    assert_eq!(created["challenge"], "quiz", "never lowered: {created}");
    assert_ne!(created["status"], "approved", "{created}");
}

/// A declared environment counts when the server's policy allows it, and only ever raises.
async fn declared_environment_only_raises(kind: &str) {
    // The risk of a request declared in `environment`, as approvers see it.
    async fn risk(s: &Server, environment: Option<&str>) -> (f64, String) {
        let mut action = medium();
        if let Some(e) = environment {
            action["environment"] = json!(e);
        }
        let created = s.create(action).await;
        let id = created["request_id"].as_str().unwrap();
        let (_, view) = s.get(&format!("/v1/requests/{id}"), Some(&s.alice)).await;
        let action = &view["challenge"]["action"];
        (action["risk_score"].as_f64().unwrap_or_else(|| panic!("{view}")), action["factors"].to_string())
    }
    let s = start(kind, BASE_YAML).await;
    let (plain, _) = risk(&s, None).await;
    let (prod, evidence) = risk(&s, Some("production")).await;
    assert!(prod > plain, "a declared production counts: {prod} vs {plain}: {evidence}");
    assert!(evidence.contains("production context"), "{evidence}");

    // A server deployed in production stays in production whatever the agent declares.
    let yaml = format!("{BASE_YAML}risk:\n  environment: production\n");
    let s = start(kind, &yaml).await;
    let (_, evidence) = risk(&s, Some("development")).await;
    assert!(evidence.contains("production context"), "a declared environment lowered the risk: {evidence}");

    let yaml = format!("{BASE_YAML}server:\n  declared_environment: false\n");
    let s = start(kind, &yaml).await;
    let (_, evidence) = risk(&s, Some("production")).await;
    assert!(!evidence.contains("production"), "ignored by policy: {evidence}");
}

/// Two servers with separate working directories on one PostgreSQL database write one intact
/// audit chain in the database (no local files); the export verifies with the audit tools.
async fn one_audit_chain_for_a_fleet(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    if kind != "postgres" {
        return;
    }
    let (second, _stop, second_dir) = start_second(&s).await;
    let mut decided = 0;
    for i in 0..24 {
        let base = if i % 2 == 0 { s.base.clone() } else { second.clone() };
        let id = s.create(medium()).await["request_id"].as_str().unwrap().to_owned();
        let http = &s.http;
        http.get(format!("{base}/v1/requests/{id}")).bearer_auth(&s.alice).send().await.unwrap();
        let body = if i % 3 == 0 { json!({"decision": "deny", "reason": "fleet test"}) } else { json!({"response": {"kind": "confirm", "answer": "y"}}) };
        let res = http.post(format!("{base}/v1/requests/{id}/answer")).bearer_auth(&s.alice).json(&body).send().await.unwrap();
        assert_eq!(res.status(), 200);
        decided += 1;
    }
    let entries = s.audit().await;
    assert_eq!(entries.len(), decided);
    assert!(!second_dir.path().join(".attesta/audit.jsonl").exists());
    let export = s.dir.path().join("fleet.jsonl");
    attesta_server::db::export_audit_chain(&*s.db, &export).await.unwrap();
    let mut options = attesta::audit::VerifyOptions { checkpoint_key: None, checkpoint_file: None, active_segment_only: false, ignore_unterminated_tail: false, progress: None };
    let report = attesta::audit::verify(&export, &mut options).unwrap();
    assert!(report.intact, "{report:?}");
    // The servers' own verify endpoint reads the same chain.
    let (status, body) = s.get("/v1/audit/verify", Some(&s.alice)).await;
    assert_eq!(status, 200);
    assert_eq!(body["intact"], true, "{body}");
}

scenarios!(
    one_audit_chain_for_a_fleet,
    agent_requirements_only_raise_the_review,
    declared_environment_only_raises,
    unauthenticated_is_401,
    roles_are_enforced,
    confirm_early_is_refused_then_approved_once,
    decision_cannot_be_replayed_onto_another_action,
    quiz_wrong_denies_without_revealing,
    multi_party_needs_distinct_approvers,
    multi_party_approver_may_withdraw,
    expiry_follows_fail_mode,
    forged_csrf_never_changes_state,
    wrong_host_and_headers,
    webhooks_are_signed_retried_and_slack_compatible,
    long_poll_released_by_decision,
);
