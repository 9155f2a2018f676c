//! The network: model, sources, validation and topology (like Valhalla's baldr + mjolnir).
//!
//! Data comes from a [`Source`] (the embedded `geodata/`, or a directory), is validated by
//! [`load`], and only then becomes a [`Network`], read-only from there on. At load the
//! network builds its topology once as a petgraph graph ([`LinkGraph`]); [`topology`]
//! analyses it (components, bridges, articulation points).

mod filebytes;
mod graph;
mod model;
pub mod prepared;
pub mod scenario;
pub mod source;
pub mod topology;
mod validate;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

pub use graph::LinkGraph;
pub use model::*;
pub use source::{Documents, EMBEDDED_LINKS, EMBEDDED_NODES, Source, load};
pub(crate) use validate::{CAPACITY_FIELDS, Edits, revalidate};
pub use validate::{
    ENDPOINT_TOLERANCE_KM, LINKS_FILE, LoadError, NODES_FILE, Problem, load_from_strs, validate,
};

/// A validated network of nodes and links.
///
/// Everything is behind an `Arc`: cloning is cheap, and a scenario's network
/// ([`Network::with_replaced`]) shares what it does not change (the nodes when it changes only
/// links, the id indexes and the topology when no link changes its ends).
#[derive(Debug, Clone)]
pub struct Network {
    nodes: Arc<Vec<Node>>,
    /// Each link behind its own `Arc`, so a scenario replacing a few copies pointers, not
    /// links.
    links: Arc<Vec<Arc<Link>>>,
    node_index: Arc<HashMap<String, usize>>,
    /// Link indices sorted by id, for lookup by binary search: 4 bytes a link, where a hash
    /// map of ids held a third copy of every id.
    link_index: Arc<Vec<u32>>,
    /// Countries that have at least one node, sorted (computed once: requests check
    /// country lists against it).
    countries: Arc<Vec<String>>,
    /// The topology, built once.
    graph: Arc<LinkGraph>,
    /// For each node, the indices of the links touching it, in file order (from `graph`,
    /// flattened for the hot paths that walk it).
    incident: Arc<Incidence>,
    /// The prepared file whose bytes the features' texts and vertices lie in, when read from
    /// one ([`filebytes`]).
    file: Option<Arc<filebytes::FileBytes>>,
}

impl Network {
    pub(crate) fn from_parts(
        nodes: Vec<Node>,
        links: Vec<Link>,
        node_index: HashMap<String, usize>,
        link_index: HashMap<String, usize>,
    ) -> Self {
        let mut sources: HashMap<Arc<str>, ()> = HashMap::new();
        let links: Vec<Arc<Link>> = links
            .into_iter()
            .map(|mut l| {
                // One text per distinct source, shared by the links citing it.
                match sources.get_key_value(&l.source) {
                    Some((shared, _)) => l.source = Arc::clone(shared),
                    None => {
                        sources.insert(Arc::clone(&l.source), ());
                    }
                }
                Arc::new(l)
            })
            .collect();
        drop(sources);
        debug_assert_eq!(link_index.len(), links.len());
        drop(link_index);
        let mut by_id: Vec<u32> = (0..links.len() as u32).collect();
        by_id.sort_unstable_by(|&a, &b| links[a as usize].id.cmp(&links[b as usize].id));
        let (graph, incident) = Self::topology(nodes.len(), &links);
        let mut countries: Vec<String> = nodes.iter().map(|n| n.country.clone()).collect();
        countries.sort();
        countries.dedup();
        Self {
            countries: Arc::new(countries),
            nodes: Arc::new(nodes),
            links: Arc::new(links),
            node_index: Arc::new(node_index),
            link_index: Arc::new(by_id),
            graph,
            incident,
            file: None,
        }
    }

    /// Hands the resident pages of the prepared file this network reads its texts and
    /// vertices from back to the kernel, after a pass that read all of them (opening,
    /// hashing, the tiles' thinning): answers fault in again only what they show. Nothing
    /// for a network read from GeoJSON.
    pub fn release_file_pages(&self) {
        if let Some(f) = &self.file {
            f.release();
        }
    }

    fn topology(n_nodes: usize, links: &[Arc<Link>]) -> (Arc<LinkGraph>, Arc<Incidence>) {
        let graph = LinkGraph::build(n_nodes, links);
        let mut incident = Incidence {
            start: Vec::with_capacity(n_nodes + 1),
            links: Vec::with_capacity(2 * links.len()),
        };
        incident.start.push(0);
        for u in 0..n_nodes {
            incident.links.extend(graph.links_at(u));
            incident.start.push(incident.links.len());
        }
        (Arc::new(graph), Arc::new(incident))
    }

