//! Time along a route: given a departure instant, when each link is entered and left, where
//! cargo waits for a closed crossing, and when it arrives.
//!
//! Times inside the search are hours since departure (`f64`), as the timeless search's
//! weights are; schedules answer in UTC seconds ([`crate::cost::schedule`]). One step's
//! arrival function is [`step_arrival`]; it is non-decreasing in the start time (FIFO), so a
//! Dijkstra that uses it as the edge cost is exact (time-dependent shortest paths with FIFO
//! links, Dreyfus 1969).

use chrono::{DateTime, Datelike, FixedOffset};

use super::graph::SearchGraph;
use crate::cost::Profile;
use crate::cost::schedule::{OutsideCalendar, ScheduleTable, UnixSeconds};
use crate::network::Network;

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

/// The instant `h` hours after `depart`, rounded to the minute, in `depart`'s offset
/// (answers give times to the minute: the data's hours are not more precise than that).
pub fn at_minute(depart: DateTime<FixedOffset>, h: f64) -> DateTime<FixedOffset> {
    let s = (instant(depart.timestamp(), h) + 30).div_euclid(60) * 60;
    DateTime::from_timestamp(s, 0)
        .map(|d| d.with_timezone(depart.offset()))
        .unwrap_or(depart)
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
    // Schedules change on whole seconds: open at the second the cargo is ready in means open
    // at the exact instant; closed then means the next opening lies after the exact instant.
    let ready_s = depart + (ready_h * 3600.0).floor() as i64;
    let enter_h = match schedules.next_open(step.link_ix, ready_s)? {
        Some(w) if w.opens > ready_s => (w.opens - depart) as f64 / 3600.0,
        _ => ready_h,
    };
    Ok(StepTiming {
        enter_h,
        wait_h: enter_h - ready_h,
        arrive_h: enter_h + step.dwell_h + step.run_h,
    })
}

/// Checks a departure against the years the schedules cover.
///
/// The departure's year is judged loosely here (its instant in the widest zone span, UTC−12
/// to UTC+14): each crossing checks the instant in its own zone when reached
/// (`Schedule::next_open`), so a departure just after midnight on 1 January in a zone east
/// of the crossing's, still in the last covered year there, is timed.
///
/// # Errors
/// [`OutsideCalendar`] when the departure lies outside the covered years in every zone.
pub fn check_depart(
    schedules: &ScheduleTable,
    depart: DateTime<FixedOffset>,
) -> Result<(), OutsideCalendar> {
    let (first, last) = schedules.covered_years();
    let utc = depart.naive_utc();
    let earliest = (utc - chrono::Duration::hours(12)).year();
    let latest = (utc + chrono::Duration::hours(14)).year();
    if latest < first || earliest > last {
        return Err(OutsideCalendar {
            first_year: first,
            last_year: last,
        });
    }
    Ok(())
}

/// Times the edges of the search graph for one departure: the one definition of a step's
/// transshipment, border dwell and running hours, shared by the route's clock and the
/// one-to-many searches (matrix and reach with `depart`). Holds only shared references, so
/// it is `Copy` and `Sync` (a matrix's rows run on several threads).
#[derive(Debug, Clone, Copy)]
pub struct EdgeClock<'a> {
    /// The network.
    pub net: &'a Network,
    /// Its state graph.
    pub graph: &'a SearchGraph,
    /// The crossings' schedules.
    pub schedules: &'a ScheduleTable,
    /// Costing figures (transshipment hours, dwell scale).
    pub profile: &'a Profile,
    /// The departure, UTC seconds.
    pub depart_s: UnixSeconds,
}

