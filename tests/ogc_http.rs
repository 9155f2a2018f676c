//! OGC API – Features (Part 1 Core, GeoJSON) in process over the shared router.

use std::collections::BTreeSet;

mod common;

use actix_web::http::{StatusCode, header};
use common::app::{self, State};
use corridor::snapshot::Snapshot;
use serde_json::Value;

/// One served state for all tests (building a snapshot of the real network per request
/// would dominate the run time).
fn state() -> State {
    app::embedded()
}

struct Res {
    status: StatusCode,
    content_type: String,
    etag: Option<String>,
    vary: Vec<String>,
    json: Value,
}

async fn get_with(uri: &str, headers: &[(&str, &str)]) -> Res {
    let res = app::get_with(&state(), uri, headers).await;
    Res {
        status: res.status,
        content_type: res.content_type(),
        etag: res.header(header::ETAG),
        vary: res.header_all(header::VARY),
        json: res.json(),
    }
}

async fn get(uri: &str) -> Res {
    get_with(uri, &[]).await
}

fn link<'a>(doc: &'a Value, rel: &str) -> Option<&'a str> {
    doc["links"]
        .as_array()?
        .iter()
        .find(|l| l["rel"] == rel)
        .and_then(|l| l["href"].as_str())
}

/// The path and query of an absolute link.
fn local(href: &str) -> String {
    let rest = href.split_once("://").unwrap().1;
    rest[rest.find('/').unwrap()..].to_string()
}

fn feature_ids(doc: &Value) -> Vec<String> {
    doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

#[actix_web::test]
async fn landing_page_links_the_api_conformance_and_collections() {
    for uri in ["/ogc", "/ogc/", "/ogc?f=json"] {
        let r = get(uri).await;
        assert_eq!(r.status, 200, "{uri}");
        assert_eq!(r.content_type, "application/json");
        for rel in ["self", "service-desc", "service-doc", "conformance", "data"] {
            assert!(link(&r.json, rel).is_some(), "{uri}: no {rel} link");
        }
        assert!(link(&r.json, "data").unwrap().ends_with("/ogc/collections"));
    }
}

#[actix_web::test]
async fn unknown_format_is_refused() {
    let r = get("/ogc?f=html").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["field"], "f");
    let r = get("/ogc/collections/nodes/items?f=xml").await;
    assert_eq!(r.status, 400);
}

#[actix_web::test]
async fn conformance_declares_core_and_geojson() {
    let r = get("/ogc/conformance").await;
    let c: Vec<&str> = r.json["conformsTo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(c.contains(&"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"));
    assert!(c.contains(&"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"));
}

#[actix_web::test]
async fn three_collections_with_extent_and_crs84() {
    let r = get("/ogc/collections").await;
    assert_eq!(r.status, 200);
    let cols = r.json["collections"].as_array().unwrap();
    let ids: Vec<&str> = cols.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["nodes", "links", "crossings"]);
    let crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
    let snap = Snapshot::embedded().unwrap();
    for c in cols {
        assert_eq!(c["itemType"], "feature");
        assert_eq!(c["extent"]["spatial"]["crs"], crs84);
        assert!(c["crs"].as_array().unwrap().contains(&crs84.into()));
        let b: Vec<f64> = c["extent"]["spatial"]["bbox"][0]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        assert_eq!(b.len(), 4);
        assert!(b[0] < b[2] && b[1] < b[3], "{b:?}");
        assert!(link(c, "items").unwrap().ends_with("/items"));
        assert!(link(c, "describedby").unwrap().ends_with("/schema"));
    }
    // The nodes extent holds every node.
    let b = &cols[0]["extent"]["spatial"]["bbox"][0];
    for n in snap.network.nodes() {
        assert!(n.point.x() >= b[0].as_f64().unwrap() - 1e-6);
        assert!(n.point.y() <= b[3].as_f64().unwrap() + 1e-6);
    }
    let one = get("/ogc/collections/crossings").await;
    assert_eq!(one.json["id"], "crossings");
    let none = get("/ogc/collections/roads").await;
    assert_eq!(none.status, 404);
    assert_eq!(none.content_type, "application/problem+json");
}

#[actix_web::test]
async fn items_count_and_media_type() {
    let snap = Snapshot::embedded().unwrap();
    let net = &snap.network;
    for (col, n) in [
        ("nodes", net.nodes().len()),
        ("links", net.links().len()),
        ("crossings", net.crossings().count()),
    ] {
        let r = get(&format!("/ogc/collections/{col}/items")).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.content_type, "application/geo+json");
        assert_eq!(r.json["type"], "FeatureCollection");
        assert_eq!(r.json["numberMatched"], n);
        assert_eq!(r.json["numberReturned"], n.min(100));
        assert!(r.etag.is_some());
    }
}

