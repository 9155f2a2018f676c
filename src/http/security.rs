//! Security headers and origins:
//! - every response carries `X-Content-Type-Options: nosniff`; HTML pages also carry a
//!   `Content-Security-Policy` allowing only this origin's scripts and styles (the `/docs`
//!   page's one inline script by its SHA-256 hash), no framing, no plugins;
//! - with no CORS origin configured, a `POST` from another origin is refused (403) before any
//!   work: browsers send form-encoded or text `POST`s cross-origin without a preflight, and
//!   any page a user visits must not drive heavy requests against a local Corridor;
//! - [`base_url`]: the public base URL for links, from `--public-url`, else the request's own
//!   `Host`; `Forwarded` / `X-Forwarded-*` are believed only from `--trusted-proxy` peers.

use std::sync::OnceLock;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, ResponseError, web};
use base64::Engine;
use sha2::{Digest, Sha256};

use super::{ApiError, AppState};

/// The `/docs` page, whose inline script the policy allows by hash.
const DOCS_HTML: &str = include_str!("../../web/static/docs.html");

/// SHA-256 hashes (CSP source form) of the inline scripts of the embedded pages.
fn inline_script_hashes() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| {
        let mut out = Vec::new();
        let mut rest = DOCS_HTML;
        while let Some(start) = rest.find("<script>") {
            let body = &rest[start + "<script>".len()..];
            let Some(end) = body.find("</script>") else {
                break;
            };
            let digest = Sha256::digest(&body.as_bytes()[..end]);
            out.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
            rest = &body[end..];
        }
        out.join(" ")
    })
}

/// The `Content-Security-Policy` of the HTML pages.
pub fn content_security_policy() -> &'static str {
    static CSP: OnceLock<String> = OnceLock::new();
    CSP.get_or_init(|| {
        format!(
            "default-src 'self'; script-src 'self' {}; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
             frame-ancestors 'none'; form-action 'self'",
            inline_script_hashes()
        )
    })
}

fn same_origin(req: &ServiceRequest) -> bool {
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        return true; // not a browser cross-origin request
    };
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .unwrap_or("");
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    !authority.is_empty() && authority.eq_ignore_ascii_case(host)
}

/// Middleware: security headers on every answer; cross-origin `POST`s refused unless
/// origins are configured (then the CORS middleware decides).
pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, actix_web::Error> {
    let open = req
        .app_data::<web::Data<AppState>>()
        .is_none_or(|s| s.config.cors_origins.is_empty());
    if open && req.method() == actix_web::http::Method::POST && !same_origin(&req) {
        let err = ApiError::Status {
            status: actix_web::http::StatusCode::FORBIDDEN,
            detail: "cross-origin POST is refused: this service allows other origins only to \
                     read (GET); its operator can allow origins with --cors-origin"
                .into(),
        };
        let (r, _) = req.into_parts();
        let mut resp = err.error_response();
        resp.headers_mut().insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        return Ok(ServiceResponse::new(r, resp).map_into_right_body());
    }
    let mut res = next.call(req).await?;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html && let Ok(v) = HeaderValue::from_str(content_security_policy()) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    Ok(res.map_into_left_body())
}

/// Whether a `Host` value is a plain `host[:port]` (no path, userinfo or spaces), safe to
/// put in a URL.
fn plain_authority(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

/// The base URL for links in answers (no trailing slash): `--public-url` when configured;
/// else the forwarded scheme and host when the peer is a trusted proxy; else `http://` and
/// the request's `Host` (or the bound address when that is not a plain authority).
pub fn base_url(req: &HttpRequest, state: &AppState) -> String {
    if let Some(u) = &state.config.public_url {
        return u.clone();
    }
    let trusted = req
        .peer_addr()
        .is_some_and(|p| state.config.trusted_proxies.contains(&p.ip()));
    if trusted {
        let ci = req.connection_info();
        let (scheme, host) = (ci.scheme(), ci.host());
        if matches!(scheme, "http" | "https") && plain_authority(host) {
            return format!("{scheme}://{host}");
        }
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| plain_authority(h))
        .map(str::to_string)
        .unwrap_or_else(|| req.app_config().host().to_string());
    let host = if plain_authority(&host) {
        host
    } else {
        "localhost".to_string()
    };
    format!("http://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_the_docs_inline_script_by_hash_only() {
        let csp = content_security_policy();
        assert!(csp.contains("'sha256-"), "{csp}");
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn only_plain_authorities_are_echoed() {
        assert!(plain_authority("corridor.example.org:8080"));
        assert!(plain_authority("[::1]:8080"));
        assert!(!plain_authority("evil.example/x?"));
        assert!(!plain_authority("a b"));
        assert!(!plain_authority(""));
    }
}
