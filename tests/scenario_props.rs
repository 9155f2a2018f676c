//! Properties of scenarios on the real data, through the shared router in process:
//! - a scenario with no changes answers exactly as the baseline, on every query endpoint
//!   (`/v1/route`, `/v1/capacity`, `/v1/assign`, `/v1/matrix` as JSON and CSV, `/v1/reach`):
//!   same status, same body, for random valid requests; and `/v1/compare/route` shows both
//!   cases equal to the plain route with a nil delta;
//! - a scenario that only sets fields to the values they already have (crossing dwell, hours,
//!   veterinary control, status, capacity, speeds, a node's intermodality, drawn from the real
//!   data) answers exactly as the baseline too.
//!
//! Each case builds its requests twice, without and with `scenario=NAME`, and compares the
//! answers. Counters make sure most requests are real answers (200), not refusals that would
//! trivially agree.

mod common;

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use common::app::{self, Reply, State};
use corridor::Snapshot;
use corridor::cost::{Cargo, Measure, ModeFilter};
use corridor::network::scenario::{LINK_FIELDS, NODE_FIELDS, Scenario, SettableField};
use corridor::network::{LinkKind, Network};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};

/// The baseline as served: the embedded network with its scenarios and demand sets.
fn baseline() -> &'static Snapshot {
    static SNAP: OnceLock<Snapshot> = OnceLock::new();
    SNAP.get_or_init(|| Snapshot::embedded().expect("embedded data is valid"))
}

/// The embedded network, its scenarios and demand sets, plus the scenario `text` (checked
/// and applied as the loader does).
fn embedded_with(name: &str, text: &str) -> State {
    let base = Snapshot::embedded().expect("embedded data is valid");
    add_scenario(base, name, text)
}

/// The embedded network alone (no shipped scenarios or demand sets: cheaper to build per
/// case) plus the scenario `text`.
fn network_with(name: &str, text: &str) -> State {
    let base = Snapshot::try_build(baseline().network.clone()).expect("schedules compile");
    add_scenario(base, name, text)
}

fn add_scenario(base: Snapshot, name: &str, text: &str) -> State {
    let file = format!("scenarios/{name}.json");
    let s =
        Scenario::parse(&file, text, &base.network).unwrap_or_else(|p| panic!("{text}\n{p:#?}"));
    let net = s
        .apply(&file, &base.network)
        .unwrap_or_else(|p| panic!("{text}\n{p:#?}"));
    app::of_snapshot(
        base.with_scenarios(vec![(s, net)])
            .expect("scenario schedules compile"),
    )
}

/// Places a request may name, from the real data.
struct Places {
    /// Every node id.
    nodes: Vec<String>,
    /// Node ids serving each mode filter (by index into `ModeFilter::VALUES`): a request in
    /// that mode names these, so that most requests are answered rather than refused.
    serving: Vec<Vec<String>>,
    countries: Vec<String>,
    crossings: Vec<String>,
    links: Vec<String>,
}

fn places() -> &'static Places {
    static P: OnceLock<Places> = OnceLock::new();
    P.get_or_init(|| {
        let net = &baseline().network;
        Places {
            nodes: net.nodes().iter().map(|n| n.id.0.clone()).collect(),
            serving: ModeFilter::VALUES
                .iter()
                .map(|m| {
                    net.nodes()
                        .iter()
                        .filter(|n| *m == "any" || n.modes.iter().any(|x| x.as_str() == *m))
                        .map(|n| n.id.0.clone())
                        .collect()
                })
                .collect(),
            countries: net.countries().to_vec(),
            crossings: net.crossings().map(|l| l.id.0.clone()).collect(),
            links: net.links().iter().map(|l| l.id.0.clone()).collect(),
        }
    })
}

