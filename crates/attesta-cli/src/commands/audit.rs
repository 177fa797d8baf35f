//! `attesta audit verify|stats|rubber-stamps|export|checkpoint|repair`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use attesta::audit::{
    AuditFilter, AuditReader, AuditStats, CheckpointKey, CheckpointVerifier, ExportFormat, RubberStampRule, VerifyOptions,
    VerifyProgress, checkpoint_path, repair, verify,
};
use attesta::config_file::LoadedConfig;
use jiff::Timestamp;
use serde_json::json;

use crate::cli::{AuditCommand, ExportArgs, ExportFormat as CliFormat, GlobalArgs, LogArg};
use crate::error::{CliError, CliResult, Exit};
use crate::input::load_config;
use crate::output::{Style, bar};

/// Where the checkpoint key comes from when the config does not name a variable.
const DEFAULT_KEY_ENV: &str = "ATTESTA_CHECKPOINT_KEY";

pub fn run(global: &GlobalArgs, command: AuditCommand) -> CliResult {
    let result = run_command(global, command);
    let _ = std::fs::remove_file(db_export_path());
    result
}

fn db_export_path() -> PathBuf {
    std::env::temp_dir().join(format!("attesta-audit-db-{}.jsonl", std::process::id()))
}

/// Exports the audit chain of `attesta serve`'s PostgreSQL database for the file-based readers.
fn db_export(url: &str) -> Result<PathBuf, CliError> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(CliError::failure(format!(
            "--db takes the postgres:// URL of a server fleet's database (SQLite servers keep the audit file: use --log); got {url}"
        )));
    }
    let path = db_export_path();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failure(format!("cannot start the runtime: {e}")))?;
    rt.block_on(async {
        let db = attesta_server::db::Postgres::connect(url).await?;
        attesta_server::db::export_audit_chain(&db, &path).await
    })
    .map_err(|e| CliError::failure(format!("reading the audit chain from the database: {e}")))?;
    Ok(path)
}

