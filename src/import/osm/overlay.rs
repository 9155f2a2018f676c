//! The overlay of curated knowledge: the curated network's crossings, places, terminals and
//! ports attached to the imported graph by mode and proximity, keeping their ids (so that
//! scenarios and demand sets naming curated ids keep working).
//!
//! - A curated **crossing** matches the nearest OSM crossing of the same mode between the same
//!   two countries whose midpoint lies within [`CROSSING_MATCH_KM`] of the curated crossing's
//!   midpoint. The OSM crossing then takes the curated id, name, dwell, hours, veterinary,
//!   capacity, status, schedule and sources (its geometry and gauge stay OSM's), and its two
//!   border points take the curated border-point ids and names.
//! - A curated **node** (city, station, terminal, port, junction) joins, for each mode it
//!   serves, the nearest imported node of that mode in the same country within
//!   [`NODE_MATCH_KM`], by a short connector link (kept with its curated id, kind and
//!   properties; its `gauge_mm` is dropped, since OSM decides the gauges).
//! - Curated lines and roads are not copied: OSM's geometry replaces them. Their capacities
//!   are carried onto the imported links along the shortest imported path between their two
//!   ends when both ends are in the imported graph ([`capacity_path_limit_km`]); their ids are
//!   not kept (a scenario naming a curated line finds no link: see [`super::carry`]).

use std::collections::{HashMap, HashSet};

use geo::{Distance, Haversine, Point};
use rstar::RTree;
use rstar::primitives::GeomWithData;
use serde_json::{Value, json};

use super::topology::{GLink, GNode, Graph, OSM_SOURCE, coord7};
use crate::network::{LinkKind, Mode, Network, NodeKind};

/// Largest distance between the midpoints of a curated and an OSM crossing to match, km
/// (curated border points are placed to ±5–15 km; see `geodata/README.md`).
pub const CROSSING_MATCH_KM: f64 = 25.0;

/// Largest distance from a curated node to the imported node it is joined to, km (curated
/// positions of cities are approximate).
pub const NODE_MATCH_KM: f64 = 10.0;

/// What the overlay did.
#[derive(Debug, Default, Clone)]
pub struct OverlayReport {
    /// Curated crossings matched: `(curated id, OSM link id it replaced, km apart)`.
    pub crossings_matched: Vec<(String, String, f64)>,
    /// Curated crossings with no OSM counterpart in the extract.
    pub crossings_unmatched: Vec<String>,
    /// OSM crossings with no curated counterpart (kept, unverified).
    pub crossings_inferred: Vec<String>,
    /// Curated nodes attached: `(id, modes, km to the OSM node)`.
    pub nodes_attached: Vec<(String, Vec<Mode>, f64)>,
    /// Curated nodes with no imported node near them.
    pub nodes_unmatched: Vec<String>,
    /// Curated line and road capacities carried onto imported links: `(curated id, links,
    /// km of the longer of the two directions' paths, curated km)`.
    pub capacities_transferred: Vec<(String, usize, f64, f64)>,
    /// Curated capacities not carried, and why.
    pub capacities_not_transferred: Vec<(String, String)>,
    /// Imported links on the paths of two or more curated links (the smaller capacity kept).
    pub capacity_links_shared: usize,
}

