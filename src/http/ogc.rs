//! OGC API – Features, Part 1 Core with GeoJSON, under `/ogc`: landing page, conformance,
//! the `nodes`, `links` and `crossings` collections, their items (paged, with `bbox`) and
//! single items, plus each collection's JSON Schema (`describedby`, as Part 5 publishes it).
//!
//! GIS clients read the fields of a layer from its first page, so every feature of a
//! collection carries every property of it ([`LayerSchema`]). Links are absolute, built from
//! `--public-url`, else the request's host (forwarded headers only from `--trusted-proxy` peers).

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use utoipa::IntoParams;

use super::{ApiError, AppState, GEOJSON, Params, cached_response, derived_etag};
use crate::fields::truncate;
use crate::index::{BBox, Layer, SpatialIndex, close_ids, find_item, layer_extent, layer_items_in};
use crate::snapshot::Snapshot;

/// Registers this module's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/ogc", web::get().to(landing))
        .route("/ogc/", web::get().to(landing))
        .route("/ogc/conformance", web::get().to(conformance))
        .route("/ogc/collections", web::get().to(collections))
        .route("/ogc/collections/{collectionId}", web::get().to(collection))
        .route(
            "/ogc/collections/{collectionId}/items",
            web::get().to(items),
        )
        .route(
            "/ogc/collections/{collectionId}/items/{featureId}",
            web::get().to(item),
        )
        .route(
            "/ogc/collections/{collectionId}/schema",
            web::get().to(schema),
        );
}

/// Default page size of `/items`.
pub const DEFAULT_LIMIT: u64 = 100;
/// Largest page size of `/items`; larger `limit` values are clamped to it (OGC permits this).
pub const MAX_LIMIT: u64 = 10_000;

/// Parameters accepted by the metadata resources (landing, conformance, collections, schema).
pub const META_PARAMS: &[&str] = &["f"];
/// Parameters accepted by `/items`.
pub const ITEMS_PARAMS: &[&str] = &["bbox", "limit", "offset", "cursor", "datetime", "f"];
/// Parameters accepted by `/items/{featureId}`.
pub const ITEM_PARAMS: &[&str] = &["f"];

/// CRS84: lon/lat on WGS 84, the only CRS served.
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/// Conformance classes implemented.
pub const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/schemas",
];

/// Query of the metadata resources.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct MetaQuery {
    /// Output format: `json` (the only one; default).
    f: Option<String>,
}

/// Query of `/items`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ItemsQuery {
    /// Only features intersecting `minlon,minlat,maxlon,maxlat` (CRS84; the 6-number form
    /// with heights is accepted, heights ignored). Boxes crossing the antimeridian are
    /// refused with 400.
    #[param(example = "87.7,41.6,119.9,52.1")]
    bbox: Option<String>,
    /// Page size, 1–10,000 (larger values are clamped to 10,000). Default 100.
    #[param(minimum = 1, maximum = 10000, default = 100)]
    limit: Option<u32>,
    /// Features to skip. Default 0. Costs time in proportion to the offset on a large
    /// network; prefer `cursor`, which the `next`/`prev` links carry.
    #[param(minimum = 0, default = 0)]
    offset: Option<u32>,
    /// Keyset paging: the page starts at the feature this opaque token names (a `next` or
    /// `prev` link's), as fast at the millionth feature as at the first. Not with `offset`
    /// (400). A token is a position in the collection's order: after a reload it continues
    /// from the same position.
    #[param(example = "c900000")]
    cursor: Option<String>,
    /// Checked (an RFC 3339 date-time or date, or an interval with `..` for an open end;
    /// 400 otherwise), then matches every feature: the network has no time dimension.
    datetime: Option<String>,
    /// `geojson` (application/geo+json, default) or `json` (application/json). Without
    /// `f`, the Accept header chooses.
    f: Option<String>,
}

/// Query of `/items/{featureId}`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ItemQuery {
    /// `geojson` (application/geo+json, default) or `json` (application/json).
    f: Option<String>,
}

