#!/bin/sh
# Runs once when the PostGIS container initialises its volume: the replicas' role.
# It may read schema corridor and LISTEN; it cannot write. Grants on tables created later
# (by `corridor db init`, run as the owner) come from the default privileges.
set -eu
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" \
  -v reader_pw="$CORRIDOR_READER_PASSWORD" <<'SQL'
CREATE ROLE corridor_reader LOGIN PASSWORD :'reader_pw';
GRANT CONNECT ON DATABASE corridor TO corridor_reader;
CREATE SCHEMA IF NOT EXISTS corridor AUTHORIZATION corridor;
GRANT USAGE ON SCHEMA corridor TO corridor_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE corridor IN SCHEMA corridor GRANT SELECT ON TABLES TO corridor_reader;
SQL
