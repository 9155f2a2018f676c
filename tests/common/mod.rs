//! Shared test support: the real `corridor` binary on an ephemeral loopback port.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `corridor serve`, killed when dropped.
pub struct Server {
    child: Child,
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub base: String,
}

impl Server {
    /// Starts the binary on `127.0.0.1:0` with the given data directory (or the embedded
    /// data) and extra environment, and waits until it prints its address.
    pub fn start(data: Option<&Path>, env: &[(&str, &str)]) -> Server {
        Self::spawn(data, env, &[])
    }

    /// Like [`Server::start`], with extra `serve` arguments.
    pub fn start_with_args(data: Option<&Path>, args: &[&str]) -> Server {
        Self::spawn(data, &[], args)
    }

    fn spawn(data: Option<&Path>, env: &[(&str, &str)], args: &[&str]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_corridor"));
        cmd.args(["serve", "--bind", "127.0.0.1:0"]).args(args);
        if let Some(d) = data {
            cmd.arg("--data").arg(d);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = cmd.spawn().expect("spawn corridor");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            while let Some(Ok(line)) = lines.next() {
                if let Some(url) = line.strip_prefix("corridor listening on ") {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let base = loop {
            if let Ok(url) = rx.recv_timeout(Duration::from_millis(100)) {
                break url;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("corridor exited early: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "corridor did not start within 60 s"
            );
        };
        Server { child, base }
    }

    /// Process id, for signals.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// GET `path` (with query) and return (status, content-type, body).
    pub fn get(&self, path: &str) -> (u16, String, String) {
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(30))
            .build();
        match agent.get(&format!("{}{}", self.base, path)).call() {
            Ok(r) => (
                r.status(),
                r.content_type().to_string(),
                r.into_string().unwrap_or_default(),
            ),
            Err(ureq::Error::Status(code, r)) => (
                code,
                r.content_type().to_string(),
                r.into_string().unwrap_or_default(),
            ),
            Err(e) => panic!("GET {path}: {e}"),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
pub fn skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "\n*** SKIPPED: {why} ***\n");
}
