//! A served network with everything derived from it, built once per load and swapped whole on
//! reload: requests in flight keep the snapshot they started with.
//!
//! Pure domain: the network, its indexes and search graph, and one prepared snapshot per
//! scenario (the scenario's changed network with its own indexes and search graph). Serialised
//! output (the `/v1/network` bytes, ETags) is cached by the HTTP layer beside it (`Served` in
//! the http module).

use std::collections::BTreeMap;

use crate::capacity::demand::{self, DemandSet};
use crate::cost::schedule::{HolidayCalendars, ScheduleTable};
use crate::index::SpatialIndex;
use crate::network::scenario::{self, Scenario, UnknownScenario};
use crate::network::source::Source;
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
    /// The scenarios loaded with the network, by name, each prepared once (empty in a
    /// scenario's own snapshot).
    pub scenarios: BTreeMap<String, ScenarioCase>,
    /// The demand sets loaded with the network, by name (empty in a scenario's snapshot).
    pub demand: BTreeMap<String, DemandSet>,
}

/// A scenario and the snapshot of the network it changes: what a request naming the scenario
/// is answered on. Prepared at load, so a request only looks it up.
#[derive(Debug)]
pub struct ScenarioCase {
    /// The checked scenario.
    pub scenario: Scenario,
    /// The changed network and everything derived from it.
    pub snapshot: Snapshot,
}

impl Snapshot {
    /// Derives everything searched from a validated network (no scenarios). A crossing whose
    /// schedule does not compile is logged and left without one; [`Snapshot::try_build`]
    /// refuses it instead.
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
            scenarios: BTreeMap::new(),
            demand: BTreeMap::new(),
        }
    }

    /// Adds prepared scenarios: one derived snapshot per scenario network.
    ///
    /// # Complexity
    /// One [`Snapshot::try_build`] per scenario, at load only.
    ///
    /// # Errors
    /// [`LoadError::Invalid`] when a scenario's network has a crossing schedule that does not
    /// compile.
    pub fn with_scenarios(
        mut self,
        scenarios: Vec<(Scenario, Network)>,
    ) -> Result<Self, LoadError> {
        for (scenario, network) in scenarios {
            let snapshot = Snapshot::try_build(network)?;
            self.scenarios
                .insert(scenario.name.clone(), ScenarioCase { scenario, snapshot });
        }
        Ok(self)
    }

    /// Reads and validates the network of `source`, its scenarios and demand sets, and derives
    /// everything.
    ///
    /// # Errors
    /// [`LoadError`] when the network or any scenario cannot be read or is invalid: a server
    /// never serves an invalid scenario.
    pub fn load(source: &Source) -> Result<Self, LoadError> {
        let network = source.load()?;
        let docs = scenario::documents(source)?;
        let scenarios = scenario::load(&docs, &network)?;
        let demand = demand::load(&demand::documents(source)?, &network)?;
        let mut snap = Self::try_build(network)?.with_scenarios(scenarios)?;
        snap.demand = demand.into_iter().map(|d| (d.name.clone(), d)).collect();
        Ok(snap)
    }

    /// Loads the embedded default network and its scenarios.
    pub fn embedded() -> Result<Self, LoadError> {
        Self::load(&Source::Embedded)
    }

    /// The snapshot a request is answered on: this one for no scenario, else the scenario's.
    ///
    /// # Errors
    /// [`UnknownScenario`] with close names when no scenario has this name.
    pub fn scenario(&self, name: Option<&str>) -> Result<&Snapshot, UnknownScenario> {
        match name {
            None => Ok(self),
            Some(n) => {
                self.scenarios.get(n).map(|c| &c.snapshot).ok_or_else(|| {
                    UnknownScenario::new(n, self.scenarios.keys().map(String::as_str))
                })
            }
        }
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
