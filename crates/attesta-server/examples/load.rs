//! Load test of the approval server over real HTTP.
//!
//! `cargo run --release -p attesta-server --example load -- [N] [CONCURRENCY] [DB]`
//! (DB: `sqlite` (default, temp file) or a `postgres://` URL).
//!
//! Each round: an agent creates a request and long-polls for it; an approver opens it and
//! answers the confirm challenge. Reports created+decided requests per second and the latency
//! from the approver sending the answer to the waiting agent being released (an upper bound on
//! decision → release, since it includes the answer's own processing).

use std::sync::Arc;
use std::time::{Duration, Instant};

use attesta::config_file::LoadedConfig;
use attesta_server::ServeOptions;
use serde_json::json;

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(500);
    let concurrency: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(16);
    let db_arg = args.get(3).cloned().unwrap_or_else(|| "sqlite".into());

    let dir = tempfile::tempdir().expect("temp dir");
    let db = if db_arg == "sqlite" { dir.path().join("server.db").display().to_string() } else { db_arg.clone() };
    let cfg = dir.path().join("attesta.yaml");
    std::fs::write(&cfg, "policy:\n  minimum_review_seconds: {medium: 0}\n  timeout_seconds: 120\naudit:\n  durability: always\n")
        .expect("config");
    let options = ServeOptions {
        config: LoadedConfig::load(&cfg).expect("config"),
        listen: Some("127.0.0.1:0".into()),
        db: Some(db),
        insecure_http: false,
    };
    let ids = attesta_server::open_identities(&options).await.expect("db");
    let suffix = std::process::id();
    let agent = Arc::new(ids.add_agent(&format!("load-agent-{suffix}")).await.expect("agent"));
    let approver = Arc::new(ids.add_approver(&format!("load-approver-{suffix}"), None).await.expect("approver"));
    let running = attesta_server::start(options, std::future::pending()).await.expect("start");
    let base = Arc::new(format!("http://{}", running.addr));
    let kind = running.database_kind;
    tokio::spawn(running.wait());
    let http = reqwest::Client::builder().pool_max_idle_per_host(256).build().expect("client");

    let started = Instant::now();
    let sem = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let permit = sem.clone().acquire_owned().await.expect("semaphore");
        let (http, base, agent, approver) = (http.clone(), base.clone(), agent.clone(), approver.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = permit;
            let ctx = json!({"function_name": "update_record", "kwargs": {"table": "invoices", "id": i}});
            let created: serde_json::Value =
                http.post(format!("{base}/v1/requests")).bearer_auth(&*agent).json(&ctx).send().await.ok()?.json().await.ok()?;
            let id = created["request_id"].as_str()?.to_owned();
            let waiter = {
                let (http, base, agent, id) = (http.clone(), base.clone(), agent.clone(), id.clone());
                tokio::spawn(async move {
                    let r = http.get(format!("{base}/v1/requests/{id}/wait?timeout=60")).bearer_auth(&*agent).send().await.ok()?;
                    let ok = r.status() == 200;
                    let _ = r.bytes().await;
                    ok.then(Instant::now)
                })
            };
            http.get(format!("{base}/v1/requests/{id}")).bearer_auth(&*approver).send().await.ok()?.bytes().await.ok()?;
            // Let the waiter reach the server before the decision.
            tokio::time::sleep(Duration::from_millis(20)).await;
            let sent = Instant::now();
            let r = http
                .post(format!("{base}/v1/requests/{id}/answer"))
                .bearer_auth(&*approver)
                .json(&json!({"response": {"kind": "confirm", "answer": "y"}}))
                .send()
                .await
                .ok()?;
            if r.status() != 200 {
                return None;
            }
            let released = waiter.await.ok()??;
            Some(released.saturating_duration_since(sent))
        }));
    }
    let mut latencies = Vec::with_capacity(n);
    for t in tasks {
        if let Ok(Some(l)) = t.await {
            latencies.push(l);
        }
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let pct = |p: f64| latencies.get(((latencies.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or_default();
    let mut out = std::io::stderr().lock();
    use std::io::Write;
    let _ = writeln!(
        out,
        "database={kind} requests={n} ok={} concurrency={concurrency} elapsed={:.2}s throughput={:.1} requests created+decided/s",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64()
    );
    let _ = writeln!(
        out,
        "answer sent -> agent released: median={:.1}ms p90={:.1}ms p99={:.1}ms max={:.1}ms",
        pct(0.5).as_secs_f64() * 1000.0,
        pct(0.9).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
    );
}
