//! `GET /tiles/{z}/{x}/{y}.mvt`, `GET /tiles.json`, `GET /style.json`: the network as Mapbox
//! Vector Tiles (encoded by [`crate::output::tiles`]), their TileJSON 3.0 and a MapLibre style.
//!
//! Tiles are cached per served snapshot ([`TileCache`], bounded by bytes, least recently used
//! first out), so a reload starts a fresh cache. The cache holds each tile **gzipped**, as it
//! was compressed once by the worker that encoded it: a client that accepts gzip gets those
//! bytes with `Content-Encoding: gzip` (the compression middleware leaves a response that
//! already has a `Content-Encoding` alone), so a warm tile costs no compression; any other
//! client gets the tile inflated (and brotli from the middleware if it asks for that).
//!
//! Each tile has an ETag of the snapshot's data, the tile's address (and scenario) and the
//! representation served (the gzip bytes, or the inflated tile with the `Accept-Encoding` the
//! middleware encodes it for: each representation its own validator), and every tile answer
//! says `Vary: Accept-Encoding`, so a shared cache keeps the codings apart.
//! `If-None-Match` answers 304 before any work. An empty tile is a 204.
//!
//! `?layer=utilisation&demand=NAME` asks for an assignment's link loads instead of the network
//! (one `utilisation` layer: what `POST /v1/assign {"demand": NAME}` answers as GeoJSON, for a
//! network too large for that answer). The assignment is computed once per snapshot, scenario
//! and demand set and kept beside the tiles.

use std::sync::{Arc, Mutex, OnceLock};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{ApiError, AppState, FieldError, Params, Served, compute, derived_etag, to_json};
use crate::capacity::{self as cap, AssignRequest, Loose, demand};
use crate::network::Network;
use crate::output::tiles::{self, LinkLoads, Thinning, TileId, TileSource};

/// Media type of a Mapbox Vector Tile.
pub const MVT: &str = "application/vnd.mapbox-vector-tile";

/// Parameters accepted by the tile, TileJSON and style endpoints.
pub const TILE_PARAMS: &[&str] = &["scenario", "layer", "demand"];

/// The `layer` value asking for an assignment's link loads.
pub const UTILISATION: &str = "utilisation";

/// Most assignments kept per snapshot (each its loaded links); the oldest is dropped beyond.
pub const MAX_KEPT_ASSIGNMENTS: usize = 8;

/// Bytes of gzipped tiles kept per snapshot: 64 MiB.
pub const TILE_CACHE_BYTES: usize = 64 << 20;

/// Whether a tile is served as the cached gzip bytes, from the request's `Accept-Encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    /// The cached gzip bytes as they are.
    Gzip,
    /// Inflated here; the compression middleware then applies whatever else the client asked
    /// for (br, deflate), or nothing.
    Inflated,
}

impl Coding {
    /// Gzip when `accept` (an `Accept-Encoding` value) lists `gzip` (or `x-gzip`, or `*`
    /// without naming gzip) with a non-zero `q`; an explicit `q=0` refuses it.
    fn of(accept: Option<&str>) -> Self {
        let Some(accept) = accept else {
            return Coding::Inflated;
        };
        let mut star = None;
        let mut gzip = None;
        for item in accept.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|v| v.trim().parse::<f64>().ok())
                .unwrap_or(1.0);
            match coding.as_str() {
                "gzip" | "x-gzip" => gzip = Some(q),
                "*" => star = Some(q),
                _ => {}
            }
        }
        if gzip.or(star).is_some_and(|q| q > 0.0) {
            Coding::Gzip
        } else {
            Coding::Inflated
        }
    }
}

/// `body` gzipped (flate2's default level 6), done once per tile by the worker that encodes it.
fn gzip(body: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write as _;
    let mut gz = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 2 + 64),
        flate2::Compression::default(),
    );
    gz.write_all(body)?;
    gz.finish()
}

/// A cached tile inflated, for a client that does not take gzip.
fn gunzip(gz: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut out = Vec::with_capacity(gz.len() * 3);
    flate2::read::GzDecoder::new(gz).read_to_end(&mut out)?;
    Ok(out)
}

