//! Issue 24 item 4: `depart` on `/v1/matrix` and `/v1/reach`. A matrix cell with a
//! departure is the timed route `/v1/route` gives for that pair and departure (its earliest
//! arrival when optimising time), over every curated place as a destination; a departure
//! just before a crossing closes for the weekend or a holiday makes the cell longer than
//! the timeless one; reach values are the same earliest arrivals; `depart` is validated as
//! routes validate it.

mod common;

use corridor::Snapshot;
use corridor::cost::Measure;
use corridor::fields::Fields;
use corridor::route::many::Reached;
use corridor::route::matrix::{
    ManyError, MatrixPlan, MatrixRequest, ReachRequest, plan_matrix, plan_reach,
};
use corridor::route::request::parse_depart;
use corridor::route::timed::at_minute;
use corridor::route::{PlaceQuery, RouteError, RouteRequest, plan};

fn snap() -> Snapshot {
    Snapshot::embedded().expect("embedded network")
}

fn matrix_of(snap: &Snapshot, pairs: &[(&str, String)]) -> Result<MatrixPlan, ManyError> {
    let mut f = Fields::from_pairs(pairs.iter().map(|(k, v)| (*k, v.clone())));
    let req = MatrixRequest::read(&mut f);
    f.finish().map_err(ManyError::Invalid)?;
    plan_matrix(snap, &req)
}

fn cell(plan: &MatrixPlan, i: usize, j: usize) -> Option<Reached> {
    plan.cells.get(i, j).copied()
}

/// Checks every cell of `sources × all places` against the timed route of its pair;
/// returns how many cells had a route.
fn check_cells_against_timed_routes(
    snap: &Snapshot,
    sources: &[String],
    depart: &str,
    optimize: Measure,
    mode: &str,
) -> usize {
    let net = &snap.network;
    let all: Vec<String> = net.nodes().iter().map(|n| n.id.0.clone()).collect();
    let m = matrix_of(
        snap,
        &[
            ("sources", sources.join(",")),
            ("destinations", all.join(",")),
            ("depart", depart.to_string()),
            ("optimize", optimize.as_str().to_string()),
            ("mode", mode.to_string()),
        ],
    )
    .unwrap_or_else(|e| panic!("matrix at {depart}: {e}"));
    let d = parse_depart(depart).unwrap();
    assert_eq!(m.cells.depart, Some(d));
    let mut routed = 0;
    for (i, s) in sources.iter().enumerate() {
        for (j, t) in all.iter().enumerate() {
            let c = cell(&m, i, j);
            if s == t {
                continue;
            }
            let mut req =
                RouteRequest::new(PlaceQuery::Text(s.clone()), PlaceQuery::Text(t.clone()));
            req.depart = Some(d);
            req.optimize = optimize;
            req.mode = corridor::cost::ModeFilter::parse(mode).unwrap();
            match plan(snap, &req) {
                Ok(p) => {
                    let r = &p.routes[0];
                    let timing = r.timing.as_ref().expect("a route with depart is timed");
                    let c = c.unwrap_or_else(|| panic!("{s}→{t} at {depart}: route, no cell"));
                    let ct = c.timing.expect("a cell with depart is timed");
                    let what = format!("{s}→{t} at {depart}, optimize {optimize:?}");
                    assert!(
                        (c.measures.get(Measure::Time) - r.measures.get(Measure::Time)).abs()
                            < 1e-6,
                        "{what}: cell {} h, route {} h",
                        c.measures.get(Measure::Time),
                        r.measures.get(Measure::Time)
                    );
                    assert_eq!(at_minute(d, ct.arrive_h), timing.arrive, "{what}");
                    if optimize == Measure::Time {
                        // The cell is the earliest arrival: its time is its arrival.
                        assert!((ct.arrive_h - c.measures.get(Measure::Time)).abs() < 1e-6);
                    } else {
                        // Another measure picks the route; it is then timed as the route is.
                        assert!(
                            (c.measures.get(optimize) - r.measures.get(optimize)).abs() < 1e-6,
                            "{what}"
                        );
                        assert!((ct.wait_h - timing.wait_h).abs() < 1e-6, "{what}");
                    }
                    routed += 1;
                }
                Err(RouteError::NoRoute { .. }) => {
                    assert!(c.is_none(), "{s}→{t} at {depart}: no route but cell {c:?}")
                }
                Err(e) => panic!("{s}→{t} at {depart}: {e}"),
            }
        }
    }
    routed
}

