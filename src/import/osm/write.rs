//! Writing the graph in the geodata format (`nodes.geojson`, `links.geojson`, one feature per
//! line) into a temporary directory beside `--out`, validating it with the network's own
//! reader, and only then renaming it into place: an interrupted or refused import never leaves
//! a partial `--out` directory.

use std::fs::File;
use std::io::{self, BufWriter, Write as _};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::OsmImportError;
use super::carry::{CarryReport, CuratedFolder};
use super::topology::{Graph, degrees};
use crate::network::{LINKS_FILE, Mode, NODES_FILE, Network, Source};

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// Sets each node's `gauge_mm` where every rail link touching it has one gauge (absent at a
/// break of gauge, as the data format requires). One word a node: 0 no rail link yet,
/// `u32::MAX` two gauges, else the one gauge.
fn node_gauges(graph: &Graph) -> Vec<Option<u32>> {
    const MIXED: u32 = u32::MAX;
    let mut seen = vec![0u32; graph.nodes.len()];
    for l in &graph.links {
        if let (Mode::Rail, Some(g)) = (l.mode, l.gauge_mm) {
            for ix in [l.from, l.to] {
                seen[ix] = match seen[ix] {
                    0 => g,
                    s if s == g => g,
                    _ => MIXED,
                };
            }
        }
    }
    seen.into_iter()
        .map(|s| (s != 0 && s != MIXED).then_some(s))
        .collect()
}

/// Writes the two documents, one feature per line, straight to the files (the text of a large
/// network is never held whole in memory).
///
/// # Errors
/// The first I/O error.
pub fn write_documents(graph: &Graph, nodes_path: &Path, links_path: &Path) -> io::Result<()> {
    let gauges = node_gauges(graph);
    write_collection(
        nodes_path,
        "nodes",
        graph.nodes.iter().enumerate().map(|(i, n)| {
            let mut p = Map::new();
            p.insert("id".into(), json!(n.id));
            p.insert("name".into(), json!(n.name));
            p.insert("country".into(), json!(n.country));
            p.insert("kind".into(), json!(n.kind.as_str()));
            p.insert(
                "modes".into(),
                json!(n.modes.iter().map(|m| m.as_str()).collect::<Vec<_>>()),
            );
            p.insert("intermodal".into(), json!(false));
            if let Some(g) = gauges[i] {
                p.insert("gauge_mm".into(), json!(g));
            }
            for (k, v) in n.properties() {
                p.insert(k, v);
            }
            json!({"type": "Feature", "properties": Value::Object(p),
            "geometry": {"type": "Point", "coordinates": [round(n.lon, 7), round(n.lat, 7)]}})
        }),
    )?;
    write_collection(
        links_path,
        "links",
        graph.links.iter().map(|l| {
            let mut p = Map::new();
            p.insert("id".into(), json!(l.id));
            p.insert("from".into(), json!(graph.nodes[l.from].id));
            p.insert("to".into(), json!(graph.nodes[l.to].id));
            p.insert("mode".into(), json!(l.mode.as_str()));
            let kind = match (&l.crossing, l.mode) {
                (Some(_), _) => "crossing",
                (None, Mode::Rail) => "line",
                (None, Mode::Road) => "road",
            };
            p.insert("kind".into(), json!(kind));
            if let Some(g) = l.gauge_mm {
                p.insert("gauge_mm".into(), json!(g));
            }
            p.insert("length_km".into(), json!(round(l.length_km, 3)));
            for (k, v) in graph.link_properties(l) {
                p.entry(k).or_insert(v);
            }
            let coords: Vec<[f64; 2]> = l
                .coords
                .iter()
                .map(|&c| {
                    let (x, y) = degrees(c);
                    [round(x, 7), round(y, 7)]
                })
                .collect();
            json!({"type": "Feature", "properties": Value::Object(p),
            "geometry": {"type": "LineString", "coordinates": coords}})
        }),
    )
}

/// Writes a FeatureCollection named `name` to `path`, one feature per line, each made as it
/// is written.
fn write_collection(
    path: &Path,
    name: &str,
    features: impl ExactSizeIterator<Item = Value>,
) -> io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    writeln!(
        out,
        "{{\"type\": \"FeatureCollection\", \"name\": \"{name}\", \"features\": ["
    )?;
    let n = features.len();
    for (i, f) in features.enumerate() {
        serde_json::to_writer(&mut out, &f)?;
        out.write_all(if i + 1 < n { b",\n" } else { b"\n" })?;
    }
    out.write_all(b"]}\n")?;
    out.flush()
}

/// Removes a temporary directory when dropped (unless kept).
struct TempDir(Option<PathBuf>);

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_dir_all(p);
        }
    }
}

/// Writes, validates and renames into `out`. With `force`, an existing `out` is replaced
/// (after the new network validated); without, an existing non-empty `out` is refused. The
/// curated documents of `carry` that pass their check against the written network go into
/// their folders of `out` before the rename ([`super::carry`]).
///
/// # Errors
/// [`OsmImportError::OutExists`], [`OsmImportError::Io`], or
/// [`OsmImportError::Invalid`] with every problem the validator found.
pub fn write(
    graph: Graph,
    out: &Path,
    force: bool,
    carry: &[CuratedFolder],
) -> Result<(Network, CarryReport), OsmImportError> {
    let io = |path: &Path, source: std::io::Error| OsmImportError::Io {
        path: path.display().to_string(),
        source,
    };
    let occupied = out.exists()
        && (out.is_file()
            || std::fs::read_dir(out)
                .map(|mut d| d.next().is_some())
                .unwrap_or(true));
    if occupied && !force {
        return Err(OsmImportError::OutExists(out.display().to_string()));
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| io(&parent, e))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "network".into());
    let tmp = parent.join(format!(".{name}.importing-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir(&tmp).map_err(|e| io(&tmp, e))?;
    let mut guard = TempDir(Some(tmp.clone()));
    write_documents(&graph, &tmp.join(NODES_FILE), &tmp.join(LINKS_FILE))
        .map_err(|e| io(&tmp, e))?;
    // The graph is in the files now: free it before the reader builds the network from them.
    drop(graph);
    tracing::info!(
        peak_rss_kb = super::peak_rss_kb(),
        "files written; reading them back"
    );
    let net = crate::network::load(&Source::Dir(tmp.clone())).map_err(|e| match e {
        crate::network::LoadError::Invalid(problems) => OsmImportError::Invalid(problems),
        other => OsmImportError::Load(other),
    })?;
    let (docs, report) = super::carry::check(carry, &net);
    for (file, text) in docs {
        let p = tmp.join(&file);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        std::fs::write(&p, text).map_err(|e| io(&p, e))?;
    }
    if occupied {
        std::fs::remove_dir_all(out)
            .or_else(|_| std::fs::remove_file(out))
            .map_err(|e| io(out, e))?;
    } else if out.exists() {
        std::fs::remove_dir(out).map_err(|e| io(out, e))?;
    }
    std::fs::rename(&tmp, out).map_err(|e| io(out, e))?;
    guard.0 = None;
    Ok((net, report))
}
