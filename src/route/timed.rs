//! Time along a route: given a departure instant, when each link is entered and left, where
//! cargo waits for a closed crossing, and when it arrives.
//!
//! Times inside the search are hours since departure (`f64`), as the timeless search's
//! weights are; schedules answer in UTC seconds ([`crate::cost::schedule`]). One step's
//! arrival function is [`step_arrival`]; it is non-decreasing in the start time (FIFO), so a
//! Dijkstra that uses it as the edge cost is exact (time-dependent shortest paths with FIFO
//! links, Dreyfus 1969).

use crate::cost::schedule::{OutsideCalendar, ScheduleTable, UnixSeconds};

/// One traversal as the clock sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepTime {
    /// Index of the link in the network.
    pub link_ix: usize,
    /// Hours spent at the start node before the link can be entered (a transshipment).
    pub transfer_h: f64,
    /// Border clearance once the crossing is entered, hours (0 for other links).
    pub dwell_h: f64,
    /// Running time over the link, hours.
    pub run_h: f64,
}

/// What happens on one step started at `start_h` hours after departure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepTiming {
    /// When the link is entered (after any transshipment and wait), hours after departure.
    pub enter_h: f64,
    /// Waiting for the crossing to open, hours.
    pub wait_h: f64,
    /// Arrival at the link's end, hours after departure.
    pub arrive_h: f64,
}

/// Converts hours after `depart` into UTC seconds (rounded to the second).
pub fn instant(depart: UnixSeconds, h: f64) -> UnixSeconds {
    depart + (h * 3600.0).round() as i64
}

/// The timing of one step started (arrival at its start node) at `start_h`.
///
/// # Errors
/// [`OutsideCalendar`] when the link has a schedule and the instant it would be entered lies
/// outside the covered years, or the crossing does not open again within them.
///
/// # Complexity
/// One array read for a link without a schedule; a binary search otherwise.
pub fn step_arrival(
    schedules: &ScheduleTable,
    depart: UnixSeconds,
    step: &StepTime,
    start_h: f64,
) -> Result<StepTiming, OutsideCalendar> {
    let ready_h = start_h + step.transfer_h;
    let enter_h = match schedules.next_open(step.link_ix, instant(depart, ready_h))? {
        None => ready_h,
        Some(w) => ready_h.max((w.opens - depart) as f64 / 3600.0),
    };
    Ok(StepTiming {
        enter_h,
        wait_h: enter_h - ready_h,
        arrive_h: enter_h + step.dwell_h + step.run_h,
    })
}

/// The timings of a whole route's steps, in order, starting at departure.
///
/// # Errors
/// See [`step_arrival`].
pub fn simulate(
    schedules: &ScheduleTable,
    depart: UnixSeconds,
    steps: &[StepTime],
) -> Result<Vec<StepTiming>, OutsideCalendar> {
    let mut t = 0.0;
    steps
        .iter()
        .map(|s| {
            let timing = step_arrival(schedules, depart, s, t)?;
            t = timing.arrive_h;
            Ok(timing)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::schedule::{HolidayCalendars, ScheduleSpec};
    use chrono::DateTime;

    fn utc(s: &str) -> UnixSeconds {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    fn table(oh: &str) -> ScheduleTable {
        let h = vec!["MN".to_string()];
        let spec = ScheduleSpec {
            opening_hours: oh,
            timezone: "Asia/Ulaanbaatar",
            holidays: &h,
        };
        ScheduleTable::build(3, [(1, spec)], &HolidayCalendars::embedded()).unwrap()
    }

    fn steps() -> [StepTime; 3] {
        [
            StepTime {
                link_ix: 0,
                transfer_h: 0.0,
                dwell_h: 0.0,
                run_h: 5.0,
            },
            StepTime {
                link_ix: 1,
                transfer_h: 0.0,
                dwell_h: 4.0,
                run_h: 0.5,
            },
            StepTime {
                link_ix: 2,
                transfer_h: 24.0,
                dwell_h: 0.0,
                run_h: 10.0,
            },
        ]
    }

    #[test]
    fn waits_for_the_crossing_to_open() {
        // Leave Monday 2027-07-05 10:00 local (02:00Z); reach the crossing 15:00, open
        // 09:00-18:00: no wait. Leave at 16:00 local: reach it at 21:00, wait 12 h.
        let t = table("Mo-Fr 09:00-18:00");
        let early = simulate(&t, utc("2027-07-05T02:00:00Z"), &steps()).unwrap();
        assert_eq!(early[1].wait_h, 0.0);
        assert_eq!(early[2].arrive_h, 5.0 + 4.5 + 24.0 + 10.0);
        let late = simulate(&t, utc("2027-07-05T08:00:00Z"), &steps()).unwrap();
        assert_eq!(late[1].wait_h, 12.0);
        assert_eq!(late[2].arrive_h, 5.0 + 12.0 + 4.5 + 24.0 + 10.0);
    }

    #[test]
    fn holidays_lengthen_the_wait() {
        // Friday 2027-07-09 16:00 local → crossing at 21:00; weekend, then Naadam is over
        // (11–15 July) only on Friday 16 July: wait until 16 July 09:00.
        let t = table("Mo-Fr 09:00-18:00; PH off");
        let r = simulate(&t, utc("2027-07-09T08:00:00Z"), &steps()).unwrap();
        assert_eq!(r[1].wait_h, 24.0 * 6.0 + 12.0);
    }

    #[test]
    fn round_the_clock_equals_the_timeless_sum() {
        let t = table("24/7");
        let r = simulate(&t, utc("2026-02-17T13:37:00Z"), &steps()).unwrap();
        let timeless: f64 = steps()
            .iter()
            .map(|s| s.transfer_h + s.dwell_h + s.run_h)
            .sum();
        assert_eq!(r.last().unwrap().arrive_h, timeless);
        assert!(r.iter().all(|s| s.wait_h == 0.0));
    }

    #[test]
    fn fifo_later_departure_never_arrives_earlier() {
        let t = table("Mo-Fr 09:00-18:00; PH off");
        let d0 = utc("2027-06-28T00:00:00Z");
        let mut prev = f64::NEG_INFINITY;
        for k in 0..500 {
            let off_h = k as f64 * 0.37;
            let d = d0 + (off_h * 3600.0) as i64;
            let r = simulate(&t, d, &steps()).unwrap();
            let arrive_abs = (d - d0) as f64 / 3600.0 + r.last().unwrap().arrive_h;
            assert!(arrive_abs >= prev - 1e-6, "k={k}");
            assert!(r.iter().all(|s| s.wait_h >= 0.0));
            prev = arrive_abs;
        }
    }

    #[test]
    fn outside_the_calendar_is_an_error() {
        let t = table("Mo-Fr 09:00-18:00");
        let e = simulate(&t, utc("2031-01-01T00:00:00Z"), &steps()).unwrap_err();
        assert_eq!((e.first_year, e.last_year), (2025, 2028));
        // A link without a schedule never fails, whatever the year.
        assert!(step_arrival(&t, utc("2031-01-01T00:00:00Z"), &steps()[0], 0.0).is_ok());
    }
}
