//! The web inbox's server side over real HTTP: pages and assets are embedded and carry the
//! strict CSP, `/v1/audit/charts` folds the real audit log, approver-only. The pages themselves
//! are exercised in a real browser by `web-tests/` (scripts/test-browser.sh).

use std::time::Duration;

use attesta::config_file::LoadedConfig;
use attesta_server::ServeOptions;
use serde_json::{Value, json};

struct Server {
    base: String,
    _dir: tempfile::TempDir,
    agent: String,
    alice: String,
    http: reqwest::Client,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn start(yaml: &str) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("attesta.yaml");
    std::fs::write(&cfg, yaml).unwrap();
    let options = ServeOptions {
        config: LoadedConfig::load(&cfg).unwrap(),
        listen: Some("127.0.0.1:0".into()),
        db: Some(dir.path().join("server.db").display().to_string()),
        insecure_http: false,
    };
    let ids = attesta_server::open_identities(&options).await.unwrap();
    let agent = ids.add_agent("bot").await.unwrap();
    let alice = ids
        .add_approver("alice", Some("alice-password"))
        .await
        .unwrap();
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
        _dir: dir,
        agent,
        alice,
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap(),
        _stop: tx,
    }
}

const YAML: &str = "policy:\n  minimum_review_seconds: {low: 0, medium: 0, high: 0, critical: 0}\n  timeout_seconds: 60\n";

impl Server {
    async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }
    async fn post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        (
            res.status().as_u16(),
            res.json().await.unwrap_or(Value::Null),
        )
    }
}

#[tokio::test]
async fn pages_and_assets_are_embedded_with_a_strict_csp() {
    let s = start(YAML).await;
    for (path, kind) in [
        ("/login", "text/html"),
        ("/", "text/html"),
        ("/history", "text/html"),
        ("/audit", "text/html"),
        ("/requests/0193-any-id", "text/html"),
        ("/static/app.js", "text/javascript"),
        ("/static/charts.js", "text/javascript"),
        ("/static/app.css", "text/css"),
    ] {
        let res = s.get(path, None).await;
        assert_eq!(res.status(), 200, "{path}");
        let headers = res.headers().clone();
        assert!(
            headers["content-type"].to_str().unwrap().starts_with(kind),
            "{path}: {:?}",
            headers["content-type"]
        );
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("script-src 'self';"),
            "{csp}"
        );
        assert_eq!(headers["x-frame-options"], "DENY");
        let body = res.text().await.unwrap();
        if kind == "text/html" {
            // Every script is a file from this server; no inline code or style for the CSP to allow.
            assert!(
                body.contains(r#"<script src="/static/app.js" defer></script>"#),
                "{path}"
            );
            assert!(!body.contains("style="), "{path}");
            assert!(!body.contains("<style"), "{path}");
        }
        assert!(
            !body.contains("https://"),
            "{path} references an external asset"
        );
    }
    assert_eq!(s.get("/static/other.js", None).await.status(), 404);
}

