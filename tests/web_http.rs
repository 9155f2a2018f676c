//! HTTP conventions for map clients (CORS, compression, ETags, media types) and the web map's
//! embedded assets, in process over the shared router.

mod common;

use actix_web::http::{StatusCode, header};
use actix_web::test;
use common::app::{self, Reply, State};
use corridor::http::ServerConfig;

fn state(cors_origins: &[&str]) -> State {
    app::embedded_with(ServerConfig {
        cors_origins: cors_origins.iter().map(|s| s.to_string()).collect(),
        ..ServerConfig::default()
    })
}

fn header_of(res: &Reply, name: header::HeaderName) -> Option<String> {
    res.header(name)
}

mod page {
    use super::*;
    use std::path::{Path, PathBuf};

    /// Every file under `web/static/`, recursively, as (path relative to it, text).
    fn static_files() -> Vec<(String, String)> {
        fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let path: PathBuf = e.unwrap().path();
                if path.is_dir() {
                    walk(&path, root, out);
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    let rel = path
                        .strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    out.push((rel, text));
                }
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("web/static");
        let mut out = Vec::new();
        walk(&root, &root, &mut out);
        out.sort();
        out
    }

    /// The relative module specifiers a script imports statically (`from "./x.js"`).
    fn imports(js: &str) -> Vec<&str> {
        js.split("from \"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .filter(|spec| spec.starts_with('.'))
            .collect()
    }

    /// `dir/sub/../x.js` → `dir/x.js`.
    fn join(base_dir: &str, spec: &str) -> String {
        let mut parts: Vec<&str> = base_dir.split('/').filter(|p| !p.is_empty()).collect();
        for seg in spec.split('/') {
            match seg {
                "." => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        parts.join("/")
    }

    #[actix_web::test]
    async fn index_and_every_asset_it_loads_are_served() {
        let st = state(&[]);
        let res = app::call(&st, test::TestRequest::get().uri("/")).await;
        assert_eq!(res.status, 200);
        assert_eq!(
            header_of(&res, header::CONTENT_TYPE).unwrap(),
            "text/html; charset=utf-8"
        );
        let html = String::from_utf8(res.body.to_vec()).unwrap();
        let refs: Vec<&str> = html
            .split(['"', '\''])
            .filter(|s| s.starts_with("/assets/"))
            .collect();
        assert!(refs.contains(&"/assets/leaflet/leaflet.js"), "{refs:?}");
        assert!(refs.contains(&"/assets/js/main.js"), "{refs:?}");
        assert!(
            html.contains(r#"<script type="module" src="/assets/js/main.js">"#),
            "main.js is loaded as a module"
        );
        for r in refs {
            let res = app::call(&st, test::TestRequest::get().uri(r)).await;
            assert_eq!(res.status, 200, "{r}");
            let ct = header_of(&res, header::CONTENT_TYPE).unwrap();
            if r.ends_with(".js") {
                assert!(ct.starts_with("text/javascript"), "{r}: {ct}");
            } else if r.ends_with(".css") {
                assert!(ct.starts_with("text/css"), "{r}: {ct}");
            }
        }
        for img in ["layers.png", "layers-2x.png", "marker-icon.png"] {
            let uri = format!("/assets/leaflet/images/{img}");
            let res = app::call(&st, test::TestRequest::get().uri(&uri)).await;
            assert_eq!(res.status, 200, "{uri}");
            assert_eq!(header_of(&res, header::CONTENT_TYPE).unwrap(), "image/png");
        }
        for uri in [
            "/assets/../Cargo.toml",
            "/assets/index.html",
            "/assets/leaflet/LICENSE",
            "/assets/js/nothing.js",
        ] {
            let res = app::call(&st, test::TestRequest::get().uri(uri)).await;
            assert_eq!(res.status, 404, "{uri}");
        }
    }

    /// Browsers refuse ES modules served with another media type, and a module that imports a
    /// file the server does not have breaks the whole page.
    #[actix_web::test]
    async fn every_module_and_each_import_is_served_as_javascript() {
        let st = state(&[]);
        let modules: Vec<(String, String)> = static_files()
            .into_iter()
            .filter(|(p, _)| p.ends_with(".js"))
            .collect();
        assert!(
            modules.iter().any(|(p, _)| p == "js/main.js"),
            "{modules:?}"
        );
        let mut wanted: Vec<String> = Vec::new();
        for (path, js) in &modules {
            wanted.push(path.clone());
            let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
            wanted.extend(imports(js).into_iter().map(|spec| join(dir, spec)));
        }
        // main.js imports its panels by name: each needs its module.
        let main = &modules.iter().find(|(p, _)| p == "js/main.js").unwrap().1;
        let list = main
            .split("const PANELS = [")
            .nth(1)
            .and_then(|r| r.split(']').next())
            .expect("main.js lists PANELS");
        let panels: Vec<&str> = list
            .split(',')
            .map(|s| s.trim().trim_matches('"'))
            .filter(|s| !s.is_empty())
            .collect();
        for panel in ["route", "capacity", "assign", "reach"] {
            assert!(panels.contains(&panel), "{panel} not in {panels:?}");
        }
        wanted.extend(panels.iter().map(|p| format!("js/panels/{p}.js")));
        wanted.sort();
        wanted.dedup();
        for path in wanted {
            let uri = format!("/assets/{path}");
            let res = app::call(&st, test::TestRequest::get().uri(&uri)).await;
            assert_eq!(res.status, 200, "{uri}");
            assert_eq!(
                header_of(&res, header::CONTENT_TYPE).unwrap(),
                "text/javascript; charset=utf-8",
                "{uri}"
            );
        }
    }

    #[::core::prelude::v1::test]
    fn nothing_is_loaded_from_the_internet() {
        let files = static_files();
        assert!(files.iter().any(|(p, _)| p == "index.html"));
        for (name, text) in &files {
            for pat in [
                "src=\"http",
                "href=\"http",
                "url(http",
                "fetch(\"http",
                "import(\"http",
                "from \"http",
                "@import",
                "tile.openstreetmap",
            ] {
                assert!(!text.contains(pat), "{name} contains {pat}");
            }
        }
    }

    /// Names and error messages reach the page as text, never as markup.
    #[::core::prelude::v1::test]
    fn scripts_build_the_dom_without_html_strings() {
        for (name, js) in static_files().iter().filter(|(p, _)| p.ends_with(".js")) {
            for pat in [
                "innerHTML",
                "outerHTML",
                "insertAdjacentHTML",
                "document.write",
            ] {
                assert!(!js.contains(pat), "{name} uses {pat}");
            }
        }
    }

    #[actix_web::test]
    async fn docs_page_is_served_without_external_assets() {
        let st = state(&[]);
        let res = app::call(&st, test::TestRequest::get().uri("/docs")).await;
        assert_eq!(res.status, 200);
        let html = String::from_utf8(res.body.to_vec()).unwrap();
        assert!(html.contains("/openapi.json"));
        assert!(!html.contains("src=\"http"));
    }

    #[actix_web::test]
    async fn boundaries_are_geojson_with_iso_codes_and_revalidate() {
        let st = state(&[]);
        let res = app::call(&st, test::TestRequest::get().uri("/v1/boundaries")).await;
        assert_eq!(res.status, 200);
        assert_eq!(
            header_of(&res, header::CONTENT_TYPE).unwrap(),
            "application/geo+json"
        );
        let etag = header_of(&res, header::ETAG).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&res.body).unwrap();
        let codes: Vec<&str> = v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["iso_a2"].as_str().unwrap())
            .collect();
        for c in ["RU", "MN", "CN", "KZ"] {
            assert!(codes.contains(&c), "{c} missing from {codes:?}");
        }
        let res = app::call(
            &st,
            test::TestRequest::get()
                .uri("/v1/boundaries")
                .insert_header((header::IF_NONE_MATCH, etag)),
        )
        .await;
        assert_eq!(res.status, StatusCode::NOT_MODIFIED);
    }
}

mod cors {
    use super::*;

    #[actix_web::test]
    async fn any_origin_may_read_by_default() {
        let st = state(&[]);
        let res = app::call(
            &st,
            test::TestRequest::get()
                .uri("/v1/crossings")
                .insert_header((header::ORIGIN, "https://maps.example.org")),
        )
        .await;
        assert_eq!(res.status, 200);
        assert_eq!(
            header_of(&res, header::ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some("*")
        );
        let exposed = header_of(&res, header::ACCESS_CONTROL_EXPOSE_HEADERS).unwrap();
        assert!(exposed.to_ascii_lowercase().contains("etag"), "{exposed}");
    }

    #[actix_web::test]
    async fn preflight_is_answered() {
        let st = state(&[]);
        let res = app::call(
            &st,
            test::TestRequest::default()
                .method(actix_web::http::Method::OPTIONS)
                .uri("/v1/features?bbox=0,0,1,1")
                .insert_header((header::ORIGIN, "https://maps.example.org"))
                .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, "GET"))
                .insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, "if-none-match")),
        )
        .await;
        assert!(res.status.is_success(), "{}", res.status);
        assert!(
            header_of(&res, header::ACCESS_CONTROL_ALLOW_METHODS)
                .unwrap()
                .contains("GET")
        );
    }

    #[actix_web::test]
    async fn configured_origins_only() {
        let st = state(&["https://good.example"]);
        let res = app::call(
            &st,
            test::TestRequest::get()
                .uri("/health")
                .insert_header((header::ORIGIN, "https://good.example")),
        )
        .await;
        assert_eq!(
            header_of(&res, header::ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some("https://good.example")
        );
        let res = app::call(
            &st,
            test::TestRequest::get()
                .uri("/health")
                .insert_header((header::ORIGIN, "https://evil.example")),
        )
        .await;
        assert_ne!(
            header_of(&res, header::ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some("https://evil.example")
        );
        assert_ne!(
            header_of(&res, header::ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some("*")
        );
    }

    #[actix_web::test]
    async fn same_origin_requests_without_origin_are_untouched() {
        let st = state(&["https://good.example"]);
        let res = app::call(&st, test::TestRequest::get().uri("/health")).await;
        assert_eq!(res.status, 200);
    }
}

mod compression {
    use super::*;

    #[actix_web::test]
    async fn gzip_and_brotli_on_request() {
        let st = state(&[]);
        for enc in ["gzip", "br"] {
            for uri in [
                "/v1/network",
                "/v1/boundaries",
                "/ogc/collections/links/items",
            ] {
                let res = app::call(
                    &st,
                    test::TestRequest::get()
                        .uri(uri)
                        .insert_header((header::ACCEPT_ENCODING, enc)),
                )
                .await;
                assert_eq!(res.status, 200);
                assert_eq!(
                    header_of(&res, header::CONTENT_ENCODING).as_deref(),
                    Some(enc),
                    "{uri}"
                );
            }
        }
    }
}

mod etags {
    use super::*;

    #[actix_web::test]
    async fn data_endpoints_carry_etags_and_answer_304() {
        let st = state(&[]);
        for uri in [
            "/v1/network",
            "/v1/crossings",
            "/v1/features?bbox=100,40,120,55",
            "/ogc/collections/nodes/items",
            "/ogc/collections/nodes/items/ru-naushki",
        ] {
            let res = app::call(&st, test::TestRequest::get().uri(uri)).await;
            assert_eq!(res.status, 200, "{uri}");
            let etag = header_of(&res, header::ETAG).unwrap_or_else(|| panic!("{uri}: no ETag"));
            assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
            let res = app::call(
                &st,
                test::TestRequest::get()
                    .uri(uri)
                    .insert_header((header::IF_NONE_MATCH, etag.clone())),
            )
            .await;
            assert_eq!(res.status, StatusCode::NOT_MODIFIED, "{uri}");
            assert_eq!(header_of(&res, header::ETAG).unwrap(), etag);
        }
    }
}
