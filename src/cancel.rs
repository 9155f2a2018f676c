//! Abandoned work stops: a [`Deadline`] (a time limit plus a flag raised when the client gave
//! up) installed for the thread doing a request's work, and [`checkpoint`], polled inside the
//! loops of searches, flows, matrix rows and validators. Once the deadline passes or the flag
//! is raised, the next checkpoint unwinds the work with a [`Cancelled`] payload, which
//! [`with_deadline`] turns into `Err(Cancelled)`: no domain function needs a cancellation
//! branch of its own (salsa cancels queries the same way).
//!
//! With no deadline installed (the CLI, tests, benches), [`checkpoint`] costs a thread-local
//! read and never unwinds. Work fanned out to rayon carries the deadline with
//! [`current`] / [`enter`].

use std::cell::{Cell, RefCell};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The unwind payload of cancelled work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

#[derive(Debug)]
struct Inner {
    raised: AtomicBool,
    until: Instant,
}

/// A time limit and a cancellation flag, shared by the request and its worker(s).
#[derive(Debug, Clone)]
pub struct Deadline(Arc<Inner>);

impl Deadline {
    /// A deadline `d` from now.
    pub fn after(d: Duration) -> Self {
        let now = Instant::now();
        Self(Arc::new(Inner {
            raised: AtomicBool::new(false),
            until: now
                .checked_add(d)
                .unwrap_or(now + Duration::from_secs(86_400)),
        }))
    }

    /// Raises the flag: every worker polling this deadline stops at its next checkpoint.
    pub fn raise(&self) {
        self.0.raised.store(true, Ordering::Relaxed);
    }

    /// Whether the work should stop (flag raised or time up).
    pub fn is_over(&self) -> bool {
        self.0.raised.load(Ordering::Relaxed) || Instant::now() >= self.0.until
    }

    /// A guard raising the flag when dropped (the request answered, timed out or was
    /// abandoned by its client).
    pub fn raise_on_drop(&self) -> RaiseOnDrop {
        RaiseOnDrop(self.clone())
    }
}

/// Raises its deadline's flag on drop.
#[derive(Debug)]
pub struct RaiseOnDrop(Deadline);

impl Drop for RaiseOnDrop {
    fn drop(&mut self) {
        self.0.raise();
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Deadline>> = const { RefCell::new(None) };
    static TICKS: Cell<u32> = const { Cell::new(0) };
}

/// Checkpoints between two real checks of the deadline (a check reads the clock).
const CHECK_EVERY: u32 = 64;

/// The deadline installed for this thread, to hand to helper threads.
pub fn current() -> Option<Deadline> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Runs `f` with `deadline` installed for this thread (restoring the previous one after).
pub fn enter<R>(deadline: Option<&Deadline>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Deadline>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let prev = self.0.take();
            CURRENT.with(|c| *c.borrow_mut() = prev);
        }
    }
    let prev = CURRENT.with(|c| c.replace(deadline.cloned()));
    let _restore = Restore(prev);
    f()
}

/// Runs `work` under `deadline`; `Err(Cancelled)` if a checkpoint found it over. Other
/// panics continue unwinding.
///
/// # Errors
/// [`Cancelled`].
pub fn with_deadline<R>(deadline: Deadline, work: impl FnOnce() -> R) -> Result<R, Cancelled> {
    let run = std::panic::AssertUnwindSafe(|| enter(Some(&deadline), work));
    match std::panic::catch_unwind(run) {
        Ok(r) => Ok(r),
        Err(payload) if payload.is::<Cancelled>() => Err(Cancelled),
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

/// Polled inside long loops: unwinds with [`Cancelled`] once the installed deadline is over.
/// Without a deadline it does nothing.
#[inline]
pub fn checkpoint() {
    let due = TICKS.with(|t| {
        let n = t.get().wrapping_add(1);
        t.set(n);
        n % CHECK_EVERY == 0
    });
    if due {
        check_now();
    }
}

/// Checks the deadline at once (for loops whose iterations are each expensive).
pub fn check_now() {
    let over = CURRENT.with(|c| c.borrow().as_ref().is_some_and(Deadline::is_over));
    if over {
        // `resume_unwind` does not run the panic hook: no "panicked at" noise in the logs.
        std::panic::resume_unwind(Box::new(Cancelled));
    }
}

/// CPU time one search spends per network element (node or link) it may visit, in
/// nanoseconds: the unit [`max_work`] converts a compute bound into.
///
/// Measured on the generated 10⁵-node network (`gen_network --nodes 100000 --seed 7`:
/// 100,000 nodes + 247,530 links = 347,530 elements) served by `corridor serve`, reading the
/// server's CPU time (`/proc/PID/stat` utime + stime) around `POST /v1/matrix` requests: a
/// 1 × 100 matrix took 0.11 s of CPU and a 5 × 100 one 0.59 s, ~0.33 µs per element and
/// search, on a 2-core machine shared with compilers (load average 5). A search that must
/// settle the whole network to reach its targets costs this; one whose targets are near
/// stops earlier, so the cap errs towards refusing too little.
pub const NANOS_PER_ELEMENT: u64 = 330;

/// Most units of work (searches, or assignment demands, × network elements each may visit)
/// a request may ask for when `threads` threads compute it within `bound`: what those
/// threads can do at [`NANOS_PER_ELEMENT`]. A request that could only end in a 503 is
/// refused at once instead (413). With the default 2 s bound and 2 heavy threads that is
/// ~12 M: on the 10⁵-node network (347,530 elements) 34 searches; on the embedded network
/// (~460 elements) the 10,000-cell and 10,000-demand caps come first.
pub fn max_work(bound: Duration, threads: usize) -> u64 {
    let nanos = u64::try_from(bound.as_nanos()).unwrap_or(u64::MAX);
    (nanos / NANOS_PER_ELEMENT).saturating_mul(threads.max(1) as u64)
}

/// A request asking for more than its work cap.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{count} {what} × {size} network elements (nodes + links) = {} units of work; at most \
     {limit} per request: split the request",
    (*count as u64).saturating_mul(*size as u64)
)]
pub struct TooMuchWork {
    /// The parameter or member whose count is at fault (`sources`, `destinations`,
    /// `demands`, …).
    pub field: &'static str,
    /// What is counted (`searches from sources`, `demands`, …).
    pub what: &'static str,
    /// How many searches (or demands) the request would run.
    pub count: usize,
    /// Network elements each may visit.
    pub size: usize,
    /// The cap it is over.
    pub limit: u64,
}

