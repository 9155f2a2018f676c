//! From selected ways to a graph: nodes where selected ways meet, end, change attributes
//! (gauge, oneway, class, name…), at named stations and at borders; everything between is one
//! link with the full ordered geometry and its geodesic length on the WGS84 ellipsoid.
//!
//! Steps: (1) each way keeps the runs of its nodes that were read (a way clipped at the
//! extract's edge or `--bbox` keeps the part whose nodes are present); (2) runs are cut at
//! nodes used twice (junctions) and at stations; (3) pieces meeting at a node of degree 2
//! with equal attributes and compatible direction are joined into one chain; (4) a chain that
//! crosses a boundary is split there ([`super::borders`]) into lines and a crossing.
//! Rail and road are separate layers: a level crossing joins nothing.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use geo::{Distance, Geodesic, Haversine, Length, LineString, Point};
use serde_json::{Map, Value, json};

use super::borders::Borders;
use super::read::{NodePass, SelectedWay};
use super::select::{
    Oneway, WayAttrs, default_rail_speed_kmh, default_road_speed_kmh, standard_gauge_mm,
};
use crate::network::{Mode, NodeKind};

/// Licence and attribution carried by every imported feature.
pub const OSM_SOURCE: &str = "OpenStreetMap contributors, ODbL";

/// How far from a border crossing (km) a tagged `barrier=border_control` node may lie on the
/// way and still be taken as the crossing's end.
pub const BORDER_CONTROL_KM: f64 = 10.0;

/// Typical border time assumed for a crossing found in OSM with no curated counterpart, h.
pub const INFERRED_DWELL_H: f64 = 12.0;

/// Largest distance (km) from a named city or town to the graph node that takes its name.
pub const PLACE_NAME_KM: f64 = 3.0;

/// A node of the imported graph.
///
/// # Memory
/// A plain OSM junction keeps no property map: its `source` and `osm_node` are written from
/// `osm_id` ([`GNode::source`]); `props` holds only what is particular to the node (a
/// station's position note, a place's name source, curated fields). An empty map allocates
/// nothing, where the two-entry map every node had cost about 0.6 KB.
#[derive(Debug, Clone)]
pub struct GNode {
    /// Id, `osm-rail-<node>` / `osm-road-<node>`, or a curated id after the overlay.
    pub id: String,
    /// Position.
    pub lon: f64,
    /// Position.
    pub lat: f64,
    /// ISO2.
    pub country: String,
    /// What it is.
    pub kind: NodeKind,
    /// Modes served.
    pub modes: Vec<Mode>,
    /// Name.
    pub name: String,
    /// The OSM node it stands on, if any.
    pub osm_id: Option<i64>,
    /// Other properties: those particular to the node (notes, curated fields, a `source`
    /// other than its OSM node's).
    pub props: Map<String, Value>,
}

impl GNode {
    /// Its `source`: the one in `props`, else its OSM node's.
    pub fn source(&self) -> String {
        match (
            self.props.get("source").and_then(Value::as_str),
            self.osm_id,
        ) {
            (Some(s), _) => s.to_string(),
            (None, Some(osm)) => format!("{OSM_SOURCE}; node {osm}"),
            (None, None) => String::new(),
        }
    }

    /// Every property written to `nodes.geojson` besides the ones the writer sets (`id`,
    /// `name`, `country`, `kind`, `modes`, `intermodal`, `gauge_mm`).
    pub fn properties(&self) -> Map<String, Value> {
        let mut p = self.props.clone();
        if let Some(osm) = self.osm_id {
            p.entry("source")
                .or_insert_with(|| json!(format!("{OSM_SOURCE}; node {osm}")));
            p.entry("osm_node").or_insert_with(|| json!(osm));
        }
        p
    }
}

/// A position in 1e-7 degrees, OSM's own precision (and the written files').
pub type Coord7 = [i32; 2];

/// `(lon, lat)` in degrees from 1e-7 degrees.
pub fn degrees(c: Coord7) -> (f64, f64) {
    (f64::from(c[0]) * 1e-7, f64::from(c[1]) * 1e-7)
}

/// 1e-7 degrees from `(lon, lat)` in degrees (rounded, as the writer rounds to 7 digits).
pub fn coord7((lon, lat): (f64, f64)) -> Coord7 {
    [(lon * 1e7).round() as i32, (lat * 1e7).round() as i32]
}

