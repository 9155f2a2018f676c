//! Routing on the real corridor network (the embedded `geodata/`): the cases a freight
//! planner would check by hand.

use std::collections::HashSet;
use std::sync::OnceLock;

use corridor::Snapshot;
use corridor::cost::{Cargo, Measure, ModeFilter, Optimize};
use corridor::network::{LinkKind, Network};
use corridor::route::{PlaceQuery, Route, RoutePlan, RouteRequest, plan};

fn snap() -> &'static Snapshot {
    static SNAP: OnceLock<Snapshot> = OnceLock::new();
    SNAP.get_or_init(|| Snapshot::embedded().expect("embedded network is valid"))
}

fn net() -> &'static Network {
    &snap().network
}

fn request(from: &str, to: &str, mode: ModeFilter) -> RouteRequest {
    let mut r = RouteRequest::new(PlaceQuery::Text(from.into()), PlaceQuery::Text(to.into()));
    r.mode = mode;
    r
}

fn run(r: &RouteRequest) -> RoutePlan {
    plan(snap(), r).unwrap_or_else(|e| panic!("{r:?}: {e}"))
}

fn best(r: &RouteRequest) -> Route {
    run(r).routes.remove(0)
}

fn gauge_breaks(r: &Route) -> Vec<String> {
    r.transshipments(net())
        .into_iter()
        .filter(|t| t.kind.reason().starts_with("gauge"))
        .map(|t| format!("{} {}", t.node, t.kind.reason()))
        .collect()
}

mod rail_ulan_ude_beijing {
    use super::*;

    #[test]
    fn crosses_naushki_and_erenhot_with_exactly_one_break_of_gauge() {
        let r = best(&request("ru-ulan-ude", "cn-beijing", ModeFilter::Rail));
        assert_eq!(
            r.crossings(net()),
            ["xr-naushki-sukhbaatar", "xr-zamyn-uud-erenhot"]
        );
        assert_eq!(r.countries(net()), ["RU", "MN", "CN"]);
        let breaks = gauge_breaks(&r);
        assert_eq!(breaks.len(), 1, "{breaks:?}");
        assert!(breaks[0].contains("1520→1435"), "{breaks:?}");
        assert_eq!(
            r.transshipments(net()).len(),
            1,
            "rail only: no mode change"
        );
    }

    #[test]
    fn avoiding_zamyn_uud_erenhot_moves_it_to_zabaikalsk_manzhouli() {
        let mut q = request("ru-ulan-ude", "cn-beijing", ModeFilter::Rail);
        q.avoid_crossings = vec!["xr-zamyn-uud-erenhot".into()];
        let r = best(&q);
        assert!(
            r.crossings(net()).contains(&"xr-zabaikalsk-manzhouli"),
            "{:?}",
            r.crossings(net())
        );
        assert!(!r.crossings(net()).contains(&"xr-zamyn-uud-erenhot"));
        assert_eq!(gauge_breaks(&r).len(), 1, "{:?}", gauge_breaks(&r));
    }

    #[test]
    fn names_and_positions_resolve_to_the_same_route() {
        let by_id = best(&request("ru-ulan-ude", "cn-beijing", ModeFilter::Rail));
        let by_name = best(&request("ulan-ude", "BEIJING", ModeFilter::Rail));
        assert_eq!(by_id, by_name);
        let mut q = request("x", "cn-beijing", ModeFilter::Rail);
        let ulan_ude = net().node("ru-ulan-ude").unwrap().point;
        q.from = PlaceQuery::Coord {
            lon: ulan_ude.x() + 0.02,
            lat: ulan_ude.y() - 0.01,
        };
        let p = run(&q);
        assert_eq!(p.routes[0], by_id);
        assert!(p.waypoints[0].snap_km.unwrap() < 5.0);
    }

