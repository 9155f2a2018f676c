//! Which alternative routes are worth showing: limits on how much an alternative may share
//! with better routes and how much worse it may be, and the best route per transit corridor.
//!
//! Pure functions over routes given as link sequences, so that any search (Yen's k-shortest
//! paths, a penalty method, per-corridor searches) can feed them.
//!
//! # Limits
//! Named as Valhalla's `src/thor/alternates.cc` names them (`kAtMostShared`,
//! `kAtMostLonger`) and as OSRM's `alternative_path_mld.cpp` applies them:
//! - **sharing**: an alternative is kept only if, for *every* better route already kept, the
//!   length of its links that are also on that route is at most [`DEFAULT_MAX_SHARING`] of
//!   its own length;
//! - **stretch**: an alternative is kept only if its value of the optimised measure is at
//!   most [`DEFAULT_MAX_STRETCH`] × the best route's.
//!
//! Fewer alternatives than asked is a correct answer.
//!
//! # Corridors
//! A route's *corridor* is the ordered list of countries it passes through, origin and
//! destination included, e.g. `KZ-RU-MN` ([`corridor_label`]); the search for the best route
//! of each corridor is [`super::corridors`].

use std::collections::{BTreeSet, HashSet};

/// Default largest fraction of an alternative's length that may also lie on any one better
/// route (Valhalla's `kAtMostShared` is 0.5; OSRM's sharing limit is looser. Corridor routes
/// share their long domestic approach legs, hence 0.75).
pub const DEFAULT_MAX_SHARING: f64 = 0.75;
/// Default largest ratio of an alternative's optimised measure to the best route's
/// (Valhalla's `kAtMostLonger` is 1.25 on time; freight corridors differ more).
pub const DEFAULT_MAX_STRETCH: f64 = 1.5;
/// Accepted range of `max_sharing` (0: no common link at all; 1: no sharing limit).
pub const MAX_SHARING_RANGE: (f64, f64) = (0.0, 1.0);
/// Accepted range of `max_stretch` (1: only routes as good as the best).
pub const MAX_STRETCH_RANGE: (f64, f64) = (1.0, 10.0);
/// How many shortest paths the search may enumerate per alternative asked, before giving up
/// on finding more that pass the limits.
pub const CANDIDATES_PER_ALTERNATIVE: usize = 8;
/// The penalty method's factor: after each route found, the weight of every edge on its
/// links is multiplied by this (compounding when a link is on several routes), so the next
/// search prefers other links unless they are much worse. 1.4 gives routes that share at most
/// ~75 % while staying within 1.5× on the corridor network.
pub const PENALTY_FACTOR: f64 = 1.4;
/// How many penalised searches the penalty method may run per alternative asked.
pub const PENALTY_ROUNDS_PER_ALTERNATIVE: usize = 3;
/// The two limits an alternative must respect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Largest shared fraction of length with any better route, `0..=1`.
    pub max_sharing: f64,
    /// Largest ratio to the best route's optimised measure, `>= 1`.
    pub max_stretch: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_sharing: DEFAULT_MAX_SHARING,
            max_stretch: DEFAULT_MAX_STRETCH,
        }
    }
}

/// A route as the filters see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate<'a> {
    /// Link indices in travel order.
    pub links: &'a [usize],
    /// Value of the optimised measure (smaller is better).
    pub value: f64,
}

/// Length of `a`'s links that are also links of `b`, with `length_km` giving a link's length.
///
/// # Complexity
/// `O(|a| + |b|)` expected.
pub fn shared_length(a: &[usize], b: &[usize], length_km: impl Fn(usize) -> f64) -> f64 {
    let on_b: HashSet<usize> = b.iter().copied().collect();
    a.iter()
        .filter(|l| on_b.contains(l))
        .map(|&l| length_km(l))
        .sum()
}

/// Fraction of `a`'s length that is also on `b` (0 for an empty `a`).
pub fn sharing(a: &[usize], b: &[usize], length_km: impl Fn(usize) -> f64 + Copy) -> f64 {
    let total: f64 = a.iter().map(|&l| length_km(l)).sum();
    if total <= 0.0 {
        return 0.0;
    }
    shared_length(a, b, length_km) / total
}

