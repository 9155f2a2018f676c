//! The border as it works today (issue 23): checks on the shipped data in `geodata/` that catch
//! the next regression of the audit.
//!
//! Reads `links.geojson`, `calendar/holidays.json` and `README.md` directly and checks:
//!
//! - every crossing that is not closed: capacity (converted to t/yr, the direction the
//!   throughput was counted in) ≥ its latest published throughput; `capacity_source`,
//!   `schedule_source` present; rail crossings also `gauge_source` and `electrified_source`;
//!   an `as_of` date; a `closure_rule` that `calendar/holidays.json` defines (and no `holidays`
//!   list beside it);
//! - every rail link carries `electrified` and an `electrified_source`; Karymskaya–Zabaikalsk
//!   is electric (regression) and Mongolia's lines are diesel;
//! - the operating crossings per border equal the counts documented in `geodata/README.md`;
//! - on every day of a rule the road crossings following it are closed all day and every rail
//!   crossing is open; on a bridged non-working day of China's calendar that is not a statutory
//!   day, a `CN-landport` crossing is open;
//! - every rail line carries a `length_km` that says where it comes from (`length_source`); a
//!   published length whose drawn geometry differs by more than 10 % is listed, and fails when
//!   the geometry is the longer one (a length can be longer than a schematic alignment, never
//!   shorter); a length estimated by circuity is within 10 % of its geometry times the median
//!   published/geometry ratio;
//! - the same for the roads of the main routes (R256, AH3, AH4, the Kazakh A3 and the road to
//!   Khorgos, the Trans-Siberian road), calibrated on the published road lengths.

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use corridor::cost::schedule::{HolidayCalendars, Schedule, ScheduleSpec};
use geo::{Haversine, Length, LineString};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Default conversions of `CapacityConversion` (geodata/README.md, "Units and conversion").
const TONNES_PER_TRAIN: f64 = 3_000.0;
const TONNES_PER_VEHICLE: f64 = 20.0;
/// Tolerance between a published length and the geodesic length of the drawn geometry.
const LENGTH_TOLERANCE: f64 = 0.10;

fn geodata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("geodata")
}

fn read(rel: &str) -> String {
    let path = geodata().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn links() -> Vec<Value> {
    let v: Value = serde_json::from_str(&read("links.geojson")).expect("links.geojson is JSON");
    v["features"].as_array().expect("features").clone()
}

fn calendars() -> (Value, HolidayCalendars) {
    let text = read("calendar/holidays.json");
    let v: Value = serde_json::from_str(&text).expect("holidays.json is JSON");
    let cal = HolidayCalendars::from_json(&text).expect("holidays.json reads");
    (v, cal)
}

fn props(f: &Value) -> &serde_json::Map<String, Value> {
    f["properties"].as_object().expect("properties")
}

fn s<'a>(p: &'a serde_json::Map<String, Value>, k: &str) -> &'a str {
    p.get(k).and_then(Value::as_str).unwrap_or("")
}

fn crossings(all: &[Value]) -> Vec<&serde_json::Map<String, Value>> {
    all.iter()
        .map(props)
        .filter(|p| s(p, "kind") == "crossing")
        .collect()
}

fn tonnes_per_year(c: &Value) -> f64 {
    let v = c["value"].as_f64().expect("capacity.value");
    match c["unit"].as_str().expect("capacity.unit") {
        "t/yr" => v,
        "trains/day" => v * TONNES_PER_TRAIN * 365.0,
        "vehicles/day" => v * TONNES_PER_VEHICLE * 365.0,
        u => panic!("unknown unit {u}"),
    }
}

fn fail_all(what: &str, failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} {what}:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

