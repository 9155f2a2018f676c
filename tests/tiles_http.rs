//! `/tiles/{z}/{x}/{y}.mvt`, `/tiles.json`, `/style.json` in process: status codes, caching
//! headers, compression, scenarios, and every kind of bad address as problem+json. What the
//! tiles hold is checked with GDAL in `tiles_gdal.rs`.

mod common;

use actix_web::http::{StatusCode, header};
use actix_web::test::TestRequest;
use common::app::{call, call_all, embedded};
use corridor::output::tiles::{LAYERS, MAX_ZOOM, TileId};

/// The z6 tile over Ulaanbaatar (106.9°E, 47.9°N).
const UB_Z6: &str = "/tiles/6/51/22.mvt";

fn get(path: &str) -> TestRequest {
    TestRequest::get().uri(path)
}

#[actix_web::test]
async fn a_tile_over_mongolia_is_a_vector_tile_with_an_etag() {
    let t = TileId::new(6, 51, 22).unwrap();
    let (x, y) = t.project(106.9, 47.9);
    assert!((0.0..4096.0).contains(&x) && (0.0..4096.0).contains(&y));
    let r = call(&embedded(), get(UB_Z6)).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    assert_eq!(r.content_type(), "application/vnd.mapbox-vector-tile");
    assert!(r.body.len() > 100, "{} bytes", r.body.len());
    let etag = r.header(header::ETAG).expect("ETag");
    // Layer names are written into the tile verbatim (protobuf strings). Ulaanbaatar's z6
    // tile has no border crossing; the z5 tile around it has all four layers.
    let has = |body: &[u8], name: &str| body.windows(name.len()).any(|w| w == name.as_bytes());
    for name in ["rail", "road", "places"] {
        assert!(has(&r.body, name), "layer {name} missing");
    }
    assert!(!has(&r.body, "crossings"));
    let z5 = call(&embedded(), get("/tiles/5/25/11.mvt")).await;
    for name in ["rail", "road", "crossings", "places"] {
        assert!(has(&z5.body, name), "layer {name} missing at z5");
    }
    let again = call(
        &embedded(),
        get(UB_Z6).insert_header((header::IF_NONE_MATCH, etag.clone())),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.header(header::ETAG), Some(etag.clone()));
    // Another tile, another ETag.
    let other = call(&embedded(), get("/tiles/6/50/22.mvt")).await;
    assert_ne!(other.header(header::ETAG), Some(etag));
}

#[actix_web::test]
async fn head_answers_like_get_without_a_body() {
    let r = call(
        &embedded(),
        TestRequest::default()
            .method(actix_web::http::Method::HEAD)
            .uri(UB_Z6),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type(), "application/vnd.mapbox-vector-tile");
}

#[actix_web::test]
async fn the_same_tile_twice_is_the_same_bytes_from_the_cache() {
    let st = embedded();
    let rs = call_all(
        &st,
        vec![get("/tiles/5/25/11.mvt"), get("/tiles/5/25/11.mvt")],
    )
    .await;
    assert_eq!(rs[0].status, StatusCode::OK);
    assert_eq!(rs[0].body, rs[1].body);
    assert!(st.current().tiles.usage().0 >= 1);
}

#[actix_web::test]
async fn an_empty_tile_is_204() {
    // Mid-Atlantic: nothing of the network.
    let r = call(&embedded(), get("/tiles/8/106/105.mvt")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.body.is_empty());
    assert!(r.header(header::ETAG).is_some());
}

#[actix_web::test]
async fn gzip_when_asked() {
    let r = call(
        &embedded(),
        get(UB_Z6).insert_header((header::ACCEPT_ENCODING, "gzip")),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header(header::CONTENT_ENCODING).as_deref(), Some("gzip"));
    assert_eq!(&r.body[..2], &[0x1f, 0x8b], "gzip magic");
    let plain = call(&embedded(), get(UB_Z6)).await;
    assert!(r.body.len() < plain.body.len());
}

fn gunzip(gz: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut out)
        .expect("a gzip body");
    out
}

