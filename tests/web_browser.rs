//! The web map in a real headless browser: starts the real binary on a free port and runs
//! `web/test/map.test.mjs` (playwright-core driving Debian's chromium), which loads the page
//! (native ES modules), checks that every form choice comes from `/openapi.json`, picks places
//! on the map, runs route, capacity, assignment and reach queries through the forms, compares
//! the `naushki-closed` scenario with the baseline on the route, capacity, assign and reach
//! panels, runs a matrix and a reach with a departure and a reach towards a place by a deadline
//! (`arrive_by`: each echoed, and longer than the timeless answer across a crossing just
//! closed), checks what is drawn against the endpoints' own answers, that only documented
//! parameters are sent and that the console stays clean, and saves `target/web-screenshot.png`,
//! `-capacity.png`, `-compare.png` (route), `-capacity-compare.png`, `-assign-compare.png` and
//! `-matrix.png`.
//!
//!
//! A second test serves a network drawn by `examples/gen_network.rs` (20,000 nodes, about
//! 50,000 links; `CORRIDOR_WEB_TILES_NODES` sets another size, e.g. 100000 to measure) and
//! runs `web/test/tiles.test.mjs`: the map draws it from vector tiles without loading the
//! whole network, a place is picked and typed, a route is drawn, a crossing's popup shows its
//! fields, and the Assign panel draws the generated demand set's link loads from the
//! utilisation tiles (no `POST /v1/assign`); it prints the first render time and saves
//! `target/web-screenshot-tiles.png` and `-tiles-assign.png`.
//!
//! Needs `node`, `/usr/bin/chromium` (or `$CHROMIUM`) and `npm ci` in `web/test`; without them
//! the tests print a loud SKIPPED line and pass, except under CI (env `CI` set), where they fail.

mod common;
#[path = "../examples/gen_network.rs"]
#[allow(dead_code)]
mod gen_network;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn skipped(why: &str) {
    common::skipped(&format!("web map browser test: {why}"));
}

/// Chromium's path when it, node and the test driver are all present; else the SKIPPED reason.
fn browser_tools(root: &Path) -> Result<String, String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Err(format!(
            "{chromium} not found (apt-get install -y chromium)"
        ));
    }
    if Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .map_or(true, |s| !s.success())
    {
        return Err("node not found".into());
    }
    if !root.join("web/test/node_modules/playwright-core").exists() {
        return Err("web/test/node_modules missing (run `npm ci` in web/test)".into());
    }
    Ok(chromium)
}

#[test]
fn web_map_in_headless_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let chromium = match browser_tools(root) {
        Ok(c) => c,
        Err(why) => return skipped(&why),
    };
    let web_test = root.join("web/test");
    let server = common::Server::start(None, &[]);
    let shot = root.join("target/web-screenshot.png");
    const SHOTS: [&str; 6] = [
        "web-screenshot.png",
        "web-screenshot-capacity.png",
        "web-screenshot-compare.png",
        "web-screenshot-capacity-compare.png",
        "web-screenshot-assign-compare.png",
        "web-screenshot-matrix.png",
    ];
    // A screenshot from an earlier run must not stand in for this one's.
    for name in SHOTS {
        let _ = std::fs::remove_file(root.join("target").join(name));
    }
    let out = Command::new("node")
        .arg("map.test.mjs")
        .arg(&server.base)
        .arg(&shot)
        .current_dir(&web_test)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}{stderr}");
    assert!(
        out.status.success(),
        "browser checks failed:\n{stdout}\n{stderr}"
    );
    for name in SHOTS {
        let path = root.join("target").join(name);
        assert!(path.exists(), "no screenshot at {}", path.display());
    }
}

/// A temporary directory removed on drop (also when the test fails).
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn tiled_web_map_on_a_generated_network() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let chromium = match browser_tools(root) {
        Ok(c) => c,
        Err(why) => return skipped(&why),
    };
    let nodes: usize = std::env::var("CORRIDOR_WEB_TILES_NODES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let dir = TempDir(
        std::env::temp_dir().join(format!("corridor-web-tiles-{}-{nodes}", std::process::id())),
    );
    let _ = std::fs::remove_dir_all(&dir.0);
    gen_network::generate(&gen_network::Args {
        nodes,
        seed: 7,
        out: dir.0.clone(),
        vertices: 24.0,
        demands: 50,
    })
    .expect("generator writes its files");
    let server = common::Server::start(Some(&dir.0), &[]);
    let shot = root.join("target/web-screenshot-tiles.png");
    let assign_shot = root.join("target/web-screenshot-tiles-assign.png");
    let _ = std::fs::remove_file(&shot);
    let _ = std::fs::remove_file(&assign_shot);
    let out = Command::new("node")
        .arg("tiles.test.mjs")
        .arg(&server.base)
        .arg(&shot)
        .current_dir(root.join("web/test"))
        .env("CHROMIUM", &chromium)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}{stderr}");
    assert!(
        out.status.success(),
        "tiled map checks failed on {nodes} nodes:\n{stdout}\n{stderr}"
    );
    assert!(shot.exists(), "no screenshot at {}", shot.display());
    assert!(
        assign_shot.exists(),
        "no screenshot at {}",
        assign_shot.display()
    );
}
