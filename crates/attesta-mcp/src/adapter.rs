//! The Attesta pipeline as a [`ToolCallGate`], and [`wrap`], the whole `attesta mcp wrap`.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;

use attesta::config_file::LoadedConfig;
use attesta::reviewer::{NonInteractiveReviewer, Reviewer, TerminalReviewer};
use attesta::{ActionContext, ApprovalResult, Attesta, AttestaBuilder, EvaluateOptions, RiskLevel, Verdict};
use attesta_core::config::{Config, Unattended};
use futures::FutureExt;
use futures::future::BoxFuture;
use serde_json::Value;

use crate::child::{ChildOptions, serve_child};
use crate::error::McpError;
use crate::framing::DEFAULT_MAX_LINE_BYTES;
use crate::gate::{GateDecision, ReviewCancellation, ToolCall, ToolCallGate};
use crate::relay::{Relay, RelayOptions};
use crate::review::{CURRENT_REVIEW, McpReviewer};

/// Who is calling, recorded on every action.
#[derive(Debug, Clone, Default)]
pub struct CallerIdentity {
    pub agent_id: Option<String>,
    pub session_id: Option<String>,
    pub environment: Option<String>,
}

/// Gates tool calls with an [`Attesta`] pipeline.
#[derive(Debug, Clone)]
pub struct AttestaGate {
    attesta: Attesta,
    server_command: String,
    overrides: Arc<HashMap<String, RiskLevel>>,
    caller: CallerIdentity,
}

impl AttestaGate {
    /// `overrides` are code-level risk overrides by tool name (`--risk-override TOOL=LEVEL`):
    /// they bypass scoring and beat the config's overrides.
    pub fn new(attesta: Attesta, server_command: &[OsString], overrides: HashMap<String, RiskLevel>, caller: CallerIdentity) -> Self {
        let server_command =
            server_command.iter().map(|a| a.to_string_lossy().into_owned()).collect::<Vec<_>>().join(" ");
        AttestaGate { attesta, server_command, overrides: Arc::new(overrides), caller }
    }

    /// The action the pipeline sees for a tool call.
    pub fn action_context(&self, call: &ToolCall) -> ActionContext {
        let mut ctx = ActionContext::new(call.tool.clone());
        match &call.arguments {
            Some(Value::Object(arguments)) => ctx.kwargs = arguments.clone(),
            // Not an object (against the MCP schema): keep it, so it is still scored and audited.
            Some(Value::Null) | None => {}
            Some(other) => ctx.args.push(other.clone()),
        }
        ctx.function_doc = call.description.clone();
        // Server annotations can only raise risk (hints never lower it), so only the alarming
        // ones are passed on; a server claiming `readOnlyHint` proves nothing.
        if let Some(annotations) = call.annotations.as_ref().and_then(Value::as_object) {
            if annotations.get("destructiveHint") == Some(&Value::Bool(true)) {
                ctx.hints.insert("destructive".into(), Value::Bool(true));
            }
            if annotations.get("openWorldHint") == Some(&Value::Bool(true)) {
                ctx.hints.insert("external".into(), Value::Bool(true));
            }
        }
        ctx.agent_id = self.caller.agent_id.clone();
        ctx.session_id = self.caller.session_id.clone();
        ctx.environment = self.caller.environment.clone();
        ctx.metadata.insert("source".into(), "mcp".into());
        ctx.metadata.insert("server_command".into(), self.server_command.clone().into());
        ctx.metadata.insert("tool".into(), call.tool.clone().into());
        if let Some(id) = &call.request_id {
            ctx.metadata.insert("mcp_request_id".into(), id.to_value());
        } else {
            ctx.metadata.insert("mcp_notification".into(), true.into());
        }
        if call.in_batch {
            ctx.metadata.insert("mcp_batch".into(), true.into());
        }
        ctx
    }
}

impl ToolCallGate for AttestaGate {
    fn decide(&self, call: ToolCall, cancellation: ReviewCancellation) -> BoxFuture<'static, GateDecision> {
        let ctx = self.action_context(&call);
        let options = EvaluateOptions { risk_override: self.overrides.get(&call.tool).copied(), ..EvaluateOptions::default() };
        let attesta = self.attesta.clone();
        // The reviewer reads the cancellation from the task-local, so a client's
        // `notifications/cancelled` ends the review as a denial the pipeline audits.
        CURRENT_REVIEW
            .scope(cancellation, async move {
                gate_decision(attesta.evaluate_with(ctx, options).await)
            })
            .boxed()
    }
}

