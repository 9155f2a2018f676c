//! `corridor compare route|capacity|assign …`: the same question on the baseline and on a
//! scenario, printed as a before/after table (or the `/v1/compare/*` FeatureCollection with
//! `--geojson`).

use std::fmt::Write as _;

use anyhow::Context;
use clap::Subcommand;

use super::capacity::{AssignArgs, CapacityArgs, emit, query, scenario_problems, tonnes};
use super::route::{RouteArgs, table};
use crate::capacity::compare::{Answered, AssignDelta, CapacityDelta, Figure};
use crate::capacity::{self as cap};
use crate::cost::Measure;
use crate::output::compare::{
    assign_comparison, capacity_comparison, route_comparison, route_delta,
};
use crate::snapshot::Snapshot;

/// What to compare.
#[derive(Debug, Subcommand)]
pub enum CompareCommand {
    /// A route (the options of `corridor route`; `--scenario` is required).
    Route(Box<RouteArgs>),
    /// Maximum flow and bottleneck (the options of `corridor capacity`; `--scenario` is
    /// required).
    Capacity(Box<CapacityArgs>),
    /// An assignment (the options of `corridor assign`; `--scenario` or the body's
    /// `scenario` is required).
    Assign(AssignArgs),
}

/// Runs `corridor compare`. Returns the exit code ([`super::exit`]): 0 with both answers;
/// 2 without `--scenario`; 3 for an unknown scenario, place or an answer missing on either
/// side; 1 for a refused value or inline scenario.
pub fn run(cmd: CompareCommand) -> anyhow::Result<i32> {
    match cmd {
        CompareCommand::Route(args) => run_route(*args),
        CompareCommand::Capacity(args) => run_capacity(&args),
        CompareCommand::Assign(args) => run_assign(&args),
    }
}

/// Without `--scenario` there is nothing to compare: a usage error, as clap's missing
/// arguments are.
const SCENARIO_REQUIRED: &str =
    "error: --scenario is required: the scenario to compare with the baseline";

/// The baseline and the scenario named `name`, or, having said why not on stderr, the exit
/// code: usage (2) without a name, not found (3) for an unknown one (with close names).
fn scenario_of(base: &Snapshot, name: Option<String>) -> Result<(String, &Snapshot), i32> {
    let Some(name) = name else {
        eprintln!("{SCENARIO_REQUIRED}");
        return Err(super::exit::USAGE);
    };
    match base.scenario(Some(&name)) {
        Ok(s) => Ok((name, s)),
        Err(e) => {
            eprintln!("error: --scenario: {e}");
            Err(super::exit::NOT_FOUND)
        }
    }
}

/// One `label  baseline  scenario  change` row; `unbounded` where a figure is absent.
fn figure_row(out: &mut String, label: &str, f: &Figure, show: impl Fn(f64) -> String) {
    let v = |x: Option<f64>| x.map_or_else(|| "unbounded".to_string(), &show);
    let change = f.change.map_or_else(
        || "-".to_string(),
        |c| format!("{}{}", if c >= 0.0 { "+" } else { "-" }, show(c.abs())),
    );
    let _ = writeln!(
        out,
        "{label:<16}{:>16}{:>16}{:>16}",
        v(f.baseline),
        v(f.scenario),
        change
    );
}

fn run_capacity(args: &CapacityArgs) -> anyhow::Result<i32> {
    let base = super::load_snapshot(args.data.as_ref()).context("cannot load the network")?;
    let (name, on) = match scenario_of(&base, args.constraints.scenario.clone()) {
        Ok(x) => x,
        Err(code) => return Ok(code),
    };
    let queries = query(&base.network, args).and_then(|b| query(&on.network, args).map(|s| (b, s)));
    let (bq, sq) = match queries {
        Ok(q) => q,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(super::exit::of_capacity(&e));
        }
    };
    let b = cap::max_flow(&base.network, &bq);
    let s = cap::max_flow(&on.network, &sq);
    let bc = Answered::new(&base.network, &bq, &b);
    let sc = Answered::new(&on.network, &sq, &s);
    if args.geojson {
        let doc = capacity_comparison(&name, bc, sc);
        emit(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
        return Ok(0);
    }
    let d = CapacityDelta::between(bc, sc);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} → {} (mode {}), scenario {name}",
        bq.from.labels.join(","),
        bq.to.labels.join(","),
        bq.constraints.mode.as_str()
    );
    let _ = writeln!(
        out,
        "{:<16}{:>16}{:>16}{:>16}",
        "", "baseline", "scenario", "change"
    );
    figure_row(&mut out, "max flow", &d.max_flow, tonnes);
    let _ = writeln!(out, "cut links added:   {}", or_none(&d.cut.added));
    let _ = writeln!(out, "cut links removed: {}", or_none(&d.cut.removed));
    for c in &d.cut.changed {
        let _ = writeln!(
            out,
            "cut link changed:  {} {} → {}",
            c.link,
            tonnes(c.baseline_tpy),
            tonnes(c.scenario_tpy)
        );
    }
    emit(&out)?;
    Ok(0)
}

