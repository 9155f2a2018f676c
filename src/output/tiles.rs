//! Mapbox Vector Tiles (MVT 2.1) of the network: the `rail`, `road`, `crossings` and `places`
//! layers of one web-mercator tile `z/x/y`, encoded with the `mvt` crate (protobuf through
//! `prost`, the spec's `vector_tile.proto`); plus the TileJSON 3.0 description of those layers
//! and a MapLibre style drawing them. No HTTP here.
//!
//! # What a tile holds
//! The features whose geometry touches the tile grown by [`BUFFER`] tile units on each side
//! (found through the rstar index, [`SpatialIndex::links_in_bbox`] and
//! [`SpatialIndex::nodes_in_bbox`]) and that the zoom rules let in at this zoom:
//!
//! | layer | geometry | from zoom |
//! |---|---|---|
//! | `rail` | rail lines (links of kind `line`) | every rail line from z0; `closed` lines from z[`RAIL_CLOSED_MIN_ZOOM`] |
//! | `road` | roads (links of kind `road`) | `motorway`, `trunk` z0; `primary` z5; `secondary` and unclassified z7; `track` z9 ([`road_min_zoom`]) |
//! | `crossings` | a point halfway along each border-crossing link | z0 |
//! | `places` | nodes | `label_rank` 1 (cities, ports) z0; 2 (terminals) z4; 3 (border points) z5; 4–5 (stations, junctions) z7 ([`place_min_zoom`]) |
//!
//! On a dense network, zooms 0..=6 keep only the most important of those features: at most
//! 1,000 rail links, 1,000 roads and 150 places in any one tile, chosen by class, line length and
//! sampled through traffic, with sub-pixel geometry dropped ([`super::thinning`] states the rule). The
//! curated network is never thinned.
//!
//! Lines are projected to tile units ([`EXTENT`] per tile side), clipped to the buffered tile
//! (a line that leaves and re-enters becomes a multi-line), simplified with Douglas–Peucker at
//! [`SIMPLIFY_TOLERANCE`] tile units, and rounded to whole units; a part that collapses to one
//! unit is dropped (it would be an invalid MVT line). So a z10 tile holds every rail line that
//! touches it, each vertex within one tile unit (~10 m at z10) of the source geometry.

use std::f64::consts::PI;

use geo::{Coord, LineString, Simplify};
use mvt::{GeomEncoder, GeomType, Tile};
use serde_json::{Value, json};

pub use super::thinning::{Thinned, Thinning};
use crate::capacity::assign::LinkLoad;
use crate::index::{BBox, SpatialIndex, clip_polyline};
use crate::network::{
    CapacityConversion, Link, LinkKind, Mode, Network, NodeKind, RoadClass, Status,
};

/// Tile side in tile units (the MVT `extent`): 4096, the spec's usual value.
pub const EXTENT: u32 = 4096;
/// Tile units kept beyond each tile edge, so lines and point symbols join across tiles without
/// seams: 64 (1/64 of the tile).
pub const BUFFER: f64 = 64.0;
/// Lowest zoom served.
pub const MIN_ZOOM: u8 = 0;
/// Highest zoom served: 14 (a tile unit is ~2.4 m at the equator; clients overzoom beyond).
pub const MAX_ZOOM: u8 = 14;
/// Douglas–Peucker tolerance, tile units: 1 (below what a map draws).
pub const SIMPLIFY_TOLERANCE: f64 = 1.0;
/// Zoom from which `closed` rail lines appear (they clutter the overview).
pub const RAIL_CLOSED_MIN_ZOOM: u8 = 6;
/// Web mercator's latitude limit, degrees.
pub const MAX_LAT: f64 = 85.051_128_779_806_59;

/// The layer names, in the order they are written.
pub const LAYER_NAMES: [&str; 4] = ["rail", "road", "crossings", "places"];

/// A tile address in the XYZ scheme (y counted from the north), checked against the zoom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    /// Zoom, [`MIN_ZOOM`]..=[`MAX_ZOOM`].
    pub z: u8,
    /// Column, 0..2^z.
    pub x: u32,
    /// Row, 0..2^z, from the north.
    pub y: u32,
}

