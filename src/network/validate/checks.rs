//! Cross-checks: what a feature must satisfy against the others. Ids are unique (nodes and
//! links share one namespace); a link joins two different existing nodes (topology); its
//! geometry starts and ends at them; its nodes serve its mode and declare its gauge; a
//! crossing joins border points of the two countries it names, and nothing else joins two
//! countries.

use std::collections::{HashMap, HashSet};

use geo::{Distance, Haversine, Point};
use serde_json::Value;

use super::links::RawLink;
use super::{ENDPOINT_TOLERANCE_KM, LINKS_FILE, NODES_FILE, Problem};
use crate::network::model::{CountryCode, Link, LinkKind, Node, NodeKind};

/// Indexes nodes by id, reporting every repeated id.
pub(super) fn index_nodes(
    nodes: &[Node],
    nodes_text: &str,
    problems: &mut Vec<Problem>,
) -> HashMap<String, usize> {
    let mut node_index: HashMap<String, usize> = HashMap::new();
    let mut repeats: HashMap<String, usize> = HashMap::new();
    for (i, n) in nodes.iter().enumerate() {
        if node_index.contains_key(&n.id.0) {
            let nth = repeats.entry(n.id.0.clone()).or_insert(0);
            *nth += 1;
            problems.push(Problem {
                file: NODES_FILE.into(),
                feature: feature_ix_of_node(nodes_text, &n.id.0, *nth),
                id: Some(n.id.0.clone()),
                field: "id".into(),
                message: "duplicate id".into(),
            });
        } else {
            node_index.insert(n.id.0.clone(), i);
        }
    }
    node_index
}

/// The index of the `nth` (1-based after the first) feature with this id, for duplicate
/// reports; a best effort, used only when reporting.
fn feature_ix_of_node(text: &str, id: &str, nth: usize) -> Option<usize> {
    let root: Value = serde_json::from_str(text).ok()?;
    root.get("features")?
        .as_array()?
        .iter()
        .enumerate()
        .filter(|(_, f)| f.pointer("/properties/id").and_then(Value::as_str) == Some(id))
        .nth(nth)
        .map(|(i, _)| i)
}

/// What the link checks read: the nodes, by index and id, and those invalid on their own.
pub(super) struct NodeSet<'a> {
    pub nodes: &'a [Node],
    pub index: &'a HashMap<String, usize>,
    pub invalid: &'a HashSet<String>,
}

/// The links that pass every cross-check, with their node indices set, and their index by id.
pub(super) fn check_links(
    raw: Vec<RawLink>,
    nodes: &NodeSet<'_>,
    problems: &mut Vec<Problem>,
) -> (Vec<Link>, HashMap<String, usize>) {
    let mut links = Vec::with_capacity(raw.len());
    let mut link_index: HashMap<String, usize> = HashMap::new();
    let mut seen_ids: HashSet<String> = nodes.nodes.iter().map(|n| n.id.0.clone()).collect();
    for RawLink { ix, mut link } in raw {
        let mut c = Check {
            ix,
            id: link.id.0.clone(),
            problems: &mut *problems,
            ok: true,
        };
        check_unique_id(&mut c, &link_index, &seen_ids);
        seen_ids.insert(link.id.0.clone());
        check_against_nodes(&mut c, &mut link, nodes);
        if c.ok {
            link_index.insert(link.id.0.clone(), links.len());
            links.push(link);
        }
    }
    (links, link_index)
}

/// The cross-checks of link `ix` against the nodes (every check but the uniqueness of its id,
/// which an edit of its other fields cannot change): topology, geometry ends, modes, gauges
/// and borders. Sets its node indices and country when both ends exist.
///
/// # Returns
/// Whether it passed; problems go to `problems`.
pub(super) fn check_link(
    ix: usize,
    link: &mut Link,
    nodes: &NodeSet<'_>,
    problems: &mut Vec<Problem>,
) -> bool {
    let mut c = Check {
        ix,
        id: link.id.0.clone(),
        problems,
        ok: true,
    };
    check_against_nodes(&mut c, link, nodes);
    c.ok
}

fn check_against_nodes(c: &mut Check<'_>, link: &mut Link, nodes: &NodeSet<'_>) {
    if let Some((fi, ti)) = resolve_ends(c, link, nodes) {
        let (a, b) = (&nodes.nodes[fi], &nodes.nodes[ti]);
        check_geometry_ends(c, link, a, b);
        check_modes(c, link, a, b);
        check_gauges(c, link, a, b);
        check_borders(c, link, a, b);
        link.from_ix = fi;
        link.to_ix = ti;
        link.country = CountryCode::new(&a.country).unwrap_or_default();
    }
}

