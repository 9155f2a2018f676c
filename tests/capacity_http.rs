//! `GET /v1/capacity` and `POST /v1/assign` in process over the shared router: answers, and
//! every client mistake as a 4xx problem+json naming its field.

mod common;

use actix_web::http::StatusCode;
use common::Draw;
use common::app::{self, Reply};
use corridor::Network;
use serde_json::{Value, json};

/// `common::draw::two_countries()` plus a Kazakh road-only town (no rail in KZ).
fn network() -> Network {
    network_with(true)
}

/// As [`network`], with `ru-city` intermodal or not.
fn network_with(intermodal: bool) -> Network {
    common::draw::two_countries_with(intermodal)
        .node("kz-town", "KZ", "city", &["road"], [80.0, 45.0])
        .node("kz-town2", "KZ", "city", &["road"], [80.1, 45.0])
        .road("kz-r", "kz-town", "kz-town2")
        .oneway(false)
        .network()
}

fn triple(r: Reply) -> (StatusCode, String, Value) {
    (r.status, r.content_type(), r.json())
}

async fn get(uri: &str) -> (StatusCode, String, Value) {
    get_on(network(), uri).await
}

async fn get_on(net: Network, uri: &str) -> (StatusCode, String, Value) {
    triple(app::get(&app::state(net), uri).await)
}

async fn post_raw(body: Vec<u8>, content_type: &str) -> (StatusCode, String, Value) {
    triple(app::post(&app::state(network()), "/v1/assign", content_type, body).await)
}

async fn post(body: Value) -> (StatusCode, String, Value) {
    post_raw(serde_json::to_vec(&body).unwrap(), "application/json").await
}

/// Asserts a problem+json with `status`, naming `field` (first or anywhere in `errors`).
fn assert_problem(got: &(StatusCode, String, Value), status: u16, field: &str) {
    let (s, ct, doc) = got;
    assert_eq!(s.as_u16(), status, "{doc}");
    assert_eq!(ct, "application/problem+json");
    assert_eq!(doc["status"], status);
    let named = doc["field"] == field
        || doc["errors"]
            .as_array()
            .is_some_and(|e| e.iter().any(|x| x["field"] == field));
    assert!(named, "expected field {field} in {doc}");
}

mod capacity {
    use super::*;

    #[actix_web::test]
    async fn answers_with_max_flow_cut_and_query() {
        let (s, ct, doc) = get("/v1/capacity?from=RU&to=MN&mode=rail").await;
        assert_eq!(s, StatusCode::OK, "{doc}");
        assert_eq!(ct, "application/geo+json");
        assert_eq!(doc["type"], "FeatureCollection");
        assert_eq!(
            doc["max_flow"],
            json!({"value": 50.0, "unit": "t/yr", "unbounded": false})
        );
        let features = doc["features"].as_array().unwrap();
        let cut: f64 = features
            .iter()
            .filter(|f| f["properties"]["kind"] == "cut")
            .map(|f| f["properties"]["capacity_tpy"].as_f64().unwrap())
            .sum();
        assert_eq!(cut, 50.0);
        let mut cut_ids: Vec<&str> = doc["cut"]["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        cut_ids.sort();
        assert_eq!(cut_ids, vec!["x1", "x2"]);
        let flow = features
            .iter()
            .find(|f| f["properties"]["kind"] == "flow" && f["properties"]["link_id"] == "x1")
            .expect("x1 carries flow");
        assert_eq!(flow["properties"]["utilization"], 1.0);
        assert_eq!(flow["properties"]["direction"], "forward");
        assert_eq!(doc["query"]["mode"], "rail");
        assert_eq!(doc["query"]["from"]["places"], json!(["RU"]));
    }

    #[actix_web::test]
    async fn modes_change_only_at_intermodal_nodes() {
        // ru-road serves road only; at intermodal ru-city the flow may take the rail
        // crossings too: 5 by road + 30 + 20 by rail.
        let (s, _, doc) = get("/v1/capacity?from=ru-road&to=mn-city").await;
        assert_eq!(s, StatusCode::OK, "{doc}");
        assert_eq!(doc["max_flow"]["value"], 55.0);
        let transfer = doc["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| {
                f["properties"]["kind"] == "transfer" && f["properties"]["node_id"] == "ru-city"
            })
            .expect("a transfer at ru-city");
        assert_eq!(transfer["properties"]["flow_tpy"], 50.0);
        assert_eq!(transfer["properties"]["direction"], "road_to_rail");
    }

    #[actix_web::test]
    async fn no_mode_change_where_the_node_is_not_intermodal() {
        let (s, _, doc) = get_on(network_with(false), "/v1/capacity?from=ru-road&to=mn-city").await;
        assert_eq!(s, StatusCode::OK, "{doc}");
        assert_eq!(doc["max_flow"]["value"], 5.0);
        assert_eq!(doc["cut"]["links"], json!(["x3"]));
    }

