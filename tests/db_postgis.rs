//! PostgreSQL/PostGIS as the source of truth, against a real throwaway cluster: `initdb`
//! into a temp dir, `pg_ctl start` on a free loopback port, removed afterwards (a `Drop`
//! guard, also on panic). Skips LOUDLY when PostgreSQL or PostGIS is absent; FAILS instead
//! when `CI` is set (`.ci/run` installs them).
//!
//! One cluster for the whole file, one test function walking the cases in order (each on its
//! own database): init → load → serve answers as from files; an edit reaches two replicas
//! within 2 s; an invalid edit is refused and both keep the old network; PostgreSQL stopped
//! and started under load; a pgRouting table imported; dump round trip.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::Server;
use serde_json::Value;

/// A throwaway PostgreSQL cluster, stopped and removed on drop.
struct Cluster {
    root: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

fn skip_or_fail(why: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("CI is set but {why}: .ci/run installs postgresql and postgis");
    }
    eprintln!("SKIPPED: db_postgis: {why} (install Debian postgresql and postgresql-15-postgis-3)");
}

fn pg_bin_dir() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|d| d.join("initdb").exists() && d.join("pg_ctl").exists())
        .collect();
    dirs.sort();
    dirs.pop()
}

impl Cluster {
    fn start() -> Option<Cluster> {
        let Some(bin) = pg_bin_dir() else {
            skip_or_fail("no PostgreSQL server binaries under /usr/lib/postgresql");
            return None;
        };
        let root = std::env::temp_dir().join(format!(
            "corridor-pg-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&root).unwrap();
        let as_postgres = unsafe { libc::geteuid() } == 0;
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let cluster = Cluster {
            root,
            bin,
            port,
            as_postgres,
        };
        if as_postgres {
            // root may not run postgres: the cluster belongs to the postgres user.
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&cluster.root)
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "chown the cluster directory to postgres");
        }
        let out = cluster.run(
            "initdb",
            &[
                "-D",
                &cluster.data(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        cluster.pg_ctl_start();
        let have_postgis = cluster.query_one(
            "postgres",
            "SELECT count(*)::text FROM pg_available_extensions WHERE name = 'postgis'",
        ) == "1";
        if !have_postgis {
            skip_or_fail("PostGIS is not installed for this PostgreSQL");
            return None; // the guard stops and removes the cluster
        }
        Some(cluster)
    }

    fn data(&self) -> String {
        self.root.join("data").display().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) -> Output {
        let exe = self.bin.join(tool);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        cmd.args(args)
            .current_dir("/")
            .output()
            .expect("run a PostgreSQL tool")
    }

    fn pg_ctl_start(&self) {
        let opts = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c max_connections=40",
            self.port,
            self.root.display()
        );
        let log = self.root.join("log").display().to_string();
        let out = self.run(
            "pg_ctl",
            &["-D", &self.data(), "-l", &log, "-o", &opts, "-w", "start"],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(self.root.join("log")).unwrap_or_default()
        );
    }

    fn pg_ctl_stop(&self, mode: &str) {
        let _ = self.run("pg_ctl", &["-D", &self.data(), "-m", mode, "-w", "stop"]);
    }

    fn url(&self, db: &str) -> String {
        format!("postgresql://postgres@127.0.0.1:{}/{db}", self.port)
    }

    fn execute(&self, db: &str, sql: &str) {
        let url = self.url(db);
        corridor::db::block_on(async move {
            let t: corridor::db::DbTarget = url.parse().unwrap();
            let c = t.connect().await.unwrap();
            c.batch_execute(sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        })
        .unwrap();
    }

    fn query_one(&self, db: &str, sql: &str) -> String {
        let url = self.url(db);
        corridor::db::block_on(async move {
            let t: corridor::db::DbTarget = url.parse().unwrap();
            let c = t.connect().await.unwrap();
            let row = c
                .query_one(sql, &[])
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            row.get::<_, String>(0)
        })
        .unwrap()
    }

    fn create_db(&self, name: &str) -> String {
        self.execute("postgres", &format!("CREATE DATABASE {name}"));
        self.url(name)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.pg_ctl_stop("immediate");
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn corridor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(args)
        .env("RUST_LOG", "warn")
        .env_remove("CORRIDOR_DB_URL")
        .output()
        .expect("run corridor")
}

fn ok(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "corridor failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn json(server: &Server, path: &str) -> (u16, Value) {
    let (status, _, body) = server.get(path);
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

const ROUTE: &str = "/v1/route?from=ru-ulan-ude&to=cn-beijing&mode=rail";

fn route_time(server: &Server) -> f64 {
    let (status, v) = json(server, ROUTE);
    assert_eq!(status, 200, "{v}");
    v["features"][0]["properties"]["time_h"].as_f64().unwrap()
}

/// Polls `cond` on every replica until all hold; the time it took, or a panic after `limit`.
fn until_all(
    replicas: &[&Server],
    limit: Duration,
    what: &str,
    cond: impl Fn(&Server) -> bool,
) -> Duration {
    let start = Instant::now();
    let mut done = vec![false; replicas.len()];
    loop {
        for (i, r) in replicas.iter().enumerate() {
            if !done[i] {
                done[i] = cond(r);
            }
        }
        if done.iter().all(|d| *d) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < limit,
            "{what}: not on every replica within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn health(server: &Server) -> Value {
    json(server, "/health").1
}

#[test]
fn postgis_source_of_truth() {
    let Some(pg) = Cluster::start() else { return };
    let url = pg.create_db("corridor_main");

    // init is versioned and idempotent.
    let first = ok(&corridor(&["db", "init", "--db", &url]));
    assert!(first.contains("applied V1__corridor_schema"), "{first}");
    let again = ok(&corridor(&["db", "init", "--db", &url]));
    assert!(again.contains("up to date"), "{again}");
    // The connection string never shows; the redacted target does.
    assert!(first.contains(&format!(
        "postgresql://postgres@127.0.0.1:{}/corridor_main",
        pg.port
    )));

    let loaded = ok(&corridor(&["db", "load", "--db", &url]));
    assert!(
        loaded.contains("193 nodes, 306 links, 6 scenarios, 2 demand sets"),
        "{loaded}"
    );

    // Serve answers exactly as from files.
    let files = Server::start(None, &[]);
    let a = Server::start_with_args(None, &["--db", &url]);
    let b = Server::start(None, &[("CORRIDOR_DB_URL", url.as_str())]);
    same_answers(&files, &a);
    same_answers(&files, &b);
    for r in [&a, &b] {
        let h = health(r);
        assert_eq!(h["source"]["kind"], "postgresql", "{h}");
        assert_eq!(h["source"]["state"], "connected", "{h}");
        assert_eq!(h["last_reload"]["ok"], true, "{h}");
        assert!(!h.to_string().contains("postgresql://"), "{h}");
    }

    edit_reaches_both_replicas(&pg, &a, &b);
    invalid_edit_is_refused(&pg, &a, &b);
    outage_keeps_serving(&pg, &a, &b);
    drop((a, b, files));

    secrets_stay_out_of_output(&pg);
    reader_role_suffices(&pg);
    pgrouting_import(&pg);
    dump_round_trip(&pg);
    text_survives_copy(&pg);
}

const SECRET: &str = "s3cr3t-pw";

/// The password of a connection string shows nowhere: not in a replica's logs (debug level,
/// through an edit), nor in the errors of commands that cannot connect or find the database.
fn secrets_stay_out_of_output(pg: &Cluster) {
    // Trust authentication accepts any password: the replica connects with this one.
    let url = format!(
        "postgresql://postgres:{SECRET}@127.0.0.1:{}/corridor_main",
        pg.port
    );
    let log = pg.root.join("replica-secret.log");
    let file = std::fs::File::create(&log).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(["serve", "--db", &url, "--bind", "127.0.0.1:0"])
        .env("RUST_LOG", "debug")
        .env_remove("CORRIDOR_DB_URL")
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .unwrap();
    let start = Instant::now();
    let base = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(l) = text
            .lines()
            .find_map(|l| l.strip_prefix("corridor listening on "))
        {
            break l.trim().to_string();
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no start: {text}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let health = || -> Value {
        ureq::get(&format!("{base}/health"))
            .call()
            .unwrap()
            .into_json()
            .unwrap()
    };
    let at = health()["last_reload"]["at"].clone();
    pg.execute(
        "corridor_main",
        &format!("UPDATE corridor.links SET dwell_h = dwell_h + 1 WHERE id = '{CROSSING}'"),
    );
    let start = Instant::now();
    while health()["last_reload"]["at"] == at {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the edit was not re-read"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("database re-read"), "{text}");
    assert!(
        !text.contains(SECRET),
        "the password is in the replica's log"
    );

    for (args, what) in [
        (
            vec![
                "db",
                "init",
                "--db",
                &format!("postgresql://postgres:{SECRET}@127.0.0.1:1/x"),
            ],
            "nothing listens",
        ),
        (
            vec![
                "db",
                "load",
                "--db",
                &format!(
                    "postgresql://postgres:{SECRET}@127.0.0.1:{}/nosuchdb",
                    pg.port
                ),
            ],
            "no such database",
        ),
        (
            vec![
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--db",
                &format!(
                    "postgresql://postgres:{SECRET}@127.0.0.1:{}/nosuchdb",
                    pg.port
                ),
            ],
            "serve, no such database",
        ),
    ] {
        let out = corridor(&args);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.status.success(), "{what}: {all}");
        assert!(
            !all.contains(SECRET),
            "{what}: the password is echoed: {all}"
        );
        assert!(
            all.contains("postgresql://postgres@127.0.0.1"),
            "{what}: {all}"
        );
    }
}

/// The role the README documents for replicas (read rights plus LISTEN) serves and follows
/// edits, and cannot write.
fn reader_role_suffices(pg: &Cluster) {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let sql = readme
        .split("```sql\n")
        .find(|b| b.starts_with("CREATE ROLE corridor_reader"))
        .and_then(|b| b.split("```").next())
        .expect("README documents the reader role in a sql block");
    let sql = sql
        .replace("PASSWORD '…'", "PASSWORD 'reader-pw'")
        .replace("DATABASE corridor TO", "DATABASE corridor_main TO");
    pg.execute("corridor_main", &sql);
    let url = format!(
        "postgresql://corridor_reader:reader-pw@127.0.0.1:{}/corridor_main",
        pg.port
    );
    let r = Server::start_with_args(None, &["--db", &url]);
    let before = route_time(&r);
    pg.execute(
        "corridor_main",
        &format!("UPDATE corridor.links SET dwell_h = dwell_h + 2 WHERE id = '{CROSSING}'"),
    );
    // The route grows by the 2 h dwell until an alternative is quicker: since the data audit
    // shortened Harbin–Changchun–Shenyang, the route through Zabaikalsk–Manzhouli is about
    // 1 h behind it, so the reader sees a rise of 1.02 h, not 2 (any rise means the edit came).
    until_all(
        &[&r],
        Duration::from_secs(2),
        "edit seen by the reader",
        |s| route_time(s) > before + 0.5,
    );
    let out = corridor(&["db", "load", "--db", &url]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the reader role could write");
    assert!(err.contains("permission denied"), "{err}");
}

/// Text the COPY format escapes (backslash, tab, newline, quotes) and SQL-looking values
/// survive load → dump, in a typed column (`name`) and in `props`.
fn text_survives_copy(pg: &Cluster) {
    let url = pg.create_db("corridor_text");
    ok(&corridor(&["db", "init", "--db", &url]));
    let geodata = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
    let dir = pg.root.join("hostile");
    copy_dir(&geodata, &dir);
    let hostile = "O'Brien \\ \"q\" \t tab \n line; DROP TABLE corridor.nodes; -- \\N";
    let mut nodes: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("nodes.geojson")).unwrap()).unwrap();
    nodes["features"][0]["properties"]["name"] = Value::String(hostile.into());
    nodes["features"][0]["properties"]["note"] = Value::String(hostile.into());
    std::fs::write(dir.join("nodes.geojson"), nodes.to_string()).unwrap();
    ok(&corridor(&[
        "db",
        "load",
        "--db",
        &url,
        "--data",
        dir.to_str().unwrap(),
    ]));
    let out = pg.root.join("hostile-dump");
    ok(&corridor(&[
        "db",
        "dump",
        "--db",
        &url,
        "--out",
        out.to_str().unwrap(),
    ]));
    let back: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("nodes.geojson")).unwrap()).unwrap();
    let p = &back["features"][0]["properties"];
    assert_eq!(p["name"], hostile, "{p}");
    assert_eq!(p["note"], hostile, "{p}");
    assert_eq!(
        pg.query_one("corridor_text", "SELECT count(*)::text FROM corridor.nodes"),
        nodes["features"].as_array().unwrap().len().to_string()
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn same_answers(files: &Server, db: &Server) {
    for path in [
        "/v1/network",
        ROUTE,
        "/v1/route?from=Ulan-Ude&to=Beijing&mode=rail&alternatives=2",
        "/v1/route?from=kz-almaty&to=mn-ulaanbaatar&mode=road&avoid_countries=CN&alternatives=2",
        "/v1/route?from=ru-ulan-ude&to=cn-beijing&mode=rail&scenario=naushki-closed",
        "/v1/capacity?from=RU&to=MN&mode=rail",
        "/v1/crossings",
        "/v1/scenarios",
        "/v1/scenarios/naushki-closed",
        "/v1/demand",
        "/v1/matrix?sources=kz-almaty,ru-irkutsk&destinations=mn-ulaanbaatar,cn-beijing&optimize=cost",
    ] {
        let (s1, v1) = json(files, path);
        let (s2, v2) = json(db, path);
        assert_eq!(s1, s2, "{path}");
        assert!(
            v1 == v2,
            "{path}: the database's answer differs from the files'"
        );
    }
}

const CROSSING: &str = "xr-zamyn-uud-erenhot";

fn edit_reaches_both_replicas(pg: &Cluster, a: &Server, b: &Server) {
    let before = route_time(a);
    assert_eq!(before, route_time(b));
    let (_, r) = json(a, ROUTE);
    assert!(
        r["features"][0]["properties"]["crossings"]
            .to_string()
            .contains(CROSSING),
        "the test route should cross {CROSSING}: {r}"
    );
    let mut times = Vec::new();
    for step in 1..=3 {
        let start = Instant::now();
        pg.execute(
            "corridor_main",
            &format!("UPDATE corridor.links SET dwell_h = dwell_h + 1 WHERE id = '{CROSSING}'"),
        );
        let took = until_all(&[a, b], Duration::from_secs(2), "dwell_h edit", |s| {
            route_time(s) > before + f64::from(step) - 0.5
        });
        times.push(start.elapsed());
        eprintln!("edit {step}: both replicas serve it after {took:?}");
    }
    // Back to the recorded figure.
    pg.execute(
        "corridor_main",
        &format!("UPDATE corridor.links SET dwell_h = dwell_h - 3 WHERE id = '{CROSSING}'"),
    );
    until_all(&[a, b], Duration::from_secs(2), "edit reverted", |s| {
        route_time(s) == before
    });
}

fn invalid_edit_is_refused(pg: &Cluster, a: &Server, b: &Server) {
    let before = route_time(a);
    let etag = health(a)["etag"].clone();
    pg.execute(
        "corridor_main",
        "UPDATE corridor.links SET to_node = 'ru-nowhere' WHERE id = 'rail-kurgan-petukhovo'",
    );
    until_all(
        &[a, b],
        Duration::from_secs(2),
        "invalid edit reported",
        |s| health(s)["last_reload"]["ok"] == false,
    );
    for r in [a, b] {
        let h = health(r);
        let problems = h["last_reload"]["problems"].as_array().unwrap().clone();
        assert!(
            problems.iter().any(|p| p["file"] == "corridor.links"
                && p["id"] == "rail-kurgan-petukhovo"
                && p["field"] == "to_node"
                && p["message"].as_str().unwrap_or("").contains("ru-nowhere")),
            "{h}"
        );
        assert_eq!(h["etag"], etag, "the old network keeps serving");
        assert_eq!(route_time(r), before);
    }
    pg.execute(
        "corridor_main",
        "UPDATE corridor.links SET to_node = 'ru-petukhovo' WHERE id = 'rail-kurgan-petukhovo'",
    );
    until_all(&[a, b], Duration::from_secs(2), "fixed edit served", |s| {
        health(s)["last_reload"]["ok"] == true
    });
}

fn outage_keeps_serving(pg: &Cluster, a: &Server, b: &Server) {
    let before = route_time(a);
    let stop = Arc::new(AtomicBool::new(false));
    let (done, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let load: Vec<_> = [a.base.clone(), b.base.clone()]
        .into_iter()
        .map(|base| {
            let (stop, done, failed) = (stop.clone(), done.clone(), failed.clone());
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new()
                    .timeout(Duration::from_secs(10))
                    .build();
                while !stop.load(Ordering::Relaxed) {
                    match agent.get(&format!("{base}{ROUTE}")).call() {
                        Ok(r) if r.status() == 200 => done.fetch_add(1, Ordering::Relaxed),
                        _ => failed.fetch_add(1, Ordering::Relaxed),
                    };
                }
            })
        })
        .collect();
    pg.pg_ctl_stop("fast");
    until_all(&[a, b], Duration::from_secs(10), "outage reported", |s| {
        health(s)["source"]["state"] == "disconnected"
    });
    std::thread::sleep(Duration::from_millis(500));
    pg.pg_ctl_start();
    until_all(&[a, b], Duration::from_secs(15), "reconnected", |s| {
        health(s)["source"]["state"] == "connected"
    });
    stop.store(true, Ordering::Relaxed);
    for t in load {
        t.join().unwrap();
    }
    let (done, failed) = (done.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    eprintln!("outage: {done} requests answered, {failed} failed");
    assert_eq!(failed, 0);
    assert!(done > 10, "{done}");
    // Reloads resume.
    pg.execute(
        "corridor_main",
        &format!("UPDATE corridor.links SET dwell_h = dwell_h + 5 WHERE id = '{CROSSING}'"),
    );
    until_all(
        &[a, b],
        Duration::from_secs(2),
        "edit after the outage",
        |s| route_time(s) > before + 4.5,
    );
}

fn pgrouting_import(pg: &Cluster) {
    let url = pg.create_db("corridor_pgr");
    ok(&corridor(&["db", "init", "--db", &url]));
    // An osm2pgrouting-like edge table: four edges between Ulaanbaatar-ish vertices, one
    // one-way, one with a geometry the import cannot use.
    pg.execute(
        "corridor_pgr",
        "CREATE TABLE public.ways (
            gid bigint PRIMARY KEY, osm_id bigint, tag_id integer, name text,
            source bigint, target bigint, cost double precision, reverse_cost double precision,
            maxspeed_forward double precision, the_geom geometry(Geometry, 4326));
         INSERT INTO public.ways VALUES
          (1, 101, 110, 'Peace Avenue', 1, 2, 0.1, 0.1, 60, ST_GeomFromText('LINESTRING(106.90 47.90, 106.95 47.91)', 4326)),
          (2, 102, 110, 'Peace Avenue', 2, 3, 0.1, 0.1, 50, ST_GeomFromText('LINESTRING(106.95 47.91, 107.00 47.92)', 4326)),
          (3, 103, 112, NULL, 3, 4, 0.2, -1, NULL, ST_GeomFromText('LINESTRING(107.00 47.92, 107.05 47.95)', 4326)),
          (4, 104, 112, 'broken', 4, 5, 0.2, 0.2, 40, ST_GeomFromText('MULTILINESTRING((107.05 47.95, 107.1 47.96))', 4326));",
    );
    let out = ok(&corridor(&[
        "db",
        "import-pgrouting",
        "--db",
        &url,
        "--table",
        "ways",
        "--country",
        "MN",
        "--map",
        "maxspeed_forward=speed_kmh",
        "--map",
        "name=name",
    ]));
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(report["stored"]["links"], 3, "{report}");
    assert_eq!(report["stored"]["nodes"], 4, "{report}");
    let unmapped = report["unmapped_columns"].to_string();
    assert!(
        unmapped.contains("osm_id") && unmapped.contains("tag_id"),
        "{report}"
    );
    assert!(!unmapped.contains("maxspeed_forward"), "{report}");
    let skipped = report["skipped_rows"].to_string();
    assert!(
        skipped.contains("gid 4") && skipped.contains("MULTILINESTRING"),
        "{report}"
    );

    // What was imported is served and routed on.
    let s = Server::start_with_args(None, &["--db", &url]);
    let (status, v) = json(&s, "/v1/route?from=pgr-v1&to=pgr-v4&mode=road");
    assert_eq!(status, 200, "{v}");
    let links = v["features"][0]["properties"]["links"].to_string();
    assert!(links.contains("pgr-1") && links.contains("pgr-3"), "{v}");
    let (_, net) = json(&s, "/v1/network");
    let l1 = net["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["id"] == "pgr-1")
        .unwrap();
    assert_eq!(l1["properties"]["speed_kmh"], 60.0);
    assert_eq!(l1["properties"]["name"], "Peace Avenue");
    // pgRouting's one-way convention (negative reverse_cost) is kept.
    let (status, _) = json(&s, "/v1/route?from=pgr-v4&to=pgr-v3&mode=road");
    assert_eq!(status, 422);

    // A table that is not a pgRouting edge table is refused, naming what is missing.
    pg.execute(
        "corridor_pgr",
        "CREATE TABLE public.notways (id bigint, name text)",
    );
    let out = corridor(&["db", "import-pgrouting", "--db", &url, "--table", "notways"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("source") && err.contains("the_geom"), "{err}");
    let out = corridor(&[
        "db",
        "import-pgrouting",
        "--db",
        &url,
        "--table",
        "ways; DROP TABLE x",
    ]);
    assert!(!out.status.success());
}

fn dump_round_trip(pg: &Cluster) {
    let url = pg.create_db("corridor_dump");
    ok(&corridor(&["db", "init", "--db", &url]));
    ok(&corridor(&["db", "load", "--db", &url]));
    let out = pg.root.join("dump");
    ok(&corridor(&[
        "db",
        "dump",
        "--db",
        &url,
        "--out",
        out.to_str().unwrap(),
    ]));
    let geodata = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
    let read = |p: PathBuf| -> Value {
        serde_json::from_str(
            &std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
        )
        .unwrap()
    };
    for f in ["nodes.geojson", "links.geojson"] {
        let (orig, back) = (read(geodata.join(f)), read(out.join(f)));
        let (o, b) = (
            orig["features"].as_array().unwrap(),
            back["features"].as_array().unwrap(),
        );
        assert_eq!(o.len(), b.len(), "{f}");
        for (x, y) in o.iter().zip(b) {
            assert_eq!(
                numbers_as_f64(x),
                numbers_as_f64(y),
                "{f}: a feature differs after load → dump"
            );
        }
    }
    for folder in ["scenarios", "demand"] {
        for e in std::fs::read_dir(geodata.join(folder)).unwrap() {
            let p = e.unwrap().path();
            let back = out.join(folder).join(p.file_name().unwrap());
            assert_eq!(read(p.clone()), read(back), "{}", p.display());
        }
    }
    // And the dump is data Corridor serves.
    corridor::Snapshot::load(&corridor::network::Source::Dir(out)).expect("the dump validates");
}

/// `v` with every number as an f64: GeoJSON has one number type, and PostGIS writes the
/// coordinate `50.0` as `50` (the same number).
fn numbers_as_f64(v: &Value) -> Value {
    match v {
        Value::Number(n) => serde_json::json!(n.as_f64().unwrap()),
        Value::Array(a) => Value::Array(a.iter().map(numbers_as_f64).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), numbers_as_f64(v)))
                .collect(),
        ),
        v => v.clone(),
    }
}
