//! The prepared file: a validated network written once in a versioned binary form
//! (`corridor prepare`), opened by `corridor serve --prepared FILE` without reading GeoJSON, as
//! OSRM's `.osrm` files and Valhalla's tiles are.
//!
//! # Layout (format version [`FORMAT_VERSION`], all integers little-endian)
//! | bytes | what |
//! |---|---|
//! | 16 | magic `CORRIDOR-PREP\r\n\x1a` (a text tool stops at `\x1a`; a CRLF conversion shows) |
//! | 4 | format version (`u32`) |
//! | 4 | header length `h` (`u32`) |
//! | h | header, JSON ([`Header`]: source digest, build, counts) |
//! | 8 | payload length `p` (`u64`) |
//! | 4 | CRC-32 (IEEE) of the payload |
//! | p | payload: flat arrays, below |
//!
//! The payload is the network as flat arrays: node properties (one text buffer and its `u64`
//! offsets) and positions (`f64` pairs); link properties likewise, lengths (`f64`, as
//! validated: a length derived from the geometry keeps its full precision), vertex offsets
//! (`u64`) and all vertices in one buffer (`i32` pairs at 10⁻⁷°, [`super::Line`]); then the
//! data folders' documents (scenarios, demand sets) as (folder, name, text); then **stored
//! sections** (since version 2): named byte arrays, each 8-byte aligned, that a layer above
//! the network derived from it once at `corridor prepare` instead of at every start (the
//! tiles' low-zoom thinning). The network layer neither reads nor checks them: their owner
//! decodes a section and falls back to deriving it when the name it asks for is absent (a
//! file from a build whose derivation differed) or does not fit the network.
//!
//! Opening checks the magic, the version, the length (a truncated file is named so) and the
//! checksum before anything is decoded; the features are then read by the same per-feature
//! readers and cross-checks as the GeoJSON files (without parsing any geometry), so a file
//! can never serve what the validator would refuse.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use geo::Point;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Network;
use super::filebytes::FileBytes;
use super::source::Documents;

/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 2;

/// The first bytes of every prepared file.
pub const MAGIC: &[u8; 16] = b"CORRIDOR-PREP\r\n\x1a";

/// What a prepared file says about itself (its JSON header).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// The format version (also in the fixed part).
    pub format_version: u32,
    /// SHA-256 (hex) of the source documents: nodes, links, then each folder document's
    /// folder, name and text.
    pub source_digest: String,
    /// What the data was read from (a directory, "the embedded data").
    pub source: String,
    /// The build that wrote it: `corridor VERSION`.
    pub build: String,
    /// Counts, for `corridor prepare`'s report and a quick look at a file.
    pub nodes: usize,
    /// Number of links.
    pub links: usize,
    /// Number of link vertices.
    pub vertices: usize,
    /// Number of folder documents (scenarios, demand sets).
    pub documents: usize,
    /// Names of the stored sections (derived data, see the module's layout), with their sizes
    /// in bytes.
    pub sections: Vec<(String, usize)>,
}

/// Why a prepared file cannot be written or opened.
#[derive(Debug, thiserror::Error)]
pub enum PreparedError {
    /// The file cannot be read or written.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file does not start with the prepared-file magic.
    #[error("{path} is not a Corridor prepared file (no `CORRIDOR-PREP` magic at its start)")]
    NotPrepared {
        /// The path.
        path: String,
    },
    /// The file was written in another format version.
    #[error(
        "{path} has prepared format version {found}; this build reads version {expected}: run `corridor prepare` again"
    )]
    Version {
        /// The path.
        path: String,
        /// The file's version.
        found: u32,
        /// This build's version.
        expected: u32,
    },
    /// The file ends before its declared end.
    #[error(
        "{path} is truncated: {what} needs {needed} bytes from offset {at}, the file has {len}"
    )]
    Truncated {
        /// The path.
        path: String,
        /// The part being read.
        what: &'static str,
        /// Bytes needed.
        needed: u64,
        /// Where they start.
        at: u64,
        /// The file's length.
        len: u64,
    },
    /// The payload does not match its checksum.
    #[error(
        "{path} is corrupted: payload checksum {computed:08x} differs from the stored {stored:08x}"
    )]
    Checksum {
        /// The path.
        path: String,
        /// The stored CRC-32.
        stored: u32,
        /// The CRC-32 of the bytes read.
        computed: u32,
    },
    /// A part of the file does not decode (despite its checksum: a writer bug).
    #[error("{path} is corrupted: {what}")]
    Corrupt {
        /// The path.
        path: String,
        /// What does not decode.
        what: String,
    },
}

