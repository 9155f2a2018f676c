//! The replica side: LISTEN `corridor_changed`; on a notification re-read every table,
//! validate and hand the outcome over; on an outage report it, reconnect with backoff and
//! re-read on reconnect. Runs on its own thread with its own single-threaded runtime, so a
//! validation never holds up the HTTP workers.
//!
//! The listener never swaps anything itself: it reports [`Event`]s to a callback (the
//! binary joins it to the HTTP state), keeping `db` below `http`.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Duration;

use tokio_postgres::AsyncMessage;

use super::{CHANNEL, DbError, DbTarget, db_message, load};
use crate::network::LoadError;
use crate::snapshot::Snapshot;

/// What the listener reports.
#[derive(Debug)]
pub enum Event {
    /// Connected and listening.
    Connected,
    /// The connection is lost (or cannot be made); the reason, never the connection string.
    Disconnected(String),
    /// The tables were re-read: the validated snapshot, or why it is refused.
    Reloaded(Result<Box<Snapshot>, LoadError>),
}

/// Reconnection delays: from `FIRST` doubling to `MAX`.
pub const BACKOFF_FIRST: Duration = Duration::from_millis(100);
/// The longest wait between two connection attempts.
pub const BACKOFF_MAX: Duration = Duration::from_secs(5);
/// Notifications arriving within this window after one are folded into one re-read. The
/// statements of one transaction notify together at its commit; this window only folds
/// separate transactions committed back to back (notifications that arrive while a re-read
/// runs are folded into the next one anyway). It was 20 ms: 15 ms of every edit's latency
/// for no gain measured.
pub const SETTLE: Duration = Duration::from_millis(5);

/// A fingerprint of fetched documents: an unchanged database is not validated again.
pub fn fingerprint(f: &crate::network::source::Fetched) -> u64 {
    let mut h = DefaultHasher::new();
    f.nodes.hash(&mut h);
    f.links.hash(&mut h);
    f.folders.hash(&mut h);
    h.finish()
}

/// Starts the listener thread.
///
/// # Arguments
/// - `served`: the fingerprint of what is served now (from [`fingerprint`] of the start-up
///   read); afterwards the listener keeps the fingerprint of the last data it read, so a
///   reconnect (or a notification) that finds the same data reports nothing;
/// - `on_event`: called on the listener thread for every [`Event`].
///
/// # Errors
/// When the thread cannot be started.
pub fn spawn(
    target: DbTarget,
    served: u64,
    on_event: impl Fn(Event) + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("corridor-db-listen".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    tracing::error!(error = %e, "database listener cannot start its runtime");
                    return;
                }
            };
            rt.block_on(run(target, served, on_event));
        })
}

async fn run(target: DbTarget, mut served: u64, on_event: impl Fn(Event)) {
    let mut delay = BACKOFF_FIRST;
    // `serve` has just read the database: it starts as connected.
    let mut connected = true;
    loop {
        match session(&target, &mut served, &on_event, &mut connected).await {
            Ok(()) => {}
            Err(e) => {
                let reason = e.to_string();
                if connected {
                    tracing::warn!(target = %target, error = %reason, "database connection lost; serving the last good network");
                    on_event(Event::Disconnected(reason));
                    connected = false;
                    delay = BACKOFF_FIRST;
                } else {
                    tracing::debug!(target = %target, error = %reason, "database still unreachable");
                }
            }
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(BACKOFF_MAX);
    }
}

/// One connection's life: connect, LISTEN, re-read, then re-read on every notification
/// until the connection ends (always an error).
async fn session(
    target: &DbTarget,
    served: &mut u64,
    on_event: &impl Fn(Event),
    connected: &mut bool,
) -> Result<(), DbError> {
    let (mut client, mut conn) = target.connect_raw().await?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let driver = tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| conn.poll_message(cx)).await {
                Some(Ok(AsyncMessage::Notification(_))) => {
                    if tx.send(()).is_err() {
                        return String::from("listener stopped");
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return db_message(&e),
                None => return String::from("the server closed the connection"),
            }
        }
    });
    let result = async {
        client
            .batch_execute(&format!("LISTEN {CHANNEL}"))
            .await
            .map_err(|e| DbError::query("LISTEN", &e))?;
        if !*connected {
            tracing::info!(target = %target, "database connected; listening for {CHANNEL}");
            *connected = true;
            on_event(Event::Connected);
        }
        // Re-read on (re)connect: edits made while away are picked up.
        reread(&mut client, target, served, on_event).await?;
        while rx.recv().await.is_some() {
            tokio::time::sleep(SETTLE).await;
            while rx.try_recv().is_ok() {}
            reread(&mut client, target, served, on_event).await?;
        }
        Err(DbError::Connect {
            target: target.to_string(),
            reason: "the connection ended".into(),
        })
    }
    .await;
    let reason = if driver.is_finished() {
        driver.await.ok()
    } else {
        driver.abort();
        None
    };
    match (result, reason) {
        (Err(DbError::Connect { target, .. }), Some(reason)) => {
            Err(DbError::Connect { target, reason })
        }
        (r, _) => r,
    }
}

async fn reread(
    client: &mut tokio_postgres::Client,
    target: &DbTarget,
    served: &mut u64,
    on_event: &impl Fn(Event),
) -> Result<(), DbError> {
    let started = std::time::Instant::now();
    let fetched = load::fetch(client, &target.to_string()).await?;
    let print = fingerprint(&fetched);
    let fetch_ms = started.elapsed().as_secs_f64() * 1e3;
    if print == *served {
        tracing::debug!(fetch_ms, "database unchanged; nothing to reload");
        return Ok(());
    }
    // Remember what was read, valid or not: the same data again gives the same outcome, and
    // a return to the served data after a refused edit is validated (and reported ok).
    *served = print;
    let outcome = load::validate(fetched);
    let validate_ms = started.elapsed().as_secs_f64() * 1e3 - fetch_ms;
    on_event(Event::Reloaded(outcome.map(Box::new)));
    let total_ms = started.elapsed().as_secs_f64() * 1e3;
    // Where an edit's time goes (README "PostGIS source" → Performance).
    tracing::info!(
        fetch_ms,
        validate_ms,
        install_ms = total_ms - fetch_ms - validate_ms,
        "database re-read"
    );
    Ok(())
}
