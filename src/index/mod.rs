//! Spatial indexes (rstar) over nodes and link bounding boxes, built once per snapshot, for snapping
//! (like Valhalla's loki) and map queries; and the name index of the place resolver
//! ([`places`]), built with them.
//!
//! Two R-trees: one over node positions, one over the bounding box of every link geometry;
//! a link whose box meets a query box is then checked segment by segment (not only its
//! vertices), so that a long link crossing a box with no vertex inside it is still found, and
//! one near the box but not in it is not. (A tree over every segment found the same links but
//! held ~64 bytes per vertex: 355 MB for a 10⁵-node network of 5.8·10⁶ vertices.) Both work in lon/lat degrees (CRS84); distances returned are geodesic
//! (haversine, km), so nearest candidates are re-ranked by true distance before being returned.
//! Boxes are planar in lon/lat, as RFC 7946 draws lines.

mod bbox;
pub mod places;
mod select;

use std::ops::ControlFlow;

use geo::{Distance, Haversine, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

pub use bbox::{BBox, BBoxError, clip_polyline, clip_segment};
pub use places::{MatchKind, NameSource, PlaceIndex, PlaceMatch, Resolution, fold};
pub use select::{
    FeatureFilter, Layer, close_ids, find_item, layer_extent, layer_items, layer_items_in,
    select_crossings, select_features,
};

use crate::network::{LinkKind, Network, Node};

/// A node position in the tree, carrying the node's index.
pub type NodeEntry = GeomWithData<[f64; 2], usize>;

/// The bounding box of a link geometry, carrying the link's index.
pub type LinkEntry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// How many nearest candidates (by degrees) are re-ranked by geodesic distance beyond `k`.
/// A degree of longitude is ~0.6 of a degree of latitude at 50°N, so the order by degrees can
/// differ from the true order; a margin of candidates absorbs that.
const RERANK_MARGIN: usize = 16;

/// The spatial indexes of one network.
#[derive(Debug)]
pub struct SpatialIndex {
    nodes: RTree<NodeEntry>,
    links: RTree<LinkEntry>,
    /// Each link's geometry (shared with the network), for the exact check of a candidate.
    lines: Vec<crate::network::Line>,
    node_extent: Option<BBox>,
    link_extent: Option<BBox>,
    crossing_extent: Option<BBox>,
    places: PlaceIndex,
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
    /// Builds the indexes (bulk-loaded) and the extents of each layer.
    ///
    /// # Complexity
    /// O(s log s) for s nodes plus links.
    pub fn build(net: &Network) -> Self {
        let entries = net
            .nodes()
            .iter()
            .enumerate()
            .map(|(i, n)| GeomWithData::new([n.point.x(), n.point.y()], i))
            .collect();
        let boxes = net
            .links()
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                let b = BBox::around(l.geometry.coords().map(|c| [c.x, c.y]))?;
                let r = Rectangle::from_corners([b.min_lon, b.min_lat], [b.max_lon, b.max_lat]);
                Some(GeomWithData::new(r, i))
            })
            .collect();
        let link_points = |kind: Option<LinkKind>| {
            net.links()
                .iter()
                .filter(move |l| kind.is_none_or(|k| l.kind == k))
                .flat_map(|l| l.geometry.coords().map(|c| [c.x, c.y]))
        };
        Self {
            nodes: RTree::bulk_load(entries),
            links: RTree::bulk_load(boxes),
            lines: net.links().iter().map(|l| l.geometry.clone()).collect(),
            node_extent: BBox::around(net.nodes().iter().map(|n| [n.point.x(), n.point.y()])),
            link_extent: BBox::around(link_points(None)),
            crossing_extent: BBox::around(link_points(Some(LinkKind::Crossing))),
            places: PlaceIndex::build(net),
        }
    }

    /// The name index of the place resolver ([`places`]).
    pub fn places(&self) -> &PlaceIndex {
        &self.places
    }

    /// The extent of all nodes (`None` for an empty network).
    pub fn node_extent(&self) -> Option<BBox> {
        self.node_extent
    }

    /// The extent of all link geometries.
    pub fn link_extent(&self) -> Option<BBox> {
        self.link_extent
    }

    /// The extent of the border-crossing links' geometries.
    pub fn crossing_extent(&self) -> Option<BBox> {
        self.crossing_extent
    }

    /// Indices (into [`Network::nodes`]) of the nodes inside `bbox`, edges included,
    /// ascending (file order).
    ///
    /// # Complexity
    /// O(log n + m) for m nodes found.
    pub fn nodes_in_bbox(&self, bbox: &BBox) -> Vec<usize> {
        self.nodes_in_bbox_where(bbox, |_| true)
    }

    /// As [`SpatialIndex::nodes_in_bbox`], keeping only the nodes `wanted` accepts (asked
    /// before anything is collected: a low-zoom tile drops most nodes of its box).
    pub fn nodes_in_bbox_where(&self, bbox: &BBox, wanted: impl Fn(usize) -> bool) -> Vec<usize> {
        let env = envelope(bbox);
        let mut found = Vec::new();
        let _ = self.nodes.locate_in_envelope_int(&env, |e| {
            if wanted(e.data) {
                found.push(e.data);
            }
            ControlFlow::<()>::Continue(())
        });
        found.sort_unstable();
        found
    }

    /// Indices (into [`Network::links`]) of the links whose geometry touches `bbox`, edges
    /// included, ascending (file order). A link crossing the box with no vertex inside it is
    /// found: candidate links come from the tree of link boxes, then each segment of a
    /// candidate is checked exactly ([`BBox::intersects_segment`]) until one touches.
    ///
    /// # Complexity
    /// O(log l + c·v) for c candidate links of v vertices, plus O(m log m) to order the m
    /// links found.
    pub fn links_in_bbox(&self, bbox: &BBox) -> Vec<usize> {
        self.links_in_bbox_where(bbox, |_| true)
    }

    /// As [`SpatialIndex::links_in_bbox`], keeping only the links `wanted` accepts. `wanted`
    /// is asked before a candidate's segments are checked, so the links it refuses cost no
    /// read of their geometry (a low-zoom tile drops most links of its box).
    pub fn links_in_bbox_where(&self, bbox: &BBox, wanted: impl Fn(usize) -> bool) -> Vec<usize> {
        let env = envelope(bbox);
        let mut found = Vec::new();
        let _ = self.links.locate_in_envelope_intersecting_int(&env, |e| {
            if !wanted(e.data) {
                return ControlFlow::<()>::Continue(());
            }
            let mut cs = self.lines[e.data].coords().map(|c| [c.x, c.y]);
            if let Some(mut a) = cs.next() {
                // Validation gives every line at least two vertices.
                let touches = cs.any(|b| {
                    let hit = bbox.intersects_segment(a, b);
                    a = b;
                    hit
                });
                if touches {
                    found.push(e.data);
                }
            }
            ControlFlow::<()>::Continue(())
        });
        found.sort_unstable();
        found
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

fn envelope(b: &BBox) -> AABB<[f64; 2]> {
    AABB::from_corners([b.min_lon, b.min_lat], [b.max_lon, b.max_lat])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::load_from_strs;

    /// ```text
    ///   c(0,2) ─────────────── d(10,2)      a long road with no vertex near the middle
    ///   a(0,0) ── b(1,0)                    a short rail line
    /// ```
    fn drawn() -> Network {
        let node = |id: &str, lon: f64, lat: f64, mode: &str| {
            format!(
                r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{lon},{lat}]}},"properties":{{"id":"{id}","name":"{id}","country":"MN","kind":"city","modes":["{mode}"],"intermodal":false,"source":"test"}}}}"#
            )
        };
        let nodes = format!(
            r#"{{"type":"FeatureCollection","features":[{},{},{},{}]}}"#,
            node("a", 0.0, 0.0, "rail"),
            node("b", 1.0, 0.0, "rail"),
            node("c", 0.0, 2.0, "road"),
            node("d", 10.0, 2.0, "road"),
        );
        let links = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,0]]},"properties":{"id":"ab","from":"a","to":"b","mode":"rail","kind":"line","gauge_mm":1520,"speed_kmh":50,"status":"open","source":"test"}},
          {"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,2],[10,2]]},"properties":{"id":"cd","from":"c","to":"d","mode":"road","kind":"road","speed_kmh":60,"status":"open","source":"test"}}
        ]}"#;
        load_from_strs(&nodes, links).unwrap()
    }

    #[test]
    fn long_link_crossing_the_box_without_a_vertex_is_found() {
        let net = drawn();
        let ix = SpatialIndex::build(&net);
        let b = BBox::new(4.0, 1.0, 6.0, 3.0).unwrap();
        assert_eq!(ix.links_in_bbox(&b), vec![net.link_ix("cd").unwrap()]);
        assert!(ix.nodes_in_bbox(&b).is_empty());
    }

    #[test]
    fn box_near_but_off_a_link_finds_nothing() {
        let ix = SpatialIndex::build(&drawn());
        let b = BBox::new(4.0, 2.1, 6.0, 3.0).unwrap();
        assert!(ix.links_in_bbox(&b).is_empty());
    }

    #[test]
    fn nodes_and_links_in_a_corner_box() {
        let net = drawn();
        let ix = SpatialIndex::build(&net);
        let b = BBox::new(-0.5, -0.5, 0.5, 2.5).unwrap();
        assert_eq!(ix.nodes_in_bbox(&b), vec![0, 2]);
        assert_eq!(ix.links_in_bbox(&b), vec![0, 1]);
    }

    #[test]
    fn extents_cover_the_layers() {
        let ix = SpatialIndex::build(&drawn());
        assert_eq!(ix.node_extent().unwrap().to_array(), [0.0, 0.0, 10.0, 2.0]);
        assert_eq!(ix.link_extent().unwrap().to_array(), [0.0, 0.0, 10.0, 2.0]);
        assert_eq!(ix.crossing_extent(), None);
    }

    #[test]
    fn nearest_is_geodesic_and_filtered() {
        let net = drawn();
        let ix = SpatialIndex::build(&net);
        let found = ix.nearest_nodes(&net, 0.9, 0.1, 2, |_| true);
        assert_eq!(found[0].node_ix, 1);
        assert_eq!(found[1].node_ix, 0);
        assert!((found[0].distance_km - 15.6).abs() < 0.2);
        let road = ix.nearest_nodes(&net, 0.9, 0.1, 1, |n| n.serves(crate::network::Mode::Road));
        assert_eq!(road[0].node_ix, 2);
    }

    mod oracle {
        use super::*;
        use proptest::prelude::*;

        fn brute_links(net: &Network, b: &BBox) -> Vec<usize> {
            (0..net.links().len())
                .filter(|&i| {
                    net.links()[i]
                        .geometry
                        .to_line_string()
                        .lines()
                        .any(|s| b.intersects_segment(s.start.into(), s.end.into()))
                })
                .collect()
        }

        fn brute_nodes(net: &Network, b: &BBox) -> Vec<usize> {
            (0..net.nodes().len())
                .filter(|&i| b.contains([net.nodes()[i].point.x(), net.nodes()[i].point.y()]))
                .collect()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]
            /// On the embedded network, the indexed answers equal a scan of every node and
            /// every segment, for boxes from a few km to continent-sized.
            #[test]
            fn index_equals_brute_force(
                lon in 45.0..140.0f64, lat in 35.0..60.0f64,
                w in 0.01..40.0f64, h in 0.01..20.0f64,
            ) {
                static BUILT: std::sync::OnceLock<(Network, SpatialIndex)> = std::sync::OnceLock::new();
                let (net, ix) = BUILT.get_or_init(|| {
                    let net = Network::embedded().unwrap();
                    let ix = SpatialIndex::build(&net);
                    (net, ix)
                });
                let b = BBox::new(lon, lat, (lon + w).min(180.0), (lat + h).min(90.0)).unwrap();
                prop_assert_eq!(ix.links_in_bbox(&b), brute_links(net, &b));
                prop_assert_eq!(ix.nodes_in_bbox(&b), brute_nodes(net, &b));
            }
        }
    }
}
