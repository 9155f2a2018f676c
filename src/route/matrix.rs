//! The distance matrix and reach requests, typed ([`MatrixRequest`], [`ReachRequest`]), read
//! by the one parser of HTTP query strings, JSON bodies and the command line, and answered
//! by [`plan_matrix`] and [`plan_reach`]. Places, constraints and profile are those of a
//! route request: the same [`PlaceQuery`], the same resolution (`request::resolve_place`),
//! the same [`ConstraintArgs`] and [`ProfileArgs`], the same [`Measure`].

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::many::{Costing, Direction, MatrixCells, MatrixSearch, Timed, usable};
use super::reach::{MAX_CONTOURS, Reach, check_contours, reach};
use super::request::{PlaceQuery, Waypoint, parse_depart, resolve_place};
use super::timed::{EdgeClock, check_depart};
use super::{ConstraintsEcho, RouteData, RouteError};
use crate::cost::{
    ConstraintArgs, ConstraintInput, Constraints, Measure, ModeFilter, Profile, ProfileArgs,
};
use crate::fields::{FieldError, Fields, concat_names, raw_args};

/// Most cells (sources × destinations) in one matrix.
pub const MAX_CELLS: usize = 10_000;

raw_args!(
    /// The places and options of a matrix, as given (raw strings). With [`ConstraintArgs`]
    /// and [`ProfileArgs`] they make every parameter of `/v1/matrix` and `corridor matrix`.
    MatrixOptions {
        /// Origins (rows), comma-separated: node ids, place names, or `lon,lat` (a position takes two items). At most 10,000 cells in all.
        #[arg(visible_alias = "from")]
        sources,
        /// Destinations (columns), as `sources`.
        #[arg(visible_alias = "to")]
        destinations,
        /// Modes allowed (default `any`: multimodal, changing mode only at intermodal nodes).
        #[arg(value_parser = crate::fields::spelling_parser::<ModeFilter>())]
        mode,
        /// Measure that picks each cell's route (default `time`); every measure of that route is given.
        #[arg(value_parser = crate::fields::spelling_parser::<Measure>())]
        optimize,
        /// Departure, RFC 3339 with offset (e.g. `2027-07-10T08:00+06:00`): each cell is timed through the crossings' schedules (cargo waits while a crossing is closed); with `optimize=time` each cell is the earliest arrival. Adds `arrive` and `wait_h` per cell.
        depart,
    }
);

raw_args!(
    /// The options of a reach request, as given (raw strings). With [`ConstraintArgs`] and
    /// [`ProfileArgs`] they make every parameter of `/v1/reach` and `corridor reach`.
    ReachOptions {
        /// `from` (default: where the place gets to) or `to` (who gets to the place: a catchment).
        #[arg(value_parser = crate::fields::spelling_parser::<Direction>())]
        direction,
        /// Measure of the budgets (default `time`).
        #[arg(value_parser = crate::fields::spelling_parser::<Measure>())]
        measure,
        /// Up to 5 increasing budgets in the measure's unit, comma-separated (e.g. `24,48,72` hours).
        contours,
        /// Modes allowed (default `any`: multimodal, changing mode only at intermodal nodes).
        #[arg(value_parser = crate::fields::spelling_parser::<ModeFilter>())]
        mode,
        /// Departure from the place, RFC 3339 with offset (2025–2028), with `direction=from` and `measure=time` only: values become earliest arrivals in hours after departure, waits at closed crossings included.
        depart,
        /// Arrival deadline at the place, RFC 3339 with offset (2025–2028), with `direction=to` and `measure=time` only: values become latest departures in hours before the deadline (leave a node that long before it and arrive in time; a minute later and not), waits at closed crossings included.
        arrive_by,
    }
);

const MATRIX_COUNT: usize =
    MatrixOptions::NAMES.len() + ConstraintArgs::NAMES.len() + ProfileArgs::NAMES.len();
const MATRIX_ARRAY: [&str; MATRIX_COUNT] = concat_names(&[
    MatrixOptions::NAMES,
    ConstraintArgs::NAMES,
    ProfileArgs::NAMES,
]);
const REACH_COUNT: usize =
    1 + ReachOptions::NAMES.len() + ConstraintArgs::NAMES.len() + ProfileArgs::NAMES.len();
