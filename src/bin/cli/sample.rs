//! `contrast-auth sample-request`: a ready curl command, secrets masked unless `--reveal`.

use contrast_auth::Secret;
use contrast_auth::headers::{ACCEPT, API_KEY, AUTHORIZATION};

use super::{Exit, load};
use crate::ConfigArgs;

/// Arguments of `sample-request`.
#[derive(clap::Args, Debug)]
pub struct SampleArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// The path, joined to api.url.
    #[arg(long, default_value = super::check::DEFAULT_PATH)]
    path: String,
    /// The HTTP method.
    #[arg(long, default_value = "GET")]
    method: String,
    /// Print the real header values (they are secrets: do not paste them anywhere shared).
    #[arg(long)]
    reveal: bool,
}

fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

fn masked(secret: &Secret, reveal: bool) -> String {
    if reveal {
        secret.expose_secret().to_string()
    } else {
        format!("[REDACTED:{}]", secret.fingerprint())
    }
}

/// Runs `sample-request`.
pub fn run(args: SampleArgs) -> Exit {
    let (store, configuration) = match load(&args.config) {
        Ok(loaded) => loaded,
        Err(error) => return super::config_failure(&error),
    };
    let snapshot = store.snapshot();
    let headers = snapshot.headers();
    let url = snapshot.credentials().url().join(&args.path);
    let mut command = format!("curl -X {} {}", args.method, quote(&url));
    for (name, value) in [
        (AUTHORIZATION, masked(headers.authorization(), args.reveal)),
        (API_KEY, masked(headers.api_key(), args.reveal)),
        (ACCEPT, headers.accept().to_string()),
    ] {
        command.push_str(" \\\n  -H ");
        command.push_str(&quote(&format!("{name}: {value}")));
    }
    if let Some(ca) = &configuration.certificate.ca_file {
        command.push_str(" \\\n  --cacert ");
        command.push_str(&quote(&ca.display().to_string()));
    }
    if let Some((cert, key)) = &configuration.certificate.client_identity {
        command.push_str(&format!(
            " \\\n  --cert {} --key {}",
            quote(&cert.display().to_string()),
            quote(&key.display().to_string())
        ));
    }
    if let Some(proxy) = &configuration.proxy {
        let shown = if args.reveal {
            proxy.url().expose_secret().to_string()
        } else {
            proxy.redacted().to_string()
        };
        command.push_str(" \\\n  --proxy ");
        command.push_str(&quote(&shown));
    }
    println!("{command}");
    if !args.reveal {
        eprintln!(
            "contrast-auth: secret header values are masked; pass --reveal to print them \
             (they grant access to your organization)"
        );
    }
    Exit::Ok
}