fn or_none(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join(", ")
    }
}

fn run_assign(args: &AssignArgs) -> anyhow::Result<i32> {
    let base = super::load_snapshot(args.data.as_ref()).context("cannot load the network")?;
    let (body, scenario) = args.body(&base)?;
    let Some(which) = scenario else {
        eprintln!("{SCENARIO_REQUIRED}");
        return Ok(super::exit::USAGE);
    };
    let on = match base.choose(Some(&which), "scenario") {
        Ok(on) => on,
        Err(e) => return Ok(scenario_problems(&e)),
    };
    let name = on.scenario().map(|s| s.name.clone()).unwrap_or_default();
    let bq = args.check(body.clone(), &base.network)?;
    let sq = args.check(body, &on.network)?;
    let b = cap::assign(&base.network, &bq);
    let s = cap::assign(&on.network, &sq);
    let bc = Answered::new(&base.network, &bq, &b);
    let sc = Answered::new(&on.network, &sq, &s);
    if args.geojson {
        let doc = assign_comparison(&name, bc, sc);
        emit(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
        return Ok(0);
    }
    let d = AssignDelta::between(bc, sc);
    let mut out = format!("{} demands, scenario {name}\n", bq.demands.len());
    let _ = writeln!(
        out,
        "{:<16}{:>16}{:>16}{:>16}",
        "", "baseline", "scenario", "change"
    );
    figure_row(&mut out, "demanded", &d.demanded_tpy, tonnes);
    figure_row(&mut out, "served", &d.served_tpy, tonnes);
    figure_row(&mut out, "unserved", &d.unserved_tpy, tonnes);
    for t in &d.thresholds {
        let pct = t.threshold * 100.0;
        let _ = writeln!(out, "rose above {pct:.0}%:  {}", or_none(&t.rose_above));
        let _ = writeln!(out, "fell below {pct:.0}%:  {}", or_none(&t.fell_below));
    }
    let pct = |u: Option<f64>| u.map_or_else(|| "-".to_string(), |u| format!("{:.0}%", u * 100.0));
    let _ = writeln!(out, "links whose load changed ({}):", d.links.len());
    for l in d.links.iter().take(20) {
        let _ = writeln!(
            out,
            "  {:<34}{:>14} → {:<14}{:>6} → {:<6}",
            l.link,
            tonnes(l.baseline_tpy),
            tonnes(l.scenario_tpy),
            pct(l.baseline_utilization),
            pct(l.scenario_utilization)
        );
    }
    if d.links.len() > 20 {
        let _ = writeln!(
            out,
            "  … {} more (--geojson lists them all)",
            d.links.len() - 20
        );
    }
    emit(&out)?;
    Ok(0)
}

fn run_route(args: RouteArgs) -> anyhow::Result<i32> {
    let base = super::load_snapshot(args.data.as_ref()).context("cannot load the network")?;
    let request = match args.request() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(super::exit::of_route(&e));
        }
    };
    let (name, on) = match scenario_of(&base, request.scenario.clone()) {
        Ok(x) => x,
        Err(code) => return Ok(code),
    };
    let plans = crate::route::plan(&base, &request)
        .and_then(|b| crate::route::plan(on, &request).map(|s| (b, s)));
    let (b, s) = match plans {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(super::exit::of_route(&e));
        }
    };
    if args.geojson {
        let fc = route_comparison(&name, &base.network, &b, &on.network, &s);
        println!("{}", serde_json::to_string_pretty(&fc)?);
        return Ok(0);
    }
    let mut out = String::new();
    let _ = writeln!(out, "baseline\n{}", table(&base.network, &b));
    let _ = writeln!(out, "scenario {name}\n{}", table(&on.network, &s));
    let delta = route_delta(&base.network, &b, &on.network, &s);
    let _ = writeln!(
        out,
        "{:<16}{:>12}{:>12}{:>12}",
        "best route", "baseline", "scenario", "change"
    );
    for m in Measure::ALL {
        let d = &delta["measures"][m.property()];
        let v = |k: &str| d[k].as_f64().unwrap_or(f64::NAN);
        let _ = writeln!(
            out,
            "{:<16}{:>12.2}{:>12.2}{:>+12.2}",
            m.property(),
            v("baseline"),
            v("scenario"),
            v("change")
        );
    }
    let list = |k: &str| {
        delta["crossings"][k]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    let _ = writeln!(out, "crossings added:   {}", list("added"));
    let _ = writeln!(out, "crossings removed: {}", list("removed"));
    print!("{out}");
    Ok(0)
}
