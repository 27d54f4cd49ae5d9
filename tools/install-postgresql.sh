#!/usr/bin/env bash
# Finds the PostgreSQL server binaries (initdb, postgres) the production-like Temporal in the tests
# runs on, installing Debian's package when run as root on a machine without them. The tests
# look for the newest /usr/lib/postgresql/<major>/bin themselves (tools/tool-paths.ts).
# Idempotent. Prints the folder (usable as POSTGRESQL_BIN_DIR).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

how="Install PostgreSQL's server package ('sudo apt-get install postgresql' on Debian and Ubuntu), or set POSTGRESQL_BIN_DIR to the folder holding initdb, postgres and pg_isready."

# Debian installs each major version under /usr/lib/postgresql/<major>/bin, beside the client on PATH.
newest() {
  local dir found=""
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -x "$dir/initdb" && -x "$dir/postgres" && -x "$dir/pg_isready" ]] || continue
    if [[ -z "$found" ]] || (( "$(basename "$(dirname "$dir")")" > "$(basename "$(dirname "$found")")" )); then
      found="$dir"
    fi
  done
  echo "$found"
}

bin="$(newest)"
if [[ -z "$bin" ]]; then
  apt_install postgresql "$how"
  bin="$(newest)"
  [[ -n "$bin" ]] || die "PostgreSQL's server binaries (initdb, postgres) are required for the tests' production-like Temporal but were not found. $how"
fi
# PostgreSQL refuses to run as root; as root the tests run it as the package's system user.
if [[ "$(id -u)" == 0 ]] && ! id postgres >/dev/null 2>&1; then
  die "running as root, the tests run PostgreSQL as the system user 'postgres', which does not exist. Create it ('useradd --system --user-group --home-dir /var/lib/postgresql postgres') or reinstall Debian's postgresql package."
fi
echo "$bin"
