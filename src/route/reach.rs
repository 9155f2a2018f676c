//! Reachability: from (or towards) one place, how far one gets within up to
//! [`MAX_CONTOURS`] budgets of one measure — the nodes reached with their values, the links
//! reached (cut exactly where a budget runs out part-way along one), and one polygon per
//! budget around what it reaches.
//!
//! # Where along a link a budget runs out
//! A link's measure has a *running* part that accrues along its geometry (distance; length /
//! speed; length × haulage rate: [`running_measure`]) and a *fixed* part that happens at a
//! point: a crossing's border dwell (`dwell_h × dwell_scale`) or fee, and a transshipment
//! (break of gauge, rail↔road change). The fixed part is charged where the search graph
//! charges it, **at the link's start**, before the vehicle moves: the transshipment happens
//! at the node, and a crossing link's dwell is the wait at the border post it starts from.
//! So, with `v` the value on arriving at the start, `f` the fixed part and `r` the running
//! part, the point at fraction `p` of the link is reached at `v + f + p·r`:
//!
//! ```text
//!   budget B                     cut at p = (B − v − f) / r
//!   start ●══ f (waits, 0 km) ══▶●───────────────┼ · · · · · · ● end
//!         v                      v + f           B             v + f + r
//! ```
//!
//! A budget that runs out during the fixed part (`B < v + f`) does not enter the link. Towards
//! a place (`direction = to`), a vehicle part-way along a link has already passed its start,
//! so only the running part remains: the point at `p` reaches the place at
//! `(1 − p)·r + w`, `w` the value at the link's end. The fraction `p` is of the running
//! measure, which is linear in length, so the cut point is `p` of the way along the
//! geometry's geodesic (haversine) length ([`line_piece`]).
//!
//! A link may be reached from both ends; then it has up to two pieces per budget, or is whole
//! when they meet. Pieces are given per budget (cumulative: the 48 h pieces include the 24 h
//! ones), so a map can draw each budget on its own.
//!
//! # With a departure
//! Outwards with a [`Timed`](super::many::Timed) spec (`depart`, budgets in hours), values
//! are earliest arrivals in hours after departure, waits at closed crossings included
//! (the time-dependent search of [`super::many`]). A link's running part then starts once
//! the cargo has waited for the crossing and cleared it: at its timed arrival less its
//! running hours. A crossing reached outside the calendar's years within the largest budget
//! makes the answer uncertain, and [`reach`] refuses it.
//!
//! # With an arrival deadline
//! Inwards with a [`Timed`](super::many::Timed) spec (its clock's instant the deadline at the
//! place, budgets in hours), values are **hours before the deadline** at which a node must be
//! left at the latest to arrive in time, waits at closed crossings included: the latest
//! departures of [`super::many`]'s backward search. Leaving a node `value` hours before the
//! deadline, the earliest-arrival route gets there in time; leaving a minute later, it does
//! not. A link's pieces are cut as in the timeless inward case: a vehicle part-way along a
//! link has passed its crossing, so only its running hours remain.
//!
//! # Contour polygons: a concave hull (chi-shape)
//! Each budget's polygon is a concave hull of the budget's reached nodes, the cut points of
//! its link pieces, and the inner vertices of its link pieces thinned to one per
//! [`GRID_DEG`] cell (the thinned vertices keep the links' shape): a *chi-shape* over their
//! Delaunay triangulation ([`chi_shape`]): the triangulation's boundary edges longer than
//! [`CHI_EDGE_DEG`] are dug in, longest first, as long as the shape stays one simple
//! polygon. Chosen over a buffer of the reached links because (1) the hull keeps the shape of
//! a corridor network (long thin arms along lines) without inventing a width, where a buffer
//! needs a distance in degrees that means different things at 40° and 55° N; (2) it is one
//! O(n log n) pass over the points, where a buffer means offsetting and unioning hundreds of
//! link geometries (and geo 0.29 has no buffer); (3) its vertices are input points and it
//! is a union of triangles over all of them, so it holds every point exactly and its ring is
//! simple **by construction** (no check and retry, unlike geo's `ConcaveHull`, which could
//! leave a point outside and was ~80 % of a reach's time). A triangulation that fails gives
//! the convex hull. A budget that reaches fewer than three points, or only collinear ones,
//! gets the convex hull of small octagons ([`PAD_DEG`]) around them. The method used is
//! reported per polygon ([`HullKind`]). Only the hull's points are guaranteed inside: the
//! link vertices thinned away and the segments between vertices may lie past a concave edge.

