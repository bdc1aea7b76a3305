//! `contrast-auth demo`: the whole story on one machine, no Contrast account needed.
//!
//! Starts the test server, writes pre-fitted credentials to a `contrast_security.yaml` in a
//! temporary directory, sends signed reports from several threads with a progress bar,
//! rotates the service key and then the API key mid-stream (the server accepts both during
//! each switch, the agent reloads its file), injects a few faults, shows a forged API key
//! and a tampered body refused, and prints a summary.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use contrast_auth::test_server::{AcceptedCredentials, Fault, TestServer, TestServerOptions};
use contrast_auth::transport::{Client, SendError, TransportSettings};
use contrast_auth::{ConfigSources, CredentialStore, Credentials, HeaderOptions, Secret};
use indicatif::{ProgressBar, ProgressStyle};

use super::Exit;

/// Arguments of `demo`.
#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Reports to send.
    #[arg(long, default_value_t = 1000)]
    reports: usize,
    /// Sending threads (they share one client and its keep-alive connections).
    #[arg(long, default_value_t = 4)]
    threads: usize,
    /// Pause between one thread's reports, in milliseconds, so the progress is visible
    /// (0: as fast as possible).
    #[arg(long, default_value_t = 8)]
    pause_ms: u64,
}

/// Removes the demo's temporary directory when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn random_text(alphabet: &[u8], len: usize) -> String {
    use ring::rand::SecureRandom;
    let mut bytes = vec![0u8; len];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .expect("the operating system random source failed");
    bytes
        .iter()
        .map(|b| alphabet[*b as usize % alphabet.len()] as char)
        .collect()
}

const KEY_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

struct Keys {
    user_name: String,
    service_key: String,
    api_key: String,
}

impl Keys {
    fn accepted(&self) -> AcceptedCredentials {
        AcceptedCredentials::new(
            Secret::from(self.user_name.as_str()),
            Secret::from(self.service_key.as_str()),
            Secret::from(self.api_key.as_str()),
        )
    }

    fn with(&self, service_key: Option<&str>, api_key: Option<&str>) -> Keys {
        Keys {
            user_name: self.user_name.clone(),
            service_key: service_key.unwrap_or(&self.service_key).to_string(),
            api_key: api_key.unwrap_or(&self.api_key).to_string(),
        }
    }
}

fn write_config(dir: &Path, url: &str, ca_file: &Path, keys: &Keys) -> std::io::Result<()> {
    let text = format!(
        "# Written by `contrast-auth demo`: pre-fitted agent credentials.\napi:\n  url: {url}\n  \
         user_name: {}\n  service_key: {}\n  api_key: {}\n  certificate:\n    ca_file: {}\n  \
         timeout_ms: 5000\n",
        keys.user_name,
        keys.service_key,
        keys.api_key,
        ca_file.display()
    );
    // Write then rename: a reload never sees half a file.
    let staging = dir.join("contrast_security.yaml.new");
    std::fs::write(&staging, text)?;
    std::fs::rename(staging, dir.join("contrast_security.yaml"))
}

