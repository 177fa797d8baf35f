//! Scripts a command runs (`bash x.sh`, `./deploy.sh`, `python3 x.py`, `node x.js`): what the
//! script does is what the call does, so its content is scored as if it were the command.
//!
//! The scorer never touches the filesystem. An entry point that knows the call's working
//! directory (the coding-agent hooks) reads the scripts and hands them over in the context's
//! metadata:
//!
//! ```json
//! {"executed_scripts": [
//!   {"path": "x.sh", "language": "shell", "content": "rm -rf ~"},
//!   {"path": "big.py", "language": "code", "unreadable": "larger than 256 KiB"}
//! ]}
//! ```
//!
//! A script that could not be read (missing, too big, not text) fails closed: the call is at
//! least MEDIUM, because nobody can say what it does.

use serde_json::Value;

use super::args::{Findings, Signal};
use super::shell;
use super::text::snippet;

/// Metadata key the entry points fill.
pub const EXECUTED_SCRIPTS: &str = "executed_scripts";

/// Scripts analysed per call; more are one "unknown" finding.
const MAX_SCRIPTS: usize = 8;

/// Severity of a script whose content is unknown: at least MEDIUM.
pub const UNREAD_SCRIPT: f64 = 0.5;

/// Adds the findings of every executed script in `metadata`.
pub(crate) fn analyze(metadata: &serde_json::Map<String, Value>, findings: &mut Findings) {
    let Some(Value::Array(scripts)) = metadata.get(EXECUTED_SCRIPTS) else {
        return;
    };
    for (i, script) in scripts.iter().enumerate() {
        let path = script.get("path").and_then(Value::as_str).unwrap_or("?");
        if i >= MAX_SCRIPTS {
            findings.push(Signal::new(
                UNREAD_SCRIPT,
                "script",
                format!("more than {MAX_SCRIPTS} scripts run; the rest were not read"),
            ));
            findings.incomplete = true;
            return;
        }
        let is_shell = script.get("language").and_then(Value::as_str) == Some("shell");
        match script.get("content").and_then(Value::as_str) {
            Some(content) => {
                let before = findings.signals.len();
                let class = shell::analyze_script(content, is_shell, findings);
                findings.note_command(class);
                // Name the script in the evidence of what it was found to do.
                for s in &mut findings.signals[before..] {
                    s.detail = format!("script {}: {}", snippet(path, 60), s.detail);
                }
            }
            None => {
                let why = script
                    .get("unreadable")
                    .and_then(Value::as_str)
                    .unwrap_or("its content is unknown");
                findings.push(Signal::new(
                    UNREAD_SCRIPT,
                    "script",
                    format!(
                        "runs script {} that could not be read ({}): what it does is unknown",
                        snippet(path, 60),
                        snippet(why, 60)
                    ),
                ));
                findings.incomplete = true;
            }
        }
    }
}
