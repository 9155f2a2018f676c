//! The HTTP service: thin actix-web handlers that extract parameters, call the library and
//! serialise. [`configure`] serves `main` and the tests alike, as martin's `router()` does.

pub mod admin;
pub mod body;
pub mod capacity;
pub mod compare;
pub mod error;
pub mod etag;
pub mod head;
pub mod matrix;
pub mod methods;
pub mod ogc;
pub mod openapi;
pub mod params;
pub mod places;
pub mod route;
pub mod scenario;
pub mod schema;
pub mod security;
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

use crate::snapshot::Snapshot;

/// Media type of GeoJSON (RFC 7946).
pub const GEOJSON: &str = "application/geo+json";

/// Service settings. Defaults are in [`ServerConfig::default`].
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Compute bound per request; over it the client gets a 503. Default 2 s.
    pub compute_timeout: Duration,
    /// Origins allowed by CORS to read and to POST; empty means any origin may read (GET,
    /// HEAD) and none may POST.
    pub cors_origins: Vec<String>,
    /// Bearer token enabling `/admin/*`, held as a digest ([`admin::AdminToken`], never
    /// printed); `None` disables admin routes. Default: from `CORRIDOR_ADMIN_TOKEN`.
    pub admin_token: Option<admin::AdminToken>,
    /// Public base URL of the service (`https://corridor.example.org`), used in every link it
    /// builds; `None` means the request's own `Host` (or the forwarded one from a trusted
    /// proxy).
    pub public_url: Option<String>,
    /// Peers whose `Forwarded` / `X-Forwarded-*` headers are believed; from any other peer
    /// they are ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Heavy requests (matrix, reach, capacity, assign, compare/capacity, compare/assign,
    /// preview) computed at once;
    /// more wait in line, and a wait past the compute bound is a 503. Default: the cores.
    pub heavy_slots: usize,
    /// Most units of work one request may ask for: the searches it will run (matrix sources,
    /// or destinations for a tall matrix searched backward; assignment demands, twice for
    /// compare/assign) × network elements (nodes + links). Beyond it a 413 naming the field.
    /// Default: [`crate::cancel::max_work`] of the compute bound and the heavy slots, what
    /// the heavy threads do within the bound (`serve --max-work` sets it).
    pub max_work: u64,
    /// Nice value of the heavy threads (0 normal … 19 lowest; Linux, per thread). Default
    /// [`HEAVY_NICE`] (`serve --heavy-nice`).
    pub heavy_nice: i32,
    /// Data directory re-read on reload; `None` means the embedded data.
    pub data_dir: Option<std::path::PathBuf>,
    /// Prepared file re-opened on reload (instead of `data_dir`).
    pub prepared: Option<std::path::PathBuf>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        let compute_timeout = Duration::from_secs(2);
        let heavy_slots = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            compute_timeout,
            cors_origins: Vec::new(),
            admin_token: None,
            public_url: None,
            trusted_proxies: Vec::new(),
            heavy_slots,
            max_work: crate::cancel::max_work(compute_timeout, heavy_slots),
            heavy_nice: HEAVY_NICE,
            data_dir: None,
            prepared: None,
        }
    }
}

/// Largest network (nodes + links) whose `/v1/network` is served whole; beyond it the
/// endpoint answers 413 and points to the OGC collections with `bbox` and paging.
pub const MAX_NETWORK_FEATURES: usize = 100_000;

/// From this many links on, the tiles' thinning is built on a thread of its own while the
/// network is already served (below it, at once: a few milliseconds on the curated network).
pub const BACKGROUND_THINNING_MIN_LINKS: usize = 50_000;

/// A snapshot as served: the domain snapshot plus the output cached for it (the `/v1/network`
/// bytes and the data's ETag). Built once per load; derefs to the [`Snapshot`].
#[derive(Debug)]
pub struct Served {
    /// The network and its derived structures.
    pub snapshot: Snapshot,
    /// `/v1/network` pre-serialised (RFC 7946 FeatureCollection); `None` beyond
    /// [`MAX_NETWORK_FEATURES`], where the network is never held serialised.
    pub network_json: Option<web::Bytes>,
    /// Strong ETag of this snapshot's data (hash of the serialised network).
    pub etag: String,
    /// Vector tiles encoded for this snapshot (bounded; see [`tiles::TileCache`]).
    pub tiles: tiles::TileCache,
    /// The OGC collections' schemas (nodes, links, crossings), each computed on first use
    /// and kept: it reads the whole layer, which no request should do again.
    schemas: [std::sync::OnceLock<crate::output::layers::LayerSchema>; 3],
    /// Counts for `/health`, computed once (a probe must not walk the network).
    counts: (usize, usize),
}

