//! Route search speed on the embedded corridor network: 100 random origin–destination pairs
//! (fixed seed), for each `optimize`, best route only and with 3 alternatives. Each iteration
//! answers the next pair in turn, so a sample's time is the mean over pairs; the medians
//! reported are over samples. Measured: the whole in-process `route::plan` (resolution, link
//! mask, search, summaries), not JSON serialisation (a separate bench).
//!
//! Run: `cargo bench --bench route -- --warm-up-time 1 --measurement-time 3`.
//!
//! With `CORRIDOR_BENCH_DATA=DIR` (a directory written by `examples/gen_network.rs`) or
//! `CORRIDOR_BENCH_NODES=N` (a simpler grid of about N nodes made here, [`grid`]) the `large`
//! group also runs on that network: 50 fixed-seed pairs, each measure, plain Dijkstra
//! against ALT on the same graph, an avoided link on the best path, an avoided country, a
//! departure, and best + 3 alternatives. Run it with `--sample-size 10`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use corridor::Snapshot;
use corridor::cost::Optimize;
use corridor::network::{Network, load_from_strs};
use corridor::route::request::parse_depart;
use corridor::route::{PlaceQuery, RouteData, RouteRequest, SearchGraph, plan};
use serde_json::{Value, json};

/// xorshift64*: a fixed-seed generator, so every run benches the same pairs.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn pairs(snap: &Snapshot, n: usize) -> Vec<(String, String)> {
    let nodes = snap.network.nodes();
    let mut rng = Rng(0x00c0_ffee_1234_5678);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let a = (rng.next() % nodes.len() as u64) as usize;
        let b = (rng.next() % nodes.len() as u64) as usize;
        if a != b {
            out.push((nodes[a].id.0.clone(), nodes[b].id.0.clone()));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let snap = Snapshot::embedded().expect("embedded network");
    let pairs = pairs(&snap, 100);
    let mut group = c.benchmark_group("route");
    for &optimize in Optimize::ALL {
        for alternatives in [0usize, 3] {
            let requests: Vec<RouteRequest> = pairs
                .iter()
                .map(|(a, b)| {
                    let mut r =
                        RouteRequest::new(PlaceQuery::Text(a.clone()), PlaceQuery::Text(b.clone()));
                    r.optimize = optimize;
                    r.alternatives = alternatives;
                    r
                })
                .collect();
            let mut i = 0;
            group.bench_function(format!("{}/alt{alternatives}", optimize.as_str()), |b| {
                b.iter(|| {
                    let r = &requests[i % requests.len()];
                    i += 1;
                    black_box(plan(&snap, black_box(r)).ok())
                })
            });
        }
    }
    // Per-request profile overrides recompute one weight array.
    let mut requests: Vec<RouteRequest> = pairs
        .iter()
        .map(|(a, b)| RouteRequest::new(PlaceQuery::Text(a.clone()), PlaceQuery::Text(b.clone())))
        .collect();
    for r in &mut requests {
        r.profile.transshipment_h = 12.0;
    }
    let mut i = 0;
    group.bench_function("time/alt0/profile-override", |b| {
        b.iter(|| {
            let r = &requests[i % requests.len()];
            i += 1;
            black_box(plan(&snap, black_box(r)).ok())
        })
    });
    // Serialisation of a 3-alternative answer.
    let mut r = RouteRequest::new(
        PlaceQuery::Text("ru-ulan-ude".into()),
        PlaceQuery::Text("cn-beijing".into()),
    );
    r.alternatives = 3;
    if let Ok(p) = plan(&snap, &r) {
        group.bench_function("geojson/alt3", |b| {
            b.iter(|| {
                let fc = corridor::output::route::route_collection(&snap.network, black_box(&p));
                black_box(serde_json::to_vec(&fc).ok())
            })
        });
    }
    group.finish();
}

