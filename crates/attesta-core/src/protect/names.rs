//! Which paths are the gate's files: by name wherever they live, by glob, and beside the
//! exact paths an entry point adds.

use super::*;

/// Attesta's own configuration file names.
pub(super) const CONFIG_NAMES: [&str; 4] = [
    "attesta.yaml",
    "attesta.yml",
    "attesta.json",
    "attesta.toml",
];

/// Agent directories whose named files hold hooks, permissions or MCP servers.
pub(super) const AGENT_FILES: &[(&str, &[&str])] = &[
    (
        ".claude",
        &[
            "settings.json",
            "settings.local.json",
            "managed-settings.json",
            ".mcp.json",
        ],
    ),
    (
        ".codex",
        &[
            "config.toml",
            "hooks.json",
            "requirements.toml",
            "managed_config.toml",
        ],
    ),
    (".gemini", &["settings.json", "system-settings.json"]),
    (".cursor", &["mcp.json", "hooks.json", "settings.json"]),
    (".vscode", &["mcp.json", "settings.json"]),
    (".windsurf", &["mcp.json", "hooks.json"]),
];

/// File names protected wherever they are.
pub(super) const ANYWHERE_NAMES: &[&str] = &[
    ".claude.json",
    ".mcp.json",
    "claude_desktop_config.json",
    "managed-settings.json",
    "managed-mcp.json",
];

/// Directories that as a whole belong to the gate or to an agent's configuration: creating,
/// replacing, moving or deleting the directory itself is protected.
pub(super) const PROTECTED_DIRS: &[&str] = &[
    ".attesta", ".claude", ".codex", ".gemini", ".cursor", ".vscode",
];

/// System-wide directories of the managed level and of the agents' managed settings.
pub(super) const SYSTEM_DIRS: &[&str] = &[
    "/etc/attesta",
    "/etc/claude-code",
    "/etc/codex",
    "/etc/gemini-cli",
];

/// Names a glob in the current directory is tested against (`rm attesta.y*ml`, `rm .atte?ta/*`).
pub(super) const GLOB_TARGETS: &[&str] = &[
    "attesta.yaml",
    "attesta.yml",
    "attesta.json",
    "attesta.toml",
    ".attesta",
    ".claude",
    ".codex",
    ".gemini",
    ".cursor",
    ".vscode",
    ".mcp.json",
    ".claude.json",
];

/// Names `find -name PATTERN` is tested against: find matches at any depth, dotfiles included.
pub(super) const FIND_TARGETS: &[&str] = &[
    "attesta.yaml",
    "attesta.yml",
    "attesta.json",
    "attesta.toml",
    ".attesta",
    "audit.jsonl",
    "trust.json",
    "settings.json",
    "settings.local.json",
    "hooks.json",
    "config.toml",
    "mcp.json",
    ".mcp.json",
    ".claude.json",
];

/// `path` is `base` or a file beside it whose name extends `base`'s (`audit.jsonl.lock`).
pub(super) fn extends(path: &Path, base: &Path) -> bool {
    if path.starts_with(base) {
        return true;
    }
    match (
        path.parent(),
        base.parent(),
        path.file_name(),
        base.file_name(),
    ) {
        (Some(pp), Some(bp), Some(pn), Some(bn)) => {
            pp == bp && pn.to_string_lossy().starts_with(&*bn.to_string_lossy())
        }
        _ => false,
    }
}

/// Whether a path names one of the gate's files by its components (case-insensitively, since
/// some file systems are).
pub fn is_named_protected(path: &Path) -> bool {
    let parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().to_lowercase()),
            Component::RootDir => Some("/".to_owned()),
            _ => None,
        })
        .collect();
    let Some(last) = parts.last() else {
        return false;
    };
    let text = path.to_string_lossy().to_lowercase();
    if SYSTEM_DIRS
        .iter()
        .any(|d| text == *d || text.starts_with(&format!("{d}/")))
    {
        return true;
    }
    // Attesta's data directory at any level, and its configuration files anywhere.
    if parts.iter().any(|p| p == ".attesta") || CONFIG_NAMES.contains(&last.as_str()) {
        return true;
    }
    if ANYWHERE_NAMES.contains(&last.as_str()) {
        return true;
    }
    // The user level: ~/.config/attesta (or $XDG_CONFIG_HOME/attesta).
    if parts
        .windows(2)
        .any(|w| w[0] == ".config" && w[1] == "attesta")
    {
        return true;
    }
    // An agent's own directory as a whole, or its hook/settings/MCP files.
    if PROTECTED_DIRS.contains(&last.as_str()) {
        return true;
    }
    for (dir, files) in AGENT_FILES {
        if parts.len() >= 2 && parts[parts.len() - 2] == *dir && files.contains(&last.as_str()) {
            return true;
        }
    }
    // Claude Desktop's directory (Linux ~/.config/Claude, macOS ~/Library/Application Support/Claude).
    if parts
        .windows(2)
        .any(|w| (w[0] == ".config" || w[0] == "application support") && w[1] == "claude")
    {
        return true;
    }
    // VS Code and Cursor user settings (…/Code/User/settings.json, …/Cursor/User/mcp.json).
    if parts.len() >= 3
        && parts[parts.len() - 2] == "user"
        && (parts[parts.len() - 3].starts_with("code")
            || parts[parts.len() - 3] == "cursor"
            || parts[parts.len() - 3] == "vscodium")
        && matches!(last.as_str(), "settings.json" | "mcp.json")
    {
        return true;
    }
    // The attesta binary the hooks run.
    if parts.len() >= 2 && parts[parts.len() - 2] == "bin" && last == "attesta" {
        return true;
    }
    false
}

