//! Corridor: the rail and road network linking Russia, Mongolia, China and Kazakhstan, and
//! the route and capacity questions asked of it, answered as GeoJSON (RFC 7946).
//!
//! One concern per module, as in Valhalla and OSRM:
//! - [`cancel`]: deadlines and cancellation polled inside long loops (a leaf, like `fields`);
//! - [`fields`]: field reading, lon/lat checks, suggestions, the enum macro (the foundation);
//! - [`network`]: model, loading and validation of `geodata/` (checked once, then read-only);
//! - [`db`]: PostgreSQL/PostGIS as a shared source (schema, load, dump, LISTEN);
//! - [`index`]: rstar spatial indexes for snapping and map queries;
//! - [`cost`]: what a request allows and what links and transfers cost;
//! - [`route`]: shortest paths and alternatives;
//! - [`capacity`]: max-flow, min-cut and demand assignment;
//! - [`import`]: networks built from outside data (OpenStreetMap PBF);
//! - [`output`]: GeoJSON serialisation;
//! - [`http`]: the actix-web service (thin handlers);
//! - [`cli`]: the command line.
#![warn(missing_docs)]

pub mod cancel;
pub mod capacity;
pub mod cli;
pub mod cost;
pub mod db;
pub mod fields;
pub mod http;
pub mod import;
pub mod index;
pub mod network;
pub mod output;
pub mod route;
pub mod snapshot;

pub use network::Network;
pub use snapshot::Snapshot;
