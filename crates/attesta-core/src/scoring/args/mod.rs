//! Argument analysis: walks positional and keyword arguments (bounded in depth, node count and
//! bytes) and recognises shell commands, SQL, sensitive paths, secrets, personal data, money,
//! external hosts and bulk markers. Every finding is a [`Signal`] with a severity and evidence.

use serde_json::{Map, Value};

use super::shell::{self, CommandClass};
use super::sql;
use super::text::{for_each_identifier_token, snippet, with_lower, words};

/// Deeper nesting than this is not walked (and counts as a finding: fail closed).
pub const MAX_DEPTH: usize = 32;
/// At most this many JSON nodes are visited per call.
pub const MAX_NODES: usize = 20_000;
/// At most this many string bytes are analysed per call.
pub const MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;

/// Severity of a bare mention of production: on its own it does not make a read risky; the
/// scorer raises the floor of state-changing actions in a production context instead.
pub const PRODUCTION_CONTEXT: f64 = 0.2;

/// Severity of arguments the walker had to skip (beyond [`MAX_DEPTH`], [`MAX_NODES`] or
/// [`MAX_TEXT_BYTES`]). What was not seen could be anything, including `rm -rf /`, and a caller
/// can push content past the budget on purpose, so the unseen part counts as high risk; it is
/// not critical because an oversized but ordinary payload (a large document) is far more common.
pub const UNSEEN_ARGUMENTS: f64 = 0.7;

/// Severity of a change to Attesta's own files (its configuration, audit log, trust store,
/// checkpoints) or to the coding agents' hook settings that route calls through Attesta: an
/// agent that can rewrite these can switch its own gate off, so it is critical on its own.
pub const GATE_FILE_WRITE: f64 = 0.9;

/// One piece of evidence that raises risk.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    /// In `[0, 1]`: the least risk this finding implies on its own.
    pub severity: f64,
    /// Family (`shell`, `sql`, `path`, `secret`, `pii`, `money`, `url`, `bulk`, `production` …).
    pub kind: &'static str,
    /// Human-readable evidence. Never contains a secret or personal value.
    pub detail: String,
}

impl Signal {
    pub fn new(severity: f64, kind: &'static str, detail: impl Into<String>) -> Self {
        Signal {
            severity,
            kind,
            detail: detail.into(),
        }
    }
}

/// Signals collected while walking, plus what the commands found would do.
#[derive(Debug, Default)]
pub struct Findings {
    pub signals: Vec<Signal>,
    /// The riskiest class among the shell/SQL commands found in the arguments.
    pub command_class: Option<CommandClass>,
    /// Part of the arguments or of a command was not analysed (over a size, depth or nesting
    /// limit). The scorer then never lets an exec wrapper take a calmer class from the part it
    /// did see: an unread tail is not a read-only tail.
    pub incomplete: bool,
    /// Whole-value arguments naming Attesta's own files or agent hook settings (see
    /// [`gate_path`]); at most [`MAX_GATE_TARGETS`]. Whether that is a risk depends on the
    /// action (writing one is critical, reading one is not), so the scorer decides.
    pub gate_targets: Vec<String>,
    /// The hash of each kept signal's (kind, detail) as pushed, one per signal: a duplicate is
    /// found by comparing hashes, then the one signal whose hash matches (see [`Findings::push`]).
    hashes: Vec<u64>,
}

/// A hash of a signal's kind and detail, eight bytes at a time.
fn signal_hash(kind: &str, detail: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = (kind.len() as u64).wrapping_mul(K);
    for part in [kind.as_bytes(), detail.as_bytes()] {
        let mut chunks = part.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        let mut tail = [0u8; 8];
        tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        h = (h.rotate_left(5) ^ u64::from_le_bytes(tail) ^ part.len() as u64).wrapping_mul(K);
    }
    h
}

/// Signals kept per call (see [`Findings::push`]).
pub const MAX_SIGNALS: usize = 256;

/// Gate paths remembered per call; one is enough to decide, a few make better evidence.
pub const MAX_GATE_TARGETS: usize = 4;

