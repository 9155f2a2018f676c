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
    /// 413: the request body, the query or the work it asks for is too large; names the
    /// field at fault and the limit.
    #[error("{field}: {detail}")]
    TooLarge {
        /// What is too large: `body`, `query`, `sources`, `demands`...
        field: String,
        /// By how much, in a sentence.
        detail: String,
        /// The limit, in the unit of `detail`.
        limit: u64,
    },
    /// 429: too many failed attempts (admin); retry later.
    #[error("{0}")]
    TooManyRequests(String),
    /// 503: the request exceeded its compute bound or the service is saturated.
    #[error("{0}")]
    Unavailable(String),
    /// 405: a known path asked with a method it does not take; `Allow` lists those it does.
    #[error("{method} is not allowed on this path; allowed: {allow}")]
    MethodNotAllowed {
        /// The method asked.
        method: String,
        /// The `Allow` header value.
        allow: String,
    },
    /// Any other status actix or a middleware answered on its own (CORS refusal, header or
    /// URI limits), with our own sentence.
    #[error("{detail}")]
    Status {
        /// The status kept.
        status: StatusCode,
        /// What went wrong, in our words.
        detail: String,
    },
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
            ApiError::TooLarge { .. } => ("too-large", "Request too large"),
            ApiError::Unavailable(_) => ("unavailable", "Service unavailable"),
            ApiError::TooManyRequests(_) => ("too-many-requests", "Too many requests"),
            ApiError::MethodNotAllowed { .. } => ("method-not-allowed", "Method not allowed"),
            ApiError::Status { status, .. } => match status.as_u16() {
                403 => ("forbidden", "Forbidden"),
                404 => ("not-found", "Not found"),
                413 => ("too-large", "Request too large"),
                414 => ("uri-too-long", "URI too long"),
                415 => ("unsupported-media-type", "Unsupported media type"),
                431 => ("headers-too-large", "Request header fields too large"),
                s if s >= 500 => ("internal", "Internal server error"),
                _ => ("bad-request", "Bad request"),
            },
            ApiError::Internal(_) => ("internal", "Internal server error"),
        }
    }

    /// The problem document (RFC 9457). Lists are capped at [`MAX_LISTED`] entries (the
    /// rest counted in `omitted`), echoed texts at [`MAX_TEXT_CHARS`] characters and `detail`
    /// names at most [`DETAIL_ITEMS`] problems, so no error answer exceeds
    /// [`MAX_PROBLEM_BYTES`] whatever the request.
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
            ApiError::BadRequest(errs) => summary(
                "invalid parameter(s)",
                errs.iter().map(|e| (e.field.as_str(), e.detail.as_str())),
                errs.len(),
            ),
            ApiError::NotFoundMany(items) => summary(
                "not found",
                items.iter().map(|e| (e.field.as_str(), e.detail.as_str())),
                items.len(),
            ),
            other => other.to_string(),
        };
        doc["detail"] = cap_text(&detail).into();
        match self {
            ApiError::BadRequest(errs) => {
                if let Some(first) = errs.first() {
                    doc["field"] = cap_text(&first.field).into();
                }
                let listed: Vec<FieldError> = errs
                    .iter()
                    .take(MAX_LISTED)
                    .map(|e| FieldError {
                        field: cap_text(&e.field),
                        detail: cap_text(&e.detail),
                    })
                    .collect();
                doc["errors"] = json!(listed);
                omitted(&mut doc, errs.len());
            }
            ApiError::NotFound {
                field, suggestions, ..
            } => {
                doc["field"] = cap_text(field).into();
                doc["suggestions"] = json!(capped_suggestions(suggestions));
            }
            ApiError::NotFoundMany(items) => {
                if let Some(first) = items.first() {
                    doc["field"] = cap_text(&first.field).into();
                    doc["suggestions"] = json!(capped_suggestions(&first.suggestions));
                }
                let listed: Vec<NotFoundItem> = items
                    .iter()
                    .take(MAX_LISTED)
                    .map(|u| NotFoundItem {
                        field: cap_text(&u.field),
                        detail: cap_text(&u.detail),
                        suggestions: capped_suggestions(&u.suggestions),
                    })
                    .collect();
                doc["errors"] = json!(listed);
                omitted(&mut doc, items.len());
            }
            ApiError::Unprocessable { field: Some(f), .. } => doc["field"] = cap_text(f).into(),
            ApiError::TooLarge { field, limit, .. } => {
                doc["field"] = field.clone().into();
                doc["limit"] = (*limit).into();
            }
            ApiError::InvalidData(problems) => {
                // Admin-only (a reload); every problem is listed, as the operator must fix
                // them all.
                doc["problems"] = json!(problems);
            }
            _ => {}
        }
        doc
    }
}

