//! Where network data comes from: the copy embedded in the binary or a data directory (a
//! database source fits beside them). Minimal version by helper "core" so that the HTTP layer
//! need not reach into the command line to reload; helper "net" owns and extends it.

use std::path::{Path, PathBuf};

use super::{LoadError, Network};

/// A place network data is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The data compiled into the binary.
    Embedded,
    /// `nodes.geojson` and `links.geojson` in a directory.
    Dir(PathBuf),
}

impl Source {
    /// A directory when given, else the embedded data.
    pub fn from_dir(dir: Option<&Path>) -> Self {
        match dir {
            Some(d) => Source::Dir(d.to_path_buf()),
            None => Source::Embedded,
        }
    }

    /// Reads and validates the network.
    ///
    /// # Errors
    /// [`LoadError`] when a file cannot be read or the data is invalid.
    pub fn load(&self) -> Result<Network, LoadError> {
        match self {
            Source::Embedded => Network::embedded(),
            Source::Dir(d) => load_dir(d),
        }
    }
}

/// Loads and validates the network in a directory.
///
/// # Errors
/// [`LoadError`] when a file cannot be read or the data is invalid.
pub fn load_dir(path: &Path) -> Result<Network, LoadError> {
    Network::load_dir(path)
}
