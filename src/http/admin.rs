//! Safe data reload: `POST /admin/reload` (only when an admin token is configured; bearer
//! token compared in constant time) and `SIGHUP` re-read the data directory, validate it and
//! swap the served snapshot atomically. Invalid data is refused with every problem listed and
//! the old network keeps serving.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use subtle::ConstantTimeEq;

use super::{ApiError, AppState, Params, Served};
use crate::network::source::Source;
use crate::network::{LoadError, Summary};
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

impl AppState {
    /// Re-reads the configured data (the data directory, or the embedded data), validates it
    /// and swaps it in. Reloads are serialised; requests in flight finish on the snapshot they
    /// hold. On error nothing changes.
    pub fn reload(&self) -> Result<Summary, ReloadError> {
        let _guard = self.reload_lock.lock().unwrap_or_else(|p| p.into_inner());
        let snap = Snapshot::load(&Source::from_dir(self.config.data_dir.as_deref()))?;
        let summary = snap.network.summary();
        let served = Served::new(snap);
        tracing::info!(nodes = summary.nodes, links = summary.links, etag = %served.etag, "network reloaded");
        self.served.store(std::sync::Arc::new(served));
        Ok(summary)
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