/// A generated grid network of about `n` nodes (`side × side`, 0.05° apart, from 80° E
/// 40° N), in four countries by quadrant (AA, BB rail 1520 mm; CC, DD 1435 mm). Each grid
/// edge is a rail link (60 %) or a road link, and one in five also gets the other mode; 15 %
/// of nodes are intermodal; lengths are the grid spacing × 1–1.4 (fixed-seed noise); a link
/// between two countries is a crossing with a 2–12 h dwell, open 24/7.
fn grid(n: usize) -> Network {
    let side = (n as f64).sqrt().ceil() as usize;
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut unit = move || (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
    let country = |i: usize| {
        let (x, y) = (i % side, i / side);
        match (x < side / 2, y < side / 2) {
            (true, true) => "AA",
            (false, true) => "BB",
            (true, false) => "CC",
            (false, false) => "DD",
        }
    };
    let pos = |i: usize| {
        (
            80.0 + (i % side) as f64 * 0.05,
            40.0 + (i / side) as f64 * 0.05,
        )
    };
    let mut links: Vec<Value> = Vec::new();
    let mut modes = vec![[false; 2]; side * side];
    for i in 0..side * side {
        let (x, y) = (i % side, i / side);
        let mut next = Vec::new();
        if x + 1 < side {
            next.push(i + 1);
        }
        if y + 1 < side {
            next.push(i + side);
        }
        for j in next {
            let rail_first = unit() < 0.6;
            let both = unit() < 0.2;
            for rail in [rail_first, !rail_first]
                .into_iter()
                .take(1 + usize::from(both))
            {
                modes[i][usize::from(rail)] = true;
                modes[j][usize::from(rail)] = true;
                let (ca, cb) = (country(i), country(j));
                let id = links.len();
                let mut p = json!({"id": format!("l{id}"), "from": format!("n{i}"),
                    "to": format!("n{j}"), "mode": if rail { "rail" } else { "road" },
                    "kind": if ca != cb { "crossing" } else if rail { "line" } else { "road" },
                    "length_km": ((5.0 * (1.0 + 0.4 * unit())) * 10.0_f64).round() / 10.0,
                    "speed_kmh": if rail { 60.0 + (30.0 * unit()).round() } else { 40.0 + (40.0 * unit()).round() },
                    "status": "open", "source": "generated (bench)"});
                if rail {
                    p["gauge_mm"] = (if ca == "AA" || ca == "BB" { 1520 } else { 1435 }).into();
                }
                if ca != cb {
                    p["countries"] = json!([ca, cb]);
                    p["name"] = format!("X{id}").into();
                    p["dwell_h"] = (2.0 + (10.0 * unit()).round()).into();
                    p["hours"] = "24/7".into();
                    p["veterinary"] = true.into();
                }
                let (a, b) = (pos(i), pos(j));
                links.push(json!({"type": "Feature", "properties": p,
                    "geometry": {"type": "LineString", "coordinates": [[a.0, a.1], [b.0, b.1]]}}));
            }
        }
    }
    let nodes: Vec<Value> = (0..side * side)
        .map(|i| {
            let m: Vec<&str> = [("road", modes[i][0]), ("rail", modes[i][1])]
                .into_iter()
                .filter(|(_, on)| *on)
                .map(|(m, _)| m)
                .collect();
            let (x, y) = pos(i);
            json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]},
                "properties": {"id": format!("n{i}"), "name": format!("Node {i}"),
                    "country": country(i), "kind": "border_point", "modes": m,
                    "intermodal": unit() < 0.15, "source": "generated (bench)"}})
        })
        .collect();
    let fc = |f: Vec<Value>| json!({"type": "FeatureCollection", "features": f}).to_string();
    load_from_strs(&fc(nodes), &fc(links)).expect("generated grid validates")
}

