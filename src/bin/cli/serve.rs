//! `contrast-auth test-server`: the crate's loopback HTTPS test server, for other languages'
//! tests. Prints one JSON line `{"url":...,"ca_file":...}` and serves until stdin is closed.
//! As a fleet node it shares its replay store (`--replay-store redis-cluster://...`) and
//! re-reads `--accept-file` on `SIGHUP`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use contrast_auth::signing::{RedisReplayStore, RedisStoreOptions, ReplayStore, ReplayStoreUrl};
use contrast_auth::test_server::proxy::ConnectProxy;
use contrast_auth::test_server::{
    AcceptedCredentials, Fault, TestServer, TestServerOptions, parse_accepted, read_accept_file,
};

use super::Exit;

/// Arguments of `test-server`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Credentials to accept, `USER:SERVICE_KEY:API_KEY` (repeat for several, e.g. during a
    /// rotation).
    #[arg(
        long,
        value_name = "USER:SERVICE_KEY:API_KEY",
        required_unless_present = "accept_file"
    )]
    accept: Vec<String>,
    /// Credentials to accept, one `USER:SERVICE_KEY:API_KEY` per line (`#` comments and blank
    /// lines skipped); re-read on `SIGHUP`, the changed entries swapped in without blocking
    /// requests. Combinable with `--accept`.
    #[arg(long, value_name = "PATH")]
    accept_file: Option<PathBuf>,
    /// Where accepted nonces are recorded: `memory`, `redis://HOST:PORT[/DB]`, `rediss://...`,
    /// or `redis-cluster://HOST:PORT,HOST:PORT,...` (`rediss-cluster://` with TLS). Shared by
    /// every node of a fleet; when it cannot answer, signed reports get 503 with `Retry-After`.
    #[arg(long, value_name = "URL", default_value = "memory")]
    replay_store: String,
    /// The memory replay store's bound: when it holds this many live nonces, signed reports
    /// get 503 (never an eviction of a live nonce).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 100_000,
        value_parser = clap::value_parser!(u64).range(1..=(u32::MAX as u64))
    )]
    replay_capacity: u64,
    /// Where to write the CA certificate (PEM) that clients must trust.
    #[arg(long, value_name = "PATH")]
    ca_out: PathBuf,
    /// Refuse reports without a valid signature.
    #[arg(long)]
    require_signature: bool,
    /// Require a client certificate issued by the server's CA (mutual TLS); the certificate
    /// and key are written next to the CA file as `client.pem` and `client.key`.
    #[arg(long)]
    require_client_cert: bool,
    /// Also start a loopback HTTP CONNECT proxy that requires these Basic credentials; its
    /// port is printed as `proxy_port`.
    #[arg(long, value_name = "USER:PASS")]
    proxy: Option<String>,
    /// Answer the first requests with these statuses, in order, one per request (e.g.
    /// `--fault 503` makes the first report be retried); repeat for several.
    #[arg(long, value_name = "STATUS", value_parser = clap::value_parser!(u16).range(100..600))]
    fault: Vec<u16>,
    /// Run the server's clock (its `Date` header and signature checks) this many seconds
    /// ahead of the real one (negative: behind).
    #[arg(
        long,
        value_name = "SECONDS",
        allow_hyphen_values = true,
        default_value_t = 0
    )]
    clock_offset: i64,
    /// Close a keep-alive connection idle this long between requests (with `close_notify`,
    /// as nginx does at its `keepalive_timeout`).
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout_ms: Option<u64>,
    /// When stopping, write what the server saw to this file as JSON:
    /// `{"server": <counters>, "by_process": <connections per client process>}` (reports name
    /// their process with a `process=<id>` query parameter).
    #[arg(long, value_name = "PATH")]
    stats_out: Option<PathBuf>,
}

