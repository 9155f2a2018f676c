//! A value built once, on first use, that a search can do without while it is being built.
//!
//! Landmarks take seconds to build on a large network: the first request of each measure
//! used to build them while every other request of that measure waited, and under load they
//! all ran past the compute bound. With [`Lazy::get_unless_building`], one request (or the
//! server's start-up thread) builds, and the others answer meanwhile without it (plain
//! Dijkstra instead of ALT: the same values, found more slowly).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// A value built at most once (see the module docs).
#[derive(Debug, Default)]
pub struct Lazy<T> {
    cell: OnceLock<T>,
    building: AtomicBool,
}

impl<T> Lazy<T> {
    /// Nothing built yet.
    pub fn new() -> Self {
        Self {
            cell: OnceLock::new(),
            building: AtomicBool::new(false),
        }
    }

    /// The value, built by `build` now when nobody has started it; `None` while another
    /// thread builds it.
    pub fn get_unless_building(&self, build: impl FnOnce() -> T) -> Option<&T> {
        if let Some(v) = self.cell.get() {
            return Some(v);
        }
        if self.building.swap(true, Ordering::AcqRel) {
            // Built elsewhere: done by now, or still under way.
            return self.cell.get();
        }
        Some(self.cell.get_or_init(build))
    }

    /// The value, built by `build` now unless built already; waits while another thread
    /// builds it.
    pub fn get_or_build(&self, build: impl FnOnce() -> T) -> &T {
        self.claim();
        self.cell.get_or_init(build)
    }

    /// Marks the value as being built by the caller, who will call [`Lazy::get_or_build`]:
    /// from now on [`Lazy::get_unless_building`] does not build it.
    pub fn claim(&self) {
        self.building.store(true, Ordering::Release);
    }
}

impl<T: Clone> Clone for Lazy<T> {
    fn clone(&self) -> Self {
        let out = Self::new();
        if let Some(v) = self.cell.get() {
            let _ = out.cell.set(v.clone());
            out.building.store(true, Ordering::Release);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Barrier};

    #[test]
    fn a_value_being_built_elsewhere_is_not_waited_for() {
        let lazy = Arc::new(Lazy::new());
        let (started, release) = (Arc::new(Barrier::new(2)), Arc::new(Barrier::new(2)));
        let builder = {
            let (lazy, started, release) = (lazy.clone(), started.clone(), release.clone());
            std::thread::spawn(move || {
                *lazy.get_or_build(|| {
                    started.wait();
                    release.wait();
                    7
                })
            })
        };
        started.wait();
        // Under way on the other thread: no value, and no second build.
        assert_eq!(lazy.get_unless_building(|| unreachable!()), None);
        release.wait();
        assert_eq!(builder.join().unwrap(), 7);
        assert_eq!(lazy.get_unless_building(|| unreachable!()), Some(&7));
    }

    #[test]
    fn the_first_caller_builds_and_the_rest_read() {
        let lazy = Lazy::new();
        assert_eq!(lazy.get_unless_building(|| 3), Some(&3));
        assert_eq!(lazy.get_unless_building(|| unreachable!()), Some(&3));
        assert_eq!(*lazy.get_or_build(|| unreachable!()), 3);
    }
}