/// `Retry-After` of a 503, seconds.
pub const RETRY_AFTER_SECONDS: u32 = 1;

/// Most entries of `errors` in one problem document; the rest are counted in `omitted`.
pub const MAX_LISTED: usize = 20;
/// Problems named in `detail` (the full list is in `errors`).
pub const DETAIL_ITEMS: usize = 3;
/// Longest echoed text (a field name, a detail, a suggestion), in characters.
pub const MAX_TEXT_CHARS: usize = 400;
/// Largest problem document a client request can cause, in bytes (admin reload problem lists
/// excepted). Held by a test against the caps above.
pub const MAX_PROBLEM_BYTES: usize = 64 * 1024;

fn cap_text(s: &str) -> String {
    if s.chars().count() > MAX_TEXT_CHARS {
        format!("{}…", crate::fields::truncate(s, MAX_TEXT_CHARS))
    } else {
        s.to_string()
    }
}

fn capped_suggestions(s: &[String]) -> Vec<String> {
    s.iter()
        .take(crate::fields::MAX_SUGGESTIONS)
        .map(|x| cap_text(x))
        .collect()
}

fn omitted(doc: &mut serde_json::Value, total: usize) {
    if total > MAX_LISTED {
        doc["omitted"] = (total - MAX_LISTED).into();
    }
}

/// `what: a: x; b: y; c: z (and 7 more)`, naming at most [`DETAIL_ITEMS`] problems.
fn summary<'a>(
    what: &str,
    items: impl Iterator<Item = (&'a str, &'a str)>,
    total: usize,
) -> String {
    let named: Vec<String> = items
        .take(DETAIL_ITEMS)
        .map(|(f, d)| {
            format!(
                "{}: {}",
                crate::fields::truncate(f, 100),
                crate::fields::truncate(d, 300)
            )
        })
        .collect();
    let mut s = if what == "not found" {
        named.join("; ")
    } else {
        format!("{what}: {}", named.join("; "))
    };
    if total > DETAIL_ITEMS {
        s.push_str(&format!(
            " (and {} more; see `errors`)",
            total - DETAIL_ITEMS
        ));
    }
    s
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
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Status { status, .. } => *status,
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
        if let ApiError::MethodNotAllowed { allow, .. } = self {
            b.insert_header(("Allow", allow.as_str()));
        }
        if matches!(self, ApiError::Unavailable(_)) {
            b.insert_header(("Retry-After", RETRY_AFTER_SECONDS.to_string()));
        }
        if matches!(self, ApiError::TooManyRequests(_)) {
            b.insert_header((
                "Retry-After",
                super::admin::FAILURE_WINDOW.as_secs().to_string(),
            ));
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
                        detail: u.detail,
                        field: u.field,
                        suggestions: u.suggestions,
                    })
                    .collect(),
            ),
            e @ E::TooLarge { .. } => ApiError::TooLarge {
                field: "sources".into(),
                detail: e.to_string(),
                limit: crate::route::matrix::MAX_CELLS as u64,
            },
            E::TooMuchWork(w) => w.into(),
            E::Unusable { detail, field } => ApiError::Unprocessable { detail, field },
            // As a route's `depart` outside the calendar (reach's `arrive_by` likewise).
            e @ E::OutsideCalendar { field, .. } => ApiError::Unprocessable {
                detail: e.to_string(),
                field: Some(field.into()),
            },
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
            // Unknown and ambiguous places, every one listed (404).
            RouteError::Places(list) => ApiError::NotFoundMany(
                list.into_iter()
                    .map(|u| NotFoundItem {
                        detail: u.detail,
                        field: u.field,
                        suggestions: u.suggestions,
                    })
                    .collect(),
            ),
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
            e @ E::TooManyDemands { max, .. } => ApiError::TooLarge {
                field: "demands".into(),
                detail: e.to_string(),
                limit: max as u64,
            },
        }
    }
}

impl From<crate::cancel::TooMuchWork> for ApiError {
    fn from(e: crate::cancel::TooMuchWork) -> Self {
        ApiError::TooLarge {
            field: e.field.into(),
            detail: e.to_string(),
            limit: e.limit,
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