/// The relay's view of a pipeline result.
///
/// A modification that cannot be expressed as MCP arguments turns the decision into a denial:
/// dropping it while the verdict still says the call may run would forward the original call,
/// i.e. exactly what the reviewer changed.
fn gate_decision(result: ApprovalResult) -> GateDecision {
    let mut decision = GateDecision {
        verdict: result.verdict,
        risk_level: Some(result.risk.level),
        risk_score: Some(result.risk.score),
        reason: result.reason,
        audit_entry_id: result.audit_entry_id,
        modified_arguments: None,
    };
    let unusable = match result.modification {
        Some(modification) => match modified_arguments(modification) {
            Ok(arguments) => {
                decision.modified_arguments = Some(arguments);
                None
            }
            Err(why) => Some(why),
        },
        None if result.verdict == Verdict::Modified => Some("the verdict came without modified arguments"),
        None => None,
    };
    if let Some(why) = unusable
        && decision.verdict.runs()
    {
        decision.reason =
            format!("the reviewer modified the call, but {why}; denied rather than running the original arguments ({})", decision.reason);
        decision.verdict = Verdict::Denied;
    }
    decision
}

/// A reviewer's modification `{"args": [...], "kwargs": {...}}` as MCP `arguments` (an object).
/// Positional arguments have no place in an MCP call, so a modification that sets any cannot
/// be applied faithfully.
fn modified_arguments(modification: Value) -> Result<Value, &'static str> {
    let Value::Object(mut m) = modification else {
        return Err("the modification is not an object of args and kwargs");
    };
    if m.get("args").and_then(Value::as_array).is_some_and(|args| !args.is_empty()) {
        return Err("the modification has positional arguments, which an MCP call cannot carry");
    }
    if m.get("args").is_some_and(|args| !args.is_array()) {
        return Err("the modification's args are not a list");
    }
    match m.remove("kwargs") {
        Some(kwargs @ Value::Object(_)) => Ok(kwargs),
        _ => Err("the modification has no keyword arguments object"),
    }
}

/// Parses `TOOL=LEVEL` (the level is one of low, medium, high, critical).
pub fn parse_risk_override(value: &str) -> Result<(String, RiskLevel), McpError> {
    let err = |reason: &str| McpError::RiskOverride { value: value.to_owned(), reason: reason.to_owned() };
    let (tool, level) = value.rsplit_once('=').ok_or_else(|| err("no `=`"))?;
    let tool = tool.trim();
    if tool.is_empty() {
        return Err(err("the tool name is empty"));
    }
    let level = level.trim().to_ascii_lowercase().parse::<RiskLevel>().map_err(|e| err(&e.to_string()))?;
    Ok((tool.to_owned(), level))
}

/// Everything `attesta mcp wrap` takes.
#[derive(Debug, Clone)]
pub struct WrapOptions {
    /// The MCP server command and its arguments.
    pub command: Vec<OsString>,
    /// `-c/--config`; when `None`, `attesta.yaml` (or .yml/.json/.toml) in the current
    /// directory is used if present, else the defaults.
    pub config: Option<PathBuf>,
    /// `--risk-override TOOL=LEVEL`, already parsed ([`parse_risk_override`]).
    pub risk_overrides: Vec<(String, RiskLevel)>,
    pub caller: CallerIdentity,
    /// `--audit-log`: overrides `audit.path`.
    pub audit_log: Option<PathBuf>,
    pub max_line_bytes: usize,
    pub child: ChildOptions,
}

impl WrapOptions {
    pub fn new(command: Vec<OsString>) -> Self {
        WrapOptions {
            command,
            config: None,
            risk_overrides: Vec::new(),
            caller: CallerIdentity::default(),
            audit_log: None,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            child: ChildOptions::default(),
        }
    }
}

/// Runs the proxy on this process's stdin/stdout until the server exits; returns its exit code.
///
/// Exit the process soon after this returns (`std::process::exit`): the read of the real stdin
/// runs on a blocking thread that a runtime shutdown would otherwise wait for.
pub async fn wrap(options: WrapOptions) -> Result<i32, McpError> {
    if options.command.is_empty() {
        return Err(McpError::EmptyCommand);
    }
    let session = Arc::new(std::sync::Mutex::new(attesta_core::Session::new()));
    let relay = Relay::new(RelayOptions {
        max_line_bytes: options.max_line_bytes,
        session: Some(session),
        ..RelayOptions::default()
    });
    let attesta = build_pipeline(&options, &relay)?;
    tracing::info!(reviewer = attesta.reviewer_name(), environment = attesta.environment(), "attesta mcp wrap ready");
    let overrides = options.risk_overrides.iter().cloned().collect();
    let gate = AttestaGate::new(attesta, &options.command, overrides, options.caller.clone());
    let (code, _stats) = serve_child(
        &options.command,
        relay,
        Arc::new(gate),
        tokio::io::stdin(),
        tokio::io::stdout(),
        &options.child,
    )
    .await?;
    Ok(code)
}

