//! Abuse limits of the approval server, attacked over real HTTP: open redirects after sign-in,
//! password guessing, request floods from one agent, framework errors that escape the JSON
//! shape, look-alike names, and tokens sent with an unusual scheme spelling.
//!
//! Runs against SQLite in `cargo test` and against PostgreSQL from `scripts/test-server.sh`.

#[macro_use]
mod common;

use common::*;
use serde_json::{Value, json};

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// What the sign-in page will send the browser to, read from its hidden `next` field.
fn next_field(page: &str) -> String {
    let at = page.find("name=\"next\"").expect("the form carries next");
    let value = &page[at..];
    let start = value.find("value=\"").unwrap() + 7;
    let end = value[start..].find('"').unwrap();
    value[start..start + end].to_owned()
}

async fn next_cannot_leave_the_site(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    let http = no_redirects();
    // Each of these is read by a browser as another host (tabs/newlines dropped, `\` as `/`).
    for evil in ["/%09/evil.host", "%2F%09%2Fevil.host", "//evil.host", "/%5Cevil.host", "%5C%5Cevil.host",
                 "/%0A/evil.host", "https://evil.host/", "javascript:alert(1)", "%20//evil.host", "/%0D%0A/evil.host"] {
        let page = http.get(format!("{}/login?next={evil}", s.base)).send().await.unwrap().text().await.unwrap();
        assert_eq!(next_field(&page), "/", "GET /login?next={evil}");
        let decoded = percent_decode(evil);
        let res = http
            .post(format!("{}/login", s.base))
            .form(&[("name", "alice"), ("password", "alice-password"), ("next", decoded.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "{evil}");
        assert_eq!(res.headers()["location"], "/", "POST /login next={evil:?}");
    }
    // A local path survives, escaped into the form.
    let page = http.get(format!("{}/login?next=%2Frequests%2Fabc%3Fx%3D1", s.base)).send().await.unwrap().text().await.unwrap();
    assert_eq!(next_field(&page), "/requests/abc?x=1");
    let page = http.get(format!("{}/login?next=%2F%22%3E%3Cscript%3E", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("\"><script>"), "the return path is escaped in the page");
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 3 <= b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

async fn sign_in_form_works_without_javascript(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    let page = s.http.get(format!("{}/login", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("method=\"post\"") && page.contains("action=\"/login\""), "the form posts its body: {page}");
    let http = no_redirects();
    let res = http
        .post(format!("{}/login", s.base))
        .form(&[("name", "alice"), ("password", "alice-password"), ("next", "/history")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/history");
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let session = cookie.split(';').next().unwrap().to_owned();
    let me: Value = http.get(format!("{}/v1/me", s.base)).header("cookie", &session).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["name"], "alice");
    // A wrong password shows the form again with a message, and sets no cookie.
    let res = http
        .post(format!("{}/login", s.base))
        .form(&[("name", "alice"), ("password", "wrong-password"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.headers().get("set-cookie").is_none());
    assert!(res.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    assert!(res.text().await.unwrap().contains("Wrong name or password"));
}

async fn login(s: &Server, name: &str, password: &str) -> reqwest::Response {
    s.http
        .post(format!("{}/v1/session", s.base))
        .json(&json!({"name": name, "password": password}))
        .send()
        .await
        .unwrap()
}

async fn guessing_a_password_is_throttled(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    let free = attesta_server::abuse::NAME_FREE_FAILURES;
    for i in 0..free {
        assert_eq!(login(&s, "alice", &format!("guess-{i}-xx")).await.status(), 401, "guess {i}");
    }
    // One more failure starts the back-off …
    assert_eq!(login(&s, "alice", "guess-last-xx").await.status(), 401);
    // … during which even the right password is refused before any hash is computed.
    let res = login(&s, "ALICE", "alice-password").await;
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry >= 1, "{retry}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "throttled", "{body}");
    assert!(body["error"]["retry_after_seconds"].as_f64().unwrap() >= 1.0);
    // Another name from the same client is not locked by alice's failures.
    assert_eq!(login(&s, "bob", "bob-password").await.status(), 200);
    // Bearer tokens are not affected.
    assert_eq!(s.get("/v1/me", Some(&s.alice)).await.0, 200);
}

async fn spraying_names_from_one_client_is_throttled(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    let free = attesta_server::abuse::CLIENT_FREE_FAILURES;
    for i in 0..=free {
        assert_eq!(login(&s, &format!("user{i}"), "password-guess").await.status(), 401, "name {i}");
    }
    let res = login(&s, "bob", "bob-password").await;
    assert_eq!(res.status(), 429, "the client is locked for every name");
    assert!(res.headers().contains_key("retry-after"));
}

async fn a_login_flood_gets_answers_not_a_crash(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    // 48 concurrent sign-ins (the memory they cost is measured by scripts/bench-login-flood.sh).
    let mut tasks = Vec::new();
    for i in 0..48 {
        let http = s.http.clone();
        let url = format!("{}/v1/session", s.base);
        tasks.push(tokio::spawn(async move {
            http.post(url).json(&json!({"name": format!("n{i}"), "password": "flood-password"})).send().await.unwrap().status().as_u16()
        }));
    }
    for t in tasks {
        let status = t.await.unwrap();
        assert!([401, 429, 503].contains(&status), "{status}");
    }
    // The client that flooded is now throttled; the server still answers everyone else.
    assert_eq!(s.get("/healthz", None).await.0, 200);
}

async fn one_agent_cannot_flood_the_inbox(kind: &str) {
    let yaml = format!("{BASE_YAML}server:\n  max_pending_per_agent: 3\n");
    let s = start(kind, &yaml).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(s.create(medium()).await["request_id"].as_str().unwrap().to_owned());
    }
    let res = s.http.post(format!("{}/v1/requests", s.base)).bearer_auth(&s.agent).json(&medium()).send().await.unwrap();
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "quota", "{body}");
    // Concurrent posts cannot slip past the count.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let http = s.http.clone();
        let (url, agent) = (format!("{}/v1/requests", s.base), s.agent.clone());
        tasks.push(tokio::spawn(async move { http.post(url).bearer_auth(agent).json(&medium()).send().await.unwrap().status().as_u16() }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 429);
    }
    let (_, list) = s.get("/v1/requests?status=pending", Some(&s.alice)).await;
    assert_eq!(list["requests"].as_array().unwrap().len(), 3);
    // A decision frees a slot.
    s.post(&format!("/v1/requests/{}/answer", ids[0]), Some(&s.alice), json!({"decision": "deny", "reason": "flood"})).await;
    s.create(medium()).await;
}

async fn every_error_is_json_with_security_headers(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    let check = |res: reqwest::Response, status: u16, code: &'static str| async move {
        assert_eq!(res.status().as_u16(), status);
        for h in ["content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy"] {
            assert!(res.headers().contains_key(h), "{status}: missing {h}");
        }
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/json"), "{status}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], code, "{body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    };
    // 413: a body over the limit.
    let huge = "x".repeat(3 * 1024 * 1024);
    // Its own connection: the server answers 413 without reading the rest of the body and closes
    // the connection, which a pooled client could otherwise reuse for the next request.
    let once = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let res = once.post(format!("{}/v1/requests", s.base)).bearer_auth(&s.agent).header("content-type", "application/json").body(huge).send().await.unwrap();
    check(res, 413, "too_large").await;
    // 415: JSON endpoint, other content type.
    let res = s.http.post(format!("{}/v1/session", s.base)).header("content-type", "text/plain").body("{}").send().await.unwrap();
    check(res, 415, "unsupported_media_type").await;
    // 400: unreadable query.
    let res = s.http.get(format!("{}/v1/requests?limit=lots", s.base)).bearer_auth(&s.alice).send().await.unwrap();
    check(res, 400, "invalid").await;
    // 405 and 404.
    let res = s.http.delete(format!("{}/v1/requests", s.base)).bearer_auth(&s.alice).send().await.unwrap();
    check(res, 405, "method_not_allowed").await;
    let res = s.http.get(format!("{}/static/nope.js", s.base)).send().await.unwrap();
    check(res, 404, "not_found").await;
    // 421: a refused Host still carries the headers.
    let res = s.http.get(format!("{}/healthz", s.base)).header("host", "evil.example").send().await.unwrap();
    check(res, 421, "bad_host").await;
    // 403: a foreign Origin.
    let res = s.http.post(format!("{}/v1/session", s.base)).header("origin", "https://evil.example").json(&json!({"name": "a", "password": "b"})).send().await.unwrap();
    check(res, 403, "bad_origin").await;
}

async fn names_are_unique_whatever_their_case(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    let ids = attesta_server::Identities::new(s.db.clone());
    for name in ["Alice", "ALICE", "Bot"] {
        let err = ids.add_approver(name, Some("another-password")).await.unwrap_err();
        assert!(matches!(err, attesta_server::IdentityError::Exists(_)), "{name}: {err}");
    }
    // Two concurrent inserts of Carol/carol: exactly one wins.
    let (a, b) = tokio::join!(ids.add_approver("carol", None), ids.add_approver("Carol", None));
    assert!(a.is_ok() != b.is_ok(), "{a:?} {b:?}");
    // Signing in is case-insensitive on the name, as the names are.
    assert_eq!(login(&s, "Alice", "alice-password").await.status(), 200);
}

async fn bearer_scheme_is_case_insensitive(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let res = s.http.get(format!("{}/v1/me", s.base)).header("authorization", format!("{scheme} {}", s.alice)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{scheme}");
    }
    for bad in [format!("Basic {}", s.alice), format!("Bearer{}", s.alice), "Bearer ".to_owned()] {
        let res = s.http.get(format!("{}/v1/me", s.base)).header("authorization", bad.clone()).send().await.unwrap();
        assert_eq!(res.status(), 401, "{bad}");
    }
}

async fn a_deny_is_not_an_approval(kind: &str) {
    let s = start(kind, BASE_YAML).await;
    let id = s.create(medium()).await["request_id"].as_str().unwrap().to_owned();
    s.get(&format!("/v1/requests/{id}"), Some(&s.alice)).await;
    let (status, out) = s.post(&format!("/v1/requests/{id}/answer"), Some(&s.alice), json!({"decision": "deny", "reason": "not ours"})).await;
    assert_eq!(status, 200);
    assert_eq!(out["approvals"], 0, "{out}");
    assert_eq!(out["status"], "denied");
    // A wrong quiz answer is not an approval either.
    let id = s.create(high()).await["request_id"].as_str().unwrap().to_owned();
    s.get(&format!("/v1/requests/{id}"), Some(&s.alice)).await;
    let (_, out) = s.post(&format!("/v1/requests/{id}/answer"), Some(&s.alice), json!({"response": {"kind": "quiz", "answer": ["zz", "zz", "zz"]}})).await;
    assert_eq!(out["approvals"], 0, "{out}");
}

/// Expiries raced by the sweeper and by every waiting agent (and, on PostgreSQL, by a second
/// server on the same database): each request escalates once, with one event id.
async fn escalation_is_notified_once(kind: &str) {
    let (hook, got) = receiver(0).await;
    let yaml = format!(
        "policy:\n  timeout_seconds: 1\n  fail_mode: escalate\nserver:\n  webhooks:\n    - url: {hook}\n      events: [request.escalated, request.decided]\n"
    );
    let s = start(kind, &yaml).await;
    let second = if kind == "postgres" { Some(start_second(&s).await) } else { None };
    let mut ids = Vec::new();
    for _ in 0..12 {
        ids.push(s.create(medium()).await["request_id"].as_str().unwrap().to_owned());
    }
    let mut waits = Vec::new();
    for id in &ids {
        for base in [Some(s.base.clone()), second.as_ref().map(|b| b.0.clone())].into_iter().flatten() {
            for _ in 0..2 {
                let (http, url, agent) = (s.http.clone(), format!("{base}/v1/requests/{id}/wait?timeout=20"), s.agent.clone());
                waits.push(tokio::spawn(async move { http.get(url).bearer_auth(agent).send().await.unwrap().json::<Value>().await.unwrap() }));
            }
        }
    }
    for w in waits {
        assert_eq!(w.await.unwrap()["verdict"], "escalated");
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let undelivered = s.db.query("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL", vec![]).await.unwrap();
        if undelivered[0][0].int() == Some(0) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "webhooks not delivered");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for event in ["request.escalated", "request.decided"] {
        let rows = s.db.query("SELECT COUNT(*) FROM outbox WHERE event = $1", vec![event.into()]).await.unwrap();
        assert_eq!(rows[0][0].int(), Some(ids.len() as i64), "{event} rows");
        let got = got.lock().unwrap();
        for id in &ids {
            let events: std::collections::HashSet<String> = got
                .iter()
                .filter(|(_, body)| {
                    let v: Value = serde_json::from_str(body).unwrap();
                    v["event"] == event && v["data"]["request_id"] == id.as_str()
                })
                .map(|(h, _)| h["x-attesta-event-id"].clone())
                .collect();
            assert_eq!(events.len(), 1, "{event} for {id}");
        }
    }
    let audited = s.audit().await.iter().filter(|e| e["verdict"] == "escalated").count();
    if kind == "sqlite" {
        assert_eq!(audited, ids.len(), "one audit entry per expiry");
    }
}

fn transfer() -> Value {
    json!({"function_name": "transfer_funds",
           "kwargs": {"amount": 250000, "currency": "EUR", "recipient": "Nordwind Logistics GmbH", "iban": "DE89370400440532013000"},
           "metadata": {"reason": "Quarterly freight invoice 2026-Q4"}})
}

/// A flood of routine requests must not hide a large transfer: the list has a total, sorts by
/// risk, filters and searches, and pages with a cursor that survives decisions in between.
async fn a_flood_cannot_hide_what_matters(kind: &str) {
    let yaml = format!("{BASE_YAML}server:\n  max_pending_per_agent: 500\n");
    let s = start(kind, &yaml).await;
    for i in 0..120 {
        s.create(json!({"function_name": "update_record", "kwargs": {"table": "tickets", "id": i}})).await;
    }
    let big = s.create(transfer()).await["request_id"].as_str().unwrap().to_owned();
    let (status, page) = s.get("/v1/requests?status=pending&limit=20", Some(&s.alice)).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 121);
    assert_eq!(page["requests"].as_array().unwrap().len(), 20);
    assert!(page["next_cursor"].is_string());
    // Sorted by risk, the transfer is first, with what the approver needs to triage it.
    let (_, page) = s.get("/v1/requests?status=pending&sort=risk&limit=5", Some(&s.alice)).await;
    let first = &page["requests"][0];
    assert_eq!(first["request_id"], big.as_str(), "{page}");
    assert_eq!(first["agent_reason"], "Quarterly freight invoice 2026-Q4");
    assert_eq!(first["arguments"]["kwargs"]["recipient"], "Nordwind Logistics GmbH");
    // Filters and search.
    for query in ["action=transfer_funds", "q=nordwind", "q=NORDWIND", "risk=high,critical&action=transfer_funds", "agent=bot&q=Nordwind"] {
        let (status, page) = s.get(&format!("/v1/requests?status=pending&{query}"), Some(&s.alice)).await;
        assert_eq!(status, 200, "{query}: {page}");
        assert_eq!(page["total"], 1, "{query}: {page}");
        assert_eq!(page["requests"][0]["request_id"], big.as_str(), "{query}");
    }
    let (_, page) = s.get("/v1/requests?status=pending&q=100%25_", Some(&s.alice)).await;
    assert_eq!(page["total"], 0, "wildcards in the search are literal");
    let (_, page) = s.get("/v1/requests?status=pending&agent=nobody", Some(&s.alice)).await;
    assert_eq!(page["total"], 0);
    // Paging sees every request once, even when requests are decided between pages.
    let mut seen = std::collections::HashSet::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let url = match &cursor {
            Some(c) => format!("/v1/requests?status=pending&limit=25&cursor={c}"),
            None => "/v1/requests?status=pending&limit=25".to_owned(),
        };
        let (status, page) = s.get(&url, Some(&s.alice)).await;
        assert_eq!(status, 200, "{page}");
        let rows = page["requests"].as_array().unwrap();
        for r in rows {
            assert!(seen.insert(r["request_id"].as_str().unwrap().to_owned()), "seen twice");
        }
        pages += 1;
        if pages == 1 {
            // Deny two of the first page: the next page must not skip anything.
            for r in &rows[..2] {
                let id = r["request_id"].as_str().unwrap();
                s.post(&format!("/v1/requests/{id}/answer"), Some(&s.alice), json!({"decision": "deny", "reason": "noise"})).await;
            }
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 121);
    // Decided, newest first, filtered by verdict.
    let (_, page) = s.get("/v1/requests?status=denied", Some(&s.alice)).await;
    assert_eq!(page["total"], 2);
    assert_eq!(page["requests"][0]["verdict"], "denied");
    // Bad parameters are refused in the JSON shape.
    for bad in ["sort=random", "risk=extreme", "status=maybe", "limit=0", "cursor=zz", "colour=red"] {
        let (status, body) = s.get(&format!("/v1/requests?{bad}"), Some(&s.alice)).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert_eq!(body["error"]["code"], "invalid", "{bad}");
    }
}

scenarios!(
    a_flood_cannot_hide_what_matters,
    escalation_is_notified_once,
    next_cannot_leave_the_site,
    sign_in_form_works_without_javascript,
    guessing_a_password_is_throttled,
    spraying_names_from_one_client_is_throttled,
    a_login_flood_gets_answers_not_a_crash,
    one_agent_cannot_flood_the_inbox,
    every_error_is_json_with_security_headers,
    names_are_unique_whatever_their_case,
    bearer_scheme_is_case_insensitive,
    a_deny_is_not_an_approval,
);
