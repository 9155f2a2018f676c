//! Which links and nodes a request may use. Routing and capacity share this filter so that
//! "the same network" means the same thing in both.

use std::collections::HashSet;

use serde::Serialize;

use crate::fields::{str_enum, suggest, truncate};
use crate::network::{Link, LinkKind, Mode, Network, Node, Status};

str_enum!(
    /// Kind of cargo; `livestock` passes only crossings with veterinary control.
    #[derive(Default)]
    Cargo {
        /// General cargo (default).
        #[default]
        General = "general",
        /// Containers.
        Container = "container",
        /// Bulk (coal, ore, grain).
        Bulk = "bulk",
        /// Live animals and animal products: needs veterinary control at every border.
        Livestock = "livestock",
    }
);

str_enum!(
    /// Which modes a request may use.
    #[derive(Default)]
    ModeFilter {
        /// Rail only.
        Rail = "rail",
        /// Road only.
        Road = "road",
        /// Both, changing only at intermodal nodes (default).
        #[default]
        Any = "any",
    }
);

impl ModeFilter {
    /// Whether links of `mode` may be used.
    pub fn allows(self, mode: Mode) -> bool {
        match self {
            ModeFilter::Any => true,
            ModeFilter::Rail => mode == Mode::Rail,
            ModeFilter::Road => mode == Mode::Road,
        }
    }
}

/// The restrictions of one request. `Default` is: any mode, in-service links only, nothing
/// avoided, general cargo.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Constraints {
    /// Modes allowed.
    pub mode: ModeFilter,
    /// Also use `planned` and `under_construction` links (never `closed`).
    pub include_planned: bool,
    /// Also use `unverified` links (listed by a source, not confirmed operating; e.g.
    /// crossings inferred by `corridor import osm`). Independent of `include_planned`.
    pub include_unverified: bool,
    /// ISO2 codes of countries whose nodes may not be entered.
    pub avoid_countries: HashSet<String>,
    /// Crossing link ids not to use.
    pub avoid_crossings: HashSet<String>,
    /// Link ids not to use.
    pub avoid_links: HashSet<String>,
    /// Link ids treated as closed (scenario).
    pub close: HashSet<String>,
    /// Cargo kind.
    pub cargo: Cargo,
}

str_enum!(
    /// Why a link is not allowed, to tell a user which constraint cut a route off.
    Refusal {
        /// The mode filter.
        Mode = "mode",
        /// Status (closed, or planned without `include_planned`).
        Status = "status",
        /// Status `unverified` without `include_unverified`.
        Unverified = "unverified",
        /// `avoid_countries`.
        AvoidCountries = "avoid_countries",
        /// `avoid_crossings`.
        AvoidCrossings = "avoid_crossings",
        /// `avoid_links` or `close`.
        AvoidLinks = "avoid_links",
        /// Livestock at a crossing without veterinary control.
        Cargo = "cargo",
    }
);

impl Refusal {
    /// The request parameter behind this refusal.
    pub fn parameter(self) -> &'static str {
        match self {
            Refusal::Mode => "mode",
            Refusal::Status => "include_planned",
            Refusal::Unverified => "include_unverified",
            Refusal::AvoidCountries => "avoid_countries",
            Refusal::AvoidCrossings => "avoid_crossings",
            Refusal::AvoidLinks => "avoid_links",
            Refusal::Cargo => "cargo",
        }
    }
}

impl Constraints {
    /// Whether a node may be entered.
    pub fn allows_node(&self, node: &Node) -> bool {
        // The emptiness checks skip hashing in the common case of no avoid list: routing
        // calls this for every link of every request.
        self.avoid_countries.is_empty() || !self.avoid_countries.contains(&node.country)
    }

    /// Whether a link of status `s` may be used ([`Status::usable`] under the two flags).
    pub fn allows_status(&self, s: Status) -> bool {
        s.usable(self.include_planned, self.include_unverified)
    }

    /// Whether a link may be used, or the first constraint that forbids it.
    pub fn check_link(&self, net: &Network, link: &Link) -> Result<(), Refusal> {
        if !self.mode.allows(link.mode) {
            return Err(Refusal::Mode);
        }
        if !self.allows_status(link.status) {
            return Err(match link.status {
                Status::Unverified => Refusal::Unverified,
                _ => Refusal::Status,
            });
        }
        if (!self.avoid_links.is_empty() && self.avoid_links.contains(&link.id.0))
            || (!self.close.is_empty() && self.close.contains(&link.id.0))
        {
            return Err(Refusal::AvoidLinks);
        }
        if link.kind == LinkKind::Crossing {
            if !self.avoid_crossings.is_empty() && self.avoid_crossings.contains(&link.id.0) {
                return Err(Refusal::AvoidCrossings);
            }
            if self.cargo == Cargo::Livestock
                && !link.crossing.as_ref().is_some_and(|c| c.veterinary)
            {
                return Err(Refusal::Cargo);
            }
        }
        let (a, b) = (&net.nodes()[link.from_ix], &net.nodes()[link.to_ix]);
        if !self.allows_node(a) || !self.allows_node(b) {
            return Err(Refusal::AvoidCountries);
        }
        Ok(())
    }

