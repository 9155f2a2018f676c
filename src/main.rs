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
    let snap = corridor::Snapshot::load(&Source::from_dir(args.data.as_deref()))
        .context("refusing to start on invalid data")?;
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
    let config = ServerConfig {
        compute_timeout: std::time::Duration::from_millis(args.compute_timeout_ms),
        cors_origins: args.cors_origin,
        admin_token,
        public_url: args.public_url.map(|u| u.trim_end_matches('/').to_string()),
        trusted_proxies: args.trusted_proxy,
        heavy_slots: args.heavy_slots.unwrap_or(defaults.heavy_slots).max(1),
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
