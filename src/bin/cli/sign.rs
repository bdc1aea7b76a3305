//! `contrast-auth sign`: sign a body for a method and URL with the configured keys and print
//! the `Content-Digest`, `Signature-Input` and `Signature` headers.

use std::io::Read;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use contrast_auth::signing::{Message, Signer, SignerOptions};

use super::{Exit, load};
use crate::ConfigArgs;

/// Arguments of `sign`.
#[derive(clap::Args, Debug)]
pub struct SignArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// The HTTP method.
    #[arg(long, default_value = "POST")]
    method: String,
    /// The full https URL, or a path (starting with `/`) joined to api.url.
    #[arg(long)]
    url: String,
    /// The Content-Type the request will carry.
    #[arg(long, default_value = "application/json")]
    content_type: String,
    /// Read the body from this file (default: stdin).
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// Unix time for `created` (default: now).
    #[arg(long)]
    created: Option<u64>,
}

/// Runs `sign`.
pub fn run(args: SignArgs) -> Exit {
    let (store, _configuration) = match load(&args.config) {
        Ok(loaded) => loaded,
        Err(error) => return super::config_failure(&error),
    };
    let snapshot = store.snapshot();
    let url = if args.url.starts_with('/') {
        snapshot.credentials().url().join(&args.url)
    } else {
        args.url.clone()
    };
    if !url.starts_with("https://") {
        eprintln!("contrast-auth: --url must be an https:// URL or a path starting with `/`");
        return Exit::Usage;
    }
    let mut body = Vec::new();
    let read = match &args.file {
        Some(path) => std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut body)),
        None => std::io::stdin().read_to_end(&mut body),
    };
    if let Err(e) = read {
        eprintln!("contrast-auth: cannot read the body: {}", e.kind());
        return Exit::Usage;
    }
    let created = args.created.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    });
    let message = Message {
        method: &args.method,
        url: &url,
        content_type: &args.content_type,
        body: &body,
    };
    let headers =
        match Signer::new(SignerOptions::default()).sign(&message, &snapshot, None, created) {
            Ok(h) => h,
            Err(e) => {
                eprintln!("contrast-auth: {e}");
                return Exit::Usage;
            }
        };
    // Nothing secret in these headers: the keyid names the key, not the agent.
    for (name, value) in headers.pairs() {
        println!("{name}: {value}");
    }
    Exit::Ok
}
