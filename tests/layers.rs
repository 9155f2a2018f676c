//! Layering: reads every file under `src/` and fails, naming file:line, when a module uses a
//! module of a layer above its own, when two modules of one layer use each other (a cycle),
//! or when `http` and `cli` use each other.
//!
//! Layers, low to high (README "Architecture", issue 10):
//!
//! ```text
//! fields < network < index = cost < route = capacity (= snapshot) < output < http = cli
//! ```
//!
//! Paths detected: `crate::x…`, `$crate::x…`, `use crate::{x::…, y::…}` groups (nested), and
//! `super::…` paths (resolved against the file's module path and any inline `mod m { … }`)
//! that leave the module. Comments and string literals are ignored. A root item re-exported
//! by `lib.rs` (`crate::Network`) or an exported macro (`crate::corridor_app!`) counts as the
//! module that defines it. A top-level module missing from [`LAYERS`] is itself an error: a
//! new module must be given a layer here.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Every top-level module of the crate and its layer (higher may use lower).
const LAYERS: &[(&str, u8)] = &[
    ("fields", 0),
    // Deadlines polled inside long loops: a leaf every layer may use.
    ("cancel", 0),
    ("network", 1),
    ("index", 2),
    ("cost", 2),
    // Importers build geodata from outside sources over `network` (issue 21).
    ("import", 2),
    ("route", 3),
    ("capacity", 3),
    // A served network plus its derived structures: domain level, below output.
    ("snapshot", 3),
    ("output", 4),
    // The PostgreSQL/PostGIS source: reads and writes the network and snapshots (issue 22).
    ("db", 4),
    ("http", 5),
    ("cli", 5),
];

/// Same-layer pairs that must not use each other in either direction.
const APART: &[(&str, &str)] = &[("http", "cli")];

/// One use of another top-level module.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Edge {
    file: String,
    line: usize,
    from: String,
    to: String,
    /// The path as written, for the report.
    path: String,
}

