//! Property: every cell of a distance matrix equals what `/v1/route` (`route::plan`) answers
//! for that pair with the same options, in every measure and in the crossings count; a cell
//! is empty exactly when the route is refused as having no route (422). On random drawn
//! networks and on the embedded corridor network. With the contraction hierarchy switched
//! on for small graphs, `plan_matrix` searches on it (bucket many-to-many) and every cell
//! equals the Dijkstra matrix's.

mod common;

use corridor::Snapshot;
use corridor::cost::{Cargo, ConstraintInput, Constraints, Measure, ModeFilter};
use corridor::network::Network;
use corridor::route::many::{
    Costing, MatrixCells, MatrixSearch, TALL_RATIO, matrix, matrix_by, usable,
};
use corridor::route::matrix::{MatrixRequest, plan_matrix};
use corridor::route::{PlaceQuery, RouteData, RouteError, RouteRequest, SearchGraph, plan};
use proptest::prelude::*;

use common::gen_net::{GenSpec, gen_net};

/// The drawn networks: 3–8 nodes in three countries on a 4-wide grid, 1–500 km links
/// (some planned, some oneway), crossings dwelling 0–24 h, most with veterinary control.
const NETS: GenSpec = GenSpec {
    countries: &["AA", "BB", "CC"],
    nodes: (3, 8),
    extra_links: 4,
    origin: (100.0, 40.0),
    columns: 4,
    step: (0.5, 0.5),
    length_km: (1.0, 500.0),
    length_decimals: 1,
    speed_kmh: (10.0, 100.0),
    planned: 0.15,
    oneway: 0.1,
    dwell_h: (0.0, 24.0),
    veterinary: 0.7,
    bent: 0.0,
};
const COUNTRIES: &[&str] = NETS.countries;

/// The options of one matrix, drawn.
#[derive(Debug, Clone)]
struct Opts {
    mode: ModeFilter,
    optimize: Measure,
    include_planned: bool,
    livestock: bool,
    avoid_country: Option<usize>,
    avoid_link: Option<usize>,
    transshipment_h: f64,
    road_usd_per_tkm: f64,
}

fn gen_opts() -> impl Strategy<Value = Opts> {
    (
        prop::sample::select(vec![ModeFilter::Any, ModeFilter::Rail, ModeFilter::Road]),
        prop::sample::select(Measure::ALL.to_vec()),
        any::<bool>(),
        prop::bool::weighted(0.2),
        prop::option::weighted(0.3, 0..COUNTRIES.len()),
        prop::option::weighted(0.3, 0usize..64),
        prop::sample::select(vec![24.0, 0.0, 5.0]),
        prop::sample::select(vec![0.10, 0.02]),
    )
        .prop_map(
            |(mode, optimize, include_planned, livestock, avoid_country, avoid_link, th, road)| {
                Opts {
                    mode,
                    optimize,
                    include_planned,
                    livestock,
                    avoid_country,
                    avoid_link,
                    transshipment_h: th,
                    road_usd_per_tkm: road,
                }
            },
        )
}

/// The route request of one pair with the drawn options.
fn route_request(net: &Network, o: &Opts, from: &str, to: &str) -> RouteRequest {
    let mut req = RouteRequest::new(PlaceQuery::Text(from.into()), PlaceQuery::Text(to.into()));
    req.mode = o.mode;
    req.optimize = o.optimize;
    req.include_planned = o.include_planned;
    if o.livestock {
        req.cargo = Cargo::Livestock;
    }
    req.avoid_countries = o
        .avoid_country
        .filter(|&c| net.nodes().iter().any(|x| x.country == COUNTRIES[c]))
        .map(|c| COUNTRIES[c].to_string())
        .into_iter()
        .collect();
    req.avoid_links = o
        .avoid_link
        .map(|j| net.links()[j % net.links().len()].id.0.clone())
        .into_iter()
        .collect();
    req.profile.transshipment_h = o.transshipment_h;
    req.profile.road_usd_per_tkm = o.road_usd_per_tkm;
    req
}

