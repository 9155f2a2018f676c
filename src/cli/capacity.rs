//! `corridor capacity FROM TO` and `corridor assign DEMANDS.json`: the capacity questions on
//! the command line. The flags build the same typed requests as the HTTP API
//! ([`CapacityRequest`], [`AssignRequest`]), checked by the same functions, and the answers are
//! printed as a readable summary or, with `--geojson`, the API's FeatureCollection.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;

use crate::capacity::assign::Assignment;
use crate::capacity::demand;
use crate::capacity::maxflow::{CapacityResult, MaxFlowValue, Step};
use crate::capacity::{
    self as cap, AssignRequest, CapacityError, CapacityQuery, CapacityRequest, ConstraintInput,
    ConversionInput, Issue, Loose,
};
use crate::cost::{ConstraintArgs, ModeFilter};
use crate::fields::Fields;
use crate::network::scenario::{ScenarioError, ScenarioRef};
use crate::network::{CapacityConversion, Network};
use crate::output;
use crate::snapshot::Snapshot;

/// Flags of `corridor capacity`.
#[derive(Debug, Args)]
pub struct CapacityArgs {
    /// Sources: node ids or country codes, comma separated (e.g. RU, or ru-ulan-ude).
    pub from: String,
    /// Sinks, as FROM.
    pub to: String,
    /// rail, road or any.
    #[arg(long, default_value = "any", value_parser = crate::fields::spelling_parser::<ModeFilter>())]
    pub mode: String,
    /// Constraints shared with routing (`--avoid-countries`, `--avoid-crossings`,
    /// `--avoid-links`, `--include-planned`, `--include-unverified`, `--cargo`).
    #[command(flatten)]
    pub constraints: ConstraintArgs,
    /// Deprecated alias of --avoid-links: link ids treated as closed (comma list).
    #[arg(long)]
    pub close: Option<String>,
    /// Capacity overrides `link_id:t_per_year` (comma list).
    #[arg(long, value_delimiter = ',')]
    pub set_capacity: Vec<String>,
    /// Conversion constants (`--tonnes-per-train`, `--tonnes-per-vehicle`,
    /// `--operating-days`).
    #[command(flatten)]
    pub conversion: ConversionInput,
    /// Countries the flow may pass through: `any` (third countries' links assumed fully
    /// available to it) or `direct` (only FROM's and TO's countries).
    #[arg(long, value_enum, default_value_t = cap::Transit::Any)]
    pub transit: cap::Transit,
    /// Data directory (default: the embedded data).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Print the full GeoJSON answer instead of a summary.
    #[arg(long)]
    pub geojson: bool,
}

/// Flags of `corridor assign`.
#[derive(Debug, Args)]
pub struct AssignArgs {
    /// A JSON file with the body of `POST /v1/assign`: {"demands": [{"from", "to",
    /// "tonnes_per_year"}, …], …}. `-` reads standard input. Not with --demand.
    #[arg(required_unless_present = "demand", conflicts_with = "demand")]
    pub demands: Option<PathBuf>,
    /// A named demand set (`GET /v1/demand`, e.g. mongolia-trade-2023) instead of a file.
    #[arg(long)]
    pub demand: Option<String>,
    /// Scenario to answer on (as the body's `scenario`, which this replaces).
    #[arg(long)]
    pub scenario: Option<String>,
    /// Data directory (default: the embedded data).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Print the full GeoJSON answer instead of a summary.
    #[arg(long)]
    pub geojson: bool,
}

impl AssignArgs {
    /// Where the demands come from, for messages.
    fn origin(&self) -> String {
        match (&self.demands, &self.demand) {
            (Some(p), _) => p.display().to_string(),
            (None, Some(n)) => format!("demand set {n}"),
            (None, None) => "the request".into(),
        }
    }