use std::collections::HashSet;

use geo::line_intersection::line_intersection;
use geo::{
    ConvexHull, Coord, Distance, Haversine, Intersects, Line, LineString, MultiPoint, Point,
    Polygon,
};

use super::graph::SearchGraph;
use super::many::{Direction, ManyScratch, ManySpec, running_measure, with_scratch};
use crate::cost::Measure;
use crate::cost::schedule::OutsideCalendar;

/// Most budgets in one reach request.
pub const MAX_CONTOURS: usize = 5;
/// Boundary edges of a contour polygon longer than this (degrees, about 70–110 km) are dug
/// in where the shape allows (the chi-shape's length parameter, see [`chi_shape`]): four
/// thinning cells, so the boundary does not jump across much more unreached land than the
/// gaps the thinning leaves along a reached line.
pub const CHI_EDGE_DEG: f64 = 4.0 * GRID_DEG;
/// Radius of the octagons put around the points of a budget too small for a hull, degrees
/// (about 5 km).
pub const PAD_DEG: f64 = 0.05;
/// Size of the grid cells, degrees (about 20–30 km), to which the inner vertices of reached
/// links are thinned before hulling: one per cell not already holding a node or cut point.
pub const GRID_DEG: f64 = 0.25;

/// Why a list of budgets is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ContoursError {
    /// No budget given.
    #[error("give at least one budget")]
    Empty,
    /// More than [`MAX_CONTOURS`].
    #[error("at most {MAX_CONTOURS} budgets, got {0}")]
    TooMany(usize),
    /// A budget that is not a finite number above zero.
    #[error("budget {0} is not a finite number above 0")]
    NotPositive(f64),
    /// Budgets out of order.
    #[error("budgets must increase: {0} does not follow {1}")]
    NotIncreasing(f64, f64),
}

/// Checks a list of budgets: 1 to [`MAX_CONTOURS`] finite numbers above zero, strictly
/// increasing.
///
/// # Example
/// ```
/// use corridor::route::reach::check_contours;
/// assert!(check_contours(&[24.0, 48.0, 72.0]).is_ok());
/// assert!(check_contours(&[48.0, 24.0]).is_err());
/// assert!(check_contours(&[0.0]).is_err());
/// ```
pub fn check_contours(contours: &[f64]) -> Result<(), ContoursError> {
    if contours.is_empty() {
        return Err(ContoursError::Empty);
    }
    if contours.len() > MAX_CONTOURS {
        return Err(ContoursError::TooMany(contours.len()));
    }
    for &c in contours {
        if !(c.is_finite() && c > 0.0) {
            return Err(ContoursError::NotPositive(c));
        }
    }
    for w in contours.windows(2) {
        if w[1] <= w[0] {
            return Err(ContoursError::NotIncreasing(w[1], w[0]));
        }
    }
    Ok(())
}

/// A node reached within the largest budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReachNode {
    /// Index into the network's nodes.
    pub node_ix: usize,
    /// Best value of the measure from (or to) the origin.
    pub value: f64,
    /// Index of the smallest budget that holds `value`.
    pub contour: usize,
}

/// The part of a link reached within one budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReachLink {
    /// Index into the network's links.
    pub link_ix: usize,
    /// Index of the budget.
    pub contour: usize,
    /// Where the piece starts, as a fraction of the link from its `from` node (0..1).
    pub from_fraction: f64,
    /// Where it ends (`from_fraction < to_fraction ≤ 1`).
    pub to_fraction: f64,
    /// Whether the budget runs out part-way (the piece is not the whole link).
    pub cut: bool,
}

/// How a contour polygon was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HullKind {
    /// A concave hull (a chi-shape over the Delaunay triangulation of the points).
    Concave,
    /// The convex hull: the triangulation failed.
    Convex,
    /// Too few points for a hull: octagons of [`PAD_DEG`] around them, hulled.
    Padded,
}

/// One budget's polygon.
#[derive(Debug, Clone, PartialEq)]
pub struct Contour {
    /// The budget, in the measure's unit.
    pub budget: f64,
    /// The polygon (lon/lat), holding every node and link vertex reached within `budget`.
    pub polygon: Polygon<f64>,
    /// How it was made.
    pub hull: HullKind,
    /// Nodes reached within the budget.
    pub nodes: usize,
}