/// Why a tile address or a tile was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TileError {
    /// `z` beyond [`MAX_ZOOM`].
    #[error("z {0} is above maxzoom {MAX_ZOOM}")]
    Zoom(u64),
    /// `x` or `y` not below 2^z.
    #[error("{axis} {value} is out of range 0..={} at zoom {z}", (1u64 << z) - 1)]
    OutOfRange {
        /// `x` or `y`.
        axis: &'static str,
        /// The value given.
        value: u64,
        /// The zoom.
        z: u8,
    },
    /// The encoder refused a geometry or layer (a bug, not the client's).
    #[error("encoding the tile: {0}")]
    Encode(String),
}

impl TileError {
    /// The address part at fault (`z`, `x`, `y`), or `None` for an encoding error.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            TileError::Zoom(_) => Some("z"),
            TileError::OutOfRange { axis, .. } => Some(axis),
            TileError::Encode(_) => None,
        }
    }
}

impl From<mvt::Error> for TileError {
    fn from(e: mvt::Error) -> Self {
        TileError::Encode(e.to_string())
    }
}

impl TileId {
    /// A checked address.
    ///
    /// # Errors
    /// [`TileError::Zoom`] above [`MAX_ZOOM`], [`TileError::OutOfRange`] for `x` or `y` not
    /// below 2^z (every part is checked; the first at fault is returned, z first).
    pub fn new(z: u64, x: u64, y: u64) -> Result<Self, TileError> {
        if z > u64::from(MAX_ZOOM) {
            return Err(TileError::Zoom(z));
        }
        let z8 = z as u8;
        let n = 1u64 << z;
        for (axis, value) in [("x", x), ("y", y)] {
            if value >= n {
                return Err(TileError::OutOfRange { axis, value, z: z8 });
            }
        }
        Ok(Self {
            z: z8,
            x: x as u32,
            y: y as u32,
        })
    }

    /// Tile units per world side at this zoom.
    fn world_units(&self) -> f64 {
        f64::from(EXTENT) * f64::from(1u32 << self.z)
    }

    /// (lon, lat) in this tile's units: x east from the west edge, y south from the north edge.
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let n = self.world_units();
        let lat = lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
        let wx = (lon + 180.0) / 360.0 * n;
        let wy = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / PI) / 2.0 * n;
        let e = f64::from(EXTENT);
        (wx - f64::from(self.x) * e, wy - f64::from(self.y) * e)
    }

    /// The (lon, lat) of a point in this tile's units (the inverse of [`TileId::project`]).
    pub fn unproject(&self, tx: f64, ty: f64) -> (f64, f64) {
        let n = self.world_units();
        let e = f64::from(EXTENT);
        let wx = tx + f64::from(self.x) * e;
        let wy = ty + f64::from(self.y) * e;
        let lon = wx / n * 360.0 - 180.0;
        let lat = (PI * (1.0 - 2.0 * wy / n)).sinh().atan().to_degrees();
        (lon, lat)
    }

    /// The tile's box grown by `buffer` tile units, in lon/lat (clamped to the world).
    pub fn bounds(&self, buffer: f64) -> BBox {
        let e = f64::from(EXTENT);
        let (w, n) = self.unproject(-buffer, -buffer);
        let (east, s) = self.unproject(e + buffer, e + buffer);
        BBox {
            min_lon: w.max(-180.0),
            min_lat: s.max(-90.0),
            max_lon: east.min(180.0),
            max_lat: n.min(90.0),
        }
    }
}

/// The first zoom at which a road of this class appears (minor roads later).
pub fn road_min_zoom(class: Option<RoadClass>) -> u8 {
    match class {
        Some(RoadClass::Motorway | RoadClass::Trunk) => 0,
        Some(RoadClass::Primary) => 5,
        Some(RoadClass::Secondary) | None => 7,
        Some(RoadClass::Track) => 9,
    }
}

/// The first zoom at which a rail line of this status appears.
pub fn rail_min_zoom(status: Status) -> u8 {
    if status == Status::Closed {
        RAIL_CLOSED_MIN_ZOOM
    } else {
        0
    }
}

/// A place's label rank: 1 (cities, ports) is labelled first; 5 (junctions) last.
pub fn label_rank(kind: NodeKind) -> u8 {
    match kind {
        NodeKind::City | NodeKind::Port => 1,
        NodeKind::Terminal => 2,
        NodeKind::BorderPoint => 3,
        NodeKind::Station => 4,
        NodeKind::Junction => 5,
    }
}