/// Every 15th curated place as a source, every curated place as a destination.
fn sampled_sources(snap: &Snapshot) -> Vec<String> {
    snap.network
        .nodes()
        .iter()
        .step_by(15)
        .map(|n| n.id.0.clone())
        .collect()
}

#[test]
fn cells_with_depart_equal_the_timed_route_of_every_pair() {
    let snap = snap();
    let sources = sampled_sources(&snap);
    assert!(sources.len() >= 10);
    let mut routed = 0;
    // A Friday evening in summer, Spring Festival eve, and the eve of China's National Day
    // week: crossings with weekday hours and holiday closures make cargo wait.
    for depart in [
        "2027-07-09T17:30+06:00",
        "2027-02-05T16:00+08:00",
        "2027-09-30T15:00+03:00",
    ] {
        routed += check_cells_against_timed_routes(&snap, &sources, depart, Measure::Time, "any");
    }
    routed += check_cells_against_timed_routes(
        &snap,
        &sources,
        "2027-07-09T17:30+06:00",
        Measure::Time,
        "road",
    );
    routed += check_cells_against_timed_routes(
        &snap,
        &sources[..4],
        "2027-09-30T15:00+03:00",
        Measure::Distance,
        "road",
    );
    let n = snap.network.nodes().len();
    assert!(
        routed > sources.len() * n,
        "only {routed} cells had a route: the comparison was not real"
    );
}

/// kz-bakhty → cn-tacheng by road crosses Bakhty–Tacheng, open Mo-Fr 09:00–18:00 (Almaty)
/// and closed on China's statutory holidays.
fn bakhty_tacheng(snap: &Snapshot, depart: Option<&str>) -> Reached {
    let mut pairs = vec![
        ("sources", "kz-bakhty,kz-almaty".to_string()),
        ("destinations", "cn-tacheng".to_string()),
        ("mode", "road".to_string()),
    ];
    if let Some(d) = depart {
        pairs.push(("depart", d.to_string()));
    }
    let m = matrix_of(snap, &pairs).unwrap();
    cell(&m, 0, 0).expect("Bakhty reaches Tacheng by road")
}

#[test]
fn a_departure_just_before_the_weekend_or_a_holiday_closure_makes_the_cell_longer() {
    let snap = snap();
    let timeless = bakhty_tacheng(&snap, None);
    assert_eq!(timeless.timing, None);
    let base = timeless.measures.get(Measure::Time);
    // Wednesday 10:00 local: the crossing is open, nothing waits.
    let open = bakhty_tacheng(&snap, Some("2027-07-07T10:00+05:00"));
    assert!((open.measures.get(Measure::Time) - base).abs() < 1e-6);
    assert_eq!(open.timing.unwrap().wait_h, 0.0);
    // Friday 18:05 local, five minutes after it closed for the weekend.
    for (depart, at_least_h) in [
        ("2027-07-09T18:05+05:00", 10.0),
        // Thursday 30 September 2027 18:05: closed for China's National Day week.
        ("2027-09-30T18:05+05:00", 10.0),
    ] {
        let late = bakhty_tacheng(&snap, Some(depart));
        let t = late.measures.get(Measure::Time);
        assert!(
            t > base + at_least_h,
            "{depart}: {t} h, timeless {base} h: the closure was not waited for"
        );
        let timing = late.timing.unwrap();
        assert!((timing.arrive_h - t).abs() < 1e-6);
        // Either it waited at Bakhty, or the detour it took instead is that much longer.
        assert!(
            timing.wait_h > 0.0
                || late.measures.get(Measure::Distance)
                    > 1.5 * timeless.measures.get(Measure::Distance)
        );
    }
    // The holiday week is longer than an ordinary weekend.
    let weekend = bakhty_tacheng(&snap, Some("2027-07-09T18:05+05:00"));
    let holiday = bakhty_tacheng(&snap, Some("2027-09-30T18:05+05:00"));
    assert!(holiday.measures.get(Measure::Time) >= weekend.measures.get(Measure::Time));
}

fn reach_of(
    snap: &Snapshot,
    pairs: &[(&str, &str)],
) -> Result<corridor::route::matrix::ReachPlan, ManyError> {
    let mut f = Fields::from_pairs(pairs.iter().copied());
    let req = ReachRequest::read(&mut f);
    f.finish().map_err(ManyError::Invalid)?;
    plan_reach(snap, &req.expect("a well-formed reach"))
}

