//! `GET|POST /v1/matrix` and `GET /v1/reach`: many origins and destinations, and how far one
//! gets. Handlers read the typed request ([`MatrixRequest::read`], [`ReachRequest::read`],
//! as the command line does), plan it inside the compute bound, and serialise it with
//! [`crate::output::matrix`] (JSON or CSV) and [`crate::output::reach`] (GeoJSON).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::schema::Schema;

use super::{ApiError, AppState, Params, geojson_response, schema};
use crate::cost::{Cargo, ConstraintArgs, Measure, ModeFilter, Profile, ProfileArgs};
use crate::fields::{FieldError, Fields};
use crate::output::matrix::{matrix_csv, matrix_json};
use crate::output::reach::reach_collection;
use crate::route::many::Direction;
use crate::route::matrix::{
    MatrixOptions, MatrixRequest, ReachOptions, ReachRequest, plan_matrix_within, plan_reach,
};

/// Largest accepted `POST /v1/matrix` body, bytes (10,000 cells of ids fit in far less).
pub const MAX_MATRIX_BODY_BYTES: usize = 1 << 20;

/// The output format parameter of `/v1/matrix` (an HTTP concern: the CLI has `--csv`).
const FORMAT: &str = "f";

fn matrix_allowed() -> Vec<&'static str> {
    let mut v = MatrixRequest::PARAMETERS.to_vec();
    v.push(FORMAT);
    v
}

fn describe(name: &str) -> String {
    if name == "from" {
        return crate::route::request::FROM_DOC.to_string();
    }
    if name == FORMAT {
        return "`json` (default) or `csv` (one row per cell); `Accept: text/csv` does the same."
            .into();
    }
    [
        (MatrixOptions::NAMES, MatrixOptions::DOCS),
        (ReachOptions::NAMES, ReachOptions::DOCS),
        (ConstraintArgs::NAMES, ConstraintArgs::DOCS),
        (ProfileArgs::NAMES, ProfileArgs::DOCS),
    ]
    .iter()
    .find_map(|(names, docs)| names.iter().position(|n| *n == name).map(|i| docs[i]))
    .unwrap_or_default()
    .trim()
    .to_string()
}

fn schema_of(name: &str) -> Schema {
    let profile = Profile::default();
    if let Some(f) = Profile::FIELDS.iter().find(|f| f.name == name) {
        return schema::number_schema(f.min, f.max, Some((f.get)(&profile)));
    }
    match name {
        "mode" => schema::enum_schema(Some(ModeFilter::default())),
        "optimize" | "measure" => schema::enum_schema(Some(Measure::default())),
        "direction" => schema::enum_schema(Some(Direction::default())),
        "cargo" => schema::enum_schema(Some(Cargo::default())),
        "include_planned" | "include_unverified" => schema::boolean_schema(),
        "depart" | "arrive_by" => calendar_date_time_schema(),
        _ => schema::string_schema(),
    }
}

/// The extension of a timed parameter's schema giving the years the border schedules cover,
/// `[first, last]` (the web map's date inputs read their range from it).
pub const CALENDAR_YEARS: &str = "x-calendar-years";

/// A date-time schema (RFC 3339) with the calendar's covered years: `x-calendar-years` and
/// the description's range come from the embedded holiday calendars, the same years
/// `depart` and `arrive_by` are checked against.
fn calendar_date_time_schema() -> Schema {
    use utoipa::openapi::extensions::ExtensionsBuilder;
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, SchemaType, Type};
    let (first, last) = crate::cost::schedule::HolidayCalendars::embedded().covered_years();
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
        .examples(["2027-07-10T08:00+06:00"])
        .description(Some(format!(
            "RFC 3339 with offset, {first}-01-01 to {last}-12-31 (the years the border schedules cover)"
        )))
        .extensions(Some(
            ExtensionsBuilder::new()
                .add(CALENDAR_YEARS, serde_json::json!([first, last]))
                .build(),
        ))
        .build()
        .into()
}

fn params_of(names: &[&str], required: &[&str], example: &[(&str, &str)]) -> Vec<Parameter> {
    names
        .iter()
        .map(|name| {
            let ex = example.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
            schema::query_param(
                name,
                required.contains(name),
                &describe(name),
                schema_of(name),
                ex,
            )
        })
        .collect()
}

