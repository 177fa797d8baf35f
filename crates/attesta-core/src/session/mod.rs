//! Session context (SPEC: "Session context"): what one agent session has seen so far, used to
//! judge each call in context rather than alone.
//!
//! A [`Session`] remembers the user's request (when an entry point knows it), earlier calls and
//! tool results, in bounded memory. It is sans-IO: entry points feed it events and persist it
//! themselves (it is `Serialize`/`Deserialize`). [`Session::assess`] takes the assessment any
//! scorer produced for a call and adjusts it:
//!
//! * **Injected instructions** — a tool result that addresses the agent ("ignore all previous
//!   instructions", `<IMPORTANT>`, hidden text) taints the session; later calls that send data
//!   out, move money, change access or destroy are raised one level, with evidence naming the
//!   call whose result carried it.
//! * **Targets nobody asked for** — with a known request, a recipient, host, account, path or
//!   amount of such a call that appears neither in the request nor in earlier untainted results
//!   raises it one level.
//! * **Escalation** — reading secrets or sensitive data, then sending out, raises the send.
//! * **Requested work** — a reversible MEDIUM change whose targets the user named (or an edit of
//!   a project file while the user is directing the work) is lowered to LOW; never an override,
//!   never a call a rule acted on, never HIGH or CRITICAL, never in a tainted session.

mod allow;
mod injection;
mod targets;

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::assessment::{RiskAssessment, RiskFactor};
use crate::context::ActionContext;
use crate::scoring::profile_call;
use crate::types::RiskLevel;

pub use allow::{AllowEntry, AllowError, AllowList, MAX_ALLOWED, simple_command_words};
pub use injection::{carries_secrets, injection_evidence};
pub use targets::{Target, digits_of, targets_of};

/// Bytes of user requests kept (the most recent).
const MAX_REQUEST_BYTES: usize = 16 * 1024;
/// Bytes of trusted tool-result text kept (the most recent).
const MAX_TRUSTED_BYTES: usize = 64 * 1024;
/// Calls remembered.
const MAX_CALLS: usize = 32;

/// Where a taint came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Taint {
    /// The call whose result carried the instructions (`call #3 web_fetch`).
    pub source: String,
    /// What was found.
    pub evidence: String,
}

/// One call the session saw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRecord {
    pub number: u64,
    pub function_name: String,
    pub level: RiskLevel,
}

/// Per-session context. Memory is bounded whatever is fed in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The user's requests, lowercased, most recent last.
    #[serde(default)]
    request: String,
    /// Text of tool results that carried no injected instructions, lowercased.
    #[serde(default)]
    trusted: String,
    /// Digit runs of the requests and of the trusted results (separators removed), kept so a
    /// call's accounts and amounts are compared without re-reading the texts.
    #[serde(default)]
    request_digits: String,
    #[serde(default)]
    trusted_digits: String,
    #[serde(default)]
    taint: Option<Taint>,
    /// The call (or result) that read secrets or sensitive data.
    #[serde(default)]
    sensitive_read: Option<String>,
    #[serde(default)]
    calls: VecDeque<CallRecord>,
    #[serde(default)]
    call_count: u64,
    /// Commands a human allowed for the rest of the session (see [`AllowList`]).
    #[serde(default)]
    pub allowed: AllowList,
}

/// Appends `text` (lowercased) to `buf`, keeping at most the last `cap` bytes. When `buf` would
/// pass `cap`, its oldest text is dropped down to three quarters of `cap`: a long session moves
/// each kept byte a few times in all, not once per result.
fn append_bounded(buf: &mut String, text: &str, cap: usize) {
    let mut take = text.len().min(cap);
    while !text.is_char_boundary(text.len() - take) {
        take -= 1;
    }
    let tail = &text[text.len() - take..];
    let lowered = tail.to_lowercase();
    let incoming = lowered.len() + usize::from(!buf.is_empty());
    if buf.len() + incoming > cap {
        // Keep room for the new text, and a quarter of `cap` to spare.
        let keep = (cap - cap / 4).saturating_sub(incoming);
        let mut cut = buf.len().saturating_sub(keep);
        while !buf.is_char_boundary(cut) {
            cut += 1;
        }
        buf.drain(..cut);
    }
    if !buf.is_empty() {
        buf.push('\n');
    }
    buf.push_str(&lowered);
    if buf.len() > cap {
        // Only when lowercasing grew the text past `cap` on its own.
        let mut cut = buf.len() - cap;
        while !buf.is_char_boundary(cut) {
            cut += 1;
        }
        buf.drain(..cut);
    }
}

