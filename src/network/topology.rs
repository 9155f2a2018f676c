//! Connectivity of the network per mode: connected components and single points of failure.
//!
//! A *bridge* is a link whose loss disconnects two places that were connected; an
//! *articulation point* is a place whose loss does (for the places other than itself). Both
//! come from one depth-first search per component over the [`super::LinkGraph`] (Tarjan's
//! low-link method, written iteratively so that a long corridor cannot overflow the stack).
//!
//! What counts, per [`Scope`]: the links in service (`open` or `seasonal`, as routes use by
//! default) of the scope's mode, and the places serving that mode. Links are undirected here
//! (a `oneway` link still connects its ends), and parallel links between two places are two
//! links, so neither is a bridge. In [`Scope::Any`], rail and road meet at every shared place,
//! whether or not it is intermodal: it answers "are these places joined by any link at all",
//! not "can freight change mode here".
//!
//! ```text
//!   a ── b ── c        rail, in service
//!        │    │        bridges: a–b, d–f;  articulation points: b, d
//!        e ── d
//!             │        (b–c–d–e is a cycle: none of its links is a bridge)
//!             f
//! ```

use serde::Serialize;

use super::{LinkId, Mode, Network, NodeId};

/// Which links and places an analysis covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Rail links; places serving rail.
    Rail,
    /// Road links; places serving road.
    Road,
    /// Every link; every place.
    Any,
}

impl Scope {
    /// Every scope, in report order.
    pub const ALL: [Scope; 3] = [Scope::Rail, Scope::Road, Scope::Any];

    /// The spelling in reports: `rail`, `road`, `any`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Rail => "rail",
            Scope::Road => "road",
            Scope::Any => "any",
        }
    }

    fn mode(self) -> Option<Mode> {
        match self {
            Scope::Rail => Some(Mode::Rail),
            Scope::Road => Some(Mode::Road),
            Scope::Any => None,
        }
    }
}

/// A place, named.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    /// Node id.
    pub id: NodeId,
    /// English name.
    pub name: String,
}

/// A connected component: places joined by links of the scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Component {
    /// Its places, by id.
    pub places: Vec<Place>,
}

/// A link whose loss disconnects the places on its two sides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bridge {
    /// Link id.
    pub link: LinkId,
    /// Its display name (crossing or line name, else the id).
    pub name: String,
    /// Its two ends.
    pub ends: [Place; 2],
    /// Places on the smaller side: those cut off from the rest of the component.
    pub cuts_off: usize,
}

/// A place whose loss disconnects other places of its component.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticulationPoint {
    /// The place.
    pub place: Place,
    /// Parts its component (without it) falls into; at least 2.
    pub parts: usize,
    /// Places outside the largest part: those cut off from the rest.
    pub cuts_off: usize,
}

/// Connectivity of one scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScopeReport {
    /// What is covered.
    pub scope: Scope,
    /// Places covered.
    pub places: usize,
    /// Links covered.
    pub links: usize,
    /// Connected components, largest first (ties by first place id).
    pub components: Vec<Component>,
    /// Bridges, most places cut off first (ties by link id).
    pub bridges: Vec<Bridge>,
    /// Articulation points, most places cut off first (ties by place id).
    pub articulation_points: Vec<ArticulationPoint>,
}

/// Connectivity of every [`Scope`].
///
/// # Complexity
/// O(nodes + links) per scope.
pub fn analyse(net: &Network) -> Vec<ScopeReport> {
    Scope::ALL.iter().map(|&s| analyse_scope(net, s)).collect()
}

