//! `corridor compare route|capacity|assign`: the real binary prints the before/after table
//! the library computes, and its `--geojson` is the HTTP endpoint's document.

use std::process::{Command, Output};

use corridor::Snapshot;
use corridor::capacity::compare::{Answered, AssignDelta, CapacityDelta};
use corridor::capacity::{self as cap, AssignRequest, CapacityRequest, Loose};
use corridor::cli::capacity::tonnes;
use corridor::cost::ModeFilter;
use corridor::network::CapacityConversion;
use serde_json::Value;

fn corridor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn compare_capacity_prints_the_max_flow_before_and_after_and_the_cut_change() {
    let snap = Snapshot::embedded().unwrap();
    let on = snap.scenario(Some("naushki-closed")).unwrap();
    let mut req = CapacityRequest {
        from: vec!["RU".into()],
        to: vec!["MN".into()],
        ..CapacityRequest::default()
    };
    req.constraints.mode = ModeFilter::Rail;
    req.constraints.avoid_countries = vec!["CN".into()];
    let bq = req.clone().check(&snap.network, snap.conversion).unwrap();
    let sq = req.check(&on.network, on.conversion).unwrap();
    let (b, s) = (
        cap::max_flow(&snap.network, &bq),
        cap::max_flow(&on.network, &sq),
    );
    let d = CapacityDelta::between(
        Answered::new(&snap.network, &bq, &b),
        Answered::new(&on.network, &sq, &s),
    );
    let args = [
        "compare",
        "capacity",
        "RU",
        "MN",
        "--mode",
        "rail",
        "--avoid-countries",
        "CN",
        "--scenario",
        "naushki-closed",
    ];
    let text = stdout(&corridor(&args));
    let row = text
        .lines()
        .find(|l| l.starts_with("max flow"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(row.contains(&tonnes(d.max_flow.baseline.unwrap())), "{row}");
    assert!(row.contains(&tonnes(d.max_flow.scenario.unwrap())), "{row}");
    assert!(
        text.contains("cut links removed: xr-naushki-sukhbaatar"),
        "{text}"
    );
    let mut geo = args.to_vec();
    geo.push("--geojson");
    let fc: Value = serde_json::from_str(&stdout(&corridor(&geo))).unwrap();
    assert_eq!(fc["delta"], serde_json::to_value(&d).unwrap());
}

#[test]
fn compare_assign_takes_a_demand_set_and_prints_served_before_and_after() {
    let snap = Snapshot::embedded().unwrap();
    let on = snap.scenario(Some("naushki-closed")).unwrap();
    let body = || {
        let mut b = AssignRequest {
            demand: Some(Loose::Valid("eaeu-fta-2027".into())),
            ..AssignRequest::default()
        };
        cap::demand::expand(&mut b, &snap.demand).unwrap();
        Loose::Valid(b)
    };
    let conv = CapacityConversion::default();
    let bq = AssignRequest::check(body(), &snap.network, conv).unwrap();
    let sq = AssignRequest::check(body(), &on.network, conv).unwrap();
    let (b, s) = (
        cap::assign(&snap.network, &bq),
        cap::assign(&on.network, &sq),
    );
    let d = AssignDelta::between(
        Answered::new(&snap.network, &bq, &b),
        Answered::new(&on.network, &sq, &s),
    );
    let text = stdout(&corridor(&[
        "compare",
        "assign",
        "--demand",
        "eaeu-fta-2027",
        "--scenario",
        "naushki-closed",
    ]));
    for (label, f) in [("served", d.served_tpy), ("unserved", d.unserved_tpy)] {
        let row = text
            .lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no {label} row: {text}"));
        assert!(row.contains(&tonnes(f.baseline.unwrap())), "{row}");
        assert!(row.contains(&tonnes(f.scenario.unwrap())), "{row}");
    }
    assert!(
        text.contains(&format!("links whose load changed ({})", d.links.len())),
        "{text}"
    );
    assert!(text.contains("xr-naushki-sukhbaatar"), "{text}");
}

/// The documented exit codes (`cli::exit`): a missing `--scenario` is a usage error (2), an
/// unknown one is not found (3) with close names, as an unknown place is.
#[test]
fn compare_without_a_scenario_exits_2_and_with_an_unknown_one_3_naming_it() {
    for cmd in [
        vec!["compare", "capacity", "RU", "MN"],
        vec!["compare", "assign", "--demand", "eaeu-fta-2027"],
        vec!["compare", "route", "ru-ulan-ude", "cn-beijing"],
    ] {
        let o = corridor(&cmd);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("--scenario is required"), "{cmd:?}: {err}");
        let mut unknown = cmd.clone();
        unknown.extend(["--scenario", "naushki"]);
        let o = corridor(&unknown);
        assert_eq!(o.status.code(), Some(3), "{unknown:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("naushki-closed"), "{unknown:?}: {err}");
    }
    // The same name in the other commands is not found too.
    for cmd in [
        vec![
            "route",
            "ru-ulan-ude",
            "cn-beijing",
            "--scenario",
            "naushki",
        ],
        vec!["capacity", "RU", "MN", "--scenario", "naushki"],
    ] {
        let o = corridor(&cmd);
        assert_eq!(o.status.code(), Some(3), "{cmd:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("naushki-closed"), "{cmd:?}: {err}");
    }
}
