//! Direction-specific capacities (`capacity_forward` / `capacity_backward`, issue 11): drawn
//! networks whose crossings process each direction separately, and the country-pair
//! questions on the real corridor data.

mod common;

use std::collections::BTreeSet;

use common::Draw;
use corridor::Network;
use corridor::capacity::assign::{AssignQuery, Demand, assign};
use corridor::capacity::maxflow::{CapacityQuery, CapacityResult, MaxFlowValue, max_flow};
use corridor::capacity::request::{Overrides, resolve_places};
use corridor::cost::{Cargo, Constraints, ModeFilter};
use serde_json::json;

/// The last drawn link gets direction-specific capacities in t/yr (`forward` as drawn).
fn directed(d: Draw, forward: f64, backward: f64) -> Draw {
    d.capacity(forward.max(backward), "t/yr")
        .set(
            "capacity_forward",
            json!({"value": forward, "unit": "t/yr"}),
        )
        .set(
            "capacity_backward",
            json!({"value": backward, "unit": "t/yr"}),
        )
        .set("capacity_basis", json!("design"))
        .set(
            "capacity_note",
            json!("design: test figures, export and import lanes"),
        )
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

fn mode(m: ModeFilter) -> Constraints {
    Constraints {
        mode: m,
        ..Constraints::default()
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

/// Two road crossings drawn in opposite directions, each processing its two directions
/// separately:
///
/// ```text
///   RU                                             MN
///   ru-a ──x1 (drawn RU→MN: fwd 10, bwd 2)──▶ mn-a
///   ru-b ◀─x2 (drawn MN→RU: fwd 3, bwd 7)──── mn-b
///   ru-a ──road── ru-b          mn-a ──road── mn-b
/// ```
///
/// RU→MN may use x1 forward (10) and x2 backward (7): 17. MN→RU: x1 backward (2) and x2
/// forward (3): 5.
fn asymmetric() -> Network {
    let d = Draw::new()
        .node("ru-a", "RU", "border_point", &["road"], [0.0, 0.0])
        .node("ru-b", "RU", "border_point", &["road"], [0.0, 1.0])
        .node("mn-a", "MN", "border_point", &["road"], [1.0, 0.0])
        .node("mn-b", "MN", "border_point", &["road"], [1.0, 1.0])
        .road("ru-ab", "ru-a", "ru-b")
        .road("mn-ab", "mn-a", "mn-b")
        .crossing("x1", "ru-a", "mn-a", "road", ["RU", "MN"]);
    let d = directed(d, 10.0, 2.0).crossing("x2", "mn-b", "ru-b", "road", ["MN", "RU"]);
    directed(d, 3.0, 7.0).network()
}

mod drawn_asymmetric_network {
    use super::*;

    #[test]
    fn the_model_reads_both_directions() {
        let net = asymmetric();
        let conv = Default::default();
        let x1 = net.link("x1").unwrap();
        assert_eq!(x1.capacity_tpy_towards(true, &conv), Some(10.0));
        assert_eq!(x1.capacity_tpy_towards(false, &conv), Some(2.0));
        assert_eq!(x1.capacity_tpy(&conv), Some(10.0), "headline is the larger");
    }

    #[test]
    fn max_flow_uses_each_crossing_in_the_direction_travelled() {
        let net = asymmetric();
        let there = max_flow(&net, &query(&net, "RU", "MN", mode(ModeFilter::Road)));
        assert_eq!(value(&there), 17.0);
        let back = max_flow(&net, &query(&net, "MN", "RU", mode(ModeFilter::Road)));
        assert_eq!(value(&back), 5.0);
        for r in [&there, &back] {
            assert_eq!(
                cut_ids(&net, r),
                BTreeSet::from(["x1".to_string(), "x2".to_string()])
            );
            let sum: f64 = r.cut.iter().map(|c| c.capacity_tpy).sum();
            assert_eq!(sum, value(r), "the cut reports each direction's capacity");
        }
        // The cut says which way it is crossed: x1 as drawn, x2 against its drawing.
        let dir = |id: &str| {
            let ix = net.link_ix(id).unwrap();
            there.cut.iter().find(|c| c.link_ix == ix).unwrap().forward
        };
        assert!(dir("x1") && !dir("x2"));
    }

    #[test]
    fn flows_report_the_capacity_of_their_direction() {
        let net = asymmetric();
        let r = max_flow(&net, &query(&net, "MN", "RU", mode(ModeFilter::Road)));
        for f in r.flows.iter().filter(|f| f.capacity_tpy.is_some()) {
            let id = net.links()[f.link_ix].id.0.as_str();
            let expected = match (id, f.forward) {
                ("x1", false) => 2.0,
                ("x2", true) => 3.0,
                other => panic!("unexpected flow {other:?}"),
            };
            assert_eq!(f.capacity_tpy, Some(expected), "{id}");
            assert!(f.flow_tpy <= expected + 1e-9);
        }
    }

    #[test]
    fn an_override_replaces_both_directions() {
        let net = asymmetric();
        let mut q = query(&net, "MN", "RU", mode(ModeFilter::Road));
        q.overrides
            .capacity_tpy
            .insert(net.link_ix("x1").unwrap(), 4.0);
        assert_eq!(value(&max_flow(&net, &q)), 4.0 + 3.0);
    }

    #[test]
    fn assignment_fills_each_direction_separately() {
        let net = asymmetric();
        let c = mode(ModeFilter::Road);
        let demand = |from: &str, to: &str, t: f64| {
            let q = query(&net, from, to, c.clone());
            Demand {
                from: q.from,
                to: q.to,
                tonnes_per_year: t,
                mode: ModeFilter::Road,
                cargo: Cargo::General,
            }
        };
        let req = AssignQuery {
            demands: vec![demand("RU", "MN", 20.0), demand("MN", "RU", 20.0)],
            constraints: c.clone(),
            overrides: Overrides::default(),
        };
        let a = assign(&net, &req);
        // RU→MN does not eat MN→RU capacity: each direction has its own figure.
        assert_eq!(a.demands[0].served_tpy, 17.0);
        assert_eq!(a.demands[1].served_tpy, 5.0);
        for l in &a.links {
            if let Some(u) = l.utilization() {
                assert!(u <= 1.0 + 1e-9, "{}", net.links()[l.link_ix].id);
            }
        }
    }
}

mod real_corridor {
    use super::*;

    fn net() -> Network {
        Network::embedded().expect("embedded network is valid")
    }

    const COUNTRIES: [&str; 4] = ["RU", "MN", "CN", "KZ"];

    #[test]
    fn every_country_pair_has_a_finite_maximum_flow_by_every_mode() {
        let net = net();
        let mut problems = Vec::new();
        for from in COUNTRIES {
            for to in COUNTRIES.iter().copied().filter(|&t| t != from) {
                for m in [ModeFilter::Rail, ModeFilter::Road, ModeFilter::Any] {
                    let r = max_flow(&net, &query(&net, from, to, mode(m)));
                    match r.value {
                        MaxFlowValue::Bounded(v) if v > 0.0 => {
                            let cut: f64 = r.cut.iter().map(|c| c.capacity_tpy).sum();
                            if (cut - v).abs() > 1e-6 * v {
                                problems.push(format!("{from}→{to} {m:?}: cut {cut} ≠ {v}"));
                            }
                        }
                        ref other => problems.push(format!("{from}→{to} {m:?}: {other:?}")),
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn kazakhstan_to_mongolia_is_bounded_by_the_russian_and_chinese_transit_crossings() {
        // Kazakhstan and Mongolia share no border: every tonne enters Mongolia from Russia or
        // China, so the rail cut is the rail crossings into Mongolia.
        let net = net();
        let r = max_flow(&net, &query(&net, "KZ", "MN", mode(ModeFilter::Rail)));
        let cut = cut_ids(&net, &r);
        assert_eq!(
            cut,
            BTreeSet::from([
                "xr-naushki-sukhbaatar".to_string(),
                "xr-solovyevsk-ereentsav".to_string(),
                "xr-zamyn-uud-erenhot".to_string(),
            ])
        );
        let into_mn: f64 = cut
            .iter()
            .map(|id| {
                net.link(id)
                    .unwrap()
                    .capacity_tpy(&Default::default())
                    .unwrap()
            })
            .sum();
        assert_eq!(value(&r), into_mn);
        // By any mode as well, every cut link is a crossing into Mongolia from RU or CN.
        let r = max_flow(&net, &query(&net, "KZ", "MN", Constraints::default()));
        for c in &r.cut {
            let l = &net.links()[c.link_ix];
            let x = l
                .crossing
                .as_ref()
                .unwrap_or_else(|| panic!("{} is not a crossing", l.id));
            let entry = if c.forward {
                &x.countries[1]
            } else {
                &x.countries[0]
            };
            let exit = if c.forward {
                &x.countries[0]
            } else {
                &x.countries[1]
            };
            assert_eq!(entry, "MN", "{}", l.id);
            assert!(exit == "RU" || exit == "CN", "{}", l.id);
        }
    }

    #[test]
    fn coal_exports_to_china_use_the_export_direction_at_gashuunsukhait() {
        let net = net();
        let x = net.link("xd-gashuunsukhait-ganqimaodu").unwrap();
        let conv = Default::default();
        let (fwd, back) = (
            x.capacity_tpy_towards(true, &conv).unwrap(),
            x.capacity_tpy_towards(false, &conv).unwrap(),
        );
        assert!(fwd > 10.0 * back, "export lanes dominate: {fwd} vs {back}");
        let there = max_flow(&net, &query(&net, "MN", "CN", mode(ModeFilter::Road)));
        let back_q = max_flow(&net, &query(&net, "CN", "MN", mode(ModeFilter::Road)));
        let ix = net.link_ix("xd-gashuunsukhait-ganqimaodu").unwrap();
        let used = |r: &CapacityResult| {
            r.cut
                .iter()
                .find(|c| c.link_ix == ix)
                .map(|c| c.capacity_tpy)
                .expect("Gashuunsukhait in the cut")
        };
        assert_eq!(used(&there), fwd);
        assert_eq!(used(&back_q), back);
        assert!(value(&there) > value(&back_q));
    }
}
