//! Every flag and subcommand, in one place. Help text, completions and parsing all come from here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Human-in-the-loop approval for AI agent tool calls.
///
/// Attesta scores each tool call's risk, makes a human pass a challenge proportional to it, and
/// records every decision in a hash-chained audit log.
///
/// Exit codes: 0 ok, 1 failure (broken audit chain, runtime error), 2 usage or config error,
/// 3 denied.
#[derive(Debug, Parser)]
#[command(name = "attesta", version, propagate_version = true, arg_required_else_help = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The arguments after `attesta hook <agent>`, parsed on their own: a coding agent starts a
/// new process for every tool call, and building the whole command tree (every subcommand's
/// arguments and help) is a measurable share of that process. The same [`GlobalArgs`] and
/// [`HookRunArgs`] as the full parser, so both accept exactly the same flags and values.
#[derive(Debug, Parser)]
#[command(name = "attesta hook", no_binary_name = true, disable_help_flag = true, disable_version_flag = true)]
pub struct HookOnly {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(flatten)]
    pub run: HookRunArgs,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Configuration file (YAML, JSON or TOML). Default: ./attesta.yaml when present.
    #[arg(short = 'c', long = "config", global = true, value_name = "FILE", env = "ATTESTA_CONFIG")]
    pub config: Option<PathBuf>,

    /// Print machine-readable JSON instead of human output.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented attesta.yaml with every section and its defaults.
    Init(InitArgs),
    /// Score actions (ActionContext JSON, one per line or a JSON array) without asking anyone.
    ///
    /// This is how you test a policy and scorer before deploying it. Malformed lines are reported
    /// with their line number and do not stop the others.
    #[command(after_help = INPUT_HELP_SCORE)]
    Score(ScoreArgs),
    /// Run one action through the whole pipeline: score, challenge, audit, trust.
    ///
    /// Exit 0 when approved or modified, 3 otherwise (store failures included, with a verdict).
    #[command(after_help = INPUT_HELP_EVALUATE)]
    Evaluate(EvaluateArgs),
    /// Inspect and prove the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Inspect and manage per-agent trust.
    #[command(subcommand)]
    Trust(TrustCommand),
    /// Put Attesta in front of an MCP server (stdio proxy).
    #[command(subcommand)]
    Mcp(crate::commands::mcp::McpCommand),
    /// Be the pre-tool-use hook of a coding agent, or install it in the agent's settings.
    ///
    /// `attesta hook claude-code|codex|gemini` reads the agent's hook payload on stdin and prints
    /// only the agent's decision JSON on stdout. Anything that goes wrong blocks the call.
    #[command(subcommand, after_help = "Input (stdin): the agent's pre-tool-use payload, e.g. for Claude Code
  {\"session_id\": \"…\", \"cwd\": \"/work/shop\", \"hook_event_name\": \"PreToolUse\",
   \"tool_name\": \"Bash\", \"tool_input\": {\"command\": \"rm -rf build\"}}

Examples:
  attesta hook install claude-code          # project settings; --local, --user
  attesta policy show                       # the policy the hook will apply
  echo '{...}' | attesta hook claude-code --project /work/shop --deadline 590")]
    Hook(HookCommand),
    /// Run the approval server, or manage its agents and approvers.
    ///
    /// Agents post actions with an agent token; approvers answer the challenges from the web
    /// inbox, `attesta approve` or the JSON API. Refuses non-loopback addresses without TLS
    /// unless --insecure-http is given.
    Serve(ServeArgs),
    /// List the requests waiting on the approval server (as an approver).
    Pending(ApproverClientArgs),
    /// Answer a request's challenge in the terminal (as an approver).
    Approve(ApproveArgs),
    /// Deny a request on the approval server, with a reason (as an approver).
    Deny(DenyArgs),
    /// Show the effective policy and where every value comes from.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Print version information.
    Version,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// The input shape, shown under `attesta score --help`.
const INPUT_HELP_SCORE: &str = "Input: ActionContext JSON, one object per line or one JSON array:
  {\"function_name\": \"delete_file\", \"args\": [], \"kwargs\": {\"path\": \"/etc/hosts\"},
   \"function_doc\": \"…\", \"agent_id\": \"bot\", \"session_id\": \"s1\", \"environment\": \"production\",
   \"metadata\": {}}
Only function_name is required; it must be visible text.

Examples:
  echo '{\"function_name\":\"read_file\",\"kwargs\":{\"path\":\"a.txt\"}}' | attesta score
  attesta score --json calls.jsonl";

/// The input shape, shown under `attesta evaluate --help`.
const INPUT_HELP_EVALUATE: &str = "Input: one ActionContext JSON object:
  {\"function_name\": \"delete_file\", \"kwargs\": {\"path\": \"/etc/hosts\"}, \"agent_id\": \"bot\"}
Only function_name is required; it must be visible text. metadata.source is set to \"cli\" (a
caller's own value is kept as metadata.claimed_source).

Examples:
  attesta evaluate <<< '{\"function_name\":\"delete_file\",\"kwargs\":{\"path\":\"/etc/hosts\"}}'
  attesta evaluate --json --agent-id bot call.json";

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
    /// Where to write it.
    #[arg(long, value_name = "PATH", default_value = "attesta.yaml")]
    pub path: PathBuf,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Input file, or - for standard input (the default).
    #[arg(value_name = "FILE|-")]
    pub input: Option<PathBuf>,
    /// Read a session transcript instead of independent calls: JSON Lines of
    /// {"type":"user","text"}, {"type":"call","function_name","kwargs"} and
    /// {"type":"result","text"|"json"} events ({"type":"session"} starts a new session).
    /// Prints one assessment per call, judged in the context of what came before.
    #[arg(long)]
    pub session: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReviewerChoice {
    /// Ask on the controlling terminal (/dev/tty).
    Terminal,
    /// Deny anything that needs a human.
    Deny,
    /// Approve without a human (needs policy.unattended: allow).
    Allow,
    /// Ask on the approval server (server.url, agent token from server.agent_token_env).
    Server,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Input file holding one ActionContext JSON object, or - for standard input (the default).
    #[arg(value_name = "FILE|-")]
    pub input: Option<PathBuf>,
    /// Which reviewer asks the human (default: config `reviewer:`, else the terminal if there is one, else deny).
    #[arg(long, value_enum)]
    pub reviewer: Option<ReviewerChoice>,
    /// Agent identity recorded in the audit log and used for trust.
    #[arg(long, value_name = "ID")]
    pub agent_id: Option<String>,
    /// Code-level risk override for this action (bypasses the scorer).
    #[arg(long, value_name = "LEVEL")]
    pub risk: Option<attesta_core::RiskLevel>,
}

#[derive(Debug, Args)]
pub struct LogArg {
    /// Audit log path (default: audit.path from the config, else .attesta/audit.jsonl).
    #[arg(long = "log", value_name = "PATH")]
    pub log: Option<PathBuf>,
    /// Read the audit chain a PostgreSQL fleet of `attesta serve` keeps in its database.
    #[arg(long = "db", value_name = "URL", conflicts_with = "log")]
    pub db: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain; print INTACT or BROKEN with the broken entries. Exit 1 when broken.
    Verify {
        #[command(flatten)]
        log: LogArg,
        /// Checkpoint file to check against (detects truncation and rewrites).
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
    },
    /// Verdict counts, review times, risk distribution, rubber-stamp rate, per approver and agent.
    Stats {
        #[command(flatten)]
        log: LogArg,
    },
    /// Approved entries at or above a risk level reviewed too fast to be real reviews.
    RubberStamps {
        #[command(flatten)]
        log: LogArg,
        /// Reviews faster than this many seconds are suspicious.
        #[arg(long, default_value_t = 5.0)]
        max_seconds: f64,
        /// Only entries at or above this level.
        #[arg(long, default_value = "high")]
        min_risk: attesta_core::RiskLevel,
    },
    /// Export entries as CSV (formula-injection safe), JSON or JSONL.
    Export(ExportArgs),
    /// Print or append a signed checkpoint of the log's current head.
    Checkpoint {
        #[command(flatten)]
        log: LogArg,
        /// Append the checkpoint to the log's checkpoint file instead of printing it.
        #[arg(long)]
        append: bool,
    },
    /// Move a torn last line aside (never edits valid entries) and record the repair.
    Repair {
        #[command(flatten)]
        log: LogArg,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
    Jsonl,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub log: LogArg,
    /// Output format (default jsonl; `--json` alone gives one JSON array).
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Only entries decided at or after this date/time (2026-11-01 or RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only entries decided before the end of this date / before this time.
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    #[arg(long, value_name = "ID")]
    pub agent: Option<String>,
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
    #[arg(long, value_name = "NAME")]
    pub action: Option<String>,
    #[arg(long)]
    pub verdict: Option<attesta_core::Verdict>,
    #[arg(long)]
    pub risk_level: Option<attesta_core::RiskLevel>,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct StoreArg {
    /// Trust store path (default: trust.store from the config, else .attesta/trust.json).
    #[arg(long = "store", value_name = "PATH")]
    pub store: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum TrustCommand {
    /// Show one agent's trust per domain.
    Show {
        agent_id: String,
        #[command(flatten)]
        store: StoreArg,
    },
    /// List every agent's trust.
    List {
        #[command(flatten)]
        store: StoreArg,
    },
    /// Drop an agent's trust to 0 until reset (asks first unless --yes).
    Revoke {
        agent_id: String,
        /// Only this trust domain (default: all of the agent's domains).
        #[arg(long)]
        domain: Option<String>,
        #[arg(long, default_value = "revoked by operator")]
        reason: String,
        /// Do not ask for confirmation.
        #[arg(long, short = 'y')]
        yes: bool,
        #[command(flatten)]
        store: StoreArg,
    },
    /// Forget an agent's history; it starts again at the initial score.
    Reset {
        agent_id: String,
        #[arg(long)]
        domain: Option<String>,
        #[command(flatten)]
        store: StoreArg,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HookAgent {
    /// Claude Code (PreToolUse hook).
    ClaudeCode,
    /// OpenAI Codex CLI (PreToolUse hook).
    Codex,
    /// Gemini CLI (BeforeTool hook).
    Gemini,
}

#[derive(Debug, Args)]
pub struct HookRunArgs {
    /// Agent identity for trust and the audit log (default: the agent's name).
    #[arg(long, value_name = "ID")]
    pub agent_id: Option<String>,
    /// The project root whose attesta.yaml is the project level (recorded by `hook install`;
    /// default: the git root of the agent's working directory, else that directory).
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// Seconds before the hook answers "deny" whatever is still pending (a held lock, a slow
    /// store, an unanswered review). Keep it below the agent's hook timeout.
    #[arg(long, value_name = "SECS", default_value_t = attesta_hooks::deadline::DEFAULT_DEADLINE_SECONDS as f64)]
    pub deadline: f64,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Print the effective policy: managed (/etc/attesta or $ATTESTA_MANAGED_DIR), user
    /// (~/.config/attesta or $XDG_CONFIG_HOME/attesta) and project levels merged, each value
    /// with its source, and what a lower level tried to loosen and was refused.
    Show {
        /// Project root (default: the git root of the current directory, else the directory).
        #[arg(long, value_name = "DIR")]
        project: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Claude Code PreToolUse hook: payload on stdin, `hookSpecificOutput` decision on stdout.
    ClaudeCode(HookRunArgs),
    /// Codex CLI PreToolUse hook: payload on stdin, a deny decision (or nothing) on stdout.
    Codex(HookRunArgs),
    /// Gemini CLI BeforeTool hook: payload on stdin, `{"decision", "reason"}` on stdout.
    Gemini(HookRunArgs),
    /// Add the hook to the agent's settings (backup first, existing hooks kept, idempotent).
    Install(HookInstallArgs),
    /// Remove the hook that `install` added (nothing else) from the agent's settings.
    Uninstall(HookInstallArgs),
}

#[derive(Debug, Args)]
pub struct HookInstallArgs {
    #[arg(value_enum)]
    pub agent: HookAgent,
    /// The project's settings (.claude/settings.json, .codex/hooks.json, .gemini/settings.json). The default.
    #[arg(long, conflicts_with = "user")]
    pub project: bool,
    /// The user's settings under the home directory (every project).
    #[arg(long, conflicts_with = "local")]
    pub user: bool,
    /// Claude Code's personal project settings (.claude/settings.local.json, not committed).
    #[arg(long)]
    pub local: bool,
    /// Project directory (default: the current directory).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Program the agent should run (default: the path this attesta was invoked by, or its name
    /// when found on PATH — not a resolved symlink, so upgrades keep working).
    #[arg(long, value_name = "PATH")]
    pub program: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(subcommand)]
    pub command: Option<ServeCommand>,
    /// Address to listen on (default: server.listen, else 127.0.0.1:7373).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// SQLite file or postgres:// URL (default: server.database_url, else .attesta/server.db).
    #[arg(long, value_name = "PATH|URL", global = true)]
    pub db: Option<String>,
    /// Allow a non-loopback address without TLS (only behind a TLS-terminating proxy).
    #[arg(long)]
    pub insecure_http: bool,
}

#[derive(Debug, Subcommand)]
pub enum ServeCommand {
    /// Create an approver; prints their API token once.
    AddApprover {
        name: String,
        /// Read a password for the web inbox from standard input (first line).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Create an agent; prints its token once (put it in ATTESTA_AGENT_TOKEN).
    AddAgent { name: String },
    /// List agents and approvers.
    List,
    /// Revoke an agent or approver with all their tokens and sessions.
    Revoke { name: String },
}

#[derive(Debug, Args)]
pub struct ApproverClientArgs {
    /// Approval server URL (default: server.url from the config).
    #[arg(long, value_name = "URL", env = "ATTESTA_SERVER_URL")]
    pub server: Option<String>,
    /// Approver token (from `attesta serve add-approver`).
    #[arg(
        long,
        value_name = "TOKEN",
        env = "ATTESTA_APPROVER_TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
}

#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// Request id (from `attesta pending`).
    pub id: String,
    #[command(flatten)]
    pub client: ApproverClientArgs,
}

#[derive(Debug, Args)]
pub struct DenyArgs {
    /// Request id (from `attesta pending`).
    pub id: String,
    /// Why (recorded in the audit log and shown to the agent).
    #[arg(long)]
    pub reason: String,
    #[command(flatten)]
    pub client: ApproverClientArgs,
}
