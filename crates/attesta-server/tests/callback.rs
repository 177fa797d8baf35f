//! `callback_url` on `POST /v1/requests`: one signed notification per decision, retried from the
//! outbox, never to a URL the server should not call, and never a way around `consume`.

#[macro_use]
mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use attesta::config_file::LoadedConfig;
use attesta_server::{ServeOptions, db};
use serde_json::{Value, json};

struct Server {
    base: String,
    db: Arc<dyn db::SqlBackend>,
    _dir: tempfile::TempDir,
    agent: String,
    alice: String,
    http: reqwest::Client,
    _stop: tokio::sync::oneshot::Sender<()>,
}

const YAML: &str = "policy:\n  minimum_review_seconds: {low: 0, medium: 0, high: 0, critical: 0}\n  timeout_seconds: 60\n";

async fn start(yaml: &str) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db_url = dir.path().join("server.db").display().to_string();
    let cfg = dir.path().join("attesta.yaml");
    std::fs::write(&cfg, yaml).unwrap();
    let options = ServeOptions {
        config: LoadedConfig::load(&cfg).unwrap(),
        listen: Some("127.0.0.1:0".into()),
        db: Some(db_url.clone()),
        insecure_http: false,
    };
    let ids = attesta_server::open_identities(&options).await.unwrap();
    let agent = ids.add_agent("bot").await.unwrap();
    let alice = ids.add_approver("alice", None).await.unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let running = attesta_server::start(options, async move {
        let _ = rx.await;
    })
    .await
    .unwrap();
    let base = format!("http://{}", running.addr);
    tokio::spawn(running.wait());
    Server {
        base,
        db: db::open(&db_url).await.unwrap(),
        _dir: dir,
        agent,
        alice,
        http: reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap(),
        _stop: tx,
    }
}

impl Server {
    async fn post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        let res = self.http.post(format!("{}{path}", self.base)).bearer_auth(token).json(&body).send().await.unwrap();
        (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
    }
    async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        let res = self.http.get(format!("{}{path}", self.base)).bearer_auth(token).send().await.unwrap();
        (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
    }
    async fn callback_row(&self, id: &str) -> Vec<db::Val> {
        let rows = self
            .db
            .query("SELECT attempts, delivered_at, secret, body FROM callbacks WHERE request_id = $1", vec![id.into()])
            .await
            .unwrap();
        rows.into_iter().next().unwrap_or_default()
    }
}


type Received = Arc<Mutex<Vec<(HashMap<String, String>, String)>>>;

