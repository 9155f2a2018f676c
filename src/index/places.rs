//! The place resolver: one index of every name of every node, built once per snapshot, that
//! every endpoint and the command line use to turn what a person typed into a node.
//!
//! Names are **folded** before they are compared ([`fold`]): Unicode NFKD with the combining
//! marks dropped (`Ürümqi` → `urumqi`, `Ölgii` → `olgii`, `Гусиноозёрск` → `гусиноозерск`),
//! lower case, and every character that is not a letter or a digit removed, so hyphens,
//! spaces, apostrophes and parentheses are all equivalent (`Ulan Ude` = `Ulan-Ude` = `UlanUde`).
//!
//! Each node contributes its id, its `name`, its `name_local`, every `alt_names` item, and the
//! parts of a name written `Main (Other)` (`Tianjin port (Xingang)` gives `Tianjin port` and
//! `Xingang`). The keys are kept sorted, so an exact name is a binary search and a prefix a
//! binary search plus the run of keys that start with it; fuzzy candidates (for suggestions and
//! type-ahead) come from a trigram map, never from a scan of every name.
//!
//! Resolution ([`PlaceIndex::resolve`]) never guesses between two real places: an exact
//! (folded) name, else a prefix, must stand for one place once the nodes not serving the
//! request's mode are set aside; several places are [`Resolution::Ambiguous`] with every
//! candidate. The one exception is a node and the terminals or stations of the same place: a
//! city (or, with no city, a border point, station, port or junction) with only lesser nodes
//! within [`SAME_PLACE_KM`] is that place (`Zamyn` is the border town, not its transshipment
//! yards). A misspelling is never resolved: fuzzy matches are only offered, ranked by
//! confidence, as suggestions.

use std::collections::BTreeMap;

use geo::{Distance, Haversine};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::network::{Network, NodeKind};

/// Nodes within this distance (km) of each other with the same name are one place: a town and
/// its station or terminal.
pub const SAME_PLACE_KM: f64 = 30.0;
/// Smallest confidence of a fuzzy match offered as a suggestion or type-ahead answer.
pub const MIN_FUZZY_CONFIDENCE: f64 = 0.75;
/// Most candidates listed for an ambiguous name.
pub const MAX_CANDIDATES: usize = 10;

/// Folds a name for comparison: NFKD, combining marks dropped, lower case, only letters and
/// digits kept.
///
/// # Example
/// ```
/// use corridor::index::fold;
/// assert_eq!(fold("Ürümqi"), "urumqi");
/// assert_eq!(fold("Ulan-Ude"), fold("ulan ude"));
/// assert_eq!(fold("Улан-Удэ"), "уланудэ");
/// ```
pub fn fold(s: &str) -> String {
    s.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Which name of a node matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameSource {
    /// The node id.
    Id,
    /// The English `name` (or a part of it written in parentheses).
    Name,
    /// `name_local`.
    NameLocal,
    /// One of `alt_names`.
    AltName,
}

/// How a query matched a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The node id, as written.
    Id,
    /// A whole name, after folding.
    Exact,
    /// The beginning of a name, after folding.
    Prefix,
    /// A similar name (Jaro–Winkler on the folded names); offered, never resolved.
    Fuzzy,
}

/// One node a query matched, with the name that matched and how well.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceMatch {
    /// Index into [`Network::nodes`].
    #[serde(skip)]
    pub node_ix: usize,
    /// The name that matched, as the data writes it.
    pub matched: String,
    /// Which of the node's names it is.
    pub source: NameSource,
    /// How it matched.
    pub kind: MatchKind,
    /// 1 for an id or a name written exactly (any case); 0.95 for a name equal after folding;
    /// for a prefix, 0.5 + 0.45 × (typed length / name length); for a fuzzy match, 0.9 × the
    /// Jaro–Winkler similarity of the folded names.
    pub confidence: f64,
}

/// What a query resolves to.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// One place.
    Found(PlaceMatch),
    /// Several places; every candidate (up to [`MAX_CANDIDATES`]), best first.
    Ambiguous(Vec<PlaceMatch>),
    /// Nothing: the closest names (fuzzy), best first.
    Unknown(Vec<PlaceMatch>),
}

#[derive(Debug, Clone)]
struct Entry {
    key: String,
    node: u32,
    source: NameSource,
    label: String,
}

/// Every name of every node, folded and sorted (see the module documentation).
#[derive(Debug, Default)]
pub struct PlaceIndex {
    entries: Vec<Entry>,
    grams: BTreeMap<[char; 3], Vec<u32>>,
}

/// The names a written name stands for: itself, and for `Main (Other)` also `Main` and `Other`.
fn name_parts(s: &str) -> Vec<&str> {
    let mut out = vec![s];
    if let Some((main, rest)) = s.split_once('(') {
        let main = main.trim();
        let inner = rest.trim_end().trim_end_matches(')').trim();
        out.extend([main, inner].into_iter().filter(|p| !p.is_empty()));
    }
    out
}