/// The first zoom at which a place of this kind appears.
pub fn place_min_zoom(kind: NodeKind) -> u8 {
    match label_rank(kind) {
        1 => 0,
        2 => 4,
        3 => 5,
        _ => 7,
    }
}

/// One field of a layer, as TileJSON's `vector_layers` lists it.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// Attribute name in the tile.
    pub name: &'static str,
    /// What it holds, with its unit.
    pub description: &'static str,
}

/// One layer of the tiles: name, what it holds, its fields and the zoom it starts at.
#[derive(Debug, Clone, Copy)]
pub struct LayerSpec {
    /// Layer name in the tile.
    pub name: &'static str,
    /// What the layer holds.
    pub description: &'static str,
    /// Its attributes.
    pub fields: &'static [FieldSpec],
}

const fn f(name: &'static str, description: &'static str) -> FieldSpec {
    FieldSpec { name, description }
}

/// The four layers and their fields (TileJSON `vector_layers`; the README's table).
pub const LAYERS: [LayerSpec; 4] = [
    LayerSpec {
        name: "rail",
        description: "Rail lines (links of kind line): from z0, closed lines from z6; on a dense network z0-z6 keep the main lines only (at most 1000 links a tile, whole lines by status and length, then through traffic)",
        fields: &[
            f("id", "String: link id"),
            f("name", "String: line name, when the data has one"),
            f("gauge", "Number: track gauge, mm (1520, 1435)"),
            f(
                "status",
                "String: open, seasonal, planned, under_construction, closed",
            ),
            f("electrified", "Boolean: electric traction"),
            f(
                "capacity",
                "Number: capacity, t/yr (absent when the data has none)",
            ),
            f("source", "String: where the facts come from"),
        ],
    },
    LayerSpec {
        name: "road",
        description: "Roads (links of kind road): motorway and trunk from z0, primary z5, secondary z7, track z9; on a dense network z0-z6 keep at most 1000 a tile, whole lines by class and length, then through traffic",
        fields: &[
            f("id", "String: link id"),
            f("name", "String: road name, when the data has one"),
            f(
                "class",
                "String: motorway, trunk, primary, secondary, track (absent: unclassified)",
            ),
            f("ref", "String: road number, e.g. A340"),
            f(
                "status",
                "String: open, seasonal, planned, under_construction, closed",
            ),
            f("source", "String: where the facts come from"),
        ],
    },
    LayerSpec {
        name: "crossings",
        description: "Border crossings: a point halfway along each crossing link, every zoom",
        fields: &[
            f("id", "String: crossing link id"),
            f("name", "String: crossing name"),
            f("modes", "String: rail or road"),
            f(
                "countries",
                "String: the two countries in link order, e.g. RU-MN",
            ),
            f(
                "status",
                "String: open, seasonal, planned, under_construction, closed",
            ),
            f(
                "capacity",
                "Number: capacity, t/yr (absent when the data has none)",
            ),
            f("dwell", "Number: typical time at the border, hours"),
            f("source", "String: where the facts come from"),
        ],
    },
    LayerSpec {
        name: "places",
        description: "Nodes: cities and ports from z0, terminals z4, border points z5, stations and junctions z7; on a dense network z0-z6 keep at most 150 a tile, by label rank and through traffic",
        fields: &[
            f("id", "String: node id"),
            f("name", "String: English name"),
            f(
                "kind",
                "String: city, station, border_point, terminal, port, junction",
            ),
            f("country", "String: ISO 3166-1 alpha-2 code"),
            f(
                "label_rank",
                "Number: 1 (cities, ports) is labelled first, 5 (junctions) last",
            ),
            f("source", "String: where the facts come from"),
        ],
    },
];

/// What is drawn: the network (baseline or a scenario's), the capacity conversion, and which
/// features low zooms keep ([`Thinning`], built once per network).
#[derive(Debug, Clone, Copy)]
pub struct TileSource<'a> {
    /// The network.
    pub network: &'a Network,
    /// Its spatial index.
    pub index: &'a SpatialIndex,
    /// How capacities become t/yr.
    pub conversion: &'a CapacityConversion,
    /// Low-zoom thinning of this network ([`Thinning::of`]).
    pub thinning: &'a Thinning,
}

