//! Field reading shared by every door into the service (HTTP query strings, JSON bodies, the
//! command line, data validation). The foundation layer: it imports nothing from the crate.
//!
//! - [`Fields`]: typed getters over key → raw string values that gather every problem as a
//!   [`FieldError`] instead of stopping at the first;
//! - [`parse_lon_lat`] / [`check_lon_lat`]: the one position parser and range check;
//! - [`suggest`] / [`closest`]: the one name-suggestion function (Jaro–Winkler);
//! - [`truncate`]: the one way to shorten user input before echoing it;
//! - [`str_enum!`](crate::fields::str_enum) and [`StrEnum`]: the one enum macro, so every
//!   string enum parses, prints and lists its spellings the same way (also as a clap
//!   `ValueEnum`, read on the command line by [`spelling_parser`]).

use std::collections::HashMap;
use std::ops::RangeInclusive;

/// One wrong field: its name (with any prefix, e.g. `demands[3].tonnes_per_year`) and what is
/// wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The parameter or field.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl FieldError {
    /// A mistake about `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Characters of user input echoed back in a message (longer input is cut).
pub const ECHO_CHARS: usize = 64;

/// The first `max_chars` characters of `s` (never splits a character).
///
/// # Example
/// ```
/// assert_eq!(corridor::fields::truncate("Ulaanbaatar", 4), "Ulaa");
/// ```
pub fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}

/// Checks a position: finite, longitude in [-180, 180], latitude in [-90, 90].
pub fn check_lon_lat(lon: f64, lat: f64) -> Result<(), String> {
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        return Err(format!("longitude {lon} out of range [-180, 180]"));
    }
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return Err(format!("latitude {lat} out of range [-90, 90]"));
    }
    Ok(())
}

/// Parses `lon,lat`, refusing non-finite or out-of-range values.
///
/// # Example
/// ```
/// assert_eq!(corridor::fields::parse_lon_lat("106.9, 47.9"), Ok((106.9, 47.9)));
/// assert!(corridor::fields::parse_lon_lat("200,0").is_err());
/// ```
pub fn parse_lon_lat(s: &str) -> Result<(f64, f64), String> {
    let (a, b) = s.split_once(',').ok_or("expected lon,lat")?;
    let lon: f64 = a.trim().parse().map_err(|_| "longitude is not a number")?;
    let lat: f64 = b.trim().parse().map_err(|_| "latitude is not a number")?;
    check_lon_lat(lon, lat)?;
    Ok((lon, lat))
}

/// Most suggestions offered for an unknown name.
pub const MAX_SUGGESTIONS: usize = 5;
/// Smallest Jaro–Winkler similarity for a name to be suggested.
pub const SUGGESTION_SIMILARITY: f64 = 0.75;
/// Smallest Jaro–Winkler similarity for a misspelt parameter name to get a hint.
pub const PARAMETER_SIMILARITY: f64 = 0.8;

/// Up to [`MAX_SUGGESTIONS`] ids whose id or name is close to `query` (Jaro–Winkler on lower
/// case, at least [`SUGGESTION_SIMILARITY`]), closest first.
pub fn suggest<'a>(
    query: &str,
    candidates: impl Iterator<Item = (&'a str, &'a str)>,
) -> Vec<String> {
    suggest_with(query, candidates, SUGGESTION_SIMILARITY, true)
}

/// Unknown names given suggestions per request by the HTTP service
/// ([`with_suggestion_budget`]); later ones are still reported (and counted), without
/// suggestions, so a request naming 10,000 unknown ids costs 20 scans, not 10,000.
pub const SUGGESTED_UNKNOWNS: usize = 20;

thread_local! {
    static SUGGESTION_BUDGET: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// Runs `f` with at most `n` calls of [`suggest_with`] (and [`suggest`]) on this thread doing
/// any work; the rest answer no suggestion at once.
pub fn with_suggestion_budget<R>(n: usize, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<usize>);
    impl Drop for Restore {
        fn drop(&mut self) {
            SUGGESTION_BUDGET.with(|b| b.set(self.0));
        }
    }
    let _restore = Restore(SUGGESTION_BUDGET.with(|b| b.replace(Some(n))));
    f()
}

