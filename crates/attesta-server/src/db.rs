//! Storage behind one small trait: SQL text with `$1`-style placeholders and a handful of value
//! types (text, integer, real, null) that both SQLite and PostgreSQL store the same way. The
//! domain code in `store.rs` is written once; each backend only moves rows.
//!
//! Concurrency across server instances uses optimistic versioning (`UPDATE … WHERE version = $n`),
//! so the same statements are safe on a single SQLite file and on one PostgreSQL database shared
//! by several servers. What must happen together (a request's final state and its outbox rows)
//! runs as one [`SqlBackend::transaction`] whose version check rolls everything back on a race.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;

/// A value bound to a placeholder or read from a column.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Val {
    pub fn text(&self) -> Option<&str> {
        match self {
            Val::Text(s) => Some(s),
            _ => None,
        }
    }
    pub fn int(&self) -> Option<i64> {
        match self {
            Val::Int(i) => Some(*i),
            _ => None,
        }
    }
}

impl From<&str> for Val {
    fn from(s: &str) -> Self {
        Val::Text(s.to_owned())
    }
}
impl From<String> for Val {
    fn from(s: String) -> Self {
        Val::Text(s)
    }
}
impl From<i64> for Val {
    fn from(i: i64) -> Self {
        Val::Int(i)
    }
}
impl From<Option<i64>> for Val {
    fn from(i: Option<i64>) -> Self {
        i.map_or(Val::Null, Val::Int)
    }
}
impl From<Option<String>> for Val {
    fn from(s: Option<String>) -> Self {
        s.map_or(Val::Null, Val::Text)
    }
}

pub type Row = Vec<Val>;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("SQLite error on {path}: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("PostgreSQL error: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error(
        "cannot connect to PostgreSQL: {0}; check server.database_url and that the server is running"
    )]
    Connect(tokio_postgres::Error),
    #[error("the storage thread stopped: {0}")]
    Worker(String),
    #[error("this database has no audit chain: it is not the database of an `attesta serve` fleet")]
    NoAuditChain,
    #[error("unexpected column type in {0}")]
    Column(String),
    #[error("cannot create the database directory {path}: {source}")]
    Dir {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// One SQL backend.
pub trait SqlBackend: Send + Sync {
    fn kind(&self) -> &'static str;
    /// Runs a statement; returns the number of rows changed.
    fn execute<'a>(&'a self, sql: &'a str, params: Vec<Val>)
    -> BoxFuture<'a, Result<u64, DbError>>;
    fn query<'a>(
        &'a self,
        sql: &'a str,
        params: Vec<Val>,
    ) -> BoxFuture<'a, Result<Vec<Row>, DbError>>;
    /// Runs several statements (migrations) as one batch.
    fn batch<'a>(&'a self, sql: &'a str) -> BoxFuture<'a, Result<(), DbError>>;
    /// Runs the statements in one transaction. A statement with `expect` must change exactly
    /// that many rows; otherwise everything is rolled back and `Ok(false)` returned.
    fn transaction<'a>(&'a self, stmts: Vec<Stmt>) -> BoxFuture<'a, Result<bool, DbError>>;
    /// Like [`SqlBackend::transaction`], then appends `entry` to the database audit chain in the
    /// same transaction, under an advisory lock that orders appends across servers. Only
    /// PostgreSQL keeps the chain in the database (SQLite servers write the JSONL file).
    fn transaction_audited<'a>(
        &'a self,
        stmts: Vec<Stmt>,
        entry: attesta_core::audit::AuditEntry,
    ) -> BoxFuture<'a, Result<bool, DbError>> {
        let _ = (stmts, entry);
        Box::pin(async { Err(DbError::Worker("this database keeps no audit chain".into())) })
    }
}

/// Advisory lock key ordering appends to the database audit chain.
pub const AUDIT_LOCK: i64 = 7374;

/// One statement of a [`SqlBackend::transaction`].
#[derive(Debug, Clone)]
pub struct Stmt {
    pub sql: String,
    pub params: Vec<Val>,
    /// Rows the statement must change (`None`: any number).
    pub expect: Option<u64>,
}

impl Stmt {
    pub fn new(sql: impl Into<String>, params: Vec<Val>) -> Stmt {
        Stmt {
            sql: sql.into(),
            params,
            expect: None,
        }
    }
    /// The statement must change exactly `n` rows or the transaction is rolled back.
    pub fn expect(mut self, n: u64) -> Stmt {
        self.expect = Some(n);
        self
    }
}