    /// The body these flags give (the file, or `{"demand": NAME}`), with its named demand set
    /// expanded, and the scenario it asks for (`--scenario` first, else the body's `scenario`:
    /// a name or a scenario object).
    ///
    /// # Errors
    /// The file cannot be read or is not JSON; `scenario` or `demand` is not a name; the
    /// demand set is unknown.
    pub fn body(
        &self,
        snap: &Snapshot,
    ) -> anyhow::Result<(Loose<AssignRequest>, Option<ScenarioRef>)> {
        let mut body: Loose<AssignRequest> = match (&self.demands, &self.demand) {
            (Some(path), _) => {
                let text = if path.as_os_str() == "-" {
                    std::io::read_to_string(std::io::stdin()).context("reading standard input")?
                } else {
                    std::fs::read_to_string(path)
                        .with_context(|| format!("reading {}", path.display()))?
                };
                serde_json::from_str(&text)
                    .with_context(|| format!("{} is not JSON", path.display()))?
            }
            (None, Some(name)) => Loose::Valid(AssignRequest {
                demand: Some(Loose::Valid(name.clone())),
                ..AssignRequest::default()
            }),
            (None, None) => bail!("give a demands file or --demand NAME"),
        };
        let mut scenario = None;
        if let Loose::Valid(b) = &mut body {
            scenario = demand::take_scenario(b).map_err(|e| anyhow::anyhow!("{e}"))?;
            demand::expand(b, &snap.demand).map_err(|e| anyhow::anyhow!("--demand: {e}"))?;
        }
        let flag = self.scenario.clone().map(ScenarioRef::Named);
        Ok((body, flag.or(scenario)))
    }

    /// Checks `body` on `net`, printing every problem to standard error.
    ///
    /// # Errors
    /// How many problems there were, or why the body cannot be checked.
    pub fn check(
        &self,
        body: Loose<AssignRequest>,
        net: &Network,
    ) -> anyhow::Result<cap::AssignQuery> {
        match AssignRequest::check(body, net, CapacityConversion::default()) {
            Ok(r) => Ok(r),
            Err(CapacityError::Invalid(issues)) => {
                for i in &issues {
                    eprintln!("{}: {}", i.field, i.detail);
                }
                bail!("{} problem(s) in {}", issues.len(), self.origin());
            }
            Err(e) => bail!("{e}"),
        }
    }
}

fn split(s: &str) -> Vec<String> {
    s.split(',').map(|x| x.trim().to_string()).collect()
}

impl CapacityArgs {
    /// The typed request these flags ask; the shared constraint flags are read by
    /// [`ConstraintArgs::read`], as the query string's are.
    ///
    /// # Errors
    /// [`CapacityError::Invalid`] naming every malformed constraint flag (as the query string
    /// names it).
    pub fn request(&self) -> Result<CapacityRequest, CapacityError> {
        let mut f = Fields::from_pairs(self.constraints.pairs());
        if let Some(close) = &self.close {
            f.insert(ConstraintArgs::CLOSE_ALIAS, close.clone());
        }
        let constraints = ConstraintInput {
            mode: ModeFilter::parse(&self.mode).unwrap_or_default(),
            ..ConstraintArgs::read(&mut f)
        };
        f.finish().map_err(|errors| {
            CapacityError::Invalid(
                errors
                    .into_iter()
                    .map(|e| Issue::new(e.field, e.message))
                    .collect(),
            )
        })?;
        Ok(CapacityRequest {
            from: split(&self.from),
            to: split(&self.to),
            constraints,
            set_capacity: self.set_capacity.clone(),
            conversion: self.conversion,
            transit: self.transit,
        })
    }
}

/// A request field as a command-line user typed it: `FROM`, `TO`, `--set-capacity`.
fn flag_name(field: &str) -> String {
    match field {
        "from" => "FROM".into(),
        "to" => "TO".into(),
        f => format!("--{}", f.replace('_', "-")),
    }
}

/// Checks the flags into a [`CapacityQuery`] ([`CapacityRequest::check`]), naming fields as
/// flags.
pub fn query(net: &Network, a: &CapacityArgs) -> Result<CapacityQuery, CapacityError> {
    a.request()
        .and_then(|r| r.check(net, CapacityConversion::default()))
        .map_err(|e| e.map_fields(flag_name))
}

/// Tonnes a year, readable: `12.3 Mt/yr`, `450 kt/yr`.
pub fn tonnes(t: f64) -> String {
    if t >= 1e6 {
        format!("{:.2} Mt/yr", t / 1e6)
    } else if t >= 1e3 {
        format!("{:.1} kt/yr", t / 1e3)
    } else {
        format!("{t:.0} t/yr")
    }
}

