//! Validation of the raw documents of a [`super::source::Source`] into a [`Network`].
//!
//! Like Valhalla's mjolnir, this is where data is checked, once: every problem is gathered
//! (file, feature index, id, field) rather than stopping at the first, so that an editor can
//! fix a whole file in one pass. A [`Network`] exists only if the data had no problem.
//!
//! Readers per feature type ([`nodes`], [`links`]) check each feature on its own through one
//! field reader ([`reader`]); the cross-checks ([`checks`]) then check features against each
//! other: unique ids, topology, geometry ends, modes, gauges and borders.

mod checks;
mod links;
mod nodes;
mod reader;

pub(crate) use links::CAPACITY_FIELDS;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use super::Network;
use super::model::{Link, Node};
use super::source::Documents;

/// Largest distance, in km, between a link's end vertex and its node.
pub const ENDPOINT_TOLERANCE_KM: f64 = 1.0;

/// Name of the nodes file inside a data directory.
pub const NODES_FILE: &str = "nodes.geojson";
/// Name of the links file inside a data directory.
pub const LINKS_FILE: &str = "links.geojson";

/// One thing wrong with the data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// File name, e.g. `links.geojson`.
    pub file: String,
    /// Zero-based index of the feature in the file's `features`, if the problem is in one.
    pub feature: Option<usize>,
    /// The feature's `id`, if it has a readable one.
    pub id: Option<String>,
    /// The field at fault, e.g. `gauge_mm` or `geometry`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(i) = self.feature {
            write!(f, " feature #{i}")?;
        }
        if let Some(id) = &self.id {
            write!(f, " (id {id})")?;
        }
        write!(f, " field `{}`: {}", self.field, self.message)
    }
}

/// Why data could not become a network.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A prepared file cannot be opened or decoded.
    #[error(transparent)]
    Prepared(Box<super::prepared::PreparedError>),
    /// The data was read but has problems; all of them are listed.
    #[error("{} problem(s) in the network data:\n{}", .0.len(), .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
}

impl LoadError {
    /// The problems, when the data was invalid.
    pub fn problems(&self) -> &[Problem] {
        match self {
            LoadError::Invalid(p) => p,
            LoadError::Io { .. } | LoadError::Prepared(_) => &[],
        }
    }
}

/// Validates the two documents into a [`Network`].
///
/// # Returns
/// The network, or [`LoadError::Invalid`] listing every problem found: nodes first, then
/// links, each in feature order.
pub fn validate(docs: &Documents<'_>) -> Result<Network, LoadError> {
    // The two files are read on both cores; their problems are joined nodes first, as if
    // read one after the other.
    let ((read, mut problems), (raw_links, link_problems)) = rayon::join(
        || {
            let mut p = Vec::new();
            (nodes::read_nodes(&docs.nodes, &mut p), p)
        },
        || {
            let mut p = Vec::new();
            (links::read_links(&docs.links, &mut p), p)
        },
    );
    problems.extend(link_problems);
    let node_index = checks::index_nodes(&read.nodes, &docs.nodes, &mut problems);
    let node_set = checks::NodeSet {
        nodes: &read.nodes,
        index: &node_index,
        invalid: &read.invalid,
    };
    let (links, link_index) = checks::check_links(raw_links, &node_set, &mut problems);
    // A stable sort: within one feature, problems stay in the order they were found.
    problems.sort_by_key(|p| (p.file != NODES_FILE, p.feature));
    if problems.is_empty() {
        Ok(Network::from_parts(
            read.nodes, links, node_index, link_index,
        ))
    } else {
        Err(LoadError::Invalid(problems))
    }
}