    /// Whether a link may be used.
    pub fn allows_link(&self, net: &Network, link: &Link) -> bool {
        self.check_link(net, link).is_ok()
    }

    /// [`Constraints::check_link`] for every link of `net`, in link order: `None` where the
    /// link may be used, else the first refusal.
    ///
    /// # Complexity
    /// O(links + nodes): each node's country is looked up once rather than once per link end.
    pub fn link_refusals(&self, net: &Network) -> Vec<Option<Refusal>> {
        if self.avoid_countries.is_empty() {
            return net
                .links()
                .iter()
                .map(|l| self.check_link(net, l).err())
                .collect();
        }
        let node_ok: Vec<bool> = net.nodes().iter().map(|n| self.allows_node(n)).collect();
        let unconstrained_countries = Constraints {
            avoid_countries: HashSet::new(),
            ..self.clone()
        };
        net.links()
            .iter()
            .map(|l| match unconstrained_countries.check_link(net, l) {
                Err(r) => Some(r),
                Ok(()) if !node_ok[l.from_ix] || !node_ok[l.to_ix] => Some(Refusal::AvoidCountries),
                Ok(()) => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::load_from_strs;

    const NODES: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","geometry":{"type":"Point","coordinates":[0,0]},"properties":{"id":"a","name":"A","country":"AA","kind":"border_point","modes":["rail","road"],"intermodal":true,"source":"t"}},
      {"type":"Feature","geometry":{"type":"Point","coordinates":[1,0]},"properties":{"id":"b","name":"B","country":"BB","kind":"border_point","modes":["rail","road"],"intermodal":true,"source":"t"}},
      {"type":"Feature","geometry":{"type":"Point","coordinates":[2,0]},"properties":{"id":"c","name":"C","country":"BB","kind":"city","modes":["rail","road"],"intermodal":true,"source":"t"}}
    ]}"#;
    const LINKS: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,0]]},"properties":{"id":"x1","from":"a","to":"b","mode":"rail","kind":"crossing","gauge_mm":1520,"speed_kmh":20,"status":"open","countries":["AA","BB"],"name":"X1","dwell_h":5,"hours":"24/7","veterinary":false,"source":"t"}},
      {"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,0]]},"properties":{"id":"x2","from":"a","to":"b","mode":"road","kind":"crossing","speed_kmh":20,"status":"planned","countries":["AA","BB"],"name":"X2","dwell_h":5,"hours":"24/7","veterinary":true,"source":"t"}},
      {"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,0],[2,0]]},"properties":{"id":"l1","from":"b","to":"c","mode":"rail","kind":"line","gauge_mm":1520,"speed_kmh":50,"status":"open","source":"t"}},
      {"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,0],[2,0]]},"properties":{"id":"r1","from":"b","to":"c","mode":"road","kind":"road","speed_kmh":50,"status":"closed","source":"t"}},
      {"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,0],[2,0]]},"properties":{"id":"u1","from":"b","to":"c","mode":"road","kind":"road","speed_kmh":50,"status":"unverified","source":"t"}}
    ]}"#;

    #[test]
    fn link_refusals_agree_with_check_link() {
        let net = load_from_strs(NODES, LINKS).unwrap();
        let set = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<HashSet<_>>();
        let cases = [
            Constraints::default(),
            Constraints {
                mode: ModeFilter::Road,
                include_planned: true,
                ..Default::default()
            },
            Constraints {
                avoid_countries: set(&["AA"]),
                ..Default::default()
            },
            Constraints {
                avoid_countries: set(&["CC"]),
                avoid_links: set(&["l1"]),
                cargo: Cargo::Livestock,
                ..Default::default()
            },
            Constraints {
                avoid_crossings: set(&["x1"]),
                close: set(&["l1"]),
                include_planned: true,
                ..Default::default()
            },
            Constraints {
                include_unverified: true,
                avoid_countries: set(&["AA"]),
                ..Default::default()
            },
        ];
        for c in cases {
            let expected: Vec<_> = net
                .links()
                .iter()
                .map(|l| c.check_link(&net, l).err())
                .collect();
            assert_eq!(c.link_refusals(&net), expected, "{c:?}");
        }
    }

    /// `include_planned` admits planned links and `include_unverified` unverified ones, each
    /// alone; an unverified link refused names `include_unverified`, a planned one
    /// `include_planned`; a closed link is refused under both.
    #[test]
    fn planned_and_unverified_links_need_their_own_flags() {
        let net = load_from_strs(NODES, LINKS).unwrap();
        let refusal = |planned: bool, unverified: bool, id: &str| {
            let c = Constraints {
                include_planned: planned,
                include_unverified: unverified,
                ..Default::default()
            };
            c.check_link(&net, net.link(id).unwrap()).err()
        };
        for (planned, unverified) in [(false, false), (true, false), (false, true), (true, true)] {
            let x2 = refusal(planned, unverified, "x2");
            let u1 = refusal(planned, unverified, "u1");
            assert_eq!(x2, (!planned).then_some(Refusal::Status), "planned x2");
            assert_eq!(
                u1,
                (!unverified).then_some(Refusal::Unverified),
                "unverified u1"
            );
            assert_eq!(refusal(planned, unverified, "l1"), None, "open l1");
            assert_eq!(refusal(planned, unverified, "r1"), Some(Refusal::Status));
        }
        assert_eq!(Refusal::Unverified.parameter(), "include_unverified");
        assert_eq!(Refusal::Status.parameter(), "include_planned");
    }
}

/// Unchecked constraint inputs, as a request or the command line gives them.
#[derive(Debug, Clone, Default)]
pub struct ConstraintInput {
    /// Modes allowed.
    pub mode: ModeFilter,
    /// Also use planned links.
    pub include_planned: bool,
    /// Also use unverified links.
    pub include_unverified: bool,
    /// Cargo kind.
    pub cargo: Cargo,
    /// Country codes (any case).
    pub avoid_countries: Vec<String>,
    /// Crossing link ids.
    pub avoid_crossings: Vec<String>,
    /// Link ids.
    pub avoid_links: Vec<String>,
    /// Link ids treated as closed.
    pub close: Vec<String>,
    /// Scenario name: which network the request is asked of (the snapshot is chosen before
    /// the constraints are resolved against its network). `None`: the network as it is.
    pub scenario: Option<String>,
}

/// A constraint parameter that names nothing usable in the network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConstraintIssue {
    /// The parameter, with the caller's prefix (e.g. `demands[2].avoid_links`).
    pub field: String,
    /// What is wrong, with close ids when there are some.
    pub detail: String,
}

