//! `contrast-auth test-server`: the crate's loopback HTTPS test server, for other languages'
//! tests. Prints one JSON line `{"url":...,"ca_file":...}` and serves until stdin is closed.

use std::io::{Read, Write};
use std::path::PathBuf;

use contrast_auth::test_server::proxy::ConnectProxy;
use contrast_auth::test_server::{Fault, TestServer, TestServerOptions, parse_accepted};

use super::Exit;

/// Arguments of `test-server`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Credentials to accept, `USER:SERVICE_KEY:API_KEY` (repeat for several, e.g. during a
    /// rotation).
    #[arg(long, value_name = "USER:SERVICE_KEY:API_KEY", required = true)]
    accept: Vec<String>,
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
    let mut accepted = Vec::with_capacity(args.accept.len());
    for spec in &args.accept {
        match parse_accepted(spec) {
            Ok(a) => accepted.push(a),
            Err(reason) => {
                eprintln!("contrast-auth: invalid --accept: {reason}");
                return Exit::Usage;
            }
        }
    }
    let options = TestServerOptions {
        require_client_certificate: args.require_client_cert,
        require_signature: args.require_signature,
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
    // Serve until stdin reaches end of file (the parent closed it or exited).
    let mut sink = [0u8; 1024];
    let mut stdin = std::io::stdin().lock();
    while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
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
        "contrast-auth test-server: {} request(s), {} accepted, {} rejected, {} TLS handshake(s), \
         {} TLS error(s)",
        stats.requests, stats.accepted, stats.rejected, stats.tls_handshakes, stats.tls_errors
    );
    Exit::Ok
}
