//! The Redis replay store (cargo feature `redis`): nonces shared by every node of a fleet,
//! on a single Redis server or a Redis Cluster.
//!
//! One command per nonce, `SET <prefix><nonce> 1 NX PX <ms>`: `OK` is fresh, nil a replay.
//! Keys are spread over the cluster's slots (no multi-key command, no hash tag). Connections
//! come from an `r2d2` pool, with connection and command timeouts. A command is never sent
//! twice for one nonce (a retry after a timeout could find its own first write and call a
//! legitimate request a replay): every error is returned at once, fail closed, and the
//! connection that saw it is dropped (a cluster connection reloads the slot map when it is
//! made again). Optionally `WAIT` holds the answer until replicas have the nonce.

use std::fmt;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use redis::{ConnectionLike, RedisError, ServerErrorKind, Value};

use crate::signing::replay::{Nonce, Recorded, ReplayStore, ReplayStoreError, time_to_keep_ms};

/// Where a verifier keeps its nonces, as the test server's `--replay-store` gives it:
/// `memory`, `redis://HOST:PORT[/DB]`, `rediss://...` (TLS), or
/// `redis-cluster://HOST:PORT,HOST:PORT,...` (seed nodes of a Redis Cluster;
/// `rediss-cluster://` with TLS). User and password may precede the host(s) as `USER:PASS@`.
#[derive(Clone, PartialEq, Eq)]
pub enum ReplayStoreUrl {
    /// The in-memory store of this process.
    Memory,
    /// One Redis server (the URL as the `redis` crate reads it).
    Redis(String),
    /// A Redis Cluster: one `redis://` or `rediss://` URL per seed node.
    Cluster(Vec<String>),
}

impl fmt::Debug for ReplayStoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Display for ReplayStoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Checks one `redis://` / `rediss://` URL: host, port, optional numeric database, nothing else.
fn check_node_url(url: &str, allow_db: bool) -> Result<(), &'static str> {
    let parsed = url::Url::parse(url).map_err(|_| "not a valid URL")?;
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("has no host");
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err("has a query or fragment");
    }
    let path = parsed.path().trim_start_matches('/');
    if !path.is_empty() {
        if !allow_db {
            return Err("a cluster node has no database number");
        }
        if path.parse::<u16>().is_err() {
            return Err("the database is not a number");
        }
    }
    Ok(())
}

/// The URL with any password replaced by `***`.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "(unparsable URL)".into(),
    }
}

impl ReplayStoreUrl {
    /// Parses a `--replay-store` value. The error names what is wrong, never the password.
    pub fn parse(value: &str) -> Result<Self, String> {
        if value == "memory" {
            return Ok(ReplayStoreUrl::Memory);
        }
        if value.chars().any(char::is_control) {
            return Err("contains a control character".into());
        }
        let (scheme, rest) = value
            .split_once("://")
            .ok_or("expected memory, redis://, rediss://, redis-cluster:// or rediss-cluster://")?;
        match scheme {
            "redis" | "rediss" => {
                check_node_url(value, true).map_err(|e| format!("{scheme}:// URL {e}"))?;
                Ok(ReplayStoreUrl::Redis(value.to_string()))
            }
            "redis-cluster" | "rediss-cluster" => {
                let node_scheme = if scheme == "redis-cluster" {
                    "redis"
                } else {
                    "rediss"
                };
                let (userinfo, hosts) = match rest.rsplit_once('@') {
                    Some((userinfo, hosts)) => (format!("{userinfo}@"), hosts),
                    None => (String::new(), rest),
                };
                let hosts = hosts.strip_suffix('/').unwrap_or(hosts);
                let mut nodes = Vec::new();
                for host in hosts.split(',') {
                    if host.is_empty() || host.contains('/') {
                        return Err(format!("{scheme}:// expects HOST:PORT,HOST:PORT,..."));
                    }
                    let node = format!("{node_scheme}://{userinfo}{host}");
                    check_node_url(&node, false)
                        .map_err(|e| format!("{scheme}:// seed node {e}"))?;
                    if url::Url::parse(&node).ok().and_then(|u| u.port()).is_none() {
                        return Err(format!("{scheme}:// seed node has no port"));
                    }
                    nodes.push(node);
                }
                Ok(ReplayStoreUrl::Cluster(nodes))
            }
            _ => Err(
                "expected memory, redis://, rediss://, redis-cluster:// or rediss-cluster://"
                    .into(),
            ),
        }
    }