/// Refuses `count` searches (or demands) over a network of `size` elements beyond `limit`.
///
/// # Errors
/// [`TooMuchWork`] naming `field`.
pub fn check_work(
    field: &'static str,
    what: &'static str,
    count: usize,
    size: usize,
    limit: u64,
) -> Result<(), TooMuchWork> {
    if (count as u64).saturating_mul(size as u64) > limit {
        return Err(TooMuchWork {
            field,
            what,
            count,
            size,
            limit,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_beyond_the_cap_is_refused_naming_the_field() {
        let cap = 20_000_000;
        assert!(check_work("sources", "searches", 10_000, 2_000, cap).is_ok());
        let e = check_work("sources", "searches", 10_000, 2_001, cap).unwrap_err();
        assert_eq!((e.field, e.limit), ("sources", cap));
        assert!(
            e.to_string()
                .starts_with("10000 searches × 2001 network elements"),
            "{e}"
        );
        // No overflow, in the check or in the message.
        let e = check_work("demands", "demands", usize::MAX, usize::MAX, cap).unwrap_err();
        assert!(e.to_string().contains(&u64::MAX.to_string()), "{e}");
    }

    #[test]
    fn the_cap_is_what_the_threads_do_within_the_bound() {
        // 2 s at 330 ns per element is 6,060,606 elements per thread.
        assert_eq!(max_work(Duration::from_secs(2), 1), 6_060_606);
        assert_eq!(max_work(Duration::from_secs(2), 2), 12_121_212);
        assert_eq!(max_work(Duration::from_secs(2), 0), 6_060_606);
        assert!(
            max_work(Duration::MAX, 4) > 10_u64.pow(16),
            "saturates, no overflow"
        );
    }

    #[test]
    fn work_stops_at_a_checkpoint_once_raised() {
        let d = Deadline::after(Duration::from_secs(60));
        let seen = std::sync::atomic::AtomicU64::new(0);
        let r = with_deadline(d.clone(), || {
            for i in 0..u64::MAX {
                if i == 1000 {
                    d.raise();
                }
                seen.store(i, Ordering::Relaxed);
                checkpoint();
            }
        });
        assert_eq!(r, Err(Cancelled));
        let stopped = seen.load(Ordering::Relaxed);
        assert!(
            (1000..1000 + u64::from(CHECK_EVERY)).contains(&stopped),
            "{stopped}"
        );
        assert!(current().is_none(), "the deadline is uninstalled after");
    }

    #[test]
    fn work_stops_when_time_is_up() {
        let r = with_deadline(Deadline::after(Duration::from_millis(1)), || {
            loop {
                checkpoint();
                std::hint::spin_loop();
            }
        });
        assert_eq!(r, Err(Cancelled));
    }

    #[test]
    fn without_a_deadline_nothing_stops() {
        for _ in 0..10_000 {
            checkpoint();
        }
        let r = with_deadline(Deadline::after(Duration::from_secs(60)), || 7);
        assert_eq!(r, Ok(7));
    }
}
