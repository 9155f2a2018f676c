//! Issue 24 item 2: `alternatives_by=corridor` explores corridors (country sequences), whether
//! or not the best route crosses a third country, and says which corridors exist and which the
//! stretch limit cut.

mod common;

use std::sync::OnceLock;

use actix_web::http::StatusCode;
use corridor::Snapshot;
use corridor::cost::ModeFilter;
use corridor::route::corridors::CorridorStatus;
use corridor::route::{AlternativesBy, PlaceQuery, RoutePlan, RouteRequest, plan};
use serde_json::Value;

fn snap() -> &'static Snapshot {
    static SNAP: OnceLock<Snapshot> = OnceLock::new();
    SNAP.get_or_init(|| Snapshot::embedded().expect("embedded network is valid"))
}

fn corridors(from: &str, to: &str, max_stretch: f64) -> RoutePlan {
    let mut r = RouteRequest::new(PlaceQuery::Text(from.into()), PlaceQuery::Text(to.into()));
    r.mode = ModeFilter::Rail;
    r.alternatives = 3;
    r.alternatives_by = AlternativesBy::Corridor;
    r.limits.max_stretch = max_stretch;
    plan(snap(), &r).unwrap_or_else(|e| panic!("{from} → {to}: {e}"))
}

fn shown(p: &RoutePlan) -> Vec<&str> {
    p.routes
        .iter()
        .map(|r| r.corridor.as_deref().unwrap())
        .collect()
}

#[test]
fn ulaanbaatar_to_beijing_by_rail_finds_the_route_via_russia() {
    let p = corridors("Ulaanbaatar", "Beijing", 10.0);
    assert_eq!(shown(&p)[0], "MN-CN", "the best route is direct");
    assert!(shown(&p).contains(&"MN-RU-CN"), "{:?}", shown(&p));
    let via_ru = p
        .routes
        .iter()
        .find(|r| r.corridor.as_deref() == Some("MN-RU-CN"))
        .unwrap();
    let crossings = via_ru.crossings(&snap().network);
    assert!(
        crossings.contains(&"xr-naushki-sukhbaatar")
            && crossings.contains(&"xr-zabaikalsk-manzhouli"),
        "{crossings:?}"
    );
    assert_eq!(via_ru.countries(&snap().network), ["MN", "RU", "CN"]);
    assert_eq!(p.alternatives_found, p.routes.len() - 1);
    assert!(p.alternatives_found >= 1);
}

#[test]
fn erdenet_to_tianjin_port_by_rail_finds_the_route_via_russia() {
    let p = corridors("Erdenet", "Xingang", 10.0);
    assert_eq!(shown(&p)[0], "MN-CN");
    assert!(shown(&p).contains(&"MN-RU-CN"), "{:?}", shown(&p));
}

#[test]
fn corridors_cut_by_the_stretch_limit_are_listed_as_such() {
    let p = corridors("Ulaanbaatar", "Beijing", 1.5);
    // Via Russia is ~1.7× the direct route's time: it exists but the default limit cuts it.
    assert_eq!(shown(&p), ["MN-CN"]);
    let via_ru = p
        .corridors
        .iter()
        .find(|c| c.corridor == "MN-RU-CN")
        .expect("the corridor via Russia exists");
    assert_eq!(via_ru.status, CorridorStatus::BeyondMaxStretch);
    assert!(via_ru.stretch > 1.5, "{via_ru:?}");
    assert_eq!(p.corridors[0].status, CorridorStatus::Shown);
    assert_eq!(p.corridors[0].corridor, "MN-CN");
    // Every shown route's corridor is listed as shown, best first.
    let listed: Vec<&str> = p
        .corridors
        .iter()
        .filter(|c| c.status == CorridorStatus::Shown)
        .map(|c| c.corridor.as_str())
        .collect();
    assert_eq!(listed, shown(&p));
    assert!(p.corridors.windows(2).all(|w| w[0].value <= w[1].value));
}

#[test]
fn a_route_search_without_corridors_lists_none() {
    let mut r = RouteRequest::new(
        PlaceQuery::Text("Ulaanbaatar".into()),
        PlaceQuery::Text("Beijing".into()),
    );
    r.alternatives = 2;
    let p = plan(snap(), &r).unwrap();
    assert!(p.corridors.is_empty());
}

#[actix_web::test]
async fn the_http_answer_lists_every_corridor_with_its_status() {
    let res = common::app::get(
        &common::app::embedded(),
        "/v1/route?from=Ulaanbaatar&to=Beijing&mode=rail&alternatives=3&alternatives_by=corridor",
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    let doc: Value = res.json();
    let list = doc["corridors"].as_array().expect("a corridors member");
    let find = |c: &str| list.iter().find(|x| x["corridor"] == c).cloned();
    assert_eq!(find("MN-CN").unwrap()["status"], "shown", "{list:?}");
    assert_eq!(
        find("MN-RU-CN").unwrap()["status"],
        "beyond_max_stretch",
        "{list:?}"
    );
    assert!(find("MN-RU-CN").unwrap()["stretch"].as_f64().unwrap() > 1.5);
}
