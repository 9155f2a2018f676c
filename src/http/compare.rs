//! `/v1/compare/*`: the same question asked of the network as it is and as a scenario makes
//! it, answered in one FeatureCollection (features tagged `case`) with a top-level `delta`.
//! The parameters are the plain endpoint's, and `scenario` is required.

use actix_web::{HttpRequest, HttpResponse, web};

use super::{ApiError, AppState, compute, geojson_response};
use crate::output::compare::route_comparison;

fn required_scenario(name: Option<&str>) -> Result<String, ApiError> {
    name.map(str::to_string).ok_or_else(|| {
        ApiError::bad(
            "scenario",
            "required: the scenario to compare with the baseline (GET /v1/scenarios)",
        )
    })
}

/// A route on the baseline and on a scenario: the routes of both (`case` on every feature)
/// and `delta`: per measure the baseline, scenario and change of the best route, and the
/// crossings used, added and removed.
#[utoipa::path(
    get,
    path = "/v1/compare/route",
    tag = "scenarios",
    params(super::route::RouteParams),
    responses(
        (status = 200, description = "Both answers (features tagged `case: baseline | scenario`) and a top-level `delta`",
            content_type = "application/geo+json", body = serde_json::Value),
        (status = 400, description = "Malformed or unknown parameters, or no `scenario`, each named in `errors`",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 404, description = "Unknown place or scenario, with `suggestions`",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 422, description = "No route on the baseline or on the scenario",
            content_type = "application/problem+json", body = serde_json::Value),
    )
)]
#[tracing::instrument(skip_all, fields(query = %req.query_string()))]
pub async fn get_compare_route(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let request = super::route::parse_request(req.query_string())?;
    let name = required_scenario(request.scenario.as_deref())?;
    let snap = state.current();
    let body = compute(&state, move || {
        let scen = snap.snapshot.scenario(Some(&name))?;
        let base = crate::route::plan(&snap.snapshot, &request)?;
        let plan = crate::route::plan(scen, &request)?;
        let fc = route_comparison(&name, &snap.network, &base, &scen.network, &plan);
        serde_json::to_vec(&fc)
            .map_err(|e| ApiError::Internal(format!("serialising a comparison: {e}")))
    })
    .await?;
    Ok(geojson_response(body))
}

/// Registers this module's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/v1/compare/route", web::get().to(get_compare_route));
}
