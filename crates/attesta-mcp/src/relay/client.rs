//! Client → server: every line from the client is forwarded as it arrived, except `tools/call`
//! (alone or in a batch), which waits for the gate in a task of its own, cancellations of calls
//! under review, and answers to the proxy's own elicitation requests.

use super::*;

#[derive(Clone)]
pub(super) struct ClientSide {
    pub(super) shared: Arc<Shared>,
    pub(super) gate: Arc<dyn ToolCallGate>,
    pub(super) to_server: mpsc::Sender<Bytes>,
}

/// One member of a batch after classification.
enum Member<'a> {
    Forward(&'a RawValue),
    Gate { raw: &'a RawValue, call: ToolCall, cancellation: ReviewCancellation },
    /// Consumed by the proxy (a cancellation, a reply to an elicitation).
    Consumed,
    /// Answered by the proxy with this response (invalid member).
    Answer(Value),
}

impl ClientSide {
    pub(super) async fn read_loop<R: AsyncRead + Unpin>(self, input: R, closed: CancellationToken) {
        let mut frames = FramedRead::new(input, LineFramer::new(self.shared.options.max_line_bytes));
        while let Some(frame) = frames.next().await {
            match frame {
                Ok(Frame::Line(line)) => self.handle_line(line).await,
                Ok(Frame::Oversize { length }) => {
                    self.shared.lock().stats.oversize_lines += 1;
                    let limit = self.shared.options.max_line_bytes;
                    tracing::error!(length, limit, "client message of {length} bytes exceeds the {limit}-byte line limit; not forwarded (raise --max-line-bytes if this is legitimate)");
                    let message = format!("message of {length} bytes exceeds the proxy's {limit}-byte line limit");
                    self.shared.send_client(&error_response(None, codes::INVALID_REQUEST, &message)).await;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read from the client");
                    break;
                }
            }
        }
        tracing::debug!("client input ended; closing the server's input");
        let deadline = tokio::time::Instant::now() + self.shared.options.eof_grace;
        while self.shared.lock().in_flight > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        self.shared.cancel_all("the client disconnected");
        closed.cancel();
    }

    async fn forward(&self, line: Bytes) {
        let _ = self.to_server.send(line).await;
    }

    async fn handle_line(&self, line: Bytes) {
        let payload = Frame::payload(&line);
        if payload.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        self.shared.lock().stats.client_messages += 1;
        if is_batch(payload) {
            return self.handle_batch(&line).await;
        }
        let peek = match serde_json::from_slice::<Peek<'_>>(payload) {
            Ok(peek) => peek,
            Err(e) => return self.reject_malformed(&e).await,
        };
        match message::classify(peek) {
            Kind::Request { id, method, peek } => match method.as_str() {
                "tools/call" => self.gate_single(line.clone(), Some(id), peek.params),
                _ => {
                    self.observe_request(&id, &method, peek.params);
                    self.forward(line.clone()).await;
                }
            },
            Kind::Notification { method, peek } => match method.as_str() {
                "tools/call" => self.gate_single(line.clone(), None, peek.params),
                "notifications/cancelled" if self.cancel_review(peek.params) => {}
                _ => self.forward(line.clone()).await,
            },
            Kind::Response { id, peek } => {
                if !self.deliver_reply(&id, &peek) {
                    self.forward(line.clone()).await;
                }
            }
            Kind::Invalid(why) => {
                tracing::warn!("invalid message from the client: {why}");
                self.shared.lock().stats.malformed_lines += 1;
                self.shared.send_client(&error_response(None, codes::INVALID_REQUEST, why)).await;
            }
        }
    }

    async fn reject_malformed(&self, e: &serde_json::Error) {
        self.shared.lock().stats.malformed_lines += 1;
        let (code, message) = match e.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof | serde_json::error::Category::Io => {
                (codes::PARSE_ERROR, format!("parse error: {e}"))
            }
            serde_json::error::Category::Data => (codes::INVALID_REQUEST, format!("invalid request: {e}")),
        };
        tracing::warn!("malformed line from the client ({message}); not forwarded");
        self.shared.send_client(&error_response(None, code, &message)).await;
    }

    /// Side effects of requests we forward: learn which responses carry tool descriptions and
    /// whether the client can show elicitation forms.
    fn observe_request(&self, id: &IdKey, method: &str, params: Option<&RawValue>) {
        match method {
            "tools/list" => {
                self.shared.lock().tools_list_requests.insert(id.clone());
            }
            "initialize" => {
                let supported = message::declares_form_elicitation(params);
                self.shared.elicitation.store(supported, Ordering::Release);
                tracing::debug!(elicitation = supported, "client initialize");
            }
            _ => {}
        }
    }

    /// Cancels the review of a pending call; false when the id is not under review (then the
    /// notification is for the server and is forwarded).
    fn cancel_review(&self, params: Option<&RawValue>) -> bool {
        let Some((id, reason)) = message::cancelled_params(params) else { return false };
        let Some(cancellation) = self.shared.lock().pending_reviews.remove(&id) else { return false };
        let reason = reason.unwrap_or_else(|| "no reason given".to_owned());
        tracing::info!(request = %id, %reason, "client cancelled a call under review");
        cancellation.cancel(format!("cancelled by the client (notifications/cancelled: {reason})"));
        true
    }

    /// Routes a response to one of the proxy's own requests; false when it is not one.
    fn deliver_reply(&self, id: &IdKey, peek: &Peek<'_>) -> bool {
        let Some(tx) = self.shared.lock().proxy_requests.remove(id) else { return false };
        let parse = |raw: Option<&RawValue>| raw.and_then(|r| serde_json::from_str::<Value>(r.get()).ok());
        let reply = match parse(peek.result) {
            Some(result) => Ok(result),
            None => Err(parse(peek.error).unwrap_or(Value::Null)),
        };
        let _ = tx.send(reply);
        true
    }

    /// Builds the gate's view of a call, or the reason it cannot be gated.
    fn tool_call(&self, id: Option<&IdKey>, params: Option<&RawValue>, in_batch: bool) -> Result<ToolCall, &'static str> {
        let params = message::call_params(params)?;
        let info = self.shared.lock().tools.get(&params.name).cloned().unwrap_or_default();
        Ok(ToolCall {
            request_id: id.cloned(),
            tool: params.name,
            arguments: params.arguments,
            description: info.description,
            annotations: info.annotations,
            in_batch,
        })
    }

    /// Registers a call as under review. Returns `None` when its id is already under review
    /// (a client bug: ids must be unique among outstanding requests).
    fn register(&self, id: Option<&IdKey>) -> Option<ReviewCancellation> {
        let cancellation = ReviewCancellation::new();
        let mut state = self.shared.lock();
        state.stats.calls_gated += 1;
        if let Some(id) = id {
            if state.pending_reviews.contains_key(id) {
                return None;
            }
            state.pending_reviews.insert(id.clone(), cancellation.clone());
        }
        state.in_flight += 1;
        Some(cancellation)
    }

    fn gate_single(&self, line: Bytes, id: Option<IdKey>, params: Option<&RawValue>) {
        let call = match self.tool_call(id.as_ref(), params, false) {
            Ok(call) => call,
            Err(why) => {
                tracing::warn!(request = ?id.as_ref().map(IdKey::as_str), "refusing tools/call: {why}");
                if let Some(id) = id {
                    let shared = self.shared.clone();
                    tokio::spawn(async move {
                        shared.send_client(&error_response(Some(&id), codes::INVALID_PARAMS, why)).await;
                    });
                }
                return;
            }
        };
        let Some(cancellation) = self.register(id.as_ref()) else {
            let shared = self.shared.clone();
            tokio::spawn(async move {
                let why = "a request with this id is already pending";
                shared.send_client(&error_response(id.as_ref(), codes::INVALID_REQUEST, why)).await;
            });
            return;
        };
        let this = self.clone();
        tokio::spawn(async move {
            let tool = call.tool.clone();
            let decision = this.decide(call, cancellation, id.as_ref()).await;
            match decision {
                None => {}
                Some(d) if d.allows() => match line_for_server(&d, Frame::payload(&line)) {
                    Ok(rewritten) => this.forward(rewritten.unwrap_or(line)).await,
                    Err(denial) => {
                        if let Some(id) = &id {
                            this.shared.send_client(&result_response(id, denial.denial_result(&tool))).await;
                        }
                    }
                },
                Some(d) => {
                    if let Some(id) = &id {
                        this.shared.send_client(&result_response(id, d.denial_result(&tool))).await;
                    }
                }
            }
            this.shared.lock().in_flight -= 1;
        });
    }

    /// Runs the gate for one call. `None` when the review was cancelled (no response is sent:
    /// MCP says a cancelled request gets none).
    async fn decide(&self, call: ToolCall, cancellation: ReviewCancellation, id: Option<&IdKey>) -> Option<GateDecision> {
        let tool = call.tool.clone();
        // A gate that panics denies (fail closed) instead of leaving the call unanswered.
        let mut decision = AssertUnwindSafe(self.gate.decide(call, cancellation.clone())).catch_unwind();
        let outcome = tokio::select! {
            biased;
            d = &mut decision => Some(d.unwrap_or_else(|_| GateDecision::deny("the approval gate crashed; denied (fail closed)"))),
            () = cancellation.token().cancelled() => None,
        };
        if let Some(id) = id {
            self.shared.lock().pending_reviews.remove(id);
        }
        let outcome = match outcome {
            Some(d) if !cancellation.is_cancelled() => d,
            finished => {
                // Give the gate a moment to record the cancellation, then let it go.
                if finished.is_none()
                    && tokio::time::timeout(self.shared.options.cancel_grace, decision).await.is_err()
                {
                    tracing::warn!(%tool, "gate did not finish within the cancellation grace period; dropped");
                }
                self.shared.lock().stats.reviews_cancelled += 1;
                tracing::info!(%tool, reason = cancellation.reason().unwrap_or(""), "review cancelled; call not forwarded");
                return None;
            }
        };
        if outcome.allows() {
            tracing::info!(%tool, verdict = %outcome.verdict, "tools/call approved");
        } else {
            self.shared.lock().stats.calls_denied += 1;
            tracing::info!(%tool, verdict = %outcome.verdict, reason = %outcome.reason, audit = %outcome.audit_entry_id, "tools/call blocked");
        }
        Some(outcome)
    }

    async fn handle_batch(&self, line: &Bytes) {
        let payload = Frame::payload(line);
        let raw: Vec<&RawValue> = match serde_json::from_slice(payload) {
            Ok(raw) => raw,
            Err(e) => return self.reject_malformed(&e).await,
        };
        if raw.is_empty() {
            let why = "an empty batch is not a valid request";
            return self.shared.send_client(&error_response(None, codes::INVALID_REQUEST, why)).await;
        }
        let members: Vec<Member<'_>> = raw.iter().map(|member| self.classify_member(member)).collect();
        if members.iter().all(|m| matches!(m, Member::Forward(_))) {
            return self.forward(line.clone()).await;
        }

        // Own the members so the decision tasks can outlive this line's buffer.
        let owned: Vec<OwnedMember> = members.into_iter().map(OwnedMember::from).collect();
        self.split_batch(owned).await;
    }

    fn classify_member<'a>(&self, raw: &'a RawValue) -> Member<'a> {
        let peek = match serde_json::from_str::<Peek<'_>>(raw.get()) {
            Ok(peek) => peek,
            Err(e) => {
                self.shared.lock().stats.malformed_lines += 1;
                return Member::Answer(error_response(None, codes::INVALID_REQUEST, &format!("invalid batch member: {e}")));
            }
        };
        match message::classify(peek) {
            Kind::Request { id, method, peek } if method == "tools/call" => self.gate_member(raw, Some(id), peek.params),
            Kind::Notification { method, peek } if method == "tools/call" => self.gate_member(raw, None, peek.params),
            Kind::Request { id, method, peek } => {
                self.observe_request(&id, &method, peek.params);
                Member::Forward(raw)
            }
            Kind::Notification { method, peek } if method == "notifications/cancelled" => {
                if self.cancel_review(peek.params) { Member::Consumed } else { Member::Forward(raw) }
            }
            Kind::Notification { .. } => Member::Forward(raw),
            Kind::Response { id, peek } => {
                if self.deliver_reply(&id, &peek) { Member::Consumed } else { Member::Forward(raw) }
            }
            Kind::Invalid(why) => {
                self.shared.lock().stats.malformed_lines += 1;
                Member::Answer(error_response(None, codes::INVALID_REQUEST, why))
            }
        }
    }

    fn gate_member<'a>(&self, raw: &'a RawValue, id: Option<IdKey>, params: Option<&RawValue>) -> Member<'a> {
        let call = match self.tool_call(id.as_ref(), params, true) {
            Ok(call) => call,
            Err(why) => {
                return match id {
                    Some(id) => Member::Answer(error_response(Some(&id), codes::INVALID_PARAMS, why)),
                    None => Member::Consumed,
                };
            }
        };
        match self.register(id.as_ref()) {
            Some(cancellation) => Member::Gate { raw, call, cancellation },
            None => Member::Answer(error_response(id.as_ref(), codes::INVALID_REQUEST, "a request with this id is already pending")),
        }
    }

    /// Forwards a batch member by member; see the module docs.
    async fn split_batch(&self, members: Vec<OwnedMember>) {
        let batch = {
            let mut state = self.shared.lock();
            let batch = state.next_batch;
            state.next_batch += 1;
            let undecided = members.iter().filter(|m| matches!(m, OwnedMember::Gate { .. })).count();
            state.batches.insert(batch, BatchCollector { undecided, ..BatchCollector::default() });
            batch
        };
        for member in members {
            match member {
                OwnedMember::Forward { raw, id } => {
                    if let Some(id) = id {
                        // Route before forwarding: the response may come back at once.
                        self.shared.lock().route_to_batch(batch, id);
                    }
                    self.forward(raw_line(&raw)).await;
                }
                OwnedMember::Gate { raw, call, cancellation } => {
                    let this = self.clone();
                    tokio::spawn(async move { this.decide_member(batch, raw, call, cancellation).await });
                }
                OwnedMember::Consumed => {}
                OwnedMember::Answer(response) => {
                    if let Some(c) = self.shared.lock().batches.get_mut(&batch) {
                        c.responses.push(response);
                    }
                }
            }
        }
        self.finish_if_complete(batch).await;
    }

    async fn decide_member(&self, batch: u64, raw: Box<RawValue>, call: ToolCall, cancellation: ReviewCancellation) {
        let tool = call.tool.clone();
        let id = call.request_id.clone();
        let decision = self.decide(call, cancellation, id.as_ref()).await;
        let mut forward = None;
        {
            let mut state = self.shared.lock();
            // An allowed call whose modification cannot be applied is answered as a denial.
            let decision = decision.map(|d| if d.allows() { line_for_server(&d, raw.get().as_bytes()) } else { Err(Box::new(d)) });
            match (decision, &id) {
                (Some(Ok(line)), _) => {
                    if let Some(id) = &id {
                        state.route_to_batch(batch, id.clone());
                    }
                    forward = Some(line.unwrap_or_else(|| raw_line(&raw)));
                }
                (Some(Err(d)), Some(id)) => {
                    if let Some(c) = state.batches.get_mut(&batch) {
                        c.responses.push(result_response(id, d.denial_result(&tool)));
                    }
                }
                // Denied notifications and cancelled calls get no response.
                _ => {}
            }
            if let Some(c) = state.batches.get_mut(&batch) {
                c.undecided = c.undecided.saturating_sub(1);
            }
        }
        if let Some(line) = forward {
            self.forward(line).await;
        }
        self.finish_if_complete(batch).await;
        self.shared.lock().in_flight -= 1;
    }

    async fn finish_if_complete(&self, batch: u64) {
        let responses = self.shared.lock().complete_batch(batch);
        if let Some(responses) = responses {
            self.shared.send_client(&Value::Array(responses)).await;
        }
    }
}

