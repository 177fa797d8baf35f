//! [`verify`]: walk the chain across all segments, streaming, and report every broken link.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use attesta_core::audit::{GENESIS, digest_line};

use super::checkpoint::{Checkpoint, CheckpointVerifier, checkpoint_path, read_checkpoints};
use super::error::AuditError;
use super::files::all_files;

/// How often (in bytes read) the progress callback is called.
const PROGRESS_EVERY: u64 = 4 * 1024 * 1024;

/// Progress of a running verification, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyProgress {
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub entries: u64,
}

/// What to check besides the chain itself.
#[derive(Default)]
pub struct VerifyOptions<'a> {
    /// Check signed checkpoints with this key (detects truncation and wholesale rewrites).
    pub checkpoint_key: Option<CheckpointVerifier>,
    /// The checkpoint sidecar; defaults to `<log>.checkpoints`.
    pub checkpoint_file: Option<PathBuf>,
    /// Verify only the active file, not rotated segments (its first entry then need not chain
    /// to genesis).
    pub active_segment_only: bool,
    /// Treat an unterminated last line as a write in progress rather than damage (used when
    /// checkpointing a live log).
    pub ignore_unterminated_tail: bool,
    /// Called every few MiB and once at the end.
    pub progress: Option<&'a mut dyn FnMut(VerifyProgress)>,
}

impl fmt::Debug for VerifyOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyOptions")
            .field(
                "checkpoint_key",
                &self.checkpoint_key.as_ref().map(CheckpointVerifier::key_id),
            )
            .field("checkpoint_file", &self.checkpoint_file)
            .field("active_segment_only", &self.active_segment_only)
            .field("ignore_unterminated_tail", &self.ignore_unterminated_tail)
            .finish()
    }
}

/// Why one entry (or checkpoint) fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// The line is not an audit entry (not JSON, missing fields, duplicate keys, torn).
    Malformed,
    /// The entry's content does not hash to its `chain_hash` (it was edited).
    HashMismatch,
    /// `previous_hash` is not the previous entry's `chain_hash` (insert, delete, reorder).
    LinkMismatch,
    /// `seq` is not one more than the previous entry's.
    SeqMismatch,
    /// A checkpoint's signature does not verify, or it names another key.
    CheckpointForged,
    /// The entry at a checkpoint's seq has a different hash (the log was rewritten).
    CheckpointMismatch,
    /// The log ends before a checkpoint's seq (it was truncated).
    CheckpointTruncated,
    /// Checkpoints were asked for but none could be read.
    CheckpointMissing,
}

impl BreakKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            BreakKind::Malformed => "malformed",
            BreakKind::HashMismatch => "hash_mismatch",
            BreakKind::LinkMismatch => "link_mismatch",
            BreakKind::SeqMismatch => "seq_mismatch",
            BreakKind::CheckpointForged => "checkpoint_forged",
            BreakKind::CheckpointMismatch => "checkpoint_mismatch",
            BreakKind::CheckpointTruncated => "checkpoint_truncated",
            BreakKind::CheckpointMissing => "checkpoint_missing",
        }
    }
}

/// One problem, located by entry number (1-based across all segments) and file line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainBreak {
    pub entry: u64,
    pub file: PathBuf,
    /// 1-based line within `file` (0 for problems not tied to a line, e.g. a forged checkpoint).
    pub line: u64,
    pub kind: BreakKind,
    pub detail: String,
}

/// The result of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VerifyReport {
    /// No breaks at all.
    pub intact: bool,
    pub entries: u64,
    pub bytes: u64,
    pub files: Vec<PathBuf>,
    pub breaks: Vec<ChainBreak>,
    pub last_seq: Option<u64>,
    pub last_hash: Option<String>,
    /// Checkpoints whose signature verified and whose entry was found with the signed hash.
    pub checkpoints_verified: usize,
    /// Lines that were already canonical (hashed without re-serialising).
    pub canonical_lines: u64,
}

impl VerifyReport {
    /// The first broken entry number (`Broken at: …`).
    pub fn first_break(&self) -> Option<u64> {
        self.breaks.iter().map(|b| b.entry).min()
    }

    /// Every broken entry number, ascending, without duplicates.
    pub fn broken_at(&self) -> Vec<u64> {
        let mut all: Vec<u64> = self.breaks.iter().map(|b| b.entry).collect();
        all.sort_unstable();
        all.dedup();
        all
    }
}

