//! Tag selection: which OSM ways become network links, and what they carry.
//!
//! - **Rail**: `railway=rail` with `usage=main|branch`, or with no `usage` and no `service`
//!   (sidings, yards, spurs and crossovers carry `service=*`); `railway=narrow_gauge` only
//!   when asked. `gauge` is kept as tagged (`1520`, `1524`, `1435`, dual `1435;1520`); an
//!   untagged or unreadable gauge takes the country's standard gauge ([`standard_gauge_mm`]).
//! - **Road**: `highway=motorway|trunk|primary` and their `_link`s, with `ref`, `maxspeed`,
//!   `oneway` (`yes|true|1`, `-1` reverses; motorways are oneway unless `oneway=no`).
//! - Asian Highway membership (`type=route`, `route=road`, `network=AH`, `ref=AH4`) is read
//!   from relations and recorded as `ah_ref`.

use crate::network::{Mode, RoadClass};

/// What a selected way carries into its links.
#[derive(Debug, Clone, PartialEq)]
pub struct WayAttrs {
    /// Rail or road.
    pub mode: Mode,
    /// Tagged gauges in mm (two for dual gauge); empty = the country's standard gauge.
    pub gauges_mm: Vec<u32>,
    /// `railway=narrow_gauge`.
    pub narrow: bool,
    /// `electrified` other than `no` (rail), when tagged.
    pub electrified: Option<bool>,
    /// `maxspeed` in km/h when it reads as a number (`mph` converted).
    pub maxspeed_kmh: Option<f64>,
    /// `name`.
    pub name: Option<String>,
    /// `ref`.
    pub reference: Option<String>,
    /// Road class (road only); a `_link` has the class of its road.
    pub road_class: Option<RoadClass>,
    /// A `highway=*_link` ramp.
    pub ramp: bool,
    /// Direction restriction.
    pub oneway: Oneway,
    /// Asian Highway route refs (from relations), e.g. `AH4`, sorted.
    pub ah_refs: Vec<String>,
}

/// A way's direction restriction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Oneway {
    /// Both directions.
    No,
    /// Along the way's node order.
    Forward,
    /// Against it (`oneway=-1`).
    Backward,
}

/// Which ways to select.
#[derive(Debug, Clone, Copy)]
pub struct Selection {
    /// Select rail ways.
    pub rail: bool,
    /// Select road ways.
    pub road: bool,
    /// Also select `railway=narrow_gauge`.
    pub narrow_gauge: bool,
}

/// The attributes of a way when the selection takes it.
///
/// # Example
/// ```
/// use corridor::import::osm::select::{select_way, Selection};
/// let sel = Selection { rail: true, road: true, narrow_gauge: false };
/// let w = select_way([("railway", "rail"), ("usage", "main"), ("gauge", "1435;1520")], &sel).unwrap();
/// assert_eq!(w.gauges_mm, vec![1435, 1520]);
/// assert!(select_way([("railway", "rail"), ("service", "siding")], &sel).is_none());
/// ```
pub fn select_way<'a>(
    tags: impl IntoIterator<Item = (&'a str, &'a str)>,
    sel: &Selection,
) -> Option<WayAttrs> {
    let mut t = Tags::default();
    for (k, v) in tags {
        match k {
            "railway" => t.railway = Some(v),
            "usage" => t.usage = Some(v),
            "service" => t.service = Some(v),
            "highway" => t.highway = Some(v),
            "gauge" => t.gauge = Some(v),
            "electrified" => t.electrified = Some(v),
            "maxspeed" => t.maxspeed = Some(v),
            "name" => t.name = Some(v),
            "ref" => t.reference = Some(v),
            "oneway" => t.oneway = Some(v),
            "area" => t.area = Some(v),
            _ => {}
        }
    }
    if t.area == Some("yes") {
        return None;
    }
    let mut attrs = if let Some(r) = t.railway.filter(|_| sel.rail) {
        rail(&t, r, sel)?
    } else if let Some(h) = t.highway.filter(|_| sel.road) {
        road(&t, h)?
    } else {
        return None;
    };
    attrs.maxspeed_kmh = t.maxspeed.and_then(parse_speed_kmh);
    attrs.name = t.name.map(str::to_string);
    attrs.reference = t.reference.map(str::to_string);
    Some(attrs)
}

