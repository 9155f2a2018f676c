-- Corridor's schema: the network (nodes, links), scenarios and demand sets.
--
-- Each feature keeps its full GeoJSON properties: the fields GIS users edit (in QGIS) are
-- typed columns, every other property stays in `props` (jsonb). A feature is rebuilt as
-- props || typed columns (non-null), so a typed column always wins over `props`.
-- Referential checks (a link's from/to naming a node, ...) stay in Corridor's validation:
-- no foreign keys, so an edit that breaks the network is reported as it is from files.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE SCHEMA IF NOT EXISTS corridor;

CREATE TABLE corridor.nodes (
    id        text PRIMARY KEY,
    ord       bigint,                 -- feature order in the loaded file (new rows: NULL, last)
    name      text,
    country   text,
    kind      text,
    gauge_mm  numeric,
    props     jsonb NOT NULL DEFAULT '{}'::jsonb,
    geom      geometry(Point, 4326)
);

CREATE TABLE corridor.links (
    id              text PRIMARY KEY,
    ord             bigint,
    from_node       text,             -- property `from`
    to_node         text,             -- property `to`
    mode            text,
    kind            text,
    status          text,
    gauge_mm        numeric,
    speed_kmh       numeric,
    dwell_h         numeric,
    capacity_value  numeric,          -- property `capacity.value`
    capacity_unit   text,             -- property `capacity.unit`
    props           jsonb NOT NULL DEFAULT '{}'::jsonb,
    geom            geometry(LineString, 4326)
);

CREATE TABLE corridor.scenarios (
    name  text PRIMARY KEY,           -- the scenario file's name without `.json`
    doc   jsonb NOT NULL
);

CREATE TABLE corridor.demand (
    name  text PRIMARY KEY,           -- the demand file's name without `.json`
    doc   jsonb NOT NULL
);

CREATE INDEX nodes_geom_gist ON corridor.nodes USING gist (geom);
CREATE INDEX links_geom_gist ON corridor.links USING gist (geom);

-- One NOTIFY per changing statement; PostgreSQL delivers it at commit (never for a rolled
-- back transaction) and folds duplicates within a transaction.
CREATE FUNCTION corridor.notify_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('corridor_changed', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER nodes_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON corridor.nodes
    FOR EACH STATEMENT EXECUTE FUNCTION corridor.notify_changed();
CREATE TRIGGER links_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON corridor.links
    FOR EACH STATEMENT EXECUTE FUNCTION corridor.notify_changed();
CREATE TRIGGER scenarios_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON corridor.scenarios
    FOR EACH STATEMENT EXECUTE FUNCTION corridor.notify_changed();
CREATE TRIGGER demand_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON corridor.demand
    FOR EACH STATEMENT EXECUTE FUNCTION corridor.notify_changed();