struct Walk {
    breaks: Vec<ChainBreak>,
    entry: u64,
    prev_hash: Option<String>,
    prev_seq: Option<u64>,
    canonical: u64,
    /// seq → (checkpoint index, signed hash), for valid checkpoints not yet reached.
    pending: BTreeMap<u64, Vec<(usize, Checkpoint)>>,
    checkpoints_ok: usize,
}

impl Walk {
    fn push(&mut self, file: &Path, line: u64, kind: BreakKind, detail: String) {
        self.breaks.push(ChainBreak {
            entry: self.entry,
            file: file.to_path_buf(),
            line,
            kind,
            detail,
        });
    }
}

/// Verifies the log at `path` (all rotated segments, then the active file).
///
/// Errors only when files cannot be read; every problem in the content is a [`ChainBreak`] in the
/// report. Reading is streaming: memory use does not grow with the log.
pub fn verify(path: &Path, options: &mut VerifyOptions<'_>) -> Result<VerifyReport, AuditError> {
    let files = if options.active_segment_only {
        vec![path.to_path_buf()]
    } else {
        all_files(path).map_err(AuditError::io("list segments of", path))?
    };
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| {
            std::fs::metadata(f)
                .map(|m| m.len())
                .map_err(AuditError::io("stat", f))
        })
        .collect::<Result<_, _>>()?;
    let bytes_total: u64 = sizes.iter().sum();

    let mut walk = Walk {
        breaks: Vec::new(),
        entry: 0,
        prev_hash: if options.active_segment_only {
            None
        } else {
            Some(GENESIS.to_owned())
        },
        prev_seq: if options.active_segment_only {
            None
        } else {
            Some(0)
        },
        canonical: 0,
        pending: BTreeMap::new(),
        checkpoints_ok: 0,
    };

    if let Some(key) = &options.checkpoint_key {
        let cp_path = options
            .checkpoint_file
            .clone()
            .unwrap_or_else(|| checkpoint_path(path));
        load_checkpoints(&cp_path, key, &mut walk)?;
    }

    let mut bytes_done = 0u64;
    let mut next_progress = PROGRESS_EVERY;
    let mut buf = Vec::with_capacity(64 * 1024);
    for (file_index, file_path) in files.iter().enumerate() {
        let file = File::open(file_path).map_err(AuditError::io("open", file_path))?;
        let mut reader = BufReader::with_capacity(1024 * 1024, file);
        let mut line_no = 0u64;
        let is_last_file = file_index + 1 == files.len();
        loop {
            buf.clear();
            let n = reader
                .read_until(b'\n', &mut buf)
                .map_err(AuditError::io("read", file_path))?;
            if n == 0 {
                break;
            }
            bytes_done += n as u64;
            line_no += 1;
            if buf.last() != Some(&b'\n') {
                if options.ignore_unterminated_tail && is_last_file {
                    break;
                }
                walk.entry += 1;
                walk.push(
                    file_path,
                    line_no,
                    BreakKind::Malformed,
                    format!(
                        "unterminated last line ({n} bytes): a torn write; opening the log for append or \
                         `attesta audit repair` moves it aside"
                    ),
                );
                break;
            }
            walk.entry += 1;
            check_line(&buf, file_path, line_no, &mut walk);
            if let Some(progress) = options.progress.as_deref_mut()
                && bytes_done >= next_progress
            {
                progress(VerifyProgress {
                    bytes_done,
                    bytes_total,
                    entries: walk.entry,
                });
                next_progress = bytes_done + PROGRESS_EVERY;
            }
        }
    }

    // Checkpoints never reached: the log was cut short, or the signed seq is missing.
    let last_seq = walk.prev_seq;
    let pending = std::mem::take(&mut walk.pending);
    for (seq, checkpoints) in pending {
        for (index, cp) in checkpoints {
            let truncated = last_seq.is_none_or(|last| seq > last);
            let (kind, detail) = if truncated {
                (
                    BreakKind::CheckpointTruncated,
                    format!(
                        "checkpoint #{} covers seq {seq} ({} entries) but the log ends at seq {}: entries were removed from the end",
                        index + 1,
                        cp.entries,
                        last_seq.map_or_else(|| "none".to_owned(), |s| s.to_string())
                    ),
                )
            } else {
                (
                    BreakKind::CheckpointMismatch,
                    format!(
                        "checkpoint #{} covers seq {seq} but no entry with that seq was found",
                        index + 1
                    ),
                )
            };
            let entry = walk.entry + 1;
            walk.breaks.push(ChainBreak {
                entry,
                file: path.to_path_buf(),
                line: 0,
                kind,
                detail,
            });
        }
    }

    if let Some(progress) = options.progress.as_deref_mut() {
        progress(VerifyProgress {
            bytes_done,
            bytes_total,
            entries: walk.entry,
        });
    }
    Ok(VerifyReport {
        intact: walk.breaks.is_empty(),
        entries: walk.entry,
        bytes: bytes_done,
        files,
        breaks: walk.breaks,
        last_seq,
        last_hash: walk.prev_hash.filter(|h| h != GENESIS),
        checkpoints_verified: walk.checkpoints_ok,
        canonical_lines: walk.canonical,
    })
}

