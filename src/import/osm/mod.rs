//! `corridor import osm`: a network from OpenStreetMap PBF extracts, in the geodata format
//! that [`crate::network::load`] validates and `corridor serve --data` serves.
//!
//! Pipeline, one typed value per stage: [`read::read_ways`] (pass 1: the selected ways,
//! [`select`]) → [`read::read_nodes`] (pass 2: only their nodes, and the named stations) →
//! [`stations::attach_beside`] (stations beside the track placed on it) → [`topology::build`] (graph
//! nodes at junctions, ends, attribute changes, stations; chains as links; countries and
//! border crossings from [`borders`]) → [`overlay::apply`] (curated crossings, places,
//! terminals and ports) → [`write::write`] (temporary directory, validated, renamed).
//!
//! Every feature carries `source`: `OpenStreetMap contributors, ODbL` with its way or node
//! ids, or the curated source it came from.

pub mod borders;
pub mod carry;
pub mod overlay;
pub mod read;
pub mod select;
pub mod stations;
pub mod topology;
pub mod write;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::network::{LoadError, Mode, Network, Problem, Source};
pub use borders::Borders;
pub use read::BBox;
pub use select::Selection;

/// Why an import stopped. Nothing is written to `--out` in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum OsmImportError {
    /// A file could not be read or written.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// An input is not a readable OSM PBF file (truncated, corrupted, another format).
    #[error("{path} is not a readable OSM PBF file: {detail}")]
    Pbf {
        /// The file.
        path: String,
        /// What the reader said.
        detail: String,
    },
    /// No way in the input(s) matched the selection.
    #[error("no way in the input matches the selection (modes {0}); nothing to write")]
    Empty(String),
    /// Graph nodes lie outside every boundary and no default country was given.
    #[error(
        "{count} stretch(es) of the network lie outside the boundaries of geodata/boundaries/ \
         (e.g. at {examples}); pass --default-country CC to assign them a country"
    )]
    Outside {
        /// How many chains.
        count: usize,
        /// A few `lon,lat` positions.
        examples: String,
    },
    /// The boundaries file could not be read.
    #[error("boundaries: {0}")]
    Boundaries(#[from] borders::BoundariesError),
    /// The overlay network could not be loaded.
    #[error("overlay network: {0}")]
    Overlay(LoadError),
    /// The written network could not be read back.
    #[error("reading back the imported network: {0}")]
    Load(LoadError),
    /// The imported network does not validate (a defect of the importer; every problem listed).
    #[error("the imported network does not validate ({} problem(s)):\n{}", .0.len(), .0.iter().take(50).map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
    /// `--out` exists and is not empty.
    #[error("--out {0} exists and is not empty; choose another directory or pass --force")]
    OutExists(String),
}

/// Checked settings of one import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Input PBF files (one or more extracts; a way or node in two files counts once).
    pub inputs: Vec<PathBuf>,
    /// Output data directory.
    pub out: PathBuf,
    /// Replace an existing `out`.
    pub force: bool,
    /// Keep only nodes inside this box (ways are clipped to it).
    pub bbox: Option<BBox>,
    /// What to select.
    pub selection: Selection,
    /// The curated network to overlay (`None`: no overlay).
    pub overlay: Option<Source>,
    /// Curated documents (scenarios, demand sets) to carry into `out`, each kept only when it
    /// passes its check on the imported network ([`carry`]). The CLI takes them from the
    /// overlay's source; empty without an overlay.
    pub carry: Vec<carry::CuratedFolder>,
    /// Country of points outside every boundary.
    pub default_country: Option<String>,
    /// Boundaries GeoJSON text (default: the embedded `geodata/boundaries/countries.geojson`).
    pub boundaries: Option<String>,
    /// Show progress bars (the CLI sets this when stderr is a terminal).
    pub progress: bool,
}

