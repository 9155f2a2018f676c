//! Methods and the errors actix makes itself, answered like every other error:
//! - `HEAD` is answered on every `GET` resource (the request is served as `GET`; actix-http
//!   sends the headers only, as it knows the request was `HEAD`);
//! - a known path with a method it does not take is a 405 problem with `Allow`, on every
//!   path (GET-only paths too, which actix would answer 404); `OPTIONS` without CORS headers
//!   is a 204 with `Allow`;
//! - any other 4xx/5xx that is not already problem+json (extractor errors, CORS refusals,
//!   actix's defaults) is rewritten into one by [`problem_layer`].
//!
//! The method table is the OpenAPI document's paths plus the few pages it does not describe
//! ([`UNDOCUMENTED`]), so it cannot drift from the documentation.

use std::sync::OnceLock;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError};

use super::ApiError;
use crate::fields::truncate;

/// Routes served but not in the OpenAPI document (pages and the document itself), with their
/// methods.
pub const UNDOCUMENTED: &[(&str, &[&str])] = &[
    ("/", &["GET"]),
    ("/docs", &["GET"]),
    ("/openapi.json", &["GET"]),
    ("/favicon.ico", &["GET"]),
    ("/assets/{path:.*}", &["GET"]),
    ("/ogc/", &["GET"]),
    ("/admin/reload", &["POST"]),
];

/// Marks a request that arrived as `HEAD` and is being served as `GET`.
#[derive(Debug, Clone, Copy)]
pub struct WasHead;

struct Entry {
    def: ResourceDef,
    /// As sent in `Allow`: the methods, `HEAD` with `GET`, and `OPTIONS`.
    allow: String,
    get: bool,
}

fn table() -> &'static [Entry] {
    static TABLE: OnceLock<Vec<Entry>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let doc = super::openapi::document();
        let mut rows: Vec<(String, Vec<String>)> = Vec::new();
        if let Some(paths) = doc["paths"].as_object() {
            for (path, item) in paths {
                let methods = item
                    .as_object()
                    .map(|m| {
                        m.keys()
                            .filter(|k| {
                                matches!(k.as_str(), "get" | "post" | "put" | "delete" | "patch")
                            })
                            .map(|k| k.to_ascii_uppercase())
                            .collect()
                    })
                    .unwrap_or_default();
                rows.push((path.clone(), methods));
            }
        }
        for (path, methods) in UNDOCUMENTED {
            rows.push((
                (*path).to_string(),
                methods.iter().map(|m| (*m).to_string()).collect(),
            ));
        }
        // Literal paths before templated ones, as actix matches `/v1/scenarios/preview`
        // before `/v1/scenarios/{name}` (registration order).
        rows.sort_by_key(|(p, _)| p.contains('{'));
        rows.into_iter()
            .map(|(path, mut methods)| {
                let get = methods.iter().any(|m| m == "GET");
                if get {
                    methods.push("HEAD".into());
                }
                methods.push("OPTIONS".into());
                Entry {
                    def: ResourceDef::new(path),
                    allow: methods.join(", "),
                    get,
                }
            })
            .collect()
    })
}

fn entry(path: &str) -> Option<&'static Entry> {
    table().iter().find(|e| e.def.is_match(path))
}

/// The `Allow` value of a served path, `None` for an unknown path.
pub fn allowed(path: &str) -> Option<&'static str> {
    entry(path).map(|e| e.allow.as_str())
}

/// Serves `HEAD` as `GET` on GET resources (the reply carries no body: actix-http knows the
/// request was `HEAD`).
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD && entry(req.path()).is_some_and(|e| e.get) {
        req.head_mut().method = Method::GET;
        req.extensions_mut().insert(WasHead);
    }
    next.call(req).await
}

/// The default service, of the app and of every multi-method resource: 405 with `Allow` for
/// a known path, 204 with `Allow` for a plain `OPTIONS`, else 404, all problem+json.
pub async fn fallback(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let method = if req.extensions().get::<WasHead>().is_some() {
        Method::HEAD
    } else {
        req.method().clone()
    };
    match allowed(req.path()) {
        Some(allow) if method == Method::OPTIONS => Ok(HttpResponse::NoContent()
            .insert_header((header::ALLOW, allow))
            .finish()),
        Some(allow) => {
            let err = ApiError::MethodNotAllowed {
                method: truncate(method.as_str(), 20),
                allow: allow.to_string(),
            };
            Err(err)
        }
        None => Err(ApiError::NotFound {
            field: "path".into(),
            detail: format!("no such endpoint: {}", truncate(req.path(), 200)),
            suggestions: Vec::new(),
        }),
    }
}

fn is_problem(res: &HttpResponse<impl MessageBody>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"))
}

/// A generic problem for a status actix (or a middleware) answered on its own. The text is
/// ours, not the error's `Display`, which can carry internals.
fn generic(status: StatusCode) -> ApiError {
    let detail = match status.as_u16() {
        400 => "the request could not be read (malformed URL, query, header or body)",
        403 => {
            "the request was refused by the cross-origin policy (CORS): this origin, \
                method or header is not allowed"
        }
        404 => "no such resource",
        405 => "the method is not allowed on this path",
        406 => "no acceptable representation",
        413 => "the request is too large",
        414 => "the request URI is too long",
        415 => "unsupported media type; send application/json",
        431 => "the request headers are too large",
        s if s >= 500 => "the service could not answer",
        _ => "the request was refused",
    };
    ApiError::Status {
        status,
        detail: detail.to_string(),
    }
}

/// Outermost middleware: any 4xx/5xx that is not already problem+json (extractor errors,
/// CORS refusals, actix defaults) becomes one, with the status kept. Headers such as `Allow`
/// and the CORS ones are kept.
pub async fn problem_layer(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<BoxBody>>, actix_web::Error> {
    // No clone of the request is held across `next.call`: the router needs it unshared.
    let res = match next.call(req).await {
        Ok(res) => res,
        Err(e) => {
            // A middleware (CORS) refused before any handler ran: answered as our error, so
            // actix renders it through `ApiError::error_response` (problem+json).
            let status = e.as_response_error().status_code();
            return Err(generic(status).into());
        }
    };
    let status = res.status();
    if (status.is_client_error() || status.is_server_error()) && !is_problem(res.response()) {
        let kept: Vec<_> = res
            .headers()
            .iter()
            .filter(|(k, _)| {
                *k == header::ALLOW
                    || k.as_str().starts_with("access-control-")
                    || *k == header::VARY
                    || *k == header::RETRY_AFTER
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let (req, _) = res.into_parts();
        let mut resp = generic(status).error_response();
        for (k, v) in kept {
            resp.headers_mut().insert(k, v);
        }
        return Ok(ServiceResponse::new(req, resp).map_into_right_body());
    }
    Ok(res.map_body(|_, b| EitherBody::left(b.boxed())))
}