/// A tool argument that names a path: a path-ish key, or a single token with a slash.
pub(super) fn path_like(key: &str, text: &str) -> bool {
    let key = key.to_ascii_lowercase();
    let keyed = [
        "path", "file", "dir", "dest", "target", "source", "src", "to", "from", "location", "uri",
        "output", "adds", "updates", "deletes", "moves",
    ]
    .iter()
    .any(|k| key.contains(k));
    if text.contains('\n') {
        return false;
    }
    keyed
        || (!text.contains(char::is_whitespace)
            && (text.contains('/') || CONFIG_NAMES.contains(&text)))
}

/// Lexical resolution: `~` kept as a component, relative paths joined to `cwd`, `.`/`..` folded.
pub(super) fn resolve(raw: &str, cwd: Option<&Path>) -> PathBuf {
    let p = Path::new(raw);
    let joined = match cwd {
        Some(cwd) if p.is_relative() && !raw.starts_with('~') && !raw.starts_with('$') => {
            cwd.join(p)
        }
        _ => p.to_path_buf(),
    };
    normalize(&joined)
}

pub(super) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The path-like pieces of one word: the word itself and its parts around `=`, `:`, `,`, quotes,
/// parentheses and spaces (`of=FILE`, `--output=FILE`, `other:attesta.yaml`, `open('f','w')`,
/// the text of `bash -c '…'`).
pub(super) fn pieces(word: &str) -> impl Iterator<Item = &str> {
    std::iter::once(word).chain(
        word.split(|c: char| {
            matches!(
                c,
                '=' | ':' | ',' | '\'' | '"' | '(' | ')' | ';' | '>' | '<' | '|' | '&'
            ) || c.is_whitespace()
        })
        .filter(|p| !p.is_empty()),
    )
}

/// A glob word that can expand to a protected name in the directory it is run in.
pub(super) fn glob_hit(piece: &str) -> Option<String> {
    if !piece.contains(['*', '?', '[']) {
        return None;
    }
    let lower = piece.to_ascii_lowercase();
    let components: Vec<&str> = lower
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    let first = *components.first()?;
    // The first component names something in the current directory.
    if first.contains(['*', '?', '[']) || components.len() == 1 {
        return GLOB_TARGETS
            .iter()
            .find(|t| glob_match(first, t) && !(first.starts_with('*') && t.starts_with('.')))
            .map(|t| (*t).to_owned());
    }
    None
}

/// Shell-style glob on one name: `*`, `?`, `[…]` (ranges and `!`/`^` negation).
pub(super) fn glob_match(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => (0..=n.len()).any(|i| go(&p[1..], &n[i..])),
            Some('?') => !n.is_empty() && go(&p[1..], &n[1..]),
            Some('[') => {
                let Some(end) = p.iter().skip(1).position(|&c| c == ']').map(|e| e + 1) else {
                    return n.first() == Some(&'[') && go(&p[1..], &n[1..]);
                };
                let Some(&c) = n.first() else { return false };
                let set = &p[1..end];
                let (negate, set) = match set.first() {
                    Some('!' | '^') => (true, &set[1..]),
                    _ => (false, set),
                };
                let mut hit = false;
                let mut i = 0;
                while i < set.len() {
                    if i + 2 < set.len() && set[i + 1] == '-' {
                        hit |= set[i] <= c && c <= set[i + 2];
                        i += 3;
                    } else {
                        hit |= set[i] == c;
                        i += 1;
                    }
                }
                hit != negate && go(&p[end + 1..], &n[1..])
            }
            Some(&c) => n.first() == Some(&c) && go(&p[1..], &n[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    if p.len() > 256 {
        return false;
    }
    go(&p, &n)
}