/// Registers this module's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    // HEAD too: GDAL's /vsicurl/ (and other clients) ask for a tile's size before reading it.
    cfg.route("/tiles/{z}/{x}/{y}", web::get().to(get_tile))
        .route("/tiles/{z}/{x}/{y}", web::head().to(get_tile))
        .route("/tiles.json", web::get().to(get_tilejson))
        .route("/style.json", web::get().to(get_style));
}

/// A cached tile's key: scenario name (empty for the baseline) and address.
type Key = (Box<str>, TileId);

/// Encoded tiles of one snapshot, gzipped, least recently used evicted first once their bytes
/// pass the budget. An empty body stands for an empty tile (204).
#[derive(Debug)]
pub struct TileCache {
    inner: Mutex<CacheInner>,
    budget: usize,
    /// Assignments drawn as `utilisation` tiles, by scenario and demand set (insertion order).
    loads: Mutex<Vec<(Key0, Arc<LinkLoads>)>>,
    /// Low-zoom thinning of the network and of each scenario's (key: scenario name, empty for
    /// the baseline), built by the first tile that needs it.
    thinning: Mutex<Vec<(Box<str>, ThinningCell)>>,
    /// Tiles being encoded: a request for a tile that another worker is encoding waits for
    /// that encoding and takes its result from the cache instead of encoding it again (64
    /// connections asking for the same cold z3 tile cost one encoding, not 64).
    encoding: Mutex<std::collections::HashMap<Key, Arc<Mutex<()>>>>,
}

/// One network's thinning, built once by whichever tile asks first.
type ThinningCell = Arc<OnceLock<Thinning>>;

/// Scenario name (empty for the baseline) and demand set name.
type Key0 = (Box<str>, Box<str>);

#[derive(Debug)]
struct CacheInner {
    lru: lru::LruCache<Key, web::Bytes>,
    bytes: usize,
}

/// The thinning of `network`, timed in the log.
fn build_thinning(scenario: &str, network: &Network) -> Thinning {
    let start = std::time::Instant::now();
    let t = Thinning::of(network);
    tracing::info!(
        scenario,
        millis = start.elapsed().as_millis() as u64,
        "tile thinning built"
    );
    t
}