fn run_command(global: &GlobalArgs, command: AuditCommand) -> CliResult {
    let loaded = load_config(global)?;
    match command {
        AuditCommand::Verify { log, checkpoint } => run_verify(global, &loaded, &log, checkpoint),
        AuditCommand::Stats { log } => run_stats(global, &log_path(&loaded, &log)?),
        AuditCommand::RubberStamps { log, max_seconds, min_risk } => {
            let path = log_path(&loaded, &log)?;
            let entries = AuditReader::new(&path).rubber_stamps(max_seconds, min_risk).map_err(audit_err)?;
            let mut out = std::io::stdout().lock();
            if global.json {
                for e in &entries {
                    writeln!(out, "{}", serde_json::to_string(e).map_err(|e| CliError::failure(e.to_string()))?)?;
                }
            } else if entries.is_empty() {
                writeln!(out, "No rubber stamps: no approval at {min_risk} risk or above was reviewed in under {max_seconds} s.")?;
            } else {
                let style = Style::for_stdout();
                writeln!(out, "{} approvals at {min_risk} risk or above look rubber-stamped:", entries.len())?;
                for e in &entries {
                    let who = if e.approver_ids.is_empty() { "-".to_owned() } else { e.approver_ids.join(",") };
                    writeln!(
                        out,
                        "  #{:<6} {}  {:<28} {}  {:>6.2}s (min {:.0}s{})  by {who}",
                        e.seq,
                        e.decided_at.strftime("%Y-%m-%d %H:%M:%S"),
                        e.action_name,
                        style.level(e.risk_level),
                        e.review_duration_seconds,
                        e.min_review_seconds,
                        if e.min_review_met { "" } else { ", not met" },
                    )?;
                }
            }
            Ok(Exit::Ok)
        }
        AuditCommand::Export(args) => run_export(global, &loaded, &args),
        AuditCommand::Checkpoint { log, append } => {
            let path = log_path(&loaded, &log)?;
            let key = checkpoint_key(&loaded)?;
            let checkpoint = if append {
                attesta::audit::write_checkpoint(&path, &key).map_err(audit_err)?
            } else {
                let report = verify(&path, &mut VerifyOptions { ignore_unterminated_tail: true, ..Default::default() })
                    .map_err(audit_err)?;
                if let Some(entry) = report.first_break() {
                    return Err(CliError::failure(format!(
                        "refusing to sign a broken log: {} is broken at entry {entry}; run `attesta audit verify`",
                        path.display()
                    )));
                }
                let (Some(seq), Some(hash)) = (report.last_seq, report.last_hash.as_deref()) else {
                    return Err(CliError::failure(format!("{} has no entries to checkpoint", path.display())));
                };
                key.sign(seq, hash, report.entries, Timestamp::now())
            };
            let mut out = std::io::stdout().lock();
            if global.json || !append {
                writeln!(out, "{}", serde_json::to_string(&checkpoint).map_err(|e| CliError::failure(e.to_string()))?)?;
            } else {
                writeln!(
                    out,
                    "Checkpoint of entry {} (seq {}) appended to {}",
                    checkpoint.entries,
                    checkpoint.seq,
                    checkpoint_path(&path).display()
                )?;
            }
            Ok(Exit::Ok)
        }
        AuditCommand::Repair { log } => {
            let path = log_path(&loaded, &log)?;
            let report = repair(&path).map_err(audit_err)?;
            let mut out = std::io::stdout().lock();
            match report {
                None if global.json => writeln!(out, "{}", json!({"repaired": false}))?,
                None => writeln!(out, "{}: no torn tail; nothing to repair.", path.display())?,
                Some(r) if global.json => writeln!(
                    out,
                    "{}",
                    json!({"repaired": true, "moved_to": r.moved_to, "torn_bytes": r.torn_bytes,
                           "torn_sha256": r.torn_sha256, "truncated_at": r.truncated_at, "entry_id": r.entry.entry_id})
                )?,
                Some(r) => writeln!(
                    out,
                    "Moved a torn tail of {} bytes to {} and recorded it as entry #{}; the chain continues intact.",
                    r.torn_bytes,
                    r.moved_to.display(),
                    r.entry.seq
                )?,
            }
            Ok(Exit::Ok)
        }
    }
}

fn audit_err(e: attesta::audit::AuditError) -> CliError {
    CliError::failure(e.to_string())
}

/// `--log` when given, `--db` (the database chain, exported to a private temporary file), else
/// the config's audit path; a missing log is a failure that says so.
fn log_path(loaded: &LoadedConfig, log: &LogArg) -> Result<PathBuf, CliError> {
    if let Some(url) = &log.db {
        return db_export(url);
    }
    let path = log.log.clone().unwrap_or_else(|| loaded.audit_path());
    if !path.exists() {
        return Err(CliError::failure(format!(
            "no audit log at {}; pass --log PATH or set audit.path in the config",
            path.display()
        )));
    }
    Ok(path)
}

fn key_env(loaded: &LoadedConfig) -> String {
    loaded.config.audit.checkpoint_key_env.clone().unwrap_or_else(|| DEFAULT_KEY_ENV.to_owned())
}

/// Reads the signing key from the environment: `ed25519:<64 hex chars>` (a seed) or any other
/// value as HMAC key bytes (`hex:<…>` for binary keys).
fn checkpoint_key(loaded: &LoadedConfig) -> Result<CheckpointKey, CliError> {
    let var = key_env(loaded);
    let value = std::env::var(&var).map_err(|_| {
        CliError::usage(format!(
            "no checkpoint key: set {var} to a secret of at least 16 bytes (HMAC) or `ed25519:<64 hex chars>`"
        ))
    })?;
    if let Some(seed) = value.strip_prefix("ed25519:") {
        let bytes = hex_bytes(seed, &var)?;
        let seed: [u8; 32] = bytes
            .try_into()
            .map_err(|_| CliError::usage(format!("{var}: an Ed25519 seed is 32 bytes (64 hex characters)")))?;
        return Ok(CheckpointKey::ed25519(ed25519_dalek::SigningKey::from_bytes(&seed), None));
    }
    let secret = match value.strip_prefix("hex:") {
        Some(hex) => hex_bytes(hex, &var)?,
        None => value.into_bytes(),
    };
    CheckpointKey::hmac(secret, None).map_err(|e| CliError::usage(format!("{var}: {e}")))
}

