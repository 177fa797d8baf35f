//! `attesta trust show|list|revoke|reset`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use attesta::trust_store::TrustStore;
use attesta_core::trust::{TrustParams, TrustRecord};
use jiff::Timestamp;
use serde_json::json;

use crate::cli::{GlobalArgs, StoreArg, TrustCommand};
use crate::error::{CliError, CliResult, Exit};
use crate::input::load_config;
use crate::output::{Style, bar};

pub fn run(global: &GlobalArgs, command: TrustCommand) -> CliResult {
    let loaded = load_config(global)?;
    let params = TrustParams::from(&loaded.config.trust);
    let open = |store: &StoreArg| -> Result<(TrustStore, PathBuf), CliError> {
        let path = store.store.clone().unwrap_or_else(|| loaded.trust_store_path());
        let opened = TrustStore::open(path.clone(), params)
            .map_err(|e| CliError::failure(format!("cannot open the trust store {}: {e}", path.display())))?;
        Ok((opened, path))
    };
    let now = Timestamp::now();
    let mut out = std::io::stdout().lock();
    let style = Style::for_stdout();
    let store_err = |e: attesta::trust_store::TrustStoreError| CliError::failure(e.to_string());
    match command {
        TrustCommand::Show { agent_id, store } => {
            let (store, _) = open(&store)?;
            let records = store.get(&agent_id).map_err(store_err)?;
            if records.is_empty() {
                return Err(CliError::failure(format!(
                    "no trust history for agent `{agent_id}`; `attesta trust list` shows the agents on record"
                )));
            }
            let rows: Vec<_> = records.iter().map(|(domain, r)| (agent_id.as_str(), domain.as_str(), r)).collect();
            write_rows(&mut out, &style, global.json, &rows, &params, now)?;
        }
        TrustCommand::List { store } => {
            let (store, path) = open(&store)?;
            let records = store.list().map_err(store_err)?;
            if records.is_empty() && !global.json {
                writeln!(out, "No agents on record in {}.", path.display())?;
                return Ok(Exit::Ok);
            }
            let rows: Vec<_> = records.iter().map(|(a, d, r)| (a.as_str(), d.as_str(), r)).collect();
            write_rows(&mut out, &style, global.json, &rows, &params, now)?;
        }
        TrustCommand::Revoke { agent_id, domain, reason, yes, store } => {
            let (store, _) = open(&store)?;
            if !yes {
                confirm(&format!(
                    "Revoke all trust of agent `{agent_id}`{}? Its trust drops to 0 until reset. [y/N] ",
                    domain.as_deref().map(|d| format!(" in domain `{d}`")).unwrap_or_default()
                ))?;
            }
            store.revoke(&agent_id, domain.as_deref(), &reason, now).map_err(store_err)?;
            if global.json {
                writeln!(out, "{}", json!({"agent_id": agent_id, "domain": domain, "revoked": true, "reason": reason}))?;
            } else {
                writeln!(out, "Revoked trust of {agent_id}: now 0 until `attesta trust reset {agent_id}`.")?;
            }
        }
        TrustCommand::Reset { agent_id, domain, store } => {
            let (store, _) = open(&store)?;
            store.reset(&agent_id, domain.as_deref()).map_err(store_err)?;
            if global.json {
                writeln!(out, "{}", json!({"agent_id": agent_id, "domain": domain, "reset": true}))?;
            } else {
                writeln!(out, "Reset trust of {agent_id}; it starts again at the initial score.")?;
            }
        }
    }
    Ok(Exit::Ok)
}

fn write_rows(
    out: &mut impl Write,
    style: &Style,
    as_json: bool,
    rows: &[(&str, &str, &TrustRecord)],
    params: &TrustParams,
    now: Timestamp,
) -> Result<(), CliError> {
    if as_json {
        let items: Vec<_> = rows
            .iter()
            .map(|(agent, domain, record)| {
                json!({"agent_id": agent, "domain": domain, "trust": record.score(params, now), "record": record})
            })
            .collect();
        writeln!(out, "{}", serde_json::Value::Array(items))?;
        return Ok(());
    }
    writeln!(out, "{:<24} {:<12} {:>6}  ", "AGENT", "DOMAIN", "TRUST")?;
    for (agent, domain, record) in rows {
        let score = record.score(params, now);
        let revoked = if record.revoked { style.bad(" revoked") } else { String::new() };
        writeln!(out, "{agent:<24} {domain:<12} {score:>6.3}  {}{revoked}", bar(score, 1.0, 20))?;
    }
    Ok(())
}

/// Asks on the terminal; with no terminal, refuses (the caller must pass --yes).
fn confirm(question: &str) -> Result<(), CliError> {
    if !std::io::stdin().is_terminal() {
        return Err(CliError::usage("refusing to revoke without confirmation: no terminal to ask on; pass --yes"));
    }
    write!(std::io::stderr(), "{question}")?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(CliError::usage("not revoked"))
    }
}
