//! Export to CSV (RFC 4180, safe against spreadsheet formula injection), a JSON array, or JSONL.

use std::io::Write;
use std::str::FromStr;

use attesta_core::ChallengeType;
use attesta_core::audit::AuditEntry;

use super::error::AuditError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
    Jsonl,
}

impl FromStr for ExportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "csv" => Ok(ExportFormat::Csv),
            "json" => Ok(ExportFormat::Json),
            "jsonl" => Ok(ExportFormat::Jsonl),
            other => Err(format!(
                "unknown export format `{other}`; use csv, json or jsonl"
            )),
        }
    }
}

/// CSV columns, in order.
pub const CSV_COLUMNS: &[&str] = &[
    "seq",
    "entry_id",
    "decided_at",
    "intercepted_at",
    "action_name",
    "agent_id",
    "session_id",
    "environment",
    "source",
    "risk_score",
    "risk_level",
    "scorer",
    "challenge_type",
    "challenge_passed",
    "verdict",
    "reason",
    "approver_ids",
    "approver_authenticated",
    "review_duration_seconds",
    "min_review_seconds",
    "min_review_met",
    "mode",
    "arguments",
    "chain_hash",
];

/// One CSV cell: a leading `= + - @ TAB CR` gets a `'` so spreadsheets show it as text instead of
/// running it as a formula; then RFC 4180 quoting.
fn csv_cell(out: &mut Vec<u8>, value: &str) {
    let guarded = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let needs_quotes = guarded || value.contains([',', '"', '\n', '\r']);
    if needs_quotes {
        out.push(b'"');
    }
    if guarded {
        out.push(b'\'');
    }
    for &b in value.as_bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    if needs_quotes {
        out.push(b'"');
    }
}

fn csv_row(out: &mut Vec<u8>, cells: &[&str]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        csv_cell(out, cell);
    }
    out.extend_from_slice(b"\r\n");
}

fn csv_record(e: &AuditEntry, out: &mut Vec<u8>) {
    let arguments = serde_json::to_string(&e.arguments).unwrap_or_default();
    let cells: Vec<String> = vec![
        e.seq.to_string(),
        e.entry_id.clone(),
        e.decided_at.to_string(),
        e.intercepted_at.to_string(),
        e.action_name.clone(),
        e.agent_id.clone().unwrap_or_default(),
        e.session_id.clone().unwrap_or_default(),
        e.environment.clone().unwrap_or_default(),
        e.source().unwrap_or_default().to_owned(),
        e.risk_score.to_string(),
        e.risk_level.to_string(),
        e.scorer.clone(),
        e.challenge_type
            .map(ChallengeType::as_str)
            .unwrap_or_default()
            .to_owned(),
        e.challenge_passed.to_string(),
        e.verdict.to_string(),
        e.reason.clone(),
        e.approver_ids.join(";"),
        e.approver_authenticated.to_string(),
        e.review_duration_seconds.to_string(),
        e.min_review_seconds.to_string(),
        e.min_review_met.to_string(),
        e.mode.as_str().to_owned(),
        arguments,
        e.chain_hash.clone(),
    ];
    let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
    csv_row(out, &refs);
}

/// Streams `entries` to `out`; returns how many were written. The first error stops the export.
pub fn export_entries(
    entries: impl IntoIterator<Item = Result<AuditEntry, AuditError>>,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<u64, AuditError> {
    let io = |e| AuditError::io("write export to", "<output>")(e);
    let mut buf = Vec::with_capacity(4096);
    let mut count = 0u64;
    match format {
        ExportFormat::Csv => {
            csv_row(&mut buf, CSV_COLUMNS);
            out.write_all(&buf).map_err(io)?;
        }
        ExportFormat::Json => out.write_all(b"[").map_err(io)?,
        ExportFormat::Jsonl => {}
    }
    for entry in entries {
        let entry = entry?;
        buf.clear();
        match format {
            ExportFormat::Csv => csv_record(&entry, &mut buf),
            ExportFormat::Json => {
                buf.extend_from_slice(if count == 0 { b"\n" } else { b",\n" });
                buf.extend(entry.to_line()?);
            }
            ExportFormat::Jsonl => {
                buf.extend(entry.to_line()?);
                buf.push(b'\n');
            }
        }
        out.write_all(&buf).map_err(io)?;
        count += 1;
    }
    if format == ExportFormat::Json {
        out.write_all(if count == 0 { b"]\n" } else { b"\n]\n" })
            .map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(v: &str) -> String {
        let mut out = Vec::new();
        csv_cell(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_quoting_and_formula_guard() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for lead in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(cell(lead).starts_with("\"'"), "{lead:?}");
        }
    }
}
