//! Password hashing on a few dedicated threads.
//!
//! argon2 allocates 19 MiB per hash. Run on the shared blocking pool, every thread that ever
//! hashed keeps that memory in its own allocator arena, so a sign-in flood leaves the server
//! hundreds of megabytes larger. A fixed set of hashing threads bounds both the hashes running
//! at once and the memory they can keep.

use std::sync::OnceLock;
use std::sync::mpsc;

type Job = Box<dyn FnOnce() + Send>;

/// Hashing threads (at most 4: 4 × 19 MiB).
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().min(4))
}

fn pool() -> Option<&'static mpsc::SyncSender<Job>> {
    static POOL: OnceLock<Option<mpsc::SyncSender<Job>>> = OnceLock::new();
    POOL.get_or_init(|| {
        // Jobs queue here; callers are already bounded by the sign-in guard's semaphore.
        let (tx, rx) = mpsc::sync_channel::<Job>(256);
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        for i in 0..threads() {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("attesta-hash-{i}"))
                .spawn(move || {
                    loop {
                        let job = match rx.lock() {
                            Ok(guard) => guard.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if spawned.is_err() {
                return None;
            }
        }
        Some(tx)
    })
    .as_ref()
}

/// Runs `f` on a hashing thread; `None` if the pool is unavailable (then nothing ran).
pub async fn run<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(f());
    });
    let sender = pool()?.clone();
    // The queue is bounded; waiting for room happens off the async workers.
    tokio::task::spawn_blocking(move || sender.send(job)).await.ok()?.ok()?;
    rx.await.ok()
}
