//! The formats features travel in between Corridor and PostgreSQL, so neither side converts
//! geometry feature by feature in SQL:
//! - reading: `ST_AsBinary(geom)` (ISO WKB) → a GeoJSON geometry object ([`wkb_to_geojson`]);
//!   coordinates come back exactly as stored (shortest round-trip decimal of each `f64`),
//!   where `ST_AsGeoJSON` rounds to a fixed number of decimals;
//! - writing: a GeoJSON geometry → hex EWKB with SRID 4326 ([`geojson_to_ewkb_hex`]), the
//!   text PostGIS's `geometry` input reads without a GeoJSON parse; rows are written in
//!   `COPY … FROM STDIN` text format ([`CopyRow`]).
//!
//! Only what the schema holds is supported: 2-D `Point` (nodes) and `LineString` (links).

use std::fmt::Write as _;

/// The SRID of every stored geometry (WGS 84 longitude/latitude).
pub const SRID: u32 = 4326;

const WKB_POINT: u32 = 1;
const WKB_LINESTRING: u32 = 2;
/// EWKB's flag: an SRID follows the type.
const EWKB_SRID_FLAG: u32 = 0x2000_0000;

/// Why a geometry could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GeometryError {
    /// The WKB ends early or has an unknown byte order.
    #[error("malformed WKB: {0}")]
    Malformed(&'static str),
    /// A type the schema does not hold (or a 3-D/measured geometry).
    #[error("unsupported geometry type {0} (the schema holds 2-D Point and LineString)")]
    Unsupported(String),
    /// A GeoJSON geometry that does not parse.
    #[error("invalid GeoJSON geometry: {0}")]
    Json(String),
}