impl Findings {
    pub fn push(&mut self, signal: Signal) {
        // Full, and no stronger than the weakest kept: it could not take a place, duplicate or not.
        if self.signals.len() >= MAX_SIGNALS
            && self
                .signals
                .iter()
                .all(|kept| signal.severity <= kept.severity)
        {
            return;
        }
        // Keep one signal per (kind, detail): repeated identical values add no evidence. Only a
        // kept signal with the same hash can be the same (callers may edit a kept signal's
        // detail afterwards; its hash then no longer matches, and the edited one is not the
        // same signal any more).
        let hash = signal_hash(signal.kind, &signal.detail);
        if self.hashes.len() != self.signals.len() {
            // Signals were added by other means: hash them as they are now.
            self.hashes = self
                .signals
                .iter()
                .map(|s| signal_hash(s.kind, &s.detail))
                .collect();
        }
        if self
            .hashes
            .iter()
            .zip(&self.signals)
            .any(|(h, s)| *h == hash && s.kind == signal.kind && s.detail == signal.detail)
        {
            return;
        }
        if self.signals.len() < MAX_SIGNALS {
            self.signals.push(signal);
            self.hashes.push(hash);
            return;
        }
        // Bounded, so a command with thousands of distinct findings stays linear to score; the
        // weakest signal makes room, so the strongest evidence (which decides the score) stays.
        if let Some((at, weakest)) = self
            .signals
            .iter_mut()
            .enumerate()
            .min_by(|a, b| a.1.severity.total_cmp(&b.1.severity))
            && signal.severity > weakest.severity
        {
            *weakest = signal;
            self.hashes[at] = hash;
        }
    }

    pub fn max_severity(&self) -> f64 {
        self.signals.iter().fold(0.0, |m, s| m.max(s.severity))
    }

    pub(crate) fn note_command(&mut self, class: CommandClass) {
        self.command_class = Some(self.command_class.map_or(class, |c| c.max(class)));
    }

    /// Distinct signal families, for the "more kinds of evidence, more risk" bump.
    pub fn distinct_kinds(&self) -> usize {
        let mut kinds: Vec<&str> = self.signals.iter().map(|s| s.kind).collect();
        kinds.sort_unstable();
        kinds.dedup();
        kinds.len()
    }

    /// Evidence of the strongest signals, strongest first.
    pub fn evidence(&self, limit: usize) -> String {
        let mut order: Vec<&Signal> = self.signals.iter().collect();
        order.sort_by(|a, b| b.severity.total_cmp(&a.severity));
        let mut out = String::new();
        for (i, s) in order.iter().take(limit).enumerate() {
            if i > 0 {
                out.push_str("; ");
            }
            out.push_str(s.kind);
            out.push_str(": ");
            out.push_str(&s.detail);
        }
        if order.len() > limit {
            out.push_str(&format!("; +{} more", order.len() - limit));
        }
        out
    }
}

/// What the action's name tells the walker about how to read its arguments.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArgHints {
    /// The action runs commands (`Bash`, `run_command`): its string arguments are commands.
    pub exec_wrapper: bool,
    /// The action talks to a database: its string arguments may be SQL.
    pub sql_action: bool,
    /// The action moves money: bare amounts count fully even without a currency.
    pub money_action: bool,
    /// The action pushes (git): a `force` flag rewrites remote history.
    pub push_action: bool,
}

mod keys;
mod paths;
mod scan;
mod secrets;
#[cfg(test)]
mod tests;
mod values;

use keys::{KeyRole, key_role};
use paths::looks_pathlike;
pub use paths::{gate_path, history_or_log_path, sensitive_path};
use scan::is_admin_word;
use secrets::{SecretLabel, TokenFeatures, secret_env_reference, secret_label, secret_token};
pub use values::money_severity;
pub(crate) use values::shell_quote;
use values::{
    fmt_amount, is_data_drop_host, is_email, is_internal_host, is_placeholder, luhn, number_of,
    words_first,
};

struct Walker<'a> {
    hints: ArgHints,
    findings: &'a mut Findings,
    nodes: usize,
    bytes: usize,
    truncated: bool,
    emails: usize,
    /// How many JSON-in-a-string levels deep the walker is.
    json_depth: usize,
}

/// JSON encoded in strings is decoded this many levels deep.
const MAX_JSON_IN_STRING: usize = 4;
/// Forwarding mail to an address (a standing exfiltration channel): HIGH.
const MAIL_FORWARDING: f64 = 0.7;
/// A flag that skips the human confirmation step (`auto_approve: true`): HIGH on its own.
const UNATTENDED: f64 = 0.65;

