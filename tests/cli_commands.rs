//! The `contrast-auth` binary: exit codes (0 accepted, 2 configuration/usage, 3 credentials
//! rejected, 4 network/TLS) and no secret in any output without `--reveal`.
#![cfg(all(feature = "cli", feature = "test-server"))]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use base64::Engine;
use contrast_auth::Secret;
use contrast_auth::test_server::{AcceptedCredentials, TestServer, TestServerOptions};
use contrast_auth::transport::{Client, TransportSettings};

const USER: &str = "agent_cli_test@OrgExample";
const SERVICE_KEY: &str = "CLISERVICEKEYSECRET123";
const API_KEY: &str = "CLIAPIKEYSECRET4567890";

fn authorization() -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{SERVICE_KEY}"))
}

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Output {
    fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_contrast-auth"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    Output {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn assert_no_secret(text: &str) {
    let token = contrast_auth::token::encode("https://x/Contrast", API_KEY, SERVICE_KEY, USER);
    for secret in [
        SERVICE_KEY,
        API_KEY,
        USER,
        &authorization(),
        token.expose_secret(),
    ] {
        assert!(
            !text.contains(secret),
            "secret {secret:?} printed in:\n{text}"
        );
    }
}

struct Setup {
    server: TestServer,
    dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let server = TestServer::start(
        vec![AcceptedCredentials::new(
            Secret::from(USER),
            Secret::from(SERVICE_KEY),
            Secret::from(API_KEY),
        )],
        TestServerOptions::default(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    server.write_ca_file(&dir.path().join("ca.pem")).unwrap();
    let setup = Setup { server, dir };
    setup.write_config(SERVICE_KEY, API_KEY, true);
    setup
}

impl Setup {
    fn write_config(&self, service_key: &str, api_key: &str, with_ca: bool) {
        self.write_config_url(self.server.url(), service_key, api_key, with_ca);
    }

    fn write_config_url(&self, url: &str, service_key: &str, api_key: &str, with_ca: bool) {
        let mut text = format!(
            "api:\n  url: {url}\n  user_name: {USER}\n  service_key: {service_key}\n  api_key: {api_key}\n  timeout_ms: 2000\n"
        );
        if with_ca {
            text.push_str(&format!(
                "  certificate:\n    ca_file: {}\n",
                self.dir.path().join("ca.pem").display()
            ));
        }
        std::fs::write(self.dir.path().join("contrast_security.yaml"), text).unwrap();
    }

    fn run(&self, args: &[&str]) -> Output {
        run(self.dir.path(), args, None)
    }
}

/// A loopback port with nothing listening on it.
fn unused_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The `token encode` arguments for `url` and the test credentials.
fn token_encode_args(url: &str) -> [&str; 10] {
    [
        "token",
        "encode",
        "--url",
        url,
        "--user-name",
        USER,
        "--service-key",
        SERVICE_KEY,
        "--api-key",
        API_KEY,
    ]
}

/// Starts `test-server` for the test credentials, CA at `ca`, plus `args`; also its JSON line.
fn spawn_test_server(ca: &Path, args: &[&str]) -> (Child, String, serde_json::Value) {
    let accept = format!("{USER}:{SERVICE_KEY}:{API_KEY}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_contrast-auth"))
        .args(["test-server", "--accept", &accept, "--ca-out"])
        .arg(ca)
        .args(args)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let value: serde_json::Value = serde_json::from_str(&line).expect("one JSON line");
    (child, line, value)
}

/// Transport settings that trust the CA file at `ca`.
fn trusting(ca: &Path) -> TransportSettings {
    let mut settings = TransportSettings::default();
    settings.certificate.ca_file = Some(ca.to_path_buf());
    settings
}

/// A transport client for `url` with these credentials and `settings`.
fn client_for(
    url: &str,
    user: &str,
    service_key: &str,
    api_key: &str,
    settings: TransportSettings,
) -> Client {
    let credentials = contrast_auth::Credentials::new(url, user, service_key, api_key).unwrap();
    Client::new(
        std::sync::Arc::new(contrast_auth::CredentialStore::new(
            credentials,
            Default::default(),
        )),
        settings,
    )
    .unwrap()
}

#[test]
fn check_accepted_exits_0_with_a_diagnosis_and_no_secret() {
    let s = setup();
    let out = s.run(&["check"]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(out.stdout.contains("ACCEPTED: HTTP 200"), "{}", out.stdout);
    assert!(out.stdout.contains("api.api_key"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains(&Secret::from(API_KEY).fingerprint().to_string())
    );
    assert!(out.stdout.contains("CA file"));
    assert_no_secret(&out.all());
    assert_eq!(s.server.stats().accepted, 1);
    assert_eq!(
        s.server.received()[0].target,
        "/Contrast/api/ng/profile/organizations"
    );
}

#[test]
fn check_json_is_machine_readable() {
    let s = setup();
    let out = s.run(&["check", "--json", "--path", "/api/ng/other"]);
    assert_eq!(out.code, 0, "{}", out.all());
    let value: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(value["ok"], true);
    assert_eq!(value["status"], 200);
    assert_eq!(value["exit_code"], 0);
    assert_eq!(
        value["fingerprints"]["api_key"],
        Secret::from(API_KEY).fingerprint().to_string()
    );
    assert!(
        value["url"]
            .as_str()
            .unwrap()
            .ends_with("/Contrast/api/ng/other")
    );
    assert_no_secret(&out.all());
}

#[test]
fn check_with_a_wrong_key_exits_3_and_says_what_to_check() {
    let s = setup();
    s.write_config(SERVICE_KEY, "WRONGAPIKEY000", true);
    let out = s.run(&["check"]);
    assert_eq!(out.code, 3, "{}", out.all());
    assert!(out.stdout.contains("HTTP 401"));
    assert!(out.stdout.contains("what to check"));
    assert_no_secret(&out.all());
    let out = s.run(&["check", "--json"]);
    assert_eq!(out.code, 3);
    let value: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(value["error"]["kind"], "credentials_rejected");
    assert_eq!(value["status"], 401);
}

#[test]
fn check_against_an_untrusted_certificate_exits_4() {
    let s = setup();
    s.write_config(SERVICE_KEY, API_KEY, false);
    let out = s.run(&["check"]);
    assert_eq!(out.code, 4, "{}", out.all());
    assert!(out.stdout.contains("TLS"), "{}", out.stdout);
    assert!(out.stdout.contains("ca_file"));
    assert_no_secret(&out.all());
}

#[test]
fn check_with_nothing_listening_exits_4() {
    let s = setup();
    let port = unused_port();
    s.write_config_url(
        &format!("https://127.0.0.1:{port}/Contrast"),
        SERVICE_KEY,
        API_KEY,
        true,
    );
    let out = s.run(&["check"]);
    assert_eq!(out.code, 4, "{}", out.all());
    assert_no_secret(&out.all());
}

#[test]
fn configuration_errors_exit_2() {
    let s = setup();
    s.write_config_url("http://127.0.0.1:9/Contrast", SERVICE_KEY, API_KEY, true);
    let out = s.run(&["check"]);
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(out.stderr.contains("https"), "{}", out.stderr);
    assert_no_secret(&out.all());

    let empty = tempfile::tempdir().unwrap();
    let out = run(empty.path(), &["check"], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("api.url"), "{}", out.stderr);

    let out = run(
        empty.path(),
        &["check", "--config", "/nonexistent/contrast.yaml"],
        None,
    );
    assert_eq!(out.code, 2);

    // --config names a file elsewhere.
    let out = run(
        empty.path(),
        &[
            "check",
            "--config",
            s.dir
                .path()
                .join("contrast_security.yaml")
                .to_str()
                .unwrap(),
        ],
        None,
    );
    assert_eq!(out.code, 2, "still http://");
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run(dir.path(), &["no-such-command"], None).code, 2);
    assert_eq!(run(dir.path(), &["check", "--no-such-flag"], None).code, 2);
    assert_eq!(run(dir.path(), &["test-server"], None).code, 2);
    assert_eq!(run(dir.path(), &["--help"], None).code, 0);
}

#[test]
fn sample_request_masks_secrets_unless_revealed() {
    let s = setup();
    let out = s.run(&["sample-request"]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stdout.starts_with("curl -X GET 'https://127.0.0.1:"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Authorization: [REDACTED:"));
    assert!(out.stdout.contains("--cacert"));
    assert_no_secret(&out.all());

    let out = s.run(&["sample-request", "--reveal", "--method", "POST"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout
            .contains(&format!("Authorization: {}", authorization()))
    );
    assert!(out.stdout.contains(&format!("API-Key: {API_KEY}")));
    assert!(out.stdout.contains("curl -X POST"));
}

#[test]
fn token_encode_and_decode() {
    let dir = tempfile::tempdir().unwrap();
    let url = "https://app.example.com/Contrast";
    let encode = token_encode_args(url);
    let out = run(dir.path(), &encode, None);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(out.stdout.contains("[REDACTED]"));
    let token = contrast_auth::token::encode(url, API_KEY, SERVICE_KEY, USER);
    assert!(!out.all().contains(token.expose_secret()));
    assert_no_secret(&out.all());

    let mut revealed = encode.to_vec();
    revealed.push("--reveal");
    let out = run(dir.path(), &revealed, None);
    assert_eq!(out.stdout.trim(), token.expose_secret());

    let file = dir.path().join("token.txt");
    let mut to_file = encode.to_vec();
    to_file.extend(["--out", file.to_str().unwrap()]);
    let out = run(dir.path(), &to_file, None);
    assert_eq!(out.code, 0);
    assert_no_secret(&out.all());
    assert_eq!(
        std::fs::read_to_string(&file).unwrap().trim(),
        token.expose_secret()
    );

    // Decode from an argument and from stdin: masked, then revealed.
    let out = run(
        dir.path(),
        &["token", "decode", token.expose_secret()],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(out.stdout.contains(url));
    assert!(
        out.stdout
            .contains(&Secret::from(SERVICE_KEY).fingerprint().to_string())
    );
    assert_no_secret(&out.all());
    let out = run(
        dir.path(),
        &["token", "decode", "--reveal"],
        Some(token.expose_secret()),
    );
    assert!(
        out.stdout.contains(SERVICE_KEY)
            && out.stdout.contains(API_KEY)
            && out.stdout.contains(USER)
    );
    let out = run(
        dir.path(),
        &["token", "decode", "--json"],
        Some(token.expose_secret()),
    );
    let value: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(value["url"], url);
    assert!(value["api_key"].get("value").is_none());
    assert_no_secret(&out.all());
}

#[test]
fn token_errors_exit_2_without_echoing_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["token", "decode", "bm90IGpzb24="], None);
    assert_eq!(out.code, 2);
    let out = run(
        dir.path(),
        &["token", "decode", "SECRETPARTnot-base64!"],
        None,
    );
    assert_eq!(out.code, 2);
    assert!(!out.all().contains("SECRETPART"));
    let out = run(dir.path(), &token_encode_args("http://x/Contrast"), None);
    assert_eq!(out.code, 2);
    assert_no_secret(&out.all());
    let out = run(dir.path(), &["token", "encode", "--user-name", USER], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("api.url"));
}

#[test]
fn test_server_subcommand_serves_until_stdin_closes() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    let (mut child, line, value) = spawn_test_server(&ca, &["--accept", "u2:s2:a2"]);
    let url = value["url"].as_str().unwrap();
    assert!(
        url.starts_with("https://127.0.0.1:") && url.ends_with("/Contrast"),
        "{url}"
    );
    assert_eq!(value["ca_file"], ca.to_str().unwrap());
    assert_no_secret(&line);

    // A client trusting the CA file sends with either accepted set.
    let send = |user: &str, service_key: &str, api_key: &str| {
        client_for(url, user, service_key, api_key, trusting(&ca)).send(
            "POST",
            "/api/ng/report",
            "application/json",
            b"{}",
        )
    };
    send(USER, SERVICE_KEY, API_KEY).unwrap();
    send("u2", "s2", "a2").unwrap();
    assert_eq!(send("u2", "s2", "wrong").unwrap_err().status(), Some(401));
    let stats = send("u2", "s2", "a2").unwrap();
    let _ = stats;
    let stats_body = client_for(url, "u2", "s2", "a2", trusting(&ca))
        .send("GET", "/__test/stats", "application/json", b"")
        .unwrap()
        .body;
    let stats: serde_json::Value = serde_json::from_slice(&stats_body).unwrap();
    assert_eq!(stats["accepted"], 3);
    assert_eq!(stats["rejected"], 1);

    drop(child.stdin.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn the_demo_runs_without_an_account_and_prints_no_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &[
            "demo",
            "--reports",
            "200",
            "--threads",
            "3",
            "--pause-ms",
            "0",
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stdout
            .contains("200 of 200 reports acknowledged, 0 failed"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("service_key"));
    assert!(out.stdout.contains("HTTP 401"));
    assert!(
        out.stdout
            .contains("the body does not match Content-Digest"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Summary"));
    assert!(out.stdout.contains("Demo complete"));
    // The demo's keys are 24-32 random upper-case letters and digits: none may be printed.
    for word in out.all().split(|c: char| !c.is_ascii_alphanumeric()) {
        let key_like = word.len() >= 20
            && word
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        assert!(!key_like, "a key-like value was printed: {word}");
    }
}

#[test]
fn sign_prints_headers_that_verify_with_a_keyid_naming_the_key() {
    use contrast_auth::signing::{ReceivedRequest, Verifier, VerifierOptions};
    let s = setup();
    let body = "{\"report\":1}";
    let body_file = s.dir.path().join("body.json");
    std::fs::write(&body_file, body).unwrap();
    let from_file = s.run(&[
        "sign",
        "--method",
        "PUT",
        "--url",
        "/api/ng/report?x=1",
        "--file",
        body_file.to_str().unwrap(),
        "--created",
        "1700000000",
    ]);
    assert_eq!(from_file.code, 0, "{}", from_file.all());
    assert_no_secret(&from_file.all());

    // From stdin: the same headers but for the nonce, and they verify with the crate's verifier.
    let out = run(
        s.dir.path(),
        &[
            "sign",
            "--method",
            "PUT",
            "--url",
            "/api/ng/report?x=1",
            "--created",
            "1700000000",
        ],
        Some(body),
    );
    assert_eq!(out.code, 0, "{}", out.all());
    assert_no_secret(&out.all());
    let header = |name: &str| {
        out.stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("{name} printed"))
            .to_string()
    };
    let (digest, input, signature) = (
        header("Content-Digest"),
        header("Signature-Input"),
        header("Signature"),
    );
    let credentials =
        contrast_auth::Credentials::new(s.server.url(), USER, SERVICE_KEY, API_KEY).unwrap();
    let snapshot = contrast_auth::Snapshot::new(credentials, Default::default(), 1);
    let keyid = format!(";keyid=\"{}\";", snapshot.keyid());
    assert!(input.contains(&keyid), "{input}");
    assert!(from_file.stdout.contains(&keyid), "{}", from_file.stdout);
    let verifier = Verifier::new(VerifierOptions::default()).unwrap();
    verifier.set_signing_keys([snapshot.signing_key().duplicate()]);
    let authority = s
        .server
        .url()
        .trim_start_matches("https://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let verified = verifier
        .verify(
            &ReceivedRequest {
                method: "PUT",
                authority: &authority,
                path: "/Contrast/api/ng/report",
                query: Some("x=1"),
                content_type: Some("application/json"),
                content_digest: Some(&digest),
                signature_input: Some(&input),
                signature: Some(&signature),
                body: body.as_bytes(),
            },
            1_700_000_010,
        )
        .expect("the CLI's headers verify");
    assert_eq!(verified.created, 1_700_000_000);

    let out = s.run(&["sign", "--url", "http://example.com/x"]);
    assert_eq!(out.code, 2);
}

#[test]
fn proxy_credentials_are_never_printed() {
    let s = setup();
    let port = unused_port();
    let mut text = std::fs::read_to_string(s.dir.path().join("contrast_security.yaml")).unwrap();
    text.push_str(&format!(
        "  proxy:\n    url: http://proxyuser:PROXYPASSWORD99@127.0.0.1:{port}\n"
    ));
    std::fs::write(s.dir.path().join("contrast_security.yaml"), text).unwrap();
    for args in [&["check"][..], &["check", "--json"], &["sample-request"]] {
        let out = s.run(args);
        assert!(
            !out.all().contains("PROXYPASSWORD99"),
            "{args:?}: {}",
            out.all()
        );
        assert!(!out.all().contains("proxyuser"), "{args:?}: {}", out.all());
        assert_no_secret(&out.all());
        assert!(
            out.all().contains("[REDACTED]@127.0.0.1"),
            "{args:?}: {}",
            out.all()
        );
    }
    assert_eq!(
        s.run(&["check"]).code,
        4,
        "the proxy is down: a network failure"
    );
    let out = s.run(&["sample-request", "--reveal"]);
    assert!(out.stdout.contains("PROXYPASSWORD99"));
}

#[test]
fn test_server_subcommand_with_mutual_tls_writes_a_client_identity() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    let (mut child, _, value) =
        spawn_test_server(&ca, &["--require-client-cert", "--require-signature"]);
    let url = value["url"].as_str().unwrap();
    let cert = std::path::PathBuf::from(value["client_cert"].as_str().unwrap());
    let key = std::path::PathBuf::from(value["client_key"].as_str().unwrap());
    assert!(
        std::fs::read_to_string(&cert)
            .unwrap()
            .contains("BEGIN CERTIFICATE")
    );
    let client = |identity: bool| {
        let mut settings = trusting(&ca);
        if identity {
            settings.certificate.client_identity = Some((cert.clone(), key.clone()));
        }
        client_for(url, USER, SERVICE_KEY, API_KEY, settings)
    };
    client(true)
        .send("POST", "/r", "application/json", b"{}")
        .expect("mutual TLS and signature accepted");
    assert_eq!(
        client(false)
            .send("POST", "/r", "application/json", b"{}")
            .unwrap_err()
            .kind(),
        "tls"
    );
    drop(child.stdin.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

/// A non-ASCII user name (Latin-1 range and a 4-byte UTF-8 character) works end to end:
/// configuration from YAML and from the environment, headers, signing, a server that requires
/// signatures, `check` and `sign`.
#[test]
fn check_and_sign_work_for_non_ascii_user_names() {
    for user in ["agent_\u{fc}7f3a", "agent_\u{1D11E}7f3a@Org"] {
        let server = TestServer::start(
            vec![AcceptedCredentials::new(
                Secret::from(user),
                Secret::from(SERVICE_KEY),
                Secret::from(API_KEY),
            )],
            TestServerOptions {
                require_signature: true,
                ..TestServerOptions::default()
            },
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        server.write_ca_file(&ca).unwrap();
        std::fs::write(
            dir.path().join("contrast_security.yaml"),
            format!(
                "api:\n  url: {}\n  user_name: \"{user}\"\n  service_key: {SERVICE_KEY}\n  api_key: {API_KEY}\n  certificate:\n    ca_file: {}\n",
                server.url(),
                ca.display()
            ),
        )
        .unwrap();
        let out = run(dir.path(), &["check"], None);
        assert_eq!(out.code, 0, "{user}: {}", out.all());
        assert!(out.stdout.contains("ACCEPTED: HTTP 200"), "{}", out.stdout);
        assert!(
            !out.all().contains(user),
            "user name printed: {}",
            out.all()
        );
        let out = run(dir.path(), &["sign", "--url", "/api/ng/x"], Some("{}"));
        assert_eq!(out.code, 0, "{user}: {}", out.all());
        assert!(out.stdout.contains(";keyid=\""), "{}", out.stdout);
        assert!(
            !out.all().contains(user),
            "user name printed: {}",
            out.all()
        );

        // The same from the environment only.
        let empty = tempfile::tempdir().unwrap();
        let status = Command::new(env!("CARGO_BIN_EXE_contrast-auth"))
            .arg("check")
            .current_dir(empty.path())
            .env_clear()
            .env("CONTRAST__API__URL", server.url())
            .env("CONTRAST__API__USER_NAME", user)
            .env("CONTRAST__API__SERVICE_KEY", SERVICE_KEY)
            .env("CONTRAST__API__API_KEY", API_KEY)
            .env("CONTRAST__API__CERTIFICATE__CA_FILE", &ca)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(0), "{user} from the environment");
        let stats = server.stats();
        assert_eq!(
            (stats.accepted, stats.rejected),
            (2, 0),
            "{user}: {stats:?}"
        );
        assert!(
            server
                .received()
                .iter()
                .all(|r| r.signature_labels == ["contrast"]),
            "every report signed"
        );
    }
}

// ---- Diagnostics (issue 15): unknown keys, every missing key, sources in errors, DNS,
// real attempt counts, the hint once, unreadable files, the /Contrast path.

/// Runs the binary in `dir` with only `env` set.
fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_contrast-auth"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    Output {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_str(out.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {}", out.all()))
}

/// `error.message` of a `--json` failure.
fn json_error_message(out: &Output) -> String {
    json_of(out)["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no error.message: {}", out.all()))
        .to_string()
}

#[test]
fn check_prints_unknown_keys_first_with_the_closest_known_key() {
    let s = setup();
    // A misspelled CA key: the CA is dropped, so the TLS check fails (exit 4), but the
    // first thing printed says why.
    let yaml = format!(
        "api:\n  url: {}\n  user_name: {USER}\n  service_key: {SERVICE_KEY}\n  api_key: {API_KEY}\n  api_kye: x\n  certificate:\n    ca_flie: {}\nagent:\n  logger:\n    levle: debug\nserver:\n  nmae: x\n",
        s.server.url(),
        s.dir.path().join("ca.pem").display()
    );
    std::fs::write(s.dir.path().join("contrast_security.yaml"), yaml).unwrap();
    let env = [("CONTRAST__API__PROXY__ENABEL", "true")];
    let out = run_env(s.dir.path(), &["check"], &env);
    assert_eq!(out.code, 4, "{}", out.all());
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines.len() > 3, "{}", out.stdout);
    let first: Vec<&str> = lines[..3].to_vec();
    assert!(
        first.iter().all(|l| l.starts_with("warning: ")),
        "{first:?}"
    );
    let text = first.join("\n");
    assert!(
        text.contains("`api.certificate.ca_flie`")
            && text.contains("did you mean `api.certificate.ca_file`?"),
        "{text}"
    );
    assert!(text.contains("did you mean `api.api_key`?"), "{text}");
    assert!(
        text.contains("`api.proxy.enabel` in environment CONTRAST__API__PROXY__ENABEL")
            && text.contains("did you mean `api.proxy.enable`?"),
        "{text}"
    );
    assert!(!out.stdout.contains("levle") && !out.stdout.contains("nmae"));
    assert_no_secret(&out.all());

    let out = run_env(s.dir.path(), &["check", "--json"], &env);
    assert_eq!(out.code, 4);
    let value = json_of(&out);
    let warnings = value["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    let ca = warnings
        .iter()
        .find(|w| w["key"] == "api.certificate.ca_flie")
        .expect("the CA typo");
    assert_eq!(ca["event"], "config.unknown_key");
    assert_eq!(ca["suggestion"], "api.certificate.ca_file");
    assert!(
        ca["origin"]
            .as_str()
            .unwrap()
            .ends_with("contrast_security.yaml")
    );
    // Also when loading fails (nothing else set): the warnings still come first.
    let empty = tempfile::tempdir().unwrap();
    let out = run_env(
        empty.path(),
        &["check"],
        &[("CONTRAST__API__SERVICE_KEE", "x")],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stdout
            .starts_with("warning: unknown configuration key `api.service_kee`")
            && out.stdout.contains("did you mean `api.service_key`?"),
        "{}",
        out.all()
    );
    let out = run_env(
        empty.path(),
        &["check", "--json"],
        &[("CONTRAST__API__SERVICE_KEE", "x")],
    );
    assert_eq!(json_of(&out)["warnings"][0]["key"], "api.service_kee");
}

#[test]
fn check_names_every_missing_key_at_once() {
    let empty = tempfile::tempdir().unwrap();
    let out = run_env(
        empty.path(),
        &["check"],
        &[("CONTRAST__API__URL", "https://teamserver.example/Contrast")],
    );
    assert_eq!(out.code, 2);
    for key in ["api.user_name", "api.service_key", "api.api_key"] {
        assert!(out.stderr.contains(&format!("`{key}`")), "{}", out.stderr);
    }
    assert!(out.stderr.contains("are not set"), "{}", out.stderr);
    assert!(!out.stderr.contains("`api.url`"), "{}", out.stderr);
    let out = run_env(empty.path(), &["check", "--json"], &[]);
    let message = json_error_message(&out);
    for key in ["api.url", "api.user_name", "api.service_key", "api.api_key"] {
        assert!(message.contains(key), "{message}");
    }
}

#[test]
fn check_refuses_http_first_naming_the_source() {
    let empty = tempfile::tempdir().unwrap();
    // Nothing else is set: the http:// URL is what is reported.
    let env = [("CONTRAST__API__URL", "http://teamserver.example/Contrast")];
    let out = run_env(empty.path(), &["check"], &env);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("https") && out.stderr.contains("environment CONTRAST__API__URL"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("not set"), "{}", out.stderr);
    let out = run_env(empty.path(), &["check", "--json"], &env);
    let message = json_error_message(&out);
    assert!(
        message.contains("environment CONTRAST__API__URL"),
        "{message}"
    );
}

#[test]
fn check_names_the_source_of_a_bad_token() {
    let empty = tempfile::tempdir().unwrap();
    let env = [("CONTRAST__API__TOKEN", "bm90IGpzb24=")];
    let out = run_env(empty.path(), &["check"], &env);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("api.token") && out.stderr.contains("environment CONTRAST__API__TOKEN"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("bm90IGpzb24="));
    let out = run_env(empty.path(), &["check", "--json"], &env);
    let message = json_error_message(&out);
    assert!(
        message.contains("environment CONTRAST__API__TOKEN"),
        "{message}"
    );
}

#[test]
fn check_says_when_a_host_cannot_be_resolved_and_counts_attempts() {
    let s = setup();
    s.write_config_url(
        "https://teamserver.example/Contrast",
        SERVICE_KEY,
        API_KEY,
        true,
    );
    let out = s.run(&["check"]);
    assert_eq!(out.code, 4, "{}", out.all());
    assert!(
        out.stdout
            .contains("cannot resolve host teamserver.example: "),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("after 2 attempt(s)"), "{}", out.stdout);
    assert!(!out.stdout.contains("uncategorized"), "{}", out.stdout);
    let out = s.run(&["check", "--json"]);
    let value = json_of(&out);
    assert_eq!(value["attempts"], 2, "{value}");
    assert!(
        value["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot resolve host teamserver.example: "),
        "{value}"
    );
}

#[test]
fn a_rejection_hint_is_printed_once_and_json_counts_attempts() {
    let s = setup();
    s.write_config(SERVICE_KEY, "WRONGAPIKEY000", true);
    let out = s.run(&["check"]);
    assert_eq!(out.code, 3, "{}", out.all());
    assert_eq!(
        out.stdout.matches("authentication failed").count(),
        1,
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("what to check"), "{}", out.stdout);
    let value = json_of(&s.run(&["check", "--json"]));
    // One request, a reload that changed nothing, no second request.
    assert_eq!(value["attempts"], 1, "{value}");
    let error = value["error"].to_string();
    assert_eq!(error.matches("authentication failed").count(), 1, "{error}");
}

#[test]
fn an_unreadable_ca_file_names_its_key_and_source() {
    let s = setup();
    let yaml = format!(
        "api:\n  url: {}\n  user_name: {USER}\n  service_key: {SERVICE_KEY}\n  api_key: {API_KEY}\n",
        s.server.url()
    );
    std::fs::write(s.dir.path().join("contrast_security.yaml"), yaml).unwrap();
    let env = [("CONTRAST__API__CERTIFICATE__CA_FILE", "/nonexistent.pem")];
    let out = run_env(s.dir.path(), &["check"], &env);
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stdout
            .contains("`api.certificate.ca_file` names /nonexistent.pem")
            && out
                .stdout
                .contains("environment CONTRAST__API__CERTIFICATE__CA_FILE"),
        "{}",
        out.stdout
    );
    let value = json_of(&run_env(s.dir.path(), &["check", "--json"], &env));
    let message = value["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("api.certificate.ca_file")
            && message.contains("CONTRAST__API__CERTIFICATE__CA_FILE"),
        "{message}"
    );
    assert_eq!(value["attempts"], 0);
}

#[test]
fn a_url_without_the_contrast_path_gives_a_warning() {
    let s = setup();
    let root = s.server.url().trim_end_matches("/Contrast").to_string();
    s.write_config_url(&root, SERVICE_KEY, API_KEY, true);
    let out = s.run(&["check"]);
    assert!(
        out.stdout.starts_with("warning: `api.url`") && out.stdout.contains("/Contrast"),
        "{}",
        out.all()
    );
    let value = json_of(&s.run(&["check", "--json"]));
    assert_eq!(value["warnings"][0]["event"], "config.url_path", "{value}");
    // With the path: no warning.
    s.write_config(SERVICE_KEY, API_KEY, true);
    let value = json_of(&s.run(&["check", "--json"]));
    assert_eq!(value["warnings"], serde_json::json!([]), "{value}");
    assert_eq!(value["attempts"], 1);
}
