//! The network model: nodes, links and border crossings, as checked by [`super::validate`].
//!
//! Everything here is read-only once a [`super::Network`] is built. Identifiers are newtypes
//! over the stable slugs of the GeoJSON files; links refer to their nodes by index into
//! [`super::Network::nodes`]. The topology as a petgraph graph is [`super::LinkGraph`], built
//! at load; petgraph's indices never leave `network`.

use std::fmt;
use std::sync::Arc;

use geo::{LineString, Point};
use serde::{Deserialize, Serialize};

use super::filebytes::{FileBytes, InFile};

/// A feature's properties as found in the file, kept whole for faithful output: the JSON
/// object as one compact text, parsed on demand ([`Properties::to_map`], [`Properties::get`]).
///
/// The typed fields of [`Node`] and [`Link`] are what searches read; this is what answers
/// show. Kept as text it costs its length once (a parsed `serde_json::Map` costs ~10× that in
/// nodes, keys and values), and behind an `Arc` a scenario's network shares the properties of
/// every feature it does not change.
///
/// Read from a prepared file, the text stays in the file ([`super::filebytes`]): the
/// network keeps where it is, not a copy.
#[derive(Clone)]
pub struct Properties(Text);

#[derive(Clone)]
enum Text {
    Owned(Arc<str>),
    InFile(InFile),
}

impl PartialEq for Properties {
    fn eq(&self, other: &Self) -> bool {
        self.text() == other.text()
    }
}
impl Eq for Properties {}

impl Properties {
    fn owned(text: impl Into<Arc<str>>) -> Self {
        Self(Text::Owned(text.into()))
    }

    /// The compact JSON text, wherever it is kept.
    fn text(&self) -> &str {
        match &self.0 {
            Text::Owned(s) => s,
            // Checked as UTF-8 (and as an object) when the file was opened.
            Text::InFile(r) => std::str::from_utf8(r.bytes()).unwrap_or("{}"),
        }
    }

    /// Properties from text that [`Properties::from_map`] wrote, lying in `file` (a prepared
    /// file's bytes, whose reader has parsed it as an object): kept where it is, not copied.
    pub(crate) fn in_file(file: &Arc<FileBytes>, text: &str) -> Self {
        match InFile::of(file, text.as_bytes()) {
            Some(r) => Self(Text::InFile(r)),
            None => Self::from_written(text),
        }
    }

    /// The properties `map`, as compact JSON text.
    pub fn from_map(map: &serde_json::Map<String, serde_json::Value>) -> Self {
        // Serialising a map of JSON values cannot fail (string keys, finite numbers).
        let text = serde_json::to_string(map).unwrap_or_else(|_| "{}".into());
        Self::owned(text)
    }

    /// Properties from text that [`Properties::from_map`] wrote (read back from a prepared
    /// file, whose reader has parsed it as an object), kept as it is.
    pub(crate) fn from_written(text: &str) -> Self {
        Self::owned(text)
    }

    /// All properties, parsed.
    pub fn to_map(&self) -> serde_json::Map<String, serde_json::Value> {
        // The text was written by `from_map`: it parses.
        serde_json::from_str(self.text()).unwrap_or_default()
    }

