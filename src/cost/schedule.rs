//! Border-crossing schedules: when a crossing can be entered, for the time-dependent search.
//!
//! A crossing's schedule is an OpenStreetMap `opening_hours` expression (`24/7`,
//! `Mo-Fr 09:00-18:00; PH off`, `May-Oct Mo-Fr 09:00-18:00`, …) read in the crossing's IANA time
//! zone, where `PH` means the union of the public-holiday calendars the crossing observes (the
//! countries of `geodata/calendar/holidays.json`). The `opening-hours` crate evaluates the
//! expression; this module does so **once, at load**, over the years the holiday calendar
//! covers, and keeps only the open intervals as UTC seconds. A query ("arriving at `t`, when
//! can the cargo enter, and until when is it open?") is then a binary search — no parsing, no
//! time-zone arithmetic and no allocation on the search's hot path.
//!
//! Links without a schedule cost nothing: [`ScheduleTable`] stores one `u16` per link and
//! shares one compiled [`Schedule`] between all crossings with the same expression, zone and
//! calendars.
//!
//! # The model
//! Cargo must *enter* a crossing while it is open; once in, its clearance (`dwell_h`) runs to
//! the end even past closing time (it is inside the control zone). Cargo arriving while it is
//! closed waits until it opens. Because "next opening at or after `t`" never decreases when
//! `t` grows, a search over these waits is FIFO: leaving later never arrives earlier.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use compact_calendar::CompactCalendar;
use opening_hours::localization::TzLocation;
use opening_hours::{Context, ContextHolidays, OpeningHours, RuleKind};
use serde::Deserialize;

use crate::network::{LINKS_FILE, Network, Problem};

/// Seconds since 1970-01-01T00:00:00Z.
pub type UnixSeconds = i64;

/// Why a schedule in the data cannot be used. Each variant names the data field it is about
/// ([`ScheduleError::field`]), so validation can report file / feature / field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// The `opening_hours` expression does not parse.
    #[error("malformed opening_hours '{value}': {reason}")]
    OpeningHours {
        /// As given.
        value: String,
        /// The parser's message.
        reason: String,
    },
    /// The `timezone` is not an IANA time zone name.
    #[error("unknown IANA time zone '{value}' (e.g. 'Asia/Ulaanbaatar', 'Asia/Irkutsk')")]
    Timezone {
        /// As given.
        value: String,
    },
    /// A `holidays` entry names no calendar of the holiday file.
    #[error("unknown holiday calendar '{value}' (known: {known})")]
    Calendar {
        /// As given.
        value: String,
        /// The calendars there are, comma-separated.
        known: String,
    },
    /// More distinct schedules than a table can index.
    #[error("more than {max} distinct schedules in one network")]
    TooMany {
        /// The most a table holds.
        max: usize,
    },
    /// The expression parses but is never open in the covered years, so no cargo could pass.
    #[error("opening_hours '{value}' is never open in {first_year}–{last_year}")]
    NeverOpen {
        /// As given.
        value: String,
        /// First covered year.
        first_year: i32,
        /// Last covered year.
        last_year: i32,
    },
}

/// The opening-hours parser's message as a sentence a data author can act on: where the
/// expression stops making sense, without the grammar's rule names.
fn parse_sentence(raw: &str) -> String {
    // The parser reports ` --> LINE:COL` then the rules it expected there.
    let col = raw
        .split("-->")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|lc| lc.rsplit(':').next())
        .and_then(|c| c.parse::<usize>().ok());
    let hint = "expected OSM opening_hours syntax such as 'Mo-Fr 09:00-18:00', \
                'Mo-Su 00:00-24:00; PH off' or '24/7'";
    match col {
        Some(c) => format!("not understood from character {c} on; {hint}"),
        None => format!("not understood; {hint}"),
    }
}

impl ScheduleError {
    /// The data field the problem is in: `opening_hours`, `timezone` or `holidays`.
    pub fn field(&self) -> &'static str {
        match self {
            ScheduleError::OpeningHours { .. }
            | ScheduleError::NeverOpen { .. }
            | ScheduleError::TooMany { .. } => "opening_hours",
            ScheduleError::Timezone { .. } => "timezone",
            ScheduleError::Calendar { .. } => "holidays",
        }
    }
}

/// Why the holiday file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// Not the expected JSON shape.
    #[error("holiday calendar: {0}")]
    Json(String),
    /// A date that is not `YYYY-MM-DD`, or a range that ends before it starts.
    #[error("holiday calendar {calendar}: bad date in entry {index}: {detail}")]
    Date {
        /// Calendar (country) code.
        calendar: String,
        /// Index of the entry in its `holidays` list.
        index: usize,
        /// What is wrong.
        detail: String,
    },
    /// A date outside `covered_years`, or `covered_years` not a `[first, last]` pair.
    #[error("holiday calendar: {0}")]
    Coverage(String),
}

/// A time outside the years the holiday calendar covers: schedules are not known there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("outside the years the holiday calendar covers ({first_year}–{last_year})")]
pub struct OutsideCalendar {
    /// First covered year.
    pub first_year: i32,
    /// Last covered year.
    pub last_year: i32,
}

#[derive(Deserialize)]
struct FileEntry {
    from: String,
    #[serde(default)]
    to: Option<String>,
}

#[derive(Deserialize)]
struct FileCalendar {
    holidays: Vec<FileEntry>,
}