#[test]
fn reach_with_depart_gives_earliest_arrivals_waits_included() {
    let snap = snap();
    let net = &snap.network;
    let tacheng = net.node_ix("cn-tacheng").unwrap();
    for depart in ["2027-07-09T18:05+05:00", "2027-07-07T10:00+05:00"] {
        let r = reach_of(
            &snap,
            &[
                ("from", "kz-bakhty"),
                ("contours", "24,72,200"),
                ("mode", "road"),
                ("depart", depart),
            ],
        )
        .unwrap();
        assert_eq!(
            r.echo.depart.as_deref(),
            Some(parse_depart(depart).unwrap().to_rfc3339().as_str())
        );
        // Every node's value is the matrix's earliest arrival at it.
        let ids: Vec<String> = r
            .reach
            .nodes
            .iter()
            .map(|n| net.nodes()[n.node_ix].id.0.clone())
            .collect();
        let m = matrix_of(
            &snap,
            &[
                ("sources", "kz-bakhty".into()),
                ("destinations", ids.join(",")),
                ("mode", "road".into()),
                ("depart", depart.into()),
            ],
        )
        .unwrap();
        for (j, n) in r.reach.nodes.iter().enumerate() {
            let c = cell(&m, 0, j).unwrap();
            assert!(
                (c.timing.unwrap().arrive_h - n.value).abs() < 1e-6,
                "{depart}: {} reach {} matrix {:?}",
                ids[j],
                n.value,
                c.timing
            );
        }
        let at = |ix: usize| {
            r.reach
                .nodes
                .iter()
                .find(|n| n.node_ix == ix)
                .map(|n| n.value)
        };
        if depart.starts_with("2027-07-09") {
            // After Friday's closing Tacheng is not within a day: the weekend is waited out.
            assert!(at(tacheng).is_none_or(|v| v > 24.0), "{:?}", at(tacheng));
        } else {
            assert!(at(tacheng).is_some_and(|v| v < 24.0), "{:?}", at(tacheng));
        }
    }
    // Timeless, Tacheng is within a day.
    let r = reach_of(
        &snap,
        &[("from", "kz-bakhty"), ("contours", "24"), ("mode", "road")],
    )
    .unwrap();
    assert!(r.reach.nodes.iter().any(|n| n.node_ix == tacheng));
}

#[test]
fn depart_is_validated_as_routes_validate_it() {
    let snap = snap();
    let base = [
        ("sources", "kz-almaty".to_string()),
        ("destinations", "cn-beijing".to_string()),
    ];
    let with = |d: &str| {
        let mut v = base.to_vec();
        v.push(("depart", d.to_string()));
        matrix_of(&snap, &v)
    };
    match with("next tuesday") {
        Err(ManyError::Invalid(p)) => assert_eq!(p[0].field, "depart"),
        other => panic!("{other:?}"),
    }
    // Without an offset it is not an instant.
    assert!(
        matches!(with("2027-07-10T08:00"), Err(ManyError::Invalid(p)) if p[0].field == "depart")
    );
    match with("2031-01-05T08:00+06:00") {
        Err(e @ ManyError::OutsideCalendar { .. }) => assert!(e.to_string().starts_with("depart")),
        other => panic!("{other:?}"),
    }
    // A `+` decoded as a space is read as the `+`.
    assert!(with("2027-07-10T08:00 06:00").is_ok());
    // Reach: the same, and only outwards in hours.
    let bad = |pairs: &[(&str, &str)]| match reach_of(&snap, pairs) {
        Err(ManyError::Invalid(p)) => p.iter().any(|p| p.field == "depart"),
        _ => false,
    };
    assert!(bad(&[
        ("from", "kz-almaty"),
        ("contours", "24"),
        ("depart", "soon")
    ]));
    assert!(bad(&[
        ("from", "kz-almaty"),
        ("contours", "24"),
        ("depart", "2027-07-10T08:00+06:00"),
        ("direction", "to")
    ]));
    // … and says what to give instead.
    match reach_of(
        &snap,
        &[
            ("from", "kz-almaty"),
            ("contours", "24"),
            ("depart", "2027-07-10T08:00+06:00"),
            ("direction", "to"),
        ],
    ) {
        Err(ManyError::Invalid(p)) => assert!(
            p.iter()
                .any(|p| p.field == "depart" && p.message.contains("arrive_by")),
            "{p:?}"
        ),
        other => panic!("{:?}", other.map(|_| ())),
    }
    assert!(bad(&[
        ("from", "kz-almaty"),
        ("contours", "500"),
        ("depart", "2027-07-10T08:00+06:00"),
        ("measure", "distance")
    ]));
    assert!(matches!(
        reach_of(
            &snap,
            &[
                ("from", "kz-almaty"),
                ("contours", "24"),
                ("depart", "2024-03-01T08:00+06:00")
            ]
        ),
        Err(ManyError::OutsideCalendar {
            field: "depart",
            ..
        })
    ));
}