/// A receiver answering its first `fail_first` calls with `fail_status`, then 200.
async fn receiver(fail_first: usize, fail_status: u16, location: Option<String>) -> (String, Received) {
    let got: Received = Arc::new(Mutex::new(Vec::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let store = got.clone();
    let app = axum::Router::new().route(
        "/resume/{token}",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let store = store.clone();
            let location = location.clone();
            async move {
                let h = headers.iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned())).collect();
                let mut g = store.lock().unwrap();
                g.push((h, body));
                let status = if g.len() <= fail_first { fail_status } else { 200 };
                let mut res = axum::http::Response::builder().status(status);
                if let Some(l) = location {
                    res = res.header("location", l);
                }
                res.body(axum::body::Body::empty()).unwrap()
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/resume/tok-123?signature=s1"), got)
}

async fn wait_for(got: &Received, n: usize) -> Vec<(HashMap<String, String>, String)> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let g = got.lock().unwrap().clone();
        if g.len() >= n {
            return g;
        }
        assert!(Instant::now() < deadline, "{} of {n} callbacks arrived", g.len());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn wait_delivered(s: &Server, id: &str) -> Vec<db::Val> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let row = s.callback_row(id).await;
        if row.get(1).is_some_and(|v| *v != db::Val::Null) {
            return row;
        }
        assert!(Instant::now() < deadline, "callback for {id} not marked delivered: {row:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn medium() -> Value {
    json!({"function_name": "update_record", "kwargs": {"table": "invoices", "id": 42}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decision_is_posted_signed_retried_once_and_still_needs_consume() {
    let s = start(YAML).await;
    let (url, got) = receiver(1, 500, None).await;
    let secret = "cb-secret-0123456789abcdef";
    let mut body = medium();
    body["callback_url"] = json!(url);
    body["callback_secret"] = json!(secret);
    let (status, created) = s.post("/v1/requests", &s.agent, body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["status"], "pending");
    let id = created["request_id"].as_str().unwrap();
    // The fields are the transport's, not the action's: the digest ignores them.
    let (_, plain) = s.post("/v1/requests", &s.agent, medium()).await;
    assert_eq!(created["action_digest"], plain["action_digest"]);
    // Nothing is sent while the request is pending.
    assert!(got.lock().unwrap().is_empty());

    let (status, _) = s.post(&format!("/v1/requests/{id}/answer"), &s.alice, json!({"decision": "deny", "reason": "wrong invoice"})).await;
    assert_eq!(status, 200);
    let calls = wait_for(&got, 2).await;
    // First attempt got a 500 and was retried with the same event id and body.
    assert_eq!(calls[0].0["x-attesta-event-id"], calls[1].0["x-attesta-event-id"]);
    assert_eq!(calls[0].1, calls[1].1);
    for (headers, raw) in &calls {
        let ts = &headers["x-attesta-timestamp"];
        let expected = format!("v1={}", common::hmac_sha256(secret.as_bytes(), format!("{ts}.{raw}").as_bytes()));
        assert_eq!(headers["x-attesta-signature"], expected);
        assert_eq!(headers["x-attesta-event"], "request.decided");
        let event: Value = serde_json::from_str(raw).unwrap();
        assert_eq!(event["event"], "request.decided");
        assert_eq!(event["id"].as_str(), Some(headers["x-attesta-event-id"].as_str()));
        assert_eq!(event["data"]["request_id"], id);
        assert_eq!(event["data"]["verdict"], "denied");
        assert_eq!(event["data"]["action"], "update_record");
        assert_eq!(event["data"]["action_digest"], created["action_digest"]);
        assert!(event["data"]["reason"].as_str().unwrap().contains("wrong invoice"));
    }
    let row = wait_delivered(&s, id).await;
    assert_eq!(row[0], db::Val::Int(2), "two attempts");
    assert_eq!(row[2], db::Val::Null, "the secret is dropped once delivered");

    // The callback is a signal only: the decision is still taken once, with the digest.
    let (status, _) = s.post(&format!("/v1/requests/{id}/consume"), &s.agent, json!({"action_digest": "0".repeat(64)})).await;
    assert_eq!(status, 409);
    let (status, decision) = s.post(&format!("/v1/requests/{id}/consume"), &s.agent, json!({"action_digest": created["action_digest"]})).await;
    assert_eq!(status, 200);
    assert_eq!(decision["verdict"], "denied");
    // Consuming sends nothing more: still exactly the two attempts of one event.
    assert_eq!(s.callback_row(id).await[0], db::Val::Int(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_decided_at_creation_is_notified_and_unsigned_without_secret() {
    // Everything auto-approves under this policy: the decision exists before the callback is stored.
    let yaml = format!("{YAML}  challenge_map: {{low: auto_approve, medium: auto_approve, high: auto_approve, critical: auto_approve}}\n");
    let s = start(&yaml).await;
    let (url, got) = receiver(0, 200, None).await;
    let mut body = medium();
    body["callback_url"] = json!(url);
    let (status, created) = s.post("/v1/requests", &s.agent, body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["status"], "approved", "{created}");
    let calls = wait_for(&got, 1).await;
    assert!(!calls[0].0.contains_key("x-attesta-signature"));
    let event: Value = serde_json::from_str(&calls[0].1).unwrap();
    assert_eq!(event["data"]["verdict"], "approved");
    wait_delivered(&s, created["request_id"].as_str().unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_are_not_followed() {
    let s = start(YAML).await;
    let (elsewhere, elsewhere_got) = receiver(0, 200, None).await;
    // Always redirects: the server must treat that as a failed attempt, never follow it.
    let (url, got) = receiver(usize::MAX, 307, Some(elsewhere)).await;
    let mut body = medium();
    body["callback_url"] = json!(url);
    let (_, created) = s.post("/v1/requests", &s.agent, body).await;
    let id = created["request_id"].as_str().unwrap();
    s.post(&format!("/v1/requests/{id}/answer"), &s.alice, json!({"decision": "deny"})).await;
    wait_for(&got, 2).await;
    let row = s.callback_row(id).await;
    assert_eq!(row[1], db::Val::Null, "a redirect is not a delivery");
    assert!(elsewhere_got.lock().unwrap().is_empty(), "the redirect was followed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_callbacks_are_refused_and_create_nothing() {
    let s = start(YAML).await;
    let cases = [
        json!({"callback_url": "file:///etc/passwd"}),
        json!({"callback_url": "ftp://example.com/x"}),
        json!({"callback_url": "javascript:alert(1)"}),
        json!({"callback_url": "http://admin:pw@127.0.0.1/x"}),
        json!({"callback_url": "no scheme"}),
        json!({"callback_url": 42}),
        json!({"callback_url": ["http://a/"]}),
        json!({"callback_url": format!("http://a/{}", "x".repeat(3000))}),
        json!({"callback_url": "http://127.0.0.1/x", "callback_secret": "short"}),
        json!({"callback_url": "http://127.0.0.1/x", "callback_secret": 1234567890123456789u64}),
        json!({"callback_secret": "0123456789abcdef0123"}),
        // The rest of the body is still an ActionContext with unknown fields refused.
        json!({"callback_url": "http://127.0.0.1/x", "callbackurl": "http://127.0.0.1/y"}),
    ];
    for extra in cases {
        let mut body = medium();
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, err) = s.post("/v1/requests", &s.agent, body.clone()).await;
        assert_eq!(status, 400, "{body} → {err}");
        assert_eq!(err["error"]["code"], "invalid");
    }
    let (_, pending) = s.get("/v1/requests?status=pending", &s.alice).await;
    assert_eq!(pending["requests"].as_array().unwrap().len(), 0, "{pending}");
    let rows = s.db.query("SELECT COUNT(*) FROM callbacks", vec![]).await.unwrap();
    assert_eq!(rows[0][0], db::Val::Int(0));
}
