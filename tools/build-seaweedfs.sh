#!/usr/bin/env bash
# Builds SeaweedFS's single `weed` binary from the Go module proxy (github.com/seaweedfs/seaweedfs
# at SEAWEEDFS_VERSION) into the per-user cache keyed by version. The tests run it as an
# S3-compatible object store (embedded/servers/seaweedfs.ts). Idempotent. Prints the folder.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

module=github.com/seaweedfs/seaweedfs
dest="$CAPSTAN_CACHE/seaweedfs/$SEAWEEDFS_VERSION"
if [[ -x "$dest/weed" ]]; then
  echo "$dest"; exit 0
fi

require go "to build SeaweedFS (the S3-compatible store the snapshot tests use)" "Install Go 1.26+ (https://go.dev/doc/install or 'apt-get install golang'), or set SEAWEEDFS_DIR to a folder with a prebuilt weed binary."
export GOMODCACHE="$CAPSTAN_CACHE/go/mod" GOCACHE="$CAPSTAN_CACHE/go/build" GOTOOLCHAIN=local CGO_ENABLED=0
mkdir -p "$dest"

log "building SeaweedFS $SEAWEEDFS_RELEASE ($SEAWEEDFS_VERSION; first time only; about five minutes)"
# Built inside the downloaded module, not from a wrapper module: its go.mod replaces a dependency
# whose original repository is gone, and replace directives only apply in the main module.
dir="$(go mod download -json "$module@$SEAWEEDFS_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"
[[ -d "$dir/weed" ]] || die "could not download $module@$SEAWEEDFS_VERSION from the Go module proxy"
# Beside its final name and renamed, so a cut-short build leaves nothing half-made.
(cd "$dir" && go build -mod=readonly -trimpath -ldflags "-s -w" -o "$dest/weed.tmp" ./weed) >&2
mv "$dest/weed.tmp" "$dest/weed"

log "built $("$dest/weed" version | head -n1)"
echo "$dest"