/// Connectivity of one scope; see the module docs for what it covers.
///
/// # Example
/// ```
/// use corridor::network::{Network, topology::{Scope, analyse_scope}};
/// let net = Network::embedded().unwrap();
/// let rail = analyse_scope(&net, Scope::Rail);
/// let in_components: usize = rail.components.iter().map(|c| c.places.len()).sum();
/// assert_eq!(in_components, rail.places);
/// ```
pub fn analyse_scope(net: &Network, scope: Scope) -> ScopeReport {
    let sub = Subgraph::of(net, scope);
    let dfs = LowLink::run(&sub);
    let place = |u: usize| Place {
        id: net.nodes()[u].id.clone(),
        name: net.nodes()[u].name.clone(),
    };
    let mut components: Vec<Component> = dfs
        .components
        .iter()
        .map(|c| {
            let mut places: Vec<Place> = c.iter().map(|&u| place(u)).collect();
            places.sort_by(|a, b| a.id.cmp(&b.id));
            Component { places }
        })
        .collect();
    components.sort_by(|a, b| {
        (b.places.len().cmp(&a.places.len())).then_with(|| a.places[0].id.cmp(&b.places[0].id))
    });
    let mut bridges: Vec<Bridge> = dfs
        .bridges
        .iter()
        .map(|&(l, cuts_off)| {
            let link = &net.links()[l];
            Bridge {
                link: link.id.clone(),
                name: link.display_name().to_string(),
                ends: [place(link.from_ix), place(link.to_ix)],
                cuts_off,
            }
        })
        .collect();
    bridges.sort_by(|a, b| {
        b.cuts_off
            .cmp(&a.cuts_off)
            .then_with(|| a.link.cmp(&b.link))
    });
    let mut articulation_points: Vec<ArticulationPoint> = dfs
        .cuts
        .iter()
        .map(|&(u, parts, cuts_off)| ArticulationPoint {
            place: place(u),
            parts,
            cuts_off,
        })
        .collect();
    articulation_points
        .sort_by(|a, b| (b.cuts_off.cmp(&a.cuts_off)).then_with(|| a.place.id.cmp(&b.place.id)));
    ScopeReport {
        scope,
        places: sub.places,
        links: sub.links,
        components,
        bridges,
        articulation_points,
    }
}

/// The part of the network a scope covers, as adjacency lists `(link_ix, other_node_ix)`.
struct Subgraph {
    /// Whether each node is covered.
    keep: Vec<bool>,
    adj: Vec<Vec<(usize, usize)>>,
    places: usize,
    links: usize,
}

impl Subgraph {
    fn of(net: &Network, scope: Scope) -> Self {
        let in_mode = |m: Mode| scope.mode().is_none_or(|s| s == m);
        let keep: Vec<bool> = net
            .nodes()
            .iter()
            .map(|n| n.modes.iter().any(|&m| in_mode(m)))
            .collect();
        let link_ok = |l: usize| {
            let link = &net.links()[l];
            in_mode(link.mode) && link.status.in_service()
        };
        let graph = net.graph();
        let adj: Vec<Vec<(usize, usize)>> = (0..net.nodes().len())
            .map(|u| {
                let adj = graph
                    .neighbours(u)
                    .filter(|&(l, v)| keep[u] && keep[v] && link_ok(l));
                adj.collect()
            })
            .collect();
        let links = (0..net.links().len()).filter(|&l| link_ok(l)).count();
        let places = keep.iter().filter(|&&k| k).count();
        Self {
            keep,
            adj,
            places,
            links,
        }
    }
}

const UNSEEN: usize = usize::MAX;

/// Results of Tarjan's low-link depth-first search.
#[derive(Default)]
struct LowLink {
    /// Node indices per component.
    components: Vec<Vec<usize>>,
    /// `(link_ix, places cut off)`.
    bridges: Vec<(usize, usize)>,
    /// `(node_ix, parts, places cut off)`.
    cuts: Vec<(usize, usize, usize)>,
}

/// The search state of one node on the depth-first stack.
struct Frame {
    node: usize,
    /// The link it was reached by (not to be walked back).
    via: Option<usize>,
    /// Next adjacency entry to look at.
    next: usize,
}