/// Replaces comments, string and char literals by spaces, keeping line breaks, so that only
/// code is scanned.
fn strip_comments_and_strings(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
        } else if (c == 'r' || (c == 'b' && next == Some('r')))
            && !b
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
            && {
                let start = if c == 'b' { i + 2 } else { i + 1 };
                let mut j = start;
                while b.get(j) == Some(&'#') {
                    j += 1;
                }
                b.get(j) == Some(&'"')
            }
        {
            // Raw string: r#"…"#, br"…".
            let start = if c == 'b' { i + 2 } else { i + 1 };
            let mut j = start;
            while b.get(j) == Some(&'#') {
                j += 1;
            }
            let hashes = j - start;
            for _ in i..=j {
                out.push(' ');
            }
            i = j + 1;
            while i < b.len() {
                if b[i] == '"' && (1..=hashes).all(|k| b.get(i + k) == Some(&'#')) {
                    for _ in 0..=hashes {
                        out.push(' ');
                    }
                    i += hashes + 1;
                    break;
                }
                out.push(blank(b[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < b.len() {
                if b[i] == '\\' {
                    out.push(' ');
                    if let Some(&e) = b.get(i + 1) {
                        out.push(blank(e));
                    }
                    i += 2;
                } else if b[i] == '"' {
                    out.push(' ');
                    i += 1;
                    break;
                } else {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{1F}', '"'), or a lifetime ('a) left as is.
            if next == Some('\\') {
                let mut j = i + 2;
                while j < b.len() && b[j] != '\'' {
                    j += 1;
                }
                for _ in i..=j.min(b.len() - 1) {
                    out.push(' ');
                }
                i = j + 1;
            } else if b.get(i + 2) == Some(&'\'') {
                out.push_str("   ");
                i += 3;
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The module path of a file under `src/`: `http/route.rs` → `[http, route]`,
/// `http/mod.rs` → `[http]`, `snapshot.rs` → `[snapshot]`.
fn module_path(rel: &str) -> Vec<String> {
    let rel = rel.trim_end_matches(".rs");
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Reads an identifier starting at `i` (after whitespace).
fn ident_at(b: &[char], mut i: usize) -> (String, usize) {
    while i < b.len() && b[i].is_whitespace() {
        i += 1;
    }
    let start = i;
    while i < b.len() && is_ident(b[i]) {
        i += 1;
    }
    (b[start..i].iter().collect(), i)
}

/// Skips `::` (with whitespace around) at `i`; returns the index after it.
fn colons_at(b: &[char], mut i: usize) -> Option<usize> {
    while i < b.len() && b[i].is_whitespace() {
        i += 1;
    }
    (b.get(i) == Some(&':') && b.get(i + 1) == Some(&':')).then_some(i + 2)
}

/// The first segment of every item of a `{…}` use group starting at `open` (the `{`),
/// recursing into groups at the first segment (`{a::{..}}` still names `a`).
fn group_heads(b: &[char], open: usize) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut at_item_start = true;
    let mut i = open;
    while i < b.len() {
        let c = b[i];
        match c {
            '{' => {
                depth += 1;
                at_item_start = depth == 1;
                i += 1;
            }
            '}' => {
                depth -= 1;
                i += 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => {
                at_item_start = true;
                i += 1;
            }
            c if at_item_start && depth == 1 && is_ident(c) => {
                let (id, j) = ident_at(b, i);
                heads.push(id);
                at_item_start = false;
                i = j;
            }
            _ => i += 1,
        }
    }
    heads
}

/// What the crate root (`lib.rs`) re-exports or defines: root item name → module.
fn root_items(files: &[(String, String)]) -> HashMap<String, String> {
    let mut items = HashMap::new();
    for (rel, text) in files {
        let code = strip_comments_and_strings(text);
        if rel == "lib.rs" {
            for line in code.lines() {
                let l = line.trim();
                if let Some(rest) = l.strip_prefix("pub use ") {
                    let rest = rest.trim_end_matches(';');
                    let module = rest.split("::").next().unwrap_or("").trim().to_string();
                    let name = rest
                        .rsplit("::")
                        .next()
                        .unwrap_or("")
                        .rsplit(" as ")
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_string();
                    items.insert(name, module);
                }
            }
        } else if let Some(top) = module_path(rel).first() {
            // #[macro_export] macros live at the crate root.
            for (k, _) in code.match_indices("macro_rules!") {
                let b: Vec<char> = code[k + "macro_rules!".len()..].chars().collect();
                let (name, _) = ident_at(&b, 0);
                items.insert(name, top.clone());
            }
        }
    }
    items
}

/// Every use of another top-level module in one file.
fn edges_of(rel: &str, text: &str, root: &HashMap<String, String>) -> Vec<Edge> {
    let base = module_path(rel);
    let Some(top) = base.first().cloned() else {
        return Vec::new();
    };
    let code = strip_comments_and_strings(text);
    let b: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    // Inline `mod name {`: (name, brace depth inside it).
    let mut inline: Vec<(String, i32)> = Vec::new();
    let mut depth = 0i32;
    let mut pending_mod: Option<String> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == '\n' {
            line += 1;
            i += 1;
            continue;
        }
        if c == '{' {
            depth += 1;
            if let Some(name) = pending_mod.take() {
                inline.push((name, depth));
            }
            i += 1;
            continue;
        }
        if c == ';' {
            pending_mod = None;
        }
        if c == '}' {
            if inline.last().is_some_and(|(_, d)| *d == depth) {
                inline.pop();
            }
            depth -= 1;
            i += 1;
            continue;
        }
        let word_start = is_ident(c) && (i == 0 || !(is_ident(b[i - 1]) || b[i - 1] == '$'));
        if c == '$' || word_start {
            let (first, j) = ident_at(&b, if c == '$' { i + 1 } else { i });
            if c == '$' && first != "crate" {
                i = j.max(i + 1);
                continue;
            }
            if first == "mod" {
                let (name, k) = ident_at(&b, j);
                pending_mod = (!name.is_empty()).then_some(name);
                i = k.max(j);
                continue;
            }
            let preceded_by_colons = i >= 2 && b[i - 1] == ':' && b[i - 2] == ':';
            if (first == "crate" || first == "super") && !preceded_by_colons {
                let start_line = line;
                // Resolve the module the path starts from.
                let mut module: Vec<String> = if first == "crate" {
                    Vec::new()
                } else {
                    let mut m = base.clone();
                    m.extend(inline.iter().map(|(n, _)| n.clone()));
                    m.pop();
                    m
                };
                let mut k = j;
                let mut written = if c == '$' {
                    "$crate".to_string()
                } else {
                    first.clone()
                };
                // Further `super::` segments.
                if first == "super" {
                    while let Some(after) = colons_at(&b, k) {
                        let (seg, k2) = ident_at(&b, after);
                        if seg != "super" {
                            break;
                        }
                        module.pop();
                        written.push_str("::super");
                        k = k2;
                    }
                }
                let Some(after) = colons_at(&b, k) else {
                    i = k.max(i + 1);
                    continue;
                };
                let targets: Vec<String> = if !module.is_empty() {
                    // Still inside a top-level module: that module is the target.
                    let (seg, _) = ident_at(&b, after);
                    written.push_str(&format!("::{seg}"));
                    vec![module[0].clone()]
                } else {
                    let mut p = after;
                    while p < b.len() && b[p].is_whitespace() {
                        p += 1;
                    }
                    if b.get(p) == Some(&'{') {
                        let heads = group_heads(&b, p);
                        written.push_str(&format!("::{{{}}}", heads.join(", ")));
                        heads
                    } else {
                        let (seg, _) = ident_at(&b, p);
                        written.push_str(&format!("::{seg}"));
                        vec![seg]
                    }
                };
                for t in targets {
                    let t = if t == "self" || t.is_empty() {
                        continue;
                    } else if LAYERS.iter().any(|(m, _)| *m == t) || !root.contains_key(&t) {
                        t
                    } else {
                        root[&t].clone()
                    };
                    if t != top {
                        out.push(Edge {
                            file: format!("src/{rel}"),
                            line: start_line,
                            from: top.clone(),
                            to: t,
                            path: written.clone(),
                        });
                    }
                }
                i = after;
                continue;
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

fn layer(m: &str) -> Option<u8> {
    LAYERS.iter().find(|(n, _)| *n == m).map(|(_, l)| *l)
}

/// Every layering violation in `files` (paths relative to `src/`, contents), one line each.
fn violations(files: &[(String, String)]) -> Vec<String> {
    let root = root_items(files);
    let mut edges: Vec<Edge> = Vec::new();
    let mut out = BTreeSet::new();
    for (rel, text) in files {
        if rel == "lib.rs" || rel == "main.rs" || rel.starts_with("bin/") {
            continue;
        }
        let top = &module_path(rel)[0];
        if layer(top).is_none() {
            out.insert(format!(
                "src/{rel}:1: module `{top}` has no layer: add it to LAYERS in tests/layers.rs"
            ));
        }
        edges.extend(edges_of(rel, text, &root));
    }
    let pairs: BTreeSet<(String, String)> = edges
        .iter()
        .map(|e| (e.from.clone(), e.to.clone()))
        .collect();
    for e in &edges {
        let (Some(lf), Some(lt)) = (layer(&e.from), layer(&e.to)) else {
            if layer(&e.to).is_none() {
                out.insert(format!(
                    "{}:{}: `{}` uses `{}`, which is no known module ({})",
                    e.file, e.line, e.from, e.to, e.path
                ));
            }
            continue;
        };
        let apart = APART
            .iter()
            .any(|(a, b)| (*a == e.from && *b == e.to) || (*b == e.from && *a == e.to));
        let why = if lt > lf {
            Some(format!("`{}` is above `{}`", e.to, e.from))
        } else if apart {
            Some(format!(
                "`{}` and `{}` must not use each other",
                e.from, e.to
            ))
        } else if lt == lf && pairs.contains(&(e.to.clone(), e.from.clone())) {
            Some(format!(
                "cycle: `{}` and `{}` (one layer) use each other",
                e.from, e.to
            ))
        } else {
            None
        };
        if let Some(why) = why {
            out.insert(format!(
                "{}:{}: {} → {} via `{}`: {why}",
                e.file, e.line, e.from, e.to, e.path
            ));
        }
    }
    // By file, then line number.
    let mut v: Vec<String> = out.into_iter().collect();
    v.sort_by_key(|l| {
        let mut parts = l.splitn(3, ':');
        let file = parts.next().unwrap_or("").to_string();
        let line: usize = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        (file, line, l.clone())
    });
    v
}

fn read_src(dir: &Path, rel: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir.join(rel)).expect("read src") {
        let entry = entry.unwrap();
        let name = rel.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            read_src(dir, &name, out);
        } else if name.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(dir.join(&name)).unwrap();
            out.push((name.to_string_lossy().replace('\\', "/"), text));
        }
    }
}

#[test]
fn no_module_uses_a_layer_above_it() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    read_src(&src, Path::new(""), &mut files);
    files.sort();
    assert!(
        files.len() > 10,
        "read only {} files under src/",
        files.len()
    );
    let v = violations(&files);
    assert!(
        v.is_empty(),
        "{} layering violation(s) (fields < network < index = cost < route = capacity < output < http = cli):\n{}\n",
        v.len(),
        v.join("\n")
    );
}

// ---- the checker itself -------------------------------------------------------------------

fn check(files: &[(&str, &str)]) -> Vec<String> {
    let owned: Vec<(String, String)> = files
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    violations(&owned)
}

#[test]
fn checker_finds_upward_crate_paths() {
    let v = check(&[(
        "route/request.rs",
        "use crate::network::Node;\nfn f() {\n    let x = crate::http::params::parse_lon_lat(s);\n}\n",
    )]);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].starts_with("src/route/request.rs:3: route → http"),
        "{v:?}"
    );
}

#[test]
fn checker_reads_use_groups() {
    let v = check(&[(
        "capacity/flow.rs",
        "use crate::{\n    network::{Link, Network},\n    output::round6,\n    cost::Profile,\n};\n",
    )]);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].contains("capacity → output"), "{v:?}");
    assert!(v[0].starts_with("src/capacity/flow.rs:1:"), "{v:?}");
}

#[test]
fn checker_resolves_super_paths_and_inline_modules() {
    // `super::` inside http stays in http; `super::super::cli` from http/route.rs is the root's
    // `cli`; inside `mod tests` one more `super` is needed.
    let v = check(&[
        (
            "http/route.rs",
            "use super::{ApiError, Params};\nuse super::super::cli::load;\n",
        ),
        (
            "http/mod.rs",
            "use super::output;\nmod tests {\n    use super::super::network::X;\n    use super::super::cli::Y;\n}\n",
        ),
    ]);
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(v[0].starts_with("src/http/mod.rs:4: http → cli"), "{v:?}");
    assert!(v[1].starts_with("src/http/route.rs:2: http → cli"), "{v:?}");
}

#[test]
fn checker_ignores_comments_and_strings_but_not_macros() {
    let v = check(&[(
        "network/model.rs",
        "//! See [`crate::http`].\n/* crate::cli */ const S: &str = \"crate::output\";\nconst R: &str = r#\"crate::route\"#;\nconst C: char = '\"'; fn f<'a>() {}\nmacro_rules! m { () => { $crate::index::x() } }\n",
    )]);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].starts_with("src/network/model.rs:5: network → index"),
        "{v:?}"
    );
}

#[test]
fn checker_finds_same_layer_cycles_and_the_http_cli_pair() {
    let v = check(&[
        ("route/mod.rs", "use crate::snapshot::Snapshot;\n"),
        ("snapshot.rs", "use crate::route::SearchGraph;\n"),
        ("capacity/mod.rs", "use crate::route::Route;\n"),
        ("cli/mod.rs", "use crate::http::ServerConfig;\n"),
        ("index/mod.rs", "use crate::cost::Profile;\n"),
    ]);
    // route ↔ snapshot both ways; cli → http; capacity → route and index → cost are allowed.
    assert_eq!(v.len(), 3, "{v:?}");
    assert!(
        v.iter()
            .any(|l| l.contains("route → snapshot") && l.contains("cycle"))
    );
    assert!(
        v.iter()
            .any(|l| l.contains("snapshot → route") && l.contains("cycle"))
    );
    assert!(
        v.iter()
            .any(|l| l.contains("cli → http") && l.contains("must not"))
    );
}

#[test]
fn checker_resolves_root_reexports_and_flags_unknown_modules() {
    let v = check(&[
        ("lib.rs", "pub mod network;\npub use snapshot::Snapshot;\n"),
        ("network/mod.rs", "fn f(s: &crate::Snapshot) {}\n"),
        ("geo_extra.rs", "use crate::network::Network;\n"),
    ]);
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(v.iter().any(|l| l.contains("network → snapshot")), "{v:?}");
    assert!(
        v.iter().any(|l| l.contains("`geo_extra` has no layer")),
        "{v:?}"
    );
}
