//! Capacity data in `geodata/links.geojson`: coverage, well-formedness and consistency with
//! published throughputs (issue 11).
//!
//! Reads the GeoJSON directly with `serde_json`, independent of the crate's loader, so the data
//! rules hold whatever the model does with them. Conversions are the documented defaults
//! (`README.md`, "Data"): 3,000 t per train, 20 t per road vehicle, 365 days.

use serde_json::Value;
use std::path::PathBuf;

const TONNES_PER_TRAIN: f64 = 3000.0;
const TONNES_PER_VEHICLE: f64 = 20.0;
const DAYS: f64 = 365.0;
const BASES: [&str; 3] = ["design", "throughput", "estimate"];

fn links() -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("geodata/links.geojson");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let v: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    v["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f["properties"].clone())
        .collect()
}

fn s<'a>(p: &'a Value, k: &str) -> &'a str {
    p[k].as_str().unwrap_or("")
}

fn find<'a>(all: &'a [Value], id: &str) -> &'a Value {
    all.iter()
        .find(|p| s(p, "id") == id)
        .unwrap_or_else(|| panic!("{id} missing from links.geojson"))
}

/// A capacity object in t/yr, or why it is not one.
fn tpy(c: &Value) -> Result<f64, String> {
    let v = c["value"]
        .as_f64()
        .filter(|v| v.is_finite() && *v > 0.0)
        .ok_or_else(|| format!("value {} is not a positive number", c["value"]))?;
    match c["unit"].as_str() {
        Some("t/yr") => Ok(v),
        Some("trains/day") => Ok(v * TONNES_PER_TRAIN * DAYS),
        Some("vehicles/day") => Ok(v * TONNES_PER_VEHICLE * DAYS),
        other => Err(format!(
            "unit {other:?} is not t/yr, trains/day or vehicles/day"
        )),
    }
}

/// Capacity of `p` in t/yr in the given direction (`forward` = from → to).
fn directed_tpy(p: &Value, forward: bool) -> f64 {
    let key = if forward {
        "capacity_forward"
    } else {
        "capacity_backward"
    };
    let c = if p[key].is_object() {
        &p[key]
    } else {
        &p["capacity"]
    };
    tpy(c).unwrap_or_else(|e| panic!("{}: {e}", s(p, "id")))
}

/// Links the issue requires a capacity on: every crossing that can carry traffic (any status
/// but `closed`), every rail link, every trunk or motorway road.
fn needs_capacity(p: &Value) -> bool {
    match (s(p, "kind"), s(p, "mode")) {
        ("crossing", _) => s(p, "status") != "closed",
        (_, "rail") => true,
        ("road", "road") => matches!(s(p, "road_class"), "trunk" | "motorway"),
        _ => false,
    }
}

mod coverage {
    use super::*;

    #[test]
    fn every_crossing_rail_link_and_trunk_road_has_a_capacity_with_basis_and_source() {
        let all = links();
        let mut missing = Vec::new();
        for p in all.iter().filter(|p| needs_capacity(p)) {
            let id = s(p, "id");
            let mut why = Vec::new();
            if !p["capacity"].is_object() {
                why.push("capacity");
            }
            if !BASES.contains(&s(p, "capacity_basis")) {
                why.push("capacity_basis");
            }
            if s(p, "capacity_note").is_empty() {
                why.push("capacity_note");
            }
            if s(p, "source").is_empty() {
                why.push("source");
            }
            if !why.is_empty() {
                missing.push(format!("{id}: missing {}", why.join(", ")));
            }
        }
        assert!(
            missing.is_empty(),
            "{} links lack capacity data:\n{}",
            missing.len(),
            missing.join("\n")
        );
    }

    #[test]
    fn the_rule_covers_what_the_issue_names() {
        // Guard against a rule that quietly matches nothing: the data has 43+ crossings, 100+
        // rail links and 50+ trunk/motorway roads.
        let all = links();
        let count = |kind: &str, mode: &str| {
            all.iter()
                .filter(|p| needs_capacity(p) && s(p, "kind") == kind && s(p, "mode") == mode)
                .count()
        };
        assert!(count("crossing", "rail") >= 15, "rail crossings");
        assert!(count("crossing", "road") >= 27, "road crossings");
        assert!(count("line", "rail") >= 95, "rail lines");
        assert!(count("road", "road") >= 50, "trunk and motorway roads");
        let closed = find(&all, "xd-zheltura-zelter");
        assert!(
            !needs_capacity(closed),
            "a closed crossing needs no capacity"
        );
    }
}