/// One drawn set of questions: a route, a capacity, an assignment, a matrix and a reach.
#[derive(Debug, Clone)]
struct Ask {
    /// Places drawn from every node, not only those serving the request's mode: some
    /// requests are then refused (400/422), and the refusals must agree too.
    any_place: bool,
    route: RouteAsk,
    capacity: CapacityAsk,
    demands: Vec<(Index, Index, u32, usize)>,
    matrix: (Vec<Index>, Vec<Index>, usize, usize),
    reach: (Index, bool, usize, usize),
}

#[derive(Debug, Clone)]
struct RouteAsk {
    from: Index,
    to: Index,
    from_position: bool,
    mode: usize,
    optimize: usize,
    alternatives: usize,
    by_corridor: bool,
    avoid_country: Option<Index>,
    avoid_crossing: Option<Index>,
    avoid_link: Option<Index>,
    include_planned: bool,
    cargo: usize,
    depart: bool,
    dwell_scale: f64,
}

#[derive(Debug, Clone)]
struct CapacityAsk {
    by_country: bool,
    from: Index,
    to: Index,
    mode: usize,
    include_planned: bool,
    avoid_crossing: Option<Index>,
}

fn gen_route() -> impl Strategy<Value = RouteAsk> {
    (
        (any::<Index>(), any::<Index>(), prop::bool::weighted(0.2)),
        (
            0..ModeFilter::VALUES.len(),
            0..Measure::VALUES.len(),
            prop::sample::select(vec![0usize, 0, 1, 2]),
            prop::bool::weighted(0.25),
        ),
        (
            prop::option::weighted(0.25, any::<Index>()),
            prop::option::weighted(0.25, any::<Index>()),
            prop::option::weighted(0.15, any::<Index>()),
        ),
        (
            prop::bool::weighted(0.3),
            0..Cargo::VALUES.len(),
            prop::bool::weighted(0.2),
            prop::sample::select(vec![1.0, 1.0, 0.5, 2.0]),
        ),
    )
        .prop_map(
            |(
                (from, to, from_position),
                (mode, optimize, alternatives, by_corridor),
                (avoid_country, avoid_crossing, avoid_link),
                (include_planned, cargo, depart, dwell_scale),
            )| RouteAsk {
                from,
                to,
                from_position,
                mode,
                optimize,
                alternatives,
                by_corridor,
                avoid_country,
                avoid_crossing,
                avoid_link,
                include_planned,
                cargo,
                depart,
                dwell_scale,
            },
        )
}

fn gen_capacity() -> impl Strategy<Value = CapacityAsk> {
    (
        prop::bool::weighted(0.5),
        any::<Index>(),
        any::<Index>(),
        0..ModeFilter::VALUES.len(),
        any::<bool>(),
        prop::option::weighted(0.3, any::<Index>()),
    )
        .prop_map(
            |(by_country, from, to, mode, include_planned, avoid_crossing)| CapacityAsk {
                by_country,
                from,
                to,
                mode,
                include_planned,
                avoid_crossing,
            },
        )
}

fn gen_ask() -> impl Strategy<Value = Ask> {
    (
        prop::bool::weighted(0.2),
        gen_route(),
        gen_capacity(),
        prop::collection::vec(
            (
                any::<Index>(),
                any::<Index>(),
                100_000u32..5_000_000,
                0..ModeFilter::VALUES.len(),
            ),
            1..=3,
        ),
        (
            prop::collection::vec(any::<Index>(), 1..=3),
            prop::collection::vec(any::<Index>(), 1..=3),
            0..ModeFilter::VALUES.len(),
            0..Measure::VALUES.len(),
        ),
        (
            any::<Index>(),
            any::<bool>(),
            0..Measure::VALUES.len(),
            0..ModeFilter::VALUES.len(),
        ),
    )
        .prop_map(|(any_place, route, capacity, demands, matrix, reach)| Ask {
            any_place,
            route,
            capacity,
            demands,
            matrix,
            reach,
        })
}

/// Two different items of `list`, by drawn indices.
fn two<'a>(list: &'a [String], a: &Index, b: &Index) -> (&'a str, &'a str) {
    let i = a.index(list.len());
    let j = (i + 1 + b.index(list.len() - 1)) % list.len();
    (&list[i], &list[j])
}

