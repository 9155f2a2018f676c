//! A served network with everything derived from it, built once per load and swapped whole on
//! reload: requests in flight keep the snapshot they started with.
//!
//! Pure domain: the network, its indexes and search graph, and one prepared snapshot per
//! scenario (the scenario's changed network with its own search graph). Serialised output (the
//! `/v1/network` bytes, ETags) is cached by the HTTP layer beside it (`Served` in the http
//! module).
//!
//! # Scenario overlays
//! [`Snapshot::overlay`] derives a scenario's snapshot from a prepared one cheaply enough to do
//! per request (an inline scenario): the edited links and nodes are read again and checked
//! ([`Scenario::apply`]); the rest of the network, the spatial index (unless the scenario adds
//! a link or node), the search graph (unless the scenario changes a field it reads: closed or
//! not, mode, gauge, direction, length, speed, dwell, …) and every compiled crossing schedule
//! the scenario does not change are shared through `Arc`s.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::capacity::demand::{self, DemandSet};
use crate::cost::schedule::{HolidayCalendars, ScheduleTable};
use crate::index::SpatialIndex;
use crate::network::prepared::PreparedFile;
use crate::network::scenario::{
    self, Scenario, ScenarioError, ScenarioRef, Target, UnknownScenario,
};
use crate::network::source::Source;
use crate::network::{CapacityConversion, LoadError, Network, Problem, Status};
use crate::route::{MaskCache, RouteData, SearchGraph};