/// A named closure rule (`closure_rules` in the file): the national calendars it takes whole
/// plus its own days (e.g. `CN-landport`: China's statutory days only, not its bridge days).
#[derive(Deserialize)]
struct FileRule {
    #[serde(default)]
    calendars: Vec<String>,
    #[serde(default)]
    days: Vec<FileEntry>,
}

#[derive(Deserialize)]
struct File {
    covered_years: Vec<i32>,
    calendars: BTreeMap<String, FileCalendar>,
    #[serde(default)]
    closure_rules: BTreeMap<String, FileRule>,
}

/// The public-holiday calendars of the countries involved, e.g. `geodata/calendar/holidays.json`:
/// for each calendar (ISO 3166-1 alpha-2 code) the local dates on which offices that keep
/// `PH off` are closed, over the covered years.
#[derive(Debug, Clone, PartialEq)]
pub struct HolidayCalendars {
    first_year: i32,
    last_year: i32,
    days: BTreeMap<String, Vec<NaiveDate>>,
    /// Closure rules by name: the dates on which a crossing following the rule is closed
    /// when its `opening_hours` says `PH off`.
    rules: BTreeMap<String, Vec<NaiveDate>>,
}

/// The holiday file shipped with the data.
pub const EMBEDDED_HOLIDAYS: &str = include_str!("../../geodata/calendar/holidays.json");

impl HolidayCalendars {
    /// Reads the holiday file (see `geodata/calendar/README.md` for its format). Only the
    /// dates are kept; names, sources and estimate notes stay in the file for readers.
    ///
    /// # Errors
    /// [`CalendarError`] when the JSON is malformed, a date is not `YYYY-MM-DD`, a range is
    /// reversed, or a date lies outside `covered_years`.
    pub fn from_json(text: &str) -> Result<Self, CalendarError> {
        let file: File =
            serde_json::from_str(text).map_err(|e| CalendarError::Json(e.to_string()))?;
        let [first_year, last_year] = file.covered_years[..] else {
            return Err(CalendarError::Coverage(
                "covered_years must be [first, last]".into(),
            ));
        };
        if first_year > last_year {
            return Err(CalendarError::Coverage(format!(
                "covered_years [{first_year}, {last_year}] is reversed"
            )));
        }
        let mut days = BTreeMap::new();
        for (code, cal) in file.calendars {
            let v = entry_days(&code, &cal.holidays, first_year, last_year)?;
            days.insert(code, v);
        }
        let mut rules = BTreeMap::new();
        for (name, rule) in file.closure_rules {
            let mut v = entry_days(&name, &rule.days, first_year, last_year)?;
            for code in &rule.calendars {
                let cal: &Vec<NaiveDate> = days.get(code).ok_or_else(|| {
                    CalendarError::Json(format!(
                        "closure rule {name}: unknown calendar '{code}' (known: {})",
                        days.keys().cloned().collect::<Vec<_>>().join(", ")
                    ))
                })?;
                v.extend(cal.iter().copied());
            }
            v.sort();
            v.dedup();
            rules.insert(name, v);
        }
        Ok(Self {
            first_year,
            last_year,
            days,
            rules,
        })
    }

    /// The holiday file shipped in `geodata/calendar/holidays.json`, read once.
    ///
    /// # Panics
    /// Never in a release: a unit test reads the same file.
    pub fn embedded() -> &'static Self {
        static CAL: std::sync::OnceLock<HolidayCalendars> = std::sync::OnceLock::new();
        CAL.get_or_init(|| {
            #[allow(clippy::expect_used)]
            Self::from_json(EMBEDDED_HOLIDAYS).expect("the shipped holiday calendar is valid")
        })
    }

    /// The covered years, first and last (inclusive).
    pub fn covered_years(&self) -> (i32, i32) {
        (self.first_year, self.last_year)
    }

    /// Calendar codes, sorted.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.days.keys().map(String::as_str)
    }

    /// Closure rule names, sorted.
    pub fn rules(&self) -> impl Iterator<Item = &str> {
        self.rules.keys().map(String::as_str)
    }

    /// Whether a crossing following closure rule `rule` is closed on `date` when its hours say
    /// `PH off` (false for an unknown rule).
    pub fn rule_closes(&self, rule: &str, date: NaiveDate) -> bool {
        self.rules
            .get(rule)
            .is_some_and(|v| v.binary_search(&date).is_ok())
    }

    /// Whether `date` is a holiday in calendar `code` (false for an unknown code).
    pub fn is_holiday(&self, code: &str, date: NaiveDate) -> bool {
        self.days
            .get(code)
            .is_some_and(|v| v.binary_search(&date).is_ok())
    }

    fn union(&self, codes: &[String]) -> Result<CompactCalendar, ScheduleError> {
        let mut cal = CompactCalendar::default();
        for code in codes {
            // A closure rule's name stands for its days; else a national calendar.
            let days = self.rules.get(code).or_else(|| self.days.get(code));
            let days = days.ok_or_else(|| ScheduleError::Calendar {
                value: code.clone(),
                known: self
                    .codes()
                    .chain(self.rules())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
            for d in days {
                cal.insert(*d);
            }
        }
        Ok(cal)
    }

    /// First instant of the covered years in `tz`, and the first instant after them.
    fn horizon(&self, tz: &Tz) -> (chrono::DateTime<Tz>, chrono::DateTime<Tz>) {
        let at = |y: i32| {
            // Midnight exists in every zone used here; `earliest` also covers a DST gap.
            tz.with_ymd_and_hms(y, 1, 1, 0, 0, 0)
                .earliest()
                .unwrap_or_else(|| {
                    Tz::UTC
                        .with_ymd_and_hms(y, 1, 1, 0, 0, 0)
                        .unwrap()
                        .with_timezone(tz)
                })
        };
        (at(self.first_year), at(self.last_year + 1))
    }
}

/// The dates of `entries` (each `from`..`to` inclusive) of calendar or rule `code`, sorted,
/// checked against the covered years.
fn entry_days(
    code: &str,
    entries: &[FileEntry],
    first_year: i32,
    last_year: i32,
) -> Result<Vec<NaiveDate>, CalendarError> {
    let mut v = Vec::new();
    for (index, e) in entries.iter().enumerate() {
        let bad = |detail: String| CalendarError::Date {
            calendar: code.to_string(),
            index,
            detail,
        };
        let parse = |s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|err| bad(format!("'{s}': {err}")))
        };
        let from = parse(&e.from)?;
        let to = match &e.to {
            Some(t) => parse(t)?,
            None => from,
        };
        if to < from {
            return Err(bad(format!("'to' {to} is before 'from' {from}")));
        }
        for d in [from, to] {
            if !(first_year..=last_year).contains(&chrono::Datelike::year(&d)) {
                return Err(CalendarError::Coverage(format!(
                    "{code} entry {index}: {d} is outside covered_years {first_year}–{last_year}"
                )));
            }
        }
        v.extend(from.iter_days().take_while(|d| *d <= to));
    }
    v.sort();
    v.dedup();
    Ok(v)
}

