//! `attesta pending`, `attesta approve ID`, `attesta deny ID --reason …`: the CLI as an approver
//! client of the approval server. Prompts and the challenge go to stderr, answers are read from
//! standard input (a terminal or a pipe), results go to stdout.

use std::io::{BufRead, Write};
use std::time::Duration;

use attesta::reviewer::{ApproverSlot, Style, render_challenge, render_question};
use attesta_core::ChallengeType;
use attesta_core::challenge::{ChallengeBody, PublicChallenge, Response};
use serde_json::{Value, json};

use crate::cli::{ApproveArgs, ApproverClientArgs, DenyArgs, GlobalArgs};
use crate::error::{CliError, CliResult, Exit};
use crate::input::load_config;

struct Client {
    base: String,
    token: String,
    http: reqwest::Client,
    rt: tokio::runtime::Runtime,
}

impl Client {
    fn new(global: &GlobalArgs, args: &ApproverClientArgs) -> Result<Client, CliError> {
        let base = match &args.server {
            Some(url) => url.clone(),
            None => load_config(global)?.config.server.url.ok_or_else(|| {
                CliError::usage("no approval server: pass --server URL, set ATTESTA_SERVER_URL, or set server.url in the config")
            })?,
        };
        let token = args
            .token
            .clone()
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| CliError::usage("no approver token: pass --token or set ATTESTA_APPROVER_TOKEN (see `attesta serve add-approver`)"))?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| CliError::failure(format!("cannot start the async runtime: {e}")))?;
        Ok(Client {
            base: base.trim_end_matches('/').to_owned(),
            token,
            http: reqwest::Client::new(),
            rt,
        })
    }

    fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, CliError> {
        let url = format!("{}{path}", self.base);
        self.rt.block_on(async {
            let mut request = self
                .http
                .request(method, &url)
                .bearer_auth(&self.token)
                .timeout(Duration::from_secs(30));
            if let Some(body) = body {
                request = request.json(&body);
            }
            let response = request.send().await.map_err(|e| {
                CliError::failure(format!(
                    "cannot reach the approval server at {}: {e}",
                    self.base
                ))
            })?;
            let status = response.status();
            let value: Value = response.json().await.unwrap_or(Value::Null);
            if status.is_success() {
                return Ok(value);
            }
            let message = value["error"]["message"]
                .as_str()
                .unwrap_or("no details")
                .to_owned();
            Err(match status.as_u16() {
                401 => {
                    CliError::usage(format!("the approval server rejected the token: {message}"))
                }
                403 => CliError::usage(format!("not allowed: {message} (use an approver token)")),
                404 => CliError::usage(message),
                _ => {
                    CliError::failure(format!("the approval server said HTTP {status}: {message}"))
                }
            })
        })
    }
}

pub fn pending(global: &GlobalArgs, args: &ApproverClientArgs) -> CliResult {
    let client = Client::new(global, args)?;
    let list = client.call(reqwest::Method::GET, "/v1/requests?status=pending", None)?;
    let mut out = std::io::stdout().lock();
    let items = list["requests"].as_array().cloned().unwrap_or_default();
    if global.json {
        writeln!(out, "{}", Value::Array(items))?;
        return Ok(Exit::Ok);
    }
    if items.is_empty() {
        writeln!(out, "no pending requests")?;
        return Ok(Exit::Ok);
    }
    writeln!(
        out,
        "{:<36}  {:<24} {:<8} {:<12} {:<9} AGENT",
        "ID", "ACTION", "RISK", "CHALLENGE", "APPROVALS"
    )?;
    for r in items {
        writeln!(
            out,
            "{:<36}  {:<24} {:<8} {:<12} {:<9} {}",
            r["request_id"].as_str().unwrap_or(""),
            r["action"].as_str().unwrap_or(""),
            r["risk_level"].as_str().unwrap_or(""),
            r["challenge"].as_str().unwrap_or(""),
            format!("{}/{}", r["approvals"], r["approvers_required"]),
            r["agent"].as_str().unwrap_or("")
        )?;
    }
    Ok(Exit::Ok)
}