    #[actix_web::test]
    async fn closing_and_overriding_links() {
        let (_, _, doc) =
            get("/v1/capacity?from=RU&to=MN&mode=rail&close=x1&set_capacity=x2:12.5").await;
        assert_eq!(doc["max_flow"]["value"], 12.5);
        assert_eq!(doc["query"]["close"], json!(["x1"]));
        assert_eq!(doc["query"]["set_capacity"], json!({"x2": 12.5}));
    }

    #[actix_web::test]
    async fn unbounded_flow_is_reported_with_its_path() {
        // mode=road: ru-r0 and ru-r3 have no capacity but x3 does; ask between two RU road
        // nodes joined only by an unconstrained road.
        let (s, _, doc) = get("/v1/capacity?from=ru-road&to=ru-city&mode=road").await;
        assert_eq!(s, StatusCode::OK, "{doc}");
        assert_eq!(doc["max_flow"]["value"], Value::Null);
        assert_eq!(doc["max_flow"]["unbounded"], true);
        assert_eq!(doc["max_flow"]["path"][0]["link_id"], "ru-r0");
        assert!(
            doc["features"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["properties"]["kind"] == "unbounded_path")
        );
    }

    #[actix_web::test]
    async fn unknown_source_is_404_naming_from() {
        let got = get("/v1/capacity?from=ru-citty&to=MN").await;
        assert_problem(&got, 404, "from");
        assert_eq!(got.2["suggestions"][0], "ru-city");
    }

    #[actix_web::test]
    async fn source_equal_to_sink_is_400_naming_to() {
        assert_problem(
            &get("/v1/capacity?from=ru-city&to=ru-city").await,
            400,
            "to",
        );
        assert_problem(&get("/v1/capacity?from=RU&to=ru-city").await, 400, "to");
    }

    #[actix_web::test]
    async fn empty_or_missing_source_is_400_naming_from() {
        assert_problem(&get("/v1/capacity?from=&to=MN").await, 400, "from");
        assert_problem(&get("/v1/capacity?to=MN").await, 400, "from");
        assert_problem(&get("/v1/capacity?from=RU,&to=MN").await, 400, "from");
    }

    #[actix_web::test]
    async fn a_country_without_rail_is_422_naming_from() {
        let got = get("/v1/capacity?from=KZ&to=MN&mode=rail").await;
        assert_problem(&got, 422, "from");
        assert!(got.2["detail"].as_str().unwrap().contains("rail"));
        assert_problem(
            &get("/v1/capacity?from=ru-road&to=MN&mode=rail").await,
            422,
            "from",
        );
        assert_problem(
            &get("/v1/capacity?from=RU&to=MN&avoid_countries=MN").await,
            422,
            "to",
        );
    }

    #[actix_web::test]
    async fn capacity_override_naming_no_link_is_400() {
        let got = get("/v1/capacity?from=RU&to=MN&set_capacity=x9:5").await;
        assert_problem(&got, 400, "set_capacity");
        assert!(got.2["detail"].as_str().unwrap().contains("x9"));
        assert_problem(
            &get("/v1/capacity?from=RU&to=MN&set_capacity=x1").await,
            400,
            "set_capacity",
        );
        assert_problem(
            &get("/v1/capacity?from=RU&to=MN&close=nope").await,
            400,
            "close",
        );
        assert_problem(
            &get("/v1/capacity?from=RU&to=MN&avoid_crossings=ru-l1").await,
            400,
            "avoid_crossings",
        );
        assert_problem(
            &get("/v1/capacity?from=RU&to=MN&avoid_countries=XX").await,
            400,
            "avoid_countries",
        );
    }

    #[actix_web::test]
    async fn negative_values_are_400() {
        assert_problem(
            &get("/v1/capacity?from=RU&to=MN&set_capacity=x1:-5").await,
            400,
            "set_capacity",
        );
        assert_problem(
            &get("/v1/capacity?from=RU&to=MN&tonnes_per_train=-1").await,
            400,
            "tonnes_per_train",
        );
        assert_problem(
            &get("/v1/capacity?from=RU&to=MN&operating_days=0").await,
            400,
            "operating_days",
        );
        assert_problem(
            &get("/v1/capacity?from=RU&to=MN&tonnes_per_vehicle=NaN").await,
            400,
            "tonnes_per_vehicle",
        );
    }

