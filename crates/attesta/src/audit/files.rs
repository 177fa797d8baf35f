//! File naming (segments, lock, torn tails) and reading the last line of a log from its end.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name: OsString = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// `<log>.lock`: the file every writer locks. It is never rotated, so writers holding a handle to
/// a rotated segment still exclude each other.
pub fn lock_path(log: &Path) -> PathBuf {
    with_suffix(log, ".lock")
}

/// `<log>.torn-`: prefix of the files torn tails are moved to.
pub fn torn_path_prefix(log: &Path) -> PathBuf {
    with_suffix(log, ".torn-")
}

/// `<log>.<n>`.
pub(crate) fn segment_path(log: &Path, n: u64) -> PathBuf {
    with_suffix(log, &format!(".{n}"))
}

/// Rotated segments of `log` (`audit.jsonl.1`, `audit.jsonl.2`, …), oldest first, with their
/// numbers. The active file itself is not included.
pub fn segment_files(log: &Path) -> io::Result<Vec<(u64, PathBuf)>> {
    let Some(name) = log.file_name().and_then(|n| n.to_str()) else {
        return Ok(Vec::new());
    };
    let dir = match log.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let prefix = format!("{name}.");
    let mut out = Vec::new();
    let read = match std::fs::read_dir(&dir) {
        Ok(r) => r,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    for item in read {
        let item = item?;
        let file_name = item.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let Some(number) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        if number.is_empty()
            || !number.bytes().all(|b| b.is_ascii_digit())
            || number.starts_with('0')
        {
            continue;
        }
        if let Ok(n) = number.parse::<u64>() {
            out.push((n, segment_path(log, n)));
        }
    }
    out.sort_by_key(|(n, _)| *n);
    Ok(out)
}

/// Rotated segments then the active file: the order `verify` and readers walk.
pub(crate) fn all_files(log: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = segment_files(log)?.into_iter().map(|(_, p)| p).collect();
    files.push(log.to_path_buf());
    Ok(files)
}

/// Reads `file[start..end]`.
pub(crate) fn read_range(mut file: &File, start: u64, end: u64) -> io::Result<Vec<u8>> {
    let len = usize::try_from(end.saturating_sub(start)).map_err(io::Error::other)?;
    let mut buf = vec![0; len];
    file.seek(SeekFrom::Start(start))?;
    file.read_exact(&mut buf)?;
    Ok(buf)
}

/// Offset just after the last `\n` strictly before `end` (0 when there is none), found by reading
/// backwards in growing chunks rather than reading the whole file.
pub(crate) fn line_start_before(file: &File, end: u64) -> io::Result<u64> {
    let mut chunk: u64 = 8 * 1024;
    let mut hi = end;
    while hi > 0 {
        let lo = hi.saturating_sub(chunk);
        let buf = read_range(file, lo, hi)?;
        if let Some(i) = buf.iter().rposition(|&b| b == b'\n') {
            return Ok(lo + i as u64 + 1);
        }
        hi = lo;
        chunk = (chunk * 2).min(8 * 1024 * 1024);
    }
    Ok(0)
}

/// The last byte of the file, if any.
pub(crate) fn last_byte(file: &File, len: u64) -> io::Result<Option<u8>> {
    if len == 0 {
        return Ok(None);
    }
    Ok(read_range(file, len - 1, len)?.first().copied())
}

/// How long a process waits for the audit or trust lock before giving up. Holding a lock is a
/// way to stall every gated call, so the wait is bounded and the call is denied past it.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Takes `file`'s advisory lock (exclusive or shared), waiting at most [`LOCK_WAIT`]. Past it
/// the error is `TimedOut` and says the lock is held by another process.
pub fn lock_bounded(file: &File, exclusive: bool) -> io::Result<()> {
    let started = std::time::Instant::now();
    let mut pause = std::time::Duration::from_millis(2);
    loop {
        let attempt = if exclusive { file.try_lock() } else { file.try_lock_shared() };
        match attempt {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
            Err(std::fs::TryLockError::WouldBlock) => {}
        }
        if started.elapsed() >= LOCK_WAIT {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "the lock is held by another process for more than {} s (a stalled or hostile process?); \
                     giving up rather than waiting forever",
                    LOCK_WAIT.as_secs()
                ),
            ));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(std::time::Duration::from_millis(100));
    }
}
