//! "Where does it go, and what saturates?": assigning a list of demands (origin, destination,
//! tonnes a year) over the network within link capacities, `POST /v1/assign`'s question.
//!
//! - [`request`]: the body as sent ([`AssignRequest`], deserialised with serde) and its
//!   checking into an [`AssignQuery`], every bad field named (`demands[3].tonnes_per_year`);
//! - [`solve`]: the assignment itself ([`assign`]);
//! - [`reference`]: the first, simple solver, kept as the test oracle of [`solve`];
//! - [`result`]: what it answers ([`Assignment`]).
//!
//! # Method
//! Demands are assigned one after another, in the order given (earlier demands have
//! priority). Each is a min-cost flow by successive shortest paths on what earlier demands
//! left: cheapest path first ([`super::pricing::link_usd_per_t`]), then the next cheapest as
//! links fill, rerouting the demand's own earlier tonnes when that is cheaper overall; what no
//! path can carry is reported as unserved. A link's capacity bounds the tonnes it carries in
//! both directions together; a link with direction-specific capacities
//! (`capacity_forward` / `capacity_backward`) bounds each direction by its own figure. The result depends on the order of the demands, as any
//! incremental assignment does; it is not a system optimum over all demands at once.

pub mod reference;
pub mod request;
pub mod result;
pub mod solve;

pub use request::{
    AssignQuery, AssignRequest, Demand, DemandRequest, Loose, MAX_DEMAND_TPY, MAX_DEMANDS,
    MAX_LIST_ITEMS, SetCapacity, StrList,
};
pub use result::{Assignment, DemandResult, LinkLoad, Route, SATURATION};
pub use solve::assign;