impl TileCache {
    /// An empty cache holding at most `budget` bytes of tiles (plus a small cost per entry).
    pub fn new(budget: usize) -> Self {
        Self {
            inner: Mutex::new(CacheInner {
                lru: lru::LruCache::unbounded(),
                bytes: 0,
            }),
            budget,
            loads: Mutex::new(Vec::new()),
            thinning: Mutex::new(Vec::new()),
            encoding: Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// Runs `encode` for `key` unless another worker is encoding it: then waits for that one
    /// and answers from the cache (`encode` runs after all when the other failed or its tile
    /// was not kept). `encode` puts what it makes into the cache itself.
    fn encode_once<E>(
        &self,
        key: &Key,
        encode: impl FnOnce() -> Result<web::Bytes, E>,
    ) -> Result<web::Bytes, E> {
        let lock = {
            let mut busy = self.encoding.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(busy.entry(key.clone()).or_default())
        };
        let out = {
            let _turn = lock.lock().unwrap_or_else(|e| e.into_inner());
            match self.get(key) {
                Some(b) => Ok(b),
                None => encode(),
            }
        };
        let mut busy = self.encoding.lock().unwrap_or_else(|e| e.into_inner());
        // Each worker in `encode_once` holds a reference besides the map's, taken and given
        // back under the map's lock: the last one out removes the entry.
        drop(lock);
        if busy.get(key).is_some_and(|l| Arc::strong_count(l) == 1) {
            busy.remove(key);
        }
        out
    }

    /// Calls `f` with the thinning of `on`, the network of scenario `scenario` ("" for the
    /// baseline): built on first use (once, however many tiles ask at the same time) and kept
    /// with the cache.
    pub(crate) fn with_thinning<R>(
        &self,
        scenario: &str,
        on: &crate::snapshot::Snapshot,
        f: impl FnOnce(&Thinning) -> R,
    ) -> R {
        f(self
            .thinning_cell(scenario)
            .get_or_init(|| build_thinning(scenario, &on.network)))
    }

    /// The work of building the thinning of `network` (scenario `scenario`, "" for the
    /// baseline), to run on a thread of its own so that a large network is served before its
    /// tiles' thinning is ready (it takes about a third of opening a 10⁶-node network). A tile
    /// that needs it meanwhile waits for that build instead of starting another. The
    /// prepared file's pages the build read are handed back after it.
    pub(crate) fn thinning_job(
        &self,
        scenario: &str,
        network: Network,
    ) -> impl FnOnce() + Send + 'static {
        let cell = self.thinning_cell(scenario);
        let name: Box<str> = scenario.into();
        move || {
            cell.get_or_init(|| build_thinning(&name, &network));
            network.release_file_pages();
        }
    }

    /// Takes the baseline's thinning from the prepared file `snap` was read from, when the
    /// file stores one that fits the network ([`Thinning::SECTION`]). Returns whether it did;
    /// otherwise the thinning is built as for any other source.
    pub(crate) fn thinning_from_file(&self, snap: &crate::snapshot::Snapshot) -> bool {
        let Some(file) = &snap.stored else {
            return false;
        };
        let Some(bytes) = file.section(Thinning::SECTION) else {
            tracing::info!(
                section = Thinning::SECTION,
                "the prepared file stores no tile thinning of this build's rules: building it"
            );
            return false;
        };
        match Thinning::from_bytes(bytes, &snap.network) {
            Some(t) => {
                let _ = self.thinning_cell("").set(t);
                true
            }
            None => {
                tracing::warn!(
                    section = Thinning::SECTION,
                    "the prepared file's tile thinning does not fit its network: building it"
                );
                false
            }
        }
    }

    /// The cell holding the thinning of scenario `scenario`'s network, made empty on first
    /// use.
    fn thinning_cell(&self, scenario: &str) -> ThinningCell {
        let mut kept = self.thinning.lock().unwrap_or_else(|e| e.into_inner());
        match kept.iter().find(|(k, _)| &**k == scenario) {
            Some((_, c)) => Arc::clone(c),
            None => {
                let c = Arc::new(OnceLock::new());
                kept.push((scenario.into(), Arc::clone(&c)));
                c
            }
        }
    }

    /// How many assignments are kept for `utilisation` tiles.
    pub fn assignments_kept(&self) -> usize {
        self.loads.lock().map(|k| k.len()).unwrap_or(0)
    }

    fn loads(&self, key: &Key0) -> Option<Arc<LinkLoads>> {
        let kept = self.loads.lock().ok()?;
        kept.iter()
            .find(|(k, _)| k == key)
            .map(|(_, l)| Arc::clone(l))
    }

    fn keep_loads(&self, key: Key0, loads: Arc<LinkLoads>) {
        let Ok(mut kept) = self.loads.lock() else {
            return;
        };
        if kept.iter().any(|(k, _)| *k == key) {
            return;
        }
        if kept.len() >= MAX_KEPT_ASSIGNMENTS {
            kept.remove(0);
        }
        kept.push((key, loads));
    }

    /// Bytes an entry counts for: its body plus the key and bookkeeping.
    fn cost(key: &Key, body: &web::Bytes) -> usize {
        body.len() + key.0.len() + 64
    }

    fn get(&self, key: &Key) -> Option<web::Bytes> {
        let mut inner = self.inner.lock().ok()?;
        inner.lru.get(key).cloned()
    }

    fn put(&self, key: Key, body: web::Bytes) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        let cost = Self::cost(&key, &body);
        if cost > self.budget {
            return;
        }
        if let Some(old) = inner.lru.put(key.clone(), body) {
            inner.bytes -= Self::cost(&key, &old);
        }
        inner.bytes += cost;
        while inner.bytes > self.budget {
            match inner.lru.pop_lru() {
                Some((k, v)) => inner.bytes -= Self::cost(&k, &v),
                None => break,
            }
        }
    }

    /// How many tiles and bytes are held.
    pub fn usage(&self) -> (usize, usize) {
        self.inner
            .lock()
            .map(|i| (i.lru.len(), i.bytes))
            .unwrap_or((0, 0))
    }
}

impl Default for TileCache {
    fn default() -> Self {
        Self::new(TILE_CACHE_BYTES)
    }
}

