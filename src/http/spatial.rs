//! `/v1/nearest`, `/v1/features`, `/v1/crossings`: spatial queries for map clients.
//!
//! Each handler reads its parameters with [`Params`] (the accepted names are the `*_PARAMS`
//! constants, and the OpenAPI parameter structs below document the same names; a test keeps
//! them equal), selects with [`crate::index`], and serialises with [`crate::output::layers`].

use std::collections::BTreeSet;

use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::IntoParams;

use super::{AppState, GEOJSON, Params, cached_response, derived_etag, schema};
use crate::fields::truncate;
use crate::index::{BBox, FeatureFilter, Layer, select_crossings, select_features};
use crate::network::{LinkKind, Mode, Network, NodeKind};
use crate::output::layers;

/// Registers this module's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/v1/nearest", web::get().to(get_nearest))
        .route("/v1/features", web::get().to(get_features))
        .route("/v1/crossings", web::get().to(get_crossings));
}

/// Parameters accepted by `/v1/nearest`.
pub const NEAREST_PARAMS: &[&str] = &["lon", "lat", "k", "kind", "mode"];
/// Parameters accepted by `/v1/features`.
pub const FEATURES_PARAMS: &[&str] = &["bbox", "layer", "mode", "country", "kind"];
/// Parameters accepted by `/v1/crossings`.
pub const CROSSINGS_PARAMS: &[&str] = &["countries", "mode"];

/// Default number of nodes returned by `/v1/nearest`.
pub const NEAREST_DEFAULT_K: u64 = 5;
/// Most nodes returned by `/v1/nearest`.
pub const NEAREST_MAX_K: u64 = 100;

/// Query of `GET /v1/nearest` (documentation of the accepted parameters).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct NearestQuery {
    /// Longitude, degrees (WGS 84), in [-180, 180].
    #[param(minimum = -180, maximum = 180, example = 106.5)]
    lon: f64,
    /// Latitude, degrees (WGS 84), in [-90, 90].
    #[param(minimum = -90, maximum = 90, example = 50.0)]
    lat: f64,
    /// How many nodes, 1–100. Default 5.
    #[param(minimum = 1, maximum = 100, default = 5)]
    k: Option<u32>,
    /// Only nodes of these kinds (comma list of city, station, border_point, terminal, port,
    /// junction).
    #[param(example = "city,border_point")]
    kind: Option<String>,
    /// Only nodes serving this mode: rail or road.
    #[param(value_type = Option<schema::ModeParam>, inline, example = "rail")]
    mode: Option<String>,
}

/// Query of `GET /v1/features` (documentation of the accepted parameters).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct FeaturesQuery {
    /// The box `minlon,minlat,maxlon,maxlat` (CRS84 degrees, min < max). Boxes crossing the
    /// antimeridian (minlon > maxlon) are refused with 400: split them at 180°.
    #[param(example = "87.7,41.6,119.9,52.1")]
    bbox: String,
    /// Comma list of layers: nodes, links, crossings. Default `nodes,links`. A crossing asked
    /// for as both a link and a crossing appears once, as a crossing.
    #[param(example = "nodes,links")]
    layer: Option<String>,
    /// Only this mode: rail or road (nodes: serving it; links: of it).
    #[param(value_type = Option<schema::ModeParam>, inline)]
    mode: Option<String>,
    /// Only these countries (comma list of ISO 3166-1 alpha-2 codes). A node matches by its
    /// country, a link when either end is in one of them.
    #[param(example = "MN,CN")]
    country: Option<String>,
    /// Only these kinds (comma list): node kinds (city, station, border_point, terminal, port,
    /// junction) filter nodes, link kinds (line, road, crossing) filter links; a layer with no
    /// kind of its own in the list returns nothing.
    #[param(example = "line,crossing")]
    kind: Option<String>,
}

/// Query of `GET /v1/crossings` (documentation of the accepted parameters).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct CrossingsQuery {
    /// Comma list of ISO 3166-1 alpha-2 codes. One code: every crossing of that country.
    /// Two or more: the crossings whose two countries are both listed (`RU,MN` = the
    /// Russia–Mongolia border).
    #[param(example = "RU,MN")]
    countries: Option<String>,
    /// Only this mode: rail or road.
    #[param(value_type = Option<schema::ModeParam>, inline)]
    mode: Option<String>,
}