#[actix_web::test]
async fn each_coding_is_its_own_representation_for_caches() {
    let st = embedded();
    let t = "/tiles/5/25/11.mvt";
    let ae = |v: &'static str| get(t).insert_header((header::ACCEPT_ENCODING, v));
    let rs = call_all(
        &st,
        vec![
            ae("gzip, deflate, br"),
            ae("gzip"),
            get(t),
            ae("br"),
            ae("identity"),
        ],
    )
    .await;
    let (gz, gz2, plain, br, identity) = (&rs[0], &rs[1], &rs[2], &rs[3], &rs[4]);
    for r in &rs {
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.content_type(), "application/vnd.mapbox-vector-tile");
        assert!(
            r.header_all(header::VARY)
                .iter()
                .flat_map(|v| v.split(','))
                .any(|v| v.trim().eq_ignore_ascii_case("accept-encoding")),
            "Vary: Accept-Encoding on every tile answer: {:?}",
            r.header_all(header::VARY)
        );
    }
    // The cached gzip bytes, served as they are (the same bytes twice, inflating to the tile).
    assert_eq!(gz.header(header::CONTENT_ENCODING).as_deref(), Some("gzip"));
    assert_eq!(gz.body, gz2.body);
    assert_eq!(gunzip(&gz.body), plain.body);
    assert_eq!(plain.header(header::CONTENT_ENCODING), None);
    assert_eq!(identity.body, plain.body);
    // br for a client that takes br only, from the middleware.
    assert_eq!(br.header(header::CONTENT_ENCODING).as_deref(), Some("br"));
    assert_ne!(br.body, plain.body);
    // Different bytes, different validators.
    let tags: std::collections::BTreeSet<_> = [gz, plain, br]
        .iter()
        .map(|r| r.header(header::ETAG).expect("ETag"))
        .collect();
    assert_eq!(tags.len(), 3, "{tags:?}");
    // 304 for the representation the client holds, and only for it.
    let gz_tag = gz.header(header::ETAG).unwrap();
    let again = call(
        &st,
        ae("gzip").insert_header((header::IF_NONE_MATCH, gz_tag.clone())),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.header(header::ETAG), Some(gz_tag.clone()));
    assert!(again.body.is_empty());
    let other = call(&st, get(t).insert_header((header::IF_NONE_MATCH, gz_tag))).await;
    assert_eq!(
        other.status,
        StatusCode::OK,
        "a gzip ETag does not validate the plain tile"
    );
    assert_eq!(other.body, plain.body);
}

#[actix_web::test]
async fn a_scenario_changes_the_tiles_it_touches() {
    // Naushki (106.1°E, 50.4°N) at z7: the closed crossing's status is in the tile.
    let t = "/tiles/7/101/43.mvt";
    let st = embedded();
    let rs = call_all(
        &st,
        vec![get(t), get(&format!("{t}?scenario=naushki-closed"))],
    )
    .await;
    assert_eq!(rs[0].status, StatusCode::OK);
    assert_eq!(rs[1].status, StatusCode::OK);
    assert_ne!(
        rs[0].body, rs[1].body,
        "the scenario closes a crossing in this tile"
    );
    assert_ne!(rs[0].header(header::ETAG), rs[1].header(header::ETAG));
    assert!(rs[1].body.windows(6).any(|w| w == b"closed"));
}

async fn problem(path: &str) -> (StatusCode, serde_json::Value) {
    let r = call(&embedded(), get(path)).await;
    assert_eq!(r.content_type(), "application/problem+json", "{path}");
    (r.status, r.json_strict())
}