/// What the data says about one crossing's schedule (borrowed from the feature's properties).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScheduleSpec<'a> {
    /// OpenStreetMap `opening_hours` expression.
    pub opening_hours: &'a str,
    /// IANA time zone in which the expression is read, e.g. `Asia/Ulaanbaatar`.
    pub timezone: &'a str,
    /// Holiday calendars whose days `PH` means (e.g. `["MN", "CN"]`).
    pub holidays: &'a [String],
}

/// When a crossing can be entered next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The earliest instant at or after the arrival at which the crossing is open.
    pub opens: UnixSeconds,
    /// When that opening ends (the end of the covered years for a crossing open around the
    /// clock).
    pub closes: UnixSeconds,
}

/// A compiled schedule: the open intervals over the covered years, in UTC, sorted, disjoint
/// and not touching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Half-open `[start, end)` intervals.
    open: Box<[(UnixSeconds, UnixSeconds)]>,
    /// First instant of the covered years, and the first instant after them.
    horizon: (UnixSeconds, UnixSeconds),
    covered: (i32, i32),
}

impl Schedule {
    /// Evaluates `spec` over the years `calendars` covers.
    ///
    /// # Complexity
    /// Linear in the number of opening changes over the covered years (about 1,500 for a
    /// daily schedule over four years); done once per distinct schedule at load.
    ///
    /// # Errors
    /// [`ScheduleError`] for an expression that does not parse or is never open, an unknown
    /// time zone or an unknown holiday calendar.
    pub fn compile(
        spec: &ScheduleSpec<'_>,
        calendars: &HolidayCalendars,
    ) -> Result<Self, ScheduleError> {
        let expr = spec.opening_hours.parse::<OpeningHours>().map_err(|e| {
            ScheduleError::OpeningHours {
                value: spec.opening_hours.to_string(),
                reason: parse_sentence(&e.to_string()),
            }
        })?;
        let tz: Tz = spec.timezone.parse().map_err(|_| ScheduleError::Timezone {
            value: spec.timezone.to_string(),
        })?;
        let public = calendars.union(spec.holidays)?;
        let ctx = Context::default()
            .with_holidays(ContextHolidays::new(
                Arc::new(public),
                Arc::new(CompactCalendar::default()),
            ))
            .with_locale(TzLocation::new(tz));
        let oh = expr.with_context(ctx);
        let (start, end) = calendars.horizon(&tz);
        let mut ranges: Vec<(UnixSeconds, UnixSeconds)> = oh
            .iter_range(start, end)
            .filter(|r| r.kind == RuleKind::Open)
            .map(|r| (r.range.start.timestamp(), r.range.end.timestamp()))
            .filter(|(a, b)| a < b)
            .collect();
        // Local-time ranges are in local order, which is not UTC order where a DST change
        // repeats or skips an hour: sort before merging, so the intervals are disjoint and
        // sorted as `next_open`'s binary search needs.
        ranges.sort_unstable();
        let mut open: Vec<(UnixSeconds, UnixSeconds)> = Vec::new();
        for (a, b) in ranges {
            match open.last_mut() {
                Some(last) if last.1 >= a => last.1 = last.1.max(b),
                _ => open.push((a, b)),
            }
        }
        if open.is_empty() {
            return Err(ScheduleError::NeverOpen {
                value: spec.opening_hours.to_string(),
                first_year: calendars.first_year,
                last_year: calendars.last_year,
            });
        }
        Ok(Self {
            open: open.into_boxed_slice(),
            horizon: (start.timestamp(), end.timestamp()),
            covered: calendars.covered_years(),
        })
    }

    /// Whether the crossing is open throughout the covered years.
    pub fn is_always_open(&self) -> bool {
        self.open.len() == 1 && self.open[0] == self.horizon
    }

