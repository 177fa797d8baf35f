//! End-to-end tests with real processes and real MCP peers.
//!
//! This test binary has no libtest harness because it plays three roles, chosen by its first
//! arguments, and a harness would print to stdout (the protocol channel):
//! - `--role proxy [OPTIONS] -- SERVER...`: the proxy itself, running `attesta_mcp::wrap` on
//!   real stdin/stdout, exactly what `attesta mcp wrap` runs;
//! - `--role rmcp-server`: an MCP server built with `rmcp`, with `read_file`/`write_file` tools;
//! - no role: the test runner. Peers are the official Python `mcp` SDK
//!   (`tests/fixtures/fs_server.py`, skipped with a message when not installed; see
//!   `scripts/setup-mcp-test-deps.sh`), the rmcp server above, and an rmcp client.
#![allow(clippy::print_stderr, clippy::print_stdout)]

use std::ffi::OsString;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ClientCapabilities, ClientConfig, ContentBlock,
    ElicitRequestParams, ElicitResult, ElicitationAction, ErrorData, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{RequestContext, RoleClient, RoleServer};
use rmcp::transport::TokioChildProcess;
use rmcp::{ClientHandler, ServerHandler, ServiceExt};
use serde_json::{Map, Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

const WAIT: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------------
// roles

fn main() {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.first().is_some_and(|a| a == "--role") {
        let role = args.get(1).and_then(|r| r.to_str()).unwrap_or_default().to_owned();
        let rest = args[2.min(args.len())..].to_vec();
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let code = match role.as_str() {
            "proxy" => runtime.block_on(proxy_role(rest)),
            "rmcp-server" => runtime.block_on(rmcp_server_role()),
            other => {
                eprintln!("unknown role {other}");
                2
            }
        };
        // Do not wait for the blocking stdin reader (see `attesta_mcp::wrap`).
        std::process::exit(code);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        // libtest's listing format, so test runners that list first (nextest) can drive us.
        if !args.iter().any(|a| a == "--ignored") {
            for (name, _) in tests() {
                println!("{name}: test");
            }
        }
        return;
    }
    let filter = args.iter().find(|a| !a.starts_with('-'));
    std::process::exit(run_tests(filter.map(String::as_str)));
}

async fn proxy_role(args: Vec<OsString>) -> i32 {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ATTESTA_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let split = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let mut options = attesta_mcp::WrapOptions::new(args[(split + 1).min(args.len())..].to_vec());
    let mut flags = args[..split].iter().map(|a| a.to_string_lossy().into_owned());
    while let Some(flag) = flags.next() {
        let value = flags.next().unwrap_or_default();
        match flag.as_str() {
            "--config" => options.config = Some(value.into()),
            "--audit-log" => options.audit_log = Some(value.into()),
            "--risk-override" => options.risk_overrides.push(attesta_mcp::parse_risk_override(&value).unwrap()),
            "--max-line-bytes" => options.max_line_bytes = value.parse().unwrap(),
            "--agent-id" => options.caller.agent_id = Some(value),
            other => panic!("unknown proxy flag {other}"),
        }
    }
    match attesta_mcp::wrap(options).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

/// A small filesystem server built with rmcp.
#[derive(Clone)]
struct RmcpFsServer;

impl ServerHandler for RmcpFsServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let schema = |props: Value| Arc::new(json!({"type": "object", "properties": props}).as_object().unwrap().clone());
        Ok(ListToolsResult::with_all_items(vec![
            Tool::new("read_file", "Read a text file.", schema(json!({"path": {"type": "string"}}))),
            Tool::new(
                "write_file",
                "Write a file, permanently overwriting its previous content.",
                schema(json!({"path": {"type": "string"}, "content": {"type": "string"}})),
            ),
        ]))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let args = request.arguments.unwrap_or_default();
        let path = args.get("path").and_then(Value::as_str).unwrap_or_default().to_owned();
        let text = match request.name.as_ref() {
            "read_file" => std::fs::read_to_string(&path).map_err(|e| ErrorData::internal_error(e.to_string(), None))?,
            "write_file" => {
                let content = args.get("content").and_then(Value::as_str).unwrap_or_default();
                std::fs::write(&path, content).map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
                format!("wrote {} bytes to {path}", content.len())
            }
            other => return Err(ErrorData::invalid_params(format!("no tool {other}"), None)),
        };
        Ok(CallToolResult::success(vec![ContentBlock::text(text)]).into())
    }
}

