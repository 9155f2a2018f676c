//! Matrix and reach speed on the embedded corridor network.
//! - `matrix/100x100/{optimize}`: 100 sources × 100 destinations (fixed-seed draws of the
//!   network's nodes), one one-to-many search per source on rayon's pool, costing (weights,
//!   link mask) included; not JSON.
//! - `matrix/json_100x100`: serialising that matrix as JSON.
//! - `matrix/tall_1000x2/{forward,backward}`: 1,000 sources (fixed-seed draws, so places
//!   repeat: the network has 183 nodes) × 2 destinations, optimising time, searched one
//!   forward search per source (before) or one backward search per destination (after;
//!   what `matrix` chooses for a tall matrix).
//! - `matrix/square_100x100/{forward,backward}`: the 100 × 100 matrix searched each way.
//! - `matrix/depart_100x100/time`: the 100 × 100 matrix with a departure (time-dependent
//!   search through the crossings' schedules, earliest arrival per cell).
//! - `reach/3_contours/{origin}`: a reach with budgets 24, 48, 72 h, the search, link
//!   pieces and three concave hulls included; not GeoJSON.
//! - `reach/inwards_3_contours/{origin}` and `reach/arrive_by_3_contours/{origin}`: the same
//!   towards the place, timeless, and with an arrival deadline (Friday 2027-07-09 19:30+06:00:
//!   a latest-departure search through the crossings' schedules).
//!
//!
//! With `CORRIDOR_BENCH_DATA=DIR` (a directory written by `examples/gen_network.rs`) the
//! `large` group also runs on that network (skipped unset), optimising time with the default
//! constraints and profile, the hierarchy built and customized before timing (as the server
//! does on its background threads):
//! - `large/matrix_100x100/hierarchy`: `plan_matrix` of 100 × 100 fixed-seed places (the
//!   bucket many-to-many on the contraction hierarchy), places resolved by id;
//! - `large/matrix_100x100/avoid_link`: the same avoiding one link (a partial customization);
//! - `large/matrix_20x100/{hierarchy,dijkstra}`: 20 sources × 100 destinations on the
//!   hierarchy, and one Dijkstra per source (what the matrix ran before);
//! - `large/reach_24h_road/{origin}`: `plan_reach` by road within 24 h, one contour.
//!
//! Run: `cargo bench --bench matrix -- --warm-up-time 1 --measurement-time 3`; the large
//! group with `--sample-size 10`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use corridor::Snapshot;
use corridor::cost::{Constraints, Measure, Profile};
use corridor::route::many::{
    Costing, Direction, EdgeClock, ManySpec, MatrixSearch, Timed, matrix, matrix_by,
};
use corridor::route::reach::reach;