fn pick<'a>(list: &'a [String], i: &Index) -> &'a str {
    &list[i.index(list.len())]
}

/// Budgets in the measure's unit.
fn contours(measure: &str) -> &'static str {
    match measure {
        "time" => "24,48,96",
        "distance" => "300,1000",
        "cost" => "20,60",
        _ => "10,40",
    }
}

/// What one request is, for messages.
struct Asked {
    what: String,
    csv: bool,
}

/// The requests of `ask` on `net`, each naming `scenario` when given.
fn requests(net: &Network, ask: &Ask, scenario: Option<&str>) -> Vec<(Asked, TestRequest)> {
    let p = places();
    let scen = scenario
        .map(|s| format!("&scenario={s}"))
        .unwrap_or_default();
    let serving = |mode: usize| {
        if ask.any_place {
            &p.nodes
        } else {
            &p.serving[mode]
        }
    };
    let mut out = Vec::new();
    let mut get = |q: String, csv: bool| {
        let uri = format!("{q}{scen}");
        out.push((
            Asked {
                what: format!("GET {uri}"),
                csv,
            },
            TestRequest::get().uri(&uri),
        ));
    };

    // Route.
    let r = &ask.route;
    let (from, to) = two(serving(r.mode), &r.from, &r.to);
    // A country to avoid other than the ends' (avoiding an end's country is refused).
    let ends = [
        &net.node(from).unwrap().country,
        &net.node(to).unwrap().country,
    ];
    let others: Vec<String> = p
        .countries
        .iter()
        .filter(|c| !ends.contains(c))
        .cloned()
        .collect();
    let from = if r.from_position {
        let pt = net.node(from).unwrap().point;
        format!("{:.4},{:.4}", pt.x() + 0.01, pt.y() - 0.01)
    } else {
        from.to_string()
    };
    let mut q = format!(
        "/v1/route?from={from}&to={to}&mode={}&optimize={}&cargo={}&include_planned={}&dwell_scale={}",
        ModeFilter::VALUES[r.mode],
        Measure::VALUES[r.optimize],
        Cargo::VALUES[r.cargo],
        r.include_planned,
        r.dwell_scale,
    );
    if r.alternatives > 0 {
        q.push_str(&format!("&alternatives={}", r.alternatives));
        if r.by_corridor {
            q.push_str("&alternatives_by=corridor");
        }
    }
    if let Some(c) = &r.avoid_country {
        q.push_str(&format!("&avoid_countries={}", pick(&others, c)));
    }
    if let Some(c) = &r.avoid_crossing {
        q.push_str(&format!("&avoid_crossings={}", pick(&p.crossings, c)));
    }
    if let Some(l) = &r.avoid_link {
        q.push_str(&format!("&avoid_links={}", pick(&p.links, l)));
    }
    if r.depart {
        q.push_str("&depart=2027-07-10T08:00%2B08:00");
    }
    get(q, false);

    // Capacity between two disjoint sets.
    let c = &ask.capacity;
    let list = if c.by_country {
        &p.countries
    } else {
        serving(c.mode)
    };
    let (a, b) = two(list, &c.from, &c.to);
    let mut q = format!(
        "/v1/capacity?from={a}&to={b}&mode={}&include_planned={}",
        ModeFilter::VALUES[c.mode],
        c.include_planned
    );
    if let Some(x) = &c.avoid_crossing {
        q.push_str(&format!("&avoid_crossings={}", pick(&p.crossings, x)));
    }
    get(q, false);

    // Matrix, JSON and CSV.
    let (s, d, mode, optimize) = &ask.matrix;
    let ids = |v: &[Index]| {
        v.iter()
            .map(|i| pick(&p.nodes, i))
            .collect::<Vec<_>>()
            .join(",")
    };
    let q = format!(
        "/v1/matrix?sources={}&destinations={}&mode={}&optimize={}",
        ids(s),
        ids(d),
        ModeFilter::VALUES[*mode],
        Measure::VALUES[*optimize]
    );
    get(q.clone(), false);
    get(format!("{q}&f=csv"), true);

    // Reach.
    let (origin, inwards, measure, mode) = &ask.reach;
    let measure = Measure::VALUES[*measure];
    get(
        format!(
            "/v1/reach?from={}&direction={}&measure={measure}&contours={}&mode={}",
            pick(serving(*mode), origin),
            if *inwards { "to" } else { "from" },
            contours(measure),
            ModeFilter::VALUES[*mode]
        ),
        false,
    );

    // Assignment.
    let demands: Vec<Value> = ask
        .demands
        .iter()
        .map(|(a, b, t, mode)| {
            let (from, to) = two(serving(*mode), a, b);
            json!({"from": from, "to": to, "tonnes_per_year": t, "mode": ModeFilter::VALUES[*mode]})
        })
        .collect();
    let mut body = json!({"demands": demands});
    if let Some(s) = scenario {
        body["scenario"] = s.into();
    }
    out.push((
        Asked {
            what: format!("POST /v1/assign {body}"),
            csv: false,
        },
        TestRequest::post()
            .uri("/v1/assign")
            .insert_header(("content-type", "application/json"))
            .set_payload(body.to_string()),
    ));
    out
}