/// A prepared file read into memory and checked (magic, version, length, checksum); its
/// features are decoded by [`PreparedFile::network`].
#[derive(Debug)]
pub struct PreparedFile {
    path: PathBuf,
    /// The header.
    pub header: Header,
    /// The file's bytes, mapped (aligned for the payload's arrays): the network read from
    /// them keeps its features' texts and vertices there ([`super::filebytes`]).
    bytes: Arc<FileBytes>,
    payload_at: usize,
    /// The folder documents (small), decoded once at open: a load reads them per folder.
    folders: Vec<(String, String, String)>,
    /// The stored sections: name and byte range in the file.
    sections: Vec<(String, std::ops::Range<usize>)>,
}

impl PartialEq for PreparedFile {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path && self.header == other.header
    }
}
impl Eq for PreparedFile {}

/// The decoded payload, borrowing from the file's bytes.
pub(crate) struct Payload<'a> {
    /// Per node: properties text and position.
    pub nodes: Vec<(&'a str, Point<f64>)>,
    /// Per link: properties text, vertices, length in km.
    pub links: Vec<(&'a str, &'a [[i32; 2]], f64)>,
    /// Folder documents: (folder, name, text).
    pub folders: Vec<(&'a str, &'a str, &'a str)>,
    /// Stored sections: (name, bytes).
    pub sections: Vec<(&'a str, &'a [u8])>,
}

impl PreparedFile {
    /// Reads `path` and checks it (magic, version, length, checksum).
    ///
    /// # Errors
    /// A [`PreparedError`] naming the path and what is wrong.
    pub fn open(path: &Path) -> Result<Self, PreparedError> {
        let shown = path.display().to_string();
        let io = |source| PreparedError::Io {
            path: shown.clone(),
            source,
        };
        // Mapped, so that the payload's arrays are aligned for reading in place (the writer
        // pads the header to make the payload start on a word) and the network keeps its
        // texts and vertices in the file instead of copying them.
        let f = std::fs::File::open(path).map_err(io)?;
        let bytes = if f.metadata().map_err(io)?.len() == 0 {
            // An empty file cannot be mapped; it is refused as not prepared below.
            FileBytes::owned(&[])
        } else {
            FileBytes::map(&f).map_err(io)?
        };
        Self::from_file_bytes(path, Arc::new(bytes))
    }

    #[cfg(test)]
    fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Self, PreparedError> {
        Self::from_file_bytes(path, Arc::new(FileBytes::owned(&bytes)))
    }

    fn from_file_bytes(path: &Path, file: Arc<FileBytes>) -> Result<Self, PreparedError> {
        let bytes = file.bytes();
        let len = bytes.len();
        let shown = path.display().to_string();
        let file_len = len as u64;
        let truncated = |what, at: usize, needed: usize| PreparedError::Truncated {
            path: shown.clone(),
            what,
            needed: needed as u64,
            at: at as u64,
            len: file_len,
        };
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(PreparedError::NotPrepared { path: shown });
        }
        let fixed = MAGIC.len() + 8;
        if bytes.len() < fixed {
            return Err(truncated("the fixed header", MAGIC.len(), 8));
        }
        let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or([0; 4]));
        let version = u32_at(MAGIC.len());
        if version != FORMAT_VERSION {
            return Err(PreparedError::Version {
                path: shown,
                found: version,
                expected: FORMAT_VERSION,
            });
        }
        let header_len = u32_at(MAGIC.len() + 4) as usize;
        if bytes.len() < fixed + header_len + 12 {
            return Err(truncated("the header", fixed, header_len + 12));
        }
        let header: Header =
            serde_json::from_slice(&bytes[fixed..fixed + header_len]).map_err(|e| {
                PreparedError::Corrupt {
                    path: shown.clone(),
                    what: format!("the header does not read: {e}"),
                }
            })?;
        let at = fixed + header_len;
        let payload_len =
            u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or([0; 8])) as usize;
        let stored = u32_at(at + 8);
        let payload_at = at + 12;
        if bytes.len() - payload_at < payload_len {
            return Err(truncated("the payload", payload_at, payload_len));
        }
        if bytes.len() - payload_at > payload_len {
            return Err(PreparedError::Corrupt {
                path: shown,
                what: format!(
                    "{} bytes follow the payload's declared end",
                    bytes.len() - payload_at - payload_len
                ),
            });
        }
        let computed = crc32fast::hash(&bytes[payload_at..]);
        if computed != stored {
            return Err(PreparedError::Checksum {
                path: shown,
                stored,
                computed,
            });
        }
        let mut file = Self {
            path: path.to_path_buf(),
            header,
            bytes: Arc::clone(&file),
            payload_at,
            folders: Vec::new(),
            sections: Vec::new(),
        };
        // Decoding every section here also refuses a payload that does not decode at open.
        let payload = file.payload()?;
        let folders = payload
            .folders
            .into_iter()
            .map(|(f, n, t)| (f.to_string(), n.to_string(), t.to_string()))
            .collect();
        let base = bytes.as_ptr() as usize;
        let sections = payload
            .sections
            .into_iter()
            .map(|(name, b)| {
                let at = b.as_ptr() as usize - base;
                (name.to_string(), at..at + b.len())
            })
            .collect();
        file.folders = folders;
        file.sections = sections;
        Ok(file)
    }

    /// The path it was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn payload(&self) -> Result<Payload<'_>, PreparedError> {
        let bytes = self.bytes.bytes();
        let mut r = Reader {
            buf: &bytes[self.payload_at..],
            at: 0,
        };
        let corrupt = |what: String| PreparedError::Corrupt {
            path: self.path.display().to_string(),
            what,
        };
        decode(&mut r).map_err(corrupt)
    }

    /// The folder documents (scenarios, demand sets), as a database source holds them.
    pub(crate) fn folders(&self) -> &[(String, String, String)] {
        &self.folders
    }

    /// The stored section `name`'s bytes (8-byte aligned), if the file has one.
    pub fn section(&self, name: &str) -> Option<&[u8]> {
        let (_, range) = self.sections.iter().find(|(n, _)| n == name)?;
        self.bytes.bytes().get(range.clone())
    }

    /// Builds the network: every feature read and cross-checked as from the files.
    pub(crate) fn network(&self) -> Result<Network, super::LoadError> {
        let payload = self
            .payload()
            .map_err(|e| super::LoadError::Prepared(Box::new(e)))?;
        let network = super::validate::from_prepared(&self.bytes, &payload.nodes, &payload.links);
        // Reading touched every text and vertex: hand those pages back, so that the network
        // holds resident only what answers read again.
        self.bytes.release();
        network
    }
}