    /// The value of one property, parsed (the others are skipped, not built).
    pub fn get(&self, key: &str) -> Option<serde_json::Value> {
        use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
        struct Find<'k>(&'k str);
        impl<'de> Visitor<'de> for Find<'_> {
            type Value = Option<serde_json::Value>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut found = None;
                while let Some(k) = m.next_key::<std::borrow::Cow<'de, str>>()? {
                    if found.is_none() && k == self.0 {
                        found = Some(m.next_value::<serde_json::Value>()?);
                    } else {
                        m.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(found)
            }
        }
        impl<'de> DeserializeSeed<'de> for Find<'_> {
            type Value = Option<serde_json::Value>;
            fn deserialize<D: serde::Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Self::Value, D::Error> {
                d.deserialize_map(self)
            }
        }
        let mut de = serde_json::Deserializer::from_str(self.text());
        Find(key).deserialize(&mut de).ok().flatten()
    }

    /// The properties named in `keys` that are present, parsed; the others are skipped, not
    /// built (one pass over the text).
    pub fn select(&self, keys: &[&str]) -> serde_json::Map<String, serde_json::Value> {
        use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
        struct Select<'k>(&'k [&'k str]);
        impl<'de> Visitor<'de> for Select<'_> {
            type Value = serde_json::Map<String, serde_json::Value>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut found = serde_json::Map::new();
                while let Some(k) = m.next_key::<std::borrow::Cow<'de, str>>()? {
                    if self.0.contains(&k.as_ref()) {
                        let v = m.next_value::<serde_json::Value>()?;
                        found.insert(k.into_owned(), v);
                    } else {
                        m.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(found)
            }
        }
        impl<'de> DeserializeSeed<'de> for Select<'_> {
            type Value = serde_json::Map<String, serde_json::Value>;
            fn deserialize<D: serde::Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Self::Value, D::Error> {
                d.deserialize_map(self)
            }
        }
        let mut de = serde_json::Deserializer::from_str(self.text());
        Select(keys).deserialize(&mut de).unwrap_or_default()
    }

    /// These properties with `changes` made (a `null` change removes the property), as the
    /// text [`Properties::from_map`] would write for the changed map: the unchanged values are
    /// copied as text, not parsed and written again.
    pub fn patched(&self, changes: &serde_json::Map<String, serde_json::Value>) -> Self {
        self.patched_select(changes, &[]).0
    }

    /// [`Properties::patched`] and [`Properties::select`] of `keys` (before the changes) in
    /// one pass over the text: what an editor that reads a few fields again needs.
    pub fn patched_select(
        &self,
        changes: &serde_json::Map<String, serde_json::Value>,
        keys: &[&str],
    ) -> (Self, serde_json::Map<String, serde_json::Value>) {
        use serde::de::{DeserializeSeed, MapAccess, Visitor};
        use serde_json::value::RawValue;
        /// The top-level members in text order, keys and values borrowed from the text (a key
        /// borrows only when it has no escape, so it is written back as it is).
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = Vec<(&'de str, &'de RawValue)>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(m.size_hint().unwrap_or(32));
                while let Some(k) = m.next_key::<&'de str>()? {
                    out.push((k, m.next_value::<&'de RawValue>()?));
                }
                Ok(out)
            }
        }
        impl<'de> DeserializeSeed<'de> for Members {
            type Value = Vec<(&'de str, &'de RawValue)>;
            fn deserialize<D: serde::Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Self::Value, D::Error> {
                d.deserialize_map(self)
            }
        }
        let mut de = serde_json::Deserializer::from_str(self.text());
        let members = match Members.deserialize(&mut de) {
            // In key order, as `from_map` writes them.
            Ok(m) if m.windows(2).all(|w| w[0].0 < w[1].0) => m,
            _ => {
                // Not text `from_map` wrote (or a key with an escape): the slow, certain way.
                let mut map = self.to_map();
                for (k, v) in changes {
                    match v {
                        serde_json::Value::Null => map.remove(k),
                        v => map.insert(k.clone(), v.clone()),
                    };
                }
                return (Self::from_map(&map), self.select(keys));
            }
        };
        // The selected values, parsed from their own text as `select` parses them in place.
        let mut selected = serde_json::Map::new();
        for (k, v) in &members {
            if keys.contains(k)
                && let Ok(v) = serde_json::from_str(v.get())
            {
                selected.insert((*k).to_string(), v);
            }
        }
        let mut out = String::with_capacity(self.text().len() + 512);
        out.push('{');
        let mut first = true;
        let mut sep = |out: &mut String| {
            if !std::mem::take(&mut first) {
                out.push(',');
            }
        };
        let mut kept = members.iter().peekable();
        let mut changed = changes.iter().peekable();
        loop {
            // Both in key order: merge them.
            let take_kept = match (kept.peek(), changed.peek()) {
                (None, None) => break,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some((a, _)), Some((b, _))) => *a < b.as_str(),
            };
            if take_kept {
                let (k, v) = kept.next().expect("peeked");
                sep(&mut out);
                out.push('"');
                out.push_str(k);
                out.push_str("\":");
                out.push_str(v.get());
            } else {
                let (k, v) = changed.next().expect("peeked");
                if kept.peek().is_some_and(|(a, _)| *a == k.as_str()) {
                    kept.next();
                }
                if !v.is_null() {
                    sep(&mut out);
                    // A string key and a JSON value always serialise.
                    out.push_str(&serde_json::to_string(k).unwrap_or_default());
                    out.push(':');
                    out.push_str(&serde_json::to_string(v).unwrap_or_default());
                }
            }
        }
        out.push('}');
        (Self::owned(out), selected)
    }

    /// The value of one property when it is a string.
    pub fn get_str(&self, key: &str) -> Option<String> {
        match self.get(key) {
            Some(serde_json::Value::String(s)) => Some(s),
            _ => None,
        }
    }

    /// Whether the property is present (even as `null`).
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The compact JSON text.
    pub fn as_json(&self) -> &str {
        self.text()
    }
}

