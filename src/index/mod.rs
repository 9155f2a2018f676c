//! Spatial indexes (rstar) over nodes and link segments, for snapping and map queries.
