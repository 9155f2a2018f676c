//! Golden before/after test: a fixed list of requests across every endpoint
//! (`tests/golden/requests.txt`) is sent to the real `corridor serve` binary over a frozen copy
//! of the data (`tests/fixtures/golden_network/`), and each answer's status, content type and
//! normalised body must equal the one recorded in `tests/golden/expected/NAME.json`.
//!
//! Normalisation: JSON is canonicalised (object keys sorted; every number rounded to 6
//! significant digits, so `1.0` and `1` are the same); a member named `etag` is masked (the
//! ETag hashes the exact serialised bytes, so it changes with key order); response headers
//! other than the content type (ETag, Date, …) are not compared. Bodies over 100 kB are kept as
//! a hash of their canonical form plus the feature count and one hash per feature (named by
//! id), so a difference is still located. HTML pages keep their `<title>` and element ids;
//! `/openapi.json` keeps its `paths` list.
//!
//! `GOLDEN_RECORD=1 cargo test --test golden` rewrites the expected files (and removes those
//! no request names). A normal run lists every mismatching request with the first differing
//! JSON path.

// Only the binary harness: this test depends on nothing but `corridor serve`, so it keeps
// compiling while the library's API is refactored around it.
#[path = "common/server.rs"]
mod server;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

/// Canonical bodies larger than this are stored as hashes.
const LARGE_BODY: usize = 100_000;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// One request of the golden set.
#[derive(Debug, Clone)]
struct GoldenRequest {
    name: String,
    line: usize,
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// A special recording: `openapi-paths` or `html-ids`.
    golden: Option<String>,
}

impl GoldenRequest {
    /// How the request is shown in the expected file and in failures (bodies shortened).
    fn describe(&self) -> String {
        let mut s = format!("{} {}", self.method, shorten(&self.target, 200));
        for (k, v) in &self.headers {
            s.push_str(&format!(" [{k}: {v}]"));
        }
        if !self.body.is_empty() {
            s.push_str(&format!(
                " body({} bytes): {}",
                self.body.len(),
                shorten(&String::from_utf8_lossy(&self.body), 200)
            ));
        }
        s
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!(
            "{}…({} chars)",
            s.chars().take(max).collect::<String>(),
            s.chars().count()
        )
    }
}

/// Expands `{c*N}` in a target into N copies of the character `c`.
fn expand_target(t: &str) -> String {
    let mut out = String::new();
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').expect("unclosed { in target");
        let (c, n) = after[..close].split_once('*').expect("{c*N} in target");
        let n: usize = n.parse().expect("count in {c*N}");
        out.push_str(&c.repeat(n));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Parses `requests.txt` (format described at its top).
fn parse_requests(text: &str) -> Vec<GoldenRequest> {
    let mut out: Vec<GoldenRequest> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        if raw.starts_with(char::is_whitespace) {
            let req = out
                .last_mut()
                .unwrap_or_else(|| panic!("requests.txt:{line}: continuation before a request"));
            let (key, value) = raw
                .trim_start()
                .split_once(':')
                .unwrap_or_else(|| panic!("requests.txt:{line}: expected `key: value`"));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match key {
                "body" => req.body = value.as_bytes().to_vec(),
                "body-pad" => {
                    let n: usize = value.trim().parse().expect("body-pad: N");
                    req.body =
                        format!("{{\"demands\": [], \"pad\": \"{}\"}}", "x".repeat(n)).into_bytes();
                }
                "body-demands" => {
                    let n: usize = value.trim().parse().expect("body-demands: N");
                    let one = r#"{"from":"RU","to":"MN","tonnes_per_year":1}"#;
                    req.body = format!("{{\"demands\":[{}]}}", vec![one; n].join(",")).into_bytes();
                }
                "golden" => req.golden = Some(value.trim().to_string()),
                header => req
                    .headers
                    .push((header.trim().to_string(), value.trim().to_string())),
            }
            continue;
        }
        let mut parts = raw.split_whitespace();
        let (Some(name), Some(method), Some(target), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            panic!("requests.txt:{line}: expected `NAME METHOD TARGET`");
        };
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c)),
            "requests.txt:{line}: name {name:?} must be [A-Za-z0-9._-]"
        );
        assert!(
            out.iter().all(|r| r.name != name),
            "requests.txt:{line}: duplicate name {name}"
        );
        out.push(GoldenRequest {
            name: name.to_string(),
            line,
            method: method.to_string(),
            target: expand_target(target),
            headers: Vec::new(),
            body: Vec::new(),
            golden: None,
        });
    }
    out
}