/// [`suggest`] with its knobs: the smallest similarity kept and whether case is folded
/// first. Up to [`MAX_SUGGESTIONS`] distinct ids, closest first (ties by id). Under a
/// [`with_suggestion_budget`] that is spent, no suggestion (and no work).
pub fn suggest_with<'a>(
    query: &str,
    candidates: impl Iterator<Item = (&'a str, &'a str)>,
    min_similarity: f64,
    fold_case: bool,
) -> Vec<String> {
    let spent = SUGGESTION_BUDGET.with(|b| match b.get() {
        Some(0) => true,
        Some(n) => {
            b.set(Some(n - 1));
            false
        }
        None => false,
    });
    if spent {
        return Vec::new();
    }
    crate::cancel::check_now();
    let fold = |s: &str| {
        if fold_case {
            s.to_lowercase()
        } else {
            s.to_string()
        }
    };
    let q = fold(query);
    let mut scored: Vec<(f64, &str)> = candidates
        .map(|(id, name)| {
            let s = strsim::jaro_winkler(&q, &fold(id)).max(strsim::jaro_winkler(&q, &fold(name)));
            (s, id)
        })
        .filter(|(s, _)| *s >= min_similarity)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, id)| id.to_string())
        .collect()
}

/// The one candidate closest to `query` (case-sensitive Jaro–Winkler), if any is more similar
/// than `min_similarity`: the "did you mean" of a misspelt parameter name.
pub fn closest<'a>(query: &str, candidates: &[&'a str], min_similarity: f64) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(c, query), *c))
        .filter(|(s, _)| *s > min_similarity)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A string enum: a fixed set of spellings (generated by [`str_enum!`](crate::fields::str_enum)).
pub trait StrEnum: Copy + 'static {
    /// Every accepted spelling, in declaration order.
    const VALUES: &'static [&'static str];
    /// Parses an exact spelling.
    fn from_str_exact(s: &str) -> Option<Self>;
    /// The spelling.
    fn spelling(self) -> &'static str;
}

/// Generates a string-backed enum with `parse`, `as_str`, `VALUES`, `ALL`, `Display`, serde
/// and [`StrEnum`], so that every enum of the data format and the API reports unknown values
/// the same way. Put `#[derive(Default)]` among the attributes and `#[default]` on a variant
/// for a default.
macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name { $($(#[$vm])* #[doc = concat!("`", $s, "`")] #[serde(rename = $s)] $var),+ }
        impl $name {
            /// Every accepted spelling, in declaration order.
            pub const VALUES: &'static [&'static str] = &[$($s),+];
            /// All variants, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// Parses the exact (lower-case) spelling used in the data and the API.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$var),)+ _ => None }
            }
            /// The spelling used in the data and the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }
        }
        impl $crate::fields::StrEnum for $name {
            const VALUES: &'static [&'static str] = &[$($s),+];
            fn from_str_exact(s: &str) -> Option<Self> { Self::parse(s) }
            fn spelling(self) -> &'static str { self.as_str() }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        // The command line's values are the API's: one list of spellings per enum.
        impl ::clap::ValueEnum for $name {
            fn value_variants<'a>() -> &'a [Self] {
                Self::ALL
            }
            fn to_possible_value(&self) -> ::std::option::Option<::clap::builder::PossibleValue> {
                Some(::clap::builder::PossibleValue::new(self.as_str()))
            }
        }
    };
}
pub(crate) use str_enum;

/// Most items accepted in one comma list, for every endpoint and the command line.
pub const MAX_LIST_LEN: usize = 200;

/// The raw values of one request, being read: typed getters record every mistake, and
/// [`Fields::finish`] hands them back together.
#[derive(Debug, Default)]
pub struct Fields {
    values: HashMap<String, String>,
    errors: Vec<FieldError>,
}