/// Answers seen by one property, per endpoint: (requests, 200s).
#[derive(Default)]
struct Tally(Mutex<BTreeMap<String, (usize, usize)>>);

impl Tally {
    fn add(&self, what: &str, ok: bool) {
        let endpoint = what.split(['?', ' ']).nth(1).unwrap_or(what).to_string();
        let csv = if what.contains("f=csv") { " csv" } else { "" };
        let mut m = self.0.lock().unwrap();
        let e = m.entry(format!("{endpoint}{csv}")).or_default();
        e.0 += 1;
        e.1 += usize::from(ok);
    }

    /// Prints the tallies and asserts every endpoint mostly answered (≥ `share` 200s): the
    /// property compared real answers, not refusals.
    fn check(&self, property: &str, share: f64) {
        let m = self.0.lock().unwrap();
        eprintln!("{property}: requests (200s) per endpoint: {m:?}");
        assert_eq!(m.len(), 6, "{m:?}");
        for (endpoint, (n, ok)) in m.iter() {
            assert!(
                *ok as f64 >= share * *n as f64,
                "{property}: {endpoint}: only {ok} of {n} answered 200"
            );
        }
    }
}

/// Sends `plain` and `named` (the same requests, the second naming a scenario) to `state`
/// and checks each pair of answers is equal: status, and body (JSON as parsed, CSV as text).
/// Returns the plain answers.
fn same_answers(
    state: &State,
    plain: Vec<(Asked, TestRequest)>,
    named: Vec<(Asked, TestRequest)>,
    tally: &Tally,
) -> Result<Vec<Reply>, TestCaseError> {
    let (asked, reqs): (Vec<Asked>, Vec<TestRequest>) = plain.into_iter().unzip();
    let (named_asked, named_reqs): (Vec<Asked>, Vec<TestRequest>) = named.into_iter().unzip();
    let (a, b) = actix_web::rt::System::new().block_on(async {
        (
            app::call_all(state, reqs).await,
            app::call_all(state, named_reqs).await,
        )
    });
    prop_assert_eq!(a.len(), b.len());
    for (((q, qn), x), y) in asked.iter().zip(&named_asked).zip(&a).zip(&b) {
        tally.add(&q.what, x.status == StatusCode::OK);
        prop_assert!(
            !x.status.is_server_error(),
            "{}: {} {}",
            q.what,
            x.status,
            x.text()
        );
        prop_assert_eq!(
            x.status,
            y.status,
            "{} / {}: {} / {}",
            q.what,
            qn.what,
            x.text(),
            y.text()
        );
        if q.csv && x.status == StatusCode::OK {
            prop_assert_eq!(x.text(), y.text(), "{}", qn.what);
        } else {
            prop_assert_eq!(x.json_strict(), y.json_strict(), "{}", qn.what);
        }
    }
    Ok(a)
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

#[test]
fn an_empty_scenario_answers_as_the_baseline_on_every_endpoint() {
    let state = embedded_with(
        "empty",
        r#"{"name": "empty", "title": "No change", "description": "nothing changes",
            "source": "test", "changes": []}"#,
    );
    let net = &baseline().network;
    let tally = Tally::default();
    TestRunner::new(config(32))
        .run(&gen_ask(), |ask| {
            let plain = requests(net, &ask, None);
            let route_uri = plain[0].0.what.trim_start_matches("GET ").to_string();
            let answers = same_answers(&state, plain, requests(net, &ask, Some("empty")), &tally)?;
            if answers[0].status == StatusCode::OK {
                compare_shows_no_change(&state, &route_uri, &answers[0].json_strict())?;
            }
            Ok(())
        })
        .unwrap();
    tally.check("empty scenario", 0.5);
}