impl LowLink {
    fn run(g: &Subgraph) -> Self {
        let n = g.keep.len();
        let mut out = LowLink::default();
        let (mut disc, mut low, mut size) = (vec![UNSEEN; n], vec![0; n], vec![0usize; n]);
        // Sizes of the child subtrees a node separates (low[child] >= disc[node]).
        let mut split: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut time = 0;
        for root in (0..n).filter(|&u| g.keep[u]) {
            if disc[root] != UNSEEN {
                continue;
            }
            let (mut members, first_bridge) = (Vec::new(), out.bridges.len());
            let mut stack = vec![Frame {
                node: root,
                via: None,
                next: 0,
            }];
            (disc[root], low[root], size[root]) = (time, time, 1);
            time += 1;
            while let Some(top) = stack.last_mut() {
                let u = top.node;
                if let Some(&(l, v)) = g.adj[u].get(top.next) {
                    top.next += 1;
                    if top.via == Some(l) {
                        continue;
                    }
                    if disc[v] == UNSEEN {
                        (disc[v], low[v], size[v]) = (time, time, 1);
                        time += 1;
                        stack.push(Frame {
                            node: v,
                            via: Some(l),
                            next: 0,
                        });
                    } else {
                        low[u] = low[u].min(disc[v]);
                    }
                    continue;
                }
                let via = top.via;
                stack.pop();
                members.push(u);
                let Some(parent) = stack.last().map(|f| f.node) else {
                    continue;
                };
                low[parent] = low[parent].min(low[u]);
                size[parent] += size[u];
                if low[u] >= disc[parent] {
                    split[parent].push(size[u]);
                }
                if let (true, Some(l)) = (low[u] > disc[parent], via) {
                    out.bridges.push((l, size[u]));
                }
            }
            let total = size[root];
            // A bridge's subtree is one side; the smaller side is what it cuts off.
            for b in &mut out.bridges[first_bridge..] {
                b.1 = b.1.min(total - b.1);
            }
            for &u in &members {
                out.cut_at(u, u == root, total, &split[u]);
            }
            out.components.push(members);
        }
        out
    }

