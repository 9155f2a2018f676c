//! The field reader of the network files: one feature's properties read field by field, each
//! problem reported with the file, feature index, id and field, none stopping the reading.

use geo::Coord;
use serde_json::{Map, Value};

use super::Problem;
use crate::fields::{StrEnum, check_lon_lat};

/// Where the problems of one file go.
pub(super) struct Report<'a> {
    file: &'static str,
    problems: &'a mut Vec<Problem>,
}

impl<'a> Report<'a> {
    /// Reports problems of `file` into `problems`.
    pub(super) fn new(file: &'static str, problems: &'a mut Vec<Problem>) -> Self {
        Self { file, problems }
    }

    /// Records one problem.
    pub(super) fn push(
        &mut self,
        feature: Option<usize>,
        id: Option<&str>,
        field: &str,
        msg: String,
    ) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            feature,
            id: id.map(str::to_string),
            field: field.to_string(),
            message: msg,
        });
    }

    /// Reads a FeatureCollection's features one at a time, as a stream: each is handed to
    /// `sink` as soon as it is parsed, so no tree of the whole file is ever held (memory is
    /// bounded by what `sink` keeps). Reports a file-level problem when the text is not JSON
    /// or not a FeatureCollection, exactly as reading the whole tree would: then every
    /// feature handed so far is withdrawn ([`Streamed::Reset`]) with the problems it caused,
    /// and only the file-level problem remains. A file cut off or broken inside `features`
    /// is reported against the feature being read, with the byte offset.
    pub(super) fn stream_features(
        &mut self,
        text: &str,
        sink: &mut dyn FnMut(&mut Report<'a>, Streamed),
    ) {
        let baseline = self.problems.len();
        let current = std::cell::Cell::new(None);
        let mut de = serde_json::Deserializer::from_str(text);
        let outcome = serde::de::DeserializeSeed::deserialize(
            RootSeed {
                report: &mut *self,
                sink: &mut *sink,
                baseline,
                current: &current,
            },
            &mut de,
        )
        .and_then(|o| de.end().map(|()| o));
        let mut withdraw = |report: &mut Self| {
            report.problems.truncate(baseline);
            sink(report, Streamed::Reset);
        };
        match outcome {
            Err(e) => {
                withdraw(self);
                let offset = byte_offset(text, e.line(), e.column());
                let feature = current.get();
                let at = match feature {
                    Some(ix) => format!(" (byte {offset}, in feature #{ix})"),
                    None => format!(" (byte {offset})"),
                };
                self.push(feature, None, "(file)", format!("not valid JSON: {e}{at}"));
            }
            Ok(Root::NotCollection) => {
                withdraw(self);
                let msg = "the file must be a GeoJSON FeatureCollection";
                self.push(None, None, "type", msg.into());
            }
            Ok(Root::Collection(FeaturesSeen::Array)) => {}
            Ok(Root::Collection(FeaturesSeen::Absent | FeaturesSeen::NotArray)) => {
                withdraw(self);
                let msg = "must be an array of Features";
                self.push(None, None, "features", msg.into());
            }
        }
    }
}

/// What [`Report::stream_features`] hands its caller.
pub(super) enum Streamed {
    /// Feature `ix` of the file's `features`, parsed.
    Feature(usize, Value),
    /// Forget every feature handed so far: the file turned out not to be a readable
    /// FeatureCollection (or repeats its `features` member; the last one counts, as in a
    /// JSON object read whole).
    Reset,
}

/// The byte offset of serde_json's 1-based `line` and `column` in `text`.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// The root of a network file, as streamed.
enum Root {
    /// Not an object, or its `type` is not `FeatureCollection`.
    NotCollection,
    /// A FeatureCollection, with what its `features` member was.
    Collection(FeaturesSeen),
}

enum FeaturesSeen {
    Absent,
    NotArray,
    Array,
}

struct RootSeed<'s, 'a> {
    report: &'s mut Report<'a>,
    sink: &'s mut dyn FnMut(&mut Report<'a>, Streamed),
    baseline: usize,
    current: &'s std::cell::Cell<Option<usize>>,
}

impl<'de> serde::de::DeserializeSeed<'de> for RootSeed<'_, '_> {
    type Value = Root;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Root, D::Error> {
        d.deserialize_any(self)
    }
}

/// Anything but an object is not a FeatureCollection; its contents are skipped.
macro_rules! not_collection {
    ($($name:ident($t:ty)),*) => {$(
        fn $name<E: serde::de::Error>(self, _: $t) -> Result<Root, E> {
            Ok(Root::NotCollection)
        }
    )*};
}

