//! Paths a command deletes or writes, and how bad that is.

use super::*;

/// Paths whose deletion wipes a machine or a home directory.
pub(super) fn is_catastrophic_target(path: &str) -> bool {
    let p = path.trim_end_matches('/');
    let p = if p.is_empty() && path.starts_with('/') {
        "/"
    } else {
        p
    };
    if matches!(
        p,
        "/" | "/*"
            | "~"
            | "~/*"
            | "$HOME"
            | "${HOME}"
            | "$HOME/*"
            | "."
            | "./*"
            | ".."
            | "*"
            | ".*"
            | "/home"
            | "/Users"
    ) {
        return true;
    }
    // A top-level directory (`/etc`, `/var`, `/usr/*`).
    let stripped = p.trim_end_matches("/*");
    stripped.starts_with('/') && stripped.len() > 1 && !stripped[1..].contains('/')
}

/// Block devices, system directories and the like: writing there changes the machine itself.
pub fn system_write_target(path: &str) -> Option<f64> {
    const DEVICES: &[&str] = &[
        "/dev/sd",
        "/dev/nvme",
        "/dev/hd",
        "/dev/xvd",
        "/dev/vd",
        "/dev/disk",
        "/dev/mmcblk",
    ];
    const HARMLESS: &[&str] = &[
        "/dev/null",
        "/dev/stdout",
        "/dev/stderr",
        "/dev/tty",
        "/dev/zero",
    ];
    const SYSTEM: &[&str] = &[
        "/etc",
        "/usr",
        "/bin",
        "/sbin",
        "/boot",
        "/lib",
        "/lib64",
        "/sys",
        "/proc",
        "/root",
        "/var/lib",
        "/System",
        "/Library",
        "/dev",
        "~/.ssh",
        "$HOME/.ssh",
        "~/.bashrc",
        "~/.zshrc",
        "~/.profile",
        "/var/spool/cron",
    ];
    if HARMLESS.contains(&path) {
        return None;
    }
    if DEVICES.iter().any(|d| path.starts_with(d)) {
        return Some(0.95);
    }
    let lower_win = path.to_ascii_lowercase();
    if lower_win.starts_with("c:\\windows") || lower_win.starts_with("c:/windows") {
        return Some(0.85);
    }
    SYSTEM
        .iter()
        .any(|s| {
            path == *s
                || path
                    .strip_prefix(s)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
        .then_some(0.85)
}

/// What writing, replacing or deleting `path` would hit beyond an ordinary file: Attesta's own
/// files and hook settings (critical: the agent would be editing its own gate), or shell history
/// and logs (high: hides what was done).
pub(super) fn write_target_risk(path: &str) -> Option<(f64, String)> {
    if let Some(what) = gate_path(path) {
        return Some((GATE_FILE_WRITE, format!("{what} {}", snippet(path, 60))));
    }
    if history_or_log_path(path) {
        return Some((
            HISTORY_TAMPERING,
            format!("shell history or logs {}", snippet(path, 60)),
        ));
    }
    None
}

/// The files a command writes, replaces or deletes, as far as its syntax says.
pub(super) fn written_paths<'a>(cmd: &str, args: &[&'a str]) -> Vec<&'a str> {
    match cmd {
        // Every operand is changed (`mv` removes its sources too).
        "rm" | "del" | "rmdir" | "unlink" | "remove-item" | "shred" | "truncate" | "mv" | "tee"
        | "srm" | "wipe" => positional(args).collect(),
        // Only the destination (the last operand) is written.
        "cp" | "install" | "ln" | "rsync" => positional(args).last().into_iter().collect(),
        "sed" | "perl" if has_flag(args, Some('i'), &["--in-place"]) => positional(args).collect(),
        "dd" => args.iter().filter_map(|a| a.strip_prefix("of=")).collect(),
        _ => Vec::new(),
    }
}
