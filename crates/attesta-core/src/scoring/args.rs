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
pub const MAX_TEXT_BYTES: usize = 512 * 1024;

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
}

/// Signals kept per call (see [`Findings::push`]).
pub const MAX_SIGNALS: usize = 256;

/// Gate paths remembered per call; one is enough to decide, a few make better evidence.
pub const MAX_GATE_TARGETS: usize = 4;

impl Findings {
    pub fn push(&mut self, signal: Signal) {
        // Keep one signal per (kind, detail): repeated identical values add no evidence.
        if self
            .signals
            .iter()
            .any(|s| s.kind == signal.kind && s.detail == signal.detail)
        {
            return;
        }
        if self.signals.len() < MAX_SIGNALS {
            self.signals.push(signal);
            return;
        }
        // Bounded, so a command with thousands of distinct findings stays linear to score; the
        // weakest signal makes room, so the strongest evidence (which decides the score) stays.
        if let Some(weakest) = self
            .signals
            .iter_mut()
            .min_by(|a, b| a.severity.total_cmp(&b.severity))
            && signal.severity > weakest.severity
        {
            *weakest = signal;
        }
    }

    pub fn max_severity(&self) -> f64 {
        self.signals.iter().fold(0.0, |m, s| m.max(s.severity))
    }

    fn note_command(&mut self, class: CommandClass) {
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

/// Roles a key name can give its value.
#[derive(Debug, Clone, Copy, Default)]
struct KeyRole {
    command: bool,
    sql: bool,
    maybe_sql: bool,
    secret: bool,
    amount: bool,
    cents: bool,
    count: bool,
    bulk_flag: bool,
    host: bool,
    card: bool,
    env: bool,
    recipients: bool,
    currency: bool,
    visibility: bool,
    filter: bool,
    private: bool,
    grant: bool,
    safeguard: bool,
    audience: bool,
    /// Prose about the call (`description`, `reason`): not the command an exec wrapper runs.
    descriptive: bool,
}

fn key_role(key: &str) -> KeyRole {
    let mut role = KeyRole::default();
    let mut prev: Option<&str> = None;
    for_each_identifier_token(key, |s, e| {
        let word = &key[s..e];
        with_lower(word, |w| {
            match w {
                "command" | "cmd" | "commands" | "code" | "script" | "shell" | "bash"
                | "cmdline" | "argv" | "exec" | "sh" => role.command = true,
                "sql" | "statement" | "statements" | "stmt" | "ddl" | "dml" => role.sql = true,
                "query" | "q" => role.maybe_sql = true,
                "password" | "passwd" | "pwd" | "passphrase" | "secret" | "token"
                | "credential" | "credentials" | "apikey" | "authorization" | "bearer"
                | "cookie" | "privatekey" | "pat" => role.secret = true,
                "key"
                    if matches!(
                        prev,
                        Some(
                            "api"
                                | "access"
                                | "secret"
                                | "private"
                                | "signing"
                                | "encryption"
                                | "master"
                                | "license"
                        )
                    ) =>
                {
                    role.secret = true
                }
                "amount" | "price" | "total" | "cost" | "fee" | "subtotal" | "payout"
                | "salary" | "budget" => role.amount = true,
                "cents" => role.cents = true,
                "limit" | "count" | "max" | "size" | "quantity" | "records" | "rows" | "num"
                | "top" | "take" | "first" | "batch" | "results" | "n" => role.count = true,
                "recursive" | "force" | "cascade" | "purge" | "permanent" | "permanently"
                | "hard" | "everything" | "bypass" | "skip" | "unsafe" | "all" | "wipe" => {
                    role.bulk_flag = true
                }
                "host" | "hostname" | "server" | "endpoint" | "url" | "uri" | "webhook"
                | "domain" | "callback" => role.host = true,
                "card" | "pan" | "cc" if prev != Some("bcc") => role.card = true,
                "environment" | "env" | "stage" | "cluster" | "namespace" | "context" | "tier" => {
                    role.env = true
                }
                "to" | "recipient" | "recipients" | "bcc" | "emails" | "attendees" => {
                    role.recipients = true
                }
                "currency" => role.currency = true,
                "visibility" | "public" | "acl" | "access" | "audience" | "type" | "sharing"
                | "share" => role.visibility = true,
                "private" => role.private = true,
                "role" | "roles" | "permission" | "permissions" | "policy" | "privilege"
                | "privileges" | "scope" | "scopes" | "group" | "groups" | "level" => {
                    role.grant = true
                }
                "enforce" | "require" | "required" | "protect" | "protection" | "verify"
                | "verification" | "mfa" | "encryption" | "encrypted" | "ssl" | "tls"
                | "authentication" | "logging" | "audit" | "reviews" | "checks" | "signing" => {
                    role.safeguard = true
                }
                "list" | "segment" | "channel" => role.audience = true,
                "description" | "desc" | "title" | "summary" | "reason" | "explanation"
                | "justification" | "purpose" | "comment" | "rationale" => role.descriptive = true,
                "filter" | "where" | "selector" | "criteria" | "match" | "conditions" => {
                    role.filter = true
                }
                _ => {}
            }
            prev = Some(match w {
                "api" => "api",
                "access" => "access",
                "secret" => "secret",
                "private" => "private",
                "signing" => "signing",
                "encryption" => "encryption",
                "master" => "master",
                "license" => "license",
                _ => "",
            });
        });
    });
    role
}

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
            for line in trimmed.lines().take(4096) {
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

    /// Secrets, personal data, URLs, paths and production words anywhere in a text.
    fn scan_text(&mut self, s: &str, role: KeyRole, key: &str) {
        // One byte pass decides which substring searches can possibly match.
        let (mut colon, mut dash, mut slash, mut principal) = (false, false, false, false);
        for b in s.bytes() {
            match b {
                b':' => colon = true,
                b'-' => dash = true,
                b'/' => slash = true,
                // `"Principal"`, `allUsers`, `allAuthenticatedUsers` all contain a capital P or U.
                b'P' | b'U' => principal = true,
                _ => {}
            }
        }
        if dash && s.contains("-----BEGIN") && s.contains("PRIVATE KEY") {
            self.findings.push(Signal::new(
                0.9,
                "secret",
                format!("private key block in `{}`", snippet(key, 30)),
            ));
        }
        if colon && slash && s.contains("://") {
            self.urls(s, key);
        }
        if principal && public_principal(s) {
            self.findings.push(Signal::new(
                0.75,
                "exposure",
                format!("policy grants access to everyone in `{}`", snippet(key, 30)),
            ));
        }
        if slash && (s.contains("0.0.0.0/0") || s.contains("::/0")) {
            self.findings.push(Signal::new(
                0.7,
                "exposure",
                format!("open to the whole internet in `{}`", snippet(key, 30)),
            ));
        }
        let mut production_seen = false;
        let mut secret_label_pending = false;
        // Tokens are split on ASCII whitespace and punctuation only, so every slice boundary is
        // a char boundary; per-token features are gathered in the same byte pass.
        let bytes = s.as_bytes();
        let mut start = 0;
        let mut feats = TokenFeatures::default();
        for i in 0..=bytes.len() {
            let at_end = i == bytes.len();
            let b = if at_end { b' ' } else { bytes[i] };
            let separator = b.is_ascii_whitespace()
                || matches!(
                    b,
                    b'"' | b'\''
                        | b','
                        | b';'
                        | b'<'
                        | b'>'
                        | b'('
                        | b')'
                        | b'['
                        | b']'
                        | b'{'
                        | b'}'
                        | b'`'
                        | b'|'
                );
            if !separator {
                match b {
                    b':' | b'=' => feats.assign = true,
                    b'$' => feats.dollar = true,
                    b'@' => feats.at = true,
                    b'/' | b'\\' | b'~' => feats.path_char = true,
                    b'.' => feats.dot = true,
                    _ => {}
                }
                continue;
            }
            let token = &s[start..i];
            let f = std::mem::take(&mut feats);
            start = i + 1;
            if secret_label_pending && token.len() >= 4 && !is_placeholder(token) {
                self.findings.push(Signal::new(
                    0.7,
                    "secret",
                    format!("credential written out in text of `{}`", snippet(key, 30)),
                ));
            }
            secret_label_pending = false;
            if token.is_empty() {
                continue;
            }
            if f.assign {
                match secret_label(token) {
                    SecretLabel::Label => secret_label_pending = true,
                    SecretLabel::Inline => {
                        self.findings.push(Signal::new(
                            0.7,
                            "secret",
                            format!("credential written out in text of `{}`", snippet(key, 30)),
                        ));
                    }
                    SecretLabel::None => {}
                }
            }
            if f.dollar && secret_env_reference(token) {
                self.findings.push(Signal::new(
                    0.6,
                    "secret",
                    format!(
                        "reads a secret environment variable in `{}`",
                        snippet(key, 30)
                    ),
                ));
            }
            if token.len() < 3 {
                continue;
            }
            if token.len() >= 20
                && let Some((sev, what)) = secret_token(token.trim_start_matches(['=', ':']))
            {
                self.findings.push(Signal::new(
                    sev,
                    "secret",
                    format!("{what} in `{}`", snippet(key, 30)),
                ));
            }
            if f.at && is_email(token.trim_matches(|c: char| matches!(c, '.' | ':' | '='))) {
                self.emails += 1;
                let sev = if role.recipients { 0.4 } else { 0.35 };
                self.findings.push(Signal::new(
                    sev,
                    "pii",
                    format!("email address in `{}`", snippet(key, 30)),
                ));
            }
            if (f.path_char || f.dot || token.starts_with("id_"))
                && looks_pathlike(token)
                && let Some((sev, what)) = sensitive_path(token.trim_start_matches(['=', ':', '@']))
            {
                self.findings.push(Signal::new(
                    sev,
                    "path",
                    format!("{what}: {}", snippet(token, 60)),
                ));
            }
        }
        self.digits(s, role, key);
        for w in words(s) {
            // Cheap pre-filter: every production word starts with `p` and is 3–10 long.
            if production_seen
                || w.len() < 3
                || w.len() > 10
                || !w.as_bytes()[0].eq_ignore_ascii_case(&b'p')
            {
                continue;
            }
            if with_lower(w, |l| matches!(l, "production" | "prod" | "prd")).unwrap_or(false) {
                production_seen = true;
                self.findings.push(Signal::new(
                    PRODUCTION_CONTEXT,
                    "production",
                    format!("mentions production in `{}`", snippet(key, 30)),
                ));
            }
        }
    }

    fn urls(&mut self, s: &str, key: &str) {
        let mut rest = s;
        let mut seen = 0;
        while let Some(at) = rest.find("://") {
            seen += 1;
            if seen > 32 {
                break;
            }
            let after = &rest[at + 3..];
            let end = after
                .find(|c: char| {
                    matches!(
                        c,
                        '/' | '?' | '#' | '"' | '\'' | ' ' | '\n' | '\t' | '>' | ')' | ']' | '\\'
                    )
                })
                .unwrap_or(after.len());
            let authority = &after[..end];
            let scheme: String = rest[..at]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if matches!(scheme.as_str(), "s3" | "gs" | "az" | "abfs" | "wasbs")
                && !authority.is_empty()
            {
                self.findings.push(Signal::new(
                    0.35,
                    "url",
                    format!("cloud storage bucket {}", snippet(authority, 60)),
                ));
                rest = &after[end..];
                continue;
            }
            let host = authority.rsplit('@').next().unwrap_or(authority);
            let host = if host.starts_with('[') {
                host.split(']')
                    .next()
                    .unwrap_or(host)
                    .trim_start_matches('[')
            } else {
                host.split(':').next().unwrap_or(host)
            };
            if !host.is_empty() {
                self.host(host, key);
            }
            rest = &after[end..];
        }
    }

    fn host(&mut self, host: &str, key: &str) {
        let host_lower = host.to_ascii_lowercase();
        let h = host_lower.trim_end_matches('.');
        if is_internal_host(h) {
            return;
        }
        if is_data_drop_host(h) {
            self.findings.push(Signal::new(
                0.8,
                "url",
                format!("known data-drop host {}", snippet(h, 60)),
            ));
        } else if h.parse::<std::net::IpAddr>().is_ok() {
            self.findings.push(Signal::new(
                0.5,
                "url",
                format!("raw IP address {}", snippet(h, 60)),
            ));
        } else if h.contains('.') {
            self.findings.push(Signal::new(
                0.3,
                "url",
                format!("external host {} in `{}`", snippet(h, 60), snippet(key, 30)),
            ));
        }
    }

    /// Card numbers (Luhn), SSN-like and phone-like digit groups.
    fn digits(&mut self, s: &str, role: KeyRole, key: &str) {
        let bytes = s.as_bytes();
        let mut i = 0;
        let mut found = 0;
        while i < bytes.len() && found < 16 {
            let b = bytes[i];
            let starts = b.is_ascii_digit()
                || ((b == b'+' || b == b'(') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
            if !starts
                || (i > 0
                    && (bytes[i - 1].is_ascii_alphanumeric()
                        || bytes[i - 1] == b'.'
                        || bytes[i - 1] == b'_'))
            {
                i += 1;
                continue;
            }
            // Collect groups of digits separated by single ' ', '-', '(' or ')'.
            let plus = b == b'+';
            let mut groups: [u8; 8] = [0; 8];
            let mut ngroups = 0usize;
            let mut digits: [u8; 20] = [0; 20];
            let mut ndigits = 0usize;
            let mut j = i;
            let mut sep_kind: Option<u8> = None;
            let mut mixed = false;
            let mut current = 0u8;
            while j < bytes.len() {
                let c = bytes[j];
                if c.is_ascii_digit() {
                    if ndigits < digits.len() {
                        digits[ndigits] = c - b'0';
                    }
                    ndigits += 1;
                    current = current.saturating_add(1);
                } else if matches!(c, b' ' | b'-' | b'(' | b')' | b'+')
                    && j + 1 < bytes.len()
                    && (bytes[j + 1].is_ascii_digit() || matches!(bytes[j + 1], b'(' | b' '))
                {
                    if current > 0 {
                        if ngroups < groups.len() {
                            groups[ngroups] = current;
                        }
                        ngroups += 1;
                        current = 0;
                    }
                    if c == b' ' || c == b'-' {
                        if sep_kind.is_some_and(|k| k != c) {
                            mixed = true;
                        }
                        sep_kind = Some(c);
                    }
                } else {
                    break;
                }
                j += 1;
            }
            if current > 0 {
                if ngroups < groups.len() {
                    groups[ngroups] = current;
                }
                ngroups += 1;
            }
            let followed_by_word = bytes
                .get(j)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'.' || *c == b'_');
            let g = &groups[..ngroups.min(groups.len())];
            if !followed_by_word {
                if g == [3, 2, 4] && sep_kind == Some(b'-') {
                    found += 1;
                    self.findings.push(Signal::new(
                        0.7,
                        "pii",
                        format!("SSN-like number in `{}`", snippet(key, 30)),
                    ));
                } else if (13..=19).contains(&ndigits)
                    && !mixed
                    && luhn(&digits[..ndigits.min(digits.len())])
                    && (role.card || g.len() > 1 || matches!(digits[0], 3..=6))
                {
                    found += 1;
                    self.findings.push(Signal::new(
                        0.75,
                        "pii",
                        format!(
                            "payment card number (passes Luhn) in `{}`",
                            snippet(key, 30)
                        ),
                    ));
                } else if (plus && (8..=15).contains(&ndigits))
                    || matches!(
                        g,
                        [3, 3, 4] | [1, 3, 3, 4] | [2, 4, 4] | [3, 4, 4] | [2, 2, 2, 2, 2]
                    )
                {
                    found += 1;
                    self.findings.push(Signal::new(
                        0.35,
                        "pii",
                        format!("phone number in `{}`", snippet(key, 30)),
                    ));
                }
            }
            i = j.max(i + 1);
        }
    }
}

fn is_admin_word(w: &str) -> bool {
    with_lower(w, |l| {
        matches!(
            l,
            "admin"
                | "administrator"
                | "administratoraccess"
                | "owner"
                | "owners"
                | "superuser"
                | "root"
                | "fullaccess"
                | "poweruser"
                | "poweruseraccess"
                | "sudo"
                | "sudoers"
                | "wheel"
        )
    })
    .unwrap_or(false)
}

/// An access policy whose principal is everyone (`"Principal": "*"`, `allUsers`).
fn public_principal(s: &str) -> bool {
    if s.contains("allUsers") || s.contains("allAuthenticatedUsers") {
        return true;
    }
    let Some(at) = s.find("\"Principal\"") else {
        return false;
    };
    let rest = s[at + 11..].trim_start_matches([' ', ':', '{']);
    let rest = rest
        .trim_start_matches("\"AWS\"")
        .trim_start_matches([' ', ':']);
    rest.starts_with("\"*\"")
}

/// What one pass over a token's bytes found.
#[derive(Default)]
struct TokenFeatures {
    assign: bool,
    dollar: bool,
    at: bool,
    path_char: bool,
    dot: bool,
}

enum SecretLabel {
    None,
    /// `password:` — the next word is the secret.
    Label,
    /// `password=hunter2`.
    Inline,
}

fn secret_label(token: &str) -> SecretLabel {
    const LABELS: &[&str] = &[
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "token",
        "api_key",
        "apikey",
        "access_token",
        "client_secret",
        "secret_key",
    ];
    let (stem, rest) = match token.find([':', '=']) {
        Some(at) => (&token[..at], &token[at + 1..]),
        None => return SecretLabel::None,
    };
    if !LABELS.iter().any(|l| stem.eq_ignore_ascii_case(l)) {
        return SecretLabel::None;
    }
    let rest = rest.trim_start_matches([':', '=']);
    if rest.is_empty() {
        SecretLabel::Label
    } else if rest.len() >= 4 && !is_placeholder(rest) && !rest.starts_with('$') {
        SecretLabel::Inline
    } else {
        SecretLabel::None
    }
}

/// `$AWS_SECRET_ACCESS_KEY`, `${GITHUB_TOKEN}`: a command that reads a secret from the environment.
fn secret_env_reference(token: &str) -> bool {
    token.split('$').skip(1).any(|part| {
        let name: String = part
            .trim_start_matches('{')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let upper = name.to_ascii_uppercase();
        name.len() >= 5
            && [
                "SECRET",
                "TOKEN",
                "PASSWORD",
                "PASSWD",
                "API_KEY",
                "APIKEY",
                "PRIVATE_KEY",
                "ACCESS_KEY",
                "CREDENTIAL",
            ]
            .iter()
            .any(|w| upper.contains(w))
    })
}

/// Quotes one argv element so re-tokenising the joined line gives the same words back.
pub(crate) fn shell_quote(word: &str) -> String {
    if !word.is_empty()
        && !word.contains(|c: char| c.is_whitespace() || "'\"\\|&;<>()$`".contains(c))
    {
        return word.to_owned();
    }
    format!("'{}'", word.replace('\'', "'\\''"))
}

fn words_first(s: &str) -> &str {
    s.split_whitespace().next().unwrap_or("")
}

fn number_of(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            let cleaned: String = s
                .trim()
                .trim_start_matches(['$', '€', '£', '¥'])
                .chars()
                .filter(|c| *c != ',' && *c != '_')
                .collect();
            let numeric = cleaned.split_whitespace().next().unwrap_or("");
            numeric.parse::<f64>().ok().filter(|v| v.is_finite())
        }
        _ => None,
    }
}

