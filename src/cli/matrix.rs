//! `corridor matrix --from A,B --to C,D [--csv]` and `corridor reach FROM --contours 24,48,72
//! [--geojson]`: the matrix and reach endpoints on the command line. The options are the
//! API's parameters (the same argument types, flattened); they go through the same readers
//! as HTTP ([`MatrixRequest::read`], [`ReachRequest::read`]) and the same planners.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::cost::{ConstraintArgs, Measure, ProfileArgs};
use crate::fields::Fields;
use crate::network::Network;
use crate::route::matrix::{
    ManyError, MatrixOptions, MatrixPlan, MatrixRequest, ReachOptions, ReachRequest, plan_matrix,
    plan_reach,
};
use crate::route::request::FROM_DOC;

/// Options of `corridor matrix`: each is the API parameter of the same name (`--from` and
/// `--to` are aliases of `--sources` and `--destinations`).
#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// Places and options of the matrix.
    #[command(flatten)]
    pub options: MatrixOptions,
    /// Constraints.
    #[command(flatten)]
    pub constraints: ConstraintArgs,
    /// Costing profile overrides.
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// Print CSV (one row per cell) instead of the table.
    #[arg(long)]
    pub csv: bool,
    /// Print the JSON answer of `/v1/matrix` instead of the table.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Data directory (default: the embedded data).
    #[arg(long)]
    pub data: Option<PathBuf>,
}