/// The text summary of a max-flow answer.
pub fn summary(net: &Network, q: &CapacityQuery, r: &CapacityResult) -> String {
    let mut s = String::new();
    let head = format!(
        "{} → {} (mode {})",
        q.from.labels.join(","),
        q.to.labels.join(","),
        q.constraints.mode.as_str()
    );
    match &r.value {
        MaxFlowValue::Unbounded { path } => {
            s += &format!("max flow {head}: UNBOUNDED\n");
            s += "a path of links without capacity data joins a source to a sink:\n";
            for st in path {
                if let Step::Link { link_ix, .. } = st {
                    s += &format!("  {}\n", net.links()[*link_ix].id);
                }
            }
            s += "give them a capacity (--set-capacity) or close them (--close)\n";
        }
        MaxFlowValue::Bounded(v) => {
            s += &format!("max flow {head}: {} ({v:.0} t/yr)\n", tonnes(*v));
            let total: f64 = r.cut.iter().map(|c| c.capacity_tpy).sum();
            s += &format!(
                "bottleneck (minimum cut, {} link{}, {}):\n",
                r.cut.len(),
                if r.cut.len() == 1 { "" } else { "s" },
                tonnes(total)
            );
            for c in &r.cut {
                let l = &net.links()[c.link_ix];
                let (a, b) = if c.forward {
                    (&l.from, &l.to)
                } else {
                    (&l.to, &l.from)
                };
                let basis = l.capacity_basis.map_or("-", |b| b.as_str());
                s += &format!(
                    "  {:<32} {:<28} {:>14}  {:<10}  {a} → {b}\n",
                    l.id.0,
                    l.display_name(),
                    tonnes(c.capacity_tpy),
                    basis
                );
            }
            s += &format!(
                "links carrying flow: {} ({} without capacity data: the answer assumes they are ample)\n",
                r.flows.len(),
                r.unconstrained_with_flow
            );
            s += &transit_table(net, q, r, *v);
        }
    }
    s
}

/// Where the flow goes: both figures (with and without third countries), then the flow by
/// corridor and by crossing, transit flagged.
fn transit_table(net: &Network, q: &CapacityQuery, r: &CapacityResult, v: f64) -> String {
    let mut s = String::new();
    let through = r.transit_flow_tpy();
    let direct = r.direct_tpy.unwrap_or(0.0);
    s += &format!(
        "transit {}: {} in all, {} direct (only {}), {} through third countries\n",
        q.transit.as_str(),
        tonnes(v),
        tonnes(direct),
        r.end_countries.join(", "),
        tonnes(through)
    );
    if through > 0.0 {
        s += &format!("assumption: {}\n", cap::TRANSIT_ASSUMPTION);
    }
    s += "by corridor (one decomposition of the max flow):\n";
    for c in &r.corridors {
        let flag = if c.transit.is_empty() {
            String::new()
        } else {
            format!("  transit via {}", c.transit.join(", "))
        };
        s += &format!("  {:<24} {:>14}{flag}\n", c.corridor, tonnes(c.flow_tpy));
    }
    s += "by crossing:\n";
    for c in &r.crossings {
        let l = &net.links()[c.link_ix];
        s += &format!(
            "  {:<32} {:<8} {:>14}{}\n",
            l.id.0,
            c.countries.join("→"),
            tonnes(c.flow_tpy),
            if c.transit { "  transit" } else { "" }
        );
    }
    s
}

/// The text summary of an assignment.
pub fn assign_summary(net: &Network, req: &cap::AssignQuery, a: &Assignment) -> String {
    let mut s = format!(
        "demanded {}, served {}, unserved {}\n",
        tonnes(a.demanded_tpy()),
        tonnes(a.served_tpy()),
        tonnes(a.unserved_tpy())
    );
    let sat: Vec<&str> = a
        .links
        .iter()
        .filter(|l| l.saturated())
        .map(|l| net.links()[l.link_ix].id.0.as_str())
        .collect();
    s += &format!(
        "saturated links ({}): {}\n",
        sat.len(),
        if sat.is_empty() {
            "none".to_string()
        } else {
            sat.join(", ")
        }
    );
    for (i, (d, r)) in req.demands.iter().zip(&a.demands).enumerate() {
        s += &format!(
            "#{i} {} → {}: {} asked, {} served, {} unserved\n",
            d.from.labels.join(","),
            d.to.labels.join(","),
            tonnes(d.tonnes_per_year),
            tonnes(r.served_tpy),
            tonnes(r.unserved_tpy())
        );
        for route in &r.routes {
            let links: Vec<&str> = route
                .steps
                .iter()
                .filter_map(|st| match st {
                    Step::Link { link_ix, .. } => Some(net.links()[*link_ix].id.0.as_str()),
                    Step::Transshipment { .. } => None,
                })
                .collect();
            s += &format!(
                "    {:>12} at {:.2} USD/t via {}\n",
                tonnes(route.tonnes_per_year),
                route.cost_usd_per_t,
                links.join(" ")
            );
        }
    }
    s
}