mod well_formed {
    use super::*;

    #[test]
    fn capacities_bases_and_notes_are_valid() {
        let mut problems = Vec::new();
        for p in links().iter().filter(|p| !p["capacity"].is_null()) {
            let id = s(p, "id");
            if let Err(e) = tpy(&p["capacity"]) {
                problems.push(format!("{id}: capacity {e}"));
            }
            let basis = s(p, "capacity_basis");
            if !BASES.contains(&basis) {
                problems.push(format!(
                    "{id}: capacity_basis {basis:?} not one of {BASES:?}"
                ));
            }
            let note = s(p, "capacity_note");
            // The note says what the figure is, starting with its basis ("estimate: …").
            if !note.starts_with(&format!("{basis}:")) {
                problems.push(format!("{id}: capacity_note must start with \"{basis}:\""));
            }
            // An estimate writes its derivation out: a product or a rounding of figures.
            if basis == "estimate"
                && !(note.contains('×') || note.contains('≈') || note.contains(" = "))
            {
                problems.push(format!("{id}: estimate without a derivation: {note}"));
            }
            // A published figure names where it was published, after "capacity:" in `source`
            // (or the seed file itself).
            let src = s(p, "source");
            if basis != "estimate" && !src.contains("capacity: ") && !src.contains("seed 0") {
                problems.push(format!("{id}: {basis} figure without a capacity source"));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn directional_capacities_come_in_pairs_and_the_headline_is_the_larger() {
        let mut problems = Vec::new();
        for p in links() {
            let id = s(&p, "id");
            let (f, b) = (&p["capacity_forward"], &p["capacity_backward"]);
            match (f.is_null(), b.is_null()) {
                (true, true) => continue,
                (false, false) => {}
                _ => {
                    problems.push(format!(
                        "{id}: capacity_forward and capacity_backward go together"
                    ));
                    continue;
                }
            }
            if p["capacity"].is_null() {
                problems.push(format!("{id}: directional capacities need a capacity"));
                continue;
            }
            match (tpy(f), tpy(b), tpy(&p["capacity"])) {
                (Ok(f), Ok(b), Ok(c)) => {
                    if (c - f.max(b)).abs() > 1e-6 * c {
                        problems.push(format!(
                            "{id}: capacity {c} t/yr must equal the larger direction ({f}, {b})"
                        ));
                    }
                }
                (f, b, c) => problems.push(format!("{id}: {f:?} {b:?} {c:?}")),
            }
            if !s(&p, "capacity_note").contains("orward") {
                problems.push(format!(
                    "{id}: capacity_note must explain the forward/backward figures"
                ));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn the_asymmetric_crossings_are_directional_the_right_way_round() {
        let all = links();
        // Coal export lanes (Mongolia → China) are separate from the import lanes.
        for id in ["xd-gashuunsukhait-ganqimaodu", "xd-shiveekhuren-ceke"] {
            let p = find(&all, id);
            assert_eq!(s(p, "from").get(..3), Some("mn-"), "{id} is drawn MN → CN");
            assert!(
                directed_tpy(p, true) > 5.0 * directed_tpy(p, false),
                "{id}: export direction must dominate"
            );
        }
    }
}

mod consistency {
    use super::*;

    /// Published annual throughputs (t, year) of a crossing, cited; a capacity is never below
    /// one of them in the direction it was counted (`None`: both directions together).
    const PUBLISHED: &[(&str, f64, u32, Option<bool>, &str)] = &[
        (
            "xr-zabaikalsk-manzhouli",
            22_000_000.0,
            2023,
            None,
            "Russian Railways via TASS, 30 Jan 2024",
        ),
        (
            "xr-naushki-sukhbaatar",
            8_000_000.0,
            2023,
            None,
            "East Siberian Railway via baikal24.ru, 31 Jan 2024 ('more than 8 Mt')",
        ),
        (
            "xr-naushki-sukhbaatar",
            7_800_000.0,
            2023,
            None,
            "seed 003_cdcf7352ac6ceaff.txt",
        ),
        (
            "xr-zamyn-uud-erenhot",
            18_300_000.0,
            2025,
            None,
            "Ulaanbaatar Railway via News.mn / gazeta-n1.ru, 10 Jan 2026",
        ),
        (
            "xr-zamyn-uud-erenhot",
            17_300_000.0,
            2024,
            None,
            "same source: 2025 was 1 Mt above 2024",
        ),
        (
            "xr-altynkol-khorgos",
            16_100_000.0,
            2025,
            None,
            "Kazakhstan Temir Zholy via agrosearch.kz, 15 Jan 2026",
        ),
        (
            "xr-grodekovo-suifenhe",
            8_200_000.0,
            2022,
            None,
            "Russian Railways via SeaNews, 25 Jan 2023",
        ),
        (
            "xr-grodekovo-suifenhe",
            9_300_000.0,
            2007,
            None,
            "Far Eastern Railway via dvdorogi07.ucoz.ru, 1 Feb 2008",
        ),
        (
            "xr-makhalino-hunchun",
            3_500_000.0,
            2022,
            None,
            "Russian Railways via SeaNews, 25 Jan 2023 (Kamyshovaya–Hunchun)",
        ),
        (
            "xd-gashuunsukhait-ganqimaodu",
            36_500_000.0,
            2023,
            Some(true),
            "Gashuunsukhait customs via surag.mn, 28 Feb 2024 (coal exports)",
        ),
        (
            "xd-gashuunsukhait-ganqimaodu",
            13_900_000.0,
            2016,
            Some(true),
            "Erdenes Mongol via The UB Post, 1 Sep 2017 (coal exports)",
        ),
        (
            "xd-kyakhta-altanbulag",
            297_000.0,
            2023,
            None,
            "seed 003_cdcf7352ac6ceaff.txt",
        ),
    ];

    fn at_least(p: &Value, tonnes: f64, direction: Option<bool>) -> Result<(), String> {
        let c = match direction {
            Some(forward) => directed_tpy(p, forward),
            // Counted both ways: without directional figures each direction may carry the
            // capacity; with them, the two together bound the total.
            None if p["capacity_forward"].is_object() => {
                directed_tpy(p, true) + directed_tpy(p, false)
            }
            None => directed_tpy(p, true),
        };
        if c + 1e-6 < tonnes {
            Err(format!(
                "{}: capacity {c:.0} t/yr below published throughput {tonnes:.0} t",
                s(p, "id")
            ))
        } else {
            Ok(())
        }
    }

    #[test]
    fn no_capacity_is_below_a_published_throughput_cited_here() {
        let all = links();
        let problems: Vec<String> = PUBLISHED
            .iter()
            .filter_map(|&(id, t, year, dir, src)| {
                at_least(find(&all, id), t, dir)
                    .err()
                    .map(|e| format!("{e} ({year}, {src})"))
            })
            .collect();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn no_capacity_is_below_the_throughput_recorded_in_the_data() {
        let mut problems = Vec::new();
        let mut recorded = 0;
        for p in links().iter().filter(|p| !p["throughput_tpy"].is_null()) {
            recorded += 1;
            let id = s(p, "id");
            let Some(t) = p["throughput_tpy"].as_f64().filter(|t| *t > 0.0) else {
                problems.push(format!("{id}: throughput_tpy must be a positive number"));
                continue;
            };
            match p["throughput_year"].as_u64() {
                Some(y) if (1990..=2026).contains(&y) => {}
                other => problems.push(format!("{id}: throughput_year {other:?}")),
            }
            let dir = match s(p, "throughput_direction") {
                "" => None,
                "forward" => Some(true),
                "backward" => Some(false),
                other => {
                    problems.push(format!("{id}: throughput_direction {other:?}"));
                    continue;
                }
            };
            if let Err(e) = at_least(p, t, dir) {
                problems.push(e);
            }
        }
        assert!(recorded >= 6, "only {recorded} links record a throughput");
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn a_throughput_basis_in_tonnes_is_the_recorded_throughput() {
        // A throughput used as capacity is that throughput (a lower bound), not a rounding of it.
        let mut problems = Vec::new();
        for p in links() {
            if s(&p, "capacity_basis") != "throughput" || s(&p["capacity"], "unit") != "t/yr" {
                continue;
            }
            let id = s(&p, "id");
            if p["capacity"]["value"].as_f64() != p["throughput_tpy"].as_f64() {
                problems.push(format!(
                    "{id}: capacity {} differs from throughput_tpy {}",
                    p["capacity"]["value"], p["throughput_tpy"]
                ));
            }
            if !s(&p, "capacity_note").contains("lower bound") {
                problems.push(format!("{id}: a throughput must be called a lower bound"));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