#[actix_web::test]
async fn json_by_f_or_accept() {
    let r = get("/ogc/collections/nodes/items?f=json").await;
    assert_eq!(r.content_type, "application/json");
    let r = get_with(
        "/ogc/collections/nodes/items",
        &[("Accept", "application/json")],
    )
    .await;
    assert_eq!(r.content_type, "application/json");
    let r = get_with(
        "/ogc/collections/nodes/items",
        &[("Accept", "application/geo+json, application/json;q=0.9")],
    )
    .await;
    assert_eq!(r.content_type, "application/geo+json");
    let r = get("/ogc/collections/nodes/items?f=geojson").await;
    assert_eq!(r.content_type, "application/geo+json");
    assert!(
        r.vary
            .iter()
            .flat_map(|v| v.split(','))
            .any(|v| v.trim() == "Accept"),
        "{:?}",
        r.vary
    );
}

#[actix_web::test]
async fn paging_with_next_and_prev_visits_every_item_once() {
    let total = Snapshot::embedded().unwrap().network.links().len();
    let mut uri = "/ogc/collections/links/items?limit=7".to_string();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let r = get(&uri).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.json["numberMatched"], total);
        let ids = feature_ids(&r.json);
        assert!(ids.len() <= 7);
        assert_eq!(r.json["numberReturned"], ids.len());
        if pages > 0 {
            assert!(link(&r.json, "prev").is_some());
        } else {
            assert!(link(&r.json, "prev").is_none());
        }
        seen.extend(ids);
        pages += 1;
        match link(&r.json, "next") {
            Some(next) => uri = local(next),
            None => break,
        }
        assert!(pages < 10_000);
    }
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), total);
    assert_eq!(unique.len(), total);
}

#[actix_web::test]
async fn limit_is_validated_and_clamped() {
    assert_eq!(
        get("/ogc/collections/nodes/items?limit=0").await.status,
        400
    );
    assert_eq!(
        get("/ogc/collections/nodes/items?limit=-1").await.status,
        400
    );
    assert_eq!(
        get("/ogc/collections/nodes/items?offset=x").await.status,
        400
    );
    let r = get("/ogc/collections/nodes/items?limit=50000").await;
    assert_eq!(r.status, 200);
    assert!(link(&r.json, "self").unwrap().contains("limit=10000"));
    let r = get("/ogc/collections/nodes/items?offset=100000").await;
    assert_eq!(r.json["numberReturned"], 0);
    assert!(link(&r.json, "next").is_none());
}

#[actix_web::test]
async fn every_feature_carries_every_property() {
    for col in ["nodes", "links", "crossings"] {
        let r = get(&format!("/ogc/collections/{col}/items?limit=10000")).await;
        let schema = get(&format!("/ogc/collections/{col}/schema")).await;
        assert_eq!(schema.status, 200);
        assert_eq!(schema.content_type, "application/schema+json");
        let mut want: BTreeSet<String> = schema.json["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        want.remove("geometry");
        assert_eq!(schema.json["properties"]["id"]["x-ogc-role"], "id");
        for f in r.json["features"].as_array().unwrap() {
            let keys: BTreeSet<String> = f["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            assert_eq!(keys, want, "{col}: {}", f["id"]);
            // Flat: no nested objects for GIS clients.
            assert!(
                f["properties"]
                    .as_object()
                    .unwrap()
                    .values()
                    .all(|v| !v.is_object())
            );
        }
    }
}

#[actix_web::test]
async fn bbox_filters_items() {
    let r = get("/ogc/collections/nodes/items?bbox=106.0,50.0,106.5,50.5").await;
    let ids = feature_ids(&r.json);
    assert!(ids.contains(&"ru-naushki".to_string()));
    assert!(ids.contains(&"mn-sukhbaatar".to_string()));
    assert!(!ids.contains(&"mn-ulaanbaatar".to_string()));
    assert_eq!(r.json["numberMatched"], ids.len());
    let next = get("/ogc/collections/nodes/items?bbox=106.0,50.0,106.5,50.5&limit=1").await;
    if ids.len() > 1 {
        assert!(
            link(&next.json, "next")
                .unwrap()
                .contains("bbox=106,50,106.5,50.5")
        );
    }
    let r6 = get("/ogc/collections/nodes/items?bbox=106.0,50.0,0,106.5,50.5,10").await;
    assert_eq!(feature_ids(&r6.json), ids);
    assert_eq!(
        get("/ogc/collections/nodes/items?bbox=170,0,-170,10")
            .await
            .status,
        400
    );
}

#[actix_web::test]
async fn datetime_is_accepted_and_ignored() {
    let a = get("/ogc/collections/nodes/items").await;
    let b = get("/ogc/collections/nodes/items?datetime=2024-01-01T00:00:00Z").await;
    assert_eq!(b.status, 200);
    assert_eq!(feature_ids(&a.json), feature_ids(&b.json));
}

#[actix_web::test]
async fn unknown_parameter_is_refused() {
    let r = get("/ogc/collections/nodes/items?limt=5").await;
    assert_eq!(r.status, 400);
    assert!(r.json["detail"].as_str().unwrap().contains("limit"));
}

#[actix_web::test]
async fn single_item_and_its_links() {
    let r = get("/ogc/collections/nodes/items/ru-naushki").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type, "application/geo+json");
    assert_eq!(r.json["type"], "Feature");
    assert_eq!(r.json["id"], "ru-naushki");
    assert_eq!(r.json["geometry"]["type"], "Point");
    assert!(
        link(&r.json, "self")
            .unwrap()
            .ends_with("/items/ru-naushki")
    );
    assert!(link(&r.json, "collection").is_some());
    let c = get("/ogc/collections/crossings/items/xr-naushki-sukhbaatar").await;
    assert_eq!(c.status, 200);
    assert_eq!(
        c.json["properties"]["countries"],
        serde_json::json!(["RU", "MN"])
    );
    assert_eq!(c.json["properties"]["capacity_unit"], "t/yr");
}

#[actix_web::test]
async fn missing_item_is_404_with_close_ids() {
    let r = get("/ogc/collections/nodes/items/ru-naushky").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json["field"], "featureId");
    assert_eq!(r.json["suggestions"][0], "ru-naushki");
    // A link that is not a crossing is not in the crossings collection.
    let line = Snapshot::embedded()
        .unwrap()
        .network
        .links()
        .iter()
        .find(|l| l.crossing.is_none())
        .unwrap()
        .id
        .0
        .clone();
    let r = get(&format!("/ogc/collections/crossings/items/{line}")).await;
    assert_eq!(r.status, 404);
}