/// The matrix of `sources × destinations` (node indices) with the options of `template`.
fn run_matrix(
    snap: &Snapshot,
    template: &RouteRequest,
    sources: &[usize],
    destinations: &[usize],
) -> MatrixCells {
    run_matrix_by(snap, template, sources, destinations, None)
}

/// [`run_matrix`], searched the way given (`None`: the way `matrix` chooses).
fn run_matrix_by(
    snap: &Snapshot,
    template: &RouteRequest,
    sources: &[usize],
    destinations: &[usize],
    search: Option<MatrixSearch>,
) -> MatrixCells {
    let net = &snap.network;
    let input = ConstraintInput {
        mode: template.mode,
        include_planned: template.include_planned,
        include_unverified: template.include_unverified,
        cargo: template.cargo,
        avoid_countries: template.avoid_countries.clone(),
        avoid_crossings: template.avoid_crossings.clone(),
        avoid_links: template.avoid_links.clone(),
        scenario: None,
        close: Vec::new(),
    };
    let c = Constraints::resolve(net, &input, "").expect("drawn constraints are valid");
    let costing = Costing::new(net, &snap.search, &c, template.profile, template.optimize);
    let spec = costing.spec(net, &snap.search);
    let place = |&i: &usize| usable(net, &c, i).then_some(i);
    let s: Vec<Option<usize>> = sources.iter().map(place).collect();
    let d: Vec<Option<usize>> = destinations.iter().map(place).collect();
    match search {
        None => matrix(&spec, &s, &d),
        Some(search) => matrix_by(&spec, &s, &d, search),
    }
}

/// Tall matrices (issue 25): the backward search per destination gives every cell the
/// forward search per source gives — the same reachability, every measure equal up to
/// floating-point rounding, the same crossings — and `matrix` chooses it when there are
/// more sources than destinations. Returns how many cells had a route.
fn check_tall_equals_forward(
    snap: &Snapshot,
    o: &Opts,
    sources: &[usize],
    destinations: &[usize],
) -> Result<usize, TestCaseError> {
    let net = &snap.network;
    let id = |i: usize| net.nodes()[i].id.0.clone();
    let template = route_request(net, o, &id(sources[0]), &id(destinations[0]));
    let fwd = run_matrix_by(
        snap,
        &template,
        sources,
        destinations,
        Some(MatrixSearch::Forward),
    );
    let back = run_matrix_by(
        snap,
        &template,
        sources,
        destinations,
        Some(MatrixSearch::Backward),
    );
    prop_assert_eq!(fwd.search, MatrixSearch::Forward);
    prop_assert_eq!(back.search, MatrixSearch::Backward);
    let chosen = run_matrix(snap, &template, sources, destinations);
    // `matrix` counts the places that may start or end a route under the constraints.
    let c = constraints_of(net, &template);
    let distinct = |v: &[usize]| {
        v.iter()
            .filter(|&&i| usable(net, &c, i))
            .collect::<std::collections::HashSet<_>>()
            .len()
    };
    let tall = TALL_RATIO * distinct(destinations) <= distinct(sources);
    prop_assert_eq!(chosen.search == MatrixSearch::Backward, tall);
    let mut routed = 0;
    for (i, &s) in sources.iter().enumerate() {
        for (j, &d) in destinations.iter().enumerate() {
            let (f, b) = (fwd.get(i, j), back.get(i, j));
            let at = format!("{}→{} {:?}", id(s), id(d), o);
            match (f, b) {
                (None, None) => {}
                (Some(f), Some(b)) => {
                    for &m in Measure::ALL {
                        let (x, y) = (f.measures.get(m), b.measures.get(m));
                        prop_assert!(
                            (x - y).abs() <= 1e-9 * x.abs().max(1.0),
                            "{}: {:?} forward {} backward {}",
                            at,
                            m,
                            x,
                            y
                        );
                    }
                    prop_assert_eq!(f.crossings, b.crossings, "{}", at);
                    routed += 1;
                }
                _ => {
                    return Err(TestCaseError::fail(format!(
                        "{at}: forward {f:?} backward {b:?}"
                    )));
                }
            }
            prop_assert_eq!(chosen.get(i, j).is_some(), f.is_some());
        }
    }
    Ok(routed)
}

