//! Scenarios over HTTP, in process over the shared router, on the real data: the list, one
//! scenario before/after, `scenario=NAME` on the query endpoints, and unknown names.

use actix_web::http::StatusCode;
use actix_web::{test, web};
use corridor::Snapshot;
use corridor::corridor_app;
use corridor::http::{AppState, ServerConfig};
use serde_json::Value;

const NAUSHKI: &str = "xr-naushki-sukhbaatar";

fn state() -> web::Data<AppState> {
    let snap = Snapshot::embedded().expect("embedded network and scenarios are valid");
    web::Data::new(AppState::new(snap, ServerConfig::default()))
}

async fn get(data: &web::Data<AppState>, uri: &str) -> (StatusCode, Value) {
    let app = test::init_service(corridor_app!(data)).await;
    let res = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
    let status = res.status();
    let body = test::read_body(res).await;
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("{uri}: {e}: {}", String::from_utf8_lossy(&body)));
    (status, json)
}

fn crossings(route: &Value) -> Vec<String> {
    route["properties"]["crossings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

#[actix_web::test]
async fn the_list_names_every_shipped_scenario() {
    let data = state();
    let (status, doc) = get(&data, "/v1/scenarios").await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    let names: Vec<&str> = doc["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    for n in [
        "gashuunsukhait-rail-open",
        "naushki-closed",
        "rosgranstroy-priority",
        "tashanta-reconstructed",
    ] {
        assert!(names.contains(&n), "{names:?}");
    }
    let priority = doc["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "rosgranstroy-priority")
        .unwrap();
    assert_eq!(priority["changes"], 7);
    assert_eq!(priority["estimates"], 2);
    assert!(!priority["title"].as_str().unwrap().is_empty());
}

#[actix_web::test]
async fn one_scenario_shows_touched_features_before_and_after() {
    let data = state();
    let (status, fc) = get(&data, "/v1/scenarios/naushki-closed").await;
    assert_eq!(status, StatusCode::OK, "{fc}");
    let features = fc["features"].as_array().unwrap();
    assert_eq!(features.len(), 2, "{fc}");
    assert_eq!(features[0]["properties"]["case"], "baseline");
    assert_eq!(features[0]["properties"]["status"], "open");
    assert_eq!(features[1]["properties"]["case"], "scenario");
    assert_eq!(features[1]["properties"]["status"], "closed");
    assert_eq!(features[1]["properties"]["id"], NAUSHKI);
    assert_eq!(
        features[1]["properties"]["scenario"]["name"],
        "naushki-closed"
    );
    assert_eq!(fc["changes"][0]["estimate"], false);
    assert!(!fc["changes"][0]["source"].as_str().unwrap().is_empty());
}

#[actix_web::test]
async fn an_unknown_scenario_is_404_naming_the_field_with_suggestions() {
    let data = state();
    for uri in [
        "/v1/route?from=ru-ulan-ude&to=cn-beijing&scenario=naushki-close",
        "/v1/scenarios/naushki-close",
    ] {
        let (status, doc) = get(&data, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {doc}");
        assert_eq!(doc["field"], "scenario", "{uri}: {doc}");
        assert_eq!(doc["suggestions"][0], "naushki-closed", "{uri}: {doc}");
    }
}

#[actix_web::test]
async fn naushki_closed_moves_ulan_ude_beijing_rail_off_naushki() {
    let data = state();
    let q = "/v1/route?from=ru-ulan-ude&to=cn-beijing&mode=rail";
    let (status, base) = get(&data, q).await;
    assert_eq!(status, StatusCode::OK, "{base}");
    assert!(crossings(&base["features"][0]).contains(&NAUSHKI.to_string()));
    let (status, shut) = get(&data, &format!("{q}&scenario=naushki-closed")).await;
    assert_eq!(status, StatusCode::OK, "{shut}");
    let used = crossings(&shut["features"][0]);
    assert!(!used.contains(&NAUSHKI.to_string()), "{used:?}");
    let km = |fc: &Value| {
        fc["features"][0]["properties"]["distance_km"]
            .as_f64()
            .unwrap()
    };
    assert!(km(&shut) > km(&base), "{} vs {}", km(&shut), km(&base));
}

#[actix_web::test]
async fn compare_route_tags_both_cases_and_reports_the_delta() {
    let data = state();
    let q = "/v1/compare/route?from=ru-ulan-ude&to=cn-beijing&mode=rail&scenario=naushki-closed";
    let (status, fc) = get(&data, q).await;
    assert_eq!(status, StatusCode::OK, "{fc}");
    let cases: Vec<&str> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["case"].as_str().unwrap())
        .collect();
    assert_eq!(cases, ["baseline", "scenario"]);
    assert_eq!(fc["scenario"], "naushki-closed");
    let delta = &fc["delta"];
    assert_eq!(delta["crossings"]["removed"][0], NAUSHKI, "{delta}");
    let km = &delta["measures"]["distance_km"];
    let change = km["change"].as_f64().unwrap();
    let expected = km["scenario"].as_f64().unwrap() - km["baseline"].as_f64().unwrap();
    assert!(change > 0.0 && (change - expected).abs() < 0.01, "{km}");
    assert_eq!(delta["same_links"], false);
    // The baseline case answers exactly as the plain route.
    let (_, plain) = get(&data, "/v1/route?from=ru-ulan-ude&to=cn-beijing&mode=rail").await;
    let mut base = fc["features"][0].clone();
    base["properties"].as_object_mut().unwrap().remove("case");
    assert_eq!(base, plain["features"][0]);
}

#[actix_web::test]
async fn compare_without_a_scenario_is_400_naming_it() {
    let data = state();
    let (status, doc) = get(&data, "/v1/compare/route?from=ru-ulan-ude&to=cn-beijing").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{doc}");
    assert_eq!(doc["field"], "scenario");
}

#[actix_web::test]
async fn the_demand_list_gives_every_line_with_its_derivation() {
    let data = state();
    let (status, doc) = get(&data, "/v1/demand").await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    let sets = doc["demand"].as_array().unwrap();
    let names: Vec<&str> = sets.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["eaeu-fta-2027", "mongolia-trade-2023"]);
    for s in sets {
        assert!(s["total_tpy"].as_f64().unwrap() > 1e6, "{s}");
        for d in s["demands"].as_array().unwrap() {
            assert!(!d["derivation"].as_str().unwrap().is_empty());
            assert_eq!(d["estimate"], true);
        }
    }
}
