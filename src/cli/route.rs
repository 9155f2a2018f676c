//! `corridor route FROM TO [options]`: the routing endpoint on the command line. The options
//! are the API's parameters (the same argument types, flattened); they go through the same
//! parser as HTTP ([`RouteRequest::read`]) so both refuse and accept the same things, then
//! through the same [`crate::route::plan`].

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::cost::{ConstraintArgs, Measure, ProfileArgs};
use crate::fields::Fields;
use crate::network::Network;
use crate::route::request::{FROM_DOC, TO_DOC};
use crate::route::{PlaceQuery, RouteError, RouteOptions, RoutePlan, RouteRequest};
use crate::snapshot::Snapshot;

/// Options of `corridor route`: each is the API parameter of the same name (see the README).
#[derive(Debug, Args)]
pub struct RouteArgs {
    #[arg(help = FROM_DOC)]
    /// Origin.
    pub from: String,
    #[arg(help = TO_DOC)]
    /// Destination.
    pub to: String,
    /// Options of the route itself.
    #[command(flatten)]
    pub options: RouteOptions,
    /// Constraints.
    #[command(flatten)]
    pub constraints: ConstraintArgs,
    /// Costing profile overrides.
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// Print the GeoJSON FeatureCollection instead of the table.
    #[arg(long)]
    pub geojson: bool,
    /// Data directory (default: the embedded data).
    #[arg(long)]
    pub data: Option<PathBuf>,
}

impl RouteArgs {
    /// The raw parameters, for [`RouteRequest::read`].
    pub fn fields(&self) -> Fields {
        let mut f = Fields::from_pairs([("from", self.from.clone()), ("to", self.to.clone())]);
        for (k, v) in self
            .options
            .pairs()
            .into_iter()
            .chain(self.constraints.pairs())
            .chain(self.profile.pairs())
        {
            f.insert(k, v);
        }
        f
    }

    /// The typed request, or every mistake in it.
    pub fn request(&self) -> Result<RouteRequest, RouteError> {
        let mut f = self.fields();
        let request = RouteRequest::read(&mut f);
        f.finish().map_err(RouteError::Invalid)?;
        request.ok_or_else(|| RouteError::Invalid(Vec::new()))
    }
}

/// A request error as lines for a terminal.
fn describe(e: &RouteError) -> String {
    let mut s = format!("error: {e}");
    if let RouteError::UnknownPlace { suggestions, .. } = e
        && !suggestions.is_empty()
    {
        let _ = write!(s, "\n  did you mean: {}", suggestions.join(", "));
    }
    s
}

/// Runs `corridor route`. Returns the exit code ([`super::exit`]): 0 with routes, 1 for a
/// bad parameter value, 3 for an unknown place or no route.
pub fn run(args: RouteArgs) -> anyhow::Result<i32> {
    let base: Snapshot =
        super::load_snapshot(args.data.as_ref()).context("cannot load the network")?;
    let request = match args.request() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}", describe(&e));
            return Ok(super::exit::of_route(&e));
        }
    };
    let snap = match base.scenario(request.scenario.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: --scenario: {e}");
            return Ok(super::exit::NOT_FOUND);
        }
    };
    let outcome = crate::route::plan(snap, &request);
    let plan = match outcome {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("{}", describe(&e));
            return Ok(super::exit::of_route(&e));
        }
    };
    if args.geojson {
        let fc = crate::output::route::route_collection(&snap.network, &plan);
        println!("{}", serde_json::to_string_pretty(&fc)?);
    } else {
        print!("{}", table(&snap.network, &plan));
    }
    Ok(0)
}