    /// The open intervals, `[start, end)` in UTC seconds.
    pub fn intervals(&self) -> &[(UnixSeconds, UnixSeconds)] {
        &self.open
    }

    /// When cargo arriving at `t` can enter, and until when that opening lasts.
    ///
    /// # Returns
    /// `opens == t` when the crossing is open at `t`; otherwise the next opening.
    ///
    /// # Errors
    /// [`OutsideCalendar`] when `t` lies outside the covered years, or the crossing does not
    /// open again before they end (the schedule beyond them is not known).
    ///
    /// # Complexity
    /// `O(log n)` in the number of open intervals.
    pub fn next_open(&self, t: UnixSeconds) -> Result<Window, OutsideCalendar> {
        let outside = OutsideCalendar {
            first_year: self.covered.0,
            last_year: self.covered.1,
        };
        if t < self.horizon.0 || t >= self.horizon.1 {
            return Err(outside);
        }
        // First interval whose end lies after t.
        let i = self.open.partition_point(|&(_, end)| end <= t);
        match self.open.get(i) {
            Some(&(start, end)) => Ok(Window {
                opens: start.max(t),
                closes: end,
            }),
            None => Err(outside),
        }
    }
}

/// Compiled schedules of every link of a network: one `u16` per link (`NONE` for a link
/// without a schedule) into a list of distinct [`Schedule`]s, each behind an `Arc` with the
/// spec it was compiled from, so that a scenario's table shares the schedules it does not
/// change ([`ScheduleTable::overlay`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScheduleTable {
    by_link: Vec<u16>,
    schedules: Vec<Arc<Schedule>>,
    /// The spec each schedule was compiled from (same order as `schedules`).
    specs: Vec<OwnedSpec>,
    covered: (i32, i32),
}

/// Most compiled schedules kept by [`memoized`] (about 24 KB each for a daily schedule over
/// four years); beyond, the memo starts afresh.
const MEMO_MAX: usize = 1024;

/// `spec` compiled, shared with every earlier load of this process that compiled the same
/// spec against the embedded calendars. Compiling dominates re-validating a network whose
/// crossings keep their schedules (a database edit of a `dwell_h`, a reload): a reload
/// compiles only the specs it has not seen. Against other calendars (tests), compiles.
///
/// # Errors
/// As [`Schedule::compile`] (errors are not kept).
fn memoized(
    spec: &ScheduleSpec<'_>,
    calendars: &HolidayCalendars,
) -> Result<Arc<Schedule>, ScheduleError> {
    type Memo = std::sync::Mutex<HashMap<OwnedSpec, Arc<Schedule>>>;
    static MEMO: std::sync::OnceLock<Memo> = std::sync::OnceLock::new();
    if !std::ptr::eq(calendars, HolidayCalendars::embedded()) {
        return Schedule::compile(spec, calendars).map(Arc::new);
    }
    let memo = MEMO.get_or_init(Default::default);
    let key = OwnedSpec::of(spec);
    if let Some(s) = memo.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Ok(Arc::clone(s));
    }
    let s = Arc::new(Schedule::compile(spec, calendars)?);
    let mut memo = memo.lock().unwrap_or_else(|p| p.into_inner());
    if memo.len() >= MEMO_MAX {
        memo.clear();
    }
    memo.insert(key, Arc::clone(&s));
    Ok(s)
}

/// A [`ScheduleSpec`] owned: the key under which a compiled schedule is shared.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct OwnedSpec {
    opening_hours: String,
    timezone: String,
    holidays: Vec<String>,
}

impl OwnedSpec {
    fn of(spec: &ScheduleSpec<'_>) -> Self {
        Self {
            opening_hours: spec.opening_hours.to_string(),
            timezone: spec.timezone.to_string(),
            holidays: spec.holidays.to_vec(),
        }
    }

    fn is(&self, spec: &ScheduleSpec<'_>) -> bool {
        self.opening_hours == spec.opening_hours
            && self.timezone == spec.timezone
            && self.holidays == spec.holidays
    }
}

/// A link's schedule fields as read from its properties, before compiling.
struct LinkSpec {
    opening_hours: String,
    timezone: String,
    holidays: Vec<String>,
}

impl LinkSpec {
    fn spec(&self) -> ScheduleSpec<'_> {
        ScheduleSpec {
            opening_hours: &self.opening_hours,
            timezone: &self.timezone,
            holidays: &self.holidays,
        }
    }
}

fn link_problem(net: &Network, ix: usize, field: &str, message: String) -> Problem {
    Problem {
        file: LINKS_FILE.to_string(),
        feature: Some(ix),
        id: Some(net.links()[ix].id.0.clone()),
        field: field.to_string(),
        message,
    }
}

/// The data field `e` is about on link `ix`: an unknown calendar is the `closure_rule`'s when
/// the link names one.
fn field_of(net: &Network, ix: usize, e: &ScheduleError) -> &'static str {
    let by_rule = net.links()[ix].properties.contains_key("closure_rule");
    match e {
        ScheduleError::Calendar { .. } if by_rule => "closure_rule",
        _ => e.field(),
    }
}

