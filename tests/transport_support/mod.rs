//! Shared set-up for the transport integration tests: a real TLS test server on loopback
//! with certificates made at test time, and clients that trust its CA.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use contrast_auth::test_server::{AcceptedCredentials, TestServer, TestServerOptions};
use contrast_auth::transport::{Client, ClientOptions, TransportSettings};
use contrast_auth::{ConfigSources, CredentialStore, Credentials, HeaderOptions, Secret};

pub const USER: &str = "agent_0123@OrgExample";
pub const SERVICE_KEY: &str = "SERVICEKEY1SECRETVALUE";
pub const API_KEY: &str = "APIKEY1SECRETVALUE0000";

pub fn accepted(service_key: &str, api_key: &str) -> AcceptedCredentials {
    AcceptedCredentials::new(
        Secret::from(USER),
        Secret::from(service_key),
        Secret::from(api_key),
    )
}

pub struct Fixture {
    pub server: TestServer,
    pub dir: tempfile::TempDir,
    pub ca_file: PathBuf,
}

impl Fixture {
    pub fn start(options: TestServerOptions) -> Fixture {
        Self::start_accepting(vec![accepted(SERVICE_KEY, API_KEY)], options)
    }

    pub fn start_accepting(
        accepted: Vec<AcceptedCredentials>,
        options: TestServerOptions,
    ) -> Fixture {
        let server = TestServer::start(accepted, options).expect("test server starts");
        let dir = tempfile::tempdir().expect("temp dir");
        let ca_file = dir.path().join("ca.pem");
        server.write_ca_file(&ca_file).expect("CA written");
        Fixture {
            server,
            dir,
            ca_file,
        }
    }

    pub fn credentials(&self, service_key: &str, api_key: &str) -> Credentials {
        Credentials::new(self.server.url(), USER, service_key, api_key).expect("valid credentials")
    }

    pub fn store(&self, service_key: &str, api_key: &str) -> Arc<CredentialStore> {
        Arc::new(CredentialStore::new(
            self.credentials(service_key, api_key),
            HeaderOptions::default(),
        ))
    }

    /// Settings that trust the test CA, with fast retries for tests.
    pub fn settings(&self) -> TransportSettings {
        let mut settings = TransportSettings {
            timeout: Duration::from_secs(5),
            options: fast_options(),
            ..TransportSettings::default()
        };
        settings.certificate.ca_file = Some(self.ca_file.clone());
        settings
    }

    pub fn client(&self, service_key: &str, api_key: &str) -> Client {
        Client::new(self.store(service_key, api_key), self.settings()).expect("client builds")
    }

    /// Writes `contrast_security.yaml` in the fixture directory.
    pub fn write_yaml(&self, service_key: &str, api_key: &str) {
        let text = format!(
            "api:\n  url: {}\n  user_name: {USER}\n  service_key: {service_key}\n  api_key: {api_key}\n  certificate:\n    ca_file: {}\n",
            self.server.url(),
            self.ca_file.display()
        );
        // Write then rename, so a reload never reads a half-written file.
        let staging = self.dir.path().join("contrast_security.yaml.new");
        std::fs::write(&staging, text).expect("yaml written");
        std::fs::rename(&staging, self.dir.path().join("contrast_security.yaml"))
            .expect("yaml renamed");
    }

    /// A store loaded from the fixture directory's YAML (reloadable), and its client.
    pub fn yaml_client(&self) -> Client {
        let sources = ConfigSources::new().working_dir(self.dir.path());
        let (store, configuration) =
            CredentialStore::load(sources, HeaderOptions::default()).expect("configuration loads");
        let mut settings = TransportSettings::from_configuration(&configuration);
        settings.options = fast_options();
        Client::new(Arc::new(store), settings).expect("client builds")
    }
}

pub fn fast_options() -> ClientOptions {
    ClientOptions {
        base_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
        deadline: Duration::from_secs(20),
        ..ClientOptions::default()
    }
}

/// Asserts that no secret value appears in `text`.
pub fn assert_no_secret(text: &str) {
    for secret in [SERVICE_KEY, API_KEY, USER] {
        assert!(!text.contains(secret), "a secret leaked into: {text}");
    }
}
