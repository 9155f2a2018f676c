//! Reloading data safely: concurrent route requests keep succeeding while the data is
//! reloaded several times (once with broken data), and every answer matches one of the two
//! valid networks. Admin routes need the token; SIGHUP reloads too.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use common::Server;

const TOKEN: &str = "s3cret-token-for-tests";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A data directory removed when the returned guard drops (also on panic).
fn temp_data_dir(tag: &str) -> (common::TempDir, PathBuf) {
    let tmp = common::TempDir::new(&format!("reload-{tag}"));
    let dir = tmp.path().to_path_buf();
    (tmp, dir)
}

/// Installs network `A` (the valid fixture), `B` (same, the crossing's dwell 12 h → 30 h) or
/// `broken` (a gauge mismatch) into `dir`. Files are replaced by rename, as an editor would.
fn install(dir: &Path, which: &str) {
    let src = match which {
        "broken" => fixture("gauge_mismatch"),
        _ => fixture("valid"),
    };
    for f in ["nodes.geojson", "links.geojson"] {
        let mut text = std::fs::read_to_string(src.join(f)).unwrap();
        if which == "B" && f == "links.geojson" {
            assert!(text.contains("\"dwell_h\": 12") || text.contains("\"dwell_h\":12"));
            text = text
                .replace("\"dwell_h\": 12", "\"dwell_h\": 30")
                .replace("\"dwell_h\":12", "\"dwell_h\":30");
        }
        let tmp = dir.join(format!(".{f}.tmp"));
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, dir.join(f)).unwrap();
    }
}

fn post_reload(server: &Server, token: Option<&str>) -> (u16, serde_json::Value) {
    let mut req = ureq::post(&format!("{}/admin/reload", server.base));
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    let (code, body) = match req.call() {
        Ok(r) => (r.status(), r.into_string().unwrap()),
        Err(ureq::Error::Status(c, r)) => (c, r.into_string().unwrap()),
        Err(e) => panic!("reload: {e}"),
    };
    (
        code,
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
    )
}

fn route_time_h(server: &Server) -> f64 {
    let (status, _, body) = server.get("/v1/route?from=ru-ulan-ude&to=mn-ulaanbaatar&mode=rail");
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["features"][0]["properties"]["time_h"]
        .as_f64()
        .expect("time_h")
}

#[test]
fn concurrent_routes_survive_reloads_including_broken_data() {
    let (_tmp, dir) = temp_data_dir("swap");
    install(&dir, "A");
    let server = Arc::new(Server::start(
        Some(&dir),
        &[("CORRIDOR_ADMIN_TOKEN", TOKEN)],
    ));
    let time_a = route_time_h(&server);
    install(&dir, "B");
    assert_eq!(post_reload(&server, Some(TOKEN)).0, 200);
    let time_b = route_time_h(&server);
    assert!(
        (time_b - time_a - 18.0).abs() < 1e-6,
        "A {time_a} h, B {time_b} h"
    );

    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let (server, stop, done) = (server.clone(), stop.clone(), done.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let t = route_time_h(&server);
                    assert!(
                        (t - time_a).abs() < 1e-6 || (t - time_b).abs() < 1e-6,
                        "answer {t} h matches neither network ({time_a} / {time_b})"
                    );
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();

    for (round, which) in ["A", "broken", "B", "A", "B"].iter().enumerate() {
        std::thread::sleep(Duration::from_millis(150));
        install(&dir, which);
        let (code, doc) = post_reload(&server, Some(TOKEN));
        if *which == "broken" {
            assert_eq!(code, 422, "round {round}: {doc}");
            assert_eq!(
                doc["type"],
                "https://corridor.invalid/problems/invalid-data"
            );
            let problems = doc["problems"].as_array().unwrap();
            assert!(
                problems
                    .iter()
                    .any(|p| p["field"] == "gauge_mm" && p["id"] == "xr-naushki-sukhbaatar"),
                "{doc}"
            );
            // The old network (A) keeps serving.
            assert!((route_time_h(&server) - time_a).abs() < 1e-6);
        } else {
            assert_eq!(code, 200, "round {round}: {doc}");
        }
    }
    std::thread::sleep(Duration::from_millis(150));
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().expect("a request failed during reloads");
    }
    assert!(
        done.load(Ordering::Relaxed) > 50,
        "too few requests ran: {}",
        done.load(Ordering::Relaxed)
    );
    // Last reload installed B.
    assert!((route_time_h(&server) - time_b).abs() < 1e-6);
}

