//! `corridor import osm`: raw flags → checked [`ImportOptions`] → [`crate::import::osm::import`].

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::capacity::demand::{self, DEMAND_DIR, DemandSet};
use crate::import::osm::carry::{self, CuratedFolder};
use crate::import::osm::{BBox, ImportOptions, Selection, import};
use crate::network::{LoadError, Network, Problem, Source};

/// `corridor import …`.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Build a network from OpenStreetMap PBF extracts (rail and major roads).
    Osm(OsmArgs),
}

/// Arguments of `corridor import osm`.
#[derive(Debug, Args)]
pub struct OsmArgs {
    /// Input extracts (`.osm.pbf`), e.g. Geofabrik's russia-latest.osm.pbf.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output data directory (written to a temporary directory beside it, then renamed).
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an existing, non-empty --out.
    #[arg(long)]
    pub force: bool,
    /// Keep only nodes inside minlon,minlat,maxlon,maxlat (ways are clipped to it).
    #[arg(long)]
    pub bbox: Option<String>,
    /// Modes to import (comma list of rail, road). Default: both.
    #[arg(long, value_delimiter = ',', default_value = "rail,road")]
    pub modes: Vec<String>,
    /// Also import railway=narrow_gauge.
    #[arg(long)]
    pub narrow_gauge: bool,
    /// Curated network to overlay (a data directory). Default: the embedded curated network.
    #[arg(long, conflicts_with = "no_overlay")]
    pub overlay: Option<PathBuf>,
    /// Import OSM alone, without the curated overlay.
    #[arg(long)]
    pub no_overlay: bool,
    /// ISO2 country of points outside geodata/boundaries (e.g. FI for a Finnish extract).
    #[arg(long)]
    pub default_country: Option<String>,
    /// Boundaries GeoJSON (features with `iso_a2`). Default: the embedded
    /// geodata/boundaries/countries.geojson.
    #[arg(long)]
    pub boundaries: Option<PathBuf>,
}

/// Why the flags do not make an import.
#[derive(Debug, thiserror::Error)]
#[error("--{field}: {message}")]
pub struct FlagError {
    field: &'static str,
    message: String,
}

fn flag(field: &'static str, message: impl Into<String>) -> FlagError {
    FlagError {
        field,
        message: message.into(),
    }
}

/// Checked options from the flags.
///
/// # Errors
/// [`FlagError`] naming the flag.
pub fn options(a: &OsmArgs) -> Result<ImportOptions, FlagError> {
    let bbox = match &a.bbox {
        None => None,
        Some(s) => {
            let v: Vec<f64> = s
                .split(',')
                .map(|x| x.trim().parse::<f64>())
                .collect::<Result<_, _>>()
                .map_err(|_| flag("bbox", format!("'{s}' is not minlon,minlat,maxlon,maxlat")))?;
            let [min_lon, min_lat, max_lon, max_lat] = v[..] else {
                return Err(flag(
                    "bbox",
                    "needs four numbers: minlon,minlat,maxlon,maxlat",
                ));
            };
            let ok = (-180.0..=180.0).contains(&min_lon)
                && (-180.0..=180.0).contains(&max_lon)
                && (-90.0..=90.0).contains(&min_lat)
                && (-90.0..=90.0).contains(&max_lat)
                && min_lon < max_lon
                && min_lat < max_lat;
            if !ok {
                return Err(flag(
                    "bbox",
                    "needs -180 ≤ minlon < maxlon ≤ 180 and -90 ≤ minlat < maxlat ≤ 90",
                ));
            }
            Some(BBox {
                min_lon,
                min_lat,
                max_lon,
                max_lat,
            })
        }
    };
    let mut selection = Selection {
        rail: false,
        road: false,
        narrow_gauge: a.narrow_gauge,
    };
    for m in &a.modes {
        match m.trim() {
            "rail" => selection.rail = true,
            "road" => selection.road = true,
            other => {
                return Err(flag(
                    "modes",
                    format!("unknown mode '{other}' (expected rail, road)"),
                ));
            }
        }
    }
    let default_country = match &a.default_country {
        Some(c) if c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()) => {
            Some(c.to_ascii_uppercase())
        }
        Some(c) => {
            return Err(flag(
                "default-country",
                format!("'{c}' is not an ISO 3166-1 alpha-2 code"),
            ));
        }
        None => None,
    };
    let boundaries = match &a.boundaries {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .map_err(|e| flag("boundaries", format!("cannot read {}: {e}", p.display())))?,
        ),
        None => None,
    };
    for f in &a.files {
        if !f.is_file() {
            return Err(flag("files", format!("{} is not a file", f.display())));
        }
    }
    let overlay = match (&a.overlay, a.no_overlay) {
        (_, true) => None,
        (Some(d), false) => Some(Source::Dir(d.clone())),
        (None, false) => Some(Source::Embedded),
    };
    let carry = match &overlay {
        Some(src) => curated_folders(src).map_err(|e| flag("overlay", e.to_string()))?,
        None => Vec::new(),
    };
    Ok(ImportOptions {
        inputs: a.files.clone(),
        out: a.out.clone(),
        force: a.force,
        bbox,
        selection,
        overlay,
        carry,
        default_country,
        boundaries,
        progress: std::io::stderr().is_terminal(),
    })
}

/// The curated documents an import carries from the overlay's source: its scenarios (parsed
/// and applied) and demand sets (parsed), each checked on the imported network as `corridor
/// serve` checks them.
///
/// # Errors
/// [`LoadError::Io`] naming a folder or file of `src` that cannot be read.
pub fn curated_folders(src: &Source) -> Result<Vec<CuratedFolder>, LoadError> {
    fn demand_check(file: &str, text: &str, net: &Network) -> Result<(), Vec<Problem>> {
        DemandSet::parse(file, text, net).map(|_| ())
    }
    Ok(vec![
        carry::scenarios(src)?,
        CuratedFolder {
            folder: DEMAND_DIR.to_string(),
            documents: demand::documents(src)?,
            check: demand_check,
        },
    ])
}

/// Runs `corridor import`. Prints the summary on stdout; returns the exit code (errors go to
/// `main`, which prints them and exits 2).
pub fn run(cmd: ImportCommand) -> anyhow::Result<i32> {
    match cmd {
        ImportCommand::Osm(a) => {
            let opts = options(&a)?;
            let (summary, _net) = import(&opts)?;
            print!("{summary}");
            println!("wrote {}", opts.out.display());
            Ok(0)
        }
    }
}