/// Risk of moving this much money (any currency, read as units).
pub fn money_severity(amount: f64) -> f64 {
    if amount < 50.0 {
        0.45
    } else if amount < 500.0 {
        0.55
    } else if amount < 5_000.0 {
        0.65
    } else if amount < 50_000.0 {
        0.82
    } else {
        0.92
    }
}

fn fmt_amount(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.2}")
    }
}

fn is_placeholder(s: &str) -> bool {
    let t = s.trim();
    t.len() < 4
        || t.starts_with("${")
        || t.starts_with("[REDACTED")
        || t.chars().all(|c| c == '*' || c == 'x' || c == 'X')
}

fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(*d);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

fn is_email(token: &str) -> bool {
    let Some((local, domain)) = token.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && domain.len() >= 4
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".+-_%".contains(&b))
        && domain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && domain
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// Paste sites, request catchers and tunnels: where exfiltrated data is usually sent. Matched by
/// domain suffix or by a label prefix (`requestbin.*`, `*.oast.fun`), never by substring scans.
fn is_data_drop_host(h: &str) -> bool {
    const DOMAINS: &[&str] = &[
        "pastebin.com",
        "webhook.site",
        "ngrok.io",
        "ngrok-free.app",
        "ngrok.app",
        "transfer.sh",
        "pipedream.net",
        "interact.sh",
        "file.io",
        "0x0.st",
        "termbin.com",
        "paste.ee",
        "temp.sh",
    ];
    const LABEL_PREFIXES: &[&str] = &[
        "requestbin",
        "hastebin",
        "ghostbin",
        "burpcollaborator",
        "requestcatcher",
        "beeceptor",
        "anonfiles",
        "oast",
    ];
    DOMAINS.iter().any(|d| {
        h.ends_with(d) && (h.len() == d.len() || h.as_bytes()[h.len() - d.len() - 1] == b'.')
    }) || h
        .split('.')
        .any(|label| LABEL_PREFIXES.iter().any(|p| label.starts_with(p)))
}

