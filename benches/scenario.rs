//! Scenario overlay cost on the embedded corridor network.
//!
//! A scenario is applied to a prepared baseline snapshot as an overlay (`Snapshot::overlay`):
//! the edited features are read and checked again, the rest is shared, the search graph is
//! rebuilt. Named scenarios are overlaid once at load; an inline one per request. Benched:
//! - `scenario/apply/NAME`: `Snapshot::overlay` of the parsed scenario on the prepared
//!   baseline (the per-request cost of an inline scenario; target ≤ 50 µs);
//! - `scenario/parse/NAME`: `Scenario::parse` of the file against the network;
//! - `scenario/full_rebuild/NAME`: the reference path, for the ratio: the whole network written
//!   out and validated again (`Scenario::apply_full`), then every derived structure built
//!   (`Snapshot::try_build`: spatial index, search graph, every crossing schedule compiled);
//! - `scenario/part/*`: what `apply` is made of (network patch, search graph, schedules);
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
use corridor::cost::schedule::HolidayCalendars;
use corridor::network::scenario::{self, Scenario};
use corridor::network::source::Source;
use corridor::output::compare::route_comparison;
use corridor::output::route::route_collection;
use corridor::route::{PlaceQuery, RouteRequest, SearchGraph, plan};

fn bench(c: &mut Criterion) {
    let snap = Snapshot::embedded().expect("embedded network and scenarios");
    let docs = scenario::documents(&Source::Embedded).expect("embedded scenarios");
    let mut group = c.benchmark_group("scenario");
    for d in &docs {
        let name = d
            .file
            .trim_start_matches("scenarios/")
            .trim_end_matches(".json");
        let s = Scenario::parse(&d.file, &d.text, &snap.network).expect("valid");
        group.bench_function(format!("apply/{name}"), |b| {
            b.iter_with_large_drop(|| snap.overlay(black_box(&s), &d.file).expect("applies"))
        });
        group.bench_function(format!("parse/{name}"), |b| {
            b.iter_with_large_drop(|| {
                Scenario::parse(&d.file, black_box(&d.text), &snap.network).expect("valid")
            })
        });
        group.bench_function(format!("full_rebuild/{name}"), |b| {
            b.iter_with_large_drop(|| {
                let net = s.apply_full(&d.file, &snap.network).expect("applies");
                Snapshot::try_build(net).expect("schedules compile")
            })
        });
    }
    // What `apply` is made of, on the scenario with the most changes.
    let d = docs
        .iter()
        .find(|d| d.file.contains("rosgranstroy-priority"))
        .expect("shipped scenario");
    let s = Scenario::parse(&d.file, &d.text, &snap.network).expect("valid");
    let net = s.apply(&d.file, &snap.network).expect("applies");
    group.bench_function("part/network_patch", |b| {
        b.iter_with_large_drop(|| s.apply(&d.file, black_box(&snap.network)).expect("applies"))
    });
    group.bench_function("part/search_graph", |b| {
        b.iter_with_large_drop(|| SearchGraph::build(black_box(&net)))
    });
    let touched: Vec<usize> = s.link_ids().filter_map(|id| net.link_ix(id)).collect();
    group.bench_function("part/schedules_overlay", |b| {
        b.iter_with_large_drop(|| {
            snap.schedules
                .overlay(black_box(&net), &touched, HolidayCalendars::embedded())
        })
    });
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
