//! Load from PostGIS vs from files: the same data read and validated into a served snapshot
//! (network, scenarios, demand sets, search graph, indexes).
//! - `db_load/files`: `Snapshot::load` of the data directory;
//! - `db_load/postgis`: `db::load::fetch` (one repeatable-read transaction, one query per
//!   table) then `db::load::validate` (the same validation and build);
//! - `db_load/postgis_fetch`: the fetch alone.
//!
//! Needs a database loaded with the same data (`corridor db init` + `corridor db load
//! --data DIR`): `CORRIDOR_BENCH_DB_URL=postgresql://… CORRIDOR_BENCH_DATA=DIR cargo bench
//! --bench db_load -- --sample-size 10`. Without `CORRIDOR_BENCH_DB_URL` it prints SKIPPED.
//! `DIR` defaults to `geodata/` (the curated network).

use std::hint::black_box;
use std::path::PathBuf;

use corridor::Snapshot;
use corridor::db::{DbTarget, load};
use corridor::network::source::Source;
use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let Ok(url) = std::env::var("CORRIDOR_BENCH_DB_URL") else {
        eprintln!("SKIPPED: db_load: set CORRIDOR_BENCH_DB_URL to a loaded database");
        return;
    };
    let dir = std::env::var_os("CORRIDOR_BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("geodata"));
    let target: DbTarget = url.parse().expect("connection string");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut client = rt.block_on(target.connect()).expect("connect");
    let origin = target.to_string();
    // Same data on both sides.
    let from_files = Snapshot::load(&Source::Dir(dir.clone())).expect("files validate");
    let from_db = load::validate(rt.block_on(load::fetch(&mut client, &origin)).unwrap())
        .expect("database validates");
    let (a, b) = (from_files.network.summary(), from_db.network.summary());
    assert_eq!(
        (a.nodes, a.links),
        (b.nodes, b.links),
        "the database holds other data"
    );
    drop((from_files, from_db));

    let mut g = c.benchmark_group("db_load");
    g.sample_size(10);
    g.bench_function("files", |b| {
        b.iter(|| black_box(Snapshot::load(&Source::Dir(dir.clone())).unwrap()))
    });
    g.bench_function("postgis", |b| {
        b.iter(|| {
            let f = rt.block_on(load::fetch(&mut client, &origin)).unwrap();
            black_box(load::validate(f).unwrap())
        })
    });
    g.bench_function("postgis_fetch", |b| {
        b.iter(|| black_box(rt.block_on(load::fetch(&mut client, &origin)).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