impl<'de> serde::de::Visitor<'de> for RootSeed<'_, '_> {
    type Value = Root;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a GeoJSON FeatureCollection")
    }

    not_collection!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
        visit_str(&str)
    );

    fn visit_unit<E: serde::de::Error>(self) -> Result<Root, E> {
        Ok(Root::NotCollection)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Root, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Root::NotCollection)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Root, A::Error> {
        let mut is_collection = false;
        let mut features = FeaturesSeen::Absent;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => {
                    let v: Value = map.next_value()?;
                    is_collection = v.as_str() == Some("FeatureCollection");
                }
                "features" => {
                    if !matches!(features, FeaturesSeen::Absent) {
                        self.report.problems.truncate(self.baseline);
                        (self.sink)(self.report, Streamed::Reset);
                    }
                    features = map.next_value_seed(FeaturesSeed {
                        report: &mut *self.report,
                        sink: &mut *self.sink,
                        current: self.current,
                    })?;
                }
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(if is_collection {
            Root::Collection(features)
        } else {
            Root::NotCollection
        })
    }
}

struct FeaturesSeed<'s, 'a> {
    report: &'s mut Report<'a>,
    sink: &'s mut dyn FnMut(&mut Report<'a>, Streamed),
    current: &'s std::cell::Cell<Option<usize>>,
}

impl<'de> serde::de::DeserializeSeed<'de> for FeaturesSeed<'_, '_> {
    type Value = FeaturesSeen;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<FeaturesSeen, D::Error> {
        d.deserialize_any(self)
    }
}

/// Anything but an array is not a list of features; its contents are skipped.
macro_rules! not_array {
    ($($name:ident($t:ty)),*) => {$(
        fn $name<E: serde::de::Error>(self, _: $t) -> Result<FeaturesSeen, E> {
            Ok(FeaturesSeen::NotArray)
        }
    )*};
}

impl<'de> serde::de::Visitor<'de> for FeaturesSeed<'_, '_> {
    type Value = FeaturesSeen;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of Features")
    }

    not_array!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
        visit_str(&str)
    );

    fn visit_unit<E: serde::de::Error>(self) -> Result<FeaturesSeen, E> {
        Ok(FeaturesSeen::NotArray)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<FeaturesSeen, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(FeaturesSeen::NotArray)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<FeaturesSeen, A::Error> {
        let mut ix = 0;
        loop {
            self.current.set(Some(ix));
            let Some(f) = seq.next_element::<Value>()? else {
                break;
            };
            (self.sink)(self.report, Streamed::Feature(ix, f));
            ix += 1;
        }
        self.current.set(None);
        Ok(FeaturesSeen::Array)
    }
}

/// One feature being read: its position, id, properties and geometry.
pub(super) struct Feat<'r, 'a> {
    /// Zero-based index in the file's `features`.
    pub ix: usize,
    /// The `id` property when it is a string, for reports.
    pub id: Option<String>,
    /// The properties, kept whole for faithful output.
    pub props: Map<String, Value>,
    /// The geometry (`null` when absent).
    pub geom: Value,
    report: &'r mut Report<'a>,
}

impl<'r, 'a> Feat<'r, 'a> {
    /// Checks the Feature envelope of `features[ix]`; `None` (reported) when it is not one.
    /// Takes the feature whole: its properties and geometry move into the reader, uncopied.
    pub(super) fn envelope(ix: usize, f: Value, report: &'r mut Report<'a>) -> Option<Self> {
        let mut obj = match f {
            Value::Object(m) if m.get("type").and_then(Value::as_str) == Some("Feature") => m,
            _ => {
                report.push(Some(ix), None, "type", "must be a Feature".into());
                return None;
            }
        };
        let Some(Value::Object(props)) = obj.remove("properties") else {
            report.push(Some(ix), None, "properties", "must be an object".into());
            return None;
        };
        Some(Self {
            ix,
            id: props.get("id").and_then(Value::as_str).map(str::to_string),
            props,
            geom: obj.remove("geometry").unwrap_or(Value::Null),
            report,
        })
    }

    /// Feature `ix` given by its properties alone (geometry `null`): a feature read again after
    /// a scenario changed some of its properties.
    pub(super) fn of_properties(
        ix: usize,
        props: Map<String, Value>,
        report: &'r mut Report<'a>,
    ) -> Self {
        Self {
            ix,
            id: props.get("id").and_then(Value::as_str).map(str::to_string),
            props,
            geom: Value::Null,
            report,
        }
    }

    /// Records a problem of this feature.
    pub(super) fn problem(&mut self, field: &str, msg: impl Into<String>) {
        let (ix, id) = (self.ix, self.id.as_deref());
        self.report.push(Some(ix), id, field, msg.into());
    }

    /// Problems recorded so far in this report (to tell whether a feature read cleanly).
    pub(super) fn problem_count(&self) -> usize {
        self.report.problems.len()
    }

    /// The value of `field` unless absent or `null`.
    pub(super) fn value(&self, field: &str) -> Option<&Value> {
        self.props.get(field).filter(|v| !v.is_null())
    }

    fn missing(&self, field: &str) -> bool {
        self.value(field).is_none()
    }