/// `/v1/compare/route` of the route `uri` with the empty scenario: both cases are the plain
/// route's features, and the delta is nil (no measure changes, no crossing added or removed,
/// the same links).
fn compare_shows_no_change(state: &State, uri: &str, plain: &Value) -> Result<(), TestCaseError> {
    let q = format!(
        "{}&scenario=empty",
        uri.replacen("/v1/route?", "/v1/compare/route?", 1)
    );
    let r = actix_web::rt::System::new().block_on(app::get(state, &q));
    prop_assert_eq!(r.status, StatusCode::OK, "{}: {}", q, r.text());
    let fc = r.json_strict();
    for case in ["baseline", "scenario"] {
        let features: Vec<Value> = fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["properties"]["case"] == case)
            .map(|f| {
                let mut f = f.clone();
                f["properties"].as_object_mut().unwrap().remove("case");
                f
            })
            .collect();
        prop_assert_eq!(
            &features,
            plain["features"].as_array().unwrap(),
            "{}: {}",
            q,
            case
        );
    }
    let delta = &fc["delta"];
    prop_assert_eq!(&delta["same_links"], &Value::Bool(true), "{}: {}", q, delta);
    prop_assert_eq!(&delta["crossings"]["added"], &json!([]), "{}: {}", q, delta);
    prop_assert_eq!(
        &delta["crossings"]["removed"],
        &json!([]),
        "{}: {}",
        q,
        delta
    );
    let measures = delta["measures"].as_object().unwrap();
    prop_assert!(!measures.is_empty());
    for (k, m) in measures {
        prop_assert_eq!(m["change"].as_f64(), Some(0.0), "{}: {} {}", q, k, m);
    }
    Ok(())
}

/// A field of a link or node set to the value the data already gives it.
#[derive(Debug, Clone)]
struct SameValue {
    link: bool,
    id: String,
    field: &'static str,
    value: Value,
}

/// Every settable field the real data gives a value the scenario checks accept, on every
/// link and node; and the values they refuse (reported, never drawn).
fn same_values() -> &'static (Vec<SameValue>, Vec<String>) {
    static V: OnceLock<(Vec<SameValue>, Vec<String>)> = OnceLock::new();
    V.get_or_init(|| {
        let net = &baseline().network;
        let mut ok = Vec::new();
        let mut refused = Vec::new();
        let mut consider = |link: bool,
                            id: &str,
                            props: &Map<String, Value>,
                            fields: &[SettableField],
                            crossing| {
            for f in fields.iter().filter(|f| crossing || !f.crossing_only) {
                let Some(v) = props.get(f.name).filter(|v| !v.is_null()) else {
                    continue;
                };
                match (f.check)(v) {
                    Ok(()) => ok.push(SameValue {
                        link,
                        id: id.to_string(),
                        field: f.name,
                        value: v.clone(),
                    }),
                    Err(e) => refused.push(format!("{id}.{}: {e}", f.name)),
                }
            }
        };
        for l in net.links() {
            consider(
                true,
                &l.id.0,
                &l.properties.to_map(),
                LINK_FIELDS,
                l.kind == LinkKind::Crossing,
            );
        }
        for n in net.nodes() {
            consider(false, &n.id.0, &n.properties.to_map(), NODE_FIELDS, false);
        }
        (ok, refused)
    })
}