/// A link of the imported graph.
///
/// # Memory
/// A line or road built from OSM ways keeps its way's attributes as an index into
/// [`Graph::attrs`] (one entry per distinct combination of tags, shared by every link of ways
/// tagged alike) and the ids of its ways; its properties are written from them
/// ([`Graph::link_properties`]). `props` holds only what is particular to the link: every
/// property of a crossing (the overlay rewrites them), the curated capacity the overlay
/// carries onto a line, or a connector's. The geometry is kept in 1e-7 degrees (8 bytes a
/// vertex). Before, each link had a map of about 15 properties (about 2 KB with its strings)
/// and 16 bytes a vertex.
#[derive(Debug, Clone)]
pub struct GLink {
    /// Id.
    pub id: String,
    /// Index of the from-node.
    pub from: usize,
    /// Index of the to-node.
    pub to: usize,
    /// Rail or road.
    pub mode: Mode,
    /// Gauge (rail).
    pub gauge_mm: Option<u32>,
    /// Countries `[from, to]` when it is a crossing.
    pub crossing: Option<Box<[String; 2]>>,
    /// Geometry, from → to, in 1e-7 degrees.
    pub coords: Vec<Coord7>,
    /// Geodesic length (WGS84), km.
    pub length_km: f64,
    /// The attributes of the OSM ways of a line or road ([`Graph::attrs`] index); `None` for
    /// a crossing or a connector, whose properties are all in `props`.
    pub attrs: Option<u32>,
    /// The country whose defaults a line or road takes (speed, untagged gauge): a
    /// [`Graph::countries`] index.
    pub country: u16,
    /// The OSM ways it was built from, in order (empty for a connector).
    pub ways: Box<[i64]>,
    /// Properties particular to the link (see the type's docs).
    pub props: Map<String, Value>,
}

impl GLink {
    /// The first and last vertex, in degrees.
    pub fn ends(&self) -> ((f64, f64), (f64, f64)) {
        let first = self.coords.first().copied().unwrap_or_default();
        let last = self.coords.last().copied().unwrap_or_default();
        (degrees(first), degrees(last))
    }
}

/// The imported graph.
#[derive(Debug, Default)]
pub struct Graph {
    /// Nodes.
    pub nodes: Vec<GNode>,
    /// Links.
    pub links: Vec<GLink>,
    /// The distinct attributes of the selected ways that links were built from.
    pub attrs: Vec<WayAttrs>,
    /// Country codes, referenced by [`GLink::country`].
    pub countries: Vec<String>,
}

impl Graph {
    /// The index of country `cc` in [`Graph::countries`], added if new.
    pub fn country_ix(&mut self, cc: &str) -> u16 {
        match self.countries.iter().position(|c| c == cc) {
            Some(i) => i as u16,
            None => {
                self.countries.push(cc.to_string());
                (self.countries.len() - 1) as u16
            }
        }
    }

    /// The country whose defaults link `l` takes.
    pub fn country(&self, l: &GLink) -> &str {
        self.countries
            .get(usize::from(l.country))
            .map_or("", String::as_str)
    }

    /// Whether link `l` may be used only from `from` to `to`.
    pub fn oneway(&self, l: &GLink) -> bool {
        match l.attrs {
            Some(a) => self.attrs[a as usize].oneway != Oneway::No,
            None => l.props.get("oneway").and_then(Value::as_bool) == Some(true),
        }
    }

    /// The road class of link `l`, if it has one.
    pub fn road_class<'a>(&'a self, l: &'a GLink) -> Option<&'a str> {
        match l.attrs {
            Some(a) => self.attrs[a as usize].road_class.map(|r| r.as_str()),
            None => l.props.get("road_class").and_then(Value::as_str),
        }
    }

    /// Every property written to `links.geojson` besides the ones the writer sets (`id`,
    /// `from`, `to`, `mode`, `kind`, `gauge_mm`, `length_km`): a line's or road's from its
    /// way attributes, country and ways, with `props` over them.
    pub fn link_properties(&self, l: &GLink) -> Map<String, Value> {
        let Some(a) = l.attrs else {
            return l.props.clone();
        };
        let mut p = way_properties(&self.attrs[a as usize], self.country(l), &l.ways, false);
        for (k, v) in &l.props {
            p.insert(k.clone(), v.clone());
        }
        p
    }
}

