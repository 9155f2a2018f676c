//! Costing: what a request allows (mode, status, avoid lists, cargo) and what links and
//! transfers cost. Kept apart from search, as Valhalla's sif is from thor.

mod constraints;

pub use constraints::{Cargo, Constraints, ModeFilter, Refusal};
