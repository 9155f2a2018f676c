//! Safe data reload: `POST /admin/reload` (only when an admin token is configured; bearer
//! token compared in constant time) and `SIGHUP` re-read the data directory, validate it and
//! swap the served snapshot atomically. Invalid data is refused with every problem listed and
//! the old network keeps serving.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
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
        let outcome = match loader {
            Some(Loader(f)) => f(),
            None => Snapshot::load(&Source::from_dir(self.config.data_dir.as_deref())),
        };
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
        {
            let mut st = self.status.lock().unwrap_or_else(|p| p.into_inner());
            st.last_ok = outcome.is_ok();
            st.last_at = now_rfc3339();
            st.last_problems = problems;
        }
        let snap = outcome?;
        let summary = snap.network.summary();
        let served = Served::new(snap);
        tracing::info!(nodes = summary.nodes, links = summary.links, etag = %served.etag, "network reloaded");
        self.served.store(std::sync::Arc::new(served));
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

fn authorized(req: &HttpRequest, token: &str) -> bool {
    let Some(given) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    given.as_bytes().ct_eq(token.as_bytes()).into()
}

#[tracing::instrument(skip_all)]
async fn post_reload(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let Some(token) = state.config.admin_token.as_deref() else {
        return Err(ApiError::NotFound {
            field: "path".into(),
            detail: "admin routes are disabled (set CORRIDOR_ADMIN_TOKEN to enable them)".into(),
            suggestions: Vec::new(),
        });
    };
    if !authorized(&req, token) {
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
        Err(ReloadError::Load(e @ LoadError::Io { .. })) => {
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
