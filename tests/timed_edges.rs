//! The timed search at the calendar's edges (issue 25), on a small drawn network: two road
//! corridors from `a` (MN) to `b` (CN).
//! - slow: a short road to crossing X1 at once, then 220 km at 40 km/h;
//! - fast: 154 km at 100 km/h to crossing X2, then 79 km at 100 km/h.
//!
//! Both crossings are open 24/7 in `Asia/Ulaanbaatar` (UTC+8), whose covered years (the
//! embedded holiday calendar's, 2025–2028) end at 2028-12-31T16:00Z.

use corridor::Snapshot;
use corridor::cost::Measure;
use corridor::network::load_from_strs;
use corridor::route::request::parse_depart;
use corridor::route::{PlaceQuery, RouteError, RouteRequest, plan};

fn node(id: &str, country: &str, x: f64, y: f64) -> String {
    format!(
        r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{x},{y}]}},"properties":{{"id":"{id}","name":"{id}","country":"{country}","kind":"border_point","modes":["road"],"intermodal":false,"source":"test"}}}}"#
    )
}

fn road(id: &str, from: (&str, f64, f64), to: (&str, f64, f64), kmh: f64) -> String {
    format!(
        r#"{{"type":"Feature","geometry":{{"type":"LineString","coordinates":[[{},{}],[{},{}]]}},"properties":{{"id":"{id}","from":"{}","to":"{}","mode":"road","kind":"road","name":"{id}","speed_kmh":{kmh},"status":"open","source":"test"}}}}"#,
        from.1, from.2, to.1, to.2, from.0, to.0
    )
}

fn crossing(id: &str, from: (&str, f64, f64), to: (&str, f64, f64)) -> String {
    format!(
        r#"{{"type":"Feature","geometry":{{"type":"LineString","coordinates":[[{},{}],[{},{}]]}},"properties":{{"id":"{id}","from":"{}","to":"{}","mode":"road","kind":"crossing","name":"{id}","countries":["MN","CN"],"dwell_h":2,"hours":"24/7","veterinary":false,"speed_kmh":20,"status":"open","source":"test","opening_hours":"24/7","timezone":"Asia/Ulaanbaatar","holidays":["MN","CN"],"schedule_source":"assumed: test"}}}}"#,
        from.1, from.2, to.1, to.2, from.0, to.0
    )
}

fn fc(features: &[String]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

/// The network; `with_fast` adds the fast corridor.
fn snapshot(with_fast: bool) -> Snapshot {
    let a = ("a", 0.0, 0.0);
    let c1 = ("c1", 0.01, 0.0);
    let d1 = ("d1", 0.02, 0.0);
    let b = ("b", 2.0, 0.0);
    let c2 = ("c2", 1.35, 0.3);
    let d2 = ("d2", 1.36, 0.3);
    let mut nodes = vec![
        node(a.0, "MN", a.1, a.2),
        node(c1.0, "MN", c1.1, c1.2),
        node(d1.0, "CN", d1.1, d1.2),
        node(b.0, "CN", b.1, b.2),
    ];
    let mut links = vec![
        road("r-a-c1", a, c1, 40.0),
        crossing("xd-c1-d1", c1, d1),
        road("r-d1-b", d1, b, 40.0),
    ];
    if with_fast {
        nodes.push(node(c2.0, "MN", c2.1, c2.2));
        nodes.push(node(d2.0, "CN", d2.1, d2.2));
        links.push(road("r-a-c2", a, c2, 100.0));
        links.push(crossing("xd-c2-d2", c2, d2));
        links.push(road("r-d2-b", d2, b, 100.0));
    }
    let net = load_from_strs(&fc(&nodes), &fc(&links)).expect("valid test network");
    Snapshot::try_build(net).expect("valid test snapshot")
}

fn request(depart: &str, optimize: Measure, alternatives: usize) -> RouteRequest {
    let mut r = RouteRequest::new(
        PlaceQuery::parse("a").unwrap(),
        PlaceQuery::parse("b").unwrap(),
    );
    r.depart = Some(parse_depart(depart).unwrap());
    r.optimize = optimize;
    r.alternatives = alternatives;
    r
}

fn crossings_of(snap: &Snapshot, plan: &corridor::route::RoutePlan) -> Vec<Vec<String>> {
    plan.routes
        .iter()
        .map(|r| {
            r.steps
                .iter()
                .map(|s| snap.network.links()[s.link_ix].id.0.clone())
                .filter(|id| id.starts_with("xd-"))
                .collect()
        })
        .collect()
}

#[test]
fn on_a_quiet_day_the_fast_corridor_is_the_earliest_arrival() {
    // The control: well inside the calendar, the earliest arrival goes through X2.
    let snap = snapshot(true);
    let p = plan(&snap, &request("2028-06-01T15:00:00Z", Measure::Time, 0)).unwrap();
    assert_eq!(crossings_of(&snap, &p), [["xd-c2-d2"]]);
}

#[test]
fn a_faster_corridor_crossing_after_the_calendar_end_is_refused_not_skipped() {
    // Departing 23:00 local on 31 December 2028: X1 is reached in 2028, X2 (faster) only
    // after midnight local, beyond the covered years. The earliest arrival is unknown, so
    // the answer must say so, not offer the slow corridor as the earliest.
    let snap = snapshot(true);
    let r = plan(&snap, &request("2028-12-31T15:00:00Z", Measure::Time, 0));
    match r {
        Err(RouteError::OutsideCalendar { field, .. }) => assert_eq!(field, "depart"),
        Ok(p) => panic!(
            "answered through {:?} instead of refusing",
            crossings_of(&snap, &p)
        ),
        Err(e) => panic!("wrong error: {e}"),
    }
}

#[test]
fn a_departure_just_after_midnight_east_of_the_crossing_is_still_in_its_year() {
    // 00:30 on 1 January 2029 at UTC+9 is 23:30 on 31 December 2028 at the crossing (UTC+8),
    // inside the covered years there.
    let snap = snapshot(false);
    let p = plan(
        &snap,
        &request("2029-01-01T00:30:00+09:00", Measure::Time, 0),
    )
    .unwrap_or_else(|e| panic!("refused: {e}"));
    let timing = p.routes[0].timing.as_ref().expect("timed");
    assert_eq!(timing.border_times.len(), 1);
    assert_eq!(timing.border_times[0].crossing, "xd-c1-d1");
    // And a departure that is 2029 everywhere is still refused.
    let far = plan(&snap, &request("2029-01-02T12:00:00Z", Measure::Time, 0));
    assert!(
        matches!(far, Err(RouteError::OutsideCalendar { .. })),
        "{far:?}"
    );
}

#[test]
fn an_alternative_that_cannot_be_timed_does_not_sink_the_best_route() {
    // By distance the slow corridor is best (timed in 2028); its alternative through X2
    // reaches X2 after the calendar's end. The best route is answered, the untimeable
    // alternative left out.
    let snap = snapshot(true);
    let p = plan(
        &snap,
        &request("2028-12-31T15:00:00Z", Measure::Distance, 1),
    )
    .unwrap_or_else(|e| panic!("the best route was lost: {e}"));
    assert_eq!(crossings_of(&snap, &p)[0], ["xd-c1-d1"]);
    assert!(p.routes.iter().all(|r| r.timing.is_some()));
    // Well inside the calendar the same request has the alternative, so leaving it out above
    // is the calendar's doing.
    let q = plan(
        &snap,
        &request("2028-06-01T15:00:00Z", Measure::Distance, 1),
    )
    .unwrap();
    assert_eq!(crossings_of(&snap, &q), [["xd-c1-d1"], ["xd-c2-d2"]]);
}