impl<'a> TileSource<'a> {
    /// The tiles of snapshot `s`, thinned as `thinning` (which must be `Thinning::of(&s.network)`,
    /// or [`Thinning::none`] for every feature at every zoom).
    pub fn new(s: &'a crate::snapshot::Snapshot, thinning: &'a Thinning) -> Self {
        Self {
            network: &s.network,
            index: &s.index,
            conversion: &s.conversion,
            thinning,
        }
    }
}

/// The encoded tile, or `None` when no layer has a feature (served as 204).
///
/// # Errors
/// [`TileError::Encode`] when the encoder refuses a geometry (not expected: every geometry is
/// checked before it is written).
///
/// # Complexity
/// O(log s + c) for the index query of c candidate segments, plus O(v log v) to clip and
/// simplify the v vertices of the features let in.
pub fn encode_tile(src: TileSource<'_>, tile: TileId) -> Result<Option<Vec<u8>>, TileError> {
    let bbox = tile.bounds(BUFFER);
    // Which features this zoom draws is decided before their geometry is read: at a low zoom
    // of a dense network most links and nodes of the box are not drawn.
    let links = src.index.links_in_bbox_where(&bbox, |ix| {
        let link = &src.network.links()[ix];
        match link.kind {
            LinkKind::Line if link.mode == Mode::Rail => {
                tile.z >= rail_min_zoom(link.status)
                    && src.thinning.keeps_link(tile.z, Thinned::Rail, ix)
            }
            LinkKind::Line | LinkKind::Road => {
                tile.z >= road_min_zoom(link.road_class)
                    && src.thinning.keeps_link(tile.z, Thinned::Road, ix)
            }
            LinkKind::Crossing => true,
        }
    });
    let mut out = Tile::new(EXTENT);
    let mut rail = out.create_layer("rail");
    let mut road = out.create_layer("road");
    let mut crossings = out.create_layer("crossings");
    let mut places = out.create_layer("places");
    let lo = -BUFFER;
    let hi = f64::from(EXTENT) + BUFFER;
    let cap = |l: &crate::network::Link| l.capacity_tpy(src.conversion);
    for &ix in &links {
        let link = &src.network.links()[ix];
        let id = ix as u64 + 1;
        match link.kind {
            LinkKind::Line if link.mode == Mode::Rail => {
                let rules = src.thinning.line_rules(tile.z, Thinned::Rail);
                let Some(geom) = line_geometry(tile, link_coords(link), lo, hi, rules)? else {
                    continue;
                };
                let mut feat = rail.into_feature(geom);
                feat.set_id(id);
                feat.add_tag_string("id", &link.id.0);
                if let Some(name) = link.properties.get_str("name") {
                    feat.add_tag_string("name", &name);
                }
                if let Some(g) = link.gauge_mm {
                    feat.add_tag_uint("gauge", u64::from(g));
                }
                feat.add_tag_string("status", link.status.as_str());
                feat.add_tag_bool("electrified", link.electrified);
                if let Some(c) = cap(link) {
                    feat.add_tag_double("capacity", c);
                }
                feat.add_tag_string("source", &link.source);
                rail = feat.into_layer();
            }
            LinkKind::Line | LinkKind::Road => {
                let rules = src.thinning.line_rules(tile.z, Thinned::Road);
                let Some(geom) = line_geometry(tile, link_coords(link), lo, hi, rules)? else {
                    continue;
                };
                let mut feat = road.into_feature(geom);
                feat.set_id(id);
                feat.add_tag_string("id", &link.id.0);
                if let Some(name) = link.properties.get_str("name") {
                    feat.add_tag_string("name", &name);
                }
                if let Some(c) = link.road_class {
                    feat.add_tag_string("class", c.as_str());
                }
                if let Some(r) = link.properties.get_str("ref") {
                    feat.add_tag_string("ref", &r);
                }
                feat.add_tag_string("status", link.status.as_str());
                feat.add_tag_string("source", &link.source);
                road = feat.into_layer();
            }
            LinkKind::Crossing => {
                let Some((mx, my)) = midpoint(link_coords(link)) else {
                    continue;
                };
                let (px, py) = tile.project(mx, my);
                let (px, py) = (px.round(), py.round());
                if !(lo..=hi).contains(&px) || !(lo..=hi).contains(&py) {
                    continue;
                }
                let geom = GeomEncoder::new(GeomType::Point).point(px, py)?.encode()?;
                let mut feat = crossings.into_feature(geom);
                feat.set_id(id);
                feat.add_tag_string("id", &link.id.0);
                let info = link.crossing.as_ref();
                feat.add_tag_string("name", info.map_or(link.id.0.as_str(), |c| &c.name));
                feat.add_tag_string("modes", link.mode.as_str());
                if let Some(c) = info {
                    feat.add_tag_string(
                        "countries",
                        &format!("{}-{}", c.countries[0], c.countries[1]),
                    );
                    feat.add_tag_double("dwell", c.dwell_h);
                }
                feat.add_tag_string("status", link.status.as_str());
                if let Some(c) = cap(link) {
                    feat.add_tag_double("capacity", c);
                }
                feat.add_tag_string("source", &link.source);
                crossings = feat.into_layer();
            }
        }
    }
    let nodes = src.index.nodes_in_bbox_where(&bbox, |ix| {
        tile.z >= place_min_zoom(src.network.nodes()[ix].kind)
            && src.thinning.keeps_node(tile.z, ix)
    });
    for ix in nodes {
        let node = &src.network.nodes()[ix];
        let (px, py) = tile.project(node.point.x(), node.point.y());
        let (px, py) = (px.round(), py.round());
        if !(lo..=hi).contains(&px) || !(lo..=hi).contains(&py) {
            continue;
        }
        let geom = GeomEncoder::new(GeomType::Point).point(px, py)?.encode()?;
        let mut feat = places.into_feature(geom);
        feat.set_id(ix as u64 + 1);
        feat.add_tag_string("id", &node.id.0);
        feat.add_tag_string("name", &node.name);
        feat.add_tag_string("kind", node.kind.as_str());
        feat.add_tag_string("country", &node.country);
        feat.add_tag_uint("label_rank", u64::from(label_rank(node.kind)));
        feat.add_tag_string("source", &node.source);
        places = feat.into_layer();
    }
    let mut any = false;
    for layer in [rail, road, crossings, places] {
        if layer.num_features() > 0 {
            any = true;
            out.add_layer(layer)?;
        }
    }
    if !any {
        return Ok(None);
    }
    Ok(Some(out.to_bytes()?))
}

