//! Where network data comes from, apart from what it must satisfy.
//!
//! A [`Source`] yields the raw [`Documents`] (the nodes and links FeatureCollections); [`load`]
//! hands them to validation, the only way to a [`Network`]. Today there are two sources: the
//! data compiled into the binary and a directory on disk, plus documents already fetched
//! from a database ([`Source::Fetched`], filled by `crate::db`). A database source (PostgreSQL,
//! e.g. one query per feature type returning a FeatureCollection, as pg_featureserv does) is
//! one more variant of [`Source`] and one more arm in [`Source::documents`]; validation,
//! reload and the CLI stay as they are.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use super::Network;
use super::validate::{self, LINKS_FILE, LoadError, NODES_FILE};

/// The default network data, compiled in.
pub const EMBEDDED_NODES: &str = include_str!("../../geodata/nodes.geojson");
/// The default network data, compiled in.
pub const EMBEDDED_LINKS: &str = include_str!("../../geodata/links.geojson");

/// Where a network is read from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Source {
    /// The `geodata/` files compiled into the binary (the default).
    #[default]
    Embedded,
    /// A directory holding [`NODES_FILE`] and [`LINKS_FILE`].
    Dir(PathBuf),
    /// Documents already read from elsewhere (a PostgreSQL database: `crate::db`), checked
    /// exactly as files are.
    Fetched(std::sync::Arc<Fetched>),
    /// A prepared file (`corridor prepare`), opened and checked: its network is decoded, not
    /// parsed from GeoJSON ([`super::prepared`]).
    Prepared(std::sync::Arc<super::prepared::PreparedFile>),
}

/// The documents of a network read from a non-file source, held in memory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fetched {
    /// What they were read from, for messages (never a secret: no password).
    pub origin: String,
    /// The nodes FeatureCollection.
    pub nodes: String,
    /// The links FeatureCollection.
    pub links: String,
    /// Documents of the data folders (`scenarios`, `demand`): (folder, name without
    /// `.json`, text), each folder's sorted by name.
    pub folders: Vec<(String, String, String)>,
}

impl Source {
    /// The directory when one is given, else the embedded data (the CLI's `--data` rule).
    pub fn from_dir(dir: Option<&Path>) -> Self {
        dir.map_or(Source::Embedded, |d| Source::Dir(d.to_path_buf()))
    }

    /// A prepared file (`corridor prepare`) as a source, opened and checked (magic, version,
    /// length, checksum).
    ///
    /// # Errors
    /// [`LoadError::Prepared`] naming what is wrong with the file.
    pub fn open_prepared(path: &Path) -> Result<Self, LoadError> {
        let file = super::prepared::PreparedFile::open(path)
            .map_err(|e| LoadError::Prepared(Box::new(e)))?;
        Ok(Source::Prepared(std::sync::Arc::new(file)))
    }

    /// Reads and validates this source: [`load`].
    pub fn load(&self) -> Result<Network, LoadError> {
        load(self)
    }

    /// The prepared file this source reads, if it is one.
    pub fn prepared_file(&self) -> Option<&std::sync::Arc<super::prepared::PreparedFile>> {
        match self {
            Source::Prepared(p) => Some(p),
            _ => None,
        }
    }

    /// Reads the raw documents, unchecked.
    ///
    /// # Returns
    /// The two documents, or [`LoadError::Io`] naming what could not be read.
    pub fn documents(&self) -> Result<Documents<'static>, LoadError> {
        match self {
            Source::Embedded => Ok(Documents {
                nodes: Cow::Borrowed(EMBEDDED_NODES),
                links: Cow::Borrowed(EMBEDDED_LINKS),
            }),
            Source::Dir(dir) => Ok(Documents {
                nodes: Cow::Owned(read_file(&dir.join(NODES_FILE))?),
                links: Cow::Owned(read_file(&dir.join(LINKS_FILE))?),
            }),
            Source::Fetched(f) => Ok(Documents {
                nodes: Cow::Owned(f.nodes.clone()),
                links: Cow::Owned(f.links.clone()),
            }),
            Source::Prepared(p) => Err(LoadError::Io {
                path: p.path().display().to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::Unsupported,
                    "a prepared file holds a decoded network, not GeoJSON documents: use the \
                     data directory it was prepared from",
                ),
            }),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Embedded => f.write_str("the embedded data"),
            Source::Dir(d) => write!(f, "{}", d.display()),
            Source::Fetched(x) => f.write_str(&x.origin),
            Source::Prepared(p) => write!(f, "{}", p.path().display()),
        }
    }
}

