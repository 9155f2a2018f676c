//! Importing a pgRouting edge table (`id` or `gid`, `source`, `target`, `cost`,
//! `reverse_cost`, `the_geom`, plus tag columns as osm2pgrouting writes them) into
//! Corridor's schema.
//!
//! Each edge becomes a link `pgr-<id>` from node `pgr-v<source>` to `pgr-v<target>`; each
//! vertex a node at its edges' end point. pgRouting's convention for one-way edges (a
//! negative `reverse_cost`) becomes `oneway: true`. Corridor's required fields that a
//! pgRouting table does not hold come from options (`mode`, `country`, `speed_kmh`) and
//! are marked as such in each feature's `source`; any column can be mapped onto a field
//! (`--map maxspeed_forward=speed_kmh --map name=name`). The result is validated as any
//! other data before it replaces the tables; what could not be mapped is reported.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use tokio_postgres::Client;

use super::DbError;
use super::load::{self, Stored};
use crate::network::source::Fetched;
use crate::network::{LinkKind, Mode};

/// How to read the edge table.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// `table` or `schema.table` (plain identifiers only).
    pub table: String,
    /// Column → Corridor link property, applied after the defaults.
    pub map: Vec<(String, String)>,
    /// The mode of every link.
    pub mode: Mode,
    /// ISO 3166-1 alpha-2 code of every vertex, when no column says it.
    pub country: Option<String>,
    /// Speed of every link when no column is mapped onto `speed_kmh`.
    pub speed_kmh: f64,
    /// Gauge of rail links.
    pub gauge_mm: Option<u32>,
}

/// What an import did and could not do.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportReport {
    /// Rows stored.
    pub stored: Option<Stored>,
    /// Columns present in the table but neither read nor mapped.
    pub unmapped_columns: Vec<String>,
    /// Rows skipped, each with why (`id 17: geometry is a MultiLineString`).
    pub skipped_rows: Vec<String>,
    /// Fields filled from an option rather than the table, for every feature.
    pub defaulted_fields: Vec<String>,
}

/// The columns the import reads itself.
const READ: &[&str] = &[
    "id",
    "gid",
    "source",
    "target",
    "cost",
    "reverse_cost",
    "the_geom",
    "geom",
];

fn ident(part: &str) -> Result<String, DbError> {
    let ok = part
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(format!("\"{part}\""))
    } else {
        Err(DbError::Refused(format!(
            "--table: {part:?} is not a plain identifier (letters, digits, _)"
        )))
    }
}