/// A link's vertices, lon/lat: the one place this module reads a link's geometry, so a change
/// of how the network stores it is adapted here.
fn link_coords(link: &Link) -> impl ExactSizeIterator<Item = Coord<f64>> + Clone + '_ {
    link.geometry.coords()
}

/// A link's MVT line geometry in `tile`: projected, clipped to `[lo, hi]²`
/// ([`clip_polyline`], the index's Liang–Barsky clip), simplified at `rules.0` tile units and
/// rounded; a part shorter than `rules.1` tile units is dropped ([`Thinning::line_rules`]).
/// `None` when nothing of at least two distinct tile units is left.
fn line_geometry(
    tile: TileId,
    coords: impl Iterator<Item = Coord<f64>>,
    lo: f64,
    hi: f64,
    (tolerance, min_len): (f64, f64),
) -> Result<Option<mvt::GeomData>, TileError> {
    let projected: Vec<[f64; 2]> = coords
        .map(|c| {
            let (x, y) = tile.project(c.x, c.y);
            [x, y]
        })
        .collect();
    let mut enc = GeomEncoder::new(GeomType::Linestring);
    let mut parts = 0;
    for part in clip_polyline(&projected, [lo, lo], [hi, hi]) {
        let ls: LineString<f64> = part.into_iter().map(|[x, y]| Coord { x, y }).collect();
        let simple = ls.simplify(&tolerance);
        let mut pts: Vec<(f64, f64)> = Vec::with_capacity(simple.0.len());
        for c in &simple.0 {
            let p = (c.x.round(), c.y.round());
            if pts.last() != Some(&p) {
                pts.push(p);
            }
        }
        if pts.len() < 2 {
            continue;
        }
        if min_len > 0.0 {
            let len: f64 = pts
                .windows(2)
                .map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1))
                .sum();
            if len < min_len {
                continue;
            }
        }
        for (x, y) in pts {
            enc.add_point(x, y)?;
        }
        enc.complete_geom()?;
        parts += 1;
    }
    if parts == 0 {
        return Ok(None);
    }
    Ok(Some(enc.encode()?))
}