impl fmt::Debug for Properties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

/// Scale of [`Line`]'s fixed-point coordinates: 10⁷ units per degree (10⁻⁷° ≈ 1 cm).
pub const LINE_SCALE: f64 = 1e7;

/// A link's geometry: its (lon, lat) vertices as `i32` at 10⁻⁷° (≈ 1 cm, OpenStreetMap's own
/// precision), half the size of `f64` pairs. Coordinates written with up to 7 decimals read
/// back exactly (the same `f64` as parsing the text); finer ones are rounded to 10⁻⁷°. Behind
/// an `Arc`: a scenario's network shares the geometry of every link.
///
/// Read from a prepared file, the vertices stay in the file ([`super::filebytes`]).
#[derive(Clone)]
pub struct Line(Vertices);

#[derive(Clone)]
enum Vertices {
    Owned(Arc<[[i32; 2]]>),
    InFile(InFile),
}

impl PartialEq for Line {
    fn eq(&self, other: &Self) -> bool {
        self.raw() == other.raw()
    }
}
impl Eq for Line {}

impl Line {
    /// A line from fixed-point vertices lying in `file` (a prepared file's bytes): kept
    /// where they are, not copied.
    pub(crate) fn in_file(file: &Arc<FileBytes>, raw: &[[i32; 2]]) -> Self {
        match InFile::of(file, bytemuck::cast_slice(raw)) {
            Some(r) => Self(Vertices::InFile(r)),
            None => Self::from_raw(raw),
        }
    }

    /// The line through `coords` (longitudes within ±180°, latitudes within ±90°, as
    /// validation guarantees; anything beyond saturates).
    pub fn new(coords: impl IntoIterator<Item = geo::Coord<f64>>) -> Self {
        let fix = |v: f64| (v * LINE_SCALE).round() as i32;
        Self(Vertices::Owned(
            coords.into_iter().map(|c| [fix(c.x), fix(c.y)]).collect(),
        ))
    }

    /// The vertices, in order (`from` → `to`).
    pub fn coords(&self) -> impl ExactSizeIterator<Item = geo::Coord<f64>> + Clone + '_ {
        self.raw().iter().map(|&[x, y]| geo::Coord {
            x: f64::from(x) / LINE_SCALE,
            y: f64::from(y) / LINE_SCALE,
        })
    }

    /// The geometry as a `geo` line string (allocates).
    pub fn to_line_string(&self) -> LineString<f64> {
        LineString::new(self.coords().collect())
    }

    /// Number of vertices.
    pub fn len(&self) -> usize {
        self.raw().len()
    }

    /// Whether the line has no vertex (never, once validated).
    pub fn is_empty(&self) -> bool {
        self.raw().is_empty()
    }

    /// The fixed-point vertices as stored (for the prepared file).
    pub fn raw(&self) -> &[[i32; 2]] {
        match &self.0 {
            Vertices::Owned(v) => v,
            // Aligned and whole when the file was opened (its reader cast them).
            Vertices::InFile(r) => bytemuck::try_cast_slice(r.bytes()).unwrap_or_default(),
        }
    }

    /// A line from fixed-point vertices as stored (from the prepared file).
    pub fn from_raw(raw: &[[i32; 2]]) -> Self {
        Self(Vertices::Owned(raw.into()))
    }
}