    /// The URL as it may be shown: passwords replaced by `***`.
    pub fn redacted(&self) -> String {
        match self {
            ReplayStoreUrl::Memory => "memory".into(),
            ReplayStoreUrl::Redis(url) => redact(url),
            ReplayStoreUrl::Cluster(nodes) => {
                let shown: Vec<String> = nodes.iter().map(|n| redact(n)).collect();
                format!("cluster[{}]", shown.join(","))
            }
        }
    }
}

/// Settings of a [`RedisReplayStore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisStoreOptions {
    /// Prepended to every key (default `contrast-auth:nonce:`).
    pub key_prefix: String,
    /// How long to wait for a connection to be made (default 1 s).
    pub connection_timeout: Duration,
    /// How long to wait for an answer (default 500 ms).
    pub command_timeout: Duration,
    /// Most connections held (default 64: one per concurrent request).
    pub pool_size: u32,
    /// Answer only once this many replicas acknowledged the nonce (`WAIT n timeout`); 0 (the
    /// default) answers on the primary's write.
    pub wait_replicas: u32,
    /// The `WAIT` timeout (default 100 ms); fewer acknowledgements in time fail closed. It is
    /// added to the command timeout for the reply of `WAIT`.
    pub wait_timeout: Duration,
    /// Gather concurrent calls into one pipeline (default true): two threads send whatever is
    /// waiting as one batch of `SET`s (one `WAIT` per batch), so a node under load makes one
    /// round trip for many requests. An error of a batch is every waiting call's error.
    pub batching: bool,
    /// How many threads send batches; 0 (the default): 2 for one server, 8 for a cluster (a
    /// cluster batch waits for its slowest primary; measured in BENCHMARKS.md).
    pub batch_threads: u32,
}

impl RedisStoreOptions {
    /// How long a reply may take: the command timeout, plus the `WAIT` timeout when waiting.
    fn read_timeout(&self) -> Duration {
        if self.wait_replicas > 0 {
            self.command_timeout + self.wait_timeout
        } else {
            self.command_timeout
        }
    }
}

impl Default for RedisStoreOptions {
    fn default() -> Self {
        RedisStoreOptions {
            key_prefix: "contrast-auth:nonce:".into(),
            connection_timeout: Duration::from_secs(1),
            command_timeout: Duration::from_millis(500),
            pool_size: 64,
            wait_replicas: 0,
            wait_timeout: Duration::from_millis(100),
            batching: true,
            batch_threads: 0,
        }
    }
}

/// A pooled connection and whether it saw an error (then it is dropped, never reused).
struct Pooled<C> {
    connection: C,
    broken: bool,
}

struct Standalone {
    client: redis::Client,
    options: RedisStoreOptions,
}

impl r2d2::ManageConnection for Standalone {
    type Connection = Pooled<redis::Connection>;
    type Error = RedisError;

    fn connect(&self) -> Result<Self::Connection, RedisError> {
        let connection = self
            .client
            .get_connection_with_timeout(self.options.connection_timeout)?;
        connection.set_read_timeout(Some(self.options.read_timeout()))?;
        connection.set_write_timeout(Some(self.options.command_timeout))?;
        Ok(Pooled {
            connection,
            broken: false,
        })
    }

    fn is_valid(&self, pooled: &mut Self::Connection) -> Result<(), RedisError> {
        redis::cmd("PING").query::<()>(&mut pooled.connection)
    }

    fn has_broken(&self, pooled: &mut Self::Connection) -> bool {
        pooled.broken || !pooled.connection.is_open()
    }
}

struct Cluster {
    client: redis::cluster::ClusterClient,
}

impl r2d2::ManageConnection for Cluster {
    type Connection = Pooled<redis::cluster::ClusterConnection>;
    type Error = RedisError;

    fn connect(&self) -> Result<Self::Connection, RedisError> {
        Ok(Pooled {
            connection: self.client.get_connection()?,
            broken: false,
        })
    }

    fn is_valid(&self, pooled: &mut Self::Connection) -> Result<(), RedisError> {
        if pooled.connection.check_connection() {
            Ok(())
        } else {
            Err(RedisError::from(std::io::Error::from(
                std::io::ErrorKind::NotConnected,
            )))
        }
    }