fn load_checkpoints(
    cp_path: &Path,
    key: &CheckpointVerifier,
    walk: &mut Walk,
) -> Result<(), AuditError> {
    let checkpoints = match read_checkpoints(cp_path) {
        Ok(list) => list,
        Err(AuditError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            Vec::new()
        }
        Err(AuditError::CheckpointFile { line, reason, .. }) => {
            walk.breaks.push(ChainBreak {
                entry: 0,
                file: cp_path.to_path_buf(),
                line,
                kind: BreakKind::CheckpointForged,
                detail: format!("unreadable checkpoint: {reason}"),
            });
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    if checkpoints.is_empty() {
        walk.breaks.push(ChainBreak {
            entry: 0,
            file: cp_path.to_path_buf(),
            line: 0,
            kind: BreakKind::CheckpointMissing,
            detail: format!(
                "no checkpoints in {}; create one with `attesta audit checkpoint` (a log without one cannot prove it was not truncated)",
                cp_path.display()
            ),
        });
    }
    for (index, cp) in checkpoints.into_iter().enumerate() {
        match key.verify(&cp) {
            Ok(()) => walk.pending.entry(cp.seq).or_default().push((index, cp)),
            Err(reason) => walk.breaks.push(ChainBreak {
                entry: 0,
                file: cp_path.to_path_buf(),
                line: index as u64 + 1,
                kind: BreakKind::CheckpointForged,
                detail: format!("checkpoint #{} (seq {}): {reason}", index + 1, cp.seq),
            }),
        }
    }
    Ok(())
}

fn check_line(line: &[u8], file: &Path, line_no: u64, walk: &mut Walk) {
    let digest = match digest_line(line, line_no) {
        Ok(d) => d,
        Err(e) => {
            walk.push(file, line_no, BreakKind::Malformed, e.to_string());
            // The chain cannot be followed through this line; the next link is judged on its own.
            walk.prev_hash = None;
            walk.prev_seq = walk.prev_seq.map(|s| s + 1);
            return;
        }
    };
    if digest.canonical {
        walk.canonical += 1;
    }
    if !digest.self_consistent() {
        let detail = format!(
            "seq {}: content hashes to {} but chain_hash says {} (the entry was edited)",
            digest.seq, digest.computed_hash, digest.chain_hash
        );
        walk.push(file, line_no, BreakKind::HashMismatch, detail);
    }
    if let Some(expected) = &walk.prev_hash
        && *expected != digest.previous_hash
    {
        let detail = format!(
            "seq {}: previous_hash is {} but the previous entry's chain_hash is {} (an entry was inserted, deleted or moved)",
            digest.seq,
            short(&digest.previous_hash),
            short(expected)
        );
        walk.push(file, line_no, BreakKind::LinkMismatch, detail);
    }
    if let Some(prev_seq) = walk.prev_seq
        && digest.seq != prev_seq + 1
    {
        let detail = format!(
            "seq {} follows seq {prev_seq} (expected {})",
            digest.seq,
            prev_seq + 1
        );
        walk.push(file, line_no, BreakKind::SeqMismatch, detail);
    }
    if let Some(checkpoints) = walk.pending.remove(&digest.seq) {
        for (index, cp) in checkpoints {
            if cp.chain_hash == digest.chain_hash && cp.entries == walk.entry {
                walk.checkpoints_ok += 1;
            } else {
                let detail = format!(
                    "checkpoint #{} signed seq {} as entry {} with hash {}, but the log has entry {} with hash {} (the log was rewritten)",
                    index + 1,
                    cp.seq,
                    cp.entries,
                    short(&cp.chain_hash),
                    walk.entry,
                    short(&digest.chain_hash)
                );
                walk.push(file, line_no, BreakKind::CheckpointMismatch, detail);
            }
        }
    }
    walk.prev_hash = Some(digest.chain_hash);
    walk.prev_seq = Some(digest.seq);
}

fn short(hash: &str) -> &str {
    hash.get(..16).unwrap_or(hash)
}
