//! Spatial query speed on the embedded network, in process: nearest nodes (target ≤ 5 µs
//! median) and a country-sized box (Mongolia's, target ≤ 50 µs), plus the same on a
//! synthetic network of 2,500 nodes and 4,900 multi-vertex links to show how they scale.
//!
//! `cargo bench --bench spatial -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

#[path = "../tests/common/mod.rs"]
mod common;

use common::Draw;
use corridor::index::{BBox, SpatialIndex};
use corridor::network::Network;
use criterion::{Criterion, criterion_group, criterion_main};

/// Mongolia's bounding box (Natural Earth), CRS84 degrees.
const MONGOLIA: [f64; 4] = [87.7, 41.6, 119.9, 52.1];

/// A 50 × 50 grid of road nodes 0.3° apart over Mongolia, each joined to its east and north
/// neighbour by a 5-vertex link.
fn synthetic() -> Network {
    const N: usize = 50;
    let (lon0, lat0, step) = (88.0, 41.8, 0.2);
    let at = |i: usize, j: usize| [lon0 + step * i as f64 * 1.5, lat0 + step * j as f64];
    let mut d = Draw::new();
    for i in 0..N {
        for j in 0..N {
            d = d.node(&format!("n{i}-{j}"), "MN", "junction", &["road"], at(i, j));
        }
    }
    for i in 0..N {
        for j in 0..N {
            for (di, dj) in [(1, 0), (0, 1)] {
                let (i2, j2) = (i + di, j + dj);
                if i2 >= N || j2 >= N {
                    continue;
                }
                let (a, b) = (at(i, j), at(i2, j2));
                let inner: Vec<[f64; 2]> = (1..4)
                    .map(|k| {
                        let t = k as f64 / 4.0;
                        [
                            a[0] + t * (b[0] - a[0]) + 0.01,
                            a[1] + t * (b[1] - a[1]) + 0.01,
                        ]
                    })
                    .collect();
                d = d
                    .road(
                        &format!("l{i}-{j}-{i2}-{j2}"),
                        &format!("n{i}-{j}"),
                        &format!("n{i2}-{j2}"),
                    )
                    .speed(60.0)
                    .through(&inner);
            }
        }
    }
    d.network()
}

fn bench_network(c: &mut Criterion, label: &str, net: &Network) {
    let index = SpatialIndex::build(net);
    let mongolia = BBox::new(MONGOLIA[0], MONGOLIA[1], MONGOLIA[2], MONGOLIA[3]).unwrap();
    let mut g = c.benchmark_group(label);
    g.bench_function("nearest k=1", |b| {
        b.iter(|| index.nearest_nodes(net, black_box(106.9), black_box(47.9), 1, |_| true))
    });
    g.bench_function("nearest k=5", |b| {
        b.iter(|| index.nearest_nodes(net, black_box(106.9), black_box(47.9), 5, |_| true))
    });
    g.bench_function("bbox Mongolia nodes", |b| {
        b.iter(|| index.nodes_in_bbox(black_box(&mongolia)))
    });
    g.bench_function("bbox Mongolia links", |b| {
        b.iter(|| index.links_in_bbox(black_box(&mongolia)))
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let embedded = Network::embedded().expect("embedded network");
    eprintln!(
        "embedded network: {} nodes, {} links",
        embedded.nodes().len(),
        embedded.links().len()
    );
    bench_network(c, "embedded", &embedded);
    let synth = synthetic();
    bench_network(c, "synthetic 2500 nodes", &synth);
    // A generated large network (`examples/gen_network.rs`), when asked for:
    // `CORRIDOR_BENCH_DATA=DIR cargo bench --bench spatial`.
    if let Ok(dir) = std::env::var("CORRIDOR_BENCH_DATA") {
        let big = Network::load_dir(std::path::Path::new(&dir)).expect("CORRIDOR_BENCH_DATA loads");
        let label = format!("large {} nodes", big.nodes().len());
        bench_network(c, &label, &big);
    }
}

criterion_group!(spatial, benches);
criterion_main!(spatial);