#[test]
fn every_crossing_capacity_is_at_least_its_latest_throughput() {
    let all = links();
    let mut failures = Vec::new();
    let mut checked = 0;
    for p in crossings(&all) {
        let Some(tpy) = p.get("throughput_tpy").and_then(Value::as_f64) else {
            continue;
        };
        if s(p, "status") == "closed" {
            continue;
        }
        let field = match s(p, "throughput_direction") {
            "forward" if p.contains_key("capacity_forward") => "capacity_forward",
            "backward" if p.contains_key("capacity_backward") => "capacity_backward",
            _ => "capacity",
        };
        let Some(cap) = p.get(field) else {
            failures.push(format!("{}: throughput {tpy} t but no {field}", s(p, "id")));
            continue;
        };
        let cap_t = tonnes_per_year(cap);
        checked += 1;
        if cap_t + 0.5 < tpy {
            failures.push(format!(
                "{}: {field} {cap_t:.0} t/yr is below the published throughput {tpy:.0} t ({})",
                s(p, "id"),
                p.get("throughput_year")
                    .map(Value::to_string)
                    .unwrap_or_default()
            ));
        }
        if p.get("throughput_year").and_then(Value::as_i64).is_none() {
            failures.push(format!(
                "{}: throughput_tpy without throughput_year",
                s(p, "id")
            ));
        }
    }
    assert!(checked >= 21, "only {checked} crossings carry a throughput");
    fail_all("crossings below their throughput", failures);
}

/// The 2023–2025 port statistics the fourth pass (issue 23, item 2) found above the capacities
/// then in the data, written out here with their sources so that lowering a capacity (or the
/// data's `throughput_tpy`) below them fails: (link, tonnes a year annualised, year, direction
/// counted or `None` for both ways, source).
const PORT_STATISTICS_2023_2025: &[(&str, f64, i64, Option<&str>, &str)] = &[
    (
        "xd-gashuunsukhait-ganqimaodu",
        41_150_000.0,
        2024,
        Some("capacity_forward"),
        "Xinhua, 2 Jul 2024: 20.07 Mt MN→CN by 26 Jun, × 365 / 178",
    ),
    (
        "xd-shiveekhuren-ceke",
        16_930_000.0,
        2023,
        Some("capacity_forward"),
        "China News Service, 3 Nov 2023: 14.1971 Mt by 2 Nov, × 365 / 306",
    ),
    (
        "xd-bichigt-zuun-khatavch",
        7_600_000.0,
        2025,
        None,
        "China News Service, 18 Feb 2025: over 1 Mt by 17 Feb, × 365 / 48",
    ),
    (
        "xd-yarant-takashiken",
        4_000_000.0,
        2024,
        None,
        "Altay Customs via driinfo.com, Apr 2025: over 4 Mt in 2024",
    ),
    (
        "xd-poltavka-dongning",
        587_000.0,
        2023,
        None,
        "Mudanjiang port office, Aug 2023: 0.341 Mt Jan–Jul, × 365 / 212",
    ),
    (
        "xr-makhalino-hunchun",
        4_000_000.0,
        2024,
        None,
        "Hunchun logistics hub, Nov 2025: 4.0 Mt international rail traffic in 2024",
    ),
    (
        "xd-turiy-rog-mishan",
        112_500.0,
        2024,
        None,
        "Mishan port statistics, 2024: 112,500 t",
    ),
];

#[test]
fn capacities_stay_at_or_above_the_2023_2025_port_statistics() {
    let all = links();
    let mut failures = Vec::new();
    for &(id, tonnes, year, field, source) in PORT_STATISTICS_2023_2025 {
        let Some(p) = crossings(&all).into_iter().find(|p| s(p, "id") == id) else {
            failures.push(format!("{id}: missing"));
            continue;
        };
        let field = field.unwrap_or("capacity");
        let Some(cap) = p.get(field) else {
            failures.push(format!("{id}: no {field}"));
            continue;
        };
        let cap_t = tonnes_per_year(cap);
        if cap_t + 0.5 < tonnes {
            failures.push(format!(
                "{id}: {field} {cap_t:.0} t/yr is below {tonnes:.0} t ({year}; {source})"
            ));
        }
        let recorded = p.get("throughput_tpy").and_then(Value::as_f64);
        if recorded.is_none_or(|t| t + 0.5 < tonnes) {
            failures.push(format!(
                "{id}: throughput_tpy {recorded:?} is below the published {tonnes:.0} t ({year})"
            ));
        }
    }
    fail_all("capacities below the 2023–2025 port statistics", failures);
}

