//! `NativeAuth`: the handle behind `ContrastAuth` (`lib/auth.js`): the credential store, its
//! transport client and a signer. Every method only converts arguments and results and maps
//! errors; the work is done by the core (`contrast_auth::store`, `contrast_auth::signing`) and
//! `contrast_auth::transport`.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use contrast_auth::config::ConfigSources;
use contrast_auth::credentials::Credentials;
use contrast_auth::headers::HeaderOptions;
use contrast_auth::host_tls::TrustAnchors;
use contrast_auth::signing::{Message, SignatureHeaders, Signer, SignerOptions};
use contrast_auth::store::CredentialStore;
use contrast_auth::transport::{Client, TransportSettings};
use napi::Env;
use napi::bindgen_prelude::{AsyncTask, Either, Object};
use napi_derive::napi;
use zeroize::Zeroizing;

use crate::counters::Counters;
use crate::error::{self, Result, code, guard, invalid_argument};
use crate::send::SendTask;

/// The agent name of the Node binding: YAML is also searched in `/etc/contrast/node/`.
pub(crate) const AGENT: &str = "node";

/// What one `ContrastAuth` owns; shared with the sends in flight, so `close()` never waits
/// for them and they finish on the state they started with.
pub(crate) struct Bridge {
    pub(crate) store: Arc<CredentialStore>,
    pub(crate) client: Client,
    signer: Signer,
}

impl Bridge {
    /// A new handle owning `store` and its client.
    fn handle(store: CredentialStore, settings: TransportSettings) -> Result<NativeAuth> {
        let store = Arc::new(store);
        let client = Client::new(Arc::clone(&store), settings)
            .map_err(|e| error::error(error::send_code(&e), &e))?;
        Ok(NativeAuth {
            bridge: RefCell::new(Some(Arc::new(Bridge {
                store,
                client,
                signer: Signer::default(),
            }))),
        })
    }
}

/// The fingerprints of the current keys (first 8 hex digits of SHA-256; safe to log).
#[napi(object)]
pub struct Fingerprints {
    /// Of `api.user_name`.
    pub user_name: String,
    /// Of `api.service_key`.
    pub service_key: String,
    /// Of `api.api_key`.
    pub api_key: String,
    /// Of the signing key.
    pub signing_key: String,
    /// The generation of the snapshot they belong to.
    pub generation: f64,
}

impl From<contrast_auth::store::Fingerprints> for Fingerprints {
    fn from(f: contrast_auth::store::Fingerprints) -> Self {
        Fingerprints {
            user_name: f.user_name.to_string(),
            service_key: f.service_key.to_string(),
            api_key: f.api_key.to_string(),
            signing_key: f.signing_key.to_string(),
            generation: 0.0,
        }
    }
}

/// A contrast-auth handle (`None` inside once closed). Used on the JavaScript thread only;
/// each call takes its own reference to the bridge, so `close()` never waits for a send.
#[napi]
pub struct NativeAuth {
    bridge: RefCell<Option<Arc<Bridge>>>,
}

fn now_unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A body as bytes: a JavaScript string is signed and sent as its UTF-8.
fn body_bytes<'a>(body: &'a Either<String, &[u8]>) -> &'a [u8] {
    match body {
        Either::A(text) => text.as_bytes(),
        Either::B(bytes) => bytes,
    }
}

#[napi]
impl NativeAuth {
    /// A handle on explicit credentials (secrets are copied into zeroizing storage; the
    /// UTF-8 copies Node-API made are wiped when dropped).
    #[napi(factory)]
    pub fn from_credentials(
        url: String,
        user_name: String,
        service_key: String,
        api_key: String,
    ) -> Result<NativeAuth> {
        let (user_name, service_key, api_key) = (
            Zeroizing::new(user_name),
            Zeroizing::new(service_key),
            Zeroizing::new(api_key),
        );
        guard(|| {
            let credentials = Credentials::new(&url, &user_name, &service_key, &api_key)
                .map_err(error::config)?;
            let store = CredentialStore::new(credentials, HeaderOptions::default());
            Bridge::handle(store, TransportSettings::default())
        })
    }

