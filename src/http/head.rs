//! Request heads checked before actix-http parses them, so that a malformed or oversized head
//! is answered with a problem document like every other error.
//!
//! # Why here
//! actix-http's HTTP/1 dispatcher answers a head it cannot parse itself, before any
//! application code or middleware runs, with an empty body: `431` when the head outgrows its
//! 128 KiB read buffer (`MAX_BUFFER_SIZE`) or has more than 96 header fields (`MAX_HEADERS`),
//! `400` for anything else httparse, the `Uri` parser or its header rules refuse
//! (`h1/dispatcher.rs`, `poll_request`: `Response::with_body(431, ())`,
//! `Response::bad_request().drop_body()`). Neither the status nor the body can be configured.
//!
//! # How
//! [`CheckedStream`] wraps each accepted TCP stream. It holds back the bytes of every request
//! head until the head is complete and checks it with httparse under the same limits and the
//! same rules actix applies (method, target as a `Uri`, header names and values, one `Host`
//! on HTTP/1.1, `Content-Length` and `Transfer-Encoding`). A head that passes is handed on
//! byte for byte; its body is then passed through, counted by `Content-Length` or followed
//! chunk by chunk, so that the next head on a kept-alive connection is found. A head that
//! fails is replaced by a request of our own for `/.well-known/corridor-refused/{code}`
//! (carrying this process's random [`nonce`] and `Connection: close`), and nothing more is
//! read from the connection: actix then routes it like any request, after the answers to
//! the requests before it, and [`refused`] answers the problem document (`431` or `400`,
//! naming what was refused). Anything this checker does not follow (an upgrade, `CONNECT`, a
//! chunk framing it cannot read) is passed through untouched, and actix's own handling
//! applies.
//!
//! The cost is one more httparse pass over each head (microseconds), measured in the README.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::ApiError;

/// Longest request head accepted, bytes: actix-http's read buffer (`MAX_BUFFER_SIZE`).
pub const MAX_HEAD_BYTES: usize = 131_072;

/// Most header fields in a request: actix-http's `MAX_HEADERS`.
pub const MAX_HEADERS: usize = 96;

/// Longest request target the `http` crate's `Uri` parses, bytes.
pub const MAX_TARGET_BYTES: usize = 65_534;

/// Path prefix of the stand-in request for a refused head.
const REFUSED_PATH: &str = "/.well-known/corridor-refused/";

/// Header carrying [`nonce`] on a stand-in request.
const NONCE_HEADER: &str = "x-corridor-refused";

/// What was wrong with a request head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The head (request line and headers) is over [`MAX_HEAD_BYTES`].
    HeadTooLarge,
    /// More than [`MAX_HEADERS`] header fields.
    TooManyHeaders,
    /// The request target is over [`MAX_TARGET_BYTES`].
    TargetTooLong,
    /// The request line is malformed: method, target (raw non-ASCII bytes, spaces), version.
    RequestLine,
    /// A header field name is malformed.
    HeaderName,
    /// A header field value has a control byte (or a line break where none may be).
    HeaderValue,
    /// No `Host`, or more than one, on an HTTP/1.1 request.
    Host,
    /// `Content-Length` or `Transfer-Encoding` malformed, repeated or contradictory.
    Framing,
}

impl Refusal {
    const ALL: [Refusal; 8] = [
        Refusal::HeadTooLarge,
        Refusal::TooManyHeaders,
        Refusal::TargetTooLong,
        Refusal::RequestLine,
        Refusal::HeaderName,
        Refusal::HeaderValue,
        Refusal::Host,
        Refusal::Framing,
    ];