/// Checks every cell against `route::plan`; returns how many cells had a route.
fn check_against_routes(
    snap: &Snapshot,
    o: &Opts,
    sources: &[usize],
    destinations: &[usize],
) -> Result<usize, TestCaseError> {
    let net = &snap.network;
    let id = |i: usize| net.nodes()[i].id.0.clone();
    let template = route_request(net, o, &id(sources[0]), &id(destinations[0]));
    let cells = run_matrix(snap, &template, sources, destinations);
    prop_assert_eq!(cells.cells.len(), sources.len() * destinations.len());
    let mut routed = 0;
    for (i, &s) in sources.iter().enumerate() {
        for (j, &d) in destinations.iter().enumerate() {
            let cell = cells.get(i, j);
            if s == d {
                // The diagonal: no extent (a route request refuses it as invalid).
                if usable(net, &constraints_of(net, &template), s) {
                    let c = cell.expect("diagonal cell of a usable place");
                    prop_assert_eq!(c.measures.get(Measure::Distance), 0.0);
                    prop_assert_eq!(c.crossings, 0);
                } else {
                    prop_assert!(cell.is_none());
                }
                continue;
            }
            let req = route_request(net, o, &id(s), &id(d));
            match plan(snap, &req) {
                Ok(p) => {
                    let r = &p.routes[0];
                    let c = cell.ok_or_else(|| {
                        TestCaseError::fail(format!("{s}→{d}: route found, cell empty"))
                    })?;
                    prop_assert_eq!(c.measures, r.measures, "{}→{}", s, d);
                    prop_assert_eq!(c.crossings as usize, r.crossings(net).len());
                    routed += 1;
                }
                Err(RouteError::NoRoute { .. }) => {
                    prop_assert!(cell.is_none(), "{}→{}: no route but cell {:?}", s, d, cell)
                }
                Err(e) => return Err(TestCaseError::fail(format!("{s}→{d}: {e}"))),
            }
        }
    }
    Ok(routed)
}

fn constraints_of(net: &Network, r: &RouteRequest) -> Constraints {
    let input = ConstraintInput {
        mode: r.mode,
        include_planned: r.include_planned,
        include_unverified: r.include_unverified,
        cargo: r.cargo,
        avoid_countries: r.avoid_countries.clone(),
        avoid_crossings: r.avoid_crossings.clone(),
        avoid_links: r.avoid_links.clone(),
        close: Vec::new(),
        scenario: None,
    };
    Constraints::resolve(net, &input, "").expect("valid")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_cell_equals_the_route_of_its_pair(g in gen_net(NETS), o in gen_opts()) {
        let snap = Snapshot::build(g.build());
        let all: Vec<usize> = (0..snap.network.nodes().len()).collect();
        check_against_routes(&snap, &o, &all, &all)?;
    }

    #[test]
    fn tall_matrices_searched_backward_equal_forward_cell_by_cell(
        g in gen_net(NETS),
        o in gen_opts(),
        picks in prop::collection::vec(0usize..64, 4..24),
        cols in 1usize..4,
    ) {
        let snap = Snapshot::build(g.build());
        let n = snap.network.nodes().len();
        let sources: Vec<usize> = picks.iter().map(|p| p % n).collect();
        let destinations: Vec<usize> = picks.iter().rev().take(cols).map(|p| (p * 7 + 3) % n).collect();
        check_tall_equals_forward(&snap, &o, &sources, &destinations)?;
        // And against the routes themselves.
        check_against_routes_near(&snap, &o, &sources, &destinations)?;
    }
}

