//! `/v1/compare/*`: the same question asked of the network as it is and as a scenario makes
//! it, answered in one FeatureCollection (features tagged `case`) with a top-level `delta`.
//! The parameters are the plain endpoint's, and `scenario` is required.

use actix_web::{HttpRequest, HttpResponse, web};

use super::capacity::{capacity_query, capacity_scenario, json_config, prepare_assign};
use super::{ApiError, AppState, compute, geojson_response};
use crate::capacity::compare::Answered;
use crate::capacity::{self as cap, AssignRequest, Loose};
use crate::output::compare::{assign_comparison, capacity_comparison, route_comparison};

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
        super::to_json(&fc, "a comparison")
    })
    .await?;
    Ok(geojson_response(body))
}

/// Maximum flow on the baseline and on a scenario: both answers (`case` on every feature,
/// each answer's `max_flow`, `cut` and `unconstrained` under `cases`) and `delta`: max flow
/// before, after and change, and the cut links added, removed and changed.
#[utoipa::path(
    get,
    path = "/v1/compare/capacity",
    tag = "scenarios",
    params(super::capacity::CapacityParams),
    responses(
        (status = 200, description = "Both answers (features tagged `case: baseline | scenario`), `cases` and a top-level `delta`",
            content_type = "application/geo+json", body = serde_json::Value),
        (status = 400, description = "Malformed or unknown parameters, or no `scenario`, each named in `errors`",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 404, description = "Unknown place or scenario, with `suggestions`",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 422, description = "A place standing for no usable node on the baseline or on the scenario",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 503, description = "The compute bound was exceeded, or the service is busy with other heavy requests (`Retry-After`)",
            content_type = "application/problem+json", body = serde_json::Value),
    )
)]
#[tracing::instrument(skip_all, fields(query = %req.query_string()))]
pub async fn get_compare_capacity(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let snap = state.current();
    let name = required_scenario(capacity_scenario(req.query_string())?.as_deref())?;
    let on = snap.snapshot.scenario(Some(&name))?;
    let base_q = capacity_query(req.query_string(), &snap.network, snap.snapshot.conversion)?;
    let q = capacity_query(req.query_string(), &on.network, on.conversion)?;
    let body = super::compute_heavy(&state, move || {
        let on = snap.snapshot.scenario(Some(&name))?;
        let base = cap::max_flow(&snap.network, &base_q);
        let scen = cap::max_flow(&on.network, &q);
        let doc = capacity_comparison(
            &name,
            Answered::new(&snap.network, &base_q, &base),
            Answered::new(&on.network, &q, &scen),
        );
        super::to_json(&doc, "a comparison")
    })
    .await?;
    Ok(geojson_response(body))
}

/// An assignment on the baseline and on a scenario: the body of `POST /v1/assign` with a
/// required `scenario`. Both answers (`case` on every feature; the scenario's flow features
/// carry `utilization_change`; each answer's `summary` and `demands` under `cases`) and
/// `delta`: demanded, served and unserved tonnes before and after, every link whose load
/// changed, the links whose utilisation rose above or fell below 80% and 100%, and the
/// demands whose served tonnes changed.
#[utoipa::path(
    post,
    path = "/v1/compare/assign",
    tag = "scenarios",
    request_body(content = AssignRequest, content_type = "application/json", description = "As for POST /v1/assign; `scenario` is required"),
    responses(
        (status = 200, description = "Both assignments (features tagged `case`), `cases` and a top-level `delta`",
            content_type = "application/geo+json", body = serde_json::Value),
        (status = 400, description = "Invalid body or demand fields, or no `scenario`, each named",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 404, description = "Unknown scenario or demand set, with suggestions",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 413, description = "Body over 1 MiB, more than 10,000 demands, or twice the demands × network size over the work cap (`field: demands`)",
            content_type = "application/problem+json", body = serde_json::Value),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn post_compare_assign(
    state: web::Data<AppState>,
    body: web::Json<super::body::Strict<Loose<AssignRequest>>>,
) -> Result<HttpResponse, ApiError> {
    let snap = state.current();
    let mut body = body.into_inner().0;
    let which = prepare_assign(&mut body, &snap.demand)?.ok_or_else(|| {
        ApiError::bad(
            "scenario",
            "required: the scenario to compare with the baseline (a name from GET /v1/scenarios, or a scenario object)",
        )
    })?;
    // Both cases are assigned: twice the work.
    crate::cancel::check_work(
        "demands",
        "demand assignments (twice the demands)",
        2 * super::demand_count(&body),
        super::network_size(&snap.network),
        state.config.max_work,
    )?;
    let out = super::compute_heavy(&state, move || {
        let on = snap.snapshot.choose(Some(&which), "scenario")?;
        let name = on.scenario().map(|s| s.name.clone()).unwrap_or_default();
        let base_q = AssignRequest::check(body.clone(), &snap.network, snap.snapshot.conversion)?;
        let q = AssignRequest::check(body, &on.network, on.conversion)?;
        let base = cap::assign(&snap.network, &base_q);
        let scen = cap::assign(&on.network, &q);
        let doc = assign_comparison(
            &name,
            Answered::new(&snap.network, &base_q, &base),
            Answered::new(&on.network, &q, &scen),
        );
        super::to_json(&doc, "a comparison")
    })
    .await?;
    Ok(geojson_response(out))
}

/// Registers this module's routes; `/v1/compare/assign` bodies are read as `/v1/assign`'s.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/v1/compare/route", web::get().to(get_compare_route))
        .route("/v1/compare/capacity", web::get().to(get_compare_capacity))
        .service(
            web::resource("/v1/compare/assign")
                .app_data(json_config())
                .route(web::post().to(post_compare_assign))
                .default_service(web::to(super::methods::fallback)),
        );
}
