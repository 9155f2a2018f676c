//! Reading PBF in two passes, as OSRM's extractor does: ways and relations first (only the
//! selected ways are kept), then only the nodes those ways use. Memory is bounded by the
//! selected ways and their nodes, not by the file. Blobs are decoded in parallel (rayon).

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use indicatif::ProgressBar;
use osmpbf::{BlobDecode, BlobReader, RelMemberType};
use rayon::iter::{ParallelBridge, ParallelIterator};

use super::OsmImportError;
use super::select::{Selection, WayAttrs, select_way};
use super::stations::station_name;

/// A selected way: its id, attributes and node references in order.
#[derive(Debug, Clone)]
pub struct SelectedWay {
    /// OSM way id.
    pub id: i64,
    /// What it carries.
    pub attrs: WayAttrs,
    /// Node ids, in order.
    pub refs: Vec<i64>,
}

/// A bounding box in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    /// West.
    pub min_lon: f64,
    /// South.
    pub min_lat: f64,
    /// East.
    pub max_lon: f64,
    /// North.
    pub max_lat: f64,
}

impl BBox {
    /// Whether the box holds `(lon, lat)`.
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        (self.min_lon..=self.max_lon).contains(&lon) && (self.min_lat..=self.max_lat).contains(&lat)
    }
}

/// Tags of a node that matter to the network.
#[derive(Debug, Clone, Default)]
pub struct NodeTags {
    /// Name of a station ([`super::stations::station_name`]).
    pub station: Option<String>,
    /// A station placed on the track from beside it ([`super::stations`]): the OSM station
    /// node, its distance to the track (m) and the way it was placed on.
    pub beside: Option<(i64, f64, i64)>,
    /// `barrier=border_control`.
    pub border_control: bool,
    /// `name` of a `place=city|town`.
    pub place: Option<String>,
}

/// What pass 2 found: coordinates of the needed nodes (sorted by id, 1e-7 degrees), the
/// tags of those that matter, the cities and towns of the file, and how many nodes it read.
#[derive(Debug, Default)]
pub struct NodePass {
    /// `(id, lon, lat)` in 1e-7 degrees, sorted by id.
    pub coords: Vec<(i64, i32, i32)>,
    /// Tags of needed nodes that are stations or border controls.
    pub tags: HashMap<i64, NodeTags>,
    /// Named cities and towns anywhere in the file: `(name, lon, lat)`.
    pub places: Vec<(String, f64, f64)>,
    /// Named stations on no selected way (inside `--bbox`): `(id, name, lon, lat)`, 1e-7
    /// degrees; [`super::stations::attach_beside`] places those near the track on it.
    pub stations_beside: Vec<(i64, String, i32, i32)>,
    /// Nodes read in the file(s).
    pub nodes_read: u64,
}

impl NodePass {
    /// The position `(lon, lat)` of node `id`, if read.
    pub fn position(&self, id: i64) -> Option<(f64, f64)> {
        let i = self.coords.binary_search_by_key(&id, |c| c.0).ok()?;
        let (_, lon, lat) = self.coords[i];
        Some((f64::from(lon) * 1e-7, f64::from(lat) * 1e-7))
    }

    /// The position `[lon, lat]` of node `id` in 1e-7 degrees, if read.
    pub fn position7(&self, id: i64) -> Option<[i32; 2]> {
        let i = self.coords.binary_search_by_key(&id, |c| c.0).ok()?;
        let (_, lon, lat) = self.coords[i];
        Some([lon, lat])
    }
}

fn reader(path: &Path) -> Result<BlobReader<BufReader<File>>, OsmImportError> {
    BlobReader::from_path(path).map_err(|e| OsmImportError::Pbf {
        path: path.display().to_string(),
        detail: e.to_string(),
    })
}

fn pbf_error(path: &Path, e: osmpbf::Error) -> OsmImportError {
    OsmImportError::Pbf {
        path: path.display().to_string(),
        detail: e.to_string(),
    }
}