    fn has_broken(&self, pooled: &mut Self::Connection) -> bool {
        pooled.broken || !pooled.connection.is_open()
    }
}

enum Backend {
    Standalone(r2d2::Pool<Standalone>),
    Cluster(r2d2::Pool<Cluster>),
}

/// Nonces in Redis or a Redis Cluster, shared by a fleet (see the module documentation).
pub struct RedisReplayStore {
    inner: Arc<Inner>,
    /// The threads sending batches (with [`RedisStoreOptions::batching`]).
    workers: Vec<JoinHandle<()>>,
}

struct Inner {
    backend: Backend,
    options: RedisStoreOptions,
    shown: String,
    queue: Mutex<Queue>,
    queued: Condvar,
}

/// Requests waiting for a batch.
#[derive(Default)]
struct Queue {
    waiting: Vec<Arc<Waiting>>,
    closing: bool,
}

/// One `record` call waiting for its batch's answer.
struct Waiting {
    key: String,
    keep_ms: u64,
    outcome: Mutex<Option<Result<Recorded, ReplayStoreError>>>,
    answered: Condvar,
}

/// Most `SET`s in one batch.
const MAX_BATCH: usize = 256;

impl fmt::Debug for RedisReplayStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisReplayStore")
            .field("url", &self.inner.shown)
            .field("options", &self.inner.options)
            .finish()
    }
}

