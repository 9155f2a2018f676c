//! Safe data reload: `POST /admin/reload` (only when an admin token is configured; the
//! bearer token's SHA-256 digest compared with the configured one's in constant time, so
//! neither content nor length leaks through timing; failures logged and rate-limited per
//! peer) and `SIGHUP` re-read the data directory, validate it and
//! swap the served snapshot atomically. Invalid data is refused with every problem listed and
//! the old network keeps serving.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{ApiError, AppState, Params, Served};
use crate::network::source::Source;
use crate::network::{LoadError, Problem, Summary};
use crate::snapshot::Snapshot;

/// Registers the admin routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/reload", web::post().to(post_reload));
}

/// Why a reload did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    /// The new data is invalid (or unreadable); the old network is kept.
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// What a reload reads instead of the configured files (the database's snapshot).
#[derive(Clone)]
pub struct Loader(pub std::sync::Arc<dyn Fn() -> Result<Snapshot, LoadError> + Send + Sync>);

impl std::fmt::Debug for Loader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Loader")
    }
}

/// Most problems listed in `/health`'s `last_reload`.
pub const HEALTH_PROBLEMS: usize = 50;

/// The source's state and the last reload, as `/health` reports them.
#[derive(Debug, Clone)]
pub struct SourceStatus {
    kind: &'static str,
    state: &'static str,
    since: String,
    last_ok: bool,
    last_at: String,
    last_problems: Vec<Problem>,
}

impl SourceStatus {
    /// A source of `kind` loaded just now.
    pub fn new(kind: &'static str) -> Self {
        let now = now_rfc3339();
        Self {
            kind,
            state: "loaded",
            since: now.clone(),
            last_ok: true,
            last_at: now,
            last_problems: Vec::new(),
        }
    }
}

