//! The command line: clap parses raw flags, `run` builds checked settings and dispatches.
//! Errors are reported once, by `main`.

pub mod capacity;
pub mod compare;
pub mod db;
pub mod import;
pub mod matrix;
pub mod prepare;
pub mod route;
pub mod validate;

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::network::source::Source;
use crate::snapshot::Snapshot;

/// Corridor: rail and road network of Russia, Mongolia, China and Kazakhstan.
#[derive(Debug, Parser)]
#[command(name = "corridor", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options of `corridor serve`. The command line only parses them: the binary (`main.rs`)
/// starts the HTTP service, so that `cli` and `http` stay two doors that never call each other.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Data directory with nodes.geojson and links.geojson (default: the embedded data).
    #[arg(long, conflicts_with_all = ["db", "prepared"])]
    pub data: Option<PathBuf>,
    /// Serve a prepared file (`corridor prepare`); reload (`/admin/reload`, SIGHUP) reopens
    /// it, and a bad file leaves the old network serving.
    #[arg(long, conflicts_with = "db")]
    pub prepared: Option<PathBuf>,
    /// Serve from PostgreSQL/PostGIS (`corridor db init|load` first) and follow its edits
    /// (LISTEN corridor_changed); default from CORRIDOR_DB_URL. Never printed.
    #[arg(long, env = "CORRIDOR_DB_URL", hide_env_values = true)]
    pub db: Option<String>,
    /// Address to bind. Binding beyond loopback must be explicit, e.g. 0.0.0.0:8080.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Per-request compute bound in milliseconds (503 beyond it).
    #[arg(long, default_value_t = 2000)]
    pub compute_timeout_ms: u64,
    /// Allowed CORS origins (comma list), which may also POST; default: any origin may
    /// read (GET, HEAD) and none may POST.
    #[arg(long, value_delimiter = ',')]
    pub cors_origin: Vec<String>,
    /// Public base URL used in the links the service builds (OGC API), e.g.
    /// https://corridor.example.org; default: the request's Host.
    #[arg(long)]
    pub public_url: Option<String>,
    /// Proxies (IP addresses, comma list) whose Forwarded / X-Forwarded-* headers are
    /// believed; from any other peer they are ignored.
    #[arg(long, value_delimiter = ',')]
    pub trusted_proxy: Vec<std::net::IpAddr>,
    /// Heavy requests (matrix, reach, assign, compare/assign, preview) computed at once;
    /// default: the number of cores.
    #[arg(long)]
    pub heavy_slots: Option<usize>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the HTTP service (started by the binary, which joins the CLI to `http`).
    Serve(ServeArgs),
    /// Validate network data: list every problem and exit non-zero, or print a summary and
    /// the connected components and single points of failure per mode.
    Validate(validate::ValidateArgs),
    /// Find the best route and alternatives between two places (same options as
    /// `GET /v1/route`): a comparison table, or GeoJSON with `--geojson`.
    Route(Box<route::RouteArgs>),
    /// Distance, time, cost and crossings from every source to every destination (same
    /// options as `GET /v1/matrix`): a table, CSV with `--csv`, JSON with `--json`.
    Matrix(Box<matrix::MatrixArgs>),
    /// Where one gets from a place (or who gets to it) within budgets (same options as
    /// `GET /v1/reach`): a table, or GeoJSON with `--geojson`.
    Reach(Box<matrix::ReachArgs>),
    /// Maximum flow and bottleneck (minimum cut) between two sets of places.
    Capacity(Box<capacity::CapacityArgs>),
    /// Assign demands (a JSON file as for POST /v1/assign) within link capacities.
    Assign(capacity::AssignArgs),
    /// The same question on the baseline and on a scenario: a before/after table.
    #[command(subcommand)]
    Compare(compare::CompareCommand),
    /// The PostgreSQL/PostGIS source: schema, load, dump, pgRouting import.
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Validate a network once and write it as a prepared binary file that
    /// `corridor serve --prepared FILE` opens in seconds.
    Prepare(prepare::PrepareArgs),
    /// Build a network from outside data: `corridor import osm FILE.osm.pbf --out DIR`.
    #[command(subcommand)]
    Import(import::ImportCommand),
}

/// Loads the network from `dir` (or the embedded data) with its scenarios and demand sets.
pub fn load_snapshot(dir: Option<&PathBuf>) -> Result<Snapshot, crate::network::LoadError> {
    Snapshot::load(&Source::from_dir(dir.map(PathBuf::as_path)))
}

/// Runs a parsed command line. Returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Route(args) => route::run(*args),
        Command::Matrix(args) => matrix::run_matrix(*args),
        Command::Reach(args) => matrix::run_reach(*args),
        Command::Compare(cmd) => compare::run(cmd),
        Command::Capacity(args) => {
            let snap = load_snapshot(args.data.as_ref()).context("loading the network")?;
            let on = snap.scenario(args.constraints.scenario.as_deref())?;
            capacity::run_capacity(&on.network, &args)
        }
        Command::Assign(args) => {
            let snap = load_snapshot(args.data.as_ref()).context("loading the network")?;
            capacity::run_assign(&snap, &args)
        }
        Command::Validate(args) => validate::run(&args),
        Command::Db(cmd) => db::run(cmd),
        Command::Import(cmd) => import::run(cmd),
        Command::Prepare(args) => prepare::run(&args),
        Command::Serve(_) => {
            anyhow::bail!("`corridor serve` is started by the binary, not by cli::run")
        }
    }
}
