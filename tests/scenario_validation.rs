//! Scenario files through the whole loading path, one fixture per mistake: a data directory
//! (`tests/fixtures/scenarios/<case>/`, the small valid network of `tests/fixtures/valid` plus
//! `scenarios/NAME.json`) is
//! - loaded with `Snapshot::load`, which must refuse it with exactly the expected problems
//!   (file, change index, id, field, message);
//! - checked by the real binary, `corridor validate --data DIR`, which must exit 1 and print
//!   every one of those problems;
//! - offered to a running server through `POST /admin/reload`, which must answer 422 listing
//!   the same problems and keep serving the network (and scenario) it had.
//!
//! The unit tests in `src/network/scenario.rs` check `Scenario::parse`/`apply` on strings;
//! these check that the files are found, read, checked and refused as a whole data set.

mod common;

use std::path::{Path, PathBuf};

use common::{Server, TempDir};
use corridor::network::source::Source;
use corridor::network::{LoadError, Problem};
use corridor::snapshot::Snapshot;
use serde_json::Value;

const TOKEN: &str = "scenario-validation-token";
const CROSSING: &str = "xr-naushki-sukhbaatar";

fn fixture(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/scenarios")
        .join(case)
}

/// One expected problem: where it is and a fragment of its message.
#[derive(Debug, Clone, Copy)]
struct Want {
    file: &'static str,
    change: Option<usize>,
    id: Option<&'static str>,
    field: &'static str,
    gist: &'static str,
}

const fn want(
    file: &'static str,
    change: Option<usize>,
    id: Option<&'static str>,
    field: &'static str,
    gist: &'static str,
) -> Want {
    Want {
        file,
        change,
        id,
        field,
        gist,
    }
}

const UNKNOWN_ID: Want = want(
    "scenarios/unknown-id.json",
    Some(0),
    Some("mn-sukhbatar"),
    "changes[0].node",
    "no node 'mn-sukhbatar' in the network (did you mean mn-sukhbaatar",
);
const UNKNOWN_FIELD: Want = want(
    "scenarios/unknown-field.json",
    Some(0),
    Some(CROSSING),
    "changes[0].set.max_axle_load",
    "unknown field for a link (settable: status, capacity,",
);
const BAD_VALUE: Want = want(
    "scenarios/bad-value.json",
    Some(0),
    Some(CROSSING),
    "changes[0].set.dwell_h",
    "expected a finite number ≥ 0, got -3",
);
const DUPLICATE: Want = want(
    "scenarios/duplicate-change.json",
    Some(2),
    Some("mn-sukhbaatar"),
    "changes[2]",
    "duplicate change: changes[0] already changes node 'mn-sukhbaatar'",
);
const MISSING_SOURCE: Want = want(
    "scenarios/missing-source.json",
    Some(1),
    Some("rail-sukhbaatar-ulaanbaatar"),
    "changes[1].source",
    "required: where the change's figures come from",
);
const ESTIMATE_NOT_BOOL: Want = want(
    "scenarios/estimate-not-bool.json",
    Some(0),
    Some(CROSSING),
    "changes[0].estimate",
    "expected true or false, got \"yes\"",
);
const ADDED_LINK: Want = want(
    "scenarios/added-link-refused.json",
    Some(1),
    Some("rail-ulaanbaatar-nowhere"),
    "changes[1].add_link.properties.to",
    "with this change the link 'rail-ulaanbaatar-nowhere' is invalid: names no node: 'mn-nowhere'",
);
const NAME_MISMATCH: Want = want(
    "scenarios/naushki-shut.json",
    None,
    None,
    "name",
    "'naushki-closed' differs from the file name 'naushki-shut.json'",
);
const NOT_JSON: Want = want(
    "scenarios/not-json.json",
    None,
    None,
    "(file)",
    "not valid JSON: EOF while parsing an object at line 6",
);

/// Every refused fixture with every problem it must report, in order.
const REFUSED: &[(&str, &[Want])] = &[
    ("unknown_id", &[UNKNOWN_ID]),
    ("unknown_field", &[UNKNOWN_FIELD]),
    ("bad_value", &[BAD_VALUE]),
    ("duplicate_change", &[DUPLICATE]),
    ("missing_source", &[MISSING_SOURCE]),
    ("estimate_not_bool", &[ESTIMATE_NOT_BOOL]),
    ("added_link_refused", &[ADDED_LINK]),
    ("name_mismatch", &[NAME_MISMATCH]),
    ("not_json", &[NOT_JSON]),
    // Four files: three refused, one valid (`crossing-slow.json`, which the data set does not
    // get either); problems in file-name order.
    (
        "many_files",
        &[
            want(
                "scenarios/bad-value.json",
                Some(0),
                Some(CROSSING),
                "changes[0].set.dwell_h",
                "got -3",
            ),
            want(
                "scenarios/not-json.json",
                None,
                None,
                "(file)",
                "not valid JSON",
            ),
            want(
                "scenarios/unknown-field.json",
                Some(0),
                Some(CROSSING),
                "changes[0].set.max_axle_load",
                "unknown field for a link",
            ),
        ],
    ),
];

