//! Capacity on the real corridor network (`geodata/`): the questions planners ask.

use std::collections::BTreeSet;

use corridor::Network;
use corridor::capacity::assign::{AssignQuery, Demand, assign};
use corridor::capacity::maxflow::{CapacityQuery, CapacityResult, MaxFlowValue, Step, max_flow};
use corridor::capacity::request::{Overrides, resolve_places};
use corridor::cost::{Cargo, Constraints, ModeFilter};

const NAUSHKI: &str = "xr-naushki-sukhbaatar";
const SOLOVYEVSK: &str = "xr-solovyevsk-ereentsav";
const ZAMYN_UUD: &str = "xr-zamyn-uud-erenhot";
const ZABAIKALSK: &str = "xr-zabaikalsk-manzhouli";

fn net() -> Network {
    Network::embedded().expect("embedded network is valid")
}

fn capacity_of(net: &Network, id: &str) -> f64 {
    net.link(id)
        .and_then(|l| l.capacity_tpy(&Default::default()))
        .unwrap_or_else(|| panic!("{id} has a capacity"))
}

fn rail(avoid: &[&str], close: &[&str]) -> Constraints {
    Constraints {
        mode: ModeFilter::Rail,
        avoid_countries: avoid.iter().map(|s| s.to_string()).collect(),
        close: close.iter().map(|s| s.to_string()).collect(),
        ..Constraints::default()
    }
}

fn query(net: &Network, from: &str, to: &str, c: Constraints) -> CapacityQuery {
    CapacityQuery {
        from: resolve_places(net, "from", &[from.into()], &c).unwrap(),
        to: resolve_places(net, "to", &[to.into()], &c).unwrap(),
        constraints: c,
        overrides: Overrides::default(),
        transit: Default::default(),
    }
}

fn value(r: &CapacityResult) -> f64 {
    match r.value {
        MaxFlowValue::Bounded(v) => v,
        ref other => panic!("expected a bounded flow, got {other:?}"),
    }
}

fn cut_ids(net: &Network, r: &CapacityResult) -> BTreeSet<String> {
    r.cut
        .iter()
        .map(|c| net.links()[c.link_ix].id.0.clone())
        .collect()
}

fn flow_on(net: &Network, r: &CapacityResult, id: &str) -> Option<(f64, bool)> {
    let ix = net.link_ix(id)?;
    r.flows
        .iter()
        .find(|f| f.link_ix == ix)
        .map(|f| (f.flow_tpy, f.forward))
}

fn cut_sum(r: &CapacityResult) -> f64 {
    r.cut.iter().map(|c| c.capacity_tpy).sum()
}

mod russia_to_mongolia_by_rail {
    use super::*;

    #[test]
    fn direct_capacity_is_the_two_rail_crossings() {
        let net = net();
        let r = max_flow(&net, &query(&net, "RU", "MN", rail(&["CN", "KZ"], &[])));
        let expected = capacity_of(&net, NAUSHKI) + capacity_of(&net, SOLOVYEVSK);
        assert_eq!(value(&r), expected);
        assert_eq!(
            cut_ids(&net, &r),
            BTreeSet::from([NAUSHKI.to_string(), SOLOVYEVSK.to_string()])
        );
        assert_eq!(cut_sum(&r), value(&r));
    }

    #[test]
    fn the_cut_names_both_crossings_even_with_transit_through_china() {
        let net = net();
        let r = max_flow(&net, &query(&net, "RU", "MN", rail(&[], &[])));
        let cut = cut_ids(&net, &r);
        assert!(cut.contains(NAUSHKI) && cut.contains(SOLOVYEVSK), "{cut:?}");
        assert!(value(&r) >= capacity_of(&net, NAUSHKI) + capacity_of(&net, SOLOVYEVSK));
        assert!((cut_sum(&r) - value(&r)).abs() < 1e-3);
    }

    #[test]
    fn closing_naushki_leaves_only_solovyevsk() {
        let net = net();
        let r = max_flow(
            &net,
            &query(&net, "RU", "MN", rail(&["CN", "KZ"], &[NAUSHKI])),
        );
        assert_eq!(value(&r), capacity_of(&net, SOLOVYEVSK));
        assert_eq!(cut_ids(&net, &r), BTreeSet::from([SOLOVYEVSK.to_string()]));
        assert!(flow_on(&net, &r, NAUSHKI).is_none());
    }

    #[test]
    fn a_capacity_override_moves_the_answer() {
        let net = net();
        let mut q = query(&net, "RU", "MN", rail(&["CN", "KZ"], &[]));
        q.overrides
            .capacity_tpy
            .insert(net.link_ix(NAUSHKI).unwrap(), 2_000_000.0);
        let r = max_flow(&net, &q);
        assert_eq!(value(&r), 2_000_000.0 + capacity_of(&net, SOLOVYEVSK));
    }
}

mod russia_to_china_by_rail {
    use super::*;

    #[test]
    fn uses_the_mongolian_transit_and_zabaikalsk() {
        let net = net();
        let r = max_flow(&net, &query(&net, "RU", "CN", rail(&[], &[])));
        let (transit, forward) = flow_on(&net, &r, ZAMYN_UUD).expect("flow via Zamyn-Uud");
        let l = net.link(ZAMYN_UUD).unwrap();
        let towards = if forward { &l.to } else { &l.from };
        assert_eq!(towards.0, "cn-erenhot", "transit runs into China");
        assert!(transit > 0.0);
        assert!(flow_on(&net, &r, ZABAIKALSK).is_some());
        assert!(cut_ids(&net, &r).contains(ZABAIKALSK));
        assert!((cut_sum(&r) - value(&r)).abs() < 1e-3);
    }

