//! The web map at `/`, its embedded assets (page, script, style, vendored Leaflet) and the
//! offline basemap of country borders at `/v1/boundaries`. Nothing is fetched from the
//! internet: every byte the page needs is compiled into the binary.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::etag::content_etag;
use super::{ApiError, GEOJSON, Params, cached_response};
use crate::fields::truncate;

/// Registers this module's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(index))
        .route("/v1/boundaries", web::get().to(boundaries))
        .route("/assets/{path:.*}", web::get().to(asset))
        .route("/favicon.ico", web::get().to(favicon));
}

/// Country polygons (Natural Earth, with `iso_a2`), compiled in.
pub const BOUNDARIES: &[u8] = include_bytes!("../../geodata/boundaries/countries.geojson");

/// One embedded file.
struct Asset {
    path: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

macro_rules! asset {
    ($path:literal, $ct:literal, $file:literal) => {
        Asset {
            path: $path,
            content_type: $ct,
            bytes: include_bytes!(concat!("../../web/", $file)),
        }
    };
}

/// Every file the page loads, under `/assets/`.
const ASSETS: &[Asset] = &[
    asset!("app.js", "text/javascript; charset=utf-8", "static/app.js"),
    asset!("app.css", "text/css; charset=utf-8", "static/app.css"),
    asset!(
        "leaflet/leaflet.js",
        "text/javascript; charset=utf-8",
        "vendor/leaflet/leaflet.js"
    ),
    asset!(
        "leaflet/leaflet.css",
        "text/css; charset=utf-8",
        "vendor/leaflet/leaflet.css"
    ),
    asset!(
        "leaflet/images/layers.png",
        "image/png",
        "vendor/leaflet/images/layers.png"
    ),
    asset!(
        "leaflet/images/layers-2x.png",
        "image/png",
        "vendor/leaflet/images/layers-2x.png"
    ),
    asset!(
        "leaflet/images/marker-icon.png",
        "image/png",
        "vendor/leaflet/images/marker-icon.png"
    ),
    asset!(
        "leaflet/images/marker-icon-2x.png",
        "image/png",
        "vendor/leaflet/images/marker-icon-2x.png"
    ),
    asset!(
        "leaflet/images/marker-shadow.png",
        "image/png",
        "vendor/leaflet/images/marker-shadow.png"
    ),
];

const INDEX_HTML: &str = include_str!("../../web/static/index.html");

async fn index(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Params::parse(req.query_string(), &[])?.finish()?;
    static ETAG: OnceLock<String> = OnceLock::new();
    let etag = ETAG.get_or_init(|| content_etag(INDEX_HTML.as_bytes()));
    let mut res = cached_response(&req, etag, "text/html; charset=utf-8", INDEX_HTML);
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-cache"),
    );
    Ok(res)
}

/// No icon: a 204 keeps browsers viewing JSON endpoints from logging a 404.
async fn favicon() -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header((header::CACHE_CONTROL, "max-age=86400"))
        .finish()
}

async fn asset(req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let Some(a) = ASSETS.iter().find(|a| a.path == path.as_str()) else {
        return Err(ApiError::NotFound {
            field: "path".into(),
            detail: format!("no asset '{}'", truncate(path.as_str(), 100)),
            suggestions: Vec::new(),
        });
    };
    let etag = content_etag(a.bytes);
    let mut res = cached_response(&req, &etag, a.content_type, a.bytes);
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-cache"),
    );
    Ok(res)
}

/// Country borders for the offline basemap.
///
/// Natural Earth country polygons (MultiPolygon, CRS84) with `iso_a2` and `name`; `core` is
/// true for the four countries of the network.
#[utoipa::path(
    get,
    path = "/v1/boundaries",
    tag = "map",
    responses(
        (status = 200, description = "Country polygons.", content_type = "application/geo+json", body = super::schema::FeatureCollection),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)."),
        (status = 400, description = "Any query parameter (none is accepted).", content_type = "application/problem+json", body = super::schema::Problem),
    )
)]
pub async fn boundaries(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Params::parse(req.query_string(), &[])?.finish()?;
    static ETAG: OnceLock<String> = OnceLock::new();
    let etag = ETAG.get_or_init(|| content_etag(BOUNDARIES));
    Ok(cached_response(&req, etag, GEOJSON, BOUNDARIES))
}