fn wanted(case: &str) -> &'static [Want] {
    REFUSED
        .iter()
        .find(|(c, _)| *c == case)
        .unwrap_or_else(|| panic!("no expectation for {case}"))
        .1
}

/// The problems `Snapshot::load` refuses the fixture with; panics when it loads.
fn load_problems(case: &str) -> Vec<Problem> {
    match Snapshot::load(&Source::Dir(fixture(case))) {
        Ok(s) => panic!(
            "{case} loaded although a scenario is invalid (scenarios {:?})",
            s.scenarios.keys().collect::<Vec<_>>()
        ),
        Err(LoadError::Invalid(p)) => p,
        Err(e) => panic!("{case}: unexpected error {e}"),
    }
}

/// Asserts `got` is exactly `want`, problem by problem.
fn assert_problems(case: &str, got: &[Problem], want: &[Want]) {
    assert_eq!(
        got.len(),
        want.len(),
        "{case}: expected {} problem(s), got {got:#?}",
        want.len()
    );
    for (g, w) in got.iter().zip(want) {
        assert_eq!(
            (
                g.file.as_str(),
                g.feature,
                g.id.as_deref(),
                g.field.as_str()
            ),
            (w.file, w.change, w.id, w.field),
            "{case}: {g}"
        );
        assert!(
            g.message.contains(w.gist),
            "{case}: message {:?} lacks {:?}",
            g.message,
            w.gist
        );
    }
}

fn assert_case(case: &str) {
    assert_problems(case, &load_problems(case), wanted(case));
}

// ---------------------------------------------------------------------------------------
// (a) The loader: one test per fixture.

#[test]
fn the_valid_fixture_loads_its_scenario_and_applies_it() {
    let snap = Snapshot::load(&Source::Dir(fixture("ok"))).expect("ok fixture loads");
    assert_eq!(
        snap.scenarios.keys().collect::<Vec<_>>(),
        ["crossing-slow"],
        "the scenario is found under scenarios/"
    );
    let case = &snap.scenarios["crossing-slow"];
    assert_eq!(case.scenario.changes.len(), 2);
    assert!(case.scenario.changes[1].estimate);
    let dwell = |s: &Snapshot| {
        s.network
            .link(CROSSING)
            .unwrap()
            .crossing
            .as_ref()
            .unwrap()
            .dwell_h
    };
    assert_eq!(dwell(&snap), 12.0, "the baseline is untouched");
    assert_eq!(dwell(&case.snapshot), 30.0);
    let node = |s: &Snapshot| s.network.node("mn-sukhbaatar").unwrap().intermodal;
    assert!(!node(&snap));
    assert!(node(&case.snapshot));
    assert_eq!(
        case.snapshot
            .network
            .link(CROSSING)
            .unwrap()
            .properties
            .get("scenario")
            .unwrap()["name"],
        "crossing-slow"
    );
}

#[test]
fn an_unknown_id_is_named_with_close_ids() {
    assert_case("unknown_id");
}

#[test]
fn an_unknown_field_is_named_with_the_settable_ones() {
    assert_case("unknown_field");
}

#[test]
fn a_bad_value_is_named() {
    assert_case("bad_value");
}

#[test]
fn a_duplicate_change_names_the_first_one() {
    // The link change between the two node changes is not a duplicate of either.
    assert_case("duplicate_change");
}

#[test]
fn a_change_without_a_source_is_named() {
    assert_case("missing_source");
}

#[test]
fn an_estimate_flag_that_is_not_a_boolean_is_named() {
    assert_case("estimate_not_bool");
}

#[test]
fn an_added_link_the_network_validator_refuses_is_blamed_on_its_change() {
    // The first change (a valid dwell) is not blamed; the added link is, with the
    // validator's own field and message.
    assert_case("added_link_refused");
}

#[test]
fn a_file_name_differing_from_the_scenario_name_is_refused() {
    // Today the name must equal the file name: the file is refused, not renamed.
    assert_case("name_mismatch");
}

#[test]
fn a_file_that_is_not_json_is_a_file_level_problem() {
    assert_case("not_json");
}

#[test]
fn every_problem_of_every_file_is_listed_in_file_order() {
    assert_case("many_files");
}

// ---------------------------------------------------------------------------------------
// (b) The binary: `corridor validate --data DIR`.