/// What one place reaches (or is reached from).
#[derive(Debug, Clone, PartialEq)]
pub struct Reach {
    /// Index of the origin node.
    pub origin: usize,
    /// Outwards or inwards.
    pub direction: Direction,
    /// The measure budgets are in.
    pub measure: Measure,
    /// Nodes reached within the largest budget, by value.
    pub nodes: Vec<ReachNode>,
    /// Link pieces, budget by budget.
    pub links: Vec<ReachLink>,
    /// One polygon per budget, in the order given.
    pub contours: Vec<Contour>,
}

/// Per link and per end, the value at which the running part starts to accrue from that
/// end: `v + f` (outwards) or `w` (inwards), the least over the traversals from that end.
/// Fills `bases` (one entry per link, `[from end, to end]`, `+∞` where not entered) and
/// lists the links entered in `touched` (ascending). Only the edges out of (outwards) or
/// into (inwards) a settled state are read, so a bounded search costs what it settled, not
/// the graph's size; `bases` is all `+∞` outside the `touched` of the previous call.
fn link_bases(
    spec: &ManySpec<'_>,
    scratch: &ManyScratch,
    direction: Direction,
    measure: Measure,
    bases: &mut Vec<[f64; 2]>,
    touched: &mut Vec<u32>,
) {
    let graph: &SearchGraph = spec.graph;
    // Reset what the last call touched (here rather than after, so an unwound call leaves
    // nothing stale behind).
    clear_bases(bases, touched);
    touched.clear();
    if bases.len() != spec.net.links().len() {
        bases.clear();
        bases.resize(spec.net.links().len(), [f64::INFINITY; 2]);
    }
    let edges = scratch
        .settled_states()
        .iter()
        .flat_map(|&s| -> Box<dyn Iterator<Item = usize>> {
            match direction {
                Direction::From => Box::new(graph.out_edges(s)),
                Direction::To => Box::new(graph.in_edges(s).iter().map(|&e| e as usize)),
            }
        });
    for e in edges {
        let edge = graph.edge(e);
        let l = edge.link as usize;
        if !spec.link_ok.get(l).copied().unwrap_or(false) || !spec.weights[e].is_finite() {
            continue;
        }
        let (base, end) = match direction {
            Direction::From => {
                let v = scratch.settled_dist(edge.from);
                if !v.is_finite() {
                    continue;
                }
                let r = running_measure(spec.profile, &spec.net.links()[l], measure);
                let base = match spec.timed {
                    // Timed: the running part starts after the wait and the dwell.
                    Some(t) if t.by_arrival => match t.clock.edge(e, v) {
                        Ok(x) => (x.arrive_h - r).max(v),
                        Err(_) => continue,
                    },
                    // The fixed part: the edge's weight less its running part.
                    _ => v + (spec.weights[e] - r).max(0.0),
                };
                (base, usize::from(!edge.forward))
            }
            Direction::To => {
                let w = scratch.settled_dist(edge.to);
                if !w.is_finite() {
                    continue;
                }
                (w, usize::from(edge.forward))
            }
        };
        if bases[l] == [f64::INFINITY; 2] {
            touched.push(l as u32);
        }
        let slot = &mut bases[l][end];
        if base < *slot {
            *slot = base;
        }
    }
    touched.sort_unstable();
}

/// Sets the `touched` entries of `bases` back to `+∞`.
fn clear_bases(bases: &mut [[f64; 2]], touched: &[u32]) {
    for &l in touched {
        if let Some(b) = bases.get_mut(l as usize) {
            *b = [f64::INFINITY; 2];
        }
    }
}

