//! ALT (A* with landmarks) against plain Dijkstra, on the same search graph: every answer
//! the guided search gives equals the unguided one (the value exactly, up to floating-point
//! summation order; the path the same or of the same value), under random avoid lists,
//! countries, modes, planned links, cargo, profiles (cheaper ones fall back, dearer ones keep
//! ALT), vias and departures. Alternatives are valid paths and respect the diversity limits.
//!
//! The ALT threshold is lowered to 0 on a copy of each snapshot's graph, so the small drawn
//! networks and the corridor network are searched both ways.

mod common;

use std::collections::HashSet;

use common::gen_net::{GenNet, GenSpec, gen_net};
use corridor::Snapshot;
use corridor::cost::{Cargo, ModeFilter, Optimize};
use corridor::route::alternatives::{sharing, within_stretch};
use corridor::route::request::parse_depart;
use corridor::route::{PlaceQuery, RouteData, RoutePlan, RouteRequest, SearchGraph, plan};
use proptest::prelude::*;

/// 4–40 nodes in three countries, some planned and oneway links.
const NETS: GenSpec = GenSpec {
    countries: &["AA", "BB", "CC"],
    nodes: (4, 40),
    extra_links: 6,
    origin: (100.0, 45.0),
    columns: 6,
    step: (0.7, 0.6),
    length_km: (5.0, 400.0),
    length_decimals: 1,
    speed_kmh: (10.0, 90.0),
    planned: 0.15,
    oneway: 0.15,
    dwell_h: (0.0, 12.0),
    veterinary: 0.7,
    bent: 0.0,
};

/// The snapshot's graph with ALT on from the first state.
fn alt_graph(snap: &Snapshot) -> SearchGraph {
    let mut g = (*snap.search).clone();
    g.set_alt_min_states(0);
    g
}