/// Options of `corridor reach`.
#[derive(Debug, Args)]
pub struct ReachArgs {
    #[arg(help = FROM_DOC)]
    /// The place.
    pub from: String,
    /// Options of the reach.
    #[command(flatten)]
    pub options: ReachOptions,
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

fn fields(pairs: impl IntoIterator<Item = (&'static str, String)>) -> Fields {
    let mut f = Fields::new();
    for (k, v) in pairs {
        f.insert(k, v);
    }
    f
}

impl MatrixArgs {
    /// The typed request, or every mistake in it.
    pub fn request(&self) -> Result<MatrixRequest, ManyError> {
        let mut f = fields(
            self.options
                .pairs()
                .into_iter()
                .chain(self.constraints.pairs())
                .chain(self.profile.pairs()),
        );
        let request = MatrixRequest::read(&mut f);
        f.finish().map_err(ManyError::Invalid)?;
        Ok(request)
    }
}

impl ReachArgs {
    /// The typed request, or every mistake in it.
    pub fn request(&self) -> Result<ReachRequest, ManyError> {
        let mut f = fields(
            std::iter::once(("from", self.from.clone()))
                .chain(self.options.pairs())
                .chain(self.constraints.pairs())
                .chain(self.profile.pairs()),
        );
        let request = ReachRequest::read(&mut f);
        f.finish().map_err(ManyError::Invalid)?;
        request.ok_or_else(|| ManyError::Invalid(Vec::new()))
    }
}

/// The value, or the exit code ([`super::exit`]) after printing why there is none (every
/// unknown place with its suggestions).
fn reported<T>(r: Result<T, ManyError>) -> Result<T, i32> {
    r.map_err(|e| {
        eprintln!("{}", describe(&e));
        super::exit::of_many(&e)
    })
}

fn describe(e: &ManyError) -> String {
    let mut s = format!("error: {e}");
    if let ManyError::UnknownPlaces(list) = e {
        for u in list.iter().filter(|u| !u.suggestions.is_empty()) {
            let _ = write!(
                s,
                "\n  {} '{}': did you mean {}",
                u.field,
                u.query,
                u.suggestions.join(", ")
            );
        }
    }
    s
}

/// Runs `corridor matrix`. Returns the exit code ([`super::exit`]): 0 with a matrix, 1 for
/// a bad parameter value, 3 for unknown places.
pub fn run_matrix(args: MatrixArgs) -> anyhow::Result<i32> {
    let all = super::load_snapshot(args.data.as_ref()).context("cannot load the network")?;
    let request = match reported(args.request()) {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let snap = all.scenario(request.constraints.scenario.as_deref())?;
    let plan = match reported(plan_matrix(snap, &request)) {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let net = &snap.network;
    if args.csv {
        print!(
            "{}",
            crate::output::matrix::matrix_csv(net, &plan.sources, &plan.destinations, &plan.cells)
        );
    } else if args.json {
        let q = serde_json::to_value(&plan.echo)?;
        let v = crate::output::matrix::matrix_json(
            net,
            &plan.sources,
            &plan.destinations,
            &plan.cells,
            q,
        );
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print!("{}", matrix_table(net, &plan));
    }
    Ok(0)
}

/// The matrix as a table: one line per cell with every measure and the crossings.
pub fn matrix_table(net: &Network, plan: &MatrixPlan) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "{} × {} cells, optimize {}",
        plan.sources.len(),
        plan.destinations.len(),
        plan.echo.measure.as_str()
    );
    let timed = plan.cells.depart;
    match timed {
        Some(d) => {
            let _ = writeln!(s, ", depart {}", d.to_rfc3339());
        }
        None => s.push('\n'),
    }
    let _ = write!(s, "{:<28} {:<28}", "source", "destination");
    for m in Measure::ALL {
        let (w, _) = m.column();
        let _ = write!(s, " {:>w$}", m.heading());
    }
    let _ = write!(s, " {:>9}", "crossings");
    if timed.is_some() {
        let _ = write!(s, " {:>7} arrive", "wait h");
    }
    s.push('\n');
    for (i, src) in plan.sources.iter().enumerate() {
        for (j, dst) in plan.destinations.iter().enumerate() {
            let (a, b) = (
                &net.nodes()[src.node_ix].id.0,
                &net.nodes()[dst.node_ix].id.0,
            );
            let _ = write!(s, "{a:<28} {b:<28}");
            match plan.cells.get(i, j) {
                Some(c) => {
                    for m in Measure::ALL {
                        let (w, d) = m.column();
                        let _ = write!(s, " {:>w$.d$}", c.measures.get(*m));
                    }
                    let _ = write!(s, " {:>9}", c.crossings);
                    if let (Some(d), Some(t)) = (timed, c.timing) {
                        let _ = write!(
                            s,
                            " {:>7.1} {}",
                            t.wait_h,
                            crate::route::timed::at_minute(d, t.arrive_h).to_rfc3339()
                        );
                    }
                    s.push('\n');
                }
                None => {
                    let _ = writeln!(s, " no route");
                }
            }
        }
    }
    s
}

/// Runs `corridor reach`. Returns the exit code ([`super::exit`]).
pub fn run_reach(args: ReachArgs) -> anyhow::Result<i32> {
    let all = super::load_snapshot(args.data.as_ref()).context("cannot load the network")?;
    let request = match reported(args.request()) {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let snap = all.scenario(request.constraints.scenario.as_deref())?;
    let plan = match reported(plan_reach(snap, &request)) {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let net = &snap.network;
    if args.geojson {
        let q = serde_json::to_value(&plan.echo)?;
        let fc = crate::output::reach::reach_collection(net, &plan.reach, q);
        println!("{}", serde_json::to_string_pretty(&fc)?);
        return Ok(0);
    }
    let r = &plan.reach;
    let origin = &net.nodes()[r.origin];
    let mut s = String::new();
    let _ = write!(
        s,
        "{} ({}), direction {}, measure {} ({})",
        origin.name,
        origin.id,
        r.direction.as_str(),
        r.measure.as_str(),
        r.measure.unit()
    );
    match (&plan.echo.depart, &plan.echo.arrive_by) {
        (Some(d), _) => {
            let _ = writeln!(s, ", depart {d}: hours after departure, waits included");
        }
        (None, Some(d)) => {
            let _ = writeln!(
                s,
                ", arrive by {d}: latest departures, hours before the deadline, waits included"
            );
        }
        (None, None) => s.push('\n'),
    }
    for c in &r.contours {
        let links = r
            .links
            .iter()
            .filter(|p| r.contours[p.contour].budget == c.budget)
            .count();
        let _ = writeln!(
            s,
            "within {:>8} {}: {:>4} nodes, {:>4} link pieces, polygon {:?}",
            c.budget,
            r.measure.unit(),
            c.nodes,
            links,
            c.hull
        );
    }
    for n in &r.nodes {
        let node = &net.nodes()[n.node_ix];
        let _ = writeln!(
            s,
            "  {:>9.1} {}  {} ({})",
            n.value,
            r.measure.unit(),
            node.name,
            node.id
        );
    }
    print!("{s}");
    Ok(0)
}