fn midpoint((a, b): ((f64, f64), (f64, f64))) -> Point<f64> {
    Point::new((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0)
}

/// Crossing fields copied from the curated crossing.
const CROSSING_FIELDS: &[&str] = &[
    "name",
    "dwell_h",
    "hours",
    "veterinary",
    "capacity",
    "capacity_basis",
    "capacity_forward",
    "capacity_backward",
    "capacity_note",
    "throughput_tpy",
    "throughput_year",
    "throughput_direction",
    "status",
    "opening_hours",
    "timezone",
    "holidays",
    "schedule_source",
    "notes",
    "ref",
];

/// Applies the curated network `curated` to `graph`.
pub fn apply(graph: &mut Graph, curated: &Network) -> OverlayReport {
    let mut report = OverlayReport::default();
    let mut taken_links: HashSet<usize> = HashSet::new();
    let mut used_ids: HashSet<String> = graph.nodes.iter().map(|n| n.id.clone()).collect();
    used_ids.extend(graph.links.iter().map(|l| l.id.clone()));
    for cl in curated.crossings() {
        let Some(x) = &cl.crossing else { continue };
        let cs: Vec<(f64, f64)> = cl.geometry.coords().map(|c| (c.x, c.y)).collect();
        let Some((&first, &last)) = cs.first().zip(cs.last()) else {
            continue;
        };
        let cmid = midpoint((first, last));
        let best = graph
            .links
            .iter()
            .enumerate()
            .filter(|(i, l)| {
                !taken_links.contains(i)
                    && l.mode == cl.mode
                    && l.crossing.as_ref().is_some_and(|c| {
                        (c[0] == x.countries[0] && c[1] == x.countries[1])
                            || (c[0] == x.countries[1] && c[1] == x.countries[0])
                    })
            })
            .map(|(i, l)| (i, Haversine::distance(cmid, midpoint(l.ends())) / 1000.0))
            .filter(|(_, d)| *d <= CROSSING_MATCH_KM)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let Some((li, d)) = best else {
            report.crossings_unmatched.push(cl.id.0.clone());
            continue;
        };
        // Every link built from the same OSM stretch (a dual-gauge crossing has two) is
        // matched together; the first keeps the curated id.
        let same: Vec<usize> = graph
            .links
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                l.from == graph.links[li].from
                    && l.to == graph.links[li].to
                    && l.crossing.is_some()
                    && l.mode == cl.mode
            })
            .map(|(i, _)| i)
            .collect();
        let osm_id = graph.links[li].id.clone();
        for (k, &i) in same.iter().enumerate() {
            taken_links.insert(i);
            let l = &mut graph.links[i];
            let osm_source = l
                .props
                .get("source")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            for f in CROSSING_FIELDS {
                l.props.remove(*f);
                if let Some(v) = cl.properties.get(f) {
                    l.props.insert((*f).into(), v);
                }
            }
            l.props.remove("dwell_note");
            l.props.insert(
                "source".into(),
                json!(format!("{}; geometry: {osm_source}", cl.source)),
            );
            l.props.insert("osm_crossing".into(), json!(osm_id));
            let id = if k == 0 {
                cl.id.0.clone()
            } else {
                format!("{}-g{}", cl.id.0, l.gauge_mm.unwrap_or(0))
            };
            used_ids.insert(id.clone());
            l.id = id;
        }
        // Border points take the curated ids, in the countries' order.
        let (f, t) = (graph.links[li].from, graph.links[li].to);
        for (ix, cid) in [(f, &cl.from), (t, &cl.to)] {
            let Some(cn) = curated.node(&cid.0) else {
                continue;
            };
            let n = &mut graph.nodes[ix];
            if n.country != cn.country {
                // The OSM crossing runs the other way: the curated node of this country.
                continue;
            }
            adopt_node(n, cn, &mut used_ids);
        }
        for (ix, cid) in [(f, &cl.to), (t, &cl.from)] {
            let Some(cn) = curated.node(&cid.0) else {
                continue;
            };
            let n = &mut graph.nodes[ix];
            if n.country == cn.country && n.id.starts_with("osm-") {
                adopt_node(n, cn, &mut used_ids);
            }
        }
        report.crossings_matched.push((cl.id.0.clone(), osm_id, d));
    }
    for (i, l) in graph.links.iter().enumerate() {
        if l.crossing.is_some() && !taken_links.contains(&i) {
            report.crossings_inferred.push(l.id.clone());
        }
    }
    attach_nodes(graph, curated, &mut used_ids, &mut report);
    transfer_capacities(graph, curated, &mut report);
    report
}

/// How much longer than the curated line (km) the imported path between its two ends may be
/// and still be taken for the same line: `1.5 × curated + 10 km`. Curated lengths are
/// published or estimated with a 1.16 circuity (`geodata/README.md`); OSM's geodesic path
/// along the real track is within ±20 % of them where the line exists; a path much longer
/// runs round a gap in the extract, not along the line.
pub fn capacity_path_limit_km(curated_km: f64) -> f64 {
    1.5 * curated_km + 10.0
}

