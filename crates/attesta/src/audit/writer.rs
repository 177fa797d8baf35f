//! [`AuditLog`]: the appender. Safe across threads (internal mutex) and processes (exclusive lock
//! on `<log>.lock`), with the tail re-read under the lock whenever the file changed.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use attesta_core::audit::{AuditEntry, GENESIS, digest_line, sha256_hex};
use attesta_core::config::{AuditConfig, Durability};
use jiff::Timestamp;
use serde_json::json;

use super::error::AuditError;
use super::files::{
    last_byte, line_start_before, lock_path, read_range, segment_files, segment_path,
    torn_path_prefix,
};

/// What a torn-tail repair did.
#[derive(Debug, Clone, PartialEq)]
pub struct RepairReport {
    /// Where the torn bytes went (`<log>.torn-<timestamp>`).
    pub moved_to: PathBuf,
    pub torn_bytes: u64,
    /// Lowercase hex SHA-256 of the moved bytes.
    pub torn_sha256: String,
    /// The log's length after truncation (end of the last good line).
    pub truncated_at: u64,
    /// The repair entry appended to record it.
    pub entry: AuditEntry,
}

/// Where the chain continues from the previous segment (first entry of a rotated segment).
#[derive(Debug, Clone, PartialEq)]
struct SegmentLink {
    previous_file: String,
    previous_chain_hash: String,
    previous_seq: u64,
}

/// The cached end of the active file. Valid while the file's identity, length and mtime are
/// unchanged; any other writer's append, repair or rotation changes one of them.
#[derive(Debug, Clone, PartialEq)]
struct Tail {
    ident: FileIdent,
    len: u64,
    modified: Option<SystemTime>,
    last_hash: String,
    last_seq: u64,
    segment_link: Option<SegmentLink>,
}

type FileIdent = (u64, u64);

#[cfg(unix)]
fn ident_of(meta: &fs::Metadata) -> FileIdent {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn ident_of(_meta: &fs::Metadata) -> FileIdent {
    (0, 0)
}

/// Opens (creating with mode 0600) for read + append.
fn open_private(path: &Path, append: bool) -> Result<File, AuditError> {
    let mut options = OpenOptions::new();
    options.read(true).create(true);
    if append {
        options.append(true);
    } else {
        options.write(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(AuditError::io("open", path))
}

struct Inner {
    file: Option<File>,
    ident: Option<FileIdent>,
    cache: Option<Tail>,
    dirty: bool,
    last_sync: Instant,
    last_repair: Option<RepairReport>,
}

/// An append-only, hash-chained JSONL audit log.
///
/// `append` takes the exclusive lock on `<log>.lock`, finds the current tail (from its cache when
/// the file did not change, else by reading backwards from the end), repairs a torn tail, rotates
/// if the file passed `rotate_bytes`, writes the sealed line with one `write` and syncs according
/// to `durability`. It returns an error — never a silent success — when anything fails.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    lock_file: File,
    durability: Durability,
    batch_interval: Duration,
    rotate_bytes: u64,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("cache", &self.cache)
            .field("dirty", &self.dirty)
            .finish()
    }
}

/// Releases the file lock even if the closure under it panics.
struct LockGuard<'a>(&'a File);

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