/// Analyses all arguments of a call.
pub fn analyze(
    args: &[Value],
    kwargs: &Map<String, Value>,
    hints: ArgHints,
    findings: &mut Findings,
) {
    let mut walker = Walker {
        hints,
        findings,
        nodes: 0,
        bytes: 0,
        truncated: false,
        emails: 0,
        json_depth: 0,
    };
    for value in args {
        walker.value(value, KeyRole::default(), "", 0);
    }
    walker.object(kwargs, 0);
    if walker.emails >= 20 {
        walker.findings.push(Signal::new(
            0.6,
            "bulk",
            format!("{} email addresses", walker.emails),
        ));
    }
    if walker.truncated {
        walker.findings.incomplete = true;
        walker.findings.push(Signal::new(
            UNSEEN_ARGUMENTS,
            "size",
            format!("arguments exceed the analysis budget ({MAX_DEPTH} levels, {MAX_NODES} values, {} KiB); the rest was not analysed and is treated as high risk", MAX_TEXT_BYTES / 1024),
        ));
    }
}

impl Walker<'_> {
    fn budget_ok(&mut self, depth: usize) -> bool {
        self.nodes += 1;
        if depth > MAX_DEPTH || self.nodes > MAX_NODES {
            self.truncated = true;
            return false;
        }
        true
    }

    fn object(&mut self, map: &Map<String, Value>, depth: usize) {
        let mut amount: Option<(f64, &str, bool)> = None;
        let mut has_currency = false;
        for (key, value) in map {
            let role = key_role(key);
            if role.currency && value.as_str().is_some_and(|c| !c.is_empty()) {
                has_currency = true;
            }
            if (role.amount || role.count)
                && let Some(n) = number_of(value)
            {
                let n = if role.cents { n / 100.0 } else { n };
                if amount.is_none_or(|(a, _, _)| n.abs() > a) {
                    amount = Some((n.abs(), key.as_str(), role.cents));
                }
            }
            self.value(value, role, key, depth + 1);
        }
        // A count-like key (`spending_limit`) is money only beside a currency.
        let amount = amount.filter(|(_, key, _)| has_currency || key_role(key).amount);
        if let Some((n, key, _)) = amount
            && n > 0.0
        {
            let full = has_currency || self.hints.money_action;
            let sev = money_severity(n) - if full { 0.0 } else { 0.1 };
            let currency = if has_currency { " with currency" } else { "" };
            self.findings.push(Signal::new(
                sev,
                "money",
                format!(
                    "amount {} in `{}`{currency}",
                    fmt_amount(n),
                    snippet(key, 30)
                ),
            ));
        }
    }

    fn value(&mut self, value: &Value, role: KeyRole, key: &str, depth: usize) {
        if !self.budget_ok(depth) {
            return;
        }
        match value {
            Value::Object(map) if map.is_empty() && role.filter => {
                self.findings.push(Signal::new(
                    0.6,
                    "bulk",
                    format!("empty `{}` matches everything", snippet(key, 30)),
                ));
            }
            Value::Object(map) => self.object(map, depth),
            Value::Array(items) => {
                if items.len() >= 100 {
                    self.findings.push(Signal::new(
                        0.45,
                        "bulk",
                        format!("{} items in `{}`", items.len(), snippet(key, 30)),
                    ));
                }
                if role.command && !items.is_empty() && items.iter().all(Value::is_string) {
                    // argv form (`["bash", "-lc", "rm -rf build"]`): analyse as one command line.
                    let line = items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(shell_quote)
                        .collect::<Vec<_>>()
                        .join(" ");
                    if self.take_bytes(line.len()) {
                        let class = shell::analyze(&line, self.findings);
                        self.findings.note_command(class);
                    }
                    for item in items {
                        if let Value::String(s) = item {
                            self.scan_text(s, KeyRole::default(), key);
                        }
                    }
                    return;
                }
                for item in items {
                    self.value(item, role, key, depth + 1);
                }
            }
            Value::String(s) => self.string(s, role, key),
            Value::Number(n) => {
                if let Some(v) = n.as_f64() {
                    self.number(v, role, key);
                }
            }
            Value::Bool(true) if role.visibility && !role.private => {
                self.findings.push(Signal::new(
                    0.65,
                    "exposure",
                    format!("`{}` makes it public", snippet(key, 30)),
                ));
            }
            Value::Bool(true) if role.unattended => {
                self.findings.push(Signal::new(
                    UNATTENDED,
                    "safeguard",
                    format!(
                        "`{}` skips the confirmation step (applies without review)",
                        snippet(key, 30)
                    ),
                ));
            }
            Value::Bool(false) if role.safeguard => {
                self.findings.push(Signal::new(
                    0.65,
                    "safeguard",
                    format!("`{}` = false turns off a safeguard", snippet(key, 30)),
                ));
            }
            Value::Bool(false) if role.private => {
                self.findings.push(Signal::new(
                    0.65,
                    "exposure",
                    format!("`{}` = false makes it public", snippet(key, 30)),
                ));
            }
            Value::Bool(true)
                if role.bulk_flag
                    && self.hints.push_action
                    && key.to_ascii_lowercase().contains("force") =>
            {
                self.findings.push(Signal::new(
                    0.85,
                    "bulk",
                    format!(
                        "force push (`{}`) rewrites remote history",
                        snippet(key, 30)
                    ),
                ));
            }
            Value::Bool(true) if role.bulk_flag => {
                self.findings.push(Signal::new(
                    0.45,
                    "bulk",
                    format!("flag `{}` is set", snippet(key, 30)),
                ));
            }
            _ => {}
        }
    }

    fn take_bytes(&mut self, n: usize) -> bool {
        self.bytes += n;
        if self.bytes > MAX_TEXT_BYTES {
            self.truncated = true;
            return false;
        }
        true
    }

    fn number(&mut self, v: f64, role: KeyRole, key: &str) {
        if role.safeguard && v == 0.0 {
            self.findings.push(Signal::new(
                0.6,
                "safeguard",
                format!("`{}` = 0 turns off a safeguard", snippet(key, 30)),
            ));
        }
        if role.count && !role.amount && v >= 10_000.0 {
            let sev = if v >= 100_000.0 { 0.6 } else { 0.5 };
            self.findings.push(Signal::new(
                sev,
                "bulk",
                format!("`{}` = {}", snippet(key, 30), fmt_amount(v)),
            ));
        }
    }

    fn string(&mut self, s: &str, role: KeyRole, key: &str) {
        if s.is_empty() {
            return;
        }
        let s = if s.len() > MAX_TEXT_BYTES {
            self.truncated = true;
            let mut end = MAX_TEXT_BYTES;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            &s[..end]
        } else {
            s
        };
        if !self.take_bytes(s.len()) {
            return;
        }
        if role.secret && !is_placeholder(s) {
            self.findings.push(Signal::new(
                0.7,
                "secret",
                format!("value of secret field `{}`", snippet(key, 30)),
            ));
        }
        let trimmed = s.trim();
        if matches!(trimmed, "*" | "%" | "*.*" | "/*" | "**" | "**/*")
            || ["all", "everything", "any"]
                .iter()
                .any(|w| trimmed.eq_ignore_ascii_case(w))
        {
            self.findings.push(Signal::new(
                0.5,
                "bulk",
                format!("`{}` = {trimmed}", snippet(key, 30)),
            ));
        }
        // A forwarding address (a mail filter's `forward`, `forwarding_address`) sends every
        // matching message, now and later, somewhere else: the classic mailbox takeover.
        if role.forward && trimmed.contains('@') && !trimmed.contains(char::is_whitespace) {
            self.findings.push(Signal::new(
                MAIL_FORWARDING,
                "exfiltration",
                format!(
                    "`{}` forwards mail to {}",
                    snippet(key, 30),
                    snippet(trimmed, 60)
                ),
            ));
        }
        // `anyone_with_link`, `anyone-with-link`: link sharing says so under any key (the exact
        // `anyonewithlink` under a visibility key is found below).
        let link_sharing = trimmed.len() <= 24
            && !(role.visibility && trimmed.eq_ignore_ascii_case("anyonewithlink"))
            && {
                let mut folded = trimmed.replace(['_', '-', ' '], "");
                folded.make_ascii_lowercase();
                folded == "anyonewithlink" || folded == "anyonewiththelink"
            };
        if link_sharing {
            self.findings.push(Signal::new(
                0.65,
                "exposure",
                format!(
                    "`{}` = {trimmed} shares with anyone who has the link",
                    snippet(key, 30)
                ),
            ));
        }
        if role.visibility
            && [
                "public",
                "anyone",
                "anyonewithlink",
                "public-read",
                "public-read-write",
                "everyone",
                "allusers",
                "internet",
            ]
            .iter()
            .any(|w| trimmed.eq_ignore_ascii_case(w))
        {
            self.findings.push(Signal::new(
                0.65,
                "exposure",
                format!("`{}` = {trimmed} makes it public", snippet(key, 30)),
            ));
        }
        if role.grant && words(trimmed).any(is_admin_word) {
            self.findings.push(Signal::new(
                0.75,
                "privilege",
                format!("`{}` grants administrator-level access", snippet(key, 30)),
            ));
        }
        if (role.audience || role.recipients)
            && words(trimmed).any(|w| {
                ["all", "everyone", "everybody", "channel", "here"]
                    .iter()
                    .any(|a| w.eq_ignore_ascii_case(a))
            })
            && (trimmed.len() > 3 || trimmed.eq_ignore_ascii_case("all"))
            && !trimmed.starts_with('#')
        {
            self.findings.push(Signal::new(
                0.6,
                "bulk",
                format!("`{}` addresses everyone", snippet(key, 30)),
            ));
        }
        if role.env && trimmed.eq_ignore_ascii_case("live") {
            self.findings.push(Signal::new(
                PRODUCTION_CONTEXT,
                "production",
                format!("`{}` targets live", snippet(key, 30)),
            ));
        }
        if role.host && !trimmed.contains("://") && !trimmed.is_empty() && !trimmed.contains(' ') {
            self.host(trimmed, key);
        }
        // Only a value that is a path as a whole (`file_path: .claude/settings.json`) names a
        // target; a gate path mentioned inside prose or file content is not one.
        if self.findings.gate_targets.len() < MAX_GATE_TARGETS
            && trimmed.len() <= 4096
            && !trimmed.contains(char::is_whitespace)
            && let Some(what) = gate_path(trimmed)
        {
            self.findings
                .gate_targets
                .push(format!("{what} {}", snippet(trimmed, 80)));
        }

        // Commands and SQL.
        let first = words_first(trimmed);
        let sql_like = role.sql
            || sql::looks_like_sql(trimmed)
            || ((self.hints.sql_action || role.maybe_sql) && sql::starts_with_verb(trimmed));
        if sql_like {
            let class = sql::analyze(trimmed, self.findings);
            if role.sql || self.hints.sql_action || self.hints.exec_wrapper || role.maybe_sql {
                self.findings.note_command(class);
            }
        } else if role.command
            || (self.hints.exec_wrapper && !role.descriptive)
            || shell::is_known_command(first)
        {
            let class = shell::analyze(trimmed, self.findings);
            if role.command || (self.hints.exec_wrapper && !role.descriptive) {
                self.findings.note_command(class);
            }
        } else {
            // A command need not start the value: `cd /tmp && rm -rf /`, `run: curl … | sh`.
            // Lines as `str::lines` splits them (a `\r` before the `\n` dropped), found in one
            // vectorised pass over the text rather than one search per line.
            let bytes = trimmed.as_bytes();
            let mut start = 0;
            for end in memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len())) {
                let line = &trimmed[start..end];
                let line = line.strip_suffix('\r').unwrap_or(line);
                start = end + 1;
                if let Some(cmd) = shell::embedded_command(line) {
                    shell::analyze(cmd, self.findings);
                }
            }
            // SQL after other text (`select …; drop table t` in a report definition).
            if sql::embedded_statement(trimmed) {
                sql::analyze(trimmed, self.findings);
            }
        }
        // JSON encoded inside a string is read like any other argument.
        if self.json_depth < MAX_JSON_IN_STRING
            && ((trimmed.starts_with('{') && trimmed.ends_with('}'))
                || (trimmed.starts_with('[') && trimmed.ends_with(']')))
            && let Ok(inner) = serde_json::from_str::<Value>(trimmed)
        {
            self.json_depth += 1;
            self.value(&inner, role, key, 1);
            self.json_depth -= 1;
        }
        self.scan_text(s, role, key);
    }
}
