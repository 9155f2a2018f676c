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

async fn post(data: &web::Data<AppState>, uri: &str, body: Value) -> (StatusCode, Value) {
    let app = test::init_service(corridor_app!(data)).await;
    let req = test::TestRequest::post()
        .uri(uri)
        .set_json(body)
        .to_request();
    let res = test::call_service(&app, req).await;
    let status = res.status();
    let body = test::read_body(res).await;
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("{uri}: {e}: {}", String::from_utf8_lossy(&body)));
    (status, json)
}

/// Naushki's capacity on the baseline, t/yr.
fn naushki_tpy(data: &web::Data<AppState>) -> f64 {
    let snap = data.current();
    let link = snap.network.link(NAUSHKI).unwrap();
    link.capacity_tpy(&snap.conversion)
        .expect("Naushki has a capacity")
}

fn max_flow(fc: &Value) -> Option<f64> {
    fc["max_flow"]["value"].as_f64()
}

#[actix_web::test]
async fn naushki_closed_lowers_ru_mn_rail_capacity_by_naushkis() {
    let data = state();
    let naushki_tpy = naushki_tpy(&data);
    let q = "/v1/capacity?from=RU&to=MN&mode=rail&avoid_countries=CN";
    let (status, base) = get(&data, q).await;
    assert_eq!(status, StatusCode::OK, "{base}");
    let (status, shut) = get(&data, &format!("{q}&scenario=naushki-closed")).await;
    assert_eq!(status, StatusCode::OK, "{shut}");
    let (b, s) = (max_flow(&base).unwrap(), max_flow(&shut).unwrap());
    assert!(
        (b - s - naushki_tpy).abs() < 1.0,
        "baseline {b}, scenario {s}, Naushki {naushki_tpy}"
    );
}

#[actix_web::test]
async fn tashanta_reconstructed_raises_the_crossings_capacity() {
    let data = state();
    let snap = data.current();
    let on = snap.scenario(Some("tashanta-reconstructed")).unwrap();
    let id = "xd-tashanta-tsagaannuur";
    let after = on.network.link(id).unwrap().capacity_tpy(&on.conversion);
    assert_eq!(after, Some(1000.0 * 20.0 * 365.0));
    // Through the crossing alone (its two ends), the scenario's capacity is the new figure,
    // above the baseline's when the data gives the crossing one.
    // The two approach roads are avoided so that the crossing is the only way between its ends.
    let q = "/v1/capacity?from=ru-tashanta&to=mn-tsagaannuur&mode=road\
             &avoid_links=road-kosh-agach-tashanta,road-olgii-tsagaannuur";
    let (_, base) = get(&data, q).await;
    let (status, rebuilt) = get(&data, &format!("{q}&scenario=tashanta-reconstructed")).await;
    assert_eq!(status, StatusCode::OK, "{rebuilt}");
    assert_eq!(max_flow(&rebuilt), after, "{rebuilt}");
    if let Some(before) = snap
        .network
        .link(id)
        .unwrap()
        .capacity_tpy(&snap.conversion)
    {
        assert_eq!(max_flow(&base), Some(before), "{base}");
        assert!(after.unwrap() > before);
    }
}

#[actix_web::test]
async fn eaeu_fta_2027_reports_unserved_tonnes_honestly() {
    let data = state();
    let mut served = Vec::new();
    for name in ["mongolia-trade-2023", "eaeu-fta-2027"] {
        let (status, fc) = post(&data, "/v1/assign", serde_json::json!({"demand": name})).await;
        assert_eq!(status, StatusCode::OK, "{name}: {fc}");
        let s = &fc["summary"];
        let demanded = s["demanded_tpy"].as_f64().unwrap();
        let total = data.current().demand[name].total_tpy();
        assert!((demanded - total).abs() < 1.0, "{name}: {s}");
        let (sv, un) = (
            s["served_tpy"].as_f64().unwrap(),
            s["unserved_tpy"].as_f64().unwrap(),
        );
        assert!((sv + un - demanded).abs() < 1.0, "{name}: {s}");
        served.push(sv);
    }
    assert!(served[1] >= served[0] - 1.0, "{served:?}");
}