impl fmt::Debug for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.coords().map(|c| (c.x, c.y)))
            .finish()
    }
}

impl From<&LineString<f64>> for Line {
    fn from(ls: &LineString<f64>) -> Self {
        Self::new(ls.0.iter().copied())
    }
}

/// Stable identifier of a node, e.g. `ru-naushki`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NodeId(pub String);

/// Stable identifier of a link, e.g. `xr-naushki-sukhbaatar`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LinkId(pub String);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl fmt::Display for LinkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

use crate::fields::str_enum;

str_enum!(
    /// Transport mode of a link; a node serves a subset.
    Mode { Rail = "rail", Road = "road" }
);
str_enum!(
    /// What a node is.
    NodeKind {
        City = "city",
        Station = "station",
        BorderPoint = "border_point",
        Terminal = "terminal",
        Port = "port",
        Junction = "junction",
    }
);
str_enum!(
    /// What a link is: a rail line, a road, or a border crossing.
    LinkKind { Line = "line", Road = "road", Crossing = "crossing" }
);
str_enum!(
    /// Operating status. Only `open` and `seasonal` links are used unless planned
    /// (`include_planned`) or unverified (`include_unverified`) links are asked for.
    Status {
        Open = "open",
        Seasonal = "seasonal",
        Planned = "planned",
        UnderConstruction = "under_construction",
        Closed = "closed",
        /// Listed by a source but not confirmed as operating; never used by default routing
        /// (only with unverified links asked for, independently of planned ones).
        Unverified = "unverified",
    }
);
str_enum!(
    /// Unit of a published capacity figure.
    CapacityUnit {
        TonnesPerYear = "t/yr",
        TrainsPerDay = "trains/day",
        VehiclesPerDay = "vehicles/day",
    }
);
str_enum!(
    /// How a capacity figure was obtained (`capacity_basis` in the data).
    CapacityBasis {
        /// A published design capacity of the checkpoint or line.
        Design = "design",
        /// A published annual volume, used as a lower bound of capacity.
        Throughput = "throughput",
        /// Derived; the derivation is in `capacity_note`.
        Estimate = "estimate",
    }
);
str_enum!(
    /// Road class of a road link.
    RoadClass {
        Motorway = "motorway",
        Trunk = "trunk",
        Primary = "primary",
        Secondary = "secondary",
        Track = "track",
    }
);

impl Status {
    /// Whether the link is in service today (`open` or `seasonal`).
    pub fn in_service(self) -> bool {
        matches!(self, Status::Open | Status::Seasonal)
    }
    /// Whether a link of this status may be used: in service always; `planned` and
    /// `under_construction` with `include_planned`; `unverified` with `include_unverified`
    /// (the two are independent); `closed` never.
    pub fn usable(self, include_planned: bool, include_unverified: bool) -> bool {
        match self {
            Status::Open | Status::Seasonal => true,
            Status::Planned | Status::UnderConstruction => include_planned,
            Status::Unverified => include_unverified,
            Status::Closed => false,
        }
    }
}

/// Constants that turn published capacity figures into tonnes per year.
///
/// # Defaults
/// `tonnes_per_train` = 3,000 t (a typical 1520 mm block train of ~57 wagons loaded to
/// ~53 t net; an estimate), `tonnes_per_vehicle` = 20 t (a loaded semi-trailer),
/// `operating_days_per_year` = 365.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CapacityConversion {
    /// Net tonnes carried by one freight train. Default 3,000.
    pub tonnes_per_train: f64,
    /// Net tonnes carried by one road vehicle. Default 20.
    pub tonnes_per_vehicle: f64,
    /// Days a year the link operates. Default 365.
    pub operating_days_per_year: f64,
}