/// Issue 24: reach towards a place by a deadline (`arrive_by`, direction=to) gives latest
/// departures, waits included. cn-tacheng by road from kz-bakhty crosses Bakhty–Tacheng,
/// open Mo-Fr 09:00–18:00: to arrive by Monday 10:00, the cargo must have crossed on Friday
/// (or take a detour through a crossing open at the weekend), far longer than the timeless
/// catchment says; by Wednesday 20:00 the crossing is open when needed and the value is the
/// timeless one.
#[test]
fn reach_with_arrive_by_gives_latest_departures_waits_included() {
    let snap = snap();
    let net = &snap.network;
    let bakhty = net.node_ix("kz-bakhty").unwrap();
    let value_at = |r: &corridor::route::matrix::ReachPlan, ix: usize| {
        r.reach
            .nodes
            .iter()
            .find(|n| n.node_ix == ix)
            .map(|n| n.value)
    };
    let base = [
        ("from", "cn-tacheng"),
        ("direction", "to"),
        ("contours", "24,100"),
        ("mode", "road"),
    ];
    let with = |deadline: Option<&str>| {
        let mut v: Vec<(&str, &str)> = base.to_vec();
        if let Some(d) = deadline {
            v.push(("arrive_by", d));
        }
        reach_of(&snap, &v).unwrap()
    };
    let timeless = value_at(&with(None), bakhty).expect("Bakhty is in Tacheng's catchment");
    assert!(timeless < 24.0, "{timeless}");
    let open = with(Some("2027-07-07T20:00+05:00"));
    assert_eq!(
        open.echo.arrive_by.as_deref(),
        Some("2027-07-07T20:00:00+05:00")
    );
    assert_eq!(open.echo.depart, None);
    let v = value_at(&open, bakhty).unwrap();
    assert!(
        (v - timeless).abs() < 1e-6,
        "open crossing: {v} h, timeless {timeless} h"
    );
    let monday = with(Some("2027-07-12T10:00+05:00"));
    let v = value_at(&monday, bakhty).unwrap_or(f64::INFINITY);
    assert!(
        v > timeless + 10.0,
        "by Monday 10:00: {v} h, timeless {timeless} h: the weekend closure was not waited for"
    );
    // Leaving that long before the deadline, the timed route arrives in time.
    let deadline = parse_depart("2027-07-12T10:00+05:00").unwrap();
    if v.is_finite() {
        let leave = deadline - chrono::Duration::seconds((v * 3600.0).ceil() as i64);
        let mut req = RouteRequest::new(
            PlaceQuery::Text("kz-bakhty".into()),
            PlaceQuery::Text("cn-tacheng".into()),
        );
        req.mode = corridor::cost::ModeFilter::Road;
        req.depart = Some(leave);
        let r = plan(&snap, &req).unwrap();
        let t = r.routes[0].measures.get(Measure::Time);
        assert!(
            t <= v + 1e-6,
            "route {t} h against the latest departure's {v} h"
        );
        assert!(r.routes[0].timing.as_ref().unwrap().arrive <= deadline);
    }
}

