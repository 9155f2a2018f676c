//! The `corridor` binary: a thin shell joining the library's two doors. The CLI parses every
//! command; `serve` is handed to the HTTP service here, so `cli` and `http` never call each
//! other.

use anyhow::Context;
use clap::Parser;
use corridor::cli::{Cli, Command, ServeArgs};
use corridor::http::admin::AdminToken;
use corridor::http::{AppState, ServerConfig};
use corridor::network::source::Source;

/// Starts the HTTP service on validated data (refuses to start on invalid data).
fn serve(args: ServeArgs) -> anyhow::Result<i32> {
    let db = match args.db.as_deref().filter(|u| !u.is_empty()) {
        Some(url) => Some(url.parse::<corridor::db::DbTarget>()?),
        None => None,
    };
    let (snap, served_print) = match &db {
        Some(target) => {
            let (snap, print) = read_db(target).context("refusing to start")?;
            (snap, Some(print))
        }
        None => {
            let source = match &args.prepared {
                Some(path) => Source::open_prepared(path),
                None => Ok(Source::from_dir(args.data.as_deref())),
            };
            match source.and_then(|s| corridor::Snapshot::load(&s)) {
                Ok(snap) => (snap, None),
                // Data that cannot be served (invalid, unreadable, a bad prepared file)
                // exits 1, as `corridor validate` does; usage errors exit 2.
                Err(e) => {
                    eprintln!("error: refusing to start on invalid data: {e}");
                    return Ok(1);
                }
            }
        }
    };
    let admin_token = match std::env::var("CORRIDOR_ADMIN_TOKEN") {
        Ok(t) if !t.is_empty() => Some(AdminToken::new(&t)?),
        _ => None,
    };
    if let Some(url) = &args.public_url {
        anyhow::ensure!(
            (url.starts_with("http://") || url.starts_with("https://"))
                && !url.contains(char::is_whitespace),
            "--public-url must be an absolute http(s) URL, e.g. https://corridor.example.org"
        );
    }
    let defaults = ServerConfig::default();
    let compute_timeout = std::time::Duration::from_millis(args.compute_timeout_ms);
    let heavy_slots = args.heavy_slots.unwrap_or(defaults.heavy_slots).max(1);
    let config = ServerConfig {
        compute_timeout,
        cors_origins: args.cors_origin,
        admin_token,
        public_url: args.public_url.map(|u| u.trim_end_matches('/').to_string()),
        trusted_proxies: args.trusted_proxy,
        heavy_slots,
        heavy_nice: args.heavy_nice.unwrap_or(defaults.heavy_nice),
        max_work: args
            .max_work
            .unwrap_or_else(|| corridor::cancel::max_work(compute_timeout, heavy_slots)),
        data_dir: args.data,
        prepared: args.prepared,
    };
    let state = actix_web::web::Data::new(AppState::new(snap, config));
    if let (Some(target), Some(print)) = (db, served_print) {
        follow_db(&state, target, print)?;
    }
    actix_web::rt::System::new().block_on(corridor::http::serve(state, &args.bind))?;
    Ok(0)
}

/// Reads and validates the database once (start-up, `/admin/reload`, SIGHUP).
fn read_db(
    target: &corridor::db::DbTarget,
) -> Result<(corridor::Snapshot, u64), corridor::db::DbError> {
    corridor::db::block_on(async {
        let mut client = target.connect().await?;
        let fetched = corridor::db::load::fetch(&mut client, &target.to_string()).await?;
        let print = corridor::db::listen::fingerprint(&fetched);
        Ok((corridor::db::load::validate(fetched)?, print))
    })?
}

/// Serves the database's edits: reloads read it, and the listener swaps in each valid edit.
fn follow_db(
    state: &actix_web::web::Data<AppState>,
    target: corridor::db::DbTarget,
    print: u64,
) -> anyhow::Result<()> {
    use corridor::db::listen::{self, Event};
    use corridor::http::admin::Loader;
    let t = target.clone();
    let loader = Loader(std::sync::Arc::new(move || {
        read_db(&t).map(|(s, _)| s).map_err(|e| match e {
            corridor::db::DbError::Load(l) => l,
            e => corridor::network::LoadError::Invalid(e.problems()),
        })
    }));
    state.set_loader("postgresql", loader);
    let st = state.clone();
    listen::spawn(target, print, move |event| match event {
        Event::Connected => st.set_connected(true),
        Event::Disconnected(_) => st.set_connected(false),
        Event::Reloaded(outcome) => match st.install(outcome.map(|b| *b)) {
            Ok(s) => tracing::info!(nodes = s.nodes, links = s.links, "database edit served"),
            Err(e) => {
                tracing::warn!(error = %e, "database edit refused; the old network keeps serving")
            }
        },
    })
    .context("starting the database listener")?;
    Ok(())
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match Cli::parse().command {
        Command::Serve(args) => serve(args),
        command => corridor::cli::run(Cli { command }),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(corridor::cli::exit::of_error(&e));
        }
    }
}
