//! The schema, versioned: `migrations/V<n>__<name>.sql`, embedded at build time and applied
//! in order by refinery, which records each in `public.corridor_schema_history` (never
//! hand-run SQL). A new change is a new file; applied files are never edited (refinery
//! checks their checksums).

use super::DbError;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// The table where refinery records applied migrations.
pub const HISTORY_TABLE: &str = "corridor_schema_history";

/// Applies every migration not yet applied.
///
/// # Returns
/// The names of the migrations applied now (`V1__corridor_schema`, …), empty when the
/// schema was up to date.
///
/// # Errors
/// [`DbError::Migrate`] with the database's reason (e.g. no right to create the PostGIS
/// extension).
pub async fn migrate(client: &mut tokio_postgres::Client) -> Result<Vec<String>, DbError> {
    let report = embedded::migrations::runner()
        .set_migration_table_name(HISTORY_TABLE)
        .run_async(client)
        .await
        .map_err(|e| DbError::Migrate(e.to_string()))?;
    Ok(report
        .applied_migrations()
        .iter()
        .map(|m| format!("V{}__{}", m.version(), m.name()))
        .collect())
}
