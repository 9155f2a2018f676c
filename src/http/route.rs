//! `GET /v1/route`: routing endpoint. Parses the query into a typed
//! [`RouteRequest`] (the command line uses the same [`parse_request`]), runs
//! [`crate::route::plan`] off the executor, and serialises the plan as GeoJSON.

use actix_web::{HttpRequest, HttpResponse, web};

use super::{ApiError, AppState, Params, compute, geojson_response};
use crate::cost::{Cargo, ModeFilter, Optimize, Profile};
use crate::output::route::route_collection;
use crate::route::{MAX_ALTERNATIVES, MAX_VIAS, PlaceQuery, RouteRequest};

/// Longest accepted avoid list.
pub const MAX_AVOID: usize = 100;

/// Every parameter `/v1/route` accepts.
pub const ALLOWED: &[&str] = &[
    "from",
    "to",
    "via",
    "mode",
    "optimize",
    "alternatives",
    "avoid_countries",
    "avoid_crossings",
    "avoid_links",
    "include_planned",
    "cargo",
    "dwell_scale",
    "transshipment_h",
    "transshipment_usd_per_t",
    "rail_usd_per_tkm",
    "road_usd_per_tkm",
    "border_usd_per_t",
];

/// Query parameters of `GET /v1/route`, for the OpenAPI document only (parsing goes through
/// [`parse_request`], which refuses unknown and repeated parameters).
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct RouteParams {
    /// Origin: a node id (`ru-ulan-ude`), a place name (case-insensitive, exact or unambiguous
    /// prefix: `Ulan-Ude`, `ulan`), or `lon,lat` snapped to the nearest node serving `mode`.
    #[param(example = "ru-ulan-ude")]
    from: String,
    /// Destination, as `from`.
    #[param(example = "cn-beijing")]
    to: String,
    /// Up to 10 places visited in order, comma-separated (a `lon,lat` pair takes two items).
    via: Option<String>,
    /// `rail`, `road` or `any` (default: multimodal, changing mode only at intermodal nodes).
    mode: Option<String>,
    /// `distance`, `time` (default) or `cost`.
    optimize: Option<String>,
    /// Extra routes, 0–5 (default 0): Yen's loopless k-shortest paths.
    #[param(minimum = 0, maximum = 5)]
    alternatives: Option<u32>,
    /// ISO2 codes of countries not to enter, comma-separated.
    avoid_countries: Option<String>,
    /// Crossing link ids not to use, comma-separated.
    avoid_crossings: Option<String>,
    /// Link ids not to use, comma-separated.
    avoid_links: Option<String>,
    /// Also use planned and under-construction links (default false).
    include_planned: Option<bool>,
    /// `general` (default), `container`, `bulk` or `livestock` (veterinary crossings only).
    cargo: Option<String>,
    /// Multiplier on border dwell times, 0–10 (default 1).
    dwell_scale: Option<f64>,
    /// Hours per transshipment, 0–720 (default 24).
    transshipment_h: Option<f64>,
    /// USD per tonne per transshipment, 0–1000 (default 15).
    transshipment_usd_per_t: Option<f64>,
    /// Rail haulage, USD per tonne-km, 0–10 (default 0.04).
    rail_usd_per_tkm: Option<f64>,
    /// Road haulage, USD per tonne-km, 0–10 (default 0.10).
    road_usd_per_tkm: Option<f64>,
    /// Fee per border crossing, USD per tonne, 0–1000 (default 8).
    border_usd_per_t: Option<f64>,
}

fn place(p: &mut Params, key: &str, value: Option<String>) -> Option<PlaceQuery> {
    match PlaceQuery::parse(&value?) {
        Ok(q) => Some(q),
        Err(e) => {
            p.error(key, e);
            None
        }
    }
}

/// Builds a typed request from a query string, reporting every malformed parameter at once
/// (400). Used by the HTTP handler and by `corridor route`.
pub fn parse_request(query: &str) -> Result<RouteRequest, ApiError> {
    let mut p = Params::parse(query, ALLOWED)?;
    let from = p.required("from");
    let from = place(&mut p, "from", from);
    let to = p.required("to");
    let to = place(&mut p, "to", to);
    let via = match p.str("via").map(|s| PlaceQuery::parse_list(&s)) {
        None => Vec::new(),
        Some(Ok(v)) if v.len() <= MAX_VIAS => v,
        Some(Ok(v)) => {
            p.error("via", format!("{} places; at most {MAX_VIAS}", v.len()));
            Vec::new()
        }
        Some(Err(e)) => {
            p.error("via", e);
            Vec::new()
        }
    };
    let mode = p
        .enumerated("mode", ModeFilter::parse, ModeFilter::VALUES)
        .unwrap_or_default();
    let optimize = p
        .enumerated("optimize", Optimize::parse, Optimize::VALUES)
        .unwrap_or_default();
    let alternatives = p
        .integer("alternatives", 0..=MAX_ALTERNATIVES as u64)
        .unwrap_or(0) as usize;
    let avoid_countries = p.list("avoid_countries", MAX_AVOID).unwrap_or_default();
    let avoid_crossings = p.list("avoid_crossings", MAX_AVOID).unwrap_or_default();
    let avoid_links = p.list("avoid_links", MAX_AVOID).unwrap_or_default();
    let include_planned = p.boolean("include_planned").unwrap_or(false);
    let cargo = p
        .enumerated("cargo", Cargo::parse, Cargo::VALUES)
        .unwrap_or_default();
    let mut profile = Profile::default();
    for f in Profile::FIELDS {
        if let Some(x) = p.number(f.name, f.min..=f.max) {
            (f.set)(&mut profile, x);
        }
    }
    p.finish()?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(ApiError::Internal(
            "route parameters passed validation without from/to".into(),
        ));
    };
    Ok(RouteRequest {
        from,
        to,
        via,
        mode,
        optimize,
        alternatives,
        avoid_countries,
        avoid_crossings,
        avoid_links,
        include_planned,
        cargo,
        profile,
    })
}

/// The best route between two places and up to five alternatives, as a GeoJSON
/// FeatureCollection: one LineString Feature per route (best first), a Point Feature per
/// snapped `lon,lat`, and a top-level `query` echoing the normalised request.
#[utoipa::path(
    get,
    path = "/v1/route",
    tag = "routing",
    params(RouteParams),
    responses(
        (status = 200, description = "Routes, best first (RFC 7946 FeatureCollection with a `query` member)",
            content_type = "application/geo+json", body = serde_json::Value),
        (status = 400, description = "Malformed or unknown parameters, each named in `errors`",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 404, description = "Unknown place, with up to five `suggestions`",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 422, description = "No route satisfies the constraints; `field` names the one that cut it off when that can be told",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 503, description = "The search exceeded the compute bound",
            content_type = "application/problem+json", body = serde_json::Value),
    )
)]
#[tracing::instrument(skip_all, fields(query = %req.query_string()))]
pub async fn get_route(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let request = parse_request(req.query_string())?;
    let snap = state.current();
    let body = compute(&state, move || {
        let plan = crate::route::plan(&snap, &request)?;
        let fc = route_collection(&snap.network, &plan);
        serde_json::to_vec(&fc).map_err(|e| ApiError::Internal(format!("serialising a route: {e}")))
    })
    .await?;
    Ok(geojson_response(body))
}

/// Registers this module's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/v1/route", web::get().to(get_route));
}
