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

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

use super::Network;
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
    /// The data was read but has problems; all of them are listed.
    #[error("{} problem(s) in the network data:\n{}", .0.len(), .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
}

impl LoadError {
    /// The problems, when the data was invalid.
    pub fn problems(&self) -> &[Problem] {
        match self {
            LoadError::Invalid(p) => p,
            LoadError::Io { .. } => &[],
        }
    }
}

/// Validates the two documents into a [`Network`].
///
/// # Returns
/// The network, or [`LoadError::Invalid`] listing every problem found: nodes first, then
/// links, each in feature order.
pub fn validate(docs: &Documents<'_>) -> Result<Network, LoadError> {
    let mut problems = Vec::new();
    let read = nodes::read_nodes(&docs.nodes, &mut problems);
    let raw_links = links::read_links(&docs.links, &mut problems);
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

/// Validates the two files' contents (see [`validate`]).
pub fn load_from_strs(nodes_text: &str, links_text: &str) -> Result<Network, LoadError> {
    validate(&Documents {
        nodes: Cow::Borrowed(nodes_text),
        links: Cow::Borrowed(links_text),
    })
}