/// The schedule fields of link `ix` (`opening_hours`, `timezone`, and `closure_rule` or
/// `holidays`; a rule's name is resolved like a calendar's, to the rule's days): `None` for a
/// link without a schedule (not a crossing, or no `opening_hours`: open around the clock) or
/// whose fields are malformed (reported into `problems`; a missing `schedule_source` is
/// reported but the schedule is still compiled).
fn link_spec(net: &Network, ix: usize, problems: &mut Vec<Problem>) -> Option<LinkSpec> {
    let link = &net.links()[ix];
    link.crossing.as_ref()?;
    // Only the schedule's own fields are parsed out of the properties text (a crossing's
    // properties run to kilobytes of notes and sources).
    let p = &link.properties.select(SCHEDULE_FIELDS);
    let oh = p.get("opening_hours")?;
    let mut problem =
        |field: &str, message: String| problems.push(link_problem(net, ix, field, message));
    let Some(oh) = oh.as_str() else {
        problem(
            "opening_hours",
            "must be a string in OpenStreetMap opening_hours syntax".into(),
        );
        return None;
    };
    let Some(tz) = p.get("timezone").and_then(|v| v.as_str()) else {
        problem(
            "timezone",
            "required with opening_hours: an IANA time zone name".into(),
        );
        return None;
    };
    if let Some(rule) = p.get("closure_rule") {
        if p.contains_key("holidays") {
            problem(
                "holidays",
                "give either closure_rule or holidays, not both (the rule names its calendars)"
                    .into(),
            );
        }
        let Some(rule) = rule.as_str() else {
            problem(
                "closure_rule",
                "must be the name of a rule of calendar/holidays.json, e.g. \"CN-landport\"".into(),
            );
            return None;
        };
        return Some(LinkSpec {
            opening_hours: oh.to_string(),
            timezone: tz.to_string(),
            holidays: vec![rule.to_string()],
        });
    }
    let holidays = match p.get("holidays") {
        None => Vec::new(),
        Some(serde_json::Value::Array(a)) if a.iter().all(|v| v.is_string()) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(_) => {
            problem(
                "holidays",
                "must be an array of calendar codes, e.g. [\"MN\", \"CN\"]".into(),
            );
            return None;
        }
    };
    let sourced = p
        .get("schedule_source")
        .and_then(|v| v.as_str())
        .is_some_and(|s| !s.trim().is_empty());
    if !sourced {
        problem(
            "schedule_source",
            "required with opening_hours: where the schedule comes from (an assumed one says so)"
                .into(),
        );
    }
    Some(LinkSpec {
        opening_hours: oh.to_string(),
        timezone: tz.to_string(),
        holidays,
    })
}

/// The properties a crossing's schedule is read from ([`link_spec`]).
const SCHEDULE_FIELDS: &[&str] = &[
    "opening_hours",
    "timezone",
    "closure_rule",
    "holidays",
    "schedule_source",
];

impl ScheduleTable {
    const NONE: u16 = u16::MAX;

    /// Whether a change of property `field` can change a link's compiled schedule: one of the
    /// schedule's own fields, or `kind` (only crossings have schedules). A scenario whose
    /// edits set none of them keeps every schedule it does not name (see
    /// [`ScheduleTable::overlay`]).
    pub fn reads_field(field: &str) -> bool {
        field == "kind" || SCHEDULE_FIELDS.contains(&field)
    }

    /// Distinct schedules a table can hold (indices below [`Self::NONE`]).
    pub const MAX_SCHEDULES: usize = u16::MAX as usize;

    /// Compiles the schedules of `n_links` links, given as `(link index, spec)` pairs; equal
    /// specs share one compiled schedule.
    ///
    /// # Errors
    /// Every failing link with its [`ScheduleError`] (all of them, not just the first).
    pub fn build<'a>(
        n_links: usize,
        specs: impl IntoIterator<Item = (usize, ScheduleSpec<'a>)>,
        calendars: &HolidayCalendars,
    ) -> Result<Self, Vec<(usize, ScheduleError)>> {
        let (table, errors) = Self::build_lenient(n_links, specs, calendars);
        if errors.is_empty() {
            Ok(table)
        } else {
            Err(errors)
        }
    }

    /// As [`Self::build`], but keeps the links that compile: a failing link has no schedule
    /// and is listed with its error.
    pub fn build_lenient<'a>(
        n_links: usize,
        specs: impl IntoIterator<Item = (usize, ScheduleSpec<'a>)>,
        calendars: &HolidayCalendars,
    ) -> (Self, Vec<(usize, ScheduleError)>) {
        let mut table = Self {
            by_link: vec![Self::NONE; n_links],
            schedules: Vec::new(),
            specs: Vec::new(),
            covered: calendars.covered_years(),
        };
        let mut seen: HashMap<ScheduleSpec<'a>, Result<u16, ScheduleError>> = HashMap::new();
        let mut errors = Vec::new();
        for (ix, spec) in specs {
            let slot = seen
                .entry(spec)
                .or_insert_with(|| table.compile(&spec, calendars));
            match slot {
                Ok(k) => table.by_link[ix] = *k,
                Err(e) => errors.push((ix, e.clone())),
            }
        }
        (table, errors)
    }

    /// Compiles `spec` and adds it to the distinct schedules.
    fn compile(
        &mut self,
        spec: &ScheduleSpec<'_>,
        calendars: &HolidayCalendars,
    ) -> Result<u16, ScheduleError> {
        // Indices 0..NONE; NONE itself means "no schedule" (always open), so it is never
        // handed out.
        let k = u16::try_from(self.schedules.len())
            .ok()
            .filter(|&k| k != Self::NONE)
            .ok_or(ScheduleError::TooMany {
                max: Self::MAX_SCHEDULES,
            })?;
        let s = memoized(spec, calendars)?;
        self.schedules.push(s);
        self.specs.push(OwnedSpec::of(spec));
        Ok(k)
    }