/// A number rounded to 6 significant digits; integral values as integers.
fn round_number(x: f64) -> Value {
    if !x.is_finite() {
        return Value::String(format!("non-finite {x}"));
    }
    let r: f64 = if x == 0.0 {
        0.0
    } else {
        format!("{x:.5e}").parse().expect("rounded float")
    };
    if r.fract() == 0.0 && r.abs() < 9.0e15 {
        Value::from(r as i64)
    } else {
        Value::from(r)
    }
}

/// Canonical JSON: keys sorted, numbers rounded, `etag` members masked.
fn canonical(v: &Value) -> Value {
    match v {
        Value::Number(n) => round_number(n.as_f64().expect("JSON number as f64")),
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        Value::Object(o) => {
            let sorted: BTreeMap<&String, &Value> = o.iter().collect();
            let mut m = Map::new();
            for (k, v) in sorted {
                let v = if k == "etag" && v.is_string() {
                    Value::String("<etag>".into())
                } else if (k == "at" || k == "since") && v.is_string() {
                    // When a reload happened or a source's state began (`/health`).
                    Value::String("<time>".into())
                } else {
                    canonical(v)
                };
                m.insert(k.clone(), v);
            }
            Value::Object(m)
        }
        other => other.clone(),
    }
}

/// FNV-1a, 64 bit, as 16 hex digits.
fn fnv(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A large canonical body as hashes: whole-body hash, feature count, one hash per feature
/// (named by its id), and every other top-level member as is.
fn summarise_large(v: &Value, text: &str) -> Value {
    let mut out = Map::new();
    out.insert("canonical_bytes".into(), json!(text.len()));
    out.insert("canonical_fnv1a64".into(), json!(fnv(text.as_bytes())));
    if let Some(obj) = v.as_object() {
        for (k, m) in obj {
            if k == "features" {
                continue;
            }
            let s = m.to_string();
            out.insert(
                k.clone(),
                if s.len() > 2_000 {
                    json!(format!("fnv1a64:{}", fnv(s.as_bytes())))
                } else {
                    m.clone()
                },
            );
        }
    }
    if let Some(feats) = v.get("features").and_then(Value::as_array) {
        out.insert("feature_count".into(), json!(feats.len()));
        let hashes: Vec<Value> = feats
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let id = f["properties"]["id"]
                    .as_str()
                    .or_else(|| f["id"].as_str())
                    .or_else(|| f["properties"]["name"].as_str())
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("#{i}"));
                json!(format!("{id} {}", fnv(f.to_string().as_bytes())))
            })
            .collect();
        out.insert("features".into(), Value::Array(hashes));
    }
    Value::Object(out)
}

