//! The web map in a real headless browser: starts the real binary on a free port and runs
//! `web/test/map.test.mjs` (playwright-core driving Debian's chromium), which loads the page,
//! runs a route and a capacity query through the forms, checks what is drawn and that the
//! console stays clean, and saves `target/web-screenshot.png`.
//!
//! Needs `node`, `/usr/bin/chromium` (or `$CHROMIUM`) and `npm ci` in `web/test`; without them
//! the test prints a loud SKIPPED line and passes.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server() -> Server {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start corridor");
    if let Some(err) = child.stderr.take() {
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                eprintln!("[server] {line}");
            }
        });
    }
    let base = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if ureq::get(&format!("{base}/health")).call().is_ok() {
            return Server { child, base };
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("corridor did not answer /health on {base} within 20 s");
}

fn skipped(why: &str) {
    eprintln!("\n*** SKIPPED: web map browser test: {why} ***\n");
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
    let server = start_server();
    let shot = root.join("target/web-screenshot.png");
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
    assert!(shot.exists(), "no screenshot at {}", shot.display());
}
