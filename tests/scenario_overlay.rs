//! The scenario overlay (`Snapshot::overlay`: typed re-read of the edited features, shared
//! parts, schedules compiled only where they change) gives exactly what the reference path
//! gives (`Scenario::apply_full`: the whole network written out and validated again, then
//! `Snapshot::try_build`), for every shipped scenario and for one that sets every settable
//! field; and its problems are the reference path's, blamed on the change.

use std::sync::Arc;

use chrono::DateTime;
use corridor::Snapshot;
use corridor::cost::ModeFilter;
use corridor::cost::{ConstraintInput, Measure, Profile};
use corridor::network::scenario::{self, INLINE_NAME, LINK_FIELDS, NODE_FIELDS, Scenario, Target};
use corridor::network::source::Source;
use corridor::network::{Network, Problem, Status};

use corridor::route::matrix::{MatrixRequest, plan_matrix};
use corridor::route::{PlaceQuery, RouteRequest, SearchGraph, plan};

fn base() -> Snapshot {
    Snapshot::embedded().expect("embedded network and scenarios")
}

/// Every typed field of every node and link (Debug prints all of them, floats exactly).
fn assert_same_network(a: &Network, b: &Network, what: &str) {
    assert_eq!(a.nodes().len(), b.nodes().len(), "{what}: node count");
    assert_eq!(a.links().len(), b.links().len(), "{what}: link count");
    for (x, y) in a.nodes().iter().zip(b.nodes()) {
        assert_eq!(format!("{x:?}"), format!("{y:?}"), "{what}: node {}", x.id);
    }
    for (x, y) in a.links().iter().zip(b.links()) {
        assert_eq!(format!("{x:?}"), format!("{y:?}"), "{what}: link {}", x.id);
    }
    for u in 0..a.nodes().len() {
        assert_eq!(a.incident(u), b.incident(u), "{what}: links at node {u}");
    }
}

/// The network, the search graph, every link's schedule and the spatial index are equal, and
/// so are a few route answers (one timed through the schedules).
fn assert_same_snapshot(base: &Snapshot, typed: &Snapshot, full: &Snapshot, what: &str) {
    assert_same_network(&typed.network, &full.network, what);
    // The overlay's graph is the full rebuild's, or the base's graph shared with the links
    // the scenario closes left in it (every search refuses a closed link by its status):
    // then the base and the overlay differ in nothing else the graph reads, and the answers
    // below (routes, timed routes, matrices) must not tell the two apart.
    let graph = |g: &SearchGraph| format!("{g:?}");
    if Arc::ptr_eq(&typed.search, &base.search) && graph(&typed.search) != graph(&full.search) {
        let mut closed = 0;
        for (t, b) in typed.network.links().iter().zip(base.network.links()) {
            if t.status == Status::Closed && b.status != Status::Closed {
                closed += 1;
            } else {
                assert!(
                    SearchGraph::same_link_inputs(b, t),
                    "{what}: the shared graph reads a changed field of {}",
                    t.id
                );
            }
        }
        assert!(
            closed > 0,
            "{what}: the graph is shared, differs from the rebuild's, and no link was closed"
        );
        for (t, b) in typed.network.nodes().iter().zip(base.network.nodes()) {
            assert!(SearchGraph::same_node_inputs(b, t), "{what}: node {}", t.id);
        }
    } else {
        assert_eq!(
            graph(&typed.search),
            graph(&full.search),
            "{what}: search graph"
        );
    }
    let places = [
        "ru-ulan-ude",
        "cn-beijing",
        "mn-ulaanbaatar",
        "kz-almaty",
        "ru-novosibirsk",
        "mn-zamyn-uud",
        "cn-erenhot",
        "mn-khovd",
    ];
    let depart = DateTime::parse_from_rfc3339("2025-03-07T16:00:00+08:00").unwrap();
    for (mode, timed) in [
        (ModeFilter::Any, false),
        (ModeFilter::Road, true),
        (ModeFilter::Rail, false),
    ] {
        let req = MatrixRequest {
            sources: places
                .iter()
                .map(|p| PlaceQuery::Text((*p).into()))
                .collect(),
            destinations: places
                .iter()
                .rev()
                .map(|p| PlaceQuery::Text((*p).into()))
                .collect(),
            optimize: Measure::Time,
            constraints: ConstraintInput {
                mode,
                include_planned: true,
                ..ConstraintInput::default()
            },
            profile: Profile::default(),
            depart: timed.then_some(depart),
        };
        let cells = |s: &Snapshot| {
            plan_matrix(s, &req)
                .map(|m| format!("{:?}", m.cells))
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            cells(typed),
            cells(full),
            "{what}: {mode:?} matrix, timed {timed}"
        );
    }
    for ix in 0..full.network.links().len() {
        assert_eq!(
            typed.schedules.of(ix),
            full.schedules.of(ix),
            "{what}: schedule of {}",
            full.network.links()[ix].id
        );
    }
    assert_eq!(typed.schedules.distinct(), full.schedules.distinct());
    assert_eq!(
        format!("{:?}", typed.index),
        format!("{:?}", full.index),
        "{what}: spatial index"
    );
    for (from, to, mode, timed) in [
        ("ru-ulan-ude", "cn-beijing", ModeFilter::Rail, false),
        ("ru-irkutsk", "mn-ulaanbaatar", ModeFilter::Road, true),
        ("kz-almaty", "mn-ulaanbaatar", ModeFilter::Road, false),
        ("ru-novosibirsk", "mn-khovd", ModeFilter::Road, true),
    ] {
        let mut req = RouteRequest::new(PlaceQuery::Text(from.into()), PlaceQuery::Text(to.into()));
        req.mode = mode;
        req.alternatives = 2;
        req.include_planned = true;
        if timed {
            req.depart = Some(depart);
        }
        let a = plan(typed, &req).map(|p| format!("{:?}", p.routes));
        let b = plan(full, &req).map(|p| format!("{:?}", p.routes));
        assert_eq!(
            a.map_err(|e| e.to_string()),
            b.map_err(|e| e.to_string()),
            "{what}: {from} → {to}"
        );
    }
}

