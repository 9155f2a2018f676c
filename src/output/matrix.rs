//! A distance matrix as JSON or CSV. No HTTP here.
//!
//! JSON (as OSRM's `table`, arrays of rows in row-major order):
//!
//! ```text
//! { "sources":      [{"id", "name", "snap_km"}, …],      as resolved, in the order given
//!   "destinations": [{"id", "name", "snap_km"}, …],
//!   "distance_km":  [[…], …],  "time_h": [[…], …],  "cost_usd_per_t": [[…], …],
//!   "crossings":    [[…], …],  null where no route exists
//!   "query": {…} }                                        the normalised request
//! ```
//!
//! With a departure, JSON adds `arrive` (RFC 3339, to the minute, in the departure's offset)
//! and `wait_h` grids, and `time_h` includes the waits.
//!
//! CSV: one row per cell, `source,destination,distance_km,time_h,cost_usd_per_t,
//! co2e_kg_per_t,crossings` (plus `arrive,wait_h` with a departure), empty fields where no
//! route exists. Figures are rounded to 2 decimals in both, as routes
//! are, so the two carry the same numbers.

use serde_json::{Map, Value, json};

use crate::cost::{Measure, Measures};
use crate::network::Network;
use crate::route::Waypoint;
use crate::route::many::{MatrixCells, Reached};
use crate::route::timed::at_minute;

/// The arrival instant of a timed cell, RFC 3339 to the minute.
fn arrive_of(cells: &MatrixCells, r: &Reached) -> Option<String> {
    let (depart, t) = (cells.depart?, r.timing?);
    t.arrive_h
        .is_finite()
        .then(|| at_minute(depart, t.arrive_h).to_rfc3339())
}

/// Rounds a measure to 2 decimals, as route output does.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn value_of(m: &Measures, o: Measure) -> f64 {
    round2(m.get(o))
}

fn place_json(net: &Network, w: &Waypoint) -> Value {
    let n = &net.nodes()[w.node_ix];
    let mut p = Map::new();
    p.insert("id".into(), n.id.0.clone().into());
    p.insert("name".into(), n.name.clone().into());
    p.insert(
        "snap_km".into(),
        w.snap_km.map_or(Value::Null, |d| round2(d).into()),
    );
    Value::Object(p)
}

/// The matrix as JSON (see the module docs), with `query` echoing the normalised request.
pub fn matrix_json(
    net: &Network,
    sources: &[Waypoint],
    destinations: &[Waypoint],
    cells: &MatrixCells,
    query: Value,
) -> Value {
    let grid = |f: &dyn Fn(&Reached) -> Value| -> Value {
        Value::Array(
            (0..cells.rows)
                .map(|i| {
                    Value::Array(
                        (0..cells.cols)
                            .map(|j| cells.get(i, j).map_or(Value::Null, f))
                            .collect(),
                    )
                })
                .collect(),
        )
    };
    let mut out = Map::new();
    out.insert(
        "sources".into(),
        Value::Array(sources.iter().map(|w| place_json(net, w)).collect()),
    );
    out.insert(
        "destinations".into(),
        Value::Array(destinations.iter().map(|w| place_json(net, w)).collect()),
    );
    for &m in Measure::ALL {
        out.insert(
            m.property().into(),
            grid(&|r: &Reached| json!(value_of(&r.measures, m))),
        );
    }
    out.insert("crossings".into(), grid(&|r: &Reached| json!(r.crossings)));
    if cells.depart.is_some() {
        out.insert(
            "arrive".into(),
            grid(&|r: &Reached| json!(arrive_of(cells, r))),
        );
        out.insert(
            "wait_h".into(),
            grid(&|r: &Reached| json!(r.timing.map(|t| round2(t.wait_h)))),
        );
    }
    out.insert("query".into(), query);
    Value::Object(out)
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The matrix as CSV (see the module docs): a header, then one row per cell, sources in
/// order, each with its destinations in order. Places are given by node id.
pub fn matrix_csv(
    net: &Network,
    sources: &[Waypoint],
    destinations: &[Waypoint],
    cells: &MatrixCells,
) -> String {
    let mut out = String::with_capacity(64 * (cells.rows * cells.cols + 1));
    out.push_str("source,destination");
    for &m in Measure::ALL {
        out.push(',');
        out.push_str(m.property());
    }
    out.push_str(",crossings");
    let timed = cells.depart.is_some();
    if timed {
        out.push_str(",arrive,wait_h");
    }
    out.push_str("\r\n");
    for (i, s) in sources.iter().enumerate() {
        let sid = csv_field(&net.nodes()[s.node_ix].id.0);
        for (j, d) in destinations.iter().enumerate() {
            out.push_str(&sid);
            out.push(',');
            out.push_str(&csv_field(&net.nodes()[d.node_ix].id.0));
            match cells.get(i, j) {
                Some(r) => {
                    for &m in Measure::ALL {
                        out.push(',');
                        out.push_str(&value_of(&r.measures, m).to_string());
                    }
                    out.push(',');
                    out.push_str(&r.crossings.to_string());
                    if timed {
                        out.push(',');
                        out.push_str(&arrive_of(cells, r).unwrap_or_default());
                        out.push(',');
                        if let Some(t) = r.timing {
                            out.push_str(&round2(t.wait_h).to_string());
                        }
                    }
                }
                None => {
                    let empty = Measure::ALL.len() + 1 + if timed { 2 } else { 0 };
                    for _ in 0..empty {
                        out.push(',');
                    }
                }
            }
            out.push_str("\r\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("ru-zabaikalsk"), "ru-zabaikalsk");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
