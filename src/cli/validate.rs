//! `corridor validate`: every problem of the data (exit 1), or a summary and the topology
//! report: connected components and single points of failure per mode.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;

use crate::network::Source;
use crate::network::topology::{self, Component, Place, ScopeReport};

/// Arguments of `corridor validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Data directory (default: the embedded data).
    #[arg(long)]
    pub data: Option<PathBuf>,
}

/// Components listed by name beyond the largest, at most.
const LISTED_COMPONENTS: usize = 20;

/// Runs `corridor validate`. Returns the exit code: 0 valid, 1 invalid or unreadable.
pub fn run(args: &ValidateArgs) -> anyhow::Result<i32> {
    // Crossing schedules, scenarios and demand sets are checked with the data (file,
    // feature, field), as a server loading it does.
    let loaded =
        crate::snapshot::Snapshot::load(&Source::from_dir(args.data.as_deref())).map(|s| s.network);
    match loaded {
        Ok(net) => {
            println!("{}", net.summary());
            println!();
            print!("{}", render(&topology::analyse(&net)));
            Ok(0)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(1)
        }
    }
}

/// The topology report as text.
pub fn render(reports: &[ScopeReport]) -> String {
    let mut s = String::from(
        "topology (links in service: open or seasonal; a oneway link joins its ends; \
         in `any`, rail and road meet at every shared place):\n",
    );
    for r in reports {
        render_scope(&mut s, r);
    }
    s
}

fn render_scope(s: &mut String, r: &ScopeReport) {
    let sizes: Vec<String> = r
        .components
        .iter()
        .map(|c| c.places.len().to_string())
        .collect();
    let _ = writeln!(
        s,
        "{}: {} places, {} links, {} connected component(s) of sizes {}",
        r.scope.as_str(),
        r.places,
        r.links,
        r.components.len(),
        sizes.join(", ")
    );
    for c in r.components.iter().skip(1).take(LISTED_COMPONENTS) {
        let _ = writeln!(s, "  smaller component: {}", places(c));
    }
    if r.components.len() > LISTED_COMPONENTS + 1 {
        let more = r.components.len() - LISTED_COMPONENTS - 1;
        let _ = writeln!(s, "  … and {more} more");
    }
    let _ = writeln!(
        s,
        "  bridges (links whose loss disconnects connected places): {}",
        r.bridges.len()
    );
    for b in &r.bridges {
        let _ = writeln!(
            s,
            "    {} ({}), {} – {}: cuts off {} place(s)",
            b.link,
            b.name,
            place(&b.ends[0]),
            place(&b.ends[1]),
            b.cuts_off
        );
    }
    let _ = writeln!(
        s,
        "  articulation points (places whose loss disconnects others): {}",
        r.articulation_points.len()
    );
    for a in &r.articulation_points {
        let _ = writeln!(
            s,
            "    {}: splits its component in {}, cuts off {} place(s)",
            place(&a.place),
            a.parts,
            a.cuts_off
        );
    }
}

fn place(p: &Place) -> String {
    format!("{} ({})", p.id, p.name)
}

fn places(c: &Component) -> String {
    c.places.iter().map(place).collect::<Vec<_>>().join(", ")
}
