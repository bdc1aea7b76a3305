//! A forked child never hands out the nonces its parent pooled before the fork (the pool is
//! per thread and refilled after a fork, detected by a `pthread_atfork` hook). Its own test
//! binary: it forks.

#![cfg(unix)]

use contrast_auth::signing::{Message, Signer};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions};

fn nonce_of(signer: &Signer, store: &CredentialStore) -> String {
    let message = Message {
        method: "POST",
        url: "https://h.example/Contrast/api/r",
        content_type: "application/json",
        body: b"{}",
    };
    let headers = signer
        .sign_from_store(&message, store, 1_767_225_600)
        .unwrap();
    let input = headers.signature_input;
    let start = input.find(";nonce=\"").unwrap() + 8;
    input[start..start + 22].to_string()
}

#[test]
fn a_forked_child_does_not_repeat_the_parents_pooled_nonces() {
    let creds = Credentials::new("https://h.example/Contrast", "agent", "service", "api").unwrap();
    let store = CredentialStore::new(creds, HeaderOptions::default());
    let signer = Signer::default();
    // Fill this thread's pool (64 nonces) and take the first.
    let before_fork = nonce_of(&signer, &store);
    let mut fds = [0i32; 2];
    // SAFETY: `fds` is a valid array of two file descriptors for pipe(2) to fill.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: the child only signs (glibc keeps malloc usable after fork), writes to the
    // pipe and leaves with _exit, running no destructors of the parent's state.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let nonce = nonce_of(&signer, &store);
        // SAFETY: writes the nonce's bytes from a live buffer to the pipe's write end, then
        // ends the child without unwinding into the test harness.
        unsafe {
            libc::write(fds[1], nonce.as_ptr().cast(), nonce.len());
            libc::_exit(0);
        }
    }
    let in_parent = nonce_of(&signer, &store);
    // SAFETY: closes the parent's copy of the write end, reads at most 22 bytes into a live
    // buffer, and waits for the child it forked.
    let (child_nonce, status) = unsafe {
        libc::close(fds[1]);
        let mut buf = [0u8; 22];
        let n = libc::read(fds[0], buf.as_mut_ptr().cast(), buf.len());
        libc::close(fds[0]);
        let mut status = 0;
        libc::waitpid(pid, &mut status, 0);
        (
            String::from_utf8_lossy(&buf[..n.max(0) as usize]).into_owned(),
            status,
        )
    };
    assert_eq!(status, 0, "the child failed");
    assert_eq!(child_nonce.len(), 22, "the child sent no nonce");
    // Without the fork hook both would take the pool's second nonce.
    assert_ne!(child_nonce, in_parent);
    assert_ne!(child_nonce, before_fork);
    assert_ne!(in_parent, before_fork);
}
