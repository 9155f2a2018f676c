//! Writing the tables back as geodata: `nodes.geojson`, `links.geojson` (one feature per
//! line, as in `geodata/`), `scenarios/NAME.json` and `demand/NAME.json`.

use std::path::Path;

use serde_json::Value;

use super::DbError;
use crate::network::source::Fetched;
use crate::network::{LINKS_FILE, NODES_FILE};

/// What [`write`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Node features.
    pub nodes: usize,
    /// Link features.
    pub links: usize,
    /// Folder documents (scenarios and demand sets).
    pub documents: usize,
}

/// Writes `fetched` under `out` (created if needed; existing files of the same names are
/// replaced).
///
/// # Errors
/// [`DbError::Io`], or [`DbError::Refused`] for a document name that is not a plain file
/// name (`a-z A-Z 0-9 . _ -`, not starting with a dot): a name read from the database never
/// chooses where a file is written.
pub fn write(fetched: &Fetched, out: &Path) -> Result<Written, DbError> {
    let io = |path: &Path, source: std::io::Error| DbError::Io {
        path: path.display().to_string(),
        source,
    };
    std::fs::create_dir_all(out).map_err(|e| io(out, e))?;
    let nodes = write_collection(&fetched.nodes, "nodes", &out.join(NODES_FILE))?;
    let links = write_collection(&fetched.links, "links", &out.join(LINKS_FILE))?;
    for (folder, name, text) in &fetched.folders {
        let plain = !name.is_empty()
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !plain {
            return Err(DbError::Refused(format!(
                "corridor.{folder}: name {name:?} is not a plain file name; rename it to dump"
            )));
        }
        let dir = out.join(folder);
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        let doc: Value = serde_json::from_str(text)
            .map_err(|e| DbError::Refused(format!("corridor.{folder} name={name}: {e}")))?;
        let path = dir.join(format!("{name}.json"));
        let mut body = serde_json::to_string_pretty(&doc).unwrap_or_default();
        body.push('\n');
        std::fs::write(&path, body).map_err(|e| io(&path, e))?;
    }
    Ok(Written {
        nodes,
        links,
        documents: fetched.folders.len(),
    })
}

fn write_collection(text: &str, name: &str, path: &Path) -> Result<usize, DbError> {
    let fc: Value = serde_json::from_str(text)
        .map_err(|e| DbError::Refused(format!("corridor.{name} as GeoJSON: {e}")))?;
    let features = fc["features"].as_array().cloned().unwrap_or_default();
    let mut body =
        format!("{{\"type\": \"FeatureCollection\", \"name\": \"{name}\", \"features\": [\n");
    for (i, f) in features.iter().enumerate() {
        if i > 0 {
            body.push_str(",\n");
        }
        body.push_str(&serde_json::to_string(f).unwrap_or_default());
    }
    body.push_str("\n]}\n");
    std::fs::write(path, body).map_err(|e| DbError::Io {
        path: path.display().to_string(),
        source: e,
    })?;
    Ok(features.len())
}