fn read_file(path: &Path) -> Result<String, LoadError> {
    std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// The raw data of a network, as a source yields it: two GeoJSON FeatureCollections, reported
/// on as [`NODES_FILE`] and [`LINKS_FILE`] whatever their origin.
#[derive(Debug, Clone)]
pub struct Documents<'a> {
    /// The nodes FeatureCollection (Points).
    pub nodes: Cow<'a, str>,
    /// The links FeatureCollection (LineStrings).
    pub links: Cow<'a, str>,
}

/// Reads `source` and validates it into a [`Network`]: the one way data becomes a network.
///
/// # Returns
/// The network, [`LoadError::Io`] when the source cannot be read, or [`LoadError::Invalid`]
/// listing every problem in the data.
pub fn load(source: &Source) -> Result<Network, LoadError> {
    if let Source::Prepared(p) = source {
        return p.network();
    }
    let docs = source.documents()?;
    validate::validate(&docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_source_loads() {
        let net = load(&Source::Embedded).expect("embedded data validates");
        assert!(net.nodes().len() > 100, "{}", net.nodes().len());
    }

    #[test]
    fn a_missing_directory_is_an_io_error_naming_the_file() {
        let err = load(&Source::Dir("/nonexistent/corridor".into())).unwrap_err();
        match err {
            LoadError::Io { path, .. } => assert!(path.ends_with(NODES_FILE), "{path}"),
            e => panic!("expected an I/O error, got {e}"),
        }
    }

    #[test]
    fn no_directory_means_the_embedded_data() {
        assert_eq!(Source::from_dir(None), Source::Embedded);
        assert_eq!(
            Source::from_dir(Some(Path::new("d"))),
            Source::Dir("d".into())
        );
    }
}

/// A JSON document of a data folder beside the network (`scenarios/`, `demand/`): its name in
/// problems (`scenarios/NAME.json`) and its text.
#[derive(Debug, Clone)]
pub struct FolderDocument {
    /// `FOLDER/NAME.json`.
    pub file: String,
    /// The contents.
    pub text: Cow<'static, str>,
}

/// Reads the documents of `folder` for a source: `embedded` (file name, text) for the
/// embedded data, else every `*.json` in the data directory's `folder` (none when it has no
/// such folder), sorted by name.
///
/// # Errors
/// [`LoadError::Io`] naming a file or folder that cannot be read.
pub fn folder_documents(
    source: &Source,
    folder: &str,
    embedded: &[(&str, &'static str)],
) -> Result<Vec<FolderDocument>, LoadError> {
    let io = |path: &Path, source: std::io::Error| LoadError::Io {
        path: path.display().to_string(),
        source,
    };
    match source {
        Source::Embedded => Ok(embedded
            .iter()
            .map(|(f, t)| FolderDocument {
                file: format!("{folder}/{f}"),
                text: Cow::Borrowed(t),
            })
            .collect()),
        Source::Prepared(p) => Ok(p
            .folders()
            .iter()
            .filter(|(dir, _, _)| dir == folder)
            .map(|(_, name, text)| FolderDocument {
                file: format!("{folder}/{name}.json"),
                text: Cow::Owned(text.clone()),
            })
            .collect()),
        Source::Fetched(f) => Ok(f
            .folders
            .iter()
            .filter(|(dir, _, _)| dir == folder)
            .map(|(_, name, text)| FolderDocument {
                file: format!("{folder}/{name}.json"),
                text: Cow::Owned(text.clone()),
            })
            .collect()),
        Source::Dir(dir) => {
            let path = dir.join(folder);
            if !path.is_dir() {
                return Ok(Vec::new());
            }
            let mut paths = Vec::new();
            for entry in std::fs::read_dir(&path).map_err(|e| io(&path, e))? {
                let p = entry.map_err(|e| io(&path, e))?.path();
                if p.extension().is_some_and(|x| x == "json") {
                    paths.push(p);
                }
            }
            paths.sort();
            paths
                .into_iter()
                .map(|p| {
                    let text = std::fs::read_to_string(&p).map_err(|e| io(&p, e))?;
                    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                    Ok(FolderDocument {
                        file: format!("{folder}/{name}"),
                        text: Cow::Owned(text),
                    })
                })
                .collect()
        }
    }
}
