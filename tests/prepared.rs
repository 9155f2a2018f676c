//! The prepared file (issue 18): `corridor prepare` writes a validated network once; the
//! service opened on it answers byte for byte as the service opened on the GeoJSON it came
//! from; a damaged file (empty, truncated, bit-flipped, another version) is refused with a
//! message naming the problem and exit 1, and a reload onto one keeps the old network serving.

mod common;
#[path = "../examples/gen_network.rs"]
#[allow(dead_code)]
mod gen_network;

use std::path::Path;
use std::process::Command;

use common::app;
use common::server::Server;
use corridor::index::Layer;
use corridor::network::Source;
use corridor::network::prepared::{self, PreparedFile};
use corridor::output::layers::LayerSchema;
use corridor::output::tiles::{Thinned, Thinning};
use corridor::snapshot::Snapshot;

const TOKEN: &str = "prepared-test-token-0123456789abcdef";

fn corridor(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .expect("run corridor")
}

/// `corridor prepare --data DIR --out FILE` (the embedded data without `data`).
fn prepare(data: Option<&Path>, out: &Path) {
    let mut args = vec!["prepare".to_string()];
    if let Some(d) = data {
        args.extend(["--data".into(), d.display().to_string()]);
    }
    args.extend(["--out".into(), out.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = corridor(&args);
    let out_text = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "prepare failed: {}{}",
        out_text,
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out_text.contains("prepared "), "{out_text}");
}

/// A small deterministic random sequence (xorshift), for requests drawn per seed.
struct Draw(u64);
impl Draw {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Requests over every kind of answer, drawn from the network's own ids.
fn requests(snap: &Snapshot, seed: u64, n: usize) -> Vec<String> {
    let net = &snap.network;
    let mut d = Draw(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let ids: Vec<&str> = net.nodes().iter().map(|n| n.id.0.as_str()).collect();
    let links: Vec<&str> = net.links().iter().map(|l| l.id.0.as_str()).collect();
    let crossings: Vec<&str> = net.crossings().map(|l| l.id.0.as_str()).collect();
    let scenarios: Vec<&String> = snap.scenarios.keys().collect();
    let mut out = vec![
        "/health".to_string(),
        "/v1/crossings".to_string(),
        "/ogc/collections/links".to_string(),
        "/tiles/3/6/2.mvt".to_string(),
        // The schemas a prepared file stores and a server from GeoJSON computes.
        "/ogc/collections/nodes/schema".to_string(),
        "/ogc/collections/links/schema".to_string(),
        "/ogc/collections/crossings/schema".to_string(),
        "/ogc/collections/crossings/items?limit=3".to_string(),
        "/ogc/collections/nodes/items?limit=5&bbox=100,40,120,50".to_string(),
    ];
    if net.nodes().len() + net.links().len() <= corridor::http::MAX_NETWORK_FEATURES {
        out.push("/v1/network".into());
    }
    for _ in 0..n {
        let (a, b) = (ids[d.next(ids.len())], ids[d.next(ids.len())]);
        let mode = ["rail", "road", "any"][d.next(3)];
        let q = match d.next(8) {
            0 => format!("/v1/route?from={a}&to={b}&mode={mode}&alternatives=2"),
            1 => format!(
                "/v1/route?from={a}&to={b}&mode={mode}&avoid_links={}",
                links[d.next(links.len())]
            ),
            2 => format!(
                "/v1/matrix?sources={a},{b}&destinations={},{}&mode={mode}",
                ids[d.next(ids.len())],
                ids[d.next(ids.len())]
            ),
            3 => format!("/v1/reach?from={a}&mode={mode}&contours=6,12"),
            4 if d.next(2) == 0 => format!(
                "/ogc/collections/links/items?limit=7&offset={}",
                d.next(links.len())
            ),
            4 => format!(
                "/ogc/collections/links/items?limit=7&cursor=c{}",
                d.next(links.len())
            ),
            5 => format!(
                "/ogc/collections/links/items/{}",
                crossings[d.next(crossings.len())]
            ),
            6 if !scenarios.is_empty() => format!(
                "/v1/route?from={a}&to={b}&mode={mode}&scenario={}",
                scenarios[d.next(scenarios.len())]
            ),
            _ => format!(
                "/v1/nearest?lon={}&lat={}",
                80 + d.next(50),
                35 + d.next(20)
            ),
        };
        out.push(q);
    }
    out
}

/// Every request answers with the same status, content type and bytes from both states.
async fn same_answers(data: &app::State, prepared: &app::State, reqs: &[String]) {
    for q in reqs {
        let (a, b) = (app::get(data, q).await, app::get(prepared, q).await);
        assert_eq!(a.status, b.status, "{q}");
        assert_eq!(a.content_type(), b.content_type(), "{q}");
        if q == "/health" {
            // The source's kind and load time differ by design; the network's counts and
            // ETag must not.
            let (mut x, mut y) = (a.json(), b.json());
            for v in [&mut x, &mut y] {
                v.as_object_mut().unwrap().remove("source");
                v.as_object_mut().unwrap().remove("last_reload");
            }
            assert_eq!(x, y, "{q}");
        } else {
            assert!(a.body == b.body, "{q}: bodies differ");
        }
    }
}

#[actix_web::test]
async fn the_embedded_network_answers_the_same_from_its_prepared_file() {
    let tmp = common::TempDir::new("embedded");
    let file = tmp.path().join("embedded.corridor");
    prepare(None, &file);
    let from_data = Snapshot::embedded().unwrap();
    let reqs = requests(&from_data, 1, 80);
    let from_file = Snapshot::load(&Source::open_prepared(&file).unwrap()).unwrap();
    assert_eq!(
        from_data.scenarios.keys().collect::<Vec<_>>(),
        from_file.scenarios.keys().collect::<Vec<_>>()
    );
    assert_eq!(
        from_data.demand.keys().collect::<Vec<_>>(),
        from_file.demand.keys().collect::<Vec<_>>()
    );
    let header = PreparedFile::open(&file).unwrap().header;
    assert_eq!(header.nodes, from_data.network.nodes().len());
    assert_eq!(header.format_version, prepared::FORMAT_VERSION);
    assert_eq!(header.source_digest.len(), 64);
    let (a, b) = (app::of_snapshot(from_data), app::of_snapshot(from_file));
    same_answers(&a, &b, &reqs).await;
}

#[actix_web::test]
async fn generated_networks_answer_the_same_from_their_prepared_files() {
    for seed in [3u64, 5, 8] {
        let tmp = common::TempDir::new(&format!("gen{seed}"));
        let dir = tmp.path().join("data");
        gen_network::generate(&gen_network::Args {
            nodes: 1200 + 400 * seed as usize,
            seed,
            out: dir.clone(),
            vertices: 6.0,
            demands: 20,
        })
        .expect("generator writes its files");
        let file = tmp.path().join("net.corridor");
        prepare(Some(&dir), &file);
        let from_data = Snapshot::load(&Source::Dir(dir)).unwrap_or_else(|e| panic!("{e}"));
        let mut reqs = requests(&from_data, seed, 60);
        // Low-zoom tiles: drawn with the thinning the file stores, from the data with the one
        // the server builds.
        for t in ["0/0/0", "1/1/0", "2/2/1", "3/5/2", "4/11/5", "6/46/23"] {
            reqs.push(format!("/tiles/{t}.mvt"));
        }
        let from_file = Snapshot::load(&Source::open_prepared(&file).unwrap()).unwrap();
        let (a, b) = (app::of_snapshot(from_data), app::of_snapshot(from_file));
        same_answers(&a, &b, &reqs).await;
    }
}

/// A generated network of `nodes` nodes (4 vertices a link, no demands) in a temporary
/// directory, and its prepared file: (the directory's guard, the data, the file).
fn generated_and_prepared(
    tag: &str,
    nodes: usize,
    seed: u64,
) -> (common::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let tmp = common::TempDir::new(tag);
    let dir = tmp.path().join("data");
    gen_network::generate(&gen_network::Args {
        nodes,
        seed,
        out: dir.clone(),
        vertices: 4.0,
        demands: 0,
    })
    .expect("generator writes its files");
    let file = tmp.path().join("net.corridor");
    prepare(Some(&dir), &file);
    (tmp, dir, file)
}

#[test]
fn the_tiles_thinning_is_stored_by_prepare_and_read_back_as_the_server_builds_it() {
    let (_tmp, _dir, file) = generated_and_prepared("thinning", 8000, 4);
    let snap = Snapshot::load(&Source::open_prepared(&file).unwrap()).unwrap();
    let built = Thinning::of(&snap.network);
    assert!(
        built.thins(0, Thinned::Rail) && built.thins(0, Thinned::Road),
        "8,000 generated nodes are dense enough to thin rail and road at z0"
    );
    let stored = snap
        .stored
        .as_ref()
        .and_then(|f| f.section(Thinning::SECTION))
        .expect("prepare stores the thinning");
    assert_eq!(Thinning::from_bytes(stored, &snap.network), Some(built));
    // Bytes written for another network are not taken for this one's.
    let other = Snapshot::embedded().unwrap();
    assert_eq!(Thinning::from_bytes(stored, &other.network), None);
    assert_eq!(
        Thinning::from_bytes(&stored[..stored.len() - 4], &snap.network),
        None
    );
    // The embedded network is never thinned: its section says so in a few words.
    let small = Thinning::of(&other.network);
    assert_eq!(small, Thinning::none());
    assert_eq!(
        Thinning::from_bytes(&small.to_bytes(), &other.network),
        Some(small)
    );
    let header = PreparedFile::open(&file).unwrap().header;
    assert_eq!(
        header.sections[0],
        (Thinning::SECTION.to_string(), stored.len())
    );
    assert_eq!(header.sections[1].0, LayerSchema::SECTION);
}

#[test]
fn the_ogc_schemas_are_stored_by_prepare_and_equal_the_computed_ones() {
    let (_tmp, dir, file) = generated_and_prepared("schemas", 3000, 6);
    let from_data = Snapshot::load(&Source::Dir(dir)).unwrap_or_else(|e| panic!("{e}"));
    let from_file = Snapshot::load(&Source::open_prepared(&file).unwrap()).unwrap();
    let stored = from_file
        .stored
        .as_ref()
        .and_then(|f| f.section(LayerSchema::SECTION))
        .expect("prepare stores the OGC schemas");
    for &layer in Layer::ALL {
        let computed = LayerSchema::of(layer, &from_data.network, &from_data.conversion);
        assert!(computed.properties.len() > 5, "{layer}: {computed:?}");
        assert_eq!(
            LayerSchema::from_bytes(layer, stored),
            Some(computed),
            "{layer}"
        );
    }
    // Bytes that are not the section's are not taken for it (the server computes then).
    assert_eq!(LayerSchema::from_bytes(Layer::Links, b"{}"), None);
    assert_eq!(
        LayerSchema::from_bytes(Layer::Links, &stored[..stored.len() / 2]),
        None
    );
    let unknown = String::from_utf8(stored.to_vec())
        .unwrap()
        .replace("\"string\"", "\"text\"");
    assert_eq!(
        LayerSchema::from_bytes(Layer::Links, unknown.as_bytes()),
        None
    );
}

/// The four damaged files of the issue, each with what its refusal must say.
fn damaged(good: &[u8]) -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let mut flipped = good.to_vec();
    let at = good.len() * 2 / 3;
    flipped[at] ^= 0x04;
    let mut version = good.to_vec();
    version[16..20].copy_from_slice(&99u32.to_le_bytes());
    vec![
        ("empty", Vec::new(), "not a Corridor prepared file"),
        ("truncated", good[..good.len() / 2].to_vec(), "truncated"),
        ("bit-flipped", flipped, "checksum"),
        ("other-version", version, "version 99"),
    ]
}

#[test]
fn damaged_prepared_files_are_refused_naming_the_problem_with_exit_1() {
    let tmp = common::TempDir::new("damaged");
    let good_path = tmp.path().join("good.corridor");
    prepare(None, &good_path);
    let good = std::fs::read(&good_path).unwrap();
    for (name, bytes, says) in damaged(&good) {
        let path = tmp.path().join(format!("{name}.corridor"));
        std::fs::write(&path, bytes).unwrap();
        let o = corridor(&[
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--prepared",
            path.to_str().unwrap(),
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(says), "{name}: expected '{says}' in: {err}");
        assert!(err.contains(&format!("{name}.corridor")), "{name}: {err}");
    }
    // A GeoJSON file given as a prepared file is refused the same way.
    let o = corridor(&[
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--prepared",
        "geodata/links.geojson",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a Corridor prepared file"));
}

#[test]
fn prepare_refuses_invalid_data_listing_every_problem_and_writes_nothing() {
    let tmp = common::TempDir::new("invalid");
    let dir = tmp.path().join("data");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("nodes.geojson"), corridor::network::EMBEDDED_NODES).unwrap();
    let links =
        corridor::network::EMBEDDED_LINKS.replacen("\"speed_kmh\": ", "\"speed_kmh\": -", 2);
    std::fs::write(dir.join("links.geojson"), links).unwrap();
    let out = tmp.path().join("net.corridor");
    let o = corridor(&[
        "prepare",
        "--data",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("field `speed_kmh`").count(), 2, "{err}");
    assert!(!out.exists(), "a file was written for invalid data");
}

fn post_reload(server: &Server) -> (u16, serde_json::Value) {
    let req = ureq::post(&format!("{}/admin/reload", server.base))
        .set("Authorization", &format!("Bearer {TOKEN}"));
    let (code, body) = match req.call() {
        Ok(r) => (r.status(), r.into_string().unwrap()),
        Err(ureq::Error::Status(c, r)) => (c, r.into_string().unwrap()),
        Err(e) => panic!("reload: {e}"),
    };
    (code, serde_json::from_str(&body).unwrap_or_default())
}

fn node_count(server: &Server) -> u64 {
    let (status, _, body) = server.get("/health");
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["nodes"].as_u64().unwrap_or_else(|| panic!("{v}"))
}

#[test]
fn reload_takes_a_new_prepared_file_and_refuses_a_bad_one_keeping_the_old_serving() {
    let tmp = common::TempDir::new("reload");
    let file = tmp.path().join("serve.corridor");
    prepare(None, &file);
    let embedded_nodes = Snapshot::embedded().unwrap().network.nodes().len() as u64;
    let server = Server::spawn_with(
        None,
        &[("CORRIDOR_ADMIN_TOKEN", TOKEN)],
        &["--prepared", file.to_str().unwrap()],
    );
    assert_eq!(node_count(&server), embedded_nodes);
    let (_, _, health) = server.get("/health");
    assert!(health.contains("\"prepared\""), "{health}");
    // A bad file in its place: refused, the old network answers.
    let good = std::fs::read(&file).unwrap();
    for (name, bytes, says) in damaged(&good) {
        std::fs::write(&file, bytes).unwrap();
        let (code, doc) = post_reload(&server);
        assert_eq!(code, 422, "{name}: {doc}");
        assert!(doc.to_string().contains(says), "{name}: {doc}");
        assert_eq!(node_count(&server), embedded_nodes, "{name}");
    }
    // A new good file (another network): served.
    let generated = tmp.path().join("gen");
    gen_network::generate(&gen_network::Args {
        nodes: 900,
        seed: 2,
        out: generated.clone(),
        vertices: 4.0,
        demands: 5,
    })
    .unwrap();
    prepare(Some(&generated), &file);
    let (code, doc) = post_reload(&server);
    assert_eq!(code, 200, "{doc}");
    assert_eq!(node_count(&server), 900);
}
