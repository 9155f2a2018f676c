//! Reading the tables as a network source, and writing geodata into them.
//!
//! A feature is stored as typed columns (what QGIS users edit) plus `props` (jsonb, every
//! other property) and `geom` (PostGIS, EPSG:4326). Reading streams each table with
//! `COPY (SELECT …) TO STDOUT (FORMAT binary)`: per row the properties as JSON text
//! (`props || typed columns`, built in SQL) and the geometry as WKB, which Corridor writes as
//! GeoJSON ([`wire`]); the rows become one FeatureCollection per table, the document a file
//! holds. All tables are read in one repeatable-read transaction, so a reader never sees half
//! an edit. The result is a [`Source::Fetched`], validated by the same code as files;
//! problems are then relocated to table, id and column.
//!
//! Writing is `COPY … FROM STDIN` (text format): each feature parsed on its own, typed
//! columns taken out of its properties, its geometry sent as hex EWKB (SRID 4326). Building
//! the tables from one GeoJSON parameter in SQL (`jsonb_array_elements`) failed beyond
//! PostgreSQL's 256 MB jsonb limit (a 10⁵-node network) and took about a minute below it.

use std::sync::Arc;

use serde_json::Value;
use serde_json::value::RawValue;
use tokio_postgres::Client;

use super::DbError;
use super::wire::{self, CopyRow};
use crate::network::source::{Fetched, Source};
use crate::network::{LINKS_FILE, LoadError, NODES_FILE, Problem};
use crate::snapshot::Snapshot;

/// Node properties held in typed columns (property name = column name).
pub const NODE_TYPED: &[&str] = &["id", "name", "country", "kind", "gauge_mm"];

/// Link properties held in typed columns: (property, column). `capacity.value` and
/// `capacity.unit` are the two members of the `capacity` object.
pub const LINK_TYPED: &[(&str, &str)] = &[
    ("id", "id"),
    ("from", "from_node"),
    ("to", "to_node"),
    ("mode", "mode"),
    ("kind", "kind"),
    ("status", "status"),
    ("gauge_mm", "gauge_mm"),
    ("speed_kmh", "speed_kmh"),
    ("dwell_h", "dwell_h"),
    ("capacity.value", "capacity_value"),
    ("capacity.unit", "capacity_unit"),
];

/// Each node as (properties as JSON text, geometry as ISO WKB), in feature order: the typed
/// columns overlay `props` in SQL (cheap, per row), the geometry is converted in Corridor.
const NODES_COPY: &str = "COPY (SELECT (props || jsonb_strip_nulls(jsonb_build_object(\
         'id', id, 'name', name, 'country', country, 'kind', kind, 'gauge_mm', gauge_mm)))::text, \
     ST_AsBinary(geom) \
     FROM corridor.nodes ORDER BY ord NULLS LAST, id) TO STDOUT (FORMAT binary)";

/// Each link as (properties as JSON text, geometry as ISO WKB), in feature order.
const LINKS_COPY: &str = "COPY (SELECT (props || jsonb_strip_nulls(jsonb_build_object(\
         'id', id, 'from', from_node, 'to', to_node, 'mode', mode, 'kind', kind, \
         'status', status, 'gauge_mm', gauge_mm, 'speed_kmh', speed_kmh, 'dwell_h', dwell_h)) \
       || CASE WHEN capacity_value IS NULL AND capacity_unit IS NULL THEN '{}'::jsonb \
          ELSE jsonb_build_object('capacity', \
            CASE WHEN jsonb_typeof(props->'capacity') = 'object' THEN props->'capacity' \
                 ELSE '{}'::jsonb END \
            || jsonb_strip_nulls(jsonb_build_object('value', capacity_value, 'unit', capacity_unit))) \
          END)::text, \
     ST_AsBinary(geom) \
     FROM corridor.links ORDER BY ord NULLS LAST, id) TO STDOUT (FORMAT binary)";