thread_local! {
    /// Per-link buffer of [`link_bases`] (all `+∞` between calls) and its touched links,
    /// kept per thread.
    static BASES: std::cell::RefCell<(Vec<[f64; 2]>, Vec<u32>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// How far one gets from (or to) `origin` within each budget.
///
/// # Arguments
/// * `spec` — the request's graph, weights **of `measure`**, link mask and profile.
/// * `contours` — budgets checked by [`check_contours`].
///
/// # Returns
/// Nodes with value ≤ the largest budget (the origin at 0), link pieces per budget, and one
/// polygon per budget (see the module docs for the cut rule and the hull). With a timed spec
/// outwards, values are earliest arrivals (hours after departure); inwards, latest
/// departures (hours before the arrival deadline).
///
/// # Errors
/// [`OutsideCalendar`] when, timed, a crossing reached within the largest budget cannot be
/// timed (it lies outside the calendar's years): what lies beyond it is unknown.
///
/// # Complexity
/// One one-to-many search bounded by the largest budget, then work in what it settled (the
/// nodes, the edges out of or into settled states, the links they enter), not in the
/// graph's size, and a concave hull per budget over its points.
pub fn reach(
    spec: &ManySpec<'_>,
    origin: usize,
    direction: Direction,
    measure: Measure,
    contours: &[f64],
) -> Result<Reach, OutsideCalendar> {
    let max = contours.last().copied().unwrap_or(0.0);
    let net = spec.net;
    let (nodes, links) = with_scratch(|scratch| {
        match direction {
            Direction::From => spec.forward(scratch, origin, &[], max),
            Direction::To => spec.backward(scratch, origin, &[], max),
        }
        if let Some((at_h, e)) = scratch.calendar_failure()
            && at_h <= max
        {
            return Err(e);
        }
        // A node's value is that of its first settled state (outwards) or of its `Start`
        // state (inwards): each is one of the settled states.
        let graph = spec.graph;
        let mut nodes: Vec<ReachNode> = scratch
            .settled_states()
            .iter()
            .filter_map(|&s| {
                let u = graph.node_of(s) as usize;
                let value = match direction {
                    Direction::From if scratch.best_state(u) == Some(s) => scratch.settled_dist(s),
                    Direction::To if graph.start_state(u) == s => scratch.settled_dist(s),
                    _ => return None,
                };
                let contour = contours.iter().position(|&b| value <= b)?;
                Some(ReachNode {
                    node_ix: u,
                    value,
                    contour,
                })
            })
            .collect();
        nodes.sort_by(|a, b| a.value.total_cmp(&b.value).then(a.node_ix.cmp(&b.node_ix)));
        let mut links = Vec::new();
        BASES.with(|cell| {
            let (bases, touched) = &mut *cell.borrow_mut();
            link_bases(spec, scratch, direction, measure, bases, touched);
            for (k, &budget) in contours.iter().enumerate() {
                for &l in touched.iter() {
                    let (l, base) = (l as usize, &bases[l as usize]);
                    let r = running_measure(spec.profile, &net.links()[l], measure);
                    let depth = |b: f64| -> f64 {
                        if b > budget {
                            0.0
                        } else if r <= 0.0 {
                            1.0
                        } else {
                            ((budget - b) / r).min(1.0)
                        }
                    };
                    let (a, z) = (depth(base[0]), depth(base[1]));
                    let whole = if r <= 0.0 {
                        base[0] <= budget || base[1] <= budget
                    } else {
                        a + z >= 1.0
                    };
                    if whole {
                        links.push(ReachLink {
                            link_ix: l,
                            contour: k,
                            from_fraction: 0.0,
                            to_fraction: 1.0,
                            cut: false,
                        });
                        continue;
                    }
                    if a > 0.0 {
                        links.push(ReachLink {
                            link_ix: l,
                            contour: k,
                            from_fraction: 0.0,
                            to_fraction: a,
                            cut: true,
                        });
                    }
                    if z > 0.0 {
                        links.push(ReachLink {
                            link_ix: l,
                            contour: k,
                            from_fraction: 1.0 - z,
                            to_fraction: 1.0,
                            cut: true,
                        });
                    }
                }
            }
        });
        Ok((nodes, links))
    })?;

    let mut must: Vec<Coord<f64>> = Vec::new();
    let mut extra: Vec<Coord<f64>> = Vec::new();
    let mut cells: HashSet<(i64, i64), super::cch::ArcHash> = HashSet::default();
    let cell = |c: &Coord<f64>| {
        (
            (c.x / GRID_DEG).floor() as i64,
            (c.y / GRID_DEG).floor() as i64,
        )
    };
    let contours = contours
        .iter()
        .enumerate()
        .map(|(k, &budget)| {
            must.clear();
            extra.clear();
            cells.clear();
            let reached = nodes.iter().filter(|n| n.contour <= k);
            let count = reached.clone().count();
            must.extend(reached.map(|n| net.nodes()[n.node_ix].point.0));
            for piece in links.iter().filter(|p| p.contour == k) {
                let geometry = &net.links()[piece.link_ix].geometry;
                if piece.cut {
                    let line = geometry.to_line_string();
                    let g = line_piece(&line, piece.from_fraction, piece.to_fraction);
                    let (first, last) = (g.0[0], g.0[g.0.len() - 1]);
                    // The cut end is a point the polygon must hold; the other is a node.
                    must.push(if piece.from_fraction > 0.0 {
                        first
                    } else {
                        last
                    });
                    extra.extend(g.0.iter().skip(1).take(g.0.len().saturating_sub(2)));
                } else {
                    let n = geometry.len();
                    extra.extend(geometry.coords().skip(1).take(n.saturating_sub(2)));
                }
            }
            // Thin the links' inner vertices to one per grid cell not already holding a
            // point that must be held: they give the polygon the links' shape, and hull
            // time grows with their number.
            cells.extend(must.iter().map(cell));
            let thinned = extra.iter().filter(|c| cells.insert(cell(c))).copied();
            let mut points: Vec<Coord<f64>> = must.iter().copied().chain(thinned).collect();
            let (polygon, hull) = contour_polygon(&mut points, &mut must);
            Contour {
                budget,
                polygon,
                hull,
                nodes: count,
            }
        })
        .collect();
    Ok(Reach {
        origin,
        direction,
        measure,
        nodes,
        links,
        contours,
    })
}

/// The part of `line` between fractions `f0 < f1` of its geodesic (haversine) length.
///
/// # Example
/// ```
/// use geo::{LineString, coord};
/// use corridor::route::reach::line_piece;
/// let l = LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]);
/// let p = line_piece(&l, 0.25, 1.0);
/// assert!((p.0[0].x - 0.5).abs() < 1e-9);
/// assert_eq!(p.0.len(), 3);
/// ```
pub fn line_piece(line: &LineString<f64>, f0: f64, f1: f64) -> LineString<f64> {
    let c = &line.0;
    if c.len() < 2 || (f0 <= 0.0 && f1 >= 1.0) {
        return line.clone();
    }
    let seg: Vec<f64> = c
        .windows(2)
        .map(|w| Haversine::distance(Point(w[0]), Point(w[1])))
        .collect();
    let total: f64 = seg.iter().sum();
    if total <= 0.0 {
        return LineString::new(vec![c[0], c[0]]);
    }
    let at = |f: f64| -> (usize, Coord<f64>) {
        let target = f.clamp(0.0, 1.0) * total;
        let mut acc = 0.0;
        for (i, &s) in seg.iter().enumerate() {
            if acc + s >= target && s > 0.0 {
                // The point stays on the straight lon/lat segment (as GeoJSON draws it) at
                // the haversine distance `want` from its start: the distance along a
                // segment is nearly linear in `t`, so a few rescalings converge (to ~1e-12).
                let want = target - acc;
                let (a, b) = (c[i], c[i + 1]);
                let lerp = |t: f64| Coord {
                    x: a.x + (b.x - a.x) * t,
                    y: a.y + (b.y - a.y) * t,
                };
                let mut t = (want / s).clamp(0.0, 1.0);
                for _ in 0..4 {
                    let d = Haversine::distance(Point(a), Point(lerp(t)));
                    if d <= 0.0 || (d - want).abs() <= 1e-9 * s {
                        break;
                    }
                    t = (t * want / d).clamp(0.0, 1.0);
                }
                return (i, lerp(t));
            }
            acc += s;
        }
        (seg.len() - 1, c[c.len() - 1])
    };
    let (i0, p0) = at(f0);
    let (i1, p1) = at(f1);
    let mut out = vec![p0];
    out.extend(c[i0 + 1..=i1].iter().copied().filter(|&v| v != p0));
    if out.last() != Some(&p1) || out.len() == 1 {
        out.push(p1);
    }
    LineString::new(out)
}

/// The polygon of one budget around `points` (consumed as scratch): see the module docs.
fn contour_polygon(
    points: &mut Vec<Coord<f64>>,
    must: &mut Vec<Coord<f64>>,
) -> (Polygon<f64>, HullKind) {
    let by_xy = |a: &Coord<f64>, b: &Coord<f64>| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y));
    points.sort_by(by_xy);
    points.dedup();
    must.sort_by(by_xy);
    must.dedup();
    let padded = |points: &[Coord<f64>]| {
        let octagons: Vec<Point<f64>> = points
            .iter()
            .flat_map(|c| {
                (0..8).map(move |i| {
                    let a = std::f64::consts::FRAC_PI_4 * f64::from(i);
                    Point::new(c.x + PAD_DEG * a.cos(), c.y + PAD_DEG * a.sin())
                })
            })
            .collect();
        (MultiPoint::from(octagons).convex_hull(), HullKind::Padded)
    };
    if points.len() < 3 {
        return padded(points);
    }
    match chi_shape(points, CHI_EDGE_DEG) {
        Ok(ring) => {
            let hull = Polygon::new(LineString::new(ring), vec![]);
            // Simple and holding every point by construction; checked in debug builds.
            debug_assert!(
                holds(&hull, must),
                "chi-shape misses a point or self-intersects"
            );
            (hull, HullKind::Concave)
        }
        Err(ChiError::Flat) => padded(points),
        Err(ChiError::Failed) => {
            let mp = MultiPoint::from(std::mem::take(points));
            (mp.convex_hull(), HullKind::Convex)
        }
    }
}

