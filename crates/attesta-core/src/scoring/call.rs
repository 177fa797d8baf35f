//! What a call does, in the terms session context needs: its verb class, whether data leaves,
//! whether it reads secrets or sensitive data. Derived from the same analysers as the score.

use crate::context::ActionContext;

use super::args::{self, ArgHints, Findings};
use super::lexicon::VerbClass;
use super::names::{NameAnalysis, analyze_name, normalize};

/// The session-relevant shape of one call.
#[derive(Debug, Clone, Default)]
pub struct CallProfile {
    /// Data leaves the system (send/share/upload verbs, or a request to an outside host).
    pub sends_out: bool,
    /// Money moves.
    pub moves_money: bool,
    /// Access or physical security changes.
    pub changes_access: bool,
    /// Something is destroyed.
    pub destroys: bool,
    /// Changes state in a way that can be undone (writes, edits, messages to drafts…).
    pub reversible_write: bool,
    /// Reads secrets, credentials or a sensitive data class.
    pub reads_sensitive: bool,
    /// Only reads.
    pub read_only: bool,
    /// Adds or updates something without removing or closing anything (create, set, label,
    /// comment, book, commit…): what an earlier read may have resolved from the user's words.
    pub additive_write: bool,
}

/// Profiles a call (name, arguments). Cheap enough to run once per call; when the default
/// scorer has just scored the same call on this thread, its analysis is reused (see
/// [`remember`]).
pub fn profile(ctx: &ActionContext) -> CallProfile {
    if let Some(known) = recall(ctx) {
        return known;
    }
    let normalized = normalize(&ctx.function_name);
    let name = analyze_name(&normalized.text);
    let mut findings = Findings::default();
    let hints = ArgHints {
        push_action: name.verb == "push",
        exec_wrapper: name.exec_wrapper,
        sql_action: name.sql_action,
        money_action: name.class == Some(VerbClass::Money),
    };
    args::analyze(&ctx.args, &ctx.kwargs, hints, &mut findings);
    let profile = from_analysis(&name, &findings);
    remember(ctx, &profile);
    profile
}

/// The last call profiled on this thread, with the parts of the call its profile depends on
/// (name and arguments), compared in full before it is reused: an entry point scores a call
/// and then hands the same call to its [`Session`](crate::Session), which would otherwise
/// analyse every argument a second time.
struct Remembered {
    function_name: String,
    args: Vec<serde_json::Value>,
    kwargs: serde_json::Map<String, serde_json::Value>,
    profile: CallProfile,
}

thread_local! {
    static LAST: std::cell::RefCell<Option<Remembered>> = const { std::cell::RefCell::new(None) };
}

/// Calls whose arguments hold more than this many string bytes (or values) are not kept: the
/// copy would cost more than the analysis it saves, and memory stays small.
const REMEMBER_MAX_BYTES: usize = 16 * 1024;
const REMEMBER_MAX_VALUES: usize = 256;

/// Size budget walk: `false` as soon as the arguments exceed the bounds above.
fn within(value: &serde_json::Value, bytes: &mut usize, values: &mut usize) -> bool {
    *values += 1;
    if *values > REMEMBER_MAX_VALUES || *bytes > REMEMBER_MAX_BYTES {
        return false;
    }
    match value {
        serde_json::Value::String(s) => {
            *bytes += s.len();
            *bytes <= REMEMBER_MAX_BYTES
        }
        serde_json::Value::Array(items) => items.iter().all(|v| within(v, bytes, values)),
        serde_json::Value::Object(map) => map.iter().all(|(k, v)| {
            *bytes += k.len();
            within(v, bytes, values)
        }),
        _ => true,
    }
}

/// Keeps `profile` as the profile of `ctx` for the next [`profile`] call on this thread.
pub(crate) fn remember(ctx: &ActionContext, profile: &CallProfile) {
    let (mut bytes, mut values) = (ctx.function_name.len(), 0);
    let small = ctx.args.iter().all(|v| within(v, &mut bytes, &mut values))
        && ctx.kwargs.iter().all(|(k, v)| {
            bytes += k.len();
            within(v, &mut bytes, &mut values)
        });
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        *last = small.then(|| Remembered {
            function_name: ctx.function_name.clone(),
            args: ctx.args.clone(),
            kwargs: ctx.kwargs.clone(),
            profile: profile.clone(),
        });
    });
}

/// The remembered profile, if it is of exactly this call.
fn recall(ctx: &ActionContext) -> Option<CallProfile> {
    LAST.with(|last| {
        let last = last.borrow();
        let known = last.as_ref()?;
        (known.function_name == ctx.function_name
            && known.args == ctx.args
            && known.kwargs == ctx.kwargs)
            .then(|| known.profile.clone())
    })
}

/// The profile from a call's name analysis and its argument findings (before the scorer adds
/// its own signals to them).
pub(crate) fn from_analysis(name: &NameAnalysis, findings: &Findings) -> CallProfile {
    let has = |kind: &str, min: f64| {
        findings
            .signals
            .iter()
            .any(|s| s.kind == kind && s.severity >= min)
    };
    let shell_sends = findings.signals.iter().any(|s| {
        s.kind == "shell"
            && (s.detail.contains("network")
                || s.detail.contains("upload")
                || s.detail.contains("downloads code"))
    });
    let class = name.class;
    let intent_send = name
        .intent
        .is_some_and(|(i, _)| i.label.contains("exfiltration"));
    let url_out = has("url", 0.3) || has("exfiltration", 0.0);
    CallProfile {
        sends_out: class == Some(VerbClass::Send)
            || intent_send
            || ((name.exec_wrapper || class.is_none() || class == Some(VerbClass::Exec))
                && (url_out || shell_sends)),
        moves_money: class == Some(VerbClass::Money) || has("money", 0.5),
        changes_access: class == Some(VerbClass::Privilege) || has("privilege", 0.0),
        destroys: class == Some(VerbClass::Destroy)
            || findings.signals.iter().any(|s| {
                s.severity >= 0.7
                    && matches!(s.kind, "shell" | "sql")
                    && !s.detail.contains("network")
            }),
        reversible_write: class == Some(VerbClass::Write),
        reads_sensitive: name.sensitive.is_some()
            || has("secret", 0.6)
            || has("path", 0.6)
            || (class == Some(VerbClass::Read)
                && name
                    .nouns
                    .iter()
                    .any(|n| n.starts_with("secret") || n.starts_with("credential"))),
        read_only: class == Some(VerbClass::Read) && findings.max_severity() < 0.3,
        additive_write: class == Some(VerbClass::Write)
            && matches!(
                name.verb,
                "create"
                    | "add"
                    | "set"
                    | "update"
                    | "edit"
                    | "write"
                    | "label"
                    | "tag"
                    | "comment"
                    | "assign"
                    | "book"
                    | "schedule"
                    | "reserve"
                    | "turn"
                    | "enable"
                    | "start"
                    | "resume"
                    | "commit"
                    | "save"
                    | "append"
                    | "insert"
                    | "draft"
                    | "note"
                    | "mark"
                    | "patch"
                    | "put"
                    | "upsert"
                    | "modify"
                    | "change"
                    | "apply"
                    | "reply"
                    | "new"
                    | "make"
                    | "generate"
                    | "register"
                    | "track"
                    | "record"
                    | "log"
            ),
    }
}
