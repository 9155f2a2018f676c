//! Bounding boxes in lon/lat degrees (CRS84) and the exact segment–box test used by
//! [`super::SpatialIndex::links_in_bbox`].
//!
//! A box is `[min_lon, min_lat, max_lon, max_lat]` with `min < max` on both axes. Boxes that
//! cross the antimeridian (`min_lon > max_lon`, as RFC 7946 §5.2 allows) are refused with
//! [`BBoxError::Antimeridian`]: the network lies between 45°E and 135°E, so a client asking
//! across 180° splits the box in two.

use crate::fields::truncate;
use std::fmt;

/// A lon/lat box, CRS84 degrees, `min < max` on both axes, within [-180, 180] × [-90, 90].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    /// West edge, degrees.
    pub min_lon: f64,
    /// South edge, degrees.
    pub min_lat: f64,
    /// East edge, degrees.
    pub max_lon: f64,
    /// North edge, degrees.
    pub max_lat: f64,
}

/// Why a box was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BBoxError {
    /// Not 4 comma-separated numbers (or 6, with heights, where allowed).
    #[error("expected 4 comma-separated numbers minlon,minlat,maxlon,maxlat, found {0} item(s)")]
    Count(usize),
    /// An item is not a finite number.
    #[error("item {index} ('{text}') is not a finite number")]
    NotANumber {
        /// Zero-based position in the list.
        index: usize,
        /// The item, shortened.
        text: String,
    },
    /// A longitude or latitude beyond its range.
    #[error("{0}")]
    OutOfRange(String),
    /// `min_lon > max_lon`: a box across the antimeridian.
    #[error(
        "minlon {min_lon} > maxlon {max_lon}: boxes crossing the antimeridian are not supported; split the box at 180°"
    )]
    Antimeridian {
        /// West edge given.
        min_lon: f64,
        /// East edge given.
        max_lon: f64,
    },
    /// An empty box: `min >= max` on an axis.
    #[error("{0}")]
    Empty(String),
}

