//! Load on a PostgreSQL fleet: 100 agents post 20 requests each to two servers sharing one
//! database, while two approvers race to answer them through both servers. Every request must be
//! decided exactly once (one audit entry, one `request.decided` event with one event id), and the
//! database audit chain must be intact. Ignored by default (it needs PostgreSQL and a minute);
//! `scripts/test-server.sh` runs it. Loopback only, bounded by a deadline.

#[macro_use]
mod common;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};

const AGENTS: usize = 100;
const PER_AGENT: usize = 20;
const DEADLINE: Duration = Duration::from_secs(600);

async fn approver_loop(http: reqwest::Client, bases: Vec<String>, token: String, total: usize, stop: Instant) -> usize {
    let mut answered = 0;
    let mut turn = 0usize;
    loop {
        assert!(Instant::now() < stop, "the approvers did not finish before the deadline");
        let base = &bases[turn % bases.len()];
        turn += 1;
        let page: Value = http.get(format!("{base}/v1/requests?status=pending&limit=50&sort=age"))
            .bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        let decided: Value = http.get(format!("{base}/v1/requests?status=decided&limit=1"))
            .bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        if decided["total"].as_u64() == Some(total as u64) {
            return answered;
        }
        let rows = page["requests"].as_array().cloned().unwrap_or_default();
        if rows.is_empty() {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        }
        for r in rows {
            let id = r["request_id"].as_str().unwrap();
            let base = &bases[turn % bases.len()];
            turn += 1;
            http.get(format!("{base}/v1/requests/{id}")).bearer_auth(&token).send().await.unwrap();
            let res = http.post(format!("{base}/v1/requests/{id}/answer")).bearer_auth(&token)
                .json(&json!({"response": {"kind": "confirm", "answer": "y"}})).send().await.unwrap();
            match res.status().as_u16() {
                200 => answered += 1,
                409 | 503 => {} // the other approver (or server) got there first
                other => panic!("answer {id}: HTTP {other}: {}", res.text().await.unwrap_or_default()),
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
// The run time is printed for the record (scripts/test-server.sh shows it); nothing asserts it.
#[allow(clippy::print_stderr)]
#[ignore = "load test on PostgreSQL: scripts/test-server.sh runs it with ATTESTA_TEST_POSTGRES_URL"]
async fn two_servers_decide_2000_requests_exactly_once() {
    let stop = Instant::now() + DEADLINE;
    let (hook, got) = receiver(0).await;
    let yaml = format!(
        "policy:\n  minimum_review_seconds: {{low: 0, medium: 0, high: 0, critical: 0}}\n  timeout_seconds: 900\n\
         server:\n  webhooks:\n    - url: {hook}\n      events: [request.decided]\n"
    );
    let s = start("postgres", &yaml).await;
    let (second, _stop, _dir) = start_second(&s).await;
    let bases = vec![s.base.clone(), second.clone()];
    let ids = attesta_server::Identities::new(s.db.clone());
    let mut agents = Vec::new();
    for i in 0..AGENTS {
        agents.push(ids.add_agent(&format!("agent-{i:03}")).await.unwrap());
    }
    let total = AGENTS * PER_AGENT;
    let started = Instant::now();
    let mut posting = Vec::new();
    for (i, token) in agents.into_iter().enumerate() {
        let (http, base) = (s.http.clone(), bases[i % 2].clone());
        posting.push(tokio::spawn(async move {
            let mut created = Vec::new();
            for j in 0..PER_AGENT {
                let res = http.post(format!("{base}/v1/requests")).bearer_auth(&token)
                    .json(&json!({"function_name": "update_record", "kwargs": {"table": "orders", "id": i * 1000 + j}}))
                    .send().await.unwrap();
                assert_eq!(res.status(), 201);
                created.push(res.json::<Value>().await.unwrap()["request_id"].as_str().unwrap().to_owned());
            }
            created
        }));
    }
    let approvers = [s.alice.clone(), s.bob.clone()].map(|token| {
        tokio::spawn(approver_loop(s.http.clone(), bases.clone(), token, total, stop))
    });
    let mut created = HashSet::new();
    for p in posting {
        created.extend(p.await.unwrap());
    }
    assert_eq!(created.len(), total);
    let mut answered = 0;
    for a in approvers {
        answered += a.await.unwrap();
    }
    let elapsed = started.elapsed();
    assert_eq!(answered, total, "every request answered successfully exactly once");

    // One audit entry per request, in one intact database chain.
    let entries = s.audit().await;
    assert_eq!(entries.len(), total);
    let audited: HashSet<String> = entries.iter().map(|e| e["metadata"]["request_id"].as_str().unwrap().to_owned()).collect();
    let missing: Vec<&String> = created.difference(&audited).take(5).collect();
    assert!(missing.is_empty() && audited.len() == total, "requests without their audit entry: {missing:?}");
    assert!(entries.iter().all(|e| e["verdict"] == "approved"), "every request approved by a person");
    let export = s.dir.path().join("load-chain.jsonl");
    attesta_server::db::export_audit_chain(&*s.db, &export).await.unwrap();
    let mut options = attesta::audit::VerifyOptions { checkpoint_key: None, checkpoint_file: None, active_segment_only: false, ignore_unterminated_tail: false, progress: None };
    assert!(attesta::audit::verify(&export, &mut options).unwrap().intact);

    // One webhook event per decision.
    loop {
        let left = s.db.query("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL", vec![]).await.unwrap();
        if left[0][0].int() == Some(0) {
            break;
        }
        assert!(Instant::now() < stop, "webhooks not delivered before the deadline");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let rows = s.db.query("SELECT COUNT(*) FROM outbox WHERE event = 'request.decided'", vec![]).await.unwrap();
    assert_eq!(rows[0][0].int(), Some(total as i64));
    let mut per_request: HashMap<String, HashSet<String>> = HashMap::new();
    for (headers, body) in got.lock().unwrap().iter() {
        let v: Value = serde_json::from_str(body).unwrap();
        per_request.entry(v["data"]["request_id"].as_str().unwrap().to_owned()).or_default().insert(headers["x-attesta-event-id"].clone());
    }
    assert_eq!(per_request.len(), total);
    assert!(per_request.values().all(|ids| ids.len() == 1), "a decision notified with two event ids");
    eprintln!("load: {total} requests from {AGENTS} agents decided by 2 approvers through 2 servers in {:.1} s", elapsed.as_secs_f64());
}
