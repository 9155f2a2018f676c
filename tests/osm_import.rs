//! `corridor import osm` on hand-made OSM XML fixtures (`tests/fixtures/osm/`, turned into
//! PBF at test time with Debian's `osmium-tool`), each asserting the exact graph produced; the
//! overlay of the curated network on a real border; and bad input (truncated, corrupted, not
//! PBF) ending with a clear error, a non-zero exit and no `--out` directory.
//!
//! Needs `osmium` on PATH: skipped loudly without it, failed when `CI` is set.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use actix_web::test as atest;
use actix_web::web;
use corridor::cli::import::curated_folders;
use corridor::corridor_app;
use corridor::http::{AppState, ServerConfig};
use corridor::import::osm::{ImportOptions, Selection, import};
use corridor::network::Source;
use serde_json::Value;

/// A temporary directory removed on drop.
struct Tmp(PathBuf);

impl Tmp {
    fn new(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!(
            "corridor-osm-{tag}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        Tmp(p)
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether osmium runs; when not, skips loudly (or fails under CI).
fn osmium_available(test: &str) -> bool {
    let ok = Command::new("osmium")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: osmium (Debian osmium-tool) is required under CI"
        );
        eprintln!("SKIPPED: {test}: osmium not found (apt-get install osmium-tool)");
    }
    ok
}

/// The fixture `name` as PBF in `dir`.
fn pbf(name: &str, dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/osm")
        .join(name);
    let out = dir.join(format!("{name}.pbf"));
    let st = Command::new("osmium")
        .args(["cat", "--no-progress", "-O", "-o"])
        .arg(&out)
        .arg(&src)
        .status()
        .expect("osmium runs");
    assert!(st.success(), "osmium cat {name}");
    out
}

fn options(input: PathBuf, out: PathBuf, overlay: bool) -> ImportOptions {
    ImportOptions {
        inputs: vec![input],
        out,
        force: false,
        bbox: None,
        selection: Selection {
            rail: true,
            road: true,
            narrow_gauge: false,
        },
        overlay: overlay.then_some(Source::Embedded),
        carry: if overlay {
            curated_folders(&Source::Embedded).expect("curated folders")
        } else {
            Vec::new()
        },
        default_country: None,
        boundaries: None,
        progress: false,
    }
}

/// Node id → (kind, country, gauge_mm, name); link id → (from, to, kind, gauge_mm, oneway).
type Nodes = BTreeMap<String, (String, String, Option<u64>, String)>;
type Links = BTreeMap<String, (String, String, String, Option<u64>, bool)>;

fn features(dir: &Path, file: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join(file)).expect("written");
    let v: Value = serde_json::from_str(&text).expect("json");
    v["features"].as_array().expect("features").clone()
}

fn graph(dir: &Path) -> (Nodes, Links) {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let nodes = features(dir, "nodes.geojson")
        .iter()
        .map(|f| {
            let p = &f["properties"];
            assert!(
                s(&p["source"]).contains("OpenStreetMap contributors, ODbL"),
                "{p}"
            );
            (
                s(&p["id"]),
                (
                    s(&p["kind"]),
                    s(&p["country"]),
                    p["gauge_mm"].as_u64(),
                    s(&p["name"]),
                ),
            )
        })
        .collect();
    let links = features(dir, "links.geojson")
        .iter()
        .map(|f| {
            let p = &f["properties"];
            assert!(
                s(&p["source"]).contains("OpenStreetMap contributors, ODbL; way "),
                "{p}"
            );
            (
                s(&p["id"]),
                (
                    s(&p["from"]),
                    s(&p["to"]),
                    s(&p["kind"]),
                    p["gauge_mm"].as_u64(),
                    p["oneway"].as_bool().unwrap_or(false),
                ),
            )
        })
        .collect();
    (nodes, links)
}

fn link_props(dir: &Path, id: &str) -> Value {
    features(dir, "links.geojson")
        .into_iter()
        .find(|f| f["properties"]["id"] == id)
        .unwrap_or_else(|| panic!("no link {id}"))
}

fn n(kind: &str, cc: &str, g: Option<u64>, name: &str) -> (String, String, Option<u64>, String) {
    (kind.into(), cc.into(), g, name.into())
}

