//! `corridor capacity FROM TO` and `corridor assign DEMANDS.json`: the capacity questions on
//! the command line, checked by the same functions as the HTTP API ([`crate::capacity::spec`])
//! and printed as a readable summary or, with `--geojson`, the API's FeatureCollection.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;

use crate::capacity::assign::Assignment;
use crate::capacity::maxflow::{CapacityResult, MaxFlowValue, Step};
use crate::capacity::spec::{self, ConstraintInput, ConversionInput, Overrides};
use crate::capacity::{self as cap, CapacityError, CapacityQuery};
use crate::cost::{Cargo, ModeFilter};
use crate::network::{CapacityConversion, Network};
use crate::output;

/// Flags of `corridor capacity`.
#[derive(Debug, Args)]
pub struct CapacityArgs {
    /// Sources: node ids or country codes, comma separated (e.g. RU, or ru-ulan-ude).
    pub from: String,
    /// Sinks, as FROM.
    pub to: String,
    /// rail, road or any.
    #[arg(long, default_value = "any", value_parser = clap::builder::PossibleValuesParser::new(ModeFilter::VALUES))]
    pub mode: String,
    /// Also use planned and under-construction links.
    #[arg(long)]
    pub include_planned: bool,
    /// general, container, bulk or livestock.
    #[arg(long, default_value = "general", value_parser = clap::builder::PossibleValuesParser::new(Cargo::VALUES))]
    pub cargo: String,
    /// Country codes not to enter (comma list).
    #[arg(long, value_delimiter = ',')]
    pub avoid_countries: Vec<String>,
    /// Crossing link ids not to use (comma list).
    #[arg(long, value_delimiter = ',')]
    pub avoid_crossings: Vec<String>,
    /// Link ids not to use (comma list).
    #[arg(long, value_delimiter = ',')]
    pub avoid_links: Vec<String>,
    /// Link ids treated as closed (comma list).
    #[arg(long, value_delimiter = ',')]
    pub close: Vec<String>,
    /// Capacity overrides `link_id:t_per_year` (comma list).
    #[arg(long, value_delimiter = ',')]
    pub set_capacity: Vec<String>,
    /// Net tonnes per train (default 3000).
    #[arg(long)]
    pub tonnes_per_train: Option<f64>,
    /// Net tonnes per road vehicle (default 20).
    #[arg(long)]
    pub tonnes_per_vehicle: Option<f64>,
    /// Operating days a year (default 365).
    #[arg(long)]
    pub operating_days: Option<f64>,
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
    /// "tonnes_per_year"}, …], …}. `-` reads standard input.
    pub demands: PathBuf,
    /// Data directory (default: the embedded data).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Print the full GeoJSON answer instead of a summary.
    #[arg(long)]
    pub geojson: bool,
}

fn split(s: &str) -> Vec<String> {
    s.split(',').map(|x| x.trim().to_string()).collect()
}

/// Checks the flags into a [`CapacityQuery`].
pub fn query(net: &Network, a: &CapacityArgs) -> Result<CapacityQuery, CapacityError> {
    let input = ConstraintInput {
        scenario: None,
        mode: ModeFilter::parse(&a.mode).unwrap_or_default(),
        include_planned: a.include_planned,
        cargo: Cargo::parse(&a.cargo).unwrap_or_default(),
        avoid_countries: a.avoid_countries.clone(),
        avoid_crossings: a.avoid_crossings.clone(),
        avoid_links: a.avoid_links.clone(),
        close: a.close.clone(),
    };
    let mut issues = Vec::new();
    let constraints = spec::build_constraints(net, &input, "--", &mut issues);
    let set = spec::parse_set_capacity(net, "--set-capacity", &a.set_capacity, &mut issues);
    let conversion = spec::conversion(
        CapacityConversion::default(),
        ConversionInput {
            tonnes_per_train: a.tonnes_per_train,
            tonnes_per_vehicle: a.tonnes_per_vehicle,
            operating_days: a.operating_days,
        },
        "--",
        &mut issues,
    );
    if !issues.is_empty() {
        // Name the flags as typed: `--set-capacity`, not `--set_capacity`.
        for i in &mut issues {
            i.field = i.field.replace('_', "-");
        }
        return Err(CapacityError::Invalid(issues));
    }
    let from = spec::resolve_places(net, "FROM", &split(&a.from), &constraints)?;
    let to = spec::resolve_places(net, "TO", &split(&a.to), &constraints)?;
    spec::check_disjoint(net, &from, &to, "TO")?;
    Ok(CapacityQuery {
        from,
        to,
        constraints,
        overrides: Overrides {
            capacity_tpy: set,
            conversion,
        },
    })
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
                s += &format!(
                    "  {:<32} {:<28} {:>14}  {a} → {b}\n",
                    l.id.0,
                    l.display_name(),
                    tonnes(c.capacity_tpy)
                );
            }
            s += &format!(
                "links carrying flow: {} ({} without capacity data: the answer assumes they are ample)\n",
                r.flows.len(),
                r.unconstrained_with_flow
            );
        }
    }
    s
}

/// The text summary of an assignment.
pub fn assign_summary(net: &Network, req: &cap::AssignRequest, a: &Assignment) -> String {
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
                    Step::Transfer { .. } => None,
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
fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// Runs `corridor capacity`.
pub fn run_capacity(net: &Network, a: &CapacityArgs) -> anyhow::Result<i32> {
    let q = match query(net, a) {
        Ok(q) => q,
        Err(e) => bail!("{e}"),
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

/// Runs `corridor assign`.
pub fn run_assign(net: &Network, a: &AssignArgs) -> anyhow::Result<i32> {
    let text = if a.demands.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).context("reading standard input")?
    } else {
        std::fs::read_to_string(&a.demands)
            .with_context(|| format!("reading {}", a.demands.display()))?
    };
    if text.len() > cap::assign::MAX_BODY_BYTES {
        bail!(
            "{} is {} bytes; the limit is {} (as for POST /v1/assign)",
            a.demands.display(),
            text.len(),
            cap::assign::MAX_BODY_BYTES
        );
    }
    let body: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not JSON", a.demands.display()))?;
    let req = match cap::parse_request(net, CapacityConversion::default(), &body) {
        Ok(r) => r,
        Err(CapacityError::Invalid(issues)) => {
            for i in &issues {
                eprintln!("{}: {}", i.field, i.detail);
            }
            bail!("{} problem(s) in {}", issues.len(), a.demands.display());
        }
        Err(e) => bail!("{e}"),
    };
    let asg = cap::assign(net, &req);
    if a.geojson {
        let doc = output::capacity::assignment_collection(net, &req, &asg);
        emit(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
    } else {
        emit(&assign_summary(net, &req, &asg))?;
    }
    Ok(0)
}