impl Default for CapacityConversion {
    fn default() -> Self {
        Self {
            tonnes_per_train: 3000.0,
            tonnes_per_vehicle: 20.0,
            operating_days_per_year: 365.0,
        }
    }
}

/// A published capacity figure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Capacity {
    /// The figure, strictly positive and finite.
    pub value: f64,
    /// Its unit.
    pub unit: CapacityUnit,
}

impl Capacity {
    /// The figure in tonnes per year.
    ///
    /// # Example
    /// ```
    /// use corridor::network::{Capacity, CapacityUnit, CapacityConversion};
    /// let c = Capacity { value: 300.0, unit: CapacityUnit::VehiclesPerDay };
    /// assert_eq!(c.tonnes_per_year(&CapacityConversion::default()), 300.0 * 20.0 * 365.0);
    /// ```
    pub fn tonnes_per_year(&self, conv: &CapacityConversion) -> f64 {
        match self.unit {
            CapacityUnit::TonnesPerYear => self.value,
            CapacityUnit::TrainsPerDay => {
                self.value * conv.tonnes_per_train * conv.operating_days_per_year
            }
            CapacityUnit::VehiclesPerDay => {
                self.value * conv.tonnes_per_vehicle * conv.operating_days_per_year
            }
        }
    }
}

/// Capacities of a link that differ by direction (`capacity_forward` / `capacity_backward`),
/// e.g. separate export and import lanes at a checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DirectedCapacity {
    /// From the link's `from` node to its `to` node.
    pub forward: Capacity,
    /// From `to` back to `from`.
    pub backward: Capacity,
}

/// A place: city, station, border checkpoint, terminal, port or junction.
#[derive(Debug, Clone)]
pub struct Node {
    /// Stable slug.
    pub id: NodeId,
    /// English name.
    pub name: String,
    /// Name in local script, if given.
    pub name_local: Option<String>,
    /// Other names people use: other scripts (Russian, Mongolian Cyrillic, Chinese),
    /// historical names, transliteration variants, port names (`alt_names`, optional).
    pub alt_names: Vec<String>,
    /// ISO 3166-1 alpha-2 country code, upper case.
    pub country: String,
    /// What the node is.
    pub kind: NodeKind,
    /// Modes served here (non-empty).
    pub modes: Vec<Mode>,
    /// Rail↔road transfer possible here.
    pub intermodal: bool,
    /// Gauge every rail link touching this node has, when declared.
    pub gauge_mm: Option<u32>,
    /// Position (lon, lat).
    pub point: Point<f64>,
    /// Where the facts come from.
    pub source: String,
    /// All properties as found in the file, for faithful output (shared between a network and
    /// the scenario networks that do not change this node).
    pub properties: Properties,
}

impl Node {
    /// Whether the node serves `mode`.
    pub fn serves(&self, mode: Mode) -> bool {
        self.modes.contains(&mode)
    }
}

/// Border-crossing attributes of a link of kind `crossing`.
#[derive(Debug, Clone)]
pub struct CrossingInfo {
    /// The two countries, in `from` → `to` order.
    pub countries: [String; 2],
    /// Name, e.g. `Naushki–Sukhbaatar`.
    pub name: String,
    /// Typical time at the border, hours.
    pub dwell_h: f64,
    /// Opening hours, `24/7` or free text.
    pub hours: String,
    /// Veterinary/phytosanitary control for animal products available.
    pub veterinary: bool,
}