#[actix_web::test]
async fn items_revalidate_with_etag() {
    let uri = "/ogc/collections/links/items?limit=5";
    let res = app::get(&state(), uri).await;
    let etag = res.header(header::ETAG).unwrap();
    let res = app::get_with(
        &state(),
        uri,
        &[(header::IF_NONE_MATCH.as_str(), etag.as_str())],
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_MODIFIED);
    // Same query, other media type: another representation, another ETag.
    let res = app::get_with(
        &state(),
        uri,
        &[
            (header::ACCEPT.as_str(), "application/json"),
            (header::IF_NONE_MATCH.as_str(), etag.as_str()),
        ],
    )
    .await;
    assert_eq!(res.status, 200);
}

#[actix_web::test]
async fn next_links_carry_a_cursor_and_cursor_pages_equal_offset_pages() {
    // Keyset paging: the `next` link names where the next page starts; that page is the
    // one the offset would give, and its `prev` link leads back.
    let first = get("/ogc/collections/links/items?limit=7").await;
    let next = link(&first.json, "next").expect("a next link");
    assert!(next.contains("cursor=c7"), "{next}");
    assert!(!next.contains("offset="), "{next}");
    let by_cursor = get(&local(next)).await;
    let by_offset = get("/ogc/collections/links/items?limit=7&offset=7").await;
    assert_eq!(by_cursor.status, 200);
    assert_eq!(feature_ids(&by_cursor.json), feature_ids(&by_offset.json));
    assert!(link(&by_cursor.json, "self").unwrap().contains("cursor=c7"));
    let prev = link(&by_cursor.json, "prev").expect("a prev link");
    assert_eq!(
        feature_ids(&get(&local(prev)).await.json),
        feature_ids(&first.json)
    );
    // A cursor past the end: an empty last page.
    let end = get("/ogc/collections/nodes/items?cursor=c4000000000").await;
    assert_eq!(end.status, 200);
    assert_eq!(end.json["numberReturned"], 0);
    assert!(link(&end.json, "next").is_none());
}

#[actix_web::test]
async fn cursor_pages_of_a_bbox_and_of_crossings_visit_every_item_once_in_index_order() {
    for (base, whole) in [
        (
            "/ogc/collections/nodes/items?bbox=100,40,120,52&limit=3",
            "/ogc/collections/nodes/items?bbox=100,40,120,52&limit=10000",
        ),
        (
            "/ogc/collections/crossings/items?limit=4",
            "/ogc/collections/crossings/items?limit=10000",
        ),
    ] {
        let want = feature_ids(&get(whole).await.json);
        assert!(want.len() > 4, "{base}: {want:?}");
        let mut uri = base.to_string();
        let mut seen = Vec::new();
        loop {
            let r = get(&uri).await;
            assert_eq!(r.status, 200, "{uri}");
            assert_eq!(r.json["numberMatched"], want.len());
            seen.extend(feature_ids(&r.json));
            match link(&r.json, "next") {
                Some(n) => {
                    assert!(n.contains("cursor=c"), "{n}");
                    uri = local(n);
                }
                None => break,
            }
        }
        assert_eq!(seen, want, "{base}");
    }
}

#[actix_web::test]
async fn a_bad_cursor_or_a_cursor_with_an_offset_is_refused_naming_the_field() {
    for (q, field) in [
        ("cursor=7", "cursor"),
        ("cursor=c", "cursor"),
        ("cursor=c-1", "cursor"),
        ("cursor=c99999999999", "cursor"),
        ("cursor=cx", "cursor"),
        ("cursor=c3&offset=3", "offset"),
    ] {
        let r = get(&format!("/ogc/collections/links/items?{q}")).await;
        assert_eq!(r.status, 400, "{q}");
        assert_eq!(r.content_type, "application/problem+json", "{q}");
        assert!(
            r.json.to_string().contains(&format!("\"{field}\"")),
            "{q}: {}",
            r.json
        );
    }
}
