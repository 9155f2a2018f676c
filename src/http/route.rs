//! `GET /v1/route`: routing endpoint. Reads the query into a typed [`RouteRequest`] (through
//! [`RouteRequest::read`], as the command line does), runs [`crate::route::plan`] off the
//! executor, and serialises the plan as GeoJSON.

use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::schema::Schema;

use super::{ApiError, AppState, Params, compute, geojson_response, schema};
use crate::cost::{Cargo, ConstraintArgs, Measure, ModeFilter, Profile, ProfileArgs};
use crate::output::route::route_collection;
use crate::route::request::{FROM_DOC, TO_DOC};
use crate::route::{AlternativesBy, MAX_ALTERNATIVES, RouteOptions, RouteRequest, alternatives};

/// Every parameter `/v1/route` accepts (derived from the request's argument types).
pub const ALLOWED: &[&str] = RouteRequest::PARAMETERS;

/// Query parameters of `GET /v1/route`, for the OpenAPI document: names, descriptions, enums
/// and ranges all come from the Rust types (parsing goes through [`parse_request`]).
pub struct RouteParams;

fn describe(name: &str) -> String {
    match name {
        "from" => FROM_DOC.to_string(),
        "to" => TO_DOC.to_string(),
        _ => [
            (RouteOptions::NAMES, RouteOptions::DOCS),
            (ConstraintArgs::NAMES, ConstraintArgs::DOCS),
            (ProfileArgs::NAMES, ProfileArgs::DOCS),
        ]
        .iter()
        .find_map(|(names, docs)| names.iter().position(|n| *n == name).map(|i| docs[i]))
        .unwrap_or_default()
        .trim()
        .to_string(),
    }
}

fn schema_of(name: &str) -> Schema {
    let profile = Profile::default();
    if let Some(f) = Profile::FIELDS.iter().find(|f| f.name == name) {
        return schema::number_schema(f.min, f.max, Some((f.get)(&profile)));
    }
    match name {
        "mode" => schema::enum_schema(Some(ModeFilter::default())),
        "optimize" => schema::enum_schema(Some(Measure::default())),
        "cargo" => schema::enum_schema(Some(Cargo::default())),
        "alternatives" => schema::integer_schema(0, MAX_ALTERNATIVES as u64, Some(0)),
        "alternatives_by" => schema::enum_schema(Some(AlternativesBy::default())),
        "max_sharing" => {
            let (lo, hi) = alternatives::MAX_SHARING_RANGE;
            schema::number_schema(lo, hi, Some(alternatives::DEFAULT_MAX_SHARING))
        }
        "max_stretch" => {
            let (lo, hi) = alternatives::MAX_STRETCH_RANGE;
            schema::number_schema(lo, hi, Some(alternatives::DEFAULT_MAX_STRETCH))
        }
        "depart" => schema::date_time_schema(),
        "include_planned" => schema::boolean_schema(),
        _ => schema::string_schema(),
    }
}

impl IntoParams for RouteParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        ALLOWED
            .iter()
            .map(|name| {
                let required = matches!(*name, "from" | "to");
                let example = match *name {
                    "from" => Some("ru-ulan-ude"),
                    "to" => Some("cn-beijing"),
                    _ => None,
                };
                schema::query_param(name, required, &describe(name), schema_of(name), example)
            })
            .collect()
    }
}

/// Builds a typed request from a query string, reporting every malformed parameter at once
/// (400), through the one parser [`RouteRequest::read`].
pub fn parse_request(query: &str) -> Result<RouteRequest, ApiError> {
    let mut p = Params::parse(query, ALLOWED)?;
    let request = RouteRequest::read(&mut p);
    p.finish()?;
    request.ok_or_else(|| {
        ApiError::Internal("route parameters passed validation without from/to".into())
    })
}

/// The best route between two places and up to five alternatives, as a GeoJSON
/// FeatureCollection: one LineString Feature per route (best first) with every measure
/// (`distance_km` km, `time_h` h, `cost_usd_per_t` USD/t, `co2e_kg_per_t` kg CO2e/t), and with
/// `depart`: `depart`, `arrive` (RFC 3339), `wait_h` (h) and `border_times`
/// `[{crossing, arrive, depart, wait_h, dwell_h}]`; with `alternatives_by=corridor` each
/// route's `corridor` (e.g. `KZ-RU-MN`). A Point Feature per snapped `lon,lat`, a top-level
/// `query` echoing the normalised request and `alternatives_found`.
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
        (status = 422, description = "No route satisfies the constraints (`field` names the one that cut it off when that can be told), or `depart` lies outside the years the border schedules cover (the detail names them)",
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
        let on = snap.snapshot.scenario(request.scenario.as_deref())?;
        let plan = crate::route::plan(on, &request)?;
        let fc = route_collection(&on.network, &plan);
        super::to_json(&fc, "a route")
    })
    .await?;
    Ok(geojson_response(body))
}

/// Registers this module's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/v1/route", web::get().to(get_route));
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn route_params() -> Vec<Value> {
        let doc = super::super::openapi::document();
        doc["paths"]["/v1/route"]["get"]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    #[test]
    fn openapi_parameters_come_from_the_rust_types() {
        let params = route_params();
        let names: Vec<&str> = params.iter().filter_map(|p| p["name"].as_str()).collect();
        assert_eq!(names, ALLOWED);
        let schema = |n: &str| {
            params
                .iter()
                .find(|p| p["name"] == n)
                .map(|p| p["schema"].clone())
                .unwrap_or_default()
        };
        assert_eq!(schema("mode")["enum"], json!(ModeFilter::VALUES));
        assert_eq!(schema("optimize")["enum"], json!(Measure::VALUES));
        assert_eq!(schema("cargo")["enum"], json!(Cargo::VALUES));
        assert_eq!(schema("optimize")["default"], "time");
        assert_eq!(schema("alternatives")["minimum"], 0);
        assert_eq!(schema("alternatives")["maximum"], MAX_ALTERNATIVES);
        for f in Profile::FIELDS {
            assert_eq!(schema(f.name)["maximum"], f.max, "{}", f.name);
        }
        for p in &params {
            let d = p["description"].as_str().unwrap_or_default();
            assert!(!d.is_empty(), "{p}");
        }
    }

    #[test]
    fn the_query_parser_is_the_request_reader() {
        let req = parse_request(
            "from=ru-ulan-ude&to=cn-beijing&optimize=cost&include_planned=true&dwell_scale=2",
        )
        .unwrap();
        assert_eq!(req.optimize, Measure::Cost);
        assert!(req.include_planned);
        assert_eq!(req.profile.dwell_scale, 2.0);
        let err = parse_request("from=a&to=b&mode=boat&avoid_links=,").unwrap_err();
        let fields: Vec<Value> = err.problem()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].clone())
            .collect();
        assert_eq!(fields, [json!("mode"), json!("avoid_links")]);
    }
}