/// For verifying, `ed25519-pub:<hex>` (a public key) is accepted too.
fn checkpoint_verifier(loaded: &LoadedConfig) -> Result<CheckpointVerifier, CliError> {
    let var = key_env(loaded);
    if let Ok(value) = std::env::var(&var)
        && let Some(public) = value.strip_prefix("ed25519-pub:")
    {
        return CheckpointVerifier::ed25519_public(&hex_bytes(public, &var)?, None)
            .map_err(|e| CliError::usage(format!("{var}: {e}")));
    }
    Ok(checkpoint_key(loaded)?.verifier())
}

fn hex_bytes(text: &str, var: &str) -> Result<Vec<u8>, CliError> {
    hex::decode(text.trim()).map_err(|e| CliError::usage(format!("{var}: not hex: {e}")))
}

fn run_verify(global: &GlobalArgs, loaded: &LoadedConfig, log: &LogArg, checkpoint: Option<PathBuf>) -> CliResult {
    let path = log_path(loaded, log)?;
    let mut options = VerifyOptions::default();
    // Without --checkpoint, the checkpoint file beside the log is used when there is one: a
    // truncated log is only caught against a checkpoint.
    let beside = checkpoint_path(&path);
    let (checkpoint, unverified_note) = match checkpoint {
        Some(file) => (Some(file), None),
        None if beside.exists() => match checkpoint_verifier(loaded) {
            Ok(_) => (Some(beside.clone()), None),
            Err(e) => (None, Some(format!("checkpoints in {} NOT verified: {}", beside.display(), e.message))),
        },
        None => (None, None),
    };
    if let Some(file) = &checkpoint {
        if !file.exists() {
            return Err(CliError::failure(format!("no checkpoint file at {}", file.display())));
        }
        options.checkpoint_key = Some(checkpoint_verifier(loaded)?);
        options.checkpoint_file = Some(file.clone());
    }
    let show_progress = !global.json && std::io::stderr().is_terminal() && std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) > 8 << 20;
    let bar = show_progress.then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("verifying {bar:40} {bytes}/{total_bytes} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut on_progress = |p: VerifyProgress| {
        if let Some(bar) = &bar {
            bar.set_length(p.bytes_total);
            bar.set_position(p.bytes_done);
            bar.set_message(format!("{} entries", p.entries));
        }
    };
    if bar.is_some() {
        options.progress = Some(&mut on_progress);
    }
    let report = verify(&path, &mut options).map_err(audit_err)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let mut out = std::io::stdout().lock();
    if global.json {
        writeln!(out, "{}", serde_json::to_string(&report).map_err(|e| CliError::failure(e.to_string()))?)?;
    } else {
        let style = Style::for_stdout();
        writeln!(out, "{} entries checked in {} ({} file(s))", report.entries, path.display(), report.files.len())?;
        if let Some(note) = &unverified_note {
            writeln!(out, "{}", style.bad(note))?;
        }
        if report.intact {
            let checkpoints = match &checkpoint {
                Some(file) => format!(", {} checkpoint(s) verified from {}", report.checkpoints_verified, file.display()),
                None => String::new(),
            };
            writeln!(out, "{}{checkpoints}", style.good("INTACT"))?;
        } else {
            writeln!(out, "{}", style.bad("BROKEN"))?;
            let numbers: Vec<String> = report.broken_at().iter().map(u64::to_string).collect();
            writeln!(out, "Broken at: {}", numbers.join(", "))?;
            if let Some(first) = report.breaks.iter().min_by_key(|b| b.entry) {
                writeln!(
                    out,
                    "First broken link: entry {} ({}:{}): {} — {}",
                    first.entry,
                    first.file.display(),
                    first.line,
                    first.kind.as_str(),
                    first.detail
                )?;
            }
        }
    }
    Ok(if report.intact { Exit::Ok } else { Exit::Failure })
}