async fn rmcp_server_role() -> i32 {
    match RmcpFsServer.serve((tokio::io::stdin(), tokio::io::stdout())).await {
        Ok(running) => {
            let _ = running.waiting().await;
            0
        }
        Err(e) => {
            eprintln!("rmcp server failed: {e}");
            1
        }
    }
}

// ---------------------------------------------------------------------------------------------
// peers and fixtures

fn python() -> Option<PathBuf> {
    let candidate = std::env::var_os("ATTESTA_MCP_PYTHON").map(PathBuf::from).or_else(|| {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/attesta-mcp-venv/bin/python"))
    })?;
    let ok = std::process::Command::new(&candidate)
        .args(["-c", "import mcp.server.fastmcp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(candidate)
}

fn python_server() -> Option<Vec<OsString>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fs_server.py");
    python().map(|py| vec![py.into_os_string(), script.into_os_string()])
}

fn rmcp_server() -> Vec<OsString> {
    vec![std::env::current_exe().unwrap().into_os_string(), "--role".into(), "rmcp-server".into()]
}

/// A temporary directory with an `attesta.yaml`.
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    /// `reviewer` is `Some("deny")` to pin the reviewer, `None` for the proxy's own selection.
    fn new(reviewer: Option<&str>) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let mut yaml = String::from(
            "policy:\n  minimum_review_seconds: {low: 0, medium: 0, high: 0, critical: 0}\n  timeout_seconds: 20\ntrust:\n  enabled: false\n",
        );
        if let Some(reviewer) = reviewer {
            yaml.push_str(&format!("reviewer: {reviewer}\n"));
        }
        std::fs::write(dir.path().join("attesta.yaml"), yaml).unwrap();
        Workspace { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn audit_entries(&self) -> Vec<Value> {
        std::fs::read_to_string(self.path("audit.jsonl"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    fn proxy_command(&self, extra: &[&str], server: &[OsString]) -> Command {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args(["--role", "proxy", "--config"])
            .arg(self.path("attesta.yaml"))
            .arg("--audit-log")
            .arg(self.path("audit.jsonl"))
            .args(extra)
            .arg("--")
            .args(server)
            .current_dir(self.dir.path())
            .kill_on_drop(true);
        command
    }
}

/// A raw line-level MCP client talking to a proxy process.
struct RawClient {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Lines<BufReader<ChildStdout>>,
}

impl RawClient {
    fn spawn(mut command: Command) -> RawClient {
        let mut child =
            command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
        let stdin = child.stdin.take();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        RawClient { child, stdin, lines }
    }

    async fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(line.as_bytes()).await.unwrap();
        stdin.write_all(b"\n").await.unwrap();
        stdin.flush().await.unwrap();
    }

    async fn send_json(&mut self, value: Value) {
        self.send(&value.to_string()).await;
    }

    async fn recv(&mut self) -> Value {
        let line = tokio::time::timeout(WAIT, self.lines.next_line())
            .await
            .expect("no message from the proxy in time")
            .unwrap()
            .expect("the proxy closed stdout");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("stdout carried a non-JSON line ({e}): {line}"))
    }

    /// The next message that is not a notification.
    async fn recv_message(&mut self) -> Value {
        loop {
            let message = self.recv().await;
            if message.is_array() || message.get("id").is_some() {
                return message;
            }
        }
    }

    async fn initialize(&mut self, elicitation: bool) -> Value {
        let capabilities = if elicitation { json!({"elicitation": {}}) } else { json!({}) };
        self.send_json(json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": capabilities,
            "clientInfo": {"name": "attesta-e2e", "version": "1"}}}))
        .await;
        let reply = self.recv_message().await;
        self.send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).await;
        self.send(r#"{"jsonrpc":"2.0","id":"list","method":"tools/list"}"#).await;
        let tools = self.recv_message().await;
        assert!(tools["result"]["tools"].as_array().is_some_and(|t| !t.is_empty()), "{tools}");
        reply
    }

    fn close_input(&mut self) {
        self.stdin = None;
    }

    async fn exit_code(&mut self) -> i32 {
        let status = tokio::time::timeout(WAIT, self.child.wait()).await.expect("proxy did not exit").unwrap();
        status.code().unwrap_or(-1)
    }
}

fn call(id: Value, tool: &str, arguments: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": tool, "arguments": arguments}})
}

fn text_of(result: &Value) -> String {
    result["content"][0]["text"].as_str().unwrap_or_default().to_owned()
}

