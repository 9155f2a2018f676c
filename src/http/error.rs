//! The one place where errors become HTTP: [`ApiError`] renders RFC 9457 problem+json with a
//! stable `type`, the `status`, a `detail` and, for client mistakes, the field at fault.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::json;

/// One wrong parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    /// The parameter or body field, e.g. `optimize` or `demands[3].tonnes_per_year`.
    pub field: String,
    /// What is wrong with it.
    pub detail: String,
}

/// Every error a client can see.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: one or more malformed parameters, each named.
    #[error("invalid parameter(s): {}", .0.iter().map(|e| format!("{}: {}", e.field, e.detail)).collect::<Vec<_>>().join("; "))]
    BadRequest(Vec<FieldError>),
    /// 404: a place or feature that does not exist, with close names.
    #[error("{detail}")]
    NotFound {
        /// The parameter naming it.
        field: String,
        /// What was not found.
        detail: String,
        /// Up to five close names.
        suggestions: Vec<String>,
    },
    /// 404: several places that do not exist, every one listed with its close names.
    #[error("{}", .0.iter().map(|u| format!("{}: {}", u.field, u.detail)).collect::<Vec<_>>().join("; "))]
    NotFoundMany(Vec<NotFoundItem>),
    /// 422: well-formed, but nothing satisfies it (e.g. no route under the constraints).
    #[error("{detail}")]
    Unprocessable {
        /// What could not be satisfied.
        detail: String,
        /// The parameter whose constraint cut it off, when that can be told.
        field: Option<String>,
    },
    /// 422: replacement network data is invalid; every problem is listed and the served
    /// network is kept.
    #[error("the new network data has {} problem(s); the served network is unchanged", .0.len())]
    InvalidData(Vec<crate::network::Problem>),
    /// 401: missing or wrong bearer token.
    #[error("unauthorized")]
    Unauthorized,
    /// 413: the request body or query is too large.
    #[error("{0}")]
    TooLarge(String),
    /// 503: the request exceeded its compute bound or the service is saturated.
    #[error("{0}")]
    Unavailable(String),
    /// 500: our fault; logged, never detailed to the client.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A 400 for one field.
    pub fn bad(field: impl Into<String>, detail: impl Into<String>) -> Self {
        ApiError::BadRequest(vec![FieldError {
            field: field.into(),
            detail: detail.into(),
        }])
    }

    fn kind(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::BadRequest(_) => ("invalid-parameter", "Invalid parameter"),
            ApiError::NotFound { .. } | ApiError::NotFoundMany(_) => ("not-found", "Not found"),
            ApiError::Unprocessable { .. } => ("unsatisfiable", "No answer satisfies the request"),
            ApiError::InvalidData(_) => ("invalid-data", "Invalid network data"),
            ApiError::Unauthorized => ("unauthorized", "Unauthorized"),
            ApiError::TooLarge(_) => ("too-large", "Request too large"),
            ApiError::Unavailable(_) => ("unavailable", "Service unavailable"),
            ApiError::Internal(_) => ("internal", "Internal server error"),
        }
    }

    /// The problem document (RFC 9457).
    pub fn problem(&self) -> serde_json::Value {
        let (slug, title) = self.kind();
        let status = self.status_code().as_u16();
        let mut doc = json!({
            "type": format!("https://corridor.invalid/problems/{slug}"),
            "title": title,
            "status": status,
        });
        let detail = match self {
            ApiError::Internal(_) => "an internal error occurred; it has been logged".to_string(),
            other => other.to_string(),
        };
        doc["detail"] = detail.into();
        match self {
            ApiError::BadRequest(errs) => {
                if let Some(first) = errs.first() {
                    doc["field"] = first.field.clone().into();
                }
                doc["errors"] = json!(errs);
            }
            ApiError::NotFound {
                field, suggestions, ..
            } => {
                doc["field"] = field.clone().into();
                doc["suggestions"] = json!(suggestions);
            }
            ApiError::NotFoundMany(items) => {
                if let Some(first) = items.first() {
                    doc["field"] = first.field.clone().into();
                    doc["suggestions"] = json!(first.suggestions);
                }
                doc["errors"] = json!(items);
            }
            ApiError::Unprocessable { field: Some(f), .. } => doc["field"] = f.clone().into(),
            ApiError::InvalidData(problems) => doc["problems"] = json!(problems),
            _ => {}
        }
        doc
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound { .. } | ApiError::NotFoundMany(_) => StatusCode::NOT_FOUND,
            ApiError::Unprocessable { .. } | ApiError::InvalidData(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(msg) = self {
            tracing::error!(error = %msg, "internal error");
        }
        let mut b = HttpResponse::build(self.status_code());
        b.content_type("application/problem+json");
        if matches!(self, ApiError::Unauthorized) {
            b.insert_header(("WWW-Authenticate", "Bearer"));
        }
        b.body(self.problem().to_string())
    }
}

