//! The Attesta approval server (`attesta serve`).
//!
//! Agents post an [`ActionContext`](attesta_core::ActionContext) with an agent token; the server
//! scores it with its own policy, generates the challenge and keeps the answer key; authenticated
//! approvers answer from the web inbox, the CLI or the JSON API; the agent long-polls (or streams)
//! for the decision and consumes it once. Storage is SQLite by default and PostgreSQL when
//! `server.database_url` is a `postgres://` URL, so several instances can share one database.

pub mod abuse;
pub mod callback;
pub mod charts;
pub mod db;
pub mod faults;
pub mod http;
pub mod hashing;
pub mod identity;
pub mod listing;
pub mod login;
pub mod service;
pub mod session_context;
pub mod web;
pub mod webhook;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use attesta::AttestaBuilder;
use attesta::audit::AuditLog;
use attesta::config_file::LoadedConfig;
use attesta::reviewer::NonInteractiveReviewer;

pub use identity::{Identities, IdentityError, IdentityInfo, Role};

/// Default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:7373";
/// Default SQLite file, relative to the config's directory.
pub const DEFAULT_DB: &str = ".attesta/server.db";

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error("invalid listen address `{0}`: write HOST:PORT, e.g. 127.0.0.1:7373")]
    Listen(String),
    #[error(
        "refusing to listen on {0} without TLS: approvals and passwords would cross the network in clear. \
         Put a TLS reverse proxy in front and listen on 127.0.0.1, or pass --insecure-http if you really mean it"
    )]
    NotLoopback(SocketAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot open the audit log {path}: {source}")]
    Audit {
        path: PathBuf,
        source: attesta::audit::AuditError,
    },
    #[error("server configuration: {0}")]
    Config(String),
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
}

/// How to run the server; CLI flags override the config file.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub config: LoadedConfig,
    pub listen: Option<String>,
    /// A SQLite path or a database URL (overrides `server.database_url`).
    pub db: Option<String>,
    pub insecure_http: bool,
}

impl ServeOptions {
    pub fn database(&self) -> String {
        match (&self.db, &self.config.config.server.database_url) {
            (Some(db), _) => db.clone(),
            (None, Some(url))
                if url.starts_with("postgres://") || url.starts_with("postgresql://") =>
            {
                url.clone()
            }
            (None, Some(url)) => {
                let path = url
                    .strip_prefix("sqlite://")
                    .or_else(|| url.strip_prefix("sqlite:"))
                    .unwrap_or(url);
                self.config.resolve(path).display().to_string()
            }
            (None, None) => self.config.resolve(DEFAULT_DB).display().to_string(),
        }
    }

    fn listen_addr(&self) -> Result<SocketAddr, ServerError> {
        let text = self
            .listen
            .clone()
            .or_else(|| self.config.config.server.listen.clone())
            .unwrap_or_else(|| DEFAULT_LISTEN.into());
        let text = if text.starts_with("localhost:") {
            text.replacen("localhost", "127.0.0.1", 1)
        } else {
            text
        };
        text.parse().map_err(|_| ServerError::Listen(text))
    }
}

/// Opens the identity store (for `attesta serve add-agent` and friends).
pub async fn open_identities(options: &ServeOptions) -> Result<Identities, ServerError> {
    let db = db::open(&options.database()).await?;
    Ok(Identities::new(db))
}

/// A started server.
pub struct Running {
    pub addr: SocketAddr,
    pub database_kind: &'static str,
    task: tokio::task::JoinHandle<Result<(), std::io::Error>>,
    background: Vec<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Runs until the server stops (the shutdown future given to [`start`] resolves).
    pub async fn wait(self) -> Result<(), ServerError> {
        let result = self.task.await;
        for task in self.background {
            task.abort();
        }
        match result {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(ServerError::Serve(e)),
            Err(e) => Err(ServerError::Serve(std::io::Error::other(e.to_string()))),
        }
    }
}