/// Damaged lines met while reading: skipped, then reported on stderr (`file:line: reason`).
#[derive(Default)]
struct Skipped(std::cell::RefCell<Vec<String>>);

impl Skipped {
    /// Passes entries and real errors through; a malformed line is recorded and skipped.
    fn filter(&self, item: Result<attesta::audit::AuditEntry, attesta::audit::AuditError>) -> Option<Result<attesta::audit::AuditEntry, attesta::audit::AuditError>> {
        match item {
            Err(attesta::audit::AuditError::Malformed { path, line, reason }) => {
                self.0.borrow_mut().push(format!("{}:{line}: {reason}", path.display()));
                None
            }
            other => Some(other),
        }
    }

    fn report(&self) -> std::io::Result<()> {
        let skipped = self.0.borrow();
        if skipped.is_empty() {
            return Ok(());
        }
        let mut err = std::io::stderr().lock();
        writeln!(err, "warning: skipped {} damaged line(s) (run `attesta audit verify`):", skipped.len())?;
        for line in skipped.iter().take(20) {
            writeln!(err, "  {line}")?;
        }
        if skipped.len() > 20 {
            writeln!(err, "  … and {} more", skipped.len() - 20)?;
        }
        Ok(())
    }
}

fn run_stats(global: &GlobalArgs, path: &Path) -> CliResult {
    let skipped = Skipped::default();
    let mut entries = Vec::new();
    for item in AuditReader::new(path).entries().map_err(audit_err)?.filter_map(|r| skipped.filter(r)) {
        entries.push(item.map_err(audit_err)?);
    }
    let stats = attesta::audit::AuditStats::from_entries(&entries, &RubberStampRule::default());
    skipped.report()?;
    let mut out = std::io::stdout().lock();
    if global.json {
        writeln!(out, "{}", serde_json::to_string(&stats).map_err(|e| CliError::failure(e.to_string()))?)?;
        return Ok(Exit::Ok);
    }
    write_stats(&mut out, &stats, &Style::for_stdout())?;
    Ok(Exit::Ok)
}

fn write_stats(out: &mut impl Write, s: &AuditStats, style: &Style) -> std::io::Result<()> {
    writeln!(out, "{} decisions", style.bold(&s.total.to_string()))?;
    if let (Some(first), Some(last)) = (s.first_decided_at, s.last_decided_at) {
        writeln!(out, "from {} to {}", first.strftime("%Y-%m-%d %H:%M"), last.strftime("%Y-%m-%d %H:%M"))?;
    }
    let chart = |out: &mut dyn Write, title: &str, counts: &[(String, u64)]| -> std::io::Result<()> {
        writeln!(out, "\n{}", style.bold(title))?;
        let max = counts.iter().map(|(_, n)| *n).max().unwrap_or(0) as f64;
        for (name, n) in counts {
            writeln!(out, "  {name:<12} {n:>7}  {}", bar(*n as f64, max, 30))?;
        }
        Ok(())
    };
    let verdicts: Vec<_> = attesta_core::Verdict::ALL
        .iter()
        .map(|v| (v.to_string(), s.verdicts.get(v.as_str()).copied().unwrap_or(0)))
        .collect();
    chart(out, "Verdicts", &verdicts)?;
    let levels: Vec<_> = attesta_core::RiskLevel::ALL
        .iter()
        .map(|l| (l.to_string(), s.risk_levels.get(l.as_str()).copied().unwrap_or(0)))
        .collect();
    chart(out, "Risk levels", &levels)?;
    writeln!(out, "\n{}", style.bold("Reviews"))?;
    writeln!(out, "  human-reviewed   {}", s.reviewed)?;
    let secs = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.1}s"));
    writeln!(out, "  average review   {}", secs(s.mean_review_seconds))?;
    writeln!(out, "  median review    {}", secs(s.median_review_seconds))?;
    writeln!(out, "  min time unmet   {}", s.min_review_unmet)?;
    writeln!(out, "  rubber stamps    {} ({:.1}% of reviewed approvals)", s.rubber_stamps, s.rubber_stamp_rate * 100.0)?;
    if !s.approvers.is_empty() {
        writeln!(out, "\n{}", style.bold("Approvers"))?;
        writeln!(out, "  {:<20} {:>8} {:>8} {:>8} {:>10} {:>8}", "ID", "DECIDED", "APPROVED", "DENIED", "AVG REVIEW", "STAMPS")?;
        for (id, a) in &s.approvers {
            writeln!(
                out,
                "  {id:<20} {:>8} {:>8} {:>8} {:>9.1}s {:>8}",
                a.decisions, a.approved, a.denied, a.mean_review_seconds, a.rubber_stamps
            )?;
        }
    }
    if !s.agents.is_empty() {
        writeln!(out, "\n{}", style.bold("Agents"))?;
        let max = s.agents.values().map(|a| a.total).max().unwrap_or(0) as f64;
        for (id, a) in &s.agents {
            writeln!(out, "  {id:<20} {:>7} calls, {:>5} blocked  {}", a.total, a.blocked, bar(a.total as f64, max, 20))?;
        }
    }
    Ok(())
}

