//! Request bodies: one way to read a JSON body for every POST endpoint. Bodies are capped
//! (413 naming `body` and the limit), must be `application/json`, are read strictly (a
//! duplicate key is refused naming it and where it is, instead of "last one wins") and every
//! failure is a sentence, never a Rust `Debug` rendering.

use std::fmt;

use actix_web::error::{JsonPayloadError, PayloadError};
use actix_web::{HttpRequest, web};
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::ApiError;

/// Largest JSON body of the POST endpoints that take a document (`/v1/assign`,
/// `/v1/compare/assign`, `/v1/scenarios/preview`), bytes (1 MiB).
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Deepest nesting accepted in a body (serde_json itself stops at 128).
pub const MAX_DEPTH: usize = 64;

/// How JSON bodies are read: at most `limit` bytes, errors as problem+json.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(json_error)
}

/// A JSON body that could not be read, as problem+json: 413 naming `body` and the limit over
/// the limit, else 400 naming `body` with a sentence.
pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let too_large = |detail: String, limit: usize| ApiError::TooLarge {
        field: "body".into(),
        detail,
        limit: limit as u64,
    };
    let api = match &err {
        JsonPayloadError::OverflowKnownLength { length, limit } => too_large(
            format!("the request body of {length} bytes exceeds the limit of {limit} bytes"),
            *limit,
        ),
        JsonPayloadError::Overflow { limit } => too_large(
            format!("the request body exceeds the limit of {limit} bytes"),
            *limit,
        ),
        JsonPayloadError::ContentType => ApiError::bad(
            "body",
            "the body must be JSON sent with Content-Type: application/json",
        ),
        JsonPayloadError::Deserialize(e) => ApiError::bad("body", deserialize_sentence(e)),
        JsonPayloadError::Payload(p) => match p {
            PayloadError::Overflow => {
                too_large("the request body exceeds the limit".into(), MAX_BODY_BYTES)
            }
            PayloadError::EncodingCorrupted | PayloadError::Io(_) => ApiError::bad(
                "body",
                "the body could not be decoded as its Content-Encoding says \
                 (gzip, deflate, br or zstd); send it uncompressed or re-encode it",
            ),
            PayloadError::Incomplete(_) => {
                ApiError::bad("body", "the body ended before its announced length")
            }
            _ => ApiError::bad("body", "the body could not be read"),
        },
        JsonPayloadError::Serialize(_) => ApiError::bad("body", "the body could not be read"),
        _ => ApiError::bad("body", "the body could not be read"),
    };
    api.into()
}

/// serde_json's message is already a sentence ("expected value at line 1 column 2",
/// "duplicate key `x` at `demands[0]`"); it is capped, not rephrased.
fn deserialize_sentence(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = crate::fields::truncate(&msg, 300);
    format!("not valid JSON for this endpoint: {msg}")
}

/// A body read strictly: a JSON object with a key given twice anywhere in it is refused, naming
/// the key and its path (`duplicate key `tonnes_per_year` at `demands[2]``), then `T` is read
/// from the checked document.
#[derive(Debug, Clone)]
pub struct Strict<T>(pub T);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Strict<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Checked {
            path: String::new(),
            depth: 0,
        }
        .deserialize(d)?;
        T::deserialize(v).map(Strict).map_err(de::Error::custom)
    }
}

/// Reads one JSON value, refusing duplicate keys; `path` is where it is in the body.
struct Checked {
    path: String,
    depth: usize,
}

impl Checked {
    fn child(&self, step: fmt::Arguments<'_>) -> Checked {
        Checked {
            path: format!("{}{}", self.path, step),
            depth: self.depth + 1,
        }
    }
    fn at(&self) -> &str {
        if self.path.is_empty() {
            "the top level"
        } else {
            &self.path
        }
    }
}

impl<'de> DeserializeSeed<'de> for Checked {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Checked {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("a number at {} is not finite", self.at())))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if self.depth >= MAX_DEPTH {
            return Err(de::Error::custom(format!(
                "nesting deeper than {MAX_DEPTH} levels at {}",
                self.at()
            )));
        }
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(self.child(format_args!("[{}]", out.len())))? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if self.depth >= MAX_DEPTH {
            return Err(de::Error::custom(format!(
                "nesting deeper than {MAX_DEPTH} levels at {}",
                self.at()
            )));
        }
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "duplicate key `{}` at {}",
                    crate::fields::truncate(&key, crate::fields::ECHO_CHARS),
                    crate::fields::truncate(self.at(), 200)
                )));
            }
            let step = if self.path.is_empty() {
                self.child(format_args!("{key}"))
            } else {
                self.child(format_args!(".{key}"))
            };
            let v = map.next_value_seed(step)?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_refused_naming_key_and_path() {
        let e = serde_json::from_str::<Strict<Value>>(r#"{"a": 1, "a": 2}"#).unwrap_err();
        assert!(
            e.to_string().contains("duplicate key `a` at the top level"),
            "{e}"
        );
        let e = serde_json::from_str::<Strict<Value>>(
            r#"{"demands": [{"from": "x"}, {"to": "y", "to": "z"}]}"#,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("duplicate key `to` at demands[1]"),
            "{e}"
        );
    }

    #[test]
    fn a_clean_document_reads_unchanged() {
        let text = r#"{"a": [1, -2, 3.5, "x", null, true, {"b": {}}], "c": {"d": [[]]}}"#;
        let Strict(v) = serde_json::from_str::<Strict<Value>>(text).unwrap();
        assert_eq!(v, serde_json::from_str::<Value>(text).unwrap());
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        let e = serde_json::from_str::<Strict<Value>>(&deep).unwrap_err();
        assert!(e.to_string().contains("nesting deeper than 64"), "{e}");
    }
}