#[derive(Default)]
struct Tags<'a> {
    railway: Option<&'a str>,
    usage: Option<&'a str>,
    service: Option<&'a str>,
    highway: Option<&'a str>,
    gauge: Option<&'a str>,
    electrified: Option<&'a str>,
    maxspeed: Option<&'a str>,
    name: Option<&'a str>,
    reference: Option<&'a str>,
    oneway: Option<&'a str>,
    area: Option<&'a str>,
}

fn rail(t: &Tags<'_>, railway: &str, sel: &Selection) -> Option<WayAttrs> {
    let narrow = match railway {
        "rail" => false,
        "narrow_gauge" if sel.narrow_gauge => true,
        _ => return None,
    };
    let usage_ok = match t.usage {
        Some("main" | "branch") => true,
        Some(_) => false,
        None => t.service.is_none(),
    };
    if !usage_ok {
        return None;
    }
    Some(WayAttrs {
        mode: Mode::Rail,
        gauges_mm: t.gauge.map(parse_gauges).unwrap_or_default(),
        narrow,
        electrified: t.electrified.map(|e| e != "no"),
        maxspeed_kmh: None,
        name: None,
        reference: None,
        road_class: None,
        ramp: false,
        oneway: Oneway::No,
        ah_refs: Vec::new(),
    })
}

fn road(t: &Tags<'_>, highway: &str) -> Option<WayAttrs> {
    let (class, ramp) = match highway {
        "motorway" => (RoadClass::Motorway, false),
        "motorway_link" => (RoadClass::Motorway, true),
        "trunk" => (RoadClass::Trunk, false),
        "trunk_link" => (RoadClass::Trunk, true),
        "primary" => (RoadClass::Primary, false),
        "primary_link" => (RoadClass::Primary, true),
        _ => return None,
    };
    let oneway = match t.oneway {
        Some("yes" | "true" | "1") => Oneway::Forward,
        Some("-1" | "reverse") => Oneway::Backward,
        Some(_) => Oneway::No,
        None if class == RoadClass::Motorway => Oneway::Forward,
        None => Oneway::No,
    };
    Some(WayAttrs {
        mode: Mode::Road,
        gauges_mm: Vec::new(),
        narrow: false,
        electrified: None,
        maxspeed_kmh: None,
        name: None,
        reference: None,
        road_class: Some(class),
        ramp,
        oneway,
        ah_refs: Vec::new(),
    })
}

/// Gauges of a `gauge` tag: whole millimetres separated by `;` (dual or triple gauge),
/// distinct and sorted; unreadable parts are dropped (then the country's default applies).
pub fn parse_gauges(v: &str) -> Vec<u32> {
    let mut g: Vec<u32> = v
        .split(';')
        .filter_map(|p| p.trim().parse::<u32>().ok())
        .filter(|g| (300..=3000).contains(g))
        .collect();
    g.sort_unstable();
    g.dedup();
    g
}

/// `maxspeed` in km/h: `80`, `80 km/h`, `50 mph`; `none`, `signals`, zone codes → `None`.
pub fn parse_speed_kmh(v: &str) -> Option<f64> {
    let v = v.split(';').next()?.trim();
    let (num, factor) = match v.strip_suffix("mph") {
        Some(n) => (n, 1.609_344),
        None => (v.trim_end_matches("km/h").trim_end_matches("kmh"), 1.0),
    };
    let x: f64 = num.trim().parse().ok()?;
    (x.is_finite() && x > 0.0 && x < 500.0).then_some(x * factor)
}

