//! Corridor alternatives that explore corridors: the best route of each feasible country
//! sequence, whether or not the best route crosses a third country.
//!
//! A *corridor* is the ordered list of countries a route passes through (`MN-RU-CN`). The
//! candidate sequences come from the country graph of the links a request may use (two
//! countries are adjacent when an allowed link joins them): every path from the origin's
//! country to the destination's whose transit countries are distinct and differ from both
//! ends, shortest first, at most [`MAX_SEQUENCES`] of them. For each sequence the search runs
//! once on the request's links restricted to that sequence: domestic links of its countries
//! and cross-border links between consecutive countries only, so a route found there follows
//! the sequence in order (it can only re-enter a country it left). The unconstrained best
//! route is always searched first, so the best answer never depends on the enumeration.
//!
//! Each corridor's best value is compared with the overall best: those within `max_stretch`
//! are shown (up to `alternatives + 1`, best first), the others are listed as cut by the
//! stretch limit or by the count asked. Corridors whose sequence has no route at all are not
//! listed (they do not exist for this request).
//!
//! The search itself is the caller's ([`explore`] takes it as a closure over a link mask),
//! so ALT, time-dependent or plain Dijkstra searches all feed it unchanged.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::alternatives::{corridor_label, within_stretch};
use crate::network::Network;

/// At most this many country sequences are searched per request (besides the unconstrained
/// search): bounds the work on a network of many countries; sequences are tried shortest
/// first.
pub const MAX_SEQUENCES: usize = 32;
/// Longest sequence considered, in countries (origin and destination included).
pub const MAX_SEQUENCE_LEN: usize = 6;

/// Why a corridor that exists is, or is not, in the answer's routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CorridorStatus {
    /// Its best route is one of the answer's routes.
    Shown,
    /// Its best route is worse than `max_stretch` × the best route's.
    BeyondMaxStretch,
    /// Within the stretch limit, but more corridors than `alternatives + 1` were.
    BeyondAlternatives,
}

/// One corridor that exists for a request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorridorSummary {
    /// Label, e.g. `MN-RU-CN`.
    pub corridor: String,
    /// Its best route's value of the optimised measure.
    pub value: f64,
    /// That value over the best route's (1 for the best corridor).
    pub stretch: f64,
    /// Shown or why not.
    pub status: CorridorStatus,
}

/// The routes shown, best first, each with its corridor label, and every corridor found.
#[derive(Debug, Clone)]
pub struct Explored<R> {
    /// `(route, corridor)` pairs shown, best first.
    pub shown: Vec<(R, String)>,
    /// Every corridor found, best first.
    pub corridors: Vec<CorridorSummary>,
}

/// The country sequences a request may follow from `from` to `to`, shortest first (ties by
/// label), given the links it may use.
///
/// # Complexity
/// `O(links)` to build the country graph, then a depth-first enumeration bounded by
/// [`MAX_SEQUENCES`] and [`MAX_SEQUENCE_LEN`].
pub fn country_sequences(
    net: &Network,
    link_ok: &[bool],
    from: &str,
    to: &str,
) -> Vec<Vec<String>> {
    let mut adj: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (l, link) in net.links().iter().enumerate() {
        if !link_ok.get(l).copied().unwrap_or(false) {
            continue;
        }
        let a = net.nodes()[link.from_ix].country.as_str();
        let b = net.nodes()[link.to_ix].country.as_str();
        if a != b {
            adj.entry(a).or_default().insert(b);
            adj.entry(b).or_default().insert(a);
        }
    }
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut path = vec![from];
    fn walk<'a>(
        adj: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        to: &str,
        path: &mut Vec<&'a str>,
        out: &mut Vec<Vec<String>>,
    ) {
        let here = path[path.len() - 1];
        if path.len() > 1 && here == to {
            out.push(path.iter().map(|s| s.to_string()).collect());
            return;
        }
        if path.len() >= MAX_SEQUENCE_LEN {
            return;
        }
        for &next in adj.get(here).into_iter().flatten() {
            // Transit countries are distinct and differ from both ends.
            let repeat = path[1..].contains(&next) || (next == path[0] && next != to);
            if !repeat {
                path.push(next);
                walk(adj, to, path, out);
                path.pop();
            }
        }
    }
    if from == to {
        out.push(vec![from.to_string()]);
    }
    walk(&adj, to, &mut path, &mut out);
    out.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    out.dedup();
    out.truncate(MAX_SEQUENCES);
    out
}

/// `link_ok` restricted to one country sequence: links inside its countries, and links
/// across a border only between countries next to each other in the sequence.
pub fn sequence_mask(net: &Network, link_ok: &[bool], seq: &[String]) -> Vec<bool> {
    let pos = |c: &str| seq.iter().position(|s| s == c);
    let neighbours = |a: &str, b: &str| {
        seq.windows(2)
            .any(|w| (w[0] == a && w[1] == b) || (w[0] == b && w[1] == a))
    };
    net.links()
        .iter()
        .enumerate()
        .map(|(l, link)| {
            if !link_ok.get(l).copied().unwrap_or(false) {
                return false;
            }
            let a = net.nodes()[link.from_ix].country.as_str();
            let b = net.nodes()[link.to_ix].country.as_str();
            if a == b {
                pos(a).is_some()
            } else {
                neighbours(a, b)
            }
        })
        .collect()
}

