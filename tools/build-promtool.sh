#!/usr/bin/env bash
# Builds Prometheus' promtool from the Go module proxy (github.com/prometheus/prometheus at
# PROMETHEUS_VERSION) into the per-user cache keyed by version. The metrics test runs
# `promtool check rules` on deploy/monitoring's alert rules. Idempotent. Prints the folder.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

module=github.com/prometheus/prometheus
dest="$CAPSTAN_CACHE/promtool/$PROMETHEUS_VERSION"
if [[ -x "$dest/promtool" ]]; then
  echo "$dest"; exit 0
fi

require go "to build promtool (it checks the alert rules)" "Install Go 1.26+ (https://go.dev/doc/install or 'apt-get install golang'), or set PROMTOOL_DIR to a folder with a prebuilt promtool."
export GOMODCACHE="$CAPSTAN_CACHE/go/mod" GOCACHE="$CAPSTAN_CACHE/go/build" GOTOOLCHAIN=local CGO_ENABLED=0
# The module ships a go.work naming folders its zip leaves out: build the module alone.
export GOWORK=off
mkdir -p "$dest"

log "building promtool $PROMETHEUS_VERSION (first time only; a few minutes)"
# Built inside the downloaded module: its go.mod's replace directives apply only in the main module.
dir="$(go mod download -json "$module@$PROMETHEUS_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"
[[ -d "$dir/cmd/promtool" ]] || die "could not download $module@$PROMETHEUS_VERSION from the Go module proxy"
# Beside its final name and renamed, so a cut-short build leaves nothing half-made.
(cd "$dir" && go build -mod=readonly -trimpath -ldflags "-s -w" -o "$dest/promtool.tmp" ./cmd/promtool) >&2
mv "$dest/promtool.tmp" "$dest/promtool"

log "built promtool $PROMETHEUS_VERSION into $dest"
echo "$dest"
