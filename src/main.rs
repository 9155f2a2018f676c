//! The `corridor` binary: a thin shell joining the library's two doors. The CLI parses every
//! command; `serve` is handed to the HTTP service here, so `cli` and `http` never call each
//! other.

use anyhow::Context;
use clap::Parser;
use corridor::cli::{Cli, Command, ServeArgs};
use corridor::http::{AppState, ServerConfig};
use corridor::network::source::Source;

/// Starts the HTTP service on validated data (refuses to start on invalid data).
fn serve(args: ServeArgs) -> anyhow::Result<i32> {
    let snap = corridor::Snapshot::load(&Source::from_dir(args.data.as_deref()))
        .context("refusing to start on invalid data")?;
    let config = ServerConfig {
        compute_timeout: std::time::Duration::from_millis(args.compute_timeout_ms),
        cors_origins: args.cors_origin,
        admin_token: std::env::var("CORRIDOR_ADMIN_TOKEN")
            .ok()
            .filter(|t| !t.is_empty()),
        data_dir: args.data,
    };
    let state = actix_web::web::Data::new(AppState::new(snap, config));
    actix_web::rt::System::new().block_on(corridor::http::serve(state, &args.bind))?;
    Ok(0)
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
            std::process::exit(2);
        }
    }
}
