//! Server → client: the server's lines go to the client as they arrived, except responses the
//! proxy holds back to assemble a split batch's single answer.

use super::*;

pub(super) async fn server_read_loop<R: AsyncRead + Unpin>(shared: &Arc<Shared>, output: R) {
    let mut frames = FramedRead::new(output, LineFramer::new(shared.options.max_line_bytes));
    while let Some(frame) = frames.next().await {
        match frame {
            Ok(Frame::Line(line)) => {
                if let Some(line) = server_line(shared, line) {
                    for line in line {
                        if shared.to_client.send(line).await.is_err() {
                            return;
                        }
                    }
                }
            }
            Ok(Frame::Oversize { length }) => {
                shared.lock().stats.oversize_lines += 1;
                let limit = shared.options.max_line_bytes;
                tracing::error!(length, limit, "server message of {length} bytes exceeds the {limit}-byte line limit; dropped (raise --max-line-bytes if this is legitimate)");
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot read from the server");
                return;
            }
        }
    }
}

/// Decides what to send the client for one server line (usually the line itself).
fn server_line(shared: &Shared, line: Bytes) -> Option<Vec<Bytes>> {
    let payload = Frame::payload(&line);
    if payload.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    if is_batch(payload) {
        // Batches from the server (answers to batches we forwarded unchanged) pass as they are.
        shared.lock().stats.server_messages += 1;
        return Some(vec![line]);
    }
    let peek = match serde_json::from_slice::<Peek<'_>>(payload) {
        Ok(peek) => peek,
        Err(e) => {
            let mut state = shared.lock();
            state.stats.server_messages += 1;
            state.stats.malformed_lines += 1;
            drop(state);
            tracing::warn!(error = %e, "malformed line from the server dropped");
            return None;
        }
    };
    // Only responses need a look (tool descriptions, split batches); the rest passes untouched.
    let (Some(id), None) = (peek.id, peek.method) else {
        shared.lock().stats.server_messages += 1;
        return Some(vec![line]);
    };
    let Some(id) = IdKey::from_raw(id) else {
        shared.lock().stats.server_messages += 1;
        return Some(vec![line]);
    };
    let mut state = shared.lock();
    state.stats.server_messages += 1;
    if state.tools_list_requests.remove(&id) {
        for (name, info) in message::listed_tools(peek.result) {
            state.tools.insert(name, info);
        }
    } else if let (Some(session), Some(result)) = (&shared.options.session, peek.result) {
        // A tool result (or any other response): the session looks for instructions aimed at
        // the agent and for secrets in it.
        if let Ok(value) = serde_json::from_str::<Value>(result.get()) {
            session.lock().unwrap_or_else(std::sync::PoisonError::into_inner).observe_result_json(&value);
        }
    }
    if let Some(batch) = state.batch_routes.remove(&id) {
        // A member of a split batch: hold it until the batch is complete.
        let Ok(response) = serde_json::from_slice::<Value>(payload) else { return None };
        if let Some(c) = state.batches.get_mut(&batch) {
            c.awaiting = c.awaiting.saturating_sub(1);
            c.responses.push(response);
        }
        return state.complete_batch(batch).map(|responses| vec![to_line(&Value::Array(responses))]);
    }
    Some(vec![line])
}