/// Curated capacity fields carried onto the imported links along a curated line or road.
const LINE_CAPACITY_FIELDS: &[&str] = &["capacity", "capacity_basis", "capacity_note"];

/// Carries each curated line's or road's capacity onto the imported links between its two
/// ends: both ends must be in the imported graph (attached or adopted, so under their curated
/// ids), and the shortest imported path between them of the same mode (rail: of the curated
/// gauge; crossings not used; oneway roads followed in their direction, both directions
/// taken) must be at most [`capacity_path_limit_km`] long. Directed capacities
/// (`capacity_forward`/`_backward`) are not carried (the imported links' orientation differs).
/// A link on the paths of two curated links keeps the smaller capacity of the same unit (or
/// the first, when the units differ).
fn transfer_capacities(graph: &mut Graph, curated: &Network, report: &mut OverlayReport) {
    let mut ix_of: HashMap<&str, usize> = HashMap::new();
    for (i, n) in graph.nodes.iter().enumerate() {
        ix_of.insert(n.id.as_str(), i);
    }
    // An imported node that took a curated node's name but not its id (the id was taken).
    let mut also: HashMap<String, usize> = HashMap::new();
    for (i, n) in graph.nodes.iter().enumerate() {
        if let Some(c) = n.props.get("curated_node").and_then(Value::as_str) {
            also.insert(c.to_string(), i);
        }
    }
    let find = |id: &str| ix_of.get(id).copied().or_else(|| also.get(id).copied());
    let mut adj: Vec<Vec<(usize, usize, bool)>> = vec![Vec::new(); graph.nodes.len()];
    for (li, l) in graph.links.iter().enumerate() {
        adj[l.from].push((li, l.to, true));
        adj[l.to].push((li, l.from, false));
    }
    let mut assigned: Vec<(usize, serde_json::Map<String, Value>)> = Vec::new();
    let mut from_of: HashMap<usize, usize> = HashMap::new();
    for cl in curated.links() {
        if cl.kind == LinkKind::Crossing || cl.capacity.is_none() {
            continue;
        }
        let id = cl.id.0.as_str();
        let (Some(a), Some(b)) = (find(&cl.from.0), find(&cl.to.0)) else {
            let missing: Vec<&str> = [&cl.from.0, &cl.to.0]
                .into_iter()
                .filter(|n| find(n).is_none())
                .map(String::as_str)
                .collect();
            report.capacities_not_transferred.push((
                id.to_string(),
                format!("end {} not in the imported network", missing.join(" and ")),
            ));
            continue;
        };
        let limit = capacity_path_limit_km(cl.length_km);
        let gauge = if cl.mode == Mode::Rail {
            cl.gauge_mm
        } else {
            None
        };
        let allowed = |l: &GLink| {
            l.mode == cl.mode
                && l.crossing.is_none()
                && (gauge.is_none() || l.gauge_mm.is_none() || l.gauge_mm == gauge)
        };
        let mut links: Vec<usize> = Vec::new();
        let mut km: f64 = 0.0;
        for (s, t) in [(a, b), (b, a)] {
            if let Some((p, d)) = shortest(graph, &adj, s, t, limit, &allowed) {
                km = km.max(d);
                links.extend(p);
            }
        }
        links.sort_unstable();
        links.dedup();
        if links.is_empty() {
            report.capacities_not_transferred.push((
                id.to_string(),
                format!(
                    "no imported {} path{} within {limit:.0} km (1.5 × the curated {:.0} km + 10) between {} and {}",
                    cl.mode,
                    gauge.map(|g| format!(" of gauge {g} mm")).unwrap_or_default(),
                    cl.length_km,
                    cl.from,
                    cl.to
                ),
            ));
            continue;
        }
        let mut fields = serde_json::Map::new();
        for f in LINE_CAPACITY_FIELDS {
            if let Some(v) = cl.properties.get(f) {
                fields.insert((*f).into(), v);
            }
        }
        let source = cl
            .properties
            .get_str("capacity_source")
            .unwrap_or_else(|| cl.source.to_string());
        fields.insert(
            "capacity_source".into(),
            json!(format!("curated link {id}: {source}")),
        );
        fields.insert("capacity_from".into(), json!(id));
        let cap = cl.capacity.as_ref().map(|c| (c.value, c.unit));
        for &li in &links {
            match from_of.get(&li) {
                None => {
                    from_of.insert(li, assigned.len());
                    assigned.push((li, fields.clone()));
                }
                Some(&k) => {
                    report.capacity_links_shared += 1;
                    let old = curated
                        .link(assigned[k].1["capacity_from"].as_str().unwrap_or(""))
                        .and_then(|l| l.capacity.as_ref().map(|c| (c.value, c.unit)));
                    if let (Some((v, u)), Some((ov, ou))) = (cap, old)
                        && u == ou
                        && v < ov
                    {
                        assigned[k].1 = fields.clone();
                    }
                }
            }
        }
        report
            .capacities_transferred
            .push((id.to_string(), links.len(), km, cl.length_km));
    }
    // Into the links' own property maps (those of OSM lines are empty until here: their
    // other properties come from their way attributes when written).
    for (li, fields) in assigned {
        let l = &mut graph.links[li];
        for (k, v) in fields {
            l.props.insert(k, v);
        }
    }
}