/// Checks an OGC API `datetime`: an RFC 3339 date-time or date, or an interval `start/end`
/// whose ends are such or `..` (open), the start not after the end.
fn check_datetime(s: &str) -> Result<(), String> {
    fn instant(x: &str) -> Option<chrono::NaiveDateTime> {
        chrono::DateTime::parse_from_rfc3339(x)
            .ok()
            .map(|d| d.naive_utc())
            .or_else(|| {
                chrono::NaiveDate::parse_from_str(x, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
            })
    }
    let shown = truncate(s, 40);
    let bad = || {
        format!(
            "'{shown}' is not an RFC 3339 date-time (2026-12-07T10:00:00Z), date (2026-12-07) \
             or interval of them (start/end, `..` for an open end)"
        )
    };
    match s.split_once('/') {
        None => instant(s).map(|_| ()).ok_or_else(bad),
        Some((a, b)) => {
            let end = |x: &str| -> Result<Option<chrono::NaiveDateTime>, String> {
                match x {
                    ".." | "" => Ok(None),
                    x => instant(x).map(Some).ok_or_else(bad),
                }
            };
            let (a, b) = (end(a)?, end(b)?);
            match (a, b) {
                (Some(a), Some(b)) if a > b => {
                    Err(format!("'{shown}': the start is after the end"))
                }
                (None, None) => Err(format!("'{shown}': an interval needs at least one end")),
                _ => Ok(()),
            }
        }
    }
}

/// The base of every link: [`super::security::base_url`] (the configured public URL, or the
/// request's own host; forwarded headers only from trusted proxies).
fn base_url(req: &HttpRequest, state: &AppState) -> String {
    super::security::base_url(req, state)
}

/// Reads `f` for a metadata resource (JSON only).
fn meta_params(req: &HttpRequest) -> Result<(), ApiError> {
    let mut p = Params::parse(req.query_string(), META_PARAMS)?;
    if let Some(f) = p.str("f")
        && f != "json"
    {
        let shown = truncate(&f, 40);
        p.error("f", format!("'{shown}' is not served; accepted: json"));
    }
    p.finish()
}

fn json_response(v: &Value) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(v.to_string())
}

/// The media type of a GeoJSON response: `f` first, then the Accept header, then
/// application/geo+json.
fn geojson_media(p: &mut Params, req: &HttpRequest) -> &'static str {
    match p.str("f").as_deref() {
        Some("json") => return "application/json",
        Some("geojson") => return GEOJSON,
        Some(other) => {
            let shown = truncate(other, 40);
            p.error(
                "f",
                format!("'{shown}' is not served; accepted: geojson, json"),
            );
            return GEOJSON;
        }
        None => {}
    }
    let accept = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.contains(GEOJSON) {
        GEOJSON
    } else if accept.contains("application/json") {
        "application/json"
    } else {
        GEOJSON
    }
}

fn parse_collection(id: &str) -> Result<Layer, ApiError> {
    Layer::parse(id).ok_or_else(|| ApiError::NotFound {
        field: "collectionId".into(),
        detail: format!(
            "no collection '{}'; the collections are {}",
            truncate(id, 60),
            Layer::VALUES.join(", ")
        ),
        suggestions: Layer::VALUES.iter().map(|s| s.to_string()).collect(),
    })
}

fn collection_doc(base: &str, snap: &Snapshot, layer: Layer) -> Value {
    let id = layer.as_str();
    let url = format!("{base}/ogc/collections/{id}");
    let bbox = layer_extent(layer, &snap.index)
        .map(|b| b.to_array().map(crate::output::round6).to_vec())
        .unwrap_or_else(|| vec![-180.0, -90.0, 180.0, 90.0]);
    json!({
        "id": id,
        "title": crate::output::layers::title(layer),
        "description": crate::output::layers::description(layer),
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "extent": {"spatial": {"bbox": [bbox], "crs": CRS84}},
        "links": [
            {"href": url, "rel": "self", "type": "application/json", "title": "This collection"},
            {"href": format!("{url}/items"), "rel": "items", "type": GEOJSON, "title": "Items (GeoJSON)"},
            {"href": format!("{url}/items?f=json"), "rel": "items", "type": "application/json", "title": "Items (JSON)"},
            {"href": format!("{url}/schema"), "rel": "describedby", "type": "application/schema+json", "title": "JSON Schema of the items"},
        ],
    })
}