/// Every cell of a (tall) matrix against `route::plan`, measures equal up to rounding.
fn check_against_routes_near(
    snap: &Snapshot,
    o: &Opts,
    sources: &[usize],
    destinations: &[usize],
) -> Result<(), TestCaseError> {
    let net = &snap.network;
    let id = |i: usize| net.nodes()[i].id.0.clone();
    let template = route_request(net, o, &id(sources[0]), &id(destinations[0]));
    let cells = run_matrix(snap, &template, sources, destinations);
    for (i, &s) in sources.iter().enumerate() {
        for (j, &d) in destinations.iter().enumerate() {
            if s == d {
                continue;
            }
            let cell = cells.get(i, j);
            match plan(snap, &route_request(net, o, &id(s), &id(d))) {
                Ok(p) => {
                    let r = &p.routes[0];
                    let c = cell
                        .ok_or_else(|| TestCaseError::fail(format!("{s}→{d}: route, no cell")))?;
                    let (x, y) = (c.measures.get(o.optimize), r.measures.get(o.optimize));
                    prop_assert!(
                        (x - y).abs() <= 1e-9 * y.abs().max(1.0),
                        "{}→{}: cell {} route {}",
                        s,
                        d,
                        x,
                        y
                    );
                }
                Err(RouteError::NoRoute { .. }) => prop_assert!(cell.is_none()),
                Err(e) => return Err(TestCaseError::fail(format!("{s}→{d}: {e}"))),
            }
        }
    }
    Ok(())
}

/// xorshift64*: fixed-seed choices on the real network.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn on_the_corridor_network_every_cell_equals_its_route() {
    let snap = Snapshot::embedded().expect("embedded network");
    let n = snap.network.nodes().len();
    let mut rng = Rng(0x005e_ed0f_ca11_ab1e);
    let mut pick =
        |k: usize| -> Vec<usize> { (0..k).map(|_| (rng.next() % n as u64) as usize).collect() };
    let mut routed = 0;
    let mut cases = 0;
    for &optimize in Measure::ALL {
        for mode in [ModeFilter::Any, ModeFilter::Rail, ModeFilter::Road] {
            let o = Opts {
                mode,
                optimize,
                include_planned: optimize == Measure::Cost,
                livestock: false,
                avoid_country: None,
                avoid_link: None,
                transshipment_h: 24.0,
                road_usd_per_tkm: 0.10,
            };
            let (s, d) = (pick(12), pick(12));
            routed += check_against_routes(&snap, &o, &s, &d).expect("cells equal routes");
            cases += s.len() * d.len();
        }
    }
    // Most pairs of the corridor network are connected: the test compared real routes.
    assert!(
        routed * 2 > cases,
        "only {routed} of {cases} cells had a route"
    );
}

#[test]
fn on_the_corridor_network_tall_matrices_equal_forward_ones() {
    let snap = Snapshot::embedded().expect("embedded network");
    let n = snap.network.nodes().len();
    let all: Vec<usize> = (0..n).collect();
    let mut rng = Rng(0x7a11_0fba_c40a_1100);
    let mut routed = 0;
    for &optimize in Measure::ALL {
        for mode in [ModeFilter::Any, ModeFilter::Rail, ModeFilter::Road] {
            let o = Opts {
                mode,
                optimize,
                include_planned: optimize == Measure::Cost,
                livestock: mode == ModeFilter::Road,
                avoid_country: None,
                avoid_link: None,
                transshipment_h: 24.0,
                road_usd_per_tkm: 0.10,
            };
            let d: Vec<usize> = (0..3).map(|_| (rng.next() % n as u64) as usize).collect();
            routed += check_tall_equals_forward(&snap, &o, &all, &d).expect("tall equals forward");
        }
    }
    assert!(routed > n * 3, "only {routed} cells had a route");
}

/// Larger drawn networks for the hierarchy matrix: 4–48 nodes in three countries, 7 wide.
const HNETS: GenSpec = GenSpec {
    nodes: (4, 48),
    extra_links: 12,
    columns: 7,
    step: (0.7, 0.6),
    ..NETS
};

