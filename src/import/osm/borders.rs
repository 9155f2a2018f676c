//! Countries from the boundaries shipped in `geodata/boundaries/countries.geojson`: which
//! country a point lies in, and whether a segment crosses a boundary.
//!
//! Every boundary ring is cut into edges held in one rstar tree. A point's country is found by
//! casting a ray east and counting, per country, the edges it crosses (even–odd rule over all
//! rings of a country, so holes and islands count right): O(log n + k) per point instead of a
//! scan of every vertex. A segment crosses a border when it intersects an edge.

use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{Coord, Line};
use geojson::GeoJson;
use rstar::{AABB, RTree, RTreeObject};

/// The boundaries compiled into the binary (Natural Earth 10m, see `geodata/boundaries/`).
pub const EMBEDDED_BOUNDARIES: &str = include_str!("../../../geodata/boundaries/countries.geojson");

/// Why the boundaries could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BoundariesError {
    /// The text is not GeoJSON.
    #[error("not GeoJSON: {0}")]
    Json(String),
    /// A feature lacks `iso_a2` or a (Multi)Polygon geometry.
    #[error("feature #{0}: needs an `iso_a2` property and a Polygon or MultiPolygon geometry")]
    Feature(usize),
}

struct Edge {
    line: Line<f64>,
    country: u16,
}

impl RTreeObject for Edge {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_corners(
            [self.line.start.x, self.line.start.y],
            [self.line.end.x, self.line.end.y],
        )
    }
}

/// Country boundaries, indexed.
pub struct Borders {
    countries: Vec<String>,
    edges: RTree<Edge>,
}

impl Borders {
    /// Reads a FeatureCollection of (Multi)Polygons with an `iso_a2` property each.
    ///
    /// # Errors
    /// [`BoundariesError`] naming the feature at fault.
    pub fn from_geojson(text: &str) -> Result<Self, BoundariesError> {
        let gj: GeoJson = text
            .parse()
            .map_err(|e: geojson::Error| BoundariesError::Json(e.to_string()))?;
        let GeoJson::FeatureCollection(fc) = gj else {
            return Err(BoundariesError::Json("expected a FeatureCollection".into()));
        };
        let mut countries = Vec::new();
        let mut edges = Vec::new();
        for (i, f) in fc.features.iter().enumerate() {
            let iso = f
                .property("iso_a2")
                .and_then(|v| v.as_str())
                .ok_or(BoundariesError::Feature(i))?;
            let geom = f.geometry.as_ref().ok_or(BoundariesError::Feature(i))?;
            let polys: Vec<Vec<Vec<Vec<f64>>>> = match &geom.value {
                geojson::Value::Polygon(p) => vec![p.clone()],
                geojson::Value::MultiPolygon(mp) => mp.clone(),
                _ => return Err(BoundariesError::Feature(i)),
            };
            let c = countries.len() as u16;
            countries.push(iso.to_string());
            for ring in polys.iter().flatten() {
                for w in ring.windows(2) {
                    if w[0].len() < 2 || w[1].len() < 2 {
                        return Err(BoundariesError::Feature(i));
                    }
                    let line = Line::new(
                        Coord {
                            x: w[0][0],
                            y: w[0][1],
                        },
                        Coord {
                            x: w[1][0],
                            y: w[1][1],
                        },
                    );
                    edges.push(Edge { line, country: c });
                }
            }
        }
        Ok(Self {
            countries,
            edges: RTree::bulk_load(edges),
        })
    }

    /// The boundaries compiled into the binary.
    pub fn embedded() -> Self {
        // The embedded file is checked by the test below; failing here is a build defect.
        Self::from_geojson(EMBEDDED_BOUNDARIES).unwrap_or_else(|_| Self {
            countries: Vec::new(),
            edges: RTree::new(),
        })
    }

    /// The ISO2 code of the country containing `(lon, lat)`, if any (the first listed when
    /// generalised boundaries overlap).
    pub fn country_of(&self, lon: f64, lat: f64) -> Option<&str> {
        let ray = AABB::from_corners([lon, lat], [f64::MAX, lat]);
        let mut parity = vec![false; self.countries.len()];
        for e in self.edges.locate_in_envelope_intersecting(&ray) {
            let (a, b) = (e.line.start, e.line.end);
            if (a.y > lat) != (b.y > lat) {
                let x = a.x + (lat - a.y) * (b.x - a.x) / (b.y - a.y);
                if x > lon {
                    parity[e.country as usize] ^= true;
                }
            }
        }
        parity
            .iter()
            .position(|p| *p)
            .map(|i| self.countries[i].as_str())
    }

    /// Whether the segment from `a` to `b` (lon, lat) touches a boundary edge.
    pub fn crosses(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let seg = Line::new(Coord { x: a.0, y: a.1 }, Coord { x: b.0, y: b.1 });
        let env = AABB::from_corners([a.0, a.1], [b.0, b.1]);
        self.edges.locate_in_envelope_intersecting(&env).any(|e| {
            match line_intersection(seg, e.line) {
                Some(LineIntersection::SinglePoint { .. }) => true,
                Some(LineIntersection::Collinear { .. }) => true,
                None => false,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_boundaries_place_known_cities() {
        let b = Borders::from_geojson(EMBEDDED_BOUNDARIES).expect("boundaries parse");
        assert_eq!(b.country_of(106.92, 47.92), Some("MN")); // Ulaanbaatar
        assert_eq!(b.country_of(116.40, 39.90), Some("CN")); // Beijing
        assert_eq!(b.country_of(107.60, 51.83), Some("RU")); // Ulan-Ude
        assert_eq!(b.country_of(76.95, 43.25), Some("KZ")); // Almaty
        assert_eq!(b.country_of(24.94, 60.17), None); // Helsinki: FI is not in the file
        // Naushki (RU) – Sukhbaatar (MN) crosses the border; Ulan-Ude – Irkutsk does not.
        assert!(b.crosses((106.10, 50.40), (106.20, 50.20)));
        assert!(!b.crosses((107.60, 51.83), (104.30, 52.29)));
    }
}