/// The address of `/tiles/{z}/{x}/{y}.mvt`, every malformed part named at once.
fn parse_address(z: &str, x: &str, y: &str) -> Result<TileId, ApiError> {
    let mut errors = Vec::new();
    let mut number = |field: &str, text: &str| match text.parse::<u64>() {
        Ok(v) => Some(v),
        Err(_) => {
            errors.push(FieldError {
                field: field.into(),
                detail: format!(
                    "'{}' is not a non-negative integer",
                    crate::fields::truncate(text, 40)
                ),
            });
            None
        }
    };
    let zv = number("z", z);
    let xv = number("x", x);
    let yv = match y.strip_suffix(".mvt") {
        Some(y) => number("y", y),
        None => {
            errors.push(FieldError {
                field: "y".into(),
                detail: format!(
                    "'{}': the last part must be {{y}}.mvt",
                    crate::fields::truncate(y, 40)
                ),
            });
            None
        }
    };
    match (zv, xv, yv) {
        (Some(z), Some(x), Some(y)) if errors.is_empty() => Ok(TileId::new(z, x, y)?),
        _ => Err(ApiError::BadRequest(errors)),
    }
}

/// What the tile, TileJSON and style endpoints were asked for: a scenario (checked to exist)
/// and, for `layer=utilisation`, the demand set whose assignment is drawn (checked to exist).
#[derive(Debug, Clone, Default)]
struct TileQuery {
    scenario: Option<String>,
    demand: Option<String>,
}

impl TileQuery {
    /// The cache and ETag name of what is drawn: the scenario, plus the demand set if any.
    fn cache_name(&self) -> String {
        let scenario = self.scenario.as_deref().unwrap_or("");
        match &self.demand {
            None => scenario.to_string(),
            Some(d) => format!("{scenario}\u{1f}{UTILISATION}={d}"),
        }
    }