/// Shortest path (km) from `s` to `t` over the links `allowed` admits, oneway links only
/// forward, no longer than `limit_km`: the link indices and the length.
fn shortest(
    graph: &Graph,
    adj: &[Vec<(usize, usize, bool)>],
    s: usize,
    t: usize,
    limit_km: f64,
    allowed: &dyn Fn(&GLink) -> bool,
) -> Option<(Vec<usize>, f64)> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    // Distances in micrometres of km (1e-6 km = 1 mm) as integers, for the heap's order.
    let key = |km: f64| (km * 1e6).round() as u64;
    let mut dist: HashMap<usize, u64> = HashMap::new();
    let mut prev: HashMap<usize, usize> = HashMap::new();
    let mut heap = BinaryHeap::new();
    dist.insert(s, 0);
    heap.push(Reverse((0u64, s)));
    let limit = key(limit_km);
    while let Some(Reverse((d, u))) = heap.pop() {
        if d > limit {
            return None;
        }
        if u == t {
            let mut path = Vec::new();
            let mut at = t;
            while at != s {
                let li = prev[&at];
                path.push(li);
                let l = &graph.links[li];
                at = if l.to == at { l.from } else { l.to };
            }
            path.reverse();
            return Some((path, d as f64 / 1e6));
        }
        if dist.get(&u).is_some_and(|&x| x < d) {
            continue;
        }
        for &(li, v, forward) in &adj[u] {
            let l = &graph.links[li];
            let oneway = graph.oneway(l);
            if (oneway && !forward) || !allowed(l) {
                continue;
            }
            let nd = d + key(l.length_km);
            if dist.get(&v).is_none_or(|&x| nd < x) {
                dist.insert(v, nd);
                prev.insert(v, li);
                heap.push(Reverse((nd, v)));
            }
        }
    }
    None
}

/// Renames an imported border point after the curated one (unless that id is taken: a node
/// of the other mode has it already, then only its name and a `curated_node` note change).
fn adopt_node(n: &mut GNode, cn: &crate::network::Node, used: &mut HashSet<String>) {
    n.name.clone_from(&cn.name);
    if let Some(l) = &cn.name_local {
        n.props.insert("name_local".into(), json!(l));
    }
    let osm_source = n.source();
    n.props.insert(
        "source".into(),
        json!(format!("{}; position: {osm_source}", cn.source)),
    );
    if used.contains(&cn.id.0) {
        n.props.insert("curated_node".into(), json!(cn.id.0));
    } else {
        used.insert(cn.id.0.clone());
        n.id.clone_from(&cn.id.0);
    }
}

