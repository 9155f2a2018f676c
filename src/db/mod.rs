//! PostgreSQL/PostGIS as the network's shared source of truth.
//!
//! - [`schema`]: the versioned migrations (`migrations/`, applied by refinery): schema
//!   `corridor` with `nodes`, `links`, `scenarios`, `demand` and the `corridor_changed` trigger;
//! - [`load`]: reading the tables into a [`Source::Fetched`](crate::network::source::Source)
//!   (validated exactly as files are, problems located by table, id and column) and writing
//!   geodata into them;
//! - [`dump`]: writing the tables back as geodata files;
//! - [`listen`]: the replica side: LISTEN `corridor_changed`, re-read, validate, hand over;
//!   reconnect with backoff;
//! - [`pgrouting`]: importing a pgRouting edge table;
//! - [`wire`]: geometry as WKB/EWKB and rows as `COPY` text, the formats features travel in.
//!
//! Connection strings are never logged nor echoed: [`DbTarget`] shows
//! `postgresql://user@host:port/dbname` only. SQL takes values only as bound parameters.

pub mod dump;
pub mod listen;
pub mod load;
pub mod pgrouting;
pub mod schema;
pub mod wire;

use std::str::FromStr;

use crate::network::{LoadError, Problem};

/// The channel the trigger notifies on every committed change.
pub const CHANNEL: &str = "corridor_changed";

/// What went wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The connection string does not parse (it is not echoed).
    #[error("invalid database connection string (not shown): {0}")]
    Url(String),
    /// No connection.
    #[error("cannot connect to {target}: {reason}")]
    Connect {
        /// The redacted target.
        target: String,
        /// Why.
        reason: String,
    },
    /// A statement failed.
    #[error("{what}: {reason}")]
    Query {
        /// What was being done.
        what: String,
        /// The database's message.
        reason: String,
    },
    /// The migrations failed.
    #[error("migrating schema corridor: {0}")]
    Migrate(String),
    /// The data read (or to be written) is not a valid network.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A file could not be written or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// Something in the request or the data that Corridor cannot use.
    #[error("{0}")]
    Refused(String),
}

impl DbError {
    /// A failed statement: `what` was being done.
    pub fn query(what: impl Into<String>, e: &tokio_postgres::Error) -> Self {
        DbError::Query {
            what: what.into(),
            reason: db_message(e),
        }
    }

    /// The problems when the data was invalid, else one problem naming the database.
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            DbError::Load(LoadError::Invalid(p)) => p.clone(),
            e => vec![Problem {
                file: "(database)".into(),
                feature: None,
                id: None,
                field: "(source)".into(),
                message: e.to_string(),
            }],
        }
    }
}

/// The server's own message when there is one (it never contains the connection string).
pub fn db_message(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => format!("{} ({})", d.message(), d.code().code()),
        None => e.to_string(),
    }
}

/// A database to connect to, with a printable form that never holds the password.
#[derive(Clone)]
pub struct DbTarget {
    config: tokio_postgres::Config,
    shown: String,
}

impl std::fmt::Debug for DbTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl std::fmt::Display for DbTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl FromStr for DbTarget {
    type Err = DbError;

    /// Parses a `postgresql://` URL or a `key=value` connection string.
    fn from_str(url: &str) -> Result<Self, DbError> {
        let mut config = tokio_postgres::Config::from_str(url).map_err(|e| {
            // The parser's messages name the option, not its value; scrub anyway.
            DbError::Url(scrub(&e.to_string(), url))
        })?;
        config
            .application_name("corridor")
            .connect_timeout(std::time::Duration::from_secs(5))
            .keepalives(true)
            .keepalives_idle(std::time::Duration::from_secs(10));
        let host = config
            .get_hosts()
            .first()
            .map(|h| match h {
                tokio_postgres::config::Host::Tcp(h) => h.clone(),
                #[cfg(unix)]
                tokio_postgres::config::Host::Unix(p) => p.display().to_string(),
            })
            .unwrap_or_else(|| "localhost".into());
        let port = config.get_ports().first().copied().unwrap_or(5432);
        let user = config.get_user().unwrap_or("(default user)");
        let db = config.get_dbname().unwrap_or("(default database)");
        let shown = format!("postgresql://{user}@{host}:{port}/{db}");
        Ok(Self { config, shown })
    }
}

/// `msg` with every non-trivial piece of `secret_source` that could be a password removed.
fn scrub(msg: &str, url: &str) -> String {
    let mut out = msg.to_string();
    if let Some(pw) = password_of(url) {
        out = out.replace(pw, "***");
    }
    out.replace(url, "(connection string)")
}

fn password_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let userinfo = rest.split_once('@')?.0;
    let pw = userinfo.split_once(':')?.1;
    (!pw.is_empty()).then_some(pw)
}

impl DbTarget {
    /// Connects (plain TCP or a Unix socket; TLS is left to the network, e.g. a loopback or
    /// a private network between replicas and the database) and drives the connection on the
    /// current tokio runtime.
    ///
    /// # Errors
    /// [`DbError::Connect`] naming the redacted target.
    pub async fn connect(&self) -> Result<tokio_postgres::Client, DbError> {
        let (client, conn) = self.connect_raw().await?;
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %db_message(&e), "database connection ended");
            }
        });
        Ok(client)
    }

    /// Connects and hands back the connection future too (the listener polls it for
    /// notifications).
    ///
    /// # Errors
    /// [`DbError::Connect`] naming the redacted target.
    pub async fn connect_raw(
        &self,
    ) -> Result<
        (
            tokio_postgres::Client,
            tokio_postgres::Connection<tokio_postgres::Socket, tokio_postgres::tls::NoTlsStream>,
        ),
        DbError,
    > {
        self.config
            .connect(tokio_postgres::NoTls)
            .await
            .map_err(|e| DbError::Connect {
                target: self.shown.clone(),
                reason: db_message(&e),
            })
    }
}

/// Runs `f` to completion on a fresh single-threaded runtime (the CLI's and `serve`'s
/// start-up door to the async client).
///
/// # Errors
/// [`DbError::Refused`] when the runtime cannot start.
pub fn block_on<F: std::future::Future>(f: F) -> Result<F::Output, DbError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| DbError::Refused(format!("cannot start the database runtime: {e}")))?;
    Ok(rt.block_on(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shown_target_has_no_password() {
        let t: DbTarget = "postgresql://reader:s3cr3t-pw@db.example:6543/corridor"
            .parse()
            .unwrap();
        assert_eq!(
            t.to_string(),
            "postgresql://reader@db.example:6543/corridor"
        );
        assert!(!format!("{t:?}").contains("s3cr3t"));
        let t: DbTarget = "host=h port=5 user=u password=s3cr3t-pw dbname=d"
            .parse()
            .unwrap();
        assert!(!t.to_string().contains("s3cr3t"), "{t}");
    }

    #[test]
    fn a_bad_connection_string_is_not_echoed() {
        for url in [
            "postgresql://u:s3cr3t-pw@h:notaport/d",
            "host=h password=s3cr3t-pw sslmode=bogus",
        ] {
            let e = url.parse::<DbTarget>().unwrap_err().to_string();
            assert!(!e.contains("s3cr3t"), "{e}");
            assert!(e.starts_with("invalid database connection string"), "{e}");
        }
    }
}