/// Writes to standard output; a closed pipe (`| head`) ends the output quietly.
pub fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// A capacity error as the command line shows it: each problem, an unknown place with the
/// close names it may have meant.
fn describe(e: CapacityError) -> String {
    match e {
        CapacityError::Invalid(issues) => issues
            .iter()
            .map(|i| format!("{}: {}", i.field, i.detail))
            .collect::<Vec<_>>()
            .join("\nerror: "),
        other => {
            let i = other.into_issue();
            format!("{}: {}", i.field, i.detail)
        }
    }
}

/// Runs `corridor capacity`.
pub fn run_capacity(net: &Network, a: &CapacityArgs) -> anyhow::Result<i32> {
    // A question the network cannot answer prints every problem and its suggestions, as
    // `corridor route` does, and exits 1 (a bad value) or 3 (an unknown place, no usable
    // node); usage errors (clap) exit 2.
    let q = match query(net, a) {
        Ok(q) => q,
        Err(e) => {
            let code = super::exit::of_capacity(&e);
            eprintln!("error: {}", describe(e));
            return Ok(code);
        }
    };
    let r = cap::max_flow(net, &q);
    if a.geojson {
        let doc = output::capacity::max_flow_collection(net, &q, &r);
        emit(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
    } else {
        emit(&summary(net, &q, &r))?;
    }
    Ok(0)
}

/// Prints why a request's scenario cannot be used (every problem of an inline one) and
/// returns the exit code: not found (3) for an unknown name, invalid (1) for an inline one.
pub fn scenario_problems(e: &ScenarioError) -> i32 {
    match e {
        ScenarioError::Unknown(u) => {
            eprintln!("error: --scenario: {u}");
            super::exit::NOT_FOUND
        }
        ScenarioError::Invalid(problems) => {
            for p in problems {
                eprintln!("{p}");
            }
            eprintln!("error: {e}");
            super::exit::INVALID
        }
    }
}

/// Runs `corridor assign`.
pub fn run_assign(snap: &Snapshot, a: &AssignArgs) -> anyhow::Result<i32> {
    let (body, scenario) = a.body(snap)?;
    let on = match snap.choose(scenario.as_ref(), "scenario") {
        Ok(on) => on,
        Err(e) => return Ok(scenario_problems(&e)),
    };
    let net = &on.network;
    let req = a.check(body, net)?;
    let asg = cap::assign(net, &req);
    if a.geojson {
        let doc = output::capacity::assignment_collection(net, &req, &asg);
        emit(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
    } else {
        emit(&assign_summary(net, &req, &asg))?;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cmd {
        #[command(flatten)]
        args: CapacityArgs,
    }

    fn args(argv: &[&str]) -> CapacityArgs {
        Cmd::try_parse_from(std::iter::once("capacity").chain(argv.iter().copied()))
            .unwrap()
            .args
    }

    #[test]
    fn flags_build_the_typed_request() {
        let a = args(&[
            "RU,mn-ulaanbaatar",
            "CN",
            "--mode",
            "rail",
            "--set-capacity",
            "a:1,b:2",
            "--tonnes-per-train",
            "2000",
        ]);
        let r = a.request().unwrap();
        assert_eq!(r.from, ["RU", "mn-ulaanbaatar"]);
        assert_eq!(r.constraints.mode, ModeFilter::Rail);
        assert_eq!(r.set_capacity, ["a:1", "b:2"]);
        assert_eq!(r.conversion.tonnes_per_train, Some(2000.0));
    }

    #[test]
    fn mistakes_are_named_as_flags() {
        let net = Network::embedded().unwrap();
        match query(
            &net,
            &args(&["RU", "CN", "--operating-days", "0", "--close", "nope"]),
        ) {
            Err(CapacityError::Invalid(issues)) => {
                let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
                assert_eq!(fields, ["--close", "--operating-days"]);
            }
            other => panic!("{other:?}"),
        }
        match query(&net, &args(&["RU", "RU"])) {
            Err(CapacityError::SameSourceSink { field, .. }) => assert_eq!(field, "TO"),
            other => panic!("{other:?}"),
        }
    }
}