fn attach_nodes(
    graph: &mut Graph,
    curated: &Network,
    used_ids: &mut HashSet<String>,
    report: &mut OverlayReport,
) {
    let trees: HashMap<Mode, RTree<GeomWithData<[f64; 2], usize>>> = [Mode::Rail, Mode::Road]
        .into_iter()
        .map(|m| {
            let pts = graph
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.modes.contains(&m))
                .map(|(i, n)| GeomWithData::new([n.lon, n.lat], i))
                .collect();
            (m, RTree::bulk_load(pts))
        })
        .collect();
    let gauge_at = |graph: &Graph, ix: usize| {
        graph
            .links
            .iter()
            .find(|l| (l.from == ix || l.to == ix) && l.mode == Mode::Rail)
            .and_then(|l| l.gauge_mm)
    };
    for cn in curated.nodes() {
        if cn.kind == NodeKind::BorderPoint || used_ids.contains(&cn.id.0) {
            if cn.kind == NodeKind::BorderPoint && !used_ids.contains(&cn.id.0) {
                report.nodes_unmatched.push(cn.id.0.clone());
            }
            continue;
        }
        let mut joins: Vec<(Mode, usize, f64)> = Vec::new();
        for m in &cn.modes {
            let p = [cn.point.x(), cn.point.y()];
            let found = trees[m]
                .nearest_neighbor_iter(&p)
                .take(50)
                .find(|g| graph.nodes[g.data].country == cn.country);
            if let Some(g) = found {
                let n = &graph.nodes[g.data];
                let d = Haversine::distance(cn.point, Point::new(n.lon, n.lat)) / 1000.0;
                if d <= NODE_MATCH_KM {
                    joins.push((*m, g.data, d));
                }
            }
        }
        if joins.is_empty() {
            report.nodes_unmatched.push(cn.id.0.clone());
            continue;
        }
        let modes: Vec<Mode> = joins.iter().map(|j| j.0).collect();
        let mut props: serde_json::Map<String, Value> = cn.properties.to_map();
        for f in ["id", "name", "country", "kind", "modes", "gauge_mm"] {
            props.remove(f);
        }
        props.insert(
            "intermodal".into(),
            json!(cn.intermodal && modes.len() == 2),
        );
        graph.nodes.push(GNode {
            id: cn.id.0.clone(),
            lon: cn.point.x(),
            lat: cn.point.y(),
            country: cn.country.clone(),
            kind: cn.kind,
            modes: modes.clone(),
            name: cn.name.clone(),
            osm_id: None,
            props,
        });
        used_ids.insert(cn.id.0.clone());
        let ix = graph.nodes.len() - 1;
        let country = graph.country_ix(&cn.country);
        let mut dmax: f64 = 0.0;
        for (m, to, d) in joins {
            dmax = dmax.max(d);
            let to_node = &graph.nodes[to];
            let gauge = if m == Mode::Rail {
                gauge_at(graph, to)
            } else {
                None
            };
            let mut props = serde_json::Map::new();
            props.insert(
                "kind".into(),
                json!(if m == Mode::Rail {
                    LinkKind::Line.as_str()
                } else {
                    LinkKind::Road.as_str()
                }),
            );
            props.insert(
                "name".into(),
                json!(format!("connector {} – {}", cn.name, to_node.name)),
            );
            props.insert("speed_kmh".into(), json!(20));
            props.insert(
                "speed_note".into(),
                json!("estimate: nominal speed on a short overlay connector"),
            );
            props.insert("status".into(), json!("open"));
            if m == Mode::Road {
                props.insert("road_class".into(), json!("primary"));
            }
            props.insert(
                "source".into(),
                json!(format!(
                    "overlay connector: curated node {} ({}) joined to {} at {d:.2} km; {OSM_SOURCE}",
                    cn.id, cn.source, to_node.id
                )),
            );
            let coords = vec![
                coord7((cn.point.x(), cn.point.y())),
                coord7((to_node.lon, to_node.lat)),
            ];
            let length_km = (Haversine::distance(cn.point, Point::new(to_node.lon, to_node.lat))
                / 1000.0)
                .max(0.001);
            graph.links.push(GLink {
                id: format!("osm-conn-{}-{}", cn.id, m.as_str()),
                from: ix,
                to,
                mode: m,
                gauge_mm: gauge,
                crossing: None,
                coords,
                length_km,
                attrs: None,
                country,
                ways: Box::default(),
                props,
            });
        }
        report.nodes_attached.push((cn.id.0.clone(), modes, dmax));
    }
}