impl BBox {
    /// A checked box.
    ///
    /// # Errors
    /// [`BBoxError`] when a value is not finite or out of range, when `min_lon > max_lon`
    /// (antimeridian), or when the box is empty (`min >= max`).
    pub fn new(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> Result<Self, BBoxError> {
        for (name, v) in [("minlon", min_lon), ("maxlon", max_lon)] {
            if !v.is_finite() || !(-180.0..=180.0).contains(&v) {
                return Err(BBoxError::OutOfRange(format!(
                    "{name} {v} out of range [-180, 180]"
                )));
            }
        }
        for (name, v) in [("minlat", min_lat), ("maxlat", max_lat)] {
            if !v.is_finite() || !(-90.0..=90.0).contains(&v) {
                return Err(BBoxError::OutOfRange(format!(
                    "{name} {v} out of range [-90, 90]"
                )));
            }
        }
        if min_lon > max_lon {
            return Err(BBoxError::Antimeridian { min_lon, max_lon });
        }
        if min_lon == max_lon {
            return Err(BBoxError::Empty(format!(
                "minlon {min_lon} must be less than maxlon {max_lon}"
            )));
        }
        if min_lat >= max_lat {
            return Err(BBoxError::Empty(format!(
                "minlat {min_lat} must be less than maxlat {max_lat}"
            )));
        }
        Ok(Self {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        })
    }

    /// Parses `minlon,minlat,maxlon,maxlat`. With `allow_heights`, the 6-number form
    /// `minlon,minlat,minh,maxlon,maxlat,maxh` of OGC API – Features is accepted too and the
    /// heights are ignored (the network is 2D).
    ///
    /// # Example
    /// ```
    /// use corridor::index::BBox;
    /// let b = BBox::parse("87.7,41.6,119.9,52.1", false).unwrap();
    /// assert_eq!(b.max_lat, 52.1);
    /// assert!(BBox::parse("170,0,-170,10", false).is_err()); // across the antimeridian
    /// ```
    pub fn parse(s: &str, allow_heights: bool) -> Result<Self, BBoxError> {
        let items: Vec<&str> = s.split(',').map(str::trim).collect();
        if items.len() != 4 && !(allow_heights && items.len() == 6) {
            return Err(BBoxError::Count(items.len()));
        }
        let mut v = Vec::with_capacity(items.len());
        for (index, text) in items.iter().enumerate() {
            match text.parse::<f64>() {
                Ok(x) if x.is_finite() => v.push(x),
                _ => {
                    return Err(BBoxError::NotANumber {
                        index,
                        text: truncate(text, 32),
                    });
                }
            }
        }
        if v.len() == 6 {
            Self::new(v[0], v[1], v[3], v[4])
        } else {
            Self::new(v[0], v[1], v[2], v[3])
        }
    }

    /// The smallest box holding every point given, or `None` for no point or a degenerate
    /// extent (a single point is widened by 1e-6° so the box is never empty).
    pub fn around(points: impl IntoIterator<Item = [f64; 2]>) -> Option<Self> {
        let mut it = points.into_iter();
        let first = it.next()?;
        let (mut a, mut b) = (first, first);
        for p in it {
            a = [a[0].min(p[0]), a[1].min(p[1])];
            b = [b[0].max(p[0]), b[1].max(p[1])];
        }
        const PAD_DEG: f64 = 1e-6;
        if a[0] == b[0] {
            a[0] -= PAD_DEG;
            b[0] += PAD_DEG;
        }
        if a[1] == b[1] {
            a[1] -= PAD_DEG;
            b[1] += PAD_DEG;
        }
        Self::new(
            a[0].max(-180.0),
            a[1].max(-90.0),
            b[0].min(180.0),
            b[1].min(90.0),
        )
        .ok()
    }

    /// `[min_lon, min_lat, max_lon, max_lat]`.
    pub fn to_array(&self) -> [f64; 4] {
        [self.min_lon, self.min_lat, self.max_lon, self.max_lat]
    }

    /// Whether the point lies in the box (edges included).
    pub fn contains(&self, p: [f64; 2]) -> bool {
        p[0] >= self.min_lon && p[0] <= self.max_lon && p[1] >= self.min_lat && p[1] <= self.max_lat
    }

    /// Whether the straight segment `a`–`b` (planar in lon/lat, as RFC 7946 draws it)
    /// touches the box, edges included ([`clip_segment`] keeps part of it).
    ///
    /// # Complexity
    /// O(1).
    pub fn intersects_segment(&self, a: [f64; 2], b: [f64; 2]) -> bool {
        self.contains(a)
            || self.contains(b)
            || clip_segment(
                a,
                b,
                [self.min_lon, self.min_lat],
                [self.max_lon, self.max_lat],
            )
            .is_some()
    }
}

/// The parameter range `[t0, t1]` of the segment `a + t (b − a)`, `t ∈ [0, 1]`, inside the
/// rectangle `[min, max]` (edges included), or `None` when it misses it.
///
/// Liang–Barsky clipping: the segment is clipped against each of the four half-planes; it
/// meets the rectangle iff an interval of `t` survives. The one clip of the crate: the index's
/// segment–box test ([`BBox::intersects_segment`]) and the tiles' line clipping
/// ([`clip_polyline`], in tile units) both use it.
///
/// # Complexity
/// O(1).
pub fn clip_segment(a: [f64; 2], b: [f64; 2], min: [f64; 2], max: [f64; 2]) -> Option<(f64, f64)> {
    let d = [b[0] - a[0], b[1] - a[1]];
    let mut t0 = 0.0_f64;
    let mut t1 = 1.0_f64;
    // (p, q) per edge: the segment is inside the half-plane where p·t <= q.
    let edges = [
        (-d[0], a[0] - min[0]),
        (d[0], max[0] - a[0]),
        (-d[1], a[1] - min[1]),
        (d[1], max[1] - a[1]),
    ];
    for (p, q) in edges {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
            if t0 > t1 {
                return None;
            }
        }
    }
    Some((t0, t1))
}