/// xorshift64*: a fixed-seed generator, so every run benches the same places.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn bench(c: &mut Criterion) {
    let snap = Snapshot::embedded().expect("embedded network");
    let net = &snap.network;
    let n = net.nodes().len() as u64;
    let mut rng = Rng(0x00c0_ffee_1234_5678);
    let mut draw = |k: usize| -> Vec<Option<usize>> {
        (0..k).map(|_| Some((rng.next() % n) as usize)).collect()
    };
    let (sources, destinations) = (draw(100), draw(100));
    let constraints = Constraints::default();

    let mut group = c.benchmark_group("matrix");
    for &optimize in Measure::ALL {
        group.bench_function(format!("100x100/{}", optimize.as_str()), |b| {
            b.iter(|| {
                let costing = Costing::new(
                    net,
                    &snap.search,
                    &constraints,
                    Profile::default(),
                    optimize,
                );
                let spec = costing.spec(net, &snap.search);
                black_box(matrix(&spec, &sources, &destinations))
            })
        });
    }
    let costing = Costing::new(
        net,
        &snap.search,
        &constraints,
        Profile::default(),
        Measure::Time,
    );
    let spec = costing.spec(net, &snap.search);
    let cells = matrix(&spec, &sources, &destinations);
    let places: Vec<corridor::route::Waypoint> = sources
        .iter()
        .flatten()
        .map(|&ix| corridor::route::Waypoint {
            field: "sources",
            input: corridor::route::PlaceQuery::Text(net.nodes()[ix].id.0.clone()),
            node_ix: ix,
            snap_km: None,
            matched: None,
        })
        .collect();
    let (tall, two) = (draw(1000), draw(2));
    for (name, search) in [
        ("forward", MatrixSearch::Forward),
        ("backward", MatrixSearch::Backward),
    ] {
        group.bench_function(format!("tall_1000x2/{name}"), |b| {
            b.iter(|| black_box(matrix_by(&spec, &tall, &two, search)))
        });
        // Near-square: where the choice between the two directions hardly matters.
        group.bench_function(format!("square_100x100/{name}"), |b| {
            b.iter(|| black_box(matrix_by(&spec, &sources, &destinations, search)))
        });
    }
    let profile = Profile::default();
    let depart = chrono::DateTime::parse_from_rfc3339("2027-07-09T17:30:00+06:00")
        .expect("a valid instant")
        .timestamp();
    let timed = ManySpec {
        timed: Some(Timed {
            clock: EdgeClock {
                net,
                graph: &snap.search,
                schedules: &snap.schedules,
                profile: &profile,
                depart_s: depart,
            },
            by_arrival: true,
        }),
        ..spec
    };
    group.bench_function("depart_100x100/time", |b| {
        b.iter(|| black_box(matrix(&timed, &sources, &destinations)))
    });
    group.bench_function("json_100x100", |b| {
        b.iter(|| {
            let v = corridor::output::matrix::matrix_json(
                net,
                &places,
                &places,
                &cells,
                serde_json::Value::Null,
            );
            black_box(serde_json::to_vec(&v).map(|v| v.len()))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("reach");
    for origin in ["mn-ulaanbaatar", "ru-kyakhta-terminal", "kz-almaty"] {
        let o = net.node_ix(origin).expect("origin");
        group.bench_function(format!("3_contours/{origin}"), |b| {
            b.iter(|| {
                let costing = Costing::new(
                    net,
                    &snap.search,
                    &constraints,
                    Profile::default(),
                    Measure::Time,
                );
                let spec = costing.spec(net, &snap.search);
                black_box(reach(
                    &spec,
                    o,
                    Direction::From,
                    Measure::Time,
                    &[24.0, 48.0, 72.0],
                ))
            })
        });
    }
    let deadline = chrono::DateTime::parse_from_rfc3339("2027-07-09T19:30:00+06:00")
        .expect("a valid instant")
        .timestamp();
    for origin in ["mn-ulaanbaatar", "ru-kyakhta-terminal", "kz-almaty"] {
        let o = net.node_ix(origin).expect("origin");
        for timed in [false, true] {
            let name = if timed { "arrive_by" } else { "inwards" };
            group.bench_function(format!("{name}_3_contours/{origin}"), |b| {
                b.iter(|| {
                    let costing = Costing::new(
                        net,
                        &snap.search,
                        &constraints,
                        Profile::default(),
                        Measure::Time,
                    );
                    let spec = ManySpec {
                        timed: timed.then_some(Timed {
                            clock: EdgeClock {
                                net,
                                graph: &snap.search,
                                schedules: &snap.schedules,
                                profile: &profile,
                                depart_s: deadline,
                            },
                            by_arrival: true,
                        }),
                        ..costing.spec(net, &snap.search)
                    };
                    black_box(reach(
                        &spec,
                        o,
                        Direction::To,
                        Measure::Time,
                        &[24.0, 48.0, 72.0],
                    ))
                })
            });
        }
    }
    group.finish();
}

/// Matrix and reach on a generated network of `CORRIDOR_BENCH_DATA` (skipped unset).
fn bench_large(c: &mut Criterion) {
    use corridor::route::PlaceQuery;
    use corridor::route::matrix::{MatrixRequest, ReachRequest, plan_matrix, plan_reach};
    let Ok(dir) = std::env::var("CORRIDOR_BENCH_DATA") else {
        return;
    };
    let t = std::time::Instant::now();
    let net = corridor::network::Network::load_dir(std::path::Path::new(&dir))
        .expect("CORRIDOR_BENCH_DATA loads");
    let snap = Snapshot::build(net);
    eprintln!(
        "large: {} nodes, {} links, {} states; built in {:.1} s",
        snap.network.nodes().len(),
        snap.network.links().len(),
        snap.search.state_count(),
        t.elapsed().as_secs_f64()
    );
    let t = std::time::Instant::now();
    snap.search.prepare_cch_of(&[Measure::Time]);
    eprintln!(
        "large: hierarchy and time customization in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let net = &snap.network;
    let n = net.nodes().len() as u64;
    let mut rng = Rng(0x0bad_cafe_5eed_0019);
    let mut draw = |k: usize| -> Vec<usize> { (0..k).map(|_| (rng.next() % n) as usize).collect() };
    let (sources, destinations) = (draw(100), draw(100));
    let ids = |v: &[usize]| -> Vec<PlaceQuery> {
        v.iter()
            .map(|&i| PlaceQuery::Text(net.nodes()[i].id.0.clone()))
            .collect()
    };
    let request = |s: &[usize], d: &[usize]| MatrixRequest {
        sources: ids(s),
        destinations: ids(d),
        optimize: Measure::Time,
        constraints: Default::default(),
        profile: Profile::default(),
        depart: None,
    };
    let square = request(&sources, &destinations);
    let narrow = request(&sources[..20], &destinations);
    // One link on the route between the first pair.
    let mut avoiding = square.clone();
    {
        let mut r = corridor::route::RouteRequest::new(
            ids(&sources[..1]).remove(0),
            ids(&destinations[..1]).remove(0),
        );
        r.optimize = corridor::cost::Optimize::Time;
        let p = corridor::route::plan(&snap, &r).expect("a route between the first pair");
        let steps = &p.routes[0].steps;
        let link = &net.links()[steps[steps.len() / 2].link_ix];
        avoiding.constraints.avoid_links = vec![link.id.0.clone()];
    }
    let mut group = c.benchmark_group("large");
    group.sample_size(10);
    group.bench_function("matrix_100x100/hierarchy", |b| {
        b.iter(|| black_box(plan_matrix(&snap, &square).expect("matrix")))
    });
    group.bench_function("matrix_100x100/avoid_link", |b| {
        b.iter(|| black_box(plan_matrix(&snap, &avoiding).expect("matrix")))
    });
    group.bench_function("matrix_20x100/hierarchy", |b| {
        b.iter(|| black_box(plan_matrix(&snap, &narrow).expect("matrix")))
    });
    let costing = Costing::new(
        net,
        &snap.search,
        &Constraints::default(),
        Profile::default(),
        Measure::Time,
    );
    let spec = costing.spec(net, &snap.search);
    let (s20, d100): (Vec<Option<usize>>, Vec<Option<usize>>) = (
        sources[..20].iter().map(|&i| Some(i)).collect(),
        destinations.iter().map(|&i| Some(i)).collect(),
    );
    group.bench_function("matrix_20x100/dijkstra", |b| {
        b.iter(|| black_box(matrix_by(&spec, &s20, &d100, MatrixSearch::Forward)))
    });
    for &o in &sources[..3] {
        let mut constraints = corridor::cost::ConstraintInput {
            mode: corridor::cost::ModeFilter::Road,
            ..Default::default()
        };
        constraints.include_planned = false;
        let req = ReachRequest {
            from: PlaceQuery::Text(net.nodes()[o].id.0.clone()),
            direction: Direction::From,
            measure: Measure::Time,
            contours: vec![24.0],
            constraints,
            profile: Profile::default(),
            depart: None,
            arrive_by: None,
        };
        let id = net.nodes()[o].id.0.clone();
        match plan_reach(&snap, &req) {
            Ok(r) => eprintln!(
                "large: reach 24 h by road from {id}: {} nodes, {} link pieces",
                r.reach.nodes.len(),
                r.reach.links.len()
            ),
            Err(e) => {
                eprintln!("large: reach from {id} refused: {e}");
                continue;
            }
        }
        group.bench_function(format!("reach_24h_road/{id}"), |b| {
            b.iter(|| black_box(plan_reach(&snap, &req).expect("reach")))
        });
    }
    group.finish();
}

criterion_group!(benches, bench, bench_large);
criterion_main!(benches);
