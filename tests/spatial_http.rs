//! `/v1/nearest`, `/v1/features`, `/v1/crossings` in process over the shared router.

mod common;

use actix_web::http::{StatusCode, header};
use actix_web::test::TestRequest;
use common::Draw;
use common::app::{self, State};
use serde_json::{Value, json};

fn embedded() -> State {
    app::embedded()
}

/// ```text
///  lat
///   2  c ──────────────────────────── d     road c–d (MN), 10° long, no vertex between
///   0  a ── b ═══ e                        rail a–b (MN), crossing b–e (MN→CN)
///      0    1     2                 10  lon
/// ```
fn drawn() -> State {
    let net = Draw::new()
        .node("a", "MN", "city", &["rail"], [0.0, 0.0])
        .name("Place a")
        .node("b", "MN", "border_point", &["rail"], [1.0, 0.0])
        .name("Place b")
        .node("c", "MN", "city", &["road"], [0.0, 2.0])
        .name("Place c")
        .node("d", "MN", "city", &["road"], [10.0, 2.0])
        .name("Place d")
        .node("e", "CN", "border_point", &["rail"], [2.0, 0.0])
        .name("Place e")
        .rail("ab", "a", "b")
        .road("cd", "c", "d")
        .set("road_class", json!("trunk"))
        .speed(60.0)
        .crossing("xr-b-e", "b", "e", "rail", ["MN", "CN"])
        .speed(20.0)
        .name("B–E")
        .dwell(6.5)
        .veterinary(false)
        .capacity(10.0, "trains/day")
        .network();
    app::state(net)
}

async fn get(state: State, uri: &str) -> (StatusCode, String, Value) {
    let res = app::get(&state, uri).await;
    (res.status, res.content_type(), res.json())
}

fn ids(v: &Value) -> Vec<String> {
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["id"].as_str().unwrap().to_string())
        .collect()
}

