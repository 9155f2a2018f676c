//! Which features a low-zoom vector tile keeps on a dense network: the generalisation that
//! makes a z3–z6 tile of a 10⁵-node network tens of KB instead of MB.
//!
//! The zoom rules of [`super::tiles`] (rail from z0, motorway/trunk from z0, primary from z5,
//! …) say which *classes* a zoom shows. On the curated network that is the whole story. On a
//! dense network (a generated or OpenStreetMap-sized one) every rail line and trunk road is in
//! every tile from z0, which no map at that scale draws. So, at zooms
//! 0..=[`THIN_MAX_ZOOM`]:
//!
//! 1. **A budget per layer and tile.** No tile at a zoom up to [`THIN_MAX_ZOOM`] holds more
//!    than [`RAIL_PER_TILE`] rail lines, [`ROAD_PER_TILE`] roads and [`PLACES_PER_TILE`]
//!    places (each feature counted in the tile of its middle: a place's position, the middle
//!    of a line's two ends). A layer whose features allowed at `z` by the class rules fit the
//!    budget in every tile is not thinned at `z` (the curated network never is).
//! 2. **Importance decides which.** Features are ordered once per network, most important
//!    first, and a thinned zoom keeps every feature above one threshold in that order: the
//!    lowest that leaves no tile over its budget (the fullest tile keeps exactly the budget,
//!    the others fewer). One threshold for the whole zoom, not one per tile, so a line kept in
//!    one tile is kept in its neighbours:
//!    - rail lines: in service (open, seasonal) before planned or under construction before
//!      closed; then by the length of their **stroke** (the line they continue straight on
//!      through nodes, see [`strokes`]), a whole stroke before the next, so a line is kept end
//!      to end; then by **through traffic**, the number of sampled place-to-place fastest rail
//!      paths using the link (see below); then longer first;
//!    - roads: by class (motorway, trunk, primary, secondary and unclassified, track); then by
//!      stroke length, a whole stroke at a time; then by through traffic on the road network;
//!      then longer first;
//!    - places: by label rank (cities and ports first); then by the through traffic of their
//!      busiest link.
//! 3. **Sub-pixel geometry goes.** In a thinned layer, lines are simplified at
//!    [`THIN_TOLERANCE`] tile units (half a pixel of a 512-pixel tile) instead of one unit, and
//!    a part shorter than [`PIXEL`] tile units (one pixel) after clipping is dropped: a gap
//!    that small is hidden under the line's own width.
//!
//! **Through traffic** is sampled edge betweenness (Brandes' estimator with a few sources):
//! from each of [`SAMPLE_SOURCES`] anchor places (cities, ports and terminals on that mode,
//! spread by taking every k-th), one fastest-path tree over the mode's links that are not
//! closed (time = `length_km / speed_kmh`); a link counts the anchors among the up to
//! [`SAMPLE_TARGETS`] targets whose tree path runs over it. Main lines, which carry the paths
//! between many places, come out on top; branch lines and spurs at the bottom.
//!
//! # Complexity
//! [`Thinning::of`]: O(z · (n + m)) to count the features per tile at each of the `z` zooms,
//! and when any layer is thinned, O(s · (m + n) log n) for `s` sampled trees over `n` nodes
//! and `m` links (parallel over the sources), plus O(m log m) to order the links.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use rayon::prelude::*;

use super::tiles::{TileId, label_rank, place_min_zoom, rail_min_zoom, road_min_zoom};
use crate::network::{LinkKind, Mode, Network, RoadClass, Status};