/// A rail line, road or border crossing between two nodes.
#[derive(Debug, Clone)]
pub struct Link {
    /// Stable slug.
    pub id: LinkId,
    /// Start node id.
    pub from: NodeId,
    /// End node id.
    pub to: NodeId,
    /// Index of `from` in [`super::Network::nodes`].
    pub from_ix: usize,
    /// Index of `to` in [`super::Network::nodes`].
    pub to_ix: usize,
    /// Rail or road.
    pub mode: Mode,
    /// Line, road or crossing.
    pub kind: LinkKind,
    /// Track gauge (rail only).
    pub gauge_mm: Option<u32>,
    /// Road class (road only, optional).
    pub road_class: Option<RoadClass>,
    /// Length in km: the data's `length_km`, else the geodesic length of the geometry.
    pub length_km: f64,
    /// Typical commercial freight speed, km/h.
    pub speed_kmh: f64,
    /// Published capacity, if any; with [`Link::capacity_directed`] the larger direction.
    pub capacity: Option<Capacity>,
    /// How the capacity was obtained (`None` when the data does not say).
    pub capacity_basis: Option<CapacityBasis>,
    /// Direction-specific capacities, when they differ; they replace `capacity` per direction.
    pub capacity_directed: Option<DirectedCapacity>,
    /// What the capacity figure is and, for an estimate, how it was derived.
    pub capacity_note: Option<Box<str>>,
    /// Operating status.
    pub status: Status,
    /// Usable only from `from` to `to`.
    pub oneway: bool,
    /// Electric traction: the data's `electrified` (rail links; absent means diesel). Always
    /// false for road links.
    pub electrified: bool,
    /// ISO2 country of the `from` node: the grid that powers an electrified link (two bytes,
    /// not a string: per-link data stays compact).
    pub country: CountryCode,
    /// Border attributes when `kind` is `crossing`: boxed, so the other ~99% of links carry
    /// one pointer instead of the whole record (112 bytes).
    pub crossing: Option<Box<CrossingInfo>>,
    /// Geometry, oriented `from` → `to` (shared between a network and its scenario networks).
    pub geometry: Line,
    /// The data's `name`, if any (a line's name; crossings have theirs in `crossing`).
    pub name: Option<Box<str>>,
    /// Where the facts come from: one shared text per distinct source (a network's links
    /// cite a few hundred sources between them, not one each).
    pub source: Arc<str>,
    /// All properties as found in the file (plus `length_km` when derived), shared between a
    /// network and the scenario networks that do not change this link.
    pub properties: Properties,
}

impl Link {
    /// Capacity in tonnes per year, when the link has one (the larger direction when they
    /// differ).
    pub fn capacity_tpy(&self, conv: &CapacityConversion) -> Option<f64> {
        self.capacity.map(|c| c.tonnes_per_year(conv))
    }

    /// Capacity in tonnes per year in one direction: `forward` is `from` → `to`. The
    /// direction's own figure when the link has [`DirectedCapacity`], else
    /// [`Link::capacity_tpy`].
    pub fn capacity_tpy_towards(&self, forward: bool, conv: &CapacityConversion) -> Option<f64> {
        match self.capacity_directed {
            Some(d) if forward => Some(d.forward.tonnes_per_year(conv)),
            Some(d) => Some(d.backward.tonnes_per_year(conv)),
            None => self.capacity_tpy(conv),
        }
    }

    /// Display name: the crossing or line name if any, else the id.
    pub fn display_name(&self) -> &str {
        if let Some(c) = &self.crossing {
            return &c.name;
        }
        self.name.as_deref().unwrap_or(&self.id.0)
    }
}

/// An ISO 3166-1 alpha-2 country code stored inline as two ASCII bytes (upper case), for
/// per-link data that must stay compact. A node's country, validated by the node reader, is
/// always one; [`CountryCode::default`] (`"??"`) marks a link not yet cross-checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl Default for CountryCode {
    fn default() -> Self {
        Self(*b"??")
    }
}

impl CountryCode {
    /// The code of `s` when it is two ASCII letters (upper-cased), else `None`.
    pub fn new(s: &str) -> Option<Self> {
        match s.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Some(Self([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => None,
        }
    }

    /// The code as text, e.g. `"MN"`.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters or `?` are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl std::fmt::Display for CountryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for CountryCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}