/// Reads the edge table and converts it to Corridor's documents.
///
/// # Errors
/// [`DbError::Refused`] for a missing table or required column, or when nothing could be
/// mapped; [`DbError::Query`].
pub async fn read(
    client: &Client,
    opts: &ImportOptions,
) -> Result<(Fetched, ImportReport), DbError> {
    let (schema, table) = match opts.table.split_once('.') {
        Some((s, t)) => (Some(s), t),
        None => (None, opts.table.as_str()),
    };
    let quoted = match schema {
        Some(s) => format!("{}.{}", ident(s)?, ident(table)?),
        None => ident(table)?,
    };
    let cols: Vec<String> = client
        .query(
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema::text = coalesce($1::text, current_schema()::text) \
               AND table_name::text = $2::text \
             ORDER BY ordinal_position",
            &[&schema, &table],
        )
        .await
        .map_err(|e| DbError::query("listing the table's columns", &e))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if cols.is_empty() {
        return Err(DbError::Refused(format!(
            "--table: no table {} (or no column visible to this role)",
            opts.table
        )));
    }
    let has = |c: &str| cols.iter().any(|x| x == c);
    let id_col = ["id", "gid"].into_iter().find(|c| has(c));
    let geom_col = ["the_geom", "geom"].into_iter().find(|c| has(c));
    let mut missing = Vec::new();
    if id_col.is_none() {
        missing.push("id (or gid)");
    }
    for c in ["source", "target"] {
        if !has(c) {
            missing.push(c);
        }
    }
    if geom_col.is_none() {
        missing.push("the_geom (or geom)");
    }
    if !missing.is_empty() {
        return Err(DbError::Refused(format!(
            "table {} lacks the pgRouting column(s): {}",
            opts.table,
            missing.join(", ")
        )));
    }
    for (col, _) in &opts.map {
        if !has(col) {
            return Err(DbError::Refused(format!(
                "--map {col}=…: table {} has no column {col}",
                opts.table
            )));
        }
    }
    let (id_col, geom_col) = (id_col.unwrap_or("id"), geom_col.unwrap_or("the_geom"));
    let g = format!(
        "CASE WHEN ST_SRID(t.{geom}) IN (0, 4326) THEN t.{geom} ELSE ST_Transform(t.{geom}, 4326) END",
        geom = ident(geom_col)?
    );
    // Identifiers are checked and quoted above; values would be bound (there are none).
    let sql = format!(
        "SELECT (to_jsonb(t) - '{geom_col}')::text, GeometryType(t.{gq}), ST_AsGeoJSON({g}, 15), \
                ST_X(ST_StartPoint({g})), ST_Y(ST_StartPoint({g})), \
                ST_X(ST_EndPoint({g})), ST_Y(ST_EndPoint({g})) \
         FROM {quoted} t ORDER BY t.{iq}",
        gq = ident(geom_col)?,
        iq = ident(id_col)?,
    );
    let rows = client
        .query(&sql, &[])
        .await
        .map_err(|e| DbError::query(format!("reading {}", opts.table), &e))?;

    let mut report = ImportReport {
        unmapped_columns: cols
            .iter()
            .filter(|c| !READ.contains(&c.as_str()) && !opts.map.iter().any(|(m, _)| m == *c))
            .cloned()
            .collect(),
        ..Default::default()
    };
    report.defaulted_fields.push(format!("mode={}", opts.mode));
    let mapped = |f: &str| opts.map.iter().any(|(_, to)| to == f);
    if !mapped("speed_kmh") {
        report.defaulted_fields.push(format!(
            "speed_kmh={} (estimate: --speed-kmh)",
            opts.speed_kmh
        ));
    }
    match &opts.country {
        Some(c) => report.defaulted_fields.push(format!("node country={c}")),
        None => report
            .defaulted_fields
            .push("node country: none given (pass --country)".into()),
    }

    let kind = match opts.mode {
        Mode::Rail => LinkKind::Line,
        Mode::Road => LinkKind::Road,
    };
    let mut vertices: BTreeMap<i64, (f64, f64)> = BTreeMap::new();
    let mut links = Vec::new();
    for row in &rows {
        let attrs: Map<String, Value> = serde_json::from_str(row.get::<_, &str>(0))
            .ok()
            .and_then(|v: Value| v.as_object().cloned())
            .unwrap_or_default();
        let id = attrs.get(id_col).map(Value::to_string).unwrap_or_default();
        let gtype: Option<String> = row.get(1);
        if gtype.as_deref() != Some("LINESTRING") {
            report.skipped_rows.push(format!(
                "{id_col} {id}: geometry is {}, not a LineString",
                gtype.as_deref().unwrap_or("NULL")
            ));
            continue;
        }
        let (Some(source), Some(target)) = (
            attrs.get("source").and_then(Value::as_i64),
            attrs.get("target").and_then(Value::as_i64),
        ) else {
            report
                .skipped_rows
                .push(format!("{id_col} {id}: source or target is not an integer"));
            continue;
        };
        let coords = |i: usize, j: usize| -> Option<(f64, f64)> {
            Some((row.get::<_, Option<f64>>(i)?, row.get::<_, Option<f64>>(j)?))
        };
        if let Some(p) = coords(3, 4) {
            vertices.entry(source).or_insert(p);
        }
        if let Some(p) = coords(5, 6) {
            vertices.entry(target).or_insert(p);
        }
        let geometry: Value = serde_json::from_str(row.get::<_, &str>(2)).unwrap_or(Value::Null);
        let reverse = attrs.get("reverse_cost").and_then(Value::as_f64);
        let mut props = json!({
            "id": format!("pgr-{id}"),
            "from": format!("pgr-v{source}"),
            "to": format!("pgr-v{target}"),
            "mode": opts.mode,
            "kind": kind,
            "status": "open",
            "speed_kmh": opts.speed_kmh,
            "speed_note": "estimate: the import's --speed-kmh, not from the pgRouting table",
            "source": format!("pgRouting table {}, {id_col} {id}", opts.table),
        });
        if reverse.is_some_and(|r| r < 0.0) {
            props["oneway"] = Value::Bool(true);
        }
        if let Some(g) = opts.gauge_mm.filter(|_| opts.mode == Mode::Rail) {
            props["gauge_mm"] = json!(g);
        }
        for (col, field) in &opts.map {
            match attrs.get(col) {
                Some(Value::Null) | None => {}
                Some(v) => {
                    props[field.as_str()] = v.clone();
                    if field == "speed_kmh" {
                        props["speed_note"] = json!(format!("column {col} of {}", opts.table));
                    }
                }
            }
        }
        links.push(json!({"type": "Feature", "properties": props, "geometry": geometry}));
    }
    if links.is_empty() {
        return Err(DbError::Refused(format!(
            "no edge of {} could be mapped ({} rows skipped)",
            opts.table,
            report.skipped_rows.len()
        )));
    }
    let nodes: Vec<Value> = vertices
        .iter()
        .map(|(v, (x, y))| {
            let mut p = json!({
                "id": format!("pgr-v{v}"),
                "name": format!("vertex {v}"),
                "kind": "junction",
                "modes": [opts.mode],
                "intermodal": false,
                "source": format!("pgRouting table {}, vertex {v} (position: its edges' end point)", opts.table),
            });
            if let Some(c) = &opts.country {
                p["country"] = json!(c);
            }
            if let Some(g) = opts.gauge_mm.filter(|_| opts.mode == Mode::Rail) {
                p["gauge_mm"] = json!(g);
            }
            json!({"type": "Feature", "properties": p,
                   "geometry": {"type": "Point", "coordinates": [x, y]}})
        })
        .collect();
    let fc = |name: &str, features: Vec<Value>| {
        json!({"type": "FeatureCollection", "name": name, "features": features}).to_string()
    };
    Ok((
        Fetched {
            origin: format!("pgRouting table {}", opts.table),
            nodes: fc("nodes", nodes),
            links: fc("links", links),
            folders: Vec::new(),
        },
        report,
    ))
}

/// Reads, validates (every problem listed, nothing stored when any) and stores.
///
/// # Errors
/// As [`read`]; [`DbError::Load`] when the mapped network is invalid.
pub async fn import(client: &mut Client, opts: &ImportOptions) -> Result<ImportReport, DbError> {
    let (fetched, mut report) = read(client, opts).await?;
    load::validate(fetched.clone())?;
    report.stored = Some(load::store(client, &fetched).await?);
    Ok(report)
}