fn reference(base: &Snapshot, s: &Scenario, file: &str) -> Snapshot {
    let net = s.apply_full(file, &base.network).expect("applies");
    Snapshot::try_build(net).expect("schedules compile")
}

#[test]
fn every_shipped_scenario_overlays_as_the_full_rebuild() {
    let base = base();
    let docs = scenario::documents(&Source::Embedded).unwrap();
    assert!(!docs.is_empty());
    for d in &docs {
        let s = Scenario::parse(&d.file, &d.text, &base.network).unwrap();
        assert!(!s.adds(), "{}: shipped scenarios only edit", d.file);
        let typed = base.overlay(&s, &d.file).unwrap();
        assert_same_snapshot(&base, &typed, &reference(&base, &s, &d.file), &d.file);
        // What it does not change is shared, not copied: the index always (edits only), the
        // search graph too (they change capacities, status between planned and open, which
        // the graph does not read, and close links, which searches refuse by status).
        assert!(Arc::ptr_eq(&typed.index, &base.index), "{}", d.file);
        assert!(Arc::ptr_eq(&typed.search, &base.search), "{}", d.file);
        // And the snapshot served for the name is the same.
        let served = base.scenario(Some(&s.name)).unwrap();
        assert_same_snapshot(&base, served, &typed, &d.file);
    }
}