const REACH_ARRAY: [&str; REACH_COUNT] = concat_names(&[
    &["from"],
    ReachOptions::NAMES,
    ConstraintArgs::NAMES,
    ProfileArgs::NAMES,
]);

/// A matrix request, as typed values.
#[derive(Debug, Clone)]
pub struct MatrixRequest {
    /// Origins, in row order.
    pub sources: Vec<PlaceQuery>,
    /// Destinations, in column order.
    pub destinations: Vec<PlaceQuery>,
    /// Measure that picks each cell's route. Default `time`.
    pub optimize: Measure,
    /// Mode and filters, unchecked (checked against the network when planning).
    pub constraints: ConstraintInput,
    /// Costing figures. Default [`Profile::default`].
    pub profile: Profile,
    /// Departure: cells timed through the crossings' schedules.
    pub depart: Option<DateTime<FixedOffset>>,
}

/// A reach request, as typed values.
#[derive(Debug, Clone)]
pub struct ReachRequest {
    /// The place.
    pub from: PlaceQuery,
    /// Outwards (default) or inwards.
    pub direction: Direction,
    /// Measure of the budgets. Default `time`.
    pub measure: Measure,
    /// Budgets, increasing, at most [`MAX_CONTOURS`].
    pub contours: Vec<f64>,
    /// Mode and filters, unchecked.
    pub constraints: ConstraintInput,
    /// Costing figures.
    pub profile: Profile,
    /// Departure: values are earliest arrivals (outwards, in hours after it).
    pub depart: Option<DateTime<FixedOffset>>,
    /// Arrival deadline at the place: values are latest departures (inwards, in hours
    /// before it).
    pub arrive_by: Option<DateTime<FixedOffset>>,
}

/// Reads `depart` as routes do (RFC 3339 with offset), recording a mistake.
fn depart(f: &mut Fields) -> Option<DateTime<FixedOffset>> {
    f.parsed("depart", parse_depart)
}

fn places(f: &mut Fields, key: &str) -> Vec<PlaceQuery> {
    let Some(s) = f.required(key) else {
        return Vec::new();
    };
    match PlaceQuery::parse_list(&s) {
        Ok(v) => v,
        Err(e) => {
            f.error(key, e);
            Vec::new()
        }
    }
}

impl MatrixRequest {
    /// Every parameter a matrix request accepts, derived from the argument types.
    pub const PARAMETERS: &'static [&'static str] = &MATRIX_ARRAY;

    /// Reads a request from raw parameters, recording every mistake in `f` (the one parser
    /// of query strings, JSON bodies and the command line). The cell limit is not checked
    /// here (it is a 413, not a malformed parameter): see [`plan_matrix`].
    pub fn read(f: &mut Fields) -> Self {
        let sources = places(f, "sources");
        let destinations = places(f, "destinations");
        let mode = f.choice::<ModeFilter>("mode").unwrap_or_default();
        let optimize = f.choice::<Measure>("optimize").unwrap_or_default();
        let depart = depart(f);
        let mut constraints = ConstraintArgs::read(f);
        constraints.mode = mode;
        let profile = ProfileArgs::read(f);
        Self {
            sources,
            destinations,
            optimize,
            constraints,
            profile,
            depart,
        }
    }
}

