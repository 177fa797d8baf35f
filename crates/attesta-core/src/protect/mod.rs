//! Self-protection: the files that define or record the gate are CRITICAL to change.
//!
//! An agent that can rewrite Attesta's configuration, audit log, trust store or lock files, or
//! the agent's own hook and MCP settings that route its calls through Attesta, can switch the
//! gate off with a single call that looks like ordinary editing. [`Protection::check`] finds
//! such calls — by any tool (file tools, patches, MCP servers) or shell command (redirections,
//! `rm`, `mv`, `ln`, `chmod`/`chattr`, `truncate`, `curl -o`, `wget -O`, `git checkout … --`,
//! `sed -i`, `vim -c`, `ed`, `mkfifo`, `flock` on a lock file, `attesta hook uninstall` …) —
//! and the [`RiskEngine`](crate::scoring::RiskEngine) floors them at CRITICAL, after profiles,
//! safe actions, overrides and trust could have lowered them.
//!
//! Recognition is by name, not by asking the file system: a path is protected when its
//! components look like one of the gate's files wherever it lives (`.attesta/…`,
//! `attesta.yaml`, `.claude/settings.json`, `~/.claude.json`, `.mcp.json`, `.codex/hooks.json`,
//! `/etc/attesta/…`, `~/.config/attesta/…` …), plus the exact paths the entry point adds (a
//! configured audit log or trust store elsewhere). Shell commands are split into words with
//! quotes and escapes removed, so `"att"esta.yaml` and `atte\sta.yaml` are seen for what they
//! are; glob words are matched against the protected names. A command made only of read-only
//! programs without output redirection (`cat attesta.yaml`, `git diff .claude/`) is not raised.
//!
//! Only an exception naming the file at the managed or user level ([`Protection::allow`]) lifts
//! the floor; the entry point that builds the protection decides which levels may do that.

use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::assessment::{RiskAssessment, RiskFactor};
use crate::context::ActionContext;
use crate::types::RiskLevel;

mod names;
mod shell;
#[cfg(test)]
mod tests;

pub use names::is_named_protected;
use names::*;
use shell::*;

/// What a call does to a protected file, for the audit log and the human.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedHit {
    /// The protected file or directory, as the call named it (resolved when possible).
    pub target: String,
    /// How the call reaches it (`Write tool`, `shell command`, `attesta hook uninstall` …).
    pub how: String,
}

impl std::fmt::Display for ProtectedHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} changes {}, which defines or records the approval gate (self-protection: always critical)",
            self.how, self.target
        )
    }
}

/// The protected set and its exceptions. [`Protection::default`] protects by name only.
#[derive(Debug, Clone, Default)]
pub struct Protection {
    /// Exact absolute paths protected besides the named ones (configured audit log, trust
    /// store, configuration files); files beside them sharing the name as prefix are included
    /// (`audit.jsonl.lock`, `audit.jsonl.1`, `trust.json.lock`).
    extra: Vec<PathBuf>,
    /// Absolute paths (file or directory) the managed or user level explicitly releases.
    allowed: Vec<PathBuf>,
}

impl Protection {
    pub fn new() -> Self {
        Protection::default()
    }

    /// Also protects `path` and its siblings that extend its name.
    pub fn protect(mut self, path: impl Into<PathBuf>) -> Self {
        let path = normalize(&path.into());
        if !path.as_os_str().is_empty() && !self.extra.contains(&path) {
            self.extra.push(path);
        }
        self
    }

    /// Releases `path` (and what is under it) from the floor. Only for exceptions written at the
    /// managed or user level.
    pub fn allow(mut self, path: impl Into<PathBuf>) -> Self {
        self.allowed.push(normalize(&path.into()));
        self
    }

    /// The first protected file `ctx` would change, if any.
    pub fn check(&self, ctx: &ActionContext) -> Option<ProtectedHit> {
        let cwd = ctx
            .metadata
            .get("cwd")
            .and_then(Value::as_str)
            .map(PathBuf::from);
        let name = ctx.function_name.as_str();
        if is_shell_tool(name) {
            let texts = command_texts(ctx);
            for text in &texts {
                if let Some(hit) = self.check_shell(text, cwd.as_deref()) {
                    return Some(hit);
                }
            }
            let read_only = texts
                .iter()
                .all(|t| !has_dynamic_code(t) && split_commands(t).iter().all(Simple::read_only));
            return if read_only {
                None
            } else {
                self.check_links(ctx)
            };
        }
        if is_read_tool(name) {
            return None;
        }
        if let Some(hit) = self.check_links(ctx) {
            return Some(hit);
        }
        let mut found = None;
        let mut visit = |key: &str, text: &str| {
            if found.is_some() || !path_like(key, text) {
                return;
            }
            if let Some(target) = self.protected(text, cwd.as_deref()) {
                found = Some(ProtectedHit {
                    target,
                    how: format!("the {name} tool"),
                });
            }
        };
        for (key, value) in &ctx.kwargs {
            walk(key, value, &mut visit);
        }
        for value in &ctx.args {
            walk("", value, &mut visit);
        }
        found
    }

