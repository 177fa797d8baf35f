//! Identities (agents and approvers), tokens, passwords and login sessions.
//!
//! Tokens look like `att_<kind>_<id>_<secret>`: the 16-hex-digit id finds the row, the 256-bit
//! random secret is compared by SHA-256. A slow hash buys nothing for a secret that long and would
//! cost tens of milliseconds on every API call; argon2 is used where it matters, for passwords a
//! human chose.

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{DbError, SqlBackend, Val};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Agent,
    Approver,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Approver => "approver",
        }
    }
    fn parse(s: &str) -> Option<Role> {
        match s {
            "agent" => Some(Role::Agent),
            "approver" => Some(Role::Approver),
            _ => None,
        }
    }
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Identity {
    pub id: String,
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, Serialize)]
pub struct IdentityInfo {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub has_password: bool,
    pub tokens: i64,
    pub created_at: String,
    pub revoked: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("an identity named '{0}' already exists; pick another name or revoke it first")]
    Exists(String),
    #[error("no identity named '{0}'; see `attesta serve list`")]
    NotFound(String),
    #[error(
        "identity names are 1-64 characters of letters, digits, '.', '_', '-' or '@'; got '{0}'"
    )]
    BadName(String),
    #[error("the password must be at least 8 characters")]
    WeakPassword,
    #[error("cannot hash the password: {0}")]
    Hash(String),
    #[error("the system random generator failed: {0}")]
    Random(String),
}

pub fn random_hex(bytes: usize) -> Result<String, IdentityError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| IdentityError::Random(e.to_string()))?;
    Ok(hex::encode(buf))
}

pub fn sha256_hex(data: &str) -> String {
    hex::encode(Sha256::digest(data.as_bytes()))
}

/// Equality that takes the same time wherever the first difference is.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
}

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

#[derive(Clone)]
pub struct Identities {
    db: Arc<dyn SqlBackend>,
}

impl Identities {
    pub fn new(db: Arc<dyn SqlBackend>) -> Self {
        Identities { db }
    }

    async fn insert(
        &self,
        name: &str,
        role: Role,
        password_hash: Option<String>,
    ) -> Result<String, IdentityError> {
        if !valid_name(name) {
            return Err(IdentityError::BadName(name.to_owned()));
        }
        let existing = self
            .db
            .query(
                // Names are unique whatever their case: `Carol` must not pass for `carol`.
                "SELECT id FROM identities WHERE lower(name) = lower($1)",
                vec![name.into()],
            )
            .await?;
        if !existing.is_empty() {
            return Err(IdentityError::Exists(name.to_owned()));
        }
        let id = uuid::Uuid::now_v7().to_string();
        self.db
            .execute(
                "INSERT INTO identities (id, name, kind, password_hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, NULL)",
                vec![id.clone().into(), name.into(), role.as_str().into(), password_hash.into(), Val::Int(now_ms())],
            )
            .await
            .map_err(|e| match e {
                // A concurrent insert of the same name lost the race to the UNIQUE constraint.
                DbError::Sqlite { .. } | DbError::Postgres(_) => IdentityError::Exists(name.to_owned()),
                other => IdentityError::Db(other),
            })?;
        Ok(id)
    }

    async fn issue_token(&self, identity_id: &str, role: Role) -> Result<String, IdentityError> {
        let token_id = random_hex(8)?;
        let secret = random_hex(32)?;
        self.db
            .execute(
                "INSERT INTO tokens (token_id, identity_id, secret_hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, NULL)",
                vec![token_id.clone().into(), identity_id.into(), sha256_hex(&secret).into(), Val::Int(now_ms())],
            )
            .await?;
        Ok(format!("att_{}_{token_id}_{secret}", role.as_str()))
    }

    /// Creates an agent and returns its token (shown once; only its hash is stored).
    pub async fn add_agent(&self, name: &str) -> Result<String, IdentityError> {
        let id = self.insert(name, Role::Agent, None).await?;
        self.issue_token(&id, Role::Agent).await
    }

    /// Creates an approver with a token and, optionally, a password for the web inbox.
    pub async fn add_approver(
        &self,
        name: &str,
        password: Option<&str>,
    ) -> Result<String, IdentityError> {
        let hash = match password {
            Some(p) => Some(hash_password(p)?),
            None => None,
        };
        let id = self.insert(name, Role::Approver, hash).await?;
        self.issue_token(&id, Role::Approver).await
    }

    /// Revokes an identity with its tokens and sessions. Its past decisions stay on record.
    pub async fn revoke(&self, name: &str) -> Result<(), IdentityError> {
        let rows = self
            .db
            .query(
                "SELECT id FROM identities WHERE lower(name) = lower($1) AND revoked_at IS NULL",
                vec![name.into()],
            )
            .await?;
        let Some(id) = rows.first().and_then(|r| r[0].text()).map(str::to_owned) else {
            return Err(IdentityError::NotFound(name.to_owned()));
        };
        let now = Val::Int(now_ms());
        self.db
            .execute(
                "UPDATE identities SET revoked_at = $1 WHERE id = $2",
                vec![now.clone(), id.clone().into()],
            )
            .await?;
        self.db
            .execute(
                "UPDATE tokens SET revoked_at = $1 WHERE identity_id = $2 AND revoked_at IS NULL",
                vec![now, id.clone().into()],
            )
            .await?;
        self.db
            .execute(
                "DELETE FROM sessions WHERE identity_id = $1",
                vec![id.into()],
            )
            .await?;
        Ok(())
    }