/// Fills one form: (message, requested schema) → content, or `None` to decline.
type Answer = dyn Fn(&str, &Value) -> Option<Value> + Send + Sync;

/// An rmcp client that fills elicitation forms with a scripted function.
#[derive(Clone)]
struct FormFiller {
    answer: Arc<Answer>,
    forms: Arc<Mutex<Vec<(String, Value)>>>,
}

impl FormFiller {
    fn new(answer: impl Fn(&str, &Value) -> Option<Value> + Send + Sync + 'static) -> Self {
        FormFiller { answer: Arc::new(answer), forms: Arc::default() }
    }
}

impl ClientHandler for FormFiller {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::builder().enable_elicitation().build(),
            Implementation::new("attesta-e2e-forms", "1"),
        )
    }

    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        let ElicitRequestParams::FormElicitationParams { message, requested_schema, .. } = request else {
            return Ok(ElicitResult::new(ElicitationAction::Decline));
        };
        let schema = serde_json::to_value(&requested_schema).unwrap();
        self.forms.lock().unwrap().push((message.clone(), schema.clone()));
        Ok(match (self.answer)(&message, &schema) {
            Some(content) => ElicitResult::new(ElicitationAction::Accept).with_content(content),
            None => ElicitResult::new(ElicitationAction::Decline),
        })
    }
}

fn rmcp_args(path: &Path, content: &str) -> Map<String, Value> {
    json!({"path": path, "content": content}).as_object().unwrap().clone()
}

// ---------------------------------------------------------------------------------------------
// tests

type TestFuture = Pin<Box<dyn Future<Output = ()> + Send>>;
type Test = (&'static str, fn() -> TestFuture);

fn tests() -> Vec<Test> {
    vec![
        ("python_initialize_list_approved_and_denied_calls", || Box::pin(python_approved_and_denied())),
        ("python_batch_with_a_dangerous_call", || Box::pin(python_batch())),
        ("python_cancellation_during_pending_review", || Box::pin(python_cancellation())),
        ("python_malformed_and_oversized_lines", || Box::pin(python_malformed_and_oversized())),
        ("python_server_crash_exit_code", || Box::pin(python_crash())),
        ("python_sigterm_is_forwarded", || Box::pin(python_sigterm())),
        ("rmcp_client_and_server_approved_and_denied", || Box::pin(rmcp_approved_and_denied())),
        ("rmcp_elicitation_confirm_approves_and_denies", || Box::pin(rmcp_elicitation_confirm())),
        ("rmcp_elicitation_decline_denies_once_at_once", || Box::pin(rmcp_elicitation_decline())),
        ("rmcp_elicitation_quiz", || Box::pin(rmcp_elicitation_quiz())),
    ]
}

fn run_tests(filter: Option<&str>) -> i32 {
    let mut failed = Vec::new();
    let selected: Vec<_> = tests().into_iter().filter(|(name, _)| filter.is_none_or(|f| name.contains(f))).collect();
    eprintln!("running {} end-to-end tests", selected.len());
    for (name, test) in selected {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| runtime.block_on(test())));
        runtime.shutdown_timeout(Duration::from_secs(1));
        match outcome {
            Ok(()) => eprintln!("test {name} ... ok"),
            Err(_) => {
                eprintln!("test {name} ... FAILED");
                failed.push(name);
            }
        }
    }
    if failed.is_empty() {
        eprintln!("end-to-end: all passed");
        0
    } else {
        eprintln!("end-to-end failures: {failed:?}");
        1
    }
}

/// Skips locally when a peer is missing; `scripts/test.sh` sets ATTESTA_REQUIRE_TEST_PEERS so a
/// missing peer fails the run instead of passing silently.
fn skip(reason: &str) {
    assert!(std::env::var_os("ATTESTA_REQUIRE_TEST_PEERS").is_none(), "required test peer missing: {reason}");
    eprintln!("    skipped: {reason}");
}

const NO_PYTHON: &str = "the Python `mcp` package is not installed; run scripts/setup-mcp-test-deps.sh";