    #[test]
    fn legs_add_up_and_break_at_borders_and_gauge() {
        let r = best(&request("ru-ulan-ude", "cn-beijing", ModeFilter::Rail));
        let legs = r.legs(net());
        let km: f64 = legs.iter().map(|l| l.measures[Measure::Distance]).sum();
        let h: f64 = legs.iter().map(|l| l.measures[Measure::Time]).sum();
        assert!((km - r.measures[Measure::Distance]).abs() < 1e-6);
        assert!((h - r.measures[Measure::Time]).abs() < 1e-6);
        let shape: Vec<(String, Option<u32>)> = legs
            .iter()
            .map(|l| (l.country.clone(), l.gauge_mm))
            .collect();
        assert_eq!(
            shape,
            [
                ("RU".to_string(), Some(1520)),
                ("RU→MN".to_string(), Some(1520)),
                ("MN".to_string(), Some(1520)),
                ("MN→CN".to_string(), Some(1520)),
                ("CN".to_string(), Some(1435)),
            ]
        );
    }

    #[test]
    fn a_via_is_visited_in_order() {
        let mut q = request("ru-ulan-ude", "cn-beijing", ModeFilter::Rail);
        q.via = vec![PlaceQuery::Text("ru-zabaikalsk".into())];
        let r = best(&q);
        let nodes: Vec<&str> = r
            .node_ixs()
            .into_iter()
            .map(|i| net().nodes()[i].id.0.as_str())
            .collect();
        assert!(nodes.contains(&"ru-zabaikalsk"), "{nodes:?}");
        assert!(r.crossings(net()).contains(&"xr-zabaikalsk-manzhouli"));
    }
}

mod road_almaty_ulaanbaatar {
    use super::*;

    #[test]
    fn transits_russia_or_china() {
        let r = best(&request("kz-almaty", "mn-ulaanbaatar", ModeFilter::Road));
        let c = r.countries(net());
        assert_eq!(c.first().map(String::as_str), Some("KZ"));
        assert_eq!(c.last().map(String::as_str), Some("MN"));
        assert!(c.iter().any(|x| x == "RU" || x == "CN"), "{c:?}");
    }

    #[test]
    fn avoiding_china_goes_via_tashanta_tsagaannuur() {
        let mut q = request("kz-almaty", "mn-ulaanbaatar", ModeFilter::Road);
        q.avoid_countries = vec!["CN".into()];
        let r = best(&q);
        assert!(
            r.crossings(net()).contains(&"xd-tashanta-tsagaannuur"),
            "{:?}",
            r.crossings(net())
        );
        assert_eq!(r.countries(net()), ["KZ", "RU", "MN"]);
    }
}

#[test]
fn livestock_never_uses_a_crossing_without_veterinary_control() {
    let pairs = [
        ("kz-almaty", "mn-ulaanbaatar", ModeFilter::Road),
        ("kz-almaty", "mn-ulaanbaatar", ModeFilter::Any),
        ("ru-novosibirsk", "kz-almaty", ModeFilter::Rail),
        ("ru-ulan-ude", "cn-beijing", ModeFilter::Any),
        ("ru-chita", "ru-vladivostok", ModeFilter::Rail),
        ("mn-tavan-tolgoi", "cn-tianjin-port", ModeFilter::Any),
    ];
    let mut general_used_non_vet = false;
    for (from, to, mode) in pairs {
        let mut q = request(from, to, mode);
        q.alternatives = 5;
        let non_vet = |p: &RoutePlan| {
            p.routes.iter().any(|r| {
                r.steps.iter().any(|s| {
                    let l = &net().links()[s.link_ix];
                    l.kind == LinkKind::Crossing && !l.crossing.as_ref().unwrap().veterinary
                })
            })
        };
        general_used_non_vet |= plan(snap(), &q).is_ok_and(|p| non_vet(&p));
        q.cargo = Cargo::Livestock;
        if let Ok(p) = plan(snap(), &q) {
            assert!(!non_vet(&p), "{from}→{to} {mode:?}");
        }
    }
    assert!(
        general_used_non_vet,
        "the cases must include one where general cargo uses a non-veterinary crossing"
    );
}