/// Runs `test-server`.
pub fn run(args: ServeArgs) -> Exit {
    let accepted = match read_accepted(&args.accept, args.accept_file.as_deref()) {
        Ok(accepted) => accepted,
        Err(message) => {
            eprintln!("contrast-auth: {message}");
            return Exit::Usage;
        }
    };
    let replay_store = match replay_store(&args.replay_store) {
        Ok(store) => store,
        Err(message) => {
            eprintln!("contrast-auth: invalid --replay-store: {message}");
            return Exit::Usage;
        }
    };
    let options = TestServerOptions {
        require_client_certificate: args.require_client_cert,
        require_signature: args.require_signature,
        replay_store,
        replay_capacity: args.replay_capacity as usize,
        idle_timeout: args.idle_timeout_ms.map(std::time::Duration::from_millis),
        ..TestServerOptions::default()
    };
    let server = match TestServer::start(accepted, options) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("contrast-auth: cannot start the test server: {e}");
            return Exit::Usage;
        }
    };
    for status in &args.fault {
        server.inject(Fault::Status {
            status: *status,
            retry_after: None,
        });
    }
    server.set_clock_offset(args.clock_offset);
    if let Err(e) = server.write_ca_file(&args.ca_out) {
        eprintln!(
            "contrast-auth: cannot write {}: {}",
            args.ca_out.display(),
            e.kind()
        );
        return Exit::Usage;
    }
    // The CA in DER too, next to the PEM file (hosts hand trust anchors over as DER).
    let ca_der = args.ca_out.with_extension("der");
    if let Err(e) = std::fs::write(&ca_der, server.ca_der()) {
        eprintln!(
            "contrast-auth: cannot write {}: {}",
            ca_der.display(),
            e.kind()
        );
        return Exit::Usage;
    }
    let mut line = serde_json::json!({
        "url": server.url(),
        "ca_file": args.ca_out.display().to_string(),
        "ca_der_file": ca_der.display().to_string(),
    });
    // Kept alive until the server stops.
    let _proxy = match &args.proxy {
        None => None,
        Some(spec) => {
            let Some((user, pass)) = spec.split_once(':') else {
                eprintln!("contrast-auth: invalid --proxy: expected USER:PASS");
                return Exit::Usage;
            };
            match ConnectProxy::start_requiring(user, pass) {
                Ok(proxy) => {
                    line["proxy_port"] = proxy.port().into();
                    Some(proxy)
                }
                Err(e) => {
                    eprintln!("contrast-auth: cannot start the proxy: {e}");
                    return Exit::Usage;
                }
            }
        }
    };
    if args.require_client_cert {
        let directory = args.ca_out.parent().map(PathBuf::from).unwrap_or_default();
        let (cert, key) = (directory.join("client.pem"), directory.join("client.key"));
        let written = server
            .issue_client_identity("test-client")
            .and_then(|identity| {
                std::fs::write(&cert, &identity.certificate_pem)?;
                std::fs::write(&key, &identity.private_key_pem)
            });
        if let Err(e) = written {
            eprintln!("contrast-auth: cannot write the client identity: {e}");
            return Exit::Usage;
        }
        line["client_cert"] = cert.display().to_string().into();
        line["client_key"] = key.display().to_string().into();
    }
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{line}")
        .and_then(|_| stdout.flush())
        .is_err()
    {
        return Exit::Usage;
    }
    drop(stdout);
    // Serve until stdin reaches end of file (the parent closed it or exited); on SIGHUP,
    // re-read the accept file.
    let (eof_tx, eof_rx) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        let mut sink = [0u8; 1024];
        let mut stdin = std::io::stdin().lock();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        let _ = eof_tx.send(());
    });
    let hangups = hangup::install();
    while let Err(mpsc::RecvTimeoutError::Timeout) = eof_rx.recv_timeout(Duration::from_millis(20))
    {
        if hangups.take() {
            match read_accepted(&args.accept, args.accept_file.as_deref()) {
                Ok(accepted) => {
                    if let Err(e) = server.set_accepted(&accepted) {
                        eprintln!("contrast-auth test-server: reload refused: {e}");
                    }
                }
                Err(message) => {
                    eprintln!(
                        "contrast-auth test-server: reload refused, keeping the accepted set: {message}"
                    )
                }
            }
        }
    }
    let stats = server.stats();
    if let Some(path) = &args.stats_out {
        let summary = serde_json::json!({
            "server": stats,
            "by_process": server.process_connections(),
        });
        if let Err(e) = std::fs::write(path, format!("{summary}\n")) {
            eprintln!(
                "contrast-auth: cannot write {}: {}",
                path.display(),
                e.kind()
            );
            return Exit::Usage;
        }
    }
    eprintln!(
        "contrast-auth test-server: {} request(s), {} accepted, {} rejected, {} replayed, {} store_errors, \
         {} TLS handshake(s), {} TLS error(s)",
        stats.requests,
        stats.accepted,
        stats.rejected,
        stats.replayed,
        stats.store_errors,
        stats.tls_handshakes,
        stats.tls_errors
    );
    Exit::Ok
}

/// The credentials of `--accept` and `--accept-file`.
fn read_accepted(
    specs: &[String],
    file: Option<&Path>,
) -> Result<Vec<AcceptedCredentials>, String> {
    let mut accepted = Vec::with_capacity(specs.len());
    for spec in specs {
        accepted
            .push(parse_accepted(spec).map_err(|reason| format!("invalid --accept: {reason}"))?);
    }
    if let Some(path) = file {
        let from_file =
            read_accept_file(path).map_err(|reason| format!("invalid --accept-file: {reason}"))?;
        accepted.extend(from_file);
    }
    Ok(accepted)
}

/// The replay store `--replay-store` names, connected and answering (`None`: in memory).
fn replay_store(value: &str) -> Result<Option<Arc<dyn ReplayStore>>, String> {
    let url = ReplayStoreUrl::parse(value)?;
    if url == ReplayStoreUrl::Memory {
        return Ok(None);
    }
    let store = RedisReplayStore::connect(&url, RedisStoreOptions::default())
        .map_err(|e| format!("cannot use the store: {e}"))?;
    Ok(Some(Arc::new(store)))
}

/// `SIGHUP` as a flag (a signal handler may only store an atomic).
mod hangup {
    use std::sync::atomic::{AtomicBool, Ordering};

    static RECEIVED: AtomicBool = AtomicBool::new(false);

    /// Whether `SIGHUP` arrived since the last call.
    pub struct Hangups;

    impl Hangups {
        pub fn take(&self) -> bool {
            RECEIVED.swap(false, Ordering::SeqCst)
        }
    }

    #[cfg(unix)]
    extern "C" fn on_hangup(_: libc::c_int) {
        RECEIVED.store(true, Ordering::SeqCst);
    }

    /// Installs the handler (on Unix; elsewhere there is no `SIGHUP`).
    pub fn install() -> Hangups {
        #[cfg(unix)]
        {
            // SAFETY: the handler only stores an atomic (async-signal-safe); the sigaction
            // structure is zero-initialized, then its handler and an empty mask set.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_hangup as extern "C" fn(libc::c_int) as usize;
                action.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(libc::SIGHUP, &action, std::ptr::null_mut());
            }
        }
        Hangups
    }
}