/// Embedded SQLite: one connection behind a mutex, used from the blocking thread pool.
pub struct Sqlite {
    path: PathBuf,
    conn: Arc<Mutex<rusqlite::Connection>>,
}

impl Sqlite {
    pub fn open(path: &Path) -> Result<Sqlite, DbError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| DbError::Dir {
                path: dir.to_owned(),
                source,
            })?;
        }
        let err = |source| DbError::Sqlite {
            path: path.to_owned(),
            source,
        };
        let conn = rusqlite::Connection::open(path).map_err(err)?;
        // WAL lets the CLI's identity commands read while the server writes; busy_timeout waits
        // for the lock instead of failing at once.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(err)?;
        restrict_permissions(path);
        Ok(Sqlite {
            path: path.to_owned(),
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> Result<T, rusqlite::Error> + Send + 'static,
    ) -> BoxFuture<'static, Result<T, DbError>> {
        let conn = self.conn.clone();
        let path = self.path.clone();
        Box::pin(async move {
            let joined = tokio::task::spawn_blocking(move || {
                let guard = conn
                    .lock()
                    .map_err(|_| DbError::Worker("SQLite connection lock poisoned".into()))?;
                f(&guard).map_err(|source| DbError::Sqlite { path, source })
            })
            .await;
            joined.map_err(|e| DbError::Worker(e.to_string()))?
        })
    }
}

#[cfg(unix)]
fn restrict_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    // Password and token hashes live here: owner only.
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}
#[cfg(not(unix))]
fn restrict_permissions(_path: &Path) {}

/// `$1` → `?1` (SQLite's numbered form); the statements never contain `$` in literals.
fn to_sqlite(sql: &str) -> String {
    sql.replace('$', "?")
}

fn sqlite_params(params: &[Val]) -> Vec<rusqlite::types::Value> {
    params
        .iter()
        .map(|v| match v {
            Val::Null => rusqlite::types::Value::Null,
            Val::Int(i) => rusqlite::types::Value::Integer(*i),
            Val::Real(r) => rusqlite::types::Value::Real(*r),
            Val::Text(s) => rusqlite::types::Value::Text(s.clone()),
        })
        .collect()
}

impl SqlBackend for Sqlite {
    fn kind(&self) -> &'static str {
        "sqlite"
    }

    fn execute<'a>(
        &'a self,
        sql: &'a str,
        params: Vec<Val>,
    ) -> BoxFuture<'a, Result<u64, DbError>> {
        let sql = to_sqlite(sql);
        self.run(move |c| {
            let p = sqlite_params(&params);
            c.prepare_cached(&sql)?
                .execute(rusqlite::params_from_iter(p))
                .map(|n| n as u64)
        })
    }

    fn query<'a>(
        &'a self,
        sql: &'a str,
        params: Vec<Val>,
    ) -> BoxFuture<'a, Result<Vec<Row>, DbError>> {
        let sql = to_sqlite(sql);
        self.run(move |c| {
            let p = sqlite_params(&params);
            let mut stmt = c.prepare_cached(&sql)?;
            let n = stmt.column_count();
            let rows = stmt.query_map(rusqlite::params_from_iter(p), |row| {
                (0..n)
                    .map(|i| {
                        Ok(match row.get::<_, rusqlite::types::Value>(i)? {
                            rusqlite::types::Value::Null => Val::Null,
                            rusqlite::types::Value::Integer(i) => Val::Int(i),
                            rusqlite::types::Value::Real(r) => Val::Real(r),
                            rusqlite::types::Value::Text(s) => Val::Text(s),
                            rusqlite::types::Value::Blob(b) => {
                                Val::Text(String::from_utf8_lossy(&b).into_owned())
                            }
                        })
                    })
                    .collect::<Result<Row, rusqlite::Error>>()
            })?;
            rows.collect()
        })
    }

    fn batch<'a>(&'a self, sql: &'a str) -> BoxFuture<'a, Result<(), DbError>> {
        let sql = sql.to_owned();
        self.run(move |c| c.execute_batch(&sql))
    }

    fn transaction<'a>(&'a self, stmts: Vec<Stmt>) -> BoxFuture<'a, Result<bool, DbError>> {
        self.run(move |c| {
            // IMMEDIATE: take the write lock first, so a second process waits instead of failing.
            let tx = rusqlite::Transaction::new_unchecked(c, rusqlite::TransactionBehavior::Immediate)?;
            for stmt in &stmts {
                let p = sqlite_params(&stmt.params);
                let n = tx
                    .prepare_cached(&to_sqlite(&stmt.sql))?
                    .execute(rusqlite::params_from_iter(p))? as u64;
                if stmt.expect.is_some_and(|e| e != n) {
                    tx.rollback()?;
                    return Ok(false);
                }
            }
            tx.commit()?;
            Ok(true)
        })
    }
}