fn trigrams(key: &str) -> Vec<[char; 3]> {
    let chars: Vec<char> = std::iter::once('^')
        .chain(key.chars())
        .chain(std::iter::once('$'))
        .collect();
    let mut out: Vec<[char; 3]> = chars.windows(3).map(|w| [w[0], w[1], w[2]]).collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn kind_rank(k: NodeKind) -> u8 {
    match k {
        NodeKind::City => 0,
        NodeKind::Terminal => 2,
        _ => 1,
    }
}

impl PlaceIndex {
    /// Folds and sorts every name of every node of `net`.
    ///
    /// # Complexity
    /// O(k log k) for k names, plus their trigrams.
    pub fn build(net: &Network) -> Self {
        let mut entries = Vec::new();
        for (ix, n) in net.nodes().iter().enumerate() {
            let node = ix as u32;
            let mut add = |label: &str, source: NameSource| {
                let key = fold(label);
                if !key.is_empty() {
                    entries.push(Entry {
                        key,
                        node,
                        source,
                        label: label.to_string(),
                    });
                }
            };
            add(&n.id.0, NameSource::Id);
            for p in name_parts(&n.name) {
                add(p, NameSource::Name);
            }
            if let Some(l) = &n.name_local {
                for p in name_parts(l) {
                    add(p, NameSource::NameLocal);
                }
            }
            for a in &n.alt_names {
                add(a, NameSource::AltName);
            }
        }
        entries.sort_by(|a, b| {
            (a.key.as_str(), a.node, a.source).cmp(&(b.key.as_str(), b.node, b.source))
        });
        entries.dedup_by(|a, b| a.key == b.key && a.node == b.node);
        let mut grams: BTreeMap<[char; 3], Vec<u32>> = BTreeMap::new();
        for (i, e) in entries.iter().enumerate() {
            for g in trigrams(&e.key) {
                grams.entry(g).or_default().push(i as u32);
            }
        }
        Self { entries, grams }
    }

    /// How many names are indexed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no name is indexed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn exact(&self, key: &str) -> &[Entry] {
        let lo = self.entries.partition_point(|e| e.key.as_str() < key);
        let hi = lo + self.entries[lo..].partition_point(|e| e.key == key);
        &self.entries[lo..hi]
    }

    fn prefixed(&self, key: &str) -> &[Entry] {
        let lo = self.entries.partition_point(|e| e.key.as_str() < key);
        let hi = lo + self.entries[lo..].partition_point(|e| e.key.starts_with(key));
        &self.entries[lo..hi]
    }

    /// Best match per node, best first (ties by node order).
    fn per_node(mut found: Vec<PlaceMatch>) -> Vec<PlaceMatch> {
        found.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then(a.node_ix.cmp(&b.node_ix))
        });
        let mut seen = std::collections::HashSet::new();
        found.retain(|m| seen.insert(m.node_ix));
        found
    }

    fn exact_matches(&self, q: &str, key: &str) -> Vec<PlaceMatch> {
        let lower = q.trim().to_lowercase();
        Self::per_node(
            self.exact(key)
                .iter()
                .map(|e| PlaceMatch {
                    node_ix: e.node as usize,
                    matched: e.label.clone(),
                    source: e.source,
                    kind: if e.source == NameSource::Id {
                        MatchKind::Id
                    } else {
                        MatchKind::Exact
                    },
                    confidence: if e.label.to_lowercase() == lower {
                        1.0
                    } else {
                        0.95
                    },
                })
                .collect(),
        )
    }

    fn prefix_matches(&self, key: &str) -> Vec<PlaceMatch> {
        let typed = key.chars().count() as f64;
        Self::per_node(
            self.prefixed(key)
                .iter()
                .map(|e| PlaceMatch {
                    node_ix: e.node as usize,
                    matched: e.label.clone(),
                    source: e.source,
                    kind: MatchKind::Prefix,
                    confidence: 0.5 + 0.45 * typed / e.key.chars().count().max(1) as f64,
                })
                .collect(),
        )
    }

    /// Names similar to `key` (sharing at least one trigram), scored by Jaro–Winkler.
    fn fuzzy_matches(&self, key: &str) -> Vec<PlaceMatch> {
        let mut candidates: Vec<u32> = trigrams(key)
            .iter()
            .filter_map(|g| self.grams.get(g))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        Self::per_node(
            candidates
                .into_iter()
                .map(|i| &self.entries[i as usize])
                .map(|e| PlaceMatch {
                    node_ix: e.node as usize,
                    matched: e.label.clone(),
                    source: e.source,
                    kind: MatchKind::Fuzzy,
                    confidence: 0.9 * strsim::jaro_winkler(key, &e.key),
                })
                .filter(|m| m.confidence >= MIN_FUZZY_CONFIDENCE)
                .collect(),
        )
    }

    /// Type-ahead: up to `limit` nodes whose names match `q`, exact matches first, then
    /// prefixes, then similar names, each ranked by confidence. One answer per node.
    pub fn search(&self, q: &str, limit: usize) -> Vec<PlaceMatch> {
        let key = fold(q);
        if key.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut out = self.exact_matches(q, &key);
        let push = |more: Vec<PlaceMatch>, out: &mut Vec<PlaceMatch>| {
            for m in more {
                if out.len() >= limit {
                    break;
                }
                if !out.iter().any(|o| o.node_ix == m.node_ix) {
                    out.push(m);
                }
            }
        };
        push(self.prefix_matches(&key), &mut out);
        push(self.fuzzy_matches(&key), &mut out);
        out.truncate(limit);
        out
    }

    /// Resolves what a person typed to one node: the id as written, else an exact folded
    /// name, else a folded prefix (see the module documentation). `usable` tells which nodes
    /// the request can use (e.g. those serving its mode): among several matches, the others
    /// are set aside (when at least one is usable).
    pub fn resolve(&self, net: &Network, q: &str, usable: impl Fn(usize) -> bool) -> Resolution {
        let q = q.trim();
        if let Some(ix) = net.node_ix(q) {
            return Resolution::Found(PlaceMatch {
                node_ix: ix,
                matched: q.to_string(),
                source: NameSource::Id,
                kind: MatchKind::Id,
                confidence: 1.0,
            });
        }
        let key = fold(q);
        if key.is_empty() {
            return Resolution::Unknown(Vec::new());
        }
        for found in [self.exact_matches(q, &key), self.prefix_matches(&key)] {
            if found.is_empty() {
                continue;
            }
            let mut pool = narrow(net, found, &usable);
            return if pool.len() == 1 {
                Resolution::Found(pool.remove(0))
            } else {
                pool.truncate(MAX_CANDIDATES);
                Resolution::Ambiguous(pool)
            };
        }
        let mut near = self.fuzzy_matches(&key);
        near.truncate(MAX_CANDIDATES);
        Resolution::Unknown(near)
    }
}