/// What an import produced, for the summary.
#[derive(Debug, Clone)]
pub struct ImportSummary {
    /// OSM nodes read (pass 2, all files).
    pub osm_nodes_read: u64,
    /// Ways selected.
    pub ways_selected: usize,
    /// Graph nodes written.
    pub nodes: usize,
    /// Links written (crossings included).
    pub links: usize,
    /// km by (mode, country, gauge or road class), crossings excluded.
    pub km: BTreeMap<(String, String, String), f64>,
    /// Cities and towns whose name went to a graph node.
    pub places_named: usize,
    /// Named stations on the track, placed from beside it, and too far from it.
    pub stations: stations::StationReport,
    /// What the overlay did.
    pub overlay: Option<overlay::OverlayReport>,
    /// Curated scenarios and demand sets carried into `--out`, and those refused.
    pub carried: carry::CarryReport,
    /// OSM crossings (before the overlay).
    pub crossings_found: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Time of pass 1 (ways) and pass 2 (nodes), together (not loading the boundaries and
    /// the overlay before them).
    pub read_time: Duration,
    /// Peak resident memory of the process, kB (Linux `VmHWM`), when known.
    pub peak_rss_kb: Option<u64>,
}

impl ImportSummary {
    /// OSM nodes read per second over the two reading passes.
    pub fn nodes_per_s(&self) -> f64 {
        self.osm_nodes_read as f64 / self.read_time.as_secs_f64().max(1e-9)
    }
}

/// Peak resident set size of this process in kB, from `/proc/self/status` (Linux).
pub fn peak_rss_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn bar(show: bool, what: &str) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new_spinner();
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg}: {pos} blocks ({per_sec}, {elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.set_message(what.to_string());
    pb.enable_steady_tick(Duration::from_millis(200));
    pb
}

/// Runs one import: reads, builds, overlays, writes and validates.
///
/// # Errors
/// [`OsmImportError`]; on any error nothing is left at `opts.out`.
pub fn import(opts: &ImportOptions) -> Result<(ImportSummary, Network), OsmImportError> {
    let t0 = Instant::now();
    let borders = match &opts.boundaries {
        Some(text) => Borders::from_geojson(text)?,
        None => Borders::from_geojson(borders::EMBEDDED_BOUNDARIES)?,
    };
    let curated = match &opts.overlay {
        Some(src) => Some(crate::network::load(src).map_err(OsmImportError::Overlay)?),
        None => None,
    };
    let paths: Vec<&std::path::Path> = opts.inputs.iter().map(PathBuf::as_path).collect();
    // The reading rate counts the two passes only, not loading the boundaries and overlay.
    let t_read = Instant::now();
    let pb = bar(opts.progress, "pass 1: ways and relations");
    let read::WayPass {
        mut ways,
        nodeless_blobs,
    } = read::read_ways(&paths, &opts.selection, &pb)?;
    pb.finish_and_clear();
    tracing::info!(
        ways = ways.len(),
        peak_rss_kb = peak_rss_kb(),
        "pass 1 done"
    );
    if ways.is_empty() {
        let mut modes = Vec::new();
        if opts.selection.rail {
            modes.push("rail");
        }
        if opts.selection.road {
            modes.push("road");
        }
        return Err(OsmImportError::Empty(modes.join(",")));
    }
    let mut needed: Vec<i64> = ways.iter().flat_map(|w| w.refs.iter().copied()).collect();
    needed.sort_unstable();
    needed.dedup();
    let pb = bar(opts.progress, "pass 2: nodes of the selected ways");
    let mut pass = read::read_nodes(&paths, &needed, &nodeless_blobs, opts.bbox, &pb)?;
    pb.finish_and_clear();
    drop(needed);
    let read_time = t_read.elapsed();
    tracing::info!(
        nodes = pass.nodes_read,
        kept = pass.coords.len(),
        peak_rss_kb = peak_rss_kb(),
        "pass 2 done"
    );
    let stations = stations::attach_beside(&mut ways, &mut pass);
    tracing::info!(?stations, "stations placed");
    let (mut graph, outside) =
        topology::build(&ways, &pass, &borders, opts.default_country.as_deref());
    if outside.chains > 0 {
        let examples = outside
            .examples
            .iter()
            .map(|(x, y)| format!("{x:.5},{y:.5}"))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(OsmImportError::Outside {
            count: outside.chains,
            examples,
        });
    }
    if graph.links.is_empty() {
        return Err(OsmImportError::Empty(
            "none of the selected ways has two nodes in the extract or --bbox".into(),
        ));
    }
    tracing::info!(
        nodes = graph.nodes.len(),
        links = graph.links.len(),
        peak_rss_kb = peak_rss_kb(),
        "graph built"
    );
    let places_named = topology::name_places(&mut graph, &pass.places);
    tracing::info!(
        attrs = graph.attrs.len(),
        peak_rss_kb = peak_rss_kb(),
        "places named"
    );
    let crossings_found = graph.links.iter().filter(|l| l.crossing.is_some()).count();
    let overlay = curated.as_ref().map(|c| overlay::apply(&mut graph, c));
    let mut km: BTreeMap<(String, String, String), f64> = BTreeMap::new();
    for l in graph.links.iter().filter(|l| l.crossing.is_none()) {
        let class = match l.mode {
            Mode::Rail => format!("{} mm", l.gauge_mm.unwrap_or(0)),
            Mode::Road => graph.road_class(l).unwrap_or("road").to_string(),
        };
        let country = graph.nodes[l.from].country.clone();
        *km.entry((l.mode.as_str().into(), country, class))
            .or_insert(0.0) += l.length_km;
    }
    let nodes_read = pass.nodes_read;
    let ways_selected = ways.len();
    let (nodes, links) = (graph.nodes.len(), graph.links.len());
    drop(pass);
    drop(ways);
    let (net, carried) = write::write(graph, &opts.out, opts.force, &opts.carry)?;
    tracing::info!(peak_rss_kb = peak_rss_kb(), "written and validated");
    let summary = ImportSummary {
        osm_nodes_read: nodes_read,
        ways_selected,
        nodes,
        links,
        km,
        places_named,
        stations,
        overlay,
        carried,
        crossings_found,
        elapsed: t0.elapsed(),
        read_time,
        peak_rss_kb: peak_rss_kb(),
    };
    Ok((summary, net))
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "read {} OSM nodes in {:.2} s ({:.0} nodes/s); {} ways selected",
            self.osm_nodes_read,
            self.read_time.as_secs_f64(),
            self.nodes_per_s(),
            self.ways_selected
        )?;
        writeln!(f, "network: {} nodes, {} links", self.nodes, self.links)?;
        writeln!(
            f,
            "km by mode, country and gauge / road class (crossings excluded):"
        )?;
        for ((m, c, g), km) in &self.km {
            writeln!(f, "  {m:4} {c} {g:>9}: {km:10.1} km")?;
        }
        writeln!(f, "cities and towns named: {}", self.places_named)?;
        let s = &self.stations;
        writeln!(
            f,
            "stations: {} on the track, {} beside it placed on it within {} m ({} at an existing vertex, {} merged with a station there), {} farther from the selected track (left out)",
            s.on_track,
            s.beside,
            stations::STATION_BESIDE_M,
            s.beside_at_vertex,
            s.merged,
            s.too_far
        )?;
        writeln!(f, "crossings found in OSM: {}", self.crossings_found)?;
        if let Some(o) = &self.overlay {
            writeln!(
                f,
                "overlay: {} curated crossing(s) matched, {} not in this extract, {} OSM crossing(s) inferred (status unverified)",
                o.crossings_matched.len(),
                o.crossings_unmatched.len(),
                o.crossings_inferred.len()
            )?;
            for (c, osm, d) in &o.crossings_matched {
                writeln!(f, "  matched {c} ← {osm} ({d:.1} km apart)")?;
            }
            for id in &o.crossings_inferred {
                writeln!(f, "  inferred (no curated crossing): {id}")?;
            }
            writeln!(
                f,
                "overlay: {} curated node(s) attached, {} with no imported node within {} km",
                o.nodes_attached.len(),
                o.nodes_unmatched.len(),
                overlay::NODE_MATCH_KM
            )?;
            for (id, modes, d) in &o.nodes_attached {
                let m: Vec<&str> = modes.iter().map(|m| m.as_str()).collect();
                writeln!(f, "  attached {id} ({}) at {d:.2} km", m.join("+"))?;
            }
            writeln!(
                f,
                "overlay: {} curated line/road capacit(ies) carried onto imported links, {} not ({} link(s) on two curated paths kept the smaller)",
                o.capacities_transferred.len(),
                o.capacities_not_transferred.len(),
                o.capacity_links_shared
            )?;
            for (id, n, km, ckm) in &o.capacities_transferred {
                writeln!(
                    f,
                    "  capacity of {id} onto {n} link(s) ({km:.1} km imported path, curated {ckm:.0} km)"
                )?;
            }
            for (id, why) in &o.capacities_not_transferred {
                writeln!(f, "  capacity of {id} not carried: {why}")?;
            }
        }
        let c = &self.carried;
        if !(c.carried.is_empty() && c.refused.is_empty()) {
            writeln!(
                f,
                "curated documents: {} carried into --out, {} refused (they name features the import did not keep)",
                c.carried.len(),
                c.refused.len()
            )?;
            for file in &c.carried {
                writeln!(f, "  carried {file}")?;
            }
            for (file, problems) in &c.refused {
                let first = problems.first().map(|p| p.to_string()).unwrap_or_default();
                let more = problems.len().saturating_sub(1);
                let more = if more > 0 {
                    format!(" (and {more} more)")
                } else {
                    String::new()
                };
                writeln!(f, "  refused {file}: {first}{more}")?;
            }
        }
        write!(f, "time {:.2} s", self.elapsed.as_secs_f64())?;
        if let Some(kb) = self.peak_rss_kb {
            write!(f, "; peak memory {:.1} MB", kb as f64 / 1024.0)?;
        }
        writeln!(f)
    }
}