impl ReachRequest {
    /// Every parameter a reach request accepts, derived from the argument types.
    pub const PARAMETERS: &'static [&'static str] = &REACH_ARRAY;

    /// Reads a request from raw parameters, recording every mistake in `f`. `None` when
    /// `from` or `contours` is unusable (the mistake is recorded).
    pub fn read(f: &mut Fields) -> Option<Self> {
        let from = f
            .required("from")
            .and_then(|v| match PlaceQuery::parse(&v) {
                Ok(q) => Some(q),
                Err(e) => {
                    f.error("from", e);
                    None
                }
            });
        let direction = f.choice::<Direction>("direction").unwrap_or_default();
        let measure = f.choice::<Measure>("measure").unwrap_or_default();
        let contours = f.required("contours").and_then(|s| {
            let parsed: Result<Vec<f64>, String> = s
                .split(',')
                .map(|x| {
                    x.trim()
                        .parse::<f64>()
                        .map_err(|_| format!("'{}' is not a number", x.trim()))
                })
                .collect();
            match parsed.map(|v| check_contours(&v).map(|()| v)) {
                Ok(Ok(v)) => Some(v),
                Ok(Err(e)) => {
                    f.error("contours", e.to_string());
                    None
                }
                Err(e) => {
                    f.error("contours", e);
                    None
                }
            }
        });
        let mode = f.choice::<ModeFilter>("mode").unwrap_or_default();
        let depart = depart(f);
        let arrive_by = f.parsed("arrive_by", parse_depart);
        // A departure times the way out, a deadline the way in; budgets in another measure
        // do not depend on the clock.
        if depart.is_some() {
            if direction != Direction::From {
                f.error(
                    "depart",
                    "applies to direction=from only (the time of leaving the place); towards the place give arrive_by, the deadline there",
                );
            }
            if measure != Measure::Time {
                f.error(
                    "depart",
                    "applies to measure=time only (budgets in hours after departure)",
                );
            }
        }
        if arrive_by.is_some() {
            if direction != Direction::To {
                f.error(
                    "arrive_by",
                    "applies to direction=to only (the deadline at the place); from the place give depart",
                );
            }
            if measure != Measure::Time {
                f.error(
                    "arrive_by",
                    "applies to measure=time only (budgets in hours before the deadline)",
                );
            }
        }
        let mut constraints = ConstraintArgs::read(f);
        constraints.mode = mode;
        let profile = ProfileArgs::read(f);
        Some(Self {
            from: from?,
            direction,
            measure,
            contours: contours?,
            constraints,
            profile,
            depart,
            arrive_by,
        })
    }
}

pub use super::request::UnknownPlace;

/// Why a matrix or reach request has no answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ManyError {
    /// Parameters that are well-formed but wrong for this network (unknown link ids,
    /// ambiguous names), each named.
    #[error("invalid parameter(s): {}", .0.iter().map(|p| format!("{}: {}", p.field, p.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// Places that match no node, every one of them.
    #[error("no place matches {}", .0.iter().map(|u| format!("{} '{}'", u.field, u.query)).collect::<Vec<_>>().join(", "))]
    UnknownPlaces(Vec<UnknownPlace>),
    /// More cells than [`MAX_CELLS`].
    #[error("{sources} sources × {destinations} destinations = {} cells; at most {MAX_CELLS} per request", sources * destinations)]
    TooLarge {
        /// Sources given.
        sources: usize,
        /// Destinations given.
        destinations: usize,
    },
    /// A departure or arrival deadline (or a crossing reached from it, before the answer is
    /// certain) outside the years the border schedules cover.
    #[error("{field}: outside the years the border schedules cover ({first_year}–{last_year})")]
    OutsideCalendar {
        /// The parameter: `depart`, or reach's `arrive_by`.
        field: &'static str,
        /// First covered year.
        first_year: i32,
        /// Last covered year.
        last_year: i32,
    },
    /// More searches × network elements than the caller's work cap
    /// ([`plan_matrix_within`]).
    #[error(transparent)]
    TooMuchWork(#[from] crate::cancel::TooMuchWork),
    /// A place that cannot be used under the request (a position too far from any node
    /// serving the mode; a reach origin in an avoided country or not serving the mode).
    #[error("{detail}")]
    Unusable {
        /// What is wrong.
        detail: String,
        /// The parameter.
        field: Option<String>,
    },
}

/// The request, normalised, as echoed in answers.
#[derive(Debug, Clone, Serialize)]
pub struct ManyEcho {
    /// Modes allowed.
    pub mode: ModeFilter,
    /// The measure that picks routes (matrix) or of the budgets (reach).
    pub measure: Measure,
    /// Filters.
    pub constraints: ConstraintsEcho,
    /// Costing figures used.
    pub profile: Profile,
    /// Departure (RFC 3339), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depart: Option<String>,
    /// Reach's arrival deadline (RFC 3339), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrive_by: Option<String>,
}