fn raw_line(raw: &RawValue) -> Bytes {
    let mut line = Vec::with_capacity(raw.get().len() + 1);
    line.extend_from_slice(raw.get().as_bytes());
    line.push(b'\n');
    line.into()
}

/// A batch member detached from the line buffer.
enum OwnedMember {
    Forward { raw: Box<RawValue>, id: Option<IdKey> },
    Gate { raw: Box<RawValue>, call: ToolCall, cancellation: ReviewCancellation },
    Consumed,
    Answer(Value),
}

impl From<Member<'_>> for OwnedMember {
    fn from(member: Member<'_>) -> Self {
        match member {
            Member::Forward(raw) => {
                let id = serde_json::from_str::<Peek<'_>>(raw.get())
                    .ok()
                    .filter(|p| p.method.is_some())
                    .and_then(|p| p.id.and_then(IdKey::from_raw));
                OwnedMember::Forward { raw: raw.to_owned(), id }
            }
            Member::Gate { raw, call, cancellation } => OwnedMember::Gate { raw: raw.to_owned(), call, cancellation },
            Member::Consumed => OwnedMember::Consumed,
            Member::Answer(v) => OwnedMember::Answer(v),
        }
    }
}

/// What an allowed call sends to the server: `Ok(None)` for the client's line unchanged,
/// `Ok(Some(line))` for the line carrying the reviewer's arguments, or `Err(denial)`.
///
/// A modification is the reviewer's condition for letting the call run. When it is missing
/// (a `Modified` verdict without arguments) or cannot be written into the request, forwarding
/// the original would run exactly what the reviewer rejected, so the call is denied instead.
fn line_for_server(decision: &GateDecision, payload: &[u8]) -> Result<Option<Bytes>, Box<GateDecision>> {
    let unapplied = |why: &str| Box::new(GateDecision {
        verdict: Verdict::Denied,
        reason: format!(
            "the reviewer modified the call, but {why}; denied rather than running the original arguments ({})",
            decision.reason
        ),
        modified_arguments: None,
        ..decision.clone()
    });
    match (&decision.modified_arguments, decision.verdict) {
        (Some(arguments), _) => match rewrite_arguments(payload, arguments) {
            Some(line) => Ok(Some(line)),
            None => Err(unapplied("the modified arguments could not be written into the request")),
        },
        (None, Verdict::Modified) => Err(unapplied("no usable modified arguments came with the verdict")),
        (None, _) => Ok(None),
    }
}