    /// The code in the stand-in request's path.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::HeadTooLarge => "head-too-large",
            Refusal::TooManyHeaders => "too-many-headers",
            Refusal::TargetTooLong => "target-too-long",
            Refusal::RequestLine => "request-line",
            Refusal::HeaderName => "header-name",
            Refusal::HeaderValue => "header-value",
            Refusal::Host => "host",
            Refusal::Framing => "framing",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The answer's status: 431 for the size limits of the head, 414 for the target, 400
    /// otherwise.
    pub fn status(self) -> StatusCode {
        match self {
            Refusal::HeadTooLarge | Refusal::TooManyHeaders => {
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
            }
            Refusal::TargetTooLong => StatusCode::URI_TOO_LONG,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// The answer's `detail`, naming what was refused.
    pub fn detail(self) -> String {
        match self {
            Refusal::HeadTooLarge => format!(
                "request head: the request line and headers exceed {MAX_HEAD_BYTES} bytes; \
                 send long place lists in a POST body (e.g. POST /v1/matrix)"
            ),
            Refusal::TooManyHeaders => {
                format!("headers: more than {MAX_HEADERS} header fields in one request")
            }
            Refusal::TargetTooLong => format!(
                "request target: the path and query exceed {MAX_TARGET_BYTES} bytes; send long \
                 place lists in a POST body (e.g. POST /v1/matrix)"
            ),
            Refusal::RequestLine => "request line: not `METHOD /path?query HTTP/1.1` in ASCII \
                (a raw non-ASCII byte, a space or a control byte in the target must be \
                percent-encoded)"
                .into(),
            Refusal::HeaderName => "headers: a header field name is not a token".into(),
            Refusal::HeaderValue => {
                "headers: a header field value holds a control byte or a bare line break".into()
            }
            Refusal::Host => "headers: an HTTP/1.1 request needs exactly one Host".into(),
            Refusal::Framing => "headers: Content-Length or Transfer-Encoding is malformed, \
                repeated, or both are given"
                .into(),
        }
    }
}

/// This process's random token marking stand-in requests, so that a client asking for
/// `/.well-known/corridor-refused/…` itself gets a plain 404.
pub fn nonce() -> &'static str {
    static NONCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NONCE.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.write_u32(std::process::id());
        let a = h.finish();
        h.write_u64(a);
        format!("{a:016x}{:016x}", h.finish())
    })
}

/// The stand-in request for a refused head.
fn stand_in(refusal: Refusal) -> Vec<u8> {
    format!(
        "GET {REFUSED_PATH}{} HTTP/1.1\r\nHost: localhost\r\n{NONCE_HEADER}: {}\r\n\
         Connection: close\r\n\r\n",
        refusal.code(),
        nonce()
    )
    .into_bytes()
}

/// Checks one complete head (`head` ends with its blank line); `Ok` with how its body is
/// framed.
fn check_head(head: &[u8]) -> Result<Body, Refusal> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        // The caller hands a head ending with its blank line: one httparse does not see
        // ending there is malformed.
        Ok(httparse::Status::Partial) => return Err(Refusal::RequestLine),
        Err(httparse::Error::TooManyHeaders) => return Err(Refusal::TooManyHeaders),
        Err(httparse::Error::HeaderName) => return Err(Refusal::HeaderName),
        Err(httparse::Error::HeaderValue | httparse::Error::NewLine) => {
            return Err(Refusal::HeaderValue);
        }
        Err(_) => return Err(Refusal::RequestLine),
    }
    let (Some(method), Some(path), Some(version)) = (req.method, req.path, req.version) else {
        return Err(Refusal::RequestLine);
    };
    if actix_web::http::Method::from_bytes(method.as_bytes()).is_err() {
        return Err(Refusal::RequestLine);
    }
    if path.len() > MAX_TARGET_BYTES {
        return Err(Refusal::TargetTooLong);
    }
    if actix_web::http::Uri::try_from(path).is_err() {
        return Err(Refusal::RequestLine);
    }
    let mut hosts = 0;
    let mut length: Option<u64> = None;
    let mut te = None;
    let mut websocket = false;
    for h in req.headers.iter() {
        let value = std::str::from_utf8(h.value).ok().map(str::trim);
        if h.name.eq_ignore_ascii_case("host") {
            hosts += 1;
        } else if h.name.eq_ignore_ascii_case("content-length") {
            let n = value
                .filter(|v| !v.starts_with('+'))
                .and_then(|v| v.parse::<u64>().ok());
            match (length, n) {
                (None, Some(n)) => length = Some(n),
                _ => return Err(Refusal::Framing),
            }
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            if version == 0 || te.is_some() {
                return Err(Refusal::Framing);
            }
            match value {
                Some(v) if v.eq_ignore_ascii_case("chunked") => te = Some(true),
                Some(v) if v.eq_ignore_ascii_case("identity") => te = Some(false),
                _ => return Err(Refusal::Framing),
            }
        } else if h.name.eq_ignore_ascii_case("upgrade") {
            websocket |= value.is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
        }
    }
    if (version == 1 && hosts != 1) || hosts > 1 {
        return Err(Refusal::Host);
    }
    if te.is_some() && length.is_some() {
        return Err(Refusal::Framing);
    }
    if version == 0 && method == "POST" && length.is_none() {
        return Err(Refusal::Framing);
    }
    Ok(if te == Some(true) {
        Body::Chunked(Chunk::Size)
    } else if websocket || (length.is_none() && method == "CONNECT") {
        Body::Through
    } else {
        Body::Length(length.unwrap_or(0))
    })
}

