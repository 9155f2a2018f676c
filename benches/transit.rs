//! Transit options on the embedded corridor network (issue 12): the time-dependent best route
//! against the timeless one on the same 100 random pairs (fixed seed), and
//! `alternatives_by=corridor` with 3 corridors asked (Almaty → Ulaanbaatar by road, and
//! by any mode). Measured: the whole in-process `route::plan`.
//!
//! Run: `cargo bench --bench transit -- --warm-up-time 1 --measurement-time 3`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use corridor::Snapshot;
use corridor::cost::ModeFilter;
use corridor::route::request::parse_depart;
use corridor::route::{AlternativesBy, PlaceQuery, RouteRequest, plan};

/// xorshift64*: a fixed-seed generator, so every run benches the same pairs.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn requests(snap: &Snapshot, n: usize) -> Vec<RouteRequest> {
    let nodes = snap.network.nodes();
    let mut rng = Rng(0x00c0_ffee_1234_5678);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let a = (rng.next() % nodes.len() as u64) as usize;
        let b = (rng.next() % nodes.len() as u64) as usize;
        if a == b {
            continue;
        }
        let r = RouteRequest::new(
            PlaceQuery::parse(&nodes[a].id.0).unwrap(),
            PlaceQuery::parse(&nodes[b].id.0).unwrap(),
        );
        if plan(snap, &r).is_ok() {
            out.push(r);
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let snap = Snapshot::embedded().expect("embedded network");
    let timeless = requests(&snap, 100);
    let depart = parse_depart("2027-07-10T08:00+06:00").unwrap();
    let timed: Vec<RouteRequest> = timeless
        .iter()
        .cloned()
        .map(|mut r| {
            r.depart = Some(depart);
            r
        })
        .collect();
    let mut g = c.benchmark_group("transit");
    for (name, reqs) in [("best/timeless", &timeless), ("best/depart", &timed)] {
        let mut i = 0;
        g.bench_function(name, |b| {
            b.iter(|| {
                i = (i + 1) % reqs.len();
                black_box(plan(&snap, &reqs[i]).ok())
            })
        });
    }
    for (name, mode) in [
        ("corridor3/road", ModeFilter::Road),
        ("corridor3/any", ModeFilter::Any),
    ] {
        let mut r = RouteRequest::new(
            PlaceQuery::parse("kz-almaty").unwrap(),
            PlaceQuery::parse("mn-ulaanbaatar").unwrap(),
        );
        r.mode = mode;
        r.alternatives = 2;
        r.alternatives_by = AlternativesBy::Corridor;
        g.bench_function(name, |b| b.iter(|| black_box(plan(&snap, &r).ok())));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
