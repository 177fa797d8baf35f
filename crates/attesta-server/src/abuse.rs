//! Abuse limits of the sign-in path: where a browser may be sent after signing in, how fast a
//! name or a client may guess passwords, and how many password hashes run at once.
//!
//! Password guessing is throttled per name and per client address with exponential back-off:
//! a few failures are free, then every further failure doubles the lock (1 s, 2 s, 4 s … at most
//! 15 minutes). While locked, a sign-in is refused with `429` and `Retry-After` **before** any hash
//! is computed, so a flood costs the server nothing. Independently, at most a handful of argon2
//! hashes (19 MiB each) run at once; the rest wait briefly and are then turned away with `503`,
//! which bounds memory whatever the number of concurrent sign-ins.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, SemaphorePermit};

/// Failures a name may have before back-off starts.
pub const NAME_FREE_FAILURES: u32 = 5;
/// Failures one client address may have (over any names) before back-off starts.
pub const CLIENT_FREE_FAILURES: u32 = 20;
/// Longest lock.
pub const MAX_LOCK: Duration = Duration::from_secs(15 * 60);
/// A record with no failure for this long is forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(3600);
/// Records kept before old ones are pruned (bounds the memory a name-spraying client can use).
const MAX_RECORDS: usize = 100_000;
/// How long a sign-in waits for a free hashing slot before it is turned away.
const HASH_WAIT: Duration = Duration::from_secs(5);

/// Where the browser goes after signing in: a same-origin path, judged the way a browser will
/// read it. Browsers drop tabs and newlines anywhere in a URL, trim leading and trailing spaces
/// and control characters, and treat `\` as `/`, so `/\t/evil.example` and `/\evil.example` are
/// both `//evil.example`, another site. Anything that is not plainly a local path becomes `/`.
pub fn safe_next(raw: &str) -> String {
    let trimmed = raw.trim_matches(|c: char| c <= ' ');
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    let local = cleaned.starts_with('/')
        && !cleaned.starts_with("//")
        // Only printable ASCII: it goes into a Location header and a form field as is.
        && cleaned.bytes().all(|b| b.is_ascii_graphic());
    if local { cleaned } else { "/".to_owned() }
}

/// The key a client is counted under: its address (IPv6 by /64, which one host usually owns).
pub fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[derive(Debug, Clone, Copy)]
struct Strikes {
    failures: u32,
    locked_until: Instant,
    last: Instant,
}

/// Why a sign-in was refused before checking the password.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Too many failures for this name or client: wait this long.
    Locked(Duration),
    /// Every hashing slot stayed busy.
    Busy,
}

/// Per-name and per-client failure counts plus the global hashing bound.
pub struct LoginGuard {
    strikes: Mutex<HashMap<String, Strikes>>,
    hashes: Semaphore,
}

impl LoginGuard {
    /// `concurrent_hashes`: how many password hashes may run at once (at least 1).
    pub fn new(concurrent_hashes: usize) -> LoginGuard {
        LoginGuard {
            strikes: Mutex::new(HashMap::new()),
            hashes: Semaphore::new(concurrent_hashes.max(1)),
        }
    }

    /// A sensible default: one slot per core, at most 4 (4 × 19 MiB of argon2 memory).
    pub fn default_slots() -> usize {
        crate::hashing::threads()
    }

    fn keys(name: &str, client: &str) -> [String; 2] {
        [
            format!("name:{}", name.to_lowercase()),
            format!("client:{client}"),
        ]
    }

    /// Refuses while the name or the client is locked; otherwise `Ok`.
    pub fn check(&self, name: &str, client: &str) -> Result<(), Refusal> {
        let now = Instant::now();
        let map = self.strikes.lock().unwrap_or_else(|p| p.into_inner());
        let wait = Self::keys(name, client)
            .iter()
            .filter_map(|k| map.get(k))
            .map(|s| s.locked_until.saturating_duration_since(now))
            .max()
            .unwrap_or_default();
        if wait > Duration::ZERO {
            Err(Refusal::Locked(wait))
        } else {
            Ok(())
        }
    }

