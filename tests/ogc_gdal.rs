//! A real GIS client on the real binary: GDAL's `ogrinfo` opens `OAPIF:http://…/ogc`, lists
//! the three layers, reports the right feature counts and extents, and pages through items.
//!
//! Needs `ogrinfo` on PATH (Debian: `apt-get install -y gdal-bin`); without it the test prints
//! a loud SKIPPED line and passes, except under CI (env `CI` set), where it fails.

mod common;

use std::process::{Command, Stdio};

use corridor::snapshot::Snapshot;

fn ogrinfo(args: &[&str]) -> String {
    let out = Command::new("ogrinfo")
        .args(args)
        .env("GDAL_HTTP_TIMEOUT", "20")
        .output()
        .expect("run ogrinfo");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "ogrinfo {args:?} failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn have_ogrinfo() -> bool {
    Command::new("ogrinfo")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `Extent: (a, b) - (c, d)` → `[a, b, c, d]`.
fn parse_extent(text: &str) -> [f64; 4] {
    let line = text
        .lines()
        .find(|l| l.starts_with("Extent:"))
        .unwrap_or_else(|| panic!("no Extent in:\n{text}"));
    let nums: Vec<f64> = line["Extent:".len()..]
        .replace(") - (", ",")
        .replace(['(', ')'], "")
        .split(',')
        .map(|t| t.trim().parse().unwrap())
        .collect();
    [nums[0], nums[1], nums[2], nums[3]]
}

fn feature_count(text: &str) -> usize {
    text.lines()
        .find_map(|l| l.strip_prefix("Feature Count: "))
        .unwrap_or_else(|| panic!("no Feature Count in:\n{text}"))
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn ogrinfo_lists_layers_counts_and_extents() {
    if !have_ogrinfo() {
        common::skipped("GDAL test: ogrinfo not found (apt-get install -y gdal-bin)");
        return;
    }
    let snap = Snapshot::embedded().unwrap();
    let net = &snap.network;
    let server = common::Server::start(None, &[]);
    let url = format!("OAPIF:{}/ogc", server.base);

    let listing = ogrinfo(&["-ro", "-q", &url]);
    for (layer, geom) in [
        ("nodes", "(Point)"),
        ("links", "(Line String)"),
        ("crossings", "(Line String)"),
    ] {
        assert!(
            listing
                .lines()
                .any(|l| l.contains(&format!(": {layer} ")) && l.contains(geom)),
            "layer {layer} {geom} not listed:\n{listing}"
        );
    }

    let cases = [
        ("nodes", net.nodes().len(), snap.index.node_extent()),
        ("links", net.links().len(), snap.index.link_extent()),
        (
            "crossings",
            net.crossings().count(),
            snap.index.crossing_extent(),
        ),
    ];
    for (layer, count, extent) in cases {
        let text = ogrinfo(&["-ro", "-so", &url, layer]);
        assert_eq!(feature_count(&text), count, "{layer}:\n{text}");
        let want = extent.unwrap().to_array();
        let got = parse_extent(&text);
        for i in 0..4 {
            assert!(
                (got[i] - want[i]).abs() < 1e-5,
                "{layer} extent {got:?} != {want:?}"
            );
        }
        // Fields come from the first page: `id` must be one of them.
        assert!(text.contains("id: String"), "{layer}:\n{text}");
    }

    // Reading every feature with a tiny page size walks the `next` links.
    let all = ogrinfo(&["-ro", "-oo", "PAGE_SIZE=2", &url, "links"]);
    let features = all
        .lines()
        .filter(|l| l.starts_with("OGRFeature(links)"))
        .count();
    assert_eq!(features, net.links().len(), "paged read:\n{all}");
    for l in net.links() {
        assert!(
            all.contains(&format!("id (String) = {}", l.id)),
            "{} missing",
            l.id
        );
    }
}
