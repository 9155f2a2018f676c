//! Reading the tables as a network source, and writing geodata into them.
//!
//! A feature is stored as typed columns (what QGIS users edit) plus `props` (jsonb, every
//! other property) and `geom` (PostGIS, EPSG:4326). Reading rebuilds each table as one
//! GeoJSON FeatureCollection in a single query (`props || typed columns`, as pg_featureserv
//! does), all tables in one repeatable-read transaction so a reader never sees half an edit.
//! The result is a [`Source::Fetched`], validated by the same code as files; problems are
//! then relocated to table, id and column.

use std::sync::Arc;

use tokio_postgres::Client;

use super::DbError;
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

const NODES_SQL: &str = "SELECT coalesce(json_agg(json_build_object(\
     'type', 'Feature', \
     'properties', props || jsonb_strip_nulls(jsonb_build_object(\
         'id', id, 'name', name, 'country', country, 'kind', kind, 'gauge_mm', gauge_mm)), \
     'geometry', ST_AsGeoJSON(geom, 15)::json) ORDER BY ord NULLS LAST, id), '[]')::text \
     FROM corridor.nodes";

const LINKS_SQL: &str = "SELECT coalesce(json_agg(json_build_object(\
     'type', 'Feature', \
     'properties', props || jsonb_strip_nulls(jsonb_build_object(\
         'id', id, 'from', from_node, 'to', to_node, 'mode', mode, 'kind', kind, \
         'status', status, 'gauge_mm', gauge_mm, 'speed_kmh', speed_kmh, 'dwell_h', dwell_h)) \
       || CASE WHEN capacity_value IS NULL AND capacity_unit IS NULL THEN '{}'::jsonb \
          ELSE jsonb_build_object('capacity', \
            CASE WHEN jsonb_typeof(props->'capacity') = 'object' THEN props->'capacity' \
                 ELSE '{}'::jsonb END \
            || jsonb_strip_nulls(jsonb_build_object('value', capacity_value, 'unit', capacity_unit))) \
          END, \
     'geometry', ST_AsGeoJSON(geom, 15)::json) ORDER BY ord NULLS LAST, id), '[]')::text \
     FROM corridor.links";

const INSERT_NODES: &str = "INSERT INTO corridor.nodes \
     (ord, id, name, country, kind, gauge_mm, props, geom) \
     SELECT t.ord, p->>'id', p->>'name', p->>'country', p->>'kind', (p->>'gauge_mm')::numeric, \
            p - ARRAY['id', 'name', 'country', 'kind', 'gauge_mm'], \
            ST_SetSRID(ST_GeomFromGeoJSON(t.f->'geometry'), 4326) \
     FROM jsonb_array_elements((($1::text)::jsonb)->'features') WITH ORDINALITY AS t(f, ord), \
          LATERAL (SELECT coalesce(t.f->'properties', '{}'::jsonb) AS p) q";

const INSERT_LINKS: &str = "INSERT INTO corridor.links \
     (ord, id, from_node, to_node, mode, kind, status, gauge_mm, speed_kmh, dwell_h, \
      capacity_value, capacity_unit, props, geom) \
     SELECT t.ord, p->>'id', p->>'from', p->>'to', p->>'mode', p->>'kind', p->>'status', \
            (p->>'gauge_mm')::numeric, (p->>'speed_kmh')::numeric, (p->>'dwell_h')::numeric, \
            CASE WHEN jsonb_typeof(p->'capacity') = 'object' \
                 THEN (p->'capacity'->>'value')::numeric END, \
            CASE WHEN jsonb_typeof(p->'capacity') = 'object' \
                 THEN p->'capacity'->>'unit' END, \
            CASE WHEN jsonb_typeof(p->'capacity') IS DISTINCT FROM 'object' THEN base \
                 WHEN (p->'capacity') - 'value' - 'unit' = '{}'::jsonb THEN base - 'capacity' \
                 ELSE jsonb_set(base, '{capacity}', (p->'capacity') - 'value' - 'unit') END, \
            ST_SetSRID(ST_GeomFromGeoJSON(t.f->'geometry'), 4326) \
     FROM jsonb_array_elements((($1::text)::jsonb)->'features') WITH ORDINALITY AS t(f, ord), \
          LATERAL (SELECT coalesce(t.f->'properties', '{}'::jsonb) AS p) q, \
          LATERAL (SELECT p - ARRAY['id', 'from', 'to', 'mode', 'kind', 'status', 'gauge_mm', \
                                    'speed_kmh', 'dwell_h'] AS base) b";

/// The data folders stored as tables of named JSON documents: (folder, table).
pub const FOLDER_TABLES: &[(&str, &str)] = &[("scenarios", "scenarios"), ("demand", "demand")];

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
    let nodes: String = tx
        .query_one(NODES_SQL, &[])
        .await
        .map_err(|e| DbError::query("reading corridor.nodes", &e))?
        .get(0);
    let links: String = tx
        .query_one(LINKS_SQL, &[])
        .await
        .map_err(|e| DbError::query("reading corridor.links", &e))?
        .get(0);
    let mut folders = Vec::new();
    for (folder, table) in FOLDER_TABLES {
        // Table names come from the constant above, never from input.
        let sql = format!("SELECT name, doc::text FROM corridor.{table} ORDER BY name");
        for row in tx
            .query(&sql, &[])
            .await
            .map_err(|e| DbError::query(format!("reading corridor.{table}"), &e))?
        {
            folders.push((folder.to_string(), row.get(0), row.get(1)));
        }
    }
    tx.commit()
        .await
        .map_err(|e| DbError::query("ending the read transaction", &e))?;
    Ok(Fetched {
        origin: origin.to_string(),
        nodes: format!(r#"{{"type": "FeatureCollection", "name": "nodes", "features": {nodes}}}"#),
        links: format!(r#"{{"type": "FeatureCollection", "name": "links", "features": {links}}}"#),
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
    let nodes = tx
        .execute(INSERT_NODES, &[&docs.nodes])
        .await
        .map_err(|e| DbError::query("inserting nodes", &e))?;
    let links = tx
        .execute(INSERT_LINKS, &[&docs.links])
        .await
        .map_err(|e| DbError::query("inserting links", &e))?;
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
