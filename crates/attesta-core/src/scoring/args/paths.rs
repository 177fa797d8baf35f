//! Paths: sensitive files, Attesta's own files, shell history and logs.

/// One pass over a token: could it be a path or a key file? (`/`, `\\`, `~`, a leading dot,
/// a `.pem`/`.key`/`.sql`-style extension, or an `id_rsa`-style name.)
pub(super) fn looks_pathlike(token: &str) -> bool {
    let b = token.as_bytes();
    if b.first() == Some(&b'.')
        || b.iter().any(|c| matches!(c, b'/' | b'\\' | b'~'))
        || token.starts_with("id_")
    {
        return true;
    }
    let Some(dot) = b.iter().rposition(|&c| c == b'.') else {
        return false;
    };
    // A sensitive extension: two to eight letters or digits, in any case.
    let ext = &b[dot + 1..];
    if !(2..=8).contains(&ext.len()) || !ext.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let mut lower = [0u8; 8];
    lower[..ext.len()].copy_from_slice(ext);
    lower.make_ascii_lowercase();
    matches!(
        &lower[..ext.len()],
        b"pem"
            | b"key"
            | b"p12"
            | b"pfx"
            | b"jks"
            | b"keystore"
            | b"ppk"
            | b"sql"
            | b"dump"
            | b"bak"
            | b"sqlite"
            | b"db"
            | b"env"
            | b"netrc"
            | b"pgpass"
            | b"npmrc"
            | b"pypirc"
            | b"json"
            | b"yaml"
            | b"yml"
            | b"tfstate"
            | b"htpasswd"
    )
}

/// Attesta's own files and the agents' hook settings, by whole path component (never by
/// substring): the names Attesta and the agents actually load. So `attesta.yaml`,
/// `./cfg/attesta.toml`, `.attesta/audit.jsonl`, `~/.claude/settings.json`,
/// `C:\\p\\.codex\\hooks.json` match, while `my-attesta.yaml.bak`, `attesta.yaml.bak` or
/// `x.attesta/notes` do not (nothing loads them; copying the config *to* a backup name is not a
/// change to the gate). The agent settings directories themselves (`.claude`, `.codex`,
/// `.gemini` as the last component, or a glob directly inside them) match too, because deleting
/// or replacing the directory removes the hook settings in it. Case-insensitive, because
/// macOS and Windows file systems are. Returns what the file is, for evidence.
pub fn gate_path(token: &str) -> Option<&'static str> {
    let path = token.trim_matches(|c| matches!(c, '"' | '\'' | '=' | ',' | ';' | ':' | '@'));
    if path.is_empty() || path.len() > 4096 {
        return None;
    }
    let mut parts = path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .rev();
    let last = parts.next()?;
    let parent = parts.next();
    let is = |part: &str, name: &str| part.eq_ignore_ascii_case(name);
    if [
        "attesta.yaml",
        "attesta.yml",
        "attesta.json",
        "attesta.toml",
    ]
    .iter()
    .any(|n| is(last, n))
    {
        return Some("Attesta configuration");
    }
    if is(last, ".attesta")
        || parent.is_some_and(|p| is(p, ".attesta"))
        || parts.any(|p| is(p, ".attesta"))
    {
        return Some("Attesta state (audit log, trust store, checkpoints)");
    }
    let agent_dir = |p: &str| is(p, ".claude") || is(p, ".codex") || is(p, ".gemini");
    if agent_dir(last) {
        return Some("coding agent settings directory (hook configuration)");
    }
    let glob = last.contains(['*', '?']);
    let hook_file = match parent {
        Some(p) if is(p, ".claude") => {
            glob || is(last, "settings.json") || is(last, "settings.local.json")
        }
        Some(p) if is(p, ".codex") => glob || is(last, "hooks.json") || is(last, "config.toml"),
        Some(p) if is(p, ".gemini") => glob || is(last, "settings.json"),
        _ => false,
    };
    hook_file.then_some("coding agent hook settings")
}

/// Shell history and system logs: erasing or redirecting them hides what an agent did.
pub fn history_or_log_path(token: &str) -> bool {
    let path = token.trim_matches(|c| matches!(c, '"' | '\''));
    let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
    matches!(
        base,
        ".bash_history"
            | ".zsh_history"
            | ".sh_history"
            | ".history"
            | ".zhistory"
            | "fish_history"
            | ".python_history"
            | ".node_repl_history"
            | ".psql_history"
            | ".mysql_history"
            | ".sqlite_history"
            | ".lesshst"
            | ".viminfo"
            | "wtmp"
            | "btmp"
            | "lastlog"
            | "utmp"
    ) || path == "/var/log"
        || path.starts_with("/var/log/")
}

/// Paths that hold credentials or the system itself.
/// Substrings [`sensitive_path`] looks for, found in one pass (a bit each, in this order).
const PATH_MARKS: &[&str] = &[
    ".aws/credentials",
    ".git-credentials",
    ".gnupg",
    "/.ssh",
    ".kube/config",
    ".docker/config.json",
    ".git/hooks",
    "../",
];
const M_AWS: u8 = 1;
const M_GIT_CREDENTIALS: u8 = 2;
const M_GNUPG: u8 = 4;
const M_SSH: u8 = 8;
const M_KUBE: u8 = 16;
const M_DOCKER: u8 = 32;
const M_GIT_HOOKS: u8 = 64;
const M_PARENT: u8 = 128;

