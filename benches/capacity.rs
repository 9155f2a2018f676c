//! Capacity benchmarks on the embedded corridor network: a country-to-country max-flow with
//! its min-cut and clean-up (target ≤ 5 ms median), and an assignment of 100 demands (target
//! ≤ 100 ms), each including the flow-network build a request pays for.

use std::hint::black_box;

use corridor::Network;
use corridor::capacity::assign::{AssignQuery, Demand, assign};
use corridor::capacity::maxflow::{CapacityQuery, max_flow};
use corridor::capacity::request::{Overrides, resolve_places};
use corridor::cost::{Cargo, Constraints, ModeFilter};
use criterion::{Criterion, criterion_group, criterion_main};

fn query(net: &Network, from: &str, to: &str, mode: ModeFilter) -> CapacityQuery {
    let c = Constraints {
        mode,
        ..Constraints::default()
    };
    CapacityQuery {
        from: resolve_places(net, "from", &[from.into()], &c).expect("from"),
        to: resolve_places(net, "to", &[to.into()], &c).expect("to"),
        constraints: c,
        overrides: Overrides::default(),
        transit: Default::default(),
    }
}

fn max_flow_benches(c: &mut Criterion) {
    let net = Network::embedded().expect("embedded network");
    let rail = query(&net, "RU", "CN", ModeFilter::Rail);
    c.bench_function("max_flow RU→CN rail", |b| {
        b.iter(|| max_flow(black_box(&net), black_box(&rail)))
    });
    // mode=any with every link given a capacity, so that the search is not cut short by an
    // unbounded path: the heaviest country-to-country question.
    let mut any = query(&net, "RU", "CN", ModeFilter::Any);
    for (i, l) in net.links().iter().enumerate() {
        if l.capacity.is_none() {
            any.overrides.capacity_tpy.insert(i, 5_000_000.0);
        }
    }
    c.bench_function("max_flow RU→CN any (all capacitated)", |b| {
        b.iter(|| max_flow(black_box(&net), black_box(&any)))
    });
}

fn assign_bench(c: &mut Criterion) {
    let net = Network::embedded().expect("embedded network");
    // 100 demands between cities of different countries, by rail, bulk and any mode mixed.
    let cities: Vec<&str> = net
        .nodes()
        .iter()
        .filter(|n| n.kind.as_str() == "city" && n.serves(corridor::network::Mode::Rail))
        .map(|n| n.id.0.as_str())
        .collect();
    let base = Constraints::default();
    let mut demands = Vec::new();
    let mut k = 0usize;
    while demands.len() < 100 {
        let a = cities[(k * 7) % cities.len()];
        let b = cities[(k * 13 + 5) % cities.len()];
        k += 1;
        let (na, nb) = (net.node(a).expect("a"), net.node(b).expect("b"));
        if na.country == nb.country {
            continue;
        }
        let mode = if k.is_multiple_of(3) {
            ModeFilter::Any
        } else {
            ModeFilter::Rail
        };
        let c = Constraints {
            mode,
            ..base.clone()
        };
        demands.push(Demand {
            from: resolve_places(&net, "from", &[a.into()], &c).expect("from"),
            to: resolve_places(&net, "to", &[b.into()], &c).expect("to"),
            tonnes_per_year: 500_000.0 + 100_000.0 * (k % 20) as f64,
            mode,
            cargo: if k.is_multiple_of(2) {
                Cargo::Bulk
            } else {
                Cargo::General
            },
        });
    }
    let req = AssignQuery {
        demands,
        constraints: base,
        overrides: Overrides::default(),
    };
    c.bench_function("assign 100 demands", |b| {
        b.iter(|| assign(black_box(&net), black_box(&req)))
    });
}

/// With `CORRIDOR_BENCH_DATA=DIR` (a network from `examples/gen_network.rs`, with its
/// `demand/gen-flows.json`): max-flow RU → CN by rail and in any mode, and the assignment of
/// the demand set's first 1,000 demands (issue 18's targets at 10⁵ nodes: ≤ 200 ms and
/// ≤ 2 s).
fn large_benches(c: &mut Criterion) {
    let Ok(dir) = std::env::var("CORRIDOR_BENCH_DATA") else {
        return;
    };
    let snap = corridor::Snapshot::load(&corridor::network::Source::Dir(dir.into()))
        .expect("CORRIDOR_BENCH_DATA loads");
    let net = &snap.network;
    let mut g = c.benchmark_group(format!("large {} nodes", net.nodes().len()));
    g.sample_size(10);
    for (label, mode) in [("rail", ModeFilter::Rail), ("any", ModeFilter::Any)] {
        let q = query(net, "RU", "CN", mode);
        g.bench_function(format!("max_flow RU→CN {label}"), |b| {
            b.iter(|| max_flow(black_box(net), black_box(&q)))
        });
    }
    if let Some(set) = snap.demand.values().next() {
        let demands = set
            .demands
            .iter()
            .take(1000)
            .filter_map(|d| {
                let c = Constraints {
                    mode: d.mode,
                    ..Constraints::default()
                };
                Some(Demand {
                    from: resolve_places(net, "from", std::slice::from_ref(&d.from), &c).ok()?,
                    to: resolve_places(net, "to", std::slice::from_ref(&d.to), &c).ok()?,
                    tonnes_per_year: d.tonnes_per_year,
                    mode: d.mode,
                    cargo: d.cargo,
                })
            })
            .collect();
        let req = AssignQuery {
            demands,
            constraints: Constraints::default(),
            overrides: Overrides::default(),
        };
        g.bench_function(format!("assign {} demands", req.demands.len()), |b| {
            b.iter(|| assign(black_box(net), black_box(&req)))
        });
    }
    g.finish();
}

criterion_group!(benches, max_flow_benches, assign_bench, large_benches);
criterion_main!(benches);
