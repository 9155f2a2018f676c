//! Border schedules at their edges (issue 25): a zone with daylight-saving time, and more
//! distinct schedules than a table's `u16` index holds.

use corridor::cost::schedule::{HolidayCalendars, ScheduleSpec, ScheduleTable};

fn calendars(first: i32, last: i32) -> HolidayCalendars {
    HolidayCalendars::from_json(&format!(
        r#"{{"covered_years": [{first}, {last}], "calendars": {{"DE": {{"holidays": []}}}}}}"#
    ))
    .expect("calendar")
}

/// Every compiled interval is non-empty, and the list is sorted and disjoint, as
/// `next_open`'s binary search needs; and every instant inside an interval is open there.
fn assert_well_formed(oh: &str, tz: &str, cal: &HolidayCalendars) {
    let holidays = vec!["DE".to_string()];
    let spec = ScheduleSpec {
        opening_hours: oh,
        timezone: tz,
        holidays: &holidays,
    };
    let table = ScheduleTable::build(1, [(0, spec)], cal).expect("compiles");
    let s = table.of(0).expect("has a schedule");
    let iv = s.intervals();
    assert!(!iv.is_empty());
    for w in iv.windows(2) {
        assert!(w[0].0 < w[0].1, "{oh} in {tz}: empty interval {:?}", w[0]);
        assert!(
            w[0].1 < w[1].0,
            "{oh} in {tz}: intervals out of order or overlapping: {:?} then {:?}",
            w[0],
            w[1]
        );
    }
    for &(a, b) in iv {
        for t in [a, (a + b) / 2, b - 1] {
            let w = s.next_open(t).expect("inside the calendar");
            assert_eq!(
                w.opens, t,
                "{oh} in {tz}: {t} lies in [{a}, {b}) but is not open"
            );
        }
    }
}

#[test]
fn a_daylight_saving_zone_compiles_to_sorted_disjoint_intervals() {
    let cal = calendars(2026, 2028);
    // Berlin changes clocks at 02:00/03:00 on the last Sundays of March and October: the
    // night hours repeat or vanish, so local order is not UTC order around them.
    for oh in [
        "Mo-Fr 01:30-02:30",
        "Mo-Su 01:30-02:30",
        "Su 01:00-04:00",
        "Mo-Su 02:00-03:00,02:30-03:30",
    ] {
        assert_well_formed(oh, "Europe/Berlin", &cal);
    }
}

#[test]
fn more_distinct_schedules_than_the_index_holds_are_refused_not_always_open() {
    // One year and a 24/7 expression: each compiles to one interval, so 70,000 are cheap.
    let cal = calendars(2027, 2027);
    let holidays: Vec<String> = Vec::new();
    let n = 70_000;
    let texts: Vec<String> = (0..n).map(|i| format!("24/7 \"variant {i}\"")).collect();
    let specs = texts.iter().enumerate().map(|(i, t)| {
        (
            i,
            ScheduleSpec {
                opening_hours: t,
                timezone: "Asia/Ulaanbaatar",
                holidays: &holidays,
            },
        )
    });
    let (table, errors) = ScheduleTable::build_lenient(n, specs, &cal);
    let refused: std::collections::BTreeSet<usize> = errors.iter().map(|(ix, _)| *ix).collect();
    // A link with a schedule either has it compiled or is listed as refused: never silently
    // "no schedule" (which means open around the clock).
    for ix in 0..n {
        assert!(
            table.of(ix).is_some() || refused.contains(&ix),
            "link {ix} has a schedule, yet is neither compiled nor refused"
        );
    }
    assert_eq!(
        refused.len(),
        n - ScheduleTable::MAX_SCHEDULES,
        "exactly the links past the table's capacity are refused"
    );
    assert!(
        errors[0].1.to_string().contains("distinct schedules"),
        "{}",
        errors[0].1
    );
}
