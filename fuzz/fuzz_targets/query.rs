//! Fuzzes query-string parsing: every typed getter on arbitrary input returns a value or a
//! recorded error — never a panic.
#![no_main]

use corridor::http::Params;
use libfuzzer_sys::fuzz_target;

const ALLOWED: &[&str] = &["from", "to", "via", "mode", "k", "lon", "lat", "bbox", "limit", "flag"];

fuzz_target!(|data: &[u8]| {
    let q = String::from_utf8_lossy(data);
    if let Ok(mut p) = Params::parse(&q, ALLOWED) {
        let _ = p.required("from");
        let _ = p.list("via", 10);
        let _ = p.enumerated("mode", corridor::cost::ModeFilter::parse, corridor::cost::ModeFilter::VALUES);
        let _ = p.integer("k", 1..=100);
        let _ = p.number("lon", -180.0..=180.0);
        let _ = p.lon_lat("lat");
        let _ = p.list("bbox", 4);
        let _ = p.integer("limit", 1..=10_000);
        let _ = p.boolean("flag");
        let _ = p.finish().map_err(|e| e.problem());
    }
    let _ = corridor::http::params::parse_lon_lat(&q);
});