fn read_line(prompt: &str) -> Result<String, CliError> {
    let mut err = std::io::stderr().lock();
    write!(err, "{prompt}")?;
    err.flush()?;
    let mut line = String::new();
    let n = std::io::stdin().lock().read_line(&mut line)?;
    if n == 0 {
        return Err(CliError::usage(
            "standard input ended before the answer; nothing was sent",
        ));
    }
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

pub fn approve(global: &GlobalArgs, args: &ApproveArgs) -> CliResult {
    let client = Client::new(global, &args.client)?;
    let path = format!("/v1/requests/{}", args.id);
    let view = client.call(reqwest::Method::GET, &path, None)?;
    if view["status"] != "pending" {
        return Err(CliError::usage(format!(
            "request {} is already {}: {}",
            args.id,
            view["status"].as_str().unwrap_or("?"),
            view["decision"]["reason"].as_str().unwrap_or("")
        )));
    }
    if view["already_answered"] == true {
        return Err(CliError::usage(
            "you have already answered this request; a different approver must answer next",
        ));
    }
    let step: PublicChallenge = serde_json::from_value(view["your_step"].clone())
        .map_err(|_| CliError::failure("the server sent no challenge for you to answer"))?;
    let required = view["approvers_required"].as_u64().unwrap_or(1) as usize;
    let slot = (required > 1).then(|| ApproverSlot {
        index: view["step_index"].as_u64().unwrap_or(0) as usize,
        required,
    });
    let style = Style {
        color: crate::output::Style::for_stderr().color,
    };
    write!(
        std::io::stderr(),
        "{}",
        render_challenge(&step, slot, style)
    )?;

    // The server counts the minimum review time from the first read; wait it out here.
    let remaining = view["review_remaining_seconds"].as_f64().unwrap_or(0.0);
    if remaining > 0.0 {
        writeln!(
            std::io::stderr(),
            "Minimum review time: answers are accepted in {:.0}s. Read the action above.",
            remaining.ceil()
        )?;
        std::thread::sleep(Duration::from_secs_f64(remaining + 0.2));
    }
    let response = match (&step.challenge_type, &step.body) {
        (ChallengeType::Confirm, _) => Response::Confirm(read_line(
            "Approve this action? Type y to approve, anything else denies: ",
        )?),
        (ChallengeType::Quiz, ChallengeBody::Quiz { questions, .. }) => {
            let mut answers = Vec::with_capacity(questions.len());
            for (i, q) in questions.iter().enumerate() {
                write!(
                    std::io::stderr(),
                    "{}",
                    render_question(q, i + 1, questions.len())
                )?;
                answers.push(read_line("> ")?);
            }
            Response::Quiz(answers)
        }
        (ChallengeType::TeachBack, _) => Response::TeachBack(read_line(
            "Explain in your own words what this action will do (one line): ",
        )?),
        (ChallengeType::AutoApprove, _) => Response::AutoApprove,
        (other, _) => {
            return Err(CliError::failure(format!(
                "cannot answer a {other} challenge from the terminal"
            )));
        }
    };
    let body = json!({ "action_digest": view["action_digest"], "response": response });
    let outcome = client.call(reqwest::Method::POST, &format!("{path}/answer"), Some(body))?;
    report(global, &outcome)
}

pub fn deny(global: &GlobalArgs, args: &DenyArgs) -> CliResult {
    if args.reason.trim().is_empty() {
        return Err(CliError::usage(
            "--reason must say why the action is denied",
        ));
    }
    let client = Client::new(global, &args.client)?;
    let body = json!({ "decision": "deny", "reason": args.reason });
    let outcome = client.call(
        reqwest::Method::POST,
        &format!("/v1/requests/{}/answer", args.id),
        Some(body),
    )?;
    report(global, &outcome)
}

/// Exit 0 when the answer passed (approved, or recorded for multi-party), 3 otherwise.
fn report(global: &GlobalArgs, outcome: &Value) -> CliResult {
    let mut out = std::io::stdout().lock();
    if global.json {
        writeln!(out, "{outcome}")?;
    } else if outcome["result"] == "recorded" {
        writeln!(
            out,
            "recorded: {} of {} approvals; the next approver must be someone else",
            outcome["approvals"], outcome["approvers_required"]
        )?;
    } else {
        writeln!(
            out,
            "{}: {}",
            outcome["decision"]["verdict"].as_str().unwrap_or("?"),
            outcome["decision"]["reason"].as_str().unwrap_or("")
        )?;
    }
    Ok(if outcome["passed"] == true {
        Exit::Ok
    } else {
        Exit::Denied
    })
}