/// The properties a link takes from its ways: tags, speed and its derivation, source, status
/// (`open`; a crossing's are added by the caller), the gauge note of an untagged gauge and the
/// dual-gauge flag.
fn way_properties(
    attrs: &WayAttrs,
    country: &str,
    ways: &[i64],
    crossing: bool,
) -> Map<String, Value> {
    let mode = attrs.mode;
    let mut props = Map::new();
    if let Some(n) = &attrs.name {
        props.insert("name".into(), json!(n));
    }
    if let Some(r) = &attrs.reference {
        props.insert("ref".into(), json!(r));
    }
    if !attrs.ah_refs.is_empty() {
        props.insert("ah_ref".into(), json!(attrs.ah_refs.join(";")));
    }
    if let Some(rc) = attrs.road_class {
        props.insert("road_class".into(), json!(rc.as_str()));
        if attrs.ramp {
            props.insert("ramp".into(), json!(true));
        }
    }
    if let Some(ms) = attrs.maxspeed_kmh {
        props.insert("maxspeed_kmh".into(), json!(ms));
    }
    if let Some(e) = attrs.electrified.filter(|_| mode == Mode::Rail) {
        props.insert("electrified".into(), json!(e));
        props.insert(
            "electrified_source".into(),
            json!(format!("{OSM_SOURCE} (electrified tag)")),
        );
    }
    if attrs.oneway != Oneway::No {
        props.insert("oneway".into(), json!(true));
    }
    if attrs.narrow {
        props.insert("narrow_gauge".into(), json!(true));
    }
    let (speed, note) = speed(attrs, country, crossing);
    props.insert("speed_kmh".into(), json!(speed));
    props.insert("speed_note".into(), json!(note));
    let shown: Vec<String> = ways.iter().take(20).map(i64::to_string).collect();
    let more = ways.len().saturating_sub(20);
    let mut source = format!("{OSM_SOURCE}; way {}", shown.join(","));
    if more > 0 {
        source.push_str(&format!(" and {more} more"));
    }
    props.insert("source".into(), json!(source));
    props.insert("osm_ways".into(), json!(ways));
    if !crossing {
        props.insert("status".into(), json!("open"));
    }
    if mode == Mode::Rail && attrs.gauges_mm.is_empty() {
        props.insert(
            "gauge_note".into(),
            json!(format!("no gauge tag: the standard gauge of {country}")),
        );
    }
    if mode == Mode::Rail && attrs.gauges_mm.len() > 1 {
        props.insert("dual_gauge".into(), json!(true));
    }
    props
}

/// Interning key of [`WayAttrs`]: equal attributes hash alike (`maxspeed_kmh` by its bits).
struct AttrKey<'a>(&'a WayAttrs);

impl Hash for AttrKey<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        let a = self.0;
        a.mode.hash(h);
        a.gauges_mm.hash(h);
        a.narrow.hash(h);
        a.electrified.hash(h);
        a.maxspeed_kmh.map(f64::to_bits).hash(h);
        a.name.hash(h);
        a.reference.hash(h);
        a.road_class.hash(h);
        a.ramp.hash(h);
        a.oneway.hash(h);
        a.ah_refs.hash(h);
    }
}

impl PartialEq for AttrKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for AttrKey<'_> {}

/// Graph nodes that fell outside every boundary (and no default country was given).
#[derive(Debug, Default)]
pub struct Outside {
    /// How many chains were dropped for it.
    pub chains: usize,
    /// A few positions, for the error message.
    pub examples: Vec<(f64, f64)>,
}

fn mode_ix(m: Mode) -> usize {
    match m {
        Mode::Rail => 0,
        Mode::Road => 1,
    }
}

fn mode_str(m: Mode) -> &'static str {
    match m {
        Mode::Rail => "rail",
        Mode::Road => "road",
    }
}

/// A stretch between graph nodes, before borders: a run of OSM nodes and the ways it came from.
struct Chain {
    way: usize,
    nodes: Vec<i64>,
    ways: Vec<i64>,
}