impl Served {
    /// Serialises what is served whole and tags it. A network of more than
    /// [`MAX_NETWORK_FEATURES`] features is serialised as a stream into the ETag's hash only
    /// (the same tag as hashing the whole body), never held.
    pub fn new(snapshot: Snapshot) -> Self {
        let net = &snapshot.network;
        let counts = (net.nodes().len(), net.links().len());
        let (network_json, etag) = if net.nodes().len() + net.links().len() > MAX_NETWORK_FEATURES {
            // Never serialised: the tag hashes what the answers are made of (every feature's
            // properties, position or vertices, and length) instead of a body.
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            for n in net.nodes() {
                n.properties.as_json().hash(&mut h);
                (n.point.x().to_bits(), n.point.y().to_bits()).hash(&mut h);
            }
            for l in net.links() {
                l.properties.as_json().hash(&mut h);
                l.geometry.raw().hash(&mut h);
                l.length_km.to_bits().hash(&mut h);
            }
            (None, format!("\"{:016x}\"", h.finish()))
        } else {
            let mut bytes = Vec::new();
            let _ = crate::output::write_network_collection(net, &snapshot.conversion, &mut bytes);
            let etag = etag::content_etag(&bytes);
            (Some(bytes.into()), etag)
        };
        let served = Self {
            snapshot,
            network_json,
            etag,
            tiles: tiles::TileCache::default(),
            schemas: Default::default(),
            counts,
        };
        // The tiles' low-zoom thinning: read from the prepared file when it stores it (written
        // by `corridor prepare`); else built with the snapshot rather than by its first tile
        // (nothing to build on a network no tile finds dense): at once on a small network, on
        // a thread of its own on a large one (~1.5 s at 10^5 nodes, ~40 s of a 10^6-node
        // network's opening), which is served meanwhile; a tile that needs it waits for it.
        let stored_thinning = served.tiles.thinning_from_file(&served.snapshot);
        if served.snapshot.network.links().len() >= BACKGROUND_THINNING_MIN_LINKS {
            // On the background threads, at a lower priority than requests: the thinning, the
            // searches' landmarks (rather than by the first route of each measure, ~3 s at
            // 10^5 nodes) and the contraction hierarchy customized for `time`, the default
            // measure (2-5 s and ~200 MB at 10^5); routes asked meanwhile search without them.
            // The other measures' customizations are made by their first route (~83 MB each at
            // 10^5).
            if !stored_thinning {
                let thinning = served
                    .tiles
                    .thinning_job("", served.snapshot.network.clone());
                in_background(thinning);
            }
            // Held weakly between steps: a snapshot replaced meanwhile (a reload) is not kept
            // alive by what was being prepared for it; the next step finds it gone.
            let search = Arc::downgrade(&served.snapshot.search);
            in_background(move || {
                if let Some(s) = search.upgrade() {
                    s.prepare_landmarks();
                }
                if let Some(s) = search.upgrade() {
                    s.prepare_cch_of(&[crate::cost::Measure::Time]);
                }
            });
        } else if !stored_thinning {
            served.tiles.with_thinning("", &served.snapshot, |_| ());
        }
        // Hashing the network for its ETag read every text and vertex: a network read from a
        // prepared file gives those pages back (the thinning's thread does after it).
        served.snapshot.network.release_file_pages();
        served
    }

