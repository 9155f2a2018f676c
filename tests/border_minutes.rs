//! Issue 24 item 7: times in answers are rounded to the minute, and a crossing's `arrive` →
//! `depart` span is accounted for: wait + dwell + travel over the crossing link.

mod common;

use std::sync::OnceLock;

use actix_web::http::StatusCode;
use chrono::Timelike;
use corridor::Snapshot;
use corridor::cost::ModeFilter;
use corridor::route::request::parse_depart;
use corridor::route::{AlternativesBy, PlaceQuery, RouteRequest, plan};
use serde_json::Value;

fn snap() -> &'static Snapshot {
    static SNAP: OnceLock<Snapshot> = OnceLock::new();
    SNAP.get_or_init(|| Snapshot::embedded().expect("embedded network is valid"))
}

/// Timed routes with crossings of many kinds (rail and road, open all day or office hours).
fn timed_routes() -> Vec<corridor::route::Route> {
    let mut out = Vec::new();
    for (from, to, mode, depart) in [
        (
            "kz-almaty",
            "mn-ulaanbaatar",
            ModeFilter::Road,
            "2027-07-10T08:00+06:00",
        ),
        (
            "ru-ulan-ude",
            "cn-beijing",
            ModeFilter::Rail,
            "2028-02-03T17:17:17+08:00",
        ),
        (
            "Ulaanbaatar",
            "Beijing",
            ModeFilter::Rail,
            "2026-09-30T23:59+08:00",
        ),
    ] {
        let mut r = RouteRequest::new(PlaceQuery::Text(from.into()), PlaceQuery::Text(to.into()));
        r.mode = mode;
        r.depart = Some(parse_depart(depart).unwrap());
        r.alternatives = 2;
        r.alternatives_by = AlternativesBy::Corridor;
        r.limits.max_stretch = 10.0;
        out.extend(plan(snap(), &r).unwrap().routes);
    }
    out
}

#[test]
fn arrivals_and_border_times_are_whole_minutes() {
    let routes = timed_routes();
    let mut borders = 0;
    for r in &routes {
        let t = r.timing.as_ref().unwrap();
        assert_eq!(t.arrive.second(), 0, "{}", t.arrive);
        for b in &t.border_times {
            assert_eq!(b.arrive.second(), 0, "{}: {}", b.crossing, b.arrive);
            assert_eq!(b.depart.second(), 0, "{}: {}", b.crossing, b.depart);
            borders += 1;
        }
    }
    assert!(borders >= 5, "{borders}");
}

#[test]
fn a_crossings_span_is_its_wait_dwell_and_travel() {
    for r in timed_routes() {
        for b in &r.timing.unwrap().border_times {
            let span_h = (b.depart - b.arrive).num_seconds() as f64 / 3600.0;
            let parts = b.wait_h + b.dwell_h + b.travel_h;
            assert!(b.travel_h > 0.0, "{}", b.crossing);
            // Both ends are rounded to the minute: at most a minute apart.
            assert!(
                (span_h - parts).abs() <= 1.0 / 60.0 + 1e-9,
                "{}: span {span_h} h vs wait {} + dwell {} + travel {}",
                b.crossing,
                b.wait_h,
                b.dwell_h,
                b.travel_h
            );
        }
    }
}

#[actix_web::test]
async fn the_http_answer_has_minutes_and_the_split() {
    let res = common::app::get(
        &common::app::embedded(),
        "/v1/route?from=kz-almaty&to=mn-ulaanbaatar&mode=road&depart=2027-07-10T08:00%2B06:00",
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    let doc: Value = res.json();
    let p = &doc["features"][0]["properties"];
    let minute = |s: &Value| s.as_str().unwrap()[17..19].to_string();
    assert_eq!(minute(&p["arrive"]), "00", "{}", p["arrive"]);
    let bt = p["border_times"].as_array().unwrap();
    assert!(!bt.is_empty());
    for b in bt {
        assert_eq!(minute(&b["arrive"]), "00", "{b}");
        assert_eq!(minute(&b["depart"]), "00", "{b}");
        assert!(b["travel_h"].as_f64().unwrap() > 0.0, "{b}");
    }
}