#[actix_web::test]
async fn bad_addresses_are_named_problems() {
    for (path, status, field) in [
        ("/tiles/15/0/0.mvt", 400, "z"),
        ("/tiles/99999999999999999999/0/0.mvt", 400, "z"),
        ("/tiles/3/8/0.mvt", 400, "x"),
        ("/tiles/3/0/8.mvt", 400, "y"),
        ("/tiles/a/0/0.mvt", 400, "z"),
        ("/tiles/3/-1/0.mvt", 400, "x"),
        ("/tiles/3/0/zero.mvt", 400, "y"),
        ("/tiles/3/0/0.png", 400, "y"),
        ("/tiles/3/0/0.mvt?scenario=nope", 404, "scenario"),
        ("/tiles/3/0/0.mvt?zoom=3", 400, "zoom"),
        ("/tiles.json?scenario=nope", 404, "scenario"),
        ("/style.json?bogus=1", 400, "bogus"),
        ("/tiles/3/0/0.mvt?layer=bogus", 400, "layer"),
        ("/tiles/3/0/0.mvt?layer=utilisation", 400, "demand"),
        ("/tiles/3/0/0.mvt?demand=mongolia-trade-2023", 400, "demand"),
        (
            "/tiles/3/0/0.mvt?layer=utilisation&demand=nope",
            404,
            "demand",
        ),
        ("/tiles.json?layer=utilisation&demand=nope", 404, "demand"),
        ("/style.json?layer=utilisation", 400, "demand"),
    ] {
        let (s, doc) = problem(path).await;
        assert_eq!(s.as_u16(), status, "{path}: {doc}");
        assert_eq!(doc["status"], status, "{path}");
        assert_eq!(doc["field"], field, "{path}: {doc}");
        assert!(doc["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
    // Every malformed part at once.
    let (_, doc) = problem("/tiles/a/b/c.mvt").await;
    let fields: Vec<_> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["z", "x", "y"]);
}

#[actix_web::test]
async fn tilejson_describes_the_layers_and_their_fields() {
    let r = call(
        &embedded(),
        get("/tiles.json?scenario=naushki-closed").insert_header((header::HOST, "maps.test:8080")),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json_strict();
    assert_eq!(doc["tilejson"], "3.0.0");
    assert_eq!(
        doc["tiles"][0],
        "http://maps.test:8080/tiles/{z}/{x}/{y}.mvt?scenario=naushki-closed"
    );
    assert_eq!(doc["minzoom"], 0);
    assert_eq!(doc["maxzoom"], MAX_ZOOM);
    let b: Vec<f64> = doc["bounds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    // The network spans Kazakhstan to the Pacific.
    assert!(
        b[0] < 60.0 && b[2] > 130.0 && b[1] < 45.0 && b[3] > 50.0,
        "{b:?}"
    );
    let layers = doc["vector_layers"].as_array().unwrap();
    let ids: Vec<_> = layers.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["rail", "road", "crossings", "places"]);
    for (l, spec) in layers.iter().zip(LAYERS) {
        for f in spec.fields {
            assert!(l["fields"][f.name].is_string(), "{} {}", spec.name, f.name);
        }
    }
    for (layer, field) in [
        ("rail", "gauge"),
        ("rail", "status"),
        ("rail", "electrified"),
        ("rail", "capacity"),
        ("road", "class"),
        ("road", "ref"),
        ("crossings", "modes"),
        ("crossings", "dwell"),
        ("crossings", "capacity"),
        ("places", "kind"),
        ("places", "country"),
        ("places", "label_rank"),
    ] {
        let l = layers.iter().find(|l| l["id"] == layer).unwrap();
        assert!(l["fields"][field].is_string(), "{layer}.{field}");
    }
}

#[actix_web::test]
async fn style_draws_every_layer_from_the_tilejson() {
    let r = call(
        &embedded(),
        get("/style.json").insert_header((header::HOST, "maps.test")),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json_strict();
    assert_eq!(doc["version"], 8);
    assert_eq!(
        doc["sources"]["corridor"]["url"],
        "http://maps.test/tiles.json"
    );
    let drawn: std::collections::BTreeSet<_> = doc["layers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["source-layer"].as_str())
        .collect();
    assert_eq!(
        drawn.into_iter().collect::<Vec<_>>(),
        ["crossings", "places", "rail", "road"]
    );
}

/// The XYZ tile at zoom `z` holding (`lon`, `lat`).
fn tile_of(z: u8, lon: f64, lat: f64) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor();
    let lr = lat.to_radians();
    let y = ((1.0 - (lr.tan() + 1.0 / lr.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor();
    (x as u32, y as u32)
}

#[actix_web::test]
async fn utilisation_tiles_hold_the_links_an_assignment_loads() {
    let st = embedded();
    let demand = "mongolia-trade-2023";
    // The assignment as GeoJSON: the most loaded link and a point on it.
    let a = call(
        &st,
        TestRequest::post()
            .uri("/v1/assign")
            .set_json(serde_json::json!({ "demand": demand })),
    )
    .await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    let doc = a.json();
    let busiest = doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["properties"]["flow_tpy"]
                .as_f64()
                .is_some_and(|v| v > 0.0)
        })
        .filter(|f| f["geometry"]["type"] == "LineString")
        .max_by(|a, b| {
            let v = |f: &serde_json::Value| f["properties"]["flow_tpy"].as_f64().unwrap();
            v(a).total_cmp(&v(b))
        })
        .expect("a loaded link");
    let link_id = busiest["properties"]["link_id"]
        .as_str()
        .unwrap()
        .to_string();
    let coords = busiest["geometry"]["coordinates"].as_array().unwrap();
    let mid = &coords[coords.len() / 2];
    let (x, y) = tile_of(8, mid[0].as_f64().unwrap(), mid[1].as_f64().unwrap());
    let path = format!("/tiles/8/{x}/{y}.mvt?layer=utilisation&demand={demand}");
    let rs = call_all(
        &st,
        vec![
            get(&path),
            get(&format!("/tiles/8/{x}/{y}.mvt")),
            // Mid-Atlantic: nothing loaded there.
            get(&format!(
                "/tiles/8/100/100.mvt?layer=utilisation&demand={demand}"
            )),
            get(&format!("/tiles.json?layer=utilisation&demand={demand}")),
            get(&format!("/style.json?layer=utilisation&demand={demand}")),
        ],
    )
    .await;
    assert_eq!(
        rs[0].status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&rs[0].body)
    );
    assert_eq!(rs[0].content_type(), "application/vnd.mapbox-vector-tile");
    let has = |body: &[u8], s: &str| body.windows(s.len()).any(|w| w == s.as_bytes());
    assert!(has(&rs[0].body, "utilisation"), "the layer is named");
    assert!(
        has(&rs[0].body, &link_id),
        "the busiest link {link_id} is in its tile"
    );
    assert!(
        has(&rs[0].body, demand),
        "each feature's source names the demand set"
    );
    assert!(!has(&rs[0].body, "places"), "only the utilisation layer");
    // The network's tile at the same address is another tile, with another ETag.
    assert_eq!(rs[1].status, StatusCode::OK);
    assert_ne!(rs[0].body, rs[1].body);
    assert_ne!(rs[0].header(header::ETAG), rs[1].header(header::ETAG));
    assert_eq!(rs[2].status, StatusCode::NO_CONTENT);
    // Its TileJSON lists the one layer with its fields, and points at these tiles.
    let tj = rs[3].json();
    assert_eq!(tj["vector_layers"].as_array().unwrap().len(), 1, "{tj}");
    assert_eq!(tj["vector_layers"][0]["id"], "utilisation");
    for field in ["id", "flow", "capacity", "utilisation", "source"] {
        assert!(
            tj["vector_layers"][0]["fields"][field].is_string(),
            "{field}: {tj}"
        );
    }
    let url = tj["tiles"][0].as_str().unwrap();
    assert!(
        url.ends_with(&format!("?layer=utilisation&demand={demand}")),
        "{url}"
    );
    let style = rs[4].json();
    assert!(
        style["sources"]["corridor"]["url"]
            .as_str()
            .unwrap()
            .contains("layer=utilisation")
    );
    assert_eq!(style["layers"][0]["source-layer"], "utilisation");
    // The assignment is computed once and kept beside the tiles.
    assert_eq!(st.current().tiles.assignments_kept(), 1);
}

#[actix_web::test]
async fn a_tile_that_outlives_the_compute_bound_is_kept_for_the_retry() {
    // No time at all: the first request answers 503, but the worker finishes the tile and
    // caches it, so a retry is served (from the cache, which needs no compute).
    let st = common::app::embedded_with(corridor::http::ServerConfig {
        compute_timeout: std::time::Duration::ZERO,
        ..corridor::http::ServerConfig::default()
    });
    let first = call(&st, get("/tiles/5/25/11.mvt")).await;
    assert_eq!(first.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(first.content_type(), "application/problem+json");
    let mut retry = None;
    for _ in 0..100 {
        if st.current().tiles.usage().0 == 1 {
            retry = Some(call(&st, get("/tiles/5/25/11.mvt")).await);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let retry = retry.expect("the worker cached the tile within 5 s");
    assert_eq!(retry.status, StatusCode::OK);
    assert_eq!(retry.content_type(), "application/vnd.mapbox-vector-tile");
    let plain = call(&embedded(), get("/tiles/5/25/11.mvt")).await;
    assert_eq!(retry.body, plain.body, "the same tile as computed in time");
}

/// A comb inside the z4 tile 4/12/5 (90–112.5°E, 41–48.9°N): a rail spine of 41 cities along
/// 45°N, and at every city 30 rail spurs of 0.2° or more north-east to junctions. 40 spine
/// links carry every city-to-city path; the 1,230 spurs carry none.
fn comb() -> corridor::Network {
    let mut d = common::Draw::new();
    for i in 0..41 {
        let lon = 92.0 + 0.45 * f64::from(i);
        d = d.node(
            &format!("city-{i:02}"),
            "MN",
            "city",
            &["rail"],
            [lon, 45.0],
        );
        for j in 0..30 {
            let at = [lon + 0.03 * f64::from(j), 45.2 + 0.01 * f64::from(j)];
            d = d.node(
                &format!("end-{i:02}-{j:02}"),
                "MN",
                "junction",
                &["rail"],
                at,
            );
        }
    }
    for i in 0..41 {
        if i > 0 {
            let (a, b) = (format!("city-{:02}", i - 1), format!("city-{i:02}"));
            d = d.rail(&format!("spine-{i:02}"), &a, &b);
        }
        for j in 0..30 {
            let (a, b) = (format!("city-{i:02}"), format!("end-{i:02}-{j:02}"));
            d = d.rail(&format!("spur-{i:02}-{j:02}"), &a, &b);
        }
    }
    d.network()
}

#[actix_web::test]
async fn a_dense_network_keeps_its_main_lines_at_low_zoom() {
    use corridor::output::thinning::{RAIL_PER_TILE, Thinned, Thinning};
    let net = comb();
    let thin = Thinning::of(&net);
    // One z4 tile holds the 1,270 rail lines, over the budget, so z4 is thinned; z7 and above
    // never are.
    assert!(thin.thins(4, Thinned::Rail));
    assert!(!thin.thins(7, Thinned::Rail));
    let st = common::app::state(net);
    let z4 = call(&st, get("/tiles/4/12/5.mvt")).await;
    assert_eq!(z4.status, StatusCode::OK);
    let has = |body: &[u8], s: &str| body.windows(s.len()).any(|w| w == s.as_bytes());
    for i in 1..41 {
        let id = format!("spine-{i:02}");
        assert!(has(&z4.body, &id), "main line {id} missing at z4");
    }
    let spurs = |body: &[u8]| {
        (0..41)
            .flat_map(|i| (0..30).map(move |j| format!("spur-{i:02}-{j:02}")))
            .filter(|id| has(body, id))
            .count()
    };
    let at_z4 = spurs(&z4.body);
    assert_eq!(
        at_z4 + 40,
        RAIL_PER_TILE as usize,
        "the one tile keeps the budget: the spine and the longest spurs"
    );
    assert!(at_z4 > 0, "the budget left room for the longest spurs");
    // At z7 every spur is back: the z7 tile at 92°E 45.1°N holds all of city 0's.
    let (x, y) = tile_of(7, 92.0, 45.1);
    let z7 = call(&st, get(&format!("/tiles/7/{x}/{y}.mvt"))).await;
    assert_eq!(z7.status, StatusCode::OK);
    for j in 0..30 {
        let id = format!("spur-00-{j:02}");
        assert!(has(&z7.body, &id), "{id} missing at z7");
    }
}