/// The current time as RFC 3339 (UTC, milliseconds).
pub fn now_rfc3339() -> String {
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl AppState {
    /// Re-reads the configured data (the database when a loader is set, else the data
    /// directory or the embedded data), validates it and swaps it in. Reloads are serialised;
    /// requests in flight finish on the snapshot they hold. On error nothing changes but
    /// `/health`'s `last_reload`.
    pub fn reload(&self) -> Result<Summary, ReloadError> {
        let _guard = self.reload_lock.lock().unwrap_or_else(|p| p.into_inner());
        let loader = self
            .loader
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        // The network being replaced tells how large the new one will be.
        let links = self.current().network.links().len();
        let outcome = super::at_reload_priority(links, || match loader {
            Some(Loader(f)) => f(),
            None => match &self.config.prepared {
                Some(path) => Source::open_prepared(path).and_then(|s| Snapshot::load(&s)),
                None => Snapshot::load(&Source::from_dir(self.config.data_dir.as_deref())),
            },
        });
        self.install_locked(outcome)
    }

    /// Serves `outcome` when it is a snapshot (swapped atomically), records it as the last
    /// reload either way. Used by a source that reads on its own (the database listener).
    ///
    /// # Errors
    /// The refused outcome's error; the old network keeps serving.
    pub fn install(&self, outcome: Result<Snapshot, LoadError>) -> Result<Summary, ReloadError> {
        let _guard = self.reload_lock.lock().unwrap_or_else(|p| p.into_inner());
        self.install_locked(outcome)
    }

    fn install_locked(&self, outcome: Result<Snapshot, LoadError>) -> Result<Summary, ReloadError> {
        let problems = match &outcome {
            Ok(_) => Vec::new(),
            Err(LoadError::Invalid(p)) => p.clone(),
            Err(e) => vec![Problem {
                file: "(source)".into(),
                feature: None,
                id: None,
                field: "(file)".into(),
                message: e.to_string(),
            }],
        };
        // The status is written last, after any swap: once `/health` shows this reload's
        // `at`, the network it reports is the one the reload left (tests wait on it).
        let record = |ok: bool, problems: Vec<Problem>| {
            let mut st = self.status.lock().unwrap_or_else(|p| p.into_inner());
            st.last_ok = ok;
            st.last_at = now_rfc3339();
            st.last_problems = problems;
        };
        let snap = match outcome {
            Ok(snap) => snap,
            Err(e) => {
                record(false, problems);
                return Err(e.into());
            }
        };
        let summary = snap.network.summary();
        // Tagging and caching the new network reads all of it too: at reload priority.
        let served = super::at_reload_priority(snap.network.links().len(), || Served::new(snap));
        tracing::info!(nodes = summary.nodes, links = summary.links, etag = %served.etag, "network reloaded");
        super::retire(self.served.swap(std::sync::Arc::new(served)));
        record(true, problems);
        Ok(summary)
    }

    /// Makes reloads read through `loader` and reports the source as `kind` (e.g.
    /// `postgresql`, state `connected`).
    pub fn set_loader(&self, kind: &'static str, loader: Loader) {
        *self.loader.lock().unwrap_or_else(|p| p.into_inner()) = Some(loader);
        let mut st = self.status.lock().unwrap_or_else(|p| p.into_inner());
        st.kind = kind;
        st.state = "connected";
        st.since = now_rfc3339();
    }

    /// Records whether the source is reachable (`since` moves only on a change).
    pub fn set_connected(&self, connected: bool) {
        let state = if connected {
            "connected"
        } else {
            "disconnected"
        };
        let mut st = self.status.lock().unwrap_or_else(|p| p.into_inner());
        if st.state != state {
            st.state = state;
            st.since = now_rfc3339();
        }
    }

    /// `{source: {kind, state, since}, last_reload: {ok, at, problems, problems_total}}`.
    pub fn status_json(&self) -> serde_json::Value {
        let st = self.status.lock().unwrap_or_else(|p| p.into_inner());
        serde_json::json!({
            "source": {"kind": st.kind, "state": st.state, "since": st.since},
            "last_reload": {
                "ok": st.last_ok,
                "at": st.last_at,
                "problems": st.last_problems.iter().take(HEALTH_PROBLEMS).collect::<Vec<_>>(),
                "problems_total": st.last_problems.len(),
            },
        })
    }
}

/// Shortest admin token accepted at start-up, characters.
pub const MIN_TOKEN_LEN: usize = 16;
/// Failed admin attempts allowed per peer address in [`FAILURE_WINDOW`]; beyond, 429.
pub const MAX_FAILURES: u32 = 5;
/// The window of [`MAX_FAILURES`].
pub const FAILURE_WINDOW: std::time::Duration = std::time::Duration::from_secs(60);
/// Peers tracked at once by the failure limiter (oldest forgotten beyond).
const TRACKED_PEERS: usize = 1024;

/// The admin token, held as its SHA-256 digest: comparisons are between fixed-size digests
/// (constant time, no length leak) and `Debug` never prints it.
#[derive(Clone)]
pub struct AdminToken([u8; 32]);

/// Why a configured admin token was refused.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Shorter than [`MIN_TOKEN_LEN`].
    #[error("CORRIDOR_ADMIN_TOKEN must be at least {MIN_TOKEN_LEN} characters (it has {0})")]
    TooShort(usize),
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    let d = Sha256::digest(bytes);
    let mut out = [0u8; 32];
    out.copy_from_slice(&d);
    out
}

impl AdminToken {
    /// A token of at least [`MIN_TOKEN_LEN`] characters.
    ///
    /// # Errors
    /// [`TokenError::TooShort`].
    pub fn new(token: &str) -> Result<Self, TokenError> {
        let n = token.chars().count();
        if n < MIN_TOKEN_LEN {
            return Err(TokenError::TooShort(n));
        }
        Ok(Self(digest(token.as_bytes())))
    }

    /// Whether `given` is the token (constant time over the digests).
    pub fn matches(&self, given: &str) -> bool {
        digest(given.as_bytes()).ct_eq(&self.0).into()
    }
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(<redacted>)")
    }
}

/// Failed admin attempts per peer address, bounded.
#[derive(Debug, Default)]
pub struct FailureLimiter(
    std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, (std::time::Instant, u32)>>,
);

impl FailureLimiter {
    /// Whether `peer` is locked out (too many recent failures).
    pub fn locked(&self, peer: std::net::IpAddr) -> bool {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(&peer)
            .is_some_and(|(since, n)| since.elapsed() < FAILURE_WINDOW && *n >= MAX_FAILURES)
    }

    /// Records a failure of `peer`; returns its count in the window.
    pub fn fail(&self, peer: std::net::IpAddr) -> u32 {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= TRACKED_PEERS && !map.contains_key(&peer) {
            map.retain(|_, (since, _)| since.elapsed() < FAILURE_WINDOW);
            if map.len() >= TRACKED_PEERS {
                map.clear();
            }
        }
        let e = map.entry(peer).or_insert((std::time::Instant::now(), 0));
        if e.0.elapsed() >= FAILURE_WINDOW {
            *e = (std::time::Instant::now(), 0);
        }
        e.1 += 1;
        e.1
    }
}

