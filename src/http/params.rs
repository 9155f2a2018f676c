//! Query-string parsing shared by every endpoint: unknown and repeated parameters are refused
//! (a typo like `optimise=` must not be silently ignored), and every malformed value is
//! reported with its field, all at once.

use std::collections::HashMap;
use std::ops::RangeInclusive;

use super::error::{ApiError, FieldError};

/// Longest accepted query string, in bytes.
pub const MAX_QUERY_LEN: usize = 8 * 1024;
/// Most items accepted in one comma list.
pub const MAX_LIST_LEN: usize = 200;

/// The parameters of one request, being read. Call [`Params::finish`] at the end to turn the
/// gathered mistakes into one 400.
#[derive(Debug)]
pub struct Params {
    values: HashMap<String, String>,
    errors: Vec<FieldError>,
}

fn decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).ok_or("truncated percent-escape")?;
                let hex = std::str::from_utf8(hex).map_err(|_| "bad percent-escape")?;
                let v = u8::from_str_radix(hex, 16)
                    .map_err(|_| format!("bad percent-escape %{hex}"))?;
                out.push(v);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| "not valid UTF-8".to_string())
}

impl Params {
    /// Splits and decodes a query string, refusing unknown, repeated and undecodable
    /// parameters and over-long queries.
    pub fn parse(query: &str, allowed: &[&str]) -> Result<Self, ApiError> {
        if query.len() > MAX_QUERY_LEN {
            return Err(ApiError::TooLarge(format!(
                "query string of {} bytes exceeds the limit of {MAX_QUERY_LEN}",
                query.len()
            )));
        }
        let mut values = HashMap::new();
        let mut errors = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let key = match decode(k) {
                Ok(k) => k,
                Err(e) => {
                    errors.push(FieldError {
                        field: "(query)".into(),
                        detail: format!("parameter name: {e}"),
                    });
                    continue;
                }
            };
            let value = match decode(v) {
                Ok(v) => v,
                Err(e) => {
                    errors.push(FieldError {
                        field: key,
                        detail: e,
                    });
                    continue;
                }
            };
            if !allowed.contains(&key.as_str()) {
                let hint = allowed
                    .iter()
                    .map(|a| (strsim::jaro_winkler(a, &key), *a))
                    .filter(|(s, _)| *s > 0.8)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, a)| format!(" (did you mean `{a}`?)"))
                    .unwrap_or_default();
                errors.push(FieldError {
                    field: key.chars().take(64).collect(),
                    detail: format!("unknown parameter{hint}; accepted: {}", allowed.join(", ")),
                });
                continue;
            }
            if values.contains_key(&key) {
                errors.push(FieldError {
                    field: key,
                    detail: "given more than once".into(),
                });
                continue;
            }
            values.insert(key, value);
        }
        Ok(Self { values, errors })
    }

    /// Records a mistake about `field`.
    pub fn error(&mut self, field: &str, detail: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.into(),
            detail: detail.into(),
        });
    }

    /// The trimmed value, if present. An empty value (`from=`) is reported as a mistake,
    /// not taken as absent.
    pub fn str(&mut self, key: &str) -> Option<String> {
        match self.values.get(key) {
            Some(v) if v.trim().is_empty() => {
                self.error(key, "must not be empty");
                None
            }
            Some(v) => Some(v.trim().to_string()),
            None => None,
        }
    }

    /// A required value.
    pub fn required(&mut self, key: &str) -> Option<String> {
        if !self.values.contains_key(key) {
            self.error(key, "required");
            return None;
        }
        self.str(key)
    }

    /// An enumerated value, parsed by `parse`, with the accepted spellings for the message.
    pub fn enumerated<T>(
        &mut self,
        key: &str,
        parse: fn(&str) -> Option<T>,
        values: &[&str],
    ) -> Option<T> {
        let s = self.str(key)?;
        let v = parse(&s);
        if v.is_none() {
            let shown: String = s.chars().take(40).collect();
            self.error(
                key,
                format!("'{shown}' is not one of {}", values.join(", ")),
            );
        }
        v
    }

    /// A finite number within `range`.
    pub fn number(&mut self, key: &str, range: RangeInclusive<f64>) -> Option<f64> {
        let s = self.str(key)?;
        match s.parse::<f64>() {
            Ok(x) if x.is_finite() && range.contains(&x) => Some(x),
            Ok(x) if x.is_finite() => {
                self.error(
                    key,
                    format!("{x} is out of range [{}, {}]", range.start(), range.end()),
                );
                None
            }
            _ => {
                self.error(key, "must be a finite number");
                None
            }
        }
    }

    /// A whole number within `range`.
    pub fn integer(&mut self, key: &str, range: RangeInclusive<u64>) -> Option<u64> {
        let s = self.str(key)?;
        match s.parse::<u64>() {
            Ok(x) if range.contains(&x) => Some(x),
            Ok(x) => {
                self.error(
                    key,
                    format!("{x} is out of range [{}, {}]", range.start(), range.end()),
                );
                None
            }
            Err(_) => {
                self.error(
                    key,
                    format!(
                        "must be a whole number in [{}, {}]",
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
        }
    }

    /// `true` or `false`.
    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        let s = self.str(key)?;
        match s.as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => {
                self.error(key, "must be true or false");
                None
            }
        }
    }

    /// A comma list of non-empty items, at most `max` of them.
    pub fn list(&mut self, key: &str, max: usize) -> Option<Vec<String>> {
        let s = self.str(key)?;
        let items: Vec<String> = s.split(',').map(|x| x.trim().to_string()).collect();
        if items.iter().any(String::is_empty) {
            self.error(key, "empty item in comma list");
            return None;
        }
        if items.len() > max.min(MAX_LIST_LEN) {
            self.error(key, format!("at most {} items", max.min(MAX_LIST_LEN)));
            return None;
        }
        Some(items)
    }

    /// A `lon,lat` pair, finite and in range.
    pub fn lon_lat(&mut self, key: &str) -> Option<(f64, f64)> {
        let s = self.str(key)?;
        match parse_lon_lat(&s) {
            Ok(p) => Some(p),
            Err(e) => {
                self.error(key, e);
                None
            }
        }
    }

    /// Ends reading: `Err` with every recorded mistake, if any.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::BadRequest(self.errors))
        }
    }
}