/// Prints above the progress bar (or plainly when there is no terminal).
fn say(bar: &ProgressBar, line: String) {
    if bar.is_hidden() {
        println!("{line}");
    } else {
        bar.println(line);
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Runs the demo.
pub fn run(args: DemoArgs) -> Exit {
    match demo(&args) {
        Ok(true) => Exit::Ok,
        Ok(false) => Exit::Network,
        Err(message) => {
            eprintln!("contrast-auth demo: {message}");
            Exit::Network
        }
    }
}

fn demo(args: &DemoArgs) -> Result<bool, String> {
    let started = Instant::now();
    let reports = args.reports.max(10);
    let threads = args.threads.clamp(1, 64);
    let pause = Duration::from_millis(args.pause_ms.min(1000));
    println!("contrast-auth demo: everything runs on this machine; no Contrast account needed.\n");

    let dir = TempDir(std::env::temp_dir().join(format!(
        "contrast-auth-demo-{}-{}",
        std::process::id(),
        random_text(b"abcdefghijklmnopqrstuvwxyz0123456789", 8)
    )));
    std::fs::create_dir_all(&dir.0)
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;

    let first = Keys {
        user_name: format!("agent_{}@DemoOrg", random_text(b"0123456789abcdef", 12)),
        service_key: random_text(KEY_ALPHABET, 24),
        api_key: random_text(KEY_ALPHABET, 32),
    };
    let server = TestServer::start(
        vec![first.accepted()],
        TestServerOptions {
            require_signature: true,
            ..TestServerOptions::default()
        },
    )
    .map_err(|e| format!("cannot start the test server: {e}"))?;
    let ca_file = dir.0.join("demo-ca.pem");
    server.write_ca_file(&ca_file).map_err(|e| e.to_string())?;
    write_config(&dir.0, server.url(), &ca_file, &first).map_err(|e| e.to_string())?;
    println!(
        "1. Test server  {} (TLS; its CA was made just now; checks both layers and signatures)",
        server.url()
    );
    println!(
        "2. Agent config {}",
        dir.0.join("contrast_security.yaml").display()
    );

    let sources = ConfigSources::new().working_dir(&dir.0);
    let (store, configuration) = CredentialStore::load(sources, HeaderOptions::default())
        .map_err(|e| format!("configuration: {e}"))?;
    let settings = TransportSettings::from_configuration(&configuration);
    let fingerprints = store.snapshot().fingerprints();
    println!(
        "   loaded: user_name {}, service_key {}, api_key {} (fingerprints; values never printed)",
        fingerprints.user_name, fingerprints.service_key, fingerprints.api_key
    );
    for line in configuration.provenance() {
        if line.key != contrast_auth::config::keys::TIMEOUT_MS {
            println!("   {line}");
        }
    }
    let client = Arc::new(Client::new(Arc::new(store), settings).map_err(|e| e.to_string())?);

    println!(
        "\n3. Sending {reports} signed reports from {threads} threads; keys rotate mid-stream."
    );
    let bar = ProgressBar::new(reports as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "   [{bar:40.cyan/blue}] {pos}/{len} reports  {per_sec}  {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let senders: Vec<_> = (0..threads)
        .map(|t| {
            let (client, next, done, bar) = (client.clone(), next.clone(), done.clone(), bar.clone());
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                let mut failures = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= reports {
                        break;
                    }
                    let body = format!(
                        "{{\"report\":{n},\"thread\":{t},\"kind\":\"activity\",\"observations\":[\"route /login\",\"sql SELECT\"]}}"
                    );
                    match client.send("PUT", "/api/ng/agents/activity", "application/json", body.as_bytes()) {
                        Ok(sent) => latencies.push(sent.elapsed),
                        Err(e) => failures.push(e),
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                    bar.inc(1);
                    if !pause.is_zero() {
                        std::thread::sleep(pause);
                    }
                }
                (latencies, failures)
            })
        })
        .collect();

    // The administrator's side: rotate each key with an overlap on the server.
    let second = first.with(Some(&random_text(KEY_ALPHABET, 24)), None);
    let third = second.with(None, Some(&random_text(KEY_ALPHABET, 32)));
    let at = |fraction: f64| (reports as f64 * fraction) as usize;
    let wait_until = |count: usize| {
        while done.load(Ordering::Relaxed) < count {
            std::thread::sleep(Duration::from_millis(1));
        }
    };
    let rotate = |label: &str, from: &Keys, to: &Keys| -> Result<(), String> {
        server
            .set_accepted(&[from.accepted(), to.accepted()])
            .map_err(|e| e.to_string())?;
        write_config(&dir.0, server.url(), &ca_file, to).map_err(|e| e.to_string())?;
        let report = client.store().reload().map_err(|e| e.to_string())?;
        say(
            &bar,
            format!(
                "   at report {:>5}: {label} rotated, agent reloaded its file without a restart: {report}",
                done.load(Ordering::Relaxed)
            ),
        );
        Ok(())
    };
    wait_until(at(0.10));
    server.inject(Fault::Status {
        status: 503,
        retry_after: Some(0),
    });
    say(
        &bar,
        format!(
            "   at report {:>5}: server answers 503 Retry-After: 0 once (retried)",
            done.load(Ordering::Relaxed)
        ),
    );
    wait_until(at(0.25));
    rotate("service key", &first, &second)?;
    wait_until(at(0.40));
    server
        .set_accepted(&[second.accepted()])
        .map_err(|e| e.to_string())?;
    say(
        &bar,
        format!(
            "   at report {:>5}: server retired the old service key",
            done.load(Ordering::Relaxed)
        ),
    );
    wait_until(at(0.55));
    rotate("API key    ", &second, &third)?;
    wait_until(at(0.70));
    server
        .set_accepted(&[third.accepted()])
        .map_err(|e| e.to_string())?;
    say(
        &bar,
        format!(
            "   at report {:>5}: server retired the old API key",
            done.load(Ordering::Relaxed)
        ),
    );
    wait_until(at(0.80));
    server.inject(Fault::CloseMidResponse);
    say(
        &bar,
        format!(
            "   at report {:>5}: server drops a connection mid-response once (retried, same report id)",
            done.load(Ordering::Relaxed)
        ),
    );

    let mut latencies = Vec::with_capacity(reports);
    let mut failures = Vec::new();
    for sender in senders {
        let (l, f) = sender
            .join()
            .map_err(|_| "a sender thread panicked".to_string())?;
        latencies.extend(l);
        failures.extend(f);
    }
    bar.finish_and_clear();
    let sending_time = started.elapsed();
    println!(
        "   {} of {reports} reports acknowledged, {} failed.",
        latencies.len(),
        failures.len()
    );
    for failure in failures.iter().take(3) {
        println!("   failure: {failure}");
    }

    // A forged API key: right user and service key, wrong layer 2.
    println!("\n4. A forged API key (layer 2) is refused:");
    let forged = Credentials::new(
        server.url(),
        &third.user_name,
        &third.service_key,
        &random_text(KEY_ALPHABET, 32),
    )
    .map_err(|e| e.to_string())?;
    let forged_client = Client::new(
        Arc::new(CredentialStore::new(forged, HeaderOptions::default())),
        TransportSettings::from_configuration(&configuration),
    )
    .map_err(|e| e.to_string())?;
    let forged_result =
        forged_client.send("PUT", "/api/ng/agents/activity", "application/json", b"{}");
    let forged_refused = matches!(
        forged_result,
        Err(SendError::CredentialsRejected { status: 401, .. })
    );
    match &forged_result {
        Err(e) => println!("   {e}"),
        Ok(sent) => println!("   unexpectedly accepted: HTTP {}", sent.status),
    }
    if let Some(reason) = server.received().last().and_then(|r| r.rejection.clone()) {
        println!("   server: {reason}");
    }

    // A tampered body: signed for one body, sent with another.
    println!("\n5. A tampered body is refused:");
    let tampered_status = send_tampered(&client, &configuration).map_err(|e| e.to_string())?;
    println!("   signed {{\"amount\":1}}, sent {{\"amount\":1000}}: HTTP {tampered_status}");
    if let Some(reason) = server.received().last().and_then(|r| r.rejection.clone()) {
        println!("   server: {reason}");
    }
    let tampered_refused = tampered_status == 401;

    // Summary.
    let stats = server.stats();
    let counters = client.counters();
    latencies.sort();
    println!("\n6. Summary");
    let rows = [
        (
            "reports sent",
            format!("{}", latencies.len() + failures.len()),
        ),
        ("acknowledged", format!("{}", latencies.len())),
        ("failed", format!("{}", failures.len())),
        ("requests (with retries)", format!("{}", counters.requests)),
        ("retries", format!("{}", counters.retries)),
        ("credential reloads on 401", format!("{}", counters.reloads)),
        ("key rotations", "2 (service key, API key)".to_string()),
        (
            "TLS handshakes",
            format!(
                "{} (connections: {})",
                stats.tls_handshakes, stats.connections
            ),
        ),
        (
            "server rejections",
            format!(
                "{} (layer 1: {}, layer 2: {}, signature: {})",
                stats.rejected,
                stats.rejected_service_key,
                stats.rejected_api_key,
                stats.rejected_signature
            ),
        ),
        ("duplicates seen by server", format!("{}", stats.duplicates)),
        ("latency p50", ms(percentile(&latencies, 50.0))),
        ("latency p90", ms(percentile(&latencies, 90.0))),
        ("latency p99", ms(percentile(&latencies, 99.0))),
        (
            "latency max",
            ms(latencies.last().copied().unwrap_or_default()),
        ),
        (
            "time to send all reports",
            if pause.is_zero() {
                ms(sending_time)
            } else {
                format!(
                    "{} (with {} ms pauses)",
                    ms(sending_time),
                    pause.as_millis()
                )
            },
        ),
    ];
    println!("   +{:-<28}+{:-<52}+", "", "");
    for (name, value) in rows {
        println!("   | {name:<26} | {value:<50} |");
    }
    println!("   +{:-<28}+{:-<52}+", "", "");
    let ok = failures.is_empty() && forged_refused && tampered_refused;
    println!(
        "\n{}",
        if ok {
            "Demo complete: zero failed reports through two key rotations; forgeries refused."
        } else {
            "Demo FAILED: see above."
        }
    );
    Ok(ok)
}

/// Signs a report for one body with the agent's current keys and sends another body.
fn send_tampered(
    client: &Client,
    configuration: &contrast_auth::Configuration,
) -> Result<u16, Box<dyn std::error::Error>> {
    use contrast_auth::signing::{Message, Signer};
    let snapshot = client.store().snapshot();
    let url = snapshot.credentials().url().join("/api/ng/agents/activity");
    let created = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let headers = Signer::default().sign(
        &Message {
            method: "PUT",
            url: &url,
            content_type: "application/json",
            body: br#"{"amount":1}"#,
        },
        &snapshot,
        None,
        created,
    )?;
    let agent = TransportSettings::from_configuration(configuration).build_agent()?;
    let mut request = agent
        .put(&url)
        .header(
            "Authorization",
            snapshot.headers().authorization().expose_secret(),
        )
        .header("API-Key", snapshot.headers().api_key().expose_secret())
        .header("Content-Type", "application/json");
    for (name, value) in headers.pairs() {
        request = request.header(name, value);
    }
    Ok(request.send(&br#"{"amount":1000}"#[..])?.status().as_u16())
}
