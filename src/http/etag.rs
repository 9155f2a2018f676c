//! ETags and `If-None-Match`, in one place: every handler with an ETag asks
//! [`if_none_match`] (or [`cached_response`], which does both halves) before answering.

use actix_web::HttpRequest;
use actix_web::HttpResponse;
use actix_web::body::MessageBody;
use actix_web::http::header;

/// FNV-1a, 64 bit: a cheap content hash for ETags (not for security).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Strong ETag of some bytes.
pub fn content_etag(bytes: &[u8]) -> String {
    format!("\"{:016x}\"", fnv1a(bytes))
}

/// An ETag derived from a snapshot's ETag and the parts that select a response (path,
/// query, media type), so it changes when either the data or the question does.
pub fn derived_etag(snapshot_etag: &str, parts: &[&str]) -> String {
    let mut bytes = Vec::new();
    for p in parts {
        bytes.extend_from_slice(p.as_bytes());
        bytes.push(0);
    }
    format!(
        "\"{}-{:016x}\"",
        snapshot_etag.trim_matches('"'),
        fnv1a(&bytes)
    )
}

/// Whether the request's `If-None-Match` lists `etag` (or `*`).
pub fn etag_matches(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

/// `304 Not Modified` when the client already has `etag`; `None` when it must be answered.
/// Call it before computing an expensive body.
pub fn if_none_match(req: &HttpRequest, etag: &str) -> Option<HttpResponse> {
    etag_matches(req, etag).then(|| not_modified(etag))
}

/// `304 Not Modified` with the ETag.
pub fn not_modified(etag: &str) -> HttpResponse {
    HttpResponse::NotModified()
        .insert_header((header::ETAG, etag.to_string()))
        .finish()
}

/// `200` with the body and its ETag, or `304` when `If-None-Match` matches.
pub fn cached_response(
    req: &HttpRequest,
    etag: &str,
    content_type: &str,
    body: impl MessageBody + 'static,
) -> HttpResponse {
    if let Some(r) = if_none_match(req, etag) {
        return r;
    }
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::ETAG, etag.to_string()))
        .body(body)
}
