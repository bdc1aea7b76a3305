//! The `contrast-auth` command-line tool: a demo with no Contrast account, a credential
//! check with a diagnosis, sample requests, agent tokens, signing, and the test server for
//! other languages' tests.
//!
//! Exit codes: 0 accepted / done, 2 configuration or usage error, 3 credentials rejected,
//! 4 network or TLS failure. No secret is printed unless `--reveal` is given.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Agent-side authentication for Contrast agents: check, demo, tokens, signing.
#[derive(Parser, Debug)]
#[command(name = "contrast-auth", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Runs the whole story against a local test server: signed reports, key rotation under
    /// load, a forged key and a tampered body refused. Needs no Contrast account.
    Demo(cli::demo::DemoArgs),
    /// Loads credentials from the standard sources, sends an authenticated request and
    /// prints a diagnosis.
    Check(cli::check::CheckArgs),
    /// Prints a ready curl command for the configured server (secrets masked unless --reveal).
    SampleRequest(cli::sample::SampleArgs),
    /// Builds or inspects an agent token (`api.token`).
    #[command(subcommand)]
    Token(cli::token::TokenCommand),
    /// Signs a body (file or stdin) for a method and URL and prints the signature headers.
    Sign(cli::sign::SignArgs),
    /// Starts the loopback HTTPS test server, prints one JSON line with its URL and CA file,
    /// and serves until stdin is closed.
    TestServer(cli::serve::ServeArgs),
}

/// Where configuration comes from, shared by commands that load credentials.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ConfigArgs {
    /// Read this YAML file instead of searching (like CONTRAST_CONFIG_PATH).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Demo(args) => cli::demo::run(args),
        Command::Check(args) => cli::check::run(args),
        Command::SampleRequest(args) => cli::sample::run(args),
        Command::Token(command) => cli::token::run(command),
        Command::Sign(args) => cli::sign::run(args),
        Command::TestServer(args) => cli::serve::run(args),
    };
    ExitCode::from(code as u8)
}
