//! `GET /v1/capacity` and `POST /v1/assign`: capacity endpoints. Handlers extract (the query
//! string into a [`CapacityRequest`]; the body, at most [`MAX_BODY_BYTES`], with serde into
//! an [`AssignRequest`]), check and call [`crate::capacity`] through [`compute`], and
//! serialise with [`crate::output::capacity`].

use actix_web::{HttpRequest, HttpResponse, web};

use super::body::Strict;
use super::params::MAX_LIST_LEN;
use super::schema;
use super::{ApiError, AppState, Params, geojson_response};
use crate::capacity::demand;
use crate::capacity::request as limits;
use crate::capacity::{
    self as cap, AssignRequest, CapacityError, CapacityQuery, CapacityRequest, ConstraintInput,
    ConversionInput, Loose,
};
use crate::cost::{Cargo, ConstraintArgs, ModeFilter};
use crate::network::scenario::ScenarioRef;
use crate::network::{CapacityConversion, Network};
use crate::output;

/// Largest `POST /v1/assign` body, bytes (1 MiB); larger bodies are refused with 413 before
/// they are read. (The number of demands is the domain's limit,
/// [`crate::capacity::assign::MAX_DEMANDS`].)
pub const MAX_BODY_BYTES: usize = super::body::MAX_BODY_BYTES;

/// Parameters of `GET /v1/capacity`, in the order of its documentation: capacity's own and
/// the shared [`ConstraintArgs::NAMES`] with `close` (a test holds the two together).
pub const CAPACITY_PARAMS: &[&str] = &[
    "from",
    "to",
    "mode",
    "include_planned",
    "include_unverified",
    "cargo",
    "avoid_countries",
    "avoid_crossings",
    "avoid_links",
    "close",
    "scenario",
    "set_capacity",
    "tonnes_per_train",
    "tonnes_per_vehicle",
    "operating_days",
    "transit",
];

/// The query parameters of `GET /v1/capacity` (and of `/v1/compare/capacity`, which adds
/// nothing but requires `scenario`), for the OpenAPI description, in [`CAPACITY_PARAMS`]
/// order, with enums for the choices.
pub struct CapacityParams;

fn capacity_param_doc(name: &str) -> &'static str {
    match name {
        "from" => {
            "Sources: node ids, ISO 3166-1 alpha-2 country codes (every node of the country), or a comma list of either"
        }
        "to" => "Sinks, as `from`; must not overlap it",
        "mode" => "rail, road or any (modes change only at intermodal nodes)",
        "include_planned" => "Also use planned and under-construction links",
        "include_unverified" => {
            "Also use unverified links (listed by a source, not confirmed operating), independently of include_planned"
        }
        "cargo" => {
            "general, container, bulk or livestock (livestock needs veterinary control at crossings)"
        }
        "avoid_countries" => "Comma list of country codes not to enter",
        "avoid_crossings" => "Comma list of crossing link ids not to use",
        "avoid_links" => "Comma list of link ids not to use",
        "close" => "Comma list of link ids treated as closed (alias of avoid_links)",
        "scenario" => {
            "Scenario to answer on (GET /v1/scenarios), e.g. naushki-closed; default the network as it is"
        }
        "set_capacity" => "Comma list of link_id:t_per_year overrides (>= 0)",
        "tonnes_per_train" => "Net tonnes per train converting trains/day (range 1–20000)",
        "tonnes_per_vehicle" => {
            "Net tonnes per road vehicle converting vehicles/day (range 0.1–100)"
        }
        "operating_days" => "Operating days a year (range 1–366)",
        "transit" => {
            "any (default: flow may pass through third countries, whose links are assumed fully available to it) or direct (only the sources' and sinks' countries)"
        }
        _ => "",
    }
}

impl utoipa::IntoParams for CapacityParams {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        let conv = CapacityConversion::default();
        CAPACITY_PARAMS
            .iter()
            .map(|&name| {
                let schema = match name {
                    "mode" => schema::enum_schema(Some(ModeFilter::default())),
                    "cargo" => schema::enum_schema(Some(Cargo::default())),
                    "transit" => schema::enum_schema(Some(cap::Transit::default())),
                    "include_planned" | "include_unverified" => schema::boolean_schema(),
                    "tonnes_per_train" => {
                        let (lo, hi) = limits::TONNES_PER_TRAIN_RANGE;
                        schema::number_schema(lo, hi, Some(conv.tonnes_per_train))
                    }
                    "tonnes_per_vehicle" => {
                        let (lo, hi) = limits::TONNES_PER_VEHICLE_RANGE;
                        schema::number_schema(lo, hi, Some(conv.tonnes_per_vehicle))
                    }
                    "operating_days" => {
                        let (lo, hi) = limits::OPERATING_DAYS_RANGE;
                        schema::number_schema(lo, hi, Some(conv.operating_days_per_year))
                    }
                    _ => schema::string_schema(),
                };
                let example = match name {
                    "from" => Some("RU"),
                    "to" => Some("CN"),
                    "set_capacity" => Some("xr-naushki-sukhbaatar:5000000"),
                    _ => None,
                };
                let required = matches!(name, "from" | "to");
                schema::query_param(name, required, capacity_param_doc(name), schema, example)
            })
            .collect()
    }
}