/// Features of a network read again after an edit of their properties: `(index, properties)`
/// per node and per link (same ids, same ends; geometries and positions unchanged).
#[derive(Debug, Default)]
pub(crate) struct Edits {
    /// Changed nodes: index into [`Network::nodes`] and the node's new properties.
    pub nodes: Vec<(usize, Map<String, Value>)>,
    /// Changed links: index into [`Network::links`], the link's new properties, and, when the
    /// editor has it, their text as [`super::Properties::from_map`] would write it (kept as
    /// the link's properties instead of writing the map out again).
    pub links: Vec<(usize, Map<String, Value>, Option<super::Properties>)>,
    /// Links of which only [`CAPACITY_FIELDS`] changed: index, the link's `id` and new
    /// capacity fields, and its new properties text (read by [`links::reread_capacity`]).
    pub capacity: Vec<(usize, Map<String, Value>, super::Properties)>,
}

/// `net` with `edits`, checked as [`validate`] would check the edited files, but only where an
/// edit can matter: each edited feature is read again by the same reader as the files (its
/// geometry or position kept), then the edited links and every link touching an edited node
/// are cross-checked against the nodes. Ids and ends do not change, so uniqueness and the
/// topology hold as they did.
///
/// # Errors
/// [`LoadError::Invalid`] with the problems [`validate`] would report on the edited files
/// (files `nodes.geojson` / `links.geojson`, feature = index), in the same order.
///
/// # Complexity
/// O(size of the edited features) to read and check, plus [`Network::with_replaced`].
pub(crate) fn revalidate(net: &Network, edits: Edits) -> Result<Network, LoadError> {
    let mut problems = Vec::new();
    let mut new_nodes = Vec::with_capacity(edits.nodes.len());
    let mut failed_nodes = HashSet::new();
    for (ix, props) in edits.nodes {
        let old = &net.nodes[ix];
        match nodes::reread_node(ix, props, old.point, &mut problems) {
            Some(n) if n.id == old.id => new_nodes.push((ix, n)),
            _ => {
                failed_nodes.insert(ix);
            }
        }
    }
    let mut new_links = Vec::with_capacity(edits.links.len());
    for (ix, props, text) in edits.links {
        let old = &net.links[ix];
        if let Some(l) = links::reread_link(ix, props, text, &old.geometry, &mut problems) {
            new_links.push((ix, l));
        }
    }
    for (ix, fields, text) in edits.capacity {
        let l = links::reread_capacity(ix, fields, text, &net.links[ix], &mut problems);
        new_links.push((ix, l));
    }
    // In link order, as a read of the whole file would meet them.
    new_links.sort_by_key(|(ix, _)| *ix);
    // The nodes the cross-checks read: the edited ones in place of the old.
    let patched;
    let node_list: &[Node] = if new_nodes.is_empty() {
        &net.nodes
    } else {
        let mut v = (*net.nodes).clone();
        for (ix, n) in &new_nodes {
            v[*ix] = n.clone();
        }
        patched = v;
        &patched
    };
    // A node that no longer reads is reported once, as the files' validator does: links
    // naming it are not reported again.
    let invalid: HashSet<String> = failed_nodes
        .iter()
        .map(|&ix| net.nodes[ix].id.0.clone())
        .collect();
    let index_without_failed;
    let index: &HashMap<String, usize> = if failed_nodes.is_empty() {
        &net.node_index
    } else {
        let mut m = (*net.node_index).clone();
        m.retain(|id, _| !invalid.contains(id));
        index_without_failed = m;
        &index_without_failed
    };
    let node_set = checks::NodeSet {
        nodes: node_list,
        index,
        invalid: &invalid,
    };
    let mut checked = Vec::with_capacity(new_links.len());
    for (ix, mut l) in new_links {
        if checks::check_link(ix, &mut l, &node_set, &mut problems) {
            checked.push((ix, l));
        }
    }
    // Links touching an edited node (and not edited themselves) meet the node's new fields.
    let mut touching: Vec<usize> = new_nodes
        .iter()
        .map(|(ix, _)| *ix)
        .chain(failed_nodes.iter().copied())
        .flat_map(|u| net.incident(u).iter().copied())
        .filter(|l| !checked.iter().any(|(c, _)| c == l))
        .collect();
    touching.sort_unstable();
    touching.dedup();
    for ix in touching {
        let mut l = Link::clone(&net.links[ix]);
        checks::check_link(ix, &mut l, &node_set, &mut problems);
    }
    // A stable sort: within one feature, problems stay in the order they were found.
    problems.sort_by_key(|p| (p.file != NODES_FILE, p.feature));
    if problems.is_empty() {
        Ok(net.with_replaced(new_nodes, checked))
    } else {
        Err(LoadError::Invalid(problems))
    }
}

