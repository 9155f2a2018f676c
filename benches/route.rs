//! Route search speed on the embedded corridor network: 100 random origin–destination pairs
//! (fixed seed), for each `optimize`, best route only and with 3 alternatives. Each iteration
//! answers the next pair in turn, so a sample's time is the mean over pairs; the medians
//! reported are over samples. Measured: the whole in-process `route::plan` (resolution, link
//! mask, search, summaries), not JSON serialisation (a separate bench).
//!
//! Run: `cargo bench --bench route -- --warm-up-time 1 --measurement-time 3`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use corridor::Snapshot;
use corridor::cost::Optimize;
use corridor::route::{PlaceQuery, RouteRequest, plan};

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

fn pairs(snap: &Snapshot, n: usize) -> Vec<(String, String)> {
    let nodes = snap.network.nodes();
    let mut rng = Rng(0x00c0_ffee_1234_5678);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let a = (rng.next() % nodes.len() as u64) as usize;
        let b = (rng.next() % nodes.len() as u64) as usize;
        if a != b {
            out.push((nodes[a].id.0.clone(), nodes[b].id.0.clone()));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let snap = Snapshot::embedded().expect("embedded network");
    let pairs = pairs(&snap, 100);
    let mut group = c.benchmark_group("route");
    for &optimize in Optimize::ALL {
        for alternatives in [0usize, 3] {
            let requests: Vec<RouteRequest> = pairs
                .iter()
                .map(|(a, b)| {
                    let mut r =
                        RouteRequest::new(PlaceQuery::Text(a.clone()), PlaceQuery::Text(b.clone()));
                    r.optimize = optimize;
                    r.alternatives = alternatives;
                    r
                })
                .collect();
            let mut i = 0;
            group.bench_function(format!("{}/alt{alternatives}", optimize.as_str()), |b| {
                b.iter(|| {
                    let r = &requests[i % requests.len()];
                    i += 1;
                    black_box(plan(&snap, black_box(r)).ok())
                })
            });
        }
    }
    // Per-request profile overrides recompute one weight array.
    let mut requests: Vec<RouteRequest> = pairs
        .iter()
        .map(|(a, b)| RouteRequest::new(PlaceQuery::Text(a.clone()), PlaceQuery::Text(b.clone())))
        .collect();
    for r in &mut requests {
        r.profile.transshipment_h = 12.0;
    }
    let mut i = 0;
    group.bench_function("time/alt0/profile-override", |b| {
        b.iter(|| {
            let r = &requests[i % requests.len()];
            i += 1;
            black_box(plan(&snap, black_box(r)).ok())
        })
    });
    // Serialisation of a 3-alternative answer.
    let mut r = RouteRequest::new(
        PlaceQuery::Text("ru-ulan-ude".into()),
        PlaceQuery::Text("cn-beijing".into()),
    );
    r.alternatives = 3;
    if let Ok(p) = plan(&snap, &r) {
        group.bench_function("geojson/alt3", |b| {
            b.iter(|| {
                let fc = corridor::output::route::route_collection(&snap.network, black_box(&p));
                black_box(serde_json::to_vec(&fc).ok())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