/// Highest zoom at which a layer may be thinned: 6 (z7 and above show every feature the
/// class rules let in).
pub const THIN_MAX_ZOOM: u8 = 6;
/// Most rail lines (links) in one tile at zooms up to [`THIN_MAX_ZOOM`]: 1,000 (a link is a
/// feature: strokes are not merged into one, so the budget counts their links).
pub const RAIL_PER_TILE: u32 = 1000;
/// Most roads (links) in one tile at zooms up to [`THIN_MAX_ZOOM`]: 1,000.
pub const ROAD_PER_TILE: u32 = 1000;
/// Most places in one tile at zooms up to [`THIN_MAX_ZOOM`]: 150.
pub const PLACES_PER_TILE: u32 = 150;
/// One pixel of a 512-pixel tile (as MapLibre draws them), in tile units: 8.
pub const PIXEL: f64 = 8.0;
/// Douglas–Peucker tolerance in a thinned layer, tile units: 4 (half a pixel).
pub const THIN_TOLERANCE: f64 = 4.0;
/// Fastest-path trees sampled per mode for through traffic: 16.
pub const SAMPLE_SOURCES: usize = 16;
/// Anchor places counted as path ends per tree: at most 400.
pub const SAMPLE_TARGETS: usize = 400;

/// A layer that may be thinned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thinned {
    /// `rail`.
    Rail,
    /// `road`.
    Road,
    /// `places`.
    Places,
}

impl Thinned {
    fn slot(self) -> usize {
        match self {
            Thinned::Rail => 0,
            Thinned::Road => 1,
            Thinned::Places => 2,
        }
    }
}

const ZOOMS: usize = THIN_MAX_ZOOM as usize + 1;
const NONE: u32 = u32::MAX;

/// The thinning of one network: each feature's place in its layer's importance order and,
/// per thinned zoom and layer, the threshold in that order. Built once per network
/// ([`Thinning::of`]), or read from the prepared file that stores it ([`Thinning::from_bytes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thinning {
    /// Per link: position in the rail or road order (0 = most important); [`NONE`] for
    /// crossings and when nothing is thinned.
    link_pos: Vec<u32>,
    /// Per node: position in the places order.
    node_pos: Vec<u32>,
    /// Per zoom 0..=[`THIN_MAX_ZOOM`], per layer: features whose position is below this are
    /// kept; `None` when the layer is not thinned.
    keep: [[Option<u32>; 3]; ZOOMS],
}

impl Thinning {
    /// Nothing thinned: every tile holds what the class rules let in.
    pub fn none() -> Self {
        Self {
            link_pos: Vec::new(),
            node_pos: Vec::new(),
            keep: [[None; 3]; ZOOMS],
        }
    }

