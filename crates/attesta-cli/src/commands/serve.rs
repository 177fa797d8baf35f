//! `attesta serve` and its identity subcommands.

use std::io::{BufRead, Write};

use attesta_server::{ServeOptions, ServerError};

use crate::cli::{GlobalArgs, ServeArgs, ServeCommand};
use crate::error::{CliError, CliResult, Exit};
use crate::input::load_config;

impl From<ServerError> for CliError {
    fn from(e: ServerError) -> Self {
        match e {
            ServerError::Listen(_) | ServerError::NotLoopback(_) | ServerError::Config(_) => {
                CliError::usage(e.to_string())
            }
            other => CliError::failure(other.to_string()),
        }
    }
}

impl From<attesta_server::IdentityError> for CliError {
    fn from(e: attesta_server::IdentityError) -> Self {
        use attesta_server::IdentityError as E;
        match e {
            E::Exists(_) | E::NotFound(_) | E::BadName(_) | E::WeakPassword => {
                CliError::usage(e.to_string())
            }
            other => CliError::failure(other.to_string()),
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failure(format!("cannot start the async runtime: {e}")))
}

pub fn run(global: &GlobalArgs, args: ServeArgs) -> CliResult {
    let options = ServeOptions {
        config: load_config(global)?,
        listen: args.listen,
        db: args.db,
        insecure_http: args.insecure_http,
    };
    let rt = runtime()?;
    match args.command {
        None => rt.block_on(serve(options)),
        Some(command) => rt.block_on(manage(global, &options, command)),
    }
}

async fn serve(options: ServeOptions) -> CliResult {
    let shutdown = async {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(s) => s,
                    Err(_) => {
                        let _ = ctrl_c.await;
                        return;
                    }
                };
            tokio::select! {
                _ = ctrl_c => {},
                _ = term.recv() => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = ctrl_c.await;
        }
    };
    let running = attesta_server::start(options, shutdown).await?;
    // Tests and scripts read this line to learn the bound port (with --listen 127.0.0.1:0).
    writeln!(
        std::io::stderr(),
        "attesta serve: listening on http://{} (database: {})",
        running.addr,
        running.database_kind
    )?;
    running.wait().await?;
    Ok(Exit::Ok)
}

async fn manage(global: &GlobalArgs, options: &ServeOptions, command: ServeCommand) -> CliResult {
    let ids = attesta_server::open_identities(options).await?;
    let mut out = std::io::stdout().lock();
    match command {
        ServeCommand::AddAgent { name } => {
            let token = ids.add_agent(&name).await?;
            if global.json {
                writeln!(
                    out,
                    "{}",
                    serde_json::json!({"name": name, "role": "agent", "token": token})
                )?;
            } else {
                writeln!(out, "{token}")?;
                writeln!(
                    std::io::stderr(),
                    "agent '{name}' created; the token above is shown once: put it in ATTESTA_AGENT_TOKEN"
                )?;
            }
        }
        ServeCommand::AddApprover {
            name,
            password_stdin,
        } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                let line = line.trim_end_matches(['\n', '\r']).to_owned();
                if line.is_empty() {
                    return Err(CliError::usage(
                        "--password-stdin: standard input held no password",
                    ));
                }
                Some(line)
            } else {
                None
            };
            let token = ids.add_approver(&name, password.as_deref()).await?;
            if global.json {
                writeln!(
                    out,
                    "{}",
                    serde_json::json!({"name": name, "role": "approver", "token": token, "password": password.is_some()})
                )?;
            } else {
                writeln!(out, "{token}")?;
                writeln!(
                    std::io::stderr(),
                    "approver '{name}' created; the token above is shown once: put it in ATTESTA_APPROVER_TOKEN{}",
                    if password.is_some() {
                        " (web inbox login: name + password)"
                    } else {
                        ""
                    }
                )?;
            }
        }
        ServeCommand::List => {
            let list = ids.list().await?;
            if global.json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string(&list).map_err(|e| CliError::failure(e.to_string()))?
                )?;
            } else {
                writeln!(
                    out,
                    "{:<24} {:<9} {:<8} {:<7} {:<25} STATUS",
                    "NAME", "ROLE", "PASSWORD", "TOKENS", "CREATED"
                )?;
                for i in list {
                    writeln!(
                        out,
                        "{:<24} {:<9} {:<8} {:<7} {:<25} {}",
                        i.name,
                        i.role.as_str(),
                        if i.has_password { "yes" } else { "no" },
                        i.tokens,
                        i.created_at,
                        if i.revoked { "revoked" } else { "active" }
                    )?;
                }
            }
        }
        ServeCommand::Revoke { name } => {
            ids.revoke(&name).await?;
            writeln!(
                std::io::stderr(),
                "'{name}' revoked: its tokens and sessions no longer work"
            )?;
        }
    }
    Ok(Exit::Ok)
}
