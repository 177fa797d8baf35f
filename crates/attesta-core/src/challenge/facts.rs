//! Pulls checkable facts out of an action: the paths, files, tables, recipients, hosts, amounts,
//! branches, environments, programs and record ids a human should have noticed before approving.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::text::{format_amount, identifier_tokens, parse_amount};
use crate::context::ActionContext;

/// What a fact (and a quiz question about it) is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    Directory,
    File,
    Table,
    Recipient,
    Host,
    Amount,
    Branch,
    Environment,
    Command,
    RecordId,
    /// A user or person the action concerns (not as a message recipient).
    Person,
    /// A bank account or wallet address money goes to.
    Account,
    /// A role, permission or scope.
    Role,
    /// A service, deployment or job.
    Service,
    /// A software version or tag.
    Version,
    /// A source repository.
    Repository,
    /// An organisation, project or other resource access applies to.
    Resource,
    /// What will happen (a consequence question, not a value from the arguments).
    Consequence,
    /// The operation the agent calls (its tool or function name).
    Operation,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fact {
    pub kind: FactKind,
    pub value: String,
}

const MAX_DEPTH: usize = 24;
const MAX_FACTS: usize = 64;
/// Long strings are scanned only up to here so a huge argument cannot make generation slow.
const MAX_SCAN: usize = 8192;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+").expect("valid regex")
});
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:https?|ftp|wss?|ssh|s3|gs)://(?:[^@/\s]+@)?([A-Za-z0-9\-.]+)")
        .expect("valid regex")
});
static HOSTNAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?i)(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$|^(?:\d{1,3}\.){3}\d{1,3}$",
    )
    .expect("valid regex")
});
static SQL_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:with\b.*\b)?(select|insert|update|delete|drop|truncate|alter|create|replace|merge)\b")
        .expect("valid regex")
});
static SQL_TABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)\b(?:from|into|update|join|table(?:\s+if\s+(?:not\s+)?exists)?|truncate(?:\s+table)?)\s+[`"\[]?([A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*)?)"#,
    )
    .expect("valid regex")
});
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\+?[0-9][0-9 ()\-.]{6,19}$").expect("valid regex"));
static IDENTIFIER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z_][A-Za-z0-9_.$\-]{0,63}$").expect("valid regex"));
static RECORD_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z0-9][A-Za-z0-9_\-:.]{0,63}$").expect("valid regex"));

/// An element reference of a browser-automation tool's page snapshot (`e412`, `s1e23`).
static ELEMENT_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:s\d{1,4})?e\d{1,6}$").expect("valid regex"));

/// The role an argument plays, judged from its key (or, for positional arguments, the action name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Path,
    Directory,
    File,
    Table,
    Recipient,
    Host,
    Amount,
    Branch,
    Environment,
    Command,
    RecordId,
    Person,
    Account,
    Permission,
    Service,
    Version,
    Repository,
    Resource,
    Unknown,
}

fn role_of(tokens: &[String]) -> Role {
    let has = |words: &[&str]| tokens.iter().any(|t| words.contains(&t.as_str()));
    let last = tokens.last().map(String::as_str).unwrap_or("");
    // `sourceCurrency: USD` is the currency of an amount, no path or account.
    if has(&["currency", "currencies"]) {
        return Role::Unknown;
    }
    // `email_subject`, `message_body`: what a message says, no person or address.
    if has(&["subject", "body", "text", "content", "html", "markdown"]) {
        return Role::Unknown;
    }
    if has(&[
        "command",
        "cmd",
        "script",
        "shell",
        "commandline",
        "bash",
        "exec",
    ]) {
        Role::Command
    } else if last != "id"
        && !has(&["email", "mail", "ip", "host", "web", "url"])
        && (has(&["iban", "wallet", "address", "bic", "swift"])
            || (has(&["account"])
                && has(&["to", "destination", "target", "number", "beneficiary"])))
    {
        Role::Account
    } else if has(&["version", "tag", "image", "sha", "commit"]) {
        Role::Version
    } else if has(&["repo", "repository"]) {
        Role::Repository
    } else if has(&[
        "user",
        "username",
        "member",
        "assignee",
        "principal",
        "beneficiary",
        "payee",
        "grantee",
        "invitee",
        "employee",
        "owner",
    ]) || (has(&["email"]) && !has(&["to", "cc", "bcc", "recipient", "recipients"]))
    {
        Role::Person
    } else if has(&[
        "role",
        "roles",
        "permission",
        "permissions",
        "scope",
        "scopes",
        "privilege",
    ]) {
        Role::Permission
    } else if has(&[
        "service",
        "deployment",
        "app",
        "application",
        "job",
        "workload",
        "function",
        "queue",
    ]) {
        Role::Service
    } else if has(&[
        "resource",
        "project",
        "org",
        "organization",
        "organisation",
        "bucket",
        "workspace",
        "database",
        "db",
        "schema",
        "keyspace",
    ]) {
        Role::Resource
    } else if has(&[
        "to",
        "recipient",
        "recipients",
        "cc",
        "bcc",
        "email",
        "emails",
        "mail",
        "addressee",
        "with",
    ]) {
        Role::Recipient
    } else if has(&["table", "tables", "tablename", "collection"]) {
        Role::Table
    } else if has(&["dir", "directory", "folder", "cwd", "workdir"]) {
        Role::Directory
    } else if has(&["file", "filename", "filepath"]) {
        Role::File
    } else if has(&[
        "path",
        "paths",
        "src",
        "source",
        "dest",
        "destination",
        "target",
    ]) {
        Role::Path
    } else if has(&[
        "url", "uri", "host", "hostname", "server", "endpoint", "domain", "webhook",
    ]) {
        Role::Host
    } else if has(&[
        "amount", "amounts", "total", "price", "cost", "sum", "payment", "fee", "value",
        "quantity", "balance", "usd", "eur", "cents",
    ]) {
        Role::Amount
    } else if has(&["branch", "ref", "refspec", "head", "base"]) {
        Role::Branch
    } else if has(&["environment", "env", "stage", "cluster", "namespace"]) {
        Role::Environment
    } else if last == "id" || last == "ids" || last == "uuid" || has(&["record", "rid", "pk"]) {
        Role::RecordId
    } else {
        Role::Unknown
    }
}

/// Command-line options whose value is the object acted on.
const OBJECT_OPTIONS: &[&str] = &[
    "user",
    "project",
    "bucket",
    "instance",
    "instances",
    "cluster",
    "namespace",
    "group",
    "resource-group",
    "repo",
    "repository",
    "table",
    "database",
    "db",
    "service",
    "function",
    "stack",
    "role",
    "member",
    "vault",
    "queue",
    "topic",
    "secret",
    "key",
    "branch",
];

/// `gcloud`/`az` verbs followed by the name of what they act on.
const CLI_VERBS: &[&str] = &[
    "delete",
    "patch",
    "update",
    "create",
    "stop",
    "start",
    "reset",
    "restart",
    "resize",
    "deploy",
    "add-iam-policy-binding",
    "remove-iam-policy-binding",
    "set-iam-policy",
    "import",
    "export",
    "restore",
    "promote-replica",
    "failover",
];

struct Collector {
    facts: Vec<Fact>,
}

impl Collector {
    fn push(&mut self, kind: FactKind, value: &str) {
        let value = value.trim();
        // A redacted value is never asked about (nor anything that contains a marker).
        if value.is_empty()
            || value.contains("[REDACTED")
            || value.chars().count() > 200
            || self.facts.len() >= MAX_FACTS
        {
            return;
        }
        // An address already known as the person concerned is not also a recipient.
        let person_already = kind == FactKind::Recipient
            && self
                .facts
                .iter()
                .any(|f| f.kind == FactKind::Person && f.value == value);
        if !person_already
            && !self
                .facts
                .iter()
                .any(|f| f.kind == kind && f.value == value)
        {
            self.facts.push(Fact {
                kind,
                value: value.to_owned(),
            });
        }
    }

    fn path(&mut self, raw: &str, role: Role) {
        let path = raw.trim();
        if path.is_empty() || path.contains('\n') || path.contains("://") {
            return;
        }
        let trimmed = path.trim_end_matches('/');
        if trimmed.is_empty() {
            self.push(FactKind::Directory, "/");
            return;
        }
        let (parent, last) = match trimmed.rfind('/') {
            Some(0) => ("/", &trimmed[1..]),
            Some(i) => (&trimmed[..i], &trimmed[i + 1..]),
            None => ("", trimmed),
        };
        let looks_like_file = role != Role::Directory
            && !path.ends_with('/')
            && (role == Role::File || last.rfind('.').is_some_and(|i| i > 0 && i + 1 < last.len()));
        if looks_like_file {
            self.push(FactKind::File, last);
            if !parent.is_empty() && parent != "." && parent != "~" {
                self.push(FactKind::Directory, parent);
            }
        } else {
            self.push(FactKind::Directory, trimmed);
        }
    }

    fn command(&mut self, command: &str) {
        let tokens: Vec<&str> = command.split_whitespace().collect();
        let mut program = None;
        for token in &tokens {
            let t = token.trim_matches(|c| c == '"' || c == '\'');
            if ["sudo", "env", "nohup", "time", "exec", "nice", "doas"].contains(&t)
                || t.starts_with('-')
                || t.contains('=')
            {
                continue;
            }
            program = Some(t.rsplit('/').next().unwrap_or(t));
            break;
        }
        if let Some(p) = program.filter(|p| IDENTIFIER.is_match(p)) {
            self.push(FactKind::Command, p);
        }
        for token in tokens.iter().skip(1) {
            let t = token.trim_matches(|c| c == '"' || c == '\'' || c == ';');
            if t.starts_with('/')
                || t.starts_with("~/")
                || t.starts_with("./")
                || t.starts_with("../")
            {
                self.path(t, Role::Path);
            }
        }
        // `kubectl delete namespace billing`, `helm uninstall api`: the object acted on.
        if tokens
            .first()
            .is_some_and(|t| ["kubectl", "helm", "oc"].contains(t))
        {
            let rest: Vec<&str> = tokens[1..]
                .iter()
                .copied()
                .filter(|t| !t.starts_with('-'))
                .collect();
            match rest.as_slice() {
                ["delete" | "scale" | "drain" | "cordon", _kind, name, ..] => {
                    self.push(FactKind::Resource, name)
                }
                ["uninstall" | "rollback", name, ..] => self.push(FactKind::Resource, name),
                _ => {}
            }
        }
        // `git push origin main`, `git checkout -b feature`, `git push --force origin release`
        if tokens.first().is_some_and(|t| *t == "git") {
            let rest: Vec<&str> = tokens[1..]
                .iter()
                .copied()
                .filter(|t| !t.starts_with('-'))
                .collect();
            match rest.as_slice() {
                ["push", _remote, branch, ..] => {
                    self.push(FactKind::Branch, branch.trim_start_matches('+'))
                }
                // `git reset --hard origin/main`: the ref the checkout is reset to.
                [
                    "checkout" | "switch" | "merge" | "rebase" | "reset",
                    branch,
                    ..,
                ] => self.push(FactKind::Branch, branch),
                _ => {}
            }
        }
        self.cli_objects(&tokens);
        self.scan_free_text(command);
    }

    /// What a cloud command line acts on: the value of an option that names an object
    /// (`--user-name ci-deployer`, `--policy-arn …/AdministratorAccess`, `--project=shop-prod`),
    /// the name after a `gcloud`/`az` verb (`gcloud sql instances patch orders-db`), and an
    /// address range open to every address (`--authorized-networks=0.0.0.0/0`).
    fn cli_objects(&mut self, tokens: &[&str]) {
        let clean = |t: &str| {
            t.trim_matches(|c| c == '"' || c == '\'' || c == ';')
                .to_owned()
        };
        for (i, token) in tokens.iter().enumerate() {
            let Some(option) = token.strip_prefix("--") else {
                continue;
            };
            let (name, value) = match option.split_once('=') {
                Some((n, v)) => (n.to_owned(), clean(v)),
                None => (
                    option.to_owned(),
                    tokens.get(i + 1).map(|t| clean(t)).unwrap_or_default(),
                ),
            };
            if value.is_empty() || value.starts_with('-') {
                continue;
            }
            for range in value.split(',') {
                if range == "0.0.0.0/0" || range == "::/0" {
                    self.push(FactKind::Person, range);
                }
            }
            let names_object = OBJECT_OPTIONS.contains(&name.as_str())
                || ["-name", "-id", "-identifier", "-arn"]
                    .iter()
                    .any(|end| name.ends_with(end));
            if !names_object || !value.chars().any(char::is_alphabetic) || value.len() > 120 {
                continue;
            }
            let object = if name.ends_with("arn") {
                value.rsplit(['/', ':']).next().unwrap_or(&value).to_owned()
            } else {
                value.clone()
            };
            if object.len() >= 3 {
                self.push(FactKind::Resource, &object);
            }
        }
        if tokens.first().is_some_and(|t| ["gcloud", "az"].contains(t)) {
            let rest: Vec<&str> = tokens[1..]
                .iter()
                .copied()
                .take_while(|t| !t.starts_with('-'))
                .collect();
            if let Some(at) = rest.iter().position(|t| CLI_VERBS.contains(t))
                && let Some(name) = rest.get(at + 1)
                && name.len() >= 3
            {
                self.push(FactKind::Resource, &clean(name));
            }
        }
    }

    /// Things recognisable in any string whatever its key: e-mail addresses, URLs, SQL tables.
    fn scan_free_text(&mut self, s: &str) {
        for m in EMAIL.find_iter(s) {
            self.push(FactKind::Recipient, m.as_str());
        }
        for c in URL.captures_iter(s) {
            if let Some(host) = c.get(1) {
                self.push(FactKind::Host, host.as_str().trim_end_matches('.'));
            }
        }
        if SQL_VERB.is_match(s) {
            for c in SQL_TABLE.captures_iter(s) {
                if let Some(t) = c.get(1) {
                    let name = t.as_str();
                    let lower = name.to_ascii_lowercase();
                    if !["select", "where", "set", "values", "exists", "if", "only"]
                        .contains(&lower.as_str())
                    {
                        self.push(FactKind::Table, name);
                    }
                }
            }
        }
    }

    fn string(&mut self, s: &str, role: Role) {
        let s = truncate(s, MAX_SCAN);
        let trimmed = s.trim();
        // A wallet address is an account whatever its key says (`{"to": "0x4B08…"}`).
        if looks_like_wallet(trimmed) {
            self.push(FactKind::Account, trimmed);
            return;
        }
        // A path is a path whatever its key says (`{"to": "/srv/archive"}` in a move).
        if looks_like_path(trimmed)
            && !matches!(
                role,
                Role::Command | Role::Path | Role::Directory | Role::File
            )
        {
            self.path(trimmed, Role::Path);
            self.scan_free_text(s);
            return;
        }
        // A date (`"to": "2024-08-31"` of a date range) is no recipient, branch or name.
        let date = trimmed.len() >= 10
            && trimmed.as_bytes()[..10].iter().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    *b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if date
            && matches!(
                role,
                Role::Recipient | Role::Branch | Role::Person | Role::Environment | Role::Table
            )
        {
            return;
        }
        match role {
            Role::Command => self.command(trimmed),
            Role::Recipient => {
                // An identifier, a phone number (`+14155550123`) or a name (`Kavya Softworks
                // Pvt Ltd`); addresses are found in the free text.
                let name = trimmed.len() <= 64
                    && trimmed.starts_with(|c: char| c.is_alphabetic())
                    && !trimmed.contains(['\n', '/', ':']);
                if !EMAIL.is_match(trimmed)
                    && (IDENTIFIER.is_match(trimmed) || PHONE.is_match(trimmed) || name)
                {
                    self.push(FactKind::Recipient, trimmed);
                }
            }
            Role::Table if IDENTIFIER.is_match(trimmed) => self.push(FactKind::Table, trimmed),
            Role::Path | Role::Directory | Role::File if !URL.is_match(trimmed) => {
                self.path(trimmed, role)
            }
            Role::Host if HOSTNAME.is_match(trimmed) => {
                self.push(FactKind::Host, &trimmed.to_ascii_lowercase())
            }
            Role::Amount => {
                if let Some(v) = parse_amount(trimmed).filter(|v| *v >= 0.01) {
                    self.push(FactKind::Amount, &format_amount(v));
                }
            }
            // A browser tool's element reference (`ref: e412`, `s1e23`) is no git ref.
            Role::Branch
                if (IDENTIFIER.is_match(trimmed) || trimmed.contains('/'))
                    && !ELEMENT_REF.is_match(trimmed) =>
            {
                self.push(FactKind::Branch, trimmed);
            }
            Role::Environment if IDENTIFIER.is_match(trimmed) => {
                self.push(FactKind::Environment, trimmed)
            }
            Role::RecordId if RECORD_ID.is_match(trimmed) => self.push(FactKind::RecordId, trimmed),
            Role::Person if !trimmed.contains(char::is_whitespace) || trimmed.len() <= 64 => {
                self.push(FactKind::Person, trimmed)
            }
            Role::Account if !trimmed.contains('\n') && trimmed.len() >= 8 => {
                self.push(FactKind::Account, trimmed)
            }
            // `roles/owner`, `arn:…:policy/Admin`, `read:org`.
            // `Global Administrator`: a role name of a few words.
            Role::Permission
                if IDENTIFIER.is_match(trimmed)
                    || trimmed.contains(':')
                    || (trimmed.len() <= 40
                        && (2..=4).contains(&trimmed.split_whitespace().count())
                        && trimmed.chars().all(|c| c.is_alphanumeric() || c == ' '))
                    || (trimmed.contains('/')
                        && RECORD_ID.is_match(&trimmed.replace('/', "-"))) =>
            {
                self.push(FactKind::Role, trimmed)
            }
            Role::Service if IDENTIFIER.is_match(trimmed) => self.push(FactKind::Service, trimmed),
            Role::Version if RECORD_ID.is_match(trimmed) => self.push(FactKind::Version, trimmed),
            Role::Repository | Role::Resource
                if !trimmed.contains(char::is_whitespace) && trimmed.len() <= 100 =>
            {
                let kind = if role == Role::Repository {
                    FactKind::Repository
                } else {
                    FactKind::Resource
                };
                self.push(kind, trimmed)
            }
            _ => {
                if role == Role::Unknown && looks_like_path(trimmed) {
                    self.path(trimmed, Role::Path);
                }
            }
        }
        if role != Role::Command {
            self.scan_free_text(s);
        }
    }

    fn number(&mut self, n: &serde_json::Number, role: Role) {
        match role {
            Role::Amount => {
                if let Some(v) = n.as_f64().filter(|v| v.is_finite() && *v >= 0.01) {
                    self.push(FactKind::Amount, &format_amount(v));
                }
            }
            Role::RecordId => self.push(FactKind::RecordId, &n.to_string()),
            Role::Version => self.push(FactKind::Version, &n.to_string()),
            _ => {}
        }
    }

    fn walk(&mut self, value: &Value, role: Role, depth: usize) {
        if depth > MAX_DEPTH || self.facts.len() >= MAX_FACTS {
            return;
        }
        match value {
            Value::String(s) => self.string(s, role),
            Value::Number(n) => self.number(n, role),
            Value::Array(items) => {
                for item in items {
                    self.walk(item, role, depth + 1);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    let key_role = role_of(&identifier_tokens(key));
                    self.walk(item, key_role, depth + 1);
                }
            }
            Value::Bool(_) | Value::Null => {}
        }
    }
}

