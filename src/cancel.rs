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

/// Most units of work one request may ask for: searches (or assignment demands) × network
/// elements (nodes + links) each of them may visit. A one-to-many search costs about 0.1 µs
/// per element here, so this is about what fits in the default 2 s compute bound: a request
/// that could only end in a 503 is refused at once instead (413), before it is admitted.
/// The embedded network (~470 elements) never reaches it within the 10,000-cell and
/// 10,000-demand caps; a 10⁵-node network allows ~60 sources per matrix.
pub const MAX_WORK: u64 = 20_000_000;

/// A request asking for more than [`MAX_WORK`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{count} {field} × {size} network elements (nodes + links) = {} units of work; at most \
     {MAX_WORK} per request: split the request",
    *count as u64 * *size as u64
)]
pub struct TooMuchWork {
    /// The parameter or member whose count is at fault (`sources`, `demands`, …).
    pub field: &'static str,
    /// How many searches it asks for.
    pub count: usize,
    /// Network elements each may visit.
    pub size: usize,
}

/// Refuses `count` searches over a network of `size` elements beyond [`MAX_WORK`].
///
/// # Errors
/// [`TooMuchWork`] naming `field`.
pub fn check_work(field: &'static str, count: usize, size: usize) -> Result<(), TooMuchWork> {
    if (count as u64).saturating_mul(size as u64) > MAX_WORK {
        return Err(TooMuchWork { field, count, size });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_beyond_the_cap_is_refused_naming_the_field() {
        assert!(check_work("sources", 10_000, 2_000).is_ok());
        let e = check_work("sources", 10_000, 2_001).unwrap_err();
        assert_eq!(e.field, "sources");
        assert!(
            e.to_string()
                .starts_with("10000 sources × 2001 network elements"),
            "{e}"
        );
        assert!(check_work("demands", usize::MAX, usize::MAX).is_err());
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
