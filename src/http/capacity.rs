//! `GET /v1/capacity` and `POST /v1/assign`: capacity endpoints. Handlers extract, check,
//! call [`crate::capacity`] through [`compute`], and serialise with
//! [`crate::output::capacity`].

use actix_web::error::JsonPayloadError;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::params::MAX_LIST_LEN;
use super::{ApiError, AppState, Params, compute, geojson_response};
use crate::capacity::assign::MAX_BODY_BYTES;
use crate::capacity::spec::{self, ConstraintInput, ConversionInput, Issue};
use crate::capacity::{self as cap, CapacityQuery};
use crate::cost::{Cargo, Constraints, ModeFilter};
use crate::network::{CapacityConversion, Network};
use crate::output;

/// Parameters of `GET /v1/capacity`.
pub const CAPACITY_PARAMS: &[&str] = &[
    "from",
    "to",
    "mode",
    "include_planned",
    "cargo",
    "avoid_countries",
    "avoid_crossings",
    "avoid_links",
    "close",
    "set_capacity",
    "tonnes_per_train",
    "tonnes_per_vehicle",
    "operating_days",
];

/// Registers this module's routes; `/v1/assign` bodies are capped at 1 MiB.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/v1/capacity", web::get().to(get_capacity))
        .service(
            web::resource("/v1/assign")
                .app_data(
                    web::JsonConfig::default()
                        .limit(MAX_BODY_BYTES)
                        .error_handler(json_error),
                )
                .route(web::post().to(post_assign)),
        );
}

/// Turns a body that could not be read as JSON into problem+json: 413 over the limit, else
/// 400 naming `body`.
fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::OverflowKnownLength { length, limit } => ApiError::TooLarge(format!(
            "request body of {length} bytes exceeds the limit of {limit} bytes"
        )),
        JsonPayloadError::Overflow { limit } => {
            ApiError::TooLarge(format!("request body exceeds the limit of {limit} bytes"))
        }
        JsonPayloadError::ContentType => {
            ApiError::bad("body", "Content-Type must be application/json")
        }
        JsonPayloadError::Deserialize(e) => ApiError::bad("body", format!("not valid JSON: {e}")),
        other => ApiError::bad("body", format!("could not read the body: {other}")),
    };
    api.into()
}

/// Reads the shared constraint parameters (`mode`, `include_planned`, `cargo`,
/// `avoid_countries`, `avoid_crossings`, `avoid_links`, `close`) and checks their ids against
/// `net`. Mistakes are recorded in `p` (reported by [`Params::finish`]). Routing and capacity
/// should both build their [`Constraints`] here so that a parameter means one thing.
pub fn constraints_from_params(p: &mut Params, net: &Network) -> Constraints {
    let input = ConstraintInput {
        scenario: None,
        mode: p
            .enumerated("mode", ModeFilter::parse, ModeFilter::VALUES)
            .unwrap_or_default(),
        include_planned: p.boolean("include_planned").unwrap_or(false),
        cargo: p
            .enumerated("cargo", Cargo::parse, Cargo::VALUES)
            .unwrap_or_default(),
        avoid_countries: p.list("avoid_countries", MAX_LIST_LEN).unwrap_or_default(),
        avoid_crossings: p.list("avoid_crossings", MAX_LIST_LEN).unwrap_or_default(),
        avoid_links: p.list("avoid_links", MAX_LIST_LEN).unwrap_or_default(),
        close: p.list("close", MAX_LIST_LEN).unwrap_or_default(),
    };
    let mut issues = Vec::new();
    let c = spec::build_constraints(net, &input, "", &mut issues);
    record(p, issues);
    c
}

fn record(p: &mut Params, issues: Vec<Issue>) {
    for i in issues {
        p.error(&i.field, i.detail);
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

/// Checks the query string of `GET /v1/capacity` into a [`CapacityQuery`].
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
    let from = places(&mut p, "from");
    let to = places(&mut p, "to");
    let constraints = constraints_from_params(&mut p, net);
    let mut issues = Vec::new();
    let set = p
        .list("set_capacity", MAX_LIST_LEN)
        .map(|items| spec::parse_set_capacity(net, "set_capacity", &items, &mut issues))
        .unwrap_or_default();
    let any = f64::MIN..=f64::MAX;
    let conv_input = ConversionInput {
        tonnes_per_train: p.number("tonnes_per_train", any.clone()),
        tonnes_per_vehicle: p.number("tonnes_per_vehicle", any.clone()),
        operating_days: p.number("operating_days", any),
    };
    let conversion = spec::conversion(base, conv_input, "", &mut issues);
    record(&mut p, issues);
    p.finish()?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(ApiError::Internal(
            "places missing after a clean parse".into(),
        ));
    };
    let from = spec::resolve_places(net, "from", &from, &constraints)?;
    let to = spec::resolve_places(net, "to", &to, &constraints)?;
    spec::check_disjoint(net, &from, &to, "to")?;
    Ok(CapacityQuery {
        from,
        to,
        constraints,
        overrides: spec::Overrides {
            capacity_tpy: set,
            conversion,
        },
    })
}