impl EdgeClock<'_> {
    /// One traversal of link `link_ix`, with a transshipment before it or not.
    pub fn step(&self, link_ix: usize, transshipment: bool) -> StepTime {
        let link = &self.net.links()[link_ix];
        StepTime {
            link_ix,
            transfer_h: if transshipment {
                self.profile.transshipment_h
            } else {
                0.0
            },
            dwell_h: link
                .crossing
                .as_ref()
                .map_or(0.0, |c| c.dwell_h * self.profile.dwell_scale),
            run_h: link.length_km / link.speed_kmh,
        }
    }

    /// The timing of search-graph edge `e` started `start_h` hours after departure.
    ///
    /// # Errors
    /// See [`step_arrival`].
    pub fn edge(&self, e: usize, start_h: f64) -> Result<StepTiming, OutsideCalendar> {
        let edge = self.graph.edge(e);
        let step = self.step(edge.link as usize, edge.transshipment.is_some());
        step_arrival(self.schedules, self.depart_s, &step, start_h)
    }

    /// The latest start of search-graph edge `e` (hours after the clock's instant, usually
    /// negative: before a deadline) that still arrives at its end by `by_h`: the inverse of
    /// [`EdgeClock::edge`], for latest-departure searches.
    ///
    /// Without a wait the answer is exact: `by_h` less the transshipment, dwell and running
    /// hours. When the crossing is closed at the instant that would need, the start is found
    /// by a search over whole seconds (schedules change on whole seconds): back from there in
    /// doubling steps from one minute until a start arrives in time, then bisected. Both use
    /// [`EdgeClock::edge`] itself, and the step is FIFO (a later start never arrives earlier),
    /// so the answer is the latest start to within a second, never later than it.
    ///
    /// # Arguments
    /// * `by_h` — the arrival deadline at the edge's end.
    /// * `earliest_h` — no start before this is wanted (a search's budget): `None` then.
    ///
    /// # Returns
    /// `None` when even a start at `earliest_h` arrives after `by_h`.
    ///
    /// # Errors
    /// [`OutsideCalendar`] when a start the search had to try cannot be timed (outside the
    /// calendar's years): the latest start is then unknown.
    ///
    /// # Complexity
    /// One step timing without a wait; otherwise O(log((by_h − earliest_h) · 3600)) timings.
    pub fn latest_start(
        &self,
        e: usize,
        by_h: f64,
        earliest_h: f64,
    ) -> Result<Option<f64>, OutsideCalendar> {
        /// Arrivals this close after the deadline count as in time (floating-point sums).
        const SLACK_H: f64 = 1e-9;
        let edge = self.graph.edge(e);
        let step = self.step(edge.link as usize, edge.transshipment.is_some());
        let in_time = |start_h: f64| -> Result<bool, OutsideCalendar> {
            Ok(
                step_arrival(self.schedules, self.depart_s, &step, start_h)?.arrive_h
                    <= by_h + SLACK_H,
            )
        };
        let no_wait = by_h - (step.transfer_h + step.dwell_h + step.run_h);
        if no_wait < earliest_h - SLACK_H {
            return Ok(None);
        }
        if in_time(no_wait)? {
            return Ok(Some(no_wait));
        }
        // Closed when needed: whole seconds (relative to the clock's instant) from here on.
        let secs = |s: i64| s as f64 / 3600.0;
        let floor_s = (earliest_h * 3600.0).ceil() as i64;
        let mut late = (no_wait * 3600.0).floor() as i64;
        if late < floor_s {
            return Ok(None);
        }
        if in_time(secs(late))? {
            return Ok(Some(secs(late)));
        }
        let mut back = 60i64;
        let early = loop {
            let s = (late - back).max(floor_s);
            if in_time(secs(s))? {
                break s;
            }
            if s == floor_s {
                return Ok(None);
            }
            late = s;
            back = back.saturating_mul(2);
        };
        let (mut lo, mut hi) = (early, late);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if in_time(secs(mid))? {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Ok(Some(secs(lo)))
    }
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
        ScheduleTable::build(3, [(1, spec)], HolidayCalendars::embedded()).unwrap()
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

    mod search {
        //! The time-dependent search against brute force on small drawn networks.
        use super::*;
        use crate::cost::{Optimize, Profile};
        use crate::network::{Network, load_from_strs};
        use crate::route::{Scratch, SearchGraph, SearchProblem};
        use proptest::prelude::*;

        const SCHEDULES: [&str; 5] = [
            "24/7",
            "Mo-Fr 09:00-18:00",
            "08:00-12:00",
            "Mo,We,Fr 10:00-16:00; PH off",
            "Tu-Sa 20:00-23:00",
        ];

        /// `n` road nodes on a zigzag and the given links (`a`, `b`, km).
        fn drawn(n: usize, links: &[(usize, usize, f64)]) -> Network {
            let x = |i: usize| i as f64 * 0.5;
            let y = |i: usize| (i % 2) as f64 * 0.3;
            let nodes: Vec<String> = (0..n)
                .map(|i| {
                    format!(
                        r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{},{}]}},"properties":{{"id":"n{i}","name":"n{i}","country":"KZ","kind":"city","modes":["road"],"intermodal":false,"source":"t"}}}}"#,
                        x(i),
                        y(i)
                    )
                })
                .collect();
            let links: Vec<String> = links
                .iter()
                .enumerate()
                .map(|(k, &(a, b, km))| {
                    format!(
                        r#"{{"type":"Feature","geometry":{{"type":"LineString","coordinates":[[{},{}],[{},{}]]}},"properties":{{"id":"l{k}","from":"n{a}","to":"n{b}","mode":"road","kind":"road","length_km":{km},"speed_kmh":50,"status":"open","source":"t"}}}}"#,
                        x(a),
                        y(a),
                        x(b),
                        y(b)
                    )
                })
                .collect();
            let fc = |f: &[String]| {
                format!(
                    r#"{{"type":"FeatureCollection","features":[{}]}}"#,
                    f.join(",")
                )
            };
            load_from_strs(&fc(&nodes), &fc(&links)).unwrap()
        }

        fn schedules(net: &Network, pick: &[usize]) -> ScheduleTable {
            let h = vec!["KZ".to_string()];
            let specs = pick.iter().enumerate().map(|(ix, &k)| {
                (
                    ix,
                    ScheduleSpec {
                        opening_hours: SCHEDULES[k % SCHEDULES.len()],
                        timezone: "Asia/Almaty",
                        holidays: &h,
                    },
                )
            });
            ScheduleTable::build(net.links().len(), specs, HolidayCalendars::embedded()).unwrap()
        }

        fn step(net: &Network, ix: usize) -> StepTime {
            let l = &net.links()[ix];
            StepTime {
                link_ix: ix,
                transfer_h: 0.0,
                dwell_h: 0.0,
                run_h: l.length_km / l.speed_kmh,
            }
        }

        /// Earliest arrival from node 0 at node `n - 1` by the time-dependent search.
        fn searched(
            net: &Network,
            table: &ScheduleTable,
            depart: UnixSeconds,
        ) -> Option<(f64, Vec<usize>)> {
            let g = SearchGraph::build(net);
            let w = g.weights(net, &Profile::default(), Optimize::Time);
            let ok = vec![true; net.links().len()];
            let wp = [0u32, net.nodes().len() as u32 - 1];
            let spec = SearchProblem {
                graph: &g,
                weights: &w,
                link_ok: &ok,
                waypoints: &wp,
                landmarks: None,
            };
            let arrive = |e: usize, t: f64| {
                let s = step(net, g.edge(e).link as usize);
                step_arrival(table, depart, &s, t).ok().map(|x| x.arrive_h)
            };
            let p = spec.earliest_arrival(&mut Scratch::default(), &arrive)?;
            Some((
                p.cost,
                p.edges
                    .iter()
                    .map(|&e| g.edge(e as usize).link as usize)
                    .collect(),
            ))
        }

        /// Whether schedule `k` of [`SCHEDULES`] is open during the minute starting at UTC
        /// second `minute_s`, read off the rule by hand (Asia/Almaty local time through the
        /// tz database, Kazakhstan's holidays from the embedded calendar): the reference does
        /// not use the compiled schedules or [`step_arrival`].
        fn open_in_minute(k: usize, minute_s: UnixSeconds) -> bool {
            use chrono::{Datelike, TimeZone, Timelike, Weekday};
            let local = chrono::Utc
                .timestamp_opt(minute_s, 0)
                .unwrap()
                .with_timezone(&chrono_tz::Asia::Almaty);
            let m = local.hour() * 60 + local.minute();
            let wd = local.weekday();
            let between = |from_h: u32, to_h: u32| (from_h * 60..to_h * 60).contains(&m);
            let holiday = || HolidayCalendars::embedded().is_holiday("KZ", local.date_naive());
            match k {
                0 => true,
                1 => wd.num_days_from_monday() < 5 && between(9, 18),
                2 => between(8, 12),
                3 => {
                    matches!(wd, Weekday::Mon | Weekday::Wed | Weekday::Fri)
                        && !holiday()
                        && between(10, 16)
                }
                4 => (1..=5).contains(&wd.num_days_from_monday()) && between(20, 23),
                _ => unreachable!("{k}"),
            }
        }

        /// Arrival (hours after `depart`) over link `ix` with schedule `k`, reached at `t` h:
        /// if the crossing is open in the minute `t` falls in, enter at once; else walk
        /// forward minute by minute to the first open one.
        fn reference_step(
            net: &Network,
            ix: usize,
            k: usize,
            depart: UnixSeconds,
            t: f64,
            memo: &mut std::collections::HashMap<(usize, i64), i64>,
        ) -> f64 {
            let ready_s = depart as f64 + t * 3600.0;
            let minute0 = (ready_s / 60.0).floor() as i64 * 60;
            let opens = *memo.entry((k, minute0)).or_insert_with(|| {
                let mut m = minute0;
                while !open_in_minute(k, m) {
                    m += 60;
                    assert!(m - minute0 < 60 * 86_400, "closed for 60 days");
                }
                m
            });
            let enter_h = if opens == minute0 {
                t
            } else {
                (opens - depart) as f64 / 3600.0
            };
            let l = &net.links()[ix];
            enter_h + l.length_km / l.speed_kmh
        }

        /// Earliest arrival by trying every simple path (brute force) with
        /// [`reference_step`]; `pick[ix]` is link `ix`'s schedule.
        fn brute(net: &Network, pick: &[usize], depart: UnixSeconds) -> Option<f64> {
            struct Walk<'a> {
                net: &'a Network,
                pick: &'a [usize],
                depart: UnixSeconds,
                seen: Vec<bool>,
                best: Option<f64>,
                memo: std::collections::HashMap<(usize, i64), i64>,
            }
            fn go(w: &mut Walk, at: usize, t: f64) {
                if at == w.net.nodes().len() - 1 {
                    w.best = Some(w.best.map_or(t, |b: f64| b.min(t)));
                    return;
                }
                for ix in 0..w.net.links().len() {
                    let l = &w.net.links()[ix];
                    let next = if l.from_ix == at {
                        l.to_ix
                    } else if l.to_ix == at {
                        l.from_ix
                    } else {
                        continue;
                    };
                    if w.seen[next] {
                        continue;
                    }
                    let k = w.pick[ix] % SCHEDULES.len();
                    let arrive = reference_step(w.net, ix, k, w.depart, t, &mut w.memo);
                    w.seen[next] = true;
                    go(w, next, arrive);
                    w.seen[next] = false;
                }
            }
            let mut w = Walk {
                net,
                pick,
                depart,
                seen: vec![false; net.nodes().len()],
                best: None,
                memo: Default::default(),
            };
            w.seen[0] = true;
            go(&mut w, 0, 0.0);
            w.best
        }

        fn arb_net() -> impl Strategy<Value = (usize, Vec<(usize, usize, f64)>, Vec<usize>)> {
            (3usize..7).prop_flat_map(|n| {
                let link =
                    (0..n, 0..n, 10.0f64..400.0).prop_filter("no self-loop", |(a, b, _)| a != b);
                (
                    Just(n),
                    prop::collection::vec(link, 2..10),
                    prop::collection::vec(0usize..SCHEDULES.len(), 10),
                )
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(48))]

            #[test]
            fn equals_brute_force_and_is_fifo(
                (n, links, pick) in arb_net(),
                depart_h in 0u32..(24 * 700),
                later_h in 0.0f64..72.0,
            ) {
                let net = drawn(n, &links);
                let table = schedules(&net, &pick[..net.links().len()]);
                let depart = 1_767_225_600 + depart_h as i64 * 3600; // from 2026-01-01Z
                let got = searched(&net, &table, depart);
                let want = brute(&net, &pick, depart);
                prop_assert_eq!(got.is_some(), want.is_some());
                if let (Some((t, links)), Some(b)) = (&got, want) {
                    prop_assert!((t - b).abs() < 1e-6, "search {} brute {}", t, b);
                    // The route's simulated timing agrees and never waits negatively.
                    let steps: Vec<StepTime> = links.iter().map(|&ix| step(&net, ix)).collect();
                    let sim = simulate(&table, depart, &steps).unwrap();
                    prop_assert!((sim.last().unwrap().arrive_h - t).abs() < 1e-6);
                    prop_assert!(sim.iter().all(|s| s.wait_h >= 0.0));
                    // FIFO: leaving later never arrives earlier.
                    let later = depart + (later_h * 3600.0) as i64;
                    let (t2, _) = searched(&net, &table, later).unwrap();
                    let shift = (later - depart) as f64 / 3600.0;
                    prop_assert!(shift + t2 >= t - 1e-6);
                }
            }

            /// `latest_start` inverts the step: starting then arrives by the deadline, starting
            /// 1.5 s later does not (or, with no answer, even the earliest start is late).
            #[test]
            fn latest_start_is_the_latest_start_in_time(
                k in 0usize..SCHEDULES.len(),
                km in 10.0f64..400.0,
                deadline_h in 0u32..(24 * 700),
                deadline_min in 0u32..60,
                budget_h in 1.0f64..300.0,
            ) {
                let net = drawn(2, &[(0, 1, km)]);
                let table = schedules(&net, &[k]);
                let g = SearchGraph::build(&net);
                let profile = Profile::default();
                let clock = EdgeClock {
                    net: &net,
                    graph: &g,
                    schedules: &table,
                    profile: &profile,
                    depart_s: 1_767_225_600 + i64::from(deadline_h) * 3600 + i64::from(deadline_min) * 60,
                };
                for e in 0..g.edge_count() {
                    let arrive = |s: f64| clock.edge(e, s).unwrap().arrive_h;
                    match clock.latest_start(e, 0.0, -budget_h).unwrap() {
                        Some(s) => {
                            prop_assert!(s >= -budget_h - 1e-9);
                            prop_assert!(arrive(s) <= 1e-9, "start {} arrives {}", s, arrive(s));
                            prop_assert!(arrive(s + 1.5 / 3600.0) > 0.0, "start {} + 1.5 s still in time", s);
                        }
                        None => prop_assert!(arrive(-budget_h) > 0.0),
                    }
                }
            }

            #[test]
            fn round_the_clock_equals_the_timeless_search(
                (n, links, _) in arb_net(),
                depart_h in 0u32..(24 * 700),
            ) {
                let net = drawn(n, &links);
                let pick = vec![0; net.links().len()]; // all 24/7
                let table = schedules(&net, &pick);
                let depart = 1_767_225_600 + depart_h as i64 * 3600;
                let g = SearchGraph::build(&net);
                let w = g.weights(&net, &Profile::default(), Optimize::Time);
                let ok = vec![true; net.links().len()];
                let wp = [0u32, n as u32 - 1];
                let spec = SearchProblem { graph: &g, weights: &w, link_ok: &ok, waypoints: &wp, landmarks: None };
                let timeless = spec.shortest(&mut Scratch::default()).map(|p| p.cost);
                let timed = searched(&net, &table, depart).map(|x| x.0);
                prop_assert_eq!(timeless.is_some(), timed.is_some());
                if let (Some(a), Some(b)) = (timeless, timed) {
                    prop_assert!((a - b).abs() < 1e-6);
                }
            }
        }
    }
}
