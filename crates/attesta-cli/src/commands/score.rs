//! `attesta score`: assessments for ActionContext lines, without asking anyone or writing anything.

use std::io::Write;
use std::sync::Arc;

use attesta::reviewer::NonInteractiveReviewer;
use attesta::AttestaBuilder;
use attesta_core::RiskAssessment;
use serde_json::json;

use crate::cli::{GlobalArgs, ScoreArgs};
use crate::error::{CliError, CliResult, Exit};
use crate::input::{action_context, load_config, read_input, records};
use crate::output::Style;

pub fn run(global: &GlobalArgs, args: &ScoreArgs) -> CliResult {
    let build = || -> Result<attesta::Attesta, CliError> {
        let loaded = load_config(global)?;
        Ok(AttestaBuilder::from_loaded(loaded)
            .without_audit()
            .without_trust()
            .reviewer(Arc::new(NonInteractiveReviewer::deny()))
            .build()?)
    };
    let (text, source) = read_input(args.input.as_deref())?;
    if args.session {
        return super::score_session::run(global, &build, &text, &source);
    }
    let attesta = build()?;
    let style = Style::for_stdout();
    let err_style = Style::for_stderr();
    let mut out = std::io::stdout().lock();
    let mut failures = 0usize;
    let mut scored = 0usize;
    for record in records(&text) {
        let assessed = record.value.and_then(action_context).and_then(|ctx| {
            attesta.assess(&ctx, None).map(|a| (ctx, a))
        });
        match assessed {
            Ok((ctx, assessment)) => {
                scored += 1;
                if global.json {
                    writeln!(out, "{}", json_line(record.line, &ctx.function_name, &assessment))?;
                } else {
                    write_human(&mut out, &style, &ctx.function_name, &assessment)?;
                }
            }
            Err(why) => {
                failures += 1;
                writeln!(std::io::stderr(), "{} {source}:{}: {why}", err_style.bad("error:"), record.line)?;
            }
        }
    }
    if scored == 0 && failures == 0 {
        return Err(CliError::usage(format!(
            "{source} holds no ActionContext; give one JSON object per line, e.g. {{\"function_name\":\"delete_file\",\"kwargs\":{{\"path\":\"/tmp/x\"}}}}"
        )));
    }
    if failures > 0 {
        return Err(CliError::usage(format!("{failures} of {} inputs could not be scored (see above)", failures + scored)));
    }
    Ok(Exit::Ok)
}

fn json_line(line: usize, function_name: &str, a: &RiskAssessment) -> serde_json::Value {
    json!({
        "line": line,
        "function_name": function_name,
        "risk_score": a.score,
        "risk_level": a.level,
        "scorer": a.scorer,
        "overridden": a.overridden,
        "factors": a.factors,
        "directives": a.directives,
    })
}

fn write_human(out: &mut impl Write, style: &Style, name: &str, a: &RiskAssessment) -> std::io::Result<()> {
    writeln!(out, "{}  {:.2}  {}  {}", style.bold(name), a.score, style.level(a.level), style.dim(&format!("({})", a.scorer)))?;
    for f in &a.factors {
        if f.contribution == 0.0 && f.evidence.is_empty() {
            continue;
        }
        writeln!(out, "  {:<16} {:.2} × {:.2} = {:.3}  {}", f.name, f.score, f.weight, f.contribution, style.dim(&f.evidence))?;
    }
    if let Some(rule) = &a.directives.block {
        writeln!(out, "  {} blocked by rule {rule}", style.bad("!"))?;
    }
    Ok(())
}
