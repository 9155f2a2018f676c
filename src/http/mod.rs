//! The HTTP service: thin actix-web handlers that extract parameters, call the library and
//! serialise. [`configure`] serves `main` and the tests alike, as martin's `router()` does.

pub mod admin;
pub mod capacity;
pub mod compare;
pub mod error;
pub mod etag;
pub mod matrix;
pub mod ogc;
pub mod openapi;
pub mod params;
pub mod route;
pub mod scenario;
pub mod schema;
pub mod spatial;
pub mod tiles;
pub mod web_map;

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};
use arc_swap::ArcSwap;

pub use error::{ApiError, FieldError};
pub use etag::{cached_response, derived_etag, etag_matches, if_none_match, not_modified};
pub use params::Params;

use crate::fields::truncate;
use crate::snapshot::Snapshot;

/// Media type of GeoJSON (RFC 7946).
pub const GEOJSON: &str = "application/geo+json";

/// Service settings. Defaults are in [`ServerConfig::default`].
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Compute bound per request; over it the client gets a 503. Default 2 s.
    pub compute_timeout: Duration,
    /// Origins allowed by CORS; empty means any origin (GET is open by default).
    pub cors_origins: Vec<String>,
    /// Bearer token enabling `/admin/*`; `None` disables admin routes. Default: from
    /// `CORRIDOR_ADMIN_TOKEN`.
    pub admin_token: Option<String>,
    /// Data directory re-read on reload; `None` means the embedded data.
    pub data_dir: Option<std::path::PathBuf>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            compute_timeout: Duration::from_secs(2),
            cors_origins: Vec::new(),
            admin_token: None,
            data_dir: None,
        }
    }
}

/// A snapshot as served: the domain snapshot plus the output cached for it (the `/v1/network`
/// bytes and the data's ETag). Built once per load; derefs to the [`Snapshot`].
#[derive(Debug)]
pub struct Served {
    /// The network and its derived structures.
    pub snapshot: Snapshot,
    /// `/v1/network` pre-serialised (RFC 7946 FeatureCollection).
    pub network_json: web::Bytes,
    /// Strong ETag of this snapshot's data (hash of the serialised network).
    pub etag: String,
    /// Vector tiles encoded for this snapshot (bounded; see [`tiles::TileCache`]).
    pub tiles: tiles::TileCache,
}

impl Served {
    /// Serialises what is served whole and tags it.
    pub fn new(snapshot: Snapshot) -> Self {
        let fc = crate::output::network_collection(&snapshot.network, &snapshot.conversion);
        let bytes = serde_json::to_vec(&fc).unwrap_or_default();
        let etag = etag::content_etag(&bytes);
        Self {
            snapshot,
            network_json: bytes.into(),
            etag,
            tiles: tiles::TileCache::default(),
        }
    }
}

impl std::ops::Deref for Served {
    type Target = Snapshot;
    fn deref(&self) -> &Snapshot {
        &self.snapshot
    }
}

/// Shared state: the served snapshot (swapped atomically on reload) and settings.
#[derive(Debug)]
pub struct AppState {
    /// The served snapshot and its cached output.
    pub served: ArcSwap<Served>,
    /// Settings.
    pub config: ServerConfig,
    /// Serialises reloads.
    reload_lock: std::sync::Mutex<()>,
}

impl AppState {
    /// State serving `snapshot`.
    pub fn new(snapshot: Snapshot, config: ServerConfig) -> Self {
        Self {
            served: ArcSwap::from_pointee(Served::new(snapshot)),
            config,
            reload_lock: std::sync::Mutex::new(()),
        }
    }

    /// The current snapshot; a request keeps it to the end even if a reload swaps it.
    pub fn current(&self) -> Arc<Served> {
        self.served.load_full()
    }
}

/// Runs CPU-heavy work off the async executor threads, bounded by the configured compute
/// timeout (503 when exceeded).
pub async fn compute<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    F: FnOnce() -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let limit = state.config.compute_timeout;
    let start = Instant::now();
    let exceeded = || {
        ApiError::Unavailable(format!(
            "the request exceeded the compute bound of {} ms",
            limit.as_millis()
        ))
    };
    match tokio::time::timeout(limit, web::block(work)).await {
        // Work that finished, but only after the bound, is refused too: the bound is a
        // promise about latency, whichever side of the timer's poll the work completed on.
        Ok(Ok(_)) if start.elapsed() > limit => Err(exceeded()),
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(ApiError::Internal(format!("worker failed: {e}"))),
        Err(_) => Err(exceeded()),
    }
}

/// A GeoJSON response body.
pub fn geojson_response(body: impl MessageBody + 'static) -> HttpResponse {
    HttpResponse::Ok().content_type(GEOJSON).body(body)
}