fn decode<'a>(r: &mut Reader<'a>) -> Result<Payload<'a>, String> {
    let n_nodes = r.count("node count")?;
    let node_texts = r.texts(n_nodes, "node properties")?;
    let points: &[[f64; 2]] = r.pods(n_nodes, "node positions")?;
    let n_links = r.count("link count")?;
    let link_texts = r.texts(n_links, "link properties")?;
    let lengths: &[f64] = r.pods(n_links, "link lengths")?;
    let starts: &[u64] = r.pods(n_links + 1, "vertex offsets")?;
    let n_vertices = r.count("vertex count")?;
    let vertices: &[[i32; 2]] = r.pods(n_vertices, "vertices")?;
    let n_docs = r.count("document count")?;
    let mut folders = Vec::with_capacity(n_docs);
    for _ in 0..n_docs {
        let t = r.texts(3, "a folder document")?;
        folders.push((t[0], t[1], t[2]));
    }
    let n_sections = r.count("section count")?;
    let mut sections = Vec::with_capacity(n_sections.min(64));
    for _ in 0..n_sections {
        let name = r.texts(1, "a section's name")?[0];
        let len = r.count("a section's length")?;
        sections.push((name, r.pods::<u8>(len, "a section")?));
    }
    if r.at != r.buf.len() {
        return Err(format!(
            "{} bytes after the last section",
            r.buf.len() - r.at
        ));
    }
    let nodes = node_texts
        .into_iter()
        .zip(points)
        .map(|(t, &[x, y])| (t, Point::new(x, y)))
        .collect();
    let mut links = Vec::with_capacity(n_links);
    for (i, (t, &len)) in link_texts.into_iter().zip(lengths).enumerate() {
        let (a, b) = (starts[i] as usize, starts[i + 1] as usize);
        if a > b || b > vertices.len() {
            return Err(format!(
                "link #{i}'s vertex range {a}..{b} is out of bounds"
            ));
        }
        links.push((t, &vertices[a..b], len));
    }
    Ok(Payload {
        nodes,
        links,
        folders,
        sections,
    })
}