    /// The OGC schema of `layer` for this snapshot (computed once).
    pub fn schema(&self, layer: crate::index::Layer) -> &crate::output::layers::LayerSchema {
        let slot = match layer {
            crate::index::Layer::Nodes => 0,
            crate::index::Layer::Links => 1,
            crate::index::Layer::Crossings => 2,
        };
        self.schemas[slot].get_or_init(|| {
            use crate::output::layers::LayerSchema;
            // Written by `corridor prepare` for the file's own network: read, not recomputed
            // (at 10^6 nodes the computation reads every feature, ~15 s).
            if let Some(stored) = self
                .snapshot
                .stored
                .as_ref()
                .and_then(|f| f.section(LayerSchema::SECTION))
                .and_then(|bytes| LayerSchema::from_bytes(layer, bytes))
            {
                return stored;
            }
            let schema = crate::output::layers::LayerSchema::of(
                layer,
                &self.snapshot.network,
                &self.conversion,
            );
            // It read every feature's properties: a prepared file's pages go back.
            self.snapshot.network.release_file_pages();
            schema
        })
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
    /// Where the data comes from and how the last reload went (`/health`).
    pub(crate) status: std::sync::Mutex<admin::SourceStatus>,
    /// What a reload reads, when not the configured files (a database).
    pub(crate) loader: std::sync::Mutex<Option<admin::Loader>>,
    /// Failed admin attempts per peer.
    pub admin_failures: admin::FailureLimiter,
    /// Admission of heavy requests ([`ServerConfig::heavy_slots`] permits).
    pub heavy: tokio::sync::Semaphore,
    /// Where admitted heavy work runs ([`HeavyPool`]), apart from the blocking threads that
    /// compute routes.
    pub heavy_pool: HeavyPool,
}

/// The threads heavy requests compute on: a rayon pool of [`ServerConfig::heavy_slots`]
/// threads (their fan-out, e.g. a matrix's rows, stays inside it) running at a lower CPU
/// priority ([`ServerConfig::heavy_nice`]). Routes run on actix's blocking threads at normal priority, so a
/// flood of heavy requests neither queues routes behind it nor takes their CPU: the kernel
/// gives a runnable route thread ~10× the share of a heavy one.
#[derive(Debug)]
pub struct HeavyPool(Option<rayon::ThreadPool>);

/// Default nice value of the heavy threads (Linux, per thread; 0 is normal;
/// [`ServerConfig::heavy_nice`]). Under CFS a nice-5 thread weighs 335 against a nice-0
/// thread's 1024 (nice 10: 110). Chosen with `benches/load/flood.sh` (README, "Heavy requests
/// apart from routes"): at 0, 5 and 10 route p50 under a matrix flood stayed within 1.1–1.6×
/// idle, the target being 3×; at 10 the heavy threads starved behind other processes on a
/// shared host (matrix 48–60 req/s, 503s at the bound), at 5 they kept 70–91 req/s and no
/// 503, while routes still outweigh them threefold.
pub const HEAVY_NICE: i32 = 5;

/// Nice value of the background threads (tiles' thinning, landmarks): work no request waits
/// on once it is built.
pub const BACKGROUND_NICE: i32 = 10;

impl HeavyPool {
    /// A pool of `threads` threads, each lowering its own priority to `nice` (0 … 19).
    /// `None` inside (work then runs on actix's blocking threads) if the pool cannot be
    /// built.
    pub fn new(threads: usize, nice: i32) -> Self {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .thread_name(|i| format!("corridor-heavy-{i}"))
            .start_handler(move |_| lower_priority(nice))
            .build();
        match pool {
            Ok(p) => Self(Some(p)),
            Err(e) => {
                tracing::warn!(error = %e, "no heavy pool; heavy work shares the blocking threads");
                Self(None)
            }
        }
    }

    /// Runs `work` on the pool; its panics come back as `Err`.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, String> {
        let Some(pool) = &self.0 else {
            return web::block(work).await.map_err(|e| e.to_string());
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        pool.spawn(move || {
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
                .map_err(|_| "heavy work panicked".to_string());
            let _ = tx.send(out);
        });
        rx.await.map_err(|e| e.to_string())?
    }
}

/// A pool of as many threads as cores, named `NAME-i`, at [`BACKGROUND_NICE`]; `None` (with a
/// warning) when the threads cannot be made.
fn low_priority_pool(name: &'static str) -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .thread_name(move |i| format!("{name}-{i}"))
        .start_handler(|_| lower_priority(BACKGROUND_NICE))
        .build()
        .map_err(|e| tracing::warn!(error = %e, pool = name, "no low-priority threads"))
        .ok()
}

/// Runs `work` on the background threads: as many as cores, at [`BACKGROUND_NICE`], shared by
/// every snapshot (what a large network's answers can do without at first: the tiles'
/// thinning, the searches' landmarks). Their parallel loops stay on these threads.
fn in_background(work: impl FnOnce() + Send + 'static) {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    match POOL.get_or_init(|| low_priority_pool("background")) {
        Some(p) => p.spawn(work),
        // Then the first request that needs it builds it.
        None => drop(work),
    }
}