/// A validated network plus its derived, read-only structures.
#[derive(Debug)]
pub struct Snapshot {
    /// The network.
    pub network: Network,
    /// Default capacity conversion constants.
    pub conversion: CapacityConversion,
    /// Spatial indexes (shared with the scenario snapshots that add nothing).
    pub index: Arc<SpatialIndex>,
    /// Route search graph (node × arriving mode × gauge, CSR), with default weights (shared
    /// with the scenario snapshots whose changes it does not read).
    pub search: Arc<SearchGraph>,
    /// Compiled crossing schedules (for searches with a departure time).
    pub schedules: ScheduleTable,
    /// The scenarios loaded with the network, by name, each prepared once (empty in a
    /// scenario's own snapshot).
    pub scenarios: BTreeMap<String, ScenarioCase>,
    /// The demand sets loaded with the network, by name (empty in a scenario's snapshot).
    pub demand: BTreeMap<String, DemandSet>,
    /// The prepared file the network was read from, for the data derived from it that the
    /// file stores ([`PreparedFile::section`]: the tiles' thinning); `None` for other sources
    /// and in a scenario's snapshot.
    pub stored: Option<Arc<PreparedFile>>,
    /// The link masks of requests without avoid lists, computed once per network.
    pub masks: MaskCache,
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
        let index = Arc::new(SpatialIndex::build(&network));
        let search = Arc::new(SearchGraph::build(&network));
        Self {
            network,
            conversion,
            index,
            search,
            schedules,
            scenarios: BTreeMap::new(),
            demand: BTreeMap::new(),
            stored: None,
            masks: MaskCache::default(),
        }
    }

    /// Adds prepared scenarios: one derived snapshot per scenario network (each network the
    /// result of [`Scenario::apply`] on this snapshot's network).
    ///
    /// # Complexity
    /// One [`Snapshot::derive`] per scenario, at load only.
    ///
    /// # Errors
    /// [`LoadError::Invalid`] when a scenario's network has a crossing schedule that does not
    /// compile (reported against the change, file `scenarios/NAME.json`).
    pub fn with_scenarios(
        mut self,
        scenarios: Vec<(Scenario, Network)>,
    ) -> Result<Self, LoadError> {
        let mut problems = Vec::new();
        for (scenario, network) in scenarios {
            let file = format!("{}/{}.json", scenario::SCENARIOS_DIR, scenario.name);
            match self.derive(&scenario, &file, network) {
                Ok(snapshot) => {
                    self.scenarios
                        .insert(scenario.name.clone(), ScenarioCase { scenario, snapshot });
                }
                Err(p) => problems.extend(p),
            }
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(LoadError::Invalid(problems))
        }
    }

    /// The snapshot of this one's network with `scenario` applied: what a request naming
    /// the scenario (or giving it inline) is answered on. Checked exactly as the data files
    /// are ([`Scenario::apply`]) and its changed crossing schedules compiled.
    ///
    /// # Arguments
    /// - `scenario`: parsed against this snapshot's network ([`Scenario::parse`] or
    ///   [`Scenario::parse_inline`]);
    /// - `file`: the name its problems carry (`scenarios/NAME.json`, or what a request calls
    ///   an inline scenario).
    ///
    /// # Errors
    /// Every problem of the changed network (validation, then crossing schedules), each
    /// against its change: file `file`, `feature` the change index, `field`
    /// `changes[i].FIELD`.
    ///
    /// # Complexity
    /// For edits (`link` / `node` + `set`): the edited features are read and checked again,
    /// the link list is copied (each link's strings; its properties and geometry are shared),
    /// the search graph is rebuilt only when a field it reads changed, and only changed
    /// schedule specs are compiled; the rest is shared. A scenario that adds a link
    /// or node is validated whole and rebuilds the spatial index (milliseconds).
    pub fn overlay(&self, scenario: &Scenario, file: &str) -> Result<Snapshot, Vec<Problem>> {
        let network = scenario.apply(file, &self.network)?;
        self.derive(scenario, file, network)
    }

    /// The snapshot of `network`, the result of [`Scenario::apply`] of `scenario` to this
    /// snapshot's network, sharing what the scenario does not change.
    ///
    /// # Errors
    /// The crossing schedules of the changed links that do not compile, against their change.
    pub fn derive(
        &self,
        scenario: &Scenario,
        file: &str,
        network: Network,
    ) -> Result<Snapshot, Vec<Problem>> {
        // The schedules to compile again: added links, and edited links whose edit sets a
        // field a schedule is read from (a capacity or status edit keeps the schedule).
        let touched: Vec<usize> = scenario
            .changes
            .iter()
            .filter(|c| match &c.target {
                Target::AddLink(_) => true,
                Target::Link(_) => c.set.keys().any(|k| ScheduleTable::reads_field(k)),
                Target::Node(_) | Target::AddNode(_) => false,
            })
            .filter_map(|c| network.link_ix(c.target.id()))
            .collect();
        let (schedules, problems) =
            self.schedules
                .overlay(&network, &touched, HolidayCalendars::embedded());
        if !problems.is_empty() {
            return Err(scenario.blame(file, &problems));
        }
        // Edits keep every position and geometry: the spatial index holds.
        let index = if scenario.adds() {
            Arc::new(SpatialIndex::build(&network))
        } else {
            Arc::clone(&self.index)
        };
        // The search graph reads few fields (status closed or not, mode, gauge, direction,
        // length, speed, dwell, …): a scenario that changes none of them shares it. A link
        // the scenario closes keeps its edges in the shared graph, as a mask: every search
        // refuses a closed link by the scenario network's status (`Constraints`' link mask),
        // and closing only lengthens routes, so the graph's landmarks stay lower bounds.
        // Opening a closed link needs edges the graph left out: that rebuilds it.
        let graph_holds = !scenario.adds()
            && scenario.changes.iter().all(|c| match &c.target {
                Target::Link(id) => self.network.link_ix(id).is_some_and(|ix| {
                    let (old, new) = (&self.network.links()[ix], &network.links()[ix]);
                    new.status == Status::Closed || SearchGraph::same_link_inputs(old, new)
                }),
                Target::Node(id) => self.network.node_ix(id).is_some_and(|ix| {
                    SearchGraph::same_node_inputs(&self.network.nodes()[ix], &network.nodes()[ix])
                }),
                Target::AddLink(_) | Target::AddNode(_) => false,
            });
        let search = if graph_holds {
            Arc::clone(&self.search)
        } else {
            Arc::new(SearchGraph::build(&network))
        };
        Ok(Snapshot {
            network,
            conversion: self.conversion,
            index,
            search,
            schedules,
            scenarios: BTreeMap::new(),
            demand: BTreeMap::new(),
            stored: None,
            masks: MaskCache::default(),
        })
    }

    /// Reads and validates the network of `source`, its scenarios and demand sets, and derives
    /// everything.
    ///
    /// # Errors
    /// [`LoadError`] when the network or any scenario cannot be read or is invalid: a server
    /// never serves an invalid scenario.
    pub fn load(source: &Source) -> Result<Self, LoadError> {
        let network = source.load()?;
        Self::load_with(network, source)
    }

    /// As [`Snapshot::load`], on a network already read and validated from `source` (whose
    /// scenarios and demand sets are read here).
    ///
    /// # Errors
    /// As [`Snapshot::load`].
    pub fn load_with(network: Network, source: &Source) -> Result<Self, LoadError> {
        let docs = scenario::documents(source)?;
        let mut snap = Self::try_build(network)?;
        let mut problems = Vec::new();
        for d in &docs {
            let parsed = Scenario::parse(&d.file, &d.text, &snap.network)
                .and_then(|s| snap.overlay(&s, &d.file).map(|o| (s, o)));
            match parsed {
                Ok((scenario, snapshot)) => {
                    snap.scenarios
                        .insert(scenario.name.clone(), ScenarioCase { scenario, snapshot });
                }
                Err(p) => problems.extend(p),
            }
        }
        if !problems.is_empty() {
            return Err(LoadError::Invalid(problems));
        }
        let demand = demand::load(&demand::documents(source)?, &snap.network)?;
        snap.demand = demand.into_iter().map(|d| (d.name.clone(), d)).collect();
        snap.stored = source.prepared_file().cloned();
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

/// The snapshot a request is answered on: this one, a loaded scenario's, or an inline
/// scenario's (derived for the request).
#[derive(Debug)]
pub enum Chosen<'a> {
    /// The network as it is.
    Baseline(&'a Snapshot),
    /// A scenario loaded with the network.
    Loaded(&'a ScenarioCase),
    /// An inline scenario and its overlay.
    Inline(Box<ScenarioCase>),
}

impl Chosen<'_> {
    /// The scenario applied: `None` for the baseline.
    pub fn scenario(&self) -> Option<&Scenario> {
        match self {
            Chosen::Baseline(_) => None,
            Chosen::Loaded(c) => Some(&c.scenario),
            Chosen::Inline(c) => Some(&c.scenario),
        }
    }
}

impl std::ops::Deref for Chosen<'_> {
    type Target = Snapshot;
    fn deref(&self) -> &Snapshot {
        match self {
            Chosen::Baseline(s) => s,
            Chosen::Loaded(c) => &c.snapshot,
            Chosen::Inline(c) => &c.snapshot,
        }
    }
}

