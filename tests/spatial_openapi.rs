//! `/openapi.json`: an OpenAPI 3.1 document generated from the handlers' annotations. These
//! tests keep it honest: every served endpoint is described, each parameter
//! list equals the names the handler accepts, and errors are documented as problem+json.

use std::collections::BTreeSet;

mod common;

use common::app;
use corridor::http::{ogc, spatial};
use serde_json::Value;

async fn spec() -> Value {
    let res = app::get(&app::embedded(), "/openapi.json").await;
    assert_eq!(res.status, 200);
    res.json_strict()
}

fn query_params(spec: &Value, path: &str) -> BTreeSet<String> {
    spec["paths"][path]["get"]["parameters"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter(|p| p["in"] == "query")
                .map(|p| p["name"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[actix_web::test]
async fn is_openapi_3_1() {
    let s = spec().await;
    assert!(
        s["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        s["openapi"]
    );
    assert_eq!(s["info"]["title"], "Corridor");
}

#[actix_web::test]
async fn describes_every_endpoint() {
    let s = spec().await;
    let paths: BTreeSet<&str> = s["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for p in [
        "/health",
        "/v1/network",
        "/v1/nearest",
        "/v1/features",
        "/v1/crossings",
        "/v1/boundaries",
        "/ogc",
        "/ogc/conformance",
        "/ogc/collections",
        "/ogc/collections/{collectionId}",
        "/ogc/collections/{collectionId}/items",
        "/ogc/collections/{collectionId}/items/{featureId}",
        "/ogc/collections/{collectionId}/schema",
        "/v1/route",
        "/v1/capacity",
        "/v1/assign",
    ] {
        assert!(paths.contains(p), "{p} not in {paths:?}");
    }
}

#[actix_web::test]
async fn parameters_match_what_the_handlers_accept() {
    let s = spec().await;
    assert_eq!(
        query_params(&s, "/v1/nearest"),
        set(spatial::NEAREST_PARAMS)
    );
    assert_eq!(
        query_params(&s, "/v1/features"),
        set(spatial::FEATURES_PARAMS)
    );
    assert_eq!(
        query_params(&s, "/v1/crossings"),
        set(spatial::CROSSINGS_PARAMS)
    );
    assert_eq!(
        query_params(&s, "/ogc/collections/{collectionId}/items"),
        set(ogc::ITEMS_PARAMS)
    );
    assert_eq!(
        query_params(&s, "/ogc/collections/{collectionId}/items/{featureId}"),
        set(ogc::ITEM_PARAMS)
    );
    for p in ["/ogc", "/ogc/conformance", "/ogc/collections"] {
        assert_eq!(query_params(&s, p), set(ogc::META_PARAMS), "{p}");
    }
    let required: Vec<&str> = s["paths"]["/v1/nearest"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["required"] == true)
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(required, ["lon", "lat"]);
}

#[actix_web::test]
async fn responses_name_media_types_and_errors_are_problems() {
    let s = spec().await;
    for (path, item) in s["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("200"), "{method} {path}: no 200");
            for (status, r) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        r["content"]["application/problem+json"].is_object(),
                        "{method} {path} {status} is not problem+json"
                    );
                }
            }
            assert!(
                op["description"].is_string() || op["summary"].is_string(),
                "{path}"
            );
        }
    }
    let geo = &s["paths"]["/v1/features"]["get"]["responses"]["200"]["content"];
    assert!(geo["application/geo+json"].is_object());
    assert!(s["components"]["schemas"]["Problem"].is_object());
}
