//! Spatial query speed on the embedded network, in process: nearest nodes (target ≤ 5 µs
//! median) and a country-sized box (Mongolia's, target ≤ 50 µs), plus the same on a
//! synthetic network of 2,500 nodes and 4,900 multi-vertex links to show how they scale.
//!
//! `cargo bench --bench spatial -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use corridor::index::{BBox, SpatialIndex};
use corridor::network::{Network, load_from_strs};
use criterion::{Criterion, criterion_group, criterion_main};

/// Mongolia's bounding box (Natural Earth), CRS84 degrees.
const MONGOLIA: [f64; 4] = [87.7, 41.6, 119.9, 52.1];

/// A 50 × 50 grid of road nodes 0.3° apart over Mongolia, each joined to its east and north
/// neighbour by a 5-vertex link.
fn synthetic() -> Network {
    const N: usize = 50;
    let (lon0, lat0, step) = (88.0, 41.8, 0.2);
    let mut nodes = Vec::new();
    for i in 0..N {
        for j in 0..N {
            let (lon, lat) = (lon0 + step * i as f64 * 1.5, lat0 + step * j as f64);
            nodes.push(format!(
                r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{lon},{lat}]}},"properties":{{"id":"n{i}-{j}","name":"n{i}-{j}","country":"MN","kind":"junction","modes":["road"],"intermodal":false,"source":"bench"}}}}"#
            ));
        }
    }
    let mut links = Vec::new();
    let at = |i: usize, j: usize| (lon0 + step * i as f64 * 1.5, lat0 + step * j as f64);
    for i in 0..N {
        for j in 0..N {
            for (di, dj) in [(1, 0), (0, 1)] {
                let (i2, j2) = (i + di, j + dj);
                if i2 >= N || j2 >= N {
                    continue;
                }
                let (a, b) = (at(i, j), at(i2, j2));
                let coords: Vec<String> = (0..5)
                    .map(|k| {
                        let t = k as f64 / 4.0;
                        let wiggle = if k == 0 || k == 4 { 0.0 } else { 0.01 };
                        format!(
                            "[{},{}]",
                            a.0 + t * (b.0 - a.0) + wiggle,
                            a.1 + t * (b.1 - a.1) + wiggle
                        )
                    })
                    .collect();
                links.push(format!(
                    r#"{{"type":"Feature","geometry":{{"type":"LineString","coordinates":[{}]}},"properties":{{"id":"l{i}-{j}-{i2}-{j2}","from":"n{i}-{j}","to":"n{i2}-{j2}","mode":"road","kind":"road","speed_kmh":60,"status":"open","source":"bench"}}}}"#,
                    coords.join(",")
                ));
            }
        }
    }
    let fc = |fs: Vec<String>| {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            fs.join(",")
        )
    };
    load_from_strs(&fc(nodes), &fc(links)).expect("synthetic network is valid")
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
}

criterion_group!(spatial, benches);
criterion_main!(spatial);