/// Parses `lon,lat`, refusing non-finite or out-of-range values.
pub fn parse_lon_lat(s: &str) -> Result<(f64, f64), String> {
    let (a, b) = s.split_once(',').ok_or("expected lon,lat")?;
    let lon: f64 = a.trim().parse().map_err(|_| "longitude is not a number")?;
    let lat: f64 = b.trim().parse().map_err(|_| "latitude is not a number")?;
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        return Err(format!("longitude {lon} out of range [-180, 180]"));
    }
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return Err(format!("latitude {lat} out of range [-90, 90]"));
    }
    Ok((lon, lat))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_parameter_is_refused_with_a_hint() {
        let p = Params::parse("optimise=time", &["optimize", "mode"]).unwrap();
        let err = p.finish().unwrap_err();
        let doc = err.problem();
        assert_eq!(doc["field"], "optimise");
        assert!(
            doc["detail"]
                .as_str()
                .unwrap()
                .contains("did you mean `optimize`")
        );
    }

    #[test]
    fn repeated_parameter_is_refused() {
        let p = Params::parse("mode=rail&mode=road", &["mode"]).unwrap();
        assert_eq!(p.finish().unwrap_err().problem()["field"], "mode");
    }

    #[test]
    fn numbers_must_be_finite_and_in_range() {
        let mut p = Params::parse("k=NaN&lon=500", &["k", "lon"]).unwrap();
        assert_eq!(p.number("k", 0.0..=10.0), None);
        assert_eq!(p.number("lon", -180.0..=180.0), None);
        let doc = p.finish().unwrap_err().problem();
        assert_eq!(doc["errors"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn percent_decoding() {
        let mut p = Params::parse("from=Ulan%2DUde&to=a+b", &["from", "to"]).unwrap();
        assert_eq!(p.str("from").as_deref(), Some("Ulan-Ude"));
        assert_eq!(p.str("to").as_deref(), Some("a b"));
        p.finish().unwrap();
    }
}