/// Where the byte stream is, between heads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    /// `n` more body bytes.
    Length(u64),
    /// A chunked body.
    Chunked(Chunk),
    /// Everything from here on is passed through unchecked.
    Through,
}

/// Where a chunked body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chunk {
    /// At a chunk-size line.
    Size,
    /// `n` more bytes of chunk data.
    Data(u64),
    /// The CRLF after chunk data.
    DataEnd,
    /// At a trailer line (after the last chunk); an empty one ends the body.
    Trailer,
}

/// The state of one connection's incoming bytes.
#[derive(Debug)]
struct Checker {
    /// Bytes read but not yet handed on: an incomplete head or chunk-size line.
    held: Vec<u8>,
    /// Up to where `held` was searched for the head's end.
    scanned: usize,
    /// `None`: at a head.
    body: Option<Body>,
    /// A head was refused: nothing more is handed on.
    refused: bool,
}

impl Checker {
    fn new() -> Self {
        Self {
            held: Vec::new(),
            scanned: 0,
            body: None,
            refused: false,
        }
    }

    /// Takes `input` (the next bytes read) and appends to `out` what may be handed on.
    fn feed(&mut self, mut input: &[u8], out: &mut Vec<u8>) {
        while !self.refused {
            match self.body {
                Some(Body::Through) => {
                    out.append(&mut self.held);
                    out.extend_from_slice(input);
                    return;
                }
                Some(Body::Length(n)) => {
                    debug_assert!(self.held.is_empty());
                    let k = usize::try_from(n).unwrap_or(usize::MAX).min(input.len());
                    out.extend_from_slice(&input[..k]);
                    input = &input[k..];
                    let left = n - k as u64;
                    self.body = (left > 0).then_some(Body::Length(left));
                    if input.is_empty() {
                        return;
                    }
                }
                Some(Body::Chunked(Chunk::Data(n))) => {
                    let k = usize::try_from(n).unwrap_or(usize::MAX).min(input.len());
                    out.extend_from_slice(&input[..k]);
                    input = &input[k..];
                    let left = n - k as u64;
                    self.body = Some(Body::Chunked(if left > 0 {
                        Chunk::Data(left)
                    } else {
                        Chunk::DataEnd
                    }));
                    if input.is_empty() {
                        return;
                    }
                }
                Some(Body::Chunked(state)) => {
                    // A line: chunk size, the CRLF after data, or a trailer.
                    let Some(line) = self.take_line(&mut input) else {
                        return;
                    };
                    let text = line.strip_suffix(b"\r\n").unwrap_or(&line);
                    let next = match state {
                        Chunk::Size => {
                            let digits = text.split(|b| *b == b';').next().unwrap_or_default();
                            match std::str::from_utf8(digits)
                                .ok()
                                .and_then(|d| u64::from_str_radix(d.trim(), 16).ok())
                            {
                                Some(0) => Some(Chunk::Trailer),
                                Some(n) => Some(Chunk::Data(n)),
                                None => None,
                            }
                        }
                        Chunk::DataEnd if text.is_empty() => Some(Chunk::Size),
                        Chunk::Trailer if text.is_empty() => {
                            out.extend_from_slice(&line);
                            self.body = None;
                            continue;
                        }
                        Chunk::Trailer => Some(Chunk::Trailer),
                        _ => None,
                    };
                    out.extend_from_slice(&line);
                    // A framing this checker cannot follow: actix judges the rest.
                    self.body = Some(next.map_or(Body::Through, Body::Chunked));
                }
                None => {
                    // Every path below returns: `input` is used up here.
                    self.held.extend_from_slice(input);
                    // Blank lines before a request line are passed on (actix skips them too).
                    let blank = self
                        .held
                        .iter()
                        .take_while(|b| **b == b'\r' || **b == b'\n')
                        .count();
                    if blank > 0 {
                        out.extend(self.held.drain(..blank));
                        self.scanned = self.scanned.saturating_sub(blank);
                    }
                    if self.held.is_empty() {
                        return;
                    }
                    // Search only what was not searched yet (a head sent a byte at a time
                    // is not parsed again and again).
                    let from = self.scanned.saturating_sub(3);
                    let end = find_head_end(&self.held[from..]).map(|e| from + e);
                    let Some(end) = end else {
                        self.scanned = self.held.len();
                        if self.held.len() >= MAX_HEAD_BYTES {
                            self.refuse(Refusal::HeadTooLarge, out);
                        }
                        return;
                    };
                    if end > MAX_HEAD_BYTES {
                        self.refuse(Refusal::HeadTooLarge, out);
                        return;
                    }
                    match check_head(&self.held[..end]) {
                        Ok(body) => {
                            out.extend_from_slice(&self.held[..end]);
                            let rest = self.held.split_off(end);
                            self.held.clear();
                            self.scanned = 0;
                            self.body = match body {
                                Body::Length(0) => None,
                                b => Some(b),
                            };
                            if rest.is_empty() {
                                return;
                            }
                            return self.feed(&rest, out);
                        }
                        Err(r) => {
                            self.refuse(r, out);
                            return;
                        }
                    }
                }
            }
        }
    }