#[actix_web::test]
async fn unknown_demand_set_is_404_naming_demand() {
    let data = state();
    let (status, doc) = post(
        &data,
        "/v1/assign",
        serde_json::json!({"demand": "mongolia-trade-2032"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{doc}");
    assert_eq!(doc["field"], "demand");
    assert_eq!(doc["suggestions"][0], "mongolia-trade-2023", "{doc}");
}

/// A scenario with no changes answers exactly as the baseline, on every query endpoint.
#[actix_web::test]
async fn an_empty_scenario_answers_as_the_baseline() {
    use corridor::network::scenario::Scenario;
    let base = Snapshot::embedded().unwrap();
    let text =
        r#"{"name":"empty","title":"No change","description":"d","source":"test","changes":[]}"#;
    let s = Scenario::parse("scenarios/empty.json", text, &base.network).unwrap();
    let net = s.apply("scenarios/empty.json", &base.network).unwrap();
    let snap = base
        .with_scenarios(vec![(s, net)])
        .expect("scenario schedules compile");
    let data = web::Data::new(AppState::new(snap, ServerConfig::default()));
    let gets = [
        "/v1/route?from=ru-ulan-ude&to=cn-beijing&mode=rail&alternatives=2",
        "/v1/route?from=kz-almaty&to=mn-ulaanbaatar&mode=road&avoid_countries=CN",
        "/v1/route?from=107.62,51.82&to=cn-tianjin-port&optimize=cost&cargo=livestock",
        "/v1/route?from=ru-chita&to=ru-vladivostok&mode=rail&optimize=time&include_planned=true",
        "/v1/capacity?from=RU&to=MN&mode=rail",
        "/v1/capacity?from=RU&to=CN&mode=any&avoid_crossings=xr-zamyn-uud-erenhot",
        "/v1/capacity?from=KZ&to=CN&mode=rail&include_planned=true",
    ];
    for q in gets {
        let (s1, a) = get(&data, q).await;
        let (s2, b) = get(&data, &format!("{q}&scenario=empty")).await;
        assert_eq!(s1, s2, "{q}");
        assert_eq!(a, b, "{q}");
    }
    for body in [
        serde_json::json!({"demand": "mongolia-trade-2023"}),
        serde_json::json!({"mode": "rail", "demands": [{"from": "mn-tavan-tolgoi", "to": "cn-tianjin-port", "tonnes_per_year": 3000000}]}),
    ] {
        let (s1, a) = post(&data, "/v1/assign", body.clone()).await;
        let mut with = body.clone();
        with["scenario"] = "empty".into();
        let (s2, b) = post(&data, "/v1/assign", with).await;
        assert_eq!(s1, s2, "{body}");
        assert_eq!(a, b, "{body}");
    }
}

fn ids(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect()
}

fn cases(fc: &Value) -> Vec<&str> {
    let mut c: Vec<&str> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["properties"]["case"]
                .as_str()
                .expect("every feature has a case")
        })
        .collect();
    c.dedup();
    c
}

/// compare/capacity holds exactly the two plain answers, tagged, and a delta that agrees
/// with them: Naushki's closure takes its capacity off RU→MN by rail (avoiding China) and
/// the crossing leaves the cut.
#[actix_web::test]
async fn compare_capacity_is_the_two_plain_answers_and_their_delta() {
    let data = state();
    let q = "from=RU&to=MN&mode=rail&avoid_countries=CN";
    let (_, base) = get(&data, &format!("/v1/capacity?{q}")).await;
    let (_, shut) = get(&data, &format!("/v1/capacity?{q}&scenario=naushki-closed")).await;
    let (status, cmp) = get(
        &data,
        &format!("/v1/compare/capacity?{q}&scenario=naushki-closed"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{cmp}");
    assert_eq!(cmp["scenario"], "naushki-closed");
    assert_eq!(
        cases(&cmp),
        ["baseline", "scenario"],
        "baseline features first"
    );
    for (case, plain) in [("baseline", &base), ("scenario", &shut)] {
        assert_eq!(cmp["cases"][case]["max_flow"], plain["max_flow"], "{case}");
        assert_eq!(cmp["cases"][case]["cut"], plain["cut"], "{case}");
        let n = cmp["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["properties"]["case"] == case)
            .count();
        assert_eq!(n, plain["features"].as_array().unwrap().len(), "{case}");
    }
    let d = &cmp["delta"];
    let (b, s) = (max_flow(&base).unwrap(), max_flow(&shut).unwrap());
    assert_eq!(d["max_flow"]["baseline"].as_f64(), Some(b));
    assert_eq!(d["max_flow"]["scenario"].as_f64(), Some(s));
    let naushki_tpy = naushki_tpy(&data);
    assert!(
        (d["max_flow"]["change"].as_f64().unwrap() + naushki_tpy).abs() < 1.0,
        "{d}"
    );
    assert!(ids(&d["cut"]["removed"]).contains(&NAUSHKI), "{d}");
    assert_eq!(ids(&d["cut"]["baseline"]), ids(&base["cut"]["links"]));
    assert_eq!(ids(&d["cut"]["scenario"]), ids(&shut["cut"]["links"]));
}

/// A scenario that changes a cut link's capacity lists it under `changed` with both figures.
#[actix_web::test]
async fn compare_capacity_names_a_cut_link_whose_capacity_changed() {
    let data = state();
    let (status, cmp) = get(
        &data,
        "/v1/compare/capacity?from=RU&to=MN&mode=road&scenario=tashanta-reconstructed",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{cmp}");
    let d = &cmp["delta"];
    let changed = d["cut"]["changed"].as_array().unwrap();
    let t = changed
        .iter()
        .find(|c| c["link"] == "xd-tashanta-tsagaannuur")
        .unwrap_or_else(|| panic!("Tashanta not among the changed cut links: {d}"));
    assert_eq!(t["scenario_tpy"].as_f64(), Some(1000.0 * 20.0 * 365.0));
    assert!(
        t["scenario_tpy"].as_f64() > t["baseline_tpy"].as_f64(),
        "{t}"
    );
    assert!(d["max_flow"]["change"].as_f64().unwrap() > 0.0, "{d}");
}

/// compare/assign: a heavy RU→MN rail demand loads Naushki over 80%; with Naushki closed
/// the crossing falls below both levels, the tonnes go elsewhere or stay unserved, and the
/// served/unserved figures are the plain answers'.
#[actix_web::test]
async fn compare_assign_reports_served_tonnes_and_threshold_crossings() {
    let data = state();
    let body = serde_json::json!({
        "mode": "rail",
        "demands": [{"from": "ru-ulan-ude", "to": "mn-ulaanbaatar", "tonnes_per_year": 14_000_000}],
    });
    let (_, base) = post(&data, "/v1/assign", body.clone()).await;
    let mut with = body.clone();
    with["scenario"] = "naushki-closed".into();
    let (_, shut) = post(&data, "/v1/assign", with.clone()).await;
    let (status, cmp) = post(&data, "/v1/compare/assign", with).await;
    assert_eq!(status, StatusCode::OK, "{cmp}");
    assert_eq!(cases(&cmp), ["baseline", "scenario"]);
    assert_eq!(cmp["cases"]["baseline"]["summary"], base["summary"]);
    assert_eq!(cmp["cases"]["scenario"]["summary"], shut["summary"]);
    let d = &cmp["delta"];
    for k in ["demanded_tpy", "served_tpy", "unserved_tpy"] {
        assert_eq!(d[k]["baseline"], base["summary"][k], "{k}");
        assert_eq!(d[k]["scenario"], shut["summary"][k], "{k}");
        let change = d[k]["scenario"].as_f64().unwrap() - d[k]["baseline"].as_f64().unwrap();
        assert!(
            (d[k]["change"].as_f64().unwrap() - change).abs() < 1e-3,
            "{k}"
        );
    }
    let naushki = d["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["link"] == NAUSHKI)
        .unwrap_or_else(|| panic!("Naushki's load changed: {d}"));
    assert!(
        naushki["baseline_utilization"].as_f64().unwrap() >= 0.8,
        "{naushki}"
    );
    assert_eq!(naushki["scenario_tpy"], 0.0, "{naushki}");
    let t80 = &d["thresholds"][0];
    assert_eq!(t80["threshold"], 0.8);
    assert!(ids(&t80["fell_below"]).contains(&NAUSHKI), "{t80}");
    // Every link listed as rising above 80% is at least 80% used in the scenario's answer.
    for id in ids(&t80["rose_above"]) {
        let f = shut["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["link_id"] == id)
            .unwrap();
        assert!(
            f["properties"]["utilization"].as_f64().unwrap() >= 0.8 - 1e-6,
            "{f}"
        );
    }
    // The scenario's flow features carry the change drawn by a map.
    assert!(
        cmp["features"].as_array().unwrap().iter().any(|f| {
            f["properties"]["case"] == "scenario"
                && f["properties"]["utilization_change"].is_number()
        }),
        "{cmp}"
    );
}

#[actix_web::test]
async fn compare_capacity_and_assign_need_a_known_scenario() {
    let data = state();
    let (status, doc) = get(&data, "/v1/compare/capacity?from=RU&to=MN").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{doc}");
    assert_eq!(doc["errors"][0]["field"], "scenario", "{doc}");
    let (status, doc) = get(&data, "/v1/compare/capacity?from=RU&to=MN&scenario=naushki").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{doc}");
    assert_eq!(doc["field"], "scenario");
    assert_eq!(doc["suggestions"][0], "naushki-closed", "{doc}");
    let (status, doc) = post(
        &data,
        "/v1/compare/assign",
        serde_json::json!({"demand": "eaeu-fta-2027"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{doc}");
    assert_eq!(doc["errors"][0]["field"], "scenario", "{doc}");
    let (status, doc) = post(
        &data,
        "/v1/compare/assign",
        serde_json::json!({"demand": "eaeu-fta-2028", "scenario": "naushki-closed"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{doc}");
    assert_eq!(doc["field"], "demand");
    let (status, doc) = post(
        &data,
        "/v1/compare/assign",
        serde_json::json!({"scenario": "naushki-closed", "demands": [{"from": "ru-ulan-ude", "to": "mn-ulaanbaatar", "tonnes_per_year": -1}]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{doc}");
    assert_eq!(
        doc["errors"][0]["field"], "demands[0].tonnes_per_year",
        "{doc}"
    );
}

/// A scenario that leaves no route answers 422 as a plain route does, and so does its
/// comparison: by rail and avoiding China, Naushki is Ulan-Ude's only way to Ulaanbaatar.
#[actix_web::test]
async fn a_scenario_that_leaves_no_route_is_422() {
    let data = state();
    let q = "from=ru-ulan-ude&to=mn-ulaanbaatar&mode=rail&avoid_countries=CN";
    let (status, doc) = get(&data, &format!("/v1/route?{q}")).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    let (status, doc) = get(&data, &format!("/v1/route?{q}&scenario=naushki-closed")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{doc}");
    assert!(doc["detail"].is_string(), "{doc}");
    let (status, doc) = get(
        &data,
        &format!("/v1/compare/route?{q}&scenario=naushki-closed"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{doc}");
}

fn shipped(name: &str) -> Value {
    let path = format!(
        "{}/geodata/scenarios/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A scenario given inline answers exactly as the same scenario loaded by name, on
/// assign and on compare/assign (whose `scenario` member is the inline document's name).
#[actix_web::test]
async fn an_inline_scenario_answers_as_the_same_scenario_by_name() {
    let data = state();
    let mut inline = shipped("naushki-closed");
    inline["name"] = "my-naushki".into();
    for uri in ["/v1/assign", "/v1/compare/assign"] {
        let named = serde_json::json!({"demand": "eaeu-fta-2027", "scenario": "naushki-closed"});
        let given = serde_json::json!({"demand": "eaeu-fta-2027", "scenario": inline.clone()});
        let (s1, mut a) = post(&data, uri, named).await;
        let (s2, mut b) = post(&data, uri, given).await;
        assert_eq!(s1, StatusCode::OK, "{a}");
        assert_eq!(s2, StatusCode::OK, "{b}");
        if uri.contains("compare") {
            assert_eq!(a["scenario"], "naushki-closed");
            assert_eq!(b["scenario"], "my-naushki");
            a["scenario"] = Value::Null;
            b["scenario"] = Value::Null;
        }
        // The touched link says which scenario changed it; everything else is equal.
        let strip = |v: &mut Value| {
            if let Some(fs) = v["features"].as_array_mut() {
                for f in fs {
                    f["properties"].as_object_mut().unwrap().remove("scenario");
                }
            }
        };
        strip(&mut a);
        strip(&mut b);
        assert_eq!(a, b, "{uri}");
    }
    // Without a name, an inline scenario is called "inline".
    let mut unnamed = shipped("naushki-closed");
    unnamed.as_object_mut().unwrap().remove("name");
    let (status, doc) = post(
        &data,
        "/v1/compare/assign",
        serde_json::json!({"demand": "mongolia-trade-2023", "scenario": unnamed}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    assert_eq!(doc["scenario"], "inline");
}

/// An inline scenario with bad changes is a 400 listing every problem by its path in the
/// body; the same document previewed says the same.
#[actix_web::test]
async fn an_inline_scenario_with_bad_changes_is_400_listing_every_problem() {
    let data = state();
    let bad = serde_json::json!({"changes": [
        {"link": "xr-naushki-sukhbaatr", "set": {"status": "closed"}, "source": "t", "estimate": false},
        {"link": NAUSHKI, "set": {"colour": "red"}, "source": "t", "estimate": false},
        {"link": "xd-tashanta-tsagaannuur", "set": {"dwell_h": -3}, "source": "t", "estimate": false},
    ]});
    let fields = |doc: &Value| -> Vec<String> {
        doc["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{doc}"))
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect()
    };
    let (status, doc) = post(
        &data,
        "/v1/assign",
        serde_json::json!({"demand": "eaeu-fta-2027", "scenario": bad.clone()}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{doc}");
    let got = fields(&doc);
    assert_eq!(got.len(), 3, "{doc}");
    assert!(got[0].starts_with("scenario.changes[0]"), "{got:?}");
    assert_eq!(got[1], "scenario.changes[1].set.colour", "{got:?}");
    assert_eq!(got[2], "scenario.changes[2].set.dwell_h", "{got:?}");
    let text = doc.to_string();
    assert!(
        text.contains("xr-naushki-sukhbaatar"),
        "a close id is suggested: {text}"
    );
    let (status, preview) = post(&data, "/v1/scenarios/preview", bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{preview}");
    assert_eq!(fields(&preview), got);
    let (status, doc) = post(
        &data,
        "/v1/assign",
        serde_json::json!({"demand": "eaeu-fta-2027", "scenario": 42}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{doc}");
    assert_eq!(fields(&doc), ["scenario"]);
}

/// A valid inline scenario previews as the loaded one shows.
#[actix_web::test]
async fn an_inline_scenario_previews_as_the_loaded_one() {
    let data = state();
    let (_, loaded) = get(&data, "/v1/scenarios/tashanta-reconstructed").await;
    let (status, preview) = post(
        &data,
        "/v1/scenarios/preview",
        shipped("tashanta-reconstructed"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview, loaded);
}
