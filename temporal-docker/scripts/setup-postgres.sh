#!/bin/sh
# Creates the Temporal databases if missing and migrates both schemas to the versions
# shipped in this admin-tools image. Every step is idempotent, so it runs on every `up`
# and doubles as the upgrade step after bumping TEMPORAL_ADMINTOOLS_VERSION.
# temporal-sql-tool takes the password from SQL_PASSWORD.
set -eu

: "${POSTGRES_SEEDS:=postgresql}"
: "${DB_PORT:=5432}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
: "${DBNAME:=temporal}"
: "${VISIBILITY_DBNAME:=temporal_visibility}"
SCHEMA_ROOT=/etc/temporal/schema/postgresql/v12

echo "Waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}..."
tries=0
until nc -z -w 5 "$POSTGRES_SEEDS" "$DB_PORT"; do
  tries=$((tries + 1))
  if [ "$tries" -ge 30 ]; then
    echo "PostgreSQL is not reachable" >&2
    exit 1
  fi
  sleep 2
done

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

# $1 database name, $2 schema folder under $SCHEMA_ROOT (temporal | visibility)
migrate() {
  echo "Database $1: create, set up version tables, apply versioned schema"
  sql_tool --db "$1" create
  sql_tool --db "$1" setup-schema -v 0.0
  sql_tool --db "$1" update-schema -d "$SCHEMA_ROOT/$2/versioned"
}

migrate "$DBNAME" temporal
migrate "$VISIBILITY_DBNAME" visibility
echo "Schema setup finished"
