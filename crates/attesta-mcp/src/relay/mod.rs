//! The relay: two line-framed streams, one gate.
//!
//! ```text
//!  client ──stdin──▶ client reader ──▶ server writer ──▶ server stdin
//!                        │  tools/call ─▶ decision task (one per call / batch) ─┬─▶ server writer
//!                        │                                                      └─▶ client writer (denials)
//!  client ◀─stdout── client writer ◀── server reader ◀── server stdout
//!                        ▲
//!                        └── elicitation requests, parse errors
//! ```
//!
//! Every message is forwarded as the exact bytes that arrived, except:
//! - `tools/call` (request or notification, alone or inside a batch) waits for the gate in its
//!   own task, so pings, lists and other calls keep flowing while a human thinks;
//! - `notifications/cancelled` naming a call under review cancels that review and is not
//!   forwarded (the server never saw the call);
//! - responses to the proxy's own elicitation requests are consumed here;
//! - lines that are not JSON are answered with `-32700` (from the client) or dropped with a log
//!   line (from the server, whose client could not use them either);
//! - lines over the size limit are skipped with a clear error (a `-32600` response to the
//!   client when the line came from it).
//!
//! ## Batches
//!
//! A batch with no `tools/call` in it is forwarded unchanged. A batch with one is split: its
//! other members are forwarded at once, each as a message of its own, and each call is
//! forwarded on its own as soon as it is approved (calls are decided concurrently). The
//! server's responses to those members are held back and, together with the proxy's answers
//! for denied calls and invalid members, returned to the client as **one** array once every
//! request of the batch has its response, as JSON-RPC requires of a batch. Splitting rather
//! than forwarding a reduced batch means a slow review never delays the batch's other members,
//! and it works with servers that do not accept batches at all (MCP removed them in
//! 2025-06-18, and the official Python SDK rejects them). A batch of only notifications gets no
//! response, as JSON-RPC says.

use std::collections::{HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use attesta_core::Verdict;
use bytes::Bytes;
use futures::{FutureExt, StreamExt};
use serde_json::Value;
use serde_json::value::RawValue;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};
use tokio_util::codec::FramedRead;
use tokio_util::sync::CancellationToken;

use crate::elicitation::{ClientReply, Elicitor};
use crate::framing::{DEFAULT_MAX_LINE_BYTES, Frame, LineFramer};
use crate::gate::{GateDecision, ReviewCancellation, ToolCall, ToolCallGate};
use crate::message::{
    self, IdKey, Kind, Peek, ToolInfo, codes, error_response, is_batch, result_response, to_line,
};

mod client;
mod server;

use client::ClientSide;
use server::server_read_loop;

/// Messages queued towards one side before the producer waits (back-pressure, not a limit on
/// concurrent reviews).
const QUEUE_DEPTH: usize = 256;

/// Relay settings.
#[derive(Debug, Clone)]
pub struct RelayOptions {
    /// Longest accepted message line in bytes (default 16 MiB).
    pub max_line_bytes: usize,
    /// How long a cancelled review may take to record its cancellation before it is dropped.
    pub cancel_grace: Duration,
    /// When the client's input ends, how long decisions already under way may still finish
    /// (and their calls reach the server) before the rest are cancelled and the server's input
    /// is closed. Lets `printf '…' | attesta mcp wrap -- server` work; a human review still
    /// pending after this is cancelled.
    pub eof_grace: Duration,
    /// Session context fed with every `tools/call` result the server returns (the scorer reads
    /// it through [`attesta_core::session::SessionScorer`]). `None`: results are not observed.
    pub session: Option<Arc<Mutex<attesta_core::Session>>>,
}

impl Default for RelayOptions {
    fn default() -> Self {
        RelayOptions {
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            cancel_grace: Duration::from_secs(5),
            eof_grace: Duration::from_secs(2),
            session: None,
        }
    }
}

/// Counters for tests and the exit log line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelayStats {
    pub client_messages: u64,
    pub server_messages: u64,
    pub calls_gated: u64,
    pub calls_denied: u64,
    pub reviews_cancelled: u64,
    pub malformed_lines: u64,
    pub oversize_lines: u64,
}

#[derive(Default)]
pub(crate) struct State {
    tools: HashMap<String, ToolInfo>,
    tools_list_requests: HashSet<IdKey>,
    pending_reviews: HashMap<IdKey, ReviewCancellation>,
    /// Split batches still collecting responses, by number.
    batches: HashMap<u64, BatchCollector>,
    /// Which split batch a forwarded request's response belongs to.
    batch_routes: HashMap<IdKey, u64>,
    next_batch: u64,
    pub(crate) proxy_requests: HashMap<IdKey, oneshot::Sender<ClientReply>>,
    /// Decisions not yet acted on (counted until their call is forwarded or answered).
    in_flight: usize,
    stats: RelayStats,
}

/// The responses of one split batch, gathered until every request has one.
#[derive(Default)]
struct BatchCollector {
    /// Forwarded requests whose responses have not arrived yet.
    awaiting: usize,
    /// Calls still under review.
    undecided: usize,
    responses: Vec<Value>,
}