/// The point halfway along a line's vertices (the web map's crossing symbol position): the
/// middle vertex, or the middle of a two-point line.
fn midpoint(mut coords: impl ExactSizeIterator<Item = Coord<f64>>) -> Option<(f64, f64)> {
    match coords.len() {
        0 => None,
        2 => {
            let (a, b) = (coords.next()?, coords.next()?);
            Some(((a.x + b.x) / 2.0, (a.y + b.y) / 2.0))
        }
        n => coords.nth(n / 2).map(|c| (c.x, c.y)),
    }
}

/// The `utilisation` layer: the links an assignment loads (`POST /v1/assign`'s link loads),
/// served as tiles where the network is too large for its GeoJSON answer.
pub const UTILISATION_LAYER: LayerSpec = LayerSpec {
    name: "utilisation",
    description: "Links carrying flow in the assignment of a demand set (every loaded link at every zoom)",
    fields: &[
        f("id", "String: link id"),
        f("mode", "String: rail or road"),
        f("kind", "String: line, road or crossing"),
        f("flow", "Number: tonnes a year carried, both directions"),
        f(
            "forward",
            "Number: tonnes a year carried from → to as the link is drawn",
        ),
        f("backward", "Number: tonnes a year carried to → from"),
        f(
            "capacity",
            "Number: capacity, t/yr (absent when unconstrained)",
        ),
        f(
            "utilisation",
            "Number: share of the capacity used, 0–1 and beyond (absent when unconstrained)",
        ),
        f("demands", "Number: how many demands use the link"),
        f(
            "source",
            "String: the assignment computed by this service from the named demand set",
        ),
    ],
};

/// One assignment's link loads, ordered by link index for lookup by the tiles.
#[derive(Debug, Clone, Default)]
pub struct LinkLoads {
    loads: Vec<LinkLoad>,
    source: String,
}

impl LinkLoads {
    /// The loads of an assignment of demand set `demand` (`Assignment::links`).
    pub fn new(mut loads: Vec<LinkLoad>, demand: &str) -> Self {
        loads.sort_unstable_by_key(|l| l.link_ix);
        Self {
            loads,
            source: format!(
                "computed by this service: assignment of demand set '{demand}' (GET /v1/demand; POST /v1/assign gives the same loads as GeoJSON)"
            ),
        }
    }

    /// The load of link `ix`, if the assignment uses it.
    pub fn get(&self, ix: usize) -> Option<&LinkLoad> {
        self.loads
            .binary_search_by_key(&ix, |l| l.link_ix)
            .ok()
            .map(|i| &self.loads[i])
    }

    /// How many links carry flow.
    pub fn len(&self) -> usize {
        self.loads.len()
    }

    /// Whether no link carries flow.
    pub fn is_empty(&self) -> bool {
        self.loads.is_empty()
    }
}

/// The `utilisation` tile of an assignment: every link of `loads` touching the buffered tile,
/// clipped and simplified as the network's lines are; `None` when none is in it (204).
///
/// # Errors
/// [`TileError::Encode`] when the encoder refuses a geometry (not expected).
///
/// # Complexity
/// As [`encode_tile`]: the index query, plus O(log l) per link found to look its load up.
pub fn encode_utilisation_tile(
    src: TileSource<'_>,
    tile: TileId,
    loads: &LinkLoads,
) -> Result<Option<Vec<u8>>, TileError> {
    let bbox = tile.bounds(BUFFER);
    let lo = -BUFFER;
    let hi = f64::from(EXTENT) + BUFFER;
    let mut out = Tile::new(EXTENT);
    let mut layer = out.create_layer(UTILISATION_LAYER.name);
    for ix in src.index.links_in_bbox(&bbox) {
        let Some(load) = loads.get(ix) else {
            continue;
        };
        let link = &src.network.links()[ix];
        let rules = (SIMPLIFY_TOLERANCE, 0.0);
        let Some(geom) = line_geometry(tile, link_coords(link), lo, hi, rules)? else {
            continue;
        };
        let mut feat = layer.into_feature(geom);
        feat.set_id(ix as u64 + 1);
        feat.add_tag_string("id", &link.id.0);
        feat.add_tag_string("mode", link.mode.as_str());
        feat.add_tag_string("kind", link.kind.as_str());
        feat.add_tag_double("flow", load.flow_tpy());
        feat.add_tag_double("forward", load.forward_tpy);
        feat.add_tag_double("backward", load.backward_tpy);
        if let Some(c) = load.capacity_tpy {
            feat.add_tag_double("capacity", c);
        }
        if let Some(u) = load.utilization() {
            feat.add_tag_double("utilisation", u);
        }
        feat.add_tag_uint("demands", load.demand_count as u64);
        feat.add_tag_string("source", &loads.source);
        layer = feat.into_layer();
    }
    if layer.num_features() == 0 {
        return Ok(None);
    }
    out.add_layer(layer)?;
    Ok(Some(out.to_bytes()?))
}