/// One level up, keeping the position inside the band.
fn raise_one_level(score: f64) -> f64 {
    if score < 0.3 {
        0.3 + score
    } else if score < 0.6 {
        0.6 + (score - 0.3) * (0.2 / 0.3)
    } else if score < 0.8 {
        0.8 + (score - 0.6)
    } else {
        score
    }
}

impl Session {
    pub fn new() -> Self {
        Self::default()
    }

    /// The user's request (a prompt). Several requests accumulate.
    pub fn user_request(&mut self, text: &str) {
        append_bounded(&mut self.request, text, MAX_REQUEST_BYTES);
        append_bounded(
            &mut self.request_digits,
            &digits_of(text),
            MAX_REQUEST_BYTES,
        );
    }

    /// Whether a user request is known.
    pub fn has_request(&self) -> bool {
        !self.request.trim().is_empty()
    }

    /// The result of the most recent call, as text.
    pub fn observe_result(&mut self, text: &str) {
        self.observe_result_of(None, text);
    }

    /// A tool result whose tool the entry point knows (`tool`): the evidence names the most
    /// recent call of that tool, or the tool itself when the session did not see the call.
    pub fn observe_result_of(&mut self, tool: Option<&str>, text: &str) {
        let source = match tool {
            Some(tool) => {
                let name: String = crate::scoring::names::normalize(tool)
                    .text
                    .chars()
                    .take(80)
                    .collect();
                match self.calls.iter().rev().find(|c| c.function_name == name) {
                    Some(c) => format!("call #{} {}", c.number, c.function_name),
                    None => format!("a result of {name}"),
                }
            }
            None => match self.calls.back() {
                Some(c) => format!("call #{} {}", c.number, c.function_name),
                None => "a tool result".to_owned(),
            },
        };
        if let Some(evidence) = injection_evidence_whole(text) {
            if self.taint.is_none() {
                self.taint = Some(Taint { source, evidence });
            }
            return;
        }
        if carries_secrets(text) && self.sensitive_read.is_none() {
            self.sensitive_read = Some(format!("the result of {source} holds secrets"));
        }
        append_bounded(&mut self.trusted, text, MAX_TRUSTED_BYTES);
        append_bounded(
            &mut self.trusted_digits,
            &digits_of(text),
            MAX_TRUSTED_BYTES / 2,
        );
    }

    /// The result of the most recent call, as JSON (strings are read, bounded).
    pub fn observe_result_json(&mut self, value: &Value) {
        self.observe_result_json_of(None, value);
    }

    /// [`observe_result_json`](Self::observe_result_json) for a known tool (see
    /// [`observe_result_of`](Self::observe_result_of)).
    pub fn observe_result_json_of(&mut self, tool: Option<&str>, value: &Value) {
        let mut text = String::new();
        collect_text(value, &mut text, 0);
        self.observe_result_of(tool, &text);
    }

    /// The taint, if a tool result carried instructions aimed at the agent.
    pub fn taint(&self) -> Option<&Taint> {
        self.taint.as_ref()
    }

    /// Calls seen so far (the most recent [`MAX_CALLS`]).
    pub fn calls(&self) -> impl Iterator<Item = &CallRecord> {
        self.calls.iter()
    }

    /// Adjusts `base` (any scorer's assessment of `ctx`) with what the session knows, and records
    /// the call. See the module docs for the rules.
    pub fn assess(&mut self, ctx: &ActionContext, base: RiskAssessment) -> RiskAssessment {
        let profile = profile_call(ctx);
        let adjusted = self.adjust_with(ctx, &profile, base);
        self.record_with(ctx, &profile, adjusted.level);
        adjusted
    }

    /// [`assess`](Self::assess) without recording the call: for entry points that record it
    /// later ([`record_call`](Self::record_call)), e.g. after a review that may take minutes.
    pub fn adjust(&self, ctx: &ActionContext, base: RiskAssessment) -> RiskAssessment {
        self.adjust_with(ctx, &profile_call(ctx), base)
    }

