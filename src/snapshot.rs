//! A served network with everything derived from it, built once per load and swapped whole on
//! reload: requests in flight keep the snapshot they started with.
//!
//! Pure domain: the network, its indexes and search graph. Serialised output (the `/v1/network`
//! bytes, ETags) is cached by the HTTP layer beside it (`Served` in the http module).

use crate::cost::schedule::{HolidayCalendars, ScheduleTable};
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
    /// Compiled crossing schedules (for searches with a departure time).
    pub schedules: ScheduleTable,
}

impl Snapshot {
    /// Derives everything searched from a validated network. A crossing whose schedule does
    /// not compile is logged and left without one; [`Snapshot::try_build`] refuses it instead.
    pub fn build(network: Network) -> Self {
        let (schedules, problems) =
            ScheduleTable::of_network(&network, HolidayCalendars::embedded());
        for p in &problems {
            tracing::warn!(problem = %p, "crossing schedule ignored");
        }
        Self::assemble(network, schedules)
    }

    /// As [`Snapshot::build`], but refuses a network with a crossing schedule that does not
    /// compile (malformed `opening_hours`, unknown `timezone` or `holidays` calendar).
    ///
    /// # Errors
    /// [`LoadError::Invalid`] listing every such problem with file, feature and field.
    pub fn try_build(network: Network) -> Result<Self, LoadError> {
        let (schedules, problems) =
            ScheduleTable::of_network(&network, HolidayCalendars::embedded());
        if !problems.is_empty() {
            return Err(LoadError::Invalid(problems));
        }
        Ok(Self::assemble(network, schedules))
    }

    fn assemble(network: Network, schedules: ScheduleTable) -> Self {
        let conversion = CapacityConversion::default();
        let index = SpatialIndex::build(&network);
        let search = SearchGraph::build(&network);
        Self {
            network,
            conversion,
            index,
            search,
            schedules,
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
            schedules: &s.schedules,
        }
    }
}
