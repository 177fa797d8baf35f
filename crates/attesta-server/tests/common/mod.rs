//! Shared harness of the approval server's API tests: a real server on a loopback port over a
//! fresh SQLite file or a fresh PostgreSQL database, with one agent and two approvers.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use attesta::config_file::LoadedConfig;
use attesta_server::{ServeOptions, db};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub struct Server {
    pub base: String,
    pub addr: std::net::SocketAddr,
    pub db: Arc<dyn db::SqlBackend>,
    pub db_url: String,
    pub dir: tempfile::TempDir,
    pub agent: String,
    pub alice: String,
    pub bob: String,
    pub http: reqwest::Client,
    pub _stop: tokio::sync::oneshot::Sender<()>,
}

/// A fresh database: a temp SQLite file, or a new PostgreSQL database per test.
pub async fn database(kind: &str, dir: &std::path::Path) -> String {
    if kind == "sqlite" {
        return dir.join("server.db").display().to_string();
    }
    let admin = std::env::var("ATTESTA_TEST_POSTGRES_URL")
        .expect("ATTESTA_TEST_POSTGRES_URL must name a PostgreSQL server (scripts/test-server.sh starts one)");
    let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await.expect("connect to PostgreSQL");
    tokio::spawn(conn);
    let name = format!("attesta_t_{}", uuid::Uuid::new_v4().simple());
    client.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("create database");
    let (base, _) = admin.rsplit_once('/').expect("URL with a database name");
    format!("{base}/{name}")
}

pub async fn start(kind: &str, yaml: &str) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db_url = database(kind, dir.path()).await;
    let cfg = dir.path().join("attesta.yaml");
    std::fs::write(&cfg, yaml).unwrap();
    let loaded = LoadedConfig::load(&cfg).unwrap();
    let options = ServeOptions { config: loaded, listen: Some("127.0.0.1:0".into()), db: Some(db_url.clone()), insecure_http: false };
    let ids = attesta_server::open_identities(&options).await.unwrap();
    let agent = ids.add_agent("bot").await.unwrap();
    let alice = ids.add_approver("alice", Some("alice-password")).await.unwrap();
    let bob = ids.add_approver("bob", Some("bob-password")).await.unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let running = attesta_server::start(options, async move {
        let _ = rx.await;
    })
    .await
    .unwrap();
    let addr = running.addr;
    tokio::spawn(running.wait());
    let db = db::open(&db_url).await.unwrap();
    Server {
        base: format!("http://{addr}"),
        addr,
        db,
        db_url,
        dir,
        agent,
        alice,
        bob,
        http: reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap(),
        _stop: tx,
    }
}

/// A second server on the same database as `s` (PostgreSQL), with its own working directory;
/// returns its base URL and the guard that stops it.
pub async fn start_second(s: &Server) -> (String, tokio::sync::oneshot::Sender<()>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("attesta.yaml");
    std::fs::copy(s.dir.path().join("attesta.yaml"), &cfg).unwrap();
    let loaded = LoadedConfig::load(&cfg).unwrap();
    let options = ServeOptions { config: loaded, listen: Some("127.0.0.1:0".into()), db: Some(s.db_url.clone()), insecure_http: false };
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let running = attesta_server::start(options, async move {
        let _ = rx.await;
    })
    .await
    .unwrap();
    let base = format!("http://{}", running.addr);
    tokio::spawn(running.wait());
    (base, tx, dir)
}

pub const BASE_YAML: &str = "policy:\n  minimum_review_seconds: {low: 0, medium: 0, high: 0, critical: 0}\n  timeout_seconds: 60\n";