    fn adjust_with(
        &self,
        ctx: &ActionContext,
        profile: &crate::scoring::CallProfile,
        mut base: RiskAssessment,
    ) -> RiskAssessment {
        let risky =
            profile.sends_out || profile.moves_money || profile.changes_access || profile.destroys;
        if !base.overridden {
            let mut raised = 0;
            if risky && let Some(taint) = &self.taint {
                raised += 1;
                base.factors.push(RiskFactor::new(
                    "session_injection",
                    1.0,
                    0.0,
                    format!(
                        "the result of {} carried instructions aimed at the agent ({}); this call sends, pays, changes access or destroys",
                        taint.source, taint.evidence
                    ),
                ));
            }
            let targets = if self.has_request() && (risky || profile.reversible_write) {
                targets_of(&ctx.args, &ctx.kwargs)
            } else {
                Vec::new()
            };
            let (req_digits, trusted_digits) = (&self.request_digits, &self.trusted_digits);
            // Raising: a recipient, host, account, amount or path found neither in the request
            // nor in earlier trusted results. Lowering: only what the user named counts.
            let unrequested: Vec<&Target> = targets
                .iter()
                .filter(|t| {
                    t.is_strong()
                        && !t.named_in(&self.request, req_digits)
                        && !t.named_in(&self.trusted, trusted_digits)
                })
                .collect();
            // An additive change (create, set, label, book…) may also act on what an earlier
            // untainted read resolved from the user's words (the issue number, the device id);
            // anything that cancels, closes or removes needs the user's own words.
            let user_named_all = targets.iter().all(|t| {
                t.named_in(&self.request, req_digits)
                    || (profile.additive_write && t.named_in(&self.trusted, trusted_digits))
            });
            if risky && !unrequested.is_empty() {
                raised += 1;
                base.factors.push(RiskFactor::new(
                    "session_unrequested_target",
                    1.0,
                    0.0,
                    format!(
                        "not named in the user's request or earlier results: {}",
                        unrequested
                            .iter()
                            .take(3)
                            .map(|t| t.describe())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            if profile.sends_out
                && let Some(read) = &self.sensitive_read
            {
                raised += 1;
                base.factors.push(RiskFactor::new(
                    "session_escalation",
                    1.0,
                    0.0,
                    format!("sends data out after {read}"),
                ));
            }
            if raised > 0 {
                let mut score = base.score;
                // Taint and unrequested targets together are two independent signs.
                for _ in 0..raised.min(2) {
                    score = raise_one_level(score);
                }
                base.set_score(score);
            } else if base.level == RiskLevel::Medium
                && base.directives.is_empty()
                && self.taint.is_none()
                && self.sensitive_read.is_none()
                && !profile.moves_money
                && !profile.changes_access
                && !profile.destroys
                && self.has_request()
            {
                let named = !targets.is_empty() && user_named_all;
                let project_edit = profile.reversible_write
                    && !profile.sends_out
                    && !targets.iter().any(Target::is_strong)
                    && edits_project_file(ctx);
                if named || project_edit {
                    base.factors.push(RiskFactor::new(
                        "session_requested",
                        0.0,
                        0.0,
                        if named {
                            "every target was named by the user's request".to_owned()
                        } else {
                            "edits a file inside the project the user is directing work on"
                                .to_owned()
                        },
                    ));
                    base.set_score(base.score.min(0.29));
                }
            }
        }
        base
    }

    /// Records a call the session saw, with the level it was finally given.
    pub fn record_call(&mut self, ctx: &ActionContext, level: RiskLevel) {
        let profile = if self.sensitive_read.is_none() {
            profile_call(ctx)
        } else {
            crate::scoring::CallProfile::default()
        };
        self.record_with(ctx, &profile, level);
    }

    fn record_with(
        &mut self,
        ctx: &ActionContext,
        profile: &crate::scoring::CallProfile,
        level: RiskLevel,
    ) {
        self.call_count += 1;
        let number = self.call_count;
        if self.sensitive_read.is_none() && profile.reads_sensitive {
            self.sensitive_read = Some(format!(
                "call #{number} {} read secrets or sensitive data",
                ctx.function_name
            ));
        }
        if self.calls.len() >= MAX_CALLS {
            self.calls.pop_front();
        }
        self.calls.push_back(CallRecord {
            number,
            function_name: crate::scoring::names::normalize(&ctx.function_name)
                .text
                .chars()
                .take(80)
                .collect(),
            level,
        });
    }
}

fn relative_in_project(p: &str) -> bool {
    let p = p.trim();
    if p == "." || p == "./" {
        return true;
    }
    let p = p.strip_prefix("./").unwrap_or(p);
    !p.is_empty()
        && !p.starts_with('/')
        && !p.starts_with('~')
        && !p.starts_with('.')
        && !p.contains("..")
        && !p.contains('\\')
        && !p.contains(':')
}

/// Whether the call writes or edits relative paths inside the project (a file-path argument,
/// or an `apply_patch` envelope that only adds or updates files).
fn edits_project_file(ctx: &ActionContext) -> bool {
    for (k, v) in &ctx.kwargs {
        let Value::String(text) = v else { continue };
        if text.contains("*** Begin Patch") {
            let mut any = false;
            for line in text.lines() {
                if let Some(p) = line
                    .strip_prefix("*** Update File:")
                    .or_else(|| line.strip_prefix("*** Add File:"))
                {
                    if !relative_in_project(p) {
                        return false;
                    }
                    any = true;
                } else if line.starts_with("*** Delete File:") || line.starts_with("*** Move to:") {
                    return false;
                }
            }
            return any;
        }
        let _ = k;
    }
    edits_path_argument(ctx)
}

fn edits_path_argument(ctx: &ActionContext) -> bool {
    let mut paths = ctx.kwargs.iter().filter(|(k, _)| {
        let k = k.to_ascii_lowercase();
        k.contains("path") || k == "file" || k == "filename"
    });
    let Some((_, Value::String(p))) = paths.next() else {
        return false;
    };
    relative_in_project(p)
}

/// Bytes of one result read for injected instructions; a larger one is read window by window
/// (padding must not hide an instruction), and one past [`MAX_RESULT_SCAN`] taints unread.
const SCAN_WINDOW: usize = 256 * 1024;
const SCAN_OVERLAP: usize = 4 * 1024;
const MAX_RESULT_SCAN: usize = 16 * 1024 * 1024;

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// [`injection_evidence`] over the whole of `text`, not only its first window.
fn injection_evidence_whole(text: &str) -> Option<String> {
    if let Some(found) = injection_evidence(text) {
        return Some(found);
    }
    if text.len() <= SCAN_WINDOW {
        return None;
    }
    if text.len() > MAX_RESULT_SCAN {
        return Some(format!(
            "a tool result of {} bytes is too large to read for instructions",
            text.len()
        ));
    }
    let mut start = SCAN_WINDOW - SCAN_OVERLAP;
    while start < text.len() {
        let from = floor_boundary(text, start);
        let to = floor_boundary(text, (from + SCAN_WINDOW).min(text.len()));
        if let Some(found) = injection_evidence(&text[from..to]) {
            return Some(found);
        }
        if to >= text.len() {
            break;
        }
        start = to - SCAN_OVERLAP;
    }
    None
}

fn collect_text(value: &Value, out: &mut String, depth: usize) {
    if out.len() >= MAX_RESULT_SCAN {
        return;
    }
    if depth > 16 {
        // Deeper than read field by field: its text still counts, as JSON.
        out.push_str(&value.to_string());
        out.push('\n');
        return;
    }
    match value {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(items) => items.iter().for_each(|v| collect_text(v, out, depth + 1)),
        Value::Object(map) => {
            for (k, v) in map {
                out.push_str(k);
                out.push_str(": ");
                collect_text(v, out, depth + 1);
            }
        }
        Value::Number(n) => {
            out.push_str(&n.to_string());
            out.push('\n');
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;

/// A scorer that judges every call in the context of a shared [`Session`] and records it there
/// (for entry points that see a whole session in one process, like the MCP proxy, which also
/// feeds the session each tool result).
pub struct SessionScorer {
    inner: Box<dyn crate::scoring::RiskScorer>,
    session: std::sync::Arc<std::sync::Mutex<Session>>,
}

impl std::fmt::Debug for SessionScorer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionScorer").finish_non_exhaustive()
    }
}

impl SessionScorer {
    pub fn new(
        inner: Box<dyn crate::scoring::RiskScorer>,
        session: std::sync::Arc<std::sync::Mutex<Session>>,
    ) -> Self {
        SessionScorer { inner, session }
    }
}

impl crate::scoring::RiskScorer for SessionScorer {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn score(&self, ctx: &ActionContext) -> RiskAssessment {
        let base = self.inner.score(ctx);
        let mut session = self
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        session.assess(ctx, base)
    }
}