/// Picks the best candidate and up to `alternatives` more that respect `limits`.
///
/// # Arguments
/// * `candidates` — sorted by `value`, best first (as Yen's algorithm yields them);
/// * `length_km` — a link's length;
/// * `alternatives` — how many besides the best are wanted.
///
/// # Returns
/// Indices into `candidates` of the routes kept, best first. The best (index 0) is always
/// kept when there is a candidate at all.
///
/// # Complexity
/// `O(c × k × m)` for `c` candidates, `k` kept routes and `m` links per route.
pub fn select_alternatives(
    candidates: &[Candidate<'_>],
    length_km: impl Fn(usize) -> f64 + Copy,
    limits: Limits,
    alternatives: usize,
) -> Vec<usize> {
    let Some(best) = candidates.first() else {
        return Vec::new();
    };
    let mut kept = vec![0];
    for (i, c) in candidates.iter().enumerate().skip(1) {
        if kept.len() > alternatives {
            break;
        }
        if !within_stretch(c.value, best.value, limits.max_stretch) {
            // Sorted by value: every later candidate is worse still.
            break;
        }
        let distinct = kept.iter().all(|&k| {
            sharing(c.links, candidates[k].links, length_km) <= limits.max_sharing + 1e-9
        });
        if distinct {
            kept.push(i);
        }
    }
    kept
}

/// Whether `value` is at most `max_stretch` × `best` (with a little slack for rounding).
pub fn within_stretch(value: f64, best: f64, max_stretch: f64) -> bool {
    value <= best * max_stretch + 1e-9 * best.abs().max(1.0)
}

/// The corridor label of a route: its countries in order traversed (consecutive repeats
/// merged), joined with `-`, e.g. `KZ-RU-MN`.
pub fn corridor_label<S: AsRef<str>>(countries: &[S]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for c in countries {
        let c = c.as_ref();
        if out.last() != Some(&c) {
            out.push(c);
        }
    }
    out.join("-")
}

/// The transit countries of a route: its countries in order without the origin's and the
/// destination's country (a country re-entered is listed once, at its first entry).
pub fn transit_countries<S: AsRef<str>>(countries: &[S]) -> Vec<String> {
    let (Some(first), Some(last)) = (countries.first(), countries.last()) else {
        return Vec::new();
    };
    let ends = [first.as_ref(), last.as_ref()];
    let mut seen = BTreeSet::new();
    countries
        .iter()
        .map(AsRef::as_ref)
        .filter(|c| !ends.contains(c))
        .filter(|c| seen.insert(c.to_string()))
        .map(str::to_string)
        .collect()
}

/// What a corridor search returns: the route, its value, and its countries in order.
pub type Found<R> = (R, f64, Vec<String>);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn unit(_: usize) -> f64 {
        1.0
    }

    mod sharing {
        use super::*;

        #[test]
        fn counts_length_not_links() {
            let len = |l: usize| [10.0, 1.0, 1.0, 8.0][l];
            // a = {0, 1}; b = {0, 2, 3}: a shares link 0 (10 of its 11 km).
            assert!((sharing(&[0, 1], &[0, 2, 3], len) - 10.0 / 11.0).abs() < 1e-12);
            assert_eq!(sharing(&[1], &[0, 2], len), 0.0);
            assert_eq!(sharing(&[], &[0], len), 0.0);
        }
    }

    mod select {
        use super::*;

        #[test]
        fn drops_near_copies_and_keeps_distinct_routes() {
            let best = [0, 1, 2, 3, 9];
            let near_copy = [0, 1, 2, 3, 4]; // shares 4 of 5
            let distinct = [5, 6, 7, 3]; // shares 1 of 4 (3 of 4 would still pass: "at most")
            let c = [
                Candidate {
                    links: &best,
                    value: 10.0,
                },
                Candidate {
                    links: &near_copy,
                    value: 10.5,
                },
                Candidate {
                    links: &distinct,
                    value: 12.0,
                },
            ];
            assert_eq!(select_alternatives(&c, unit, Limits::default(), 5), [0, 2]);
            let loose = Limits {
                max_sharing: 1.0,
                ..Limits::default()
            };
            assert_eq!(select_alternatives(&c, unit, loose, 5), [0, 1, 2]);
            assert_eq!(select_alternatives(&c, unit, loose, 1), [0, 1]);
        }

        #[test]
        fn stretch_cuts_worse_routes() {
            let (a, b) = ([0], [1]);
            let c = [
                Candidate {
                    links: &a,
                    value: 10.0,
                },
                Candidate {
                    links: &b,
                    value: 15.1,
                },
            ];
            assert_eq!(select_alternatives(&c, unit, Limits::default(), 3), [0]);
            let wide = Limits {
                max_stretch: 2.0,
                ..Limits::default()
            };
            assert_eq!(select_alternatives(&c, unit, wide, 3), [0, 1]);
        }

        #[test]
        fn sharing_is_checked_against_every_kept_route() {
            let r0 = [0, 1, 2, 3];
            let r1 = [4, 5, 6, 7, 10];
            let r2 = [4, 5, 6, 7, 8]; // distinct from r0, 80% copy of r1
            let c = [
                Candidate {
                    links: &r0,
                    value: 1.0,
                },
                Candidate {
                    links: &r1,
                    value: 1.1,
                },
                Candidate {
                    links: &r2,
                    value: 1.2,
                },
            ];
            assert_eq!(select_alternatives(&c, unit, Limits::default(), 5), [0, 1]);
        }

        proptest! {
            #[test]
            fn every_kept_route_respects_both_limits(
                routes in prop::collection::vec((prop::collection::vec(0usize..20, 1..8), 1.0f64..3.0), 1..12),
                max_sharing in 0.0f64..1.0,
                max_stretch in 1.0f64..2.0,
                want in 0usize..5,
            ) {
                let mut routes = routes;
                routes.sort_by(|a, b| a.1.total_cmp(&b.1));
                let len = |l: usize| 1.0 + l as f64;
                let c: Vec<Candidate> = routes.iter().map(|(l, v)| Candidate { links: l, value: *v }).collect();
                let limits = Limits { max_sharing, max_stretch };
                let kept = select_alternatives(&c, len, limits, want);
                prop_assert_eq!(kept[0], 0);
                prop_assert!(kept.len() <= want + 1);
                for (j, &k) in kept.iter().enumerate().skip(1) {
                    prop_assert!(within_stretch(c[k].value, c[0].value, max_stretch));
                    for &better in &kept[..j] {
                        prop_assert!(sharing(c[k].links, c[better].links, len) <= max_sharing + 1e-9);
                    }
                }
            }
        }
    }

    mod corridors {
        use super::*;

        #[test]
        fn labels_merge_repeats_and_keep_order() {
            assert_eq!(corridor_label(&["KZ", "KZ", "RU", "MN"]), "KZ-RU-MN");
            assert_eq!(
                corridor_label(&["KZ", "RU", "KZ", "CN", "MN"]),
                "KZ-RU-KZ-CN-MN"
            );
            assert_eq!(
                transit_countries(&["KZ", "RU", "KZ", "CN", "MN"]),
                ["RU", "CN"]
            );
            assert_eq!(transit_countries(&["MN"]), Vec::<String>::new());
        }
    }
}