/// `<title>` and the sorted, distinct element ids of an HTML page.
fn html_ids(html: &str) -> Value {
    let title = html
        .split_once("<title>")
        .and_then(|(_, r)| r.split_once("</title>"))
        .map(|(t, _)| t.trim().to_string());
    let mut ids: Vec<String> = Vec::new();
    for quote in ['"', '\''] {
        let pat = format!(" id={quote}");
        let mut rest = html;
        while let Some(p) = rest.find(&pat) {
            let after = &rest[p + pat.len()..];
            let end = after.find(quote).unwrap_or(after.len());
            ids.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    ids.sort();
    ids.dedup();
    json!({"title": title, "ids": ids})
}

/// The `paths` of an OpenAPI document: path → sorted methods.
fn openapi_paths(doc: &Value) -> Value {
    let mut out = Map::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (p, item) in paths {
            let mut methods: Vec<&String> = item
                .as_object()
                .map(|o| o.keys().collect())
                .unwrap_or_default();
            methods.sort();
            out.insert(p.clone(), json!(methods));
        }
    }
    json!({ "paths": Value::Object(out) })
}

/// The normalised body of a response.
fn normalise_body(req: &GoldenRequest, ctype: &str, body: &[u8]) -> Value {
    if body.is_empty() {
        return Value::Null;
    }
    let text = String::from_utf8_lossy(body);
    match req.golden.as_deref() {
        Some("html-ids") => return html_ids(&text),
        Some("openapi-paths") => {
            let doc: Value = serde_json::from_slice(body).expect("OpenAPI document is JSON");
            return openapi_paths(&doc);
        }
        Some(other) => panic!("requests.txt:{}: unknown golden: {other}", req.line),
        None => {}
    }
    if ctype.contains("json")
        && let Ok(v) = serde_json::from_slice::<Value>(body)
    {
        let c = canonical(&v);
        let s = c.to_string();
        return if s.len() > LARGE_BODY {
            json!({ "large": summarise_large(&c, &s) })
        } else {
            c
        };
    }
    if text.len() <= 2_000 {
        json!({ "text": text })
    } else {
        json!({ "text_bytes": body.len(), "text_fnv1a64": fnv(body) })
    }
}

/// Sends `req` and returns its normalised observation.
fn observe(server: &server::Server, req: &GoldenRequest) -> Value {
    let headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let resp = server.request(&req.method, &req.target, &headers, &req.body);
    let ctype = resp.content_type().to_ascii_lowercase();
    json!({
        "request": req.describe(),
        "status": resp.status,
        "content_type": ctype,
        "body": normalise_body(req, &ctype, &resp.body),
    })
}

/// The first place where `a` and `b` differ: (JSON path, expected, got).
fn first_diff(path: &str, a: &Value, b: &Value) -> Option<(String, Value, Value)> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = format!("{path}.{k}");
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => {
                        if let Some(d) = first_diff(&p, u, v) {
                            return Some(d);
                        }
                    }
                    (u, v) => {
                        return Some((
                            p,
                            u.cloned().unwrap_or(json!("<absent>")),
                            v.cloned().unwrap_or(json!("<absent>")),
                        ));
                    }
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                if let Some(d) = first_diff(&format!("{path}[{i}]"), u, v) {
                    return Some(d);
                }
            }
            (x.len() != y.len()).then(|| (format!("{path}.length"), json!(x.len()), json!(y.len())))
        }
        _ => (a != b).then(|| (path.to_string(), a.clone(), b.clone())),
    }
}

fn expected_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.json"))
}