/// The parts of a polyline inside the rectangle `[min, max]` ([`clip_segment`] per segment): a
/// line that leaves and re-enters gives several parts; vertices inside are kept exactly.
///
/// # Complexity
/// O(v) for v vertices.
pub fn clip_polyline(pts: &[[f64; 2]], min: [f64; 2], max: [f64; 2]) -> Vec<Vec<[f64; 2]>> {
    let mut parts = Vec::new();
    let mut cur: Vec<[f64; 2]> = Vec::new();
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        match clip_segment(a, b, min, max) {
            Some((t0, t1)) => {
                let at = |t: f64| {
                    if t == 0.0 {
                        a
                    } else if t == 1.0 {
                        b
                    } else {
                        [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]
                    }
                };
                if t0 > 0.0 || cur.is_empty() {
                    if cur.len() >= 2 {
                        parts.push(std::mem::take(&mut cur));
                    }
                    cur.clear();
                    cur.push(at(t0));
                }
                cur.push(at(t1));
                if t1 < 1.0 {
                    parts.push(std::mem::take(&mut cur));
                }
            }
            None => {
                if cur.len() >= 2 {
                    parts.push(std::mem::take(&mut cur));
                }
                cur.clear();
            }
        }
    }
    if cur.len() >= 2 {
        parts.push(cur);
    }
    parts
}