    /// The query string that asks for the same thing (for TileJSON and style URLs).
    fn query_string(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = &self.scenario {
            parts.push(format!("scenario={}", encode(s)));
        }
        if let Some(d) = &self.demand {
            parts.push(format!("layer={UTILISATION}&demand={}", encode(d)));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// Reads `scenario`, `layer` and `demand`: every malformed one named at once (400), then an
/// unknown scenario or demand set (404).
fn tile_query(req: &HttpRequest, snap: &Served) -> Result<TileQuery, ApiError> {
    let mut params = Params::parse(req.query_string(), TILE_PARAMS)?;
    let scenario = params.str("scenario");
    let layer = params.str("layer");
    let demand = params.str("demand");
    let utilisation = match layer.as_deref() {
        None | Some("network") => false,
        Some(UTILISATION) => true,
        Some(other) => {
            params.error(
                "layer",
                format!(
                    "'{}' is not a layer: network (default) or {UTILISATION}",
                    crate::fields::truncate(other, 40)
                ),
            );
            false
        }
    };
    match (&demand, utilisation) {
        (None, true) => params.error(
            "demand",
            "required with layer=utilisation: the name of a demand set (GET /v1/demand)",
        ),
        (Some(_), false) if layer.is_none() || layer.as_deref() == Some("network") => {
            params.error("demand", "only with layer=utilisation")
        }
        _ => {}
    }
    params.finish()?;
    if let Some(n) = &scenario {
        snap.scenario(Some(n))?;
    }
    if let Some(d) = demand.as_ref().filter(|d| !snap.demand.contains_key(*d)) {
        return Err(ApiError::NotFound {
            field: "demand".into(),
            detail: format!(
                "no demand set '{}' (GET /v1/demand lists them)",
                crate::fields::truncate(d, 60)
            ),
            suggestions: Vec::new(),
        });
    }
    Ok(TileQuery {
        scenario,
        demand: demand.filter(|_| utilisation),
    })
}

/// The link loads of demand set `name` assigned on the network `on` (as `POST /v1/assign
/// {"demand": NAME}` computes them).
fn assign_loads(
    on: &crate::snapshot::Snapshot,
    sets: &std::collections::BTreeMap<String, demand::DemandSet>,
    name: &str,
) -> Result<LinkLoads, ApiError> {
    let mut body = AssignRequest {
        demand: Some(Loose::Valid(name.to_string())),
        ..AssignRequest::default()
    };
    demand::expand(&mut body, sets)?;
    let q = AssignRequest::check(Loose::Valid(body), &on.network, on.conversion)?;
    let a = cap::assign(&on.network, &q);
    Ok(LinkLoads::new(a.links, name))
}

/// The query parameters shared by the tiles, TileJSON and style (documentation only: the
/// handlers read them with [`tile_query`]).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct TileQueryDoc {
    /// A loaded scenario's name: the network as it changes it.
    scenario: Option<String>,
    /// `network` (default: layers rail, road, crossings, places) or `utilisation` (one layer: the link loads of the assignment of `demand`).
    layer: Option<String>,
    /// With `layer=utilisation`: a demand set's name (`GET /v1/demand`).
    demand: Option<String>,
}

/// A tile's, TileJSON's or style's unknown scenario or demand set.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
enum TileNotFound {
    /// Unknown scenario or demand set.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(super::schema::Problem),
}

/// The TileJSON's and style's refusal of their query.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
enum TileDocRefused {
    /// An unknown parameter or layer; demand missing with layer=utilisation or given without it.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(super::schema::Problem),
}

/// One vector tile of the network (or of a loaded scenario's network).
#[utoipa::path(
    get,
    path = "/tiles/{z}/{x}/{y}.mvt",
    tag = "tiles",
    params(
        ("z" = u8, Path, description = "Zoom, 0–14"),
        ("x" = u32, Path, description = "Column, 0 to 2^z − 1"),
        ("y" = u32, Path, description = "Row from the north, 0 to 2^z − 1"),
        TileQueryDoc,
    ),
    responses(
        (status = 200, description = "The tile (MVT 2.1): layers rail, road, crossings, places; or utilisation.", content_type = "application/vnd.mapbox-vector-tile"),
        (status = 204, description = "No feature in this tile."),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)."),
        (status = 400, description = "z above 14, x or y out of range, a non-numeric part, an unknown parameter or layer, demand missing with layer=utilisation (or given without it), an assignment the network refuses.", content_type = "application/problem+json", body = super::schema::Problem),
        TileNotFound,
    )
)]
#[tracing::instrument(skip_all, fields(path = %req.path()))]
pub async fn get_tile(
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (z, x, y) = path.into_inner();
    let snap = state.current();
    let addr = parse_address(&z, &x, &y);
    let query = tile_query(&req, &snap);
    let (tile, query) = match (addr, query) {
        (Ok(t), Ok(s)) => (t, s),
        (Err(ApiError::BadRequest(mut a)), Err(ApiError::BadRequest(b))) => {
            a.extend(b);
            return Err(ApiError::BadRequest(a));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let key: Key = (query.cache_name().into(), tile);
    let address = format!("{}/{}/{}", tile.z, tile.x, tile.y);
    let accept = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok());
    let coding = Coding::of(accept);
    // Each representation its own validator: the gzip bytes, or the inflated tile as the
    // middleware then encodes it for this Accept-Encoding.
    let variant = match coding {
        Coding::Gzip => "gzip".to_string(),
        Coding::Inflated => format!("inflated;{}", accept.unwrap_or("")),
    };
    let etag = derived_etag(&snap.etag, &["tile", &key.0, &address, &variant]);
    let vary = (header::VARY, "Accept-Encoding");
    if let Some(mut r) = super::if_none_match(&req, &etag) {
        r.headers_mut().insert(
            header::VARY,
            header::HeaderValue::from_static("Accept-Encoding"),
        );
        return Ok(r);
    }
    let gz = match snap.tiles.get(&key) {
        Some(b) => b,
        None => {
            let snap2 = Arc::clone(&snap);
            // The tile is cached by the worker itself: a network tile that outlives this
            // request's compute bound (503) is still finished and kept (its encoding has no
            // cancellation checkpoint), so the client's retry is served from the cache. An
            // assignment for a utilisation tile is cancelled at the bound, as /v1/assign's is.
            compute(&state, move || {
                let tiles = &snap2.tiles;
                tiles.encode_once(&key.clone(), || {
                    let on = snap2.scenario(query.scenario.as_deref())?;
                    let body = match &query.demand {
                        None => {
                            let name = query.scenario.as_deref().unwrap_or("");
                            snap2.tiles.with_thinning(name, on, |thin| {
                                tiles::encode_tile(TileSource::new(on, thin), tile)
                            })?
                        }
                        Some(d) => {
                            let k: Key0 = (
                                query.scenario.as_deref().unwrap_or("").into(),
                                d.as_str().into(),
                            );
                            let loads = match snap2.tiles.loads(&k) {
                                Some(l) => l,
                                None => {
                                    let l = Arc::new(assign_loads(on, &snap2.demand, d)?);
                                    snap2.tiles.keep_loads(k, Arc::clone(&l));
                                    l
                                }
                            };
                            let none = Thinning::none();
                            tiles::encode_utilisation_tile(
                                TileSource::new(on, &none),
                                tile,
                                &loads,
                            )?
                        }
                    };
                    let gz = match body {
                        None => web::Bytes::new(),
                        Some(b) => web::Bytes::from(gzip(&b).map_err(|e| {
                            ApiError::Internal(format!("gzipping tile {address}: {e}"))
                        })?),
                    };
                    snap2.tiles.put(key, gz.clone());
                    Ok(gz)
                })
            })
            .await?
        }
    };
    if gz.is_empty() {
        return Ok(HttpResponse::NoContent()
            .insert_header((header::ETAG, etag))
            .insert_header(vary)
            .finish());
    }
    let mut res = HttpResponse::Ok();
    res.content_type(MVT)
        .insert_header((header::ETAG, etag))
        .insert_header(vary);
    if coding == Coding::Gzip {
        // Already compressed: the middleware sees the header and leaves the body alone.
        res.insert_header((header::CONTENT_ENCODING, "gzip"));
        return Ok(res.body(gz));
    }
    let raw =
        gunzip(&gz).map_err(|e| ApiError::Internal(format!("inflating a cached tile: {e}")))?;
    Ok(res.body(raw))
}

/// The service's own address as the client reached it (`http://host:port`).
fn origin(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

/// Percent-encodes a query value (unreserved characters kept).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn json_with_etag(
    req: &HttpRequest,
    snap: &Served,
    what: &str,
    doc: &serde_json::Value,
    content_type: &str,
) -> Result<HttpResponse, ApiError> {
    let etag = derived_etag(
        &snap.etag,
        &[what, &origin(req), req.query_string(), content_type],
    );
    if let Some(r) = super::if_none_match(req, &etag) {
        return Ok(r);
    }
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::ETAG, etag))
        .body(to_json(doc, what)?))
}

