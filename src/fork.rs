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
//!
//! A lock copied by a fork while another thread held it stays held in the child forever (that
//! thread does not exist there). [`WriterLock`] is the lock for the library's rare writers
//! (credential rotation and reload): a child takes it over from a holder that was in the
//! parent.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

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

/// A mutual-exclusion lock for rare writers that a fork cannot leave held: when a thread of
/// the parent process held it as the process forked, the child (which has no such thread)
/// takes it over instead of waiting forever. Waiters spin briefly, then sleep in short steps:
/// meant for writers that are rare and short (a rotation, a reload), not for hot paths.
#[derive(Debug, Default)]
pub struct WriterLock {
    /// 0 when free; else the [`epoch`] (plus one) of the process whose thread holds it.
    holder: AtomicU64,
}

/// Holds a [`WriterLock`] until dropped (also when unwinding).
#[derive(Debug)]
pub struct WriterGuard<'a> {
    lock: &'a WriterLock,
}

impl WriterLock {
    /// A free lock.
    pub const fn new() -> Self {
        WriterLock {
            holder: AtomicU64::new(0),
        }
    }

    /// Takes the lock, waiting for a holder of this process; a holder in the process this one
    /// was forked from is gone here, and the lock is taken over.
    pub fn lock(&self) -> WriterGuard<'_> {
        // Every thread of a process sees the same epoch, and a fork changes it in the child
        // only (whose one thread is the forking one): a holder value of another epoch was
        // written in an ancestor process.
        let mine = epoch().wrapping_add(1).max(1);
        let mut waited = 0u32;
        loop {
            match self
                .holder
                .compare_exchange_weak(0, mine, Ordering::Acquire, Ordering::Relaxed)
            {
                Ok(_) => return WriterGuard { lock: self },
                Err(0) => continue,
                Err(held) if held != mine => {
                    if self
                        .holder
                        .compare_exchange(held, mine, Ordering::Acquire, Ordering::Relaxed)
                        .is_ok()
                    {
                        return WriterGuard { lock: self };
                    }
                }
                Err(_) => {
                    waited = waited.saturating_add(1);
                    if waited < 64 {
                        std::hint::spin_loop();
                    } else if waited < 128 {
                        std::thread::yield_now();
                    } else {
                        std::thread::sleep(Duration::from_micros(100));
                    }
                }
            }
        }
    }
}

impl Drop for WriterGuard<'_> {
    fn drop(&mut self) {
        self.lock.holder.store(0, Ordering::Release);
    }
}

/// Test support: forks while another thread of this process holds `lock`, runs `in_child` in
/// the child (ended by SIGALRM after 10 s if it blocks) and returns `Ok` when it returned true,
/// else the child's wait status. The holding thread lets go after the child has ended.
#[cfg(all(test, unix))]
pub(crate) fn fork_while_held(
    lock: &WriterLock,
    in_child: impl FnOnce() -> bool,
) -> Result<(), i32> {
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let _held = lock.lock();
            held_tx.send(()).unwrap();
            release_rx.recv().unwrap();
        });
        held_rx.recv().unwrap();
        // SAFETY: the child runs `in_child` only (atomics and allocation, which glibc keeps
        // usable after fork) and leaves with _exit, running no destructor of the parent's state.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            // SAFETY: alarm(2) only schedules SIGALRM, whose default action ends the child: a
            // child that waits for the parent's thread fails the test instead of hanging.
            unsafe { libc::alarm(10) };
            let ok = in_child();
            // SAFETY: leaves the child at once, without running the parent's destructors.
            unsafe { libc::_exit(if ok { 0 } else { 3 }) };
        }
        let mut status = 0;
        // SAFETY: waits for the child forked above; `status` is a valid out-pointer.
        assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
        release_tx.send(()).unwrap();
        if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
            Ok(())
        } else {
            Err(status)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::WriterLock;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// Increments made as separate loads and stores (a lost update without exclusion) under
    /// the lock from several threads: none is lost.
    #[test]
    fn the_writer_lock_excludes_other_threads() {
        let rounds = if cfg!(miri) { 50 } else { 5_000 };
        let lock = Arc::new(WriterLock::new());
        let count = Arc::new(AtomicU64::new(0));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (lock, count) = (lock.clone(), count.clone());
                std::thread::spawn(move || {
                    for _ in 0..rounds {
                        let _held = lock.lock();
                        let seen = count.load(Ordering::Relaxed);
                        std::thread::yield_now();
                        count.store(seen + 1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(count.load(Ordering::Relaxed), 4 * rounds);
    }

    #[test]
    fn the_epoch_is_stable_within_a_process() {
        let first = super::epoch();
        let from_thread = std::thread::spawn(super::epoch).join().unwrap();
        assert_eq!(first, from_thread);
        assert_eq!(first, super::epoch());
    }
}