/// The comparison table: one line per route.
pub fn table(net: &Network, plan: &RoutePlan) -> String {
    let name = |id: &crate::network::NodeId| {
        net.node(&id.0)
            .map(|n| format!("{} ({})", n.name, n.id))
            .unwrap_or_else(|| id.0.clone())
    };
    let q = &plan.query;
    let mut s = String::new();
    let mut stops = vec![name(&q.from)];
    stops.extend(q.via.iter().map(name));
    stops.push(name(&q.to));
    let _ = writeln!(
        s,
        "{}\nmode {}, optimize {}",
        stops.join(" → "),
        q.mode.as_str(),
        q.optimize.as_str()
    );
    for w in &plan.waypoints {
        if let (PlaceQuery::Coord { lon, lat }, Some(km)) = (&w.input, w.snap_km) {
            let _ = writeln!(
                s,
                "{} {lon},{lat} snapped to {} ({km:.1} km)",
                w.field,
                net.nodes()[w.node_ix].id
            );
        }
    }
    if q.alternatives > 0 {
        let _ = writeln!(
            s,
            "alternatives found: {} of {} asked (by {}, max_sharing {}, max_stretch {})",
            plan.alternatives_found,
            q.alternatives,
            q.alternatives_by.as_str(),
            q.max_sharing,
            q.max_stretch
        );
    }
    let cut: Vec<String> = plan
        .corridors
        .iter()
        .filter(|c| c.status != crate::route::corridors::CorridorStatus::Shown)
        .map(|c| {
            let why = match c.status {
                crate::route::corridors::CorridorStatus::BeyondMaxStretch => "beyond max_stretch",
                _ => "beyond alternatives",
            };
            format!("{} ×{:.2} ({why})", c.corridor, c.stretch)
        })
        .collect();
    if !cut.is_empty() {
        let _ = writeln!(s, "corridors not shown: {}", cut.join(", "));
    }
    let timed = plan.routes.iter().any(|r| r.timing.is_some());
    let corridors = plan.routes.iter().any(|r| r.corridor.is_some());
    let _ = write!(s, "\n{:>4}", "rank");
    if corridors {
        let _ = write!(s, " {:<12}", "corridor");
    }
    for m in Measure::ALL {
        let (width, _) = m.column();
        let _ = write!(s, " {:>width$}", m.heading());
        if timed && *m == Measure::Time {
            let _ = write!(s, " {:<25}", "arrive");
        }
    }
    let _ = writeln!(s, "  {:<48} {:<24} transshipments", "crossings", "waits");
    for r in &plan.routes {
        let crossings = r.crossings(net).join(", ");
        let trans = r
            .transshipments(net)
            .iter()
            .map(|t| format!("{} ({})", t.node, t.kind.reason()))
            .collect::<Vec<_>>()
            .join(", ");
        let waits = r
            .timing
            .iter()
            .flat_map(|t| &t.border_times)
            .filter(|b| b.wait_h > 0.0)
            .map(|b| format!("{} {:.1} h", b.crossing, b.wait_h))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = write!(s, "{:>4}", r.rank);
        if corridors {
            let _ = write!(s, " {:<12}", r.corridor.as_deref().unwrap_or("-"));
        }
        for m in Measure::ALL {
            let (width, decimals) = m.column();
            let _ = write!(s, " {:>width$.decimals$}", r.measures[*m]);
            if timed && *m == Measure::Time {
                let arrive = r
                    .timing
                    .as_ref()
                    .map(|t| t.arrive.format("%Y-%m-%dT%H:%M%:z").to_string())
                    .unwrap_or_else(|| "-".into());
                let _ = write!(s, " {arrive:<25}");
            }
        }
        let _ = writeln!(
            s,
            "  {:<48} {:<24} {}",
            if crossings.is_empty() {
                "-"
            } else {
                &crossings
            },
            if waits.is_empty() { "-" } else { &waits },
            if trans.is_empty() { "-" } else { &trans },
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};
    use crate::cost::Cargo;

    fn parse(args: &[&str]) -> RouteArgs {
        let argv = ["corridor", "route"].iter().chain(args.iter());
        match Cli::try_parse_from(argv).map(|c| c.command) {
            Ok(Command::Route(a)) => *a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_command_line_builds_the_same_typed_request_as_a_query() {
        let args = parse(&[
            "ru-ulan-ude",
            "cn-beijing",
            "--include-planned",
            "--include-unverified",
            "--cargo",
            "bulk",
            "--optimize",
            "cost",
            "--dwell-scale",
            "2",
        ]);
        let req = args.request().unwrap();
        let mut f = Fields::from_pairs([
            ("from", "ru-ulan-ude"),
            ("to", "cn-beijing"),
            ("include_planned", "true"),
            ("include_unverified", "true"),
            ("cargo", "bulk"),
            ("optimize", "cost"),
            ("dwell_scale", "2"),
        ]);
        let same = RouteRequest::read(&mut f).unwrap();
        f.finish().unwrap();
        assert_eq!(req, same);
        assert_eq!(req.cargo, Cargo::Bulk);
        assert!(req.include_planned);
        assert!(req.include_unverified);
        assert_eq!(req.optimize, Measure::Cost);
    }

    #[test]
    fn every_mistake_is_reported_with_its_field() {
        let args = parse(&["a", "b", "--alternatives", "9", "--max-sharing", "2"]);
        match args.request() {
            Err(RouteError::Invalid(errors)) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["alternatives", "max_sharing"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_enum_value_not_listed_is_a_usage_error_naming_the_values() {
        let argv = ["corridor", "route", "a", "b", "--mode", "boat"];
        let e = Cli::try_parse_from(argv).expect_err("boat is not a mode");
        assert_eq!(e.exit_code(), crate::cli::exit::USAGE);
        let msg = e.to_string();
        assert!(
            msg.contains("--mode") && msg.contains("rail, road, any"),
            "{msg}"
        );
    }
}
