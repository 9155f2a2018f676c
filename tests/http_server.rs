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

#[test]
fn exceeding_the_compute_bound_is_503_problem_json_and_the_server_keeps_serving() {
    let server = Server::start_with_args(None, &["--compute-timeout-ms", "0"]);
    let (status, ctype, body) =
        server.get("/v1/route?from=ru-ulan-ude&to=cn-beijing&alternatives=5");
    assert_eq!(status, 503, "{body}");
    assert_eq!(ctype, "application/problem+json");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], 503);
    assert!(
        v["detail"].as_str().unwrap().contains("compute bound"),
        "{v}"
    );
    // Cheap endpoints that need no compute keep answering.
    assert_eq!(server.get("/health").0, 200);
}

/// The work cap (`serve --max-work`) counts the searches a matrix actually runs: a square
/// matrix searches once per source and is refused over the cap, naming `sources` and the
/// `limit`; a tall one (three times as many sources as destinations) searches once per
/// destination, so the same sources with two destinations fit.
#[test]
fn the_work_cap_counts_the_searches_a_matrix_runs() {
    let server = Server::start_with_args(None, &["--max-work", "5000"]);
    let (_, _, body) = server.get("/health");
    let h: serde_json::Value = serde_json::from_str(&body).unwrap();
    let size = (h["nodes"].as_u64().unwrap() + h["links"].as_u64().unwrap()) as usize;
    assert!(size > 5000 / 11 && size < 5000 / 2, "embedded size {size}");
    let (_, _, body) = server.get("/v1/network");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let cities: Vec<String> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["kind"] == "city")
        .map(|f| f["properties"]["id"].as_str().unwrap().to_string())
        .take(40)
        .collect();
    assert_eq!(cities.len(), 40);
    let over = 5000 / size + 1;
    let post = |sources: &[String], destinations: &[String]| {
        let body = serde_json::json!({"sources": sources, "destinations": destinations});
        server.request(
            "POST",
            "/v1/matrix",
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        )
    };

    // Square: one search per source, `over` of them.
    let r = post(&cities[..over], &cities[..over]);
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(r.content_type(), "application/problem+json");
    let p: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(p["field"], "sources", "{p}");
    assert_eq!(p["limit"], 5000, "{p}");
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.contains(&format!("{over} searches × {size} network elements")),
        "{detail}"
    );
    // One source fewer fits.
    let r = post(&cities[..over - 1], &cities[..over]);
    assert_eq!(r.status, 200, "{}", r.text());

    // Tall: 40 sources (40 × size, eight times the cap, if counted per source), 2
    // destinations, searched backward: 2 × size.
    let r = post(&cities, &cities[..2]);
    assert_eq!(r.status, 200, "{}", r.text());
    let m: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(m["sources"].as_array().unwrap().len(), 40);
    assert!(
        m["distance_km"][39][1].as_f64().is_some_and(|d| d > 0.0),
        "{m}"
    );
    // A tall matrix over the cap names `destinations`, the side it searches from.
    assert!(40 >= 3 * over, "still tall");
    let r = post(&cities, &cities[..over]);
    assert_eq!(r.status, 413, "{}", r.text());
    let p: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(p["field"], "destinations", "{p}");
}