/// Checks that the file starts with an `OSMHeader` blob and every blob reads and decodes;
/// `f` runs on each data block, in parallel, and its results come back with the blob's index
/// in the file. A blob whose index `skip` says is not needed is read but not decompressed
/// (pass 2 skips the blobs pass 1 found to hold no node: a third of a real extract).
fn each_block<T, F>(
    path: &Path,
    pb: &ProgressBar,
    skip: Option<&[bool]>,
    f: F,
) -> Result<Vec<(usize, T)>, OsmImportError>
where
    T: Send,
    F: Fn(&osmpbf::PrimitiveBlock) -> T + Sync + Send,
{
    let mut blobs = reader(path)?.enumerate();
    // The first blob must be the header: a text or random file fails here with a clear error
    // instead of being read as an empty extract.
    match blobs.next() {
        Some((_, Ok(b))) => match b.decode() {
            Ok(BlobDecode::OsmHeader(_)) => {}
            Ok(_) => {
                return Err(OsmImportError::Pbf {
                    path: path.display().to_string(),
                    detail: "the first block is not an OSMHeader".into(),
                });
            }
            Err(e) => return Err(pbf_error(path, e)),
        },
        Some((_, Err(e))) => return Err(pbf_error(path, e)),
        None => {
            return Err(OsmImportError::Pbf {
                path: path.display().to_string(),
                detail: "the file is empty".into(),
            });
        }
    }
    let results: Vec<Result<Option<(usize, T)>, OsmImportError>> = blobs
        .par_bridge()
        .map(|(i, blob)| {
            let blob = blob.map_err(|e| pbf_error(path, e))?;
            pb.inc(1);
            if skip.is_some_and(|s| s.get(i).copied().unwrap_or(false)) {
                return Ok(None);
            }
            let out = match blob.decode().map_err(|e| pbf_error(path, e))? {
                BlobDecode::OsmData(block) => Some((i, f(&block))),
                _ => None,
            };
            Ok(out)
        })
        .collect();
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        if let Some(t) = r? {
            out.push(t);
        }
    }
    Ok(out)
}

/// What pass 1 found: the selected ways, and per file which blobs hold no node.
#[derive(Debug, Default)]
pub struct WayPass {
    /// The selected ways, sorted by id, each once.
    pub ways: Vec<SelectedWay>,
    /// Per input file, per blob index: `true` when the blob holds no node (pass 2 skips it).
    pub nodeless_blobs: Vec<Vec<bool>>,
}

/// Pass 1: the selected ways of every file (a way in two files is kept once) with their
/// Asian Highway refs from route relations, and which blobs hold no node.
///
/// # Errors
/// [`OsmImportError::Pbf`] when a file is not a readable PBF.
pub fn read_ways(
    paths: &[&Path],
    sel: &Selection,
    pb: &ProgressBar,
) -> Result<WayPass, OsmImportError> {
    let mut ways: Vec<SelectedWay> = Vec::new();
    let mut ah: HashMap<i64, Vec<String>> = HashMap::new();
    let mut nodeless_blobs = Vec::with_capacity(paths.len());
    for path in paths {
        let blocks = each_block(path, pb, None, |block| {
            let mut ws = Vec::new();
            let mut rels = Vec::new();
            let mut has_nodes = false;
            for g in block.groups() {
                has_nodes |= g.dense_nodes().next().is_some() || g.nodes().next().is_some();
                for w in g.ways() {
                    if let Some(attrs) = select_way(w.tags(), sel) {
                        ws.push(SelectedWay {
                            id: w.id(),
                            attrs,
                            refs: w.refs().collect(),
                        });
                    }
                }
                if sel.road {
                    for r in g.relations() {
                        if let Some(ah_ref) = asian_highway_ref(r.tags()) {
                            for m in r.members() {
                                if m.member_type == RelMemberType::Way {
                                    rels.push((m.member_id, ah_ref.clone()));
                                }
                            }
                        }
                    }
                }
            }
            (ws, rels, has_nodes)
        })?;
        // Blobs not listed (the header, or any not decoded) are read in pass 2.
        let mut nodeless = vec![false; blocks.iter().map(|b| b.0 + 1).max().unwrap_or(0)];
        for (i, (ws, rels, has_nodes)) in blocks {
            nodeless[i] = !has_nodes;
            ways.extend(ws);
            for (w, r) in rels {
                ah.entry(w).or_default().push(r);
            }
        }
        nodeless_blobs.push(nodeless);
    }
    ways.sort_by_key(|w| w.id);
    ways.dedup_by_key(|w| w.id);
    for w in &mut ways {
        if let Some(refs) = ah
            .get(&w.id)
            .filter(|_| w.attrs.mode == crate::network::Mode::Road)
        {
            let mut refs = refs.clone();
            refs.sort();
            refs.dedup();
            w.attrs.ah_refs = refs;
        }
    }
    Ok(WayPass {
        ways,
        nodeless_blobs,
    })
}