/// TileJSON 3.0 of the tiles at `tiles_url` (a `{z}/{x}/{y}` template), covering `bounds`,
/// holding `layers` ([`LAYERS`], or [`UTILISATION_LAYER`] for an assignment's tiles).
pub fn tilejson(tiles_url: &str, bounds: Option<BBox>, name: &str, layers: &[LayerSpec]) -> Value {
    let bounds = bounds.map_or([-180.0, -MAX_LAT, 180.0, MAX_LAT], |b| {
        [b.min_lon, b.min_lat, b.max_lon, b.max_lat]
    });
    let center_lon = (bounds[0] + bounds[2]) / 2.0;
    let center_lat = (bounds[1] + bounds[3]) / 2.0;
    let description = if layers.iter().any(|l| l.name == UTILISATION_LAYER.name) {
        "Link loads of an assignment (POST /v1/assign) as Mapbox Vector Tiles 2.1"
    } else {
        "The Corridor network (rail, roads, border crossings, places) as Mapbox Vector Tiles 2.1"
    };
    let layers: Vec<Value> = layers
        .iter()
        .map(|l| {
            let fields: serde_json::Map<String, Value> = l
                .fields
                .iter()
                .map(|f| (f.name.to_string(), Value::from(f.description)))
                .collect();
            json!({
                "id": l.name,
                "description": l.description,
                "minzoom": MIN_ZOOM,
                "maxzoom": MAX_ZOOM,
                "fields": fields,
            })
        })
        .collect();
    json!({
        "tilejson": "3.0.0",
        "name": name,
        "description": description,
        "attribution": "Corridor network data: see each feature's source",
        "scheme": "xyz",
        "tiles": [tiles_url],
        "minzoom": MIN_ZOOM,
        "maxzoom": MAX_ZOOM,
        "bounds": bounds,
        "center": [center_lon, center_lat, 4],
        "vector_layers": layers,
    })
}

/// A MapLibre style (version 8) drawing the tiles as the web map draws the network: rail by
/// gauge (1520 red, 1435 blue; dashed when not in service, grey when closed), roads by class,
/// crossings as circles by mode sized by capacity, places as circles (larger for cities and
/// ports). No labels: a style with text needs a glyph server, and the service has none.
pub fn style(tilejson_url: &str) -> Value {
    let in_service = json!(["in", ["get", "status"], ["literal", ["open", "seasonal"]]]);
    let not_in_service = json!(["!", in_service.clone()]);
    json!({
        "version": 8,
        "name": "Corridor",
        "sources": {
            "corridor": { "type": "vector", "url": tilejson_url }
        },
        "layers": [
            { "id": "background", "type": "background", "paint": { "background-color": "#f4f1ea" } },
            {
                "id": "road", "type": "line", "source": "corridor", "source-layer": "road",
                "filter": in_service,
                "layout": { "line-cap": "round", "line-join": "round" },
                "paint": {
                    "line-color": ["match", ["get", "class"],
                        "motorway", "#d35400", "trunk", "#e67e22", "primary", "#e6b800",
                        "secondary", "#9aa0a6", "track", "#a1887f", "#b0b0b0"],
                    "line-width": ["match", ["get", "class"],
                        "motorway", 4, "trunk", 3.4, "primary", 2.8, "secondary", 2.2, "track", 1.6, 2],
                    "line-opacity": 0.9
                }
            },
            {
                "id": "road-planned", "type": "line", "source": "corridor", "source-layer": "road",
                "filter": not_in_service,
                "paint": {
                    "line-color": "#b0b0b0", "line-width": 2, "line-opacity": 0.7,
                    "line-dasharray": [3, 3]
                }
            },
            {
                "id": "rail", "type": "line", "source": "corridor", "source-layer": "rail",
                "filter": in_service,
                "layout": { "line-cap": "round", "line-join": "round" },
                "paint": {
                    "line-color": ["match", ["get", "gauge"], 1520, "#c0392b", 1435, "#2471a3", "#7f8c8d"],
                    "line-width": 2.6, "line-opacity": 0.9
                }
            },
            {
                "id": "rail-planned", "type": "line", "source": "corridor", "source-layer": "rail",
                "filter": not_in_service,
                "paint": {
                    "line-color": ["case", ["==", ["get", "status"], "closed"], "#999999",
                        ["match", ["get", "gauge"], 1520, "#c0392b", 1435, "#2471a3", "#7f8c8d"]],
                    "line-width": 2.6, "line-opacity": 0.7, "line-dasharray": [3, 3]
                }
            },
            {
                "id": "places", "type": "circle", "source": "corridor", "source-layer": "places",
                "paint": {
                    "circle-radius": ["case", ["==", ["get", "label_rank"], 1], 4.5, 3],
                    "circle-color": ["case", ["==", ["get", "label_rank"], 1], "#ffffff", "#dddddd"],
                    "circle-stroke-color": "#1d2733", "circle-stroke-width": 1.2
                }
            },
            {
                "id": "crossings", "type": "circle", "source": "corridor", "source-layer": "crossings",
                "paint": {
                    "circle-radius": ["max", 5, ["min", 22,
                        ["+", 4, ["*", 2.4, ["sqrt", ["/", ["coalesce", ["get", "capacity"], 0], 1000000]]]]]],
                    "circle-color": ["match", ["get", "modes"], "rail", "#6a1b9a", "road", "#2e7d32", "#555555"],
                    "circle-opacity": ["case", in_service, 0.85, 0.3],
                    "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5
                }
            }
        ]
    })
}

