//! The network's topology as a petgraph graph, built once when a [`super::Network`] is.
//!
//! One graph node per network node and one undirected edge per link (whatever its mode,
//! status or direction); each graph node carries its index in [`super::Network::nodes`] and
//! each edge the index of its link in [`super::Network::links`]. petgraph's indices stay in
//! this module: callers see node and link indices only. The compact search and flow arrays
//! of `route` and `capacity` are derived from this adjacency, once per snapshot.

use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;

use super::model::Link;

/// Nodes joined by links; see the module docs.
#[derive(Debug, Clone, Default)]
pub struct LinkGraph {
    graph: UnGraph<u32, u32>,
}

impl LinkGraph {
    /// Builds the graph of `node_count` nodes and `links` (whose `from_ix`/`to_ix` are set).
    ///
    /// # Complexity
    /// O(nodes + links).
    pub(super) fn build(node_count: usize, links: &[std::sync::Arc<Link>]) -> Self {
        let mut graph = UnGraph::with_capacity(node_count, links.len());
        for i in 0..node_count {
            graph.add_node(i as u32);
        }
        for (i, l) in links.iter().enumerate() {
            graph.add_edge(node(l.from_ix), node(l.to_ix), i as u32);
        }
        Self { graph }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of links.
    pub fn link_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The links touching node `node_ix` with the node at their other end, as
    /// `(link_ix, other_node_ix)`, in no particular order.
    pub fn neighbours(&self, node_ix: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let here = node(node_ix);
        self.graph.edges(here).map(move |e| {
            let other = if e.source() == here {
                e.target()
            } else {
                e.source()
            };
            (*e.weight() as usize, self.graph[other] as usize)
        })
    }

    /// The links touching node `node_ix`, in file order.
    pub fn links_at(&self, node_ix: usize) -> Vec<usize> {
        let mut v: Vec<usize> = self.neighbours(node_ix).map(|(l, _)| l).collect();
        v.sort_unstable();
        v
    }
}

fn node(ix: usize) -> NodeIndex {
    NodeIndex::new(ix)
}