/// Query parameters of `GET /v1/matrix` (OpenAPI only; derived from the request types).
pub struct MatrixParams;
impl IntoParams for MatrixParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        params_of(
            &matrix_allowed(),
            &["sources", "destinations"],
            &[
                ("sources", "kz-almaty,ru-novosibirsk"),
                ("destinations", "mn-ulaanbaatar,cn-beijing"),
            ],
        )
    }
}

/// Query parameters of `GET /v1/reach` (OpenAPI only; derived from the request types).
pub struct ReachParams;
impl IntoParams for ReachParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        params_of(
            ReachRequest::PARAMETERS,
            &["from", "contours"],
            &[("from", "mn-ulaanbaatar"), ("contours", "24,48,72")],
        )
    }
}

/// Whether the client asked for CSV: `f=csv`, or an `Accept` that prefers `text/csv`.
fn wants_csv(req: &HttpRequest, f: Option<&str>) -> bool {
    match f {
        Some(v) => v == "csv",
        None => req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| {
                a.split(',')
                    .map(|x| x.split(';').next().unwrap_or("").trim())
                    .position(|m| m.eq_ignore_ascii_case("text/csv"))
                    .is_some_and(|i| {
                        // CSV unless JSON is listed before it.
                        !a.split(',').take(i).any(|x| x.contains("json"))
                    })
            }),
    }
}

/// Reads `f` (json or csv), recording a bad value.
fn format(p: &mut Fields) -> Option<String> {
    let v = p.str(FORMAT)?;
    if v == "json" || v == "csv" {
        Some(v)
    } else {
        p.error(FORMAT, format!("'{v}' is not one of json, csv"));
        None
    }
}

async fn answer_matrix(
    req: &HttpRequest,
    state: web::Data<AppState>,
    request: MatrixRequest,
    fmt: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let csv = wants_csv(req, fmt.as_deref());
    let snap = state.current();
    // The work cap counts the searches the matrix will run (per source, or per destination
    // for a tall one), known once its places are resolved: the planner refuses beyond it
    // before any search.
    let max_work = state.config.max_work;
    let body = super::compute_heavy(&state, move || {
        let on = snap
            .snapshot
            .scenario(request.constraints.scenario.as_deref())?;
        let plan = plan_matrix_within(on, &request, max_work)?;
        let net = &on.network;
        if csv {
            return Ok(
                matrix_csv(net, &plan.sources, &plan.destinations, &plan.cells).into_bytes(),
            );
        }
        let query = serde_json::to_value(&plan.echo).unwrap_or(Value::Null);
        let v = matrix_json(net, &plan.sources, &plan.destinations, &plan.cells, query);
        super::to_json(&v, "a matrix")
    })
    .await?;
    let mut resp = HttpResponse::Ok();
    if csv {
        resp.content_type("text/csv; charset=utf-8");
    } else {
        resp.content_type("application/json");
    }
    Ok(resp.body(body))
}

/// Distance, time, cost and crossings from every source to every destination: one
/// one-to-many search per source (or, for many more sources than destinations, one backward
/// search per destination); each cell is the route `/v1/route` gives for that pair with the
/// same options (`optimize` picks it; the other measures are that route's). With `depart`,
/// each cell is timed through the crossings' schedules as a timed route is, and with
/// `optimize=time` it is the earliest arrival.
#[utoipa::path(
    get,
    path = "/v1/matrix",
    tag = "routing",
    params(MatrixParams),
    responses(
        (status = 200, description = "The matrix: `sources` and `destinations` as resolved, then one array of rows per measure (`distance_km`, `time_h`, `cost_usd_per_t`, `co2e_kg_per_t`) and `crossings`, `null` where no route exists; with `depart`, also `arrive` (RFC 3339, to the minute) and `wait_h` per cell, and `time_h` includes the waits; with `f=csv` or `Accept: text/csv`, one CSV row per cell",
            content_type = "application/json", body = serde_json::Value),
        (status = 400, description = "Malformed parameters or place lists, each named in `errors`",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 404, description = "Unknown places: every one listed in `errors`, each with `suggestions`",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 413, description = "More than 10,000 cells (sources × destinations), or the searches the matrix would run × network size over the work cap (`serve --max-work`; `field: sources`, or `destinations` for a tall matrix searched per destination)",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 422, description = "A position that cannot be snapped to a node serving the mode, or `depart` (or a crossing a cell's answer depends on) outside the years the border schedules cover",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 503, description = "The searches exceeded the compute bound",
            content_type = "application/problem+json", body = serde_json::Value),
    )
)]
#[tracing::instrument(skip_all, fields(query = %req.query_string()))]
pub async fn get_matrix(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let allowed = matrix_allowed();
    let mut p = Params::parse(req.query_string(), &allowed)?;
    let fmt = format(&mut p);
    let request = MatrixRequest::read(&mut p);
    p.finish()?;
    answer_matrix(&req, state, request, fmt).await
}