    /// Records `u` as an articulation point if removing it splits its component of `total`
    /// places: a root with two or more separated subtrees, any other node with one or more.
    fn cut_at(&mut self, u: usize, is_root: bool, total: usize, split: &[usize]) {
        let separated: usize = split.iter().sum();
        let rest = total - 1 - separated;
        let parts = split.len() + usize::from(!is_root && rest > 0);
        if parts < 2 {
            return;
        }
        let largest = split.iter().copied().chain([rest]).max().unwrap_or(0);
        self.cuts.push((u, parts, total - 1 - largest));
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use serde_json::json;

    use super::*;
    use crate::network::load_from_strs;

    /// Nodes `(id, lon, lat, modes)` and links `(id, from, to, mode, status)`, drawn on a grid.
    fn drawn(
        nodes: &[(&str, f64, f64, &[&str])],
        links: &[(&str, &str, &str, &str, &str)],
    ) -> Network {
        let at: BTreeMap<&str, (f64, f64)> = nodes.iter().map(|n| (n.0, (n.1, n.2))).collect();
        let nodes: Vec<_> = nodes
            .iter()
            .map(|(id, lon, lat, modes)| {
                json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                  "properties": {"id": id, "name": id.to_uppercase(), "country": "MN", "kind": "city",
                    "modes": modes, "intermodal": true, "source": "drawn"}})
            })
            .collect();
        let links: Vec<_> = links
            .iter()
            .map(|(id, from, to, mode, status)| {
                let (a, b) = (at[from], at[to]);
                let mut p = json!({"id": id, "from": from, "to": to, "mode": mode,
                    "kind": if *mode == "rail" { "line" } else { "road" }, "status": status,
                    "speed_kmh": 50, "source": "drawn"});
                if *mode == "rail" {
                    p["gauge_mm"] = json!(1520);
                }
                json!({"type": "Feature", "properties": p,
                  "geometry": {"type": "LineString", "coordinates": [[a.0, a.1], [b.0, b.1]]}})
            })
            .collect();
        let fc = |f: Vec<serde_json::Value>| {
            json!({"type": "FeatureCollection", "features": f}).to_string()
        };
        load_from_strs(&fc(nodes), &fc(links)).expect("drawn network validates")
    }

    const RAIL: &[&str] = &["rail"];
    const BOTH: &[&str] = &["rail", "road"];
    const ROAD: &[&str] = &["road"];

    /// The module docs' sketch, plus `g` (road only) joined to `c` by road, and a planned
    /// rail link f–a that does not count.
    fn sketch() -> Network {
        drawn(
            &[
                ("a", 100.0, 50.0, RAIL),
                ("b", 101.0, 50.0, RAIL),
                ("c", 102.0, 50.0, BOTH),
                ("d", 102.0, 49.0, RAIL),
                ("e", 101.0, 49.0, RAIL),
                ("f", 102.0, 48.0, RAIL),
                ("g", 103.0, 50.0, ROAD),
                ("h", 104.0, 50.0, ROAD),
            ],
            &[
                ("ab", "a", "b", "rail", "open"),
                ("bc", "b", "c", "rail", "open"),
                ("cd", "c", "d", "rail", "open"),
                ("de", "d", "e", "rail", "seasonal"),
                ("eb", "e", "b", "rail", "open"),
                ("df", "d", "f", "rail", "open"),
                ("fa", "f", "a", "rail", "planned"),
                ("cg", "c", "g", "road", "open"),
                ("gh", "g", "h", "road", "closed"),
            ],
        )
    }

    fn ids<T>(v: &[T], f: impl Fn(&T) -> String) -> Vec<String> {
        v.iter().map(f).collect()
    }

    mod drawn_network {
        use super::*;

        #[test]
        fn rail_bridges_and_articulation_points() {
            let r = analyse_scope(&sketch(), Scope::Rail);
            assert_eq!((r.places, r.links), (6, 6));
            assert_eq!(r.components.len(), 1);
            assert_eq!(ids(&r.bridges, |b| b.link.0.clone()), ["ab", "df"]);
            assert!(r.bridges.iter().all(|b| b.cuts_off == 1));
            assert_eq!(r.bridges[0].ends[0].name, "A");
            let aps = ids(&r.articulation_points, |a| a.place.id.0.clone());
            assert_eq!(aps, ["b", "d"]);
            assert!(
                r.articulation_points
                    .iter()
                    .all(|a| a.parts == 2 && a.cuts_off == 1)
            );
        }

        #[test]
        fn road_counts_places_without_links_as_components() {
            let r = analyse_scope(&sketch(), Scope::Road);
            assert_eq!((r.places, r.links), (3, 1));
            let sizes: Vec<usize> = r.components.iter().map(|c| c.places.len()).collect();
            assert_eq!(sizes, [2, 1]);
            assert_eq!(r.components[1].places[0].id.0, "h");
            // One link between two places: a bridge; neither end separates anything else.
            assert_eq!(ids(&r.bridges, |b| b.link.0.clone()), ["cg"]);
            assert!(r.articulation_points.is_empty());
        }

        #[test]
        fn any_joins_rail_and_road_at_shared_places() {
            let r = analyse_scope(&sketch(), Scope::Any);
            assert_eq!((r.places, r.links), (8, 7));
            let sizes: Vec<usize> = r.components.iter().map(|c| c.places.len()).collect();
            assert_eq!(sizes, [7, 1]);
            assert_eq!(ids(&r.bridges, |b| b.link.0.clone()), ["ab", "cg", "df"]);
            let aps = ids(&r.articulation_points, |a| a.place.id.0.clone());
            assert_eq!(aps, ["b", "c", "d"]);
        }

        #[test]
        fn parallel_links_are_not_bridges() {
            let net = drawn(
                &[
                    ("a", 100.0, 50.0, RAIL),
                    ("b", 101.0, 50.0, RAIL),
                    ("c", 102.0, 50.0, RAIL),
                ],
                &[
                    ("ab1", "a", "b", "rail", "open"),
                    ("ab2", "a", "b", "rail", "open"),
                    ("bc", "b", "c", "rail", "open"),
                ],
            );
            let r = analyse_scope(&net, Scope::Rail);
            assert_eq!(ids(&r.bridges, |b| b.link.0.clone()), ["bc"]);
            assert_eq!(ids(&r.articulation_points, |a| a.place.id.0.clone()), ["b"]);
        }

        #[test]
        fn a_hub_splitting_three_ways_reports_its_parts() {
            let net = drawn(
                &[
                    ("hub", 100.0, 50.0, RAIL),
                    ("x", 101.0, 50.0, RAIL),
                    ("y", 99.0, 50.0, RAIL),
                    ("z", 100.0, 51.0, RAIL),
                    ("z2", 100.0, 52.0, RAIL),
                ],
                &[
                    ("hx", "hub", "x", "rail", "open"),
                    ("hy", "hub", "y", "rail", "open"),
                    ("hz", "hub", "z", "rail", "open"),
                    ("zz", "z", "z2", "rail", "open"),
                ],
            );
            let r = analyse_scope(&net, Scope::Rail);
            let hub = &r.articulation_points[0];
            assert_eq!(
                (hub.place.id.0.as_str(), hub.parts, hub.cuts_off),
                ("hub", 3, 2)
            );
            assert_eq!(r.bridges[0].link.0, "hz");
            assert_eq!(r.bridges[0].cuts_off, 2);
        }
    }

    /// Brute force: the members of each component of the scope with one link or one place
    /// taken out.
    fn pieces(
        net: &Network,
        scope: Scope,
        no_link: Option<usize>,
        no_node: Option<usize>,
    ) -> Vec<Vec<usize>> {
        let sub = Subgraph::of(net, scope);
        let n = sub.keep.len();
        let mut seen = vec![false; n];
        let mut out = Vec::new();
        for s in (0..n).filter(|&u| sub.keep[u] && Some(u) != no_node) {
            if seen[s] {
                continue;
            }
            let (mut stack, mut members) = (vec![s], Vec::new());
            seen[s] = true;
            while let Some(u) = stack.pop() {
                members.push(u);
                for &(l, v) in &sub.adj[u] {
                    if Some(l) != no_link && Some(v) != no_node && !seen[v] {
                        seen[v] = true;
                        stack.push(v);
                    }
                }
            }
            out.push(members);
        }
        out
    }

    /// Size of the piece holding node `u`.
    fn size_of(pieces: &[Vec<usize>], u: usize) -> usize {
        pieces.iter().find(|p| p.contains(&u)).map_or(0, Vec::len)
    }

    mod real_data {
        use super::*;

        fn net() -> Network {
            Network::embedded().expect("embedded data validates")
        }

        /// The Borzya–Choibalsan line enters eastern Mongolia by one crossing: losing it cuts
        /// off Ereentsav and Choibalsan. Naushki–Sukhbaatar is no bridge: Russia also reaches
        /// China (and from there Mongolia) through Zabaikalsk–Manzhouli.
        #[test]
        fn the_single_rail_crossing_into_eastern_mongolia_is_a_bridge() {
            let r = analyse_scope(&net(), Scope::Rail);
            let b = r
                .bridges
                .iter()
                .find(|b| b.link.0 == "xr-solovyevsk-ereentsav");
            assert_eq!(b.map(|b| b.cuts_off), Some(2), "{:#?}", r.bridges);
            assert!(
                !r.bridges
                    .iter()
                    .any(|b| b.link.0 == "xr-naushki-sukhbaatar")
            );
            let aps: Vec<&str> = r
                .articulation_points
                .iter()
                .map(|a| a.place.id.0.as_str())
                .collect();
            assert!(
                aps.contains(&"ru-borzya") && aps.contains(&"ru-solovyevsk"),
                "{aps:?}"
            );
        }

        /// Tarjan's answer equals removing each link and each place in turn and counting.
        #[test]
        fn agrees_with_brute_force_on_every_scope() {
            let net = net();
            for scope in Scope::ALL {
                let r = analyse_scope(&net, scope);
                let base = pieces(&net, scope, None, None);
                assert_eq!(r.components.len(), base.len(), "{scope:?}");
                let mut bridges = BTreeSet::new();
                for l in 0..net.links().len() {
                    let p = pieces(&net, scope, Some(l), None);
                    if p.len() > base.len() {
                        let link = &net.links()[l];
                        let cut = size_of(&p, link.from_ix).min(size_of(&p, link.to_ix));
                        bridges.insert((link.id.0.clone(), cut));
                    }
                }
                let got: BTreeSet<_> = r
                    .bridges
                    .iter()
                    .map(|b| (b.link.0.clone(), b.cuts_off))
                    .collect();
                assert_eq!(got, bridges, "{scope:?} bridges");
                let mut aps = BTreeSet::new();
                let sub = Subgraph::of(&net, scope);
                for u in (0..net.nodes().len()).filter(|&u| sub.keep[u]) {
                    let p = pieces(&net, scope, None, Some(u));
                    // Pieces u's own component falls into without u.
                    let parts = p.len() + 1 - base.len();
                    if parts >= 2 {
                        aps.insert((net.nodes()[u].id.0.clone(), parts));
                    }
                }
                let got: BTreeSet<_> = r
                    .articulation_points
                    .iter()
                    .map(|a| (a.place.id.0.clone(), a.parts))
                    .collect();
                assert_eq!(got, aps, "{scope:?} articulation points");
            }
        }
    }
}