/// Maximum flow and minimum cut between two sets of places.
///
/// Answers "how many tonnes a year can move from `from` to `to`, and which links limit it?"
/// as a FeatureCollection with a top-level `max_flow {value, unit, unbounded}`: `flow`
/// Features for every link carrying flow, `cut` Features for a minimum cut (capacities sum to
/// `max_flow.value`), `transfer` Points for mode changes.
#[utoipa::path(
    get,
    path = "/v1/capacity",
    tag = "capacity",
    params(
        ("from" = String, Query, description = "Sources: node ids, ISO 3166-1 alpha-2 country codes (every node of the country), or a comma list of either", example = "RU"),
        ("to" = String, Query, description = "Sinks, as `from`; must not overlap it", example = "CN"),
        ("mode" = Option<String>, Query, description = "rail, road or any (default any; modes change only at intermodal nodes)"),
        ("include_planned" = Option<bool>, Query, description = "Also use planned and under-construction links (default false)"),
        ("cargo" = Option<String>, Query, description = "general, container, bulk or livestock (livestock needs veterinary control at crossings)"),
        ("avoid_countries" = Option<String>, Query, description = "Comma list of country codes not to enter"),
        ("avoid_crossings" = Option<String>, Query, description = "Comma list of crossing link ids not to use"),
        ("avoid_links" = Option<String>, Query, description = "Comma list of link ids not to use"),
        ("close" = Option<String>, Query, description = "Comma list of link ids treated as closed (scenario)"),
        ("set_capacity" = Option<String>, Query, description = "Comma list of link_id:t_per_year overrides (>= 0)", example = "xr-naushki-sukhbaatar:5000000"),
        ("tonnes_per_train" = Option<f64>, Query, description = "Net tonnes per train converting trains/day (default 3000, range 1–20000)"),
        ("tonnes_per_vehicle" = Option<f64>, Query, description = "Net tonnes per road vehicle converting vehicles/day (default 20, range 0.1–100)"),
        ("operating_days" = Option<f64>, Query, description = "Operating days a year (default 365, range 1–366)"),
    ),
    responses(
        (status = 200, description = "Max-flow FeatureCollection with `max_flow`, `cut`, `unconstrained` and `query` members", content_type = "application/geo+json", body = serde_json::Value),
        (status = 400, description = "Malformed parameter(s), each named; or from and to overlap", content_type = "application/problem+json"),
        (status = 404, description = "A place that is neither a node id nor a country code", content_type = "application/problem+json"),
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
    let q = capacity_query(req.query_string(), &snap.network, snap.conversion)?;
    let body = compute(&state, move || {
        let r = cap::max_flow(&snap.network, &q);
        let doc = output::capacity::max_flow_collection(&snap.network, &q, &r);
        serde_json::to_vec(&doc).map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await?;
    Ok(geojson_response(body))
}

/// Places: one node id or country code, a comma list, or an array of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum PlacesBody {
    /// `"RU"`, `"mn-tavan-tolgoi"` or `"RU,KZ"`.
    One(String),
    /// `["RU", "KZ"]`.
    Many(Vec<String>),
}

/// One demand of `POST /v1/assign`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DemandBody {
    /// Origins.
    pub from: PlacesBody,
    /// Destinations (disjoint from `from`).
    pub to: PlacesBody,
    /// Tonnes a year, > 0 and at most 1e12.
    pub tonnes_per_year: f64,
    /// rail, road or any (default: the request's `mode`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// general, container, bulk or livestock (default: the request's `cargo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cargo: Option<String>,
}

/// Body of `POST /v1/assign` (at most 1 MiB and 10,000 demands). Unknown fields are refused.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AssignBody {
    /// Demands, assigned in this order (earlier ones have priority).
    pub demands: Vec<DemandBody>,
    /// Default mode of the demands (default any).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Default cargo of the demands (default general).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cargo: Option<String>,
    /// Also use planned links (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_planned: Option<bool>,
    /// Country codes not to enter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avoid_countries: Option<Vec<String>>,
    /// Crossing link ids not to use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avoid_crossings: Option<Vec<String>>,
    /// Link ids not to use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avoid_links: Option<Vec<String>>,
    /// Link ids treated as closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close: Option<Vec<String>>,
    /// Capacity overrides, link id → t/yr (>= 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_capacity: Option<std::collections::BTreeMap<String, f64>>,
    /// Net tonnes per train (default 3000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tonnes_per_train: Option<f64>,
    /// Net tonnes per road vehicle (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tonnes_per_vehicle: Option<f64>,
    /// Operating days a year (default 365).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operating_days: Option<f64>,
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
    request_body(content = AssignBody, content_type = "application/json", description = "Demands and optional shared constraints; at most 1 MiB and 10,000 demands"),
    responses(
        (status = 200, description = "Assignment FeatureCollection with `summary`, `demands`, `cost_model` and `query` members", content_type = "application/geo+json", body = serde_json::Value),
        (status = 400, description = "Invalid body or demand fields, each named (e.g. `demands[3].tonnes_per_year`)", content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB or more than 10,000 demands", content_type = "application/problem+json"),
        (status = 503, description = "Compute bound exceeded", content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn post_assign(
    state: web::Data<AppState>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let snap = state.current();
    let body = body.into_inner();
    let out = compute(&state, move || {
        let req = cap::parse_request(&snap.network, snap.conversion, &body)?;
        let a = cap::assign(&snap.network, &req);
        let doc = output::capacity::assignment_collection(&snap.network, &req, &a);
        serde_json::to_vec(&doc).map_err(|e| ApiError::Internal(e.to_string()))
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

    #[test]
    fn handlers_describe_themselves_for_openapi() {
        let doc = serde_json::to_value(Doc::openapi()).unwrap();
        let get = &doc["paths"]["/v1/capacity"]["get"];
        let names: Vec<&str> = get["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, super::CAPACITY_PARAMS);
        let post = &doc["paths"]["/v1/assign"]["post"];
        assert!(post["requestBody"]["content"]["application/json"].is_object());
        assert!(
            doc["components"]["schemas"]["AssignBody"].is_object(),
            "{doc}"
        );
    }
}
