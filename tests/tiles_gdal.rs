//! The tiles read by an independent decoder, GDAL's MVT driver: `ogrinfo` on a tile served by
//! the real binary lists the four layers with their fields, and decoded z10 tiles hold exactly
//! the rail lines of their box, none outside the buffer, every vertex within one tile unit of
//! the source geometry.
//!
//! Needs `ogrinfo` and `ogr2ogr` (Debian `gdal-bin`, installed by `.ci/run`); without them the
//! tests print a loud SKIPPED line and pass, or fail when `CI` is set.

mod common;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};

use actix_web::test::TestRequest;
use common::app::{call, embedded};
use corridor::index::BBox;
use corridor::network::{LinkKind, Mode};
use corridor::output::tiles::{BUFFER, EXTENT, TileId};
use serde_json::Value;

fn have_gdal() -> bool {
    let ok = ["ogrinfo", "ogr2ogr"].iter().all(|tool| {
        Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "ogrinfo/ogr2ogr missing under CI (apt-get install -y gdal-bin)"
        );
        common::skipped("tiles GDAL test: ogrinfo/ogr2ogr not found (apt-get install -y gdal-bin)");
    }
    ok
}

fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .env("GDAL_HTTP_TIMEOUT", "20")
        .output()
        .unwrap_or_else(|e| panic!("run {tool}: {e}"));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{tool} {args:?} failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// Open options that georeference one tile and keep its buffer.
fn tile_options(t: TileId) -> Vec<String> {
    vec![
        "-oo".into(),
        format!("Z={}", t.z),
        "-oo".into(),
        format!("X={}", t.x),
        "-oo".into(),
        format!("Y={}", t.y),
        "-oo".into(),
        "CLIP=NO".into(),
    ]
}

#[test]
fn ogrinfo_reads_a_served_tile_and_lists_the_four_layers_with_fields() {
    if !have_gdal() {
        return;
    }
    let server = common::Server::start(None, &[]);
    // z5 over Mongolia and Buryatia: rail, trunk roads, crossings, cities.
    let t = TileId::new(5, 25, 11).unwrap();
    let url = format!(
        "MVT:/vsicurl/{}/tiles/{}/{}/{}.mvt",
        server.base, t.z, t.x, t.y
    );
    let mut args: Vec<String> = vec!["-ro".into(), "-so".into(), "-al".into()];
    args.extend(tile_options(t));
    args.push(url);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let text = run("ogrinfo", &args);
    for (layer, fields) in [
        ("rail", &["gauge", "status", "electrified", "capacity"][..]),
        ("road", &["class", "ref", "status"][..]),
        (
            "crossings",
            &["name", "modes", "status", "capacity", "dwell"][..],
        ),
        ("places", &["name", "kind", "country", "label_rank"][..]),
    ] {
        let start = text
            .find(&format!("Layer name: {layer}\n"))
            .unwrap_or_else(|| panic!("layer {layer} not listed:\n{text}"));
        let rest = &text[start + 1..];
        let block = &rest[..rest.find("Layer name:").unwrap_or(rest.len())];
        let count: usize = block
            .lines()
            .find_map(|l| l.strip_prefix("Feature Count: "))
            .unwrap_or_else(|| panic!("no count for {layer}:\n{block}"))
            .trim()
            .parse()
            .unwrap();
        assert!(count > 0, "{layer} is empty:\n{block}");
        for f in fields {
            assert!(
                block.lines().any(|l| l.starts_with(&format!("{f}: "))),
                "{layer} lacks field {f}:\n{block}"
            );
        }
    }
}