fn is_internal_host(h: &str) -> bool {
    if matches!(
        h,
        "localhost" | "127.0.0.1" | "::1" | "0.0.0.0" | "host.docker.internal"
    ) {
        return true;
    }
    if h.ends_with(".local")
        || h.ends_with(".internal")
        || h.ends_with(".localhost")
        || h.ends_with(".corp")
        || h.ends_with(".lan")
        || h.ends_with(".svc")
        || h.ends_with(".cluster.local")
    {
        return true;
    }
    if let Ok(std::net::IpAddr::V4(ip)) = h.parse::<std::net::IpAddr>() {
        return ip.is_private() || ip.is_loopback() || ip.is_link_local();
    }
    // Single-label names (`db`, `redis`) resolve inside the network.
    !h.contains('.') && !h.contains(':')
}

/// Recognises credentials by their well-known shapes. Returns severity and a label; never the value.
fn secret_token(t: &str) -> Option<(f64, &'static str)> {
    // Every shape below is at least 20 characters long.
    if t.len() < 20 {
        return None;
    }
    let alnum_len = |s: &str| s.bytes().take_while(|b| b.is_ascii_alphanumeric()).count();
    let b = t.as_bytes();
    if b.len() >= 20
        && (t.starts_with("AKIA") || t.starts_with("ASIA"))
        && b[4..20]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Some((0.85, "AWS access key id"));
    }
    for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] {
        if let Some(rest) = t.strip_prefix(prefix)
            && alnum_len(rest) >= 30
        {
            return Some((0.85, "GitHub token"));
        }
    }
    if t.starts_with("github_pat_") && t.len() >= 40 {
        return Some((0.85, "GitHub token"));
    }
    if t.starts_with("glpat-") && t.len() >= 24 {
        return Some((0.85, "GitLab token"));
    }
    if (t.starts_with("xoxb-")
        || t.starts_with("xoxp-")
        || t.starts_with("xoxa-")
        || t.starts_with("xoxr-")
        || t.starts_with("xoxs-"))
        && t.len() >= 20
    {
        return Some((0.85, "Slack token"));
    }
    if (t.starts_with("sk_live_") || t.starts_with("rk_live_")) && t.len() >= 20 {
        return Some((0.85, "Stripe live key"));
    }
    if let Some(rest) = t.strip_prefix("sk-")
        && rest.len() >= 30
        && rest
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
    {
        return Some((0.8, "API secret key"));
    }
    if t.starts_with("AIza")
        && alnum_len(&t[4..]) + t[4..].bytes().filter(|c| *c == b'-' || *c == b'_').count() >= 30
    {
        return Some((0.8, "Google API key"));
    }
    if t.starts_with("npm_") && alnum_len(&t[4..]) >= 30 {
        return Some((0.8, "npm token"));
    }
    if t.starts_with("eyJ") && t.len() >= 30 {
        let parts: Vec<&str> = t.split('.').collect();
        if parts.len() == 3
            && parts[1].starts_with("eyJ")
            && parts.iter().all(|p| {
                p.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'=')
            })
        {
            return Some((0.7, "JWT"));
        }
    }
    None
}