    /// The thinning of `network` (see the module's rules).
    pub fn of(network: &Network) -> Self {
        let nodes = network.nodes();
        let links = network.links();
        // Each feature counts in the tile of one point: a place's, a line's ends' middle.
        let at = |z: u8, (lon, lat): (f64, f64)| -> (u32, u32) {
            let (x, y) = TileId { z, x: 0, y: 0 }.project(lon, lat);
            let e = f64::from(super::tiles::EXTENT);
            let max = (1u32 << z) - 1;
            let c = |v: f64| ((v / e).floor().max(0.0) as u32).min(max);
            (c(x), c(y))
        };
        let link_point = |l: &crate::network::Link| {
            let (a, b) = (nodes[l.from_ix].point, nodes[l.to_ix].point);
            ((a.x() + b.x()) / 2.0, (a.y() + b.y()) / 2.0)
        };
        let eligible_link = |z: u8, l: &crate::network::Link| match layer_of(l) {
            Some(Thinned::Rail) if rail_min_zoom(l.status) <= z => Some(Thinned::Rail),
            Some(Thinned::Road) if road_min_zoom(l.road_class) <= z => Some(Thinned::Road),
            _ => None,
        };
        // The features of each layer at each zoom, as (tile, position in the order); the
        // order is the identity until through traffic is known, enough to count.
        let per_tile = |z: u8, link_pos: &dyn Fn(usize) -> u32, node_pos: &dyn Fn(usize) -> u32| {
            let mut by: [HashMap<(u32, u32), Vec<u32>>; 3] = Default::default();
            for (i, l) in links.iter().enumerate() {
                if let Some(layer) = eligible_link(z, l) {
                    by[layer.slot()]
                        .entry(at(z, link_point(l)))
                        .or_default()
                        .push(link_pos(i));
                }
            }
            for (i, n) in nodes.iter().enumerate() {
                if place_min_zoom(n.kind) <= z {
                    by[2]
                        .entry(at(z, (n.point.x(), n.point.y())))
                        .or_default()
                        .push(node_pos(i));
                }
            }
            by
        };
        let caps = [RAIL_PER_TILE, ROAD_PER_TILE, PLACES_PER_TILE];
        let dense = (0..=THIN_MAX_ZOOM).any(|z| {
            let by = per_tile(z, &|i| i as u32, &|i| i as u32);
            by.iter()
                .zip(caps)
                .any(|(tiles, cap)| tiles.values().any(|v| v.len() > cap as usize))
        });
        if !dense {
            return Self::none();
        }
        let mut usage = vec![0u32; links.len()];
        for mode in [Mode::Rail, Mode::Road] {
            for (u, v) in usage.iter_mut().zip(through_traffic(network, mode)) {
                *u += v;
            }
        }
        let (stroke, stroke_km) = strokes(network);
        let mut link_pos = vec![NONE; links.len()];
        for layer in [Thinned::Rail, Thinned::Road] {
            let mut order: Vec<usize> = (0..links.len())
                .filter(|&i| layer_of(&links[i]) == Some(layer))
                .collect();
            order.sort_by(|&a, &b| {
                let (la, lb) = (&links[a], &links[b]);
                let tier = |l: &crate::network::Link| match layer {
                    Thinned::Rail => status_tier(l.status),
                    _ => class_tier(l.road_class),
                };
                let (sa, sb) = (stroke[a] as usize, stroke[b] as usize);
                // A whole stroke before the next, so a kept line is kept end to end.
                tier(la)
                    .cmp(&tier(lb))
                    .then(stroke_km[sb].total_cmp(&stroke_km[sa]))
                    .then(sa.cmp(&sb))
                    .then(usage[b].cmp(&usage[a]))
                    .then(lb.length_km.total_cmp(&la.length_km))
                    .then(a.cmp(&b))
            });
            for (p, &i) in order.iter().enumerate() {
                link_pos[i] = p as u32;
            }
        }
        let node_usage: Vec<u32> = (0..nodes.len())
            .map(|v| {
                network
                    .incident(v)
                    .iter()
                    .map(|&l| usage[l])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut order: Vec<usize> = (0..nodes.len()).collect();
        order.sort_by(|&a, &b| {
            label_rank(nodes[a].kind)
                .cmp(&label_rank(nodes[b].kind))
                .then(node_usage[b].cmp(&node_usage[a]))
                .then(a.cmp(&b))
        });
        let mut node_pos = vec![NONE; nodes.len()];
        for (p, &i) in order.iter().enumerate() {
            node_pos[i] = p as u32;
        }
        // Per zoom and layer: the largest position threshold that leaves no tile more than
        // its budget, i.e. the (budget+1)-th smallest position of the fullest tile.
        let mut keep = [[None; 3]; ZOOMS];
        for z in 0..=THIN_MAX_ZOOM {
            let by = per_tile(z, &|i| link_pos[i], &|i| node_pos[i]);
            for (slot, (mut tiles, cap)) in by.into_iter().zip(caps).enumerate() {
                let cap = cap as usize;
                keep[usize::from(z)][slot] = tiles
                    .values_mut()
                    .filter(|v| v.len() > cap)
                    .map(|v| *v.select_nth_unstable(cap).1)
                    .min();
            }
        }
        Self {
            link_pos,
            node_pos,
            keep,
        }
    }

    /// The prepared file's section holding a network's thinning ([`Thinning::to_bytes`]).
    /// The name carries the rules' version: a file written by a build whose thinning differs
    /// has no section of this name, and the thinning is built again.
    pub const SECTION: &'static str = "tiles.thinning.v1";

    /// The thinning as bytes (little-endian `u32`s): the link and node counts it was built
    /// for, the thresholds per zoom and layer (`u32::MAX` for none), then each link's and
    /// each node's position (none when nothing is thinned).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut words: Vec<u32> =
            Vec::with_capacity(4 + 3 * ZOOMS + self.link_pos.len() + self.node_pos.len());
        words.push(u32::try_from(self.link_pos.len()).unwrap_or(NONE));
        words.push(u32::try_from(self.node_pos.len()).unwrap_or(NONE));
        for per_zoom in &self.keep {
            words.extend(per_zoom.iter().map(|k| k.unwrap_or(NONE)));
        }
        words.extend_from_slice(&self.link_pos);
        words.extend_from_slice(&self.node_pos);
        words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    /// Reads [`Thinning::to_bytes`]' bytes for `network`: `None` when they do not read or
    /// were written for another number of links or nodes (the caller builds it again).
    pub fn from_bytes(bytes: &[u8], network: &Network) -> Option<Self> {
        if !bytes.len().is_multiple_of(4) {
            return None;
        }
        let mut words = bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
        let links = words.next()? as usize;
        let nodes = words.next()? as usize;
        let mut keep = [[None; 3]; ZOOMS];
        for per_zoom in &mut keep {
            for k in per_zoom.iter_mut() {
                *k = Some(words.next()?).filter(|&w| w != NONE);
            }
        }
        let thinned = keep.iter().flatten().any(Option::is_some);
        // Positions exist for every feature exactly when something is thinned.
        let fits = if thinned {
            links == network.links().len() && nodes == network.nodes().len()
        } else {
            links == 0 && nodes == 0
        };
        if !fits || words.len() != links + nodes {
            return None;
        }
        let link_pos: Vec<u32> = words.by_ref().take(links).collect();
        let node_pos: Vec<u32> = words.collect();
        Some(Self {
            link_pos,
            node_pos,
            keep,
        })
    }

    /// Whether `layer` is thinned at zoom `z`.
    pub fn thins(&self, z: u8, layer: Thinned) -> bool {
        self.kept(z, layer).is_some()
    }

    /// The position in `layer`'s importance order below which zoom `z` keeps a feature,
    /// `None` when it keeps every one.
    pub fn kept(&self, z: u8, layer: Thinned) -> Option<u32> {
        self.keep.get(usize::from(z)).and_then(|k| k[layer.slot()])
    }

    /// Whether the rail or road link `ix` is in `layer`'s tiles at zoom `z` (the class rules
    /// checked apart).
    pub fn keeps_link(&self, z: u8, layer: Thinned, ix: usize) -> bool {
        match self.kept(z, layer) {
            None => true,
            Some(k) => self.link_pos.get(ix).is_some_and(|&p| p < k),
        }
    }

    /// Whether node `ix` is in the `places` tiles at zoom `z`.
    pub fn keeps_node(&self, z: u8, ix: usize) -> bool {
        match self.kept(z, Thinned::Places) {
            None => true,
            Some(k) => self.node_pos.get(ix).is_some_and(|&p| p < k),
        }
    }

    /// Douglas–Peucker tolerance and shortest part kept (tile units) for `layer` at `z`.
    pub fn line_rules(&self, z: u8, layer: Thinned) -> (f64, f64) {
        if self.thins(z, layer) {
            (THIN_TOLERANCE, PIXEL)
        } else {
            (super::tiles::SIMPLIFY_TOLERANCE, 0.0)
        }
    }
}

/// The thinned layer a link is drawn in (`None` for crossings, which are all kept).
fn layer_of(l: &crate::network::Link) -> Option<Thinned> {
    match l.kind {
        LinkKind::Crossing => None,
        LinkKind::Line if l.mode == Mode::Rail => Some(Thinned::Rail),
        LinkKind::Line | LinkKind::Road => Some(Thinned::Road),
    }
}

fn status_tier(s: Status) -> u8 {
    match s {
        Status::Open | Status::Seasonal => 0,
        Status::Closed => 2,
        _ => 1,
    }
}

fn class_tier(c: Option<RoadClass>) -> u8 {
    match c {
        Some(RoadClass::Motorway) => 0,
        Some(RoadClass::Trunk) => 1,
        Some(RoadClass::Primary) => 2,
        Some(RoadClass::Secondary) | None => 3,
        Some(RoadClass::Track) => 4,
    }
}

/// Smallest turn for a line to carry on through a node: the two links' directions from the
/// node (to their other ends) at least 135° apart.
const STROKE_MIN_COS: f64 = -0.707;

/// Strokes ("good continuation", Thomson & Richardson 1999): at each node, the rail lines (or
/// roads) of one layer and look (rail: gauge and status tier; road: class) are paired
/// straightest first, when they continue within 45° of straight on; the chains of paired links
/// are the strokes, the lines a map reads as one. Returns each link's stroke (its chain's
/// lowest link index) and each stroke's length, km (by that index; 0 elsewhere).
fn strokes(network: &Network) -> (Vec<u32>, Vec<f64>) {
    let nodes = network.nodes();
    let links = network.links();
    let mut parent: Vec<u32> = (0..links.len() as u32).collect();
    fn root(parent: &mut [u32], mut i: u32) -> u32 {
        while parent[i as usize] != i {
            parent[i as usize] = parent[parent[i as usize] as usize];
            i = parent[i as usize];
        }
        i
    }
    let look = |l: &crate::network::Link| match layer_of(l) {
        Some(Thinned::Rail) => Some((0u8, status_tier(l.status), l.gauge_mm.unwrap_or(0))),
        Some(Thinned::Road) => Some((1u8, class_tier(l.road_class), 0)),
        _ => None,
    };
    let mut here: Vec<(usize, (f64, f64))> = Vec::new();
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for v in 0..nodes.len() {
        let p = nodes[v].point;
        let k = p.y().to_radians().cos();
        here.clear();
        for &l in network.incident(v).iter().take(16) {
            let link = &links[l];
            if look(link).is_none() || link.from_ix == link.to_ix {
                continue;
            }
            let w = if link.from_ix == v {
                link.to_ix
            } else {
                link.from_ix
            };
            let q = nodes[w].point;
            let (dx, dy) = ((q.x() - p.x()) * k, q.y() - p.y());
            let n = dx.hypot(dy);
            if n > 0.0 {
                here.push((l, (dx / n, dy / n)));
            }
        }
        pairs.clear();
        for (i, &(a, da)) in here.iter().enumerate() {
            for &(b, db) in &here[i + 1..] {
                let cos = da.0 * db.0 + da.1 * db.1;
                if cos <= STROKE_MIN_COS && look(&links[a]) == look(&links[b]) {
                    pairs.push((cos, a, b));
                }
            }
        }
        pairs.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut used: Vec<usize> = Vec::new();
        for &(_, a, b) in &pairs {
            if used.contains(&a) || used.contains(&b) {
                continue;
            }
            used.extend([a, b]);
            let (ra, rb) = (root(&mut parent, a as u32), root(&mut parent, b as u32));
            if ra != rb {
                let (lo, hi) = (ra.min(rb), ra.max(rb));
                parent[hi as usize] = lo;
            }
        }
    }
    let mut km = vec![0.0; links.len()];
    let of: Vec<u32> = (0..links.len() as u32)
        .map(|i| root(&mut parent, i))
        .collect();
    for (i, &r) in of.iter().enumerate() {
        km[r as usize] += links[i].length_km;
    }
    (of, km)
}

/// Sampled through traffic of the links of `mode` (zero elsewhere): for each sampled source
/// anchor, the fastest-path tree over the mode's links not closed, and on each tree link the
/// number of target anchors below it.
fn through_traffic(network: &Network, mode: Mode) -> Vec<u32> {
    let nodes = network.nodes();
    let links = network.links();
    let usable = |ix: usize| {
        let l = &links[ix];
        l.mode == mode && l.status != Status::Closed
    };
    let on_mode: Vec<usize> = (0..nodes.len())
        .filter(|&v| network.incident(v).iter().any(|&l| usable(l)))
        .collect();
    let mut anchors: Vec<usize> = on_mode
        .iter()
        .copied()
        .filter(|&v| label_rank(nodes[v].kind) <= 2)
        .collect();
    if anchors.len() < 2 {
        anchors = on_mode;
    }
    if anchors.len() < 2 {
        return vec![0; links.len()];
    }
    let pick = |k: usize| -> Vec<usize> {
        let step = anchors.len().div_ceil(k).max(1);
        anchors.iter().copied().step_by(step).collect()
    };
    let sources = pick(SAMPLE_SOURCES);
    let mut is_target = vec![false; nodes.len()];
    for t in pick(SAMPLE_TARGETS) {
        is_target[t] = true;
    }
    let hours: Vec<f64> = links
        .iter()
        .map(|l| l.length_km.max(0.0) / l.speed_kmh.max(1.0))
        .collect();
    sources
        .par_iter()
        .fold(
            || vec![0u32; links.len()],
            |mut usage, &s| {
                tree_counts(network, s, &hours, &usable, &is_target, &mut usage);
                usage
            },
        )
        .reduce(
            || vec![0u32; links.len()],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                a
            },
        )
}

/// One fastest-path tree from `source` (Dijkstra, links both ways); adds to each tree link
/// the number of targets in the subtree it leads to.
fn tree_counts(
    network: &Network,
    source: usize,
    hours: &[f64],
    usable: &impl Fn(usize) -> bool,
    is_target: &[bool],
    usage: &mut [u32],
) {
    let links = network.links();
    let n = network.nodes().len();
    let mut dist = vec![f64::INFINITY; n];
    let mut parent = vec![NONE; n];
    let mut done = vec![false; n];
    let mut settled: Vec<u32> = Vec::new();
    let mut heap = BinaryHeap::new();
    dist[source] = 0.0;
    // Non-negative f64 order as their bit patterns do.
    heap.push(Reverse((0u64, source as u32)));
    while let Some(Reverse((d, v))) = heap.pop() {
        let v = v as usize;
        if done[v] {
            continue;
        }
        done[v] = true;
        settled.push(v as u32);
        let d = f64::from_bits(d);
        for &l in network.incident(v) {
            if !usable(l) {
                continue;
            }
            let link = &links[l];
            let w = if link.from_ix == v {
                link.to_ix
            } else {
                link.from_ix
            };
            let nd = d + hours[l];
            if nd < dist[w] {
                dist[w] = nd;
                parent[w] = l as u32;
                heap.push(Reverse((nd.to_bits(), w as u32)));
            }
        }
    }
    let mut below = vec![0u32; n];
    for &v in settled.iter().rev() {
        let v = v as usize;
        let c = below[v] + u32::from(is_target[v]);
        let p = parent[v];
        if p == NONE {
            continue;
        }
        let link = &links[p as usize];
        let up = if link.from_ix == v {
            link.to_ix
        } else {
            link.from_ix
        };
        usage[p as usize] += c;
        below[up] += c;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curated_network_is_not_thinned() {
        let net = Network::embedded().unwrap();
        let t = Thinning::of(&net);
        for z in 0..=THIN_MAX_ZOOM {
            for layer in [Thinned::Rail, Thinned::Road, Thinned::Places] {
                assert!(!t.thins(z, layer), "z{z} {layer:?}");
            }
        }
        assert!(t.keeps_link(3, Thinned::Rail, 0));
    }

    #[test]
    fn no_zoom_above_the_limit_is_thinned() {
        let t = Thinning::none();
        assert!(!t.thins(THIN_MAX_ZOOM + 1, Thinned::Rail));
        assert_eq!(t.line_rules(10, Thinned::Road).1, 0.0);
    }
}