/// Builds the graph.
///
/// # Arguments
/// `ways`: the selected ways (pass 1); `pass`: their nodes (pass 2); `borders`: countries;
/// `default_country`: for points outside every boundary.
///
/// # Returns
/// The graph, and what fell outside the boundaries (the caller stops the import on it).
///
/// # Complexity
/// O(n log n) in the number of selected way nodes, plus one boundary lookup per segment.
pub fn build(
    ways: &[SelectedWay],
    pass: &NodePass,
    borders: &Borders,
    default_country: Option<&str>,
) -> (Graph, Outside) {
    // Only `oneway=-1` ways are copied (reversed); the others are borrowed.
    let ways: Vec<Cow<'_, SelectedWay>> = ways.iter().map(normalise_direction).collect();
    let station =
        |m: Mode, n: i64| m == Mode::Rail && pass.tags.get(&n).is_some_and(|t| t.station.is_some());
    // (1) runs of present nodes.
    let mut pieces: Vec<(usize, Vec<i64>)> = Vec::new();
    for (wi, w) in ways.iter().enumerate() {
        let mut run: Vec<i64> = Vec::new();
        for &r in &w.refs {
            if pass.position(r).is_some() {
                if run.last() != Some(&r) {
                    run.push(r);
                }
            } else if run.len() >= 2 {
                pieces.push((wi, std::mem::take(&mut run)));
            } else {
                run.clear();
            }
        }
        if run.len() >= 2 {
            pieces.push((wi, run));
        }
    }
    // (2) uses per node and mode; cut at junctions and stations.
    let mut uses: [Vec<i64>; 2] = [Vec::new(), Vec::new()];
    for (wi, p) in &pieces {
        uses[mode_ix(ways[*wi].attrs.mode)].extend(p.iter().copied());
    }
    for u in &mut uses {
        u.sort_unstable();
    }
    let count = |m: Mode, n: i64| {
        let u = &uses[mode_ix(m)];
        u.partition_point(|x| *x <= n) - u.partition_point(|x| *x < n)
    };
    let mut segs: Vec<(usize, Vec<i64>)> = Vec::new();
    for (wi, p) in pieces {
        let m = ways[wi].attrs.mode;
        let mut cur = vec![p[0]];
        for (i, &n) in p.iter().enumerate().skip(1) {
            cur.push(n);
            let last = i == p.len() - 1;
            if !last && (count(m, n) >= 2 || station(m, n)) {
                segs.push((wi, std::mem::replace(&mut cur, vec![n])));
            }
        }
        segs.push((wi, cur));
    }
    // (3) join segments through degree-2 nodes with equal attributes.
    let mut ends: HashMap<(usize, i64), Vec<(usize, bool)>> = HashMap::new();
    for (si, (wi, s)) in segs.iter().enumerate() {
        let m = mode_ix(ways[*wi].attrs.mode);
        ends.entry((m, s[0])).or_default().push((si, true));
        ends.entry((m, s[s.len() - 1]))
            .or_default()
            .push((si, false));
    }
    let mut kept: HashSet<(usize, i64)> = HashSet::new();
    for (&(m, n), e) in &ends {
        let keep = e.len() != 2 || e[0].0 == e[1].0 || {
            let (a, b) = (&ways[segs[e[0].0].0].attrs, &ways[segs[e[1].0].0].attrs);
            a != b
                || (a.oneway != Oneway::No && e[0].1 == e[1].1)
                || station(if m == 0 { Mode::Rail } else { Mode::Road }, n)
        };
        if keep {
            kept.insert((m, n));
        }
    }
    let mut used = vec![false; segs.len()];
    let mut chains: Vec<Chain> = Vec::new();
    let mut starts: Vec<(usize, i64)> = kept.iter().copied().collect();
    starts.sort_unstable();
    let walk = |start: (usize, i64),
                first: (usize, bool),
                used: &mut Vec<bool>,
                kept: &HashSet<(usize, i64)>|
     -> Chain {
        let (m, _) = start;
        let (mut si, mut at_start) = first;
        let mut nodes: Vec<i64> = Vec::new();
        let mut way_ids: Vec<i64> = Vec::new();
        let first_reversed = !at_start;
        loop {
            used[si] = true;
            let (wi, s) = &segs[si];
            let oriented: Vec<i64> = if at_start {
                s.clone()
            } else {
                s.iter().rev().copied().collect()
            };
            if !way_ids.contains(&ways[*wi].id) {
                way_ids.push(ways[*wi].id);
            }
            if nodes.is_empty() {
                nodes = oriented;
            } else {
                nodes.extend(oriented.into_iter().skip(1));
            }
            let end = *nodes.last().unwrap_or(&0);
            if kept.contains(&(m, end)) {
                break;
            }
            let Some(next) = ends
                .get(&(m, end))
                .and_then(|e| e.iter().find(|(s2, _)| *s2 != si && !used[*s2]))
            else {
                break;
            };
            (si, at_start) = *next;
        }
        let wi = segs[first.0].0;
        if first_reversed && ways[wi].attrs.oneway != Oneway::No {
            nodes.reverse();
        }
        Chain {
            way: wi,
            nodes,
            ways: way_ids,
        }
    };
    for &start in &starts {
        let incident = ends.get(&start).cloned().unwrap_or_default();
        for (si, at_start) in incident {
            if !used[si] {
                chains.push(walk(start, (si, at_start), &mut used, &kept));
            }
        }
    }
    // Cycles with no kept node: start anywhere.
    for si in 0..segs.len() {
        if !used[si] {
            let (wi, s) = &segs[si];
            let start = (mode_ix(ways[*wi].attrs.mode), s[0]);
            kept.insert(start);
            chains.push(walk(start, (si, true), &mut used, &kept));
        }
    }
    // A chain closing on itself is cut in two at its middle vertex.
    let mut split = Vec::with_capacity(chains.len());
    for c in chains {
        if c.nodes.first() == c.nodes.last() {
            if c.nodes.len() < 3 {
                continue;
            }
            let mid = c.nodes.len() / 2;
            split.push(Chain {
                way: c.way,
                nodes: c.nodes[..=mid].to_vec(),
                ways: c.ways.clone(),
            });
            split.push(Chain {
                way: c.way,
                nodes: c.nodes[mid..].to_vec(),
                ways: c.ways,
            });
        } else {
            split.push(c);
        }
    }
    // The cut and join indexes are not needed any more: free them before the graph grows
    // (they hold every selected way node two or three times).
    drop((segs, ends, kept, used, uses));
    // Each way's attributes once per distinct combination (links share them by index).
    let mut graph = Graph::default();
    let attr_ix: Vec<u32> = {
        let mut seen: HashMap<AttrKey<'_>, u32> = HashMap::new();
        let mut distinct: Vec<WayAttrs> = Vec::new();
        let ix = ways
            .iter()
            .map(|w| {
                *seen.entry(AttrKey(&w.attrs)).or_insert_with(|| {
                    distinct.push(w.attrs.clone());
                    (distinct.len() - 1) as u32
                })
            })
            .collect();
        graph.attrs = distinct;
        ix
    };
    // (4) countries and borders. Each chain is freed once its links are built.
    let mut b = Builder {
        pass,
        borders,
        default_country,
        graph,
        node_ix: HashMap::new(),
        node_country: HashMap::new(),
        crossing_ends: HashSet::new(),
        link_counter: HashMap::new(),
        outside: Outside::default(),
    };
    for c in split {
        b.chain(&ways[c.way].attrs, attr_ix[c.way], &c);
    }
    b.finish()
}

