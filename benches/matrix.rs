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
//! Run: `cargo bench --bench matrix -- --warm-up-time 1 --measurement-time 3`.

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

criterion_group!(benches, bench);
criterion_main!(benches);
