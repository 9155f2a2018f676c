//! Query-string parsing shared by every endpoint: unknown and repeated parameters are refused
//! (a typo like `optimise=` must not be silently ignored), and every malformed value is
//! reported with its field, all at once.

use std::ops::{Deref, DerefMut};

use super::error::ApiError;
use crate::fields::{ECHO_CHARS, Fields, PARAMETER_SIMILARITY, closest, truncate};
pub use crate::fields::{MAX_LIST_LEN, parse_lon_lat};

/// Longest accepted query string, in bytes.
pub const MAX_QUERY_LEN: usize = 8 * 1024;

/// The parameters of one request, being read: a [`Fields`] filled from the query string
/// (its typed getters are reached through `Deref`). Call [`Params::finish`] at the end to turn
/// the gathered mistakes into one 400.
#[derive(Debug)]
pub struct Params(Fields);

impl Deref for Params {
    type Target = Fields;
    fn deref(&self) -> &Fields {
        &self.0
    }
}

impl DerefMut for Params {
    fn deref_mut(&mut self) -> &mut Fields {
        &mut self.0
    }
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
            return Err(ApiError::TooLarge {
                field: "query".into(),
                detail: format!(
                    "the query string of {} bytes exceeds the limit of {MAX_QUERY_LEN} bytes",
                    query.len()
                ),
                limit: MAX_QUERY_LEN as u64,
            });
        }
        let mut fields = Fields::new();
        let mut unknown = 0usize;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let key = match decode(k) {
                Ok(k) => k,
                Err(e) => {
                    fields.error("(query)", format!("parameter name: {e}"));
                    continue;
                }
            };
            let value = match decode(v) {
                Ok(v) => v,
                Err(e) => {
                    fields.error(&key, e);
                    continue;
                }
            };
            if !allowed.contains(&key.as_str()) {
                let hint = closest(&key, allowed, PARAMETER_SIMILARITY)
                    .map(|a| format!(" (did you mean `{a}`?)"))
                    .unwrap_or_default();
                // The accepted list once, on the first unknown parameter: an answer must not
                // grow with the square of the query.
                let listed = if unknown == 0 {
                    if allowed.is_empty() {
                        "; this endpoint takes no parameter".to_string()
                    } else {
                        format!("; accepted: {}", allowed.join(", "))
                    }
                } else {
                    String::new()
                };
                unknown += 1;
                fields.error(
                    &truncate(&key, ECHO_CHARS),
                    format!("unknown parameter{hint}{listed}"),
                );
                continue;
            }
            if fields.contains(&key) {
                fields.error(&key, "given more than once");
                continue;
            }
            fields.insert(key, value);
        }
        Ok(Self(fields))
    }

    /// Ends reading: `Err` with every recorded mistake, if any.
    pub fn finish(self) -> Result<(), ApiError> {
        self.0.finish().map_err(ApiError::from)
    }
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