impl Fields {
    /// No values.
    pub fn new() -> Self {
        Self::default()
    }

    /// From key → value pairs (a later pair for the same key replaces an earlier one).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut f = Self::new();
        for (k, v) in pairs {
            f.insert(k, v);
        }
        f
    }

    /// Sets a raw value.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.values.insert(key.into(), value.into());
    }

    /// Whether `key` was given at all (even empty).
    pub fn contains(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }

    /// Records a mistake about `field`.
    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// Whether no mistake has been recorded so far.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
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
            let shown = truncate(&s, 40);
            self.error(
                key,
                format!("'{shown}' is not one of {}", values.join(", ")),
            );
        }
        v
    }

    /// A value of a [`StrEnum`].
    pub fn choice<T: StrEnum>(&mut self, key: &str) -> Option<T> {
        self.enumerated(key, T::from_str_exact, T::VALUES)
    }

    /// A comma list of values of a [`StrEnum`], duplicates dropped, every unknown one reported.
    pub fn choices<T: StrEnum + PartialEq>(&mut self, key: &str) -> Option<Vec<T>> {
        let items = self.list(key, T::VALUES.len() * 2)?;
        let mut out = Vec::new();
        let mut bad = Vec::new();
        for it in &items {
            match T::from_str_exact(it) {
                Some(v) if !out.contains(&v) => out.push(v),
                Some(_) => {}
                None => bad.push(truncate(it, 40)),
            }
        }
        if !bad.is_empty() {
            self.error(
                key,
                format!(
                    "'{}' is not one of {}",
                    bad.join("', '"),
                    T::VALUES.join(", ")
                ),
            );
            return None;
        }
        Some(out)
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

    /// `true` or `false` (also `1` or `0`).
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

    /// A comma list of non-empty items, at most `max` (and at most [`MAX_LIST_LEN`]) of them.
    pub fn list(&mut self, key: &str, max: usize) -> Option<Vec<String>> {
        let s = self.str(key)?;
        let items: Vec<String> = s.split(',').map(|x| x.trim().to_string()).collect();
        if items.iter().any(String::is_empty) {
            self.error(key, "empty item in comma list");
            return None;
        }
        let max = max.min(MAX_LIST_LEN);
        if items.len() > max {
            self.error(key, format!("at most {max} items"));
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

    /// A value parsed by `parse`, whose error message is recorded against `key`.
    pub fn parsed<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let s = self.str(key)?;
        match parse(&s) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(key, e);
                None
            }
        }
    }

    /// Ends reading: `Err` with every recorded mistake, if any.
    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