/// Which tile document [`tile_document`] writes.
#[derive(Debug, Clone, Copy)]
enum TileDoc {
    TileJson,
    Style,
}

/// The TileJSON or the style of the tiles asked for (scenario, utilisation): one handler body
/// for both, as they differ only in the document written.
fn tile_document(
    req: &HttpRequest,
    state: &AppState,
    which: TileDoc,
) -> Result<HttpResponse, ApiError> {
    let snap = state.current();
    let query = tile_query(req, &snap)?;
    let qs = query.query_string();
    let (what, doc) = match which {
        TileDoc::TileJson => {
            let on = snap.scenario(query.scenario.as_deref())?;
            let bounds = match (on.index.link_extent(), on.index.node_extent()) {
                (Some(a), Some(b)) => Some(crate::index::BBox {
                    min_lon: a.min_lon.min(b.min_lon),
                    min_lat: a.min_lat.min(b.min_lat),
                    max_lon: a.max_lon.max(b.max_lon),
                    max_lat: a.max_lat.max(b.max_lat),
                }),
                (a, b) => a.or(b),
            };
            let url = format!("{}/tiles/{{z}}/{{x}}/{{y}}.mvt{qs}", origin(req));
            let mut name = match &query.scenario {
                None => "corridor".to_string(),
                Some(s) => format!("corridor ({s})"),
            };
            let layers: &[tiles::LayerSpec] = match &query.demand {
                None => &tiles::LAYERS,
                Some(d) => {
                    name.push_str(&format!(": utilisation of {d}"));
                    std::slice::from_ref(&tiles::UTILISATION_LAYER)
                }
            };
            ("tilejson", tiles::tilejson(&url, bounds, &name, layers))
        }
        TileDoc::Style => {
            let url = format!("{}/tiles.json{qs}", origin(req));
            let doc = match &query.demand {
                None => tiles::style(&url),
                Some(_) => tiles::utilisation_style(&url),
            };
            ("style", doc)
        }
    };
    json_with_etag(req, &snap, what, &doc, "application/json")
}

