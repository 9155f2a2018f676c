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
        "include_planned" | "include_unverified" => schema::boolean_schema(),
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

    /// The README's section on routing, from its heading to the next `## `.
    fn readme_routing() -> String {
        let readme = include_str!("../../README.md");
        let start = readme
            .find("## Routing: `GET /v1/route`")
            .expect("README routing section");
        let rest = &readme[start + 3..];
        rest[..rest.find("\n## ").unwrap_or(rest.len())].to_string()
    }

    /// The route parameters as the README documents them, written out here (not read from
    /// the Rust types that build the document): a parameter dropped, renamed or reordered, an
    /// enum value lost, a range or default changed fails.
    #[test]
    fn openapi_parameters_are_the_documented_ones() {
        let params = route_params();
        let names: Vec<&str> = params.iter().filter_map(|p| p["name"].as_str()).collect();
        let expected = [
            "from",
            "to",
            "via",
            "mode",
            "optimize",
            "alternatives",
            "alternatives_by",
            "max_sharing",
            "max_stretch",
            "depart",
            "avoid_countries",
            "avoid_crossings",
            "avoid_links",
            "include_planned",
            "include_unverified",
            "cargo",
            "scenario",
            "dwell_scale",
            "transshipment_h",
            "transshipment_usd_per_t",
            "rail_usd_per_tkm",
            "road_usd_per_tkm",
            "border_usd_per_t",
            "road_truck_kg_per_tkm",
            "rail_diesel_kg_per_tkm",
            "rail_electric_kwh_per_tkm",
            "grid_ru_kg_per_kwh",
            "grid_mn_kg_per_kwh",
            "grid_cn_kg_per_kwh",
            "grid_kz_kg_per_kwh",
            "grid_other_kg_per_kwh",
            "transshipment_kg_per_t",
        ];
        assert_eq!(names, expected);
        // The parser accepts exactly these names.
        assert_eq!(ALLOWED, expected);
        let param = |n: &str| params.iter().find(|p| p["name"] == n).unwrap().clone();
        for n in ["from", "to"] {
            assert_eq!(param(n)["required"], true, "{n}");
        }
        for n in &expected[2..] {
            assert_ne!(param(n)["required"], true, "{n}");
            let d = param(n)["description"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            assert!(!d.is_empty(), "{n} has no description");
        }
        let schema = |n: &str| param(n)["schema"].clone();
        assert_eq!(schema("mode")["enum"], json!(["rail", "road", "any"]));
        assert_eq!(schema("mode")["default"], "any");
        assert_eq!(
            schema("optimize")["enum"],
            json!(["distance", "time", "cost", "co2"])
        );
        assert_eq!(schema("optimize")["default"], "time");
        assert_eq!(
            schema("cargo")["enum"],
            json!(["general", "container", "bulk", "livestock"])
        );
        assert_eq!(schema("cargo")["default"], "general");
        assert_eq!(
            schema("alternatives_by")["enum"],
            json!(["route", "corridor"])
        );
        assert_eq!(schema("alternatives_by")["default"], "route");
        assert_eq!(schema("depart")["format"], "date-time");
        // (name, minimum, maximum, default): README "Parameters" and "Costing profile".
        let ranges: [(&str, f64, f64, f64); 18] = [
            ("alternatives", 0.0, 5.0, 0.0),
            ("max_sharing", 0.0, 1.0, 0.75),
            ("max_stretch", 1.0, 10.0, 1.5),
            ("dwell_scale", 0.0, 10.0, 1.0),
            ("transshipment_h", 0.0, 720.0, 24.0),
            ("transshipment_usd_per_t", 0.0, 1000.0, 15.0),
            ("rail_usd_per_tkm", 0.0, 10.0, 0.04),
            ("road_usd_per_tkm", 0.0, 10.0, 0.10),
            ("border_usd_per_t", 0.0, 1000.0, 8.0),
            ("road_truck_kg_per_tkm", 0.0, 1.0, 0.125),
            ("rail_diesel_kg_per_tkm", 0.0, 1.0, 0.023),
            ("rail_electric_kwh_per_tkm", 0.0, 1.0, 0.025),
            ("grid_ru_kg_per_kwh", 0.0, 2.0, 0.482),
            ("grid_mn_kg_per_kwh", 0.0, 2.0, 0.876),
            ("grid_cn_kg_per_kwh", 0.0, 2.0, 0.600),
            ("grid_kz_kg_per_kwh", 0.0, 2.0, 0.866),
            ("grid_other_kg_per_kwh", 0.0, 2.0, 0.509),
            ("transshipment_kg_per_t", 0.0, 100.0, 1.5),
        ];
        for (n, lo, hi, default) in ranges {
            let s = schema(n);
            let num = |k: &str| s[k].as_f64().unwrap_or(f64::NAN);
            assert_eq!(
                (num("minimum"), num("maximum"), num("default")),
                (lo, hi, default),
                "{n}: {s}"
            );
        }
        // Every parameter is in the README's routing section, and each costing default the
        // README's table states is the document's.
        let readme = readme_routing();
        for n in expected {
            assert!(
                readme.contains(&format!("`{n}`")),
                "README routing lacks `{n}`"
            );
        }
        for (n, default) in [
            ("rail_usd_per_tkm", "0.04 USD/t·km"),
            ("road_usd_per_tkm", "0.10 USD/t·km"),
            ("border_usd_per_t", "8 USD/t"),
            ("transshipment_h", "24 h"),
            ("transshipment_usd_per_t", "15 USD/t"),
            ("dwell_scale", "1"),
            ("road_truck_kg_per_tkm", "0.125 kg"),
            ("rail_diesel_kg_per_tkm", "0.023 kg"),
            ("rail_electric_kwh_per_tkm", "0.025 kWh"),
            ("transshipment_kg_per_t", "1.5 kg"),
        ] {
            let row = format!("| `{n}` | {default}");
            assert!(readme.contains(&row), "README lacks the row {row}");
            let figure: f64 = default.split(' ').next().unwrap().parse().unwrap();
            assert_eq!(schema(n)["default"].as_f64(), Some(figure), "{n}");
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
