//! `corridor compare route …`: the same question on the baseline and on a scenario, printed as
//! a before/after table (or the `/v1/compare/route` FeatureCollection with `--geojson`).

use std::fmt::Write as _;

use anyhow::Context;
use clap::Subcommand;

use super::route::{RouteArgs, table};
use crate::cost::Measure;
use crate::output::compare::{route_comparison, route_delta};

/// What to compare.
#[derive(Debug, Subcommand)]
pub enum CompareCommand {
    /// A route (the options of `corridor route`; `--scenario` is required).
    Route(Box<RouteArgs>),
}

/// Runs `corridor compare`. Returns the exit code: 0 with both answers, 1 when either has
/// none.
pub fn run(cmd: CompareCommand) -> anyhow::Result<i32> {
    let CompareCommand::Route(args) = cmd;
    let base = super::load_snapshot(args.data.as_ref()).context("cannot load the network")?;
    let request = match args.request() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(1);
        }
    };
    let Some(name) = request.scenario.clone() else {
        eprintln!("error: --scenario is required: the scenario to compare with the baseline");
        return Ok(1);
    };
    let on = match base.scenario(Some(&name)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: --scenario: {e}");
            return Ok(1);
        }
    };
    let plans = crate::route::plan(&base, &request)
        .and_then(|b| crate::route::plan(on, &request).map(|s| (b, s)));
    let (b, s) = match plans {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(1);
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