fn error_fields(v: &Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

mod nearest {
    use super::*;

    #[actix_web::test]
    async fn ranks_by_geodesic_distance() {
        let (s, ct, v) = get(embedded(), "/v1/nearest?lon=106.11&lat=50.37&k=3").await;
        assert_eq!(s, 200);
        assert_eq!(ct, "application/geo+json");
        assert_eq!(v["type"], "FeatureCollection");
        let fs = v["features"].as_array().unwrap();
        assert_eq!(fs.len(), 3);
        assert_eq!(fs[0]["properties"]["id"], "ru-naushki");
        assert_eq!(fs[0]["properties"]["rank"], 1);
        let d: Vec<f64> = fs
            .iter()
            .map(|f| f["properties"]["distance_km"].as_f64().unwrap())
            .collect();
        assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
        assert!(d[0] < 2.0, "Naushki is ~1.3 km away, got {}", d[0]);
    }

    #[actix_web::test]
    async fn filters_by_kind_and_mode() {
        let (s, _, v) = get(drawn(), "/v1/nearest?lon=0.9&lat=0.1&k=10&kind=city").await;
        assert_eq!(s, 200);
        assert_eq!(ids(&v), ["a", "c", "d"]);
        let (_, _, v) = get(drawn(), "/v1/nearest?lon=0.9&lat=0.1&k=1&mode=road").await;
        assert_eq!(ids(&v), ["c"]);
    }

    #[actix_web::test]
    async fn default_k_is_five() {
        let (_, _, v) = get(drawn(), "/v1/nearest?lon=0&lat=0").await;
        assert_eq!(v["features"].as_array().unwrap().len(), 5);
    }

    #[actix_web::test]
    async fn missing_and_malformed_parameters_are_all_named() {
        let (s, ct, v) = get(drawn(), "/v1/nearest?k=0&mode=air&kind=village").await;
        assert_eq!(s, 400);
        assert_eq!(ct, "application/problem+json");
        let f = error_fields(&v);
        for want in ["lon", "lat", "k", "mode", "kind"] {
            assert!(f.contains(&want.to_string()), "{want} not in {f:?}");
        }
    }

    #[actix_web::test]
    async fn out_of_range_position_is_refused() {
        let (s, _, v) = get(drawn(), "/v1/nearest?lon=200&lat=NaN").await;
        assert_eq!(s, 400);
        assert_eq!(error_fields(&v), ["lon", "lat"]);
    }
}

mod features {
    use super::*;

    #[actix_web::test]
    async fn long_link_crossing_the_box_without_a_vertex_is_found() {
        let (s, ct, v) = get(drawn(), "/v1/features?bbox=4,1,6,3").await;
        assert_eq!(s, 200);
        assert_eq!(ct, "application/geo+json");
        assert_eq!(ids(&v), ["cd"]);
    }

    #[actix_web::test]
    async fn nodes_then_links_by_default_and_crossings_once() {
        let (_, _, v) = get(drawn(), "/v1/features?bbox=-1,-1,3,1").await;
        assert_eq!(ids(&v), ["a", "b", "e", "ab", "xr-b-e"]);
        let (_, _, v) = get(drawn(), "/v1/features?bbox=-1,-1,3,1&layer=links,crossings").await;
        assert_eq!(ids(&v), ["ab", "xr-b-e"]);
        let layers: Vec<&str> = v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["layer"].as_str().unwrap())
            .collect();
        assert_eq!(layers, ["link", "crossing"]);
    }

    #[actix_web::test]
    async fn filters_by_mode_country_and_kind() {
        let all = "/v1/features?bbox=-1,-1,11,3&layer=nodes,links";
        let (_, _, v) = get(drawn(), &format!("{all}&mode=road")).await;
        assert_eq!(ids(&v), ["c", "d", "cd"]);
        let (_, _, v) = get(drawn(), &format!("{all}&country=cn")).await;
        assert_eq!(ids(&v), ["e", "xr-b-e"]);
        let (_, _, v) = get(drawn(), &format!("{all}&kind=border_point,crossing")).await;
        assert_eq!(ids(&v), ["b", "e", "xr-b-e"]);
        let (_, _, v) = get(drawn(), &format!("{all}&kind=city")).await;
        assert_eq!(ids(&v), ["a", "c", "d"], "links have no kind listed: none");
    }

    #[actix_web::test]
    async fn kind_of_another_layer_is_refused() {
        let (s, _, v) = get(
            drawn(),
            "/v1/features?bbox=-1,-1,11,3&layer=links&kind=city",
        )
        .await;
        assert_eq!(s, 400);
        assert_eq!(v["field"], "kind");
    }

    #[actix_web::test]
    async fn bad_boxes_are_refused() {
        for bbox in [
            "1,2,3",
            "1,2,3,4,5",
            "a,0,1,1",
            "0,0,NaN,1",
            "0,0,inf,1",
            "-181,0,1,1",
            "0,-91,1,1",
            "0,0,1,91",
            "0,1,1,1",
            "0,1,1,0",
            "1,0,1,1",
        ] {
            let (s, _, v) = get(drawn(), &format!("/v1/features?bbox={bbox}")).await;
            assert_eq!(s, 400, "{bbox}");
            assert_eq!(v["field"], "bbox", "{bbox}");
        }
        let (s, _, _) = get(drawn(), "/v1/features").await;
        assert_eq!(s, 400);
    }

    #[actix_web::test]
    async fn antimeridian_box_is_refused_with_a_reason() {
        let (s, _, v) = get(drawn(), "/v1/features?bbox=170,-10,-170,10").await;
        assert_eq!(s, 400);
        assert!(
            v["detail"].as_str().unwrap().contains("antimeridian"),
            "{v}"
        );
    }

    #[actix_web::test]
    async fn unknown_country_and_layer_are_refused() {
        let (s, _, v) = get(drawn(), "/v1/features?bbox=0,0,1,1&country=XX&layer=roads").await;
        assert_eq!(s, 400);
        assert_eq!(error_fields(&v), ["layer", "country"]);
    }

    #[actix_web::test]
    async fn etag_revalidates_and_depends_on_the_query() {
        let state = drawn();
        let uri = "/v1/features?bbox=-1,-1,3,1";
        let res = app::get(&state, uri).await;
        assert_eq!(res.status, 200);
        let etag = res.headers.get(header::ETAG).unwrap().clone();
        let res = app::call(
            &state,
            TestRequest::get()
                .uri(uri)
                .insert_header((header::IF_NONE_MATCH, etag.clone())),
        )
        .await;
        assert_eq!(res.status, StatusCode::NOT_MODIFIED);
        let res = app::call(
            &state,
            TestRequest::get()
                .uri("/v1/features?bbox=-1,-1,3,2")
                .insert_header((header::IF_NONE_MATCH, etag.clone())),
        )
        .await;
        assert_eq!(res.status, 200);
        assert_ne!(res.headers.get(header::ETAG).unwrap(), &etag);
    }
}

