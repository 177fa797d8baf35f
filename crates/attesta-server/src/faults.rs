//! Named pause points for crash tests.
//!
//! When `ATTESTA_TEST_PAUSE_AT` names a point, the server stops there for good: it writes the
//! point's name to the file named by `ATTESTA_TEST_PAUSE_FILE` and waits forever, so a test can
//! kill the process (`kill -9`) at exactly that step of a decision and restart it. Unset (always,
//! outside tests) this costs one cached environment lookup.

use std::sync::OnceLock;

/// Points in the life of a decision, in order.
pub const CLAIMED: &str = "decision.claimed";
pub const AUDITED: &str = "decision.audited";
pub const COMMITTED: &str = "decision.committed";
/// All points, for tests.
pub const DECISION_POINTS: [&str; 3] = [CLAIMED, AUDITED, COMMITTED];

fn configured() -> Option<&'static (String, Option<String>)> {
    static AT: OnceLock<Option<(String, Option<String>)>> = OnceLock::new();
    AT.get_or_init(|| {
        let at = std::env::var("ATTESTA_TEST_PAUSE_AT").ok()?;
        Some((at, std::env::var("ATTESTA_TEST_PAUSE_FILE").ok()))
    })
    .as_ref()
}

/// Pauses here forever if a test asked for this point.
pub async fn point(name: &str) {
    let Some((at, file)) = configured() else {
        return;
    };
    if at != name {
        return;
    }
    tracing::warn!(point = name, "paused for a crash test (ATTESTA_TEST_PAUSE_AT)");
    if let Some(file) = file {
        let _ = std::fs::write(file, name);
    }
    std::future::pending::<()>().await;
}