/// The network of a prepared file's features: `(properties, position)` per node and
/// `(properties, vertices, length_km)` per link, read by the same per-feature readers as the
/// files (in parallel, without parsing any geometry) and cross-checked the same way; the
/// lengths are the validated ones (a derived length keeps its full precision).
///
/// # Errors
/// [`LoadError::Invalid`] with every problem, as [`validate`] reports them.
pub(crate) fn from_prepared(
    file: &std::sync::Arc<super::filebytes::FileBytes>,
    node_parts: &[(&str, geo::Point<f64>)],
    link_parts: &[(&str, &[[i32; 2]], f64)],
) -> Result<Network, LoadError> {
    use rayon::prelude::*;
    let (read_nodes, read_links) = rayon::join(
        || {
            node_parts
                .par_iter()
                .enumerate()
                .map(|(ix, (text, point))| {
                    let mut p = Vec::new();
                    let n = parse_props(NODES_FILE, ix, text, &mut p)
                        .and_then(|m| nodes::reread_node(ix, m, *point, &mut p))
                        .map(|mut n| {
                            // The text as read, kept in the file, when it is what the reader
                            // writes (as `corridor prepare` wrote it).
                            if n.properties.as_json() == *text {
                                n.properties = super::Properties::in_file(file, text);
                            }
                            n
                        });
                    (n, p)
                })
                .collect::<Vec<_>>()
        },
        || {
            link_parts
                .par_iter()
                .enumerate()
                .map(|(ix, (text, raw, km))| {
                    let mut p = Vec::new();
                    let line = super::Line::in_file(file, raw);
                    let l =
                        links::read_prepared_link(file, ix, text, line, &mut p).map(|mut link| {
                            link.length_km = *km;
                            links::RawLink { ix, link }
                        });
                    (l, p)
                })
                .collect::<Vec<_>>()
        },
    );
    let mut problems = Vec::new();
    let mut node_list = Vec::with_capacity(read_nodes.len());
    for (n, p) in read_nodes {
        problems.extend(p);
        node_list.extend(n);
    }
    let mut raw_links = Vec::with_capacity(read_links.len());
    for (l, p) in read_links {
        problems.extend(p);
        raw_links.extend(l);
    }
    if !problems.is_empty() {
        return Err(LoadError::Invalid(problems));
    }
    let node_index = checks::index_nodes(&node_list, "", &mut problems);
    let node_set = checks::NodeSet {
        nodes: &node_list,
        index: &node_index,
        invalid: &HashSet::new(),
    };
    let (links, link_index) = checks::check_links(raw_links, &node_set, &mut problems);
    problems.sort_by_key(|p| (p.file != NODES_FILE, p.feature));
    if problems.is_empty() {
        let mut net = Network::from_parts(node_list, links, node_index, link_index);
        net.file = Some(std::sync::Arc::clone(file));
        Ok(net)
    } else {
        Err(LoadError::Invalid(problems))
    }
}

/// The properties object of a prepared file's feature; a problem when it is not one.
fn parse_props(
    file: &str,
    ix: usize,
    text: &str,
    p: &mut Vec<Problem>,
) -> Option<Map<String, Value>> {
    match serde_json::from_str::<Map<String, Value>>(text) {
        Ok(m) => Some(m),
        Err(e) => {
            p.push(Problem {
                file: file.into(),
                feature: Some(ix),
                id: None,
                field: "properties".into(),
                message: format!("does not read as a JSON object: {e}"),
            });
            None
        }
    }
}

/// Validates the two files' contents (see [`validate`]).
pub fn load_from_strs(nodes_text: &str, links_text: &str) -> Result<Network, LoadError> {
    validate(&Documents {
        nodes: Cow::Borrowed(nodes_text),
        links: Cow::Borrowed(links_text),
    })
}
