//! The file-backed trust store (SPEC §6).
//!
//! One JSON file (default `.attesta/trust.json`, mode 0600):
//! `{"version": 1, "agents": {"<agent>": {"revoked": null, "domains": {"<domain>": TrustRecord}}}}`.
//!
//! Several processes may share it. Every change takes an exclusive lock on the sidecar
//! `<store>.lock`, re-reads the file (another process may have changed it), applies the change,
//! writes a temporary file in the same directory, fsyncs it, renames it over the store and fsyncs
//! the directory, so a crash leaves either the old or the new file, never half of one. Reads take
//! a shared lock. A file that cannot be understood is an error naming it and is never rewritten.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use attesta_core::trust::{DEFAULT_DOMAIN, TrustEvent, TrustParams, TrustRecord};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The store format this code reads and writes.
pub const STORE_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum TrustStoreError {
    #[error("could not {action} the trust store {}: {source} — check that the directory exists and is writable", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error(
        "the trust store {} is corrupt ({detail}); it was left untouched — restore it from a backup, \
         or move it aside to start every agent from the initial score",
        path.display()
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "the trust store {} has format version {found}, but this version of attesta reads version {STORE_VERSION} — upgrade attesta",
        path.display()
    )]
    UnsupportedVersion { path: PathBuf, found: u64 },
    #[error("the agent id must not be empty — give the agent an id (`--agent-id`, `agent_id`)")]
    EmptyAgentId,
}