/// Replaces `params.arguments` of a `tools/call` (a reviewer's modification). MCP arguments are
/// an object, so anything else is refused rather than sent to a server that would reject it.
fn rewrite_arguments(payload: &[u8], arguments: &Value) -> Option<Bytes> {
    if !arguments.is_object() {
        return None;
    }
    let mut message: Value = serde_json::from_slice(payload).ok()?;
    *message.get_mut("params")?.as_object_mut()?.entry("arguments").or_insert(Value::Null) = arguments.clone();
    Some(to_line(&message))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn modified(arguments: Option<Value>) -> GateDecision {
        GateDecision { verdict: Verdict::Modified, modified_arguments: arguments, ..GateDecision::approve("narrowed") }
    }

    #[test]
    fn modifications_are_applied_or_the_call_is_denied() {
        let call = br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"rm","arguments":{"path":"/"}}}"#;
        let line = line_for_server(&modified(Some(json!({"path": "/tmp/x"}))), call).expect("applied").expect("rewritten");
        let sent: Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(sent["params"]["arguments"], json!({"path": "/tmp/x"}));

        assert_eq!(line_for_server(&GateDecision::approve("ok"), call), Ok(None), "an approval forwards the original");

        // Every way the modification can fail to reach the server denies; none forwards `call`.
        let no_params = br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"rm"}"#;
        for (decision, payload) in [
            (modified(None), &call[..]),
            (modified(Some(json!(["/tmp/x"]))), &call[..]),
            (modified(Some(json!({"path": "/tmp/x"}))), &no_params[..]),
            (modified(Some(json!({"path": "/tmp/x"}))), &b"not json"[..]),
        ] {
            let denial = line_for_server(&decision, payload).expect_err("denied");
            assert_eq!(denial.verdict, Verdict::Denied);
            assert!(!denial.allows());
            assert!(denial.reason.contains("reviewer modified the call") && denial.reason.contains("narrowed"), "{}", denial.reason);
        }
    }
}
