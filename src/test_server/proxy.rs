//! A minimal HTTP CONNECT proxy on loopback for tests (Rust, and other languages through
//! `contrast-auth test-server --proxy`): it tunnels to any target, records each
//! `Proxy-Authorization` it was sent, and optionally requires Basic credentials (407
//! otherwise).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine as _;

/// What the proxy saw.
#[derive(Default)]
struct Record {
    tunnels: AtomicU64,
    refused: AtomicU64,
    authorizations: Mutex<Vec<Option<String>>>,
}

/// A running CONNECT proxy on `127.0.0.1` (threads end with the process).
pub struct ConnectProxy {
    port: u16,
    record: Arc<Record>,
}

impl std::fmt::Debug for ConnectProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectProxy")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl ConnectProxy {
    /// Starts a proxy that tunnels every CONNECT, with or without credentials.
    pub fn start() -> io::Result<ConnectProxy> {
        Self::start_with(None)
    }

    /// Starts a proxy that answers 407 unless `Proxy-Authorization` is Basic `user:pass`.
    pub fn start_requiring(user: &str, pass: &str) -> io::Result<ConnectProxy> {
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
        );
        Self::start_with(Some(expected))
    }

    fn start_with(required: Option<String>) -> io::Result<ConnectProxy> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let record = Arc::new(Record::default());
        let shared = record.clone();
        let required = Arc::new(required);
        std::thread::Builder::new()
            .name("test-proxy-accept".into())
            .spawn(move || {
                for client in listener.incoming().flatten() {
                    let (record, required) = (shared.clone(), required.clone());
                    let _ = std::thread::Builder::new()
                        .name("test-proxy-tunnel".into())
                        .spawn(move || {
                            let _ = tunnel(client, &record, required.as_deref());
                        });
                }
            })?;
        Ok(ConnectProxy { port, record })
    }

    /// The port on `127.0.0.1`.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Tunnels opened.
    pub fn tunnels(&self) -> u64 {
        self.record.tunnels.load(Ordering::SeqCst)
    }

    /// CONNECT requests refused with 407.
    pub fn refused(&self) -> u64 {
        self.record.refused.load(Ordering::SeqCst)
    }

    /// The `Proxy-Authorization` value of each CONNECT request, in order (`None` when absent).
    pub fn authorizations(&self) -> Vec<Option<String>> {
        self.record
            .authorizations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

fn tunnel(client: TcpStream, record: &Record, required: Option<&str>) -> io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        head.push_str(&line);
        if line == "\r\n" || head.len() > 64 * 1024 {
            break;
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut request = httparse::Request::new(&mut headers);
    let mut client_write = client.try_clone()?;
    if request.parse(head.as_bytes()).is_err() || request.method != Some("CONNECT") {
        client_write.write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")?;
        return Ok(());
    }
    let target = request.path.unwrap_or_default().to_string();
    let authorization = request
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("proxy-authorization"))
        .map(|h| String::from_utf8_lossy(h.value).into_owned());
    let allowed = required.is_none_or(|r| authorization.as_deref() == Some(r));
    record
        .authorizations
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(authorization);
    if !allowed {
        record.refused.fetch_add(1, Ordering::SeqCst);
        client_write.write_all(
            b"HTTP/1.1 407 Proxy Authentication Required\r\n\
              Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n",
        )?;
        return Ok(());
    }
    let upstream = TcpStream::connect(&target)?;
    record.tunnels.fetch_add(1, Ordering::SeqCst);
    client_write.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
    let mut upstream_read = upstream.try_clone()?;
    let mut upstream_write = upstream;
    upstream_write.write_all(reader.buffer())?;
    let mut client_read = reader.into_inner();
    let up = std::thread::spawn(move || {
        let _ = io::copy(&mut client_read, &mut upstream_write);
        let _ = upstream_write.shutdown(std::net::Shutdown::Write);
    });
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = upstream_read.read(&mut buf)?;
        if n == 0 {
            break;
        }
        client_write.write_all(&buf[..n])?;
    }
    let _ = client_write.shutdown(std::net::Shutdown::Write);
    let _ = up.join();
    Ok(())
}
