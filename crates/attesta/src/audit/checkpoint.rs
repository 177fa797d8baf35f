//! Signed checkpoints: `(seq, chain_hash, entries)` signed with an HMAC key or Ed25519, kept in
//! the JSONL sidecar `<log>.checkpoints`.
//!
//! A hash chain alone cannot show that entries were cut from the end, or that someone rewrote the
//! log and recomputed every hash; a checkpoint signed with a key the attacker does not hold can.
//!
//! Signed message: the ASCII prefix `attesta-checkpoint-v1\n` followed by the RFC 8785 form of
//! the checkpoint object without its `signature` member. Signatures are lowercase hex (HMAC-SHA256:
//! 32 bytes; Ed25519: 64 bytes).

use std::fmt;
use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use hmac::{Hmac, KeyInit, Mac};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::AuditError;
use super::files::lock_path;
use super::verify::{VerifyOptions, verify};

const DOMAIN: &[u8] = b"attesta-checkpoint-v1\n";

/// Shortest HMAC key accepted: anything shorter is guessable offline from the sidecar.
const MIN_HMAC_KEY_BYTES: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckpointAlgorithm {
    #[serde(rename = "hmac-sha256")]
    HmacSha256,
    #[serde(rename = "ed25519")]
    Ed25519,
}

/// One signed statement "entry `entries` of this log has seq `seq` and hash `chain_hash`".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    pub seq: u64,
    pub chain_hash: String,
    /// Entries in the log (all segments) up to and including `seq`.
    pub entries: u64,
    pub created_at: Timestamp,
    pub key_id: String,
    pub algorithm: CheckpointAlgorithm,
    pub signature: String,
}

#[derive(Serialize)]
struct Unsigned<'a> {
    seq: u64,
    chain_hash: &'a str,
    entries: u64,
    created_at: Timestamp,
    key_id: &'a str,
    algorithm: CheckpointAlgorithm,
}

impl Checkpoint {
    /// The exact bytes that are signed.
    pub fn signed_message(&self) -> Vec<u8> {
        let unsigned = Unsigned {
            seq: self.seq,
            chain_hash: &self.chain_hash,
            entries: self.entries,
            created_at: self.created_at,
            key_id: &self.key_id,
            algorithm: self.algorithm,
        };
        let mut message = DOMAIN.to_vec();
        // Only strings and integers: canonicalisation cannot fail.
        message.extend(serde_json_canonicalizer::to_vec(&unsigned).unwrap_or_default());
        message
    }
}

fn key_fingerprint(bytes: &[u8]) -> String {
    hex::encode(&Sha256::digest(bytes)[..8])
}

/// A key that signs checkpoints.
#[derive(Clone)]
pub enum CheckpointKey {
    Hmac { key_id: String, secret: Vec<u8> },
    Ed25519 { key_id: String, key: SigningKey },
}

impl fmt::Debug for CheckpointKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print key material.
        f.debug_struct("CheckpointKey")
            .field("key_id", &self.key_id())
            .finish_non_exhaustive()
    }
}

impl CheckpointKey {
    /// An HMAC-SHA256 key (the CLI reads its bytes from the variable named by
    /// `audit.checkpoint_key_env`). `key_id` defaults to `hmac-` + a fingerprint.
    pub fn hmac(
        secret: impl Into<Vec<u8>>,
        key_id: Option<String>,
    ) -> Result<CheckpointKey, AuditError> {
        let secret = secret.into();
        if secret.len() < MIN_HMAC_KEY_BYTES {
            return Err(AuditError::Key {
                reason: format!(
                    "the HMAC key has {} bytes; use at least {MIN_HMAC_KEY_BYTES} random bytes (e.g. `openssl rand -hex 32`)",
                    secret.len()
                ),
            });
        }
        // The fingerprint is of a hash of the key, so it reveals nothing useful about it.
        let key_id =
            key_id.unwrap_or_else(|| format!("hmac-{}", key_fingerprint(&Sha256::digest(&secret))));
        Ok(CheckpointKey::Hmac { key_id, secret })
    }

    /// An Ed25519 signing key. `key_id` defaults to `ed25519-` + a fingerprint of the public key.
    pub fn ed25519(key: SigningKey, key_id: Option<String>) -> CheckpointKey {
        let key_id = key_id.unwrap_or_else(|| {
            format!(
                "ed25519-{}",
                key_fingerprint(key.verifying_key().as_bytes())
            )
        });
        CheckpointKey::Ed25519 { key_id, key }
    }

