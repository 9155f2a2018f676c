//! Hostile input through the real HTTP stack (the binary on a loopback port, raw HTTP/1.1):
//! random and malicious query strings and bodies at every endpoint never produce a 5xx, and
//! every 4xx is well-formed problem+json.
//!
//! One test function owns the server guard and runs every case against it, so the server is
//! killed and reaped when the test ends (a `static` server would never be dropped and would
//! outlive the test process).

mod common;

use common::Server;
use proptest::prelude::*;
use proptest::test_runner::TestRunner;

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

/// Percent-encodes what a real HTTP client must encode in a request target (space, quotes,
/// angle brackets, braces, non-ASCII, controls), keeping everything else — including `%`
/// sequences, valid or not — raw, as hostile clients send them.
fn as_client_sends(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_graphic() && !b"\"<>\\^`{|}#".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn hostile_query() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(KEYS), hostile_value()), 0..6).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", as_client_sends(&v)))
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// Sends one raw request; returns (status, content-type, body).
fn raw(server: &Server, request: &str) -> (u16, String, String) {
    let r = common::send_raw(server.addr(), request.as_bytes());
    (r.status, r.content_type(), r.text())
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

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn hostile_queries_never_5xx(server: &Server) {
    TestRunner::new(config())
        .run(&(0..GET_ENDPOINTS.len(), hostile_query()), |(ix, query)| {
            let path = GET_ENDPOINTS[ix];
            let req = format!(
                "GET {path}?{query} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            );
            let (status, ctype, body) = raw(server, &req);
            check(status, &ctype, &body, &format!("GET {path}?{query}"));
            Ok(())
        })
        .unwrap();
}

fn hostile_assign_bodies_never_5xx(server: &Server) {
    let bodies = prop_oneof![
        Just(String::new()),
        Just("{".to_string()),
        Just("[]".to_string()),
        Just("{\"demands\": null}".to_string()),
        Just("{\"demands\": [{\"from\": \"RU\", \"to\": \"CN\", \"tonnes_per_year\": -1}]}".to_string()),
        Just("{\"demands\": [{\"from\": \"RU\", \"to\": \"CN\", \"tonnes_per_year\": 1e400}]}".to_string()),
        Just("{\"demands\": [{\"from\": \"<b>\", \"to\": \"CN\", \"tonnes_per_year\": 5}]}".to_string()),
        Just("{\"demands\": [{\"from\": \"RU\", \"to\": \"RU\", \"tonnes_per_year\": 5, \"mode\": \"boat\"}]}".to_string()),
        "\\PC{0,200}",
    ];
    TestRunner::new(config())
        .run(&bodies, |body| {
            let req = format!(
                "POST /v1/assign HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let (status, ctype, resp) = raw(server, &req);
            check(status, &ctype, &resp, &format!("POST /v1/assign {body}"));
            Ok(())
        })
        .unwrap();
}

/// Every hostile case against one server, owned (and so stopped) by this test.
#[test]
fn hostile_inputs_through_the_real_server() {
    let server = Server::start(None, &[]);
    hostile_queries_never_5xx(&server);
    hostile_assign_bodies_never_5xx(&server);
    malformed_request_lines_get_a_4xx_not_a_5xx(&server);
    oversized_assign_body_is_413_problem_json(&server);
    path_traversal_is_not_served(&server);
}

fn malformed_request_lines_get_a_4xx_not_a_5xx(server: &Server) {
    // Raw bytes no client may send in a request target: refused before actix-http parses
    // the head (src/http/head.rs), as a problem document naming the request line.
    for target in [
        "/v1/route?from=<script>",
        "/v1/route?from=a b",
        "/v1/route?x=\u{1}",
    ] {
        let req = format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        let (status, ctype, body) = raw(server, &req);
        assert!((400..500).contains(&status), "{target}: {status}");
        check(status, &ctype, &body, target);
    }
    // On a kept-alive connection: a good request, a POST whose body holds bytes no head may
    // (passed on as body: its own answer), then a bad head, answered in order; nothing after
    // the bad head is read.
    let body = "{\"sources\": [\"GET / HTTP/1.1\"],\r\n\r\n\"f\": \"json\"}";
    let wire = format!(
        "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n\
         POST /v1/matrix HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}\
         GET /health HTTP/1.1\r\nHost: localhost\r\nX-Bad: a\u{1}b\r\n\r\n\
         GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n",
        body.len()
    );
    let answers = common::send_raw_all(server.addr(), wire.as_bytes());
    let statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 400, 400], "{answers:?}");
    let matrix = String::from_utf8_lossy(&answers[1].body);
    assert!(matrix.contains("destinations"), "{matrix}");
    let refused: serde_json::Value = serde_json::from_slice(&answers[2].body).unwrap();
    assert_eq!(answers[2].content_type(), "application/problem+json");
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("header field value"),
        "{refused}"
    );
    // The stand-in path of a refused head is not a resource a client can ask for.
    let (status, ctype, body) = raw(
        server,
        "GET /.well-known/corridor-refused/host HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 404, "{body}");
    check(status, &ctype, &body, "stand-in path");
    // And the server is still answering.
    let (status, _, _) = raw(
        server,
        "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 200);
}

fn oversized_assign_body_is_413_problem_json(server: &Server) {
    let body = format!("{{\"demands\": [], \"pad\": \"{}\"}}", "x".repeat(2 << 20));
    let req = format!(
        "POST /v1/assign HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let (status, ctype, resp) = raw(server, &req);
    assert_eq!(status, 413, "{resp}");
    check(status, &ctype, &resp, "oversized body");
}

fn path_traversal_is_not_served(server: &Server) {
    for path in [
        "/../Cargo.toml",
        "/static/../../Cargo.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/web/../src/main.rs",
    ] {
        let req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        let (status, _, body) = raw(server, &req);
        assert!(
            !body.contains("[package]") && !body.contains("root:x:0"),
            "{path} leaked a file"
        );
        assert!(status < 500, "{path}: {status}");
    }
}
