//! `contrast-auth token encode|decode`: agent tokens (`api.token`).

use std::io::Read;
use std::path::PathBuf;

use contrast_auth::config::{environment_variable, keys};
use contrast_auth::{ConfigError, Credentials, Secret, token};

use super::{Exit, shown};

/// `token` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum TokenCommand {
    /// Builds an api.token from the four values (flags, or CONTRAST__API__* variables).
    Encode(EncodeArgs),
    /// Shows a token's fields (masked unless --reveal). Reads stdin when TOKEN is absent or `-`.
    Decode(DecodeArgs),
}

/// Arguments of `token encode`.
#[derive(clap::Args, Debug)]
pub struct EncodeArgs {
    /// api.url (default: CONTRAST__API__URL).
    #[arg(long)]
    url: Option<String>,
    /// api.user_name (default: CONTRAST__API__USER_NAME).
    #[arg(long)]
    user_name: Option<String>,
    /// api.service_key (default: CONTRAST__API__SERVICE_KEY).
    #[arg(long)]
    service_key: Option<String>,
    /// api.api_key (default: CONTRAST__API__API_KEY).
    #[arg(long)]
    api_key: Option<String>,
    /// Write the token to this file (mode 0600) instead of printing it.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Print the token itself (it is a secret).
    #[arg(long)]
    reveal: bool,
}

/// Arguments of `token decode`.
#[derive(clap::Args, Debug)]
pub struct DecodeArgs {
    /// The token; absent or `-` reads it from stdin.
    token: Option<String>,
    /// Print the secret fields' values.
    #[arg(long)]
    reveal: bool,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// Runs a `token` subcommand.
pub fn run(command: TokenCommand) -> Exit {
    match command {
        TokenCommand::Encode(args) => encode(args),
        TokenCommand::Decode(args) => decode(args),
    }
}

fn value(flag: Option<String>, key: &'static str) -> Result<Secret, ConfigError> {
    let variable = environment_variable(key);
    match flag.or_else(|| std::env::var(&variable).ok()) {
        Some(v) => Ok(Secret::new(v)),
        None => Err(ConfigError::Missing {
            key,
            searched: format!(
                "--{} or environment {variable}",
                key.trim_start_matches("api.").replace('_', "-")
            ),
        }),
    }
}

fn encode(args: EncodeArgs) -> Exit {
    let values = (|| {
        Ok::<_, ConfigError>((
            value(args.url, keys::URL)?,
            value(args.user_name, keys::USER_NAME)?,
            value(args.service_key, keys::SERVICE_KEY)?,
            value(args.api_key, keys::API_KEY)?,
        ))
    })();
    let (url, user_name, service_key, api_key) = match values {
        Ok(v) => v,
        Err(e) => return super::config_failure(&e),
    };
    // Validate exactly as the library will when the token is used.
    let credentials = match Credentials::new(
        url.expose_secret(),
        user_name.expose_secret(),
        service_key.expose_secret(),
        api_key.expose_secret(),
    ) {
        Ok(c) => c,
        Err(e) => return super::config_failure(&e),
    };
    let encoded = token::encode(
        credentials.url().as_str(),
        credentials.api_key().expose_secret(),
        credentials.service_key().expose_secret(),
        credentials.user_name().expose_secret(),
    );
    if let Some(path) = &args.out {
        if let Err(e) = write_private(path, encoded.expose_secret()) {
            eprintln!(
                "contrast-auth: cannot write {}: {}",
                path.display(),
                e.kind()
            );
            return Exit::Usage;
        }
        println!(
            "api.token written to {} (fingerprint {})",
            path.display(),
            encoded.fingerprint()
        );
    } else if args.reveal {
        println!("{}", encoded.expose_secret());
    } else {
        println!("api.token {}", shown(&encoded, false));
        eprintln!("contrast-auth: pass --reveal to print the token, or --out FILE to write it");
    }
    Exit::Ok
}

fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")
}

fn decode(args: DecodeArgs) -> Exit {
    let text = match args.token.as_deref() {
        Some(t) if t != "-" => Secret::from(t),
        _ => {
            let mut buffer = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut buffer) {
                eprintln!("contrast-auth: cannot read stdin: {}", e.kind());
                return Exit::Usage;
            }
            let secret = Secret::from(buffer.trim());
            contrast_auth::secret::wipe(&mut buffer);
            secret
        }
    };
    let fields = match token::decode(text.expose_secret()) {
        Ok(f) => f,
        Err(e) => return super::config_failure(&ConfigError::from(e)),
    };
    let url_check = contrast_auth::ApiUrl::parse(fields.url.expose_secret());
    if args.json {
        let field = |s: &Secret| {
            if args.reveal {
                serde_json::json!({"value": s.expose_secret(), "fingerprint": s.fingerprint().to_string()})
            } else {
                serde_json::json!({"fingerprint": s.fingerprint().to_string()})
            }
        };
        println!(
            "{}",
            serde_json::json!({
                "url": fields.url.expose_secret(),
                "url_valid": url_check.is_ok(),
                "user_name": field(&fields.user_name),
                "service_key": field(&fields.service_key),
                "api_key": field(&fields.api_key),
            })
        );
    } else {
        println!("url          {}", fields.url.expose_secret());
        if let Err(e) = &url_check {
            println!("             (not usable: {e})");
        }
        println!("user_name    {}", shown(&fields.user_name, args.reveal));
        println!("service_key  {}", shown(&fields.service_key, args.reveal));
        println!("api_key      {}", shown(&fields.api_key, args.reveal));
    }
    Exit::Ok
}