    /// Waits for a hashing slot (bounded); the permit is held while the hash runs.
    pub async fn hash_slot(&self) -> Result<SemaphorePermit<'_>, Refusal> {
        match tokio::time::timeout(HASH_WAIT, self.hashes.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(Refusal::Busy),
        }
    }

    /// Records a wrong password; returns the lock now in force (zero while still free).
    pub fn failed(&self, name: &str, client: &str) -> Duration {
        let now = Instant::now();
        let mut map = self.strikes.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_RECORDS {
            map.retain(|_, s| s.locked_until > now || now.duration_since(s.last) < FORGET_AFTER);
            if map.len() >= MAX_RECORDS {
                // Still full of live records: drop the unlocked ones (locks are what matter).
                map.retain(|_, s| s.locked_until > now);
            }
        }
        let mut longest = Duration::ZERO;
        for (key, free) in Self::keys(name, client)
            .into_iter()
            .zip([NAME_FREE_FAILURES, CLIENT_FREE_FAILURES])
        {
            let s = map.entry(key).or_insert(Strikes {
                failures: 0,
                locked_until: now,
                last: now,
            });
            if now.duration_since(s.last) >= FORGET_AFTER && s.locked_until <= now {
                s.failures = 0;
            }
            s.failures += 1;
            s.last = now;
            if s.failures > free {
                let lock = backoff(s.failures - free);
                s.locked_until = now + lock;
                longest = longest.max(lock);
            }
        }
        longest
    }

    /// A correct password clears the name's record and the client's.
    pub fn succeeded(&self, name: &str, client: &str) {
        let mut map = self.strikes.lock().unwrap_or_else(|p| p.into_inner());
        for key in Self::keys(name, client) {
            map.remove(&key);
        }
    }
}

/// Lock after the `n`-th failure past the free ones: 1 s, 2 s, 4 s … at most [`MAX_LOCK`].
pub fn backoff(n: u32) -> Duration {
    let secs = 1u64.checked_shl(n.saturating_sub(1).min(20)).unwrap_or(u64::MAX);
    Duration::from_secs(secs).min(MAX_LOCK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_paths_that_browsers_read_as_another_site_are_refused() {
        for evil in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\\\\evil.example",
            "/\\evil.example",
            "\\/evil.example",
            " //evil.example",
            "\u{0}//evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/caf\u{e9}",
            "/a b",
        ] {
            assert_eq!(safe_next(evil), "/", "{evil:?}");
        }
        assert_eq!(safe_next("/requests/0193?x=1#y"), "/requests/0193?x=1#y");
        assert_eq!(safe_next("/history"), "/history");
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert_eq!(backoff(5), Duration::from_secs(16));
        assert_eq!(backoff(60), MAX_LOCK);
    }

    #[test]
    fn a_name_is_locked_after_its_free_failures_and_a_success_clears_it() {
        let g = LoginGuard::new(1);
        for _ in 0..NAME_FREE_FAILURES {
            assert_eq!(g.check("Alice", "10.0.0.1"), Ok(()));
            assert_eq!(g.failed("Alice", "10.0.0.1"), Duration::ZERO);
        }
        assert!(g.failed("alice", "10.0.0.2") >= Duration::from_secs(1));
        // The name is locked from every client, whatever its case.
        assert!(matches!(g.check("ALICE", "10.0.0.3"), Err(Refusal::Locked(_))));
        assert_eq!(g.check("bob", "10.0.0.3"), Ok(()));
        g.succeeded("alice", "10.0.0.3");
        assert_eq!(g.check("alice", "10.0.0.3"), Ok(()));
    }

    #[test]
    fn a_client_spraying_names_is_locked() {
        let g = LoginGuard::new(1);
        for i in 0..CLIENT_FREE_FAILURES {
            g.failed(&format!("user{i}"), "10.0.0.9");
        }
        g.failed("one-more", "10.0.0.9");
        assert!(matches!(g.check("fresh-name", "10.0.0.9"), Err(Refusal::Locked(_))));
        assert_eq!(g.check("fresh-name", "10.0.0.10"), Ok(()));
    }

    #[test]
    fn ipv6_clients_are_counted_per_64() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        let mapped: IpAddr = "::ffff:10.1.2.3".parse().unwrap();
        assert_eq!(client_key(mapped), "10.1.2.3");
    }
}