/// A cursor over the payload; every read is bounds-checked.
struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.buf.len());
        let Some(end) = end else {
            return Err(format!("{what} runs past the payload's end"));
        };
        let s = &self.buf[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn count(&mut self, what: &str) -> Result<usize, String> {
        let b = self.take(8, what)?;
        let n = u64::from_le_bytes(b.try_into().map_err(|_| what.to_string())?);
        usize::try_from(n).map_err(|_| format!("{what} {n} is too large"))
    }

    /// `n` plain values, aligned to 8 bytes in the payload.
    fn pods<T: bytemuck::Pod>(&mut self, n: usize, what: &str) -> Result<&'a [T], String> {
        self.align();
        let size = n
            .checked_mul(std::mem::size_of::<T>())
            .ok_or_else(|| format!("{what}: {n} values overflow"))?;
        let b = self.take(size, what)?;
        bytemuck::try_cast_slice(b).map_err(|e| format!("{what}: {e}"))
    }

    /// `n` UTF-8 texts: `n + 1` offsets, then the bytes.
    fn texts(&mut self, n: usize, what: &str) -> Result<Vec<&'a str>, String> {
        let offsets: &[u64] = self.pods(n + 1, what)?;
        let total = offsets.last().copied().unwrap_or(0) as usize;
        let bytes = self.take(total, what)?;
        let mut out = Vec::with_capacity(n);
        for w in offsets.windows(2) {
            let (a, b) = (w[0] as usize, w[1] as usize);
            if a > b || b > bytes.len() {
                return Err(format!("{what}: text range {a}..{b} is out of bounds"));
            }
            out.push(std::str::from_utf8(&bytes[a..b]).map_err(|e| format!("{what}: {e}"))?);
        }
        Ok(out)
    }

    fn align(&mut self) {
        self.at = self.at.div_ceil(8) * 8;
    }
}

/// The payload written straight to the file (not built in memory first: at 10^6 nodes it is
/// 1.7 GB), with its length and CRC-32 kept as it goes.
struct Writer<W: std::io::Write> {
    out: W,
    crc: crc32fast::Hasher,
    len: u64,
}

impl<W: std::io::Write> Writer<W> {
    fn new(out: W) -> Self {
        Self {
            out,
            crc: crc32fast::Hasher::new(),
            len: 0,
        }
    }
    fn bytes(&mut self, b: &[u8]) -> std::io::Result<()> {
        self.crc.update(b);
        self.len += b.len() as u64;
        self.out.write_all(b)
    }
    fn count(&mut self, n: usize) -> std::io::Result<()> {
        self.bytes(&(n as u64).to_le_bytes())
    }
    /// Zeros up to the next 8-byte boundary (where every array starts).
    fn align(&mut self) -> std::io::Result<()> {
        let pad = (self.len.div_ceil(8) * 8 - self.len) as usize;
        self.bytes(&[0u8; 8][..pad])
    }
    fn pods<T: bytemuck::Pod>(&mut self, v: &[T]) -> std::io::Result<()> {
        self.align()?;
        self.bytes(bytemuck::cast_slice(v))
    }
    fn texts<'s>(&mut self, texts: impl Iterator<Item = &'s str> + Clone) -> std::io::Result<()> {
        let mut offsets = vec![0u64];
        for t in texts.clone() {
            offsets.push(offsets[offsets.len() - 1] + t.len() as u64);
        }
        self.pods(&offsets)?;
        for t in texts {
            self.bytes(t.as_bytes())?;
        }
        Ok(())
    }
}