/// Binds, migrates and starts serving; returns once the socket is listening.
pub async fn start(
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Running, ServerError> {
    let addr = options.listen_addr()?;
    if !addr.ip().is_loopback() && !options.insecure_http {
        return Err(ServerError::NotLoopback(addr));
    }
    let database = options.database();
    let db = db::open(&database).await?;
    callback::migrate(&*db).await?;
    let config = &options.config.config;

    let attesta = AttestaBuilder::from_loaded(options.config.clone())
        .reviewer(Arc::new(NonInteractiveReviewer::deny()))
        .without_audit()
        .without_trust()
        .build()
        .map_err(|e| ServerError::Config(e.to_string()))?;
    // A PostgreSQL fleet keeps one audit chain in the database; SQLite keeps the JSONL file.
    let audit_in_db = config.audit.enabled && db.kind() == "postgres";
    let audit = if config.audit.enabled && !audit_in_db {
        let path = options.config.audit_path();
        Some(Arc::new(
            AuditLog::open(path.clone(), &config.audit)
                .map_err(|source| ServerError::Audit { path, source })?,
        ))
    } else {
        None
    };
    let outbox = webhook::Outbox::new(
        config.server.webhooks.clone(),
        config.server.public_url.clone(),
    );
    // Decisions made by another server sharing PostgreSQL reach waiters by polling.
    let poll = if db.kind() == "postgres" {
        Duration::from_millis(200)
    } else {
        Duration::from_secs(1)
    };
    let mut service = service::Service::new(db.clone(), attesta, audit, outbox, poll)
        .map_err(ServerError::Config)?;
    if audit_in_db {
        service = service.with_database_audit();
    }
    let service = Arc::new(service);

    // Decisions a stopped server left half-made are settled before anyone is served. A single
    // SQLite server owns its file, so every claim it finds is from a previous run; servers
    // sharing PostgreSQL settle only claims too old to be in progress elsewhere.
    let min_age = if db.kind() == "sqlite" { 0 } else { service::STALE_CLAIM_MS };
    match service.recover(min_age).await {
        Ok(0) => {}
        Ok(n) => tracing::warn!(settled = n, "settled decisions a stopped server left half-made"),
        Err(error) => tracing::error!(%error, "settling half-made decisions; the sweeper retries"),
    }

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Bind { addr, source })?;
    let bound = listener
        .local_addr()
        .map_err(|source| ServerError::Bind { addr, source })?;

    let mut allowed_hosts: HashSet<String> = HashSet::new();
    let port = bound.port();
    allowed_hosts.insert(bound.to_string());
    for host in ["localhost", "127.0.0.1", "[::1]"] {
        allowed_hosts.insert(format!("{host}:{port}"));
    }
    if let Some(public) = &config.server.public_url
        && let Some(host) = public
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
    {
        allowed_hosts.insert(host.to_ascii_lowercase());
    }
    for host in &config.server.allowed_hosts {
        allowed_hosts.insert(host.to_ascii_lowercase());
    }
    let secure_cookies = config
        .server
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"));
    let state = Arc::new(http::AppState {
        service: service.clone(),
        login_guard: abuse::LoginGuard::new(abuse::LoginGuard::default_slots()),
        allowed_hosts,
        secure_cookies,
    });
    let app = http::router(state);

    let sweeper = {
        let service = service.clone();
        tokio::spawn(async move {
            loop {
                if let Err(error) = service.sweep().await {
                    tracing::warn!(%error, "expiring overdue requests");
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        })
    };
    let watcher = {
        let service = service.clone();
        tokio::spawn(async move { service.watch_pending().await })
    };
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default();
    let deliverer = tokio::spawn(webhook::Outbox::run(db.clone(), client));
    let callbacks = tokio::spawn(callback::run(db.clone(), callback::client()));

    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
            .with_graceful_shutdown(shutdown)
            .await
    });
    tracing::info!(%bound, database = db.kind(), "approval server listening");
    Ok(Running {
        addr: bound,
        database_kind: db.kind(),
        task,
        background: vec![sweeper, deliverer, watcher, callbacks],
    })
}