/// One change per settable field of a link (on border crossings, so that crossing-only
/// fields apply) and of a node, with values unlike the data's.
fn every_field_scenario() -> String {
    let value = |name: &str| -> serde_json::Value {
        match name {
            "status" => "seasonal".into(),
            "capacity" => serde_json::json!({"value": 4.5, "unit": "trains/day"}),
            "capacity_basis" => "estimate".into(),
            "capacity_note" => "4.5 trains/day assumed for the test".into(),
            "speed_kmh" => 17.25.into(),
            "oneway" => true.into(),
            "dwell_h" => 0.into(),
            "hours" => "Mo-Sa 08:00-20:00".into(),
            "opening_hours" => "Mo-Sa 08:00-20:00; PH off".into(),
            "veterinary" => true.into(),
            "intermodal" => true.into(),
            other => panic!("a settable field this test does not know: {other}"),
        }
    };
    let link_set: serde_json::Map<String, serde_json::Value> = LINK_FIELDS
        .iter()
        .map(|f| (f.name.to_string(), value(f.name)))
        .collect();
    let node_set: serde_json::Map<String, serde_json::Value> = NODE_FIELDS
        .iter()
        .map(|f| (f.name.to_string(), value(f.name)))
        .collect();
    serde_json::json!({
        "name": "t", "title": "T", "description": "d", "source": "s",
        "changes": [
            {"link": "xd-tashanta-tsagaannuur", "set": link_set, "source": "test", "estimate": false},
            // a second crossing with a new capacity and a schedule of its own
            {"link": "xr-naushki-sukhbaatar", "set": {"capacity": {"value": 1.0e7, "unit": "t/yr"}, "dwell_h": 30, "opening_hours": "Mo-Fr 09:00-18:00; PH off"},
             "source": "test", "estimate": false},
            {"node": "mn-sukhbaatar", "set": node_set, "source": "test", "estimate": true, "note": "n"},
            {"node": "ru-naushki", "set": {"intermodal": false}, "source": "test", "estimate": false},
        ]
    })
    .to_string()
}

#[test]
fn a_scenario_setting_every_field_overlays_as_the_full_rebuild() {
    let base = base();
    let text = every_field_scenario();
    let s = Scenario::parse("scenarios/t.json", &text, &base.network).unwrap();
    let covered: Vec<&str> = s
        .changes
        .iter()
        .flat_map(|c| c.set.keys().map(String::as_str))
        .collect();
    for f in LINK_FIELDS.iter().chain(NODE_FIELDS) {
        assert!(covered.contains(&f.name), "{} not set", f.name);
    }
    let typed = base.overlay(&s, "scenarios/t.json").unwrap();
    let full = reference(&base, &s, "scenarios/t.json");
    assert_same_snapshot(&base, &typed, &full, "every field");
    // The edits reached the model.
    let l = typed.network.link("xd-tashanta-tsagaannuur").unwrap();
    assert_eq!(l.speed_kmh, 17.25);
    assert!(l.oneway);
    assert_eq!(l.crossing.as_ref().unwrap().hours, "Mo-Sa 08:00-20:00");
    let n = typed.network.link("xr-naushki-sukhbaatar").unwrap();
    assert_eq!(n.capacity.map(|c| c.value), Some(1.0e7));
    assert!(typed.network.node("mn-sukhbaatar").unwrap().intermodal);
    // The changed schedule was compiled anew, the other kept.
    let ix = typed.network.link_ix("xd-tashanta-tsagaannuur").unwrap();
    assert_ne!(typed.schedules.of(ix), base.schedules.of(ix));
}

fn problems_of(base: &Snapshot, changes: &str) -> (Vec<Problem>, Vec<Problem>) {
    let text = format!(
        r#"{{"name":"t","title":"T","description":"d","source":"s","changes":[{changes}]}}"#
    );
    let s = Scenario::parse("scenarios/t.json", &text, &base.network).unwrap();
    let typed = base.overlay(&s, "scenarios/t.json").unwrap_err();
    let full = match s.apply_full("scenarios/t.json", &base.network) {
        Err(p) => p,
        // The network validates: the reference's schedules are compiled whole.
        Ok(net) => match Snapshot::try_build(net) {
            Err(e) => s.blame("scenarios/t.json", e.problems()),
            Ok(_) => panic!("the reference path accepts it"),
        },
    };
    (typed, full)
}

#[test]
fn a_change_the_network_refuses_is_blamed_on_it_as_before() {
    let base = base();
    // A basis without a capacity: the link reader's rule, on the changed link.
    let (typed, full) = problems_of(
        &base,
        r#"{"link":"xd-tashanta-tsagaannuur","set":{"status":"closed"},"source":"x","estimate":false},
           {"link":"xr-naushki-sukhbaatar","set":{"capacity":null,"capacity_basis":"design"},"source":"x","estimate":false}"#,
    );
    assert_eq!(typed, full);
    assert_eq!(typed.len(), 1, "{typed:#?}");
    assert_eq!(typed[0].file, "scenarios/t.json");
    assert_eq!(typed[0].feature, Some(1));
    assert_eq!(typed[0].id.as_deref(), Some("xr-naushki-sukhbaatar"));
    assert_eq!(typed[0].field, "changes[1].set.capacity");
    assert!(
        typed[0]
            .message
            .starts_with("with this change the link 'xr-naushki-sukhbaatar' is invalid: "),
        "{}",
        typed[0].message
    );
    assert!(typed[0].message.ends_with("required with capacity_basis"));
}

