//! Which features a map query selects: the layers, and the filters of `/v1/features`,
//! `/v1/crossings` and the OGC collections' items, answered from the [`SpatialIndex`]. No
//! HTTP and no JSON here: results are indices into [`Network::nodes`] / [`Network::links`].

use std::collections::BTreeSet;

use super::{BBox, SpatialIndex};
use crate::fields::{str_enum, suggest_with};
use crate::network::{LinkKind, Mode, Network, NodeKind};

str_enum!(
    /// A map layer, also an OGC API – Features collection (the spelling is the collection id;
    /// titles and descriptions belong to the output layer).
    Layer {
        /// Places (Points).
        Nodes = "nodes",
        /// Rail lines, roads and crossings (LineStrings).
        Links = "links",
        /// Border crossings only (LineStrings), with their border attributes.
        Crossings = "crossings",
    }
);

/// Indices of a layer's items, in file order: node indices for [`Layer::Nodes`], link indices
/// otherwise.
pub fn layer_items(layer: Layer, net: &Network) -> Vec<usize> {
    match layer {
        Layer::Nodes => (0..net.nodes().len()).collect(),
        Layer::Links => (0..net.links().len()).collect(),
        Layer::Crossings => net
            .links()
            .iter()
            .enumerate()
            .filter(|(_, l)| l.kind == LinkKind::Crossing)
            .map(|(i, _)| i)
            .collect(),
    }
}

/// The filters of a box query. `None` means "no filter".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeatureFilter {
    /// Only these modes: nodes serving it, links of it.
    pub mode: Option<Mode>,
    /// Only these countries: a node's country, either end of a link.
    pub countries: Option<BTreeSet<String>>,
    /// Only nodes of these kinds (an empty list selects no node).
    pub node_kinds: Option<Vec<NodeKind>>,
    /// Only links of these kinds (an empty list selects no link).
    pub link_kinds: Option<Vec<LinkKind>>,
}

impl FeatureFilter {
    fn country_ok(&self, c: &str) -> bool {
        self.countries.as_ref().is_none_or(|cs| cs.contains(c))
    }
}

/// The features of `layers` touching `bbox` and passing `filter`: nodes, then links, then
/// crossings, each in file order. A crossing asked for as both a link and a crossing is
/// returned once, as a crossing.
///
/// # Complexity
/// O(log n + m) per layer for m features in the box (see [`SpatialIndex::links_in_bbox`]).
pub fn select_features(
    net: &Network,
    index: &SpatialIndex,
    bbox: &BBox,
    layers: &BTreeSet<Layer>,
    filter: &FeatureFilter,
) -> Vec<(Layer, usize)> {
    let mut out = Vec::new();
    if layers.contains(&Layer::Nodes) {
        for ix in index.nodes_in_bbox(bbox) {
            let n = &net.nodes()[ix];
            if filter
                .node_kinds
                .as_ref()
                .is_none_or(|k| k.contains(&n.kind))
                && filter.mode.is_none_or(|m| n.serves(m))
                && filter.country_ok(&n.country)
            {
                out.push((Layer::Nodes, ix));
            }
        }
    }
    let want_links = layers.contains(&Layer::Links);
    let want_crossings = layers.contains(&Layer::Crossings);
    if !want_links && !want_crossings {
        return out;
    }
    let found: Vec<usize> = index
        .links_in_bbox(bbox)
        .into_iter()
        .filter(|&ix| {
            let l = &net.links()[ix];
            filter
                .link_kinds
                .as_ref()
                .is_none_or(|k| k.contains(&l.kind))
                && filter.mode.is_none_or(|m| l.mode == m)
                && (filter.country_ok(&net.nodes()[l.from_ix].country)
                    || filter.country_ok(&net.nodes()[l.to_ix].country))
        })
        .collect();
    let is_crossing = |ix: &usize| net.links()[*ix].kind == LinkKind::Crossing;
    if want_links {
        out.extend(
            found
                .iter()
                .filter(|ix| !(want_crossings && is_crossing(ix)))
                .map(|&ix| (Layer::Links, ix)),
        );
    }
    if want_crossings {
        out.extend(
            found
                .iter()
                .filter(|ix| is_crossing(ix))
                .map(|&ix| (Layer::Crossings, ix)),
        );
    }
    out
}

/// The crossings between `countries` (all when `None`): with one country, every crossing of
/// it; with two or more, the crossings whose two countries are both listed. File order.
pub fn select_crossings(
    net: &Network,
    countries: Option<&BTreeSet<String>>,
    mode: Option<Mode>,
) -> Vec<usize> {
    layer_items(Layer::Crossings, net)
        .into_iter()
        .filter(|&ix| {
            let l = &net.links()[ix];
            let pair_ok = match (countries, &l.crossing) {
                (None, _) => true,
                (Some(cs), Some(c)) if cs.len() == 1 => c.countries.iter().any(|x| cs.contains(x)),
                (Some(cs), Some(c)) => c.countries.iter().all(|x| cs.contains(x)),
                (Some(_), None) => false,
            };
            pair_ok && mode.is_none_or(|m| l.mode == m)
        })
        .collect()
}

/// The items of `layer` touching `bbox` (all when `None`), in file order.
pub fn layer_items_in(
    layer: Layer,
    net: &Network,
    index: &SpatialIndex,
    bbox: Option<&BBox>,
) -> Vec<usize> {
    match (layer, bbox) {
        (_, None) => layer_items(layer, net),
        (Layer::Nodes, Some(b)) => index.nodes_in_bbox(b),
        (Layer::Links, Some(b)) => index.links_in_bbox(b),
        (Layer::Crossings, Some(b)) => index
            .links_in_bbox(b)
            .into_iter()
            .filter(|&ix| net.links()[ix].kind == LinkKind::Crossing)
            .collect(),
    }
}

/// The item of `layer` with this id.
pub fn find_item(layer: Layer, net: &Network, id: &str) -> Option<usize> {
    match layer {
        Layer::Nodes => net.node_ix(id),
        Layer::Links => net.link_ix(id),
        Layer::Crossings => net
            .link_ix(id)
            .filter(|&ix| net.links()[ix].kind == LinkKind::Crossing),
    }
}

/// Up to five ids of `layer` closest to `id` (case-sensitive Jaro–Winkler of at least
/// [`CLOSE_ID_SIMILARITY`]), best first.
pub fn close_ids(layer: Layer, net: &Network, id: &str) -> Vec<String> {
    let ids: Vec<&str> = match layer {
        Layer::Nodes => net.nodes().iter().map(|n| n.id.0.as_str()).collect(),
        Layer::Links => net.links().iter().map(|l| l.id.0.as_str()).collect(),
        Layer::Crossings => net.crossings().map(|l| l.id.0.as_str()).collect(),
    };
    suggest_with(
        id,
        ids.into_iter().map(|c| (c, c)),
        CLOSE_ID_SIMILARITY,
        false,
    )
}

/// Smallest similarity of an id offered by [`close_ids`].
pub const CLOSE_ID_SIMILARITY: f64 = 0.7;

/// The extent of `layer`.
pub fn layer_extent(layer: Layer, index: &SpatialIndex) -> Option<BBox> {
    match layer {
        Layer::Nodes => index.node_extent(),
        Layer::Links => index.link_extent(),
        Layer::Crossings => index.crossing_extent(),
    }
}
