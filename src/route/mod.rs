//! Route search: shortest paths and alternatives. No HTTP, no JSON.