static PATH_MARKER: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
    std::sync::LazyLock::new(|| aho_corasick::AhoCorasick::new(PATH_MARKS).ok());

/// Which of [`PATH_MARKS`] occur in `path` (overlapping ones too).
fn path_marks(path: &str) -> u8 {
    // In every mark a dot is followed by `a`, `g`, `s`, `k`, `d` or another dot: most
    // path-like tokens (`example.com/x`, `report.md`) hold no such pair and are done at once.
    let bytes = path.as_bytes();
    if !memchr::memchr_iter(b'.', bytes).any(|at| {
        matches!(
            bytes.get(at + 1),
            Some(b'a' | b'g' | b's' | b'k' | b'd' | b'.')
        )
    }) {
        return 0;
    }
    let Some(marker) = PATH_MARKER.as_ref() else {
        return PATH_MARKS.iter().zip(0..).fold(0, |m, (mark, bit)| {
            if path.contains(mark) {
                m | (1 << bit)
            } else {
                m
            }
        });
    };
    marker
        .find_overlapping_iter(path)
        .fold(0, |m, found| m | (1 << found.pattern().as_usize()))
}

pub fn sensitive_path(token: &str) -> Option<(f64, &'static str)> {
    let path = token.trim_end_matches(['.', ':', ',']);
    let base = crate::scoring::shell::basename(path);
    // Lowercased on the stack for ordinary names.
    crate::scoring::text::with_lower(base, |lower_base| sensitive_path_with(path, lower_base))
        .unwrap_or_else(|| sensitive_path_with(path, &base.to_ascii_lowercase()))
}

/// [`sensitive_path`] of `path`, whose last component lowercased is `lower_base`.
fn sensitive_path_with(path: &str, lower_base: &str) -> Option<(f64, &'static str)> {
    if matches!(lower_base, "id_rsa" | "id_ed25519" | "id_ecdsa" | "id_dsa") {
        return Some((0.85, "SSH private key"));
    }
    let marks = path_marks(path);
    if marks & (M_AWS | M_GIT_CREDENTIALS | M_GNUPG) != 0 {
        return Some((0.85, "credential store"));
    }
    if marks & M_SSH != 0 || path.starts_with("~/.ssh") || path.starts_with(".ssh/") {
        return Some((0.8, "SSH directory"));
    }
    if matches!(
        path,
        "/etc/shadow" | "/etc/sudoers" | "/etc/passwd" | "/etc/gshadow"
    ) || path.starts_with("/etc/sudoers.d")
    {
        return Some((0.8, "system account file"));
    }
    if path.starts_with("/dev/sd") || path.starts_with("/dev/nvme") || path.starts_with("/dev/disk")
    {
        return Some((0.9, "raw disk device"));
    }
    if matches!(
        lower_base,
        ".netrc"
            | ".pgpass"
            | ".npmrc"
            | ".pypirc"
            | "credentials.json"
            | "serviceaccountkey.json"
            | "terraform.tfstate"
            | "secrets.yaml"
            | "secrets.yml"
            | "secrets.json"
            | "master.key"
            | ".htpasswd"
    ) {
        return Some((0.7, "credentials file"));
    }
    if [".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk"]
        .iter()
        .any(|ext| lower_base.ends_with(ext))
        && lower_base.len() > 4
    {
        return Some((0.7, "key file"));
    }
    if [".sql", ".dump", ".bak", ".sqlite", ".db"]
        .iter()
        .any(|ext| lower_base.ends_with(ext))
        && lower_base.len() > 4
    {
        return Some((0.5, "database dump"));
    }
    if lower_base == ".env" || lower_base.starts_with(".env.") {
        return Some((0.65, "environment secrets file"));
    }
    if marks & (M_KUBE | M_DOCKER) != 0 {
        return Some((0.65, "cluster credentials"));
    }
    if path == "/root" || path.starts_with("/root/") {
        return Some((0.6, "root's home"));
    }
    if path.starts_with("/etc/") || path == "/etc" {
        return Some((0.55, "system configuration"));
    }
    for (prefix, sev) in [
        ("/boot", 0.6),
        ("/bin", 0.55),
        ("/sbin", 0.55),
        ("/usr/bin", 0.55),
        ("/usr/lib", 0.5),
        ("/lib", 0.5),
        ("/var/lib", 0.5),
        ("/proc", 0.45),
        ("/sys", 0.45),
        ("/var/log", 0.4),
    ] {
        if path == prefix
            || path
                .strip_prefix(prefix)
                .is_some_and(|r| r.starts_with('/'))
        {
            return Some((sev, "system directory"));
        }
    }
    let windows = path.get(..10).is_some_and(|head| {
        head.eq_ignore_ascii_case("c:\\windows") || head.eq_ignore_ascii_case("c:/windows")
    });
    if windows {
        return Some((0.6, "system directory"));
    }
    if marks & M_GIT_HOOKS != 0 {
        return Some((0.5, "git hooks (run code)"));
    }
    if marks & M_PARENT != 0 && path.matches("../").count() >= 2 {
        return Some((0.4, "path traversal"));
    }
    None
}