#[test]
fn time_and_distance_optima_differ_when_borders_and_gauge_breaks_cost_time() {
    // Chita → Vladivostok by rail: the shortest line cuts across Manchuria (two borders, two
    // breaks of gauge); the fastest stays on the Trans-Siberian.
    let mut q = request("ru-chita", "ru-vladivostok", ModeFilter::Rail);
    q.optimize = Optimize::Distance;
    let short = best(&q);
    q.optimize = Optimize::Time;
    let fast = best(&q);
    assert_ne!(short.steps, fast.steps);
    assert!(short.measures[Measure::Distance] < fast.measures[Measure::Distance]);
    assert!(fast.measures[Measure::Time] < short.measures[Measure::Time]);
    assert!(short.countries(net()).contains(&"CN".to_string()));
    assert_eq!(gauge_breaks(&short).len(), 2, "{:?}", gauge_breaks(&short));
    assert_eq!(fast.countries(net()), ["RU"]);
    assert!(gauge_breaks(&fast).is_empty());
    // With no border dwell and no transshipment time the optimum can only get faster.
    q.profile.dwell_scale = 0.0;
    q.profile.transshipment_h = 0.0;
    let free = best(&q);
    assert!(free.measures[Measure::Time] <= fast.measures[Measure::Time] + 1e-9);
}

#[test]
fn multimodal_time_optimum_avoids_needless_transshipments() {
    // Astana → Ürümqi: the shortest route hops rail → road → rail → road around Dostyk and
    // Alashankou; the fastest changes mode once. (It was Ulan-Ude → Beijing until issue 23 gave
    // the rail lines their published lengths: that pair's shortest route is now all road, the
    // same as its fastest.)
    let mut q = request("kz-astana", "cn-urumqi", ModeFilter::Any);
    q.optimize = Optimize::Distance;
    let short = best(&q);
    q.optimize = Optimize::Time;
    let fast = best(&q);
    assert!(short.measures[Measure::Distance] <= fast.measures[Measure::Distance]);
    assert!(fast.measures[Measure::Time] < short.measures[Measure::Time]);
    assert!(fast.transshipments(net()).len() < short.transshipments(net()).len());
}

#[test]
fn five_alternatives_are_distinct_loopless_and_sorted() {
    for &optimize in Optimize::ALL {
        let mut q = request("ru-ulan-ude", "cn-beijing", ModeFilter::Any);
        q.optimize = optimize;
        q.alternatives = 5;
        // Without sharing and stretch limits (issue 12 filters alternatives by default):
        // Yen's six loopless paths.
        q.limits.max_sharing = 1.0;
        q.limits.max_stretch = 10.0;
        let p = run(&q);
        assert_eq!(p.routes.len(), 6);
        let mut seen = HashSet::new();
        for (i, r) in p.routes.iter().enumerate() {
            assert_eq!(r.rank, i + 1);
            let links: Vec<usize> = r.steps.iter().map(|s| s.link_ix).collect();
            assert!(seen.insert(links), "route {} repeated", r.rank);
            let nodes = r.node_ixs();
            let distinct: HashSet<_> = nodes.iter().collect();
            assert_eq!(distinct.len(), nodes.len(), "route {} has a loop", r.rank);
            if i > 0 {
                assert!(p.routes[i - 1].measures.get(optimize) <= r.measures.get(optimize));
            }
        }
    }
}

#[test]
fn cli_prints_a_table_and_geojson() {
    let bin = env!("CARGO_BIN_EXE_corridor");
    let out = std::process::Command::new(bin)
        .args([
            "route",
            "ru-ulan-ude",
            "cn-beijing",
            "--mode",
            "rail",
            "--alternatives",
            "2",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("rank"), "{text}");
    assert!(text.contains("xr-naushki-sukhbaatar"), "{text}");
    assert!(text.contains("gauge 1520→1435"), "{text}");
    let out = std::process::Command::new(bin)
        .args(["route", "ru-ulan-ude", "cn-beijing", "--geojson"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let fc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
    let out = std::process::Command::new(bin)
        .args(["route", "Ulan-Udee", "cn-beijing"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "an unknown place is not found");
    assert!(String::from_utf8_lossy(&out.stderr).contains("ru-ulan-ude"));
    let out = std::process::Command::new(bin)
        .args(["route", "ru-ulan-ude", "cn-beijing", "--mode", "boat"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a value not listed is a usage error"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("mode"));
}