impl From<crate::fields::FieldError> for FieldError {
    fn from(e: crate::fields::FieldError) -> Self {
        FieldError {
            field: e.field,
            detail: e.message,
        }
    }
}

impl From<Vec<crate::fields::FieldError>> for ApiError {
    fn from(errors: Vec<crate::fields::FieldError>) -> Self {
        ApiError::BadRequest(errors.into_iter().map(FieldError::from).collect())
    }
}

/// One unknown place of a [`ApiError::NotFoundMany`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotFoundItem {
    /// The parameter and position, e.g. `destinations[2]`.
    pub field: String,
    /// What was not found.
    pub detail: String,
    /// Up to five close names.
    pub suggestions: Vec<String>,
}

impl From<crate::route::matrix::ManyError> for ApiError {
    fn from(e: crate::route::matrix::ManyError) -> Self {
        use crate::route::matrix::ManyError as E;
        match e {
            E::Invalid(problems) => ApiError::from(problems),
            E::UnknownPlaces(list) => ApiError::NotFoundMany(
                list.into_iter()
                    .map(|u| NotFoundItem {
                        detail: format!("no place matches '{}'", u.query),
                        field: u.field,
                        suggestions: u.suggestions,
                    })
                    .collect(),
            ),
            e @ E::TooLarge { .. } => ApiError::TooLarge(e.to_string()),
            E::Unusable { detail, field } => ApiError::Unprocessable { detail, field },
        }
    }
}

impl From<crate::route::RouteError> for ApiError {
    fn from(e: crate::route::RouteError) -> Self {
        use crate::route::RouteError;
        match e {
            RouteError::Invalid(problems) => ApiError::from(problems),
            RouteError::UnknownPlace {
                field,
                query,
                suggestions,
            } => ApiError::NotFound {
                detail: format!("{field}: no place matches '{query}'"),
                field,
                suggestions,
            },
            RouteError::NoRoute { detail, field } => ApiError::Unprocessable {
                detail,
                field: field.map(str::to_string),
            },
            e @ RouteError::OutsideCalendar { field, .. } => ApiError::Unprocessable {
                detail: e.to_string(),
                field: Some(field.to_string()),
            },
        }
    }
}

impl From<crate::capacity::CapacityError> for ApiError {
    fn from(e: crate::capacity::CapacityError) -> Self {
        use crate::capacity::CapacityError as E;
        match e {
            E::Invalid(issues) => ApiError::BadRequest(
                issues
                    .into_iter()
                    .map(|i| FieldError {
                        field: i.field,
                        detail: i.detail,
                    })
                    .collect(),
            ),
            E::UnknownPlace {
                field,
                detail,
                suggestions,
            } => ApiError::NotFound {
                field,
                detail,
                suggestions,
            },
            E::NoPlaces { field, detail } => ApiError::Unprocessable {
                detail: format!("{field}: {detail}"),
                field: Some(field),
            },
            E::SameSourceSink { field, detail } => {
                ApiError::BadRequest(vec![FieldError { field, detail }])
            }
            e @ E::TooManyDemands { .. } => ApiError::TooLarge(e.to_string()),
        }
    }
}

impl From<crate::network::scenario::ScenarioError> for ApiError {
    fn from(e: crate::network::scenario::ScenarioError) -> Self {
        use crate::network::scenario::ScenarioError as E;
        match e {
            E::Unknown(u) => u.into(),
            // Every problem of an inline scenario, named by its path in the request
            // (`scenario.changes[2].set.dwell_h`).
            E::Invalid(problems) => ApiError::BadRequest(
                problems
                    .into_iter()
                    .map(|p| FieldError {
                        field: if p.field.starts_with('(') {
                            p.file.clone()
                        } else {
                            format!("{}.{}", p.file, p.field)
                        },
                        detail: match &p.id {
                            Some(id) => format!("{id}: {}", p.message),
                            None => p.message,
                        },
                    })
                    .collect(),
            ),
        }
    }
}

impl From<crate::output::tiles::TileError> for ApiError {
    fn from(e: crate::output::tiles::TileError) -> Self {
        match e.field() {
            Some(field) => ApiError::bad(field, e.to_string()),
            None => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<crate::network::scenario::UnknownScenario> for ApiError {
    fn from(e: crate::network::scenario::UnknownScenario) -> Self {
        ApiError::NotFound {
            field: "scenario".into(),
            detail: format!(
                "scenario: no scenario '{}' (GET /v1/scenarios lists them)",
                e.name
            ),
            suggestions: e.suggestions,
        }
    }
}
