//! One failing fixture per validation rule: each asserts the exact problem reported (file,
//! feature index, id, field, message), and that loading refuses the data.

use std::path::PathBuf;

use corridor::network::{LoadError, Network, Problem};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn problems(name: &str) -> Vec<Problem> {
    match Network::load_dir(&fixture(name)) {
        Ok(_) => panic!("fixture {name} loaded although it is invalid"),
        Err(LoadError::Invalid(p)) => p,
        Err(e) => panic!("fixture {name}: unexpected error {e}"),
    }
}

/// Asserts that exactly one problem is reported, at this place, with this message fragment.
fn assert_single(name: &str, file: &str, feature: usize, id: &str, field: &str, fragment: &str) {
    let p = problems(name);
    assert_eq!(p.len(), 1, "{name}: expected one problem, got {p:#?}");
    let p = &p[0];
    assert_eq!(
        (
            p.file.as_str(),
            p.feature,
            p.id.as_deref(),
            p.field.as_str()
        ),
        (file, Some(feature), Some(id), field),
        "{name}: {p}"
    );
    assert!(
        p.message.contains(fragment),
        "{name}: message {:?} lacks {fragment:?}",
        p.message
    );
}

#[test]
fn valid_fixture_loads() {
    let net = Network::load_dir(&fixture("valid")).expect("valid fixture");
    assert_eq!(net.nodes().len(), 4);
    assert_eq!(net.links().len(), 3);
    // length_km derived from the geometry when absent, kept when given
    let l = net.link("rail-ulan-ude-naushki").unwrap();
    assert!((150.0..250.0).contains(&l.length_km), "{}", l.length_km);
    assert_eq!(
        net.link("rail-sukhbaatar-ulaanbaatar").unwrap().length_km,
        380.0
    );
}

#[test]
fn duplicate_id() {
    let p = problems("duplicate_id");
    assert_eq!(
        (
            p[0].file.as_str(),
            p[0].feature,
            p[0].id.as_deref(),
            p[0].field.as_str()
        ),
        ("nodes.geojson", Some(3), Some("ru-ulan-ude"), "id")
    );
    assert_eq!(p[0].message, "duplicate id");
    // The renamed node leaves its link dangling: reported too, not hidden.
    assert!(
        p.iter()
            .any(|x| x.field == "to" && x.id.as_deref() == Some("rail-sukhbaatar-ulaanbaatar"))
    );
}

#[test]
fn from_or_to_naming_no_node() {
    assert_single(
        "unknown_node",
        "links.geojson",
        2,
        "rail-sukhbaatar-ulaanbaatar",
        "to",
        "names no node: 'mn-ulan-bator'",
    );
}

#[test]
fn geometry_not_touching_its_node() {
    assert_single(
        "geometry_off_node",
        "links.geojson",
        0,
        "rail-ulan-ude-naushki",
        "geometry",
        "ends 14.2 km from its to-node 'ru-naushki'",
    );
}

#[test]
fn coordinate_out_of_range() {
    assert_single(
        "coordinate_out_of_range",
        "nodes.geojson",
        2,
        "mn-sukhbaatar",
        "geometry",
        "latitude 95 out of range",
    );
}

#[test]
fn unknown_enum_value() {
    assert_single(
        "unknown_enum",
        "nodes.geojson",
        1,
        "ru-naushki",
        "kind",
        "unknown value 'ferry_terminal'",
    );
}

#[test]
fn non_positive_length() {
    assert_single(
        "nonpositive_length",
        "links.geojson",
        2,
        "rail-sukhbaatar-ulaanbaatar",
        "length_km",
        "must be a positive number, found 0",
    );
}

#[test]
fn non_positive_capacity() {
    assert_single(
        "nonpositive_capacity",
        "links.geojson",
        1,
        "xr-naushki-sukhbaatar",
        "capacity.value",
        "must be a positive number, found -5",
    );
}

#[test]
fn capacity_direction_without_its_pair() {
    assert_single(
        "capacity_direction_unpaired",
        "links.geojson",
        1,
        "xr-naushki-sukhbaatar",
        "capacity_backward",
        "the two go together",
    );
}

#[test]
fn unknown_capacity_basis() {
    assert_single(
        "unknown_capacity_basis",
        "links.geojson",
        1,
        "xr-naushki-sukhbaatar",
        "capacity_basis",
        "unknown value 'published' (expected one of design, throughput, estimate)",
    );
}

#[test]
fn crossing_countries_differ_from_nodes() {
    assert_single(
        "crossing_countries_mismatch",
        "links.geojson",
        1,
        "xr-naushki-sukhbaatar",
        "countries",
        "[RU, CN] differs from its nodes' countries [RU, MN]",
    );
}

#[test]
fn non_crossing_link_joining_two_countries() {
    assert_single(
        "cross_border_line",
        "links.geojson",
        1,
        "xr-naushki-sukhbaatar",
        "kind",
        "a link between two countries must be a crossing",
    );
}

#[test]
fn rail_gauge_differs_from_node() {
    assert_single(
        "gauge_mismatch",
        "links.geojson",
        1,
        "xr-naushki-sukhbaatar",
        "gauge_mm",
        "1435 mm differs from node 'ru-naushki', which declares 1520 mm",
    );
}

#[test]
fn all_problems_are_reported_at_once_in_order() {
    let p = problems("many_problems");
    let got: Vec<(String, Option<usize>, String)> = p
        .iter()
        .map(|x| (x.file.clone(), x.feature, x.field.clone()))
        .collect();
    let want = [
        ("nodes.geojson", 1, "kind"),
        ("nodes.geojson", 3, "id"),
        ("links.geojson", 0, "mode"),
        ("links.geojson", 1, "capacity.value"),
        ("links.geojson", 2, "length_km"),
        ("links.geojson", 2, "to"),
    ];
    let want: Vec<(String, Option<usize>, String)> = want
        .iter()
        .map(|(f, i, x)| (f.to_string(), Some(*i), x.to_string()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn not_a_feature_collection_is_a_file_level_problem() {
    let err = corridor::network::load_from_strs("{\"type\":\"Feature\"}", "not json").unwrap_err();
    let p = err.problems();
    assert_eq!(p.len(), 2);
    assert_eq!(
        (p[0].file.as_str(), p[0].feature, p[0].field.as_str()),
        ("nodes.geojson", None, "type")
    );
    assert_eq!(
        (p[1].file.as_str(), p[1].field.as_str()),
        ("links.geojson", "(file)")
    );
}

#[test]
fn validate_command_lists_every_problem_and_exits_non_zero() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(["validate", "--data"])
        .arg(fixture("many_problems"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("6 problem(s)"), "{err}");
    assert_eq!(
        err.lines()
            .filter(|l| l.trim_start().starts_with("- "))
            .count(),
        6,
        "{err}"
    );
}

#[test]
fn validate_command_prints_a_summary_when_clean() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(["validate", "--data"])
        .arg(fixture("valid"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("network is valid: 4 nodes, 3 links"), "{s}");
    assert!(s.contains("crossings by border: MN-RU 1"), "{s}");
}

#[test]
fn serve_refuses_invalid_data() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(["serve", "--bind", "127.0.0.1:0", "--data"])
        .arg(fixture("gauge_mismatch"))
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing to start on invalid data") && err.contains("gauge_mm"),
        "{err}"
    );
}
