//! The data layer at size: a network drawn by `examples/gen_network.rs` validates with its
//! scenarios and demand set, deterministically; validation reads the files as a stream (a file
//! cut off mid-feature is refused naming the feature and byte); `/v1/network` stays bounded.

mod common;
#[path = "../examples/gen_network.rs"]
#[allow(dead_code)]
mod gen_network;

use std::path::Path;

use actix_web::http::StatusCode;
use common::app;
use corridor::network::{EMBEDDED_LINKS, EMBEDDED_NODES, LINKS_FILE, Source, load_from_strs};
use corridor::snapshot::Snapshot;

fn generate(out: &Path, nodes: usize, seed: u64, vertices: f64) {
    gen_network::generate(&gen_network::Args {
        nodes,
        seed,
        out: out.to_path_buf(),
        vertices,
        demands: 50,
    })
    .expect("generator writes its files");
}

#[test]
fn generated_network_is_deterministic_and_validates_with_its_scenarios_and_demand() {
    let dir = common::TempDir::new("small");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    generate(&a, 3000, 11, 12.0);
    generate(&b, 3000, 11, 12.0);
    for f in [
        "nodes.geojson",
        "links.geojson",
        "scenarios/gen-crossing-closed.json",
        "scenarios/gen-border-upgrade.json",
        "demand/gen-flows.json",
    ] {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(x == y, "{f} differs between two runs with the same seed");
    }
    let snap = Snapshot::load(&Source::Dir(a.clone())).unwrap_or_else(|e| panic!("{e}"));
    let net = &snap.network;
    assert_eq!(net.nodes().len(), 3000);
    let s = net.summary();
    // Four countries, crossings on the five borders they share (KZ and MN share none).
    assert_eq!(s.nodes_by_country.len(), 4, "{s}");
    let borders: Vec<&str> = s.crossings_by_border.keys().map(String::as_str).collect();
    assert_eq!(
        borders,
        ["CN-KZ", "CN-MN", "CN-RU", "KZ-RU", "MN-RU"],
        "{s}"
    );
    assert!(
        s.links_by_mode.get("rail").copied().unwrap_or(0) > 100,
        "{s}"
    );
    // Both gauges, oneway carriageways, schedules on some crossings, electrified rail.
    let links = net.links();
    assert!(links.iter().any(|l| l.gauge_mm == Some(1435)));
    assert!(links.iter().any(|l| l.gauge_mm == Some(1520)));
    assert!(links.iter().any(|l| l.oneway));
    assert!(links.iter().any(|l| l.electrified));
    assert!(
        links
            .iter()
            .any(|l| l.properties.contains_key("opening_hours"))
    );
    let vertices: usize = links.iter().map(|l| l.geometry.len()).sum();
    assert!(
        vertices > links.len() * 5,
        "{vertices} vertices on {} links",
        links.len()
    );
    assert_eq!(snap.scenarios.len(), 2);
    assert_eq!(snap.demand["gen-flows"].demands.len(), 50);
}

#[test]
fn whole_network_body_written_as_a_stream_equals_the_collection_serialised_whole() {
    let snap = Snapshot::embedded().expect("embedded network");
    let whole = serde_json::to_vec(&corridor::output::network_collection(
        &snap.network,
        &snap.conversion,
    ))
    .unwrap();
    let mut streamed = Vec::new();
    corridor::output::write_network_collection(&snap.network, &snap.conversion, &mut streamed)
        .unwrap();
    assert!(whole == streamed, "streamed body differs");
}

#[test]
fn a_links_file_cut_off_mid_feature_is_refused_naming_the_feature_and_byte() {
    // The start of feature #10, plus a few bytes: cut inside it.
    let starts: Vec<usize> = EMBEDDED_LINKS
        .match_indices("{\"type\": \"Feature\"")
        .map(|(i, _)| i)
        .collect();
    let cut = starts[10] + 40;
    let err = load_from_strs(EMBEDDED_NODES, &EMBEDDED_LINKS[..cut]).unwrap_err();
    let p = err.problems();
    assert_eq!(p.len(), 1, "{err}");
    assert_eq!(
        (p[0].file.as_str(), p[0].feature, p[0].field.as_str()),
        (LINKS_FILE, Some(10), "(file)")
    );
    assert!(
        p[0].message.starts_with("not valid JSON: EOF"),
        "{}",
        p[0].message
    );
    // serde_json stops at the end of the text: the offset it names is the cut, give or take
    // the byte it was reading.
    let named = |b: usize| {
        p[0].message
            .contains(&format!("(byte {b}, in feature #10)"))
    };
    assert!((cut - 2..=cut).any(named), "cut at {cut}: {}", p[0].message);
}

#[test]
fn problems_of_features_read_before_the_file_proves_no_collection_are_withdrawn() {
    let bad_feature = r#"{"type": "Feature", "properties": {"id": "x"}, "geometry": null}"#;
    // `type` after `features`: still a FeatureCollection, its features are read.
    let late_type = format!(r#"{{"features": [{bad_feature}], "type": "FeatureCollection"}}"#);
    let err = load_from_strs(EMBEDDED_NODES, &late_type).unwrap_err();
    assert!(err.problems().iter().all(|p| p.feature == Some(0)), "{err}");
    assert!(err.problems().len() > 1, "{err}");
    // Not a collection after all: only the file-level problem, as when read whole.
    let not_fc = format!(r#"{{"features": [{bad_feature}], "type": "Feature"}}"#);
    let err = load_from_strs(EMBEDDED_NODES, &not_fc).unwrap_err();
    let got: Vec<_> = err
        .problems()
        .iter()
        .map(|p| (p.feature, p.field.as_str()))
        .collect();
    assert_eq!(got, [(None, "type")], "{err}");
}

#[actix_web::test]
async fn a_network_beyond_the_bound_answers_413_pointing_to_the_ogc_collections() {
    // About 40,000 nodes and 100,000 links: past the 100,000 features served whole, with few
    // vertices per link to stay CI-sized.
    let dir = common::TempDir::new("bound");
    generate(dir.path(), 40_000, 7, 4.0);
    let snap =
        Snapshot::load(&Source::Dir(dir.path().to_path_buf())).unwrap_or_else(|e| panic!("{e}"));
    let features = snap.network.nodes().len() + snap.network.links().len();
    assert!(
        features > corridor::http::MAX_NETWORK_FEATURES,
        "{features}"
    );
    let state = app::of_snapshot(snap);
    assert!(
        state.current().network_json.is_none(),
        "body held serialised"
    );
    let r = app::get(&state, "/v1/network").await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.content_type(), "application/problem+json");
    let detail = r.json()["detail"].as_str().unwrap_or_default().to_string();
    assert!(detail.contains("/ogc/collections/links/items"), "{detail}");
    assert!(detail.contains("bbox"), "{detail}");
    let page = app::get(&state, "/ogc/collections/links/items?limit=5").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.json()["features"].as_array().map(Vec::len), Some(5));
    let health = app::get(&state, "/health").await;
    assert_eq!(health.status, StatusCode::OK);
}