/// OGC API landing page.
#[utoipa::path(
    get, path = "/ogc", tag = "ogc", params(MetaQuery),
    responses(
        (status = 200, description = "Landing page with links to the API description, conformance and collections.", content_type = "application/json", body = Object),
        (status = 400, description = "Unknown parameter or format.", content_type = "application/problem+json", body = super::schema::Problem),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn landing(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    meta_params(&req)?;
    let base = base_url(&req, &state);
    Ok(json_response(&json!({
        "title": "Corridor",
        "description": "Rail and road network linking Russia, Mongolia, China and Kazakhstan (OGC API – Features).",
        "links": [
            {"href": format!("{base}/ogc"), "rel": "self", "type": "application/json", "title": "This document"},
            {"href": format!("{base}/openapi.json"), "rel": "service-desc", "type": "application/vnd.oai.openapi+json;version=3.1", "title": "API definition (OpenAPI 3.1)"},
            {"href": format!("{base}/docs"), "rel": "service-doc", "type": "text/html", "title": "API documentation"},
            {"href": format!("{base}/ogc/conformance"), "rel": "conformance", "type": "application/json", "title": "Conformance classes"},
            {"href": format!("{base}/ogc/collections"), "rel": "data", "type": "application/json", "title": "Collections"},
        ],
    })))
}

/// Conformance classes implemented.
#[utoipa::path(
    get, path = "/ogc/conformance", tag = "ogc", params(MetaQuery),
    responses(
        (status = 200, description = "`conformsTo`: the classes implemented.", content_type = "application/json", body = Object),
        (status = 400, description = "Unknown parameter or format.", content_type = "application/problem+json", body = super::schema::Problem),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn conformance(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    meta_params(&req)?;
    Ok(json_response(&json!({ "conformsTo": CONFORMANCE })))
}

/// The collections: `nodes`, `links`, `crossings`.
#[utoipa::path(
    get, path = "/ogc/collections", tag = "ogc", params(MetaQuery),
    responses(
        (status = 200, description = "Each collection with its extent (CRS84) and links.", content_type = "application/json", body = Object),
        (status = 400, description = "Unknown parameter or format.", content_type = "application/problem+json", body = super::schema::Problem),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn collections(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    meta_params(&req)?;
    let base = base_url(&req, &state);
    let snap = state.current();
    let cols: Vec<Value> = Layer::ALL
        .iter()
        .map(|&l| collection_doc(&base, &snap, l))
        .collect();
    Ok(json_response(&json!({
        "links": [
            {"href": format!("{base}/ogc/collections"), "rel": "self", "type": "application/json", "title": "Collections"},
        ],
        "collections": cols,
    })))
}

/// One collection.
#[utoipa::path(
    get, path = "/ogc/collections/{collectionId}", tag = "ogc",
    params(("collectionId" = String, Path, description = "nodes, links or crossings"), MetaQuery),
    responses(
        (status = 200, description = "The collection with its extent (CRS84) and links.", content_type = "application/json", body = Object),
        (status = 400, description = "Unknown parameter or format.", content_type = "application/problem+json", body = super::schema::Problem),
        (status = 404, description = "No such collection.", content_type = "application/problem+json", body = super::schema::Problem),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn collection(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    meta_params(&req)?;
    let layer = parse_collection(&path)?;
    let snap = state.current();
    Ok(json_response(&collection_doc(
        &base_url(&req, &state),
        &snap,
        layer,
    )))
}

/// The JSON Schema of a collection's items.
#[utoipa::path(
    get, path = "/ogc/collections/{collectionId}/schema", tag = "ogc",
    params(("collectionId" = String, Path, description = "nodes, links or crossings"), MetaQuery),
    responses(
        (status = 200, description = "JSON Schema (2020-12) of the items' properties; every item carries every property (null when unset).", content_type = "application/schema+json", body = Object),
        (status = 404, description = "No such collection.", content_type = "application/problem+json", body = super::schema::Problem),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn schema(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    meta_params(&req)?;
    let layer = parse_collection(&path)?;
    let snap = state.current();
    let url = format!(
        "{}/ogc/collections/{}/schema",
        base_url(&req, &state),
        layer.as_str()
    );
    let doc = snap.schema(layer).json_schema(&url);
    Ok(HttpResponse::Ok()
        .content_type("application/schema+json")
        .body(doc.to_string()))
}

/// A page of a collection's items.
#[utoipa::path(
    get, path = "/ogc/collections/{collectionId}/items", tag = "ogc",
    params(("collectionId" = String, Path, description = "nodes, links or crossings"), ItemsQuery),
    responses(
        (status = 200, description = "A FeatureCollection with `numberMatched`, `numberReturned` and `self`/`next`/`prev`/`collection` links. ETag: snapshot + query.", content_type = "application/geo+json", body = super::schema::FeatureCollection),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)."),
        (status = 400, description = "A malformed parameter (each one named).", content_type = "application/problem+json", body = super::schema::Problem),
        (status = 404, description = "No such collection.", content_type = "application/problem+json", body = super::schema::Problem),
    )
)]
#[tracing::instrument(skip_all, fields(query = %req.query_string()))]
pub async fn items(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let layer = parse_collection(&path)?;
    let mut p = Params::parse(req.query_string(), ITEMS_PARAMS)?;
    let bbox = p.str("bbox").and_then(|s| match BBox::parse(&s, true) {
        Ok(b) => Some(b),
        Err(e) => {
            p.error("bbox", e.to_string());
            None
        }
    });
    let limit = p
        .integer("limit", 1..=u64::from(u32::MAX))
        .unwrap_or(DEFAULT_LIMIT)
        .min(MAX_LIMIT) as usize;
    let offset = p.integer("offset", 0..=u64::from(u32::MAX));
    let cursor = p.str("cursor").and_then(|s| match Cursor::parse(&s) {
        Some(c) => Some(c),
        None => {
            p.error(
                "cursor",
                "not a paging token: use the `cursor` of a `next` or `prev` link",
            );
            None
        }
    });
    if offset.is_some() && p.str("cursor").is_some() {
        p.error("offset", "give either `offset` or `cursor`, not both");
    }
    // The network has no time dimension: a valid `datetime` selects every feature, an
    // invalid one is refused.
    if let Some(dt) = p.str("datetime")
        && let Err(e) = check_datetime(&dt)
    {
        p.error("datetime", e);
    }
    let media = geojson_media(&mut p, &req);
    p.finish()?;

    let snap = state.current();
    let net = &snap.network;
    // The links in the body carry the base URL, so the tag does too: a shared cache must
    // not hand one host's links to another.
    let base = base_url(&req, &state);
    let etag = derived_etag(
        &snap.etag,
        &["ogc", &base, req.path(), req.query_string(), media],
    );
    if let Some(not_modified) = super::if_none_match(&req, &etag) {
        return Ok(not_modified);
    }
    let matched = Matched::of(layer, net, &snap.index, bbox.as_ref());
    let schema = snap.schema(layer);
    // Where the page starts, as a position in `matched`: a cursor names a feature index (the
    // first one at or after it starts the page, found by a binary search), an offset counts.
    let start = match (cursor, offset) {
        (Some(c), _) => matched.position_of(c.0),
        (None, Some(off)) => (off as usize).min(matched.len()),
        (None, None) => 0,
    };
    let page = matched.page(start, limit);
    let features: Vec<Value> = page
        .iter()
        .map(|&ix| serde_json::to_value(schema.feature(net, ix, &snap.conversion)))
        .collect::<Result<_, _>>()
        .map_err(|e| ApiError::Internal(e.to_string()))?;

    let col_url = format!("{base}/ogc/collections/{}", layer.as_str());
    // `Err(offset)` for the self link of a page asked by offset, `Ok(cursor)` otherwise.
    let page_url = |at: Result<Cursor, usize>| {
        let mut q = Vec::new();
        if let Some(b) = &bbox {
            q.push(format!("bbox={b}"));
        }
        q.push(format!("limit={limit}"));
        match at {
            Ok(c) => q.push(format!("cursor={c}")),
            Err(off) => q.push(format!("offset={off}")),
        }
        if media == "application/json" {
            q.push("f=json".into());
        }
        format!("{col_url}/items?{}", q.join("&"))
    };
    let this = match (cursor, offset) {
        (Some(c), _) => Ok(c),
        (None, Some(off)) => Err(off as usize),
        (None, None) => Err(0),
    };
    let mut links = vec![
        json!({"href": page_url(this), "rel": "self", "type": media, "title": "This page"}),
        json!({"href": col_url, "rel": "collection", "type": "application/json", "title": "The collection"}),
    ];
    if start + page.len() < matched.len() {
        let next = Cursor(matched.at(start + page.len()));
        links.push(
            json!({"href": page_url(Ok(next)), "rel": "next", "type": media, "title": "Next page"}),
        );
    }
    if start > 0 {
        let prev = Cursor(matched.at(start.saturating_sub(limit)));
        links.push(json!({"href": page_url(Ok(prev)), "rel": "prev", "type": media, "title": "Previous page"}));
    }
    let doc = json!({
        "type": "FeatureCollection",
        "numberMatched": matched.len(),
        "numberReturned": features.len(),
        "links": links,
        "features": features,
    });
    Ok(vary_accept(cached_response(
        &req,
        &etag,
        media,
        doc.to_string(),
    )))
}

/// A keyset paging token: the index of the first feature of a page in the collection's
/// order (node or link index). Written `c` + decimal, read back only in that form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cursor(usize);

impl Cursor {
    fn parse(s: &str) -> Option<Self> {
        let digits = s.strip_prefix('c')?;
        if digits.is_empty() || digits.len() > 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse::<u32>().ok().map(|n| Self(n as usize))
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "c{}", self.0)
    }
}

/// The features a query matches, in index order: a whole nodes or links collection is a
/// range (no list is made, so a page anywhere costs its own features only); a crossings
/// collection or a bbox query is the sorted list of indices.
enum Matched {
    All(usize),
    Some(Vec<usize>),
}

impl Matched {
    fn of(
        layer: Layer,
        net: &crate::network::Network,
        index: &SpatialIndex,
        bbox: Option<&BBox>,
    ) -> Self {
        match (layer, bbox) {
            (Layer::Nodes, None) => Self::All(net.nodes().len()),
            (Layer::Links, None) => Self::All(net.links().len()),
            _ => {
                let mut v = layer_items_in(layer, net, index, bbox);
                v.sort_unstable();
                Self::Some(v)
            }
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::All(n) => *n,
            Self::Some(v) => v.len(),
        }
    }

    /// The feature index at position `pos` (< `len`).
    fn at(&self, pos: usize) -> usize {
        match self {
            Self::All(_) => pos,
            Self::Some(v) => v[pos],
        }
    }

    /// The position of the first feature whose index is `ix` or more.
    fn position_of(&self, ix: usize) -> usize {
        match self {
            Self::All(n) => ix.min(*n),
            Self::Some(v) => v.partition_point(|&i| i < ix),
        }
    }

    /// Up to `limit` feature indices from position `start`.
    fn page(&self, start: usize, limit: usize) -> Vec<usize> {
        let end = start.saturating_add(limit).min(self.len());
        match self {
            Self::All(_) => (start.min(end)..end).collect(),
            Self::Some(v) => v[start.min(end)..end].to_vec(),
        }
    }
}

/// Marks a response whose media type followed the Accept header, for caches.
fn vary_accept(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().append(
        actix_web::http::header::VARY,
        actix_web::http::header::HeaderValue::from_static("Accept"),
    );
    res
}

/// One item of a collection.
#[utoipa::path(
    get, path = "/ogc/collections/{collectionId}/items/{featureId}", tag = "ogc",
    params(
        ("collectionId" = String, Path, description = "nodes, links or crossings"),
        ("featureId" = String, Path, description = "The node or link id, e.g. ru-naushki"),
        ItemQuery,
    ),
    responses(
        (status = 200, description = "The Feature, with `self` and `collection` links.", content_type = "application/geo+json", body = super::schema::Feature),
        (status = 400, description = "Unknown parameter or format.", content_type = "application/problem+json", body = super::schema::Problem),
        (status = 404, description = "No such collection or feature (with close ids).", content_type = "application/problem+json", body = super::schema::Problem),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn item(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (col, fid) = path.into_inner();
    let layer = parse_collection(&col)?;
    let mut p = Params::parse(req.query_string(), ITEM_PARAMS)?;
    let media = geojson_media(&mut p, &req);
    p.finish()?;
    let snap = state.current();
    let net = &snap.network;
    let Some(ix) = find_item(layer, net, &fid) else {
        return Err(ApiError::NotFound {
            field: "featureId".into(),
            detail: format!(
                "no feature '{}' in collection {}",
                truncate(&fid, 80),
                layer.as_str()
            ),
            suggestions: close_ids(layer, net, &fid),
        });
    };
    // The links in the body carry the base URL, so the tag does too: a shared cache must
    // not hand one host's links to another.
    let base = base_url(&req, &state);
    let etag = derived_etag(
        &snap.etag,
        &["ogc", &base, req.path(), req.query_string(), media],
    );
    if let Some(not_modified) = super::if_none_match(&req, &etag) {
        return Ok(not_modified);
    }
    let schema = snap.schema(layer);
    let mut f = serde_json::to_value(schema.feature(net, ix, &snap.conversion))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let col_url = format!(
        "{}/ogc/collections/{}",
        base_url(&req, &state),
        layer.as_str()
    );
    f["links"] = json!([
        {"href": format!("{col_url}/items/{fid}"), "rel": "self", "type": media},
        {"href": col_url, "rel": "collection", "type": "application/json"},
    ]);
    Ok(vary_accept(cached_response(
        &req,
        &etag,
        media,
        f.to_string(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_is_validated() {
        for ok in [
            "2026-12-07T10:00:00Z",
            "2026-12-07",
            "2026-01-01/..",
            "../2026-01-01T00:00:00+08:00",
            "2026-01-01/2026-02-01",
        ] {
            assert!(check_datetime(ok).is_ok(), "{ok}");
        }
        for bad in [
            "yesterday",
            "2026-13-01",
            "../..",
            "2026-02-01/2026-01-01",
            "2026-01-01T25:00Z",
        ] {
            assert!(check_datetime(bad).is_err(), "{bad}");
        }
    }
}