/// The checks of one link: its reports, and whether it passed.
struct Check<'p> {
    ix: usize,
    id: String,
    problems: &'p mut Vec<Problem>,
    ok: bool,
}

impl Check<'_> {
    fn fail(&mut self, field: &str, message: String) {
        self.problems.push(Problem {
            file: LINKS_FILE.into(),
            feature: Some(self.ix),
            id: Some(self.id.clone()),
            field: field.into(),
            message,
        });
        self.ok = false;
    }
}

/// Ids are unique among links, and no link has a node's id.
fn check_unique_id(c: &mut Check<'_>, link_index: &HashMap<String, usize>, seen: &HashSet<String>) {
    if link_index.contains_key(&c.id) {
        c.fail("id", "duplicate id".into());
    } else if seen.contains(&c.id) {
        c.fail("id", "duplicate id (a node has the same id)".into());
    }
}

/// Topology: `from` and `to` name two different nodes. Returns their indices when both exist
/// (even when equal: the other checks still report on them).
fn resolve_ends(c: &mut Check<'_>, link: &Link, nodes: &NodeSet<'_>) -> Option<(usize, usize)> {
    let from = nodes.index.get(&link.from.0).copied();
    let to = nodes.index.get(&link.to.0).copied();
    for (field, end, ix) in [("from", &link.from, from), ("to", &link.to, to)] {
        if ix.is_none() {
            // A node that exists but is itself invalid has been reported already.
            if !nodes.invalid.contains(&end.0) {
                c.fail(field, format!("names no node: '{end}'"));
            }
            c.ok = false;
        }
    }
    if from.is_some() && from == to {
        c.fail("to", "a link must join two different nodes".into());
    }
    from.zip(to)
}

/// Geometry: the line starts at its from-node and ends at its to-node, within
/// [`ENDPOINT_TOLERANCE_KM`].
fn check_geometry_ends(c: &mut Check<'_>, link: &Link, a: &Node, b: &Node) {
    let mut line = link.geometry.coords();
    let Some(start) = line.next() else { return };
    let first = Point::from(start);
    let last = Point::from(line.last().unwrap_or(start));
    let d0 = Haversine::distance(first, a.point) / 1000.0;
    let d1 = Haversine::distance(last, b.point) / 1000.0;
    let tol = ENDPOINT_TOLERANCE_KM;
    if d0 > tol {
        let msg = format!(
            "starts {d0:.1} km from its from-node '{}' (at most {tol} km)",
            a.id
        );
        c.fail("geometry", msg);
    }
    if d1 > tol {
        let msg = format!(
            "ends {d1:.1} km from its to-node '{}' (at most {tol} km)",
            b.id
        );
        c.fail("geometry", msg);
    }
}

/// Both nodes serve the link's mode.
fn check_modes(c: &mut Check<'_>, link: &Link, a: &Node, b: &Node) {
    for n in [a, b] {
        if !n.serves(link.mode) {
            let m = link.mode;
            c.fail(
                "mode",
                format!("{m} link touches node '{}', which does not serve {m}", n.id),
            );
        }
    }
}

/// Gauges: a rail link's gauge equals the gauge its nodes declare, if they do.
fn check_gauges(c: &mut Check<'_>, link: &Link, a: &Node, b: &Node) {
    let Some(g) = link.gauge_mm else { return };
    for n in [a, b] {
        if let Some(ng) = n.gauge_mm.filter(|ng| *ng != g) {
            let msg = format!(
                "{g} mm differs from node '{}', which declares {ng} mm",
                n.id
            );
            c.fail("gauge_mm", msg);
        }
    }
}

/// Crossings: a crossing joins border points of the countries it names, in order; any other
/// link stays within one country.
fn check_borders(c: &mut Check<'_>, link: &Link, a: &Node, b: &Node) {
    match (&link.kind, &link.crossing) {
        (LinkKind::Crossing, Some(x)) => {
            let [x0, x1] = &x.countries;
            if *x0 != a.country || *x1 != b.country {
                let msg = format!(
                    "[{x0}, {x1}] differs from its nodes' countries [{}, {}]",
                    a.country, b.country
                );
                c.fail("countries", msg);
            }
            for n in [a, b] {
                if n.kind != NodeKind::BorderPoint {
                    let msg = format!(
                        "a crossing joins two border_point nodes; '{}' is a {}",
                        n.id, n.kind
                    );
                    c.fail("kind", msg);
                }
            }
        }
        _ if a.country != b.country => {
            let msg = format!(
                "joins {} ('{}') and {} ('{}'): a link between two countries must be a crossing",
                a.country, a.id, b.country, b.id
            );
            c.fail("kind", msg);
        }
        _ => {}
    }
}
