//! What an assignment answers: the load on each link, the tonnes transshipped at each node,
//! and per demand what was served and by which routes.

use crate::capacity::maxflow::Step;

/// A link counts as saturated when it carries at least this share of its capacity.
pub const SATURATION: f64 = 1.0 - 1e-6;

/// Load on one link.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkLoad {
    /// Index into [`crate::network::Network::links`].
    pub link_ix: usize,
    /// Tonnes a year carried `from → to` as the link is drawn.
    pub forward_tpy: f64,
    /// Tonnes a year carried `to → from`.
    pub backward_tpy: f64,
    /// Capacity, t/yr; `None` when unconstrained.
    pub capacity_tpy: Option<f64>,
    /// How many demands use the link.
    pub demand_count: usize,
}

impl LinkLoad {
    /// Total tonnes a year, both directions.
    pub fn flow_tpy(&self) -> f64 {
        self.forward_tpy + self.backward_tpy
    }

    /// Share of the capacity used, `None` when unconstrained or of zero capacity.
    pub fn utilization(&self) -> Option<f64> {
        self.capacity_tpy
            .filter(|&c| c > 0.0)
            .map(|c| self.flow_tpy() / c)
    }

    /// Whether the link is full.
    pub fn saturated(&self) -> bool {
        self.utilization().is_some_and(|u| u >= SATURATION)
    }
}

/// One route a demand takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Links and mode changes in order.
    pub steps: Vec<Step>,
    /// Tonnes a year on this route.
    pub tonnes_per_year: f64,
    /// Cost of a tonne on this route, USD ([`crate::capacity::pricing`]).
    pub cost_usd_per_t: f64,
}

/// What became of one demand.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandResult {
    /// Tonnes a year asked for.
    pub tonnes_per_year: f64,
    /// Tonnes a year carried.
    pub served_tpy: f64,
    /// Routes taken, largest first.
    pub routes: Vec<Route>,
}

impl DemandResult {
    /// Tonnes a year that found no capacity.
    pub fn unserved_tpy(&self) -> f64 {
        (self.tonnes_per_year - self.served_tpy).max(0.0)
    }
}

/// The result of [`super::assign`].
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Links carrying flow, by link index.
    pub links: Vec<LinkLoad>,
    /// Tonnes a year transshipped between rail and road at each intermodal node used (node
    /// index, t/yr).
    pub transshipments: Vec<(usize, f64)>,
    /// Per demand, in request order.
    pub demands: Vec<DemandResult>,
}

impl Assignment {
    /// Tonnes a year asked for, all demands.
    pub fn demanded_tpy(&self) -> f64 {
        self.demands.iter().map(|d| d.tonnes_per_year).sum()
    }
    /// Tonnes a year carried, all demands.
    pub fn served_tpy(&self) -> f64 {
        self.demands.iter().map(|d| d.served_tpy).sum()
    }
    /// Tonnes a year not carried, all demands.
    pub fn unserved_tpy(&self) -> f64 {
        self.demands.iter().map(DemandResult::unserved_tpy).sum()
    }
}
