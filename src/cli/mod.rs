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

/// The process exit codes of every command (the table is [`EXIT_CODES_HELP`], shown by
/// `--help` and in the README).
pub mod exit {
    /// Answered.
    pub const ANSWERED: i32 = 0;
    /// Invalid data or value: the network, scenario, demand or prepared file is refused
    /// (every problem listed), or a parameter's value is (named, with what is expected).
    pub const INVALID: i32 = 1;
    /// Usage error (clap: an unknown flag, a missing argument, a value not among those
    /// listed) or an I/O failure.
    pub const USAGE: i32 = 2;
    /// Not found: an unknown or ambiguous place (with suggestions or candidates), an unknown
    /// scenario (with close names), or no route or flow between the places under the
    /// constraints (naming what cut it off).
    pub const NOT_FOUND: i32 = 3;

    /// The exit code of a route request's refusal.
    pub fn of_route(e: &crate::route::RouteError) -> i32 {
        use crate::route::RouteError as E;
        match e {
            E::UnknownPlace { .. } | E::Places(_) | E::NoRoute { .. } => NOT_FOUND,
            E::Invalid(_) | E::OutsideCalendar { .. } => INVALID,
        }
    }

    /// The exit code of a matrix or reach request's refusal.
    pub fn of_many(e: &crate::route::matrix::ManyError) -> i32 {
        use crate::route::matrix::ManyError as E;
        match e {
            E::UnknownPlaces(_) | E::Unusable { .. } => NOT_FOUND,
            E::Invalid(_) | E::TooLarge { .. } | E::TooMuchWork(_) | E::OutsideCalendar { .. } => {
                INVALID
            }
        }
    }

    /// The exit code of a capacity or assignment request's refusal.
    pub fn of_capacity(e: &crate::capacity::CapacityError) -> i32 {
        use crate::capacity::CapacityError as E;
        match e {
            E::UnknownPlace { .. } | E::NoPlaces { .. } => NOT_FOUND,
            E::Invalid(_) | E::SameSourceSink { .. } | E::TooManyDemands { .. } => INVALID,
        }
    }

    /// The exit code of an error that ended a command early: not found for a scenario name
    /// that names none, invalid data when the data is refused, else a usage or I/O failure.
    pub fn of_error(e: &anyhow::Error) -> i32 {
        if e.chain()
            .any(|c| c.is::<crate::network::scenario::UnknownScenario>())
        {
            NOT_FOUND
        } else if e.chain().any(|c| c.is::<crate::network::LoadError>()) {
            INVALID
        } else {
            USAGE
        }
    }
}

/// The exit-code table, as `--help` shows it.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  answered
  1  invalid data or value: the network, scenario, demand or prepared file refused (every
     problem listed), or a parameter's value refused (named, with what is expected)
  2  usage error (unknown flag, missing argument, a value not among those listed) or I/O failure
  3  not found: an unknown or ambiguous place (with suggestions or candidates), an unknown
     scenario (with close names), or no route or flow under the constraints (naming what cut
     it off)";

/// Corridor: rail and road network of Russia, Mongolia, China and Kazakhstan.
#[derive(Debug, Parser)]
#[command(name = "corridor", version, about, after_help = EXIT_CODES_HELP)]
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
    /// Most work one request may ask for: searches it will run × network elements (nodes +
    /// links); beyond it a 413. Default: what the heavy threads do within the compute bound
    /// (~6 M per thread per 2 s).
    #[arg(long)]
    pub max_work: Option<u64>,
    /// Nice value of the threads computing heavy requests (0 normal … 19 lowest), so that
    /// routes keep their latency during a flood of them; default 5.
    #[arg(long, value_parser = clap::value_parser!(i32).range(0..=19))]
    pub heavy_nice: Option<i32>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the HTTP service (started by the binary, which joins the CLI to `http`).
    Serve(ServeArgs),
    /// Validate network data: list every problem and exit non-zero, or print a summary and
    /// the connected components and single points of failure per mode.
    #[command(after_help = EXIT_CODES_HELP)]
    Validate(validate::ValidateArgs),
    /// Find the best route and alternatives between two places (same options as
    /// `GET /v1/route`): a comparison table, or GeoJSON with `--geojson`.
    #[command(after_help = EXIT_CODES_HELP)]
    Route(Box<route::RouteArgs>),
    /// Distance, time, cost and crossings from every source to every destination (same
    /// options as `GET /v1/matrix`): a table, CSV with `--csv`, JSON with `--json`.
    #[command(after_help = EXIT_CODES_HELP)]
    Matrix(Box<matrix::MatrixArgs>),
    /// Where one gets from a place (or who gets to it) within budgets (same options as
    /// `GET /v1/reach`): a table, or GeoJSON with `--geojson`.
    #[command(after_help = EXIT_CODES_HELP)]
    Reach(Box<matrix::ReachArgs>),
    /// Maximum flow and bottleneck (minimum cut) between two sets of places.
    #[command(after_help = EXIT_CODES_HELP)]
    Capacity(Box<capacity::CapacityArgs>),
    /// Assign demands (a JSON file as for POST /v1/assign) within link capacities.
    #[command(after_help = EXIT_CODES_HELP)]
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
