//! `attesta score --session`: a transcript of user, call and result events, one assessment per
//! call, each judged in the context of the session so far (see docs/scoring.md).

use std::io::Write;

use attesta::{ActionContext, Attesta};
use attesta_core::{RiskAssessment, RiskLevel, Session};
use serde_json::{Map, Value, json};

use crate::cli::GlobalArgs;
use crate::error::{CliError, CliResult, Exit};
use crate::input::{Record, records};
use crate::output::Style;

/// One event of a session transcript.
enum Event {
    User(String),
    Call(Box<ActionContext>),
    Result(Value),
    NewSession,
    Ignored,
}

fn text_of(obj: &Map<String, Value>) -> Option<String> {
    ["text", "content", "message", "prompt"]
        .iter()
        .find_map(|k| obj.get(*k))
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
}

fn parse_event(value: Value) -> Result<Event, String> {
    let Value::Object(obj) = value else {
        return Err("expected an event object like {\"type\":\"call\",\"function_name\":\"send_email\",\"kwargs\":{…}}".into());
    };
    let kind = obj.get("type").and_then(Value::as_str).unwrap_or("");
    match kind {
        "user" => text_of(&obj)
            .map(Event::User)
            .ok_or_else(|| "a user event needs \"text\"".to_owned()),
        "call" => {
            let name = obj
                .get("function_name")
                .or_else(|| obj.get("name"))
                .or_else(|| obj.get("tool"))
                .and_then(Value::as_str)
                .ok_or("a call event needs \"function_name\"")?;
            let mut ctx = ActionContext::new(name);
            for key in ["kwargs", "arguments", "args", "input"] {
                match obj.get(key) {
                    Some(Value::Object(m)) => ctx.kwargs.extend(m.clone()),
                    Some(Value::Array(a)) => ctx.args.extend(a.iter().cloned()),
                    Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                        Ok(Value::Object(m)) => ctx.kwargs.extend(m),
                        _ => ctx.args.push(Value::String(s.clone())),
                    },
                    Some(Value::Null) | None => {}
                    Some(other) => ctx.args.push(other.clone()),
                }
            }
            if let Some(doc) = obj
                .get("function_doc")
                .or_else(|| obj.get("description"))
                .and_then(Value::as_str)
            {
                ctx.function_doc = Some(doc.to_owned());
            }
            if let Some(Value::Object(h)) = obj.get("hints") {
                ctx.hints = h.clone();
            }
            Ok(Event::Call(Box::new(ctx)))
        }
        "result" | "tool_result" | "observation" => Ok(Event::Result(
            obj.get("json")
                .cloned()
                .or_else(|| text_of(&obj).map(Value::String))
                .unwrap_or(Value::Null),
        )),
        "session" => Ok(Event::NewSession),
        "assistant" | "system" | "thought" | "note" => Ok(Event::Ignored),
        "" => Err("missing \"type\" (user, call, result or session)".into()),
        other => Err(format!(
            "unknown event type `{other}`; use user, call, result or session"
        )),
    }
}

pub fn run(
    global: &GlobalArgs,
    build: &dyn Fn() -> Result<Attesta, CliError>,
    text: &str,
    source: &str,
) -> CliResult {
    let style = Style::for_stdout();
    let err_style = Style::for_stderr();
    let mut out = std::io::stdout().lock();
    let mut attesta = build()?;
    let mut session = Session::new();
    let mut session_no = 1usize;
    let mut call_no = 0usize;
    let mut max_level: Option<RiskLevel> = None;
    let mut failures = 0usize;
    let mut scored = 0usize;
    let mut events = 0usize;
    let finish =
        |out: &mut dyn Write, session_no: usize, max: Option<RiskLevel>| -> std::io::Result<()> {
            if !global.json
                && let Some(level) = max
            {
                writeln!(
                    out,
                    "{}",
                    style.dim(&format!("session {session_no}: highest level {level}"))
                )?;
            }
            Ok(())
        };
    for Record { line, value } in records(text) {
        let event = value.and_then(parse_event);
        let event = match event {
            Ok(e) => e,
            Err(why) => {
                failures += 1;
                writeln!(
                    std::io::stderr(),
                    "{} {source}:{line}: {why}",
                    err_style.bad("error:")
                )?;
                continue;
            }
        };
        events += 1;
        match event {
            Event::User(t) => session.user_request(&t),
            Event::Result(Value::String(t)) => session.observe_result(&t),
            Event::Result(v) => session.observe_result_json(&v),
            Event::Ignored => {}
            Event::NewSession => {
                if call_no > 0 || session.has_request() {
                    finish(&mut out, session_no, max_level)?;
                    attesta = build()?;
                    session = Session::new();
                    session_no += 1;
                    call_no = 0;
                    max_level = None;
                }
            }
            Event::Call(ctx) => {
                let assessed = attesta
                    .assess(&ctx, None)
                    .map(|base| session.assess(&ctx, base));
                match assessed {
                    Ok(a) => {
                        scored += 1;
                        call_no += 1;
                        max_level = Some(max_level.map_or(a.level, |m| m.max(a.level)));
                        if global.json {
                            writeln!(
                                out,
                                "{}",
                                json_line(line, session_no, call_no, &ctx.function_name, &a)
                            )?;
                        } else {
                            writeln!(
                                out,
                                "#{call_no} {}  {:.2}  {}",
                                style.bold(&ctx.function_name),
                                a.score,
                                style.level(a.level)
                            )?;
                            for f in a.factors.iter().filter(|f| f.name.starts_with("session_")) {
                                writeln!(out, "  {:<26} {}", f.name, style.dim(&f.evidence))?;
                            }
                        }
                    }
                    Err(why) => {
                        failures += 1;
                        writeln!(
                            std::io::stderr(),
                            "{} {source}:{line}: {why}",
                            err_style.bad("error:")
                        )?;
                    }
                }
            }
        }
    }
    finish(&mut out, session_no, max_level)?;
    if events == 0 && failures == 0 {
        return Err(CliError::usage(format!(
            "{source} holds no session events; give one JSON object per line, e.g. {{\"type\":\"user\",\"text\":\"…\"}} then {{\"type\":\"call\",\"function_name\":\"send_email\",\"kwargs\":{{…}}}}"
        )));
    }
    if failures > 0 {
        return Err(CliError::usage(format!(
            "{failures} of {} events could not be read or scored (see above)",
            failures + events
        )));
    }
    let _ = scored;
    Ok(Exit::Ok)
}

fn json_line(
    line: usize,
    session: usize,
    call: usize,
    function_name: &str,
    a: &RiskAssessment,
) -> Value {
    json!({
        "line": line,
        "session": session,
        "call": call,
        "function_name": function_name,
        "risk_score": a.score,
        "risk_level": a.level,
        "scorer": a.scorer,
        "overridden": a.overridden,
        "factors": a.factors,
        "directives": a.directives,
    })
}
