//! Stations beside the track. OpenStreetMap often maps a station as a node in its building or
//! on its platform, beside the tracks rather than on a track vertex (Helsinki's is in the
//! station hall). A named station node that is on no selected way but within
//! [`STATION_BESIDE_M`] of a selected rail way becomes a vertex of that way at the nearest point
//! of the track, so that [`super::topology::build`] cuts the chain there and makes it a named
//! `station` node, as it does for a station on the track.
//!
//! - **Which stations** ([`station_name`]): `railway=station` with a `name`, or
//!   `public_transport=station` with `train=yes` and a `name`; not `station=subway`,
//!   `light_rail`, `monorail`, `funicular` or `miniature` (their tracks are not selected, and a
//!   metro station beside a main line must not name it).
//! - **Where**: the nearest point of the nearest selected rail segment (a local equirectangular
//!   projection around the station finds it; the distance is then measured on the sphere). A
//!   point within [`SNAP_TO_VERTEX_M`] of a vertex is that vertex; otherwise a new vertex is
//!   inserted *on* the segment, so the geometry is unchanged and the two new links' geodesic
//!   lengths add up to the old one (to well under a millimetre for segments of OSM's length).
//! - **Ids**: the inserted vertex takes the station node's own OSM id (it is on no selected way,
//!   so the id is free among the way nodes): the graph node is `osm-rail-<station node>`.
//! - One track only: on a double track mapped as two ways the station goes on the nearer.
//!
//! Memory: a tree of the candidate stations only (small); the rail segments are scanned once,
//! not indexed.

use std::collections::{HashMap, HashSet};

use geo::{Distance, Haversine, Point};
use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};

use super::read::{NodePass, NodeTags, SelectedWay};
use crate::network::Mode;

/// Largest distance from a station node to the selected rail track for it to be placed on the
/// track, metres. Stations mapped in their building or on a platform lie 10–150 m from the
/// nearest main track; 300 m also takes large terminals (Helsinki's node is ~100 m from the
/// end of the main tracks) without reaching the next line in a town.
pub const STATION_BESIDE_M: f64 = 300.0;

/// A nearest point closer than this to a vertex of the way is that vertex, metres (no
/// zero-length link is made).
pub const SNAP_TO_VERTEX_M: f64 = 1.0;

/// Metres per degree of latitude (mean), for the search boxes only; distances are measured
/// with [`Haversine`].
const M_PER_DEG: f64 = 111_320.0;

/// The name of a station a node stands for, if it is one ([`self`]'s rule).
///
/// # Example
/// ```
/// use corridor::import::osm::stations::station_name;
/// assert_eq!(station_name([("railway", "station"), ("name", "Naushki")]), Some("Naushki"));
/// assert_eq!(station_name([("railway", "station"), ("station", "subway"), ("name", "Kamppi")]), None);
/// assert_eq!(station_name([("public_transport", "station"), ("train", "yes"), ("name", "Pasila")]), Some("Pasila"));
/// assert_eq!(station_name([("public_transport", "station"), ("name", "Bus hub")]), None);
/// ```
pub fn station_name<'a>(tags: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<&'a str> {
    let (mut railway, mut pt, mut train, mut kind, mut name) = (None, None, None, None, None);
    for (k, v) in tags {
        match k {
            "railway" => railway = Some(v),
            "public_transport" => pt = Some(v),
            "train" => train = Some(v),
            "station" => kind = Some(v),
            "name" => name = Some(v),
            _ => {}
        }
    }
    let is_station = railway == Some("station") || (pt == Some("station") && train == Some("yes"));
    let not_rail = matches!(
        kind,
        Some("subway" | "light_rail" | "monorail" | "funicular" | "miniature")
    );
    name.filter(|n| is_station && !not_rail && !n.trim().is_empty())
}

/// What [`attach_beside`] did, for the summary.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StationReport {
    /// Named stations that are vertices of selected rail ways.
    pub on_track: usize,
    /// Named stations beside the track, placed on it.
    pub beside: usize,
    /// Of those, placed on an existing vertex of the way (within [`SNAP_TO_VERTEX_M`]).
    pub beside_at_vertex: usize,
    /// Stations beside the track whose nearest vertex is already a station (its name kept).
    pub merged: usize,
    /// Named stations read (inside `--bbox`) farther than [`STATION_BESIDE_M`] from every
    /// selected rail way: not placed.
    pub too_far: usize,
}