/// Why and when a whole agent was revoked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revocation {
    pub reason: String,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgentEntry {
    /// Set by revoking every domain of the agent: it also covers domains first seen later.
    #[serde(default)]
    revoked: Option<Revocation>,
    #[serde(default)]
    domains: BTreeMap<String, TrustRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreFile {
    version: u32,
    agents: BTreeMap<String, AgentEntry>,
}

impl Default for StoreFile {
    fn default() -> Self {
        StoreFile {
            version: STORE_VERSION,
            agents: BTreeMap::new(),
        }
    }
}

/// Per-agent, per-domain trust records in a JSON file. `Send + Sync`; every call goes to the
/// file, so several stores (in one or many processes) over the same path stay consistent.
#[derive(Debug)]
pub struct TrustStore {
    path: PathBuf,
    lock_path: PathBuf,
    params: TrustParams,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl TrustStore {
    /// Opens (without creating) the store at `path`; an existing file is checked right away so a
    /// corrupt store is reported at start-up rather than at the first decision.
    pub fn open(
        path: impl Into<PathBuf>,
        params: TrustParams,
    ) -> Result<TrustStore, TrustStoreError> {
        let path = path.into();
        let mut lock_name = path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_else(|| "trust.json".into());
        lock_name.push(".lock");
        let lock_path = path.with_file_name(lock_name);
        let store = TrustStore {
            path,
            lock_path,
            params,
        };
        store.read_shared()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn params(&self) -> &TrustParams {
        &self.params
    }

    /// The agent's trust in `domain` now (`initial_score` for an unknown agent, 0 if revoked).
    pub fn score(
        &self,
        agent_id: &str,
        domain: &str,
        now: Timestamp,
    ) -> Result<f64, TrustStoreError> {
        check_agent(agent_id)?;
        let data = self.read_shared()?;
        Ok(match data.agents.get(agent_id) {
            Some(agent) if agent.revoked.is_some() => 0.0,
            Some(agent) => agent.domains.get(domain).map_or_else(
                || TrustRecord::new(&self.params, now).score(&self.params, now),
                |record| record.score(&self.params, now),
            ),
            None => TrustRecord::new(&self.params, now).score(&self.params, now),
        })
    }

    /// Records an outcome and returns the agent's new trust in `domain`.
    pub fn record(
        &self,
        agent_id: &str,
        domain: &str,
        event: TrustEvent,
        now: Timestamp,
    ) -> Result<f64, TrustStoreError> {
        check_agent(agent_id)?;
        let params = self.params;
        self.update(|data| {
            let agent = data.agents.entry(agent_id.to_owned()).or_default();
            let revocation = agent.revoked.clone();
            let record = agent.domains.entry(domain.to_owned()).or_insert_with(|| {
                let mut record = TrustRecord::new(&params, now);
                if let Some(revocation) = &revocation {
                    record.revoke(&revocation.reason, now);
                }
                record
            });
            record.record(&params, event, now);
            if revocation.is_some() {
                0.0
            } else {
                record.score(&params, now)
            }
        })
    }

    /// Drops trust to 0 in one domain, or (`None`) in every domain of the agent including ones it
    /// has not used yet. It stays 0 until [`TrustStore::reset`].
    pub fn revoke(
        &self,
        agent_id: &str,
        domain: Option<&str>,
        reason: &str,
        now: Timestamp,
    ) -> Result<(), TrustStoreError> {
        check_agent(agent_id)?;
        let params = self.params;
        self.update(|data| {
            let agent = data.agents.entry(agent_id.to_owned()).or_default();
            match domain {
                Some(domain) => {
                    agent
                        .domains
                        .entry(domain.to_owned())
                        .or_insert_with(|| TrustRecord::new(&params, now))
                        .revoke(reason, now);
                }
                None => {
                    agent.revoked = Some(Revocation {
                        reason: reason.to_owned(),
                        at: now,
                    });
                    // Keep a visible record even for an agent never seen before.
                    agent
                        .domains
                        .entry(DEFAULT_DOMAIN.to_owned())
                        .or_insert_with(|| TrustRecord::new(&params, now));
                    for record in agent.domains.values_mut() {
                        record.revoke(reason, now);
                    }
                }
            }
        })
    }

    /// Forgets the agent's history in one domain, or (`None`) everywhere, lifting revocations: it
    /// starts again from `initial_score`. Resetting one domain does not lift a whole-agent
    /// revocation.
    pub fn reset(&self, agent_id: &str, domain: Option<&str>) -> Result<(), TrustStoreError> {
        check_agent(agent_id)?;
        self.update(|data| match domain {
            Some(domain) => {
                if let Some(agent) = data.agents.get_mut(agent_id) {
                    agent.domains.remove(domain);
                    if agent.domains.is_empty() && agent.revoked.is_none() {
                        data.agents.remove(agent_id);
                    }
                }
            }
            None => {
                data.agents.remove(agent_id);
            }
        })
    }

    /// The agent's records by domain (empty for an unknown agent).
    pub fn get(&self, agent_id: &str) -> Result<Vec<(String, TrustRecord)>, TrustStoreError> {
        let data = self.read_shared()?;
        Ok(data
            .agents
            .get(agent_id)
            .map(|agent| {
                agent
                    .domains
                    .iter()
                    .map(|(d, r)| (d.clone(), r.clone()))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// The whole-agent revocation, if the agent was revoked in every domain.
    pub fn agent_revocation(&self, agent_id: &str) -> Result<Option<Revocation>, TrustStoreError> {
        let data = self.read_shared()?;
        Ok(data
            .agents
            .get(agent_id)
            .and_then(|agent| agent.revoked.clone()))
    }

    /// Every record as (agent, domain, record), sorted by agent then domain.
    pub fn list(&self) -> Result<Vec<(String, String, TrustRecord)>, TrustStoreError> {
        let data = self.read_shared()?;
        Ok(data
            .agents
            .iter()
            .flat_map(|(agent, entry)| {
                entry
                    .domains
                    .iter()
                    .map(move |(domain, record)| (agent.clone(), domain.clone(), record.clone()))
            })
            .collect())
    }

    fn io_error(
        &self,
        action: &'static str,
        path: &Path,
    ) -> impl FnOnce(io::Error) -> TrustStoreError {
        let path = path.to_path_buf();
        move |source| TrustStoreError::Io {
            action,
            path,
            source,
        }
    }

    fn open_lock(&self, create: bool) -> Result<Option<File>, TrustStoreError> {
        if create && let Some(dir) = self.dir() {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(self.io_error("create the directory of", &self.path))?;
        }
        let mut options = OpenOptions::new();
        options.read(true).write(true).mode(0o600);
        if create {
            options.create(true);
        }
        match options.open(&self.lock_path) {
            Ok(file) => Ok(Some(file)),
            Err(err) if !create && err.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(self.io_error("open the lock file of", &self.lock_path)(err)),
        }
    }

    fn dir(&self) -> Option<&Path> {
        self.path.parent().filter(|p| !p.as_os_str().is_empty())
    }

    fn read_shared(&self) -> Result<StoreFile, TrustStoreError> {
        // Writers replace the file by rename, so without a lock file (nobody has written yet)
        // there is nothing to wait for and reading must not create files.
        let lock = self.open_lock(false)?;
        if let Some(lock) = &lock {
            crate::audit::files::lock_bounded(lock, false)
                .map_err(self.io_error("lock", &self.lock_path))?;
        }
        let data = self.read_file();
        drop(lock);
        data
    }

    fn read_file(&self) -> Result<StoreFile, TrustStoreError> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(StoreFile::default()),
            Err(err) => return Err(self.io_error("read", &self.path)(err)),
        };
        let corrupt = |detail: String| TrustStoreError::Corrupt {
            path: self.path.clone(),
            detail,
        };
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| corrupt(format!("not valid JSON: {e}")))?;
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(STORE_VERSION) => {}
            Some(found) => {
                return Err(TrustStoreError::UnsupportedVersion {
                    path: self.path.clone(),
                    found,
                });
            }
            None => return Err(corrupt("no numeric `version` field".into())),
        }
        let data: StoreFile = serde_json::from_value(value).map_err(|e| corrupt(e.to_string()))?;
        for (agent, entry) in &data.agents {
            for (domain, record) in &entry.domains {
                let sane = |v: f64| v.is_finite() && v >= 0.0;
                if !sane(record.alpha) || !sane(record.beta) {
                    return Err(corrupt(format!(
                        "agent `{agent}` domain `{domain}` has negative or non-finite evidence"
                    )));
                }
            }
        }
        Ok(data)
    }

    /// Lock, re-read, change, write atomically, unlock.
    fn update<T>(&self, change: impl FnOnce(&mut StoreFile) -> T) -> Result<T, TrustStoreError> {
        let Some(lock) = self.open_lock(true)? else {
            return Err(self.io_error("open the lock file of", &self.lock_path)(
                io::ErrorKind::NotFound.into(),
            ));
        };
        crate::audit::files::lock_bounded(&lock, true)
            .map_err(self.io_error("lock", &self.lock_path))?;
        let mut data = self.read_file()?;
        let result = change(&mut data);
        self.write_atomically(&data)?;
        drop(lock);
        Ok(result)
    }

    fn write_atomically(&self, data: &StoreFile) -> Result<(), TrustStoreError> {
        let mut bytes = serde_json::to_vec_pretty(data).map_err(|e| TrustStoreError::Io {
            action: "serialise",
            path: self.path.clone(),
            source: io::Error::other(e),
        })?;
        bytes.push(b'\n');
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = self.path.with_file_name(format!(
            ".{name}.tmp-{}-{}",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let written = (|| {
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&temp)?;
            file.write_all(&bytes)?;
            file.sync_all()
        })();
        if let Err(err) = written {
            let _ = fs::remove_file(&temp);
            return Err(self.io_error("write a temporary copy of", &self.path)(err));
        }
        if let Err(err) = fs::rename(&temp, &self.path) {
            let _ = fs::remove_file(&temp);
            return Err(self.io_error("replace", &self.path)(err));
        }
        let dir = self.dir().unwrap_or(Path::new("."));
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(self.io_error("sync the directory of", &self.path))
    }
}

fn check_agent(agent_id: &str) -> Result<(), TrustStoreError> {
    if agent_id.trim().is_empty() {
        Err(TrustStoreError::EmptyAgentId)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn store_is_send_and_sync() {
        assert_send_sync::<TrustStore>();
    }

    #[test]
    fn lock_file_sits_beside_the_store() {
        let store = TrustStore::open(
            "/nonexistent-dir-for-test/trust.json",
            TrustParams::default(),
        )
        .unwrap();
        assert_eq!(
            store.lock_path,
            Path::new("/nonexistent-dir-for-test/trust.json.lock")
        );
    }
}