/// Route benchmarks on a generated network of `CORRIDOR_BENCH_NODES` nodes (skipped unset).
fn bench_large(c: &mut Criterion) {
    let t = std::time::Instant::now();
    let net = if let Ok(dir) = std::env::var("CORRIDOR_BENCH_DATA") {
        Network::load_dir(std::path::Path::new(&dir)).expect("CORRIDOR_BENCH_DATA loads")
    } else if let Some(n) = std::env::var("CORRIDOR_BENCH_NODES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        grid(n)
    } else {
        return;
    };
    let snap = Snapshot::build(net);
    eprintln!(
        "large: {} nodes, {} links, {} states, {} edges; built in {:.1} s",
        snap.network.nodes().len(),
        snap.network.links().len(),
        snap.search.state_count(),
        snap.search.edge_count(),
        t.elapsed().as_secs_f64()
    );
    let mut alt = (*snap.search).clone();
    alt.set_alt_min_states(0);
    alt.set_cch_min_states(usize::MAX);
    let t = std::time::Instant::now();
    alt.prepare_landmarks();
    eprintln!(
        "large: landmarks of 4 measures in {:.1} s, {} bytes each",
        t.elapsed().as_secs_f64(),
        alt.landmarks(Optimize::Time).map_or(0, |l| l.bytes())
    );
    // CCH for best routes, ALT where it declines (the served configuration at this size).
    let mut cch = alt.clone();
    cch.set_cch_min_states(0);
    let t = std::time::Instant::now();
    let (h, _) = cch.cch(Optimize::Time).expect("threshold 0");
    eprintln!(
        "large: CCH order + contraction + time customization in {:.1} s: {} arcs, \
         elimination tree height {}, {} bytes (order, supergraph, edge maps)",
        t.elapsed().as_secs_f64(),
        h.arc_count(),
        h.tree_height(),
        h.bytes()
    );
    for &m in Optimize::ALL {
        let t = std::time::Instant::now();
        let (_, metric) = cch.cch(m).expect("threshold 0");
        eprintln!(
            "large: CCH customization {} in {:.2} s (0 if done above), {} bytes",
            m.as_str(),
            t.elapsed().as_secs_f64(),
            metric.bytes()
        );
    }
    let mut plain = (*snap.search).clone();
    plain.set_alt_min_states(usize::MAX);
    plain.set_cch_min_states(usize::MAX);
    let data = |g: &'static SearchGraph, s: &'static Snapshot| RouteData {
        network: &s.network,
        index: &s.index,
        search: g,
        schedules: &s.schedules,
        masks: &s.masks,
    };
    // Leaked: the bench closures borrow them for the rest of the process.
    let snap: &'static Snapshot = Box::leak(Box::new(snap));
    let alt: &'static SearchGraph = Box::leak(Box::new(alt));
    let cch: &'static SearchGraph = Box::leak(Box::new(cch));
    let plain: &'static SearchGraph = Box::leak(Box::new(plain));
    let pairs = pairs(snap, 50);
    let base = |a: &str, b: &str, optimize: Optimize| {
        let mut r = RouteRequest::new(PlaceQuery::Text(a.into()), PlaceQuery::Text(b.into()));
        r.optimize = optimize;
        r
    };
    let mut group = c.benchmark_group("large");
    group.sample_size(10);
    let mut run = |name: String, g: &'static SearchGraph, requests: Vec<RouteRequest>| {
        let mut i = 0;
        group.bench_function(name, |b| {
            b.iter(|| {
                let r = &requests[i % requests.len()];
                i += 1;
                black_box(plan(data(g, snap), black_box(r)).ok())
            })
        });
    };
    for &optimize in Optimize::ALL {
        let requests: Vec<RouteRequest> = pairs.iter().map(|(a, b)| base(a, b, optimize)).collect();
        run(
            format!("{}/dijkstra", optimize.as_str()),
            plain,
            requests.clone(),
        );
        run(format!("{}/alt", optimize.as_str()), alt, requests.clone());
        run(format!("{}/cch", optimize.as_str()), cch, requests);
    }
    // One link of the unconstrained best (time) route avoided.
    let avoid: Vec<RouteRequest> = pairs
        .iter()
        .filter_map(|(a, b)| {
            let mut r = base(a, b, Optimize::Time);
            let p = plan(data(alt, snap), &r).ok()?;
            let steps = &p.routes[0].steps;
            let mid = &snap.network.links()[steps[steps.len() / 2].link_ix];
            r.avoid_links = vec![mid.id.0.clone()];
            Some(r)
        })
        .collect();
    run("time/avoid-link/dijkstra".into(), plain, avoid.clone());
    run("time/avoid-link/alt".into(), alt, avoid.clone());
    run("time/avoid-link/cch".into(), cch, avoid.clone());
    // A country holding neither end avoided.
    let net = &snap.network;
    let countries: Vec<RouteRequest> = pairs
        .iter()
        .map(|(a, b)| {
            let mut r = base(a, b, Optimize::Time);
            let ends = [a, b].map(|x| net.nodes()[net.node_ix(x).unwrap()].country.clone());
            let c = net
                .countries()
                .iter()
                .find(|c| !ends.iter().any(|e| e == *c))
                .cloned()
                .unwrap_or_default();
            r.avoid_countries = vec![c];
            r
        })
        .collect();
    run(
        "time/avoid-country/dijkstra".into(),
        plain,
        countries.clone(),
    );
    run("time/avoid-country/alt".into(), alt, countries.clone());
    run("time/avoid-country/cch".into(), cch, countries);
    let depart = parse_depart("2026-03-02T06:00+08:00").unwrap();
    let timed: Vec<RouteRequest> = avoid
        .iter()
        .cloned()
        .map(|mut r| {
            r.depart = Some(depart);
            r
        })
        .collect();
    run(
        "time/avoid-link+depart/dijkstra".into(),
        plain,
        timed.clone(),
    );
    run("time/avoid-link+depart/alt".into(), alt, timed.clone());
    run("time/avoid-link+depart/cch".into(), cch, timed);
    let alts: Vec<RouteRequest> = pairs
        .iter()
        .map(|(a, b)| {
            let mut r = base(a, b, Optimize::Time);
            r.alternatives = 3;
            r
        })
        .collect();
    run("time/alt3/dijkstra".into(), plain, alts.clone());
    run("time/alt3/alt".into(), alt, alts.clone());
    run("time/alt3/cch".into(), cch, alts);
    group.finish();
}

criterion_group!(benches, bench, bench_large);
criterion_main!(benches);
