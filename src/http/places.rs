//! `GET /v1/places?q=`: type-ahead over every name of every node, through the same place
//! resolver every endpoint uses ([`crate::index::places`]). The web form's place fields use it.

use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::IntoParams;

use super::{AppState, GEOJSON, Params, schema};
use crate::network::Mode;
use crate::output::layers;

/// Registers this module's route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/v1/places", web::get().to(get_places));
}

/// Parameters accepted by `/v1/places`.
pub const PLACES_PARAMS: &[&str] = &["q", "limit", "mode"];
/// Default number of places returned.
pub const PLACES_DEFAULT_LIMIT: u64 = 10;
/// Most places returned.
pub const PLACES_MAX_LIMIT: u64 = 50;
/// Longest query accepted, characters.
pub const PLACES_MAX_Q: usize = 100;

/// Query of `GET /v1/places` (documentation of the accepted parameters).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct PlacesQuery {
    /// What the user typed, 1–100 characters: any name of a place (English, local script,
    /// Russian, Mongolian Cyrillic, Chinese, historical or transliterated), or its beginning.
    /// Case, diacritics, hyphens, spaces and apostrophes do not matter (`urumqi`, `Ulan Ude`).
    #[param(example = "ulan")]
    q: String,
    /// How many places, 1–50. Default 10.
    #[param(minimum = 1, maximum = 50, default = 10)]
    limit: Option<u32>,
    /// Only places serving this mode: rail or road.
    #[param(value_type = Option<schema::ModeParam>, inline)]
    mode: Option<String>,
}

/// Places whose names match what was typed, best first.
///
/// Exact names (after folding case, diacritics and separators) first, then names beginning
/// with the query, then similar names; one Feature per node with `rank`, `matched` (the name
/// that matched), `matched_name` (`id`, `name`, `name_local` or `alt_name`), `match` (`id`,
/// `exact`, `prefix`, `fuzzy`) and `confidence` (0–1). An empty list when nothing is close.
#[utoipa::path(
    get,
    path = "/v1/places",
    tag = "spatial",
    params(PlacesQuery),
    responses(
        (status = 200, description = "Node Features, best match first, with `rank`, `matched`, `matched_name`, `match` and `confidence`.",
            content_type = "application/geo+json", body = super::schema::FeatureCollection),
        (status = 400, description = "A missing or malformed parameter (each one named).",
            content_type = "application/problem+json", body = super::schema::Problem),
    )
)]
#[tracing::instrument(skip_all, fields(query = %req.query_string()))]
pub async fn get_places(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, super::ApiError> {
    let mut p = Params::parse(req.query_string(), PLACES_PARAMS)?;
    let q = p.required("q").filter(|q| {
        let n = q.trim().chars().count();
        if n == 0 || n > PLACES_MAX_Q {
            p.error("q", format!("must be 1 to {PLACES_MAX_Q} characters"));
            false
        } else {
            true
        }
    });
    let limit = p
        .integer("limit", 1..=PLACES_MAX_LIMIT)
        .unwrap_or(PLACES_DEFAULT_LIMIT) as usize;
    let mode = p.choice::<Mode>("mode");
    p.finish()?;
    let Some(q) = q else {
        return Err(super::ApiError::Internal(
            "q missing after validation".into(),
        ));
    };
    let snap = state.current();
    let net = &snap.network;
    // Filtering by mode happens after ranking: ask for every match, then keep `limit`.
    let mut found = snap
        .index
        .places()
        .search(&q, if mode.is_some() { usize::MAX } else { limit });
    if let Some(m) = mode {
        found.retain(|f| net.nodes()[f.node_ix].serves(m));
        found.truncate(limit);
    }
    let body = serde_json::to_vec(&layers::places_collection(net, &found))
        .map_err(|e| super::ApiError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok().content_type(GEOJSON).body(body))
}