impl Server {
    pub async fn call(&self, method: reqwest::Method, path: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }
    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        self.call(reqwest::Method::GET, path, token, None).await
    }
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        self.call(reqwest::Method::POST, path, token, Some(body)).await
    }
    pub async fn create(&self, ctx: Value) -> Value {
        let (status, body) = self.post("/v1/requests", Some(&self.agent), ctx).await;
        assert_eq!(status, 201, "{body}");
        body
    }
    /// The stored answer key (the test plays a human who read the action correctly).
    pub async fn key(&self, id: &str) -> Value {
        let rows = self.db.query("SELECT key_json FROM requests WHERE id = $1", vec![id.into()]).await.unwrap();
        serde_json::from_str(rows[0][0].text().unwrap()).unwrap()
    }
    /// The audit log: the JSONL file (SQLite) or the database chain (PostgreSQL).
    pub async fn audit(&self) -> Vec<Value> {
        let file = self.dir.path().join(".attesta/audit.jsonl");
        if self.db.kind() == "postgres" {
            assert!(!file.exists(), "a PostgreSQL server wrote a local audit file");
            let export = self.dir.path().join("chain-export.jsonl");
            db::export_audit_chain(&*self.db, &export).await.unwrap();
            let text = std::fs::read_to_string(&export).unwrap();
            return text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        }
        let text = std::fs::read_to_string(file).unwrap_or_default();
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }
}

pub fn medium() -> Value {
    json!({"function_name": "update_record", "kwargs": {"table": "invoices", "id": 42}})
}
pub fn high() -> Value {
    json!({"function_name": "delete_file", "kwargs": {"path": "/var/app/data/report.csv"}})
}
pub fn critical() -> Value {
    json!({"function_name": "drop_table", "kwargs": {"table": "customers", "database": "production"}, "environment": "production"})
}

pub fn quiz_answers(key: &Value) -> Vec<String> {
    key["expected"]["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["accepted"]["value"].as_str().unwrap().to_owned())
        .collect()
}

/// An honest explanation built from the key: the effect the action has, in plain words, and the
/// key terms it touches.
pub fn teach_back_text(key: &Value) -> String {
    let terms: Vec<String> = key["expected"]["key_terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["phrases"][0].as_str().or(g["label"].as_str()).unwrap().to_owned())
        .collect();
    let effect = match key["expected"]["consequences"][0].as_str() {
        Some("data_destroyed") => "permanently destroys every record of",
        Some("deleted") => "deletes",
        Some("money_out") => "pays money out from",
        Some("sent_out") => "sends data out of",
        Some("access") => "changes who has access to",
        Some("stopped") => "stops",
        Some("deployed") => "deploys new code to",
        Some("overwritten") => "overwrites",
        Some("execute") => "runs downloaded code against",
        Some("secret_key") => "replaces the secret key of",
        _ => "changes",
    };
    format!(
        "This {effect} {} in {} which the whole team relies upon, and it cannot be undone, so I checked it carefully",
        terms[0],
        terms.get(1).cloned().unwrap_or_default()
    )
}

/// HMAC-SHA256 written out from its definition (RFC 2104), independent of the server's code.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> String {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::digest([ipad.as_slice(), msg].concat());
    hex::encode(Sha256::digest([opad.as_slice(), inner.as_slice()].concat()))
}

pub type Received = Arc<Mutex<Vec<(HashMap<String, String>, String)>>>;

/// A webhook receiver that fails its first `fail_first` deliveries with HTTP 500.
pub async fn receiver(fail_first: usize) -> (String, Received) {
    let got: Received = Arc::new(Mutex::new(Vec::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let store = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let store = store.clone();
            async move {
                let h = headers.iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned())).collect();
                let mut g = store.lock().unwrap();
                g.push((h, body));
                if g.len() <= fail_first { axum::http::StatusCode::INTERNAL_SERVER_ERROR } else { axum::http::StatusCode::OK }
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), got)
}

#[allow(unsafe_code)]
pub fn unsafe_env_set(k: &str, v: &str) {
    // Tests in this file run on separate runtimes; setting an env var before the server starts
    // is the way the server is configured in production too.
    unsafe { std::env::set_var(k, v) };
}

#[macro_export]
macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name("sqlite").await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[ignore = "needs PostgreSQL: scripts/test-server.sh runs it with ATTESTA_TEST_POSTGRES_URL"]
                async fn $name() {
                    super::$name("postgres").await;
                }
            )*
        }
    };
}