/// PostgreSQL through one pipelining client connection (tokio-postgres multiplexes
/// concurrent queries over it).
pub struct Postgres {
    client: tokio_postgres::Client,
    /// Connections for transactions (a transaction owns its connection while it runs).
    tx_clients: Vec<tokio::sync::Mutex<tokio_postgres::Client>>,
    next_tx: std::sync::atomic::AtomicUsize,
}

/// Transactions one server runs at once on PostgreSQL.
const PG_TX_CONNECTIONS: usize = 3;

async fn pg_connect(url: &str) -> Result<tokio_postgres::Client, DbError> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .map_err(DbError::Connect)?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::error!(%error, "PostgreSQL connection closed");
        }
    });
    Ok(client)
}

impl Postgres {
    pub async fn connect(url: &str) -> Result<Postgres, DbError> {
        let client = pg_connect(url).await?;
        let mut tx_clients = Vec::with_capacity(PG_TX_CONNECTIONS);
        for _ in 0..PG_TX_CONNECTIONS {
            tx_clients.push(tokio::sync::Mutex::new(pg_connect(url).await?));
        }
        Ok(Postgres {
            client,
            tx_clients,
            next_tx: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    /// A free transaction connection (or the next one in turn, waited for).
    async fn tx_client(&self) -> tokio::sync::MutexGuard<'_, tokio_postgres::Client> {
        for c in &self.tx_clients {
            if let Ok(guard) = c.try_lock() {
                return guard;
            }
        }
        let i = self
            .next_tx
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            % self.tx_clients.len();
        self.tx_clients[i].lock().await
    }
}

type PgParam = Box<dyn tokio_postgres::types::ToSql + Sync + Send>;

fn pg_params(params: Vec<Val>) -> Vec<PgParam> {
    params
        .into_iter()
        .map(|v| -> PgParam {
            match v {
                Val::Null => Box::new(Option::<String>::None),
                Val::Int(i) => Box::new(i),
                Val::Real(r) => Box::new(r),
                Val::Text(s) => Box::new(s),
            }
        })
        .collect()
}

impl SqlBackend for Postgres {
    fn kind(&self) -> &'static str {
        "postgres"
    }

    fn execute<'a>(
        &'a self,
        sql: &'a str,
        params: Vec<Val>,
    ) -> BoxFuture<'a, Result<u64, DbError>> {
        Box::pin(async move {
            let owned = pg_params(params);
            let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = owned
                .iter()
                .map(|b| b.as_ref() as &(dyn tokio_postgres::types::ToSql + Sync))
                .collect();
            Ok(self.client.execute(sql, &refs).await?)
        })
    }

    fn query<'a>(
        &'a self,
        sql: &'a str,
        params: Vec<Val>,
    ) -> BoxFuture<'a, Result<Vec<Row>, DbError>> {
        Box::pin(async move {
            use tokio_postgres::types::Type;
            let owned = pg_params(params);
            let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = owned
                .iter()
                .map(|b| b.as_ref() as &(dyn tokio_postgres::types::ToSql + Sync))
                .collect();
            let rows = self.client.query(sql, &refs).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let mut r = Vec::with_capacity(row.len());
                for (i, col) in row.columns().iter().enumerate() {
                    let t = col.type_();
                    let v = if *t == Type::INT8 {
                        row.try_get::<_, Option<i64>>(i)?
                            .map_or(Val::Null, Val::Int)
                    } else if *t == Type::INT4 {
                        row.try_get::<_, Option<i32>>(i)?
                            .map_or(Val::Null, |x| Val::Int(i64::from(x)))
                    } else if *t == Type::FLOAT8 {
                        row.try_get::<_, Option<f64>>(i)?
                            .map_or(Val::Null, Val::Real)
                    } else if *t == Type::TEXT || *t == Type::VARCHAR {
                        row.try_get::<_, Option<String>>(i)?
                            .map_or(Val::Null, Val::Text)
                    } else {
                        return Err(DbError::Column(format!("column {} ({t})", col.name())));
                    };
                    r.push(v);
                }
                out.push(r);
            }
            Ok(out)
        })
    }

    fn batch<'a>(&'a self, sql: &'a str) -> BoxFuture<'a, Result<(), DbError>> {
        Box::pin(async move { Ok(self.client.batch_execute(sql).await?) })
    }

    fn transaction<'a>(&'a self, stmts: Vec<Stmt>) -> BoxFuture<'a, Result<bool, DbError>> {
        Box::pin(async move {
            let mut client = self.tx_client().await;
            let tx = client.transaction().await?;
            if !pg_run_all(&tx, stmts).await? {
                tx.rollback().await?;
                return Ok(false);
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    fn transaction_audited<'a>(
        &'a self,
        stmts: Vec<Stmt>,
        mut entry: attesta_core::audit::AuditEntry,
    ) -> BoxFuture<'a, Result<bool, DbError>> {
        Box::pin(async move {
            let mut client = self.tx_client().await;
            let tx = client.transaction().await?;
            if !pg_run_all(&tx, stmts).await? {
                tx.rollback().await?;
                return Ok(false);
            }
            // Held until commit: one append at a time across every server on this database.
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&AUDIT_LOCK]).await?;
            let last = tx
                .query_opt("SELECT seq, chain_hash FROM audit_chain ORDER BY seq DESC LIMIT 1", &[])
                .await?;
            let (seq, previous) = match last {
                Some(row) => (row.get::<_, i64>(0), row.get::<_, String>(1)),
                None => (0, attesta_core::audit::GENESIS.to_owned()),
            };
            let line = entry
                .seal(u64::try_from(seq).unwrap_or(0) + 1, &previous)
                .map_err(|e| DbError::Worker(format!("sealing the audit entry: {e}")))?;
            let line = String::from_utf8(line).map_err(|e| DbError::Worker(e.to_string()))?;
            tx.execute(
                "INSERT INTO audit_chain (seq, entry_id, chain_hash, line, created_at) VALUES ($1, $2, $3, $4, $5)",
                &[&(seq + 1), &entry.entry_id, &entry.chain_hash, &line, &jiff::Timestamp::now().as_millisecond()],
            )
            .await?;
            tx.commit().await?;
            Ok(true)
        })
    }
}