fn normalise_direction(w: &SelectedWay) -> Cow<'_, SelectedWay> {
    if w.attrs.oneway != Oneway::Backward {
        return Cow::Borrowed(w);
    }
    let mut w = w.clone();
    w.refs.reverse();
    w.attrs.oneway = Oneway::Forward;
    Cow::Owned(w)
}

struct Builder<'a> {
    pass: &'a NodePass,
    borders: &'a Borders,
    default_country: Option<&'a str>,
    graph: Graph,
    node_ix: HashMap<(usize, i64), usize>,
    /// Country of an OSM node, a [`Graph::countries`] index (`None`: outside every boundary).
    node_country: HashMap<i64, Option<u16>>,
    crossing_ends: HashSet<usize>,
    link_counter: HashMap<(usize, i64), u32>,
    outside: Outside,
}

impl Builder<'_> {
    fn pos(&self, n: i64) -> (f64, f64) {
        self.pass.position(n).unwrap_or((0.0, 0.0))
    }

    fn country(&mut self, n: i64) -> Option<u16> {
        if let Some(c) = self.node_country.get(&n) {
            return *c;
        }
        let (lon, lat) = self.pos(n);
        let c = self
            .borders
            .country_of(lon, lat)
            .or(self.default_country)
            .map(|cc| self.graph.country_ix(cc));
        self.node_country.insert(n, c);
        c
    }

    fn chain(&mut self, attrs: &WayAttrs, attr_ix: u32, c: &Chain) {
        let coords: Vec<(f64, f64)> = c.nodes.iter().map(|n| self.pos(*n)).collect();
        let crosses = coords.windows(2).any(|w| self.borders.crosses(w[0], w[1]));
        let mut countries: Vec<Option<u16>> = if crosses {
            c.nodes.iter().map(|n| self.country(*n)).collect()
        } else {
            let first = self.country(c.nodes[0]);
            let last = self.country(c.nodes[c.nodes.len() - 1]);
            let mut v = vec![first; c.nodes.len()];
            if let Some(l) = v.last_mut() {
                *l = last.or(first);
            }
            v
        };
        // A vertex just outside the generalised boundaries (a coast, a river) takes the
        // country of its neighbours along the chain.
        let mut prev: Option<u16> = None;
        for x in countries.iter_mut() {
            if x.is_none() {
                *x = prev;
            } else {
                prev = *x;
            }
        }
        let mut next: Option<u16> = None;
        for x in countries.iter_mut().rev() {
            if x.is_none() {
                *x = next;
            } else {
                next = *x;
            }
        }
        if countries[0].is_none() {
            self.outside.chains += 1;
            if self.outside.examples.len() < 5 {
                self.outside.examples.push(coords[0]);
            }
            return;
        }
        let countries: Vec<u16> = countries
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect();
        for (n, cc) in [c.nodes[0], c.nodes[c.nodes.len() - 1]]
            .into_iter()
            .zip([countries[0], countries[countries.len() - 1]])
        {
            self.node_country
                .entry(n)
                .and_modify(|v| {
                    if v.is_none() {
                        *v = Some(cc);
                    }
                })
                .or_insert(Some(cc));
        }
        // Transitions and the crossing ends around each.
        let border_control = |n: i64| self.pass.tags.get(&n).is_some_and(|t| t.border_control);
        let transitions: Vec<usize> = (0..countries.len() - 1)
            .filter(|&i| countries[i] != countries[i + 1])
            .collect();
        let mut pieces: Vec<(usize, usize, bool)> = Vec::new(); // (from, to, crossing)
        let mut lo = 0;
        for (k, &i) in transitions.iter().enumerate() {
            let hi = transitions.get(k + 1).copied().unwrap_or(c.nodes.len() - 1);
            let at = coords[i];
            let near = |j: usize| {
                Haversine::distance(Point::from(coords[j]), Point::from(at)) / 1000.0
                    <= BORDER_CONTROL_KM
            };
            let p = (lo..=i)
                .rev()
                .find(|&j| border_control(c.nodes[j]) && countries[j] == countries[i] && near(j))
                .unwrap_or(i);
            let q = (i + 1..=hi)
                .find(|&j| {
                    border_control(c.nodes[j]) && countries[j] == countries[i + 1] && near(j)
                })
                .unwrap_or(i + 1);
            if p > lo {
                pieces.push((lo, p, false));
            }
            pieces.push((p, q, true));
            lo = q;
        }
        if lo < c.nodes.len() - 1 {
            pieces.push((lo, c.nodes.len() - 1, false));
        }
        for (a, z, crossing) in pieces {
            self.link(attrs, attr_ix, c, &coords, &countries, a, z, crossing);
        }
    }

    fn node(&mut self, mode: Mode, osm: i64, country: u16) -> usize {
        let key = (mode_ix(mode), osm);
        if let Some(&ix) = self.node_ix.get(&key) {
            return ix;
        }
        let (lon, lat) = self.pos(osm);
        let tags = self.pass.tags.get(&osm);
        let station = tags
            .and_then(|t| t.station.clone())
            .filter(|_| mode == Mode::Rail);
        let kind = if station.is_some() {
            NodeKind::Station
        } else {
            NodeKind::Junction
        };
        let name = station.unwrap_or_else(|| format!("OSM node {osm}"));
        // A plain vertex has no property map: `GNode::properties` writes its source.
        let mut props = Map::new();
        let beside = tags
            .and_then(|t| t.beside)
            .filter(|_| kind == NodeKind::Station);
        match beside {
            // A new vertex: it carries the station node's id and stands on the track.
            Some((st, d, way)) if st == osm => {
                props.insert("source".into(), json!(format!("{OSM_SOURCE}; node {osm}")));
                props.insert(
                    "position_note".into(),
                    json!(format!(
                        "station node {st} lies {d:.0} m from the track; placed on the nearest point of way {way}"
                    )),
                );
            }
            // An existing vertex named after a station node beside it.
            Some((st, d, way)) => {
                props.insert(
                    "source".into(),
                    json!(format!("{OSM_SOURCE}; node {osm}; station node {st}")),
                );
                props.insert(
                    "position_note".into(),
                    json!(format!(
                        "station node {st} lies {d:.0} m from the track; its nearest point is vertex {osm} of way {way}"
                    )),
                );
            }
            None => {}
        }
        self.graph.nodes.push(GNode {
            id: format!("osm-{}-{osm}", mode_str(mode)),
            lon,
            lat,
            country: self.graph.countries[usize::from(country)].clone(),
            kind,
            modes: vec![mode],
            name,
            osm_id: Some(osm),
            props,
        });
        self.node_ix.insert(key, self.graph.nodes.len() - 1);
        self.graph.nodes.len() - 1
    }

    #[allow(clippy::too_many_arguments)]
    fn link(
        &mut self,
        attrs: &WayAttrs,
        attr_ix: u32,
        c: &Chain,
        coords: &[(f64, f64)],
        countries: &[u16],
        a: usize,
        z: usize,
        crossing: bool,
    ) {
        let mode = attrs.mode;
        let (ia, iz) = (countries[a], countries[z]);
        let from = self.node(mode, c.nodes[a], ia);
        let to = self.node(mode, c.nodes[z], if crossing { iz } else { ia });
        if from == to {
            return;
        }
        if crossing {
            self.crossing_ends.insert(from);
            self.crossing_ends.insert(to);
        }
        let line: LineString<f64> = coords[a..=z]
            .iter()
            .map(|&(x, y)| geo::coord! { x: x, y: y })
            .collect();
        let length_km = (line.length::<Geodesic>() / 1000.0).max(0.001);
        drop(line);
        let geom: Vec<Coord7> = c.nodes[a..=z]
            .iter()
            .map(|n| {
                self.pass
                    .position7(*n)
                    .unwrap_or_else(|| coord7(self.pos(*n)))
            })
            .collect();
        let ca = self.graph.countries[usize::from(ia)].clone();
        let cz = self.graph.countries[usize::from(iz)].clone();
        // A crossing keeps every property in its map (the overlay rewrites them); a line or
        // road only its attributes' index, country and ways (`Graph::link_properties`).
        let props = if crossing {
            let mut props = way_properties(attrs, &ca, &c.ways, true);
            let name = attrs
                .name
                .clone()
                .unwrap_or_else(|| format!("{ca}–{cz} border (OSM way {})", c.ways[0]));
            props.insert("name".into(), json!(name));
            props.insert("countries".into(), json!([ca, cz]));
            props.insert("dwell_h".into(), json!(INFERRED_DWELL_H));
            props.insert(
                "dwell_note".into(),
                json!("estimate: default for a crossing found in OpenStreetMap with no curated counterpart; no published figure"),
            );
            props.insert("hours".into(), json!("unknown"));
            props.insert("veterinary".into(), json!(false));
            // `unverified`: listed by a source (OSM) but not confirmed as a checkpoint; routing
            // leaves it out unless unverified links are asked for (`Status::usable`).
            props.insert("status".into(), json!("unverified"));
            props.insert(
                "notes".into(),
                json!("inferred from OpenStreetMap: a selected way crosses the border here; not a verified checkpoint (status unverified: routable only with include_unverified=true)"),
            );
            props
        } else {
            Map::new()
        };
        let gauges: Vec<Option<u32>> = match mode {
            Mode::Road => vec![None],
            Mode::Rail if attrs.gauges_mm.is_empty() => vec![Some(standard_gauge_mm(&ca))],
            Mode::Rail => attrs.gauges_mm.iter().map(|g| Some(*g)).collect(),
        };
        let key = (mode_ix(mode), c.ways[0]);
        let k = self.link_counter.entry(key).or_insert(0);
        *k += 1;
        let base = format!(
            "osm-{}{}-w{}-{}",
            if crossing { "x" } else { "" },
            mode_str(mode),
            c.ways[0],
            k
        );
        let dual = gauges.len() > 1;
        let ways: Box<[i64]> = c.ways.clone().into_boxed_slice();
        for g in gauges {
            let id = match (dual, g) {
                (true, Some(g)) => format!("{base}-g{g}"),
                _ => base.clone(),
            };
            self.graph.links.push(GLink {
                id,
                from,
                to,
                mode,
                gauge_mm: g,
                crossing: crossing.then(|| Box::new([ca.clone(), cz.clone()])),
                coords: geom.clone(),
                length_km,
                attrs: (!crossing).then_some(attr_ix),
                country: ia,
                ways: ways.clone(),
                props: props.clone(),
            });
        }
    }

    fn finish(mut self) -> (Graph, Outside) {
        for &ix in &self.crossing_ends {
            let n = &mut self.graph.nodes[ix];
            n.kind = NodeKind::BorderPoint;
            if n.name.starts_with("OSM node") {
                n.name = format!(
                    "Border point {} (OSM node {})",
                    n.country,
                    n.osm_id.unwrap_or(0)
                );
            }
        }
        (self.graph, self.outside)
    }
}