    pub(super) fn str_opt(&mut self, field: &str) -> Option<String> {
        match self.value(field) {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                let msg = format!("expected a string, found {}", json_type(other));
                self.problem(field, msg);
                None
            }
        }
    }

    pub(super) fn str_req(&mut self, field: &str) -> Option<String> {
        match self.str_opt(field) {
            Some(s) if s.trim().is_empty() => {
                self.problem(field, "must not be empty");
                None
            }
            Some(s) => Some(s),
            None => {
                if self.missing(field) {
                    self.problem(field, "required");
                }
                None
            }
        }
    }

    pub(super) fn bool_opt(&mut self, field: &str) -> Option<bool> {
        match self.value(field) {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                let msg = format!("expected true or false, found {}", json_type(other));
                self.problem(field, msg);
                None
            }
        }
    }

    pub(super) fn bool_req(&mut self, field: &str) -> Option<bool> {
        let v = self.bool_opt(field);
        if v.is_none() && self.missing(field) {
            self.problem(field, "required");
        }
        v
    }

    /// A strictly positive finite number.
    pub(super) fn positive_opt(&mut self, field: &str) -> Option<f64> {
        let v = self.value(field).cloned();
        let x = positive(v.as_ref()?);
        if let Err(msg) = &x {
            self.problem(field, msg.clone());
        }
        x.ok()
    }

    pub(super) fn positive_req(&mut self, field: &str) -> Option<f64> {
        let v = self.positive_opt(field);
        if v.is_none() && self.missing(field) {
            self.problem(field, "required");
        }
        v
    }

    /// A required value of the data format's enum `T` (made by `fields::str_enum!`).
    pub(super) fn enum_req<T: StrEnum>(&mut self, field: &str) -> Option<T> {
        let s = self.str_req(field)?;
        self.parse_enum(field, &s)
    }

    /// An optional value of the data format's enum `T`.
    pub(super) fn enum_opt<T: StrEnum>(&mut self, field: &str) -> Option<T> {
        let s = self.str_opt(field)?;
        self.parse_enum(field, &s)
    }

    /// Parses `s` as a `T`, reporting the accepted values when it is none.
    pub(super) fn parse_enum<T: StrEnum>(&mut self, field: &str, s: &str) -> Option<T> {
        let v = T::from_str_exact(s);
        if v.is_none() {
            let msg = format!(
                "unknown value '{s}' (expected one of {})",
                T::VALUES.join(", ")
            );
            self.problem(field, msg);
        }
        v
    }

    /// An ISO 3166-1 alpha-2 code (two upper-case letters).
    pub(super) fn country_code(&mut self, field: &str, s: &str) -> Option<String> {
        if s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()) {
            return Some(s.to_string());
        }
        let msg = format!("'{s}' is not an ISO 3166-1 alpha-2 code (two upper-case letters)");
        self.problem(field, msg);
        None
    }

    /// A track gauge: a whole number of millimetres.
    pub(super) fn gauge(&mut self, field: &str) -> Option<u32> {
        let x = self.positive_opt(field)?;
        if x.fract() != 0.0 || x > 5000.0 {
            let msg = format!("must be a whole number of millimetres, found {x}");
            self.problem(field, msg);
            return None;
        }
        Some(x as u32)
    }

    /// The geometry's `type`, reporting `required: {expected}` when there is none.
    pub(super) fn geometry_type(&mut self, expected: &str) -> Option<String> {
        let t = self
            .geom
            .get("type")
            .and_then(Value::as_str)
            .map(str::to_string);
        match t {
            Some(t) if t == expected => Some(t),
            Some(t) => {
                self.problem("geometry", format!("must be a {expected}, found {t}"));
                None
            }
            None => {
                self.problem("geometry", format!("required: a {expected}"));
                None
            }
        }
    }
}

/// A strictly positive finite JSON number.
pub(super) fn positive(v: &Value) -> Result<f64, String> {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(x) if x.is_finite() && x > 0.0 => Ok(x),
            _ => Err(format!("must be a positive number, found {n}")),
        },
        other => Err(format!("expected a number, found {}", json_type(other))),
    }
}

/// How a JSON value's type is named in messages.
pub(super) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A GeoJSON position `[lon, lat]` or `[lon, lat, z]`, in range.
pub(super) fn coord(v: &Value) -> Result<Coord<f64>, String> {
    let a = v
        .as_array()
        .ok_or("a position must be an array [lon, lat]")?;
    if a.len() < 2 || a.len() > 3 {
        return Err(format!("a position has 2 or 3 numbers, found {}", a.len()));
    }
    let lon = a[0].as_f64().ok_or("longitude is not a number")?;
    let lat = a[1].as_f64().ok_or("latitude is not a number")?;
    check_lon_lat(lon, lat)?;
    Ok(Coord { x: lon, y: lat })
}