async fn python_approved_and_denied() {
    let Some(server) = python_server() else { return skip(NO_PYTHON) };
    let ws = Workspace::new(Some("deny"));
    let notes = ws.path("notes.txt");
    std::fs::write(&notes, "hello from disk").unwrap();
    let mut client = RawClient::spawn(ws.proxy_command(&["--risk-override", "read_file=low"], &server));
    let init = client.initialize(false).await;
    assert_eq!(init["result"]["serverInfo"]["name"], "attesta-test-fs");

    // Approved: the real result from the real server.
    client.send_json(call(json!(1), "read_file", json!({"path": notes}))).await;
    let reply = client.recv_message().await;
    assert_eq!(reply["id"], 1);
    assert_eq!(text_of(&reply["result"]), "hello from disk", "{reply}");

    // Denied: no reviewer may approve, so the file is never written.
    let target = ws.path("written.txt");
    client.send_json(call(json!(2), "write_file", json!({"path": target, "content": "pwned"}))).await;
    let reply = client.recv_message().await;
    assert_eq!(reply["id"], 2);
    assert_eq!(reply["result"]["isError"], true, "{reply}");
    let text = text_of(&reply["result"]);
    assert!(text.contains("Verdict: denied") && text.contains("Audit entry: "), "{text}");
    assert!(!target.exists(), "a denied call must not run");

    client.close_input();
    assert_eq!(client.exit_code().await, 0, "the server's exit code passes through");
    let audit = ws.audit_entries();
    let denied = audit.iter().find(|e| e["action_name"] == "write_file").expect("denial audited");
    assert_eq!(denied["verdict"], "denied");
    assert_eq!(denied["metadata"]["source"], "mcp");
    assert_eq!(denied["metadata"]["tool"], "write_file");
    assert!(denied["metadata"]["server_command"].as_str().unwrap().contains("fs_server.py"));
    assert!(text.contains(denied["entry_id"].as_str().unwrap()), "the denial names its audit entry");
    assert!(
        denied["action_description"].as_str().unwrap_or_default().contains("permanently"),
        "the tool description from tools/list reached the pipeline: {denied}"
    );
}

async fn python_batch() {
    let Some(server) = python_server() else { return skip(NO_PYTHON) };
    let ws = Workspace::new(Some("deny"));
    let notes = ws.path("notes.txt");
    std::fs::write(&notes, "batch read").unwrap();
    let target = ws.path("batch-write.txt");
    let mut client = RawClient::spawn(ws.proxy_command(&["--risk-override", "read_file=low"], &server));
    client.initialize(false).await;
    client
        .send_json(json!([
            call(json!("r"), "read_file", json!({"path": notes})),
            {"jsonrpc": "2.0", "id": "p", "method": "ping"},
            call(json!("w"), "write_file", json!({"path": target, "content": "x"})),
        ]))
        .await;
    let reply = client.recv_message().await;
    let replies = reply.as_array().unwrap_or_else(|| panic!("one array answers the batch: {reply}"));
    assert_eq!(replies.len(), 3, "{reply}");
    let by_id = |id: &str| replies.iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("no reply {id}"));
    assert_eq!(text_of(&by_id("r")["result"]), "batch read");
    assert!(by_id("p")["result"].is_object());
    assert_eq!(by_id("w")["result"]["isError"], true);
    assert!(!target.exists());
    client.close_input();
    assert_eq!(client.exit_code().await, 0);
}

async fn python_cancellation() {
    let Some(server) = python_server() else { return skip(NO_PYTHON) };
    let ws = Workspace::new(None);
    let target = ws.path("cancelled.txt");
    let mut client = RawClient::spawn(ws.proxy_command(&["--risk-override", "write_file=medium"], &server));
    client.initialize(true).await;
    client.send_json(call(json!(5), "write_file", json!({"path": target, "content": "x"}))).await;
    // The proxy asks the human through the client's form UI.
    let form = client.recv_message().await;
    assert_eq!(form["method"], "elicitation/create", "{form}");
    let form_id = form["id"].clone();
    assert!(form["params"]["message"].as_str().unwrap().contains("write_file"));
    // Meanwhile other traffic flows.
    client.send(r#"{"jsonrpc":"2.0","id":"ping","method":"ping"}"#).await;
    assert_eq!(client.recv_message().await["id"], "ping");
    // The client gives up on the call: the review ends, the form is withdrawn, no response.
    client
        .send_json(json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 5, "reason": "user hit stop"}}))
        .await;
    let withdrawn = client.recv().await;
    assert_eq!(withdrawn["method"], "notifications/cancelled", "{withdrawn}");
    assert_eq!(withdrawn["params"]["requestId"], form_id);
    client.send(r#"{"jsonrpc":"2.0","id":"after","method":"ping"}"#).await;
    assert_eq!(client.recv_message().await["id"], "after", "no response to the cancelled call");
    assert!(!target.exists());
    client.close_input();
    assert_eq!(client.exit_code().await, 0);
    let audit = ws.audit_entries();
    let entry = audit.iter().find(|e| e["action_name"] == "write_file").expect("cancellation audited");
    assert_ne!(entry["verdict"], "approved");
    assert!(entry.to_string().contains("user hit stop"), "{entry}");
}

