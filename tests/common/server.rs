//! The real `corridor` binary on an ephemeral loopback port, owned by a guard whose `Drop`
//! kills and reaps the child, and a raw HTTP/1.1 client for it.
//!
//! No server outlives its test: the guard is dropped when the test returns or panics, and on
//! Linux the child also gets `SIGKILL` from the kernel if the thread that started it dies
//! without unwinding (the test binary killed, `panic = "abort"`). Keep the guard in the
//! test's own thread (not in a `static`, which is never dropped).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `corridor serve`, killed and reaped when dropped.
pub struct Server {
    child: Child,
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub base: String,
}

impl Server {
    /// Starts the binary on `127.0.0.1:0` with the given data directory (or the embedded
    /// data) and extra environment, and waits until it prints its address.
    pub fn start(data: Option<&Path>, env: &[(&str, &str)]) -> Server {
        Self::spawn(data, env, &[])
    }

    /// Like [`Server::start`], with extra `serve` arguments.
    pub fn start_with_args(data: Option<&Path>, args: &[&str]) -> Server {
        Self::spawn(data, &[], args)
    }

    /// Like [`Server::start`], with extra environment and `serve` arguments.
    pub fn spawn_with(data: Option<&Path>, env: &[(&str, &str)], args: &[&str]) -> Server {
        Self::spawn(data, env, args)
    }

    fn spawn(data: Option<&Path>, env: &[(&str, &str)], args: &[&str]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_corridor"));
        cmd.args(["serve", "--bind", "127.0.0.1:0"]).args(args);
        if let Some(d) = data {
            cmd.arg("--data").arg(d);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::process::CommandExt;
            // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
            unsafe {
                cmd.pre_exec(|| {
                    if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let mut child = cmd.spawn().expect("spawn corridor");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            while let Some(Ok(line)) = lines.next() {
                if let Some(url) = line.strip_prefix("corridor listening on ") {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let base = loop {
            if let Ok(url) = rx.recv_timeout(Duration::from_millis(100)) {
                break url;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("corridor exited early: {status}");
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("corridor did not start within 60 s");
            }
        };
        Server { child, base }
    }

    /// Process id, for signals.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `host:port` of the listener.
    pub fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    /// GET `path` (with query) and return (status, content-type, body).
    pub fn get(&self, path: &str) -> (u16, String, String) {
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(30))
            .build();
        match agent.get(&format!("{}{}", self.base, path)).call() {
            Ok(r) => (
                r.status(),
                r.content_type().to_string(),
                r.into_string().unwrap_or_default(),
            ),
            Err(ureq::Error::Status(code, r)) => (
                code,
                r.content_type().to_string(),
                r.into_string().unwrap_or_default(),
            ),
            Err(e) => panic!("GET {path}: {e}"),
        }
    }

    /// Sends one request over a fresh connection, exactly as given (the target is not
    /// re-encoded), with `Host: localhost` and `Connection: close`.
    pub fn request(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> RawResponse {
        let mut head =
            format!("{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if !body.is_empty() || method == "POST" {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        send_raw(self.addr(), &bytes)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP response read off the wire.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// Status code (0 when nothing parseable came back).
    pub status: u16,
    /// Header names (lower-case) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The content type, or "" when absent.
    pub fn content_type(&self) -> String {
        self.header("content-type").unwrap_or_default().to_string()
    }

    /// The body as (lossy) UTF-8.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Writes `request` (complete bytes) to `addr` and reads the response until the server
/// closes. A server may answer and close before reading a large body (413): write errors
/// are then ignored and whatever response arrived is parsed.
pub fn send_raw(addr: &str, request: &[u8]) -> RawResponse {
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let _ = s.write_all(request);
    let mut buf = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    loop {
        match s.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if buf.is_empty() => panic!("read from {addr}: {e}"),
            Err(_) => break,
        }
    }
    parse_response(&buf)
}

/// As [`send_raw`], for several requests on one connection (the last one should close it):
/// every response, in order.
pub fn send_raw_all(addr: &str, requests: &[u8]) -> Vec<RawResponse> {
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let _ = s.write_all(requests);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let mut out = Vec::new();
    let mut rest = &buf[..];
    while !rest.is_empty() {
        let (r, used) = parse_one(rest);
        out.push(r);
        if used == 0 {
            break;
        }
        rest = &rest[used..];
    }
    out
}

/// One response at the start of `buf` framed by its `Content-Length`, and the bytes it
/// took (0 when it has none: the rest is its body).
fn parse_one(buf: &[u8]) -> (RawResponse, usize) {
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(buf.len());
    let head = parse_response(&buf[..split.min(buf.len())]);
    let Some(len) = head
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    else {
        return (parse_response(buf), 0);
    };
    let end = (split + 4 + len).min(buf.len());
    (parse_response(&buf[..end]), end)
}

fn parse_response(buf: &[u8]) -> RawResponse {
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(buf.len());
    let head = String::from_utf8_lossy(&buf[..split]);
    let raw_body = buf.get(split + 4..).unwrap_or_default();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        dechunk(raw_body)
    } else {
        raw_body.to_vec()
    };
    RawResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size_line = String::from_utf8_lossy(&data[..eol]);
        let size = usize::from_str_radix(size_line.split(';').next().unwrap_or("").trim(), 16)
            .unwrap_or(0);
        data = &data[eol + 2..];
        if size == 0 || data.len() < size {
            break;
        }
        out.extend_from_slice(&data[..size]);
        data = data.get(size + 2..).unwrap_or_default();
    }
    out
}