/// TileJSON 3.0 of the tiles: URL template, zooms, bounds and `vector_layers` with fields.
#[utoipa::path(
    get,
    path = "/tiles.json",
    tag = "tiles",
    params(TileQueryDoc),
    responses(
        (status = 200, description = "TileJSON 3.0.0.", content_type = "application/json"),
        TileDocRefused,
        TileNotFound,
    )
)]
pub async fn get_tilejson(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    tile_document(&req, &state, TileDoc::TileJson)
}

/// A MapLibre style (version 8) drawing the tiles as the web map draws the network (or, for
/// `layer=utilisation`, the loaded links coloured by utilisation as the web map's assign panel).
#[utoipa::path(
    get,
    path = "/style.json",
    tag = "tiles",
    params(TileQueryDoc),
    responses(
        (status = 200, description = "MapLibre style.", content_type = "application/json"),
        TileDocRefused,
        TileNotFound,
    )
)]
pub async fn get_style(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    tile_document(&req, &state, TileDoc::Style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_encoding_per_tile_however_many_ask_at_once() {
        let c = Arc::new(TileCache::new(1 << 20));
        let key: Key = ("".into(), TileId::new(3, 6, 2).unwrap());
        let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (c, runs, key) = (Arc::clone(&c), Arc::clone(&runs), key.clone());
                std::thread::spawn(move || {
                    c.encode_once(&key, || {
                        runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(50));
                        let b = web::Bytes::from_static(b"tile");
                        c.put(key.clone(), b.clone());
                        Ok::<_, ()>(b)
                    })
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), Ok(web::Bytes::from_static(b"tile")));
        }
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert!(
            c.encoding.lock().unwrap().is_empty(),
            "no entry left behind"
        );
        // A failed encoding is not shared: the next asker encodes again.
        let other: Key = ("".into(), TileId::new(3, 5, 2).unwrap());
        assert_eq!(
            c.encode_once(&other, || Err::<web::Bytes, _>("refused")),
            Err("refused")
        );
        assert_eq!(
            c.encode_once(&other, || Ok::<_, &str>(web::Bytes::from_static(b"x"))),
            Ok(web::Bytes::from_static(b"x"))
        );
        assert!(c.encoding.lock().unwrap().is_empty());
    }

    #[test]
    fn cache_evicts_least_recently_used_by_bytes() {
        let c = TileCache::new(3 * (100 + 64));
        let k = |x| -> Key { ("".into(), TileId::new(2, x, 0).unwrap()) };
        let body = web::Bytes::from(vec![0u8; 100]);
        c.put(k(0), body.clone());
        c.put(k(1), body.clone());
        c.put(k(2), body.clone());
        assert!(c.get(&k(0)).is_some()); // 0 is now the most recent
        c.put(k(3), body.clone());
        assert!(c.get(&k(1)).is_none(), "1 was least recently used");
        assert!(c.get(&k(0)).is_some() && c.get(&k(3)).is_some());
        assert_eq!(c.usage(), (3, 3 * 164));
    }

    #[test]
    fn gzip_is_served_when_the_client_takes_it() {
        for (accept, want) in [
            (None, Coding::Inflated),
            (Some("gzip"), Coding::Gzip),
            (Some("gzip, deflate, br, zstd"), Coding::Gzip),
            (Some("br;q=1.0, gzip;q=0.5"), Coding::Gzip),
            (Some("x-gzip"), Coding::Gzip),
            (Some("*"), Coding::Gzip),
            (Some("br"), Coding::Inflated),
            (Some("identity"), Coding::Inflated),
            (Some("gzip;q=0, br"), Coding::Inflated),
            (Some("*;q=0.5, gzip;q=0"), Coding::Inflated),
            (Some("GZIP ; q=0.3"), Coding::Gzip),
        ] {
            assert_eq!(Coding::of(accept), want, "{accept:?}");
        }
        let body = b"tile bytes tile bytes tile bytes".repeat(10);
        assert_eq!(gunzip(&gzip(&body).unwrap()).unwrap(), body);
    }

    #[test]
    fn every_malformed_part_is_named() {
        let ApiError::BadRequest(errs) = parse_address("a", "1", "2.png").unwrap_err() else {
            panic!("expected 400");
        };
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["z", "y"]);
    }
}