#[tokio::test]
async fn audit_charts_fold_the_real_log_for_approvers_only() {
    let s = start(YAML).await;
    // Empty log: no file yet, still an answer.
    let empty: Value = s
        .get("/v1/audit/charts", Some(&s.alice))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(empty["decisions"], 0);
    assert_eq!(empty["verdicts_over_time"], json!([]));

    // One auto-approved read, one confirm approved by alice, one denied by alice.
    let (status, low) = s
        .post(
            "/v1/requests",
            &s.agent,
            json!({"function_name": "read_file", "kwargs": {"path": "README.md"}}),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(low["status"], "approved");
    for (id, answer) in [
        (1, json!({"response": {"kind": "confirm", "answer": "y"}})),
        (2, json!({"decision": "deny", "reason": "not today"})),
    ] {
        let (status, created) = s
            .post(
                "/v1/requests",
                &s.agent,
                json!({"function_name": "update_record", "kwargs": {"table": "invoices", "id": id}}),
            )
            .await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["challenge"], "confirm");
        let rid = created["request_id"].as_str().unwrap();
        assert_eq!(
            s.get(&format!("/v1/requests/{rid}"), Some(&s.alice))
                .await
                .status(),
            200
        );
        let (status, out) = s
            .post(&format!("/v1/requests/{rid}/answer"), &s.alice, answer)
            .await;
        assert_eq!(status, 200, "{out}");
    }

    let res = s.get("/v1/audit/charts", Some(&s.alice)).await;
    assert_eq!(res.status(), 200);
    let charts: Value = res.json().await.unwrap();
    assert_eq!(charts["decisions"], 3, "{charts}");
    assert_eq!(charts["verdicts"]["approved"], 2);
    assert_eq!(charts["verdicts"]["denied"], 1);
    let over_time: u64 = charts["verdicts_over_time"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["counts"].as_object().unwrap().values())
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(over_time, 3);
    let risk: u64 = charts["risk_histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .sum();
    assert_eq!(risk, 3);
    assert_eq!(charts["risk_levels"]["low"], 1);
    assert_eq!(charts["risk_levels"]["medium"], 2);
    // Review times only for the two decisions a human made.
    let reviewed: u64 = charts["review_times"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .sum();
    assert_eq!(reviewed, 2);
    let approvers = charts["approvers"].as_array().unwrap();
    assert_eq!(approvers.len(), 1);
    assert_eq!(approvers[0]["approver"], "alice");
    assert_eq!(approvers[0]["approved"], 1);
    assert_eq!(approvers[0]["denied"], 1);
    // Answered at once with no minimum review time: a rubber stamp by the default rule (< 3 s).
    assert_eq!(approvers[0]["reviewed_approvals"], 1);
    assert_eq!(approvers[0]["rubber_stamps"], 1);
    assert_eq!(approvers[0]["rubber_stamp_rate"], 1.0);

    // Approvers only: no credentials → 401, an agent token → 403.
    assert_eq!(s.get("/v1/audit/charts", None).await.status(), 401);
    assert_eq!(
        s.get("/v1/audit/charts", Some(&s.agent)).await.status(),
        403
    );
}

/// Two approvers open a critical request at the same time; both pages show the first step.
/// When the second submits that stale step, the answer is refused (not graded as a failure)
/// and the review goes on.
#[tokio::test]
async fn a_stale_multi_party_page_is_refused_without_failing_the_review() {
    let s = start(YAML).await;
    let (status, created) = s
        .post(
            "/v1/requests",
            &s.agent,
            json!({"function_name": "drop_table", "kwargs": {"table": "customers", "database": "production"}, "environment": "production"}),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(created["challenge"], "multi_party", "{created}");
    let rid = created["request_id"].as_str().unwrap();
    let open = |token: String| {
        let s = &s;
        async move {
            s.get(&format!("/v1/requests/{rid}"), Some(&token))
                .await
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let alice_view = open(s.alice.clone()).await;
    let bob = {
        let ids = attesta_server::open_identities(&ServeOptions {
            config: LoadedConfig::load(&s._dir.path().join("attesta.yaml")).unwrap(),
            listen: None,
            db: Some(s._dir.path().join("server.db").display().to_string()),
            insecure_http: false,
        })
        .await
        .unwrap();
        ids.add_approver("bob", None).await.unwrap()
    };
    let bob_view = open(bob.clone()).await;
    assert_eq!(alice_view["your_step"]["challenge_type"], "teach_back");
    assert_eq!(bob_view["your_step"]["challenge_type"], "teach_back");

    let explanation = "This permanently drops the customers table from the production database, \
                       deleting every customer row and its schema, and it cannot be undone.";
    let teach_back = json!({"response": {"kind": "teach_back", "answer": explanation}});
    let (status, out) = s
        .post(
            &format!("/v1/requests/{rid}/answer"),
            &s.alice,
            teach_back.clone(),
        )
        .await;
    assert_eq!(
        (status, out["result"].as_str()),
        (200, Some("recorded")),
        "{out}"
    );

    // Bob's page is stale: it still shows the teach-back.
    let (status, out) = s
        .post(&format!("/v1/requests/{rid}/answer"), &bob, teach_back)
        .await;
    assert_eq!(status, 400, "{out}");
    assert!(
        out["error"]["message"]
            .as_str()
            .unwrap()
            .contains("another approver answered first"),
        "{out}"
    );
    let bob_view = open(bob.clone()).await;
    assert_eq!(bob_view["status"], "pending");
    assert_eq!(bob_view["your_step"]["challenge_type"], "quiz");

    // Reloaded, Bob answers the quiz from what the action says.
    let facts = json!({
        "table": "customers",
        "environment": "production",
        "resource": "production",
        "operation": "drop_table",
    });
    // Dropping a table destroys records: the one option saying data is destroyed or deleted.
    let consequence = |q: &Value| -> String {
        let options = q["format"]["options"].as_array().unwrap();
        let fits: Vec<&str> = options
            .iter()
            .filter_map(Value::as_str)
            .filter(|o| o.contains("records are destroyed") || o.contains("are deleted"))
            .collect();
        assert_eq!(fits.len(), 1, "{q}");
        fits[0].to_owned()
    };
    let answers: Vec<String> = bob_view["your_step"]["body"]["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            if q["topic"] == "consequence" {
                return consequence(q);
            }
            facts[q["topic"].as_str().unwrap()]
                .as_str()
                .unwrap_or_else(|| panic!("a question this reader cannot answer: {q}"))
                .to_owned()
        })
        .collect();
    let (status, out) = s
        .post(
            &format!("/v1/requests/{rid}/answer"),
            &bob,
            json!({"response": {"kind": "quiz", "answer": answers}}),
        )
        .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["decision"]["verdict"], "approved", "{out}");
    assert_eq!(out["decision"]["approvers"], json!(["alice", "bob"]));
}
