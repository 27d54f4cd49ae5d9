#!/usr/bin/env bash
# Builds the Temporal server and its SQL schema tool from the Go module proxy
# (go.temporal.io/server, the release temporal-docker/ runs) into the per-user cache keyed by
# version, next to the PostgreSQL schema files the tool applies. The tests use that folder
# directly (tools/tool-paths.ts), so a version bump builds anew. Idempotent. Prints the folder
# (its layout is what TEMPORAL_SERVER_DIR must point at).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

version="v$TEMPORAL_SERVER_VERSION"
dest="$CAPSTAN_CACHE/temporal-server/$version"
schema="schema/postgresql/v12"
complete() { [[ -x "$dest/temporal-server" && -x "$dest/temporal-sql-tool" && -d "$dest/$schema" ]]; }
if complete; then
  echo "$dest"; exit 0
fi

require go "to build the Temporal server and temporal-sql-tool" "Install Go 1.24+ (https://go.dev/doc/install or 'apt-get install golang'), or set TEMPORAL_SERVER_DIR to a folder with prebuilt temporal-server and temporal-sql-tool and the server's $schema folder."
export GOMODCACHE="$CAPSTAN_CACHE/go/mod" GOCACHE="$CAPSTAN_CACHE/go/build" GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
work="$CAPSTAN_CACHE/temporal-server/.build-$$"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work" "$dest"

log "building temporal-server and temporal-sql-tool $version (first time only; several minutes)"
cd "$work"
go mod init capstan.local/temporal-server-build >/dev/null 2>&1
go get "go.temporal.io/server@$version" >&2
# Each binary is built beside its final name and renamed, so a cut-short build leaves nothing half-made.
for target in temporal-server:cmd/server temporal-sql-tool:cmd/tools/sql; do
  name="${target%%:*}"
  [[ -x "$dest/$name" ]] && continue
  go build -trimpath -ldflags "-s -w" -o "$dest/$name.tmp" "go.temporal.io/server/${target#*:}" >&2
  mv "$dest/$name.tmp" "$dest/$name"
done
# The versioned schema folders ship in the module, not in the binaries' -d argument: copy them
# out of the module cache (which `go clean -modcache` may empty) beside the tool.
if [[ ! -d "$dest/$schema" ]]; then
  module="$(go list -m -f '{{.Dir}}' "go.temporal.io/server")"
  [[ -d "$module/$schema" ]] || die "go.temporal.io/server@$version has no $schema folder"
  rm -rf "$dest/$schema.tmp" && mkdir -p "$(dirname "$dest/$schema")"
  cp -R "$module/$schema" "$dest/$schema.tmp" && chmod -R u+w "$dest/$schema.tmp"
  mv "$dest/$schema.tmp" "$dest/$schema"
fi

complete || die "the build did not produce temporal-server, temporal-sql-tool and $schema; see the messages above"
log "built temporal-server $("$dest/temporal-server" --version) and temporal-sql-tool"
echo "$dest"