#[test]
fn a_schedule_that_does_not_compile_is_blamed_on_its_change() {
    let base = base();
    let (typed, full) = problems_of(
        &base,
        r#"{"link":"xd-tashanta-tsagaannuur","set":{"opening_hours":"Mo-Fr 25:00-26:00"},"source":"x","estimate":false}"#,
    );
    assert_eq!(typed, full);
    assert_eq!(typed.len(), 1, "{typed:#?}");
    assert_eq!(typed[0].feature, Some(0));
    assert_eq!(typed[0].field, "changes[0].set.opening_hours");
    assert!(
        typed[0].message.contains("malformed opening_hours"),
        "{}",
        typed[0].message
    );
}

#[test]
fn an_inline_scenario_needs_only_changes() {
    let base = base();
    let doc = serde_json::json!({"changes": [
        {"link": "xr-naushki-sukhbaatar", "set": {"status": "closed"}, "source": "a request", "estimate": false}
    ]});
    let s = Scenario::parse_inline("scenario", &doc, &base.network).unwrap();
    assert_eq!(s.name, INLINE_NAME);
    assert_eq!(s.changes.len(), 1);
    assert_eq!(
        s.changes[0].target,
        Target::Link("xr-naushki-sukhbaatar".into())
    );
    let on = base.overlay(&s, "scenario").unwrap();
    let named = base.scenario(Some("naushki-closed")).unwrap();
    assert_eq!(
        on.network.link("xr-naushki-sukhbaatar").unwrap().status,
        named.network.link("xr-naushki-sukhbaatar").unwrap().status
    );
    assert_eq!(format!("{:?}", on.search), format!("{:?}", named.search));
}

#[test]
fn an_inline_scenario_lists_every_problem() {
    let base = base();
    let doc = serde_json::json!({"name": "Not A Slug", "changes": [
        {"link": "xr-naushki-sukhbatar", "set": {"status": "closed"}, "source": "x", "estimate": false},
        {"link": "xd-tashanta-tsagaannuur", "set": {"dwell_h": -1, "colour": "red"}, "source": "x", "estimate": false},
    ]});
    let p = Scenario::parse_inline("scenario", &doc, &base.network).unwrap_err();
    let got: Vec<(&str, Option<usize>)> = p.iter().map(|p| (p.field.as_str(), p.feature)).collect();
    assert_eq!(
        got,
        [
            ("name", None),
            ("changes[0].link", Some(0)),
            ("changes[1].set.colour", Some(1)),
            ("changes[1].set.dwell_h", Some(1)),
        ],
        "{p:#?}"
    );
    assert!(p.iter().all(|p| p.file == "scenario"));
    let missing =
        Scenario::parse_inline("scenario", &serde_json::json!({}), &base.network).unwrap_err();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].field, "changes");
    let not_object =
        Scenario::parse_inline("scenario", &serde_json::json!([1]), &base.network).unwrap_err();
    assert_eq!(not_object[0].field, "(scenario)");
}

#[test]
fn a_scenario_that_adds_takes_the_full_path_and_rebuilds_the_index() {
    let base = base();
    let net = &base.network;
    let (a, b) = ("ru-ulan-ude", "ru-chita");
    let (pa, pb) = (net.node(a).unwrap().point, net.node(b).unwrap().point);
    let text = serde_json::json!({
        "name": "t", "title": "T", "description": "d", "source": "s",
        "changes": [
            {"add_link": {"type": "Feature",
              "geometry": {"type": "LineString", "coordinates": [[pa.x(), pa.y()], [pb.x(), pb.y()]]},
              "properties": {"id": "road-test-new", "from": a, "to": b, "mode": "road", "kind": "road",
                             "speed_kmh": 60, "status": "planned", "source": "test"}},
             "source": "test", "estimate": false},
            {"link": "xr-naushki-sukhbaatar", "set": {"status": "closed"}, "source": "test", "estimate": false},
        ]
    })
    .to_string();
    let s = Scenario::parse("scenarios/t.json", &text, net).unwrap();
    assert!(s.adds());
    let typed = base.overlay(&s, "scenarios/t.json").unwrap();
    assert_eq!(typed.network.links().len(), net.links().len() + 1);
    assert!(!Arc::ptr_eq(&typed.index, &base.index));
    assert_same_snapshot(
        &base,
        &typed,
        &reference(&base, &s, "scenarios/t.json"),
        "add",
    );
}