    /// The schedules of a network's crossings, read once from each crossing's
    /// `opening_hours`, `timezone` and `holidays` properties (a crossing without
    /// `opening_hours` has no schedule: open around the clock).
    ///
    /// # Returns
    /// The table of every link that compiles, and one validation [`Problem`] (file
    /// `links.geojson`, feature, id, field) per link that does not.
    pub fn of_network(net: &Network, calendars: &HolidayCalendars) -> (Self, Vec<Problem>) {
        let mut problems = Vec::new();
        let read: Vec<(usize, LinkSpec)> = (0..net.links().len())
            .filter_map(|ix| link_spec(net, ix, &mut problems).map(|s| (ix, s)))
            .collect();
        let specs = read.iter().map(|(ix, s)| (*ix, s.spec()));
        let (table, errors) = Self::build_lenient(net.links().len(), specs, calendars);
        for (ix, e) in errors {
            problems.push(link_problem(net, ix, field_of(net, ix, &e), e.to_string()));
        }
        problems.sort_by_key(|p| p.feature);
        (table, problems)
    }

    /// The table of `net`, a network derived from this table's by changing (or adding) the
    /// links `touched`: every other link keeps its compiled schedule (shared, not copied), and
    /// a touched link reuses a compiled schedule with the same spec; only a spec not seen
    /// before is compiled.
    ///
    /// # Returns
    /// As [`ScheduleTable::of_network`]: the table, and the problems of the touched links
    /// (untouched links are as they were).
    ///
    /// # Complexity
    /// O(links) to copy the `u16` per link, plus one compilation per new spec.
    pub fn overlay(
        &self,
        net: &Network,
        touched: &[usize],
        calendars: &HolidayCalendars,
    ) -> (Self, Vec<Problem>) {
        let mut table = self.clone();
        table.by_link.resize(net.links().len(), Self::NONE);
        let mut problems = Vec::new();
        for &ix in touched {
            table.by_link[ix] = Self::NONE;
            let Some(read) = link_spec(net, ix, &mut problems) else {
                continue;
            };
            let spec = read.spec();
            let known = table.specs.iter().position(|s| s.is(&spec));
            match known
                .and_then(|k| u16::try_from(k).ok())
                .ok_or(())
                .or_else(|()| table.compile(&spec, calendars))
            {
                Ok(k) => table.by_link[ix] = k,
                Err(e) => {
                    problems.push(link_problem(net, ix, field_of(net, ix, &e), e.to_string()))
                }
            }
        }
        problems.sort_by_key(|p| p.feature);
        (table, problems)
    }

    /// The covered years, first and last (inclusive).
    pub fn covered_years(&self) -> (i32, i32) {
        self.covered
    }

    /// The schedule of link `ix`, if it has one.
    pub fn of(&self, ix: usize) -> Option<&Schedule> {
        match self.by_link.get(ix) {
            Some(&k) if k != Self::NONE => self.schedules.get(k as usize).map(|s| &**s),
            _ => None,
        }
    }

    /// When cargo arriving at link `ix` at `t` can enter it: `Ok(None)` for a link without a
    /// schedule (always passable, costs one array read).
    ///
    /// # Errors
    /// See [`Schedule::next_open`].
    pub fn next_open(&self, ix: usize, t: UnixSeconds) -> Result<Option<Window>, OutsideCalendar> {
        self.of(ix).map(|s| s.next_open(t)).transpose()
    }

    /// Number of distinct compiled schedules that some link has.
    pub fn distinct(&self) -> usize {
        let mut used = vec![false; self.schedules.len()];
        for &k in &self.by_link {
            if let Some(u) = used.get_mut(k as usize) {
                *u = true;
            }
        }
        used.iter().filter(|&&u| u).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn cal() -> &'static HolidayCalendars {
        HolidayCalendars::embedded()
    }

    #[test]
    fn a_reload_reuses_compiled_schedules() {
        let h = vec!["MN".to_string(), "CN".to_string()];
        let spec = ScheduleSpec {
            opening_hours: "Mo-Fr 09:00-18:00; PH off",
            timezone: "Asia/Ulaanbaatar",
            holidays: &h,
        };
        let (a, ea) = ScheduleTable::build_lenient(1, [(0, spec)], cal());
        let (b, eb) = ScheduleTable::build_lenient(1, [(0, spec)], cal());
        assert!(ea.is_empty() && eb.is_empty(), "{ea:?} {eb:?}");
        assert!(Arc::ptr_eq(&a.schedules[0], &b.schedules[0]));
    }