/// The snapshot's graph with the contraction hierarchy on from `cch_min` states, ALT off.
fn graph_with_cch(snap: &Snapshot, cch_min: usize) -> SearchGraph {
    let mut g = (*snap.search).clone();
    g.set_alt_min_states(usize::MAX);
    g.set_cch_min_states(cch_min);
    g
}

fn data<'a>(snap: &'a Snapshot, g: &'a SearchGraph) -> RouteData<'a> {
    RouteData {
        network: &snap.network,
        index: &snap.index,
        search: g,
        schedules: &snap.schedules,
        masks: &snap.masks,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// `plan_matrix` on the hierarchy (threshold lowered to 0) against the Dijkstra matrix
    /// (threshold out of reach), under drawn modes, avoid lists (partial customizations),
    /// countries, planned links and cargo: the same cells empty, every cell's optimised
    /// measure equal (the route may differ only among routes of equal weight), the diagonal
    /// 0.
    #[test]
    fn matrices_on_the_hierarchy_equal_dijkstra_matrices(
        g in gen_net(HNETS),
        o in gen_opts(),
        avoid in prop::collection::vec(0usize..256, 0..6),
        picks in prop::collection::vec((0usize..64, 0usize..64), 1..10),
    ) {
        let snap = Snapshot::build(g.build());
        let net = &snap.network;
        let (hg, pg) = (graph_with_cch(&snap, 0), graph_with_cch(&snap, usize::MAX));
        let n = net.nodes().len();
        let id = |i: usize| PlaceQuery::Text(net.nodes()[i].id.0.clone());
        let template = route_request(net, &o, "n0", "n1");
        let mut constraints = ConstraintInput {
            mode: o.mode,
            include_planned: o.include_planned,
            cargo: template.cargo,
            avoid_countries: template.avoid_countries.clone(),
            ..ConstraintInput::default()
        };
        let mut links: Vec<String> =
            avoid.iter().map(|&j| net.links()[j % net.links().len()].id.0.clone()).collect();
        links.sort();
        links.dedup();
        constraints.avoid_links = links;
        let req = MatrixRequest {
            sources: picks.iter().map(|p| id(p.0 % n)).collect(),
            destinations: picks.iter().rev().map(|p| id(p.1 % n)).collect(),
            optimize: o.optimize,
            constraints,
            profile: Default::default(),
            depart: None,
        };
        let (h, p) = (plan_matrix(data(&snap, &hg), &req), plan_matrix(data(&snap, &pg), &req));
        let (h, p) = match (h, p) {
            (Ok(h), Ok(p)) => (h, p),
            (Err(a), Err(b)) => {
                prop_assert_eq!(a.to_string(), b.to_string());
                return Ok(());
            }
            (h, p) => return Err(TestCaseError::fail(format!("hierarchy {h:?} vs Dijkstra {p:?}"))),
        };
        // The hierarchy answers most drawn cases; a mask that changes more than 64 links on a
        // matrix under 32 × 32 falls back to the Dijkstra searches by design (proptest found
        // such a case), and the cells must be equal either way. `cch_props` checks the
        // hierarchy's many-to-many itself on every case.
        prop_assert!(p.cells.search != MatrixSearch::Hierarchy);
        for (i, s) in req.sources.iter().enumerate() {
            for (j, d) in req.destinations.iter().enumerate() {
                let (x, y) = (h.cells.get(i, j), p.cells.get(i, j));
                let at = format!("{s:?}→{d:?} {o:?} avoid {:?}", req.constraints.avoid_links);
                match (x, y) {
                    (None, None) => {}
                    (Some(x), Some(y)) => {
                        let (a, b) = (x.measures.get(o.optimize), y.measures.get(o.optimize));
                        prop_assert!(
                            (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
                            "{}: hierarchy {} Dijkstra {}", at, a, b
                        );
                        if s == d {
                            prop_assert_eq!(x, y);
                        }
                    }
                    _ => return Err(TestCaseError::fail(format!("{at}: hierarchy {x:?} Dijkstra {y:?}"))),
                }
            }
        }
    }
}