/// Runs `stmts` in `tx` in order; `false` as soon as one affects a different number of rows than
/// it expects (the caller rolls back).
async fn pg_run_all(tx: &tokio_postgres::Transaction<'_>, stmts: Vec<Stmt>) -> Result<bool, DbError> {
    for stmt in stmts {
        let owned = pg_params(stmt.params);
        let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = owned
            .iter()
            .map(|b| b.as_ref() as &(dyn tokio_postgres::types::ToSql + Sync))
            .collect();
        let n = tx.execute(stmt.sql.as_str(), &refs).await?;
        if stmt.expect.is_some_and(|e| e != n) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Writes the database audit chain as a JSONL audit log (the format `attesta audit` reads);
/// returns the number of entries.
pub async fn export_audit_chain(db: &dyn SqlBackend, path: &Path) -> Result<u64, DbError> {
    use std::io::Write;
    if db.kind() == "postgres" {
        let found = db.query("SELECT to_regclass('audit_chain')::text", vec![]).await?;
        if found.first().is_none_or(|r| r[0] == Val::Null) {
            return Err(DbError::NoAuditChain);
        }
    }
    let rows = db
        .query("SELECT line FROM audit_chain ORDER BY seq", vec![])
        .await?;
    let io = |e: std::io::Error| DbError::Dir { path: path.to_owned(), source: e };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Decisions and their arguments: owner only, like the audit file itself.
        options.mode(0o600);
    }
    let mut file = std::io::BufWriter::new(options.open(path).map_err(io)?);
    for r in &rows {
        file.write_all(r[0].text().unwrap_or_default().as_bytes()).map_err(io)?;
        file.write_all(b"\n").map_err(io)?;
    }
    file.flush().map_err(io)?;
    Ok(rows.len() as u64)
}

/// Versioned migrations, shared by both backends (types chosen so both accept them).
const MIGRATIONS: &[(i64, &str)] = &[
    (
    1,
    "CREATE TABLE identities (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        password_hash TEXT,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT
    );
    CREATE TABLE tokens (
        token_id TEXT PRIMARY KEY,
        identity_id TEXT NOT NULL REFERENCES identities(id),
        secret_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT
    );
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        identity_id TEXT NOT NULL REFERENCES identities(id),
        csrf TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
    );
    CREATE TABLE requests (
        id TEXT PRIMARY KEY,
        agent_identity TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        status TEXT NOT NULL,
        action_digest TEXT NOT NULL,
        function_name TEXT NOT NULL,
        risk_level TEXT NOT NULL,
        risk_score DOUBLE PRECISION NOT NULL,
        challenge_type TEXT NOT NULL,
        context_json TEXT NOT NULL,
        assessment_json TEXT NOT NULL,
        public_json TEXT NOT NULL,
        key_json TEXT NOT NULL,
        state_json TEXT NOT NULL,
        decision_json TEXT,
        decided_at BIGINT,
        consumed_at BIGINT,
        version BIGINT NOT NULL
    );
    CREATE INDEX requests_status ON requests(status, created_at);
    CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        event TEXT NOT NULL,
        url TEXT NOT NULL,
        format TEXT NOT NULL,
        secret_env TEXT,
        body TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        attempts BIGINT NOT NULL,
        next_attempt_at BIGINT NOT NULL,
        locked_until BIGINT NOT NULL,
        delivered_at BIGINT,
        last_error TEXT
    );
    CREATE INDEX outbox_due ON outbox(delivered_at, next_attempt_at);",
    ),
    (
        2,
        // Names are unique case-insensitively (names are ASCII, so lower() agrees on both).
        "CREATE UNIQUE INDEX identities_name_ci ON identities (lower(name));
         CREATE INDEX requests_agent_status ON requests(agent_identity, status);",
    ),
    (
        3,
        // At most one outbox row per request, event and endpoint: a decision or an escalation
        // recorded twice (two servers, a retry after a crash) cannot notify twice.
        "ALTER TABLE outbox ADD COLUMN dedup_key TEXT;
         CREATE UNIQUE INDEX outbox_dedup ON outbox(dedup_key);",
    ),
    (
        4,
        // The audit chain of a PostgreSQL fleet: one row per entry, its JSONL line as written.
        "CREATE TABLE audit_chain (
            seq BIGINT PRIMARY KEY,
            entry_id TEXT NOT NULL UNIQUE,
            chain_hash TEXT NOT NULL,
            line TEXT NOT NULL,
            created_at BIGINT NOT NULL
        );",
    ),
];