#[test]
fn every_crossing_names_its_sources_as_of_and_closure_rule() {
    let all = links();
    let (file, _) = calendars();
    let rules = file["closure_rules"].as_object().expect("closure_rules");
    let mut failures = Vec::new();
    for p in crossings(&all) {
        let id = s(p, "id");
        let mut need = vec!["schedule_source"];
        if s(p, "status") != "closed" {
            need.push("capacity_source");
        }
        if s(p, "mode") == "rail" {
            need.extend(["gauge_source", "electrified_source"]);
        }
        for k in need {
            if s(p, k).trim().is_empty() {
                failures.push(format!("{id}: no {k}"));
            }
        }
        let as_of = s(p, "as_of");
        if NaiveDate::parse_from_str(as_of, "%Y-%m-%d").is_err() {
            failures.push(format!("{id}: as_of '{as_of}' is not a date YYYY-MM-DD"));
        }
        match p.get("closure_rule").and_then(Value::as_str) {
            Some(r) if rules.contains_key(r) => {}
            Some(r) => failures.push(format!("{id}: closure_rule '{r}' is not defined")),
            None => failures.push(format!("{id}: no closure_rule")),
        }
        if p.contains_key("holidays") {
            failures.push(format!("{id}: holidays beside closure_rule"));
        }
    }
    for (name, r) in rules {
        if r["source"].as_str().is_none_or(|x| x.trim().is_empty()) {
            failures.push(format!("closure rule {name}: no source"));
        }
    }
    fail_all("crossings or rules lacking an audit field", failures);
}