/// One pass over a token: could it be a path or a key file? (`/`, `\\`, `~`, a leading dot,
/// a `.pem`/`.key`/`.sql`-style extension, or an `id_rsa`-style name.)
fn looks_pathlike(token: &str) -> bool {
    let b = token.as_bytes();
    if b.first() == Some(&b'.') || b.iter().any(|c| matches!(c, b'/' | b'\\' | b'~')) {
        return true;
    }
    if token.starts_with("id_") {
        return true;
    }
    match token.rfind('.') {
        Some(dot) => {
            let ext = &token[dot + 1..];
            ext.len() <= 9
                && ext.bytes().all(|c| c.is_ascii_alphanumeric())
                && with_lower(ext, |e| {
                    matches!(
                        e,
                        "pem"
                            | "key"
                            | "p12"
                            | "pfx"
                            | "jks"
                            | "keystore"
                            | "ppk"
                            | "sql"
                            | "dump"
                            | "bak"
                            | "sqlite"
                            | "db"
                            | "env"
                            | "netrc"
                            | "pgpass"
                            | "npmrc"
                            | "pypirc"
                            | "json"
                            | "yaml"
                            | "yml"
                            | "tfstate"
                            | "htpasswd"
                    )
                })
                .unwrap_or(false)
        }
        None => false,
    }
}

