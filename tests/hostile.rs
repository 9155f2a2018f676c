//! Hostile input through the real HTTP stack (the binary on a loopback port, raw HTTP/1.1):
//! random and malicious query strings and bodies at every endpoint never produce a 5xx, and
//! every 4xx is well-formed problem+json.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use proptest::prelude::*;

const GET_ENDPOINTS: &[&str] = &[
    "/health",
    "/v1/network",
    "/v1/route",
    "/v1/capacity",
    "/v1/nearest",
    "/v1/features",
    "/v1/crossings",
    "/ogc",
    "/ogc/conformance",
    "/ogc/collections",
    "/ogc/collections/nodes",
    "/ogc/collections/links/items",
    "/ogc/collections/crossings/items/xr-naushki-sukhbaatar",
    "/openapi.json",
    "/",
];

const KEYS: &[&str] = &[
    "from",
    "to",
    "via",
    "mode",
    "optimize",
    "optimise",
    "alternatives",
    "avoid_countries",
    "avoid_crossings",
    "avoid_links",
    "include_planned",
    "cargo",
    "lon",
    "lat",
    "k",
    "kind",
    "bbox",
    "layer",
    "country",
    "countries",
    "limit",
    "offset",
    "close",
    "set_capacity",
    "dwell_scale",
    "transshipment_h",
    "f",
    "tonnes_per_train",
    "",
];

fn hostile_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-1e309".to_string()),
        Just("1e308".to_string()),
        Just("99999999999999999999999999".to_string()),
        Just("-0".to_string()),
        Just("%00".to_string()),
        Just("%ZZ".to_string()),
        Just("%C3%28".to_string()),
        Just("' OR 1=1; DROP TABLE links; --".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("../../etc/passwd".to_string()),
        Just("ru-naushki".to_string()),
        Just("Ulan".to_string()),
        Just("106.1,50.4".to_string()),
        Just("181,91".to_string()),
        Just("1,2,3,4".to_string()),
        Just("-180,-90,180,90".to_string()),
        Just("RU,MN,CN,KZ".to_string()),
        Just("xr-naushki-sukhbaatar:-5".to_string()),
        Just("a,,b".to_string()),
        Just(",".repeat(300)),
        Just("x".repeat(5000)),
        "[a-z0-9,:.%-]{0,40}",
        "\\PC{0,20}".prop_map(|s| s.bytes().map(|b| format!("%{b:02X}")).collect()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|x| x.to_string()),
    ]
}

fn hostile_query() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(KEYS), hostile_value()), 0..6).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// Sends one raw request; returns (status, content-type, body).
fn raw(base: &str, request: &str) -> (u16, String, String) {
    let addr = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let ctype = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type:")
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default();
    (status, ctype, body.to_string())
}

fn check(status: u16, ctype: &str, body: &str, what: &str) {
    assert!(status != 0, "{what}: no HTTP response");
    assert!(status < 500, "{what}: got {status}: {body}");
    if status >= 400 && status != 405 {
        assert_eq!(ctype, "application/problem+json", "{what}: {status} {body}");
        let v: serde_json::Value =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{what}: {e}: {body}"));
        assert_eq!(
            v["status"].as_u64(),
            Some(u64::from(status)),
            "{what}: {body}"
        );
        assert!(
            v["type"].is_string() && v["title"].is_string() && v["detail"].is_string(),
            "{what}: {body}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn hostile_queries_never_5xx(ix in 0..GET_ENDPOINTS.len(), query in hostile_query()) {
        let server = server();
        let path = GET_ENDPOINTS[ix];
        let req = format!("GET {path}?{query} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        let (status, ctype, body) = raw(&server.base, &req);
        check(status, &ctype, &body, &format!("GET {path}?{query}"));
    }

    #[test]
    fn hostile_assign_bodies_never_5xx(body in prop_oneof![
        Just(String::new()),
        Just("{".to_string()),
        Just("[]".to_string()),
        Just("{\"demands\": null}".to_string()),
        Just("{\"demands\": [{\"from\": \"RU\", \"to\": \"CN\", \"tonnes_per_year\": -1}]}".to_string()),
        Just("{\"demands\": [{\"from\": \"RU\", \"to\": \"CN\", \"tonnes_per_year\": 1e400}]}".to_string()),
        Just("{\"demands\": [{\"from\": \"<b>\", \"to\": \"CN\", \"tonnes_per_year\": 5}]}".to_string()),
        Just("{\"demands\": [{\"from\": \"RU\", \"to\": \"RU\", \"tonnes_per_year\": 5, \"mode\": \"boat\"}]}".to_string()),
        "\\PC{0,200}",
    ]) {
        let server = server();
        let req = format!(
            "POST /v1/assign HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let (status, ctype, resp) = raw(&server.base, &req);
        check(status, &ctype, &resp, &format!("POST /v1/assign {body}"));
    }
}

fn server() -> &'static common::Server {
    static SERVER: std::sync::OnceLock<common::Server> = std::sync::OnceLock::new();
    SERVER.get_or_init(|| common::Server::start(None, &[]))
}

#[test]
fn oversized_assign_body_is_413_problem_json() {
    let body = format!("{{\"demands\": [], \"pad\": \"{}\"}}", "x".repeat(2 << 20));
    let req = format!(
        "POST /v1/assign HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let (status, ctype, resp) = raw(&server().base, &req);
    assert_eq!(status, 413, "{resp}");
    check(status, &ctype, &resp, "oversized body");
}

#[test]
fn path_traversal_is_not_served() {
    for path in [
        "/../Cargo.toml",
        "/static/../../Cargo.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/web/../src/main.rs",
    ] {
        let req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        let (status, _, body) = raw(&server().base, &req);
        assert!(
            !body.contains("[package]") && !body.contains("root:x:0"),
            "{path} leaked a file"
        );
        assert!(status < 500, "{path}: {status}");
    }
}