const NODES_COPY_IN: &str =
    "COPY corridor.nodes (ord, id, name, country, kind, gauge_mm, props, geom) FROM STDIN";

const LINKS_COPY_IN: &str = "COPY corridor.links \
     (ord, id, from_node, to_node, mode, kind, status, gauge_mm, speed_kmh, dwell_h, \
      capacity_value, capacity_unit, props, geom) FROM STDIN";

/// The data folders stored as tables of named JSON documents: (folder, table).
pub const FOLDER_TABLES: &[(&str, &str)] = &[("scenarios", "scenarios"), ("demand", "demand")];

/// Every folder document as (folder, name, text), folders in [`FOLDER_TABLES`] order, each
/// sorted by name.
const FOLDERS_SQL: &str = "SELECT 'scenarios', name, doc::text, 0 AS k FROM corridor.scenarios \
     UNION ALL SELECT 'demand', name, doc::text, 1 FROM corridor.demand ORDER BY k, name";

/// Reads every table in one read-only, repeatable-read transaction.
///
/// # Arguments
/// - `origin`: the redacted target, kept as the source's name.
///
/// # Errors
/// [`DbError::Query`] when a table cannot be read (schema missing, no SELECT right, the
/// connection lost).
pub async fn fetch(client: &mut Client, origin: &str) -> Result<Fetched, DbError> {
    let tx = client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await
        .map_err(|e| DbError::query("starting a read transaction", &e))?;
    let nodes = read_collection(&tx, NODES_COPY, "nodes").await?;
    let links = read_collection(&tx, LINKS_COPY, "links").await?;
    // Both folders' documents in one statement (one round trip less per re-read).
    let mut folders = Vec::new();
    for row in tx
        .query(FOLDERS_SQL, &[])
        .await
        .map_err(|e| DbError::query("reading corridor.scenarios and corridor.demand", &e))?
    {
        folders.push((row.get(0), row.get(1), row.get(2)));
    }
    tx.commit()
        .await
        .map_err(|e| DbError::query("ending the read transaction", &e))?;
    Ok(Fetched {
        origin: origin.to_string(),
        nodes,
        links,
        folders,
    })
}

/// Validates fetched documents into a snapshot (network, scenarios, demand sets) exactly as
/// files are.
///
/// # Errors
/// [`LoadError::Invalid`] with every problem located by table, id and column
/// ([`relocate`]).
pub fn validate(fetched: Fetched) -> Result<Snapshot, LoadError> {
    Snapshot::load(&Source::Fetched(Arc::new(fetched))).map_err(|e| match e {
        LoadError::Invalid(problems) => {
            LoadError::Invalid(problems.into_iter().map(relocate).collect())
        }
        e => e,
    })
}

/// Reads and validates: the network a replica serves.
///
/// # Errors
/// [`DbError::Query`] when unreadable, [`DbError::Load`] when invalid.
pub async fn snapshot(client: &mut Client, origin: &str) -> Result<Snapshot, DbError> {
    let fetched = fetch(client, origin).await?;
    Ok(validate(fetched)?)
}

/// A problem found in fetched documents, located where a database user finds it: `file`
/// the table (`corridor.links`; `corridor.scenarios name=X` for a scenario), `field` the
/// column (`to_node`, `geom`, `capacity_value`) or the `props` member (`props.source`).
pub fn relocate(mut p: Problem) -> Problem {
    if p.file == NODES_FILE {
        p.file = "corridor.nodes".into();
        p.field = column_of(&p.field, |f| NODE_TYPED.contains(&f).then(|| f.to_string()));
    } else if p.file == LINKS_FILE {
        p.file = "corridor.links".into();
        p.field = column_of(&p.field, |f| {
            LINK_TYPED
                .iter()
                .find(|(prop, _)| *prop == f)
                .map(|(_, col)| col.to_string())
        });
    } else if let Some((folder, name)) = p.file.split_once('/')
        && let Some((_, table)) = FOLDER_TABLES.iter().find(|(f, _)| *f == folder)
    {
        let name = name.strip_suffix(".json").unwrap_or(name);
        p.file = format!("corridor.{table} name={name}");
        p.field = format!("doc.{}", p.field);
    }
    p
}