/// The answer to a matrix request.
#[derive(Debug, Clone)]
pub struct MatrixPlan {
    /// Sources as resolved, in row order.
    pub sources: Vec<Waypoint>,
    /// Destinations as resolved, in column order.
    pub destinations: Vec<Waypoint>,
    /// The cells.
    pub cells: MatrixCells,
    /// The normalised request.
    pub echo: ManyEcho,
}

/// The answer to a reach request.
#[derive(Debug, Clone)]
pub struct ReachPlan {
    /// The place as resolved.
    pub origin: Waypoint,
    /// What it reaches.
    pub reach: Reach,
    /// The normalised request.
    pub echo: ManyEcho,
}

fn sorted(set: &std::collections::HashSet<String>) -> Vec<String> {
    let mut v: Vec<String> = set.iter().cloned().collect();
    v.sort();
    v
}

fn echo(
    c: &Constraints,
    measure: Measure,
    profile: Profile,
    depart: Option<DateTime<FixedOffset>>,
) -> ManyEcho {
    ManyEcho {
        depart: depart.map(|d| d.to_rfc3339()),
        arrive_by: None,
        mode: c.mode,
        measure,
        constraints: ConstraintsEcho {
            avoid_countries: sorted(&c.avoid_countries),
            avoid_crossings: sorted(&c.avoid_crossings),
            avoid_links: sorted(&c.avoid_links),
            include_planned: c.include_planned,
            include_unverified: c.include_unverified,
            cargo: c.cargo,
        },
        profile,
    }
}

fn outside(field: &'static str, e: crate::cost::schedule::OutsideCalendar) -> ManyError {
    ManyError::OutsideCalendar {
        field,
        first_year: e.first_year,
        last_year: e.last_year,
    }
}

/// The timing of a search whose clock counts from `at` (a departure, or a backward search's
/// arrival deadline; checked against the calendar's years, a refusal naming `field`).
fn timed<'a>(
    data: RouteData<'a>,
    profile: &'a Profile,
    (field, at): (&'static str, Option<DateTime<FixedOffset>>),
    by_arrival: bool,
) -> Result<Option<Timed<'a>>, ManyError> {
    let Some(d) = at else { return Ok(None) };
    check_depart(data.schedules, d).map_err(|e| outside(field, e))?;
    Ok(Some(Timed {
        clock: EdgeClock {
            net: data.network,
            graph: data.search,
            schedules: data.schedules,
            profile,
            depart_s: d.timestamp(),
        },
        by_arrival,
    }))
}

fn constraints(data: RouteData<'_>, input: &ConstraintInput) -> Result<Constraints, ManyError> {
    Constraints::resolve(data.network, input, "").map_err(|issues| {
        ManyError::Invalid(
            issues
                .into_iter()
                .map(|i| FieldError::new(i.field, i.detail))
                .collect(),
        )
    })
}