/// Standard track gauge of a country, mm: 1520 on the former Soviet network and Mongolia,
/// 1524 in Finland, 1435 elsewhere (China, Korea, Europe).
pub fn standard_gauge_mm(country: &str) -> u32 {
    match country {
        "RU" | "MN" | "KZ" | "KG" | "UZ" | "TJ" | "TM" | "BY" | "UA" | "MD" | "GE" | "AM"
        | "AZ" | "EE" | "LV" | "LT" => 1520,
        "FI" => 1524,
        _ => 1435,
    }
}

/// Default typical freight speed of a rail link by country, km/h (the curated network's
/// estimates: RU 45, KZ 40, MN 35, CN 50; 45 elsewhere). A tagged `maxspeed` below it wins.
pub fn default_rail_speed_kmh(country: &str) -> f64 {
    match country {
        "KZ" => 40.0,
        "MN" => 35.0,
        "CN" => 50.0,
        _ => 45.0,
    }
}

/// Default typical truck speed of a road link by class and country, km/h (the curated
/// network's estimates: motorway 75, trunk 60, primary 50, 45 in Mongolia; ramps 40). A
/// tagged `maxspeed` below it wins.
pub fn default_road_speed_kmh(class: RoadClass, ramp: bool, country: &str) -> f64 {
    if ramp {
        return 40.0;
    }
    match (class, country) {
        (RoadClass::Motorway, _) => 75.0,
        (RoadClass::Trunk, _) => 60.0,
        (RoadClass::Primary, "MN") => 45.0,
        (RoadClass::Primary, _) => 50.0,
        (RoadClass::Secondary, "MN") => 35.0,
        (RoadClass::Secondary, _) => 40.0,
        (RoadClass::Track, _) => 25.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: Selection = Selection {
        rail: true,
        road: true,
        narrow_gauge: false,
    };

    #[test]
    fn rail_usage_and_service_decide() {
        assert!(select_way([("railway", "rail")], &ALL).is_some());
        assert!(select_way([("railway", "rail"), ("usage", "branch")], &ALL).is_some());
        assert!(select_way([("railway", "rail"), ("usage", "industrial")], &ALL).is_none());
        assert!(select_way([("railway", "rail"), ("service", "yard")], &ALL).is_none());
        assert!(select_way([("railway", "narrow_gauge")], &ALL).is_none());
        let ng = Selection {
            narrow_gauge: true,
            ..ALL
        };
        assert!(
            select_way([("railway", "narrow_gauge")], &ng)
                .unwrap()
                .narrow
        );
    }

    #[test]
    fn road_classes_and_oneway() {
        let m = select_way([("highway", "motorway")], &ALL).unwrap();
        assert_eq!(m.oneway, Oneway::Forward);
        let t = select_way([("highway", "trunk"), ("oneway", "-1")], &ALL).unwrap();
        assert_eq!(t.oneway, Oneway::Backward);
        let l = select_way([("highway", "primary_link")], &ALL).unwrap();
        assert!(l.ramp && l.road_class == Some(RoadClass::Primary));
        assert!(select_way([("highway", "secondary")], &ALL).is_none());
        let rail_only = Selection { road: false, ..ALL };
        assert!(select_way([("highway", "trunk")], &rail_only).is_none());
    }

    #[test]
    fn gauges_and_speeds_parse() {
        assert_eq!(parse_gauges("1520"), vec![1520]);
        assert_eq!(parse_gauges("1520;1435"), vec![1435, 1520]);
        assert!(parse_gauges("standard").is_empty());
        assert_eq!(parse_speed_kmh("80"), Some(80.0));
        assert_eq!(parse_speed_kmh("90 km/h"), Some(90.0));
        assert!((parse_speed_kmh("50 mph").unwrap() - 80.467).abs() < 0.01);
        assert_eq!(parse_speed_kmh("RU:urban"), None);
        assert_eq!(standard_gauge_mm("FI"), 1524);
        assert_eq!(standard_gauge_mm("CN"), 1435);
    }
}