#[test]
fn arrive_by_is_validated_as_depart_is() {
    let snap = snap();
    let invalid = |pairs: &[(&str, &str)]| match reach_of(&snap, pairs) {
        Err(ManyError::Invalid(p)) => p.iter().any(|p| p.field == "arrive_by"),
        _ => false,
    };
    let to = [
        ("from", "kz-almaty"),
        ("contours", "24"),
        ("direction", "to"),
    ];
    let plus = |extra: &[(&'static str, &'static str)]| {
        let mut v = to.to_vec();
        v.extend_from_slice(extra);
        v
    };
    assert!(invalid(&plus(&[("arrive_by", "Friday")])));
    assert!(invalid(&plus(&[("arrive_by", "2027-07-10T08:00")])));
    // Outwards it is not a deadline; nor are budgets in another measure.
    assert!(invalid(&[
        ("from", "kz-almaty"),
        ("contours", "24"),
        ("arrive_by", "2027-07-10T08:00+06:00")
    ]));
    assert!(invalid(&plus(&[
        ("arrive_by", "2027-07-10T08:00+06:00"),
        ("measure", "distance")
    ])));
    // Outside the calendar, or needing a crossing before its first year: refused, named.
    for deadline in ["2031-01-05T08:00+06:00", "2025-01-02T12:00+06:00"] {
        match reach_of(
            &snap,
            &[
                ("from", "cn-tacheng"),
                ("contours", "100"),
                ("direction", "to"),
                ("mode", "road"),
                ("arrive_by", deadline),
            ],
        ) {
            Err(
                e @ ManyError::OutsideCalendar {
                    field: "arrive_by", ..
                },
            ) => {
                assert!(e.to_string().starts_with("arrive_by"), "{e}")
            }
            other => panic!("{deadline}: {:?}", other.map(|_| ())),
        }
    }
    // A `+` decoded as a space is read as the `+`, as for depart.
    assert!(reach_of(&snap, &plus(&[("arrive_by", "2027-07-10T08:00 06:00")])).is_ok());
}

/// `corridor reach --direction to --arrive-by`: the same answer on the command line.
#[test]
fn the_cli_reach_takes_arrive_by() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args([
            "reach",
            "cn-tacheng",
            "--direction",
            "to",
            "--mode",
            "road",
            "--contours",
            "24,100",
            "--arrive-by",
            "2027-07-12T10:00+05:00",
        ])
        .output()
        .expect("run corridor");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("arrive by 2027-07-12T10:00:00+05:00: latest departures"),
        "{stdout}"
    );
    assert!(stdout.contains("(kz-bakhty)"), "{stdout}");
    // Outwards it is refused as invalid (exit 1), naming the option.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args([
            "reach",
            "cn-tacheng",
            "--contours",
            "24",
            "--arrive-by",
            "2027-07-12T10:00+05:00",
        ])
        .output()
        .expect("run corridor");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("arrive_by"));
}

#[test]
fn a_crossing_reached_after_the_calendar_makes_late_cells_refused_not_guessed() {
    // Leaving on 30 December 2028, crossings reached in 2029 cannot be timed: a cell whose
    // earliest arrival depends on one is refused as a route is, never answered as if the
    // crossing were open or absent.
    let snap = snap();
    let m = matrix_of(
        &snap,
        &[
            ("sources", "kz-almaty".into()),
            ("destinations", "ru-vladivostok".into()),
            ("depart", "2028-12-30T08:00+06:00".into()),
        ],
    );
    let mut req = RouteRequest::new(
        PlaceQuery::Text("kz-almaty".into()),
        PlaceQuery::Text("ru-vladivostok".into()),
    );
    req.depart = Some(parse_depart("2028-12-30T08:00+06:00").unwrap());
    match (plan(&snap, &req), m) {
        (Err(RouteError::OutsideCalendar { .. }), Err(ManyError::OutsideCalendar { .. })) => {}
        (Ok(p), Ok(m)) => {
            let c = cell(&m, 0, 0).unwrap();
            assert_eq!(
                at_minute(m.cells.depart.unwrap(), c.timing.unwrap().arrive_h),
                p.routes[0].timing.as_ref().unwrap().arrive
            );
        }
        (Ok(_), Err(ManyError::OutsideCalendar { .. })) => {
            // The matrix is more cautious than the route (it bounds what an untimeable
            // crossing could have given by its clock alone): allowed, documented.
        }
        (r, m) => panic!("route {:?} matrix {:?}", r.map(|_| ()), m.map(|_| ())),
    }
}

mod http {
    use super::common::app;

