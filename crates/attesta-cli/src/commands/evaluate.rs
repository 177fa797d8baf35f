//! `attesta evaluate`: one action through the whole pipeline.

use std::io::Write;
use std::sync::Arc;

use attesta::reviewer::{NonInteractiveReviewer, TerminalReviewer};
use attesta::{AttestaBuilder, EvaluateOptions};
use attesta_core::config::Unattended;

use crate::cli::{EvaluateArgs, GlobalArgs, ReviewerChoice};
use crate::error::{CliError, CliResult, Exit};
use crate::input::{action_context, load_policy, read_input, records};
use crate::output::Style;

pub fn run(global: &GlobalArgs, args: &EvaluateArgs) -> CliResult {
    let policy = load_policy(global)?;
    let protection = policy.protection();
    let loaded = policy.loaded;
    let unattended = loaded.config.policy.unattended;
    let (text, source) = read_input(args.input.as_deref())?;
    let mut items = records(&text);
    if items.len() != 1 {
        return Err(CliError::usage(format!(
            "{source}: evaluate takes exactly one ActionContext object, got {}; use `attesta score` for many",
            items.len()
        )));
    }
    let record = items.remove(0);
    let mut ctx = record
        .value
        .and_then(action_context)
        .map_err(|why| CliError::usage(format!("{source}:{}: {why}", record.line)))?;
    if let Some(agent) = &args.agent_id {
        ctx.agent_id = Some(agent.clone());
    }
    // The entry point names the source; what the caller claimed is kept beside it.
    if let Some(claimed) = ctx.metadata.remove("source")
        && claimed.as_str() != Some("cli")
    {
        ctx.metadata.insert("claimed_source".into(), claimed);
    }
    ctx.metadata.insert("source".into(), "cli".into());

    let mut builder = AttestaBuilder::from_loaded(loaded).protection(protection);
    builder = match args.reviewer {
        Some(ReviewerChoice::Terminal) => builder.reviewer(Arc::new(TerminalReviewer::new())),
        Some(ReviewerChoice::Deny) => builder.reviewer(Arc::new(NonInteractiveReviewer::deny())),
        Some(ReviewerChoice::Allow) if unattended == Unattended::Allow => {
            builder.reviewer(Arc::new(NonInteractiveReviewer::allow()))
        }
        Some(ReviewerChoice::Allow) => {
            return Err(CliError::usage(
                "--reviewer allow approves without a human; it needs `policy.unattended: allow` in the config",
            ));
        }
        Some(ReviewerChoice::Server) => {
            builder.config_mut().reviewer = Some(attesta_core::config::ReviewerKind::Server);
            builder
        }
        None => builder,
    };
    let attesta = match builder.build() {
        Ok(attesta) => attesta,
        // The audit log or trust store cannot be opened: the call is not approved, and the
        // caller gets a verdict and exit 3 like any other refusal.
        Err(error @ (attesta::BuildError::Audit { .. } | attesta::BuildError::Trust { .. })) => {
            let reason = format!("{error}; denied (fail closed)");
            let mut out = std::io::stdout().lock();
            if global.json {
                let doc = serde_json::json!({"verdict": "denied", "reason": reason, "function_name": ctx.function_name});
                writeln!(out, "{doc}")?;
            } else {
                let style = Style::for_stdout();
                writeln!(out, "{} {}", style.verdict(attesta::Verdict::Denied), style.bold(&ctx.function_name))?;
                writeln!(out, "  reason: {reason}")?;
            }
            return Ok(Exit::Denied);
        }
        Err(other) => return Err(other.into()),
    };
    let options = EvaluateOptions { risk_override: args.risk, ..Default::default() };
    let result = attesta.evaluate_blocking(ctx.clone(), options);

    let mut out = std::io::stdout().lock();
    if global.json {
        // The same flat risk fields as `score --json`, audit entries and the integrations, beside
        // the full assessment under `risk`.
        let mut doc = serde_json::to_value(&result).map_err(|e| CliError::failure(e.to_string()))?;
        if let Some(map) = doc.as_object_mut() {
            map.insert("risk_score".into(), serde_json::json!(result.risk.score));
            map.insert("risk_level".into(), serde_json::json!(result.risk.level));
        }
        writeln!(out, "{doc}")?;
    } else {
        let style = Style::for_stdout();
        writeln!(
            out,
            "{} {} (risk: {}, score: {:.2})",
            style.verdict(result.verdict),
            style.bold(&ctx.function_name),
            style.level(result.risk.level),
            result.risk.score
        )?;
        writeln!(out, "  reason: {}", result.reason)?;
        if !result.approvers.is_empty() {
            writeln!(out, "  approvers: {}", result.approvers.join(", "))?;
        }
        if !result.audit_entry_id.is_empty() {
            writeln!(out, "  audit entry: {}", result.audit_entry_id)?;
        }
    }
    Ok(if result.verdict.runs() { Exit::Ok } else { Exit::Denied })
}