fn alt_data<'a>(snap: &'a Snapshot, g: &'a SearchGraph) -> RouteData<'a> {
    RouteData {
        network: &snap.network,
        index: &snap.index,
        search: g,
        schedules: &snap.schedules,
        masks: &snap.masks,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// The best routes agree: same outcome, same value of the optimised measure; the same links
/// or another route of the same value.
fn same_best(
    req: &RouteRequest,
    plain: &Result<RoutePlan, corridor::route::RouteError>,
    alt: &Result<RoutePlan, corridor::route::RouteError>,
) -> Result<(), TestCaseError> {
    match (plain, alt) {
        (Ok(p), Ok(a)) => {
            let (vp, va) = (
                p.routes[0].measures.get(req.optimize),
                a.routes[0].measures.get(req.optimize),
            );
            prop_assert!(close(vp, va), "plain {vp} vs ALT {va}");
            // With a departure the time-optimal route is timed: same arrival. (Optimising
            // another measure, equal-valued routes may arrive at different times.)
            if req.optimize == Optimize::Time
                && let (Some(tp), Some(ta)) = (&p.routes[0].timing, &a.routes[0].timing)
            {
                prop_assert_eq!(tp.arrive, ta.arrive);
            }
        }
        (Err(ep), Err(ea)) => prop_assert_eq!(ep, ea),
        (p, a) => prop_assert!(false, "plain {p:?} vs ALT {a:?}"),
    }
    Ok(())
}

/// Every route is a connected walk from origin to destination over allowed links, distinct
/// from the others; alternatives respect the request's sharing and stretch limits.
fn check_alternatives(
    snap: &Snapshot,
    req: &RouteRequest,
    p: &RoutePlan,
) -> Result<(), TestCaseError> {
    let net = &snap.network;
    let len = |l: usize| net.links()[l].length_km;
    let links: Vec<Vec<usize>> = p
        .routes
        .iter()
        .map(|r| r.steps.iter().map(|s| s.link_ix).collect())
        .collect();
    let best = p.routes[0].measures.get(req.optimize);
    let mut seen = HashSet::new();
    for (i, r) in p.routes.iter().enumerate() {
        prop_assert!(seen.insert(links[i].clone()), "route {} repeated", i + 1);
        for w in r.steps.windows(2) {
            prop_assert_eq!(w[0].to_ix, w[1].from_ix);
        }
        for s in &r.steps {
            let l = &net.links()[s.link_ix];
            let ends = if s.forward {
                (l.from_ix, l.to_ix)
            } else {
                (l.to_ix, l.from_ix)
            };
            prop_assert_eq!(ends, (s.from_ix, s.to_ix));
            prop_assert!(s.forward || !l.oneway);
            prop_assert!(!req.avoid_links.contains(&l.id.0));
        }
        for c in r.countries(net) {
            prop_assert!(!req.avoid_countries.contains(&c));
        }
        if i > 0 {
            let v = r.measures.get(req.optimize);
            prop_assert!(within_stretch(v, best, req.limits.max_stretch));
            for k in 0..i {
                let sh = sharing(&links[i], &links[k], len);
                prop_assert!(sh <= req.limits.max_sharing + 1e-9, "sharing {sh}");
            }
        }
    }
    Ok(())
}

#[derive(Debug, Clone)]
struct GenReq {
    from: usize,
    to: usize,
    via: Option<usize>,
    optimize: usize,
    mode: usize,
    avoid_links: Vec<usize>,
    avoid_country: Option<usize>,
    include_planned: bool,
    livestock: bool,
    /// 0: default profile; 1: dearer transfers and dwell (ALT kept); 2: cheaper (fallback).
    profile: usize,
    depart_h: Option<u32>,
    alternatives: usize,
}

fn gen_req() -> impl Strategy<Value = GenReq> {
    (
        (
            0usize..64,
            0usize..64,
            prop::option::weighted(0.3, 0usize..64),
        ),
        (0usize..4, 0usize..3),
        (
            prop::collection::vec(0usize..256, 0..3),
            prop::option::weighted(0.3, 0usize..3),
            any::<bool>(),
            prop::bool::weighted(0.2),
        ),
        (
            0usize..3,
            prop::option::weighted(0.3, 0u32..2000),
            0usize..4,
        ),
    )
        .prop_map(
            |(
                (from, to, via),
                (optimize, mode),
                (avoid_links, avoid_country, include_planned, livestock),
                (profile, depart_h, alternatives),
            )| GenReq {
                from,
                to,
                via,
                optimize,
                mode,
                avoid_links,
                avoid_country,
                include_planned,
                livestock,
                profile,
                depart_h,
                alternatives,
            },
        )
}

fn request(g: &GenNet, r: &GenReq) -> Option<RouteRequest> {
    let n = g.nodes.len();
    let node = |i: usize| PlaceQuery::Text(format!("n{}", i % n));
    if r.from % n == r.to % n {
        return None;
    }
    let mut req = RouteRequest::new(node(r.from), node(r.to));
    if let Some(v) = r.via
        && v % n != r.from % n
        && v % n != r.to % n
    {
        req.via = vec![node(v)];
    }
    req.optimize = Optimize::ALL[r.optimize % Optimize::ALL.len()];
    req.mode = [ModeFilter::Any, ModeFilter::Rail, ModeFilter::Road][r.mode];
    if !g.links.is_empty() {
        let mut avoid: Vec<String> = r
            .avoid_links
            .iter()
            .map(|l| format!("l{}", l % g.links.len()))
            .collect();
        avoid.sort();
        avoid.dedup();
        req.avoid_links = avoid;
    }
    if let Some(c) = r.avoid_country {
        let c = NETS.countries[c].to_string();
        let ends = [r.from % n, r.to % n];
        if ends.iter().all(|&e| g.country(e) != c.as_str()) {
            req.avoid_countries = vec![c];
        }
    }
    req.include_planned = r.include_planned;
    if r.livestock {
        req.cargo = Cargo::Livestock;
    }
    match r.profile {
        1 => {
            req.profile.transshipment_h *= 2.0;
            req.profile.dwell_scale *= 1.5;
            req.profile.rail_usd_per_tkm *= 1.3;
        }
        2 => {
            req.profile.transshipment_h *= 0.25;
            req.profile.road_usd_per_tkm *= 0.5;
        }
        _ => {}
    }
    if let Some(h) = r.depart_h {
        req.depart = Some(
            parse_depart("2026-03-02T06:00+08:00").unwrap() + chrono::Duration::hours(h as i64),
        );
    }
    req.alternatives = r.alternatives;
    Some(req)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// ALT answers what Dijkstra answers, under every kind of request constraint.
    #[test]
    fn alt_equals_dijkstra_on_drawn_networks(g in gen_net(NETS), r in gen_req()) {
        let Some(req) = request(&g, &r) else { return Ok(()) };
        let snap = Snapshot::build(g.build());
        let ag = alt_graph(&snap);
        let plain = plan(&snap, &req);
        let alt = plan(alt_data(&snap, &ag), &req);
        same_best(&req, &plain, &alt)?;
        if let Ok(p) = &alt {
            prop_assert!(p.routes.len() <= req.alternatives + 1);
            check_alternatives(&snap, &req, p)?;
        }
    }
}

/// The corridor network (real schedules, so departures wait at closed crossings): for a
/// fixed set of pairs, every measure, with and without an avoided link on the best route
/// and a departure, ALT equals Dijkstra.
#[test]
fn alt_equals_dijkstra_on_the_corridor_network() {
    let snap = Snapshot::embedded().unwrap();
    let ag = alt_graph(&snap);
    let nodes = snap.network.nodes();
    let mut compared = 0;
    for (i, a) in nodes.iter().enumerate().step_by(7) {
        for b in nodes.iter().skip(i % 5).step_by(11) {
            if a.id == b.id {
                continue;
            }
            for &optimize in Optimize::ALL {
                let mut req = RouteRequest::new(
                    PlaceQuery::Text(a.id.0.clone()),
                    PlaceQuery::Text(b.id.0.clone()),
                );
                req.optimize = optimize;
                let base = plan(&snap, &req);
                same_best(&req, &base, &plan(alt_data(&snap, &ag), &req)).unwrap();
                let Ok(base) = base else { continue };
                compared += 1;
                // Avoid the best route's middle link; then also depart at a fixed time.
                let steps = &base.routes[0].steps;
                let mid = &snap.network.links()[steps[steps.len() / 2].link_ix];
                req.avoid_links = vec![mid.id.0.clone()];
                let (p, q) = (plan(&snap, &req), plan(alt_data(&snap, &ag), &req));
                same_best(&req, &p, &q).unwrap();
                req.depart = Some(parse_depart("2026-01-02T20:00+08:00").unwrap());
                let (p, q) = (plan(&snap, &req), plan(alt_data(&snap, &ag), &req));
                same_best(&req, &p, &q).unwrap();
            }
        }
    }
    assert!(compared > 100, "{compared}");
}