/// Why [`chi_shape`] gives no ring.
enum ChiError {
    /// No triangle, or all points (nearly) collinear: area at most 1e-12 square degrees.
    Flat,
    /// The triangulation failed, or (which the removal rule rules out) the boundary is not
    /// one ring.
    Failed,
}

/// A chi-shape (Duckham, Kulik, Worboys & Galton, "Efficient generation of simple polygons
/// for characterizing the shape of a set of points in the plane", Pattern Recognition 41,
/// 2008) of `points` (distinct, not all collinear): the Delaunay triangulation (spade, the
/// triangulation geo itself uses), then, longest first, every boundary edge longer than
/// `max_edge` whose triangle's third vertex is not yet on the boundary has that triangle
/// removed. The removal rule keeps the triangles a disc, so the boundary stays one simple
/// ring and every point stays a vertex of a kept triangle: the polygon holds every point,
/// and its vertices are input points. Returns the closed ring (counter-clockwise).
///
/// # Complexity
/// O(n log n) for n points.
fn chi_shape(points: &[Coord<f64>], max_edge: f64) -> Result<Vec<Coord<f64>>, ChiError> {
    use spade::{DelaunayTriangulation, Point2, Triangulation};
    const NONE: u32 = u32::MAX;
    let t: DelaunayTriangulation<Point2<f64>> =
        DelaunayTriangulation::bulk_load(points.iter().map(|c| Point2::new(c.x, c.y)).collect())
            .map_err(|_| ChiError::Failed)?;
    let mut pos = vec![Coord { x: 0.0, y: 0.0 }; t.num_vertices()];
    for v in t.vertices() {
        let p = v.position();
        pos[v.fix().index()] = Coord { x: p.x, y: p.y };
    }
    // Triangles by spade's face index (the outer face's slot stays empty): vertices
    // counter-clockwise, and the neighbour across each edge `tri[k] → tri[k + 1]`.
    let faces = t.num_all_faces();
    let mut tris = vec![[NONE; 3]; faces];
    let mut nb = vec![[NONE; 3]; faces];
    let mut area2 = 0.0;
    for f in t.inner_faces() {
        let i = f.fix().index();
        let edges = f.adjacent_edges();
        for (k, e) in edges.iter().enumerate() {
            tris[i][k] = e.from().fix().index() as u32;
            nb[i][k] = e
                .rev()
                .face()
                .as_inner()
                .map_or(NONE, |g| g.fix().index() as u32);
        }
        let [a, b, c] = tris[i].map(|v| pos[v as usize]);
        area2 += (b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y);
    }
    if area2 <= 2e-12 {
        return Err(ChiError::Flat);
    }
    let len = |a: u32, b: u32| {
        let (p, q) = (pos[a as usize], pos[b as usize]);
        (p.x - q.x).hypot(p.y - q.y)
    };
    /// A boundary edge `a → b` (counter-clockwise in triangle `tri`) and its length.
    struct Edge {
        len: f64,
        a: u32,
        b: u32,
        tri: u32,
    }
    impl PartialEq for Edge {
        fn eq(&self, o: &Self) -> bool {
            self.cmp(o) == std::cmp::Ordering::Equal
        }
    }
    impl Eq for Edge {}
    impl PartialOrd for Edge {
        fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(o))
        }
    }
    impl Ord for Edge {
        fn cmp(&self, o: &Self) -> std::cmp::Ordering {
            self.len
                .total_cmp(&o.len)
                .then(self.a.cmp(&o.a))
                .then(self.b.cmp(&o.b))
        }
    }
    let mut alive: Vec<bool> = tris.iter().map(|t| t[0] != NONE).collect();
    let mut on_boundary = vec![false; pos.len()];
    let mut heap = std::collections::BinaryHeap::new();
    for (i, tri) in tris.iter().enumerate() {
        if !alive[i] {
            continue;
        }
        for k in 0..3 {
            if nb[i][k] == NONE {
                let (a, b) = (tri[k], tri[(k + 1) % 3]);
                on_boundary[a as usize] = true;
                on_boundary[b as usize] = true;
                heap.push(Edge {
                    len: len(a, b),
                    a,
                    b,
                    tri: i as u32,
                });
            }
        }
    }
    while let Some(Edge { len: l, a, b, tri }) = heap.pop() {
        if l <= max_edge {
            break;
        }
        let ti = tri as usize;
        if !alive[ti] {
            continue;
        }
        let Some(k) = (0..3).find(|&k| tris[ti][k] == a) else {
            continue;
        };
        // Counter-clockwise a → b → c: c is the third vertex; b → c and c → a are the
        // edges that become boundary, their neighbours' sides of them.
        let c = tris[ti][(k + 2) % 3];
        if on_boundary[c as usize] {
            continue; // removing it would pinch the boundary at c
        }
        alive[ti] = false;
        on_boundary[c as usize] = true;
        for (x, y, n) in [(c, b, nb[ti][(k + 1) % 3]), (a, c, nb[ti][(k + 2) % 3])] {
            if n != NONE && alive[n as usize] {
                heap.push(Edge {
                    len: len(x, y),
                    a: x,
                    b: y,
                    tri: n,
                });
            }
        }
    }
    // The boundary: directed edges of kept triangles whose reverse is not kept.
    let mut next = vec![NONE; pos.len()];
    let mut edges = 0usize;
    let mut start = NONE;
    for (i, tri) in tris.iter().enumerate() {
        if !alive[i] {
            continue;
        }
        for k in 0..3 {
            let (a, b) = (tri[k], tri[(k + 1) % 3]);
            let n = nb[i][k];
            if n == NONE || !alive[n as usize] {
                if next[a as usize] != NONE {
                    return Err(ChiError::Failed);
                }
                next[a as usize] = b;
                edges += 1;
                if start == NONE {
                    start = a;
                }
            }
        }
    }
    let mut ring = Vec::with_capacity(edges + 1);
    let mut v = start;
    loop {
        ring.push(pos[v as usize]);
        v = next[v as usize];
        if v == NONE || ring.len() > edges {
            return Err(ChiError::Failed);
        }
        if v == start {
            break;
        }
    }
    if ring.len() != edges {
        return Err(ChiError::Failed); // more than one ring
    }
    ring.push(pos[start as usize]);
    Ok(ring)
}