fn l(
    from: &str,
    to: &str,
    kind: &str,
    g: Option<u64>,
    oneway: bool,
) -> (String, String, String, Option<u64>, bool) {
    (from.into(), to.into(), kind.into(), g, oneway)
}

/// Imports fixture `name` without the overlay; returns the temp dir and the output dir.
fn import_fixture(name: &str) -> Option<(Tmp, PathBuf)> {
    if !osmium_available(name) {
        return None;
    }
    let tmp = Tmp::new(name.trim_end_matches(".osm"));
    let input = pbf(name, &tmp.0);
    let out = tmp.0.join("net");
    import(&options(input, out.clone(), false)).unwrap_or_else(|e| panic!("{name}: {e}"));
    Some((tmp, out))
}

async fn get(dir: &Path, uri: &str) -> (u16, Value) {
    let snap = corridor::Snapshot::load(&Source::Dir(dir.to_path_buf())).expect("serves");
    let data = web::Data::new(AppState::new(snap, ServerConfig::default()));
    let app = atest::init_service(corridor_app!(data)).await;
    let res = atest::call_service(&app, atest::TestRequest::get().uri(uri).to_request()).await;
    let status = res.status().as_u16();
    let body = atest::read_body(res).await;
    (status, serde_json::from_slice(&body).expect("json body"))
}