fn did_you_mean(near: &[String]) -> String {
    if near.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", near.join(", "))
    }
}

impl Constraints {
    /// Checks raw constraint parameters against `net` and builds the constraints. Routing and
    /// capacity both come through here, so a parameter means one thing everywhere.
    ///
    /// # Errors
    /// Every issue found, each naming its field (`field_prefix` + parameter): a country code
    /// that is not ISO alpha-2 or has no node in the network, a crossing id that names no
    /// crossing (or names a plain link), a link id that names no link — with close ids.
    pub fn resolve(
        net: &Network,
        input: &ConstraintInput,
        field_prefix: &str,
    ) -> Result<Self, Vec<ConstraintIssue>> {
        let mut issues = Vec::new();
        let mut push = |name: &str, detail: String| {
            issues.push(ConstraintIssue {
                field: format!("{field_prefix}{name}"),
                detail,
            })
        };
        let countries = net.countries();
        let mut c = Constraints {
            mode: input.mode,
            include_planned: input.include_planned,
            include_unverified: input.include_unverified,
            cargo: input.cargo,
            ..Constraints::default()
        };
        for raw in &input.avoid_countries {
            let code = raw.trim().to_ascii_uppercase();
            if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                push(
                    "avoid_countries",
                    format!("'{}' is not an ISO 3166-1 alpha-2 code", truncate(raw, 60)),
                );
            } else if !countries.contains(&code) {
                push(
                    "avoid_countries",
                    format!(
                        "no node of the network is in '{code}'; countries: {}",
                        countries.join(", ")
                    ),
                );
            } else {
                c.avoid_countries.insert(code);
            }
        }
        for id in &input.avoid_crossings {
            match net.link(id) {
                Some(l) if l.kind == LinkKind::Crossing => {
                    c.avoid_crossings.insert(id.clone());
                }
                Some(_) => push(
                    "avoid_crossings",
                    format!(
                        "'{}' is a link but not a crossing (use avoid_links)",
                        truncate(id, 60)
                    ),
                ),
                None => {
                    let near = suggest(
                        id,
                        net.crossings().map(|l| (l.id.0.as_str(), l.display_name())),
                    );
                    push(
                        "avoid_crossings",
                        format!("no crossing '{}'{}", truncate(id, 60), did_you_mean(&near)),
                    );
                }
            }
        }
        for (name, ids, set) in [
            ("avoid_links", &input.avoid_links, &mut c.avoid_links),
            ("close", &input.close, &mut c.close),
        ] {
            for id in ids {
                if net.link(id).is_some() {
                    set.insert(id.clone());
                } else {
                    let near = suggest(
                        id,
                        net.links()
                            .iter()
                            .map(|l| (l.id.0.as_str(), l.display_name())),
                    );
                    push(
                        name,
                        format!("no link '{}'{}", truncate(id, 60), did_you_mean(&near)),
                    );
                }
            }
        }
        if issues.is_empty() {
            Ok(c)
        } else {
            Err(issues)
        }
    }
}