    /// A handle from an agent token.
    #[napi(factory)]
    pub fn from_token(token: String) -> Result<NativeAuth> {
        let token = Zeroizing::new(token);
        guard(|| {
            let credentials = Credentials::from_token(&token).map_err(error::config)?;
            let store = CredentialStore::new(credentials, HeaderOptions::default());
            Bridge::handle(store, TransportSettings::default())
        })
    }

    /// A handle configured like every agent: environment, `contrast_security.yaml` (also in
    /// `<systemConfigDir>/node/`, default `/etc/contrast/node/`); `trustAnchors` are DER
    /// certificates trusted besides `api.certificate.ca_file`.
    #[napi(factory)]
    pub fn from_environment(
        trust_anchors: Vec<&[u8]>,
        system_config_dir: Option<String>,
    ) -> Result<NativeAuth> {
        guard(|| {
            let mut sources = ConfigSources::from_process().agent(AGENT);
            if let Some(dir) = system_config_dir {
                sources = sources.system_dir(dir);
            }
            let mut anchors = TrustAnchors::new();
            for (index, der) in trust_anchors.iter().enumerate() {
                anchors.add(der, index).map_err(error::config)?;
            }
            sources = sources.trust_anchors(anchors);
            let (store, configuration) =
                CredentialStore::load(sources, HeaderOptions::default()).map_err(error::config)?;
            let settings = TransportSettings::from_configuration(&configuration);
            Bridge::handle(store, settings)
        })
    }

    fn bridge(&self) -> Result<Arc<Bridge>> {
        self.bridge
            .borrow()
            .clone()
            .ok_or_else(|| error::error(code::CLOSED, "this ContrastAuth is closed"))
    }

    /// The `Authorization` value (a secret).
    #[napi]
    pub fn authorization_header(&self) -> Result<String> {
        guard(|| {
            let snapshot = self.bridge()?.store.load_snapshot();
            Ok(snapshot
                .headers()
                .authorization()
                .expose_secret()
                .to_string())
        })
    }

    /// The `API-Key` value (a secret).
    #[napi]
    pub fn api_key_header(&self) -> Result<String> {
        guard(|| {
            let snapshot = self.bridge()?.store.load_snapshot();
            Ok(snapshot.headers().api_key().expose_secret().to_string())
        })
    }