    pub fn key_id(&self) -> &str {
        match self {
            CheckpointKey::Hmac { key_id, .. } | CheckpointKey::Ed25519 { key_id, .. } => key_id,
        }
    }

    /// The matching verifier (for Ed25519 only the public key).
    pub fn verifier(&self) -> CheckpointVerifier {
        match self {
            CheckpointKey::Hmac { key_id, secret } => CheckpointVerifier::Hmac {
                key_id: key_id.clone(),
                secret: secret.clone(),
            },
            CheckpointKey::Ed25519 { key_id, key } => CheckpointVerifier::Ed25519 {
                key_id: key_id.clone(),
                key: key.verifying_key(),
            },
        }
    }

    /// Signs a checkpoint for `(seq, chain_hash, entries)`.
    pub fn sign(
        &self,
        seq: u64,
        chain_hash: &str,
        entries: u64,
        created_at: Timestamp,
    ) -> Checkpoint {
        let algorithm = match self {
            CheckpointKey::Hmac { .. } => CheckpointAlgorithm::HmacSha256,
            CheckpointKey::Ed25519 { .. } => CheckpointAlgorithm::Ed25519,
        };
        let mut cp = Checkpoint {
            seq,
            chain_hash: chain_hash.to_owned(),
            entries,
            created_at,
            key_id: self.key_id().to_owned(),
            algorithm,
            signature: String::new(),
        };
        let message = cp.signed_message();
        cp.signature = match self {
            CheckpointKey::Hmac { secret, .. } => hex::encode(hmac_tag(secret, &message)),
            CheckpointKey::Ed25519 { key, .. } => hex::encode(key.sign(&message).to_bytes()),
        };
        cp
    }
}

fn hmac_tag(secret: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    match <Hmac<Sha256> as KeyInit>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// A key that checks checkpoints.
#[derive(Clone)]
pub enum CheckpointVerifier {
    Hmac { key_id: String, secret: Vec<u8> },
    Ed25519 { key_id: String, key: VerifyingKey },
}

impl fmt::Debug for CheckpointVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckpointVerifier")
            .field("key_id", &self.key_id())
            .finish_non_exhaustive()
    }
}

impl CheckpointVerifier {
    /// An Ed25519 public key from its 32 bytes. `key_id` defaults as in [`CheckpointKey::ed25519`].
    pub fn ed25519_public(
        bytes: &[u8],
        key_id: Option<String>,
    ) -> Result<CheckpointVerifier, AuditError> {
        let array: [u8; 32] = bytes.try_into().map_err(|_| AuditError::Key {
            reason: format!("an Ed25519 public key has 32 bytes, got {}", bytes.len()),
        })?;
        let key = VerifyingKey::from_bytes(&array).map_err(|e| AuditError::Key {
            reason: e.to_string(),
        })?;
        let key_id =
            key_id.unwrap_or_else(|| format!("ed25519-{}", key_fingerprint(key.as_bytes())));
        Ok(CheckpointVerifier::Ed25519 { key_id, key })
    }

    /// An HMAC key (same bytes and id rules as [`CheckpointKey::hmac`]).
    pub fn hmac(
        secret: impl Into<Vec<u8>>,
        key_id: Option<String>,
    ) -> Result<CheckpointVerifier, AuditError> {
        Ok(CheckpointKey::hmac(secret, key_id)?.verifier())
    }

    pub fn key_id(&self) -> &str {
        match self {
            CheckpointVerifier::Hmac { key_id, .. }
            | CheckpointVerifier::Ed25519 { key_id, .. } => key_id,
        }
    }

    /// Checks the signature; the error says why it is not trusted.
    pub fn verify(&self, cp: &Checkpoint) -> Result<(), String> {
        if cp.key_id != self.key_id() {
            return Err(format!(
                "signed by key `{}`, not by `{}`",
                cp.key_id,
                self.key_id()
            ));
        }
        let signature =
            hex::decode(&cp.signature).map_err(|_| "signature is not hex".to_owned())?;
        let message = cp.signed_message();
        match (self, cp.algorithm) {
            (CheckpointVerifier::Hmac { secret, .. }, CheckpointAlgorithm::HmacSha256) => {
                let mut mac =
                    <Hmac<Sha256> as KeyInit>::new_from_slice(secret).map_err(|e| e.to_string())?;
                mac.update(&message);
                mac.verify_slice(&signature)
                    .map_err(|_| "bad HMAC signature (forged or altered)".to_owned())
            }
            (CheckpointVerifier::Ed25519 { key, .. }, CheckpointAlgorithm::Ed25519) => {
                let signature = Signature::from_slice(&signature)
                    .map_err(|_| "malformed Ed25519 signature".to_owned())?;
                key.verify_strict(&message, &signature)
                    .map_err(|_| "bad Ed25519 signature (forged or altered)".to_owned())
            }
            (_, algorithm) => Err(format!(
                "algorithm {algorithm:?} does not match the verifying key"
            )),
        }
    }
}