    /// This network with some nodes and links replaced by checked versions of themselves
    /// (`(index, value)`, same ids), sharing everything else: the node list when no node is
    /// replaced, the id indexes, and the topology unless a replaced link joins other nodes.
    ///
    /// # Complexity
    /// O(links) pointer copies for the link list when a link is replaced (the links
    /// themselves are shared), O(nodes) node copies likewise; O(1) for the rest.
    pub(crate) fn with_replaced(
        &self,
        nodes: Vec<(usize, Node)>,
        links: Vec<(usize, Link)>,
    ) -> Self {
        let mut out = self.clone();
        if !nodes.is_empty() {
            let mut v = (*self.nodes).clone();
            for (ix, n) in nodes {
                debug_assert_eq!(v[ix].id, n.id);
                // The cached country list holds: an edit cannot move a node.
                debug_assert_eq!(v[ix].country, n.country);
                v[ix] = n;
            }
            out.nodes = Arc::new(v);
        }
        if !links.is_empty() {
            let mut v = (*self.links).clone();
            let mut moved = false;
            for (ix, l) in links {
                debug_assert_eq!(v[ix].id, l.id);
                moved |= (v[ix].from_ix, v[ix].to_ix) != (l.from_ix, l.to_ix);
                v[ix] = Arc::new(l);
            }
            if moved {
                (out.graph, out.incident) = Self::topology(out.nodes.len(), &v);
            }
            out.links = Arc::new(v);
        }
        out
    }

    /// Loads and validates `nodes.geojson` and `links.geojson` from a directory
    /// (`load(&Source::Dir(..))`).
    pub fn load_dir(dir: &Path) -> Result<Self, LoadError> {
        load(&Source::Dir(dir.to_path_buf()))
    }

    /// The default network compiled into the binary (`load(&Source::Embedded)`).
    pub fn embedded() -> Result<Self, LoadError> {
        load(&Source::Embedded)
    }

    /// The topology: nodes joined by links, as a graph.
    pub fn graph(&self) -> &LinkGraph {
        &self.graph
    }

    /// All nodes, in file order.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// All links, in file order.
    pub fn links(&self) -> &[Arc<Link>] {
        &self.links
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.node_index.get(id).map(|&i| &self.nodes[i])
    }

    /// Index of the node with this id in [`Network::nodes`].
    pub fn node_ix(&self, id: &str) -> Option<usize> {
        self.node_index.get(id).copied()
    }

    /// The link with this id.
    pub fn link(&self, id: &str) -> Option<&Link> {
        self.link_ix(id).map(|i| &*self.links[i])
    }

    /// Index of the link with this id in [`Network::links`].
    pub fn link_ix(&self, id: &str) -> Option<usize> {
        self.link_index
            .binary_search_by(|&i| self.links[i as usize].id.0.as_str().cmp(id))
            .ok()
            .map(|k| self.link_index[k] as usize)
    }

    /// Indices of the links touching node `node_ix`.
    pub fn incident(&self, node_ix: usize) -> &[usize] {
        let inc = &self.incident;
        &inc.links[inc.start[node_ix]..inc.start[node_ix + 1]]
    }

    /// Border-crossing links.
    pub fn crossings(&self) -> impl Iterator<Item = &Link> {
        self.links
            .iter()
            .map(|l| &**l)
            .filter(|l| l.kind == LinkKind::Crossing)
    }

    /// Countries that have at least one node, sorted.
    pub fn countries(&self) -> &[String] {
        &self.countries
    }

    /// Counts and lengths for `corridor validate` and the docs.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            nodes: self.nodes.len(),
            links: self.links.len(),
            ..Default::default()
        };
        for n in self.nodes.iter() {
            *s.nodes_by_kind.entry(n.kind.to_string()).or_default() += 1;
            *s.nodes_by_country.entry(n.country.clone()).or_default() += 1;
        }
        for l in self.links.iter() {
            *s.links_by_kind.entry(l.kind.to_string()).or_default() += 1;
            *s.links_by_mode.entry(l.mode.to_string()).or_default() += 1;
            *s.km_by_mode.entry(l.mode.to_string()).or_default() += l.length_km;
            if let Some(c) = &l.crossing {
                let mut pair = c.countries.clone();
                pair.sort();
                *s.crossings_by_border
                    .entry(format!("{}-{}", pair[0], pair[1]))
                    .or_default() += 1;
            } else {
                let country = &self.nodes[l.from_ix].country;
                *s.km_by_country_mode
                    .entry(format!("{country} {}", l.mode))
                    .or_default() += l.length_km;
            }
            s.total_km += l.length_km;
            let basis = match (&l.capacity, l.capacity_basis) {
                (None, _) => "none",
                (Some(_), Some(b)) => b.as_str(),
                (Some(_), None) => "unstated",
            };
            if l.kind == LinkKind::Crossing {
                if l.status != Status::Closed {
                    *s.capacity.crossings.entry(basis.into()).or_default() += 1;
                }
            } else if l.mode == Mode::Rail
                || matches!(l.road_class, Some(RoadClass::Trunk | RoadClass::Motorway))
            {
                *s.capacity.mainline_km.entry(basis.into()).or_default() += l.length_km;
            }
        }
        s
    }
}