impl Snapshot {
    /// The snapshot for a request's scenario: none (this one), a loaded one by name, or an
    /// inline one, read against this network and applied as an overlay ([`Snapshot::overlay`]).
    ///
    /// # Arguments
    /// - `member`: what the request calls the scenario (`scenario`), the `file` of an inline
    ///   scenario's problems.
    ///
    /// # Errors
    /// [`ScenarioError::Unknown`] with close names; [`ScenarioError::Invalid`] listing every
    /// problem of an inline scenario (its document, then the changed network).
    pub fn choose(
        &self,
        which: Option<&ScenarioRef>,
        member: &str,
    ) -> Result<Chosen<'_>, ScenarioError> {
        match which {
            None => Ok(Chosen::Baseline(self)),
            Some(ScenarioRef::Named(n)) => {
                self.scenarios.get(n).map(Chosen::Loaded).ok_or_else(|| {
                    UnknownScenario::new(n, self.scenarios.keys().map(String::as_str)).into()
                })
            }
            Some(ScenarioRef::Inline(doc)) => {
                let scenario = Scenario::parse_inline(member, doc, &self.network)
                    .map_err(ScenarioError::Invalid)?;
                let snapshot = self
                    .overlay(&scenario, member)
                    .map_err(ScenarioError::Invalid)?;
                Ok(Chosen::Inline(Box::new(ScenarioCase {
                    scenario,
                    snapshot,
                })))
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
            masks: &s.masks,
        }
    }
}