/// `<log>.checkpoints`.
pub fn checkpoint_path(log: &Path) -> PathBuf {
    let mut name = log.as_os_str().to_owned();
    name.push(".checkpoints");
    PathBuf::from(name)
}

/// Reads every checkpoint in a sidecar file.
pub fn read_checkpoints(path: &Path) -> Result<Vec<Checkpoint>, AuditError> {
    let file = std::fs::File::open(path).map_err(AuditError::io("open", path))?;
    let mut out = Vec::new();
    for (index, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(AuditError::io("read", path))?;
        if line.trim().is_empty() {
            continue;
        }
        let cp = serde_json::from_str(&line).map_err(|e| AuditError::CheckpointFile {
            path: path.to_path_buf(),
            line: index as u64 + 1,
            reason: e.to_string(),
        })?;
        out.push(cp);
    }
    Ok(out)
}

/// Verifies the log at `log` and, if intact, signs a checkpoint of its last entry and appends it
/// to `<log>.checkpoints` (synced). Refuses to sign a broken or empty log.
pub fn write_checkpoint(log: &Path, key: &CheckpointKey) -> Result<Checkpoint, AuditError> {
    let mut options = VerifyOptions {
        ignore_unterminated_tail: true,
        ..VerifyOptions::default()
    };
    let report = verify(log, &mut options)?;
    if let Some(entry) = report.first_break() {
        return Err(AuditError::BrokenChain {
            path: log.to_path_buf(),
            entry,
        });
    }
    let (Some(seq), Some(hash)) = (report.last_seq, report.last_hash.as_deref()) else {
        return Err(AuditError::EmptyLog {
            path: log.to_path_buf(),
        });
    };
    let cp = key.sign(seq, hash, report.entries, Timestamp::now());
    let path = checkpoint_path(log);
    let mut line = serde_json::to_vec(&cp).map_err(|e| AuditError::Key {
        reason: e.to_string(),
    })?;
    line.push(b'\n');

    // Serialise with writers and other checkpointers on the log's lock file.
    let lock = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(lock_path(log))
        .map_err(AuditError::io("open", lock_path(log)))?;
    super::files::lock_bounded(&lock, true)
        .map_err(AuditError::io("lock", lock_path(log)))?;
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = options
        .open(&path)
        .and_then(|mut f| f.write_all(&line).and_then(|()| f.sync_data()))
        .map_err(AuditError::io("write", &path));
    let _ = lock.unlock();
    result.map(|()| cp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_and_ed25519_round_trip_and_reject_tampering() {
        let hmac = CheckpointKey::hmac(b"0123456789abcdef0123".to_vec(), None).unwrap();
        let ed = CheckpointKey::ed25519(SigningKey::from_bytes(&[7u8; 32]), None);
        for key in [hmac, ed] {
            let cp = key.sign(5, "ab", 5, Timestamp::UNIX_EPOCH);
            assert_eq!(key.verifier().verify(&cp), Ok(()));
            let mut altered = cp.clone();
            altered.seq = 4;
            assert!(key.verifier().verify(&altered).is_err());
            let mut forged = cp.clone();
            forged.signature = "00".repeat(forged.signature.len() / 2);
            assert!(key.verifier().verify(&forged).is_err());
        }
        assert!(CheckpointKey::hmac(b"short".to_vec(), None).is_err());
    }

    #[test]
    fn another_keys_checkpoint_is_rejected() {
        let a = CheckpointKey::hmac(b"aaaaaaaaaaaaaaaaaaaa".to_vec(), None).unwrap();
        let b = CheckpointKey::hmac(
            b"bbbbbbbbbbbbbbbbbbbb".to_vec(),
            Some(a.key_id().to_owned()),
        )
        .unwrap();
        let cp = b.sign(1, "x", 1, Timestamp::UNIX_EPOCH);
        assert!(a.verifier().verify(&cp).is_err());
    }
}