impl AuditLog {
    /// Opens (creating parent directories and the file, mode 0600) the log at `path`. A torn tail
    /// left by a crash is repaired here (see [`AuditLog::last_repair`]).
    pub fn open(path: impl Into<PathBuf>, config: &AuditConfig) -> Result<AuditLog, AuditError> {
        let path = path.into();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(AuditError::io("create directory", parent))?;
        }
        let lock_file = open_private(&lock_path(&path), false)?;
        let log = AuditLog {
            path,
            lock_file,
            durability: config.durability,
            batch_interval: Duration::from_millis(config.batch_interval_ms),
            rotate_bytes: config.rotate_bytes,
            inner: Mutex::new(Inner {
                file: None,
                ident: None,
                cache: None,
                dirty: false,
                last_sync: Instant::now(),
                last_repair: None,
            }),
        };
        log.locked(|inner| log.tail(inner).map(drop))?;
        Ok(log)
    }

    /// The active file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The last torn-tail repair this handle performed, if any (taken: a second call is `None`).
    pub fn last_repair(&self) -> Option<RepairReport> {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .last_repair
            .take()
    }

    /// Appends `entry`, filling `seq`, `previous_hash` and `chain_hash` (and `entry_id` with a
    /// UUID v7 when empty). Returns the entry as written.
    pub fn append(&self, mut entry: AuditEntry) -> Result<AuditEntry, AuditError> {
        if entry.entry_id.is_empty() {
            entry.entry_id = uuid::Uuid::now_v7().to_string();
        }
        self.locked(|inner| {
            let tail = self.tail(inner)?;
            self.append_locked(inner, entry, tail)
        })
    }

    /// Forces buffered entries to disk (relevant for `batch` and `none` durability).
    pub fn sync(&self) -> Result<(), AuditError> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(file) = &inner.file {
            file.sync_data()
                .map_err(AuditError::io("sync", &self.path))?;
        }
        inner.dirty = false;
        inner.last_sync = Instant::now();
        Ok(())
    }

    fn locked<T>(
        &self,
        f: impl FnOnce(&mut Inner) -> Result<T, AuditError>,
    ) -> Result<T, AuditError> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        super::files::lock_bounded(&self.lock_file, true)
            .map_err(AuditError::io("lock", lock_path(&self.path)))?;
        let _guard = LockGuard(&self.lock_file);
        let result = f(&mut inner);
        if result.is_err() {
            // Whatever failed, the next call re-reads the tail from disk.
            inner.cache = None;
        }
        result
    }

    /// Makes `inner.file` the file currently at `path` (another process may have rotated it) and
    /// returns that file's metadata. When the path still names the open file, the `stat` of the
    /// path already describes it, so no second `fstat` is needed.
    fn ensure_current(&self, inner: &mut Inner) -> Result<fs::Metadata, AuditError> {
        let on_disk = match fs::metadata(&self.path) {
            Ok(meta) => Some(meta),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(AuditError::io("stat", &self.path)(e)),
        };
        if let Some(meta) = on_disk
            && inner.file.is_some()
            && Some(ident_of(&meta)) == inner.ident
        {
            return Ok(meta);
        }
        let file = open_private(&self.path, true)?;
        let meta = file
            .metadata()
            .map_err(AuditError::io("stat", &self.path))?;
        inner.ident = Some(ident_of(&meta));
        inner.file = Some(file);
        inner.cache = None;
        Ok(meta)
    }

    /// The current tail, repairing a torn one. Must run under the lock.
    fn tail(&self, inner: &mut Inner) -> Result<Tail, AuditError> {
        let meta = self.ensure_current(inner)?;
        let file = inner.file.as_ref().ok_or_else(|| no_handle(&self.path))?;
        let (ident, len, modified) = (ident_of(&meta), meta.len(), meta.modified().ok());
        if let Some(cached) = &inner.cache
            && cached.ident == ident
            && cached.len == len
            && cached.modified == modified
        {
            return Ok(cached.clone());
        }

        let io_err = |op| AuditError::io(op, &self.path);
        let mut good_end = len;
        let mut torn = false;
        if last_byte(file, len).map_err(io_err("read"))? != Some(b'\n') && len > 0 {
            // Only an unterminated last line that is the start of a well-formed entry is what a
            // crash leaves. Anything else in its place is reported, never "repaired" away.
            good_end = line_start_before(file, len).map_err(io_err("read"))?;
            let partial = read_range(file, good_end, len).map_err(io_err("read"))?;
            let previous = if good_end > 0 {
                let start = line_start_before(file, good_end - 1).map_err(io_err("read"))?;
                Some(read_range(file, start, good_end).map_err(io_err("read"))?)
            } else {
                None
            };
            if !is_torn_entry_prefix(&partial, previous.as_deref()) {
                let line = bytes_to_line_number(file, good_end).unwrap_or(0);
                return Err(AuditError::DamagedTail { path: self.path.clone(), line });
            }
            torn = true;
        }
        let mut last = None;
        if good_end > 0 {
            let start = line_start_before(file, good_end - 1).map_err(io_err("read"))?;
            let bytes = read_range(file, start, good_end).map_err(io_err("read"))?;
            match digest_line(&bytes, 0) {
                Ok(digest) => last = Some(digest),
                // A complete last line that is not an entry is damage (or tampering), not a tear.
                Err(_) => {
                    let line = bytes_to_line_number(file, start).unwrap_or(0);
                    return Err(AuditError::DamagedTail { path: self.path.clone(), line });
                }
            }
        }

        if torn {
            let (moved_to, torn_bytes, torn_sha256) = self.move_torn(file, good_end, len)?;
            let base = self.tail(inner)?;
            let repair = json!({
                "moved_to": moved_to.file_name().map(|n| n.to_string_lossy().into_owned()),
                "torn_bytes": torn_bytes,
                "torn_sha256": torn_sha256,
                "truncated_at": good_end,
            });
            let reason = format!(
                "moved {torn_bytes} torn byte(s) (sha256 {torn_sha256}) to {}; the chain continues from the last good entry",
                moved_to.display()
            );
            let record = AuditEntry::repair_record(
                uuid::Uuid::now_v7().to_string(),
                Timestamp::now(),
                repair,
                reason,
            );
            let written = self.append_locked(inner, record, base)?;
            inner.last_repair = Some(RepairReport {
                moved_to,
                torn_bytes,
                torn_sha256,
                truncated_at: good_end,
                entry: written,
            });
            return inner.cache.clone().ok_or_else(|| no_handle(&self.path));
        }

        let (last_hash, last_seq, segment_link) = match last {
            Some(d) => (d.chain_hash, d.seq, None),
            None => self.chain_start()?,
        };
        let tail = Tail {
            ident,
            len,
            modified,
            last_hash,
            last_seq,
            segment_link,
        };
        inner.cache = Some(tail.clone());
        Ok(tail)
    }

    /// Where an empty active file continues from: the last rotated segment, or genesis.
    fn chain_start(&self) -> Result<(String, u64, Option<SegmentLink>), AuditError> {
        let segments =
            segment_files(&self.path).map_err(AuditError::io("list segments of", &self.path))?;
        let Some((_, segment)) = segments.last() else {
            return Ok((GENESIS.to_owned(), 0, None));
        };
        let file = File::open(segment).map_err(AuditError::io("open", segment))?;
        let len = file
            .metadata()
            .map_err(AuditError::io("stat", segment))?
            .len();
        let damaged = || AuditError::DamagedTail {
            path: segment.clone(),
            line: 0,
        };
        if len == 0
            || last_byte(&file, len).map_err(AuditError::io("read", segment))? != Some(b'\n')
        {
            return Err(damaged());
        }
        let start = line_start_before(&file, len - 1).map_err(AuditError::io("read", segment))?;
        let bytes = read_range(&file, start, len).map_err(AuditError::io("read", segment))?;
        let digest = digest_line(&bytes, 0).map_err(|_| damaged())?;
        let name = segment
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let link = SegmentLink {
            previous_file: name,
            previous_chain_hash: digest.chain_hash.clone(),
            previous_seq: digest.seq,
        };
        Ok((digest.chain_hash, digest.seq, Some(link)))
    }

    /// Copies `file[good_end..len]` to a fresh `<log>.torn-<timestamp>` (synced), then truncates.
    fn move_torn(
        &self,
        file: &File,
        good_end: u64,
        len: u64,
    ) -> Result<(PathBuf, u64, String), AuditError> {
        let torn = read_range(file, good_end, len).map_err(AuditError::io("read", &self.path))?;
        let now = Timestamp::now();
        let stamp = format!(
            "{}{:09}",
            now.strftime("%Y%m%dT%H%M%S."),
            now.subsec_nanosecond()
        );
        let prefix = torn_path_prefix(&self.path);
        let mut attempt = 0u32;
        let (dest, mut out) = loop {
            let mut name = prefix.clone().into_os_string();
            name.push(&stamp);
            if attempt > 0 {
                name.push(format!("-{attempt}"));
            }
            let dest = PathBuf::from(name);
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            match options.open(&dest) {
                Ok(f) => break (dest, f),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 1000 => {
                    attempt += 1
                }
                Err(e) => return Err(AuditError::io("create", dest)(e)),
            }
        };
        out.write_all(&torn)
            .and_then(|()| out.sync_all())
            .map_err(AuditError::io("write", &dest))?;
        file.set_len(good_end)
            .map_err(AuditError::io("truncate", &self.path))?;
        file.sync_all()
            .map_err(AuditError::io("sync", &self.path))?;
        Ok((dest, torn.len() as u64, sha256_hex(&torn)))
    }

    /// Renames the active file to the next segment and starts a new, empty one.
    fn rotate(&self, inner: &mut Inner, tail: Tail) -> Result<Tail, AuditError> {
        let segments =
            segment_files(&self.path).map_err(AuditError::io("list segments of", &self.path))?;
        let next = segments.last().map_or(1, |(n, _)| n + 1);
        let segment = segment_path(&self.path, next);
        if let Some(file) = &inner.file {
            file.sync_all()
                .map_err(AuditError::io("sync", &self.path))?;
        }
        fs::rename(&self.path, &segment).map_err(AuditError::io("rotate", &self.path))?;
        if let Some(dir) = self.path.parent().filter(|p| !p.as_os_str().is_empty())
            && let Ok(d) = File::open(dir)
        {
            let _ = d.sync_all();
        }
        let meta = self.ensure_current(inner)?;
        Ok(Tail {
            ident: ident_of(&meta),
            len: 0,
            modified: meta.modified().ok(),
            segment_link: Some(SegmentLink {
                previous_file: segment
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                previous_chain_hash: tail.last_hash.clone(),
                previous_seq: tail.last_seq,
            }),
            last_hash: tail.last_hash,
            last_seq: tail.last_seq,
        })
    }

    fn append_locked(
        &self,
        inner: &mut Inner,
        mut entry: AuditEntry,
        tail: Tail,
    ) -> Result<AuditEntry, AuditError> {
        let tail = if self.rotate_bytes > 0 && tail.len >= self.rotate_bytes {
            self.rotate(inner, tail)?
        } else {
            tail
        };
        if tail.len == 0
            && let Some(link) = &tail.segment_link
        {
            entry.metadata.insert(
                "segment".into(),
                json!({
                    "previous_file": link.previous_file,
                    "previous_chain_hash": link.previous_chain_hash,
                    "previous_seq": link.previous_seq,
                }),
            );
        }
        let mut line = entry.seal(tail.last_seq + 1, &tail.last_hash)?;
        line.push(b'\n');
        // No second look at the path here: `tail` (or `rotate`) made `inner.file` the current
        // file under the lock, and every cooperating writer needs that lock to append, repair or
        // rotate, so the file cannot have changed since.
        let file = inner.file.as_ref().ok_or_else(|| no_handle(&self.path))?;
        let written = (|| -> std::io::Result<()> {
            let mut handle = file;
            handle.write_all(&line)?;
            match self.durability {
                Durability::Always => handle.sync_data(),
                _ => Ok(()),
            }
        })();
        if let Err(e) = written {
            // Take back a partial line so the log never holds a record of a call that is denied.
            let _ = file.set_len(tail.len);
            inner.cache = None;
            return Err(AuditError::io("append to", &self.path)(e));
        }
        if self.durability == Durability::Batch {
            if inner.last_sync.elapsed() >= self.batch_interval {
                file.sync_data()
                    .map_err(AuditError::io("sync", &self.path))?;
                inner.last_sync = Instant::now();
                inner.dirty = false;
            } else {
                inner.dirty = true;
            }
        }
        let meta = file
            .metadata()
            .map_err(AuditError::io("stat", &self.path))?;
        inner.cache = Some(Tail {
            ident: ident_of(&meta),
            len: meta.len(),
            modified: meta.modified().ok(),
            last_hash: entry.chain_hash.clone(),
            last_seq: entry.seq,
            segment_link: None,
        });
        Ok(entry)
    }
}