/// An Ethereum-style (`0x` and 40 hex digits) or Bitcoin bech32 (`bc1…`) address.
fn looks_like_wallet(s: &str) -> bool {
    let hex = s.len() == 42 && s.starts_with("0x") && s[2..].chars().all(|c| c.is_ascii_hexdigit());
    let bech32 = (s.starts_with("bc1") || s.starts_with("tb1"))
        && (26..=90).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_alphanumeric());
    hex || bech32
}

fn looks_like_path(s: &str) -> bool {
    !s.contains(char::is_whitespace)
        && (s.starts_with('/')
            || s.starts_with("~/")
            || s.starts_with("./")
            || s.starts_with("../"))
        && s.len() > 1
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Every fact in the action, deduplicated, in argument order.
pub(crate) fn extract(ctx: &ActionContext) -> Vec<Fact> {
    let mut collector = Collector { facts: Vec::new() };
    let name_tokens = identifier_tokens(&ctx.function_name);
    // Positional arguments have no key: the action's name says what they are (`delete_table("users")`).
    let positional_role = role_of(&name_tokens);
    let positional_role = if positional_role == Role::Unknown
        && name_tokens
            .iter()
            .any(|t| ["run", "execute", "shell", "terminal"].contains(&t.as_str()))
    {
        Role::Command
    } else {
        positional_role
    };
    for arg in &ctx.args {
        collector.walk(arg, positional_role, 0);
    }
    for (key, value) in &ctx.kwargs {
        collector.walk(value, role_of(&identifier_tokens(key)), 0);
    }
    if let Some(env) = ctx
        .environment
        .as_deref()
        .filter(|e| IDENTIFIER.is_match(e.trim()))
    {
        collector.push(FactKind::Environment, env);
    }
    collector.facts
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kinds(ctx: &ActionContext) -> Vec<(FactKind, String)> {
        extract(ctx)
            .into_iter()
            .map(|f| (f.kind, f.value))
            .collect()
    }

    #[test]
    fn dates_and_element_refs_are_no_targets() {
        let share = ActionContext::new("mychart_share_records")
            .with_kwarg("recipient", "Dr. Hannelore Voss")
            .with_kwarg(
                "date_range",
                json!({"from": "2019-01-01", "to": "2024-08-31"}),
            );
        let facts = kinds(&share);
        assert!(
            facts.contains(&(FactKind::Recipient, "Dr. Hannelore Voss".into())),
            "{facts:?}"
        );
        assert!(!facts.iter().any(|(_, v)| v.starts_with("20")), "{facts:?}");
        let click = ActionContext::new("mcp__playwright__browser_click").with_kwarg("ref", "e412");
        assert!(!kinds(&click).iter().any(|(k, _)| *k == FactKind::Branch));
        let push = ActionContext::new("git_push").with_kwarg("ref", "release/2.1");
        assert!(kinds(&push).contains(&(FactKind::Branch, "release/2.1".into())));
        let tag = ActionContext::new("git_push").with_kwarg("ref", "v2");
        assert!(kinds(&tag).contains(&(FactKind::Branch, "v2".into())));
        let nested = ActionContext::new("browser_click").with_kwarg("ref", "s1e23");
        assert!(!kinds(&nested).iter().any(|(k, _)| *k == FactKind::Branch));
    }

    #[test]
    fn shell_command_yields_program_and_paths() {
        let ctx =
            ActionContext::new("run_shell").with_kwarg("command", "sudo rm -rf /var/data/prod");
        let facts = kinds(&ctx);
        assert!(
            facts.contains(&(FactKind::Command, "rm".into())),
            "{facts:?}"
        );
        assert!(
            facts.contains(&(FactKind::Directory, "/var/data/prod".into())),
            "{facts:?}"
        );
    }

    #[test]
    fn sql_yields_tables_and_files_yield_file_and_directory() {
        let ctx = ActionContext::new("execute_sql")
            .with_kwarg("query", "DELETE FROM customers WHERE id = 4")
            .with_kwarg("path", "/srv/reports/q3.csv");
        let facts = kinds(&ctx);
        assert!(
            facts.contains(&(FactKind::Table, "customers".into())),
            "{facts:?}"
        );
        assert!(
            facts.contains(&(FactKind::File, "q3.csv".into())),
            "{facts:?}"
        );
        assert!(
            facts.contains(&(FactKind::Directory, "/srv/reports".into())),
            "{facts:?}"
        );
    }

    #[test]
    fn recipients_hosts_amounts_branches_and_ids() {
        let ctx = ActionContext::new("send_payment")
            .with_kwarg("to", json!(["alice@example.com"]))
            .with_kwarg("amount", 1250.5)
            .with_kwarg("callback_url", "https://hooks.example.net/pay")
            .with_kwarg("branch", "release/2.1")
            .with_kwarg("invoice_id", "inv_2024_77")
            .with_environment("production");
        let facts = kinds(&ctx);
        for expected in [
            (FactKind::Recipient, "alice@example.com"),
            (FactKind::Amount, "1250.50"),
            (FactKind::Host, "hooks.example.net"),
            (FactKind::Branch, "release/2.1"),
            (FactKind::RecordId, "inv_2024_77"),
            (FactKind::Environment, "production"),
        ] {
            assert!(
                facts.contains(&(expected.0, expected.1.to_owned())),
                "{expected:?} in {facts:?}"
            );
        }
    }

    #[test]
    fn positional_arguments_take_their_role_from_the_action_name() {
        let ctx = ActionContext::new("drop_table").with_arg("users");
        assert_eq!(kinds(&ctx), [(FactKind::Table, "users".to_owned())]);
        let ctx =
            ActionContext::new("git_push").with_kwarg("command", "git push --force origin main");
        assert!(kinds(&ctx).contains(&(FactKind::Branch, "main".into())));
    }

    #[test]
    fn paths_are_paths_whatever_their_key() {
        let ctx = ActionContext::new("move_file")
            .with_kwarg("from", "/srv/in/a.txt")
            .with_kwarg("to", "/srv/archive/");
        let facts = kinds(&ctx);
        assert!(
            facts.contains(&(FactKind::Directory, "/srv/archive".into())),
            "{facts:?}"
        );
        assert!(
            facts.contains(&(FactKind::File, "a.txt".into())),
            "{facts:?}"
        );
        assert!(
            !facts.iter().any(|f| f.0 == FactKind::Recipient),
            "{facts:?}"
        );
    }

    #[test]
    fn content_free_actions_have_no_facts() {
        assert!(extract(&ActionContext::new("ping")).is_empty());
        assert!(extract(&ActionContext::new("noop").with_kwarg("verbose", true)).is_empty());
    }
}