/// The SHA-256 (hex) of a source's documents: what a prepared file was built from.
pub fn source_digest(docs: &Documents<'_>, folders: &[(String, String, String)]) -> String {
    let mut h = Sha256::new();
    for part in [docs.nodes.as_bytes(), docs.links.as_bytes()] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    for (f, n, t) in folders {
        for part in [f, n, t] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `net` (validated, with its scenarios and demand sets already checked by the caller),
/// the folder documents and the stored `sections` (name, bytes: data derived from `net` by a
/// layer above, see the module's layout) to `out`, through a temporary file renamed into
/// place, so a server reloading `out` never reads a half-written file.
///
/// # Errors
/// [`PreparedError::Io`] when the file cannot be written.
pub fn write(
    net: &Network,
    folders: &[(String, String, String)],
    source: String,
    source_digest: String,
    sections: &[(&str, &[u8])],
    out: &Path,
) -> Result<Header, PreparedError> {
    let vertex_count: usize = net.links().iter().map(|l| l.geometry.raw().len()).sum();
    let header = Header {
        format_version: FORMAT_VERSION,
        source_digest,
        source,
        build: format!("corridor {}", env!("CARGO_PKG_VERSION")),
        nodes: net.nodes().len(),
        links: net.links().len(),
        vertices: vertex_count,
        documents: folders.len(),
        sections: sections
            .iter()
            .map(|(n, b)| (n.to_string(), b.len()))
            .collect(),
    };
    let mut header_json = serde_json::to_vec(&header).unwrap_or_default();
    // Pad with spaces (JSON whitespace) so the payload starts on an 8-byte boundary.
    while !(MAGIC.len() + 8 + header_json.len() + 12).is_multiple_of(8) {
        header_json.push(b' ');
    }
    let io = |source| PreparedError::Io {
        path: out.display().to_string(),
        source,
    };
    let tmp = out.with_extension("prepare-tmp");
    let written = (|| -> std::io::Result<()> {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
        f.write_all(MAGIC)?;
        f.write_all(&FORMAT_VERSION.to_le_bytes())?;
        f.write_all(&(header_json.len() as u32).to_le_bytes())?;
        f.write_all(&header_json)?;
        // The payload's length and checksum, known once it is written: zeros for now.
        let sums_at = (MAGIC.len() + 8 + header_json.len()) as u64;
        f.write_all(&[0u8; 12])?;
        let mut w = Writer::new(f);
        w.count(net.nodes().len())?;
        w.texts(net.nodes().iter().map(|n| n.properties.as_json()))?;
        let points: Vec<[f64; 2]> = net
            .nodes()
            .iter()
            .map(|n| [n.point.x(), n.point.y()])
            .collect();
        w.pods(&points)?;
        w.count(net.links().len())?;
        w.texts(net.links().iter().map(|l| l.properties.as_json()))?;
        let lengths: Vec<f64> = net.links().iter().map(|l| l.length_km).collect();
        w.pods(&lengths)?;
        let mut starts = Vec::with_capacity(net.links().len() + 1);
        starts.push(0u64);
        let mut at = 0u64;
        for l in net.links() {
            at += l.geometry.raw().len() as u64;
            starts.push(at);
        }
        w.pods(&starts)?;
        w.count(vertex_count)?;
        // The vertices one link after another: the same bytes as one array.
        w.align()?;
        for l in net.links() {
            w.bytes(bytemuck::cast_slice(l.geometry.raw()))?;
        }
        w.count(folders.len())?;
        for (fo, n, t) in folders {
            w.texts([fo.as_str(), n.as_str(), t.as_str()].into_iter())?;
        }
        w.count(sections.len())?;
        for (name, bytes) in sections {
            w.texts(std::iter::once(*name))?;
            w.count(bytes.len())?;
            w.pods(bytes)?;
        }
        let (len, crc) = (w.len, w.crc.finalize());
        let mut f = w.out.into_inner().map_err(|e| e.into_error())?;
        f.seek(SeekFrom::Start(sums_at))?;
        f.write_all(&len.to_le_bytes())?;
        f.write_all(&crc.to_le_bytes())?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    std::fs::rename(&tmp, out).map_err(io)?;
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepared() -> (tempfile::TempDir, PathBuf, Network) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("net.corridor");
        let net = Network::embedded().unwrap();
        let folders = vec![(
            "scenarios".to_string(),
            "x".to_string(),
            "{\"name\": \"x\"}".to_string(),
        )];
        let sections: &[(&str, &[u8])] = &[("empty", &[]), ("some.v1", &[1, 2, 3, 4, 5])];
        write(&net, &folders, "test".into(), "d".into(), sections, &path).unwrap();
        (dir, path, net)
    }

    #[test]
    fn a_prepared_network_equals_the_validated_one() {
        let (_d, path, net) = prepared();
        let file = PreparedFile::open(&path).unwrap();
        let back = file.network().unwrap();
        assert_eq!(back.nodes().len(), net.nodes().len());
        for (a, b) in net.links().iter().zip(back.links()) {
            assert_eq!(a.id, b.id);
            assert_eq!(a.properties, b.properties);
            assert_eq!(a.geometry, b.geometry);
            assert_eq!(a.length_km.to_bits(), b.length_km.to_bits(), "{}", a.id);
            assert_eq!(format!("{a:?}"), format!("{b:?}"));
        }
        for (a, b) in net.nodes().iter().zip(back.nodes()) {
            assert_eq!(format!("{a:?}"), format!("{b:?}"));
        }
        assert_eq!(file.header.links, net.links().len());
        assert_eq!(file.folders().len(), 1);
        assert_eq!(file.section("some.v1"), Some(&[1u8, 2, 3, 4, 5][..]));
        assert_eq!(file.section("empty"), Some(&[][..]));
        assert_eq!(file.section("some.v2"), None);
        let aligned = file.section("some.v1").unwrap().as_ptr() as usize;
        assert_eq!(aligned % 8, 0, "a section starts on a word");
        assert_eq!(
            file.header.sections,
            vec![("empty".to_string(), 0), ("some.v1".to_string(), 5)]
        );
    }

    #[test]
    fn every_damage_is_named() {
        let (_d, path, _) = prepared();
        let good = std::fs::read(&path).unwrap();
        let open = |bytes: Vec<u8>| PreparedFile::from_bytes(&path, bytes).unwrap_err();
        assert!(matches!(
            open(Vec::new()),
            PreparedError::NotPrepared { .. }
        ));
        assert!(matches!(
            open(b"{\"type\":\"FeatureCollection\"}".to_vec()),
            PreparedError::NotPrepared { .. }
        ));
        let mut v = good.clone();
        v[16] = 9;
        assert!(matches!(
            open(v),
            PreparedError::Version {
                found: 9,
                expected: 2,
                ..
            }
        ));
        for cut in [20, 100, good.len() / 2, good.len() - 1] {
            let e = open(good[..cut].to_vec());
            assert!(matches!(e, PreparedError::Truncated { .. }), "{cut}: {e}");
            assert!(e.to_string().contains("truncated"), "{e}");
        }
        let mut v = good.clone();
        let last = v.len() - 3;
        v[last] ^= 0x10;
        let e = open(v);
        assert!(matches!(e, PreparedError::Checksum { .. }), "{e}");
        assert!(e.to_string().contains("corrupted"), "{e}");
    }
}