    fn utc(s: &str) -> UnixSeconds {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    fn iso(t: UnixSeconds) -> String {
        DateTime::<Utc>::from_timestamp(t, 0).unwrap().to_rfc3339()
    }

    fn compile(oh: &str, tz: &str, holidays: &[&str]) -> Result<Schedule, ScheduleError> {
        let h: Vec<String> = holidays.iter().map(|s| s.to_string()).collect();
        Schedule::compile(
            &ScheduleSpec {
                opening_hours: oh,
                timezone: tz,
                holidays: &h,
            },
            cal(),
        )
    }

    mod calendar {
        use super::*;

        #[test]
        fn shipped_file_covers_2025_to_2028_for_all_four_countries() {
            let c = cal();
            assert_eq!(c.covered_years(), (2025, 2028));
            assert_eq!(c.codes().collect::<Vec<_>>(), ["CN", "KZ", "MN", "RU"]);
        }

        #[test]
        fn lunar_new_years_differ_between_china_and_mongolia_in_2025() {
            let c = cal();
            let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
            // Chinese Spring Festival 2025 began 28 January; Tsagaan Sar on 1 March.
            assert!(c.is_holiday("CN", d("2025-01-29")));
            assert!(!c.is_holiday("MN", d("2025-01-29")));
            assert!(c.is_holiday("MN", d("2025-03-01")));
            assert!(!c.is_holiday("CN", d("2025-03-01")));
            assert!(c.is_holiday("MN", d("2027-07-11")), "Naadam");
            assert!(c.is_holiday("KZ", d("2026-03-23")), "Nauryz");
            assert!(c.is_holiday("RU", d("2026-01-09")), "New Year holidays");
            assert!(!c.is_holiday("RU", d("2026-01-12")));
        }

        #[test]
        fn rejects_reversed_range_and_dates_outside_coverage() {
            let bad = r#"{"covered_years":[2025,2025],"calendars":{"XX":{"holidays":[{"from":"2025-05-02","to":"2025-05-01"}]}}}"#;
            assert!(matches!(
                HolidayCalendars::from_json(bad),
                Err(CalendarError::Date { index: 0, .. })
            ));
            let outside = r#"{"covered_years":[2025,2025],"calendars":{"XX":{"holidays":[{"from":"2026-01-01"}]}}}"#;
            assert!(matches!(
                HolidayCalendars::from_json(outside),
                Err(CalendarError::Coverage(_))
            ));
            assert!(matches!(
                HolidayCalendars::from_json("{"),
                Err(CalendarError::Json(_))
            ));
        }
    }

    mod closure_rules {
        use super::*;

        const FILE: &str = r#"{"covered_years":[2026,2026],
            "calendars":{"XX":{"holidays":[{"from":"2026-10-01","to":"2026-10-07"}]}},
            "closure_rules":{
                "whole":{"calendars":["XX"]},
                "statutory":{"days":[{"from":"2026-10-01","to":"2026-10-03"}]},
                "open":{}}}"#;

        #[test]
        fn a_rule_is_its_own_days_plus_the_calendars_it_names() {
            let c = HolidayCalendars::from_json(FILE).unwrap();
            let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
            assert_eq!(
                c.rules().collect::<Vec<_>>(),
                ["open", "statutory", "whole"]
            );
            assert!(c.rule_closes("whole", d("2026-10-06")));
            assert!(c.rule_closes("statutory", d("2026-10-03")));
            assert!(!c.rule_closes("statutory", d("2026-10-05")), "bridge day");
            assert!(!c.rule_closes("open", d("2026-10-01")));
            // A schedule names the rule where it named calendars.
            let h = vec!["statutory".to_string()];
            let spec = ScheduleSpec {
                opening_hours: "Mo-Su 09:00-18:00; PH off",
                timezone: "Asia/Shanghai",
                holidays: &h,
            };
            let s = Schedule::compile(&spec, &c).unwrap();
            let w = s.next_open(utc("2026-10-02T02:00:00Z")).unwrap();
            assert_eq!(iso(w.opens), "2026-10-04T01:00:00+00:00");
        }

        #[test]
        fn a_rule_naming_an_unknown_calendar_is_refused() {
            let bad = r#"{"covered_years":[2026,2026],"calendars":{},
                "closure_rules":{"r":{"calendars":["ZZ"]}}}"#;
            let e = HolidayCalendars::from_json(bad).unwrap_err();
            assert!(e.to_string().contains("ZZ"), "{e}");
        }

