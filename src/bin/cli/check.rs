//! `contrast-auth check`: load credentials, send one authenticated request, diagnose.

use std::sync::Arc;
use std::time::Instant;

use contrast_auth::config::keys;
use contrast_auth::transport::{Client, SendError, TransportSettings};
use contrast_auth::{ConfigWarning, CredentialStore, HeaderOptions};

use super::{Exit, exit_for};
use crate::ConfigArgs;

/// The profile endpoint, answered for any valid agent credentials.
pub const DEFAULT_PATH: &str = "/api/ng/profile/organizations";

/// Arguments of `check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// The path to request, joined to api.url.
    #[arg(long, default_value = DEFAULT_PATH)]
    path: String,
    /// The HTTP method.
    #[arg(long, default_value = "GET")]
    method: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Accepted for symmetry with other commands; check never prints secret values.
    #[arg(long)]
    reveal: bool,
}

/// The warnings as JSON objects.
fn warnings_json(warnings: &[ConfigWarning]) -> serde_json::Value {
    warnings
        .iter()
        .map(|w| {
            serde_json::json!({
                "event": w.event,
                "key": w.key,
                "origin": w.origin.to_string(),
                "suggestion": w.suggestion,
                "message": w.message,
            })
        })
        .collect()
}

/// Prints the warnings, before anything else.
fn print_warnings(warnings: &[ConfigWarning]) {
    for warning in warnings {
        println!("warning: {warning}");
    }
}

/// Runs `check`.
pub fn run(args: CheckArgs) -> Exit {
    let sources = super::sources(&args.config);
    // Scanned before loading, so they are shown even when loading fails.
    let early_warnings = sources.unknown_keys();
    let (store, configuration) = match CredentialStore::load(sources, HeaderOptions::default()) {
        Ok(loaded) => loaded,
        Err(error) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({
                        "ok": false,
                        "exit_code": Exit::Usage as u8,
                        "warnings": warnings_json(&early_warnings),
                        "error": {"kind": "config", "message": error.to_string()},
                    })
                );
                return Exit::Usage;
            }
            print_warnings(&early_warnings);
            return super::config_failure(&error);
        }
    };
    let warnings = configuration.warnings().to_vec();
    let mut settings = TransportSettings::from_configuration(&configuration);
    // A diagnosis should be quick: one retry at most.
    settings.options.max_attempts = 2;
    let transport = settings.describe();
    let snapshot = store.snapshot();
    let fingerprints = snapshot.fingerprints();
    let url = snapshot.credentials().url().join(&args.path);
    let provenance: Vec<(String, String)> = configuration
        .provenance()
        .iter()
        .map(|p| (p.key.to_string(), p.origin.to_string()))
        .collect();
    let started = Instant::now();
    let (result, attempts) = match Client::new(Arc::new(store), settings) {
        Ok(client) => {
            let result = client.send(&args.method, &args.path, "application/json", b"");
            // Every request made, whether the report was accepted or not.
            (result, client.counters().requests)
        }
        Err(error) => (Err(error), 0),
    };
    let elapsed = started.elapsed();
    let exit = match &result {
        Ok(_) => Exit::Ok,
        Err(error) => exit_for(error),
    };

    if args.json {
        let (status, error) = match &result {
            Ok(sent) => (Some(sent.status), serde_json::Value::Null),
            Err(e) => (
                e.status(),
                serde_json::json!({"kind": e.kind(), "message": e.to_string(), "hint": hint(e)}),
            ),
        };
        let output = serde_json::json!({
            "ok": result.is_ok(),
            "exit_code": exit as u8,
            "warnings": warnings_json(&warnings),
            "url": url,
            "method": args.method,
            "status": status,
            "attempts": attempts,
            "elapsed_ms": elapsed.as_millis() as u64,
            "transport": transport,
            "config_file": configuration.file.as_ref().map(|p| p.display().to_string()),
            "provenance": provenance.iter().map(|(k, o)| serde_json::json!({"key": k, "origin": o})).collect::<Vec<_>>(),
            "fingerprints": {
                "user_name": fingerprints.user_name.to_string(),
                "service_key": fingerprints.service_key.to_string(),
                "api_key": fingerprints.api_key.to_string(),
                "signing_key": fingerprints.signing_key.to_string(),
            },
            "error": error,
        });
        println!("{output}");
        return exit;
    }

    print_warnings(&warnings);
    println!("contrast-auth check");
    println!("  configuration");
    match &configuration.file {
        Some(file) => println!("    file         {}", file.display()),
        None => println!("    file         (none found)"),
    }
    for (key, origin) in &provenance {
        println!("    {:<34} from {origin}", key);
    }
    println!("  credentials (fingerprints: first 8 hex digits of SHA-256, never the values)");
    println!("    url          {}", snapshot.credentials().url());
    println!("    user_name    {}", fingerprints.user_name);
    println!("    service_key  {}   (layer 1)", fingerprints.service_key);
    println!("    api_key      {}   (layer 2)", fingerprints.api_key);
    println!(
        "    signing key  {}   ({})",
        fingerprints.signing_key,
        if configuration.origin_of(keys::SIGNING_KEY).is_some() {
            "configured api.signing_key"
        } else {
            "derived from both layers"
        }
    );
    println!("  transport      {transport}");
    println!("  request        {} {url}", args.method);
    match &result {
        Ok(sent) => {
            println!(
                "  result         ACCEPTED: HTTP {} in {} ms ({} attempt(s))",
                sent.status,
                elapsed.as_millis(),
                sent.attempts
            );
        }
        Err(error) => {
            let message = error.to_string();
            // Errors that do not say how many requests were made get the count here.
            let count = if message.contains("attempt(s)") {
                String::new()
            } else {
                format!(" after {attempts} attempt(s)")
            };
            println!(
                "  result         FAILED in {} ms{count}: {message}",
                elapsed.as_millis()
            );
            if let Some(hint) = hint(error) {
                println!("  what to check  {hint}");
            }
        }
    }
    exit
}

/// What to check for a failure, in words (beyond what the error message already says: a
/// rejection's message carries its hint, which is not repeated).
fn hint(error: &SendError) -> Option<String> {
    Some(match error {
        SendError::CredentialsRejected { .. } => "compare the fingerprints above with the keys \
             shown in Contrast (Organization Settings > API); `contrast-auth token decode` \
             shows a token's"
            .into(),
        SendError::Tls { .. } => "the server certificate must chain to a trusted CA: for an \
             on-premises server set api.certificate.ca_file to its CA bundle (PEM)"
            .into(),
        SendError::Network { .. } | SendError::Timeout { .. } => "check api.url, DNS, \
             firewalls and api.proxy.url; raise api.timeout_ms for slow links"
            .into(),
        SendError::Status { status: 404, .. } => {
            "api.url must include the /Contrast base path; check --path".into()
        }
        SendError::Status { status, .. } if (300..400).contains(status) => {
            "redirects are not followed: set api.url to the final https address".into()
        }
        SendError::Config(_) => "fix the configuration value named above".into(),
        _ => return None,
    })
}