/// Attesta's own files and the agents' hook settings, by whole path component (never by
/// substring): the names Attesta and the agents actually load. So `attesta.yaml`,
/// `./cfg/attesta.toml`, `.attesta/audit.jsonl`, `~/.claude/settings.json`,
/// `C:\\p\\.codex\\hooks.json` match, while `my-attesta.yaml.bak`, `attesta.yaml.bak` or
/// `x.attesta/notes` do not (nothing loads them; copying the config *to* a backup name is not a
/// change to the gate). The agent settings directories themselves (`.claude`, `.codex`,
/// `.gemini` as the last component, or a glob directly inside them) match too, because deleting
/// or replacing the directory removes the hook settings in it. Case-insensitive, because
/// macOS and Windows file systems are. Returns what the file is, for evidence.
pub fn gate_path(token: &str) -> Option<&'static str> {
    let path = token.trim_matches(|c| matches!(c, '"' | '\'' | '=' | ',' | ';' | ':' | '@'));
    if path.is_empty() || path.len() > 4096 {
        return None;
    }
    let mut parts = path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .rev();
    let last = parts.next()?;
    let parent = parts.next();
    let is = |part: &str, name: &str| part.eq_ignore_ascii_case(name);
    if [
        "attesta.yaml",
        "attesta.yml",
        "attesta.json",
        "attesta.toml",
    ]
    .iter()
    .any(|n| is(last, n))
    {
        return Some("Attesta configuration");
    }
    if is(last, ".attesta")
        || parent.is_some_and(|p| is(p, ".attesta"))
        || parts.any(|p| is(p, ".attesta"))
    {
        return Some("Attesta state (audit log, trust store, checkpoints)");
    }
    let agent_dir = |p: &str| is(p, ".claude") || is(p, ".codex") || is(p, ".gemini");
    if agent_dir(last) {
        return Some("coding agent settings directory (hook configuration)");
    }
    let glob = last.contains(['*', '?']);
    let hook_file = match parent {
        Some(p) if is(p, ".claude") => {
            glob || is(last, "settings.json") || is(last, "settings.local.json")
        }
        Some(p) if is(p, ".codex") => glob || is(last, "hooks.json") || is(last, "config.toml"),
        Some(p) if is(p, ".gemini") => glob || is(last, "settings.json"),
        _ => false,
    };
    hook_file.then_some("coding agent hook settings")
}