/// Resolves every place of `lists`, gathering every mistake: malformed parameters (400)
/// first, then unknown and ambiguous places (404, all of them), then unsnappable positions
/// (422).
fn resolve_all(
    data: RouteData<'_>,
    c: &Constraints,
    lists: &[(&'static str, &[PlaceQuery])],
) -> Result<Vec<Vec<Waypoint>>, ManyError> {
    let mut invalid = Vec::new();
    let mut unknown = Vec::new();
    let mut unusable = None;
    let mut out = Vec::new();
    for (field, list) in lists {
        let mut resolved = Vec::with_capacity(list.len());
        for (i, place) in list.iter().enumerate() {
            let at = if list.len() == 1 && *field == "from" {
                field.to_string()
            } else {
                format!("{field}[{i}]")
            };
            match resolve_place(data, c, field, place) {
                Ok(w) => resolved.push(w),
                Err(RouteError::UnknownPlace {
                    query, suggestions, ..
                }) => unknown.push(UnknownPlace {
                    field: at,
                    detail: format!("no place matches '{query}'"),
                    query,
                    suggestions,
                }),
                Err(RouteError::Places(list)) => {
                    unknown.extend(list.into_iter().map(|p| UnknownPlace {
                        field: at.clone(),
                        ..p
                    }))
                }
                Err(RouteError::Invalid(problems)) => invalid.extend(
                    problems
                        .into_iter()
                        .map(|p| FieldError::new(at.clone(), p.message)),
                ),
                Err(RouteError::NoRoute { detail, .. }) => {
                    unusable.get_or_insert(ManyError::Unusable {
                        detail,
                        field: Some(at),
                    });
                }
                // Place resolution never consults the calendar; kept total for the compiler.
                Err(other @ RouteError::OutsideCalendar { .. }) => {
                    invalid.push(FieldError::new(at.clone(), other.to_string()))
                }
            }
        }
        out.push(resolved);
    }
    if !invalid.is_empty() {
        return Err(ManyError::Invalid(invalid));
    }
    if !unknown.is_empty() {
        return Err(ManyError::UnknownPlaces(unknown));
    }
    if let Some(e) = unusable {
        return Err(e);
    }
    Ok(out)
}

/// Answers a matrix request: one one-to-many search per source ([`super::many::matrix`]),
/// each cell equal to the route `plan` gives for its pair with the same options.
///
/// With `depart`, every cell is timed through the crossings' schedules; optimising time,
/// each cell is the earliest arrival (a time-dependent one-to-many search).
///
/// # Errors
/// [`ManyError::OutsideCalendar`] when `depart` lies outside the calendar's years, or a
/// cell's answer depends on a crossing reached beyond them;
/// [`ManyError::TooLarge`] beyond [`MAX_CELLS`] (checked first, before any work);
/// [`ManyError::Invalid`], [`ManyError::UnknownPlaces`], [`ManyError::Unusable`] as for
/// the places and constraints. A place in an avoided country or not serving the mode is not
/// an error: its row or column is empty, as a route from or to it has no answer.
pub fn plan_matrix<'a>(
    data: impl Into<RouteData<'a>>,
    req: &MatrixRequest,
) -> Result<MatrixPlan, ManyError> {
    plan_matrix_within(data, req, u64::MAX)
}

/// [`plan_matrix`] refusing, once the places are resolved and before any search, a matrix
/// whose searches × network elements (nodes + links) exceed `max_work`. The searches counted
/// are those the matrix will run: one per usable source, or one per usable destination when
/// a tall matrix searches backward ([`super::many::matrix_search`]).
///
/// # Errors
/// As [`plan_matrix`], and [`ManyError::TooMuchWork`] naming `sources` (or `destinations`
/// when searching backward).
pub fn plan_matrix_within<'a>(
    data: impl Into<RouteData<'a>>,
    req: &MatrixRequest,
    max_work: u64,
) -> Result<MatrixPlan, ManyError> {
    let data: RouteData<'a> = data.into();
    let (rows, cols) = (req.sources.len(), req.destinations.len());
    if rows.saturating_mul(cols) > MAX_CELLS {
        return Err(ManyError::TooLarge {
            sources: rows,
            destinations: cols,
        });
    }
    let c = constraints(data, &req.constraints)?;
    let timing = timed(
        data,
        &req.profile,
        ("depart", req.depart),
        req.optimize == Measure::Time,
    )?;
    let mut lists = resolve_all(
        data,
        &c,
        &[
            ("sources", &req.sources),
            ("destinations", &req.destinations),
        ],
    )?
    .into_iter();
    let sources = lists.next().unwrap_or_default();
    let destinations = lists.next().unwrap_or_default();
    let net = data.network;
    let costing = Costing::cached(net, data.search, data.masks, &c, req.profile, req.optimize);
    let spec = super::many::ManySpec {
        timed: timing,
        ..costing.spec(net, data.search)
    };
    let usable_ix = |w: &Waypoint| usable(net, &c, w.node_ix).then_some(w.node_ix);
    let s: Vec<Option<usize>> = sources.iter().map(usable_ix).collect();
    let d: Vec<Option<usize>> = destinations.iter().map(usable_ix).collect();
    // The contraction hierarchy on large graphs, for the default weights without a
    // departure (its customization is of those weights; a departure times every edge).
    let hierarchy = (spec.timed.is_none() && costing.default_weights())
        .then(|| data.search.cch(req.optimize))
        .flatten();
    let search = match hierarchy {
        Some(_) => MatrixSearch::Hierarchy,
        None => super::many::matrix_search(&spec, &s, &d),
    };
    let field = match search {
        MatrixSearch::Forward | MatrixSearch::Hierarchy => "sources",
        MatrixSearch::Backward => "destinations",
    };
    crate::cancel::check_work(
        field,
        "searches",
        search.searches(&s, &d),
        net.nodes().len() + net.links().len(),
        max_work,
    )?;
    let on_hierarchy = hierarchy
        .and_then(|(h, metric)| super::many::matrix_on_hierarchy(&spec, h, metric, &s, &d));
    let mut cells = match on_hierarchy {
        Some(cells) => cells,
        // A mask the hierarchy cannot take (more links changed than a partial customization
        // takes): the one-to-many searches, within the cap they count.
        None => {
            let search = super::many::matrix_search(&spec, &s, &d);
            if hierarchy.is_some() {
                let field = match search {
                    MatrixSearch::Backward => "destinations",
                    _ => "sources",
                };
                crate::cancel::check_work(
                    field,
                    "searches",
                    search.searches(&s, &d),
                    net.nodes().len() + net.links().len(),
                    max_work,
                )?;
            }
            super::many::matrix_by(&spec, &s, &d, search)
        }
    };
    if let Some(e) = cells.outside_calendar {
        return Err(outside("depart", e));
    }
    cells.depart = req.depart;
    Ok(MatrixPlan {
        sources,
        destinations,
        cells,
        echo: echo(&c, req.optimize, req.profile, req.depart),
    })
}

