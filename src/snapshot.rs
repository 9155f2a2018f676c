//! A served network with everything derived from it, built once per load and swapped whole on
//! reload: requests in flight keep the snapshot they started with.

use std::sync::Arc;

use crate::index::SpatialIndex;
use crate::network::{CapacityConversion, LoadError, Network};
use crate::output;
use crate::route::SearchGraph;

/// A validated network plus its derived, read-only structures.
#[derive(Debug)]
pub struct Snapshot {
    /// The network.
    pub network: Network,
    /// Default capacity conversion constants.
    pub conversion: CapacityConversion,
    /// `/v1/network` pre-serialised (RFC 7946 FeatureCollection).
    pub network_json: Arc<[u8]>,
    /// Strong ETag of this snapshot's data (hash of the serialised network).
    pub etag: String,
    /// Spatial indexes.
    pub index: SpatialIndex,
    /// Route search graph (node × arriving mode × gauge, CSR), with default weights.
    pub search: SearchGraph,
}

impl Snapshot {
    /// Derives everything served from a validated network.
    pub fn build(network: Network) -> Self {
        let conversion = CapacityConversion::default();
        let fc = output::network_collection(&network, &conversion);
        let bytes = serde_json::to_vec(&fc).unwrap_or_default();
        let etag = format!("\"{:016x}\"", fnv1a(&bytes));
        let index = SpatialIndex::build(&network);
        let search = SearchGraph::build(&network);
        Self {
            network,
            conversion,
            network_json: bytes.into(),
            etag,
            index,
            search,
        }
    }

    /// Loads the embedded default network.
    pub fn embedded() -> Result<Self, LoadError> {
        Network::embedded().map(Self::build)
    }
}

/// FNV-1a, 64 bit: a cheap content hash for ETags (not for security).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
