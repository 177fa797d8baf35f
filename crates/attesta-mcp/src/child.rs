//! The wrapped server process: spawn, relay, forward signals, shut down, report the exit code.

use std::ffi::OsString;
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::process::{Child, Command};
use tokio::signal::unix::{SignalKind, signal};

use crate::error::McpError;
use crate::gate::ToolCallGate;
use crate::relay::{Relay, RelayStats};

/// How the child is managed.
#[derive(Debug, Clone)]
pub struct ChildOptions {
    /// After the client closes its input (and so the server's), how long the server may take
    /// to exit on its own before it is killed.
    pub shutdown_grace: Duration,
    /// After the server exited, how long to keep relaying output still buffered in its pipe
    /// (a grandchild holding the pipe open must not keep the proxy alive).
    pub drain_timeout: Duration,
}

impl Default for ChildOptions {
    fn default() -> Self {
        ChildOptions { shutdown_grace: Duration::from_secs(5), drain_timeout: Duration::from_secs(2) }
    }
}

/// The shell convention for an exit status: the code, or 128 + the signal that ended it.
pub fn exit_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status.code().or_else(|| status.signal().map(|s| 128 + s)).unwrap_or(1)
}

/// Spawns `command` with piped stdin/stdout (stderr passes through), relays the client streams
/// to it through `relay`, and returns the server's exit code once it has exited.
///
/// Callers should exit the process soon after this returns: a blocking read of the real stdin
/// may still be in flight and would otherwise hold the runtime open.
pub async fn serve_child<CI, CO>(
    command: &[OsString],
    relay: Relay,
    gate: Arc<dyn ToolCallGate>,
    client_in: CI,
    client_out: CO,
    options: &ChildOptions,
) -> Result<(i32, RelayStats), McpError>
where
    CI: AsyncRead + Unpin + Send + 'static,
    CO: AsyncWrite + Unpin + Send + 'static,
{
    let (program, args) = command.split_first().ok_or(McpError::EmptyCommand)?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(|source| McpError::Spawn { program: program.clone(), source })?;
    let (Some(child_in), Some(child_out)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(McpError::Spawn { program: program.clone(), source: std::io::Error::other("no pipes to the child") });
    };
    tracing::info!(command = ?command, pid = child.id(), "MCP server started");

    let signals = forward_signals(child.id())?;
    let client_closed = relay.client_closed();
    let mut relay_task = tokio::spawn(relay.run(gate, client_in, client_out, child_out, child_in));

    let status = wait_child(&mut child, client_closed, options.shutdown_grace).await;
    signals.abort();
    let status = status.map_err(McpError::Wait)?;

    let stats = match tokio::time::timeout(options.drain_timeout, &mut relay_task).await {
        Ok(Ok(stats)) => stats,
        Ok(Err(_)) => RelayStats::default(),
        Err(_) => {
            tracing::warn!("the server's output stayed open after it exited; stopping the relay");
            relay_task.abort();
            RelayStats::default()
        }
    };
    let code = exit_code(status);
    tracing::info!(code, ?stats, "MCP server exited");
    Ok((code, stats))
}

/// Waits for the child; once the client has gone, allows `grace` before killing it.
async fn wait_child(
    child: &mut Child,
    client_closed: tokio_util::sync::CancellationToken,
    grace: Duration,
) -> std::io::Result<ExitStatus> {
    let deadline = async {
        client_closed.cancelled().await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        status = child.wait() => return status,
        () = deadline => {}
    }
    tracing::warn!(?grace, "the MCP server did not exit after its input closed; killing it");
    child.kill().await?;
    child.wait().await
}

/// Passes SIGINT and SIGTERM on to the child (the proxy itself then exits with the child).
fn forward_signals(pid: Option<u32>) -> Result<tokio::task::JoinHandle<()>, McpError> {
    let mut interrupt =
        signal(SignalKind::interrupt()).map_err(|source| McpError::Signal { signal: "SIGINT", source })?;
    let mut terminate =
        signal(SignalKind::terminate()).map_err(|source| McpError::Signal { signal: "SIGTERM", source })?;
    Ok(tokio::spawn(async move {
        let Some(pid) = pid.and_then(|p| i32::try_from(p).ok()) else { return };
        let pid = nix::unistd::Pid::from_raw(pid);
        loop {
            let sig = tokio::select! {
                Some(()) = interrupt.recv() => nix::sys::signal::Signal::SIGINT,
                Some(()) = terminate.recv() => nix::sys::signal::Signal::SIGTERM,
                else => return,
            };
            tracing::info!(signal = %sig, "forwarding signal to the MCP server");
            if let Err(e) = nix::sys::signal::kill(pid, sig) {
                tracing::warn!(error = %e, "cannot forward {sig} to the MCP server");
            }
        }
    }))
}
