//! Vector tile encoding, in process and uncached (`encode_tile` itself, no HTTP cache): a z3
//! and a z6 tile over Mongolia (3/6/2 and Ulaanbaatar's 6/51/22), a z10 and a z12 tile in
//! Ulaanbaatar, on the embedded network and on a generated one of 10⁵ nodes (a grid over
//! Mongolia, below). The low-zoom thinning is built once per network before (its time is
//! printed), as the server builds it once per snapshot.
//!
//! `cargo bench --bench tiles -- --warm-up-time 1 --measurement-time 3`
//!
//! With `CORRIDOR_TILES_NET=DIR` the large network is read from `DIR` (written by
//! `cargo run --release --example gen_network -- --nodes 100000 --seed 7 --out DIR`: four
//! countries, ~24 vertices a link); without it, a plain grid of 10⁵ nodes drawn here;
//! `CORRIDOR_TILES_NET=FILE.corridor` opens a prepared file (`corridor prepare`) as the
//! server does, with the thinning it stores; `CORRIDOR_TILES_NET=none` measures the embedded
//! network only.
//! The large network's size, load time and each tile's bytes (raw and gzipped) are printed
//! once before the measurements.

use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

#[path = "../tests/common/mod.rs"]
mod common;

use common::Draw;
use corridor::Network;
use corridor::output::tiles::{Thinning, TileId, TileSource, encode_tile};
use corridor::snapshot::Snapshot;
use criterion::{Criterion, criterion_group, criterion_main};

/// Grid side: 316² ≈ 10⁵ nodes.
const SIDE: usize = 316;

/// A grid of `SIDE`² nodes over Mongolia (88–119.5°E, 42–52°N, ~0.1° apart), each joined to
/// its east neighbour by a road and to its north neighbour by a rail line (every 8th column)
/// or a road; road classes by row (motorway every 40th, trunk every 10th, primary every 4th,
/// secondary every other, else track), so the zoom rules thin them as on a real network.
/// Links have 3 vertices (a kink off the straight line).
fn generated() -> Network {
    let (lon0, lat0) = (88.0, 42.0);
    let (dlon, dlat) = (31.5 / SIDE as f64, 10.0 / SIDE as f64);
    let at = |i: usize, j: usize| [lon0 + dlon * i as f64, lat0 + dlat * j as f64];
    let id = |i: usize, j: usize| format!("n{i}-{j}");
    let class = |j: usize| match j {
        j if j.is_multiple_of(40) => "motorway",
        j if j.is_multiple_of(10) => "trunk",
        j if j.is_multiple_of(4) => "primary",
        j if j.is_multiple_of(2) => "secondary",
        _ => "track",
    };
    let mut d = Draw::new();
    for i in 0..SIDE {
        for j in 0..SIDE {
            let kind = if i.is_multiple_of(25) && j.is_multiple_of(25) {
                "city"
            } else {
                "junction"
            };
            d = d.node(&id(i, j), "MN", kind, &["rail", "road"], at(i, j));
        }
    }
    let kink = |a: [f64; 2], b: [f64; 2]| {
        [[
            (a[0] + b[0]) / 2.0 + dlon * 0.1,
            (a[1] + b[1]) / 2.0 + dlat * 0.1,
        ]]
    };
    for i in 0..SIDE {
        for j in 0..SIDE {
            if i + 1 < SIDE {
                d = d
                    .road(&format!("e{i}-{j}"), &id(i, j), &id(i + 1, j))
                    .set("road_class", class(j).into())
                    .through(&kink(at(i, j), at(i + 1, j)));
            }
            if j + 1 < SIDE {
                let (from, to) = (id(i, j), id(i, j + 1));
                let through = kink(at(i, j), at(i, j + 1));
                d = if i.is_multiple_of(8) {
                    d.rail(&format!("r{i}-{j}"), &from, &to).through(&through)
                } else {
                    d.road(&format!("s{i}-{j}"), &from, &to)
                        .set("road_class", class(i).into())
                        .through(&through)
                };
            }
        }
    }
    d.network()
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap().len()
}

fn bench_on(c: &mut Criterion, label: &str, snap: &Snapshot) {
    let z6 = TileId::new(6, 51, 22).unwrap();
    let z12 = {
        let t = TileId::new(12, 0, 0).unwrap();
        let (x, y) = t.project(106.92, 47.92);
        TileId::new(12, (x / 4096.0) as u64, (y / 4096.0) as u64).unwrap()
    };
    let z3 = TileId::new(3, 6, 2).unwrap();
    let z10 = {
        let t = TileId::new(10, 0, 0).unwrap();
        let (x, y) = t.project(106.92, 47.92);
        TileId::new(10, (x / 4096.0) as u64, (y / 4096.0) as u64).unwrap()
    };
    let start = Instant::now();
    let stored = snap
        .stored
        .as_ref()
        .and_then(|f| f.section(Thinning::SECTION))
        .and_then(|b| Thinning::from_bytes(b, &snap.network));
    let how = if stored.is_some() {
        "read from the prepared file"
    } else {
        "built"
    };
    let thinning = stored.unwrap_or_else(|| Thinning::of(&snap.network));
    eprintln!(
        "{label}: thinning {how} in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    let src = TileSource::new(snap, &thinning);
    for t in [z3, z6, z10, z12] {
        let bytes = encode_tile(src, t).unwrap().unwrap_or_default();
        eprintln!(
            "{label}: tile {}/{}/{}: {} bytes, {} gzipped",
            t.z,
            t.x,
            t.y,
            bytes.len(),
            gzip_len(&bytes)
        );
    }
    let mut g = c.benchmark_group(label);
    g.bench_function("z3 over Mongolia, uncached", |b| {
        b.iter(|| encode_tile(src, black_box(z3)).unwrap())
    });
    g.bench_function("z6 over Mongolia, uncached", |b| {
        b.iter(|| encode_tile(src, black_box(z6)).unwrap())
    });
    g.bench_function("z10 Ulaanbaatar, uncached", |b| {
        b.iter(|| encode_tile(src, black_box(z10)).unwrap())
    });
    g.bench_function("z12 Ulaanbaatar, uncached", |b| {
        b.iter(|| encode_tile(src, black_box(z12)).unwrap())
    });
    g.finish();
}

fn tiles(c: &mut Criterion) {
    let embedded = Snapshot::embedded().unwrap();
    bench_on(c, "tiles embedded", &embedded);
    let start = Instant::now();
    let built = match std::env::var_os("CORRIDOR_TILES_NET") {
        Some(v) if v == "none" => return,
        // A prepared file (`corridor prepare`): opened as `serve --prepared` opens it.
        Some(file) if std::path::Path::new(&file).is_file() => Snapshot::load(
            &corridor::network::source::Source::open_prepared(std::path::Path::new(&file))
                .expect("CORRIDOR_TILES_NET is a prepared file"),
        )
        .expect("CORRIDOR_TILES_NET holds a valid network"),
        Some(dir) => Snapshot::build(
            corridor::network::source::Source::Dir(dir.into())
                .load()
                .expect("CORRIDOR_TILES_NET holds a valid network"),
        ),
        None => Snapshot::build(generated()),
    };
    eprintln!(
        "generated: {} nodes, {} links, built in {:.1} s",
        built.network.nodes().len(),
        built.network.links().len(),
        start.elapsed().as_secs_f64()
    );
    bench_on(c, "tiles generated", &built);
}

criterion_group!(benches, tiles);
criterion_main!(benches);