/// Sets aside unusable matches (when some are usable), then keeps one place when the rest are
/// lesser nodes of the same place (see the module documentation).
fn narrow(
    net: &Network,
    found: Vec<PlaceMatch>,
    usable: &impl Fn(usize) -> bool,
) -> Vec<PlaceMatch> {
    if found.len() < 2 {
        return found;
    }
    let (ok, not): (Vec<PlaceMatch>, Vec<PlaceMatch>) =
        found.into_iter().partition(|m| usable(m.node_ix));
    let pool = if ok.is_empty() { not } else { ok };
    if pool.len() < 2 {
        return pool;
    }
    let nodes = net.nodes();
    let best = pool
        .iter()
        .map(|m| kind_rank(nodes[m.node_ix].kind))
        .min()
        .unwrap_or(0);
    let top: Vec<&PlaceMatch> = pool
        .iter()
        .filter(|m| kind_rank(nodes[m.node_ix].kind) == best)
        .collect();
    if let [one] = top.as_slice() {
        let here = nodes[one.node_ix].point;
        let same_place = pool
            .iter()
            .all(|m| Haversine::distance(here, nodes[m.node_ix].point) / 1000.0 <= SAME_PLACE_KM);
        if same_place {
            return vec![(*one).clone()];
        }
    }
    pool
}

/// The candidates as a person reads them: `'cn-erenhot' (Erenhot, CN, border_point)`, …
pub fn describe(net: &Network, found: &[PlaceMatch]) -> String {
    found
        .iter()
        .map(|m| {
            let n = &net.nodes()[m.node_ix];
            format!(
                "'{}' ({}, {}, {})",
                n.id,
                n.name,
                n.country,
                n.kind.as_str()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_equates_what_people_type() {
        assert_eq!(fold("Ürümqi"), "urumqi");
        assert_eq!(fold("ÖLGII"), "olgii");
        assert_eq!(fold("Ulan Ude"), fold("Ulan-Ude"));
        assert_eq!(fold("Ul'khun"), fold("Ulkhun"));
        assert_eq!(fold("Гусиноозёрск"), "гусиноозерск");
        assert_eq!(fold("塔城 巴克图"), "塔城巴克图");
        assert_eq!(fold("Ｂｅｉｊｉｎｇ"), "beijing");
    }

    #[test]
    fn names_in_parentheses_are_names_too() {
        assert_eq!(
            name_parts("Tianjin port (Xingang)"),
            vec!["Tianjin port (Xingang)", "Tianjin port", "Xingang"]
        );
        assert_eq!(name_parts("Omsk"), vec!["Omsk"]);
    }
}
