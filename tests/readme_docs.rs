//! Issue 24 item 5: the README documents every parameter of every public endpoint (as the
//! OpenAPI document lists them), quotes the embedded network's size as it is, and `/docs`
//! does not promise the API a bare `include_planned`.

mod common;

use corridor::Snapshot;
use serde_json::Value;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

async fn openapi() -> Value {
    let res = common::app::get(&common::app::embedded(), "/openapi.json").await;
    assert!(res.status.is_success());
    res.json()
}

#[actix_web::test]
async fn every_openapi_parameter_of_a_public_endpoint_is_in_the_readme() {
    let doc = openapi().await;
    let readme = readme();
    let mut missing = Vec::new();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/v1/") {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                checked += 1;
                if !readme.contains(&format!("`{name}`")) {
                    missing.push(format!("{method} {path}: {name}"));
                }
            }
        }
    }
    assert!(checked > 50, "{checked}");
    assert!(missing.is_empty(), "not in README.md: {missing:#?}");
}

#[actix_web::test]
async fn the_docs_do_not_promise_a_bare_include_planned() {
    let doc = openapi().await;
    let route = &doc["paths"]["/v1/route"]["get"]["parameters"];
    let p = route
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "include_planned")
        .unwrap();
    let d = p["description"].as_str().unwrap();
    assert!(d.contains("`true` or `false`"), "{d}");
    // A bare flag is the command line's (`--include-planned`), never the query string's.
    assert!(!d.contains("bare flag: true"), "{d}");
    assert!(d.contains("--include-planned"), "{d}");
}

#[test]
fn the_readme_quotes_the_embedded_network_as_it_is() {
    let snap = Snapshot::embedded().unwrap();
    let net = &snap.network;
    let quote = format!(
        "**The embedded network** has {} nodes and {} links",
        net.nodes().len(),
        net.links().len()
    );
    assert!(readme().contains(&quote), "README.md lacks: {quote}");
}