/// `ref` of an Asian Highway road route relation (`network=AH`, or a `ref` starting `AH`
/// on a relation tagged `network=AH…`).
fn asian_highway_ref<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Option<String> {
    let (mut route, mut network, mut reference) = (None, None, None);
    for (k, v) in tags {
        match k {
            "route" => route = Some(v),
            "network" => network = Some(v),
            "ref" => reference = Some(v),
            _ => {}
        }
    }
    let is_ah = route == Some("road") && network.is_some_and(|n| n == "AH" || n.starts_with("AH:"));
    is_ah.then(|| reference.map(str::to_string)).flatten()
}

/// Pass 2: positions of the nodes in `needed` (sorted, distinct) inside `bbox`, the tags of
/// stations and border controls among them, and the named cities and towns. `nodeless` is
/// pass 1's [`WayPass::nodeless_blobs`] (those blobs are skipped), or empty.
///
/// # Errors
/// [`OsmImportError::Pbf`] when a file is not a readable PBF.
pub fn read_nodes(
    paths: &[&Path],
    needed: &[i64],
    nodeless: &[Vec<bool>],
    bbox: Option<BBox>,
    pb: &ProgressBar,
) -> Result<NodePass, OsmImportError> {
    let mut pass = NodePass::default();
    for (k, path) in paths.iter().enumerate() {
        let skip = nodeless.get(k).map(Vec::as_slice);
        let blocks = each_block(path, pb, skip, |block| {
            let mut part = NodePass::default();
            // A cursor into `needed`: a block's nodes come in id order in sorted files, so
            // each lookup is a step or two forward, not a binary search of the whole list
            // (any order still answers right: a smaller id searches from the start).
            let mut at = 0usize;
            let mut prev = i64::MIN;
            let mut is_needed = |id: i64| {
                if id < prev {
                    at = needed.partition_point(|&x| x < id);
                } else {
                    let mut steps = 0;
                    while at < needed.len() && needed[at] < id && steps < 8 {
                        at += 1;
                        steps += 1;
                    }
                    if at < needed.len() && needed[at] < id {
                        at += needed[at..].partition_point(|&x| x < id);
                    }
                }
                prev = id;
                needed.get(at) == Some(&id)
            };
            let mut visit =
                |id: i64, lon7: i32, lat7: i32, tags: &mut dyn Iterator<Item = (&str, &str)>| {
                    part.nodes_read += 1;
                    let wanted = is_needed(id);
                    let (lon, lat) = (f64::from(lon7) * 1e-7, f64::from(lat7) * 1e-7);
                    let inside = bbox.is_none_or(|b| b.contains(lon, lat));
                    let mut t = NodeTags::default();
                    let (mut name, mut place) = (None, None);
                    // Only nodes with tags reach here with a non-empty iterator; the few
                    // station keys are kept for `station_name`.
                    let mut kept: Vec<(&str, &str)> = Vec::new();
                    for (k, v) in tags {
                        match k {
                            "name" => {
                                name = Some(v);
                                kept.push((k, v));
                            }
                            "place" => place = Some(v),
                            "barrier" if v == "border_control" => t.border_control = true,
                            "railway" | "public_transport" | "train" | "station" => {
                                kept.push((k, v));
                            }
                            _ => {}
                        }
                    }
                    if !inside {
                        return;
                    }
                    if let (Some("city" | "town"), Some(n)) = (place, name) {
                        part.places.push((n.to_string(), lon, lat));
                    }
                    let station = station_name(kept.iter().copied());
                    if wanted {
                        part.coords.push((id, lon7, lat7));
                        t.station = station.map(str::to_string);
                        if t.station.is_some() || t.border_control {
                            part.tags.insert(id, t);
                        }
                    } else if let Some(s) = station {
                        part.stations_beside.push((id, s.to_string(), lon7, lat7));
                    }
                };
            for g in block.groups() {
                for n in g.dense_nodes() {
                    visit(n.id(), n.decimicro_lon(), n.decimicro_lat(), &mut n.tags());
                }
                for n in g.nodes() {
                    visit(n.id(), n.decimicro_lon(), n.decimicro_lat(), &mut n.tags());
                }
            }
            part
        })?;
        // Reserved at once: growing by doubling would hold up to twice the coordinates (16
        // bytes a needed node) beside the blocks' own while they are moved in.
        pass.coords
            .reserve(blocks.iter().map(|(_, p)| p.coords.len()).sum::<usize>());
        for (_, part) in blocks {
            pass.coords.extend(part.coords);
            pass.tags.extend(part.tags);
            pass.places.extend(part.places);
            pass.stations_beside.extend(part.stations_beside);
            pass.nodes_read += part.nodes_read;
        }
    }
    pass.coords.sort_unstable_by_key(|c| c.0);
    pass.coords.dedup_by_key(|c| c.0);
    Ok(pass)
}