    pub async fn list(&self) -> Result<Vec<IdentityInfo>, IdentityError> {
        let rows = self
            .db
            .query(
                "SELECT i.id, i.name, i.kind, i.password_hash, i.created_at, i.revoked_at,
                        (SELECT COUNT(*) FROM tokens t WHERE t.identity_id = i.id AND t.revoked_at IS NULL)
                 FROM identities i ORDER BY i.created_at",
                vec![],
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(IdentityInfo {
                    id: r[0].text()?.to_owned(),
                    name: r[1].text()?.to_owned(),
                    role: Role::parse(r[2].text()?)?,
                    has_password: r[3].text().is_some(),
                    created_at: jiff::Timestamp::from_millisecond(r[4].int()?)
                        .ok()?
                        .to_string(),
                    revoked: r[5].int().is_some(),
                    tokens: r[6].int().unwrap_or(0),
                })
            })
            .collect())
    }

    /// Resolves a bearer token; `None` for anything unknown, malformed or revoked.
    pub async fn authenticate_token(&self, token: &str) -> Result<Option<Identity>, IdentityError> {
        let mut parts = token.trim().splitn(4, '_');
        let (Some("att"), Some(_role), Some(token_id), Some(secret)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Ok(None);
        };
        if token_id.len() != 16 || !token_id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let rows = self
            .db
            .query(
                "SELECT t.secret_hash, i.id, i.name, i.kind FROM tokens t JOIN identities i ON i.id = t.identity_id
                 WHERE t.token_id = $1 AND t.revoked_at IS NULL AND i.revoked_at IS NULL",
                vec![token_id.into()],
            )
            .await?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let stored = row[0].text().unwrap_or_default();
        if !constant_time_eq(stored.as_bytes(), sha256_hex(secret).as_bytes()) {
            return Ok(None);
        }
        Ok(identity_from(&row[1..]))
    }

    /// Checks an approver's password (argon2). Unknown names still pay one hash so timing does
    /// not reveal which names exist.
    pub async fn verify_password(
        &self,
        name: &str,
        password: &str,
    ) -> Result<Option<Identity>, IdentityError> {
        let rows = self
            .db
            .query(
                "SELECT password_hash, id, name, kind FROM identities WHERE lower(name) = lower($1) AND revoked_at IS NULL AND kind = 'approver'",
                vec![name.into()],
            )
            .await?;
        let row = rows.first();
        let hash = row.and_then(|r| r[0].text()).map(str::to_owned);
        let password = password.to_owned();
        let ok = crate::hashing::run(move || match hash {
            Some(h) => PasswordHash::new(&h).is_ok_and(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            }),
            None => {
                let _ = hash_password("timing-equaliser");
                false
            }
        })
        .await
        .unwrap_or(false);
        Ok(if ok {
            row.and_then(|r| identity_from(&r[1..]))
        } else {
            None
        })
    }

    /// Starts a login session; returns (session secret for the cookie, CSRF token).
    pub async fn create_session(
        &self,
        identity: &Identity,
        ttl_ms: i64,
    ) -> Result<(String, String), IdentityError> {
        let secret = random_hex(32)?;
        let csrf = random_hex(32)?;
        let now = now_ms();
        self.db
            .execute(
                "INSERT INTO sessions (id, identity_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                vec![sha256_hex(&secret).into(), identity.id.clone().into(), csrf.clone().into(), Val::Int(now), Val::Int(now + ttl_ms)],
            )
            .await?;
        Ok((secret, csrf))
    }

    /// Resolves a session cookie; returns the identity and the session's CSRF token.
    pub async fn authenticate_session(
        &self,
        secret: &str,
    ) -> Result<Option<(Identity, String)>, IdentityError> {
        let rows = self
            .db
            .query(
                "SELECT s.csrf, i.id, i.name, i.kind FROM sessions s JOIN identities i ON i.id = s.identity_id
                 WHERE s.id = $1 AND s.expires_at > $2 AND i.revoked_at IS NULL",
                vec![sha256_hex(secret).into(), Val::Int(now_ms())],
            )
            .await?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let csrf = row[0].text().unwrap_or_default().to_owned();
        Ok(identity_from(&row[1..]).map(|i| (i, csrf)))
    }

    pub async fn end_session(&self, secret: &str) -> Result<(), IdentityError> {
        self.db
            .execute(
                "DELETE FROM sessions WHERE id = $1",
                vec![sha256_hex(secret).into()],
            )
            .await?;
        Ok(())
    }
}

fn identity_from(cols: &[Val]) -> Option<Identity> {
    Some(Identity {
        id: cols[0].text()?.to_owned(),
        name: cols[1].text()?.to_owned(),
        role: Role::parse(cols[2].text()?)?,
    })
}

pub fn hash_password(password: &str) -> Result<String, IdentityError> {
    if password.chars().count() < 8 {
        return Err(IdentityError::WeakPassword);
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| IdentityError::Random(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| IdentityError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| IdentityError::Hash(e.to_string()))
}