#[test]
fn admin_reload_needs_the_token() {
    let (_tmp, dir) = temp_data_dir("auth");
    install(&dir, "A");
    let open = Server::start(Some(&dir), &[]);
    assert_eq!(
        post_reload(&open, Some(TOKEN)).0,
        404,
        "admin must be off without a token"
    );
    let guarded = Server::start(Some(&dir), &[("CORRIDOR_ADMIN_TOKEN", TOKEN)]);
    let (code, doc) = post_reload(&guarded, None);
    assert_eq!((code, doc["status"].as_u64()), (401, Some(401)));
    assert_eq!(post_reload(&guarded, Some("s3cret-token-for-testX")).0, 401);
    assert_eq!(post_reload(&guarded, Some(TOKEN)).0, 200);
}

#[cfg(unix)]
#[test]
fn sighup_reloads_and_refuses_broken_data() {
    let (_tmp, dir) = temp_data_dir("hup");
    install(&dir, "A");
    let server = Server::start(Some(&dir), &[]);
    let health = |s: &Server| -> serde_json::Value {
        let (_, _, body) = s.get("/health");
        serde_json::from_str(&body).unwrap()
    };
    let hup = |pid: u32| {
        let st = std::process::Command::new("kill")
            .args(["-HUP", &pid.to_string()])
            .status()
            .unwrap();
        assert!(st.success());
    };
    // The reload a SIGHUP starts is over when `/health`'s `last_reload.at` moves: poll for
    // that, not for a fixed time, so a slow reload is waited for and a refusal is seen.
    let after_hup = |s: &Server, before: &serde_json::Value| -> serde_json::Value {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let h = health(s);
            if h["last_reload"]["at"] != before["last_reload"]["at"] {
                return h;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "SIGHUP did not finish a reload: {h}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let before = health(&server);
    assert_eq!(before["last_reload"]["ok"], true, "{before}");
    // `at` has millisecond resolution: let the clock move past the start-up reload's.
    std::thread::sleep(Duration::from_millis(5));
    install(&dir, "broken");
    hup(server.pid());
    let refused = after_hup(&server, &before);
    assert_eq!(refused["last_reload"]["ok"], false, "{refused}");
    assert!(
        refused["last_reload"]["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["field"] == "gauge_mm" && p["id"] == "xr-naushki-sukhbaatar"),
        "{refused}"
    );
    assert_eq!(
        refused["etag"], before["etag"],
        "broken data must not replace the served network"
    );
    std::thread::sleep(Duration::from_millis(5));
    install(&dir, "B");
    hup(server.pid());
    let reloaded = after_hup(&server, &refused);
    assert_eq!(reloaded["last_reload"]["ok"], true, "{reloaded}");
    assert_ne!(reloaded["etag"], before["etag"], "SIGHUP did not swap in B");
}

#[test]
fn a_replaced_snapshot_is_freed_once_no_request_holds_it() {
    use corridor::http::{AppState, ServerConfig};
    use corridor::network::Source;
    use corridor::snapshot::Snapshot;
    let (_tmp, dir) = temp_data_dir("retire");
    install(&dir, "A");
    let snap = Snapshot::load(&Source::Dir(dir.clone())).unwrap();
    let state = AppState::new(
        snap,
        ServerConfig {
            data_dir: Some(dir.clone()),
            ..ServerConfig::default()
        },
    );
    // A request in flight holds the snapshot it started on.
    let in_flight = state.current();
    let old = Arc::downgrade(&in_flight);
    install(&dir, "B");
    state.reload().expect("B is valid");
    assert!(!Arc::ptr_eq(&state.current(), &in_flight));
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        old.upgrade().is_some(),
        "the old snapshot is freed while a request still answers on it"
    );
    drop(in_flight);
    // Then it goes (on the retiring thread, which polls every 50 ms).
    let mut waited = Duration::ZERO;
    while old.upgrade().is_some() {
        assert!(
            waited < Duration::from_secs(10),
            "the replaced snapshot is still alive 10 s after its last request"
        );
        std::thread::sleep(Duration::from_millis(20));
        waited += Duration::from_millis(20);
    }
}
