//! Shared test support for every test file and bench:
//! - [`draw`]: one builder for small drawn networks (GeoJSON strings, a data directory, or a
//!   validated `Network`), and the shared two-country drawing;
//! - [`gen_net`]: random drawn networks for property tests (one generator, shaped per test);
//! - [`app`]: the service in process (`actix_web::test` over the shared router);
//! - [`server`]: the real `corridor` binary on an ephemeral loopback port (a guard that kills
//!   and reaps it on drop) and a raw HTTP/1.1 client;
//! - [`TempDir`]: a temporary directory removed on drop;
//! - GeoJSON checks and loud skips.
//!
//! Every test file and bench includes it with `mod common;` (benches:
//! `#[path = "../tests/common/mod.rs"] mod common;`).
#![allow(dead_code)]

pub mod app;
pub mod draw;
pub mod gen_net;
pub mod server;

#[allow(unused_imports)]
pub use draw::Draw;
#[allow(unused_imports)]
pub use server::{RawResponse, Server, send_raw, send_raw_all};

/// A fresh directory under the system temp dir, removed (with its contents) on drop, also
/// when the test panics.
pub struct TempDir {
    path: std::path::PathBuf,
}

impl TempDir {
    /// Creates `corridor-{tag}-{pid}-{n}` under the temp dir.
    pub fn new(tag: &str) -> TempDir {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("corridor-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir { path }
    }

    /// Its path.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Checks that `v` is an RFC 7946 FeatureCollection with valid geometries in lon/lat range;
/// returns the features.
pub fn assert_feature_collection(v: &serde_json::Value) -> Vec<serde_json::Value> {
    assert_eq!(v["type"], "FeatureCollection");
    let feats = v["features"].as_array().expect("features array").clone();
    for f in &feats {
        assert_eq!(f["type"], "Feature", "{f}");
        assert!(f["properties"].is_object(), "{f}");
        let g = &f["geometry"];
        let positions: Vec<&serde_json::Value> = match g["type"].as_str() {
            Some("Point") => vec![&g["coordinates"]],
            Some("LineString") => g["coordinates"]
                .as_array()
                .expect("coords")
                .iter()
                .collect(),
            other => panic!("unexpected geometry type {other:?}"),
        };
        for p in positions {
            let lon = p[0].as_f64().expect("lon");
            let lat = p[1].as_f64().expect("lat");
            assert!(
                (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat),
                "{p}"
            );
        }
    }
    feats
}

/// Reports a skipped test loudly: written straight to the process's stderr, which the test
/// harness does not capture (it captures only the print macros), so CI logs always show it.
/// Under CI (env `CI` set) a missing tool is a failure, not a skip: `.ci/run` installs every
/// tool a test needs, so a skip there means the test silently stopped testing.
pub fn skipped(why: &str) {
    use std::io::Write;
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("CI is set, so a missing tool is a failure: {why}");
    }
    let _ = writeln!(std::io::stderr().lock(), "\n*** SKIPPED: {why} ***\n");
}
