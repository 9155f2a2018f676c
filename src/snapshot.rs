//! A served network with everything derived from it, built once per load and swapped whole on
//! reload: requests in flight keep the snapshot they started with.
//!
//! Pure domain: the network, its indexes and search graph. Serialised output (the `/v1/network`
//! bytes, ETags) is cached by the HTTP layer beside it (`Served` in the http module).

use crate::index::SpatialIndex;
use crate::network::{CapacityConversion, LoadError, Network};
use crate::route::{RouteData, SearchGraph};

/// A validated network plus its derived, read-only structures.
#[derive(Debug)]
pub struct Snapshot {
    /// The network.
    pub network: Network,
    /// Default capacity conversion constants.
    pub conversion: CapacityConversion,
    /// Spatial indexes.
    pub index: SpatialIndex,
    /// Route search graph (node × arriving mode × gauge, CSR), with default weights.
    pub search: SearchGraph,
}

impl Snapshot {
    /// Derives everything searched from a validated network.
    pub fn build(network: Network) -> Self {
        let conversion = CapacityConversion::default();
        let index = SpatialIndex::build(&network);
        let search = SearchGraph::build(&network);
        Self {
            network,
            conversion,
            index,
            search,
        }
    }

    /// Loads the embedded default network.
    pub fn embedded() -> Result<Self, LoadError> {
        Network::embedded().map(Self::build)
    }
}

impl<'a> From<&'a Snapshot> for RouteData<'a> {
    fn from(s: &'a Snapshot) -> Self {
        RouteData {
            network: &s.network,
            index: &s.index,
            search: &s.search,
        }
    }
}