    /// Takes one line (through its `\n`) from `held` + `input`, or holds what there is.
    fn take_line(&mut self, input: &mut &[u8]) -> Option<Vec<u8>> {
        match input.iter().position(|b| *b == b'\n') {
            Some(i) => {
                let mut line = std::mem::take(&mut self.held);
                line.extend_from_slice(&input[..=i]);
                *input = &input[i + 1..];
                Some(line)
            }
            None => {
                self.held.extend_from_slice(input);
                *input = &[];
                if self.held.len() > 4096 {
                    // No chunk line is this long: leave the framing to actix.
                    self.body = Some(Body::Through);
                }
                None
            }
        }
    }

    fn refuse(&mut self, r: Refusal, out: &mut Vec<u8>) {
        tracing::info!(refused = r.code(), "request head refused");
        out.extend_from_slice(&stand_in(r));
        self.held = Vec::new();
        self.refused = true;
    }
}

/// The end of a request head (just past its blank line), if `bytes` holds it.
fn find_head_end(bytes: &[u8]) -> Option<usize> {
    bytes.windows(2).enumerate().find_map(|(i, w)| match w {
        b"\n\n" => Some(i + 2),
        b"\n\r" if bytes.get(i + 2) == Some(&b'\n') => Some(i + 3),
        _ => None,
    })
}

/// An accepted connection whose request heads are checked before actix reads them (see the
/// module docs). Writes go straight through.
#[derive(Debug)]
pub struct CheckedStream<S> {
    inner: S,
    checker: Checker,
    /// Checked bytes not yet handed to actix, from `ready_at`.
    ready: Vec<u8>,
    ready_at: usize,
    eof: bool,
}