fn column_of(field: &str, typed: impl Fn(&str) -> Option<String>) -> String {
    if field == "geometry" || field.starts_with("geometry.") || field.starts_with("coordinates") {
        return "geom".into();
    }
    if let Some(col) = typed(field) {
        return col;
    }
    if field.is_empty() || field.starts_with('(') {
        return field.to_string();
    }
    format!("props.{field}")
}

/// Counts of what [`store`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Stored {
    /// Rows in `corridor.nodes`.
    pub nodes: u64,
    /// Rows in `corridor.links`.
    pub links: u64,
    /// Rows in `corridor.scenarios`.
    pub scenarios: u64,
    /// Rows in `corridor.demand`.
    pub demand: u64,
}

/// The documents of a file source (the embedded data or a directory), as [`store`] takes
/// them, after checking they validate (a database is never loaded with invalid data).
///
/// # Errors
/// [`LoadError`] listing every problem.
pub fn read_source(source: &Source) -> Result<Fetched, LoadError> {
    Snapshot::load(source)?;
    let docs = source.documents()?;
    let mut folders = Vec::new();
    for d in crate::network::scenario::documents(source)?
        .into_iter()
        .chain(crate::capacity::demand::documents(source)?)
    {
        let (folder, file) = d.file.split_once('/').unwrap_or(("", &d.file));
        let name = file.strip_suffix(".json").unwrap_or(file);
        folders.push((folder.to_string(), name.to_string(), d.text.into_owned()));
    }
    Ok(Fetched {
        origin: source.to_string(),
        nodes: docs.nodes.into_owned(),
        links: docs.links.into_owned(),
        folders,
    })
}

/// Replaces the contents of every table with `docs`, in one transaction (one
/// `corridor_changed` notification at commit; readers see the old or the new network,
/// never a mix). Values travel as bound parameters only.
///
/// # Errors
/// [`DbError::Query`] (nothing is changed).
pub async fn store(client: &mut Client, docs: &Fetched) -> Result<Stored, DbError> {
    let tx = client
        .transaction()
        .await
        .map_err(|e| DbError::query("starting the load transaction", &e))?;
    tx.batch_execute(
        "TRUNCATE corridor.nodes, corridor.links, corridor.scenarios, corridor.demand",
    )
    .await
    .map_err(|e| DbError::query("emptying the corridor tables", &e))?;
    let nodes = write_collection(&tx, NODES_COPY_IN, "nodes", &docs.nodes, node_row).await?;
    let links = write_collection(&tx, LINKS_COPY_IN, "links", &docs.links, link_row).await?;
    let (mut scenarios, mut demand) = (0, 0);
    for (folder, name, text) in &docs.folders {
        let Some((_, table)) = FOLDER_TABLES.iter().find(|(f, _)| f == folder) else {
            continue;
        };
        let sql =
            format!("INSERT INTO corridor.{table} (name, doc) VALUES ($1, ($2::text)::jsonb)");
        tx.execute(&sql, &[name, text])
            .await
            .map_err(|e| DbError::query(format!("inserting {folder}/{name}.json"), &e))?;
        if *table == "scenarios" {
            scenarios += 1;
        } else {
            demand += 1;
        }
    }
    tx.commit()
        .await
        .map_err(|e| DbError::query("committing the load", &e))?;
    Ok(Stored {
        nodes,
        links,
        scenarios,
        demand,
    })
}