#[test]
fn every_endpoint_answers_as_recorded() {
    let requests = parse_requests(
        &std::fs::read_to_string(root().join("golden/requests.txt")).expect("requests.txt"),
    );
    assert!(
        requests.len() >= 60,
        "only {} golden requests",
        requests.len()
    );
    let expected_dir = root().join("golden/expected");
    let record = std::env::var_os("GOLDEN_RECORD").is_some_and(|v| v != "0" && !v.is_empty());

    let data = root().join("fixtures/golden_network");
    // A generous compute bound: a slow debug build on a busy machine must not turn an answer
    // into a 503.
    let server = server::Server::start_with_args(Some(&data), &["--compute-timeout-ms", "60000"]);

    let mut failures = Vec::new();
    let mut statuses = std::collections::BTreeSet::new();
    for req in &requests {
        let got = observe(&server, req);
        statuses.insert(got["status"].as_u64().unwrap_or(0));
        let path = expected_path(&expected_dir, &req.name);
        if record {
            std::fs::create_dir_all(&expected_dir).unwrap();
            let text = serde_json::to_string_pretty(&got).unwrap() + "\n";
            std::fs::write(&path, text).unwrap();
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            failures.push(format!(
                "{} (requests.txt:{}): no expected file {} — run GOLDEN_RECORD=1",
                req.name,
                req.line,
                path.display()
            ));
            continue;
        };
        let want: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // The description is informative only; the request itself comes from requests.txt.
        let (mut want_cmp, mut got_cmp) = (want.clone(), got.clone());
        want_cmp["request"] = Value::Null;
        got_cmp["request"] = Value::Null;
        if let Some((at, w, g)) = first_diff("$", &want_cmp, &got_cmp) {
            failures.push(format!(
                "{} (requests.txt:{}): {}\n    first difference at {at}\n      expected: {}\n      got:      {}",
                req.name,
                req.line,
                req.describe(),
                shorten(&w.to_string(), 400),
                shorten(&g.to_string(), 400),
            ));
        }
    }
    drop(server);

    // Expected files no request names: removed when recording, an error otherwise.
    let names: std::collections::HashSet<&str> = requests.iter().map(|r| r.name.as_str()).collect();
    for entry in std::fs::read_dir(&expected_dir).expect("expected dir") {
        let p = entry.unwrap().path();
        let stem = p.file_stem().unwrap().to_string_lossy().to_string();
        if p.extension().is_some_and(|e| e == "json") && !names.contains(stem.as_str()) {
            if record {
                std::fs::remove_file(&p).unwrap();
            } else {
                failures.push(format!("{}: no request of that name", p.display()));
            }
        }
    }

    // The set must keep exercising every class of answer.
    for s in [200, 304, 400, 404, 413, 422] {
        assert!(
            statuses.contains(&s),
            "no golden request answered {s}: {statuses:?}"
        );
    }
    if record {
        eprintln!(
            "golden: recorded {} requests into {}",
            requests.len(),
            expected_dir.display()
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden requests differ from the recording:\n\n{}\n",
        failures.len(),
        requests.len(),
        failures.join("\n\n")
    );
}

// ---- the golden machinery itself ----------------------------------------------------------

#[test]
fn numbers_are_rounded_to_six_significant_digits() {
    assert_eq!(round_number(1.0), json!(1));
    assert_eq!(round_number(1234.5678), json!(1234.57));
    assert_eq!(round_number(0.000123456789), json!(0.000123457));
    assert_eq!(round_number(1_095_000_000.0), json!(1_095_000_000));
    assert_eq!(round_number(-2.5), json!(-2.5));
    let a = canonical(&json!({"b": 1.0000001, "a": [2, {"etag": "\"x\"", "d": 1.23456789}]}));
    assert_eq!(
        a.to_string(),
        r#"{"a":[2,{"d":1.23457,"etag":"<etag>"}],"b":1}"#
    );
}

#[test]
fn the_first_difference_is_located() {
    let a = json!({"body": {"features": [{"p": 1}, {"p": 2}]}, "status": 200});
    let b = json!({"body": {"features": [{"p": 1}, {"p": 3}]}, "status": 200});
    let (at, w, g) = first_diff("$", &a, &b).unwrap();
    assert_eq!(at, "$.body.features[1].p");
    assert_eq!((w, g), (json!(2), json!(3)));
    assert!(first_diff("$", &a, &a).is_none());
    let c = json!({"body": {"features": [{"p": 1}]}, "status": 200});
    assert_eq!(first_diff("$", &a, &c).unwrap().0, "$.body.features.length");
    let d = json!({"status": 200});
    assert_eq!(first_diff("$", &a, &d).unwrap().0, "$.body");
}

#[test]
fn the_request_file_format_parses() {
    let reqs = parse_requests(
        "# c\nok GET /a?x={y*3}\n\npost POST /b\n    content-type: text/plain\n    body: {\"a\": 1}\n    golden: html-ids\nbig POST /c\n    body-demands: 2\n",
    );
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].target, "/a?x=yyy");
    assert_eq!(
        reqs[1].headers,
        vec![("content-type".into(), "text/plain".into())]
    );
    assert_eq!(reqs[1].body, b"{\"a\": 1}");
    assert_eq!(reqs[1].golden.as_deref(), Some("html-ids"));
    assert_eq!(reqs[1].line, 4);
    let body: Value = serde_json::from_slice(&reqs[2].body).unwrap();
    assert_eq!(body["demands"].as_array().unwrap().len(), 2);
}

#[test]
fn html_pages_keep_title_and_ids() {
    let v = html_ids("<html><title> Map </title><div id=\"b\"></div><p id='a'></p><i id=\"b\">");
    assert_eq!(v, json!({"title": "Map", "ids": ["a", "b"]}));
}

#[test]
fn large_bodies_keep_one_hash_per_feature() {
    let fc = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "n1"}},
        {"type": "Feature", "properties": {"name": "x"}}
    ]});
    let s = summarise_large(&fc, &fc.to_string());
    assert_eq!(s["feature_count"], 2);
    assert_eq!(s["type"], "FeatureCollection");
    let names: Vec<&str> = s["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().split(' ').next().unwrap())
        .collect();
    assert_eq!(names, ["n1", "x"]);
}