/// The same matrix from a JSON body: `sources` and `destinations` as arrays of places
/// (strings, or `[lon, lat]` pairs), the other parameters as in the query (strings,
/// numbers, booleans, or arrays for lists).
#[utoipa::path(
    post,
    path = "/v1/matrix",
    tag = "routing",
    request_body(content = serde_json::Value, content_type = "application/json",
        description = "`{\"sources\": [\"kz-almaty\", [106.9, 47.9]], \"destinations\": [\"cn-beijing\"], \"optimize\": \"cost\"}`"),
    responses(
        (status = 200, description = "As `GET /v1/matrix`", content_type = "application/json", body = serde_json::Value),
        (status = 400, description = "Malformed body or parameters, each named",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 404, description = "Unknown places, every one listed",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 413, description = "More than 10,000 cells, the searches × network size over the work cap (`field: sources` or `destinations`), or a body over 1 MiB",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 422, description = "A position that cannot be snapped, or `depart` outside the calendar",
            content_type = "application/problem+json", body = serde_json::Value),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn post_matrix(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<super::body::Strict<serde_json::Map<String, Value>>>,
) -> Result<HttpResponse, ApiError> {
    let allowed = matrix_allowed();
    let mut f = fields_of_body(&body.0.0, &allowed).map_err(ApiError::from)?;
    let body_fmt = format(&mut f);
    let request = MatrixRequest::read(&mut f);
    // `f` may also be given in the query string (`POST /v1/matrix?f=csv`), its only
    // parameter there; once, not in both places.
    let mut q = Params::parse(req.query_string(), &[FORMAT])?;
    let query_fmt = format(&mut q);
    q.finish()?;
    if body_fmt.is_some() && query_fmt.is_some() {
        f.error(
            FORMAT,
            "given both in the query string and in the body; give it once",
        );
    }
    f.finish().map_err(ApiError::from)?;
    answer_matrix(&req, state, request, body_fmt.or(query_fmt)).await
}

/// Puts a JSON body's members into [`Fields`] as raw strings (lists joined with commas, a
/// `[lon, lat]` place as `lon,lat`), refusing unknown members, so the body goes through the
/// same reader as the query string.
fn fields_of_body(
    body: &serde_json::Map<String, Value>,
    allowed: &[&str],
) -> Result<Fields, Vec<FieldError>> {
    let mut f = Fields::new();
    let mut errors = Vec::new();
    let scalar = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Array(xy) if xy.len() == 2 && xy.iter().all(Value::is_number) => {
                Some(format!("{},{}", xy[0], xy[1]))
            }
            _ => None,
        }
    };
    for (k, v) in body {
        if !allowed.contains(&k.as_str()) {
            errors.push(FieldError::new(k.clone(), "unknown member"));
            continue;
        }
        let raw = match v {
            Value::Array(items) if !(items.len() == 2 && items.iter().all(Value::is_number)) => {
                let parts: Option<Vec<String>> = items.iter().map(scalar).collect();
                parts.map(|p| p.join(","))
            }
            other => scalar(other),
        };
        match raw {
            Some(s) => f.insert(k.clone(), s),
            None => errors.push(FieldError::new(
                k.clone(),
                "must be a string, number, boolean, [lon, lat] or an array of those",
            )),
        }
    }
    if errors.is_empty() {
        Ok(f)
    } else {
        Err(errors)
    }
}