/// Streams one table (`COPY … TO STDOUT (FORMAT binary)`: properties as JSON text, geometry
/// as WKB) into a GeoJSON FeatureCollection, the document a file would hold.
async fn read_collection(
    tx: &tokio_postgres::Transaction<'_>,
    sql: &str,
    name: &str,
) -> Result<String, DbError> {
    use futures_util::StreamExt;
    use tokio_postgres::binary_copy::BinaryCopyOutStream;
    use tokio_postgres::types::Type;

    let what = || format!("reading corridor.{name}");
    let stream = tx
        .copy_out(sql)
        .await
        .map_err(|e| DbError::query(what(), &e))?;
    let rows = BinaryCopyOutStream::new(stream, &[Type::TEXT, Type::BYTEA]);
    futures_util::pin_mut!(rows);
    let mut out = format!(r#"{{"type": "FeatureCollection", "name": "{name}", "features": ["#);
    let mut n = 0usize;
    while let Some(row) = rows.next().await {
        let row = row.map_err(|e| DbError::query(what(), &e))?;
        let props: &str = row.try_get(0).map_err(|e| DbError::query(what(), &e))?;
        let geom: Option<&[u8]> = row.try_get(1).map_err(|e| DbError::query(what(), &e))?;
        if n > 0 {
            out.push_str(", ");
        }
        out.push_str(r#"{"type": "Feature", "properties": "#);
        out.push_str(props);
        out.push_str(r#", "geometry": "#);
        match geom {
            None => out.push_str("null"),
            Some(wkb) => wire::wkb_to_geojson(wkb, &mut out).map_err(|e| DbError::Query {
                what: format!("{} (row {})", what(), n + 1),
                reason: e.to_string(),
            })?,
        }
        out.push('}');
        n += 1;
    }
    out.push_str("]}");
    Ok(out)
}

/// A FeatureCollection's features, each kept as its JSON text (parsed one at a time).
#[derive(serde::Deserialize)]
struct CollectionIn<'a> {
    #[serde(borrow, default)]
    features: Vec<&'a RawValue>,
}

#[derive(serde::Deserialize)]
struct FeatureIn<'a> {
    #[serde(default)]
    properties: Option<serde_json::Map<String, Value>>,
    #[serde(borrow, default)]
    geometry: Option<&'a RawValue>,
}

/// The text a typed column gets from a property, as `props->>'name'` gives it: a string
/// as is, another value as its JSON text, null or absent as NULL.
fn text_of(v: Option<&Value>) -> Option<std::borrow::Cow<'_, str>> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.as_str().into()),
        Some(v) => Some(v.to_string().into()),
    }
}

/// Why a feature cannot be stored: named by collection, feature number and id.
fn refused(name: &str, i: usize, id: Option<&Value>, what: impl std::fmt::Display) -> DbError {
    let id = text_of(id)
        .map(|s| format!(" (id {s})"))
        .unwrap_or_default();
    DbError::Refused(format!("{name} feature #{}{id}: {what}", i + 1))
}

fn geometry_field(
    row: &mut CopyRow<'_>,
    geometry: Option<&RawValue>,
) -> Result<(), wire::GeometryError> {
    match geometry.filter(|g| g.get() != "null") {
        None => {
            row.text(None);
        }
        Some(g) => {
            let mut hex = String::new();
            wire::geojson_to_ewkb_hex(g.get(), &mut hex)?;
            row.raw(|o| o.push_str(&hex));
        }
    }
    Ok(())
}

/// A node's `COPY` row: `ord, id, name, country, kind, gauge_mm, props, geom`.
fn node_row(
    out: &mut String,
    i: usize,
    mut p: serde_json::Map<String, Value>,
    geometry: Option<&RawValue>,
) -> Result<(), DbError> {
    let typed: Vec<Option<Value>> = NODE_TYPED.iter().map(|k| p.remove(*k)).collect();
    let mut row = CopyRow::new(out);
    row.raw(|o| o.push_str(&(i + 1).to_string()));
    for v in &typed {
        row.text(text_of(v.as_ref()).as_deref());
    }
    row.text(Some(&Value::Object(p).to_string()));
    geometry_field(&mut row, geometry).map_err(|e| refused("nodes", i, typed[0].as_ref(), e))?;
    row.end();
    Ok(())
}