/// One scenario per settable field (and for `status`, one value the graph reads and one it
/// does not): the search graph is shared with the base snapshot exactly when the field cannot
/// change it, and the overlay still answers as the full rebuild. The table is written out
/// here (not derived from `SearchGraph::same_link_inputs`): the graph reads closed-or-not,
/// speed, direction, dwell (time weights) and a node's `intermodal` (transfers); capacities,
/// their notes, opening hours and veterinary control are read per request, never by it.
#[test]
fn the_search_graph_is_shared_exactly_when_the_changed_field_cannot_change_it() {
    let base = base();
    let tashanta = "xd-tashanta-tsagaannuur";
    // (target kind, id, field, value unlike the data's, graph shared?)
    let cases: [(&str, &str, &str, serde_json::Value, bool); 13] = [
        ("link", tashanta, "status", "seasonal".into(), true),
        // Closing keeps the link's edges in the shared graph; searches refuse it by status.
        ("link", tashanta, "status", "closed".into(), true),
        // Opening the closed Zheltura–Zelter needs edges the graph left out.
        ("link", "xd-zheltura-zelter", "status", "open".into(), false),
        (
            "link",
            tashanta,
            "capacity",
            serde_json::json!({"value": 4.5, "unit": "trains/day"}),
            true,
        ),
        ("link", tashanta, "capacity_basis", "estimate".into(), true),
        (
            "link",
            tashanta,
            "capacity_note",
            "a test figure".into(),
            true,
        ),
        ("link", tashanta, "speed_kmh", 17.25.into(), false),
        ("link", tashanta, "oneway", true.into(), false),
        ("link", tashanta, "dwell_h", 0.into(), false),
        ("link", tashanta, "hours", "Mo-Sa 08:00-20:00".into(), true),
        (
            "link",
            tashanta,
            "opening_hours",
            "Mo-Sa 08:00-20:00; PH off".into(),
            true,
        ),
        ("link", tashanta, "veterinary", false.into(), true),
        ("node", "mn-sukhbaatar", "intermodal", false.into(), false),
    ];
    // Every settable field has a row: a new field must be decided here.
    for f in LINK_FIELDS.iter().chain(NODE_FIELDS) {
        assert!(
            cases.iter().any(|c| c.2 == f.name),
            "no case for the settable field {}",
            f.name
        );
    }
    for (kind, id, field, value, shared) in cases {
        let what = format!("{kind} {id}: {field} = {value}");
        let text = serde_json::json!({
            "name": "t", "title": "T", "description": "d", "source": "s",
            "changes": [{kind: id, "set": {field: value}, "source": "test", "estimate": false}]
        })
        .to_string();
        let s = Scenario::parse("scenarios/t.json", &text, &base.network)
            .unwrap_or_else(|p| panic!("{what}: {p:?}"));
        let typed = base
            .overlay(&s, "scenarios/t.json")
            .unwrap_or_else(|p| panic!("{what}: {p:?}"));
        // The change is real: the feature differs from the base's.
        let before_after = match kind {
            "link" => (
                format!("{:?}", base.network.link(id).unwrap()),
                format!("{:?}", typed.network.link(id).unwrap()),
            ),
            _ => (
                format!("{:?}", base.network.node(id).unwrap()),
                format!("{:?}", typed.network.node(id).unwrap()),
            ),
        };
        assert_ne!(before_after.0, before_after.1, "{what}: nothing changed");
        assert_eq!(
            Arc::ptr_eq(&typed.search, &base.search),
            shared,
            "{what}: graph shared"
        );
        assert_same_snapshot(
            &base,
            &typed,
            &reference(&base, &s, "scenarios/t.json"),
            &what,
        );
    }
}
