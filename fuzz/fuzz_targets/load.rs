//! Fuzzes the geodata loader: arbitrary bytes, split into a nodes and a links document, must
//! give a network or a list of problems — never a panic. Seeds: the fixtures and the real data.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (nodes, links) = text.split_once('\u{1e}').unwrap_or((&text, "{\"type\":\"FeatureCollection\",\"features\":[]}"));
    if let Ok(net) = corridor::network::load_from_strs(nodes, links) {
        let _ = net.summary();
        let _ = corridor::Snapshot::build(net);
    }
});
