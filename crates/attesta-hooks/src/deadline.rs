//! The hook's own deadline: whatever blocks (a lock held by another process, a slow store, a
//! configuration that is a FIFO, a review nobody answers), the agent gets a decision before its
//! hook timeout kills the hook — and an agent that runs a call when its hook is killed never
//! sees that happen.
//!
//! `hook install` sets the agent's timeout to [`crate::install::HOOK_TIMEOUT_SECONDS`] and
//! records a deadline below it in the hook command (`--deadline`); past the deadline the call
//! is denied with a reason.

use std::sync::mpsc;
use std::time::Duration;

use crate::respond::{Decision, HookResponse};
use crate::run::{HookOptions, handle};
use crate::Agent;

/// The default deadline when the command line names none: ten seconds below the timeout
/// `hook install` gives the agent.
pub const DEFAULT_DEADLINE_SECONDS: u64 = crate::install::HOOK_TIMEOUT_SECONDS - 10;

/// Runs [`handle`] on a worker thread and waits at most `deadline` for it. Past the deadline
/// the answer is a denial; the worker is abandoned (the process exits after answering).
pub fn handle_within(agent: Agent, input: Vec<u8>, options: HookOptions, deadline: Duration) -> HookResponse {
    let (sender, receiver) = mpsc::channel();
    let spawned = std::thread::Builder::new().name("attesta-hook".into()).spawn(move || {
        let _ = sender.send(handle(agent, &input, &options));
    });
    if let Err(e) = spawned {
        return HookResponse::failure(agent, &format!("cannot start the hook's worker thread ({e}); the call is blocked"));
    }
    match receiver.recv_timeout(deadline) {
        Ok(response) => response,
        Err(_) => HookResponse::decision(
            agent,
            &Decision::Deny {
                reason: format!(
                    "Action denied: Attesta could not decide within its deadline of {} s (a lock held by another \
                     process, a slow store, a configuration file that blocks, or a review nobody answered); \
                     the call is blocked",
                    deadline.as_secs_f64()
                ),
            },
        ),
    }
}
