//! Added latency of the proxy: one message from the client side to the server side.
//!
//! - `passthrough/direct`: a line over an in-memory pipe (the baseline).
//! - `passthrough/relay`: the same line through the relay (`ping`, forwarded untouched).
//! - `tools_call/relay_approve_all`: a `tools/call` through the relay with a gate that approves
//!   at once (routing + task overhead only).
//! - `tools_call/pipeline_*`: a low-risk `tools/call` through the real Attesta pipeline
//!   (scoring, auto-approve), without audit and with an audit log (`durability: none`, so the
//!   figure is the proxy's, not the disk's).
//!
//! Added latency = relay figure − `passthrough/direct`.
//! Run: `cargo bench -p attesta-mcp --bench relay`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use attesta::Attesta;
use attesta_mcp::{AttestaGate, CallerIdentity, GateDecision, Relay, RelayOptions, ReviewCancellation, ToolCall, ToolCallGate};
use criterion::{Criterion, criterion_group, criterion_main};
use futures::future::BoxFuture;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, Lines, ReadHalf, WriteHalf};
use tokio::runtime::Runtime;

const PING: &[u8] = b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n";
const CALL: &[u8] = b"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"read_file\",\"arguments\":{\"path\":\"/srv/app/notes.txt\"}}}\n";

struct ApproveAll;

impl ToolCallGate for ApproveAll {
    fn decide(&self, _call: ToolCall, _c: ReviewCancellation) -> BoxFuture<'static, GateDecision> {
        Box::pin(async { GateDecision::approve("bench") })
    }
}

/// The client's writer and the server's line reader around some pipe.
struct Ends {
    client: WriteHalf<DuplexStream>,
    server: Lines<BufReader<ReadHalf<DuplexStream>>>,
    // Kept alive so the pipes stay open.
    _keep: Vec<Box<dyn Send>>,
}

fn direct() -> Ends {
    let (a, b) = tokio::io::duplex(1 << 16);
    let (_a_read, a_write) = tokio::io::split(a);
    let (b_read, _b_write) = tokio::io::split(b);
    Ends { client: a_write, server: BufReader::new(b_read).lines(), _keep: vec![Box::new(_a_read), Box::new(_b_write)] }
}

fn relayed(gate: Arc<dyn ToolCallGate>) -> Ends {
    let (client_app, proxy_client) = tokio::io::duplex(1 << 16);
    let (server_app, proxy_server) = tokio::io::duplex(1 << 16);
    let (pc_in, pc_out) = tokio::io::split(proxy_client);
    let (ps_in, ps_out) = tokio::io::split(proxy_server);
    tokio::spawn(Relay::new(RelayOptions::default()).run(gate, pc_in, pc_out, ps_in, ps_out));
    let (c_read, c_write) = tokio::io::split(client_app);
    let (s_read, s_write) = tokio::io::split(server_app);
    Ends { client: c_write, server: BufReader::new(s_read).lines(), _keep: vec![Box::new(c_read), Box::new(s_write)] }
}

fn one_way(rt: &Runtime, ends: &mut Ends, line: &'static [u8], iters: u64) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            ends.client.write_all(line).await.unwrap();
            ends.server.next_line().await.unwrap().unwrap();
        }
        start.elapsed()
    })
}

fn pipeline_gate(audit_dir: Option<&std::path::Path>) -> Arc<dyn ToolCallGate> {
    let mut builder = Attesta::builder().without_trust().environment("development");
    builder = match audit_dir {
        Some(dir) => {
            builder.config_mut().audit.durability = attesta_core::config::Durability::None;
            builder.audit_path(dir.join("audit.jsonl"))
        }
        None => builder.without_audit(),
    };
    let attesta = builder.build().unwrap();
    Arc::new(AttestaGate::new(attesta, &["bench-server".into()], Default::default(), CallerIdentity::default()))
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let audit_dir = tempfile::tempdir().unwrap();

    let mut group = c.benchmark_group("passthrough");
    let mut ends = rt.block_on(async { direct() });
    group.bench_function("direct", |b| b.iter_custom(|iters| one_way(&rt, &mut ends, PING, iters)));
    let mut ends = rt.block_on(async { relayed(Arc::new(ApproveAll)) });
    group.bench_function("relay", |b| b.iter_custom(|iters| one_way(&rt, &mut ends, PING, iters)));
    group.finish();

    let mut group = c.benchmark_group("tools_call");
    let mut ends = rt.block_on(async { relayed(Arc::new(ApproveAll)) });
    group.bench_function("relay_approve_all", |b| b.iter_custom(|iters| one_way(&rt, &mut ends, CALL, iters)));
    let mut ends = rt.block_on(async { relayed(pipeline_gate(None)) });
    group.bench_function("pipeline_auto_approve", |b| b.iter_custom(|iters| one_way(&rt, &mut ends, CALL, iters)));
    let mut ends = rt.block_on(async { relayed(pipeline_gate(Some(audit_dir.path()))) });
    group.bench_function("pipeline_auto_approve_audited", |b| b.iter_custom(|iters| one_way(&rt, &mut ends, CALL, iters)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