#[actix_web::test]
async fn a_border_crossed_by_a_railway_and_a_road_becomes_two_crossings_between_border_points() {
    let Some((_tmp, out)) = import_fixture("border.osm") else {
        return;
    };
    let (nodes, links) = graph(&out);
    let want_nodes: Nodes = [
        ("osm-rail-1", n("station", "RU", Some(1520), "Naushki")),
        (
            "osm-rail-3",
            n(
                "border_point",
                "RU",
                Some(1520),
                "Border point RU (OSM node 3)",
            ),
        ),
        (
            "osm-rail-4",
            n(
                "border_point",
                "MN",
                Some(1520),
                "Border point MN (OSM node 4)",
            ),
        ),
        ("osm-rail-5", n("station", "MN", Some(1520), "Sukhbaatar")),
        // The road's crossing ends at the tagged border controls (nodes 12 and 15), not at
        // the two vertices either side of the line.
        ("osm-road-11", n("junction", "RU", None, "OSM node 11")),
        (
            "osm-road-12",
            n("border_point", "RU", None, "Border point RU (OSM node 12)"),
        ),
        (
            "osm-road-15",
            n("border_point", "MN", None, "Border point MN (OSM node 15)"),
        ),
        ("osm-road-16", n("junction", "MN", None, "OSM node 16")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(nodes, want_nodes);
    let want_links: Links = [
        (
            "osm-rail-w100-1",
            l("osm-rail-1", "osm-rail-3", "line", Some(1520), false),
        ),
        (
            "osm-xrail-w100-2",
            l("osm-rail-3", "osm-rail-4", "crossing", Some(1520), false),
        ),
        (
            "osm-rail-w100-3",
            l("osm-rail-4", "osm-rail-5", "line", Some(1520), false),
        ),
        (
            "osm-road-w200-1",
            l("osm-road-11", "osm-road-12", "road", None, false),
        ),
        (
            "osm-xroad-w200-2",
            l("osm-road-12", "osm-road-15", "crossing", None, false),
        ),
        (
            "osm-road-w200-3",
            l("osm-road-15", "osm-road-16", "road", None, false),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(links, want_links);
    let x = &link_props(&out, "osm-xroad-w200-2")["properties"];
    assert_eq!(x["countries"], serde_json::json!(["RU", "MN"]));
    assert_eq!(
        x["status"], "unverified",
        "an inferred crossing is listed by OSM, not confirmed: {x}"
    );
    assert_eq!(x["source"], "OpenStreetMap contributors, ODbL; way 200");
    assert_eq!(x["ah_ref"], "AH3", "Asian Highway relation membership");
    assert_eq!(x["ref"], "A340");
    let r = &link_props(&out, "osm-xrail-w100-2")["properties"];
    assert_eq!(r["status"], "unverified", "{r}");
    assert_eq!(r["source"], "OpenStreetMap contributors, ODbL; way 100");
    // The crossing's geometry runs from control to control: 4 vertices (12, 13, 14, 15).
    let g = link_props(&out, "osm-xroad-w200-2")["geometry"]["coordinates"].clone();
    assert_eq!(g.as_array().map(Vec::len), Some(4), "{g}");
    // An unverified crossing is left out of routing unless unverified links are asked for:
    // the failure names `include_unverified` (and not `include_planned`, which does not admit
    // it), and with `include_unverified=true` the route runs through the crossing.
    for (mode, from, to, crossing) in [
        ("rail", "osm-rail-1", "osm-rail-5", "osm-xrail-w100-2"),
        ("road", "osm-road-11", "osm-road-16", "osm-xroad-w200-2"),
    ] {
        let uri = format!("/v1/route?from={from}&to={to}&mode={mode}");
        let (status, doc) = get(&out, &uri).await;
        assert_eq!(status, 422, "{uri}: {doc}");
        assert_eq!(doc["field"], "include_unverified", "{uri}: {doc}");
        assert!(
            doc["detail"]
                .as_str()
                .unwrap()
                .contains("`include_unverified`"),
            "{doc}"
        );
        assert!(!doc.to_string().contains("include_planned"), "{uri}: {doc}");
        let planned = format!("{uri}&include_planned=true");
        let (status, doc) = get(&out, &planned).await;
        assert_eq!(status, 422, "{planned}: {doc}");
        assert_eq!(doc["field"], "include_unverified", "{planned}: {doc}");
        let unverified = format!("{uri}&include_unverified=true");
        let (status, doc) = get(&out, &unverified).await;
        assert_eq!(status, 200, "{unverified}: {doc}");
        assert!(
            doc.to_string().contains(crossing),
            "{crossing} not used: {doc}"
        );
    }
}

#[test]
fn the_overlay_gives_osm_crossings_their_curated_ids_and_facts() {
    if !osmium_available("overlay") {
        return;
    }
    let tmp = Tmp::new("overlay");
    let input = pbf("border.osm", &tmp.0);
    let out = tmp.0.join("net");
    let (summary, net) = import(&options(input, out.clone(), true)).expect("imports");
    let o = summary.overlay.as_ref().expect("overlay ran");
    let matched: Vec<&str> = o.crossings_matched.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(
        matched,
        vec!["xr-naushki-sukhbaatar", "xd-kyakhta-altanbulag"]
    );
    assert!(
        o.crossings_inferred.is_empty(),
        "{:?}",
        o.crossings_inferred
    );
    let rail = net.link("xr-naushki-sukhbaatar").expect("curated id kept");
    assert_eq!(rail.from.0, "ru-naushki");
    assert_eq!(rail.to.0, "mn-sukhbaatar");
    let x = rail.crossing.as_ref().expect("crossing");
    assert_eq!(x.dwell_h, 8.0, "curated dwell");
    assert!(rail.source.contains("seed 003") && rail.source.contains("OpenStreetMap"));
    assert_eq!(
        rail.properties.get("osm_crossing").unwrap(),
        "osm-xrail-w100-2"
    );
    let road = net.link("xd-kyakhta-altanbulag").expect("curated id kept");
    assert_eq!(
        (road.from.0.as_str(), road.to.0.as_str()),
        ("ru-kyakhta", "mn-altanbulag")
    );
    assert_eq!(format!("{}", road.status), "open");
}

#[actix_web::test]
async fn the_overlay_carries_curated_line_capacities_and_the_scenarios_whose_ids_it_kept() {
    if !osmium_available("overlay_line") {
        return;
    }
    let tmp = Tmp::new("overlay_line");
    let input = pbf("overlay_line.osm", &tmp.0);
    let out = tmp.0.join("net");
    let (summary, net) = import(&options(input, out.clone(), true)).expect("imports");
    let o = summary.overlay.as_ref().expect("overlay ran");
    // Capacities: rail-sukhbaatar-darkhan has both ends here (Sukhbaatar is the crossing's
    // MN border point, Darkhan joins the line's end station), and so has the road to the
    // Kyakhta terminal; the rail line from Gusinoozersk has one end outside the extract.
    let carried: Vec<(&str, usize)> = o
        .capacities_transferred
        .iter()
        .map(|(id, n, _, _)| (id.as_str(), *n))
        .collect();
    assert_eq!(
        carried,
        vec![("rail-sukhbaatar-darkhan", 3), ("road-kyakhta-terminal", 1)],
        "{o:?}"
    );
    let not: BTreeMap<&str, &str> = o
        .capacities_not_transferred
        .iter()
        .map(|(id, why)| (id.as_str(), why.as_str()))
        .collect();
    assert_eq!(
        not.get("rail-gusinoozersk-naushki").copied(),
        Some("end ru-gusinoozersk not in the imported network"),
        "{not:?}"
    );
    for id in [
        "osm-rail-w100-3",
        "osm-rail-w101-1",
        "osm-conn-mn-darkhan-rail",
    ] {
        let l = net.link(id).unwrap_or_else(|| panic!("no {id}"));
        let c = l.capacity.as_ref().expect("capacity carried");
        assert_eq!((c.value, c.unit.as_str()), (16.0, "trains/day"), "{id}");
        let p = &l.properties;
        assert_eq!(
            p.get_str("capacity_from").as_deref(),
            Some("rail-sukhbaatar-darkhan")
        );
        assert!(
            p.get_str("capacity_source")
                .unwrap()
                .starts_with("curated link rail-sukhbaatar-darkhan: "),
            "{id}"
        );
    }
    // North of the border no curated line matched: no capacity there.
    assert!(net.link("osm-rail-w100-1").unwrap().capacity.is_none());
    // Scenarios: naushki-closed names only the matched crossing, so it is carried; every
    // other scenario names a crossing outside the extract and is refused, naming it; the
    // demand sets name places outside the extract.
    let c = &summary.carried;
    assert_eq!(c.carried, vec!["scenarios/naushki-closed.json".to_string()]);
    let refused: Vec<&str> = c.refused.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        refused,
        vec![
            "scenarios/gashuunsukhait-rail-open.json",
            "scenarios/kani-kurgan-checkpoint.json",
            "scenarios/primorye-checkpoints-rebuilt.json",
            "scenarios/rosgranstroy-priority.json",
            "scenarios/tashanta-reconstructed.json",
            "demand/eaeu-fta-2027.json",
            "demand/mongolia-trade-2023.json",
        ]
    );
    let why = &c.refused[3].1;
    assert!(
        why.iter()
            .any(|p| p.to_string().contains("xd-mondy-khankh")),
        "{why:?}"
    );
    assert!(out.join("scenarios/naushki-closed.json").is_file());
    assert!(!out.join("scenarios/rosgranstroy-priority.json").exists());
    assert!(!out.join("demand").exists());
    // The carried scenario loads with the imported network and applies: the route north
    // from Darkhan crosses at Naushki, and with the crossing closed there is none.
    let base = "/v1/route?from=mn-darkhan&to=ru-naushki&mode=rail";
    let (status, doc) = get(&out, base).await;
    assert_eq!(status, 200, "{doc}");
    assert!(doc.to_string().contains("xr-naushki-sukhbaatar"), "{doc}");
    let (status, doc) = get(&out, &format!("{base}&scenario=naushki-closed")).await;
    assert_eq!(status, 422, "{doc}");
}

#[actix_web::test]
async fn a_dual_gauge_line_between_two_stations_is_one_link_per_gauge() {
    let Some((_tmp, out)) = import_fixture("dual_gauge.osm") else {
        return;
    };
    let (nodes, links) = graph(&out);
    let want_nodes: Nodes = [
        ("osm-rail-1", n("junction", "MN", Some(1520), "OSM node 1")),
        ("osm-rail-2", n("station", "MN", None, "Dual West")),
        ("osm-rail-3", n("station", "MN", None, "Dual East")),
        ("osm-rail-4", n("junction", "MN", Some(1435), "OSM node 4")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(nodes, want_nodes);
    let want_links: Links = [
        (
            "osm-rail-w10-1",
            l("osm-rail-1", "osm-rail-2", "line", Some(1520), false),
        ),
        (
            "osm-rail-w11-1-g1435",
            l("osm-rail-2", "osm-rail-3", "line", Some(1435), false),
        ),
        (
            "osm-rail-w11-1-g1520",
            l("osm-rail-2", "osm-rail-3", "line", Some(1520), false),
        ),
        (
            "osm-rail-w12-1",
            l("osm-rail-3", "osm-rail-4", "line", Some(1435), false),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(links, want_links);
    // Across the dual-gauge stretch a 1520 train changes gauge once, where 1520 ends.
    let (status, doc) = get(&out, "/v1/route?from=osm-rail-1&to=osm-rail-4&mode=rail").await;
    assert_eq!(status, 200, "{doc}");
    let t = &doc["features"][0]["properties"]["transshipments"];
    assert_eq!(t.as_array().map(Vec::len), Some(1), "{t}");
    assert_eq!(t[0]["node"], "osm-rail-3", "{t}");
}

#[actix_web::test]
async fn a_break_of_gauge_station_has_no_gauge_and_routes_with_one_transshipment() {
    let Some((_tmp, out)) = import_fixture("break_of_gauge.osm") else {
        return;
    };
    let (nodes, links) = graph(&out);
    let want_nodes: Nodes = [
        ("osm-rail-1", n("junction", "CN", Some(1520), "OSM node 1")),
        ("osm-rail-2", n("station", "CN", None, "Break")),
        ("osm-rail-3", n("junction", "CN", Some(1435), "OSM node 3")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(nodes, want_nodes);
    let want_links: Links = [
        (
            "osm-rail-w20-1",
            l("osm-rail-1", "osm-rail-2", "line", Some(1520), false),
        ),
        (
            "osm-rail-w21-1",
            l("osm-rail-2", "osm-rail-3", "line", Some(1435), false),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(links, want_links);
    let (status, doc) = get(&out, "/v1/route?from=osm-rail-1&to=Break&mode=rail").await;
    assert_eq!(status, 200, "{doc}");
    let (status, doc) = get(&out, "/v1/route?from=osm-rail-1&to=osm-rail-3&mode=rail").await;
    assert_eq!(status, 200, "{doc}");
    let t = &doc["features"][0]["properties"]["transshipments"];
    assert_eq!(t[0]["node"], "osm-rail-2", "{t}");
    assert_eq!(t[0]["reason"], "gauge 1520→1435", "{t}");
}

#[test]
fn a_oneway_trunk_road_keeps_its_direction_and_oneway_minus_one_is_reversed() {
    let Some((_tmp, out)) = import_fixture("oneway_trunk.osm") else {
        return;
    };
    let (nodes, links) = graph(&out);
    let ids: Vec<&str> = nodes.keys().map(String::as_str).collect();
    // Node 3 joins two oneway ways that both point at it: it stays a graph node.
    assert_eq!(ids, vec!["osm-road-1", "osm-road-3", "osm-road-5"]);
    let want_links: Links = [
        (
            "osm-road-w30-1",
            l("osm-road-1", "osm-road-3", "road", None, true),
        ),
        (
            "osm-road-w31-1",
            l("osm-road-5", "osm-road-3", "road", None, true),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(links, want_links);
    let g = link_props(&out, "osm-road-w31-1")["geometry"]["coordinates"].clone();
    assert_eq!(
        g[0][0].as_f64(),
        Some(105.2),
        "oneway=-1 runs against the way: {g}"
    );
    let p = link_props(&out, "osm-road-w30-1")["properties"].clone();
    assert_eq!(p["road_class"], "trunk");
    assert_eq!(p["speed_kmh"], 60.0);
}

#[test]
fn a_station_on_a_degree_two_chain_splits_it_and_the_rest_is_one_link() {
    let Some((_tmp, out)) = import_fixture("station_chain.osm") else {
        return;
    };
    let (nodes, links) = graph(&out);
    let want_nodes: Nodes = [
        // Named after the town 0.9 km away, so that place search finds it.
        ("osm-rail-1", n("city", "RU", Some(1520), "Testville")),
        ("osm-rail-4", n("station", "RU", Some(1520), "Middle")),
        ("osm-rail-5", n("junction", "RU", Some(1520), "OSM node 5")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(nodes, want_nodes);
    // Ways 40 and 41 meet at node 3 (degree 2, same tags): one link 1 → 4 over both; the
    // siding (way 42, service=siding) is not selected.
    let want_links: Links = [
        (
            "osm-rail-w40-1",
            l("osm-rail-1", "osm-rail-4", "line", Some(1520), false),
        ),
        (
            "osm-rail-w41-1",
            l("osm-rail-4", "osm-rail-5", "line", Some(1520), false),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(links, want_links);
    let f = link_props(&out, "osm-rail-w40-1");
    assert_eq!(
        f["geometry"]["coordinates"].as_array().map(Vec::len),
        Some(4)
    );
    assert_eq!(f["properties"]["osm_ways"], serde_json::json!([40, 41]));
    // 0.15° of longitude along 52.5° N on the WGS84 ellipsoid: the parallel's radius is
    // N·cos φ = 6,391,616 m × 0.60876 = 3,890,983 m, so 0.15° (0.0026180 rad) is 10.187 km.
    let km = f["properties"]["length_km"].as_f64().unwrap();
    assert!((km - 10.187).abs() < 0.002, "{km}");
}

#[test]
fn stations_beside_the_track_are_placed_on_its_nearest_point_and_split_the_line() {
    if !osmium_available("station_beside") {
        return;
    }
    let tmp = Tmp::new("station_beside");
    let input = pbf("station_beside.osm", &tmp.0);
    let out = tmp.0.join("net");
    let (summary, _) = import(&options(input, out.clone(), false)).expect("imports");
    // 70 and 73 become new vertices; 72 names vertex 2; 75 and 76 are too far from the
    // line (76 is beside the road, which takes no station); the metro station 74 is no
    // candidate at all.
    let s = &summary.stations;
    assert_eq!(
        (
            s.on_track,
            s.beside,
            s.beside_at_vertex,
            s.merged,
            s.too_far
        ),
        (0, 3, 1, 0, 2),
        "{s:?}"
    );
    let (nodes, links) = graph(&out);
    let want_nodes: Nodes = [
        ("osm-rail-1", n("junction", "RU", Some(1520), "OSM node 1")),
        ("osm-rail-70", n("station", "RU", Some(1520), "Beside")),
        ("osm-rail-2", n("station", "RU", Some(1520), "At Vertex")),
        (
            "osm-rail-73",
            n("station", "RU", Some(1520), "Platform Stop"),
        ),
        ("osm-rail-3", n("junction", "RU", Some(1520), "OSM node 3")),
        ("osm-road-81", n("junction", "RU", None, "OSM node 81")),
        ("osm-road-82", n("junction", "RU", None, "OSM node 82")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(nodes, want_nodes);
    let want_links: Links = [
        (
            "osm-rail-w60-1",
            l("osm-rail-1", "osm-rail-70", "line", Some(1520), false),
        ),
        (
            "osm-rail-w60-2",
            l("osm-rail-2", "osm-rail-70", "line", Some(1520), false),
        ),
        (
            "osm-rail-w60-3",
            l("osm-rail-2", "osm-rail-73", "line", Some(1520), false),
        ),
        (
            "osm-rail-w60-4",
            l("osm-rail-3", "osm-rail-73", "line", Some(1520), false),
        ),
        (
            "osm-road-w80-1",
            l("osm-road-81", "osm-road-82", "road", None, false),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(links, want_links);
    // The station stands on the track (the middle of 1-2), not where it was mapped.
    let node = features(&out, "nodes.geojson")
        .into_iter()
        .find(|f| f["properties"]["id"] == "osm-rail-70")
        .unwrap();
    assert_eq!(
        node["geometry"]["coordinates"],
        serde_json::json!([104.025, 52.5])
    );
    let note = node["properties"]["position_note"].as_str().unwrap();
    assert!(note.contains("station node 70 lies 133 m"), "{note}");
    // Geometry and length are kept: the four links hold the line's 3 vertices plus the 2
    // inserted ones, and their lengths add up to the line's geodesic length. 0.1° of
    // longitude along 52.5° N: N·cos φ = 3,890,983 m (see the station-chain test), so
    // 0.0017453 rad is 6.791 km.
    let (mut km, mut vertices) = (0.0, 0);
    for id in [
        "osm-rail-w60-1",
        "osm-rail-w60-2",
        "osm-rail-w60-3",
        "osm-rail-w60-4",
    ] {
        let f = link_props(&out, id);
        km += f["properties"]["length_km"].as_f64().unwrap();
        vertices += f["geometry"]["coordinates"].as_array().unwrap().len();
    }
    assert!((km - 6.791).abs() < 0.002, "{km}");
    assert_eq!(vertices, 5 + 3, "each inner graph node ends two links");
}

#[test]
fn a_way_with_no_gauge_tag_takes_its_countrys_standard_gauge() {
    let Some((_tmp, out)) = import_fixture("no_gauge.osm") else {
        return;
    };
    let (_, links) = graph(&out);
    let want_links: Links = [
        (
            "osm-rail-w50-1",
            l("osm-rail-1", "osm-rail-2", "line", Some(1520), false),
        ),
        (
            "osm-rail-w51-1",
            l("osm-rail-3", "osm-rail-4", "line", Some(1435), false),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(links, want_links);
    let p = link_props(&out, "osm-rail-w50-1")["properties"].clone();
    assert_eq!(p["gauge_note"], "no gauge tag: the standard gauge of MN");
}

/// Runs the binary's `import osm`; returns (exit code, stderr).
fn run_import(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(["import", "osm"])
        .args(args)
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_input_is_refused_with_a_clear_error_and_no_out_directory() {
    if !osmium_available("bad input") {
        return;
    }
    let tmp = Tmp::new("bad");
    let good = pbf("border.osm", &tmp.0);
    let bytes = std::fs::read(&good).expect("pbf");
    let truncated = tmp.0.join("truncated.osm.pbf");
    std::fs::write(&truncated, &bytes[..bytes.len() * 2 / 3]).expect("write");
    let corrupted = tmp.0.join("corrupted.osm.pbf");
    let mut c = bytes.clone();
    let mid = c.len() / 2;
    for b in &mut c[mid..] {
        *b ^= 0x5a;
    }
    std::fs::write(&corrupted, &c).expect("write");
    let text = tmp.0.join("not.osm.pbf");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/osm/border.osm"),
        &text,
    )
    .expect("copy");
    let empty = tmp.0.join("empty.osm.pbf");
    std::fs::write(&empty, b"").expect("write");
    for input in [&truncated, &corrupted, &text, &empty] {
        let out = tmp.0.join("net");
        let (code, err) = run_import(&[input.as_os_str(), "--out".as_ref(), out.as_os_str()]);
        assert_ne!(code, 0, "{}: {err}", input.display());
        assert!(
            err.contains("is not a readable OSM PBF file"),
            "{}: {err}",
            input.display()
        );
        assert!(
            !out.exists(),
            "{}: partial --out left behind",
            input.display()
        );
        let leftovers: Vec<_> = std::fs::read_dir(&tmp.0)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains("importing"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "temporary directory left: {leftovers:?}"
        );
    }
    // Bad flags name the flag; a good run into a non-empty --out is refused.
    let out = tmp.0.join("net");
    let (code, err) = run_import(&[
        good.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--bbox".as_ref(),
        "1,2,3".as_ref(),
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("--bbox"), "{err}");
    let (code, err) = run_import(&[
        good.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--modes".as_ref(),
        "ship".as_ref(),
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("--modes"), "{err}");
    let (code, err) = run_import(&[
        good.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--no-overlay".as_ref(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = run_import(&[good.as_os_str(), "--out".as_ref(), out.as_os_str()]);
    assert_ne!(code, 0);
    assert!(err.contains("exists and is not empty"), "{err}");
}

#[test]
fn points_outside_the_boundaries_stop_the_import_unless_a_default_country_is_given() {
    if !osmium_available("outside") {
        return;
    }
    let tmp = Tmp::new("outside");
    // Helsinki-like: the fixture's rail moved to Finland, which the boundaries do not hold.
    let xml = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/osm/no_gauge.osm"),
    )
    .unwrap()
    .replace("lat=\"47.5\" lon=\"106.5\"", "lat=\"60.2\" lon=\"24.9\"")
    .replace("lat=\"47.5\" lon=\"106.6\"", "lat=\"60.2\" lon=\"25.0\"");
    let src = tmp.0.join("fi.osm");
    std::fs::write(&src, xml).unwrap();
    let input = tmp.0.join("fi.osm.pbf");
    assert!(
        Command::new("osmium")
            .args(["cat", "--no-progress", "-O", "-o"])
            .arg(&input)
            .arg(&src)
            .status()
            .unwrap()
            .success()
    );
    let out = tmp.0.join("net");
    let err = import(&options(input.clone(), out.clone(), false))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("1 stretch(es)") && err.contains("--default-country"),
        "{err}"
    );
    assert!(!out.exists());
    let mut o = options(input, out.clone(), false);
    o.default_country = Some("FI".into());
    import(&o).expect("imports with FI");
    let (_, links) = graph(&out);
    // Finland's own gauge, 1524 mm, kept as such.
    assert_eq!(links["osm-rail-w50-1"].3, Some(1524));
}