/// Typical speed of a link and how it was derived.
fn speed(attrs: &WayAttrs, country: &str, crossing: bool) -> (f64, String) {
    if crossing {
        return (
            20.0,
            "nominal speed on the cross-border section; border time is in dwell_h".into(),
        );
    }
    let (default, what) = match attrs.mode {
        Mode::Rail => (default_rail_speed_kmh(country), format!("{country} rail")),
        Mode::Road => {
            let class = attrs
                .road_class
                .unwrap_or(crate::network::RoadClass::Primary);
            let ramp = if attrs.ramp { " ramp" } else { "" };
            (
                default_road_speed_kmh(class, attrs.ramp, country),
                format!("{country} {}{ramp}", class.as_str()),
            )
        }
    };
    match attrs.maxspeed_kmh {
        Some(ms) if ms < default => (
            ms,
            format!(
                "OpenStreetMap maxspeed {ms} km/h (below the {default} km/h default for {what})"
            ),
        ),
        _ => (
            default,
            format!("estimate: default typical freight speed for {what} (README, OSM import)"),
        ),
    }
}

/// Gives named cities and towns to the nearest graph node within [`PLACE_NAME_KM`] that has
/// no name of its own, so that place search finds them; such a node becomes a `city`.
pub fn name_places(graph: &mut Graph, places: &[(String, f64, f64)]) -> usize {
    use rstar::primitives::GeomWithData;
    let tree = rstar::RTree::bulk_load(
        graph
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| GeomWithData::new([n.lon, n.lat], i))
            .collect(),
    );
    let mut places: Vec<&(String, f64, f64)> = places.iter().collect();
    places.sort_by(|a, b| a.0.cmp(&b.0));
    // A station named after its town (Helsinki's is "Helsinki") does not take the name from
    // the town: place search reads a city and its station within 30 km as one place.
    let mut taken: HashSet<String> = graph
        .nodes
        .iter()
        .filter(|n| n.kind != NodeKind::Station)
        .map(|n| n.name.clone())
        .collect();
    let mut named = 0;
    for (name, lon, lat) in places {
        if taken.contains(name) {
            continue;
        }
        let Some(near) = tree.nearest_neighbor(&[*lon, *lat]) else {
            continue;
        };
        let n = &mut graph.nodes[near.data];
        let d = Haversine::distance(Point::new(*lon, *lat), Point::new(n.lon, n.lat)) / 1000.0;
        if d <= PLACE_NAME_KM && n.kind == NodeKind::Junction {
            n.kind = NodeKind::City;
            n.name.clone_from(name);
            n.props.insert(
                "name_source".into(),
                json!(format!("{OSM_SOURCE}: place node within {d:.1} km")),
            );
            taken.insert(name.clone());
            named += 1;
        }
    }
    named
}