/// Registers this module's routes; `/v1/assign` bodies are capped at [`MAX_BODY_BYTES`].
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/v1/capacity", web::get().to(get_capacity))
        .service(
            web::resource("/v1/assign")
                .app_data(json_config())
                .route(web::post().to(post_assign))
                .default_service(web::to(super::methods::fallback)),
        );
}

/// How assignment bodies are read: at most [`MAX_BODY_BYTES`], strictly, errors as
/// problem+json ([`super::body`]).
pub fn json_config() -> web::JsonConfig {
    super::body::json_config(MAX_BODY_BYTES)
}

/// An assignment body as the domain takes it: the scenario it names or gives inline taken
/// out, a named demand set expanded into its demands.
///
/// # Errors
/// 400 for a `scenario` that is neither a name nor an object, a `demand` that is not a name,
/// or `demand` with `demands`; 404 for an unknown demand set.
pub fn prepare_assign(
    body: &mut Loose<AssignRequest>,
    sets: &std::collections::BTreeMap<String, demand::DemandSet>,
) -> Result<Option<ScenarioRef>, ApiError> {
    // Unknown members first: a body whose `scenario` or `demand` is beside a misspelt member
    // would otherwise be answered "scenario: required" or "demands: required".
    let unknown = crate::capacity::assign::request::unknown_members(body);
    if !unknown.is_empty() {
        return Err(ApiError::from(CapacityError::Invalid(unknown)));
    }
    let mut scenario = None;
    if let Loose::Valid(b) = body {
        scenario = demand::take_scenario(b)?;
        demand::expand(b, sets)?;
    }
    Ok(scenario)
}

/// Reads `mode` and the shared constraint parameters ([`ConstraintArgs`], with `close`, the
/// deprecated alias of `avoid_links`). Malformed values are recorded in `p` (reported by
/// [`Params::finish`]); ids are checked by the domain.
fn constraint_input(p: &mut Params) -> ConstraintInput {
    let mode = p.choice::<ModeFilter>("mode").unwrap_or_default();
    ConstraintInput {
        mode,
        ..ConstraintArgs::read(p)
    }
}

/// A required comma list of places (node ids, country codes).
fn places(p: &mut Params, key: &str) -> Option<Vec<String>> {
    let s = p.required(key)?;
    let items: Vec<String> = s.split(',').map(|x| x.trim().to_string()).collect();
    if items.iter().any(String::is_empty) {
        p.error(key, "empty item in comma list");
        return None;
    }
    if items.len() > MAX_LIST_LEN {
        p.error(key, format!("at most {MAX_LIST_LEN} places"));
        return None;
    }
    Some(items)
}

/// Reads the query string of `GET /v1/capacity` into the typed [`CapacityRequest`];
/// malformed values are recorded in `p`.
fn read_request(p: &mut Params) -> CapacityRequest {
    let any = f64::MIN..=f64::MAX;
    CapacityRequest {
        from: places(p, "from").unwrap_or_default(),
        to: places(p, "to").unwrap_or_default(),
        constraints: constraint_input(p),
        set_capacity: p.list("set_capacity", MAX_LIST_LEN).unwrap_or_default(),
        conversion: ConversionInput {
            tonnes_per_train: p.number("tonnes_per_train", any.clone()),
            tonnes_per_vehicle: p.number("tonnes_per_vehicle", any.clone()),
            operating_days: p.number("operating_days", any),
        },
        transit: p.choice::<cap::Transit>("transit").unwrap_or_default(),
    }
}

/// Checks the query string of `GET /v1/capacity` into a [`CapacityQuery`]: read here, checked
/// by [`CapacityRequest::check`] as the command line's flags are.
///
/// # Errors
/// 400 naming every malformed parameter (unknown link ids in `close`, `set_capacity`, …;
/// negative capacities; conversion constants out of range); then 404 for a place that is
/// neither a node nor a country, 422 for a place standing for no usable node, 400 when `from`
/// and `to` overlap.
pub fn capacity_query(
    query: &str,
    net: &Network,
    base: CapacityConversion,
) -> Result<CapacityQuery, ApiError> {
    let mut p = Params::parse(query, CAPACITY_PARAMS)?;
    let checked = read_request(&mut p).check(net, base);
    check_read(p, checked)
}