/// A link's `COPY` row: `ord, id, from_node, to_node, mode, kind, status, gauge_mm,
/// speed_kmh, dwell_h, capacity_value, capacity_unit, props, geom`. The `capacity` object's
/// `value` and `unit` go to their columns; what else it holds stays in `props.capacity`.
fn link_row(
    out: &mut String,
    i: usize,
    mut p: serde_json::Map<String, Value>,
    geometry: Option<&RawValue>,
) -> Result<(), DbError> {
    let typed: Vec<Option<Value>> = LINK_TYPED
        .iter()
        .filter(|(prop, _)| !prop.starts_with("capacity."))
        .map(|(prop, _)| p.remove(*prop))
        .collect();
    let (mut value, mut unit, mut emptied) = (None, None, false);
    if let Some(Value::Object(c)) = p.get_mut("capacity") {
        value = c.remove("value");
        unit = c.remove("unit");
        emptied = c.is_empty();
    }
    if emptied {
        p.remove("capacity");
    }
    let mut row = CopyRow::new(out);
    row.raw(|o| o.push_str(&(i + 1).to_string()));
    for v in typed.iter().chain([&value, &unit]) {
        row.text(text_of(v.as_ref()).as_deref());
    }
    row.text(Some(&Value::Object(p).to_string()));
    geometry_field(&mut row, geometry).map_err(|e| refused("links", i, typed[0].as_ref(), e))?;
    row.end();
    Ok(())
}

/// Bytes of `COPY` text sent at once.
const COPY_CHUNK: usize = 1 << 20;

/// Appends one feature's `COPY` row: (buffer, feature index, properties, geometry).
type RowWriter = fn(
    &mut String,
    usize,
    serde_json::Map<String, Value>,
    Option<&RawValue>,
) -> Result<(), DbError>;

/// Writes one FeatureCollection into its table with `COPY … FROM STDIN` (text format),
/// feature by feature, in chunks of [`COPY_CHUNK`] bytes. Returns the rows written.
async fn write_collection(
    tx: &tokio_postgres::Transaction<'_>,
    sql: &str,
    name: &str,
    doc: &str,
    row: RowWriter,
) -> Result<u64, DbError> {
    use futures_util::SinkExt;

    let what = || format!("writing corridor.{name}");
    let features = serde_json::from_str::<CollectionIn<'_>>(doc)
        .map_err(|e| DbError::Refused(format!("{name}: not a FeatureCollection: {e}")))?
        .features;
    let sink = tx
        .copy_in::<_, bytes::Bytes>(sql)
        .await
        .map_err(|e| DbError::query(what(), &e))?;
    futures_util::pin_mut!(sink);
    let mut buf = String::with_capacity(COPY_CHUNK + (64 << 10));
    for (i, f) in features.iter().enumerate() {
        let f: FeatureIn<'_> = serde_json::from_str(f.get())
            .map_err(|e| refused(name, i, None, format!("not a feature: {e}")))?;
        row(&mut buf, i, f.properties.unwrap_or_default(), f.geometry)?;
        if buf.len() >= COPY_CHUNK {
            let chunk = std::mem::replace(&mut buf, String::with_capacity(COPY_CHUNK + (64 << 10)));
            sink.as_mut()
                .send(bytes::Bytes::from(chunk))
                .await
                .map_err(|e| DbError::query(what(), &e))?;
        }
    }
    if !buf.is_empty() {
        sink.as_mut()
            .send(bytes::Bytes::from(buf))
            .await
            .map_err(|e| DbError::query(what(), &e))?;
    }
    sink.as_mut()
        .finish()
        .await
        .map_err(|e| DbError::query(what(), &e))
}