/// Serialises an answer document; a failure (which a document of plain values cannot have)
/// is a 500 naming `what`.
///
/// # Errors
/// [`ApiError::Internal`].
pub fn to_json(doc: &impl serde::Serialize, what: &str) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(doc).map_err(|e| ApiError::Internal(format!("serialising {what}: {e}")))
}

/// Registers every route. Used by `corridor serve` and by the tests.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/health", web::get().to(health))
        .route("/v1/network", web::get().to(network))
        .configure(route::configure)
        .configure(matrix::configure)
        .configure(capacity::configure)
        .configure(scenario::configure)
        .configure(compare::configure)
        .configure(spatial::configure)
        .configure(tiles::configure)
        .configure(ogc::configure)
        .configure(web_map::configure)
        .configure(openapi::configure)
        .configure(admin::configure);
}

/// The CORS policy of `config`: with no configured origin, any origin may read (GET, HEAD,
/// OPTIONS) and POST; otherwise only the listed origins. `Authorization` is not an allowed
/// request header, so admin calls cannot be made cross-origin. `ETag` is exposed so map
/// clients can revalidate.
pub fn cors(config: &ServerConfig) -> actix_cors::Cors {
    let mut c = actix_cors::Cors::default()
        .allowed_methods(["GET", "HEAD", "POST", "OPTIONS"])
        .allowed_headers([header::CONTENT_TYPE, header::ACCEPT, header::IF_NONE_MATCH])
        .expose_headers([header::ETAG])
        .max_age(3600);
    if config.cors_origins.is_empty() {
        c = c.allow_any_origin().send_wildcard();
    } else {
        for o in &config.cors_origins {
            c = c.allowed_origin(o);
        }
    }
    c
}

/// Service health and the size of the served network.
#[utoipa::path(
    get,
    path = "/health",
    tag = "network",
    responses(
        (status = 200, description = "Up, with node and link counts and the data's ETag.", body = schema::Health),
        (status = 400, description = "Any query parameter (none is accepted).", content_type = "application/problem+json", body = schema::Problem),
    )
)]
pub async fn health(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    Params::parse(req.query_string(), &[])?.finish()?;
    let snap = state.current();
    let s = snap.network.summary();
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "status": "ok",
        "nodes": s.nodes,
        "links": s.links,
        "etag": snap.etag,
    })))
}

/// The whole network: every node (Point) then every link (LineString), with all their
/// properties as in the data plus `layer`, `length_km` and `capacity_tpy`.
///
/// Served from the snapshot's pre-serialised body; strong ETag of the data.
#[utoipa::path(
    get,
    path = "/v1/network",
    tag = "network",
    responses(
        (status = 200, description = "The network as one FeatureCollection.", content_type = "application/geo+json", body = schema::FeatureCollection),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)."),
        (status = 400, description = "Any query parameter (none is accepted).", content_type = "application/problem+json", body = schema::Problem),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn network(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    Params::parse(req.query_string(), &[])?.finish()?;
    let snap = state.current();
    Ok(cached_response(
        &req,
        &snap.etag,
        GEOJSON,
        snap.network_json.clone(),
    ))
}

/// One structured log line per request: method, path, status, duration. Query strings are
/// logged (they carry no secrets); headers, where a token would be, are not.
pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let start = Instant::now();
    let method = req.method().to_string();
    let path = req.path().to_string();
    let res = next.call(req).await?;
    tracing::info!(
        target: "corridor::request",
        %method,
        %path,
        status = res.status().as_u16(),
        micros = start.elapsed().as_micros() as u64,
        "request"
    );
    Ok(res)
}

/// Builds the app with all middleware, for `serve` and tests.
#[macro_export]
macro_rules! corridor_app {
    ($state:expr) => {{
        actix_web::App::new()
            .app_data($state.clone())
            .app_data(actix_web::web::QueryConfig::default())
            .wrap(actix_web::middleware::from_fn($crate::http::log_request))
            .wrap(actix_web::middleware::Compress::default())
            .wrap($crate::http::cors(&$state.config))
            .configure($crate::http::configure)
            .default_service(actix_web::web::to($crate::http::not_found))
    }};
}

/// 404 problem+json for unknown paths.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound {
        field: "path".into(),
        detail: format!("no such endpoint: {}", truncate(req.path(), 200)),
        suggestions: Vec::new(),
    })
}

/// Starts the server on `bind` and runs until SIGINT/SIGTERM (graceful shutdown).
pub async fn serve(state: web::Data<AppState>, bind: &str) -> std::io::Result<()> {
    let st = state.clone();
    let server = actix_web::HttpServer::new(move || corridor_app!(st))
        .bind(bind)?
        .shutdown_timeout(10);
    for addr in server.addrs() {
        tracing::info!(%addr, "corridor listening");
        // On stdout too, so scripts and tests can find an ephemeral port.
        println!("corridor listening on http://{addr}");
    }
    #[cfg(unix)]
    actix_web::rt::spawn(admin::reload_on_sighup(state));
    server.run().await
}