/// Finds the best route of every feasible corridor and picks those to show.
///
/// # Arguments
/// * `sequences` — candidate country sequences ([`country_sequences`]);
/// * `n` — routes wanted (`alternatives + 1`);
/// * `max_stretch` — largest ratio of a shown corridor's value to the best's;
/// * `search` — the best route on the request's links restricted to a sequence (`None`: no
///   restriction), with its value and its countries in order; `None` when there is none.
///
/// # Returns
/// The routes shown (best first; the first is the unconstrained best) and every corridor
/// found with its status. Nothing when the unconstrained search finds nothing.
///
/// # Complexity
/// `sequences.len() + 1` calls of `search`.
pub fn explore<R>(
    sequences: &[Vec<String>],
    n: usize,
    max_stretch: f64,
    mut search: impl FnMut(Option<&[String]>) -> Option<super::alternatives::Found<R>>,
) -> Explored<R> {
    let mut found: Vec<(R, f64, String)> = Vec::new();
    let Some((route, value, countries)) = search(None) else {
        return Explored {
            shown: Vec::new(),
            corridors: Vec::new(),
        };
    };
    found.push((route, value, corridor_label(&countries)));
    for seq in sequences {
        crate::cancel::check_now();
        let Some((route, value, countries)) = search(Some(seq)) else {
            continue;
        };
        let label = corridor_label(&countries);
        match found.iter_mut().find(|f| f.2 == label) {
            Some(f) if value < f.1 => {
                f.0 = route;
                f.1 = value;
            }
            Some(_) => {}
            None => found.push((route, value, label)),
        }
    }
    // Stable: the unconstrained best stays first among equals.
    found.sort_by(|a, b| a.1.total_cmp(&b.1));
    let best = found[0].1;
    let mut shown = Vec::new();
    let mut corridors = Vec::new();
    for (route, value, label) in found {
        let status = if !within_stretch(value, best, max_stretch) {
            CorridorStatus::BeyondMaxStretch
        } else if shown.len() >= n.max(1) {
            CorridorStatus::BeyondAlternatives
        } else {
            CorridorStatus::Shown
        };
        corridors.push(CorridorSummary {
            corridor: label.clone(),
            value,
            stretch: if best > 0.0 { value / best } else { 1.0 },
            status,
        });
        if status == CorridorStatus::Shown {
            shown.push((route, label));
        }
    }
    Explored { shown, corridors }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    /// A toy world where MN–CN is direct (value 10) and MN-RU-CN exists (value 14) and
    /// MN-RU-KZ-CN (value 30): the direct best route crosses no third country.
    fn toy(seq: Option<&[String]>) -> Option<super::super::alternatives::Found<&'static str>> {
        let routes: [(&str, f64, &[&str]); 3] = [
            ("direct", 10.0, &["MN", "CN"]),
            ("via-ru", 14.0, &["MN", "RU", "CN"]),
            ("via-ru-kz", 30.0, &["MN", "RU", "KZ", "CN"]),
        ];
        routes
            .iter()
            .filter(|(_, _, cs)| {
                seq.is_none_or(|q| q.iter().map(String::as_str).eq(cs.iter().copied()))
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(r, v, cs)| (*r, *v, s(cs)))
    }

    #[test]
    fn finds_the_third_country_corridor_when_the_best_route_is_direct() {
        let seqs = [
            s(&["MN", "CN"]),
            s(&["MN", "RU", "CN"]),
            s(&["MN", "RU", "KZ", "CN"]),
        ];
        let got = explore(&seqs, 3, 1.5, toy);
        let shown: Vec<&str> = got.shown.iter().map(|(_, c)| c.as_str()).collect();
        assert_eq!(shown, ["MN-CN", "MN-RU-CN"]);
        let status: Vec<(&str, CorridorStatus)> = got
            .corridors
            .iter()
            .map(|c| (c.corridor.as_str(), c.status))
            .collect();
        assert_eq!(
            status,
            [
                ("MN-CN", CorridorStatus::Shown),
                ("MN-RU-CN", CorridorStatus::Shown),
                ("MN-RU-KZ-CN", CorridorStatus::BeyondMaxStretch),
            ]
        );
        let wide = explore(&seqs, 2, 10.0, toy);
        assert_eq!(wide.shown.len(), 2);
        assert_eq!(wide.corridors[2].status, CorridorStatus::BeyondAlternatives);
    }

    #[test]
    fn nothing_when_there_is_no_route() {
        let got = explore::<()>(&[s(&["A", "B"])], 3, 2.0, |_| None);
        assert!(got.shown.is_empty() && got.corridors.is_empty());
    }
}
