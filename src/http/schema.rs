//! Response shapes for the OpenAPI document (documentation only: handlers build their bodies
//! with [`crate::output`]) and builders for query parameters whose schema comes from the Rust
//! types (enums, ranges). A leaf module: handlers and [`super::openapi`] both use it.

use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};

use crate::fields::StrEnum;

/// RFC 9457 problem document: every error response.
#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)]
pub struct Problem {
    /// Stable URI of the problem kind, e.g. `https://corridor.invalid/problems/invalid-parameter`
    /// (also `not-found`, `unsatisfiable`, `unauthorized`, `too-large`, `unavailable`,
    /// `internal`).
    #[serde(rename = "type")]
    kind: String,
    /// Short title of the kind.
    title: String,
    /// HTTP status.
    status: u16,
    /// What went wrong, for a person.
    detail: String,
    /// The parameter at fault, when there is one.
    field: Option<String>,
    /// Every malformed parameter (400 only).
    errors: Option<Vec<FieldError>>,
    /// Close names (404 only).
    suggestions: Option<Vec<String>>,
}

/// One malformed parameter.
#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)]
pub struct FieldError {
    /// The parameter.
    field: String,
    /// What is wrong with it.
    detail: String,
}

/// A GeoJSON FeatureCollection (RFC 7946). OGC item pages add `numberMatched`,
/// `numberReturned`, `timeStamp` and `links`.
#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)]
pub struct FeatureCollection {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    #[schema(example = "FeatureCollection")]
    kind: String,
    /// The features.
    features: Vec<Feature>,
}

/// A GeoJSON Feature (RFC 7946).
#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)]
pub struct Feature {
    /// Always `Feature`.
    #[serde(rename = "type")]
    #[schema(example = "Feature")]
    kind: String,
    /// The stable id of the node or link, e.g. `ru-naushki`.
    id: Option<String>,
    /// Point (nodes) or LineString (links, routes).
    geometry: Geometry,
    /// The feature's attributes (see each endpoint).
    #[schema(value_type = Object)]
    properties: serde_json::Value,
}

/// A GeoJSON geometry, coordinates in CRS84 (lon, lat) degrees, 6 decimals.
#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)]
pub struct Geometry {
    /// `Point` or `LineString`.
    #[serde(rename = "type")]
    kind: String,
    /// `[lon, lat]` for a Point, `[[lon, lat], …]` for a LineString.
    #[schema(value_type = Vec<Object>)]
    coordinates: serde_json::Value,
}

/// `/health`.
#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)]
pub struct Health {
    /// `ok`.
    status: String,
    /// Number of nodes served.
    nodes: usize,
    /// Number of links served.
    links: usize,
    /// ETag of the served data.
    etag: String,
    /// Where the data comes from: `kind` (`embedded`, `directory`, `postgresql`), `state`
    /// (`loaded` for files; `connected` or `disconnected` for a database) and `since` (RFC
    /// 3339, when the state began).
    #[schema(value_type = Object)]
    source: serde_json::Value,
    /// The last load or reload: `ok`, `at` (RFC 3339) and `problems` (why it was refused,
    /// the first 50; `problems_total` counts them all). The network served is the last good one.
    #[schema(value_type = Object)]
    last_reload: serde_json::Value,
}

/// A query parameter, with an optional example value.
pub fn query_param(
    name: &str,
    required: bool,
    description: &str,
    schema: Schema,
    example: Option<&str>,
) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(if required {
            Required::True
        } else {
            Required::False
        })
        .description(Some(description.trim()))
        .schema(Some(schema))
        .example(example.map(Into::into))
        .build()
}

/// A string in RFC 3339 `date-time` format.
pub fn date_time_schema() -> Schema {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .format(Some(utoipa::openapi::schema::SchemaFormat::KnownFormat(
            utoipa::openapi::schema::KnownFormat::DateTime,
        )))
        .examples(["2027-07-10T08:00+06:00"])
        .build()
        .into()
}

/// A string parameter.
pub fn string_schema() -> Schema {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .build()
        .into()
}

/// A boolean parameter.
pub fn boolean_schema() -> Schema {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Boolean))
        .build()
        .into()
}

/// A string parameter with the spellings of `T` as its `enum` and `default` as its default.
pub fn enum_schema<T: StrEnum>(default: Option<T>) -> Schema {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .enum_values(Some(T::VALUES.iter().copied()))
        .default(default.map(|d| d.spelling().into()))
        .build()
        .into()
}

/// A number in `[min, max]`.
pub fn number_schema(min: f64, max: f64, default: Option<f64>) -> Schema {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Number))
        .minimum(Some(min))
        .maximum(Some(max))
        .default(default.map(Into::into))
        .build()
        .into()
}

/// A whole number in `[min, max]`.
pub fn integer_schema(min: u64, max: u64, default: Option<u64>) -> Schema {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Integer))
        .minimum(Some(min))
        .maximum(Some(max))
        .default(default.map(Into::into))
        .build()
        .into()
}

/// A transport mode parameter (`rail`, `road`), documented with the spellings of
/// [`crate::network::Mode`]: use as `#[param(value_type = Option<ModeParam>, inline)]`.
pub struct ModeParam;

impl utoipa::PartialSchema for ModeParam {
    fn schema() -> utoipa::openapi::RefOr<Schema> {
        enum_schema::<crate::network::Mode>(None).into()
    }
}

impl ToSchema for ModeParam {}