impl State {
    /// Takes the batch's responses once nothing more is expected for it.
    fn complete_batch(&mut self, batch: u64) -> Option<Vec<Value>> {
        let collector = self.batches.get(&batch)?;
        if collector.awaiting > 0 || collector.undecided > 0 {
            return None;
        }
        self.batches.remove(&batch).map(|c| c.responses).filter(|r| !r.is_empty())
    }

    /// Expects a server response for `id` as part of `batch`.
    fn route_to_batch(&mut self, batch: u64, id: IdKey) {
        if let Some(collector) = self.batches.get_mut(&batch) {
            collector.awaiting += 1;
            self.batch_routes.insert(id, batch);
        }
    }
}

/// State shared by the reader loops, the decision tasks and the [`Elicitor`].
pub(crate) struct Shared {
    state: Mutex<State>,
    pub(crate) to_client: mpsc::Sender<Bytes>,
    pub(crate) elicitation: AtomicBool,
    pub(crate) next_request_id: AtomicU64,
    options: RelayOptions,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain maps behind, still usable: keep going.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn cancel_all(&self, reason: &str) {
        let pending: Vec<_> = {
            let mut state = self.lock();
            state.proxy_requests.clear();
            state.pending_reviews.drain().map(|(_, c)| c).collect()
        };
        for cancellation in pending {
            cancellation.cancel(reason);
        }
    }

    async fn send_client(&self, value: &Value) {
        let _ = self.to_client.send(to_line(value)).await;
    }
}

/// A relay between one MCP client and one MCP server.
pub struct Relay {
    shared: Arc<Shared>,
    client_rx: mpsc::Receiver<Bytes>,
    client_closed: CancellationToken,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relay").field("options", &self.shared.options).finish()
    }
}

impl Relay {
    pub fn new(options: RelayOptions) -> Relay {
        let (to_client, client_rx) = mpsc::channel(QUEUE_DEPTH);
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            to_client,
            elicitation: AtomicBool::new(false),
            next_request_id: AtomicU64::new(1),
            options,
        });
        Relay { shared, client_rx, client_closed: CancellationToken::new() }
    }

    /// Fires when the client's input has ended (the server's input is being closed).
    pub fn client_closed(&self) -> CancellationToken {
        self.client_closed.clone()
    }

    /// The session context this relay feeds, if any.
    pub fn session(&self) -> Option<Arc<Mutex<attesta_core::Session>>> {
        self.shared.options.session.clone()
    }

    /// A handle for sending elicitation requests to this relay's client (for reviewers).
    pub fn elicitor(&self) -> Elicitor {
        Elicitor { shared: self.shared.clone() }
    }

    /// Runs until the server's output ends (it exited or closed stdout). When the client's
    /// input ends first, the server's input is closed and pending reviews are cancelled; the
    /// relay keeps forwarding the server's last messages until it finishes.
    pub async fn run<CI, CO, SI, SO>(
        self,
        gate: Arc<dyn ToolCallGate>,
        client_in: CI,
        client_out: CO,
        server_out: SI,
        server_in: SO,
    ) -> RelayStats
    where
        CI: AsyncRead + Unpin + Send + 'static,
        CO: AsyncWrite + Unpin + Send + 'static,
        SI: AsyncRead + Unpin + Send + 'static,
        SO: AsyncWrite + Unpin + Send + 'static,
    {
        let Relay { shared, client_rx, client_closed } = self;
        let (to_server, server_rx) = mpsc::channel(QUEUE_DEPTH);
        let shutdown = CancellationToken::new();

        let client_writer = tokio::spawn(write_loop(client_out, client_rx, shutdown.clone(), "client"));
        let server_writer = tokio::spawn(write_loop(server_in, server_rx, client_closed.clone(), "server"));
        let client_reader = tokio::spawn(
            ClientSide { shared: shared.clone(), gate, to_server }.read_loop(client_in, client_closed.clone()),
        );

        server_read_loop(&shared, server_out).await;

        // The server is gone: nothing pending can be delivered any more.
        shared.cancel_all("the MCP server exited");
        client_reader.abort();
        shutdown.cancel();
        let _ = client_writer.await;
        server_writer.abort();
        let stats = shared.lock().stats.clone();
        tracing::debug!(?stats, "relay finished");
        stats
    }
}

/// Writes queued lines; on `stop`, writes what is already queued and then closes the stream.
async fn write_loop<W: AsyncWrite + Unpin>(
    mut out: W,
    mut rx: mpsc::Receiver<Bytes>,
    stop: CancellationToken,
    side: &'static str,
) {
    loop {
        let line = tokio::select! {
            biased;
            line = rx.recv() => line,
            () = stop.cancelled() => rx.try_recv().ok(),
        };
        let Some(line) = line else { break };
        if let Err(e) = out.write_all(&line).await {
            tracing::warn!(side, error = %e, "cannot write to the {side}; dropping its queue");
            return;
        }
        // Flush only when nothing else is queued: one syscall per burst, no added latency.
        if rx.is_empty()
            && let Err(e) = out.flush().await
        {
            tracing::warn!(side, error = %e, "cannot flush output to the {side}");
            return;
        }
    }
    let _ = out.flush().await;
    let _ = out.shutdown().await;
}