    #[actix_web::test]
    async fn every_bad_parameter_is_named_at_once() {
        let (s, _, doc) =
            get("/v1/capacity?from=RU&to=MN&mode=ship&cargo=gold&close=nope&speed=9").await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let fields: Vec<&str> = doc["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        for f in ["mode", "cargo", "close", "speed"] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
    }

    #[actix_web::test]
    async fn conversion_constants_apply() {
        // 1 vehicle/day of 10 t for 100 days = 1000 t/yr on the road crossing.
        let net = Draw::new()
            .node("a", "RU", "city", &["road"], [100.0, 50.0])
            .node("b", "RU", "city", &["road"], [100.1, 50.0])
            .road("ab", "a", "b")
            .capacity(1.0, "vehicles/day")
            .oneway(false)
            .network();
        let (s, _, doc) = get_on(
            net,
            "/v1/capacity?from=a&to=b&tonnes_per_vehicle=10&operating_days=100",
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{doc}");
        assert_eq!(doc["max_flow"]["value"], 1000.0);
        assert_eq!(doc["query"]["conversion"]["tonnes_per_vehicle"], 10.0);
    }
}

mod assign {
    use super::*;

    #[actix_web::test]
    async fn assigns_and_reports_unserved() {
        let (s, ct, doc) = post(json!({
            "mode": "rail",
            "demands": [
                {"from": "ru-city", "to": "mn-city", "tonnes_per_year": 40},
                {"from": ["RU"], "to": "MN", "tonnes_per_year": 25},
            ]
        }))
        .await;
        assert_eq!(s, StatusCode::OK, "{doc}");
        assert_eq!(ct, "application/geo+json");
        assert_eq!(doc["summary"]["demanded_tpy"], 65.0);
        assert_eq!(doc["summary"]["served_tpy"], 50.0);
        assert_eq!(doc["summary"]["unserved_tpy"], 15.0);
        assert_eq!(doc["demands"][0]["served_tpy"], 40.0);
        assert_eq!(doc["demands"][1]["unserved_tpy"], 15.0);
        let sat = doc["summary"]["saturated_links"].as_array().unwrap();
        assert!(sat.contains(&json!("x1")) && sat.contains(&json!("x2")));
        let first = &doc["demands"][0]["routes"][0];
        assert_eq!(
            first["links"],
            json!(["ru-l1", "x1", "mn-l1"]),
            "cheapest first"
        );
        let x1 = doc["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["link_id"] == "x1")
            .unwrap();
        assert_eq!(x1["properties"]["utilization"], 1.0);
        assert_eq!(x1["properties"]["saturated"], true);
    }

    #[actix_web::test]
    async fn bad_demand_fields_are_named() {
        let got = post(json!({"demands": [
            {"from": "ru-city", "to": "mn-city", "tonnes_per_year": 1},
            {"from": "ru-city", "to": "mn-city", "tonnes_per_year": -3},
            {"from": "ru-city", "to": "mn-city", "tonnes_per_year": 0},
            {"from": "ru-city", "to": "mn-city", "tonnes_per_year": "lots"},
            {"from": "ru-nowhere", "to": "mn-city", "tonnes_per_year": 1},
            {"from": "ru-city", "to": "ru-city", "tonnes_per_year": 1},
            {"from": "ru-city", "tonnes_per_year": 1, "colour": "red"},
        ]}))
        .await;
        assert_problem(&got, 400, "demands[1].tonnes_per_year");
        for f in [
            "demands[2].tonnes_per_year",
            "demands[3].tonnes_per_year",
            "demands[4].from",
            "demands[5].to",
            "demands[6].to",
            "demands[6].colour",
        ] {
            assert_problem(&got, 400, f);
        }
        let detail = got.2["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == "demands[4].from")
            .unwrap()["detail"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(detail.contains("did you mean"), "{detail}");
    }

    #[actix_web::test]
    async fn bad_top_level_fields_are_named() {
        assert_problem(&post(json!({})).await, 400, "demands");
        assert_problem(&post(json!({"demands": []})).await, 400, "demands");
        assert_problem(&post(json!([1, 2])).await, 400, "body");
        let d = json!([{"from": "RU", "to": "MN", "tonnes_per_year": 1}]);
        assert_problem(
            &post(json!({"demands": d, "mode": "boat"})).await,
            400,
            "mode",
        );
        assert_problem(
            &post(json!({"demands": d, "close": ["nope"]})).await,
            400,
            "close",
        );
        assert_problem(
            &post(json!({"demands": d, "set_capacity": {"x1": -1}})).await,
            400,
            "set_capacity",
        );
        assert_problem(
            &post(json!({"demands": d, "set_capacity": {"x1": "big"}})).await,
            400,
            "set_capacity.x1",
        );
        assert_problem(
            &post(json!({"demands": d, "extra": true})).await,
            400,
            "extra",
        );
    }

    #[actix_web::test]
    async fn more_than_ten_thousand_demands_is_413() {
        let d: Vec<Value> = (0..10_001)
            .map(|_| json!({"from": "RU", "to": "MN", "tonnes_per_year": 1}))
            .collect();
        let (s, ct, doc) = post(json!({"demands": d})).await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(ct, "application/problem+json");
        assert!(doc["detail"].as_str().unwrap().contains("10000"), "{doc}");
    }

    #[actix_web::test]
    async fn body_over_one_mebibyte_is_413() {
        let mut body = b"{\"demands\": [], \"pad\": \"".to_vec();
        body.extend(std::iter::repeat_n(b'x', 1 << 20));
        body.extend(b"\"}");
        let got = post_raw(body, "application/json").await;
        assert_eq!(got.0, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(got.1, "application/problem+json");
    }

    #[actix_web::test]
    async fn malformed_json_and_wrong_content_type_are_400_naming_body() {
        assert_problem(
            &post_raw(b"{\"demands\": [".to_vec(), "application/json").await,
            400,
            "body",
        );
        assert_problem(&post_raw(b"{}".to_vec(), "text/plain").await, 400, "body");
    }
}