/// The bearer credential of a request: the scheme is matched case-insensitively (RFC 9110
/// §11.1), surrounding blanks ignored.
fn bearer(req: &HttpRequest) -> Option<&str> {
    let v = req
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim();
    let (scheme, rest) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| rest.trim())
        .filter(|t| !t.is_empty())
}

#[tracing::instrument(skip_all)]
async fn post_reload(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let Some(token) = state.config.admin_token.as_ref() else {
        return Err(ApiError::NotFound {
            field: "path".into(),
            detail: "admin routes are disabled (set CORRIDOR_ADMIN_TOKEN to enable them)".into(),
            suggestions: Vec::new(),
        });
    };
    let peer = req
        .peer_addr()
        .map_or(std::net::IpAddr::from([0, 0, 0, 0]), |a| a.ip());
    if state.admin_failures.locked(peer) {
        tracing::warn!(%peer, "admin: refused, too many failed attempts");
        return Err(ApiError::TooManyRequests(format!(
            "too many failed admin attempts from this address; retry after {} s",
            FAILURE_WINDOW.as_secs()
        )));
    }
    if !bearer(&req).is_some_and(|t| token.matches(t)) {
        let n = state.admin_failures.fail(peer);
        tracing::warn!(%peer, failures = n, "admin: missing or wrong bearer token");
        return Err(ApiError::Unauthorized);
    }
    Params::parse(req.query_string(), &[])?.finish()?;
    let st = state.clone().into_inner();
    let result = web::block(move || st.reload())
        .await
        .map_err(|e| ApiError::Internal(format!("reload worker failed: {e}")))?;
    match result {
        Ok(summary) => Ok(HttpResponse::Ok().json(serde_json::json!({
            "status": "reloaded",
            "etag": state.current().etag,
            "summary": summary,
        }))),
        Err(ReloadError::Load(LoadError::Invalid(problems))) => {
            tracing::warn!(problems = problems.len(), "reload refused: invalid data");
            Err(ApiError::InvalidData(problems))
        }
        Err(ReloadError::Load(e @ (LoadError::Io { .. } | LoadError::Prepared(_)))) => {
            tracing::warn!(error = %e, "reload refused: unreadable data");
            Err(ApiError::InvalidData(vec![crate::network::Problem {
                file: "(data directory)".into(),
                feature: None,
                id: None,
                field: "(file)".into(),
                message: e.to_string(),
            }]))
        }
    }
}

/// Reloads on every SIGHUP until the server stops.
#[cfg(unix)]
pub async fn reload_on_sighup(state: web::Data<AppState>) {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut hup) = signal(SignalKind::hangup()) else {
        tracing::warn!("cannot listen for SIGHUP; reload only through /admin/reload");
        return;
    };
    while hup.recv().await.is_some() {
        let st = state.clone().into_inner();
        match web::block(move || st.reload()).await {
            Ok(Ok(s)) => tracing::info!(nodes = s.nodes, links = s.links, "SIGHUP: reloaded"),
            Ok(Err(e)) => tracing::error!(error = %e, "SIGHUP: reload refused, old network kept"),
            Err(e) => tracing::error!(error = %e, "SIGHUP: reload worker failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_by_digest_and_never_printed() {
        assert!(AdminToken::new("short").is_err());
        let t = AdminToken::new("a-long-enough-admin-token").unwrap();
        assert!(t.matches("a-long-enough-admin-token"));
        assert!(!t.matches("a-long-enough-admin-toke"));
        assert!(!t.matches(""));
        assert!(!format!("{t:?}").contains("long-enough"));
    }

    #[test]
    fn the_scheme_is_case_insensitive() {
        for h in ["Bearer abc", "bearer abc", "BEARER  abc "] {
            let req = actix_web::test::TestRequest::default()
                .insert_header((header::AUTHORIZATION, h))
                .to_http_request();
            assert_eq!(bearer(&req), Some("abc"), "{h}");
        }
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::AUTHORIZATION, "Basic abc"))
            .to_http_request();
        assert_eq!(bearer(&req), None);
    }

    #[test]
    fn failures_lock_a_peer_out() {
        let l = FailureLimiter::default();
        let ip = std::net::IpAddr::from([127, 0, 0, 1]);
        for _ in 0..MAX_FAILURES {
            assert!(!l.locked(ip));
            l.fail(ip);
        }
        assert!(l.locked(ip));
        assert!(!l.locked(std::net::IpAddr::from([127, 0, 0, 2])));
    }
}
