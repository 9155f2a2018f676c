//! Measures as data: every quantity a route is measured and optimised in, with its unit and
//! output property. Everything else (search weights, legs, output properties, the CLI table,
//! the OpenAPI enum) iterates [`Measure::ALL`]; adding a measure is a variant here plus its
//! per-link formula in [`super::Profile::link_measures`] and
//! [`super::Profile::transshipment_measures`].

use std::ops::{AddAssign, Index, IndexMut};

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::fields::str_enum;

str_enum!(
    /// A quantity a route is measured in and may be optimised for.
    #[derive(Default)]
    Measure {
        /// Kilometres travelled.
        Distance = "distance",
        /// Hours, including border dwell and transshipments (the default to optimise).
        #[default]
        Time = "time",
        /// US dollars per tonne, including border and transshipment fees.
        Cost = "cost",
        /// Kilograms of CO2-equivalent per tonne, well-to-wheel, including transshipment
        /// handling.
        Co2 = "co2",
    }
);

/// The measure a route search minimises: one of the [`Measure`]s.
pub type Optimize = Measure;

/// How many measures there are.
pub const MEASURE_COUNT: usize = Measure::ALL.len();

impl Measure {
    /// Position in [`Measure::ALL`] (and in a [`Measures`] or a per-measure array).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Unit, as printed (`km`, `h`, `USD/t`).
    pub const fn unit(self) -> &'static str {
        match self {
            Measure::Distance => "km",
            Measure::Time => "h",
            Measure::Cost => "USD/t",
            Measure::Co2 => "kg CO2e/t",
        }
    }

    /// Property name in outputs and echoes (`distance_km`, `time_h`, `cost_usd_per_t`).
    pub const fn property(self) -> &'static str {
        match self {
            Measure::Distance => "distance_km",
            Measure::Time => "time_h",
            Measure::Cost => "cost_usd_per_t",
            Measure::Co2 => "co2e_kg_per_t",
        }
    }

    /// One line for documentation.
    pub const fn description(self) -> &'static str {
        match self {
            Measure::Distance => "kilometres travelled",
            Measure::Time => "hours, including border dwell and transshipments",
            Measure::Cost => "US dollars per tonne, including border and transshipment fees",
            Measure::Co2 => {
                "kilograms of CO2-equivalent per tonne, well-to-wheel, including transshipment handling"
            }
        }
    }

    /// Column width in the command line's table, and decimals shown.
    pub const fn column(self) -> (usize, usize) {
        match self {
            Measure::Distance => (9, 1),
            Measure::Time => (8, 1),
            Measure::Cost => (10, 2),
            Measure::Co2 => (11, 1),
        }
    }

    /// Column heading in the command line's table.
    pub const fn heading(self) -> &'static str {
        match self {
            Measure::Distance => "km",
            Measure::Time => "hours",
            Measure::Cost => "USD/t",
            Measure::Co2 => "kg CO2e/t",
        }
    }
}

/// One value per [`Measure`]: the measures of a route or a piece of one. Index it with a
/// `Measure`; it serialises as a map from [`Measure::property`] to value.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Measures(pub [f64; MEASURE_COUNT]);

impl Measures {
    /// The value of `measure`.
    pub fn get(&self, measure: Measure) -> f64 {
        self.0[measure.index()]
    }

    /// Builds measures from a function of each measure.
    pub fn from_fn(f: impl FnMut(Measure) -> f64) -> Self {
        let mut f = f;
        let mut m = [0.0; MEASURE_COUNT];
        for x in Measure::ALL {
            m[x.index()] = f(*x);
        }
        Self(m)
    }

    /// (measure, value) pairs in [`Measure::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Measure, f64)> + '_ {
        Measure::ALL.iter().map(|m| (*m, self.get(*m)))
    }
}

impl Index<Measure> for Measures {
    type Output = f64;
    fn index(&self, m: Measure) -> &f64 {
        &self.0[m.index()]
    }
}

impl IndexMut<Measure> for Measures {
    fn index_mut(&mut self, m: Measure) -> &mut f64 {
        &mut self.0[m.index()]
    }
}

impl AddAssign for Measures {
    fn add_assign(&mut self, o: Self) {
        for (a, b) in self.0.iter_mut().zip(o.0) {
            *a += b;
        }
    }
}

impl Serialize for Measures {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(MEASURE_COUNT))?;
        for (m, v) in self.iter() {
            map.serialize_entry(m.property(), &v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_are_data() {
        for m in Measure::ALL {
            assert_eq!(Measure::parse(m.as_str()), Some(*m));
            assert!(m.property().starts_with(m.as_str()));
        }
        let mut x = Measures::from_fn(|m| m.index() as f64);
        x += x;
        assert_eq!(x[Measure::Cost], 4.0);
        let v = serde_json::to_value(x).unwrap();
        assert_eq!(v["time_h"], 2.0);
    }
}
