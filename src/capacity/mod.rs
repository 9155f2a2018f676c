//! Capacity: how much can go. Max-flow and min-cut between sets of places, and the
//! assignment of demands within link capacities, over the same network and filters routing
//! uses ([`crate::cost::Constraints`]).
//!
//! - [`request`]: `GET /v1/capacity`'s request model ([`CapacityRequest`]) and the checks
//!   both capacity endpoints share (places, constraints, overrides, conversion);
//! - [`maxflow`]: `GET /v1/capacity`'s question ([`CapacityQuery`]) and answer;
//! - [`assign`]: `POST /v1/assign`'s body ([`AssignRequest`]), question ([`AssignQuery`]),
//!   solver and answer;
//! - [`compare`]: what a scenario changes in a capacity answer (the typed `delta` of the
//!   compare endpoints);
//! - [`flow`]: a compact flow network with Dinic's max-flow, min-cost flow and path
//!   decomposition (no corridor knowledge);
//! - [`graph`]: the corridor network as a flow network (rail and road sides of each node,
//!   transshipments only at intermodal nodes);
//! - [`pricing`]: the per-link and per-transshipment cost the assignment minimises, from the
//!   routing profile.
//!
//! Capacities are tonnes a year, converted from the data's units with
//! [`crate::network::CapacityConversion`]; links without one are unconstrained.

pub mod assign;
pub mod compare;
pub mod demand;
pub mod flow;
pub mod graph;
pub mod maxflow;
pub mod pricing;
pub mod request;

pub use assign::{
    AssignQuery, AssignRequest, Assignment, Demand, DemandRequest, Loose, StrList, assign,
};
pub use maxflow::{
    CapacityQuery, CapacityResult, CorridorFlow, CrossingFlow, MaxFlowValue, Step,
    TRANSIT_ASSUMPTION, Transit, max_flow,
};
pub use request::{CapacityRequest, ConstraintInput, ConversionInput, Issue, Overrides, PlaceSet};

/// Why a capacity question cannot be answered as asked. No HTTP here: the http layer's `error` module
/// maps each variant to a status.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CapacityError {
    /// Malformed or unknown inputs, each named by its field.
    #[error("{}", .0.iter().map(|i| format!("{}: {}", i.field, i.detail)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<Issue>),
    /// A place that is neither a node id nor a country code of the network.
    #[error("{field}: {detail}")]
    UnknownPlace {
        /// The parameter naming it.
        field: String,
        /// What was not found.
        detail: String,
        /// Up to five close node ids or country codes.
        suggestions: Vec<String>,
    },
    /// A place that stands for no usable node under the constraints (a road-only node with
    /// `mode=rail`, an avoided country, an empty list).
    #[error("{field}: {detail}")]
    NoPlaces {
        /// The parameter naming it.
        field: String,
        /// Why it is empty.
        detail: String,
    },
    /// Sources and sinks overlap.
    #[error("{field}: {detail}")]
    SameSourceSink {
        /// The parameter at fault (`to`).
        field: String,
        /// Which nodes are both.
        detail: String,
    },
    /// More demands than [`assign::MAX_DEMANDS`] (a domain limit: the work grows with them).
    #[error("{count} demands exceed the limit of {max} per request")]
    TooManyDemands {
        /// Demands given.
        count: usize,
        /// The limit.
        max: usize,
    },
}

impl CapacityError {
    /// The error with every field renamed by `rename` (the command line names `from` as
    /// `FROM` and `set_capacity` as `--set-capacity`).
    pub fn map_fields(self, rename: impl Fn(&str) -> String) -> Self {
        match self {
            CapacityError::Invalid(issues) => CapacityError::Invalid(
                issues
                    .into_iter()
                    .map(|i| Issue::new(rename(&i.field), i.detail))
                    .collect(),
            ),
            CapacityError::UnknownPlace {
                field,
                detail,
                suggestions,
            } => CapacityError::UnknownPlace {
                field: rename(&field),
                detail,
                suggestions,
            },
            CapacityError::NoPlaces { field, detail } => CapacityError::NoPlaces {
                field: rename(&field),
                detail,
            },
            CapacityError::SameSourceSink { field, detail } => CapacityError::SameSourceSink {
                field: rename(&field),
                detail,
            },
            e @ CapacityError::TooManyDemands { .. } => e,
        }
    }

    /// The error as one field issue (for gathering per-demand problems).
    pub fn into_issue(self) -> Issue {
        match self {
            CapacityError::Invalid(mut v) if !v.is_empty() => v.swap_remove(0),
            CapacityError::UnknownPlace {
                field,
                detail,
                suggestions,
            } => {
                let hint = if suggestions.is_empty() {
                    String::new()
                } else {
                    format!(" (did you mean {}?)", suggestions.join(", "))
                };
                Issue::new(field, format!("{detail}{hint}"))
            }
            CapacityError::NoPlaces { field, detail }
            | CapacityError::SameSourceSink { field, detail } => Issue::new(field, detail),
            other => Issue::new("body", other.to_string()),
        }
    }
}