    /// `Authorization`, `API-Key`, `Accept`, `User-Agent`, from one snapshot.
    #[napi]
    pub fn headers(&self, env: Env) -> Result<Object<'_>> {
        guard(|| {
            let snapshot = self.bridge()?.store.load_snapshot();
            let headers = snapshot.headers();
            let mut out = Object::new(&env).map_err(error::napi)?;
            for (name, value) in [
                ("Authorization", headers.authorization().expose_secret()),
                ("API-Key", headers.api_key().expose_secret()),
                ("Accept", headers.accept()),
                ("User-Agent", headers.user_agent()),
            ] {
                out.set(name, value).map_err(error::napi)?;
            }
            Ok(out)
        })
    }

    /// `Content-Digest`, `Signature-Input`, `Signature` for one request: signed now with a
    /// fresh nonce, or, when `created` and `nonce` (16 bytes) are given, deterministically
    /// (the shared test vectors).
    #[napi]
    #[allow(clippy::too_many_arguments)] // the JavaScript signature, options spread
    pub fn sign(
        &self,
        env: Env,
        method: String,
        url: String,
        content_type: String,
        body: Either<String, &[u8]>,
        created: Option<f64>,
        nonce: Option<&[u8]>,
    ) -> Result<Object<'_>> {
        guard(|| {
            let bridge = self.bridge()?;
            let message = Message {
                method: &method,
                url: &url,
                content_type: &content_type,
                body: body_bytes(&body),
            };
            let headers: Zeroizing<SignatureHeaders> = Zeroizing::new(match (created, nonce) {
                (None, None) => bridge
                    .signer
                    .sign_from_store(&message, &bridge.store, now_unix_seconds())
                    .map_err(error::sign)?,
                (Some(created), Some(nonce)) => {
                    if !(created.is_finite() && created >= 0.0 && created.fract() == 0.0)
                        || created > 9_007_199_254_740_991.0
                    {
                        return Err(invalid_argument(
                            "options.created",
                            "must be a whole number of seconds, 0 or more",
                        ));
                    }
                    let nonce: [u8; 16] = nonce
                        .try_into()
                        .map_err(|_| invalid_argument("options.nonce", "must be 16 bytes"))?;
                    let options = SignerOptions::default();
                    let current = bridge.store.snapshot();
                    let previous = bridge.store.previous(options.previous_grace);
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let created = created as u64;
                    Signer::new(options)
                        .sign_with_nonce(&message, &current, previous.as_deref(), created, nonce)
                        .map_err(error::sign)?
                }
                _ => {
                    return Err(invalid_argument(
                        "options",
                        "give both `created` and `nonce`, or neither",
                    ));
                }
            });
            let mut out = Object::new(&env).map_err(error::napi)?;
            for (name, value) in headers.pairs() {
                out.set(name, value).map_err(error::napi)?;
            }
            Ok(out)
        })
    }

    /// Sends one report on libuv's thread pool; the body is copied first (the caller may
    /// change or drop its buffer while the report is in flight).
    #[napi(ts_return_type = "Promise<object>")]
    pub fn send(
        &self,
        method: String,
        path: String,
        content_type: String,
        body: Either<String, &[u8]>,
    ) -> Result<AsyncTask<SendTask>> {
        guard(|| {
            let bridge = self.bridge()?;
            let body = match body {
                Either::A(text) => text.into_bytes(),
                Either::B(bytes) => bytes.to_vec(),
            };
            Ok(AsyncTask::new(SendTask::new(
                bridge,
                method,
                path,
                content_type,
                body,
            )))
        })
    }

    /// Replaces one or both keys atomically (`null`/`undefined` keeps a layer); returns the
    /// new generation.
    #[napi]
    pub fn rotate(&self, service_key: Option<String>, api_key: Option<String>) -> Result<f64> {
        let (service_key, api_key) = (service_key.map(Zeroizing::new), api_key.map(Zeroizing::new));
        guard(|| {
            let report = self
                .bridge()?
                .store
                .rotate(
                    service_key.as_deref().map(String::as_str),
                    api_key.as_deref().map(String::as_str),
                )
                .map_err(error::config)?;
            #[allow(clippy::cast_precision_loss)]
            Ok(report.generation as f64)
        })
    }

    /// Re-reads the configuration sources; returns the names of what changed (`user_name`,
    /// `service_key`, `api_key`, `signing_key`, `url`), empty when nothing did.
    #[napi]
    pub fn reload(&self) -> Result<Vec<&'static str>> {
        guard(|| {
            let report = self.bridge()?.store.reload().map_err(error::config)?;
            Ok(report.changes.iter().map(|change| change.key).collect())
        })
    }

    /// Fingerprints of the current keys and their generation.
    #[napi]
    pub fn fingerprints(&self) -> Result<Fingerprints> {
        guard(|| {
            let snapshot = self.bridge()?.store.load_snapshot();
            #[allow(clippy::cast_precision_loss)]
            let generation = snapshot.generation() as f64;
            Ok(Fingerprints {
                generation,
                ..snapshot.fingerprints().into()
            })
        })
    }

    /// Running totals of this handle's reports.
    #[napi]
    pub fn counters(&self) -> Result<Counters> {
        guard(|| Ok(self.bridge()?.client.counters().into()))
    }

    /// Releases this handle's share of the native state (sends in flight keep theirs until they
    /// finish); idempotent.
    #[napi]
    pub fn close(&self) {
        self.bridge.borrow_mut().take();
    }
}