impl Drop for RedisReplayStore {
    fn drop(&mut self) {
        self.inner
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .closing = true;
        self.inner.queued.notify_all();
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

/// Maps a `redis` error to why the store could not answer (never its text: it may echo a
/// command or an address).
fn classify(error: &RedisError) -> ReplayStoreError {
    if error.is_timeout() {
        return ReplayStoreError::Timeout;
    }
    if let Some(code) = error.code()
        && code == "OOM"
    {
        return ReplayStoreError::OutOfMemory;
    }
    match error.kind() {
        redis::ErrorKind::Server(kind) => match kind {
            ServerErrorKind::ClusterDown
            | ServerErrorKind::MasterDown
            | ServerErrorKind::TryAgain
            | ServerErrorKind::ReadOnly => ReplayStoreError::ClusterDown,
            ServerErrorKind::Moved | ServerErrorKind::Ask => ReplayStoreError::Moved,
            _ => ReplayStoreError::Refused,
        },
        redis::ErrorKind::Io | redis::ErrorKind::ClusterConnectionNotFound => {
            ReplayStoreError::Unreachable
        }
        _ => {
            if error.is_io_error() || error.is_connection_refusal() {
                ReplayStoreError::Unreachable
            } else {
                ReplayStoreError::Refused
            }
        }
    }
}

/// The Redis Cluster hash slot of a key without hash tag: CRC16 (XMODEM) mod 16384.
fn key_slot(key: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &byte in key {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc % 16384
}

impl RedisReplayStore {
    /// Connects to the store `url` names (not [`ReplayStoreUrl::Memory`]) and checks that it
    /// answers (`PING`), so that a wrong address is reported at start, not on the first
    /// request. The error names the kind of failure, never the password.
    pub fn connect(url: &ReplayStoreUrl, options: RedisStoreOptions) -> Result<Self, String> {
        let shown = url.redacted();
        fn pool_builder<M: r2d2::ManageConnection>(
            options: &RedisStoreOptions,
        ) -> r2d2::Builder<M> {
            r2d2::Pool::builder()
                .max_size(options.pool_size.max(1))
                .min_idle(Some(0))
                .test_on_check_out(false)
                .connection_timeout(options.connection_timeout)
                .error_handler(Box::new(r2d2::NopErrorHandler))
        }
        let describe = |e: &RedisError| format!("{} ({})", classify(e), shown);
        let backend = match url {
            ReplayStoreUrl::Memory => {
                return Err("the memory store is not a Redis store".into());
            }
            ReplayStoreUrl::Redis(url) => {
                let client = redis::Client::open(url.as_str()).map_err(|e| describe(&e))?;
                let manager = Standalone {
                    client,
                    options: options.clone(),
                };
                let mut first =
                    r2d2::ManageConnection::connect(&manager).map_err(|e| describe(&e))?;
                redis::cmd("PING")
                    .query::<()>(&mut first.connection)
                    .map_err(|e| describe(&e))?;
                Backend::Standalone(pool_builder(&options).build_unchecked(manager))
            }
            ReplayStoreUrl::Cluster(nodes) => {
                let client =
                    redis::cluster::ClusterClient::builder(nodes.iter().map(String::as_str))
                        .connection_timeout(options.connection_timeout)
                        .response_timeout(options.read_timeout())
                        .retries(0)
                        .build()
                        .map_err(|e| describe(&e))?;
                let mut first = client.get_connection().map_err(|e| describe(&e))?;
                redis::cmd("PING")
                    .query::<()>(&mut first)
                    .map_err(|e| describe(&e))?;
                Backend::Cluster(pool_builder(&options).build_unchecked(Cluster { client }))
            }
        };
        let workers = match (options.batching, options.batch_threads, &backend) {
            (false, _, _) => 0,
            (true, 0, Backend::Standalone(_)) => 2,
            (true, 0, Backend::Cluster(_)) => 8,
            (true, n, _) => n,
        };
        let inner = Arc::new(Inner {
            backend,
            options,
            shown,
            queue: Mutex::new(Queue::default()),
            queued: Condvar::new(),
        });
        let workers = (0..workers)
            .map(|i| {
                let inner = inner.clone();
                std::thread::Builder::new()
                    .name(format!("replay-store-batch-{i}"))
                    .spawn(move || inner.send_batches())
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("cannot start the batch threads: {}", e.kind()))?;
        Ok(RedisReplayStore { inner, workers })
    }

    /// The store's address, password redacted.
    pub fn url(&self) -> &str {
        &self.inner.shown
    }

    /// The settings.
    pub fn options(&self) -> &RedisStoreOptions {
        &self.inner.options
    }

    /// Checks that the store answers.
    pub fn ping(&self) -> Result<(), ReplayStoreError> {
        self.inner.ping()
    }
}

impl Inner {
    fn ping(&self) -> Result<(), ReplayStoreError> {
        let ping = redis::cmd("PING");
        match &self.backend {
            Backend::Standalone(pool) => {
                let mut pooled = pool.get().map_err(|_| ReplayStoreError::Unreachable)?;
                run(&mut pooled, |c| ping.query::<()>(c))
            }
            Backend::Cluster(pool) => {
                let mut pooled = pool.get().map_err(|_| ReplayStoreError::Unreachable)?;
                run(&mut pooled, |c| ping.query::<()>(c))
            }
        }
    }

    fn key(&self, nonce: &Nonce) -> String {
        let mut key = String::with_capacity(self.options.key_prefix.len() + 22);
        key.push_str(&self.options.key_prefix);
        URL_SAFE_NO_PAD.encode_string(nonce, &mut key);
        key
    }
}

/// Runs `f` on a pooled connection; any error marks the connection broken.
fn run<C, T>(
    pooled: &mut Pooled<C>,
    f: impl FnOnce(&mut C) -> redis::RedisResult<T>,
) -> Result<T, ReplayStoreError> {
    f(&mut pooled.connection).map_err(|e| {
        pooled.broken = true;
        classify(&e)
    })
}

/// `OK` → fresh, nil → replayed.
fn outcome(reply: Option<String>) -> Recorded {
    match reply {
        Some(_) => Recorded::Fresh,
        None => Recorded::Replayed,
    }
}

impl ReplayStore for RedisReplayStore {
    fn record(
        &self,
        nonce: &Nonce,
        until_ms: u64,
        now_ms: u64,
    ) -> Result<Recorded, ReplayStoreError> {
        let key = self.inner.key(nonce);
        let keep_ms = time_to_keep_ms(until_ms, now_ms);
        if self.workers.is_empty() {
            return self.inner.record_one(&key, keep_ms);
        }
        let waiting = Arc::new(Waiting {
            key,
            keep_ms,
            outcome: Mutex::new(None),
            answered: Condvar::new(),
        });
        self.inner
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .waiting
            .push(waiting.clone());
        self.inner.queued.notify_one();
        // A batch is answered within its timeouts; past them (and a margin) this call gives
        // up: the nonce may still be recorded, the request is refused (never accepted).
        let limit = self.inner.options.connection_timeout
            + self.inner.options.read_timeout()
            + Duration::from_secs(1);
        let outcome = waiting.outcome.lock().unwrap_or_else(|p| p.into_inner());
        let (mut outcome, _) = waiting
            .answered
            .wait_timeout_while(outcome, limit, |o| o.is_none())
            .unwrap_or_else(|p| p.into_inner());
        outcome.take().unwrap_or(Err(ReplayStoreError::Timeout))
    }
}

impl Inner {
    /// A batch thread: takes whatever is waiting (up to [`MAX_BATCH`]), sends it as one
    /// pipeline, answers each waiting call; until the store is dropped.
    fn send_batches(&self) {
        loop {
            let batch: Vec<Arc<Waiting>> = {
                let queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
                let mut queue = self
                    .queued
                    .wait_while(queue, |q| q.waiting.is_empty() && !q.closing)
                    .unwrap_or_else(|p| p.into_inner());
                if queue.waiting.is_empty() {
                    return; // closing
                }
                let take = queue.waiting.len().min(MAX_BATCH);
                queue.waiting.drain(..take).collect()
            };
            let outcomes = self.record_batch(&batch);
            for (waiting, outcome) in batch.iter().zip(outcomes) {
                *waiting.outcome.lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
                waiting.answered.notify_one();
            }
        }
    }

    /// One pipeline of `SET ... NX PX` (and one `WAIT` for the whole batch when asked).
    fn record_batch(&self, batch: &[Arc<Waiting>]) -> Vec<Result<Recorded, ReplayStoreError>> {
        let all = |e: ReplayStoreError| vec![Err(e); batch.len()];
        let replies: Result<(Vec<Value>, Option<u32>), ReplayStoreError> = match &self.backend {
            Backend::Standalone(pool) => {
                let Ok(mut pooled) = pool.get() else {
                    return all(ReplayStoreError::Unreachable);
                };
                let mut pipe = redis::pipe();
                pipe.ignore_errors();
                for w in batch {
                    pipe.cmd("SET")
                        .arg(&w.key)
                        .arg(1)
                        .arg("NX")
                        .arg("PX")
                        .arg(w.keep_ms);
                }
                if self.options.wait_replicas > 0 {
                    pipe.cmd("WAIT")
                        .arg(self.options.wait_replicas)
                        .arg(self.options.wait_timeout.as_millis() as u64);
                }
                run(&mut pooled, |c| pipe.query::<Vec<Value>>(c)).map(|mut values| {
                    let acknowledged = (self.options.wait_replicas > 0)
                        .then(|| values.pop())
                        .flatten()
                        .map(|v| match v {
                            Value::Int(n) => u32::try_from(n).unwrap_or(0),
                            _ => 0,
                        });
                    (values, acknowledged)
                })
            }
            Backend::Cluster(pool) => {
                let Ok(mut pooled) = pool.get() else {
                    return all(ReplayStoreError::Unreachable);
                };
                let mut pipe = redis::cluster::cluster_pipe();
                for w in batch {
                    pipe.cmd("SET")
                        .arg(&w.key)
                        .arg(1)
                        .arg("NX")
                        .arg("PX")
                        .arg(w.keep_ms);
                }
                run(&mut pooled, |c| pipe.query::<Vec<Value>>(c)).and_then(|values| {
                    if self.options.wait_replicas == 0 {
                        return Ok((values, None));
                    }
                    // WAIT goes to every primary (the least count is the answer): each counts
                    // the replicas that have all of this connection's writes to it.
                    let mut wait = redis::cmd("WAIT");
                    wait.arg(self.options.wait_replicas)
                        .arg(self.options.wait_timeout.as_millis() as u64);
                    let acknowledged: u32 = run(&mut pooled, |c| wait.query(c))?;
                    Ok((values, Some(acknowledged)))
                })
            }
        };
        let (values, acknowledged) = match replies {
            Ok(replies) => replies,
            Err(e) => return all(e),
        };
        if values.len() != batch.len() {
            return all(ReplayStoreError::Refused);
        }
        if let Some(acknowledged) = acknowledged
            && acknowledged < self.options.wait_replicas
        {
            return all(ReplayStoreError::NotReplicated);
        }
        values
            .into_iter()
            .map(|value| match value {
                Value::Nil => Ok(Recorded::Replayed),
                Value::Okay | Value::SimpleString(_) => Ok(Recorded::Fresh),
                Value::ServerError(e) => Err(classify(&RedisError::from(e))),
                _ => Err(ReplayStoreError::Refused),
            })
            .collect()
    }

    /// One `SET ... NX PX` (and `WAIT` when asked) on a pooled connection.
    fn record_one(&self, key: &str, keep_ms: u64) -> Result<Recorded, ReplayStoreError> {
        let mut set = redis::cmd("SET");
        set.arg(key).arg(1).arg("NX").arg("PX").arg(keep_ms);
        let wait = (self.options.wait_replicas > 0).then(|| {
            let mut wait = redis::cmd("WAIT");
            wait.arg(self.options.wait_replicas)
                .arg(self.options.wait_timeout.as_millis() as u64);
            wait
        });
        let replicated = |acknowledged: u32| {
            if acknowledged >= self.options.wait_replicas {
                Ok(())
            } else {
                Err(ReplayStoreError::NotReplicated)
            }
        };
        match &self.backend {
            Backend::Standalone(pool) => {
                let mut pooled = pool.get().map_err(|_| ReplayStoreError::Unreachable)?;
                let reply: Option<String> = run(&mut pooled, |c| set.query(c))?;
                if let Some(wait) = &wait {
                    let acknowledged: u32 = run(&mut pooled, |c| wait.query(c))?;
                    replicated(acknowledged)?;
                }
                Ok(outcome(reply))
            }
            Backend::Cluster(pool) => {
                let mut pooled = pool.get().map_err(|_| ReplayStoreError::Unreachable)?;
                let reply: Option<String> = run(&mut pooled, |c| set.query(c))?;
                if let Some(wait) = &wait {
                    use redis::cluster_routing::{
                        Route, RoutingInfo, SingleNodeRoutingInfo, SlotAddr,
                    };
                    // WAIT on the primary that took the write (the key's slot).
                    let route = RoutingInfo::SingleNode(SingleNodeRoutingInfo::SpecificNode(
                        Route::new(key_slot(key.as_bytes()), SlotAddr::Master),
                    ));
                    let value = run(&mut pooled, |c| c.route_command(wait, route))?;
                    let acknowledged: u32 = redis::from_redis_value(value).map_err(|_| {
                        pooled.broken = true;
                        ReplayStoreError::Refused
                    })?;
                    replicated(acknowledged)?;
                }
                Ok(outcome(reply))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_and_never_show_the_password() {
        assert_eq!(ReplayStoreUrl::parse("memory"), Ok(ReplayStoreUrl::Memory));
        let one = ReplayStoreUrl::parse("redis://:s3cret-pw@127.0.0.1:6379/2").unwrap();
        assert!(matches!(one, ReplayStoreUrl::Redis(_)));
        assert!(!one.redacted().contains("s3cret-pw"));
        assert!(!format!("{one:?} {one}").contains("s3cret-pw"));
        let cluster =
            ReplayStoreUrl::parse("rediss-cluster://u:s3cret-pw@127.0.0.1:7000,127.0.0.1:7001")
                .unwrap();
        let ReplayStoreUrl::Cluster(nodes) = &cluster else {
            panic!("{cluster}")
        };
        assert_eq!(nodes.len(), 2);
        assert!(nodes[1].starts_with("rediss://u:s3cret-pw@127.0.0.1:7001"));
        assert!(!cluster.redacted().contains("s3cret-pw"));
        for bad in [
            "",
            "mem",
            "http://h:1",
            "redis://",
            "redis://h:1/x",
            "redis://h:1?a=b",
            "redis-cluster://",
            "redis-cluster://h:1,,h:2",
            "redis-cluster://h:1/0",
            "redis-cluster://h",
            "redis://:pw@h:1/\n",
        ] {
            let error = ReplayStoreUrl::parse(bad).unwrap_err();
            assert!(!error.contains("pw"), "{bad}: {error}");
        }
    }

    #[test]
    fn slots_match_redis() {
        // Values from `CLUSTER KEYSLOT`.
        assert_eq!(key_slot(b"foo"), 12182);
        assert_eq!(key_slot(b"123456789"), 12739);
    }
}
