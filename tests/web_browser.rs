//! The web map in a real headless browser: starts the real binary on a free port and runs
//! `web/test/map.test.mjs` (playwright-core driving Debian's chromium), which loads the page
//! (native ES modules), checks that every form choice comes from `/openapi.json`, picks places
//! on the map, runs route, capacity, assignment and reach queries through the forms, compares
//! the `naushki-closed` scenario with the baseline on the route, capacity, assign and reach
//! panels, checks what is drawn against the endpoints' own answers, that only documented
//! parameters are sent and that the console stays clean, and saves `target/web-screenshot.png`,
//! `-capacity.png`, `-compare.png` (route), `-capacity-compare.png` and `-assign-compare.png`.
//!
//! Needs `node`, `/usr/bin/chromium` (or `$CHROMIUM`) and `npm ci` in `web/test`; without them
//! the test prints a loud SKIPPED line and passes, except under CI (env `CI` set), where it fails.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

fn skipped(why: &str) {
    common::skipped(&format!("web map browser test: {why}"));
}

#[test]
fn web_map_in_headless_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return skipped(&format!(
            "{chromium} not found (apt-get install -y chromium)"
        ));
    }
    if Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .map_or(true, |s| !s.success())
    {
        return skipped("node not found");
    }
    let web_test = root.join("web/test");
    if !web_test.join("node_modules/playwright-core").exists() {
        return skipped("web/test/node_modules missing (run `npm ci` in web/test)");
    }
    let server = common::Server::start(None, &[]);
    let shot = root.join("target/web-screenshot.png");
    const SHOTS: [&str; 5] = [
        "web-screenshot.png",
        "web-screenshot-capacity.png",
        "web-screenshot-compare.png",
        "web-screenshot-capacity-compare.png",
        "web-screenshot-assign-compare.png",
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
