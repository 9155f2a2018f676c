//! Scenario overlay cost on the embedded corridor network.
//!
//! A scenario is prepared once per load (parse, apply through the network validator, derive
//! the scenario's snapshot: indexes and search graph), so a request only looks the prepared
//! snapshot up. Benched:
//! - `scenario/prepare/NAME`: the whole per-scenario work at load (what a reload pays per
//!   scenario);
//! - `scenario/select`: what a request pays to answer on a scenario (the lookup);
//! - `scenario/route/{baseline,naushki-closed}`: Ulan-Ude → Beijing by rail on each, the
//!   route bench's request shape, to show a scenario's search costs what the baseline's does;
//! - `scenario/{plain_route,compare_route}_geojson`: `/v1/route` vs `/v1/compare/route` work
//!   (plans and GeoJSON), for the ≤ 3× target.
//!
//! Run: `cargo bench --bench scenario -- --warm-up-time 1 --measurement-time 3`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use corridor::Snapshot;
use corridor::cost::ModeFilter;
use corridor::network::scenario::{self, Scenario};
use corridor::network::source::Source;
use corridor::output::compare::route_comparison;
use corridor::output::route::route_collection;
use corridor::route::{PlaceQuery, RouteRequest, plan};

fn bench(c: &mut Criterion) {
    let snap = Snapshot::embedded().expect("embedded network and scenarios");
    let docs = scenario::documents(&Source::Embedded).expect("embedded scenarios");
    let mut group = c.benchmark_group("scenario");
    for d in &docs {
        let name = d
            .file
            .trim_start_matches("scenarios/")
            .trim_end_matches(".json");
        group.bench_function(format!("prepare/{name}"), |b| {
            b.iter(|| {
                let s = Scenario::parse(&d.file, &d.text, &snap.network).expect("valid");
                let net = s.apply(&d.file, &snap.network).expect("applies");
                black_box(Snapshot::build(net))
            })
        });
    }
    group.bench_function("select", |b| {
        b.iter(|| black_box(snap.scenario(black_box(Some("naushki-closed"))).is_ok()))
    });
    let mut req = RouteRequest::new(
        PlaceQuery::Text("ru-ulan-ude".into()),
        PlaceQuery::Text("cn-beijing".into()),
    );
    req.mode = ModeFilter::Rail;
    for name in [None, Some("naushki-closed")] {
        let on = snap.scenario(name).expect("known");
        group.bench_function(format!("route/{}", name.unwrap_or("baseline")), |b| {
            b.iter(|| black_box(plan(on, &req).expect("a route")))
        });
    }
    // compare/route against a plain route, both with their GeoJSON: the issue's ≤ 3× target.
    let on = snap.scenario(Some("naushki-closed")).expect("known");
    group.bench_function("plain_route_geojson", |b| {
        b.iter(|| {
            let p = plan(&snap, &req).expect("a route");
            black_box(route_collection(&snap.network, &p))
        })
    });
    group.bench_function("compare_route_geojson", |b| {
        b.iter(|| {
            let base = plan(&snap, &req).expect("a route");
            let p = plan(on, &req).expect("a route");
            black_box(route_comparison(
                "naushki-closed",
                &snap.network,
                &base,
                &on.network,
                &p,
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