impl fmt::Display for BBox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{},{},{},{}",
            self.min_lon, self.min_lat, self.max_lon, self.max_lat
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod clip {
        use super::*;

        #[test]
        fn a_line_leaving_and_reentering_is_split() {
            let pts = [
                [-10.0, 5.0],
                [5.0, 5.0],
                [5.0, 20.0],
                [8.0, 20.0],
                [8.0, 5.0],
                [20.0, 5.0],
            ];
            let parts = clip_polyline(&pts, [0.0, 0.0], [10.0, 10.0]);
            let want = [
                vec![[0.0, 5.0], [5.0, 5.0], [5.0, 10.0]],
                vec![[8.0, 10.0], [8.0, 5.0], [10.0, 5.0]],
            ];
            assert_eq!(parts.len(), want.len(), "{parts:?}");
            for (got, want) in parts.iter().zip(&want) {
                assert_eq!(got.len(), want.len(), "{parts:?}");
                for (g, w) in got.iter().zip(want) {
                    assert!(
                        (g[0] - w[0]).abs() < 1e-9 && (g[1] - w[1]).abs() < 1e-9,
                        "{parts:?}"
                    );
                }
            }
        }

        #[test]
        fn a_line_crossing_the_box_without_a_vertex_inside_is_kept() {
            let parts = clip_polyline(&[[-5.0, -5.0], [15.0, 15.0]], [0.0, 0.0], [10.0, 10.0]);
            assert_eq!(parts, vec![vec![[0.0, 0.0], [10.0, 10.0]]]);
            assert!(
                clip_polyline(&[[-5.0, 11.0], [15.0, 11.0]], [0.0, 0.0], [10.0, 10.0]).is_empty()
            );
        }

        #[test]
        fn the_rectangle_need_not_be_square() {
            // A segment along y = 15 crosses [0, 10] × [0, 20] but misses [0, 10]².
            assert_eq!(
                clip_segment([-10.0, 15.0], [10.0, 15.0], [0.0, 0.0], [10.0, 20.0]),
                Some((0.5, 1.0))
            );
            assert_eq!(
                clip_segment([-10.0, 15.0], [10.0, 15.0], [0.0, 0.0], [10.0, 10.0]),
                None
            );
        }
    }

    fn unit() -> BBox {
        BBox::new(0.0, 0.0, 1.0, 1.0).unwrap()
    }

    mod parse {
        use super::*;

        #[test]
        fn four_numbers() {
            let b = BBox::parse(" 87.7, 41.6 ,119.9,52.1", false).unwrap();
            assert_eq!(b.to_array(), [87.7, 41.6, 119.9, 52.1]);
        }

        #[test]
        fn six_numbers_only_when_heights_are_allowed() {
            assert_eq!(
                BBox::parse("1,2,0,3,4,100", false),
                Err(BBoxError::Count(6))
            );
            let b = BBox::parse("1,2,0,3,4,100", true).unwrap();
            assert_eq!(b.to_array(), [1.0, 2.0, 3.0, 4.0]);
        }

        #[test]
        fn refuses_bad_items() {
            assert_eq!(BBox::parse("1,2,3", false), Err(BBoxError::Count(3)));
            assert!(matches!(
                BBox::parse("1,NaN,3,4", false),
                Err(BBoxError::NotANumber { index: 1, .. })
            ));
            assert!(matches!(
                BBox::parse("1,2,inf,4", false),
                Err(BBoxError::NotANumber { index: 2, .. })
            ));
            assert!(matches!(
                BBox::parse("1,2,,4", false),
                Err(BBoxError::NotANumber { index: 2, .. })
            ));
        }

        #[test]
        fn refuses_out_of_range_and_empty() {
            assert!(matches!(
                BBox::parse("-181,0,1,1", false),
                Err(BBoxError::OutOfRange(_))
            ));
            assert!(matches!(
                BBox::parse("0,-91,1,1", false),
                Err(BBoxError::OutOfRange(_))
            ));
            assert!(matches!(
                BBox::parse("0,1,1,1", false),
                Err(BBoxError::Empty(_))
            ));
            assert!(matches!(
                BBox::parse("1,0,1,1", false),
                Err(BBoxError::Empty(_))
            ));
        }

        #[test]
        fn refuses_antimeridian_boxes() {
            assert!(matches!(
                BBox::parse("170,0,-170,10", false),
                Err(BBoxError::Antimeridian { .. })
            ));
        }
    }

    mod segment {
        use super::*;

        #[test]
        fn inside_and_touching() {
            assert!(unit().intersects_segment([0.2, 0.2], [0.3, 0.3]));
            assert!(unit().intersects_segment([-1.0, 0.5], [0.0, 0.5]));
        }

        #[test]
        fn crossing_with_no_vertex_inside() {
            assert!(unit().intersects_segment([-1.0, 0.5], [2.0, 0.5]));
            assert!(unit().intersects_segment([-0.5, 0.5], [0.5, 1.5]));
        }

        #[test]
        fn passing_by() {
            assert!(!unit().intersects_segment([-1.0, 1.5], [0.5, 3.0]));
            assert!(!unit().intersects_segment([1.5, -1.0], [1.5, 2.0]));
            // Its envelope overlaps the box, the segment does not.
            assert!(!unit().intersects_segment([-0.5, 0.8], [0.2, 1.6]));
        }

        #[test]
        fn degenerate_segment() {
            assert!(unit().intersects_segment([0.5, 0.5], [0.5, 0.5]));
            assert!(!unit().intersects_segment([2.0, 2.0], [2.0, 2.0]));
        }
    }

    mod around {
        use super::*;

        #[test]
        fn single_point_is_widened() {
            let b = BBox::around([[10.0, 20.0]]).unwrap();
            assert!(b.min_lon < 10.0 && b.max_lon > 10.0);
            assert!(BBox::around(std::iter::empty()).is_none());
        }
    }

    mod oracle {
        use super::*;
        use proptest::prelude::*;

        /// Dense sampling along the segment: if a sample lies inside, it must intersect.
        fn sampled(b: &BBox, a: [f64; 2], c: [f64; 2]) -> bool {
            (0..=1000).any(|i| {
                let t = f64::from(i) / 1000.0;
                b.contains([a[0] + t * (c[0] - a[0]), a[1] + t * (c[1] - a[1])])
            })
        }

        proptest! {
            #[test]
            fn sampling_never_finds_a_point_the_exact_test_misses(
                ax in -3.0..4.0f64, ay in -3.0..4.0f64, bx in -3.0..4.0f64, by in -3.0..4.0f64,
            ) {
                let b = unit();
                if sampled(&b, [ax, ay], [bx, by]) {
                    prop_assert!(b.intersects_segment([ax, ay], [bx, by]));
                }
            }

            #[test]
            fn a_shrunk_box_missed_means_no_sample_inside(
                ax in -3.0..4.0f64, ay in -3.0..4.0f64, bx in -3.0..4.0f64, by in -3.0..4.0f64,
            ) {
                // If the exact test says no for a slightly larger box, no sample is inside.
                let big = BBox::new(-0.001, -0.001, 1.001, 1.001).unwrap();
                if !big.intersects_segment([ax, ay], [bx, by]) {
                    prop_assert!(!sampled(&unit(), [ax, ay], [bx, by]));
                }
            }
        }
    }
}
