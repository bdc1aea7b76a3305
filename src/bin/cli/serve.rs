//! `contrast-auth test-server`: the crate's loopback HTTPS test server, for other languages'
//! tests. Prints one JSON line `{"url":...,"ca_file":...}` and serves until stdin is closed.

use std::io::{Read, Write};
use std::path::PathBuf;

use contrast_auth::test_server::{TestServer, TestServerOptions, parse_accepted};

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
        ..TestServerOptions::default()
    };
    let server = match TestServer::start(accepted, options) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("contrast-auth: cannot start the test server: {e}");
            return Exit::Usage;
        }
    };
    if let Err(e) = server.write_ca_file(&args.ca_out) {
        eprintln!(
            "contrast-auth: cannot write {}: {}",
            args.ca_out.display(),
            e.kind()
        );
        return Exit::Usage;
    }
    let mut line = serde_json::json!({
        "url": server.url(),
        "ca_file": args.ca_out.display().to_string(),
    });
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
    eprintln!(
        "contrast-auth test-server: {} request(s), {} accepted, {} rejected, {} TLS handshake(s)",
        stats.requests, stats.accepted, stats.rejected, stats.tls_handshakes
    );
    Exit::Ok
}
