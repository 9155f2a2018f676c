//! `corridor db init|load|dump|import-pgrouting --db URL`: the database's schema and
//! contents. The connection string comes from `--db` or `CORRIDOR_DB_URL` and is never
//! printed; messages name `postgresql://user@host:port/db`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};

use crate::db::{self, DbError, DbTarget, pgrouting::ImportOptions};
use crate::network::Mode;
use crate::network::source::Source;

/// The database to use.
#[derive(Debug, Args)]
pub struct DbUrl {
    /// PostgreSQL connection string (`postgresql://user:password@host:port/db`); default
    /// from CORRIDOR_DB_URL. Never printed.
    #[arg(long = "db", env = "CORRIDOR_DB_URL", hide_env_values = true)]
    pub url: String,
}

/// `corridor db …`.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Create or upgrade schema `corridor` (versioned migrations).
    Init(DbUrl),
    /// Replace the tables' contents with geodata (the embedded default without --data),
    /// after validating it.
    Load {
        /// The database.
        #[command(flatten)]
        db: DbUrl,
        /// Data directory with nodes.geojson, links.geojson, scenarios/, demand/.
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Write the tables back as geodata under --out.
    Dump {
        /// The database.
        #[command(flatten)]
        db: DbUrl,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
    },
    /// Map a pgRouting edge table into Corridor's tables (replacing their contents).
    ImportPgrouting {
        /// The database.
        #[command(flatten)]
        db: DbUrl,
        /// The edge table, `ways` or `schema.ways`.
        #[arg(long)]
        table: String,
        /// `column=field`: copy a column into a link property (repeatable), e.g.
        /// `--map maxspeed_forward=speed_kmh --map name=name`.
        #[arg(long = "map", value_parser = parse_map)]
        map: Vec<(String, String)>,
        /// Mode of every link (the values are the data's link modes).
        #[arg(long, value_enum, default_value_t = Mode::Road)]
        mode: Mode,
        /// ISO 3166-1 alpha-2 country of every vertex (RU, MN, CN, KZ).
        #[arg(long)]
        country: Option<String>,
        /// Speed (km/h) of links with no column mapped onto speed_kmh (an estimate).
        #[arg(long, default_value_t = 60.0)]
        speed_kmh: f64,
        /// Gauge (mm) of rail links.
        #[arg(long)]
        gauge_mm: Option<u32>,
    },
}

fn parse_map(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((c, f)) if !c.is_empty() && !f.is_empty() => Ok((c.to_string(), f.to_string())),
        _ => Err(format!("expected column=field, got {s:?}")),
    }
}

fn target(url: &DbUrl) -> anyhow::Result<DbTarget> {
    Ok(url.url.parse::<DbTarget>()?)
}

fn problems_or(e: DbError) -> anyhow::Error {
    if let DbError::Load(crate::network::LoadError::Invalid(ps)) = &e {
        for p in ps {
            eprintln!("{p}");
        }
        return anyhow::anyhow!("{} problem(s); nothing was changed", ps.len());
    }
    e.into()
}

/// Runs a `corridor db` command. Returns the exit code.
pub fn run(cmd: DbCommand) -> anyhow::Result<i32> {
    match cmd {
        DbCommand::Init(url) => {
            let t = target(&url)?;
            let applied = db::block_on(async {
                let mut c = t.connect().await?;
                db::schema::migrate(&mut c).await
            })??;
            if applied.is_empty() {
                println!("schema corridor on {t} is up to date");
            } else {
                println!("schema corridor on {t}: applied {}", applied.join(", "));
            }
        }
        DbCommand::Load { db: url, data } => {
            let t = target(&url)?;
            let source = Source::from_dir(data.as_deref());
            let docs = match db::load::read_source(&source) {
                Ok(d) => d,
                Err(crate::network::LoadError::Invalid(ps)) => {
                    for p in &ps {
                        eprintln!("{p}");
                    }
                    anyhow::bail!(
                        "{source}: {} problem(s); the database was not changed",
                        ps.len()
                    );
                }
                Err(e) => return Err(e).context("reading the data"),
            };
            let started = std::time::Instant::now();
            let stored = db::block_on(async {
                let mut c = t.connect().await?;
                db::load::store(&mut c, &docs).await
            })??;
            println!(
                "loaded {source} into {t}: {} nodes, {} links, {} scenarios, {} demand sets ({} ms)",
                stored.nodes,
                stored.links,
                stored.scenarios,
                stored.demand,
                started.elapsed().as_millis()
            );
        }
        DbCommand::Dump { db: url, out } => {
            let t = target(&url)?;
            let fetched = db::block_on(async {
                let mut c = t.connect().await?;
                db::load::fetch(&mut c, &t.to_string()).await
            })??;
            let w = db::dump::write(&fetched, &out)?;
            println!(
                "dumped {t} to {}: {} nodes, {} links, {} documents",
                out.display(),
                w.nodes,
                w.links,
                w.documents
            );
        }
        DbCommand::ImportPgrouting {
            db: url,
            table,
            map,
            mode,
            country,
            speed_kmh,
            gauge_mm,
        } => {
            let t = target(&url)?;
            let opts = ImportOptions {
                table,
                map,
                mode,
                country,
                speed_kmh,
                gauge_mm,
            };
            let report = db::block_on(async {
                let mut c = t.connect().await?;
                db::pgrouting::import(&mut c, &opts).await
            })?
            .map_err(problems_or)?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Cli, Command};
    use crate::network::Mode;

    fn import_with_mode(mode: &str) -> Result<Cli, clap::Error> {
        Cli::try_parse_from([
            "corridor",
            "db",
            "import-pgrouting",
            "--db",
            "postgresql://reader@db.example/corridor",
            "--table",
            "ways",
            "--mode",
            mode,
        ])
    }

    #[test]
    fn import_pgrouting_takes_the_modes_of_the_data() {
        for m in Mode::ALL {
            let cli = import_with_mode(m.as_str()).unwrap();
            let Command::Db(super::DbCommand::ImportPgrouting { mode, .. }) = cli.command else {
                panic!("not import-pgrouting");
            };
            assert_eq!(mode, *m);
        }
        let e = import_with_mode("boat").unwrap_err().to_string();
        assert!(e.contains(&Mode::VALUES.join(", ")), "{e}");
    }
}