/// For each node, the links touching it, in one flat list (compressed sparse rows): the links
/// of node `u` are `links[start[u]..start[u + 1]]`.
#[derive(Debug)]
struct Incidence {
    start: Vec<usize>,
    links: Vec<usize>,
}

/// Counts by kind, mode and country, and lengths.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    /// Number of nodes.
    pub nodes: usize,
    /// Number of links.
    pub links: usize,
    /// Nodes by kind.
    pub nodes_by_kind: BTreeMap<String, usize>,
    /// Nodes by country.
    pub nodes_by_country: BTreeMap<String, usize>,
    /// Links by kind.
    pub links_by_kind: BTreeMap<String, usize>,
    /// Links by mode.
    pub links_by_mode: BTreeMap<String, usize>,
    /// Kilometres by mode.
    pub km_by_mode: BTreeMap<String, f64>,
    /// Kilometres of non-crossing links by "COUNTRY mode".
    pub km_by_country_mode: BTreeMap<String, f64>,
    /// Crossing links by border, e.g. `MN-RU`.
    pub crossings_by_border: BTreeMap<String, usize>,
    /// Total kilometres.
    pub total_km: f64,
    /// How much of the network has a capacity, by basis.
    pub capacity: CapacityCoverage,
}

/// Capacity coverage by `capacity_basis` (`design`, `throughput`, `estimate`; `unstated` for
/// a capacity without a basis, `none` for no capacity).
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct CapacityCoverage {
    /// Crossing links that are not closed, by basis.
    pub crossings: BTreeMap<String, usize>,
    /// Kilometres of mainline (rail lines, trunk and motorway roads; crossings excluded), by
    /// basis.
    pub mainline_km: BTreeMap<String, f64>,
}

impl CapacityCoverage {
    /// Share (0–1) of the crossings that are not closed with a capacity of `basis`.
    pub fn crossing_share(&self, basis: &str) -> f64 {
        share(
            self.crossings.get(basis).map_or(0.0, |&n| n as f64),
            self.crossings.values().sum::<usize>() as f64,
        )
    }

    /// Share (0–1) of the mainline km with a capacity of `basis`.
    pub fn mainline_km_share(&self, basis: &str) -> f64 {
        share(
            self.mainline_km.get(basis).copied().unwrap_or(0.0),
            self.mainline_km.values().sum(),
        )
    }
}

fn share(part: f64, total: f64) -> f64 {
    if total > 0.0 { part / total } else { 0.0 }
}

/// `basis n (p%)` for every basis present, in the order design, throughput, estimate,
/// unstated, none.
fn coverage_line(m: &BTreeMap<String, f64>, total: f64) -> String {
    ["design", "throughput", "estimate", "unstated", "none"]
        .iter()
        .filter_map(|&b| {
            // Always show the three bases and "none"; "unstated" only when present.
            let v = match m.get(b) {
                Some(&v) => v,
                None if b == "unstated" => return None,
                None => 0.0,
            };
            Some(format!("{b} {v:.0} ({:.0}%)", 100.0 * share(v, total)))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "network is valid: {} nodes, {} links, {:.0} km",
            self.nodes, self.links, self.total_km
        )?;
        let join = |m: &BTreeMap<String, usize>| {
            m.iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let joinf = |m: &BTreeMap<String, f64>| {
            m.iter()
                .map(|(k, v)| format!("{k} {v:.0}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        writeln!(f, "nodes by kind:      {}", join(&self.nodes_by_kind))?;
        writeln!(f, "nodes by country:   {}", join(&self.nodes_by_country))?;
        writeln!(f, "links by kind:      {}", join(&self.links_by_kind))?;
        writeln!(f, "links by mode:      {}", join(&self.links_by_mode))?;
        writeln!(f, "km by mode:         {}", joinf(&self.km_by_mode))?;
        writeln!(f, "km by country/mode: {}", joinf(&self.km_by_country_mode))?;
        writeln!(
            f,
            "crossings by border: {}",
            join(&self.crossings_by_border)
        )?;
        let c = &self.capacity;
        let n: usize = c.crossings.values().sum();
        let crossings: BTreeMap<String, f64> = c
            .crossings
            .iter()
            .map(|(k, &v)| (k.clone(), v as f64))
            .collect();
        writeln!(
            f,
            "capacity, crossings (not closed, {n}): {}",
            coverage_line(&crossings, n as f64)
        )?;
        let km: f64 = c.mainline_km.values().sum();
        write!(
            f,
            "capacity, mainline km (rail, trunk/motorway; {km:.0} km): {}",
            coverage_line(&c.mainline_km, km)
        )
    }
}

pub use crate::fields::{MAX_SUGGESTIONS, SUGGESTION_SIMILARITY, suggest};