/// Runs `work` for a network of `links` links: from [`BACKGROUND_THINNING_MIN_LINKS`] on, on
/// the reload threads (as many as cores, at [`BACKGROUND_NICE`]), waiting for it: reading and
/// checking a large network takes seconds to minutes, and its parallel loops must not take the
/// cores from the requests the old network is still answering. A smaller one (milliseconds),
/// or without those threads (they could not be made), on the calling thread, so that a
/// database edit reaches a small network at once even on a busy machine.
pub(crate) fn at_reload_priority<T: Send>(links: usize, work: impl FnOnce() -> T + Send) -> T {
    if links < BACKGROUND_THINNING_MIN_LINKS {
        return work();
    }
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    match POOL.get_or_init(|| low_priority_pool("reload")) {
        Some(p) => p.install(work),
        None => work(),
    }
}

/// Frees a replaced snapshot once the requests still answering on it are done, on a thread of
/// its own (not on whichever request drops it last), then gives the freed memory back to the
/// system: the allocator would otherwise keep a 10^6-node network's gigabytes for the next.
pub(crate) fn retire(old: Arc<Served>) {
    let spawned = std::thread::Builder::new()
        .name("retire".into())
        .spawn(move || {
            // Requests in flight hold their own `Arc`; the longest is bounded by the compute
            // and request timeouts, so this waits seconds at most.
            while Arc::strong_count(&old) > 1 {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            drop(old);
            #[cfg(all(target_os = "linux", target_env = "gnu"))]
            // SAFETY: malloc_trim only returns free heap pages to the kernel.
            unsafe {
                libc::malloc_trim(0);
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no thread to retire the old snapshot; dropped here");
    }
}

/// Lowers the calling thread's CPU priority to `nice` (Linux: the nice value is per thread;
/// 0 leaves it). Elsewhere, or if refused, nothing changes.
fn lower_priority(nice: i32) {
    #[cfg(target_os = "linux")]
    if nice > 0 {
        // SAFETY: gettid and setpriority take and return plain integers and touch no memory.
        let r = unsafe {
            let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
            libc::setpriority(libc::PRIO_PROCESS, tid, nice)
        };
        if r != 0 {
            tracing::warn!(nice, "could not lower a heavy thread's priority");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = nice;
}

impl AppState {
    /// State serving `snapshot`.
    pub fn new(snapshot: Snapshot, config: ServerConfig) -> Self {
        let kind = if config.prepared.is_some() {
            "prepared"
        } else if config.data_dir.is_some() {
            "directory"
        } else {
            "embedded"
        };
        Self {
            served: ArcSwap::from_pointee(Served::new(snapshot)),
            heavy: tokio::sync::Semaphore::new(config.heavy_slots.max(1)),
            heavy_pool: HeavyPool::new(config.heavy_slots, config.heavy_nice),
            config,
            reload_lock: std::sync::Mutex::new(()),
            status: std::sync::Mutex::new(admin::SourceStatus::new(kind)),
            loader: std::sync::Mutex::new(None),
            admin_failures: admin::FailureLimiter::default(),
        }
    }

    /// The current snapshot; a request keeps it to the end even if a reload swaps it.
    pub fn current(&self) -> Arc<Served> {
        self.served.load_full()
    }
}

/// Runs CPU-heavy work off the async executor threads, bounded by the configured compute
/// timeout (503 with `Retry-After` when exceeded). The work runs under a [`cancel::Deadline`]
/// that the loops of searches, flows and validators poll: when the bound passes or the client
/// goes away (this future is dropped), the flag is raised and the worker stops within one
/// poll interval instead of finishing for nobody.
pub async fn compute<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    F: FnOnce() -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let limit = state.config.compute_timeout;
    run_bounded(limit, Instant::now(), work, None).await
}

/// As [`compute`], for the heavy endpoints (matrix, reach, capacity, assign, the compare
/// endpoints of capacity and assign, preview):
/// admitted through a bounded queue of [`ServerConfig::heavy_slots`] permits, so a flood of
/// them leaves the other blocking threads to routes. Waiting counts against the same compute
/// bound.
pub async fn compute_heavy<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    F: FnOnce() -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let limit = state.config.compute_timeout;
    let start = Instant::now();
    let permit = match tokio::time::timeout(limit, state.heavy.acquire()).await {
        Ok(Ok(p)) => p,
        _ => {
            return Err(ApiError::Unavailable(format!(
                "the service is busy with other heavy requests (at most {} at once); \
                 retry shortly",
                state.config.heavy_slots.max(1)
            )));
        }
    };
    let out = run_bounded(limit, start, work, Some(&state.heavy_pool)).await;
    drop(permit);
    out
}

/// Network elements (nodes + links) one search over `net` may visit: the size a request's
/// work is measured in ([`crate::cancel::check_work`], [`ServerConfig::max_work`]).
pub fn network_size(net: &crate::network::Network) -> usize {
    net.nodes().len() + net.links().len()
}

/// The number of demands an assignment body asks for (0 when `demands` is malformed: the
/// domain reports that).
pub fn demand_count(
    body: &crate::capacity::assign::Loose<crate::capacity::assign::AssignRequest>,
) -> usize {
    use crate::capacity::assign::Loose;
    match body {
        Loose::Valid(b) => match &b.demands {
            Some(Loose::Valid(d)) => d.len(),
            _ => 0,
        },
        Loose::Invalid(_) => 0,
    }
}

async fn run_bounded<T, F>(
    limit: Duration,
    start: Instant,
    work: F,
    pool: Option<&HeavyPool>,
) -> Result<T, ApiError>
where
    F: FnOnce() -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let exceeded = || {
        ApiError::Unavailable(format!(
            "the request exceeded the compute bound of {} ms",
            limit.as_millis()
        ))
    };
    let remaining = limit.saturating_sub(start.elapsed());
    let deadline = crate::cancel::Deadline::after(remaining);
    // Raised when this future ends for any reason: answered, timed out, or dropped because
    // the client disconnected.
    let _raise = deadline.raise_on_drop();
    let worker_deadline = deadline.clone();
    let cancelled = exceeded();
    let job = move || {
        crate::fields::with_suggestion_budget(crate::fields::SUGGESTED_UNKNOWNS, || {
            crate::cancel::with_deadline(worker_deadline, work)
        })
        .unwrap_or(Err(cancelled))
    };
    let done = async move {
        match pool {
            Some(pool) => pool.run(job).await,
            None => web::block(job).await.map_err(|e| e.to_string()),
        }
    };
    match tokio::time::timeout(remaining, done).await {
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
        .configure(places::configure)
        .configure(tiles::configure)
        .configure(ogc::configure)
        .configure(web_map::configure)
        .configure(openapi::configure)
        .configure(admin::configure)
        .configure(head::configure);
}

/// The CORS policy of `config`: with no configured origin, any origin may read (GET, HEAD,
/// OPTIONS) and none may POST ([`security::guard`] refuses a cross-origin POST that needs no
/// preflight); otherwise only the listed origins, which may also POST. `Authorization` is not an allowed
/// request header, so admin calls cannot be made cross-origin. `ETag` is exposed so map
/// clients can revalidate.
pub fn cors(config: &ServerConfig) -> actix_cors::Cors {
    let methods: &[&str] = if config.cors_origins.is_empty() {
        &["GET", "HEAD", "OPTIONS"]
    } else {
        &["GET", "HEAD", "POST", "OPTIONS"]
    };
    let mut c = actix_cors::Cors::default()
        .allowed_methods(methods.iter().copied())
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
        (status = 200, description = "Up, with node and link counts, the data's ETag, the source's state and the last reload's outcome.", body = schema::Health),
        (status = 400, description = "Any query parameter (none is accepted).", content_type = "application/problem+json", body = schema::Problem),
    )
)]
pub async fn health(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    Params::parse(req.query_string(), &[])?.finish()?;
    let snap = state.current();
    let (nodes, links) = snap.counts;
    let status = state.status_json();
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "status": "ok",
        "nodes": nodes,
        "links": links,
        "etag": snap.etag,
        "source": status["source"],
        "last_reload": status["last_reload"],
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
        (status = 413, description = "More than 100,000 features: read the OGC collections by bbox and page instead.", content_type = "application/problem+json", body = schema::Problem),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn network(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    Params::parse(req.query_string(), &[])?.finish()?;
    let snap = state.current();
    let Some(body) = snap.network_json.clone() else {
        let n = snap.network.nodes().len() + snap.network.links().len();
        return Err(ApiError::TooLarge {
            field: "network".to_string(),
            detail: format!(
                "the network has {n} features, more than the {MAX_NETWORK_FEATURES} served \
                 whole by /v1/network: read it by area and in pages from the OGC collections, \
                 /ogc/collections/nodes/items and /ogc/collections/links/items with \
                 bbox=minLon,minLat,maxLon,maxLat and limit (follow each page's `next` link)"
            ),
            limit: MAX_NETWORK_FEATURES as u64,
        });
    };
    Ok(cached_response(&req, &snap.etag, GEOJSON, body))
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
            .wrap(actix_web::middleware::from_fn(
                $crate::http::methods::head_as_get,
            ))
            .wrap(actix_web::middleware::from_fn($crate::http::log_request))
            .wrap(actix_web::middleware::Compress::default())
            .wrap($crate::http::cors(&$state.config))
            .wrap(actix_web::middleware::from_fn(
                $crate::http::security::guard,
            ))
            .wrap(actix_web::middleware::from_fn(
                $crate::http::methods::problem_layer,
            ))
            .configure($crate::http::configure)
            .default_service(actix_web::web::to($crate::http::methods::fallback))
    }};
}