/// Applies the migrations not yet recorded in `schema_migrations`.
pub async fn migrate(db: &dyn SqlBackend) -> Result<(), DbError> {
    if db.kind() == "postgres" {
        // Several servers may start at once against one database.
        db.batch("SELECT pg_advisory_lock(7373)").await?;
    }
    let result = async {
        db.batch("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)")
            .await?;
        let applied = db.query("SELECT version FROM schema_migrations", vec![]).await?;
        let applied: Vec<i64> = applied.iter().filter_map(|r| r.first().and_then(Val::int)).collect();
        for (version, sql) in MIGRATIONS {
            if applied.contains(version) {
                continue;
            }
            db.batch(sql).await?;
            db.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                vec![Val::Int(*version), Val::Int(jiff::Timestamp::now().as_millisecond())],
            )
            .await?;
        }
        Ok(())
    }
    .await;
    if db.kind() == "postgres" {
        db.batch("SELECT pg_advisory_unlock(7373)").await?;
    }
    result
}

/// Opens the database named by a URL: `postgres://…`/`postgresql://…`, `sqlite:PATH`, or a path.
pub async fn open(url_or_path: &str) -> Result<Arc<dyn SqlBackend>, DbError> {
    let db: Arc<dyn SqlBackend> =
        if url_or_path.starts_with("postgres://") || url_or_path.starts_with("postgresql://") {
            Arc::new(Postgres::connect(url_or_path).await?)
        } else {
            let path = url_or_path
                .strip_prefix("sqlite://")
                .or_else(|| url_or_path.strip_prefix("sqlite:"))
                .unwrap_or(url_or_path);
            Arc::new(Sqlite::open(Path::new(path))?)
        };
    migrate(db.as_ref()).await?;
    Ok(db)
}