mod crossings {
    use super::*;

    #[actix_web::test]
    async fn lists_crossings_with_their_attributes() {
        let (s, ct, v) = get(drawn(), "/v1/crossings").await;
        assert_eq!(s, 200);
        assert_eq!(ct, "application/geo+json");
        assert_eq!(ids(&v), ["xr-b-e"]);
        let p = &v["features"][0]["properties"];
        assert_eq!(p["countries"], serde_json::json!(["MN", "CN"]));
        assert_eq!(p["dwell_h"], 6.5);
        assert_eq!(p["hours"], "24/7");
        assert_eq!(p["veterinary"], false);
        assert_eq!(p["capacity"]["unit"], "trains/day");
        assert_eq!(p["capacity_tpy"], 10.0 * 3000.0 * 365.0);
        assert_eq!(p["from_name"], "Place b");
        assert_eq!(p["to_name"], "Place e");
        assert_eq!(p["layer"], "crossing");
    }

    #[actix_web::test]
    async fn filtered_by_countries() {
        let (_, _, v) = get(drawn(), "/v1/crossings?countries=CN,MN").await;
        assert_eq!(ids(&v), ["xr-b-e"]);
        let (_, _, v) = get(drawn(), "/v1/crossings?countries=mn").await;
        assert_eq!(ids(&v), ["xr-b-e"], "one country: every crossing of it");
        let (_, _, v) = get(drawn(), "/v1/crossings?mode=road").await;
        assert!(ids(&v).is_empty());
        let (s, _, v) = get(drawn(), "/v1/crossings?countries=RU,ZZ").await;
        assert_eq!(s, 400);
        assert!(v["detail"].as_str().unwrap().contains("unknown country"));
    }

    #[actix_web::test]
    async fn embedded_naushki_is_a_russia_mongolia_crossing() {
        let (s, _, v) = get(embedded(), "/v1/crossings?countries=RU,MN").await;
        assert_eq!(s, 200);
        assert!(ids(&v).contains(&"xr-naushki-sukhbaatar".to_string()));
        for f in v["features"].as_array().unwrap() {
            let mut c: Vec<&str> = f["properties"]["countries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap())
                .collect();
            c.sort();
            assert_eq!(c, ["MN", "RU"]);
        }
    }
}

/// Corridor cases on the real network; they run once `geodata/` holds it (the placeholder
/// network has four nodes).
mod corridor_data {
    use super::*;

    fn real() -> Option<State> {
        let state = app::embedded();
        assert!(
            state.current().network.node("cn-erenhot").is_some(),
            "the embedded network must be the real corridor data"
        );
        Some(state)
    }

    #[actix_web::test]
    async fn mongolia_box_holds_its_border_crossings() {
        let Some(state) = real() else { return };
        let (s, _, v) = get(
            state,
            "/v1/features?bbox=87.7,41.6,119.9,52.1&layer=crossings",
        )
        .await;
        assert_eq!(s, 200);
        let got = ids(&v);
        for id in [
            "xr-naushki-sukhbaatar",
            "xr-zamyn-uud-erenhot",
            "xd-kyakhta-altanbulag",
            "xd-tashanta-tsagaannuur",
        ] {
            assert!(got.contains(&id.to_string()), "{id} not in {got:?}");
        }
        assert!(!got.contains(&"xr-dostyk-alashankou".to_string()));
    }

    #[actix_web::test]
    async fn nearest_to_erenhot_is_erenhot() {
        let Some(state) = real() else { return };
        let net = &state.current().network;
        let p = net.node("cn-erenhot").unwrap().point;
        let uri = format!("/v1/nearest?lon={}&lat={}&k=1", p.x(), p.y());
        let (_, _, v) = get(state.clone(), &uri).await;
        assert_eq!(ids(&v), ["cn-erenhot"]);
    }

    #[actix_web::test]
    async fn china_kazakhstan_crossings() {
        let Some(state) = real() else { return };
        let (_, _, v) = get(state, "/v1/crossings?countries=KZ,CN").await;
        let got = ids(&v);
        for id in [
            "xr-dostyk-alashankou",
            "xr-altynkol-khorgos",
            "xd-nur-zholy-khorgos",
        ] {
            assert!(got.contains(&id.to_string()), "{id} not in {got:?}");
        }
    }
}