impl Drop for AuditLog {
    fn drop(&mut self) {
        let inner = self.inner.get_mut().unwrap_or_else(PoisonError::into_inner);
        if inner.dirty
            && let Some(file) = &inner.file
        {
            let _ = file.sync_data();
        }
    }
}

fn no_handle(path: &Path) -> AuditError {
    AuditError::io("open", path)(std::io::Error::other("the log file handle was lost; retry"))
}

/// 1-based line number of the line starting at `offset` (counts newlines before it; only used
/// for error messages).
/// Whether `partial` (an unterminated last line) is a strict prefix of a well-formed entry: a
/// complete entry missing only its newline, or JSON cut short (the parser runs out of input
/// rather than meeting a syntax error) that opens with the same first key as the entry before.
fn is_torn_entry_prefix(partial: &[u8], previous: Option<&[u8]>) -> bool {
    if partial.is_empty() || partial.contains(&b'\n') {
        return false;
    }
    let mut whole = partial.to_vec();
    whole.push(b'\n');
    if digest_line(&whole, 0).is_ok() {
        return true;
    }
    // A write cut inside a multi-byte character leaves an incomplete sequence at the very end.
    let text = match std::str::from_utf8(partial) {
        Ok(text) => text,
        Err(e) if e.error_len().is_none() => match std::str::from_utf8(&partial[..e.valid_up_to()]) {
            Ok(text) => text,
            Err(_) => return false,
        },
        Err(_) => return false,
    };
    if !text.starts_with('{') {
        return false;
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Err(e) if e.classify() == serde_json::error::Category::Eof => {}
        _ => return false,
    }
    // Entries are written with their keys in one fixed order: the cut one starts like the last.
    if let Some(previous) = previous {
        let first_key_end = previous.iter().position(|&b| b == b':').map_or(0, |i| i + 1);
        let shared = first_key_end.min(partial.len());
        if shared == 0 || previous[..shared] != partial[..shared] {
            return false;
        }
    }
    true
}

fn bytes_to_line_number(file: &File, offset: u64) -> std::io::Result<u64> {
    let bytes = read_range(file, 0, offset)?;
    Ok(bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1)
}

/// Repairs a torn tail of the log at `path` (moving it aside and recording a repair entry).
/// Never edits valid entries. Returns `None` when there was nothing to repair.
pub fn repair(path: impl Into<PathBuf>) -> Result<Option<RepairReport>, AuditError> {
    let log = AuditLog::open(path, &AuditConfig::default())?;
    Ok(log.last_repair())
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<AuditLog>();
}