/// 404 problem+json for unknown paths (405 with `Allow` for a known path asked with another
/// method): [`methods::fallback`].
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    methods::fallback(req).await
}

/// Blocking threads per actix worker (one worker per core): searches and flows run there.
pub const BLOCKING_THREADS_PER_WORKER: usize = 8;

/// Starts the server on `bind` and runs until SIGINT/SIGTERM (graceful shutdown).
///
/// The server is actix-web's, assembled from its parts (actix-server's listener, actix-http's
/// HTTP/1 service, the app) rather than through `HttpServer`, for one reason: each accepted
/// stream is wrapped in a [`head::CheckedStream`], which checks request heads before
/// actix-http reads them, so that a head actix-http would refuse with an empty `400`/`431`
/// gets a problem document instead (see [`head`]). The settings are `HttpServer`'s defaults
/// (keep-alive 5 s, head within 5 s, disconnect 1 s, one worker per core) plus ours below.
pub async fn serve(state: web::Data<AppState>, bind: &str) -> std::io::Result<()> {
    use actix_service::{IntoServiceFactory as _, ServiceFactoryExt as _, fn_service, map_config};
    use actix_web::dev::AppConfig;
    use actix_web::rt::net::TcpStream;

    let listener = std::net::TcpListener::bind(bind)?;
    let addr = listener.local_addr()?;
    let st = state.clone();
    let server = actix_server::Server::build()
        // Each blocking thread keeps its search scratch (sized to the graph) for its life:
        // bounding the threads bounds that memory (actix's default is 512 ÷ cores per
        // worker). Requests beyond them queue, and a wait past the compute bound is a 503.
        .worker_max_blocking_threads(BLOCKING_THREADS_PER_WORKER)
        .shutdown_timeout(10)
        .listen("corridor", listener, move || {
            let st = st.clone();
            let app = corridor_app!(st)
                .into_factory()
                .map_err(|e: actix_web::Error| e.error_response());
            let http =
                actix_http::HttpServiceBuilder::<head::CheckedStream<TcpStream>, _>::default()
                    .keep_alive(actix_http::KeepAlive::Timeout(Duration::from_secs(5)))
                    .client_request_timeout(Duration::from_secs(5))
                    .client_disconnect_timeout(Duration::from_secs(1))
                    // A client that closes its side is gone: actix's default keeps a half-closed
                    // HTTP/1 connection's request running to the end (the client might still read
                    // the answer), so abandoned work ran on for nobody. Refusing half-closure
                    // drops the handler as soon as the EOF is read, which raises the request's
                    // cancellation flag.
                    .h1_allow_half_closed(false)
                    .local_addr(addr)
                    // `HttpServer` passes the same (its constructor is crate-private; this is the
                    // one actix-web exposes for servers built outside it).
                    .h1(map_config(app, move |_: ()| {
                        AppConfig::__priv_test_new(false, addr.to_string(), addr)
                    }));
            fn_service(|io: TcpStream| {
                let peer = io.peer_addr().ok();
                std::future::ready(Ok::<_, actix_http::error::DispatchError>((
                    head::CheckedStream::new(io),
                    peer,
                )))
            })
            .and_then(http)
        })?
        .run();
    tracing::info!(%addr, "corridor listening");
    // On stdout too, so scripts and tests can find an ephemeral port.
    println!("corridor listening on http://{addr}");
    #[cfg(unix)]
    actix_web::rt::spawn(admin::reload_on_sighup(state));
    server.await
}