/// One decoded layer of a tile, as GeoJSON in lon/lat (GDAL reprojects from web mercator).
fn decode_layer(bytes: &[u8], t: TileId, layer: &str, dir: &std::path::Path) -> Vec<Value> {
    let file = dir.join(format!("{}-{}-{}.mvt", t.z, t.x, t.y));
    std::fs::write(&file, bytes).unwrap();
    // A tile without the layer has none of its features (GDAL refuses to name it).
    let mut list: Vec<String> = vec!["-ro".into(), "-q".into()];
    list.extend(tile_options(t));
    list.push(format!("MVT:{}", file.display()));
    let list: Vec<&str> = list.iter().map(String::as_str).collect();
    let listing = run("ogrinfo", &list);
    if !listing
        .lines()
        .any(|l| l.split_whitespace().nth(1) == Some(layer))
    {
        return Vec::new();
    }
    let mut args: Vec<String> = vec!["-f".into(), "GeoJSON".into(), "/vsistdout/".into()];
    args.extend(tile_options(t));
    args.extend([
        "-t_srs".into(),
        "EPSG:4326".into(),
        "-lco".into(),
        "COORDINATE_PRECISION=10".into(),
        format!("MVT:{}", file.display()),
        layer.into(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let doc: Value = serde_json::from_str(&run("ogr2ogr", &args)).expect("GeoJSON");
    doc["features"].as_array().cloned().unwrap_or_default()
}

/// Parts of a (Multi)LineString geometry.
fn parts(geom: &Value) -> Vec<Vec<[f64; 2]>> {
    let xy = |p: &Value| [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()];
    match geom["type"].as_str() {
        Some("LineString") => vec![
            geom["coordinates"]
                .as_array()
                .unwrap()
                .iter()
                .map(xy)
                .collect(),
        ],
        Some("MultiLineString") => geom["coordinates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_array().unwrap().iter().map(xy).collect())
            .collect(),
        other => panic!("not a line: {other:?}"),
    }
}

/// Distance from `p` to the segment `a`–`b` (same plane units).
fn to_segment(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt()
}

fn brute_touches(bbox: &BBox, line: &geo::LineString<f64>) -> bool {
    line.lines()
        .any(|s| bbox.intersects_segment(s.start.into(), s.end.into()))
}

#[actix_web::test]
async fn z10_tiles_hold_exactly_the_rail_lines_of_their_box() {
    if !have_gdal() {
        return;
    }
    let st = embedded();
    let snap = st.current();
    let net = &snap.network;
    let dir = common::TempDir::new("tiles-gdal");
    // Tiles around Naushki, Ulaanbaatar, Zamyn-Uud/Erenhot, Zabaikalsk, Dostyk, Khorgos, and
    // each one's east and south neighbour (so lines cross tile edges).
    let mut tiles = BTreeSet::new();
    for id in [
        "ru-naushki",
        "mn-ulaanbaatar",
        "mn-zamyn-uud",
        "ru-zabaikalsk",
        "kz-dostyk",
        "kz-khorgos-gateway",
    ] {
        let Some(ix) = net.node_ix(id) else {
            continue;
        };
        let p = net.nodes()[ix].point;
        let z10 = TileId::new(10, 0, 0).unwrap();
        let (px, py) = z10.project(p.x(), p.y());
        let (x, y) = (
            (px / f64::from(EXTENT)).floor() as u64,
            (py / f64::from(EXTENT)).floor() as u64,
        );
        for (dx, dy) in [(0, 0), (1, 0), (0, 1)] {
            tiles.insert(TileId::new(10, x + dx, y + dy).unwrap());
        }
    }
    assert!(tiles.len() >= 9, "{tiles:?}");
    let rail_links: Vec<usize> = (0..net.links().len())
        .filter(|&i| {
            let l = &net.links()[i];
            l.mode == Mode::Rail && l.kind == LinkKind::Line
        })
        .collect();
    let mut checked = 0;
    for t in tiles {
        let r = call(
            &st,
            TestRequest::get().uri(&format!("/tiles/{}/{}/{}.mvt", t.z, t.x, t.y)),
        )
        .await;
        let inner = t.bounds(0.0);
        let outer = t.bounds(BUFFER);
        let must: BTreeSet<&str> = rail_links
            .iter()
            .map(|&i| &net.links()[i])
            .filter(|l| brute_touches(&inner, &l.geometry.to_line_string()))
            .map(|l| l.id.0.as_str())
            .collect();
        if r.status.as_u16() == 204 {
            assert!(must.is_empty(), "{t:?} empty but {must:?} cross it");
            continue;
        }
        assert_eq!(r.status.as_u16(), 200);
        let feats = decode_layer(&r.body, t, "rail", dir.path());
        let got: BTreeSet<&str> = feats
            .iter()
            .map(|f| f["properties"]["id"].as_str().expect("id field"))
            .collect();
        for id in &must {
            assert!(
                got.contains(id),
                "{t:?}: rail line {id} crosses the tile but is missing"
            );
        }
        for f in &feats {
            let id = f["properties"]["id"].as_str().unwrap();
            let link = &net.links()[net.link_ix(id).expect("a real link")];
            assert!(
                brute_touches(&outer, &link.geometry.to_line_string()),
                "{t:?}: {id} lies outside the buffered tile"
            );
            assert_eq!(f["properties"]["status"], link.status.as_str());
            if let Some(g) = link.gauge_mm {
                assert_eq!(
                    f["properties"]["gauge"].as_f64(),
                    Some(f64::from(g)),
                    "{id}"
                );
            }
            let src: Vec<(f64, f64)> = link
                .geometry
                .coords()
                .map(|c| t.project(c.x, c.y))
                .collect();
            for part in parts(&f["geometry"]) {
                assert!(part.len() >= 2);
                for [lon, lat] in part {
                    let p = t.project(lon, lat);
                    let lim = BUFFER + 1.0;
                    assert!(
                        (-lim..=f64::from(EXTENT) + lim).contains(&p.0)
                            && (-lim..=f64::from(EXTENT) + lim).contains(&p.1),
                        "{t:?} {id}: vertex {p:?} beyond the buffer"
                    );
                    let d = src
                        .windows(2)
                        .map(|w| to_segment(p, w[0], w[1]))
                        .fold(f64::INFINITY, f64::min);
                    assert!(d <= 1.0, "{t:?} {id}: vertex {d} tile units off the line");
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} rail features checked");
}
