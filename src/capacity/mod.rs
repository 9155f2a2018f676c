//! Capacity: max-flow, min-cut and demand assignment over the network.