/// A MapLibre style (version 8) for an assignment's `utilisation` tiles: each loaded link
/// coloured by its utilisation as the web map's assign panel colours it (teal at 0, amber at
/// 50%, red at 100% and beyond; grey without a capacity), wider with more flow.
pub fn utilisation_style(tilejson_url: &str) -> Value {
    json!({
        "version": 8,
        "name": "Corridor utilisation",
        "sources": {
            "corridor": { "type": "vector", "url": tilejson_url }
        },
        "layers": [
            {
                "id": "utilisation", "type": "line", "source": "corridor",
                "source-layer": UTILISATION_LAYER.name,
                "layout": { "line-cap": "round", "line-join": "round" },
                "paint": {
                    "line-color": ["case", ["has", "utilisation"],
                        ["interpolate", ["linear"], ["get", "utilisation"],
                            0, "#2a9d8f", 0.5, "#e9c46a", 1, "#e63946"],
                        "#9aa0a6"],
                    "line-width": ["interpolate", ["linear"], ["get", "flow"],
                        0, 2, 10_000_000, 5, 50_000_000, 9],
                    "line-opacity": 0.9
                }
            }
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_and_unproject_are_inverse() {
        let t = TileId::new(6, 51, 22).unwrap();
        let (x, y) = t.project(106.9, 47.9);
        let (lon, lat) = t.unproject(x, y);
        assert!((lon - 106.9).abs() < 1e-9 && (lat - 47.9).abs() < 1e-9);
        // Ulaanbaatar lies in z6 tile 51/22.
        assert!(
            (0.0..4096.0).contains(&x) && (0.0..4096.0).contains(&y),
            "{x},{y}"
        );
    }

    #[test]
    fn addresses_are_checked() {
        assert_eq!(TileId::new(15, 0, 0), Err(TileError::Zoom(15)));
        assert_eq!(
            TileId::new(2, 4, 0).unwrap_err().field(),
            Some("x"),
            "x must be below 2^z"
        );
        assert_eq!(TileId::new(2, 3, 4).unwrap_err().field(), Some("y"));
        assert!(TileId::new(0, 0, 0).is_ok());
    }

    #[test]
    fn minor_roads_appear_later() {
        assert_eq!(road_min_zoom(Some(RoadClass::Motorway)), 0);
        assert!(road_min_zoom(Some(RoadClass::Track)) > road_min_zoom(Some(RoadClass::Primary)));
        assert!(place_min_zoom(NodeKind::Junction) > place_min_zoom(NodeKind::City));
    }
}
