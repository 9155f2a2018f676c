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

/// Components listed by name beyond the largest, at most (and sizes listed, at most one
/// more).
const LISTED_COMPONENTS: usize = 20;

/// Bridges and articulation points listed per mode, at most: a 10⁶-node network has tens of
/// thousands, which would make the report megabytes long.
const LISTED_WEAK_POINTS: usize = 50;

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
    let mut sizes: Vec<String> = r
        .components
        .iter()
        .take(LISTED_COMPONENTS + 1)
        .map(|c| c.places.len().to_string())
        .collect();
    if let Some(rest) = r
        .components
        .get(LISTED_COMPONENTS + 1..)
        .filter(|c| !c.is_empty())
    {
        let largest = rest.iter().map(|c| c.places.len()).max().unwrap_or(0);
        sizes.push(format!(
            "… and {} more of at most {largest} place(s)",
            rest.len()
        ));
    }
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
    for b in r.bridges.iter().take(LISTED_WEAK_POINTS) {
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
    more_weak_points(s, r.bridges.iter().map(|b| b.cuts_off));
    let _ = writeln!(
        s,
        "  articulation points (places whose loss disconnects others): {}",
        r.articulation_points.len()
    );
    for a in r.articulation_points.iter().take(LISTED_WEAK_POINTS) {
        let _ = writeln!(
            s,
            "    {}: splits its component in {}, cuts off {} place(s)",
            place(&a.place),
            a.parts,
            a.cuts_off
        );
    }
    more_weak_points(s, r.articulation_points.iter().map(|a| a.cuts_off));
}

/// The line closing a list of bridges or articulation points cut at [`LISTED_WEAK_POINTS`]:
/// how many more, and the most places any of them cuts off.
fn more_weak_points(s: &mut String, cuts_off: impl Iterator<Item = usize>) {
    let rest: Vec<usize> = cuts_off.skip(LISTED_WEAK_POINTS).collect();
    if let Some(most) = rest.iter().max() {
        let _ = writeln!(
            s,
            "    … and {} more, each cutting off at most {most} place(s)",
            rest.len()
        );
    }
}

fn place(p: &Place) -> String {
    format!("{} ({})", p.id, p.name)
}

fn places(c: &Component) -> String {
    c.places.iter().map(place).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::topology::{ArticulationPoint, Bridge, Scope};
    use crate::network::{LinkId, NodeId};

    fn place(i: usize) -> Place {
        Place {
            id: NodeId(format!("p{i}")),
            name: format!("P{i}"),
        }
    }

    /// A report the size of a 10⁶-node network's: hundreds of components, thousands of
    /// bridges and articulation points.
    fn large_report() -> ScopeReport {
        ScopeReport {
            scope: Scope::Road,
            places: 10_000,
            links: 20_000,
            components: (0..300)
                .map(|c| Component {
                    places: (0..if c == 0 { 9_000 } else { 3 }).map(place).collect(),
                })
                .collect(),
            bridges: (0..4_000)
                .map(|i| Bridge {
                    link: LinkId(format!("l{i}")),
                    name: format!("L{i}"),
                    ends: [place(i), place(i + 1)],
                    cuts_off: 4_000 - i,
                })
                .collect(),
            articulation_points: (0..3_000)
                .map(|i| ArticulationPoint {
                    place: place(i),
                    parts: 2,
                    cuts_off: 3_000 - i,
                })
                .collect(),
        }
    }

    #[test]
    fn a_large_report_lists_the_worst_weak_points_and_counts_the_rest() {
        let text = render(&[large_report()]);
        assert!(text.lines().count() < 200, "{} lines", text.lines().count());
        let first = text.lines().nth(1).unwrap();
        assert!(
            first.starts_with(
                "road: 10000 places, 20000 links, 300 connected component(s) of sizes 9000, 3,"
            ),
            "{first}"
        );
        assert!(
            first.ends_with(", 3, … and 279 more of at most 3 place(s)"),
            "{first}"
        );
        assert!(text.contains("  bridges (links whose loss disconnects connected places): 4000\n"));
        // The 50 listed are the worst: l0 (4,000 places) first, l49 last.
        assert!(text.contains("    l0 (L0), p0 (P0) – p1 (P1): cuts off 4000 place(s)\n"));
        assert!(text.contains("    l49 (L49), p49 (P49) – p50 (P50): cuts off 3951 place(s)\n"));
        assert!(!text.contains("    l50 (L50)"));
        assert!(text.contains("    … and 3950 more, each cutting off at most 3950 place(s)\n"));
        assert!(
            text.contains("    p49 (P49): splits its component in 2, cuts off 2951 place(s)\n")
        );
        assert!(!text.contains("    p50 (P50): splits"));
        assert!(text.ends_with("    … and 2950 more, each cutting off at most 2950 place(s)\n"));
    }
}