/// Shell history and system logs: erasing or redirecting them hides what an agent did.
pub fn history_or_log_path(token: &str) -> bool {
    let path = token.trim_matches(|c| matches!(c, '"' | '\''));
    let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
    matches!(
        base,
        ".bash_history"
            | ".zsh_history"
            | ".sh_history"
            | ".history"
            | ".zhistory"
            | "fish_history"
            | ".python_history"
            | ".node_repl_history"
            | ".psql_history"
            | ".mysql_history"
            | ".sqlite_history"
            | ".lesshst"
            | ".viminfo"
            | "wtmp"
            | "btmp"
            | "lastlog"
            | "utmp"
    ) || path == "/var/log"
        || path.starts_with("/var/log/")
}

/// Paths that hold credentials or the system itself.
pub fn sensitive_path(token: &str) -> Option<(f64, &'static str)> {
    let path = token.trim_end_matches(['.', ':', ',']);
    let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let lower_base = base.to_ascii_lowercase();
    if matches!(
        lower_base.as_str(),
        "id_rsa" | "id_ed25519" | "id_ecdsa" | "id_dsa"
    ) {
        return Some((0.85, "SSH private key"));
    }
    if path.contains(".aws/credentials")
        || path.contains(".git-credentials")
        || path.contains(".gnupg")
    {
        return Some((0.85, "credential store"));
    }
    if path.contains("/.ssh") || path.starts_with("~/.ssh") || path.starts_with(".ssh/") {
        return Some((0.8, "SSH directory"));
    }
    if matches!(
        path,
        "/etc/shadow" | "/etc/sudoers" | "/etc/passwd" | "/etc/gshadow"
    ) || path.starts_with("/etc/sudoers.d")
    {
        return Some((0.8, "system account file"));
    }
    if path.starts_with("/dev/sd") || path.starts_with("/dev/nvme") || path.starts_with("/dev/disk")
    {
        return Some((0.9, "raw disk device"));
    }
    if matches!(
        lower_base.as_str(),
        ".netrc"
            | ".pgpass"
            | ".npmrc"
            | ".pypirc"
            | "credentials.json"
            | "serviceaccountkey.json"
            | "terraform.tfstate"
            | "secrets.yaml"
            | "secrets.yml"
            | "secrets.json"
            | "master.key"
            | ".htpasswd"
    ) {
        return Some((0.7, "credentials file"));
    }
    if [".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk"]
        .iter()
        .any(|ext| lower_base.ends_with(ext))
        && lower_base.len() > 4
    {
        return Some((0.7, "key file"));
    }
    if [".sql", ".dump", ".bak", ".sqlite", ".db"]
        .iter()
        .any(|ext| lower_base.ends_with(ext))
        && lower_base.len() > 4
    {
        return Some((0.5, "database dump"));
    }
    if lower_base == ".env" || lower_base.starts_with(".env.") {
        return Some((0.65, "environment secrets file"));
    }
    if path.contains(".kube/config") || path.contains(".docker/config.json") {
        return Some((0.65, "cluster credentials"));
    }
    if path == "/root" || path.starts_with("/root/") {
        return Some((0.6, "root's home"));
    }
    if path.starts_with("/etc/") || path == "/etc" {
        return Some((0.55, "system configuration"));
    }
    for (prefix, sev) in [
        ("/boot", 0.6),
        ("/bin", 0.55),
        ("/sbin", 0.55),
        ("/usr/bin", 0.55),
        ("/usr/lib", 0.5),
        ("/lib", 0.5),
        ("/var/lib", 0.5),
        ("/proc", 0.45),
        ("/sys", 0.45),
        ("/var/log", 0.4),
    ] {
        if path == prefix
            || path
                .strip_prefix(prefix)
                .is_some_and(|r| r.starts_with('/'))
        {
            return Some((sev, "system directory"));
        }
    }
    let lower = path.to_ascii_lowercase();
    if lower.starts_with("c:\\windows") || lower.starts_with("c:/windows") {
        return Some((0.6, "system directory"));
    }
    if path.contains(".git/hooks") {
        return Some((0.5, "git hooks (run code)"));
    }
    if path.matches("../").count() >= 2 {
        return Some((0.4, "path traversal"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sev(kwargs: Value) -> (f64, Vec<&'static str>) {
        let mut f = Findings::default();
        let map = kwargs.as_object().cloned().unwrap_or_default();
        analyze(&[], &map, ArgHints::default(), &mut f);
        (f.max_severity(), f.signals.iter().map(|s| s.kind).collect())
    }

    #[test]
    fn secrets_by_shape_and_by_field_name() {
        assert!(sev(json!({"x": "AKIAIOSFODNN7EXAMPLE"})).0 >= 0.8);
        assert!(sev(json!({"x": "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"})).0 >= 0.8);
        assert!(sev(json!({"x": "xoxb-1234-5678-abcdefghij"})).0 >= 0.8);
        assert!(sev(json!({"x": "-----BEGIN RSA PRIVATE KEY-----\nMIIE"})).0 >= 0.85);
        assert!(sev(json!({"x": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"})).0 >= 0.7);
        assert!(sev(json!({"password": "hunter22"})).0 >= 0.7);
        assert!(sev(json!({"api_key": "abcd1234"})).0 >= 0.7);
        assert!(sev(json!({"apiKey": "abcd1234"})).0 >= 0.7);
        // Whole words: a tokenizer name or a token budget is not a secret.
        assert_eq!(
            sev(json!({"tokenizer": "cl100k_base", "max_tokens": 4000})).0,
            0.0
        );
        assert_eq!(sev(json!({"password": ""})).0, 0.0);
    }

    #[test]
    fn personal_data() {
        assert!(sev(json!({"to": "alice@example.com"})).1.contains(&"pii"));
        assert!(sev(json!({"card": "4111 1111 1111 1111"})).0 >= 0.75);
        assert!(sev(json!({"n": "4111111111111112"})).0 < 0.7, "fails Luhn");
        assert!(sev(json!({"ssn": "123-45-6789"})).0 >= 0.7);
        assert!(sev(json!({"phone": "+1 415 555 0100"})).1.contains(&"pii"));
        assert!(
            sev(json!({"when": "2024-01-15 10:30:00", "ip": "10.0.0.1", "v": "1.2.3"}))
                .1
                .is_empty()
        );
    }

    #[test]
    fn paths_urls_money_bulk_production() {
        assert!(sev(json!({"path": "/home/u/.ssh/id_rsa"})).0 >= 0.8);
        assert!(sev(json!({"path": ".env"})).0 >= 0.6);
        assert!(sev(json!({"path": "certs/server.pem"})).0 >= 0.7);
        assert_eq!(sev(json!({"path": "src/main.rs"})).0, 0.0);
        assert!(sev(json!({"url": "https://webhook.site/abc"})).0 >= 0.8);
        assert_eq!(sev(json!({"url": "http://localhost:8080/x"})).0, 0.0);
        assert!((sev(json!({"url": "https://api.github.com/repos"})).0 - 0.3).abs() < 1e-9);
        assert!(sev(json!({"amount": 25000, "currency": "usd"})).0 >= 0.8);
        assert!(sev(json!({"amount": 20, "currency": "usd"})).0 < 0.5);
        assert!(sev(json!({"limit": 100000})).0 >= 0.6);
        assert_eq!(sev(json!({"limit": 50})).0, 0.0);
        assert!(sev(json!({"pattern": "*"})).0 >= 0.5);
        assert!(sev(json!({"env": "prod"})).1.contains(&"production"));
        assert_eq!(
            sev(json!({"name": "product catalog"})).0,
            0.0,
            "product is not prod"
        );
        assert!(sev(json!({"recursive": true})).0 >= 0.45);
        assert_eq!(sev(json!({"recursive": false})).0, 0.0);
    }

    #[test]
    fn dangerous_strings_are_found_under_any_key() {
        assert!(sev(json!({"path": "rm -rf /"})).0 >= 0.9);
        assert!(sev(json!({"notes": "DROP TABLE users;"})).0 >= 0.9);
        assert!(sev(json!({"cmd": ["bash", "-lc", "rm -rf /"]})).0 >= 0.9);
        assert!(sev(json!({"code": "import os; os.system('rm -rf /')"})).0 >= 0.9);
        assert!(sev(json!({"command": "ssh web1 'sudo rm -rf /var/www'"})).0 >= 0.75);
        assert!(sev(json!({"command": "echo $AWS_SECRET_ACCESS_KEY"})).0 >= 0.6);
        assert!(sev(json!({"text": "the prod password: hunter22"})).0 >= 0.7);
        assert!(sev(json!({"filter": {}})).0 >= 0.6);
        assert!(sev(json!({"private": false})).0 >= 0.6);
        assert!(sev(json!({"cidr": "0.0.0.0/0"})).0 >= 0.7);
    }

    #[test]
    fn hostile_shapes_are_bounded() {
        let mut deep = json!("rm -rf /");
        for _ in 0..200 {
            deep = json!([deep]);
        }
        let (s, kinds) = sev(json!({ "x": deep }));
        assert!(s >= UNSEEN_ARGUMENTS && kinds.contains(&"size"));
        let wide: Vec<Value> = (0..30_000).map(|i| json!(i)).collect();
        assert!(sev(json!({ "x": wide })).1.contains(&"size"));
    }
}