/// The nearest point of the track found for one station.
#[derive(Clone, Copy)]
struct Best {
    d_m: f64,
    way: usize,
    seg: usize,
    t: f64,
    lon: f64,
    lat: f64,
}

/// Places the stations beside the track ([`NodePass::stations_beside`]) on the selected rail
/// ways: new vertices in `ways` (positions in `pass.coords`, names in `pass.tags`), or names on
/// existing vertices.
///
/// # Complexity
/// O(s log k) for s rail segments and k candidate stations, plus O(n log n) to re-sort the
/// node positions when a vertex is inserted.
pub fn attach_beside(ways: &mut [SelectedWay], pass: &mut NodePass) -> StationReport {
    let mut report = StationReport::default();
    let is_station =
        |pass: &NodePass, n: i64| pass.tags.get(&n).is_some_and(|t| t.station.is_some());
    let mut on: HashSet<i64> = HashSet::new();
    for w in ways.iter().filter(|w| w.attrs.mode == Mode::Rail) {
        on.extend(w.refs.iter().copied().filter(|&n| is_station(pass, n)));
    }
    report.on_track = on.len();
    let mut cands = std::mem::take(&mut pass.stations_beside);
    cands.sort_by_key(|c| c.0);
    cands.dedup_by_key(|c| c.0);
    if cands.is_empty() {
        return report;
    }
    let tree = RTree::bulk_load(
        cands
            .iter()
            .enumerate()
            .map(|(i, c)| GeomWithData::new([deg(c.2), deg(c.3)], i))
            .collect(),
    );
    let mut best: Vec<Option<Best>> = vec![None; cands.len()];
    let margin_lat = STATION_BESIDE_M / M_PER_DEG * 1.05;
    for (wi, w) in ways.iter().enumerate() {
        if w.attrs.mode != Mode::Rail {
            continue;
        }
        for (si, pair) in w.refs.windows(2).enumerate() {
            let (Some(a), Some(b)) = (pass.position(pair[0]), pass.position(pair[1])) else {
                continue;
            };
            let lat_max = a.1.abs().max(b.1.abs()).min(89.0);
            let margin_lon = margin_lat / lat_max.to_radians().cos();
            let env = AABB::from_corners(
                [a.0.min(b.0) - margin_lon, a.1.min(b.1) - margin_lat],
                [a.0.max(b.0) + margin_lon, a.1.max(b.1) + margin_lat],
            );
            for s in tree.locate_in_envelope(&env) {
                let [lon, lat] = *s.geom();
                let (t, p) = nearest_on_segment((lon, lat), a, b);
                let d_m = Haversine::distance(Point::new(lon, lat), Point::new(p.0, p.1));
                let cand = Best {
                    d_m,
                    way: wi,
                    seg: si,
                    t,
                    lon: p.0,
                    lat: p.1,
                };
                let slot = &mut best[s.data];
                // Ties go to the lower way id, then the earlier segment: deterministic.
                let better = match slot {
                    None => true,
                    Some(o) => {
                        d_m < o.d_m || (d_m == o.d_m && (w.id, si) < (ways[o.way].id, o.seg))
                    }
                };
                if better {
                    *slot = Some(cand);
                }
            }
        }
    }
    // Inserted vertices per way: (segment, t, station id).
    let mut inserts: HashMap<usize, Vec<(usize, f64, i64)>> = HashMap::new();
    for (c, b) in cands.iter().zip(&best) {
        let (id, name, _, _) = c;
        let Some(b) = b.filter(|b| b.d_m <= STATION_BESIDE_M) else {
            report.too_far += 1;
            continue;
        };
        report.beside += 1;
        let refs = &ways[b.way].refs;
        let (va, vb) = (refs[b.seg], refs[b.seg + 1]);
        let near = |v: i64| {
            pass.position(v).is_some_and(|(x, y)| {
                Haversine::distance(Point::new(x, y), Point::new(b.lon, b.lat)) <= SNAP_TO_VERTEX_M
            })
        };
        let vertex = [va, vb].into_iter().find(|&v| near(v));
        let beside = Some((*id, b.d_m, ways[b.way].id));
        match vertex {
            Some(v) => {
                report.beside_at_vertex += 1;
                let t = pass.tags.entry(v).or_default();
                if t.station.is_some() {
                    report.merged += 1;
                } else {
                    t.station = Some(name.clone());
                    t.beside = beside;
                }
            }
            None => {
                inserts.entry(b.way).or_default().push((b.seg, b.t, *id));
                pass.coords.push((*id, to7(b.lon), to7(b.lat)));
                pass.tags.insert(
                    *id,
                    NodeTags {
                        station: Some(name.clone()),
                        beside,
                        ..NodeTags::default()
                    },
                );
            }
        }
    }
    if !inserts.is_empty() {
        for (wi, mut ins) in inserts {
            // Last segment first, and within a segment the farthest first: each insert at
            // `seg + 1` then leaves the earlier ones in order.
            ins.sort_by(|x, y| y.0.cmp(&x.0).then(y.1.total_cmp(&x.1)).then(y.2.cmp(&x.2)));
            for (seg, _, id) in ins {
                ways[wi].refs.insert(seg + 1, id);
            }
        }
        pass.coords.sort_unstable_by_key(|c| c.0);
    }
    report
}

