//! The curated documents that live beside a network (`scenarios/`, `demand/`), carried into
//! `--out` so that the imported network serves them as the curated one does.
//!
//! Each document is checked against the *imported* network with the same check that
//! `corridor serve --data` applies (a scenario is parsed and applied, a demand set is parsed):
//! one that passes is written verbatim into `--out`; one that fails is left out and reported
//! with its problems, since a server refuses every scenario when one is invalid. What fails is
//! what names a curated feature the import did not keep: curated **crossings** and **nodes**
//! keep their ids when matched ([`super::overlay`]), but curated **lines and roads** are
//! replaced by OSM's, so a scenario editing one (`rail-…`, `road-…`) cannot apply, and a
//! crossing or node outside the extract is not there at all.
//!
//! The check is passed in ([`DocumentCheck`]) because demand sets belong to `capacity`, a layer
//! above this importer: the command line hands over both folders ([`CuratedFolder`]).

use crate::network::scenario::{self, Scenario};
use crate::network::source::FolderDocument;
use crate::network::{LoadError, Network, Problem, Source};

/// Checks one document (`file` as `FOLDER/NAME.json`, its text) against a network.
pub type DocumentCheck = fn(&str, &str, &Network) -> Result<(), Vec<Problem>>;

/// A folder of curated documents and how to check them.
#[derive(Debug, Clone)]
pub struct CuratedFolder {
    /// The folder's name in a data directory (`scenarios`, `demand`).
    pub folder: String,
    /// Its documents, `file` = `FOLDER/NAME.json`.
    pub documents: Vec<FolderDocument>,
    /// The check a server applies to each.
    pub check: DocumentCheck,
}

/// What was carried into `--out` and what was refused.
#[derive(Debug, Default, Clone)]
pub struct CarryReport {
    /// Documents written, `FOLDER/NAME.json`.
    pub carried: Vec<String>,
    /// Documents left out, with every problem the check found.
    pub refused: Vec<(String, Vec<Problem>)>,
}

/// The scenario check of `corridor serve`: parsed against the network, then applied.
///
/// # Errors
/// Every problem found, against the scenario file.
pub fn scenario_check(file: &str, text: &str, net: &Network) -> Result<(), Vec<Problem>> {
    Scenario::parse(file, text, net)?
        .apply(file, net)
        .map(|_| ())
}

/// The scenario folder of the curated source `source` (its `scenarios/`, or the embedded
/// scenarios), with [`scenario_check`].
///
/// # Errors
/// [`LoadError::Io`] naming what cannot be read.
pub fn scenarios(source: &Source) -> Result<CuratedFolder, LoadError> {
    Ok(CuratedFolder {
        folder: scenario::SCENARIOS_DIR.to_string(),
        documents: scenario::documents(source)?,
        check: scenario_check,
    })
}

/// Checks every document of `folders` against `net`.
///
/// # Returns
/// The documents to write (`FOLDER/NAME.json`, text), and the report.
pub fn check(folders: &[CuratedFolder], net: &Network) -> (Vec<(String, String)>, CarryReport) {
    let mut keep = Vec::new();
    let mut report = CarryReport::default();
    for f in folders {
        for d in &f.documents {
            match (f.check)(&d.file, &d.text, net) {
                Ok(()) => {
                    report.carried.push(d.file.clone());
                    keep.push((d.file.clone(), d.text.to_string()));
                }
                Err(p) => report.refused.push((d.file.clone(), p)),
            }
        }
    }
    (keep, report)
}