    /// Link targets the entry point resolved (`metadata.resolved_paths`): a symbolic link to a
    /// protected file is that file. The entry may only add protection, never remove it.
    fn check_links(&self, ctx: &ActionContext) -> Option<ProtectedHit> {
        let targets = ctx.metadata.get("resolved_paths")?.as_array()?;
        targets.iter().filter_map(Value::as_str).find_map(|t| {
            self.protected(t, None).map(|target| ProtectedHit {
                target,
                how: "a symbolic link to it".into(),
            })
        })
    }

    /// Whether the path `raw` (relative to `cwd`) is protected and not released; the resolved
    /// path when it is.
    fn protected(&self, raw: &str, cwd: Option<&Path>) -> Option<String> {
        let raw = raw.trim();
        if raw.is_empty() || raw.len() > 4096 {
            return None;
        }
        let path = resolve(raw, cwd);
        let hit = is_named_protected(&path) || self.extra.iter().any(|p| extends(&path, p));
        if !hit {
            return None;
        }
        if self.allowed.iter().any(|a| path.starts_with(a)) {
            return None;
        }
        Some(path.display().to_string())
    }

    fn check_shell(&self, text: &str, cwd: Option<&Path>) -> Option<ProtectedHit> {
        let commands = split_commands(text);
        let read_only = !has_dynamic_code(text) && commands.iter().all(|c| c.read_only());
        let mut cwd = cwd.map(Path::to_path_buf);
        for command in &commands {
            let words = command.program_words();
            // Attesta's own commands that change the gate name no file.
            if let Some(hit) = attesta_command(words) {
                return Some(hit);
            }
            if let Some(hit) = git_special(words) {
                return Some(hit);
            }
            if !read_only {
                if let Some(hit) = self.find_special(words, cwd.as_deref()) {
                    return Some(hit);
                }
                for word in command.all_words() {
                    for piece in pieces(word) {
                        if let Some(target) = self.protected(piece, cwd.as_deref()) {
                            return Some(ProtectedHit {
                                target,
                                how: "a shell command".into(),
                            });
                        }
                        if let Some(target) = glob_hit(piece) {
                            return Some(ProtectedHit {
                                target,
                                how: "a shell glob".into(),
                            });
                        }
                    }
                }
            }
            // Follow `cd` so `cd .config && rm -rf attesta` is seen.
            if words.first().map(String::as_str) == Some("cd")
                && let Some(dir) = words.get(1)
            {
                cwd = Some(resolve(dir, cwd.as_deref()));
            }
        }
        None
    }

    /// `find … -name PAT -delete|-exec …`: the pattern matches at any depth.
    fn find_special(&self, words: &[String], cwd: Option<&Path>) -> Option<ProtectedHit> {
        if words.first().map(|w| program_name(w)) != Some("find") {
            return None;
        }
        let acts = words.iter().any(|w| {
            matches!(
                w.as_str(),
                "-delete"
                    | "-exec"
                    | "-execdir"
                    | "-ok"
                    | "-okdir"
                    | "-fprint"
                    | "-fprintf"
                    | "-fls"
            )
        });
        if !acts {
            return None;
        }
        let _ = cwd;
        for pair in words.windows(2) {
            if matches!(
                pair[0].as_str(),
                "-name" | "-iname" | "-path" | "-ipath" | "-wholename" | "-regex" | "-iregex"
            ) {
                let pattern = pair[1].rsplit('/').next().unwrap_or(&pair[1]);
                if let Some(name) = FIND_TARGETS
                    .iter()
                    .find(|t| glob_match(&pattern.to_ascii_lowercase(), t))
                {
                    return Some(ProtectedHit {
                        target: (*name).to_owned(),
                        how: "find with -delete/-exec".into(),
                    });
                }
            }
        }
        None
    }
}

/// Floors `assessment` at CRITICAL when `ctx` changes a protected file, and records why.
pub fn apply_floor(protection: &Protection, ctx: &ActionContext, assessment: &mut RiskAssessment) {
    let Some(hit) = protection.check(ctx) else {
        return;
    };
    let floor = RiskLevel::Critical.representative_score();
    let before = assessment.score;
    if before < floor {
        assessment.set_score(floor);
    }
    let mut factor = RiskFactor::new("self_protection", floor, 1.0, hit.to_string());
    factor.contribution = (assessment.score - before).max(0.0);
    assessment.factors.push(factor);
}