fn deg(x7: i32) -> f64 {
    f64::from(x7) * 1e-7
}

fn to7(x: f64) -> i32 {
    (x * 1e7).round() as i32
}

/// The nearest point to `q` on the segment `a`–`b` (lon, lat degrees), as the parameter `t` in
/// [0, 1] and the point, in an equirectangular projection centred on `q` (exact enough over a
/// few hundred metres; the point lies on the segment as drawn).
fn nearest_on_segment(q: (f64, f64), a: (f64, f64), b: (f64, f64)) -> (f64, (f64, f64)) {
    let k = q.1.to_radians().cos();
    let (ax, ay) = ((a.0 - q.0) * k, a.1 - q.1);
    let (bx, by) = ((b.0 - q.0) * k, b.1 - q.1);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (t, (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::osm::select::{Selection, select_way};

    fn way(id: i64, refs: Vec<i64>) -> SelectedWay {
        let sel = Selection {
            rail: true,
            road: true,
            narrow_gauge: false,
        };
        SelectedWay {
            id,
            attrs: select_way([("railway", "rail")], &sel).unwrap(),
            refs,
        }
    }

    #[test]
    fn the_nearest_point_is_on_the_segment_and_clamped_to_its_ends() {
        let (t, p) = nearest_on_segment((0.5, 0.001), (0.0, 0.0), (1.0, 0.0));
        assert!((t - 0.5).abs() < 1e-12 && (p.0 - 0.5).abs() < 1e-12 && p.1 == 0.0);
        let (t, p) = nearest_on_segment((-0.2, 0.001), (0.0, 0.0), (1.0, 0.0));
        assert_eq!((t, p), (0.0, (0.0, 0.0)));
    }

    #[test]
    fn two_stations_on_one_segment_are_inserted_in_order_and_a_far_one_is_left() {
        let mut ways = vec![way(1, vec![10, 11])];
        let mut pass = NodePass {
            coords: vec![
                (10, 1_040_000_000, 525_000_000),
                (11, 1_041_000_000, 525_000_000),
            ],
            ..NodePass::default()
        };
        // 0.08° and 0.02° along, ~100 m north; one 2 km away.
        pass.stations_beside = vec![
            (30, "B".into(), 1_040_800_000, 525_009_000),
            (20, "A".into(), 1_040_200_000, 525_009_000),
            (40, "Far".into(), 1_040_500_000, 525_180_000),
        ];
        let r = attach_beside(&mut ways, &mut pass);
        assert_eq!(ways[0].refs, vec![10, 20, 30, 11]);
        assert_eq!((r.beside, r.too_far, r.beside_at_vertex), (2, 1, 0));
        let (x, y) = pass.position(20).unwrap();
        assert!(
            (x - 104.02).abs() < 1e-7 && (y - 52.5).abs() < 1e-7,
            "{x} {y}"
        );
        assert_eq!(pass.tags[&30].station.as_deref(), Some("B"));
    }
}