/// Answers a reach request ([`super::reach::reach`]). With `depart` (outwards) values are
/// earliest arrivals in hours after it; with `arrive_by` (inwards) latest departures in hours
/// before it, both through the crossings' schedules.
///
/// # Errors
/// [`ManyError::OutsideCalendar`] naming `depart` or `arrive_by` when it, or a crossing
/// reached within the largest budget, lies outside the calendar's years;
/// [`ManyError::Invalid`] for contours or constraints, [`ManyError::UnknownPlaces`] for an
/// unknown `from`, [`ManyError::Unusable`] when it cannot be snapped, is in an avoided
/// country or does not serve the mode.
pub fn plan_reach<'a>(
    data: impl Into<RouteData<'a>>,
    req: &ReachRequest,
) -> Result<ReachPlan, ManyError> {
    let data: RouteData<'a> = data.into();
    if let Err(e) = check_contours(&req.contours) {
        return Err(ManyError::Invalid(vec![FieldError::new(
            "contours",
            e.to_string(),
        )]));
    }
    let c = constraints(data, &req.constraints)?;
    let origin = resolve_all(data, &c, &[("from", std::slice::from_ref(&req.from))])?
        .into_iter()
        .flatten()
        .next()
        .ok_or_else(|| ManyError::Invalid(vec![FieldError::new("from", "no place given")]))?;
    let net = data.network;
    if !usable(net, &c, origin.node_ix) {
        let node = &net.nodes()[origin.node_ix];
        return Err(ManyError::Unusable {
            detail: format!(
                "from '{}' ({}) cannot start a route under the constraints (avoided country, or not served by {})",
                node.id,
                node.name,
                c.mode.as_str()
            ),
            field: Some("from".into()),
        });
    }
    // Outwards the clock counts from the departure; inwards, back from the deadline.
    let clock = match req.direction {
        Direction::From => ("depart", req.depart),
        Direction::To => ("arrive_by", req.arrive_by),
    };
    let timing = timed(data, &req.profile, clock, req.measure == Measure::Time)?;
    let costing = Costing::cached(net, data.search, data.masks, &c, req.profile, req.measure);
    let spec = super::many::ManySpec {
        timed: timing,
        ..costing.spec(net, data.search)
    };
    let r = reach(
        &spec,
        origin.node_ix,
        req.direction,
        req.measure,
        &req.contours,
    )
    .map_err(|e| outside(clock.0, e))?;
    debug_assert!(r.contours.len() <= MAX_CONTOURS);
    // Echo the instant the values count from, under its own name.
    let (depart, arrive_by) = match req.direction {
        Direction::From => (req.depart, None),
        Direction::To => (None, req.arrive_by),
    };
    let mut echo = echo(&c, req.measure, req.profile, depart);
    echo.arrive_by = arrive_by.map(|d| d.to_rfc3339());
    Ok(ReachPlan {
        origin,
        reach: r,
        echo,
    })
}
