//! The real binary on an ephemeral port: `/health` and `/v1/network` answer, the network is
//! valid GeoJSON and round-trips the data's node and link counts.

mod common;

use std::path::PathBuf;

use common::{Server, assert_feature_collection};
use corridor::network::Network;

fn check_network(server: &Server, net: &Network) {
    let (status, ctype, body) = server.get("/health");
    assert_eq!(status, 200, "{body}");
    assert!(ctype.starts_with("application/json"));
    let h: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(h["status"], "ok");

    let (status, ctype, body) = server.get("/v1/network");
    assert_eq!(status, 200);
    assert_eq!(ctype, "application/geo+json");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let feats = assert_feature_collection(&v);
    let nodes = feats
        .iter()
        .filter(|f| f["properties"]["layer"] == "node")
        .count();
    let links = feats
        .iter()
        .filter(|f| f["properties"]["layer"] == "link")
        .count();
    assert_eq!(nodes, net.nodes().len());
    assert_eq!(links, net.links().len());
    assert_eq!(nodes + links, feats.len());
    // Every link that has a capacity carries it normalised to t/yr.
    for f in feats.iter().filter(|f| f["properties"]["layer"] == "link") {
        let p = &f["properties"];
        assert!(p["source"].as_str().is_some_and(|s| !s.is_empty()), "{p}");
        assert!(p["length_km"].as_f64().is_some_and(|x| x > 0.0), "{p}");
        assert_eq!(
            p["capacity"].is_object(),
            p["capacity_tpy"].is_number(),
            "{p}"
        );
    }
}

#[test]
fn serves_fixture_network() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    let net = Network::load_dir(&dir).unwrap();
    let server = Server::start(Some(&dir), &[]);
    check_network(&server, &net);
    // The crossing's 7.8 Mt/yr round-trips as capacity_tpy.
    let (_, _, body) = server.get("/v1/network");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let x = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["id"] == "xr-naushki-sukhbaatar")
        .unwrap();
    assert_eq!(x["properties"]["capacity_tpy"], 7_800_000.0);
}

#[test]
fn serves_embedded_network_from_any_directory() {
    let net = Network::embedded().expect("embedded data validates");
    let server = Server::start(None, &[]);
    check_network(&server, &net);
}

#[test]
fn unknown_path_and_unknown_parameter_are_problem_json() {
    let server = Server::start(None, &[]);
    let (status, ctype, body) = server.get("/v1/nope");
    assert_eq!(status, 404);
    assert_eq!(ctype, "application/problem+json");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], 404);
    let (status, _, body) = server.get("/v1/network?bbox=1,2,3,4");
    assert_eq!(status, 400);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["field"], "bbox");
}