fn validate(dir: &Path) -> (Option<i32>, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(["validate", "--data"])
        .arg(dir)
        .output()
        .expect("run corridor validate");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn validate_accepts_the_valid_fixture() {
    let (code, out, err) = validate(&fixture("ok"));
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(out.contains("network is valid: 4 nodes, 3 links"), "{out}");
}

#[test]
fn validate_exits_1_and_prints_every_scenario_problem() {
    for (case, want) in REFUSED {
        let (code, out, err) = validate(&fixture(case));
        assert_eq!(
            code,
            Some(1),
            "{case}: `corridor validate` must refuse an invalid scenario\nstdout: {}…\nstderr: {err}",
            out.lines().next().unwrap_or_default()
        );
        assert!(
            err.starts_with(&format!("{} problem(s)", want.len())),
            "{case}: {err}"
        );
        for p in load_problems(case) {
            assert!(
                err.contains(&p.to_string()),
                "{case}: `{p}` not printed:\n{err}"
            );
        }
        assert_eq!(
            err.lines()
                .filter(|l| l.trim_start().starts_with("- "))
                .count(),
            want.len(),
            "{case}: {err}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// (c) A running server: `POST /admin/reload` refuses, the old data keeps serving.

/// Makes `dir` hold the fixture `case`: its network files and exactly its scenario files.
/// Files are replaced by rename, as an editor would.
fn install(dir: &Path, case: &str) {
    let src = fixture(case);
    for f in ["nodes.geojson", "links.geojson"] {
        let tmp = dir.join(format!(".{f}.tmp"));
        std::fs::copy(src.join(f), &tmp).unwrap();
        std::fs::rename(&tmp, dir.join(f)).unwrap();
    }
    let scen = dir.join("scenarios");
    let _ = std::fs::remove_dir_all(&scen);
    std::fs::create_dir(&scen).unwrap();
    for e in std::fs::read_dir(src.join("scenarios")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, scen.join(p.file_name().unwrap())).unwrap();
    }
}

fn post_reload(server: &Server) -> (u16, Value) {
    let r = server.request(
        "POST",
        "/admin/reload",
        &[("Authorization", &format!("Bearer {TOKEN}"))],
        b"",
    );
    (
        r.status,
        serde_json::from_slice(&r.body).unwrap_or(Value::Null),
    )
}

fn get_json(server: &Server, path: &str) -> Value {
    let (status, _, body) = server.get(path);
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
}

/// Time of the rail route Ulan-Ude → Ulaanbaatar, on the baseline or a scenario.
fn route_time_h(server: &Server, scenario: Option<&str>) -> f64 {
    let mut q = "/v1/route?from=ru-ulan-ude&to=mn-ulaanbaatar&mode=rail".to_string();
    if let Some(s) = scenario {
        q.push_str(&format!("&scenario={s}"));
    }
    get_json(server, &q)["features"][0]["properties"]["time_h"]
        .as_f64()
        .expect("time_h")
}

fn scenario_names(server: &Server) -> Vec<String> {
    get_json(server, "/v1/scenarios")["scenarios"]
        .as_array()
        .expect("scenarios array")
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

fn etag(server: &Server) -> String {
    get_json(server, "/health")["etag"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn reload_refuses_every_invalid_scenario_and_keeps_serving() {
    let tmp = TempDir::new("scenario-reload");
    let dir = tmp.path();
    install(dir, "ok");
    let server = Server::start(Some(dir), &[("CORRIDOR_ADMIN_TOKEN", TOKEN)]);
    let base_h = route_time_h(&server, None);
    let slow_h = route_time_h(&server, Some("crossing-slow"));
    assert!(
        (slow_h - base_h - 18.0).abs() < 1e-6,
        "the scenario adds 18 h of dwell: {base_h} → {slow_h}"
    );
    assert_eq!(scenario_names(&server), ["crossing-slow"]);
    let served = etag(&server);

    for (case, want) in REFUSED {
        install(dir, case);
        let (status, doc) = post_reload(&server);
        assert_eq!(status, 422, "{case}: {doc}");
        assert_eq!(
            doc["type"], "https://corridor.invalid/problems/invalid-data",
            "{case}: {doc}"
        );
        // The server lists exactly what the loader finds, and that is what is expected.
        let listed = doc["problems"].as_array().expect("problems array");
        let loaded = load_problems(case);
        assert_eq!(
            listed,
            &serde_json::to_value(&loaded)
                .unwrap()
                .as_array()
                .unwrap()
                .clone(),
            "{case}"
        );
        let fields: Vec<&str> = listed
            .iter()
            .map(|p| p["field"].as_str().unwrap())
            .collect();
        let files: Vec<&str> = listed.iter().map(|p| p["file"].as_str().unwrap()).collect();
        assert_eq!(
            fields,
            want.iter().map(|w| w.field).collect::<Vec<_>>(),
            "{case}"
        );
        assert_eq!(
            files,
            want.iter().map(|w| w.file).collect::<Vec<_>>(),
            "{case}"
        );
        // The old data keeps serving: same ETag, same scenario, same answers.
        assert_eq!(etag(&server), served, "{case}");
        assert_eq!(scenario_names(&server), ["crossing-slow"], "{case}");
        assert_eq!(route_time_h(&server, None), base_h, "{case}");
        assert_eq!(
            route_time_h(&server, Some("crossing-slow")),
            slow_h,
            "{case}"
        );
    }

    // Valid data again: accepted.
    install(dir, "ok");
    let (status, doc) = post_reload(&server);
    assert_eq!(status, 200, "{doc}");
    assert_eq!(scenario_names(&server), ["crossing-slow"]);
}
