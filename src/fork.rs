//! Fork detection for per-process state: pooled nonces, pooled connections, TLS sessions.
//!
//! A pre-fork server (gunicorn `--preload`, uWSGI, PHP-FPM, Apache prefork, Python
//! `multiprocessing` with the fork start method) initialises the library in a master process
//! and then forks workers. Everything copied by the fork that must stay with one process
//! (random bytes drawn for later, sockets, TLS keys and sequence numbers) is stamped with the
//! [`epoch`] of the process image that made it, and rebuilt when a later use sees another
//! epoch.
//!
//! On Unix a `pthread_atfork` child handler counts forks, so the check is one atomic load (no
//! `getpid` system call per use). Windows has no `fork`: a process never inherits another's
//! memory there, so the epoch never changes (the process id is used, which is constant).

/// The process image: the same in a process for its whole life, different in every process
/// forked from it (and in theirs). Cheap: one atomic load after the first call.
#[cfg(unix)]
pub fn epoch() -> u64 {
    use std::sync::Once;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    static FORKS: AtomicU64 = AtomicU64::new(0);
    static HOOKED: AtomicBool = AtomicBool::new(false);
    static HOOK: Once = Once::new();

    extern "C" fn count_fork_in_child() {
        FORKS.fetch_add(1, Ordering::Relaxed);
    }

    HOOK.call_once(|| {
        // SAFETY: registers a handler that only increments an atomic (async-signal-safe, as
        // a fork child handler must be); the function lives for the whole process.
        let rc = unsafe { libc::pthread_atfork(None, None, Some(count_fork_in_child)) };
        HOOKED.store(rc == 0, Ordering::Release);
    });
    if HOOKED.load(Ordering::Acquire) {
        FORKS.load(Ordering::Relaxed)
    } else {
        // The hook could not be registered (out of memory): compare process ids instead
        // (a system call per check, correct all the same). The high bit keeps these apart
        // from fork counts.
        (1 << 63) | u64::from(std::process::id())
    }
}

/// Windows (and any other target without `fork`): a process never inherits another's
/// memory, so the epoch is constant.
#[cfg(not(unix))]
pub fn epoch() -> u64 {
    u64::from(std::process::id())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_epoch_is_stable_within_a_process() {
        let first = super::epoch();
        let from_thread = std::thread::spawn(super::epoch).join().unwrap();
        assert_eq!(first, from_thread);
        assert_eq!(first, super::epoch());
    }
}