/// The scenario setting `values` (one change per link or node, in first-drawn order).
fn same_value_scenario(values: &[&SameValue]) -> String {
    let mut changes: Vec<(bool, String, Map<String, Value>)> = Vec::new();
    for v in values {
        match changes.iter_mut().find(|c| c.0 == v.link && c.1 == v.id) {
            Some(c) => {
                c.2.insert(v.field.into(), v.value.clone());
            }
            None => {
                let mut set = Map::new();
                set.insert(v.field.into(), v.value.clone());
                changes.push((v.link, v.id.clone(), set));
            }
        }
    }
    let changes: Vec<Value> = changes
        .into_iter()
        .map(|(link, id, set)| {
            json!({(if link { "link" } else { "node" }): id, "set": set,
                   "source": "the value the data already has", "estimate": false})
        })
        .collect();
    json!({"name": "same", "title": "Fields set to their values", "source": "test",
           "description": "every change sets a field to the value it already has",
           "changes": changes})
    .to_string()
}

/// Requests about what `v` changes: between the link's ends in its mode (the route and the
/// capacity then cross it), or from the node.
fn touching(net: &Network, v: &SameValue, scenario: Option<&str>) -> Vec<(Asked, TestRequest)> {
    let scen = scenario
        .map(|s| format!("&scenario={s}"))
        .unwrap_or_default();
    let uris = if v.link {
        let l = net.link(&v.id).unwrap();
        let mode = l.mode.as_str();
        vec![
            format!(
                "/v1/route?from={}&to={}&mode={mode}&include_planned=true&cargo=livestock",
                l.from.0, l.to.0
            ),
            format!(
                "/v1/route?from={}&to={}&mode={mode}&include_planned=true&alternatives=2",
                l.to.0, l.from.0
            ),
            format!(
                "/v1/capacity?from={}&to={}&mode={mode}&include_planned=true",
                l.from.0, l.to.0
            ),
        ]
    } else {
        vec![format!("/v1/reach?from={}&contours=24,72&mode=any", v.id)]
    };
    uris.into_iter()
        .map(|q| {
            let uri = format!("{q}{scen}");
            (
                Asked {
                    what: format!("GET {uri}"),
                    csv: false,
                },
                TestRequest::get().uri(&uri),
            )
        })
        .collect()
}

#[test]
fn setting_fields_to_their_values_answers_as_the_baseline() {
    let (values, refused) = same_values();
    eprintln!(
        "{} settable (link or node, field) values in the data; {} the scenario checks refuse: {refused:?}",
        values.len(),
        refused.len()
    );
    assert!(values.iter().any(|v| v.field == "dwell_h"));
    assert!(values.iter().any(|v| v.field == "status"));
    assert!(values.iter().any(|v| !v.link));
    let net = &baseline().network;
    let tally = Tally::default();
    let strategy = (prop::collection::vec(any::<Index>(), 1..=5), gen_ask());
    TestRunner::new(config(24))
        .run(&strategy, |(picks, ask)| {
            let drawn: Vec<&SameValue> = picks
                .iter()
                .map(|i| &values[i.index(values.len())])
                .collect();
            let state = network_with("same", &same_value_scenario(&drawn));
            let mut plain = requests(net, &ask, None);
            plain.extend(touching(net, drawn[0], None));
            let mut named = requests(net, &ask, Some("same"));
            named.extend(touching(net, drawn[0], Some("same")));
            same_answers(&state, plain, named, &tally).map(|_| ())
        })
        .unwrap();
    tally.check("same values", 0.5);
}