struct Reader<'a> {
    buf: &'a [u8],
    little: bool,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], GeometryError> {
        let (head, rest) = self
            .buf
            .split_first_chunk::<N>()
            .ok_or(GeometryError::Malformed("truncated"))?;
        self.buf = rest;
        Ok(*head)
    }

    fn u32(&mut self) -> Result<u32, GeometryError> {
        let b = self.take::<4>()?;
        Ok(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn f64(&mut self) -> Result<f64, GeometryError> {
        let b = self.take::<8>()?;
        Ok(if self.little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }
}

fn push_number(out: &mut String, x: f64) {
    // `Display` of an f64 is its shortest round-trip decimal: the stored value exactly.
    // A non-finite value (never stored by PostGIS from GeoJSON) is written as null.
    if x.is_finite() {
        let _ = write!(out, "{x}");
    } else {
        out.push_str("null");
    }
}

/// Appends the GeoJSON geometry object of an ISO WKB `Point` or `LineString` to `out`.
///
/// # Errors
/// [`GeometryError`] on truncated WKB or another geometry type.
pub fn wkb_to_geojson(wkb: &[u8], out: &mut String) -> Result<(), GeometryError> {
    let (&order, rest) = wkb.split_first().ok_or(GeometryError::Malformed("empty"))?;
    let little = match order {
        0 => false,
        1 => true,
        _ => return Err(GeometryError::Malformed("byte order")),
    };
    let mut r = Reader { buf: rest, little };
    let kind = r.u32()?;
    match kind {
        WKB_POINT => {
            let (x, y) = (r.f64()?, r.f64()?);
            out.push_str(r#"{"type": "Point", "coordinates": "#);
            if x.is_nan() && y.is_nan() {
                // WKB's POINT EMPTY.
                out.push_str("[]}");
            } else {
                out.push('[');
                push_number(out, x);
                out.push_str(", ");
                push_number(out, y);
                out.push_str("]}");
            }
        }
        WKB_LINESTRING => {
            let n = r.u32()? as usize;
            if r.buf.len() < n.saturating_mul(16) {
                return Err(GeometryError::Malformed("truncated"));
            }
            out.reserve(n * 40 + 48);
            out.push_str(r#"{"type": "LineString", "coordinates": ["#);
            for i in 0..n {
                if i > 0 {
                    out.push_str(", ");
                }
                let (x, y) = (r.f64()?, r.f64()?);
                out.push('[');
                push_number(out, x);
                out.push_str(", ");
                push_number(out, y);
                out.push(']');
            }
            out.push_str("]}");
        }
        other => return Err(GeometryError::Unsupported(format!("WKB {other}"))),
    }
    Ok(())
}

#[derive(serde::Deserialize)]
struct GeometryIn<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(borrow)]
    coordinates: &'a serde_json::value::RawValue,
}

fn position(p: &[f64]) -> Result<(f64, f64), GeometryError> {
    match p {
        [x, y] => Ok((*x, *y)),
        _ => Err(GeometryError::Unsupported(format!(
            "position of {} values",
            p.len()
        ))),
    }
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in bytes {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
}

/// Appends the hex EWKB (little-endian, SRID 4326) of a GeoJSON `Point` or `LineString`
/// geometry object to `out`.
///
/// # Errors
/// [`GeometryError`] when the JSON is not such a geometry with 2-D positions.
pub fn geojson_to_ewkb_hex(geometry: &str, out: &mut String) -> Result<(), GeometryError> {
    let g: GeometryIn<'_> =
        serde_json::from_str(geometry).map_err(|e| GeometryError::Json(e.to_string()))?;
    let json = |e: serde_json::Error| GeometryError::Json(e.to_string());
    match g.kind {
        "Point" => {
            let c: Vec<f64> = serde_json::from_str(g.coordinates.get()).map_err(json)?;
            let (x, y) = if c.is_empty() {
                (f64::NAN, f64::NAN)
            } else {
                position(&c)?
            };
            push_hex(out, &[1]);
            push_hex(out, &(WKB_POINT | EWKB_SRID_FLAG).to_le_bytes());
            push_hex(out, &SRID.to_le_bytes());
            push_hex(out, &x.to_le_bytes());
            push_hex(out, &y.to_le_bytes());
        }
        "LineString" => {
            let c: Vec<Vec<f64>> = serde_json::from_str(g.coordinates.get()).map_err(json)?;
            let n = u32::try_from(c.len())
                .map_err(|_| GeometryError::Unsupported("LineString too long".into()))?;
            out.reserve(c.len() * 32 + 32);
            push_hex(out, &[1]);
            push_hex(out, &(WKB_LINESTRING | EWKB_SRID_FLAG).to_le_bytes());
            push_hex(out, &SRID.to_le_bytes());
            push_hex(out, &n.to_le_bytes());
            for p in &c {
                let (x, y) = position(p)?;
                push_hex(out, &x.to_le_bytes());
                push_hex(out, &y.to_le_bytes());
            }
        }
        other => return Err(GeometryError::Unsupported(other.to_string())),
    }
    Ok(())
}

/// One row of `COPY … FROM STDIN` text format being written into a buffer: fields separated
/// by tabs, `\N` for NULL, backslash, tab, newline and carriage return escaped.
pub struct CopyRow<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> CopyRow<'a> {
    /// Starts a row at the end of `out`.
    pub fn new(out: &'a mut String) -> Self {
        Self { out, first: true }
    }

    fn sep(&mut self) {
        if !self.first {
            self.out.push('\t');
        }
        self.first = false;
    }

    /// A text field (NULL when `None`), escaped.
    pub fn text(&mut self, value: Option<&str>) -> &mut Self {
        self.sep();
        match value {
            None => self.out.push_str("\\N"),
            Some(v) => {
                for c in v.chars() {
                    match c {
                        '\\' => self.out.push_str("\\\\"),
                        '\t' => self.out.push_str("\\t"),
                        '\n' => self.out.push_str("\\n"),
                        '\r' => self.out.push_str("\\r"),
                        c => self.out.push(c),
                    }
                }
            }
        }
        self
    }

    /// A field whose text needs no escaping (digits, hex), written by `f` (NULL when `f`
    /// writes through `None`).
    pub fn raw(&mut self, f: impl FnOnce(&mut String)) -> &mut Self {
        self.sep();
        f(self.out);
        self
    }

    /// Ends the row.
    pub fn end(&mut self) {
        self.out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex_to_bytes(h: &str) -> Vec<u8> {
        (0..h.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
            .collect()
    }

    /// EWKB without its SRID is ISO WKB: the writer and the reader agree.
    fn round_trip(geojson: &str) -> String {
        let mut hex = String::new();
        geojson_to_ewkb_hex(geojson, &mut hex).unwrap();
        let mut ewkb = hex_to_bytes(&hex);
        assert_eq!(&ewkb[5..9], &SRID.to_le_bytes());
        let kind = u32::from_le_bytes(ewkb[1..5].try_into().unwrap()) & !EWKB_SRID_FLAG;
        ewkb.splice(1..9, kind.to_le_bytes());
        let mut out = String::new();
        wkb_to_geojson(&ewkb, &mut out).unwrap();
        out
    }

    #[test]
    fn points_and_lines_come_back_exactly() {
        let p = r#"{"type": "Point", "coordinates": [107.59, 51.83]}"#;
        assert_eq!(round_trip(p), p);
        let l =
            r#"{"type": "LineString", "coordinates": [[106.9, 47.9], [107.0000000000001, -0.1]]}"#;
        assert_eq!(round_trip(l), l);
    }

    #[test]
    fn known_postgis_wkb_reads() {
        // SELECT ST_AsBinary('POINT(1 2)'::geometry) on a little-endian server.
        let wkb = hex_to_bytes("0101000000000000000000F03F0000000000000040");
        let mut out = String::new();
        wkb_to_geojson(&wkb, &mut out).unwrap();
        assert_eq!(out, r#"{"type": "Point", "coordinates": [1, 2]}"#);
        // Big-endian LINESTRING(1 2, 3 4).
        let wkb = hex_to_bytes(
            "000000000200000002\
             3FF00000000000004000000000000000\
             40080000000000004010000000000000",
        );
        out.clear();
        wkb_to_geojson(&wkb, &mut out).unwrap();
        assert_eq!(
            out,
            r#"{"type": "LineString", "coordinates": [[1, 2], [3, 4]]}"#
        );
    }

    #[test]
    fn what_the_schema_does_not_hold_is_refused() {
        let mut out = String::new();
        for g in [
            r#"{"type": "MultiLineString", "coordinates": [[[1, 2], [3, 4]]]}"#,
            r#"{"type": "Point", "coordinates": [1, 2, 3]}"#,
            r#"{"type": "LineString", "coordinates": [[1, 2], [3]]}"#,
            r#"{"type": "Point"}"#,
        ] {
            assert!(geojson_to_ewkb_hex(g, &mut out).is_err(), "{g}");
        }
        // Truncated WKB, and a polygon.
        assert!(wkb_to_geojson(&hex_to_bytes("0102000000050000000000"), &mut out).is_err());
        assert!(wkb_to_geojson(&hex_to_bytes("010300000000000000"), &mut out).is_err());
    }

    #[test]
    fn copy_text_escapes_and_nulls() {
        let mut out = String::new();
        CopyRow::new(&mut out)
            .text(Some("a\tb\\c\nd\re"))
            .text(None)
            .raw(|o| o.push_str("42"))
            .end();
        assert_eq!(out, "a\\tb\\\\c\\nd\\re\t\\N\t42\n");
    }
}
