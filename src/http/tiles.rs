//! `GET /tiles/{z}/{x}/{y}.mvt`, `GET /tiles.json`, `GET /style.json`: the network as Mapbox
//! Vector Tiles (encoded by [`crate::output::tiles`]), their TileJSON 3.0 and a MapLibre style.
//!
//! Tiles are cached per served snapshot ([`TileCache`], bounded by bytes, least recently used
//! first out), so a reload starts a fresh cache. Each tile has an ETag of the snapshot's data
//! and the tile's address (and scenario); `If-None-Match` answers 304 before any work. An empty
//! tile is a 204. gzip (or brotli) is applied by the service's compression middleware when the
//! client asks (`Accept-Encoding`).

use std::sync::{Arc, Mutex};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{ApiError, AppState, FieldError, Params, Served, compute, derived_etag, to_json};
use crate::output::tiles::{self, TileId, TileSource};

/// Media type of a Mapbox Vector Tile.
pub const MVT: &str = "application/vnd.mapbox-vector-tile";

/// Parameters accepted by the tile, TileJSON and style endpoints.
pub const TILE_PARAMS: &[&str] = &["scenario"];

/// Bytes of encoded tiles kept per snapshot: 64 MiB.
pub const TILE_CACHE_BYTES: usize = 64 << 20;

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

/// Encoded tiles of one snapshot, least recently used evicted first once their bytes pass the
/// budget. An empty body stands for an empty tile (204).
#[derive(Debug)]
pub struct TileCache {
    inner: Mutex<CacheInner>,
    budget: usize,
}

#[derive(Debug)]
struct CacheInner {
    lru: lru::LruCache<Key, web::Bytes>,
    bytes: usize,
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
        }
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

/// The scenario asked for (checked to exist), if any.
fn scenario_param(req: &HttpRequest, snap: &Served) -> Result<Option<String>, ApiError> {
    let mut params = Params::parse(req.query_string(), TILE_PARAMS)?;
    let name = params.str("scenario");
    params.finish()?;
    if let Some(n) = &name {
        snap.scenario(Some(n))?;
    }
    Ok(name)
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
        ("scenario" = Option<String>, Query, description = "A loaded scenario's name: the network as it changes it"),
    ),
    responses(
        (status = 200, description = "The tile (MVT 2.1): layers rail, road, crossings, places.", content_type = "application/vnd.mapbox-vector-tile"),
        (status = 204, description = "No feature in this tile."),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)."),
        (status = 400, description = "z above 14, x or y out of range, a non-numeric part, an unknown parameter.", content_type = "application/problem+json", body = super::schema::Problem),
        (status = 404, description = "Unknown scenario.", content_type = "application/problem+json", body = super::schema::Problem),
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
    let scenario = scenario_param(&req, &snap);
    let (tile, scenario) = match (addr, scenario) {
        (Ok(t), Ok(s)) => (t, s),
        (Err(ApiError::BadRequest(mut a)), Err(ApiError::BadRequest(b))) => {
            a.extend(b);
            return Err(ApiError::BadRequest(a));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let key: Key = (scenario.as_deref().unwrap_or("").into(), tile);
    let address = format!("{}/{}/{}", tile.z, tile.x, tile.y);
    let etag = derived_etag(&snap.etag, &["tile", &key.0, &address]);
    if let Some(r) = super::if_none_match(&req, &etag) {
        return Ok(r);
    }
    let body = match snap.tiles.get(&key) {
        Some(b) => b,
        None => {
            let snap2 = Arc::clone(&snap);
            let name = scenario.clone();
            let bytes = compute(&state, move || {
                let on = snap2.scenario(name.as_deref())?;
                Ok(tiles::encode_tile(TileSource::from(on), tile)?.unwrap_or_default())
            })
            .await?;
            let bytes = web::Bytes::from(bytes);
            snap.tiles.put(key, bytes.clone());
            bytes
        }
    };
    let mut res = if body.is_empty() {
        HttpResponse::NoContent()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::ETAG, etag));
    if body.is_empty() {
        return Ok(res.finish());
    }
    Ok(res.content_type(MVT).body(body))
}

/// The service's own address as the client reached it (`http://host:port`).
fn origin(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

fn scenario_query(scenario: Option<&str>) -> String {
    scenario.map_or(String::new(), |s| {
        let enc: String = s
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        format!("?scenario={enc}")
    })
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

/// TileJSON 3.0 of the tiles: URL template, zooms, bounds and `vector_layers` with fields.
#[utoipa::path(
    get,
    path = "/tiles.json",
    tag = "tiles",
    params(("scenario" = Option<String>, Query, description = "A loaded scenario's name: its tiles")),
    responses(
        (status = 200, description = "TileJSON 3.0.0.", content_type = "application/json"),
        (status = 400, description = "An unknown parameter.", content_type = "application/problem+json", body = super::schema::Problem),
        (status = 404, description = "Unknown scenario.", content_type = "application/problem+json", body = super::schema::Problem),
    )
)]
pub async fn get_tilejson(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let snap = state.current();
    let scenario = scenario_param(&req, &snap)?;
    let on = snap.scenario(scenario.as_deref())?;
    let bounds = match (on.index.link_extent(), on.index.node_extent()) {
        (Some(a), Some(b)) => Some(crate::index::BBox {
            min_lon: a.min_lon.min(b.min_lon),
            min_lat: a.min_lat.min(b.min_lat),
            max_lon: a.max_lon.max(b.max_lon),
            max_lat: a.max_lat.max(b.max_lat),
        }),
        (a, b) => a.or(b),
    };
    let url = format!(
        "{}/tiles/{{z}}/{{x}}/{{y}}.mvt{}",
        origin(&req),
        scenario_query(scenario.as_deref())
    );
    let name = scenario.map_or("corridor".to_string(), |s| format!("corridor ({s})"));
    let doc = tiles::tilejson(&url, bounds, &name);
    json_with_etag(&req, &snap, "tilejson", &doc, "application/json")
}

/// A MapLibre style (version 8) drawing the tiles as the web map draws the network.
#[utoipa::path(
    get,
    path = "/style.json",
    tag = "tiles",
    params(("scenario" = Option<String>, Query, description = "A loaded scenario's name: its tiles")),
    responses(
        (status = 200, description = "MapLibre style.", content_type = "application/json"),
        (status = 400, description = "An unknown parameter.", content_type = "application/problem+json", body = super::schema::Problem),
        (status = 404, description = "Unknown scenario.", content_type = "application/problem+json", body = super::schema::Problem),
    )
)]
pub async fn get_style(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let snap = state.current();
    let scenario = scenario_param(&req, &snap)?;
    let url = format!(
        "{}/tiles.json{}",
        origin(&req),
        scenario_query(scenario.as_deref())
    );
    let doc = tiles::style(&url);
    json_with_etag(&req, &snap, "style", &doc, "application/json")
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn every_malformed_part_is_named() {
        let ApiError::BadRequest(errs) = parse_address("a", "1", "2.png").unwrap_err() else {
            panic!("expected 400");
        };
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["z", "y"]);
    }
}