        #[test]
        fn the_shipped_rules_keep_cn_landport_to_the_statutory_days() {
            let c = cal();
            let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
            for day in ["2026-10-01", "2026-10-03", "2026-02-16", "2026-02-19"] {
                assert!(c.rule_closes("CN-landport", d(day)), "{day}");
            }
            for day in ["2026-10-05", "2026-02-20", "2026-02-23"] {
                assert!(c.is_holiday("CN", d(day)), "{day} is a Chinese day off");
                assert!(
                    !c.rule_closes("CN-landport", d(day)),
                    "{day} is a bridge day"
                );
            }
            // MN-CN: Naadam closes, Republic Day does not (Montsame, 15 Sep 2021).
            assert!(c.rule_closes("MN-CN", d("2027-07-12")));
            assert!(!c.rule_closes("MN-CN", d("2026-11-26")));
        }
    }

    mod compile {
        use super::*;

        #[test]
        fn round_the_clock_is_one_interval() {
            let s = compile("24/7", "Asia/Irkutsk", &[]).unwrap();
            assert!(s.is_always_open());
            let t = utc("2027-07-10T02:00:00Z");
            assert_eq!(s.next_open(t).unwrap().opens, t);
        }

        #[test]
        fn malformed_expression_names_opening_hours() {
            let e = compile("09:00–18:00 weekdays (approx.)", "Asia/Almaty", &[]).unwrap_err();
            assert_eq!(e.field(), "opening_hours");
            assert!(e.to_string().contains("weekdays"), "{e}");
        }

        #[test]
        fn unknown_zone_and_calendar_name_their_fields() {
            let e = compile("24/7", "Asia/Ulan_Bator_Nowhere", &[]).unwrap_err();
            assert_eq!(e.field(), "timezone");
            let e = compile("24/7", "Asia/Almaty", &["XX"]).unwrap_err();
            assert_eq!(e.field(), "holidays");
            assert!(e.to_string().contains("CN, KZ, MN, RU"), "{e}");
        }

        #[test]
        fn never_open_is_refused() {
            let e = compile("off", "Asia/Almaty", &[]).unwrap_err();
            assert!(matches!(e, ScheduleError::NeverOpen { .. }), "{e}");
        }
    }

    mod next_open {
        use super::*;

        #[test]
        fn weekday_hours_in_local_time() {
            // Ulaanbaatar is UTC+8 all year.
            let s = compile("Mo-Fr 09:00-18:00", "Asia/Ulaanbaatar", &[]).unwrap();
            // Friday 2027-07-09 17:00 local = 09:00Z: open until 18:00 local = 10:00Z.
            let w = s.next_open(utc("2027-07-09T09:00:00Z")).unwrap();
            assert_eq!(iso(w.opens), "2027-07-09T09:00:00+00:00");
            assert_eq!(iso(w.closes), "2027-07-09T10:00:00+00:00");
            // Friday 19:00 local: next opening Monday 09:00 local = 01:00Z.
            let w = s.next_open(utc("2027-07-09T11:00:00Z")).unwrap();
            assert_eq!(iso(w.opens), "2027-07-12T01:00:00+00:00");
        }

        #[test]
        fn public_holidays_close_a_ph_off_crossing() {
            let plain = compile("Mo-Fr 09:00-18:00", "Asia/Ulaanbaatar", &["MN"]).unwrap();
            let ph = compile("Mo-Fr 09:00-18:00; PH off", "Asia/Ulaanbaatar", &["MN"]).unwrap();
            // Naadam 2027: Sunday 11 July – Thursday 15 July. Arriving Monday 12 July 10:00.
            let t = utc("2027-07-12T02:00:00Z");
            assert_eq!(plain.next_open(t).unwrap().opens, t);
            let w = ph.next_open(t).unwrap();
            assert_eq!(
                iso(w.opens),
                "2027-07-16T01:00:00+00:00",
                "reopens Friday 16 July"
            );
        }

        #[test]
        fn holidays_of_both_neighbours_apply() {
            let s = compile("Mo-Fr 09:00-18:00; PH off", "Asia/Shanghai", &["MN", "CN"]).unwrap();
            // Chinese National Day 2026 (1–7 October) closes it even though Mongolia works.
            let w = s.next_open(utc("2026-10-01T02:00:00Z")).unwrap();
            assert_eq!(iso(w.opens), "2026-10-08T01:00:00+00:00");
        }

        #[test]
        fn seasonal_months() {
            let s = compile("May-Oct Mo-Fr 09:00-18:00", "Asia/Ulaanbaatar", &[]).unwrap();
            let w = s.next_open(utc("2027-11-15T02:00:00Z")).unwrap();
            assert_eq!(iso(w.opens), "2028-05-01T01:00:00+00:00");
        }

        #[test]
        fn outside_covered_years_is_an_error_naming_them() {
            let s = compile("24/7", "Asia/Almaty", &[]).unwrap();
            let e = s.next_open(utc("2030-01-01T00:00:00Z")).unwrap_err();
            assert_eq!((e.first_year, e.last_year), (2025, 2028));
            assert!(s.next_open(utc("2024-12-31T00:00:00Z")).is_err());
            // No opening left before the end of 2028.
            let s = compile("Mo-Fr 09:00-18:00", "Asia/Almaty", &[]).unwrap();
            assert!(s.next_open(utc("2028-12-30T12:00:00Z")).is_err());
        }

        #[test]
        fn never_decreases_fifo() {
            let s = compile("Mo-Fr 09:00-18:00; PH off", "Asia/Almaty", &["KZ"]).unwrap();
            let mut prev = i64::MIN;
            let start = utc("2026-03-01T00:00:00Z");
            for k in 0..2000 {
                let t = start + k * 1733;
                let w = s.next_open(t).unwrap();
                assert!(w.opens >= t && w.opens >= prev && w.closes > w.opens);
                prev = w.opens;
            }
        }
    }

    mod table {
        use super::*;

        #[test]
        fn shares_equal_schedules_and_reports_every_bad_link() {
            let h = vec!["RU".to_string()];
            let a = ScheduleSpec {
                opening_hours: "24/7",
                timezone: "Asia/Irkutsk",
                holidays: &h,
            };
            let b = ScheduleSpec {
                opening_hours: "Mo-Fr 09:00-18:00; PH off",
                ..a
            };
            let t = ScheduleTable::build(5, [(0, a), (2, b), (4, a)], cal()).unwrap();
            assert_eq!(t.distinct(), 2);
            assert!(t.of(1).is_none());
            let at = utc("2026-05-01T03:00:00Z");
            assert_eq!(t.next_open(1, at).unwrap(), None);
            assert_eq!(t.next_open(0, at).unwrap().unwrap().opens, at);
            assert!(
                t.next_open(2, at).unwrap().unwrap().opens > at,
                "1 May holiday"
            );
            let bad = ScheduleSpec {
                timezone: "Mars/Olympus",
                ..a
            };
            let errs = ScheduleTable::build(5, [(0, bad), (1, a), (3, bad)], cal()).unwrap_err();
            assert_eq!(errs.iter().map(|e| e.0).collect::<Vec<_>>(), [0, 3]);
        }
    }
}