/// The k nearest nodes to a position.
///
/// Nodes are ranked by geodesic (haversine) distance; each Feature carries `rank` and
/// `distance_km`.
#[utoipa::path(
    get,
    path = "/v1/nearest",
    tag = "spatial",
    params(NearestQuery),
    responses(
        (status = 200, description = "Node Features, nearest first, with `rank` and `distance_km`.",
            content_type = "application/geo+json", body = super::schema::FeatureCollection),
        (status = 400, description = "A missing or malformed parameter (each one named).",
            content_type = "application/problem+json", body = super::schema::Problem),
    )
)]
#[tracing::instrument(skip_all, fields(query = %req.query_string()))]
pub async fn get_nearest(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, super::ApiError> {
    let mut p = Params::parse(req.query_string(), NEAREST_PARAMS)?;
    let lon = p
        .required("lon")
        .and_then(|_| p.number("lon", -180.0..=180.0));
    let lat = p
        .required("lat")
        .and_then(|_| p.number("lat", -90.0..=90.0));
    let k = p
        .integer("k", 1..=NEAREST_MAX_K)
        .unwrap_or(NEAREST_DEFAULT_K) as usize;
    let kinds = p.choices::<NodeKind>("kind");
    let mode = p.choice::<Mode>("mode");
    p.finish()?;
    let (Some(lon), Some(lat)) = (lon, lat) else {
        return Err(super::ApiError::Internal(
            "lon/lat missing after validation".into(),
        ));
    };
    let snap = state.current();
    let net = &snap.network;
    let found = snap.index.nearest_nodes(net, lon, lat, k, |n| {
        kinds.as_ref().is_none_or(|ks| ks.contains(&n.kind)) && mode.is_none_or(|m| n.serves(m))
    });
    let body = serde_json::to_vec(&layers::nearest_collection(net, &found))
        .map_err(|e| super::ApiError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok().content_type(GEOJSON).body(body))
}

/// Every feature whose geometry intersects a box.
///
/// Links are found by their segments, so a long link crossing the box with no vertex inside
/// it is returned. Features carry `layer` (`node`, `link` or `crossing`).
#[utoipa::path(
    get,
    path = "/v1/features",
    tag = "spatial",
    params(FeaturesQuery),
    responses(
        (status = 200, description = "Nodes, then links, then crossings touching the box, each in file order. ETag: snapshot + query.",
            content_type = "application/geo+json", body = super::schema::FeatureCollection),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)."),
        (status = 400, description = "A missing or malformed parameter, e.g. a box crossing the antimeridian.",
            content_type = "application/problem+json", body = super::schema::Problem),
    )
)]
#[tracing::instrument(skip_all, fields(query = %req.query_string()))]
pub async fn get_features(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, super::ApiError> {
    let snap = state.current();
    let net = &snap.network;
    let mut p = Params::parse(req.query_string(), FEATURES_PARAMS)?;
    let bbox = p
        .required("bbox")
        .and_then(|s| match BBox::parse(&s, false) {
            Ok(b) => Some(b),
            Err(e) => {
                p.error("bbox", e.to_string());
                None
            }
        });
    let wanted: BTreeSet<Layer> = p
        .choices::<Layer>("layer")
        .map(|v| v.into_iter().collect())
        .unwrap_or_else(|| [Layer::Nodes, Layer::Links].into_iter().collect());
    let mode = p.choice::<Mode>("mode");
    let countries = country_list(&mut p, "country", net);
    let (node_kinds, link_kinds) = kind_filters(&mut p, &wanted);
    p.finish()?;
    let Some(bbox) = bbox else {
        return Err(super::ApiError::Internal(
            "bbox missing after validation".into(),
        ));
    };
    let etag = derived_etag(&snap.etag, &["features", req.query_string()]);
    if let Some(not_modified) = super::if_none_match(&req, &etag) {
        return Ok(not_modified);
    }
    let filter = FeatureFilter {
        mode,
        countries,
        node_kinds,
        link_kinds,
    };
    let features = select_features(net, &snap.index, &bbox, &wanted, &filter)
        .into_iter()
        .map(|(layer, ix)| layers::layer_feature(layer, net, ix, &snap.conversion))
        .collect();
    let body = serde_json::to_vec(&layers::collection(features))
        .map_err(|e| super::ApiError::Internal(e.to_string()))?;
    Ok(cached_response(&req, &etag, GEOJSON, body))
}

/// Every border crossing with its attributes.
///
/// Each Feature is the crossing link with `countries`, `name`, `dwell_h`, `hours`,
/// `veterinary`, `capacity` (as published) and `capacity_tpy` (converted), `status`, `mode`,
/// `gauge_mm`, `from`/`to` and their names, and `source`.
#[utoipa::path(
    get,
    path = "/v1/crossings",
    tag = "spatial",
    params(CrossingsQuery),
    responses(
        (status = 200, description = "Crossing Features in file order. ETag: snapshot + query.",
            content_type = "application/geo+json", body = super::schema::FeatureCollection),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)."),
        (status = 400, description = "A malformed parameter (e.g. an unknown country).",
            content_type = "application/problem+json", body = super::schema::Problem),
    )
)]
#[tracing::instrument(skip_all, fields(query = %req.query_string()))]
pub async fn get_crossings(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, super::ApiError> {
    let snap = state.current();
    let net = &snap.network;
    let mut p = Params::parse(req.query_string(), CROSSINGS_PARAMS)?;
    let countries = country_list(&mut p, "countries", net);
    let mode = p.choice::<Mode>("mode");
    p.finish()?;
    let etag = derived_etag(&snap.etag, &["crossings", req.query_string()]);
    if let Some(not_modified) = super::if_none_match(&req, &etag) {
        return Ok(not_modified);
    }
    let features = select_crossings(net, countries.as_ref(), mode)
        .into_iter()
        .map(|ix| layers::layer_feature(Layer::Crossings, net, ix, &snap.conversion))
        .collect();
    let body = serde_json::to_vec(&layers::collection(features))
        .map_err(|e| super::ApiError::Internal(e.to_string()))?;
    Ok(cached_response(&req, &etag, GEOJSON, body))
}

/// A comma list of ISO country codes present in the network (case-insensitive).
fn country_list(p: &mut Params, key: &str, net: &Network) -> Option<BTreeSet<String>> {
    let items = p.list(key, 20)?;
    let known = net.countries();
    let mut out = BTreeSet::new();
    let mut bad = Vec::new();
    for it in items {
        let code = it.to_ascii_uppercase();
        if known.contains(&code) {
            out.insert(code);
        } else {
            bad.push(truncate(&it, 40));
        }
    }
    if !bad.is_empty() {
        p.error(
            key,
            format!(
                "unknown country '{}'; the network has {}",
                bad.join("', '"),
                known.join(", ")
            ),
        );
        return None;
    }
    Some(out)
}

/// The `kind` filter of `/v1/features`, split into node kinds and link kinds. A value that is
/// a kind of none of the wanted layers is a mistake.
#[allow(clippy::type_complexity)]
fn kind_filters(
    p: &mut Params,
    wanted: &BTreeSet<Layer>,
) -> (Option<Vec<NodeKind>>, Option<Vec<LinkKind>>) {
    let Some(items) = p.list("kind", NodeKind::VALUES.len() + LinkKind::VALUES.len()) else {
        return (None, None);
    };
    let has_nodes = wanted.contains(&Layer::Nodes);
    let has_links = wanted.contains(&Layer::Links) || wanted.contains(&Layer::Crossings);
    let mut nodes = Vec::new();
    let mut links = Vec::new();
    let mut bad = Vec::new();
    for it in &items {
        match (NodeKind::parse(it), LinkKind::parse(it)) {
            (Some(k), _) if has_nodes => nodes.push(k),
            (_, Some(k)) if has_links => links.push(k),
            _ => bad.push(truncate(it, 40)),
        }
    }
    if !bad.is_empty() {
        let mut accepted: Vec<&str> = Vec::new();
        if has_nodes {
            accepted.extend(NodeKind::VALUES);
        }
        if has_links {
            accepted.extend(LinkKind::VALUES);
        }
        p.error(
            "kind",
            format!(
                "'{}' is not a kind of the layers asked for; accepted: {}",
                bad.join("', '"),
                accepted.join(", ")
            ),
        );
        return (None, None);
    }
    (Some(nodes), Some(links))
}
