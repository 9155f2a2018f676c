//! The web map at `/`, its embedded assets (page, ES modules, style, vendored Leaflet and
//! MapLibre GL JS) and the offline basemap of country borders at `/v1/boundaries`. Nothing is
//! fetched from the internet: every byte the page needs is compiled into the binary.
//!
//! Every file under `web/static/`, `web/vendor/leaflet/` and `web/vendor/maplibre/` with a
//! known media type is served under `/assets/` (`web/static/js/panels/route.js` →
//! `/assets/js/panels/route.js`, `web/vendor/maplibre/maplibre-gl.mjs` →
//! `/assets/maplibre/maplibre-gl.mjs`), so a new module needs no change here.

use std::collections::HashMap;
use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use include_dir::{Dir, DirEntry, include_dir};

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

/// The page's own files, served from `/assets/`.
static STATIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/web/static");
/// Leaflet as vendored by `web/vendor.sh`, served from `/assets/leaflet/`.
static LEAFLET: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/web/vendor/leaflet");
/// MapLibre GL JS and its Leaflet binding as vendored by `web/vendor.sh`, served from
/// `/assets/maplibre/` (the worker module is found next to `maplibre-gl.mjs`).
static MAPLIBRE: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/web/vendor/maplibre");

/// One embedded file.
struct Asset {
    content_type: &'static str,
    bytes: &'static [u8],
    etag: String,
}

/// The media type served for a file name; `None` for files that are not served (HTML pages,
/// which have their own routes; licence and checksum files).
fn content_type(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.').map(|(_, e)| e)?;
    Some(match ext {
        // Browsers load ES modules only with a JavaScript media type.
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        _ => return None,
    })
}

/// Every served file by its path under `/assets/`, built once.
fn assets() -> &'static HashMap<String, Asset> {
    static ASSETS: OnceLock<HashMap<String, Asset>> = OnceLock::new();
    ASSETS.get_or_init(|| {
        let mut out = HashMap::new();
        collect(&STATIC, "", &mut out);
        collect(&LEAFLET, "leaflet/", &mut out);
        collect(&MAPLIBRE, "maplibre/", &mut out);
        out
    })
}

fn collect(dir: &'static Dir<'static>, prefix: &str, out: &mut HashMap<String, Asset>) {
    for entry in dir.entries() {
        match entry {
            DirEntry::Dir(d) => collect(d, prefix, out),
            DirEntry::File(f) => {
                let path = f.path().to_string_lossy().replace('\\', "/");
                if let Some(content_type) = content_type(&path) {
                    let bytes = f.contents();
                    out.insert(
                        format!("{prefix}{path}"),
                        Asset {
                            content_type,
                            bytes,
                            etag: content_etag(bytes),
                        },
                    );
                }
            }
        }
    }
}

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
    let Some(a) = assets().get(path.as_str()) else {
        return Err(ApiError::NotFound {
            field: "path".into(),
            detail: format!("no asset '{}'", truncate(path.as_str(), 100)),
            suggestions: Vec::new(),
        });
    };
    let mut res = cached_response(&req, &a.etag, a.content_type, a.bytes);
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