impl<S> CheckedStream<S> {
    /// Wraps an accepted stream.
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            checker: Checker::new(),
            ready: Vec::new(),
            ready_at: 0,
            eof: false,
        }
    }

    /// The wrapped stream.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for CheckedStream<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.ready_at < this.ready.len() {
                let n = buf.remaining().min(this.ready.len() - this.ready_at);
                buf.put_slice(&this.ready[this.ready_at..this.ready_at + n]);
                this.ready_at += n;
                if this.ready_at == this.ready.len() {
                    this.ready.clear();
                    this.ready_at = 0;
                }
                return Poll::Ready(Ok(()));
            }
            if this.eof {
                return Poll::Ready(Ok(()));
            }
            if this.checker.refused {
                // The stand-in request is handed on; the rest of the connection is not read
                // (an end of stream here would make actix drop the stand-in request as
                // abandoned). actix closes the connection after answering it.
                return Poll::Pending;
            }
            let mut chunk = [0u8; 16 * 1024];
            let mut rb = ReadBuf::new(&mut chunk);
            match Pin::new(&mut this.inner).poll_read(cx, &mut rb) {
                Poll::Ready(Ok(())) => {
                    let got = rb.filled();
                    if got.is_empty() {
                        // End of stream: whatever was held (an unfinished head) is actix's.
                        this.ready.append(&mut this.checker.held);
                        this.eof = true;
                        continue;
                    }
                    this.checker.feed(got, &mut this.ready);
                }
                other => return other,
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for CheckedStream<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Answers a stand-in request: the refused head's problem document. Without this process's
/// nonce (a client asking for the path itself) it is an unknown path.
pub async fn refused(req: HttpRequest, code: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let ours = req
        .headers()
        .get(NONCE_HEADER)
        .is_some_and(|v| v.as_bytes() == nonce().as_bytes());
    match Refusal::from_code(&code).filter(|_| ours) {
        Some(r) => Err(ApiError::Status {
            status: r.status(),
            detail: r.detail(),
        }),
        None => super::methods::fallback(req).await,
    }
}

/// Registers the stand-in requests' route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(&format!("{REFUSED_PATH}{{code}}"), web::get().to(refused));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `input` in pieces of `step` bytes; returns what is handed on and whether a head
    /// was refused.
    fn run(input: &[u8], step: usize) -> (Vec<u8>, bool) {
        let mut c = Checker::new();
        let mut out = Vec::new();
        for piece in input.chunks(step.max(1)) {
            c.feed(piece, &mut out);
        }
        (out, c.refused)
    }

    fn refusal_of(input: &[u8]) -> Option<Refusal> {
        let (out, refused) = run(input, input.len());
        if !refused {
            return None;
        }
        let text = String::from_utf8(out).unwrap();
        let code = text
            .split(REFUSED_PATH)
            .nth(1)?
            .split(' ')
            .next()?
            .to_string();
        Refusal::from_code(&code)
    }

    #[test]
    fn good_requests_pass_byte_for_byte_in_any_pieces() {
        let mut wire = Vec::new();
        wire.extend_from_slice(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        wire.extend_from_slice(
            b"POST /v1/matrix HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n",
        );
        // The body looks like a bad head: it must be passed as body.
        wire.extend_from_slice(b"GET \x01 HTTP/1.1\r\n\r\n");
        wire.extend_from_slice(
            b"POST /v1/assign HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\
              5;ext=1\r\nGET \x01\r\n0\r\nX-Trailer: 1\r\n\r\n",
        );
        wire.extend_from_slice(b"\r\nGET /v1/route?from=a HTTP/1.1\nHost: x\n\n");
        for step in [1, 2, 3, 7, 64, wire.len()] {
            let (out, refused) = run(&wire, step);
            assert!(!refused, "step {step}");
            assert_eq!(out, wire, "step {step}");
        }
    }

    #[test]
    fn each_kind_of_bad_head_is_named() {
        let long_line = format!(
            "GET /?q={} HTTP/1.1\r\nHost: x\r\n\r\n",
            "a".repeat(140_000)
        );
        assert_eq!(
            refusal_of(long_line.as_bytes()),
            Some(Refusal::HeadTooLarge)
        );
        // Over the limit and never finished: refused once the limit is reached.
        let endless = format!("GET /?q={}", "a".repeat(MAX_HEAD_BYTES));
        assert_eq!(refusal_of(endless.as_bytes()), Some(Refusal::HeadTooLarge));
        let many: String = (0..120).map(|i| format!("X-H{i}: v\r\n")).collect();
        let many = format!("GET / HTTP/1.1\r\nHost: x\r\n{many}\r\n");
        assert_eq!(refusal_of(many.as_bytes()), Some(Refusal::TooManyHeaders));
        let long_uri = format!("GET /?q={} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(70_000));
        assert_eq!(
            refusal_of(long_uri.as_bytes()),
            Some(Refusal::TargetTooLong)
        );
        assert_eq!(
            refusal_of(b"GET /caf\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n"),
            Some(Refusal::RequestLine)
        );
        assert_eq!(
            refusal_of(b"GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n"),
            Some(Refusal::HeaderValue)
        );
        assert_eq!(
            refusal_of(b"GET /health HTTP/1.1\r\nX(A): b\r\nHost: x\r\n\r\n"),
            Some(Refusal::HeaderName)
        );
        assert_eq!(
            refusal_of(b"GET /health HTTP/1.1\r\n\r\n"),
            Some(Refusal::Host)
        );
        assert_eq!(
            refusal_of(
                b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"
            ),
            Some(Refusal::Framing)
        );
        assert_eq!(
            refusal_of(
                b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"
            ),
            Some(Refusal::Framing)
        );
    }

    #[test]
    fn a_bad_head_after_good_requests_is_refused_after_them() {
        let mut wire = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n".to_vec();
        let good = wire.len();
        wire.extend_from_slice(b"GET /\x7f HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\n");
        let (out, refused) = run(&wire, 5);
        assert!(refused);
        assert_eq!(&out[..good], &wire[..good]);
        assert_eq!(&out[good..], &stand_in(Refusal::RequestLine)[..]);
    }

    #[test]
    fn the_stand_in_request_is_a_valid_head() {
        for r in Refusal::ALL {
            let head = stand_in(r);
            assert_eq!(check_head(&head), Ok(Body::Length(0)), "{r:?}");
            assert!(r.status().is_client_error());
        }
    }
}