/// The scenario named by a capacity query string (`None`: the network as it is), read before
/// the rest so that places and ids are checked against the scenario's network.
///
/// # Errors
/// 400 for malformed parameters.
pub fn capacity_scenario(query: &str) -> Result<Option<String>, ApiError> {
    let mut p = Params::parse(query, CAPACITY_PARAMS)?;
    let scenario = read_request(&mut p).constraints.scenario;
    Ok(scenario)
}

fn check_read(
    mut p: Params,
    checked: Result<CapacityQuery, CapacityError>,
) -> Result<CapacityQuery, ApiError> {
    // Malformed values first, with the domain's objections to the rest in the same 400;
    // places are resolved (404, 422) only once everything else is clean.
    if let Err(CapacityError::Invalid(issues)) = &checked {
        for i in issues {
            p.error(&i.field, i.detail.clone());
        }
    }
    p.finish()?;
    Ok(checked?)
}

/// Maximum flow and minimum cut between two sets of places.
///
/// Answers "how many tonnes a year can move from `from` to `to`, and which links limit it?"
/// as a FeatureCollection with a top-level `max_flow {value, unit, unbounded}`: `flow`
/// Features for every link carrying flow, `cut` Features for a minimum cut (capacities sum to
/// `max_flow.value`), `transfer` Points for mode changes. `transit` breaks the flow down by
/// corridor (country sequence) and by crossing, flags flow through third countries, states
/// the assumption it rests on, and gives the flow without them (`direct_tpy`).
#[utoipa::path(
    get,
    path = "/v1/capacity",
    tag = "capacity",
    params(CapacityParams),
    responses(
        (status = 200, description = "Max-flow FeatureCollection with `max_flow`, `cut`, `unconstrained`, `transit` and `query` members", content_type = "application/geo+json", body = serde_json::Value),
        (status = 400, description = "Malformed parameter(s), each named; or from and to overlap", content_type = "application/problem+json"),
        (status = 404, description = "A place that is neither a node id nor a country code, or an unknown scenario (`field: scenario`)", content_type = "application/problem+json"),
        (status = 422, description = "A place standing for no usable node under the constraints", content_type = "application/problem+json"),
        (status = 503, description = "Compute bound exceeded", content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn get_capacity(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let snap = state.current();
    let scenario = capacity_scenario(req.query_string())?;
    let on = snap.snapshot.scenario(scenario.as_deref())?;
    let q = capacity_query(req.query_string(), &on.network, on.conversion)?;
    let body = super::compute_heavy(&state, move || {
        let on = snap.snapshot.scenario(scenario.as_deref())?;
        let r = cap::max_flow(&on.network, &q);
        let doc = output::capacity::max_flow_collection(&on.network, &q, &r);
        super::to_json(&doc, "an answer")
    })
    .await?;
    Ok(geojson_response(body))
}

/// Assigns demands over the network within link capacities.
///
/// Each demand, in order, takes the cheapest paths left by earlier ones (min-cost flow by
/// successive shortest paths); what finds no capacity is reported as unserved. Returns link
/// loads as `flow` Features with `utilization`, per-demand routes and a `summary`.
#[utoipa::path(
    post,
    path = "/v1/assign",
    tag = "capacity",
    request_body(content = AssignRequest, content_type = "application/json", description = "Demands and optional shared constraints; at most 1 MiB and 10,000 demands"),
    responses(
        (status = 200, description = "Assignment FeatureCollection with `summary`, `demands`, `cost_model` and `query` members", content_type = "application/geo+json", body = serde_json::Value),
        (status = 400, description = "Invalid body or demand fields, each named (e.g. `demands[3].tonnes_per_year`)", content_type = "application/problem+json"),
        (status = 404, description = "Unknown scenario or demand set (`field: scenario` or `demand`), with suggestions", content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB, more than 10,000 demands, or demands × network size over the work cap (`field: demands`)", content_type = "application/problem+json"),
        (status = 503, description = "Compute bound exceeded", content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn post_assign(
    state: web::Data<AppState>,
    body: web::Json<Strict<Loose<AssignRequest>>>,
) -> Result<HttpResponse, ApiError> {
    let snap = state.current();
    let mut body = body.into_inner().0;
    let scenario = prepare_assign(&mut body, &snap.demand)?;
    crate::cancel::check_work(
        "demands",
        "demands",
        super::demand_count(&body),
        super::network_size(&snap.network),
        state.config.max_work,
    )?;
    let out = super::compute_heavy(&state, move || {
        let on = snap.snapshot.choose(scenario.as_ref(), "scenario")?;
        let req = AssignRequest::check(body, &on.network, on.conversion)?;
        let a = cap::assign(&on.network, &req);
        let doc = output::capacity::assignment_collection(&on.network, &req, &a);
        super::to_json(&doc, "an answer")
    })
    .await?;
    Ok(geojson_response(out))
}

#[cfg(test)]
mod tests {
    use utoipa::OpenApi;

    #[derive(OpenApi)]
    #[openapi(paths(super::get_capacity, super::post_assign))]
    struct Doc;

    /// The `GET /v1/capacity` section of the README, up to `### POST /v1/assign`.
    fn readme_capacity() -> &'static str {
        let readme = include_str!("../../README.md");
        let start = readme
            .find("### `GET /v1/capacity`")
            .expect("README section");
        let end = readme[start..]
            .find("### `POST /v1/assign`")
            .expect("README section end");
        &readme[start..start + end]
    }

    /// The capacity parameters as the README documents them, written out here rather than
    /// read from `CAPACITY_PARAMS` (which builds the document): a parameter dropped or added,
    /// an enum value lost, a range or a conversion default changed fails.
    #[test]
    fn openapi_parameters_are_the_documented_ones() {
        let doc = serde_json::to_value(Doc::openapi()).unwrap();
        let params = doc["paths"]["/v1/capacity"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .clone();
        let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
        let expected = [
            "from",
            "to",
            "mode",
            "include_planned",
            "include_unverified",
            "cargo",
            "avoid_countries",
            "avoid_crossings",
            "avoid_links",
            "close",
            "scenario",
            "set_capacity",
            "tonnes_per_train",
            "tonnes_per_vehicle",
            "operating_days",
            "transit",
        ];
        assert_eq!(names, expected);
        let param = |n: &str| params.iter().find(|p| p["name"] == n).unwrap().clone();
        for n in expected {
            assert_eq!(
                param(n)["required"] == true,
                matches!(n, "from" | "to"),
                "{n}"
            );
            assert!(
                !param(n)["description"]
                    .as_str()
                    .unwrap_or_default()
                    .is_empty(),
                "{n} has no description"
            );
        }
        let schema = |n: &str| param(n)["schema"].clone();
        assert_eq!(
            schema("mode")["enum"],
            serde_json::json!(["rail", "road", "any"])
        );
        assert_eq!(schema("mode")["default"], "any");
        assert_eq!(
            schema("cargo")["enum"],
            serde_json::json!(["general", "container", "bulk", "livestock"])
        );
        assert_eq!(
            schema("transit")["enum"],
            serde_json::json!(["any", "direct"])
        );
        assert_eq!(schema("transit")["default"], "any");
        // README: "conversion overrides (1–20000, 0.1–100, 1–366)" and "trains/day × 3000 t ×
        // 365 d, vehicles/day × 20 t".
        let readme = readme_capacity();
        assert!(readme.contains("(1–20000, 0.1–100, 1–366)"));
        assert!(readme.contains("trains/day × 3000 t ×\n365 d, vehicles/day × 20 t × 365 d"));
        for (n, lo, hi, default) in [
            ("tonnes_per_train", 1.0, 20000.0, 3000.0),
            ("tonnes_per_vehicle", 0.1, 100.0, 20.0),
            ("operating_days", 1.0, 366.0, 365.0),
        ] {
            let s = schema(n);
            let num = |k: &str| s[k].as_f64().unwrap_or(f64::NAN);
            assert_eq!(
                (num("minimum"), num("maximum"), num("default")),
                (lo, hi, default),
                "{n}: {s}"
            );
        }
        // The README's parameter table names every parameter.
        let table: String = readme
            .lines()
            .filter(|l| l.starts_with("| `"))
            .map(|l| l.split(" | ").next().unwrap_or_default())
            .collect();
        for n in expected {
            assert!(
                table.contains(&format!("`{n}`")),
                "README's table lacks `{n}`"
            );
        }
        let post = &doc["paths"]["/v1/assign"]["post"];
        assert!(post["requestBody"]["content"]["application/json"].is_object());
    }

    #[test]
    fn the_parser_accepts_exactly_the_documented_names() {
        // Every documented name is accepted, an undocumented one refused naming it.
        let query = "from=RU&to=MN&mode=rail&include_planned=false&include_unverified=true\
                     &cargo=bulk&avoid_countries=CN\
                     &avoid_crossings=xr-naushki-sukhbaatar&avoid_links=xr-naushki-sukhbaatar\
                     &close=xr-naushki-sukhbaatar&set_capacity=xr-zamyn-uud-erenhot:1000\
                     &tonnes_per_train=2000&tonnes_per_vehicle=10&operating_days=300&transit=any";
        let parse = |q: &str| {
            crate::http::Params::parse(q, super::CAPACITY_PARAMS).and_then(|p| p.finish())
        };
        assert!(parse(query).is_ok());
        let err = parse("from=RU&to=MN&colour=red").unwrap_err();
        assert_eq!(err.problem()["field"], "colour", "{}", err.problem());
    }
}