/// Loads the configuration and builds the pipeline with the proxy's reviewer.
pub fn build_pipeline(options: &WrapOptions, relay: &Relay) -> Result<Attesta, McpError> {
    let config_path = options.config.clone();
    let pipeline_error = |message: String| McpError::Pipeline { config: config_path.clone(), message };
    let loaded = match &options.config {
        Some(path) => LoadedConfig::load(path).map_err(|e| pipeline_error(e.to_string()))?,
        None => {
            let cwd = std::env::current_dir().map_err(|e| pipeline_error(e.to_string()))?;
            match LoadedConfig::discover(&cwd).map_err(|e| pipeline_error(e.to_string()))? {
                Some(loaded) => loaded,
                None => LoadedConfig::defaults(cwd),
            }
        }
    };
    let explicit_reviewer = loaded.config.reviewer.is_some();
    let fallback = fallback_reviewer(&loaded.config);
    let mut builder = AttestaBuilder::from_loaded(loaded);
    // Calls are judged in the context of the session the relay observes (results included).
    if let Some(session) = relay.session() {
        builder = builder.scorer(Arc::new(attesta_core::session::SessionScorer::new(
            Box::new(attesta_core::scoring::DefaultRiskScorer::new()),
            session,
        )));
    }
    // An explicit `reviewer:` in the config is the operator's choice and wins; otherwise the
    // client's own UI (elicitation) comes first, then the terminal, then denial.
    if !explicit_reviewer {
        builder = builder.reviewer(Arc::new(McpReviewer::new(relay.elicitor(), fallback)));
    }
    if let Some(path) = &options.audit_log {
        builder = builder.audit_path(path);
    }
    if let Some(environment) = &options.caller.environment {
        builder = builder.environment(environment);
    }
    builder.build().map_err(|e| pipeline_error(e.to_string()))
}

/// The reviewer used when the client cannot show forms. (The approval-server reviewer joins
/// here, before the terminal, once the library provides it.)
fn fallback_reviewer(config: &Config) -> Arc<dyn Reviewer> {
    let terminal = TerminalReviewer::new();
    if terminal.is_available() {
        Arc::new(terminal)
    } else if config.policy.unattended == Unattended::Allow {
        Arc::new(NonInteractiveReviewer::allow())
    } else {
        Arc::new(NonInteractiveReviewer::deny())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn risk_overrides_parse_strictly() {
        assert_eq!(parse_risk_override("write_file=critical").unwrap(), ("write_file".into(), RiskLevel::Critical));
        assert_eq!(parse_risk_override(" mcp__fs__read = LOW ").unwrap(), ("mcp__fs__read".into(), RiskLevel::Low));
        assert!(parse_risk_override("write_file").unwrap_err().to_string().contains("TOOL=LEVEL"));
        assert!(parse_risk_override("=high").is_err());
        assert!(parse_risk_override("x=extreme").is_err());
    }

    #[test]
    fn modifications_become_arguments() {
        assert_eq!(modified_arguments(json!({"args": [], "kwargs": {"path": "/tmp"}})), Ok(json!({"path": "/tmp"})));
        assert_eq!(modified_arguments(json!({"kwargs": {"path": "/tmp"}})), Ok(json!({"path": "/tmp"})));
        assert!(modified_arguments(json!({"args": ["x"]})).is_err());
        // Dropping the positional part would forward something the reviewer never wrote.
        assert!(modified_arguments(json!({"args": ["x"], "kwargs": {"path": "/tmp"}})).is_err());
        assert!(modified_arguments(json!({"args": "x", "kwargs": {}})).is_err());
        assert!(modified_arguments(json!("rm -rf /tmp/x")).is_err());
    }

    fn result(verdict: Verdict, modification: Option<Value>) -> ApprovalResult {
        ApprovalResult {
            verdict,
            risk: attesta::RiskAssessment::from_score(0.8, "test", Vec::new()),
            challenge: None,
            approvers: vec!["alice".into()],
            approver_authenticated: false,
            review_seconds: 1.0,
            audit_entry_id: "audit-1".into(),
            modification,
            reason: "narrowed".into(),
            mode: attesta::Mode::Enforce,
            enforced_verdict: verdict,
            trust_before: None,
            intercepted_at: jiff::Timestamp::UNIX_EPOCH,
            decided_at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn an_unusable_modification_denies_instead_of_running_the_original() {
        let applied = gate_decision(result(Verdict::Modified, Some(json!({"args": [], "kwargs": {"path": "/tmp"}}))));
        assert_eq!((applied.verdict, applied.modified_arguments), (Verdict::Modified, Some(json!({"path": "/tmp"}))));
        for modification in [None, Some(json!({"args": ["/tmp"]})), Some(json!({"args": ["/"], "kwargs": {}})), Some(json!([1]))] {
            let d = gate_decision(result(Verdict::Modified, modification.clone()));
            assert_eq!(d.verdict, Verdict::Denied, "{modification:?}");
            assert!(!d.allows());
            assert_eq!(d.modified_arguments, None);
            assert!(d.reason.contains("reviewer modified the call") && d.reason.contains("narrowed"), "{}", d.reason);
            assert_eq!(d.audit_entry_id, "audit-1");
        }
        // A plain approval carries nothing to apply and stays an approval.
        assert_eq!(gate_decision(result(Verdict::Approved, None)).verdict, Verdict::Approved);
        assert_eq!(gate_decision(result(Verdict::Denied, Some(json!([1])))).verdict, Verdict::Denied);
    }
}