async fn python_malformed_and_oversized() {
    let Some(server) = python_server() else { return skip(NO_PYTHON) };
    let ws = Workspace::new(Some("deny"));
    let mut client = RawClient::spawn(ws.proxy_command(&["--max-line-bytes", "4096"], &server));
    client.initialize(false).await;
    client.send("{not json").await;
    assert_eq!(client.recv_message().await["error"]["code"], -32700);
    let huge = call(json!(9), "write_file", json!({"path": "/tmp/x", "content": "y".repeat(10_000)}));
    client.send_json(huge).await;
    let error = client.recv_message().await;
    assert_eq!(error["error"]["code"], -32600);
    assert!(error["error"]["message"].as_str().unwrap().contains("4096-byte line limit"));
    client.send(r#"{"jsonrpc":"2.0","id":"still","method":"ping"}"#).await;
    assert_eq!(client.recv_message().await["id"], "still");
    client.close_input();
    assert_eq!(client.exit_code().await, 0);
}

async fn python_crash() {
    let Some(server) = python_server() else { return skip(NO_PYTHON) };
    let ws = Workspace::new(Some("deny"));
    let mut client = RawClient::spawn(ws.proxy_command(&["--risk-override", "crash=low"], &server));
    client.initialize(false).await;
    client.send_json(call(json!(1), "crash", json!({"code": 7}))).await;
    assert_eq!(client.exit_code().await, 7, "the proxy exits with the crashed server's code");
}

async fn python_sigterm() {
    let Some(server) = python_server() else { return skip(NO_PYTHON) };
    let ws = Workspace::new(Some("deny"));
    let mut client = RawClient::spawn(ws.proxy_command(&[], &server));
    client.initialize(false).await;
    let pid = nix::unistd::Pid::from_raw(client.child.id().unwrap() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
    // Python dies of the forwarded SIGTERM; the proxy reports it the shell way (128 + 15).
    assert_eq!(client.exit_code().await, 143);
}

async fn rmcp_approved_and_denied() {
    let ws = Workspace::new(Some("deny"));
    let source = ws.path("source.txt");
    std::fs::write(&source, "rmcp says hi").unwrap();
    let transport = TokioChildProcess::new(ws.proxy_command(&["--risk-override", "read_file=low"], &rmcp_server())).unwrap();
    let client = ().serve(transport).await.expect("initialize through the proxy");
    let tools = client.list_all_tools().await.unwrap();
    assert_eq!(tools.len(), 2);

    let read = client
        .call_tool(CallToolRequestParams::new("read_file").with_arguments(rmcp_args(&source, "")))
        .await
        .unwrap();
    assert_eq!(read.content[0].as_text().unwrap().text, "rmcp says hi");
    assert_ne!(read.is_error, Some(true));

    let target = ws.path("rmcp-write.txt");
    let write = client
        .call_tool(CallToolRequestParams::new("write_file").with_arguments(rmcp_args(&target, "nope")))
        .await
        .unwrap();
    assert_eq!(write.is_error, Some(true));
    assert!(write.content[0].as_text().unwrap().text.contains("Verdict: denied"));
    assert!(!target.exists());
    client.cancel().await.unwrap();
}

async fn rmcp_elicitation_confirm() {
    let ws = Workspace::new(None);
    let filler = FormFiller::new(|message, schema| {
        assert!(schema["properties"]["approve"]["type"] == "boolean", "{schema}");
        Some(json!({"approve": message.contains("approve-me.txt")}))
    });
    let forms = filler.forms.clone();
    let transport =
        TokioChildProcess::new(ws.proxy_command(&["--risk-override", "write_file=medium"], &rmcp_server())).unwrap();
    let client = filler.serve(transport).await.expect("initialize through the proxy");
    client.list_all_tools().await.unwrap();

    let approved = ws.path("approve-me.txt");
    let result = client
        .call_tool(CallToolRequestParams::new("write_file").with_arguments(rmcp_args(&approved, "ok")))
        .await
        .unwrap();
    assert_ne!(result.is_error, Some(true), "{result:?}");
    assert_eq!(std::fs::read_to_string(&approved).unwrap(), "ok");

    let refused = ws.path("refuse-me.txt");
    let result = client
        .call_tool(CallToolRequestParams::new("write_file").with_arguments(rmcp_args(&refused, "no")))
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(true));
    assert!(!refused.exists());
    assert_eq!(forms.lock().unwrap().len(), 2);
    client.cancel().await.unwrap();
    let audit = ws.audit_entries();
    assert_eq!(audit.iter().filter(|e| e["challenge_type"] == "confirm").count(), 2, "{audit:?}");
}

/// A declined form is the user's "no": the call is denied at once (no waiting out a 60 s minimum
/// review), the form is never sent again, and the agent is told it was declined.
async fn rmcp_elicitation_decline() {
    let ws = Workspace::new(None);
    let yaml = "policy:\n  minimum_review_seconds: {low: 60, medium: 60, high: 60, critical: 60}\n  timeout_seconds: 20\ntrust:\n  enabled: false\n";
    std::fs::write(ws.path("attesta.yaml"), yaml).unwrap();
    for risk in ["write_file=medium", "write_file=high"] {
        let filler = FormFiller::new(|_message, _schema| None);
        let forms = filler.forms.clone();
        let transport = TokioChildProcess::new(ws.proxy_command(&["--risk-override", risk], &rmcp_server())).unwrap();
        let client = filler.serve(transport).await.expect("initialize through the proxy");
        client.list_all_tools().await.unwrap();
        let target = ws.path("declined.txt");
        let result = client
            .call_tool(CallToolRequestParams::new("write_file").with_arguments(rmcp_args(&target, "no")))
            .await
            .unwrap();
        assert_eq!(result.is_error, Some(true), "{result:?}");
        assert!(!target.exists());
        // A "too early" no would have been refused and the form sent again.
        assert_eq!(forms.lock().unwrap().len(), 1, "{risk}: declined once, asked once");
        let text = format!("{result:?}");
        assert!(text.contains("declined by the user"), "{text}");
        client.cancel().await.unwrap();
    }
    let audit = ws.audit_entries();
    assert_eq!(audit.iter().filter(|e| e["verdict"] == "denied").count(), 2, "{audit:?}");
}

async fn rmcp_elicitation_quiz() {
    let ws = Workspace::new(None);
    let target = ws.path("quiz-target.txt");
    let target_name = target.file_name().unwrap().to_string_lossy().into_owned();
    let dir_name = ws.dir.path().to_string_lossy().into_owned();
    // The human knows what the agent is doing: pick the option naming the real file, folder or
    // operation, what a write does ("overwritten"), or type the value the question asks for.
    let filler = FormFiller::new(move |message, schema| {
        let property = &schema["properties"]["answer"];
        let answer = match property["enum"].as_array() {
            Some(options) => options
                .iter()
                .filter_map(Value::as_str)
                .find(|o| {
                    *o == "write_file"
                        || o.contains(&target_name)
                        || *o == dir_name
                        || dir_name.ends_with(*o)
                        || o.contains("overwritten")
                })
                .unwrap_or("none")
                .to_owned(),
            None if message.contains("Type the name of the file") => target_name.clone(),
            None if message.contains("Type the folder") => dir_name.clone(),
            None => target.to_string_lossy().into_owned(),
        };
        Some(json!({ "answer": answer }))
    });
    let forms = filler.forms.clone();
    let transport =
        TokioChildProcess::new(ws.proxy_command(&["--risk-override", "write_file=high"], &rmcp_server())).unwrap();
    let client = filler.serve(transport).await.expect("initialize through the proxy");
    client.list_all_tools().await.unwrap();
    let path = ws.path("quiz-target.txt");
    let result = client
        .call_tool(CallToolRequestParams::new("write_file").with_arguments(rmcp_args(&path, "quizzed")))
        .await
        .unwrap();
    let forms = forms.lock().unwrap().clone();
    assert!(!forms.is_empty());
    for (message, schema) in &forms {
        assert!(!message.contains("answer key"), "{message}");
        assert!(schema["properties"]["answer"].is_object(), "{schema}");
    }
    assert_ne!(result.is_error, Some(true), "quiz answered correctly: {result:?} forms {forms:?}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "quizzed");
    client.cancel().await.unwrap();
    let audit = ws.audit_entries();
    assert!(audit.iter().any(|e| e["challenge_type"] == "quiz" && e["verdict"] == "approved"), "{audit:?}");
}