    #[actix_web::test]
    async fn matrix_and_reach_take_depart_and_name_it_in_problems() {
        let state = app::embedded();
        let r = app::get(
            &state,
            "/v1/matrix?sources=kz-bakhty&destinations=cn-tacheng,kz-almaty&mode=road&depart=2027-07-09T18:05%2B05:00",
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let v = r.json();
        assert_eq!(v["query"]["depart"], "2027-07-09T18:05:00+05:00");
        let arrive = v["arrive"][0][0]
            .as_str()
            .expect("arrive per cell")
            .to_string();
        assert!(arrive.ends_with("+05:00"), "{arrive}");
        assert!(v["wait_h"][0][0].as_f64().is_some());
        // The same pair on /v1/route arrives at the same minute.
        let route = app::get(
            &state,
            "/v1/route?from=kz-bakhty&to=cn-tacheng&mode=road&depart=2027-07-09T18:05%2B05:00",
        )
        .await
        .json();
        let feature = route["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["arrive"].is_string())
            .expect("a timed route feature")
            .clone();
        assert_eq!(
            feature["properties"]["arrive"].as_str(),
            Some(arrive.as_str())
        );
        // CSV carries the timing too.
        let csv = app::get(
            &state,
            "/v1/matrix?sources=kz-bakhty&destinations=cn-tacheng&mode=road&depart=2027-07-09T18:05%2B05:00&f=csv",
        )
        .await
        .text();
        assert!(
            csv.lines()
                .next()
                .unwrap()
                .ends_with(",crossings,arrive,wait_h"),
            "{csv}"
        );
        // Problems name `depart`.
        for (url, status) in [
            (
                "/v1/matrix?sources=kz-almaty&destinations=cn-beijing&depart=tomorrow",
                400,
            ),
            (
                "/v1/matrix?sources=kz-almaty&destinations=cn-beijing&depart=2031-01-01T00:00Z",
                422,
            ),
            (
                "/v1/reach?from=kz-almaty&contours=24&depart=2031-01-01T00:00Z",
                422,
            ),
            (
                "/v1/reach?from=kz-almaty&contours=24&depart=2027-01-01T00:00Z&direction=to",
                400,
            ),
        ] {
            let r = app::get(&state, url).await;
            assert_eq!(r.status.as_u16(), status, "{url}: {}", r.text());
            assert!(r.text().contains("depart"), "{url}: {}", r.text());
        }
        let r = app::get(
            &state,
            "/v1/reach?from=kz-bakhty&contours=24,48&mode=road&depart=2027-07-07T10:00%2B05:00",
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["query"]["depart"], "2027-07-07T10:00:00+05:00");
        // Inwards, by a deadline: echoed as arrive_by; its problems name arrive_by.
        let r = app::get(
            &state,
            "/v1/reach?from=cn-tacheng&direction=to&contours=24,100&mode=road&arrive_by=2027-07-12T10:00%2B05:00",
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let v = r.json();
        assert_eq!(v["query"]["arrive_by"], "2027-07-12T10:00:00+05:00");
        assert!(v["query"].get("depart").is_none(), "{}", v["query"]);
        for (url, status) in [
            (
                "/v1/reach?from=cn-tacheng&direction=to&contours=24&arrive_by=soon",
                400,
            ),
            (
                "/v1/reach?from=cn-tacheng&contours=24&arrive_by=2027-07-12T10:00Z",
                400,
            ),
            (
                "/v1/reach?from=cn-tacheng&direction=to&contours=24&arrive_by=2031-01-01T00:00Z",
                422,
            ),
        ] {
            let r = app::get(&state, url).await;
            assert_eq!(r.status.as_u16(), status, "{url}: {}", r.text());
            let p = r.json();
            let named = p["field"] == "arrive_by"
                || p["errors"]
                    .as_array()
                    .is_some_and(|e| e.iter().any(|e| e["field"] == "arrive_by"));
            assert!(named, "{url}: {p}");
        }
    }

    /// The OpenAPI document gives `depart` and `arrive_by` their calendar's years (the web
    /// map's date inputs read them).
    #[actix_web::test]
    async fn timed_parameters_document_the_calendar_years() {
        let state = app::embedded();
        let doc = app::get(&state, "/openapi.json").await.json();
        for (path, name) in [
            ("/v1/reach", "depart"),
            ("/v1/reach", "arrive_by"),
            ("/v1/matrix", "depart"),
        ] {
            let p = doc["paths"][path]["get"]["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == name)
                .unwrap_or_else(|| panic!("{path} documents no {name}"))
                .clone();
            assert_eq!(
                p["schema"]["x-calendar-years"],
                serde_json::json!([2025, 2028]),
                "{path} {name}: {p}"
            );
            assert_eq!(p["schema"]["format"], "date-time");
        }
    }
}