/// Where one gets from a place (or who gets to it) within up to five budgets of one
/// measure: reached nodes with their values, reached links cut exactly where a budget runs
/// out, and one concave-hull polygon per budget.
#[utoipa::path(
    get,
    path = "/v1/reach",
    tag = "routing",
    params(ReachParams),
    responses(
        (status = 200, description = "RFC 7946 FeatureCollection: `contour` Polygons (largest budget first), `reach_link` LineStrings, `reach_node` Points, and a `query` member; with `depart` (direction=from), values are hours after departure, with `arrive_by` (direction=to) latest departures in hours before the deadline, waits at closed crossings included in both",
            content_type = "application/geo+json", body = serde_json::Value),
        (status = 400, description = "Malformed parameters (contours not increasing, not positive, more than 5; `depart` without direction=from and measure=time, `arrive_by` without direction=to and measure=time), each named",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 404, description = "Unknown place, with `suggestions`",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 422, description = "The place cannot be snapped, or cannot start a route under the constraints, or `depart` / `arrive_by` (or a crossing reached within the budgets) lies outside the years the border schedules cover (the field named)",
            content_type = "application/problem+json", body = serde_json::Value),
        (status = 503, description = "The search exceeded the compute bound",
            content_type = "application/problem+json", body = serde_json::Value),
    )
)]
#[tracing::instrument(skip_all, fields(query = %req.query_string()))]
pub async fn get_reach(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut p = Params::parse(req.query_string(), ReachRequest::PARAMETERS)?;
    let request = ReachRequest::read(&mut p);
    p.finish()?;
    let request = request.ok_or_else(|| {
        ApiError::Internal("reach parameters passed validation without from/contours".into())
    })?;
    let snap = state.current();
    let body = super::compute_heavy(&state, move || {
        let on = snap
            .snapshot
            .scenario(request.constraints.scenario.as_deref())?;
        let plan = plan_reach(on, &request)?;
        let query = serde_json::to_value(&plan.echo).unwrap_or(Value::Null);
        let mut fc = reach_collection(&on.network, &plan.reach, query);
        if let Some(fm) = fc.foreign_members.as_mut() {
            fm.insert(
                "origin".into(),
                serde_json::json!({
                    "id": on.network.nodes()[plan.origin.node_ix].id.0,
                    "snap_km": plan.origin.snap_km,
                }),
            );
        }
        super::to_json(&fc, "a reach")
    })
    .await?;
    Ok(geojson_response(body))
}

/// Registers this module's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/v1/matrix")
            .app_data(super::body::json_config(MAX_MATRIX_BODY_BYTES))
            .route(web::get().to(get_matrix))
            .route(web::post().to(post_matrix))
            .default_service(web::to(super::methods::fallback)),
    )
    .route("/v1/reach", web::get().to(get_reach));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::matrix::MAX_CELLS;
    use crate::route::reach::MAX_CONTOURS;

    #[test]
    fn limits_are_the_domain_ones() {
        assert_eq!(MAX_CELLS, 10_000);
        assert_eq!(MAX_CONTOURS, 5);
    }

    #[test]
    fn bodies_become_the_same_raw_fields() {
        let body: serde_json::Map<String, Value> = serde_json::from_str(
            r#"{"sources": ["kz-almaty", [106.9, 47.9]], "destinations": "cn-beijing", "include_planned": true, "avoid_countries": ["KZ", "CN"]}"#,
        )
        .unwrap();
        let mut f = fields_of_body(&body, &matrix_allowed()).unwrap();
        assert_eq!(f.str("sources").as_deref(), Some("kz-almaty,106.9,47.9"));
        assert_eq!(f.str("destinations").as_deref(), Some("cn-beijing"));
        assert_eq!(f.str("include_planned").as_deref(), Some("true"));
        assert_eq!(f.str("avoid_countries").as_deref(), Some("KZ,CN"));
        let bad: serde_json::Map<String, Value> =
            serde_json::from_str(r#"{"sources": [{"x": 1}], "optimise": "cost"}"#).unwrap();
        let errs = fields_of_body(&bad, &matrix_allowed()).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["optimise", "sources"]);
    }
}
