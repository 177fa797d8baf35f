//! `attesta mcp wrap` as a real process. `cat` stands in for the MCP server: it echoes every line
//! the proxy forwards, so what reaches the "server" is visible on stdout. Full MCP peers are in
//! the attesta-mcp end-to-end tests.

mod util;

use serde_json::Value;
use util::Project;

const CONFIG: &str = "reviewer: deny\ntrust:\n  enabled: false\n";

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("stdout must carry only JSON-RPC ({e}): {l}")))
        .collect()
}

#[test]
fn forwards_untouched_and_answers_denied_calls_itself() {
    let p = Project::new();
    p.write("attesta.yaml", CONFIG);
    let ping = r#"{"jsonrpc":"2.0","id":1,"method":"ping","params":{ "odd" : "spacing" }}"#;
    let read = r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"notes.txt"}}}"#;
    let wipe = r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"run_command","arguments":{"cmd":"rm -rf /"}}}"#;
    let run = p.run(&["mcp", "wrap", "--agent-id", "ci-agent", "--", "cat"], &format!("{ping}\n{read}\n{wipe}\nnot json\n"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.lines().any(|l| l == ping), "ping forwarded byte for byte:\n{}", run.stdout);
    assert!(run.stdout.lines().any(|l| l == read), "low-risk call forwarded:\n{}", run.stdout);
    let messages = lines(&run.stdout);
    assert!(!messages.iter().any(|m| m["method"] == "tools/call" && m["id"] == 3), "denied call never reached the server");
    let denial = messages.iter().find(|m| m["id"] == 3).expect("the proxy answered the denied call");
    assert_eq!(denial["result"]["isError"], true);
    assert!(denial["result"]["content"][0]["text"].as_str().unwrap().contains("Verdict: denied"));
    assert!(messages.iter().any(|m| m["error"]["code"] == -32700), "parse error for the malformed line");

    let audit = p.read(".attesta/audit.jsonl");
    let entry: Value = audit.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()).find(|e| e["action_name"] == "run_command").unwrap();
    assert_eq!(entry["metadata"]["source"], "mcp");
    assert_eq!(entry["metadata"]["server_command"], "cat");
    assert_eq!(entry["agent_id"], "ci-agent");
}

#[test]
fn risk_override_bypasses_the_scorer() {
    let p = Project::new();
    p.write("attesta.yaml", CONFIG);
    let call = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"a"}}}"#;
    let run = p.run(&["mcp", "wrap", "--risk-override", "read_file=critical", "--", "cat"], &format!("{call}\n"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reply = &lines(&run.stdout)[0];
    assert_eq!(reply["result"]["isError"], true, "{reply}");
    assert!(reply["result"]["content"][0]["text"].as_str().unwrap().contains("critical"));
}

#[test]
fn exit_code_of_the_server_passes_through() {
    let p = Project::new();
    p.write("attesta.yaml", CONFIG);
    let run = p.run(&["mcp", "wrap", "--", "sh", "-c", "exit 5"], "");
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn usage_errors_exit_2_with_a_message() {
    let p = Project::new();
    let run = p.run(&["mcp", "wrap"], "");
    assert_eq!(run.code, 2);
    let run = p.run(&["mcp", "wrap", "--risk-override", "write_file", "--", "cat"], "");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("TOOL=LEVEL"), "{}", run.stderr);
    let run = p.run(&["mcp", "wrap", "--", "/nonexistent/mcp-server"], "");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("cannot start the MCP server"), "{}", run.stderr);
}