/// Generates a struct of raw (unchecked) string arguments with one place for its parameter
/// names and their documentation: a clap `Args` for the command line (`--name value`, the
/// doc comment as help), `NAMES` and `DOCS` for an endpoint's list of accepted parameters and
/// its OpenAPI document, and `pairs` to feed [`Fields`].
macro_rules! raw_args {
    ($(#[$m:meta])* $name:ident {
        $($(#[doc = $doc:literal])+ $(#[arg($($arg:tt)*)])? $field:ident),+ $(,)?
    }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq, ::clap::Args)]
        pub struct $name {
            $($(#[doc = $doc])+ #[arg(long $(, $($arg)*)?)] pub $field: Option<String>),+
        }
        impl $name {
            /// The parameter names, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($field)),+];
            /// One description per name (the doc comment).
            pub const DOCS: &'static [&'static str] = &[$(concat!($($doc),+)),+];
            /// The given values as (name, raw value) pairs.
            pub fn pairs(&self) -> Vec<(&'static str, String)> {
                let mut v = Vec::new();
                $(if let Some(x) = &self.$field { v.push((stringify!($field), x.clone())); })+
                v
            }
        }
    };
}
pub(crate) use raw_args;

/// Concatenates lists of names at compile time (for an endpoint's list of accepted
/// parameters, built from the shared argument types). `N` must be the total length.
pub const fn concat_names<const N: usize>(parts: &[&[&'static str]]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut k = 0;
    let mut i = 0;
    while i < parts.len() {
        let mut j = 0;
        while j < parts[i].len() {
            out[k] = parts[i][j];
            k += 1;
            j += 1;
        }
        i += 1;
    }
    assert!(k == N, "concat_names: N is not the total length");
    out
}

/// The command line's parser of a [`str_enum!`](crate::fields::str_enum) value: clap's
/// [`ValueEnum`](clap::ValueEnum) parser over the same enum (every `str_enum!` implements it
/// from its one list of spellings), handing the spelling on as a string, so the value then
/// goes through the one shared reader ([`Fields`]) like every other door's. `--help` lists
/// the values (`[possible values: …]`), and a value not among them is a usage error (exit 2)
/// naming the allowed values, as clap reports it.
///
/// # Example
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Args {
///     #[arg(long, value_parser = corridor::fields::spelling_parser::<corridor::cost::Measure>())]
///     optimize: Option<String>,
/// }
/// let a = Args::try_parse_from(["x", "--optimize", "co2"]).unwrap();
/// assert_eq!(a.optimize.as_deref(), Some("co2"));
/// let e = Args::try_parse_from(["x", "--optimize", "speed"]).err().unwrap();
/// assert_eq!(e.exit_code(), 2);
/// assert!(e.to_string().contains("distance, time, cost, co2"));
/// ```
pub fn spelling_parser<T>() -> impl clap::builder::TypedValueParser<Value = String>
where
    T: StrEnum + clap::ValueEnum + Send + Sync + 'static,
{
    use clap::builder::TypedValueParser as _;
    clap::builder::EnumValueParser::<T>::new().map(|v: T| v.spelling().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    str_enum!(
        /// A test enum.
        #[derive(Default)]
        Colour {
            Red = "red",
            #[default]
            Green = "green",
        }
    );

    #[test]
    fn enum_round_trips_and_reports() {
        for c in Colour::ALL {
            assert_eq!(Colour::parse(c.as_str()), Some(*c));
        }
        assert_eq!(Colour::default(), Colour::Green);
        assert_eq!(Colour::VALUES, ["red", "green"]);
        assert_eq!(Colour::Red.to_string(), "red");
        let mut f = Fields::from_pairs([("c", "blue")]);
        assert_eq!(f.choice::<Colour>("c"), None);
        let e = f.finish().unwrap_err();
        assert_eq!(e[0].field, "c");
        assert_eq!(e[0].message, "'blue' is not one of red, green");
    }

    #[test]
    fn every_problem_is_gathered() {
        let mut f = Fields::from_pairs([("a", "x"), ("b", ""), ("p", "0,100")]);
        assert_eq!(f.number("a", 0.0..=1.0), None);
        assert_eq!(f.str("b"), None);
        assert_eq!(f.lon_lat("p"), None);
        assert_eq!(f.required("missing"), None);
        assert_eq!(f.finish().unwrap_err().len(), 4);
    }

    #[test]
    fn lists_are_capped() {
        let long = vec!["x"; MAX_LIST_LEN + 1].join(",");
        let mut f = Fields::from_pairs([("l", long)]);
        assert_eq!(f.list("l", usize::MAX), None);
        assert!(!f.is_ok());
    }

    #[test]
    fn suggestions_and_hints() {
        let s = suggest(
            "ulan ude",
            [("ru-ulan-ude", "Ulan-Ude"), ("cn-x", "X")].into_iter(),
        );
        assert_eq!(s, vec!["ru-ulan-ude".to_string()]);
        assert_eq!(
            closest("optimise", &["optimize", "mode"], PARAMETER_SIMILARITY),
            Some("optimize")
        );
        assert_eq!(truncate("αβγ", 2), "αβ");
    }
}