/// The documented counts: rows `| CC–CC | n |` of the table that follows the line
/// `### Operating crossings per border` in `geodata/README.md`.
fn documented_counts() -> BTreeMap<String, usize> {
    let readme = read("README.md");
    let start = readme
        .find("### Operating crossings per border")
        .expect("geodata/README.md has '### Operating crossings per border'");
    let mut out = BTreeMap::new();
    for line in readme[start..].lines().skip(1) {
        if line.starts_with("###") || line.starts_with("## ") {
            break;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() >= 3
            && let Ok(n) = cells[2].parse::<usize>()
        {
            out.insert(cells[1].replace('–', "-"), n);
        }
    }
    out
}

#[test]
fn operating_crossings_per_border_match_the_documented_counts() {
    let all = links();
    let mut counted: BTreeMap<String, usize> = BTreeMap::new();
    for p in crossings(&all) {
        if !matches!(s(p, "status"), "open" | "seasonal") {
            continue;
        }
        let mut cc: Vec<&str> = p["countries"]
            .as_array()
            .expect("countries")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        cc.sort_unstable();
        *counted.entry(cc.join("-")).or_default() += 1;
    }
    let documented = documented_counts();
    assert_eq!(
        documented.len(),
        5,
        "five borders documented: {documented:?}"
    );
    assert_eq!(counted, documented, "operating crossings per border");
}

fn schedule_of(p: &serde_json::Map<String, Value>, cal: &HolidayCalendars) -> Option<Schedule> {
    let oh = p.get("opening_hours")?.as_str()?;
    let rule = vec![s(p, "closure_rule").to_string()];
    let spec = ScheduleSpec {
        opening_hours: oh,
        timezone: s(p, "timezone"),
        holidays: &rule,
    };
    Some(Schedule::compile(&spec, cal).unwrap_or_else(|e| panic!("{}: {e}", s(p, "id"))))
}

/// Local instant `h`:00 of `d` in the crossing's zone, as UTC seconds.
fn local(p: &serde_json::Map<String, Value>, d: NaiveDate, h: u32) -> i64 {
    let tz: Tz = s(p, "timezone").parse().expect("timezone");
    tz.from_local_datetime(&d.and_hms_opt(h, 0, 0).expect("time"))
        .earliest()
        .expect("local time exists")
        .timestamp()
}

fn rule_days(file: &Value, cal: &HolidayCalendars, rule: &str) -> Vec<NaiveDate> {
    let (first, last) = cal.covered_years();
    let start = NaiveDate::from_ymd_opt(first, 1, 1).expect("date");
    let end = NaiveDate::from_ymd_opt(last, 12, 31).expect("date");
    assert!(file["closure_rules"][rule].is_object(), "rule {rule}");
    start
        .iter_days()
        .take_while(|d| *d <= end)
        .filter(|d| cal.rule_closes(rule, *d))
        .collect()
}

#[test]
fn on_each_rules_days_its_road_crossings_are_closed_and_rail_is_open() {
    let all = links();
    let (file, cal) = calendars();
    let cross = crossings(&all);
    let rail: Vec<_> = cross
        .iter()
        .filter(|p| s(p, "mode") == "rail" && s(p, "status") == "open")
        .collect();
    assert!(!rail.is_empty());
    let mut failures = Vec::new();
    let mut checked_closed = 0;
    for rule in cal.rules().map(str::to_string).collect::<Vec<_>>() {
        let days = rule_days(&file, &cal, &rule);
        if rule == "open" {
            assert!(days.is_empty(), "rule open closes nothing");
            continue;
        }
        assert!(!days.is_empty(), "rule {rule} has days");
        let governed: Vec<_> = cross
            .iter()
            .filter(|p| s(p, "mode") == "road" && s(p, "closure_rule") == rule)
            .filter(|p| s(p, "opening_hours").contains("PH off"))
            .collect();
        for p in &governed {
            let sched = schedule_of(p, &cal).expect("schedule");
            for d in &days {
                let noon = local(p, *d, 12);
                let next_day = local(p, d.succ_opt().expect("date"), 0);
                match sched.next_open(noon) {
                    Ok(w) if w.opens >= next_day => checked_closed += 1,
                    Ok(w) => failures.push(format!(
                        "{} ({rule}): open on {d} (opens at {})",
                        s(p, "id"),
                        w.opens
                    )),
                    // No opening left in the covered years: closed too.
                    Err(_) => checked_closed += 1,
                }
            }
        }
        for p in &rail {
            let sched = schedule_of(p, &cal);
            for d in &days {
                let noon = local(p, *d, 12);
                let open = sched
                    .as_ref()
                    .is_none_or(|x| x.next_open(noon).is_ok_and(|w| w.opens == noon));
                if !open {
                    failures.push(format!("{} (rail): closed on {d} ({rule})", s(p, "id")));
                }
            }
        }
    }
    assert!(
        checked_closed > 100,
        "only {checked_closed} closed days checked"
    );
    fail_all("schedule breaches of the closure rules", failures);
}

#[test]
fn a_bridged_chinese_day_off_that_is_not_statutory_leaves_a_cn_landport_crossing_open() {
    let all = links();
    let (_, cal) = calendars();
    let cross = crossings(&all);
    let p = cross
        .iter()
        .find(|p| s(p, "id") == "xd-pogranichny-suifenhe")
        .expect("xd-pogranichny-suifenhe");
    assert_eq!(s(p, "closure_rule"), "CN-landport");
    let sched = schedule_of(p, &cal).expect("schedule");
    let d = |x: &str| NaiveDate::parse_from_str(x, "%Y-%m-%d").expect("date");
    // Monday 5 October 2026 (National Day week) and Friday 20 February 2026 (fourth day of the
    // Spring Festival week): days off in China's annual notice, not statutory days.
    for day in ["2026-10-05", "2026-02-20"] {
        assert!(cal.is_holiday("CN", d(day)), "{day} is a Chinese day off");
        assert!(
            !cal.rule_closes("CN-landport", d(day)),
            "{day} not statutory"
        );
        let noon = local(p, d(day), 12);
        let w = sched.next_open(noon).expect("covered");
        assert_eq!(w.opens, noon, "open at noon on {day}");
    }
    // …while the statutory 1 October closes it.
    let noon = local(p, d("2026-10-01"), 12);
    assert!(sched.next_open(noon).expect("covered").opens > noon);
}

/// Prefix of a `length_source` whose `length_km` is the drawn geometry times the calibrated
/// circuity factor (no published length found for the line).
const CIRCUITY: &str = "estimate (circuity)";

fn geodesic_km(f: &Value) -> f64 {
    let coords: Vec<(f64, f64)> = f["geometry"]["coordinates"]
        .as_array()
        .expect("coordinates")
        .iter()
        .map(|c| (c[0].as_f64().expect("lon"), c[1].as_f64().expect("lat")))
        .collect();
    LineString::from(coords).length::<Haversine>() / 1000.0
}

/// The circuity factor: the median published/geometry ratio of `ratios` (at least 10, between
/// 1.0 and 1.5); every estimated length `(id, length_km, geodesic km)` must be its geometry
/// times it, within [`LENGTH_TOLERANCE`], or it is added to `failures`.
fn circuity<I: std::fmt::Display>(
    ratios: &[f64],
    estimated: &[(I, f64, f64)],
    what: &str,
    failures: &mut Vec<String>,
) -> f64 {
    assert!(
        ratios.len() >= 10,
        "too few {what} to calibrate: {}",
        ratios.len()
    );
    let factor = median(ratios.to_vec());
    assert!(
        (1.0..1.5).contains(&factor),
        "median published/geometry ratio {factor:.3} outside 1.0–1.5"
    );
    for (id, len, geodesic) in estimated {
        let expected = geodesic * factor;
        if (len - expected).abs() > LENGTH_TOLERANCE * expected {
            failures.push(format!(
                "{id}: estimated length_km {len} is not its geometry {geodesic:.0} km × {factor:.3} \
                 = {expected:.0} km (±{:.0} %)",
                LENGTH_TOLERANCE * 100.0
            ));
        }
    }
    factor
}

fn median(mut v: Vec<f64>) -> f64 {
    assert!(!v.is_empty(), "median of nothing");
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if !n.is_multiple_of(2) {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Schematic geometry runs 10–25 % short of the railway, so no rail line may take its length
/// from the geometry: every one carries a `length_km` with a `length_source`. A published
/// length (or a published length shared along its links) may differ from the drawn geometry;
/// more than 10 % is listed, and fails when the geometry is the longer one. A length with no
/// publication behind it (`estimate (circuity): …`) must be the geometry times the median
/// ratio of published length to geometry over the lines that have one, within 10 %: a line
/// estimated too short, or redrawn without re-estimating its length, fails.
#[test]
fn rail_lengths_are_sourced_and_match_the_geometry_or_are_listed() {
    let all = links();
    let mut failures = Vec::new();
    let mut flagged = Vec::new();
    let rail: Vec<&Value> = all
        .iter()
        .filter(|f| s(props(f), "mode") == "rail" && s(props(f), "kind") == "line")
        .collect();
    let mut ratios = Vec::new();
    let mut estimated = Vec::new();
    for f in &rail {
        let p = props(f);
        let id = s(p, "id");
        let Some(len) = p.get("length_km").and_then(Value::as_f64) else {
            failures.push(format!(
                "{id}: no length_km (its cost would use the schematic geometry, \
                 {:.0} km, which runs short of the railway)",
                geodesic_km(f)
            ));
            continue;
        };
        let source = s(p, "length_source").trim();
        if source.is_empty() {
            failures.push(format!("{id}: length_km {len} without length_source"));
            continue;
        }
        let geodesic = geodesic_km(f);
        if source.starts_with(CIRCUITY) {
            estimated.push((id, len, geodesic));
            continue;
        }
        ratios.push(len / geodesic);
        let diff = (len - geodesic) / len;
        if diff.abs() > LENGTH_TOLERANCE {
            flagged.push(format!(
                "{id}: length_km {len} vs geometry {geodesic:.0} km ({:+.0} %)",
                -diff * 100.0
            ));
            if geodesic > len {
                failures.push(format!(
                    "{id}: drawn geometry {geodesic:.0} km is longer than the line's {len} km"
                ));
            }
        }
    }
    let factor = circuity(&ratios, &estimated, "published lengths", &mut failures);
    eprintln!(
        "{} rail lines: {} with a published length (median length/geometry {factor:.3}), {} \
         estimated by circuity; {} published lengths differ from their schematic geometry by \
         more than {:.0} % (their cost uses length_km):\n  {}",
        rail.len(),
        ratios.len(),
        estimated.len(),
        flagged.len(),
        LENGTH_TOLERANCE * 100.0,
        flagged.join("\n  ")
    );
    fail_all("rail lengths", failures);
}

/// Road refs of the main routes (the Chuysky trakt R256, AH3 through Kyakhta and Mongolia, AH4,
/// the Kazakh A3, the Trans-Siberian road R255–R258–R297–A370, R257 and A322) and the Kazakh
/// trunk road to Khorgos, whose links must not take their length from the schematic geometry.
const MAIN_ROAD_REFS: [&str; 11] = [
    "R256", "A340", "AH3", "AH4", "A3", "R255", "R258", "R297", "R257", "A370", "A322",
];
const MAIN_ROAD_IDS: [&str; 2] = ["road-almaty-shelek", "road-shelek-nur-zholy"];

/// Roads as rail: every link of a main route carries a `length_km` with a `length_source`, and
/// any road with a `length_km` says where it comes from. A published length (km posts, a road's
/// official length, shared along its links) that differs from the drawn geometry by more than
/// 10 % is listed, and fails when the geometry is the longer one; a length estimated by
/// circuity (`estimate (circuity): …`) is within 10 % of its geometry times the median ratio of
/// published road length to geometry.
#[test]
fn road_lengths_on_the_main_routes_are_sourced_and_match_the_geometry_or_are_listed() {
    let all = links();
    let mut failures = Vec::new();
    let mut flagged = Vec::new();
    let mut ratios = Vec::new();
    let mut estimated = Vec::new();
    let mut main = 0;
    for f in all
        .iter()
        .filter(|f| s(props(f), "mode") == "road" && s(props(f), "kind") == "road")
    {
        let p = props(f);
        let id = s(p, "id");
        let on_main = MAIN_ROAD_REFS.contains(&s(p, "ref")) || MAIN_ROAD_IDS.contains(&id);
        main += usize::from(on_main);
        let Some(len) = p.get("length_km").and_then(Value::as_f64) else {
            if on_main {
                failures.push(format!(
                    "{id} ({}): a main-route road without length_km (its cost would use the \
                     schematic geometry, {:.0} km)",
                    s(p, "ref"),
                    geodesic_km(f)
                ));
            }
            continue;
        };
        let source = s(p, "length_source").trim();
        if source.is_empty() {
            failures.push(format!("{id}: length_km {len} without length_source"));
            continue;
        }
        let geodesic = geodesic_km(f);
        if source.starts_with(CIRCUITY) {
            estimated.push((id, len, geodesic));
            continue;
        }
        if !source.starts_with("estimate") {
            ratios.push(len / geodesic);
        }
        let diff = (len - geodesic) / len;
        if diff.abs() > LENGTH_TOLERANCE {
            flagged.push(format!(
                "{id}: length_km {len} vs geometry {geodesic:.0} km ({:+.0} %)",
                -diff * 100.0
            ));
            if geodesic > len {
                failures.push(format!(
                    "{id}: drawn geometry {geodesic:.0} km is longer than the road's {len} km"
                ));
            }
        }
    }
    assert!(main >= 30, "only {main} main-route road links");
    let factor = circuity(&ratios, &estimated, "published road lengths", &mut failures);
    eprintln!(
        "{main} main-route road links; {} roads with a published length (median length/geometry \
         {factor:.3}), {} estimated by circuity; {} lengths differ from their schematic geometry \
         by more than {:.0} % (their cost uses length_km):\n  {}",
        ratios.len(),
        estimated.len(),
        flagged.len(),
        LENGTH_TOLERANCE * 100.0,
        flagged.join("\n  ")
    );
    fail_all("road lengths", failures);
}

/// Every rail link (line or crossing) says how it is worked: a boolean `electrified` and an
/// `electrified_source` naming the publication, or starting with `estimate` and saying how it
/// was judged. Traction decides a link's CO2e (diesel 0.023 kg/t·km against 0.012–0.022 on the
/// grids), so an unsourced flag is an unsourced emission figure.
#[test]
fn every_rail_link_names_its_traction_source() {
    let all = links();
    let mut failures = Vec::new();
    let mut rail = 0;
    for p in all.iter().map(props).filter(|p| s(p, "mode") == "rail") {
        rail += 1;
        let id = s(p, "id");
        if !p.get("electrified").is_some_and(Value::is_boolean) {
            failures.push(format!("{id}: no boolean electrified"));
        }
        let source = s(p, "electrified_source").trim();
        if source.is_empty() {
            failures.push(format!("{id}: no electrified_source"));
        }
    }
    assert!(rail >= 100, "only {rail} rail links");
    fail_all("rail links without a traction source", failures);
}

/// Regression (issue 23): Karymskaya–Zabaikalsk, the line to the largest Russia–China rail
/// crossing, was marked diesel although its last section, Borzya–Zabaikalsk, went electric on
/// 22 Mar 2021. Mongolia has no electrified railway, so its lines stay diesel.
#[test]
fn karymskaya_zabaikalsk_is_electric_and_mongolian_lines_are_diesel() {
    let all = links();
    let by_id = |id: &str| {
        all.iter()
            .map(props)
            .find(|p| s(p, "id") == id)
            .unwrap_or_else(|| panic!("{id} missing"))
    };
    for id in [
        "rail-karymskaya-tarskaya",
        "rail-tarskaya-borzya",
        "rail-borzya-zabaikalsk",
        "rail-zabaikalsk-terminal",
    ] {
        let p = by_id(id);
        assert_eq!(p.get("electrified"), Some(&Value::Bool(true)), "{id}");
        assert!(!s(p, "electrified_source").starts_with("estimate"), "{id}");
    }
    let nodes: Value = serde_json::from_str(&read("nodes.geojson")).expect("nodes.geojson is JSON");
    let country: BTreeMap<&str, &str> = nodes["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| (s(props(f), "id"), s(props(f), "country")))
        .collect();
    let mongolian: Vec<&str> = all
        .iter()
        .map(props)
        .filter(|p| s(p, "mode") == "rail" && s(p, "kind") == "line")
        .filter(|p| {
            country.get(s(p, "from")) == Some(&"MN") && country.get(s(p, "to")) == Some(&"MN")
        })
        .map(|p| s(p, "id"))
        .collect();
    assert!(mongolian.len() >= 10, "{mongolian:?}");
    for id in mongolian {
        assert_eq!(
            by_id(id).get("electrified"),
            Some(&Value::Bool(false)),
            "{id}"
        );
    }
}

mod unverified {
    use corridor::Snapshot;
    use corridor::cost::ModeFilter;
    use corridor::route::{PlaceQuery, RouteRequest, plan};

    /// Khavirga–Arihashate is listed as a permanent crossing but not confirmed as operating
    /// (`status: unverified`): routing leaves it out by default and with planned links only,
    /// and uses it when unverified links are asked for.
    #[test]
    fn an_unverified_crossing_is_used_only_with_unverified_links() {
        let snap = Snapshot::embedded().expect("embedded network is valid");
        let link = snap
            .network
            .links()
            .iter()
            .find(|l| l.id.0 == "xd-khavirga-arkhashaat")
            .expect("xd-khavirga-arkhashaat");
        assert_eq!(link.status.to_string(), "unverified");
        let mut r = RouteRequest::new(
            PlaceQuery::Text("mn-khavirga".into()),
            PlaceQuery::Text("cn-arkhashaat".into()),
        );
        r.mode = ModeFilter::Road;
        let default = plan(&snap, &r).expect("a road route by another crossing");
        let crossings = default.routes[0].crossings(&snap.network);
        assert!(
            !crossings.contains(&"xd-khavirga-arkhashaat"),
            "{crossings:?}"
        );
        r.include_planned = true;
        let planned = plan(&snap, &r).expect("a road route by another crossing");
        let crossings = planned.routes[0].crossings(&snap.network);
        assert!(
            !crossings.contains(&"xd-khavirga-arkhashaat"),
            "planned links do not admit an unverified one: {crossings:?}"
        );
        r.include_planned = false;
        r.include_unverified = true;
        let unverified = plan(&snap, &r).expect("route with unverified links");
        assert_eq!(
            unverified.routes[0].crossings(&snap.network),
            ["xd-khavirga-arkhashaat"]
        );
    }
}
