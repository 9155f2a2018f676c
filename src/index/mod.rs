//! Spatial indexes (rstar) over nodes and link segments, built once per snapshot, for snapping
//! (like Valhalla's loki) and map queries.
//!
//! Distances returned are geodesic (haversine, km); the R-tree itself works in lon/lat
//! degrees, so candidates are re-ranked by true distance before being returned.

use geo::{Distance, Haversine, Point};
use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::network::{Network, Node};

/// A node position in the tree, carrying the node's index.
pub type NodeEntry = GeomWithData<[f64; 2], usize>;

/// How many nearest candidates (by degrees) are re-ranked by geodesic distance beyond `k`.
/// A degree of longitude is ~0.6 of a degree of latitude at 50°N, so the order by degrees can
/// differ from the true order; a margin of candidates absorbs that.
const RERANK_MARGIN: usize = 16;

/// The spatial indexes of one network.
#[derive(Debug)]
pub struct SpatialIndex {
    nodes: RTree<NodeEntry>,
}

/// A node found near a position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearNode {
    /// Index into [`Network::nodes`].
    pub node_ix: usize,
    /// Geodesic distance, km.
    pub distance_km: f64,
}

impl SpatialIndex {
    /// Builds the indexes (bulk-loaded).
    pub fn build(net: &Network) -> Self {
        let entries = net
            .nodes()
            .iter()
            .enumerate()
            .map(|(i, n)| GeomWithData::new([n.point.x(), n.point.y()], i))
            .collect();
        Self {
            nodes: RTree::bulk_load(entries),
        }
    }

    /// The `k` nodes nearest to (`lon`, `lat`) that satisfy `filter`, nearest first.
    ///
    /// # Complexity
    /// O(log n + m) where m is the number of candidates rejected by `filter`.
    pub fn nearest_nodes(
        &self,
        net: &Network,
        lon: f64,
        lat: f64,
        k: usize,
        filter: impl Fn(&Node) -> bool,
    ) -> Vec<NearNode> {
        if k == 0 {
            return Vec::new();
        }
        let here = Point::new(lon, lat);
        let mut found: Vec<NearNode> = self
            .nodes
            .nearest_neighbor_iter(&[lon, lat])
            .filter(|e| filter(&net.nodes()[e.data]))
            .take(k + RERANK_MARGIN)
            .map(|e| NearNode {
                node_ix: e.data,
                distance_km: Haversine::distance(here, net.nodes()[e.data].point) / 1000.0,
            })
            .collect();
        found.sort_by(|a, b| {
            a.distance_km
                .total_cmp(&b.distance_km)
                .then(a.node_ix.cmp(&b.node_ix))
        });
        found.truncate(k);
        found
    }
}