fn run_export(global: &GlobalArgs, loaded: &LoadedConfig, args: &ExportArgs) -> CliResult {
    let path = log_path(loaded, &args.log)?;
    let filter = AuditFilter {
        since: args.from.as_deref().map(|d| parse_time(d, false)).transpose()?,
        until: args.to.as_deref().map(|d| parse_time(d, true)).transpose()?,
        agent_id: args.agent.clone(),
        session_id: args.session.clone(),
        action: args.action.clone(),
        verdict: args.verdict,
        risk_level: args.risk_level,
        ..Default::default()
    };
    let format = match args.format {
        Some(CliFormat::Csv) => ExportFormat::Csv,
        Some(CliFormat::Json) => ExportFormat::Json,
        Some(CliFormat::Jsonl) => ExportFormat::Jsonl,
        None if global.json => ExportFormat::Json,
        None => ExportFormat::Jsonl,
    };
    let reader = AuditReader::new(&path);
    let skipped = Skipped::default();
    let entries = reader.query(&filter).map_err(audit_err)?.filter_map(|r| skipped.filter(r));
    let count = match &args.output {
        Some(file) => {
            let mut out = std::io::BufWriter::new(
                std::fs::File::create(file).map_err(|e| CliError::failure(format!("cannot create {}: {e}", file.display())))?,
            );
            let count = attesta::audit::export_entries(entries, format, &mut out).map_err(audit_err)?;
            out.flush()?;
            count
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let count = attesta::audit::export_entries(entries, format, &mut out).map_err(audit_err)?;
            out.flush()?;
            count
        }
    };
    skipped.report()?;
    if let Some(file) = &args.output {
        writeln!(std::io::stderr(), "Exported {count} entries to {}", file.display())?;
    }
    Ok(Exit::Ok)
}

/// `2026-11-01` (start of day UTC, or the next day's start for an upper bound) or RFC 3339.
fn parse_time(text: &str, upper: bool) -> Result<Timestamp, CliError> {
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts);
    }
    let date: jiff::civil::Date = text.parse().map_err(|_| {
        CliError::usage(format!("`{text}` is not a date (2026-11-01) or an RFC 3339 time (2026-11-01T12:00:00Z)"))
    })?;
    let date = if upper { date.tomorrow().map_err(|e| CliError::usage(e.to_string()))? } else { date };
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp())
        .map_err(|e| CliError::usage(format!("`{text}`: {e}")))
}