/// Whether `poly`'s ring is simple and covers every point of `must`.
fn holds(poly: &Polygon<f64>, must: &[Coord<f64>]) -> bool {
    let ring = &poly.exterior().0;
    if ring.len() < 4 {
        return false;
    }
    let edges: Vec<Line<f64>> = ring.windows(2).map(|w| Line::new(w[0], w[1])).collect();
    let m = edges.len();
    for i in 0..m {
        let a = edges[i];
        for (j, b) in edges.iter().enumerate().skip(i + 2) {
            if i == 0 && j == m - 1 {
                continue; // the closing edge meets the first at the ring's start
            }
            if a.start.x.max(a.end.x) < b.start.x.min(b.end.x)
                || b.start.x.max(b.end.x) < a.start.x.min(a.end.x)
                || a.start.y.max(a.end.y) < b.start.y.min(b.end.y)
                || b.start.y.max(b.end.y) < a.start.y.min(a.end.y)
            {
                continue;
            }
            if line_intersection(a, *b).is_some() {
                return false;
            }
        }
    }
    must.iter().all(|c| poly.intersects(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::{Constraints, Profile};
    use crate::network::load_from_strs;
    use crate::route::link_mask;
    use crate::route::many::test_data::Snapshot;

    /// ```text
    ///   a ──road 100 km── b ──road 100 km── c        (50 km/h: 2 h each)
    /// ```
    fn line3() -> Snapshot {
        let node = |id: &str, x: f64| {
            format!(
                r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{x},0]}},"properties":{{"id":"{id}","name":"{id}","country":"AA","kind":"city","modes":["road"],"intermodal":false,"source":"t"}}}}"#
            )
        };
        let link = |id: &str, a: &str, b: &str, xa: f64, xb: f64| {
            format!(
                r#"{{"type":"Feature","geometry":{{"type":"LineString","coordinates":[[{xa},0],[{xb},0]]}},"properties":{{"id":"{id}","from":"{a}","to":"{b}","mode":"road","kind":"road","length_km":100,"speed_kmh":50,"status":"open","source":"t"}}}}"#
            )
        };
        let fc = |f: &[String]| {
            format!(
                r#"{{"type":"FeatureCollection","features":[{}]}}"#,
                f.join(",")
            )
        };
        Snapshot::build(
            load_from_strs(
                &fc(&[node("a", 0.0), node("b", 1.0), node("c", 2.0)]),
                &fc(&[
                    link("ab", "a", "b", 0.0, 1.0),
                    link("bc", "b", "c", 1.0, 2.0),
                ]),
            )
            .unwrap(),
        )
    }

    fn run(s: &Snapshot, origin: &str, direction: Direction, contours: &[f64]) -> Reach {
        let profile = Profile::default();
        let w = s.search.weights(&s.network, &profile, Measure::Time);
        let ok = link_mask(&s.network, &Constraints::default());
        let spec = ManySpec {
            net: &s.network,
            graph: &s.search,
            weights: &w,
            link_ok: &ok,
            profile: &profile,
            timed: None,
        };
        reach(
            &spec,
            s.network.node_ix(origin).unwrap(),
            direction,
            Measure::Time,
            contours,
        )
        .unwrap()
    }

    #[test]
    fn a_budget_cuts_a_link_where_it_runs_out() {
        let s = line3();
        let r = run(&s, "a", Direction::From, &[1.0, 3.0]);
        // 1 h: half of ab. 3 h: all of ab, half of bc.
        let ids: Vec<(usize, f64)> = r.nodes.iter().map(|n| (n.node_ix, n.value)).collect();
        assert_eq!(ids, vec![(0, 0.0), (1, 2.0)]);
        assert_eq!(r.nodes[1].contour, 1);
        let ab = s.network.link_ix("ab").unwrap();
        let bc = s.network.link_ix("bc").unwrap();
        let piece = |k: usize, l: usize| {
            r.links
                .iter()
                .find(|p| p.contour == k && p.link_ix == l)
                .map(|p| (p.from_fraction, p.to_fraction, p.cut))
        };
        assert_eq!(piece(0, ab), Some((0.0, 0.5, true)));
        assert_eq!(piece(0, bc), None);
        assert_eq!(piece(1, ab), Some((0.0, 1.0, false)));
        assert_eq!(piece(1, bc), Some((0.0, 0.5, true)));
        // Towards c within 1 h: the last half of bc.
        let r = run(&s, "c", Direction::To, &[1.0]);
        assert_eq!(r.links.len(), 1);
        assert_eq!(
            (
                r.links[0].link_ix,
                r.links[0].from_fraction,
                r.links[0].to_fraction
            ),
            (bc, 0.5, 1.0)
        );
        assert_eq!(r.contours[0].hull, HullKind::Padded);
    }

    #[test]
    fn contours_are_checked() {
        assert_eq!(check_contours(&[]), Err(ContoursError::Empty));
        assert!(matches!(
            check_contours(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
            Err(ContoursError::TooMany(6))
        ));
        assert!(check_contours(&[f64::NAN]).is_err());
        assert!(check_contours(&[-1.0]).is_err());
        assert!(check_contours(&[2.0, 2.0]).is_err());
        assert!(check_contours(&[1.0, 2.0, 3.0, 4.0, 5.0]).is_ok());
    }

    #[test]
    fn pieces_follow_the_geometry() {
        let l = LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]);
        let p = line_piece(&l, 0.0, 0.75);
        assert_eq!(p.0.len(), 3);
        let end = p.0[2];
        assert!((end.x - 1.0).abs() < 1e-12 && (end.y - 0.5).abs() < 1e-3);
        let p = line_piece(&l, 0.1, 0.2);
        assert_eq!(p.0.len(), 2);
    }
}
