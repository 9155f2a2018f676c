//! `corridor prepare`: validate a network once (nodes, links, crossing schedules, scenarios,
//! demand sets) and write it as a prepared file that `corridor serve --prepared FILE` opens
//! without reading GeoJSON ([`crate::network::prepared`]).

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use crate::index::Layer;
use crate::network::prepared;
use crate::network::{Source, validate};
use crate::output::layers::LayerSchema;
use crate::output::tiles::Thinning;
use crate::snapshot::Snapshot;

/// Arguments of `corridor prepare`.
#[derive(Debug, Args)]
pub struct PrepareArgs {
    /// Data directory with nodes.geojson and links.geojson (default: the embedded data).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// The prepared file to write (replaced atomically).
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs `corridor prepare`. Returns the exit code: 0 written, 1 invalid or unreadable data
/// (every problem listed, as `corridor validate` lists them) or an unwritable file.
pub fn run(args: &PrepareArgs) -> anyhow::Result<i32> {
    let started = Instant::now();
    let source = Source::from_dir(args.data.as_deref());
    let checked = (|| {
        let docs = source.documents()?;
        let folders = folder_triples(&source)?;
        let digest = prepared::source_digest(&docs, &folders);
        let network = validate(&docs)?;
        drop(docs);
        // Schedules, scenarios and demand sets are checked as a server loading the data
        // checks them.
        let snap = Snapshot::load_with(network, &source)?;
        Ok::<_, crate::network::LoadError>((snap, folders, digest))
    })();
    let (snap, folders, digest) = match checked {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return Ok(1);
        }
    };
    let read_s = started.elapsed().as_secs_f64();
    // Derived once here rather than at every start: the tiles' low-zoom thinning (a third of
    // opening a 10^6-node network when built by the server).
    let thinning = Thinning::of(&snap.network).to_bytes();
    // And the OGC collections' schemas, which read every feature's properties.
    let schemas = LayerSchema::to_bytes(
        &Layer::ALL
            .iter()
            .map(|&layer| LayerSchema::of(layer, &snap.network, &snap.conversion))
            .collect::<Vec<_>>(),
    );
    let derived_s = started.elapsed().as_secs_f64() - read_s;
    let header = match prepared::write(
        &snap.network,
        &folders,
        source.to_string(),
        digest,
        &[
            (Thinning::SECTION, &thinning),
            (LayerSchema::SECTION, &schemas),
        ],
        &args.out,
    ) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("{e}");
            return Ok(1);
        }
    };
    let bytes = std::fs::metadata(&args.out).map_or(0, |m| m.len());
    println!(
        "prepared {}: {} nodes, {} links, {} vertices, {} documents; {:.1} MB, format {}, source sha256 {}",
        args.out.display(),
        header.nodes,
        header.links,
        header.vertices,
        header.documents,
        bytes as f64 / 1e6,
        header.format_version,
        header.source_digest
    );
    let sections: Vec<String> = header
        .sections
        .iter()
        .map(|(name, bytes)| format!("{name} {:.1} MB", *bytes as f64 / 1e6))
        .collect();
    println!("stored sections: {}", sections.join(", "));
    println!(
        "validated in {read_s:.1} s, derived in {derived_s:.1} s, written in {:.1} s",
        started.elapsed().as_secs_f64() - read_s - derived_s
    );
    Ok(0)
}

/// The folder documents of a source as (folder, name without `.json`, text), as a prepared
/// file and a database hold them.
pub fn folder_triples(
    source: &Source,
) -> Result<Vec<(String, String, String)>, crate::network::LoadError> {
    let mut out = Vec::new();
    let scenarios = crate::network::scenario::documents(source)?;
    let demand = crate::capacity::demand::documents(source)?;
    for d in scenarios.iter().chain(demand.iter()) {
        let (folder, file) = d.file.split_once('/').unwrap_or(("", &d.file));
        let name = file.strip_suffix(".json").unwrap_or(file);
        out.push((folder.to_string(), name.to_string(), d.text.to_string()));
    }
    Ok(out)
}
