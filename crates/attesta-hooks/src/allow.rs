//! The session allow-list for the coding-agent hooks. A human who approved a MEDIUM shell
//! command on the terminal may answer `a` (or `a <prefix>`) to allow it for the rest of the
//! agent session; the grant is saved in that session's state under `.attesta/sessions/` (atomic,
//! bounded: [`attesta_core::session::MAX_ALLOWED`] entries) and later covered MEDIUM calls in
//! the same session are auto-approved, each audited with the rule and who granted it.
//!
//! Only calls with a session id take part (no id, no list), and a list belongs to one agent
//! session of one agent: another session id reads another file.

use attesta::reviewer::SESSION_ALLOW_GRANTED;
use attesta::session_allow::SessionAllow;
use attesta::{ActionContext, ApprovalResult, Verdict};
use attesta_core::session::AllowList;
use serde_json::Value;

use crate::session::SessionStore;

/// Shells whose `-c`/`-lc` script is the command (Codex sends `["bash", "-lc", "cargo test"]`).
const SHELLS: &[&str] = &["bash", "sh", "zsh", "dash"];

/// The command a call runs, as the allow-list sees it: the `command` argument as a string, or
/// an argv array (the script of `bash -lc …`, else the words joined).
pub fn command_of(ctx: &ActionContext) -> Option<String> {
    match ctx.kwargs.get("command")? {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => {
            let words: Vec<&str> = items.iter().map(Value::as_str).collect::<Option<_>>()?;
            match words.as_slice() {
                [shell, flag, script]
                    if SHELLS.contains(&shell.rsplit('/').next().unwrap_or(shell)) && matches!(*flag, "-c" | "-lc") =>
                {
                    Some((*script).to_owned())
                }
                // A word with a space, quote or operator makes the joined line something else;
                // the allow-list refuses such lines anyway.
                _ => Some(words.join(" ")),
            }
        }
        _ => None,
    }
}

/// The allow-list in play for this call, when it belongs to a session.
pub fn for_call(ctx: &ActionContext, store: Option<&SessionStore>, list: &AllowList) -> Option<SessionAllow> {
    store?;
    let command = command_of(ctx)?;
    let mut list = list.clone();
    list.bound();
    Some(SessionAllow { tool: ctx.function_name.clone(), command, list })
}

/// Saves a grant the human made while approving this call (best effort: if it cannot be
/// saved, the human is simply asked again next time).
pub fn remember_grant(store: Option<&SessionStore>, allow: Option<&SessionAllow>, result: &ApprovalResult) {
    let (Some(store), Some(allow)) = (store, allow) else {
        return;
    };
    if result.enforced_verdict != Verdict::Approved {
        return;
    }
    let Some(grant) = result.challenge.as_ref().and_then(|c| c.details.get(SESSION_ALLOW_GRANTED)) else {
        return;
    };
    let (Some(tool), Some(prefix)) = (grant.get("tool").and_then(Value::as_str), grant.get("prefix").and_then(Value::as_str))
    else {
        return;
    };
    if tool != allow.tool {
        return;
    }
    let approver = result.approvers.first().map_or("the terminal operator", String::as_str);
    let level = result.risk.level;
    let _ = store.update(|session| {
        // The library re-checks everything (level, simple command, whole-word prefix).
        let _ = session.allowed.allow(tool, &allow.command, prefix, level, approver);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn commands_from_each_agent() {
        let claude = ActionContext::new("Bash").with_kwarg("command", "cargo build");
        assert_eq!(command_of(&claude).as_deref(), Some("cargo build"));
        let codex = ActionContext::new("shell").with_kwarg("command", json!(["bash", "-lc", "cargo test -p x"]));
        assert_eq!(command_of(&codex).as_deref(), Some("cargo test -p x"));
        let argv = ActionContext::new("shell").with_kwarg("command", json!(["rg", "--files"]));
        assert_eq!(command_of(&argv).as_deref(), Some("rg --files"));
        assert_eq!(command_of(&ActionContext::new("Read").with_kwarg("file_path", "x")), None);
        assert_eq!(command_of(&ActionContext::new("shell").with_kwarg("command", json!([1, 2]))), None);
    }
}
