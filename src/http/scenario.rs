//! `GET /v1/scenarios` and `GET /v1/scenarios/{name}`: the scenarios loaded with the network
//! (see [`crate::network::scenario`]), and one scenario's touched features before and after.

use actix_web::{HttpRequest, HttpResponse, web};

use super::{ApiError, AppState, Params, geojson_response};
use crate::network::scenario::ScenarioRef;
use crate::output::scenario::{scenario_collection, scenario_list};

/// The scenarios: name, title, description, source and number of changes (and of estimates).
#[utoipa::path(
    get,
    path = "/v1/scenarios",
    tag = "scenarios",
    responses(
        (status = 200, description = "`{\"scenarios\": [{name, title, description, source, changes, estimates}]}`, in name order",
            content_type = "application/json", body = serde_json::Value),
        (status = 400, description = "Any query parameter (none is accepted).",
            content_type = "application/problem+json", body = serde_json::Value),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Params::parse(req.query_string(), &[])?.finish()?;
    let snap = state.current();
    let body = scenario_list(snap.scenarios.values().map(|c| &c.scenario));
    Ok(HttpResponse::Ok().json(body))
}

/// One scenario as GeoJSON: every link and node it changes, as it is (`case: "baseline"`) and
/// as the scenario makes it (`case: "scenario"`), plus the scenario's `changes` with their
/// sources and estimate flags.
#[utoipa::path(
    get,
    path = "/v1/scenarios/{name}",
    tag = "scenarios",
    params(("name" = String, Path, description = "Scenario name, e.g. `naushki-closed`")),
    responses(
        (status = 200, description = "The touched features before and after (RFC 7946 FeatureCollection with the scenario's members)",
            content_type = "application/geo+json", body = serde_json::Value),
        (status = 404, description = "Unknown scenario (`field: scenario`), with close names as `suggestions`",
            content_type = "application/problem+json", body = serde_json::Value),
    )
)]
#[tracing::instrument(skip_all, fields(name = %name))]
pub async fn one(
    req: HttpRequest,
    name: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    Params::parse(req.query_string(), &[])?.finish()?;
    let snap = state.current();
    let changed = snap.snapshot.scenario(Some(&name))?;
    let case = &snap.scenarios[name.as_str()];
    let fc = scenario_collection(
        &case.scenario,
        &snap.network,
        &changed.network,
        &snap.conversion,
    );
    let body = serde_json::to_vec(&fc)
        .map_err(|e| ApiError::Internal(format!("serialising a scenario: {e}")))?;
    Ok(geojson_response(body))
}

/// An inline scenario checked and previewed: the same document as a scenario file (only
/// `changes` required), answered as `GET /v1/scenarios/{name}` answers a loaded one, or 400
/// listing every problem (`scenario.changes[2].set.dwell_h`). Nothing is kept: send the
/// same object as `scenario` in `POST /v1/assign` or `/v1/compare/assign` to use it.
#[utoipa::path(
    post,
    path = "/v1/scenarios/preview",
    tag = "scenarios",
    request_body(content = serde_json::Value, content_type = "application/json",
        description = "A scenario document: `{\"changes\": [{\"link\": ID, \"set\": {…}, \"source\": …, \"estimate\": …}, …]}`, optionally with name, title, description, source"),
    responses(
        (status = 200, description = "The touched features before and after, as for GET /v1/scenarios/{name}",
            content_type = "application/geo+json", body = serde_json::Value),
        (status = 400, description = "Every problem of the scenario, each named by its path (`scenario.changes[0].set.status`)",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 413, description = "Body over 1 MiB",
            content_type = "application/problem+json", body = serde_json::Value),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn preview(
    state: web::Data<AppState>,
    body: web::Json<super::body::Strict<serde_json::Value>>,
) -> Result<HttpResponse, ApiError> {
    let snap = state.current();
    let which = ScenarioRef::Inline(body.into_inner().0);
    let body = super::compute_heavy(&state, move || {
        let on = snap.snapshot.choose(Some(&which), "scenario")?;
        let scenario = on
            .scenario()
            .ok_or_else(|| ApiError::Internal("an inline scenario gave no scenario".into()))?;
        let fc = scenario_collection(scenario, &snap.network, &on.network, &snap.conversion);
        super::to_json(&fc, "a scenario")
    })
    .await?;
    Ok(geojson_response(body))
}

/// The demand sets (`POST /v1/assign` takes `{"demand": NAME}`): name, title, description,
/// source, total tonnes per year, the value densities used and every line with its source and
/// derivation.
#[utoipa::path(
    get,
    path = "/v1/demand",
    tag = "scenarios",
    responses(
        (status = 200, description = "`{\"demand\": [{name, title, description, source, total_tpy, value_densities, demands}]}`, in name order",
            content_type = "application/json", body = serde_json::Value),
        (status = 400, description = "Any query parameter (none is accepted).",
            content_type = "application/problem+json", body = serde_json::Value),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn demand(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    Params::parse(req.query_string(), &[])?.finish()?;
    let snap = state.current();
    let sets: Vec<serde_json::Value> = snap
        .demand
        .values()
        .map(|d| {
            let mut v = serde_json::to_value(d).unwrap_or_default();
            v["total_tpy"] = d.total_tpy().round().into();
            v
        })
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "demand": sets })))
}

/// Registers this module's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/v1/scenarios", web::get().to(list))
        .service(
            web::resource("/v1/scenarios/preview")
                .app_data(super::capacity::json_config())
                .route(web::post().to(preview))
                .default_service(web::to(super::methods::fallback)),
        )
        .route("/v1/scenarios/{name}", web::get().to(one))
        .route("/v1/demand", web::get().to(demand));
}