    #[test]
    fn every_link_stays_within_capacity() {
        let net = net();
        let r = max_flow(&net, &query(&net, "RU", "CN", rail(&[], &[])));
        for f in &r.flows {
            if let Some(c) = f.capacity_tpy {
                assert!(
                    f.flow_tpy <= c + 1e-6,
                    "{} over capacity",
                    net.links()[f.link_ix].id
                );
            }
        }
    }
}

#[test]
fn mode_any_is_unbounded_through_road_crossings_without_capacity() {
    // Most road crossings carry no capacity figure yet: any-mode answers say so rather than
    // inventing a number. Which answer is due follows from the data: while some RU–CN-bound
    // road crossing lacks a figure the flow is unbounded, and the path given must be a real
    // RU → CN path of links without capacity; once every crossing has one, the answer is
    // bounded and the cut sums to it.
    let net = net();
    let r = max_flow(&net, &query(&net, "RU", "CN", Constraints::default()));
    let conv = Default::default();
    let usable = corridor::route::link_mask(&net, &Constraints::default());
    let uncapacitated_crossings = net
        .links()
        .iter()
        .zip(&usable)
        .filter(|(_, ok)| **ok)
        .map(|(l, _)| l)
        .filter(|l| l.kind == corridor::network::LinkKind::Crossing)
        .filter(|l| l.capacity_tpy(&conv).is_none() && l.capacity_directed.is_none())
        .count();
    match &r.value {
        MaxFlowValue::Unbounded { path } => {
            assert!(
                uncapacitated_crossings > 0,
                "unbounded, yet every crossing has a figure"
            );
            let mut at: Option<usize> = None;
            let mut first: Option<usize> = None;
            for step in path {
                match *step {
                    Step::Link { link_ix, forward } => {
                        let l = &net.links()[link_ix];
                        let (a, b) = if forward {
                            (l.from_ix, l.to_ix)
                        } else {
                            (l.to_ix, l.from_ix)
                        };
                        if let Some(prev) = at {
                            assert_eq!(prev, a, "the path is not connected at {}", l.id);
                        }
                        first.get_or_insert(a);
                        at = Some(b);
                        assert!(
                            l.capacity_tpy_towards(forward, &conv).is_none()
                                && l.capacity_tpy(&conv).is_none(),
                            "{} carries a capacity, yet is on the unbounded path",
                            l.id
                        );
                    }
                    Step::Transshipment { node_ix, .. } => {
                        if let Some(prev) = at {
                            assert_eq!(prev, node_ix, "transshipment away from the path");
                        }
                    }
                }
            }
            let (first, last) = (first.expect("a non-empty path"), at.expect("a link"));
            assert_eq!(net.nodes()[first].country, "RU");
            assert_eq!(net.nodes()[last].country, "CN");
        }
        MaxFlowValue::Bounded(v) => {
            assert_eq!(
                uncapacitated_crossings, 0,
                "bounded ({v}) although {uncapacitated_crossings} crossings carry no figure"
            );
            assert!((cut_sum(&r) - value(&r)).abs() < 1e-3);
        }
    }
}

#[test]
fn assignment_over_capacity_reports_unserved_tonnes() {
    let net = net();
    let c = rail(&["CN", "KZ"], &[]);
    let q = query(&net, "RU", "MN", c.clone());
    let capacity = capacity_of(&net, NAUSHKI) + capacity_of(&net, SOLOVYEVSK);
    let req = AssignQuery {
        demands: vec![Demand {
            from: q.from.clone(),
            to: q.to.clone(),
            tonnes_per_year: capacity + 5_000_000.0,
            mode: ModeFilter::Rail,
            cargo: Cargo::General,
        }],
        constraints: c,
        overrides: Overrides::default(),
    };
    let a = assign(&net, &req);
    assert_eq!(a.served_tpy(), capacity);
    assert_eq!(a.unserved_tpy(), 5_000_000.0);
    let saturated: BTreeSet<String> = a
        .links
        .iter()
        .filter(|l| l.saturated())
        .map(|l| net.links()[l.link_ix].id.0.clone())
        .collect();
    assert!(saturated.contains(NAUSHKI) && saturated.contains(SOLOVYEVSK));
}

#[test]
fn coal_from_tavan_tolgoi_to_tianjin_is_routed_and_saturation_is_reported() {
    let net = net();
    let c = rail(&[], &[]);
    let q = query(&net, "mn-tavan-tolgoi", "cn-tianjin-port", c.clone());
    let req = AssignQuery {
        demands: vec![Demand {
            from: q.from,
            to: q.to,
            tonnes_per_year: 3_000_000.0,
            mode: ModeFilter::Rail,
            cargo: Cargo::Bulk,
        }],
        constraints: c,
        overrides: Overrides::default(),
    };
    let a = assign(&net, &req);
    let d = &a.demands[0];
    assert_eq!(d.served_tpy + d.unserved_tpy(), 3_000_000.0);
    assert!(d.served_tpy > 0.0, "some coal reaches Tianjin by rail");
    for l in &a.links {
        if let Some(u) = l.utilization() {
            assert!(u <= 1.0 + 1e-9);
        }
    }
}
