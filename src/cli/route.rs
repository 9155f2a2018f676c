//! `corridor route FROM TO [options]`: the routing endpoint on the command line. The options
//! are the API's parameters; they go through the same parser as HTTP
//! ([`crate::http::route::parse_request`]) so both refuse and accept the same things, then
//! through the same [`crate::route::plan`].

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::http::ApiError;
use crate::network::Network;
use crate::route::{PlaceQuery, RoutePlan};
use crate::snapshot::Snapshot;

/// Options of `corridor route`: each is the API parameter of the same name (see the README).
#[derive(Debug, Args)]
pub struct RouteArgs {
    /// Origin: node id, place name, or lon,lat.
    pub from: String,
    /// Destination: node id, place name, or lon,lat.
    pub to: String,
    /// Places visited in order (comma list).
    #[arg(long)]
    pub via: Option<String>,
    /// rail, road or any.
    #[arg(long)]
    pub mode: Option<String>,
    /// distance, time or cost.
    #[arg(long)]
    pub optimize: Option<String>,
    /// Extra routes, 0–5.
    #[arg(long)]
    pub alternatives: Option<String>,
    /// ISO2 codes of countries not to enter (comma list).
    #[arg(long)]
    pub avoid_countries: Option<String>,
    /// Crossing link ids not to use (comma list).
    #[arg(long)]
    pub avoid_crossings: Option<String>,
    /// Link ids not to use (comma list).
    #[arg(long)]
    pub avoid_links: Option<String>,
    /// Also use planned and under-construction links.
    #[arg(long)]
    pub include_planned: bool,
    /// general, container, bulk or livestock.
    #[arg(long)]
    pub cargo: Option<String>,
    /// Multiplier on border dwell times (default 1).
    #[arg(long)]
    pub dwell_scale: Option<String>,
    /// Hours per transshipment (default 24).
    #[arg(long)]
    pub transshipment_h: Option<String>,
    /// USD per tonne per transshipment (default 15).
    #[arg(long)]
    pub transshipment_usd_per_t: Option<String>,
    /// Rail haulage, USD per tonne-km (default 0.04).
    #[arg(long)]
    pub rail_usd_per_tkm: Option<String>,
    /// Road haulage, USD per tonne-km (default 0.10).
    #[arg(long)]
    pub road_usd_per_tkm: Option<String>,
    /// Fee per border crossing, USD per tonne (default 8).
    #[arg(long)]
    pub border_usd_per_t: Option<String>,
    /// Print the GeoJSON FeatureCollection instead of the table.
    #[arg(long)]
    pub geojson: bool,
    /// Data directory (default: the embedded data).
    #[arg(long)]
    pub data: Option<PathBuf>,
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b',') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

impl RouteArgs {
    /// The options as an API query string.
    pub fn query_string(&self) -> String {
        let include = self.include_planned.then(|| "true".to_string());
        let pairs: [(&str, Option<&String>); 17] = [
            ("from", Some(&self.from)),
            ("to", Some(&self.to)),
            ("via", self.via.as_ref()),
            ("mode", self.mode.as_ref()),
            ("optimize", self.optimize.as_ref()),
            ("alternatives", self.alternatives.as_ref()),
            ("avoid_countries", self.avoid_countries.as_ref()),
            ("avoid_crossings", self.avoid_crossings.as_ref()),
            ("avoid_links", self.avoid_links.as_ref()),
            ("include_planned", include.as_ref()),
            ("cargo", self.cargo.as_ref()),
            ("dwell_scale", self.dwell_scale.as_ref()),
            ("transshipment_h", self.transshipment_h.as_ref()),
            (
                "transshipment_usd_per_t",
                self.transshipment_usd_per_t.as_ref(),
            ),
            ("rail_usd_per_tkm", self.rail_usd_per_tkm.as_ref()),
            ("road_usd_per_tkm", self.road_usd_per_tkm.as_ref()),
            ("border_usd_per_t", self.border_usd_per_t.as_ref()),
        ];
        pairs
            .iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={}", encode(v))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// A request error as lines for a terminal.
fn describe(e: &ApiError) -> String {
    let doc = e.problem();
    let mut s = format!("error: {e}");
    if let Some(sug) = doc["suggestions"].as_array().filter(|a| !a.is_empty()) {
        let names: Vec<&str> = sug.iter().filter_map(|v| v.as_str()).collect();
        let _ = write!(s, "\n  did you mean: {}", names.join(", "));
    }
    s
}

/// Runs `corridor route`. Returns the exit code: 0 with routes, 1 when the request has no
/// answer (bad parameter, unknown place, no route).
pub fn run(args: RouteArgs) -> anyhow::Result<i32> {
    let net = super::load(args.data.as_ref()).context("cannot load the network")?;
    let snap = Snapshot::build(net);
    let outcome = crate::http::route::parse_request(&args.query_string())
        .and_then(|req| crate::route::plan(&snap, &req).map_err(ApiError::from));
    let plan = match outcome {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("{}", describe(&e));
            return Ok(1);
        }
    };
    if args.geojson {
        let fc = crate::output::route::route_collection(&snap.network, &plan);
        println!("{}", serde_json::to_string_pretty(&fc)?);
    } else {
        print!("{}", table(&snap.network, &plan));
    }
    Ok(0)
}

/// The comparison table: one line per route.
pub fn table(net: &Network, plan: &RoutePlan) -> String {
    let name = |id: &crate::network::NodeId| {
        net.node(&id.0)
            .map(|n| format!("{} ({})", n.name, n.id))
            .unwrap_or_else(|| id.0.clone())
    };
    let q = &plan.query;
    let mut s = String::new();
    let mut stops = vec![name(&q.from)];
    stops.extend(q.via.iter().map(name));
    stops.push(name(&q.to));
    let _ = writeln!(
        s,
        "{}\nmode {}, optimize {}",
        stops.join(" → "),
        q.mode.as_str(),
        q.optimize.as_str()
    );
    for w in &plan.waypoints {
        if let (PlaceQuery::Coord { lon, lat }, Some(km)) = (&w.input, w.snap_km) {
            let _ = writeln!(
                s,
                "{} {lon},{lat} snapped to {} ({km:.1} km)",
                w.field,
                net.nodes()[w.node_ix].id
            );
        }
    }
    let _ = writeln!(
        s,
        "\n{:>4} {:>9} {:>8} {:>10}  {:<48} transshipments",
        "rank", "km", "hours", "USD/t", "crossings"
    );
    for r in &plan.routes {
        let crossings = r.crossings(net).join(", ");
        let trans = r
            .transshipments(net)
            .iter()
            .map(|t| format!("{} ({})", t.node, t.transfer.reason()))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            s,
            "{:>4} {:>9.1} {:>8.1} {:>10.2}  {:<48} {}",
            r.rank,
            r.measures.distance_km,
            r.measures.time_h,
            r.measures.cost_usd_per_t,
            if crossings.is_empty() {
                "-"
            } else {
                &crossings
            },
            if trans.is_empty() { "-" } else { &trans },
        );
    }
    s
}
