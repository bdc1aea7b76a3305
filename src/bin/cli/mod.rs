//! The subcommands of `contrast-auth`.

pub mod check;
pub mod demo;
pub mod sample;
pub mod serve;
pub mod sign;
pub mod token;

use contrast_auth::transport::SendError;
use contrast_auth::{
    ConfigError, ConfigSources, Configuration, CredentialStore, HeaderOptions, Secret,
};

use crate::ConfigArgs;

/// The process exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Accepted, or the command did what was asked.
    Ok = 0,
    /// Configuration or usage error.
    Usage = 2,
    /// The server refused the credentials (401, 403, 412).
    Rejected = 3,
    /// Network or TLS failure (or the server could not take the request).
    Network = 4,
}

/// The exit code for a failed send.
pub fn exit_for(error: &SendError) -> Exit {
    match error {
        SendError::Config(_) | SendError::InvalidRequest { .. } | SendError::Signing { .. } => {
            Exit::Usage
        }
        SendError::CredentialsRejected { .. } => Exit::Rejected,
        _ => Exit::Network,
    }
}

/// The standard sources, with `--config` taking the place of the file search.
pub fn sources(args: &ConfigArgs) -> ConfigSources {
    let sources = ConfigSources::from_process();
    match &args.config {
        Some(file) => sources.environment_value(
            contrast_auth::config::CONFIG_PATH_VARIABLE,
            &file.to_string_lossy(),
        ),
        None => sources,
    }
}

/// Loads the store and configuration; on error prints it and returns the exit code.
pub fn load(args: &ConfigArgs) -> Result<(CredentialStore, Configuration), ConfigError> {
    CredentialStore::load(sources(args), HeaderOptions::default())
}

/// A secret for display: its value with `--reveal`, else `[REDACTED]` and its fingerprint.
pub fn shown(secret: &Secret, reveal: bool) -> String {
    if reveal {
        secret.expose_secret().to_string()
    } else {
        format!("[REDACTED] (fingerprint {})", secret.fingerprint())
    }
}

/// Prints a configuration error and returns the usage exit code.
pub fn config_failure(error: &ConfigError) -> Exit {
    eprintln!("contrast-auth: configuration error: {error}");
    Exit::Usage
}
